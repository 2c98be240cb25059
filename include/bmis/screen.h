/* screen.h - screening travellers against watchlists.
 *
 * wl_index_build reads one or more loaded lists once and builds an immutable index shared by all
 * threads:
 *   - the person lane: every name of every person/entity entry normalised (names.h) into an
 *     interned token vocabulary with rarity weights for nm_similarity; fuzzy keys (exact text,
 *     one-deletion neighbourhood, Double Metaphone, consonant skeleton, a coarse sound key,
 *     3-grams) lead from a query token to the vocabulary tokens it may pair with, with a
 *     document-frequency cut-off; postings lead from rare tokens to names and from pairs of
 *     frequent tokens to names, so a query touches hundreds of names, not a million;
 *   - the document lane: a hash of (document number normalised for MRZ confusables O/0, I/1, S/5,
 *     B/8, Z/2, G/6 and stripped of separators, issuing country) to entries. An exact document
 * match is a hit by itself.
 *
 * wl_screen scores the candidates of one traveller: name similarity (best name of the entry),
 * adjusted by evidence - date of birth (exact, year only, ranges, day/month swapped, +-1 year),
 * sex, nationality, and documents (a different document of the same type and country lowers the
 * score) - and returns hits at or above the threshold, best first, each with human-readable reasons
 * (DESIGN.md 5.2). Hits a disposition marks as a verified false hit for this traveller are left
 * out.
 *
 * Which names are scored does not depend on the threshold (only which hits are returned does):
 * screening at 0.9 returns exactly the hits at or above 0.9 of a screening at 0.7. Names whose
 * estimated score stays below about 0.65 are not scored at all, so thresholds below that are not
 * supported (their hits may be incomplete). docs/screening.md describes the method and constants.
 *
 * Thread safety: a wl_index is read-only after build (its only mutable part, a pool of scratches
 * for wl_screen_batch, is guarded); each thread screens with its own wl_scratch.
 * wl_screen_batch spreads a batch over threads itself.
 */
#ifndef BMIS_SCREEN_H
#define BMIS_SCREEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bmis/base.h"
#include "bmis/watchlist.h"

#ifdef __cplusplus
extern "C" {
#endif

#define WL_DEFAULT_THRESHOLD 0.83f /* calibrated default: see docs/screening.md */
#define WL_DEFAULT_LIMIT     10
#define WL_REASONS_MAX       8
#define WL_REASON_BYTES_MAX  160
#define WL_HITS_MAX          100 /* hits returned per traveller at most */

typedef struct wl_index wl_index;

typedef struct wl_index_opts {
  unsigned threads; /* threads used to build; 0 = all cores */
} wl_index_opts;

/* Build the index over lists (which must outlive the index). opts may be NULL. */
bm_err wl_index_build(wl_list *const *lists, size_t nlists, const wl_index_opts *opts,
                      wl_index **out, bm_diag *diag);
void wl_index_free(wl_index *index); /* accepts NULL */

typedef struct wl_index_stats {
  size_t lists, entries, persons, entities, documents_entries;
  size_t names, tokens_distinct, documents;
  size_t scripts[16]; /* names per nm_script */
  size_t memory_bytes;
  double build_seconds;
} wl_index_stats;
void wl_index_stats_get(const wl_index *index, wl_index_stats *out);

/* A traveller. Strings are UTF-8, NULL when unknown. */
typedef struct wl_query {
  const char *id;
  const char *name; /* full name, or NULL when surname/given_names are given */
  const char *surname;
  const char *given_names;
  wl_date birth;           /* year 0 = unknown; month/day 0 = unknown (year-only queries) */
  const char *nationality; /* alpha-3 */
  char sex;                /* 'M', 'F' or 0 */
  const char *document_number;
  const char *document_country; /* alpha-3 */
  const char *document_type;    /* "P", "ID" ... or NULL */
} wl_query;

typedef struct wl_hit {
  const char *list; /* list name */
  const wl_entry *entry;
  float score;         /* final score in [0, 1] */
  float name_score;    /* name similarity before evidence */
  uint32_t name_index; /* which of entry->names matched best */
  bool document_match; /* the document lane matched */
  uint8_t nreasons;
  char reasons[WL_REASONS_MAX][WL_REASON_BYTES_MAX]; /* "name 0.95: ERIKSSON=ERIKSON, ANNA=ANNA",
                                                        "birth_date exact", "nationality differs" */
} wl_hit;

/* Verified false hits: (traveller, list, entry) triples an officer has dismissed. */
typedef struct wl_dispositions wl_dispositions;
wl_dispositions *wl_dispositions_new(void);
void wl_dispositions_free(wl_dispositions *d); /* accepts NULL */
/* traveller_key: from wl_traveller_key. Returns BM_OK or BM_ERR_NOMEM. */
bm_err wl_dispositions_add(wl_dispositions *d, const char *traveller_key, const char *list,
                           const char *entry_id);
bool wl_dispositions_has(const wl_dispositions *d, const char *traveller_key, const char *list,
                         const char *entry_id);

/* A stable key for a traveller's identity: normalised name tokens, birth date, and document
 * (country + normalised number) when known. Same person, same key, however the name was spelt in
 * the MRZ or typed. Writes at most cap bytes incl. NUL; returns the length wanted. */
#define WL_TRAVELLER_KEY_BYTES_MAX 256
size_t wl_traveller_key(const wl_query *q, char *out, size_t cap);

typedef struct wl_screen_opts {
  float threshold;                     /* 0 = WL_DEFAULT_THRESHOLD; below ~0.65 unsupported */
  unsigned limit;                      /* 0 = WL_DEFAULT_LIMIT; at most WL_HITS_MAX */
  const wl_dispositions *dispositions; /* or NULL */
} wl_screen_opts;

/* Per-thread workspace (normalizer, candidate buffers). */
typedef struct wl_scratch wl_scratch;
wl_scratch *wl_scratch_new(const wl_index *index, bm_diag *diag);
void wl_scratch_free(wl_scratch *s); /* accepts NULL */

/* Screen one traveller. hits must hold at least opts->limit entries. Returns BM_OK (*nhits may be
 * 0), BM_ERR_INVALID when the query has neither a usable name nor a document (diag says which
 * field). */
bm_err wl_screen(const wl_index *index, wl_scratch *scratch, const wl_query *q,
                 const wl_screen_opts *opts, wl_hit *hits, unsigned *nhits, bm_diag *diag);

/* Screen n travellers with `threads` threads (0 = all cores). hits: n * limit slots, nhits: n
 * counts, errs: n codes (may be NULL). Results are in query order. */
bm_err wl_screen_batch(const wl_index *index, const wl_query *qs, size_t n,
                       const wl_screen_opts *opts, unsigned threads, wl_hit *hits, unsigned *nhits,
                       bm_err *errs);

/* Normalise a document number as the document lane does (upper case, separators dropped, MRZ
 * confusables folded: O->0, I->1, S->5, B->8, Z->2, G->6). Returns the length written (< cap). */
size_t wl_document_key(const char *number, char *out, size_t cap);

/* ---- Travellers as JSON (the `bmis screen` query lines, DESIGN.md 5.2) ----
 *
 * One JSON object: {"id","name","surname","given_names","birth_date","nationality","sex",
 * "document_number","document_country","document_type"}, every key optional and null allowed, but
 * a name (name, or surname and/or given_names) or a document_number is required. id: a string or an
 * integer. birth_date: "YYYY", "YYYY-MM" or "YYYY-MM-DD". nationality, document_country: alpha-3
 * (alpha-2 in capitals and English names are accepted and normalised, as the list loaders do). sex:
 * "M", "F" or "X" (unknown; "male"/"female" too). Unknown keys are ignored (the format may grow).
 * Bounds: id WL_ID_BYTES_MAX bytes, names NM_NAME_INPUT_BYTES_MAX, document number
 * WL_DOC_NUMBER_BYTES_MAX - 1, type 15. */
#define WL_QUERY_JSON_BYTES_MAX (64u << 10) /* one query line */
#define WL_QUERY_STORE_BYTES    4096        /* the decoded strings of one query */

typedef struct wl_query_json {
  wl_query q; /* strings point into store (or are static country codes) */
  char store[WL_QUERY_STORE_BYTES];
} wl_query_json;

/* Decode one query. Returns BM_OK, BM_ERR_INVALID (diag: field, and for JSON syntax the column;
 * the message says what is wrong), BM_ERR_LIMIT (a field or the line over its bound). On error
 * out->q.id is still set when the object's id could be read (so a report can name the query),
 * else NULL. */
bm_err wl_query_from_json(const char *json, size_t len, wl_query_json *out, bm_diag *diag);

#ifdef __cplusplus
}
#endif
#endif /* BMIS_SCREEN_H */
