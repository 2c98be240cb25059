/* sq_store.c - the SQLite backend of the store (see bmis/store.h for the contract).
 *
 * Connections. One writer connection, owned by one writer thread, performs every change; a pool
 * of up to STORE_READERS_MAX reader connections (query_only) serves reads, one thread at a time
 * each. All connections run in WAL mode, so readers never block the writer nor each other. The
 * library is opened SQLITE_OPEN_NOMUTEX: a connection is never used by two threads at once, which
 * our own locks guarantee, so SQLite's per-connection mutex would be pure cost.
 *
 * Statements. Every SQL text is a constant in the table below, prepared once per connection on
 * first use (SQLITE_PREPARE_PERSISTENT) and kept until the connection closes. Values are always
 * bound, never formatted into SQL. The only SQL executed without preparation is the embedded
 * migrations (constant text compiled into the binary).
 *
 * Group commit. A write is a job (a function and its argument) put on a bounded queue
 * (STORE_WRITE_QUEUE_MAX; submitters block when it is full). The writer takes up to
 * STORE_BATCH_WRITES_MAX queued jobs, runs them in one BEGIN IMMEDIATE ... COMMIT, each inside
 * its own SAVEPOINT so that one failing job (a foreign key, a duplicate) is rolled back alone,
 * and only after COMMIT returned (synchronous=FULL: the WAL is fsynced) marks the jobs done and
 * wakes their callers. While one batch commits, new jobs queue up and form the next batch, so the
 * batch grows with the load and the cost of the fsync is shared. If COMMIT fails, every job of
 * the batch reports BM_ERR_IO and none of them was stored.
 *
 * Checkpoints. SQLite's automatic checkpoint runs inside the COMMIT that crosses its threshold:
 * the writer would copy WAL pages into the database file and fsync it (8-10 ms here, measured
 * with strace under load) while every queued write waits - the tail of the server's latency.
 * So the writer connection runs none: a wal_hook notes the WAL's size after each commit, and a
 * checkpointer thread with its own connection runs PASSIVE checkpoints (which never block the
 * writer nor readers) when the WAL holds SQ_CKPT_FRAMES frames, or once a second when it holds
 * any. The WAL restarts from its beginning once a checkpoint covered it and no reader still
 * needs it, so it stays bounded.
 */
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store_impl.h"

#define SQ_BUSY_TIMEOUT_MS 10000 /* wait for a lock held by another process (e.g. a backup) */
/* WAL frames (1 MB) that wake the checkpointer: small copies, short stalls (measured against
 * SQLite's 1000 under the server's load: docs/benchmarks.md). */
#define SQ_CKPT_FRAMES  256
#define SQ_CKPT_IDLE_MS 1000 /* the checkpointer's period when the WAL holds fewer frames */

/* ---- Statements ---- */

#define BCP_COLS "id, code, name, country, kind, active, created_ms"
#define USER_COLS                                                                                  \
  "id, username, display_name, role, password_hash, bcp_id, disabled, failed_count, "              \
  "locked_until_ms, last_signin_ms, password_changed_ms, created_ms"
#define SESSION_COLS                                                                               \
  "id, user_id, token_hash, csrf_token, kind, source_addr, created_ms, last_seen_ms, expires_ms, " \
  "revoked_ms"
#define TRAV_COLS "id, surname, given_names, birth_date, sex, nationality, created_ms, updated_ms"
#define DOC_COLS  "id, traveller_id, doc_type, number, issuing_state, expiry_date, created_ms"
#define CROSS_COLS                                                                                 \
  "id, traveller_id, document_id, bcp_id, officer_id, direction, time_ms, decision, remarks, "     \
  "created_ms"
#define RC_COLS  "code, description, legal_ref, valid_from_ms, valid_to_ms"
#define WL_COLS  "id, name, kind, created_ms"
#define WLV_COLS "id, watchlist_id, version, loaded_ms, entry_count, file_sha256, path, loaded_by"
#define HIT_COLS                                                                                   \
  "id, crossing_id, traveller_key, watchlist_id, entry_id, score_permille, created_ms, "           \
  "traveller_id"
#define DISP_COLS                                                                                  \
  "id, hit_id, traveller_key, watchlist_id, entry_id, decision, user_id, reason, time_ms"
#define REF_COLS                                                                                   \
  "id, crossing_id, traveller_id, bcp_id, opened_by, opened_ms, reason, status, resolved_by, "     \
  "resolved_ms, outcome, notes"
#define AUDIT_COLS                                                                                 \
  "id, time_ms, actor_id, actor_name, role, source_addr, action, object_type, object_id, reason, " \
  "outcome, prev_hash, hash"

#define APIF_COLS                                                                                  \
  "f.id, f.carrier, f.number, f.departure_airport, f.departure_time, f.arrival_airport, "          \
  "f.arrival_time, f.arrival_ms, f.retain_until_ms, f.status, f.first_received_ms, "               \
  "f.last_received_ms, (SELECT COUNT(*) FROM api_person p WHERE p.flight_id = f.id), "             \
  "(SELECT COUNT(*) FROM api_person p WHERE p.flight_id = f.id AND p.hits > 0), "                  \
  "(SELECT COUNT(*) FROM api_person p WHERE p.flight_id = f.id AND p.board = 'no_board'), "        \
  "(SELECT COUNT(*) FROM api_message m WHERE m.flight_id = f.id), "                                \
  "COALESCE((SELECT MAX(p.max_score_permille) FROM api_person p WHERE p.flight_id = f.id), 0)"
/* When a flight counts as arriving: its scheduled arrival, else when it was first reported. */
#define APIF_WHEN "(CASE WHEN f.arrival_ms <> 0 THEN f.arrival_ms ELSE f.first_received_ms END)"
#define APIM_COLS                                                                                  \
  "id, flight_id, received_ms, received_by, sender, control_ref, message_ref, common_access_ref, " \
  "part, last_part, list_type, document_id, persons, errors, warnings, bytes"
#define APIP_COLS                                                                                  \
  "p.id, p.flight_id, p.message_id, p.role, p.surname, p.given_names, p.sex, p.birth_date, "       \
  "p.nationality, p.residence_country, p.doc_type, p.doc_number, p.doc_issuing_state, "            \
  "p.doc_expiry, p.seat, p.reservation_ref, p.passenger_ref, p.embarkation, p.debarkation, "       \
  "p.traveller_key, p.board, p.hits, p.max_score_permille, p.screened_ms, p.board_text"
/* A person with a hit whose latest disposition is a confirmed (true) hit: kept past retention. */
#define APIP_CONFIRMED                                                                             \
  "EXISTS (SELECT 1 FROM api_hit h WHERE h.person_id = p.id AND (SELECT d.decision FROM "          \
  "disposition d WHERE d.traveller_key = p.traveller_key AND d.watchlist_id = h.watchlist_id AND " \
  "d.entry_id = h.entry_id ORDER BY d.id DESC LIMIT 1) = 'true_hit')"

typedef enum sq_id {
  SQ_BEGIN,
  SQ_BEGIN_READ,
  SQ_COMMIT,
  SQ_ROLLBACK,
  SQ_SAVEPOINT,
  SQ_RELEASE,
  SQ_ROLLBACK_TO,
  SQ_SCHEMA_VERSION,
  SQ_BCP_INSERT,
  SQ_BCP_GET,
  SQ_BCP_LIST,
  SQ_USER_INSERT,
  SQ_USER_GET,
  SQ_USER_GET_BY_NAME,
  SQ_USER_LIST,
  SQ_USER_SET_PASSWORD,
  SQ_USER_SET_ROLE,
  SQ_USER_SET_DISABLED,
  SQ_USER_SIGNIN_FAILED,
  SQ_USER_SIGNIN_OK,
  SQ_SESSION_INSERT,
  SQ_SESSION_GET_BY_HASH,
  SQ_SESSION_TOUCH,
  SQ_SESSION_REVOKE,
  SQ_SESSION_REVOKE_USER,
  SQ_SESSION_PURGE,
  SQ_DOC_FIND,
  SQ_TRAV_INSERT,
  SQ_TRAV_UPDATE,
  SQ_DOC_INSERT,
  SQ_DOC_UPDATE,
  SQ_TRAV_GET,
  SQ_DOC_LIST_BY_TRAV,
  SQ_TRAV_SEARCH,
  SQ_CROSS_INSERT,
  SQ_CROSS_REFUSAL_INSERT,
  SQ_CROSS_GET,
  SQ_CROSS_REFUSALS,
  SQ_CROSS_LIST_BY_TRAV,
  SQ_CROSS_COUNT,
  SQ_RC_LIST,
  SQ_RC_PUT,
  SQ_WL_FIND,
  SQ_WL_INSERT,
  SQ_WL_LIST,
  SQ_WLV_INSERT,
  SQ_WLV_LIST,
  SQ_HIT_INSERT,
  SQ_HIT_GET,
  SQ_HIT_LIST,
  SQ_HIT_STATS_LISTS,
  SQ_HIT_STATS_DISP,
  SQ_CROSS_STATS_COUNTS,
  SQ_CROSS_STATS_PEOPLE,
  SQ_CROSS_STATS_CODES,
  SQ_DISP_INSERT,
  SQ_DISP_LIST,
  SQ_REF_INSERT,
  SQ_REF_RESOLVE,
  SQ_REF_GET,
  SQ_REF_LIST_OPEN,
  SQ_OPEN_STAYS,
  SQ_AUDIT_LAST,
  SQ_AUDIT_INSERT,
  SQ_AUDIT_LIST,
  SQ_AUDIT_WALK,
  SQ_APIF_FIND,
  SQ_APIF_INSERT,
  SQ_APIF_UPDATE,
  SQ_APIF_LIST,
  SQ_APIF_GET,
  SQ_APIM_INSERT,
  SQ_APIM_LIST,
  SQ_APIP_FIND_REF,
  SQ_APIP_FIND_DOC,
  SQ_APIP_FIND_NAME,
  SQ_APIP_DELETE,
  SQ_APIP_INSERT,
  SQ_APIP_LIST,
  SQ_APIP_BY_DOC,
  SQ_APIH_DELETE_PERSON,
  SQ_APIH_INSERT,
  SQ_APIH_LIST,
  SQ_API_PURGE_KEPT,
  SQ_API_PURGE_HITS,
  SQ_API_PURGE_PERSONS,
  SQ_API_PURGE_MESSAGES,
  SQ_API_PURGE_FLIGHTS,
  SQ_COUNT
} sq_id;

static const char *const sq_sql[SQ_COUNT] = {
    [SQ_BEGIN] = "BEGIN IMMEDIATE",
    [SQ_BEGIN_READ] = "BEGIN",
    [SQ_COMMIT] = "COMMIT",
    [SQ_ROLLBACK] = "ROLLBACK",
    [SQ_SAVEPOINT] = "SAVEPOINT job",
    [SQ_RELEASE] = "RELEASE job",
    [SQ_ROLLBACK_TO] = "ROLLBACK TO job",
    [SQ_SCHEMA_VERSION] = "SELECT COALESCE(MAX(version), 0) FROM schema_version",
    [SQ_BCP_INSERT] =
        "INSERT INTO bcp (code, name, country, kind, active, created_ms) VALUES (?, ?, ?, ?, ?, ?)",
    [SQ_BCP_GET] = "SELECT " BCP_COLS " FROM bcp WHERE id = ?",
    [SQ_BCP_LIST] = "SELECT " BCP_COLS " FROM bcp ORDER BY id LIMIT ?",
    [SQ_USER_INSERT] = "INSERT INTO app_user (username, display_name, role, password_hash, bcp_id, "
                       "disabled, password_changed_ms, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    [SQ_USER_GET] = "SELECT " USER_COLS " FROM app_user WHERE id = ?",
    [SQ_USER_GET_BY_NAME] = "SELECT " USER_COLS " FROM app_user WHERE username = ?",
    [SQ_USER_LIST] = "SELECT " USER_COLS " FROM app_user ORDER BY id LIMIT ?",
    [SQ_USER_SET_PASSWORD] = "UPDATE app_user SET password_hash = ?2, password_changed_ms = ?3, "
                             "failed_count = 0, locked_until_ms = 0 WHERE id = ?1",
    [SQ_USER_SET_ROLE] = "UPDATE app_user SET role = ?2 WHERE id = ?1",
    [SQ_USER_SET_DISABLED] = "UPDATE app_user SET disabled = ?2 WHERE id = ?1",
    [SQ_USER_SIGNIN_FAILED] =
        "UPDATE app_user SET "
        "locked_until_ms = CASE WHEN failed_count + 1 >= ?2 THEN ?3 ELSE locked_until_ms END, "
        "failed_count = CASE WHEN failed_count + 1 >= ?2 THEN 0 ELSE failed_count + 1 END "
        "WHERE id = ?1",
    [SQ_USER_SIGNIN_OK] = "UPDATE app_user SET failed_count = 0, locked_until_ms = 0, "
                          "last_signin_ms = ?2 WHERE id = ?1",
    [SQ_SESSION_INSERT] =
        "INSERT INTO session (user_id, token_hash, csrf_token, kind, source_addr, created_ms, "
        "last_seen_ms, expires_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    [SQ_SESSION_GET_BY_HASH] = "SELECT " SESSION_COLS " FROM session WHERE token_hash = ?",
    [SQ_SESSION_TOUCH] = "UPDATE session SET last_seen_ms = ?2 WHERE id = ?1 AND last_seen_ms < ?2",
    [SQ_SESSION_REVOKE] = "UPDATE session SET revoked_ms = ?2 WHERE id = ?1 AND revoked_ms = 0",
    [SQ_SESSION_REVOKE_USER] =
        "UPDATE session SET revoked_ms = ?2 WHERE user_id = ?1 AND revoked_ms = 0 "
        "AND expires_ms > ?2",
    [SQ_SESSION_PURGE] =
        "DELETE FROM session WHERE expires_ms < ?1 OR (revoked_ms <> 0 AND revoked_ms < ?1)",
    [SQ_DOC_FIND] =
        "SELECT id, traveller_id, created_ms FROM document WHERE number = ? AND issuing_state = ?",
    [SQ_TRAV_INSERT] = "INSERT INTO traveller (surname, given_names, birth_date, sex, nationality, "
                       "created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
    [SQ_TRAV_UPDATE] = "UPDATE traveller SET surname = ?2, given_names = ?3, birth_date = ?4, "
                       "sex = ?5, nationality = ?6, updated_ms = ?7 WHERE id = ?1",
    [SQ_DOC_INSERT] = "INSERT INTO document (traveller_id, doc_type, number, issuing_state, "
                      "expiry_date, created_ms) VALUES (?, ?, ?, ?, ?, ?)",
    [SQ_DOC_UPDATE] = "UPDATE document SET doc_type = ?2, expiry_date = ?3 WHERE id = ?1",
    [SQ_TRAV_GET] = "SELECT " TRAV_COLS " FROM traveller WHERE id = ?",
    [SQ_DOC_LIST_BY_TRAV] =
        "SELECT " DOC_COLS " FROM document WHERE traveller_id = ? ORDER BY id DESC LIMIT ?",
    [SQ_TRAV_SEARCH] =
        "SELECT " TRAV_COLS " FROM traveller WHERE "
        "(?1 IS NULL OR surname = ?1) AND (?2 IS NULL OR substr(surname, 1, length(?2)) = ?2) AND "
        "(?3 IS NULL OR given_names = ?3) AND "
        "(?4 IS NULL OR substr(given_names, 1, length(?4)) = ?4) AND "
        "(?5 IS NULL OR birth_date = ?5) AND "
        "(?6 IS NULL OR id IN (SELECT traveller_id FROM document WHERE number = ?6)) "
        "ORDER BY id LIMIT ?7",
    [SQ_CROSS_INSERT] =
        "INSERT INTO crossing (traveller_id, document_id, bcp_id, officer_id, direction, time_ms, "
        "decision, remarks, created_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    [SQ_CROSS_REFUSAL_INSERT] = "INSERT INTO crossing_refusal (crossing_id, code) VALUES (?, ?)",
    [SQ_CROSS_GET] = "SELECT " CROSS_COLS " FROM crossing WHERE id = ?",
    [SQ_CROSS_REFUSALS] = "SELECT code FROM crossing_refusal WHERE crossing_id = ? ORDER BY code",
    [SQ_CROSS_LIST_BY_TRAV] = "SELECT " CROSS_COLS " FROM crossing WHERE traveller_id = ? "
                              "ORDER BY time_ms DESC, id DESC LIMIT ?",
    [SQ_CROSS_COUNT] = "SELECT COUNT(*) FROM crossing WHERE (?1 = 0 OR traveller_id = ?1) AND "
                       "(?2 = 0 OR bcp_id = ?2) AND (?3 = 0 OR time_ms >= ?3) AND "
                       "(?4 = 0 OR time_ms < ?4)",
    [SQ_RC_LIST] = "SELECT " RC_COLS " FROM refusal_code ORDER BY code LIMIT ?",
    [SQ_RC_PUT] = "INSERT INTO refusal_code (" RC_COLS ") VALUES (?, ?, ?, ?, ?) "
                  "ON CONFLICT (code) DO UPDATE SET description = excluded.description, "
                  "legal_ref = excluded.legal_ref, valid_from_ms = excluded.valid_from_ms, "
                  "valid_to_ms = excluded.valid_to_ms",
    [SQ_WL_FIND] = "SELECT " WL_COLS " FROM watchlist WHERE name = ?",
    [SQ_WL_INSERT] = "INSERT INTO watchlist (name, kind, created_ms) VALUES (?, ?, ?)",
    [SQ_WL_LIST] = "SELECT " WL_COLS " FROM watchlist ORDER BY id LIMIT ?",
    [SQ_WLV_INSERT] = "INSERT INTO watchlist_version (watchlist_id, version, loaded_ms, "
                      "entry_count, file_sha256, path, loaded_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
    [SQ_WLV_LIST] = "SELECT " WLV_COLS " FROM watchlist_version WHERE watchlist_id = ? "
                    "ORDER BY loaded_ms DESC, id DESC LIMIT ?",
    [SQ_HIT_INSERT] = "INSERT INTO hit (crossing_id, traveller_key, watchlist_id, entry_id, "
                      "score_permille, created_ms, traveller_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
    [SQ_HIT_GET] = "SELECT " HIT_COLS " FROM hit WHERE id = ?",
    /* Newest first along hit_created; the disposition of a hit is the latest one made for its
     * (traveller_key, list, entry) (disposition_key). */
    [SQ_HIT_LIST] =
        "SELECT h.id, h.crossing_id, h.traveller_key, h.watchlist_id, h.entry_id, "
        "h.score_permille, h.created_ms, h.traveller_id, COALESCE(t.surname, ''), "
        "COALESCE(t.given_names, ''), w.name, COALESCE((SELECT d.decision FROM disposition d "
        "WHERE d.traveller_key = h.traveller_key AND d.watchlist_id = h.watchlist_id AND "
        "d.entry_id = h.entry_id ORDER BY d.id DESC LIMIT 1), '') "
        "FROM hit h JOIN watchlist w ON w.id = h.watchlist_id "
        "LEFT JOIN traveller t ON t.id = h.traveller_id "
        "WHERE (?1 = 0 OR NOT EXISTS (SELECT 1 FROM disposition x WHERE "
        "x.traveller_key = h.traveller_key AND x.watchlist_id = h.watchlist_id AND "
        "x.entry_id = h.entry_id)) AND (?2 = 0 OR h.traveller_id = ?2) "
        "ORDER BY h.created_ms DESC, h.id DESC LIMIT ?3",
    [SQ_HIT_STATS_LISTS] =
        "SELECT h.watchlist_id, w.name, COUNT(*) FROM hit h JOIN watchlist w ON "
        "w.id = h.watchlist_id WHERE h.created_ms >= ?1 AND h.created_ms < ?2 "
        "GROUP BY h.watchlist_id, w.name ORDER BY COUNT(*) DESC, w.name LIMIT ?3",
    [SQ_HIT_STATS_DISP] =
        "SELECT k, COUNT(*) FROM (SELECT COALESCE((SELECT d.decision FROM disposition d WHERE "
        "d.traveller_key = h.traveller_key AND d.watchlist_id = h.watchlist_id AND "
        "d.entry_id = h.entry_id ORDER BY d.id DESC LIMIT 1), 'pending') AS k FROM hit h "
        "WHERE h.created_ms >= ?1 AND h.created_ms < ?2) x GROUP BY k",
    /* The statistics walk crossing_time over the range (schema 2): the counts from the index
     * alone, nationality and sex through traveller's primary key. */
    [SQ_CROSS_STATS_COUNTS] =
        "SELECT (time_ms - ?1) / 86400000, bcp_id, direction, decision, COUNT(*) FROM crossing "
        "WHERE time_ms >= ?1 AND time_ms < ?2 AND (?3 = 0 OR bcp_id = ?3) "
        "GROUP BY (time_ms - ?1) / 86400000, bcp_id, direction, decision",
    [SQ_CROSS_STATS_PEOPLE] =
        "SELECT t.nationality, t.sex, COUNT(*) FROM crossing c JOIN traveller t ON "
        "t.id = c.traveller_id WHERE c.time_ms >= ?1 AND c.time_ms < ?2 AND "
        "(?3 = 0 OR c.bcp_id = ?3) GROUP BY t.nationality, t.sex",
    [SQ_CROSS_STATS_CODES] =
        "SELECT r.code, COUNT(*) FROM crossing c JOIN crossing_refusal r ON r.crossing_id = c.id "
        "WHERE c.time_ms >= ?1 AND c.time_ms < ?2 AND (?3 = 0 OR c.bcp_id = ?3) AND "
        "c.decision = 'refused' GROUP BY r.code ORDER BY COUNT(*) DESC, r.code LIMIT ?4",
    [SQ_DISP_INSERT] = "INSERT INTO disposition (hit_id, traveller_key, watchlist_id, entry_id, "
                       "decision, user_id, reason, time_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    [SQ_DISP_LIST] = "SELECT " DISP_COLS " FROM disposition WHERE "
                     "(?1 IS NULL OR traveller_key = ?1) AND (?2 = 0 OR watchlist_id = ?2) "
                     "ORDER BY id LIMIT ?3",
    [SQ_REF_INSERT] = "INSERT INTO referral (crossing_id, traveller_id, bcp_id, opened_by, "
                      "opened_ms, reason, status, notes) VALUES (?, ?, ?, ?, ?, ?, 'open', ?)",
    [SQ_REF_RESOLVE] = "UPDATE referral SET status = 'resolved', resolved_by = ?2, "
                       "resolved_ms = ?3, outcome = ?4, notes = ?5 "
                       "WHERE id = ?1 AND status = 'open'",
    [SQ_REF_GET] = "SELECT " REF_COLS " FROM referral WHERE id = ?",
    [SQ_REF_LIST_OPEN] = "SELECT " REF_COLS " FROM referral WHERE status = 'open' AND "
                         "(?1 = 0 OR bcp_id = ?1) ORDER BY opened_ms, id LIMIT ?2",
    /* The latest admitted crossing of the traveller is this entry (crossing_traveller_time). */
    [SQ_OPEN_STAYS] = "SELECT c.traveller_id, c.id, c.time_ms, t.nationality FROM crossing c "
                      "JOIN traveller t ON t.id = c.traveller_id WHERE c.direction = 'entry' AND "
                      "c.decision = 'admitted' AND c.time_ms >= ?1 AND NOT EXISTS (SELECT 1 FROM "
                      "crossing x WHERE x.traveller_id = c.traveller_id AND x.decision = "
                      "'admitted' AND (x.time_ms > c.time_ms OR (x.time_ms = c.time_ms AND x.id > "
                      "c.id))) ORDER BY c.time_ms, c.id LIMIT ?2",
    [SQ_AUDIT_LAST] = "SELECT id, hash FROM audit_event ORDER BY id DESC LIMIT 1",
    [SQ_AUDIT_INSERT] =
        "INSERT INTO audit_event (" AUDIT_COLS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    [SQ_AUDIT_LIST] = "SELECT " AUDIT_COLS " FROM audit_event WHERE id > ?1 AND "
                      "(?2 = 0 OR actor_id = ?2) AND (?3 IS NULL OR action = ?3) AND "
                      "(?4 IS NULL OR object_type = ?4) AND (?5 IS NULL OR object_id = ?5) AND "
                      "(?6 = 0 OR time_ms >= ?6) AND (?7 = 0 OR time_ms < ?7) "
                      "ORDER BY id LIMIT ?8",
    [SQ_AUDIT_WALK] = "SELECT " AUDIT_COLS " FROM audit_event ORDER BY id",
    [SQ_APIF_FIND] = "SELECT id FROM api_flight WHERE carrier = ?1 AND number = ?2 AND "
                     "departure_airport = ?3 AND departure_time = ?4",
    [SQ_APIF_INSERT] =
        "INSERT INTO api_flight (carrier, number, departure_airport, departure_time, "
        "arrival_airport, arrival_time, arrival_ms, retain_until_ms, status, first_received_ms, "
        "last_received_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    /* A later message may bring the arrival; retention only grows. */
    [SQ_APIF_UPDATE] =
        "UPDATE api_flight SET arrival_airport = CASE WHEN ?2 <> '' THEN ?2 ELSE arrival_airport "
        "END, arrival_time = CASE WHEN ?3 <> '' THEN ?3 ELSE arrival_time END, arrival_ms = CASE "
        "WHEN ?4 <> 0 THEN ?4 ELSE arrival_ms END, retain_until_ms = MAX(retain_until_ms, ?5), "
        "status = ?6, last_received_ms = MAX(last_received_ms, ?7) WHERE id = ?1",
    [SQ_APIF_LIST] = "SELECT " APIF_COLS " FROM api_flight f WHERE " APIF_WHEN " >= ?1 AND "
                     "(?2 = 0 OR " APIF_WHEN " < ?2) ORDER BY " APIF_WHEN " DESC, f.id DESC "
                     "LIMIT ?3",
    [SQ_APIF_GET] = "SELECT " APIF_COLS " FROM api_flight f WHERE f.id = ?",
    [SQ_APIM_INSERT] =
        "INSERT INTO api_message (flight_id, received_ms, received_by, sender, control_ref, "
        "message_ref, common_access_ref, part, last_part, list_type, document_id, persons, "
        "errors, warnings, bytes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    [SQ_APIM_LIST] =
        "SELECT " APIM_COLS " FROM api_message WHERE flight_id = ? ORDER BY id LIMIT ?",
    [SQ_APIP_FIND_REF] =
        "SELECT id FROM api_person WHERE flight_id = ?1 AND passenger_ref = ?2 LIMIT 1",
    [SQ_APIP_FIND_DOC] = "SELECT id FROM api_person WHERE flight_id = ?1 AND doc_number = ?2 AND "
                         "doc_issuing_state = ?3 AND birth_date = ?4 LIMIT 1",
    [SQ_APIP_FIND_NAME] =
        "SELECT id FROM api_person WHERE flight_id = ?1 AND doc_number = '' AND surname = ?2 AND "
        "given_names = ?3 AND birth_date = ?4 LIMIT 1",
    [SQ_APIP_DELETE] = "DELETE FROM api_person WHERE id = ?",
    [SQ_APIP_INSERT] =
        "INSERT INTO api_person (flight_id, message_id, role, surname, given_names, sex, "
        "birth_date, nationality, residence_country, doc_type, doc_number, doc_issuing_state, "
        "doc_expiry, seat, reservation_ref, passenger_ref, embarkation, debarkation, "
        "traveller_key, board, hits, max_score_permille, screened_ms, board_text) VALUES (?, ?, "
        "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    /* Hits first: no board, then the best score, then by name. */
    [SQ_APIP_LIST] = "SELECT " APIP_COLS " FROM api_person p WHERE p.flight_id = ?1 ORDER BY "
                     "(p.board = 'no_board') DESC, p.max_score_permille DESC, p.surname, "
                     "p.given_names, p.id LIMIT ?2",
    [SQ_APIP_BY_DOC] = "SELECT " APIP_COLS " FROM api_person p JOIN api_flight f ON f.id = "
                       "p.flight_id WHERE p.doc_number = ?1 AND p.doc_issuing_state = ?2 AND "
                       "" APIF_WHEN " >= ?3 ORDER BY p.screened_ms DESC, p.id DESC LIMIT 1",
    [SQ_APIH_DELETE_PERSON] = "DELETE FROM api_hit WHERE person_id = ?",
    [SQ_APIH_INSERT] =
        "INSERT INTO api_hit (person_id, watchlist_id, entry_id, score_permille, document_match, "
        "matched_name, reasons) VALUES (?, ?, ?, ?, ?, ?, ?)",
    [SQ_APIH_LIST] =
        "SELECT h.id, h.person_id, h.watchlist_id, h.entry_id, h.score_permille, "
        "h.document_match, h.matched_name, h.reasons, w.name, COALESCE((SELECT d.decision FROM "
        "disposition d WHERE d.traveller_key = p.traveller_key AND d.watchlist_id = "
        "h.watchlist_id AND d.entry_id = h.entry_id ORDER BY d.id DESC LIMIT 1), '') FROM api_hit "
        "h JOIN api_person p ON p.id = h.person_id JOIN watchlist w ON w.id = h.watchlist_id "
        "WHERE p.flight_id = ?1 ORDER BY h.person_id, h.score_permille DESC, h.id LIMIT ?2",
    [SQ_API_PURGE_KEPT] = "SELECT COUNT(*) FROM api_person p JOIN api_flight f ON f.id = "
                          "p.flight_id WHERE f.retain_until_ms < ?1 AND " APIP_CONFIRMED,
    [SQ_API_PURGE_HITS] =
        "DELETE FROM api_hit WHERE person_id IN (SELECT p.id FROM api_person p JOIN api_flight f "
        "ON f.id = p.flight_id WHERE f.retain_until_ms < ?1 AND NOT " APIP_CONFIRMED ")",
    /* After the hits above: a person past retention without hits left is not confirmed. */
    [SQ_API_PURGE_PERSONS] =
        "DELETE FROM api_person WHERE id IN (SELECT p.id FROM api_person p JOIN api_flight f "
        "ON f.id = p.flight_id WHERE f.retain_until_ms < ?1 AND NOT " APIP_CONFIRMED ")",
    [SQ_API_PURGE_MESSAGES] =
        "DELETE FROM api_message WHERE flight_id IN (SELECT id FROM api_flight WHERE "
        "retain_until_ms < ?1) AND NOT EXISTS (SELECT 1 FROM api_person p WHERE p.message_id = "
        "api_message.id)",
    [SQ_API_PURGE_FLIGHTS] =
        "DELETE FROM api_flight WHERE retain_until_ms < ?1 AND NOT EXISTS (SELECT 1 FROM "
        "api_message m WHERE m.flight_id = api_flight.id)",
};

/* ---- Connections ---- */

typedef struct sq_conn {
  sqlite3 *db;
  sqlite3_stmt *stmts[SQ_COUNT];
  struct sq_conn *next_free;
} sq_conn;

typedef bm_err (*sq_job_fn)(sq_conn *w, void *arg, bm_diag *d);

typedef struct sq_job {
  sq_job_fn fn;
  void *arg;
  bm_diag *diag; /* the caller's (may be NULL): the caller is blocked until done */
  bm_err err;
  int done;
  pthread_cond_t cv; /* signalled when done: one wake-up per job, no thundering herd */
  struct sq_job *next;
} sq_job;

struct store_backend {
  char *path;
  sq_conn *writer;
  pthread_t thread;
  int thread_started;
  pthread_mutex_t mu;      /* guards the queue and the done flags */
  pthread_cond_t cv_work;  /* the writer waits for jobs */
  pthread_cond_t cv_space; /* callers wait for room in the queue */
  sq_job *head, *tail;
  size_t queued;
  int stopping;
  pthread_mutex_t rmu; /* guards the reader pool */
  pthread_cond_t rcv;  /* callers wait for a free reader */
  sq_conn *free_readers;
  unsigned nreaders;
  sq_conn *ckpt; /* the checkpointer's connection */
  pthread_t ckpt_thread;
  int ckpt_started;
  pthread_mutex_t ckmu; /* guards wal_frames and ckpt_stop */
  pthread_cond_t ckcv;
  int wal_frames; /* WAL size after the last commit (the writer's wal_hook) */
  int ckpt_stop;
};

static bm_err sq_fail(sq_conn *c, int rc, const char *hint, bm_diag *d) {
  const char *msg = c && c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc);
  int ext = c && c->db ? sqlite3_extended_errcode(c->db) : rc;
  if ((rc & 0xff) == SQLITE_CONSTRAINT) {
    const char *field = hint;
    const char *dot = strrchr(msg, '.');
    if ((ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY) && dot)
      field = dot + 1;
    if (ext == SQLITE_CONSTRAINT_FOREIGNKEY)
      return bm_diag_set(d, BM_ERR_INVALID, field, 0, 0,
                         "refers to a record that does not exist (%s)", msg);
    if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
      return bm_diag_set(d, BM_ERR_INVALID, field, 0, 0, "already exists (%s)", msg);
    return bm_diag_set(d, BM_ERR_INVALID, field, 0, 0, "%s", msg);
  }
  if ((rc & 0xff) == SQLITE_NOMEM) return bm_diag_set(d, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  return bm_diag_set(d, BM_ERR_IO, NULL, 0, 0, "sqlite: %s", msg);
}

/* The cached statement id, reset and unbound, ready for binding. */
static bm_err stmt(sq_conn *c, sq_id id, sqlite3_stmt **out, bm_diag *d) {
  sqlite3_stmt *st = c->stmts[id];
  if (st == NULL) {
    int rc = sqlite3_prepare_v3(c->db, sq_sql[id], -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
    if (rc != SQLITE_OK) return sq_fail(c, rc, NULL, d);
    c->stmts[id] = st;
  } else {
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
  }
  *out = st;
  return BM_OK;
}

#define TRY(expr)                                                                                  \
  do {                                                                                             \
    bm_err e_ = (expr);                                                                            \
    if (e_ != BM_OK) return e_;                                                                    \
  } while (0)

/* Run a statement without result rows: one step, then reset. */
static bm_err run(sq_conn *c, sqlite3_stmt *st, const char *hint, bm_diag *d) {
  int rc = sqlite3_step(st);
  bm_err e = rc == SQLITE_DONE || rc == SQLITE_ROW ? BM_OK : sq_fail(c, rc, hint, d);
  sqlite3_reset(st);
  return e;
}

static bm_err run_id(sq_conn *c, sq_id id, bm_diag *d) {
  sqlite3_stmt *st;
  TRY(stmt(c, id, &st, d));
  return run(c, st, NULL, d);
}

static bm_err run_insert(sq_conn *c, sqlite3_stmt *st, int64_t *id, const char *hint, bm_diag *d) {
  TRY(run(c, st, hint, d));
  *id = sqlite3_last_insert_rowid(c->db);
  return BM_OK;
}

static void bind_text(sqlite3_stmt *st, int i, const char *s) {
  sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}
static void bind_opt_text(sqlite3_stmt *st, int i, const char *s) {
  if (s)
    bind_text(st, i, s);
  else
    sqlite3_bind_null(st, i);
}
static void bind_ref(sqlite3_stmt *st, int i, int64_t id) { /* 0 = NULL reference */
  if (id)
    sqlite3_bind_int64(st, i, id);
  else
    sqlite3_bind_null(st, i);
}
static void bind_limit(sqlite3_stmt *st, int i, size_t cap) {
  sqlite3_bind_int64(st, i, cap > (size_t)INT64_MAX ? INT64_MAX : (int64_t)cap);
}

/* Copy text column i into dst[cap]; sets *bad when it does not fit (a database edited by hand). */
static void col_text(sqlite3_stmt *st, int i, char *dst, size_t cap, int *bad) {
  const unsigned char *t = sqlite3_column_text(st, i);
  size_t n = (size_t)sqlite3_column_bytes(st, i);
  if (t == NULL) n = 0;
  if (n >= cap) {
    n = cap - 1;
    *bad = 1;
  }
  if (n) memcpy(dst, t, n);
  dst[n] = '\0';
}
#define COL_I64(i)       sqlite3_column_int64(st, i)
#define COL_TEXT(i, dst) col_text(st, i, dst, sizeof(dst), &bad)
static bm_err too_long(bm_diag *d) {
  return bm_diag_set(d, BM_ERR_INVALID, NULL, 0, 0, "a stored value is longer than its limit");
}

static void conn_close(sq_conn *c) {
  if (c == NULL) return;
  for (int i = 0; i < SQ_COUNT; i++) sqlite3_finalize(c->stmts[i]);
  sqlite3_close(c->db);
  free(c);
}

static bm_err conn_exec(sq_conn *c, const char *sql, bm_diag *d) {
  char *msg = NULL;
  int rc = sqlite3_exec(c->db, sql, NULL, NULL, &msg);
  if (rc == SQLITE_OK) return BM_OK;
  bm_err e = bm_diag_set(d, BM_ERR_IO, NULL, 0, 0, "sqlite: %s", msg ? msg : sqlite3_errstr(rc));
  sqlite3_free(msg);
  return e;
}

/* Connection roles. */
enum { SQ_READER = 0, SQ_WRITER = 1, SQ_CHECKPOINTER = 2 };

static bm_err conn_open(const char *path, int writer, sq_conn **out, bm_diag *d) {
  sq_conn *c = calloc(1, sizeof *c);
  if (c == NULL) return bm_diag_set(d, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (writer ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2(path, &c->db, flags, NULL);
  if (rc != SQLITE_OK) {
    bm_err e = bm_diag_set(d, BM_ERR_IO, NULL, 0, 0, "%s: %s", path,
                           c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
    conn_close(c);
    return e;
  }
  sqlite3_extended_result_codes(c->db, 1);
  sqlite3_busy_timeout(c->db, SQ_BUSY_TIMEOUT_MS);
  /* WAL: readers and the writer do not block each other. synchronous=FULL: a COMMIT returns only
   * after the WAL is on disk, which is what "acknowledged" means for a crossing. */
  bm_err e =
      conn_exec(c,
                writer == SQ_WRITER         ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                                              "PRAGMA foreign_keys=ON;"
                : writer == SQ_CHECKPOINTER ? "PRAGMA synchronous=FULL;"
                                            : "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
                                              "PRAGMA query_only=ON;",
                d);
  if (e == BM_OK && writer == SQ_WRITER) {
    sqlite3_stmt *st = NULL;
    rc = sqlite3_prepare_v2(c->db, "PRAGMA journal_mode", -1, &st, NULL);
    if (rc != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW ||
        strcmp((const char *)sqlite3_column_text(st, 0), "wal") != 0)
      e = bm_diag_set(d, BM_ERR_IO, NULL, 0, 0, "%s: cannot switch the database to WAL mode", path);
    sqlite3_finalize(st);
  }
  if (e != BM_OK) {
    conn_close(c);
    return e;
  }
  *out = c;
  return BM_OK;
}

/* ---- Migrations ---- */

static bm_err migrate(sq_conn *w, bm_diag *d) {
  TRY(conn_exec(w, "BEGIN IMMEDIATE", d));
  bm_err e = conn_exec(w,
                       "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
                       "name TEXT NOT NULL, applied_ms BIGINT NOT NULL)",
                       d);
  int64_t have = 0;
  sqlite3_stmt *st = NULL;
  if (e == BM_OK) e = stmt(w, SQ_SCHEMA_VERSION, &st, d);
  if (e == BM_OK) {
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
      have = sqlite3_column_int64(st, 0);
    else
      e = sq_fail(w, rc, NULL, d);
    sqlite3_reset(st);
  }
  int newest = store__migrations_count ? store__migrations[store__migrations_count - 1].version : 0;
  if (e == BM_OK && have > newest)
    e = bm_diag_set(d, BM_ERR_UNSUPPORTED, "schema_version", 0, 0,
                    "the database has schema version %lld, newer than this binary's %d: "
                    "use a newer bmis",
                    (long long)have, newest);
  for (unsigned i = 0; e == BM_OK && i < store__migrations_count; i++) {
    const store__migration *m = &store__migrations[i];
    if (m->version <= have) continue;
    char *sql = store__migration_sql(m->sql, "INTEGER PRIMARY KEY");
    if (sql == NULL) {
      e = bm_diag_set(d, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
      break;
    }
    e = conn_exec(w, sql, d);
    free(sql);
    if (e != BM_OK) {
      char msg[BM_DIAG_MESSAGE_BYTES_MAX];
      snprintf(msg, sizeof msg, "%s", d ? d->message : "");
      e = bm_diag_set(d, e, "migration", 0, 0, "migration %s failed: %s", m->name, msg);
      break;
    }
    sqlite3_stmt *ins = NULL;
    int rc = sqlite3_prepare_v2(
        w->db, "INSERT INTO schema_version (version, name, applied_ms) VALUES (?, ?, ?)", -1, &ins,
        NULL);
    if (rc == SQLITE_OK) {
      sqlite3_bind_int(ins, 1, m->version);
      bind_text(ins, 2, m->name);
      sqlite3_bind_int64(ins, 3, store_now_ms());
      rc = sqlite3_step(ins);
    }
    if (rc != SQLITE_DONE) e = sq_fail(w, rc, NULL, d);
    sqlite3_finalize(ins);
  }
  if (e == BM_OK) return conn_exec(w, "COMMIT", d);
  conn_exec(w, "ROLLBACK", NULL);
  return e;
}

/* ---- The writer and group commit ---- */

static void run_batch(store_backend *b, sq_job *jobs) {
  sq_conn *w = b->writer;
  int single = jobs->next == NULL;
  bm_diag bd = {0};
  bm_err e = run_id(w, SQ_BEGIN, &bd);
  if (e != BM_OK) {
    for (sq_job *j = jobs; j; j = j->next) {
      j->err = e;
      if (j->diag) *j->diag = bd;
    }
    return;
  }
  int ok = 0;
  for (sq_job *j = jobs; j; j = j->next) {
    if (single) {
      j->err = j->fn(w, j->arg, j->diag);
    } else if ((j->err = run_id(w, SQ_SAVEPOINT, j->diag)) == BM_OK) {
      j->err = j->fn(w, j->arg, j->diag);
      if (j->err != BM_OK) run_id(w, SQ_ROLLBACK_TO, NULL);
      run_id(w, SQ_RELEASE, NULL);
    }
    ok += j->err == BM_OK;
  }
  if (ok == 0) {
    run_id(w, SQ_ROLLBACK, NULL);
    return;
  }
  e = run_id(w, SQ_COMMIT, &bd);
  if (e != BM_OK) {
    run_id(w, SQ_ROLLBACK, NULL);
    for (sq_job *j = jobs; j; j = j->next) {
      if (j->err != BM_OK) continue;
      j->err = bm_diag_set(j->diag, BM_ERR_IO, NULL, 0, 0, "commit failed: %s", bd.message);
    }
  }
}

/* The writer's wal_hook (replaces SQLite's automatic checkpoint on that connection). */
static int wal_hook(void *arg, sqlite3 *db, const char *name, int frames) {
  (void)db;
  (void)name;
  store_backend *b = arg;
  pthread_mutex_lock(&b->ckmu);
  b->wal_frames = frames;
  if (frames >= SQ_CKPT_FRAMES) pthread_cond_signal(&b->ckcv);
  pthread_mutex_unlock(&b->ckmu);
  return SQLITE_OK;
}

static void *checkpointer_main(void *arg) {
  store_backend *b = arg;
  pthread_mutex_lock(&b->ckmu);
  while (!b->ckpt_stop) {
    if (b->wal_frames < SQ_CKPT_FRAMES) {
      struct timespec ts;
      clock_gettime(CLOCK_REALTIME, &ts);
      ts.tv_sec += SQ_CKPT_IDLE_MS / 1000;
      pthread_cond_timedwait(&b->ckcv, &b->ckmu, &ts);
    }
    if (b->ckpt_stop) break;
    if (b->wal_frames == 0) continue;
    b->wal_frames = 0; /* the writer's next commit reports the size again */
    pthread_mutex_unlock(&b->ckmu);
    int nlog = 0, nckpt = 0;
    /* PASSIVE: copies what it can without waiting for the writer or readers; errors (a busy
     * database during a backup) leave the WAL for the next round. */
    sqlite3_wal_checkpoint_v2(b->ckpt->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &nlog, &nckpt);
    pthread_mutex_lock(&b->ckmu);
  }
  pthread_mutex_unlock(&b->ckmu);
  return NULL;
}

static void *writer_main(void *arg) {
  store_backend *b = arg;
  pthread_mutex_lock(&b->mu);
  for (;;) {
    while (b->head == NULL && !b->stopping) pthread_cond_wait(&b->cv_work, &b->mu);
    if (b->head == NULL) break; /* stopping and drained */
    sq_job *first = b->head, *last = first;
    size_t k = 1;
    while (last->next && k < STORE_BATCH_WRITES_MAX) {
      last = last->next;
      k++;
    }
    b->head = last->next;
    if (b->head == NULL) b->tail = NULL;
    last->next = NULL;
    b->queued -= k;
    pthread_cond_broadcast(&b->cv_space);
    pthread_mutex_unlock(&b->mu);

    run_batch(b, first);

    pthread_mutex_lock(&b->mu);
    for (sq_job *j = first, *next; j; j = next) {
      next = j->next;
      j->done = 1;
      pthread_cond_signal(&j->cv); /* j may be gone once we unlock */
    }
  }
  pthread_mutex_unlock(&b->mu);
  return NULL;
}

/* Queue a write and wait until the transaction holding it committed (or failed). */
static bm_err submit(store_backend *b, sq_job_fn fn, void *arg, bm_diag *d) {
  sq_job job = {.fn = fn, .arg = arg, .diag = d};
  pthread_cond_init(&job.cv, NULL);
  pthread_mutex_lock(&b->mu);
  while (b->queued >= STORE_WRITE_QUEUE_MAX) pthread_cond_wait(&b->cv_space, &b->mu);
  if (b->tail)
    b->tail->next = &job;
  else
    b->head = &job;
  b->tail = &job;
  b->queued++;
  pthread_cond_signal(&b->cv_work);
  while (!job.done) pthread_cond_wait(&job.cv, &b->mu);
  pthread_mutex_unlock(&b->mu);
  pthread_cond_destroy(&job.cv);
  return job.err;
}

/* ---- Readers ---- */

static bm_err reader_get(store_backend *b, sq_conn **out, bm_diag *d) {
  pthread_mutex_lock(&b->rmu);
  while (b->free_readers == NULL && b->nreaders >= STORE_READERS_MAX)
    pthread_cond_wait(&b->rcv, &b->rmu);
  sq_conn *c = b->free_readers;
  if (c) {
    b->free_readers = c->next_free;
    pthread_mutex_unlock(&b->rmu);
    *out = c;
    return BM_OK;
  }
  b->nreaders++;
  pthread_mutex_unlock(&b->rmu);
  bm_err e = conn_open(b->path, SQ_READER, &c, d);
  if (e != BM_OK) {
    pthread_mutex_lock(&b->rmu);
    b->nreaders--;
    pthread_cond_signal(&b->rcv);
    pthread_mutex_unlock(&b->rmu);
    return e;
  }
  *out = c;
  return BM_OK;
}

static void reader_put(store_backend *b, sq_conn *c) {
  pthread_mutex_lock(&b->rmu);
  c->next_free = b->free_readers;
  b->free_readers = c;
  pthread_cond_signal(&b->rcv);
  pthread_mutex_unlock(&b->rmu);
}

/* A read: take a reader, run fn on it, give it back. */
static bm_err with_reader(store_backend *b, sq_job_fn fn, void *arg, bm_diag *d) {
  sq_conn *c;
  TRY(reader_get(b, &c, d));
  bm_err e = fn(c, arg, d);
  reader_put(b, c);
  return e;
}

/* A read of several statements that must see one snapshot. */
static bm_err with_reader_tx(store_backend *b, sq_job_fn fn, void *arg, bm_diag *d) {
  sq_conn *c;
  TRY(reader_get(b, &c, d));
  bm_err e = run_id(c, SQ_BEGIN_READ, d);
  if (e == BM_OK) {
    e = fn(c, arg, d);
    run_id(c, SQ_COMMIT, NULL); /* a read transaction: COMMIT only ends the snapshot */
  }
  reader_put(b, c);
  return e;
}

/* A read of up to cap rows into *n: nothing to do (and *n = 0) when cap is 0. */
static bm_err with_reader_list(store_backend *b, sq_job_fn fn, void *arg, size_t cap, size_t *n,
                               bm_diag *d) {
  *n = 0;
  if (cap == 0) return BM_OK;
  return with_reader(b, fn, arg, d);
}

/* ---- Generic row readers ---- */

typedef bm_err (*row_fn)(sqlite3_stmt *st, void *out, bm_diag *d);

/* Step st, reading up to cap rows of size elem into out with rd; *n receives the count. */
static bm_err read_rows(sq_conn *c, sqlite3_stmt *st, row_fn rd, void *out, size_t elem, size_t cap,
                        size_t *n, bm_diag *d) {
  size_t k = 0;
  bm_err e = BM_OK;
  int rc;
  while (k < cap && (rc = sqlite3_step(st)) == SQLITE_ROW) {
    e = rd(st, (char *)out + k * elem, d);
    if (e != BM_OK) break;
    k++;
  }
  if (e == BM_OK && k < cap && rc != SQLITE_DONE) e = sq_fail(c, rc, NULL, d);
  sqlite3_reset(st);
  *n = k;
  return e;
}

/* Step st expecting one row read with rd; BM_ERR_NOTFOUND when there is none. */
static bm_err read_one(sq_conn *c, sqlite3_stmt *st, row_fn rd, void *out, const char *what,
                       bm_diag *d) {
  int rc = sqlite3_step(st);
  bm_err e;
  if (rc == SQLITE_ROW)
    e = rd(st, out, d);
  else if (rc == SQLITE_DONE)
    e = bm_diag_set(d, BM_ERR_NOTFOUND, NULL, 0, 0, "no such %s", what);
  else
    e = sq_fail(c, rc, NULL, d);
  sqlite3_reset(st);
  return e;
}

static bm_err row_bcp(sqlite3_stmt *st, void *out, bm_diag *d) {
  store_bcp *o = out;
  int bad = 0;
  memset(o, 0, sizeof *o);
  o->id = COL_I64(0);
  COL_TEXT(1, o->code);
  COL_TEXT(2, o->name);
  COL_TEXT(3, o->country);
  COL_TEXT(4, o->kind);
  o->active = (int)COL_I64(5);
  o->created_ms = COL_I64(6);
  return bad ? too_long(d) : BM_OK;
}

static bm_err row_user(sqlite3_stmt *st, void *out, bm_diag *d) {
  store_user *o = out;
  int bad = 0;
  memset(o, 0, sizeof *o);
  o->id = COL_I64(0);
  COL_TEXT(1, o->username);
  COL_TEXT(2, o->display_name);
  COL_TEXT(3, o->role);
  COL_TEXT(4, o->password_hash);
  o->bcp_id = COL_I64(5);
  o->disabled = (int)COL_I64(6);
  o->failed_count = (int)COL_I64(7);
  o->locked_until_ms = COL_I64(8);
  o->last_signin_ms = COL_I64(9);
  o->password_changed_ms = COL_I64(10);
  o->created_ms = COL_I64(11);
  return bad ? too_long(d) : BM_OK;
}

static int unhex32(const char *hex, uint8_t out[32]) {
  if (hex == NULL || strlen(hex) != 64) return -1;
  for (int i = 0; i < 32; i++) {
    int v = 0;
    for (int k = 0; k < 2; k++) {
      char ch = hex[2 * i + k];
      int x = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
      if (x < 0) return -1;
      v = v * 16 + x;
    }
    out[i] = (uint8_t)v;
  }
  return 0;
}

static bm_err row_session(sqlite3_stmt *st, void *out, bm_diag *d) {
  store_session *o = out;
  int bad = 0;
  memset(o, 0, sizeof *o);
  o->id = COL_I64(0);
  o->user_id = COL_I64(1);
  if (unhex32((const char *)sqlite3_column_text(st, 2), o->token_hash) != 0) bad = 1;
  COL_TEXT(3, o->csrf_token);
  COL_TEXT(4, o->kind);
  COL_TEXT(5, o->source_addr);
  o->created_ms = COL_I64(6);
  o->last_seen_ms = COL_I64(7);
  o->expires_ms = COL_I64(8);
  o->revoked_ms = COL_I64(9);
  return bad ? too_long(d) : BM_OK;
}

static bm_err row_traveller(sqlite3_stmt *st, void *out, bm_diag *d) {
  store_traveller *o = out;
  int bad = 0;
  memset(o, 0, sizeof *o);
  o->id = COL_I64(0);
  COL_TEXT(1, o->surname);
  COL_TEXT(2, o->given_names);
  COL_TEXT(3, o->birth_date);
  COL_TEXT(4, o->sex);
  COL_TEXT(5, o->nationality);
  o->created_ms = COL_I64(6);
  o->updated_ms = COL_I64(7);
  return bad ? too_long(d) : BM_OK;
}

static bm_err row_document(sqlite3_stmt *st, void *out, bm_diag *d) {
  store_document *o = out;
  int bad = 0;
  memset(o, 0, sizeof *o);
  o->id = COL_I64(0);
  o->traveller_id = COL_I64(1);
  COL_TEXT(2, o->doc_type);
  COL_TEXT(3, o->number);
  COL_TEXT(4, o->issuing_state);
  COL_TEXT(5, o->expiry_date);
  o->created_ms = COL_I64(6);
  return bad ? too_long(d) : BM_OK;
}

static bm_err row_crossing(sqlite3_stmt *st, void *out, bm_diag *d) {
  store_crossing *o = out;
  int bad = 0;
  memset(o, 0, sizeof *o);
  o->id = COL_I64(0);
  o->traveller_id = COL_I64(1);
  o->document_id = COL_I64(2);
  o->bcp_id = COL_I64(3);
  o->officer_id = COL_I64(4);
  COL_TEXT(5, o->direction);
  o->time_ms = COL_I64(6);
  COL_TEXT(7, o->decision);
  COL_TEXT(8, o->remarks);
  o->created_ms = COL_I64(9);
  return bad ? too_long(d) : BM_OK;
}

static bm_err row_refusal_code(sqlite3_stmt *st, void *out, bm_diag *d) {
  store_refusal_code *o = out;
  int bad = 0;
  memset(o, 0, sizeof *o);
  COL_TEXT(0, o->code);
  COL_TEXT(1, o->description);
  COL_TEXT(2, o->legal_ref);
  o->valid_from_ms = COL_I64(3);
  o->valid_to_ms = COL_I64(4);
  return bad ? too_long(d) : BM_OK;
}

static bm_err row_watchlist(sqlite3_stmt *st, void *out, bm_diag *d) {
  store_watchlist *o = out;
  int bad = 0;
  memset(o, 0, sizeof *o);
  o->id = COL_I64(0);
  COL_TEXT(1, o->name);
  COL_TEXT(2, o->kind);
  o->created_ms = COL_I64(3);
  return bad ? too_long(d) : BM_OK;
}

static bm_err row_wl_version(sqlite3_stmt *st, void *out, bm_diag *d) {
  store_watchlist_version *o = out;
  int bad = 0;
  memset(o, 0, sizeof *o);
  o->id = COL_I64(0);
  o->watchlist_id = COL_I64(1);
  COL_TEXT(2, o->version);
  o->loaded_ms = COL_I64(3);
  o->entry_count = COL_I64(4);
  COL_TEXT(5, o->file_sha256);
  COL_TEXT(6, o->path);
  o->loaded_by = COL_I64(7);
  return bad ? too_long(d) : BM_OK;
}

static bm_err row_hit(sqlite3_stmt *st, void *out, bm_diag *d) {
  store_hit *o = out;
  int bad = 0;
  memset(o, 0, sizeof *o);
  o->id = COL_I64(0);
  o->crossing_id = COL_I64(1);
  COL_TEXT(2, o->traveller_key);
  o->watchlist_id = COL_I64(3);
  COL_TEXT(4, o->entry_id);
  o->score_permille = (int)COL_I64(5);
  o->created_ms = COL_I64(6);
  o->traveller_id = COL_I64(7);
  return bad ? too_long(d) : BM_OK;
}

static bm_err row_hit_view(sqlite3_stmt *st, void *out, bm_diag *d) {
  store_hit_view *o = out;
  int bad = 0;
  memset(o, 0, sizeof *o);
  TRY(row_hit(st, &o->hit, d));
  COL_TEXT(8, o->surname);
  COL_TEXT(9, o->given_names);
  COL_TEXT(10, o->list);
  COL_TEXT(11, o->disposition);
  return bad ? too_long(d) : BM_OK;
}

static bm_err row_disposition(sqlite3_stmt *st, void *out, bm_diag *d) {
  store_disposition *o = out;
  int bad = 0;
  memset(o, 0, sizeof *o);
  o->id = COL_I64(0);
  o->hit_id = COL_I64(1);
  COL_TEXT(2, o->traveller_key);
  o->watchlist_id = COL_I64(3);
  COL_TEXT(4, o->entry_id);
  COL_TEXT(5, o->decision);
  o->user_id = COL_I64(6);
  COL_TEXT(7, o->reason);
  o->time_ms = COL_I64(8);
  return bad ? too_long(d) : BM_OK;
}

static bm_err row_referral(sqlite3_stmt *st, void *out, bm_diag *d) {
  store_referral *o = out;
  int bad = 0;
  memset(o, 0, sizeof *o);
  o->id = COL_I64(0);
  o->crossing_id = COL_I64(1);
  o->traveller_id = COL_I64(2);
  o->bcp_id = COL_I64(3);
  o->opened_by = COL_I64(4);
  o->opened_ms = COL_I64(5);
  COL_TEXT(6, o->reason);
  COL_TEXT(7, o->status);
  o->resolved_by = COL_I64(8);
  o->resolved_ms = COL_I64(9);
  COL_TEXT(10, o->outcome);
  COL_TEXT(11, o->notes);
  return bad ? too_long(d) : BM_OK;
}

static bm_err row_audit(sqlite3_stmt *st, void *out, bm_diag *d) {
  store_audit_event *o = out;
  int bad = 0;
  memset(o, 0, sizeof *o);
  o->id = COL_I64(0);
  o->time_ms = COL_I64(1);
  o->actor_id = COL_I64(2);
  COL_TEXT(3, o->actor_name);
  COL_TEXT(4, o->role);
  COL_TEXT(5, o->source_addr);
  COL_TEXT(6, o->action);
  COL_TEXT(7, o->object_type);
  COL_TEXT(8, o->object_id);
  COL_TEXT(9, o->reason);
  COL_TEXT(10, o->outcome);
  COL_TEXT(11, o->prev_hash);
  COL_TEXT(12, o->hash);
  return bad ? too_long(d) : BM_OK;
}

/* Reads "get by id": statement with ?1 = id, one row. */
typedef struct get_args {
  sq_id sid;
  int64_t id;
  const char *text; /* instead of id when not NULL */
  row_fn rd;
  void *out;
  const char *what;
} get_args;

static bm_err r_get(sq_conn *c, void *arg, bm_diag *d) {
  get_args *a = arg;
  sqlite3_stmt *st;
  TRY(stmt(c, a->sid, &st, d));
  if (a->text)
    bind_text(st, 1, a->text);
  else
    sqlite3_bind_int64(st, 1, a->id);
  return read_one(c, st, a->rd, a->out, a->what, d);
}

static bm_err get_by(store_backend *b, sq_id sid, int64_t id, const char *text, row_fn rd,
                     void *out, const char *what, bm_diag *d) {
  get_args a = {sid, id, text, rd, out, what};
  return with_reader(b, r_get, &a, d);
}

/* Reads "list": statement with optional ?1 = key and the limit last. */
typedef struct list_args {
  sq_id sid;
  int nkeys; /* 0 or 1 int64 key before the limit */
  int64_t key;
  row_fn rd;
  void *out;
  size_t elem, cap, *n;
} list_args;

static bm_err r_list(sq_conn *c, void *arg, bm_diag *d) {
  list_args *a = arg;
  sqlite3_stmt *st;
  TRY(stmt(c, a->sid, &st, d));
  if (a->nkeys) sqlite3_bind_int64(st, 1, a->key);
  bind_limit(st, a->nkeys + 1, a->cap);
  return read_rows(c, st, a->rd, a->out, a->elem, a->cap, a->n, d);
}

static bm_err list_by(store_backend *b, sq_id sid, int nkeys, int64_t key, row_fn rd, void *out,
                      size_t elem, size_t cap, size_t *n, bm_diag *d) {
  list_args a = {sid, nkeys, key, rd, out, elem, cap, n};
  return with_reader_list(b, r_list, &a, cap, n, d);
}

/* Writes that update one row by id: ?1 = id, then up to 4 values; NOTFOUND when no row changed
 * and require_change is set. */
typedef struct upd_args {
  sq_id sid;
  int64_t id;
  int nvals;
  int64_t ival[4];
  const char *tval[4]; /* a value is text when its tval is not NULL */
  int require_change;
  const char *what;
} upd_args;

static bm_err w_update(sq_conn *c, void *arg, bm_diag *d) {
  upd_args *a = arg;
  sqlite3_stmt *st;
  TRY(stmt(c, a->sid, &st, d));
  sqlite3_bind_int64(st, 1, a->id);
  for (int i = 0; i < a->nvals; i++) {
    if (a->tval[i])
      bind_text(st, i + 2, a->tval[i]);
    else
      sqlite3_bind_int64(st, i + 2, a->ival[i]);
  }
  TRY(run(c, st, NULL, d));
  if (a->require_change && sqlite3_changes(c->db) == 0)
    return bm_diag_set(d, BM_ERR_NOTFOUND, NULL, 0, 0, "no such %s", a->what);
  return BM_OK;
}

/* ---- Schema ---- */

static bm_err r_schema_version(sq_conn *c, void *arg, bm_diag *d) {
  sqlite3_stmt *st;
  TRY(stmt(c, SQ_SCHEMA_VERSION, &st, d));
  int rc = sqlite3_step(st);
  bm_err e = rc == SQLITE_ROW ? BM_OK : sq_fail(c, rc, NULL, d);
  if (e == BM_OK) *(int64_t *)arg = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return e;
}

static bm_err sq_schema_version(store_backend *b, int64_t *v, bm_diag *d) {
  return with_reader(b, r_schema_version, v, d);
}

/* ---- BCPs ---- */

static bm_err w_bcp_add(sq_conn *c, void *arg, bm_diag *d) {
  store_bcp *x = arg;
  sqlite3_stmt *st;
  TRY(stmt(c, SQ_BCP_INSERT, &st, d));
  bind_text(st, 1, x->code);
  bind_text(st, 2, x->name);
  bind_text(st, 3, x->country);
  bind_text(st, 4, x->kind);
  sqlite3_bind_int(st, 5, x->active);
  sqlite3_bind_int64(st, 6, x->created_ms);
  return run_insert(c, st, &x->id, "code", d);
}
static bm_err sq_bcp_add(store_backend *b, store_bcp *x, bm_diag *d) {
  return submit(b, w_bcp_add, x, d);
}
static bm_err sq_bcp_get(store_backend *b, int64_t id, store_bcp *out, bm_diag *d) {
  return get_by(b, SQ_BCP_GET, id, NULL, row_bcp, out, "BCP", d);
}
static bm_err sq_bcp_list(store_backend *b, store_bcp *out, size_t cap, size_t *n, bm_diag *d) {
  return list_by(b, SQ_BCP_LIST, 0, 0, row_bcp, out, sizeof *out, cap, n, d);
}

/* ---- Users ---- */

static bm_err w_user_add(sq_conn *c, void *arg, bm_diag *d) {
  store_user *x = arg;
  sqlite3_stmt *st;
  TRY(stmt(c, SQ_USER_INSERT, &st, d));
  bind_text(st, 1, x->username);
  bind_text(st, 2, x->display_name);
  bind_text(st, 3, x->role);
  bind_text(st, 4, x->password_hash);
  bind_ref(st, 5, x->bcp_id);
  sqlite3_bind_int(st, 6, x->disabled);
  sqlite3_bind_int64(st, 7, x->password_changed_ms);
  sqlite3_bind_int64(st, 8, x->created_ms);
  return run_insert(c, st, &x->id, "bcp_id", d);
}
static bm_err sq_user_add(store_backend *b, store_user *x, bm_diag *d) {
  return submit(b, w_user_add, x, d);
}
static bm_err sq_user_get(store_backend *b, int64_t id, store_user *out, bm_diag *d) {
  return get_by(b, SQ_USER_GET, id, NULL, row_user, out, "user", d);
}
static bm_err sq_user_get_by_name(store_backend *b, const char *name, store_user *out, bm_diag *d) {
  return get_by(b, SQ_USER_GET_BY_NAME, 0, name, row_user, out, "user", d);
}
static bm_err sq_user_list(store_backend *b, store_user *out, size_t cap, size_t *n, bm_diag *d) {
  return list_by(b, SQ_USER_LIST, 0, 0, row_user, out, sizeof *out, cap, n, d);
}
static bm_err sq_user_set_password(store_backend *b, int64_t id, const char *hash, int64_t now,
                                   bm_diag *d) {
  upd_args a = {SQ_USER_SET_PASSWORD, id, 2, {0, now}, {hash, NULL}, 1, "user"};
  return submit(b, w_update, &a, d);
}
static bm_err sq_user_set_role(store_backend *b, int64_t id, const char *role, bm_diag *d) {
  upd_args a = {SQ_USER_SET_ROLE, id, 1, {0}, {role}, 1, "user"};
  return submit(b, w_update, &a, d);
}
static bm_err sq_user_set_disabled(store_backend *b, int64_t id, int disabled, bm_diag *d) {
  upd_args a = {SQ_USER_SET_DISABLED, id, 1, {disabled}, {NULL}, 1, "user"};
  return submit(b, w_update, &a, d);
}

typedef struct signin_args {
  upd_args upd;
  store_user *after;
} signin_args;

static bm_err w_user_signin_failed(sq_conn *c, void *arg, bm_diag *d) {
  signin_args *a = arg;
  TRY(w_update(c, &a->upd, d));
  if (a->after == NULL) return BM_OK;
  get_args g = {SQ_USER_GET, a->upd.id, NULL, row_user, a->after, "user"};
  return r_get(c, &g, d);
}
static bm_err sq_user_signin_failed(store_backend *b, int64_t id, int64_t now, int failures_max,
                                    int64_t lock_ms, store_user *after, bm_diag *d) {
  signin_args a = {{SQ_USER_SIGNIN_FAILED, id, 2, {failures_max, now + lock_ms}, {0}, 1, "user"},
                   after};
  return submit(b, w_user_signin_failed, &a, d);
}
static bm_err sq_user_signin_ok(store_backend *b, int64_t id, int64_t now, bm_diag *d) {
  upd_args a = {SQ_USER_SIGNIN_OK, id, 1, {now}, {NULL}, 1, "user"};
  return submit(b, w_update, &a, d);
}

/* ---- Sessions ---- */

static bm_err w_session_create(sq_conn *c, void *arg, bm_diag *d) {
  store_session *x = arg;
  char hex[STORE_SHA256_HEX_BYTES];
  store__hex(x->token_hash, sizeof x->token_hash, hex);
  sqlite3_stmt *st;
  TRY(stmt(c, SQ_SESSION_INSERT, &st, d));
  sqlite3_bind_int64(st, 1, x->user_id);
  bind_text(st, 2, hex);
  bind_text(st, 3, x->csrf_token);
  bind_text(st, 4, x->kind);
  bind_text(st, 5, x->source_addr);
  sqlite3_bind_int64(st, 6, x->created_ms);
  sqlite3_bind_int64(st, 7, x->last_seen_ms);
  sqlite3_bind_int64(st, 8, x->expires_ms);
  return run_insert(c, st, &x->id, "user_id", d);
}
static bm_err sq_session_create(store_backend *b, store_session *x, bm_diag *d) {
  return submit(b, w_session_create, x, d);
}
static bm_err sq_session_get_by_hash(store_backend *b, const uint8_t *hash, store_session *out,
                                     bm_diag *d) {
  char hex[STORE_SHA256_HEX_BYTES];
  store__hex(hash, STORE_TOKEN_HASH_BYTES, hex);
  return get_by(b, SQ_SESSION_GET_BY_HASH, 0, hex, row_session, out, "session", d);
}
static bm_err sq_session_touch(store_backend *b, int64_t id, int64_t now, bm_diag *d) {
  upd_args a = {SQ_SESSION_TOUCH, id, 1, {now}, {NULL}, 0, "session"};
  return submit(b, w_update, &a, d);
}
static bm_err sq_session_revoke(store_backend *b, int64_t id, int64_t now, bm_diag *d) {
  upd_args a = {SQ_SESSION_REVOKE, id, 1, {now}, {NULL}, 0, "session"};
  return submit(b, w_update, &a, d);
}

typedef struct count_upd_args {
  upd_args upd;
  int64_t *count;
} count_upd_args;
static bm_err w_update_count(sq_conn *c, void *arg, bm_diag *d) {
  count_upd_args *a = arg;
  TRY(w_update(c, &a->upd, d));
  *a->count = sqlite3_changes(c->db);
  return BM_OK;
}
static bm_err sq_session_revoke_user(store_backend *b, int64_t user_id, int64_t now, int64_t *count,
                                     bm_diag *d) {
  count_upd_args a = {{SQ_SESSION_REVOKE_USER, user_id, 1, {now}, {NULL}, 0, "user"}, count};
  return submit(b, w_update_count, &a, d);
}
static bm_err sq_session_purge(store_backend *b, int64_t before, int64_t *count, bm_diag *d) {
  /* ?1 is the only parameter: w_update binds the "id" slot to it. */
  count_upd_args a = {{SQ_SESSION_PURGE, before, 0, {0}, {NULL}, 0, "session"}, count};
  return submit(b, w_update_count, &a, d);
}

/* ---- Travellers ---- */

typedef struct upsert_args {
  store_traveller *t;
  store_document *doc;
  int *created;
} upsert_args;

static void bind_traveller(sqlite3_stmt *st, int first, const store_traveller *t) {
  bind_text(st, first, t->surname);
  bind_text(st, first + 1, t->given_names);
  bind_text(st, first + 2, t->birth_date);
  bind_text(st, first + 3, t->sex);
  bind_text(st, first + 4, t->nationality);
}

static bm_err w_traveller_upsert(sq_conn *c, void *arg, bm_diag *d) {
  upsert_args *a = arg;
  store_traveller *t = a->t;
  store_document *doc = a->doc;
  sqlite3_stmt *st;
  TRY(stmt(c, SQ_DOC_FIND, &st, d));
  bind_text(st, 1, doc->number);
  bind_text(st, 2, doc->issuing_state);
  int rc = sqlite3_step(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    bm_err e = sq_fail(c, rc, NULL, d);
    sqlite3_reset(st);
    return e;
  }
  int found = rc == SQLITE_ROW;
  if (found) {
    doc->id = sqlite3_column_int64(st, 0);
    t->id = sqlite3_column_int64(st, 1);
    doc->created_ms = sqlite3_column_int64(st, 2);
  }
  sqlite3_reset(st);
  if (found) {
    TRY(stmt(c, SQ_TRAV_UPDATE, &st, d));
    sqlite3_bind_int64(st, 1, t->id);
    bind_traveller(st, 2, t);
    sqlite3_bind_int64(st, 7, t->updated_ms);
    TRY(run(c, st, NULL, d));
    TRY(stmt(c, SQ_DOC_UPDATE, &st, d));
    sqlite3_bind_int64(st, 1, doc->id);
    bind_text(st, 2, doc->doc_type);
    bind_text(st, 3, doc->expiry_date);
    TRY(run(c, st, NULL, d));
    store_traveller now;
    get_args g = {SQ_TRAV_GET, t->id, NULL, row_traveller, &now, "traveller"};
    TRY(r_get(c, &g, d));
    t->created_ms = now.created_ms;
    *a->created = 0;
  } else {
    TRY(stmt(c, SQ_TRAV_INSERT, &st, d));
    bind_traveller(st, 1, t);
    sqlite3_bind_int64(st, 6, t->created_ms);
    sqlite3_bind_int64(st, 7, t->updated_ms);
    TRY(run_insert(c, st, &t->id, NULL, d));
    TRY(stmt(c, SQ_DOC_INSERT, &st, d));
    sqlite3_bind_int64(st, 1, t->id);
    bind_text(st, 2, doc->doc_type);
    bind_text(st, 3, doc->number);
    bind_text(st, 4, doc->issuing_state);
    bind_text(st, 5, doc->expiry_date);
    sqlite3_bind_int64(st, 6, doc->created_ms);
    TRY(run_insert(c, st, &doc->id, "number", d));
    *a->created = 1;
  }
  doc->traveller_id = t->id;
  return BM_OK;
}
static bm_err sq_traveller_upsert(store_backend *b, store_traveller *t, store_document *doc,
                                  int *created, bm_diag *d) {
  upsert_args a = {t, doc, created};
  return submit(b, w_traveller_upsert, &a, d);
}

typedef struct trav_get_args {
  int64_t id;
  store_traveller *out;
  store_document *docs;
  size_t cap, *n;
} trav_get_args;
static bm_err r_traveller_get(sq_conn *c, void *arg, bm_diag *d) {
  trav_get_args *a = arg;
  get_args g = {SQ_TRAV_GET, a->id, NULL, row_traveller, a->out, "traveller"};
  TRY(r_get(c, &g, d));
  *a->n = 0;
  if (a->cap == 0) return BM_OK;
  list_args l = {SQ_DOC_LIST_BY_TRAV, 1,      a->id, row_document, a->docs,
                 sizeof *a->docs,     a->cap, a->n};
  return r_list(c, &l, d);
}
static bm_err sq_traveller_get(store_backend *b, int64_t id, store_traveller *out,
                               store_document *docs, size_t cap, size_t *n, bm_diag *d) {
  trav_get_args a = {id, out, docs, cap, n};
  return with_reader_tx(b, r_traveller_get, &a, d);
}

typedef struct search_args {
  const store_traveller_query *q;
  store_traveller *out;
  size_t cap, *n;
} search_args;
/* Bind an exact-or-prefix pattern: "ABC*" binds the prefix slot, anything else the exact slot. */
static void bind_pattern(sqlite3_stmt *st, int exact_slot, const char *v, char *buf, size_t cap) {
  if (v == NULL) return; /* both slots stay NULL */
  size_t len = strlen(v);
  if (len > 0 && v[len - 1] == '*' && len < cap) {
    memcpy(buf, v, len - 1);
    buf[len - 1] = '\0';
    sqlite3_bind_text(st, exact_slot + 1, buf, -1, SQLITE_STATIC);
  } else {
    bind_text(st, exact_slot, v);
  }
}
static bm_err r_traveller_search(sq_conn *c, void *arg, bm_diag *d) {
  search_args *a = arg;
  char sur[STORE_NAME_BYTES_MAX], giv[STORE_NAME_BYTES_MAX];
  sqlite3_stmt *st;
  TRY(stmt(c, SQ_TRAV_SEARCH, &st, d));
  bind_pattern(st, 1, a->q->surname, sur, sizeof sur);
  bind_pattern(st, 3, a->q->given_names, giv, sizeof giv);
  bind_opt_text(st, 5, a->q->birth_date);
  bind_opt_text(st, 6, a->q->document_number);
  bind_limit(st, 7, a->cap);
  return read_rows(c, st, row_traveller, a->out, sizeof *a->out, a->cap, a->n, d);
}
static bm_err sq_traveller_search(store_backend *b, const store_traveller_query *q,
                                  store_traveller *out, size_t cap, size_t *n, bm_diag *d) {
  search_args a = {q, out, cap, n};
  return with_reader_list(b, r_traveller_search, &a, cap, n, d);
}

/* ---- Crossings ---- */

typedef struct cross_args {
  store_crossing *c;
  size_t n;
} cross_args;

static bm_err w_crossing_add_many(sq_conn *c, void *arg, bm_diag *d) {
  cross_args *a = arg;
  for (size_t i = 0; i < a->n; i++) {
    store_crossing *x = &a->c[i];
    sqlite3_stmt *st;
    TRY(stmt(c, SQ_CROSS_INSERT, &st, d));
    sqlite3_bind_int64(st, 1, x->traveller_id);
    bind_ref(st, 2, x->document_id);
    sqlite3_bind_int64(st, 3, x->bcp_id);
    sqlite3_bind_int64(st, 4, x->officer_id);
    bind_text(st, 5, x->direction);
    sqlite3_bind_int64(st, 6, x->time_ms);
    bind_text(st, 7, x->decision);
    bind_text(st, 8, x->remarks);
    sqlite3_bind_int64(st, 9, x->created_ms);
    TRY(run_insert(c, st, &x->id, "references", d));
    for (unsigned k = 0; k < x->nrefusal_codes; k++) {
      TRY(stmt(c, SQ_CROSS_REFUSAL_INSERT, &st, d));
      sqlite3_bind_int64(st, 1, x->id);
      bind_text(st, 2, x->refusal_codes[k]);
      TRY(run(c, st, "refusal_codes", d));
    }
  }
  return BM_OK;
}
static bm_err sq_crossing_add_many(store_backend *b, store_crossing *c, size_t n, bm_diag *d) {
  cross_args a = {c, n};
  return submit(b, w_crossing_add_many, &a, d);
}

static bm_err read_refusals(sq_conn *c, store_crossing *x, bm_diag *d) {
  sqlite3_stmt *st;
  TRY(stmt(c, SQ_CROSS_REFUSALS, &st, d));
  sqlite3_bind_int64(st, 1, x->id);
  int rc, bad = 0;
  x->nrefusal_codes = 0;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW && x->nrefusal_codes < STORE_REFUSALS_MAX)
    COL_TEXT(0, x->refusal_codes[x->nrefusal_codes++]);
  bm_err e = rc == SQLITE_ROW || rc == SQLITE_DONE ? BM_OK : sq_fail(c, rc, NULL, d);
  sqlite3_reset(st);
  if (e == BM_OK && bad) e = too_long(d);
  return e;
}

typedef struct cross_get_args {
  int64_t id;
  store_crossing *out;
  size_t cap, *n;
} cross_get_args;
static bm_err r_crossing_get(sq_conn *c, void *arg, bm_diag *d) {
  cross_get_args *a = arg;
  get_args g = {SQ_CROSS_GET, a->id, NULL, row_crossing, a->out, "crossing"};
  TRY(r_get(c, &g, d));
  return read_refusals(c, a->out, d);
}
static bm_err sq_crossing_get(store_backend *b, int64_t id, store_crossing *out, bm_diag *d) {
  cross_get_args a = {id, out, 0, NULL};
  return with_reader_tx(b, r_crossing_get, &a, d);
}
static bm_err r_crossing_list(sq_conn *c, void *arg, bm_diag *d) {
  cross_get_args *a = arg;
  list_args l = {SQ_CROSS_LIST_BY_TRAV, 1,      a->id, row_crossing, a->out,
                 sizeof *a->out,        a->cap, a->n};
  TRY(r_list(c, &l, d));
  for (size_t i = 0; i < *a->n; i++) TRY(read_refusals(c, &a->out[i], d));
  return BM_OK;
}
static bm_err sq_crossing_list_by_traveller(store_backend *b, int64_t tid, store_crossing *out,
                                            size_t cap, size_t *n, bm_diag *d) {
  cross_get_args a = {tid, out, cap, n};
  *n = 0;
  if (cap == 0) return BM_OK;
  return with_reader_tx(b, r_crossing_list, &a, d);
}

typedef struct count_args {
  const store_crossing_filter *f;
  int64_t *count;
} count_args;
static bm_err r_crossing_count(sq_conn *c, void *arg, bm_diag *d) {
  count_args *a = arg;
  sqlite3_stmt *st;
  TRY(stmt(c, SQ_CROSS_COUNT, &st, d));
  sqlite3_bind_int64(st, 1, a->f->traveller_id);
  sqlite3_bind_int64(st, 2, a->f->bcp_id);
  sqlite3_bind_int64(st, 3, a->f->since_ms);
  sqlite3_bind_int64(st, 4, a->f->until_ms);
  int rc = sqlite3_step(st);
  bm_err e = rc == SQLITE_ROW ? BM_OK : sq_fail(c, rc, NULL, d);
  if (e == BM_OK) *a->count = sqlite3_column_int64(st, 0);
  sqlite3_reset(st);
  return e;
}
static bm_err sq_crossing_count(store_backend *b, const store_crossing_filter *f, int64_t *count,
                                bm_diag *d) {
  count_args a = {f, count};
  return with_reader(b, r_crossing_count, &a, d);
}

/* ---- Refusal codes ---- */

static bm_err sq_refusal_code_list(store_backend *b, store_refusal_code *out, size_t cap, size_t *n,
                                   bm_diag *d) {
  return list_by(b, SQ_RC_LIST, 0, 0, row_refusal_code, out, sizeof *out, cap, n, d);
}
static bm_err w_refusal_code_put(sq_conn *c, void *arg, bm_diag *d) {
  const store_refusal_code *x = arg;
  sqlite3_stmt *st;
  TRY(stmt(c, SQ_RC_PUT, &st, d));
  bind_text(st, 1, x->code);
  bind_text(st, 2, x->description);
  bind_text(st, 3, x->legal_ref);
  sqlite3_bind_int64(st, 4, x->valid_from_ms);
  sqlite3_bind_int64(st, 5, x->valid_to_ms);
  return run(c, st, "code", d);
}
static bm_err sq_refusal_code_put(store_backend *b, const store_refusal_code *rc, bm_diag *d) {
  return submit(b, w_refusal_code_put, (void *)rc, d);
}

/* ---- Watchlists ---- */

static bm_err w_watchlist_put(sq_conn *c, void *arg, bm_diag *d) {
  store_watchlist *x = arg;
  store_watchlist have;
  get_args g = {SQ_WL_FIND, 0, x->name, row_watchlist, &have, "watchlist"};
  bm_err e = r_get(c, &g, NULL);
  if (e == BM_OK) {
    *x = have;
    return BM_OK;
  }
  if (e != BM_ERR_NOTFOUND) return r_get(c, &g, d);
  sqlite3_stmt *st;
  TRY(stmt(c, SQ_WL_INSERT, &st, d));
  bind_text(st, 1, x->name);
  bind_text(st, 2, x->kind);
  sqlite3_bind_int64(st, 3, x->created_ms);
  return run_insert(c, st, &x->id, "name", d);
}
static bm_err sq_watchlist_put(store_backend *b, store_watchlist *w, bm_diag *d) {
  return submit(b, w_watchlist_put, w, d);
}
static bm_err sq_watchlist_list(store_backend *b, store_watchlist *out, size_t cap, size_t *n,
                                bm_diag *d) {
  return list_by(b, SQ_WL_LIST, 0, 0, row_watchlist, out, sizeof *out, cap, n, d);
}
static bm_err w_wl_version_add(sq_conn *c, void *arg, bm_diag *d) {
  store_watchlist_version *x = arg;
  sqlite3_stmt *st;
  TRY(stmt(c, SQ_WLV_INSERT, &st, d));
  sqlite3_bind_int64(st, 1, x->watchlist_id);
  bind_text(st, 2, x->version);
  sqlite3_bind_int64(st, 3, x->loaded_ms);
  sqlite3_bind_int64(st, 4, x->entry_count);
  bind_text(st, 5, x->file_sha256);
  bind_text(st, 6, x->path);
  bind_ref(st, 7, x->loaded_by);
  return run_insert(c, st, &x->id, "references", d);
}
static bm_err sq_watchlist_version_add(store_backend *b, store_watchlist_version *v, bm_diag *d) {
  return submit(b, w_wl_version_add, v, d);
}
static bm_err sq_watchlist_version_list(store_backend *b, int64_t wid, store_watchlist_version *out,
                                        size_t cap, size_t *n, bm_diag *d) {
  return list_by(b, SQ_WLV_LIST, 1, wid, row_wl_version, out, sizeof *out, cap, n, d);
}

/* ---- Hits and dispositions ---- */

static bm_err w_hit_add(sq_conn *c, void *arg, bm_diag *d) {
  store_hit *x = arg;
  sqlite3_stmt *st;
  TRY(stmt(c, SQ_HIT_INSERT, &st, d));
  bind_ref(st, 1, x->crossing_id);
  bind_text(st, 2, x->traveller_key);
  sqlite3_bind_int64(st, 3, x->watchlist_id);
  bind_text(st, 4, x->entry_id);
  sqlite3_bind_int(st, 5, x->score_permille);
  sqlite3_bind_int64(st, 6, x->created_ms);
  bind_ref(st, 7, x->traveller_id);
  return run_insert(c, st, &x->id, "references", d);
}
static bm_err sq_hit_add(store_backend *b, store_hit *h, bm_diag *d) {
  return submit(b, w_hit_add, h, d);
}
static bm_err sq_hit_get(store_backend *b, int64_t id, store_hit *out, bm_diag *d) {
  return get_by(b, SQ_HIT_GET, id, NULL, row_hit, out, "hit", d);
}
typedef struct hit_list_args {
  const store_hit_filter *f;
  store_hit_view *out;
  size_t cap, *n;
} hit_list_args;
static bm_err r_hit_list(sq_conn *c, void *arg, bm_diag *d) {
  hit_list_args *a = arg;
  sqlite3_stmt *st;
  TRY(stmt(c, SQ_HIT_LIST, &st, d));
  sqlite3_bind_int(st, 1, a->f->pending_only);
  sqlite3_bind_int64(st, 2, a->f->traveller_id);
  bind_limit(st, 3, a->cap);
  return read_rows(c, st, row_hit_view, a->out, sizeof *a->out, a->cap, a->n, d);
}
static bm_err sq_hit_list(store_backend *b, const store_hit_filter *f, store_hit_view *out,
                          size_t cap, size_t *n, bm_diag *d) {
  hit_list_args a = {f, out, cap, n};
  return with_reader_list(b, r_hit_list, &a, cap, n, d);
}

/* ---- Statistics ---- */

typedef struct stats_args {
  const store_stats_filter *f;
  void *out;
} stats_args;

static void bind_range(sqlite3_stmt *st, const store_stats_filter *f) {
  sqlite3_bind_int64(st, 1, f->since_ms);
  sqlite3_bind_int64(st, 2, f->until_ms);
}

/* Step a statement to its end; rd gets every row. */
static bm_err each_row(sq_conn *c, sqlite3_stmt *st,
                       bm_err (*rd)(sqlite3_stmt *, void *, bm_diag *), void *ctx, bm_diag *d) {
  bm_err e = BM_OK;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW)
    if ((e = rd(st, ctx, d)) != BM_OK) break;
  if (e == BM_OK && rc != SQLITE_DONE) e = sq_fail(c, rc, NULL, d);
  sqlite3_reset(st);
  return e;
}

static bm_err stats_count_row(sqlite3_stmt *st, void *ctx, bm_diag *d) {
  store_crossing_stats *o = ctx;
  int64_t day = COL_I64(0), bcp = COL_I64(1), n = COL_I64(4);
  const char *dir = (const char *)sqlite3_column_text(st, 2);
  const char *dec = (const char *)sqlite3_column_text(st, 3);
  int entry = dir != NULL && strcmp(dir, "entry") == 0;
  int refused = dec != NULL && strcmp(dec, "refused") == 0;
  o->total += n;
  *(entry ? &o->entry : &o->exit) += n;
  if (refused)
    o->refused += n;
  else if (dec != NULL && strcmp(dec, "referred") == 0)
    o->referred += n;
  else
    o->admitted += n;
  if (day >= 0 && (size_t)day < o->ndays) {
    *(entry ? &o->days[day].entry : &o->days[day].exit) += n;
    if (refused) o->days[day].refused += n;
  }
  size_t i = 0;
  while (i < o->nbcps && o->bcps[i].id != bcp) i++;
  if (i == o->nbcps) {
    if (o->nbcps == STORE_STATS_BCPS_MAX)
      return bm_diag_set(d, BM_ERR_LIMIT, "bcp_id", 0, 0, "more than %d BCPs in the statistics",
                         STORE_STATS_BCPS_MAX);
    o->bcps[o->nbcps++].id = bcp;
  }
  o->bcps[i].count += n;
  return BM_OK;
}

static bm_err stats_people_row(sqlite3_stmt *st, void *ctx, bm_diag *d) {
  store_crossing_stats *o = ctx;
  (void)d;
  char nat[STORE_CODE_BYTES_MAX], sex[4];
  int bad = 0;
  COL_TEXT(0, nat);
  COL_TEXT(1, sex);
  int64_t n = COL_I64(2);
  if (bad) nat[0] = '\0'; /* a value too long for a code counts as unknown */
  if (strcmp(sex, "M") == 0)
    o->sex_m += n;
  else if (strcmp(sex, "F") == 0)
    o->sex_f += n;
  else if (strcmp(sex, "X") == 0)
    o->sex_x += n;
  else
    o->sex_unknown += n;
  size_t i = 0;
  while (i < o->nnationalities && strcmp(o->nationalities[i].key, nat) != 0) i++;
  if (i == o->nnationalities) {
    if (o->nnationalities == STORE_STATS_GROUPS_MAX) {
      o->nationalities_other += n;
      return BM_OK;
    }
    memcpy(o->nationalities[i].key, nat, sizeof nat);
    o->nnationalities++;
  }
  o->nationalities[i].count += n;
  return BM_OK;
}

static bm_err stats_code_row(sqlite3_stmt *st, void *ctx, bm_diag *d) {
  store_crossing_stats *o = ctx;
  int bad = 0;
  store_stats_count *x = &o->refusal_codes[o->nrefusal_codes];
  COL_TEXT(0, x->key);
  x->count = COL_I64(1);
  if (bad) return too_long(d);
  o->nrefusal_codes++; /* the LIMIT keeps this within the array */
  return BM_OK;
}

/* Largest count first, then by id, then by key. */
static int count_cmp(const void *pa, const void *pb) {
  const store_stats_count *a = pa, *b = pb;
  if (a->count != b->count) return a->count > b->count ? -1 : 1;
  if (a->id != b->id) return a->id < b->id ? -1 : 1;
  return strcmp(a->key, b->key);
}

static bm_err r_crossing_stats(sq_conn *c, void *arg, bm_diag *d) {
  stats_args *a = arg;
  store_crossing_stats *o = a->out;
  sqlite3_stmt *st;
  TRY(stmt(c, SQ_CROSS_STATS_COUNTS, &st, d));
  bind_range(st, a->f);
  sqlite3_bind_int64(st, 3, a->f->bcp_id);
  TRY(each_row(c, st, stats_count_row, o, d));
  for (size_t i = 0; i < o->nbcps; i++) {
    store_bcp b;
    get_args g = {SQ_BCP_GET, o->bcps[i].id, NULL, row_bcp, &b, "bcp"};
    TRY(r_get(c, &g, d));
    memcpy(o->bcps[i].key, b.code, sizeof o->bcps[i].key);
  }
  qsort(o->bcps, o->nbcps, sizeof o->bcps[0], count_cmp);
  if (a->f->counts_only) return BM_OK;
  TRY(stmt(c, SQ_CROSS_STATS_PEOPLE, &st, d));
  bind_range(st, a->f);
  sqlite3_bind_int64(st, 3, a->f->bcp_id);
  TRY(each_row(c, st, stats_people_row, o, d));
  qsort(o->nationalities, o->nnationalities, sizeof o->nationalities[0], count_cmp);
  TRY(stmt(c, SQ_CROSS_STATS_CODES, &st, d));
  bind_range(st, a->f);
  sqlite3_bind_int64(st, 3, a->f->bcp_id);
  bind_limit(st, 4, STORE_STATS_GROUPS_MAX);
  return each_row(c, st, stats_code_row, o, d);
}
static bm_err sq_crossing_stats(store_backend *b, const store_stats_filter *f,
                                store_crossing_stats *out, bm_diag *d) {
  stats_args a = {f, out};
  return with_reader_tx(b, r_crossing_stats, &a, d);
}

static bm_err hit_list_row(sqlite3_stmt *st, void *ctx, bm_diag *d) {
  store_hit_stats *o = ctx;
  int bad = 0;
  store_stats_list *x = &o->lists[o->nlists];
  x->watchlist_id = COL_I64(0);
  COL_TEXT(1, x->name);
  x->count = COL_I64(2);
  if (bad) return too_long(d);
  o->nlists++; /* the LIMIT keeps this within the array */
  return BM_OK;
}

static bm_err hit_disp_row(sqlite3_stmt *st, void *ctx, bm_diag *d) {
  store_hit_stats *o = ctx;
  (void)d;
  const char *k = (const char *)sqlite3_column_text(st, 0);
  int64_t n = COL_I64(1);
  o->total += n;
  if (k != NULL && strcmp(k, "false_hit") == 0)
    o->false_hit += n;
  else if (k != NULL && strcmp(k, "true_hit") == 0)
    o->true_hit += n;
  else
    o->pending += n;
  return BM_OK;
}

static bm_err r_hit_stats(sq_conn *c, void *arg, bm_diag *d) {
  stats_args *a = arg;
  store_hit_stats *o = a->out;
  sqlite3_stmt *st;
  TRY(stmt(c, SQ_HIT_STATS_LISTS, &st, d));
  bind_range(st, a->f);
  bind_limit(st, 3, STORE_STATS_LISTS_MAX);
  TRY(each_row(c, st, hit_list_row, o, d));
  TRY(stmt(c, SQ_HIT_STATS_DISP, &st, d));
  bind_range(st, a->f);
  return each_row(c, st, hit_disp_row, o, d);
}
static bm_err sq_hit_stats(store_backend *b, const store_stats_filter *f, store_hit_stats *out,
                           bm_diag *d) {
  stats_args a = {f, out};
  return with_reader_tx(b, r_hit_stats, &a, d);
}
static bm_err w_disposition_add(sq_conn *c, void *arg, bm_diag *d) {
  store_disposition *x = arg;
  sqlite3_stmt *st;
  TRY(stmt(c, SQ_DISP_INSERT, &st, d));
  bind_ref(st, 1, x->hit_id);
  bind_text(st, 2, x->traveller_key);
  sqlite3_bind_int64(st, 3, x->watchlist_id);
  bind_text(st, 4, x->entry_id);
  bind_text(st, 5, x->decision);
  sqlite3_bind_int64(st, 6, x->user_id);
  bind_text(st, 7, x->reason);
  sqlite3_bind_int64(st, 8, x->time_ms);
  return run_insert(c, st, &x->id, "references", d);
}
static bm_err sq_disposition_add(store_backend *b, store_disposition *x, bm_diag *d) {
  return submit(b, w_disposition_add, x, d);
}
typedef struct disp_list_args {
  const char *key;
  int64_t wid;
  store_disposition *out;
  size_t cap, *n;
} disp_list_args;
static bm_err r_disposition_list(sq_conn *c, void *arg, bm_diag *d) {
  disp_list_args *a = arg;
  sqlite3_stmt *st;
  TRY(stmt(c, SQ_DISP_LIST, &st, d));
  bind_opt_text(st, 1, a->key);
  sqlite3_bind_int64(st, 2, a->wid);
  bind_limit(st, 3, a->cap);
  return read_rows(c, st, row_disposition, a->out, sizeof *a->out, a->cap, a->n, d);
}
static bm_err sq_disposition_list(store_backend *b, const char *key, int64_t wid,
                                  store_disposition *out, size_t cap, size_t *n, bm_diag *d) {
  disp_list_args a = {key, wid, out, cap, n};
  return with_reader_list(b, r_disposition_list, &a, cap, n, d);
}

/* ---- Referrals ---- */

static bm_err w_referral_open(sq_conn *c, void *arg, bm_diag *d) {
  store_referral *x = arg;
  sqlite3_stmt *st;
  TRY(stmt(c, SQ_REF_INSERT, &st, d));
  bind_ref(st, 1, x->crossing_id);
  sqlite3_bind_int64(st, 2, x->traveller_id);
  sqlite3_bind_int64(st, 3, x->bcp_id);
  sqlite3_bind_int64(st, 4, x->opened_by);
  sqlite3_bind_int64(st, 5, x->opened_ms);
  bind_text(st, 6, x->reason);
  bind_text(st, 7, x->notes);
  return run_insert(c, st, &x->id, "references", d);
}
static bm_err sq_referral_open(store_backend *b, store_referral *r, bm_diag *d) {
  return submit(b, w_referral_open, r, d);
}
typedef struct resolve_args {
  int64_t id, by, now;
  const char *outcome, *notes;
} resolve_args;
static bm_err w_referral_resolve(sq_conn *c, void *arg, bm_diag *d) {
  resolve_args *a = arg;
  sqlite3_stmt *st;
  TRY(stmt(c, SQ_REF_RESOLVE, &st, d));
  sqlite3_bind_int64(st, 1, a->id);
  sqlite3_bind_int64(st, 2, a->by);
  sqlite3_bind_int64(st, 3, a->now);
  bind_text(st, 4, a->outcome);
  bind_text(st, 5, a->notes);
  TRY(run(c, st, "resolved_by", d));
  if (sqlite3_changes(c->db) == 1) return BM_OK;
  store_referral r;
  get_args g = {SQ_REF_GET, a->id, NULL, row_referral, &r, "referral"};
  TRY(r_get(c, &g, d));
  return bm_diag_set(d, BM_ERR_INVALID, "status", 0, 0, "referral %lld is already resolved",
                     (long long)a->id);
}
static bm_err sq_referral_resolve(store_backend *b, int64_t id, int64_t by, int64_t now,
                                  const char *outcome, const char *notes, bm_diag *d) {
  resolve_args a = {id, by, now, outcome, notes};
  return submit(b, w_referral_resolve, &a, d);
}
static bm_err sq_referral_get(store_backend *b, int64_t id, store_referral *out, bm_diag *d) {
  return get_by(b, SQ_REF_GET, id, NULL, row_referral, out, "referral", d);
}
static bm_err sq_referral_list_open(store_backend *b, int64_t bcp_id, store_referral *out,
                                    size_t cap, size_t *n, bm_diag *d) {
  return list_by(b, SQ_REF_LIST_OPEN, 1, bcp_id, row_referral, out, sizeof *out, cap, n, d);
}

static bm_err row_open_stay(sqlite3_stmt *st, void *out, bm_diag *d) {
  store_open_stay *o = out;
  int bad = 0;
  memset(o, 0, sizeof *o);
  o->traveller_id = COL_I64(0);
  o->crossing_id = COL_I64(1);
  o->entry_ms = COL_I64(2);
  COL_TEXT(3, o->nationality);
  return bad ? too_long(d) : BM_OK;
}
static bm_err sq_open_stay_list(store_backend *b, int64_t since_ms, store_open_stay *out,
                                size_t cap, size_t *n, bm_diag *d) {
  return list_by(b, SQ_OPEN_STAYS, 1, since_ms, row_open_stay, out, sizeof *out, cap, n, d);
}

/* ---- Audit ---- */

static bm_err w_audit_append(sq_conn *c, void *arg, bm_diag *d) {
  store_audit_event *ev = arg;
  sqlite3_stmt *st;
  TRY(stmt(c, SQ_AUDIT_LAST, &st, d));
  int rc = sqlite3_step(st);
  int64_t last_id = 0;
  char prev[STORE_SHA256_HEX_BYTES];
  int bad = 0;
  memset(prev, '0', 64);
  prev[64] = '\0';
  if (rc == SQLITE_ROW) {
    last_id = sqlite3_column_int64(st, 0);
    COL_TEXT(1, prev);
  }
  sqlite3_reset(st);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) return sq_fail(c, rc, NULL, d);
  if (bad || strlen(prev) != 64) return too_long(d);
  ev->id = last_id + 1;
  memcpy(ev->prev_hash, prev, sizeof prev);
  if (store_audit_hash(ev, ev->prev_hash, ev->hash) != BM_OK)
    return bm_diag_set(d, BM_ERR_INVALID, "prev_hash", 0, 0,
                       "the last audit record's hash is not hex: run bmis audit verify");
  TRY(stmt(c, SQ_AUDIT_INSERT, &st, d));
  sqlite3_bind_int64(st, 1, ev->id);
  sqlite3_bind_int64(st, 2, ev->time_ms);
  sqlite3_bind_int64(st, 3, ev->actor_id);
  bind_text(st, 4, ev->actor_name);
  bind_text(st, 5, ev->role);
  bind_text(st, 6, ev->source_addr);
  bind_text(st, 7, ev->action);
  bind_text(st, 8, ev->object_type);
  bind_text(st, 9, ev->object_id);
  bind_text(st, 10, ev->reason);
  bind_text(st, 11, ev->outcome);
  bind_text(st, 12, ev->prev_hash);
  bind_text(st, 13, ev->hash);
  return run(c, st, "id", d);
}
static bm_err sq_audit_append(store_backend *b, store_audit_event *ev, bm_diag *d) {
  return submit(b, w_audit_append, ev, d);
}

typedef struct inspection_args {
  upsert_args up;
  store_hit *hits;
  size_t nhits;
  store_audit_event *ev;
} inspection_args;
static bm_err w_inspection_write(sq_conn *c, void *arg, bm_diag *d) {
  inspection_args *a = arg;
  TRY(w_traveller_upsert(c, &a->up, d));
  for (size_t i = 0; i < a->nhits; i++) {
    a->hits[i].traveller_id = a->up.t->id;
    TRY(w_hit_add(c, &a->hits[i], d));
  }
  snprintf(a->ev->object_id, sizeof a->ev->object_id, "%lld", (long long)a->up.t->id);
  return w_audit_append(c, a->ev, d);
}
static bm_err sq_inspection_write(store_backend *b, store_traveller *t, store_document *doc,
                                  int *created, store_hit *hits, size_t nhits,
                                  store_audit_event *ev, bm_diag *d) {
  inspection_args a = {{t, doc, created}, hits, nhits, ev};
  return submit(b, w_inspection_write, &a, d);
}

/* ---- Advance passenger information ---- */

static bm_err row_api_flight(sqlite3_stmt *st, void *out, bm_diag *d) {
  store_api_flight *o = out;
  int bad = 0;
  memset(o, 0, sizeof *o);
  o->id = COL_I64(0);
  COL_TEXT(1, o->carrier);
  COL_TEXT(2, o->number);
  COL_TEXT(3, o->departure_airport);
  COL_TEXT(4, o->departure_time);
  COL_TEXT(5, o->arrival_airport);
  COL_TEXT(6, o->arrival_time);
  o->arrival_ms = COL_I64(7);
  o->retain_until_ms = COL_I64(8);
  COL_TEXT(9, o->status);
  o->first_received_ms = COL_I64(10);
  o->last_received_ms = COL_I64(11);
  o->persons = COL_I64(12);
  o->persons_with_hits = COL_I64(13);
  o->no_board = COL_I64(14);
  o->messages = COL_I64(15);
  o->max_score_permille = (int)COL_I64(16);
  return bad ? too_long(d) : BM_OK;
}

static bm_err row_api_message(sqlite3_stmt *st, void *out, bm_diag *d) {
  store_api_message *o = out;
  int bad = 0;
  memset(o, 0, sizeof *o);
  o->id = COL_I64(0);
  o->flight_id = COL_I64(1);
  o->received_ms = COL_I64(2);
  o->received_by = COL_I64(3);
  COL_TEXT(4, o->sender);
  COL_TEXT(5, o->control_ref);
  COL_TEXT(6, o->message_ref);
  COL_TEXT(7, o->common_access_ref);
  o->part = (int)COL_I64(8);
  o->last_part = (int)COL_I64(9);
  COL_TEXT(10, o->list_type);
  COL_TEXT(11, o->document_id);
  o->persons = COL_I64(12);
  o->errors = COL_I64(13);
  o->warnings = COL_I64(14);
  o->bytes = COL_I64(15);
  return bad ? too_long(d) : BM_OK;
}

static bm_err row_api_person(sqlite3_stmt *st, void *out, bm_diag *d) {
  store_api_person *o = out;
  int bad = 0;
  memset(o, 0, sizeof *o);
  o->id = COL_I64(0);
  o->flight_id = COL_I64(1);
  o->message_id = COL_I64(2);
  COL_TEXT(3, o->role);
  COL_TEXT(4, o->surname);
  COL_TEXT(5, o->given_names);
  COL_TEXT(6, o->sex);
  COL_TEXT(7, o->birth_date);
  COL_TEXT(8, o->nationality);
  COL_TEXT(9, o->residence_country);
  COL_TEXT(10, o->doc_type);
  COL_TEXT(11, o->doc_number);
  COL_TEXT(12, o->doc_issuing_state);
  COL_TEXT(13, o->doc_expiry);
  COL_TEXT(14, o->seat);
  COL_TEXT(15, o->reservation_ref);
  COL_TEXT(16, o->passenger_ref);
  COL_TEXT(17, o->embarkation);
  COL_TEXT(18, o->debarkation);
  COL_TEXT(19, o->traveller_key);
  COL_TEXT(20, o->board);
  o->hits = (int)COL_I64(21);
  o->max_score_permille = (int)COL_I64(22);
  o->screened_ms = COL_I64(23);
  COL_TEXT(24, o->board_text);
  return bad ? too_long(d) : BM_OK;
}

static bm_err row_api_hit(sqlite3_stmt *st, void *out, bm_diag *d) {
  store_api_hit *o = out;
  int bad = 0;
  memset(o, 0, sizeof *o);
  o->id = COL_I64(0);
  o->person_id = COL_I64(1);
  o->watchlist_id = COL_I64(2);
  COL_TEXT(3, o->entry_id);
  o->score_permille = (int)COL_I64(4);
  o->document_match = (int)COL_I64(5);
  COL_TEXT(6, o->matched_name);
  COL_TEXT(7, o->reasons);
  COL_TEXT(8, o->list);
  COL_TEXT(9, o->disposition);
  return bad ? too_long(d) : BM_OK;
}

/* Step a statement that selects one id: *id = 0 when there is no row. */
static bm_err find_id(sq_conn *c, sqlite3_stmt *st, int64_t *id, bm_diag *d) {
  int rc = sqlite3_step(st);
  *id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
  sqlite3_reset(st);
  return rc == SQLITE_ROW || rc == SQLITE_DONE ? BM_OK : sq_fail(c, rc, NULL, d);
}

typedef struct api_write_args {
  store_api_flight *f;
  store_api_message *m;
  store_api_person *p;
  size_t np;
  store_api_hit *h;
  size_t nh;
  store_audit_event *ev;
} api_write_args;

static bm_err w_api_flight(sq_conn *c, store_api_flight *f, int64_t now, int cancel, bm_diag *d) {
  sqlite3_stmt *st;
  TRY(stmt(c, SQ_APIF_FIND, &st, d));
  bind_text(st, 1, f->carrier);
  bind_text(st, 2, f->number);
  bind_text(st, 3, f->departure_airport);
  bind_text(st, 4, f->departure_time);
  TRY(find_id(c, st, &f->id, d));
  if (f->id == 0) {
    TRY(stmt(c, SQ_APIF_INSERT, &st, d));
    bind_text(st, 1, f->carrier);
    bind_text(st, 2, f->number);
    bind_text(st, 3, f->departure_airport);
    bind_text(st, 4, f->departure_time);
    bind_text(st, 5, f->arrival_airport);
    bind_text(st, 6, f->arrival_time);
    sqlite3_bind_int64(st, 7, f->arrival_ms);
    sqlite3_bind_int64(st, 8, f->retain_until_ms);
    bind_text(st, 9, cancel ? "cancelled" : "open");
    sqlite3_bind_int64(st, 10, now);
    sqlite3_bind_int64(st, 11, now);
    return run_insert(c, st, &f->id, "flight", d);
  }
  TRY(stmt(c, SQ_APIF_UPDATE, &st, d));
  sqlite3_bind_int64(st, 1, f->id);
  bind_text(st, 2, f->arrival_airport);
  bind_text(st, 3, f->arrival_time);
  sqlite3_bind_int64(st, 4, f->arrival_ms);
  sqlite3_bind_int64(st, 5, f->retain_until_ms);
  bind_text(st, 6, cancel ? "cancelled" : "open");
  sqlite3_bind_int64(st, 7, now);
  return run(c, st, "flight", d);
}

/* The id of the row of the same person on flight fid (0 = none): by passenger reference, else
 * by document and birth date (carriers' test data gives everyone the same passport number), else
 * by name and birth date. */
static bm_err w_api_person_find(sq_conn *c, int64_t fid, const store_api_person *p, int64_t *id,
                                bm_diag *d) {
  sqlite3_stmt *st;
  *id = 0;
  if (p->passenger_ref[0]) {
    TRY(stmt(c, SQ_APIP_FIND_REF, &st, d));
    sqlite3_bind_int64(st, 1, fid);
    bind_text(st, 2, p->passenger_ref);
    TRY(find_id(c, st, id, d));
    if (*id) return BM_OK;
  }
  if (p->doc_number[0]) {
    TRY(stmt(c, SQ_APIP_FIND_DOC, &st, d));
    sqlite3_bind_int64(st, 1, fid);
    bind_text(st, 2, p->doc_number);
    bind_text(st, 3, p->doc_issuing_state);
    bind_text(st, 4, p->birth_date);
    return find_id(c, st, id, d);
  }
  TRY(stmt(c, SQ_APIP_FIND_NAME, &st, d));
  sqlite3_bind_int64(st, 1, fid);
  bind_text(st, 2, p->surname);
  bind_text(st, 3, p->given_names);
  bind_text(st, 4, p->birth_date);
  return find_id(c, st, id, d);
}

static bm_err w_api_person_delete(sq_conn *c, int64_t id, bm_diag *d) {
  sqlite3_stmt *st;
  TRY(stmt(c, SQ_APIH_DELETE_PERSON, &st, d));
  sqlite3_bind_int64(st, 1, id);
  TRY(run(c, st, NULL, d));
  TRY(stmt(c, SQ_APIP_DELETE, &st, d));
  sqlite3_bind_int64(st, 1, id);
  return run(c, st, NULL, d);
}

static bm_err w_api_person_insert(sq_conn *c, store_api_person *p, bm_diag *d) {
  sqlite3_stmt *st;
  TRY(stmt(c, SQ_APIP_INSERT, &st, d));
  sqlite3_bind_int64(st, 1, p->flight_id);
  sqlite3_bind_int64(st, 2, p->message_id);
  const char *text[] = {p->role,
                        p->surname,
                        p->given_names,
                        p->sex,
                        p->birth_date,
                        p->nationality,
                        p->residence_country,
                        p->doc_type,
                        p->doc_number,
                        p->doc_issuing_state,
                        p->doc_expiry,
                        p->seat,
                        p->reservation_ref,
                        p->passenger_ref,
                        p->embarkation,
                        p->debarkation,
                        p->traveller_key,
                        p->board};
  for (int i = 0; i < (int)BM_COUNTOF(text); i++) bind_text(st, 3 + i, text[i]);
  sqlite3_bind_int(st, 21, p->hits);
  sqlite3_bind_int(st, 22, p->max_score_permille);
  sqlite3_bind_int64(st, 23, p->screened_ms);
  bind_text(st, 24, p->board_text);
  return run_insert(c, st, &p->id, "person", d);
}

static bm_err w_api_manifest(sq_conn *c, void *arg, bm_diag *d) {
  api_write_args *a = arg;
  store_api_message *m = a->m;
  int cancel_flight = strcmp(m->document_id, "XF") == 0;
  int cancel_persons = strcmp(m->document_id, "XR") == 0;
  TRY(w_api_flight(c, a->f, m->received_ms, cancel_flight, d));
  m->flight_id = a->f->id;
  sqlite3_stmt *st;
  TRY(stmt(c, SQ_APIM_INSERT, &st, d));
  sqlite3_bind_int64(st, 1, m->flight_id);
  sqlite3_bind_int64(st, 2, m->received_ms);
  sqlite3_bind_int64(st, 3, m->received_by);
  bind_text(st, 4, m->sender);
  bind_text(st, 5, m->control_ref);
  bind_text(st, 6, m->message_ref);
  bind_text(st, 7, m->common_access_ref);
  sqlite3_bind_int(st, 8, m->part);
  sqlite3_bind_int(st, 9, m->last_part);
  bind_text(st, 10, m->list_type);
  bind_text(st, 11, m->document_id);
  sqlite3_bind_int64(st, 12, m->persons);
  sqlite3_bind_int64(st, 13, m->errors);
  sqlite3_bind_int64(st, 14, m->warnings);
  sqlite3_bind_int64(st, 15, m->bytes);
  TRY(run_insert(c, st, &m->id, "received_by", d));
  for (size_t i = 0; i < a->np; i++) {
    store_api_person *p = &a->p[i];
    p->flight_id = m->flight_id;
    p->message_id = m->id;
    int64_t old = 0;
    TRY(w_api_person_find(c, p->flight_id, p, &old, d));
    if (old != 0) {
      TRY(w_api_person_delete(c, old, d));
      p->replaced = 1;
    }
    p->id = 0;
    if (!cancel_persons) TRY(w_api_person_insert(c, p, d));
  }
  for (size_t i = 0; i < a->nh && !cancel_persons; i++) {
    store_api_hit *h = &a->h[i];
    h->person_id = a->p[h->person_index].id;
    TRY(stmt(c, SQ_APIH_INSERT, &st, d));
    sqlite3_bind_int64(st, 1, h->person_id);
    sqlite3_bind_int64(st, 2, h->watchlist_id);
    bind_text(st, 3, h->entry_id);
    sqlite3_bind_int(st, 4, h->score_permille);
    sqlite3_bind_int(st, 5, h->document_match ? 1 : 0);
    bind_text(st, 6, h->matched_name);
    bind_text(st, 7, h->reasons);
    TRY(run_insert(c, st, &h->id, "watchlist_id", d));
  }
  snprintf(a->ev->object_id, sizeof a->ev->object_id, "%lld", (long long)m->flight_id);
  return w_audit_append(c, a->ev, d);
}
static bm_err sq_api_manifest_write(store_backend *b, store_api_flight *f, store_api_message *m,
                                    store_api_person *p, size_t np, store_api_hit *h, size_t nh,
                                    store_audit_event *ev, bm_diag *d) {
  api_write_args a = {f, m, p, np, h, nh, ev};
  return submit(b, w_api_manifest, &a, d);
}

typedef struct api_list_args {
  int64_t since, until;
  store_api_flight *out;
  size_t cap, *n;
} api_list_args;
static bm_err r_api_flight_list(sq_conn *c, void *arg, bm_diag *d) {
  api_list_args *a = arg;
  sqlite3_stmt *st;
  TRY(stmt(c, SQ_APIF_LIST, &st, d));
  sqlite3_bind_int64(st, 1, a->since);
  sqlite3_bind_int64(st, 2, a->until);
  bind_limit(st, 3, a->cap);
  return read_rows(c, st, row_api_flight, a->out, sizeof *a->out, a->cap, a->n, d);
}
static bm_err sq_api_flight_list(store_backend *b, int64_t since, int64_t until,
                                 store_api_flight *out, size_t cap, size_t *n, bm_diag *d) {
  api_list_args a = {since, until, out, cap, n};
  return with_reader_list(b, r_api_flight_list, &a, cap, n, d);
}
static bm_err sq_api_flight_get(store_backend *b, int64_t id, store_api_flight *out, bm_diag *d) {
  return get_by(b, SQ_APIF_GET, id, NULL, row_api_flight, out, "flight", d);
}
static bm_err sq_api_message_list(store_backend *b, int64_t fid, store_api_message *out, size_t cap,
                                  size_t *n, bm_diag *d) {
  return list_by(b, SQ_APIM_LIST, 1, fid, row_api_message, out, sizeof *out, cap, n, d);
}
static bm_err sq_api_person_list(store_backend *b, int64_t fid, store_api_person *out, size_t cap,
                                 size_t *n, bm_diag *d) {
  return list_by(b, SQ_APIP_LIST, 1, fid, row_api_person, out, sizeof *out, cap, n, d);
}
static bm_err sq_api_hit_list(store_backend *b, int64_t fid, store_api_hit *out, size_t cap,
                              size_t *n, bm_diag *d) {
  return list_by(b, SQ_APIH_LIST, 1, fid, row_api_hit, out, sizeof *out, cap, n, d);
}

typedef struct api_find_args {
  const char *number, *state;
  int64_t since;
  store_api_person *p;
  store_api_flight *f;
} api_find_args;
static bm_err r_api_person_find(sq_conn *c, void *arg, bm_diag *d) {
  api_find_args *a = arg;
  sqlite3_stmt *st;
  TRY(stmt(c, SQ_APIP_BY_DOC, &st, d));
  bind_text(st, 1, a->number);
  bind_text(st, 2, a->state);
  sqlite3_bind_int64(st, 3, a->since);
  TRY(read_one(c, st, row_api_person, a->p, "pre-screened person", d));
  TRY(stmt(c, SQ_APIF_GET, &st, d));
  sqlite3_bind_int64(st, 1, a->p->flight_id);
  return read_one(c, st, row_api_flight, a->f, "flight", d);
}
static bm_err sq_api_person_find(store_backend *b, const char *number, const char *state,
                                 int64_t since, store_api_person *p, store_api_flight *f,
                                 bm_diag *d) {
  api_find_args a = {number, state, since, p, f};
  return with_reader_tx(b, r_api_person_find, &a, d);
}

typedef struct api_purge_args {
  int64_t now;
  store_api_purge_result *r;
  store_audit_event *ev;
} api_purge_args;
static bm_err w_api_purge(sq_conn *c, void *arg, bm_diag *d) {
  api_purge_args *a = arg;
  sqlite3_stmt *st;
  TRY(stmt(c, SQ_API_PURGE_KEPT, &st, d));
  sqlite3_bind_int64(st, 1, a->now);
  TRY(find_id(c, st, &a->r->persons_kept, d));
  const sq_id steps[] = {SQ_API_PURGE_HITS, SQ_API_PURGE_PERSONS, SQ_API_PURGE_MESSAGES,
                         SQ_API_PURGE_FLIGHTS};
  int64_t *counts[] = {&a->r->hits_deleted, &a->r->persons_deleted, &a->r->messages_deleted,
                       &a->r->flights_deleted};
  for (size_t i = 0; i < BM_COUNTOF(steps); i++) {
    TRY(stmt(c, steps[i], &st, d));
    sqlite3_bind_int64(st, 1, a->now);
    TRY(run(c, st, NULL, d));
    *counts[i] = sqlite3_changes64(c->db);
  }
  const store_api_purge_result *r = a->r;
  if (a->ev == NULL ||
      r->persons_deleted + r->hits_deleted + r->messages_deleted + r->flights_deleted == 0)
    return BM_OK; /* a run that deleted nothing leaves no audit record (the job runs often) */
  snprintf(a->ev->reason, sizeof a->ev->reason,
           "retention: %lld persons, %lld hits, %lld messages, %lld flights deleted; %lld persons "
           "kept for a confirmed hit",
           (long long)a->r->persons_deleted, (long long)a->r->hits_deleted,
           (long long)a->r->messages_deleted, (long long)a->r->flights_deleted,
           (long long)a->r->persons_kept);
  return w_audit_append(c, a->ev, d);
}
static bm_err sq_api_purge(store_backend *b, int64_t now, store_api_purge_result *r,
                           store_audit_event *ev, bm_diag *d) {
  api_purge_args a = {now, r, ev};
  return submit(b, w_api_purge, &a, d);
}

typedef struct audit_list_args {
  const store_audit_filter *f;
  store_audit_event *out;
  size_t cap, *n;
} audit_list_args;
static bm_err r_audit_list(sq_conn *c, void *arg, bm_diag *d) {
  audit_list_args *a = arg;
  sqlite3_stmt *st;
  TRY(stmt(c, SQ_AUDIT_LIST, &st, d));
  sqlite3_bind_int64(st, 1, a->f->after_id);
  sqlite3_bind_int64(st, 2, a->f->actor_id);
  bind_opt_text(st, 3, a->f->action);
  bind_opt_text(st, 4, a->f->object_type);
  bind_opt_text(st, 5, a->f->object_id);
  sqlite3_bind_int64(st, 6, a->f->since_ms);
  sqlite3_bind_int64(st, 7, a->f->until_ms);
  bind_limit(st, 8, a->cap);
  return read_rows(c, st, row_audit, a->out, sizeof *a->out, a->cap, a->n, d);
}
static bm_err sq_audit_list(store_backend *b, const store_audit_filter *f, store_audit_event *out,
                            size_t cap, size_t *n, bm_diag *d) {
  audit_list_args a = {f, out, cap, n};
  return with_reader_list(b, r_audit_list, &a, cap, n, d);
}

typedef struct walk_args {
  int (*visit)(void *ctx, const store_audit_event *ev);
  void *ctx;
} walk_args;
static bm_err r_audit_walk(sq_conn *c, void *arg, bm_diag *d) {
  walk_args *a = arg;
  sqlite3_stmt *st;
  TRY(stmt(c, SQ_AUDIT_WALK, &st, d));
  store_audit_event ev;
  bm_err e = BM_OK;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    /* A value too long for its field still hashes as stored up to the limit: the hash check
     * then names this record, which is the right outcome for a record edited by hand. */
    row_audit(st, &ev, NULL);
    if (a->visit(a->ctx, &ev)) break;
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) e = sq_fail(c, rc, NULL, d);
  sqlite3_reset(st);
  return e;
}
static bm_err sq_audit_walk(store_backend *b, int (*visit)(void *, const store_audit_event *),
                            void *ctx, bm_diag *d) {
  walk_args a = {visit, ctx};
  return with_reader_tx(b, r_audit_walk, &a, d);
}

/* ---- Open and close ---- */

static void sq_close(store_backend *b) {
  if (b == NULL) return;
  if (b->thread_started) {
    pthread_mutex_lock(&b->mu);
    b->stopping = 1;
    pthread_cond_signal(&b->cv_work);
    pthread_mutex_unlock(&b->mu);
    pthread_join(b->thread, NULL);
  }
  if (b->ckpt_started) {
    pthread_mutex_lock(&b->ckmu);
    b->ckpt_stop = 1;
    pthread_cond_signal(&b->ckcv);
    pthread_mutex_unlock(&b->ckmu);
    pthread_join(b->ckpt_thread, NULL);
  }
  for (sq_conn *c = b->free_readers, *next; c; c = next) {
    next = c->next_free;
    conn_close(c);
  }
  conn_close(b->ckpt);
  /* The writer closes last: the last connection to close checkpoints the WAL into the database
   * and removes it. */
  conn_close(b->writer);
  pthread_mutex_destroy(&b->mu);
  pthread_cond_destroy(&b->cv_work);
  pthread_cond_destroy(&b->cv_space);
  pthread_mutex_destroy(&b->rmu);
  pthread_cond_destroy(&b->rcv);
  pthread_mutex_destroy(&b->ckmu);
  pthread_cond_destroy(&b->ckcv);
  free(b->path);
  free(b);
}

static const store_vtable sq_vtable = {
    .name = "sqlite",
    .close = sq_close,
    .schema_version = sq_schema_version,
    .bcp_add = sq_bcp_add,
    .bcp_get = sq_bcp_get,
    .bcp_list = sq_bcp_list,
    .user_add = sq_user_add,
    .user_get = sq_user_get,
    .user_get_by_name = sq_user_get_by_name,
    .user_list = sq_user_list,
    .user_set_password = sq_user_set_password,
    .user_set_role = sq_user_set_role,
    .user_set_disabled = sq_user_set_disabled,
    .user_signin_failed = sq_user_signin_failed,
    .user_signin_ok = sq_user_signin_ok,
    .session_create = sq_session_create,
    .session_get_by_hash = sq_session_get_by_hash,
    .session_touch = sq_session_touch,
    .session_revoke = sq_session_revoke,
    .session_revoke_user = sq_session_revoke_user,
    .session_purge = sq_session_purge,
    .traveller_upsert = sq_traveller_upsert,
    .traveller_get = sq_traveller_get,
    .traveller_search = sq_traveller_search,
    .crossing_add_many = sq_crossing_add_many,
    .crossing_get = sq_crossing_get,
    .crossing_list_by_traveller = sq_crossing_list_by_traveller,
    .crossing_count = sq_crossing_count,
    .refusal_code_list = sq_refusal_code_list,
    .refusal_code_put = sq_refusal_code_put,
    .watchlist_put = sq_watchlist_put,
    .watchlist_list = sq_watchlist_list,
    .watchlist_version_add = sq_watchlist_version_add,
    .watchlist_version_list = sq_watchlist_version_list,
    .hit_add = sq_hit_add,
    .hit_get = sq_hit_get,
    .hit_list = sq_hit_list,
    .crossing_stats = sq_crossing_stats,
    .hit_stats = sq_hit_stats,
    .disposition_add = sq_disposition_add,
    .disposition_list = sq_disposition_list,
    .referral_open = sq_referral_open,
    .referral_resolve = sq_referral_resolve,
    .referral_get = sq_referral_get,
    .referral_list_open = sq_referral_list_open,
    .open_stay_list = sq_open_stay_list,
    .audit_append = sq_audit_append,
    .inspection_write = sq_inspection_write,
    .audit_list = sq_audit_list,
    .audit_walk = sq_audit_walk,
    .api_manifest_write = sq_api_manifest_write,
    .api_flight_list = sq_api_flight_list,
    .api_flight_get = sq_api_flight_get,
    .api_message_list = sq_api_message_list,
    .api_person_list = sq_api_person_list,
    .api_hit_list = sq_api_hit_list,
    .api_person_find = sq_api_person_find,
    .api_purge = sq_api_purge,
};

bm_err store__sqlite_open(const char *path, const store_vtable **vt, store_backend **out,
                          bm_diag *d) {
  if (!sqlite3_threadsafe())
    return bm_diag_set(d, BM_ERR_UNSUPPORTED, NULL, 0, 0,
                       "this SQLite library was built without thread support");
  store_backend *b = calloc(1, sizeof *b);
  if (b == NULL || (b->path = strdup(path)) == NULL) {
    free(b);
    return bm_diag_set(d, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  }
  pthread_mutex_init(&b->mu, NULL);
  pthread_cond_init(&b->cv_work, NULL);
  pthread_cond_init(&b->cv_space, NULL);
  pthread_mutex_init(&b->rmu, NULL);
  pthread_cond_init(&b->rcv, NULL);
  pthread_mutex_init(&b->ckmu, NULL);
  pthread_cond_init(&b->ckcv, NULL);
  bm_err e = conn_open(path, SQ_WRITER, &b->writer, d);
  if (e == BM_OK) e = migrate(b->writer, d);
  if (e == BM_OK) e = conn_open(path, SQ_CHECKPOINTER, &b->ckpt, d);
  if (e == BM_OK) {
    sqlite3_wal_hook(b->writer->db, wal_hook, b); /* replaces the automatic checkpoint */
    if (pthread_create(&b->ckpt_thread, NULL, checkpointer_main, b) != 0)
      e = bm_diag_set(d, BM_ERR_NOMEM, NULL, 0, 0, "cannot start the checkpointer thread");
    else
      b->ckpt_started = 1;
  }
  if (e == BM_OK) {
    if (pthread_create(&b->thread, NULL, writer_main, b) != 0)
      e = bm_diag_set(d, BM_ERR_NOMEM, NULL, 0, 0, "cannot start the writer thread");
    else
      b->thread_started = 1;
  }
  if (e != BM_OK) {
    sq_close(b);
    return e;
  }
  *vt = &sq_vtable;
  *out = b;
  return BM_OK;
}
