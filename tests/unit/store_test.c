/* store_test.c - the storage contract suite (bmis/store.h).
 *
 * Every case takes a fresh store opened from a URL by the fixture: a real SQLite file in a
 * mkdtemp directory today. The cases only use the store API on fixture.s, so the same table of
 * cases will run against PostgreSQL once a fixture opens a postgresql:// URL; the few assertions
 * that inspect or tamper with the file through raw SQLite are commented "SQLite only" and move to
 * a backend hook then. Nothing is mocked and nothing depends on timing.
 */
// clang-format off
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
// clang-format on
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bmis/store.h"

#define TEST_PATH_BYTES_MAX 4096

typedef struct fixture {
  char dir[TEST_PATH_BYTES_MAX];
  char path[TEST_PATH_BYTES_MAX + 32]; /* the SQLite file */
  char url[TEST_PATH_BYTES_MAX + 64];
  store *s;
  int64_t bcp, officer, traveller, document;
} fixture;

static void rm_db(const fixture *f) {
  char p[TEST_PATH_BYTES_MAX + 64];
  unlink(f->path);
  snprintf(p, sizeof p, "%s-wal", f->path);
  unlink(p);
  snprintf(p, sizeof p, "%s-shm", f->path);
  unlink(p);
  rmdir(f->dir);
}

#define OK(call)                                                                                   \
  do {                                                                                             \
    bm_diag d_ = {0};                                                                              \
    bm_err e_ = (call);                                                                            \
    if (e_ != BM_OK) fail_msg("%s: %s: %s (%s)", #call, bm_err_str(e_), d_.message, d_.field);     \
  } while (0)
/* Calls written with `&d_` get the diagnostics of OK(). */

static void add_basics(fixture *f) {
  store_bcp b = {.active = 1};
  strcpy(b.code, "UTO-LND-1");
  strcpy(b.name, "Utopia land border 1");
  strcpy(b.country, "UTO");
  strcpy(b.kind, "land");
  OK(store_bcp_add(f->s, &b, &d_));
  f->bcp = b.id;
  store_user u = {0};
  strcpy(u.username, "officer1");
  strcpy(u.display_name, "Officer One");
  strcpy(u.role, "officer");
  strcpy(u.password_hash, "$argon2id$v=19$placeholder");
  u.bcp_id = b.id;
  OK(store_user_add(f->s, &u, &d_));
  f->officer = u.id;
  store_traveller t = {0};
  store_document doc = {0};
  strcpy(t.surname, "ERIKSSON");
  strcpy(t.given_names, "ANNA MARIA");
  strcpy(t.birth_date, "1974-08-12");
  strcpy(t.sex, "F");
  strcpy(t.nationality, "UTO");
  strcpy(doc.doc_type, "P");
  strcpy(doc.number, "L898902C3");
  strcpy(doc.issuing_state, "UTO");
  strcpy(doc.expiry_date, "2032-04-15");
  OK(store_traveller_upsert(f->s, &t, &doc, NULL, &d_));
  f->traveller = t.id;
  f->document = doc.id;
}

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  const char *tmp = getenv("TMPDIR");
  snprintf(f->dir, sizeof f->dir, "%s/store_test.XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (mkdtemp(f->dir) == NULL) return -1;
  snprintf(f->path, sizeof f->path, "%s/bmis.db", f->dir);
  snprintf(f->url, sizeof f->url, "sqlite:%s", f->path);
  bm_diag d = {0};
  if (store_open(f->url, &f->s, &d) != BM_OK) {
    fprintf(stderr, "store_open: %s\n", d.message);
    return -1;
  }
  add_basics(f);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  store_free(f->s);
  rm_db(f);
  free(f);
  return 0;
}

static void reopen(fixture *f) {
  store_free(f->s);
  f->s = NULL;
  OK(store_open(f->url, &f->s, &d_));
}

/* Raw SQL on the file, for the SQLite-only cases (inspection and tampering). */
static void raw_sql(const fixture *f, const char *sql) {
  sqlite3 *db = NULL;
  assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
  char *msg = NULL;
  if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) fail_msg("%s: %s", sql, msg);
  sqlite3_close(db);
}

static int64_t raw_count(const fixture *f, const char *sql) {
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  int64_t n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return n;
}

static store_crossing crossing(const fixture *f, const char *decision, int64_t time_ms) {
  store_crossing c;
  memset(&c, 0, sizeof c);
  c.traveller_id = f->traveller;
  c.document_id = f->document;
  c.bcp_id = f->bcp;
  c.officer_id = f->officer;
  strcpy(c.direction, "entry");
  strcpy(c.decision, decision);
  c.time_ms = time_ms;
  return c;
}

/* ---- Cases ---- */

static void test_store_migrations_apply_and_reopen_is_idempotent(void **state) {
  fixture *f = *state;
  int64_t dbv = 0, binv = 0;
  OK(store_schema_version(f->s, &dbv, &binv, &d_));
  assert_true(binv >= 1);
  assert_int_equal(dbv, binv);
  reopen(f);
  reopen(f);
  OK(store_schema_version(f->s, &dbv, &binv, &d_));
  assert_int_equal(dbv, binv);
  /* SQLite only: one row per migration, the data survived, WAL is on. */
  assert_int_equal(raw_count(f, "SELECT COUNT(*) FROM schema_version"), binv);
  assert_int_equal(raw_count(f, "SELECT COUNT(*) FROM bcp"), 1);
  sqlite3 *db = NULL;
  sqlite3_stmt *st = NULL;
  assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(st), SQLITE_ROW);
  assert_string_equal((const char *)sqlite3_column_text(st, 0), "wal");
  sqlite3_finalize(st);
  sqlite3_close(db);
}

static void test_store_refuses_newer_schema(void **state) {
  fixture *f = *state;
  store_free(f->s);
  f->s = NULL;
  raw_sql(f, "INSERT INTO schema_version (version, name, applied_ms) VALUES (9999, 'future', 0)");
  bm_diag d = {0};
  store *s = NULL;
  assert_int_equal(store_open(f->url, &s, &d), BM_ERR_UNSUPPORTED);
  assert_null(s);
  assert_non_null(strstr(d.message, "9999"));
  raw_sql(f, "DELETE FROM schema_version WHERE version = 9999");
  reopen(f);
}

static void test_store_urls(void **state) {
  fixture *f = *state;
  bm_diag d = {0};
  store *s = NULL;
  assert_int_equal(store_open("postgresql://localhost/bmis", &s, &d), BM_ERR_UNSUPPORTED);
  assert_int_equal(store_open("postgres://x", &s, &d), BM_ERR_UNSUPPORTED);
  assert_int_equal(store_open("mysql://x", &s, &d), BM_ERR_UNSUPPORTED);
  assert_int_equal(store_open("", &s, &d), BM_ERR_USAGE);
  assert_null(s);
  /* A plain path is SQLite too, the same database. */
  OK(store_open(f->path, &s, &d_));
  store_bcp b;
  OK(store_bcp_get(s, f->bcp, &b, &d_));
  assert_string_equal(b.code, "UTO-LND-1");
  store_free(s);
  store_free(NULL);
}

static void test_store_bcp_roundtrip(void **state) {
  fixture *f = *state;
  store_bcp b = {.active = 0};
  strcpy(b.code, "UTO-AIR-1");
  strcpy(b.name, "Utopia International, Terminal 1");
  strcpy(b.country, "UTO");
  strcpy(b.kind, "air");
  OK(store_bcp_add(f->s, &b, &d_));
  store_bcp g;
  OK(store_bcp_get(f->s, b.id, &g, &d_));
  assert_memory_equal(&b, &g, sizeof b);
  store_bcp all[4];
  size_t n = 0;
  OK(store_bcp_list(f->s, all, 4, &n, &d_));
  assert_int_equal(n, 2);
  assert_int_equal(all[1].id, b.id);
  bm_diag d = {0};
  assert_int_equal(store_bcp_get(f->s, 999, &g, &d), BM_ERR_NOTFOUND);
  /* Duplicate code, bad kind, unterminated string. */
  assert_int_equal(store_bcp_add(f->s, &b, &d), BM_ERR_INVALID);
  assert_string_equal(d.field, "code");
  strcpy(b.kind, "space");
  assert_int_equal(store_bcp_add(f->s, &b, &d), BM_ERR_INVALID);
  strcpy(b.kind, "sea");
  memset(b.code, 'X', sizeof b.code);
  assert_int_equal(store_bcp_add(f->s, &b, &d), BM_ERR_LIMIT);
  assert_string_equal(d.field, "code");
}

static void test_store_user_roundtrip_and_lockout(void **state) {
  fixture *f = *state;
  store_user u;
  OK(store_user_get_by_name(f->s, "officer1", &u, &d_));
  assert_int_equal(u.id, f->officer);
  assert_string_equal(u.display_name, "Officer One");
  assert_string_equal(u.role, "officer");
  assert_int_equal(u.bcp_id, f->bcp);
  assert_true(u.created_ms > 0);
  OK(store_user_set_role(f->s, u.id, "supervisor", &d_));
  OK(store_user_set_password(f->s, u.id, "$argon2id$new", 5000, &d_));
  OK(store_user_set_disabled(f->s, u.id, 1, &d_));
  OK(store_user_get(f->s, u.id, &u, &d_));
  assert_string_equal(u.role, "supervisor");
  assert_string_equal(u.password_hash, "$argon2id$new");
  assert_int_equal(u.password_changed_ms, 5000);
  assert_int_equal(u.disabled, 1);
  bm_diag d = {0};
  assert_int_equal(store_user_set_role(f->s, u.id, "king", &d), BM_ERR_INVALID);
  assert_int_equal(store_user_set_role(f->s, 999, "analyst", &d), BM_ERR_NOTFOUND);
  assert_int_equal(store_user_get_by_name(f->s, "nobody", &u, &d), BM_ERR_NOTFOUND);

  /* Lockout: 3 failures lock for 1000 ms from the third; the count restarts. */
  store_user after;
  OK(store_user_signin_failed(f->s, f->officer, 10000, 3, 1000, &after, &d_));
  assert_int_equal(after.failed_count, 1);
  assert_int_equal(after.locked_until_ms, 0);
  OK(store_user_signin_failed(f->s, f->officer, 10001, 3, 1000, &after, &d_));
  OK(store_user_signin_failed(f->s, f->officer, 10002, 3, 1000, &after, &d_));
  assert_int_equal(after.failed_count, 0);
  assert_int_equal(after.locked_until_ms, 11002);
  OK(store_user_signin_ok(f->s, f->officer, 20000, &d_));
  OK(store_user_get(f->s, f->officer, &u, &d_));
  assert_int_equal(u.locked_until_ms, 0);
  assert_int_equal(u.last_signin_ms, 20000);

  store_user u2 = {0};
  strcpy(u2.username, "dpo1");
  strcpy(u2.role, "dpo");
  strcpy(u2.password_hash, "$argon2id$x");
  OK(store_user_add(f->s, &u2, &d_));
  assert_int_equal(store_user_add(f->s, &u2, &d), BM_ERR_INVALID);
  assert_string_equal(d.field, "username");
  u2.bcp_id = 4242; /* no such BCP */
  strcpy(u2.username, "dpo2");
  assert_int_equal(store_user_add(f->s, &u2, &d), BM_ERR_INVALID);
  store_user list[8];
  size_t n = 0;
  OK(store_user_list(f->s, list, 8, &n, &d_));
  assert_int_equal(n, 2);
  assert_string_equal(list[1].username, "dpo1");
}

static void test_store_session_lifecycle(void **state) {
  fixture *f = *state;
  store_session s = {0}, g;
  for (int i = 0; i < STORE_TOKEN_HASH_BYTES; i++) s.token_hash[i] = (uint8_t)(i * 7);
  s.user_id = f->officer;
  strcpy(s.csrf_token, "csrf-token-value");
  strcpy(s.kind, "browser");
  strcpy(s.source_addr, "192.0.2.7");
  s.created_ms = 1000;
  s.expires_ms = 100000;
  OK(store_session_create(f->s, &s, &d_));
  OK(store_session_get_by_hash(f->s, s.token_hash, &g, &d_));
  assert_memory_equal(&s, &g, sizeof s);
  OK(store_session_touch(f->s, s.id, 2000, &d_));
  OK(store_session_touch(f->s, s.id, 1500, &d_)); /* never goes back */
  OK(store_session_get_by_hash(f->s, s.token_hash, &g, &d_));
  assert_int_equal(g.last_seen_ms, 2000);
  store_session s2 = s;
  s2.token_hash[0] ^= 1;
  OK(store_session_create(f->s, &s2, &d_));
  OK(store_session_revoke(f->s, s.id, 3000, &d_));
  OK(store_session_get_by_hash(f->s, s.token_hash, &g, &d_));
  assert_int_equal(g.revoked_ms, 3000);
  int64_t count = 0;
  OK(store_session_revoke_user(f->s, f->officer, 4000, &count, &d_));
  assert_int_equal(count, 1);
  OK(store_session_purge(f->s, 5000, &count, &d_));
  assert_int_equal(count, 2);
  bm_diag d = {0};
  assert_int_equal(store_session_get_by_hash(f->s, s.token_hash, &g, &d), BM_ERR_NOTFOUND);
  s.user_id = 999; /* no such user */
  assert_int_equal(store_session_create(f->s, &s, &d), BM_ERR_INVALID);
}

static void test_store_traveller_upsert_get_search(void **state) {
  fixture *f = *state;
  /* Same document again: the traveller is updated, not duplicated. */
  store_traveller t = {0};
  store_document doc = {0};
  strcpy(t.surname, "ERIKSSON");
  strcpy(t.given_names, "ANNA MARIA");
  strcpy(t.birth_date, "1974-08-12");
  strcpy(t.sex, "F");
  strcpy(t.nationality, "SWE");
  strcpy(doc.doc_type, "P");
  strcpy(doc.number, "L898902C3");
  strcpy(doc.issuing_state, "UTO");
  strcpy(doc.expiry_date, "2034-01-01");
  int created = -1;
  OK(store_traveller_upsert(f->s, &t, &doc, &created, &d_));
  assert_int_equal(created, 0);
  assert_int_equal(t.id, f->traveller);
  assert_int_equal(doc.id, f->document);
  /* A second document of another traveller. */
  store_traveller t2 = {0};
  store_document doc2 = {0};
  strcpy(t2.surname, "ERIKSEN");
  strcpy(t2.given_names, "PER");
  strcpy(doc2.number, "X1234567");
  strcpy(doc2.issuing_state, "NOR");
  OK(store_traveller_upsert(f->s, &t2, &doc2, &created, &d_));
  assert_int_equal(created, 1);
  assert_int_not_equal(t2.id, t.id);

  store_traveller g;
  store_document docs[4];
  size_t nd = 0;
  OK(store_traveller_get(f->s, t.id, &g, docs, 4, &nd, &d_));
  assert_string_equal(g.nationality, "SWE");
  assert_string_equal(g.birth_date, "1974-08-12");
  assert_int_equal(nd, 1);
  assert_string_equal(docs[0].expiry_date, "2034-01-01");
  assert_int_equal(docs[0].traveller_id, t.id);

  store_traveller found[4];
  size_t n = 0;
  store_traveller_query q = {.surname = "ERIKS*"};
  OK(store_traveller_search(f->s, &q, found, 4, &n, &d_));
  assert_int_equal(n, 2);
  q = (store_traveller_query){.surname = "ERIKSSON", .given_names = "ANNA*"};
  OK(store_traveller_search(f->s, &q, found, 4, &n, &d_));
  assert_int_equal(n, 1);
  assert_int_equal(found[0].id, t.id);
  q = (store_traveller_query){.document_number = "X1234567"};
  OK(store_traveller_search(f->s, &q, found, 4, &n, &d_));
  assert_int_equal(n, 1);
  assert_int_equal(found[0].id, t2.id);
  q = (store_traveller_query){.surname = "NOBODY"};
  OK(store_traveller_search(f->s, &q, found, 4, &n, &d_));
  assert_int_equal(n, 0);
  bm_diag d = {0};
  q = (store_traveller_query){0};
  assert_int_equal(store_traveller_search(f->s, &q, found, 4, &n, &d), BM_ERR_USAGE);
  assert_int_equal(store_traveller_get(f->s, 999, &g, NULL, 0, NULL, &d), BM_ERR_NOTFOUND);
}

static void test_store_crossing_roundtrip_list_count(void **state) {
  fixture *f = *state;
  store_crossing c1 = crossing(f, "admitted", 1000);
  strcpy(c1.remarks, "first");
  OK(store_crossing_add(f->s, &c1, &d_));
  store_crossing c2 = crossing(f, "refused", 3000);
  c2.nrefusal_codes = 2;
  strcpy(c2.refusal_codes[0], "C");
  strcpy(c2.refusal_codes[1], "A");
  OK(store_crossing_add(f->s, &c2, &d_));
  store_crossing c3 = crossing(f, "referred", 2000);
  strcpy(c3.direction, "exit");
  c3.document_id = 0;
  OK(store_crossing_add(f->s, &c3, &d_));

  store_crossing g;
  OK(store_crossing_get(f->s, c2.id, &g, &d_));
  assert_int_equal(g.nrefusal_codes, 2);
  assert_string_equal(g.refusal_codes[0], "A"); /* sorted */
  assert_string_equal(g.refusal_codes[1], "C");
  assert_string_equal(g.decision, "refused");
  assert_int_equal(g.bcp_id, f->bcp);
  OK(store_crossing_get(f->s, c3.id, &g, &d_));
  assert_int_equal(g.document_id, 0);
  assert_string_equal(g.direction, "exit");

  store_crossing list[2];
  size_t n = 0;
  OK(store_crossing_list_by_traveller(f->s, f->traveller, list, 2, &n, &d_));
  assert_int_equal(n, 2);              /* the limit */
  assert_int_equal(list[0].id, c2.id); /* newest first */
  assert_int_equal(list[1].id, c3.id);
  assert_int_equal(list[0].nrefusal_codes, 2);

  int64_t count = 0;
  OK(store_crossing_count(f->s, NULL, &count, &d_));
  assert_int_equal(count, 3);
  store_crossing_filter flt = {.bcp_id = f->bcp, .since_ms = 1500, .until_ms = 3000};
  OK(store_crossing_count(f->s, &flt, &count, &d_));
  assert_int_equal(count, 1);

  /* Many at once: atomic. */
  store_crossing many[3] = {crossing(f, "admitted", 4000), crossing(f, "admitted", 4001),
                            crossing(f, "admitted", 4002)};
  OK(store_crossing_add_many(f->s, many, 3, &d_));
  assert_true(many[0].id < many[1].id && many[1].id < many[2].id);
}

static void test_store_constraints(void **state) {
  fixture *f = *state;
  bm_diag d = {0};
  int64_t before = 0, after = 0;
  OK(store_crossing_count(f->s, NULL, &before, &d_));
  store_crossing c = crossing(f, "admitted", 1000);
  c.bcp_id = 4242;
  assert_int_equal(store_crossing_add(f->s, &c, &d), BM_ERR_INVALID);
  c = crossing(f, "admitted", 1000);
  c.officer_id = 4242;
  assert_int_equal(store_crossing_add(f->s, &c, &d), BM_ERR_INVALID);
  /* An unknown refusal code: the crossing row is rolled back with it. */
  c = crossing(f, "refused", 1000);
  c.nrefusal_codes = 1;
  strcpy(c.refusal_codes[0], "Z");
  assert_int_equal(store_crossing_add(f->s, &c, &d), BM_ERR_INVALID);
  assert_string_equal(d.field, "refusal_codes");
  /* Application rules checked before the database. */
  c = crossing(f, "refused", 1000);
  assert_int_equal(store_crossing_add(f->s, &c, &d), BM_ERR_INVALID);
  c = crossing(f, "waved", 1000);
  assert_int_equal(store_crossing_add(f->s, &c, &d), BM_ERR_INVALID);
  /* One bad crossing among three: none stored. */
  store_crossing many[3] = {crossing(f, "admitted", 1), crossing(f, "admitted", 2),
                            crossing(f, "admitted", 3)};
  many[2].traveller_id = 4242;
  assert_int_equal(store_crossing_add_many(f->s, many, 3, &d), BM_ERR_INVALID);
  OK(store_crossing_count(f->s, NULL, &after, &d_));
  assert_int_equal(after, before);
  /* A referral to a traveller that does not exist. */
  store_referral r = {.traveller_id = 4242, .bcp_id = f->bcp, .opened_by = f->officer};
  strcpy(r.reason, "document check");
  assert_int_equal(store_referral_open(f->s, &r, &d), BM_ERR_INVALID);
  /* SQLite only: the foreign keys are enforced by the database itself too. */
  assert_int_equal(raw_count(f, "SELECT COUNT(*) FROM crossing_refusal"), 0);
}

static void test_store_refusal_codes_seeded_and_configurable(void **state) {
  fixture *f = *state;
  store_refusal_code rc[16];
  size_t n = 0;
  OK(store_refusal_code_list(f->s, rc, 16, &n, &d_));
  assert_int_equal(n, 10);
  assert_string_equal(rc[0].code, "A");
  assert_non_null(strstr(rc[0].description, "travel document"));
  assert_string_equal(rc[9].code, "J");
  store_refusal_code x = {0};
  strcpy(x.code, "K");
  strcpy(x.description, "national ground");
  strcpy(x.legal_ref, "Aliens Act s. 12");
  x.valid_from_ms = 1000;
  x.valid_to_ms = 2000;
  OK(store_refusal_code_put(f->s, &x, &d_));
  strcpy(x.description, "national ground, reworded");
  OK(store_refusal_code_put(f->s, &x, &d_));
  OK(store_refusal_code_list(f->s, rc, 16, &n, &d_));
  assert_int_equal(n, 11);
  assert_string_equal(rc[10].description, "national ground, reworded");
  assert_int_equal(rc[10].valid_to_ms, 2000);
}

static void test_store_watchlists_hits_dispositions(void **state) {
  fixture *f = *state;
  store_watchlist w = {0};
  strcpy(w.name, "national");
  strcpy(w.kind, "national");
  OK(store_watchlist_put(f->s, &w, &d_));
  store_watchlist again = {0};
  strcpy(again.name, "national");
  strcpy(again.kind, "other");
  OK(store_watchlist_put(f->s, &again, &d_));
  assert_int_equal(again.id, w.id);
  assert_string_equal(again.kind, "national");
  store_watchlist_version v = {.watchlist_id = w.id, .entry_count = 1234, .loaded_ms = 100};
  strcpy(v.version, "2025-06-01");
  memset(v.file_sha256, 'a', 64);
  strcpy(v.path, "/var/lib/bmis/lists/national.jsonl");
  v.loaded_by = f->officer;
  OK(store_watchlist_version_add(f->s, &v, &d_));
  store_watchlist_version v2 = v;
  strcpy(v2.version, "2025-06-02");
  v2.loaded_ms = 200;
  v2.loaded_by = 0;
  OK(store_watchlist_version_add(f->s, &v2, &d_));
  bm_diag d = {0};
  assert_int_equal(store_watchlist_version_add(f->s, &v2, &d), BM_ERR_INVALID); /* same version */
  store_watchlist_version vs[4];
  size_t n = 0;
  OK(store_watchlist_version_list(f->s, w.id, vs, 4, &n, &d_));
  assert_int_equal(n, 2);
  assert_string_equal(vs[0].version, "2025-06-02"); /* the current one first */
  assert_int_equal(vs[1].entry_count, 1234);
  assert_int_equal(vs[1].loaded_by, f->officer);

  store_crossing c = crossing(f, "referred", 5000);
  OK(store_crossing_add(f->s, &c, &d_));
  store_hit h = {.crossing_id = c.id, .watchlist_id = w.id, .score_permille = 930};
  strcpy(h.traveller_key, "ANNA ERIKSSON MARIA|1974-08-12|UTO:L898902C3");
  strcpy(h.entry_id, "N-0001");
  OK(store_hit_add(f->s, &h, &d_));
  store_hit hg;
  OK(store_hit_get(f->s, h.id, &hg, &d_));
  assert_memory_equal(&h, &hg, sizeof h);
  store_disposition x = {.hit_id = h.id, .watchlist_id = w.id, .user_id = f->officer};
  strcpy(x.traveller_key, h.traveller_key);
  strcpy(x.entry_id, h.entry_id);
  strcpy(x.decision, "false_hit");
  strcpy(x.reason, "different birth date on the entry's source record");
  OK(store_disposition_add(f->s, &x, &d_));
  store_disposition xs[4];
  OK(store_disposition_list(f->s, h.traveller_key, 0, xs, 4, &n, &d_));
  assert_int_equal(n, 1);
  assert_memory_equal(&x, &xs[0], sizeof x);
  OK(store_disposition_list(f->s, "other", 0, xs, 4, &n, &d_));
  assert_int_equal(n, 0);
  strcpy(x.decision, "maybe");
  assert_int_equal(store_disposition_add(f->s, &x, &d), BM_ERR_INVALID);
  strcpy(x.decision, "true_hit");
  x.reason[0] = '\0';
  assert_int_equal(store_disposition_add(f->s, &x, &d), BM_ERR_INVALID);
  assert_string_equal(d.field, "reason");
}

static void test_store_hit_list_and_stats(void **state) {
  fixture *f = *state;
  const int64_t day = STORE_STATS_DAY_MS, d0 = 20000 * day; /* 2024-10-04, midnight UTC */
  store_watchlist w = {0};
  strcpy(w.name, "national");
  strcpy(w.kind, "national");
  OK(store_watchlist_put(f->s, &w, &d_));
  /* Two hits of the fixture's traveller on two entries, one older hit without a traveller. */
  const char *entries[] = {"N-1", "N-2", "N-1"};
  int64_t ids[3];
  for (int i = 0; i < 3; i++) {
    store_hit h = {.watchlist_id = w.id, .score_permille = 900 + i, .created_ms = d0 + i * 1000};
    h.traveller_id = i < 2 ? f->traveller : 0;
    strcpy(h.traveller_key, i < 2 ? "KEY-A" : "KEY-B");
    strcpy(h.entry_id, entries[i]);
    OK(store_hit_add(f->s, &h, &d_));
    ids[i] = h.id;
  }
  store_hit_view v[8];
  size_t n = 0;
  OK(store_hit_list(f->s, NULL, v, 8, &n, &d_));
  assert_int_equal(n, 3);
  assert_int_equal(v[0].hit.id, ids[2]); /* newest first */
  assert_string_equal(v[0].surname, "");
  assert_int_equal(v[1].hit.traveller_id, f->traveller);
  assert_string_equal(v[1].surname, "ERIKSSON");
  assert_string_equal(v[1].given_names, "ANNA MARIA");
  assert_string_equal(v[1].list, "national");
  assert_string_equal(v[1].disposition, "");
  assert_int_equal(v[1].hit.score_permille, 901);
  /* A false hit on (KEY-A, N-1), later confirmed true: the latest decision is shown. */
  store_disposition x = {.watchlist_id = w.id, .user_id = f->officer};
  strcpy(x.traveller_key, "KEY-A");
  strcpy(x.entry_id, "N-1");
  strcpy(x.decision, "false_hit");
  strcpy(x.reason, "namesake");
  OK(store_disposition_add(f->s, &x, &d_));
  strcpy(x.decision, "true_hit");
  OK(store_disposition_add(f->s, &x, &d_));
  store_hit_filter pf = {.pending_only = 1};
  OK(store_hit_list(f->s, &pf, v, 8, &n, &d_));
  assert_int_equal(n, 2);
  assert_int_equal(v[0].hit.id, ids[2]); /* KEY-B's N-1 is another traveller's */
  assert_int_equal(v[1].hit.id, ids[1]);
  OK(store_hit_list(f->s, NULL, v, 8, &n, &d_));
  assert_string_equal(v[2].disposition, "true_hit");
  store_hit_filter tf = {.traveller_id = f->traveller};
  OK(store_hit_list(f->s, &tf, v, 1, &n, &d_));
  assert_int_equal(n, 1); /* the cap */
  store_stats_filter sf = {.since_ms = d0, .until_ms = d0 + day};
  store_hit_stats hs;
  OK(store_hit_stats_get(f->s, &sf, &hs, &d_));
  assert_int_equal(hs.total, 3);
  assert_int_equal(hs.true_hit, 1);
  assert_int_equal(hs.false_hit, 0);
  assert_int_equal(hs.pending, 2);
  assert_int_equal(hs.nlists, 1);
  assert_string_equal(hs.lists[0].name, "national");
  assert_int_equal(hs.lists[0].count, 3);
  sf.since_ms = d0 + 1500; /* the last hit only */
  OK(store_hit_stats_get(f->s, &sf, &hs, &d_));
  assert_int_equal(hs.total, 1);
  assert_int_equal(hs.pending, 1);

  /* Crossings over three days at two BCPs: a second traveller (POL, M, no sex for one). */
  store_bcp b2 = {.active = 1};
  strcpy(b2.code, "UTO-AIR-2");
  strcpy(b2.name, "Utopia airport 2");
  strcpy(b2.country, "UTO");
  strcpy(b2.kind, "air");
  OK(store_bcp_add(f->s, &b2, &d_));
  store_traveller t = {0};
  store_document doc = {0};
  strcpy(t.surname, "NOWAK");
  strcpy(t.sex, "M");
  strcpy(t.nationality, "POL");
  strcpy(doc.number, "EE1");
  strcpy(doc.issuing_state, "POL");
  OK(store_traveller_upsert(f->s, &t, &doc, NULL, &d_));
  store_crossing c[5];
  c[0] = crossing(f, "admitted", d0 + 3600000); /* UTO F entry, day 0, BCP 1 */
  c[1] = crossing(f, "admitted", d0 + 7200000);
  strcpy(c[1].direction, "exit");                  /* day 0 exit */
  c[2] = crossing(f, "refused", d0 + day + 60000); /* POL M refused entry, day 1, BCP 2 */
  c[2].traveller_id = t.id;
  c[2].document_id = doc.id;
  c[2].bcp_id = b2.id;
  c[2].nrefusal_codes = 2;
  strcpy(c[2].refusal_codes[0], "E");
  strcpy(c[2].refusal_codes[1], "H");
  c[3] = crossing(f, "referred", d0 + day + 120000); /* UTO F referred entry, day 1, BCP 2 */
  c[3].bcp_id = b2.id;
  c[4] = crossing(f, "admitted", d0 + 3 * day); /* outside the range */
  OK(store_crossing_add_many(f->s, c, 5, &d_));
  store_crossing_stats *cs = malloc(sizeof *cs);
  assert_non_null(cs);
  store_stats_filter cf = {.since_ms = d0, .until_ms = d0 + 3 * day};
  OK(store_crossing_stats_get(f->s, &cf, cs, &d_));
  assert_int_equal(cs->total, 4);
  assert_int_equal(cs->entry, 3);
  assert_int_equal(cs->exit, 1);
  assert_int_equal(cs->admitted, 2);
  assert_int_equal(cs->refused, 1);
  assert_int_equal(cs->referred, 1);
  assert_int_equal(cs->ndays, 3);
  assert_int_equal(cs->days[0].entry, 1);
  assert_int_equal(cs->days[0].exit, 1);
  assert_int_equal(cs->days[1].entry, 2);
  assert_int_equal(cs->days[1].refused, 1);
  assert_int_equal(cs->days[2].entry + cs->days[2].exit, 0);
  assert_int_equal(cs->nbcps, 2); /* 2 each: the lower id first */
  assert_int_equal(cs->bcps[0].id, f->bcp);
  assert_string_equal(cs->bcps[0].key, "UTO-LND-1");
  assert_string_equal(cs->bcps[1].key, "UTO-AIR-2");
  assert_int_equal(cs->bcps[1].count, 2);
  assert_int_equal(cs->nnationalities, 2);
  assert_string_equal(cs->nationalities[0].key, "UTO");
  assert_int_equal(cs->nationalities[0].count, 3);
  assert_string_equal(cs->nationalities[1].key, "POL");
  assert_int_equal(cs->sex_f, 3);
  assert_int_equal(cs->sex_m, 1);
  assert_int_equal(cs->nrefusal_codes, 2);
  assert_string_equal(cs->refusal_codes[0].key, "E");
  assert_int_equal(cs->refusal_codes[1].count, 1);
  /* One BCP, counts only. */
  cf.bcp_id = b2.id;
  cf.counts_only = 1;
  OK(store_crossing_stats_get(f->s, &cf, cs, &d_));
  assert_int_equal(cs->total, 2);
  assert_int_equal(cs->nbcps, 1);
  assert_int_equal(cs->nnationalities, 0);
  assert_int_equal(cs->sex_f + cs->sex_m, 0);
  /* Ranges: empty, reversed or longer than a year are refused. */
  bm_diag d = {0};
  store_stats_filter bad = {.since_ms = d0, .until_ms = d0};
  assert_int_equal(store_crossing_stats_get(f->s, &bad, cs, &d), BM_ERR_INVALID);
  bad.until_ms = d0 + (STORE_STATS_DAYS_MAX + 1) * day;
  assert_int_equal(store_crossing_stats_get(f->s, &bad, cs, &d), BM_ERR_LIMIT);
  assert_int_equal(store_hit_stats_get(f->s, &bad, &hs, &d), BM_ERR_LIMIT);
  free(cs);
}

/* An inspection's traveller, hits and audit event are one write: all of them, or none (a bad hit
 * takes the new traveller and the audit event with it). */
static void test_store_inspection_write_all_or_none(void **state) {
  fixture *f = *state;
  store_watchlist w = {0};
  strcpy(w.name, "national");
  strcpy(w.kind, "national");
  OK(store_watchlist_put(f->s, &w, &d_));
  store_traveller t = {0};
  store_document doc = {0};
  strcpy(t.surname, "KOWALCZYK");
  strcpy(t.given_names, "PIOTR");
  strcpy(doc.doc_type, "P");
  strcpy(doc.number, "EA1234567");
  strcpy(doc.issuing_state, "POL");
  store_hit h[2];
  memset(h, 0, sizeof h);
  for (int i = 0; i < 2; i++) {
    strcpy(h[i].traveller_key, "PIOTR KOWALCZYK||POL:EA1234567");
    h[i].watchlist_id = w.id;
    sprintf(h[i].entry_id, "A-%d", i + 1);
    h[i].score_permille = 900 + i;
  }
  store_audit_event ev = {0};
  strcpy(ev.actor_name, "officer1");
  strcpy(ev.action, "inspection.create");
  strcpy(ev.object_type, "traveller");
  strcpy(ev.outcome, "ok");
  store_audit_verify_result before;
  OK(store_audit_verify(f->s, &before, &d_));
  /* A hit on a list that does not exist: nothing is written. */
  h[1].watchlist_id = w.id + 1000;
  int created = -1;
  bm_diag d = {0};
  assert_int_equal(store_inspection_write(f->s, &t, &doc, &created, h, 2, &ev, &d), BM_ERR_INVALID);
  store_traveller found[2];
  size_t n = 0;
  store_traveller_query q = {.document_number = "EA1234567"};
  OK(store_traveller_search(f->s, &q, found, 2, &n, &d_));
  assert_int_equal(n, 0);
  store_audit_verify_result after;
  OK(store_audit_verify(f->s, &after, &d_));
  assert_int_equal(after.records, before.records);
  /* Right: all three kinds of record, the hits and the event naming the new traveller. */
  h[1].watchlist_id = w.id;
  memset(&ev.hash, 0, sizeof ev.hash);
  OK(store_inspection_write(f->s, &t, &doc, &created, h, 2, &ev, &d_));
  assert_int_equal(created, 1);
  assert_true(t.id > 0 && doc.traveller_id == t.id);
  assert_int_equal(h[0].traveller_id, t.id);
  assert_int_equal(h[1].traveller_id, t.id);
  store_hit got;
  OK(store_hit_get(f->s, h[1].id, &got, &d_));
  assert_string_equal(got.entry_id, "A-2");
  char tid[32];
  snprintf(tid, sizeof tid, "%lld", (long long)t.id);
  assert_string_equal(ev.object_id, tid);
  OK(store_audit_verify(f->s, &after, &d_));
  assert_int_equal(after.records, before.records + 1);
  assert_int_equal(after.status, STORE_AUDIT_INTACT);
  /* Too many hits is a limit, checked before anything is queued. */
  assert_int_equal(
      store_inspection_write(f->s, &t, &doc, NULL, h, STORE_INSPECTION_HITS_MAX + 1, &ev, &d),
      BM_ERR_LIMIT);
}

static void test_store_referral_open_resolve(void **state) {
  fixture *f = *state;
  store_referral r = {.traveller_id = f->traveller, .bcp_id = f->bcp, .opened_by = f->officer};
  strcpy(r.reason, "purpose of stay unclear");
  OK(store_referral_open(f->s, &r, &d_));
  assert_string_equal(r.status, "open");
  store_referral list[4];
  size_t n = 0;
  OK(store_referral_list_open(f->s, f->bcp, list, 4, &n, &d_));
  assert_int_equal(n, 1);
  assert_memory_equal(&r, &list[0], sizeof r);
  OK(store_referral_resolve(f->s, r.id, f->officer, 9000, "admitted", "invitation letter seen",
                            &d_));
  store_referral g;
  OK(store_referral_get(f->s, r.id, &g, &d_));
  assert_string_equal(g.status, "resolved");
  assert_string_equal(g.outcome, "admitted");
  assert_int_equal(g.resolved_ms, 9000);
  assert_string_equal(g.notes, "invitation letter seen");
  bm_diag d = {0};
  assert_int_equal(store_referral_resolve(f->s, r.id, f->officer, 9001, "refused", NULL, &d),
                   BM_ERR_INVALID);
  assert_string_equal(d.field, "status");
  assert_int_equal(store_referral_resolve(f->s, 999, f->officer, 9001, "refused", NULL, &d),
                   BM_ERR_NOTFOUND);
  OK(store_referral_list_open(f->s, 0, list, 4, &n, &d_));
  assert_int_equal(n, 0);
}

static void append_events(fixture *f, int count) {
  for (int i = 0; i < count; i++) {
    store_audit_event ev;
    memset(&ev, 0, sizeof ev);
    ev.time_ms = 1000 + i;
    ev.actor_id = f->officer;
    strcpy(ev.actor_name, "officer1");
    strcpy(ev.role, "officer");
    strcpy(ev.source_addr, "192.0.2.7");
    strcpy(ev.action, i % 2 ? "traveller.read" : "crossing.create");
    strcpy(ev.object_type, i % 2 ? "traveller" : "crossing");
    snprintf(ev.object_id, sizeof ev.object_id, "%d", i);
    strcpy(ev.outcome, "ok");
    OK(store_audit_append(f->s, &ev, &d_));
  }
}

static void test_store_audit_list_filters(void **state) {
  fixture *f = *state;
  append_events(f, 10);
  store_audit_event evs[16];
  size_t n = 0;
  OK(store_audit_list(f->s, NULL, evs, 16, &n, &d_));
  assert_int_equal(n, 10);
  assert_int_equal(evs[0].id, 1);
  assert_string_equal(evs[0].prev_hash,
                      "0000000000000000000000000000000000000000000000000000000000000000");
  assert_string_equal(evs[1].prev_hash, evs[0].hash);
  store_audit_filter flt = {.action = "traveller.read"};
  OK(store_audit_list(f->s, &flt, evs, 16, &n, &d_));
  assert_int_equal(n, 5);
  flt = (store_audit_filter){.object_type = "crossing", .object_id = "4"};
  OK(store_audit_list(f->s, &flt, evs, 16, &n, &d_));
  assert_int_equal(n, 1);
  assert_int_equal(evs[0].id, 5);
  flt = (store_audit_filter){.after_id = 8, .actor_id = f->officer};
  OK(store_audit_list(f->s, &flt, evs, 16, &n, &d_));
  assert_int_equal(n, 2);
  flt = (store_audit_filter){.since_ms = 1002, .until_ms = 1004};
  OK(store_audit_list(f->s, &flt, evs, 16, &n, &d_));
  assert_int_equal(n, 2);
  store_audit_event bad = {0};
  strcpy(bad.outcome, "ok");
  bm_diag d = {0};
  assert_int_equal(store_audit_append(f->s, &bad, &d), BM_ERR_INVALID); /* no action */
}

static void test_store_audit_chain_verify_and_tamper(void **state) {
  fixture *f = *state;
  store_audit_verify_result r;
  OK(store_audit_verify(f->s, &r, &d_));
  assert_int_equal(r.status, STORE_AUDIT_INTACT);
  assert_int_equal(r.records, 0);
  append_events(f, 10);
  OK(store_audit_verify(f->s, &r, &d_));
  assert_int_equal(r.status, STORE_AUDIT_INTACT);
  assert_int_equal(r.records, 10);
  assert_int_equal(r.first_bad_id, 0);
  assert_int_equal(strlen(r.head_hash), 64);

  /* SQLite only: tamper with the file behind the store's back. */
  raw_sql(f, "UPDATE audit_event SET reason = 'nothing to see' WHERE id = 5");
  OK(store_audit_verify(f->s, &r, &d_));
  assert_int_equal(r.status, STORE_AUDIT_BREAK_HASH);
  assert_int_equal(r.first_bad_id, 5);
  assert_int_equal(r.records, 4);
  assert_string_equal(store_audit_break_name(r.status), "hash_mismatch");
  raw_sql(f, "UPDATE audit_event SET reason = '' WHERE id = 5");
  OK(store_audit_verify(f->s, &r, &d_));
  assert_int_equal(r.status, STORE_AUDIT_INTACT);

  raw_sql(f, "UPDATE audit_event SET prev_hash = "
             "'1111111111111111111111111111111111111111111111111111111111111111' WHERE id = 3");
  OK(store_audit_verify(f->s, &r, &d_));
  assert_int_equal(r.status, STORE_AUDIT_BREAK_PREV);
  assert_int_equal(r.first_bad_id, 3);
  raw_sql(f, "UPDATE audit_event SET prev_hash = (SELECT hash FROM audit_event WHERE id = 2) "
             "WHERE id = 3");

  raw_sql(f, "DELETE FROM audit_event WHERE id = 7");
  OK(store_audit_verify(f->s, &r, &d_));
  assert_int_equal(r.status, STORE_AUDIT_BREAK_GAP);
  assert_int_equal(r.first_bad_id, 8);
}

/* ---- Group commit from several threads ---- */

#define GC_THREADS     4
#define GC_PER_THREAD  2000
#define GC_AUDIT_TOTAL 200

typedef struct gc_worker {
  fixture *f;
  int index;
  int64_t ids[GC_PER_THREAD];
  int failures;
} gc_worker;

static void *gc_crossings(void *arg) {
  gc_worker *w = arg;
  for (int i = 0; i < GC_PER_THREAD; i++) {
    store_crossing c = crossing(w->f, "admitted", 1000000 * (w->index + 1) + i);
    if (i % 100 == 7) { /* now and then a bad one, rolled back alone inside its batch */
      c.bcp_id = 4242;
      if (store_crossing_add(w->f->s, &c, NULL) != BM_ERR_INVALID) w->failures++;
      c.bcp_id = w->f->bcp;
    }
    if (store_crossing_add(w->f->s, &c, NULL) != BM_OK)
      w->failures++;
    else
      w->ids[i] = c.id;
  }
  return NULL;
}

static void *gc_audit(void *arg) {
  gc_worker *w = arg;
  for (int i = 0; i < GC_AUDIT_TOTAL; i++) {
    store_audit_event ev;
    memset(&ev, 0, sizeof ev);
    strcpy(ev.action, "crossing.create");
    strcpy(ev.outcome, "ok");
    snprintf(ev.object_id, sizeof ev.object_id, "%d", i);
    if (store_audit_append(w->f->s, &ev, NULL) != BM_OK) w->failures++;
  }
  return NULL;
}

static void test_store_group_commit_threads(void **state) {
  fixture *f = *state;
  static gc_worker w[GC_THREADS + 1];
  pthread_t th[GC_THREADS + 1];
  for (int i = 0; i <= GC_THREADS; i++) {
    memset(&w[i], 0, sizeof w[i]);
    w[i].f = f;
    w[i].index = i;
    assert_int_equal(pthread_create(&th[i], NULL, i < GC_THREADS ? gc_crossings : gc_audit, &w[i]),
                     0);
  }
  for (int i = 0; i <= GC_THREADS; i++) {
    pthread_join(th[i], NULL);
    assert_int_equal(w[i].failures, 0);
  }
  reopen(f); /* everything acknowledged is there after close and reopen */
  int64_t count = 0;
  OK(store_crossing_count(f->s, NULL, &count, &d_));
  assert_int_equal(count, GC_THREADS * GC_PER_THREAD);
  for (int i = 0; i < GC_THREADS; i++) {
    for (int k = 0; k < GC_PER_THREAD; k += 97) {
      store_crossing c;
      OK(store_crossing_get(f->s, w[i].ids[k], &c, &d_));
      assert_int_equal(c.time_ms, 1000000 * (i + 1) + k);
    }
  }
  store_audit_verify_result r;
  OK(store_audit_verify(f->s, &r, &d_));
  assert_int_equal(r.status, STORE_AUDIT_INTACT);
  assert_int_equal(r.records, GC_AUDIT_TOTAL);
  /* SQLite only: ids are distinct and the file agrees. */
  assert_int_equal(raw_count(f, "SELECT COUNT(DISTINCT id) FROM crossing"),
                   GC_THREADS * GC_PER_THREAD);
}

/* ---- Advance passenger information ---- */

static store_api_person api_person(const char *surname, const char *doc, const char *ref,
                                   const char *board, int score) {
  store_api_person p;
  memset(&p, 0, sizeof p);
  strcpy(p.role, "passenger");
  snprintf(p.surname, sizeof p.surname, "%s", surname);
  strcpy(p.given_names, "TEST");
  strcpy(p.birth_date, "1980-01-02");
  strcpy(p.doc_type, "P");
  snprintf(p.doc_number, sizeof p.doc_number, "%s", doc);
  strcpy(p.doc_issuing_state, "UTO");
  snprintf(p.passenger_ref, sizeof p.passenger_ref, "%s", ref);
  snprintf(p.traveller_key, sizeof p.traveller_key, "key-%s", surname);
  snprintf(p.board, sizeof p.board, "%s", board);
  p.max_score_permille = score;
  p.hits = score > 0;
  p.screened_ms = 1000;
  return p;
}

static store_audit_event api_event(const fixture *f) {
  store_audit_event ev;
  memset(&ev, 0, sizeof ev);
  ev.actor_id = f->officer;
  strcpy(ev.action, "api_message.create");
  strcpy(ev.object_type, "flight");
  strcpy(ev.outcome, "ok");
  return ev;
}

static void test_store_api_manifest_replace_find_purge(void **state) {
  fixture *f = *state;
  store_watchlist w = {0};
  strcpy(w.name, "national");
  strcpy(w.kind, "national");
  OK(store_watchlist_put(f->s, &w, &d_));
  const int64_t day = 86400000LL, arrival = 1760000000000LL;
  store_api_flight fl;
  memset(&fl, 0, sizeof fl);
  strcpy(fl.carrier, "OK");
  strcpy(fl.number, "688");
  strcpy(fl.departure_airport, "PRG");
  strcpy(fl.departure_time, "2025-10-09T08:00");
  strcpy(fl.arrival_airport, "UTO");
  fl.arrival_ms = arrival;
  fl.retain_until_ms = arrival + day;
  store_api_message m;
  memset(&m, 0, sizeof m);
  m.received_by = f->officer;
  m.received_ms = arrival - day;
  strcpy(m.sender, "OKAIR");
  strcpy(m.message_ref, "M1");
  m.part = 1;
  m.last_part = 1;
  strcpy(m.list_type, "passengers");
  m.persons = 3;
  store_api_person ps[3] = {api_person("ALPHA", "A1", "R1", "board", 0),
                            api_person("BRAVO", "B2", "", "no_board", 950),
                            api_person("CHARLIE", "C3", "R3", "board", 850)};
  store_api_hit hs[2];
  memset(hs, 0, sizeof hs);
  hs[0].person_index = 1;
  hs[0].watchlist_id = w.id;
  strcpy(hs[0].entry_id, "N-1");
  hs[0].score_permille = 950;
  strcpy(hs[0].matched_name, "Bravo TEST");
  strcpy(hs[0].reasons, "name 0.95");
  hs[1] = hs[0];
  hs[1].person_index = 2;
  strcpy(hs[1].entry_id, "N-2");
  hs[1].score_permille = 850;
  store_audit_event ev = api_event(f);
  OK(store_api_manifest_write(f->s, &fl, &m, ps, 3, hs, 2, &ev, &d_));
  assert_true(fl.id > 0 && m.id > 0 && m.flight_id == fl.id);
  assert_true(ps[0].id > 0 && hs[1].person_id == ps[2].id);
  assert_int_equal(atoll(ev.object_id), fl.id);

  /* The flight view: hits first (no board first, then the score). */
  store_api_flight got;
  OK(store_api_flight_get(f->s, fl.id, &got, &d_));
  assert_int_equal(got.persons, 3);
  assert_int_equal(got.persons_with_hits, 2);
  assert_int_equal(got.no_board, 1);
  assert_int_equal(got.messages, 1);
  assert_int_equal(got.max_score_permille, 950);
  assert_string_equal(got.status, "open");
  store_api_person list[8];
  size_t n = 0;
  OK(store_api_person_list(f->s, fl.id, list, 8, &n, &d_));
  assert_int_equal(n, 3);
  assert_string_equal(list[0].surname, "BRAVO");
  assert_string_equal(list[1].surname, "CHARLIE");
  assert_string_equal(list[2].surname, "ALPHA");
  store_api_hit hl[8];
  OK(store_api_hit_list(f->s, fl.id, hl, 8, &n, &d_));
  assert_int_equal(n, 2);
  assert_string_equal(hl[0].list, "national");
  assert_string_equal(hl[0].disposition, "");

  /* A second message (CP) for the same flight replaces CHARLIE (by passenger reference) and adds
   * DELTA; the flight key finds the same flight. */
  store_api_flight fl2 = fl;
  fl2.id = 0;
  store_api_message m2 = m;
  strcpy(m2.message_ref, "M2");
  strcpy(m2.document_id, "CP");
  m2.received_ms = 0;
  store_api_person ps2[2] = {api_person("CHARLIE", "C9", "R3", "board", 0),
                             api_person("DELTA", "D4", "R4", "board", 0)};
  store_audit_event ev2 = api_event(f);
  OK(store_api_manifest_write(f->s, &fl2, &m2, ps2, 2, NULL, 0, &ev2, &d_));
  assert_int_equal(fl2.id, fl.id);
  assert_int_equal(ps2[0].replaced, 1);
  assert_int_equal(ps2[1].replaced, 0);
  OK(store_api_flight_get(f->s, fl.id, &got, &d_));
  assert_int_equal(got.persons, 4);
  assert_int_equal(got.persons_with_hits, 1); /* CHARLIE's old hit went with the old row */
  assert_int_equal(got.messages, 2);
  OK(store_api_hit_list(f->s, fl.id, hl, 8, &n, &d_));
  assert_int_equal(n, 1);

  /* XR cancels DELTA (by document); XF cancels the flight. */
  store_api_message m3 = m2;
  strcpy(m3.message_ref, "M3");
  strcpy(m3.document_id, "XR");
  store_api_person ps3[1] = {api_person("DELTA", "D4", "", "board", 0)};
  store_audit_event ev3 = api_event(f);
  OK(store_api_manifest_write(f->s, &fl2, &m3, ps3, 1, NULL, 0, &ev3, &d_));
  assert_int_equal(ps3[0].replaced, 1);
  OK(store_api_flight_get(f->s, fl.id, &got, &d_));
  assert_int_equal(got.persons, 3);
  store_api_message m4 = m2;
  strcpy(m4.message_ref, "M4");
  strcpy(m4.document_id, "XF");
  store_audit_event ev4 = api_event(f);
  OK(store_api_manifest_write(f->s, &fl2, &m4, NULL, 0, NULL, 0, &ev4, &d_));
  OK(store_api_flight_get(f->s, fl.id, &got, &d_));
  assert_string_equal(got.status, "cancelled");
  store_api_message ml[8];
  OK(store_api_message_list(f->s, fl.id, ml, 8, &n, &d_));
  assert_int_equal(n, 4);
  assert_string_equal(ml[3].document_id, "XF");

  /* The booth finds a pre-screened document on a flight arriving since a time. */
  store_api_person fp;
  store_api_flight ff;
  OK(store_api_person_find(f->s, "B2", "UTO", arrival - day, &fp, &ff, &d_));
  assert_string_equal(fp.surname, "BRAVO");
  assert_int_equal(ff.id, fl.id);
  bm_diag d = {0};
  assert_int_equal(store_api_person_find(f->s, "B2", "UTO", arrival + 1, &fp, &ff, &d),
                   BM_ERR_NOTFOUND);
  assert_int_equal(store_api_person_find(f->s, "ZZ", "UTO", 0, &fp, &ff, &d), BM_ERR_NOTFOUND);

  /* Flights listed by arrival. */
  store_api_flight fls[4];
  OK(store_api_flight_list(f->s, arrival - day, 0, fls, 4, &n, &d_));
  assert_int_equal(n, 1);
  OK(store_api_flight_list(f->s, arrival + 1, 0, fls, 4, &n, &d_));
  assert_int_equal(n, 0);

  /* Retention: nothing before retain_until; then everything but BRAVO, whose hit a supervisor
   * confirmed (and a later false-hit decision on another entry does not matter). */
  store_disposition disp;
  memset(&disp, 0, sizeof disp);
  strcpy(disp.traveller_key, "key-BRAVO");
  disp.watchlist_id = w.id;
  strcpy(disp.entry_id, "N-1");
  strcpy(disp.decision, "true_hit");
  disp.user_id = f->officer;
  strcpy(disp.reason, "confirmed by second line");
  OK(store_disposition_add(f->s, &disp, &d_));
  store_api_purge_result r;
  store_audit_event pev = api_event(f);
  strcpy(pev.action, "api_data.purge");
  OK(store_api_purge(f->s, arrival + day - 1, &r, &pev, &d_));
  assert_int_equal(r.persons_deleted, 0);
  assert_int_equal(r.flights_deleted, 0);
  OK(store_api_purge(f->s, arrival + day + 1, &r, &pev, &d_));
  assert_int_equal(r.persons_deleted, 2); /* ALPHA, CHARLIE */
  assert_int_equal(r.persons_kept, 1);
  assert_int_equal(r.hits_deleted, 0);
  assert_int_equal(r.flights_deleted, 0); /* BRAVO keeps the flight */
  assert_true(strstr(pev.reason, "2 persons") != NULL);
  OK(store_api_person_list(f->s, fl.id, list, 8, &n, &d_));
  assert_int_equal(n, 1);
  assert_string_equal(list[0].surname, "BRAVO");
  OK(store_api_message_list(f->s, fl.id, ml, 8, &n, &d_));
  assert_int_equal(n, 1); /* the message BRAVO came in */
  /* Once the confirmation is withdrawn (a later false-hit decision), the next run deletes all. */
  strcpy(disp.decision, "false_hit");
  disp.id = 0;
  OK(store_disposition_add(f->s, &disp, &d_));
  OK(store_api_purge(f->s, arrival + day + 2, &r, NULL, &d_));
  assert_int_equal(r.persons_deleted, 1);
  assert_int_equal(r.hits_deleted, 1);
  assert_int_equal(r.messages_deleted, 1);
  assert_int_equal(r.flights_deleted, 1);
  assert_int_equal(store_api_flight_get(f->s, fl.id, &got, &d), BM_ERR_NOTFOUND);
  /* SQLite only: nothing is left behind. */
  assert_int_equal(raw_count(f, "SELECT (SELECT COUNT(*) FROM api_person) + (SELECT COUNT(*) "
                                "FROM api_hit) + (SELECT COUNT(*) FROM api_message)"),
                   0);
}

static void test_store_api_manifest_all_or_none(void **state) {
  fixture *f = *state;
  store_api_flight fl;
  memset(&fl, 0, sizeof fl);
  strcpy(fl.carrier, "OK");
  strcpy(fl.number, "1");
  fl.retain_until_ms = 1;
  store_api_message m;
  memset(&m, 0, sizeof m);
  m.received_by = f->officer;
  store_api_person p = api_person("ALPHA", "A1", "", "board", 900);
  store_api_hit h;
  memset(&h, 0, sizeof h);
  h.watchlist_id = 999999; /* no such list: the whole write fails */
  strcpy(h.entry_id, "X");
  store_audit_event ev = api_event(f);
  bm_diag d = {0};
  assert_int_equal(store_api_manifest_write(f->s, &fl, &m, &p, 1, &h, 1, &ev, &d), BM_ERR_INVALID);
  assert_int_equal(raw_count(f, "SELECT COUNT(*) FROM api_flight"), 0);
  assert_int_equal(raw_count(f, "SELECT COUNT(*) FROM api_person"), 0);
  /* Validation: a bad board word, a hit naming no person, no retention. */
  strcpy(p.board, "maybe");
  assert_int_equal(store_api_manifest_write(f->s, &fl, &m, &p, 1, NULL, 0, &ev, &d),
                   BM_ERR_INVALID);
  assert_string_equal(d.field, "board");
  strcpy(p.board, "board");
  h.person_index = 1;
  assert_int_equal(store_api_manifest_write(f->s, &fl, &m, &p, 1, &h, 1, &ev, &d), BM_ERR_USAGE);
  fl.retain_until_ms = 0;
  assert_int_equal(store_api_manifest_write(f->s, &fl, &m, &p, 1, NULL, 0, &ev, &d),
                   BM_ERR_INVALID);
}

static void test_store_audit_hash_is_canonical(void **state) {
  (void)state;
  store_audit_event ev;
  memset(&ev, 0, sizeof ev);
  ev.id = 1;
  ev.time_ms = 1700000000000;
  strcpy(ev.action, "user.create");
  strcpy(ev.outcome, "ok");
  char h1[STORE_SHA256_HEX_BYTES], h2[STORE_SHA256_HEX_BYTES];
  const char *zero = "0000000000000000000000000000000000000000000000000000000000000000";
  assert_int_equal(store_audit_hash(&ev, zero, h1), BM_OK);
  /* Moving a byte from one field to the next changes the hash (length prefixes). */
  strcpy(ev.action, "user.creat");
  strcpy(ev.object_type, "e");
  assert_int_equal(store_audit_hash(&ev, zero, h2), BM_OK);
  assert_string_not_equal(h1, h2);
  assert_int_equal(store_audit_hash(&ev, "xyz", h2), BM_ERR_INVALID);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_store_migrations_apply_and_reopen_is_idempotent, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_store_refuses_newer_schema, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_urls, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_bcp_roundtrip, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_user_roundtrip_and_lockout, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_session_lifecycle, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_traveller_upsert_get_search, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_crossing_roundtrip_list_count, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_constraints, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_refusal_codes_seeded_and_configurable, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_store_watchlists_hits_dispositions, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_hit_list_and_stats, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_inspection_write_all_or_none, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_referral_open_resolve, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_audit_list_filters, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_audit_chain_verify_and_tamper, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_group_commit_threads, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_api_manifest_replace_find_purge, setup, teardown),
      cmocka_unit_test_setup_teardown(test_store_api_manifest_all_or_none, setup, teardown),
      cmocka_unit_test(test_store_audit_hash_is_canonical),
  };
  return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
