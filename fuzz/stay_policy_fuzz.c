/* stay_policy_fuzz.c - libFuzzer harness for the stay-rule policy decoder (js_stay_policy_parse in
 * src/json/js_stay.c). Policy files are written by hand and passed between agencies, so they are
 * untrusted input.
 *
 * The whole input is the policy text. Besides the sanitizers, the harness checks the promises of
 * json_stay.h and stay.h:
 *   - a rejection carries a message, a NUL-terminated path, and a line only for syntax errors;
 *   - an accepted table holds at most STAY_POLICY_RULES_MAX nationalities, each in the normalised
 *     '<'-padded form, each once, each rule consistent (stay_rule_check), and looking a listed
 *     code up returns its own rule;
 *   - the table written back as JSON (js_stay_rule_encode per nationality) decodes to the same
 *     table (round trip);
 *   - every rule evaluates a fixed history (with and without an ongoing stay) within its own
 *     limits: max_stay <= limit, latest_exit = entry + max_stay - 1, remaining = limit - used.
 * A broken check calls __builtin_trap(). The dates are fixed, never the clock.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bmis/json_stay.h"
#include "bmis/stay.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
  do {                                                                                             \
    if (!(cond)) __builtin_trap();                                                                 \
  } while (0)

#define FUZZ_EVAL_RULES_MAX 8 /* rules evaluated per input: enough to cover every kind */

static bool same_rule(const stay_rule *a, const stay_rule *b) {
  return a->kind == b->kind && a->limit_days == b->limit_days && a->window_days == b->window_days;
}

static void check_eval(const stay_rule *rule) {
  /* 2026-01-01 and a history of three stays, one a same-day re-entry. */
  const long t = 20454;
  stay_stay s[3] = {{t - 400, t - 300}, {t - 120, t - 100}, {t - 100, t - 60}};
  for (int open = 0; open < 2; open++) {
    stay_query q = stay_query_make(t);
    if (open)
      s[2].exit = STAY_DAY_NONE;
    else
      q.entry = t + 3;
    stay_result r;
    bm_diag diag;
    CHECK(stay_evaluate(rule, s, 3, &q, &r, &diag) == BM_OK);
    CHECK(r.allowed == (r.verdict == STAY_VERDICT_ALLOWED));
    CHECK(r.ongoing == (open != 0));
    if (!r.limited) {
      CHECK(rule->kind == STAY_RULE_EXEMPT && r.allowed && !r.overstay);
      continue;
    }
    unsigned limit = r.rule.limit_days;
    CHECK(r.max_stay <= limit);
    CHECK(r.remaining == (r.days_used < limit ? limit - r.days_used : 0));
    CHECK(r.days_used_today <= r.rule.window_days);
    if (r.max_stay > 0)
      CHECK(r.latest_exit == r.entry + (long)r.max_stay - 1);
    else
      CHECK(r.latest_exit == STAY_DAY_NONE);
    if (r.overstay) {
      CHECK(r.overstay_first_day <= r.overstay_last_day);
      CHECK(r.overstay_days >= 1 && r.overstay_days_unlawful >= 1);
    }
    if (rule->kind == STAY_RULE_VISA_REQUIRED) CHECK(r.verdict == STAY_VERDICT_VISA_REQUIRED);
    if (r.verdict == STAY_VERDICT_LIMIT_REACHED && r.next_entry != STAY_DAY_NONE)
      CHECK(r.next_entry > r.entry && r.next_entry <= r.entry + (long)r.rule.window_days);
  }
}

/* The decoded table as a policy document again: one rules[] entry per nationality. */
static json_t *policy_encode(const stay_policy *p) {
  json_t *root = json_object();
  CHECK(root != NULL);
  json_t *def = js_stay_rule_encode(&p->default_rule);
  CHECK(def != NULL);
  /* Encoded nulls mean "no limit": the decoder wants the keys left out instead. */
  if (json_is_null(json_object_get(def, "days"))) json_object_del(def, "days");
  if (json_is_null(json_object_get(def, "window"))) json_object_del(def, "window");
  json_object_set_new(root, "default", def);
  json_t *rules = json_array();
  for (size_t i = 0; i < p->nrules; i++) {
    json_t *r = js_stay_rule_encode(&p->rules[i].rule);
    CHECK(r != NULL);
    if (json_is_null(json_object_get(r, "days"))) json_object_del(r, "days");
    if (json_is_null(json_object_get(r, "window"))) json_object_del(r, "window");
    json_object_set_new(r, "nationalities", json_pack("[s]", p->rules[i].nationality));
    json_array_append_new(rules, r);
  }
  json_object_set_new(root, "rules", rules);
  return root;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static stay_policy p, again; /* large: keep them off the stack */
  bm_diag diag;
  memset(&diag, 0, sizeof diag);
  bm_err err = js_stay_policy_parse((const char *)data, size, &p, &diag);
  if (err != BM_OK) {
    CHECK(err == BM_ERR_INVALID || err == BM_ERR_LIMIT);
    CHECK(memchr(diag.field, '\0', sizeof diag.field) != NULL);
    CHECK(memchr(diag.message, '\0', sizeof diag.message) != NULL);
    CHECK(diag.message[0] != '\0');
    if (diag.line > 0) CHECK(diag.field[0] == '\0');
    return 0;
  }

  CHECK(p.nrules <= STAY_POLICY_RULES_MAX);
  CHECK(stay_rule_check(&p.default_rule, NULL) == BM_OK);
  for (size_t i = 0; i < p.nrules; i++) {
    const stay_policy_entry *e = &p.rules[i];
    char norm[4];
    CHECK(stay_nationality_normalize(e->nationality, norm) == 0);
    CHECK(memcmp(norm, e->nationality, 4) == 0);
    CHECK(stay_rule_check(&e->rule, NULL) == BM_OK);
    for (size_t k = 0; k < i; k++) CHECK(strcmp(p.rules[k].nationality, e->nationality) != 0);
    bool listed = false;
    CHECK(stay_policy_lookup(&p, e->nationality, &listed) == &e->rule && listed);
  }

  json_t *doc = policy_encode(&p);
  CHECK(js_stay_policy_decode(doc, &again, &diag) == BM_OK);
  json_decref(doc);
  CHECK(again.nrules == p.nrules && same_rule(&again.default_rule, &p.default_rule));
  for (size_t i = 0; i < p.nrules; i++) {
    CHECK(strcmp(again.rules[i].nationality, p.rules[i].nationality) == 0);
    CHECK(same_rule(&again.rules[i].rule, &p.rules[i].rule));
  }

  check_eval(&p.default_rule);
  for (size_t i = 0; i < p.nrules && i < FUZZ_EVAL_RULES_MAX; i++) check_eval(&p.rules[i].rule);
  return 0;
}
