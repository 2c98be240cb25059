/* mrz_bench.c - throughput of mrz_parse() (parse + full validation) for TD1, TD2 and TD3.
 *
 * Generates a deterministic set of distinct, realistic documents per format (real ICAO state codes,
 * names, calendar-valid dates, check digits from mrz_check_digit()), with exactly one document in
 * MRZ_BENCH_CORRUPT_EVERY carrying one wrong check digit. Every result is first checked against
 * what the generator knows (valid flag, document number, birth date, which check digits verify),
 * then mrz_parse() is timed single-threaded over the whole set repeatedly. The printed checksum
 * (valid count and an FNV-1a hash of the results) makes a fast but wrong build visible; any
 * disagreement with the generator exits non-zero.
 *
 * --write-docs DIR writes the same documents for bench/peers/mrz-npm (one per line, lines joined
 * with
 * '|') and DIR/expected.json with the valid counts the peer must reproduce.
 *
 * Usage: mrz_bench [--count N] [--seconds S] [--write-docs DIR]
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bmis/mrz.h"

#define MRZ_BENCH_COUNT_DEFAULT 100000
/* Document numbers are built from a bijection on 0..10^7-1, so more would repeat documents. */
#define MRZ_BENCH_COUNT_MAX        10000000
#define MRZ_BENCH_SECONDS_DEFAULT  1.5
#define MRZ_BENCH_SECONDS_MAX      600.0
#define MRZ_BENCH_CORRUPT_EVERY    16
#define MRZ_BENCH_SEED             0x9E3779B97F4A7C15ull
#define MRZ_BENCH_MISMATCHES_SHOWN 5
#define MRZ_BENCH_PATH_BYTES_MAX   4096

/* Fixed reference date: century inference without a clock call per parse, and stable results. */
static const bm_date bench_today = {2025, 6, 1};

/* ---- Deterministic input ---- */

/* xorshift64*: tiny, fast and fully reproducible across libcs (rand() is not). */
static uint64_t rng_state = MRZ_BENCH_SEED;

static uint64_t rng_next(void) {
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 0x2545F4914F6CDD1Dull;
}

static unsigned rng_below(unsigned n) {
  return (unsigned)((rng_next() >> 32) % n);
}

/* Real codes only, all accepted by both openbmis and npm mrz (which rejects the specimen code UTO).
 * "D" exercises the '<'-padded form. */
static const char *const states[] = {
    "D",   "AUT", "BEL", "BGR", "HRV", "CZE", "DNK", "EST", "FIN", "FRA", "GRC", "HUN", "IRL",
    "ITA", "LVA", "LTU", "LUX", "MLT", "NLD", "POL", "PRT", "ROU", "SVK", "SVN", "ESP", "SWE",
    "GBR", "NOR", "ISL", "CHE", "USA", "CAN", "MEX", "BRA", "ARG", "COL", "CHL", "PER", "AUS",
    "NZL", "JPN", "KOR", "CHN", "IND", "PAK", "BGD", "IDN", "PHL", "VNM", "THA", "MYS", "SGP",
    "TUR", "UKR", "GEO", "MAR", "DZA", "TUN", "EGY", "NGA", "GHA", "KEN", "ETH", "ZAF", "SEN",
    "SAU", "ARE", "ISR", "JOR", "IRN", "IRQ", "AFG", "SYR"};

/* Already transliterated (Doc 9303 Part 3), spaces written as '<'. Some are long on purpose so that
 * the narrow TD1 name line gets truncated now and then, as on real cards. */
static const char *const surnames[] = {"MUELLER",     "SCHMIDT",
                                       "DUPONT",      "MARTIN",
                                       "GARCIA",      "RODRIGUEZ",
                                       "ROSSI",       "SMITH",
                                       "NGUYEN",      "WANG",
                                       "LI",          "KIM",
                                       "SATO",        "OKAFOR",
                                       "MOHAMMED",    "HUSSAIN",
                                       "KOWALSKI",    "NOVAK",
                                       "IVANOVA",     "PAPADOPOULOS",
                                       "SILVA",       "DOS<SANTOS",
                                       "DE<LA<CRUZ",  "VAN<DER<BERG",
                                       "OCONNOR",     "JOHANSSON",
                                       "NIELSEN",     "KORHONEN",
                                       "YILMAZ",      "ABDULLAH",
                                       "SINGH",       "PATEL",
                                       "FERNANDEZ",   "HERNANDEZ",
                                       "GONZALEZ",    "LOPEZ",
                                       "MOREAU",      "LEFEBVRE",
                                       "BERNARD",     "FISCHER",
                                       "WEBER",       "SCHNEIDER",
                                       "HOFFMANN",    "KRASNOSHCHEKOV",
                                       "ABDELRAHMAN", "OYELARAN<ADEBAYO",
                                       "TANAKA",      "SUZUKI",
                                       "CHEN",        "ZHANG",
                                       "HAUGEN",      "JENSEN",
                                       "HORVATH",     "NAGY",
                                       "POPESCU",     "DIMITROV",
                                       "KARLSSON",    "OBRIEN",
                                       "MURPHY",      "WILLIAMS",
                                       "JOHNSON",     "BROWN",
                                       "TAYLOR",      "ERIKSSON",
                                       "VIRTANEN",    "ANDERSEN",
                                       "LEHMANN",     "WOJCIK",
                                       "SOKOLOV",     "MAMEDOV",
                                       "HAKIMI",      "RAHMAN"};

static const char *const given_names[] = {
    "ANNA",      "MARIA",     "JOHN",        "MOHAMED",   "WEI",       "JUAN",       "FATIMA",
    "PETER",     "SOFIA",     "LUCAS",       "EMMA",      "NOAH",      "OLGA",       "DMITRY",
    "AISHA",     "YUKI",      "HIROSHI",     "CHIARA",    "GIUSEPPE",  "ELENA",      "ANDREAS",
    "KATARZYNA", "TOMAS",     "INES",        "LEILA",     "OMAR",      "PRIYA",      "ARJUN",
    "MIN<JUN",   "SEO<YEON",  "JEAN<PIERRE", "ANA<LUCIA", "KWAME",     "AMARA",      "BJOERN",
    "SOEREN",    "MATTHIAS",  "ISABELLA",    "CHLOE",     "ALEXANDER", "MAXIMILIAN", "CHRISTOPHER",
    "NGOZI",     "THI<HUONG", "XIAO<LING",   "ZEYNEP",    "EMRE"};

typedef struct fmt_spec {
  mrz_format format;
  const char *name; /* as printed and used for file names */
  const char *file; /* file name under --write-docs */
  size_t nlines;
  size_t line_len;
  uint8_t checks; /* bits (1u << mrz_check) the format carries */
} fmt_spec;

#define CHECKS_ID                                                                                  \
  (uint8_t)((1u << MRZ_CHECK_DOCUMENT_NUMBER) | (1u << MRZ_CHECK_BIRTH_DATE) |                     \
            (1u << MRZ_CHECK_EXPIRY_DATE) | (1u << MRZ_CHECK_COMPOSITE))

static const fmt_spec specs[] = {
    {MRZ_FORMAT_TD1, "TD1", "td1.txt", 3, 30, CHECKS_ID},
    {MRZ_FORMAT_TD2, "TD2", "td2.txt", 2, 36, CHECKS_ID},
    {MRZ_FORMAT_TD3, "TD3", "td3.txt", 2, 44, CHECKS_ID | (1u << MRZ_CHECK_OPTIONAL_DATA)},
};

/* What the generator knows about one document: the parser must report exactly this. */
typedef struct truth {
  char document_number[10]; /* fillers removed */
  char birth_raw[7];
  uint8_t checks_ok;
  bool valid;
} truth;

typedef struct doc_set {
  const fmt_spec *spec;
  size_t count;
  size_t
      stride; /* nlines * line_len: documents are packed back to back, lines without terminators */
  char *text;
  truth *truth;
  size_t valid_expected;
} doc_set;

/* One fully laid out document before it is packed. */
typedef struct gen_doc {
  char line[MRZ_LINES_MAX][MRZ_LINE_BYTES_MAX + 1];
} gen_doc;

static void fill(char *dst, size_t n) {
  memset(dst, '<', n);
}

/* Copy src into an n-byte field, '<'-padded; src is never longer than n here (callers truncate). */
static void put(char *dst, size_t n, const char *src) {
  size_t len = strlen(src);
  if (len > n) len = n;
  memcpy(dst, src, len);
  fill(dst + len, n - len);
}

static char digit_char(int d) {
  if (d < 0) {
    fprintf(stderr, "mrz_bench: generator produced a non-MRZ character\n");
    exit(2);
  }
  return (char)('0' + d);
}

static char check_over(const char *s, size_t n) {
  return digit_char(mrz_check_digit(s, n));
}

/* Composite check digit over several ranges taken in order (Doc 9303 Parts 4-6). */
typedef struct range {
  const char *p;
  size_t n;
} range;

static char check_over_ranges(const range *r, size_t nr) {
  char buf[64];
  size_t len = 0;
  for (size_t i = 0; i < nr; i++) {
    memcpy(buf + len, r[i].p, r[i].n);
    len += r[i].n;
  }
  return check_over(buf, len);
}

/* "SURNAME<<GIVEN<NAMES" into a width-wide field. Like issuers do, drop the second given name
 * first, then cut; the result never exceeds width. */
static void put_name(char *dst, size_t width) {
  char buf[128];
  const char *sur = surnames[rng_below(BM_COUNTOF(surnames))];
  const char *g1 = given_names[rng_below(BM_COUNTOF(given_names))];
  const char *g2 = rng_below(3) == 0 ? given_names[rng_below(BM_COUNTOF(given_names))] : NULL;
  int n = g2 ? snprintf(buf, sizeof buf, "%s<<%s<%s", sur, g1, g2) : -1;
  if (n < 0 || (size_t)n > width) snprintf(buf, sizeof buf, "%s<<%s", sur, g1);
  put(dst, width, buf); /* put() truncates at width */
}

/* Two decimal digits of v (0..99). */
static void put2(char *dst, int v) {
  dst[0] = (char)('0' + v / 10);
  dst[1] = (char)('0' + v % 10);
}

/* YYMMDD of a calendar-valid date in [y0, y1]. */
static void make_date(char out[7], int y0, int y1) {
  int y = y0 + (int)rng_below((unsigned)(y1 - y0 + 1));
  int m = 1 + (int)rng_below(12);
  int d = 1 + (int)rng_below((unsigned)bm_days_in_month(y, m));
  put2(out, y % 100);
  put2(out + 2, m);
  put2(out + 4, d);
  out[6] = '\0';
}

static char make_sex(void) {
  unsigned r = rng_below(100);
  return r < 49 ? 'M' : r < 98 ? 'F' : '<';
}

/* Two letters and seven digits, or (1 in 8) one letter, seven digits and a filler. The digits are
 * i * 3141593 + c mod 10^7, a bijection because 3141593 is coprime with 10^7: documents are
 * distinct. */
static void make_document_number(char out[10], size_t i) {
  unsigned digits = (unsigned)(((uint64_t)i * 3141593u + 2718281u) % 10000000u);
  bool short_number = rng_below(8) == 0;
  size_t k = 0;
  out[k++] = (char)('A' + rng_below(26));
  if (!short_number) out[k++] = (char)('A' + rng_below(26));
  for (unsigned div = 1000000; div > 0; div /= 10) out[k++] = (char)('0' + digits / div % 10);
  if (short_number) out[k++] = '<';
  out[k] = '\0';
}

static void make_numeric(char *dst, size_t n) {
  for (size_t k = 0; k < n; k++) dst[k] = (char)('0' + rng_below(10));
}

static const char *pick_state(void) {
  return states[rng_below(BM_COUNTOF(states))];
}

/* Nationality is usually the issuing state; residence permits and some passports say otherwise. */
static const char *pick_nationality(const char *issuer) {
  return rng_below(10) == 0 ? pick_state() : issuer;
}

static const char *pick_code(mrz_format f, const char *issuer) {
  unsigned r = rng_below(100);
  if (f == MRZ_FORMAT_TD3) return r < 85 ? "P<" : r < 92 ? "PO" : r < 97 ? "PD" : "PS";
  if (f == MRZ_FORMAT_TD2) {
    /* "IDFRA" on 2x36 is the old French national card, a different layout: keep TD2 unambiguous. */
    if (strcmp(issuer, "FRA") == 0) return "I<";
    return r < 70 ? "I<" : r < 95 ? "ID" : "AC";
  }
  return r < 60 ? "I<" : r < 90 ? "ID" : r < 95 ? "IR" : "AC";
}

/* Lay out one document of format f; records in t what a correct parser must report. The check digit
 * positions are returned so one can be corrupted afterwards. */
typedef struct check_pos {
  int line;
  int col;
  mrz_check check;
} check_pos;

static size_t gen_td1(gen_doc *d, size_t i, truth *t, check_pos *cp) {
  char num[10], birth[7], expiry[7];
  const char *issuer = pick_state();
  char *l1 = d->line[0], *l2 = d->line[1], *l3 = d->line[2];
  fill(l1, 30);
  fill(l2, 30);
  put(l1, 2, pick_code(MRZ_FORMAT_TD1, issuer));
  put(l1 + 2, 3, issuer);
  make_document_number(num, i);
  memcpy(l1 + 5, num, 9);
  l1[14] = check_over(l1 + 5, 9);
  /* Optional data 1: often a national identity number, sometimes empty. */
  if (rng_below(2)) make_numeric(l1 + 15, 6 + rng_below(9));
  make_date(birth, 1935, 2020);
  memcpy(l2, birth, 6);
  l2[6] = check_over(l2, 6);
  l2[7] = make_sex();
  make_date(expiry, 2026, 2035);
  memcpy(l2 + 8, expiry, 6);
  l2[14] = check_over(l2 + 8, 6);
  put(l2 + 15, 3, pick_nationality(issuer));
  if (rng_below(4) == 0) make_numeric(l2 + 18, 1 + rng_below(11));
  const range comp[] = {{l1 + 5, 25}, {l2, 7}, {l2 + 8, 7}, {l2 + 18, 11}};
  l2[29] = check_over_ranges(comp, BM_COUNTOF(comp));
  put_name(l3, 30);
  l1[30] = l2[30] = l3[30] = '\0';

  memcpy(t->document_number, num, sizeof t->document_number);
  t->document_number[strcspn(num, "<")] = '\0'; /* the parser drops fillers */
  memcpy(t->birth_raw, birth, 7);
  cp[0] = (check_pos){0, 14, MRZ_CHECK_DOCUMENT_NUMBER};
  cp[1] = (check_pos){1, 6, MRZ_CHECK_BIRTH_DATE};
  cp[2] = (check_pos){1, 14, MRZ_CHECK_EXPIRY_DATE};
  cp[3] = (check_pos){1, 29, MRZ_CHECK_COMPOSITE};
  return 4;
}

static size_t gen_td2_td3(gen_doc *d, size_t i, bool td3, truth *t, check_pos *cp) {
  const size_t len = td3 ? 44 : 36;
  const size_t opt_len = td3 ? 14 : 7;
  char num[10], birth[7], expiry[7];
  const char *issuer = pick_state();
  char *l1 = d->line[0], *l2 = d->line[1];
  fill(l1, len);
  fill(l2, len);
  put(l1, 2, pick_code(td3 ? MRZ_FORMAT_TD3 : MRZ_FORMAT_TD2, issuer));
  put(l1 + 2, 3, issuer);
  put_name(l1 + 5, len - 5);
  make_document_number(num, i);
  memcpy(l2, num, 9);
  l2[9] = check_over(l2, 9);
  put(l2 + 10, 3, pick_nationality(issuer));
  make_date(birth, 1935, 2020);
  memcpy(l2 + 13, birth, 6);
  l2[19] = check_over(l2 + 13, 6);
  l2[20] = make_sex();
  make_date(expiry, 2026, 2035);
  memcpy(l2 + 21, expiry, 6);
  l2[27] = check_over(l2 + 21, 6);
  size_t ncp = 0;
  cp[ncp++] = (check_pos){1, 9, MRZ_CHECK_DOCUMENT_NUMBER};
  cp[ncp++] = (check_pos){1, 19, MRZ_CHECK_BIRTH_DATE};
  cp[ncp++] = (check_pos){1, 27, MRZ_CHECK_EXPIRY_DATE};
  if (td3) {
    /* Personal number with its check digit, or unused: then Doc 9303 Part 4 allows '<' or '0' as
     * its check digit, and both occur on real passports. */
    unsigned r = rng_below(10);
    if (r < 5) {
      make_numeric(l2 + 28, 8 + rng_below(7));
      l2[42] = check_over(l2 + 28, 14);
      cp[ncp++] = (check_pos){1, 42, MRZ_CHECK_OPTIONAL_DATA};
    } else {
      l2[42] = r < 8 ? '<' : '0';
    }
  } else if (rng_below(4) == 0) {
    make_numeric(l2 + 28, 1 + rng_below((unsigned)opt_len));
  }
  const size_t comp_end = len - 1;
  const range comp[] = {{l2, 10}, {l2 + 13, 7}, {l2 + 21, comp_end - 21}};
  l2[comp_end] = check_over_ranges(comp, BM_COUNTOF(comp));
  cp[ncp++] = (check_pos){1, (int)comp_end, MRZ_CHECK_COMPOSITE};
  l1[len] = l2[len] = '\0';

  memcpy(t->document_number, num, sizeof t->document_number);
  t->document_number[strcspn(num, "<")] = '\0'; /* the parser drops fillers */
  memcpy(t->birth_raw, birth, 7);
  return ncp;
}

static void gen_set(doc_set *s, const fmt_spec *spec, size_t count) {
  s->spec = spec;
  s->count = count;
  s->stride = spec->nlines * spec->line_len;
  s->text = malloc(count * s->stride);
  s->truth = calloc(count, sizeof *s->truth);
  if (s->text == NULL || s->truth == NULL) {
    fprintf(stderr, "mrz_bench: out of memory for %zu documents\n", count);
    exit(2);
  }
  s->valid_expected = 0;
  for (size_t i = 0; i < count; i++) {
    gen_doc d;
    check_pos cp[MRZ_CHECK__COUNT];
    truth *t = &s->truth[i];
    size_t ncp = spec->format == MRZ_FORMAT_TD1
                     ? gen_td1(&d, i, t, cp)
                     : gen_td2_td3(&d, i, spec->format == MRZ_FORMAT_TD3, t, cp);
    t->checks_ok = spec->checks;
    t->valid = true;
    if (i % MRZ_BENCH_CORRUPT_EVERY == MRZ_BENCH_CORRUPT_EVERY - 1) {
      /* One check digit off by one. Every check digit lies inside the composite's ranges, with a
       * weight of 7, 3 or 1 - never 0 mod 10 - so corrupting any other digit breaks the composite
       * too. */
      const check_pos *c = &cp[rng_below((unsigned)ncp)];
      char *p = &d.line[c->line][c->col];
      *p = (char)('0' + (*p - '0' + 1) % 10);
      t->checks_ok &= (uint8_t) ~((1u << c->check) | (1u << MRZ_CHECK_COMPOSITE));
      t->valid = false;
    } else {
      s->valid_expected++;
    }
    for (size_t k = 0; k < spec->nlines; k++)
      memcpy(s->text + i * s->stride + k * spec->line_len, d.line[k], spec->line_len);
  }
}

/* ---- Checking and timing ---- */

static void doc_lines(const doc_set *s, size_t i, const char *lines[MRZ_LINES_MAX],
                      size_t lens[MRZ_LINES_MAX]) {
  const char *base = s->text + i * s->stride;
  for (size_t k = 0; k < s->spec->nlines; k++) {
    lines[k] = base + k * s->spec->line_len;
    lens[k] = s->spec->line_len;
  }
}

#define FNV_OFFSET 0xcbf29ce484222325ull
#define FNV_PRIME  0x100000001b3ull

static uint64_t fnv(uint64_t h, const void *p, size_t n) {
  const unsigned char *b = p;
  for (size_t k = 0; k < n; k++) h = (h ^ b[k]) * FNV_PRIME;
  return h;
}

/* The checksum tuple of one result: format, valid, document number (with its terminator so that
 * field boundaries cannot shift), raw birth date, checks_ok. */
static uint64_t fnv_result(uint64_t h, uint8_t format, bool valid, const char *docnum,
                           const char *birth_raw, uint8_t checks_ok) {
  uint8_t v = valid;
  h = fnv(h, &format, 1);
  h = fnv(h, &v, 1);
  h = fnv(h, docnum, strlen(docnum) + 1);
  h = fnv(h, birth_raw, 6);
  return fnv(h, &checks_ok, 1);
}

typedef struct verdict {
  size_t valid;
  size_t mismatches;
  uint64_t hash;
  uint64_t hash_expected;
} verdict;

static void show_mismatch(const doc_set *s, size_t i, bm_err rc, const mrz_doc *doc) {
  const truth *t = &s->truth[i];
  const char *base = s->text + i * s->stride;
  fprintf(stderr, "mrz_bench: %s document %zu: ", s->spec->name, i);
  for (size_t k = 0; k < s->spec->nlines; k++)
    fprintf(stderr, "%s%.*s", k ? "|" : "", (int)s->spec->line_len, base + k * s->spec->line_len);
  fprintf(stderr,
          "\n  expected: valid=%d document_number=%s birth=%s checks_ok=0x%02x\n"
          "  got:      rc=%d format=%s valid=%d document_number=%s birth=%s checks_ok=0x%02x\n",
          t->valid, t->document_number, t->birth_raw, t->checks_ok, (int)rc,
          mrz_format_name(doc->format), doc->valid, doc->document_number, doc->birth_date.raw,
          doc->checks_ok);
  for (size_t e = 0; e < doc->nerrors && e < MRZ_ERRORS_MAX; e++) {
    char msg[256];
    mrz_error_message(&doc->errors[e], msg, sizeof msg);
    fprintf(stderr, "  error: %s\n", msg);
  }
}

/* One untimed pass comparing every result with the generator's truth. */
static verdict verify(const doc_set *s, const mrz_opts *opts) {
  verdict v = {0, 0, FNV_OFFSET, FNV_OFFSET};
  for (size_t i = 0; i < s->count; i++) {
    const char *lines[MRZ_LINES_MAX];
    size_t lens[MRZ_LINES_MAX];
    mrz_doc doc;
    doc_lines(s, i, lines, lens);
    bm_err rc = mrz_parse(lines, lens, s->spec->nlines, opts, &doc);
    const truth *t = &s->truth[i];
    v.valid += doc.valid;
    v.hash = fnv_result(v.hash, (uint8_t)doc.format, doc.valid, doc.document_number,
                        doc.birth_date.raw, doc.checks_ok);
    v.hash_expected = fnv_result(v.hash_expected, (uint8_t)s->spec->format, t->valid,
                                 t->document_number, t->birth_raw, t->checks_ok);
    bool ok = rc == BM_OK && doc.format == s->spec->format && doc.valid == t->valid &&
              strcmp(doc.document_number, t->document_number) == 0 &&
              strcmp(doc.birth_date.raw, t->birth_raw) == 0 && doc.checks_ok == t->checks_ok;
    if (!ok && v.mismatches++ < MRZ_BENCH_MISMATCHES_SHOWN) show_mismatch(s, i, rc, &doc);
  }
  return v;
}

static double clock_seconds(clockid_t id) {
  struct timespec ts;
  clock_gettime(id, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Written once per format so the timed loop's results are observably used. */
static volatile uint64_t bench_sink;

typedef struct timing {
  uint64_t docs;
  uint64_t valid;
  double seconds;
  double cpu_share; /* thread CPU time / wall time: well below 1 means the machine was busy */
  double median;    /* documents/s of the median pass */
  double best;      /* documents/s of the fastest pass */
} timing;

#define MRZ_BENCH_PASSES_MAX 100000

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Whole passes over the set until at least `seconds` have gone by; the clock is read only between
 * passes so it costs nothing per document. Each pass is timed on its own: on a shared virtual
 * machine a neighbour's burst slows some passes, so the median pass rate is the robust figure (the
 * mean and the fastest pass are printed beside it). */
static timing time_parse(const doc_set *s, const mrz_opts *opts, double seconds) {
  timing tm = {0, 0, 0.0, 0.0, 0.0, 0.0};
  static double rates[MRZ_BENCH_PASSES_MAX];
  size_t npass = 0;
  uint64_t acc = 0;
  mrz_doc doc;
  const size_t nlines = s->spec->nlines;
  const double c0 = clock_seconds(CLOCK_THREAD_CPUTIME_ID);
  const double t0 = clock_seconds(CLOCK_MONOTONIC);
  double prev = t0;
  do {
    for (size_t i = 0; i < s->count; i++) {
      const char *lines[MRZ_LINES_MAX];
      size_t lens[MRZ_LINES_MAX];
      doc_lines(s, i, lines, lens);
      bm_err rc = mrz_parse(lines, lens, nlines, opts, &doc);
      /* Fold in what a caller would look at, so no part of the result is dead. */
      tm.valid += doc.valid;
      acc = acc * 31u + (uint64_t)rc + doc.checks_ok + (unsigned char)doc.document_number[0] +
            (unsigned char)doc.birth_date.raw[5];
    }
    tm.docs += s->count;
    double now = clock_seconds(CLOCK_MONOTONIC);
    if (npass < MRZ_BENCH_PASSES_MAX && now > prev)
      rates[npass++] = (double)s->count / (now - prev);
    prev = now;
    tm.seconds = now - t0;
  } while (tm.seconds < seconds);
  tm.cpu_share = (clock_seconds(CLOCK_THREAD_CPUTIME_ID) - c0) / tm.seconds;
  if (npass > 0) {
    qsort(rates, npass, sizeof rates[0], cmp_double);
    tm.median = rates[npass / 2];
    tm.best = rates[npass - 1];
  }
  bench_sink = acc;
  return tm;
}

/* ---- Peer files ---- */

static int write_docs(const char *dir, const doc_set *sets, size_t nsets) {
  char path[MRZ_BENCH_PATH_BYTES_MAX];
  for (size_t f = 0; f < nsets; f++) {
    const doc_set *s = &sets[f];
    snprintf(path, sizeof path, "%s/%s", dir, s->spec->file);
    FILE *fp = fopen(path, "w");
    if (fp == NULL) {
      fprintf(stderr, "mrz_bench: cannot write %s: %s\n", path, strerror(errno));
      return -1;
    }
    for (size_t i = 0; i < s->count; i++) {
      const char *base = s->text + i * s->stride;
      for (size_t k = 0; k < s->spec->nlines; k++) {
        if (k) fputc('|', fp);
        fwrite(base + k * s->spec->line_len, 1, s->spec->line_len, fp);
      }
      fputc('\n', fp);
    }
    if (fclose(fp) != 0) {
      fprintf(stderr, "mrz_bench: cannot write %s: %s\n", path, strerror(errno));
      return -1;
    }
  }
  snprintf(path, sizeof path, "%s/expected.json", dir);
  FILE *fp = fopen(path, "w");
  if (fp == NULL) {
    fprintf(stderr, "mrz_bench: cannot write %s: %s\n", path, strerror(errno));
    return -1;
  }
  fprintf(fp, "{\n  \"seed\": \"0x%016" PRIx64 "\",\n  \"corrupt_every\": %d,\n  \"formats\": {",
          (uint64_t)MRZ_BENCH_SEED, MRZ_BENCH_CORRUPT_EVERY);
  for (size_t f = 0; f < nsets; f++)
    fprintf(fp, "%s\n    \"%s\": {\"file\": \"%s\", \"documents\": %zu, \"valid\": %zu}",
            f ? "," : "", sets[f].spec->name, sets[f].spec->file, sets[f].count,
            sets[f].valid_expected);
  fprintf(fp, "\n  }\n}\n");
  if (fclose(fp) != 0) {
    fprintf(stderr, "mrz_bench: cannot write %s: %s\n", path, strerror(errno));
    return -1;
  }
  return 0;
}

/* ---- Command line ---- */

static void usage(FILE *fp) {
  fprintf(
      fp,
      "usage: mrz_bench [--count N] [--seconds S] [--write-docs DIR]\n"
      "  --count N         documents generated per format (default %d, max %d)\n"
      "  --seconds S       minimum timed duration per format (default %.1f)\n"
      "  --write-docs DIR  write td1.txt, td2.txt, td3.txt and expected.json for the npm peer\n",
      MRZ_BENCH_COUNT_DEFAULT, MRZ_BENCH_COUNT_MAX, MRZ_BENCH_SECONDS_DEFAULT);
}

int main(int argc, char **argv) {
  size_t count = MRZ_BENCH_COUNT_DEFAULT;
  double seconds = MRZ_BENCH_SECONDS_DEFAULT;
  const char *docs_dir = NULL;
  for (int a = 1; a < argc; a++) {
    const char *arg = argv[a];
    char *end = NULL;
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
      usage(stdout);
      return 0;
    } else if (strcmp(arg, "--count") == 0 && a + 1 < argc) {
      errno = 0;
      unsigned long long n = strtoull(argv[++a], &end, 10);
      if (errno || *end || n < 1 || n > MRZ_BENCH_COUNT_MAX) {
        fprintf(stderr, "mrz_bench: --count must be 1..%d\n", MRZ_BENCH_COUNT_MAX);
        return 2;
      }
      count = (size_t)n;
    } else if (strcmp(arg, "--seconds") == 0 && a + 1 < argc) {
      seconds = strtod(argv[++a], &end);
      if (*end || !(seconds > 0.0 && seconds <= MRZ_BENCH_SECONDS_MAX)) {
        fprintf(stderr, "mrz_bench: --seconds must be in (0, %.0f]\n", MRZ_BENCH_SECONDS_MAX);
        return 2;
      }
    } else if (strcmp(arg, "--write-docs") == 0 && a + 1 < argc) {
      docs_dir = argv[++a];
    } else {
      usage(stderr);
      return 2;
    }
  }

  doc_set sets[BM_COUNTOF(specs)];
  for (size_t f = 0; f < BM_COUNTOF(specs); f++) gen_set(&sets[f], &specs[f], count);
  if (docs_dir && write_docs(docs_dir, sets, BM_COUNTOF(sets)) != 0) return 2;

  const mrz_opts opts = {.flags = 0, .today = bench_today};
  int status = 0;
  printf("mrz_bench: mrz_parse (parse + full validation), single thread, %zu documents per format, "
         "1 in %d corrupted, >= %g s per format; docs/s is the median pass\n",
         count, MRZ_BENCH_CORRUPT_EVERY, seconds);
  printf("%-6s %10s %12s %8s %10s %10s  %-18s %-7s %4s %12s %12s\n", "format", "documents",
         "docs/s", "ns/doc", "valid", "expected", "checksum", "verdict", "cpu", "mean/s", "best/s");
  for (size_t f = 0; f < BM_COUNTOF(sets); f++) {
    const doc_set *s = &sets[f];
    verdict v = verify(s, &opts);
    timing tm = time_parse(s, &opts, seconds);
    uint64_t passes = tm.docs / s->count;
    bool ok = v.mismatches == 0 && v.valid == s->valid_expected && v.hash == v.hash_expected &&
              tm.valid == passes * s->valid_expected;
    double mean = (double)tm.docs / tm.seconds, rate = tm.median > 0 ? tm.median : mean;
    printf("%-6s %10zu %12.0f %8.1f %10zu %10zu  %016" PRIx64 "   %-7s %3.0f%% %12.0f %12.0f\n",
           s->spec->name, s->count, rate, 1e9 / rate, v.valid, s->valid_expected, v.hash,
           ok ? "OK" : "FAIL", 100.0 * tm.cpu_share, mean, tm.best);
    if (!ok) {
      fprintf(stderr,
              "mrz_bench: %s verification FAILED: %zu valid (expected %zu), %zu documents differ "
              "from the generator, checksum %016" PRIx64 " (expected %016" PRIx64
              "), timed passes saw %" PRIu64 " valid (expected %" PRIu64 ")\n",
              s->spec->name, v.valid, s->valid_expected, v.mismatches, v.hash, v.hash_expected,
              tm.valid, passes * s->valid_expected);
      status = 1;
    }
  }
  for (size_t f = 0; f < BM_COUNTOF(sets); f++) {
    free(sets[f].text);
    free(sets[f].truth);
  }
  return status;
}
