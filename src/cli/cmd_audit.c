/* cmd_audit.c - `bmis audit verify|list`: prove the audit hash chain intact, show audit events.
 *
 * verify walks the whole chain (bmis/store.h describes the hashing) in one snapshot and prints one
 * JSON object: {"intact":true,"records":N,"head_hash":"..."} or
 * {"intact":false,"records":N,"first_broken_id":ID,"reason":"hash_mismatch"} where records counts
 * the records verified before the break. list prints events as JSON Lines.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmis/store.h"
#include "cli/cmd.h"

#define CMD_AUDIT_DEFAULT_DB "bmis.db"
#define CMD_AUDIT_PAGE       512     /* events fetched per store call */
#define CMD_AUDIT_LIMIT_MAX  1000000 /* --limit */

void cmd_audit_help(FILE *out) {
  fprintf(
      out,
      "Usage: bmis audit verify [--db PATH]\n"
      "       bmis audit list [--db PATH] [--action A] [--actor-id N] [--object-type T]\n"
      "                       [--object-id ID] [--after-id N] [--limit N]\n"
      "\n"
      "The audit trail records who did or read what, when, from where and why. Its records\n"
      "form a hash chain: each stores the SHA-256 of the previous record's hash and its own\n"
      "contents, so a changed, inserted or removed record breaks the chain from there on.\n"
      "\n"
      "verify  walk the whole chain; print {\"intact\":true,\"records\":N,\"head_hash\":H}, or\n"
      "        {\"intact\":false,\"records\":N,\"first_broken_id\":ID,\"reason\":R} with R one of\n"
      "        hash_mismatch (the record was changed), prev_mismatch (it does not follow its\n"
      "        predecessor), gap (records before it were removed). Keep head_hash somewhere\n"
      "        else too: removing the newest records cannot be seen from the chain alone.\n"
      "list    print matching events in order as JSON Lines (default limit 1000).\n"
      "\n"
      "  --db PATH   the database (SQLite file or sqlite:PATH; default %s)\n"
      "\n"
      "Exit status: verify 0 intact, 1 broken; list 0. 2 usage or I/O error.\n",
      CMD_AUDIT_DEFAULT_DB);
}

static int verify(store *s) {
  store_audit_verify_result r;
  bm_diag d = {0};
  bm_err e = store_audit_verify(s, &r, &d);
  if (e != BM_OK) {
    fprintf(stderr, "bmis audit verify: %s\n", d.message[0] ? d.message : bm_err_str(e));
    return CMD_EXIT_USAGE;
  }
  if (r.status == STORE_AUDIT_INTACT) {
    printf("{\"intact\":true,\"records\":%lld,\"head_hash\":\"%s\"}\n", (long long)r.records,
           r.head_hash);
    return CMD_EXIT_OK;
  }
  printf("{\"intact\":false,\"records\":%lld,\"first_broken_id\":%lld,\"reason\":\"%s\"}\n",
         (long long)r.records, (long long)r.first_bad_id, store_audit_break_name(r.status));
  fprintf(stderr, "bmis audit verify: chain broken at record %lld: %s\n", (long long)r.first_bad_id,
          store_audit_break_name(r.status));
  return CMD_EXIT_INVALID;
}

static void put_event(const store_audit_event *ev) {
  printf("{\"id\":%lld,\"time_ms\":%lld,\"actor_id\":%lld,\"actor_name\":", (long long)ev->id,
         (long long)ev->time_ms, (long long)ev->actor_id);
  cmd__json_string(stdout, ev->actor_name);
  const char *names[] = {"role",      "source_addr", "action", "object_type",
                         "object_id", "reason",      "outcome"};
  const char *vals[] = {ev->role,      ev->source_addr, ev->action, ev->object_type,
                        ev->object_id, ev->reason,      ev->outcome};
  for (size_t i = 0; i < BM_COUNTOF(names); i++) {
    printf(",\"%s\":", names[i]);
    cmd__json_string(stdout, vals[i]);
  }
  printf(",\"prev_hash\":\"%s\",\"hash\":\"%s\"}\n", ev->prev_hash, ev->hash);
}

static int list(store *s, store_audit_filter *f, long limit) {
  store_audit_event *evs = calloc(CMD_AUDIT_PAGE, sizeof *evs);
  if (evs == NULL) {
    fprintf(stderr, "bmis audit list: out of memory\n");
    return CMD_EXIT_USAGE;
  }
  int status = CMD_EXIT_OK;
  while (limit > 0) {
    size_t n = 0, want = limit < CMD_AUDIT_PAGE ? (size_t)limit : CMD_AUDIT_PAGE;
    bm_diag d = {0};
    bm_err e = store_audit_list(s, f, evs, want, &n, &d);
    if (e != BM_OK) {
      fprintf(stderr, "bmis audit list: %s\n", d.message[0] ? d.message : bm_err_str(e));
      status = CMD_EXIT_USAGE;
      break;
    }
    for (size_t i = 0; i < n; i++) put_event(&evs[i]);
    if (n < want) break;
    f->after_id = evs[n - 1].id;
    limit -= (long)n;
  }
  free(evs);
  return status;
}

static int parse_num(const char *opt, const char *s, long max, long *out) {
  char *end;
  long v = strtol(s, &end, 10);
  if (*s == '\0' || *end != '\0' || v < 0 || v > max) {
    fprintf(stderr, "bmis audit: %s must be a number 0..%ld\n", opt, max);
    return -1;
  }
  *out = v;
  return 0;
}

int cmd_audit(int argc, char **argv) {
  if (argc < 2 || cmd__is_help(argv[1])) {
    cmd_audit_help(argc < 2 ? stderr : stdout);
    return argc < 2 ? CMD_EXIT_USAGE : CMD_EXIT_OK;
  }
  const char *sub = argv[1];
  int is_verify = strcmp(sub, "verify") == 0, is_list = strcmp(sub, "list") == 0;
  if (!is_verify && !is_list) {
    fprintf(stderr, "bmis audit: unknown subcommand '%s' (see 'bmis audit --help')\n", sub);
    return CMD_EXIT_USAGE;
  }
  const char *db = CMD_AUDIT_DEFAULT_DB;
  store_audit_filter f = {0};
  long limit = 1000, num;
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (cmd__is_help(a)) {
      cmd_audit_help(stdout);
      return CMD_EXIT_OK;
    } else if (strcmp(a, "--db") == 0 && v) {
      db = v;
    } else if (is_list && strcmp(a, "--action") == 0 && v) {
      f.action = v;
    } else if (is_list && strcmp(a, "--object-type") == 0 && v) {
      f.object_type = v;
    } else if (is_list && strcmp(a, "--object-id") == 0 && v) {
      f.object_id = v;
    } else if (is_list && strcmp(a, "--actor-id") == 0 && v) {
      if (parse_num(a, v, INT32_MAX, &num) != 0) return CMD_EXIT_USAGE;
      f.actor_id = num;
    } else if (is_list && strcmp(a, "--after-id") == 0 && v) {
      if (parse_num(a, v, INT32_MAX, &num) != 0) return CMD_EXIT_USAGE;
      f.after_id = num;
    } else if (is_list && strcmp(a, "--limit") == 0 && v) {
      if (parse_num(a, v, CMD_AUDIT_LIMIT_MAX, &limit) != 0) return CMD_EXIT_USAGE;
    } else {
      fprintf(stderr, "bmis audit %s: unknown or incomplete argument '%s'\n", sub, a);
      return CMD_EXIT_USAGE;
    }
    i++;
  }
  store *s = NULL;
  if (cmd__store_open("audit", db, 1, &s) != 0) return CMD_EXIT_USAGE;
  int status = is_verify ? verify(s) : list(s, &f, limit);
  store_free(s);
  return status;
}
