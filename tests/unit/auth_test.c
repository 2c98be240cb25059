/* auth_test.c - passwords, policy, sign-in with lockout, sessions (bmis/auth.h).
 *
 * Real SQLite stores in a mkdtemp directory. Times are passed in, so expiry and lockout are tested
 * without waiting. Hashes use libsodium's minimum Argon2id cost to keep the suite fast, except one
 * case that checks the default (interactive) parameters.
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
#include <unistd.h>

#include "bmis/auth.h"
#include "bmis/store.h"

#define PW      "correct horse battery"
#define PW_LEN  (sizeof PW - 1)
#define T0      1750000000000LL
#define MINUTES (60 * 1000LL)

typedef struct fixture {
  char dir[4096];
  char path[4200];
  store *s;
  app_auth_config cfg;
  app_actor admin;
} fixture;

#define OK(call)                                                                                   \
  do {                                                                                             \
    bm_diag d_ = {0};                                                                              \
    bm_err e_ = (call);                                                                            \
    if (e_ != BM_OK) fail_msg("%s: %s: %s (%s)", #call, bm_err_str(e_), d_.message, d_.field);     \
  } while (0)

static int setup(void **state) {
  fixture *f = calloc(1, sizeof *f);
  const char *tmp = getenv("TMPDIR");
  snprintf(f->dir, sizeof f->dir, "%s/auth_test.XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (mkdtemp(f->dir) == NULL) return -1;
  snprintf(f->path, sizeof f->path, "%s/bmis.db", f->dir);
  if (store_open(f->path, &f->s, NULL) != BM_OK) return -1;
  app_auth_config_default(&f->cfg);
  f->cfg.pwhash_opslimit = crypto_pwhash_OPSLIMIT_MIN;
  f->cfg.pwhash_memlimit = crypto_pwhash_MEMLIMIT_MIN;
  strcpy(f->admin.name, "test-admin");
  strcpy(f->admin.role, "administrator");
  strcpy(f->admin.source_addr, "local");
  bm_diag d = {0};
  if (app_user_add(f->s, &f->cfg, &f->admin, "anna", APP_ROLE_OFFICER, PW, PW_LEN, NULL, &d) !=
      BM_OK) {
    fprintf(stderr, "setup: %s\n", d.message);
    return -1;
  }
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fixture *f = *state;
  char p[4300];
  store_free(f->s);
  unlink(f->path);
  snprintf(p, sizeof p, "%s-wal", f->path);
  unlink(p);
  snprintf(p, sizeof p, "%s-shm", f->path);
  unlink(p);
  rmdir(f->dir);
  free(f);
  return 0;
}

static bm_err signin(fixture *f, const char *user, const char *pw, int64_t now, app_signin *out,
                     bm_diag *d) {
  return app_auth_signin(f->s, &f->cfg, user, pw, strlen(pw), "browser", "192.0.2.1", now, out, d);
}

static size_t count_audit(fixture *f, const char *action, const char *outcome_or_null) {
  store_audit_event evs[64];
  size_t n = 0, k = 0;
  store_audit_filter flt = {.action = action};
  OK(store_audit_list(f->s, &flt, evs, 64, &n, &d_));
  for (size_t i = 0; i < n; i++)
    if (outcome_or_null == NULL || strcmp(evs[i].outcome, outcome_or_null) == 0) k++;
  return k;
}

static void test_auth_roles_have_stable_names(void **state) {
  (void)state;
  const char *names[] = {"officer", "supervisor", "analyst", "administrator", "dpo", "api_client"};
  for (int r = APP_ROLE_OFFICER; r <= APP_ROLE_API_CLIENT; r++) {
    assert_string_equal(app_role_name((app_role)r), names[r - 1]);
    app_role back;
    assert_int_equal(app_role_parse(names[r - 1], &back), BM_OK);
    assert_int_equal(back, r);
  }
  app_role x;
  assert_int_equal(app_role_parse("Officer", &x), BM_ERR_INVALID);
  assert_null(app_role_name(APP_ROLE_NONE));
}

static void test_auth_password_policy(void **state) {
  (void)state;
  bm_diag d = {0};
  assert_int_equal(app_password_check_policy("elevenbytes", 11, &d), BM_ERR_INVALID);
  assert_string_equal(d.field, "password");
  assert_int_equal(app_password_check_policy("twelve bytes", 12, &d), BM_OK);
  char big[APP_PASSWORD_BYTES_MAX + 1];
  memset(big, 'a', sizeof big);
  assert_int_equal(app_password_check_policy(big, APP_PASSWORD_BYTES_MAX, &d), BM_OK);
  assert_int_equal(app_password_check_policy(big, sizeof big, &d), BM_ERR_LIMIT);
  assert_int_equal(app_password_check_policy("with\0nul inside", 15, &d), BM_ERR_INVALID);
}

static void test_auth_password_hash_verify(void **state) {
  fixture *f = *state;
  char h[STORE_PWHASH_BYTES_MAX];
  OK(app_password_hash(&f->cfg, PW, PW_LEN, h, &d_));
  assert_true(strncmp(h, "$argon2id$", 10) == 0);
  assert_true(app_password_verify(h, PW, PW_LEN));
  assert_false(app_password_verify(h, PW, PW_LEN - 1));
  assert_false(app_password_verify(h, "correct horse battery!", PW_LEN + 1));
  assert_false(app_password_verify("$argon2id$garbage", PW, PW_LEN));
  /* The default cost is libsodium's interactive limits: m=64 MiB, t=2. */
  OK(app_password_hash(NULL, PW, PW_LEN, h, &d_));
  assert_non_null(strstr(h, "m=65536,t=2"));
  assert_true(app_password_verify(h, PW, PW_LEN));
  /* The stored user carries a hash, never the password. */
  store_user u;
  OK(store_user_get_by_name(f->s, "anna", &u, &d_));
  assert_null(strstr(u.password_hash, PW));
  assert_true(app_password_verify(u.password_hash, PW, PW_LEN));
}

static void test_auth_signin_and_lockout(void **state) {
  fixture *f = *state;
  app_signin si;
  bm_diag d = {0}, d_unknown = {0};
  /* Four failures, then a success, resets the count. */
  for (int i = 0; i < 4; i++)
    assert_int_equal(signin(f, "anna", "wrong password!", T0 + i, &si, &d), BM_ERR_INVALID);
  OK(signin(f, "anna", PW, T0 + 10, &si, &d_));
  assert_int_equal(si.user.failed_count, 0);
  assert_string_equal(si.user.password_hash, "");
  /* Five failures lock the account for 15 minutes, even against the right password. */
  for (int i = 0; i < 5; i++)
    assert_int_equal(signin(f, "anna", "wrong password!", T0 + 20 + i, &si, &d), BM_ERR_INVALID);
  store_user u;
  OK(store_user_get_by_name(f->s, "anna", &u, &d_));
  assert_int_equal(u.locked_until_ms, T0 + 24 + 15 * MINUTES);
  assert_int_equal(signin(f, "anna", PW, T0 + 30, &si, &d), BM_ERR_INVALID);
  assert_int_equal(signin(f, "anna", PW, T0 + 24 + 15 * MINUTES - 1, &si, &d), BM_ERR_INVALID);
  OK(signin(f, "anna", PW, T0 + 24 + 15 * MINUTES, &si, &d_));
  /* An unknown user gets the very same answer. */
  assert_int_equal(signin(f, "nobody", PW, T0 + 40, &si, &d_unknown), BM_ERR_INVALID);
  assert_string_equal(d_unknown.message, d.message);
  assert_string_equal(d_unknown.field, d.field);
  /* A disabled user cannot sign in. */
  OK(app_user_set_disabled(f->s, &f->admin, "anna", 1, &d_));
  assert_int_equal(signin(f, "anna", PW, T0 + 24 + 16 * MINUTES, &si, &d), BM_ERR_INVALID);
  OK(app_user_set_disabled(f->s, &f->admin, "anna", 0, &d_));
  OK(signin(f, "anna", PW, T0 + 24 + 16 * MINUTES, &si, &d_));
  /* Every attempt is in the audit trail, with the real cause for the auditors. */
  assert_int_equal(count_audit(f, "session.create", "ok"), 3);
  assert_int_equal(count_audit(f, "session.create", "denied"), 4 + 5 + 2 + 1 + 1);
  store_audit_event evs[64];
  size_t n = 0;
  store_audit_filter flt = {.action = "session.create"};
  OK(store_audit_list(f->s, &flt, evs, 64, &n, &d_));
  int locked = 0, unknown = 0, disabled = 0;
  for (size_t i = 0; i < n; i++) {
    locked += strcmp(evs[i].reason, "locked") == 0;
    unknown += strcmp(evs[i].reason, "unknown_user") == 0;
    disabled += strcmp(evs[i].reason, "disabled") == 0;
  }
  assert_int_equal(locked, 2);
  assert_int_equal(unknown, 1);
  assert_int_equal(disabled, 1);
  store_audit_verify_result r;
  OK(store_audit_verify(f->s, &r, &d_));
  assert_int_equal(r.status, STORE_AUDIT_INTACT);
}

static void test_auth_sessions_expiry_csrf_revoke(void **state) {
  fixture *f = *state;
  app_signin si;
  app_principal p;
  bm_diag d = {0};
  OK(signin(f, "anna", PW, T0, &si, &d_));
  assert_int_equal(strlen(si.token), 43);
  assert_int_equal(strlen(si.session.csrf_token), 43);
  assert_string_not_equal(si.token, si.session.csrf_token);
  /* Only the token's hash is stored. */
  uint8_t h[STORE_TOKEN_HASH_BYTES];
  app_auth_token_hash(si.token, h);
  assert_memory_equal(h, si.session.token_hash, sizeof h);

  OK(app_auth_session_check(f->s, &f->cfg, si.token, T0 + 1, &p, &d_));
  assert_int_equal(p.role, APP_ROLE_OFFICER);
  assert_string_equal(p.user.username, "anna");
  assert_string_equal(p.user.password_hash, "");
  assert_true(app_auth_csrf_ok(&p.session, si.session.csrf_token));
  char other[APP_TOKEN_BYTES_MAX];
  strcpy(other, si.session.csrf_token);
  other[0] = other[0] == 'A' ? 'B' : 'A';
  assert_false(app_auth_csrf_ok(&p.session, other));
  assert_false(app_auth_csrf_ok(&p.session, ""));
  assert_int_equal(app_auth_session_check(f->s, &f->cfg, "not-a-token", T0, &p, &d),
                   BM_ERR_INVALID);
  other[0] = si.token[0] == 'A' ? 'B' : 'A';
  memcpy(other + 1, si.token + 1, 43);
  assert_int_equal(app_auth_session_check(f->s, &f->cfg, other, T0, &p, &d), BM_ERR_INVALID);

  /* Idle: used every 20 minutes it lives; 30 idle minutes end it. */
  int64_t t = T0;
  for (int i = 0; i < 5; i++) {
    t += 20 * MINUTES;
    OK(app_auth_session_check(f->s, &f->cfg, si.token, t, &p, &d_));
  }
  assert_int_equal(app_auth_session_check(f->s, &f->cfg, si.token, t + 30 * MINUTES, &p, &d),
                   BM_ERR_INVALID);
  assert_string_equal(d.field, "session");
  /* Absolute lifetime: 12 hours however busy. */
  OK(signin(f, "anna", PW, T0, &si, &d_));
  for (t = T0 + 20 * MINUTES; t < T0 + 12 * 60 * MINUTES; t += 20 * MINUTES)
    OK(app_auth_session_check(f->s, &f->cfg, si.token, t, &p, &d_));
  assert_int_equal(app_auth_session_check(f->s, &f->cfg, si.token, t, &p, &d), BM_ERR_INVALID);

  /* Sign-out revokes. */
  OK(signin(f, "anna", PW, T0, &si, &d_));
  OK(app_auth_signout(f->s, si.token, "192.0.2.1", T0 + 5, &d_));
  assert_int_equal(app_auth_session_check(f->s, &f->cfg, si.token, T0 + 6, &p, &d), BM_ERR_INVALID);
  assert_int_equal(count_audit(f, "session.revoke", "ok"), 1);

  /* A password change and disabling the user revoke every session; an API token lives 24 h. */
  app_signin a, b;
  OK(signin(f, "anna", PW, store_now_ms(), &a, &d_));
  OK(app_auth_signin(f->s, &f->cfg, "anna", PW, PW_LEN, "api", "192.0.2.2", store_now_ms(), &b,
                     &d_));
  assert_int_equal(b.session.expires_ms - b.session.created_ms, 24 * 60 * MINUTES);
  OK(app_user_passwd(f->s, &f->cfg, &f->admin, "anna", "a new pass phrase", 17, &d_));
  assert_int_equal(app_auth_session_check(f->s, &f->cfg, a.token, 0, &p, &d), BM_ERR_INVALID);
  assert_int_equal(app_auth_session_check(f->s, &f->cfg, b.token, 0, &p, &d), BM_ERR_INVALID);
  assert_int_equal(signin(f, "anna", PW, 0, &si, &d), BM_ERR_INVALID);
  OK(signin(f, "anna", "a new pass phrase", 0, &si, &d_));
  OK(app_auth_session_check(f->s, &f->cfg, si.token, 0, &p, &d_));
  OK(app_user_set_disabled(f->s, &f->admin, "anna", 1, &d_));
  assert_int_equal(app_auth_session_check(f->s, &f->cfg, si.token, 0, &p, &d), BM_ERR_INVALID);
}

static void test_auth_user_add_rules(void **state) {
  fixture *f = *state;
  bm_diag d = {0};
  store_user u;
  assert_int_equal(
      app_user_add(f->s, &f->cfg, &f->admin, "anna", APP_ROLE_ANALYST, PW, PW_LEN, &u, &d),
      BM_ERR_INVALID); /* exists */
  assert_int_equal(
      app_user_add(f->s, &f->cfg, &f->admin, "Bad Name", APP_ROLE_ANALYST, PW, PW_LEN, &u, &d),
      BM_ERR_INVALID);
  assert_string_equal(d.field, "username");
  assert_int_equal(
      app_user_add(f->s, &f->cfg, &f->admin, "bob", APP_ROLE_ANALYST, "short", 5, &u, &d),
      BM_ERR_INVALID);
  assert_string_equal(d.field, "password");
  assert_int_equal(app_user_add(f->s, &f->cfg, &f->admin, "bob", APP_ROLE_NONE, PW, PW_LEN, &u, &d),
                   BM_ERR_INVALID);
  OK(app_user_add(f->s, &f->cfg, &f->admin, "bob", APP_ROLE_DPO, PW, PW_LEN, &u, &d_));
  assert_string_equal(u.role, "dpo");
  assert_string_equal(u.password_hash, "");
  assert_int_equal(count_audit(f, "user.create", "ok"), 2);
  store_audit_event evs[4];
  size_t n = 0;
  store_audit_filter flt = {.action = "user.create"};
  OK(store_audit_list(f->s, &flt, evs, 4, &n, &d_));
  assert_string_equal(evs[1].actor_name, "test-admin");
  assert_string_equal(evs[1].source_addr, "local");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_auth_roles_have_stable_names),
      cmocka_unit_test(test_auth_password_policy),
      cmocka_unit_test_setup_teardown(test_auth_password_hash_verify, setup, teardown),
      cmocka_unit_test_setup_teardown(test_auth_signin_and_lockout, setup, teardown),
      cmocka_unit_test_setup_teardown(test_auth_sessions_expiry_csrf_revoke, setup, teardown),
      cmocka_unit_test_setup_teardown(test_auth_user_add_rules, setup, teardown),
  };
  return cmocka_run_group_tests_name("auth", tests, NULL, NULL);
}
