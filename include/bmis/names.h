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
 * NM_NAME_INPUT_BYTES_MAX. */
bm_err nm_prepare(nm_normalizer *nz, const char *utf8, size_t len, nm_name *out, bm_diag *diag);

/* ---- Phonetic and string building blocks ---- */

/* Double Metaphone (Lawrence Philips) of an upper-case ASCII token: codes of at most 4 characters.
 * alternate == primary when the word has no alternate. Buffers of at least 5 bytes. */
void nm_double_metaphone(const char *token, size_t len, char primary[5], char alternate[5]);
/* Packs a code of at most 4 characters into 32 bits (0 = empty), so codes compare as integers. */
uint32_t nm_dm_pack(const char *code);

/* Jaro-Winkler similarity in [0, 1] of two byte strings (prefix scale 0.1, up to 4). */
double nm_jaro_winkler(const char *a, size_t alen, const char *b, size_t blen);

/* Similarity in [0, 1] from an edit distance whose costs reflect name spelling: vowels, doubled
 * letters and common transliteration pairs (K/Q/C, V/W, Y/I/J, PH/F, KH/H ...) cost less. */
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
 * (may be NULL). Unmatched query tokens cost more than unmatched list tokens (a traveller's extra
 * middle name is common; a listed person's missing surname is not). A match carried only by tokens
 * of low weight (common names) or generic words stays well below any sensible threshold. */
float nm_similarity(const nm_tok *q, unsigned nq, const nm_tok *e, unsigned ne, nm_match *m);

/* Writes a short explanation of m such as "ERIKSSON=ERIKSON 0.97, ANNA=ANNA" into buf (like
 * snprintf: returns the length wanted). */
size_t nm_match_explain(const nm_match *m, const nm_tok *q, const nm_tok *e, char *buf, size_t cap);

#ifdef __cplusplus
}
#endif
#endif /* BMIS_NAMES_H */
