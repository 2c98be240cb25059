/* watchlist.h - watchlists in memory and their loaders.
 *
 * A watchlist is a named set of entries: persons and entities (national alerts, UN and OFAC
 * sanctions) and lost or stolen travel documents (entries of kind WL_KIND_DOCUMENT, which carry
 * documents only). Formats, detected from the file's content (DESIGN.md 5.2):
 *   - openbmis JSON Lines: one entry per line,
 *     {"id","kind","names":[...],"birth_dates":["1970-01-02","1971","1970/1972"],"nationalities":[...],
 *      "sex","documents":[{"type","number","country"}],"category","notes"};
 *   - OFAC SDN CSV (sdn.csv; alt.csv in the same folder is read as aliases, add.csv is not needed);
 *   - UN Security Council consolidated list XML (individuals and entities, aliases, original-script
 *     names, dates of birth incl. years and ranges, nationalities, identity documents).
 *
 * Loading never stops at a bad record: the record is skipped and reported (file, line, field,
 * reason) in the wl_load_report, and everything else is kept. Only an unreadable file or an
 * unrecognised format fails the load. Country names and codes are normalised to ICAO/ISO alpha-3
 * where they can be.
 *
 * A loaded list is immutable; all its strings live in the list's own arena and stay valid until
 * wl_list_free. It may be read from many threads.
 */
#ifndef BMIS_WATCHLIST_H
#define BMIS_WATCHLIST_H

#include <stddef.h>
#include <stdint.h>

#include "bmis/base.h"

#ifdef __cplusplus
extern "C" {
#endif

#define WL_FILE_BYTES_MAX       (512u << 20) /* a list file larger than this is refused */
#define WL_LINE_BYTES_MAX       (1u << 20)   /* one JSON Lines record */
#define WL_NAMES_MAX            256          /* names (primary + aliases) kept per entry */
#define WL_REPORT_ISSUES_MAX    100          /* issues kept in a report; more are counted only */
#define WL_NAME_BYTES_MAX       1024         /* one name; longer names are reported and dropped */
#define WL_ID_BYTES_MAX         256          /* one entry id; longer ids make the record unusable */
#define WL_NOTES_BYTES_MAX      2048         /* notes are cut to this (at a UTF-8 boundary) */
#define WL_DATES_MAX            64           /* birth dates kept per entry */
#define WL_NATIONALITIES_MAX    32           /* nationalities kept per entry */
#define WL_DOCUMENTS_MAX        64           /* documents kept per entry */
#define WL_DOC_NUMBER_BYTES_MAX 64           /* one document number */

typedef enum wl_kind {
  WL_KIND_PERSON = 0,
  WL_KIND_ENTITY,   /* companies, organisations */
  WL_KIND_DOCUMENT, /* a lost/stolen document: documents only, no names */
  WL_KIND_OTHER     /* vessels, aircraft: kept, never matched against travellers */
} wl_kind;

const char *wl_kind_name(wl_kind kind); /* "person", "entity", "document", "other" */

/* A date of birth as lists give it: full, year-month, year only, or a range of years. */
typedef struct wl_date {
  int16_t year;    /* first year */
  int16_t year_to; /* last year of a range; == year when not a range */
  uint8_t month;   /* 0 when unknown */
  uint8_t day;     /* 0 when unknown */
} wl_date;

typedef struct wl_document {
  const char *type;    /* "P" passport, "ID", ... or "" when the list does not say */
  const char *number;  /* as listed */
  const char *country; /* alpha-3 (ICAO), or "" */
} wl_document;

typedef struct wl_entry {
  const char *id; /* the source's own identifier: OFAC ent_num, UN REFERENCE_NUMBER, JSONL id */
  wl_kind kind;
  const char **names; /* names[0] is the primary name; aliases and original-script names follow */
  uint32_t nnames;
  const wl_date *birth_dates;
  uint32_t nbirth_dates;
  const char **nationalities; /* alpha-3 */
  uint32_t nnationalities;
  char sex; /* 'M', 'F', or 0 when unknown */
  const wl_document *documents;
  uint32_t ndocuments;
  const char *category; /* JSONL category, OFAC program, UN list type; "" if none */
  const char *notes;    /* "" if none */
  uint32_t source_line; /* line (CSV/JSONL) or element line (XML) where the entry starts */
  /* Per name (same index as names): WL_NAME_* bits, or NULL when no name has any bit set. */
  const uint8_t *name_flags;
} wl_entry;

#define WL_NAME_LOW_QUALITY     1u /* the list marks the alias low quality (UN "Low", weak a.k.a.) */
#define WL_NAME_ORIGINAL_SCRIPT 2u /* the list gives it as the name in its original script */

typedef struct wl_list wl_list;

typedef enum wl_format {
  WL_FORMAT_AUTO = 0,
  WL_FORMAT_JSONL,
  WL_FORMAT_OFAC_SDN,
  WL_FORMAT_UN_XML
} wl_format;

const char *wl_format_name(wl_format format); /* "jsonl", "ofac-sdn", "un-xml" */

/* One problem found while loading. */
typedef struct wl_issue {
  char file[256];
  unsigned line;  /* 1-based, 0 when unknown */
  char field[48]; /* e.g. "birth_dates[1]", "SDN_Name", "DATE_OF_BIRTH" */
  char message[200];
} wl_issue;

typedef struct wl_load_report {
  wl_format format; /* what was detected */
  size_t records;   /* records seen */
  size_t loaded;    /* entries kept */
  size_t skipped;   /* records dropped because unusable */
  size_t nissues;   /* issues found (may exceed WL_REPORT_ISSUES_MAX) */
  wl_issue issues[WL_REPORT_ISSUES_MAX];
  double seconds; /* wall time of the load */
} wl_load_report;

/* Load a list file. name: the list's name (DESIGN 5.2: defaults to the file name without extension
 * when NULL). format: WL_FORMAT_AUTO to detect. report may be NULL. Returns BM_OK when the file was
 * read (check report for skipped records); BM_ERR_IO (diag names the file and errno's text),
 * BM_ERR_UNSUPPORTED (content not recognised), BM_ERR_LIMIT (file too large), BM_ERR_NOMEM. */
bm_err wl_list_load(const char *path, const char *name, wl_format format, wl_list **out,
                    wl_load_report *report, bm_diag *diag);

/* The same from memory, for tests and fuzzing (alt_csv: the OFAC alias file's content, or NULL). */
bm_err wl_list_load_mem(const char *data, size_t len, const char *alt_csv, size_t alt_len,
                        const char *name, wl_format format, wl_list **out, wl_load_report *report,
                        bm_diag *diag);

void wl_list_free(wl_list *list); /* accepts NULL */

const char *wl_list_name(const wl_list *list);
size_t wl_list_count(const wl_list *list);
const wl_entry *wl_list_entry(const wl_list *list, size_t i);
size_t wl_list_memory(const wl_list *list); /* bytes held by the list */

/* Parse one list date ("1970-01-02", "1970-01", "1970", "1970/1972", "1970-1972", "02 Jan 1970",
 * "circa 1970"). Returns 0 on success, -1 when not a date. */
int wl_date_parse(const char *s, size_t len, wl_date *out);

/* Normalise a country given as alpha-3, alpha-2 or English name ("Iran (Islamic Republic of)",
 * "Russian Federation") to its alpha-3 code; NULL when unknown. */
const char *wl_country_code(const char *s, size_t len);

/* Internal to src/screen/wl_*.c (the loaders' shared entry builder); not for other modules.
 *
 * A wl__loader collects one list: the format parsers call rec_begin, then the rec_ setters for the
 * record's fields, then rec_commit (which checks the record is usable and keeps or skips it).
 * Strings are copied into the list's arena (names and notes are checked for UTF-8, and bytes that
 * are not UTF-8 are read as Latin-1 and reported). Problems go to the report via wl__issue. */
typedef struct wl__loader wl__loader;

wl__loader *wl__loader_new(const char *name, wl_format format, wl_load_report *report);
void wl__loader_free(wl__loader *ld); /* accepts NULL; frees the unfinished list too */
/* Hand over the list (ld is freed). Returns BM_ERR_NOMEM when any allocation failed on the way. */
bm_err wl__loader_finish(wl__loader *ld, wl_list **out);
void wl__loader_set_file(wl__loader *ld, const char *file); /* file named in issues from now on */
void wl__issue(wl__loader *ld, unsigned line, const char *field, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
int wl__loader_nomem(const wl__loader *ld); /* 1 once an allocation failed */

void wl__rec_begin(wl__loader *ld, unsigned line);
unsigned wl__rec_line(const wl__loader *ld);
void wl__rec_id(wl__loader *ld, const char *s, size_t len);
void wl__rec_kind(wl__loader *ld, wl_kind kind);
/* Adds a name (trimmed, whitespace runs folded to one space; duplicates ignored). Returns 0 when
 * kept or a duplicate, -1 when dropped (empty, too long, too many: reported under field). */
int wl__rec_name(wl__loader *ld, const char *s, size_t len, unsigned flags, unsigned line,
                 const char *field);
void wl__rec_date(wl__loader *ld, const wl_date *d);
void wl__rec_nationality(wl__loader *ld, const char *alpha3); /* a static code string */
void wl__rec_sex(wl__loader *ld, char sex);
/* type: static or interned; number as listed (trimmed); country: static alpha-3 or "". */
void wl__rec_document(wl__loader *ld, const char *type, const char *number, size_t len,
                      const char *country, unsigned line, const char *field);
void wl__rec_category(wl__loader *ld, const char *s, size_t len);
void wl__rec_notes(wl__loader *ld, const char *s, size_t len);
/* Keep the record when usable (an id, and a name or a document), else skip it with an issue.
 * Returns 1 kept, 0 skipped. */
int wl__rec_commit(wl__loader *ld);
/* Drop the record under construction (counted as skipped); the reason is reported by the caller. */
void wl__rec_discard(wl__loader *ld);
/* Intern a short string (document types, categories) in the list's arena; NULL on no memory. */
const char *wl__intern(wl__loader *ld, const char *s, size_t len);

/* The parsers. They report into ld and return BM_OK, or BM_ERR_NOMEM. fast: 1 lets clean JSON
 * Lines records bypass jansson (same result, several times faster); 0 sends every line through
 * jansson (tests and fuzzing compare the two). */
bm_err wl__load_jsonl(wl__loader *ld, const char *data, size_t len, int fast);
bm_err wl__load_ofac(wl__loader *ld, const char *data, size_t len, const char *alt, size_t alt_len,
                     const char *file, const char *alt_file);
bm_err wl__load_un(wl__loader *ld, const char *data, size_t len);
/* Format of a file's content, WL_FORMAT_AUTO when not recognised. */
wl_format wl__detect(const char *data, size_t len);

#ifdef __cplusplus
}
#endif
#endif /* BMIS_WATCHLIST_H */
