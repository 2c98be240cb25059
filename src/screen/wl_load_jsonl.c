/* wl_load_jsonl.c - the openbmis watchlist JSON Lines format (DESIGN.md 5.2).
 *
 * One JSON object per line (UTF-8; blank lines are ignored; a trailing '\r' is allowed):
 *   {"id":"N-0001","kind":"person","names":["Ivan PETROV","Иван Петров"],
 *    "birth_dates":["1970-01-02","1971","1970/1972"],"nationalities":["RUS"],"sex":"M",
 *    "documents":[{"type":"P","number":"123456789","country":"RUS"}],
 *    "category":"refuse-entry","notes":"..."}
 * id (a non-empty string) is required. kind is "person" (the default), "document" (a lost or stolen
 * document: documents only), or openbmis's "entity" and "other". Every other member is optional and
 * may be null. Dates are read by wl_date_parse, countries must be ICAO alpha-3 codes.
 *
 * The reader is strict but never stops: a value of the wrong type, a date or country it cannot
 * read, or an unknown member is an issue naming the line and the field ("birth_dates[1]") and that
 * value is left out; a line that is not a JSON object, has no id, an unknown kind, or nothing to
 * match on (no name and no document) is skipped. One bad line never affects another.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmis/icao.h"
#include "bmis/watchlist.h"

#define JSONL_FIELD_BYTES_MAX 64 /* field paths in issues, "documents[12].country" (cut to 47) */

/* A country as JSONL gives it. Strict: an ICAO code. A name or alpha-2 code the normaliser knows is
 * still used, with an issue, so one sloppy exporter does not lose the nationality. */
static const char *jsonl_country(wl__loader *ld, unsigned line, const char *field, const char *s,
                                 size_t len) {
  if (len == 3 && icao_state_valid(s) && strchr(s, '<') == NULL) return wl_country_code(s, 3);
  if (len == 1 && s[0] == 'D') return "DEU";
  const char *c = wl_country_code(s, len);
  if (c != NULL) {
    wl__issue(ld, line, field, "'%.40s' is not an ICAO alpha-3 code; read as %s", s, c);
    return c;
  }
  wl__issue(ld, line, field, "unknown country '%.40s'; left out", s);
  return NULL;
}

static const char *type_name(const json_t *v) {
  switch (json_typeof(v)) {
  case JSON_OBJECT: return "an object";
  case JSON_ARRAY: return "an array";
  case JSON_STRING: return "a string";
  case JSON_INTEGER: return "an integer";
  case JSON_REAL: return "a number";
  case JSON_TRUE:
  case JSON_FALSE: return "a boolean";
  case JSON_NULL: return "null";
  }
  return "a value";
}

static void wrong_type(wl__loader *ld, unsigned line, const char *field, const char *want,
                       const json_t *v) {
  wl__issue(ld, line, field, "want %s, got %s; left out", want, type_name(v));
}

static void read_names(wl__loader *ld, unsigned line, const json_t *v) {
  if (!json_is_array(v)) {
    wrong_type(ld, line, "names", "an array of strings", v);
    return;
  }
  size_t i;
  const json_t *x;
  char field[JSONL_FIELD_BYTES_MAX];
  json_array_foreach(v, i, x) {
    snprintf(field, sizeof field, "names[%zu]", i);
    if (!json_is_string(x)) {
      wrong_type(ld, line, field, "a string", x);
      continue;
    }
    size_t n = json_string_length(x);
    if (wl__rec_name(ld, json_string_value(x), n, 0, line, field) != 0 && n > 0 &&
        strspn(json_string_value(x), " \t") == n)
      wl__issue(ld, line, field, "blank name; left out");
  }
}

static void read_dates(wl__loader *ld, unsigned line, const json_t *v) {
  if (!json_is_array(v)) {
    wrong_type(ld, line, "birth_dates", "an array of strings", v);
    return;
  }
  size_t i;
  const json_t *x;
  char field[JSONL_FIELD_BYTES_MAX];
  json_array_foreach(v, i, x) {
    snprintf(field, sizeof field, "birth_dates[%zu]", i);
    if (!json_is_string(x)) {
      wrong_type(ld, line, field, "a date string", x);
      continue;
    }
    wl_date d;
    if (wl_date_parse(json_string_value(x), json_string_length(x), &d) != 0) {
      wl__issue(ld, line, field, "not a date: '%.40s'; left out", json_string_value(x));
      continue;
    }
    wl__rec_date(ld, &d);
  }
}

static void read_nationalities(wl__loader *ld, unsigned line, const json_t *v) {
  if (!json_is_array(v)) {
    wrong_type(ld, line, "nationalities", "an array of strings", v);
    return;
  }
  size_t i;
  const json_t *x;
  char field[JSONL_FIELD_BYTES_MAX];
  json_array_foreach(v, i, x) {
    snprintf(field, sizeof field, "nationalities[%zu]", i);
    if (!json_is_string(x)) {
      wrong_type(ld, line, field, "a country code string", x);
      continue;
    }
    const char *c = jsonl_country(ld, line, field, json_string_value(x), json_string_length(x));
    if (c != NULL) wl__rec_nationality(ld, c);
  }
}

static void read_sex(wl__loader *ld, unsigned line, const json_t *v) {
  if (json_is_null(v)) return;
  if (!json_is_string(v)) {
    wrong_type(ld, line, "sex", "\"M\", \"F\" or null", v);
    return;
  }
  const char *s = json_string_value(v);
  if (strcmp(s, "M") == 0 || strcmp(s, "F") == 0)
    wl__rec_sex(ld, s[0]);
  else if (strcmp(s, "X") != 0 && strcmp(s, "U") != 0 && s[0] != '\0')
    wl__issue(ld, line, "sex", "want \"M\", \"F\", \"X\" or null, got '%.20s'; left out", s);
}

static void read_document(wl__loader *ld, unsigned line, size_t i, const json_t *doc) {
  char field[JSONL_FIELD_BYTES_MAX];
  snprintf(field, sizeof field, "documents[%zu]", i);
  if (!json_is_object(doc)) {
    wrong_type(ld, line, field, "an object", doc);
    return;
  }
  const char *type = "", *country = "";
  const json_t *num = NULL;
  const char *key;
  const json_t *x;
  json_object_foreach((json_t *)doc, key, x) {
    snprintf(field, sizeof field, "documents[%zu].%.20s", i, key);
    if (strcmp(key, "number") == 0) {
      if (json_is_string(x))
        num = x;
      else
        wrong_type(ld, line, field, "a string", x);
    } else if (strcmp(key, "type") == 0) {
      if (json_is_string(x)) {
        const char *t = wl__intern(ld, json_string_value(x), json_string_length(x));
        if (t != NULL) type = t;
      } else if (!json_is_null(x)) {
        wrong_type(ld, line, field, "a string", x);
      }
    } else if (strcmp(key, "country") == 0) {
      if (json_is_string(x)) {
        if (json_string_length(x) > 0) {
          const char *c =
              jsonl_country(ld, line, field, json_string_value(x), json_string_length(x));
          if (c != NULL) country = c;
        }
      } else if (!json_is_null(x)) {
        wrong_type(ld, line, field, "a country code string", x);
      }
    } else {
      wl__issue(ld, line, field, "unknown member; ignored");
    }
  }
  snprintf(field, sizeof field, "documents[%zu].number", i);
  if (num == NULL || json_string_length(num) == 0 ||
      strspn(json_string_value(num), " \t") == json_string_length(num)) {
    if (num == NULL || json_is_string(num))
      wl__issue(ld, line, field, "document without a number; left out");
    return;
  }
  wl__rec_document(ld, type, json_string_value(num), json_string_length(num), country, line, field);
}

static void read_documents(wl__loader *ld, unsigned line, const json_t *v) {
  if (!json_is_array(v)) {
    wrong_type(ld, line, "documents", "an array of objects", v);
    return;
  }
  size_t i;
  const json_t *x;
  json_array_foreach(v, i, x) read_document(ld, line, i, x);
}

/* One record. Returns after committing or skipping it. */
static void read_record(wl__loader *ld, unsigned line, const char *s, size_t len) {
  wl__rec_begin(ld, line);
  if (len > WL_LINE_BYTES_MAX) {
    wl__issue(ld, line, "", "line longer than %u bytes; skipped", (unsigned)WL_LINE_BYTES_MAX);
    wl__rec_discard(ld);
    return;
  }
  json_error_t jerr;
  json_t *o = json_loadb(s, len, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
  if (o == NULL) {
    wl__issue(ld, line, "", "not JSON (column %d: %s); skipped", jerr.column, jerr.text);
    wl__rec_discard(ld);
    return;
  }
  if (!json_is_object(o)) {
    wl__issue(ld, line, "", "want a JSON object, got %s; skipped", type_name(o));
    json_decref(o);
    wl__rec_discard(ld);
    return;
  }
  bool bad = false;
  const char *key;
  json_t *v;
  json_object_foreach(o, key, v) {
    switch (key[0]) {
    case 'i':
      if (strcmp(key, "id") == 0) {
        if (json_is_string(v) && json_string_length(v) > 0) {
          if (memchr(json_string_value(v), '\0', json_string_length(v)) != NULL ||
              json_string_length(v) > WL_ID_BYTES_MAX) {
            wl__issue(ld, line, "id", "id holds a NUL byte or is longer than %u bytes",
                      (unsigned)WL_ID_BYTES_MAX);
          } else {
            wl__rec_id(ld, json_string_value(v), json_string_length(v));
          }
        } else if (!json_is_string(v)) {
          wrong_type(ld, line, "id", "a string", v);
        }
        continue;
      }
      break;
    case 'k':
      if (strcmp(key, "kind") == 0) {
        const char *k = json_is_string(v) ? json_string_value(v) : NULL;
        if (k == NULL && !json_is_null(v)) {
          wrong_type(ld, line, "kind", "a string", v);
          bad = true;
        } else if (k == NULL || strcmp(k, "person") == 0) {
          wl__rec_kind(ld, WL_KIND_PERSON);
        } else if (strcmp(k, "document") == 0) {
          wl__rec_kind(ld, WL_KIND_DOCUMENT);
        } else if (strcmp(k, "entity") == 0) {
          wl__rec_kind(ld, WL_KIND_ENTITY);
        } else if (strcmp(k, "other") == 0) {
          wl__rec_kind(ld, WL_KIND_OTHER);
        } else {
          wl__issue(ld, line, "kind", "unknown kind '%.40s'; skipped", k);
          bad = true;
        }
        continue;
      }
      break;
    case 'n':
      if (strcmp(key, "names") == 0) {
        if (!json_is_null(v)) read_names(ld, line, v);
        continue;
      }
      if (strcmp(key, "nationalities") == 0) {
        if (!json_is_null(v)) read_nationalities(ld, line, v);
        continue;
      }
      if (strcmp(key, "notes") == 0) {
        if (json_is_string(v))
          wl__rec_notes(ld, json_string_value(v), json_string_length(v));
        else if (!json_is_null(v))
          wrong_type(ld, line, "notes", "a string", v);
        continue;
      }
      break;
    case 'b':
      if (strcmp(key, "birth_dates") == 0) {
        if (!json_is_null(v)) read_dates(ld, line, v);
        continue;
      }
      break;
    case 's':
      if (strcmp(key, "sex") == 0) {
        read_sex(ld, line, v);
        continue;
      }
      break;
    case 'd':
      if (strcmp(key, "documents") == 0) {
        if (!json_is_null(v)) read_documents(ld, line, v);
        continue;
      }
      break;
    case 'c':
      if (strcmp(key, "category") == 0) {
        if (json_is_string(v))
          wl__rec_category(ld, json_string_value(v), json_string_length(v));
        else if (!json_is_null(v))
          wrong_type(ld, line, "category", "a string", v);
        continue;
      }
      break;
    default: break;
    }
    wl__issue(ld, line, key, "unknown member; ignored");
  }
  json_decref(o);
  if (bad)
    wl__rec_discard(ld);
  else
    wl__rec_commit(ld);
}

/* ---- the fast path ----
 *
 * jansson builds a tree of heap objects for every line: about 75% of the load time of a 1M-entry
 * list. Almost every line of a real list is clean, so a line is first read by a small parser that
 * knows only this schema and decodes straight into scratch space. It accepts a line only if the
 * line is valid JSON (jansson's rules: UTF-8, escapes, surrogate pairs, no duplicate members) and
 * every value is exactly what the schema wants, so that jansson would give the same entry with no
 * issue. Anything else (an unknown member, a number, a bad date, a country that is not an ICAO
 * code, too many values) sends the line to the jansson path, which reports it. The fuzz harness
 * checks that both paths give the same entries. */

typedef struct fp_str {
  const char *s; /* decoded, in the scratch buffer; NULL for JSON null */
  size_t len;
} fp_str;

typedef struct fp_doc {
  fp_str type, number, country;
} fp_doc;

typedef struct fp_rec {
  fp_str id, kind, sex, category, notes;
  fp_str names[WL_NAMES_MAX];
  fp_str dates[WL_DATES_MAX];
  fp_str nats[WL_NATIONALITIES_MAX];
  fp_doc docs[WL_DOCUMENTS_MAX];
  unsigned nnames, ndates, nnats, ndocs;
  char *scratch; /* decoded strings; never longer than the line */
  size_t used;
} fp_rec;

typedef struct fp {
  const char *p, *end;
  fp_rec *r;
} fp;

static void fp_ws(fp *f) {
  while (f->p < f->end && (*f->p == ' ' || *f->p == '\t' || *f->p == '\r' || *f->p == '\n')) f->p++;
}

static int fp_hex4(const char *p, unsigned *out) {
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    char c = p[i];
    v <<= 4;
    if (c >= '0' && c <= '9')
      v |= (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f')
      v |= (unsigned)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      v |= (unsigned)(c - 'A' + 10);
    else
      return -1;
  }
  *out = v;
  return 0;
}

/* A JSON string at f->p (the opening quote), decoded into the scratch buffer. -1: not a string the
 * fast path takes (bad JSON, \u0000). */
static int fp_string(fp *f, fp_str *out) {
  if (f->p >= f->end || *f->p != '"') return -1;
  const unsigned char *p = (const unsigned char *)f->p + 1, *end = (const unsigned char *)f->end;
  char *o = f->r->scratch + f->r->used, *start = o;
  for (;;) {
    /* Plain ASCII runs first: the common case, eight bytes at a time while none of them is a
     * quote, a backslash, a control character or non-ASCII (the classic zero-byte tests). */
    while (end - p >= 8) {
      uint64_t w;
      memcpy(&w, p, 8);
      const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
      uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
      uint64_t special = ((q - ones) & ~q) | ((b - ones) & ~b) | (w - ones * 0x20) | w;
      if (special & highs) break;
      memcpy(o, p, 8);
      o += 8;
      p += 8;
    }
    while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\') *o++ = (char)*p++;
    if (p >= end) return -1;
    unsigned char c = *p;
    if (c == '"') break;
    if (c < 0x20) return -1;
    if (c == '\\') {
      if (end - p < 2) return -1;
      char e = (char)p[1];
      p += 2;
      switch (e) {
      case '"': *o++ = '"'; break;
      case '\\': *o++ = '\\'; break;
      case '/': *o++ = '/'; break;
      case 'b': *o++ = '\b'; break;
      case 'f': *o++ = '\f'; break;
      case 'n': *o++ = '\n'; break;
      case 'r': *o++ = '\r'; break;
      case 't': *o++ = '\t'; break;
      case 'u': {
        unsigned cp;
        if (end - p < 4 || fp_hex4((const char *)p, &cp) != 0) return -1;
        p += 4;
        if (cp >= 0xd800 && cp <= 0xdbff) {
          unsigned lo;
          if (end - p < 6 || p[0] != '\\' || p[1] != 'u' ||
              fp_hex4((const char *)p + 2, &lo) != 0 || lo < 0xdc00 || lo > 0xdfff)
            return -1;
          p += 6;
          cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        } else if (cp >= 0xdc00 && cp <= 0xdfff) {
          return -1;
        }
        if (cp == 0) return -1;
        if (cp < 0x80) {
          *o++ = (char)cp;
        } else if (cp < 0x800) {
          *o++ = (char)(0xc0 | (cp >> 6));
          *o++ = (char)(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
          *o++ = (char)(0xe0 | (cp >> 12));
          *o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
          *o++ = (char)(0x80 | (cp & 0x3f));
        } else {
          *o++ = (char)(0xf0 | (cp >> 18));
          *o++ = (char)(0x80 | ((cp >> 12) & 0x3f));
          *o++ = (char)(0x80 | ((cp >> 6) & 0x3f));
          *o++ = (char)(0x80 | (cp & 0x3f));
        }
        break;
      }
      default: return -1;
      }
      continue;
    }
    /* A multi-byte UTF-8 sequence: copied after checking it the way jansson does. */
    size_t k;
    if (c >= 0xc2 && c <= 0xdf)
      k = 2;
    else if (c >= 0xe0 && c <= 0xef)
      k = 3;
    else if (c >= 0xf0 && c <= 0xf4)
      k = 4;
    else
      return -1;
    if ((size_t)(end - p) < k) return -1;
    for (size_t i = 1; i < k; i++)
      if ((p[i] & 0xc0) != 0x80) return -1;
    if ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] >= 0xa0) || (c == 0xf0 && p[1] < 0x90) ||
        (c == 0xf4 && p[1] >= 0x90))
      return -1;
    memcpy(o, p, k);
    o += k;
    p += k;
  }
  f->p = (const char *)p + 1;
  out->s = start;
  out->len = (size_t)(o - start);
  *o++ = '\0';
  f->r->used += out->len + 1;
  return 0;
}

static int fp_lit(fp *f, const char *w, size_t n) {
  if ((size_t)(f->end - f->p) < n || memcmp(f->p, w, n) != 0) return -1;
  f->p += n;
  return 0;
}

/* A string or null. */
static int fp_string_or_null(fp *f, fp_str *out) {
  if (f->p < f->end && *f->p == 'n') {
    out->s = NULL;
    out->len = 0;
    return fp_lit(f, "null", 4);
  }
  return fp_string(f, out);
}

/* An array of strings, or null (n = 0). */
static int fp_string_array(fp *f, fp_str *items, unsigned max, unsigned *n) {
  *n = 0;
  if (f->p < f->end && *f->p == 'n') return fp_lit(f, "null", 4);
  if (f->p >= f->end || *f->p != '[') return -1;
  f->p++;
  fp_ws(f);
  if (f->p < f->end && *f->p == ']') {
    f->p++;
    return 0;
  }
  for (;;) {
    fp_ws(f);
    if (*n >= max) return -1;
    if (fp_string(f, &items[*n]) != 0) return -1;
    (*n)++;
    fp_ws(f);
    if (f->p >= f->end) return -1;
    if (*f->p == ']') {
      f->p++;
      return 0;
    }
    if (*f->p != ',') return -1;
    f->p++;
  }
}

static bool fp_blank(const fp_str *s) {
  for (size_t i = 0; i < s->len; i++)
    if (s->s[i] != ' ' && s->s[i] != '\t' && s->s[i] != '\n' && s->s[i] != '\r') return false;
  return true;
}

/* A country the strict path takes without an issue. */
static bool fp_country_ok(const fp_str *c) {
  if (c->len == 1) return c->s[0] == 'D';
  return c->len == 3 && icao_state_valid(c->s) && strchr(c->s, '<') == NULL;
}

static int fp_documents(fp *f) {
  fp_rec *r = f->r;
  r->ndocs = 0;
  if (f->p < f->end && *f->p == 'n') return fp_lit(f, "null", 4);
  if (f->p >= f->end || *f->p != '[') return -1;
  f->p++;
  fp_ws(f);
  if (f->p < f->end && *f->p == ']') {
    f->p++;
    return 0;
  }
  for (;;) {
    fp_ws(f);
    if (r->ndocs >= WL_DOCUMENTS_MAX || f->p >= f->end || *f->p != '{') return -1;
    f->p++;
    fp_doc *d = &r->docs[r->ndocs++];
    memset(d, 0, sizeof *d);
    unsigned seen = 0;
    fp_ws(f);
    if (f->p < f->end && *f->p == '}') return -1; /* no number */
    for (;;) {
      fp_ws(f);
      fp_str key;
      if (fp_string(f, &key) != 0) return -1;
      fp_ws(f);
      if (fp_lit(f, ":", 1) != 0) return -1;
      fp_ws(f);
      unsigned bit;
      fp_str *dst;
      if (key.len == 6 && memcmp(key.s, "number", 6) == 0) {
        bit = 1;
        dst = &d->number;
        if (fp_string(f, dst) != 0) return -1;
      } else if (key.len == 4 && memcmp(key.s, "type", 4) == 0) {
        bit = 2;
        dst = &d->type;
        if (fp_string_or_null(f, dst) != 0) return -1;
      } else if (key.len == 7 && memcmp(key.s, "country", 7) == 0) {
        bit = 4;
        dst = &d->country;
        if (fp_string_or_null(f, dst) != 0) return -1;
        if (dst->s != NULL && dst->len > 0 && !fp_country_ok(dst)) return -1;
      } else {
        return -1;
      }
      if (seen & bit) return -1;
      seen |= bit;
      fp_ws(f);
      if (f->p >= f->end) return -1;
      if (*f->p == '}') {
        f->p++;
        break;
      }
      if (*f->p != ',') return -1;
      f->p++;
    }
    if (!(seen & 1) || fp_blank(&d->number) || d->number.len > WL_DOC_NUMBER_BYTES_MAX) return -1;
    fp_ws(f);
    if (f->p >= f->end) return -1;
    if (*f->p == ']') {
      f->p++;
      return 0;
    }
    if (*f->p != ',') return -1;
    f->p++;
  }
}

enum {
  FP_ID = 1 << 0,
  FP_KIND = 1 << 1,
  FP_NAMES = 1 << 2,
  FP_DATES = 1 << 3,
  FP_NATS = 1 << 4,
  FP_SEX = 1 << 5,
  FP_DOCS = 1 << 6,
  FP_CATEGORY = 1 << 7,
  FP_NOTES = 1 << 8
};

/* Parse one line; 0 when the fast path takes it (nothing reported yet), -1 to use jansson. */
static int fp_parse(fp_rec *r, const char *s, size_t len) {
  fp f = {s, s + len, r};
  r->used = 0;
  r->nnames = r->ndates = r->nnats = r->ndocs = 0;
  memset(&r->id, 0, sizeof r->id);
  r->kind = r->sex = r->category = r->notes = r->id;
  unsigned seen = 0;
  fp_ws(&f);
  if (fp_lit(&f, "{", 1) != 0) return -1;
  fp_ws(&f);
  if (f.p < f.end && *f.p == '}') return -1; /* no id */
  for (;;) {
    fp_ws(&f);
    fp_str key;
    if (fp_string(&f, &key) != 0) return -1;
    fp_ws(&f);
    if (fp_lit(&f, ":", 1) != 0) return -1;
    fp_ws(&f);
    unsigned bit = 0;
    const char *k = key.s;
    switch (key.len) {
    case 2:
      if (memcmp(k, "id", 2) == 0) {
        bit = FP_ID;
        if (fp_string(&f, &r->id) != 0 || r->id.len == 0 || r->id.len > WL_ID_BYTES_MAX ||
            memchr(r->id.s, '\0', r->id.len) != NULL)
          return -1;
      }
      break;
    case 3:
      if (memcmp(k, "sex", 3) == 0) {
        bit = FP_SEX;
        if (fp_string_or_null(&f, &r->sex) != 0) return -1;
        if (r->sex.s != NULL && r->sex.len > 1) return -1;
        if (r->sex.len == 1 && strchr("MFXU", r->sex.s[0]) == NULL) return -1;
      }
      break;
    case 4:
      if (memcmp(k, "kind", 4) == 0) {
        bit = FP_KIND;
        if (fp_string_or_null(&f, &r->kind) != 0) return -1;
      }
      break;
    case 5:
      if (memcmp(k, "names", 5) == 0) {
        bit = FP_NAMES;
        if (fp_string_array(&f, r->names, WL_NAMES_MAX, &r->nnames) != 0) return -1;
        for (unsigned i = 0; i < r->nnames; i++)
          if (fp_blank(&r->names[i]) || r->names[i].len > WL_NAME_BYTES_MAX) return -1;
      } else if (memcmp(k, "notes", 5) == 0) {
        bit = FP_NOTES;
        if (fp_string_or_null(&f, &r->notes) != 0) return -1;
      }
      break;
    case 8:
      if (memcmp(k, "category", 8) == 0) {
        bit = FP_CATEGORY;
        if (fp_string_or_null(&f, &r->category) != 0) return -1;
      }
      break;
    case 9:
      if (memcmp(k, "documents", 9) == 0) {
        bit = FP_DOCS;
        if (fp_documents(&f) != 0) return -1;
      }
      break;
    case 11:
      if (memcmp(k, "birth_dates", 11) == 0) {
        bit = FP_DATES;
        if (fp_string_array(&f, r->dates, WL_DATES_MAX, &r->ndates) != 0) return -1;
      }
      break;
    case 13:
      if (memcmp(k, "nationalities", 13) == 0) {
        bit = FP_NATS;
        if (fp_string_array(&f, r->nats, WL_NATIONALITIES_MAX, &r->nnats) != 0) return -1;
        for (unsigned i = 0; i < r->nnats; i++)
          if (!fp_country_ok(&r->nats[i])) return -1;
      }
      break;
    default: break;
    }
    if (bit == 0 || (seen & bit)) return -1; /* unknown or repeated member */
    seen |= bit;
    fp_ws(&f);
    if (f.p >= f.end) return -1;
    if (*f.p == '}') {
      f.p++;
      break;
    }
    if (*f.p != ',') return -1;
    f.p++;
  }
  fp_ws(&f);
  if (f.p != f.end || !(seen & FP_ID)) return -1;
  return 0;
}

/* Hand a parsed record to the loader, as the jansson path would. -1 when a value needs an issue
 * after all (the jansson path then reads the line again, from the start). */
static int fp_commit(wl__loader *ld, fp_rec *r, unsigned line) {
  wl_kind kind = WL_KIND_PERSON;
  if (r->kind.s != NULL) {
    if (r->kind.len == 6 && memcmp(r->kind.s, "person", 6) == 0)
      kind = WL_KIND_PERSON;
    else if (r->kind.len == 8 && memcmp(r->kind.s, "document", 8) == 0)
      kind = WL_KIND_DOCUMENT;
    else if (r->kind.len == 6 && memcmp(r->kind.s, "entity", 6) == 0)
      kind = WL_KIND_ENTITY;
    else if (r->kind.len == 5 && memcmp(r->kind.s, "other", 5) == 0)
      kind = WL_KIND_OTHER;
    else
      return -1;
  }
  /* Records that will be skipped or draw an issue at commit go the long way for their messages. */
  if (kind == WL_KIND_DOCUMENT && (r->ndocs == 0 || r->nnames > 0)) return -1;
  if (kind != WL_KIND_DOCUMENT && r->nnames == 0) return -1;
  wl_date dates[WL_DATES_MAX];
  for (unsigned i = 0; i < r->ndates; i++)
    if (wl_date_parse(r->dates[i].s, r->dates[i].len, &dates[i]) != 0) return -1;
  wl__rec_begin(ld, line);
  wl__rec_id(ld, r->id.s, r->id.len);
  wl__rec_kind(ld, kind);
  for (unsigned i = 0; i < r->nnames; i++)
    wl__rec_name(ld, r->names[i].s, r->names[i].len, 0, line, "names");
  for (unsigned i = 0; i < r->ndates; i++) wl__rec_date(ld, &dates[i]);
  for (unsigned i = 0; i < r->nnats; i++)
    wl__rec_nationality(ld, wl_country_code(r->nats[i].s, r->nats[i].len));
  if (r->sex.len == 1 && (r->sex.s[0] == 'M' || r->sex.s[0] == 'F')) wl__rec_sex(ld, r->sex.s[0]);
  for (unsigned i = 0; i < r->ndocs; i++) {
    const fp_doc *d = &r->docs[i];
    const char *type = "";
    if (d->type.s != NULL) {
      type = wl__intern(ld, d->type.s, d->type.len);
      if (type == NULL) type = "";
    }
    const char *country = "";
    if (d->country.s != NULL && d->country.len > 0)
      country = wl_country_code(d->country.s, d->country.len);
    wl__rec_document(ld, type, d->number.s, d->number.len, country, line, "documents");
  }
  if (r->category.s != NULL) wl__rec_category(ld, r->category.s, r->category.len);
  if (r->notes.s != NULL) wl__rec_notes(ld, r->notes.s, r->notes.len);
  wl__rec_commit(ld);
  return 0;
}

bm_err wl__load_jsonl(wl__loader *ld, const char *data, size_t len, int fast) {
  fp_rec *r = NULL;
  if (fast) {
    r = malloc(sizeof *r);
    if (r == NULL) return BM_ERR_NOMEM;
    r->scratch = NULL;
  }
  size_t scratch_cap = 0;
  bm_err err = BM_OK;
  const char *p = data, *end = data + len;
  if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) p += 3;
  unsigned line = 0;
  while (p < end) {
    line++;
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *eol = nl ? nl : end;
    const char *s = p, *e = eol;
    p = nl ? nl + 1 : end;
    while (s < e && (*s == ' ' || *s == '\t')) s++;
    while (e > s && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t')) e--;
    if (s == e) continue;
    size_t n = (size_t)(e - s);
    if (r != NULL && n <= WL_LINE_BYTES_MAX) {
      if (n + 1 > scratch_cap) {
        size_t ncap = scratch_cap ? scratch_cap : 4096;
        while (ncap < n + 1) ncap *= 2;
        char *t = realloc(r->scratch, ncap);
        if (t == NULL) {
          err = BM_ERR_NOMEM;
          break;
        }
        r->scratch = t;
        scratch_cap = ncap;
      }
      if (fp_parse(r, s, n) == 0 && fp_commit(ld, r, line) == 0) {
        if (wl__loader_nomem(ld)) {
          err = BM_ERR_NOMEM;
          break;
        }
        continue;
      }
    }
    read_record(ld, line, s, n);
    if (wl__loader_nomem(ld)) {
      err = BM_ERR_NOMEM;
      break;
    }
  }
  if (r != NULL) free(r->scratch);
  free(r);
  return err;
}
