/* api_bench.c - advance passenger information end to end: a 500-passenger PAXLST flight parsed,
 * every person screened against a 1,000,000-entry list, and the manifest stored durably
 * (app_api_ingest_run), the target being <= 50 ms per flight (issue 6, item 7).
 *
 * Setup (not timed): a real SQLite store in a temporary directory (WAL, synchronous=FULL), one
 * carrier account (role api_client), and bench/screen_bench.c's list written as openbmis JSON
 * Lines (bench/screen_gen.h, one generator and seed: the real UN consolidated and OFAC SDN entries
 * planted among synthetic persons recombined from the yente synthetic travellers' names within one
 * script or from Wikidata name tokens with their native spelling, with dates of birth,
 * nationalities, sex and passports; one entry in ten a lost/stolen document), registered in the
 * store as an administrator would (store_watchlist_put, store_watchlist_version_add with its path
 * and SHA-256), then app_new loads and indexes it (timed and printed).
 *
 * The flights: one PAXLST D:05B message each (the segment layout of src/app/app_demo_flight.c:
 * NAD+FL, ATT, DTM+329, NAT, RFF+AVF/ABO/SEA, DOC, DTM+36, LOC+91), each a new flight (its own
 * number) arriving later today or tomorrow, so that retention never interferes. The passengers are
 * yente synthetic persons in Latin script (true negatives, each with an unlisted passport) and, on
 * every flight, five planted listed persons (exact and with one or two typing errors, real UN/OFAC
 * and synthetic entries, with their listed date of birth, nationality and sex) and one passenger
 * carrying a listed lost/stolen passport.
 *
 * Measured: a few warm-up flights, then the wall time of app_api_ingest_run for each timed flight
 * (parse + screen every person + false-hit dispositions for those with hits + one durable write of
 * the manifest), as p50/p90/p99/max, the mean parse/screen/store breakdown from the ingest's own
 * timings, and persons/s. Verified (exit 1 on failure): every flight's message was stored with all
 * its persons (the flight as read back counts them, and so does the store after closing and
 * reopening), and the planted passengers of all flights, warm-up included, were found (recall
 * >= 0.9; every listed passport must be found). The checksum is FNV-1a over every person's hits
 * (entry id, score) and board answer.
 *
 * Usage: api_bench --data DIR [--entries N] [--flights N] [--warmup N] [--passengers N]
 *                  [--dir DIR]
 * Environment: BENCH_API_ENTRIES and BENCH_API_FLIGHTS give --entries and --flights defaults.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "bmis/app.h"
#include "bmis/screen.h"
#include "bmis/store.h"
#include "bmis/watchlist.h"
#include "screen_common.h"
#include "screen_gen.h"

#define AB_ENTRIES_DEFAULT    1000000
#define AB_ENTRIES_MIN        1000
#define AB_FLIGHTS_DEFAULT    50
#define AB_WARMUP_DEFAULT     3
#define AB_PASSENGERS_DEFAULT 500
#define AB_PLANTED_NAMES      5                      /* planted listed persons per flight */
#define AB_PLANTED            (AB_PLANTED_NAMES + 1) /* and one listed passport */
#define AB_FLIGHT_SEED        0xA91B3E4C40000001ull
#define AB_TARGET_MS          50.0
#define AB_TARGET_RECALL      0.9

static bool g_failed = false;

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...) {
  fflush(stdout);
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "api_bench: VERIFICATION FAILED: ");
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\n");
  va_end(ap);
  g_failed = true;
}

/* ---- The flights ---- */

typedef struct buf {
  char *p;
  size_t len, cap;
} buf;

static void put(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(buf *b, const char *fmt, ...) {
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n < 0) sc_die("vsnprintf");
    if ((size_t)n < b->cap - b->len) {
      b->len += (size_t)n;
      return;
    }
    b->cap = b->cap * 2 + (size_t)n + 64;
    b->p = sc_xrealloc(b->p, b->cap);
  }
}

/* An EDIFACT value: the release character before the service characters ' + : ? */
static void put_value(buf *b, const char *s) {
  for (; s && *s; s++) {
    if (*s == '\'' || *s == '+' || *s == ':' || *s == '?') put(b, "?");
    put(b, "%c", *s);
  }
}

typedef struct passenger {
  char surname[SC_NAME_BYTES_MAX], given[SC_NAME_BYTES_MAX];
  char sex;
  wl_date dob;
  const char *nationality;
  char doc[10];
  const char *doc_country;
} passenger;

typedef struct planted {
  size_t index; /* the passenger's position in the message */
  int kind;     /* sc_kind, or -1 for a listed passport */
  bool real;
  char expected[SG_ID_BYTES];
} planted;

typedef struct flight {
  buf msg;
  planted plants[AB_PLANTED];
} flight;

/* The yente persons a carrier would send: Latin script in ASCII, with given and family names. */
typedef struct pool {
  const sc_person **v;
  size_t n;
} pool;

static bool ascii_name(const char *s) {
  return s && s[0] && sc_is_ascii(s) && strlen(s) < SC_NAME_BYTES_MAX / 2;
}

static void upper_copy(char *dst, size_t cap, const char *src) {
  size_t n = 0;
  for (; *src && n + 1 < cap; src++) dst[n++] = (char)toupper((unsigned char)*src);
  dst[n] = '\0';
}

/* A date of birth that a two-digit year (DTM 329, YYMMDD) reads back as itself. */
static bool dob_ok(const wl_date *d) {
  return d->year >= 1930 && d->year <= 2010 && d->month >= 1 && d->day >= 1;
}

static void random_dob(sc_rng *r, wl_date *d) {
  wl_date y = {(int16_t)(1940 + sc_rng_below(r, 66)), 0, 0, 0};
  y.year_to = y.year;
  *d = sc_traveller_dob(r, &y);
}

static void negative(sc_rng *r, const pool *pl, uint32_t docno, passenger *p) {
  const sc_person *s = pl->v[sc_rng_below(r, (unsigned)pl->n)];
  char given[SC_NAME_BYTES_MAX];
  if (s->middle[0] && ascii_name(s->middle))
    snprintf(given, sizeof given, "%.200s %.200s", s->first, s->middle);
  else
    snprintf(given, sizeof given, "%s", s->first);
  upper_copy(p->given, sizeof p->given, given);
  upper_copy(p->surname, sizeof p->surname, s->last);
  p->sex = s->sex ? s->sex : "MF"[sc_rng_below(r, 2)];
  p->dob = s->dob.year ? sc_traveller_dob(r, &s->dob) : (wl_date){0, 0, 0, 0};
  if (!dob_ok(&p->dob)) random_dob(r, &p->dob);
  p->nationality = s->nationality ? s->nationality : doc_states[sc_rng_below(r, 16)];
  doc_number(docno, p->doc);
  p->doc_country = p->nationality;
}

/* Planted passenger: listed entry e (real or synthetic person) as given (kind exact) or with typing
 * errors. False when the entry does not suit (not a person, not Latin ASCII, no variant). */
static bool plant_person(const gen *g, sc_rng *r, size_t e, sc_kind kind, uint32_t docno,
                         passenger *p, planted *pt) {
  syn s;
  gen_entry(g, e, &s);
  if (s.document_only) return false;
  if (s.real && (s.entry->kind != WL_KIND_PERSON || s.entry->nnames == 0)) return false;
  const char *base = s.real ? s.entry->names[0] : s.names[0];
  char v[SC_NAME_BYTES_MAX * 2];
  if (!sc_variant(r, kind, base, v, sizeof v) || !sc_is_ascii(v)) return false;
  sc_toks t;
  if (!sc_toks_split(v, &t) || t.n < 2) return false;
  if (strlen(t.t[t.n - 1]) >= sizeof p->surname) return false;
  sc_copy(p->surname, sizeof p->surname, t.t[t.n - 1]);
  t.n--;
  sc_toks_join(&t, p->given, sizeof p->given);
  const wl_date *d = s.real ? (s.entry->nbirth_dates ? &s.entry->birth_dates[0] : NULL) : &s.dob;
  p->dob = sc_traveller_dob(r, d);
  if (p->dob.year == 0)
    random_dob(r, &p->dob);
  else if (!dob_ok(&p->dob))
    return false;
  const char *nat =
      s.real ? (s.entry->nnationalities ? s.entry->nationalities[0] : NULL) : s.nationality;
  p->nationality = nat && strlen(nat) == 3 ? nat : doc_states[sc_rng_below(r, 16)];
  char sex = s.real ? s.entry->sex : s.sex;
  p->sex = sex == 'M' || sex == 'F' ? sex : "MF"[sc_rng_below(r, 2)];
  doc_number(docno, p->doc); /* their own passport, not listed */
  p->doc_country = p->nationality;
  pt->kind = (int)kind;
  pt->real = s.real;
  entry_id(g, e, &s, pt->expected, sizeof pt->expected);
  return true;
}

static void yymmdd(const wl_date *d, char out[8]) {
  snprintf(out, 8, "%02u%02u%02u", (unsigned)d->year % 100u, d->month % 100u, d->day % 100u);
}

static void put_person(buf *b, unsigned *segs, const passenger *p, unsigned ref, unsigned n,
                       sc_rng *r) {
  char d[8];
  put(b, "NAD+FL+++");
  put_value(b, p->surname);
  put(b, ":");
  put_value(b, p->given);
  put(b, "'ATT+2++%c'", p->sex);
  yymmdd(&p->dob, d);
  put(b, "DTM+329:%s'", d);
  put(b, "NAT+2+%s'RFF+AVF:%c%c%c%03u'RFF+ABO:XB%06u'RFF+SEA:%u%c'", p->nationality,
      'A' + (int)sc_rng_below(r, 26), 'A' + (int)sc_rng_below(r, 26),
      'A' + (int)sc_rng_below(r, 26), sc_rng_below(r, 1000), ref, 3 + n / 6, "ABCDEF"[n % 6]);
  put(b, "DOC+P:110:111+%s'DTM+36:%02u%02u%02u'LOC+91+%s'", p->doc, 27 + sc_rng_below(r, 9),
      1 + sc_rng_below(r, 12), 1 + sc_rng_below(r, 28), p->doc_country);
  *segs += 10;
}

/* Flight number f: departure six hours from now plus ten minutes a flight, 2 h 35 min flight. */
static void make_flight(const gen *g, const pool *pl, unsigned f, unsigned npass, uint32_t *docno,
                        flight *out) {
  sc_rng r = sc_rng_seed(AB_FLIGHT_SEED ^ ((uint64_t)(f + 1) * 0x9E3779B97F4A7C15ull));
  sc_rng_next(&r);
  time_t dep = time(NULL) + 6 * 3600 + (time_t)f * 600, arr = dep + 2 * 3600 + 35 * 60;
  struct tm td, ta;
  localtime_r(&dep, &td);
  localtime_r(&arr, &ta);
  buf *b = &out->msg;
  b->cap = 128 * (size_t)npass + 1024;
  b->p = sc_xmalloc(b->cap);
  b->len = 0;
  unsigned number = 1000 + f, segs = 0;
  put(b, "UNA:+.? 'UNB+UNOC:4+XBAIR+UTOPIU+%02d%02d%02d:%02d%02d+API%06u'", td.tm_year % 100,
      td.tm_mon + 1, td.tm_mday, td.tm_hour, td.tm_min, f);
  put(b, "UNH+1+PAXLST:D:05B:UN:IATA+XB%u%02d%02d%02d+01:F'BGM+745'NAD+MS+++BENCH AIR OPS'", number,
      td.tm_year % 100, td.tm_mon + 1, td.tm_mday);
  put(b, "TDT+20+XB%u+++XB'LOC+125+FRA'DTM+189:%02d%02d%02d%02d%02d:201'", number, td.tm_year % 100,
      td.tm_mon + 1, td.tm_mday, td.tm_hour, td.tm_min);
  put(b, "LOC+87+UCY'DTM+232:%02d%02d%02d%02d%02d:201'", ta.tm_year % 100, ta.tm_mon + 1,
      ta.tm_mday, ta.tm_hour, ta.tm_min);
  segs += 8;
  /* Planted slots, spread over the list: kinds exact, typo1, typo2; real and synthetic entries. */
  static const sc_kind kinds[AB_PLANTED_NAMES] = {SC_KIND_EXACT, SC_KIND_TYPO1, SC_KIND_EXACT,
                                                  SC_KIND_TYPO1, SC_KIND_TYPO2};
  for (unsigned k = 0; k < AB_PLANTED; k++)
    out->plants[k].index = ((size_t)k * (npass / AB_PLANTED) + (size_t)f * 7) % npass;
  for (unsigned n = 0; n < npass; n++) {
    passenger p;
    memset(&p, 0, sizeof p);
    int slot = -1;
    for (unsigned k = 0; k < AB_PLANTED; k++)
      if (out->plants[k].index == n) slot = (int)k;
    if (slot >= 0 && slot < AB_PLANTED_NAMES) {
      bool real = (slot + f) % 2 == 0;
      for (;;) {
        size_t e = real ? sc_rng_below(&r, (unsigned)g->nreal) * g->stride
                        : sc_rng_below(&r, (unsigned)g->entries);
        if (e >= g->entries) continue;
        if (plant_person(g, &r, e, kinds[slot], (*docno)++, &p, &out->plants[slot])) break;
      }
    } else if (slot >= 0) { /* a lost/stolen passport, shown by someone else */
      negative(&r, pl, (*docno)++, &p);
      for (;;) {
        size_t e = sc_rng_below(&r, (unsigned)g->entries);
        syn s;
        gen_entry(g, e, &s);
        if (!s.document_only) continue;
        doc_number((uint32_t)e, p.doc);
        p.doc_country = s.doc_country;
        out->plants[slot].kind = -1;
        out->plants[slot].real = false;
        entry_id(g, e, &s, out->plants[slot].expected, sizeof out->plants[slot].expected);
        break;
      }
    } else {
      negative(&r, pl, (*docno)++, &p);
    }
    put_person(b, &segs, &p, n + 1, n, &r);
  }
  put(b, "CNT+42:%u'", npass);
  segs++;
  put(b, "UNT+%u+1'UNZ+1+API%06u'\n", segs + 1, f);
}

/* ---- Setup ---- */

static void file_sha256(const char *path, char hex[STORE_SHA256_HEX_BYTES]) {
  FILE *in = fopen(path, "rb");
  if (in == NULL) sc_die("cannot read the list file back");
  crypto_hash_sha256_state st;
  crypto_hash_sha256_init(&st);
  static unsigned char chunk[1 << 16];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, in)) > 0) crypto_hash_sha256_update(&st, chunk, n);
  fclose(in);
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&st, h);
  for (size_t i = 0; i < sizeof h; i++) snprintf(hex + 2 * i, 3, "%02x", h[i]);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted v[0..n). */
static double pct(const double *v, size_t n, double p) {
  size_t k = (size_t)(p / 100.0 * (double)n + 0.999999);
  if (k < 1) k = 1;
  if (k > n) k = n;
  return v[k - 1];
}

static bool parse_size(const char *s, size_t lo, size_t hi, size_t *out) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || end == s || *end || v < lo || v > hi) return false;
  *out = (size_t)v;
  return true;
}

static void usage(FILE *fp) {
  fprintf(fp, "usage: api_bench --data DIR [--entries N] [--flights N] [--warmup N] "
              "[--passengers N] [--dir DIR]\n"
              "  BENCH_API_ENTRIES, BENCH_API_FLIGHTS: defaults of --entries (1000000) and "
              "--flights (50)\n");
}

int main(int argc, char **argv) {
  const char *data = NULL, *parent = NULL;
  size_t entries = AB_ENTRIES_DEFAULT, nflights = AB_FLIGHTS_DEFAULT, warmup = AB_WARMUP_DEFAULT;
  size_t npass = AB_PASSENGERS_DEFAULT;
  const char *env = getenv("BENCH_API_ENTRIES");
  if (env && *env && !parse_size(env, AB_ENTRIES_MIN, SG_ENTRIES_MAX, &entries)) {
    fprintf(stderr, "api_bench: bad BENCH_API_ENTRIES %s\n", env);
    return 2;
  }
  env = getenv("BENCH_API_FLIGHTS");
  if (env && *env && !parse_size(env, 1, 100000, &nflights)) {
    fprintf(stderr, "api_bench: bad BENCH_API_FLIGHTS %s\n", env);
    return 2;
  }
  for (int a = 1; a < argc; a++) {
    const char *arg = argv[a];
    bool ok = true;
    if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
      usage(stdout);
      return 0;
    } else if (a + 1 >= argc) {
      ok = false;
    } else if (strcmp(arg, "--data") == 0) {
      data = argv[++a];
    } else if (strcmp(arg, "--dir") == 0) {
      parent = argv[++a];
    } else if (strcmp(arg, "--entries") == 0) {
      ok = parse_size(argv[++a], AB_ENTRIES_MIN, SG_ENTRIES_MAX, &entries);
    } else if (strcmp(arg, "--flights") == 0) {
      ok = parse_size(argv[++a], 1, 100000, &nflights);
    } else if (strcmp(arg, "--warmup") == 0) {
      ok = parse_size(argv[++a], 0, 1000, &warmup);
    } else if (strcmp(arg, "--passengers") == 0) {
      ok = parse_size(argv[++a], 2 * AB_PLANTED, STORE_API_PERSONS_MAX, &npass);
    } else {
      ok = false;
    }
    if (!ok) {
      usage(stderr);
      return 2;
    }
  }
  if (data == NULL) {
    usage(stderr);
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (sodium_init() < 0) sc_die("sodium_init");
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  printf("api_bench: %zu-entry list, %zu flights of %zu passengers (%zu warm-up), %ld cores\n",
         entries, nflights, npass, warmup, cores);

  /* ---- Inputs (not timed) ---- */
  gen g;
  sc_people people;
  if (gen_init(&g, &people, data, entries, true, "api_bench") != 0) return 2;
  pool pl = {sc_xmalloc(people.n * sizeof *pl.v), 0};
  for (size_t i = 0; i < people.n; i++) {
    const sc_person *p = &people.v[i];
    if (p->script == SC_SCRIPT_LATIN && ascii_name(p->first) && ascii_name(p->last) &&
        (!p->middle[0] || sc_is_ascii(p->middle)))
      pl.v[pl.n++] = p;
  }
  if (pl.n == 0) sc_die("no Latin-script yente persons");

  /* ---- The store, the carrier, the list file ---- */
  char dir[STORE_PATH_BYTES_MAX - 32], db[SC_PATH_BYTES_MAX], list_path[SC_PATH_BYTES_MAX];
  const char *tmp = getenv("TMPDIR");
  int dn = snprintf(dir, sizeof dir, "%s/openbmis-api-bench-XXXXXX",
                    parent        ? parent
                    : tmp && *tmp ? tmp
                                  : "/tmp");
  if (dn < 0 || (size_t)dn >= sizeof dir) sc_die("--dir too long");
  if (mkdtemp(dir) == NULL) sc_die("cannot create the temporary directory");
  sc_path(db, dir, "bmis.db");
  sc_path(list_path, dir, "national.jsonl");
  double t0 = sc_now();
  gen_counts counts;
  long bytes = gen_write_list(&g, fopen(list_path, "w"), &counts);
  printf("  list file: %zu entries (%zu real UN/OFAC, %zu lost/stolen documents, %zu synthetic "
         "persons, %zu passports), %.0f MB JSON Lines, written in %.1f s\n",
         entries, counts.kinds[0], counts.kinds[1], counts.kinds[2], counts.docs,
         (double)bytes / 1e6, sc_now() - t0);

  /* The flights, made now so that the generator's inputs can be freed before the app loads. */
  size_t total_flights = warmup + nflights;
  flight *fl = sc_xcalloc(total_flights, sizeof *fl);
  uint32_t docno = (uint32_t)entries; /* unlisted passports: numbers above the list's range */
  size_t msg_bytes = 0;
  for (size_t f = 0; f < total_flights; f++) {
    make_flight(&g, &pl, (unsigned)f, (unsigned)npass, &docno, &fl[f]);
    msg_bytes += fl[f].msg.len;
  }
  printf("  flights: %zu PAXLST messages of %zu passengers, %.0f kB each on average\n",
         total_flights, npass, (double)msg_bytes / (double)total_flights / 1e3);
  free(pl.v);
  gen_free(&g, &people);

  store *st = NULL;
  bm_diag d;
  memset(&d, 0, sizeof d);
  if (store_open(db, &st, &d) != BM_OK) {
    fprintf(stderr, "api_bench: store_open %s: %s\n", db, d.message);
    return 2;
  }
  store_user u;
  memset(&u, 0, sizeof u);
  snprintf(u.username, sizeof u.username, "xbair");
  snprintf(u.role, sizeof u.role, "api_client");
  snprintf(u.password_hash, sizeof u.password_hash, "x");
  if (store_user_add(st, &u, &d) != BM_OK) {
    fprintf(stderr, "api_bench: store_user_add: %s\n", d.message);
    return 2;
  }
  app_actor carrier;
  memset(&carrier, 0, sizeof carrier);
  carrier.user_id = u.id;
  snprintf(carrier.name, sizeof carrier.name, "%s", u.username);
  snprintf(carrier.role, sizeof carrier.role, "%s", u.role);
  snprintf(carrier.source_addr, sizeof carrier.source_addr, "127.0.0.1");
  store_watchlist w;
  memset(&w, 0, sizeof w);
  snprintf(w.name, sizeof w.name, "national");
  snprintf(w.kind, sizeof w.kind, "national");
  store_watchlist_version v;
  memset(&v, 0, sizeof v);
  snprintf(v.version, sizeof v.version, "bench-1");
  v.loaded_ms = store_now_ms();
  v.entry_count = (int64_t)entries;
  if ((size_t)snprintf(v.path, sizeof v.path, "%s", list_path) >= sizeof v.path)
    sc_die("list path too long");
  file_sha256(list_path, v.file_sha256);
  if (store_watchlist_put(st, &w, &d) != BM_OK) {
    fprintf(stderr, "api_bench: store_watchlist_put: %s\n", d.message);
    return 2;
  }
  v.watchlist_id = w.id;
  if (store_watchlist_version_add(st, &v, &d) != BM_OK) {
    fprintf(stderr, "api_bench: store_watchlist_version_add: %s\n", d.message);
    return 2;
  }

  /* ---- app_new: loads and indexes the list ---- */
  app_config cfg;
  memset(&cfg, 0, sizeof cfg);
  app *a = NULL;
  bm_diag warn;
  memset(&warn, 0, sizeof warn);
  t0 = sc_now();
  if (app_new(st, &cfg, &a, &warn, &d) != BM_OK) {
    fprintf(stderr, "api_bench: app_new: %s\n", d.message);
    return 2;
  }
  double load_s = sc_now() - t0;
  app_list_info li[4];
  size_t nli = 0;
  if (app_watchlists(a, li, 4, &nli, &d) != BM_OK || nli != 1 || !li[0].in_use ||
      li[0].entries != (int64_t)entries) {
    fprintf(stderr, "api_bench: the list did not load: %s\n", warn.message);
    return 2;
  }
  printf("  app_new: list loaded and indexed in %.2f s (%" PRId64 " entries), resident %.0f MB\n",
         load_s, li[0].entries, sc_rss_mb());

  /* ---- Ingest ---- */
  double *wall = sc_xcalloc(nflights, sizeof *wall);
  double sum_parse = 0, sum_screen = 0, sum_store = 0, sum_wall = 0, slow[4] = {0, 0, 0, 0};
  size_t plant_n = 0, plant_f = 0, doc_n = 0, doc_f = 0, kind_n[SC_KIND__COUNT] = {0},
         kind_f[SC_KIND__COUNT] = {0};
  size_t with_hits = 0, neg_with_hits = 0, negatives = 0, no_board = 0, hits = 0;
  uint64_t sum = SC_FNV_OFFSET;
  double cpu0 = 0;
  for (size_t f = 0; f < total_flights; f++) {
    bool timed = f >= warmup;
    if (f == warmup) cpu0 = sc_cpu_seconds();
    app_api_ingest *r = NULL;
    memset(&d, 0, sizeof d);
    double s0 = sc_now();
    bm_err rc = app_api_ingest_run(a, &carrier, fl[f].msg.p, fl[f].msg.len, 0, &r, &d);
    double ms = (sc_now() - s0) * 1e3;
    if (rc != BM_OK) {
      fail("flight %zu: app_api_ingest_run: %s %s", f, bm_err_str(rc), d.message);
      continue;
    }
    if (timed) {
      if (ms > slow[0]) {
        slow[0] = ms;
        slow[1] = r->parse_ms;
        slow[2] = r->screen_ms;
        slow[3] = r->store_ms;
      }
      wall[f - warmup] = ms;
      sum_wall += ms;
      sum_parse += r->parse_ms;
      sum_screen += r->screen_ms;
      sum_store += r->store_ms;
    }
    if (r->nmsgs != 1 || !r->msgs[0].stored || r->msgs[0].flight.persons != (int64_t)npass ||
        r->npersons != npass || r->msgs[0].message.persons != (int64_t)npass)
      fail("flight %zu: not stored with %zu persons (%zu messages, stored %d, %" PRId64
           " persons read back, refused \"%s\")",
           f, npass, r->nmsgs, r->nmsgs ? r->msgs[0].stored : 0,
           r->nmsgs ? r->msgs[0].flight.persons : 0, r->nmsgs ? r->msgs[0].refused : "");
    for (size_t i = 0; i < r->npersons; i++) {
      const app_api_person_result *p = &r->persons[i];
      sum = sc_fnv(sum, &p->nhits, sizeof p->nhits);
      for (unsigned k = 0; k < p->nhits; k++) {
        sum = sc_fnv(sum, p->hits[k].entry_id, strlen(p->hits[k].entry_id) + 1);
        sum = sc_fnv(sum, &p->hits[k].score_permille, sizeof p->hits[k].score_permille);
      }
      sum = sc_fnv(sum, p->person.board, strlen(p->person.board) + 1);
      with_hits += p->nhits > 0;
      hits += p->nhits;
      no_board += p->status == CUSRES_NO_BOARD;
    }
    for (size_t i = 0; i < r->npersons; i++) {
      bool is_plant = false;
      for (unsigned k = 0; k < AB_PLANTED; k++) is_plant |= fl[f].plants[k].index == i;
      if (!is_plant) {
        negatives++;
        neg_with_hits += r->persons[i].nhits > 0;
      }
    }
    for (unsigned k = 0; k < AB_PLANTED && r->npersons == npass; k++) {
      const planted *pt = &fl[f].plants[k];
      const app_api_person_result *p = &r->persons[pt->index];
      bool found = false, by_doc = false;
      for (unsigned h = 0; h < p->nhits; h++)
        if (strncmp(p->hits[h].entry_id, pt->expected, sizeof p->hits[h].entry_id - 1) == 0) {
          found = true;
          by_doc |= p->hits[h].document_match != 0;
        }
      if (pt->kind < 0) {
        doc_n++;
        doc_f += found && by_doc;
      } else {
        plant_n++;
        plant_f += found;
        kind_n[pt->kind]++;
        kind_f[pt->kind] += found;
        if (!found && plant_n - plant_f <= 5)
          printf("    missed %s %s: %s / %s (expected %s)\n", sc_kind_names[pt->kind],
                 pt->real ? "real" : "synthetic", p->person.surname, p->person.given_names,
                 pt->expected);
      }
    }
    app_api_ingest_free(r);
  }
  double cpu = sc_cpu_seconds() - cpu0;

  /* ---- Read back after closing: every flight and its persons are in the database ---- */
  app_free(a);
  store_free(st);
  st = NULL;
  if (store_open(db, &st, &d) != BM_OK) {
    fail("reopen: %s", d.message);
  } else {
    store_api_flight *fls = sc_xcalloc(total_flights + 1, sizeof *fls);
    size_t nf = 0;
    int64_t persons = 0;
    if (store_api_flight_list(st, 0, 0, fls, total_flights + 1, &nf, &d) != BM_OK)
      fail("store_api_flight_list: %s", d.message);
    for (size_t i = 0; i < nf; i++) persons += fls[i].persons;
    if (nf != total_flights || persons != (int64_t)(total_flights * npass))
      fail("after reopening: %zu flights with %" PRId64 " persons, expected %zu with %zu", nf,
           persons, total_flights, total_flights * npass);
    printf("  reopened: %zu flights, %" PRId64 " persons stored\n", nf, persons);
    free(fls);
    store_free(st);
  }

  /* ---- Figures ---- */
  qsort(wall, nflights, sizeof *wall, cmp_double);
  double n = (double)nflights;
  double p50 = pct(wall, nflights, 50), p90 = pct(wall, nflights, 90),
         p99 = pct(wall, nflights, 99), mx = wall[nflights - 1];
  double pps = sum_wall > 0 ? n * (double)npass / (sum_wall / 1e3) : 0;
  double recall = plant_n ? (double)plant_f / (double)plant_n : 0;
  double fp1000 = negatives ? 1000.0 * (double)neg_with_hits / (double)negatives : 0;
  printf("  ingest: %zu flights timed: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms; mean "
         "%.2f ms = parse %.2f + screen %.2f + store %.2f (+ %.2f outside the phases); %.0f "
         "persons/s (cpu %.0f%% of %ld cores)\n",
         nflights, p50, p90, p99, mx, sum_wall / n, sum_parse / n, sum_screen / n, sum_store / n,
         (sum_wall - sum_parse - sum_screen - sum_store) / n, pps,
         sum_wall > 0 ? 100.0 * cpu / (sum_wall / 1e3) / (double)cores : 0.0, cores);
  printf("  slowest flight: %.2f ms = parse %.2f + screen %.2f + store %.2f\n", slow[0], slow[1],
         slow[2], slow[3]);
  printf("  planted: %zu of %zu listed persons found (recall %.4f;", plant_f, plant_n, recall);
  for (int k = 0; k < SC_KIND__COUNT; k++)
    if (kind_n[k]) printf(" %s %zu/%zu", sc_kind_names[k], kind_f[k], kind_n[k]);
  printf("), %zu of %zu listed passports matched by the document lane\n", doc_f, doc_n);
  printf("  hits: %zu persons with hits (%zu hits), %zu no-board answers; negatives with a hit: "
         "%zu of %zu (%.2f per 1,000)\n",
         with_hits, hits, no_board, neg_with_hits, negatives, fp1000);
  if (recall < AB_TARGET_RECALL)
    fail("recall of planted persons %.4f < %.2f", recall, AB_TARGET_RECALL);
  if (doc_f != doc_n) fail("a listed passport was not matched by the document lane");

  printf("\n%-34s %14s  %s\n", "figure", "value", "target");
  printf("%-34s %14.2f\n", "ingest p50 ms", p50);
  printf("%-34s %14.2f\n", "ingest p90 ms", p90);
  printf("%-34s %14.2f  <= %.0f ms: %s\n", "ingest p99 ms", p99, AB_TARGET_MS,
         p99 <= AB_TARGET_MS ? "met" : "MISSED");
  printf("%-34s %14.2f\n", "ingest max ms", mx);
  printf("%-34s %14.0f\n", "persons/s", pps);
  printf("%-34s %14.4f  >= %.2f: %s\n", "recall, planted", recall, AB_TARGET_RECALL,
         recall >= AB_TARGET_RECALL ? "met" : "MISSED");
  printf("=api_entries %zu\n=api_flights %zu\n=api_passengers %zu\n=api_load_s %.2f\n", entries,
         nflights, npass, load_s);
  printf("=api_p50_ms %.2f\n=api_p90_ms %.2f\n=api_p99_ms %.2f\n=api_max_ms %.2f\n", p50, p90, p99,
         mx);
  printf("=api_parse_ms %.2f\n=api_screen_ms %.2f\n=api_store_ms %.2f\n=api_persons_per_s %.0f\n",
         sum_parse / n, sum_screen / n, sum_store / n, pps);
  printf("=api_recall %.4f\n=api_docs_found %zu/%zu\n=api_fp_per_1000 %.2f\n", recall, doc_f, doc_n,
         fp1000);
  printf("=checksum %016" PRIx64 "\n=verification %s\n", sum, g_failed ? "FAIL" : "OK");

  for (size_t f = 0; f < total_flights; f++) free(fl[f].msg.p);
  free(fl);
  free(wall);
  static const char *const leftovers[] = {"bmis.db", "bmis.db-wal", "bmis.db-shm",
                                          "national.jsonl"};
  for (size_t i = 0; i < BM_COUNTOF(leftovers); i++) {
    char path[SC_PATH_BYTES_MAX];
    sc_path(path, dir, leftovers[i]);
    unlink(path);
  }
  if (rmdir(dir) != 0) fprintf(stderr, "api_bench: %s left behind: %s\n", dir, strerror(errno));
  return g_failed ? 1 : 0;
}
