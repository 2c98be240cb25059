/* stay.h - short-stay rules: the Schengen 90/180-day rule and national stay rules per nationality.
 *
 * The rule counts *days of presence*: the day of entry and the day of exit each count as a full day
 * (a same-day trip is one day), and on every day of stay the days present in the window made of
 * that day and the window-1 days before it must not exceed the limit (90 days in 180 for
 * Schengen, Regulation (EU) 2016/399 Art. 6(1)). This module answers, for one traveller's history
 * of stays and the stay being assessed (a planned entry, or the ongoing stay):
 *   - days used in the window on the entry day, and the days remaining;
 *   - whether entry is allowed, and if not, why and from which day it would be;
 *   - the latest exit date of a continuous stay from the entry day, taking into account that older
 *     days drop out of the moving window while the traveller stays;
 *   - overstays anywhere in the recorded history (an ongoing stay counts up to "today").
 *
 * Which rule applies depends on nationality: a policy table maps ICAO nationality codes to a rule
 * (visa-free N days in M, visa required, or exempt) with a default for unlisted nationalities.
 *
 * Dates are day numbers as returned by bm_date_to_days (days since 1970-01-01); bm_date_from_days
 * converts back. Pure domain code: no I/O, no allocation, no clock (the caller passes "today").
 * Everything here is thread-safe for distinct outputs.
 */
#ifndef BMIS_STAY_H
#define BMIS_STAY_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "bmis/base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- limits ---- */

#define STAY_STAYS_MAX            1024 /* stays in one traveller's history */
#define STAY_POLICY_RULES_MAX     512  /* nationalities listed in one policy table */
#define STAY_WINDOW_DAYS_MAX      3660 /* longest reference window a rule may have (about 10 years) */
#define STAY_SCHENGEN_LIMIT_DAYS  90   /* the Schengen short-stay limit ... */
#define STAY_SCHENGEN_WINDOW_DAYS 180 /* ... in any window of this many days */

/* Accepted day numbers: 1900-01-01 .. 9999-12-31. Anything outside is refused as invalid input, so
 * that day arithmetic never overflows and every day converts back to a bm_date. */
#define STAY_DAY_MIN  (-25567L)
#define STAY_DAY_MAX  2932896L
#define STAY_DAY_NONE LONG_MIN /* "no such day": an open stay's exit, an absent date */

/* ---- rules and the policy table ---- */

typedef enum stay_rule_kind {
  STAY_RULE_VISA_FREE = 0, /* may stay limit_days in any window_days without a visa */
  STAY_RULE_VISA_REQUIRED, /* needs a visa; its duration of stay (or limit_days) in window_days */
  STAY_RULE_EXEMPT         /* no limit: own nationals, EU/EEA/CH free movement, residence permits */
} stay_rule_kind;

typedef struct stay_rule {
  stay_rule_kind kind;
  /* For VISA_FREE and VISA_REQUIRED: 1 <= limit_days < window_days <= STAY_WINDOW_DAYS_MAX
   * (limit_days == window_days would limit nothing: use EXEMPT).
   * For VISA_REQUIRED, limit_days is the most a visa can grant (90 for a Schengen C visa); the
   * visa's own duration of stay, when given, replaces it. Ignored for EXEMPT (keep them 0). */
  unsigned limit_days;
  unsigned window_days;
} stay_rule;

/* The Schengen default: visa-free, 90 days in any 180. */
stay_rule stay_rule_schengen(void);

/* BM_OK if r is consistent (see stay_rule), else BM_ERR_INVALID with diag->field "days",
 * "window" or "rule". */
bm_err stay_rule_check(const stay_rule *r, bm_diag *diag);

/* Stable lower-case name of a kind: "visa_free", "visa_required", "exempt" ("unknown" otherwise).
 */
const char *stay_rule_kind_name(stay_rule_kind kind);

/* Parse a kind name as stay_rule_kind_name prints it (exact, lower case). Returns 0 and sets *out,
 * or -1 when name is NULL or not a kind name. */
int stay_rule_kind_parse(const char *name, stay_rule_kind *out);

/* An ICAO nationality code in the '<'-padded MRZ form ("USA", "D<<"), NUL-terminated. */
typedef struct stay_policy_entry {
  char nationality[4];
  stay_rule rule;
} stay_policy_entry;

/* A policy table: a plain, caller-owned value (about 8 KB), no heap. Entries are in insertion
 * order; each nationality appears at most once. */
typedef struct stay_policy {
  stay_rule default_rule; /* for nationalities not listed */
  size_t nrules;
  stay_policy_entry rules[STAY_POLICY_RULES_MAX];
} stay_policy;

/* Normalise a nationality code to the '<'-padded, upper-case MRZ form: "usa" -> "USA",
 * "D" -> "D<<", "D<<" -> "D<<". The input is 1 to 3 ASCII letters, optionally followed by '<'
 * fillers up to 3 characters. Writes 4 bytes to out. Returns 0, or -1 (out set to "") when code is
 * NULL or not of that shape. Does not check the code against the ICAO list (icao.h), so that a
 * policy can name codes a future edition adds. */
int stay_nationality_normalize(const char *code, char out[4]);

/* Initialise *p to an empty table whose default rule is stay_rule_schengen(). Cannot fail. */
void stay_policy_init(stay_policy *p);

/* Set the default rule. Returns BM_ERR_INVALID (diag from stay_rule_check) when rule is
 * inconsistent; *p is then unchanged. */
bm_err stay_policy_set_default(stay_policy *p, const stay_rule *rule, bm_diag *diag);

/* Add the rule for one nationality (normalised with stay_nationality_normalize).
 * Returns BM_OK; BM_ERR_INVALID when the code is malformed (diag->field "nationality"), already
 * listed (same field) or the rule is inconsistent; BM_ERR_LIMIT when the table already holds
 * STAY_POLICY_RULES_MAX entries. On failure *p is unchanged. */
bm_err stay_policy_add(stay_policy *p, const char *nationality, const stay_rule *rule,
                       bm_diag *diag);

/* The rule for a nationality: the listed one, else the default rule (also for a NULL or malformed
 * code). Never NULL; the pointer borrows from *p and is valid while *p is unchanged. *listed (if
 * not NULL) is set to true when the nationality was listed. */
const stay_rule *stay_policy_lookup(const stay_policy *p, const char *nationality, bool *listed);

/* ---- evaluation ---- */

/* One stay: entry and exit days, both counted as days of presence. exit == STAY_DAY_NONE means
 * the traveller has not left yet (an ongoing stay, counted up to and including "today"). */
typedef struct stay_stay {
  long entry;
  long exit;
} stay_stay;

/* What is being asked. Days are day numbers; absent ones are STAY_DAY_NONE. */
typedef struct stay_query {
  long today; /* the control date (required): an ongoing stay is counted up to and including it */
  /* Entry day of the stay being assessed: a planned entry (on or after the last recorded exit;
   * the day of the last exit itself is a same-day re-entry and is counted once). When the last
   * recorded stay is ongoing, that stay is the one assessed: leave entry STAY_DAY_NONE or set it
   * to that stay's entry day. */
  long entry;
  /* Per-stay override, typically the "duration of stay" printed on the visa: the number of days
   * allowed in the rule's window, replacing the rule's limit_days for the assessed stay (0 = none;
   * less than the rule's window). Ignored under an EXEMPT rule. */
  unsigned allowed_days;
  /* Validity of the visa for the assessed stay (both optional): entry must fall within it and the
   * latest exit is capped at visa_until. Ignored under an EXEMPT rule. */
  long visa_from;
  long visa_until;
} stay_query;

/* A query with every optional member absent: entry, visa_from and visa_until STAY_DAY_NONE,
 * allowed_days 0. */
stay_query stay_query_make(long today);

/* Why an entry or stay is (not) allowed. */
typedef enum stay_verdict {
  STAY_VERDICT_ALLOWED = 0,    /* entry allowed (ongoing stay: still within its latest exit) */
  STAY_VERDICT_LIMIT_REACHED,  /* no day left in the window on the entry day */
  STAY_VERDICT_VISA_REQUIRED,  /* the rule needs a visa and the query gives none */
  STAY_VERDICT_VISA_NOT_VALID, /* the entry day is outside the visa's validity */
  STAY_VERDICT_OVERSTAYING     /* ongoing stay past its latest exit date as of today */
} stay_verdict;

/* Stable lower-case name of a verdict: "allowed", "limit_reached", "visa_required",
 * "visa_not_valid", "overstaying" ("unknown" otherwise). */
const char *stay_verdict_name(stay_verdict v);

typedef struct stay_result {
  stay_rule rule;     /* the rule as applied: the policy's, with limit_days replaced by the
                         query's allowed_days when given */
  bool limited;       /* false under an EXEMPT rule: then remaining, max_stay (0) and latest_exit
                         (STAY_DAY_NONE) carry no limit, next_entry is entry, nothing is an
                         overstay, and days_used / days_used_today count a 180-day window for
                         information only */
  long entry;         /* the entry day assessed (the ongoing stay's when the query left it out) */
  bool ongoing;       /* the assessed stay is the recorded ongoing stay */
  unsigned days_used; /* days present in the window ending on the entry day, the entry day
                         itself not included (so remaining == limit - days_used) */
  unsigned remaining; /* limit - days_used, 0 when the limit is already used up */
  unsigned days_used_today; /* days present in the window ending on today, recorded stays only */
  stay_verdict verdict;
  bool allowed;      /* verdict == STAY_VERDICT_ALLOWED */
  unsigned max_stay; /* longest continuous stay from entry, in days (0 when not allowed) */
  long latest_exit;  /* entry + max_stay - 1, or STAY_DAY_NONE when max_stay == 0 */
  long next_entry;   /* LIMIT_REACHED: the first later day on which an entry would be allowed
                        (within the visa's validity when one is given), or STAY_DAY_NONE when
                        none; ALLOWED: entry; otherwise STAY_DAY_NONE */
  /* Overstays in the recorded presence (closed stays, and the ongoing stay up to today). Days of
   * the assessed ongoing stay are held to the applied limit, other days to the policy rule's. */
  bool overstay;
  long overstay_first_day; /* first day present with more days used than the limit */
  long overstay_last_day;  /* last such day */
  unsigned overstay_days;  /* days used minus the limit on overstay_last_day: the figure the EU
                              calculator reports at the exit or control date */
  unsigned overstay_days_unlawful; /* number of days present while over the limit */
} stay_result;

/* Check a history of stays: at most STAY_STAYS_MAX; each day in [STAY_DAY_MIN, STAY_DAY_MAX];
 * exit >= entry; stays in chronological order without overlap (a stay may start on the day the
 * previous one ended: a same-day re-entry, that day counted once); only the last stay may be
 * ongoing, and it must have started by today (today == STAY_DAY_NONE skips that check).
 * Returns BM_OK, BM_ERR_LIMIT (too many stays, field "stays") or BM_ERR_INVALID with diag->field
 * naming the stay and member, e.g. "stays[3].exit". stays may be NULL when n == 0. */
bm_err stay_history_check(const stay_stay *stays, size_t n, long today, bm_diag *diag);

/* Days present in [from, to] (inclusive) in a history that passed stay_history_check, an ongoing
 * stay counted up to today. 0 when from > to. Does not validate. */
unsigned stay_days_present(const stay_stay *stays, size_t n, long today, long from, long to);

/* Evaluate a query for a traveller under rule (see stay_result for every output).
 * Returns BM_OK and fills *out; BM_ERR_USAGE when rule, q or out is NULL; otherwise the errors of
 * stay_history_check and stay_rule_check, and BM_ERR_INVALID for a bad query (diag->field
 * "today", "entry" (e.g. before the end of the last stay, or not the ongoing stay's entry, or none
 * at all), "allowed_days", "visa_from", "visa_until"). On failure *out is zeroed. */
bm_err stay_evaluate(const stay_rule *rule, const stay_stay *stays, size_t n, const stay_query *q,
                     stay_result *out, bm_diag *diag);

#ifdef __cplusplus
}
#endif
#endif /* BMIS_STAY_H */
