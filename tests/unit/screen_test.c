/* screen_test.c - tests of screening (include/bmis/screen.h: src/screen/wl_index.c, wl_screen.c,
 * wl_scr_query.c, wl_scr_disp.c).
 *
 * Lists are small JSON Lines written here (their people and numbers are invented), the real-list
 * excerpts in tests/data/watchlists, and one generated list large enough that common tokens are
 * "frequent" and reach names only through the pair index. Evidence rules are tested by screening
 * the same name with one field changed and comparing scores, so each test says which constant it
 * checks. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bmis/names.h"
#include "bmis/screen.h"
#include "bmis/watchlist.h"

#define DATA BMIS_TEST_DATA "/watchlists/"
#define EPS  1e-4f

/* ---- Helpers ---- */

typedef struct fixture {
  wl_list *lists[4];
  size_t nlists;
  wl_index *ix;
  wl_scratch *s;
} fixture;

static wl_list *list_from(const char *jsonl, const char *name) {
  wl_list *l = NULL;
  bm_diag diag;
  assert_int_equal(
      wl_list_load_mem(jsonl, strlen(jsonl), NULL, 0, name, WL_FORMAT_JSONL, &l, NULL, &diag),
      BM_OK);
  return l;
}

static void fixture_build(fixture *f) {
  bm_diag diag;
  assert_int_equal(wl_index_build(f->lists, f->nlists, NULL, &f->ix, &diag), BM_OK);
  f->s = wl_scratch_new(f->ix, &diag);
  assert_non_null(f->s);
}

static void fixture_jsonl(fixture *f, const char *jsonl) {
  memset(f, 0, sizeof *f);
  f->lists[f->nlists++] = list_from(jsonl, "test");
  fixture_build(f);
}

static void fixture_free(fixture *f) {
  wl_scratch_free(f->s);
  wl_index_free(f->ix);
  for (size_t i = 0; i < f->nlists; i++) wl_list_free(f->lists[i]);
}

/* A query from JSON (the strings live in a static buffer until the next call with the same slot).
 */
static wl_query query(const char *json) {
  static wl_query_json qj[4];
  static int next;
  wl_query_json *q = &qj[next++ % 4];
  bm_diag diag;
  bm_err err = wl_query_from_json(json, strlen(json), q, &diag);
  if (err != BM_OK) fail_msg("query %s: %s: %s", json, diag.field, diag.message);
  return q->q;
}

static unsigned screen_opts(fixture *f, const char *json, float threshold, unsigned limit,
                            const wl_dispositions *d, wl_hit *hits) {
  wl_query q = query(json);
  wl_screen_opts o = {threshold, limit, d};
  unsigned n = 99;
  bm_diag diag;
  assert_int_equal(wl_screen(f->ix, f->s, &q, &o, hits, &n, &diag), BM_OK);
  return n;
}

static wl_hit g_hits[WL_HITS_MAX];

static unsigned screen(fixture *f, const char *json) {
  return screen_opts(f, json, 0.0f, WL_HITS_MAX, NULL, g_hits);
}

/* The hit on entry id, or NULL. */
static const wl_hit *hit_for(const wl_hit *hits, unsigned n, const char *id) {
  for (unsigned i = 0; i < n; i++)
    if (strcmp(hits[i].entry->id, id) == 0) return &hits[i];
  return NULL;
}

/* Score of entry id for the query at a low threshold (so that evidence below the default shows),
 * -1 when not a hit. */
static float score_of(fixture *f, const char *json, const char *id) {
  unsigned n = screen_opts(f, json, 0.01f, WL_HITS_MAX, NULL, g_hits);
  const wl_hit *h = hit_for(g_hits, n, id);
  return h ? h->score : -1.0f;
}

static bool has_reason(const wl_hit *h, const char *prefix) {
  for (unsigned i = 0; i < h->nreasons; i++)
    if (strncmp(h->reasons[i], prefix, strlen(prefix)) == 0) return true;
  return false;
}

static const char k_people[] =
    "{\"id\":\"P1\",\"names\":[\"Anna Maria ERIKSSON\"],\"birth_dates\":[\"1974-08-12\"],"
    "\"nationalities\":[\"SWE\"],\"sex\":\"F\",\"documents\":[{\"type\":\"P\",\"number\":"
    "\"L898902C3\",\"country\":\"SWE\"}]}\n"
    "{\"id\":\"P2\",\"names\":[\"Ivan PETROV\",\"Иван Петров\"],\"birth_dates\":[\"1970-01-02\"],"
    "\"nationalities\":[\"RUS\"],\"sex\":\"M\"}\n"
    "{\"id\":\"P3\",\"names\":[\"Abdulrahman KHALID\"],\"birth_dates\":[\"1965\"]}\n"
    "{\"id\":\"P4\",\"names\":[\"Jean-Pierre DUBOIS\"],\"birth_dates\":[\"1960/1964\"],"
    "\"nationalities\":[\"FRA\"],\"sex\":\"M\"}\n"
    "{\"id\":\"P5\",\"names\":[\"Olga SMIRNOVA\"],\"sex\":\"F\"}\n"
    "{\"id\":\"D1\",\"kind\":\"document\",\"documents\":[{\"type\":\"P\",\"number\":\"X0B12345\","
    "\"country\":\"UTO\"}]}\n"
    "{\"id\":\"E1\",\"kind\":\"entity\",\"names\":[\"Petrov Trading Group\"]}\n"
    "{\"id\":\"E2\",\"kind\":\"entity\",\"names\":[\"Olga Smirnova\"]}\n"
    "{\"id\":\"V1\",\"kind\":\"other\",\"names\":[\"Olga Smirnova\"]}\n"
    "{\"id\":\"P6\",\"names\":[\"John BROWN\"],\"birth_dates\":[\"1950-05-05\"]}\n"
    "{\"id\":\"P7\",\"names\":[\"Kamal HASSAN\",\"Abu Kamal\"]}\n";

/* ---- Candidate generation ---- */

static void test_screen_finds_typo_variant(void **state) {
  (void)state;
  fixture f;
  fixture_jsonl(&f, k_people);
  unsigned n = screen(&f, "{\"name\":\"Ana Maria ERIKSON\",\"birth_date\":\"1974-08-12\"}");
  const wl_hit *h = hit_for(g_hits, n, "P1");
  assert_non_null(h);
  assert_true(h->score >= WL_DEFAULT_THRESHOLD);
  assert_true(has_reason(h, "birth_date exact"));
  assert_string_equal(h->list, "test");
  assert_int_equal(h->name_index, 0);
  fixture_free(&f);
}

static void test_screen_finds_reordered_name(void **state) {
  (void)state;
  fixture f;
  fixture_jsonl(&f, k_people);
  unsigned n = screen(&f, "{\"surname\":\"ERIKSSON\",\"given_names\":\"ANNA MARIA\"}");
  const wl_hit *h = hit_for(g_hits, n, "P1");
  assert_non_null(h);
  assert_true(h->score >= 0.99f);
  n = screen(&f, "{\"name\":\"PETROV IVAN\"}");
  assert_non_null(hit_for(g_hits, n, "P2"));
  assert_true(g_hits[0].score >= 0.99f);
  fixture_free(&f);
}

static void test_screen_finds_transliterated_name(void **state) {
  (void)state;
  fixture f;
  fixture_jsonl(&f, k_people);
  /* Cyrillic query against the Latin name, and Latin against the Cyrillic alias. */
  unsigned n = screen(&f, "{\"name\":\"Иван Петров\",\"birth_date\":\"1970-01-02\"}");
  const wl_hit *h = hit_for(g_hits, n, "P2");
  assert_non_null(h);
  assert_true(h->score >= WL_DEFAULT_THRESHOLD);
  n = screen(&f, "{\"name\":\"Ivan Petrow\"}");
  assert_non_null(hit_for(g_hits, n, "P2"));
  /* The MRZ form. */
  n = screen(&f, "{\"name\":\"PETROV<<IVAN\"}");
  assert_non_null(hit_for(g_hits, n, "P2"));
  fixture_free(&f);
}

static void test_screen_finds_joined_and_split_tokens(void **state) {
  (void)state;
  fixture f;
  fixture_jsonl(&f, k_people);
  /* The list writes ABDULRAHMAN as one word, the traveller as two. */
  unsigned n = screen(&f, "{\"name\":\"Abdul Rahman Khalid\"}");
  assert_non_null(hit_for(g_hits, n, "P3"));
  fixture_free(&f);
  /* And the other way round. */
  fixture_jsonl(&f, "{\"id\":\"J1\",\"names\":[\"Abdul Rahman KHALID\"]}\n"
                    "{\"id\":\"J2\",\"names\":[\"Someone ELSE\"]}\n");
  n = screen(&f, "{\"name\":\"Abdulrahman Khalid\"}");
  assert_non_null(hit_for(g_hits, n, "J1"));
  fixture_free(&f);
}

/* A list big enough that common first names and surnames are "frequent" (in more than
 * WL_IDX_RARE_NAMES_MAX names): they reach names only through the pair index, which a small list
 * never exercises. */
static const char *const k_first[] = {
    "JOHN",  "MARIA", "MOHAMMED", "ANNA", "DAVID",  "FATIMA",  "PETER",   "ELENA", "WEI",  "AHMED",
    "LUCIA", "IVAN",  "SARAH",    "ALI",  "CARLOS", "NATALIA", "MICHAEL", "AISHA", "JOSE", "OLGA"};
static const char *const k_last[] = {"SMITH",  "GARCIA", "KHAN",    "MUELLER", "IVANOV",
                                     "WANG",   "HASSAN", "SILVA",   "JOHNSON", "KOWALSKI",
                                     "NGUYEN", "ROSSI",  "PETROVA", "LOPEZ",   "SCHMIDT",
                                     "ALI",    "COHEN",  "DUBOIS",  "OKAFOR",  "TANAKA"};

static char *big_list(size_t *count) {
  size_t n = 0, cap = 12000 * 160;
  char *buf = malloc(cap);
  assert_non_null(buf);
  size_t k = 0;
  for (size_t i = 0; i < 20; i++)
    for (size_t j = 0; j < 20; j++)
      for (size_t r = 0; r < 25; r++, k++) {
        /* Every first/last combination 25 times with different birth years, so that JOHN and
         * SMITH are in 500 names each; every fifth with a rare middle name. */
        if (r % 5 == 4)
          n += (size_t)snprintf(buf + n, cap - n,
                                "{\"id\":\"B%zu\",\"names\":[\"%s Q%zuX %s\"],"
                                "\"birth_dates\":[\"%zu-03-04\"]}\n",
                                k, k_first[i], k, k_last[j], 1930 + r * 3);
        else
          n += (size_t)snprintf(buf + n, cap - n,
                                "{\"id\":\"B%zu\",\"names\":[\"%s %s\"],\"birth_dates\":"
                                "[\"%zu-03-04\"]}\n",
                                k, k_first[i], k_last[j], 1930 + r * 3);
      }
  *count = k;
  return buf;
}

static void test_screen_frequent_tokens_through_pairs(void **state) {
  (void)state;
  size_t count;
  char *text = big_list(&count);
  fixture f;
  fixture_jsonl(&f, text);
  free(text);
  wl_index_stats st;
  wl_index_stats_get(f.ix, &st);
  assert_int_equal(st.entries, count);
  assert_int_equal(st.names, count);
  /* Entry B(i*500 + j*25 + r): first i, last j, year 1930 + 3r. A typo in each frequent token:
   * the name can only be reached through the pair index. */
  unsigned n = screen(&f, "{\"name\":\"Jon Smiht\",\"birth_date\":\"1936-03-04\"}");
  const wl_hit *h = hit_for(g_hits, n, "B2");
  assert_non_null(h);
  assert_true(h->score >= WL_DEFAULT_THRESHOLD);
  /* Exact name, birth date of entry r = 10. */
  n = screen(&f, "{\"name\":\"Mohammed Khan\",\"birth_date\":\"1960-03-04\"}");
  assert_non_null(hit_for(g_hits, n, "B1060"));
  assert_string_equal(g_hits[0].entry->id, "B1060");
  /* Reordered, transliterated surname variant. */
  n = screen(&f, "{\"name\":\"PETROVA Natalya\",\"birth_date\":\"1960-03-04\"}");
  assert_non_null(hit_for(g_hits, n, "B7810"));
  fixture_free(&f);
}

/* ---- Document lane ---- */

static void test_screen_document_exact_match(void **state) {
  (void)state;
  fixture f;
  fixture_jsonl(&f, k_people);
  unsigned n = screen(&f, "{\"document_number\":\"X0B12345\",\"document_country\":\"UTO\"}");
  assert_int_equal(n, 1);
  assert_string_equal(g_hits[0].entry->id, "D1");
  assert_true(g_hits[0].document_match);
  assert_true(fabsf(g_hits[0].score - 1.0f) < EPS);
  assert_string_equal(g_hits[0].reasons[0], "document number and country match");
  /* A person's passport, whatever the name. */
  n = screen(&f, "{\"name\":\"Somebody Else\",\"document_number\":\"L898902C3\","
                 "\"document_country\":\"SWE\"}");
  const wl_hit *h = hit_for(g_hits, n, "P1");
  assert_non_null(h);
  assert_true(h->document_match);
  assert_true(fabsf(h->score - 1.0f) < EPS);
  fixture_free(&f);
}

static void test_screen_document_mrz_confusables(void **state) {
  (void)state;
  char k1[32], k2[32];
  assert_int_equal(wl_document_key("X0B12345", k1, sizeof k1), 8);
  assert_int_equal(wl_document_key("xo-8 I2 3 4S", k2, sizeof k2), 8);
  assert_string_equal(k1, k2);
  assert_string_equal(k1, "X0812345");
  assert_int_equal(wl_document_key("<<<", k1, sizeof k1), 0);
  assert_int_equal(wl_document_key("ABCDEFGH", k1, 4), 3); /* cut to cap */
  fixture f;
  fixture_jsonl(&f, k_people);
  /* O for 0, 8 for B: an OCR'd MRZ. */
  unsigned n = screen(&f, "{\"document_number\":\"XO812345\",\"document_country\":\"UTO\"}");
  assert_int_equal(n, 1);
  assert_string_equal(g_hits[0].entry->id, "D1");
  /* Same number, another country: not this document. */
  n = screen(&f, "{\"document_number\":\"X0B12345\",\"document_country\":\"FRA\"}");
  assert_int_equal(n, 0);
  /* No country on the query: the number alone, scored lower. */
  n = screen(&f, "{\"document_number\":\"X0B12345\"}");
  assert_int_equal(n, 1);
  assert_true(g_hits[0].score < 1.0f && g_hits[0].score >= WL_DEFAULT_THRESHOLD);
  assert_true(has_reason(&g_hits[0], "document number matches, country unknown"));
  fixture_free(&f);
}

static void test_screen_document_conflict_lowers_score(void **state) {
  (void)state;
  fixture f;
  fixture_jsonl(&f, k_people);
  const char *base = "{\"name\":\"Anna Maria Eriksson\",\"birth_date\":\"1974-08-12\"}";
  float plain = score_of(&f, base, "P1");
  float other = score_of(&f,
                         "{\"name\":\"Anna Maria Eriksson\",\"birth_date\":\"1974-08-12\","
                         "\"document_number\":\"AA1111111\",\"document_country\":\"SWE\"}",
                         "P1");
  assert_true(plain > 0.0f && other > 0.0f);
  /* P1's score is capped at 1: compare without the clamp by a different birth date. */
  plain = score_of(&f, "{\"name\":\"Anna Maria Eriksson\",\"birth_date\":\"1974\"}", "P1");
  other = score_of(&f,
                   "{\"name\":\"Anna Maria Eriksson\",\"birth_date\":\"1974\","
                   "\"document_number\":\"AA1111111\",\"document_country\":\"SWE\"}",
                   "P1");
  assert_true(other < plain - 0.05f);
  unsigned n = screen_opts(&f,
                           "{\"name\":\"Anna Maria Eriksson\",\"document_number\":\"AA1111111\","
                           "\"document_country\":\"SWE\"}",
                           0.01f, 10, NULL, g_hits);
  assert_true(has_reason(hit_for(g_hits, n, "P1"), "document differs (same type and country)"));
  /* Another country's document is no conflict. */
  float foreign = score_of(&f,
                           "{\"name\":\"Anna Maria Eriksson\",\"birth_date\":\"1974\","
                           "\"document_number\":\"AA1111111\",\"document_country\":\"NOR\"}",
                           "P1");
  assert_true(fabsf(foreign - plain) < EPS);
  fixture_free(&f);
}

/* ---- Evidence ---- */

static void test_screen_birth_date_rules(void **state) {
  (void)state;
  fixture f;
  fixture_jsonl(&f, "{\"id\":\"A\",\"names\":[\"Konstantin WOJCIECHOWSKI\"],"
                    "\"birth_dates\":[\"1970-03-08\"]}\n"
                    "{\"id\":\"R\",\"names\":[\"Bartholomew KWIATKOWSKI\"],"
                    "\"birth_dates\":[\"1960/1964\"]}\n"
                    "{\"id\":\"Y\",\"names\":[\"Leopold ZABLOCKI\"],\"birth_dates\":[\"1955\"]}\n");
  const char *fmt = "{\"name\":\"Konstantin Wojciechowski\",\"birth_date\":\"%s\"}";
  char q[128];
#define S(date, id) (snprintf(q, sizeof q, fmt, date), score_of(&f, q, id))
  float none = score_of(&f, "{\"name\":\"Konstantin Wojciechowski\"}", "A");
  float exact = S("1970-03-08", "A");
  float year = S("1970", "A");
  float month = S("1970-03", "A");
  float swapped = S("1970-08-03", "A");
  float near_typo = S("1971-03-08", "A");
  float near = S("1971-06-20", "A");
  float same_year = S("1970-11-20", "A");
  float diff = S("1975", "A");
  float far = S("1990-03-08", "A");
#undef S
  assert_true(none > 0.9f);
  assert_true(fabsf(exact - 1.0f) < EPS); /* none + bonus, capped */
  assert_true(fabsf(year - none) < EPS);  /* year only: neutral */
  assert_true(fabsf(month - none) < EPS);
  assert_true(swapped < none && swapped > none - 0.05f);
  assert_true(near_typo < none && near_typo > none - 0.05f);
  assert_true(near < near_typo && near > none - 0.2f);
  assert_true(same_year < swapped && same_year > none - 0.15f);
  assert_true(diff <= none - 0.15f + EPS && diff > none - 0.2f);
  assert_true(far <= none - 0.25f + EPS);
  /* The reasons name the rule. */
  unsigned n = screen(&f, "{\"name\":\"Konstantin Wojciechowski\",\"birth_date\":\"1970\"}");
  assert_true(has_reason(hit_for(g_hits, n, "A"), "birth_date year only"));
  n = screen(&f, "{\"name\":\"Konstantin Wojciechowski\",\"birth_date\":\"1970-03-08\"}");
  assert_true(has_reason(hit_for(g_hits, n, "A"), "birth_date exact"));
  n = screen_opts(&f, "{\"name\":\"Konstantin Wojciechowski\",\"birth_date\":\"1990-03-08\"}",
                  0.01f, 10, NULL, g_hits);
  assert_true(has_reason(hit_for(g_hits, n, "A"), "birth_date differs"));
  /* Ranges: inside is neutral, a year outside nearly so, far outside is not. */
  float r_none = score_of(&f, "{\"name\":\"Bartholomew Kwiatkowski\"}", "R");
  float r_in =
      score_of(&f, "{\"name\":\"Bartholomew Kwiatkowski\",\"birth_date\":\"1963-01-01\"}", "R");
  float r_near =
      score_of(&f, "{\"name\":\"Bartholomew Kwiatkowski\",\"birth_date\":\"1965\"}", "R");
  float r_far = score_of(&f, "{\"name\":\"Bartholomew Kwiatkowski\",\"birth_date\":\"1980\"}", "R");
  assert_true(fabsf(r_in - r_none) < EPS);
  assert_true(r_near < r_none && r_near > r_none - 0.05f);
  assert_true(r_far <= r_none - 0.25f + EPS);
  n = screen(&f, "{\"name\":\"Bartholomew Kwiatkowski\",\"birth_date\":\"1963-01-01\"}");
  assert_true(has_reason(hit_for(g_hits, n, "R"), "birth_date within range"));
  /* A year-only list date against a full query date. */
  float y_none = score_of(&f, "{\"name\":\"Leopold Zablocki\"}", "Y");
  float y_in = score_of(&f, "{\"name\":\"Leopold Zablocki\",\"birth_date\":\"1955-12-31\"}", "Y");
  float y_diff = score_of(&f, "{\"name\":\"Leopold Zablocki\",\"birth_date\":\"1958\"}", "Y");
  assert_true(fabsf(y_in - y_none) < EPS);
  assert_true(y_diff < y_none - 0.1f && y_diff > y_none - 0.2f);
  fixture_free(&f);
}

static void test_screen_sex_and_nationality(void **state) {
  (void)state;
  fixture f;
  fixture_jsonl(&f, k_people);
  const char *base = "{\"name\":\"Jean Pierre Dubois\"";
  char q[160];
  snprintf(q, sizeof q, "%s}", base);
  float none = score_of(&f, q, "P4");
  snprintf(q, sizeof q, "%s,\"sex\":\"F\"}", base);
  float sex_diff = score_of(&f, q, "P4");
  snprintf(q, sizeof q, "%s,\"sex\":\"M\"}", base);
  float sex_same = score_of(&f, q, "P4");
  snprintf(q, sizeof q, "%s,\"nationality\":\"BEL\"}", base);
  float nat_diff = score_of(&f, q, "P4");
  snprintf(q, sizeof q, "%s,\"nationality\":\"FRA\"}", base);
  float nat_same = score_of(&f, q, "P4");
  assert_true(none > 0.5f);
  assert_true(sex_diff < none - 0.1f);
  assert_true(fabsf(sex_same - none) < EPS); /* agreement is expected, not evidence */
  assert_true(nat_diff < none && nat_diff > none - 0.1f);
  assert_true(nat_same >= none || fabsf(none - 1.0f) < EPS);
  unsigned n = screen_opts(&f,
                           "{\"name\":\"Jean Pierre Dubois\",\"sex\":\"F\",\"nationality\":"
                           "\"BEL\"}",
                           0.01f, 10, NULL, g_hits);
  const wl_hit *h = hit_for(g_hits, n, "P4");
  assert_non_null(h);
  assert_true(has_reason(h, "sex differs"));
  assert_true(has_reason(h, "nationality differs"));
  /* Nationality given as a name or alpha-2 is normalised. */
  snprintf(q, sizeof q, "%s,\"nationality\":\"France\"}", base);
  assert_true(fabsf(score_of(&f, q, "P4") - nat_same) < EPS);
  fixture_free(&f);
}

static void test_screen_entity_penalty_and_other_kind(void **state) {
  (void)state;
  fixture f;
  fixture_jsonl(&f, k_people);
  unsigned n = screen_opts(&f, "{\"name\":\"Olga Smirnova\",\"birth_date\":\"1980-01-01\"}", 0.01f,
                           10, NULL, g_hits);
  const wl_hit *person = hit_for(g_hits, n, "P5");
  const wl_hit *entity = hit_for(g_hits, n, "E2");
  assert_non_null(person);
  assert_non_null(entity);
  assert_null(hit_for(g_hits, n, "V1")); /* vessels and aircraft are never matched */
  assert_true(entity->score < person->score - 0.1f);
  assert_true(entity->score < WL_DEFAULT_THRESHOLD); /* an exact name, but an organisation */
  assert_true(has_reason(entity, "entity name"));
  /* Entities get no birth date evidence: the date cannot lower them further. */
  float e1 = score_of(&f, "{\"name\":\"Olga Smirnova\",\"birth_date\":\"1900\"}", "E2");
  float e2 = score_of(&f, "{\"name\":\"Olga Smirnova\"}", "E2");
  assert_true(fabsf(e1 - e2) < EPS);
  fixture_free(&f);
}

static void test_screen_weak_alias_penalty(void **state) {
  (void)state;
  /* The UN excerpt marks some aliases "Low": an exact match on one scores below the same name as a
   * good alias. */
  fixture f;
  memset(&f, 0, sizeof f);
  wl_list *l = NULL;
  bm_diag diag;
  assert_int_equal(wl_list_load(DATA "un_excerpt.xml", "un", WL_FORMAT_AUTO, &l, NULL, &diag),
                   BM_OK);
  f.lists[f.nlists++] = l;
  fixture_build(&f);
  bool found = false;
  for (size_t i = 0; i < wl_list_count(l) && !found; i++) {
    const wl_entry *e = wl_list_entry(l, i);
    if (e->kind != WL_KIND_PERSON || e->name_flags == NULL) continue;
    for (uint32_t k = 0; k < e->nnames && !found; k++) {
      if (!(e->name_flags[k] & WL_NAME_LOW_QUALITY)) continue;
      char q[1200];
      snprintf(q, sizeof q, "{\"name\":\"%s\"}", e->names[k]);
      unsigned n = screen_opts(&f, q, 0.01f, WL_HITS_MAX, NULL, g_hits);
      const wl_hit *h = hit_for(g_hits, n, e->id);
      if (h == NULL || h->name_index != k) continue;
      assert_true(has_reason(h, "weak alias"));
      assert_true(h->score <= h->name_score - 0.05f + EPS);
      found = true;
    }
  }
  assert_true(found);
  fixture_free(&f);
}

static void test_screen_common_first_name_stays_below(void **state) {
  (void)state;
  fixture f;
  size_t count;
  char *text = big_list(&count);
  fixture_jsonl(&f, text);
  free(text);
  /* Travellers sharing a common first name (or surname) with hundreds of listed people, and
   * nothing else. */
  const char *const negatives[] = {
      "{\"name\":\"John Zabriskie\",\"birth_date\":\"1971-05-06\"}",
      "{\"name\":\"Maria Okonkwo-Lindqvist\",\"birth_date\":\"1980-01-02\"}",
      "{\"name\":\"Mohammed Vandersloot\"}",
      "{\"name\":\"Quentin Smith\",\"birth_date\":\"1990\"}",
      "{\"name\":\"Wei Abernathy\",\"birth_date\":\"1955-07-07\",\"sex\":\"M\"}",
      "{\"name\":\"Ali Vandenbroucke\"}",
  };
  for (size_t i = 0; i < BM_COUNTOF(negatives); i++) {
    unsigned n = screen_opts(&f, negatives[i], 0.0f, 10, NULL, g_hits);
    if (n != 0) fail_msg("%s hit %s %.3f", negatives[i], g_hits[0].entry->id, g_hits[0].score);
  }
  /* The same in the small list: a shared first name. */
  fixture_free(&f);
  fixture_jsonl(&f, k_people);
  assert_int_equal(screen(&f, "{\"name\":\"John Smith\",\"birth_date\":\"1950-05-05\"}"), 0);
  assert_int_equal(screen(&f, "{\"name\":\"Anna Lindqvist\"}"), 0);
  assert_int_equal(screen(&f, "{\"name\":\"Kamal Ahmed\"}"), 0);
  fixture_free(&f);
}

/* ---- Dispositions ---- */

static void test_screen_dispositions_suppress_exactly(void **state) {
  (void)state;
  fixture f;
  fixture_jsonl(&f, "{\"id\":\"A1\",\"names\":[\"Mikhail GORBUNOV\"]}\n"
                    "{\"id\":\"A2\",\"names\":[\"Mikhail GORBUNOW\"]}\n");
  const char *traveller = "{\"name\":\"GORBUNOV<<MIKHAIL\",\"birth_date\":\"1961-02-03\"}";
  char key[WL_TRAVELLER_KEY_BYTES_MAX];
  wl_query tq = query(traveller);
  assert_true(wl_traveller_key(&tq, key, sizeof key) > 0);
  wl_dispositions *d = wl_dispositions_new();
  assert_non_null(d);
  assert_int_equal(wl_dispositions_add(d, key, "test", "A1"), BM_OK);
  assert_int_equal(wl_dispositions_add(d, key, "test", "A1"), BM_OK); /* idempotent */
  assert_true(wl_dispositions_has(d, key, "test", "A1"));
  assert_false(wl_dispositions_has(d, key, "other", "A1"));
  assert_false(wl_dispositions_has(d, key, "test", "A2"));
  unsigned n = screen_opts(&f, traveller, 0.0f, 10, NULL, g_hits);
  assert_non_null(hit_for(g_hits, n, "A1"));
  assert_non_null(hit_for(g_hits, n, "A2"));
  /* The disposed entry goes, the other stays. */
  n = screen_opts(&f, traveller, 0.0f, 10, d, g_hits);
  assert_null(hit_for(g_hits, n, "A1"));
  assert_non_null(hit_for(g_hits, n, "A2"));
  /* The same traveller written another way has the same key. */
  n = screen_opts(&f,
                  "{\"surname\":\"Gorbunov\",\"given_names\":\"Mikhail\",\"birth_date\":"
                  "\"1961-02-03\"}",
                  0.0f, 10, d, g_hits);
  assert_null(hit_for(g_hits, n, "A1"));
  /* Another traveller (other birth date) still hits A1. */
  n = screen_opts(&f, "{\"name\":\"Mikhail Gorbunov\",\"birth_date\":\"1975-02-03\"}", 0.0f, 10, d,
                  g_hits);
  assert_non_null(hit_for(g_hits, n, "A1"));
  wl_dispositions_free(d);
  wl_dispositions_free(NULL);
  fixture_free(&f);
}

static void test_screen_traveller_key_forms(void **state) {
  (void)state;
  char a[WL_TRAVELLER_KEY_BYTES_MAX], b[WL_TRAVELLER_KEY_BYTES_MAX];
  wl_query q1 = query("{\"name\":\"ERIKSSON<<ANNA<MARIA\",\"birth_date\":\"1974-08-12\","
                      "\"document_number\":\"L898902C3\",\"document_country\":\"SWE\"}");
  wl_traveller_key(&q1, a, sizeof a);
  wl_query q2 = query("{\"surname\":\"Eriksson\",\"given_names\":\"Anna Maria\",\"birth_date\":"
                      "\"1974-08-12\",\"document_number\":\"L-898902-C3\",\"document_country\":"
                      "\"SE\"}");
  wl_traveller_key(&q2, b, sizeof b);
  assert_string_equal(a, b);
  assert_string_equal(a, "ANNA ERIKSSON MARIA|1974-08-12|SWE:L898902C3");
  wl_query q3 = query("{\"name\":\"Anna Maria Eriksson\",\"birth_date\":\"1974\"}");
  wl_traveller_key(&q3, b, sizeof b);
  assert_string_not_equal(a, b);
  /* Truncation: like snprintf. */
  char small[8];
  size_t want = wl_traveller_key(&q1, small, sizeof small);
  assert_int_equal(want, strlen(a));
  assert_int_equal(strlen(small), sizeof small - 1);
}

/* ---- Batches, thresholds, limits, order ---- */

static void test_screen_batch_equals_sequential(void **state) {
  (void)state;
  size_t count;
  char *text = big_list(&count);
  fixture f;
  fixture_jsonl(&f, text);
  free(text);
  enum { N = 300, LIMIT = 5 };
  static wl_query_json qj[N];
  static wl_query qs[N];
  static wl_hit seq[N * LIMIT], par[N * LIMIT];
  unsigned nseq[N], npar[N];
  bm_err errs[N];
  for (int i = 0; i < N; i++) {
    char line[256];
    snprintf(line, sizeof line, "{\"id\":\"%d\",\"name\":\"%s %s\",\"birth_date\":\"%d\"}", i,
             k_first[(i * 7) % 20], k_last[(i * 13) % 20], 1930 + (i % 25) * 3);
    bm_diag d;
    assert_int_equal(wl_query_from_json(line, strlen(line), &qj[i], &d), BM_OK);
    qs[i] = qj[i].q;
  }
  wl_screen_opts o = {0.7f, LIMIT, NULL};
  for (int i = 0; i < N; i++)
    assert_int_equal(wl_screen(f.ix, f.s, &qs[i], &o, seq + i * LIMIT, &nseq[i], NULL), BM_OK);
  for (unsigned threads = 1; threads <= 4; threads += 3) {
    assert_int_equal(wl_screen_batch(f.ix, qs, N, &o, threads, par, npar, errs), BM_OK);
    unsigned total = 0;
    for (int i = 0; i < N; i++) {
      assert_int_equal(errs[i], BM_OK);
      assert_int_equal(nseq[i], npar[i]);
      total += npar[i];
      for (unsigned k = 0; k < npar[i]; k++) {
        const wl_hit *x = &seq[i * LIMIT + k], *y = &par[i * LIMIT + k];
        assert_ptr_equal(x->entry, y->entry);
        assert_true(x->score == y->score);
        assert_int_equal(x->nreasons, y->nreasons);
        for (unsigned r = 0; r < x->nreasons; r++)
          assert_string_equal(x->reasons[r], y->reasons[r]);
      }
    }
    assert_true(total > N); /* the queries are listed names: they hit */
  }
  /* The same on a fresh index, whose partner memo (wl_idx.h) four threads fill at once: the hits
   * must not depend on which thread searched a token first, nor on the memo being warm. */
  fixture cold;
  text = big_list(&count);
  fixture_jsonl(&cold, text);
  free(text);
  assert_int_equal(wl_screen_batch(cold.ix, qs, N, &o, 4, par, npar, errs), BM_OK);
  for (int i = 0; i < N; i++) {
    assert_int_equal(nseq[i], npar[i]);
    for (unsigned k = 0; k < npar[i]; k++) {
      assert_string_equal(seq[i * LIMIT + k].entry->id, par[i * LIMIT + k].entry->id);
      assert_true(seq[i * LIMIT + k].score == par[i * LIMIT + k].score);
    }
  }
  fixture_free(&cold);
  /* An empty batch, and a bad query in a batch. */
  assert_int_equal(wl_screen_batch(f.ix, qs, 0, &o, 0, par, npar, errs), BM_OK);
  wl_query bad = {0};
  bad.id = "bad";
  assert_int_equal(wl_screen_batch(f.ix, &bad, 1, &o, 0, par, npar, errs), BM_OK);
  assert_int_equal(errs[0], BM_ERR_INVALID);
  assert_int_equal(npar[0], 0);
  fixture_free(&f);
}

static void test_screen_threshold_limit_and_order(void **state) {
  (void)state;
  fixture f;
  fixture_jsonl(&f, "{\"id\":\"C3\",\"names\":[\"Hieronymus BOSCHMANN\"]}\n"
                    "{\"id\":\"C1\",\"names\":[\"Hieronymus BOSCHMAN\"]}\n"
                    "{\"id\":\"C2\",\"names\":[\"Hieronimus BOSCHMANN\"]}\n"
                    "{\"id\":\"C4\",\"names\":[\"Hieronymus BOSCHMANN\"]}\n");
  wl_hit hits[10];
  const char *q = "{\"name\":\"Hieronymus Boschmann\"}";
  unsigned n = screen_opts(&f, q, 0.0f, 10, NULL, hits);
  assert_int_equal(n, 4);
  /* Best first; equal scores in list order. */
  assert_string_equal(hits[0].entry->id, "C3");
  assert_string_equal(hits[1].entry->id, "C4");
  for (unsigned i = 1; i < n; i++) assert_true(hits[i - 1].score >= hits[i].score);
  assert_true(hits[2].score < 1.0f);
  /* Limit. */
  n = screen_opts(&f, q, 0.0f, 2, NULL, hits);
  assert_int_equal(n, 2);
  assert_string_equal(hits[1].entry->id, "C4");
  /* Threshold: only the exact ones. */
  n = screen_opts(&f, q, 0.999f, 10, NULL, hits);
  assert_int_equal(n, 2);
  for (unsigned i = 0; i < n; i++) assert_true(hits[i].score >= 0.999f);
  /* Every hit at or above the threshold. */
  for (float t = 0.5f; t < 1.0f; t += 0.05f) {
    n = screen_opts(&f, q, t, 10, NULL, hits);
    for (unsigned i = 0; i < n; i++) assert_true(hits[i].score >= t);
  }
  fixture_free(&f);
}

/* ---- Queries and errors ---- */

static void test_screen_query_json_decoding(void **state) {
  (void)state;
  wl_query_json qj;
  bm_diag d;
  const char *good = "{\"id\":7,\"name\":\"Anna\",\"birth_date\":\"1974-08\",\"nationality\":"
                     "\"se\",\"sex\":\"female\",\"document_number\":\"L1\",\"document_country\":"
                     "\"Sweden\",\"document_type\":\"P\",\"extra\":[1,2]}";
  assert_int_equal(wl_query_from_json(good, strlen(good), &qj, &d), BM_ERR_INVALID);
  assert_string_equal(d.field, "nationality"); /* alpha-2 only in capitals */
  const char *good2 = "{\"id\":7,\"name\":\"Anna\",\"birth_date\":\"1974-08\",\"nationality\":"
                      "\"SE\",\"sex\":\"female\",\"document_number\":\"L1\",\"document_country\":"
                      "\"Sweden\",\"document_type\":\"P\",\"extra\":[1,2]}";
  assert_int_equal(wl_query_from_json(good2, strlen(good2), &qj, &d), BM_OK);
  assert_string_equal(qj.q.id, "7");
  assert_string_equal(qj.q.name, "Anna");
  assert_int_equal(qj.q.birth.year, 1974);
  assert_int_equal(qj.q.birth.month, 8);
  assert_int_equal(qj.q.birth.day, 0);
  assert_string_equal(qj.q.nationality, "SWE");
  assert_string_equal(qj.q.document_country, "SWE");
  assert_int_equal(qj.q.sex, 'F');
  static const struct {
    const char *json, *field;
  } bad[] = {
      {"{\"id\":\"a\",\"name\":\"X\",\"birth_date\":\"1974-13-01\"}", "birth_date"},
      {"{\"id\":\"a\",\"name\":\"X\",\"birth_date\":\"1974-02-30\"}", "birth_date"},
      {"{\"id\":\"a\",\"name\":\"X\",\"birth_date\":19740101}", "birth_date"},
      {"{\"id\":\"a\",\"name\":\"X\",\"birth_date\":\"74-01-01\"}", "birth_date"},
      {"{\"id\":\"a\",\"name\":\"X\",\"sex\":\"Q\"}", "sex"},
      {"{\"id\":\"a\",\"name\":\"X\",\"nationality\":\"ZZZ\"}", "nationality"},
      {"{\"id\":\"a\",\"name\":42}", "name"},
      {"{\"id\":\"a\",\"birth_date\":\"1970\"}", "name"},
      {"{\"id\":[1],\"name\":\"X\"}", "id"},
  };
  for (size_t i = 0; i < BM_COUNTOF(bad); i++) {
    memset(&d, 0, sizeof d);
    bm_err e = wl_query_from_json(bad[i].json, strlen(bad[i].json), &qj, &d);
    if (e == BM_OK) fail_msg("accepted %s", bad[i].json);
    assert_string_equal(d.field, bad[i].field);
    assert_true(d.message[0] != '\0');
    if (strcmp(bad[i].field, "id") != 0) assert_string_equal(qj.q.id, "a");
  }
  /* Not JSON, not an object, too long, duplicate keys. */
  assert_int_equal(wl_query_from_json("nope", 4, &qj, &d), BM_ERR_INVALID);
  assert_null(qj.q.id);
  assert_int_equal(wl_query_from_json("[1]", 3, &qj, &d), BM_ERR_INVALID);
  const char *dup = "{\"name\":\"a\",\"name\":\"b\"}";
  assert_int_equal(wl_query_from_json(dup, strlen(dup), &qj, &d), BM_ERR_INVALID);
  char *big = malloc(WL_QUERY_JSON_BYTES_MAX + 2);
  memset(big, ' ', WL_QUERY_JSON_BYTES_MAX + 1);
  big[WL_QUERY_JSON_BYTES_MAX + 1] = '\0';
  assert_int_equal(wl_query_from_json(big, WL_QUERY_JSON_BYTES_MAX + 1, &qj, &d), BM_ERR_LIMIT);
  free(big);
  char name[NM_NAME_INPUT_BYTES_MAX + 64];
  int k = snprintf(name, sizeof name, "{\"name\":\"");
  memset(name + k, 'A', NM_NAME_INPUT_BYTES_MAX + 1);
  snprintf(name + k + NM_NAME_INPUT_BYTES_MAX + 1, 8, "\"}");
  assert_int_equal(wl_query_from_json(name, strlen(name), &qj, &d), BM_ERR_LIMIT);
  assert_string_equal(d.field, "name");
}

static void test_screen_invalid_queries(void **state) {
  (void)state;
  fixture f;
  fixture_jsonl(&f, k_people);
  wl_query q = {0};
  wl_hit hits[WL_DEFAULT_LIMIT];
  unsigned n = 7;
  bm_diag d;
  assert_int_equal(wl_screen(f.ix, f.s, &q, NULL, hits, &n, &d), BM_ERR_INVALID);
  assert_int_equal(n, 0);
  assert_string_equal(d.field, "name");
  q.name = "--- ...";
  assert_int_equal(wl_screen(f.ix, f.s, &q, NULL, hits, &n, &d), BM_ERR_INVALID);
  q.name = "\xff\xfe bad utf-8";
  assert_int_equal(wl_screen(f.ix, f.s, &q, NULL, hits, &n, &d), BM_ERR_INVALID);
  assert_int_equal(wl_screen(NULL, f.s, &q, NULL, hits, &n, &d), BM_ERR_USAGE);
  assert_int_equal(wl_screen(f.ix, f.s, &q, NULL, NULL, &n, &d), BM_ERR_USAGE);
  /* A name and nothing on the list: no hits, no error. */
  q.name = "Zyxwvut Qponmlk";
  assert_int_equal(wl_screen(f.ix, f.s, &q, NULL, hits, &n, &d), BM_OK);
  assert_int_equal(n, 0);
  fixture_free(&f);
}

static void test_screen_empty_and_stats(void **state) {
  (void)state;
  wl_index *ix = NULL;
  bm_diag d;
  assert_int_equal(wl_index_build(NULL, 0, NULL, &ix, &d), BM_OK);
  wl_scratch *s = wl_scratch_new(ix, &d);
  assert_non_null(s);
  wl_query q = {0};
  q.name = "Anybody";
  q.document_number = "123456789";
  wl_hit hits[WL_DEFAULT_LIMIT];
  unsigned n = 1;
  assert_int_equal(wl_screen(ix, s, &q, NULL, hits, &n, &d), BM_OK);
  assert_int_equal(n, 0);
  wl_scratch_free(s);
  wl_index_free(ix);
  wl_index_free(NULL);
  wl_scratch_free(NULL);
  fixture f;
  fixture_jsonl(&f, k_people);
  wl_index_stats st;
  wl_index_stats_get(f.ix, &st);
  assert_int_equal(st.lists, 1);
  assert_int_equal(st.entries, 11);
  assert_int_equal(st.persons, 7);
  assert_int_equal(st.entities, 2);
  assert_int_equal(st.documents_entries, 1);
  assert_int_equal(st.names, 11);                        /* the vessel's name is not indexed */
  assert_true(st.scripts[1] >= 9 && st.scripts[2] == 1); /* Latin, one Cyrillic */
  assert_true(st.memory_bytes > 0 && st.tokens_distinct > 10);
  fixture_free(&f);
}

/* ---- Real lists ---- */

static void test_screen_real_list_excerpts(void **state) {
  (void)state;
  fixture f;
  memset(&f, 0, sizeof f);
  bm_diag d;
  wl_list *ofac = NULL, *un = NULL;
  assert_int_equal(
      wl_list_load(DATA "ofac_excerpt/sdn.csv", "ofac", WL_FORMAT_AUTO, &ofac, NULL, &d), BM_OK);
  assert_int_equal(wl_list_load(DATA "un_excerpt.xml", "un", WL_FORMAT_AUTO, &un, NULL, &d), BM_OK);
  f.lists[f.nlists++] = ofac;
  f.lists[f.nlists++] = un;
  fixture_build(&f);
  /* UN CDi.014 LEOPOLD MUJYAMBERE, born 1962-03-17: typo'd and reordered. */
  unsigned n = screen(&f, "{\"name\":\"MUJYAMBRE Leopld\",\"birth_date\":\"1962-03-17\"}");
  const wl_hit *h = hit_for(g_hits, n, "CDi.014");
  assert_non_null(h);
  assert_string_equal(h->list, "un");
  assert_true(h->score >= WL_DEFAULT_THRESHOLD);
  assert_true(has_reason(h, "birth_date exact"));
  /* Every listed person of the UN excerpt finds itself by its primary name. */
  for (size_t i = 0; i < wl_list_count(un); i++) {
    const wl_entry *e = wl_list_entry(un, i);
    if (e->kind != WL_KIND_PERSON) continue;
    char q[1200];
    snprintf(q, sizeof q, "{\"name\":\"%s\"}", e->names[0]);
    n = screen(&f, q);
    if (hit_for(g_hits, n, e->id) == NULL) fail_msg("%s not found by %s", e->id, e->names[0]);
  }
  fixture_free(&f);
}

static void test_screen_real_lists_full(void **state) {
  (void)state;
  fixture f;
  memset(&f, 0, sizeof f);
  bm_diag d;
  wl_list *ofac = NULL, *un = NULL;
  if (wl_list_load(DATA "ofac_sdn_2021-07/sdn.csv", "ofac", WL_FORMAT_AUTO, &ofac, NULL, &d) !=
          BM_OK ||
      wl_list_load(DATA "un_2026-02/UN_consolidated.xml", "un", WL_FORMAT_AUTO, &un, NULL, &d) !=
          BM_OK) {
    wl_list_free(ofac);
    skip();
  }
  f.lists[f.nlists++] = ofac;
  f.lists[f.nlists++] = un;
  fixture_build(&f);
  /* Ayman al-Zawahiri: OFAC 2676 and UN QDi.006, born 1951-06-19, from a typo'd query. */
  unsigned n = screen(&f, "{\"name\":\"Aiman al Zawahri\",\"birth_date\":\"1951-06-19\"}");
  assert_non_null(hit_for(g_hits, n, "2676"));
  assert_non_null(hit_for(g_hits, n, "QDi.006"));
  assert_true(g_hits[0].score >= WL_DEFAULT_THRESHOLD);
  /* The UN list's original-script name. */
  n = screen(&f, "{\"name\":\"أيمن الظواهري\"}");
  (void)n; /* recall across scripts is measured by bench/screen_eval, not required here */
  fixture_free(&f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_screen_finds_typo_variant),
      cmocka_unit_test(test_screen_finds_reordered_name),
      cmocka_unit_test(test_screen_finds_transliterated_name),
      cmocka_unit_test(test_screen_finds_joined_and_split_tokens),
      cmocka_unit_test(test_screen_frequent_tokens_through_pairs),
      cmocka_unit_test(test_screen_document_exact_match),
      cmocka_unit_test(test_screen_document_mrz_confusables),
      cmocka_unit_test(test_screen_document_conflict_lowers_score),
      cmocka_unit_test(test_screen_birth_date_rules),
      cmocka_unit_test(test_screen_sex_and_nationality),
      cmocka_unit_test(test_screen_entity_penalty_and_other_kind),
      cmocka_unit_test(test_screen_weak_alias_penalty),
      cmocka_unit_test(test_screen_common_first_name_stays_below),
      cmocka_unit_test(test_screen_dispositions_suppress_exactly),
      cmocka_unit_test(test_screen_traveller_key_forms),
      cmocka_unit_test(test_screen_batch_equals_sequential),
      cmocka_unit_test(test_screen_threshold_limit_and_order),
      cmocka_unit_test(test_screen_query_json_decoding),
      cmocka_unit_test(test_screen_invalid_queries),
      cmocka_unit_test(test_screen_empty_and_stats),
      cmocka_unit_test(test_screen_real_list_excerpts),
      cmocka_unit_test(test_screen_real_lists_full),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
