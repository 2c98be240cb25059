/* wl_index.c - building the screening index (include/bmis/screen.h, layout in wl_idx.h).
 *
 * Build steps:
 *   1. normalise every name of every person and entity entry with nm_prepare, one nm_normalizer per
 *      thread, each thread a contiguous run of entries, tokens interned into a per-thread
 *      dictionary (so the hot loop shares nothing);
 *   2. merge the dictionaries into one vocabulary sorted by (text, variant, flags), so ids do not
 *      depend on the thread count and results are the same on any machine;
 *   3. number the names by token count (shortest first) and count each token's names (its
 *      document frequency, which gives its rarity weight);
 *   4. fuzzy keys -> vocabulary, vocabulary -> names, frequent pairs -> names, documents ->
 * entries: each an open-addressing table over one flat postings array, filled by two passes over
 * the data (count, then place), so nothing is reallocated per key.
 *
 * Memory: 32 bytes per name, 4 per name token, 20 per posting of a vocabulary token, 8 per pair
 * posting, 16 per key slot, about 44 per distinct token plus its text; 247 MB for the 1M-entry
 * benchmark list (docs/screening.md).
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bmis/names.h"
#include "bmis/screen.h"
#include "bmis/watchlist.h"
#include "screen/wl_idx.h"

#define WL_BUILD_THREADS_MAX 64
/* Entries per build thread at least: below this a thread costs more than it saves (each opens its
 * own ICU transliterator). */
#define WL_BUILD_ENTRIES_PER_THREAD_MIN 2048
/* Names of a frequent token kept for the bounded fallback reads (shortest names first). */
#define WL_IDX_FREQ_PREFIX_MAX 256

/* Rarity weights. A token's frequency is its names over the list's names plus a prior of names
 * that lack it, so that in a 20-name test list nothing counts as common. At or below
 * WL_WEIGHT_RARE_FREQ (1 name in 10,000) a token weighs 1; at WL_WEIGHT_COMMON_FREQ (2% of names:
 * MOHAMMED in a sanctions list, MICHAEL in a manifest) and above it weighs WL_WEIGHT_FLOOR, log-
 * linear in between. The floor is not 0: a common name still counts when everything else agrees
 * (MOHAMMED ALI = MOHAMMED ALI). */
#define WL_WEIGHT_PRIOR_NAMES 10000.0
#define WL_WEIGHT_RARE_FREQ   1e-4
#define WL_WEIGHT_COMMON_FREQ 2e-2
#define WL_WEIGHT_FLOOR       0.35

float wl__weight(uint32_t df, size_t n) {
  double f = (double)df / ((double)n + WL_WEIGHT_PRIOR_NAMES);
  if (f <= WL_WEIGHT_RARE_FREQ) return 1.0f;
  if (f >= WL_WEIGHT_COMMON_FREQ) return (float)WL_WEIGHT_FLOOR;
  double t = log(f / WL_WEIGHT_RARE_FREQ) / log(WL_WEIGHT_COMMON_FREQ / WL_WEIGHT_RARE_FREQ);
  return (float)(1.0 - t * (1.0 - WL_WEIGHT_FLOOR));
}

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- Growable arrays ---- */

typedef struct vec {
  void *p;
  size_t n, cap, size;
} vec;

static void *vec_push(vec *v, size_t count) {
  if (v->n + count > v->cap) {
    size_t cap = v->cap ? v->cap : 256;
    while (cap < v->n + count) cap *= 2;
    void *np = realloc(v->p, cap * v->size);
    if (np == NULL) return NULL;
    v->p = np;
    v->cap = cap;
  }
  void *r = (char *)v->p + v->n * v->size;
  v->n += count;
  return r;
}

/* ---- Per-thread dictionary ---- */

typedef struct ltok {
  uint64_t hash;
  uint32_t text, alt, skel; /* offsets into the thread's pool */
  uint32_t dm[2];
  uint8_t len, alt_len, skel_len, flags;
} ltok;

typedef struct lname {
  uint32_t entry, tok;
  uint8_t ntok, nstrong, index, flags;
} lname;

typedef struct worker {
  const wl_index *ix;
  size_t first, last; /* entries [first, last) */
  vec toks;           /* ltok: the dictionary */
  vec pool;           /* char */
  uint32_t *table;    /* dictionary slots: local id + 1, 0 empty */
  size_t mask;
  vec names;       /* lname */
  vec name_toks;   /* uint32 local ids */
  uint32_t *remap; /* local id -> vocabulary id */
  size_t scripts[16];
  bm_err err;
  bm_diag diag;
} worker;

static uint32_t pool_add(vec *pool, const char *s, size_t n) {
  size_t off = pool->n;
  char *d = vec_push(pool, n + 1);
  if (d == NULL) return UINT32_MAX;
  memcpy(d, s, n);
  d[n] = '\0';
  return (uint32_t)off;
}

static uint64_t tok_hash(const nm_token *t) {
  uint64_t h = wl__hash_start(0);
  h = wl__hash_bytes(h, t->text, t->len);
  h = wl__hash_bytes(h, "\0", 1);
  h = wl__hash_bytes(h, t->alt, t->alt_len);
  h = wl__hash_bytes(h, (const char *)&t->flags, 1);
  return wl__hash_end(h);
}

static bool ltok_is(const worker *w, const ltok *l, const nm_token *t) {
  const char *pool = w->pool.p;
  return l->len == t->len && l->alt_len == t->alt_len && l->flags == t->flags &&
         memcmp(pool + l->text, t->text, t->len) == 0 &&
         (t->alt_len == 0 || memcmp(pool + l->alt, t->alt, t->alt_len) == 0);
}

static bool worker_grow(worker *w) {
  size_t cap = w->mask ? (w->mask + 1) * 2 : 4096;
  uint32_t *t = calloc(cap, sizeof *t);
  if (t == NULL) return false;
  const ltok *toks = w->toks.p;
  for (size_t i = 0; i < w->toks.n; i++) {
    size_t k = (size_t)toks[i].hash & (cap - 1);
    while (t[k]) k = (k + 1) & (cap - 1);
    t[k] = (uint32_t)i + 1;
  }
  free(w->table);
  w->table = t;
  w->mask = cap - 1;
  return true;
}

/* Local id of token t, added on first sight; UINT32_MAX when out of memory. */
static uint32_t worker_intern(worker *w, const nm_token *t) {
  if ((w->toks.n + 1) * 2 > w->mask + 1 && !worker_grow(w)) return UINT32_MAX;
  uint64_t h = tok_hash(t);
  size_t k = (size_t)h & w->mask;
  for (; w->table[k]; k = (k + 1) & w->mask) {
    const ltok *l = (const ltok *)w->toks.p + (w->table[k] - 1);
    if (l->hash == h && ltok_is(w, l, t)) return w->table[k] - 1;
  }
  ltok nl = {.hash = h, .len = t->len, .alt_len = t->alt_len, .flags = t->flags};
  nl.dm[0] = t->dm[0];
  nl.dm[1] = t->dm[1];
  size_t sk = strlen(t->skeleton);
  nl.skel_len = (uint8_t)sk;
  nl.text = pool_add(&w->pool, t->text, t->len);
  nl.alt = t->alt_len ? pool_add(&w->pool, t->alt, t->alt_len) : 0;
  nl.skel = sk ? pool_add(&w->pool, t->skeleton, sk) : 0;
  if (nl.text == UINT32_MAX || nl.alt == UINT32_MAX || nl.skel == UINT32_MAX) return UINT32_MAX;
  ltok *slot = vec_push(&w->toks, 1);
  if (slot == NULL) return UINT32_MAX;
  *slot = nl;
  uint32_t id = (uint32_t)(w->toks.n - 1);
  w->table[k] = id + 1;
  return id;
}

static void *worker_run(void *arg) {
  worker *w = arg;
  const wl_index *ix = w->ix;
  nm_normalizer *nz = nm_normalizer_new(&w->diag);
  if (nz == NULL) {
    w->err = BM_ERR_UNSUPPORTED;
    return NULL;
  }
  nm_name nm;
  for (size_t g = w->first; g < w->last && w->err == BM_OK; g++) {
    const wl_entry *e = ix->ents[g];
    if (e->kind != WL_KIND_PERSON && e->kind != WL_KIND_ENTITY) continue;
    uint32_t nnames = e->nnames < WL_NAMES_MAX ? e->nnames : WL_NAMES_MAX;
    for (uint32_t k = 0; k < nnames; k++) {
      const char *s = e->names[k];
      /* A name nm_prepare refuses (malformed UTF-8 the loader let through, over-long) is not
       * indexed; the entry's other names still are. */
      if (nm_prepare(nz, s, strlen(s), &nm, NULL) != BM_OK || nm.ntokens == 0) continue;
      if (nm.script < 16) w->scripts[nm.script]++;
      lname *ln = vec_push(&w->names, 1);
      uint32_t *ids = vec_push(&w->name_toks, nm.ntokens);
      if (ln == NULL || ids == NULL) {
        w->err = BM_ERR_NOMEM;
        break;
      }
      ln->entry = (uint32_t)g;
      ln->tok = (uint32_t)(w->name_toks.n - nm.ntokens);
      ln->ntok = nm.ntokens;
      ln->index = (uint8_t)k;
      ln->flags = e->name_flags ? e->name_flags[k] : 0;
      ln->nstrong = 0;
      for (unsigned i = 0; i < nm.ntokens; i++) {
        ids[i] = worker_intern(w, &nm.tokens[i]);
        if (ids[i] == UINT32_MAX) {
          w->err = BM_ERR_NOMEM;
          break;
        }
        if (!wl__weak(nm.tokens[i].flags)) ln->nstrong++;
      }
    }
  }
  nm_normalizer_free(nz);
  return NULL;
}

static void worker_release(worker *w) {
  free(w->toks.p);
  free(w->pool.p);
  free(w->table);
  free(w->names.p);
  free(w->name_toks.p);
  free(w->remap);
}

/* ---- Merging the dictionaries ---- */

typedef struct mtok {
  const worker *w;
  uint32_t local;
} mtok;

static int cmp_mtok(const void *pa, const void *pb) {
  const mtok *a = pa, *b = pb;
  const ltok *x = (const ltok *)a->w->toks.p + a->local;
  const ltok *y = (const ltok *)b->w->toks.p + b->local;
  const char *px = a->w->pool.p, *py = b->w->pool.p;
  int c = strcmp(px + x->text, py + y->text);
  if (c) return c;
  c = strcmp(x->alt_len ? px + x->alt : "", y->alt_len ? py + y->alt : "");
  if (c) return c;
  return (int)x->flags - (int)y->flags;
}

/* ---- Key tables: two passes (count, place) over the same keys ---- */

typedef struct kbuild {
  wl__table t;
  uint32_t *last; /* per slot: last value placed + 1, so one value is posted once per key */
  uint8_t *type;
  size_t used;
  bool nomem;
} kbuild;

static bool kb_grow(kbuild *kb) {
  size_t cap = kb->t.mask ? (kb->t.mask + 1) * 2 : 1024;
  wl__slot *s = calloc(cap, sizeof *s);
  uint32_t *last = calloc(cap, sizeof *last);
  uint8_t *type = calloc(cap, 1);
  if (s == NULL || last == NULL || type == NULL) {
    free(s);
    free(last);
    free(type);
    kb->nomem = true;
    return false;
  }
  for (size_t i = 0; kb->t.mask && i <= kb->t.mask; i++) {
    if (kb->t.slots[i].key == 0) continue;
    size_t k = (size_t)kb->t.slots[i].key & (cap - 1);
    while (s[k].key) k = (k + 1) & (cap - 1);
    s[k] = kb->t.slots[i];
    last[k] = kb->last[i];
    type[k] = kb->type[i];
  }
  free(kb->t.slots);
  free(kb->last);
  free(kb->type);
  kb->t.slots = s;
  kb->last = last;
  kb->type = type;
  kb->t.mask = cap - 1;
  return true;
}

/* Pass 1: count value under key. */
static void kb_count(kbuild *kb, unsigned type, uint64_t key, uint32_t value) {
  if (kb->nomem) return;
  if ((kb->used + 1) * 2 > kb->t.mask + 1 && !kb_grow(kb)) return;
  size_t k = (size_t)key & kb->t.mask;
  while (kb->t.slots[k].key && kb->t.slots[k].key != key) k = (k + 1) & kb->t.mask;
  wl__slot *s = &kb->t.slots[k];
  if (s->key == 0) {
    s->key = key;
    kb->type[k] = (uint8_t)type;
    kb->used++;
  }
  if (kb->last[k] == value + 1) return;
  kb->last[k] = value + 1;
  s->n++;
}

/* Between the passes: offsets, with keys over their type's cut-off emptied. cutoff(type) == 0
 * means no cut-off. Returns false when out of memory. */
static bool kb_place(kbuild *kb, const uint32_t cutoff[16]) {
  if (kb->nomem) return false;
  size_t total = 0;
  for (size_t i = 0; kb->t.mask && i <= kb->t.mask; i++) {
    wl__slot *s = &kb->t.slots[i];
    if (s->key == 0) continue;
    uint32_t cut = cutoff ? cutoff[kb->type[i] & 15] : 0;
    if (cut && s->n > cut) {
      s->off = UINT32_MAX; /* dropped: looked up as empty */
      s->n = 0;
      continue;
    }
    s->off = (uint32_t)total;
    total += s->n;
    s->n = 0; /* counts again while placing */
  }
  if (total > UINT32_MAX) return false;
  kb->t.post = malloc((total ? total : 1) * sizeof *kb->t.post);
  if (kb->t.post == NULL) return false;
  kb->t.npost = total;
  if (kb->t.mask) memset(kb->last, 0, (kb->t.mask + 1) * sizeof *kb->last);
  return true;
}

/* Pass 2: place value under key (a key pass 1 did not count is ignored). */
static void kb_put(kbuild *kb, uint64_t key, uint32_t value) {
  size_t k = (size_t)key & kb->t.mask;
  while (kb->t.slots[k].key && kb->t.slots[k].key != key) k = (k + 1) & kb->t.mask;
  wl__slot *s = &kb->t.slots[k];
  if (s->key == 0 || s->off == UINT32_MAX || kb->last[k] == value + 1) return;
  kb->last[k] = value + 1;
  kb->t.post[s->off + s->n++] = value;
}

/* Hand over the table; dropped keys stay as empty runs. */
static void kb_finish(kbuild *kb, wl__table *out) {
  for (size_t i = 0; kb->t.mask && i <= kb->t.mask; i++)
    if (kb->t.slots[i].off == UINT32_MAX) kb->t.slots[i].off = 0;
  free(kb->last);
  free(kb->type);
  *out = kb->t;
  memset(kb, 0, sizeof *kb);
}

static void kb_release(kbuild *kb) {
  free(kb->t.slots);
  free(kb->t.post);
  free(kb->last);
  free(kb->type);
}

/* ---- Vocabulary keys ---- */

typedef void (*key_fn)(kbuild *kb, unsigned type, uint64_t key, uint32_t value);

static void put_fn(kbuild *kb, unsigned type, uint64_t key, uint32_t value) {
  (void)type;
  kb_put(kb, key, value);
}

/* Every fuzzy key of vocabulary token v. */
static void vocab_keys(const wl_index *ix, uint32_t v, kbuild *kb, key_fn fn) {
  const wl__vtok *t = &ix->vocab[v];
  const char *s = ix->pool + t->text;
  fn(kb, WL__K_TEXT, wl__key_str(WL__K_TEXT, s, t->len), v);
  if (t->alt_len) fn(kb, WL__K_TEXT, wl__key_str(WL__K_TEXT, ix->pool + t->alt, t->alt_len), v);
  /* Initials and numbers are only ever found by their exact text (nm_similarity pairs an initial
   * with any token of its letter, which no key can enumerate, and numbers match exactly). */
  if (t->flags & (NM_TOK_INITIAL | NM_TOK_NUMBER)) return;
  for (int i = 0; i < 2; i++)
    if (t->dm[i] && (i == 0 || t->dm[1] != t->dm[0]))
      fn(kb, WL__K_DM, wl__key_u32(WL__K_DM, t->dm[i], 0), v);
  if (t->skel_len >= 2)
    fn(kb, WL__K_SKEL, wl__key_str(WL__K_SKEL, ix->pool + t->skel, t->skel_len), v);
  char sound[WL__SOUND_KEY_MAX + 1];
  size_t sn = wl__sound_key(s, t->len, sound);
  if (sn) fn(kb, WL__K_SOUND, wl__key_str(WL__K_SOUND, sound, sn), v);
  if (t->len >= WL_IDX_DEL_LEN_MIN) {
    fn(kb, WL__K_DEL, wl__key_str(WL__K_DEL, s, t->len), v);
    for (size_t i = 0; i < t->len; i++) fn(kb, WL__K_DEL, wl__key_del(s, t->len, i), v);
  }
  if (t->len >= 3) {
    char pad[NM_TOKEN_BYTES_MAX + 2];
    pad[0] = '^';
    memcpy(pad + 1, s, t->len);
    pad[t->len + 1] = '$';
    for (size_t i = 0; i + 3 <= (size_t)t->len + 2; i++)
      fn(kb, WL__K_QGRAM, wl__key_str(WL__K_QGRAM, pad + i, 3), v);
  }
}

/* ---- Pairs of frequent tokens ---- */

static bool frequent(const wl_index *ix, uint32_t v) {
  return ix->vocab[v].df > WL_IDX_RARE_NAMES_MAX;
}

/* Distinct strong vocabulary ids of name n: the frequent ones (at most WL_IDX_PAIR_TOKENS_MAX) in
 * out, the count of all distinct strong ids in *nstrong, the first of them in *first. */
static unsigned name_frequent_first(const wl_index *ix, const wl__name *n, uint32_t *out,
                                    unsigned *nstrong, uint32_t *first) {
  uint32_t seen[NM_TOKENS_MAX];
  unsigned nseen = 0, nout = 0;
  for (unsigned i = 0; i < n->ntok; i++) {
    uint32_t v = ix->name_toks[n->tok + i];
    if (wl__weak(ix->vocab[v].flags)) continue;
    bool dup = false;
    for (unsigned j = 0; j < nseen; j++) dup = dup || seen[j] == v;
    if (dup) continue;
    seen[nseen++] = v;
    if (frequent(ix, v) && nout < WL_IDX_PAIR_TOKENS_MAX) out[nout++] = v;
  }
  *nstrong = nseen;
  if (first != NULL) *first = nseen ? seen[0] : UINT32_MAX;
  return nout;
}

/* Pairs of frequent strong tokens of a name (a rare token's postings carry the rest), and the one
 * strong token of a name that has only one (any frequency): what a traveller of one strong token
 * looks up. */
static void pair_keys(const wl_index *ix, uint32_t name, kbuild *kb, key_fn fn) {
  uint32_t f[WL_IDX_PAIR_TOKENS_MAX], first;
  unsigned nstrong;
  unsigned nf = name_frequent_first(ix, &ix->names[name], f, &nstrong, &first);
  const wl__name *n = &ix->names[name];
  if (nstrong == 1) fn(kb, WL__K_SINGLE, wl__key_u32(WL__K_SINGLE, first, 0), name);
  for (unsigned a = 0; a < nf; a++)
    for (unsigned b = a + 1; b < nf; b++) fn(kb, WL__K_PAIR, wl__key_pair(f[a], f[b]), name);
  /* A name with an initial (J. SMITH) matches a traveller's second token by its letter, which no
   * pair can hold: its frequent tokens are keys of their own. */
  bool initial = false;
  for (unsigned t = 0; t < n->ntok; t++)
    initial = initial || (ix->vocab[ix->name_toks[n->tok + t]].flags & NM_TOK_INITIAL);
  if (initial)
    for (unsigned a = 0; a < nf; a++) fn(kb, WL__K_INIT, wl__key_u32(WL__K_INIT, f[a], 0), name);
}

/* ---- Documents ---- */

static void doc_keys(const wl_index *ix, uint32_t g, kbuild *kb, key_fn fn) {
  const wl_entry *e = ix->ents[g];
  if (e->kind == WL_KIND_OTHER) return;
  uint32_t nd = e->ndocuments < WL_DOCUMENTS_MAX ? e->ndocuments : WL_DOCUMENTS_MAX;
  for (uint32_t d = 0; d < nd; d++) {
    char key[WL_DOC_NUMBER_BYTES_MAX];
    if (e->documents[d].number == NULL) continue;
    size_t n = wl_document_key(e->documents[d].number, key, sizeof key);
    if (n == 0) continue;
    fn(kb, WL__K_DOC, wl__key_str(WL__K_DOC, key, n), g);
  }
}

/* ---- The build ---- */

static unsigned cores(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n < 1 ? 1u : n > WL_BUILD_THREADS_MAX ? WL_BUILD_THREADS_MAX : (unsigned)n;
}

static bm_err build_vocab(wl_index *ix, worker *ws, unsigned nw) {
  size_t total = 0;
  for (unsigned i = 0; i < nw; i++) total += ws[i].toks.n;
  mtok *all = malloc((total ? total : 1) * sizeof *all);
  if (all == NULL) return BM_ERR_NOMEM;
  size_t k = 0, pool_bytes = 1;
  for (unsigned i = 0; i < nw; i++) {
    ws[i].remap = malloc((ws[i].toks.n ? ws[i].toks.n : 1) * sizeof *ws[i].remap);
    if (ws[i].remap == NULL) {
      free(all);
      return BM_ERR_NOMEM;
    }
    for (size_t j = 0; j < ws[i].toks.n; j++) all[k++] = (mtok){&ws[i], (uint32_t)j};
  }
  qsort(all, total, sizeof *all, cmp_mtok);
  size_t nv = 0;
  for (size_t i = 0; i < total; i++) {
    if (i == 0 || cmp_mtok(&all[i - 1], &all[i]) != 0) {
      const ltok *l = (const ltok *)all[i].w->toks.p + all[i].local;
      nv++;
      pool_bytes += (size_t)l->len + 1 + (l->alt_len ? l->alt_len + 1u : 0) +
                    (l->skel_len ? l->skel_len + 1u : 0);
    }
    ((worker *)all[i].w)->remap[all[i].local] = (uint32_t)(nv - 1);
  }
  if (pool_bytes > WL_IDX_POOL_MAX) {
    free(all);
    return BM_ERR_LIMIT;
  }
  ix->vocab = calloc(nv ? nv : 1, sizeof *ix->vocab);
  ix->pool = malloc(pool_bytes);
  if (ix->vocab == NULL || ix->pool == NULL) {
    free(all);
    return BM_ERR_NOMEM;
  }
  ix->pool[0] = '\0';
  size_t off = 1;
  nv = 0;
  for (size_t i = 0; i < total; i++) {
    if (i > 0 && cmp_mtok(&all[i - 1], &all[i]) == 0) continue;
    const ltok *l = (const ltok *)all[i].w->toks.p + all[i].local;
    const char *p = all[i].w->pool.p;
    wl__vtok *v = &ix->vocab[nv++];
    v->len = l->len;
    v->alt_len = l->alt_len;
    v->skel_len = l->skel_len;
    v->flags = l->flags;
    v->dm[0] = l->dm[0];
    v->dm[1] = l->dm[1];
    v->text = (uint32_t)off;
    v->first = p[l->text];
    v->letters = wl__letters(p + l->text, l->len);
    memcpy(ix->pool + off, p + l->text, l->len + 1u);
    off += l->len + 1u;
    if (l->alt_len) {
      v->alt = (uint32_t)off;
      memcpy(ix->pool + off, p + l->alt, l->alt_len + 1u);
      off += l->alt_len + 1u;
    }
    if (l->skel_len) {
      v->skel = (uint32_t)off;
      memcpy(ix->pool + off, p + l->skel, l->skel_len + 1u);
      off += l->skel_len + 1u;
    }
  }
  ix->nvocab = nv;
  ix->pool_len = off;
  free(all);
  return BM_OK;
}

/* Names in order of token count (a stable counting sort keeps entry order within a count), their
 * tokens as vocabulary ids, and each token's document frequency. */
static bm_err build_names(wl_index *ix, worker *ws, unsigned nw) {
  size_t total = 0, ntoks = 0, bucket[NM_TOKENS_MAX + 2] = {0};
  for (unsigned i = 0; i < nw; i++) {
    total += ws[i].names.n;
    ntoks += ws[i].name_toks.n;
    const lname *ln = ws[i].names.p;
    for (size_t j = 0; j < ws[i].names.n; j++) bucket[ln[j].ntok + 1]++;
  }
  if (total > WL_IDX_NAMES_MAX || ntoks > UINT32_MAX) return BM_ERR_LIMIT;
  for (unsigned b = 1; b < NM_TOKENS_MAX + 2; b++) bucket[b] += bucket[b - 1];
  ix->names = malloc((total ? total : 1) * sizeof *ix->names);
  ix->name_toks = malloc((ntoks ? ntoks : 1) * sizeof *ix->name_toks);
  if (ix->names == NULL || ix->name_toks == NULL) return BM_ERR_NOMEM;
  size_t tokpos[NM_TOKENS_MAX + 2] = {0};
  for (unsigned b = 1; b < NM_TOKENS_MAX + 2; b++) {
    /* tokens of the names in bucket b-1 start after all tokens of shorter names */
    tokpos[b] = tokpos[b - 1] + (bucket[b] - bucket[b - 1]) * (b - 1);
  }
  for (unsigned i = 0; i < nw; i++) {
    const lname *ln = ws[i].names.p;
    const uint32_t *lt = ws[i].name_toks.p;
    for (size_t j = 0; j < ws[i].names.n; j++) {
      unsigned c = ln[j].ntok;
      size_t id = bucket[c]++;
      size_t tp = tokpos[c];
      tokpos[c] += c;
      wl__name *n = &ix->names[id];
      n->entry = ln[j].entry;
      n->tok = (uint32_t)tp;
      n->ntok = ln[j].ntok;
      n->nstrong = ln[j].nstrong;
      n->index = ln[j].index;
      n->flags = ln[j].flags;
      n->ev =
          wl__ev_pack(ix->ents[n->entry]) | ((n->flags & WL_NAME_LOW_QUALITY) ? WL__EV_WEAK : 0u);
      for (unsigned t = 0; t < c; t++) {
        uint32_t v = ws[i].remap[lt[ln[j].tok + t]];
        ix->name_toks[tp + t] = v;
        if (t < WL__NAME_INLINE) n->inl[t] = v;
      }
      for (unsigned t = c; t < WL__NAME_INLINE; t++) n->inl[t] = UINT32_MAX;
    }
  }
  ix->nnames = total;
  ix->nname_toks = ntoks;
  for (size_t id = 0; id < total; id++) {
    const wl__name *n = &ix->names[id];
    for (unsigned t = 0; t < n->ntok; t++) {
      uint32_t v = ix->name_toks[n->tok + t];
      bool dup = false;
      for (unsigned u = 0; u < t; u++) dup = dup || ix->name_toks[n->tok + u] == v;
      if (!dup) ix->vocab[v].df++;
    }
  }
  for (size_t v = 0; v < ix->nvocab; v++) {
    wl__vtok *t = &ix->vocab[v];
    t->weight = wl__weight(t->df, total);
    t->mass = t->weight * wl__flag_mass(t->flags);
  }
  return BM_OK;
}

/* Vocabulary -> names: all names of a rare token, the first WL_IDX_FREQ_PREFIX_MAX (shortest) of a
 * frequent one, each with the name's evidence and other strong tokens. */
static bm_err build_vpost(wl_index *ix) {
  ix->vpost_off = malloc((ix->nvocab + 1) * sizeof *ix->vpost_off);
  if (ix->vpost_off == NULL) return BM_ERR_NOMEM;
  size_t total = 0;
  for (size_t v = 0; v < ix->nvocab; v++) {
    ix->vpost_off[v] = (uint32_t)total;
    uint32_t df = ix->vocab[v].df;
    total += df > WL_IDX_RARE_NAMES_MAX
                 ? (df < WL_IDX_FREQ_PREFIX_MAX ? df : WL_IDX_FREQ_PREFIX_MAX)
                 : df;
  }
  if (total > UINT32_MAX) return BM_ERR_LIMIT;
  ix->vpost_off[ix->nvocab] = (uint32_t)total;
  ix->vpost = malloc((total ? total : 1) * sizeof *ix->vpost);
  uint32_t *fill = calloc(ix->nvocab ? ix->nvocab : 1, sizeof *fill);
  if (ix->vpost == NULL || fill == NULL) {
    free(fill);
    return BM_ERR_NOMEM;
  }
  for (size_t id = 0; id < ix->nnames; id++) {
    const wl__name *n = &ix->names[id];
    uint32_t strong[NM_TOKENS_MAX];
    unsigned ns = 0;
    uint32_t flags = 0;
    for (unsigned t = 0; t < n->ntok; t++) {
      uint32_t v = ix->name_toks[n->tok + t];
      if (ix->vocab[v].flags & NM_TOK_INITIAL) flags |= WL__POST_INITIAL;
      if (wl__weak(ix->vocab[v].flags)) continue;
      bool dup = false;
      for (unsigned k = 0; k < ns; k++) dup = dup || strong[k] == v;
      if (!dup) strong[ns++] = v;
    }
    for (unsigned t = 0; t < n->ntok; t++) {
      uint32_t v = ix->name_toks[n->tok + t];
      uint32_t room = ix->vpost_off[v + 1] - ix->vpost_off[v];
      if (fill[v] >= room) continue;
      wl__post *run = ix->vpost + ix->vpost_off[v];
      if (fill[v] > 0 && (run[fill[v] - 1].name & WL__POST_NAME) == (uint32_t)id)
        continue; /* twice in one name */
      wl__post p = {(uint32_t)id | flags, n->ev, {UINT32_MAX, UINT32_MAX, UINT32_MAX}};
      unsigned k = 0;
      for (unsigned j = 0; j < ns; j++) {
        if (strong[j] == v) continue;
        if (k == WL__POST_OTHERS_MAX) {
          p.name |= WL__POST_MORE;
          break;
        }
        p.f[k++] = strong[j];
      }
      run[fill[v]++] = p;
    }
  }
  free(fill);
  return BM_OK;
}

static bm_err build_table(wl_index *ix, size_t count,
                          void (*keys)(const wl_index *, uint32_t, kbuild *, key_fn),
                          const uint32_t cutoff[16], wl__table *out) {
  kbuild kb = {0};
  for (size_t i = 0; i < count && !kb.nomem; i++) keys(ix, (uint32_t)i, &kb, kb_count);
  if (kb.nomem || !kb_place(&kb, cutoff)) {
    kb_release(&kb);
    return BM_ERR_NOMEM;
  }
  for (size_t i = 0; i < count; i++) keys(ix, (uint32_t)i, &kb, put_fn);
  kb_finish(&kb, out);
  return BM_OK;
}

typedef struct table_job {
  wl_index *ix;
  size_t count;
  void (*keys)(const wl_index *, uint32_t, kbuild *, key_fn);
  uint32_t cutoff[16];
  wl__table *out;
  bm_err err;
  double seconds;
} table_job;

static void *table_run(void *arg) {
  table_job *j = arg;
  double t0 = now_seconds();
  j->err = build_table(j->ix, j->count, j->keys, j->cutoff, j->out);
  j->seconds = now_seconds() - t0;
  return NULL;
}

static size_t table_bytes(const wl__table *t) {
  return (t->mask ? (t->mask + 1) * sizeof *t->slots : 0) +
         t->npost * (sizeof *t->post + (t->ev ? sizeof *t->ev : 0));
}

bm_err wl_index_build(wl_list *const *lists, size_t nlists, const wl_index_opts *opts,
                      wl_index **out, bm_diag *diag) {
  if (out == NULL || (lists == NULL && nlists > 0))
    return bm_diag_set(diag, BM_ERR_USAGE, NULL, 0, 0, "wl_index_build: NULL argument");
  *out = NULL;
  if (nlists > WL_IDX_LISTS_MAX)
    return bm_diag_set(diag, BM_ERR_LIMIT, "lists", 0, 0, "%zu lists exceed %d", nlists,
                       WL_IDX_LISTS_MAX);
  double t0 = now_seconds();
  wl_index *ix = calloc(1, sizeof *ix);
  if (ix == NULL) return bm_diag_set(diag, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  pthread_mutex_init(&ix->pool_lock, NULL);
  ix->nlists = nlists;
  ix->lists = malloc((nlists ? nlists : 1) * sizeof *ix->lists);
  ix->list_base = malloc((nlists + 1) * sizeof *ix->list_base);
  if (ix->lists == NULL || ix->list_base == NULL) goto nomem;
  size_t nents = 0;
  for (size_t i = 0; i < nlists; i++) {
    if (lists[i] == NULL) {
      wl_index_free(ix);
      return bm_diag_set(diag, BM_ERR_USAGE, NULL, 0, 0, "wl_index_build: list %zu is NULL", i);
    }
    ix->lists[i] = lists[i];
    ix->list_base[i] = nents;
    nents += wl_list_count(lists[i]);
  }
  ix->list_base[nlists] = nents;
  if (nents > WL_IDX_ENTRIES_MAX) {
    wl_index_free(ix);
    return bm_diag_set(diag, BM_ERR_LIMIT, "lists", 0, 0, "%zu entries exceed %u", nents,
                       (unsigned)WL_IDX_ENTRIES_MAX);
  }
  ix->nents = nents;
  ix->ents = malloc((nents ? nents : 1) * sizeof *ix->ents);
  if (ix->ents == NULL) goto nomem;
  for (size_t i = 0, g = 0; i < nlists; i++)
    for (size_t j = 0; j < wl_list_count(lists[i]); j++) ix->ents[g++] = wl_list_entry(lists[i], j);

  /* 1. Normalise in threads. */
  unsigned nw = opts && opts->threads ? opts->threads : cores();
  if (nw > WL_BUILD_THREADS_MAX) nw = WL_BUILD_THREADS_MAX;
  if (nw > nents / WL_BUILD_ENTRIES_PER_THREAD_MIN + 1)
    nw = (unsigned)(nents / WL_BUILD_ENTRIES_PER_THREAD_MIN + 1);
  worker ws[WL_BUILD_THREADS_MAX];
  memset(ws, 0, sizeof ws);
  pthread_t tids[WL_BUILD_THREADS_MAX];
  bool started[WL_BUILD_THREADS_MAX] = {false};
  for (unsigned i = 0; i < nw; i++) {
    ws[i].ix = ix;
    ws[i].first = nents * i / nw;
    ws[i].last = nents * (i + 1) / nw;
    ws[i].toks.size = sizeof(ltok);
    ws[i].pool.size = 1;
    ws[i].names.size = sizeof(lname);
    ws[i].name_toks.size = sizeof(uint32_t);
    if (i > 0) started[i] = pthread_create(&tids[i], NULL, worker_run, &ws[i]) == 0;
  }
  worker_run(&ws[0]);
  for (unsigned i = 1; i < nw; i++) {
    if (started[i])
      pthread_join(tids[i], NULL);
    else
      worker_run(&ws[i]); /* no thread: do its share here */
  }
  bm_err err = BM_OK;
  for (unsigned i = 0; i < nw && err == BM_OK; i++)
    if (ws[i].err != BM_OK) {
      err = ws[i].err;
      if (diag != NULL) *diag = ws[i].diag;
    }
  for (unsigned i = 0; i < nw; i++)
    for (int s = 0; s < 16; s++) ix->stats.scripts[s] += ws[i].scripts[s];

  /* 2-3. Vocabulary and names. */
  if (err == BM_OK) err = build_vocab(ix, ws, nw);
  if (err == BM_OK) err = build_names(ix, ws, nw);
  for (unsigned i = 0; i < nw; i++) worker_release(&ws[i]);
  if (err != BM_OK) goto fail;

  /* 4. Postings: three independent tables, each in its own thread when there are cores. */
  table_job jobs[3] = {
      {ix, ix->nvocab, vocab_keys, {0}, &ix->vkeys, BM_OK, 0.0},
      {ix, ix->nnames, pair_keys, {0}, &ix->pairs, BM_OK, 0.0},
      {ix, ix->nents, doc_keys, {0}, &ix->docs, BM_OK, 0.0},
  };
  jobs[0].cutoff[WL__K_DM] = jobs[0].cutoff[WL__K_SKEL] = jobs[0].cutoff[WL__K_DEL] =
      jobs[0].cutoff[WL__K_SOUND] = WL_IDX_VKEY_DF_MAX;
  jobs[0].cutoff[WL__K_QGRAM] = WL_IDX_QGRAM_DF_MAX;
  pthread_t jt[2];
  bool jstarted[2] = {false, false};
  if (nw > 1) {
    jstarted[0] = pthread_create(&jt[0], NULL, table_run, &jobs[0]) == 0;
    jstarted[1] = pthread_create(&jt[1], NULL, table_run, &jobs[2]) == 0;
  }
  err = build_vpost(ix);
  table_run(&jobs[1]);
  if (err == BM_OK && jobs[1].err == BM_OK) {
    /* The pair table's postings carry their names' evidence, read in sequence with them. */
    ix->pairs.ev = malloc((ix->pairs.npost ? ix->pairs.npost : 1) * sizeof *ix->pairs.ev);
    if (ix->pairs.ev == NULL)
      err = BM_ERR_NOMEM;
    else
      for (size_t i = 0; i < ix->pairs.npost; i++)
        ix->pairs.ev[i] = ix->names[ix->pairs.post[i]].ev;
  }
  for (int i = 0; i < 2; i++) {
    if (jstarted[i])
      pthread_join(jt[i], NULL);
    else
      table_run(&jobs[i == 0 ? 0 : 2]);
  }
  for (int i = 0; i < 3 && err == BM_OK; i++) err = jobs[i].err;
  if (err != BM_OK) goto fail;

  /* Statistics. */
  wl_index_stats *st = &ix->stats;
  st->lists = nlists;
  st->entries = nents;
  for (size_t g = 0; g < nents; g++) {
    const wl_entry *e = ix->ents[g];
    st->persons += e->kind == WL_KIND_PERSON;
    st->entities += e->kind == WL_KIND_ENTITY;
    st->documents_entries += e->kind == WL_KIND_DOCUMENT;
    if (e->kind != WL_KIND_OTHER) st->documents += e->ndocuments;
  }
  ix->memo = calloc(ix->nvocab ? ix->nvocab : 1, sizeof *ix->memo);
  if (ix->memo == NULL) goto nomem;
  atomic_init(&ix->memo_bytes, 0);
  st->names = ix->nnames;
  st->tokens_distinct = ix->nvocab;
  st->memory_bytes = sizeof *ix + nlists * (sizeof *ix->lists + sizeof *ix->list_base) +
                     nents * sizeof *ix->ents + ix->nnames * sizeof *ix->names +
                     ix->nname_toks * sizeof *ix->name_toks + ix->nvocab * sizeof *ix->vocab +
                     ix->pool_len + (ix->nvocab + 1) * sizeof *ix->vpost_off +
                     (size_t)ix->vpost_off[ix->nvocab] * sizeof *ix->vpost +
                     table_bytes(&ix->vkeys) + table_bytes(&ix->pairs) + table_bytes(&ix->docs);
  st->build_seconds = now_seconds() - t0;
  *out = ix;
  return BM_OK;

nomem:
  err = BM_ERR_NOMEM;
fail:
  wl_index_free(ix);
  if (err == BM_ERR_NOMEM)
    return bm_diag_set(diag, err, NULL, 0, 0, "out of memory building the index");
  if (err == BM_ERR_LIMIT)
    return bm_diag_set(diag, err, NULL, 0, 0, "the lists exceed the index's limits");
  return err;
}

static void table_free(wl__table *t) {
  free(t->slots);
  free(t->post);
  free(t->ev);
}

void wl_index_free(wl_index *ix) {
  if (ix == NULL) return;
  for (unsigned i = 0; i < ix->nspare; i++) wl_scratch_free(ix->spare[i]);
  pthread_mutex_destroy(&ix->pool_lock);
  if (ix->memo != NULL)
    for (size_t v = 0; v < ix->nvocab; v++) free(atomic_load(&ix->memo[v]));
  free(ix->memo);
  free(ix->lists);
  free(ix->list_base);
  free(ix->ents);
  free(ix->names);
  free(ix->name_toks);
  free(ix->vocab);
  free(ix->pool);
  free(ix->vpost_off);
  free(ix->vpost);
  table_free(&ix->vkeys);
  table_free(&ix->pairs);
  table_free(&ix->docs);
  free(ix);
}

void wl_index_stats_get(const wl_index *ix, wl_index_stats *out) {
  if (out == NULL) return;
  if (ix == NULL) {
    memset(out, 0, sizeof *out);
    return;
  }
  *out = ix->stats;
}

/* ---- Document keys ---- */

size_t wl_document_key(const char *number, char *out, size_t cap) {
  size_t n = 0;
  if (cap == 0) return 0;
  for (const char *p = number; p != NULL && *p && n + 1 < cap; p++) {
    char c = *p;
    if (c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) continue; /* separators, '<' */
    /* MRZ OCR confusables, folded to the digit (Doc 9303 numbers are mostly digits; a scanner or
     * an officer reads O for 0 and the other way round). */
    switch (c) {
    case 'O': c = '0'; break;
    case 'I': c = '1'; break;
    case 'S': c = '5'; break;
    case 'B': c = '8'; break;
    case 'Z': c = '2'; break;
    case 'G': c = '6'; break;
    default: break;
    }
    out[n++] = c;
  }
  out[n] = '\0';
  return n;
}
