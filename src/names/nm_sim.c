/* nm_sim.c - comparing names: Jaro-Winkler, a name-aware weighted edit distance, and the token
 * pairing of nm_similarity with its explanation.
 *
 * nm_similarity runs for hundreds of candidates per traveller (the index's candidate generation
 * decides which), so it never allocates, never calls ICU, and spends its time only where a pair
 * can still score: equal text is found with one compare; Jaro-Winkler, bit-parallel for tokens up
 * to 64 bytes, gates the dearer edit distance; the edit distance stops as soon as a whole row of
 * its table is over budget.
 *
 * Every constant below says why it has its value; docs/names.md gives the measured effect.
 *
 * Thread safety: no state beyond the stack.
 */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "bmis/names.h"
#include "names/nm_internal.h"

/* Strings longer than this are compared on their first NM_COMPARE_BYTES_MAX bytes (tokens are
 * below NM_TOKEN_BYTES_MAX, joined tokens below NM_JOIN_BYTES_MAX; only direct callers of the
 * building blocks can pass more). */
#define NM_COMPARE_BYTES_MAX 256

/* ---- Jaro-Winkler ---------------------------------------------------------------------------- */

#define JW_PREFIX_SCALE 0.1 /* Winkler's p */
#define JW_PREFIX_MAX   4   /* Winkler's l is at most 4 */

/* Jaro with the matching done word-parallel: b's positions of each byte as a 64-bit mask, so the
 * first free match within the window is one AND and one count-trailing-zeros. Same matches as the
 * textbook loop (a scanned left to right, the leftmost free match in b taken). lb <= 64. */
static double jaro_bits(const unsigned char *a, size_t la, const unsigned char *b, size_t lb,
                        size_t window) {
  uint64_t pm[256]; /* only the entries of bytes in a or b are initialised and read */
  for (size_t i = 0; i < la; i++) pm[a[i]] = 0;
  for (size_t j = 0; j < lb; j++) pm[b[j]] = 0;
  for (size_t j = 0; j < lb; j++) pm[b[j]] |= (uint64_t)1 << j;
  uint64_t bmatched = 0;
  unsigned char amatched[NM_COMPARE_BYTES_MAX]; /* a's matched bytes in order */
  size_t m = 0;
  for (size_t i = 0; i < la; i++) {
    size_t lo = i > window ? i - window : 0;
    size_t hi = i + window + 1; /* exclusive */
    if (hi > lb) hi = lb;
    if (lo >= hi) continue;
    uint64_t win =
        (hi >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << hi) - 1)) & ~(((uint64_t)1 << lo) - 1);
    uint64_t cand = pm[a[i]] & ~bmatched & win;
    if (cand) {
      bmatched |= cand & (~cand + 1);
      amatched[m++] = a[i];
    }
  }
  if (m == 0) return 0.0;
  size_t t2 = 0, k = 0;
  for (uint64_t bits = bmatched; bits; bits &= bits - 1, k++)
    if (b[__builtin_ctzll(bits)] != amatched[k]) t2++;
  double mm = (double)m;
  return (mm / (double)la + mm / (double)lb + (mm - (double)t2 / 2.0) / mm) / 3.0;
}

/* The textbook loop, for strings too long for one mask. */
static double jaro_loop(const unsigned char *a, size_t la, const unsigned char *b, size_t lb,
                        size_t window) {
  bool bm[NM_COMPARE_BYTES_MAX] = {false};
  unsigned char amatched[NM_COMPARE_BYTES_MAX];
  size_t m = 0;
  for (size_t i = 0; i < la; i++) {
    size_t lo = i > window ? i - window : 0;
    size_t hi = i + window + 1 < lb ? i + window + 1 : lb;
    for (size_t j = lo; j < hi; j++)
      if (!bm[j] && a[i] == b[j]) {
        bm[j] = true;
        amatched[m++] = a[i];
        break;
      }
  }
  if (m == 0) return 0.0;
  size_t t2 = 0, k = 0;
  for (size_t j = 0; j < lb; j++)
    if (bm[j] && b[j] != amatched[k++]) t2++;
  double mm = (double)m;
  return (mm / (double)la + mm / (double)lb + (mm - (double)t2 / 2.0) / mm) / 3.0;
}

double nm_jaro_winkler(const char *a, size_t alen, const char *b, size_t blen) {
  if (alen > NM_COMPARE_BYTES_MAX) alen = NM_COMPARE_BYTES_MAX;
  if (blen > NM_COMPARE_BYTES_MAX) blen = NM_COMPARE_BYTES_MAX;
  if (alen == 0 || blen == 0) return alen == blen ? 1.0 : 0.0;
  const unsigned char *ua = (const unsigned char *)a, *ub = (const unsigned char *)b;
  size_t longer = alen > blen ? alen : blen;
  size_t window = longer / 2 > 0 ? longer / 2 - 1 : 0; /* floor(max/2) - 1, at least 0 */
  double j =
      blen <= 64 ? jaro_bits(ua, alen, ub, blen, window) : jaro_loop(ua, alen, ub, blen, window);
  size_t l = 0;
  while (l < JW_PREFIX_MAX && l < alen && l < blen && a[l] == b[l]) l++;
  /* Winkler's boost for a common prefix, applied at every Jaro value (the common textbook form;
   * it reproduces MARTHA/MARHTA 0.961, DWAYNE/DUANE 0.840, DIXON/DICKSONX 0.813). */
  return j + (double)l * JW_PREFIX_SCALE * (1.0 - j);
}

/* ---- Weighted edit distance ------------------------------------------------------------------ */

/* Costs are in tenths of an ordinary edit, so the table stays in small integers. */
#define ED_UNIT                10u /* an ordinary substitution, insertion or deletion */
#define ED_DOUBLE              2u /* inserting or deleting one letter of a pair: ERIKSSON / ERIKSON */
#define ED_VOWEL_NEXT_TO_VOWEL 3u /* OU / U, AA / A, IE / I: vowel clusters vary by system */
#define ED_VOWEL               5u /* a vowel alone: MHMD / MOHAMMED, abjads do not write short vowels */
#define ED_H                   4u /* KH / K, SH / S, AHMED / AMED: H is often silent or a digraph marker */
#define ED_W                   5u /* W as a vowel: DAWUD / DAUD, AW / A */
#define ED_CLUSTER             4u /* first letter of a cluster with one sound: CK, KH, DJ, TZ, TS, TCH */
#define ED_TRANSPOSE           6u /* adjacent letters swapped: a typing error, not a different name */
#define ED_DIGRAPH             3u /* PH / F, KS / X: one sound, two spellings */

/* Substitutions that transliteration systems and spelling traditions make, cheapest first; a pair
 * of letters costs the cheapest group they share. */
enum {
  G_VOWEL, /* A E I O U Y: the vowel a transliterator chose */
  G_KQC,   /* C K Q: QADDAFI / KADDAFI, CATHERINE / KATHERINE */
  G_VW,    /* V W: VLADIMIR / WLADIMIR, VAHID / WAHID */
  G_IJY,   /* I J Y: YURI / JURI / IURII, YUSUF / JUSUF */
  G_UW,    /* U W: the vowel and the semivowel: WSAMA / USAMA */
  G_SZ,    /* S Z: HUSEIN / HUZEIN, -SKI / -ZKI */
  G_CS,    /* C S: CELINA / SELINA, French C */
  G_GKQ,   /* G K Q: GADDAFI / QADDAFI, Egyptian G */
  G_DT,    /* D T: AHMED / AHMET (Turkish final devoicing) */
  G_BP,    /* B P: Arabic has no P: BETER / PETER */
  G_FV,    /* F V: Germanic V, Slavic final devoicing */
  G_GJ,    /* G J: GAMAL / JAMAL, GEORGE / JORGE */
  G_HJX,   /* H J X: Spanish JIMENEZ / XIMENEZ / HIMENEZ */
  G_MN,    /* M N: assimilation before labials */
  G_LR,    /* L R: East Asian transliterations */
  G__COUNT
};
static const uint8_t k_group_cost[G__COUNT] = {3, 3, 3, 4, 4, 4, 5, 5, 6, 6, 6, 6, 6, 7, 8};
#define GB(g) (1u << (g))
static const uint16_t k_letter_groups[26] = {
    ['A' - 'A'] = GB(G_VOWEL),
    ['B' - 'A'] = GB(G_BP),
    ['C' - 'A'] = GB(G_KQC) | GB(G_CS),
    ['D' - 'A'] = GB(G_DT),
    ['E' - 'A'] = GB(G_VOWEL),
    ['F' - 'A'] = GB(G_FV),
    ['G' - 'A'] = GB(G_GKQ) | GB(G_GJ),
    ['H' - 'A'] = GB(G_HJX),
    ['I' - 'A'] = GB(G_VOWEL) | GB(G_IJY),
    ['J' - 'A'] = GB(G_IJY) | GB(G_GJ) | GB(G_HJX),
    ['K' - 'A'] = GB(G_KQC) | GB(G_GKQ),
    ['L' - 'A'] = GB(G_LR),
    ['M' - 'A'] = GB(G_MN),
    ['N' - 'A'] = GB(G_MN),
    ['O' - 'A'] = GB(G_VOWEL),
    ['P' - 'A'] = GB(G_BP),
    ['Q' - 'A'] = GB(G_KQC) | GB(G_GKQ),
    ['R' - 'A'] = GB(G_LR),
    ['S' - 'A'] = GB(G_SZ) | GB(G_CS),
    ['T' - 'A'] = GB(G_DT),
    ['U' - 'A'] = GB(G_VOWEL) | GB(G_UW),
    ['V' - 'A'] = GB(G_VW) | GB(G_FV),
    ['W' - 'A'] = GB(G_VW) | GB(G_UW),
    ['X' - 'A'] = GB(G_HJX),
    ['Y' - 'A'] = GB(G_VOWEL) | GB(G_IJY),
    ['Z' - 'A'] = GB(G_SZ),
};

/* Cost of inserting or deleting s[i], which depends on its neighbours in its own string. */
static inline unsigned indel_cost(const unsigned char *s, size_t n, size_t i) {
  unsigned char c = s[i];
  unsigned char prev = i > 0 ? s[i - 1] : 0;
  unsigned char next = i + 1 < n ? s[i + 1] : 0;
  if (c == prev || c == next) return ED_DOUBLE;
  if (c == 'H') return ED_H;
  if (nm__is_vowel((char)c))
    return nm__is_vowel((char)prev) || nm__is_vowel((char)next) ? ED_VOWEL_NEXT_TO_VOWEL : ED_VOWEL;
  if (c == 'W') return ED_W;
  if ((c == 'C' && next == 'K') || (c == 'K' && next == 'H') || (c == 'D' && next == 'J') ||
      (c == 'T' && (next == 'Z' || next == 'S' || next == 'C')))
    return ED_CLUSTER;
  return ED_UNIT;
}

/* Weighted edit distance in tenths; stops early and returns a value above budget once every cell
 * of a row exceeds it. */
static uint16_t letter_groups(unsigned char c) {
  return c >= 'A' && c <= 'Z' ? k_letter_groups[c - 'A'] : 0;
}

/* The letter that the two letters ending at s[i] stand for as one (PH -> F, KS -> X), else 0. */
static unsigned char digraph_at(const unsigned char *s, size_t i) {
  if (i == 0) return 0;
  if (s[i - 1] == 'P' && s[i] == 'H') return 'F';
  if (s[i - 1] == 'K' && s[i] == 'S') return 'X';
  return 0;
}

static unsigned edit_distance(const unsigned char *a, size_t la, const unsigned char *b, size_t lb,
                              unsigned budget) {
  uint16_t rows[3][NM_COMPARE_BYTES_MAX + 1];
  /* Per column, computed once: deletion cost, substitution groups, digraph partner. */
  uint8_t del_b[NM_COMPARE_BYTES_MAX], dg_b[NM_COMPARE_BYTES_MAX];
  uint16_t grp_b[NM_COMPARE_BYTES_MAX];
  for (size_t j = 0; j < lb; j++) {
    del_b[j] = (uint8_t)indel_cost(b, lb, j);
    grp_b[j] = letter_groups(b[j]);
    dg_b[j] = digraph_at(b, j);
  }
  uint16_t *r2 = rows[0], *r1 = rows[1], *r0 = rows[2]; /* rows i-2, i-1, i */
  r1[0] = 0;
  for (size_t j = 1; j <= lb; j++) r1[j] = (uint16_t)(r1[j - 1] + del_b[j - 1]);
  for (size_t i = 1; i <= la; i++) {
    unsigned ca = a[i - 1], pa = i > 1 ? a[i - 2] : 0x100u; /* 0x100: no previous letter */
    unsigned del_a = indel_cost(a, la, i - 1);
    uint16_t grp_a = letter_groups((unsigned char)ca);
    unsigned dg_a = digraph_at(a, i - 1);
    r0[0] = (uint16_t)(r1[0] + del_a);
    unsigned row_min = r0[0];
    for (size_t j = 1; j <= lb; j++) {
      unsigned cb = b[j - 1];
      unsigned sub = 0;
      if (ca != cb) {
        unsigned shared = grp_a & grp_b[j - 1];
        sub = shared ? k_group_cost[__builtin_ctz(shared)] : ED_UNIT;
      }
      unsigned v = r1[j - 1] + sub;
      unsigned d = r1[j] + del_a;
      if (d < v) v = d;
      d = r0[j - 1] + del_b[j - 1];
      if (d < v) v = d;
      /* Adjacent letters swapped. */
      if (j > 1 && ca == b[j - 2] && pa == cb && ca != pa && r2[j - 2] + ED_TRANSPOSE < v)
        v = r2[j - 2] + ED_TRANSPOSE;
      /* Two letters on one side for one on the other: PH / F, KS / X. */
      if (dg_a && dg_a == cb && r2[j - 1] + ED_DIGRAPH < v) v = r2[j - 1] + ED_DIGRAPH;
      if (dg_b[j - 1] && dg_b[j - 1] == ca && r1[j - 2] + ED_DIGRAPH < v)
        v = r1[j - 2] + ED_DIGRAPH;
      r0[j] = (uint16_t)v;
      if (v < row_min) row_min = v;
    }
    if (row_min > budget) return budget + 1;
    uint16_t *t = r2;
    r2 = r1;
    r1 = r0;
    r0 = t;
  }
  return r1[lb];
}

static double edit_sim_bounded(const char *a, size_t la, const char *b, size_t lb, double min_sim) {
  if (la > NM_COMPARE_BYTES_MAX) la = NM_COMPARE_BYTES_MAX;
  if (lb > NM_COMPARE_BYTES_MAX) lb = NM_COMPARE_BYTES_MAX;
  size_t longer = la > lb ? la : lb;
  if (longer == 0) return 1.0;
  if (la == 0 || lb == 0) return 0.0;
  double scale = (double)(ED_UNIT * longer);
  unsigned budget = (unsigned)((1.0 - min_sim) * scale + 0.5);
  unsigned d = edit_distance((const unsigned char *)a, la, (const unsigned char *)b, lb, budget);
  if (d > budget) return 0.0;
  double s = 1.0 - (double)d / scale;
  return s < 0.0 ? 0.0 : s;
}

double nm_edit_similarity(const char *a, size_t alen, const char *b, size_t blen) {
  /* No early exit: the budget covers every possible distance (each letter costs at most one
   * ordinary edit; the 2-byte transpositions and digraphs are cheaper than the edits they
   * replace). */
  size_t la = alen > NM_COMPARE_BYTES_MAX ? NM_COMPARE_BYTES_MAX : alen;
  size_t lb = blen > NM_COMPARE_BYTES_MAX ? NM_COMPARE_BYTES_MAX : blen;
  size_t longer = la > lb ? la : lb;
  if (longer == 0) return 1.0;
  if (la == 0 || lb == 0) return 0.0; /* nothing in common, however cheap the letters */
  unsigned d = edit_distance((const unsigned char *)a, la, (const unsigned char *)b, lb,
                             (unsigned)(ED_UNIT * (la + lb)));
  double s = 1.0 - (double)d / (double)(ED_UNIT * longer);
  return s < 0.0 ? 0.0 : s;
}

/* ---- Token pairs ----------------------------------------------------------------------------- */

/* A pair scoring below this is no pair: its tokens count as unmatched. Below 0.75 the weighted
 * edit distance is past one ordinary edit in four letters, where GEORGE BUSH would meet GEORGE
 * HABBASH (moov-io/watchman #115); measured on the nomenklatura bench in docs/names.md. */
#define NM_PAIR_MIN 0.75f
/* Jaro-Winkler below this: no pair, and the edit distance is not computed. A speed / recall trade:
 * at 0.62 no pair of the nomenklatura bench is lost, but unrelated names take twice as long; at
 * 0.70 the persons' F1 at 0.8 moves from 0.836 to 0.833 and 3 of 300 Russian Wikidata tokens drop
 * below 0.75. */
#define NM_JW_GATE 0.70
/* Share of Jaro-Winkler in the pair score; the rest is the weighted edit similarity. JW alone
 * forgives too much at the end of a word (SHANGFU / SHANLAN 0.87), edit similarity alone too
 * little at the start of long words. */
#define NM_JW_SHARE 0.35
/* Double Metaphone or skeleton agreement adds this: a small bonus, never a gate nor a match by
 * itself (phonetic keys equate look-alikes such as CYCLOSERINE / CYCLOSPORINE). */
#define NM_PHONETIC_BONUS 0.08f
#define NM_BONUS_CEILING  0.97f /* a bonus never makes a pair look exact */
/* An initial against a name starting with that letter: V. = VLADIMIR is consistent, not proof. */
#define NM_INITIAL_SCORE 0.85f
/* Abjad tokens against Latin spellings (MHMD / MOHAMMED): skeleton agreement by skeleton length.
 * One consonant (LY / ALI) is weak evidence, three or more (MHMD) strong. */
#define NM_ABJAD_SKEL1 0.80f
#define NM_ABJAD_SKEL2 0.86f
#define NM_ABJAD_SKEL3 0.92f
/* Tokens of one or two letters pair only this close: one doubled letter or one vowel. */
#define NM_SHORT_PAIR_MIN 0.85f
/* BIN / IBN, AL / EL, LTD / LIMITED: the same particle or legal form spelt another way. */
#define NM_PARTICLE_VARIANT_SCORE 0.95f
/* Skeletons shorter than this prove nothing between two Latin spellings. */
#define NM_SKELETON_MIN 3

/* Adjacent tokens joined on one side (ABDUL RAHMAN / ABDULRAHMAN, AL QAIDA / ALQAIDA): at most
 * this many, and the joined pair must score at least NM_JOIN_MIN, since the join itself is a
 * guess. */
#define NM_JOIN_TOKENS_MAX 3
#define NM_JOIN_MIN        0.85f
#define NM_JOIN_BYTES_MAX  (NM_JOIN_TOKENS_MAX * (NM_TOKEN_BYTES_MAX - 1))

static bool same(const char *a, size_t la, const char *b, size_t lb) {
  return la == lb && a != NULL && b != NULL && (la == 0 || (a[0] == b[0] && memcmp(a, b, la) == 0));
}

static unsigned dm_chars(uint32_t v) {
  unsigned n = 0;
  for (; v; v <<= 8) n++;
  return n;
}

static bool dm_agree(const nm_tok *a, const nm_tok *b) {
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 2; j++)
      if (a->dm[i] != 0 && a->dm[i] == b->dm[j] && dm_chars(a->dm[i]) >= 2) return true;
  return false;
}

/* Bits of the bytes a token holds: A-Z at 0-25, 0-9 at 26-35, anything else at 36. */
static uint64_t char_mask(const char *s, size_t n) {
  uint64_t m = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned letter = (unsigned)(unsigned char)s[i] - 'A',
             digit = (unsigned)(unsigned char)s[i] - '0';
    unsigned bit = letter < 26 ? letter : digit < 10 ? 26u + digit : 36u;
    m |= (uint64_t)1 << bit;
  }
  return m;
}

/* Population count without the POPCNT instruction the baseline x86-64 target lacks (the builtin
 * would call into libgcc). */
static unsigned popcount64(uint64_t x) {
  x = x - ((x >> 1) & 0x5555555555555555u);
  x = (x & 0x3333333333333333u) + ((x >> 2) & 0x3333333333333333u);
  x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fu;
  return (unsigned)((x * 0x0101010101010101u) >> 56);
}

/* Jaro needed for Jaro-Winkler to reach NM_JW_GATE with a common prefix of l bytes, as
 * 3 * jaro - 1: JW = jaro * (1 - l/10) + l/10, so jaro >= (gate - l/10) / (1 - l/10). */
#define JW_NEED(l) (3.0 * (NM_JW_GATE - 0.1 * (l)) / (1.0 - 0.1 * (l)) - 1.0)
static const double k_jw_need[JW_PREFIX_MAX + 1] = {JW_NEED(0), JW_NEED(1), JW_NEED(2), JW_NEED(3),
                                                    JW_NEED(4)};

/* False when nm_jaro_winkler(a, b) is certainly below NM_JW_GATE, judged from which bytes occur:
 * Jaro matches only bytes both strings hold, so m is at most the number of distinct common bytes
 * plus the repeated bytes of either string; at best there is no transposition. Two population
 * counts and no division, against the real thing's tens of instructions per byte. */
static bool jw_may_pass(const char *a, size_t la, uint64_t ma, const char *b, size_t lb,
                        uint64_t mb) {
  size_t common = popcount64(ma & mb);
  if (common == 0) return false;
  size_t ra = la - popcount64(ma), rb = lb - popcount64(mb);
  size_t m = common + (ra < rb ? ra : rb);
  if (m > la) m = la;
  if (m > lb) m = lb;
  size_t l = 0;
  while (l < JW_PREFIX_MAX && l < la && l < lb && a[l] == b[l]) l++;
  /* (m/la + m/lb + 1) / 3 >= jaro needed  <=>  m * (la + lb) >= (3 * jaro - 1) * la * lb */
  return (double)m * (double)(la + lb) >= k_jw_need[l] * (double)la * (double)lb - 1e-9;
}

/* Score of two single strings (no initials, numbers or abjad handling): exact, else blended
 * Jaro-Winkler / edit similarity with phonetic and skeleton bonuses, 0 below min. */
static float fuzzy_score(const nm_tok *a, uint64_t ma, const nm_tok *b, uint64_t mb, float min,
                         uint8_t *how) {
  if (!jw_may_pass(a->s, a->len, ma, b->s, b->len, mb)) return 0.0f;
  double jw = nm_jaro_winkler(a->s, a->len, b->s, b->len);
  if (jw < NM_JW_GATE) return 0.0f;
  /* The pair needs blend >= min - bonus; solve for the edit similarity that requires. */
  double need_ed = ((double)(min - NM_PHONETIC_BONUS) - NM_JW_SHARE * jw) / (1.0 - NM_JW_SHARE);
  if (need_ed < 0.0) need_ed = 0.0;
  double ed = edit_sim_bounded(a->s, a->len, b->s, b->len, need_ed);
  float s = (float)(NM_JW_SHARE * jw + (1.0 - NM_JW_SHARE) * ed);
  *how = NM_HOW_FUZZY;
  uint8_t bonus_how = NM_HOW_FUZZY;
  if (dm_agree(a, b))
    bonus_how = NM_HOW_PHONETIC;
  else if (a->skeleton_len >= NM_SKELETON_MIN &&
           same(a->skeleton, a->skeleton_len, b->skeleton, b->skeleton_len))
    bonus_how = NM_HOW_SKELETON;
  if (bonus_how != NM_HOW_FUZZY && s < NM_BONUS_CEILING) {
    s += NM_PHONETIC_BONUS;
    if (s > NM_BONUS_CEILING) s = NM_BONUS_CEILING;
    *how = bonus_how;
  }
  if (s > 1.0f) s = 1.0f; /* float rounding of a blend of two 1.0 */
  return s >= min ? s : 0.0f;
}

/* An abjad token (vowels missing or guessed) against another token: by skeleton. */
static float abjad_score(const char *sa, size_t la, const char *sb, size_t lb, uint8_t *how) {
  if (la == 0 || lb == 0) return 0.0f;
  if (same(sa, la, sb, lb)) {
    *how = NM_HOW_SKELETON;
    return la >= 3 ? NM_ABJAD_SKEL3 : la == 2 ? NM_ABJAD_SKEL2 : NM_ABJAD_SKEL1;
  }
  if (la < 3 || lb < 3 || la > lb + 1 || lb > la + 1) return 0.0f;
  /* One consonant off in a long skeleton: MHMD vs MHMT (Turkish MEHMET) still close. The edit
   * similarity needed for NM_PAIR_MIN bounds the work. */
  double ed = edit_sim_bounded(sa, la, sb, lb, (double)NM_PAIR_MIN / (double)NM_ABJAD_SKEL3);
  float s = (float)(NM_ABJAD_SKEL3 * ed);
  *how = NM_HOW_SKELETON;
  return s >= NM_PAIR_MIN ? s : 0.0f;
}

/* Particles and legal forms that are spellings of one word: "son of" (BIN, IBN, BEN), the Arabic
 * article (AL, EL, UL), "father of" (ABU, ABOU), "daughter of" (BINT, BENT), and the long and short
 * legal forms (LIMITED / LTD ...). Returns the class, 0 for none. */
static int weak_class(const nm_tok *t) {
  static const char *const k_classes[] = {
      "BIN IBN BEN",           "AL EL UL",           "ABU ABOU",         "BINT BENT",
      "LTD LIMITED",           "CORP CORPORATION",   "INC INCORPORATED", "CO COMPANY",
      "AG AKTIENGESELLSCHAFT", "INTL INTERNATIONAL", "EST ESTABLISHMENT"};
  for (size_t c = 0; c < BM_COUNTOF(k_classes); c++) {
    const char *p = k_classes[c];
    while (*p) {
      size_t n = strcspn(p, " ");
      if (n == t->len && memcmp(p, t->s, n) == 0) return (int)c + 1;
      p += n;
      if (*p == ' ') p++;
    }
  }
  return 0;
}

/* Equal text, or equal Doc 9303 variant (MUELLER / MULLER for MÜLLER). */
static inline bool tok_exact(const nm_tok *a, const nm_tok *b) {
  return same(a->s, a->len, b->s, b->len) ||
         (a->alt_len && same(a->alt, a->alt_len, b->s, b->len)) ||
         (b->alt_len && same(a->s, a->len, b->alt, b->alt_len)) ||
         (a->alt_len && b->alt_len && same(a->alt, a->alt_len, b->alt, b->alt_len));
}

/* Score of one query token against one list token. */
static float tok_score(const nm_tok *a, uint64_t ma, const nm_tok *b, uint64_t mb, uint8_t *how) {
  *how = NM_HOW_EXACT;
  if (tok_exact(a, b)) return 1.0f;
  uint8_t fa = a->flags, fb = b->flags;
  if ((fa | fb) & NM_TOK_NUMBER) return 0.0f; /* numbers match exactly or not at all */
  if ((fa | fb) & NM_TOK_INITIAL) {
    if ((fa & fb & NM_TOK_INITIAL) || a->len == 0 || b->len == 0) return 0.0f;
    if (a->s[0] != b->s[0]) return 0.0f;
    *how = NM_HOW_INITIAL;
    return NM_INITIAL_SCORE;
  }
  if ((fa & NM_TOK_PARTICLE || fa & NM_TOK_GENERIC) &&
      (fb & NM_TOK_PARTICLE || fb & NM_TOK_GENERIC)) {
    int ca = weak_class(a);
    if (ca != 0 && ca == weak_class(b)) return NM_PARTICLE_VARIANT_SCORE;
  }
  float s = 0.0f;
  if ((fa | fb) & NM_TOK_ABJAD)
    s = abjad_score(a->skeleton, a->skeleton_len, b->skeleton, b->skeleton_len, how);
  /* Short tokens leave little room for a spelling difference: only a doubled letter or one vowel
   * (Korean UN / UUN / ON), never a consonant (LI / LU, AL / AS). */
  float min = (a->len <= 2 || b->len <= 2) ? NM_SHORT_PAIR_MIN : NM_PAIR_MIN;
  if ((a->len <= 2 && b->len > 3) || (b->len <= 2 && a->len > 3)) return s;
  uint8_t fh = NM_HOW_FUZZY;
  float f = fuzzy_score(a, ma, b, mb, min, &fh);
  if (f > s) {
    s = f;
    *how = fh;
  }
  return s;
}

/* ---- Pairing --------------------------------------------------------------------------------- */

/* How much a token weighs, before the caller's rarity weight: particles and generic words are part
 * of the name but identify little; an initial is a fraction of a name. */
#define NM_MASS_PARTICLE   0.3f
#define NM_MASS_GENERIC    0.25f
#define NM_MASS_INITIAL    0.5f
#define NM_MASS_PATRONYMIC 0.5f
#define NM_WEIGHT_MIN      1e-3f /* weights outside (0, 1e3] or NaN are clamped: never divide by 0 */
#define NM_WEIGHT_MAX      1e3f

/* Share of an unmatched token's mass added to the denominator: a query token no list token explains
 * costs twice as much as a list token the traveller's name lacks. */
#define NM_UNMATCHED_QUERY 0.5f
#define NM_UNMATCHED_LIST  0.25f
/* Unmatched on both sides is a substitution, not an omission: a different surname or tribal name
 * (ALI SADDAM HUSSEIN AL-RAWI / AL-TIKRITI), a different middle name. The smaller of the two
 * unmatched masses costs this much more. */
#define NM_UNMATCHED_BOTH 0.75f
/* A match resting on one pair of real name tokens, with real tokens left unmatched, scores at most
 * this: MOHAMMED ALI / MOHAMMED KHAN, list HADI against HADI AHMED (watchman PR #524). */
#define NM_ONE_TOKEN_CAP 0.6f
/* A match of initials, particles and generic words only (N. N. / NURSULTAN NAZARBAYEV) scores at
 * most this, unless the two names are the same tokens. */
#define NM_WEAK_ONLY_CAP 0.5f

#define NM_CELLS_MAX (NM_TOKENS_MAX * NM_TOKENS_MAX * 2)

typedef struct cell {
  uint32_t qmask, emask; /* tokens used on each side */
  float score;
  float mass;
  uint8_t q, qn, e, en, how;
} cell;

static float tok_mass(const nm_tok *t) {
  float w = t->weight;
  if (!(w >= NM_WEIGHT_MIN)) w = NM_WEIGHT_MIN; /* also catches NaN */
  if (w > NM_WEIGHT_MAX) w = NM_WEIGHT_MAX;
  if (t->flags & NM_TOK_INITIAL)
    w *= NM_MASS_INITIAL;
  else if (t->flags & NM_TOK_GENERIC)
    w *= NM_MASS_GENERIC;
  else if (t->flags & NM_TOK_PARTICLE)
    w *= NM_MASS_PARTICLE;
  else if (t->flags & NM_TOK_PATRONYMIC)
    w *= NM_MASS_PATRONYMIC;
  return w;
}

static bool weak(const nm_tok *t) {
  return (t->flags & (NM_TOK_INITIAL | NM_TOK_PARTICLE | NM_TOK_GENERIC)) != 0;
}

static uint32_t span_mask(unsigned first, unsigned n) {
  return (uint32_t)(((1u << n) - 1u) << first);
}

static void add_cell(cell *cells, unsigned *ncells, unsigned q, unsigned qn, unsigned e,
                     unsigned en, float score, uint8_t how, const float *qmass,
                     const float *emass) {
  if (*ncells >= NM_CELLS_MAX) return;
  cell *c = &cells[(*ncells)++];
  c->q = (uint8_t)q, c->qn = (uint8_t)qn, c->e = (uint8_t)e, c->en = (uint8_t)en;
  c->qmask = span_mask(q, qn), c->emask = span_mask(e, en);
  c->score = score;
  c->how = how;
  float m = 0.0f;
  for (unsigned i = q; i < q + qn; i++) m += qmass[i];
  for (unsigned j = e; j < e + en; j++) m += emass[j];
  c->mass = m / 2.0f;
}

/* Candidate cells for `count` tokens of side `many` starting at `first`, joined, against each
 * single token of side `one`; tokens already paired (used_*) take no part. */
static unsigned join_cells(const nm_tok *many, unsigned nmany, uint32_t used_many,
                           const nm_tok *one, unsigned none, uint32_t used_one, bool many_is_query,
                           const float *mass_many, const float *mass_one, cell *cells,
                           unsigned ncells) {
  char buf[NM_JOIN_BYTES_MAX + 1];
  char skel[NM_TOKEN_BYTES_MAX];
  /* What the other side offers: first bytes and the longest token, so a join that cannot meet any
   * partner is not even built. Abjad tokens meet by skeleton, whatever their first letter. */
  uint64_t firsts = 0;
  size_t longest = 0;
  bool any_abjad = false;
  for (unsigned j = 0; j < none; j++) {
    const nm_tok *o = &one[j];
    if (o->flags & (NM_TOK_NUMBER | NM_TOK_INITIAL) || o->len < 3 || (used_one & (1u << j)))
      continue;
    firsts |= char_mask(o->s, 1);
    if (o->len > longest) longest = o->len;
    any_abjad = any_abjad || (o->flags & NM_TOK_ABJAD);
  }
  if (longest == 0) return ncells;
  for (unsigned first = 0; first + 1 < nmany; first++) {
    size_t len = many[first].len;
    bool abjad = (many[first].flags & NM_TOK_ABJAD) != 0;
    if (many[first].flags & (NM_TOK_NUMBER | NM_TOK_INITIAL) || len == 0 ||
        (used_many & (1u << first)))
      continue;
    if (!abjad && !any_abjad && !(firsts & char_mask(many[first].s, 1))) continue;
    memcpy(buf, many[first].s, len);
    float m = mass_many[first];
    for (unsigned k = 1; k < NM_JOIN_TOKENS_MAX && first + k < nmany; k++) {
      const nm_tok *t = &many[first + k];
      if (t->flags & (NM_TOK_NUMBER | NM_TOK_INITIAL) || t->len == 0 ||
          (used_many & (1u << (first + k))))
        break;
      if (!abjad && !any_abjad && len + t->len > longest + longest / 5 + 2) break;
      memcpy(buf + len, t->s, t->len);
      len += t->len;
      m += mass_many[first + k];
      abjad = abjad || (t->flags & NM_TOK_ABJAD);
      size_t sk_len = 0;
      bool sk_done = false;
      nm_tok joined = {.s = buf, .len = (uint8_t)(len > 255 ? 255 : len), .weight = 1.0f};
      for (unsigned j = 0; j < none && ncells < NM_CELLS_MAX; j++) {
        const nm_tok *o = &one[j];
        if (o->flags & (NM_TOK_NUMBER | NM_TOK_INITIAL) || o->len < 3 || (used_one & (1u << j)))
          continue;
        bool o_abjad = (o->flags & NM_TOK_ABJAD) != 0;
        float s = 0.0f;
        uint8_t how = NM_HOW_JOINED;
        if (abjad || o_abjad) {
          if (!sk_done) {
            sk_len = nm_skeleton(buf, len, skel, sizeof skel);
            sk_done = true;
          }
          s = abjad_score(skel, sk_len, o->skeleton, o->skeleton_len, &how);
        } else {
          /* Cheap filters first: a join is only plausible with the same first letter and about
           * the same length. */
          size_t ol = o->len, slack = ol / 5 > 2 ? ol / 5 : 2;
          if (o->s[0] != buf[0] || len > ol + slack || ol > len + slack) continue;
          if (same(buf, len, o->s, ol))
            s = 1.0f;
          else if (len <= 255)
            s = fuzzy_score(&joined, char_mask(buf, len), o, char_mask(o->s, o->len), NM_JOIN_MIN,
                            &how);
        }
        if (s < NM_JOIN_MIN) continue;
        cell *c = &cells[ncells++];
        uint32_t mm = span_mask(first, k + 1), om = 1u << j;
        c->score = s;
        c->how = NM_HOW_JOINED;
        c->mass = (m + mass_one[j]) / 2.0f;
        if (many_is_query) {
          c->q = (uint8_t)first, c->qn = (uint8_t)(k + 1), c->e = (uint8_t)j, c->en = 1;
          c->qmask = mm, c->emask = om;
        } else {
          c->e = (uint8_t)first, c->en = (uint8_t)(k + 1), c->q = (uint8_t)j, c->qn = 1;
          c->emask = mm, c->qmask = om;
        }
      }
    }
  }
  return ncells;
}

/* Better cell for greedy pairing: higher score; then more mass (a rare token pairs first); then the
 * smaller span (a join only when it adds something); then position, for a stable result. */
static bool better(const cell *a, const cell *b) {
  if (a->score != b->score) return a->score > b->score;
  if (a->mass != b->mass) return a->mass > b->mass;
  unsigned sa = (unsigned)a->qn + a->en, sb = (unsigned)b->qn + b->en;
  if (sa != sb) return sa < sb;
  if (a->q != b->q) return a->q < b->q;
  return a->e < b->e;
}

/* Greedy pairing: best cell first, each token used once. Exact for the usual case where every
 * token has one clearly best partner; within a few percent of the optimal assignment otherwise, at
 * a fraction of the Hungarian method's cost for up to 16 x 16 tokens. Returns the new count of
 * chosen cells. */
static unsigned greedy(const cell *cells, unsigned ncells, uint32_t *used_q, uint32_t *used_e,
                       cell *chosen, unsigned nchosen) {
  while (nchosen < NM_TOKENS_MAX) {
    const cell *best = NULL;
    for (unsigned c = 0; c < ncells; c++) {
      const cell *x = &cells[c];
      if ((x->qmask & *used_q) || (x->emask & *used_e)) continue;
      if (best == NULL || better(x, best)) best = x;
    }
    if (best == NULL) break;
    *used_q |= best->qmask;
    *used_e |= best->emask;
    chosen[nchosen++] = *best;
  }
  return nchosen;
}

float nm_similarity(const nm_tok *q, unsigned nq, const nm_tok *e, unsigned ne, nm_match *m) {
  if (nq > NM_TOKENS_MAX) nq = NM_TOKENS_MAX;
  if (ne > NM_TOKENS_MAX) ne = NM_TOKENS_MAX;
  if (m != NULL) {
    m->score = 0.0f;
    m->npairs = 0;
    m->q_unmatched = (uint8_t)nq;
    m->e_unmatched = (uint8_t)ne;
  }
  if (nq == 0 || ne == 0 || q == NULL || e == NULL) return 0.0f;

  float qmass[NM_TOKENS_MAX], emass[NM_TOKENS_MAX];
  uint64_t qchars[NM_TOKENS_MAX], echars[NM_TOKENS_MAX];
  for (unsigned i = 0; i < nq; i++)
    qmass[i] = tok_mass(&q[i]), qchars[i] = char_mask(q[i].s, q[i].len);
  for (unsigned j = 0; j < ne; j++)
    emass[j] = tok_mass(&e[j]), echars[j] = char_mask(e[j].s, e[j].len);

  /* Exact pairs first: they score 1, the greedy pairing would take them first anyway, and a token
   * paired exactly needs no fuzzy comparison. Most candidates the index sends share a token. */
  cell cells[NM_CELLS_MAX];
  unsigned ncells = 0;
  for (unsigned i = 0; i < nq; i++)
    for (unsigned j = 0; j < ne; j++)
      if (tok_exact(&q[i], &e[j]))
        add_cell(cells, &ncells, i, 1, j, 1, 1.0f, NM_HOW_EXACT, qmass, emass);
  uint32_t used_q = 0, used_e = 0;
  cell chosen[NM_TOKENS_MAX];
  unsigned nchosen = greedy(cells, ncells, &used_q, &used_e, chosen, 0);

  /* Then everything else among the tokens left: fuzzy, phonetic, skeleton, initials, joins. */
  uint32_t all_q = span_mask(0, nq), all_e = span_mask(0, ne);
  if (used_q != all_q && used_e != all_e) {
    ncells = 0;
    for (unsigned i = 0; i < nq; i++) {
      if (used_q & (1u << i)) continue;
      for (unsigned j = 0; j < ne; j++) {
        if (used_e & (1u << j)) continue;
        uint8_t how;
        float s = tok_score(&q[i], qchars[i], &e[j], echars[j], &how);
        if (s > 0.0f) add_cell(cells, &ncells, i, 1, j, 1, s, how, qmass, emass);
      }
    }
    ncells = join_cells(q, nq, used_q, e, ne, used_e, true, qmass, emass, cells, ncells);
    ncells = join_cells(e, ne, used_e, q, nq, used_q, false, emass, qmass, cells, ncells);
    nchosen = greedy(cells, ncells, &used_q, &used_e, chosen, nchosen);
  }

  double num = 0.0, den = 0.0;
  unsigned strong = 0;
  bool all_exact = true;
  for (unsigned c = 0; c < nchosen; c++) {
    const cell *x = &chosen[c];
    if (x->how != NM_HOW_EXACT) all_exact = false;
    float mq = 0.0f, me = 0.0f;
    bool qs = false, es = false;
    for (unsigned i = x->q; i < (unsigned)x->q + x->qn; i++)
      mq += qmass[i], qs = qs || !weak(&q[i]);
    for (unsigned j = x->e; j < (unsigned)x->e + x->en; j++)
      me += emass[j], es = es || !weak(&e[j]);
    double pm = (mq + me) / 2.0;
    num += x->score * pm;
    den += pm;
    if (qs && es) strong++;
  }
  double uq = 0.0, ue = 0.0;
  bool strong_left = false;
  unsigned q_left = 0, e_left = 0;
  if (used_q != all_q || used_e != all_e) all_exact = false;
  for (unsigned i = 0; i < nq; i++)
    if (!(used_q & (1u << i))) uq += qmass[i], q_left++, strong_left = strong_left || !weak(&q[i]);
  for (unsigned j = 0; j < ne; j++)
    if (!(used_e & (1u << j))) ue += emass[j], e_left++, strong_left = strong_left || !weak(&e[j]);
  den += NM_UNMATCHED_QUERY * uq + NM_UNMATCHED_LIST * ue + NM_UNMATCHED_BOTH * (uq < ue ? uq : ue);
  float score = den > 0.0 ? (float)(num / den) : 0.0f;
  if (strong <= 1 && strong_left && score > NM_ONE_TOKEN_CAP) score = NM_ONE_TOKEN_CAP;
  if (strong == 0 && !all_exact && score > NM_WEAK_ONLY_CAP) score = NM_WEAK_ONLY_CAP;
  if (!(score >= 0.0f)) score = 0.0f;
  if (score > 1.0f) score = 1.0f;

  if (m != NULL) {
    /* Pairs in query order, so the explanation reads like the traveller's name. */
    for (unsigned a = 1; a < nchosen; a++)
      for (unsigned b = a; b > 0 && chosen[b - 1].q > chosen[b].q; b--) {
        cell t = chosen[b];
        chosen[b] = chosen[b - 1];
        chosen[b - 1] = t;
      }
    m->score = score;
    m->npairs = (uint8_t)nchosen;
    for (unsigned c = 0; c < nchosen; c++) {
      nm_pair *p = &m->pairs[c];
      p->q = chosen[c].q, p->q_count = chosen[c].qn;
      p->e = chosen[c].e, p->e_count = chosen[c].en;
      p->score = chosen[c].score;
      p->how = chosen[c].how;
    }
    m->q_unmatched = (uint8_t)q_left;
    m->e_unmatched = (uint8_t)e_left;
  }
  return score;
}

float nm_pair_similarity(const nm_tok *a, const nm_tok *b) {
  if (a == NULL || b == NULL) return 0.0f;
  /* nm_similarity's exact cell: all pairs exact, so no cap. */
  if (tok_exact(a, b)) return 1.0f;
  uint8_t how;
  float s = tok_score(a, char_mask(a->s, a->len), b, char_mask(b->s, b->len), &how);
  if (!(s > 0.0f)) return 0.0f;
  /* One cell of mass pm: score = s * pm / pm, exact in double (a float times a float). Nothing is
   * left unmatched, so only the weak-only cap can apply; a pair of particle variants (BIN / IBN)
   * counts as exact there, as in nm_similarity. */
  if ((weak(a) || weak(b)) && how != NM_HOW_EXACT && s > NM_WEAK_ONLY_CAP) s = NM_WEAK_ONLY_CAP;
  return s > 1.0f ? 1.0f : s;
}

/* ---- Explanation ----------------------------------------------------------------------------- */

typedef struct sbuf {
  char *buf;
  size_t cap, len;
} sbuf;

static void put(sbuf *b, const char *s, size_t n) {
  if (b->len < b->cap) {
    size_t room = b->cap - 1 - b->len;
    size_t w = n < room ? n : room;
    memcpy(b->buf + b->len, s, w);
    b->buf[b->len + w] = '\0';
  }
  b->len += n;
}

static void puts_(sbuf *b, const char *s) {
  put(b, s, strlen(s));
}

static void put_tokens(sbuf *b, const nm_tok *t, unsigned first, unsigned n, unsigned max) {
  for (unsigned i = first; i < first + n && i < max; i++) {
    if (i > first) put(b, "+", 1);
    if (t[i].s != NULL) put(b, t[i].s, t[i].len);
  }
}

static const char *how_word(uint8_t how) {
  switch (how) {
  case NM_HOW_PHONETIC: return " phonetic";
  case NM_HOW_SKELETON: return " skeleton";
  case NM_HOW_INITIAL: return " initial";
  case NM_HOW_JOINED: return " joined";
  default: return "";
  }
}

size_t nm_match_explain(const nm_match *m, const nm_tok *q, const nm_tok *e, char *buf,
                        size_t cap) {
  sbuf b = {buf, cap, 0};
  if (cap > 0) buf[0] = '\0';
  if (m == NULL || q == NULL || e == NULL) return 0;
  unsigned npairs = m->npairs < NM_TOKENS_MAX ? m->npairs : NM_TOKENS_MAX;
  uint32_t used_q = 0, used_e = 0;
  for (unsigned i = 0; i < npairs; i++) {
    const nm_pair *p = &m->pairs[i];
    if (p->q_count == 0 || p->e_count == 0 || p->q + p->q_count > NM_TOKENS_MAX ||
        p->e + p->e_count > NM_TOKENS_MAX)
      continue;
    if (b.len > 0) puts_(&b, ", ");
    put_tokens(&b, q, p->q, p->q_count, NM_TOKENS_MAX);
    put(&b, "=", 1);
    put_tokens(&b, e, p->e, p->e_count, NM_TOKENS_MAX);
    if (p->how != NM_HOW_EXACT || p->score < 1.0f) {
      char num[16];
      float s = p->score;
      if (!(s >= 0.0f)) s = 0.0f;
      if (s > 1.0f) s = 1.0f;
      int n = snprintf(num, sizeof num, " %.2f", (double)s);
      if (n > 0) put(&b, num, (size_t)n);
    }
    puts_(&b, how_word(p->how));
    used_q |= span_mask(p->q, p->q_count);
    used_e |= span_mask(p->e, p->e_count);
  }
  /* The unmatched tokens are the first q_unmatched (e_unmatched) indices no pair names: all below
   * the token count nm_similarity saw, so only tokens the caller passed are read. */
  unsigned left = 0;
  for (unsigned i = 0; left < m->q_unmatched && i < NM_TOKENS_MAX; i++) {
    if (used_q & (1u << i)) continue;
    puts_(&b, left == 0 ? (b.len > 0 ? "; query only: " : "query only: ") : " ");
    if (q[i].s != NULL) put(&b, q[i].s, q[i].len);
    left++;
  }
  left = 0;
  for (unsigned j = 0; left < m->e_unmatched && j < NM_TOKENS_MAX; j++) {
    if (used_e & (1u << j)) continue;
    puts_(&b, left == 0 ? (b.len > 0 ? "; list only: " : "list only: ") : " ");
    if (e[j].s != NULL) put(&b, e[j].s, e[j].len);
    left++;
  }
  return b.len;
}
