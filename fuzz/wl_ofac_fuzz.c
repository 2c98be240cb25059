/* wl_ofac_fuzz.c - libFuzzer harness for the OFAC SDN CSV loader (src/screen/wl_load_ofac.c):
 * sdn.csv (or cons_prim.csv) with its alias file, the remarks mini-language, libcsv's quoting.
 *
 * Input: the SDN file, then optionally the line "--alt--" and the alias file. Besides the
 * sanitizers, the harness checks the promises of watchlist.h: every entry has an id (a number,
 * the ent_num), names are non-empty UTF-8, a person has a name or a document, dates valid,
 * countries ICAO codes, loaded + skipped <= records <= lines, and issues name a line within the
 * file they name (the SDN file or the alias file).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bmis/icao.h"
#include "bmis/watchlist.h"

#include "wl_fuzz_common.h"
}
}

#define SEPARATOR "\n--alt--\n"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *s = (const char *)data;
  size_t sdn_len = size;
  const char *alt = NULL;
  size_t alt_len = 0;
  for (size_t i = 0; i + sizeof SEPARATOR - 1 <= size; i++)
    if (memcmp(s + i, SEPARATOR, sizeof SEPARATOR - 1) == 0) {
      sdn_len = i + 1;
      alt = s + i + sizeof SEPARATOR - 1;
      alt_len = size - (size_t)(alt - s);
      break;
    }
  static wl_load_report r;
  wl_list *l = NULL;
  bm_diag diag;
  bm_err err = wl_list_load_mem(s, sdn_len, alt, alt_len, "sdn", WL_FORMAT_OFAC_SDN, &l, &r, &diag);
  CHECK(err == BM_OK);
  unsigned lines = count_lines(s, sdn_len), alt_lines = alt ? count_lines(alt, alt_len) : 0;
  check_list(l, &r, lines);
  CHECK(r.records <= lines);
  for (size_t i = 0; i < wl_list_count(l); i++) {
    const wl_entry *e = wl_list_entry(l, i);
    for (const char *p = e->id; *p; p++) CHECK(*p >= '0' && *p <= '9');
    CHECK(e->kind != WL_KIND_DOCUMENT);
  }
  size_t kept = r.nissues < WL_REPORT_ISSUES_MAX ? r.nissues : WL_REPORT_ISSUES_MAX;
  for (size_t i = 0; i < kept; i++) {
    const wl_issue *is = &r.issues[i];
    if (strcmp(is->file, "alt") == 0)
      CHECK(alt != NULL && is->line >= 1 && is->line <= alt_lines);
    else
      CHECK(strcmp(is->file, "sdn") == 0 && is->line >= 1 && is->line <= lines);
  }
  wl_list_free(l);
  /* Detection never claims an alias file or random bytes are something else than they are. */
  err = wl_list_load_mem(s, sdn_len, NULL, 0, "sdn", WL_FORMAT_AUTO, &l, &r, NULL);
  CHECK(err == BM_OK || err == BM_ERR_UNSUPPORTED);
  if (err == BM_OK) {
    check_list(l, &r, lines);
    wl_list_free(l);
  }
  return 0;
}
