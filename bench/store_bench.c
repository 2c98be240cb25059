/* store_bench.c - committed crossings per second through the store's group commit (SQLite).
 *
 * Opens a fresh database in a temporary directory (or --dir DIR), adds one BCP, one officer and
 * --travellers travellers, then starts --threads threads that each call store_crossing_add()
 * --per-thread times. Every call returns only after the transaction holding its crossing was
 * committed with synchronous=FULL, so the figure is durable crossings per second, the DESIGN.md
 * section 6 target being >= 20,000/s. Verification, after closing and reopening: the number of
 * crossings in the database equals the number acknowledged and every acknowledged id reads back
 * with its traveller; any difference exits 1. The checksum printed is the sum of the ids.
 *
 * Usage: store_bench [--threads N] [--per-thread N] [--travellers N] [--dir DIR]
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bmis/store.h"

#define BENCH_THREADS_DEFAULT    64
#define BENCH_THREADS_MAX        1024
#define BENCH_PER_THREAD_DEFAULT 2000
#define BENCH_PER_THREAD_MAX     1000000
#define BENCH_TRAVELLERS_DEFAULT 1000
#define BENCH_TRAVELLERS_MAX     100000
#define BENCH_PATH_BYTES_MAX     4096

typedef struct worker {
  store *s;
  int index;
  long count;
  int64_t bcp, officer;
  const int64_t *travellers;
  long ntravellers;
  long acked;
  int64_t id_sum;
  int64_t *ids; /* acknowledged ids, count of them */
  int failed;
} worker;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *work(void *arg) {
  worker *w = arg;
  store_crossing c;
  for (long i = 0; i < w->count; i++) {
    memset(&c, 0, sizeof c);
    c.traveller_id = w->travellers[(w->index * 7919L + i) % w->ntravellers];
    c.bcp_id = w->bcp;
    c.officer_id = w->officer;
    strcpy(c.direction, i % 2 ? "exit" : "entry");
    strcpy(c.decision, "admitted");
    c.time_ms = 1750000000000LL + w->index * 1000000LL + i;
    bm_diag d = {0};
    bm_err e = store_crossing_add(w->s, &c, &d);
    if (e != BM_OK) {
      fprintf(stderr, "store_bench: crossing: %s: %s\n", bm_err_str(e), d.message);
      w->failed = 1;
      return NULL;
    }
    w->ids[w->acked++] = c.id;
    w->id_sum += c.id;
  }
  return NULL;
}

static long parse_long(const char *s, long max, const char *what) {
  char *end;
  long v = strtol(s, &end, 10);
  if (*s == '\0' || *end != '\0' || v < 1 || v > max) {
    fprintf(stderr, "store_bench: %s must be 1..%ld\n", what, max);
    exit(2);
  }
  return v;
}

static int die(const char *what, bm_err e, const bm_diag *d) {
  fprintf(stderr, "store_bench: %s: %s: %s\n", what, bm_err_str(e), d->message);
  return 1;
}

int main(int argc, char **argv) {
  long nthreads = BENCH_THREADS_DEFAULT, per = BENCH_PER_THREAD_DEFAULT;
  long ntrav = BENCH_TRAVELLERS_DEFAULT;
  const char *dir_arg = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--threads") == 0 && i + 1 < argc)
      nthreads = parse_long(argv[++i], BENCH_THREADS_MAX, "--threads");
    else if (strcmp(argv[i], "--per-thread") == 0 && i + 1 < argc)
      per = parse_long(argv[++i], BENCH_PER_THREAD_MAX, "--per-thread");
    else if (strcmp(argv[i], "--travellers") == 0 && i + 1 < argc)
      ntrav = parse_long(argv[++i], BENCH_TRAVELLERS_MAX, "--travellers");
    else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
      dir_arg = argv[++i];
    else {
      fprintf(stderr,
              "usage: store_bench [--threads N] [--per-thread N] [--travellers N] [--dir DIR]\n");
      return 2;
    }
  }
  char dir[BENCH_PATH_BYTES_MAX], path[BENCH_PATH_BYTES_MAX + 16];
  if (dir_arg) {
    snprintf(dir, sizeof dir, "%s", dir_arg);
  } else {
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/store_bench.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL) {
      perror("store_bench: mkdtemp");
      return 2;
    }
  }
  snprintf(path, sizeof path, "%s/bench.db", dir);
  unlink(path);

  bm_diag d = {0};
  store *s = NULL;
  bm_err e = store_open(path, &s, &d);
  if (e != BM_OK) return die("open", e, &d);
  store_bcp b = {.active = 1};
  strcpy(b.code, "BENCH-1");
  strcpy(b.name, "Bench crossing point");
  strcpy(b.country, "UTO");
  strcpy(b.kind, "land");
  if ((e = store_bcp_add(s, &b, &d)) != BM_OK) return die("bcp", e, &d);
  store_user u = {0};
  strcpy(u.username, "bench.officer");
  strcpy(u.role, "officer");
  strcpy(u.password_hash, "$argon2id$not-a-real-hash");
  if ((e = store_user_add(s, &u, &d)) != BM_OK) return die("user", e, &d);
  int64_t *trav = calloc((size_t)ntrav, sizeof *trav);
  worker *ws = calloc((size_t)nthreads, sizeof *ws);
  pthread_t *th = calloc((size_t)nthreads, sizeof *th);
  if (trav == NULL || ws == NULL || th == NULL) {
    fprintf(stderr, "store_bench: out of memory\n");
    return 2;
  }
  for (long i = 0; i < ntrav; i++) {
    store_traveller t = {0};
    store_document doc = {0};
    snprintf(t.surname, sizeof t.surname, "TRAVELLER%ld", i);
    strcpy(t.given_names, "BENCH");
    strcpy(t.nationality, "UTO");
    strcpy(doc.doc_type, "P");
    snprintf(doc.number, sizeof doc.number, "B%08ld", i);
    strcpy(doc.issuing_state, "UTO");
    if ((e = store_traveller_upsert(s, &t, &doc, NULL, &d)) != BM_OK)
      return die("traveller", e, &d);
    trav[i] = t.id;
  }

  double t0 = now_s();
  for (long i = 0; i < nthreads; i++) {
    ws[i] = (worker){.s = s,
                     .index = (int)i,
                     .count = per,
                     .bcp = b.id,
                     .officer = u.id,
                     .travellers = trav,
                     .ntravellers = ntrav};
    ws[i].ids = calloc((size_t)per, sizeof *ws[i].ids);
    if (ws[i].ids == NULL) {
      fprintf(stderr, "store_bench: out of memory\n");
      return 2;
    }
    if (pthread_create(&th[i], NULL, work, &ws[i]) != 0) {
      fprintf(stderr, "store_bench: cannot start thread %ld\n", i);
      return 2;
    }
  }
  long acked = 0;
  int64_t id_sum = 0;
  int failed = 0;
  for (long i = 0; i < nthreads; i++) {
    pthread_join(th[i], NULL);
    acked += ws[i].acked;
    id_sum += ws[i].id_sum;
    failed |= ws[i].failed;
  }
  double secs = now_s() - t0;
  store_free(s);

  /* Verify on a fresh handle: what was acknowledged is in the database, nothing more. */
  if ((e = store_open(path, &s, &d)) != BM_OK) return die("reopen", e, &d);
  int64_t count = 0;
  if ((e = store_crossing_count(s, NULL, &count, &d)) != BM_OK) return die("count", e, &d);
  long missing = 0;
  for (long i = 0; i < nthreads; i++) {
    for (long k = 0; k < ws[i].acked; k++) {
      store_crossing c;
      if (store_crossing_get(s, ws[i].ids[k], &c, &d) != BM_OK ||
          c.traveller_id != trav[(i * 7919L + k) % ntrav])
        missing++;
    }
    free(ws[i].ids);
  }
  store_free(s);
  double rate = (double)acked / secs;
  printf("store_bench: %ld crossings from %ld threads in %.3f s: %.0f committed crossings/s "
         "(target >= 20000: %s)\n",
         acked, nthreads, secs, rate, rate >= 20000 ? "met" : "MISSED");
  int ok = count == acked && missing == 0 && !failed;
  printf("store_bench: verify: acknowledged %ld, in database after reopen %lld, missing %ld, "
         "id checksum %lld: %s\n",
         acked, (long long)count, missing, (long long)id_sum, ok ? "OK" : "MISMATCH");
  if (!dir_arg) {
    char side[BENCH_PATH_BYTES_MAX + 32];
    unlink(path);
    snprintf(side, sizeof side, "%s-wal", path);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", path);
    unlink(side);
    rmdir(dir);
  }
  free(trav);
  free(ws);
  free(th);
  return ok ? 0 : 1;
}
