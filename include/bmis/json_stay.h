/* json_stay.h - stay-rule policy tables, stay queries and their results to and from JSON (jansson).
 * The shapes are those of `bmis stay` and of the policy file documented in docs/stay-rules.md.
 *
 * Policy file:
 *   {"comment": "...",                                        (optional, ignored)
 *    "default": {"rule": "visa_free", "days": 90, "window": 180},    (optional: Schengen 90/180)
 *    "rules": [{"nationalities": ["USA", "CAN"], "rule": "visa_free", "days": 90, "window": 180},
 *              {"nationalities": ["RUS"], "rule": "visa_required"},
 *              {"nationalities": ["FRA", "D"], "rule": "exempt"}]}
 * "rule" is visa_free, visa_required or exempt; "days" and "window" default to 90 and 180 and are
 * refused for exempt; each rule object may carry a "comment" string. Unknown keys are refused, so
 * that a misspelt key cannot silently fall back to a default.
 *
 * Errors name the JSON path of the offending value in diag->field, e.g. "rules[2].nationalities[0]"
 * or "default.days" ("" for the whole document), and repeat it in diag->message.
 */
#ifndef BMIS_JSON_STAY_H
#define BMIS_JSON_STAY_H

#include <jansson.h>
#include <stdbool.h>

#include "bmis/stay.h"

#ifdef __cplusplus
extern "C" {
#endif

#define JS_STAY_POLICY_BYTES_MAX  (1u << 20) /* a policy file */
#define JS_STAY_REQUEST_BYTES_MAX (1u << 20) /* one stay query document */
#define JS_STAY_ID_BYTES_MAX      128        /* a request's "id", bytes including the NUL */

/* Fill *out (initialised with stay_policy_init first) from a decoded policy document.
 * Returns BM_OK; BM_ERR_INVALID for a wrong shape, type, unknown key, bad nationality code,
 * nationality listed twice or inconsistent rule; BM_ERR_LIMIT for more than STAY_POLICY_RULES_MAX
 * nationalities. diag names the path. *out may be partly filled on failure: do not use it. */
bm_err js_stay_policy_decode(const json_t *root, stay_policy *out, bm_diag *diag);

/* Parse policy JSON text of len bytes (need not be NUL-terminated; duplicate keys are refused) and
 * decode it as js_stay_policy_decode does. A syntax error is BM_ERR_INVALID with diag->line and
 * diag->column set (1-based) and diag->field ""; more than JS_STAY_POLICY_BYTES_MAX bytes is
 * BM_ERR_LIMIT. BM_ERR_USAGE when text is NULL or out is NULL. */
bm_err js_stay_policy_parse(const char *text, size_t len, stay_policy *out, bm_diag *diag);

/* A new JSON object for a rule: {"rule": kind, "days": N|null, "window": M|null} (null for exempt).
 * Returns NULL only when out of memory. The caller owns the result (json_decref). */
json_t *js_stay_rule_encode(const stay_rule *r);

/* A decoded stay query, the input of `bmis stay`:
 *   {"id": "...", "nationality": "USA", "entry": "2026-05-01", "today": "2026-04-20",
 *    "allowed_days": 30, "visa_from": "2026-04-01", "visa_until": "2026-09-30",
 *    "stays": [{"entry": "2025-12-01", "exit": "2025-12-20"}, {"entry": "2026-03-01", "exit":
 * null}]} Every key is optional; dates are YYYY-MM-DD (1900..9999); a stay's "exit" null or absent
 * means the stay is ongoing. Absent dates are STAY_DAY_NONE. Unknown keys are refused. */
typedef struct js_stay_request {
  char id[JS_STAY_ID_BYTES_MAX]; /* "" when absent */
  char nationality[4];           /* normalised ('<'-padded), "" when absent */
  long entry;
  long today;
  unsigned allowed_days; /* 0 when absent */
  long visa_from;
  long visa_until;
  size_t nstays;
  stay_stay stays[STAY_STAYS_MAX];
} js_stay_request;

/* Fill *out (about 16 KB: keep it off small stacks) from a decoded request object. Returns BM_OK;
 * BM_ERR_INVALID with diag naming the path ("stays[3].exit", "nationality", ...) for a wrong type,
 * unknown key, malformed date or code; BM_ERR_LIMIT for more than STAY_STAYS_MAX stays. The stays
 * are not checked against each other: stay_evaluate does that (its diag names stays[i] the same
 * way). */
bm_err js_stay_request_decode(const json_t *root, js_stay_request *out, bm_diag *diag);

/* Parse an ISO date "YYYY-MM-DD" (exactly, years 1900..9999) to a day number. Returns 0 and sets
 * *day, or -1 when s is NULL or not such a date. */
int js_stay_date_parse(const char *s, long *day);

/* Write day as "YYYY-MM-DD" into buf (at least 11 bytes). Returns buf; "" for a day outside
 * STAY_DAY_MIN..STAY_DAY_MAX. */
char *js_stay_date_format(long day, char buf[11]);

/* A new JSON object for an evaluation, the output of `bmis stay`:
 *   {"id"?, "nationality", "rule": {... js_stay_rule_encode ..., "source": "listed"|"default"},
 *    "entry", "today", "ongoing", "days_used", "remaining", "days_used_today", "allowed",
 *    "verdict", "max_stay", "latest_exit", "next_entry",
 *    "overstay": null | {"first_day", "last_day", "days", "days_unlawful"}}
 * Dates as YYYY-MM-DD or null; under an exempt rule remaining and max_stay are null.
 * id and nationality may be NULL or "" (then "id" is left out / "nationality" is null).
 * Returns NULL only when out of memory. The caller owns the result (json_decref). */
json_t *js_stay_result_encode(const stay_result *r, const char *id, const char *nationality,
                              bool listed, long today);

#ifdef __cplusplus
}
#endif
#endif
