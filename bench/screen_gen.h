/* screen_gen.h - the synthetic 1,000,000-entry watchlist of bench/screen_bench.c (speed of
 * screening) and bench/api_bench.c (API ingest): one generator and one seed, so that both
 * benchmarks measure the same list.
 *
 * The list (reference/name-screening.md 4.3): the real UN consolidated (2026-02) and OFAC SDN
 * (2021-07) entries planted among synthetic ones, written as openbmis JSON Lines. Synthetic persons
 * recombine the given, middle and family names of the yente synthetic travellers within one script
 * (Latin, Arabic, Cyrillic, Han, Hangul, kana, Indic...), or pair Wikidata name tokens with their
 * native spelling as an alias; they carry dates of birth (full, year, range or none),
 * nationalities, sex and passports. One entry in ten is a lost/stolen document only. Entry i comes
 * from its own seed, so any entry can be regenerated without keeping the list in memory.
 *
 * Header-only like screen_common.h (CMake builds every bench/ *_bench.c file as an executable of
 * one source file); the functions are static inline so that a program that does not call one of
 * them gets no unused-function warning.
 */
#ifndef BMIS_BENCH_SCREEN_GEN_H
#define BMIS_BENCH_SCREEN_GEN_H

#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "bmis/watchlist.h"
#include "screen_common.h"

#define SG_SEED        0x5CEE4B3E4C400001ull
#define SG_DOC_SPACE   10000000u /* document number bijection range */
#define SG_ENTRIES_MAX 5000000   /* document numbers come from a bijection on 0..10^7-1 */
#define SG_ID_BYTES    320       /* an entry id: a real one behind its list's prefix */

/* ---- Inputs ---- */

static const char *const wd_scripts[] = {"russian", "arabic", "chinese",
                                         "hebrew",  "korean", "japanese"};
#define WD_N BM_COUNTOF(wd_scripts)

typedef struct wd_tokens {
  char *buf;
  const char **en, **native;
  size_t n;
} wd_tokens;

static inline int wd_read(const char *data, const char *script, wd_tokens *w) {
  char path[SC_PATH_BYTES_MAX], rel[128];
  snprintf(rel, sizeof rel, "names/translit_wikidata_coling2018/wd_%s_20", script);
  sc_path(path, data, rel);
  memset(w, 0, sizeof *w);
  w->buf = sc_read_file(path, NULL);
  if (w->buf == NULL) return -1;
  size_t cap = 1024;
  w->en = sc_xmalloc(cap * sizeof *w->en);
  w->native = sc_xmalloc(cap * sizeof *w->native);
  for (char *line = w->buf; line && *line;) {
    char *nl = strchr(line, '\n');
    if (nl) *nl = '\0';
    char *tab1 = strchr(line, '\t'), *tab2 = tab1 ? strchr(tab1 + 1, '\t') : NULL;
    if (tab1 && tab2) {
      *tab1 = *tab2 = '\0';
      char *wp = tab1 + 1;
      for (char *r = tab1 + 1; *r; r++)
        if (*r != ' ') *wp++ = *r;
      *wp = '\0';
      if (w->n == cap) {
        cap *= 2;
        w->en = sc_xrealloc(w->en, cap * sizeof *w->en);
        w->native = sc_xrealloc(w->native, cap * sizeof *w->native);
      }
      /* Wikidata tokens are lower case: capitalise like a name. */
      line[0] = (char)toupper((unsigned char)line[0]);
      w->en[w->n] = line;
      w->native[w->n++] = tab1 + 1;
    }
    line = nl ? nl + 1 : NULL;
  }
  return 0;
}

/* Document numbers: two letters that no MRZ confusable folds (so the lane's normalisation can never
 * merge two of them) and seven digits from a bijection on 0..10^7-1, so numbers are distinct. */
static const char doc_letters[] = "ACDEFHJKLMNPRTUVWXY";

static inline void doc_number(uint32_t k, char out[10]) {
  uint32_t digits = (uint32_t)(((uint64_t)k * 3141593u + 2718281u) % SG_DOC_SPACE);
  uint64_t h = sc_fnv(SC_FNV_OFFSET, &k, sizeof k);
  out[0] = doc_letters[h % (sizeof doc_letters - 1)];
  out[1] = doc_letters[(h >> 16) % (sizeof doc_letters - 1)];
  for (int d = 8; d >= 2; d--) {
    out[d] = (char)('0' + digits % 10);
    digits /= 10;
  }
  out[9] = '\0';
}

static const char *const doc_states[] = {"FRA", "DEU", "ITA", "ESP", "GBR", "USA", "TUR", "EGY",
                                         "PAK", "IND", "CHN", "RUS", "NGA", "BRA", "MEX", "IRN"};

/* ---- The synthetic list ---- */

typedef struct gen {
  const sc_people *people;
  size_t *by_script[SC_SCRIPT__COUNT];
  size_t nby[SC_SCRIPT__COUNT];
  wd_tokens wd[WD_N];
  wl_list *real[2]; /* un, ofac */
  const char *real_prefix[2];
  size_t nreal, stride, entries;
} gen;

typedef struct syn {
  bool real;
  const wl_entry *entry; /* real: the listed entry */
  int real_list;
  bool document_only;
  char names[3][SC_NAME_BYTES_MAX];
  unsigned nnames;
  wl_date dob;
  const char *nationality;
  char sex;
  bool has_doc;
  const char *doc_country;
} syn;

/* Loads the generator's inputs from the shared data directory DATA: the yente synthetic persons
 * into *people (g points to them; the benchmarks draw their travellers from them too), their rows
 * by script, the Wikidata tokens and the real lists. The real entries are planted every g->stride
 * entries of an ENTRIES-entry list; when they number more than half of it, clamp_real plants only
 * entries / 2 of them, and otherwise the program dies. Returns 0, or -1 when an input cannot be
 * read (the message on stderr, prefixed with PROG). Free with gen_free. */
static inline int gen_init(gen *g, sc_people *people, const char *data, size_t entries,
                           bool clamp_real, const char *prog) {
  char path[SC_PATH_BYTES_MAX];
  memset(g, 0, sizeof *g);
  memset(people, 0, sizeof *people);
  static const char *const neg_files[2] = {"names/yente_screening_fixtures/negatives_global.csv",
                                           "names/yente_screening_fixtures/negatives_us.csv"};
  for (int f = 0; f < 2; f++) {
    sc_path(path, data, neg_files[f]);
    if (sc_people_load(people, f, path) < 0) return -1;
  }
  g->people = people;
  for (size_t i = 0; i < people->n; i++) g->nby[people->v[i].script]++;
  for (int s = 0; s < SC_SCRIPT__COUNT; s++) {
    g->by_script[s] = sc_xmalloc((g->nby[s] ? g->nby[s] : 1) * sizeof(size_t));
    g->nby[s] = 0;
  }
  for (size_t i = 0; i < people->n; i++) {
    sc_script s = people->v[i].script;
    g->by_script[s][g->nby[s]++] = i;
  }
  for (size_t s = 0; s < WD_N; s++)
    if (wd_read(data, wd_scripts[s], &g->wd[s]) != 0) return -1;
  static const char *const real_files[2] = {
      "watchlists/un_consolidated_2026-02/UN_consolidated.xml",
      "watchlists/ofac_sdn_2021-07/sdn.csv"};
  static const char *const real_names[2] = {"un", "ofac"};
  for (int f = 0; f < 2; f++) {
    sc_path(path, data, real_files[f]);
    bm_diag diag;
    memset(&diag, 0, sizeof diag);
    if (wl_list_load(path, real_names[f], WL_FORMAT_AUTO, &g->real[f], NULL, &diag) != BM_OK) {
      fprintf(stderr, "%s: cannot load %s: %s\n", prog, path, diag.message);
      return -1;
    }
    g->real_prefix[f] = real_names[f];
  }
  g->entries = entries;
  g->nreal = wl_list_count(g->real[0]) + wl_list_count(g->real[1]);
  if (g->nreal > entries / 2) {
    if (!clamp_real) sc_die("--entries too small for the real lists");
    g->nreal = entries / 2; /* small lists (sanitizer runs): fewer real */
  }
  g->stride = entries / g->nreal;
  return 0;
}

/* Frees what gen_init loaded, the real lists and the persons included. */
static inline void gen_free(gen *g, sc_people *people) {
  for (int f = 0; f < 2; f++) wl_list_free(g->real[f]);
  for (int s = 0; s < SC_SCRIPT__COUNT; s++) free(g->by_script[s]);
  for (size_t s = 0; s < WD_N; s++) {
    free(g->wd[s].buf);
    free(g->wd[s].en);
    free(g->wd[s].native);
  }
  sc_people_free(people);
  memset(g, 0, sizeof *g);
}

static inline const char *nonempty(const char *a, const char *b) {
  return a && a[0] ? a : b;
}

/* A person of the template's script recombined from three synthetic travellers: a given name (same
 * sex where possible), sometimes a middle name, a family name. */
static inline void gen_recombined(const gen *g, sc_rng *r, const sc_person *tpl, char *out,
                                  size_t cap) {
  size_t ns = g->nby[tpl->script];
  const size_t *rows = g->by_script[tpl->script];
  const sc_person *a = tpl;
  for (int tries = 0; tries < 4; tries++) {
    const sc_person *c = &g->people->v[rows[sc_rng_below(r, (unsigned)ns)]];
    a = c;
    if (c->sex == tpl->sex) break;
  }
  const sc_person *b = &g->people->v[rows[sc_rng_below(r, (unsigned)ns)]];
  const char *first = nonempty(a->first, a->name), *last = nonempty(b->last, b->name);
  if (sc_rng_below(r, 10) < 3) {
    const sc_person *c = &g->people->v[rows[sc_rng_below(r, (unsigned)ns)]];
    const char *mid = nonempty(c->middle, c->first);
    snprintf(out, cap, "%s %s %s", first, mid, last);
  } else {
    snprintf(out, cap, "%s %s", first, last);
  }
}

/* Unknown (10%), a range of years (5%), a year (25%) or a full date (60%). */
static inline void gen_dob(sc_rng *r, wl_date *d) {
  unsigned u = sc_rng_below(r, 100);
  memset(d, 0, sizeof *d);
  if (u < 10) return;
  d->year = d->year_to = (int16_t)(1935 + sc_rng_below(r, 71));
  if (u < 15) {
    d->year_to = (int16_t)(d->year + 1 + (int)sc_rng_below(r, 3));
  } else if (u >= 40) {
    d->month = (uint8_t)(1 + sc_rng_below(r, 12));
    d->day = (uint8_t)(1 + sc_rng_below(r, (unsigned)sc_days_in_month(d->year, d->month)));
  }
}

/* Entry i of the list, the same every time it is asked for (its own seed), so that planted
 * travellers can be made from entries without keeping the generated list in memory. */
static inline void gen_entry(const gen *g, size_t i, syn *s) {
  memset(s, 0, sizeof *s);
  if (i % g->stride == 0 && i / g->stride < g->nreal) {
    size_t k = i / g->stride;
    size_t n0 = wl_list_count(g->real[0]);
    s->real = true;
    s->real_list = k < n0 ? 0 : 1;
    s->entry = wl_list_entry(g->real[s->real_list], k < n0 ? k : k - n0);
    return;
  }
  sc_rng r = sc_rng_seed(SG_SEED ^ ((uint64_t)i * 0x9E3779B97F4A7C15ull));
  sc_rng_next(&r);
  unsigned u = sc_rng_below(&r, 100);
  if (u < 10) {
    s->document_only = true;
    s->has_doc = true;
    s->doc_country = doc_states[sc_rng_below(&r, BM_COUNTOF(doc_states))];
    return;
  }
  const sc_person *tpl = &g->people->v[sc_rng_below(&r, (unsigned)g->people->n)];
  if (u < 28) { /* Wikidata tokens, with the native spelling as an alias half of the time */
    const wd_tokens *w = &g->wd[sc_rng_below(&r, WD_N)];
    size_t a = sc_rng_below(&r, (unsigned)w->n), b = sc_rng_below(&r, (unsigned)w->n);
    snprintf(s->names[0], SC_NAME_BYTES_MAX, "%s %s", w->en[a], w->en[b]);
    s->nnames = 1;
    if (sc_rng_below(&r, 2))
      snprintf(s->names[s->nnames++], SC_NAME_BYTES_MAX, "%s %s", w->native[a], w->native[b]);
  } else {
    gen_recombined(g, &r, tpl, s->names[0], SC_NAME_BYTES_MAX);
    s->nnames = 1;
  }
  if (sc_rng_below(&r, 100) < 15) { /* an alias: another romanisation or another recombination */
    char v[SC_NAME_BYTES_MAX * 2];
    if (sc_variant(&r, SC_KIND_TRANSLIT, s->names[0], v, sizeof v) && strlen(v) < SC_NAME_BYTES_MAX)
      sc_copy(s->names[s->nnames++], SC_NAME_BYTES_MAX, v);
    else
      gen_recombined(g, &r, tpl, s->names[s->nnames++], SC_NAME_BYTES_MAX);
  }
  gen_dob(&r, &s->dob);
  s->nationality = tpl->nationality;
  s->sex = tpl->sex;
  if (sc_rng_below(&r, 2)) {
    s->has_doc = true;
    s->doc_country =
        tpl->nationality ? tpl->nationality : doc_states[sc_rng_below(&r, BM_COUNTOF(doc_states))];
  }
}

static inline void entry_id(const gen *g, size_t i, const syn *s, char *out, size_t cap) {
  if (s->real)
    snprintf(out, cap, "%s:%s", g->real_prefix[s->real_list], s->entry->id);
  else
    snprintf(out, cap, "%c-%07zu", s->document_only ? 'D' : 'S', i);
}

/* Entry i as one line of openbmis JSON Lines. */
static inline void write_entry(FILE *fp, const gen *g, size_t i, const syn *s) {
  char id[SG_ID_BYTES];
  entry_id(g, i, s, id, sizeof id);
  if (s->real) {
    sc_json_entry(fp, id, s->entry, NULL);
    return;
  }
  fputs("{\"id\":", fp);
  sc_json_str(fp, id);
  if (s->document_only) {
    char num[10];
    doc_number((uint32_t)i, num);
    fprintf(fp,
            ",\"kind\":\"document\",\"documents\":[{\"type\":\"P\",\"number\":\"%s\","
            "\"country\":\"%s\"}],\"category\":\"lost-stolen\"}\n",
            num, s->doc_country);
    return;
  }
  fputs(",\"kind\":\"person\",\"names\":[", fp);
  for (unsigned k = 0; k < s->nnames; k++) {
    if (k) fputc(',', fp);
    sc_json_str(fp, s->names[k]);
  }
  fputs("],\"birth_dates\":[", fp);
  if (s->dob.year) sc_json_date(fp, &s->dob);
  fputs("],\"nationalities\":[", fp);
  if (s->nationality) fprintf(fp, "\"%s\"", s->nationality);
  fputc(']', fp);
  if (s->sex) fprintf(fp, ",\"sex\":\"%c\"", s->sex);
  if (s->has_doc) {
    char num[10];
    doc_number((uint32_t)i, num);
    fprintf(fp, ",\"documents\":[{\"type\":\"P\",\"number\":\"%s\",\"country\":\"%s\"}]", num,
            s->doc_country);
  }
  fprintf(fp, ",\"category\":\"%s\"}\n", i % 3 ? "refuse-entry" : "alert");
}

/* What gen_write_list wrote. */
typedef struct gen_counts {
  size_t kinds[3]; /* real UN/OFAC entries, lost/stolen documents, synthetic persons */
  size_t docs;     /* entries with a document */
  size_t aliases;  /* of the synthetic persons */
  size_t scripts[SC_SCRIPT__COUNT]; /* synthetic persons by the script of their first name */
} gen_counts;

/* The whole list, g->entries entries, as JSON Lines to fp, which it closes; dies when fp is NULL
 * (not created) or the list cannot be written. Returns the bytes written. */
static inline long gen_write_list(const gen *g, FILE *fp, gen_counts *c) {
  if (fp == NULL) sc_die("cannot create the list file");
  memset(c, 0, sizeof *c);
  for (size_t i = 0; i < g->entries; i++) {
    syn s;
    gen_entry(g, i, &s);
    write_entry(fp, g, i, &s);
    c->kinds[s.real ? 0 : s.document_only ? 1 : 2]++;
    c->docs += s.has_doc;
    if (!s.real && !s.document_only) {
      c->scripts[sc_script_of(s.names[0])]++;
      c->aliases += s.nnames - 1;
    }
  }
  long bytes = ftell(fp);
  if (fclose(fp) != 0) sc_die("cannot write the list file");
  return bytes;
}

#endif
