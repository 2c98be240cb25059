/* mrz.h - ICAO Doc 9303 machine readable zones: parse, validate, autocorrect, generate.
 *
 * Formats (Doc 9303 Parts 4-7):
 *   TD1   3 lines x 30  ID cards                    check digits: number, birth, expiry, composite
 *   TD2   2 lines x 36  ID cards, older passports   check digits: number, birth, expiry, composite
 *   TD3   2 lines x 44  passports                   check digits: number, birth, expiry, optional,
 * composite MRVA  2 lines x 44  visas, format A (line 1 starts with V)   number, birth, expiry (no
 * composite) MRVB  2 lines x 36  visas, format B (line 1 starts with V)   number, birth, expiry (no
 * composite) FRA_ID 2 lines x 36 pre-2021 French national identity card (not an ICAO format; starts
 * "IDFRA")
 *
 * mrz_parse() never allocates and never fails on bad content: every problem is recorded in the
 * mrz_doc as an mrz_error with the field, 1-based line and column, and a code. It only fails
 * (returns an error) when the input cannot be an MRZ at all (line count or line length match no
 * format; the mrz_doc then carries one MRZ_E_LENGTH or MRZ_E_FORMAT error and format
 * MRZ_FORMAT_UNKNOWN).
 *
 * Validation goes beyond check digits, because check digits have blind spots (characters whose
 * values are congruent mod 10 - '<',0,A,K,U or 1,B,L,V - cannot be told apart): every field is
 * checked for its character set, dates for calendar validity, sex for M/F/<, and state codes
 * against the full ICAO list.
 *
 * Autocorrection (MRZ_OPT_AUTOCORRECT) repairs the usual OCR confusions O/0, I/1, B/8, S/5, Z/2,
 * G/6 only inside fields protected by a check digit, and only when exactly one candidate repair
 * makes the field's charset and check digit valid. Each repaired character is reported as an
 * mrz_correction.
 *
 * Thread safety: all functions are reentrant; no global mutable state.
 */
#ifndef BMIS_MRZ_H
#define BMIS_MRZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bmis/base.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MRZ_LINES_MAX        3
#define MRZ_LINE_BYTES_MAX   44   /* longest MRZ line (TD3, MRV-A) */
#define MRZ_TEXT_BYTES_MAX   4096 /* mrz_parse_text refuses longer input: no real MRZ comes close */
#define MRZ_ERRORS_MAX       24   /* further errors are counted in nerrors_dropped */
#define MRZ_CORRECTIONS_MAX  24
#define MRZ_DOCNUM_BYTES_MAX 31 /* longest document number incl. TD1 continuation, without NUL */
#define MRZ_TEXT_ROW_BYTES   48 /* a line of mrz_doc.text: 44 characters, NUL, zero padding */

typedef enum mrz_format {
  MRZ_FORMAT_UNKNOWN = 0,
  MRZ_FORMAT_TD1,
  MRZ_FORMAT_TD2,
  MRZ_FORMAT_TD3,
  MRZ_FORMAT_MRVA,
  MRZ_FORMAT_MRVB,
  MRZ_FORMAT_FRA_ID
} mrz_format;

/* "TD1", "TD2", "TD3", "MRVA", "MRVB", "FRA_ID", "UNKNOWN". */
const char *mrz_format_name(mrz_format format);

/* The fields an error or correction can point at. */
typedef enum mrz_field {
  MRZ_FIELD_NONE = 0,
  MRZ_FIELD_DOCUMENT_CODE,
  MRZ_FIELD_ISSUING_STATE,
  MRZ_FIELD_NAME,
  MRZ_FIELD_DOCUMENT_NUMBER,
  MRZ_FIELD_DOCUMENT_NUMBER_CHECK,
  MRZ_FIELD_NATIONALITY,
  MRZ_FIELD_BIRTH_DATE,
  MRZ_FIELD_BIRTH_DATE_CHECK,
  MRZ_FIELD_SEX,
  MRZ_FIELD_EXPIRY_DATE,
  MRZ_FIELD_EXPIRY_DATE_CHECK,
  MRZ_FIELD_OPTIONAL_DATA,
  MRZ_FIELD_OPTIONAL_DATA_CHECK,
  MRZ_FIELD_OPTIONAL_DATA_2,
  MRZ_FIELD_COMPOSITE_CHECK,
  MRZ_FIELD_ISSUE_DATE, /* FRA_ID only */
  MRZ_FIELD_ADMIN_CODE, /* FRA_ID only */
  MRZ_FIELD_FILLER,     /* positions that must hold '<' */
  MRZ_FIELD__COUNT
} mrz_field;

/* snake_case name used in JSON output, e.g. "document_number", "birth_date". */
const char *mrz_field_name(mrz_field field);

/* Check digits, as bits in mrz_doc.checks_present / checks_ok. */
typedef enum mrz_check {
  MRZ_CHECK_DOCUMENT_NUMBER = 0,
  MRZ_CHECK_BIRTH_DATE,
  MRZ_CHECK_EXPIRY_DATE,
  MRZ_CHECK_OPTIONAL_DATA,
  MRZ_CHECK_COMPOSITE,
  MRZ_CHECK__COUNT
} mrz_check;

/* "document_number", "birth_date", "expiry_date", "optional_data", "composite". */
const char *mrz_check_name(mrz_check check);

typedef enum mrz_error_code {
  MRZ_E_LENGTH = 0, /* line count or line length */
  MRZ_E_CHARSET,    /* a character not allowed in the field */
  MRZ_E_CHECK_DIGIT,
  MRZ_E_DATE,
  MRZ_E_STATE, /* not an ICAO state, organisation or nationality code */
  MRZ_E_SEX,
  MRZ_E_FORMAT /* structure: unknown document code, misplaced fillers, empty name ... */
} mrz_error_code;

/* "length", "charset", "check_digit", "date", "state", "sex", "format". */
const char *mrz_error_code_name(mrz_error_code code);

typedef struct mrz_error {
  uint8_t field;  /* mrz_field */
  uint8_t code;   /* mrz_error_code */
  uint8_t line;   /* 1-based; 0 when the error concerns the whole input */
  uint8_t column; /* 1-based; 0 when the error concerns the whole input or a whole line */
  char found;     /* offending character (charset, check digit, sex), else 0 */
  char expected;  /* MRZ_E_CHECK_DIGIT: the computed digit; MRZ_E_LENGTH on line > 1: the length
                     of line 1 (as a number); else 0 */
  uint16_t extra; /* MRZ_E_LENGTH: the length of the line (line > 0) or the number of lines
                     (line == 0; MRZ_LENGTH_OVER_LIMIT when the text exceeds MRZ_TEXT_BYTES_MAX);
                     MRZ_E_FORMAT on the document code: the mrz_format; otherwise 0 */
} mrz_error;

#define MRZ_LENGTH_OVER_LIMIT 0xFFFFu

/* Writes a one-sentence English message for err into buf (always NUL-terminated when cap > 0) and
 * returns the length it wanted, like snprintf. */
size_t mrz_error_message(const mrz_error *err, char *buf, size_t cap);

typedef struct mrz_correction {
  uint8_t line;   /* 1-based */
  uint8_t column; /* 1-based */
  char from;      /* character in the input */
  char to;        /* character it was corrected to */
} mrz_correction;

/* A field's place in mrz_doc.text. len == 0 means the format has no such field. */
typedef struct mrz_span {
  uint8_t line; /* 0-based index into text */
  uint8_t off;  /* 0-based offset in the line */
  uint8_t len;
} mrz_span;

/* A date field as read. */
typedef struct mrz_date {
  bm_date date; /* valid calendar date with inferred century; year == 0 if not known or invalid */
  char raw[7];  /* the six MRZ characters, NUL-terminated */
  bool partial; /* true when some parts are unknown ('<'); date.year is then 0 */
} mrz_date;

typedef struct mrz_doc {
  mrz_format format;
  bool valid; /* no errors at all */
  uint8_t nlines;
  uint8_t line_len;
  /* The lines as parsed, after autocorrection, NUL-terminated and zero-padded to MRZ_TEXT_ROW_BYTES
   * (so the parser can classify a line with three aligned 16-byte loads). Spans below point here.
   */
  _Alignas(16) char text[MRZ_LINES_MAX][MRZ_TEXT_ROW_BYTES];

  mrz_span document_code; /* raw, may end in '<' */
  mrz_span issuing_state; /* raw 3 chars, e.g. "D<<" */
  mrz_span surname;       /* primary identifier, raw with fillers (see mrz_span_text) */
  mrz_span given_names;   /* secondary identifier, raw with fillers */
  mrz_span nationality;
  mrz_span optional_data;   /* after the document-number continuation, if any */
  mrz_span optional_data_2; /* TD1 line 2 */
  mrz_span issue_date;      /* FRA_ID: YYMM of issue */
  mrz_span admin_code;      /* FRA_ID: administrative office code */
  char document_number[MRZ_DOCNUM_BYTES_MAX + 1]; /* full number, fillers removed */
  bool long_document_number; /* number continued into the optional data (TD1/TD2) */
  mrz_date birth_date;
  mrz_date expiry_date;
  char sex; /* 'M', 'F' or 'X' (MRZ '<'); 0 when the character was invalid */

  uint8_t checks_present; /* bit (1u << mrz_check) set for each check digit the format has */
  uint8_t checks_ok;      /* bit set for each check digit that verified */

  uint8_t nerrors;
  uint8_t nerrors_dropped; /* errors beyond MRZ_ERRORS_MAX, counted only */
  mrz_error errors[MRZ_ERRORS_MAX];
  uint8_t ncorrections;
  mrz_correction corrections[MRZ_CORRECTIONS_MAX];
} mrz_doc;

enum {
  MRZ_OPT_AUTOCORRECT = 1u << 0, /* repair OCR confusions confirmed by check digits */
  MRZ_OPT_NO_NATIONAL = 1u << 1, /* do not recognise non-ICAO national formats (FRA_ID) */
};

typedef struct mrz_opts {
  unsigned flags; /* MRZ_OPT_* */
  /* Reference date for century inference; year == 0 means today (UTC). Birth dates are placed in
   * the century that puts them on or before this date; expiry dates in the window [today.year - 79,
   * today.year + 20]. Parsing many documents: set it once to avoid a clock call each. */
  bm_date today;
} mrz_opts;

/* Parse and validate one MRZ given as nlines separate lines (no terminators). Surrounding spaces,
 * '\r' and interior spaces are NOT stripped here (use mrz_parse_text for loosely formatted text).
 * opts may be NULL (no autocorrection, today's date).
 * Returns BM_OK when a format was recognised (check out->valid for the verdict), BM_ERR_INVALID
 * when the shape matches no format (out->format == MRZ_FORMAT_UNKNOWN, one error explains why),
 * BM_ERR_USAGE for NULL pointers. */
bm_err mrz_parse(const char *const *lines, const size_t *lens, size_t nlines, const mrz_opts *opts,
                 mrz_doc *out);

/* Parse one document written as text: lines separated by '\n' (optionally "\r\n") or by '|', with
 * spaces and tabs around each line ignored and empty lines skipped. Returns as mrz_parse;
 * BM_ERR_LIMIT when len > MRZ_TEXT_BYTES_MAX. */
bm_err mrz_parse_text(const char *text, size_t len, const mrz_opts *opts, mrz_doc *out);

/* Copy a name or data span out of doc as text: fillers become single spaces, leading and trailing
 * fillers are dropped. Writes at most cap-1 bytes plus NUL; returns the full length wanted. */
size_t mrz_span_text(const mrz_doc *doc, mrz_span span, char *buf, size_t cap);

/* Copy a span verbatim (with fillers). Same return convention. */
size_t mrz_span_raw(const mrz_doc *doc, mrz_span span, char *buf, size_t cap);

/* True when doc has a check digit of this kind, and whether it verified. */
static inline bool mrz_doc_has_check(const mrz_doc *doc, mrz_check c) {
  return (doc->checks_present >> c) & 1u;
}
static inline bool mrz_doc_check_ok(const mrz_doc *doc, mrz_check c) {
  return (doc->checks_ok >> c) & 1u;
}

/* ---- Building blocks, exposed for other modules and tests ---- */

/* Value of an MRZ character for check digits: '0'..'9' -> 0..9, 'A'..'Z' -> 10..35, '<' -> 0;
 * -1 for any other byte. */
int mrz_char_value(char c);

/* Check digit (0..9) over n characters with weights 7,3,1; -1 if a character is not an MRZ
 * character. */
int mrz_check_digit(const char *s, size_t n);

/* 1 if code (3 characters, '<'-padded, e.g. "D<<", "UTO", "XXA") is a valid ICAO Doc 9303 issuing
 * state or nationality code, else 0. */
int mrz_state_code_valid(const char code[3]);

/* ---- Generation ---- */

/* Fields in, MRZ out. Strings are UTF-8 and NUL-terminated; NULL or "" means empty/unknown.
 * Names are transliterated (mrz_translit) and truncated as Doc 9303 Part 3 prescribes when too
 * long. */
typedef struct mrz_fields {
  mrz_format format;           /* TD1, TD2, TD3, MRVA, MRVB */
  const char *document_code;   /* "P", "PO", "I", "ID", "AC", "V" ...; default per format */
  const char *issuing_state;   /* "UTO", "D" ... */
  const char *surname;         /* primary identifier, any script */
  const char *given_names;     /* secondary identifier, any script */
  const char *document_number; /* up to 9 characters, longer only for TD1/TD2 (continued) */
  const char *nationality;
  const char
      *birth_date; /* "YYYY-MM-DD", or six MRZ characters "YYMMDD" with '<' for unknown parts */
  const char *sex; /* "M", "F", "X" or "<" (X and unknown are written '<') */
  const char *expiry_date;     /* as birth_date */
  const char *optional_data;   /* MRZ characters (spaces become '<') */
  const char *optional_data_2; /* TD1 line 2 only */
} mrz_fields;

typedef struct mrz_lines {
  uint8_t nlines;
  uint8_t line_len;
  char line[MRZ_LINES_MAX][MRZ_LINE_BYTES_MAX + 1]; /* NUL-terminated */
  bool name_truncated;                              /* the name did not fit and was truncated */
} mrz_lines;

/* Generate the MRZ for f. Returns BM_OK; BM_ERR_INVALID with diag naming the field ("format",
 * "surname", "birth_date", ... as the keys of mrz_fields) when a value cannot be represented (bad
 * date, unknown format, document number too long, characters that cannot be transliterated, invalid
 * state code); BM_ERR_LIMIT when a name exceeds MRZ_TRANSLIT_INPUT_BYTES_MAX; BM_ERR_USAGE for NULL
 * f or out. Names that do not fit are truncated by the initials method of Doc 9303 Part 4 4.2.3
 * (details in src/doc/mrz_make.c) and out->name_truncated is set. */
bm_err mrz_make(const mrz_fields *f, mrz_lines *out, bm_diag *diag);

/* ---- Transliteration (Doc 9303 Part 3, section 6) ---- */

/* Transliterate a UTF-8 name into MRZ characters: upper-case A-Z, digits kept; spaces (including
 * the Unicode spaces), hyphens and dashes become '<'; apostrophes are dropped; other punctuation is
 * rejected. Latin letters with diacritics follow the Doc 9303 Part 3 recommended forms (Ä -> AE,
 * Ø -> OE, ß -> SS, Þ -> TH, other accents dropped); Cyrillic follows the Doc 9303 table. Doc 9303
 * has no Greek table: Greek follows ELOT 743 letter by letter, with OY -> OU (see
 * docs/transliteration.md). Decomposed (NFD) input gives the same result as precomposed. Runs of
 * '<' are collapsed and leading/trailing '<' removed. Writes at most cap-1 bytes plus NUL into out
 * and sets *out_len to the full length wanted. Returns BM_ERR_INVALID (diag->field "name",
 * diag->column = 1-based byte offset) for malformed UTF-8 or a character with no mapping (the
 * message names it as U+XXXX); BM_ERR_LIMIT when the input exceeds MRZ_TRANSLIT_INPUT_BYTES_MAX. */
#define MRZ_TRANSLIT_INPUT_BYTES_MAX 1024
bm_err mrz_translit(const char *utf8, size_t len, char *out, size_t cap, size_t *out_len,
                    bm_diag *diag);

#ifdef __cplusplus
}
#endif
#endif /* BMIS_MRZ_H */
