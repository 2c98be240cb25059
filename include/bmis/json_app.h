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

#ifdef __cplusplus
}
#endif
#endif /* BMIS_JSON_APP_H */
