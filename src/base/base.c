/* base.c - error strings, diagnostics and calendar arithmetic shared by every module. */
#include "bmis/base.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *bm_err_str(bm_err err) {
  switch (err) {
  case BM_OK: return "success";
  case BM_ERR_INVALID: return "invalid input";
  case BM_ERR_LIMIT: return "input exceeds a limit";
  case BM_ERR_NOMEM: return "out of memory";
  case BM_ERR_IO: return "input/output error";
  case BM_ERR_USAGE: return "invalid usage";
  case BM_ERR_NOTFOUND: return "not found";
  case BM_ERR_UNSUPPORTED: return "not supported";
  }
  return "unknown error";
}

bm_err bm_diag_set(bm_diag *diag, bm_err err, const char *field, unsigned line, unsigned column,
                   const char *fmt, ...) {
  if (diag == NULL) return err;
  memset(diag, 0, sizeof *diag);
  if (field != NULL) snprintf(diag->field, sizeof diag->field, "%s", field);
  diag->line = line;
  diag->column = column;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(diag->message, sizeof diag->message, fmt, ap);
  va_end(ap);
  return err;
}

int bm_is_leap_year(int year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int bm_days_in_month(int year, int month) {
  static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12) return 0;
  if (month == 2 && bm_is_leap_year(year)) return 29;
  return days[month - 1];
}

bm_date bm_date_today_utc(void) {
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  bm_date d = {(int16_t)(tm.tm_year + 1900), (uint8_t)(tm.tm_mon + 1), (uint8_t)tm.tm_mday};
  return d;
}

/* Howard Hinnant's days_from_civil: exact for the proleptic Gregorian calendar. */
long bm_date_to_days(bm_date d) {
  long y = d.year - (d.month <= 2);
  long era = (y >= 0 ? y : y - 399) / 400;
  long yoe = y - era * 400;
  long mp = (d.month + 9) % 12;
  long doy = (153 * mp + 2) / 5 + d.day - 1;
  long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/* Howard Hinnant's civil_from_days, the inverse of the above: shift the epoch to 0000-03-01 so that
 * the leap day ends each 400-year era, then peel off eras, years of the era and March-based months.
 */
bm_date bm_date_from_days(long days) {
  bm_date out = {0, 0, 0};
  if (days < -719162L || days > 2932896L) return out; /* outside years 1..9999 */
  long z = days + 719468;
  long era = (z >= 0 ? z : z - 146096) / 146097;
  long doe = z - era * 146097;                                      /* day of era, 0..146096 */
  long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* year of era, 0..399 */
  long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               /* day of March-based year */
  long mp = (5 * doy + 2) / 153;                                    /* March-based month, 0..11 */
  long month = mp < 10 ? mp + 3 : mp - 9;
  long year = yoe + era * 400 + (month <= 2);
  out.year = (int16_t)year;
  out.month = (uint8_t)month;
  out.day = (uint8_t)(doy - (153 * mp + 2) / 5 + 1);
  return out;
}

int bm_date_cmp(bm_date a, bm_date b) {
  if (a.year != b.year) return a.year < b.year ? -1 : 1;
  if (a.month != b.month) return a.month < b.month ? -1 : 1;
  if (a.day != b.day) return a.day < b.day ? -1 : 1;
  return 0;
}

void bm__assert_fail(const char *expr, const char *file, int line) {
  fprintf(stderr, "openbmis: internal error: assertion '%s' failed at %s:%d\n", expr, file, line);
  abort();
}
