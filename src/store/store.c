/* store.c - the backend-neutral half of the store: open by URL, validate, dispatch, audit hashes.
 *
 * Validation happens here once for every backend: NULL arguments, strings that are not
 * NUL-terminated inside their arrays (BM_ERR_LIMIT), required fields, enumerated words. Database
 * constraints (foreign keys, unique keys) are left to the backend, which maps them to
 * BM_ERR_INVALID with the offending field.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store_impl.h"

struct store {
  const store_vtable *vt;
  store_backend *b;
};

int64_t store_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void store__hex(const uint8_t *bytes, size_t n, char *out) {
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    out[2 * i] = digits[bytes[i] >> 4];
    out[2 * i + 1] = digits[bytes[i] & 15];
  }
  out[2 * n] = '\0';
}

char *store__migration_sql(const char *sql, const char *id_type) {
  static const char ph[] = "{{id}}";
  size_t phlen = sizeof ph - 1, idlen = strlen(id_type), count = 0;
  for (const char *p = strstr(sql, ph); p != NULL; p = strstr(p + phlen, ph)) count++;
  size_t len = strlen(sql) + count * idlen + 1;
  char *out = malloc(len), *w = out;
  if (out == NULL) return NULL;
  for (const char *p = sql;;) {
    const char *q = strstr(p, ph);
    if (q == NULL) {
      strcpy(w, p);
      break;
    }
    memcpy(w, p, (size_t)(q - p));
    w += q - p;
    memcpy(w, id_type, idlen);
    w += idlen;
    p = q + phlen;
  }
  return out;
}

/* ---- open / free ---- */

static int has_prefix(const char *s, const char *prefix) {
  return strncmp(s, prefix, strlen(prefix)) == 0;
}

bm_err store_open(const char *url, store **out, bm_diag *d) {
  if (url == NULL || out == NULL)
    return bm_diag_set(d, BM_ERR_USAGE, NULL, 0, 0, "store_open needs a URL and an out pointer");
  *out = NULL;
  size_t len = strnlen(url, STORE_URL_BYTES_MAX);
  if (len == STORE_URL_BYTES_MAX)
    return bm_diag_set(d, BM_ERR_LIMIT, "url", 0, 0, "store URL longer than %d bytes",
                       STORE_URL_BYTES_MAX - 1);
  if (has_prefix(url, "postgresql://") || has_prefix(url, "postgres://"))
    return bm_diag_set(d, BM_ERR_UNSUPPORTED, "url", 0, 0,
                       "the PostgreSQL backend is not in this build yet");
  const char *path = has_prefix(url, "sqlite:") ? url + 7 : url;
  if (strstr(path, "://") != NULL)
    return bm_diag_set(d, BM_ERR_UNSUPPORTED, "url", 0, 0, "unknown store URL scheme");
  if (*path == '\0') return bm_diag_set(d, BM_ERR_USAGE, "url", 0, 0, "empty database path");
  if (sodium_init() < 0)
    return bm_diag_set(d, BM_ERR_IO, NULL, 0, 0, "libsodium failed to initialise");
  store *s = calloc(1, sizeof *s);
  if (s == NULL) return bm_diag_set(d, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  bm_err err = store__sqlite_open(path, &s->vt, &s->b, d);
  if (err != BM_OK) {
    free(s);
    return err;
  }
  *out = s;
  return BM_OK;
}

void store_free(store *s) {
  if (s == NULL) return;
  s->vt->close(s->b);
  free(s);
}

bm_err store_schema_version(store *s, int64_t *db_version, int64_t *binary_version, bm_diag *d) {
  if (s == NULL || db_version == NULL)
    return bm_diag_set(d, BM_ERR_USAGE, NULL, 0, 0, "NULL argument");
  if (binary_version)
    *binary_version =
        store__migrations_count ? store__migrations[store__migrations_count - 1].version : 0;
  return s->vt->schema_version(s->b, db_version, d);
}

/* ---- validation helpers ---- */

#define NEED(cond)                                                                                 \
  do {                                                                                             \
    if (!(cond)) return bm_diag_set(d, BM_ERR_USAGE, NULL, 0, 0, "NULL or bad argument: " #cond);  \
  } while (0)

/* Check that a char array field is NUL-terminated, and non-empty when required. */
static bm_err check_str(const char *field, const char *v, size_t cap, int required, bm_diag *d) {
  size_t len = strnlen(v, cap);
  if (len == cap)
    return bm_diag_set(d, BM_ERR_LIMIT, field, 0, 0, "%s longer than %zu bytes", field, cap - 1);
  if (required && len == 0)
    return bm_diag_set(d, BM_ERR_INVALID, field, 0, 0, "%s is required", field);
  return BM_OK;
}
#define STR(obj, field, required)                                                                  \
  do {                                                                                             \
    bm_err e_ = check_str(#field, (obj)->field, sizeof((obj)->field), required, d);                \
    if (e_ != BM_OK) return e_;                                                                    \
  } while (0)

#define TRY(expr)                                                                                  \
  do {                                                                                             \
    bm_err e_ = (expr);                                                                            \
    if (e_ != BM_OK) return e_;                                                                    \
  } while (0)

/* A borrowed C string argument: non-NULL, shorter than cap. */
static bm_err check_arg(const char *field, const char *v, size_t cap, int required, bm_diag *d) {
  if (v == NULL) {
    if (required) return bm_diag_set(d, BM_ERR_USAGE, field, 0, 0, "%s is NULL", field);
    return BM_OK;
  }
  return check_str(field, v, cap, required, d);
}

static bm_err check_word(const char *field, const char *v, const char *const *words, size_t n,
                         bm_diag *d) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(v, words[i]) == 0) return BM_OK;
  return bm_diag_set(d, BM_ERR_INVALID, field, 0, 0, "%s '%.40s' is not allowed", field, v);
}
#define WORD(obj, field, ...)                                                                      \
  do {                                                                                             \
    static const char *const w_[] = {__VA_ARGS__};                                                 \
    bm_err e_ = check_word(#field, (obj)->field, w_, BM_COUNTOF(w_), d);                           \
    if (e_ != BM_OK) return e_;                                                                    \
  } while (0)

static const char *const role_words[] = {"officer",       "supervisor", "analyst",
                                         "administrator", "dpo",        "api_client"};

/* ---- BCPs ---- */

bm_err store_bcp_add(store *s, store_bcp *b, bm_diag *d) {
  NEED(s && b);
  STR(b, code, 1);
  STR(b, name, 1);
  STR(b, country, 1);
  STR(b, kind, 1);
  WORD(b, kind, "air", "land", "sea", "rail", "other");
  if (b->active != 0 && b->active != 1)
    return bm_diag_set(d, BM_ERR_INVALID, "active", 0, 0, "active must be 0 or 1");
  if (b->created_ms == 0) b->created_ms = store_now_ms();
  return s->vt->bcp_add(s->b, b, d);
}

bm_err store_bcp_get(store *s, int64_t id, store_bcp *out, bm_diag *d) {
  NEED(s && out);
  return s->vt->bcp_get(s->b, id, out, d);
}

bm_err store_bcp_list(store *s, store_bcp *out, size_t cap, size_t *n, bm_diag *d) {
  NEED(s && n && (out || cap == 0));
  return s->vt->bcp_list(s->b, out, cap, n, d);
}

/* ---- Users ---- */

bm_err store_user_add(store *s, store_user *u, bm_diag *d) {
  NEED(s && u);
  STR(u, username, 1);
  STR(u, display_name, 0);
  STR(u, role, 1);
  WORD(u, role, "officer", "supervisor", "analyst", "administrator", "dpo", "api_client");
  STR(u, password_hash, 1);
  if (u->disabled != 0 && u->disabled != 1)
    return bm_diag_set(d, BM_ERR_INVALID, "disabled", 0, 0, "disabled must be 0 or 1");
  if (u->created_ms == 0) u->created_ms = store_now_ms();
  if (u->password_changed_ms == 0) u->password_changed_ms = u->created_ms;
  return s->vt->user_add(s->b, u, d);
}

bm_err store_user_get(store *s, int64_t id, store_user *out, bm_diag *d) {
  NEED(s && out);
  return s->vt->user_get(s->b, id, out, d);
}

bm_err store_user_get_by_name(store *s, const char *username, store_user *out, bm_diag *d) {
  NEED(s && out);
  bm_err e = check_arg("username", username, STORE_USERNAME_BYTES_MAX, 1, d);
  if (e != BM_OK) return e;
  return s->vt->user_get_by_name(s->b, username, out, d);
}

bm_err store_user_list(store *s, store_user *out, size_t cap, size_t *n, bm_diag *d) {
  NEED(s && n && (out || cap == 0));
  return s->vt->user_list(s->b, out, cap, n, d);
}

bm_err store_user_set_password(store *s, int64_t id, const char *hash, int64_t now_ms, bm_diag *d) {
  NEED(s);
  bm_err e = check_arg("password_hash", hash, STORE_PWHASH_BYTES_MAX, 1, d);
  if (e != BM_OK) return e;
  return s->vt->user_set_password(s->b, id, hash, now_ms ? now_ms : store_now_ms(), d);
}

bm_err store_user_set_role(store *s, int64_t id, const char *role, bm_diag *d) {
  NEED(s);
  bm_err e = check_arg("role", role, STORE_ROLE_BYTES_MAX, 1, d);
  if (e == BM_OK) e = check_word("role", role, role_words, BM_COUNTOF(role_words), d);
  if (e != BM_OK) return e;
  return s->vt->user_set_role(s->b, id, role, d);
}

bm_err store_user_set_disabled(store *s, int64_t id, int disabled, bm_diag *d) {
  NEED(s && (disabled == 0 || disabled == 1));
  return s->vt->user_set_disabled(s->b, id, disabled, d);
}

bm_err store_user_signin_failed(store *s, int64_t id, int64_t now_ms, int failures_max,
                                int64_t lock_ms, store_user *after, bm_diag *d) {
  NEED(s && failures_max > 0 && lock_ms >= 0);
  return s->vt->user_signin_failed(s->b, id, now_ms ? now_ms : store_now_ms(), failures_max,
                                   lock_ms, after, d);
}

bm_err store_user_signin_ok(store *s, int64_t id, int64_t now_ms, bm_diag *d) {
  NEED(s);
  return s->vt->user_signin_ok(s->b, id, now_ms ? now_ms : store_now_ms(), d);
}

/* ---- Sessions ---- */

bm_err store_session_create(store *s, store_session *x, bm_diag *d) {
  NEED(s && x && x->user_id > 0);
  STR(x, csrf_token, 1);
  STR(x, kind, 1);
  WORD(x, kind, "browser", "api");
  STR(x, source_addr, 0);
  if (x->created_ms == 0) x->created_ms = store_now_ms();
  if (x->last_seen_ms == 0) x->last_seen_ms = x->created_ms;
  if (x->expires_ms <= x->created_ms)
    return bm_diag_set(d, BM_ERR_INVALID, "expires_ms", 0, 0,
                       "a session must expire after it starts");
  return s->vt->session_create(s->b, x, d);
}

bm_err store_session_get_by_hash(store *s, const uint8_t hash[STORE_TOKEN_HASH_BYTES],
                                 store_session *out, bm_diag *d) {
  NEED(s && hash && out);
  return s->vt->session_get_by_hash(s->b, hash, out, d);
}

bm_err store_session_touch(store *s, int64_t id, int64_t now_ms, bm_diag *d) {
  NEED(s);
  return s->vt->session_touch(s->b, id, now_ms ? now_ms : store_now_ms(), d);
}

bm_err store_session_revoke(store *s, int64_t id, int64_t now_ms, bm_diag *d) {
  NEED(s);
  return s->vt->session_revoke(s->b, id, now_ms ? now_ms : store_now_ms(), d);
}

bm_err store_session_revoke_user(store *s, int64_t user_id, int64_t now_ms, int64_t *count,
                                 bm_diag *d) {
  NEED(s);
  int64_t dummy;
  return s->vt->session_revoke_user(s->b, user_id, now_ms ? now_ms : store_now_ms(),
                                    count ? count : &dummy, d);
}

bm_err store_session_purge(store *s, int64_t before_ms, int64_t *count, bm_diag *d) {
  NEED(s);
  int64_t dummy;
  return s->vt->session_purge(s->b, before_ms, count ? count : &dummy, d);
}

/* ---- Travellers ---- */

/* The checks of store_traveller_upsert; fills the times left 0. */
static bm_err upsert_check(store_traveller *t, store_document *doc, bm_diag *d) {
  STR(t, surname, 0);
  STR(t, given_names, 0);
  if (t->surname[0] == '\0' && t->given_names[0] == '\0')
    return bm_diag_set(d, BM_ERR_INVALID, "surname", 0, 0, "a traveller needs a name");
  STR(t, birth_date, 0);
  STR(t, sex, 0);
  STR(t, nationality, 0);
  STR(doc, doc_type, 0);
  STR(doc, number, 1);
  STR(doc, issuing_state, 1);
  STR(doc, expiry_date, 0);
  int64_t now = store_now_ms();
  if (t->updated_ms == 0) t->updated_ms = now;
  if (t->created_ms == 0) t->created_ms = t->updated_ms;
  if (doc->created_ms == 0) doc->created_ms = t->updated_ms;
  return BM_OK;
}

bm_err store_traveller_upsert(store *s, store_traveller *t, store_document *doc, int *created,
                              bm_diag *d) {
  NEED(s && t && doc);
  TRY(upsert_check(t, doc, d));
  int dummy;
  return s->vt->traveller_upsert(s->b, t, doc, created ? created : &dummy, d);
}

bm_err store_traveller_get(store *s, int64_t id, store_traveller *out, store_document *docs,
                           size_t docs_cap, size_t *ndocs, bm_diag *d) {
  NEED(s && out && (docs || docs_cap == 0));
  size_t dummy;
  return s->vt->traveller_get(s->b, id, out, docs, docs_cap, ndocs ? ndocs : &dummy, d);
}

bm_err store_traveller_search(store *s, const store_traveller_query *q, store_traveller *out,
                              size_t cap, size_t *n, bm_diag *d) {
  NEED(s && q && n && (out || cap == 0));
  bm_err e;
  if ((e = check_arg("surname", q->surname, STORE_NAME_BYTES_MAX, 0, d)) != BM_OK ||
      (e = check_arg("given_names", q->given_names, STORE_NAME_BYTES_MAX, 0, d)) != BM_OK ||
      (e = check_arg("birth_date", q->birth_date, STORE_DATE_BYTES_MAX, 0, d)) != BM_OK ||
      (e = check_arg("document_number", q->document_number, STORE_DOCNUM_BYTES_MAX, 0, d)) != BM_OK)
    return e;
  if (!q->surname && !q->given_names && !q->birth_date && !q->document_number)
    return bm_diag_set(d, BM_ERR_USAGE, NULL, 0, 0, "a traveller search needs a criterion");
  return s->vt->traveller_search(s->b, q, out, cap, n, d);
}

/* ---- Crossings ---- */

static bm_err check_crossing(store_crossing *c, bm_diag *d) {
  if (c->traveller_id <= 0 || c->bcp_id <= 0 || c->officer_id <= 0 || c->document_id < 0)
    return bm_diag_set(d, BM_ERR_INVALID, "traveller_id", 0, 0,
                       "a crossing needs a traveller, a BCP and an officer");
  STR(c, direction, 1);
  WORD(c, direction, "entry", "exit");
  STR(c, decision, 1);
  WORD(c, decision, "admitted", "refused", "referred");
  STR(c, remarks, 0);
  if (c->time_ms <= 0)
    return bm_diag_set(d, BM_ERR_INVALID, "time_ms", 0, 0, "a crossing needs its time");
  if (c->nrefusal_codes > STORE_REFUSALS_MAX)
    return bm_diag_set(d, BM_ERR_LIMIT, "refusal_codes", 0, 0, "more than %d refusal codes",
                       STORE_REFUSALS_MAX);
  for (unsigned i = 0; i < c->nrefusal_codes; i++) {
    bm_err e = check_str("refusal_codes", c->refusal_codes[i], STORE_CODE_BYTES_MAX, 1, d);
    if (e != BM_OK) return e;
    for (unsigned j = 0; j < i; j++)
      if (strcmp(c->refusal_codes[i], c->refusal_codes[j]) == 0)
        return bm_diag_set(d, BM_ERR_INVALID, "refusal_codes", 0, 0, "refusal code %s repeated",
                           c->refusal_codes[i]);
  }
  int refused = strcmp(c->decision, "refused") == 0;
  if (refused && c->nrefusal_codes == 0)
    return bm_diag_set(d, BM_ERR_INVALID, "refusal_codes", 0, 0,
                       "a refusal needs at least one refusal code");
  if (!refused && c->nrefusal_codes != 0)
    return bm_diag_set(d, BM_ERR_INVALID, "refusal_codes", 0, 0,
                       "refusal codes are only for refusals");
  if (c->created_ms == 0) c->created_ms = store_now_ms();
  return BM_OK;
}

bm_err store_crossing_add(store *s, store_crossing *c, bm_diag *d) {
  return store_crossing_add_many(s, c, 1, d);
}

bm_err store_crossing_add_many(store *s, store_crossing *c, size_t n, bm_diag *d) {
  NEED(s && c && n > 0);
  if (n > STORE_CROSSINGS_PER_CALL_MAX)
    return bm_diag_set(d, BM_ERR_LIMIT, NULL, 0, 0, "more than %d crossings in one call",
                       STORE_CROSSINGS_PER_CALL_MAX);
  for (size_t i = 0; i < n; i++) {
    bm_err e = check_crossing(&c[i], d);
    if (e != BM_OK) return e;
  }
  return s->vt->crossing_add_many(s->b, c, n, d);
}

bm_err store_crossing_get(store *s, int64_t id, store_crossing *out, bm_diag *d) {
  NEED(s && out);
  return s->vt->crossing_get(s->b, id, out, d);
}

bm_err store_crossing_list_by_traveller(store *s, int64_t traveller_id, store_crossing *out,
                                        size_t cap, size_t *n, bm_diag *d) {
  NEED(s && n && (out || cap == 0));
  return s->vt->crossing_list_by_traveller(s->b, traveller_id, out, cap, n, d);
}

bm_err store_crossing_count(store *s, const store_crossing_filter *f, int64_t *count, bm_diag *d) {
  NEED(s && count);
  store_crossing_filter all = {0};
  return s->vt->crossing_count(s->b, f ? f : &all, count, d);
}

/* ---- Refusal codes ---- */

bm_err store_refusal_code_list(store *s, store_refusal_code *out, size_t cap, size_t *n,
                               bm_diag *d) {
  NEED(s && n && (out || cap == 0));
  return s->vt->refusal_code_list(s->b, out, cap, n, d);
}

bm_err store_refusal_code_put(store *s, const store_refusal_code *rc, bm_diag *d) {
  NEED(s && rc);
  STR(rc, code, 1);
  STR(rc, description, 1);
  STR(rc, legal_ref, 0);
  if (rc->valid_to_ms != 0 && rc->valid_to_ms <= rc->valid_from_ms)
    return bm_diag_set(d, BM_ERR_INVALID, "valid_to_ms", 0, 0, "validity ends before it starts");
  return s->vt->refusal_code_put(s->b, rc, d);
}

/* ---- Watchlists ---- */

bm_err store_watchlist_put(store *s, store_watchlist *w, bm_diag *d) {
  NEED(s && w);
  STR(w, name, 1);
  STR(w, kind, 1);
  if (w->created_ms == 0) w->created_ms = store_now_ms();
  return s->vt->watchlist_put(s->b, w, d);
}

bm_err store_watchlist_list(store *s, store_watchlist *out, size_t cap, size_t *n, bm_diag *d) {
  NEED(s && n && (out || cap == 0));
  return s->vt->watchlist_list(s->b, out, cap, n, d);
}

bm_err store_watchlist_version_add(store *s, store_watchlist_version *v, bm_diag *d) {
  NEED(s && v && v->watchlist_id > 0 && v->entry_count >= 0);
  STR(v, version, 1);
  STR(v, file_sha256, 1);
  if (strlen(v->file_sha256) != 64 || strspn(v->file_sha256, "0123456789abcdef") != 64)
    return bm_diag_set(d, BM_ERR_INVALID, "file_sha256", 0, 0,
                       "file_sha256 must be 64 lowercase hex digits");
  STR(v, path, 0);
  if (v->loaded_ms == 0) v->loaded_ms = store_now_ms();
  return s->vt->watchlist_version_add(s->b, v, d);
}

bm_err store_watchlist_version_list(store *s, int64_t watchlist_id, store_watchlist_version *out,
                                    size_t cap, size_t *n, bm_diag *d) {
  NEED(s && n && (out || cap == 0));
  return s->vt->watchlist_version_list(s->b, watchlist_id, out, cap, n, d);
}

/* ---- Hits and dispositions ---- */

/* The checks of store_hit_add (traveller_id may still be 0: store_inspection_write sets it). */
static bm_err hit_check(store_hit *h, bm_diag *d) {
  STR(h, traveller_key, 1);
  STR(h, entry_id, 1);
  if (h->watchlist_id <= 0 || h->crossing_id < 0 || h->traveller_id < 0)
    return bm_diag_set(d, BM_ERR_USAGE, NULL, 0, 0, "a hit needs a watchlist and no negative id");
  if (h->score_permille < 0 || h->score_permille > 1000)
    return bm_diag_set(d, BM_ERR_INVALID, "score_permille", 0, 0, "score must be 0..1000");
  if (h->created_ms == 0) h->created_ms = store_now_ms();
  return BM_OK;
}

bm_err store_hit_add(store *s, store_hit *h, bm_diag *d) {
  NEED(s && h);
  TRY(hit_check(h, d));
  return s->vt->hit_add(s->b, h, d);
}

bm_err store_hit_get(store *s, int64_t id, store_hit *out, bm_diag *d) {
  NEED(s && out);
  return s->vt->hit_get(s->b, id, out, d);
}

bm_err store_hit_list(store *s, const store_hit_filter *f, store_hit_view *out, size_t cap,
                      size_t *n, bm_diag *d) {
  NEED(s && n && (out || cap == 0));
  store_hit_filter all = {0};
  if (f == NULL) f = &all;
  if (f->pending_only != 0 && f->pending_only != 1)
    return bm_diag_set(d, BM_ERR_USAGE, "pending_only", 0, 0, "pending_only must be 0 or 1");
  return s->vt->hit_list(s->b, f, out, cap, n, d);
}

/* ---- Statistics ---- */

static bm_err check_stats_filter(const store_stats_filter *f, bm_diag *d) {
  if (f->since_ms <= 0 || f->until_ms <= f->since_ms)
    return bm_diag_set(d, BM_ERR_INVALID, "since_ms", 0, 0,
                       "a statistics range needs a start before its end");
  if (f->until_ms - f->since_ms > STORE_STATS_DAYS_MAX * STORE_STATS_DAY_MS)
    return bm_diag_set(d, BM_ERR_LIMIT, "until_ms", 0, 0, "a statistics range is at most %d days",
                       STORE_STATS_DAYS_MAX);
  if (f->bcp_id < 0) return bm_diag_set(d, BM_ERR_INVALID, "bcp_id", 0, 0, "negative BCP id");
  return BM_OK;
}

bm_err store_crossing_stats_get(store *s, const store_stats_filter *f, store_crossing_stats *out,
                                bm_diag *d) {
  NEED(s && f && out);
  bm_err e = check_stats_filter(f, d);
  if (e != BM_OK) return e;
  memset(out, 0, sizeof *out);
  out->ndays = (size_t)((f->until_ms - f->since_ms + STORE_STATS_DAY_MS - 1) / STORE_STATS_DAY_MS);
  return s->vt->crossing_stats(s->b, f, out, d);
}

bm_err store_hit_stats_get(store *s, const store_stats_filter *f, store_hit_stats *out,
                           bm_diag *d) {
  NEED(s && f && out);
  bm_err e = check_stats_filter(f, d);
  if (e != BM_OK) return e;
  memset(out, 0, sizeof *out);
  return s->vt->hit_stats(s->b, f, out, d);
}

bm_err store_disposition_add(store *s, store_disposition *x, bm_diag *d) {
  NEED(s && x && x->watchlist_id > 0 && x->hit_id >= 0);
  STR(x, traveller_key, 1);
  STR(x, entry_id, 1);
  STR(x, decision, 1);
  WORD(x, decision, "false_hit", "true_hit");
  STR(x, reason, 1);
  if (x->user_id <= 0)
    return bm_diag_set(d, BM_ERR_INVALID, "user_id", 0, 0, "a disposition needs its author");
  if (x->time_ms == 0) x->time_ms = store_now_ms();
  return s->vt->disposition_add(s->b, x, d);
}

bm_err store_disposition_list(store *s, const char *traveller_key, int64_t watchlist_id,
                              store_disposition *out, size_t cap, size_t *n, bm_diag *d) {
  NEED(s && n && (out || cap == 0));
  bm_err e = check_arg("traveller_key", traveller_key, STORE_KEY_BYTES_MAX, 0, d);
  if (e != BM_OK) return e;
  return s->vt->disposition_list(s->b, traveller_key, watchlist_id, out, cap, n, d);
}

/* ---- Referrals ---- */

bm_err store_referral_open(store *s, store_referral *r, bm_diag *d) {
  NEED(s && r && r->crossing_id >= 0);
  if (r->traveller_id <= 0 || r->bcp_id <= 0 || r->opened_by <= 0)
    return bm_diag_set(d, BM_ERR_INVALID, "traveller_id", 0, 0,
                       "a referral needs a traveller, a BCP and the referring officer");
  STR(r, reason, 1);
  STR(r, notes, 0);
  if (r->opened_ms == 0) r->opened_ms = store_now_ms();
  strcpy(r->status, "open");
  r->resolved_by = 0;
  r->resolved_ms = 0;
  r->outcome[0] = '\0';
  return s->vt->referral_open(s->b, r, d);
}

bm_err store_referral_resolve(store *s, int64_t id, int64_t by_user, int64_t now_ms,
                              const char *outcome, const char *notes, bm_diag *d) {
  NEED(s && by_user > 0);
  bm_err e;
  if ((e = check_arg("outcome", outcome, STORE_CODE_BYTES_MAX, 1, d)) != BM_OK ||
      (e = check_arg("notes", notes, STORE_REMARKS_BYTES_MAX, 0, d)) != BM_OK)
    return e;
  return s->vt->referral_resolve(s->b, id, by_user, now_ms ? now_ms : store_now_ms(), outcome,
                                 notes ? notes : "", d);
}

bm_err store_referral_get(store *s, int64_t id, store_referral *out, bm_diag *d) {
  NEED(s && out);
  return s->vt->referral_get(s->b, id, out, d);
}

bm_err store_referral_list_open(store *s, int64_t bcp_id, store_referral *out, size_t cap,
                                size_t *n, bm_diag *d) {
  NEED(s && n && (out || cap == 0));
  return s->vt->referral_list_open(s->b, bcp_id, out, cap, n, d);
}

bm_err store_open_stay_list(store *s, int64_t since_ms, store_open_stay *out, size_t cap, size_t *n,
                            bm_diag *d) {
  NEED(s && n && (out || cap == 0));
  return s->vt->open_stay_list(s->b, since_ms, out, cap, n, d);
}

/* ---- Audit ---- */

static void put_u64(crypto_hash_sha256_state *st, uint64_t v) {
  uint8_t b[8];
  for (int i = 7; i >= 0; i--) {
    b[i] = (uint8_t)(v & 0xff);
    v >>= 8;
  }
  crypto_hash_sha256_update(st, b, 8);
}

static void put_str(crypto_hash_sha256_state *st, const char *s, size_t cap) {
  size_t len = strnlen(s, cap);
  uint8_t b[4] = {(uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8), (uint8_t)len};
  crypto_hash_sha256_update(st, b, 4);
  crypto_hash_sha256_update(st, (const uint8_t *)s, len);
}

static int unhex(const char *hex, uint8_t *out, size_t n) {
  for (size_t i = 0; i < n; i++) {
    int v = 0;
    for (int k = 0; k < 2; k++) {
      char c = hex[2 * i + (size_t)k];
      int x = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (x < 0) return -1;
      v = v * 16 + x;
    }
    out[i] = (uint8_t)v;
  }
  return hex[2 * n] == '\0' ? 0 : -1;
}

bm_err store_audit_hash(const store_audit_event *ev, const char *prev_hex,
                        char hash_hex[STORE_SHA256_HEX_BYTES]) {
  if (ev == NULL || prev_hex == NULL || hash_hex == NULL) return BM_ERR_USAGE;
  uint8_t prev[crypto_hash_sha256_BYTES], out[crypto_hash_sha256_BYTES];
  if (unhex(prev_hex, prev, sizeof prev) != 0) return BM_ERR_INVALID;
  static const char tag[] = "bmis-audit-v1";
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  crypto_hash_sha256_update(&st, prev, sizeof prev);
  crypto_hash_sha256_update(&st, (const uint8_t *)tag, sizeof tag - 1);
  put_u64(&st, (uint64_t)ev->id);
  put_u64(&st, (uint64_t)ev->time_ms);
  put_u64(&st, (uint64_t)ev->actor_id);
  put_str(&st, ev->actor_name, sizeof ev->actor_name);
  put_str(&st, ev->role, sizeof ev->role);
  put_str(&st, ev->source_addr, sizeof ev->source_addr);
  put_str(&st, ev->action, sizeof ev->action);
  put_str(&st, ev->object_type, sizeof ev->object_type);
  put_str(&st, ev->object_id, sizeof ev->object_id);
  put_str(&st, ev->reason, sizeof ev->reason);
  put_str(&st, ev->outcome, sizeof ev->outcome);
  crypto_hash_sha256_final(&st, out);
  store__hex(out, sizeof out, hash_hex);
  return BM_OK;
}

/* The checks of store_audit_append. */
static bm_err audit_check(store_audit_event *ev, bm_diag *d) {
  STR(ev, actor_name, 0);
  STR(ev, role, 0);
  STR(ev, source_addr, 0);
  STR(ev, action, 1);
  STR(ev, object_type, 0);
  STR(ev, object_id, 0);
  STR(ev, reason, 0);
  STR(ev, outcome, 1);
  if (ev->actor_id < 0)
    return bm_diag_set(d, BM_ERR_INVALID, "actor_id", 0, 0, "negative actor id");
  if (ev->time_ms == 0) ev->time_ms = store_now_ms();
  return BM_OK;
}

bm_err store_audit_append(store *s, store_audit_event *ev, bm_diag *d) {
  NEED(s && ev);
  TRY(audit_check(ev, d));
  return s->vt->audit_append(s->b, ev, d);
}

bm_err store_inspection_write(store *s, store_traveller *t, store_document *doc, int *created,
                              store_hit *hits, size_t nhits, store_audit_event *ev, bm_diag *d) {
  NEED(s && t && doc && ev && (hits || nhits == 0));
  if (nhits > STORE_INSPECTION_HITS_MAX)
    return bm_diag_set(d, BM_ERR_LIMIT, "hits", 0, 0, "at most %d hits per inspection",
                       STORE_INSPECTION_HITS_MAX);
  TRY(upsert_check(t, doc, d));
  for (size_t i = 0; i < nhits; i++) TRY(hit_check(&hits[i], d));
  TRY(audit_check(ev, d));
  int dummy;
  return s->vt->inspection_write(s->b, t, doc, created ? created : &dummy, hits, nhits, ev, d);
}

bm_err store_audit_list(store *s, const store_audit_filter *f, store_audit_event *out, size_t cap,
                        size_t *n, bm_diag *d) {
  NEED(s && n && (out || cap == 0));
  store_audit_filter all = {0};
  if (f == NULL) f = &all;
  bm_err e;
  if ((e = check_arg("action", f->action, STORE_ACTION_BYTES_MAX, 0, d)) != BM_OK ||
      (e = check_arg("object_type", f->object_type, STORE_CODE_BYTES_MAX * 2, 0, d)) != BM_OK ||
      (e = check_arg("object_id", f->object_id, STORE_OBJECT_ID_BYTES_MAX, 0, d)) != BM_OK)
    return e;
  return s->vt->audit_list(s->b, f, out, cap, n, d);
}

typedef struct verify_ctx {
  store_audit_verify_result *r;
  int64_t prev_id;
  char prev_hash[STORE_SHA256_HEX_BYTES];
} verify_ctx;

static int verify_visit(void *arg, const store_audit_event *ev) {
  verify_ctx *v = arg;
  char want[STORE_SHA256_HEX_BYTES];
  store_audit_break why = STORE_AUDIT_INTACT;
  if (ev->id != v->prev_id + 1)
    why = STORE_AUDIT_BREAK_GAP;
  else if (strcmp(ev->prev_hash, v->prev_hash) != 0)
    why = STORE_AUDIT_BREAK_PREV;
  else if (store_audit_hash(ev, ev->prev_hash, want) != BM_OK || strcmp(want, ev->hash) != 0)
    why = STORE_AUDIT_BREAK_HASH;
  if (why != STORE_AUDIT_INTACT) {
    v->r->status = why;
    v->r->first_bad_id = ev->id;
    return 1;
  }
  v->r->records++;
  v->prev_id = ev->id;
  memcpy(v->prev_hash, ev->hash, sizeof v->prev_hash);
  memcpy(v->r->head_hash, ev->hash, sizeof v->r->head_hash);
  return 0;
}

bm_err store_audit_verify(store *s, store_audit_verify_result *out, bm_diag *d) {
  NEED(s && out);
  memset(out, 0, sizeof *out);
  verify_ctx v = {.r = out, .prev_id = 0};
  memset(v.prev_hash, '0', 64);
  v.prev_hash[64] = '\0';
  return s->vt->audit_walk(s->b, verify_visit, &v, d);
}

const char *store_audit_break_name(store_audit_break b) {
  switch (b) {
  case STORE_AUDIT_INTACT: return "intact";
  case STORE_AUDIT_BREAK_GAP: return "gap";
  case STORE_AUDIT_BREAK_PREV: return "prev_mismatch";
  case STORE_AUDIT_BREAK_HASH: return "hash_mismatch";
  }
  return "unknown";
}

/* ---- Advance passenger information ---- */

static bm_err api_flight_check(store_api_flight *f, bm_diag *d) {
  STR(f, carrier, 1);
  STR(f, number, 1);
  STR(f, departure_airport, 0);
  STR(f, departure_time, 0);
  STR(f, arrival_airport, 0);
  STR(f, arrival_time, 0);
  if (f->retain_until_ms <= 0 || f->arrival_ms < 0)
    return bm_diag_set(d, BM_ERR_INVALID, "retain_until_ms", 0, 0,
                       "a flight needs a retention time");
  return BM_OK;
}

static bm_err api_message_check(store_api_message *m, bm_diag *d) {
  STR(m, sender, 0);
  STR(m, control_ref, 0);
  STR(m, message_ref, 0);
  STR(m, common_access_ref, 0);
  STR(m, list_type, 0);
  STR(m, document_id, 0);
  if (m->received_by <= 0)
    return bm_diag_set(d, BM_ERR_INVALID, "received_by", 0, 0, "a message needs its sender user");
  if (m->part < 0 || m->persons < 0 || m->errors < 0 || m->warnings < 0 || m->bytes < 0)
    return bm_diag_set(d, BM_ERR_INVALID, "part", 0, 0, "negative count in a message");
  if (m->received_ms == 0) m->received_ms = store_now_ms();
  return BM_OK;
}

static bm_err api_person_check(store_api_person *p, bm_diag *d) {
  STR(p, role, 0);
  STR(p, surname, 0);
  STR(p, given_names, 0);
  STR(p, sex, 0);
  STR(p, birth_date, 0);
  STR(p, nationality, 0);
  STR(p, residence_country, 0);
  STR(p, doc_type, 0);
  STR(p, doc_number, 0);
  STR(p, doc_issuing_state, 0);
  STR(p, doc_expiry, 0);
  STR(p, seat, 0);
  STR(p, reservation_ref, 0);
  STR(p, passenger_ref, 0);
  STR(p, embarkation, 0);
  STR(p, debarkation, 0);
  STR(p, traveller_key, 0);
  STR(p, board, 1);
  STR(p, board_text, 0);
  if (strcmp(p->board, "board") != 0 && strcmp(p->board, "no_board") != 0 &&
      strcmp(p->board, "insufficient") != 0)
    return bm_diag_set(d, BM_ERR_INVALID, "board", 0, 0,
                       "board is board, no_board or insufficient");
  if (p->max_score_permille < 0 || p->max_score_permille > 1000 || p->hits < 0)
    return bm_diag_set(d, BM_ERR_INVALID, "max_score_permille", 0, 0, "score must be 0..1000");
  if (p->screened_ms == 0) p->screened_ms = store_now_ms();
  p->replaced = 0;
  return BM_OK;
}

bm_err store_api_manifest_write(store *s, store_api_flight *f, store_api_message *m,
                                store_api_person *persons, size_t np, store_api_hit *hits,
                                size_t nh, store_audit_event *ev, bm_diag *d) {
  NEED(s && f && m && ev && (persons || np == 0) && (hits || nh == 0));
  if (np > STORE_API_PERSONS_MAX)
    return bm_diag_set(d, BM_ERR_LIMIT, "persons", 0, 0, "at most %d persons per message",
                       STORE_API_PERSONS_MAX);
  if (nh > (size_t)STORE_API_PERSONS_MAX * STORE_API_HITS_MAX)
    return bm_diag_set(d, BM_ERR_LIMIT, "hits", 0, 0, "too many hits in one message");
  TRY(api_flight_check(f, d));
  TRY(api_message_check(m, d));
  for (size_t i = 0; i < np; i++) TRY(api_person_check(&persons[i], d));
  for (size_t i = 0; i < nh; i++) {
    store_api_hit *h = &hits[i];
    STR(h, entry_id, 1);
    STR(h, matched_name, 0);
    STR(h, reasons, 0);
    if (h->person_index >= np || h->watchlist_id <= 0)
      return bm_diag_set(d, BM_ERR_USAGE, "hits", 0, 0, "a hit names no person or no list");
    if (h->score_permille < 0 || h->score_permille > 1000)
      return bm_diag_set(d, BM_ERR_INVALID, "score_permille", 0, 0, "score must be 0..1000");
  }
  TRY(audit_check(ev, d));
  return s->vt->api_manifest_write(s->b, f, m, persons, np, hits, nh, ev, d);
}

bm_err store_api_flight_list(store *s, int64_t since_ms, int64_t until_ms, store_api_flight *out,
                             size_t cap, size_t *n, bm_diag *d) {
  NEED(s && n && (out || cap == 0) && since_ms >= 0 && until_ms >= 0);
  return s->vt->api_flight_list(s->b, since_ms, until_ms, out, cap, n, d);
}

bm_err store_api_flight_get(store *s, int64_t id, store_api_flight *out, bm_diag *d) {
  NEED(s && out);
  return s->vt->api_flight_get(s->b, id, out, d);
}

bm_err store_api_message_list(store *s, int64_t flight_id, store_api_message *out, size_t cap,
                              size_t *n, bm_diag *d) {
  NEED(s && n && (out || cap == 0));
  return s->vt->api_message_list(s->b, flight_id, out, cap, n, d);
}

bm_err store_api_person_list(store *s, int64_t flight_id, store_api_person *out, size_t cap,
                             size_t *n, bm_diag *d) {
  NEED(s && n && (out || cap == 0));
  return s->vt->api_person_list(s->b, flight_id, out, cap, n, d);
}

bm_err store_api_hit_list(store *s, int64_t flight_id, store_api_hit *out, size_t cap, size_t *n,
                          bm_diag *d) {
  NEED(s && n && (out || cap == 0));
  return s->vt->api_hit_list(s->b, flight_id, out, cap, n, d);
}

bm_err store_api_person_find(store *s, const char *doc_number, const char *issuing_state,
                             int64_t since_ms, store_api_person *person, store_api_flight *flight,
                             bm_diag *d) {
  NEED(s && doc_number && issuing_state && person && flight);
  TRY(check_arg("doc_number", doc_number, STORE_DOCNUM_BYTES_MAX, 1, d));
  TRY(check_arg("issuing_state", issuing_state, STORE_COUNTRY_BYTES_MAX, 1, d));
  return s->vt->api_person_find(s->b, doc_number, issuing_state, since_ms, person, flight, d);
}

bm_err store_api_purge(store *s, int64_t now_ms, store_api_purge_result *out, store_audit_event *ev,
                       bm_diag *d) {
  NEED(s && out && now_ms > 0);
  memset(out, 0, sizeof *out);
  if (ev != NULL) TRY(audit_check(ev, d));
  return s->vt->api_purge(s->b, now_ms, out, ev, d);
}
