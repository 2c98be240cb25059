/* http_resp.c - filling responses: JSON, text, RFC 9457 problem details, extra headers. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_internal.h"

void http__buf_put(http__buf *b, const char *s, size_t n) {
  if (b->failed) return;
  if (b->len + n + 1 > b->cap) {
    size_t ncap = b->cap ? b->cap : 1024;
    while (ncap < b->len + n + 1) ncap *= 2;
    char *p = realloc(b->p, ncap);
    if (p == NULL) {
      b->failed = 1;
      return;
    }
    b->p = p;
    b->cap = ncap;
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
}

void http__buf_printf(http__buf *b, const char *fmt, ...) {
  char tmp[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n < 0) {
    b->failed = 1;
    return;
  }
  if ((size_t)n < sizeof tmp) {
    http__buf_put(b, tmp, (size_t)n);
    return;
  }
  char *big = malloc((size_t)n + 1);
  if (big == NULL) {
    b->failed = 1;
    return;
  }
  va_start(ap, fmt);
  vsnprintf(big, (size_t)n + 1, fmt, ap);
  va_end(ap);
  http__buf_put(b, big, (size_t)n);
  free(big);
}

const char *http_status_phrase(int status) {
  switch (status) {
  case 200: return "OK";
  case 201: return "Created";
  case 202: return "Accepted";
  case 204: return "No Content";
  case 304: return "Not Modified";
  case 400: return "Bad Request";
  case 401: return "Unauthorized";
  case 403: return "Forbidden";
  case 404: return "Not Found";
  case 405: return "Method Not Allowed";
  case 409: return "Conflict";
  case 410: return "Gone";
  case 412: return "Precondition Failed";
  case 413: return "Content Too Large";
  case 414: return "URI Too Long";
  case 415: return "Unsupported Media Type";
  case 422: return "Unprocessable Content";
  case 429: return "Too Many Requests";
  case 431: return "Request Header Fields Too Large";
  case 500: return "Internal Server Error";
  case 501: return "Not Implemented";
  case 503: return "Service Unavailable";
  default: return "Unknown";
  }
}

void http__resp_init(http_resp *resp, const char *request_id) {
  memset(resp, 0, sizeof *resp);
  resp->fd = -1;
  resp->request_id = request_id;
}

void http__resp_release(http_resp *resp) {
  free(resp->body);
  resp->body = NULL;
  for (size_t i = 0; i < resp->nheaders; i++) {
    free(resp->hnames[i]);
    free(resp->hvalues[i]);
  }
  resp->nheaders = 0;
  /* resp->fd belongs to the MHD response once queued; http__static_serve closes it on failure. */
}

static void set_body(http_resp *resp, int status, const char *ctype, char *body, size_t len) {
  free(resp->body);
  resp->status = status;
  resp->body = body;
  resp->len = len;
  snprintf(resp->content_type, sizeof resp->content_type, "%s", ctype);
}

/* The last resort when even a problem document cannot be built. */
static void set_oom(http_resp *resp) {
  static const char msg[] = "{\"type\":\"about:blank\",\"title\":\"Internal Server Error\","
                            "\"status\":500,\"detail\":\"out of memory\"}";
  char *b = malloc(sizeof msg);
  if (b != NULL) memcpy(b, msg, sizeof msg);
  set_body(resp, 500, "application/problem+json", b, b ? sizeof msg - 1 : 0);
}

static void set_json(http_resp *resp, int status, const char *ctype, json_t *body) {
  char *s = body ? json_dumps(body, JSON_COMPACT) : NULL;
  json_decref(body);
  if (s == NULL) {
    set_oom(resp);
    return;
  }
  set_body(resp, status, ctype, s, strlen(s));
}

void http_resp_json(http_resp *resp, int status, json_t *body) {
  set_json(resp, status, "application/json", body);
}

void http_resp_text(http_resp *resp, int status, const char *content_type, const char *text,
                    size_t len) {
  char *b = malloc(len + 1);
  if (b == NULL) {
    set_oom(resp);
    return;
  }
  if (len) memcpy(b, text, len);
  b[len] = '\0';
  set_body(resp, status, content_type ? content_type : "text/plain; charset=utf-8", b, len);
}

json_t *http__problem_new(int status, const char *slug, const char *title, const char *detail,
                          const char *request_id) {
  char type[128];
  if (slug != NULL)
    snprintf(type, sizeof type, "%s%s", HTTP_PROBLEM_TYPE_PREFIX, slug);
  else
    snprintf(type, sizeof type, "about:blank");
  json_t *o = json_object();
  if (o == NULL) return NULL;
  json_object_set_new(o, "type", json_string(type));
  json_object_set_new(o, "title", json_string(title ? title : http_status_phrase(status)));
  json_object_set_new(o, "status", json_integer(status));
  /* A detail that is not UTF-8 (it may quote input) is replaced rather than lost silently. */
  if (detail != NULL) {
    json_t *d = json_string(detail);
    json_object_set_new(o, "detail", d ? d : json_string("(detail not representable)"));
  }
  if (request_id != NULL && request_id[0]) {
    char inst[96];
    snprintf(inst, sizeof inst, "urn:openbmis:request:%s", request_id);
    json_object_set_new(o, "instance", json_string(inst));
  }
  return o;
}

void http_resp_problem(http_resp *resp, int status, const char *slug, const char *title,
                       const char *detail_fmt, ...) {
  char detail[1024];
  if (detail_fmt != NULL) {
    va_list ap;
    va_start(ap, detail_fmt);
    vsnprintf(detail, sizeof detail, detail_fmt, ap);
    va_end(ap);
  }
  json_t *o = http__problem_new(status, slug, title, detail_fmt ? detail : NULL, resp->request_id);
  set_json(resp, status, "application/problem+json", o);
}

static json_t *str_or_null(const char *s) {
  json_t *j = (s != NULL && s[0]) ? json_string(s) : NULL;
  return j ? j : json_null();
}

void http__resp_problem_errors(http_resp *resp, int status, const char *slug, const char *detail,
                               const bm_diag *diags, size_t ndiags) {
  json_t *o = http__problem_new(status, slug, NULL, detail, resp->request_id);
  json_t *errs = json_array();
  for (size_t i = 0; o != NULL && errs != NULL && i < ndiags; i++) {
    const bm_diag *d = &diags[i];
    json_t *e = json_object();
    if (e == NULL) break;
    json_object_set_new(e, "field", str_or_null(d->field));
    json_object_set_new(e, "line", d->line ? json_integer(d->line) : json_null());
    json_object_set_new(e, "column", d->column ? json_integer(d->column) : json_null());
    json_object_set_new(e, "message", str_or_null(d->message));
    json_array_append_new(errs, e);
  }
  if (o != NULL) json_object_set_new(o, "errors", errs ? errs : json_array());
  set_json(resp, status, "application/problem+json", o);
}

static int header_text_ok(const char *s) {
  for (; *s; s++)
    if (*s == '\r' || *s == '\n') return 0;
  return 1;
}

bm_err http_resp_header(http_resp *resp, const char *name, const char *value) {
  if (resp == NULL || name == NULL || value == NULL || name[0] == '\0') return BM_ERR_USAGE;
  if (!header_text_ok(name) || !header_text_ok(value) || strchr(name, ':') != NULL)
    return BM_ERR_INVALID;
  if (resp->nheaders == HTTP_RESP_HEADERS_MAX) return BM_ERR_LIMIT;
  char *n = strdup(name), *v = strdup(value);
  if (n == NULL || v == NULL) {
    free(n);
    free(v);
    return BM_ERR_NOMEM;
  }
  resp->hnames[resp->nheaders] = n;
  resp->hvalues[resp->nheaders] = v;
  resp->nheaders++;
  return BM_OK;
}

void http_resp_problem_diags(http_resp *resp, int status, const char *detail, const bm_diag *diags,
                             size_t ndiags) {
  http__resp_problem_errors(resp, status, "validation", detail, diags, ndiags);
}
