/* http_router.c - compiling route tables and matching request paths against them.
 *
 * A pattern is "/" literal-or-{param} segments. Compilation checks every row once, at start-up,
 * so that a typo in the table (unknown permission, public route with a permission, bad pattern,
 * duplicate) stops the server instead of surfacing as a 500 or, worse, an open route. Matching is
 * a linear scan in table order: tables are a few hundred rows at most and each comparison stops at
 * the first differing segment.
 */
#include <stdlib.h>
#include <string.h>

#include "http/http_internal.h"

static const char *const methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};

static int method_known(const char *m) {
  for (size_t i = 0; i < BM_COUNTOF(methods); i++)
    if (strcmp(methods[i], m) == 0) return 1;
  return 0;
}

static int param_name_ok(const char *s, size_t n) {
  if (n == 0) return 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    int ok = (c >= 'a' && c <= 'z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
    if (!ok) return 0;
  }
  return 1;
}

static bm_err compile_one(http__route *r, const http_route *row, size_t index, size_t body_default,
                          bm_diag *diag) {
  r->row = row;
  const char *p = row->pattern;
  if (row->method == NULL || !method_known(row->method))
    return bm_diag_set(diag, BM_ERR_USAGE, "routes", (unsigned)index + 1, 0,
                       "route %zu: unknown method", index + 1);
  if (p == NULL || p[0] != '/')
    return bm_diag_set(diag, BM_ERR_USAGE, "routes", (unsigned)index + 1, 0,
                       "route %zu: pattern must start with '/'", index + 1);
  if (row->handler == NULL)
    return bm_diag_set(diag, BM_ERR_USAGE, "routes", (unsigned)index + 1, 0,
                       "route %zu (%s %s): no handler", index + 1, row->method, p);
  if (row->flags & HTTP_ROUTE_PUBLIC) {
    if (row->perm != NULL)
      return bm_diag_set(diag, BM_ERR_USAGE, "routes", (unsigned)index + 1, 0,
                         "route %s %s: a public route cannot require a permission", row->method, p);
  } else if (http_perm_find(row->perm) == NULL) {
    return bm_diag_set(diag, BM_ERR_USAGE, "routes", (unsigned)index + 1, 0,
                       "route %s %s: unknown permission '%s'", row->method, p,
                       row->perm ? row->perm : "(none)");
  }
  if (row->body_max > HTTP_BODY_BYTES_MAX)
    return bm_diag_set(diag, BM_ERR_USAGE, "routes", (unsigned)index + 1, 0,
                       "route %s %s: body limit above %u bytes", row->method, p,
                       HTTP_BODY_BYTES_MAX);
  r->body_max = row->body_max ? row->body_max : body_default;
  r->nsegs = 0;
  size_t nparams = 0;
  if (p[1] == '\0') return BM_OK; /* "/" */
  const char *s = p + 1;
  for (;;) {
    const char *slash = strchr(s, '/');
    size_t n = slash ? (size_t)(slash - s) : strlen(s);
    if (r->nsegs == HTTP_PATH_SEGMENTS_MAX || n == 0)
      return bm_diag_set(diag, BM_ERR_USAGE, "routes", (unsigned)index + 1, 0,
                         "route %s %s: empty segment or too many segments", row->method, p);
    int is_param = s[0] == '{';
    if (is_param) {
      if (n < 3 || s[n - 1] != '}' || !param_name_ok(s + 1, n - 2) ||
          ++nparams > HTTP_PATH_PARAMS_MAX)
        return bm_diag_set(diag, BM_ERR_USAGE, "routes", (unsigned)index + 1, 0,
                           "route %s %s: bad parameter", row->method, p);
      r->segs[r->nsegs] = s + 1;
      r->seglens[r->nsegs] = n - 2;
    } else {
      if (memchr(s, '{', n) || memchr(s, '}', n))
        return bm_diag_set(diag, BM_ERR_USAGE, "routes", (unsigned)index + 1, 0,
                           "route %s %s: '{' inside a literal segment", row->method, p);
      r->segs[r->nsegs] = s;
      r->seglens[r->nsegs] = n;
    }
    r->is_param[r->nsegs] = (unsigned char)is_param;
    r->nsegs++;
    if (slash == NULL) break;
    s = slash + 1;
  }
  return BM_OK;
}

/* Same method and the same shape (literals equal, parameters anywhere): the later row could never
 * be reached. */
static int same_shape(const http__route *a, const http__route *b) {
  if (strcmp(a->row->method, b->row->method) != 0 || a->nsegs != b->nsegs) return 0;
  for (size_t i = 0; i < a->nsegs; i++) {
    if (a->is_param[i] != b->is_param[i]) return 0;
    if (!a->is_param[i] &&
        (a->seglens[i] != b->seglens[i] || memcmp(a->segs[i], b->segs[i], a->seglens[i]) != 0))
      return 0;
  }
  return 1;
}

bm_err http__routes_compile(http_server *srv, const http_route *rows, size_t n, bm_diag *diag) {
  srv->routes = calloc(n ? n : 1, sizeof *srv->routes);
  if (srv->routes == NULL) return bm_diag_set(diag, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  for (size_t i = 0; i < n; i++) {
    bm_err e = compile_one(&srv->routes[i], &rows[i], i, srv->cfg.body_max, diag);
    if (e != BM_OK) return e;
    for (size_t j = 0; j < i; j++)
      if (same_shape(&srv->routes[j], &srv->routes[i]))
        return bm_diag_set(diag, BM_ERR_USAGE, "routes", (unsigned)i + 1, 0,
                           "route %s %s duplicates %s", rows[i].method, rows[i].pattern,
                           rows[j].pattern);
  }
  srv->nroutes = n;
  return BM_OK;
}

static int path_matches(const http__route *r, const http_target *t) {
  if (r->nsegs != t->nsegs) return 0;
  for (size_t i = 0; i < r->nsegs; i++) {
    const char *seg = t->segs[i];
    if (r->is_param[i]) {
      if (seg[0] == '\0') return 0;
    } else if (strlen(seg) != r->seglens[i] || memcmp(seg, r->segs[i], r->seglens[i]) != 0) {
      return 0;
    }
  }
  return 1;
}

static void allow_add(char *allow, size_t cap, const char *m) {
  /* Skip duplicates: two patterns of one path shape may share a method. */
  size_t ml = strlen(m);
  for (const char *p = allow; (p = strstr(p, m)) != NULL; p += ml)
    if ((p == allow || p[-1] == ' ') && (p[ml] == ',' || p[ml] == '\0')) return;
  size_t len = strlen(allow);
  snprintf(allow + len, cap - len, "%s%s", len ? ", " : "", m);
}

int http__route_find(const http_server *srv, const char *method, const http_target *t,
                     http__request *rq, char *allow, size_t allow_cap) {
  /* HEAD is GET without the body (libmicrohttpd drops it). */
  const char *m = strcmp(method, "HEAD") == 0 ? "GET" : method;
  allow[0] = '\0';
  int path_seen = 0;
  for (size_t i = 0; i < srv->nroutes; i++) {
    const http__route *r = &srv->routes[i];
    if (!path_matches(r, t)) continue;
    if (strcmp(r->row->method, m) != 0) {
      path_seen = 1;
      allow_add(allow, allow_cap, r->row->method);
      if (strcmp(r->row->method, "GET") == 0) allow_add(allow, allow_cap, "HEAD");
      continue;
    }
    rq->route = r;
    rq->stats_index = i;
    rq->nparams = 0;
    for (size_t s = 0; s < r->nsegs; s++) {
      if (!r->is_param[s]) continue;
      rq->pnames[rq->nparams] = r->segs[s];
      rq->pnamelens[rq->nparams] = r->seglens[s];
      rq->pvalues[rq->nparams] = t->segs[s];
      rq->nparams++;
    }
    return 0;
  }
  return path_seen ? 405 : 404;
}
