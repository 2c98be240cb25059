/* icao.h - ICAO Doc 9303 Part 3 section 5 three-letter codes for issuing states, organisations and
 * nationalities, as they appear in an MRZ: '<'-padded to three characters ("D<<" is Germany).
 *
 * The table is ISO 3166-1 alpha-3 plus the Doc 9303 additions (D, GBD..GBS, EUE, UNO, UNA, UNK, the
 * X.. organisations, XXA stateless, XXB/XXC refugees, XXX unspecified), the deprecated ANT and NTZ
 * still found on old documents, RKS (used in practice for Kosovo) and the specimen code UTO.
 * Lookups are constant-time and need no initialisation.
 */
#ifndef BMIS_ICAO_H
#define BMIS_ICAO_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct icao_state {
  char code[4];   /* '<'-padded MRZ form, NUL-terminated: "D<<", "UTO" */
  char alpha2[3]; /* ISO 3166-1 alpha-2 where one exists ("DE" for D), else "" */
  const char *name;
} icao_state;

/* The table, sorted by code. */
extern const icao_state icao__states[];
extern const unsigned icao__states_count;
extern const unsigned char icao__state_bitmap[];

/* 1 if the three characters at code are a listed code ('<'-padded), else 0. Never reads past
 * code[2]. */
static inline int icao_state_valid(const char *code) {
  unsigned v[3];
  for (int i = 0; i < 3; i++) {
    unsigned char c = (unsigned char)code[i];
    if (c == '<')
      v[i] = 0;
    else if (c >= 'A' && c <= 'Z')
      v[i] = c - 'A' + 1u;
    else
      return 0;
  }
  unsigned idx = (v[0] * 27u + v[1]) * 27u + v[2];
  return (icao__state_bitmap[idx >> 3] >> (idx & 7u)) & 1u;
}

/* The entry for a code given '<'-padded ("D<<") or trimmed ("D"), NULL if not listed. */
const icao_state *icao_state_find(const char *code, size_t len);

#ifdef __cplusplus
}
#endif
#endif
