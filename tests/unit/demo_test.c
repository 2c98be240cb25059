/* demo_test.c - the demo database (demo.h): contents, lists, try set, determinism.
 *
 * Real SQLite stores in a mkdtemp directory, the repository's demo/ data folder, a fixed seed and
 * end date, and libsodium's minimum Argon2id cost so that the test stays fast under ASan.
 */
// clang-format off
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
// clang-format on
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bmis/auth.h"
#include "bmis/demo.h"
#include "bmis/mrz.h"
#include "bmis/screen.h"
#include "bmis/stay.h"
#include "bmis/store.h"
#include "bmis/watchlist.h"

#define DEMO_DATA         BMIS_TEST_DATA "/../../demo"
#define DEMO_TRAVELLERS   500
#define DEMO_SEED         77
#define DEMO_XINGS_MAX    64
#define DEMO_CHECK_LISTS  4
#define DEMO_DIR_TEMPLATE "/tmp/bmis-demo-test-XXXXXX"

typedef struct demo_fixture {
  char dir[sizeof DEMO_DIR_TEMPLATE];
  char db[256];
  char lists[256];
  store *s;
  app_demo_report rep;
} demo_fixture;

static const bm_date END = {2026, 6, 30};

static void demo_make(demo_fixture *f) {
  memcpy(f->dir, DEMO_DIR_TEMPLATE, sizeof DEMO_DIR_TEMPLATE);
  assert_non_null(mkdtemp(f->dir));
  snprintf(f->db, sizeof f->db, "%s/demo.db", f->dir);
  snprintf(f->lists, sizeof f->lists, "%s/demo.db.watchlists", f->dir);
  bm_diag d = {0};
  assert_int_equal(store_open(f->db, &f->s, &d), BM_OK);
  app_demo_opts o;
  app_demo_opts_default(&o);
  o.seed = DEMO_SEED;
  o.end_date = END;
  o.travellers = DEMO_TRAVELLERS;
  o.data_dir = DEMO_DATA;
  o.list_dir = f->lists;
  o.pwhash_opslimit = crypto_pwhash_OPSLIMIT_MIN;
  o.pwhash_memlimit = crypto_pwhash_MEMLIMIT_MIN;
  bm_err e = app_demo_create(f->s, &o, &f->rep, &d);
  if (e != BM_OK) fprintf(stderr, "app_demo_create: %s: %s\n", d.field, d.message);
  assert_int_equal(e, BM_OK);
}

static void rm_rf(const char *dir) {
  char cmd[512];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
  assert_int_equal(system(cmd), 0);
}

static void demo_drop(demo_fixture *f) {
  store_free(f->s);
  rm_rf(f->dir);
}

static const app_demo_try *find_try(const app_demo_report *r, const char *label) {
  for (size_t i = 0; i < r->ntries; i++)
    if (strcmp(r->tries[i].label, label) == 0) return &r->tries[i];
  fail_msg("no try document labelled %s", label);
  return NULL;
}

static long day_of(int64_t ms) {
  return (long)(ms / 86400000LL);
}

/* The traveller's stays from the store (entries admitted or referred and let in, exits). */
static size_t stays_of(store *s, int64_t traveller_id, stay_stay *stays, size_t cap) {
  store_crossing *x = calloc(DEMO_XINGS_MAX, sizeof *x);
  assert_non_null(x);
  size_t n = 0, ns = 0;
  assert_int_equal(store_crossing_list_by_traveller(s, traveller_id, x, DEMO_XINGS_MAX, &n, NULL),
                   BM_OK);
  for (size_t k = n; k-- > 0;) { /* newest first: walk backwards */
    const store_crossing *c = &x[k];
    if (strcmp(c->direction, "entry") == 0 && strcmp(c->decision, "admitted") == 0) {
      assert_true(ns < cap);
      stays[ns].entry = day_of(c->time_ms);
      stays[ns].exit = STAY_DAY_NONE;
      ns++;
    } else if (strcmp(c->direction, "exit") == 0 && ns > 0 && stays[ns - 1].exit == STAY_DAY_NONE) {
      stays[ns - 1].exit = day_of(c->time_ms);
    }
  }
  free(x);
  return ns;
}

static stay_result stay_of(store *s, int64_t traveller_id) {
  stay_stay stays[DEMO_XINGS_MAX];
  size_t n = stays_of(s, traveller_id, stays, DEMO_XINGS_MAX);
  stay_rule rule = stay_rule_schengen();
  stay_query q = stay_query_make(bm_date_to_days(END));
  if (n == 0 || stays[n - 1].exit != STAY_DAY_NONE) q.entry = q.today; /* assess an entry today */
  stay_result res;
  bm_diag d = {0};
  bm_err e = stay_evaluate(&rule, stays, n, &q, &res, &d);
  if (e != BM_OK) fail_msg("stay_evaluate: %s: %s", d.field, d.message);
  return res;
}

static void test_demo_contents(void **state) {
  (void)state;
  demo_fixture *f = calloc(1, sizeof *f);
  assert_non_null(f);
  demo_make(f);
  const app_demo_report *r = &f->rep;

  /* BCPs: six, of the kinds air, land and sea at least. */
  store_bcp bcps[16];
  size_t n = 0;
  assert_int_equal(store_bcp_list(f->s, bcps, 16, &n, NULL), BM_OK);
  assert_int_equal(n, 6);
  assert_int_equal(r->bcps, 6);
  int air = 0, land = 0, sea = 0;
  for (size_t i = 0; i < n; i++) {
    assert_string_equal(bcps[i].country, "UTO");
    air += strcmp(bcps[i].kind, "air") == 0;
    land += strcmp(bcps[i].kind, "land") == 0;
    sea += strcmp(bcps[i].kind, "sea") == 0;
  }
  assert_true(air >= 2 && land >= 1 && sea >= 1);

  /* Users: every role, three officers; the printed passwords are theirs. */
  store_user users[32];
  assert_int_equal(store_user_list(f->s, users, 32, &n, NULL), BM_OK);
  assert_int_equal(n, r->nlogins);
  int per_role[APP_ROLE_API_CLIENT + 1] = {0};
  for (size_t i = 0; i < n; i++) {
    app_role role;
    assert_int_equal(app_role_parse(users[i].role, &role), BM_OK);
    per_role[role]++;
  }
  assert_int_equal(per_role[APP_ROLE_OFFICER], 3);
  for (int role = APP_ROLE_SUPERVISOR; role <= APP_ROLE_API_CLIENT; role++)
    assert_int_equal(per_role[role], 1);
  assert_string_equal(r->logins[0].password, "officer-demo-2026");
  assert_int_equal(store_user_get_by_name(f->s, r->logins[0].username, &users[0], NULL), BM_OK);
  assert_true(app_password_verify(users[0].password_hash, r->logins[0].password,
                                  strlen(r->logins[0].password)));

  /* Crossings: all in the store; refusals carry codes, referrals exist. */
  int64_t count = 0;
  assert_int_equal(store_crossing_count(f->s, NULL, &count, NULL), BM_OK);
  assert_int_equal(count, r->crossings);
  assert_true(count > 1000);
  assert_true(r->refused > 0 && r->referred > 0 && r->admitted > count / 2);
  int64_t refused = 0, referred = 0, entries = 0, exits = 0;
  for (int64_t id = 1; id <= count; id++) {
    store_crossing c;
    assert_int_equal(store_crossing_get(f->s, id, &c, NULL), BM_OK);
    if (strcmp(c.decision, "refused") == 0) {
      refused++;
      assert_true(c.nrefusal_codes >= 1);
      for (unsigned k = 0; k < c.nrefusal_codes; k++)
        assert_true(strlen(c.refusal_codes[k]) == 1 && c.refusal_codes[k][0] >= 'A' &&
                    c.refusal_codes[k][0] <= 'J');
    } else {
      assert_int_equal(c.nrefusal_codes, 0);
    }
    referred += strcmp(c.decision, "referred") == 0;
    entries += strcmp(c.direction, "entry") == 0;
    exits += strcmp(c.direction, "exit") == 0;
  }
  assert_int_equal(refused, r->refused);
  assert_int_equal(referred, r->referred);
  assert_true(entries > count / 3 && exits > count / 3);

  /* Referrals: open and resolved ones. */
  assert_true(r->referrals_open > 0 && r->referrals_resolved > 0);
  store_referral *open = calloc(256, sizeof *open);
  assert_non_null(open);
  assert_int_equal(store_referral_list_open(f->s, 0, open, 256, &n, NULL), BM_OK);
  assert_int_equal((int64_t)n, r->referrals_open);
  free(open);
  int64_t resolved = 0;
  for (int64_t id = 1; id <= r->referrals_open + r->referrals_resolved; id++) {
    store_referral ref;
    assert_int_equal(store_referral_get(f->s, id, &ref, NULL), BM_OK);
    if (strcmp(ref.status, "resolved") == 0) {
      resolved++;
      assert_true(ref.resolved_ms > ref.opened_ms);
      assert_true(ref.outcome[0] != '\0');
    }
  }
  assert_int_equal(resolved, r->referrals_resolved);

  /* The overstayer is over 90 days in 180; the clean traveller is not; refused-before was
   * refused with codes. */
  assert_true(r->overstayers >= 1);
  stay_result os = stay_of(f->s, find_try(r, "overstayer")->traveller_id);
  assert_true(os.overstay);
  assert_true(os.days_used_today > 90);
  stay_result clean = stay_of(f->s, find_try(r, "clean")->traveller_id);
  assert_false(clean.overstay);
  store_crossing x[DEMO_XINGS_MAX];
  assert_int_equal(store_crossing_list_by_traveller(f->s,
                                                    find_try(r, "refused-before")->traveller_id, x,
                                                    DEMO_XINGS_MAX, &n, NULL),
                   BM_OK);
  int was_refused = 0;
  for (size_t i = 0; i < n; i++)
    was_refused |= strcmp(x[i].decision, "refused") == 0 && x[i].nrefusal_codes > 0;
  assert_true(was_refused);

  /* Try set: every MRZ parses valid and matches the stored document. */
  assert_true(r->ntries >= 5);
  for (size_t i = 0; i < r->ntries; i++) {
    const app_demo_try *t = &r->tries[i];
    mrz_doc doc;
    mrz_opts mo = {0};
    mo.today = END;
    assert_int_equal(mrz_parse_text(t->mrz, strlen(t->mrz), &mo, &doc), BM_OK);
    if (!doc.valid) fail_msg("try %s: MRZ not valid:\n%s", t->label, t->mrz);
    assert_string_equal(doc.document_number, t->document.number);
    assert_int_equal(doc.format, t->format);
    assert_true(t->traveller_id > 0);
  }
  assert_int_equal(find_try(r, "clean-id-card")->format, MRZ_FORMAT_TD1);
  assert_int_equal(find_try(r, "national-alert")->format, MRZ_FORMAT_TD3);

  demo_drop(f);
  free(f);
}

static wl_query query_of(const app_demo_try *t) {
  wl_query q;
  memset(&q, 0, sizeof q);
  q.id = t->label;
  q.surname = t->traveller.surname;
  q.given_names = t->traveller.given_names;
  int y = 0, m = 0, d = 0;
  assert_int_equal(sscanf(t->traveller.birth_date, "%d-%d-%d", &y, &m, &d), 3);
  q.birth.year = q.birth.year_to = (int16_t)y;
  q.birth.month = (uint8_t)m;
  q.birth.day = (uint8_t)d;
  q.nationality = wl_country_code(t->traveller.nationality, strlen(t->traveller.nationality));
  q.sex = t->traveller.sex[0];
  q.document_number = t->document.number;
  q.document_country =
      wl_country_code(t->document.issuing_state, strlen(t->document.issuing_state));
  q.document_type = t->document.doc_type;
  return q;
}

static int has_hit(const wl_hit *h, unsigned n, const char *list, const char *entry) {
  for (unsigned i = 0; i < n; i++)
    if (strcmp(h[i].list, list) == 0 && (entry == NULL || strcmp(h[i].entry->id, entry) == 0))
      return 1;
  return 0;
}

static void test_demo_lists_and_hits(void **state) {
  (void)state;
  demo_fixture *f = calloc(1, sizeof *f);
  assert_non_null(f);
  demo_make(f);
  const app_demo_report *r = &f->rep;

  /* Four lists registered, each with a current version whose file exists, loads and hashes. */
  store_watchlist wls[8];
  size_t n = 0;
  assert_int_equal(store_watchlist_list(f->s, wls, 8, &n, NULL), BM_OK);
  assert_int_equal(n, DEMO_CHECK_LISTS);
  assert_int_equal(r->nlists, DEMO_CHECK_LISTS);
  wl_list *lists[DEMO_CHECK_LISTS] = {0};
  for (size_t i = 0; i < n; i++) {
    store_watchlist_version v[4];
    size_t nv = 0;
    assert_int_equal(store_watchlist_version_list(f->s, wls[i].id, v, 4, &nv, NULL), BM_OK);
    assert_int_equal(nv, 1);
    assert_true(v[0].path[0] == '/');
    assert_non_null(strstr(v[0].path, "demo.db.watchlists/"));
    struct stat st;
    assert_int_equal(stat(v[0].path, &st), 0);
    assert_int_equal(strlen(v[0].file_sha256), 64);
    bm_diag d = {0};
    assert_int_equal(wl_list_load(v[0].path, wls[i].name, WL_FORMAT_AUTO, &lists[i], NULL, &d),
                     BM_OK);
    assert_int_equal((int64_t)wl_list_count(lists[i]), v[0].entry_count);
    assert_true(v[0].entry_count > 100);
    if (strcmp(wls[i].name, "national") == 0)
      assert_int_equal(v[0].entry_count, APP_DEMO_NATIONAL_ENTRIES);
    if (strcmp(wls[i].name, "sltd") == 0) {
      assert_int_equal(v[0].entry_count, APP_DEMO_SLTD_ENTRIES);
      for (size_t k = 0; k < wl_list_count(lists[i]); k++)
        assert_int_equal(wl_list_entry(lists[i], k)->kind, WL_KIND_DOCUMENT);
    }
  }

  /* Screen the try set against an index of the registered files. */
  wl_index *idx = NULL;
  assert_int_equal(wl_index_build(lists, DEMO_CHECK_LISTS, NULL, &idx, NULL), BM_OK);
  wl_scratch *sc = wl_scratch_new(idx, NULL);
  assert_non_null(sc);
  wl_hit *hits = calloc(WL_DEFAULT_LIMIT, sizeof *hits);
  assert_non_null(hits);
  wl_screen_opts so = {0};
  unsigned nh = 0;

  const app_demo_try *t = find_try(r, "national-alert");
  wl_query q = query_of(t);
  assert_int_equal(wl_screen(idx, sc, &q, &so, hits, &nh, NULL), BM_OK);
  assert_true(has_hit(hits, nh, "national", t->entry_id));

  t = find_try(r, "lost-stolen-document");
  q = query_of(t);
  assert_int_equal(wl_screen(idx, sc, &q, &so, hits, &nh, NULL), BM_OK);
  assert_true(has_hit(hits, nh, "sltd", t->entry_id));

  static const char *const clean[] = {"clean", "clean-id-card"};
  for (size_t i = 0; i < BM_COUNTOF(clean); i++) {
    q = query_of(find_try(r, clean[i]));
    assert_int_equal(wl_screen(idx, sc, &q, &so, hits, &nh, NULL), BM_OK);
    assert_false(has_hit(hits, nh, "national", NULL));
    assert_int_equal(nh, 0);
  }

  free(hits);
  wl_scratch_free(sc);
  wl_index_free(idx);
  for (size_t i = 0; i < DEMO_CHECK_LISTS; i++) wl_list_free(lists[i]);
  demo_drop(f);
  free(f);
}

static void test_demo_deterministic(void **state) {
  (void)state;
  demo_fixture *a = calloc(1, sizeof *a), *b = calloc(1, sizeof *b);
  assert_non_null(a);
  assert_non_null(b);
  demo_make(a);
  demo_make(b);
  assert_int_equal(a->rep.crossings, b->rep.crossings);
  assert_int_equal(a->rep.refused, b->rep.refused);
  assert_int_equal(a->rep.travellers, b->rep.travellers);
  assert_int_equal(a->rep.ntries, b->rep.ntries);
  for (size_t i = 0; i < a->rep.ntries; i++)
    assert_string_equal(a->rep.tries[i].mrz, b->rep.tries[i].mrz);
  for (int64_t id = 1; id <= (int64_t)a->rep.travellers; id++) {
    store_traveller ta, tb;
    assert_int_equal(store_traveller_get(a->s, id, &ta, NULL, 0, NULL, NULL), BM_OK);
    assert_int_equal(store_traveller_get(b->s, id, &tb, NULL, 0, NULL, NULL), BM_OK);
    assert_string_equal(ta.surname, tb.surname);
    assert_string_equal(ta.given_names, tb.given_names);
    assert_string_equal(ta.birth_date, tb.birth_date);
  }
  /* The list files are the same too (same bytes, whatever the seed). */
  for (size_t i = 0; i < a->rep.nlists; i++)
    assert_string_equal(a->rep.lists[i].file_sha256, b->rep.lists[i].file_sha256);
  demo_drop(a);
  demo_drop(b);
  free(a);
  free(b);
}

static void test_demo_bad_options(void **state) {
  (void)state;
  app_demo_opts o;
  app_demo_opts_default(&o);
  app_demo_report *rep = calloc(1, sizeof *rep);
  assert_non_null(rep);
  bm_diag d = {0};
  char dir[] = DEMO_DIR_TEMPLATE, db[sizeof dir + 16];
  assert_non_null(mkdtemp(dir));
  snprintf(db, sizeof db, "%s/bad.db", dir);
  store *s = NULL;
  assert_int_equal(store_open(db, &s, NULL), BM_OK);
  /* No data folder or list folder: a usage error before anything is written. */
  assert_int_equal(app_demo_create(s, &o, rep, &d), BM_ERR_USAGE);
  assert_int_equal(app_demo_create(NULL, &o, rep, &d), BM_ERR_USAGE);
  o.data_dir = DEMO_DATA;
  o.list_dir = dir;
  o.days = APP_DEMO_DAYS_MAX + 1;
  assert_int_equal(app_demo_create(s, &o, rep, &d), BM_ERR_INVALID);
  assert_string_equal(d.field, "days");
  o.days = 0;
  o.end_date = (bm_date){2026, 2, 30};
  assert_int_equal(app_demo_create(s, &o, rep, &d), BM_ERR_INVALID);
  assert_string_equal(d.field, "end_date");
  /* A data folder without the public lists: an I/O error naming the file. */
  o.end_date = END;
  o.data_dir = dir;
  o.travellers = 10;
  o.pwhash_opslimit = crypto_pwhash_OPSLIMIT_MIN;
  o.pwhash_memlimit = crypto_pwhash_MEMLIMIT_MIN;
  assert_int_equal(app_demo_create(s, &o, rep, &d), BM_ERR_IO);
  assert_non_null(strstr(d.message, "UN_consolidated.xml"));
  store_free(s);
  rm_rf(dir);
  free(rep);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_demo_bad_options),
      cmocka_unit_test(test_demo_contents),
      cmocka_unit_test(test_demo_lists_and_hits),
      cmocka_unit_test(test_demo_deterministic),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
