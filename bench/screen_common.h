/* screen_common.h - readers and deterministic generators shared by the two screening benchmarks,
 * bench/screen_eval_bench.c (quality) and bench/screen_bench.c (speed).
 *
 * CMake builds every bench/ *_bench.c file as an executable of one source file, so shared code
 * lives in this header as static inline functions (inline only so that a program that does not call
 * one of them gets no unused-function warning).
 *
 * Everything here is independent of the code under test on purpose: the benchmarks classify
 * scripts, parse dates and split names themselves, so their bookkeeping does not inherit the
 * matcher's bugs. The only library calls are wl_country_code (a country name of the yente fixtures
 * to alpha-3) and the list accessors.
 */
#ifndef BMIS_BENCH_SCREEN_COMMON_H
#define BMIS_BENCH_SCREEN_COMMON_H

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bmis/screen.h"
#include "bmis/watchlist.h"

#define SC_NAME_BYTES_MAX 512 /* a generated name; list names longer than this are not varied */
#define SC_TOKENS_MAX     16  /* tokens of a name the generators work on */
#define SC_PATH_BYTES_MAX 4096

/* ---- Small utilities ---- */

static inline void sc_die(const char *what) {
  fprintf(stderr, "screen bench: %s\n", what);
  exit(2);
}

static inline void *sc_xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (p == NULL) sc_die("out of memory");
  return p;
}

static inline void *sc_xcalloc(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size ? size : 1);
  if (p == NULL) sc_die("out of memory");
  return p;
}

static inline void *sc_xrealloc(void *p, size_t n) {
  p = realloc(p, n ? n : 1);
  if (p == NULL) sc_die("out of memory");
  return p;
}

static inline double sc_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

#define SC_FNV_OFFSET 0xcbf29ce484222325ull
#define SC_FNV_PRIME  0x100000001b3ull

static inline uint64_t sc_fnv(uint64_t h, const void *p, size_t n) {
  const unsigned char *b = p;
  for (size_t k = 0; k < n; k++) h = (h ^ b[k]) * SC_FNV_PRIME;
  return h;
}

/* xorshift64*: reproducible across libcs (rand() is not); one state per stream so that adding a
 * stream never shifts another one's numbers. */
typedef struct sc_rng {
  uint64_t s;
} sc_rng;

static inline sc_rng sc_rng_seed(uint64_t seed) {
  sc_rng r = {seed ? seed : 0x9E3779B97F4A7C15ull};
  return r;
}

static inline uint64_t sc_rng_next(sc_rng *r) {
  r->s ^= r->s >> 12;
  r->s ^= r->s << 25;
  r->s ^= r->s >> 27;
  return r->s * 0x2545F4914F6CDD1Dull;
}

static inline unsigned sc_rng_below(sc_rng *r, unsigned n) {
  return n ? (unsigned)((sc_rng_next(r) >> 32) % n) : 0;
}

/* A string pool: strings live until sc_pool_free, in chunks so that pointers stay valid. */
typedef struct sc_pool {
  char **chunks;
  size_t nchunks, cap_chunks;
  size_t used, chunk_size;
} sc_pool;

#define SC_POOL_CHUNK_BYTES (1u << 20)

static inline char *sc_pool_alloc(sc_pool *p, size_t n) {
  if (p->nchunks == 0 || p->used + n > p->chunk_size) {
    size_t size = n > SC_POOL_CHUNK_BYTES ? n : SC_POOL_CHUNK_BYTES;
    if (p->nchunks == p->cap_chunks) {
      p->cap_chunks = p->cap_chunks ? 2 * p->cap_chunks : 16;
      p->chunks = sc_xrealloc(p->chunks, p->cap_chunks * sizeof *p->chunks);
    }
    p->chunks[p->nchunks++] = sc_xmalloc(size);
    p->used = 0;
    p->chunk_size = size;
  }
  char *s = p->chunks[p->nchunks - 1] + p->used;
  p->used += n;
  return s;
}

static inline const char *sc_pool_strndup(sc_pool *p, const char *s, size_t n) {
  char *d = sc_pool_alloc(p, n + 1);
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

static inline const char *sc_pool_strdup(sc_pool *p, const char *s) {
  return sc_pool_strndup(p, s, strlen(s));
}

static inline void sc_pool_free(sc_pool *p) {
  for (size_t i = 0; i < p->nchunks; i++) free(p->chunks[i]);
  free(p->chunks);
  memset(p, 0, sizeof *p);
}

/* Whole file, NUL-terminated; NULL (message printed) when unreadable. */
static inline char *sc_read_file(const char *path, size_t *len_out) {
  FILE *fp = fopen(path, "rb");
  if (fp == NULL) {
    fprintf(stderr, "screen bench: cannot read %s: %s\n", path, strerror(errno));
    return NULL;
  }
  size_t cap = 1u << 16, len = 0;
  char *buf = sc_xmalloc(cap);
  size_t n;
  while ((n = fread(buf + len, 1, cap - len - 1, fp)) > 0) {
    len += n;
    if (cap - len - 1 == 0) buf = sc_xrealloc(buf, cap *= 2);
  }
  bool err = ferror(fp);
  fclose(fp);
  if (err) {
    fprintf(stderr, "screen bench: error reading %s\n", path);
    free(buf);
    return NULL;
  }
  buf[len] = '\0';
  if (len_out) *len_out = len;
  return buf;
}

/* Copies the string src into dst of cap bytes, cut to fit; src may lie in the same array as dst
 * (another row of a token table), which snprintf's restrict contract does not allow. */
static inline void sc_copy(char *dst, size_t cap, const char *src) {
  size_t n = strlen(src);
  if (n >= cap) n = cap - 1;
  memmove(dst, src, n);
  dst[n] = '\0';
}

static inline void sc_path(char *out, const char *dir, const char *rel) {
  int n = snprintf(out, SC_PATH_BYTES_MAX, "%s/%s", dir, rel);
  if (n < 0 || n >= SC_PATH_BYTES_MAX) sc_die("path too long");
}

/* ---- CSV (RFC 4180: quoted fields, "" inside quotes, line breaks inside quotes) ---- */

/* All rows of a file, header included; cells point into buf, unescaped in place. */
typedef struct sc_table {
  char *buf;
  char **cells;
  size_t ncells, cap_cells;
  size_t *row_start; /* nrows + 1 entries: row r has cells [row_start[r], row_start[r + 1]) */
  size_t nrows, cap_rows;
} sc_table;

static inline void sc_table_push_cell(sc_table *t, char *cell) {
  if (t->ncells == t->cap_cells) {
    t->cap_cells = t->cap_cells ? 2 * t->cap_cells : 1024;
    t->cells = sc_xrealloc(t->cells, t->cap_cells * sizeof *t->cells);
  }
  t->cells[t->ncells++] = cell;
}

static inline void sc_table_end_row(sc_table *t) {
  if (t->nrows + 2 > t->cap_rows) {
    t->cap_rows = t->cap_rows ? 2 * t->cap_rows : 1024;
    t->row_start = sc_xrealloc(t->row_start, t->cap_rows * sizeof *t->row_start);
  }
  t->row_start[++t->nrows] = t->ncells;
}

/* Returns 0, or -1 when the file cannot be read. Empty lines are skipped; a trailing 0x1A (DOS end
 * of file, seen in OFAC exports) is ignored. */
static inline int sc_csv_load(const char *path, sc_table *t) {
  memset(t, 0, sizeof *t);
  size_t len;
  t->buf = sc_read_file(path, &len);
  if (t->buf == NULL) return -1;
  t->cap_rows = 1024;
  t->row_start = sc_xmalloc(t->cap_rows * sizeof *t->row_start);
  t->row_start[0] = 0;
  char *p = t->buf, *end = t->buf + len;
  if (end - p >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3; /* BOM */
  while (p < end) {
    if (*p == '\n' || *p == '\r' || *p == 0x1A) {
      p++;
      continue;
    }
    for (;;) { /* one cell */
      char *cell = p, *w = p;
      if (*p == '"') {
        p++;
        while (p < end) {
          if (*p == '"' && p + 1 < end && p[1] == '"') {
            *w++ = '"';
            p += 2;
          } else if (*p == '"') {
            p++;
            break;
          } else {
            *w++ = *p++;
          }
        }
        while (p < end && *p != ',' && *p != '\n' && *p != '\r') *w++ = *p++; /* junk after " */
      } else {
        while (p < end && *p != ',' && *p != '\n' && *p != '\r') w++, p++;
      }
      char sep = p < end ? *p : '\n';
      *w = '\0'; /* w <= p, and *p is the separator we already saved */
      sc_table_push_cell(t, cell);
      if (p < end) p++;
      if (sep != ',') break;
    }
    sc_table_end_row(t);
  }
  return 0;
}

static inline size_t sc_table_width(const sc_table *t, size_t row) {
  return t->row_start[row + 1] - t->row_start[row];
}

static inline const char *sc_cell(const sc_table *t, size_t row, size_t col) {
  return col < sc_table_width(t, row) ? t->cells[t->row_start[row] + col] : "";
}

/* Column index of a header name, or -1. */
static inline int sc_column(const sc_table *t, const char *name) {
  if (t->nrows == 0) return -1;
  for (size_t c = 0; c < sc_table_width(t, 0); c++)
    if (strcmp(sc_cell(t, 0, c), name) == 0) return (int)c;
  return -1;
}

static inline void sc_table_free(sc_table *t) {
  free(t->buf);
  free(t->cells);
  free(t->row_start);
  memset(t, 0, sizeof *t);
}

/* ---- UTF-8 and scripts ---- */

/* Decodes one code point at *p (advancing it); malformed bytes come back as U+FFFD, one byte. */
static inline uint32_t sc_utf8_next(const char **pp, const char *end) {
  const unsigned char *p = (const unsigned char *)*pp;
  uint32_t c = p[0];
  size_t n = 1;
  if (c >= 0xF0 && (const char *)p + 3 < end && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80 &&
      (p[3] & 0xC0) == 0x80) {
    c = ((c & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) | ((p[2] & 0x3Fu) << 6) | (p[3] & 0x3Fu);
    n = 4;
  } else if (c >= 0xE0 && c < 0xF0 && (const char *)p + 2 < end && (p[1] & 0xC0) == 0x80 &&
             (p[2] & 0xC0) == 0x80) {
    c = ((c & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
    n = 3;
  } else if (c >= 0xC0 && c < 0xE0 && (const char *)p + 1 < end && (p[1] & 0xC0) == 0x80) {
    c = ((c & 0x1Fu) << 6) | (p[1] & 0x3Fu);
    n = 2;
  } else if (c >= 0x80) {
    c = 0xFFFD;
  }
  *pp += n;
  return c;
}

/* The scripts reported separately. Indic covers Devanagari to Sinhala (the yente negatives hold
 * Hindi, Bengali, Tamil... names); Japanese names with any kana count as kana. */
typedef enum sc_script {
  SC_SCRIPT_LATIN = 0,
  SC_SCRIPT_CYRILLIC,
  SC_SCRIPT_GREEK,
  SC_SCRIPT_ARABIC,
  SC_SCRIPT_HEBREW,
  SC_SCRIPT_HAN,
  SC_SCRIPT_HANGUL,
  SC_SCRIPT_KANA,
  SC_SCRIPT_INDIC,
  SC_SCRIPT_THAI,
  SC_SCRIPT_OTHER,
  SC_SCRIPT_NONE,
  SC_SCRIPT__COUNT
} sc_script;

static const char *const sc_script_names[SC_SCRIPT__COUNT] = {
    "latin",  "cyrillic", "greek", "arabic", "hebrew", "han",
    "hangul", "kana",     "indic", "thai",   "other",  "none"};

static inline sc_script sc_script_of_cp(uint32_t c) {
  if (c < 0x80) return isalpha((int)c) ? SC_SCRIPT_LATIN : SC_SCRIPT_NONE;
  if (c >= 0xC0 && c < 0x250 && c != 0xD7 && c != 0xF7) return SC_SCRIPT_LATIN;
  if (c >= 0x1E00 && c < 0x1F00) return SC_SCRIPT_LATIN;
  if (c >= 0x370 && c < 0x400) return SC_SCRIPT_GREEK;
  if (c >= 0x400 && c < 0x530) return SC_SCRIPT_CYRILLIC;
  if (c >= 0x590 && c < 0x600) return SC_SCRIPT_HEBREW;
  if ((c >= 0x600 && c < 0x700) || (c >= 0x750 && c < 0x780) || (c >= 0xFB50 && c < 0xFE00) ||
      (c >= 0xFE70 && c < 0xFF00))
    return SC_SCRIPT_ARABIC;
  if (c >= 0x900 && c < 0xE00) return SC_SCRIPT_INDIC;
  if (c >= 0xE00 && c < 0xE80) return SC_SCRIPT_THAI;
  if ((c >= 0x3040 && c < 0x3100) || (c >= 0x31F0 && c < 0x3200) || (c >= 0xFF66 && c < 0xFFA0))
    return SC_SCRIPT_KANA;
  if ((c >= 0x1100 && c < 0x1200) || (c >= 0xAC00 && c < 0xD7B0) || (c >= 0x3130 && c < 0x3190))
    return SC_SCRIPT_HANGUL;
  if ((c >= 0x4E00 && c < 0xA000) || (c >= 0x3400 && c < 0x4DC0) || (c >= 0xF900 && c < 0xFB00))
    return SC_SCRIPT_HAN;
  if (c == 0x30FC || c == 0x30FB || c == 0x2019 || c == 0x2018 || c == 0x2BC || c == 0x2BF ||
      c == 0x2BE || c == 0xFFFD || c < 0xC0 || (c >= 0x2000 && c < 0x2070) ||
      (c >= 0x300 && c < 0x370))
    return SC_SCRIPT_NONE; /* punctuation, combining marks */
  return SC_SCRIPT_OTHER;
}

/* The dominant script of a name by letter count (kana anywhere wins: kanji + kana is Japanese). */
static inline sc_script sc_script_of(const char *s) {
  size_t count[SC_SCRIPT__COUNT] = {0};
  const char *end = s + strlen(s);
  while (s < end) count[sc_script_of_cp(sc_utf8_next(&s, end))]++;
  if (count[SC_SCRIPT_KANA]) return SC_SCRIPT_KANA;
  sc_script best = SC_SCRIPT_NONE;
  size_t most = 0;
  for (int k = 0; k < SC_SCRIPT_NONE; k++)
    if (count[k] > most) most = count[k], best = (sc_script)k;
  return best;
}

static inline bool sc_is_ascii(const char *s) {
  for (; *s; s++)
    if ((unsigned char)*s >= 0x80) return false;
  return true;
}

/* ---- Dates ---- */

/* "YYYY", "YYYY-MM" or "YYYY-MM-DD", months and days of one or two digits (the treated yente
 * positives write "1969-7-16"). Returns 0 for a valid date, 1 when only a prefix was usable (the
 * treated file also has "1974-01-32": the year and month are kept), -1 when there is no year. */
static inline int sc_days_in_month(int y, int m);

static inline int sc_date_parse(const char *s, wl_date *out) {
  memset(out, 0, sizeof *out);
  for (int k = 0; k < 4; k++)
    if (!isdigit((unsigned char)s[k])) return -1;
  out->year = out->year_to = (int16_t)atoi(s);
  s += 4;
  int parts[2] = {0, 0}, n = 0;
  while (n < 2 && *s == '-' && isdigit((unsigned char)s[1])) {
    s++;
    int v = 0, digits = 0;
    while (isdigit((unsigned char)*s) && digits < 3) v = v * 10 + (*s++ - '0'), digits++;
    parts[n++] = v;
  }
  if (n >= 1) {
    if (parts[0] < 1 || parts[0] > 12) return 1;
    out->month = (uint8_t)parts[0];
  }
  if (n == 2) {
    if (parts[1] < 1 || parts[1] > sc_days_in_month(out->year, out->month)) return 1;
    out->day = (uint8_t)parts[1];
  }
  return 0;
}

static inline int sc_days_in_month(int y, int m) {
  static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
  return dm[(m - 1) % 12];
}

/* The full date of birth a traveller's passport would carry for a listed person whose list date is
 * d: a full list date is kept, a year, year-month or range gets the missing parts drawn at random
 * (the MRZ always has a full date). year 0 stays unknown. */
static inline wl_date sc_traveller_dob(sc_rng *r, const wl_date *d) {
  wl_date out = {0, 0, 0, 0};
  if (d == NULL || d->year == 0) return out;
  int span = d->year_to > d->year ? d->year_to - d->year + 1 : 1;
  out.year = out.year_to = (int16_t)(d->year + (int)sc_rng_below(r, (unsigned)span));
  out.month = d->month && span == 1 ? d->month : (uint8_t)(1 + sc_rng_below(r, 12));
  out.day = d->day && span == 1 && d->month
                ? d->day
                : (uint8_t)(1 + sc_rng_below(r, (unsigned)sc_days_in_month(out.year, out.month)));
  return out;
}

/* ---- Countries ---- */

/* wl_country_code for a fixture's country ("Iraq", "af"): alpha-2 codes are upper-cased first since
 * the yente positives write them in lower case. NULL when unknown. */
static inline const char *sc_country(const char *s) {
  char up[64];
  size_t n = strlen(s);
  if (n == 0 || n >= sizeof up) return NULL;
  if (n <= 3) {
    for (size_t k = 0; k < n; k++) up[k] = (char)toupper((unsigned char)s[k]);
    up[n] = '\0';
    s = up;
  }
  return wl_country_code(s, n);
}

/* ---- The yente synthetic travellers (true negatives) ---- */

typedef struct sc_person {
  const char *name; /* full_name */
  const char *first, *middle, *last;
  wl_date dob;
  const char *nationality; /* alpha-3 or NULL */
  char sex;
  sc_script script;
} sc_person;

typedef struct sc_people {
  sc_person *v;
  size_t n;
  size_t unknown_countries; /* nationality given but not resolved by wl_country_code */
  size_t bad_dates;
  sc_table tables[2];
} sc_people;

/* Appends the rows of a yente fixture CSV (full_name, first_name, middle_name, last_name, gender,
 * date_of_birth, place_of_birth, nationality). Returns rows read, or -1. */
static inline long sc_people_load(sc_people *pp, int slot, const char *path) {
  sc_table *t = &pp->tables[slot];
  if (sc_csv_load(path, t) != 0) return -1;
  int c_name = sc_column(t, "full_name"), c_first = sc_column(t, "first_name"),
      c_mid = sc_column(t, "middle_name"), c_last = sc_column(t, "last_name"),
      c_sex = sc_column(t, "gender"), c_dob = sc_column(t, "date_of_birth"),
      c_nat = sc_column(t, "nationality");
  if (c_name < 0 || c_dob < 0 || c_nat < 0) {
    fprintf(stderr, "screen bench: %s: not a yente fixture (header)\n", path);
    return -1;
  }
  size_t rows = t->nrows ? t->nrows - 1 : 0;
  pp->v = sc_xrealloc(pp->v, (pp->n + rows) * sizeof *pp->v);
  for (size_t r = 1; r < t->nrows; r++) {
    sc_person *p = &pp->v[pp->n++];
    p->name = sc_cell(t, r, (size_t)c_name);
    p->first = c_first >= 0 ? sc_cell(t, r, (size_t)c_first) : "";
    p->middle = c_mid >= 0 ? sc_cell(t, r, (size_t)c_mid) : "";
    p->last = c_last >= 0 ? sc_cell(t, r, (size_t)c_last) : "";
    const char *g = c_sex >= 0 ? sc_cell(t, r, (size_t)c_sex) : "";
    p->sex = g[0] == 'm' || g[0] == 'M' ? 'M' : g[0] == 'f' || g[0] == 'F' ? 'F' : 0;
    const char *d = sc_cell(t, r, (size_t)c_dob);
    if (d[0] && sc_date_parse(d, &p->dob) != 0) pp->bad_dates++;
    const char *nat = sc_cell(t, r, (size_t)c_nat);
    p->nationality = nat[0] ? sc_country(nat) : NULL;
    if (nat[0] && p->nationality == NULL) pp->unknown_countries++;
    p->script = sc_script_of(p->name);
  }
  return (long)rows;
}

static inline void sc_people_free(sc_people *pp) {
  free(pp->v);
  sc_table_free(&pp->tables[0]);
  sc_table_free(&pp->tables[1]);
  memset(pp, 0, sizeof *pp);
}

static inline wl_query sc_person_query(const sc_person *p) {
  wl_query q;
  memset(&q, 0, sizeof q);
  q.name = p->name;
  q.birth = p->dob;
  q.nationality = p->nationality;
  q.sex = p->sex;
  return q;
}

/* ---- Name variants (the planted positives) ---- */

typedef enum sc_kind {
  SC_KIND_EXACT =
      0,            /* the list name as a traveller would give it (given names first, upper case) */
  SC_KIND_TYPO1,    /* one edit: substitution, deletion, insertion or transposition */
  SC_KIND_TYPO2,    /* two edits */
  SC_KIND_DROP,     /* a middle name dropped */
  SC_KIND_REORDER,  /* surname first, or the whole name reversed */
  SC_KIND_TRANSLIT, /* another romanisation: KH/H, OU/U, Y/I, J/Y, IA/YA, TS/C, ... */
  SC_KIND_DIACRITICS, /* marks added (JOSÉ) or removed */
  SC_KIND_CONCAT,     /* ABDUL RAHMAN / ABDULRAHMAN: tokens joined or split */
  SC_KIND__COUNT
} sc_kind;

static const char *const sc_kind_names[SC_KIND__COUNT] = {
    "exact", "typo1", "typo2", "drop_middle", "reorder", "translit", "diacritics", "concat"};

typedef struct sc_toks {
  char t[SC_TOKENS_MAX][SC_NAME_BYTES_MAX];
  unsigned n;
} sc_toks;

/* Splits a list name into upper-case tokens in traveller order: "NORIEGA, Manuel Antonio" becomes
 * MANUEL ANTONIO NORIEGA (OFAC writes the surname first before a comma). Dots, brackets and quotes
 * are dropped; hyphens and apostrophes stay inside tokens. Returns false for names the generators
 * should not vary (not Latin, too long, no tokens). */
static inline bool sc_toks_split(const char *name, sc_toks *out) {
  out->n = 0;
  if (strlen(name) >= SC_NAME_BYTES_MAX || sc_script_of(name) != SC_SCRIPT_LATIN) return false;
  char buf[SC_NAME_BYTES_MAX];
  const char *comma = strchr(name, ',');
  if (comma) /* "LAST, First" -> "First LAST"; a second comma is just a separator */
    snprintf(buf, sizeof buf, "%s %.*s", comma + 1, (int)(comma - name), name);
  else
    snprintf(buf, sizeof buf, "%s", name);
  char *p = buf;
  while (*p) {
    while (*p == ' ' || *p == ',' || *p == '\t') p++;
    if (!*p) break;
    char *w = out->t[out->n];
    size_t len = 0;
    while (*p && *p != ' ' && *p != ',' && *p != '\t') {
      char c = *p++;
      if (c == '.' || c == '(' || c == ')' || c == '"' || c == ';' || c == ':') continue;
      if (len + 1 < SC_NAME_BYTES_MAX) w[len++] = (char)toupper((unsigned char)c);
    }
    w[len] = '\0';
    if (len > 0 && out->n + 1 < SC_TOKENS_MAX) out->n++;
  }
  return out->n > 0;
}

static inline void sc_toks_join(const sc_toks *t, char *out, size_t cap) {
  size_t len = 0;
  out[0] = '\0';
  for (unsigned i = 0; i < t->n; i++) {
    int n = snprintf(out + len, cap - len, "%s%s", i ? " " : "", t->t[i]);
    if (n < 0 || (size_t)n >= cap - len) break;
    len += (size_t)n;
  }
}

static inline bool sc_ascii_upper_token(const char *s) {
  for (; *s; s++)
    if (!(*s >= 'A' && *s <= 'Z')) return false;
  return true;
}

static inline bool sc_vowel(char c) {
  return c == 'A' || c == 'E' || c == 'I' || c == 'O' || c == 'U';
}

/* One edit in token s (A-Z only, length >= 4). Substitutions keep vowels vowels half of the time
 * (the common misspelling), insertions double a neighbour half of the time (dropped/added double
 * letters); never returns the token unchanged. */
static inline void sc_edit(sc_rng *r, char *s) {
  static const char vowels[] = "AEIOU";
  size_t len = strlen(s);
  for (;;) {
    unsigned op = sc_rng_below(r, 4);
    size_t pos = sc_rng_below(r, (unsigned)len);
    char before[SC_NAME_BYTES_MAX];
    memcpy(before, s, len + 1);
    if (op == 0) { /* substitution */
      char c;
      if (sc_vowel(s[pos]) && sc_rng_below(r, 2))
        c = vowels[sc_rng_below(r, 5)];
      else
        c = (char)('A' + sc_rng_below(r, 26));
      s[pos] = c;
    } else if (op == 1) { /* deletion */
      memmove(s + pos, s + pos + 1, len - pos);
    } else if (op == 2) { /* insertion before pos */
      if (len + 2 >= SC_NAME_BYTES_MAX) continue;
      char c = sc_rng_below(r, 2) ? s[pos] : (char)('A' + sc_rng_below(r, 26));
      memmove(s + pos + 1, s + pos, len - pos + 1);
      s[pos] = c;
    } else { /* transposition of pos and pos + 1 */
      if (pos + 1 >= len) continue;
      char c = s[pos];
      s[pos] = s[pos + 1];
      s[pos + 1] = c;
    }
    if (strcmp(before, s) != 0) return;
  }
}

/* Romanisation pairs seen between Doc 9303, ISO 9, BGN/PCGN, French and German spellings of
 * Cyrillic, Arabic and Persian names. Each is applied in the direction written. */
static const char *const sc_translit_rules[][2] = {
    {"KH", "H"},   {"H", "KH"},   {"OU", "U"},   {"U", "OU"},  {"Y", "I"},   {"I", "Y"},
    {"J", "Y"},    {"Y", "J"},    {"DJ", "J"},   {"J", "DJ"},  {"ZH", "J"},  {"ZH", "Z"},
    {"IA", "YA"},  {"YA", "IA"},  {"IU", "YU"},  {"YU", "IU"}, {"TS", "C"},  {"TS", "TZ"},
    {"CH", "TCH"}, {"SH", "SCH"}, {"SH", "CH"},  {"Q", "K"},   {"K", "Q"},   {"W", "V"},
    {"V", "W"},    {"PH", "F"},   {"F", "PH"},   {"EE", "I"},  {"OO", "U"},  {"X", "KS"},
    {"E", "A"},    {"A", "E"},    {"O", "U"},    {"U", "O"},   {"EI", "EY"}, {"AI", "AY"},
    {"DH", "D"},   {"TH", "T"},   {"GH", "G"},   {"MM", "M"},  {"SS", "S"},  {"LL", "L"},
    {"DD", "D"},   {"OV", "OFF"}, {"EV", "EFF"}, {"IY", "Y"},  {"IY", "II"}, {"G", "Q"},
};

/* Applies one romanisation rule at a random place where one applies; false when none does. */
static inline bool sc_translit_once(sc_rng *r, sc_toks *t) {
  unsigned candidates = 0;
  for (unsigned i = 0; i < t->n; i++) {
    if (!sc_ascii_upper_token(t->t[i])) continue;
    for (size_t k = 0; k < sizeof sc_translit_rules / sizeof sc_translit_rules[0]; k++)
      for (const char *p = t->t[i]; (p = strstr(p, sc_translit_rules[k][0])) != NULL; p++)
        candidates++;
  }
  if (candidates == 0) return false;
  unsigned pick = sc_rng_below(r, candidates);
  for (unsigned i = 0; i < t->n; i++) {
    if (!sc_ascii_upper_token(t->t[i])) continue;
    for (size_t k = 0; k < sizeof sc_translit_rules / sizeof sc_translit_rules[0]; k++) {
      const char *from = sc_translit_rules[k][0], *to = sc_translit_rules[k][1];
      for (char *p = t->t[i]; (p = strstr(p, from)) != NULL; p++) {
        if (pick-- > 0) continue;
        size_t flen = strlen(from), tlen = strlen(to), rest = strlen(p + flen);
        if ((size_t)(p - t->t[i]) + tlen + rest + 1 > SC_NAME_BYTES_MAX) return false;
        memmove(p + tlen, p + flen, rest + 1);
        memcpy(p, to, tlen);
        return true;
      }
    }
  }
  return false;
}

/* Upper-case letters with a mark, as UTF-8, for the letters that take one in names. */
static const char *const sc_marked[][4] = {
    {"A", "\xC3\x81", "\xC3\x84", "\xC3\x82"}, /* Á Ä Â */
    {"E", "\xC3\x89", "\xC3\x88", "\xC3\x8B"}, /* É È Ë */
    {"I", "\xC3\x8D", "\xC3\x8F", "\xC3\x8E"}, /* Í Ï Î */
    {"O", "\xC3\x93", "\xC3\x96", "\xC3\x94"}, /* Ó Ö Ô */
    {"U", "\xC3\x9A", "\xC3\x9C", "\xC3\x9B"}, /* Ú Ü Û */
    {"C", "\xC3\x87", "\xC4\x8C", "\xC4\x86"}, /* Ç Č Ć */
    {"N", "\xC3\x91", "\xC5\x87", "\xC5\x83"}, /* Ñ Ň Ń */
    {"S", "\xC5\xA0", "\xC5\x9E", "\xC5\x9A"}, /* Š Ş Ś */
    {"Z", "\xC5\xBD", "\xC5\xBB", "\xC5\xB9"}, /* Ž Ż Ź */
    {"G", "\xC4\x9E", "\xC4\x9E", "\xC4\x9E"}, /* Ğ */
};

/* Base letter of a Latin letter with a mark (U+00C0..U+017F), or 0. */
static inline const char *sc_unmark(uint32_t c) {
  static const char *const latin1[64] = {
      "A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E", "I", "I", "I",  "I",
      "D", "N", "O", "O", "O", "O", "O",  "",  "O", "U", "U", "U", "U", "Y", "TH", "SS",
      "A", "A", "A", "A", "A", "A", "AE", "C", "E", "E", "E", "E", "I", "I", "I",  "I",
      "D", "N", "O", "O", "O", "O", "O",  "",  "O", "U", "U", "U", "U", "Y", "TH", "Y"};
  /* Latin Extended-A in runs: [first, last] -> base. */
  static const struct {
    uint16_t lo, hi;
    const char *base;
  } ext[] = {{0x100, 0x105, "A"}, {0x106, 0x10D, "C"},  {0x10E, 0x111, "D"}, {0x112, 0x11B, "E"},
             {0x11C, 0x123, "G"}, {0x124, 0x127, "H"},  {0x128, 0x131, "I"}, {0x132, 0x133, "IJ"},
             {0x134, 0x135, "J"}, {0x136, 0x138, "K"},  {0x139, 0x142, "L"}, {0x143, 0x14B, "N"},
             {0x14C, 0x151, "O"}, {0x152, 0x153, "OE"}, {0x154, 0x159, "R"}, {0x15A, 0x161, "S"},
             {0x162, 0x167, "T"}, {0x168, 0x173, "U"},  {0x174, 0x175, "W"}, {0x176, 0x178, "Y"},
             {0x179, 0x17E, "Z"}, {0x17F, 0x17F, "S"}};
  if (c >= 0xC0 && c < 0x100) return latin1[c - 0xC0][0] ? latin1[c - 0xC0] : NULL;
  for (size_t k = 0; k < sizeof ext / sizeof ext[0]; k++)
    if (c >= ext[k].lo && c <= ext[k].hi) return ext[k].base;
  return NULL;
}

/* Removes marks from every token (true if anything changed), or adds marks to one or two letters.
 */
static inline bool sc_diacritics(sc_rng *r, sc_toks *t) {
  bool removed = false;
  for (unsigned i = 0; i < t->n; i++) {
    if (sc_is_ascii(t->t[i])) continue;
    char out[SC_NAME_BYTES_MAX];
    size_t len = 0;
    const char *p = t->t[i], *end = p + strlen(p);
    while (p < end) {
      const char *start = p;
      uint32_t c = sc_utf8_next(&p, end);
      const char *base = c >= 0x80 ? sc_unmark(c) : NULL;
      const char *src = base ? base : start;
      size_t n = base ? strlen(base) : (size_t)(p - start);
      if (len + n + 1 > sizeof out) break;
      for (size_t k = 0; k < n; k++) out[len++] = (char)toupper((unsigned char)src[k]);
      removed |= base != NULL;
    }
    out[len] = '\0';
    memcpy(t->t[i], out, len + 1);
  }
  if (removed) return true;
  unsigned marks = 1 + sc_rng_below(r, 2), added = 0;
  for (unsigned tries = 0; tries < 40 && added < marks; tries++) {
    unsigned i = sc_rng_below(r, t->n);
    size_t len = strlen(t->t[i]);
    if (len == 0 || !sc_ascii_upper_token(t->t[i])) continue;
    size_t pos = sc_rng_below(r, (unsigned)len);
    for (size_t k = 0; k < sizeof sc_marked / sizeof sc_marked[0]; k++) {
      if (t->t[i][pos] != sc_marked[k][0][0]) continue;
      const char *m = sc_marked[k][1 + sc_rng_below(r, 3)];
      if (len + 2 >= SC_NAME_BYTES_MAX) break;
      memmove(t->t[i] + pos + 2, t->t[i] + pos + 1, len - pos); /* 1 byte becomes 2 */
      memcpy(t->t[i] + pos, m, 2);
      added++;
      break;
    }
  }
  return added > 0;
}

/* Particles written together with or apart from the next name (Arabic and Persian compound names,
 * Romance and Germanic particles). */
static const char *const sc_join_first[] = {
    "ABDUL", "ABD", "ABDEL", "ABDOUL", "ABDUR", "ABU",  "ABOU", "AL",   "EL",    "BIN",
    "BEN",   "IBN", "UL",    "UD",     "AD",    "AS",   "AR",   "AZ",   "DEL",   "DE",
    "LA",    "VAN", "VON",   "MC",     "MAC",   "SAIF", "NUR",  "ZAIN", "SHAMS", "GHULAM"};
static const char *const sc_join_second[] = {"ALLAH", "ULLAH", "UDDIN", "ALDIN", "EDDIN",
                                             "UDIN",  "DIN",   "AL",    "ALLA",  "RAHMAN"};
static const char *const sc_split_prefix[] = {"ABDUL", "ABDEL", "ABDUR", "ABDOUL", "ABU",
                                              "ABOU",  "AL",    "EL",    "BIN",    "IBN"};

static inline bool sc_in(const char *s, const char *const *set, size_t n) {
  for (size_t k = 0; k < n; k++)
    if (strcmp(s, set[k]) == 0) return true;
  return false;
}

static inline void sc_toks_remove(sc_toks *t, unsigned i) {
  for (unsigned k = i; k + 1 < t->n; k++) memcpy(t->t[k], t->t[k + 1], sizeof t->t[k]);
  t->n--;
}

/* Joins tokens i and i + 1. */
static inline bool sc_toks_join_at(sc_toks *t, unsigned i) {
  size_t a = strlen(t->t[i]), b = strlen(t->t[i + 1]);
  if (a + b + 1 > SC_NAME_BYTES_MAX) return false;
  memcpy(t->t[i] + a, t->t[i + 1], b + 1);
  sc_toks_remove(t, i + 1);
  return true;
}

static inline bool sc_concat(sc_rng *r, sc_toks *t) {
  /* Hyphenated compounds first: AL-QAIDI becomes ALQAIDI or AL QAIDI. */
  for (unsigned i = 0; i < t->n; i++) {
    char *h = strchr(t->t[i], '-');
    if (h == NULL || h == t->t[i] || h[1] == '\0') continue;
    if (sc_rng_below(r, 2) || t->n + 1 >= SC_TOKENS_MAX) {
      memmove(h, h + 1, strlen(h + 1) + 1);
    } else {
      for (unsigned k = t->n; k > i + 1; k--) memcpy(t->t[k], t->t[k - 1], sizeof t->t[k]);
      t->n++;
      sc_copy(t->t[i + 1], SC_NAME_BYTES_MAX, h + 1);
      *h = '\0';
    }
    return true;
  }
  unsigned joins[SC_TOKENS_MAX], nj = 0;
  for (unsigned i = 0; i + 1 < t->n; i++)
    if (sc_in(t->t[i], sc_join_first, sizeof sc_join_first / sizeof *sc_join_first) ||
        sc_in(t->t[i + 1], sc_join_second, sizeof sc_join_second / sizeof *sc_join_second))
      joins[nj++] = i;
  if (nj) return sc_toks_join_at(t, joins[sc_rng_below(r, nj)]);
  if (t->n + 1 < SC_TOKENS_MAX) {
    for (unsigned i = 0; i < t->n; i++) {
      for (size_t k = 0; k < sizeof sc_split_prefix / sizeof *sc_split_prefix; k++) {
        size_t pl = strlen(sc_split_prefix[k]);
        if (strncmp(t->t[i], sc_split_prefix[k], pl) != 0 || strlen(t->t[i]) < pl + 3) continue;
        for (unsigned m = t->n; m > i + 1; m--) memcpy(t->t[m], t->t[m - 1], sizeof t->t[m]);
        t->n++;
        sc_copy(t->t[i + 1], SC_NAME_BYTES_MAX, t->t[i] + pl);
        t->t[i][pl] = '\0';
        return true;
      }
    }
  }
  if (t->n < 2) return false;
  /* Otherwise two neighbours run together, as when a filler is lost between MRZ name parts. */
  return sc_toks_join_at(t, sc_rng_below(r, t->n - 1));
}

/* Writes variant `kind` of list name `name` into out. Returns false when the kind does not apply
 * (a two-token name has no middle name to drop, no rule of the table matches, the name is not
 * Latin, ...) or when the variant would equal the exact form. */
static inline bool sc_variant(sc_rng *r, sc_kind kind, const char *name, char *out, size_t cap) {
  sc_toks t, base;
  if (!sc_toks_split(name, &t)) return false;
  base = t;
  switch (kind) {
  case SC_KIND_EXACT: break;
  case SC_KIND_TYPO1:
  case SC_KIND_TYPO2: {
    unsigned edits = kind == SC_KIND_TYPO1 ? 1 : 2;
    for (unsigned e = 0; e < edits; e++) {
      unsigned ok[SC_TOKENS_MAX], n = 0;
      for (unsigned i = 0; i < t.n; i++)
        if (strlen(t.t[i]) >= 4 && sc_ascii_upper_token(t.t[i])) ok[n++] = i;
      if (n == 0) return false;
      sc_edit(r, t.t[ok[sc_rng_below(r, n)]]);
    }
    break;
  }
  case SC_KIND_DROP:
    if (t.n < 3) return false;
    sc_toks_remove(&t, 1 + sc_rng_below(r, t.n - 2));
    break;
  case SC_KIND_REORDER: {
    if (t.n < 2) return false;
    sc_toks o = t;
    if (sc_rng_below(r, 2) || t.n == 2) { /* surname first: MRZ order read as one string */
      memcpy(o.t[0], t.t[t.n - 1], sizeof o.t[0]);
      for (unsigned i = 0; i + 1 < t.n; i++) memcpy(o.t[i + 1], t.t[i], sizeof o.t[0]);
    } else {
      for (unsigned i = 0; i < t.n; i++) memcpy(o.t[i], t.t[t.n - 1 - i], sizeof o.t[0]);
    }
    t = o;
    break;
  }
  case SC_KIND_TRANSLIT:
    if (!sc_translit_once(r, &t)) return false;
    if (sc_rng_below(r, 10) < 3) sc_translit_once(r, &t); /* a second rule, same system */
    break;
  case SC_KIND_DIACRITICS:
    if (!sc_diacritics(r, &t)) return false;
    break;
  case SC_KIND_CONCAT:
    if (!sc_concat(r, &t)) return false;
    break;
  default: return false;
  }
  sc_toks_join(&t, out, cap);
  if (kind != SC_KIND_EXACT) {
    char b[SC_NAME_BYTES_MAX * 2];
    sc_toks_join(&base, b, sizeof b);
    if (strcmp(b, out) == 0) return false;
  }
  return out[0] != '\0';
}

/* ---- JSON output (the openbmis watchlist JSON Lines of DESIGN.md 5.2) ---- */

static inline void sc_json_str(FILE *fp, const char *s) {
  fputc('"', fp);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\')
      fprintf(fp, "\\%c", c);
    else if (c < 0x20)
      fprintf(fp, "\\u%04x", c);
    else
      fputc(c, fp);
  }
  fputc('"', fp);
}

static inline void sc_json_date(FILE *fp, const wl_date *d) {
  if (d->year_to > d->year)
    fprintf(fp, "\"%04d/%04d\"", d->year, d->year_to);
  else if (d->month && d->day)
    fprintf(fp, "\"%04d-%02d-%02d\"", d->year, d->month, d->day);
  else if (d->month)
    fprintf(fp, "\"%04d-%02d\"", d->year, d->month);
  else
    fprintf(fp, "\"%04d\"", d->year);
}

/* Writes entry e as one JSON Lines record with id `id`, keeping only the names for which keep_name
 * says yes (all names when keep_name is NULL). Returns the number of names written. */
static inline unsigned sc_json_entry(FILE *fp, const char *id, const wl_entry *e,
                                     bool (*keep_name)(const char *name)) {
  unsigned kept = 0;
  fputs("{\"id\":", fp);
  sc_json_str(fp, id);
  fprintf(fp, ",\"kind\":\"%s\",\"names\":[", wl_kind_name(e->kind));
  for (uint32_t i = 0; i < e->nnames; i++) {
    if (keep_name && !keep_name(e->names[i])) continue;
    if (kept++) fputc(',', fp);
    sc_json_str(fp, e->names[i]);
  }
  fputs("],\"birth_dates\":[", fp);
  for (uint32_t i = 0; i < e->nbirth_dates; i++) {
    if (i) fputc(',', fp);
    sc_json_date(fp, &e->birth_dates[i]);
  }
  fputs("],\"nationalities\":[", fp);
  for (uint32_t i = 0; i < e->nnationalities; i++) {
    if (i) fputc(',', fp);
    sc_json_str(fp, e->nationalities[i]);
  }
  fputc(']', fp);
  if (e->sex) fprintf(fp, ",\"sex\":\"%c\"", e->sex);
  fputs(",\"documents\":[", fp);
  for (uint32_t i = 0; i < e->ndocuments; i++) {
    const wl_document *d = &e->documents[i];
    fprintf(fp, "%s{\"type\":", i ? "," : "");
    sc_json_str(fp, d->type ? d->type : "");
    fputs(",\"number\":", fp);
    sc_json_str(fp, d->number ? d->number : "");
    fputs(",\"country\":", fp);
    sc_json_str(fp, d->country ? d->country : "");
    fputc('}', fp);
  }
  fputs("],\"category\":", fp);
  sc_json_str(fp, e->category ? e->category : "");
  fputs("}\n", fp);
  return kept;
}

/* ---- Resources ---- */

#include <sys/resource.h>

static inline double sc_max_rss_mb(void) {
  struct rusage ru;
  if (getrusage(RUSAGE_SELF, &ru) != 0) return 0.0;
  return (double)ru.ru_maxrss / 1024.0; /* Linux reports KiB */
}

/* CPU seconds (user + system) of the whole process so far: with the wall time of a phase this
 * gives the share of the cores it got; well under 100% means something else was running. */
static inline double sc_cpu_seconds(void) {
  struct rusage ru;
  if (getrusage(RUSAGE_SELF, &ru) != 0) return 0.0;
  return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
         (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
}

/* Current resident set (VmRSS), MiB, or 0 when /proc is not there. */
static inline double sc_rss_mb(void) {
  FILE *fp = fopen("/proc/self/status", "r");
  if (fp == NULL) return 0.0;
  char line[256];
  double mb = 0.0;
  while (fgets(line, sizeof line, fp))
    if (strncmp(line, "VmRSS:", 6) == 0) mb = strtod(line + 6, NULL) / 1024.0;
  fclose(fp);
  return mb;
}

static inline int sc_cmp_float_desc(const void *a, const void *b) {
  float x = *(const float *)a, y = *(const float *)b;
  return (x < y) - (x > y);
}

static inline int sc_cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return (x > y) - (x < y);
}

#endif /* BMIS_BENCH_SCREEN_COMMON_H */
