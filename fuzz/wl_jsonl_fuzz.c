/* wl_jsonl_fuzz.c - libFuzzer harness for the openbmis watchlist JSON Lines loader
 * (src/screen/wl_load_jsonl.c), which reads national alert lists from other systems.
 *
 * The whole input is the file. It is loaded twice: with the fast path (a schema-specific parser
 * that takes clean lines) and with every line through jansson. Besides the sanitizers, the harness
 * checks that both give the same entries and the same report - the fast path is only an
 * optimisation - and the promises of watchlist.h: every entry has an id, every name is non-empty
 * UTF-8 without stray spaces, a person has a name or a document, a document entry has documents
 * and no names, dates are valid, countries are ICAO codes, loaded + skipped <= records, issues'
 * lines lie within the input and their texts are printable.
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

static wl_list *load(const char *s, size_t n, int fast, wl_load_report *r) {
  wl__loader *ld = wl__loader_new("fuzz", WL_FORMAT_JSONL, r);
  CHECK(ld != NULL);
  wl__loader_set_file(ld, "fuzz");
  CHECK(wl__load_jsonl(ld, s, n, fast) == BM_OK);
  wl_list *l = NULL;
  CHECK(wl__loader_finish(ld, &l) == BM_OK);
  return l;
}

static bool same_str(const char *a, const char *b) {
  return strcmp(a, b) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *s = (const char *)data;
  static wl_load_report fast_r, slow_r;
  wl_list *fast = load(s, size, 1, &fast_r);
  wl_list *slow = load(s, size, 0, &slow_r);
  unsigned lines = count_lines(s, size);
  check_list(fast, &fast_r, lines);
  CHECK(fast_r.records <= lines);
  size_t kept = fast_r.nissues < WL_REPORT_ISSUES_MAX ? fast_r.nissues : WL_REPORT_ISSUES_MAX;
  for (size_t i = 0; i < kept; i++)
    CHECK(fast_r.issues[i].line >= 1 && fast_r.issues[i].line <= lines);

  CHECK(fast_r.records == slow_r.records && fast_r.loaded == slow_r.loaded);
  CHECK(fast_r.skipped == slow_r.skipped && fast_r.nissues == slow_r.nissues);
  for (size_t i = 0; i < kept; i++) {
    CHECK(fast_r.issues[i].line == slow_r.issues[i].line);
    CHECK(same_str(fast_r.issues[i].field, slow_r.issues[i].field));
    CHECK(same_str(fast_r.issues[i].message, slow_r.issues[i].message));
  }
  CHECK(wl_list_count(fast) == wl_list_count(slow));
  for (size_t i = 0; i < wl_list_count(fast); i++) {
    const wl_entry *a = wl_list_entry(fast, i), *b = wl_list_entry(slow, i);
    CHECK(same_str(a->id, b->id) && a->kind == b->kind && a->sex == b->sex);
    CHECK(a->source_line == b->source_line);
    CHECK(a->nnames == b->nnames && a->nbirth_dates == b->nbirth_dates);
    CHECK(a->nnationalities == b->nnationalities && a->ndocuments == b->ndocuments);
    for (uint32_t k = 0; k < a->nnames; k++) CHECK(same_str(a->names[k], b->names[k]));
    for (uint32_t k = 0; k < a->nbirth_dates; k++)
      CHECK(memcmp(&a->birth_dates[k], &b->birth_dates[k], sizeof(wl_date)) == 0);
    for (uint32_t k = 0; k < a->nnationalities; k++)
      CHECK(same_str(a->nationalities[k], b->nationalities[k]));
    for (uint32_t k = 0; k < a->ndocuments; k++) {
      CHECK(same_str(a->documents[k].type, b->documents[k].type));
      CHECK(same_str(a->documents[k].number, b->documents[k].number));
      CHECK(same_str(a->documents[k].country, b->documents[k].country));
    }
    CHECK(same_str(a->category, b->category) && same_str(a->notes, b->notes));
    CHECK((a->name_flags == NULL) == (b->name_flags == NULL));
  }
  wl_list_free(fast);
  wl_list_free(slow);

  /* The public entry point with the format forced gives the same list. */
  wl_list *pub = NULL;
  CHECK(wl_list_load_mem(s, size, NULL, 0, "fuzz", WL_FORMAT_JSONL, &pub, &slow_r, NULL) == BM_OK);
  CHECK(slow_r.loaded == fast_r.loaded && slow_r.nissues == fast_r.nissues);
  wl_list_free(pub);
  return 0;
}
