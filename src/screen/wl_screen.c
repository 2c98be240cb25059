/* wl_screen.c - screening travellers against a wl_index (include/bmis/screen.h; the index's layout
 * is in wl_idx.h, the method with every constant in docs/screening.md).
 *
 * One traveller:
 *   1. the name is prepared once (nm_prepare); adjacent tokens are also joined (ABDUL RAHMAN ->
 *      ABDULRAHMAN) and looked up by exact text;
 *   2. partners: for each query token, the vocabulary tokens it may pair with, found by exact text,
 *      one-deletion neighbourhood, skeleton, Double Metaphone and sound keys (3-grams when those
 *      find nothing), verified with nm_similarity on the two tokens alone, and cached per thread
 *      (travellers' names repeat); a long token is also tried as two listed tokens;
 *   3. candidate names matching two of the traveller's strong tokens (nm_similarity caps a match
 *      on one): rare partners' postings, which say what else each name matches; the pair index
 *      for two frequent partners; bounded fallbacks for one-token travellers and for tokens
 *      without a sure partner;
 *   4. ranking, cheapest first: the packed evidence the postings carry, an estimate mirroring
 *      nm_similarity's formula (scoring the few pairs the keys missed), the entry's evidence; names
 *      reaching the fixed WL_SCORE_FLOOR are scored with nm_similarity, at most WL_SCORE_MAX;
 *   5. the document lane: a normalised document number and country match is a hit by itself;
 *   6. per entry the best name, threshold, dispositions, order, limit, reasons.
 * Which names are scored never depends on the threshold. Nothing is allocated per traveller: the
 * wl_scratch holds every buffer, each bounded.
 */
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bmis/names.h"
#include "bmis/screen.h"
#include "bmis/watchlist.h"
#include "screen/wl_idx.h"

/* ---- Limits of one traveller ---- */

#define WL_QT_MAX           (2 * NM_TOKENS_MAX - 1) /* query tokens and their adjacent joins */
#define WL_PARTNERS_MAX     48    /* vocabulary partners kept per query token, best first */
#define WL_VERIFY_MAX       128   /* vocabulary tokens verified per query token */
#define WL_SPLITS_MAX       2     /* a long query token split into two list tokens, at most */
#define WL_VHITS_MAX        512   /* distinct vocabulary tokens named by a traveller's partners */
#define WL_CANDIDATES_MAX   8192  /* distinct candidate names per traveller */
#define WL_POSTINGS_MAX     65536 /* postings read per traveller */
#define WL_PAIR_LOOKUPS_MAX 1024  /* pair-index lookups per traveller */
#define WL_PAIR_COMBOS_MAX  256   /* pair lookups per two query tokens, best partners first */
#define WL_PAIR_READ_MAX    1024  /* names read from one pair key (shortest names first) */
#define WL_SCORE_MAX        256   /* candidate names scored with nm_similarity per traveller */
#define WL_QGRAM_VIDS_MAX   1024  /* vocabulary tokens counted by the 3-gram fallback */
#define WL_CACHE_SLOTS      16384 /* cached partner lists per thread (a power of two) */
#define WL_ENTRY_HITS_MAX   (WL_SCORE_MAX + 64) /* entries considered per traveller */
#define WL_FBLOOM_WORDS     16   /* 1024-bit filter in front of the frequent-partner map */
#define WL_PAIRMEMO_MAX     4096 /* (query token, list token) scores kept per traveller (estimate) */
/* A partner scoring at least this is sure (the token is listed, or one edit from a listed one);
 * a strong query token without one makes the query "loose" (see candidates). */
#define WL_PARTNER_SURE 0.90f
/* A pair the keys did not find is not exact nor one edit apart: the estimate's optimistic bound
 * counts it at most this. Below nm_similarity's Jaro-Winkler gate (src/names/nm_sim.c NM_JW_GATE)
 * a pair is not scored at all. */
#define WL_UNFOUND_PAIR_MAX  0.90f
#define WL_REFINE_JW_GATE    0.62
#define WL_LOOSE_FREQ_MAX    4  /* frequent partners per token read in loose mode (bounded) */
#define WL__CAND_LOOSE       1u /* cand flag: kept though it matches one query token */
#define WL_DOC_HIT_NAMES_MAX 32 /* names of a document hit compared directly */

/* A candidate is scored with nm_similarity when its estimate (which mirrors nm_similarity without
 * its exclusive pairing, so is mostly above the real score) plus its evidence reaches this. A fixed
 * floor, not the threshold less a slack: which names are scored must not depend on the threshold,
 * or a hit at 0.8 could be missing at 0.8 yet present when screening at 0.4 (bench/screen_eval
 * checks this). Hits scoring below about this floor plus the estimate's error may therefore be
 * incomplete: thresholds below it are not supported (docs/screening.md). */
#define WL_SCORE_FLOOR 0.65f
/* nm_similarity's caps (src/names/nm_sim.c) as the estimate applies them. */
#define WL_ONE_TOKEN_CAP 0.6f
#define WL_WEAK_ONLY_CAP 0.5f
/* An initial against a token starting with its letter (nm_similarity's NM_INITIAL_SCORE). */
#define WL_INITIAL_SCORE 0.85f

/* ---- Evidence (docs/screening.md gives each reason) ---- */

/* Birth date. An exact date on both sides is strong evidence for the same person; a year, a range
 * or a year off by one is what lists and typists give, so it is neutral or nearly so; dates years
 * apart are evidence of another person (logic-v2: year disjoint -0.15, day disjoint -0.25), the
 * more so when both dates are full (then a typist's slip shows as a swapped day and month or one
 * wrong year digit, which cost little). */
#define WL_DOB_EXACT_BONUS     0.05f
#define WL_DOB_SWAPPED_PENALTY 0.03f /* 1974-08-12 / 1974-12-08: a US/EU date order slip */
#define WL_DOB_NEAR_PENALTY                                                                        \
  0.03f                                /* one year apart (or from a listed range); or full dates   \
                                          with the same day and month one year apart */
#define WL_DOB_SAME_YEAR_PENALTY 0.10f /* same year, both with a month, month or day differs */
#define WL_DOB_FULL_NEAR_PENALTY 0.15f /* full dates about a year apart */
#define WL_DOB_DIFF_PENALTY      0.15f /* 2 to WL_DOB_FAR_YEARS years apart, a date partial */
#define WL_DOB_FAR_PENALTY       0.25f /* further apart, or full dates 2 or more years apart */
#define WL_DOB_FAR_YEARS         5
/* Sex recorded on both sides and different: lists rarely get it wrong (logic-v2: -0.2). */
#define WL_SEX_PENALTY 0.15f
/* Nationality: people hold several and lists record one or two, so a difference weighs little. */
#define WL_NAT_SAME_BONUS   0.02f
#define WL_NAT_DIFF_PENALTY 0.05f
/* A document of the same type and country with another number: renewed passports make this weak
 * evidence (Watchman multiplies by 0.7; that would drop exact names below any threshold). */
#define WL_DOC_CONFLICT_PENALTY 0.10f
/* An entity (a company, an organisation) against a traveller: a name match only, and a traveller
 * is not an organisation even when it bears his name (USAMA BIN LADEN ORGANIZATION): as logic-v2's
 * qualifiers, enough to take an exact name below the default threshold. */
#define WL_ENTITY_PENALTY 0.25f
/* An alias the list itself marks low quality (UN "Low", OFAC weak a.k.a.). */
#define WL_WEAK_ALIAS_PENALTY 0.05f
/* Document lane: number and country equal -> 1.0. The number alone (a country unknown on one
 * side) -> this, for numbers of at least WL_DOC_NUMBER_ONLY_LEN_MIN characters. */
#define WL_DOC_NUMBER_ONLY_SCORE   0.90f
#define WL_DOC_NUMBER_ONLY_LEN_MIN 6

/* ---- Scratch ---- */

typedef struct partner {
  uint32_t v;    /* vocabulary id */
  float s;       /* nm_similarity of the query token and v alone */
  bool frequent; /* v is in more than WL_IDX_RARE_NAMES_MAX names (kept here: the vocabulary
                    entry is a cache miss) */
} partner;

/* A query token that is two list tokens written together (OLEGLOGUNOV = OLEG + LOGUNOV). */
typedef struct split {
  uint32_t a, b; /* vocabulary ids of the halves */
} split;

typedef struct qtok {
  nm_tok t;
  char text[NM_TOKEN_BYTES_MAX], skel[NM_TOKEN_BYTES_MAX]; /* joins own their text */
  uint32_t cover;                                          /* real tokens this token stands for */
  float mass;
  bool strong;
  uint8_t npart, nfreq, nsplit;
  partner part[WL_PARTNERS_MAX];
  split sp[WL_SPLITS_MAX];
  uint32_t freq[WL_PARTNERS_MAX]; /* frequent partners (for pairs) */
} qtok;

typedef struct cache_slot {
  uint64_t key;
  uint8_t n, nsplit;
  partner p[WL_PARTNERS_MAX];
  split sp[WL_SPLITS_MAX];
} cache_slot;

typedef struct sslot { /* small epoch-cleared hash: key -> val */
  uint32_t key, epoch, val;
} sslot;

typedef struct sset {
  sslot *s;
  uint32_t mask, epoch;
} sset;

typedef struct vhit {
  uint32_t v;
  uint32_t mask; /* query tokens this vocabulary token partners */
  float score[WL_QT_MAX];
} vhit;

typedef struct keyreq {
  uint64_t key;
  uint32_t mask, flags;
  uint32_t off, n; /* the run found */
} keyreq;

typedef struct cand {
  uint32_t name;
  uint32_t mask;  /* real query tokens the name is known to match (from postings and pairs) */
  uint32_t flags; /* WL__POST_INITIAL, WL__POST_MORE of the name */
  uint32_t ev;    /* the name's packed evidence */
  float est, adj;
} cand;

typedef struct evidence {
  float adj;
  int dob; /* DOB_* */
  int sex, nat, doc;
} evidence;

typedef struct scored {
  uint32_t entry, name; /* name UINT32_MAX for a document-only hit */
  float name_score, score;
  bool doc_match, doc_number_only;
  bool direct;          /* name compared directly (a document hit no candidate reached) */
  int8_t split_t;       /* query token scored as two (OLEGLOGUNOV as OLEG LOGUNOV), or -1 */
  uint8_t split_k;      /* which of its splits */
  uint8_t direct_index; /* which of entry->names, when direct */
  evidence ev;
  nm_match m;
  char direct_reason[WL_REASON_BYTES_MAX];
} scored;

struct wl_scratch {
  const wl_index *ix;
  nm_normalizer *nz;
  nm_name name;
  char namebuf[NM_NAME_INPUT_BYTES_MAX + 1];
  qtok q[WL_QT_MAX];
  unsigned nq, nqt;         /* real tokens, all tokens */
  bool q_initials;          /* the traveller's name has an initial */
  nm_tok qv[NM_TOKENS_MAX]; /* real tokens with weights, for nm_similarity */
  cache_slot *cache;
  sset seen;  /* vocabulary ids gathered for one query token */
  sset grams; /* vocabulary id -> 3-gram count */
  uint32_t verify[WL_QGRAM_VIDS_MAX];
  uint32_t gram_count[WL_QGRAM_VIDS_MAX];
  sset vmap; /* vocabulary id -> vhit */
  vhit *vh;
  unsigned nvh;
  sset fmap; /* partner vocabulary id (of a strong token) -> index into fcover */
  uint64_t fbloom[WL_FBLOOM_WORDS]; /* bits of fmap's ids: most postings' tokens are not there */
  uint32_t fcover[WL_QT_MAX * WL_PARTNERS_MAX];
  unsigned nf;
  sset pmemo; /* (list token << 5 | query token) -> the pair's score bits (left_pair) */
  unsigned npmemo;
  sset cmap; /* name id -> cand */
  cand *c;
  unsigned nc;
  size_t postings;
  keyreq req[WL_PAIR_LOOKUPS_MAX];
  unsigned nreq;
  cand *pick;
  scored *sc;
  unsigned nsc;
  char key[WL_TRAVELLER_KEY_BYTES_MAX];
};

static bool sset_init(sset *t, uint32_t want) {
  uint32_t slots = 16;
  while (slots < want) slots *= 2; /* probing masks with slots - 1 */
  t->s = calloc(slots, sizeof *t->s);
  t->mask = slots - 1;
  t->epoch = 1;
  return t->s != NULL;
}

static void sset_clear(sset *t) {
  if (++t->epoch == 0) { /* wrapped: old stamps could look current */
    memset(t->s, 0, (t->mask + 1) * sizeof *t->s);
    t->epoch = 1;
  }
}

static inline uint32_t hash32(uint32_t k) {
  k ^= k >> 16;
  k *= 0x7feb352dU;
  k ^= k >> 15;
  k *= 0x846ca68bU;
  k ^= k >> 16;
  return k;
}

/* The value slot of key; *fresh says it was not there (its value is then the caller's to set). A
 * full table (more keys than the caller's limit allows never happens: tables are twice the limit)
 * is a broken invariant. */
static uint32_t *sset_slot(sset *t, uint32_t key, bool *fresh) {
  for (uint32_t i = hash32(key) & t->mask;; i = (i + 1) & t->mask) {
    sslot *s = &t->s[i];
    if (s->epoch != t->epoch) {
      s->epoch = t->epoch;
      s->key = key;
      *fresh = true;
      return &s->val;
    }
    if (s->key == key) {
      *fresh = false;
      return &s->val;
    }
  }
}

static const uint32_t *sset_find(const sset *t, uint32_t key) {
  for (uint32_t i = hash32(key) & t->mask;; i = (i + 1) & t->mask) {
    const sslot *s = &t->s[i];
    if (s->epoch != t->epoch) return NULL;
    if (s->key == key) return &s->val;
  }
}

wl_scratch *wl_scratch_new(const wl_index *ix, bm_diag *diag) {
  if (ix == NULL) {
    bm_diag_set(diag, BM_ERR_USAGE, NULL, 0, 0, "wl_scratch_new: NULL index");
    return NULL;
  }
  wl_scratch *s = calloc(1, sizeof *s);
  if (s == NULL) {
    bm_diag_set(diag, BM_ERR_NOMEM, NULL, 0, 0, "out of memory for a screening scratch");
    return NULL;
  }
  s->ix = ix;
  s->nz = nm_normalizer_new(diag);
  s->cache = calloc(WL_CACHE_SLOTS, sizeof *s->cache);
  s->vh = malloc(WL_VHITS_MAX * sizeof *s->vh);
  s->c = malloc(WL_CANDIDATES_MAX * sizeof *s->c);
  s->pick = malloc(WL_CANDIDATES_MAX * sizeof *s->pick);
  s->sc = malloc(WL_ENTRY_HITS_MAX * sizeof *s->sc);
  bool ok = s->nz && s->cache && s->vh && s->c && s->pick && s->sc &&
            sset_init(&s->seen, 2 * WL_QGRAM_VIDS_MAX) &&
            sset_init(&s->grams, 2 * WL_QGRAM_VIDS_MAX) && sset_init(&s->vmap, 2 * WL_VHITS_MAX) &&
            sset_init(&s->fmap, 2 * WL_QT_MAX * WL_PARTNERS_MAX) &&
            sset_init(&s->cmap, 2 * WL_CANDIDATES_MAX) && sset_init(&s->pmemo, 2 * WL_PAIRMEMO_MAX);
  if (!ok) {
    if (s->nz != NULL) bm_diag_set(diag, BM_ERR_NOMEM, NULL, 0, 0, "out of memory for a scratch");
    wl_scratch_free(s);
    return NULL;
  }
  return s;
}

void wl_scratch_free(wl_scratch *s) {
  if (s == NULL) return;
  nm_normalizer_free(s->nz);
  free(s->cache);
  free(s->vh);
  free(s->c);
  free(s->pick);
  free(s->sc);
  free(s->seen.s);
  free(s->grams.s);
  free(s->vmap.s);
  free(s->fmap.s);
  free(s->cmap.s);
  free(s->pmemo.s);
  free(s);
}

/* ---- Vocabulary views ---- */

static nm_tok vtok_view(const wl_index *ix, uint32_t v, float weight) {
  const wl__vtok *t = &ix->vocab[v];
  nm_tok o;
  o.s = ix->pool + t->text;
  o.alt = t->alt_len ? ix->pool + t->alt : NULL;
  o.skeleton = t->skel_len ? ix->pool + t->skel : NULL;
  o.dm[0] = t->dm[0];
  o.dm[1] = t->dm[1];
  o.len = t->len;
  o.alt_len = t->alt_len;
  o.skeleton_len = t->skel_len;
  o.flags = t->flags;
  o.weight = weight;
  return o;
}

/* Vocabulary id whose text is exactly s (flags ignored: the first such token), or UINT32_MAX. */
static uint32_t vocab_exact(const wl_index *ix, const char *s, size_t n) {
  uint32_t cnt;
  const uint32_t *run = wl__table_get(&ix->vkeys, wl__key_str(WL__K_TEXT, s, n), &cnt);
  for (uint32_t i = 0; i < cnt; i++) {
    const wl__vtok *t = &ix->vocab[run[i]];
    if (t->len == n && memcmp(ix->pool + t->text, s, n) == 0) return run[i];
  }
  return UINT32_MAX;
}

static bool is_frequent(const wl_index *ix, uint32_t v) {
  return ix->vocab[v].df > WL_IDX_RARE_NAMES_MAX;
}

/* ---- Partners of one query token ---- */

typedef struct gather {
  wl_scratch *s;
  unsigned n;
} gather;

static void gather_key(gather *g, uint64_t key) {
  uint32_t cnt;
  const uint32_t *run = wl__table_get(&g->s->ix->vkeys, key, &cnt);
  for (uint32_t i = 0; i < cnt && g->n < WL_VERIFY_MAX; i++) {
    bool fresh;
    sset_slot(&g->s->seen, run[i], &fresh);
    if (fresh) g->s->verify[g->n++] = run[i];
  }
}

static int cmp_partner(const void *pa, const void *pb) {
  const partner *a = pa, *b = pb;
  if (a->s != b->s) return a->s > b->s ? -1 : 1;
  return a->v < b->v ? -1 : a->v > b->v;
}

/* Verify gathered vocabulary ids against t; appends partners to out (room for WL_VERIFY_MAX). The
 * vocabulary records and then their text are prefetched for all ids first: each is a cache miss
 * at a million entries, and issued together they overlap. */
static unsigned verify(wl_scratch *s, const nm_tok *t, unsigned ngathered, partner *out,
                       unsigned n) {
  const wl_index *ix = s->ix;
  for (unsigned i = 0; i < ngathered; i++) __builtin_prefetch(&ix->vocab[s->verify[i]]);
  for (unsigned i = 0; i < ngathered; i++)
    __builtin_prefetch(ix->pool + ix->vocab[s->verify[i]].text);
  for (unsigned i = 0; i < ngathered; i++) {
    nm_tok v1 = vtok_view(ix, s->verify[i], 1.0f);
    float sc = nm_pair_similarity(t, &v1);
    if (sc > 0.0f) out[n++] = (partner){s->verify[i], sc, is_frequent(ix, s->verify[i])};
  }
  return n;
}

/* 3-gram fallback: vocabulary tokens sharing at least 40% of t's 3-grams, most shared first. */
static unsigned qgram_gather(wl_scratch *s, const nm_tok *t) {
  if (t->len < 3) return 0;
  char pad[NM_TOKEN_BYTES_MAX + 2];
  pad[0] = '^';
  memcpy(pad + 1, t->s, t->len);
  pad[t->len + 1] = '$';
  unsigned ngrams = t->len, nv = 0;
  sset_clear(&s->grams);
  for (unsigned i = 0; i < ngrams; i++) {
    uint32_t cnt;
    const uint32_t *run = wl__table_get(&s->ix->vkeys, wl__key_str(WL__K_QGRAM, pad + i, 3), &cnt);
    for (uint32_t k = 0; k < cnt; k++) {
      const uint32_t *seen = sset_find(&s->grams, run[k]);
      if (seen != NULL) {
        s->gram_count[*seen]++;
      } else if (nv < WL_QGRAM_VIDS_MAX) { /* the table stays at most half full */
        bool fresh;
        *sset_slot(&s->grams, run[k], &fresh) = nv;
        s->verify[nv] = run[k];
        s->gram_count[nv++] = 1;
      }
    }
  }
  unsigned need = (ngrams * 2 + 4) / 5; /* 40%, rounded up */
  if (need < 2) need = 2;
  unsigned n = 0;
  for (unsigned i = 0; i < nv; i++)
    if (s->gram_count[i] >= need) {
      s->gram_count[n] = s->gram_count[i];
      s->verify[n++] = s->verify[i];
    }
  /* most shared grams first, then id: verify the likeliest within the bound */
  for (unsigned a = 1; a < n; a++)
    for (unsigned b = a;
         b > 0 && (s->gram_count[b - 1] < s->gram_count[b] ||
                   (s->gram_count[b - 1] == s->gram_count[b] && s->verify[b - 1] > s->verify[b]));
         b--) {
      uint32_t tc = s->gram_count[b], tv = s->verify[b];
      s->gram_count[b] = s->gram_count[b - 1], s->verify[b] = s->verify[b - 1];
      s->gram_count[b - 1] = tc, s->verify[b - 1] = tv;
    }
  return n < WL_VERIFY_MAX ? n : WL_VERIFY_MAX;
}

static uint64_t tok_cache_key(const nm_tok *t) {
  uint64_t h = wl__hash_start(0xcac4e);
  h = wl__hash_bytes(h, t->s, t->len);
  h = wl__hash_bytes(h, "\0", 1);
  if (t->alt_len) h = wl__hash_bytes(h, t->alt, t->alt_len);
  h = wl__hash_bytes(h, (const char *)&t->flags, 1);
  return wl__hash_end(h);
}

/* A partner list kept in the index for every thread (wl_index.memo). */
typedef struct memo {
  uint8_t n, nsplit;
  split sp[WL_SPLITS_MAX];
  partner p[]; /* n */
} memo;

/* The vocabulary token that is t (text, variant, flags, skeleton and phonetic codes: everything a
 * partner search reads), or UINT32_MAX. */
static uint32_t memo_id(const wl_index *ix, const nm_tok *t) {
  uint32_t cnt;
  const uint32_t *run = wl__table_get(&ix->vkeys, wl__key_str(WL__K_TEXT, t->s, t->len), &cnt);
  for (uint32_t i = 0; i < cnt; i++) {
    const wl__vtok *v = &ix->vocab[run[i]];
    if (v->len == t->len && v->flags == t->flags && v->alt_len == t->alt_len &&
        v->skel_len == t->skeleton_len && v->dm[0] == t->dm[0] && v->dm[1] == t->dm[1] &&
        memcmp(ix->pool + v->text, t->s, t->len) == 0 &&
        (t->alt_len == 0 || memcmp(ix->pool + v->alt, t->alt, t->alt_len) == 0) &&
        (t->skeleton_len == 0 || memcmp(ix->pool + v->skel, t->skeleton, t->skeleton_len) == 0))
      return run[i];
  }
  return UINT32_MAX;
}

/* A split half as a partner scoring 1: the gathered ids are distinct, but a half may also have
 * been found by its keys (with its own score), or be the half of another split. */
static unsigned add_half(const wl_index *ix, partner *found, unsigned n, uint32_t v) {
  for (unsigned i = 0; i < n; i++)
    if (found[i].v == v) {
      found[i].s = 1.0f;
      return n;
    }
  found[n] = (partner){v, 1.0f, is_frequent(ix, v)};
  return n + 1;
}

static void cache_put(cache_slot *cs, uint64_t ck, const partner *p, unsigned n, const split *sp,
                      unsigned nsplit) {
  cs->key = ck;
  cs->n = (uint8_t)n;
  memcpy(cs->p, p, n * sizeof *p);
  cs->nsplit = (uint8_t)nsplit;
  memcpy(cs->sp, sp, nsplit * sizeof *sp);
}

/* Partners of query token t: vocabulary tokens nm_similarity pairs it with, best first. Looked up
 * in the thread's cache, then in the index's memo when t is a listed token, else searched. */
static unsigned find_partners(wl_scratch *s, const nm_tok *t, partner *out, split *sp,
                              uint8_t *nsp) {
  const wl_index *ix = s->ix;
  uint64_t ck = tok_cache_key(t);
  cache_slot *cs = &s->cache[ck & (WL_CACHE_SLOTS - 1)];
  if (cs->key == ck) {
    memcpy(out, cs->p, cs->n * sizeof *out);
    memcpy(sp, cs->sp, cs->nsplit * sizeof *sp);
    *nsp = cs->nsplit;
    return cs->n;
  }
  uint32_t mv = memo_id(ix, t);
  if (mv != UINT32_MAX) {
    const memo *m = atomic_load_explicit(&ix->memo[mv], memory_order_acquire);
    if (m != NULL) {
      memcpy(out, m->p, m->n * sizeof *out);
      memcpy(sp, m->sp, m->nsplit * sizeof *sp);
      *nsp = m->nsplit;
      cache_put(cs, ck, m->p, m->n, m->sp, m->nsplit);
      return m->n;
    }
  }
  partner found[WL_VERIFY_MAX + 2 * WL_SPLITS_MAX];
  gather g = {s, 0};
  sset_clear(&s->seen);
  gather_key(&g, wl__key_str(WL__K_TEXT, t->s, t->len));
  if (t->alt_len) gather_key(&g, wl__key_str(WL__K_TEXT, t->alt, t->alt_len));
  bool fuzzy = !(t->flags & (NM_TOK_INITIAL | NM_TOK_NUMBER | NM_TOK_PARTICLE | NM_TOK_GENERIC));
  if (fuzzy) {
    if (t->len + 1 >= WL_IDX_DEL_LEN_MIN) gather_key(&g, wl__key_str(WL__K_DEL, t->s, t->len));
    if (t->len >= WL_IDX_DEL_LEN_MIN)
      for (size_t i = 0; i < t->len; i++) gather_key(&g, wl__key_del(t->s, t->len, i));
    if (t->skeleton_len >= 2) gather_key(&g, wl__key_str(WL__K_SKEL, t->skeleton, t->skeleton_len));
    for (int i = 0; i < 2; i++)
      if (t->dm[i] && (i == 0 || t->dm[1] != t->dm[0]))
        gather_key(&g, wl__key_u32(WL__K_DM, t->dm[i], 0));
    char sound[WL__SOUND_KEY_MAX + 1];
    size_t sn = wl__sound_key(t->s, t->len, sound);
    if (sn) gather_key(&g, wl__key_str(WL__K_SOUND, sound, sn));
  }
  unsigned n = verify(s, t, g.n, found, 0);
  if (n == 0 && fuzzy) n = verify(s, t, qgram_gather(s, t), found, 0);
  /* A long token may be two list tokens written together (ABDULRAHMAN / ABDUL RAHMAN): both
   * halves are its partners. */
  unsigned splits = 0;
  if (fuzzy && t->len >= 4) {
    for (unsigned cut = 2; cut + 2 <= t->len && splits < WL_SPLITS_MAX; cut++) {
      uint32_t a = vocab_exact(ix, t->s, cut);
      if (a == UINT32_MAX) continue;
      uint32_t b = vocab_exact(ix, t->s + cut, t->len - cut);
      if (b == UINT32_MAX) continue;
      n = add_half(ix, found, n, a);
      n = add_half(ix, found, n, b);
      sp[splits++] = (split){a, b};
    }
  }
  *nsp = (uint8_t)splits;
  qsort(found, n, sizeof *found, cmp_partner);
  if (n > WL_PARTNERS_MAX) n = WL_PARTNERS_MAX;
  memcpy(out, found, n * sizeof *out);
  cache_put(cs, ck, found, n, sp, splits);
  if (mv != UINT32_MAX) {
    /* Publish for every thread. Two threads may search the same token at once: the first
     * compare-and-swap wins, the other list (equal) is freed. */
    size_t bytes = sizeof(memo) + n * sizeof(partner);
    wl_index *mix = (wl_index *)ix; /* the memo is the index's other mutable part */
    if (atomic_fetch_add(&mix->memo_bytes, bytes) + bytes <= WL_IDX_MEMO_BYTES_MAX) {
      memo *m = malloc(bytes);
      if (m != NULL) {
        m->n = (uint8_t)n;
        m->nsplit = (uint8_t)splits;
        memcpy(m->sp, sp, splits * sizeof *sp);
        memcpy(m->p, found, n * sizeof *found);
        void *expected = NULL;
        if (!atomic_compare_exchange_strong_explicit(&mix->memo[mv], &expected, m,
                                                     memory_order_release, memory_order_relaxed))
          free(m);
      }
    }
  }
  return n;
}

/* ---- Query tokens ---- */

static bm_err prepare_query(wl_scratch *s, const wl_query *q, bm_diag *diag) {
  const char *name = q->name;
  size_t len = 0;
  if (name == NULL || name[0] == '\0') {
    /* given names first: the order nm_similarity ignores, the order a reader expects */
    const char *parts[2] = {q->given_names, q->surname};
    for (int i = 0; i < 2; i++) {
      if (parts[i] == NULL || parts[i][0] == '\0') continue;
      size_t n = strlen(parts[i]);
      if (len + n + 1 > NM_NAME_INPUT_BYTES_MAX)
        return bm_diag_set(diag, BM_ERR_LIMIT, i ? "surname" : "given_names", 0, 0,
                           "name longer than %d bytes", NM_NAME_INPUT_BYTES_MAX);
      if (len) s->namebuf[len++] = ' ';
      memcpy(s->namebuf + len, parts[i], n);
      len += n;
    }
    s->namebuf[len] = '\0';
    name = s->namebuf;
  } else {
    len = strlen(name);
  }
  bm_diag d;
  bm_err err = nm_prepare(s->nz, name, len, &s->name, &d);
  if (err != BM_OK) {
    const char *field = q->name && q->name[0] ? "name" : "surname";
    return bm_diag_set(diag, err == BM_ERR_USAGE ? BM_ERR_INVALID : err, field, 0, d.column, "%s",
                       d.message);
  }
  const wl_index *ix = s->ix;
  nm_tok views[NM_TOKENS_MAX];
  unsigned n = nm_name_toks(&s->name, views, NM_TOKENS_MAX);
  s->nq = n;
  s->nqt = 0;
  s->q_initials = false;
  for (unsigned i = 0; i < n; i++) {
    qtok *t = &s->q[s->nqt++];
    t->t = views[i];
    t->cover = 1u << i;
    t->strong = !wl__weak(t->t.flags);
    s->q_initials = s->q_initials || (t->t.flags & NM_TOK_INITIAL);
  }
  /* Adjacent joins: ABDUL RAHMAN as ABDULRAHMAN, AL QAIDA as ALQAIDA. */
  for (unsigned i = 0; i + 1 < n; i++) {
    const nm_tok *a = &views[i], *b = &views[i + 1];
    if ((a->flags | b->flags) & (NM_TOK_INITIAL | NM_TOK_NUMBER)) continue;
    if ((size_t)a->len + b->len > NM_TOKEN_BYTES_MAX - 1) continue;
    qtok *t = &s->q[s->nqt++];
    memcpy(t->text, a->s, a->len);
    memcpy(t->text + a->len, b->s, b->len);
    t->text[a->len + b->len] = '\0';
    memset(&t->t, 0, sizeof t->t);
    t->t.s = t->text;
    t->t.len = (uint8_t)(a->len + b->len);
    t->t.flags = (uint8_t)((a->flags | b->flags) & NM_TOK_ABJAD);
    char p[5], alt[5];
    nm_double_metaphone(t->text, t->t.len, p, alt);
    t->t.dm[0] = nm_dm_pack(p);
    t->t.dm[1] = nm_dm_pack(alt);
    t->t.skeleton_len = (uint8_t)nm_skeleton(t->text, t->t.len, t->skel, sizeof t->skel);
    t->t.skeleton = t->t.skeleton_len ? t->skel : NULL;
    t->t.weight = 1.0f;
    t->cover = 3u << i;
    t->strong = !wl__weak(a->flags) || !wl__weak(b->flags);
  }
  for (unsigned i = 0; i < s->nqt; i++) {
    qtok *t = &s->q[i];
    if (i < n) {
      t->npart = (uint8_t)find_partners(s, &t->t, t->part, t->sp, &t->nsplit);
    } else {
      /* A join is looked up by its exact text only: ABDULRAHMAN written as one word on the list.
       * Fuzzy variants of joins would cost a partner search per adjacent pair for what is rare. */
      uint32_t v = vocab_exact(ix, t->t.s, t->t.len);
      t->npart = 0;
      t->nsplit = 0;
      if (v != UINT32_MAX) t->part[t->npart++] = (partner){v, 1.0f, is_frequent(ix, v)};
    }
    t->nfreq = 0;
  }
  /* Weights of the real tokens: the vocabulary's for a listed token, the best partner's for a
   * variant of one (MOHAMED is as common as MOHAMMED), else rare. */
  for (unsigned i = 0; i < n; i++) {
    qtok *t = &s->q[i];
    uint32_t v = vocab_exact(ix, t->t.s, t->t.len);
    float w = 1.0f;
    if (v != UINT32_MAX)
      w = ix->vocab[v].weight;
    else if (t->npart > 0)
      w = ix->vocab[t->part[0].v].weight;
    t->t.weight = w;
    t->mass = w * wl__flag_mass(t->t.flags);
    s->qv[i] = t->t;
  }
  for (unsigned i = n; i < s->nqt; i++) {
    qtok *t = &s->q[i];
    unsigned a = (unsigned)__builtin_ctz(t->cover);
    t->mass = s->q[a].mass + s->q[a + 1].mass;
  }
  return BM_OK;
}

/* ---- Candidate names ---- */

static void vhit_add(wl_scratch *s, uint32_t v, unsigned t, float sc) {
  const uint32_t *found = sset_find(&s->vmap, v);
  vhit *h;
  if (found != NULL) {
    h = &s->vh[*found];
  } else {
    if (s->nvh == WL_VHITS_MAX) return; /* the table stays at most half full */
    bool fresh;
    *sset_slot(&s->vmap, v, &fresh) = s->nvh;
    h = &s->vh[s->nvh++];
    h->v = v;
    h->mask = 0;
  }
  if (!(h->mask & (1u << t)) || h->score[t] < sc) h->score[t] = sc;
  h->mask |= 1u << t;
}

static void cand_add(wl_scratch *s, uint32_t name, uint32_t mask, uint32_t flags, uint32_t ev) {
  /* One probe finds the name or the free slot it would take. */
  sset *t = &s->cmap;
  for (uint32_t i = hash32(name) & t->mask;; i = (i + 1) & t->mask) {
    sslot *sl = &t->s[i];
    if (sl->epoch != t->epoch) {
      if (s->nc == WL_CANDIDATES_MAX) return; /* the table stays at most half full */
      sl->epoch = t->epoch;
      sl->key = name;
      sl->val = s->nc;
      s->c[s->nc++] = (cand){name, mask, flags, ev, 0.0f, 0.0f};
      return;
    }
    if (sl->key == name) {
      s->c[sl->val].mask |= mask;
      s->c[sl->val].flags |= flags;
      return;
    }
  }
}

/* Names of a pair-table run (with their evidence), known to match mask. */
static void add_names(wl_scratch *s, const uint32_t *run, const uint32_t *ev, uint32_t n,
                      uint32_t mask, uint32_t flags) {
  if (n > WL_PAIR_READ_MAX) n = WL_PAIR_READ_MAX;
  for (uint32_t i = 0; i < n && s->postings < WL_POSTINGS_MAX; i++, s->postings++)
    cand_add(s, run[i], mask, flags, ev[i]);
}

/* Postings of vocabulary token v, a partner of query tokens mask. Each posting names the name's
 * other strong tokens, so its match with the whole query is known here: a name matching a single
 * query token is dropped without further work unless single-token matches can count. */
static void add_vpost(wl_scratch *s, uint32_t v, uint32_t mask, bool singles) {
  const wl_index *ix = s->ix;
  /* A name holding v matches every query token v partners (ISMAEL ISMAEL = ISMAEL, Ismael). */
  const uint32_t *vi = sset_find(&s->fmap, v);
  if (vi != NULL) mask |= s->fcover[*vi];
  uint32_t keep = singles ? WL__CAND_LOOSE : 0;
  const wl__post *p = ix->vpost + ix->vpost_off[v];
  uint32_t n = ix->vpost_off[v + 1] - ix->vpost_off[v];
  for (uint32_t i = 0; i < n && s->postings < WL_POSTINGS_MAX; i++, s->postings++) {
    uint32_t m = mask;
    for (int k = 0; k < WL__POST_OTHERS_MAX && p[i].f[k] != UINT32_MAX; k++) {
      uint32_t f = p[i].f[k];
      if (!(s->fbloom[(f >> 6) & (WL_FBLOOM_WORDS - 1)] & (1ull << (f & 63)))) continue;
      const uint32_t *fi = sset_find(&s->fmap, f);
      if (fi != NULL) m |= s->fcover[*fi];
    }
    uint32_t flags = (p[i].name & ~WL__POST_NAME) | keep;
    if ((m & (m - 1)) == 0 && flags == 0) continue;
    cand_add(s, p[i].name & WL__POST_NAME, m, flags, p[i].ev);
  }
}

/* Pair-table lookups are queued and done together: each is a cache miss on a large table, and
 * issued together (prefetched) they overlap instead of waiting one after another. */
static void queue_key(wl_scratch *s, uint64_t key, uint32_t mask, uint32_t flags) {
  if (s->nreq < WL_PAIR_LOOKUPS_MAX) s->req[s->nreq++] = (keyreq){key, mask, flags, 0, 0};
}

static void run_keys(wl_scratch *s) {
  const wl__table *t = &s->ix->pairs;
  if (t->mask == 0) {
    s->nreq = 0;
    return;
  }
  for (unsigned i = 0; i < s->nreq; i++) __builtin_prefetch(&t->slots[s->req[i].key & t->mask]);
  for (unsigned i = 0; i < s->nreq; i++) {
    keyreq *r = &s->req[i];
    const uint32_t *run = wl__table_get(t, r->key, &r->n);
    r->off = r->n ? (uint32_t)(run - t->post) : 0;
    if (r->n) {
      __builtin_prefetch(t->post + r->off);
      __builtin_prefetch(t->ev + r->off);
    }
  }
  for (unsigned i = 0; i < s->nreq; i++) {
    const keyreq *r = &s->req[i];
    if (r->n) add_names(s, t->post + r->off, t->ev + r->off, r->n, r->mask, r->flags);
  }
  s->nreq = 0;
}

/* Pairs of frequent partners of query tokens a and b, best ranks first (i + j ascending). */
static void queue_pairs(wl_scratch *s, const qtok *a, const qtok *b) {
  unsigned na = a->nfreq, nb = b->nfreq, n = 0;
  if (na == 0 || nb == 0) return;
  for (unsigned d = 0; d + 2 <= na + nb && n < WL_PAIR_COMBOS_MAX; d++)
    for (unsigned i = d + 1 > nb ? d + 1 - nb : 0; i <= d && i < na && n < WL_PAIR_COMBOS_MAX;
         i++) {
      unsigned j = d - i;
      /* One token partnering both: names whose one strong token it is (AUNG AUNG = AUNG, Aung). */
      uint64_t key = a->freq[i] == b->freq[j] ? wl__key_u32(WL__K_SINGLE, a->freq[i], 0)
                                              : wl__key_pair(a->freq[i], b->freq[j]);
      queue_key(s, key, a->cover | b->cover, 0);
      n++;
    }
}

/* Candidate names of the prepared query. singles: names matching one strong token can count (a
 * traveller of one strong token, or a threshold a capped score can reach). */
static void candidates(wl_scratch *s, bool singles, bool loose) {
  const wl_index *ix = s->ix;
  sset_clear(&s->vmap);
  sset_clear(&s->fmap);
  sset_clear(&s->cmap);
  sset_clear(&s->pmemo);
  s->npmemo = 0;
  s->nvh = 0;
  s->nc = 0;
  s->nf = 0;
  memset(s->fbloom, 0, sizeof s->fbloom);
  s->postings = 0;
  /* Every partner marks its vocabulary token for the estimate; partners of strong tokens are
   * mapped to the query tokens they stand for (fmap), and the frequent ones collected for pairs. */
  for (unsigned ti = 0; ti < s->nqt; ti++) {
    qtok *t = &s->q[ti];
    t->nfreq = 0;
    for (unsigned k = 0; k < t->npart; k++) {
      const partner *p = &t->part[k];
      vhit_add(s, p->v, ti, p->s);
      if (!t->strong) continue;
      if (p->frequent) t->freq[t->nfreq++] = p->v;
      s->fbloom[(p->v >> 6) & (WL_FBLOOM_WORDS - 1)] |= 1ull << (p->v & 63);
      const uint32_t *fi = sset_find(&s->fmap, p->v);
      if (fi != NULL) {
        s->fcover[*fi] |= t->cover;
      } else {
        bool fresh;
        *sset_slot(&s->fmap, p->v, &fresh) = s->nf;
        s->fcover[s->nf++] = t->cover;
      }
    }
  }
  /* Rare partners: all their names, with what else each name matches. Initials, particles and
   * generic words find no names (they pair with too much and carry little). The runs' starts are
   * prefetched first: each is a cache miss, and together they overlap. */
  for (unsigned ti = 0; ti < s->nqt; ti++) {
    const qtok *t = &s->q[ti];
    if (!t->strong) continue;
    for (unsigned k = 0; k < t->npart; k++)
      if (!t->part[k].frequent) __builtin_prefetch(ix->vpost + ix->vpost_off[t->part[k].v]);
  }
  for (unsigned ti = 0; ti < s->nqt; ti++) {
    const qtok *t = &s->q[ti];
    if (!t->strong) continue;
    for (unsigned k = 0; k < t->npart; k++)
      if (!t->part[k].frequent) add_vpost(s, t->part[k].v, t->cover, singles || loose);
  }
  /* Two frequent partners of two query tokens: the pair index. */
  s->nreq = 0;
  for (unsigned a = 0; a < s->nqt; a++)
    for (unsigned b = a + 1; b < s->nqt; b++) {
      const qtok *ta = &s->q[a], *tb = &s->q[b];
      if (ta->strong && tb->strong && !(ta->cover & tb->cover)) queue_pairs(s, ta, tb);
    }
  /* Names with an initial (J. SMITH) through their frequent tokens. */
  for (unsigned ti = 0; ti < s->nqt; ti++)
    for (unsigned i = 0; i < s->q[ti].nfreq; i++)
      queue_key(s, wl__key_u32(WL__K_INIT, s->q[ti].freq[i], 0), s->q[ti].cover, WL__POST_INITIAL);
  run_keys(s);
  if (loose && !singles) {
    /* A token with no sure partner may be misspelt beyond what the keys find (STRAPNO /
     * STRATON): names matching the other tokens are candidates too, the frequent ones through
     * their shortest names (bounded). The estimate then scores the pairs the keys missed. */
    for (unsigned ti = 0; ti < s->nq; ti++) {
      const qtok *t = &s->q[ti];
      if (!t->strong) continue;
      for (unsigned k = 0; k < t->nfreq && k < WL_LOOSE_FREQ_MAX; k++)
        add_vpost(s, t->freq[k], t->cover, true);
    }
  }
  if (!singles) return;
  /* Names whose one strong token is a partner, and the shortest names of each frequent partner
   * (the bounded fallback). */
  for (unsigned ti = 0; ti < s->nqt; ti++) {
    const qtok *t = &s->q[ti];
    if (!t->strong) continue;
    for (unsigned k = 0; k < t->npart; k++) {
      uint32_t v = t->part[k].v;
      queue_key(s, wl__key_u32(WL__K_SINGLE, v, 0), t->cover, 0);
      if (t->part[k].frequent) add_vpost(s, v, t->cover, true);
    }
  }
  run_keys(s);
}

/* nm_similarity's formula over best partner scores (best[t] 0: query token t unmatched). */
static float combine(const wl_scratch *s, const float *best, const float *bmass,
                     const bool *bstrong, float ue, bool e_strong_left) {
  float num = 0.0f, den = 0.0f, uq = 0.0f;
  unsigned strong = 0;
  bool q_strong_left = false;
  for (unsigned t = 0; t < s->nq; t++) {
    const qtok *qt = &s->q[t];
    if (best[t] > 0.0f) {
      float pm = (qt->mass + bmass[t]) / 2.0f;
      num += best[t] * pm;
      den += pm;
      if (qt->strong && bstrong[t]) strong++;
    } else {
      uq += qt->mass;
      if (qt->strong) q_strong_left = true;
    }
  }
  den += 0.5f * uq + 0.25f * ue + 0.75f * (uq < ue ? uq : ue);
  float e = den > 0.0f ? num / den : 0.0f;
  if (strong <= 1 && (q_strong_left || e_strong_left) && e > WL_ONE_TOKEN_CAP) e = WL_ONE_TOKEN_CAP;
  if (strong == 0 && e > WL_WEAK_ONLY_CAP) e = WL_WEAK_ONLY_CAP;
  return e;
}

/* nm_similarity of query token q1 (weight 1, its letters qletters) alone against list token v
 * alone, 0 when the cheap gates say it cannot pair. */
static float pair_score(const wl_index *ix, const nm_tok *q1, uint32_t qletters, uint32_t v) {
  const wl__vtok *vt = &ix->vocab[v];
  /* Letters shared, then nm_similarity's own first gate, here before its setup: Jaro-Winkler below
   * it pairs only abjad tokens (by skeleton) and initials. */
  bool gated = !((q1->flags | vt->flags) & (NM_TOK_ABJAD | NM_TOK_INITIAL));
  if (gated && !wl__letters_close(qletters, vt->letters)) return 0.0f;
  nm_tok e1 = vtok_view(ix, v, 1.0f);
  if (gated && nm_jaro_winkler(q1->s, q1->len, e1.s, e1.len) < WL_REFINE_JW_GATE) return 0.0f;
  return nm_pair_similarity(q1, &e1); /* = nm_similarity(q1, 1, &e1, 1) (names.h) */
}

/* pair_score of real query token t against list token v, kept per traveller: a pure function of
 * the two tokens, and a traveller's candidates share tokens (one surname in hundreds of names, the
 * same syllables in thousands of Han names), so most pairs come back. */
static float left_pair(wl_scratch *s, unsigned t, const nm_tok *q1, uint32_t qletters, uint32_t v) {
  const wl_index *ix = s->ix;
  uint32_t *slot = NULL;
  if (v < (1u << 27) && s->npmemo < WL_PAIRMEMO_MAX) { /* the key holds v << 5 | t (t < 32) */
    bool fresh;
    slot = sset_slot(&s->pmemo, v << 5 | t, &fresh);
    if (!fresh) {
      float sc;
      memcpy(&sc, slot, sizeof sc);
      return sc;
    }
    s->npmemo++;
  } else if (v < (1u << 27)) {
    const uint32_t *found = sset_find(&s->pmemo, v << 5 | t);
    if (found != NULL) {
      float sc;
      memcpy(&sc, found, sizeof sc);
      return sc;
    }
  }
  float sc = pair_score(ix, q1, qletters, v);
  if (slot != NULL) memcpy(slot, &sc, sizeof sc);
  return sc;
}

/* The estimate of nm_similarity for candidate name n (see WL_SCORE_FLOOR): each query token's
 * best partner among the name's tokens, in nm_similarity's formula. Partners come from the keys,
 * which miss some pairs nm_similarity makes (YEONG / SONG: two edits early in a short token). So
 * when the estimate is below need but would reach it were the tokens left unmatched on both sides
 * to pair, those few pairs are scored here (left_pair: nm_similarity of the two tokens alone, once
 * per traveller), and the estimate is made again. */
static float estimate(wl_scratch *s, const wl__name *n, float need) {
  const wl_index *ix = s->ix;
  float best[WL_QT_MAX] = {0}, bmass[WL_QT_MAX] = {0};
  bool bstrong[WL_QT_MAX] = {false};
  float ue = 0.0f;
  bool e_strong_left = false;
  uint32_t left[NM_TOKENS_MAX]; /* list tokens left unmatched (strong ones) */
  unsigned nleft = 0;
  for (unsigned i = 0; i < n->ntok; i++) {
    uint32_t v = wl__name_tok(ix, n, i);
    const wl__vtok *vt = &ix->vocab[v];
    const uint32_t *hp = sset_find(&s->vmap, v);
    bool matched = false;
    if (hp != NULL) {
      const vhit *h = &s->vh[*hp];
      for (uint32_t m = h->mask; m; m &= m - 1) {
        unsigned t = (unsigned)__builtin_ctz(m);
        if (h->score[t] > best[t]) {
          best[t] = h->score[t];
          bmass[t] = vt->mass;
          bstrong[t] = !wl__weak(vt->flags);
        }
      }
      matched = true;
    } else if (s->q_initials || (vt->flags & NM_TOK_INITIAL)) {
      /* Initials on either side pair with a token of their letter. */
      for (unsigned t = 0; t < s->nq; t++) {
        const nm_tok *qt = &s->q[t].t;
        bool q_init = (qt->flags & NM_TOK_INITIAL) && !(vt->flags & NM_TOK_INITIAL);
        bool e_init = (vt->flags & NM_TOK_INITIAL) && !(qt->flags & NM_TOK_INITIAL);
        if ((q_init || e_init) && qt->s[0] == vt->first && best[t] < WL_INITIAL_SCORE) {
          best[t] = WL_INITIAL_SCORE;
          bmass[t] = vt->mass;
          bstrong[t] = false;
          matched = true;
        }
      }
    }
    if (!matched) {
      ue += vt->mass;
      if (!wl__weak(vt->flags)) {
        e_strong_left = true;
        if (nleft < NM_TOKENS_MAX) left[nleft++] = v;
      }
    }
  }
  /* A join that pairs better than its parts stands for both. */
  for (unsigned j = s->nq; j < s->nqt; j++) {
    unsigned a = (unsigned)__builtin_ctz(s->q[j].cover);
    if (best[j] > 0.0f && best[j] >= best[a] && best[j] >= best[a + 1]) {
      best[a] = best[a + 1] = best[j];
      bmass[a] = bmass[a + 1] = bmass[j] / 2.0f;
      bstrong[a] = bstrong[a + 1] = bstrong[j];
    }
  }
  float e = combine(s, best, bmass, bstrong, ue, e_strong_left);
  if (e >= need || nleft == 0) return e;

  /* Would pairing the tokens left on both sides reach need? (Each at 1, the heaviest list token as
   * partner: an upper bound.) */
  float ob[WL_QT_MAX], om[WL_QT_MAX];
  bool os[WL_QT_MAX];
  float heaviest = 0.0f, ue_opt = ue;
  for (unsigned k = 0; k < nleft; k++) {
    float m = ix->vocab[left[k]].mass;
    heaviest = m > heaviest ? m : heaviest;
    ue_opt -= m;
  }
  unsigned qleft = 0;
  for (unsigned t = 0; t < s->nq; t++) {
    ob[t] = best[t], om[t] = bmass[t], os[t] = bstrong[t];
    if (best[t] == 0.0f && s->q[t].strong) {
      ob[t] = WL_UNFOUND_PAIR_MAX, om[t] = heaviest, os[t] = true;
      qleft++;
    }
  }
  if (qleft == 0 || combine(s, ob, om, os, ue_opt > 0.0f ? ue_opt : 0.0f, false) < need) return e;

  /* Score the pairs left, best first per query token, each list token once. */
  bool taken[NM_TOKENS_MAX] = {false};
  for (unsigned t = 0; t < s->nq; t++) {
    if (best[t] > 0.0f || !s->q[t].strong) continue;
    nm_tok q1 = s->q[t].t;
    q1.weight = 1.0f;
    float bs = 0.0f;
    unsigned bk = 0;
    uint32_t qletters = wl__letters(q1.s, q1.len);
    for (unsigned k = 0; k < nleft; k++) {
      if (taken[k]) continue;
      /* pair_score's first gate here, on the record the loop above read: most pairs left share
       * too few letters (a score of 0, which changes nothing), and so skip the memo's lookup. */
      const wl__vtok *vt = &ix->vocab[left[k]];
      if (!((q1.flags | vt->flags) & (NM_TOK_ABJAD | NM_TOK_INITIAL)) &&
          !wl__letters_close(qletters, vt->letters))
        continue;
      float sc = left_pair(s, t, &q1, qletters, left[k]);
      if (sc > bs) bs = sc, bk = k;
    }
    if (bs > 0.0f) {
      taken[bk] = true;
      best[t] = bs;
      bmass[t] = ix->vocab[left[bk]].mass;
      bstrong[t] = true;
      ue -= bmass[t];
    }
  }
  e_strong_left = false;
  for (unsigned k = 0; k < nleft; k++) e_strong_left = e_strong_left || !taken[k];
  return combine(s, best, bmass, bstrong, ue > 0.0f ? ue : 0.0f, e_strong_left);
}

/* ---- Evidence ---- */

static bool known(const char *s) {
  return s != NULL && s[0] != '\0';
}

enum {
  DOB_NONE = 0,
  DOB_EXACT,
  DOB_MONTH,
  DOB_YEAR,
  DOB_RANGE,
  DOB_SWAPPED,
  DOB_NEAR,
  DOB_SAME_YEAR,
  DOB_DIFF
};
enum { NAT_NONE = 0, NAT_SAME, NAT_DIFF };
enum { DOC_NONE = 0, DOC_CONFLICT };

static inline __attribute__((always_inline)) void dob_compare(const wl_date *q, const wl_date *e,
                                                              int *kind, float *adj) {
  int lo = e->year, hi = e->year_to > e->year ? e->year_to : e->year;
  bool range = hi > lo;
  bool full = !range && q->month && e->month && q->day && e->day;
  int y = q->year;
  int dist = y < lo ? lo - y : y > hi ? y - hi : 0;
  if (dist == 0) {
    if (range) {
      *kind = DOB_RANGE, *adj = 0.0f;
    } else if (full) {
      if (q->month == e->month && q->day == e->day)
        *kind = DOB_EXACT, *adj = WL_DOB_EXACT_BONUS;
      else if (q->month == e->day && q->day == e->month)
        *kind = DOB_SWAPPED, *adj = -WL_DOB_SWAPPED_PENALTY;
      else
        *kind = DOB_SAME_YEAR, *adj = -WL_DOB_SAME_YEAR_PENALTY;
    } else if (q->month && e->month && q->month != e->month) {
      *kind = DOB_SAME_YEAR, *adj = -WL_DOB_SAME_YEAR_PENALTY;
    } else if (q->month && e->month) {
      *kind = DOB_MONTH, *adj = 0.0f; /* a day unknown on one side */
    } else {
      *kind = DOB_YEAR, *adj = 0.0f;
    }
  } else if (dist == 1) {
    *kind = DOB_NEAR;
    *adj = full && !(q->month == e->month && q->day == e->day) ? -WL_DOB_FULL_NEAR_PENALTY
                                                               : -WL_DOB_NEAR_PENALTY;
  } else {
    *kind = DOB_DIFF;
    *adj = full || dist > WL_DOB_FAR_YEARS ? -WL_DOB_FAR_PENALTY : -WL_DOB_DIFF_PENALTY;
  }
}

/* The most evidence can add for a name, from its packed record alone (nationality and documents
 * are not packed: counted at their best). */
static float evidence_upper(const wl_query *q, uint32_t ev) {
  float adj = (ev & WL__EV_WEAK) ? -WL_WEAK_ALIAS_PENALTY : 0.0f;
  if (ev & WL__EV_ENTITY) return adj - WL_ENTITY_PENALTY;
  if (q->birth.year != 0) {
    if (ev & WL__EV_DOB_MANY) {
      adj += WL_DOB_EXACT_BONUS;
    } else {
      wl_date d = wl__ev_date(ev);
      if (d.year != 0) {
        int kind;
        float a;
        dob_compare(&q->birth, &d, &kind, &a);
        adj += a;
      }
    }
  }
  if ((q->sex == 'M' && (ev & WL__EV_SEX_F)) || (q->sex == 'F' && (ev & WL__EV_SEX_M)))
    adj -= WL_SEX_PENALTY;
  if (known(q->nationality)) adj += WL_NAT_SAME_BONUS;
  return adj;
}

static bool same_type(const char *a, const char *b) {
  /* P / PO / PD are passports, I / ID / IR identity cards: compare the first letter; unknown on
   * either side is the same type (a traveller's query rarely says). */
  if (a == NULL || b == NULL || a[0] == '\0' || b[0] == '\0') return true;
  char x = a[0] >= 'a' && a[0] <= 'z' ? (char)(a[0] - 32) : a[0];
  char y = b[0] >= 'a' && b[0] <= 'z' ? (char)(b[0] - 32) : b[0];
  return x == y;
}

/* Evidence of entry e about traveller q, skipping the document lane's own match. */
static void evidence_of(const wl_entry *e, const wl_query *q, const char *qdoc, size_t qdoc_len,
                        evidence *ev) {
  memset(ev, 0, sizeof *ev);
  if (e->kind == WL_KIND_ENTITY) {
    ev->adj = -WL_ENTITY_PENALTY;
    return;
  }
  if (q->birth.year != 0 && e->nbirth_dates > 0) {
    float best = -1e9f;
    for (uint32_t i = 0; i < e->nbirth_dates && i < WL_DATES_MAX; i++) {
      int kind;
      float adj;
      dob_compare(&q->birth, &e->birth_dates[i], &kind, &adj);
      if (adj > best) best = adj, ev->dob = kind;
    }
    ev->adj += best;
  }
  if ((q->sex == 'M' || q->sex == 'F') && (e->sex == 'M' || e->sex == 'F') && q->sex != e->sex) {
    ev->sex = 1;
    ev->adj -= WL_SEX_PENALTY;
  }
  if (known(q->nationality) && e->nnationalities > 0) {
    ev->nat = NAT_DIFF;
    for (uint32_t i = 0; i < e->nnationalities; i++)
      if (e->nationalities[i] && strcmp(e->nationalities[i], q->nationality) == 0)
        ev->nat = NAT_SAME;
    ev->adj += ev->nat == NAT_SAME ? WL_NAT_SAME_BONUS : -WL_NAT_DIFF_PENALTY;
  }
  if (qdoc_len > 0 && known(q->document_country)) {
    for (uint32_t i = 0; i < e->ndocuments && i < WL_DOCUMENTS_MAX; i++) {
      const wl_document *d = &e->documents[i];
      if (!known(d->country) || strcmp(d->country, q->document_country) != 0) continue;
      if (!same_type(d->type, q->document_type)) continue;
      char k[WL_DOC_NUMBER_BYTES_MAX];
      size_t n = wl_document_key(d->number, k, sizeof k);
      if (n == qdoc_len && memcmp(k, qdoc, n) == 0) {
        ev->doc = DOC_NONE; /* the same document: the lane reports it */
        break;
      }
      if (n > 0) ev->doc = DOC_CONFLICT;
    }
    if (ev->doc == DOC_CONFLICT) ev->adj -= WL_DOC_CONFLICT_PENALTY;
  }
}

/* The traveller's tokens with token t as the two halves of its split k (at most NM_TOKENS_MAX).
 * Returns the count. */
static unsigned split_query(const wl_scratch *s, unsigned t, unsigned k, nm_tok *out) {
  const wl_index *ix = s->ix;
  unsigned n = 0;
  for (unsigned i = 0; i < s->nq && n < NM_TOKENS_MAX; i++) {
    if (i != t) {
      out[n++] = s->qv[i];
      continue;
    }
    const split *sp = &s->q[t].sp[k];
    out[n++] = vtok_view(ix, sp->a, ix->vocab[sp->a].weight);
    if (n < NM_TOKENS_MAX) out[n++] = vtok_view(ix, sp->b, ix->vocab[sp->b].weight);
  }
  return n;
}

/* A traveller's token written as two of the name's tokens (OLEGLOGUNOV for LOGUNOV, Oleg, the
 * halves in the other order, which nm_similarity's joins of adjacent tokens cannot see): score
 * the name against the traveller's tokens with that token split too, keep the better. */
static void split_score(const wl_scratch *s, const wl__name *n, const nm_tok *et, float *ns,
                        nm_match *m, int *split_t, int *split_k) {
  const wl_index *ix = s->ix;
  for (unsigned t = 0; t < s->nq; t++)
    for (unsigned k = 0; k < s->q[t].nsplit; k++) {
      const split *sp = &s->q[t].sp[k];
      bool ha = false, hb = false;
      for (unsigned i = 0; i < n->ntok; i++) {
        uint32_t v = wl__name_tok(ix, n, i);
        ha = ha || v == sp->a;
        hb = hb || v == sp->b;
      }
      if (!ha || !hb) continue;
      nm_tok alt[NM_TOKENS_MAX];
      unsigned na = split_query(s, t, k, alt);
      nm_match m2;
      float s2 = nm_similarity(alt, na, et, n->ntok, &m2);
      if (s2 > *ns) {
        *ns = s2;
        *m = m2;
        *split_t = (int)t;
        *split_k = (int)k;
      }
    }
}

/* ---- Results ---- */

static scored *entry_slot(wl_scratch *s, uint32_t entry) {
  for (unsigned i = 0; i < s->nsc; i++)
    if (s->sc[i].entry == entry) return &s->sc[i];
  if (s->nsc == WL_ENTRY_HITS_MAX) return NULL;
  scored *r = &s->sc[s->nsc++];
  memset(r, 0, sizeof *r);
  r->entry = entry;
  r->name = UINT32_MAX;
  r->split_t = -1;
  r->score = -1.0f;
  return r;
}

static int cmp_cand(const void *pa, const void *pb) {
  const cand *a = pa, *b = pb;
  float x = a->est + a->adj, y = b->est + b->adj;
  if (x != y) return x > y ? -1 : 1;
  return a->name < b->name ? -1 : a->name > b->name;
}

typedef struct order {
  float score;
  size_t list;
  uint32_t entry;
  unsigned i;
} order;

static int cmp_order(const void *pa, const void *pb) {
  const order *a = pa, *b = pb;
  if (a->score != b->score) return a->score > b->score ? -1 : 1;
  if (a->list != b->list) return a->list < b->list ? -1 : 1;
  return a->entry < b->entry ? -1 : a->entry > b->entry;
}

/* Appends "A+B" of toks[first .. first+n-1] to buf. */
static size_t put_toks(char *buf, size_t cap, size_t len, const nm_tok *t, unsigned first,
                       unsigned n, unsigned max) {
  for (unsigned i = first; i < first + n && i < max; i++) {
    if (i > first && len + 1 < cap) buf[len++] = '+';
    size_t k = t[i].len;
    if (len + k >= cap) k = cap - 1 - len;
    memcpy(buf + len, t[i].s, k);
    len += k;
  }
  buf[len] = '\0';
  return len;
}

/* "name 0.95: ERIKSSON=ERIKSON, ANNA=ANNA" (pairs in the traveller's token order). */
static void name_reason(const nm_match *m, const nm_tok *q, unsigned nq, const nm_tok *e,
                        unsigned ne, float score, char *buf) {
  const size_t cap = WL_REASON_BYTES_MAX;
  int k = snprintf(buf, cap, "name %.2f:", (double)score);
  size_t len = k > 0 ? (size_t)k : 0;
  char pair[2 * NM_TOKEN_BYTES_MAX * 3 + 8];
  for (unsigned i = 0; i < m->npairs; i++) {
    const nm_pair *p = &m->pairs[i];
    size_t pl = put_toks(pair, sizeof pair, 0, q, p->q, p->q_count, nq);
    if (pl + 1 < sizeof pair) pair[pl++] = '=';
    pl = put_toks(pair, sizeof pair, pl, e, p->e, p->e_count, ne);
    const char *sep = i == 0 ? " " : ", ";
    if (len + strlen(sep) + pl + 4 >= cap) { /* room for "..." */
      memcpy(buf + len, " ...", 4);
      buf[len + 4] = '\0';
      return;
    }
    memcpy(buf + len, sep, strlen(sep));
    len += strlen(sep);
    memcpy(buf + len, pair, pl);
    len += pl;
    buf[len] = '\0';
  }
}

static void add_reason(wl_hit *h, const char *text) {
  if (h->nreasons >= WL_REASONS_MAX) return;
  snprintf(h->reasons[h->nreasons++], WL_REASON_BYTES_MAX, "%s", text);
}

static void fill_hit(wl_scratch *s, const scored *r, wl_hit *h) {
  const wl_index *ix = s->ix;
  const wl_entry *e = ix->ents[r->entry];
  memset(h, 0, sizeof *h);
  h->list = wl_list_name(ix->lists[wl__entry_list(ix, r->entry)]);
  h->entry = e;
  h->score = r->score;
  h->name_score = r->name < ix->nnames || r->direct ? r->name_score : 0.0f;
  h->name_index = r->name < ix->nnames ? ix->names[r->name].index : r->direct_index;
  h->document_match = r->doc_match;
  if (r->doc_match)
    add_reason(h, r->doc_number_only ? "document number matches, country unknown"
                                     : "document number and country match");
  if (r->direct) add_reason(h, r->direct_reason);
  if (r->name < ix->nnames) {
    const wl__name *n = &ix->names[r->name];
    nm_tok et[NM_TOKENS_MAX];
    for (unsigned i = 0; i < n->ntok; i++)
      et[i] = vtok_view(ix, wl__name_tok(ix, n, i), ix->vocab[wl__name_tok(ix, n, i)].weight);
    nm_tok alt[NM_TOKENS_MAX];
    const nm_tok *qt = s->qv;
    unsigned nq = s->nq;
    if (r->split_t >= 0) {
      nq = split_query(s, (unsigned)r->split_t, r->split_k, alt);
      qt = alt;
    }
    if (h->nreasons < WL_REASONS_MAX)
      name_reason(&r->m, qt, nq, et, n->ntok, r->name_score, h->reasons[h->nreasons++]);
    if (r->split_t >= 0 && h->nreasons < WL_REASONS_MAX) {
      const split *sp = &s->q[r->split_t].sp[r->split_k];
      snprintf(h->reasons[h->nreasons++], WL_REASON_BYTES_MAX, "name joined: %s=%s+%s",
               s->q[r->split_t].t.s, ix->pool + ix->vocab[sp->a].text,
               ix->pool + ix->vocab[sp->b].text);
    }
    if (n->flags & WL_NAME_LOW_QUALITY) add_reason(h, "weak alias");
  }
  const evidence *ev = &r->ev;
  if (e->kind == WL_KIND_ENTITY) add_reason(h, "entity name");
  static const char *const dob[] = {
      [DOB_EXACT] = "birth_date exact",
      [DOB_MONTH] = "birth_date year and month",
      [DOB_YEAR] = "birth_date year only",
      [DOB_RANGE] = "birth_date within range",
      [DOB_SWAPPED] = "birth_date day and month swapped",
      [DOB_NEAR] = "birth_date within 1 year",
      [DOB_SAME_YEAR] = "birth_date same year, month or day differs",
      [DOB_DIFF] = "birth_date differs",
  };
  if (ev->dob != DOB_NONE) add_reason(h, dob[ev->dob]);
  if (ev->sex) add_reason(h, "sex differs");
  if (ev->nat == NAT_SAME) add_reason(h, "nationality same");
  if (ev->nat == NAT_DIFF) add_reason(h, "nationality differs");
  if (ev->doc == DOC_CONFLICT) add_reason(h, "document differs (same type and country)");
}

/* ---- Screening ---- */

/* A document hit whose entry no name candidate reached: the traveller's name against the entry's
 * names directly, so the hit still says whether the name agrees. Rare (document hits are), so the
 * names are prepared here rather than kept per entry in the index. */
static void doc_hit_name(wl_scratch *s, scored *r) {
  const wl_index *ix = s->ix;
  const wl_entry *e = ix->ents[r->entry];
  nm_name nn;
  nm_tok et[NM_TOKENS_MAX];
  float best = -1.0f;
  for (uint32_t k = 0; k < e->nnames && k < WL_DOC_HIT_NAMES_MAX; k++) {
    if (nm_prepare(s->nz, e->names[k], strlen(e->names[k]), &nn, NULL) != BM_OK) continue;
    unsigned ne = nm_name_toks(&nn, et, NM_TOKENS_MAX);
    for (unsigned i = 0; i < ne; i++) {
      uint32_t v = vocab_exact(ix, et[i].s, et[i].len);
      et[i].weight = v == UINT32_MAX ? 1.0f : ix->vocab[v].weight;
    }
    nm_match m;
    float ns = nm_similarity(s->qv, s->nq, et, ne, &m);
    if (ns <= best) continue;
    best = ns;
    r->direct = true;
    r->direct_index = (uint8_t)k;
    r->name_score = ns;
    name_reason(&m, s->qv, s->nq, et, ne, ns, r->direct_reason);
  }
}

static void document_lane(wl_scratch *s, const wl_query *q, const char *key, size_t klen) {
  const wl_index *ix = s->ix;
  uint32_t n;
  const uint32_t *run = wl__table_get(&ix->docs, wl__key_str(WL__K_DOC, key, klen), &n);
  for (uint32_t i = 0; i < n; i++) {
    const wl_entry *e = ix->ents[run[i]];
    bool matched = false, number_only = false;
    for (uint32_t d = 0; d < e->ndocuments && d < WL_DOCUMENTS_MAX && !matched; d++) {
      const wl_document *doc = &e->documents[d];
      char k[WL_DOC_NUMBER_BYTES_MAX];
      size_t kl = wl_document_key(doc->number, k, sizeof k);
      if (kl != klen || memcmp(k, key, kl) != 0) continue;
      if (known(doc->country) && known(q->document_country)) {
        if (strcmp(doc->country, q->document_country) == 0) matched = true, number_only = false;
      } else if (klen >= WL_DOC_NUMBER_ONLY_LEN_MIN) {
        matched = true, number_only = true;
      }
    }
    if (!matched) continue;
    scored *r = entry_slot(s, run[i]);
    if (r == NULL) return;
    r->doc_match = true;
    r->doc_number_only = number_only;
  }
}

bm_err wl_screen(const wl_index *ix, wl_scratch *s, const wl_query *q, const wl_screen_opts *opts,
                 wl_hit *hits, unsigned *nhits, bm_diag *diag) {
  if (nhits != NULL) *nhits = 0;
  if (ix == NULL || s == NULL || q == NULL || hits == NULL || nhits == NULL || s->ix != ix)
    return bm_diag_set(diag, BM_ERR_USAGE, NULL, 0, 0, "wl_screen: bad arguments");
  float threshold = opts && opts->threshold > 0.0f ? opts->threshold : WL_DEFAULT_THRESHOLD;
  unsigned limit = opts && opts->limit ? opts->limit : WL_DEFAULT_LIMIT;
  if (limit > WL_HITS_MAX) limit = WL_HITS_MAX;
  const wl_dispositions *disp = opts ? opts->dispositions : NULL;

  bool has_name = (q->name && q->name[0]) || (q->surname && q->surname[0]) ||
                  (q->given_names && q->given_names[0]);
  char dkey[WL_DOC_NUMBER_BYTES_MAX];
  size_t dlen =
      known(q->document_number) ? wl_document_key(q->document_number, dkey, sizeof dkey) : 0;
  s->nq = s->nqt = 0;
  s->name.ntokens = 0;
  if (has_name) {
    bm_err err = prepare_query(s, q, diag);
    if (err != BM_OK) return err;
  }
  if (s->nq == 0 && dlen == 0)
    return bm_diag_set(diag, BM_ERR_INVALID, has_name ? "name" : "name", 0, 0,
                       has_name ? "the name has no letters or digits"
                                : "a query needs a name (or surname and given_names) or a "
                                  "document_number");
  s->nsc = 0;
  if (dlen > 0) document_lane(s, q, dkey, dlen);

  if (s->nq > 0) {
    unsigned nstrong = 0;
    for (unsigned i = 0; i < s->nq; i++) nstrong += s->q[i].strong;
    /* A name matching one strong token of several scores at most WL_ONE_TOKEN_CAP (nm_similarity's
     * cap), so a candidate must match two. This holds at any threshold: the candidates must not
     * depend on it (a threshold below the cap plus evidence, about 0.67, does not bring back
     * one-token matches; docs/screening.md). */
    bool singles = nstrong <= 1;
    /* A strong token without a sure partner (a misspelling the keys do not reach, or a name the
     * list lacks): names matching one other token stay candidates. */
    bool loose = false;
    for (unsigned i = 0; i < s->nq; i++)
      loose =
          loose || (s->q[i].strong && (s->q[i].npart == 0 || s->q[i].part[0].s < WL_PARTNER_SURE));
    candidates(s, singles, loose);
    unsigned npick = 0;
    /* Cheapest first: the packed evidence the postings carried (a perfect name plus the best
     * evidence must reach the threshold); then the estimate (reads the name and its tokens); then
     * the entry's full evidence (reads the entry). Each stage prefetches what the next reads for
     * all its survivors, so that their cache misses overlap. */
    unsigned nlive = 0;
    for (unsigned i = 0; i < s->nc; i++) {
      cand *c = &s->c[i];
      if (!singles && (c->mask & (c->mask - 1)) == 0 &&
          !(c->flags & (WL__POST_INITIAL | WL__POST_MORE | WL__CAND_LOOSE)))
        continue;
      c->adj = evidence_upper(q, c->ev); /* for now the bound */
      if (1.0f + c->adj < threshold) continue;
      __builtin_prefetch(&ix->names[c->name]);
      s->c[nlive++] = *c;
    }
    for (unsigned i = 0; i < nlive; i++) {
      const wl__name *n = &ix->names[s->c[i].name];
      if (n->ntok > WL__NAME_INLINE) __builtin_prefetch(&ix->name_toks[n->tok + WL__NAME_INLINE]);
      for (unsigned k = 0; k < n->ntok && k < WL__NAME_INLINE; k++)
        __builtin_prefetch(&ix->vocab[n->inl[k]]);
    }
    unsigned nest = 0;
    for (unsigned i = 0; i < nlive; i++) {
      cand *c = &s->c[i];
      float up = c->adj;
      const wl__name *n = &ix->names[c->name];
      c->est = estimate(s, n, WL_SCORE_FLOOR - up);
      if (c->est + up < WL_SCORE_FLOOR) continue;
      __builtin_prefetch(&ix->ents[n->entry]);
      s->c[nest++] = *c;
    }
    for (unsigned i = 0; i < nest; i++) __builtin_prefetch(ix->ents[ix->names[s->c[i].name].entry]);
    for (unsigned i = 0; i < nest; i++) {
      cand *c = &s->c[i];
      const wl__name *n = &ix->names[c->name];
      evidence ev;
      evidence_of(ix->ents[n->entry], q, dkey, dlen, &ev);
      c->adj = ev.adj - ((n->flags & WL_NAME_LOW_QUALITY) ? WL_WEAK_ALIAS_PENALTY : 0.0f);
      if (c->est + c->adj < WL_SCORE_FLOOR) continue;
      s->pick[npick++] = *c;
    }
    if (npick > WL_SCORE_MAX) {
      qsort(s->pick, npick, sizeof *s->pick, cmp_cand);
      npick = WL_SCORE_MAX;
    }
    for (unsigned i = 0; i < npick; i++) {
      const cand *c = &s->pick[i];
      const wl__name *n = &ix->names[c->name];
      nm_tok et[NM_TOKENS_MAX];
      for (unsigned k = 0; k < n->ntok; k++) {
        uint32_t v = wl__name_tok(ix, n, k);
        et[k] = vtok_view(ix, v, ix->vocab[v].weight);
      }
      nm_match m;
      float ns = nm_similarity(s->qv, s->nq, et, n->ntok, &m);
      int split_t = -1, split_k = 0;
      split_score(s, n, et, &ns, &m, &split_t, &split_k);
      float score = ns + c->adj;
      if (score < threshold) {
        /* Not a hit by name; the entry may still be a document hit wanting its name. */
        bool doc = false;
        for (unsigned k = 0; k < s->nsc && !doc; k++) doc = s->sc[k].entry == n->entry;
        if (!doc) continue;
      }
      scored *r = entry_slot(s, n->entry);
      if (r == NULL) break;
      if (r->name == UINT32_MAX || score > r->score || (score == r->score && c->name < r->name)) {
        r->name = c->name;
        r->name_score = ns;
        r->score = score;
        r->m = m;
        r->split_t = (int8_t)split_t;
        r->split_k = (uint8_t)split_k;
      }
    }
  }

  /* Final scores, threshold, dispositions. */
  order ord[WL_ENTRY_HITS_MAX];
  unsigned nord = 0;
  bool key_done = false;
  for (unsigned i = 0; i < s->nsc; i++) {
    scored *r = &s->sc[i];
    const wl_entry *e = ix->ents[r->entry];
    evidence_of(e, q, dkey, dlen, &r->ev);
    if (r->doc_match && r->name == UINT32_MAX && s->nq > 0) doc_hit_name(s, r);
    if (r->name != UINT32_MAX) {
      r->score = r->name_score + r->ev.adj -
                 ((ix->names[r->name].flags & WL_NAME_LOW_QUALITY) ? WL_WEAK_ALIAS_PENALTY : 0.0f);
    }
    if (r->doc_match) r->score = r->doc_number_only ? WL_DOC_NUMBER_ONLY_SCORE : 1.0f;
    if (r->doc_match && r->doc_number_only && r->name != UINT32_MAX &&
        r->name_score + r->ev.adj > r->score)
      r->score = r->name_score + r->ev.adj;
    if (r->score > 1.0f) r->score = 1.0f;
    if (r->score < 0.0f) r->score = 0.0f;
    if (r->score < threshold) continue;
    size_t li = wl__entry_list(ix, r->entry);
    if (disp != NULL) {
      if (!key_done) {
        wl__traveller_key(&s->name, q, s->key, sizeof s->key);
        key_done = true;
      }
      if (wl_dispositions_has(disp, s->key, wl_list_name(ix->lists[li]), e->id)) continue;
    }
    ord[nord++] = (order){r->score, li, r->entry, i};
  }
  qsort(ord, nord, sizeof *ord, cmp_order);
  if (nord > limit) nord = limit;
  for (unsigned i = 0; i < nord; i++) fill_hit(s, &s->sc[ord[i].i], &hits[i]);
  *nhits = nord;
  return BM_OK;
}

/* ---- Batches ---- */

#define WL_BATCH_THREADS_MAX 64
#define WL_BATCH_CHUNK       16 /* travellers a thread takes at a time */

typedef struct batch {
  const wl_index *ix;
  const wl_query *qs;
  size_t n;
  const wl_screen_opts *opts;
  unsigned limit;
  wl_hit *hits;
  unsigned *nhits;
  bm_err *errs;
  atomic_size_t next;
  atomic_int failed; /* a scratch could not be made */
} batch;

/* A scratch from the index's pool, or a new one. */
static wl_scratch *scratch_take(const wl_index *cix) {
  wl_index *ix = (wl_index *)cix; /* the pool is the index's one mutable part */
  wl_scratch *s = NULL;
  pthread_mutex_lock(&ix->pool_lock);
  if (ix->nspare > 0) s = ix->spare[--ix->nspare];
  pthread_mutex_unlock(&ix->pool_lock);
  return s != NULL ? s : wl_scratch_new(cix, NULL);
}

static void scratch_give(const wl_index *cix, wl_scratch *s) {
  wl_index *ix = (wl_index *)cix;
  pthread_mutex_lock(&ix->pool_lock);
  if (ix->nspare < WL_IDX_POOL_SCRATCH_MAX) {
    ix->spare[ix->nspare++] = s;
    s = NULL;
  }
  pthread_mutex_unlock(&ix->pool_lock);
  wl_scratch_free(s);
}

static void *batch_run(void *arg) {
  batch *b = arg;
  wl_scratch *s = scratch_take(b->ix);
  if (s == NULL) {
    atomic_store(&b->failed, 1);
    return NULL;
  }
  for (;;) {
    size_t first = atomic_fetch_add(&b->next, WL_BATCH_CHUNK);
    if (first >= b->n) break;
    size_t last = first + WL_BATCH_CHUNK < b->n ? first + WL_BATCH_CHUNK : b->n;
    for (size_t i = first; i < last; i++) {
      bm_err e =
          wl_screen(b->ix, s, &b->qs[i], b->opts, b->hits + i * b->limit, &b->nhits[i], NULL);
      if (b->errs != NULL) b->errs[i] = e;
    }
  }
  scratch_give(b->ix, s);
  return NULL;
}

bm_err wl_screen_batch(const wl_index *ix, const wl_query *qs, size_t n, const wl_screen_opts *opts,
                       unsigned threads, wl_hit *hits, unsigned *nhits, bm_err *errs) {
  if (ix == NULL || (n > 0 && (qs == NULL || hits == NULL || nhits == NULL))) return BM_ERR_USAGE;
  if (n == 0) return BM_OK;
  unsigned limit = opts && opts->limit ? opts->limit : WL_DEFAULT_LIMIT;
  if (limit > WL_HITS_MAX) limit = WL_HITS_MAX;
  wl_screen_opts o = {0};
  if (opts != NULL) o = *opts;
  o.limit = limit;
  if (threads == 0) {
    long c = sysconf(_SC_NPROCESSORS_ONLN);
    threads = c < 1 ? 1u : (unsigned)c;
  }
  if (threads > WL_BATCH_THREADS_MAX) threads = WL_BATCH_THREADS_MAX;
  size_t chunks = (n + WL_BATCH_CHUNK - 1) / WL_BATCH_CHUNK;
  if (threads > chunks) threads = (unsigned)chunks;
  batch b = {.ix = ix,
             .qs = qs,
             .n = n,
             .opts = &o,
             .limit = limit,
             .hits = hits,
             .nhits = nhits,
             .errs = errs};
  atomic_init(&b.next, 0);
  atomic_init(&b.failed, 0);
  for (size_t i = 0; i < n; i++) nhits[i] = 0;
  pthread_t tids[WL_BATCH_THREADS_MAX];
  unsigned started = 0;
  for (unsigned i = 1; i < threads; i++)
    if (pthread_create(&tids[started], NULL, batch_run, &b) == 0) started++;
  batch_run(&b); /* this thread works too */
  for (unsigned i = 0; i < started; i++) pthread_join(tids[i], NULL);
  if (atomic_load(&b.next) < n) {
    /* No scratch anywhere (out of memory): nothing more can be screened. */
    if (errs != NULL)
      for (size_t i = 0; i < n; i++) errs[i] = BM_ERR_NOMEM;
    return BM_ERR_NOMEM;
  }
  /* Travellers a failed thread had taken are done by the others: a thread without a scratch takes
   * none. */
  return BM_OK;
}
