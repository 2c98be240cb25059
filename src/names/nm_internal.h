/* nm_internal.h - helpers shared by the files of src/names/ (not part of the public API).
 */
#ifndef BMIS_NM_INTERNAL_H
#define BMIS_NM_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* 'A', 'E', 'I', 'O', 'U', 'Y': the letters that name spellings and transliterations swap freely.
 */
static inline bool nm__is_vowel(char c) {
  return c == 'A' || c == 'E' || c == 'I' || c == 'O' || c == 'U' || c == 'Y';
}

static inline bool nm__is_upper(char c) {
  return c >= 'A' && c <= 'Z';
}

static inline bool nm__is_digit(char c) {
  return c >= '0' && c <= '9';
}

#endif /* BMIS_NM_INTERNAL_H */
