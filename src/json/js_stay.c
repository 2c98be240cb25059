/* js_stay.c - stay-rule policies, queries and results to and from JSON (see
 * include/bmis/json_stay.h).
 *
 * The policy file is configuration written by hand at a border agency, so the decoder is strict:
 * unknown keys, wrong types and out-of-range numbers are refused with the JSON path of the value,
 * never defaulted silently. Paths are built in a fixed buffer of BM_DIAG_FIELD_BYTES_MAX bytes; the
 * limits on array sizes keep every possible path shorter than that.
 */
#include <stdio.h>
#include <string.h>

#include "bmis/json_stay.h"

/* ---- dates ---- */

int js_stay_date_parse(const char *s, long *day) {
  if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-') return -1;
  int v[3] = {0, 0, 0};
  static const int start[3] = {0, 5, 8}, width[3] = {4, 2, 2};
  for (int f = 0; f < 3; f++) {
    for (int i = 0; i < width[f]; i++) {
      char c = s[start[f] + i];
      if (c < '0' || c > '9') return -1;
      v[f] = v[f] * 10 + (c - '0');
    }
  }
  if (v[0] < 1900 || v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > bm_days_in_month(v[0], v[1]))
    return -1;
  bm_date d = {(int16_t)v[0], (uint8_t)v[1], (uint8_t)v[2]};
  *day = bm_date_to_days(d);
  return 0;
}

char *js_stay_date_format(long day, char buf[11]) {
  buf[0] = '\0';
  if (day < STAY_DAY_MIN || day > STAY_DAY_MAX) return buf;
  bm_date d = bm_date_from_days(day);
  /* The return value is checked only to tell the compiler that truncation was considered: a day in
   * range always gives exactly 10 characters. */
  if (snprintf(buf, 11, "%04d-%02u-%02u", d.year, (unsigned)d.month, (unsigned)d.day) != 10)
    buf[0] = '\0';
  return buf;
}

/* ---- paths and errors ---- */

typedef char js_path[BM_DIAG_FIELD_BYTES_MAX];

/* out = base.key. A path too long for a diag field (only a hostile key can make one) keeps its
 * first bytes: the message still says where to look. */
static void path_key(js_path out, const char *base, const char *key) {
  int n = snprintf(out, sizeof(js_path), "%s%s%s", base, base[0] ? "." : "", key);
  if (n < 0) out[0] = '\0';
}

/* out = base[index], truncated like path_key. */
static void path_index(js_path out, const char *base, size_t index) {
  int n = snprintf(out, sizeof(js_path), "%s[%zu]", base, index);
  if (n < 0) out[0] = '\0';
}

static bm_err fail(bm_diag *diag, bm_err err, const char *path, const char *what) {
  return bm_diag_set(diag, err, path, 0, 0, "%s: %s", path[0] ? path : "document", what);
}

/* BM_OK when every key of obj is one of allowed (NULL-terminated). */
static bm_err only_keys(const json_t *obj, const char *const *allowed, const char *base,
                        bm_diag *diag) {
  const char *key;
  json_t *val;
  json_object_foreach((json_t *)obj, key, val) {
    (void)val;
    int known = 0;
    for (size_t i = 0; allowed[i] != NULL && !known; i++) known = strcmp(key, allowed[i]) == 0;
    if (!known) {
      js_path p;
      path_key(p, base, key);
      return fail(diag, BM_ERR_INVALID, p, "unknown key");
    }
  }
  return BM_OK;
}

/* An optional integer member in [lo, hi]; *out unchanged when absent. */
static bm_err get_uint(const json_t *obj, const char *key, unsigned lo, unsigned hi,
                       const char *base, unsigned *out, bool *present, bm_diag *diag) {
  const json_t *v = json_object_get(obj, key);
  if (present != NULL) *present = v != NULL;
  if (v == NULL) return BM_OK;
  js_path p;
  path_key(p, base, key);
  if (!json_is_integer(v)) return fail(diag, BM_ERR_INVALID, p, "must be an integer");
  json_int_t n = json_integer_value(v);
  if (n < (json_int_t)lo || n > (json_int_t)hi) {
    char msg[96];
    snprintf(msg, sizeof msg, "must be %u to %u", lo, hi);
    return fail(diag, BM_ERR_INVALID, p, msg);
  }
  *out = (unsigned)n;
  return BM_OK;
}

/* An optional date member ("YYYY-MM-DD" or null); *day = STAY_DAY_NONE when absent or null. */
static bm_err get_date(const json_t *obj, const char *key, const char *base, long *day,
                       bm_diag *diag) {
  const json_t *v = json_object_get(obj, key);
  *day = STAY_DAY_NONE;
  if (v == NULL || json_is_null(v)) return BM_OK;
  js_path p;
  path_key(p, base, key);
  if (!json_is_string(v) || js_stay_date_parse(json_string_value(v), day) != 0)
    return fail(diag, BM_ERR_INVALID, p, "must be a date YYYY-MM-DD (1900-01-01..9999-12-31)");
  return BM_OK;
}

/* ---- policy ---- */

/* One rule object at path base; in_list: an entry of "rules" (which carries "nationalities"). */
static bm_err rule_decode(const json_t *obj, const char *base, bool in_list, stay_rule *out,
                          bm_diag *diag) {
  static const char *const list_keys[] = {"nationalities", "rule",    "days",
                                          "window",        "comment", NULL};
  static const char *const default_keys[] = {"rule", "days", "window", "comment", NULL};
  if (!json_is_object(obj)) return fail(diag, BM_ERR_INVALID, base, "must be an object");
  bm_err err = only_keys(obj, in_list ? list_keys : default_keys, base, diag);
  if (err != BM_OK) return err;
  js_path p;
  const json_t *c = json_object_get(obj, "comment");
  if (c != NULL && !json_is_string(c)) {
    path_key(p, base, "comment");
    return fail(diag, BM_ERR_INVALID, p, "must be a string");
  }
  const json_t *kind = json_object_get(obj, "rule");
  path_key(p, base, "rule");
  if (kind == NULL)
    return fail(diag, BM_ERR_INVALID, p, "is required: visa_free, visa_required or exempt");
  if (!json_is_string(kind) || stay_rule_kind_parse(json_string_value(kind), &out->kind) != 0)
    return fail(diag, BM_ERR_INVALID, p, "must be visa_free, visa_required or exempt");
  bool has_days = false, has_window = false;
  out->limit_days = STAY_SCHENGEN_LIMIT_DAYS;
  out->window_days = STAY_SCHENGEN_WINDOW_DAYS;
  err = get_uint(obj, "days", 1, STAY_WINDOW_DAYS_MAX, base, &out->limit_days, &has_days, diag);
  if (err == BM_OK)
    err = get_uint(obj, "window", 1, STAY_WINDOW_DAYS_MAX, base, &out->window_days, &has_window,
                   diag);
  if (err != BM_OK) return err;
  if (out->kind == STAY_RULE_EXEMPT) {
    if (has_days || has_window) {
      path_key(p, base, has_days ? "days" : "window");
      return fail(diag, BM_ERR_INVALID, p, "an exempt rule has no limit: leave it out");
    }
    out->limit_days = out->window_days = 0;
    return BM_OK;
  }
  if (out->limit_days >= out->window_days) {
    path_key(p, base, has_days ? "days" : "window");
    char msg[96];
    snprintf(msg, sizeof msg, "days (%u) must be less than the window (%u)", out->limit_days,
             out->window_days);
    return fail(diag, BM_ERR_INVALID, p, msg);
  }
  return BM_OK;
}

bm_err js_stay_policy_decode(const json_t *root, stay_policy *out, bm_diag *diag) {
  static const char *const keys[] = {"comment", "default", "rules", NULL};
  if (out == NULL) return bm_diag_set(diag, BM_ERR_USAGE, NULL, 0, 0, "no policy to fill");
  stay_policy_init(out);
  if (!json_is_object(root)) return fail(diag, BM_ERR_INVALID, "", "must be a JSON object");
  bm_err err = only_keys(root, keys, "", diag);
  if (err != BM_OK) return err;
  const json_t *c = json_object_get(root, "comment");
  if (c != NULL && !json_is_string(c))
    return fail(diag, BM_ERR_INVALID, "comment", "must be a string");

  const json_t *def = json_object_get(root, "default");
  if (def != NULL) {
    stay_rule r;
    err = rule_decode(def, "default", false, &r, diag);
    if (err != BM_OK) return err;
    out->default_rule = r;
  }

  const json_t *rules = json_object_get(root, "rules");
  if (rules == NULL) return BM_OK;
  if (!json_is_array(rules)) return fail(diag, BM_ERR_INVALID, "rules", "must be an array");
  size_t i;
  const json_t *item;
  json_array_foreach(rules, i, item) {
    js_path base, p;
    path_index(base, "rules", i);
    stay_rule r;
    err = rule_decode(item, base, true, &r, diag);
    if (err != BM_OK) return err;
    const json_t *nats = json_object_get(item, "nationalities");
    path_key(p, base, "nationalities");
    if (nats == NULL) return fail(diag, BM_ERR_INVALID, p, "is required");
    if (!json_is_array(nats) || json_array_size(nats) == 0)
      return fail(diag, BM_ERR_INVALID, p, "must be a non-empty array of ICAO codes");
    size_t k;
    const json_t *nat;
    json_array_foreach(nats, k, nat) {
      js_path np;
      path_index(np, p, k);
      if (!json_is_string(nat))
        return fail(diag, BM_ERR_INVALID, np, "must be a string (an ICAO nationality code)");
      bm_diag d;
      err = stay_policy_add(out, json_string_value(nat), &r, &d);
      if (err != BM_OK) return fail(diag, err, np, d.message);
    }
  }
  return BM_OK;
}

bm_err js_stay_policy_parse(const char *text, size_t len, stay_policy *out, bm_diag *diag) {
  if (text == NULL || out == NULL)
    return bm_diag_set(diag, BM_ERR_USAGE, NULL, 0, 0, "no policy text or no policy to fill");
  stay_policy_init(out);
  if (len > JS_STAY_POLICY_BYTES_MAX)
    return bm_diag_set(diag, BM_ERR_LIMIT, "", 0, 0, "policy is larger than %u bytes",
                       JS_STAY_POLICY_BYTES_MAX);
  json_error_t jerr;
  json_t *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
  if (root == NULL) {
    unsigned line = jerr.line > 0 ? (unsigned)jerr.line : 0;
    unsigned col = jerr.column > 0 ? (unsigned)jerr.column : 0;
    return bm_diag_set(diag, BM_ERR_INVALID, "", line, col, "invalid JSON: %s", jerr.text);
  }
  bm_err err = js_stay_policy_decode(root, out, diag);
  json_decref(root);
  return err;
}

json_t *js_stay_rule_encode(const stay_rule *r) {
  bool limited = r->kind != STAY_RULE_EXEMPT;
  return json_pack("{s:s, s:o, s:o}", "rule", stay_rule_kind_name(r->kind), "days",
                   limited ? json_integer(r->limit_days) : json_null(), "window",
                   limited ? json_integer(r->window_days) : json_null());
}

/* ---- requests ---- */

static bm_err stay_decode(const json_t *obj, size_t i, stay_stay *out, bm_diag *diag) {
  static const char *const keys[] = {"entry", "exit", NULL};
  js_path base, p;
  path_index(base, "stays", i);
  if (!json_is_object(obj)) return fail(diag, BM_ERR_INVALID, base, "must be an object");
  bm_err err = only_keys(obj, keys, base, diag);
  if (err == BM_OK) err = get_date(obj, "entry", base, &out->entry, diag);
  if (err == BM_OK) err = get_date(obj, "exit", base, &out->exit, diag);
  if (err != BM_OK) return err;
  path_key(p, base, "entry");
  if (out->entry == STAY_DAY_NONE) return fail(diag, BM_ERR_INVALID, p, "is required");
  return BM_OK;
}

bm_err js_stay_request_decode(const json_t *root, js_stay_request *out, bm_diag *diag) {
  static const char *const keys[] = {"id",        "nationality", "entry", "today", "allowed_days",
                                     "visa_from", "visa_until",  "stays", NULL};
  if (out == NULL) return bm_diag_set(diag, BM_ERR_USAGE, NULL, 0, 0, "no request to fill");
  memset(out, 0, sizeof *out);
  out->entry = out->today = out->visa_from = out->visa_until = STAY_DAY_NONE;
  if (!json_is_object(root)) return fail(diag, BM_ERR_INVALID, "", "must be a JSON object");
  bm_err err = only_keys(root, keys, "", diag);
  if (err != BM_OK) return err;

  const json_t *id = json_object_get(root, "id");
  if (id != NULL && !json_is_null(id)) {
    if (!json_is_string(id) || json_string_length(id) >= JS_STAY_ID_BYTES_MAX ||
        strlen(json_string_value(id)) != json_string_length(id))
      return fail(diag, BM_ERR_INVALID, "id", "must be a string of at most 127 bytes");
    memcpy(out->id, json_string_value(id), json_string_length(id) + 1);
  }
  const json_t *nat = json_object_get(root, "nationality");
  if (nat != NULL && !json_is_null(nat)) {
    if (!json_is_string(nat) ||
        stay_nationality_normalize(json_string_value(nat), out->nationality) != 0)
      return fail(diag, BM_ERR_INVALID, "nationality",
                  "must be an ICAO nationality code (1 to 3 letters, '<'-padded)");
  }
  err = get_date(root, "entry", "", &out->entry, diag);
  if (err == BM_OK) err = get_date(root, "today", "", &out->today, diag);
  if (err == BM_OK) err = get_date(root, "visa_from", "", &out->visa_from, diag);
  if (err == BM_OK) err = get_date(root, "visa_until", "", &out->visa_until, diag);
  if (err == BM_OK)
    err =
        get_uint(root, "allowed_days", 0, STAY_WINDOW_DAYS_MAX, "", &out->allowed_days, NULL, diag);
  if (err != BM_OK) return err;

  const json_t *stays = json_object_get(root, "stays");
  if (stays == NULL || json_is_null(stays)) return BM_OK;
  if (!json_is_array(stays)) return fail(diag, BM_ERR_INVALID, "stays", "must be an array");
  if (json_array_size(stays) > STAY_STAYS_MAX) {
    char msg[64];
    snprintf(msg, sizeof msg, "more than %d stays", STAY_STAYS_MAX);
    return fail(diag, BM_ERR_LIMIT, "stays", msg);
  }
  size_t i;
  const json_t *item;
  json_array_foreach(stays, i, item) {
    err = stay_decode(item, i, &out->stays[i], diag);
    if (err != BM_OK) return err;
    out->nstays = i + 1;
  }
  return BM_OK;
}

/* ---- results ---- */

static json_t *date_or_null(long day) {
  char buf[11];
  if (day == STAY_DAY_NONE || js_stay_date_format(day, buf)[0] == '\0') return json_null();
  return json_string(buf);
}

json_t *js_stay_result_encode(const stay_result *r, const char *id, const char *nationality,
                              bool listed, long today) {
  json_t *o = json_object();
  if (o == NULL) return NULL;
  int rc = 0;
  if (id != NULL && id[0] != '\0') rc |= json_object_set_new(o, "id", json_string(id));
  rc |= json_object_set_new(o, "nationality",
                            nationality != NULL && nationality[0] != '\0' ? json_string(nationality)
                                                                          : json_null());
  json_t *rule = js_stay_rule_encode(&r->rule);
  if (rule != NULL) json_object_set_new(rule, "source", json_string(listed ? "listed" : "default"));
  rc |= json_object_set_new(o, "rule", rule);
  rc |= json_object_set_new(o, "entry", date_or_null(r->entry));
  rc |= json_object_set_new(o, "today", date_or_null(today));
  rc |= json_object_set_new(o, "ongoing", json_boolean(r->ongoing));
  rc |= json_object_set_new(o, "days_used", json_integer(r->days_used));
  rc |= json_object_set_new(o, "remaining", r->limited ? json_integer(r->remaining) : json_null());
  rc |= json_object_set_new(o, "days_used_today", json_integer(r->days_used_today));
  rc |= json_object_set_new(o, "allowed", json_boolean(r->allowed));
  rc |= json_object_set_new(o, "verdict", json_string(stay_verdict_name(r->verdict)));
  rc |= json_object_set_new(o, "max_stay", r->limited ? json_integer(r->max_stay) : json_null());
  rc |= json_object_set_new(o, "latest_exit", date_or_null(r->latest_exit));
  rc |= json_object_set_new(o, "next_entry", date_or_null(r->next_entry));
  json_t *ov = json_null();
  if (r->overstay)
    ov = json_pack("{s:o, s:o, s:I, s:I}", "first_day", date_or_null(r->overstay_first_day),
                   "last_day", date_or_null(r->overstay_last_day), "days",
                   (json_int_t)r->overstay_days, "days_unlawful",
                   (json_int_t)r->overstay_days_unlawful);
  rc |= json_object_set_new(o, "overstay", ov);
  if (rc != 0) {
    json_decref(o);
    return NULL;
  }
  return o;
}
