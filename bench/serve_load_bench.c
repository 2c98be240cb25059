/* serve_load_bench.c - a constant-rate HTTP load generator for bmis serve's inspection route.
 *
 * DESIGN.md section 6 states the inspection target at a rate: p99 <= 5 ms at 2,000 requests/s. A
 * closed-loop tool (wrk: each connection sends its next request when the previous answer came)
 * slows down when the server does, so a stall delays the requests that would have measured it and
 * the percentiles look better than what travellers see ("coordinated omission"). This generator is
 * open-loop: request i is due at start + i / rate whatever happens to the others, and its latency
 * is measured from that due time to the end of its answer. A request that waits for a free
 * connection waits on the clock. Service time (sent to answered) is reported beside it.
 *
 * One thread, epoll, a timerfd armed at the next due time (no busy waiting: the server shares the
 * machine's two cores), --connections keep-alive HTTP/1.1 connections, at most one request in
 * flight on each (no pipelining), requests built once before the run.
 *
 * Input (--requests FILE, written by serve_seed_bench --write-requests): one inspection a line,
 *   label  expected-entry-id-or-"-"  bcp_id  direction  mrz-line-1  mrz-line-2  [mrz-line-3]
 * Request i uses line i mod lines. The body is {"mrz":"L1\nL2","bcp_id":B,"direction":"D"}.
 *
 * Bounded: --seconds (default 20) times --rate requests, at most --count; the run ends when every
 * request was answered, or --timeout seconds after the last was due (the rest count as errors).
 *
 * Verification (exit 1 when any fails): every answer is HTTP 200 with a JSON body holding "hits";
 * every line with an expected entry (list people and documents, the demo's try set) has that entry
 * among its hits; no request failed or timed out. Output: human lines, then "=key value" lines.
 *
 * Usage: serve_load_bench --url http://HOST:PORT --token TOKEN --requests FILE [--rate N]
 *                         [--seconds S] [--count N] [--connections N] [--timeout S]
 */
#define _GNU_SOURCE /* memmem */

#include <errno.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define LOAD_RATE_DEFAULT        2000.0
#define LOAD_SECONDS_DEFAULT     20.0
#define LOAD_COUNT_MAX           10000000L
#define LOAD_CONNECTIONS_DEFAULT 64
#define LOAD_CONNECTIONS_MAX     1024
#define LOAD_TIMEOUT_DEFAULT     10.0
#define LOAD_LINE_BYTES_MAX      1024
#define LOAD_LINES_MAX           10000000L
#define LOAD_REQUEST_BYTES_MAX   2048
#define LOAD_RESPONSE_BYTES_MAX  (1 << 20) /* an inspection answer is a few KB */
#define LOAD_REPORT_MAX          5         /* failures printed in full */

typedef struct line {
  char *label, *expect; /* expect NULL when "-" */
  char *req;            /* the whole HTTP request */
  size_t req_len;
} line;

typedef struct conn {
  int fd;
  long req;      /* request in flight, -1 when idle */
  size_t sent;   /* bytes of it written */
  double sent_s; /* when its first byte went out */
  char *buf;     /* the answer so far */
  size_t len, cap;
} conn;

typedef struct run {
  const char *host, *port, *token;
  line *lines;
  long nlines;
  double rate, seconds, timeout;
  long total, conns_n;
  conn *conns;
  int ep, tfd;
  double t0;
  long next_due; /* next request to become due */
  long *queue;   /* due requests waiting for a connection (ring) */
  long qhead, qlen;
  double *lat, *svc; /* per completed request, ms */
  long done, ok, non200, bad_body, failed, reconnects;
  long expected, found, try_expected, try_found;
  long reported;
  double last_done_s, max_send_lag_ms;
} run;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int die(const char *msg) {
  fprintf(stderr, "serve_load_bench: %s\n", msg);
  return 2;
}

/* Load FILE into lines with their requests prebuilt. Returns the count or -1. */
static long load_lines(run *r, const char *path) {
  FILE *f = fopen(path, "r");
  if (f == NULL) return -1;
  char buf[LOAD_LINE_BYTES_MAX];
  long n = 0, cap = 0;
  while (fgets(buf, sizeof buf, f) != NULL && n < LOAD_LINES_MAX) {
    buf[strcspn(buf, "\r\n")] = '\0';
    char *field[8];
    int nf = 0;
    for (char *save = NULL, *t = strtok_r(buf, "\t", &save); t && nf < 8;
         t = strtok_r(NULL, "\t", &save))
      field[nf++] = t;
    if (nf < 6) continue;
    char body[LOAD_REQUEST_BYTES_MAX];
    int bl = snprintf(body, sizeof body, "{\"mrz\":\"");
    for (int i = 4; i < nf && bl > 0 && (size_t)bl < sizeof body; i++)
      bl += snprintf(body + bl, sizeof body - (size_t)bl, "%s%s", i > 4 ? "\\n" : "", field[i]);
    if (bl > 0 && (size_t)bl < sizeof body)
      bl += snprintf(body + bl, sizeof body - (size_t)bl, "\",\"bcp_id\":%s,\"direction\":\"%s\"}",
                     field[2], field[3]);
    if (bl <= 0 || (size_t)bl >= sizeof body) continue;
    char req[LOAD_REQUEST_BYTES_MAX * 2];
    int rl = snprintf(req, sizeof req,
                      "POST /api/v1/inspections HTTP/1.1\r\nHost: %s:%s\r\n"
                      "Authorization: Bearer %s\r\nContent-Type: application/json\r\n"
                      "Content-Length: %d\r\n\r\n%s",
                      r->host, r->port, r->token, bl, body);
    if (rl <= 0 || (size_t)rl >= sizeof req) continue;
    if (n == cap) {
      cap = cap ? cap * 2 : 4096;
      line *l = realloc(r->lines, (size_t)cap * sizeof *l);
      if (l == NULL) break;
      r->lines = l;
    }
    line *l = &r->lines[n];
    l->label = strdup(field[0]);
    l->expect = strcmp(field[1], "-") == 0 ? NULL : strdup(field[1]);
    l->req = strdup(req);
    l->req_len = (size_t)rl;
    if (l->label == NULL || l->req == NULL) break;
    n++;
  }
  fclose(f);
  return n;
}

static int conn_open(run *r, conn *c) {
  struct addrinfo hints = {0}, *ai = NULL;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(r->host, r->port, &hints, &ai) != 0 || ai == NULL) return -1;
  int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    freeaddrinfo(ai);
    return -1;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  int rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
  freeaddrinfo(ai);
  if (rc != 0 && errno != EINPROGRESS) {
    close(fd);
    return -1;
  }
  /* Edge-triggered: reads and writes go on until EAGAIN, so idle writable sockets stay quiet. */
  struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, .data.ptr = c};
  if (epoll_ctl(r->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
    close(fd);
    return -1;
  }
  c->fd = fd;
  c->req = -1;
  c->len = 0;
  return 0;
}

static void conn_close(run *r, conn *c) {
  if (c->fd >= 0) {
    epoll_ctl(r->ep, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
  }
  c->fd = -1;
}

/* Write what remains of c's request. false on a broken connection. */
static bool conn_flush(conn *c, const line *l) {
  while (c->sent < l->req_len) {
    ssize_t w = send(c->fd, l->req + c->sent, l->req_len - c->sent, MSG_NOSIGNAL);
    if (w < 0) return errno == EAGAIN || errno == EWOULDBLOCK;
    c->sent += (size_t)w;
  }
  return true;
}

static void report(run *r, long req, const char *what, const char *body, size_t len) {
  if (r->reported++ >= LOAD_REPORT_MAX) return;
  fprintf(stderr, "serve_load_bench: request %ld (%s): %s: %.*s\n", req,
          r->lines[req % r->nlines].label, what, (int)(len > 300 ? 300 : len), body ? body : "");
}

static void fail_request(run *r, conn *c, const char *why) {
  if (c->req >= 0) {
    report(r, c->req, why, NULL, 0);
    r->failed++;
  }
  c->req = -1;
}

/* A complete answer for c's request is in c->buf[0..total): check and record it. */
static void complete(run *r, conn *c, int status, const char *body, size_t body_len) {
  double t = now_s();
  long i = c->req;
  const line *l = &r->lines[i % r->nlines];
  double due = r->t0 + (double)i / r->rate;
  r->lat[r->done] = (t - due) * 1e3;
  r->svc[r->done] = (t - c->sent_s) * 1e3;
  r->done++;
  r->last_done_s = t;
  c->req = -1;
  /* The body is not NUL-terminated in buf: search within its bounds. */
  bool has_hits = memmem(body, body_len, "\"hits\":[", 8) != NULL;
  if (status != 200) {
    r->non200++;
    report(r, i, "status is not 200", body, body_len);
    return;
  }
  if (!has_hits) {
    r->bad_body++;
    report(r, i, "no \"hits\" in the answer", body, body_len);
    return;
  }
  r->ok++;
  if (l->expect != NULL) {
    char want[256];
    int wl = snprintf(want, sizeof want, "\"entry_id\":\"%s\"", l->expect);
    bool hit = wl > 0 && memmem(body, body_len, want, (size_t)wl) != NULL;
    bool is_try = strncmp(l->label, "try:", 4) == 0;
    r->expected++;
    r->found += hit;
    r->try_expected += is_try;
    r->try_found += is_try && hit;
    if (!hit) report(r, i, "expected hit missing", l->expect, strlen(l->expect));
  }
}

/* Parse c->buf; complete the request when the whole answer is there. Returns -1 on a protocol
 * error, 1 when the server asked to close, 0 otherwise. */
static int conn_parse(run *r, conn *c) {
  char *hdr_end = memmem(c->buf, c->len, "\r\n\r\n", 4);
  if (hdr_end == NULL) return c->len > 65536 ? -1 : 0;
  size_t hlen = (size_t)(hdr_end - c->buf) + 4;
  int status = 0;
  if (c->len < 12 || sscanf(c->buf, "HTTP/1.%*d %d", &status) != 1) return -1;
  long clen = -1;
  bool close_after = false;
  for (char *p = c->buf; p < hdr_end;) {
    char *eol = memmem(p, (size_t)(hdr_end + 2 - p), "\r\n", 2);
    if (eol == NULL) break;
    if ((size_t)(eol - p) > 15 && strncasecmp(p, "Content-Length:", 15) == 0)
      clen = strtol(p + 15, NULL, 10);
    if ((size_t)(eol - p) >= 17 && strncasecmp(p, "Connection: close", 17) == 0) close_after = true;
    p = eol + 2;
  }
  if (clen < 0 || clen > LOAD_RESPONSE_BYTES_MAX) return -1;
  if (c->len < hlen + (size_t)clen) return 0;
  if (c->req < 0) return -1; /* an answer nobody asked for */
  complete(r, c, status, c->buf + hlen, (size_t)clen);
  size_t used = hlen + (size_t)clen;
  memmove(c->buf, c->buf + used, c->len - used);
  c->len -= used;
  return close_after ? 1 : 0;
}

static bool conn_read(run *r, conn *c) {
  for (;;) {
    if (c->cap - c->len < 16384) {
      size_t cap = c->cap ? c->cap * 2 : 65536;
      if (cap > LOAD_RESPONSE_BYTES_MAX * 2) return false;
      char *b = realloc(c->buf, cap);
      if (b == NULL) return false;
      c->buf = b;
      c->cap = cap;
    }
    ssize_t n = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
    if (n > 0) {
      c->len += (size_t)n;
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    return false; /* closed or failed */
  }
}

/* Hand due requests to idle connections. */
static void dispatch(run *r) {
  for (long k = 0; k < r->conns_n && r->qlen > 0; k++) {
    conn *c = &r->conns[k];
    if (c->fd < 0 && conn_open(r, c) != 0) continue;
    if (c->req >= 0) continue;
    c->req = r->queue[r->qhead];
    r->qhead = (r->qhead + 1) % r->total;
    r->qlen--;
    c->sent = 0;
    c->sent_s = now_s();
    double lag = (c->sent_s - (r->t0 + (double)c->req / r->rate)) * 1e3;
    if (lag > r->max_send_lag_ms) r->max_send_lag_ms = lag;
    if (!conn_flush(c, &r->lines[c->req % r->nlines])) {
      fail_request(r, c, "send failed");
      conn_close(r, c);
      r->reconnects++;
    }
  }
}

static void arm(run *r) {
  struct itimerspec its = {0};
  if (r->next_due < r->total) {
    double due = r->t0 + (double)r->next_due / r->rate;
    its.it_value.tv_sec = (time_t)due;
    its.it_value.tv_nsec = (long)((due - (double)(time_t)due) * 1e9);
    if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0) its.it_value.tv_nsec = 1;
  }
  timerfd_settime(r->tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* The q-quantile of sorted a[0..n) (nearest rank). */
static double pct(const double *a, long n, double q) {
  if (n == 0) return 0;
  long k = (long)ceil(q * (double)n) - 1;
  if (k < 0) k = 0;
  if (k >= n) k = n - 1;
  return a[k];
}

static int usage(void) {
  fprintf(stderr, "usage: serve_load_bench --url http://HOST:PORT --token TOKEN --requests FILE "
                  "[--rate N] [--seconds S] [--count N] [--connections N] [--timeout S]\n");
  return 2;
}

int main(int argc, char **argv) {
  run r = {0};
  const char *url = NULL, *path = NULL;
  long count = LOAD_COUNT_MAX;
  r.rate = LOAD_RATE_DEFAULT;
  r.seconds = LOAD_SECONDS_DEFAULT;
  r.timeout = LOAD_TIMEOUT_DEFAULT;
  r.conns_n = LOAD_CONNECTIONS_DEFAULT;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (v == NULL) return usage();
    if (strcmp(a, "--url") == 0)
      url = v;
    else if (strcmp(a, "--token") == 0)
      r.token = v;
    else if (strcmp(a, "--requests") == 0)
      path = v;
    else if (strcmp(a, "--rate") == 0)
      r.rate = atof(v);
    else if (strcmp(a, "--seconds") == 0)
      r.seconds = atof(v);
    else if (strcmp(a, "--count") == 0)
      count = atol(v);
    else if (strcmp(a, "--connections") == 0)
      r.conns_n = atol(v);
    else if (strcmp(a, "--timeout") == 0)
      r.timeout = atof(v);
    else
      return usage();
    i++;
  }
  if (url == NULL || r.token == NULL || path == NULL || r.rate <= 0 || r.seconds <= 0 ||
      count < 1 || count > LOAD_COUNT_MAX || r.conns_n < 1 || r.conns_n > LOAD_CONNECTIONS_MAX ||
      r.timeout <= 0)
    return usage();
  static char host[256], port[16];
  if (sscanf(url, "http://%255[^:/]:%15[0-9]", host, port) != 2)
    return die("--url must be http://HOST:PORT (IPv4 or a name)");
  r.host = host;
  r.port = port;
  r.nlines = load_lines(&r, path);
  if (r.nlines <= 0) return die("no usable inspection lines in --requests FILE");
  r.total = (long)(r.rate * r.seconds);
  if (r.total > count) r.total = count;
  if (r.total < 1) r.total = 1;
  r.conns = calloc((size_t)r.conns_n, sizeof *r.conns);
  r.queue = calloc((size_t)r.total, sizeof *r.queue);
  r.lat = calloc((size_t)r.total, sizeof *r.lat);
  r.svc = calloc((size_t)r.total, sizeof *r.svc);
  r.ep = epoll_create1(0);
  r.tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
  if (r.conns == NULL || r.queue == NULL || r.lat == NULL || r.svc == NULL || r.ep < 0 || r.tfd < 0)
    return die("out of memory or descriptors");
  for (long k = 0; k < r.conns_n; k++) {
    r.conns[k].fd = -1;
    if (conn_open(&r, &r.conns[k]) != 0) return die("cannot connect");
  }
  struct epoll_event tev = {.events = EPOLLIN, .data.ptr = NULL};
  epoll_ctl(r.ep, EPOLL_CTL_ADD, r.tfd, &tev);
  printf("serve_load_bench: %ld requests at %.0f/s over %ld connections to %s (%ld distinct "
         "inspections)\n",
         r.total, r.rate, r.conns_n, url, r.nlines);
  fflush(stdout);

  r.t0 = now_s() + 0.05; /* connections settle first */
  arm(&r);
  double hard_end = r.t0 + (double)r.total / r.rate + r.timeout;
  struct epoll_event evs[64];
  while (r.done + r.failed < r.total) {
    double t = now_s();
    if (t > hard_end) break;
    int n = epoll_wait(r.ep, evs, 64, 100);
    if (n < 0 && errno != EINTR) return die("epoll_wait failed");
    for (int e = 0; e < n; e++) {
      conn *c = evs[e].data.ptr;
      if (c == NULL) { /* the timer: every request now due joins the queue */
        uint64_t ticks;
        while (read(r.tfd, &ticks, sizeof ticks) > 0) {
        }
        double tn = now_s();
        while (r.next_due < r.total && r.t0 + (double)r.next_due / r.rate <= tn) {
          r.queue[(r.qhead + r.qlen) % r.total] = r.next_due++;
          r.qlen++;
        }
        arm(&r);
        continue;
      }
      if (c->fd < 0) continue;
      if ((evs[e].events & EPOLLOUT) && c->req >= 0 &&
          !conn_flush(c, &r.lines[c->req % r.nlines])) {
        fail_request(&r, c, "send failed");
        conn_close(&r, c);
        r.reconnects++;
        continue;
      }
      if (evs[e].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
        bool alive = conn_read(&r, c);
        int pr = c->len > 0 ? conn_parse(&r, c) : 0; /* one request in flight: one answer */
        if (pr < 0 || pr == 1 || !alive) {
          if (pr < 0)
            fail_request(&r, c, "malformed answer");
          else if (!alive)
            fail_request(&r, c, "connection closed");
          conn_close(&r, c);
          r.reconnects++;
        }
      }
    }
    dispatch(&r);
  }
  long unanswered = r.total - r.done - r.failed;
  double span = r.last_done_s > r.t0 ? r.last_done_s - r.t0 : 1e-9;
  double achieved = (double)r.done / span;
  qsort(r.lat, (size_t)r.done, sizeof *r.lat, cmp_double);
  qsort(r.svc, (size_t)r.done, sizeof *r.svc, cmp_double);
  double p50 = pct(r.lat, r.done, 0.50), p90 = pct(r.lat, r.done, 0.90);
  double p99 = pct(r.lat, r.done, 0.99), p999 = pct(r.lat, r.done, 0.999);
  double mx = r.done ? r.lat[r.done - 1] : 0;
  long errors = r.non200 + r.bad_body + r.failed + unanswered;
  bool verified = errors == 0 && r.found == r.expected && r.done == r.total;
  printf("serve_load_bench: %ld answered in %.2f s: %.0f req/s (target rate %.0f/s); 200 with "
         "hits: %ld; non-200: %ld; no hits member: %ld; failed: %ld; unanswered: %ld; reconnects: "
         "%ld\n",
         r.done, span, achieved, r.rate, r.ok, r.non200, r.bad_body, r.failed, unanswered,
         r.reconnects);
  printf("serve_load_bench: latency from due time (ms): p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  "
         "max %.2f\n",
         p50, p90, p99, p999, mx);
  printf("serve_load_bench: service time, sent to answered (ms): p50 %.2f  p99 %.2f  max %.2f; "
         "largest send lag %.2f ms\n",
         pct(r.svc, r.done, 0.5), pct(r.svc, r.done, 0.99), r.done ? r.svc[r.done - 1] : 0,
         r.max_send_lag_ms);
  printf("serve_load_bench: expected hits found: %ld / %ld (try set %ld / %ld): %s\n", r.found,
         r.expected, r.try_found, r.try_expected, verified ? "OK" : "FAILED");
  printf("=requests %ld\n=answered %ld\n=rate_target %.0f\n=rate_achieved %.0f\n=p50_ms %.2f\n"
         "=p90_ms %.2f\n=p99_ms %.2f\n=p999_ms %.2f\n=max_ms %.2f\n=svc_p99_ms %.2f\n=errors %ld\n"
         "=non200 %ld\n=expected_hits %ld\n=expected_found %ld\n=try_hits %ld\n=try_found %ld\n"
         "=verified %s\n",
         r.total, r.done, r.rate, achieved, p50, p90, p99, p999, mx, pct(r.svc, r.done, 0.99),
         errors, r.non200, r.expected, r.found, r.try_expected, r.try_found,
         verified ? "OK" : "FAILED");
  for (long k = 0; k < r.conns_n; k++) {
    conn_close(&r, &r.conns[k]);
    free(r.conns[k].buf);
  }
  for (long i = 0; i < r.nlines; i++) {
    free(r.lines[i].label);
    free(r.lines[i].expect);
    free(r.lines[i].req);
  }
  free(r.lines);
  free(r.conns);
  free(r.queue);
  free(r.lat);
  free(r.svc);
  close(r.tfd);
  close(r.ep);
  return verified ? 0 : 1;
}
