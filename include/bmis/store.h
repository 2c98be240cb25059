/* store.h - the one storage interface of openbmis.
 *
 * Everything the application keeps lives behind this header: border crossing points, users and
 * their sessions, travellers and their documents, crossings with their refusal codes, watchlists
 * and their versions, screening hits and dispositions, second-line referrals and the audit trail.
 * The interface is narrow and backend-neutral: no database types appear here, values are plain
 * structs with fixed-size, NUL-terminated char arrays whose byte limits (including the NUL) are
 * named below, ids are int64 (0 = none) and times are int64 Unix milliseconds UTC (0 = not set).
 *
 * Backends: store_open("PATH") or store_open("sqlite:PATH") opens SQLite (WAL, foreign keys,
 * synchronous=FULL). "postgresql://..." and "postgres://..." are reserved for the PostgreSQL
 * backend and answer BM_ERR_UNSUPPORTED in this build.
 *
 * Threading: a store handle is safe for concurrent use from any number of threads once
 * store_open returned, until store_free. Writes are executed by one writer (one connection) in the
 * order they arrive; concurrent writes are grouped into one transaction (group commit) and every
 * write function returns only after the transaction holding its change is durable on disk
 * (committed with synchronous=FULL), or after it failed and left no trace. Reads run on a pool of
 * reader connections (at most STORE_READERS_MAX at once; more callers wait) and see every write
 * that returned before they started. A handle must not be used across fork(); open a new one in
 * the child.
 *
 * Errors: every fallible function returns a bm_err and fills the optional bm_diag. Common codes:
 * BM_ERR_USAGE (NULL or nonsensical argument), BM_ERR_LIMIT (a string not NUL-terminated within
 * its array), BM_ERR_INVALID (a value fails validation or a constraint: unknown foreign key,
 * duplicate unique key; diag.field names it), BM_ERR_NOTFOUND, BM_ERR_IO (the database failed),
 * BM_ERR_NOMEM. On failure, out-parameters are unspecified and nothing was written.
 */
#ifndef BMIS_STORE_H
#define BMIS_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "bmis/base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Limits. Byte counts include the terminating NUL. ---- */
#define STORE_URL_BYTES_MAX          4096 /* store_open argument */
#define STORE_CODE_BYTES_MAX         16   /* short codes: BCP code, refusal code, decision words */
#define STORE_COUNTRY_BYTES_MAX      4    /* ICAO 9303 three-letter state code */
#define STORE_NAME_BYTES_MAX         192  /* names of people, BCPs, lists (UTF-8) */
#define STORE_USERNAME_BYTES_MAX     64   /* sign-in names */
#define STORE_ROLE_BYTES_MAX         16   /* role names, see auth.h */
#define STORE_PWHASH_BYTES_MAX       128  /* an encoded password hash (crypto_pwhash_STRBYTES) */
#define STORE_TOKEN_HASH_BYTES       32   /* SHA-256 of a session token (raw bytes, not a string) */
#define STORE_CSRF_BYTES_MAX         64   /* a CSRF token (base64url) */
#define STORE_ADDR_BYTES_MAX         64   /* a source address: IPv6 with port, or "local" */
#define STORE_DATE_BYTES_MAX         11   /* "YYYY-MM-DD", "YYYY-MM", "YYYY" or "" */
#define STORE_DOCNUM_BYTES_MAX       40   /* a document number */
#define STORE_REMARKS_BYTES_MAX      1024 /* free text: crossing remarks, referral notes */
#define STORE_REASON_BYTES_MAX       512  /* why: audit reasons, dispositions, referrals */
#define STORE_TEXT_BYTES_MAX         256  /* descriptions, legal references */
#define STORE_PATH_BYTES_MAX         1024 /* a file path */
#define STORE_SHA256_HEX_BYTES       65   /* 64 lowercase hex digits + NUL */
#define STORE_KEY_BYTES_MAX          512  /* a screening traveller key (see watchlist.h) */
#define STORE_ENTRY_ID_BYTES_MAX     128  /* a watchlist entry's own identifier */
#define STORE_ACTION_BYTES_MAX       64   /* audit action, e.g. "traveller.read" */
#define STORE_OBJECT_ID_BYTES_MAX    128  /* audit object id (text: may be a key, not a number) */
#define STORE_REFUSALS_MAX           10   /* refusal codes on one crossing */
#define STORE_CROSSINGS_PER_CALL_MAX 4096 /* store_crossing_add_many */
#define STORE_READERS_MAX            8    /* reader connections */
#define STORE_WRITE_QUEUE_MAX        8192 /* writes waiting for the writer; more callers block */
#define STORE_BATCH_WRITES_MAX       2048 /* writes grouped into one transaction */

typedef struct store store;

/* Open the store named by url_or_path (see above), creating the database if needed and applying
 * the embedded migrations in order inside one transaction. Refuses (BM_ERR_UNSUPPORTED) a
 * database whose schema is newer than this binary. On success *out owns the handle: release it
 * with store_free. */
bm_err store_open(const char *url_or_path, store **out, bm_diag *diag);
/* Wait for pending writes, stop the writer, close every connection. Accepts NULL. */
void store_free(store *s);
/* Schema version of the open database, and the newest this binary knows. */
bm_err store_schema_version(store *s, int64_t *db_version, int64_t *binary_version, bm_diag *diag);
/* The current time in Unix milliseconds UTC (the only clock the store reads). */
int64_t store_now_ms(void);

/* ---- Border crossing points ---- */
typedef struct store_bcp {
  int64_t id;                            /* assigned by store_bcp_add */
  char code[STORE_CODE_BYTES_MAX];       /* unique, required, e.g. "PRG-T1" */
  char name[STORE_NAME_BYTES_MAX];       /* required */
  char country[STORE_COUNTRY_BYTES_MAX]; /* required */
  char kind[STORE_CODE_BYTES_MAX];       /* air, land, sea, rail, other */
  int active;                            /* 0 or 1 */
  int64_t created_ms;                    /* 0 = now */
} store_bcp;
/* Add b; fills b->id (and b->created_ms when 0). Duplicate code: BM_ERR_INVALID, field "code". */
bm_err store_bcp_add(store *s, store_bcp *b, bm_diag *diag);
bm_err store_bcp_get(store *s, int64_t id, store_bcp *out, bm_diag *diag);
/* Up to cap BCPs ordered by id into out[]; *n receives how many. */
bm_err store_bcp_list(store *s, store_bcp *out, size_t cap, size_t *n, bm_diag *diag);

/* ---- Users ---- */
typedef struct store_user {
  int64_t id;
  char username[STORE_USERNAME_BYTES_MAX]; /* unique, required */
  char display_name[STORE_NAME_BYTES_MAX];
  char role[STORE_ROLE_BYTES_MAX];            /* one of the names in auth.h */
  char password_hash[STORE_PWHASH_BYTES_MAX]; /* encoded hash, never a password */
  int64_t bcp_id;                             /* home BCP, 0 = none */
  int disabled;
  int failed_count;        /* consecutive failed sign-ins since the last success or lock */
  int64_t locked_until_ms; /* sign-in refused before this time; 0 = not locked */
  int64_t last_signin_ms;
  int64_t password_changed_ms;
  int64_t created_ms; /* 0 = now */
} store_user;
/* Add u; fills u->id. Duplicate username: BM_ERR_INVALID, field "username". */
bm_err store_user_add(store *s, store_user *u, bm_diag *diag);
bm_err store_user_get(store *s, int64_t id, store_user *out, bm_diag *diag);
bm_err store_user_get_by_name(store *s, const char *username, store_user *out, bm_diag *diag);
bm_err store_user_list(store *s, store_user *out, size_t cap, size_t *n, bm_diag *diag);
/* Replace the password hash; also clears failed_count and any lock. */
bm_err store_user_set_password(store *s, int64_t id, const char *password_hash, int64_t now_ms,
                               bm_diag *diag);
bm_err store_user_set_role(store *s, int64_t id, const char *role, bm_diag *diag);
bm_err store_user_set_disabled(store *s, int64_t id, int disabled, bm_diag *diag);
/* Record a failed sign-in atomically: failed_count + 1; when it reaches failures_max the account
 * is locked until now_ms + lock_ms and failed_count restarts at 0. *after (optional) receives the
 * user as stored afterwards. */
bm_err store_user_signin_failed(store *s, int64_t id, int64_t now_ms, int failures_max,
                                int64_t lock_ms, store_user *after, bm_diag *diag);
/* Record a successful sign-in: failed_count = 0, locked_until_ms = 0, last_signin_ms = now_ms. */
bm_err store_user_signin_ok(store *s, int64_t id, int64_t now_ms, bm_diag *diag);

/* ---- Sessions ---- */
typedef struct store_session {
  int64_t id;
  int64_t user_id;
  uint8_t token_hash[STORE_TOKEN_HASH_BYTES]; /* SHA-256 of the token; the token is never stored */
  char csrf_token[STORE_CSRF_BYTES_MAX]; /* stored as is: worthless without the session cookie */
  char kind[STORE_CODE_BYTES_MAX];       /* "browser" or "api" */
  char source_addr[STORE_ADDR_BYTES_MAX];
  int64_t created_ms;
  int64_t last_seen_ms;
  int64_t expires_ms; /* absolute end of life */
  int64_t revoked_ms; /* 0 = not revoked */
} store_session;
bm_err store_session_create(store *s, store_session *sess, bm_diag *diag);
/* The session whose token hash is token_hash, revoked or expired or not: the caller decides. */
bm_err store_session_get_by_hash(store *s, const uint8_t token_hash[STORE_TOKEN_HASH_BYTES],
                                 store_session *out, bm_diag *diag);
bm_err store_session_touch(store *s, int64_t id, int64_t now_ms, bm_diag *diag);
bm_err store_session_revoke(store *s, int64_t id, int64_t now_ms, bm_diag *diag);
/* Revoke every live session of user_id; *count (optional) receives how many. */
bm_err store_session_revoke_user(store *s, int64_t user_id, int64_t now_ms, int64_t *count,
                                 bm_diag *diag);
/* Delete sessions that expired or were revoked before before_ms. */
bm_err store_session_purge(store *s, int64_t before_ms, int64_t *count, bm_diag *diag);

/* ---- Travellers and their documents ---- */
typedef struct store_traveller {
  int64_t id;
  char surname[STORE_NAME_BYTES_MAX]; /* as read (MRZ primary identifier), UTF-8 */
  char given_names[STORE_NAME_BYTES_MAX];
  char birth_date[STORE_DATE_BYTES_MAX];
  char sex[4]; /* "M", "F", "X" or "" */
  char nationality[STORE_COUNTRY_BYTES_MAX];
  int64_t created_ms;
  int64_t updated_ms;
} store_traveller;
typedef struct store_document {
  int64_t id;
  int64_t traveller_id;
  char doc_type[4];                            /* "P", "ID", "V", ... */
  char number[STORE_DOCNUM_BYTES_MAX];         /* required */
  char issuing_state[STORE_COUNTRY_BYTES_MAX]; /* required */
  char expiry_date[STORE_DATE_BYTES_MAX];
  int64_t created_ms;
} store_document;
/* Find the document by (number, issuing_state); when it exists, update its traveller's fields
 * from t and its type and expiry from d; otherwise create both. Fills t->id, d->id,
 * d->traveller_id and the times. *created (optional) is 1 when the traveller was new. */
bm_err store_traveller_upsert(store *s, store_traveller *t, store_document *d, int *created,
                              bm_diag *diag);
/* The traveller and up to docs_cap of its documents (newest first; docs may be NULL). */
bm_err store_traveller_get(store *s, int64_t id, store_traveller *out, store_document *docs,
                           size_t docs_cap, size_t *ndocs, bm_diag *diag);
typedef struct store_traveller_query {
  const char *surname;         /* exact match, or prefix when it ends in '*'; NULL = any */
  const char *given_names;     /* the same; NULL = any */
  const char *birth_date;      /* exact; NULL = any */
  const char *document_number; /* exact; NULL = any. At least one of the four is required. */
} store_traveller_query;
/* Up to cap travellers matching q, by id. */
bm_err store_traveller_search(store *s, const store_traveller_query *q, store_traveller *out,
                              size_t cap, size_t *n, bm_diag *diag);

/* ---- Crossings ---- */
typedef struct store_crossing {
  int64_t id;
  int64_t traveller_id;                 /* required */
  int64_t document_id;                  /* 0 = none */
  int64_t bcp_id;                       /* required */
  int64_t officer_id;                   /* required: the user who decided */
  char direction[STORE_CODE_BYTES_MAX]; /* "entry" or "exit" */
  int64_t time_ms;                      /* when the traveller crossed; required */
  char decision[STORE_CODE_BYTES_MAX];  /* "admitted", "refused" or "referred" */
  unsigned nrefusal_codes;              /* refusal codes (codes of store_refusal_code_list) */
  char refusal_codes[STORE_REFUSALS_MAX][STORE_CODE_BYTES_MAX];
  char remarks[STORE_REMARKS_BYTES_MAX];
  int64_t created_ms; /* 0 = now */
} store_crossing;
/* Add one crossing through group commit: returns after the transaction holding it committed
 * durably (synchronous=FULL). Fills c->id. An unknown traveller, BCP, officer or refusal code is
 * BM_ERR_INVALID and nothing is stored. "refused" needs at least one refusal code. */
bm_err store_crossing_add(store *s, store_crossing *c, bm_diag *diag);
/* Add n crossings (n <= STORE_CROSSINGS_PER_CALL_MAX) atomically: all or none; fills each id. */
bm_err store_crossing_add_many(store *s, store_crossing *c, size_t n, bm_diag *diag);
bm_err store_crossing_get(store *s, int64_t id, store_crossing *out, bm_diag *diag);
/* Up to cap crossings of traveller_id, newest (time_ms, then id) first. */
bm_err store_crossing_list_by_traveller(store *s, int64_t traveller_id, store_crossing *out,
                                        size_t cap, size_t *n, bm_diag *diag);
typedef struct store_crossing_filter {
  int64_t traveller_id; /* 0 = any */
  int64_t bcp_id;       /* 0 = any */
  int64_t since_ms;     /* time_ms >= since_ms; 0 = unbounded */
  int64_t until_ms;     /* time_ms < until_ms; 0 = unbounded */
} store_crossing_filter;
/* Number of crossings matching f (NULL = all). */
bm_err store_crossing_count(store *s, const store_crossing_filter *f, int64_t *count,
                            bm_diag *diag);

/* ---- Refusal codes (Schengen Borders Code Annex V Part B, configurable) ---- */
typedef struct store_refusal_code {
  char code[STORE_CODE_BYTES_MAX];
  char description[STORE_TEXT_BYTES_MAX];
  char legal_ref[STORE_TEXT_BYTES_MAX];
  int64_t valid_from_ms; /* 0 = always */
  int64_t valid_to_ms;   /* 0 = open-ended */
} store_refusal_code;
bm_err store_refusal_code_list(store *s, store_refusal_code *out, size_t cap, size_t *n,
                               bm_diag *diag);
/* Insert or replace the code rc->code. */
bm_err store_refusal_code_put(store *s, const store_refusal_code *rc, bm_diag *diag);

/* ---- Watchlists and their versions ---- */
typedef struct store_watchlist {
  int64_t id;
  char name[STORE_NAME_BYTES_MAX]; /* unique */
  char kind[STORE_CODE_BYTES_MAX]; /* e.g. "national", "sltd", "un", "ofac" */
  int64_t created_ms;
} store_watchlist;
/* The file bytes are not stored: the version records the path and SHA-256 of the file loaded
 * (lists reach hundreds of MB; keeping them in the database would bloat the WAL, backups and
 * sync). Archive the file itself if it must be kept. */
typedef struct store_watchlist_version {
  int64_t id;
  int64_t watchlist_id;
  char version[STORE_CODE_BYTES_MAX * 4]; /* the publisher's version or a date; unique per list */
  int64_t loaded_ms;
  int64_t entry_count;
  char file_sha256[STORE_SHA256_HEX_BYTES];
  char path[STORE_PATH_BYTES_MAX];
  int64_t loaded_by; /* user id, 0 = system */
} store_watchlist_version;
/* Add the list, or when the name exists fill w->id with the existing list's id (kind unchanged). */
bm_err store_watchlist_put(store *s, store_watchlist *w, bm_diag *diag);
bm_err store_watchlist_list(store *s, store_watchlist *out, size_t cap, size_t *n, bm_diag *diag);
bm_err store_watchlist_version_add(store *s, store_watchlist_version *v, bm_diag *diag);
/* Up to cap versions of watchlist_id, most recently loaded first (out[0] is the current one). */
bm_err store_watchlist_version_list(store *s, int64_t watchlist_id, store_watchlist_version *out,
                                    size_t cap, size_t *n, bm_diag *diag);

/* ---- Screening hits and dispositions ---- */
typedef struct store_hit {
  int64_t id;
  int64_t crossing_id; /* 0 = not (yet) tied to a crossing */
  char traveller_key[STORE_KEY_BYTES_MAX];
  int64_t watchlist_id;
  char entry_id[STORE_ENTRY_ID_BYTES_MAX];
  int score_permille;   /* 0..1000 */
  int64_t created_ms;   /* when the traveller was screened; 0 = now */
  int64_t traveller_id; /* the traveller screened; 0 = unknown (hits stored before schema 2) */
} store_hit;
/* Add h (through group commit); fills h->id. An unknown watchlist, crossing or traveller is
 * BM_ERR_INVALID. */
bm_err store_hit_add(store *s, store_hit *h, bm_diag *diag);

bm_err store_hit_get(store *s, int64_t id, store_hit *out, bm_diag *diag);
/* A stored hit with what the hit queue shows beside it. */
typedef struct store_hit_view {
  store_hit hit;
  char surname[STORE_NAME_BYTES_MAX]; /* of the traveller; "" when the hit has none */
  char given_names[STORE_NAME_BYTES_MAX];
  char list[STORE_NAME_BYTES_MAX]; /* the watchlist's name */
  /* The latest disposition of (traveller_key, watchlist_id, entry_id): "false_hit", "true_hit",
   * or "" when none was made yet (the hit is pending). */
  char disposition[STORE_CODE_BYTES_MAX];
} store_hit_view;
typedef struct store_hit_filter {
  int pending_only;     /* 1: only hits whose (traveller_key, list, entry) has no disposition */
  int64_t traveller_id; /* 0 = any */
} store_hit_filter;
/* Up to cap hits matching f (NULL = all), newest (created_ms, then id) first. */
bm_err store_hit_list(store *s, const store_hit_filter *f, store_hit_view *out, size_t cap,
                      size_t *n, bm_diag *diag);
typedef struct store_disposition {
  int64_t id;
  int64_t hit_id; /* 0 = not tied to a stored hit */
  char traveller_key[STORE_KEY_BYTES_MAX];
  int64_t watchlist_id;
  char entry_id[STORE_ENTRY_ID_BYTES_MAX];
  char decision[STORE_CODE_BYTES_MAX]; /* "false_hit" or "true_hit" */
  int64_t user_id;                     /* who decided; required */
  char reason[STORE_REASON_BYTES_MAX]; /* required */
  int64_t time_ms;
} store_disposition;
bm_err store_disposition_add(store *s, store_disposition *d, bm_diag *diag);
/* Up to cap dispositions, oldest first; traveller_key NULL = all, watchlist_id 0 = all lists. */
bm_err store_disposition_list(store *s, const char *traveller_key, int64_t watchlist_id,
                              store_disposition *out, size_t cap, size_t *n, bm_diag *diag);

/* ---- Second-line referrals ---- */
typedef struct store_referral {
  int64_t id;
  int64_t crossing_id; /* 0 = none */
  int64_t traveller_id;
  int64_t bcp_id;
  int64_t opened_by;
  int64_t opened_ms;
  char reason[STORE_REASON_BYTES_MAX];
  char status[STORE_CODE_BYTES_MAX]; /* "open" or "resolved" (set by the store) */
  int64_t resolved_by;
  int64_t resolved_ms;
  char outcome[STORE_CODE_BYTES_MAX]; /* e.g. "admitted", "refused" */
  char notes[STORE_REMARKS_BYTES_MAX];
} store_referral;
/* Open a referral; fills r->id and sets r->status to "open". */
bm_err store_referral_open(store *s, store_referral *r, bm_diag *diag);
/* Resolve an open referral. BM_ERR_INVALID (field "status") when it is already resolved. */
bm_err store_referral_resolve(store *s, int64_t id, int64_t by_user, int64_t now_ms,
                              const char *outcome, const char *notes, bm_diag *diag);
bm_err store_referral_get(store *s, int64_t id, store_referral *out, bm_diag *diag);
/* ---- Stays not yet ended ----
 * A traveller whose latest admitted crossing is an entry is in the country. */
typedef struct store_open_stay {
  int64_t traveller_id;
  int64_t crossing_id; /* the admitted entry */
  int64_t entry_ms;
  char nationality[STORE_COUNTRY_BYTES_MAX];
} store_open_stay;
/* Up to cap travellers in the country who entered at or after since_ms, earliest entry first.
 * Scans the admitted entries since since_ms (a report, not for the booth's path). */
bm_err store_open_stay_list(store *s, int64_t since_ms, store_open_stay *out, size_t cap, size_t *n,
                            bm_diag *diag);

/* Up to cap open referrals at bcp_id (0 = all BCPs), oldest first. */
bm_err store_referral_list_open(store *s, int64_t bcp_id, store_referral *out, size_t cap,
                                size_t *n, bm_diag *diag);

/* ---- Statistics: aggregates only, never a row about a person ----
 * Each function reads one consistent snapshot. Counts are computed by the database (GROUP BY over
 * the index crossing_time of schema 2); a range of 30 days reads those days' rows once or twice,
 * whatever the size of the table. */
#define STORE_STATS_DAY_MS     86400000LL
#define STORE_STATS_DAYS_MAX   366 /* longest range, in days */
#define STORE_STATS_BCPS_MAX   256 /* BCPs counted apart; more are an error (BM_ERR_LIMIT) */
#define STORE_STATS_GROUPS_MAX 512 /* nationalities / refusal codes counted apart; see _other */
#define STORE_STATS_LISTS_MAX  64  /* watchlists counted apart */

typedef struct store_stats_filter {
  int64_t since_ms; /* time >= since_ms (required, > 0) */
  int64_t until_ms; /* time < until_ms; at most STORE_STATS_DAYS_MAX days after since_ms */
  int64_t bcp_id;   /* 0 = every BCP (crossings only) */
  /* 1: only the counts that need no traveller (total, days, BCPs, directions, decisions) */
  int counts_only;
} store_stats_filter;

typedef struct store_stats_day {
  int64_t entry, exit; /* crossings by direction, whatever the decision */
  int64_t refused;     /* of those, refusals */
} store_stats_day;

typedef struct store_stats_count {
  int64_t id;                     /* a BCP id (by_bcp); 0 otherwise */
  char key[STORE_CODE_BYTES_MAX]; /* the BCP code, nationality ("" unknown) or refusal code */
  int64_t count;
} store_stats_count;

typedef struct store_crossing_stats {
  int64_t total;
  int64_t entry, exit;                 /* by direction */
  int64_t admitted, refused, referred; /* by decision */
  /* One day per 24 hours of the range: days[i] counts since_ms + i days to the next day. */
  size_t ndays;
  store_stats_day days[STORE_STATS_DAYS_MAX];
  size_t nbcps; /* by count, largest first, then by id */
  store_stats_count bcps[STORE_STATS_BCPS_MAX];
  /* Not filled when counts_only. By count, largest first, then by code. More distinct
   * nationalities than STORE_STATS_GROUPS_MAX: the rest are added up in nationalities_other. */
  size_t nnationalities;
  store_stats_count nationalities[STORE_STATS_GROUPS_MAX];
  int64_t nationalities_other;
  int64_t sex_m, sex_f, sex_x, sex_unknown;
  size_t nrefusal_codes; /* codes given on refusals in the range (a refusal may give several) */
  store_stats_count refusal_codes[STORE_STATS_GROUPS_MAX];
} store_crossing_stats;
/* Crossings with since_ms <= time_ms < until_ms (at bcp_id when not 0), counted. */
bm_err store_crossing_stats_get(store *s, const store_stats_filter *f, store_crossing_stats *out,
                                bm_diag *diag);

typedef struct store_stats_list {
  int64_t watchlist_id;
  char name[STORE_NAME_BYTES_MAX];
  int64_t count;
} store_stats_list;
typedef struct store_hit_stats {
  int64_t total;
  /* Hits by the latest disposition of their (traveller_key, list, entry); none yet = pending. */
  int64_t false_hit, true_hit, pending;
  size_t nlists; /* by count, largest first, then by name */
  store_stats_list lists[STORE_STATS_LISTS_MAX];
} store_hit_stats;
/* Hits stored with since_ms <= created_ms < until_ms, counted (f->bcp_id is ignored). */
bm_err store_hit_stats_get(store *s, const store_stats_filter *f, store_hit_stats *out,
                           bm_diag *diag);

/* ---- Audit trail: a hash chain ----
 * Record i stores prev_hash = hash of record i-1 (32 zero bytes for record 1) and
 * hash = SHA-256(prev_hash || canonical(record)), where canonical() is, in this order: the ASCII
 * tag "bmis-audit-v1", id and time_ms and actor_id as 8-byte big-endian two's complement, then
 * actor_name, role, source_addr, action, object_type, object_id, reason, outcome each as a 4-byte
 * big-endian length followed by that many bytes. Ids are consecutive from 1. Appends are
 * serialised by the writer; deleting the newest records cannot be seen from the chain alone, so
 * export the head (store_audit_verify's head_hash) to somewhere else regularly. */
typedef struct store_audit_event {
  int64_t id;       /* assigned by store_audit_append */
  int64_t time_ms;  /* 0 = now */
  int64_t actor_id; /* user id; 0 = the system or an unknown user */
  char actor_name[STORE_USERNAME_BYTES_MAX];
  char role[STORE_ROLE_BYTES_MAX];
  char source_addr[STORE_ADDR_BYTES_MAX]; /* client address, or "local" for the command line */
  char action[STORE_ACTION_BYTES_MAX];    /* required: "<object>.<verb>", e.g. "traveller.read" */
  char object_type[STORE_CODE_BYTES_MAX * 2];
  char object_id[STORE_OBJECT_ID_BYTES_MAX];
  char reason[STORE_REASON_BYTES_MAX];    /* why; the app requires it for supervisor overrides */
  char outcome[STORE_CODE_BYTES_MAX];     /* required: "ok", "denied", "failed" */
  char prev_hash[STORE_SHA256_HEX_BYTES]; /* filled by the store */
  char hash[STORE_SHA256_HEX_BYTES];      /* filled by the store */
} store_audit_event;
/* Append ev to the chain (durably, through group commit); fills id, time_ms when 0, prev_hash
 * and hash. */
bm_err store_audit_append(store *s, store_audit_event *ev, bm_diag *diag);
typedef struct store_audit_filter {
  int64_t after_id;        /* id > after_id (paging); 0 = from the start */
  int64_t actor_id;        /* 0 = any */
  const char *action;      /* exact; NULL = any */
  const char *object_type; /* exact; NULL = any */
  const char *object_id;   /* exact; NULL = any */
  int64_t since_ms;        /* time_ms >= since_ms; 0 = unbounded */
  int64_t until_ms;        /* time_ms < until_ms; 0 = unbounded */
} store_audit_filter;
/* Up to cap events matching f (NULL = all) in id order. */
bm_err store_audit_list(store *s, const store_audit_filter *f, store_audit_event *out, size_t cap,
                        size_t *n, bm_diag *diag);
typedef enum store_audit_break {
  STORE_AUDIT_INTACT = 0,
  STORE_AUDIT_BREAK_GAP,  /* the id is not the previous id + 1 (a record was removed) */
  STORE_AUDIT_BREAK_PREV, /* prev_hash differs from the previous record's hash */
  STORE_AUDIT_BREAK_HASH  /* hash differs from the hash of the record's contents */
} store_audit_break;
typedef struct store_audit_verify_result {
  store_audit_break status;
  int64_t records;                        /* records checked (all of them when intact) */
  int64_t first_bad_id;                   /* the first broken record; 0 when intact */
  char head_hash[STORE_SHA256_HEX_BYTES]; /* hash of the last record ("" when empty) */
} store_audit_verify_result;
/* Walk the whole chain in one consistent snapshot. Returns BM_OK whether or not the chain is
 * intact (see out->status); an error only when the walk itself failed. */
bm_err store_audit_verify(store *s, store_audit_verify_result *out, bm_diag *diag);
/* "intact", "gap", "prev_mismatch", "hash_mismatch". */
const char *store_audit_break_name(store_audit_break b);
/* Compute the chain hash of ev given prev (hex) into hash_hex; exposed for tests and verifiers. */
bm_err store_audit_hash(const store_audit_event *ev, const char *prev_hash_hex,
                        char hash_hex[STORE_SHA256_HEX_BYTES]);

/* ---- Advance passenger information (API): flights, messages, persons, hits ----
 * A flight is identified by (carrier, number, departure_airport, departure_time); every message
 * about it (parts, updates) is recorded, and its persons are kept one row each: a later message
 * naming the same person (the same passenger reference RFF ABO, else the same document and birth
 * date, else the same name and birth date) replaces
 * that person's row and hits (the CBP rule for updates). Persons are deleted by
 * store_api_purge once the flight's retain_until_ms has passed, except those with a hit confirmed
 * as a true hit. */
#define STORE_API_PERSONS_MAX 5000 /* persons in one store_api_manifest_write */
#define STORE_API_HITS_MAX    5    /* hits kept per person */
#define STORE_API_TIME_BYTES  20   /* "YYYY-MM-DDTHH:MM" */
#define STORE_API_REF_BYTES   72   /* references: control, message, common access, passenger */
#define STORE_API_FLIGHTS_MAX 1000 /* flights in one store_api_flight_list */

typedef struct store_api_flight {
  int64_t id;
  char carrier[STORE_CODE_BYTES_MAX]; /* required */
  char number[STORE_CODE_BYTES_MAX];  /* required */
  char departure_airport[STORE_CODE_BYTES_MAX];
  char departure_time[STORE_API_TIME_BYTES];
  char arrival_airport[STORE_CODE_BYTES_MAX];
  char arrival_time[STORE_API_TIME_BYTES];
  int64_t arrival_ms;                          /* scheduled arrival; 0 = not sent */
  int64_t retain_until_ms;                     /* required: when its persons may be deleted */
  char status[STORE_CODE_BYTES_MAX];           /* "open" or "cancelled" (set by the store) */
  int64_t first_received_ms, last_received_ms; /* set by the store */
  /* Filled when read: */
  int64_t persons, persons_with_hits, no_board, messages;
  int max_score_permille;
} store_api_flight;

typedef struct store_api_message {
  int64_t id;
  int64_t flight_id; /* set by store_api_manifest_write */
  int64_t received_ms;
  int64_t received_by; /* the user who sent it; required */
  char sender[STORE_NAME_BYTES_MAX];
  char control_ref[STORE_API_REF_BYTES];
  char message_ref[STORE_API_REF_BYTES];
  char common_access_ref[STORE_API_REF_BYTES];
  int part, last_part;
  char list_type[STORE_CODE_BYTES_MAX];
  char document_id[STORE_CODE_BYTES_MAX]; /* BGM 1004: "", "CP", "XR" (persons cancelled), "XF" */
  int64_t persons, errors, warnings, bytes;
} store_api_message;

typedef struct store_api_hit {
  int64_t id;
  int64_t person_id;    /* set by the store */
  size_t person_index;  /* writes: the index of the person in the persons[] written */
  int64_t watchlist_id; /* required */
  char entry_id[STORE_ENTRY_ID_BYTES_MAX];
  int score_permille;
  int document_match;
  char matched_name[STORE_NAME_BYTES_MAX];
  char reasons[STORE_REASON_BYTES_MAX];
  /* Filled when read: */
  char list[STORE_NAME_BYTES_MAX];
  char disposition[STORE_CODE_BYTES_MAX]; /* latest decision, "" = pending */
} store_api_hit;

typedef struct store_api_person {
  int64_t id;
  int64_t flight_id, message_id; /* set by the store */
  char role[STORE_CODE_BYTES_MAX * 2];
  char surname[STORE_NAME_BYTES_MAX];
  char given_names[STORE_NAME_BYTES_MAX];
  char sex[4];
  char birth_date[STORE_DATE_BYTES_MAX];
  char nationality[STORE_COUNTRY_BYTES_MAX];
  char residence_country[STORE_COUNTRY_BYTES_MAX];
  char doc_type[4];
  char doc_number[STORE_DOCNUM_BYTES_MAX];
  char doc_issuing_state[STORE_COUNTRY_BYTES_MAX];
  char doc_expiry[STORE_DATE_BYTES_MAX];
  char seat[STORE_CODE_BYTES_MAX];
  char reservation_ref[STORE_API_REF_BYTES];
  char passenger_ref[STORE_API_REF_BYTES];
  char embarkation[STORE_CODE_BYTES_MAX];
  char debarkation[STORE_CODE_BYTES_MAX];
  char traveller_key[STORE_KEY_BYTES_MAX];
  char board[STORE_CODE_BYTES_MAX]; /* "board", "no_board", "insufficient" */
  char board_text[64];              /* the CUSRES text, e.g. "INSUFFICIENT DATA: BIRTH DATE" */
  int hits;                         /* hits stored (after false-hit dispositions) */
  int max_score_permille;
  int64_t screened_ms;
  int replaced; /* writes: set to 1 when the person replaced an earlier row */
} store_api_person;

/* One message's manifest as ONE durable write: the flight (found by its key, or added; its
 * last_received_ms and retain_until_ms updated, status "cancelled" when m->document_id is "XF"),
 * the message, then each person: with document_id "XR" the person's earlier row (and hits) is
 * deleted and nothing is added; otherwise it replaces the earlier row of the same person on the
 * flight (p->replaced = 1) or is added; then hits[] (each naming its person by person_index, at
 * most STORE_API_HITS_MAX per person), then the audit event ev (object_id set to the flight id).
 * Fills the ids. np <= STORE_API_PERSONS_MAX. */
bm_err store_api_manifest_write(store *s, store_api_flight *f, store_api_message *m,
                                store_api_person *persons, size_t np, store_api_hit *hits,
                                size_t nh, store_audit_event *ev, bm_diag *diag);
/* Flights arriving (arrival_ms, or first received when no arrival was sent) in
 * [since_ms, until_ms) (until 0 = unbounded), newest arrival first, up to cap, with their counts.
 */
bm_err store_api_flight_list(store *s, int64_t since_ms, int64_t until_ms, store_api_flight *out,
                             size_t cap, size_t *n, bm_diag *diag);
bm_err store_api_flight_get(store *s, int64_t id, store_api_flight *out, bm_diag *diag);
/* The messages of a flight, in order received. */
bm_err store_api_message_list(store *s, int64_t flight_id, store_api_message *out, size_t cap,
                              size_t *n, bm_diag *diag);
/* The persons of a flight: no-board first, then by best hit score (highest first), then by
 * surname and given names. */
bm_err store_api_person_list(store *s, int64_t flight_id, store_api_person *out, size_t cap,
                             size_t *n, bm_diag *diag);
/* The hits of a flight's persons (by person, then score), with list name and disposition. */
bm_err store_api_hit_list(store *s, int64_t flight_id, store_api_hit *out, size_t cap, size_t *n,
                          bm_diag *diag);
/* The latest person row with document (number, issuing_state) on a flight arriving at or after
 * since_ms (or received then when no arrival was sent), with its flight. BM_ERR_NOTFOUND when
 * there is none. */
bm_err store_api_person_find(store *s, const char *doc_number, const char *issuing_state,
                             int64_t since_ms, store_api_person *person, store_api_flight *flight,
                             bm_diag *diag);
typedef struct store_api_purge_result {
  int64_t persons_deleted, hits_deleted, messages_deleted, flights_deleted;
  int64_t persons_kept; /* past retention but linked to a confirmed hit */
} store_api_purge_result;
/* Delete the persons (and their hits) of flights with retain_until_ms < now_ms, except persons
 * with a hit whose latest disposition is "true_hit"; then messages and flights left without
 * persons whose retention has passed. ev (optional) is appended in the same transaction, its
 * reason filled with the counts, when anything was deleted. One durable write. */
bm_err store_api_purge(store *s, int64_t now_ms, store_api_purge_result *out, store_audit_event *ev,
                       bm_diag *diag);

/* ---- One inspection ---- */

/* An inspection's writes as ONE durable write (one job of the group commit, all or none): the
 * traveller and document as store_traveller_upsert; then hits[0..nhits) (at most
 * STORE_INSPECTION_HITS_MAX) as store_hit_add, each with traveller_id set to the traveller's id;
 * then the audit event ev as store_audit_append, with object_id set to the traveller's id. The
 * booth's latency is that of the commits it waits for in a row: this is one instead of 2 + hits. */
#define STORE_INSPECTION_HITS_MAX 100
bm_err store_inspection_write(store *s, store_traveller *t, store_document *doc, int *created,
                              store_hit *hits, size_t nhits, store_audit_event *ev, bm_diag *diag);

#ifdef __cplusplus
}
#endif
#endif /* BMIS_STORE_H */
