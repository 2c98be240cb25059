/* app.h - the use cases of a border crossing point: primary inspection, recording the decision,
 * second-line referrals, false-hit dispositions, and the watchlists the screening runs against.
 *
 * An app ties the core modules (MRZ, screening, stay rules) to the store. Front ends (http/, cli/)
 * parse a request, call one function here and render its result; every function that reads or
 * changes personal data records an audit event (store_audit_append) naming the actor, and
 * refuses to run without one.
 *
 * Watchlists: the current version of every list in the store is loaded at app_new and indexed
 * together (wl_index_build). The index in use is a snapshot: inspections take a reference for the
 * duration of their screening, and app_watchlist_replace builds the next snapshot from the new
 * file while inspections go on, then swaps it in atomically; the old one is freed when its last
 * user releases it. A list that fails to load keeps the previous snapshot in use.
 *
 * Threads: every function is thread-safe (the store is, and the snapshot swap is guarded).
 */
#ifndef BMIS_APP_H
#define BMIS_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bmis/auth.h"
#include "bmis/base.h"
#include "bmis/cusres.h"
#include "bmis/mrz.h"
#include "bmis/paxlst.h"
#include "bmis/screen.h"
#include "bmis/stay.h"
#include "bmis/store.h"
#include "bmis/watchlist.h"

#ifdef __cplusplus
extern "C" {
#endif

#define APP_HISTORY_MAX      20           /* previous crossings returned by an inspection */
#define APP_HITS_MAX         20           /* watchlist hits returned by an inspection */
#define APP_STAYS_MAX        200          /* recorded crossings read for the stay calculation */
#define APP_LISTS_MAX        32           /* watchlists loaded at once */
#define APP_LIST_BYTES_MAX   (512u << 20) /* one uploaded watchlist file */
#define APP_DISPOSITIONS_MAX 256          /* dispositions read for one traveller */

typedef struct app app;

typedef struct app_config {
  /* Directory holding the watchlist files of uploads (created when missing); NULL = the files
   * stay where the store's versions say and uploads are refused. */
  const char *lists_dir;
  /* The state whose border this is (ICAO code): its nationals are exempt from the stay rule.
   * NULL or "" = none. */
  const char *home_state;
  /* The stay policy (include/bmis/stay.h); NULL = the Schengen rule for every nationality. */
  const stay_policy *stay;
  float threshold; /* screening threshold; 0 = WL_DEFAULT_THRESHOLD */
  /* How long advance passenger information is kept after the flight's arrival; 0 =
   * APP_API_RETENTION_MS_DEFAULT. */
  int64_t api_retention_ms;
  /* Hits at or above this score (or on a document) answer "no board"; 0 = the default of
   * cusres.h (CUSRES_NO_BOARD_THRESHOLD). */
  float no_board_threshold;
} app_config;

/* Create the app on an open store (borrowed: it must outlive the app) and load the watchlists.
 * A list whose file is missing or invalid is skipped with a warning in diag_warn (optional) and
 * the app starts without it: a BCP keeps working on the lists it has. */
bm_err app_new(store *s, const app_config *cfg, app **out, bm_diag *diag_warn, bm_diag *diag);
void app_free(app *a); /* accepts NULL */
store *app_store(app *a);
const app_auth_config *app_auth(const app *a);

/* ---- Watchlists ---- */

typedef struct app_list_info {
  int64_t watchlist_id;
  char name[STORE_NAME_BYTES_MAX];
  char kind[STORE_CODE_BYTES_MAX];
  char version[STORE_CODE_BYTES_MAX * 4];
  int64_t entries;
  int64_t loaded_ms;
  bool in_use; /* loaded in the current snapshot */
} app_list_info;

/* The lists of the current snapshot (and lists in the store that failed to load, in_use false). */
bm_err app_watchlists(app *a, app_list_info *out, size_t cap, size_t *n, bm_diag *diag);

/* Store a new version of list name (created with kind when new) from the file bytes, load it,
 * index it with the other lists and swap the new index in. format as wl_list_load
 * (WL_FORMAT_AUTO sniffs). The actor must be allowed to (the front end checks the permission);
 * the change is audited. On a load error (diag: file, line, field) nothing changes. */
bm_err app_watchlist_replace(app *a, const app_actor *by, const char *name, const char *kind,
                             const char *version, const char *filename, const void *bytes,
                             size_t len, app_list_info *out, bm_diag *diag);

/* ---- Primary inspection ---- */

/* A document presented at the booth: the MRZ as scanned (lines separated by newlines), or typed
 * fields when there is no MRZ (mrz NULL). */
typedef struct app_inspect_in {
  const char *mrz;
  const char *surname, *given_names, *birth_date; /* typed: birth_date "YYYY-MM-DD" */
  const char *sex, *nationality, *document_number, *issuing_state, *document_type;
  int64_t bcp_id;        /* required */
  const char *direction; /* "entry" or "exit" */
  int64_t time_ms;       /* 0 = now */
} app_inspect_in;

typedef struct app_inspection {
  bool from_mrz;
  mrz_doc doc; /* the document check (from_mrz) */
  store_traveller traveller;
  store_document document;
  bool new_traveller; /* first time this document was seen */
  unsigned nhits;
  wl_hit hits[APP_HITS_MAX];
  int64_t hit_list_ids[APP_HITS_MAX];
  char traveller_key[WL_TRAVELLER_KEY_BYTES_MAX];
  size_t nhistory;
  store_crossing history[APP_HISTORY_MAX]; /* newest first */
  bool stay_applies; /* the stay rule was evaluated: an entry, or an exit ending a recorded stay */
  stay_result stay;
  bool stay_rule_listed; /* the nationality has its own rule (else the policy's default) */
  char direction[STORE_CODE_BYTES_MAX];
  int64_t bcp_id;
  int64_t time_ms;
  /* The traveller's document was on a flight's advance passenger information (arriving since two
   * days before the inspection): the booth sees the pre-arrival screening. */
  bool prescreened;
  store_api_person api_person;
  store_api_flight api_flight;
  void *snapshot_; /* keeps hits' entries alive until app_inspection_release */
} app_inspection;

/* Check the document, screen the traveller, read the history and calculate the stay. Records the
 * traveller and document (upsert: a document seen before keeps its traveller) and audits the
 * read. BM_ERR_INVALID with diag for a document that cannot be read at all (an MRZ with errors is
 * not refused: its check is in out->doc). out must be released with app_inspection_release. */
bm_err app_inspect(app *a, const app_actor *by, const app_inspect_in *in, app_inspection *out,
                   bm_diag *diag);
void app_inspection_release(app *a, app_inspection *ins);

/* ---- The decision ---- */

typedef struct app_crossing_in {
  int64_t traveller_id, document_id, bcp_id;
  const char *direction;            /* "entry" or "exit" */
  const char *decision;             /* "admitted", "refused" or "referred" */
  const char *const *refusal_codes; /* refused: at least one known code */
  size_t nrefusal_codes;
  const char *remarks;
  const char *referral_reason; /* referred: required */
  int64_t time_ms;             /* 0 = now */
} app_crossing_in;

/* Record the crossing (durably: returns after the commit) and, for "referred", open a referral.
 * *out receives the crossing; *referral_id (optional) the referral. Audited. */
bm_err app_crossing_record(app *a, const app_actor *by, const app_crossing_in *in,
                           store_crossing *out, int64_t *referral_id, bm_diag *diag);

/* Resolve a referral: outcome "admitted" or "refused" (refusal codes then required and a refused
 * exit/entry crossing recorded); notes (the reason) required. Audited. */
bm_err app_referral_resolve(app *a, const app_actor *by, int64_t referral_id, const char *outcome,
                            const char *const *refusal_codes, size_t ncodes, const char *notes,
                            store_referral *out, bm_diag *diag);

/* Remember that hit (list, entry) is a verified false (or true) hit for the traveller: later
 * inspections of the same traveller do not raise a false hit again. reason required. Audited. */
bm_err app_disposition_add(app *a, const app_actor *by, const char *traveller_key,
                           int64_t watchlist_id, const char *entry_id, const char *decision,
                           const char *reason, store_disposition *out, bm_diag *diag);

/* Read a traveller with documents and crossings (audited as a read of personal data). */
bm_err app_traveller_read(app *a, const app_actor *by, int64_t id, store_traveller *t,
                          store_document *docs, size_t docs_cap, size_t *ndocs,
                          store_crossing *crossings, size_t cross_cap, size_t *ncross,
                          bm_diag *diag);

/* ---- Overstayers ---- */

/* Travellers in the country examined by one overstayers report. */
#define APP_OPEN_STAYS_MAX 20000

typedef struct app_overstayer {
  store_traveller traveller;
  int64_t entry_ms; /* the entry of the stay that is too long */
  stay_result stay; /* at today: verdict, days used, overstay days */
  bool listed_rule; /* the nationality has its own rule */
} app_overstayer;

/* Travellers in the country (their latest admitted crossing is an entry at or after since_ms)
 * whose stay is over their rule's limit on today_ms (0 = now): up to cap, earliest entry first;
 * *examined receives how many stays were checked (at most APP_OPEN_STAYS_MAX). Audited as
 * "overstayers.list". */
bm_err app_overstayers(app *a, const app_actor *by, int64_t since_ms, int64_t today_ms,
                       app_overstayer *out, size_t cap, size_t *n, size_t *examined, bm_diag *diag);

/* ---- Recorded hits: the queue of hits awaiting a disposition ----
 * Every inspection stores the hits it shows (store_hit_add: traveller, traveller key, list, entry,
 * score, time of the inspection); a hit is pending while its (traveller_key, list, entry) has no
 * disposition (app_disposition_add). */

#define APP_HIT_QUEUE_MAX 1000 /* hits returned by one app_hits_list */

/* Up to cap stored hits, newest first; pending_only: those without a disposition. Audited as
 * "hit.list" (the hits name travellers). */
bm_err app_hits_list(app *a, const app_actor *by, bool pending_only, store_hit_view *out,
                     size_t cap, size_t *n, bm_diag *diag);

/* ---- Statistics: aggregates without personal data (not audited) ---- */

typedef struct app_crossing_stats {
  store_crossing_stats range; /* the crossings of [since_ms, until_ms) */
  /* today (the UTC day of now_ms), at the same BCP filter, whatever the range */
  int64_t today_entry, today_exit, today_refused;
} app_crossing_stats;

/* Crossings with since_ms <= time < until_ms (at most STORE_STATS_DAYS_MAX days; days are counted
 * from since_ms), at bcp_id (0 = all), and today's counts; now_ms 0 = now. An unknown bcp_id is
 * BM_ERR_INVALID (field "bcp_id"). */
bm_err app_crossing_stats_get(app *a, const app_actor *by, int64_t since_ms, int64_t until_ms,
                              int64_t bcp_id, int64_t now_ms, app_crossing_stats *out,
                              bm_diag *diag);
/* Hits stored with since_ms <= time < until_ms, by list and by disposition. */
bm_err app_hit_stats_get(app *a, const app_actor *by, int64_t since_ms, int64_t until_ms,
                         store_hit_stats *out, bm_diag *diag);

/* ---- Administration: BCPs and accounts ---- */

/* Add an active BCP: code (1-15 letters, digits, '-', '_'), name, country (3 letters A-Z), kind
 * (air, land, sea, rail, other). Audited as "bcp.create". A code that exists: BM_ERR_INVALID, field
 * "code", a message containing "already exists". */
bm_err app_bcp_add(app *a, const app_actor *by, const char *code, const char *name,
                   const char *country, const char *kind, store_bcp *out, bm_diag *diag);

typedef struct app_user_change {
  int disabled;     /* 1 disable, 0 enable, -1 unchanged */
  const char *role; /* a role name (auth.h), NULL = unchanged */
} app_user_change;
/* Change user_id's role and/or disabled flag. Disabling revokes the user's sessions (audited as
 * "user.disable", enabling as "user.enable"), a role change is audited as "user.role" and applies
 * to the user's sessions at their next request. Nobody changes their own account this way (that
 * could leave no administrator): BM_ERR_INVALID, field "id". Unknown user: BM_ERR_NOTFOUND.
 * *out (optional) receives the user as stored afterwards (password hash cleared). */
bm_err app_user_update(app *a, const app_actor *by, int64_t user_id, const app_user_change *ch,
                       store_user *out, bm_diag *diag);

/* ---- Watchlist entries ---- */

/* An entry of a list in use, with the snapshot that keeps it alive. */
typedef struct app_entry_ref {
  const wl_entry *entry;
  int64_t watchlist_id;
  char list[STORE_NAME_BYTES_MAX];
  void *snapshot_;
} app_entry_ref;
/* The entry entry_id of the loaded list named list (the lists of the current snapshot), for the
 * officer resolving a hit. BM_ERR_NOTFOUND when the list is not loaded or has no such entry.
 * Audited as "watchlist_entry.read". Release *out with app_watchlist_entry_release. */
bm_err app_watchlist_entry(app *a, const app_actor *by, const char *list, const char *entry_id,
                           app_entry_ref *out, bm_diag *diag);
void app_watchlist_entry_release(app *a, app_entry_ref *ref);

/* ---- Advance passenger information (API): PAXLST from carriers ----
 * A carrier (an api_client user) posts raw EDIFACT; every PAXLST message in it is parsed
 * (lenient), every person screened against the lists in use (less verified false hits) and the
 * manifest stored with the hits (store_api_manifest_write: one durable write per message,
 * audited as "api_message.create"). A message that cannot be keyed to a flight (no TDT, not a
 * PAXLST) is reported and not stored; the others are. */

#define APP_API_BYTES_MAX            (8u << 20)           /* one posted interchange file */
#define APP_API_RETENTION_MS_DEFAULT (24LL * 3600 * 1000) /* Directive 2004/82/EC */
/* Inspections find a pre-screened document on flights arriving since this long before. */
#define APP_API_PRESCREEN_WINDOW_MS (48LL * 3600 * 1000)

typedef struct app_api_person_result {
  store_api_person person; /* as stored (id 0 when its message was not stored) */
  const paxlst_person *parsed;
  unsigned nhits;
  store_api_hit hits[STORE_API_HITS_MAX]; /* list and score filled; disposition "" */
  cusres_status status;                   /* the interactive API answer (text in person) */
} app_api_person_result;

typedef struct app_api_message_result {
  const paxlst_msg *msg; /* as parsed: diagnostics, parts */
  bool stored;
  char refused[160]; /* why it was not stored, when it was not */
  store_api_flight flight;
  store_api_message message;
  size_t first_person, npersons; /* its persons in app_api_ingest.persons */
} app_api_message_result;

typedef struct app_api_ingest {
  paxlst_batch *batch;
  app_api_message_result *msgs;
  size_t nmsgs;
  app_api_person_result *persons;
  size_t npersons;
  double parse_ms, screen_ms, store_ms; /* where the time went */
  /* The lists the persons were screened against (none loaded: nobody could hit, and every
   * complete person is answered "board"; the answer says so). */
  size_t nlists;
  app_list_info lists[APP_LISTS_MAX];
} app_api_ingest;

/* Parse, screen and store bytes[0..len) (at most APP_API_BYTES_MAX) sent by actor by (a user:
 * by->user_id > 0). now_ms 0 = now. BM_ERR_INVALID (diag) when the bytes hold no EDIFACT message
 * at all; otherwise BM_OK with per-message outcomes in *out (free with app_api_ingest_free), even
 * when some messages were refused or failed to store (their refused text says why). */
bm_err app_api_ingest_run(app *a, const app_actor *by, const char *bytes, size_t len,
                          int64_t now_ms, app_api_ingest **out, bm_diag *diag);
void app_api_ingest_free(app_api_ingest *r); /* accepts NULL */

/* Flights arriving in [since_ms, until_ms) (0 = unbounded), newest first, with counts only (no
 * personal data: not audited). */
bm_err app_api_flights(app *a, const app_actor *by, int64_t since_ms, int64_t until_ms,
                       store_api_flight *out, size_t cap, size_t *n, bm_diag *diag);

#define APP_API_FLIGHT_PERSONS_MAX  STORE_API_PERSONS_MAX
#define APP_API_FLIGHT_MESSAGES_MAX 500

typedef struct app_api_flight_view {
  store_api_flight flight;
  store_api_message *messages;
  size_t nmessages;
  store_api_person *persons; /* hits first */
  size_t npersons;
  store_api_hit *hits; /* by person */
  size_t nhits;
  /* Parts of split lists: over the messages with a common access reference, the highest final
   * part number (0 = none received yet) and whether parts 1..that number all arrived. */
  unsigned parts_last;
  bool parts_complete;
} app_api_flight_view;

/* A flight with its messages, persons (hits first) and hits. Audited as "flight.read" (the
 * persons are personal data). Free with app_api_flight_view_free. */
bm_err app_api_flight_read(app *a, const app_actor *by, int64_t flight_id,
                           app_api_flight_view **out, bm_diag *diag);
void app_api_flight_view_free(app_api_flight_view *v); /* accepts NULL */

/* The retention job: delete API data whose retention passed at now_ms (0 = now), except persons
 * with a confirmed hit (store_api_purge). Audited as "api_data.purge" with the counts, by the
 * actor (NULL = the system). */
bm_err app_api_purge(app *a, const app_actor *by, int64_t now_ms, store_api_purge_result *out,
                     bm_diag *diag);
/* The interactive API response (UN/EDIFACT CUSRES, bmis/cusres.h) to an ingestion: for each
 * stored message with persons, one interchange answering every person (0Z board, 1Z no board, 2Z
 * insufficient data, in the request's order, with its AVF/ABO references); for each refused
 * message, the error acknowledgement (BGM 312, ERC 118) with the reason. now_ms 0 = now. *out is a
 * heap buffer (free it). BM_ERR_INVALID when there is nothing to answer. */
bm_err app_api_cusres(const app_api_ingest *r, int64_t now_ms, char **out, size_t *out_len,
                      bm_diag *diag);
/* The retention period in use. */
int64_t app_api_retention_ms(const app *a);

/* Append an audit event for actor (source address, action, object, reason, outcome). */
bm_err app_audit(app *a, const app_actor *by, const char *action, const char *object_type,
                 const char *object_id, const char *reason, const char *outcome, bm_diag *diag);

#ifdef __cplusplus
}
#endif
#endif /* BMIS_APP_H */
