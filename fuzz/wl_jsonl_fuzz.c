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
