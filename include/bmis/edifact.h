/* edifact.h - a pull reader of UN/EDIFACT interchanges (ISO 9735 syntax versions 3 and 4), the
 * layer under PAXLST (paxlst.h) and, later, PNRGOV and CUSRES.
 *
 * The reader walks a caller-owned buffer one segment at a time and never copies: tags, elements
 * and components are slices into the input, still escaped. edi_unescape() turns one of them into
 * text (release characters removed, Latin-1 converted to UTF-8) in a caller buffer.
 *
 * What it handles: the UNA service string advice (any separators), the release character
 * (including a released release before a terminator, "??'"), the syntax-4 repetition separator,
 * UNB/UNZ interchanges (several per input, junk between them skipped with a warning), UNG/UNE
 * groups, UNH/UNT messages (segment counts and references checked), the UNOA, UNOB, UNOC, UNOY and
 * UNOW character sets, a UTF-8 byte order mark, and CR/LF, spaces and tabs around segments.
 *
 * Strict and lenient: every deviation from the syntax is reported through the caller's diagnostic
 * callback with the 1-based segment number and the tag. In lenient mode (the default, for
 * ingestion) deviations are warnings and the reader carries on with the obvious repair; with
 * EDI_OPT_STRICT the same deviations are errors (the reader still carries on, so every deviation
 * of a file is reported in one pass). Exceeding a limit below is always an error.
 *
 * Segment numbers count every segment of the input from 1, the UNA service string advice
 * included, so a number points at the same place whatever the message or interchange.
 *
 * Thread safety: a reader is used by one thread at a time; there is no global state.
 */
#ifndef BMIS_EDIFACT_H
#define BMIS_EDIFACT_H

#include <stdbool.h>
#include <stddef.h>

#include "bmis/base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes of one segment, tag included, terminator excluded. Longer segments are skipped. */
#define EDI_SEGMENT_BYTES_MAX 8192
/* Data elements per segment (after the tag); further elements are ignored with an error. */
#define EDI_ELEMENTS_MAX 64
/* Components per data element; further components are ignored with an error. */
#define EDI_COMPONENTS_MAX 32
/* Bytes of input one reader accepts (a PAXLST of 99,999 persons is about 30 MB). */
#define EDI_INPUT_BYTES_MAX ((size_t)1 << 30)
/* Bytes of a diagnostic message, NUL included (same as bm_diag's). */
#define EDI_DIAG_MESSAGE_BYTES_MAX BM_DIAG_MESSAGE_BYTES_MAX

/* edi_opts.flags */
#define EDI_OPT_STRICT 1u /* deviations are errors instead of warnings */

typedef enum edi_severity { EDI_WARNING = 1, EDI_ERROR = 2 } edi_severity;

/* What a diagnostic is about. Stable names (edi_code_name) appear in JSON and docs/edifact.md. */
typedef enum edi_code {
  EDI_C_UNA = 0,      /* "una": malformed service string advice, defaults used */
  EDI_C_JUNK,         /* "junk": bytes that are no segment, skipped */
  EDI_C_WHITESPACE,   /* "whitespace": spaces or tabs around a segment (CR/LF are accepted) */
  EDI_C_TAG,          /* "tag": malformed segment tag */
  EDI_C_CHARSET,      /* "charset": character outside the declared character set */
  EDI_C_RELEASE,      /* "release": release character before an ordinary character or at end */
  EDI_C_ENVELOPE,     /* "envelope": missing or misplaced UNB/UNZ/UNG/UNE/UNH/UNT */
  EDI_C_COUNT,        /* "count": a trailer's count disagrees with what was read */
  EDI_C_REFERENCE,    /* "reference": a trailer's reference differs from its header's */
  EDI_C_SYNTAX,       /* "syntax": unknown syntax identifier or version */
  EDI_C_UNTERMINATED, /* "unterminated": the last segment has no terminator */
  EDI_C_LIMIT,        /* "limit": a limit above was exceeded (always an error) */
  EDI_C_CONTENT,      /* "content": a message-level problem (raised by paxlst_ and others) */
  EDI_C__COUNT
} edi_code;

/* "una", "junk", ... as in the comments above; never NULL ("?" for an unknown value). */
const char *edi_code_name(edi_code code);

/* One diagnostic. d.segment is the 1-based segment number (0 for the end of the input), d.field
 * may name a field (paxlst_ fills it), d.message is one English sentence. */
typedef struct edi_diag {
  edi_severity severity;
  edi_code code;
  char tag[4]; /* the segment's tag, NUL-terminated; "" when there is none */
  bm_diag d;
} edi_diag;

/* Called for every diagnostic, synchronously from edi_reader_next. d is valid during the call. */
typedef void (*edi_diag_fn)(void *ctx, const edi_diag *d);

typedef struct edi_opts {
  unsigned flags;      /* EDI_OPT_* */
  edi_diag_fn on_diag; /* may be NULL: diagnostics are then only counted */
  void *ctx;
} edi_opts;

/* The six service characters. repetition is 0 when there is none (syntax 3: the reserved space). */
typedef struct edi_seps {
  char component, element, decimal, release, repetition, terminator;
} edi_seps;

typedef enum edi_charset {
  EDI_CHARSET_UNKNOWN = 0, /* not declared or not one of the below: read as UNOB */
  EDI_CHARSET_UNOA,        /* upper case ASCII subset */
  EDI_CHARSET_UNOB,        /* printable ASCII */
  EDI_CHARSET_UNOC,        /* ISO 8859-1 */
  EDI_CHARSET_UNOY,        /* ISO 10646, read as UTF-8 */
  EDI_CHARSET_UNOW,        /* UTF-8 */
} edi_charset;

/* One segment, borrowed from the input. Slices stay valid as long as the input buffer. */
typedef struct edi_segment {
  char tag[4];                         /* NUL-terminated, e.g. "NAD" */
  bm_slice raw;                        /* the whole segment, tag included, terminator excluded */
  unsigned index;                      /* 1-based segment number in the input */
  size_t offset;                       /* byte offset of raw.ptr in the input */
  bool in_message;                     /* between UNH and UNT (UNH and UNT themselves included) */
  unsigned nelements;                  /* data elements after the tag */
  bm_slice elements[EDI_ELEMENTS_MAX]; /* escaped */
  edi_seps seps;                       /* in force for this segment */
  edi_charset charset;                 /* declared by the interchange */
  /* Internal (set by edi_reader_next; 0 means "not known", so a zeroed segment is valid): bit
   * e - 1 of edi__simple is set when element e holds no component, repetition or release
   * character; edi__ascii when every data byte of the segment is printable ASCII (0x20-0x7E) and
   * none is the release character, so its slices are their own text. */
  unsigned long long edi__simple;
  bool edi__ascii;
} edi_segment;

/* What the reader knows about the current interchange and message (escaped slices, empty when
 * absent). Valid until the next UNB / UNH respectively. */
typedef struct edi_interchange {
  bm_slice syntax;         /* "UNOA" */
  bm_slice syntax_version; /* "4" */
  edi_charset charset;
  bm_slice sender, recipient, date, time, control_ref, application_ref;
  unsigned index; /* 1-based interchange number in the input */
  bool implicit;  /* no UNB was seen: a message outside any interchange */
} edi_interchange;

typedef struct edi_message {
  bm_slice ref;                                   /* UNH 0062 */
  bm_slice type;                                  /* "PAXLST" */
  bm_slice version, release, agency, association; /* "D", "05B", "UN", "IATA" */
  bm_slice common_access_ref;                     /* UNH 0068, e.g. "OK688/071008/1310" */
  bm_slice sequence;                              /* UNH S010 0070, e.g. "01" */
  bm_slice first_last;                            /* UNH S010 0073: "C", "F" or empty */
  unsigned first_segment;                         /* segment number of the UNH */
  unsigned nsegments;                             /* segments read so far, UNH included */
  bool open;                                      /* a UNH was read and no UNT yet */
} edi_message;

/* The reader: a caller-owned value, no heap. */
typedef struct edi_reader {
  const char *buf;
  size_t len, pos;
  edi_opts opts;
  edi_seps seps;
  unsigned nsegments; /* segments read so far (the last one's number) */
  unsigned nwarnings, nerrors;
  int state; /* internal: outside / in interchange */
  unsigned nmessages_ic, ngroups_ic, nmessages_grp;
  bool in_group;
  bm_slice group_ref;
  edi_interchange ic;
  edi_message msg;
  /* Internal (edi_reader.c): the segment scanner's byte patterns for the current separators and
   * character set, valid while edi__ready (cleared when either changes). */
  bool edi__ready;
  unsigned char edi__pat[10][16];
} edi_reader;

/* Prepare r to read buf[0..len). opts may be NULL (lenient, no callback). buf must outlive r and
 * every slice taken from it. Returns BM_ERR_LIMIT (with a diagnostic) when len exceeds
 * EDI_INPUT_BYTES_MAX, BM_ERR_USAGE for NULL r or buf with len > 0. */
bm_err edi_reader_init(edi_reader *r, const char *buf, size_t len, const edi_opts *opts);

/* Read the next segment into *seg. Returns BM_OK, or BM_ERR_NOTFOUND at the end of the input (after
 * reporting a missing UNT/UNZ). Never fails on bad content: malformed bytes are skipped and
 * reported. Service segments (UNB, UNG, UNH, UNT, UNE, UNZ) are returned too, after the reader has
 * checked them; the UNA is consumed and not returned. */
bm_err edi_reader_next(edi_reader *r, edi_segment *seg);

/* The current interchange and message (see edi_interchange, edi_message). */
const edi_interchange *edi_reader_interchange(const edi_reader *r);
const edi_message *edi_reader_message(const edi_reader *r);

/* Report a diagnostic about seg through the reader's callback (used by the message layers so all
 * diagnostics share one stream and one count). deviation: a warning in lenient mode and an error in
 * strict mode; otherwise always an error. field may be NULL. */
void edi_reader_report(edi_reader *r, const edi_segment *seg, bool deviation, edi_code code,
                       const char *field, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

/* Component `component` (1-based) of the first repetition of data element `element` (1-based: the
 * first element after the tag is 1) of seg, escaped. An absent element or component is an empty
 * slice (ptr may be NULL). */
bm_slice edi_component(const edi_segment *seg, unsigned element, unsigned component);

/* Repetition `rep` (1-based) of data element `element`, escaped; empty when absent. */
bm_slice edi_repetition(const edi_segment *seg, unsigned element, unsigned rep);

/* edi_unescape flags */
#define EDI_TEXT_RELEASE 1u /* a release character stood before an ordinary character (dropped) */
#define EDI_TEXT_LATIN1  2u /* bytes were read as ISO 8859-1 and converted to UTF-8 */
#define EDI_TEXT_CONTROL 4u /* control characters were replaced by spaces */

/* Write the text of the escaped slice in (a component or element of seg) to out as NUL-terminated
 * UTF-8: release characters removed, bytes converted per seg->charset (UNOC: ISO 8859-1; UNOY and
 * UNOW: UTF-8; others: ASCII, where lenient reading keeps valid UTF-8 and reads other bytes as ISO
 * 8859-1), control characters replaced by spaces. Writes at most cap - 1 bytes plus NUL (nothing
 * when cap == 0), never splitting a UTF-8 sequence. Returns the length the whole text needs
 * (snprintf-style). *flags (may be NULL) receives EDI_TEXT_* bits. */
size_t edi_unescape(const edi_segment *seg, bm_slice in, char *out, size_t cap, unsigned *flags);

/* 1 if the slice equals the NUL-terminated string s. */
int edi_slice_eq(bm_slice a, const char *s);

#ifdef __cplusplus
}
#endif
#endif /* BMIS_EDIFACT_H */
