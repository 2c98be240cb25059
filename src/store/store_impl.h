/* store_impl.h - what a storage backend implements (internal to src/store/).
 *
 * store.c validates arguments once (NULL pointers, NUL-terminated strings within their arrays,
 * required fields, enumerated words) and then dispatches to the backend's vtable; a backend sees
 * only validated input and owns the database work: SQL, transactions, group commit, migrations.
 * src/store/sqlite/ is the first backend; src/store/pg/ will be the second, with the same
 * migrations (see store__migration_sql) and the same contract suite (tests/unit/store_test.c).
 *
 * Every entry has the contract of the public function of the same name in bmis/store.h, with the
 * backend's own handle in place of the store.
 */
#ifndef BMIS_STORE_IMPL_H
#define BMIS_STORE_IMPL_H

#include "bmis/store.h"

/* One embedded migration (generated from src/store/migrations/NNNN_name.sql at build time). */
typedef struct store__migration {
  int version;      /* NNNN */
  const char *name; /* "NNNN_name" */
  const char *sql;  /* the file's text, with the {{id}} placeholder (see 0001_init.sql) */
} store__migration;
extern const store__migration store__migrations[]; /* ascending versions, then {0, NULL, NULL} */
extern const unsigned store__migrations_count;

/* Expand a migration's placeholders for a backend: every "{{id}}" becomes id_type. Returns a heap
 * string the caller frees, or NULL when out of memory. */
char *store__migration_sql(const char *sql, const char *id_type);

typedef struct store_backend store_backend; /* each backend defines it */

typedef struct store_vtable {
  const char *name; /* "sqlite", "postgresql" */
  void (*close)(store_backend *b);
  bm_err (*schema_version)(store_backend *b, int64_t *db_version, bm_diag *d);

  bm_err (*bcp_add)(store_backend *b, store_bcp *x, bm_diag *d);
  bm_err (*bcp_get)(store_backend *b, int64_t id, store_bcp *out, bm_diag *d);
  bm_err (*bcp_list)(store_backend *b, store_bcp *out, size_t cap, size_t *n, bm_diag *d);

  bm_err (*user_add)(store_backend *b, store_user *u, bm_diag *d);
  bm_err (*user_get)(store_backend *b, int64_t id, store_user *out, bm_diag *d);
  bm_err (*user_get_by_name)(store_backend *b, const char *name, store_user *out, bm_diag *d);
  bm_err (*user_list)(store_backend *b, store_user *out, size_t cap, size_t *n, bm_diag *d);
  bm_err (*user_set_password)(store_backend *b, int64_t id, const char *hash, int64_t now_ms,
                              bm_diag *d);
  bm_err (*user_set_role)(store_backend *b, int64_t id, const char *role, bm_diag *d);
  bm_err (*user_set_disabled)(store_backend *b, int64_t id, int disabled, bm_diag *d);
  bm_err (*user_signin_failed)(store_backend *b, int64_t id, int64_t now_ms, int failures_max,
                               int64_t lock_ms, store_user *after, bm_diag *d);
  bm_err (*user_signin_ok)(store_backend *b, int64_t id, int64_t now_ms, bm_diag *d);

  bm_err (*session_create)(store_backend *b, store_session *x, bm_diag *d);
  bm_err (*session_get_by_hash)(store_backend *b, const uint8_t *hash, store_session *out,
                                bm_diag *d);
  bm_err (*session_touch)(store_backend *b, int64_t id, int64_t now_ms, bm_diag *d);
  bm_err (*session_revoke)(store_backend *b, int64_t id, int64_t now_ms, bm_diag *d);
  bm_err (*session_revoke_user)(store_backend *b, int64_t user_id, int64_t now_ms, int64_t *count,
                                bm_diag *d);
  bm_err (*session_purge)(store_backend *b, int64_t before_ms, int64_t *count, bm_diag *d);

  bm_err (*traveller_upsert)(store_backend *b, store_traveller *t, store_document *doc,
                             int *created, bm_diag *d);
  bm_err (*traveller_get)(store_backend *b, int64_t id, store_traveller *out, store_document *docs,
                          size_t docs_cap, size_t *ndocs, bm_diag *d);
  bm_err (*traveller_search)(store_backend *b, const store_traveller_query *q, store_traveller *out,
                             size_t cap, size_t *n, bm_diag *d);

  bm_err (*crossing_add_many)(store_backend *b, store_crossing *c, size_t n, bm_diag *d);
  bm_err (*crossing_get)(store_backend *b, int64_t id, store_crossing *out, bm_diag *d);
  bm_err (*crossing_list_by_traveller)(store_backend *b, int64_t traveller_id, store_crossing *out,
                                       size_t cap, size_t *n, bm_diag *d);
  bm_err (*crossing_count)(store_backend *b, const store_crossing_filter *f, int64_t *count,
                           bm_diag *d);

  bm_err (*refusal_code_list)(store_backend *b, store_refusal_code *out, size_t cap, size_t *n,
                              bm_diag *d);
  bm_err (*refusal_code_put)(store_backend *b, const store_refusal_code *rc, bm_diag *d);

  bm_err (*watchlist_put)(store_backend *b, store_watchlist *w, bm_diag *d);
  bm_err (*watchlist_list)(store_backend *b, store_watchlist *out, size_t cap, size_t *n,
                           bm_diag *d);
  bm_err (*watchlist_version_add)(store_backend *b, store_watchlist_version *v, bm_diag *d);
  bm_err (*watchlist_version_list)(store_backend *b, int64_t watchlist_id,
                                   store_watchlist_version *out, size_t cap, size_t *n, bm_diag *d);

  bm_err (*hit_add)(store_backend *b, store_hit *h, bm_diag *d);
  bm_err (*inspection_write)(store_backend *b, store_traveller *t, store_document *doc,
                             int *created, store_hit *hits, size_t nhits, store_audit_event *ev,
                             bm_diag *d);
  bm_err (*hit_get)(store_backend *b, int64_t id, store_hit *out, bm_diag *d);
  bm_err (*hit_list)(store_backend *b, const store_hit_filter *f, store_hit_view *out, size_t cap,
                     size_t *n, bm_diag *d);
  /* out is zeroed and out->ndays set by store.c. */
  bm_err (*crossing_stats)(store_backend *b, const store_stats_filter *f, store_crossing_stats *out,
                           bm_diag *d);
  bm_err (*hit_stats)(store_backend *b, const store_stats_filter *f, store_hit_stats *out,
                      bm_diag *d);
  bm_err (*disposition_add)(store_backend *b, store_disposition *x, bm_diag *d);
  bm_err (*disposition_list)(store_backend *b, const char *traveller_key, int64_t watchlist_id,
                             store_disposition *out, size_t cap, size_t *n, bm_diag *d);

  bm_err (*referral_open)(store_backend *b, store_referral *r, bm_diag *d);
  bm_err (*referral_resolve)(store_backend *b, int64_t id, int64_t by_user, int64_t now_ms,
                             const char *outcome, const char *notes, bm_diag *d);
  bm_err (*referral_get)(store_backend *b, int64_t id, store_referral *out, bm_diag *d);
  bm_err (*referral_list_open)(store_backend *b, int64_t bcp_id, store_referral *out, size_t cap,
                               size_t *n, bm_diag *d);
  bm_err (*open_stay_list)(store_backend *b, int64_t since_ms, store_open_stay *out, size_t cap,
                           size_t *n, bm_diag *d);

  /* The backend serialises appends, reads the previous record inside the appending transaction,
   * assigns id = previous id + 1 and computes the hash with store_audit_hash. */
  bm_err (*audit_append)(store_backend *b, store_audit_event *ev, bm_diag *d);
  bm_err (*audit_list)(store_backend *b, const store_audit_filter *f, store_audit_event *out,
                       size_t cap, size_t *n, bm_diag *d);
  /* Call visit for every record in id order inside one read snapshot; stop early when visit
   * returns non-zero. */
  bm_err (*audit_walk)(store_backend *b, int (*visit)(void *ctx, const store_audit_event *ev),
                       void *ctx, bm_diag *d);

  bm_err (*api_manifest_write)(store_backend *b, store_api_flight *f, store_api_message *m,
                               store_api_person *p, size_t np, store_api_hit *h, size_t nh,
                               store_audit_event *ev, bm_diag *d);
  bm_err (*api_flight_list)(store_backend *b, int64_t since_ms, int64_t until_ms,
                            store_api_flight *out, size_t cap, size_t *n, bm_diag *d);
  bm_err (*api_flight_get)(store_backend *b, int64_t id, store_api_flight *out, bm_diag *d);
  bm_err (*api_message_list)(store_backend *b, int64_t flight_id, store_api_message *out,
                             size_t cap, size_t *n, bm_diag *d);
  bm_err (*api_person_list)(store_backend *b, int64_t flight_id, store_api_person *out, size_t cap,
                            size_t *n, bm_diag *d);
  bm_err (*api_hit_list)(store_backend *b, int64_t flight_id, store_api_hit *out, size_t cap,
                         size_t *n, bm_diag *d);
  bm_err (*api_person_find)(store_backend *b, const char *doc_number, const char *issuing_state,
                            int64_t since_ms, store_api_person *person, store_api_flight *flight,
                            bm_diag *d);
  bm_err (*api_purge)(store_backend *b, int64_t now_ms, store_api_purge_result *out,
                      store_audit_event *ev, bm_diag *d);
} store_vtable;

/* The SQLite backend (src/store/sqlite/sq_store.c). path is a file name. */
bm_err store__sqlite_open(const char *path, const store_vtable **vt, store_backend **out,
                          bm_diag *d);

/* Lowercase hex of n bytes into out (2n + 1 bytes). */
void store__hex(const uint8_t *bytes, size_t n, char *out);

#endif /* BMIS_STORE_IMPL_H */
