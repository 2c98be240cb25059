/* base.h - shared vocabulary of every openbmis module: error codes, diagnostics, slices.
 *
 * Every fallible function in openbmis returns a bm_err (BM_OK == 0 on success) and delivers results
 * through out-parameters. Human-readable detail about *where* outside input went wrong (field,
 * line, column, segment) goes into an optional bm_diag supplied by the caller; passing NULL is
 * always allowed. Bad outside input is an error, never an abort. Broken internal invariants are
 * BM_ASSERT and abort.
 */
#ifndef BMIS_BASE_H
#define BMIS_BASE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BM_VERSION "0.1.0"

/* The one error enum. Values are stable: they may appear in logs. */
typedef enum bm_err {
  BM_OK = 0,         /* success */
  BM_ERR_INVALID,    /* outside input is malformed or fails validation */
  BM_ERR_LIMIT,      /* outside input exceeds a documented size or count limit */
  BM_ERR_NOMEM,      /* memory allocation failed */
  BM_ERR_IO,         /* reading or writing a file or stream failed */
  BM_ERR_USAGE,      /* the caller passed arguments that make no sense (e.g. NULL where required) */
  BM_ERR_NOTFOUND,   /* a looked-up item does not exist */
  BM_ERR_UNSUPPORTED /* input is well formed but uses something this build does not handle */
} bm_err;

/* Static English description of an error code; never NULL. */
const char *bm_err_str(bm_err err);

/* Where and why outside input was rejected. All members are optional: 0 / "" mean "not applicable".
 * Lines, columns and segments are 1-based. */
#define BM_DIAG_FIELD_BYTES_MAX   48
#define BM_DIAG_MESSAGE_BYTES_MAX 256
typedef struct bm_diag {
  char field[BM_DIAG_FIELD_BYTES_MAX];     /* name of the field, e.g. "surname" */
  unsigned line;                           /* 1-based line of the input, 0 if not applicable */
  unsigned column;                         /* 1-based column, 0 if not applicable */
  unsigned segment;                        /* 1-based EDIFACT segment number, 0 if not applicable */
  char message[BM_DIAG_MESSAGE_BYTES_MAX]; /* one English sentence without trailing newline */
} bm_diag;

/* Fill *diag (if not NULL) and return err. field may be NULL. The message is printf-formatted and
 * truncated to BM_DIAG_MESSAGE_BYTES_MAX - 1 bytes. */
bm_err bm_diag_set(bm_diag *diag, bm_err err, const char *field, unsigned line, unsigned column,
                   const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

/* A borrowed, not necessarily NUL-terminated run of bytes. */
typedef struct bm_slice {
  const char *ptr;
  size_t len;
} bm_slice;

/* A calendar date. year == 0 means "not known". */
typedef struct bm_date {
  int16_t year;
  uint8_t month; /* 1..12 */
  uint8_t day;   /* 1..31 */
} bm_date;

/* 1 if year is a Gregorian leap year. */
int bm_is_leap_year(int year);
/* Days in the month (1..12) of year; 0 for an invalid month. */
int bm_days_in_month(int year, int month);
/* Today's date in UTC (the only function here that reads the clock). */
bm_date bm_date_today_utc(void);
/* Days since 1970-01-01 (negative before) for a valid date. */
long bm_date_to_days(bm_date d);
/* The date of a day number (the inverse of bm_date_to_days) for days in years 1..9999
 * (-719162 .. 2932896); {0, 0, 0} (year 0: "not known") outside that range. */
bm_date bm_date_from_days(long days);
/* Compare two dates: <0, 0, >0. */
int bm_date_cmp(bm_date a, bm_date b);

/* Abort with file and line when an internal invariant does not hold. Never used for outside input.
 */
void bm__assert_fail(const char *expr, const char *file, int line);
#define BM_ASSERT(expr) ((expr) ? (void)0 : bm__assert_fail(#expr, __FILE__, __LINE__))

#define BM_COUNTOF(a) (sizeof(a) / sizeof((a)[0]))

#ifdef __cplusplus
}
#endif
#endif /* BMIS_BASE_H */
