/* paxlst.h - UN/EDIFACT PAXLST (Advance Passenger Information) messages: D02B, D05B and the US CBP
 * variant of the WCO/IATA/ICAO implementation guide, read on top of the EDIFACT reader (edifact.h).
 *
 * paxlst_parse() reads every message of every interchange of a buffer and returns one paxlst_msg
 * per UNH..UNT: the interchange header, the message reference, part number and last-part flag
 * (UNH S010: sequence number and C = first / F = final marker, a message without it being the only
 * part), the list type (BGM 745 passengers, 250 crew), the flight (TDT with LOC 125/87 and DTM
 * 189/232; every leg is kept), and every person (SG4 NAD FL/FM/DDU/DDT with ATT, DTM 329, NAT,
 * LOC 174/178/179/180, MEA, RFF, and SG5 DOC with DTM 36/182 and LOC 91).
 *
 * Values are normalised: country codes to the ICAO Doc 9303 codes the rest of openbmis uses ("D"
 * for Germany, ISO alpha-2 codes mapped), dates to "YYYY-MM-DD", times to "YYYY-MM-DDTHH:MM", sex
 * to M/F/X. Two-digit years: birth dates never in the future (relative to opts.today), other dates
 * in 2000-2099. What cannot be normalised is kept as sent and reported.
 *
 * Diagnostics: the EDIFACT reader's (syntax, envelope, counts) and this module's (content) are
 * attached to the message they occur in; diagnostics outside any message (junk, UNZ) go to the
 * nearest message of the input (the previous one, or the next one before the first message).
 * Lenient mode reports deviations as warnings; strict mode (EDI_OPT_STRICT) as errors.
 *
 * Memory: a paxlst_batch owns every message and string (one arena); strings are UTF-8 and live
 * until paxlst_batch_free. Thread safety: reentrant, no global state.
 */
#ifndef BMIS_PAXLST_H
#define BMIS_PAXLST_H

#include <stdbool.h>
#include <stddef.h>

#include "bmis/base.h"
#include "bmis/edifact.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Persons per message (SG4 repeats at most 99,999 times). */
#define PAXLST_PERSONS_MAX 99999
/* Documents per person (SG5 is C2 in the guide; a little slack for real feeds). */
#define PAXLST_DOCUMENTS_MAX 4
/* Flight legs per message (SG2 M10). */
#define PAXLST_LEGS_MAX 10
/* Messages per batch. */
#define PAXLST_MESSAGES_MAX 100000
/* Diagnostics kept per message; more are counted in ndiags_dropped. */
#define PAXLST_DIAGS_MAX 1000
/* Bytes of one unescaped text value (a name, a reference), NUL included. */
#define PAXLST_TEXT_BYTES_MAX 512

typedef enum paxlst_list_type {
  PAXLST_LIST_UNKNOWN = 0,
  PAXLST_LIST_PASSENGERS,    /* BGM 745 */
  PAXLST_LIST_CREW,          /* BGM 250 */
  PAXLST_LIST_MASTER_CREW,   /* BGM 336 */
  PAXLST_LIST_FLIGHT_STATUS, /* BGM 266 */
  PAXLST_LIST_GATE_PASS      /* BGM 655 */
} paxlst_list_type;

/* "passengers", "crew", "master_crew", "flight_status", "gate_pass"; NULL for unknown. */
const char *paxlst_list_type_name(paxlst_list_type t);

typedef enum paxlst_role {
  PAXLST_ROLE_UNKNOWN = 0,
  PAXLST_ROLE_PASSENGER,         /* NAD FL */
  PAXLST_ROLE_CREW,              /* NAD FM */
  PAXLST_ROLE_TRANSIT_PASSENGER, /* NAD DDU */
  PAXLST_ROLE_TRANSIT_CREW       /* NAD DDT */
} paxlst_role;

/* "passenger", "crew", "transit_passenger", "transit_crew"; NULL for unknown. */
const char *paxlst_role_name(paxlst_role r);

/* Every string member below is NULL when absent. */
typedef struct paxlst_leg {
  const char *carrier;           /* "OK" */
  const char *number;            /* "688" */
  const char *departure_airport; /* IATA code */
  const char *departure_time;    /* "YYYY-MM-DDTHH:MM" or "YYYY-MM-DD" */
  const char *arrival_airport;
  const char *arrival_time;
  bool port_of_call; /* had LOC 125 or 87 (not only 92 routing) */
  unsigned segment;  /* the TDT */
} paxlst_leg;

typedef struct paxlst_document {
  const char *type; /* "P", "V", "I", ... */
  const char *number;
  const char *issuing_state; /* ICAO code */
  const char *expiry_date;   /* YYYY-MM-DD */
  const char *issue_date;
  unsigned segment; /* the DOC */
} paxlst_document;

typedef struct paxlst_person {
  const char *surname, *given_names;
  const char *sex; /* "M", "F", "X" */
  const char *birth_date;
  const char *nationality, *residence_country; /* ICAO codes */
  paxlst_role role;
  const char *role_code;                 /* the NAD qualifier as sent, e.g. "FL" */
  const char *birth_place;               /* LOC 180 */
  const char *embarkation, *debarkation; /* LOC 178, 179 */
  const char *seat;                      /* RFF SEA */
  const char *reservation_ref;           /* RFF AVF (PNR locator) */
  const char *passenger_ref;             /* RFF ABO */
  long bags;                             /* MEA CT; -1 when absent */
  const char *bags_weight;               /* MEA WT, e.g. "10 KGM" */
  paxlst_document documents[PAXLST_DOCUMENTS_MAX];
  unsigned ndocuments;
  unsigned segment; /* the NAD */
} paxlst_person;

typedef struct paxlst_msg {
  /* Interchange (UNB). */
  const char *sender, *recipient, *control_ref, *syntax;
  unsigned interchange; /* 1-based interchange number in the input */
  /* Message (UNH, BGM). */
  const char *message_ref, *message_type, *version; /* "PAXLST", "D:05B" */
  const char *common_access_ref;
  unsigned part;             /* 1-based */
  bool last_part;            /* F marker, or no S010 at all */
  const char *document_code; /* BGM 1001 as sent, e.g. "745" */
  const char *document_id;   /* BGM 1004, e.g. "CP" */
  paxlst_list_type list_type;
  const char *reporting_party; /* NAD MS */
  /* Flight: the leg with LOC 125/87 (the last such), else the last leg; NULL when no TDT. */
  const paxlst_leg *flight;
  paxlst_leg legs[PAXLST_LEGS_MAX];
  unsigned nlegs;
  paxlst_person *persons;
  size_t npersons;
  long declared_count; /* CNT 42/41; -1 when absent */
  /* Diagnostics, in input order. */
  edi_diag *diags;
  size_t ndiags, ndiags_dropped;
  unsigned nerrors, nwarnings; /* including dropped ones */
  unsigned first_segment;      /* the UNH */
} paxlst_msg;

typedef struct paxlst_batch {
  paxlst_msg *msgs;
  size_t nmsgs;
  /* Diagnostics of an input with no message at all (otherwise attached to messages). */
  edi_diag *diags;
  size_t ndiags;
  unsigned nerrors, nwarnings;
  struct paxlst__arena *arena;
} paxlst_batch;

typedef struct paxlst_opts {
  unsigned flags; /* EDI_OPT_STRICT */
  bm_date today;  /* reference for two-digit birth years; year 0 = today (UTC) */
} paxlst_opts;

/* Parse every PAXLST message in buf[0..len). *out receives a new batch (free with
 * paxlst_batch_free) even when messages have errors. Messages of another type (CUSRES, PNRGOV)
 * are returned with an error and no content. Returns BM_OK, BM_ERR_NOMEM, BM_ERR_LIMIT (input over
 * EDI_INPUT_BYTES_MAX or more than PAXLST_MESSAGES_MAX messages; the batch then has what was read)
 * or BM_ERR_USAGE. diag (may be NULL) explains a failure. */
bm_err paxlst_parse(const char *buf, size_t len, const paxlst_opts *opts, paxlst_batch **out,
                    bm_diag *diag);

/* Free a batch and everything in it; NULL is allowed. */
void paxlst_batch_free(paxlst_batch *b);

/* Maximum parts of one split flight (UNH 0070 is n..2: 01 to 99). */
#define PAXLST_PARTS_MAX 99

/* The parts of one flight's list, sent as several messages (reference section 1.4). */
typedef struct paxlst_set {
  const char *sender;            /* UNB sender of the parts (borrowed from the messages) */
  const char *common_access_ref; /* UNH 0068 shared by the parts; NULL for a message without */
  const paxlst_msg **parts;      /* by part number; one per number (a duplicate replaces) */
  size_t nparts;
  unsigned last_part; /* the number of the part marked F; 0 when no final part was received */
  bool complete;      /* parts 1..last_part each present, and nothing after the last part */
  size_t npersons;    /* over all parts */
  edi_diag *diags;    /* gaps, duplicates, missing final part, parts after it */
  size_t ndiags;
} paxlst_set;

/* Group messages into flights: by (sender, common access reference), ordered by part number; a
 * message without a common access reference is a set of its own. Gaps, duplicates (the later
 * message replaces the earlier one, as CBP does), a missing final part and parts numbered after the
 * final part are reported in the set's diags (code EDI_C_CONTENT, tag "UNH", segment of the
 * message's UNH, severity error). msgs are borrowed and must outlive the sets. *out receives n_out
 * sets in order of first appearance (free with paxlst_sets_free). Returns BM_OK, BM_ERR_NOMEM or
 * BM_ERR_USAGE. */
bm_err paxlst_assemble(const paxlst_msg *const *msgs, size_t n, paxlst_set **out, size_t *n_out,
                       bm_diag *diag);

/* Free what paxlst_assemble returned; NULL is allowed. */
void paxlst_sets_free(paxlst_set *sets, size_t n);

#ifdef __cplusplus
}
#endif
#endif /* BMIS_PAXLST_H */
