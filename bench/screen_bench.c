/* screen_bench.c - speed of watchlist screening against a 1,000,000-entry list, with its peers.
 *
 * The list (reference/name-screening.md 4.3): the real UN consolidated (2026-02) and OFAC SDN
 * (2021-07) entries planted among synthetic ones, written as openbmis JSON Lines to a temporary
 * file and loaded with wl_list_load, so that the load path is measured too. Synthetic persons
 * recombine the given, middle and family names of the yente synthetic travellers within one script
 * (Latin, Arabic, Cyrillic, Han, Hangul, kana, Indic...), or pair Wikidata name tokens with their
 * native spelling as an alias; they carry dates of birth (full, year, range or none),
 * nationalities, sex and passports. One entry in ten is a lost/stolen document only. Everything
 * comes from fixed seeds; the list's generator is bench/screen_gen.h (bench/api_bench.c uses it
 * too).
 *
 * The travellers: yente synthetic persons (true negatives, each with a passport that is not listed)
 * and planted positives: exact copies of listed persons (real and synthetic; some with their listed
 * passport) which must all be found, and variants of real listed persons (typos, another
 * romanisation, reordering...) whose recall is reported.
 *
 * Measured: load and index build time, resident memory, travellers/s with wl_screen_batch on all
 * cores in manifests of 500, p50/p99 per-traveller latency (wl_screen timed per call, one thread
 * per core), and document-lane lookups/s (document-only queries, a third of the listed ones with
 * MRZ confusables such as O for 0). Verified: every exact planted person is found, every listed
 * document is found and no unlisted one, and wl_screen in the latency loop returns the same hits as
 * wl_screen_batch (an FNV-1a checksum over every traveller's hits, printed). Exit 1 on failure.
 *
 * Peers: a brute-force scan that scores every list name with nm_similarity (no index) for a sample
 * of travellers - its speed, and whether the index returned every entry the scan found at or above
 * the threshold (recall of candidate generation); and --write-peer DIR writes the list names and a
 * sample of travellers for bench/peers/fuzzball (token_set_ratio of npm fuzzball).
 *
 * Usage: screen_bench --data DIR [--entries N] [--travellers N] [--threads N] [--manifest N]
 *                     [--brute N] [--peer-sample N] [--doc-queries N] [--write-peer DIR]
 *                     [--keep-list FILE]
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bmis/names.h"
#include "bmis/screen.h"
#include "bmis/watchlist.h"
#include "screen_common.h"
#include "screen_gen.h"

#define SB_ENTRIES_DEFAULT    1000000
#define SB_TRAVELLERS_DEFAULT 100000
#define SB_MANIFEST_DEFAULT   500 /* a flight's passengers: one wl_screen_batch call */
#define SB_BRUTE_DEFAULT      40
#define SB_PEER_DEFAULT       10
#define SB_DOCQ_DEFAULT       200000
#define SB_PLANTED_PER_MILLE  10 /* planted positives per 1,000 travellers */
#define SB_THREADS_MAX        256
#define SB_BRUTE_LOW          0.20f /* index threshold below the brute-force one (see below) */
#define SB_MISSES_SHOWN       5
#define SB_BRUTE_TOP          10 /* brute-force hits per traveller in the top-10 recall */

/* Targets of DESIGN.md section 6, printed beside the figures. */
#define SB_TARGET_LOAD_S 10.0
#define SB_TARGET_RSS_MB 1536.0
#define SB_TARGET_TPS    50000.0
#define SB_TARGET_P99_US 1000.0
#define SB_TARGET_RECALL 0.98

static bool g_failed = false;

static void fail(const char *what) {
  fflush(stdout); /* keep the message between whole lines of the report */
  fprintf(stderr, "screen_bench: VERIFICATION FAILED: %s\n", what);
  g_failed = true;
}

static unsigned ncores(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? (unsigned)n : 1;
}

/* ---- Travellers ---- */

enum { T_NEGATIVE = 0, T_EXACT, T_EXACT_DOC, T_VARIANT };
static const char *const tkind_names[] = {"negative", "exact", "exact+document", "variant"};

typedef struct traveller {
  wl_query q;
  uint8_t kind;
  uint8_t variant_kind;
  char expected[SG_ID_BYTES]; /* entry id that must be found; "" for negatives */
  char name[SC_NAME_BYTES_MAX];
  char doc[16];
  /* results of the batch pass */
  uint8_t nhits;
  bool found;
  bool found_by_document;
  uint64_t hash; /* of the hits, to compare the latency pass with the batch pass */
} traveller;

/* FNV-1a over a traveller's hits: entry id, score to 1e-4, document flag. */
static uint64_t hits_hash(const wl_hit *h, unsigned n) {
  uint64_t x = sc_fnv(SC_FNV_OFFSET, &n, sizeof n);
  for (unsigned j = 0; j < n; j++) {
    x = sc_fnv(x, h[j].entry->id, strlen(h[j].entry->id) + 1);
    int32_t s = (int32_t)(h[j].score * 10000.0f + 0.5f);
    x = sc_fnv(x, &s, sizeof s);
    uint8_t d = h[j].document_match;
    x = sc_fnv(x, &d, 1);
  }
  return x;
}

static void record_hits(traveller *t, const wl_hit *h, unsigned n) {
  t->nhits = (uint8_t)n;
  t->found = t->found_by_document = false;
  for (unsigned j = 0; j < n; j++) {
    if (t->expected[0] && strcmp(h[j].entry->id, t->expected) == 0) {
      t->found = true;
      t->found_by_document |= h[j].document_match;
    }
  }
  t->hash = hits_hash(h, n);
}

/* Fills one planted traveller (ordinal k) from a listed entry. Odd ordinals are variants of real
 * persons (their names are the hard, real ones); even ones exact copies, every other one of a real
 * person (written as a passport gives it: given names first, upper case) and the rest of synthetic
 * persons, some of which show their listed passport. */
static void make_planted(const gen *g, sc_rng *r, size_t k, traveller *t) {
  bool variant = k % 2 == 1;
  syn s;
  size_t e;
  for (;;) {
    if (variant || k % 4 == 0)
      e = sc_rng_below(r, (unsigned)g->nreal) * g->stride;
    else
      e = sc_rng_below(r, (unsigned)g->entries);
    if (e >= g->entries) continue;
    gen_entry(g, e, &s);
    if (s.document_only) continue;
    if (s.real && (s.entry->kind != WL_KIND_PERSON || s.entry->nnames == 0)) continue;
    const char *base = s.real ? s.entry->names[0] : s.names[0];
    char v[SC_NAME_BYTES_MAX * 2];
    if (variant) {
      t->variant_kind = (uint8_t)(SC_KIND_TYPO1 + k / 2 % (SC_KIND__COUNT - 1));
      if (!sc_variant(r, (sc_kind)t->variant_kind, base, v, sizeof v)) continue;
    } else if (s.real) {
      if (!sc_variant(r, SC_KIND_EXACT, base, v, sizeof v)) continue;
    } else if (strlen(base) < sizeof v) {
      snprintf(v, sizeof v, "%s", base);
    } else {
      continue;
    }
    if (strlen(v) >= sizeof t->name) continue;
    sc_copy(t->name, sizeof t->name, v);
    break;
  }
  entry_id(g, e, &s, t->expected, sizeof t->expected);
  t->kind = variant ? T_VARIANT : T_EXACT;
  t->q.name = t->name;
  const wl_date *d = s.real ? (s.entry->nbirth_dates ? &s.entry->birth_dates[0] : NULL) : &s.dob;
  t->q.birth = sc_traveller_dob(r, d);
  t->q.nationality =
      s.real ? (s.entry->nnationalities ? s.entry->nationalities[0] : NULL) : s.nationality;
  t->q.sex = s.real ? s.entry->sex : s.sex;
  if (!s.real && s.has_doc && k % 8 == 2) {
    t->kind = T_EXACT_DOC;
    doc_number((uint32_t)e, t->doc);
    t->q.document_number = t->doc;
    t->q.document_country = s.doc_country;
    t->q.document_type = "P";
  }
}

static size_t make_travellers(const gen *g, const sc_people *people, size_t n, traveller **out) {
  traveller *tv = sc_xcalloc(n, sizeof *tv);
  sc_rng r = sc_rng_seed(SG_SEED ^ 0x7472617665ull);
  /* Negatives: a fixed shuffle of the yente rows. */
  size_t *perm = sc_xmalloc(people->n * sizeof *perm);
  for (size_t i = 0; i < people->n; i++) perm[i] = i;
  for (size_t i = people->n; i > 1; i--) {
    size_t j = sc_rng_below(&r, (unsigned)i);
    size_t tmp = perm[i - 1];
    perm[i - 1] = perm[j];
    perm[j] = tmp;
  }
  size_t planted = n * SB_PLANTED_PER_MILLE / 1000, next_neg = 0;
  if (planted == 0) planted = 1;
  size_t every = n / planted;
  for (size_t i = 0; i < n; i++) {
    traveller *t = &tv[i];
    /* Planted travellers sit at evenly spread positions, so every manifest holds some. */
    if (i % every == every / 2 && i / every < planted) {
      make_planted(g, &r, i / every, t);
      continue;
    }
    const sc_person *p = &people->v[perm[next_neg++ % people->n]];
    t->q = sc_person_query(p);
    t->kind = T_NEGATIVE;
    /* Each traveller shows a passport that is not listed (numbers above the list's range). */
    doc_number((uint32_t)(g->entries + i), t->doc);
    t->q.document_number = t->doc;
    t->q.document_country = p->nationality ? p->nationality : "FRA";
    t->q.document_type = "P";
  }
  free(perm);
  *out = tv;
  return planted;
}

/* ---- Screening passes ---- */

/* A few hits on true negatives, spread over the run, with the matcher's reasons: what makes a
 * traveller who is not listed reach the threshold against a million names. */
static void show_negative_hits(const wl_index *ix, const traveller *tv, size_t n, float thr) {
  size_t with = 0;
  for (size_t i = 0; i < n; i++) with += tv[i].kind == T_NEGATIVE && tv[i].nhits;
  if (with == 0) return;
  wl_scratch *s = wl_scratch_new(ix, NULL);
  if (s == NULL) return;
  size_t step = with / SB_MISSES_SHOWN + 1, seen = 0;
  printf("  hits on synthetic travellers (examples):\n");
  for (size_t i = 0; i < n; i++) {
    if (tv[i].kind != T_NEGATIVE || !tv[i].nhits || seen++ % step) continue;
    wl_hit h[1];
    unsigned nh = 0;
    wl_screen_opts opts = {thr, 1, NULL};
    if (wl_screen(ix, s, &tv[i].q, &opts, h, &nh, NULL) != BM_OK || nh == 0) continue;
    char dob[16] = "-";
    if (tv[i].q.birth.year)
      snprintf(dob, sizeof dob, "%04d-%02d-%02d", tv[i].q.birth.year, tv[i].q.birth.month,
               tv[i].q.birth.day);
    printf("    \"%s\" (%s, %s) -> %s \"%s\" %.3f:", tv[i].q.name, dob,
           tv[i].q.nationality ? tv[i].q.nationality : "-", h[0].entry->id,
           h[0].entry->names[h[0].name_index], (double)h[0].score);
    for (unsigned r = 0; r < h[0].nreasons; r++) printf(" [%s]", h[0].reasons[r]);
    printf("\n");
  }
  wl_scratch_free(s);
}

typedef struct batch_result {
  double seconds;
  double cpu_share; /* process CPU time / (wall time x threads) */
  double manifest_p50_ms, manifest_p99_ms;
  uint64_t checksum;
  size_t hits, travellers_with_hits, errors;
} batch_result;

static batch_result run_batch(const wl_index *ix, traveller *tv, size_t n, size_t manifest,
                              unsigned threads, float thr) {
  batch_result br;
  memset(&br, 0, sizeof br);
  wl_hit *hits = sc_xmalloc(manifest * WL_DEFAULT_LIMIT * sizeof *hits);
  wl_query *qs = sc_xmalloc(manifest * sizeof *qs);
  unsigned *nh = sc_xmalloc(manifest * sizeof *nh);
  bm_err *errs = sc_xmalloc(manifest * sizeof *errs);
  size_t nman = (n + manifest - 1) / manifest;
  uint64_t *mt = sc_xmalloc(nman * sizeof *mt);
  wl_screen_opts opts = {thr, WL_DEFAULT_LIMIT, NULL};
  double c0 = sc_cpu_seconds(), t0 = sc_now();
  for (size_t m = 0; m < nman; m++) {
    size_t a = m * manifest, b = a + manifest < n ? a + manifest : n;
    for (size_t i = a; i < b; i++) qs[i - a] = tv[i].q;
    double m0 = sc_now();
    bm_err rc = wl_screen_batch(ix, qs, b - a, &opts, threads, hits, nh, errs);
    mt[m] = (uint64_t)((sc_now() - m0) * 1e9);
    if (rc != BM_OK) {
      fprintf(stderr, "screen_bench: wl_screen_batch: %s\n", bm_err_str(rc));
      exit(2);
    }
    for (size_t i = a; i < b; i++) {
      unsigned k = errs[i - a] == BM_OK ? nh[i - a] : 0;
      br.errors += errs[i - a] != BM_OK;
      if (k > WL_DEFAULT_LIMIT) {
        fail("wl_screen_batch returned more hits than the limit");
        k = WL_DEFAULT_LIMIT;
      }
      record_hits(&tv[i], hits + (i - a) * WL_DEFAULT_LIMIT, k);
    }
  }
  br.seconds = sc_now() - t0;
  br.cpu_share = (sc_cpu_seconds() - c0) / (br.seconds * threads);
  uint64_t h = SC_FNV_OFFSET;
  for (size_t i = 0; i < n; i++) {
    h = sc_fnv(h, &tv[i].hash, sizeof tv[i].hash);
    br.hits += tv[i].nhits;
    br.travellers_with_hits += tv[i].nhits > 0;
  }
  br.checksum = h;
  qsort(mt, nman, sizeof *mt, sc_cmp_u64);
  br.manifest_p50_ms = (double)mt[nman / 2] / 1e6;
  br.manifest_p99_ms = (double)mt[nman * 99 / 100] / 1e6;
  free(mt);
  free(hits);
  free(qs);
  free(nh);
  free(errs);
  return br;
}

/* Latency: one thread per core, each with its own scratch, timing every wl_screen call. */
typedef struct lat_arg {
  const wl_index *ix;
  const traveller *tv;
  size_t n;
  unsigned t, nthreads;
  float thr;
  uint64_t *ns;     /* per traveller */
  uint64_t *hashes; /* per traveller */
  bool failed;
} lat_arg;

static void *lat_run(void *p) {
  lat_arg *a = p;
  wl_scratch *s = wl_scratch_new(a->ix, NULL);
  if (s == NULL) {
    a->failed = true;
    return NULL;
  }
  wl_hit hits[WL_DEFAULT_LIMIT];
  wl_screen_opts opts = {a->thr, WL_DEFAULT_LIMIT, NULL};
  for (size_t i = a->t; i < a->n; i += a->nthreads) {
    unsigned nh = 0;
    double t0 = sc_now();
    bm_err rc = wl_screen(a->ix, s, &a->tv[i].q, &opts, hits, &nh, NULL);
    a->ns[i] = (uint64_t)((sc_now() - t0) * 1e9);
    if (rc != BM_OK) nh = 0;
    a->hashes[i] = hits_hash(hits, nh > WL_DEFAULT_LIMIT ? WL_DEFAULT_LIMIT : nh);
  }
  wl_scratch_free(s);
  return NULL;
}

typedef struct lat_result {
  double p50_us, p99_us, p999_us, max_us, seconds, cpu_share;
  size_t mismatches;
  uint64_t checksum;
} lat_result;

static lat_result run_latency(const wl_index *ix, const traveller *tv, size_t n, unsigned nthreads,
                              float thr) {
  lat_result lr;
  memset(&lr, 0, sizeof lr);
  uint64_t *ns = sc_xcalloc(n, sizeof *ns), *hashes = sc_xcalloc(n, sizeof *hashes);
  pthread_t th[SB_THREADS_MAX];
  lat_arg args[SB_THREADS_MAX];
  double c0 = sc_cpu_seconds(), t0 = sc_now();
  for (unsigned t = 0; t < nthreads; t++) {
    args[t] = (lat_arg){ix, tv, n, t, nthreads, thr, ns, hashes, false};
    if (pthread_create(&th[t], NULL, lat_run, &args[t]) != 0) sc_die("pthread_create failed");
  }
  for (unsigned t = 0; t < nthreads; t++) {
    pthread_join(th[t], NULL);
    if (args[t].failed) fail("wl_scratch_new failed");
  }
  lr.seconds = sc_now() - t0;
  lr.cpu_share = (sc_cpu_seconds() - c0) / (lr.seconds * nthreads);
  uint64_t h = SC_FNV_OFFSET;
  for (size_t i = 0; i < n; i++) {
    h = sc_fnv(h, &hashes[i], sizeof hashes[i]);
    lr.mismatches += hashes[i] != tv[i].hash;
  }
  lr.checksum = h;
  /* The slowest travellers say where the tail comes from (common tokens, long names...). */
  size_t worst[SB_MISSES_SHOWN];
  size_t nworst = 0;
  for (size_t i = 0; i < n; i++) {
    size_t k;
    if (nworst < SB_MISSES_SHOWN)
      k = nworst++;
    else if (ns[i] > ns[worst[SB_MISSES_SHOWN - 1]])
      k = SB_MISSES_SHOWN - 1;
    else
      continue;
    while (k > 0 && ns[worst[k - 1]] < ns[i]) { /* insertion into the descending top list */
      worst[k] = worst[k - 1];
      k--;
    }
    worst[k] = i;
  }
  /* Latency by the script of the traveller's name: the tail is not spread evenly. */
  uint64_t *by = sc_xmalloc(n * sizeof *by);
  printf("  latency by script (p50 / p99 us):");
  for (int sc = 0; sc < SC_SCRIPT__COUNT; sc++) {
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
      if (tv[i].q.name && sc_script_of(tv[i].q.name) == (sc_script)sc) by[m++] = ns[i];
    if (m < 100) continue;
    qsort(by, m, sizeof *by, sc_cmp_u64);
    printf(" %s %.0f / %.0f (%zu)", sc_script_names[sc], (double)by[m / 2] / 1e3,
           (double)by[m * 99 / 100] / 1e3, m);
  }
  printf("\n");
  free(by);
  printf("  slowest travellers:");
  for (size_t k = 0; k < nworst; k++)
    printf("%s \"%s\" %.0f us", k ? "," : "", tv[worst[k]].q.name ? tv[worst[k]].q.name : "-",
           (double)ns[worst[k]] / 1e3);
  printf("\n");
  qsort(ns, n, sizeof *ns, sc_cmp_u64);
  lr.p50_us = (double)ns[n / 2] / 1e3;
  lr.p99_us = (double)ns[n * 99 / 100] / 1e3;
  lr.p999_us = (double)ns[n * 999 / 1000] / 1e3;
  lr.max_us = (double)ns[n - 1] / 1e3;
  free(ns);
  free(hashes);
  return lr;
}

/* ---- Document lane ---- */

/* MRZ-OCR confusions as a traveller's scanned number shows them, and now and then a separator. */
static void confuse(sc_rng *r, char *num) {
  static const char from[] = "015826", to[] = "OISBZG";
  size_t len = strlen(num);
  unsigned changes = 1 + sc_rng_below(r, 2);
  for (unsigned c = 0; c < changes; c++) {
    for (int tries = 0; tries < 8; tries++) {
      size_t pos = 2 + sc_rng_below(r, (unsigned)(len - 2));
      const char *f = strchr(from, num[pos]);
      if (f == NULL || num[pos] == '\0') continue;
      num[pos] = to[f - from];
      break;
    }
  }
  if (sc_rng_below(r, 4) == 0) {
    memmove(num + 3, num + 2, len - 1); /* moves the NUL too */
    num[2] = '-';
  }
}

typedef struct docq {
  char num[16];
  const char *country;
  char expected[SG_ID_BYTES]; /* "" when not listed */
} docq;

static void run_documents(const gen *g, const wl_index *ix, size_t nq, double *rate,
                          size_t *bad_out) {
  docq *dq = sc_xcalloc(nq, sizeof *dq);
  sc_rng r = sc_rng_seed(SG_SEED ^ 0x646f63ull);
  size_t listed = 0, confused = 0;
  for (size_t i = 0; i < nq; i++) {
    if (i % 2 == 0) {
      syn s;
      size_t e;
      do {
        e = sc_rng_below(&r, (unsigned)g->entries);
        gen_entry(g, e, &s);
      } while (s.real || !s.has_doc);
      doc_number((uint32_t)e, dq[i].num);
      dq[i].country = s.doc_country;
      entry_id(g, e, &s, dq[i].expected, sizeof dq[i].expected);
      if (i % 3 == 0) {
        confuse(&r, dq[i].num);
        confused++;
      }
      listed++;
    } else {
      doc_number((uint32_t)(g->entries + SG_DOC_SPACE / 2 + i % (SG_DOC_SPACE / 4)), dq[i].num);
      dq[i].country = doc_states[sc_rng_below(&r, BM_COUNTOF(doc_states))];
    }
  }
  wl_scratch *s = wl_scratch_new(ix, NULL);
  if (s == NULL) sc_die("wl_scratch_new failed");
  wl_hit hits[WL_DEFAULT_LIMIT];
  wl_screen_opts opts = {0.0f, WL_DEFAULT_LIMIT, NULL};
  size_t bad = 0, shown = 0;
  double t0 = sc_now();
  for (size_t i = 0; i < nq; i++) {
    wl_query q;
    memset(&q, 0, sizeof q);
    q.document_number = dq[i].num;
    q.document_country = dq[i].country;
    q.document_type = "P";
    unsigned nh = 0;
    bm_err rc = wl_screen(ix, s, &q, &opts, hits, &nh, NULL);
    bool ok;
    if (dq[i].expected[0]) {
      ok = false;
      for (unsigned j = 0; rc == BM_OK && j < nh; j++)
        ok |= hits[j].document_match && strcmp(hits[j].entry->id, dq[i].expected) == 0;
    } else {
      ok = rc == BM_OK && nh == 0;
    }
    if (!ok) {
      bad++;
      if (shown++ < SB_MISSES_SHOWN)
        fprintf(stderr, "screen_bench: document %s %s: expected %s, got rc=%d and %u hits\n",
                dq[i].num, dq[i].country, dq[i].expected[0] ? dq[i].expected : "no hit", (int)rc,
                nh);
    }
  }
  double dt = sc_now() - t0;
  wl_scratch_free(s);
  *rate = (double)nq / dt;
  *bad_out = bad;
  printf("  document lane: %zu document-only queries (%zu listed, %zu of them with MRZ "
         "confusables or a separator; %zu not listed), one thread: %.0f lookups/s (%.2f us "
         "each); wrong: %zu\n",
         nq, listed, confused, nq - listed, *rate, 1e6 / *rate, bad);
  free(dq);
}

/* ---- Brute-force peer ---- */

typedef struct bf_name {
  const wl_entry *entry;
  uint32_t first; /* into the segment's toks */
  uint8_t ntok;
} bf_name;

typedef struct bf_seg {
  bf_name *names;
  size_t n;
  nm_tok *toks;
  size_t ntoks, cap_toks;
  sc_pool pool;
  size_t failed;
} bf_seg;

typedef struct bf_prep_arg {
  const wl_list *l;
  size_t from, to; /* entries */
  bf_seg *seg;
} bf_prep_arg;

/* Prepares the list names of entries [from, to) once, as compact token views (the strings copied
 * out of the nm_name, which is 2 KB each and cannot be kept for a million names). */
static void *bf_prep(void *p) {
  bf_prep_arg *a = p;
  nm_normalizer *nz = nm_normalizer_new(NULL);
  if (nz == NULL) return NULL;
  bf_seg *g = a->seg;
  size_t cap = 1024;
  g->names = sc_xmalloc(cap * sizeof *g->names);
  for (size_t i = a->from; i < a->to; i++) {
    const wl_entry *e = wl_list_entry(a->l, i);
    if (e->kind != WL_KIND_PERSON && e->kind != WL_KIND_ENTITY) continue;
    for (uint32_t k = 0; k < e->nnames; k++) {
      nm_name nn;
      if (nm_prepare(nz, e->names[k], strlen(e->names[k]), &nn, NULL) != BM_OK || nn.ntokens == 0) {
        g->failed++;
        continue;
      }
      nm_tok t[NM_TOKENS_MAX];
      unsigned nt = nm_name_toks(&nn, t, NM_TOKENS_MAX);
      if (g->ntoks + nt > g->cap_toks) {
        g->cap_toks = g->cap_toks ? 2 * g->cap_toks : 4096;
        g->toks = sc_xrealloc(g->toks, g->cap_toks * sizeof *g->toks);
      }
      for (unsigned j = 0; j < nt; j++) {
        nm_tok c = t[j];
        c.s = sc_pool_strndup(&g->pool, t[j].s, t[j].len);
        c.alt = t[j].alt ? sc_pool_strndup(&g->pool, t[j].alt, t[j].alt_len) : NULL;
        c.skeleton =
            t[j].skeleton ? sc_pool_strndup(&g->pool, t[j].skeleton, t[j].skeleton_len) : NULL;
        g->toks[g->ntoks + j] = c;
      }
      if (g->n == cap) {
        cap *= 2;
        g->names = sc_xrealloc(g->names, cap * sizeof *g->names);
      }
      g->names[g->n++] = (bf_name){e, (uint32_t)g->ntoks, (uint8_t)nt};
      g->ntoks += nt;
    }
  }
  nm_normalizer_free(nz);
  return NULL;
}

typedef struct bf_hit {
  const wl_entry *entry;
  float score;
} bf_hit;

typedef struct bf_q {
  const traveller *t;
  bf_hit *hits;
  size_t nhits, cap;
} bf_q;

typedef struct bf_run_arg {
  bf_seg *segs;
  unsigned nsegs;
  bf_q *qs;
  size_t nq;
  unsigned t, nthreads;
  float thr;
} bf_run_arg;

static void bf_keep(bf_q *q, const wl_entry *e, float score) {
  if (q->nhits == q->cap) {
    q->cap = q->cap ? 2 * q->cap : 16;
    q->hits = sc_xrealloc(q->hits, q->cap * sizeof *q->hits);
  }
  q->hits[q->nhits++] = (bf_hit){e, score};
}

/* Every list name scored against the traveller; an entry's score is its best name's. */
static void *bf_run(void *p) {
  bf_run_arg *a = p;
  nm_normalizer *nz = nm_normalizer_new(NULL);
  if (nz == NULL) return NULL;
  for (size_t i = a->t; i < a->nq; i += a->nthreads) {
    bf_q *q = &a->qs[i];
    nm_name nn;
    if (nm_prepare(nz, q->t->q.name, strlen(q->t->q.name), &nn, NULL) != BM_OK) continue;
    nm_tok qt[NM_TOKENS_MAX];
    unsigned nq = nm_name_toks(&nn, qt, NM_TOKENS_MAX);
    for (unsigned sg = 0; sg < a->nsegs; sg++) {
      const bf_seg *g = &a->segs[sg];
      const wl_entry *cur = NULL;
      float best = 0.0f;
      for (size_t k = 0; k < g->n; k++) {
        if (g->names[k].entry != cur) { /* an entry's names are consecutive */
          if (cur && best >= a->thr) bf_keep(q, cur, best);
          cur = g->names[k].entry;
          best = 0.0f;
        }
        float sc = nm_similarity(qt, nq, g->toks + g->names[k].first, g->names[k].ntok, NULL);
        if (sc > best) best = sc;
      }
      if (cur && best >= a->thr) bf_keep(q, cur, best);
    }
  }
  nm_normalizer_free(nz);
  return NULL;
}

static int cmp_bf_hit(const void *a, const void *b) {
  const bf_hit *x = a, *y = b;
  return (x->score < y->score) - (x->score > y->score);
}

typedef struct peer_result {
  double brute_tps;
  double cand_recall;
  size_t brute_hits, index_found;
  size_t top_hits, top_found; /* the brute force's SB_BRUTE_TOP best per traveller */
  double top_recall;
  size_t planted, brute_found, index_found_planted;
} peer_result;

static peer_result run_brute(const wl_list *l, const wl_index *ix, const traveller *sample,
                             size_t ns, unsigned nthreads, float thr) {
  peer_result pr;
  memset(&pr, 0, sizeof pr);
  bf_seg segs[SB_THREADS_MAX];
  memset(segs, 0, sizeof segs);
  pthread_t th[SB_THREADS_MAX];
  bf_prep_arg pa[SB_THREADS_MAX];
  size_t ne = wl_list_count(l);
  double t0 = sc_now();
  for (unsigned t = 0; t < nthreads; t++) {
    pa[t] = (bf_prep_arg){l, ne * t / nthreads, ne * (t + 1) / nthreads, &segs[t]};
    if (pthread_create(&th[t], NULL, bf_prep, &pa[t]) != 0) sc_die("pthread_create failed");
  }
  size_t names = 0, toks = 0, failed = 0;
  for (unsigned t = 0; t < nthreads; t++) {
    pthread_join(th[t], NULL);
    names += segs[t].n;
    toks += segs[t].ntoks;
    failed += segs[t].failed;
  }
  printf("  brute force: %zu list names prepared with nm_prepare in %.1f s (%zu tokens, %zu "
         "without tokens); preparation is not timed below\n",
         names, sc_now() - t0, toks, failed);

  bf_q *qs = sc_xcalloc(ns, sizeof *qs);
  for (size_t i = 0; i < ns; i++) qs[i].t = &sample[i];
  bf_run_arg ra[SB_THREADS_MAX];
  t0 = sc_now();
  for (unsigned t = 0; t < nthreads; t++) {
    ra[t] = (bf_run_arg){segs, nthreads, qs, ns, t, nthreads, thr};
    if (pthread_create(&th[t], NULL, bf_run, &ra[t]) != 0) sc_die("pthread_create failed");
  }
  for (unsigned t = 0; t < nthreads; t++) pthread_join(th[t], NULL);
  double dt = sc_now() - t0;
  pr.brute_tps = (double)ns / dt;

  /* The index on the same travellers, name only (no evidence, so the score is the name score) and
   * with a threshold SB_BRUTE_LOW lower: the index weighs tokens by rarity and the brute force
   * cannot (it has no list statistics), so scores differ somewhat; what is measured here is whether
   * the candidate generation reached the entries at all. */
  wl_scratch *s = wl_scratch_new(ix, NULL);
  if (s == NULL) sc_die("wl_scratch_new failed");
  wl_hit *hits = sc_xmalloc(WL_HITS_MAX * sizeof *hits);
  float low = thr - SB_BRUTE_LOW;
  wl_screen_opts opts = {low > 0.05f ? low : 0.05f, WL_HITS_MAX, NULL};
  size_t shown = 0;
  for (size_t i = 0; i < ns; i++) {
    bf_q *q = &qs[i];
    if (q->nhits) qsort(q->hits, q->nhits, sizeof *q->hits, cmp_bf_hit); /* NULL when none */
    size_t nb = q->nhits < WL_HITS_MAX ? q->nhits : WL_HITS_MAX;
    wl_query nq;
    memset(&nq, 0, sizeof nq);
    nq.name = q->t->q.name;
    unsigned nh = 0;
    if (wl_screen(ix, s, &nq, &opts, hits, &nh, NULL) != BM_OK) nh = 0;
    for (size_t b = 0; b < nb; b++) {
      bool got = false;
      for (unsigned j = 0; j < nh && !got; j++) got = hits[j].entry == q->hits[b].entry;
      pr.brute_hits++;
      pr.index_found += got;
      if (b < SB_BRUTE_TOP) {
        pr.top_hits++;
        pr.top_found += got;
      }
      /* A miss while the index returned its full limit may only be ranked below it (rarity
       * weights); with fewer hits the index never scored the entry high enough or never saw it. */
      if (!got && shown++ < SB_MISSES_SHOWN)
        printf("    not returned by the index: \"%s\" -> \"%s\" (%s), brute-force name score "
               "%.3f (rank %zu of %zu); the index returned %u hits, the lowest %.3f\n",
               q->t->q.name, q->hits[b].entry->names[0], q->hits[b].entry->id,
               (double)q->hits[b].score, b + 1, q->nhits, nh,
               nh ? (double)hits[nh - 1].score : 0.0);
    }
    if (q->t->expected[0]) {
      pr.planted++;
      for (size_t b = 0; b < q->nhits; b++)
        pr.brute_found += strcmp(q->hits[b].entry->id, q->t->expected) == 0;
      pr.index_found_planted += q->t->found;
    }
  }
  pr.cand_recall = pr.brute_hits ? (double)pr.index_found / (double)pr.brute_hits : 1.0;
  printf("  brute force: %zu travellers x %zu names in %.1f s on %u threads: %.2f travellers/s "
         "(%.0f ns per name pair per thread)\n",
         ns, names, dt, nthreads, pr.brute_tps,
         dt * nthreads / ((double)ns * (double)(names ? names : 1)) * 1e9);
  pr.top_recall = pr.top_hits ? (double)pr.top_found / (double)pr.top_hits : 1.0;
  printf("  candidate generation: the index returned %zu of the %zu entries the brute force "
         "scored >= %.2f (recall %.4f), %zu of their %d best per traveller (%.4f); planted "
         "travellers in the sample: brute force found %zu of %zu, the index (batch) %zu\n",
         pr.index_found, pr.brute_hits, (double)thr, pr.cand_recall, pr.top_found, SB_BRUTE_TOP,
         pr.top_recall, pr.brute_found, pr.planted, pr.index_found_planted);
  wl_scratch_free(s);
  free(hits);
  for (size_t i = 0; i < ns; i++) free(qs[i].hits);
  free(qs);
  for (unsigned t = 0; t < nthreads; t++) {
    free(segs[t].names);
    free(segs[t].toks);
    sc_pool_free(&segs[t].pool);
  }
  return pr;
}

/* ---- Files for the fuzzball peer ---- */

static void tsv_field(FILE *fp, const char *s) {
  for (; *s; s++) fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, fp);
}

/* names.tsv: "entry index<TAB>name" for every name of every person/entity; queries.tsv: "expected
 * entry index or -1<TAB>kind<TAB>name"; expected.json: the counts the peer must see. */
static int write_peer(const char *dir, const wl_list *l, const traveller *sample, size_t ns,
                      float thr) {
  char path[SC_PATH_BYTES_MAX];
  sc_path(path, dir, "names.tsv");
  FILE *fp = fopen(path, "w");
  if (fp == NULL) {
    fprintf(stderr, "screen_bench: cannot write %s: %s\n", path, strerror(errno));
    return -1;
  }
  size_t names = 0;
  for (size_t i = 0; i < wl_list_count(l); i++) {
    const wl_entry *e = wl_list_entry(l, i);
    if (e->kind != WL_KIND_PERSON && e->kind != WL_KIND_ENTITY) continue;
    for (uint32_t k = 0; k < e->nnames; k++) {
      fprintf(fp, "%zu\t", i);
      tsv_field(fp, e->names[k]);
      fputc('\n', fp);
      names++;
    }
  }
  if (fclose(fp) != 0) return -1;
  sc_path(path, dir, "queries.tsv");
  fp = fopen(path, "w");
  if (fp == NULL) return -1;
  size_t planted = 0;
  for (size_t i = 0; i < ns; i++) {
    long expected = -1;
    if (sample[i].expected[0])
      for (size_t k = 0; k < wl_list_count(l) && expected < 0; k++)
        if (strcmp(wl_list_entry(l, k)->id, sample[i].expected) == 0) expected = (long)k;
    planted += expected >= 0;
    fprintf(fp, "%ld\t%s\t", expected, tkind_names[sample[i].kind]);
    tsv_field(fp, sample[i].q.name);
    fputc('\n', fp);
  }
  if (fclose(fp) != 0) return -1;
  sc_path(path, dir, "expected.json");
  fp = fopen(path, "w");
  if (fp == NULL) return -1;
  fprintf(fp, "{\"names\": %zu, \"queries\": %zu, \"planted\": %zu, \"threshold\": %.2f}\n", names,
          ns, planted, (double)thr);
  return fclose(fp) != 0 ? -1 : 0;
}

/* ---- Command line ---- */

static void usage(FILE *fp) {
  fprintf(fp,
          "usage: screen_bench --data DIR [--entries N] [--travellers N] [--threads N] "
          "[--manifest N]\n"
          "                    [--brute N] [--peer-sample N] [--doc-queries N] [--write-peer DIR] "
          "[--keep-list FILE]\n"
          "  --data DIR         the shared data directory (names/ and watchlists/)\n"
          "  --entries N        list entries (default %d)\n"
          "  --travellers N     travellers screened (default %d, %d per 1,000 planted)\n"
          "  --threads N        threads for batches and latency (default: all cores)\n"
          "  --manifest N       travellers per wl_screen_batch call (default %d)\n"
          "  --brute N          travellers of the brute-force peer (default %d; 0 = skip)\n"
          "  --peer-sample N    travellers written for the fuzzball peer (default %d)\n"
          "  --doc-queries N    document-lane queries (default %d)\n"
          "  --write-peer DIR   write names.tsv, queries.tsv, expected.json for the fuzzball peer\n"
          "  --keep-list FILE   keep the generated JSON Lines list there\n",
          SB_ENTRIES_DEFAULT, SB_TRAVELLERS_DEFAULT, SB_PLANTED_PER_MILLE, SB_MANIFEST_DEFAULT,
          SB_BRUTE_DEFAULT, SB_PEER_DEFAULT, SB_DOCQ_DEFAULT);
}

static bool parse_size(const char *s, size_t lo, size_t hi, size_t *out) {
  char *end = NULL;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno || *end || v < lo || v > hi) return false;
  *out = (size_t)v;
  return true;
}

int main(int argc, char **argv) {
  const char *data = NULL, *peer_dir = NULL, *keep = NULL;
  size_t entries = SB_ENTRIES_DEFAULT, ntrav = SB_TRAVELLERS_DEFAULT;
  size_t manifest = SB_MANIFEST_DEFAULT, brute = SB_BRUTE_DEFAULT, peer_sample = SB_PEER_DEFAULT;
  size_t ndocq = SB_DOCQ_DEFAULT, threads = 0;
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
    } else if (strcmp(arg, "--write-peer") == 0) {
      peer_dir = argv[++a];
    } else if (strcmp(arg, "--keep-list") == 0) {
      keep = argv[++a];
    } else if (strcmp(arg, "--entries") == 0) {
      ok = parse_size(argv[++a], 20000, SG_ENTRIES_MAX, &entries);
    } else if (strcmp(arg, "--travellers") == 0) {
      ok = parse_size(argv[++a], 100, 10000000, &ntrav);
    } else if (strcmp(arg, "--threads") == 0) {
      ok = parse_size(argv[++a], 0, SB_THREADS_MAX, &threads);
    } else if (strcmp(arg, "--manifest") == 0) {
      ok = parse_size(argv[++a], 1, 100000, &manifest);
    } else if (strcmp(arg, "--brute") == 0) {
      ok = parse_size(argv[++a], 0, 100000, &brute);
    } else if (strcmp(arg, "--peer-sample") == 0) {
      ok = parse_size(argv[++a], 0, 100000, &peer_sample);
    } else if (strcmp(arg, "--doc-queries") == 0) {
      ok = parse_size(argv[++a], 0, 100000000, &ndocq);
    } else {
      ok = false;
    }
    if (!ok) {
      usage(stderr);
      return 2;
    }
  }
  setvbuf(stdout, NULL, _IOLBF, 0); /* progress shows through run.sh's tee */
  if (data == NULL) {
    usage(stderr);
    return 2;
  }
  unsigned nthreads = threads ? (unsigned)threads : ncores();
  const float thr = WL_DEFAULT_THRESHOLD;
  printf("screen_bench: %zu-entry list, %zu travellers, %u threads (%u cores), threshold %.2f, "
         "seed 0x%" PRIx64 "\n",
         entries, ntrav, nthreads, ncores(), (double)thr, (uint64_t)SG_SEED);

  /* ---- Inputs (not timed) ---- */
  gen g;
  sc_people people;
  if (gen_init(&g, &people, data, entries, false, "screen_bench") != 0) return 2;

  /* ---- The list file ---- */
  char tmp[] = "/tmp/openbmis-screen-bench-XXXXXX";
  const char *list_path = keep;
  FILE *fp;
  if (keep) {
    fp = fopen(keep, "w");
  } else {
    int fd = mkstemp(tmp);
    fp = fd >= 0 ? fdopen(fd, "w") : NULL;
    list_path = tmp;
  }
  double t0 = sc_now();
  gen_counts counts;
  long bytes = gen_write_list(&g, fp, &counts);
  printf("  list file: %zu entries (%zu real UN/OFAC, %zu lost/stolen documents, %zu synthetic "
         "persons with %zu aliases and %zu passports), %.0f MB JSON Lines, written in %.1f s\n",
         entries, counts.kinds[0], counts.kinds[1], counts.kinds[2], counts.aliases, counts.docs,
         (double)bytes / 1e6, sc_now() - t0);
  printf("  synthetic persons by script:");
  for (int s = 0; s < SC_SCRIPT__COUNT; s++)
    if (counts.scripts[s]) printf(" %s %zu", sc_script_names[s], counts.scripts[s]);
  printf("\n");
  double rss_before = sc_rss_mb();

  /* ---- Load and index: the measured part ---- */
  wl_list *list = NULL;
  wl_load_report rep;
  bm_diag diag;
  memset(&diag, 0, sizeof diag);
  t0 = sc_now();
  bm_err rc = wl_list_load(list_path, "national", WL_FORMAT_JSONL, &list, &rep, &diag);
  double load_s = sc_now() - t0;
  if (!keep) unlink(tmp);
  if (rc != BM_OK) {
    fprintf(stderr, "screen_bench: wl_list_load: %s %s\n", bm_err_str(rc), diag.message);
    return 2;
  }
  printf("  wl_list_load: %zu records, %zu loaded, %zu skipped, %zu issues, %.2f s, list memory "
         "%.0f MB\n",
         rep.records, rep.loaded, rep.skipped, rep.nissues, load_s,
         (double)wl_list_memory(list) / 1e6);
  for (size_t k = 0; k < rep.nissues && k < 3 && k < WL_REPORT_ISSUES_MAX; k++)
    printf("    issue: line %u %s: %s\n", rep.issues[k].line, rep.issues[k].field,
           rep.issues[k].message);
  if (rep.loaded != entries) fail("the loader did not keep every generated entry");
  wl_index *ix = NULL;
  wl_index_opts iopts = {0};
  t0 = sc_now();
  rc = wl_index_build(&list, 1, &iopts, &ix, &diag);
  double index_s = sc_now() - t0;
  if (rc != BM_OK) {
    fprintf(stderr, "screen_bench: wl_index_build: %s %s\n", bm_err_str(rc), diag.message);
    return 2;
  }
  wl_index_stats st;
  wl_index_stats_get(ix, &st);
  double rss_index = sc_rss_mb(), maxrss_index = sc_max_rss_mb();
  printf("  wl_index_build: %.2f s; %zu entries (%zu persons, %zu entities, %zu documents-only), "
         "%zu names, %zu distinct tokens, %zu documents, index memory %.0f MB\n",
         index_s, st.entries, st.persons, st.entities, st.documents_entries, st.names,
         st.tokens_distinct, st.documents, (double)st.memory_bytes / 1e6);
  printf("  resident: %.0f MB before loading (the generator's inputs), %.0f MB with list + index, "
         "peak so far %.0f MB (getrusage)\n",
         rss_before, rss_index, maxrss_index);

  /* ---- Travellers ---- */
  traveller *tv = NULL;
  size_t planted = make_travellers(&g, &people, ntrav, &tv);
  batch_result br = run_batch(ix, tv, ntrav, manifest, nthreads, thr);
  double tps = (double)ntrav / br.seconds;
  size_t n_kind[4] = {0}, f_kind[4] = {0}, f_doc = 0, neg_hit = 0;
  size_t vk_n[SC_KIND__COUNT] = {0}, vk_f[SC_KIND__COUNT] = {0};
  for (size_t i = 0; i < ntrav; i++) {
    n_kind[tv[i].kind]++;
    f_kind[tv[i].kind] += tv[i].found;
    neg_hit += tv[i].kind == T_NEGATIVE && tv[i].nhits > 0;
    f_doc += tv[i].kind == T_EXACT_DOC && tv[i].found_by_document;
    if (tv[i].kind == T_VARIANT) {
      vk_n[tv[i].variant_kind]++;
      vk_f[tv[i].variant_kind] += tv[i].found;
    }
  }
  printf("  wl_screen_batch: %zu travellers (%zu planted) in manifests of %zu on %u threads: %.2f "
         "s, %.0f travellers/s (cpu %.0f%%); per manifest p50 %.2f ms, p99 %.2f ms; %zu hits, %zu "
         "travellers with hits, %zu refused; checksum %016" PRIx64 "\n",
         ntrav, planted, manifest, nthreads, br.seconds, tps, 100.0 * br.cpu_share,
         br.manifest_p50_ms, br.manifest_p99_ms, br.hits, br.travellers_with_hits, br.errors,
         br.checksum);
  size_t exact_n = n_kind[T_EXACT] + n_kind[T_EXACT_DOC];
  size_t exact_f = f_kind[T_EXACT] + f_kind[T_EXACT_DOC];
  double recall_var =
      n_kind[T_VARIANT] ? (double)f_kind[T_VARIANT] / (double)n_kind[T_VARIANT] : 0.0;
  printf("  planted: exact %zu of %zu found (%zu showed their listed passport, %zu matched by the "
         "document lane); variants %zu of %zu (recall %.4f); negatives with a hit: %zu of %zu\n",
         exact_f, exact_n, n_kind[T_EXACT_DOC], f_doc, f_kind[T_VARIANT], n_kind[T_VARIANT],
         recall_var, neg_hit, n_kind[T_NEGATIVE]);
  printf("  variants by kind:");
  for (int k = 1; k < SC_KIND__COUNT; k++)
    if (vk_n[k]) printf(" %s %zu/%zu", sc_kind_names[k], vk_f[k], vk_n[k]);
  printf("\n");
  size_t shown = 0;
  for (size_t i = 0; i < ntrav && shown < 2 * SB_MISSES_SHOWN; i++) {
    if (tv[i].kind == T_NEGATIVE || tv[i].found) continue;
    printf("    missed %s: \"%s\" (expected %s)\n", tkind_names[tv[i].kind], tv[i].q.name,
           tv[i].expected);
    shown++;
  }
  show_negative_hits(ix, tv, ntrav, thr);
  if (exact_f != exact_n) fail("a planted exact person was not found");
  if (f_doc != n_kind[T_EXACT_DOC]) fail("a planted listed passport was not matched by the lane");

  lat_result lr = run_latency(ix, tv, ntrav, nthreads, thr);
  printf("  wl_screen latency (%u threads, each timing its own calls): p50 %.1f us, p99 %.1f us, "
         "p99.9 %.1f us, max %.1f us; %.0f travellers/s (cpu %.0f%%); checksum %016" PRIx64
         ", %zu travellers differ from the batch\n",
         nthreads, lr.p50_us, lr.p99_us, lr.p999_us, lr.max_us, (double)ntrav / lr.seconds,
         100.0 * lr.cpu_share, lr.checksum, lr.mismatches);
  if (lr.mismatches || lr.checksum != br.checksum)
    fail("wl_screen and wl_screen_batch disagree on some travellers' hits");

  double doc_rate = 0;
  size_t doc_bad = 0;
  if (ndocq) {
    run_documents(&g, ix, ndocq, &doc_rate, &doc_bad);
    if (doc_bad) fail("the document lane missed a listed document or matched an unlisted one");
  }

  /* ---- Peers: a sample alternating planted and negative travellers ---- */
  size_t nsample = brute > peer_sample ? brute : peer_sample;
  traveller *sample = sc_xcalloc(nsample ? nsample : 1, sizeof *sample);
  size_t ns = 0, ip = 0, in = 0;
  while (ns < nsample) {
    /* Even positions planted, odd ones negatives; when one kind runs out the other fills in. */
    while (ip < ntrav && tv[ip].kind == T_NEGATIVE) ip++;
    while (in < ntrav && tv[in].kind != T_NEGATIVE) in++;
    if (ip >= ntrav && in >= ntrav) break;
    if ((ns % 2 == 0 && ip < ntrav) || in >= ntrav)
      sample[ns++] = tv[ip++];
    else
      sample[ns++] = tv[in++];
  }
  peer_result pr;
  memset(&pr, 0, sizeof pr);
  if (brute) pr = run_brute(list, ix, sample, brute < ns ? brute : ns, nthreads, thr);
  if (peer_dir) {
    if (write_peer(peer_dir, list, sample, peer_sample < ns ? peer_sample : ns, thr) != 0) {
      fprintf(stderr, "screen_bench: cannot write the peer files in %s\n", peer_dir);
      return 2;
    }
    printf("  fuzzball peer files written to %s\n", peer_dir);
  }
  double rss_peak = sc_max_rss_mb();

  /* ---- Summary ---- */
  printf("\n%-34s %14s  %s\n", "figure", "value", "target");
  printf("%-34s %14.2f  load + index <= %.0f s: %s\n", "load seconds", load_s, SB_TARGET_LOAD_S,
         load_s + index_s <= SB_TARGET_LOAD_S ? "met" : "MISSED");
  printf("%-34s %14.2f\n", "index build seconds", index_s);
  printf("%-34s %14.0f  <= 1.5 GB: %s\n", "resident MB (list + index)", maxrss_index,
         maxrss_index <= SB_TARGET_RSS_MB ? "met" : "MISSED");
  printf("%-34s %14.0f  >= 50,000 on 2 cores: %s\n", "travellers/s (batch)", tps,
         tps >= SB_TARGET_TPS ? "met" : "MISSED");
  printf("%-34s %14.1f\n", "latency p50 us", lr.p50_us);
  printf("%-34s %14.1f  <= 1 ms: %s\n", "latency p99 us", lr.p99_us,
         lr.p99_us <= SB_TARGET_P99_US ? "met" : "MISSED");
  printf("%-34s %14.4f  >= 0.98: %s\n", "recall, planted variants", recall_var,
         recall_var >= SB_TARGET_RECALL ? "met" : "MISSED");
  printf("%-34s %9zu/%zu\n", "exact planted found", exact_f, exact_n);
  printf("%-34s %14.0f\n", "document lookups/s (1 thread)", doc_rate);
  if (brute) {
    printf("%-34s %14.2f  (openbmis %.0fx faster)\n", "brute force travellers/s", pr.brute_tps,
           tps / pr.brute_tps);
    printf("%-34s %14.4f\n", "candidate recall vs brute force", pr.cand_recall);
  }
  printf("=entries %zu\n=threads %u\n=load_s %.3f\n=index_s %.3f\n=load_index_s %.3f\n", entries,
         nthreads, load_s, index_s, load_s + index_s);
  printf("=rss_mb %.0f\n=rss_peak_mb %.0f\n=travellers_per_s %.0f\n", maxrss_index, rss_peak, tps);
  printf("=manifest_p50_ms %.3f\n=manifest_p99_ms %.3f\n=cpu_share %.2f\n", br.manifest_p50_ms,
         br.manifest_p99_ms, br.cpu_share);
  printf("=p50_us %.1f\n=p99_us %.1f\n=recall_variants %.4f\n=exact_found %zu/%zu\n", lr.p50_us,
         lr.p99_us, recall_var, exact_f, exact_n);
  printf("=doc_lookups_per_s %.0f\n", doc_rate);
  if (brute)
    printf("=brute_travellers_per_s %.3f\n=cand_recall %.4f\n=cand_recall_top10 %.4f\n",
           pr.brute_tps, pr.cand_recall, pr.top_recall);
  printf("=checksum %016" PRIx64 "\n=verification %s\n", br.checksum, g_failed ? "FAIL" : "OK");

  free(sample);
  free(tv);
  wl_index_free(ix);
  wl_list_free(list);
  gen_free(&g, &people);
  return g_failed ? 1 : 0;
}
