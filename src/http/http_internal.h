/* http_internal.h - what the files of src/http/ share: the server, one request's state, the
 * response, metrics. Not part of the public interface (include/bmis/http.h is). */
#ifndef BMIS_HTTP_INTERNAL_H
#define BMIS_HTTP_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "bmis/http.h"

/* Latency histogram upper bounds in seconds (Prometheus "le"); +Inf is implicit. From sub-ms
 * health checks to slow uploads. */
#define HTTP__LATENCY_BUCKETS 14
extern const double http__latency_bounds[HTTP__LATENCY_BUCKETS];

/* Counters of one route (or of the static files, or of unmatched requests). Relaxed atomics:
 * each counter is exact, a scrape may see a request in one counter and not yet in another. */
typedef struct http__route_stats {
  atomic_uint_fast64_t by_class[5]; /* 1xx..5xx */
  atomic_uint_fast64_t buckets[HTTP__LATENCY_BUCKETS + 1];
  atomic_uint_fast64_t sum_us;
  atomic_uint_fast64_t count;
} http__route_stats;

/* One compiled route: the row and its split pattern. */
typedef struct http__route {
  const http_route *row;
  size_t nsegs;
  const char *segs[HTTP_PATH_SEGMENTS_MAX]; /* literal text or the parameter name */
  size_t seglens[HTTP_PATH_SEGMENTS_MAX];
  unsigned char is_param[HTTP_PATH_SEGMENTS_MAX];
  size_t body_max;
} http__route;

struct MHD_Daemon;
struct MHD_Connection;

struct http_server {
  http_config cfg;
  const char *cookie_name;
  http__route *routes;
  size_t nroutes;
  http__route_stats *stats; /* nroutes + 2: [nroutes] static files, [nroutes + 1] unmatched */
  char host[256];
  unsigned port;
  struct MHD_Daemon *daemon;
  int listen_fd; /* returned by MHD_quiesce_daemon; closed after MHD_stop_daemon */
  atomic_uint inflight;
  atomic_int stopping;
  pthread_mutex_t lock; /* with idle: http_server_stop waits for inflight to reach 0 */
  pthread_cond_t idle;
  uint64_t started_ns;   /* CLOCK_MONOTONIC */
  double started_unix_s; /* wall clock, for process_start_time_seconds */
};

#define HTTP__HEADER_NAME_MAX 64

struct http_resp {
  int status;
  char *body; /* malloc'd */
  size_t len;
  char content_type[96];
  int fd; /* static file, -1 if none; body then unused */
  uint64_t fd_size;
  const char *cache_control; /* NULL = "no-store" */
  size_t nheaders;
  char *hnames[HTTP_RESP_HEADERS_MAX];
  char *hvalues[HTTP_RESP_HEADERS_MAX];
  const char *request_id; /* for problem instances */
};

/* One request, from the URI callback to the completion callback. */
typedef struct http__request {
  http_server *srv;
  struct MHD_Connection *conn;
  char *raw_target;
  uint64_t t0_ns;
  int started;  /* the access handler saw it: counted in inflight */
  int rejected; /* a response was queued before the body */
  const http__route *route;
  size_t stats_index;
  size_t nparams;
  const char *pnames[HTTP_PATH_PARAMS_MAX];
  size_t pnamelens[HTTP_PATH_PARAMS_MAX];
  const char *pvalues[HTTP_PATH_PARAMS_MAX];
  int authenticated;
  http_principal principal;
  char client_addr[HTTP_ADDR_BYTES_MAX];
  int loopback;
  char request_id[HTTP_REQUEST_ID_BYTES];
  char method[16];
  char *body;
  size_t body_len, body_cap, body_max;
  size_t body_seen; /* bytes received, kept or not */
  int body_too_large;
  int status;
  http_target target;
} http__request;

/* Monotonic nanoseconds. */
uint64_t http__now_ns(void);

/* Responses (http_resp.c). */
void http__resp_init(http_resp *resp, const char *request_id);
void http__resp_release(http_resp *resp);
/* The problem document (new reference) for status. */
json_t *http__problem_new(int status, const char *slug, const char *title, const char *detail,
                          const char *request_id);

/* A problem with an "errors" array built from diags, of the given slug. */
void http__resp_problem_errors(http_resp *resp, int status, const char *slug, const char *detail,
                               const bm_diag *diags, size_t ndiags);

/* Router (http_router.c). */
bm_err http__routes_compile(http_server *srv, const http_route *rows, size_t n, bm_diag *diag);
/* The matching route for method and t: 0 with *out and params filled; 404 when no pattern
 * matches; 405 with allow (comma-separated methods, NUL-terminated) when only the method differs.
 */
int http__route_find(const http_server *srv, const char *method, const http_target *t,
                     http__request *rq, char *allow, size_t allow_cap);

/* Metrics (http_metrics.c). */
void http__metrics_record(http_server *srv, size_t index, int status, uint64_t duration_us);
/* The exposition text (malloc'd, NUL-terminated). NULL when out of memory. */
char *http__metrics_render(http_server *srv, size_t *len);

/* Static files (http_static.c): fills resp with the file for t, or a 404 problem. */
void http__static_serve(const http_server *srv, const http_target *t, http_resp *resp);

/* Growable text buffer used for rendering. */
typedef struct http__buf {
  char *p;
  size_t len, cap;
  int failed;
} http__buf;
void http__buf_put(http__buf *b, const char *s, size_t n);
void http__buf_printf(http__buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#endif
