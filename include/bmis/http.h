/* http.h - the HTTP server of `bmis serve`: listener, router, limits, authentication and
 * authorisation hooks, RFC 9457 problem responses, metrics, static files, graceful shutdown.
 *
 * The server runs on GNU libmicrohttpd (an internal epoll thread pool) and speaks JSON through
 * jansson. It knows nothing of the store or of the use cases: those plug in from outside.
 *
 *   - Routes are rows of a table (http_route): method, path pattern with {parameters}, handler,
 *     the permission it needs, flags and a body limit. The application's table is in
 *     src/http/http_routes.c (http_routes_all); tests may pass their own.
 *   - Authentication is a callback (http_auth_fn) that turns a session cookie or a bearer token
 *     into an http_principal (user, role, session kind, CSRF token).
 *   - Authorisation is data: the permission table of src/http/http_perm.c says which roles hold
 *     which permission. The router checks the route's permission on every request, before the
 *     handler runs and before the request body is read.
 *   - An audit callback (http_audit_fn) sees every answered request with its principal, route
 *     pattern and status, so that reads of personal data can be recorded.
 *
 * Order of checks for each request (the first failure answers, nothing after it runs):
 *   request target malformed 400 / too long 414 -> no route 404 / wrong method 405 (Allow) ->
 *   no or invalid credentials 401 -> role lacks permission 403 -> cookie session, unsafe method,
 *   X-CSRF-Token missing or different 403 -> Content-Length above the route's limit 413 ->
 *   body above the limit while streaming 413 -> malformed JSON body 400 (line, column) -> handler.
 * Every error is application/problem+json (see http_resp_problem); every response carries the
 * security headers and X-Request-Id. docs/http.md is the operator's view of all this.
 *
 * Threads: handlers, the auth, audit and readiness callbacks run concurrently on the server's
 * threads and must be thread-safe. A handler may block (database I/O); size the pool accordingly.
 */
#ifndef BMIS_HTTP_H
#define BMIS_HTTP_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "bmis/base.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Limits (the unit is in the name) ---- */

#define HTTP_LISTEN_DEFAULT          "127.0.0.1:8080"
#define HTTP_BODY_BYTES_DEFAULT      (1u << 20)  /* request body of a route without its own limit */
#define HTTP_BODY_BYTES_MAX          (64u << 20) /* largest per-route body limit (uploads) */
#define HTTP_HEADER_BYTES_DEFAULT    (64u << 10) /* request line + headers of one request */
#define HTTP_CONNECTIONS_DEFAULT     1024u       /* simultaneous connections */
#define HTTP_TIMEOUT_SECONDS_DEFAULT 30u         /* idle connection timeout */
#define HTTP_SHUTDOWN_MS_DEFAULT     10000u      /* graceful shutdown deadline of `bmis serve` */
#define HTTP_TARGET_BYTES_MAX        4096u       /* request target (path and query) */
#define HTTP_PATH_SEGMENTS_MAX       32u
#define HTTP_QUERY_PARAMS_MAX        64u
#define HTTP_PATH_PARAMS_MAX         8u
#define HTTP_RESP_HEADERS_MAX        16u /* extra headers a handler may add */
#define HTTP_STATIC_FILE_BYTES_MAX   (64u << 20)
#define HTTP_REQUEST_ID_BYTES        33u /* 32 hex digits + NUL */
#define HTTP_USERNAME_BYTES_MAX      128u
#define HTTP_CSRF_TOKEN_BYTES_MAX    128u
#define HTTP_CREDENTIAL_BYTES_MAX    512u /* a session cookie value or bearer token */
#define HTTP_ADDR_BYTES_MAX          64u  /* textual client address */
#define HTTP_COOKIE_NAME_DEFAULT     "bmis_session"
#define HTTP_CSRF_HEADER             "X-CSRF-Token"
#define HTTP_PROBLEM_TYPE_PREFIX     "urn:openbmis:problem:"

/* ---- Roles and permissions (src/http/http_perm.c) ---- */

/* Staff roles. The names (http_role_name) are stable: they are stored in the database and shown
 * in the API. HTTP_ROLE_NONE is "no role" and holds no permission. */
typedef enum http_role {
  HTTP_ROLE_NONE = 0,
  HTTP_ROLE_OFFICER,       /* "officer": front-line border guard at a booth */
  HTTP_ROLE_SUPERVISOR,    /* "supervisor": shift lead, decides referrals and false hits */
  HTTP_ROLE_ANALYST,       /* "analyst": risk and statistics, reads but does not record */
  HTTP_ROLE_ADMINISTRATOR, /* "administrator": accounts and operations, not case work */
  HTTP_ROLE_DPO,           /* "dpo": data protection officer, audits access */
  HTTP_ROLE_API_CLIENT,    /* "api_client": machine client (carrier, agency, BCP node) */
  HTTP_ROLE__COUNT
} http_role;

#define HTTP_ROLE_BIT(r) (1u << (unsigned)(r))

/* Stable lower-case name of role, or NULL for HTTP_ROLE_NONE and out-of-range values. */
const char *http_role_name(http_role role);
/* The role named name (exactly as http_role_name spells it): BM_OK, or BM_ERR_NOTFOUND. */
bm_err http_role_parse(const char *name, http_role *out);

/* One permission: a stable dotted name ("traveller.read"), the roles holding it (HTTP_ROLE_BIT
 * mask) and why, in one sentence. */
typedef struct http_perm {
  const char *name;
  unsigned roles;
  const char *why;
} http_perm;

/* 1 if role holds the permission named perm, 0 otherwise (also for unknown names and NULL). */
int http_perm_allows(http_role role, const char *perm);
/* The permission named perm, or NULL. */
const http_perm *http_perm_find(const char *perm);
/* The whole table (static storage), *n set to its length. */
const http_perm *http_perm_list(size_t *n);

/* ---- Principals and the hooks ---- */

typedef enum http_session_kind {
  HTTP_SESSION_NONE = 0,
  HTTP_SESSION_COOKIE, /* browser session: unsafe methods need the CSRF header */
  HTTP_SESSION_BEARER  /* Authorization: Bearer token: no ambient credential, no CSRF check */
} http_session_kind;

/* Who is calling. Filled by the auth callback; the router sets kind itself from the credential it
 * passed, so a callback cannot switch a cookie session into a bearer one by mistake. */
typedef struct http_principal {
  int64_t user_id;
  char username[HTTP_USERNAME_BYTES_MAX];
  http_role role;
  http_session_kind kind;
  char csrf_token[HTTP_CSRF_TOKEN_BYTES_MAX]; /* cookie sessions: the token X-CSRF-Token must match
                                               */
} http_principal;

/* What the request presented. Exactly one of cookie and bearer is non-NULL: a request with an
 * Authorization header is judged on it alone (its cookie is ignored). */
typedef struct http_credentials {
  const char *cookie;      /* value of the session cookie (http_config.cookie_name) */
  const char *bearer;      /* token of "Authorization: Bearer <token>" */
  const char *client_addr; /* textual peer address */
  const char *request_id;
} http_credentials;

/* Authenticate. Return BM_OK with *out filled for a valid session, BM_ERR_NOTFOUND when the
 * credential is unknown, expired or revoked (the client gets 401), anything else for a failure
 * of the callback itself (503, the request is not served). Runs on every non-public request. */
typedef bm_err (*http_auth_fn)(void *ctx, const http_credentials *cred, http_principal *out);

/* One answered request, for the audit trail. Called after the response went out (or the client
 * went away), for every request that got as far as the router: errors included. */
typedef struct http_audit_event {
  const http_principal *principal; /* NULL when the request was not authenticated */
  const char *method;
  const char *route;      /* the matched pattern ("/api/v1/travellers/{id}"), NULL if none */
  const char *permission; /* the route's permission, NULL if none */
  int status;             /* 0 when the client went away before a response was queued */
  const char *client_addr;
  const char *request_id;
  uint64_t duration_us;
} http_audit_event;
typedef void (*http_audit_fn)(void *ctx, const http_audit_event *ev);

/* Readiness for GET /healthz: return 1 when ready to serve, 0 when not, with a short reason in
 * detail (NUL-terminated, at most cap bytes). */
typedef int (*http_ready_fn)(void *ctx, char *detail, size_t cap);

/* ---- Requests and responses ---- */

/* A request as a handler sees it. Every pointer is valid until the handler returns (copy what
 * must live longer). Members are read-only for handlers. */
typedef struct http_req {
  const char *method;              /* "GET", "POST", ... ("HEAD" requests run GET handlers) */
  const char *path;                /* percent-decoded path, e.g. "/api/v1/travellers/42" */
  const char *route;               /* the matched pattern */
  const http_principal *principal; /* NULL on public routes */
  const char *client_addr;         /* textual peer address */
  const char *request_id;          /* also in X-Request-Id and problem "instance" */
  const char *content_type;        /* Content-Type header or NULL */
  const char *body;                /* request body, NUL-terminated; "" when none */
  size_t body_len;                 /* bytes of body, without the NUL */
  json_t *json;                    /* borrowed: the parsed body when Content-Type is JSON */
  void *app;                       /* http_config.app, e.g. the use-case context */
  struct http__request *internal_; /* the server's own state; do not touch */
} http_req;

/* A path parameter ({name} in the pattern), percent-decoded, or NULL. */
const char *http_req_param(const http_req *req, const char *name);
/* The first query parameter called name, percent-decoded ('+' is a space), or NULL. */
const char *http_req_query(const http_req *req, const char *name);
/* A request header (case-insensitive name), or NULL. */
const char *http_req_header(const http_req *req, const char *name);

/* The response a handler fills. Opaque: use the functions below. The last call wins for status
 * and body; headers accumulate. A handler that sets nothing answers 500. */
typedef struct http_resp http_resp;

/* JSON body with status; takes over the reference to body (json_decref'd by the server, also on
 * failure). Content-Type application/json. */
void http_resp_json(http_resp *resp, int status, json_t *body);
/* Body copied from text[0..len) with the given Content-Type (NULL: text/plain; charset=utf-8). */
void http_resp_text(http_resp *resp, int status, const char *content_type, const char *text,
                    size_t len);
/* RFC 9457 problem: {"type","title","status","detail","instance"}. slug names the problem type
 * (type becomes HTTP_PROBLEM_TYPE_PREFIX slug; NULL gives "about:blank"); title NULL gives the
 * status's reason phrase; detail is printf-formatted, may be NULL. instance is the request id as
 * "urn:openbmis:request:<id>". */
void http_resp_problem(http_resp *resp, int status, const char *slug, const char *title,
                       const char *detail_fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;
/* Validation problem (slug "validation"): as http_resp_problem, plus "errors": one
 * {"field","line","column","message"} per diagnostic (null for members that do not apply). */
void http_resp_problem_diags(http_resp *resp, int status, const char *detail, const bm_diag *diags,
                             size_t ndiags);
/* Add a response header (copied). BM_ERR_LIMIT after HTTP_RESP_HEADERS_MAX headers,
 * BM_ERR_INVALID for names or values with CR/LF, BM_ERR_NOMEM. */
bm_err http_resp_header(http_resp *resp, const char *name, const char *value);

/* The reason phrase of status ("Not Found"), "Unknown" for unlisted codes. */
const char *http_status_phrase(int status);

/* ---- Routes ---- */

typedef void (*http_handler_fn)(http_req *req, http_resp *resp);

/* Route flags. */
#define HTTP_ROUTE_PUBLIC 0x1u /* no authentication at all (perm must be NULL) */
#define HTTP_ROUTE_LOOPBACK                                                                        \
  0x2u /* no authentication for loopback clients (unless                                           \
          http_config.distrust_loopback); others need perm */
#define HTTP_ROUTE_CSRF_EXEMPT                                                                     \
  0x4u /* cookie sessions may call unsafe methods without the CSRF                                 \
          header; only for routes that change nothing of value */

/* One row of a route table. pattern is literal segments and {name} parameters, e.g.
 * "/api/v1/travellers/{id}/crossings"; a parameter matches one non-empty segment. The first row
 * whose method and pattern match wins, so put literal routes before parametrised ones. */
typedef struct http_route {
  const char *method; /* "GET", "POST", "PUT", "PATCH" or "DELETE" */
  const char *pattern;
  http_handler_fn handler;
  const char *perm; /* required permission (http_perm_find must know it); NULL only for
                       HTTP_ROUTE_PUBLIC */
  unsigned flags;   /* HTTP_ROUTE_* */
  size_t body_max;  /* body limit in bytes; 0 = http_config.body_max */
} http_route;

/* The application's route table (src/http/http_routes.c); *n set to its length. */
const http_route *http_routes_all(size_t *n);

/* Built-in handlers, for route tables (tests build their own tables with them). */
void http_handle_healthz(http_req *req, http_resp *resp); /* {"status":"ok"} or 503 */
void http_handle_metrics(http_req *req, http_resp *resp); /* Prometheus text format */
void http_handle_me(http_req *req, http_resp *resp);      /* the principal and its permissions */

/* ---- The server ---- */

typedef struct http_config {
  const char *listen;       /* "HOST:PORT", "[v6]:PORT"; NULL = HTTP_LISTEN_DEFAULT; port 0
                               picks a free port (see http_server_port) */
  unsigned threads;         /* worker threads; 0 = online CPUs */
  unsigned connections_max; /* 0 = HTTP_CONNECTIONS_DEFAULT */
  unsigned timeout_seconds; /* idle connection timeout; 0 = HTTP_TIMEOUT_SECONDS_DEFAULT */
  size_t body_max;          /* default body limit; 0 = HTTP_BODY_BYTES_DEFAULT */
  size_t header_bytes_max;  /* 0 = HTTP_HEADER_BYTES_DEFAULT */
  const char *web_dir;      /* static files served under "/"; NULL = none */
  const char *cookie_name;  /* session cookie; NULL = HTTP_COOKIE_NAME_DEFAULT */
  FILE *access_log;         /* JSON Lines access log; NULL = none */
  int distrust_loopback;    /* 1: HTTP_ROUTE_LOOPBACK routes need perm from loopback too
                               (set behind a reverse proxy on the same host) */
  const http_route *routes; /* NULL = http_routes_all() */
  size_t nroutes;
  http_auth_fn auth; /* NULL authenticates nobody */
  void *auth_ctx;
  http_audit_fn audit; /* NULL = none */
  void *audit_ctx;
  http_ready_fn ready; /* NULL = always ready */
  void *ready_ctx;
  void *app; /* handed to handlers as req->app */
} http_config;

typedef struct http_server http_server;

/* Check cfg and the route table (methods, patterns, permissions known to the permission table,
 * limits) and create a server that is not yet listening. cfg's strings, routes and callbacks are
 * borrowed and must outlive the server. BM_ERR_USAGE with diag naming the bad route or option. */
bm_err http_server_new(const http_config *cfg, http_server **out, bm_diag *diag);
/* Bind and start the worker threads. BM_ERR_IO (diag says why: address in use, ...) on failure. */
bm_err http_server_start(http_server *srv, bm_diag *diag);
/* The bound TCP port once started (useful after port 0), else 0. */
unsigned http_server_port(const http_server *srv);
/* Requests being processed now (accepted, not yet answered and sent). */
unsigned http_server_inflight(const http_server *srv);
/* Graceful stop: stop accepting connections, let requests in flight finish (answers carry
 * "Connection: close") for up to deadline_ms, then close everything. BM_OK when every request
 * finished in time, BM_ERR_LIMIT when the deadline cut some off. Safe to call when not started.
 * Must not be called from a handler. */
bm_err http_server_stop(http_server *srv, unsigned deadline_ms);
/* 1 from the start of http_server_stop on (GET /healthz then answers 503). */
int http_server_stopping(const http_server *srv);
/* Stop (immediately if still running) and free. NULL is fine. */
void http_server_free(http_server *srv);

/* ---- Parsing of outside input (exposed for the tests and the fuzz harness) ---- */

/* A parsed request target. Pointers point into buf. */
typedef struct http_target {
  char path[HTTP_TARGET_BYTES_MAX]; /* decoded path, "/" + segments joined by "/" */
  size_t nsegs;
  const char *segs[HTTP_PATH_SEGMENTS_MAX]; /* decoded segments; the last may be "" (trailing /) */
  size_t nquery;
  const char *qkeys[HTTP_QUERY_PARAMS_MAX];
  const char *qvals[HTTP_QUERY_PARAMS_MAX];
  char buf[HTTP_TARGET_BYTES_MAX + HTTP_PATH_SEGMENTS_MAX + 2 * HTTP_QUERY_PARAMS_MAX];
} http_target;

/* Parse an origin-form request target ("/a/b%20c?x=1&y") of len bytes. Every decoded segment,
 * key and value is valid UTF-8 without NUL. Rejected (BM_ERR_INVALID): not starting with '/',
 * raw bytes outside printable ASCII, bad percent escapes, a decoded NUL, '/' or '\\' inside a
 * segment, "." and ".." segments, a fragment. BM_ERR_LIMIT above HTTP_TARGET_BYTES_MAX bytes,
 * HTTP_PATH_SEGMENTS_MAX segments or HTTP_QUERY_PARAMS_MAX parameters. */
bm_err http_target_parse(const char *raw, size_t len, http_target *out, bm_diag *diag);

/* Find cookie name in a Cookie header value ("a=1; b=\"2\""): BM_OK with the value copied to out
 * (quotes removed), BM_ERR_NOTFOUND, BM_ERR_LIMIT when the value does not fit in cap bytes with
 * its NUL, BM_ERR_INVALID for a value with bytes a cookie may not hold. The first occurrence wins.
 */
bm_err http_cookie_get(const char *header, const char *name, char *out, size_t cap);

/* Parse an Authorization header "Bearer <token68>" (scheme case-insensitive): BM_OK with the
 * token copied to out, BM_ERR_INVALID for another scheme or a malformed token, BM_ERR_LIMIT when
 * it does not fit in cap bytes with its NUL. */
bm_err http_bearer_get(const char *header, char *out, size_t cap);

/* Split "HOST:PORT" or "[IPv6]:PORT" (port 0..65535) into host (NUL-terminated, brackets
 * removed) and port. BM_ERR_INVALID on a malformed address, BM_ERR_LIMIT when host does not fit.
 */
bm_err http_listen_parse(const char *listen, char *host, size_t cap, unsigned *port);

/* Compare two NUL-terminated secrets in time that depends only on their lengths: 1 if equal. */
int http_secret_equal(const char *a, const char *b);

#ifdef __cplusplus
}
#endif
#endif /* BMIS_HTTP_H */
