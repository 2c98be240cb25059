/* app_auth.c - users, passwords, sign-in with lockout, sessions (see bmis/auth.h). */
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "bmis/auth.h"

static const char *const role_names[] = {
    [APP_ROLE_OFFICER] = "officer", [APP_ROLE_SUPERVISOR] = "supervisor",
    [APP_ROLE_ANALYST] = "analyst", [APP_ROLE_ADMINISTRATOR] = "administrator",
    [APP_ROLE_DPO] = "dpo",         [APP_ROLE_API_CLIENT] = "api_client",
};

const char *app_role_name(app_role role) {
  if (role <= APP_ROLE_NONE || role > APP_ROLE_API_CLIENT) return NULL;
  return role_names[role];
}

bm_err app_role_parse(const char *name, app_role *out) {
  if (name == NULL || out == NULL) return BM_ERR_USAGE;
  for (int r = APP_ROLE_OFFICER; r <= APP_ROLE_API_CLIENT; r++)
    if (strcmp(name, role_names[r]) == 0) {
      *out = (app_role)r;
      return BM_OK;
    }
  return BM_ERR_INVALID;
}

void app_auth_config_default(app_auth_config *c) {
  c->failures_max = 5;
  c->lockout_ms = 15 * 60 * 1000;
  c->idle_ms = 30 * 60 * 1000;
  c->lifetime_ms = 12LL * 3600 * 1000;
  c->api_lifetime_ms = 24LL * 3600 * 1000;
  c->touch_interval_ms = 60 * 1000;
  c->pwhash_opslimit = crypto_pwhash_OPSLIMIT_INTERACTIVE;
  c->pwhash_memlimit = crypto_pwhash_MEMLIMIT_INTERACTIVE;
}

static const app_auth_config *config_or_default(const app_auth_config *c, app_auth_config *buf) {
  if (c) return c;
  app_auth_config_default(buf);
  return buf;
}

/* ---- Passwords ---- */

bm_err app_password_check_policy(const char *pw, size_t len, bm_diag *d) {
  if (pw == NULL) return bm_diag_set(d, BM_ERR_USAGE, "password", 0, 0, "no password");
  if (len < APP_PASSWORD_BYTES_MIN)
    return bm_diag_set(d, BM_ERR_INVALID, "password", 0, 0, "a password needs at least %d bytes",
                       APP_PASSWORD_BYTES_MIN);
  if (len > APP_PASSWORD_BYTES_MAX)
    return bm_diag_set(d, BM_ERR_LIMIT, "password", 0, 0, "a password has at most %d bytes",
                       APP_PASSWORD_BYTES_MAX);
  if (memchr(pw, '\0', len) != NULL)
    return bm_diag_set(d, BM_ERR_INVALID, "password", 0, 0, "a password cannot contain NUL");
  return BM_OK;
}

bm_err app_password_hash(const app_auth_config *c, const char *pw, size_t len,
                         char out[STORE_PWHASH_BYTES_MAX], bm_diag *d) {
  app_auth_config buf;
  c = config_or_default(c, &buf);
  bm_err e = app_password_check_policy(pw, len, d);
  if (e != BM_OK) return e;
  if (sodium_init() < 0) return bm_diag_set(d, BM_ERR_IO, NULL, 0, 0, "libsodium failed");
  _Static_assert(crypto_pwhash_STRBYTES <= STORE_PWHASH_BYTES_MAX, "hash buffer too small");
  if (crypto_pwhash_str(out, pw, len, c->pwhash_opslimit, c->pwhash_memlimit) != 0)
    return bm_diag_set(d, BM_ERR_NOMEM, "password", 0, 0,
                       "not enough memory for the password hash");
  return BM_OK;
}

int app_password_verify(const char *hash, const char *pw, size_t len) {
  if (hash == NULL || pw == NULL || len > APP_PASSWORD_BYTES_MAX) return 0;
  if (strnlen(hash, STORE_PWHASH_BYTES_MAX) >= STORE_PWHASH_BYTES_MAX) return 0;
  if (sodium_init() < 0) return 0;
  return crypto_pwhash_str_verify(hash, pw, len) == 0;
}

/* A hash of a random password with the configured cost: verified against when the user does not
 * exist, so that an unknown name costs the same time as a known one. */
static pthread_mutex_t dummy_mu = PTHREAD_MUTEX_INITIALIZER;
static char dummy_hash[STORE_PWHASH_BYTES_MAX];
static unsigned long long dummy_ops;
static size_t dummy_mem;

static void dummy_verify(const app_auth_config *c, const char *pw, size_t len) {
  char h[STORE_PWHASH_BYTES_MAX];
  pthread_mutex_lock(&dummy_mu);
  if (dummy_hash[0] == '\0' || dummy_ops != c->pwhash_opslimit || dummy_mem != c->pwhash_memlimit) {
    char random_pw[33];
    uint8_t raw[16];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(random_pw, sizeof random_pw, raw, sizeof raw);
    if (crypto_pwhash_str(dummy_hash, random_pw, strlen(random_pw), c->pwhash_opslimit,
                          c->pwhash_memlimit) != 0)
      dummy_hash[0] = '\0';
    dummy_ops = c->pwhash_opslimit;
    dummy_mem = c->pwhash_memlimit;
  }
  memcpy(h, dummy_hash, sizeof h);
  pthread_mutex_unlock(&dummy_mu);
  (void)app_password_verify(h, pw, len);
}

/* ---- Audit helper ---- */

static void copy(char *dst, size_t cap, const char *src) {
  snprintf(dst, cap, "%s", src ? src : "");
}

static bm_err audit(store *s, const app_actor *by, int64_t now_ms, const char *action,
                    const char *object_type, const char *object_id, const char *outcome,
                    const char *reason, bm_diag *d) {
  store_audit_event ev;
  memset(&ev, 0, sizeof ev);
  ev.time_ms = now_ms;
  if (by) {
    ev.actor_id = by->user_id;
    copy(ev.actor_name, sizeof ev.actor_name, by->name);
    copy(ev.role, sizeof ev.role, by->role);
    copy(ev.source_addr, sizeof ev.source_addr, by->source_addr);
  }
  copy(ev.action, sizeof ev.action, action);
  copy(ev.object_type, sizeof ev.object_type, object_type);
  copy(ev.object_id, sizeof ev.object_id, object_id);
  copy(ev.outcome, sizeof ev.outcome, outcome);
  copy(ev.reason, sizeof ev.reason, reason);
  return store_audit_append(s, &ev, d);
}

static bm_err check_username(const char *username, bm_diag *d) {
  if (username == NULL) return bm_diag_set(d, BM_ERR_USAGE, "username", 0, 0, "no user name");
  size_t len = strnlen(username, STORE_USERNAME_BYTES_MAX);
  if (len == 0 || len >= STORE_USERNAME_BYTES_MAX)
    return bm_diag_set(d, BM_ERR_INVALID, "username", 0, 0, "a user name has 1 to %d bytes",
                       STORE_USERNAME_BYTES_MAX - 1);
  for (size_t i = 0; i < len; i++) {
    unsigned char ch = (unsigned char)username[i];
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' ||
          ch == '-'))
      return bm_diag_set(d, BM_ERR_INVALID, "username", 0, 0,
                         "a user name uses only a-z, 0-9, '.', '_' and '-'");
  }
  return BM_OK;
}

/* ---- Users ---- */

bm_err app_user_add(store *s, const app_auth_config *c, const app_actor *by, const char *username,
                    app_role role, const char *pw, size_t len, store_user *out, bm_diag *d) {
  if (s == NULL) return bm_diag_set(d, BM_ERR_USAGE, NULL, 0, 0, "no store");
  bm_err e = check_username(username, d);
  if (e != BM_OK) return e;
  const char *rname = app_role_name(role);
  if (rname == NULL) return bm_diag_set(d, BM_ERR_INVALID, "role", 0, 0, "unknown role");
  store_user u;
  memset(&u, 0, sizeof u);
  copy(u.username, sizeof u.username, username);
  copy(u.display_name, sizeof u.display_name, username);
  copy(u.role, sizeof u.role, rname);
  if ((e = app_password_hash(c, pw, len, u.password_hash, d)) != BM_OK) return e;
  if ((e = store_user_add(s, &u, d)) != BM_OK) return e;
  char id[24];
  snprintf(id, sizeof id, "%lld", (long long)u.id);
  if ((e = audit(s, by, u.created_ms, "user.create", "user", id, "ok", rname, d)) != BM_OK)
    return e;
  if (out) {
    *out = u;
    sodium_memzero(out->password_hash, sizeof out->password_hash);
  }
  sodium_memzero(u.password_hash, sizeof u.password_hash);
  return BM_OK;
}

bm_err app_user_passwd(store *s, const app_auth_config *c, const app_actor *by,
                       const char *username, const char *pw, size_t len, bm_diag *d) {
  if (s == NULL) return bm_diag_set(d, BM_ERR_USAGE, NULL, 0, 0, "no store");
  bm_err e = check_username(username, d);
  if (e != BM_OK) return e;
  store_user u;
  if ((e = store_user_get_by_name(s, username, &u, d)) != BM_OK) return e;
  char hash[STORE_PWHASH_BYTES_MAX];
  if ((e = app_password_hash(c, pw, len, hash, d)) != BM_OK) return e;
  int64_t now = store_now_ms();
  e = store_user_set_password(s, u.id, hash, now, d);
  sodium_memzero(hash, sizeof hash);
  if (e == BM_OK) e = store_session_revoke_user(s, u.id, now, NULL, d);
  char id[24];
  snprintf(id, sizeof id, "%lld", (long long)u.id);
  if (e == BM_OK) e = audit(s, by, now, "user.passwd", "user", id, "ok", "", d);
  return e;
}

bm_err app_user_set_disabled(store *s, const app_actor *by, const char *username, int disabled,
                             bm_diag *d) {
  if (s == NULL || (disabled != 0 && disabled != 1))
    return bm_diag_set(d, BM_ERR_USAGE, NULL, 0, 0, "bad argument");
  bm_err e = check_username(username, d);
  if (e != BM_OK) return e;
  store_user u;
  if ((e = store_user_get_by_name(s, username, &u, d)) != BM_OK) return e;
  int64_t now = store_now_ms();
  e = store_user_set_disabled(s, u.id, disabled, d);
  if (e == BM_OK && disabled) e = store_session_revoke_user(s, u.id, now, NULL, d);
  char id[24];
  snprintf(id, sizeof id, "%lld", (long long)u.id);
  if (e == BM_OK)
    e = audit(s, by, now, disabled ? "user.disable" : "user.enable", "user", id, "ok", "", d);
  return e;
}

/* ---- Tokens ---- */

static void new_token(char out[APP_TOKEN_BYTES_MAX]) {
  uint8_t raw[32];
  randombytes_buf(raw, sizeof raw);
  sodium_bin2base64(out, APP_TOKEN_BYTES_MAX, raw, sizeof raw,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(raw, sizeof raw);
}

void app_auth_token_hash(const char *token, uint8_t out[STORE_TOKEN_HASH_BYTES]) {
  crypto_hash_sha256(out, (const uint8_t *)token, strnlen(token, APP_TOKEN_BYTES_MAX));
}

/* A well-formed token: exactly 43 base64url characters. */
static int token_wellformed(const char *token) {
  if (token == NULL) return 0;
  size_t len = strnlen(token, APP_TOKEN_BYTES_MAX);
  if (len != 43) return 0;
  for (size_t i = 0; i < len; i++) {
    char ch = token[i];
    if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
          ch == '-' || ch == '_'))
      return 0;
  }
  return 1;
}

/* ---- Sign-in ---- */

static bm_err denied(bm_diag *d) {
  return bm_diag_set(d, BM_ERR_INVALID, "credentials", 0, 0, "invalid user name or password");
}

bm_err app_auth_signin(store *s, const app_auth_config *c, const char *username, const char *pw,
                       size_t len, const char *kind, const char *source_addr, int64_t now_ms,
                       app_signin *out, bm_diag *d) {
  app_auth_config buf;
  c = config_or_default(c, &buf);
  if (s == NULL || username == NULL || pw == NULL || out == NULL || kind == NULL)
    return bm_diag_set(d, BM_ERR_USAGE, NULL, 0, 0, "NULL argument");
  int api = strcmp(kind, "api") == 0;
  if (!api && strcmp(kind, "browser") != 0)
    return bm_diag_set(d, BM_ERR_USAGE, "kind", 0, 0, "session kind is browser or api");
  if (sodium_init() < 0) return bm_diag_set(d, BM_ERR_IO, NULL, 0, 0, "libsodium failed");
  if (now_ms == 0) now_ms = store_now_ms();
  memset(out, 0, sizeof *out);

  app_actor who;
  memset(&who, 0, sizeof who);
  copy(who.name, sizeof who.name, username);
  copy(who.source_addr, sizeof who.source_addr, source_addr);

  store_user u;
  bm_err e = BM_ERR_NOTFOUND;
  if (strnlen(username, STORE_USERNAME_BYTES_MAX) < STORE_USERNAME_BYTES_MAX && username[0])
    e = store_user_get_by_name(s, username, &u, d);
  if (e != BM_OK && e != BM_ERR_NOTFOUND) return e;
  const char *why = NULL;
  if (e == BM_ERR_NOTFOUND) {
    dummy_verify(c, pw, len);
    why = "unknown_user";
  } else {
    who.user_id = u.id;
    copy(who.role, sizeof who.role, u.role);
    int match = app_password_verify(u.password_hash, pw, len);
    if (u.disabled)
      why = "disabled";
    else if (u.locked_until_ms > now_ms)
      why = "locked";
    else if (!match) {
      why = "bad_password";
      store_user after;
      if ((e = store_user_signin_failed(s, u.id, now_ms, c->failures_max, c->lockout_ms, &after,
                                        d)) != BM_OK)
        return e;
      if (after.locked_until_ms > now_ms) why = "bad_password_now_locked";
    }
  }
  char id[24];
  snprintf(id, sizeof id, "%lld", (long long)who.user_id);
  if (why != NULL) {
    if ((e = audit(s, &who, now_ms, "session.create", "user", id, "denied", why, d)) != BM_OK)
      return e;
    return denied(d);
  }

  if ((e = store_user_signin_ok(s, u.id, now_ms, d)) != BM_OK) return e;
  store_session *ss = &out->session;
  new_token(out->token);
  app_auth_token_hash(out->token, ss->token_hash);
  new_token(ss->csrf_token);
  ss->user_id = u.id;
  copy(ss->kind, sizeof ss->kind, kind);
  copy(ss->source_addr, sizeof ss->source_addr, source_addr);
  ss->created_ms = now_ms;
  ss->last_seen_ms = now_ms;
  ss->expires_ms = now_ms + (api ? c->api_lifetime_ms : c->lifetime_ms);
  if ((e = store_session_create(s, ss, d)) != BM_OK) return e;
  if ((e = audit(s, &who, now_ms, "session.create", "user", id, "ok", kind, d)) != BM_OK) return e;
  out->user = u;
  out->user.failed_count = 0;
  out->user.locked_until_ms = 0;
  out->user.last_signin_ms = now_ms;
  sodium_memzero(out->user.password_hash, sizeof out->user.password_hash);
  sodium_memzero(u.password_hash, sizeof u.password_hash);
  return BM_OK;
}

static bm_err bad_session(bm_diag *d) {
  return bm_diag_set(d, BM_ERR_INVALID, "session", 0, 0, "not signed in or the session ended");
}

bm_err app_auth_session_check(store *s, const app_auth_config *c, const char *token, int64_t now_ms,
                              app_principal *out, bm_diag *d) {
  app_auth_config buf;
  c = config_or_default(c, &buf);
  if (s == NULL || out == NULL) return bm_diag_set(d, BM_ERR_USAGE, NULL, 0, 0, "NULL argument");
  if (!token_wellformed(token)) return bad_session(d);
  if (now_ms == 0) now_ms = store_now_ms();
  uint8_t h[STORE_TOKEN_HASH_BYTES];
  app_auth_token_hash(token, h);
  bm_err e = store_session_get_by_hash(s, h, &out->session, d);
  if (e == BM_ERR_NOTFOUND) return bad_session(d);
  if (e != BM_OK) return e;
  store_session *ss = &out->session;
  if (ss->revoked_ms != 0 || now_ms >= ss->expires_ms || now_ms - ss->last_seen_ms >= c->idle_ms)
    return bad_session(d);
  if ((e = store_user_get(s, ss->user_id, &out->user, d)) != BM_OK) return e;
  sodium_memzero(out->user.password_hash, sizeof out->user.password_hash);
  if (out->user.disabled || app_role_parse(out->user.role, &out->role) != BM_OK)
    return bad_session(d);
  if (now_ms - ss->last_seen_ms >= c->touch_interval_ms) {
    if ((e = store_session_touch(s, ss->id, now_ms, d)) != BM_OK) return e;
    ss->last_seen_ms = now_ms;
  }
  return BM_OK;
}

int app_auth_csrf_ok(const store_session *session, const char *csrf) {
  if (session == NULL || !token_wellformed(csrf) || !token_wellformed(session->csrf_token))
    return 0;
  return sodium_memcmp(session->csrf_token, csrf, 43) == 0;
}

bm_err app_auth_signout(store *s, const char *token, const char *source_addr, int64_t now_ms,
                        bm_diag *d) {
  if (s == NULL) return bm_diag_set(d, BM_ERR_USAGE, NULL, 0, 0, "no store");
  if (!token_wellformed(token)) return bad_session(d);
  if (now_ms == 0) now_ms = store_now_ms();
  uint8_t h[STORE_TOKEN_HASH_BYTES];
  app_auth_token_hash(token, h);
  store_session ss;
  bm_err e = store_session_get_by_hash(s, h, &ss, d);
  if (e == BM_ERR_NOTFOUND) return bad_session(d);
  if (e != BM_OK) return e;
  if ((e = store_session_revoke(s, ss.id, now_ms, d)) != BM_OK) return e;
  store_user u;
  app_actor who;
  memset(&who, 0, sizeof who);
  who.user_id = ss.user_id;
  copy(who.source_addr, sizeof who.source_addr, source_addr);
  if (store_user_get(s, ss.user_id, &u, NULL) == BM_OK) {
    copy(who.name, sizeof who.name, u.username);
    copy(who.role, sizeof who.role, u.role);
    sodium_memzero(u.password_hash, sizeof u.password_hash);
  }
  char id[24];
  snprintf(id, sizeof id, "%lld", (long long)ss.id);
  return audit(s, &who, now_ms, "session.revoke", "session", id, "ok", "", d);
}
