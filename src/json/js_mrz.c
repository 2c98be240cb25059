/* js_mrz.c - MRZ documents to JSON and generation fields from JSON (see include/bmis/json_mrz.h).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "bmis/json_mrz.h"

/* A JSON string of MRZ text. An invalid document keeps the bytes it was given, which may be
 * anything (a stray 0xC9 from a scanner, a NUL): bytes outside printable ASCII are shown as U+FFFD
 * so the document is still reported (jansson refuses strings that are not UTF-8). */
static json_t *mrz_string(const char *s) {
  char buf[3 * (MRZ_LINE_BYTES_MAX + MRZ_DOCNUM_BYTES_MAX) + 1];
  size_t n = 0;
  for (; *s != '\0' && n + 4 < sizeof buf; s++) {
    unsigned char c = (unsigned char)*s;
    if (c >= 0x20 && c < 0x7f) {
      buf[n++] = (char)c;
    } else {
      buf[n++] = (char)0xEF;
      buf[n++] = (char)0xBF;
      buf[n++] = (char)0xBD;
    }
  }
  buf[n] = '\0';
  return json_string(buf);
}

/* Adds key: text of span, or null when the format has no such field. */
static int put_span_text(json_t *o, const char *key, const mrz_doc *d, mrz_span sp, bool present) {
  if (!present) return json_object_set_new(o, key, json_null());
  char buf[MRZ_LINE_BYTES_MAX + 1];
  mrz_span_text(d, sp, buf, sizeof buf);
  return json_object_set_new(o, key, mrz_string(buf));
}

static json_t *date_json(const mrz_date *dt, bool present) {
  if (!present) return json_null();
  if (dt->date.year == 0) return mrz_string(dt->raw);
  char buf[16];
  snprintf(buf, sizeof buf, "%04d-%02u-%02u", dt->date.year, dt->date.month, dt->date.day);
  return json_string(buf);
}

json_t *js_mrz_doc_encode(const mrz_doc *d) {
  json_t *o = json_object();
  if (o == NULL) return NULL;
  bool known = d->format != MRZ_FORMAT_UNKNOWN;
  bool fra = d->format == MRZ_FORMAT_FRA_ID;
  int rc = 0;
  rc |= json_object_set_new(o, "format",
                            known ? json_string(mrz_format_name(d->format)) : json_null());
  rc |= json_object_set_new(o, "valid", json_boolean(d->valid));
  rc |= put_span_text(o, "document_code", d, d->document_code, known);
  rc |= put_span_text(o, "issuing_state", d, d->issuing_state, known);
  rc |= put_span_text(o, "surname", d, d->surname, known);
  rc |= put_span_text(o, "given_names", d, d->given_names, known);
  rc |= json_object_set_new(o, "document_number",
                            known ? mrz_string(d->document_number) : json_null());
  rc |= put_span_text(o, "nationality", d, d->nationality, known);
  rc |= json_object_set_new(o, "birth_date", date_json(&d->birth_date, known));
  char sex[2] = {d->sex, 0};
  rc |= json_object_set_new(o, "sex", known && d->sex ? json_string(sex) : json_null());
  rc |= json_object_set_new(o, "expiry_date", date_json(&d->expiry_date, known && !fra));
  rc |= put_span_text(o, "optional_data", d, d->optional_data, known && !fra);
  rc |= put_span_text(o, "optional_data_2", d, d->optional_data_2, d->format == MRZ_FORMAT_TD1);
  if (fra) {
    rc |= put_span_text(o, "issue_date", d, d->issue_date, true);
    rc |= put_span_text(o, "administrative_code", d, d->admin_code, true);
  }
  json_t *checks = json_object();
  for (int c = 0; c < MRZ_CHECK__COUNT; c++)
    if (mrz_doc_has_check(d, (mrz_check)c))
      rc |= json_object_set_new(checks, mrz_check_name((mrz_check)c),
                                json_boolean(mrz_doc_check_ok(d, (mrz_check)c)));
  rc |= json_object_set_new(o, "checks", checks);
  json_t *errs = json_array();
  for (unsigned i = 0; i < d->nerrors; i++) {
    const mrz_error *e = &d->errors[i];
    char msg[256];
    mrz_error_message(e, msg, sizeof msg);
    json_t *je = json_object();
    rc |= json_object_set_new(je, "field", json_string(mrz_field_name((mrz_field)e->field)));
    rc |= json_object_set_new(je, "line", json_integer(e->line));
    rc |= json_object_set_new(je, "column", json_integer(e->column));
    rc |=
        json_object_set_new(je, "code", json_string(mrz_error_code_name((mrz_error_code)e->code)));
    rc |= json_object_set_new(je, "message", json_string(msg));
    rc |= json_array_append_new(errs, je);
  }
  if (d->nerrors_dropped) {
    char msg[96];
    snprintf(msg, sizeof msg, "%u further errors not listed", d->nerrors_dropped);
    json_t *je = json_pack("{s:s, s:i, s:i, s:s, s:s}", "field", "mrz", "line", 0, "column", 0,
                           "code", "format", "message", msg);
    rc |= json_array_append_new(errs, je);
  }
  rc |= json_object_set_new(o, "errors", errs);
  json_t *corr = json_array();
  for (unsigned i = 0; i < d->ncorrections; i++) {
    const mrz_correction *c = &d->corrections[i];
    char from[2] = {c->from, 0}, to[2] = {c->to, 0};
    rc |= json_array_append_new(corr, json_pack("{s:i, s:i, s:s, s:s}", "line", c->line, "column",
                                                c->column, "from", from, "to", to));
  }
  rc |= json_object_set_new(o, "corrections", corr);
  if (rc != 0) {
    json_decref(o);
    return NULL;
  }
  return o;
}

mrz_format js_mrz_format_parse(const char *name) {
  static const mrz_format all[] = {MRZ_FORMAT_TD1,  MRZ_FORMAT_TD2,  MRZ_FORMAT_TD3,
                                   MRZ_FORMAT_MRVA, MRZ_FORMAT_MRVB, MRZ_FORMAT_FRA_ID};
  if (name == NULL) return MRZ_FORMAT_UNKNOWN;
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
    if (strcasecmp(name, mrz_format_name(all[i])) == 0) return all[i];
  if (strcasecmp(name, "MRV-A") == 0) return MRZ_FORMAT_MRVA;
  if (strcasecmp(name, "MRV-B") == 0) return MRZ_FORMAT_MRVB;
  return MRZ_FORMAT_UNKNOWN;
}

/* Borrow a string member; NULL when absent or null. Returns -1 for another type. */
static int get_str(const json_t *obj, const char *key, const char **out) {
  const json_t *v = json_object_get(obj, key);
  *out = NULL;
  if (v == NULL || json_is_null(v)) return 0;
  if (!json_is_string(v)) return -1;
  *out = json_string_value(v);
  return 0;
}

bm_err js_mrz_fields_decode(const json_t *obj, mrz_fields *f, bm_diag *diag) {
  memset(f, 0, sizeof *f);
  if (!json_is_object(obj))
    return bm_diag_set(diag, BM_ERR_INVALID, NULL, 0, 0, "expected a JSON object");
  static const struct {
    const char *key;
    size_t off;
  } keys[] = {
      {"document_code", offsetof(mrz_fields, document_code)},
      {"issuing_state", offsetof(mrz_fields, issuing_state)},
      {"surname", offsetof(mrz_fields, surname)},
      {"given_names", offsetof(mrz_fields, given_names)},
      {"document_number", offsetof(mrz_fields, document_number)},
      {"nationality", offsetof(mrz_fields, nationality)},
      {"birth_date", offsetof(mrz_fields, birth_date)},
      {"sex", offsetof(mrz_fields, sex)},
      {"expiry_date", offsetof(mrz_fields, expiry_date)},
      {"optional_data", offsetof(mrz_fields, optional_data)},
      {"optional_data_2", offsetof(mrz_fields, optional_data_2)},
  };
  for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
    const char **slot = (const char **)((char *)f + keys[i].off);
    if (get_str(obj, keys[i].key, slot) != 0)
      return bm_diag_set(diag, BM_ERR_INVALID, keys[i].key, 0, 0, "%s must be a string or null",
                         keys[i].key);
  }
  const char *fmt = NULL;
  if (get_str(obj, "format", &fmt) != 0 || fmt == NULL)
    return bm_diag_set(diag, BM_ERR_INVALID, "format", 0, 0,
                       "format is required: one of TD1, TD2, TD3, MRVA, MRVB");
  f->format = js_mrz_format_parse(fmt);
  if (f->format == MRZ_FORMAT_UNKNOWN || f->format == MRZ_FORMAT_FRA_ID)
    return bm_diag_set(diag, BM_ERR_INVALID, "format", 0, 0,
                       "format '%.32s' cannot be generated: use TD1, TD2, TD3, MRVA or MRVB", fmt);
  return BM_OK;
}
