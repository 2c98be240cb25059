/* stay_test.c - unit tests of the stay rules (src/rules/stay.c) and of bm_date_from_days.
 *
 * Every worked example of reference/border-systems.md section 3 is a test here: the Swiss SEM
 * examples 1, 2, 4, 5 and 6 and the kata tests K1-K3, with the figures the reference gives. A
 * brute-force model (a bitmap of days, every window recounted) cross-checks the evaluation on
 * pseudo-random histories.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bmis/stay.h"

static long day(int y, int m, int d) {
  bm_date date = {(int16_t)y, (uint8_t)m, (uint8_t)d};
  return bm_date_to_days(date);
}

static void assert_day(long got, int y, int m, int d) {
  bm_date g = bm_date_from_days(got);
  if (g.year != y || g.month != m || g.day != d)
    fail_msg("got %04d-%02d-%02d, want %04d-%02d-%02d", g.year, g.month, g.day, y, m, d);
}

static stay_stay closed(long entry, long exit) {
  stay_stay s = {entry, exit};
  return s;
}

static stay_stay ongoing(long entry) {
  stay_stay s = {entry, STAY_DAY_NONE};
  return s;
}

/* Evaluate under the Schengen rule; the call must succeed. */
static stay_result eval(const stay_stay *stays, size_t n, long today, long entry) {
  stay_rule r = stay_rule_schengen();
  stay_query q = stay_query_make(today);
  q.entry = entry;
  stay_result res;
  bm_diag diag;
  bm_err err = stay_evaluate(&r, stays, n, &q, &res, &diag);
  if (err != BM_OK)
    fail_msg("stay_evaluate: %s: %s: %s", bm_err_str(err), diag.field, diag.message);
  return res;
}

/* ---- dates ---- */

static void test_stay_date_from_days_roundtrip(void **state) {
  (void)state;
  /* Every day of 1899..2101 converts back, and consecutive days are consecutive dates. */
  long prev = day(1898, 12, 31);
  for (int y = 1899; y <= 2101; y++) {
    for (int m = 1; m <= 12; m++) {
      for (int d = 1; d <= bm_days_in_month(y, m); d++) {
        long n = day(y, m, d);
        assert_int_equal(n, prev + 1);
        prev = n;
        assert_day(n, y, m, d);
      }
    }
  }
  assert_day(0, 1970, 1, 1);
  assert_day(-1, 1969, 12, 31);
  assert_day(day(2000, 2, 29), 2000, 2, 29);
  assert_day(day(1, 1, 1), 1, 1, 1);
  assert_day(day(9999, 12, 31), 9999, 12, 31);
  /* Outside years 1..9999: year 0, "not known". */
  assert_int_equal(bm_date_from_days(day(1, 1, 1) - 1).year, 0);
  assert_int_equal(bm_date_from_days(day(9999, 12, 31) + 1).year, 0);
  assert_int_equal(bm_date_from_days(-100000000L).month, 0);
}

static void test_stay_day_limits_match_their_dates(void **state) {
  (void)state;
  assert_int_equal(STAY_DAY_MIN, day(1900, 1, 1));
  assert_int_equal(STAY_DAY_MAX, day(9999, 12, 31));
}

/* ---- the worked examples of reference/border-systems.md section 3 ---- */

/* SEM example 1: 15.08.2014-30.09.2014 (47 days); re-entry on 01.01.2015 allows up to 90 days. */
static void test_stay_sem_example_1_reentry_allows_90_days(void **state) {
  (void)state;
  stay_stay s[] = {closed(day(2014, 8, 15), day(2014, 9, 30))};
  assert_int_equal(stay_days_present(s, 1, day(2015, 1, 1), day(2014, 8, 15), day(2014, 9, 30)),
                   47);
  stay_result r = eval(s, 1, day(2015, 1, 1), day(2015, 1, 1));
  assert_true(r.allowed);
  assert_int_equal(r.verdict, STAY_VERDICT_ALLOWED);
  assert_int_equal(r.days_used, 47);
  assert_int_equal(r.remaining, 43);
  assert_int_equal(r.max_stay, 90);
  assert_day(r.latest_exit, 2015, 3, 31);
  assert_false(r.overstay);
}

/* SEM example 2: 15.08.2014-30.09.2014 and 01.11.2014 to the control on 30.11.2014: she may stay
 * until 13.12.2014. */
static void test_stay_sem_example_2_ongoing_until_13_december(void **state) {
  (void)state;
  stay_stay s[] = {closed(day(2014, 8, 15), day(2014, 9, 30)), ongoing(day(2014, 11, 1))};
  stay_result r = eval(s, 2, day(2014, 11, 30), STAY_DAY_NONE);
  assert_true(r.ongoing);
  assert_true(r.allowed);
  assert_day(r.entry, 2014, 11, 1);
  assert_day(r.latest_exit, 2014, 12, 13);
  assert_int_equal(r.days_used, 47);
  assert_int_equal(r.days_used_today, 47 + 30);
  assert_false(r.overstay);
  /* The same query naming the ongoing stay's entry explicitly. */
  r = eval(s, 2, day(2014, 11, 30), day(2014, 11, 1));
  assert_day(r.latest_exit, 2014, 12, 13);
}

/* SEM example 4: three stays, exit 30.01.2014 is legal (the June/July stay is outside the window)
 * and she could have stayed until 31.03.2014. */
static void test_stay_sem_example_4_old_stay_outside_window(void **state) {
  (void)state;
  stay_stay s[] = {closed(day(2013, 6, 1), day(2013, 7, 13)),
                   closed(day(2013, 8, 15), day(2013, 9, 30)), ongoing(day(2014, 1, 1))};
  stay_result r = eval(s, 3, day(2014, 1, 30), STAY_DAY_NONE);
  assert_true(r.allowed);
  assert_false(r.overstay);
  assert_int_equal(r.days_used_today, 47 + 30);
  assert_day(r.latest_exit, 2014, 3, 31);
  /* Recorded as a closed stay and checked at its exit: no overstay either. */
  s[2] = closed(day(2014, 1, 1), day(2014, 1, 30));
  r = eval(s, 3, day(2014, 1, 30), day(2014, 1, 30));
  assert_false(r.overstay);
}

/* SEM example 5: overstay of 9 days at the exit on 09.06.2014; re-entry on 30.08.2014 allows 50
 * days (last day 18.10.2014), the reference window starting on 04.03.2014. */
static void test_stay_sem_example_5_overstay_and_reentry(void **state) {
  (void)state;
  stay_stay s[] = {closed(day(2013, 9, 1), day(2013, 9, 30)),
                   closed(day(2014, 2, 21), day(2014, 4, 20)),
                   closed(day(2014, 5, 1), day(2014, 6, 9))};
  long e = day(2014, 8, 30);
  assert_day(e - (STAY_SCHENGEN_WINDOW_DAYS - 1), 2014, 3, 4);
  stay_result r = eval(s, 3, e, e);
  assert_true(r.overstay);
  assert_int_equal(r.overstay_days, 9);
  assert_int_equal(r.overstay_days_unlawful, 9);
  assert_day(r.overstay_first_day, 2014, 6, 1);
  assert_day(r.overstay_last_day, 2014, 6, 9);
  assert_true(r.allowed);
  assert_int_equal(r.days_used, 88);
  assert_int_equal(r.remaining, 2);
  assert_int_equal(r.max_stay, 50);
  assert_day(r.latest_exit, 2014, 10, 18);
}

/* SEM example 6: 28.06.2013-09.08.2013 and (reconstructed) 19.09.2013-01.03.2014; at the exit on
 * 01.03.2014 the window is 03.09.2013-01.03.2014 and the overstay 74 days. */
static void test_stay_sem_example_6_overstay_74_days(void **state) {
  (void)state;
  stay_stay s[] = {closed(day(2013, 6, 28), day(2013, 8, 9)),
                   closed(day(2013, 9, 19), day(2014, 3, 1))};
  long x = day(2014, 3, 1);
  assert_day(x - (STAY_SCHENGEN_WINDOW_DAYS - 1), 2013, 9, 3);
  stay_result r = eval(s, 2, x, x);
  assert_true(r.overstay);
  assert_int_equal(r.days_used_today, 164);
  assert_int_equal(r.overstay_days, 74);
  assert_day(r.overstay_last_day, 2014, 3, 1);
  /* The 91st day in a window: 43 days of the first stay plus 48 of the second. */
  assert_day(r.overstay_first_day, 2013, 11, 5);
  assert_int_equal(r.overstay_days_unlawful, 164 - 47);
  /* The same as an ongoing stay controlled on 01.03.2014: overstaying. */
  s[1] = ongoing(day(2013, 9, 19));
  r = eval(s, 2, x, STAY_DAY_NONE);
  assert_false(r.allowed);
  assert_int_equal(r.verdict, STAY_VERDICT_OVERSTAYING);
  assert_int_equal(r.overstay_days, 74);
  assert_day(r.latest_exit, 2013, 11, 4);
}

/* K1: no stays: 90 days on any day. */
static void test_stay_kata_1_no_stays(void **state) {
  (void)state;
  stay_result r = eval(NULL, 0, day(2023, 5, 10), day(2023, 5, 10));
  assert_int_equal(r.days_used, 0);
  assert_int_equal(r.remaining, 90);
  assert_int_equal(r.max_stay, 90);
  assert_true(r.allowed);
}

/* K2: a day trip on 01.05.2023: on 10.05.2023, 89 remaining. */
static void test_stay_kata_2_day_trip_in_window(void **state) {
  (void)state;
  stay_stay s[] = {closed(day(2023, 5, 1), day(2023, 5, 1))};
  stay_result r = eval(s, 1, day(2023, 5, 10), day(2023, 5, 10));
  assert_int_equal(r.days_used, 1);
  assert_int_equal(r.remaining, 89);
}

/* K3: a day trip on 01.05.2022: on 10.05.2023 it is outside the window, 90 remaining. */
static void test_stay_kata_3_day_trip_outside_window(void **state) {
  (void)state;
  stay_stay s[] = {closed(day(2022, 5, 1), day(2022, 5, 1))};
  stay_result r = eval(s, 1, day(2023, 5, 10), day(2023, 5, 10));
  assert_int_equal(r.days_used, 0);
  assert_int_equal(r.remaining, 90);
}

/* ---- counting edge cases ---- */

static void test_stay_same_day_entry_and_exit_counts_one_day(void **state) {
  (void)state;
  long d = day(2026, 3, 10);
  stay_stay s[] = {closed(d, d)};
  assert_int_equal(stay_days_present(s, 1, d, d - 200, d + 200), 1);
  /* Re-entry on the day of the previous exit: that day is counted once. */
  stay_stay t[] = {closed(d, d + 9), closed(d + 9, d + 19)};
  assert_int_equal(stay_history_check(t, 2, d + 30, NULL), BM_OK);
  assert_int_equal(stay_days_present(t, 2, d + 30, d - 1, d + 30), 20);
  /* A planned entry on the day of the last exit continues the stay: 20 days already used on its
   * days before, the entry day itself already present. */
  stay_result r = eval(t, 2, d + 19, d + 19);
  assert_int_equal(r.days_used, 19);
  assert_int_equal(r.max_stay, 71);
  assert_int_equal(r.latest_exit, d + 89);
}

/* A 90-day stay from D0: an entry on its day 180 (D0 + 179) still has all 90 days in the window;
 * on day 181 the first day has left it, and the stay can then run for 90 days as each day of the
 * old stay leaves the window in turn. */
static void test_stay_window_boundary_day_180_and_181(void **state) {
  (void)state;
  long d0 = day(2025, 1, 10);
  stay_stay s[] = {closed(d0, d0 + 89)};
  stay_result r = eval(s, 1, d0 + 179, d0 + 179);
  assert_false(r.allowed);
  assert_int_equal(r.verdict, STAY_VERDICT_LIMIT_REACHED);
  assert_int_equal(r.days_used, 90);
  assert_int_equal(r.remaining, 0);
  assert_int_equal(r.max_stay, 0);
  assert_int_equal(r.latest_exit, STAY_DAY_NONE);
  assert_int_equal(r.next_entry, d0 + 180);
  r = eval(s, 1, d0 + 180, d0 + 180);
  assert_true(r.allowed);
  assert_int_equal(r.days_used, 89);
  assert_int_equal(r.remaining, 1);
  assert_int_equal(r.max_stay, 90);
  assert_int_equal(r.latest_exit, d0 + 269);
  /* Exactly 90 days is lawful, the 91st is an overstay of one day. */
  assert_false(eval(s, 1, d0 + 89, d0 + 89).overstay);
  stay_stay t[] = {ongoing(d0)};
  r = eval(t, 1, d0 + 89, STAY_DAY_NONE);
  assert_true(r.allowed);
  assert_false(r.overstay);
  r = eval(t, 1, d0 + 90, STAY_DAY_NONE);
  assert_false(r.allowed);
  assert_int_equal(r.verdict, STAY_VERDICT_OVERSTAYING);
  assert_true(r.overstay);
  assert_int_equal(r.overstay_days, 1);
  assert_int_equal(r.overstay_first_day, d0 + 90);
}

static void test_stay_leap_years(void **state) {
  (void)state;
  stay_stay leap[] = {closed(day(2024, 2, 28), day(2024, 3, 1))};
  stay_stay plain[] = {closed(day(2023, 2, 28), day(2023, 3, 1))};
  assert_int_equal(stay_days_present(leap, 1, 0, STAY_DAY_MIN, STAY_DAY_MAX), 3);
  assert_int_equal(stay_days_present(plain, 1, 0, STAY_DAY_MIN, STAY_DAY_MAX), 2);
  /* The window of 26.08.2024 starts on 29.02.2024; the next day's on 01.03.2024. */
  stay_stay feb29[] = {closed(day(2024, 2, 29), day(2024, 2, 29))};
  assert_day(day(2024, 8, 26) - 179, 2024, 2, 29);
  assert_int_equal(eval(feb29, 1, day(2024, 8, 26), day(2024, 8, 26)).days_used, 1);
  assert_int_equal(eval(feb29, 1, day(2024, 8, 27), day(2024, 8, 27)).days_used, 0);
  /* A 90-day stay from 1 January ends on 30 March in a leap year, on 31 March otherwise. */
  stay_result r = eval(NULL, 0, day(2024, 1, 1), day(2024, 1, 1));
  assert_day(r.latest_exit, 2024, 3, 30);
  r = eval(NULL, 0, day(2023, 1, 1), day(2023, 1, 1));
  assert_day(r.latest_exit, 2023, 3, 31);
}

static void test_stay_ongoing_counts_up_to_today(void **state) {
  (void)state;
  long e = day(2026, 4, 1);
  stay_stay s[] = {ongoing(e)};
  assert_int_equal(stay_days_present(s, 1, e + 9, e - 100, e + 100), 10);
  stay_result r = eval(s, 1, e + 9, STAY_DAY_NONE);
  assert_int_equal(r.days_used, 0);
  assert_int_equal(r.days_used_today, 10);
  assert_int_equal(r.max_stay, 90);
  assert_int_equal(r.latest_exit, e + 89);
}

/* An overstay long ago is still reported after later lawful stays (the EU calculator would only
 * look at the window of the control date). */
static void test_stay_past_overstay_is_reported(void **state) {
  (void)state;
  stay_stay s[] = {closed(day(2020, 1, 1), day(2020, 4, 9)), /* 100 days */
                   closed(day(2023, 6, 1), day(2023, 6, 10))};
  stay_result r = eval(s, 2, day(2026, 1, 1), day(2026, 1, 1));
  assert_true(r.allowed);
  assert_true(r.overstay);
  assert_day(r.overstay_first_day, 2020, 3, 31);
  assert_day(r.overstay_last_day, 2020, 4, 9);
  assert_int_equal(r.overstay_days, 10);
  assert_int_equal(r.overstay_days_unlawful, 10);
}

/* ---- rules, overrides, policy ---- */

static void test_stay_exempt_has_no_limit(void **state) {
  (void)state;
  stay_rule r = {STAY_RULE_EXEMPT, 0, 0};
  stay_stay s[] = {ongoing(day(2024, 1, 1))};
  stay_query q = stay_query_make(day(2026, 1, 1));
  stay_result res;
  assert_int_equal(stay_evaluate(&r, s, 1, &q, &res, NULL), BM_OK);
  assert_false(res.limited);
  assert_true(res.allowed);
  assert_false(res.overstay);
  assert_int_equal(res.latest_exit, STAY_DAY_NONE);
  assert_int_equal(res.days_used_today, 180);
}

static void test_stay_visa_required_needs_a_visa(void **state) {
  (void)state;
  stay_rule r = {STAY_RULE_VISA_REQUIRED, 90, 180};
  long e = day(2026, 5, 1);
  stay_query q = stay_query_make(e - 10);
  q.entry = e;
  stay_result res;
  assert_int_equal(stay_evaluate(&r, NULL, 0, &q, &res, NULL), BM_OK);
  assert_false(res.allowed);
  assert_int_equal(res.verdict, STAY_VERDICT_VISA_REQUIRED);
  assert_int_equal(res.max_stay, 0);
  assert_int_equal(res.next_entry, STAY_DAY_NONE);
  /* The visa's duration of stay decides. */
  q.allowed_days = 15;
  assert_int_equal(stay_evaluate(&r, NULL, 0, &q, &res, NULL), BM_OK);
  assert_true(res.allowed);
  assert_int_equal(res.rule.limit_days, 15);
  assert_int_equal(res.remaining, 15);
  assert_int_equal(res.max_stay, 15);
  assert_int_equal(res.latest_exit, e + 14);
  /* ... within the visa's validity, which also caps the exit. */
  q.visa_from = e - 30;
  q.visa_until = e + 9;
  assert_int_equal(stay_evaluate(&r, NULL, 0, &q, &res, NULL), BM_OK);
  assert_true(res.allowed);
  assert_int_equal(res.max_stay, 10);
  assert_int_equal(res.latest_exit, e + 9);
  q.visa_from = e + 1;
  assert_int_equal(stay_evaluate(&r, NULL, 0, &q, &res, NULL), BM_OK);
  assert_int_equal(res.verdict, STAY_VERDICT_VISA_NOT_VALID);
  assert_false(res.allowed);
  /* Validity alone is a visa too: the rule's limit applies. */
  q = stay_query_make(e);
  q.entry = e;
  q.visa_until = e + 200;
  assert_int_equal(stay_evaluate(&r, NULL, 0, &q, &res, NULL), BM_OK);
  assert_int_equal(res.max_stay, 90);
  /* Staying past the visa's end is an overstay even with days left. */
  stay_stay s[] = {ongoing(e)};
  q = stay_query_make(e + 12);
  q.allowed_days = 30;
  q.visa_until = e + 9;
  assert_int_equal(stay_evaluate(&r, s, 1, &q, &res, NULL), BM_OK);
  assert_int_equal(res.verdict, STAY_VERDICT_OVERSTAYING);
  assert_true(res.overstay);
  assert_int_equal(res.overstay_first_day, e + 10);
  assert_int_equal(res.overstay_days, 3);
  assert_int_equal(res.overstay_days_unlawful, 3);
}

static void test_stay_override_counts_previous_stays(void **state) {
  (void)state;
  stay_rule r = stay_rule_schengen();
  long e = day(2026, 6, 1);
  stay_stay s[] = {closed(e - 40, e - 21)}; /* 20 days */
  stay_query q = stay_query_make(e);
  q.entry = e;
  q.allowed_days = 30;
  stay_result res;
  assert_int_equal(stay_evaluate(&r, s, 1, &q, &res, NULL), BM_OK);
  assert_int_equal(res.days_used, 20);
  assert_int_equal(res.remaining, 10);
  assert_int_equal(res.max_stay, 10);
  q.allowed_days = 20;
  assert_int_equal(stay_evaluate(&r, s, 1, &q, &res, NULL), BM_OK);
  assert_int_equal(res.verdict, STAY_VERDICT_LIMIT_REACHED);
  /* The first of the 20 days leaves the window of e + 140. */
  assert_int_equal(res.next_entry, e + 140);
}

static void test_stay_other_window_rule(void **state) {
  (void)state;
  /* A national rule: 180 days in any 365. */
  stay_rule r = {STAY_RULE_VISA_FREE, 180, 365};
  long e = day(2026, 1, 1);
  stay_stay s[] = {closed(e - 300, e - 131)}; /* 170 days */
  stay_query q = stay_query_make(e);
  q.entry = e;
  stay_result res;
  assert_int_equal(stay_evaluate(&r, s, 1, &q, &res, NULL), BM_OK);
  assert_int_equal(res.days_used, 170);
  assert_int_equal(res.remaining, 10);
  assert_int_equal(res.max_stay, 10); /* the old stay starts leaving the window only on e + 65 */
  /* Entering on e + 70, six old days have left; from then on one old day leaves for each day
   * stayed, so the stay can run to the full 180 days. */
  q.entry = e + 70;
  assert_int_equal(stay_evaluate(&r, s, 1, &q, &res, NULL), BM_OK);
  assert_int_equal(res.days_used, 164);
  assert_int_equal(res.remaining, 16);
  assert_int_equal(res.max_stay, 180);
}

static void test_stay_policy_multiple_nationalities(void **state) {
  (void)state;
  stay_policy *p = malloc(sizeof *p);
  assert_non_null(p);
  stay_policy_init(p);
  stay_rule free90 = stay_rule_schengen();
  stay_rule visa = {STAY_RULE_VISA_REQUIRED, 90, 180};
  stay_rule exempt = {STAY_RULE_EXEMPT, 0, 0};
  stay_rule long_stay = {STAY_RULE_VISA_FREE, 180, 365};
  assert_int_equal(stay_policy_add(p, "USA", &free90, NULL), BM_OK);
  assert_int_equal(stay_policy_add(p, "rus", &visa, NULL), BM_OK);
  assert_int_equal(stay_policy_add(p, "D", &exempt, NULL), BM_OK);
  assert_int_equal(stay_policy_add(p, "FRA", &exempt, NULL), BM_OK);
  assert_int_equal(stay_policy_add(p, "GBR", &long_stay, NULL), BM_OK);
  assert_int_equal(p->nrules, 5);
  bool listed = false;
  assert_int_equal(stay_policy_lookup(p, "RUS", &listed)->kind, STAY_RULE_VISA_REQUIRED);
  assert_true(listed);
  assert_int_equal(stay_policy_lookup(p, "D<<", &listed)->kind, STAY_RULE_EXEMPT);
  assert_true(listed);
  assert_int_equal(stay_policy_lookup(p, "d", NULL)->kind, STAY_RULE_EXEMPT);
  assert_int_equal(stay_policy_lookup(p, "GBR", NULL)->window_days, 365);
  assert_int_equal(stay_policy_lookup(p, "JPN", &listed)->kind, STAY_RULE_VISA_FREE);
  assert_false(listed);
  assert_ptr_equal(stay_policy_lookup(p, "JPN", NULL), &p->default_rule);
  assert_ptr_equal(stay_policy_lookup(p, NULL, NULL), &p->default_rule);
  assert_ptr_equal(stay_policy_lookup(p, "12", NULL), &p->default_rule);
  /* The default can be changed, and only to a consistent rule. */
  assert_int_equal(stay_policy_set_default(p, &visa, NULL), BM_OK);
  assert_int_equal(stay_policy_lookup(p, "JPN", NULL)->kind, STAY_RULE_VISA_REQUIRED);
  stay_rule bad = {STAY_RULE_VISA_FREE, 200, 180};
  bm_diag diag;
  assert_int_equal(stay_policy_set_default(p, &bad, &diag), BM_ERR_INVALID);
  assert_string_equal(diag.field, "days");
  assert_int_equal(stay_policy_lookup(p, "JPN", NULL)->kind, STAY_RULE_VISA_REQUIRED);

  /* One history, three outcomes by nationality. */
  long e = day(2026, 5, 1);
  stay_stay s[] = {closed(e - 100, e - 21)}; /* 80 days */
  stay_query q = stay_query_make(e);
  q.entry = e;
  stay_result res;
  assert_int_equal(stay_evaluate(stay_policy_lookup(p, "USA", NULL), s, 1, &q, &res, NULL), BM_OK);
  assert_int_equal(res.remaining, 10);
  assert_int_equal(stay_evaluate(stay_policy_lookup(p, "RUS", NULL), s, 1, &q, &res, NULL), BM_OK);
  assert_int_equal(res.verdict, STAY_VERDICT_VISA_REQUIRED);
  assert_int_equal(stay_evaluate(stay_policy_lookup(p, "FRA", NULL), s, 1, &q, &res, NULL), BM_OK);
  assert_false(res.limited);
  assert_true(res.allowed);
  assert_int_equal(stay_evaluate(stay_policy_lookup(p, "GBR", NULL), s, 1, &q, &res, NULL), BM_OK);
  assert_int_equal(res.remaining, 100);
  free(p);
}

static void test_stay_policy_rejects_bad_entries(void **state) {
  (void)state;
  stay_policy *p = malloc(sizeof *p);
  assert_non_null(p);
  stay_policy_init(p);
  stay_rule r = stay_rule_schengen();
  bm_diag diag;
  assert_int_equal(stay_policy_add(p, "US1", &r, &diag), BM_ERR_INVALID);
  assert_string_equal(diag.field, "nationality");
  assert_int_equal(stay_policy_add(p, "", &r, NULL), BM_ERR_INVALID);
  assert_int_equal(stay_policy_add(p, NULL, &r, NULL), BM_ERR_INVALID);
  assert_int_equal(stay_policy_add(p, "USAA", &r, NULL), BM_ERR_INVALID);
  assert_int_equal(stay_policy_add(p, "<<<", &r, NULL), BM_ERR_INVALID);
  assert_int_equal(stay_policy_add(p, "D<E", &r, NULL), BM_ERR_INVALID);
  assert_int_equal(stay_policy_add(p, "USA", &r, NULL), BM_OK);
  assert_int_equal(stay_policy_add(p, "usa", &r, &diag), BM_ERR_INVALID);
  assert_non_null(strstr(diag.message, "twice"));
  stay_rule bad = {STAY_RULE_VISA_FREE, 0, 180};
  assert_int_equal(stay_policy_add(p, "CAN", &bad, &diag), BM_ERR_INVALID);
  assert_string_equal(diag.field, "days");
  bad.limit_days = 10;
  bad.window_days = STAY_WINDOW_DAYS_MAX + 1;
  assert_int_equal(stay_policy_add(p, "CAN", &bad, &diag), BM_ERR_INVALID);
  assert_string_equal(diag.field, "window");
  bad.kind = (stay_rule_kind)7;
  assert_int_equal(stay_policy_add(p, "CAN", &bad, &diag), BM_ERR_INVALID);
  assert_string_equal(diag.field, "rule");
  assert_int_equal(p->nrules, 1);
  /* Fill the table: the next one is over the limit. */
  for (int i = 1; i < STAY_POLICY_RULES_MAX; i++) {
    char code[4] = {(char)('A' + i / 676), (char)('A' + i / 26 % 26), (char)('A' + i % 26), 0};
    assert_int_equal(stay_policy_add(p, code, &r, NULL), BM_OK);
  }
  assert_int_equal(p->nrules, STAY_POLICY_RULES_MAX);
  assert_int_equal(stay_policy_add(p, "ZZZ", &r, &diag), BM_ERR_LIMIT);
  free(p);
}

static void test_stay_nationality_normalize(void **state) {
  (void)state;
  char out[4];
  assert_int_equal(stay_nationality_normalize("usa", out), 0);
  assert_string_equal(out, "USA");
  assert_int_equal(stay_nationality_normalize("D", out), 0);
  assert_string_equal(out, "D<<");
  assert_int_equal(stay_nationality_normalize("D<<", out), 0);
  assert_string_equal(out, "D<<");
  assert_int_equal(stay_nationality_normalize("GB", out), 0);
  assert_string_equal(out, "GB<");
  assert_int_equal(stay_nationality_normalize("D<E", out), -1);
  assert_string_equal(out, "");
  assert_int_equal(stay_nationality_normalize("U A", out), -1);
  assert_int_equal(stay_nationality_normalize("\xc3\x84XX", out), -1);
}

static void test_stay_rule_and_verdict_names(void **state) {
  (void)state;
  stay_rule_kind k;
  assert_int_equal(stay_rule_kind_parse("visa_free", &k), 0);
  assert_int_equal(k, STAY_RULE_VISA_FREE);
  assert_int_equal(stay_rule_kind_parse("visa_required", &k), 0);
  assert_int_equal(k, STAY_RULE_VISA_REQUIRED);
  assert_int_equal(stay_rule_kind_parse("exempt", &k), 0);
  assert_int_equal(k, STAY_RULE_EXEMPT);
  assert_int_equal(stay_rule_kind_parse("Exempt", &k), -1);
  assert_int_equal(stay_rule_kind_parse(NULL, &k), -1);
  assert_string_equal(stay_rule_kind_name((stay_rule_kind)9), "unknown");
  assert_string_equal(stay_verdict_name(STAY_VERDICT_LIMIT_REACHED), "limit_reached");
  assert_string_equal(stay_verdict_name(STAY_VERDICT_OVERSTAYING), "overstaying");
  assert_string_equal(stay_verdict_name((stay_verdict)42), "unknown");
}

/* ---- invalid input ---- */

static void expect_error(const stay_stay *s, size_t n, const stay_query *q, bm_err want,
                         const char *field) {
  stay_rule r = stay_rule_schengen();
  stay_result res;
  bm_diag diag;
  memset(&res, 0xab, sizeof res);
  bm_err err = stay_evaluate(&r, s, n, q, &res, &diag);
  if (err != want || strcmp(diag.field, field) != 0)
    fail_msg("got %s (field '%s': %s), want %s on '%s'", bm_err_str(err), diag.field, diag.message,
             bm_err_str(want), field);
  assert_true(diag.message[0] != '\0');
  assert_false(res.allowed); /* zeroed on failure */
  assert_int_equal(res.max_stay, 0);
}

static void test_stay_invalid_histories(void **state) {
  (void)state;
  long d = day(2026, 1, 1);
  stay_query q = stay_query_make(d + 400);
  q.entry = d + 300;
  stay_stay exit_before_entry[] = {closed(d, d + 5), closed(d + 20, d + 10)};
  expect_error(exit_before_entry, 2, &q, BM_ERR_INVALID, "stays[1].exit");
  stay_stay out_of_order[] = {closed(d, d + 5), closed(d + 50, d + 60), closed(d + 20, d + 30)};
  expect_error(out_of_order, 3, &q, BM_ERR_INVALID, "stays[2].entry");
  stay_stay overlap[] = {closed(d, d + 5), closed(d + 3, d + 8)};
  expect_error(overlap, 2, &q, BM_ERR_INVALID, "stays[1].entry");
  stay_stay open_not_last[] = {ongoing(d), closed(d + 10, d + 20)};
  expect_error(open_not_last, 2, &q, BM_ERR_INVALID, "stays[0].exit");
  stay_stay no_entry[] = {closed(STAY_DAY_NONE, d)};
  expect_error(no_entry, 1, &q, BM_ERR_INVALID, "stays[0].entry");
  stay_stay far[] = {closed(d, STAY_DAY_MAX + 1)};
  expect_error(far, 1, &q, BM_ERR_INVALID, "stays[0].exit");
  stay_stay future_ongoing[] = {ongoing(d + 401)};
  stay_query q2 = stay_query_make(d + 400);
  expect_error(future_ongoing, 1, &q2, BM_ERR_INVALID, "stays[0].entry");

  stay_stay *many = calloc(STAY_STAYS_MAX + 1, sizeof *many);
  assert_non_null(many);
  for (size_t i = 0; i <= STAY_STAYS_MAX; i++) many[i] = closed(d + 2 * (long)i, d + 2 * (long)i);
  q2.today = q2.entry = d + 5000;
  expect_error(many, STAY_STAYS_MAX + 1, &q2, BM_ERR_LIMIT, "stays");
  stay_rule r = stay_rule_schengen();
  stay_result res;
  assert_int_equal(stay_evaluate(&r, many, STAY_STAYS_MAX, &q2, &res, NULL), BM_OK);
  free(many);
}

static void test_stay_invalid_queries(void **state) {
  (void)state;
  long d = day(2026, 1, 1);
  stay_stay s[] = {closed(d, d + 9)};
  stay_query q = stay_query_make(d + 20);
  expect_error(s, 1, &q, BM_ERR_INVALID, "entry"); /* nothing to assess */
  q.entry = d + 5;
  expect_error(s, 1, &q, BM_ERR_INVALID, "entry"); /* inside the last stay */
  q.entry = d + 20;
  q.today = STAY_DAY_NONE;
  expect_error(s, 1, &q, BM_ERR_INVALID, "today");
  q.today = d + 20;
  q.allowed_days = 180;
  expect_error(s, 1, &q, BM_ERR_INVALID, "allowed_days");
  q.allowed_days = 0;
  q.visa_from = d + 30;
  q.visa_until = d + 29;
  expect_error(s, 1, &q, BM_ERR_INVALID, "visa_until");
  q.visa_from = STAY_DAY_MIN - 1;
  expect_error(s, 1, &q, BM_ERR_INVALID, "visa_from");
  stay_stay open[] = {ongoing(d)};
  q = stay_query_make(d + 3);
  q.entry = d + 1;
  expect_error(open, 1, &q, BM_ERR_INVALID, "entry"); /* not the ongoing stay's entry */
  stay_rule r = stay_rule_schengen();
  stay_result res;
  assert_int_equal(stay_evaluate(NULL, s, 1, &q, &res, NULL), BM_ERR_USAGE);
  assert_int_equal(stay_evaluate(&r, s, 1, NULL, &res, NULL), BM_ERR_USAGE);
  assert_int_equal(stay_evaluate(&r, s, 1, &q, NULL, NULL), BM_ERR_USAGE);
  stay_rule bad = {STAY_RULE_VISA_FREE, 10, 0};
  q.entry = STAY_DAY_NONE;
  bm_diag diag;
  assert_int_equal(stay_evaluate(&bad, open, 1, &q, &res, &diag), BM_ERR_INVALID);
  assert_string_equal(diag.field, "window");
}

/* ---- cross-check against a brute-force model ---- */

#define MODEL_DAYS 1200

static uint32_t rng_state = 12345;
static uint32_t rng(void) {
  rng_state = rng_state * 1103515245u + 12345u;
  return (rng_state >> 8) & 0xffffff;
}

/* Days present in [d - w + 1, d] of the bitmap (days before 0 are absent). */
static long model_used(const unsigned char *present, long d, long w) {
  long n = 0;
  for (long x = d - w + 1; x <= d; x++)
    if (x >= 0 && x < MODEL_DAYS && present[x]) n++;
  return n;
}

static void test_stay_matches_brute_force_model(void **state) {
  (void)state;
  const long base = day(2020, 1, 1);
  for (int round = 0; round < 400; round++) {
    long limit = 1 + (long)(rng() % 120), window = limit + 1 + (long)(rng() % 200);
    stay_rule r = {STAY_RULE_VISA_FREE, (unsigned)limit, (unsigned)window};
    stay_stay s[12];
    size_t n = 0;
    unsigned char present[MODEL_DAYS] = {0};
    long at = (long)(rng() % 50);
    while (n < 12 && at < 700) {
      long len = 1 + (long)(rng() % 120);
      s[n] = closed(base + at, base + at + len - 1);
      for (long x = at; x < at + len; x++) present[x] = 1;
      n++;
      at += len - 1 + (long)(rng() % 60); /* sometimes 0: a same-day re-entry */
    }
    long last = s[n - 1].exit - base;
    bool open = rng() % 3 == 0;
    long today = last + (long)(rng() % 100);
    if (open) {
      s[n - 1].exit = STAY_DAY_NONE;
      for (long x = last; x <= today; x++) present[x] = 1;
    }
    stay_query q = stay_query_make(base + today);
    long entry = open ? s[n - 1].entry - base : last + (long)(rng() % 150);
    if (!open) q.entry = base + entry;
    stay_result res;
    bm_diag diag;
    if (stay_evaluate(&r, s, n, &q, &res, &diag) != BM_OK)
      fail_msg("round %d: %s: %s", round, diag.field, diag.message);

    /* Days used before the entry, in the entry day's window. */
    unsigned char hist[MODEL_DAYS];
    memcpy(hist, present, sizeof hist);
    for (long x = entry; x < MODEL_DAYS; x++) hist[x] = 0;
    assert_int_equal(res.days_used, model_used(hist, entry, window) - hist[entry]);
    assert_int_equal(res.days_used_today, model_used(present, today, window));
    /* The longest continuous stay, adding one day at a time. */
    long max_stay = 0;
    for (long k = 0; entry + k < MODEL_DAYS; k++) {
      hist[entry + k] = 1;
      if (model_used(hist, entry + k, window) > limit) break;
      max_stay = k + 1;
    }
    assert_int_equal(res.max_stay, max_stay);
    /* Overstays over every recorded day. */
    long first = -1, lastover = -1, unlawful = 0, excess = 0;
    for (long x = 0; x < MODEL_DAYS; x++) {
      if (!present[x]) continue;
      long u = model_used(present, x, window);
      if (u <= limit) continue;
      if (first < 0) first = x;
      lastover = x;
      excess = u - limit;
      unlawful++;
    }
    assert_int_equal(res.overstay, first >= 0);
    if (first >= 0) {
      assert_int_equal(res.overstay_first_day, base + first);
      assert_int_equal(res.overstay_last_day, base + lastover);
      assert_int_equal(res.overstay_days, excess);
      assert_int_equal(res.overstay_days_unlawful, unlawful);
    }
    if (open) {
      assert_int_equal(res.allowed, max_stay > 0 && today <= entry + max_stay - 1);
    } else {
      assert_int_equal(res.allowed, max_stay > 0);
      if (!res.allowed) {
        /* The first later day with a day left, staying away. */
        long next = entry + 1;
        for (long x = entry; x < MODEL_DAYS; x++) hist[x] = 0;
        while (model_used(hist, next - 1, window - 1) >= limit) next++;
        assert_int_equal(res.next_entry, base + next);
      }
    }
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_stay_date_from_days_roundtrip),
      cmocka_unit_test(test_stay_day_limits_match_their_dates),
      cmocka_unit_test(test_stay_sem_example_1_reentry_allows_90_days),
      cmocka_unit_test(test_stay_sem_example_2_ongoing_until_13_december),
      cmocka_unit_test(test_stay_sem_example_4_old_stay_outside_window),
      cmocka_unit_test(test_stay_sem_example_5_overstay_and_reentry),
      cmocka_unit_test(test_stay_sem_example_6_overstay_74_days),
      cmocka_unit_test(test_stay_kata_1_no_stays),
      cmocka_unit_test(test_stay_kata_2_day_trip_in_window),
      cmocka_unit_test(test_stay_kata_3_day_trip_outside_window),
      cmocka_unit_test(test_stay_same_day_entry_and_exit_counts_one_day),
      cmocka_unit_test(test_stay_window_boundary_day_180_and_181),
      cmocka_unit_test(test_stay_leap_years),
      cmocka_unit_test(test_stay_ongoing_counts_up_to_today),
      cmocka_unit_test(test_stay_past_overstay_is_reported),
      cmocka_unit_test(test_stay_exempt_has_no_limit),
      cmocka_unit_test(test_stay_visa_required_needs_a_visa),
      cmocka_unit_test(test_stay_override_counts_previous_stays),
      cmocka_unit_test(test_stay_other_window_rule),
      cmocka_unit_test(test_stay_policy_multiple_nationalities),
      cmocka_unit_test(test_stay_policy_rejects_bad_entries),
      cmocka_unit_test(test_stay_nationality_normalize),
      cmocka_unit_test(test_stay_rule_and_verdict_names),
      cmocka_unit_test(test_stay_invalid_histories),
      cmocka_unit_test(test_stay_invalid_queries),
      cmocka_unit_test(test_stay_matches_brute_force_model),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
