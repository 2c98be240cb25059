/* http_metrics.c - request counters and the Prometheus text exposition format (version 0.0.4).
 *
 * Per route pattern (not per path: a path holds identifiers, which would make one series per
 * traveller) the server counts answers by status class and a latency histogram. Recording is a
 * handful of relaxed atomic increments on counters owned by the route, so threads never wait for
 * each other; rendering reads the counters without a lock.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "http/http_internal.h"

const double http__latency_bounds[HTTP__LATENCY_BUCKETS] = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

uint64_t http__now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void http__metrics_record(http_server *srv, size_t index, int status, uint64_t duration_us) {
  if (index > srv->nroutes + 1) return;
  http__route_stats *s = &srv->stats[index];
  if (status >= 100 && status <= 599)
    atomic_fetch_add_explicit(&s->by_class[status / 100 - 1], 1, memory_order_relaxed);
  size_t b = 0;
  double secs = (double)duration_us / 1e6;
  while (b < HTTP__LATENCY_BUCKETS && secs > http__latency_bounds[b]) b++;
  atomic_fetch_add_explicit(&s->buckets[b], 1, memory_order_relaxed);
  atomic_fetch_add_explicit(&s->sum_us, duration_us, memory_order_relaxed);
  atomic_fetch_add_explicit(&s->count, 1, memory_order_relaxed);
}

/* Label value escaping of the exposition format: backslash, double quote, newline. */
static void put_label(http__buf *b, const char *s) {
  for (; *s; s++) {
    if (*s == '\\' || *s == '"')
      http__buf_printf(b, "\\%c", *s);
    else if (*s == '\n')
      http__buf_put(b, "\\n", 2);
    else
      http__buf_put(b, s, 1);
  }
}

static void labels(http__buf *b, const char *route, const char *method) {
  http__buf_put(b, "route=\"", 7);
  put_label(b, route);
  http__buf_put(b, "\",method=\"", 10);
  put_label(b, method);
  http__buf_put(b, "\"", 1);
}

static void route_names(const http_server *srv, size_t i, const char **route, const char **method) {
  if (i < srv->nroutes) {
    *route = srv->routes[i].row->pattern;
    *method = srv->routes[i].row->method;
  } else if (i == srv->nroutes) {
    *route = "(static)";
    *method = "GET";
  } else {
    *route = "(unmatched)";
    *method = "*";
  }
}

char *http__metrics_render(http_server *srv, size_t *len) {
  http__buf b = {0};
  size_t nstats = srv->nroutes + 2;
  http__buf_printf(&b, "# HELP bmis_http_requests_total HTTP requests answered, by route pattern, "
                       "method and status class.\n"
                       "# TYPE bmis_http_requests_total counter\n");
  for (size_t i = 0; i < nstats; i++) {
    const char *route, *method;
    route_names(srv, i, &route, &method);
    for (int c = 0; c < 5; c++) {
      uint64_t v = atomic_load_explicit(&srv->stats[i].by_class[c], memory_order_relaxed);
      if (v == 0) continue;
      http__buf_put(&b, "bmis_http_requests_total{", 25);
      labels(&b, route, method);
      http__buf_printf(&b, ",code=\"%dxx\"} %llu\n", c + 1, (unsigned long long)v);
    }
  }
  http__buf_printf(&b, "# HELP bmis_http_request_duration_seconds Time from the request line to "
                       "the response handed to the network, by route pattern.\n"
                       "# TYPE bmis_http_request_duration_seconds histogram\n");
  for (size_t i = 0; i < nstats; i++) {
    const http__route_stats *s = &srv->stats[i];
    uint64_t count = atomic_load_explicit(&s->count, memory_order_relaxed);
    if (count == 0) continue;
    const char *route, *method;
    route_names(srv, i, &route, &method);
    uint64_t cum = 0;
    for (size_t k = 0; k <= HTTP__LATENCY_BUCKETS; k++) {
      cum += atomic_load_explicit(&s->buckets[k], memory_order_relaxed);
      http__buf_put(&b, "bmis_http_request_duration_seconds_bucket{", 42);
      labels(&b, route, method);
      if (k < HTTP__LATENCY_BUCKETS)
        http__buf_printf(&b, ",le=\"%g\"} %llu\n", http__latency_bounds[k],
                         (unsigned long long)cum);
      else
        http__buf_printf(&b, ",le=\"+Inf\"} %llu\n", (unsigned long long)cum);
    }
    http__buf_put(&b, "bmis_http_request_duration_seconds_sum{", 39);
    labels(&b, route, method);
    http__buf_printf(&b, "} %.6f\n",
                     (double)atomic_load_explicit(&s->sum_us, memory_order_relaxed) / 1e6);
    http__buf_put(&b, "bmis_http_request_duration_seconds_count{", 41);
    labels(&b, route, method);
    /* The count written is the sum of the buckets, so the series stay consistent even while
     * other threads record. */
    http__buf_printf(&b, "} %llu\n", (unsigned long long)cum);
  }
  http__buf_printf(&b,
                   "# HELP bmis_http_requests_in_flight Requests being processed.\n"
                   "# TYPE bmis_http_requests_in_flight gauge\n"
                   "bmis_http_requests_in_flight %u\n",
                   atomic_load(&srv->inflight));
  http__buf_printf(&b,
                   "# HELP bmis_uptime_seconds Seconds since the server started.\n"
                   "# TYPE bmis_uptime_seconds gauge\n"
                   "bmis_uptime_seconds %.3f\n"
                   "# HELP process_start_time_seconds Start time of the server since the Unix "
                   "epoch in seconds.\n"
                   "# TYPE process_start_time_seconds gauge\n"
                   "process_start_time_seconds %.3f\n",
                   (double)(http__now_ns() - srv->started_ns) / 1e9, srv->started_unix_s);
  http__buf_printf(&b,
                   "# HELP bmis_build_info Version of the running bmis.\n"
                   "# TYPE bmis_build_info gauge\n"
                   "bmis_build_info{version=\"%s\"} 1\n",
                   BM_VERSION);
  if (b.failed) {
    free(b.p);
    return NULL;
  }
  *len = b.len;
  return b.p;
}
