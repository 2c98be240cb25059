/* mrz.c - ICAO Doc 9303 machine readable zone parser and validator.
 *
 * The formats, with 1-based positions (Doc 9303 Parts 4-7):
 *
 *   TD3 / MRV-A, 2 x 44     TD2 / MRV-B, 2 x 36          TD1, 3 x 30
 *   L1  1-2  document code   same, name 6-36              L1  1-2  code, 3-5 state
 *       3-5  issuing state                                    6-14 document number, 15 check
 *       6-44 name                                             16-30 optional data
 *   L2  1-9  document number L2 1-9 number, 10 check       L2  1-6 birth, 7 check, 8 sex
 *       10 check, 11-13 nat.    11-13 nat., 14-19 birth       9-14 expiry, 15 check
 *       14-19 birth, 20 check   20 check, 21 sex              16-18 nationality
 *       21 sex                  22-27 expiry, 28 check        19-29 optional data 2
 *       22-27 expiry, 28 check  29-35 optional (MRV-B 29-36)  30 composite
 *       29-42 optional data     36 composite (not MRV-B)   L3  1-30 name
 *       43 check (TD3 only), 44 composite (TD3 only; MRV-A optional data runs 29-44)
 *
 * Name fields are PRIMARY<<SECONDARY<NAMES. Check digits weigh characters 7,3,1 (0-9 -> 0-9,
 * A-Z -> 10-35, '<' -> 0) and take the sum mod 10. Composite digits cover (TD3) L2 1-10, 14-20,
 * 22-43; (TD2) L2 1-10, 14-20, 22-35; (TD1) L1 6-30, L2 1-7, 9-15, 19-29. Visas have none.
 *
 * Long document numbers (TD1 Part 5, TD2 Part 6): the check-digit position holds '<' and the number
 * continues in the optional data up to the first '<'; the last character before it is the check
 * digit. Issuers disagree on whether the '<' in the check-digit position is part of the checked
 * string (Belgian BEL-BO-03003 includes it, BEL-BO-11005 and Portugal leave it out): both verify.
 *
 * The pre-2021 French national identity card (not an ICAO format, 2 x 36, "IDFRA"):
 *   L1 1-2 "ID", 3-5 "FRA", 6-30 surname, 31-36 administrative code
 *   L2 1-12 document number (1-4 issue YYMM), 13 check, 14-27 given names, 28-33 birth, 34 check,
 *      35 sex, 36 composite over L1 1-36 and L2 1-35.
 *
 * The hot path (one TD3 in well under 100 ns) uses byte-class tables and never allocates.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "bmis/icao.h"
#include "bmis/mrz.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* ---- character tables ---- */

enum { CL_DIGIT = 1, CL_ALPHA = 2, CL_FILLER = 4 };
#define CL_ALNUM (CL_DIGIT | CL_ALPHA)
#define CL_ANY   (CL_DIGIT | CL_ALPHA | CL_FILLER)

#define R10(x) x, x, x, x, x, x, x, x, x, x
#define R16(x) x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x
static const uint8_t char_class[] = {
    /* Sized by its initialiser: the static assertions below keep the rows honest. */
    R16(0),
    R16(0),
    R16(0),
    /* 0x30 */ R10(CL_DIGIT),
    0,
    0,
    CL_FILLER,
    0,
    0,
    0,
    /* 0x40 */ 0,
    R10(CL_ALPHA),
    R10(CL_ALPHA),
    CL_ALPHA,
    CL_ALPHA,
    CL_ALPHA,
    CL_ALPHA,
    CL_ALPHA,
    CL_ALPHA,
    /* 0x5B */ 0,
    0,
    0,
    0,
    0,
    R16(0),
    R16(0),
    R16(0),
    R16(0),
    R16(0),
    R16(0),
    R16(0),
    R16(0),
    R16(0),
    R16(0)};

/* Check-digit value of each byte; -1 for bytes that are not MRZ characters. */
static const int8_t char_value[] = {R16(-1),
                                    R16(-1),
                                    R16(-1),
                                    /* 0x30 */ 0,
                                    1,
                                    2,
                                    3,
                                    4,
                                    5,
                                    6,
                                    7,
                                    8,
                                    9,
                                    -1,
                                    -1,
                                    0,
                                    -1,
                                    -1,
                                    -1,
                                    /* 0x40 */ -1,
                                    10,
                                    11,
                                    12,
                                    13,
                                    14,
                                    15,
                                    16,
                                    17,
                                    18,
                                    19,
                                    20,
                                    21,
                                    22,
                                    23,
                                    24,
                                    /* 0x50 */ 25,
                                    26,
                                    27,
                                    28,
                                    29,
                                    30,
                                    31,
                                    32,
                                    33,
                                    34,
                                    35,
                                    -1,
                                    -1,
                                    -1,
                                    -1,
                                    -1,
                                    R16(-1),
                                    R16(-1),
                                    R16(-1),
                                    R16(-1),
                                    R16(-1),
                                    R16(-1),
                                    R16(-1),
                                    R16(-1),
                                    R16(-1),
                                    R16(-1)};
#undef R10
#undef R16
_Static_assert(sizeof char_class == 256, "char_class must have one entry per byte");
_Static_assert(sizeof char_value == 256, "char_value must have one entry per byte");

int mrz_char_value(char c) {
  return char_value[(unsigned char)c];
}

/* Weighted sum with weights 7,3,1 starting at phase *w; -1 in *bad if a byte is not an MRZ char.
 * Phases continue across calls so composite digits can sum several ranges. */
static inline unsigned cd_sum(const char *s, size_t n, unsigned *w, int *bad) {
  static const uint8_t weights[3] = {7, 3, 1};
  unsigned sum = 0, phase = *w;
  int b = 0;
  for (size_t i = 0; i < n; i++) {
    int v = char_value[(unsigned char)s[i]];
    b |= v;
    sum += (unsigned)(v & 0x3f) * weights[phase];
    phase = phase == 2 ? 0 : phase + 1;
  }
  *w = phase;
  if (b < 0) *bad = 1;
  return sum;
}

int mrz_check_digit(const char *s, size_t n) {
  unsigned w = 0;
  int bad = 0;
  unsigned sum = cd_sum(s, n, &w, &bad);
  return bad ? -1 : (int)(sum % 10);
}

int mrz_state_code_valid(const char code[3]) {
  return icao_state_valid(code);
}

/* ---- names ---- */

const char *mrz_format_name(mrz_format format) {
  switch (format) {
  case MRZ_FORMAT_TD1: return "TD1";
  case MRZ_FORMAT_TD2: return "TD2";
  case MRZ_FORMAT_TD3: return "TD3";
  case MRZ_FORMAT_MRVA: return "MRVA";
  case MRZ_FORMAT_MRVB: return "MRVB";
  case MRZ_FORMAT_FRA_ID: return "FRA_ID";
  case MRZ_FORMAT_UNKNOWN: break;
  }
  return "UNKNOWN";
}

static const char *const field_names[MRZ_FIELD__COUNT] = {
    [MRZ_FIELD_NONE] = "mrz",
    [MRZ_FIELD_DOCUMENT_CODE] = "document_code",
    [MRZ_FIELD_ISSUING_STATE] = "issuing_state",
    [MRZ_FIELD_NAME] = "name",
    [MRZ_FIELD_DOCUMENT_NUMBER] = "document_number",
    [MRZ_FIELD_DOCUMENT_NUMBER_CHECK] = "document_number_check",
    [MRZ_FIELD_NATIONALITY] = "nationality",
    [MRZ_FIELD_BIRTH_DATE] = "birth_date",
    [MRZ_FIELD_BIRTH_DATE_CHECK] = "birth_date_check",
    [MRZ_FIELD_SEX] = "sex",
    [MRZ_FIELD_EXPIRY_DATE] = "expiry_date",
    [MRZ_FIELD_EXPIRY_DATE_CHECK] = "expiry_date_check",
    [MRZ_FIELD_OPTIONAL_DATA] = "optional_data",
    [MRZ_FIELD_OPTIONAL_DATA_CHECK] = "optional_data_check",
    [MRZ_FIELD_OPTIONAL_DATA_2] = "optional_data_2",
    [MRZ_FIELD_COMPOSITE_CHECK] = "composite",
    [MRZ_FIELD_ISSUE_DATE] = "issue_date",
    [MRZ_FIELD_ADMIN_CODE] = "administrative_code",
    [MRZ_FIELD_FILLER] = "filler",
};

const char *mrz_field_name(mrz_field field) {
  if ((unsigned)field >= MRZ_FIELD__COUNT) return "unknown";
  return field_names[field];
}

const char *mrz_check_name(mrz_check check) {
  switch (check) {
  case MRZ_CHECK_DOCUMENT_NUMBER: return "document_number";
  case MRZ_CHECK_BIRTH_DATE: return "birth_date";
  case MRZ_CHECK_EXPIRY_DATE: return "expiry_date";
  case MRZ_CHECK_OPTIONAL_DATA: return "optional_data";
  case MRZ_CHECK_COMPOSITE: return "composite";
  case MRZ_CHECK__COUNT: break;
  }
  return "unknown";
}

const char *mrz_error_code_name(mrz_error_code code) {
  switch (code) {
  case MRZ_E_LENGTH: return "length";
  case MRZ_E_CHARSET: return "charset";
  case MRZ_E_CHECK_DIGIT: return "check_digit";
  case MRZ_E_DATE: return "date";
  case MRZ_E_STATE: return "state";
  case MRZ_E_SEX: return "sex";
  case MRZ_E_FORMAT: return "format";
  }
  return "unknown";
}

/* Human words for a field inside messages. */
static const char *field_words(mrz_field f) {
  switch (f) {
  case MRZ_FIELD_DOCUMENT_CODE: return "document code";
  case MRZ_FIELD_ISSUING_STATE: return "issuing state";
  case MRZ_FIELD_NAME: return "name";
  case MRZ_FIELD_DOCUMENT_NUMBER: return "document number";
  case MRZ_FIELD_DOCUMENT_NUMBER_CHECK: return "document number check digit";
  case MRZ_FIELD_NATIONALITY: return "nationality";
  case MRZ_FIELD_BIRTH_DATE: return "date of birth";
  case MRZ_FIELD_BIRTH_DATE_CHECK: return "date of birth check digit";
  case MRZ_FIELD_SEX: return "sex";
  case MRZ_FIELD_EXPIRY_DATE: return "date of expiry";
  case MRZ_FIELD_EXPIRY_DATE_CHECK: return "date of expiry check digit";
  case MRZ_FIELD_OPTIONAL_DATA: return "optional data";
  case MRZ_FIELD_OPTIONAL_DATA_CHECK: return "optional data check digit";
  case MRZ_FIELD_OPTIONAL_DATA_2: return "optional data 2";
  case MRZ_FIELD_COMPOSITE_CHECK: return "composite check digit";
  case MRZ_FIELD_ISSUE_DATE: return "date of issue";
  case MRZ_FIELD_ADMIN_CODE: return "administrative code";
  case MRZ_FIELD_FILLER: return "filler";
  default: return "MRZ";
  }
}

/* Printable form of a byte for messages. */
static void show_char(char c, char out[8]) {
  unsigned char u = (unsigned char)c;
  if (u >= 0x21 && u < 0x7f)
    snprintf(out, 8, "'%c'", c);
  else if (u == ' ')
    snprintf(out, 8, "space");
  else
    snprintf(out, 8, "0x%02X", u);
}

size_t mrz_error_message(const mrz_error *err, char *buf, size_t cap) {
  char found[8];
  show_char(err->found, found);
  const char *what = field_words((mrz_field)err->field);
  int n;
  switch ((mrz_error_code)err->code) {
  case MRZ_E_LENGTH:
    if (err->line == 0 && err->extra == MRZ_LENGTH_OVER_LIMIT)
      n = snprintf(buf, cap, "input longer than %u bytes is not an MRZ", MRZ_TEXT_BYTES_MAX);
    else if (err->line == 0)
      n = snprintf(buf, cap,
                   "%u line%s: an MRZ has 2 lines (TD2, TD3, MRV-A, MRV-B) or 3 (TD1); a blank "
                   "line separates documents",
                   err->extra, err->extra == 1 ? "" : "s");
    else if (err->expected)
      n = snprintf(buf, cap, "line %u has %u characters, expected %u like line 1", err->line,
                   err->extra, (unsigned)(unsigned char)err->expected);
    else
      n = snprintf(buf, cap,
                   "line %u has %u characters: MRZ lines have 30 (TD1), 36 (TD2, MRV-B) or 44 "
                   "(TD3, MRV-A)",
                   err->line, err->extra);
    break;
  case MRZ_E_CHARSET:
    if (err->field == MRZ_FIELD_FILLER)
      n = snprintf(buf, cap, "%s at line %u column %u where a filler '<' is required", found,
                   err->line, err->column);
    else
      n = snprintf(buf, cap, "%s is not allowed in the %s (line %u column %u)", found, what,
                   err->line, err->column);
    break;
  case MRZ_E_CHECK_DIGIT:
    if (err->expected)
      n = snprintf(buf, cap, "%s: check digit is %s, computed '%c'", what, found, err->expected);
    else
      n = snprintf(buf, cap, "%s: check digit %s does not verify", what, found);
    break;
  case MRZ_E_DATE:
    n = snprintf(buf, cap, "%s is not a valid date (line %u column %u)", what, err->line,
                 err->column);
    break;
  case MRZ_E_STATE:
    n = snprintf(buf, cap, "%s is not an ICAO Doc 9303 state or organisation code", what);
    break;
  case MRZ_E_SEX: n = snprintf(buf, cap, "sex is %s, expected 'M', 'F' or '<'", found); break;
  case MRZ_E_FORMAT:
  default:
    switch ((mrz_field)err->field) {
    case MRZ_FIELD_NAME: n = snprintf(buf, cap, "the name field holds no name"); break;
    case MRZ_FIELD_DOCUMENT_CODE:
      n = snprintf(buf, cap, "document code %s does not fit the %s format", found,
                   err->extra == MRZ_FORMAT_TD3    ? "passport (TD3: P)"
                   : err->extra == MRZ_FORMAT_MRVA ? "visa (V)"
                   : err->extra == MRZ_FORMAT_MRVB ? "visa (V)"
                                                   : "card (A, C or I)");
      break;
    case MRZ_FIELD_NONE:
      n = snprintf(buf, cap, "%u line(s) match no MRZ format", err->extra);
      break;
    default:
      n = snprintf(buf, cap, "the %s is malformed (line %u column %u)", what, err->line,
                   err->column);
      break;
    }
    break;
  }
  return n < 0 ? 0 : (size_t)n;
}

/* Where a format's composite digit is and what it covers; n == 0 for formats without one. */
typedef struct composite_def {
  unsigned n;
  uint8_t ranges[4][3]; /* line, offset, length */
  unsigned line, off;   /* the digit */
} composite_def;

static const composite_def COMP_TD3 = {3, {{1, 0, 10}, {1, 13, 7}, {1, 21, 22}}, 1, 43};
static const composite_def COMP_TD2 = {3, {{1, 0, 10}, {1, 13, 7}, {1, 21, 14}}, 1, 35};
static const composite_def COMP_TD1 = {4, {{0, 5, 25}, {1, 0, 7}, {1, 8, 7}, {1, 18, 11}}, 1, 29};
static const composite_def COMP_FRA = {2, {{0, 0, 36}, {1, 0, 35}}, 1, 35};

/* ---- doc helpers ---- */

static void add_error(mrz_doc *d, mrz_field field, mrz_error_code code, unsigned line,
                      unsigned column, char found, char expected, unsigned extra) {
  if (d->nerrors >= MRZ_ERRORS_MAX) {
    if (d->nerrors_dropped < 255) d->nerrors_dropped++;
    return;
  }
  mrz_error *e = &d->errors[d->nerrors++];
  e->field = (uint8_t)field;
  e->code = (uint8_t)code;
  e->line = (uint8_t)line;
  e->column = (uint8_t)column;
  e->found = found;
  e->expected = expected;
  e->extra = (uint16_t)extra;
}

static inline mrz_span span(unsigned line, unsigned off, unsigned len) {
  mrz_span s = {(uint8_t)line, (uint8_t)off, (uint8_t)len};
  return s;
}

/* Per-line character classes as bit masks, computed once per line (with SSE2 where available), so
 * that every field's charset check, filler search and name split is a mask operation instead of a
 * byte loop: the hot path of a border crossing point reads each byte as few times as possible. */
typedef struct line_info {
  uint64_t digit, alpha, filler; /* bit i set when byte i is of that class */
  uint64_t bad;                  /* bit i set when byte i is not an MRZ character */
} line_info;

typedef struct pctx {
  mrz_doc *d;
  bm_date today;
  long today_ymd; /* today as YYYYMMDD, for comparisons */
  int century;    /* today.year rounded down to the century */
  line_info li[MRZ_LINES_MAX];
} pctx;

/* Mask of len bits from off; lines are at most 44 bytes, so len < 64 always. */
static inline uint64_t bits(unsigned off, unsigned len) {
  return (((uint64_t)1 << len) - 1) << off;
}

static void classify(const char *s, unsigned len, line_info *li) {
  uint64_t dg = 0, al = 0, fi = 0;
#if defined(__SSE2__)
  /* s is a row of mrz_doc.text: 16-byte aligned, MRZ_TEXT_ROW_BYTES long, zero after the line. */
  _Static_assert(MRZ_TEXT_ROW_BYTES == 48, "classify loads three 16-byte blocks");
  for (unsigned k = 0; k < 3; k++) {
    __m128i v = _mm_load_si128((const __m128i *)(const void *)(s + 16 * k));
    /* x + (0x80 - lo) lands in [-128, -128 + n) exactly when x is in [lo, lo + n). */
    __m128i d = _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8((char)(0x80 - '0'))),
                               _mm_set1_epi8((char)(0x80 + 10)));
    __m128i a = _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8((char)(0x80 - 'A'))),
                               _mm_set1_epi8((char)(0x80 + 26)));
    __m128i f = _mm_cmpeq_epi8(v, _mm_set1_epi8('<'));
    dg |= (uint64_t)(unsigned)_mm_movemask_epi8(d) << (16 * k);
    al |= (uint64_t)(unsigned)_mm_movemask_epi8(a) << (16 * k);
    fi |= (uint64_t)(unsigned)_mm_movemask_epi8(f) << (16 * k);
  }
#else
  for (unsigned i = 0; i < len; i++) {
    unsigned cl = char_class[(unsigned char)s[i]];
    dg |= (uint64_t)(cl & CL_DIGIT) << i;
    al |= (uint64_t)((cl >> 1) & 1u) << i;
    fi |= (uint64_t)((cl >> 2) & 1u) << i;
  }
#endif
  uint64_t m = bits(0, len);
  li->digit = dg & m;
  li->alpha = al & m;
  li->filler = fi & m;
  li->bad = m & ~(dg | al | fi);
}

/* Sums of the check-digit values of a run of bytes, one per weight position: k[i] adds the bytes at
 * offsets i, i+3, i+6 ... Three independent accumulators keep the loop free of multiplications and
 * of a dependency between bytes, and because they do not depend on where the weights start, the
 * sums made for a field's own check digit are reused for the composite digit. */
typedef struct acc3 {
  unsigned k[3];
} acc3;

static inline acc3 acc_sum(const char *text, unsigned len) {
  const unsigned char *s = (const unsigned char *)text;
  acc3 a = {{0, 0, 0}};
  unsigned i = 0;
  for (; i + 3 <= len; i += 3) {
    a.k[0] += (unsigned)char_value[s[i]] & 0x3fu; /* bad bytes give garbage, flagged by masks */
    a.k[1] += (unsigned)char_value[s[i + 1]] & 0x3fu;
    a.k[2] += (unsigned)char_value[s[i + 2]] & 0x3fu;
  }
  if (i < len) a.k[0] += (unsigned)char_value[s[i]] & 0x3fu;
  if (i + 1 < len) a.k[1] += (unsigned)char_value[s[i + 1]] & 0x3fu;
  return a;
}

/* The weighted sum of a run whose first byte takes weight phase ph (0: 7, 1: 3, 2: 1). */
static inline unsigned acc_weighted(acc3 a, unsigned ph) {
  static const uint8_t W[3][3] = {{7, 3, 1}, {3, 1, 7}, {1, 7, 3}};
  return W[ph][0] * a.k[0] + W[ph][1] * a.k[1] + W[ph][2] * a.k[2];
}

static inline unsigned char_weighted(char c, unsigned ph) {
  static const uint8_t W[3] = {7, 3, 1};
  return W[ph] * ((unsigned)char_value[(unsigned char)c] & 0x3fu);
}

/* Weighted sum of text[line][off..off+len) whose first byte takes weight phase *phase; advances
 * *phase; ORs into *bad whether a byte is not an MRZ character. */
static inline unsigned range_sum(const pctx *p, unsigned line, unsigned off, unsigned len,
                                 unsigned *phase, uint64_t *bad) {
  unsigned sum = acc_weighted(acc_sum(p->d->text[line] + off, len), *phase);
  *bad |= p->li[line].bad & bits(off, len);
  *phase = (*phase + len) % 3u;
  return sum;
}

static inline uint64_t class_mask(const line_info *li, uint8_t allowed) {
  return ((allowed & CL_DIGIT) ? li->digit : 0) | ((allowed & CL_ALPHA) ? li->alpha : 0) |
         ((allowed & CL_FILLER) ? li->filler : 0);
}

/* First byte in s[0..n) whose class is not in allowed; -1 if none. */
static inline int first_not(const char *s, size_t n, uint8_t allowed) {
  for (size_t i = 0; i < n; i++)
    if (!(char_class[(unsigned char)s[i]] & allowed)) return (int)i;
  return -1;
}

/* Charset check of a field; reports the first bad byte. Returns true when clean. */
static void charset_error(pctx *p, mrz_field f, unsigned line, uint64_t m) {
  unsigned i = (unsigned)__builtin_ctzll(m);
  add_error(p->d, f, MRZ_E_CHARSET, line + 1, i + 1, p->d->text[line][i], 0, 0);
}

static inline bool check_charset(pctx *p, mrz_field f, unsigned line, unsigned off, unsigned len,
                                 uint8_t allowed) {
  uint64_t m = bits(off, len) & ~class_mask(&p->li[line], allowed);
  if (__builtin_expect(m == 0, 1)) return true;
  charset_error(p, f, line, m);
  return false;
}

/* Letters then fillers ("D<<", "UTO"): the shape of a state code or a document code. */
static bool code_shape_ok(const char *s, size_t n) {
  size_t i = 0;
  while (i < n && (char_class[(unsigned char)s[i]] & CL_ALPHA)) i++;
  if (i == 0) return false;
  while (i < n && s[i] == '<') i++;
  return i == n;
}

static inline void check_state(pctx *p, mrz_field f, unsigned line, unsigned off) {
  const line_info *li = &p->li[line];
  if (!check_charset(p, f, line, off, 3, CL_ALPHA | CL_FILLER)) return;
  /* Letters then fillers: the letter bits of the three characters are 001, 011 or 111. */
  unsigned al = (unsigned)(li->alpha >> off) & 7u;
  /* Known to be letters or '<' here: index the bitmap without icao_state_valid's per-byte checks
   * ('<' counts 0, 'A'..'Z' 1..26). */
  const unsigned char *c = (const unsigned char *)p->d->text[line] + off;
  unsigned v0 = (c[0] - 64u) & (al & 1u ? ~0u : 0u), v1 = (c[1] - 64u) & (al & 2u ? ~0u : 0u),
           v2 = (c[2] - 64u) & (al & 4u ? ~0u : 0u);
  unsigned idx = (v0 * 27u + v1) * 27u + v2;
  bool listed = (icao__state_bitmap[idx >> 3] >> (idx & 7u)) & 1u;
  if ((al != 1 && al != 3 && al != 7) || !listed)
    add_error(p->d, f, MRZ_E_STATE, line + 1, off + 1, 0, 0, 0);
}

/* The error half of verify_digit, out of the hot path. */
static __attribute__((noinline)) bool digit_error(mrz_doc *d, mrz_field f, mrz_field fcheck,
                                                  unsigned line, unsigned cdoff, char want,
                                                  int bad_chars) {
  char c = d->text[line][cdoff];
  if (!(char_class[(unsigned char)c] & CL_DIGIT)) {
    add_error(d, fcheck, MRZ_E_CHARSET, line + 1, cdoff + 1, c, 0, 0);
  } else if (!bad_chars) { /* a charset error in the field is already reported */
    add_error(d, f, MRZ_E_CHECK_DIGIT, line + 1, cdoff + 1, c, want, 0);
  }
  return false;
}

/* Verify the digit at text[line][cdoff] against the sum given. */
static inline bool verify_digit(mrz_doc *d, mrz_field f, mrz_field fcheck, unsigned line,
                                unsigned cdoff, unsigned sum, int bad_chars, mrz_check check) {
  char want = (char)('0' + sum % 10);
  d->checks_present |= (uint8_t)(1u << check);
  if (__builtin_expect(d->text[line][cdoff] == want && !bad_chars, 1)) {
    d->checks_ok |= (uint8_t)(1u << check);
    return true;
  }
  return digit_error(d, f, fcheck, line, cdoff, want, bad_chars);
}

/* Check digit over one field; acc holds the field's sums when the caller already made them. */
static inline bool check_field_digit(pctx *p, mrz_field f, mrz_field fcheck, unsigned line,
                                     unsigned off, unsigned len, unsigned cdoff, mrz_check check,
                                     const acc3 *acc) {
  unsigned sum = acc_weighted(acc ? *acc : acc_sum(p->d->text[line] + off, len), 0);
  bool bad = (p->li[line].bad & bits(off, len)) != 0;
  return verify_digit(p->d, f, fcheck, line, cdoff, sum, bad, check);
}

static inline int days_in_month(int year, int month) {
  static const uint8_t days[13] = {0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month == 2) return 28 + ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0);
  return days[month];
}

/* Reads YYMMDD at text[line][off]. Birth dates take the century that puts them on or before today;
 * expiry dates the century that puts them within [today - 79 years, today + 20 years]. Pairs of '<'
 * mark unknown parts (Doc 9303 Part 3 4.8). */
static void parse_date(mrz_doc *d, mrz_field f, unsigned line, unsigned off, bool birth,
                       bm_date today, long today_ymd, int century, mrz_date *out,
                       unsigned p_digits) {
  const char *s = d->text[line] + off;
  memcpy(out->raw, s, 6);
  out->raw[6] = '\0';
  out->date.year = 0;
  out->date.month = 0;
  out->date.day = 0;
  out->partial = false;
  int v[3];
  if (__builtin_expect((~p_digits & 0x3fu) == 0, 1)) {
    /* All six are digits: the common case. */
    v[0] = (s[0] - '0') * 10 + (s[1] - '0');
    v[1] = (s[2] - '0') * 10 + (s[3] - '0');
    v[2] = (s[4] - '0') * 10 + (s[5] - '0');
    goto known;
  }
  for (int i = 0; i < 3; i++) {
    unsigned char a = (unsigned char)s[2 * i], b = (unsigned char)s[2 * i + 1];
    if ((char_class[a] & CL_DIGIT) && (char_class[b] & CL_DIGIT)) {
      v[i] = (a - '0') * 10 + (b - '0');
    } else if (a == '<' && b == '<') {
      v[i] = -1;
      out->partial = true;
    } else {
      int bad = (char_class[a] & CL_DIGIT) || a == '<' ? 1 : 0;
      /* One '<' beside a digit is a malformed date; a letter is a charset error. */
      unsigned char c = bad ? b : a;
      if (c == '<' || (char_class[c] & CL_DIGIT))
        add_error(d, f, MRZ_E_DATE, line + 1, off + 2 * (unsigned)i + 1, 0, 0, 0);
      else
        add_error(d, f, MRZ_E_CHARSET, line + 1, off + 2 * (unsigned)i + (unsigned)bad + 1, (char)c,
                  0, 0);
      return;
    }
  }
  if (out->partial) {
    /* Only a birth date may be partly unknown; check what is known. */
    if (!birth) {
      add_error(d, f, MRZ_E_DATE, line + 1, off + 1, 0, 0, 0);
      return;
    }
    if ((v[1] >= 0 && (v[1] < 1 || v[1] > 12)) || (v[2] >= 0 && (v[2] < 1 || v[2] > 31)))
      add_error(d, f, MRZ_E_DATE, line + 1, off + 1, 0, 0, 0);
    return;
  }
known:;
  int year = century + v[0];
  if (birth) {
    /* Compare as YYYYMMDD numbers: cheaper than a call on the hot path. */
    long cand = (long)year * 10000 + v[1] * 100 + v[2];
    if (cand > today_ymd) year -= 100;
  } else {
    if (year > today.year + 20)
      year -= 100;
    else if (year < today.year - 79)
      year += 100;
  }
  if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > days_in_month(year, v[1])) {
    add_error(d, f, MRZ_E_DATE, line + 1, off + 1, 0, 0, 0);
    return;
  }
  out->date.year = (int16_t)year;
  out->date.month = (uint8_t)v[1];
  out->date.day = (uint8_t)v[2];
}

static void parse_sex(mrz_doc *d, unsigned line, unsigned off) {
  char c = d->text[line][off];
  if (c == 'M' || c == 'F')
    d->sex = c;
  else if (c == '<')
    d->sex = 'X';
  else {
    d->sex = 0;
    add_error(d, MRZ_FIELD_SEX, MRZ_E_SEX, line + 1, off + 1, c, 0, 0);
  }
}

/* Splits a name field into primary and secondary identifiers at the first "<<". */
static void parse_name(pctx *p, unsigned line, unsigned off, unsigned len) {
  mrz_doc *d = p->d;
  check_charset(p, MRZ_FIELD_NAME, line, off, len, CL_ALPHA | CL_FILLER);
  uint64_t fill = (p->li[line].filler >> off) & bits(0, len);
  uint64_t used = ~fill & bits(0, len);
  if (used == 0) {
    add_error(d, MRZ_FIELD_NAME, MRZ_E_FORMAT, line + 1, off + 1, 0, 0, 0);
    d->surname = span(line, off, 0);
    d->given_names = span(line, off, 0);
    return;
  }
  unsigned end = 64u - (unsigned)__builtin_clzll(used); /* after the last non-filler */
  /* "<<" starting at i with a non-filler still to come: i + 1 < end - 1. */
  uint64_t sep = end >= 3 ? fill & (fill >> 1) & bits(0, end - 2) : 0;
  if (sep == 0) {
    d->surname = span(line, off, end);
    d->given_names = span(line, off + end, 0);
    return;
  }
  unsigned plen = (unsigned)__builtin_ctzll(sep);
  unsigned goff = plen + 2 + (unsigned)__builtin_ctzll(used >> (plen + 2));
  d->surname = span(line, off, plen);
  d->given_names = span(line, off + goff, end - goff);
}

static void set_docnum(mrz_doc *d, const char *a, size_t alen, const char *b, size_t blen) {
  size_t n = 0;
  for (size_t i = 0; i < alen && n < MRZ_DOCNUM_BYTES_MAX; i++) d->document_number[n++] = a[i];
  for (size_t i = 0; i < blen && n < MRZ_DOCNUM_BYTES_MAX; i++) d->document_number[n++] = b[i];
  while (n > 0 && d->document_number[n - 1] == '<') n--;
  d->document_number[n] = '\0';
}

/* Document number at text[line][off..off+9), check digit at off+9, and for TD1/TD2 the optional
 * data [optoff, optoff+optlen) into which long numbers continue. Sets d->optional_data. */
static void parse_docnum(pctx *p, unsigned line, unsigned off, unsigned optline, unsigned optoff,
                         unsigned optlen, bool may_continue, const acc3 *acc) {
  mrz_doc *d = p->d;
  const char *num = d->text[line] + off;
  const char *opt = d->text[optline] + optoff;
  check_charset(p, MRZ_FIELD_DOCUMENT_NUMBER, line, off, 9, CL_ANY);
  d->optional_data = span(optline, optoff, optlen);
  if (may_continue && num[9] == '<' && opt[0] != '<') {
    /* Long number: continuation up to the first '<', whose last character is the check digit. */
    uint64_t fill = (p->li[optline].filler >> optoff) & bits(0, optlen);
    unsigned ext = fill ? (unsigned)__builtin_ctzll(fill) : optlen;
    d->long_document_number = true;
    d->checks_present |= 1u << MRZ_CHECK_DOCUMENT_NUMBER;
    check_charset(p, MRZ_FIELD_DOCUMENT_NUMBER, optline, optoff, ext - 1, CL_ALNUM);
    set_docnum(d, num, 9, opt, ext - 1);
    unsigned rest = ext < optlen ? ext + 1 : ext;
    d->optional_data = span(optline, optoff + rest, optlen - rest);
    char c = opt[ext - 1];
    if (!(char_class[(unsigned char)c] & CL_DIGIT)) {
      add_error(d, MRZ_FIELD_DOCUMENT_NUMBER_CHECK, MRZ_E_CHARSET, optline + 1, optoff + ext, c, 0,
                0);
      return;
    }
    uint64_t bad = 0;
    /* Variant 1: the '<' is not part of the number. */
    unsigned ph1 = 0;
    unsigned s1 = range_sum(p, line, off, 9, &ph1, &bad);
    s1 += range_sum(p, optline, optoff, ext - 1, &ph1, &bad);
    /* Variant 2: the '<' is checked as a character of the number. */
    unsigned ph2 = 0;
    unsigned s2 = range_sum(p, line, off, 10, &ph2, &bad);
    s2 += range_sum(p, optline, optoff, ext - 1, &ph2, &bad);
    if (bad) return; /* bytes that are not MRZ characters: already a charset error */
    if (c == (char)('0' + s1 % 10) || c == (char)('0' + s2 % 10)) {
      d->checks_ok |= 1u << MRZ_CHECK_DOCUMENT_NUMBER;
    } else {
      add_error(d, MRZ_FIELD_DOCUMENT_NUMBER, MRZ_E_CHECK_DIGIT, optline + 1, optoff + ext, c,
                (char)('0' + s1 % 10), 0);
    }
    return;
  }
  /* Common case: nine characters, trailing fillers dropped (found with the filler mask). */
  uint64_t used = ~(p->li[line].filler >> off) & bits(0, 9);
  unsigned n = used ? 64u - (unsigned)__builtin_clzll(used) : 0;
  memcpy(d->document_number, num, 9);
  d->document_number[n] = '\0';
  check_field_digit(p, MRZ_FIELD_DOCUMENT_NUMBER, MRZ_FIELD_DOCUMENT_NUMBER_CHECK, line, off, 9,
                    off + 9, MRZ_CHECK_DOCUMENT_NUMBER, acc);
}

/* A date field plus its check digit. */
static void parse_date_field(pctx *p, mrz_field f, mrz_field fcheck, unsigned line, unsigned off,
                             bool birth, mrz_date *out, mrz_check check, const acc3 *acc) {
  parse_date(p->d, f, line, off, birth, p->today, p->today_ymd, p->century, out,
             (unsigned)(p->li[line].digit >> off));
  check_field_digit(p, f, fcheck, line, off, 6, off + 6, check, acc);
}

static void parse_doc_code(pctx *p, mrz_format fmt) {
  mrz_doc *d = p->d;
  const char *s = d->text[0];
  d->document_code = span(0, 0, s[1] == '<' ? 1 : 2);
  if (!check_charset(p, MRZ_FIELD_DOCUMENT_CODE, 0, 0, 2, CL_ALPHA | CL_FILLER)) return;
  char c = s[0];
  bool ok = code_shape_ok(s, 2);
  switch (fmt) {
  case MRZ_FORMAT_TD3: ok = ok && c == 'P'; break;
  case MRZ_FORMAT_MRVA:
  case MRZ_FORMAT_MRVB: ok = ok && c == 'V'; break;
  default: ok = ok && (c == 'A' || c == 'C' || c == 'I'); break;
  }
  if (!ok) add_error(d, MRZ_FIELD_DOCUMENT_CODE, MRZ_E_FORMAT, 1, 1, c, 0, (unsigned)fmt);
}

static void composite(pctx *p, const composite_def *c) {
  unsigned phase = 0, sum = 0;
  uint64_t bad = 0;
  for (size_t i = 0; i < c->n; i++)
    sum += range_sum(p, c->ranges[i][0], c->ranges[i][1], c->ranges[i][2], &phase, &bad);
  verify_digit(p->d, MRZ_FIELD_COMPOSITE_CHECK, MRZ_FIELD_COMPOSITE_CHECK, c->line, c->off, sum,
               bad != 0, MRZ_CHECK_COMPOSITE);
}

/* ---- formats ---- */

static void parse_td3_like(pctx *p, bool visa) {
  mrz_doc *d = p->d;
  unsigned len = d->line_len; /* 44 (TD3, MRV-A) or 36 (TD2, MRV-B) */
  parse_doc_code(p, d->format);
  check_state(p, MRZ_FIELD_ISSUING_STATE, 0, 2);
  d->issuing_state = span(0, 2, 3);
  parse_name(p, 0, 5, len - 5);

  bool td3 = d->format == MRZ_FORMAT_TD3, td2 = d->format == MRZ_FORMAT_TD2;
  /* Optional data from position 29: TD3 29-42 (43 is its check digit), TD2 29-35, visas to the end.
   */
  unsigned optlen = visa ? len - 28 : td3 ? 14 : 7;
  const char *l2 = d->text[1];
  /* Each field of line 2 is summed once; the field digits and the composite share the sums. */
  acc3 a_num = acc_sum(l2, 9), a_birth = acc_sum(l2 + 13, 6), a_exp = acc_sum(l2 + 21, 6);
  parse_docnum(p, 1, 0, 1, 28, optlen, td2, &a_num);
  check_state(p, MRZ_FIELD_NATIONALITY, 1, 10);
  d->nationality = span(1, 10, 3);
  parse_date_field(p, MRZ_FIELD_BIRTH_DATE, MRZ_FIELD_BIRTH_DATE_CHECK, 1, 13, true, &d->birth_date,
                   MRZ_CHECK_BIRTH_DATE, &a_birth);
  parse_sex(d, 1, 20);
  parse_date_field(p, MRZ_FIELD_EXPIRY_DATE, MRZ_FIELD_EXPIRY_DATE_CHECK, 1, 21, false,
                   &d->expiry_date, MRZ_CHECK_EXPIRY_DATE, &a_exp);
  if (d->long_document_number)
    check_charset(p, MRZ_FIELD_OPTIONAL_DATA, 1, d->optional_data.off, d->optional_data.len,
                  CL_ANY);
  else
    check_charset(p, MRZ_FIELD_OPTIONAL_DATA, 1, 28, optlen, CL_ANY);
  if (visa) return; /* no optional-data digit, no composite */

  acc3 a_opt = acc_sum(l2 + 28, optlen);
  if (td3) {
    /* Personal number check digit: '<' or '0' when the field is empty (Doc 9303 Part 4 4.2.2). */
    char c = l2[42];
    if ((~p->li[1].filler & bits(28, 14)) == 0 && (c == '<' || c == '0')) {
      d->checks_present |= 1u << MRZ_CHECK_OPTIONAL_DATA;
      d->checks_ok |= 1u << MRZ_CHECK_OPTIONAL_DATA;
    } else {
      check_field_digit(p, MRZ_FIELD_OPTIONAL_DATA, MRZ_FIELD_OPTIONAL_DATA_CHECK, 1, 28, 14, 42,
                        MRZ_CHECK_OPTIONAL_DATA, &a_opt);
    }
  }
  /* Composite over positions 1-10, 14-20 and 22-43 (TD3) or 22-35 (TD2) taken as one string: the
   * number and its digit start at weight phase 0, the birth date at 10 % 3 = 1, the expiry date at
   * (10 + 7) % 3 = 2, its digit at (17 + 6) % 3 = 2, the optional data at 24 % 3 = 0 and the TD3
   * optional-data digit at 38 % 3 = 2. This is COMP_TD3 / COMP_TD2 without reading the bytes again.
   */
  unsigned sum = acc_weighted(a_num, 0) + char_weighted(l2[9], 0) + acc_weighted(a_birth, 1) +
                 char_weighted(l2[19], 1) + acc_weighted(a_exp, 2) + char_weighted(l2[27], 2) +
                 acc_weighted(a_opt, 0) + (td3 ? char_weighted(l2[42], 2) : 0);
  const composite_def *c = td3 ? &COMP_TD3 : &COMP_TD2;
  uint64_t covered = bits(0, 10) | bits(13, 7) | bits(21, td3 ? 22 : 14);
  verify_digit(d, MRZ_FIELD_COMPOSITE_CHECK, MRZ_FIELD_COMPOSITE_CHECK, c->line, c->off, sum,
               (p->li[1].bad & covered) != 0, MRZ_CHECK_COMPOSITE);
}

static void parse_td1(pctx *p) {
  mrz_doc *d = p->d;
  parse_doc_code(p, MRZ_FORMAT_TD1);
  check_state(p, MRZ_FIELD_ISSUING_STATE, 0, 2);
  d->issuing_state = span(0, 2, 3);
  parse_docnum(p, 0, 5, 0, 15, 15, true, NULL);
  check_charset(p, MRZ_FIELD_OPTIONAL_DATA, 0, d->optional_data.off, d->optional_data.len, CL_ANY);
  parse_date_field(p, MRZ_FIELD_BIRTH_DATE, MRZ_FIELD_BIRTH_DATE_CHECK, 1, 0, true, &d->birth_date,
                   MRZ_CHECK_BIRTH_DATE, NULL);
  parse_sex(d, 1, 7);
  parse_date_field(p, MRZ_FIELD_EXPIRY_DATE, MRZ_FIELD_EXPIRY_DATE_CHECK, 1, 8, false,
                   &d->expiry_date, MRZ_CHECK_EXPIRY_DATE, NULL);
  check_state(p, MRZ_FIELD_NATIONALITY, 1, 15);
  d->nationality = span(1, 15, 3);
  check_charset(p, MRZ_FIELD_OPTIONAL_DATA_2, 1, 18, 11, CL_ANY);
  d->optional_data_2 = span(1, 18, 11);
  composite(p, &COMP_TD1);
  parse_name(p, 2, 0, 30);
}

static void parse_fra_id(pctx *p) {
  mrz_doc *d = p->d;
  d->document_code = span(0, 0, 2);
  d->issuing_state = span(0, 2, 3);
  d->nationality = span(0, 2, 3); /* the card is issued to French nationals only */
  /* Surname: fillers inside the name separate its parts. */
  const char *s = d->text[0] + 5;
  check_charset(p, MRZ_FIELD_NAME, 0, 5, 25, CL_ALPHA | CL_FILLER);
  unsigned end = 25;
  while (end > 0 && s[end - 1] == '<') end--;
  if (end == 0) add_error(d, MRZ_FIELD_NAME, MRZ_E_FORMAT, 1, 6, 0, 0, 0);
  d->surname = span(0, 5, end);
  check_charset(p, MRZ_FIELD_ADMIN_CODE, 0, 30, 6, CL_ANY);
  d->admin_code = span(0, 30, 6);

  bool cs = check_charset(p, MRZ_FIELD_DOCUMENT_NUMBER, 1, 0, 12, CL_ALNUM | CL_FILLER);
  set_docnum(d, d->text[1], 12, NULL, 0);
  d->issue_date = span(1, 0, 4);
  const char *iss = d->text[1];
  if (cs && (first_not(iss, 4, CL_DIGIT) >= 0 || (iss[2] - '0') * 10 + (iss[3] - '0') < 1 ||
             (iss[2] - '0') * 10 + (iss[3] - '0') > 12))
    add_error(d, MRZ_FIELD_ISSUE_DATE, MRZ_E_DATE, 2, 1, 0, 0, 0);
  check_field_digit(p, MRZ_FIELD_DOCUMENT_NUMBER, MRZ_FIELD_DOCUMENT_NUMBER_CHECK, 1, 0, 12, 12,
                    MRZ_CHECK_DOCUMENT_NUMBER, NULL);
  check_charset(p, MRZ_FIELD_NAME, 1, 13, 14, CL_ALPHA | CL_FILLER);
  const char *g = d->text[1] + 13;
  unsigned gend = 14;
  while (gend > 0 && g[gend - 1] == '<') gend--;
  d->given_names = span(1, 13, gend);
  parse_date_field(p, MRZ_FIELD_BIRTH_DATE, MRZ_FIELD_BIRTH_DATE_CHECK, 1, 27, true, &d->birth_date,
                   MRZ_CHECK_BIRTH_DATE, NULL);
  parse_sex(d, 1, 34);
  composite(p, &COMP_FRA);
}

/* ---- autocorrection ---- */

/* OCR confusions between a letter and a digit. */
static char letter_to_digit(char c) {
  switch (c) {
  case 'O': return '0';
  case 'I': return '1';
  case 'B': return '8';
  case 'S': return '5';
  case 'Z': return '2';
  case 'G': return '6';
  default: return 0;
  }
}
static char digit_to_letter(char c) {
  switch (c) {
  case '0': return 'O';
  case '1': return 'I';
  case '8': return 'B';
  case '5': return 'S';
  case '2': return 'Z';
  case '6': return 'G';
  default: return 0;
  }
}

#define AC_CANDIDATES_MAX 10 /* 2^10 combinations at most per field */

/* True when the composite digit (read as a digit, letters mapped by OCR confusion) verifies. */
static bool composite_ok(const mrz_doc *d, const composite_def *c);

/* Tries to repair the field text[line][off..off+len) plus its check digit at text[line][cdoff].
 * numeric: the field may only hold digits (and '<' pairs for dates), so letters that look like
 * digits are forced; otherwise (alphanumeric) each confusable character may be either, and the
 * repair must be the only reading that passes the charset, the field's check digit and, where the
 * format has one, the composite digit: a check digit alone cannot tell a misread character from a
 * misprinted digit. Returns true if it changed anything. */
static bool autocorrect_field(mrz_doc *d, unsigned line, unsigned off, unsigned len, unsigned cdoff,
                              bool numeric, const composite_def *comp) {
  char *s = d->text[line] + off;
  char *cd = d->text[line] + cdoff;
  char orig[MRZ_LINE_BYTES_MAX + 1];
  memcpy(orig, s, len);
  char cd_orig = *cd;

  /* Already good? */
  uint8_t allowed = numeric ? (CL_DIGIT | CL_FILLER) : CL_ANY;
  if (first_not(s, len, allowed) < 0 && (char_class[(unsigned char)cd_orig] & CL_DIGIT) &&
      mrz_check_digit(s, len) == cd_orig - '0')
    return false;

  unsigned pos[AC_CANDIDATES_MAX];
  char alt[AC_CANDIDATES_MAX];
  unsigned k = 0;
  char fixed[MRZ_LINE_BYTES_MAX + 1];
  memcpy(fixed, s, len);
  for (unsigned i = 0; i < len; i++) {
    char c = s[i];
    if (numeric) {
      char dgt = letter_to_digit(c);
      if (dgt) fixed[i] = dgt; /* forced */
    } else {
      char other = letter_to_digit(c);
      if (!other) other = digit_to_letter(c);
      if (other) {
        if (k == AC_CANDIDATES_MAX) return false; /* too ambiguous to trust */
        pos[k] = i;
        alt[k] = other;
        k++;
      }
    }
  }
  char cdfix = cd_orig;
  if (letter_to_digit(cd_orig)) cdfix = letter_to_digit(cd_orig);
  if (!(char_class[(unsigned char)cdfix] & CL_DIGIT)) return false;
  if (numeric && first_not(fixed, len, allowed) >= 0) return false; /* not an OCR confusion */
  bool need_comp = !numeric && comp != NULL && comp->n > 0;

  unsigned matches = 0, match_mask = 0;
  char trial[MRZ_LINE_BYTES_MAX + 1];
  for (unsigned mask = 0; mask < (1u << k); mask++) {
    memcpy(trial, fixed, len);
    for (unsigned j = 0; j < k; j++)
      if (mask & (1u << j)) trial[pos[j]] = alt[j];
    if (first_not(trial, len, allowed) >= 0) continue;
    if (mrz_check_digit(trial, len) != cdfix - '0') continue;
    if (need_comp) {
      memcpy(s, trial, len);
      *cd = cdfix;
      bool ok = composite_ok(d, comp);
      memcpy(s, orig, len);
      *cd = cd_orig;
      if (!ok) continue;
    }
    matches++;
    match_mask = mask;
  }
  if (matches != 1) return false;
  for (unsigned j = 0; j < k; j++)
    if (match_mask & (1u << j)) fixed[pos[j]] = alt[j];
  bool changed = false;
  for (unsigned i = 0; i < len; i++) {
    if (fixed[i] != orig[i] && d->ncorrections < MRZ_CORRECTIONS_MAX) {
      d->corrections[d->ncorrections++] =
          (mrz_correction){(uint8_t)(line + 1), (uint8_t)(off + i + 1), orig[i], fixed[i]};
      s[i] = fixed[i];
      changed = true;
    }
  }
  if (cdfix != cd_orig && d->ncorrections < MRZ_CORRECTIONS_MAX) {
    d->corrections[d->ncorrections++] =
        (mrz_correction){(uint8_t)(line + 1), (uint8_t)(cdoff + 1), cd_orig, cdfix};
    *cd = cdfix;
    changed = true;
  }
  return changed;
}

static bool composite_ok(const mrz_doc *d, const composite_def *c) {
  unsigned w = 0, sum = 0;
  int bad = 0;
  for (size_t i = 0; i < c->n; i++)
    sum += cd_sum(d->text[c->ranges[i][0]] + c->ranges[i][1], c->ranges[i][2], &w, &bad);
  char ch = d->text[c->line][c->off];
  if (letter_to_digit(ch)) ch = letter_to_digit(ch);
  return !bad && ch == (char)('0' + sum % 10);
}

/* A composite digit misread as a letter is repaired when the digit form verifies. */
static void autocorrect_composite(mrz_doc *d, const composite_def *c) {
  char ch = d->text[c->line][c->off];
  char dgt = letter_to_digit(ch);
  if (!dgt || !composite_ok(d, c) || d->ncorrections >= MRZ_CORRECTIONS_MAX) return;
  d->corrections[d->ncorrections++] =
      (mrz_correction){(uint8_t)(c->line + 1), (uint8_t)(c->off + 1), ch, dgt};
  d->text[c->line][c->off] = dgt;
}

static void autocorrect(mrz_doc *d) {
  switch (d->format) {
  case MRZ_FORMAT_TD3:
  case MRZ_FORMAT_TD2:
  case MRZ_FORMAT_MRVA:
  case MRZ_FORMAT_MRVB: {
    const composite_def *comp = d->format == MRZ_FORMAT_TD3   ? &COMP_TD3
                                : d->format == MRZ_FORMAT_TD2 ? &COMP_TD2
                                                              : NULL;
    char *l2 = d->text[1];
    bool long_num = d->format == MRZ_FORMAT_TD2 && l2[9] == '<' && l2[28] != '<';
    autocorrect_field(d, 1, 13, 6, 19, true, comp);
    autocorrect_field(d, 1, 21, 6, 27, true, comp);
    if (!long_num) autocorrect_field(d, 1, 0, 9, 9, false, comp);
    if (d->format == MRZ_FORMAT_TD3 && first_not(l2 + 28, 14, CL_FILLER) >= 0)
      autocorrect_field(d, 1, 28, 14, 42, false, comp);
    if (comp) autocorrect_composite(d, comp);
    break;
  }
  case MRZ_FORMAT_TD1: {
    bool long_num = d->text[0][14] == '<' && d->text[0][15] != '<';
    autocorrect_field(d, 1, 0, 6, 6, true, &COMP_TD1);
    autocorrect_field(d, 1, 8, 6, 14, true, &COMP_TD1);
    if (!long_num) autocorrect_field(d, 0, 5, 9, 14, false, &COMP_TD1);
    autocorrect_composite(d, &COMP_TD1);
    break;
  }
  case MRZ_FORMAT_FRA_ID: {
    autocorrect_field(d, 1, 27, 6, 33, true, &COMP_FRA);
    autocorrect_field(d, 1, 0, 12, 12, false, &COMP_FRA);
    autocorrect_composite(d, &COMP_FRA);
    break;
  }
  case MRZ_FORMAT_UNKNOWN: break;
  }
}

/* ---- entry points ---- */

static void doc_reset(mrz_doc *d) {
  d->format = MRZ_FORMAT_UNKNOWN;
  d->valid = false;
  d->nlines = 0;
  d->line_len = 0;
  mrz_span none = {0, 0, 0};
  d->document_code = d->issuing_state = d->surname = d->given_names = none;
  d->nationality = d->optional_data = d->optional_data_2 = none;
  d->issue_date = d->admin_code = none;
  d->document_number[0] = '\0';
  d->long_document_number = false;
  memset(&d->birth_date, 0, sizeof d->birth_date);
  memset(&d->expiry_date, 0, sizeof d->expiry_date);
  d->sex = 0;
  d->checks_present = d->checks_ok = 0;
  d->nerrors = d->nerrors_dropped = 0;
  d->ncorrections = 0;
}

static mrz_format detect(const char *l1, size_t nlines, size_t len, unsigned flags) {
  if (nlines == 3 && len == 30) return MRZ_FORMAT_TD1;
  if (nlines != 2) return MRZ_FORMAT_UNKNOWN;
  if (len == 44) return l1[0] == 'V' ? MRZ_FORMAT_MRVA : MRZ_FORMAT_TD3;
  if (len == 36) {
    if (l1[0] == 'V') return MRZ_FORMAT_MRVB;
    if (!(flags & MRZ_OPT_NO_NATIONAL) && memcmp(l1, "IDFRA", 5) == 0) return MRZ_FORMAT_FRA_ID;
    return MRZ_FORMAT_TD2;
  }
  return MRZ_FORMAT_UNKNOWN;
}

bm_err mrz_parse(const char *const *lines, const size_t *lens, size_t nlines, const mrz_opts *opts,
                 mrz_doc *out) {
  if (out == NULL || (nlines > 0 && (lines == NULL || lens == NULL))) return BM_ERR_USAGE;
  doc_reset(out);
  if (nlines < 2 || nlines > 3) {
    add_error(out, MRZ_FIELD_NONE, MRZ_E_LENGTH, 0, 0, 0, 0, (unsigned)nlines);
    return BM_ERR_INVALID;
  }
  size_t len = lens[0];
  out->nlines = (uint8_t)nlines;
  if (len != 30 && len != 36 && len != 44) {
    add_error(out, MRZ_FIELD_NONE, MRZ_E_LENGTH, 1, 0, 0, 0, len > 999 ? 999 : (unsigned)len);
    return BM_ERR_INVALID;
  }
  for (size_t i = 1; i < nlines; i++) {
    if (lens[i] != len) {
      add_error(out, MRZ_FIELD_NONE, MRZ_E_LENGTH, (unsigned)i + 1, 0, 0, (char)len,
                lens[i] > 999 ? 999 : (unsigned)lens[i]);
      return BM_ERR_INVALID;
    }
  }
  unsigned flags = opts ? opts->flags : 0;
  mrz_format fmt = detect(lines[0], nlines, len, flags);
  if (fmt == MRZ_FORMAT_UNKNOWN) {
    /* Right length, wrong count: 2 lines of 30 or 3 of 36/44. */
    add_error(out, MRZ_FIELD_NONE, MRZ_E_LENGTH, 0, 0, 0, 0, (unsigned)nlines);
    return BM_ERR_INVALID;
  }
  out->format = fmt;
  out->nlines = (uint8_t)nlines;
  out->line_len = (uint8_t)len;
  for (size_t i = 0; i < nlines; i++) {
    /* Zero the row first (three 16-byte stores), then the line: the padding the vector loads read.
     */
    memset(out->text[i], 0, MRZ_TEXT_ROW_BYTES);
    memcpy(out->text[i], lines[i], len);
  }
  if (flags & MRZ_OPT_AUTOCORRECT) autocorrect(out);

  pctx p;
  p.d = out;
  p.today = opts && opts->today.year ? opts->today : bm_date_today_utc();
  p.today_ymd = (long)p.today.year * 10000 + p.today.month * 100 + p.today.day;
  p.century = p.today.year / 100 * 100;
  for (size_t i = 0; i < nlines; i++) classify(out->text[i], (unsigned)len, &p.li[i]);
  switch (fmt) {
  case MRZ_FORMAT_TD3:
  case MRZ_FORMAT_TD2: parse_td3_like(&p, false); break;
  case MRZ_FORMAT_MRVA:
  case MRZ_FORMAT_MRVB: parse_td3_like(&p, true); break;
  case MRZ_FORMAT_TD1: parse_td1(&p); break;
  case MRZ_FORMAT_FRA_ID: parse_fra_id(&p); break;
  case MRZ_FORMAT_UNKNOWN: break;
  }
  out->valid = out->nerrors == 0 && out->nerrors_dropped == 0;
  return BM_OK;
}

bm_err mrz_parse_text(const char *text, size_t len, const mrz_opts *opts, mrz_doc *out) {
  if (out == NULL || (text == NULL && len > 0)) return BM_ERR_USAGE;
  if (len > MRZ_TEXT_BYTES_MAX) {
    doc_reset(out);
    add_error(out, MRZ_FIELD_NONE, MRZ_E_LENGTH, 0, 0, 0, 0, MRZ_LENGTH_OVER_LIMIT);
    return BM_ERR_LIMIT;
  }
  const char *lines[MRZ_LINES_MAX + 1];
  size_t lens[MRZ_LINES_MAX + 1];
  size_t n = 0, i = 0;
  while (i <= len) {
    size_t start = i;
    while (i < len && text[i] != '\n' && text[i] != '|') i++;
    size_t a = start, b = i;
    while (a < b && (text[a] == ' ' || text[a] == '\t' || text[a] == '\r')) a++;
    while (b > a && (text[b - 1] == ' ' || text[b - 1] == '\t' || text[b - 1] == '\r')) b--;
    if (b > a) {
      if (n == MRZ_LINES_MAX + 1) {
        n++;
        break;
      }
      lines[n] = text + a;
      lens[n] = b - a;
      n++;
    }
    i++;
  }
  if (n > MRZ_LINES_MAX) {
    doc_reset(out);
    /* Count the rest of the lines for the message. */
    size_t total = 0;
    int inl = 0;
    for (size_t j = 0; j < len; j++) {
      char c = text[j];
      if (c == '\n' || c == '|')
        inl = 0;
      else if (c != ' ' && c != '\t' && c != '\r' && !inl) {
        inl = 1;
        total++;
      }
    }
    add_error(out, MRZ_FIELD_NONE, MRZ_E_LENGTH, 0, 0, 0, 0, total > 999 ? 999 : (unsigned)total);
    return BM_ERR_INVALID;
  }
  return mrz_parse(lines, lens, n, opts, out);
}

size_t mrz_span_raw(const mrz_doc *doc, mrz_span sp, char *buf, size_t cap) {
  if (sp.len == 0 || sp.line >= MRZ_LINES_MAX || sp.off + sp.len > MRZ_LINE_BYTES_MAX) {
    if (cap) buf[0] = '\0';
    return 0;
  }
  const char *s = doc->text[sp.line] + sp.off;
  if (cap) {
    size_t n = sp.len < cap - 1 ? sp.len : cap - 1;
    memcpy(buf, s, n);
    buf[n] = '\0';
  }
  return sp.len;
}

size_t mrz_span_text(const mrz_doc *doc, mrz_span sp, char *buf, size_t cap) {
  size_t n = 0;
  if (sp.len == 0 || sp.line >= MRZ_LINES_MAX || sp.off + sp.len > MRZ_LINE_BYTES_MAX) {
    if (cap) buf[0] = '\0';
    return 0;
  }
  const char *s = doc->text[sp.line] + sp.off;
  size_t a = 0, b = sp.len;
  while (a < b && s[a] == '<') a++;
  while (b > a && s[b - 1] == '<') b--;
  for (size_t i = a; i < b; i++) {
    char c = s[i];
    if (c == '<') {
      if (s[i - 1] == '<') continue; /* collapse runs */
      c = ' ';
    }
    if (n + 1 < cap) buf[n] = c;
    n++;
  }
  if (cap) buf[n < cap ? n : cap - 1] = '\0';
  return n;
}
