/* http_server.c - the libmicrohttpd glue: listening, the life of one request, limits,
 * authentication and authorisation checks, response headers, audit and access log, graceful stop.
 *
 * Life of a request (libmicrohttpd calls, all on one worker thread of the pool):
 *   on_uri       request line read: allocate the request state, request id, client address.
 *   on_access #1 headers read: parse the target, route, authenticate, authorise, CSRF, check
 *                Content-Length. Any refusal is queued here, so a refused body is never read.
 *   on_access #k body chunks: buffered up to the route's limit; past it, discarded (413 later)
 *                and, past twice the limit, the connection is dropped.
 *   on_access #n end of body: parse JSON, run the handler, queue its response.
 *   on_completed response sent or connection gone: metrics, audit hook, access log, free.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "http/http_internal.h"

#define HTTP__THREADS_MAX 256u
#define HTTP__BACKLOG     1024

/* ---- Small helpers ---- */

static void make_request_id(char out[HTTP_REQUEST_ID_BYTES]) {
  static const char hex[] = "0123456789abcdef";
  static atomic_uint_fast64_t fallback;
  unsigned char r[16];
  if (getrandom(r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r) {
    /* No entropy yet (early boot): unique is enough for a request id. */
    uint64_t a = http__now_ns(), b = atomic_fetch_add(&fallback, 1);
    memcpy(r, &a, 8);
    memcpy(r + 8, &b, 8);
  }
  for (size_t i = 0; i < sizeof r; i++) {
    out[2 * i] = hex[r[i] >> 4];
    out[2 * i + 1] = hex[r[i] & 15];
  }
  out[32] = '\0';
}

static void client_address(struct MHD_Connection *c, http__request *rq) {
  snprintf(rq->client_addr, sizeof rq->client_addr, "unknown");
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (ci == NULL || ci->client_addr == NULL) return;
  const struct sockaddr *sa = ci->client_addr;
  if (sa->sa_family == AF_INET) {
    const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
    inet_ntop(AF_INET, &in->sin_addr, rq->client_addr, sizeof rq->client_addr);
    rq->loopback = (ntohl(in->sin_addr.s_addr) >> 24) == 127;
  } else if (sa->sa_family == AF_INET6) {
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
    inet_ntop(AF_INET6, &in6->sin6_addr, rq->client_addr, sizeof rq->client_addr);
    static const unsigned char v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    const unsigned char *b = in6->sin6_addr.s6_addr;
    rq->loopback = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr) ||
                   (memcmp(b, v4mapped, sizeof v4mapped) == 0 && b[12] == 127);
  }
}

static const char *header(const http__request *rq, const char *name) {
  return MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND, name);
}

static int method_is_safe(const char *m) {
  return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0 || strcmp(m, "OPTIONS") == 0;
}

/* application/json and application/<anything>+json, parameters ignored. */
static int is_json_type(const char *ct) {
  if (ct == NULL) return 0;
  while (*ct == ' ') ct++;
  size_t n = strcspn(ct, ";");
  while (n > 0 && (ct[n - 1] == ' ' || ct[n - 1] == '\t')) n--;
  if (n == 16 && strncasecmp(ct, "application/json", 16) == 0) return 1;
  return n > 17 && strncasecmp(ct, "application/", 12) == 0 &&
         strncasecmp(ct + n - 5, "+json", 5) == 0;
}

/* ---- Sending ---- */

static void add_security_headers(struct MHD_Response *r, const http_resp *resp) {
  /* The UI is same-origin only: no inline script, no framing, no sniffing, no referrers leaking
   * identifiers in URLs, and nothing personal left in caches. */
  MHD_add_response_header(r, "Content-Security-Policy",
                          "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
                          "form-action 'self'; object-src 'none'");
  MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
  MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
  MHD_add_response_header(r, "X-Frame-Options", "DENY");
  MHD_add_response_header(r, "Cache-Control",
                          resp->cache_control ? resp->cache_control : "no-store");
}

static enum MHD_Result send_resp(http__request *rq, http_resp *resp) {
  http_server *srv = rq->srv;
  struct MHD_Response *r;
  if (resp->fd >= 0) {
    r = MHD_create_response_from_fd64(resp->fd_size, resp->fd);
    if (r == NULL) close(resp->fd);
    resp->fd = -1;
  } else if (resp->len == 0) {
    r = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
  } else {
    r = MHD_create_response_from_buffer(resp->len, resp->body, MHD_RESPMEM_MUST_FREE);
    if (r != NULL) resp->body = NULL; /* libmicrohttpd free()s it */
  }
  if (r == NULL) {
    http__resp_release(resp);
    return MHD_NO;
  }
  if (resp->content_type[0]) MHD_add_response_header(r, "Content-Type", resp->content_type);
  add_security_headers(r, resp);
  MHD_add_response_header(r, "X-Request-Id", rq->request_id);
  for (size_t i = 0; i < resp->nheaders; i++)
    MHD_add_response_header(r, resp->hnames[i], resp->hvalues[i]);
  /* While stopping, tell keep-alive clients to go: their next request would find no server. */
  if (atomic_load(&srv->stopping)) MHD_add_response_header(r, "Connection", "close");
  rq->status = resp->status;
  enum MHD_Result ret = MHD_queue_response(rq->conn, (unsigned)resp->status, r);
  MHD_destroy_response(r);
  http__resp_release(resp);
  return ret;
}

/* Queue a refusal during the header phase. */
static enum MHD_Result refuse(http__request *rq, http_resp *resp) {
  rq->rejected = 1;
  return send_resp(rq, resp);
}

/* ---- The header phase: route, authenticate, authorise ---- */

static int unauthenticated(http__request *rq, http_resp *resp, const char *www, const char *why) {
  http_resp_problem(resp, 401, "unauthenticated", NULL, "%s", why);
  http_resp_header(resp, "WWW-Authenticate", www);
  return 401;
}

/* 0 when the request may go on (rq->principal filled if authenticated), else the status queued
 * into resp. */
static int authenticate(http__request *rq, http_resp *resp) {
  http_server *srv = rq->srv;
  const http_route *row = rq->route->row;
  if (row->flags & HTTP_ROUTE_PUBLIC) return 0;
  if ((row->flags & HTTP_ROUTE_LOOPBACK) && rq->loopback && !srv->cfg.distrust_loopback) return 0;

  char cred[HTTP_CREDENTIAL_BYTES_MAX];
  http_credentials cr = {.client_addr = rq->client_addr, .request_id = rq->request_id};
  http_session_kind kind;
  const char *authz = header(rq, "Authorization");
  if (authz != NULL) {
    if (http_bearer_get(authz, cred, sizeof cred) != BM_OK)
      return unauthenticated(rq, resp, "Bearer realm=\"openbmis\", error=\"invalid_request\"",
                             "the Authorization header must be 'Bearer <token>'");
    cr.bearer = cred;
    kind = HTTP_SESSION_BEARER;
  } else {
    const char *cookies = header(rq, "Cookie");
    if (cookies == NULL || http_cookie_get(cookies, srv->cookie_name, cred, sizeof cred) != BM_OK ||
        cred[0] == '\0')
      return unauthenticated(rq, resp, "Bearer realm=\"openbmis\"",
                             "this resource needs a session: sign in (POST /api/v1/sessions)");
    cr.cookie = cred;
    kind = HTTP_SESSION_COOKIE;
  }
  http_principal *p = &rq->principal;
  memset(p, 0, sizeof *p);
  bm_err e = srv->cfg.auth ? srv->cfg.auth(srv->cfg.auth_ctx, &cr, p) : BM_ERR_NOTFOUND;
  memset(cred, 0, sizeof cred);
  if (e == BM_ERR_NOTFOUND)
    return unauthenticated(rq, resp,
                           kind == HTTP_SESSION_BEARER
                               ? "Bearer realm=\"openbmis\", error=\"invalid_token\""
                               : "Bearer realm=\"openbmis\"",
                           "the session is unknown, expired or revoked");
  if (e != BM_OK) {
    http_resp_problem(resp, 503, "auth-unavailable", NULL, "sessions cannot be checked now");
    return 503;
  }
  p->kind = kind;
  p->username[sizeof p->username - 1] = '\0';
  p->csrf_token[sizeof p->csrf_token - 1] = '\0';
  rq->authenticated = 1;

  const char *role = http_role_name(p->role);
  if (!http_perm_allows(p->role, row->perm)) {
    http_resp_problem(resp, 403, "forbidden", NULL, "role '%s' lacks the permission '%s'",
                      role ? role : "none", row->perm);
    return 403;
  }
  if (kind == HTTP_SESSION_COOKIE && !method_is_safe(rq->method) &&
      !(row->flags & HTTP_ROUTE_CSRF_EXEMPT)) {
    const char *tok = header(rq, HTTP_CSRF_HEADER);
    if (tok == NULL || p->csrf_token[0] == '\0' || !http_secret_equal(tok, p->csrf_token)) {
      http_resp_problem(resp, 403, "csrf", "CSRF token missing or wrong",
                        "a cookie session must send its token in " HTTP_CSRF_HEADER);
      return 403;
    }
  }
  return 0;
}

static enum MHD_Result begin(http__request *rq) {
  http_server *srv = rq->srv;
  http_resp resp;
  http__resp_init(&resp, rq->request_id);
  bm_diag d = {0};

  const char *raw = rq->raw_target ? rq->raw_target : "";
  bm_err e = http_target_parse(raw, strlen(raw), &rq->target, &d);
  if (e == BM_ERR_LIMIT) {
    http_resp_problem(&resp, 414, "target-too-long", NULL, "%s", d.message);
    return refuse(rq, &resp);
  }
  if (e != BM_OK) {
    http_resp_problem(&resp, 400, "bad-target", NULL, "%s", d.message);
    return refuse(rq, &resp);
  }

  char allow[128];
  int found = http__route_find(srv, rq->method, &rq->target, rq, allow, sizeof allow);
  if (found == 404) {
    int is_api = rq->target.nsegs > 0 && strcmp(rq->target.segs[0], "api") == 0;
    if (srv->cfg.web_dir != NULL && !is_api &&
        (strcmp(rq->method, "GET") == 0 || strcmp(rq->method, "HEAD") == 0)) {
      rq->stats_index = srv->nroutes;
      http__static_serve(srv, &rq->target, &resp);
    } else {
      http_resp_problem(&resp, 404, "not-found", NULL, "no resource at this path");
    }
    return refuse(rq, &resp);
  }
  if (found == 405) {
    http_resp_problem(&resp, 405, "method-not-allowed", NULL, "this resource allows %s", allow);
    http_resp_header(&resp, "Allow", allow);
    return refuse(rq, &resp);
  }

  if (authenticate(rq, &resp) != 0) return refuse(rq, &resp);

  rq->body_max = rq->route->body_max;
  const char *cl = header(rq, "Content-Length");
  if (cl != NULL) {
    char *end;
    errno = 0;
    unsigned long long n = strtoull(cl, &end, 10);
    if (errno != 0 || end == cl || n > rq->body_max) {
      http_resp_problem(&resp, 413, "body-too-large", NULL,
                        "the body of this request may be at most %zu bytes", rq->body_max);
      return refuse(rq, &resp);
    }
    if (n > 0) {
      rq->body = malloc((size_t)n + 1);
      if (rq->body == NULL) return MHD_NO;
      rq->body_cap = (size_t)n + 1;
    }
  }
  return MHD_YES;
}

/* ---- Body and the handler ---- */

static enum MHD_Result take_body(http__request *rq, const char *data, size_t n) {
  rq->body_seen += n;
  if (!rq->body_too_large && rq->body_len + n > rq->body_max) {
    rq->body_too_large = 1;
    free(rq->body);
    rq->body = NULL;
    rq->body_len = rq->body_cap = 0;
  }
  if (rq->body_too_large) {
    /* Read on (and drop) a little so the 413 can be answered; a client that keeps sending far
     * past the limit loses the connection instead. */
    return rq->body_seen - rq->body_max > rq->body_max ? MHD_NO : MHD_YES;
  }
  if (rq->body_len + n + 1 > rq->body_cap) {
    size_t ncap = rq->body_cap ? rq->body_cap : 4096;
    while (ncap < rq->body_len + n + 1) ncap *= 2;
    if (ncap > rq->body_max + 1) ncap = rq->body_max + 1;
    char *nb = realloc(rq->body, ncap);
    if (nb == NULL) return MHD_NO;
    rq->body = nb;
    rq->body_cap = ncap;
  }
  memcpy(rq->body + rq->body_len, data, n);
  rq->body_len += n;
  return MHD_YES;
}

static enum MHD_Result finish(http__request *rq) {
  http_server *srv = rq->srv;
  http_resp resp;
  http__resp_init(&resp, rq->request_id);
  if (rq->body_too_large) {
    http_resp_problem(&resp, 413, "body-too-large", NULL,
                      "the body of this request may be at most %zu bytes", rq->body_max);
    return send_resp(rq, &resp);
  }
  if (rq->body != NULL) rq->body[rq->body_len] = '\0';

  http_req req = {
      .method = rq->method,
      .path = rq->target.path,
      .route = rq->route->row->pattern,
      .principal = rq->authenticated ? &rq->principal : NULL,
      .client_addr = rq->client_addr,
      .request_id = rq->request_id,
      .content_type = header(rq, "Content-Type"),
      .body = rq->body ? rq->body : "",
      .body_len = rq->body_len,
      .app = srv->cfg.app,
      .internal_ = rq,
  };
  if (rq->body_len > 0 && is_json_type(req.content_type)) {
    json_error_t jerr;
    req.json = json_loadb(req.body, req.body_len, JSON_REJECT_DUPLICATES, &jerr);
    if (req.json == NULL) {
      bm_diag d = {0};
      bm_diag_set(&d, BM_ERR_INVALID, NULL, jerr.line > 0 ? (unsigned)jerr.line : 0,
                  jerr.column > 0 ? (unsigned)jerr.column : 0, "%s", jerr.text);
      http__resp_problem_errors(&resp, 400, "malformed-json", "the request body is not valid JSON",
                                &d, 1);
      return send_resp(rq, &resp);
    }
  }
  rq->route->row->handler(&req, &resp);
  json_decref(req.json);
  if (resp.status < 100 || resp.status > 599) {
    http__resp_release(&resp);
    if (resp.fd >= 0) close(resp.fd);
    http__resp_init(&resp, rq->request_id);
    http_resp_problem(&resp, 500, "internal", NULL, "the handler produced no response");
  }
  return send_resp(rq, &resp);
}

/* ---- libmicrohttpd callbacks ---- */

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c) {
  http_server *srv = cls;
  http__request *rq = calloc(1, sizeof *rq);
  if (rq == NULL) return NULL;
  rq->srv = srv;
  rq->conn = c;
  rq->t0_ns = http__now_ns();
  rq->raw_target = strdup(uri ? uri : "");
  rq->stats_index = srv->nroutes + 1;
  make_request_id(rq->request_id);
  client_address(c, rq);
  return rq;
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *c, const char *url,
                                 const char *method, const char *version, const char *upload_data,
                                 size_t *upload_data_size, void **con_cls) {
  http_server *srv = cls;
  http__request *rq = *con_cls;
  if (rq == NULL || rq->raw_target == NULL) return MHD_NO; /* out of memory: drop */
  if (!rq->started) {
    rq->started = 1;
    atomic_fetch_add(&srv->inflight, 1);
    snprintf(rq->method, sizeof rq->method, "%s", method);
    return begin(rq);
  }
  if (rq->rejected) {
    *upload_data_size = 0;
    return MHD_YES;
  }
  if (*upload_data_size != 0) {
    enum MHD_Result r = take_body(rq, upload_data, *upload_data_size);
    *upload_data_size = 0;
    return r;
  }
  return finish(rq);
}

static void access_log(const http_server *srv, const http__request *rq, uint64_t dur_us) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  struct tm tm;
  gmtime_r(&ts.tv_sec, &tm);
  char when[40];
  size_t n = strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(when + n, sizeof when - n, ".%03ldZ", ts.tv_nsec / 1000000);
  json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s?,s:i,s:f}", "time", when, "request_id",
                        rq->request_id, "client", rq->client_addr, "method", rq->method, "route",
                        rq->route ? rq->route->row->pattern : NULL, "status", rq->status,
                        "duration_ms", (double)dur_us / 1000.0);
  if (o == NULL) return;
  if (rq->authenticated) {
    json_object_set_new(o, "user", json_string(rq->principal.username));
    const char *role = http_role_name(rq->principal.role);
    if (role) json_object_set_new(o, "role", json_string(role));
  }
  char *line = json_dumps(o, JSON_COMPACT);
  json_decref(o);
  if (line == NULL) return;
  size_t len = strlen(line);
  line[len] = '\n'; /* json_dumps' NUL becomes the newline; written with one call below */
  fwrite(line, 1, len + 1, srv->cfg.access_log);
  free(line);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
  http_server *srv = cls;
  http__request *rq = *con_cls;
  *con_cls = NULL;
  if (rq == NULL) return;
  if (rq->started) {
    uint64_t dur_us = (http__now_ns() - rq->t0_ns) / 1000;
    if (rq->status) http__metrics_record(srv, rq->stats_index, rq->status, dur_us);
    if (srv->cfg.audit != NULL) {
      http_audit_event ev = {
          .principal = rq->authenticated ? &rq->principal : NULL,
          .method = rq->method,
          .route = rq->route ? rq->route->row->pattern : NULL,
          .permission = rq->route ? rq->route->row->perm : NULL,
          .status = rq->status,
          .client_addr = rq->client_addr,
          .request_id = rq->request_id,
          .duration_us = dur_us,
      };
      srv->cfg.audit(srv->cfg.audit_ctx, &ev);
    }
    if (srv->cfg.access_log != NULL) access_log(srv, rq, dur_us);
    if (atomic_fetch_sub(&srv->inflight, 1) == 1 && atomic_load(&srv->stopping)) {
      pthread_mutex_lock(&srv->lock);
      pthread_cond_broadcast(&srv->idle);
      pthread_mutex_unlock(&srv->lock);
    }
  }
  memset(&rq->principal, 0, sizeof rq->principal);
  free(rq->body);
  free(rq->raw_target);
  free(rq);
}

/* ---- Request accessors ---- */

const char *http_req_param(const http_req *req, const char *name) {
  if (req == NULL || req->internal_ == NULL || name == NULL) return NULL;
  const http__request *rq = req->internal_;
  size_t n = strlen(name);
  for (size_t i = 0; i < rq->nparams; i++)
    if (rq->pnamelens[i] == n && memcmp(rq->pnames[i], name, n) == 0) return rq->pvalues[i];
  return NULL;
}

const char *http_req_query(const http_req *req, const char *name) {
  if (req == NULL || req->internal_ == NULL || name == NULL) return NULL;
  const http_target *t = &req->internal_->target;
  for (size_t i = 0; i < t->nquery; i++)
    if (strcmp(t->qkeys[i], name) == 0) return t->qvals[i];
  return NULL;
}

const char *http_req_header(const http_req *req, const char *name) {
  if (req == NULL || req->internal_ == NULL || name == NULL) return NULL;
  return header(req->internal_, name);
}

/* ---- The server ---- */

bm_err http_server_new(const http_config *cfg, http_server **out, bm_diag *diag) {
  if (cfg == NULL || out == NULL) return bm_diag_set(diag, BM_ERR_USAGE, NULL, 0, 0, "NULL");
  *out = NULL;
  http_server *srv = calloc(1, sizeof *srv);
  if (srv == NULL) return bm_diag_set(diag, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  srv->cfg = *cfg;
  srv->listen_fd = -1;
  http_config *c = &srv->cfg;
  if (c->listen == NULL) c->listen = HTTP_LISTEN_DEFAULT;
  if (c->connections_max == 0) c->connections_max = HTTP_CONNECTIONS_DEFAULT;
  if (c->timeout_seconds == 0) c->timeout_seconds = HTTP_TIMEOUT_SECONDS_DEFAULT;
  if (c->body_max == 0) c->body_max = HTTP_BODY_BYTES_DEFAULT;
  if (c->header_bytes_max == 0) c->header_bytes_max = HTTP_HEADER_BYTES_DEFAULT;
  srv->cookie_name = c->cookie_name ? c->cookie_name : HTTP_COOKIE_NAME_DEFAULT;
  if (c->threads > HTTP__THREADS_MAX) c->threads = HTTP__THREADS_MAX;
  bm_err e = BM_OK;
  if (c->body_max > HTTP_BODY_BYTES_MAX) {
    e = bm_diag_set(diag, BM_ERR_USAGE, "body_max", 0, 0, "body limit above %u bytes",
                    HTTP_BODY_BYTES_MAX);
    goto fail;
  }
  if (http_listen_parse(c->listen, srv->host, sizeof srv->host, &srv->port) != BM_OK) {
    e = bm_diag_set(diag, BM_ERR_USAGE, "listen", 0, 0,
                    "'%s' is not HOST:PORT (IPv6 as [ADDR]:PORT)", c->listen);
    goto fail;
  }
  const http_route *rows = c->routes;
  size_t n = c->nroutes;
  if (rows == NULL) rows = http_routes_all(&n);
  e = http__routes_compile(srv, rows, n, diag);
  if (e != BM_OK) goto fail;
  srv->stats = calloc(srv->nroutes + 2, sizeof *srv->stats);
  if (srv->stats == NULL) {
    e = bm_diag_set(diag, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    goto fail;
  }
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_init(&srv->idle, &ca);
  pthread_condattr_destroy(&ca);
  pthread_mutex_init(&srv->lock, NULL);
  /* jansson seeds its hash function on first use; do it here, before any worker thread. */
  json_object_seed(0);
  *out = srv;
  return BM_OK;
fail:
  free(srv->routes);
  free(srv);
  return e;
}

/* Bind ourselves rather than let libmicrohttpd do it: errors then have their errno. */
static bm_err open_listener(http_server *srv, int *fd_out, bm_diag *diag) {
  char port[8];
  snprintf(port, sizeof port, "%u", srv->port);
  struct addrinfo hints = {0}, *ai = NULL;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  int gai = getaddrinfo(srv->host, port, &hints, &ai);
  if (gai != 0)
    return bm_diag_set(diag, BM_ERR_IO, "listen", 0, 0, "%s: %s", srv->host, gai_strerror(gai));
  int fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    freeaddrinfo(ai);
    return bm_diag_set(diag, BM_ERR_IO, "listen", 0, 0, "socket: %s", strerror(errno));
  }
  int one = 1, zero = 0;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  /* "::" means every address, IPv4 included. */
  if (ai->ai_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
  if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(fd, HTTP__BACKLOG) != 0) {
    int err = errno;
    close(fd);
    freeaddrinfo(ai);
    return bm_diag_set(diag, BM_ERR_IO, "listen", 0, 0, "%s:%s: %s", srv->host, port,
                       strerror(err));
  }
  freeaddrinfo(ai);
  struct sockaddr_storage ss;
  socklen_t sl = sizeof ss;
  if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) {
    if (ss.ss_family == AF_INET)
      srv->port = ntohs(((struct sockaddr_in *)(void *)&ss)->sin_port);
    else if (ss.ss_family == AF_INET6)
      srv->port = ntohs(((struct sockaddr_in6 *)(void *)&ss)->sin6_port);
  }
  *fd_out = fd;
  return BM_OK;
}

bm_err http_server_start(http_server *srv, bm_diag *diag) {
  if (srv == NULL || srv->daemon != NULL)
    return bm_diag_set(diag, BM_ERR_USAGE, NULL, 0, 0, "server missing or already started");
  int fd = -1;
  bm_err e = open_listener(srv, &fd, diag);
  if (e != BM_OK) return e;
  unsigned threads = srv->cfg.threads;
  if (threads == 0) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    threads = n < 1 ? 1 : n > (long)HTTP__THREADS_MAX ? HTTP__THREADS_MAX : (unsigned)n;
  }
  /* ITC lets MHD_quiesce_daemon wake the pool; epoll scales past select's FD_SETSIZE. */
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC;
  if (srv->cfg.access_log != NULL) flags |= MHD_USE_ERROR_LOG;
  srv->started_ns = http__now_ns();
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  srv->started_unix_s = (double)now.tv_sec + (double)now.tv_nsec / 1e9;
  srv->daemon = MHD_start_daemon(
      flags, (uint16_t)srv->port, NULL, NULL, on_access, srv, MHD_OPTION_LISTEN_SOCKET, fd,
      MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv, MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
      MHD_OPTION_CONNECTION_LIMIT, srv->cfg.connections_max, MHD_OPTION_CONNECTION_TIMEOUT,
      srv->cfg.timeout_seconds, MHD_OPTION_CONNECTION_MEMORY_LIMIT, srv->cfg.header_bytes_max,
      threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END, threads, MHD_OPTION_END);
  if (srv->daemon == NULL) {
    close(fd);
    return bm_diag_set(diag, BM_ERR_IO, "listen", 0, 0,
                       "libmicrohttpd could not start on %s:%u (%u threads)", srv->host, srv->port,
                       threads);
  }
  return BM_OK;
}

unsigned http_server_port(const http_server *srv) {
  return srv && srv->daemon ? srv->port : 0;
}

unsigned http_server_inflight(const http_server *srv) {
  return srv ? atomic_load(&((http_server *)srv)->inflight) : 0;
}

int http_server_stopping(const http_server *srv) {
  return srv ? atomic_load(&((http_server *)srv)->stopping) : 0;
}

bm_err http_server_stop(http_server *srv, unsigned deadline_ms) {
  if (srv == NULL || srv->daemon == NULL) return BM_OK;
  atomic_store(&srv->stopping, 1);
  /* No new connections from here on; the listening socket stays open (unserved, the kernel
   * queues connects) until MHD_stop_daemon, as libmicrohttpd requires. */
  MHD_socket ls = MHD_quiesce_daemon(srv->daemon);
  struct timespec until;
  clock_gettime(CLOCK_MONOTONIC, &until);
  until.tv_sec += deadline_ms / 1000;
  until.tv_nsec += (long)(deadline_ms % 1000) * 1000000L;
  if (until.tv_nsec >= 1000000000L) {
    until.tv_sec++;
    until.tv_nsec -= 1000000000L;
  }
  pthread_mutex_lock(&srv->lock);
  while (atomic_load(&srv->inflight) > 0)
    if (pthread_cond_timedwait(&srv->idle, &srv->lock, &until) == ETIMEDOUT) break;
  int cut = atomic_load(&srv->inflight) > 0;
  pthread_mutex_unlock(&srv->lock);
  MHD_stop_daemon(srv->daemon);
  srv->daemon = NULL;
  if (ls != MHD_INVALID_SOCKET) close(ls);
  return cut ? BM_ERR_LIMIT : BM_OK;
}

void http_server_free(http_server *srv) {
  if (srv == NULL) return;
  if (srv->daemon != NULL) MHD_stop_daemon(srv->daemon);
  pthread_cond_destroy(&srv->idle);
  pthread_mutex_destroy(&srv->lock);
  free(srv->stats);
  free(srv->routes);
  free(srv);
}
