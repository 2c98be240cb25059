/* auth.h - users, passwords, sign-in with lockout, sessions and roles (src/app/app_auth.c).
 *
 * Passwords are hashed with Argon2id (libsodium crypto_pwhash_str). The default cost is libsodium's
 * "interactive" limits: 2 passes over 64 MiB, about 0.1 s and 64 MiB of memory per hash on the
 * development machine, so a sign-in costs that much and at most a few run at once per core; the
 * encoded hash carries its own parameters, so raising the cost later keeps old hashes valid.
 * Policy: passwords of APP_PASSWORD_BYTES_MIN..APP_PASSWORD_BYTES_MAX bytes, no NUL bytes
 * (pass phrases welcome; no composition rules, after NIST SP 800-63B).
 *
 * Sign-in: app_auth_signin checks the password; after failures_max consecutive failures the
 * account is locked for lockout_ms (further attempts are refused without counting, even with the
 * right password). Unknown users, disabled and locked accounts cost the same Argon2id verification
 * as a real one and answer the same BM_ERR_INVALID with the same message, so neither timing nor
 * answer tells whether a user name exists. Every success and failure is an audit event
 * ("session.create", outcome "ok" or "denied", reason naming the real cause for the auditors).
 *
 * Sessions: a token is 32 random bytes (randombytes_buf) encoded base64url without padding (43
 * characters); the store keeps only its SHA-256. Browser sessions travel in an HttpOnly,
 * SameSite=Strict cookie and need the session's separate CSRF token (also 32 random bytes) on
 * every state-changing request; API clients send the token as "Authorization: Bearer". A session
 * ends at its absolute lifetime, after idle_ms without use, when revoked (sign-out, password
 * change, user disabled), or when its user is disabled.
 *
 * Roles are an enum with stable string names (stored in the database and shown in the API):
 * officer, supervisor, analyst, administrator, dpo (data-protection officer), api_client.
 *
 * All functions are thread-safe; times are Unix milliseconds UTC passed in by the caller (so tests
 * need no clock), 0 meaning "now".
 */
#ifndef BMIS_AUTH_H
#define BMIS_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "bmis/base.h"
#include "bmis/store.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum app_role {
  APP_ROLE_NONE = 0,
  APP_ROLE_OFFICER,
  APP_ROLE_SUPERVISOR,
  APP_ROLE_ANALYST,
  APP_ROLE_ADMINISTRATOR,
  APP_ROLE_DPO,
  APP_ROLE_API_CLIENT
} app_role;
/* "officer", "supervisor", "analyst", "administrator", "dpo", "api_client"; NULL for others. */
const char *app_role_name(app_role role);
/* Parse a role name (exact, lowercase). BM_ERR_INVALID for an unknown name. */
bm_err app_role_parse(const char *name, app_role *out);

#define APP_PASSWORD_BYTES_MIN 12
#define APP_PASSWORD_BYTES_MAX 128
#define APP_TOKEN_BYTES_MAX    48 /* a session or CSRF token: 43 base64url characters + NUL */

typedef struct app_auth_config {
  int failures_max;          /* consecutive failures that lock an account (default 5) */
  int64_t lockout_ms;        /* how long a lock lasts (default 15 min) */
  int64_t idle_ms;           /* a session unused this long ends (default 30 min) */
  int64_t lifetime_ms;       /* absolute lifetime of a browser session (default 12 h) */
  int64_t api_lifetime_ms;   /* absolute lifetime of an API token (default 24 h) */
  int64_t touch_interval_ms; /* last_seen is written at most this often (default 60 s) */
  unsigned long long
      pwhash_opslimit;    /* Argon2id passes (default crypto_pwhash_OPSLIMIT_INTERACTIVE) */
  size_t pwhash_memlimit; /* Argon2id bytes (default crypto_pwhash_MEMLIMIT_INTERACTIVE) */
} app_auth_config;
/* Fill *c with the defaults above. */
void app_auth_config_default(app_auth_config *c);

/* BM_OK when pw (len bytes) meets the policy, else BM_ERR_INVALID with the reason in diag. */
bm_err app_password_check_policy(const char *pw, size_t len, bm_diag *diag);
/* Check the policy, then hash pw into out (NUL-terminated). c NULL = defaults. */
bm_err app_password_hash(const app_auth_config *c, const char *pw, size_t len,
                         char out[STORE_PWHASH_BYTES_MAX], bm_diag *diag);
/* 1 when pw matches the encoded hash, 0 otherwise (also for a malformed hash). */
int app_password_verify(const char *hash, const char *pw, size_t len);

/* Who performs an administrative action, for the audit trail. */
typedef struct app_actor {
  int64_t user_id; /* 0 = the system or the local command line */
  char name[STORE_USERNAME_BYTES_MAX];
  char role[STORE_ROLE_BYTES_MAX];
  char source_addr[STORE_ADDR_BYTES_MAX];
} app_actor;

/* Create a user with a password (policy checked, hashed). Audited as "user.create".
 * Duplicate name: BM_ERR_INVALID, field "username". *out (optional) receives the stored user. */
bm_err app_user_add(store *s, const app_auth_config *c, const app_actor *by, const char *username,
                    app_role role, const char *pw, size_t len, store_user *out, bm_diag *diag);
/* Set a new password (policy checked), clear any lock and revoke the user's sessions. Audited as
 * "user.passwd". */
bm_err app_user_passwd(store *s, const app_auth_config *c, const app_actor *by,
                       const char *username, const char *pw, size_t len, bm_diag *diag);
/* Disable (disabled = 1) or re-enable a user; disabling revokes the user's sessions. Audited as
 * "user.disable" / "user.enable". */
bm_err app_user_set_disabled(store *s, const app_actor *by, const char *username, int disabled,
                             bm_diag *diag);

typedef struct app_signin {
  store_user user;
  store_session session;
  char token[APP_TOKEN_BYTES_MAX]; /* give to the client once; never stored */
} app_signin;
/* Sign username in with pw from source_addr, creating a session of kind "browser" or "api".
 * BM_ERR_INVALID ("invalid user name or password", field "credentials") for every refusal.
 * The password hash in out->user is cleared. */
bm_err app_auth_signin(store *s, const app_auth_config *c, const char *username, const char *pw,
                       size_t len, const char *kind, const char *source_addr, int64_t now_ms,
                       app_signin *out, bm_diag *diag);

typedef struct app_principal {
  store_user user; /* password_hash cleared */
  app_role role;
  store_session session;
} app_principal;
/* The signed-in principal of token, or BM_ERR_INVALID (field "session") when the token is
 * malformed, unknown, revoked, expired, idle too long, or its user disabled. Records the use
 * (last_seen) at most every touch_interval_ms. */
bm_err app_auth_session_check(store *s, const app_auth_config *c, const char *token, int64_t now_ms,
                              app_principal *out, bm_diag *diag);
/* 1 when csrf equals the session's CSRF token (constant-time), else 0. */
int app_auth_csrf_ok(const store_session *session, const char *csrf);
/* Revoke the session of token (sign-out). Audited as "session.revoke". Unknown: BM_ERR_INVALID. */
bm_err app_auth_signout(store *s, const char *token, const char *source_addr, int64_t now_ms,
                        bm_diag *diag);
/* SHA-256 of a token as stored (exposed for the HTTP layer's tests). */
void app_auth_token_hash(const char *token, uint8_t out[STORE_TOKEN_HASH_BYTES]);

#ifdef __cplusplus
}
#endif
#endif /* BMIS_AUTH_H */
