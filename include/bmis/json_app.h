/* json_app.h - JSON encoders of the application's values (store records, inspections) for the
 * HTTP API (docs/openapi.yaml describes each shape). Every encoder returns a new reference, or
 * NULL when memory ran out. Times are ISO 8601 UTC strings with milliseconds ("2026-11-23T08:15:02
 * .123Z"); ids are integers; unknown values are null rather than "" (except codes kept as text). */
#ifndef BMIS_JSON_APP_H
#define BMIS_JSON_APP_H

#include <jansson.h>

#include "bmis/app.h"
#include "bmis/store.h"

#ifdef __cplusplus
extern "C" {
#endif

/* "2026-11-23T08:15:02.123Z" of Unix milliseconds into buf (at least 25 bytes). */
char *js_time_format(int64_t ms, char buf[32]);
/* Parse that form (the milliseconds and the Z optional; "YYYY-MM-DD" is midnight UTC). Returns 0
 * and sets *ms, or -1. */
int js_time_parse(const char *s, int64_t *ms);

json_t *js_bcp_encode(const store_bcp *b);
json_t *js_user_encode(const store_user *u); /* never the password hash */
json_t *js_traveller_encode(const store_traveller *t);
json_t *js_document_encode(const store_document *d);
json_t *js_crossing_encode(const store_crossing *c);
json_t *js_refusal_code_encode(const store_refusal_code *r);
json_t *js_referral_encode(const store_referral *r);
json_t *js_disposition_encode(const store_disposition *d);
json_t *js_audit_event_encode(const store_audit_event *e);
json_t *js_list_info_encode(const app_list_info *l);
/* One watchlist hit: list, entry, scores, the matched name and the reasons. */
json_t *js_hit_encode(const wl_hit *h, int64_t watchlist_id);
/* The whole inspection: traveller, document, document_check (DESIGN 5.1 fields, null for typed
 * data), hits, traveller_key, history, stay (null for an exit). */
json_t *js_inspection_encode(const app_inspection *ins);

/* One stored hit of the hit queue: id, time, traveller_id, traveller_key, surname, given_names,
 * list, watchlist_id, entry_id, score (0..1), disposition (null while pending). */
json_t *js_hit_view_encode(const store_hit_view *h);
/* A watchlist entry: id, kind, names, birth_dates ("1960-08-03", "1960-08", "1961", "1960/1962"),
 * nationalities, sex (null when unknown), documents [{type, number, country}], category, notes. */
json_t *js_wl_entry_encode(const wl_entry *e);
/* "YYYY-MM-DD" of the UTC day holding ms into buf (at least 11 bytes). */
char *js_date_format(int64_t ms, char buf[32]);

/* Nationalities listed apart by js_crossing_stats_encode; the others are added up as "other". */
#define JS_STATS_NATIONALITIES_TOP 20
/* GET /api/v1/stats/crossings: from, to (the range's first and last day), total, by_day (every day
 * of the range), by_bcp, by_direction, by_decision, by_nationality, by_sex, refusals_by_code,
 * today. since_ms is the range's start (midnight UTC). */
json_t *js_crossing_stats_encode(const app_crossing_stats *s, int64_t since_ms);
/* GET /api/v1/stats/hits: from, to (days of since_ms and of until_ms - 1 ms), total, by_list,
 * dispositions {false_hit, true_hit, pending}. */
json_t *js_hit_stats_encode(const store_hit_stats *s, int64_t since_ms, int64_t until_ms);

/* ---- Advance passenger information (docs/openapi.yaml: ApiFlight, ApiPerson, ApiIngest) ---- */
/* A flight with its counts (persons, persons_with_hits, no_board, messages, max_score). */
json_t *js_api_flight_encode(const store_api_flight *f);
json_t *js_api_message_encode(const store_api_message *m);
json_t *js_api_hit_encode(const store_api_hit *h);
/* A person on a flight with its hits[0..nhits). */
json_t *js_api_person_encode(const store_api_person *p, const store_api_hit *hits, size_t nhits);
/* POST /api/v1/api-messages: messages (stored or refused, with their diagnostics), persons (with
 * board decision and hits), summary, timing_ms. */
json_t *js_api_ingest_encode(const app_api_ingest *r);
/* GET /api/v1/flights/{id}: the flight, parts_last, parts_complete, message_list, person_list
 * (hits first, each with its hits). */
json_t *js_api_flight_view_encode(const app_api_flight_view *v);

#ifdef __cplusplus
}
#endif
#endif /* BMIS_JSON_APP_H */
