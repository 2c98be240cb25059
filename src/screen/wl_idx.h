/* wl_idx.h - the screening index's layout, shared by its builder (wl_index.c) and its readers
 * (wl_screen.c, wl_scr_query.c). Internal to src/screen/; the contract is include/bmis/screen.h.
 *
 * Two levels, so that fuzzy lookups touch a small vocabulary rather than a million names:
 *   - the vocabulary: every distinct list token (text, Doc 9303 variant, flags) once, with its
 *     Double Metaphone codes, skeleton, rarity weight and document frequency; fuzzy keys (exact
 *     text, Double Metaphone, skeleton, one-deletion neighbourhood, 3-grams) map to vocabulary ids;
 *   - the names: every name of every person or entity entry as a run of vocabulary ids, and
 *     postings from vocabulary ids (rare tokens) and from pairs of frequent tokens to names.
 * Names are numbered by token count, so every posting list is ordered shortest name first and a
 * bounded read of a long list keeps the names a frequent key can still match.
 *
 * All arrays are flat and indexed by 32-bit ids; nothing points into the build's temporaries.
 */
#ifndef BMIS_SCREEN_WL_IDX_H
#define BMIS_SCREEN_WL_IDX_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bmis/names.h"
#include "bmis/screen.h"
#include "bmis/watchlist.h"

/* Limits of one index (ids are 32-bit; counts beyond these fail the build with BM_ERR_LIMIT). */
#define WL_IDX_LISTS_MAX        256
#define WL_IDX_ENTRIES_MAX      (64u << 20)  /* entries over all lists */
#define WL_IDX_NAMES_MAX        (256u << 20) /* below WL__POST_MORE */
#define WL_IDX_POOL_MAX         UINT32_MAX   /* bytes of interned token text */
#define WL_IDX_POOL_SCRATCH_MAX 64           /* scratches kept for batches */

/* A token in at most this many names is "rare": a query reads its postings in full. Above it a
 * token only reaches names through the pair index (two frequent tokens of one name), which keeps a
 * query to hundreds of names even when it consists of JOHN and SMITH. Measured on the 1M synthetic
 * list (docs/screening.md): lower costs memory in pairs, higher costs query time. */
#define WL_IDX_RARE_NAMES_MAX 192
/* Frequent strong tokens of one name that form pairs (the first ones in name order): a name of 16
 * frequent tokens would otherwise add 120 pairs. */
#define WL_IDX_PAIR_TOKENS_MAX 6
/* A fuzzy key (Double Metaphone code, skeleton, deletion variant) shared by more vocabulary tokens
 * than this says nothing: it is dropped (the document-frequency cut-off of the vocabulary). */
#define WL_IDX_VKEY_DF_MAX 384
/* Bytes of partner lists the index keeps for all threads (wl_index.memo); past it, partners are
 * kept per thread only. About 400 bytes a token: every token of the 1M-entry list fits. */
#define WL_IDX_MEMO_BYTES_MAX (256u << 20)
/* 3-grams are the recall fallback for tokens nothing else finds; a 3-gram in more tokens than this
 * is dropped. */
#define WL_IDX_QGRAM_DF_MAX 1024
/* Tokens shorter than this get no deletion keys (a 3-letter token's deletions are 2-letter strings
 * shared by everything; Double Metaphone and skeleton keys cover short tokens). */
#define WL_IDX_DEL_LEN_MIN 4

/* Key types, mixed into each key's hash. */
enum {
  WL__K_TEXT = 1, /* exact text or Doc 9303 variant -> vocabulary */
  WL__K_DM,       /* Double Metaphone code -> vocabulary */
  WL__K_SKEL,     /* consonant skeleton -> vocabulary */
  WL__K_DEL,      /* the token and its one-deletion variants -> vocabulary */
  WL__K_QGRAM,    /* 3-gram of ^TOKEN$ -> vocabulary */
  WL__K_SOUND,    /* the first consonant classes (wl__sound_key) -> vocabulary */
  WL__K_PAIR,     /* two frequent vocabulary ids -> names */
  WL__K_SINGLE,   /* the one strong vocabulary id of a name -> names */
  WL__K_INIT,     /* a frequent vocabulary id of a name with an initial -> names */
  WL__K_DOC,      /* document key -> entries */
};

/* One vocabulary token. Strings live in the index's pool (NUL-terminated). */
typedef struct wl__vtok {
  uint32_t text, alt, skel; /* pool offsets (alt/skel valid when their length is > 0) */
  uint32_t dm[2];           /* packed Double Metaphone codes */
  uint32_t df;              /* names holding the token */
  float weight;             /* rarity weight for nm_similarity, (0, 1] */
  float mass;               /* weight as nm_similarity counts it (initials, particles count less) */
  uint8_t len, alt_len, skel_len, flags;
  char first;       /* first letter (initials pair by it; read here to spare a pool access) */
  uint32_t letters; /* bit c-'A' for each letter c of the text: a pair sharing few letters cannot
                       reach nm_similarity's pair minimum, and this says so without the text */
} wl__vtok;

/* Letters of a token as a 26-bit set. */
static inline uint32_t wl__letters(const char *s, size_t n) {
  uint32_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (s[i] >= 'A' && s[i] <= 'Z') m |= 1u << (s[i] - 'A');
  return m;
}

/* Whether two tokens' letter sets can belong to a pair nm_similarity scores (a Jaro-Winkler of
 * 0.62 or more needs most letters in common): at least half of the smaller set shared. */
/* Population count of a 32-bit word in a few shifts and one multiply: the baseline x86-64 target
 * has no POPCNT instruction, and the builtin would call into libgcc (a function call per count,
 * three counts per token pair the estimate considers). */
static inline int wl__popcount32(uint32_t x) {
  x = x - ((x >> 1) & 0x55555555u);
  x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
  x = (x + (x >> 4)) & 0x0f0f0f0fu;
  return (int)((x * 0x01010101u) >> 24);
}

static inline bool wl__letters_close(uint32_t a, uint32_t b) {
  int na = wl__popcount32(a), nb = wl__popcount32(b);
  int common = wl__popcount32(a & b);
  return 2 * common >= (na < nb ? na : nb);
}

/* One indexed name: tokens name_toks[tok .. tok+ntok-1], the first WL__NAME_INLINE of them also
 * inline, and the entry's evidence packed (WL__EV_*), so that ranking a candidate reads one 32-byte
 * record rather than the name's tokens and the entry (each a cache miss at a million entries). */
#define WL__NAME_INLINE 4
typedef struct wl__name {
  uint32_t entry;                /* global entry index */
  uint32_t tok;                  /* first token in name_toks */
  uint32_t ev;                   /* the entry's birth date, sex and kind, packed (wl__ev_pack) */
  uint8_t ntok;                  /* tokens */
  uint8_t nstrong;               /* tokens that are not initials, particles or generic words */
  uint8_t index;                 /* which of entry->names */
  uint8_t flags;                 /* WL_NAME_* of the list */
  uint32_t inl[WL__NAME_INLINE]; /* the first tokens (vocabulary ids) */
} wl__name;

/* Packed evidence of an entry: one birth date (day 5 bits, month 4, range width 6, year - 1000 in
 * 11), or WL__EV_DOB_MANY when it has several or a wider range, 0 when none; sex; entity. */
#define WL__EV_DOB_MANY  (1u << 26)
#define WL__EV_SEX_M     (1u << 27)
#define WL__EV_SEX_F     (1u << 28)
#define WL__EV_ENTITY    (1u << 29)
#define WL__EV_WEAK      (1u << 30) /* the name is an alias the list marks low quality */
#define WL__EV_RANGE_MAX 63

static inline uint32_t wl__ev_pack(const wl_entry *e) {
  uint32_t ev = 0;
  if (e->nbirth_dates > 1) {
    ev |= WL__EV_DOB_MANY;
  } else if (e->nbirth_dates == 1) {
    const wl_date *d = &e->birth_dates[0];
    int width = d->year_to > d->year ? d->year_to - d->year : 0;
    if (d->year < 1000 || d->year > 3047 || width > WL__EV_RANGE_MAX)
      ev |= WL__EV_DOB_MANY;
    else
      ev |= (uint32_t)(d->day & 31) | (uint32_t)(d->month & 15) << 5 | (uint32_t)width << 9 |
            (uint32_t)(d->year - 1000 + 1) << 15; /* +1: year 1000 is not "no date" */
  }
  if (e->sex == 'M') ev |= WL__EV_SEX_M;
  if (e->sex == 'F') ev |= WL__EV_SEX_F;
  if (e->kind == WL_KIND_ENTITY) ev |= WL__EV_ENTITY;
  return ev;
}

/* The packed date back (year 0 when there is none or several). */
static inline wl_date wl__ev_date(uint32_t ev) {
  wl_date d = {0, 0, 0, 0};
  uint32_t y = (ev >> 15) & 2047u;
  if ((ev & WL__EV_DOB_MANY) || y == 0) return d;
  d.year = (int16_t)(y - 1 + 1000);
  d.year_to = (int16_t)(d.year + ((ev >> 9) & 63u));
  d.month = (uint8_t)((ev >> 5) & 15u);
  d.day = (uint8_t)(ev & 31u);
  return d;
}

/* A posting of a vocabulary token: a name, its packed evidence, and the name's other strong
 * tokens, so that a query learns which of its tokens the name matches, and whether its evidence
 * allows a hit, without reading the name or the entry (each a cache miss at a million entries;
 * postings are read in sequence). */
#define WL__POST_OTHERS_MAX 3
#define WL__POST_INITIAL    (1u << 31) /* in name: the name has an initial (J. SMITH) */
#define WL__POST_MORE       (1u << 30) /* in name: more other strong tokens than f[] holds */
#define WL__POST_NAME       (WL__POST_MORE - 1u)
typedef struct wl__post {
  uint32_t name;                   /* name id | WL__POST_* */
  uint32_t ev;                     /* the name's packed evidence (wl__name.ev) */
  uint32_t f[WL__POST_OTHERS_MAX]; /* the name's other strong vocabulary ids, UINT32_MAX: none */
} wl__post;

/* Open-addressing table of 64-bit keys (0 = empty slot) to runs of a postings array. */
typedef struct wl__slot {
  uint64_t key;
  uint32_t off, n;
} wl__slot;

typedef struct wl__table {
  wl__slot *slots;
  size_t mask; /* slots - 1 (a power of two minus one); 0 when empty */
  uint32_t *post;
  size_t npost;
  uint32_t *ev; /* per posting, the name's packed evidence (the pair table only), or NULL */
} wl__table;

struct wl_index {
  wl_list **lists; /* copy of the caller's array; the lists are borrowed */
  size_t nlists;
  size_t *list_base; /* nlists + 1: global index of each list's first entry */
  const wl_entry **ents;
  size_t nents;

  wl__name *names;
  size_t nnames;
  uint32_t *name_toks;
  size_t nname_toks;

  wl__vtok *vocab;
  size_t nvocab;
  char *pool;
  size_t pool_len;

  wl__table vkeys;     /* fuzzy keys -> vocabulary ids */
  uint32_t *vpost_off; /* nvocab + 1: postings of each vocabulary id (a prefix for frequent ones) */
  wl__post *vpost;
  wl__table pairs; /* WL__K_PAIR, WL__K_SINGLE and WL__K_INIT -> names */
  wl__table docs;  /* WL__K_DOC -> entries */

  wl_index_stats stats;

  /* The partners of each vocabulary token (wl_screen.c find_partners), computed the first time a
   * traveller's token equals it and published for every thread with one compare-and-swap: a pure
   * function of the index, so the index stays logically immutable. Travellers' names are made of
   * listed tokens, and a partner search costs tens of microseconds (a hundred token comparisons)
   * against a cache line read. nvocab pointers, NULL until computed; each a single allocation. */
  _Atomic(void *) *memo;
  atomic_size_t memo_bytes; /* bounded by WL_IDX_MEMO_BYTES_MAX */

  /* Scratches wl_screen_batch keeps between calls: their partner caches stay warm, and a batch does
   * not pay for allocating megabytes per thread. The only mutable state of an index; guarded. */
  pthread_mutex_t pool_lock;
  struct wl_scratch *spare[WL_IDX_POOL_SCRATCH_MAX];
  unsigned nspare;
};

/* A coarse sound key: the token's first WL__SOUND_KEY_MAX consonants by class, vowels, H, W and Y
 * dropped, repeats collapsed (B P F V / C G K Q / D T / S Z / M N / L / R / J; X as KS). It equates
 * spellings that the Double Metaphone and the skeleton keep apart because of one letter early in
 * the name (LISBETH / ELIZABETH: LSBT; ZORLU / SORLU) and that are two edits apart, so out of reach
 * of the deletion keys. Only for finding partners: nm_similarity still decides. Returns its length
 * (0: fewer than two consonants, too vague to be a key). */
#define WL__SOUND_KEY_MAX 4
static inline size_t wl__sound_key(const char *s, size_t n, char out[WL__SOUND_KEY_MAX + 1]) {
  size_t k = 0;
  char last = 0;
  for (size_t i = 0; i < n && k < WL__SOUND_KEY_MAX; i++) {
    char c = s[i], cls;
    switch (c) {
    case 'B':
    case 'P':
    case 'F':
    case 'V': cls = 'B'; break;
    case 'C':
    case 'G':
    case 'K':
    case 'Q': cls = 'K'; break;
    case 'D':
    case 'T': cls = 'T'; break;
    case 'S':
    case 'Z': cls = 'S'; break;
    case 'M':
    case 'N': cls = 'N'; break;
    case 'L':
    case 'R':
    case 'J': cls = c; break;
    case 'X': cls = 'K'; break;
    default: cls = 0; break; /* vowels, H, W, Y, digits */
    }
    if (cls == 0 || cls == last) {
      if (cls == 0) last = 0; /* a vowel between two equal classes keeps both (TT in TATA) */
      continue;
    }
    out[k++] = cls;
    last = cls;
    if (c == 'X' && k < WL__SOUND_KEY_MAX) out[k++] = last = 'S';
  }
  out[k] = '\0';
  return k >= 2 ? k : 0;
}

/* Token i of name n (no name_toks access for the first WL__NAME_INLINE). */
static inline uint32_t wl__name_tok(const struct wl_index *ix, const wl__name *n, unsigned i) {
  return i < WL__NAME_INLINE ? n->inl[i] : ix->name_toks[n->tok + i];
}

/* ---- Hashing (shared so that build and query compute the same keys) ---- */

static inline uint64_t wl__mix(uint64_t h) {
  /* splitmix64's finaliser: every input bit reaches the low bits the tables probe with. */
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return h;
}

static inline uint64_t wl__hash_start(unsigned type) {
  return 0xcbf29ce484222325ull ^ ((uint64_t)type * 0x9e3779b97f4a7c15ull);
}

static inline uint64_t wl__hash_bytes(uint64_t h, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
  return h;
}

static inline uint64_t wl__hash_end(uint64_t h) {
  h = wl__mix(h);
  return h ? h : 1; /* 0 marks an empty slot */
}

static inline uint64_t wl__key_str(unsigned type, const char *s, size_t n) {
  return wl__hash_end(wl__hash_bytes(wl__hash_start(type), s, n));
}

/* The string s without its byte at position skip. */
static inline uint64_t wl__key_del(const char *s, size_t n, size_t skip) {
  uint64_t h = wl__hash_start(WL__K_DEL);
  h = wl__hash_bytes(h, s, skip);
  h = wl__hash_bytes(h, s + skip + 1, n - skip - 1);
  return wl__hash_end(h);
}

static inline uint64_t wl__key_u32(unsigned type, uint32_t a, uint32_t b) {
  return wl__hash_end(wl__hash_start(type) ^ wl__mix(((uint64_t)a << 32 | b) + 1));
}

static inline uint64_t wl__key_pair(uint32_t a, uint32_t b) {
  return a < b ? wl__key_u32(WL__K_PAIR, a, b) : wl__key_u32(WL__K_PAIR, b, a);
}

/* Postings of key, or NULL (*n = 0). */
static inline const uint32_t *wl__table_get(const wl__table *t, uint64_t key, uint32_t *n) {
  *n = 0;
  if (t->mask == 0) return NULL;
  for (size_t i = (size_t)key & t->mask;; i = (i + 1) & t->mask) {
    const wl__slot *s = &t->slots[i];
    if (s->key == key) {
      *n = s->n;
      return t->post + s->off;
    }
    if (s->key == 0) return NULL;
  }
}

/* The list index of a global entry index. */
static inline size_t wl__entry_list(const struct wl_index *ix, size_t entry) {
  size_t lo = 0, hi = ix->nlists; /* list_base[lo] <= entry < list_base[hi] */
  while (hi - lo > 1) {
    size_t mid = (lo + hi) / 2;
    if (ix->list_base[mid] <= entry)
      lo = mid;
    else
      hi = mid;
  }
  return lo;
}

/* The mass nm_similarity gives a token before its rarity weight (src/names/nm_sim.c: initials 0.5,
 * generic words 0.25, particles 0.3, patronymics 0.5); the estimate that ranks candidates mirrors
 * it. */
static inline float wl__flag_mass(uint8_t flags) {
  if (flags & NM_TOK_INITIAL) return 0.5f;
  if (flags & NM_TOK_GENERIC) return 0.25f;
  if (flags & NM_TOK_PARTICLE) return 0.3f;
  if (flags & NM_TOK_PATRONYMIC) return 0.5f;
  return 1.0f;
}

static inline bool wl__weak(uint8_t flags) {
  return (flags & (NM_TOK_INITIAL | NM_TOK_PARTICLE | NM_TOK_GENERIC)) != 0;
}

/* Rarity weight of a token found in df of n names (wl_index.c; the query side uses it for tokens
 * the vocabulary lacks). */
float wl__weight(uint32_t df, size_t n);

/* Traveller key of a query whose name is already prepared (wl_screen.c). */
size_t wl__traveller_key(const nm_name *name, const wl_query *q, char *out, size_t cap);

#endif /* BMIS_SCREEN_WL_IDX_H */
