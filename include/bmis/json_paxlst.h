/* json_paxlst.h - PAXLST messages and EDIFACT diagnostics to JSON (jansson). The shape is the
 * public contract of `bmis paxlst parse` (DESIGN.md 5.3), reused by the HTTP API. */
#ifndef BMIS_JSON_PAXLST_H
#define BMIS_JSON_PAXLST_H

#include <jansson.h>

#include "bmis/edifact.h"
#include "bmis/paxlst.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A new JSON object for one message: interchange, message_ref, part, last_part, list_type,
 * flight, persons, warnings, errors (and the extensions documented in docs/edifact.md).
 * Returns NULL only when out of memory. The caller owns the result (json_decref). */
json_t *js_paxlst_msg_encode(const paxlst_msg *m);

/* {"segment":N,"tag":"DOC","code":"content","field":"...","message":"..."}; field only when set.
 * Returns NULL only when out of memory. */
json_t *js_edi_diag_encode(const edi_diag *d);

#ifdef __cplusplus
}
#endif
#endif
