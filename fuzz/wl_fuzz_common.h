/* wl_fuzz_common.h - invariants shared by the watchlist loader fuzz harnesses (wl_jsonl_fuzz,
 * wl_ofac_fuzz, wl_un_fuzz): what watchlist.h promises about any loaded list, whatever its format.
 * Included by exactly one harness per binary, hence static functions. */
#ifndef BMIS_FUZZ_WL_FUZZ_COMMON_H
#define BMIS_FUZZ_WL_FUZZ_COMMON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bmis/icao.h"
#include "bmis/watchlist.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
  do {                                                                                             \
    if (!(cond)) __builtin_trap();                                                                 \
  } while (0)

/* Outside input must come out as valid UTF-8 without NUL bytes (it is printed as JSON). */
static bool utf8_ok(const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    if (*p < 0x80) {
      p++;
      continue;
    }
    int k = (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2 : (*p & 0xf8) == 0xf0 ? 3 : -1;
    if (k < 0 || *p == 0xc0 || *p == 0xc1 || *p > 0xf4) return false;
    p++;
    for (int i = 0; i < k; i++, p++)
      if ((*p & 0xc0) != 0x80) return false;
  }
  return true;
}

static bool valid_country(const char *c) {
  return c[0] == '\0' || (strlen(c) == 3 && icao_state_valid(c) && wl_country_code(c, 3) != NULL);
}

static unsigned count_lines(const char *s, size_t n) {
  unsigned lines = 1;
  for (size_t i = 0; i < n; i++) lines += s[i] == '\n';
  return lines;
}

/* Everything watchlist.h promises about a loaded list and its report. */
static void check_list(const wl_list *l, const wl_load_report *r, unsigned max_line) {
  CHECK(r->loaded == wl_list_count(l));
  CHECK(r->loaded + r->skipped <= r->records);
  CHECK(wl_list_memory(l) > 0);
  CHECK(wl_list_entry(l, wl_list_count(l)) == NULL);
  for (size_t i = 0; i < wl_list_count(l); i++) {
    const wl_entry *e = wl_list_entry(l, i);
    CHECK(e->id != NULL && e->id[0] != '\0' && strlen(e->id) <= WL_ID_BYTES_MAX && utf8_ok(e->id));
    CHECK(e->kind <= WL_KIND_OTHER);
    CHECK(e->nnames > 0 || e->ndocuments > 0);
    CHECK(e->nnames <= WL_NAMES_MAX);
    if (e->kind == WL_KIND_DOCUMENT) CHECK(e->nnames == 0 && e->ndocuments > 0);
    for (uint32_t k = 0; k < e->nnames; k++) {
      const char *n = e->names[k];
      size_t len = strlen(n);
      CHECK(len > 0 && len <= WL_NAME_BYTES_MAX && utf8_ok(n));
      CHECK(n[0] != ' ' && n[len - 1] != ' ' && strstr(n, "  ") == NULL);
      for (uint32_t j = 0; j < k; j++) CHECK(strcmp(e->names[j], n) != 0);
      if (e->name_flags != NULL) CHECK((e->name_flags[k] & ~3u) == 0);
    }
    CHECK(e->nbirth_dates <= WL_DATES_MAX);
    for (uint32_t k = 0; k < e->nbirth_dates; k++) {
      const wl_date *d = &e->birth_dates[k];
      CHECK(d->year >= 1000 && d->year_to >= d->year && d->year_to <= 2999);
      CHECK(d->month <= 12);
      if (d->day != 0) CHECK(d->month != 0 && d->day <= bm_days_in_month(d->year, d->month));
      if (d->year_to != d->year) CHECK(d->month == 0 && d->day == 0);
    }
    CHECK(e->nnationalities <= WL_NATIONALITIES_MAX);
    for (uint32_t k = 0; k < e->nnationalities; k++) {
      CHECK(e->nationalities[k][0] != '\0' && valid_country(e->nationalities[k]));
      for (uint32_t j = 0; j < k; j++) CHECK(strcmp(e->nationalities[j], e->nationalities[k]) != 0);
    }
    CHECK(e->sex == 0 || e->sex == 'M' || e->sex == 'F');
    CHECK(e->ndocuments <= WL_DOCUMENTS_MAX);
    for (uint32_t k = 0; k < e->ndocuments; k++) {
      const wl_document *d = &e->documents[k];
      CHECK(d->type != NULL && d->number != NULL && d->country != NULL);
      CHECK(d->number[0] != '\0' && strlen(d->number) <= WL_DOC_NUMBER_BYTES_MAX);
      CHECK(utf8_ok(d->number) && utf8_ok(d->type) && valid_country(d->country));
    }
    CHECK(e->category != NULL && utf8_ok(e->category));
    CHECK(e->notes != NULL && strlen(e->notes) <= WL_NOTES_BYTES_MAX && utf8_ok(e->notes));
    CHECK(e->source_line >= 1 && e->source_line <= max_line);
  }
  size_t kept = r->nissues < WL_REPORT_ISSUES_MAX ? r->nissues : WL_REPORT_ISSUES_MAX;
  for (size_t i = 0; i < kept; i++) {
    const wl_issue *is = &r->issues[i];
    CHECK(memchr(is->file, '\0', sizeof is->file) != NULL && utf8_ok(is->file));
    CHECK(memchr(is->field, '\0', sizeof is->field) != NULL && utf8_ok(is->field));
    CHECK(memchr(is->message, '\0', sizeof is->message) != NULL && utf8_ok(is->message));
    CHECK(is->message[0] != '\0');

#endif
