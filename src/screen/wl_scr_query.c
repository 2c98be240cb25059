/* wl_scr_query.c - a traveller from one JSON object (the `bmis screen` query line, DESIGN.md 5.2;
 * the contract is wl_query_from_json in include/bmis/screen.h).
 *
 * Queries come from other systems (API feeds, manifests converted by scripts), so every field is
 * checked and a bad one is reported by name rather than guessed at: a traveller screened with a
 * wrong birth date or nationality gets wrong evidence. jansson reads the JSON here, in screen/, as
 * the JSON Lines list loader does, so that the fuzz harness and `bmis screen` share this decoder.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "bmis/names.h"
#include "bmis/screen.h"
#include "bmis/watchlist.h"

#define WL_QUERY_TYPE_BYTES_MAX 16 /* document_type incl. NUL */

typedef struct store {
  char *buf;
  size_t len, cap;
} store;

static const char *put(store *st, const char *s, size_t n) {
  if (st->len + n + 1 > st->cap) return NULL;
  char *d = st->buf + st->len;
  memcpy(d, s, n);
  d[n] = '\0';
  st->len += n + 1;
  return d;
}

static const char *type_word(const json_t *v) {
  switch (json_typeof(v)) {
  case JSON_OBJECT: return "an object";
  case JSON_ARRAY: return "an array";
  case JSON_STRING: return "a string";
  case JSON_INTEGER: return "an integer";
  case JSON_REAL: return "a number";
  case JSON_TRUE:
  case JSON_FALSE: return "a boolean";
  default: return "null";
  }
}

/* A string field: NULL when absent, null or "", else the copy. *err set on failure. */
static const char *string_field(const json_t *o, const char *key, size_t max, store *st,
                                bm_err *err, bm_diag *diag) {
  const json_t *v = json_object_get(o, key);
  if (v == NULL || json_is_null(v)) return NULL;
  if (!json_is_string(v)) {
    *err = bm_diag_set(diag, BM_ERR_INVALID, key, 0, 0, "expected a string, got %s", type_word(v));
    return NULL;
  }
  size_t n = json_string_length(v);
  if (n > max) {
    *err = bm_diag_set(diag, BM_ERR_LIMIT, key, 0, 0, "longer than %zu bytes", max);
    return NULL;
  }
  if (n == 0) return NULL;
  const char *r = put(st, json_string_value(v), n);
  if (r == NULL) *err = bm_diag_set(diag, BM_ERR_LIMIT, key, 0, 0, "query too large");
  return r;
}

static int digits(const char *s, int n) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

/* "YYYY", "YYYY-MM", "YYYY-MM-DD" (year 1000-2999, a real month and day). */
static int parse_birth(const char *s, size_t n, wl_date *out) {
  memset(out, 0, sizeof *out);
  if (n != 4 && n != 7 && n != 10) return -1;
  int y = digits(s, 4);
  if (y < 1000 || y > 2999) return -1;
  out->year = out->year_to = (int16_t)y;
  if (n == 4) return 0;
  if (s[4] != '-') return -1;
  int m = digits(s + 5, 2);
  if (m < 1 || m > 12) return -1;
  out->month = (uint8_t)m;
  if (n == 7) return 0;
  if (s[7] != '-') return -1;
  int d = digits(s + 8, 2);
  if (d < 1 || d > bm_days_in_month(y, m)) return -1;
  out->day = (uint8_t)d;
  return 0;
}

static const char *country_field(const json_t *o, const char *key, bm_err *err, bm_diag *diag) {
  const json_t *v = json_object_get(o, key);
  if (v == NULL || json_is_null(v)) return NULL;
  if (!json_is_string(v)) {
    *err = bm_diag_set(diag, BM_ERR_INVALID, key, 0, 0, "expected a country code, got %s",
                       type_word(v));
    return NULL;
  }
  size_t n = json_string_length(v);
  if (n == 0) return NULL;
  const char *c = wl_country_code(json_string_value(v), n);
  if (c == NULL) {
    /* Echo at most a short, printable prefix: the message goes into JSON and terminals. */
    char shown[24];
    size_t k = 0;
    for (const char *p = json_string_value(v); *p && k + 1 < sizeof shown; p++)
      shown[k++] = (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\') ? *p : '?';
    shown[k] = '\0';
    *err = bm_diag_set(diag, BM_ERR_INVALID, key, 0, 0, "unknown country \"%s\"", shown);
  }
  return c;
}

bm_err wl_query_from_json(const char *json, size_t len, wl_query_json *out, bm_diag *diag) {
  if (out == NULL || (json == NULL && len > 0))
    return bm_diag_set(diag, BM_ERR_USAGE, NULL, 0, 0, "wl_query_from_json: NULL argument");
  memset(&out->q, 0, sizeof out->q);
  if (len > WL_QUERY_JSON_BYTES_MAX)
    return bm_diag_set(diag, BM_ERR_LIMIT, NULL, 0, 0, "query of %zu bytes exceeds %u", len,
                       WL_QUERY_JSON_BYTES_MAX);
  json_error_t jerr;
  json_t *o = json_loadb(json ? json : "", len, JSON_REJECT_DUPLICATES, &jerr);
  if (o == NULL) {
    /* jansson quotes the offending input, which may be any bytes: keep the message printable
     * ASCII, since it is printed into JSON output and terminals. */
    for (char *p = jerr.text; *p; p++)
      if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f) *p = '?';
    return bm_diag_set(diag, BM_ERR_INVALID, NULL, 0, (unsigned)(jerr.column > 0 ? jerr.column : 0),
                       "not JSON: %s", jerr.text);
  }
  if (!json_is_object(o)) {
    bm_err e = bm_diag_set(diag, BM_ERR_INVALID, NULL, 0, 0, "expected a JSON object, got %s",
                           type_word(o));
    json_decref(o);
    return e;
  }
  store st = {out->store, 0, sizeof out->store};
  wl_query *q = &out->q;
  bm_err err = BM_OK;

  /* The id first, so that an error further on can still name the query. */
  const json_t *id = json_object_get(o, "id");
  if (id != NULL && json_is_integer(id)) {
    char num[32];
    int k = snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(id));
    q->id = put(&st, num, (size_t)k);
  } else if (id != NULL && !json_is_null(id)) {
    q->id = string_field(o, "id", WL_ID_BYTES_MAX, &st, &err, diag);
  }

  if (err == BM_OK) q->name = string_field(o, "name", NM_NAME_INPUT_BYTES_MAX, &st, &err, diag);
  if (err == BM_OK)
    q->surname = string_field(o, "surname", NM_NAME_INPUT_BYTES_MAX, &st, &err, diag);
  if (err == BM_OK)
    q->given_names = string_field(o, "given_names", NM_NAME_INPUT_BYTES_MAX, &st, &err, diag);
  if (err == BM_OK) {
    const json_t *v = json_object_get(o, "birth_date");
    if (v != NULL && !json_is_null(v) &&
        (!json_is_string(v) ||
         parse_birth(json_string_value(v), json_string_length(v), &q->birth) != 0))
      err = bm_diag_set(diag, BM_ERR_INVALID, "birth_date", 0, 0,
                        "expected YYYY, YYYY-MM or YYYY-MM-DD");
  }
  if (err == BM_OK) q->nationality = country_field(o, "nationality", &err, diag);
  if (err == BM_OK) {
    const json_t *v = json_object_get(o, "sex");
    if (v != NULL && !json_is_null(v)) {
      const char *x = json_is_string(v) ? json_string_value(v) : NULL;
      if (x == NULL)
        err = bm_diag_set(diag, BM_ERR_INVALID, "sex", 0, 0, "expected \"M\", \"F\" or \"X\"");
      else if (strcmp(x, "M") == 0 || strcmp(x, "m") == 0 || strcmp(x, "male") == 0)
        q->sex = 'M';
      else if (strcmp(x, "F") == 0 || strcmp(x, "f") == 0 || strcmp(x, "female") == 0)
        q->sex = 'F';
      else if (strcmp(x, "X") == 0 || strcmp(x, "x") == 0 || strcmp(x, "<") == 0 || x[0] == '\0')
        q->sex = 0;
      else
        err = bm_diag_set(diag, BM_ERR_INVALID, "sex", 0, 0, "expected \"M\", \"F\" or \"X\"");
    }
  }
  if (err == BM_OK)
    q->document_number =
        string_field(o, "document_number", WL_DOC_NUMBER_BYTES_MAX - 1, &st, &err, diag);
  if (err == BM_OK) q->document_country = country_field(o, "document_country", &err, diag);
  if (err == BM_OK)
    q->document_type =
        string_field(o, "document_type", WL_QUERY_TYPE_BYTES_MAX - 1, &st, &err, diag);
  json_decref(o);
  if (err == BM_OK && q->name == NULL && q->surname == NULL && q->given_names == NULL &&
      q->document_number == NULL)
    err = bm_diag_set(diag, BM_ERR_INVALID, "name", 0, 0,
                      "a query needs name (or surname and given_names) or document_number");
  if (err != BM_OK) {
    /* Keep only the id (and only when it was read before the error). */
    const char *keep = q->id;
    memset(q, 0, sizeof *q);
    q->id = keep;
  }
  return err;
}
