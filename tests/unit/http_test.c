/* http_test.c - the HTTP server (include/bmis/http.h) over real TCP: a server on 127.0.0.1, port
 * 0, in this process, with a test auth callback and test routes, and a tiny HTTP/1.1 client on
 * plain sockets. Every request says "Connection: close" and the client reads to EOF.
 *
 * Counters that the server updates after the response went out (metrics, audit) are read with
 * bounded polling: the client may see the response before the completion callback ran.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "bmis/http.h"

#define POLL_MS_MAX 5000

/* ---- A tiny HTTP/1.1 client ---- */

typedef struct tresp {
  int status;
  char head[16384];
  char *body;
  size_t body_len;
} tresp;

static int tconnect(unsigned port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  assert_true(fd >= 0);
  struct timeval tv = {5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons((uint16_t)port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
  return fd;
}

static void send_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w <= 0) return; /* the server may close early (413 before the body): fine */
    p += w;
    n -= (size_t)w;
  }
}

/* Read the whole answer until EOF and split it. status 0 when nothing came back. */
static void read_resp(int fd, tresp *r) {
  size_t cap = 65536, len = 0;
  char *buf = malloc(cap);
  assert_non_null(buf);
  for (;;) {
    if (len + 1 >= cap) {
      cap *= 2;
      buf = realloc(buf, cap);
      assert_non_null(buf);
    }
    ssize_t n = recv(fd, buf + len, cap - len - 1, 0);
    if (n <= 0) break;
    len += (size_t)n;
  }
  buf[len] = '\0';
  memset(r, 0, sizeof *r);
  char *end = strstr(buf, "\r\n\r\n");
  if (end == NULL || sscanf(buf, "HTTP/1.%*d %d", &r->status) != 1) {
    free(buf);
    r->body = calloc(1, 1);
    return;
  }
  size_t hl = (size_t)(end - buf) + 2;
  if (hl >= sizeof r->head) hl = sizeof r->head - 1;
  memcpy(r->head, buf, hl);
  r->head[hl] = '\0';
  r->body_len = len - (size_t)(end + 4 - buf);
  r->body = malloc(r->body_len + 1);
  assert_non_null(r->body);
  memcpy(r->body, end + 4, r->body_len);
  r->body[r->body_len] = '\0';
  free(buf);
}

static void tresp_free(tresp *r) {
  free(r->body);
  r->body = NULL;
}

/* Value of header name in r (static buffer), or NULL. */
static const char *theader(const tresp *r, const char *name) {
  static char val[1024];
  size_t n = strlen(name);
  for (const char *p = strstr(r->head, "\r\n"); p != NULL; p = strstr(p + 2, "\r\n")) {
    const char *h = p + 2;
    if (strncasecmp(h, name, n) == 0 && h[n] == ':') {
      h += n + 1;
      while (*h == ' ') h++;
      const char *e = strstr(h, "\r\n");
      size_t l = e ? (size_t)(e - h) : strlen(h);
      if (l >= sizeof val) l = sizeof val - 1;
      memcpy(val, h, l);
      val[l] = '\0';
      return val;
    }
  }
  return NULL;
}

static void raw_roundtrip(unsigned port, const char *raw, size_t len, tresp *r) {
  int fd = tconnect(port);
  send_all(fd, raw, len);
  read_resp(fd, r);
  close(fd);
}

/* One request: extra is zero or more "Name: value\r\n" lines; body NULL for none. */
static void treq(unsigned port, const char *method, const char *path, const char *extra,
                 const char *ctype, const char *body, tresp *r) {
  char raw[8192];
  int n = snprintf(raw, sizeof raw, "%s %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n%s",
                   method, path, extra ? extra : "");
  if (body != NULL)
    n += snprintf(raw + n, sizeof raw - (size_t)n, "Content-Type: %s\r\nContent-Length: %zu\r\n",
                  ctype ? ctype : "application/json", strlen(body));
  n += snprintf(raw + n, sizeof raw - (size_t)n, "\r\n%s", body ? body : "");
  assert_true((size_t)n < sizeof raw);
  raw_roundtrip(port, raw, (size_t)n, r);
}

static json_t *tjson(const tresp *r) {
  json_error_t e;
  json_t *j = json_loads(r->body, 0, &e);
  if (j == NULL) fail_msg("not JSON (%s): %s", e.text, r->body);
  return j;
}

/* The RFC 9457 shape every error has; returns the document (caller decrefs). */
static json_t *assert_problem(const tresp *r, int status, const char *slug) {
  assert_int_equal(r->status, status);
  const char *ct = theader(r, "Content-Type");
  assert_non_null(ct);
  assert_string_equal(ct, "application/problem+json");
  json_t *j = tjson(r);
  assert_true(json_is_string(json_object_get(j, "type")));
  assert_true(json_is_string(json_object_get(j, "title")));
  assert_int_equal(json_integer_value(json_object_get(j, "status")), status);
  char want[128];
  snprintf(want, sizeof want, "%s%s", HTTP_PROBLEM_TYPE_PREFIX, slug);
  assert_string_equal(json_string_value(json_object_get(j, "type")), want);
  /* instance names the request, as X-Request-Id does */
  const char *rid = theader(r, "X-Request-Id");
  assert_non_null(rid);
  char inst[128];
  snprintf(inst, sizeof inst, "urn:openbmis:request:%s", rid);
  assert_string_equal(json_string_value(json_object_get(j, "instance")), inst);
  return j;
}

static void expect_problem(const tresp *r, int status, const char *slug) {
  json_decref(assert_problem(r, status, slug));
}

/* ---- The test application ---- */

static atomic_int audit_count;
static atomic_int audit_last_status;

static void test_audit(void *ctx, const http_audit_event *ev) {
  (void)ctx;
  atomic_store(&audit_last_status, ev->status);
  atomic_fetch_add(&audit_count, 1);
}

/* Bearer "tok-<role>" and cookie "sess-<role>" (CSRF token "csrf-<role>") authenticate as
 * user "<role>-user"; "tok-broken" makes the callback fail. */
static bm_err test_auth(void *ctx, const http_credentials *cred, http_principal *out) {
  (void)ctx;
  const char *v = cred->bearer ? cred->bearer : cred->cookie;
  const char *prefix = cred->bearer ? "tok-" : "sess-";
  if (strcmp(v, "tok-broken") == 0) return BM_ERR_IO;
  if (strncmp(v, prefix, strlen(prefix)) != 0) return BM_ERR_NOTFOUND;
  http_role role;
  if (http_role_parse(v + strlen(prefix), &role) != BM_OK) return BM_ERR_NOTFOUND;
  out->user_id = 100 + role;
  out->role = role;
  snprintf(out->username, sizeof out->username, "%s-user", http_role_name(role));
  snprintf(out->csrf_token, sizeof out->csrf_token, "csrf-%s", http_role_name(role));
  out->kind = HTTP_SESSION_BEARER; /* deliberately wrong: the router must set it */
  return BM_OK;
}

static atomic_int ready_flag = 1;
static int test_ready(void *ctx, char *detail, size_t cap) {
  (void)ctx;
  if (atomic_load(&ready_flag)) return 1;
  snprintf(detail, cap, "database not open");
  return 0;
}

static void h_echo(http_req *req, http_resp *resp) {
  json_t *o = json_object();
  json_object_set_new(o, "method", json_string(req->method));
  json_object_set_new(o, "route", json_string(req->route));
  json_object_set_new(o, "path", json_string(req->path));
  const char *id = http_req_param(req, "id");
  if (id) json_object_set_new(o, "id", json_string(id));
  const char *q = http_req_query(req, "q");
  if (q) json_object_set_new(o, "q", json_string(q));
  if (req->json) json_object_set(o, "json", req->json);
  json_object_set_new(o, "body_len", json_integer((json_int_t)req->body_len));
  if (req->principal) {
    json_object_set_new(o, "user", json_string(req->principal->username));
    json_object_set_new(
        o, "session",
        json_string(req->principal->kind == HTTP_SESSION_COOKIE ? "cookie" : "bearer"));
  }
  const char *x = http_req_header(req, "X-Test");
  if (x) json_object_set_new(o, "x_test", json_string(x));
  http_resp_header(resp, "X-Handler", "echo");
  http_resp_json(resp, 200, o);
}

static void h_validate(http_req *req, http_resp *resp) {
  bm_diag d[2];
  memset(d, 0, sizeof d);
  bm_diag_set(&d[0], BM_ERR_INVALID, "surname", 0, 0, "must not be empty");
  bm_diag_set(&d[1], BM_ERR_INVALID, "mrz", 2, 14, "check digit does not match");
  http_resp_problem_diags(resp, 422, "the traveller is not valid", d, 2);
}

static void h_nothing(http_req *req, http_resp *resp) {
  (void)req;
  (void)resp;
}

/* /t/slow blocks until the test releases it. */
static pthread_mutex_t slow_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t slow_cond = PTHREAD_COND_INITIALIZER;
static int slow_entered, slow_released;

static void h_slow(http_req *req, http_resp *resp) {
  pthread_mutex_lock(&slow_lock);
  slow_entered = 1;
  pthread_cond_broadcast(&slow_cond);
  while (!slow_released) pthread_cond_wait(&slow_cond, &slow_lock);
  pthread_mutex_unlock(&slow_lock);
  http_resp_json(resp, 201, json_pack("{s:b}", "written", 1));
}

static const http_route test_routes[] = {
    {"GET", "/healthz", http_handle_healthz, NULL, HTTP_ROUTE_PUBLIC, 0},
    {"GET", "/metrics", http_handle_metrics, "metrics.read", HTTP_ROUTE_LOOPBACK, 0},
    {"GET", "/api/v1/me", http_handle_me, "self.read", 0, 0},
    {"GET", "/t/items/special", h_echo, "traveller.read", 0, 0},
    {"GET", "/t/items/{id}", h_echo, "traveller.read", 0, 0},
    {"DELETE", "/t/items/{id}", h_echo, "user.admin", 0, 0},
    {"POST", "/t/items", h_echo, "inspection.create", 0, 0},
    {"POST", "/t/exempt", h_echo, "inspection.create", HTTP_ROUTE_CSRF_EXEMPT, 0},
    {"POST", "/t/upload", h_echo, "watchlist.upload", 0, 4096},
    {"POST", "/t/small", h_echo, NULL, HTTP_ROUTE_PUBLIC, 16},
    {"POST", "/t/validate", h_validate, NULL, HTTP_ROUTE_PUBLIC, 0},
    {"GET", "/t/nothing", h_nothing, NULL, HTTP_ROUTE_PUBLIC, 0},
    {"GET", "/t/slow", h_slow, NULL, HTTP_ROUTE_PUBLIC, 0},
    {"POST", "/t/slow", h_slow, NULL, HTTP_ROUTE_PUBLIC, 0},
};

static char web_dir[256];

static void write_file(const char *dir, const char *name, const char *text) {
  char p[512];
  snprintf(p, sizeof p, "%s/%s", dir, name);
  FILE *f = fopen(p, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static void make_web_dir(void) {
  snprintf(web_dir, sizeof web_dir, "/tmp/bmis-http-test-XXXXXX");
  assert_non_null(mkdtemp(web_dir));
  char sub[300];
  snprintf(sub, sizeof sub, "%s/sub", web_dir);
  assert_int_equal(mkdir(sub, 0700), 0);
  write_file(web_dir, "index.html", "<!doctype html><title>bmis</title>");
  write_file(web_dir, "app.js", "console.log(1);");
  write_file(web_dir, ".secret", "nope");
  write_file(sub, "index.html", "sub index");
}

static void remove_web_dir(void) {
  const char *names[] = {"index.html", "app.js", ".secret", "sub/index.html", "sub", ""};
  char p[512];
  for (size_t i = 0; i < BM_COUNTOF(names); i++) {
    snprintf(p, sizeof p, "%s/%s", web_dir, names[i]);
    remove(p);
  }
}

static http_server *start_server(const http_config *base) {
  http_config cfg = *base;
  cfg.listen = "127.0.0.1:0";
  cfg.threads = 2;
  http_server *srv = NULL;
  bm_diag d = {0};
  bm_err e = http_server_new(&cfg, &srv, &d);
  if (e != BM_OK) fail_msg("http_server_new: %s", d.message);
  e = http_server_start(srv, &d);
  if (e != BM_OK) fail_msg("http_server_start: %s", d.message);
  assert_true(http_server_port(srv) > 0);
  return srv;
}

static http_config test_config(void) {
  http_config cfg = {0};
  cfg.routes = test_routes;
  cfg.nroutes = BM_COUNTOF(test_routes);
  cfg.auth = test_auth;
  cfg.audit = test_audit;
  cfg.ready = test_ready;
  cfg.web_dir = web_dir;
  return cfg;
}

static http_server *g_srv;
static unsigned g_port;

static int setup(void **state) {
  (void)state;
  make_web_dir();
  http_config cfg = test_config();
  g_srv = start_server(&cfg);
  g_port = http_server_port(g_srv);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  assert_int_equal(http_server_stop(g_srv, 5000), BM_OK);
  http_server_free(g_srv);
  g_srv = NULL;
  remove_web_dir();
  return 0;
}

/* ---- Parsing ---- */

static void test_http_target_parse(void **state) {
  (void)state;
  static http_target t;
  bm_diag d;
  const char *ok = "/api/v1/travellers/A%20B%C3%A9?q=anna+maria&x=%26&flag&&empty=";
  assert_int_equal(http_target_parse(ok, strlen(ok), &t, &d), BM_OK);
  assert_string_equal(t.path, "/api/v1/travellers/A B\xc3\xa9");
  assert_int_equal(t.nsegs, 4);
  assert_string_equal(t.segs[3], "A B\xc3\xa9");
  assert_int_equal(t.nquery, 4);
  assert_string_equal(t.qkeys[0], "q");
  assert_string_equal(t.qvals[0], "anna maria");
  assert_string_equal(t.qvals[1], "&");
  assert_string_equal(t.qkeys[2], "flag");
  assert_string_equal(t.qvals[2], "");
  assert_string_equal(t.qkeys[3], "empty");

  assert_int_equal(http_target_parse("/", 1, &t, &d), BM_OK);
  assert_int_equal(t.nsegs, 0);
  assert_string_equal(t.path, "/");
  assert_int_equal(http_target_parse("/a/", 3, &t, &d), BM_OK);
  assert_int_equal(t.nsegs, 2);
  assert_string_equal(t.segs[1], "");

  static const char *const bad[] = {
      "",          "a/b",   "/../etc",    "/a/..",   "/a/%2e%2E/b", "/a/.",  "/%2f",    "/a%2Fb",
      "/a%5cb",    "/a%00", "/a%",        "/a%4",    "/a%zz",       "/a b",  "/a\x7f",  "/a#frag",
      "/\xc3\xa9", "/%c3",  "/%ed%a0%80", "/?q=%00", "/?q=%ff",     "/a\\b", "/%c0%af",
  };
  for (size_t i = 0; i < BM_COUNTOF(bad); i++) {
    memset(&d, 0, sizeof d);
    if (http_target_parse(bad[i], strlen(bad[i]), &t, &d) != BM_ERR_INVALID)
      fail_msg("accepted bad target '%s'", bad[i]);
    assert_true(d.message[0] != '\0');
  }
  char big[HTTP_TARGET_BYTES_MAX + 8];
  memset(big, 'a', sizeof big);
  big[0] = '/';
  assert_int_equal(http_target_parse(big, sizeof big, &t, &d), BM_ERR_LIMIT);
  char many[256] = "";
  for (unsigned i = 0; i <= HTTP_PATH_SEGMENTS_MAX; i++) strcat(many, "/x");
  assert_int_equal(http_target_parse(many, strlen(many), &t, &d), BM_ERR_LIMIT);
}

static void test_http_cookie_bearer_listen(void **state) {
  (void)state;
  char v[64];
  assert_int_equal(http_cookie_get("a=1; bmis_session=abc123; c=2", "bmis_session", v, sizeof v),
                   BM_OK);
  assert_string_equal(v, "abc123");
  assert_int_equal(http_cookie_get("bmis_session=\"q\"", "bmis_session", v, sizeof v), BM_OK);
  assert_string_equal(v, "q");
  assert_int_equal(http_cookie_get("xbmis_session=1", "bmis_session", v, sizeof v),
                   BM_ERR_NOTFOUND);
  assert_int_equal(http_cookie_get("s=1;s=2", "s", v, sizeof v), BM_OK);
  assert_string_equal(v, "1");
  assert_int_equal(http_cookie_get("s=0123456789", "s", v, 5), BM_ERR_LIMIT);
  assert_int_equal(http_cookie_get("s=a\"b", "s", v, sizeof v), BM_ERR_INVALID);
  assert_int_equal(http_cookie_get("", "s", v, sizeof v), BM_ERR_NOTFOUND);

  assert_int_equal(http_bearer_get("Bearer abc.DEF-_~+/==", v, sizeof v), BM_OK);
  assert_string_equal(v, "abc.DEF-_~+/==");
  assert_int_equal(http_bearer_get("bearer   tok  ", v, sizeof v), BM_OK);
  assert_string_equal(v, "tok");
  assert_int_equal(http_bearer_get("Basic dXNlcjpwYXNz", v, sizeof v), BM_ERR_INVALID);
  assert_int_equal(http_bearer_get("Bearer", v, sizeof v), BM_ERR_INVALID);
  assert_int_equal(http_bearer_get("Bearer a b", v, sizeof v), BM_ERR_INVALID);
  assert_int_equal(http_bearer_get("Bearer a=b", v, sizeof v), BM_ERR_INVALID);
  assert_int_equal(http_bearer_get("Bearer 0123456789", v, 4), BM_ERR_LIMIT);

  char host[64];
  unsigned port;
  assert_int_equal(http_listen_parse("127.0.0.1:8080", host, sizeof host, &port), BM_OK);
  assert_string_equal(host, "127.0.0.1");
  assert_int_equal(port, 8080);
  assert_int_equal(http_listen_parse("[::1]:0", host, sizeof host, &port), BM_OK);
  assert_string_equal(host, "::1");
  assert_int_equal(port, 0);
  static const char *const bad[] = {
      "127.0.0.1", "::1:80", ":80", "h:65536", "h:", "h:8a", "[::1]80", "h:-1", "h: 1"};
  for (size_t i = 0; i < BM_COUNTOF(bad); i++)
    if (http_listen_parse(bad[i], host, sizeof host, &port) == BM_OK)
      fail_msg("accepted listen '%s'", bad[i]);

  assert_true(http_secret_equal("abc", "abc"));
  assert_false(http_secret_equal("abc", "abd"));
  assert_false(http_secret_equal("abc", "abcd"));
  assert_false(http_secret_equal("", "a"));
  assert_false(http_secret_equal(NULL, "a"));
}

static void test_http_perm_table(void **state) {
  (void)state;
  for (unsigned r = 1; r < HTTP_ROLE__COUNT; r++) {
    http_role back;
    assert_non_null(http_role_name((http_role)r));
    assert_int_equal(http_role_parse(http_role_name((http_role)r), &back), BM_OK);
    assert_int_equal(back, r);
  }
  assert_null(http_role_name(HTTP_ROLE_NONE));
  assert_null(http_role_name(HTTP_ROLE__COUNT));
  http_role x;
  assert_int_equal(http_role_parse("root", &x), BM_ERR_NOTFOUND);
  size_t n;
  const http_perm *p = http_perm_list(&n);
  assert_true(n >= 14);
  static const char *const required[] = {
      "inspection.create", "crossing.create",  "crossing.read",      "traveller.read",
      "watchlist.read",    "watchlist.upload", "disposition.create", "referral.read",
      "referral.resolve",  "user.admin",       "audit.read",         "audit.verify",
      "stats.read",        "metrics.read"};
  for (size_t i = 0; i < BM_COUNTOF(required); i++) assert_non_null(http_perm_find(required[i]));
  unsigned all = 0;
  for (size_t i = 0; i < n; i++) {
    assert_true(strlen(p[i].why) > 10);
    assert_true(p[i].roles != 0);
    assert_int_equal(p[i].roles & ~((1u << HTTP_ROLE__COUNT) - 2u), 0); /* no bit for NONE */
    for (size_t j = 0; j < i; j++) assert_string_not_equal(p[i].name, p[j].name);
    all |= p[i].roles;
    for (unsigned r = 0; r < HTTP_ROLE__COUNT; r++)
      assert_int_equal(http_perm_allows((http_role)r, p[i].name),
                       (p[i].roles & HTTP_ROLE_BIT(r)) != 0);
  }
  assert_int_equal(all, (1u << HTTP_ROLE__COUNT) - 2u); /* every real role holds something */
  assert_false(http_perm_allows(HTTP_ROLE_ADMINISTRATOR, "no.such"));
  assert_false(http_perm_allows(HTTP_ROLE_ADMINISTRATOR, NULL));
  /* Separation of duties the table promises. */
  assert_false(http_perm_allows(HTTP_ROLE_ADMINISTRATOR, "traveller.read"));
  assert_false(http_perm_allows(HTTP_ROLE_ADMINISTRATOR, "audit.read"));
  assert_false(http_perm_allows(HTTP_ROLE_OFFICER, "disposition.create"));
  assert_false(http_perm_allows(HTTP_ROLE_DPO, "inspection.create"));
}

static void test_http_route_table_checked(void **state) {
  (void)state;
  static const http_route bad_perm[] = {{"GET", "/a", h_echo, "no.such", 0, 0}};
  static const http_route public_perm[] = {
      {"GET", "/a", h_echo, "stats.read", HTTP_ROUTE_PUBLIC, 0}};
  static const http_route no_perm[] = {{"GET", "/a", h_echo, NULL, 0, 0}};
  static const http_route dup[] = {{"GET", "/a/{x}", h_echo, NULL, HTTP_ROUTE_PUBLIC, 0},
                                   {"GET", "/a/{y}", h_echo, NULL, HTTP_ROUTE_PUBLIC, 0}};
  static const http_route bad_pattern[] = {{"GET", "/a/{X}", h_echo, NULL, HTTP_ROUTE_PUBLIC, 0}};
  static const http_route bad_method[] = {{"FETCH", "/a", h_echo, NULL, HTTP_ROUTE_PUBLIC, 0}};
  static const http_route big_body[] = {
      {"POST", "/a", h_echo, NULL, HTTP_ROUTE_PUBLIC, HTTP_BODY_BYTES_MAX + 1}};
  const struct {
    const http_route *r;
    size_t n;
  } cases[] = {{bad_perm, 1},    {public_perm, 1}, {no_perm, 1}, {dup, 2},
               {bad_pattern, 1}, {bad_method, 1},  {big_body, 1}};
  for (size_t i = 0; i < BM_COUNTOF(cases); i++) {
    http_config cfg = {0};
    cfg.routes = cases[i].r;
    cfg.nroutes = cases[i].n;
    http_server *srv = NULL;
    bm_diag d = {0};
    assert_int_equal(http_server_new(&cfg, &srv, &d), BM_ERR_USAGE);
    assert_null(srv);
    assert_true(d.message[0] != '\0');
  }
  /* The application's own table is valid. */
  http_config cfg = {0};
  http_server *srv = NULL;
  assert_int_equal(http_server_new(&cfg, &srv, NULL), BM_OK);
  http_server_free(srv);
  cfg.listen = "nonsense";
  assert_int_equal(http_server_new(&cfg, &srv, NULL), BM_ERR_USAGE);
}

/* ---- Routing, problems, headers ---- */

static void test_http_routing(void **state) {
  (void)state;
  tresp r;
  treq(g_port, "GET", "/t/items/42?q=a+b", "Authorization: Bearer tok-officer\r\n", NULL, NULL, &r);
  assert_int_equal(r.status, 200);
  json_t *j = tjson(&r);
  assert_string_equal(json_string_value(json_object_get(j, "id")), "42");
  assert_string_equal(json_string_value(json_object_get(j, "q")), "a b");
  assert_string_equal(json_string_value(json_object_get(j, "route")), "/t/items/{id}");
  assert_string_equal(json_string_value(json_object_get(j, "user")), "officer-user");
  assert_string_equal(json_string_value(json_object_get(j, "session")), "bearer");
  assert_string_equal(theader(&r, "X-Handler"), "echo");
  json_decref(j);
  tresp_free(&r);

  /* literal before parameter */
  treq(g_port, "GET", "/t/items/special", "Authorization: Bearer tok-officer\r\n", NULL, NULL, &r);
  j = tjson(&r);
  assert_string_equal(json_string_value(json_object_get(j, "route")), "/t/items/special");
  json_decref(j);
  tresp_free(&r);

  treq(g_port, "GET", "/t/no/such/thing", NULL, NULL, NULL, &r);
  expect_problem(&r, 404, "not-found");
  tresp_free(&r);
  treq(g_port, "GET", "/api/v1/nothing-here", NULL, NULL, NULL, &r);
  expect_problem(&r, 404, "not-found");
  tresp_free(&r);

  treq(g_port, "PUT", "/t/items", NULL, NULL, NULL, &r);
  expect_problem(&r, 405, "method-not-allowed");
  assert_string_equal(theader(&r, "Allow"), "POST");
  tresp_free(&r);
  treq(g_port, "PATCH", "/t/items/7", NULL, NULL, NULL, &r);
  expect_problem(&r, 405, "method-not-allowed");
  assert_string_equal(theader(&r, "Allow"), "GET, HEAD, DELETE");
  tresp_free(&r);

  treq(g_port, "GET", "/t/items/%2e%2e", NULL, NULL, NULL, &r);
  expect_problem(&r, 400, "bad-target");
  tresp_free(&r);
  treq(g_port, "GET", "/t/items/a%2Fb", NULL, NULL, NULL, &r);
  expect_problem(&r, 400, "bad-target");
  tresp_free(&r);

  /* HEAD runs the GET route, without a body. */
  treq(g_port, "HEAD", "/healthz", NULL, NULL, NULL, &r);
  assert_int_equal(r.status, 200);
  assert_int_equal(r.body_len, 0);
  tresp_free(&r);

  treq(g_port, "GET", "/t/nothing", NULL, NULL, NULL, &r);
  expect_problem(&r, 500, "internal");
  tresp_free(&r);
}

static void test_http_headers(void **state) {
  (void)state;
  const char *paths[] = {"/healthz", "/nope", "/"};
  for (size_t i = 0; i < BM_COUNTOF(paths); i++) {
    tresp r;
    treq(g_port, "GET", paths[i], NULL, NULL, NULL, &r);
    const char *csp = theader(&r, "Content-Security-Policy");
    assert_non_null(csp);
    assert_non_null(strstr(csp, "default-src 'self'"));
    assert_string_equal(theader(&r, "X-Content-Type-Options"), "nosniff");
    assert_string_equal(theader(&r, "Referrer-Policy"), "no-referrer");
    assert_string_equal(theader(&r, "X-Frame-Options"), "DENY");
    const char *cc = theader(&r, "Cache-Control");
    assert_string_equal(cc, strcmp(paths[i], "/") == 0 ? "no-cache" : "no-store");
    const char *rid = theader(&r, "X-Request-Id");
    assert_non_null(rid);
    assert_int_equal(strlen(rid), 32);
    assert_int_equal(strspn(rid, "0123456789abcdef"), 32);
    tresp_free(&r);
  }
  /* request ids differ */
  tresp a, b;
  treq(g_port, "GET", "/healthz", NULL, NULL, NULL, &a);
  char ida[64];
  snprintf(ida, sizeof ida, "%s", theader(&a, "X-Request-Id"));
  treq(g_port, "GET", "/healthz", NULL, NULL, NULL, &b);
  assert_string_not_equal(ida, theader(&b, "X-Request-Id"));
  tresp_free(&a);
  tresp_free(&b);
}

/* ---- Bodies ---- */

static void test_http_body_limits(void **state) {
  (void)state;
  tresp r;
  treq(g_port, "POST", "/t/small", NULL, "application/json", "{\"a\":1}", &r);
  assert_int_equal(r.status, 200);
  tresp_free(&r);
  /* Content-Length above the limit: refused before the body is read. */
  treq(g_port, "POST", "/t/small", NULL, "application/json", "{\"a\":\"0123456789abcdef\"}", &r);
  json_t *j = assert_problem(&r, 413, "body-too-large");
  assert_non_null(strstr(json_string_value(json_object_get(j, "detail")), "16 bytes"));
  json_decref(j);
  tresp_free(&r);
  /* Announce a huge body and send none: the answer comes at once. */
  const char *huge = "POST /t/small HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                     "Content-Length: 1000000000000\r\n\r\n";
  raw_roundtrip(g_port, huge, strlen(huge), &r);
  expect_problem(&r, 413, "body-too-large");
  tresp_free(&r);
  /* Chunked, no length known in advance: 413 once the limit is passed. */
  const char *chunked = "POST /t/small HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                        "Transfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n"
                        "a\r\n0123456789\r\na\r\n0123456789\r\n0\r\n\r\n";
  raw_roundtrip(g_port, chunked, strlen(chunked), &r);
  expect_problem(&r, 413, "body-too-large");
  tresp_free(&r);
  const char *chunked_ok = "POST /t/small HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                           "Transfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n"
                           "5\r\n01234\r\n5\r\n56789\r\n0\r\n\r\n";
  raw_roundtrip(g_port, chunked_ok, strlen(chunked_ok), &r);
  assert_int_equal(r.status, 200);
  j = tjson(&r);
  assert_int_equal(json_integer_value(json_object_get(j, "body_len")), 10);
  json_decref(j);
  tresp_free(&r);
  /* The per-route limit of an upload route is larger than the default of others. */
  char body[3000];
  memset(body, 'x', sizeof body - 1);
  body[sizeof body - 1] = '\0';
  treq(g_port, "POST", "/t/upload", "Authorization: Bearer tok-supervisor\r\n", "text/csv", body,
       &r);
  assert_int_equal(r.status, 200);
  tresp_free(&r);
  /* Headers above the limit: libmicrohttpd refuses them (431) and nothing leaks. */
  size_t hn = HTTP_HEADER_BYTES_DEFAULT + 1024;
  char *big = malloc(hn + 256);
  assert_non_null(big);
  int n = snprintf(big, 256, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: ");
  memset(big + n, 'a', hn);
  memcpy(big + n + hn, "\r\n\r\n", 4);
  raw_roundtrip(g_port, big, (size_t)n + hn + 4, &r);
  assert_true(r.status == 0 || r.status == 431 || r.status == 413 || r.status == 400);
  free(big);
  tresp_free(&r);
}

static void test_http_json_bodies(void **state) {
  (void)state;
  tresp r;
  treq(g_port, "POST", "/t/items", "Authorization: Bearer tok-officer\r\n",
       "application/json; charset=utf-8", "{\"surname\":\"ERIKSSON\",\"n\":[1,2]}", &r);
  assert_int_equal(r.status, 200);
  json_t *j = tjson(&r);
  assert_string_equal(json_string_value(json_object_get(json_object_get(j, "json"), "surname")),
                      "ERIKSSON");
  json_decref(j);
  tresp_free(&r);

  treq(g_port, "POST", "/t/items", "Authorization: Bearer tok-officer\r\n", "application/json",
       "{\"a\": 1,\n \"b\": }", &r);
  j = assert_problem(&r, 400, "malformed-json");
  json_t *errs = json_object_get(j, "errors");
  assert_int_equal(json_array_size(errs), 1);
  json_t *e = json_array_get(errs, 0);
  assert_int_equal(json_integer_value(json_object_get(e, "line")), 2);
  assert_true(json_integer_value(json_object_get(e, "column")) > 0);
  assert_true(json_is_null(json_object_get(e, "field")));
  assert_true(json_is_string(json_object_get(e, "message")));
  json_decref(j);
  tresp_free(&r);

  /* Duplicate keys are refused (strict parsing). */
  treq(g_port, "POST", "/t/items", "Authorization: Bearer tok-officer\r\n",
       "application/merge-patch+json", "{\"a\":1,\"a\":2}", &r);
  expect_problem(&r, 400, "malformed-json");
  tresp_free(&r);

  /* Not JSON by Content-Type: handed over raw. */
  treq(g_port, "POST", "/t/items", "Authorization: Bearer tok-officer\r\n", "text/plain", "{{{",
       &r);
  assert_int_equal(r.status, 200);
  j = tjson(&r);
  assert_null(json_object_get(j, "json"));
  assert_int_equal(json_integer_value(json_object_get(j, "body_len")), 3);
  json_decref(j);
  tresp_free(&r);

  /* Validation errors from bm_diag. */
  treq(g_port, "POST", "/t/validate", NULL, "application/json", "{}", &r);
  j = assert_problem(&r, 422, "validation");
  errs = json_object_get(j, "errors");
  assert_int_equal(json_array_size(errs), 2);
  e = json_array_get(errs, 0);
  assert_string_equal(json_string_value(json_object_get(e, "field")), "surname");
  assert_true(json_is_null(json_object_get(e, "line")));
  assert_string_equal(json_string_value(json_object_get(e, "message")), "must not be empty");
  e = json_array_get(errs, 1);
  assert_int_equal(json_integer_value(json_object_get(e, "line")), 2);
  assert_int_equal(json_integer_value(json_object_get(e, "column")), 14);
  assert_string_equal(json_string_value(json_object_get(j, "detail")),
                      "the traveller is not valid");
  json_decref(j);
  tresp_free(&r);
}

/* ---- Authentication, authorisation, CSRF ---- */

static void test_http_auth_rules(void **state) {
  (void)state;
  tresp r;
  treq(g_port, "GET", "/t/items/1", NULL, NULL, NULL, &r);
  expect_problem(&r, 401, "unauthenticated");
  assert_non_null(theader(&r, "WWW-Authenticate"));
  tresp_free(&r);
  treq(g_port, "GET", "/t/items/1", "Authorization: Bearer tok-nobody\r\n", NULL, NULL, &r);
  expect_problem(&r, 401, "unauthenticated");
  assert_non_null(strstr(theader(&r, "WWW-Authenticate"), "invalid_token"));
  tresp_free(&r);
  treq(g_port, "GET", "/t/items/1", "Authorization: Basic dXNlcjpwYXNz\r\n", NULL, NULL, &r);
  expect_problem(&r, 401, "unauthenticated");
  tresp_free(&r);
  treq(g_port, "GET", "/t/items/1", "Cookie: other=1\r\n", NULL, NULL, &r);
  expect_problem(&r, 401, "unauthenticated");
  tresp_free(&r);
  treq(g_port, "GET", "/t/items/1", "Authorization: Bearer tok-broken\r\n", NULL, NULL, &r);
  expect_problem(&r, 503, "auth-unavailable");
  tresp_free(&r);
  /* A bearer header is judged alone: a valid cookie beside a bad token does not help. */
  treq(g_port, "GET", "/t/items/1",
       "Authorization: Bearer tok-nobody\r\nCookie: bmis_session=sess-officer\r\n", NULL, NULL, &r);
  expect_problem(&r, 401, "unauthenticated");
  tresp_free(&r);

  /* Role lacks the permission. */
  treq(g_port, "POST", "/t/items", "Authorization: Bearer tok-analyst\r\n", "application/json",
       "{}", &r);
  json_t *j = assert_problem(&r, 403, "forbidden");
  assert_non_null(strstr(json_string_value(json_object_get(j, "detail")), "inspection.create"));
  json_decref(j);
  tresp_free(&r);

  /* Cookie sessions: safe methods need no CSRF token, unsafe ones need the right one. */
  treq(g_port, "GET", "/t/items/1", "Cookie: a=b; bmis_session=sess-officer\r\n", NULL, NULL, &r);
  assert_int_equal(r.status, 200);
  j = tjson(&r);
  assert_string_equal(json_string_value(json_object_get(j, "session")), "cookie");
  json_decref(j);
  tresp_free(&r);
  treq(g_port, "POST", "/t/items", "Cookie: bmis_session=sess-officer\r\n", "application/json",
       "{}", &r);
  expect_problem(&r, 403, "csrf");
  tresp_free(&r);
  treq(g_port, "POST", "/t/items",
       "Cookie: bmis_session=sess-officer\r\nX-CSRF-Token: csrf-supervisor\r\n", "application/json",
       "{}", &r);
  expect_problem(&r, 403, "csrf");
  tresp_free(&r);
  treq(g_port, "POST", "/t/items",
       "Cookie: bmis_session=sess-officer\r\nX-CSRF-Token: csrf-officer\r\n", "application/json",
       "{}", &r);
  assert_int_equal(r.status, 200);
  tresp_free(&r);
  treq(g_port, "DELETE", "/t/items/3",
       "Cookie: bmis_session=sess-administrator\r\nX-CSRF-Token: csrf-administrator\r\n", NULL,
       NULL, &r);
  assert_int_equal(r.status, 200);
  tresp_free(&r);
  treq(g_port, "DELETE", "/t/items/3", "Cookie: bmis_session=sess-administrator\r\n", NULL, NULL,
       &r);
  expect_problem(&r, 403, "csrf");
  tresp_free(&r);
  treq(g_port, "POST", "/t/exempt", "Cookie: bmis_session=sess-officer\r\n", "application/json",
       "{}", &r);
  assert_int_equal(r.status, 200);
  tresp_free(&r);
  /* Bearer requests need no CSRF token. */
  treq(g_port, "POST", "/t/items", "Authorization: Bearer tok-officer\r\n", "application/json",
       "{}", &r);
  assert_int_equal(r.status, 200);
  tresp_free(&r);

  /* The caller: /api/v1/me. */
  treq(g_port, "GET", "/api/v1/me", "Cookie: bmis_session=sess-dpo\r\n", NULL, NULL, &r);
  assert_int_equal(r.status, 200);
  j = tjson(&r);
  assert_string_equal(json_string_value(json_object_get(j, "username")), "dpo-user");
  assert_string_equal(json_string_value(json_object_get(j, "role")), "dpo");
  assert_string_equal(json_string_value(json_object_get(j, "session")), "cookie");
  assert_string_equal(json_string_value(json_object_get(j, "csrf_token")), "csrf-dpo");
  json_t *perms = json_object_get(j, "permissions");
  int has_audit = 0;
  for (size_t i = 0; i < json_array_size(perms); i++) {
    const char *p = json_string_value(json_array_get(perms, i));
    assert_true(http_perm_allows(HTTP_ROLE_DPO, p));
    has_audit |= strcmp(p, "audit.read") == 0;
  }
  assert_true(has_audit);
  json_decref(j);
  tresp_free(&r);
}

/* Substitute every {param} of pattern with "x1". */
static void fill_pattern(const char *pattern, char *out, size_t cap) {
  size_t w = 0;
  for (const char *p = pattern; *p && w + 3 < cap; p++) {
    if (*p == '{') {
      const char *e = strchr(p, '}');
      memcpy(out + w, "x1", 2);
      w += 2;
      p = e;
    } else {
      out[w++] = *p;
    }
  }
  out[w] = '\0';
}

/* Every route of a table x every role: no credential is 401, a role without the route's permission
 * is 403 (before the handler runs); with call_allowed, a role holding it gets past the checks. */
static void check_table_permissions(unsigned port, const http_route *routes, size_t n,
                                    int call_allowed, int loopback_trusted) {
  size_t denied = 0;
  for (size_t i = 0; i < n; i++) {
    const http_route *rt = &routes[i];
    if (rt->flags & HTTP_ROUTE_PUBLIC) continue;
    if ((rt->flags & HTTP_ROUTE_LOOPBACK) && loopback_trusted) continue;
    if (strcmp(rt->pattern, "/t/slow") == 0) continue;
    char path[512];
    fill_pattern(rt->pattern, path, sizeof path);
    const char *body = strcmp(rt->method, "GET") == 0 ? NULL : "{}";
    tresp r;
    treq(port, rt->method, path, NULL, NULL, body, &r);
    if (r.status != 401) fail_msg("%s %s without credentials: %d", rt->method, path, r.status);
    expect_problem(&r, 401, "unauthenticated");
    tresp_free(&r);
    for (unsigned role = 1; role < HTTP_ROLE__COUNT; role++) {
      int allowed = http_perm_allows((http_role)role, rt->perm);
      if (allowed && !call_allowed) continue;
      char hdr[128];
      snprintf(hdr, sizeof hdr, "Authorization: Bearer tok-%s\r\n",
               http_role_name((http_role)role));
      treq(port, rt->method, path, hdr, NULL, body, &r);
      if (!allowed) {
        if (r.status != 403)
          fail_msg("%s %s as %s: %d, want 403", rt->method, path, http_role_name((http_role)role),
                   r.status);
        expect_problem(&r, 403, "forbidden");
        denied++;
      } else if (r.status == 401 || r.status == 403) {
        fail_msg("%s %s as %s: %d, want access", rt->method, path, http_role_name((http_role)role),
                 r.status);
      }
      tresp_free(&r);
    }
  }
  assert_true(denied > 0);
}

static void test_http_permissions_every_route_every_role(void **state) {
  (void)state;
  check_table_permissions(g_port, test_routes, BM_COUNTOF(test_routes), 1, 1);
  /* The application's real table, loopback not trusted so /metrics needs its permission too. The
   * handlers of allowed roles are not called: they may need the application. */
  http_config cfg = {0};
  cfg.auth = test_auth;
  cfg.distrust_loopback = 1;
  http_server *srv = start_server(&cfg);
  size_t n;
  const http_route *all = http_routes_all(&n);
  check_table_permissions(http_server_port(srv), all, n, 0, 0);
  assert_int_equal(http_server_stop(srv, 5000), BM_OK);
  http_server_free(srv);
}

/* ---- Built-in routes ---- */

static void test_http_healthz(void **state) {
  (void)state;
  tresp r;
  treq(g_port, "GET", "/healthz", NULL, NULL, NULL, &r);
  assert_int_equal(r.status, 200);
  assert_string_equal(theader(&r, "Content-Type"), "application/json");
  assert_string_equal(r.body, "{\"status\":\"ok\"}");
  tresp_free(&r);
  atomic_store(&ready_flag, 0);
  treq(g_port, "GET", "/healthz", NULL, NULL, NULL, &r);
  atomic_store(&ready_flag, 1);
  assert_int_equal(r.status, 503);
  json_t *j = tjson(&r);
  assert_string_equal(json_string_value(json_object_get(j, "status")), "unavailable");
  assert_string_equal(json_string_value(json_object_get(j, "detail")), "database not open");
  json_decref(j);
  tresp_free(&r);
}

/* The value of one exposition line starting with series (0 if absent). */
static double metric(const char *text, const char *series) {
  size_t n = strlen(series);
  for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
    if (strncmp(p, series, n) == 0 && p[n] == ' ') return strtod(p + n + 1, NULL);
  return 0;
}

static double scrape(unsigned port, const char *series) {
  tresp r;
  treq(port, "GET", "/metrics", NULL, NULL, NULL, &r);
  assert_int_equal(r.status, 200);
  double v = metric(r.body, series);
  tresp_free(&r);
  return v;
}

static void sleep_ms(unsigned ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  nanosleep(&ts, NULL);
}

static void test_http_metrics(void **state) {
  (void)state;
  const char *ok = "bmis_http_requests_total{route=\"/healthz\",method=\"GET\",code=\"2xx\"}";
  const char *nf = "bmis_http_requests_total{route=\"(unmatched)\",method=\"*\",code=\"4xx\"}";
  const char *hist = "bmis_http_request_duration_seconds_count{route=\"/healthz\",method=\"GET\"}";
  double before = scrape(g_port, ok), before404 = scrape(g_port, nf);
  for (int i = 0; i < 3; i++) {
    tresp r;
    treq(g_port, "GET", "/healthz", NULL, NULL, NULL, &r);
    tresp_free(&r);
  }
  tresp r;
  treq(g_port, "GET", "/api/nowhere", NULL, NULL, NULL, &r);
  tresp_free(&r);
  /* Counted when the completion callback ran: poll, bounded. */
  double after = 0, after404 = 0;
  for (unsigned waited = 0; waited < POLL_MS_MAX; waited += 10) {
    after = scrape(g_port, ok);
    after404 = scrape(g_port, nf);
    if (after >= before + 3 && after404 >= before404 + 1) break;
    sleep_ms(10);
  }
  assert_true(after == before + 3);
  assert_true(after404 == before404 + 1);

  treq(g_port, "GET", "/metrics", NULL, NULL, NULL, &r);
  assert_int_equal(r.status, 200);
  assert_non_null(strstr(theader(&r, "Content-Type"), "text/plain; version=0.0.4"));
  assert_non_null(strstr(r.body, "# TYPE bmis_http_requests_total counter"));
  assert_non_null(strstr(r.body, "# TYPE bmis_http_request_duration_seconds histogram"));
  assert_non_null(strstr(r.body, "le=\"+Inf\""));
  assert_true(metric(r.body, hist) >= 3);
  /* The scrape itself is in flight while it renders. */
  assert_true(metric(r.body, "bmis_http_requests_in_flight") >= 1);
  assert_true(metric(r.body, "bmis_uptime_seconds") >= 0);
  assert_true(metric(r.body, "process_start_time_seconds") > 1.5e9);
  tresp_free(&r);

  /* The audit hook saw requests, with their status. */
  assert_true(atomic_load(&audit_count) > 0);
}

static void test_http_metrics_needs_permission_when_loopback_distrusted(void **state) {
  (void)state;
  http_config cfg = test_config();
  cfg.distrust_loopback = 1;
  http_server *srv = start_server(&cfg);
  unsigned port = http_server_port(srv);
  tresp r;
  treq(port, "GET", "/metrics", NULL, NULL, NULL, &r);
  expect_problem(&r, 401, "unauthenticated");
  tresp_free(&r);
  treq(port, "GET", "/metrics", "Authorization: Bearer tok-officer\r\n", NULL, NULL, &r);
  expect_problem(&r, 403, "forbidden");
  tresp_free(&r);
  treq(port, "GET", "/metrics", "Authorization: Bearer tok-administrator\r\n", NULL, NULL, &r);
  assert_int_equal(r.status, 200);
  tresp_free(&r);
  assert_int_equal(http_server_stop(srv, 5000), BM_OK);
  http_server_free(srv);
}

/* ---- Static files ---- */

static void test_http_static_files(void **state) {
  (void)state;
  tresp r;
  treq(g_port, "GET", "/", NULL, NULL, NULL, &r);
  assert_int_equal(r.status, 200);
  assert_string_equal(theader(&r, "Content-Type"), "text/html; charset=utf-8");
  assert_string_equal(r.body, "<!doctype html><title>bmis</title>");
  tresp_free(&r);
  treq(g_port, "GET", "/app.js", NULL, NULL, NULL, &r);
  assert_int_equal(r.status, 200);
  assert_string_equal(theader(&r, "Content-Type"), "text/javascript; charset=utf-8");
  tresp_free(&r);
  treq(g_port, "GET", "/sub/", NULL, NULL, NULL, &r);
  assert_int_equal(r.status, 200);
  assert_string_equal(r.body, "sub index");
  tresp_free(&r);
  treq(g_port, "GET", "/sub", NULL, NULL, NULL, &r);
  assert_int_equal(r.status, 200);
  tresp_free(&r);
  const char *hidden[] = {"/.secret", "/missing.css", "/sub//index.html", "/app.js/x"};
  for (size_t i = 0; i < BM_COUNTOF(hidden); i++) {
    treq(g_port, "GET", hidden[i], NULL, NULL, NULL, &r);
    expect_problem(&r, 404, "not-found");
    tresp_free(&r);
  }
  const char *traversal[] = {"/../etc/passwd",     "/%2e%2e/etc/passwd", "/sub/%2E%2E/%2E%2E/x",
                             "/..%2fetc%2fpasswd", "/sub/..%5c..%5cx",   "/%2e%2e%2f"};
  for (size_t i = 0; i < BM_COUNTOF(traversal); i++) {
    treq(g_port, "GET", traversal[i], NULL, NULL, NULL, &r);
    expect_problem(&r, 400, "bad-target");
    tresp_free(&r);
  }
  treq(g_port, "POST", "/app.js", NULL, "text/plain", "x", &r);
  expect_problem(&r, 404, "not-found");
  tresp_free(&r);
}

/* ---- Graceful shutdown ---- */

typedef struct client_job {
  unsigned port;
  const char *raw;
  tresp r;
} client_job;

static void *client_thread(void *arg) {
  client_job *job = arg;
  int fd = tconnect(job->port);
  send_all(fd, job->raw, strlen(job->raw));
  read_resp(fd, &job->r);
  close(fd);
  return NULL;
}

typedef struct stop_job {
  http_server *srv;
  unsigned deadline_ms;
  bm_err result;
} stop_job;

static void *stop_thread(void *arg) {
  stop_job *job = arg;
  job->result = http_server_stop(job->srv, job->deadline_ms);
  return NULL;
}

static void wait_until(int (*cond)(void *), void *arg, const char *what) {
  for (unsigned waited = 0; waited < POLL_MS_MAX; waited++) {
    if (cond(arg)) return;
    sleep_ms(1);
  }
  fail_msg("timed out waiting for %s", what);
}

static int slow_has_entered(void *arg) {
  (void)arg;
  pthread_mutex_lock(&slow_lock);
  int v = slow_entered;
  pthread_mutex_unlock(&slow_lock);
  return v;
}
static int is_stopping(void *arg) {
  return http_server_stopping(arg);
}
static int has_inflight(void *arg) {
  return http_server_inflight(arg) > 0;
}

static void test_http_shutdown_completes_inflight(void **state) {
  (void)state;
  http_config cfg = test_config();
  http_server *srv = start_server(&cfg);
  slow_entered = slow_released = 0;
  client_job cj = {http_server_port(srv),
                   "POST /t/slow HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                   "Content-Length: 2\r\n\r\n{}",
                   {0}};
  pthread_t ct, st;
  assert_int_equal(pthread_create(&ct, NULL, client_thread, &cj), 0);
  wait_until(slow_has_entered, NULL, "the handler");
  assert_int_equal(http_server_inflight(srv), 1);

  stop_job sj = {srv, 10000, BM_ERR_IO};
  assert_int_equal(pthread_create(&st, NULL, stop_thread, &sj), 0);
  wait_until(is_stopping, srv, "stop to begin");
  /* The server is draining: the write in flight must still be answered. */
  pthread_mutex_lock(&slow_lock);
  slow_released = 1;
  pthread_cond_broadcast(&slow_cond);
  pthread_mutex_unlock(&slow_lock);
  pthread_join(st, NULL);
  pthread_join(ct, NULL);
  assert_int_equal(sj.result, BM_OK);
  assert_int_equal(cj.r.status, 201);
  assert_string_equal(cj.r.body, "{\"written\":true}");
  const char *conn = theader(&cj.r, "Connection");
  assert_non_null(conn);
  assert_int_equal(strcasecmp(conn, "close"), 0);
  tresp_free(&cj.r);
  assert_int_equal(http_server_port(srv), 0);
  /* Nobody listens any more. */
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons((uint16_t)cj.port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  assert_int_not_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
  close(fd);
  http_server_free(srv);
}

static void test_http_shutdown_deadline_cuts_stalled_upload(void **state) {
  (void)state;
  http_config cfg = test_config();
  http_server *srv = start_server(&cfg);
  /* A client that announces 10 bytes and sends 2, then waits: in flight, never finishing. */
  int fd = tconnect(http_server_port(srv));
  const char *part = "POST /t/small HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     "Content-Length: 10\r\n\r\n{}";
  send_all(fd, part, strlen(part));
  wait_until(has_inflight, srv, "the upload to start");
  assert_int_equal(http_server_stop(srv, 100), BM_ERR_LIMIT);
  tresp r;
  read_resp(fd, &r); /* the connection was closed without an answer */
  assert_int_equal(r.status, 0);
  tresp_free(&r);
  close(fd);
  http_server_free(srv);
  /* Stopping twice, or a server never started, is fine. */
  assert_int_equal(http_server_stop(NULL, 0), BM_OK);
  http_server_free(NULL);
}

int main(void) {
  const struct CMUnitTest unit[] = {
      cmocka_unit_test(test_http_target_parse),
      cmocka_unit_test(test_http_cookie_bearer_listen),
      cmocka_unit_test(test_http_perm_table),
      cmocka_unit_test(test_http_route_table_checked),
  };
  const struct CMUnitTest server[] = {
      cmocka_unit_test(test_http_routing),
      cmocka_unit_test(test_http_headers),
      cmocka_unit_test(test_http_body_limits),
      cmocka_unit_test(test_http_json_bodies),
      cmocka_unit_test(test_http_auth_rules),
      cmocka_unit_test(test_http_permissions_every_route_every_role),
      cmocka_unit_test(test_http_healthz),
      cmocka_unit_test(test_http_metrics),
      cmocka_unit_test(test_http_metrics_needs_permission_when_loopback_distrusted),
      cmocka_unit_test(test_http_static_files),
      cmocka_unit_test(test_http_shutdown_completes_inflight),
      cmocka_unit_test(test_http_shutdown_deadline_cuts_stalled_upload),
  };
  int fails = cmocka_run_group_tests_name("http parsing", unit, NULL, NULL);
  fails += cmocka_run_group_tests_name("http server", server, setup, teardown);
  return fails;
}
