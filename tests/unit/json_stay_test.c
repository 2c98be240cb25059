/* json_stay_test.c - unit tests of the stay-rule JSON decoders and encoders (src/json/js_stay.c):
 * the policy file, stay queries and results, and that every rejection names its JSON path. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bmis/json_stay.h"

static long day(int y, int m, int d) {
  bm_date date = {(int16_t)y, (uint8_t)m, (uint8_t)d};
  return bm_date_to_days(date);
}

/* The policy and request are large values: keep them off the stack. */
static stay_policy *policy_new(void) {
  stay_policy *p = malloc(sizeof *p);
  assert_non_null(p);
  return p;
}

static bm_err parse(const char *text, stay_policy *p, bm_diag *diag) {
  memset(diag, 0, sizeof *diag);
  return js_stay_policy_parse(text, strlen(text), p, diag);
}

static void expect_policy_error(const char *text, bm_err want, const char *path) {
  stay_policy *p = policy_new();
  bm_diag diag;
  bm_err err = parse(text, p, &diag);
  if (err != want || strcmp(diag.field, path) != 0)
    fail_msg("%s: got %s at '%s' (%s), want %s at '%s'", text, bm_err_str(err), diag.field,
             diag.message, bm_err_str(want), path);
  /* The message repeats the path so that a log line alone says where to look. */
  if (path[0] != '\0') assert_non_null(strstr(diag.message, path));
  free(p);
}

static void test_json_stay_policy_full_example(void **state) {
  (void)state;
  const char *text =
      "{\"comment\":\"national policy 2026\",\n"
      " \"default\":{\"rule\":\"visa_required\"},\n"
      " \"rules\":[\n"
      "  {\"nationalities\":[\"USA\",\"can\"],\"rule\":\"visa_free\",\"comment\":\"Annex II\"},\n"
      "  {\"nationalities\":[\"GBR\"],\"rule\":\"visa_free\",\"days\":180,\"window\":365},\n"
      "  {\"nationalities\":[\"FRA\",\"D\",\"D<<\"],\"rule\":\"exempt\"}]}";
  stay_policy *p = policy_new();
  bm_diag diag;
  bm_err err = parse(text, p, &diag);
  /* "D" and "D<<" are the same code: listed twice. */
  assert_int_equal(err, BM_ERR_INVALID);
  assert_string_equal(diag.field, "rules[2].nationalities[2]");
  text =
      "{\"comment\":\"national policy 2026\",\n"
      " \"default\":{\"rule\":\"visa_required\"},\n"
      " \"rules\":[\n"
      "  {\"nationalities\":[\"USA\",\"can\"],\"rule\":\"visa_free\",\"comment\":\"Annex II\"},\n"
      "  {\"nationalities\":[\"GBR\"],\"rule\":\"visa_free\",\"days\":180,\"window\":365},\n"
      "  {\"nationalities\":[\"FRA\",\"D\"],\"rule\":\"exempt\"}]}";
  assert_int_equal(parse(text, p, &diag), BM_OK);
  assert_int_equal(p->nrules, 5);
  assert_int_equal(p->default_rule.kind, STAY_RULE_VISA_REQUIRED);
  assert_int_equal(p->default_rule.limit_days, 90);
  assert_int_equal(p->default_rule.window_days, 180);
  bool listed;
  const stay_rule *r = stay_policy_lookup(p, "CAN", &listed);
  assert_true(listed);
  assert_int_equal(r->kind, STAY_RULE_VISA_FREE);
  assert_int_equal(r->limit_days, 90);
  r = stay_policy_lookup(p, "GBR", NULL);
  assert_int_equal(r->limit_days, 180);
  assert_int_equal(r->window_days, 365);
  assert_int_equal(stay_policy_lookup(p, "D<<", NULL)->kind, STAY_RULE_EXEMPT);
  assert_int_equal(stay_policy_lookup(p, "CHN", &listed)->kind, STAY_RULE_VISA_REQUIRED);
  assert_false(listed);
  free(p);
}

static void test_json_stay_policy_empty_is_schengen_for_all(void **state) {
  (void)state;
  stay_policy *p = policy_new();
  bm_diag diag;
  assert_int_equal(parse("{}", p, &diag), BM_OK);
  assert_int_equal(p->nrules, 0);
  assert_int_equal(p->default_rule.kind, STAY_RULE_VISA_FREE);
  assert_int_equal(p->default_rule.limit_days, 90);
  assert_int_equal(p->default_rule.window_days, 180);
  assert_int_equal(parse("{\"rules\":[]}", p, &diag), BM_OK);
  free(p);
}

static void test_json_stay_policy_errors_name_the_path(void **state) {
  (void)state;
  expect_policy_error("[]", BM_ERR_INVALID, "");
  expect_policy_error("{\"rulez\":[]}", BM_ERR_INVALID, "rulez");
  expect_policy_error("{\"comment\":1}", BM_ERR_INVALID, "comment");
  expect_policy_error("{\"default\":[]}", BM_ERR_INVALID, "default");
  expect_policy_error("{\"default\":{}}", BM_ERR_INVALID, "default.rule");
  expect_policy_error("{\"default\":{\"rule\":\"free\"}}", BM_ERR_INVALID, "default.rule");
  expect_policy_error("{\"default\":{\"rule\":\"visa_free\",\"days\":\"90\"}}", BM_ERR_INVALID,
                      "default.days");
  expect_policy_error("{\"default\":{\"rule\":\"visa_free\",\"days\":90.5}}", BM_ERR_INVALID,
                      "default.days");
  expect_policy_error("{\"default\":{\"rule\":\"visa_free\",\"days\":0}}", BM_ERR_INVALID,
                      "default.days");
  expect_policy_error("{\"default\":{\"rule\":\"visa_free\",\"window\":99999999999}}",
                      BM_ERR_INVALID, "default.window");
  expect_policy_error("{\"default\":{\"rule\":\"visa_free\",\"days\":180,\"window\":180}}",
                      BM_ERR_INVALID, "default.days");
  expect_policy_error("{\"default\":{\"rule\":\"visa_free\",\"window\":60}}", BM_ERR_INVALID,
                      "default.window");
  expect_policy_error("{\"default\":{\"rule\":\"exempt\",\"days\":90}}", BM_ERR_INVALID,
                      "default.days");
  expect_policy_error("{\"default\":{\"rule\":\"visa_free\",\"nationalities\":[\"USA\"]}}",
                      BM_ERR_INVALID, "default.nationalities");
  expect_policy_error("{\"rules\":{}}", BM_ERR_INVALID, "rules");
  expect_policy_error("{\"rules\":[1]}", BM_ERR_INVALID, "rules[0]");
  expect_policy_error("{\"rules\":[{\"rule\":\"exempt\"}]}", BM_ERR_INVALID,
                      "rules[0].nationalities");
  expect_policy_error("{\"rules\":[{\"rule\":\"exempt\",\"nationalities\":[]}]}", BM_ERR_INVALID,
                      "rules[0].nationalities");
  expect_policy_error("{\"rules\":[{\"rule\":\"exempt\",\"nationalities\":\"USA\"}]}",
                      BM_ERR_INVALID, "rules[0].nationalities");
  expect_policy_error("{\"rules\":[{\"rule\":\"exempt\",\"nationalities\":[\"FRA\"]},"
                      "{\"rule\":\"visa_free\",\"nationalities\":[\"USA\",7]}]}",
                      BM_ERR_INVALID, "rules[1].nationalities[1]");
  expect_policy_error("{\"rules\":[{\"rule\":\"exempt\",\"nationalities\":[\"FRA\"]},"
                      "{\"rule\":\"visa_free\",\"nationalities\":[\"USA\",\"U5A\"]}]}",
                      BM_ERR_INVALID, "rules[1].nationalities[1]");
  expect_policy_error("{\"rules\":[{\"rule\":\"exempt\",\"nationalities\":[\"FRA\"]},"
                      "{\"rule\":\"visa_free\",\"nationalities\":[\"fra\"]}]}",
                      BM_ERR_INVALID, "rules[1].nationalities[0]");
  expect_policy_error("{\"rules\":[{\"rule\":\"exempt\",\"nationalities\":[\"FRA\"],\"x\":1}]}",
                      BM_ERR_INVALID, "rules[0].x");
  expect_policy_error("{\"rules\":[{\"rule\":\"visa_free\",\"nationalities\":[\"FRA\"],"
                      "\"comment\":false}]}",
                      BM_ERR_INVALID, "rules[0].comment");
}

static void test_json_stay_policy_syntax_errors(void **state) {
  (void)state;
  stay_policy *p = policy_new();
  bm_diag diag;
  assert_int_equal(parse("{\"rules\":[\n{\"rule\":}]}", p, &diag), BM_ERR_INVALID);
  assert_int_equal(diag.line, 2);
  assert_true(diag.column > 0);
  assert_non_null(strstr(diag.message, "invalid JSON"));
  /* Duplicate keys would let one value silently win. */
  assert_int_equal(parse("{\"default\":{\"rule\":\"exempt\",\"rule\":\"visa_free\"}}", p, &diag),
                   BM_ERR_INVALID);
  assert_int_equal(parse("", p, &diag), BM_ERR_INVALID);
  assert_int_equal(js_stay_policy_parse("{}", JS_STAY_POLICY_BYTES_MAX + 1, p, &diag),
                   BM_ERR_LIMIT);
  assert_int_equal(js_stay_policy_parse(NULL, 0, p, &diag), BM_ERR_USAGE);
  /* Not NUL-terminated: only len bytes are read. */
  assert_int_equal(js_stay_policy_parse("{}garbage", 2, p, &diag), BM_OK);
  free(p);
}

static void test_json_stay_policy_too_many_nationalities(void **state) {
  (void)state;
  size_t cap = 64 + 6 * (STAY_POLICY_RULES_MAX + 1);
  char *text = malloc(cap);
  assert_non_null(text);
  size_t n = (size_t)snprintf(text, cap, "{\"rules\":[{\"rule\":\"exempt\",\"nationalities\":[");
  for (int i = 0; i <= STAY_POLICY_RULES_MAX; i++)
    n += (size_t)snprintf(text + n, cap - n, "%s\"%c%c%c\"", i ? "," : "", 'A' + i / 676,
                          'A' + i / 26 % 26, 'A' + i % 26);
  snprintf(text + n, cap - n, "]}]}");
  char path[48];
  snprintf(path, sizeof path, "rules[0].nationalities[%d]", STAY_POLICY_RULES_MAX);
  expect_policy_error(text, BM_ERR_LIMIT, path);
  free(text);
}

static void test_json_stay_rule_encode(void **state) {
  (void)state;
  stay_rule r = {STAY_RULE_VISA_FREE, 90, 180};
  json_t *o = js_stay_rule_encode(&r);
  char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
  assert_string_equal(s, "{\"rule\":\"visa_free\",\"days\":90,\"window\":180}");
  free(s);
  json_decref(o);
  stay_rule e = {STAY_RULE_EXEMPT, 0, 0};
  o = js_stay_rule_encode(&e);
  s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
  assert_string_equal(s, "{\"rule\":\"exempt\",\"days\":null,\"window\":null}");
  free(s);
  json_decref(o);
}

static void test_json_stay_dates(void **state) {
  (void)state;
  long d;
  assert_int_equal(js_stay_date_parse("2024-02-29", &d), 0);
  assert_int_equal(d, day(2024, 2, 29));
  char buf[11];
  assert_string_equal(js_stay_date_format(d, buf), "2024-02-29");
  assert_string_equal(js_stay_date_format(STAY_DAY_MIN, buf), "1900-01-01");
  assert_string_equal(js_stay_date_format(STAY_DAY_MAX, buf), "9999-12-31");
  assert_string_equal(js_stay_date_format(STAY_DAY_MAX + 1, buf), "");
  assert_string_equal(js_stay_date_format(STAY_DAY_NONE, buf), "");
  static const char *const bad[] = {
      "2023-02-29",       "2024-13-01",  "2024-00-10", "2024-01-00", "1899-12-31", "2024-1-01",
      "2024-01-01T00:00", " 2024-01-01", "+024-01-01", "2024/01/01", "",           "20240101"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    if (js_stay_date_parse(bad[i], &d) == 0) fail_msg("accepted '%s'", bad[i]);
  assert_int_equal(js_stay_date_parse(NULL, &d), -1);
}

static void test_json_stay_request_decode(void **state) {
  (void)state;
  js_stay_request *r = malloc(sizeof *r);
  assert_non_null(r);
  json_error_t jerr;
  json_t *o = json_loads("{\"id\":\"t-1\",\"nationality\":\"d\",\"entry\":\"2026-05-01\","
                         "\"today\":\"2026-04-20\",\"allowed_days\":30,"
                         "\"visa_from\":\"2026-04-01\",\"visa_until\":null,"
                         "\"stays\":[{\"entry\":\"2025-12-01\",\"exit\":\"2025-12-20\"},"
                         "{\"entry\":\"2026-03-01\"}]}",
                         0, &jerr);
  assert_non_null(o);
  bm_diag diag;
  assert_int_equal(js_stay_request_decode(o, r, &diag), BM_OK);
  json_decref(o);
  assert_string_equal(r->id, "t-1");
  assert_string_equal(r->nationality, "D<<");
  assert_int_equal(r->entry, day(2026, 5, 1));
  assert_int_equal(r->today, day(2026, 4, 20));
  assert_int_equal(r->allowed_days, 30);
  assert_int_equal(r->visa_from, day(2026, 4, 1));
  assert_int_equal(r->visa_until, STAY_DAY_NONE);
  assert_int_equal(r->nstays, 2);
  assert_int_equal(r->stays[0].exit, day(2025, 12, 20));
  assert_int_equal(r->stays[1].exit, STAY_DAY_NONE);
  /* Everything is optional. */
  o = json_loads("{}", 0, &jerr);
  assert_int_equal(js_stay_request_decode(o, r, &diag), BM_OK);
  json_decref(o);
  assert_int_equal(r->nstays, 0);
  assert_int_equal(r->entry, STAY_DAY_NONE);
  assert_string_equal(r->nationality, "");

  static const struct {
    const char *json;
    bm_err err;
    const char *path;
  } bad[] = {
      {"[]", BM_ERR_INVALID, ""},
      {"{\"nationalty\":\"USA\"}", BM_ERR_INVALID, "nationalty"},
      {"{\"nationality\":\"US A\"}", BM_ERR_INVALID, "nationality"},
      {"{\"nationality\":12}", BM_ERR_INVALID, "nationality"},
      {"{\"entry\":\"2026-02-30\"}", BM_ERR_INVALID, "entry"},
      {"{\"today\":20260101}", BM_ERR_INVALID, "today"},
      {"{\"allowed_days\":-1}", BM_ERR_INVALID, "allowed_days"},
      {"{\"visa_until\":\"soon\"}", BM_ERR_INVALID, "visa_until"},
      {"{\"id\":5}", BM_ERR_INVALID, "id"},
      {"{\"stays\":{}}", BM_ERR_INVALID, "stays"},
      {"{\"stays\":[{\"entry\":\"2026-01-01\"},7]}", BM_ERR_INVALID, "stays[1]"},
      {"{\"stays\":[{\"exit\":\"2026-01-01\"}]}", BM_ERR_INVALID, "stays[0].entry"},
      {"{\"stays\":[{\"entry\":\"2026-01-01\",\"exit\":\"x\"}]}", BM_ERR_INVALID, "stays[0].exit"},
      {"{\"stays\":[{\"entry\":\"2026-01-01\",\"bcp\":\"x\"}]}", BM_ERR_INVALID, "stays[0].bcp"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    o = json_loads(bad[i].json, 0, &jerr);
    assert_non_null(o);
    memset(&diag, 0, sizeof diag);
    bm_err err = js_stay_request_decode(o, r, &diag);
    json_decref(o);
    if (err != bad[i].err || strcmp(diag.field, bad[i].path) != 0)
      fail_msg("%s: got %s at '%s', want '%s'", bad[i].json, bm_err_str(err), diag.field,
               bad[i].path);
  }
  /* Too many stays. */
  json_t *many = json_array();
  for (int i = 0; i <= STAY_STAYS_MAX; i++)
    json_array_append_new(many, json_pack("{s:s}", "entry", "2026-01-01"));
  o = json_pack("{s:o}", "stays", many);
  assert_int_equal(js_stay_request_decode(o, r, &diag), BM_ERR_LIMIT);
  assert_string_equal(diag.field, "stays");
  json_decref(o);
  free(r);
}

static void test_json_stay_result_encode(void **state) {
  (void)state;
  stay_rule rule = stay_rule_schengen();
  stay_stay s[] = {{day(2014, 2, 21), day(2014, 4, 20)}, {day(2014, 5, 1), day(2014, 6, 9)}};
  stay_query q = stay_query_make(day(2014, 8, 30));
  q.entry = day(2014, 8, 30);
  stay_result res;
  assert_int_equal(stay_evaluate(&rule, s, 2, &q, &res, NULL), BM_OK);
  json_t *o = js_stay_result_encode(&res, "x1", "USA", true, q.today);
  char *text = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
  assert_string_equal(
      text, "{\"id\":\"x1\",\"nationality\":\"USA\",\"rule\":{\"rule\":\"visa_free\",\"days\":90,"
            "\"window\":180,\"source\":\"listed\"},\"entry\":\"2014-08-30\",\"today\":"
            "\"2014-08-30\",\"ongoing\":false,\"days_used\":88,\"remaining\":2,"
            "\"days_used_today\":88,\"allowed\":true,\"verdict\":\"allowed\",\"max_stay\":50,"
            "\"latest_exit\":\"2014-10-18\",\"next_entry\":\"2014-08-30\",\"overstay\":"
            "{\"first_day\":\"2014-06-01\",\"last_day\":\"2014-06-09\",\"days\":9,"
            "\"days_unlawful\":9}}");
  free(text);
  json_decref(o);
  /* Exempt: no limits shown; no id, no nationality. */
  stay_rule ex = {STAY_RULE_EXEMPT, 0, 0};
  assert_int_equal(stay_evaluate(&ex, s, 2, &q, &res, NULL), BM_OK);
  o = js_stay_result_encode(&res, NULL, "", false, q.today);
  assert_null(json_object_get(o, "id"));
  assert_true(json_is_null(json_object_get(o, "nationality")));
  assert_true(json_is_null(json_object_get(o, "remaining")));
  assert_true(json_is_null(json_object_get(o, "max_stay")));
  assert_true(json_is_null(json_object_get(o, "latest_exit")));
  assert_true(json_is_null(json_object_get(o, "overstay")));
  assert_string_equal(json_string_value(json_object_get(json_object_get(o, "rule"), "source")),
                      "default");
  json_decref(o);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_json_stay_policy_full_example),
      cmocka_unit_test(test_json_stay_policy_empty_is_schengen_for_all),
      cmocka_unit_test(test_json_stay_policy_errors_name_the_path),
      cmocka_unit_test(test_json_stay_policy_syntax_errors),
      cmocka_unit_test(test_json_stay_policy_too_many_nationalities),
      cmocka_unit_test(test_json_stay_rule_encode),
      cmocka_unit_test(test_json_stay_dates),
      cmocka_unit_test(test_json_stay_request_decode),
      cmocka_unit_test(test_json_stay_result_encode),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
