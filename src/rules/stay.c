/* stay.c - the 90/180-day rule and national stay rules (see include/bmis/stay.h).
 *
 * The history is turned into "presence": sorted, disjoint runs of days present, with prefix sums,
 * so that "days present in [a, b]" costs a binary search. Stays that touch (a re-entry on the day
 * of the previous exit) are merged, which counts their shared day once. Everything else follows
 * the algorithm of the EU short-stay calculator (reference/border-systems.md section 3): the
 * window of a day d is [d - window + 1, d], and a stay is lawful while on every one of its days
 * the days present in that day's window stay within the limit.
 */
#include <stdio.h>
#include <string.h>

#include "bmis/stay.h"

/* ---- rules ---- */

stay_rule stay_rule_schengen(void) {
  stay_rule r = {STAY_RULE_VISA_FREE, STAY_SCHENGEN_LIMIT_DAYS, STAY_SCHENGEN_WINDOW_DAYS};
  return r;
}

const char *stay_rule_kind_name(stay_rule_kind kind) {
  switch (kind) {
  case STAY_RULE_VISA_FREE: return "visa_free";
  case STAY_RULE_VISA_REQUIRED: return "visa_required";
  case STAY_RULE_EXEMPT: return "exempt";
  }
  return "unknown";
}

int stay_rule_kind_parse(const char *name, stay_rule_kind *out) {
  static const stay_rule_kind all[] = {STAY_RULE_VISA_FREE, STAY_RULE_VISA_REQUIRED,
                                       STAY_RULE_EXEMPT};
  if (name == NULL) return -1;
  for (size_t i = 0; i < BM_COUNTOF(all); i++) {
    if (strcmp(name, stay_rule_kind_name(all[i])) == 0) {
      *out = all[i];
      return 0;
    }
  }
  return -1;
}

bm_err stay_rule_check(const stay_rule *r, bm_diag *diag) {
  if (r == NULL) return bm_diag_set(diag, BM_ERR_USAGE, "rule", 0, 0, "no rule given");
  switch (r->kind) {
  case STAY_RULE_EXEMPT: return BM_OK;
  case STAY_RULE_VISA_FREE:
  case STAY_RULE_VISA_REQUIRED: break;
  default: return bm_diag_set(diag, BM_ERR_INVALID, "rule", 0, 0, "unknown rule kind %d", r->kind);
  }
  if (r->window_days < 1 || r->window_days > STAY_WINDOW_DAYS_MAX)
    return bm_diag_set(diag, BM_ERR_INVALID, "window", 0, 0, "window must be 1 to %d days, not %u",
                       STAY_WINDOW_DAYS_MAX, r->window_days);
  /* limit == window would be no limit at all (a window can always hold all its days): that is
   * what EXEMPT says, and the continuous-stay search relies on a stay never exceeding the limit. */
  if (r->limit_days < 1 || r->limit_days >= r->window_days)
    return bm_diag_set(diag, BM_ERR_INVALID, "days", 0, 0,
                       "days must be at least 1 and less than the window (%u), not %u",
                       r->window_days, r->limit_days);
  return BM_OK;
}

/* ---- the policy table ---- */

int stay_nationality_normalize(const char *code, char out[4]) {
  memset(out, 0, 4);
  if (code == NULL) return -1;
  char buf[4] = {'<', '<', '<', '\0'};
  size_t i = 0, letters = 0;
  for (; code[i] != '\0'; i++) {
    if (i >= 3) return -1;
    char c = code[i];
    if (c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
    if (c >= 'A' && c <= 'Z') {
      if (letters != i) return -1; /* a letter after a filler: "D<E" */
      letters++;
    } else if (c != '<') {
      return -1;
    }
    buf[i] = c;
  }
  if (letters == 0) return -1;
  memcpy(out, buf, 4);
  return 0;
}

void stay_policy_init(stay_policy *p) {
  memset(p, 0, sizeof *p);
  p->default_rule = stay_rule_schengen();
}

bm_err stay_policy_set_default(stay_policy *p, const stay_rule *rule, bm_diag *diag) {
  if (p == NULL) return bm_diag_set(diag, BM_ERR_USAGE, NULL, 0, 0, "no policy given");
  bm_err err = stay_rule_check(rule, diag);
  if (err != BM_OK) return err;
  p->default_rule = *rule;
  return BM_OK;
}

static const stay_policy_entry *policy_find(const stay_policy *p, const char code[4]) {
  /* Linear: at most STAY_POLICY_RULES_MAX short fixed-size keys, looked up once per traveller. */
  for (size_t i = 0; i < p->nrules; i++)
    if (memcmp(p->rules[i].nationality, code, 4) == 0) return &p->rules[i];
  return NULL;
}

bm_err stay_policy_add(stay_policy *p, const char *nationality, const stay_rule *rule,
                       bm_diag *diag) {
  if (p == NULL) return bm_diag_set(diag, BM_ERR_USAGE, NULL, 0, 0, "no policy given");
  char code[4];
  if (stay_nationality_normalize(nationality, code) != 0)
    return bm_diag_set(diag, BM_ERR_INVALID, "nationality", 0, 0,
                       "'%.8s' is not an ICAO nationality code (1 to 3 letters, '<'-padded)",
                       nationality ? nationality : "");
  if (policy_find(p, code) != NULL)
    return bm_diag_set(diag, BM_ERR_INVALID, "nationality", 0, 0, "%s is listed twice", code);
  bm_err err = stay_rule_check(rule, diag);
  if (err != BM_OK) return err;
  if (p->nrules >= STAY_POLICY_RULES_MAX)
    return bm_diag_set(diag, BM_ERR_LIMIT, "nationality", 0, 0,
                       "more than %d nationalities in one policy", STAY_POLICY_RULES_MAX);
  stay_policy_entry *e = &p->rules[p->nrules++];
  memcpy(e->nationality, code, 4);
  e->rule = *rule;
  return BM_OK;
}

const stay_rule *stay_policy_lookup(const stay_policy *p, const char *nationality, bool *listed) {
  char code[4];
  const stay_policy_entry *e = NULL;
  if (stay_nationality_normalize(nationality, code) == 0) e = policy_find(p, code);
  if (listed != NULL) *listed = e != NULL;
  return e != NULL ? &e->rule : &p->default_rule;
}

/* ---- presence ---- */

typedef struct run {
  long first, last; /* days present, inclusive */
} run;

typedef struct presence {
  size_t n;
  run runs[STAY_STAYS_MAX];
  long before[STAY_STAYS_MAX + 1]; /* before[i]: days present in runs[0..i-1] */
} presence;

static int day_ok(long d) {
  return d >= STAY_DAY_MIN && d <= STAY_DAY_MAX;
}

/* Build from a checked history; an ongoing stay ends on today. */
static void presence_build(presence *p, const stay_stay *stays, size_t n, long today) {
  p->n = 0;
  p->before[0] = 0;
  for (size_t i = 0; i < n; i++) {
    long last = stays[i].exit == STAY_DAY_NONE ? today : stays[i].exit;
    if (p->n > 0 && stays[i].entry <= p->runs[p->n - 1].last) {
      /* Same-day re-entry (the checked history allows no other overlap): the shared day once. */
      p->runs[p->n - 1].last = last;
    } else {
      p->runs[p->n].first = stays[i].entry;
      p->runs[p->n].last = last;
      p->n++;
    }
  }
  for (size_t i = 0; i < p->n; i++)
    p->before[i + 1] = p->before[i] + (p->runs[i].last - p->runs[i].first + 1);
}

/* Index of the first run ending on or after day, p->n if none. */
static size_t presence_seek(const presence *p, long day) {
  size_t lo = 0, hi = p->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (p->runs[mid].last < day)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* Days present in [from, to]. */
static long presence_count(const presence *p, long from, long to) {
  if (from > to) return 0;
  size_t i = presence_seek(p, from);
  size_t j = presence_seek(p, to);             /* first run ending on or after to */
  if (j < p->n && p->runs[j].first <= to) j++; /* runs i..j-1 intersect [from, to] */
  if (i >= j) return 0;
  long total = p->before[j] - p->before[i];
  if (p->runs[i].first < from) total -= from - p->runs[i].first;
  if (p->runs[j - 1].last > to) total -= p->runs[j - 1].last - to;
  return total;
}

/* ---- history ---- */

bm_err stay_history_check(const stay_stay *stays, size_t n, long today, bm_diag *diag) {
  char field[BM_DIAG_FIELD_BYTES_MAX];
  if (n > STAY_STAYS_MAX)
    return bm_diag_set(diag, BM_ERR_LIMIT, "stays", 0, 0, "%zu stays, more than the %d allowed", n,
                       STAY_STAYS_MAX);
  if (n > 0 && stays == NULL) return bm_diag_set(diag, BM_ERR_USAGE, "stays", 0, 0, "no stays");
  for (size_t i = 0; i < n; i++) {
    const stay_stay *s = &stays[i];
    snprintf(field, sizeof field, "stays[%zu].entry", i);
    if (!day_ok(s->entry))
      return bm_diag_set(diag, BM_ERR_INVALID, field, 0, 0,
                         "stay %zu: the entry date is missing or outside 1900-01-01..9999-12-31",
                         i);
    if (i > 0) {
      const stay_stay *prev = &stays[i - 1];
      if (s->entry < prev->entry)
        return bm_diag_set(diag, BM_ERR_INVALID, field, 0, 0,
                           "stay %zu: entered before stay %zu: stays must be in date order", i,
                           i - 1);
      /* prev->exit is known here: an ongoing stay before this one was refused below. */
      if (s->entry < prev->exit)
        return bm_diag_set(diag, BM_ERR_INVALID, field, 0, 0,
                           "stay %zu: entered before stay %zu ended: stays overlap", i, i - 1);
    }
    snprintf(field, sizeof field, "stays[%zu].exit", i);
    if (s->exit == STAY_DAY_NONE) {
      if (i + 1 < n)
        return bm_diag_set(diag, BM_ERR_INVALID, field, 0, 0,
                           "stay %zu: has no exit but is not the last stay: only the last stay "
                           "may be ongoing",
                           i);
      if (today != STAY_DAY_NONE && s->entry > today) {
        snprintf(field, sizeof field, "stays[%zu].entry", i);
        return bm_diag_set(diag, BM_ERR_INVALID, field, 0, 0,
                           "stay %zu: an ongoing stay cannot start after today", i);
      }
      continue;
    }
    if (!day_ok(s->exit))
      return bm_diag_set(diag, BM_ERR_INVALID, field, 0, 0,
                         "stay %zu: the exit date is outside 1900-01-01..9999-12-31", i);
    if (s->exit < s->entry)
      return bm_diag_set(diag, BM_ERR_INVALID, field, 0, 0, "stay %zu: exit before entry", i);
  }
  return BM_OK;
}

unsigned stay_days_present(const stay_stay *stays, size_t n, long today, long from, long to) {
  presence p;
  presence_build(&p, stays, n, today);
  return (unsigned)presence_count(&p, from, to);
}

/* ---- evaluation ---- */

stay_query stay_query_make(long today) {
  stay_query q = {today, STAY_DAY_NONE, 0, STAY_DAY_NONE, STAY_DAY_NONE};
  return q;
}

const char *stay_verdict_name(stay_verdict v) {
  switch (v) {
  case STAY_VERDICT_ALLOWED: return "allowed";
  case STAY_VERDICT_LIMIT_REACHED: return "limit_reached";
  case STAY_VERDICT_VISA_REQUIRED: return "visa_required";
  case STAY_VERDICT_VISA_NOT_VALID: return "visa_not_valid";
  case STAY_VERDICT_OVERSTAYING: return "overstaying";
  }
  return "unknown";
}

static bm_err query_check(const stay_rule *rule, const stay_query *q, bm_diag *diag) {
  if (!day_ok(q->today))
    return bm_diag_set(diag, BM_ERR_INVALID, "today", 0, 0,
                       "today is missing or outside 1900-01-01..9999-12-31");
  if (q->entry != STAY_DAY_NONE && !day_ok(q->entry))
    return bm_diag_set(diag, BM_ERR_INVALID, "entry", 0, 0,
                       "the entry date is outside 1900-01-01..9999-12-31");
  if (rule->kind != STAY_RULE_EXEMPT && q->allowed_days >= rule->window_days)
    return bm_diag_set(diag, BM_ERR_INVALID, "allowed_days", 0, 0,
                       "allowed_days %u is not less than the rule's %u-day window", q->allowed_days,
                       rule->window_days);
  if (q->visa_from != STAY_DAY_NONE && !day_ok(q->visa_from))
    return bm_diag_set(diag, BM_ERR_INVALID, "visa_from", 0, 0,
                       "visa_from is outside 1900-01-01..9999-12-31");
  if (q->visa_until != STAY_DAY_NONE && !day_ok(q->visa_until))
    return bm_diag_set(diag, BM_ERR_INVALID, "visa_until", 0, 0,
                       "visa_until is outside 1900-01-01..9999-12-31");
  if (q->visa_from != STAY_DAY_NONE && q->visa_until != STAY_DAY_NONE &&
      q->visa_until < q->visa_from)
    return bm_diag_set(diag, BM_ERR_INVALID, "visa_until", 0, 0, "visa_until is before visa_from");
  return BM_OK;
}

/* The overstay scan: every recorded day present, with a sliding count of the days present in its
 * window. days >= assessed_from are held to limit (and visa_until), earlier ones to base_limit. */
typedef struct overstay_scan {
  long window;
  long base_limit;
  long limit;
  long assessed_from; /* STAY_DAY_NONE: no assessed ongoing stay */
  long visa_until;
} overstay_scan;

static void scan_overstays(const presence *p, const overstay_scan *sc, stay_result *out) {
  size_t out_run = 0; /* run holding (or first after) day d - window, which only moves forward */
  for (size_t r = 0; r < p->n; r++) {
    long first = p->runs[r].first, last = p->runs[r].last;
    long used = presence_count(p, first - sc->window + 1, first);
    for (long d = first; d <= last; d++) {
      if (d > first) {
        used++;
        long gone = d - sc->window; /* the day that just left the window */
        while (out_run < p->n && p->runs[out_run].last < gone) out_run++;
        if (out_run < p->n && p->runs[out_run].first <= gone) used--;
      }
      bool assessed = sc->assessed_from != STAY_DAY_NONE && d >= sc->assessed_from;
      long excess = used - (assessed ? sc->limit : sc->base_limit);
      if (assessed && sc->visa_until != STAY_DAY_NONE && d - sc->visa_until > excess)
        excess = d - sc->visa_until;
      if (excess <= 0) continue;
      if (!out->overstay) out->overstay_first_day = d;
      out->overstay = true;
      out->overstay_last_day = d;
      out->overstay_days = (unsigned)excess;
      out->overstay_days_unlawful++;
    }
  }
}

bm_err stay_evaluate(const stay_rule *rule, const stay_stay *stays, size_t n, const stay_query *q,
                     stay_result *out, bm_diag *diag) {
  if (out != NULL) memset(out, 0, sizeof *out);
  if (rule == NULL || q == NULL || out == NULL)
    return bm_diag_set(diag, BM_ERR_USAGE, NULL, 0, 0,
                       "stay_evaluate needs a rule, a query and a "
                       "result");
  bm_err err = stay_rule_check(rule, diag);
  if (err == BM_OK) err = query_check(rule, q, diag);
  if (err == BM_OK) err = stay_history_check(stays, n, q->today, diag);
  if (err != BM_OK) return err;

  bool ongoing = n > 0 && stays[n - 1].exit == STAY_DAY_NONE;
  long entry = q->entry;
  if (ongoing) {
    if (entry != STAY_DAY_NONE && entry != stays[n - 1].entry)
      return bm_diag_set(diag, BM_ERR_INVALID, "entry", 0, 0,
                         "the last stay (%zu) is ongoing: the entry assessed is its entry", n - 1);
    entry = stays[n - 1].entry;
  } else if (entry == STAY_DAY_NONE) {
    return bm_diag_set(diag, BM_ERR_INVALID, "entry", 0, 0,
                       "no entry date and no ongoing stay: nothing to assess");
  } else if (n > 0 && entry < stays[n - 1].exit) {
    return bm_diag_set(diag, BM_ERR_INVALID, "entry", 0, 0,
                       "the entry is before the end of the last stay (%zu)", n - 1);
  }

  presence pres; /* about 24 KB: bounded by STAY_STAYS_MAX, no heap in core code */
  presence *p = &pres;
  presence_build(p, stays, n, q->today);

  stay_rule applied = *rule;
  bool exempt = rule->kind == STAY_RULE_EXEMPT;
  if (!exempt && q->allowed_days > 0) applied.limit_days = q->allowed_days;
  long window = (long)applied.window_days, limit = (long)applied.limit_days;

  out->rule = applied;
  out->entry = entry;
  out->ongoing = ongoing;
  out->limited = !exempt;
  out->latest_exit = STAY_DAY_NONE;
  out->next_entry = STAY_DAY_NONE;
  out->overstay_first_day = STAY_DAY_NONE;
  out->overstay_last_day = STAY_DAY_NONE;
  if (exempt) {
    /* Still counted, so that an officer sees the travel pattern; it limits nothing. */
    out->days_used = (unsigned)presence_count(p, entry - STAY_SCHENGEN_WINDOW_DAYS + 1, entry - 1);
    out->days_used_today =
        (unsigned)presence_count(p, q->today - STAY_SCHENGEN_WINDOW_DAYS + 1, q->today);
    out->verdict = STAY_VERDICT_ALLOWED;
    out->allowed = true;
    out->next_entry = entry;
    return BM_OK;
  }

  long used = presence_count(p, entry - window + 1, entry - 1);
  out->days_used = (unsigned)used;
  out->remaining = used < limit ? (unsigned)(limit - used) : 0;
  out->days_used_today = (unsigned)presence_count(p, q->today - window + 1, q->today);

  /* The longest continuous stay: day entry + k is lawful while the days present before the entry
   * that are still in its window, plus the k + 1 days of this stay, stay within the limit. Older
   * days leave the window as the stay goes on, so each day is checked, not just the entry day. No
   * stay can be longer than the limit itself. */
  long max_stay = 0;
  for (long k = 0; k < limit; k++) {
    long d = entry + k;
    if (d > STAY_DAY_MAX || (q->visa_until != STAY_DAY_NONE && d > q->visa_until)) break;
    if (presence_count(p, d - window + 1, entry - 1) + k + 1 > limit) break;
    max_stay = k + 1;
  }

  bool has_visa =
      q->allowed_days > 0 || q->visa_from != STAY_DAY_NONE || q->visa_until != STAY_DAY_NONE;
  stay_verdict v = STAY_VERDICT_ALLOWED;
  if (rule->kind == STAY_RULE_VISA_REQUIRED && !has_visa)
    v = STAY_VERDICT_VISA_REQUIRED;
  else if ((q->visa_from != STAY_DAY_NONE && entry < q->visa_from) ||
           (q->visa_until != STAY_DAY_NONE && entry > q->visa_until))
    v = STAY_VERDICT_VISA_NOT_VALID;
  else if (ongoing && (max_stay == 0 || q->today > entry + max_stay - 1))
    v = STAY_VERDICT_OVERSTAYING;
  else if (max_stay == 0)
    v = STAY_VERDICT_LIMIT_REACHED;
  if (v == STAY_VERDICT_VISA_REQUIRED || v == STAY_VERDICT_VISA_NOT_VALID) max_stay = 0;

  out->verdict = v;
  out->allowed = v == STAY_VERDICT_ALLOWED;
  out->max_stay = (unsigned)max_stay;
  if (max_stay > 0) out->latest_exit = entry + max_stay - 1;
  if (v == STAY_VERDICT_ALLOWED) {
    out->next_entry = entry;
  } else if (v == STAY_VERDICT_LIMIT_REACHED) {
    /* Staying away, the days before the entry leave the window one by one; within one window of
     * the entry they have all gone. */
    long from = entry + 1;
    if (q->visa_from != STAY_DAY_NONE && q->visa_from > from) from = q->visa_from;
    for (long d = from; d <= entry + window && d <= STAY_DAY_MAX; d++) {
      if (q->visa_until != STAY_DAY_NONE && d > q->visa_until) break;
      if (presence_count(p, d - window + 1, entry - 1) < limit) {
        out->next_entry = d;
        break;
      }
    }
  }

  overstay_scan sc = {window, (long)rule->limit_days, limit, ongoing ? entry : STAY_DAY_NONE,
                      q->visa_until};
  scan_overstays(p, &sc, out);
  return BM_OK;
}
