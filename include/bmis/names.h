/* names.h - person and entity names for watchlist screening: normalisation, tokens, phonetic keys,
 * similarity with explanations.
 *
 * A name arrives in any script ("Иван Петров", "ERIKSSON<<ANNA", "Abd al-Rahman", "金正恩").
 * nm_prepare turns it once into tokens of upper-case ASCII (ICU: NFKC, case folding, marks
 * stripped, script detected, `Any-Latin; Latin-ASCII` for non-Latin scripts, Doc 9303 Part 3
 * variants such as AE/A), with per-token flags (initial, particle, generic word), Double Metaphone
 * codes and a consonant skeleton for names of Arabic and Hebrew origin. The watchlist index does
 * this once per list name at load time and once per traveller at screening time.
 *
 * nm_similarity compares two token sequences: token-level Jaro-Winkler / weighted edit distance,
 * best pairing independent of order, adjacent tokens joined where that matches better (ABDUL RAHMAN
 * = ABDULRAHMAN), initials matching full tokens, asymmetric penalties for tokens left unmatched,
 * and rarity weights supplied by the caller so that common names and generic words cannot carry a
 * match alone. It fills an explanation that says which tokens matched which.
 *
 * Thread safety: an nm_normalizer holds ICU transliterators, which are not thread-safe: use one per
 * thread (nm_normalizer_new is cheap after the first). Everything else is reentrant.
 */
#ifndef BMIS_NAMES_H
#define BMIS_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bmis/base.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NM_NAME_INPUT_BYTES_MAX 1024 /* nm_prepare refuses longer input (BM_ERR_LIMIT) */
#define NM_TOKENS_MAX           16   /* tokens kept per name; further tokens are dropped, counted */
#define NM_TOKEN_BYTES_MAX      40   /* bytes per token incl. NUL; longer tokens are cut */
/* UTF-16 units of normalised or transliterated text per input byte that nm_prepare has room for. */
#define NM_NAME_EXPANSION_MAX 8

typedef enum nm_script {
  NM_SCRIPT_NONE = 0, /* no letters */
  NM_SCRIPT_LATIN,
  NM_SCRIPT_CYRILLIC,
  NM_SCRIPT_GREEK,
  NM_SCRIPT_ARABIC,
  NM_SCRIPT_HEBREW,
  NM_SCRIPT_HAN,
  NM_SCRIPT_HANGUL,
  NM_SCRIPT_KANA,
  NM_SCRIPT_ARMENIAN,
  NM_SCRIPT_GEORGIAN,
  NM_SCRIPT_OTHER,
  NM_SCRIPT__COUNT
} nm_script;

/* "latin", "cyrillic", ... */
const char *nm_script_name(nm_script script);

enum {
  NM_TOK_INITIAL = 1u << 0,  /* a single letter (or a letter followed by '.') */
  NM_TOK_PARTICLE = 1u << 1, /* AL, EL, BIN, IBN, ABU, VAN, DER, DE, DA, DOS, VON ... */
  NM_TOK_GENERIC = 1u << 2,  /* CORP, LTD, COMPANY, BANK, GROUP, TRADING ... (entity words) */
  NM_TOK_NUMBER = 1u << 3,   /* digits only */
  NM_TOK_ABJAD = 1u << 4,    /* transliterated from Arabic or Hebrew script: the vowels are missing
                                or guessed, so nm_similarity compares its skeleton */
  NM_TOK_PATRONYMIC = 1u << 5, /* -OVICH, -EVNA, -OVYCH, -OGLU ... (7+ letters): lists write it,
                                  passports often leave it out, so it weighs half */
};

typedef struct nm_token {
  char text[NM_TOKEN_BYTES_MAX]; /* A-Z 0-9 only, NUL-terminated */
  char alt[NM_TOKEN_BYTES_MAX];  /* Doc 9303 short variant (MUELLER -> MULLER for Ü), else "" */
  char skeleton[NM_TOKEN_BYTES_MAX]; /* consonant skeleton (MOHAMMED -> MHMD), "" if not useful */
  uint32_t dm[2];              /* Double Metaphone primary and alternate, packed (nm_dm_pack) */
  uint8_t len, alt_len, flags; /* NM_TOK_* */
} nm_token;

typedef struct nm_name {
  nm_script script; /* dominant script of the input */
  uint8_t ntokens;
  uint8_t ndropped; /* tokens beyond NM_TOKENS_MAX */
  nm_token tokens[NM_TOKENS_MAX];
} nm_name;

typedef struct nm_normalizer nm_normalizer;

/* A normalizer for one thread. Returns NULL and fills diag when ICU cannot open its
 * transliterators. */
nm_normalizer *nm_normalizer_new(bm_diag *diag);
void nm_normalizer_free(nm_normalizer *nz); /* accepts NULL */

/* Normalise and tokenise a UTF-8 name. MRZ fillers ('<') count as spaces, so "ERIKSSON<<ANNA<MARIA"
 * works. Returns BM_OK (out->ntokens may be 0 for a name without letters or digits), BM_ERR_INVALID
 * for malformed UTF-8 (diag->column = 1-based byte offset), BM_ERR_LIMIT over
 * NM_NAME_INPUT_BYTES_MAX (or, for text of compatibility characters such as U+FDFA that NFKC or
 * transliteration expands more than NM_NAME_EXPANSION_MAX times, beyond the normalizer's buffers),
 * BM_ERR_USAGE for NULL nz, out or (with len > 0) utf8. Never allocates.
 *
 * The rules, each with its reason, are in docs/names.md. In short: pure ASCII input takes a fast
 * path without ICU. Otherwise the text is NFKC-normalised and case-folded, the dominant script is
 * the script of most letters, and each word is transliterated: words in Latin, Cyrillic or Greek
 * letters by mrz_translit (the Doc 9303 forms a passport's MRZ shows: Ä -> AE, Ж -> ZH,
 * Х -> KH), with the Doc 9303 short variant in alt (MÜLLER: text MUELLER, alt MULLER), other words
 * (and the rare letters mrz_translit has no mapping for) by ICU "Any-Latin; Latin-ASCII", marks
 * stripped. Tokens split on spaces, '<', hyphens, commas, periods, slashes and any other
 * punctuation or symbol; apostrophes and modifier letters are removed (O'BRIEN -> OBRIEN). */
bm_err nm_prepare(nm_normalizer *nz, const char *utf8, size_t len, nm_name *out, bm_diag *diag);

/* ---- Phonetic and string building blocks ---- */

/* Double Metaphone (Lawrence Philips) of an upper-case ASCII token: codes of at most 4 characters.
 * alternate == primary when the word has no alternate. Buffers of at least 5 bytes. */
void nm_double_metaphone(const char *token, size_t len, char primary[5], char alternate[5]);
/* Packs a code of at most 4 characters into 32 bits (0 = empty), so codes compare as integers. */
uint32_t nm_dm_pack(const char *code);

/* Consonant skeleton of an upper-case A-Z token for names of Arabic and Hebrew origin: vowels
 * dropped, Y/W/V dropped except word-initially before a vowel, H dropped after K/S/T/D/G/C/P/Z and
 * at the end, C -> K (CH -> S), Q -> K, PH -> F, P -> B, X -> KS, doubled consonants collapsed.
 * MOHAMMED, MUHAMMAD, MOHAMAD and MHMD all give MHMD; HUSSEIN and HUSAYN give HSN. Writes at most
 * cap-1 bytes plus NUL (when cap > 0) and returns the skeleton's length (never more than
 * NM_TOKEN_BYTES_MAX-1); 0 ("" = not useful) for a token with digits or other bytes outside A-Z or
 * without consonants. */
size_t nm_skeleton(const char *token, size_t len, char *out, size_t cap);

/* Jaro-Winkler similarity in [0, 1] of two byte strings (prefix scale 0.1, up to 4; the prefix
 * boost applies at every Jaro value). Two empty strings give 1, one empty string 0. */
double nm_jaro_winkler(const char *a, size_t alen, const char *b, size_t blen);

/* Similarity in [0, 1] from an edit distance whose costs reflect name spelling: vowels, doubled
 * letters and common transliteration pairs (K/Q/C, V/W, Y/I/J, PH/F, KH/H ...) cost less.
 * 1 - distance / (longer length), an ordinary edit costing 1; two empty strings give 1, one empty
 * string 0. Strings are compared on their first 256 bytes (as are nm_jaro_winkler's). */
double nm_edit_similarity(const char *a, size_t alen, const char *b, size_t blen);

/* ---- Comparing names ---- */

/* A token as compared: views into memory the caller owns (an nm_name, or the index's string pool).
 */
typedef struct nm_tok {
  const char *s;        /* A-Z 0-9 */
  const char *alt;      /* Doc 9303 short variant or NULL */
  const char *skeleton; /* or NULL */
  uint32_t dm[2];       /* packed Double Metaphone codes */
  uint8_t len, alt_len, skeleton_len, flags;
  float weight; /* rarity weight > 0: about 1 for a rare token, small for MOHAMMED or CORP */
} nm_tok;

/* Fills views of name's tokens into out (at most max), each with weight 1; returns how many. */
unsigned nm_name_toks(const nm_name *name, nm_tok *out, unsigned max);

/* One query token and the list tokens it was paired with. */
typedef struct nm_pair {
  uint8_t q, q_count; /* query tokens q .. q+q_count-1 (more than one when joined) */
  uint8_t e, e_count; /* list tokens */
  float score;        /* similarity of the pair, [0, 1] */
  uint8_t how;        /* NM_HOW_* */
} nm_pair;

enum {
  NM_HOW_EXACT = 0, /* identical text (or Doc 9303 variant) */
  NM_HOW_FUZZY,     /* string similarity */
  NM_HOW_PHONETIC,  /* same Double Metaphone code */
  NM_HOW_SKELETON,  /* same consonant skeleton */
  NM_HOW_INITIAL,   /* an initial against a token starting with it */
  NM_HOW_JOINED,    /* adjacent tokens joined on one side */
};

typedef struct nm_match {
  float score; /* overall name similarity in [0, 1] */
  uint8_t npairs;
  nm_pair pairs[NM_TOKENS_MAX];
  uint8_t q_unmatched, e_unmatched; /* tokens left without a partner on each side */
} nm_match;

/* Similarity of a query name (a traveller) and a list name, in [0, 1], with the explanation in m
 * (may be NULL). Unmatched query tokens cost more than unmatched list tokens: list entries carry
 * full names with patronymics, lineage and tribal names that a passport leaves out, while a
 * traveller's token that nothing on the list explains is evidence of another person. A match
 * carried only by tokens of low weight (common names) or generic words stays well below any
 * sensible threshold, and a match that rests on a single token while other tokens stay unmatched is
 * capped below WL_DEFAULT_THRESHOLD (a one-token list name scores high only against the same
 * single token).
 *
 * At most NM_TOKENS_MAX tokens of each side are read. Never allocates, no ICU, no global state.
 * Pair scores: 1 for equal text or Doc 9303 variant; an initial against a token it starts; else a
 * weighted edit similarity blended with Jaro-Winkler, raised a little when Double Metaphone codes
 * or skeletons agree, and 0 below a cut-off; tokens of NM_TOK_ABJAD compare by skeleton. Adjacent
 * tokens of one side may pair as one (ABDUL RAHMAN = ABDULRAHMAN). Exact pairs are taken first,
 * then the others greedily, best score first. The constants and why are in docs/names.md and
 * src/names/nm_sim.c. Tokens built by hand must have len, alt_len and skeleton_len equal to the
 * lengths of s, alt and skeleton, and the flags nm_prepare gave them. */
float nm_similarity(const nm_tok *q, unsigned nq, const nm_tok *e, unsigned ne, nm_match *m);

/* nm_similarity(a, 1, b, 1, NULL), the same value bit for bit, without the pairing machinery a
 * single pair does not need: for finding the partners of a token among a large vocabulary, where
 * nm_similarity's setup would cost more than the comparison. 0 when a or b is NULL. */
float nm_pair_similarity(const nm_tok *a, const nm_tok *b);

/* Writes a short explanation of m such as "ERIKSSON=ERIKSON 0.97, ANNA=ANNA" into buf (like
 * snprintf: returns the length wanted; buf may be NULL when cap is 0). Pairs in query order, joined
 * tokens with '+', the score omitted for exact pairs, " phonetic", " skeleton", " initial" or
 * " joined" after pairs made that way, then "; query only: ..." and "; list only: ..." for the
 * unmatched tokens: "MOHAMMED=MOHAMMED; query only: ALI; list only: KHAN". m must come from
 * nm_similarity with the same q and e. */
size_t nm_match_explain(const nm_match *m, const nm_tok *q, const nm_tok *e, char *buf, size_t cap);

#ifdef __cplusplus
}
#endif
#endif /* BMIS_NAMES_H */
