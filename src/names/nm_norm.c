/* nm_norm.c - names in any script to upper-case ASCII tokens (nm_prepare), with per-token flags,
 * Double Metaphone codes and consonant skeletons.
 *
 * Pipeline (docs/names.md gives every rule with its reason):
 *   1. Pure ASCII input skips ICU: letters upper-cased, digits kept, apostrophes dropped, every
 *      other byte separates tokens. Most travellers' names arrive like this (MRZ, PNR, APIS).
 *   2. Otherwise: strict UTF-8 decoding to UTF-16, ICU NFKC_Casefold (compatibility forms such as
 *      fullwidth letters and ligatures become plain letters, case is folded, default-ignorable
 *      characters such as soft hyphens and zero-width joiners go), and the dominant script is the
 *      script of most letters.
 *   3. The text splits into words at whitespace, punctuation and symbols (apostrophes and marks
 * stay inside the word). A word of Latin, Cyrillic or Greek letters goes through mrz_translit, the
 *      Doc 9303 Part 3 tables the MRZ uses, so a name read from a chip or a visa application meets
 *      the traveller's MRZ spelling (Ж -> ZH, Х -> KH, Ä -> AE); when the word holds Ä, Ö, Ü, Å or
 *      Ø the short variant (A, O, U, A, O) goes into alt. Any other word, and a word with a letter
 *      mrz_translit cannot map, goes through ICU "Any-Latin; Latin-ASCII".
 *   4. The ASCII result splits into tokens at anything but A-Z 0-9; modifier letters and marks that
 *      ICU leaves (Arabic ʿ, Japanese ー) are dropped like apostrophes.
 *   5. Each token gets its flags (initial, particle, generic entity word, number, abjad), Double
 *      Metaphone codes and skeleton.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utrans.h>

#include "bmis/mrz.h"
#include "bmis/names.h"
#include "names/nm_internal.h"

/* UTF-16 units of room for the normalised text and for one transliterated word. */
#define NM_U16_UNITS_MAX (NM_NAME_INPUT_BYTES_MAX * NM_NAME_EXPANSION_MAX)
/* mrz_translit output of one word: Doc 9303 expands a letter to at most 4 (Щ -> SHCH). */
#define NM_WORD_ASCII_BYTES_MAX (4 * NM_U16_UNITS_MAX + 1)

/* Words already transliterated by ICU. utrans_transUChars costs 5 to 50 us a word and ICU 72 runs
 * every rule-based transliterator under one process-wide mutex, so threads transliterating at once
 * wait for each other; names repeat their words (the 1M-entry benchmark list has 2.8M name tokens
 * but about 200,000 distinct ones; travellers share given names). Each normalizer therefore keeps
 * the ASCII result of every word it sent through ICU: an open-addressing table over an arena,
 * grown by doubling, emptied and started again when it holds NM_WCACHE_ENTRIES_MAX words or
 * NM_WCACHE_BYTES_MAX bytes, so its memory is bounded. Words longer than NM_WCACHE_WORD_UNITS_MAX
 * are not kept. When memory for it cannot be had, words are simply transliterated again. */
#define NM_WCACHE_WORD_UNITS_MAX 48
#define NM_WCACHE_ENTRIES_MAX    (1u << 18)
#define NM_WCACHE_BYTES_MAX      (24u << 20)
#define NM_WCACHE_SLOTS_MIN      1024u

typedef struct nm_wslot {
  uint64_t hash; /* 0: empty */
  uint32_t off;  /* key (UTF-16 units) then value (ASCII bytes) in the arena */
  uint16_t klen; /* key units */
  uint16_t vlen; /* value bytes */
} nm_wslot;

typedef struct nm_wcache {
  nm_wslot *slots;
  uint32_t cap; /* slots: 0 or a power of two */
  uint32_t n;
  char *arena;
  size_t used, acap;
} nm_wcache;

struct nm_normalizer {
  UTransliterator *latin;      /* "Any-Latin; Latin-ASCII"; not thread-safe, hence per thread */
  nm_wcache wc;                /* words transliterated by latin */
  const UNormalizer2 *nfkc_cf; /* ICU-owned singleton */
  UChar text[NM_U16_UNITS_MAX];
  UChar norm[NM_U16_UNITS_MAX];
  UChar word[NM_U16_UNITS_MAX];
  char utf8[4 * NM_U16_UNITS_MAX + 1];
  char ascii[NM_WORD_ASCII_BYTES_MAX];
  char ascii_alt[NM_WORD_ASCII_BYTES_MAX];
};

static const char *const k_script_names[NM_SCRIPT__COUNT] = {
    [NM_SCRIPT_NONE] = "none",         [NM_SCRIPT_LATIN] = "latin",
    [NM_SCRIPT_CYRILLIC] = "cyrillic", [NM_SCRIPT_GREEK] = "greek",
    [NM_SCRIPT_ARABIC] = "arabic",     [NM_SCRIPT_HEBREW] = "hebrew",
    [NM_SCRIPT_HAN] = "han",           [NM_SCRIPT_HANGUL] = "hangul",
    [NM_SCRIPT_KANA] = "kana",         [NM_SCRIPT_ARMENIAN] = "armenian",
    [NM_SCRIPT_GEORGIAN] = "georgian", [NM_SCRIPT_OTHER] = "other",
};

const char *nm_script_name(nm_script script) {
  if ((unsigned)script >= NM_SCRIPT__COUNT) return "unknown";
  return k_script_names[script];
}

nm_normalizer *nm_normalizer_new(bm_diag *diag) {
  nm_normalizer *nz = calloc(1, sizeof *nz);
  if (nz == NULL) {
    bm_diag_set(diag, BM_ERR_NOMEM, NULL, 0, 0, "out of memory for a name normalizer");
    return NULL;
  }
  UErrorCode st = U_ZERO_ERROR;
  nz->nfkc_cf = unorm2_getNFKCCasefoldInstance(&st);
  if (U_FAILURE(st)) {
    bm_diag_set(diag, BM_ERR_UNSUPPORTED, NULL, 0, 0, "ICU NFKC_Casefold unavailable: %s",
                u_errorName(st));
    free(nz);
    return NULL;
  }
  /* ICU compiles the rules on the first open in the process (tens of ms) and caches them, so
   * further normalizers open in well under a millisecond. */
  static const UChar id[] = {'A', 'n', 'y', '-', 'L', 'a', 't', 'i', 'n', ';', ' ', 'L',
                             'a', 't', 'i', 'n', '-', 'A', 'S', 'C', 'I', 'I', 0};
  UParseError pe;
  nz->latin = utrans_openU(id, -1, UTRANS_FORWARD, NULL, 0, &pe, &st);
  if (U_FAILURE(st) || nz->latin == NULL) {
    bm_diag_set(diag, BM_ERR_UNSUPPORTED, NULL, 0, 0,
                "ICU transliterator Any-Latin; Latin-ASCII unavailable: %s", u_errorName(st));
    free(nz);
    return NULL;
  }
  return nz;
}

void nm_normalizer_free(nm_normalizer *nz) {
  if (nz == NULL) return;
  utrans_close(nz->latin);
  free(nz->wc.slots);
  free(nz->wc.arena);
  free(nz);
}

/* ---- The word cache (see nm_wcache) -----------------------------------------------------------
 */

static uint64_t wcache_hash(const UChar *w, int32_t n) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (int32_t i = 0; i < n; i++) h = (h ^ w[i]) * 0x100000001b3ull;
  h ^= h >> 31; /* splitmix64's finaliser: the low bits index the table */
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 29;
  return h ? h : 1;
}

/* The cached ASCII of word w, or NULL (*len set when found). */
static const char *wcache_get(const nm_wcache *c, uint64_t h, const UChar *w, int32_t n,
                              size_t *len) {
  if (c->cap == 0) return NULL;
  for (uint32_t i = (uint32_t)h & (c->cap - 1);; i = (i + 1) & (c->cap - 1)) {
    const nm_wslot *sl = &c->slots[i];
    if (sl->hash == 0) return NULL;
    if (sl->hash == h && sl->klen == n &&
        memcmp(c->arena + sl->off, w, (size_t)n * sizeof *w) == 0) {
      *len = sl->vlen;
      return c->arena + sl->off + (size_t)n * sizeof *w;
    }
  }
}

static void wcache_reset(nm_wcache *c) {
  if (c->cap) memset(c->slots, 0, (size_t)c->cap * sizeof *c->slots);
  c->n = 0;
  c->used = 0;
}

static void wcache_put_slot(nm_wcache *c, nm_wslot sl) {
  uint32_t i = (uint32_t)sl.hash & (c->cap - 1);
  while (c->slots[i].hash != 0) i = (i + 1) & (c->cap - 1);
  c->slots[i] = sl;
}

/* Keeps word w -> ascii (the caller found it absent). Best effort: nothing happens when it does not
 * fit or memory is short. */
static void wcache_put(nm_wcache *c, uint64_t h, const UChar *w, int32_t n, const char *ascii,
                       size_t alen) {
  size_t need = (size_t)n * sizeof *w + alen;
  if (n > NM_WCACHE_WORD_UNITS_MAX || alen > UINT16_MAX || need > NM_WCACHE_BYTES_MAX) return;
  if (c->n >= NM_WCACHE_ENTRIES_MAX || c->used + need > NM_WCACHE_BYTES_MAX) wcache_reset(c);
  if (2 * (c->n + 1) > c->cap) { /* at most half full */
    uint32_t cap = c->cap ? 2 * c->cap : NM_WCACHE_SLOTS_MIN;
    nm_wslot *slots = calloc(cap, sizeof *slots);
    if (slots == NULL) return;
    nm_wslot *old = c->slots;
    uint32_t oldcap = c->cap;
    c->slots = slots;
    c->cap = cap;
    for (uint32_t i = 0; i < oldcap; i++)
      if (old[i].hash != 0) wcache_put_slot(c, old[i]);
    free(old);
  }
  if (c->used + need > c->acap) {
    size_t acap = c->acap ? 2 * c->acap : 64 * 1024;
    while (acap < c->used + need) acap *= 2;
    if (acap > NM_WCACHE_BYTES_MAX) acap = NM_WCACHE_BYTES_MAX;
    char *arena = realloc(c->arena, acap);
    if (arena == NULL) return;
    c->arena = arena;
    c->acap = acap;
  }
  memcpy(c->arena + c->used, w, (size_t)n * sizeof *w);
  memcpy(c->arena + c->used + (size_t)n * sizeof *w, ascii, alen);
  wcache_put_slot(c, (nm_wslot){h, (uint32_t)c->used, (uint16_t)n, (uint16_t)alen});
  c->used += need;
  c->n++;
}

/* ---- Token flags ----------------------------------------------------------------------------- */

/* Name particles: articles, "son of", "of the" in Arabic, Hebrew, Dutch, German, Romance and Celtic
 * names. They are real parts of the name but carry little identity, are dropped or joined at will
 * (AL QAIDA / ALQAIDA, BIN / IBN / B.), so they weigh less. ABD ("servant of") is not one: ABD AL
 * RAHMAN is a different name from RAHMAN. Sorted for bsearch. */
static const char *const k_particles[] = {
    "ABOU", "ABU", "AF",  "AL",   "AP",  "AV",  "BEN", "BENT", "BIN", "BINT", "DA",  "DAL", "DAS",
    "DE",   "DEL", "DEN", "DER",  "DES", "DI",  "DO",  "DOS",  "DU",  "EL",   "IBN", "LA",  "LE",
    "LOS",  "MAC", "MC",  "OULD", "TEN", "TER", "UL",  "UM",   "UMM", "VAN",  "VD",  "VON", "ZU",
};

/* Generic words of entity names (legal forms, sector words, connectives): "BELLETECH CORP" must
 * not match "11420 CORP" on CORP (moov-io/watchman #483). Sorted for bsearch. */
static const char *const k_generic[] = {
    "AG",
    "AKTIENGESELLSCHAFT",
    "AND",
    "AO",
    "ASSOCIATION",
    "BANK",
    "BV",
    "CIA",
    "CJSC",
    "CO",
    "COMPANY",
    "CORP",
    "CORPORATION",
    "EST",
    "ESTABLISHMENT",
    "EXPORT",
    "FOR",
    "FOUNDATION",
    "FZC",
    "FZCO",
    "FZE",
    "GENERAL",
    "GLOBAL",
    "GMBH",
    "GROUP",
    "HOLDING",
    "HOLDINGS",
    "IMPORT",
    "INC",
    "INCORPORATED",
    "INDUSTRIAL",
    "INDUSTRIES",
    "INDUSTRY",
    "INTERNATIONAL",
    "INTL",
    "JSC",
    "KG",
    "LIMITED",
    "LLC",
    "LLP",
    "LP",
    "LTD",
    "LTDA",
    "NV",
    "OAO",
    "OF",
    "OJSC",
    "OOO",
    "ORGANISATION",
    "ORGANIZATION",
    "PAO",
    "PJSC",
    "PLC",
    "PTE",
    "PTY",
    "SA",
    "SAL",
    "SARL",
    "SAS",
    "SERVICE",
    "SERVICES",
    "SHIPPING",
    "SPA",
    "SRL",
    "THE",
    "TRADING",
    "ZAO",
};

/* Patronymic endings: Russian -OVICH/-EVICH/-OVNA/-EVNA (and -ICH, -ITCH spellings), Ukrainian
 * -OVYCH/-IVNA, Turkic -OGLU/-OGLY/-KYZY/-QIZI. Only on tokens of NM_PATRONYMIC_LETTERS_MIN letters
 * or more, so short names ending the same way (MICH) are not taken for one. */
#define NM_PATRONYMIC_LETTERS_MIN 7
static const char *const k_patronymic_endings[] = {"OVICH", "EVICH", "OVNA", "EVNA", "OVYCH",
                                                   "EVYCH", "IVNA",  "OGLU", "OGLY", "KYZY",
                                                   "QIZI",  "ICH",   "ITCH"};

static bool is_patronymic(const char *s, size_t len) {
  if (len < NM_PATRONYMIC_LETTERS_MIN) return false;
  for (size_t i = 0; i < BM_COUNTOF(k_patronymic_endings); i++) {
    size_t n = strlen(k_patronymic_endings[i]);
    if (memcmp(s + len - n, k_patronymic_endings[i], n) == 0) return true;
  }
  return false;
}

static int cmp_word(const void *key, const void *elem) {
  return strcmp((const char *)key, *(const char *const *)elem);
}

static bool in_list(const char *word, const char *const *list, size_t n) {
  return bsearch(word, list, n, sizeof *list, cmp_word) != NULL;
}

/* ---- Token building -------------------------------------------------------------------------- */

/* Appends a token (text and optional alt, both A-Z 0-9 runs) to out, cutting it to
 * NM_TOKEN_BYTES_MAX-1 bytes; counts tokens beyond NM_TOKENS_MAX in ndropped. */
static void push_token(nm_name *out, const char *s, size_t n, const char *alt, size_t alt_n,
                       uint8_t flags) {
  if (n == 0) return;
  if (out->ntokens >= NM_TOKENS_MAX) {
    if (out->ndropped < UINT8_MAX) out->ndropped++;
    return;
  }
  nm_token *t = &out->tokens[out->ntokens++];
  memset(t, 0, sizeof *t);
  if (n > NM_TOKEN_BYTES_MAX - 1) n = NM_TOKEN_BYTES_MAX - 1;
  memcpy(t->text, s, n);
  t->len = (uint8_t)n;
  if (alt != NULL && alt_n > 0) {
    if (alt_n > NM_TOKEN_BYTES_MAX - 1) alt_n = NM_TOKEN_BYTES_MAX - 1;
    if (alt_n != n || memcmp(alt, t->text, n) != 0) {
      memcpy(t->alt, alt, alt_n);
      t->alt_len = (uint8_t)alt_n;
    }
  }
  t->flags = flags;
}

static bool is_alnum_upper(char c) {
  return nm__is_upper(c) || nm__is_digit(c);
}

/* Splits an ASCII string (A-Z 0-9 and separators) into tokens. When alt is given and splits into
 * the same number of runs, run i of alt is the variant of run i of s. */
static void push_runs(nm_name *out, const char *s, size_t n, const char *alt, size_t alt_n,
                      uint8_t flags) {
  size_t runs_s = 0, runs_a = 0;
  if (alt != NULL) {
    for (size_t i = 0; i < n; i++)
      if (is_alnum_upper(s[i]) && (i == 0 || !is_alnum_upper(s[i - 1]))) runs_s++;
    for (size_t i = 0; i < alt_n; i++)
      if (is_alnum_upper(alt[i]) && (i == 0 || !is_alnum_upper(alt[i - 1]))) runs_a++;
    if (runs_a != runs_s) alt = NULL;
  }
  size_t i = 0, j = 0;
  while (i < n) {
    while (i < n && !is_alnum_upper(s[i])) i++;
    size_t start = i;
    while (i < n && is_alnum_upper(s[i])) i++;
    if (i == start) break;
    const char *a = NULL;
    size_t an = 0;
    if (alt != NULL) {
      while (j < alt_n && !is_alnum_upper(alt[j])) j++;
      size_t as = j;
      while (j < alt_n && is_alnum_upper(alt[j])) j++;
      a = alt + as;
      an = j - as;
    }
    push_token(out, s + start, i - start, a, an, flags);
  }
}

/* Flags, phonetic codes and skeletons of every token, once all tokens are known (particles depend
 * on the token count). */
static void finish_tokens(nm_name *out) {
  for (unsigned k = 0; k < out->ntokens; k++) {
    nm_token *t = &out->tokens[k];
    bool digits = true, letters = true;
    for (unsigned i = 0; i < t->len; i++) {
      if (!nm__is_digit(t->text[i])) digits = false;
      if (!nm__is_upper(t->text[i])) letters = false;
    }
    if (digits) t->flags |= NM_TOK_NUMBER;
    if (t->len == 1 && letters) t->flags |= NM_TOK_INITIAL;
    /* A particle is only a particle beside another name part: the name "DE" alone is a name. A
     * single letter stays an initial (Spanish Y is too rare to outweigh that). */
    else if (out->ntokens > 1 && in_list(t->text, k_particles, BM_COUNTOF(k_particles)))
      t->flags |= NM_TOK_PARTICLE;
    if (in_list(t->text, k_generic, BM_COUNTOF(k_generic))) t->flags |= NM_TOK_GENERIC;
    if (letters && is_patronymic(t->text, t->len)) t->flags |= NM_TOK_PATRONYMIC;
    char p[5], a[5];
    nm_double_metaphone(t->text, t->len, p, a);
    t->dm[0] = nm_dm_pack(p);
    t->dm[1] = nm_dm_pack(a);
    nm_skeleton(t->text, t->len, t->skeleton, sizeof t->skeleton);
  }
}

/* ---- ASCII fast path ------------------------------------------------------------------------- */

static void prepare_ascii(const char *s, size_t len, nm_name *out) {
  char tok[NM_TOKEN_BYTES_MAX];
  size_t n = 0;
  bool letters = false;
  for (size_t i = 0; i <= len; i++) {
    char c = i < len ? s[i] : ' ';
    if (c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
    if (is_alnum_upper(c)) {
      if (nm__is_upper(c)) letters = true;
      if (n < sizeof tok - 1)
        tok[n++] = c;
      else if (n == sizeof tok - 1)
        n++; /* note the overflow; push_token cuts */
      continue;
    }
    if (c == '\'' || c == '`') continue; /* O'BRIEN -> OBRIEN, as Doc 9303 writes it */
    if (n > 0) push_token(out, tok, n > sizeof tok - 1 ? sizeof tok - 1 : n, NULL, 0, 0);
    n = 0;
  }
  out->script = letters ? NM_SCRIPT_LATIN : NM_SCRIPT_NONE;
}

/* ---- Unicode path ---------------------------------------------------------------------------- */

/* Strict UTF-8 to UTF-16: no overlong forms, no surrogates, nothing above U+10FFFF, no truncated
 * sequences. Returns the number of units, or -1 with *bad = byte offset of the first bad byte. */
static int32_t utf8_to_utf16(const unsigned char *s, size_t len, UChar *out, int32_t cap,
                             size_t *bad) {
  int32_t n = 0;
  size_t i = 0;
  while (i < len) {
    uint32_t c = s[i];
    size_t k;
    uint32_t min;
    if (c < 0x80) {
      k = 0;
      min = 0;
    } else if (c >= 0xC2 && c <= 0xDF) {
      k = 1;
      min = 0x80;
      c &= 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      k = 2;
      min = 0x800;
      c &= 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      k = 3;
      min = 0x10000;
      c &= 0x07;
    } else {
      *bad = i;
      return -1;
    }
    if (len - i - 1 < k) {
      *bad = i;
      return -1;
    }
    for (size_t j = 1; j <= k; j++) {
      unsigned char b = s[i + j];
      if ((b & 0xC0) != 0x80) {
        *bad = i;
        return -1;
      }
      c = (c << 6) | (b & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
      *bad = i;
      return -1;
    }
    if (n + 2 > cap) { /* cannot happen: the input limit is far below the buffer */
      *bad = i;
      return -1;
    }
    U16_APPEND_UNSAFE(out, n, c);
    i += k + 1;
  }
  return n;
}

static nm_script script_of(UChar32 c) {
  UErrorCode st = U_ZERO_ERROR;
  UScriptCode sc = uscript_getScript(c, &st);
  if (U_FAILURE(st)) return NM_SCRIPT_NONE;
  switch (sc) {
  case USCRIPT_COMMON:
  case USCRIPT_INHERITED:
  case USCRIPT_UNKNOWN: return NM_SCRIPT_NONE;
  case USCRIPT_LATIN: return NM_SCRIPT_LATIN;
  case USCRIPT_CYRILLIC: return NM_SCRIPT_CYRILLIC;
  case USCRIPT_GREEK: return NM_SCRIPT_GREEK;
  case USCRIPT_ARABIC: return NM_SCRIPT_ARABIC;
  case USCRIPT_HEBREW: return NM_SCRIPT_HEBREW;
  case USCRIPT_HAN: return NM_SCRIPT_HAN;
  case USCRIPT_HANGUL: return NM_SCRIPT_HANGUL;
  case USCRIPT_HIRAGANA:
  case USCRIPT_KATAKANA:
  case USCRIPT_KATAKANA_OR_HIRAGANA: return NM_SCRIPT_KANA;
  case USCRIPT_ARMENIAN: return NM_SCRIPT_ARMENIAN;
  case USCRIPT_GEORGIAN: return NM_SCRIPT_GEORGIAN;
  default: return NM_SCRIPT_OTHER;
  }
}

/* Apostrophes and the letters that stand for one (Arabic ʿ ʾ in scholarly transliteration,
 * Hebrew geresh, Armenian apostrophe): removed, never separators. */
static bool is_apostrophe(UChar32 c) {
  switch (c) {
  case 0x0027:
  case 0x0060:
  case 0x2018:
  case 0x2019:
  case 0x02BB:
  case 0x02BC:
  case 0x02BE:
  case 0x02BF:
  case 0x055A:
  case 0x05F3: return true;
  default: return false;
  }
}

/* Part of a word: letters, marks, numbers, apostrophes. Everything else (spaces, '<', hyphens,
 * commas, periods, slashes, other punctuation and symbols, controls) separates words. */
static bool is_word_char(UChar32 c) {
  if (is_apostrophe(c)) return true;
  uint32_t mask = U_GET_GC_MASK(c);
  return (mask & (U_GC_L_MASK | U_GC_M_MASK | U_GC_N_MASK)) != 0;
}

/* ICU output of a word to ASCII tokens: A-Z 0-9 kept (upper-cased), apostrophes, modifier letters
 * and symbols, marks and format characters dropped (ICU leaves Arabic ʿ and Japanese ー), anything
 * else separates. Returns the length written into buf (at most cap). */
static size_t icu_to_ascii(const UChar *s, int32_t n, char *buf, size_t cap) {
  size_t w = 0;
  for (int32_t i = 0; i < n && w < cap;) {
    UChar32 c;
    U16_NEXT(s, i, n, c);
    if (c >= 'a' && c <= 'z')
      buf[w++] = (char)(c - 'a' + 'A');
    else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
      buf[w++] = (char)c;
    else if (is_apostrophe(c) ||
             (U_GET_GC_MASK(c) & (U_GC_LM_MASK | U_GC_SK_MASK | U_GC_M_MASK | U_GC_CF_MASK)))
      continue;
    else
      buf[w++] = ' ';
  }
  return w;
}

/* Copies word with the Doc 9303 long-form letters replaced by their short form (ä -> a, ö -> o,
 * ü -> u, å -> a, ø -> o; a diaeresis or ring mark after a/o/u dropped). Returns the new length, or
 * -1 when the word has none of them (then there is no alt). Input is case-folded. */
static int32_t short_variant(const UChar *w, int32_t n, UChar *out) {
  int32_t k = 0;
  bool changed = false;
  for (int32_t i = 0; i < n; i++) {
    UChar c = w[i];
    switch (c) {
    case 0x00E4:
    case 0x00E5: c = 'a'; break;
    case 0x00F6:
    case 0x00F8: c = 'o'; break;
    case 0x00FC: c = 'u'; break;
    case 0x0308:
    case 0x030A:
      if (k > 0 && (out[k - 1] == 'a' || out[k - 1] == 'o' || out[k - 1] == 'u')) {
        changed = true;
        continue;
      }
      break;
    default: break;
    }
    if (c != w[i]) changed = true;
    out[k++] = c;
  }
  return changed ? k : -1;
}

/* ICU's transliteration of w (through the word cache) as tokens appended to out. */
static bm_err icu_chunk(nm_normalizer *nz, const UChar *w, int32_t n, nm_name *out, uint8_t flags,
                        bm_diag *diag) {
  uint64_t h = wcache_hash(w, n);
  size_t cached_len = 0;
  const char *cached = wcache_get(&nz->wc, h, w, n, &cached_len);
  if (cached != NULL) {
    push_runs(out, cached, cached_len, NULL, 0, flags);
    return BM_OK;
  }
  memcpy(nz->word, w, (size_t)n * sizeof *w);
  int32_t len = n, limit = n;
  UErrorCode st = U_ZERO_ERROR;
  utrans_transUChars(nz->latin, nz->word, &len, NM_U16_UNITS_MAX, 0, &limit, &st);
  if (st == U_BUFFER_OVERFLOW_ERROR || len > NM_U16_UNITS_MAX)
    return bm_diag_set(diag, BM_ERR_LIMIT, "name", 0, 0,
                       "name expands beyond %d UTF-16 units when transliterated", NM_U16_UNITS_MAX);
  if (U_FAILURE(st))
    return bm_diag_set(diag, BM_ERR_UNSUPPORTED, "name", 0, 0, "ICU transliteration failed: %s",
                       u_errorName(st));
  size_t an = icu_to_ascii(nz->word, len, nz->ascii, sizeof nz->ascii);
  wcache_put(&nz->wc, h, w, n, nz->ascii, an);
  push_runs(out, nz->ascii, an, NULL, 0, flags);
  return BM_OK;
}

/* A word through ICU. A word of Han characters only goes one character at a time: Chinese names
 * are written without spaces, so the whole word rarely repeats while its characters do, and ICU's
 * Han-Latin reads each character alone and separates the syllables (金正恩 -> JIN ZHENG EN either
 * way: checked on the 39,699 Han runs of the Wikidata Chinese names). Kana and Thai need their
 * context (キャ -> KYA), so other words go whole. */
static bm_err icu_word(nm_normalizer *nz, const UChar *w, int32_t n, nm_name *out, uint8_t flags,
                       bool han, bm_diag *diag) {
  if (!han) return icu_chunk(nz, w, n, out, flags, diag);
  for (int32_t i = 0; i < n;) {
    int32_t start = i;
    UChar32 c;
    U16_NEXT(w, i, n, c);
    (void)c;
    bm_err err = icu_chunk(nz, w + start, i - start, out, flags, diag);
    if (err != BM_OK) return err;
  }
  return BM_OK;
}

/* The Doc 9303 transliteration of a word of Latin/Cyrillic/Greek letters into buf; false when
 * mrz_translit has no mapping for one of its characters. */
static bool translit_9303(nm_normalizer *nz, const UChar *w, int32_t n, char *buf, size_t cap,
                          size_t *len) {
  UErrorCode st = U_ZERO_ERROR;
  int32_t u8len = 0;
  u_strToUTF8(nz->utf8, (int32_t)sizeof nz->utf8, &u8len, w, n, &st);
  if (U_FAILURE(st) || u8len > MRZ_TRANSLIT_INPUT_BYTES_MAX) return false;
  return mrz_translit(nz->utf8, (size_t)u8len, buf, cap, len, NULL) == BM_OK && *len < cap;
}

static bm_err prepare_word(nm_normalizer *nz, const UChar *w, int32_t n, nm_name *out,
                           bm_diag *diag) {
  /* The scripts of the word's letters decide its route. */
  bool europe = true, abjad = false, han = true;
  for (int32_t i = 0; i < n;) {
    UChar32 c;
    U16_NEXT(w, i, n, c);
    if (!(U_GET_GC_MASK(c) & U_GC_L_MASK)) {
      han = false;
      continue;
    }
    nm_script sc = script_of(c);
    if (sc != NM_SCRIPT_HAN) han = false;
    if (sc == NM_SCRIPT_ARABIC || sc == NM_SCRIPT_HEBREW) abjad = true;
    if (sc != NM_SCRIPT_LATIN && sc != NM_SCRIPT_CYRILLIC && sc != NM_SCRIPT_GREEK &&
        sc != NM_SCRIPT_NONE)
      europe = false;
  }
  if (europe) {
    size_t len = 0, alt_len = 0;
    if (translit_9303(nz, w, n, nz->ascii, sizeof nz->ascii, &len)) {
      const char *alt = NULL;
      int32_t sn = short_variant(w, n, nz->word);
      if (sn >= 0 && translit_9303(nz, nz->word, sn, nz->ascii_alt, sizeof nz->ascii_alt, &alt_len))
        alt = nz->ascii_alt;
      push_runs(out, nz->ascii, len, alt, alt_len, 0);
      return BM_OK;
    }
  }
  return icu_word(nz, w, n, out, abjad ? NM_TOK_ABJAD : 0, han, diag);
}

static bm_err prepare_unicode(nm_normalizer *nz, const char *utf8, size_t len, nm_name *out,
                              bm_diag *diag) {
  size_t bad = 0;
  int32_t n = utf8_to_utf16((const unsigned char *)utf8, len, nz->text, NM_U16_UNITS_MAX, &bad);
  if (n < 0)
    return bm_diag_set(diag, BM_ERR_INVALID, "name", 0, (unsigned)bad + 1,
                       "malformed UTF-8 at byte %zu", bad + 1);
  UErrorCode st = U_ZERO_ERROR;
  int32_t m = unorm2_normalize(nz->nfkc_cf, nz->text, n, nz->norm, NM_U16_UNITS_MAX, &st);
  if (st == U_BUFFER_OVERFLOW_ERROR)
    return bm_diag_set(diag, BM_ERR_LIMIT, "name", 0, 0,
                       "name expands beyond %d UTF-16 units under NFKC", NM_U16_UNITS_MAX);
  if (U_FAILURE(st))
    return bm_diag_set(diag, BM_ERR_UNSUPPORTED, "name", 0, 0, "ICU normalisation failed: %s",
                       u_errorName(st));

  unsigned counts[NM_SCRIPT__COUNT] = {0};
  for (int32_t i = 0; i < m;) {
    UChar32 c;
    U16_NEXT(nz->norm, i, m, c);
    if (U_GET_GC_MASK(c) & U_GC_L_MASK) counts[script_of(c)]++;
  }
  out->script = NM_SCRIPT_NONE;
  for (int s = NM_SCRIPT_LATIN; s < NM_SCRIPT__COUNT; s++)
    if (counts[s] > counts[out->script]) out->script = (nm_script)s;

  for (int32_t i = 0; i < m;) {
    int32_t start = i, end = i;
    while (end < m) {
      UChar32 c;
      int32_t next = end;
      U16_NEXT(nz->norm, next, m, c);
      if (!is_word_char(c)) break;
      end = next;
    }
    if (end > start) {
      bm_err err = prepare_word(nz, nz->norm + start, end - start, out, diag);
      if (err != BM_OK) return err;
      i = end;
    } else {
      UChar32 c;
      U16_NEXT(nz->norm, i, m, c); /* a separator */
      (void)c;
    }
  }
  return BM_OK;
}

bm_err nm_prepare(nm_normalizer *nz, const char *utf8, size_t len, nm_name *out, bm_diag *diag) {
  if (nz == NULL || out == NULL || (utf8 == NULL && len > 0))
    return bm_diag_set(diag, BM_ERR_USAGE, NULL, 0, 0, "nm_prepare: NULL argument");
  out->script = NM_SCRIPT_NONE;
  out->ntokens = 0;
  out->ndropped = 0;
  if (len > NM_NAME_INPUT_BYTES_MAX)
    return bm_diag_set(diag, BM_ERR_LIMIT, "name", 0, 0, "name of %zu bytes exceeds %d", len,
                       NM_NAME_INPUT_BYTES_MAX);
  bool ascii = true;
  for (size_t i = 0; i < len; i++)
    if ((unsigned char)utf8[i] >= 0x80) {
      ascii = false;
      break;
    }
  if (ascii) {
    prepare_ascii(utf8, len, out);
  } else {
    bm_err err = prepare_unicode(nz, utf8, len, out, diag);
    if (err != BM_OK) {
      out->ntokens = 0;
      out->ndropped = 0;
      return err;
    }
  }
  finish_tokens(out);
  return BM_OK;
}

unsigned nm_name_toks(const nm_name *name, nm_tok *out, unsigned max) {
  unsigned n = 0;
  for (unsigned i = 0; i < name->ntokens && n < max; i++, n++) {
    const nm_token *t = &name->tokens[i];
    nm_tok *o = &out[n];
    o->s = t->text;
    o->len = t->len;
    o->alt = t->alt_len > 0 ? t->alt : NULL;
    o->alt_len = t->alt_len;
    size_t sk = strlen(t->skeleton);
    o->skeleton = sk > 0 ? t->skeleton : NULL;
    o->skeleton_len = (uint8_t)sk;
    o->dm[0] = t->dm[0];
    o->dm[1] = t->dm[1];
    o->flags = t->flags;
    o->weight = 1.0f;
  }
  return n;
}
