/* mrz_make_fuzz.c - libFuzzer harness for MRZ generation from untrusted JSON fields, the path of
 * `bmis mrz make` and of any API client that asks for an MRZ: jansson parses the bytes,
 * js_mrz_fields_decode() maps them to mrz_fields, mrz_make() builds the lines.
 *
 * Besides the sanitizers, the harness traps when the contract does not hold: a rejection says why
 * and, for an object, names the field; an accepted document is made of MRZ characters of the
 * format's shape and parses back (mrz_parse) as a valid document of the same format, with the same
 * document number, states and sex - whatever the generator writes, the reader at the booth must
 * accept.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "bmis/json_mrz.h"
#include "bmis/mrz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
  do {                                                                                             \
    if (!(cond)) __builtin_trap();                                                                 \
  } while (0)

/* The value of a string member with '<' and spaces removed and upper-cased, for comparisons. */
static void squeeze(const char *s, char *out, size_t cap) {
  size_t n = 0;
  for (; s != NULL && *s && n + 1 < cap; s++) {
    char c = *s;
    if (c == '<' || c == ' ') continue;
    if (c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
    out[n++] = c;
  }
  out[n] = '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size > 64 * 1024) return 0; /* the CLI reads documents of a few hundred bytes */
  json_error_t jerr;
  json_t *obj = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
  if (obj == NULL) return 0;
  mrz_fields f;
  bm_diag diag;
  memset(&diag, 0, sizeof diag);
  bm_err err = js_mrz_fields_decode(obj, &f, &diag);
  mrz_lines out;
  if (err == BM_OK) {
    memset(&diag, 0, sizeof diag);
    err = mrz_make(&f, &out, &diag);
  }
  if (err != BM_OK) {
    CHECK(err == BM_ERR_INVALID || err == BM_ERR_LIMIT);
    CHECK(diag.message[0] != '\0');
    /* Only a value that is not an object at all ("[]") has no field to blame. */
    if (json_is_object(obj)) CHECK(diag.field[0] != '\0');
    json_decref(obj);
    return 0;
  }

  CHECK(out.nlines == (f.format == MRZ_FORMAT_TD1 ? 3 : 2));
  CHECK(out.line_len == (f.format == MRZ_FORMAT_TD1    ? 30
                         : f.format == MRZ_FORMAT_TD2  ? 36
                         : f.format == MRZ_FORMAT_MRVB ? 36
                                                       : 44));
  const char *lines[MRZ_LINES_MAX];
  size_t lens[MRZ_LINES_MAX];
  for (unsigned i = 0; i < out.nlines; i++) {
    CHECK(strlen(out.line[i]) == out.line_len);
    for (unsigned j = 0; j < out.line_len; j++) CHECK(mrz_char_value(out.line[i][j]) >= 0);
    lines[i] = out.line[i];
    lens[i] = out.line_len;
  }
  mrz_opts opts = {0, {2026, 11, 23}};
  mrz_doc doc;
  CHECK(mrz_parse(lines, lens, out.nlines, &opts, &doc) == BM_OK);
  CHECK(doc.format == f.format);
  CHECK(doc.valid);
  char want[64], got[64];
  squeeze(f.document_number, want, sizeof want);
  squeeze(doc.document_number, got, sizeof got);
  CHECK(strcmp(want, got) == 0);
  if (f.issuing_state != NULL) {
    squeeze(f.issuing_state, want, sizeof want);
    mrz_span_text(&doc, doc.issuing_state, got, sizeof got);
    CHECK(strcmp(want, got) == 0);
  }
  if (f.sex != NULL && (strcmp(f.sex, "M") == 0 || strcmp(f.sex, "F") == 0))
    CHECK(doc.sex == f.sex[0]);
  json_decref(obj);
  return 0;
}
