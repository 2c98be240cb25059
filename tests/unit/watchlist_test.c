/* watchlist_test.c - tests of the watchlist model and its loaders (src/screen/wl_list.c,
 * wl_load_jsonl.c, wl_load_ofac.c, wl_load_un.c).
 *
 * Fixtures in tests/data/watchlists (README there): real OFAC and UN lists in full and as excerpts,
 * and a synthetic JSON Lines list with one line per error the loader must report. Malformed inputs
 * are built in memory from the fixtures (truncated XML, broken CSV quoting). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bmis/watchlist.h"

#define DATA BMIS_TEST_DATA "/watchlists/"

static wl_load_report report;

static char *slurp(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  assert_non_null(buf);
  assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
  buf[n] = '\0';
  fclose(f);
  *len = (size_t)n;
  return buf;
}

static wl_list *load(const char *path, wl_format format) {
  wl_list *l = NULL;
  bm_diag diag;
  memset(&diag, 0, sizeof diag);
  bm_err err = wl_list_load(path, NULL, format, &l, &report, &diag);
  if (err != BM_OK) fprintf(stderr, "load %s: %s\n", path, diag.message);
  assert_int_equal(err, BM_OK);
  assert_non_null(l);
  return l;
}

static wl_list *load_mem(const char *s, size_t len, wl_format format) {
  wl_list *l = NULL;
  assert_int_equal(wl_list_load_mem(s, len, NULL, 0, "mem", format, &l, &report, NULL), BM_OK);
  return l;
}

static const wl_entry *find(const wl_list *l, const char *id) {
  for (size_t i = 0; i < wl_list_count(l); i++)
    if (strcmp(wl_list_entry(l, i)->id, id) == 0) return wl_list_entry(l, i);
  return NULL;
}

static int has_name(const wl_entry *e, const char *name) {
  for (uint32_t i = 0; i < e->nnames; i++)
    if (strcmp(e->names[i], name) == 0) return 1;
  return 0;
}

static const wl_document *find_doc(const wl_entry *e, const char *number) {
  for (uint32_t i = 0; i < e->ndocuments; i++)
    if (strcmp(e->documents[i].number, number) == 0) return &e->documents[i];
  return NULL;
}

static int has_date(const wl_entry *e, int y, int y_to, int m, int d) {
  for (uint32_t i = 0; i < e->nbirth_dates; i++) {
    const wl_date *x = &e->birth_dates[i];
    if (x->year == y && x->year_to == y_to && x->month == m && x->day == d) return 1;
  }
  return 0;
}

static int has_nat(const wl_entry *e, const char *code) {
  for (uint32_t i = 0; i < e->nnationalities; i++)
    if (strcmp(e->nationalities[i], code) == 0) return 1;
  return 0;
}

/* The issue on a line whose field starts with field (NULL: any field). */
static const wl_issue *find_issue(unsigned line, const char *field) {
  size_t n = report.nissues < WL_REPORT_ISSUES_MAX ? report.nissues : WL_REPORT_ISSUES_MAX;
  for (size_t i = 0; i < n; i++) {
    const wl_issue *is = &report.issues[i];
    if (is->line == line && (field == NULL || strncmp(is->field, field, strlen(field)) == 0))
      return is;
  }
  return NULL;
}

/* Every entry keeps the model's promises, whatever the input. */
static void check_invariants(const wl_list *l) {
  for (size_t i = 0; i < wl_list_count(l); i++) {
    const wl_entry *e = wl_list_entry(l, i);
    assert_non_null(e->id);
    assert_true(e->id[0] != '\0');
    assert_true(e->nnames > 0 || e->ndocuments > 0);
    if (e->kind == WL_KIND_DOCUMENT) assert_int_equal(e->nnames, 0);
    for (uint32_t k = 0; k < e->nnames; k++) assert_true(e->names[k][0] != '\0');
    for (uint32_t k = 0; k < e->nnationalities; k++)
      assert_int_equal(strlen(e->nationalities[k]), 3);
    for (uint32_t k = 0; k < e->ndocuments; k++) {
      assert_true(e->documents[k].number[0] != '\0');
      size_t cl = strlen(e->documents[k].country);
      assert_true(cl == 0 || cl == 3);
    }
    for (uint32_t k = 0; k < e->nbirth_dates; k++)
      assert_true(e->birth_dates[k].year_to >= e->birth_dates[k].year);
    assert_true(e->sex == 0 || e->sex == 'M' || e->sex == 'F');
    assert_non_null(e->category);
    assert_non_null(e->notes);
  }
  assert_int_equal(report.loaded, wl_list_count(l));
  assert_true(report.loaded + report.skipped <= report.records);
}

/* ---- dates and countries ---- */

static void test_watchlist_date_parse_forms(void **state) {
  (void)state;
  wl_date d;
  struct {
    const char *s;
    int y, y_to, m, day;
  } ok[] = {
      {"1970-01-02", 1970, 1970, 1, 2},
      {"1970-01", 1970, 1970, 1, 0},
      {"1970", 1970, 1970, 0, 0},
      {"1970/1972", 1970, 1972, 0, 0},
      {"1970-1972", 1970, 1972, 0, 0},
      {"1970 to 1972", 1970, 1972, 0, 0},
      {"02 Jan 1970", 1970, 1970, 1, 2},
      {"2 January 1970", 1970, 1970, 1, 2},
      {"Sep 1970", 1970, 1970, 9, 0},
      {"circa 1970", 1970, 1970, 0, 0},
      {"circa 1970-1972", 1970, 1972, 0, 0},
      {"01 Jan 1961 to 31 Dec 1962", 1961, 1962, 0, 0},
      {"01 Jan 1961 to 31 Dec 1961", 1961, 1961, 0, 0},
      {"01 Mar 1961 to 01 Mar 1961", 1961, 1961, 3, 1},
      {" 1970. ", 1970, 1970, 0, 0},
      {"2000-02-29", 2000, 2000, 2, 29},
  };
  for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
    memset(&d, 0x55, sizeof d);
    assert_int_equal(wl_date_parse(ok[i].s, strlen(ok[i].s), &d), 0);
    assert_int_equal(d.year, ok[i].y);
    assert_int_equal(d.year_to, ok[i].y_to);
    assert_int_equal(d.month, ok[i].m);
    assert_int_equal(d.day, ok[i].day);
  }
  const char *bad[] = {"",          "19700",       "1970-13",  "1970-02-30", "1900-02-29",
                       "1972/1970", "32 Jan 1970", "Foo 1970", "1970 or so", "70",
                       "0000",      "1970-1-2",    "1970--01", "1970 to",    "abc"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    assert_int_equal(wl_date_parse(bad[i], strlen(bad[i]), &d), -1);
  /* Not NUL-terminated: only len bytes are read. */
  assert_int_equal(wl_date_parse("19701", 4, &d), 0);
  assert_int_equal(d.year, 1970);
}

static void test_watchlist_country_code_forms(void **state) {
  (void)state;
  struct {
    const char *in, *want;
  } cases[] = {
      {"RUS", "RUS"},
      {"rus", "RUS"},
      {"D", "DEU"},
      {"D<<", "DEU"},
      {"GBD", "GBD"},
      {"XXA", "XXA"},
      {"DE", "DEU"},
      {"CD", "COD"},
      {"Iran (Islamic Republic of)", "IRN"},
      {"Iran", "IRN"},
      {"Russian Federation", "RUS"},
      {"Russia", "RUS"},
      {"Syrian Arab Republic", "SYR"},
      {"Democratic People's Republic of Korea", "PRK"},
      {"Korea, North", "PRK"},
      {"North Korea", "PRK"},
      {"Korea, South", "KOR"},
      {"Burma", "MMR"},
      {"Viet Nam", "VNM"},
      {"Vietnam", "VNM"},
      {"United Kingdom of Great Britain and Northern Ireland", "GBR"},
      {"United Kingdom", "GBR"},
      {"United States", "USA"},
      {"United States of America", "USA"},
      {"T\xc3\xbcrkiye", "TUR"},
      {"Turkey", "TUR"},
      {"Democratic Republic of the Congo", "COD"},
      {"Congo", "COG"},
      {"United Republic of Tanzania", "TZA"},
      {"State of Palestine", "PSE"},
      {"Palestinian", "PSE"},
      {"Bosnia-Herzegovina", "BIH"},
      {"Bosnia and Herzegovina", "BIH"},
      {"C\xc3\xb4te d'Ivoire", "CIV"},
      {"cote d\xe2\x80\x99ivoire", "CIV"},
      {"Curaçao", "CUW"},
      {"Kosovo", "RKS"},
      {"North Macedonia, The Republic of", "MKD"},
      {"Cote d Ivoire", "CIV"},
      {"China, Hong Kong Special Administrative Region", "HKG"},
      {"  Germany. ", "DEU"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const char *got = wl_country_code(cases[i].in, strlen(cases[i].in));
    if (got == NULL || strcmp(got, cases[i].want) != 0)
      fail_msg("'%s': got %s, want %s", cases[i].in, got ? got : "NULL", cases[i].want);
  }
  const char *unknown[] = {"", "na", "ZZZ", "Atlantis", "former Soviet Union", "Korea", "X"};
  for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++)
    assert_null(wl_country_code(unknown[i], strlen(unknown[i])));
  assert_null(wl_country_code(NULL, 0));
}

/* ---- JSON Lines ---- */

static void test_watchlist_jsonl_design_example(void **state) {
  (void)state;
  const char *line =
      "{\"id\":\"N-0001\",\"kind\":\"person\",\"names\":[\"Ivan PETROV\",\"\xd0\x98\xd0\xb2\xd0\xb0"
      "\xd0\xbd "
      "\xd0\x9f\xd0\xb5\xd1\x82\xd1\x80\xd0\xbe\xd0\xb2\"],\"birth_dates\":[\"1970-01-02\","
      "\"1971\"],\"nationalities\":[\"RUS\"],\"sex\":\"M\",\"documents\":[{\"type\":\"P\","
      "\"number\":"
      "\"123456789\",\"country\":\"RUS\"}],\"category\":\"refuse-entry\",\"notes\":\"...\"}\n";
  wl_list *l = load_mem(line, strlen(line), WL_FORMAT_AUTO);
  assert_int_equal(report.format, WL_FORMAT_JSONL);
  assert_int_equal(report.records, 1);
  assert_int_equal(report.loaded, 1);
  assert_int_equal(report.nissues, 0);
  const wl_entry *e = wl_list_entry(l, 0);
  assert_string_equal(e->id, "N-0001");
  assert_int_equal(e->kind, WL_KIND_PERSON);
  assert_int_equal(e->nnames, 2);
  assert_string_equal(e->names[0], "Ivan PETROV");
  assert_int_equal(e->nbirth_dates, 2);
  assert_true(has_date(e, 1970, 1970, 1, 2));
  assert_true(has_date(e, 1971, 1971, 0, 0));
  assert_true(has_nat(e, "RUS"));
  assert_int_equal(e->sex, 'M');
  assert_int_equal(e->ndocuments, 1);
  assert_string_equal(e->documents[0].type, "P");
  assert_string_equal(e->documents[0].number, "123456789");
  assert_string_equal(e->documents[0].country, "RUS");
  assert_string_equal(e->category, "refuse-entry");
  assert_string_equal(e->notes, "...");
  assert_int_equal(e->source_line, 1);
  assert_null(e->name_flags);
  assert_string_equal(wl_list_name(l), "mem");
  assert_null(wl_list_entry(l, 1));
  assert_true(wl_list_memory(l) > 0);
  wl_list_free(l);
}

static void test_watchlist_jsonl_errors_reported_good_kept(void **state) {
  (void)state;
  wl_list *l = load(DATA "national.jsonl", WL_FORMAT_AUTO);
  check_invariants(l);
  assert_string_equal(wl_list_name(l), "national");
  assert_int_equal(report.format, WL_FORMAT_JSONL);
  assert_int_equal(report.records, 14); /* the blank line is not a record */
  assert_int_equal(report.loaded, 8);
  assert_int_equal(report.skipped, 6);

  const wl_entry *e = find(l, "N-0002");
  assert_non_null(e);
  assert_int_equal(e->kind, WL_KIND_DOCUMENT);
  assert_int_equal(e->nnames, 0);
  assert_string_equal(e->documents[0].country, "UTO");

  e = find(l, "N-0003");
  assert_int_equal(e->kind, WL_KIND_PERSON); /* the default */
  assert_int_equal(e->nbirth_dates, 4);
  assert_true(has_date(e, 1974, 1974, 8, 0));
  assert_true(has_date(e, 1960, 1962, 0, 0));
  assert_true(has_date(e, 1975, 1975, 1, 2));
  assert_true(has_date(e, 1980, 1980, 0, 0));
  assert_true(has_nat(e, "SWE") && has_nat(e, "DEU"));
  assert_int_equal(e->sex, 'F');

  /* Line 5: each bad value is an issue naming line and field; the record and its good values stay.
   */
  e = find(l, "N-0004");
  assert_int_equal(e->nnames, 1);
  assert_int_equal(e->nbirth_dates, 1);
  assert_true(has_date(e, 1970, 1970, 0, 0));
  assert_int_equal(e->nnationalities, 1);
  assert_true(has_nat(e, "FRA")); /* a name is read, with an issue */
  assert_int_equal(e->sex, 0);
  assert_non_null(find_issue(5, "names[1]"));
  assert_non_null(find_issue(5, "birth_dates[0]"));
  assert_non_null(find_issue(5, "nationalities[0]"));
  assert_non_null(find_issue(5, "nationalities[1]"));
  assert_non_null(find_issue(5, "sex"));

  assert_null(find(l, "N-0005"));
  assert_non_null(find_issue(6, "kind"));
  assert_null(find(l, "N-0006"));
  assert_non_null(find_issue(7, "names"));
  assert_non_null(find_issue(8, "id"));
  assert_non_null(strstr(find_issue(9, NULL)->message, "not JSON"));
  assert_non_null(find_issue(10, NULL));
  assert_null(find(l, "N-0010"));
  assert_non_null(find_issue(11, "documents"));

  e = find(l, "N-0011"); /* no usable name but a document: kept for its document */
  assert_non_null(e);
  assert_int_equal(e->nnames, 0);
  assert_int_equal(e->ndocuments, 1);
  assert_string_equal(e->documents[0].type, "ID");
  assert_string_equal(e->documents[0].country, "");
  assert_non_null(find_issue(12, "names"));
  assert_non_null(find_issue(12, "documents[1].number"));
  assert_non_null(find_issue(12, "colour"));

  e = find(l, "N-0012");
  assert_int_equal(e->kind, WL_KIND_ENTITY);
  assert_string_equal(e->notes, "");
  assert_string_equal(e->category, "");

  assert_non_null(strstr(find_issue(14, "id")->message, "duplicate"));
  assert_non_null(find(l, "N-0014"));
  assert_string_equal(find(l, "N-0014")->names[0], "Last Line Without Newline");
  /* Issues name the file. */
  assert_non_null(strstr(report.issues[0].file, "national.jsonl"));
  wl_list_free(l);
}

static void test_watchlist_jsonl_long_line_and_types(void **state) {
  (void)state;
  size_t big = WL_LINE_BYTES_MAX + 100;
  char *buf = malloc(big + 200);
  assert_non_null(buf);
  strcpy(buf, "{\"id\":\"A\",\"names\":[\"Good Name\"]}\n{\"id\":\"B\",\"notes\":\"");
  size_t n = strlen(buf);
  memset(buf + n, 'x', big);
  n += big;
  n += (size_t)sprintf(buf + n, "\",\"names\":[\"X\"]}\r\n{\"id\":\"C\",\"names\":[\"Third\"]}");
  wl_list *l = load_mem(buf, n, WL_FORMAT_JSONL);
  assert_int_equal(report.records, 3);
  assert_int_equal(report.loaded, 2);
  assert_int_equal(report.skipped, 1);
  assert_non_null(find_issue(2, NULL));
  assert_non_null(find(l, "C"));
  wl_list_free(l);
  free(buf);

  const char *types = "{\"id\":7,\"names\":[\"A\"]}\n"
                      "{\"id\":\"x\",\"names\":[\"A\"],\"birth_dates\":\"1970\",\"nationalities\":"
                      "\"RUS\",\"documents\":{},\"sex\":1,\"kind\":3}\n"
                      "{\"id\":\"y\",\"names\":[\"B\"],\"birth_dates\":[1970],\"documents\":[\"P\","
                      "{\"number\":5,\"type\":[],\"country\":false}]}\n";
  l = load_mem(types, strlen(types), WL_FORMAT_AUTO);
  assert_int_equal(report.records, 3);
  assert_int_equal(report.loaded, 1); /* "y"; 7 is no id, 3 is no kind */
  assert_non_null(find_issue(1, "id"));
  assert_non_null(find_issue(2, "birth_dates"));
  assert_non_null(find_issue(2, "nationalities"));
  assert_non_null(find_issue(2, "documents"));
  assert_non_null(find_issue(2, "sex"));
  assert_non_null(find_issue(2, "kind"));
  assert_non_null(find_issue(3, "birth_dates[0]"));
  assert_non_null(find_issue(3, "documents[0]"));
  assert_non_null(find_issue(3, "documents[1].number"));
  assert_non_null(find_issue(3, "documents[1].type"));
  assert_non_null(find_issue(3, "documents[1].country"));
  check_invariants(l);
  wl_list_free(l);
}

static void test_watchlist_jsonl_limits(void **state) {
  (void)state;
  /* More names than kept, a name over the byte limit, non-UTF-8 is impossible in JSON (jansson
   * refuses it): the record is kept with what fits. */
  size_t cap = 1u << 20;
  char *buf = malloc(cap);
  assert_non_null(buf);
  size_t n = (size_t)sprintf(buf, "{\"id\":\"many\",\"names\":[");
  for (int i = 0; i < WL_NAMES_MAX + 10; i++)
    n += (size_t)sprintf(buf + n, "%s\"N%d\"", i ? "," : "", i);
  n += (size_t)sprintf(buf + n, ",\"");
  memset(buf + n, 'a', WL_NAME_BYTES_MAX + 1);
  n += WL_NAME_BYTES_MAX + 1;
  n += (size_t)sprintf(buf + n, "\"]}\n");
  wl_list *l = load_mem(buf, n, WL_FORMAT_JSONL);
  assert_int_equal(report.loaded, 1);
  assert_int_equal(wl_list_entry(l, 0)->nnames, WL_NAMES_MAX);
  assert_true(report.nissues >= 1);
  wl_list_free(l);
  free(buf);
}

/* ---- OFAC ---- */

static void test_watchlist_ofac_excerpt_fields(void **state) {
  (void)state;
  wl_list *l = load(DATA "ofac_excerpt/sdn.csv", WL_FORMAT_AUTO);
  check_invariants(l);
  assert_int_equal(report.format, WL_FORMAT_OFAC_SDN);
  assert_int_equal(report.records, 47);
  assert_int_equal(report.loaded, 47);
  assert_int_equal(report.skipped, 0);

  const wl_entry *e = find(l, "36");
  assert_int_equal(e->kind, WL_KIND_ENTITY);
  assert_string_equal(e->names[0], "AEROCARIBBEAN AIRLINES");
  assert_true(has_name(e, "AERO-CARIBBEAN")); /* from alt.csv */
  assert_string_equal(e->category, "CUBA");
  assert_int_equal(e->source_line, 1);

  e = find(l, "306");
  assert_true(has_name(e, "NATIONAL BANK OF CUBA"));
  assert_true(has_name(e, "BNC")); /* a.k.a. in the remarks */

  e = find(l, "4106");
  assert_int_equal(e->kind, WL_KIND_PERSON);
  assert_string_equal(e->names[0], "HERRERA BUITRAGO, Helmer");
  assert_true(has_date(e, 1951, 1951, 8, 24));
  assert_true(has_date(e, 1951, 1951, 7, 5));
  assert_string_equal(find_doc(e, "16247821")->type, "ID");
  assert_string_equal(find_doc(e, "16247821")->country, "COL");
  assert_string_equal(find_doc(e, "J287011")->type, "P");
  assert_string_equal(find_doc(e, "J287011")->country, "COL");
  assert_true(has_name(e, "PACHO"));

  e = find(l, "12057"); /* DOB 1951 to 1953; alt. DOB 1960 to 1962; alt. DOB Apr 1961 */
  assert_true(has_date(e, 1951, 1953, 0, 0));
  assert_true(has_date(e, 1960, 1962, 0, 0));
  assert_true(has_date(e, 1961, 1961, 4, 0));
  assert_string_equal(e->category, "SDGT NPWMD IRGC IFSR IRAN-HR IRAN-EO13876");

  e = find(l, "15962"); /* DOB 01 Jan 1961 to 31 Dec 1962; nationality Iran */
  assert_true(has_date(e, 1961, 1962, 0, 0));
  assert_true(has_nat(e, "IRN"));
  assert_string_equal(find_doc(e, "U14624657")->country, "IRN");

  e = find(l, "13086"); /* nationality Russia; Gender Male; several passports */
  assert_true(has_nat(e, "RUS"));
  assert_int_equal(e->sex, 'M');
  assert_string_equal(find_doc(e, "515731854")->country, "RUS");
  assert_string_equal(find_doc(e, "AK0517906")->country, "GRC");
  assert_string_equal(find_doc(e, "326106")->country, "");

  e = find(l, "11271"); /* National ID No. 13/Ta Ta Na (Naing)019077 (Burma) */
  assert_string_equal(find_doc(e, "13/Ta Ta Na (Naing)019077")->country, "MMR");
  assert_true(has_name(e, "HSING, Su") && has_name(e, "SU HSING"));

  e = find(l, "6905"); /* nationality Palestinian; Passport 484824 (Egypt) issued 18 Jan 1984 */
  assert_true(has_nat(e, "PSE"));
  assert_string_equal(find_doc(e, "484824")->country, "EGY");

  e = find(l, "7782"); /* DOB circa 1951 */
  assert_true(has_date(e, 1951, 1951, 0, 0));

  size_t other = 0;
  for (size_t i = 0; i < wl_list_count(l); i++)
    if (wl_list_entry(l, i)->kind == WL_KIND_OTHER) other++;
  assert_int_equal(other, 7); /* 4 vessels, 3 aircraft */

  /* The alias whose ent_num has no primary row: an issue in alt.csv, not fatal. */
  assert_int_equal(report.nissues, 1);
  assert_non_null(strstr(report.issues[0].file, "alt.csv"));
  assert_int_equal(report.issues[0].line, 89);
  assert_non_null(strstr(report.issues[0].message, "9647"));
  wl_list_free(l);
}

static void test_watchlist_ofac_full_2021(void **state) {
  (void)state;
  wl_list *l = load(DATA "ofac_sdn_2021-07/sdn.csv", WL_FORMAT_AUTO);
  check_invariants(l);
  assert_int_equal(report.records, 8976);
  assert_int_equal(report.loaded, 8976);
  assert_int_equal(report.skipped, 0);
  assert_int_equal(report.nissues, 0);
  size_t persons = 0, names = 0;
  for (size_t i = 0; i < wl_list_count(l); i++) {
    const wl_entry *e = wl_list_entry(l, i);
    if (e->kind == WL_KIND_PERSON) persons++;
    names += e->nnames;
  }
  assert_int_equal(persons, 4620);
  /* 8,976 primary names + 11,910 aliases, and a.k.a.s of the remarks not spelled the same way. */
  assert_true(names >= 8976 + 11910);
  wl_list_free(l);
}

static void test_watchlist_ofac_consolidated(void **state) {
  (void)state;
  wl_list *l = load(DATA "ofac_cons_2025-12/cons_prim.csv", WL_FORMAT_AUTO);
  check_invariants(l);
  assert_int_equal(report.loaded, 442);
  assert_int_equal(report.nissues, 0);
  size_t persons = 0, names = 0;
  for (size_t i = 0; i < wl_list_count(l); i++) {
    persons += wl_list_entry(l, i)->kind == WL_KIND_PERSON;
    names += wl_list_entry(l, i)->nnames;
  }
  assert_int_equal(persons, 79);
  assert_true(names >= 442 + 1073); /* cons_alt.csv was read */
  wl_list_free(l);
}

static void test_watchlist_ofac_bad_quoting_keeps_rest(void **state) {
  (void)state;
  const char *csv =
      "1,\"GOOD ONE\",\"individual\",\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 1970.\"\n"
      "2,\"BROKEN\"QUOTE\",\"individual\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n"
      "3,\"GOOD TWO\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n"
      "4,\"SHORT ROW\"\n"
      "x5,\"NOT A NUMBER\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n"
      "6,\"\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n"
      "7,\"SPANS\nTWO LINES\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n"
      "8,\"UNTERMINATED,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n";
  const char *alt = "1,10,\"aka\",\"GOOD ALIAS\",-0- \n"
                    "99,11,\"aka\",\"ORPHAN\",-0- \n"
                    "3,12,\"aka\"\n"
                    "3,13,\"aka\",\"BAD\"QUOTE\",-0- \n";
  wl_list *l = NULL;
  assert_int_equal(wl_list_load_mem(csv, strlen(csv), alt, strlen(alt), "ofac", WL_FORMAT_AUTO, &l,
                                    &report, NULL),
                   BM_OK);
  check_invariants(l);
  assert_int_equal(report.format, WL_FORMAT_OFAC_SDN);
  assert_int_equal(report.loaded, 3); /* 1, 3, 7 */
  assert_int_equal(report.skipped, 5);
  assert_true(has_name(find(l, "1"), "GOOD ALIAS"));
  assert_int_equal(find(l, "1")->nbirth_dates, 1);
  assert_int_equal(find(l, "3")->kind, WL_KIND_ENTITY);
  assert_string_equal(find(l, "7")->names[0], "SPANS TWO LINES");
  assert_int_equal(find(l, "7")->source_line, 7);
  assert_non_null(find_issue(2, NULL));       /* the quoting error, on its line */
  assert_non_null(find_issue(4, NULL));       /* 2 fields */
  assert_non_null(find_issue(5, "ent_num"));  /* x5 */
  assert_non_null(find_issue(6, "SDN_Name")); /* no name, no document: skipped */
  assert_non_null(find_issue(9, NULL));       /* unterminated at end of file */
  assert_non_null(find_issue(2, "ent_num"));  /* alt.csv line 2: orphan alias */
  assert_non_null(find_issue(3, NULL));       /* alt.csv line 3: short row */
  assert_non_null(find_issue(4, NULL));       /* alt.csv line 4: quoting */
  wl_list_free(l);
}

/* ---- UN ---- */

static void test_watchlist_un_excerpt_fields(void **state) {
  (void)state;
  wl_list *l = load(DATA "un_excerpt.xml", WL_FORMAT_AUTO);
  check_invariants(l);
  assert_int_equal(report.format, WL_FORMAT_UN_XML);
  assert_int_equal(report.records, 19);
  assert_int_equal(report.loaded, 19);

  const wl_entry *e = find(l, "CDi.001");
  assert_int_equal(e->kind, WL_KIND_PERSON);
  assert_string_equal(e->names[0], "ERIC BADEGE");
  assert_int_equal(e->nnames, 1);
  assert_string_equal(e->category, "DRC");
  assert_int_equal(e->sex, 'M');
  assert_true(has_nat(e, "COD"));
  assert_true(has_date(e, 1971, 1971, 0, 0));
  assert_non_null(strstr(e->notes, "Rwanda"));
  assert_int_equal(e->source_line, 4);

  e = find(l, "CDi.003"); /* a low-quality alias among good ones */
  assert_true(has_name(e, "Rumuli"));
  assert_non_null(e->name_flags);
  for (uint32_t i = 0; i < e->nnames; i++)
    assert_int_equal(e->name_flags[i] != 0, strcmp(e->names[i], "Rumuli") == 0);

  e = find(l, "IRi.001");
  assert_true(has_date(e, 1958, 1958, 0, 0) && has_date(e, 1959, 1959, 0, 0));

  /* Original-script names, BETWEEN ranges and passports somewhere in the excerpt. */
  size_t orig = 0, ranges = 0, passports = 0, entities = 0;
  for (size_t i = 0; i < wl_list_count(l); i++) {
    const wl_entry *x = wl_list_entry(l, i);
    entities += x->kind == WL_KIND_ENTITY;
    for (uint32_t k = 0; k < x->nnames; k++)
      if (x->name_flags && (x->name_flags[k] & WL_NAME_ORIGINAL_SCRIPT)) {
        orig++;
        assert_true((unsigned char)x->names[k][0] >= 0x80);
      }
    for (uint32_t k = 0; k < x->nbirth_dates; k++)
      ranges += x->birth_dates[k].year_to > x->birth_dates[k].year;
    for (uint32_t k = 0; k < x->ndocuments; k++) {
      if (strcmp(x->documents[k].type, "P") == 0) passports++;
    }
  }
  assert_int_equal(entities, 4);
  assert_true(orig >= 2);
  assert_true(ranges >= 2);
  assert_true(passports >= 2);

  e = find(l, "CDe.001");
  assert_int_equal(e->kind, WL_KIND_ENTITY);
  assert_string_equal(e->names[0], "ADF");
  assert_true(has_name(e, "Allied Democratic Forces"));
  wl_list_free(l);
}

static void test_watchlist_un_full_2026(void **state) {
  (void)state;
  wl_list *l = load(DATA "un_2026-02/UN_consolidated.xml", WL_FORMAT_AUTO);
  check_invariants(l);
  assert_int_equal(report.records, 1003);
  assert_int_equal(report.loaded, 1003);
  size_t persons = 0, entities = 0, orig = 0, docs = 0;
  for (size_t i = 0; i < wl_list_count(l); i++) {
    const wl_entry *e = wl_list_entry(l, i);
    persons += e->kind == WL_KIND_PERSON;
    entities += e->kind == WL_KIND_ENTITY;
    docs += e->ndocuments;
    for (uint32_t k = 0; k < e->nnames; k++)
      orig += e->name_flags && (e->name_flags[k] & WL_NAME_ORIGINAL_SCRIPT);
  }
  assert_int_equal(persons, 730);
  assert_int_equal(entities, 273);
  assert_true(orig >= 370); /* 378 elements, a few duplicates of the same name */
  assert_true(docs >= 440); /* 454 NUMBER elements, a few repeated */
  /* The only unmapped nationality of this list. */
  int soviet = 0;
  for (size_t i = 0; i < report.nissues && i < WL_REPORT_ISSUES_MAX; i++)
    soviet += strstr(report.issues[i].message, "former Soviet Union") != NULL;
  assert_int_equal(soviet, 1);
  wl_list_free(l);
}

static void test_watchlist_un_truncated_keeps_earlier(void **state) {
  (void)state;
  size_t len;
  char *xml = slurp(DATA "un_excerpt.xml", &len);
  /* Cut in the middle of the third INDIVIDUAL. */
  char *third = xml;
  for (int i = 0; i < 3; i++) third = strstr(third + 1, "<INDIVIDUAL>");
  assert_non_null(third);
  size_t cut = (size_t)(third - xml) + 200;
  wl_list *l = load_mem(xml, cut, WL_FORMAT_AUTO);
  assert_int_equal(report.format, WL_FORMAT_UN_XML);
  assert_int_equal(report.loaded, 2);
  assert_int_equal(report.skipped, 1);
  assert_int_equal(report.records, 3);
  assert_true(report.nissues >= 1);
  assert_true(report.issues[0].line > 0);
  assert_non_null(strstr(report.issues[0].message, "XML"));
  check_invariants(l);
  wl_list_free(l);

  /* Malformed inside a record: the records before it stay. */
  char *bad = malloc(len + 1);
  memcpy(bad, xml, len + 1);
  char *p = strstr(strstr(bad, "CDi.003"), "</INDIVIDUAL>");
  memcpy(p, "</INDIVIDUAX>", 13);
  l = load_mem(bad, len, WL_FORMAT_UN_XML);
  assert_int_equal(report.loaded, 2);
  assert_int_equal(report.skipped, 1);
  wl_list_free(l);
  free(bad);
  free(xml);
}

static void test_watchlist_un_hostile_xml(void **state) {
  (void)state;
  /* Entity expansion bombs and external entities are not expanded; nothing is fetched. */
  const char *bomb =
      "<?xml version=\"1.0\"?>\n<!DOCTYPE CONSOLIDATED_LIST [\n<!ENTITY a \"aaaaaaaaaa\">\n"
      "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\n<!ENTITY c "
      "\"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">\n"
      "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\">\n<!ENTITY x SYSTEM "
      "\"file:///etc/passwd\">\n]>\n"
      "<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><REFERENCE_NUMBER>Xi.1</REFERENCE_NUMBER>"
      "<FIRST_NAME>&d;</FIRST_NAME><SECOND_NAME>&x;OK</SECOND_NAME></INDIVIDUAL></INDIVIDUALS>"
      "</CONSOLIDATED_LIST>\n";
  wl_list *l = load_mem(bomb, strlen(bomb), WL_FORMAT_AUTO);
  /* libxml2 refuses the nested entities outright; either way nothing expanded gets in. */
  assert_true(report.nissues >= 1);
  for (size_t i = 0; i < wl_list_count(l); i++)
    for (uint32_t k = 0; k < wl_list_entry(l, i)->nnames; k++)
      assert_true(strlen(wl_list_entry(l, i)->names[k]) < 100);
  wl_list_free(l);
  const char *ext = "<?xml version=\"1.0\"?>\n<!DOCTYPE CONSOLIDATED_LIST [\n"
                    "<!ENTITY x SYSTEM \"file:///etc/passwd\">\n]>\n"
                    "<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><REFERENCE_NUMBER>Xi.1</"
                    "REFERENCE_NUMBER><FIRST_NAME>A&x;</FIRST_NAME><SECOND_NAME>OK</SECOND_NAME>"
                    "</INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>\n";
  l = load_mem(ext, strlen(ext), WL_FORMAT_AUTO);
  assert_int_equal(report.loaded, 1);
  assert_string_equal(wl_list_entry(l, 0)->names[0], "A OK");
  wl_list_free(l);

  /* Deep nesting inside a record. */
  size_t cap = 200000;
  char *deep = malloc(cap);
  size_t n = (size_t)sprintf(deep, "<CONSOLIDATED_LIST><INDIVIDUAL><REFERENCE_NUMBER>D</REFERENCE_"
                                   "NUMBER><FIRST_NAME>DEEP</FIRST_NAME>");
  for (int i = 0; i < 5000; i++) n += (size_t)sprintf(deep + n, "<a>");
  l = load_mem(deep, n, WL_FORMAT_UN_XML);
  assert_int_equal(report.loaded, 0);
  assert_int_equal(report.skipped, 1);
  wl_list_free(l);
  free(deep);
}

/* ---- loading ---- */

static void test_watchlist_detect_and_errors(void **state) {
  (void)state;
  wl_list *l = (wl_list *)1;
  bm_diag diag;
  memset(&diag, 0, sizeof diag);
  assert_int_equal(
      wl_list_load(DATA "does-not-exist.csv", NULL, WL_FORMAT_AUTO, &l, &report, &diag), BM_ERR_IO);
  assert_null(l);
  assert_non_null(strstr(diag.message, "does-not-exist.csv"));
  assert_int_equal(wl_list_load(DATA, NULL, WL_FORMAT_AUTO, &l, &report, &diag), BM_ERR_IO);
  assert_int_equal(wl_list_load(DATA "README.md", NULL, WL_FORMAT_AUTO, &l, &report, &diag),
                   BM_ERR_UNSUPPORTED);
  assert_int_equal(wl_list_load_mem("", 0, NULL, 0, NULL, WL_FORMAT_AUTO, &l, &report, NULL),
                   BM_ERR_UNSUPPORTED);
  assert_int_equal(wl_list_load_mem("<html/>", 7, NULL, 0, NULL, WL_FORMAT_AUTO, &l, &report, NULL),
                   BM_ERR_UNSUPPORTED);
  /* alt.csv alone is not an SDN file. */
  assert_int_equal(
      wl_list_load(DATA "ofac_excerpt/alt.csv", NULL, WL_FORMAT_AUTO, &l, &report, NULL),
      BM_ERR_UNSUPPORTED);
  /* An empty file forced to a format is an empty list. */
  assert_int_equal(wl_list_load_mem("", 0, NULL, 0, NULL, WL_FORMAT_JSONL, &l, &report, NULL),
                   BM_OK);
  assert_int_equal(wl_list_count(l), 0);
  wl_list_free(l);
  wl_list_free(NULL);
  /* A report is optional. */
  assert_int_equal(wl_list_load(DATA "national.jsonl", "nat", WL_FORMAT_AUTO, &l, NULL, NULL),
                   BM_OK);
  assert_string_equal(wl_list_name(l), "nat");
  wl_list_free(l);
  assert_string_equal(wl_kind_name(WL_KIND_DOCUMENT), "document");
  assert_string_equal(wl_format_name(WL_FORMAT_UN_XML), "un-xml");
  assert_string_equal(wl_format_name(WL_FORMAT_OFAC_SDN), "ofac-sdn");
  assert_string_equal(wl_format_name(WL_FORMAT_JSONL), "jsonl");
}

static void test_watchlist_issues_capped(void **state) {
  (void)state;
  size_t n = 0, cap = 400 * 40;
  char *buf = malloc(cap);
  for (int i = 0; i < 300; i++) n += (size_t)sprintf(buf + n, "{\"id\":\"%d\",\"x\":1}\n", i);
  wl_list *l = load_mem(buf, n, WL_FORMAT_JSONL);
  assert_int_equal(report.skipped, 300);
  assert_true(report.nissues >= 600);
  assert_int_equal(report.issues[WL_REPORT_ISSUES_MAX - 1].line, 50);
  wl_list_free(l);
  free(buf);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_watchlist_date_parse_forms),
      cmocka_unit_test(test_watchlist_country_code_forms),
      cmocka_unit_test(test_watchlist_jsonl_design_example),
      cmocka_unit_test(test_watchlist_jsonl_errors_reported_good_kept),
      cmocka_unit_test(test_watchlist_jsonl_long_line_and_types),
      cmocka_unit_test(test_watchlist_jsonl_limits),
      cmocka_unit_test(test_watchlist_ofac_excerpt_fields),
      cmocka_unit_test(test_watchlist_ofac_full_2021),
      cmocka_unit_test(test_watchlist_ofac_consolidated),
      cmocka_unit_test(test_watchlist_ofac_bad_quoting_keeps_rest),
      cmocka_unit_test(test_watchlist_un_excerpt_fields),
      cmocka_unit_test(test_watchlist_un_full_2026),
      cmocka_unit_test(test_watchlist_un_truncated_keeps_earlier),
      cmocka_unit_test(test_watchlist_un_hostile_xml),
      cmocka_unit_test(test_watchlist_detect_and_errors),
      cmocka_unit_test(test_watchlist_issues_capped),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
