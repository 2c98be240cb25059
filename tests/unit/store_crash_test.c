/* store_crash_test.c - durability of group commit: kill -9 in the middle of a stream of crossing
 * writes, reopen, and find every acknowledged crossing.
 *
 * A child process opens the store and runs CRASH_THREADS threads adding crossings through
 * store_crossing_add; after each call returns (the crossing is acknowledged) the thread writes its
 * id to a pipe (8 bytes, atomic for a pipe). The parent reads ids and, once CRASH_KILL_AFTER have
 * arrived, kills the child with SIGKILL while the writes go on, then reads whatever the child
 * acknowledged before dying. It reopens the database (SQLite recovers the WAL) and checks that
 * every acknowledged id is present and the audit chain is intact. The kill point is a count, not
 * a time, so the test does not depend on timing. Two rounds: the second writes into the database
 * recovered from the first kill.
 */
// clang-format off
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
// clang-format on
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bmis/store.h"

#define CRASH_THREADS    4
#define CRASH_KILL_AFTER 3000   /* acknowledged crossings before the kill */
#define CRASH_PER_THREAD 100000 /* more than will ever be written before the kill */
#define CRASH_ACKED_MAX  (CRASH_THREADS * CRASH_PER_THREAD)
#define CRASH_ROUNDS     2

static char dir[4096], path[4200];
static int64_t bcp_id, officer_id, traveller_id;

typedef struct child_ctx {
  store *s;
  int fd;
  int index;
} child_ctx;

static void *child_writer(void *arg) {
  child_ctx *c = arg;
  for (int i = 0; i < CRASH_PER_THREAD; i++) {
    store_crossing x;
    memset(&x, 0, sizeof x);
    x.traveller_id = traveller_id;
    x.bcp_id = bcp_id;
    x.officer_id = officer_id;
    strcpy(x.direction, "entry");
    strcpy(x.decision, "admitted");
    x.time_ms = 1700000000000LL + i;
    if (store_crossing_add(c->s, &x, NULL) != BM_OK) _exit(3);
    if (i % 64 == 0) { /* audit appends share the batches */
      store_audit_event ev;
      memset(&ev, 0, sizeof ev);
      strcpy(ev.action, "crossing.create");
      strcpy(ev.outcome, "ok");
      if (store_audit_append(c->s, &ev, NULL) != BM_OK) _exit(3);
    }
    if (write(c->fd, &x.id, sizeof x.id) != (ssize_t)sizeof x.id) _exit(4);
  }
  return NULL;
}

static void child_main(int fd) {
  store *s = NULL;
  if (store_open(path, &s, NULL) != BM_OK) _exit(2);
  child_ctx ctx[CRASH_THREADS];
  pthread_t th[CRASH_THREADS];
  for (int i = 0; i < CRASH_THREADS; i++) {
    ctx[i] = (child_ctx){s, fd, i};
    if (pthread_create(&th[i], NULL, child_writer, &ctx[i]) != 0) _exit(2);
  }
  for (int i = 0; i < CRASH_THREADS; i++) pthread_join(th[i], NULL);
  _exit(0); /* not reached in practice: the parent kills us first */
}

static int64_t *acked;

static void one_round(void) {
  int fds[2];
  assert_int_equal(pipe(fds), 0);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    child_main(fds[1]);
  }
  close(fds[1]);
  size_t n = 0, have = 0;
  int killed = 0;
  char buf[8 * 512];
  for (;;) {
    ssize_t r = read(fds[0], buf + have, sizeof buf - have);
    if (r <= 0) break;
    have += (size_t)r;
    size_t whole = have / 8;
    for (size_t i = 0; i < whole && n < CRASH_ACKED_MAX; i++) memcpy(&acked[n++], buf + 8 * i, 8);
    memmove(buf, buf + whole * 8, have - whole * 8);
    have -= whole * 8;
    if (!killed && n >= CRASH_KILL_AFTER) {
      assert_int_equal(kill(pid, SIGKILL), 0);
      killed = 1;
    }
  }
  close(fds[0]);
  int status = 0;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  assert_true(n >= CRASH_KILL_AFTER);

  store *s = NULL;
  bm_diag d = {0};
  assert_int_equal(store_open(path, &s, &d), BM_OK);
  size_t missing = 0;
  for (size_t i = 0; i < n; i++) {
    store_crossing c;
    if (store_crossing_get(s, acked[i], &c, &d) != BM_OK) missing++;
  }
  assert_int_equal(missing, 0);
  int64_t count = 0;
  assert_int_equal(store_crossing_count(s, NULL, &count, &d), BM_OK);
  assert_true(count >= (int64_t)n); /* committed but not yet reported is allowed */
  store_audit_verify_result r;
  assert_int_equal(store_audit_verify(s, &r, &d), BM_OK);
  assert_int_equal(r.status, STORE_AUDIT_INTACT);
  store_free(s);
}

static void test_store_crash_sigkill_keeps_acknowledged(void **state) {
  (void)state;
  acked = calloc(CRASH_ACKED_MAX, sizeof *acked);
  assert_non_null(acked);
  for (int round = 0; round < CRASH_ROUNDS; round++) one_round();
  free(acked);
}

static int setup(void **state) {
  (void)state;
  const char *tmp = getenv("TMPDIR");
  snprintf(dir, sizeof dir, "%s/store_crash_test.XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (mkdtemp(dir) == NULL) return -1;
  snprintf(path, sizeof path, "%s/bmis.db", dir);
  store *s = NULL;
  if (store_open(path, &s, NULL) != BM_OK) return -1;
  store_bcp b = {.active = 1};
  strcpy(b.code, "CRASH-1");
  strcpy(b.name, "Crash test BCP");
  strcpy(b.country, "UTO");
  strcpy(b.kind, "sea");
  store_user u = {0};
  strcpy(u.username, "officer");
  strcpy(u.role, "officer");
  strcpy(u.password_hash, "$argon2id$placeholder");
  store_traveller t = {0};
  store_document doc = {0};
  strcpy(t.surname, "DOE");
  strcpy(doc.number, "C1234567");
  strcpy(doc.issuing_state, "UTO");
  if (store_bcp_add(s, &b, NULL) != BM_OK || store_user_add(s, &u, NULL) != BM_OK ||
      store_traveller_upsert(s, &t, &doc, NULL, NULL) != BM_OK)
    return -1;
  bcp_id = b.id;
  officer_id = u.id;
  traveller_id = t.id;
  store_free(s);
  return 0;
}

static int teardown(void **state) {
  (void)state;
  char p[4300];
  unlink(path);
  snprintf(p, sizeof p, "%s-wal", path);
  unlink(p);
  snprintf(p, sizeof p, "%s-shm", path);
  unlink(p);
  rmdir(dir);
  return 0;
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_store_crash_sigkill_keeps_acknowledged),
  };
  return cmocka_run_group_tests_name("store_crash", tests, setup, teardown);
}
