/* json_mrz.h - MRZ documents and fields to and from JSON (jansson). The JSON shapes are the public
 * contract of `bmis mrz check` (DESIGN.md 5.1) and `bmis mrz make`, reused by the HTTP API. */
#ifndef BMIS_JSON_MRZ_H
#define BMIS_JSON_MRZ_H

#include <jansson.h>

#include "bmis/mrz.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A new JSON object for a parsed document (format, valid, fields, checks, errors, corrections).
 * with_corrections: include the "corrections" array (always present, empty when none).
 * Returns NULL only when out of memory. The caller owns the result (json_decref). */
json_t *js_mrz_doc_encode(const mrz_doc *doc);

/* Fill *f from a JSON object with the keys of js_mrz_doc_encode's output (format, document_code,
 * issuing_state, surname, given_names, document_number, nationality, birth_date, sex, expiry_date,
 * optional_data, optional_data_2); other keys are ignored, so a check result can be fed back.
 * Strings in *f borrow from obj and live as long as it does.
 * Returns BM_ERR_INVALID with diag->field set when a key has the wrong type or format is unknown.
 */
bm_err js_mrz_fields_decode(const json_t *obj, mrz_fields *f, bm_diag *diag);

/* Parse a format name ("TD1", "TD3", "MRVA", ... case-insensitive); MRZ_FORMAT_UNKNOWN if none. */
mrz_format js_mrz_format_parse(const char *name);

#ifdef __cplusplus
}
#endif
#endif
