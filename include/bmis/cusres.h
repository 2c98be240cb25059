/* cusres.h - UN/EDIFACT CUSRES D:05B, the interactive API (iAPI) response: the board / no-board
 * answer a border agency sends back to an airline for each passenger of a PAXLST (paxlst.h) the
 * airline sent at check-in.
 *
 * cusres_build() writes one interchange with one message answering one request message:
 *
 *   UNA:+.? '                                   standard separators, no repetition separator
 *   UNB+UNOA:4+<sender>+<recipient>+YYMMDD:HHMM+<control ref>'
 *   UNH+<message ref>+CUSRES:D:05B:UN:IATA[+<request's UNH 0068>+01:F]'
 *   BGM+962'                                    document response
 *   RFF+TN:<request's UNH message reference>'   (see below)
 *   RFF+AF:<carrier><number>'                   Sg3, when the request has a flight
 *   DTM+189:YYMMDDHHMM:201'  DTM+232:...'  LOC+125+<airport>'  LOC+87+<airport>'
 *   ERP+2'  RFF+AVF:<pnr>'  RFF+ABO:<pax ref>'  ERC+0Z'  FTX+AAP+++OK TO BOARD'   Sg4, per answer
 *   UNT+<segments from UNH to UNT>+<message ref>'
 *   UNZ+1+<control ref>'
 *
 * cusres_build_error() writes the acknowledgement for a request that cannot be answered (not a
 * PAXLST, a message with errors): BGM+312, then ERP+1 (message level), ERC+118 (or the caller's
 * code) and FTX+AAP+++<reason> instead of the per-passenger groups.
 *
 * Codes: ERC 0Z (OK TO BOARD) and 1Z (NO BOARD) are the codes of the China NIA iAPI conformance
 * exchanges; 2Z (INSUFFICIENT DATA) is a national code of the iAPI appendix of the WCO/IATA/ICAO
 * API Guidelines, used by openbmis for a passenger whose data is too incomplete to screen; 118 is
 * the error code of the same exchanges' acknowledgements (BGM+312).
 *
 * Transaction reference: the request's RFF+TN is not read by the PAXLST parser, so RFF+TN echoes
 * the request's UNH message reference (0062), which with UNH 0068 and RFF+ABO is what the airline
 * matches the answer with.
 *
 * Character set: the lowest syntax level that holds every value written: UNOA (upper case letters,
 * digits, space and . , - ( ) / = ' + : ? ! " % & * ; < >) as the API guides use, else UNOB
 * (printable ASCII), else UNOC (ISO 8859-1: the UTF-8 values are converted to Latin-1), else UNOW
 * (UTF-8). Syntax version 4 throughout; the UNB date is YYMMDD as in the API guides' examples.
 * Every value is escaped with the release character ("O?'BRIEN", "SMITH?+JONES", "ANNA?:MARIA",
 * "TEST??"). Values must be UTF-8 without control characters.
 *
 * Thread safety: reentrant, no global state. cusres_build reads the clock only when opts->time is
 * 0.
 */
#ifndef BMIS_CUSRES_H
#define BMIS_CUSRES_H

#include <stddef.h>
#include <stdint.h>

#include "bmis/base.h"
#include "bmis/paxlst.h"
#include "bmis/screen.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Limits, in characters (release characters not counted), from the D.05B / ISO 9735 v4 element
 * formats. A longer value is BM_ERR_LIMIT, never truncated. */
#define CUSRES_ANSWERS_MAX           9999 /* Sg4 repeats M9999 */
#define CUSRES_TEXT_CHARS_MAX        512  /* FTX 4440 an..512 */
#define CUSRES_REF_CHARS_MAX         70   /* RFF 1154 an..70 (references, flight) */
#define CUSRES_PARTY_CHARS_MAX       35   /* UNB 0004, 0010 an..35 */
#define CUSRES_CONTROL_REF_CHARS_MAX 14   /* UNB/UNZ 0020, UNH/UNT 0062 an..14 */
#define CUSRES_ACCESS_REF_CHARS_MAX  35   /* UNH 0068 an..35 */
#define CUSRES_LOCATION_CHARS_MAX    35   /* LOC 3225 an..35 */
#define CUSRES_CODE_CHARS_MAX        8    /* ERC 9321 an..8 */

/* The default score at or above which a watchlist hit stops a boarding (cusres_decide). Only strong
 * matches stop a boarding: a no-board answer at check-in is final for the passenger, and the
 * screening threshold (WL_DEFAULT_THRESHOLD, 0.83) is tuned for recall, so hits between the two go
 * to the analysts' queue before arrival instead of refusing travellers on a weak name match. */
#define CUSRES_NO_BOARD_THRESHOLD 0.90f

/* cusres_opts.flags */
#define CUSRES_OPT_NEWLINES                                                                        \
  1u /* a '\n' after every segment terminator (receivers accept CR/LF                              \
        between segments; easier to read) */

typedef enum cusres_status {
  CUSRES_BOARD = 0,    /* ERC 0Z, "OK TO BOARD" */
  CUSRES_NO_BOARD,     /* ERC 1Z, "NO BOARD" */
  CUSRES_INSUFFICIENT, /* ERC 2Z, "INSUFFICIENT DATA" */
  CUSRES_ERROR,        /* ERC 118, "MESSAGE REJECTED": the acknowledgement (cusres_build_error) */
  CUSRES__COUNT
} cusres_status;

/* "0Z", "1Z", "2Z", "118"; NULL for a value outside the enum. */
const char *cusres_status_code(cusres_status s);
/* "OK TO BOARD", "NO BOARD", "INSUFFICIENT DATA", "MESSAGE REJECTED"; NULL outside the enum. */
const char *cusres_status_text(cusres_status s);

/* The answer for one passenger: one Sg4 group. Strings are borrowed for the call. */
typedef struct cusres_answer {
  cusres_status status;        /* CUSRES_BOARD, CUSRES_NO_BOARD or CUSRES_INSUFFICIENT */
  const char *reservation_ref; /* RFF+AVF echoed from the request; NULL or "" = no RFF */
  const char *passenger_ref;   /* RFF+ABO echoed from the request; NULL or "" = no RFF */
  const char *text;            /* FTX+AAP; NULL or "" = cusres_status_text(status) */
} cusres_answer;

typedef struct cusres_opts {
  unsigned flags;          /* CUSRES_OPT_* */
  int64_t time;            /* UNB date and time, seconds since 1970-01-01 UTC; 0 = now */
  const char *sender;      /* UNB 0004; NULL = the request's recipient */
  const char *recipient;   /* UNB 0010; NULL = the request's sender */
  const char *control_ref; /* UNB/UNZ 0020; NULL = generated (below) */
  const char *message_ref; /* UNH/UNT 0062; NULL = the control reference */
} cusres_opts;

/* Generated control reference: 10 decimal digits, the FNV-1a 64-bit hash of the UNB time (seconds)
 * and the request's sender, recipient, control reference, message reference and UNH segment
 * number (for an acknowledgement without a request: of the time, parties, code and text), modulo
 * 10^10. The same request answered at the same second gets the same reference (a repeat, not a new
 * answer); callers that need references unique across answers (a server) pass their own. */

/* Write the response to req with answers[0..n) (1 <= n <= CUSRES_ANSWERS_MAX, typically one per
 * person of req in order; see cusres_answer_for). opts may be NULL (defaults above).
 * On success *out is a new NUL-terminated buffer (free() it) of *out_len bytes (out_len may be
 * NULL). On failure *out is NULL and diag (may be NULL) names the field: BM_ERR_USAGE (NULL req,
 * answers or out, n == 0, a status other than board/no board/insufficient, opts->time < 0),
 * BM_ERR_INVALID (no sender or recipient, empty reference, a value that is not UTF-8 or holds
 * control characters), BM_ERR_LIMIT (n over CUSRES_ANSWERS_MAX, a value over its limit),
 * BM_ERR_NOMEM. */
bm_err cusres_build(const paxlst_msg *req, const cusres_answer *answers, size_t n,
                    const cusres_opts *opts, char **out, size_t *out_len, bm_diag *diag);

/* Write the acknowledgement for a request that cannot be answered: BGM+312, ERP+1, ERC+<code>
 * (NULL = "118"), FTX+AAP+++<text> (NULL = "MESSAGE REJECTED"). req may be NULL (nothing could be
 * read): opts must then give sender and recipient; with req, RFF+TN, UNH 0068 and the flight are
 * echoed as in cusres_build. Results and errors as cusres_build. */
bm_err cusres_build_error(const paxlst_msg *req, const char *code, const char *text,
                          const cusres_opts *opts, char **out, size_t *out_len, bm_diag *diag);

/* The decision for person p given its watchlist hits (verified false hits already removed by the
 * caller), in this order:
 *   1. a hit with document_match: CUSRES_NO_BOARD (the document lane does not depend on the data
 *      that may be missing);
 *   2. no surname, no birth date or no document number: CUSRES_INSUFFICIENT (a name score computed
 *      without birth date or document is not evidence enough to refuse; the airline resends);
 *   3. a hit with score >= no_board_threshold: CUSRES_NO_BOARD;
 *   4. else CUSRES_BOARD.
 * A birth date the parser kept as sent (not a valid date) counts as missing; p NULL lacks all
 * three. no_board_threshold <= 0 (or NaN) means CUSRES_NO_BOARD_THRESHOLD. Pure: no I/O, no
 * clock. */
cusres_status cusres_decide(const paxlst_person *p, const wl_hit *hits, unsigned nhits,
                            float no_board_threshold);

/* The screening query of person p, the one the server and `bmis paxlst screen|respond` screen: the
 * names, the birth date (a year or year and month when that is all that was sent; unknown when it
 * is not a date), the nationality and the first document's issuing state as the lists' alpha-3
 * codes (PAXLST gives ICAO codes, "D" for Germany), sex M/F, the first document's number and type.
 * Strings are borrowed from p. p NULL gives an empty query. */
wl_query cusres_person_query(const paxlst_person *p);

/* The FTX text for status s of person p: for CUSRES_INSUFFICIENT the missing data named, e.g.
 * "INSUFFICIENT DATA: BIRTH DATE" or "INSUFFICIENT DATA: SURNAME, BIRTH DATE, DOCUMENT NUMBER"
 * (plain "INSUFFICIENT DATA" when nothing is missing); otherwise cusres_status_text(s). A static
 * string; NULL for s outside the enum. */
const char *cusres_decide_text(const paxlst_person *p, cusres_status s);

/* The answer for person p (may be NULL) with status s: its RFF AVF/ABO references (borrowed from
 * p) and cusres_decide_text(p, s). */
cusres_answer cusres_answer_for(const paxlst_person *p, cusres_status s);

#ifdef __cplusplus
}
#endif
#endif /* BMIS_CUSRES_H */
