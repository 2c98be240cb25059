/* cmd_serve.c - `bmis serve` (DESIGN.md 5.4): run the HTTP server until SIGTERM or SIGINT.
 *
 * The signals are blocked before the server's threads start (they inherit the mask) and taken
 * with sigwait here, so no handler runs in the middle of a request and shutdown is ordinary code:
 * stop accepting, let requests in flight finish up to --shutdown-timeout, stop (docs/http.md).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bmis/app.h"
#include "bmis/http.h"
#include "bmis/json_stay.h"
#include "bmis/store.h"
#include "cli/cmd.h"
#include "http/http_api.h"

#define CMD_SERVE_THREADS_MAX          256
#define CMD_SERVE_SHUTDOWN_MAX         3600 /* seconds */
#define CMD_SERVE_RETENTION_INTERVAL_S 600  /* the retention job's period */

/* The retention job: a thread that deletes expired API data every interval until stopped. */
typedef struct janitor {
  app *ap;
  unsigned long interval_s;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  int stop;
} janitor;

static void *janitor_main(void *arg) {
  janitor *j = arg;
  pthread_mutex_lock(&j->mu);
  while (!j->stop) {
    pthread_mutex_unlock(&j->mu);
    store_api_purge_result r;
    bm_diag d = {0};
    bm_err e = app_api_purge(j->ap, NULL, 0, &r, &d);
    if (e != BM_OK)
      fprintf(stderr, "bmis serve: retention job failed: %s\n",
              d.message[0] ? d.message : bm_err_str(e));
    else if (r.persons_deleted || r.flights_deleted || r.persons_kept)
      fprintf(stderr,
              "bmis serve: retention: %lld API persons and %lld flights deleted, %lld persons "
              "kept for a confirmed hit\n",
              (long long)r.persons_deleted, (long long)r.flights_deleted,
              (long long)r.persons_kept);
    pthread_mutex_lock(&j->mu);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += (time_t)j->interval_s;
    while (!j->stop && pthread_cond_timedwait(&j->cv, &j->mu, &ts) == 0) {
    }
  }
  pthread_mutex_unlock(&j->mu);
  return NULL;
}

void cmd_serve_help(FILE *out) {
  fprintf(out,
          "Usage: bmis serve [--db PATH | --pg CONNINFO] [--listen HOST:PORT] [--web DIR]\n"
          "                  [--threads N] [--shutdown-timeout SECONDS] [--no-access-log]\n"
          "                  [--home-state CODE] [--stay-policy FILE] [--threshold T]\n"
          "                  [--api-retention HOURS] [--retention-interval SECONDS]\n"
          "       bmis serve --print-routes\n"
          "\n"
          "Run the openbmis HTTP server: the REST JSON API under /api/v1/ (docs/openapi.yaml),\n"
          "GET /healthz, GET /metrics (Prometheus) and the web UI.\n"
          "\n"
          "  --db PATH            SQLite database (default bmis.db; created when missing);\n"
          "                       uploaded watchlists are kept in PATH.watchlists/\n"
          "  --pg CONNINFO        PostgreSQL instead of SQLite (not in this version: the\n"
          "                       store answers \"unsupported\" and the server does not start)\n"
          "  --listen HOST:PORT   address to listen on (default %s; [ADDR]:PORT for IPv6,\n"
          "                       port 0 picks a free port)\n"
          "  --web DIR            serve the static files of DIR under /\n"
          "  --threads N          worker threads (default: online CPUs)\n"
          "  --shutdown-timeout S on SIGTERM/SIGINT, wait up to S seconds for requests in flight\n"
          "                       (default %u)\n"
          "  --no-access-log      do not write the JSON Lines access log to stderr\n"
          "  --home-state CODE    ICAO code of this border's state: its nationals are exempt\n"
          "                       from the stay rule\n"
          "  --stay-policy FILE   stay rules per nationality (docs/stay-rules.md; default:\n"
          "                       90 days in any 180 for everyone)\n"
          "  --threshold T        screening threshold (default %.2f)\n"
          "  --api-retention H    keep advance passenger information H hours after the\n"
          "                       flight's arrival (default 24, Directive 2004/82/EC); persons\n"
          "                       with a confirmed hit are kept\n"
          "  --retention-interval S  run the retention job every S seconds (default %d)\n"
          "  --print-routes       print the route table (METHOD PATTERN per line) and exit\n"
          "\n"
          "Prints \"listening on http://HOST:PORT\" to stderr once ready. Errors are RFC 9457\n"
          "application/problem+json. See docs/http.md for limits, timeouts and shutdown.\n"
          "\n"
          "Exit status: 0 after a graceful shutdown, 2 usage error or when it cannot listen.\n",
          HTTP_LISTEN_DEFAULT, HTTP_SHUTDOWN_MS_DEFAULT / 1000, (double)WL_DEFAULT_THRESHOLD,
          CMD_SERVE_RETENTION_INTERVAL_S);
}

#define CMD_SERVE_POLICY_BYTES_MAX (1u << 20)

/* The stay policy file, parsed. */
static int load_policy(const char *path, stay_policy *out) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    fprintf(stderr, "bmis serve: %s: %s\n", path, strerror(errno));
    return -1;
  }
  char *buf = malloc(CMD_SERVE_POLICY_BYTES_MAX + 1);
  size_t n = buf ? fread(buf, 1, CMD_SERVE_POLICY_BYTES_MAX + 1, f) : 0;
  fclose(f);
  if (buf == NULL || n > CMD_SERVE_POLICY_BYTES_MAX) {
    fprintf(stderr, "bmis serve: %s: larger than %u bytes\n", path, CMD_SERVE_POLICY_BYTES_MAX);
    free(buf);
    return -1;
  }
  bm_diag d = {0};
  bm_err e = js_stay_policy_parse(buf, n, out, &d);
  free(buf);
  if (e != BM_OK) {
    fprintf(stderr, "bmis serve: %s: %s%s%s\n", path, d.field, d.field[0] ? ": " : "", d.message);
    return -1;
  }
  return 0;
}

static int parse_uint(const char *s, unsigned long max, unsigned long *out) {
  char *end;
  errno = 0;
  unsigned long v = strtoul(s, &end, 10);
  if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || v > max) return -1;
  *out = v;
  return 0;
}

static int print_routes(void) {
  size_t n;
  const http_route *r = http_routes_all(&n);
  for (size_t i = 0; i < n; i++) printf("%s %s\n", r[i].method, r[i].pattern);
  return CMD_EXIT_OK;
}

int cmd_serve(int argc, char **argv) {
  const char *db = "bmis.db", *pg = NULL;
  http_config cfg = {0};
  unsigned long threads = 0, shutdown_s = HTTP_SHUTDOWN_MS_DEFAULT / 1000;
  int access_log = 1;
  const char *home_state = NULL, *policy_path = NULL;
  float threshold = 0.0f;
  double api_retention_h = 24.0;
  unsigned long retention_interval_s = CMD_SERVE_RETENTION_INTERVAL_S;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (cmd__is_help(a)) {
      cmd_serve_help(stdout);
      return CMD_EXIT_OK;
    } else if (strcmp(a, "--print-routes") == 0) {
      return print_routes();
    } else if (strcmp(a, "--no-access-log") == 0) {
      access_log = 0;
      continue;
    }
    if (v == NULL) {
      fprintf(stderr, "bmis serve: unknown option or missing value: %s (see --help)\n", a);
      return CMD_EXIT_USAGE;
    }
    if (strcmp(a, "--db") == 0) {
      db = v;
    } else if (strcmp(a, "--pg") == 0) {
      pg = v;
    } else if (strcmp(a, "--listen") == 0) {
      cfg.listen = v;
    } else if (strcmp(a, "--web") == 0) {
      cfg.web_dir = v;
    } else if (strcmp(a, "--home-state") == 0) {
      home_state = v;
    } else if (strcmp(a, "--stay-policy") == 0) {
      policy_path = v;
    } else if (strcmp(a, "--threshold") == 0) {
      char *end;
      threshold = strtof(v, &end);
      if (*end != '\0' || !(threshold >= 0.65f && threshold <= 1.0f)) {
        fprintf(stderr, "bmis serve: --threshold wants 0.65..1\n");
        return CMD_EXIT_USAGE;
      }
    } else if (strcmp(a, "--api-retention") == 0) {
      char *end;
      api_retention_h = strtod(v, &end);
      if (*end != '\0' || !(api_retention_h > 0.0 && api_retention_h <= 24.0 * 3650)) {
        fprintf(stderr, "bmis serve: --api-retention wants hours, more than 0\n");
        return CMD_EXIT_USAGE;
      }
    } else if (strcmp(a, "--retention-interval") == 0) {
      if (parse_uint(v, 86400, &retention_interval_s) != 0 || retention_interval_s == 0) {
        fprintf(stderr, "bmis serve: --retention-interval wants 1..86400 seconds\n");
        return CMD_EXIT_USAGE;
      }
    } else if (strcmp(a, "--threads") == 0) {
      if (parse_uint(v, CMD_SERVE_THREADS_MAX, &threads) != 0 || threads == 0) {
        fprintf(stderr, "bmis serve: --threads wants 1..%d\n", CMD_SERVE_THREADS_MAX);
        return CMD_EXIT_USAGE;
      }
    } else if (strcmp(a, "--shutdown-timeout") == 0) {
      if (parse_uint(v, CMD_SERVE_SHUTDOWN_MAX, &shutdown_s) != 0) {
        fprintf(stderr, "bmis serve: --shutdown-timeout wants 0..%d seconds\n",
                CMD_SERVE_SHUTDOWN_MAX);
        return CMD_EXIT_USAGE;
      }
    } else {
      fprintf(stderr, "bmis serve: unknown option %s (see --help)\n", a);
      return CMD_EXIT_USAGE;
    }
    i++;
  }
  static stay_policy policy; /* large: not on the stack */
  stay_policy_init(&policy);
  if (policy_path != NULL && load_policy(policy_path, &policy) != 0) return CMD_EXIT_USAGE;

  /* The store, then the app (it loads and indexes the watchlists: seconds for a big list). */
  bm_diag diag = {0};
  store *st = NULL;
  bm_err e = store_open(pg ? pg : db, &st, &diag);
  if (e != BM_OK) {
    fprintf(stderr, "bmis serve: %s: %s\n", pg ? "--pg" : db,
            diag.message[0] ? diag.message : bm_err_str(e));
    return CMD_EXIT_USAGE;
  }
  char lists_dir[1024];
  snprintf(lists_dir, sizeof lists_dir, "%s.watchlists", pg ? "bmis" : db);
  app_config acfg = {.lists_dir = lists_dir,
                     .home_state = home_state,
                     .stay = &policy,
                     .threshold = threshold,
                     .api_retention_ms = (int64_t)(api_retention_h * 3600.0 * 1000.0)};
  app *ap = NULL;
  bm_diag warn = {0};
  e = app_new(st, &acfg, &ap, &warn, &diag);
  if (e != BM_OK) {
    fprintf(stderr, "bmis serve: %s\n", diag.message[0] ? diag.message : bm_err_str(e));
    store_free(st);
    return CMD_EXIT_USAGE;
  }
  if (warn.message[0])
    fprintf(stderr, "bmis serve: warning: watchlist %s not loaded: %s\n", warn.field, warn.message);
  app_list_info lists[APP_LISTS_MAX];
  size_t nlists = 0;
  if (app_watchlists(ap, lists, APP_LISTS_MAX, &nlists, NULL) == BM_OK)
    for (size_t i = 0; i < nlists; i++)
      fprintf(stderr, "bmis serve: watchlist %s (%s) version %s: %lld entries%s\n", lists[i].name,
              lists[i].kind, lists[i].version, (long long)lists[i].entries,
              lists[i].in_use ? "" : " NOT LOADED");
  cfg.threads = (unsigned)threads;
  cfg.auth = http_api_auth;
  cfg.auth_ctx = ap;
  cfg.audit = http_api_audit;
  cfg.audit_ctx = ap;
  cfg.ready = http_api_ready;
  cfg.ready_ctx = ap;
  cfg.app = ap;
  cfg.access_log = access_log ? stderr : NULL;

  http_server *srv = NULL;
  e = http_server_new(&cfg, &srv, &diag);
  if (e != BM_OK) {
    fprintf(stderr, "bmis serve: %s\n", diag.message[0] ? diag.message : bm_err_str(e));
    app_free(ap);
    store_free(st);
    return CMD_EXIT_USAGE;
  }
  /* Block the stop signals in every thread (the workers inherit this mask); sigwait takes them. */
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, NULL);
  signal(SIGPIPE, SIG_IGN);
  e = http_server_start(srv, &diag);
  if (e != BM_OK) {
    fprintf(stderr, "bmis serve: %s\n", diag.message[0] ? diag.message : bm_err_str(e));
    http_server_free(srv);
    app_free(ap);
    store_free(st);
    return CMD_EXIT_USAGE;
  }
  char host[256];
  unsigned port;
  http_listen_parse(cfg.listen ? cfg.listen : HTTP_LISTEN_DEFAULT, host, sizeof host, &port);
  int v6 = strchr(host, ':') != NULL;
  fprintf(stderr, "listening on http://%s%s%s:%u\n", v6 ? "[" : "", host, v6 ? "]" : "",
          http_server_port(srv));
  fflush(stderr);

  janitor jan = {.ap = ap, .interval_s = retention_interval_s};
  pthread_mutex_init(&jan.mu, NULL);
  pthread_cond_init(&jan.cv, NULL);
  pthread_t jan_thread;
  int jan_started = pthread_create(&jan_thread, NULL, janitor_main, &jan) == 0;
  if (!jan_started) fprintf(stderr, "bmis serve: warning: cannot start the retention job\n");

  int sig = 0;
  while (sigwait(&stop, &sig) != 0) {
  }
  if (jan_started) {
    pthread_mutex_lock(&jan.mu);
    jan.stop = 1;
    pthread_cond_signal(&jan.cv);
    pthread_mutex_unlock(&jan.mu);
    pthread_join(jan_thread, NULL);
  }
  pthread_mutex_destroy(&jan.mu);
  pthread_cond_destroy(&jan.cv);
  fprintf(stderr, "bmis serve: %s, stopping (waiting up to %lus for requests in flight)\n",
          sig == SIGTERM ? "SIGTERM" : "SIGINT", shutdown_s);
  e = http_server_stop(srv, (unsigned)(shutdown_s * 1000));
  if (e == BM_ERR_LIMIT)
    fprintf(stderr, "bmis serve: requests still running after %lus were cut off\n", shutdown_s);
  http_server_free(srv);
  app_free(ap);
  store_free(st); /* waits for the writes in its queue: every acknowledged one is committed */
  fprintf(stderr, "bmis serve: stopped\n");
  return CMD_EXIT_OK;
}
