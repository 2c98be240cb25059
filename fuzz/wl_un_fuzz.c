/* wl_un_fuzz.c - libFuzzer harness for the UN consolidated list XML loader
 * (src/screen/wl_load_un.c, libxml2's xmlTextReader).
 *
 * The whole input is the file. Besides the sanitizers, the harness checks the promises of
 * watchlist.h: every entry has an id, names are non-empty UTF-8 without stray spaces, a person has
 * a name or a document, flags are known bits, dates valid, countries ICAO codes, loaded + skipped
 * <= records, entries and issues carry lines within the input.
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *s = (const char *)data;
  static wl_load_report r;
  wl_list *l = NULL;
  CHECK(wl_list_load_mem(s, size, NULL, 0, "un", WL_FORMAT_UN_XML, &l, &r, NULL) == BM_OK);
  unsigned lines = count_lines(s, size);
  check_list(l, &r, lines);
  for (size_t i = 0; i < wl_list_count(l); i++) {
    const wl_entry *e = wl_list_entry(l, i);
    CHECK(e->kind == WL_KIND_PERSON || e->kind == WL_KIND_ENTITY);
  }
  size_t kept = r.nissues < WL_REPORT_ISSUES_MAX ? r.nissues : WL_REPORT_ISSUES_MAX;
  for (size_t i = 0; i < kept; i++) CHECK(r.issues[i].line <= lines);
  wl_list_free(l);
  return 0;
}
