/* cmd_demo.c - `bmis demo`: create a demo database (demo.h) and print its logins and try set.
 *
 * The database is a new SQLite file (default bmis.db); the watchlist files go to the folder
 * "<database>.watchlists" beside it and the try set to "<database>.try.jsonl". An existing database
 * (or its -wal file or list folder) is never overwritten unless --force, which deletes the
 * database, its -wal and -shm files, its list folder and its try file first.
 */
#define _XOPEN_SOURCE 700 /* realpath */

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bmis/app.h"
#include "bmis/demo.h"
#include "bmis/mrz.h"
#include "bmis/store.h"
#include "cli/cmd.h"

#define CMD_DEMO_DEFAULT_DB   "bmis.db"
#define CMD_DEMO_RM_DEPTH_MAX 4 /* the list folder has one level of subfolders */

void cmd_demo_help(FILE *out) {
  fprintf(
      out,
      "Usage: bmis demo [--db PATH] [--data DIR] [--seed N] [--force]\n"
      "                 [--end-date YYYY-MM-DD] [--days N] [--travellers N]\n"
      "\n"
      "Create a demo database: six border crossing points of Utopia (UTO), one user of every\n"
      "role, watchlists (a synthetic national alert list and lost/stolen document list, and\n"
      "dated snapshots of the UN and OFAC SDN lists) and synthetic traffic: travellers,\n"
      "crossings, refusals with Annex V codes, referrals and overstayers. Then print the demo\n"
      "logins and a set of documents to try at the booth.\n"
      "\n"
      "The demo passwords are PUBLIC: never use a demo database in production or put real\n"
      "data into it.\n"
      "\n"
      "  --db PATH          the new SQLite database (default %s); the lists are copied to\n"
      "                     PATH.watchlists/ and the try set written to PATH.try.jsonl\n"
      "  --data DIR         the demo data folder (default ./demo when it exists, else the\n"
      "                     source tree's demo/ folder)\n"
      "  --seed N           the random seed (default %u): same seed, same demo\n"
      "  --force            delete an existing database, its -wal/-shm files, list folder\n"
      "                     and try file first\n"
      "  --end-date DATE    last day of traffic (default today, UTC)\n"
      "  --days N           days of traffic (default %u)\n"
      "  --travellers N     ordinary travellers (default %u)\n"
      "\n"
      "Output: a summary, the logins table, then the try set as JSON Lines\n"
      "  {\"label\":\"clean\",\"mrz\":\"P<...\\n...\",\"format\":\"TD3\",\"expect\":\"...\",...}\n"
      "\n"
      "Exit status: 0 created, 2 usage or I/O error (or the database exists without --force).\n",
      CMD_DEMO_DEFAULT_DB, APP_DEMO_SEED_DEFAULT, APP_DEMO_DAYS_DEFAULT,
      APP_DEMO_TRAVELLERS_DEFAULT);
}

static int exists(const char *path) {
  struct stat st;
  return lstat(path, &st) == 0;
}

/* Remove path and everything under it (not following symbolic links). 0 or -1 (errno set). */
static int remove_tree(const char *path, int depth) {
  struct stat st;
  if (lstat(path, &st) != 0) return errno == ENOENT ? 0 : -1;
  if (!S_ISDIR(st.st_mode)) return unlink(path);
  if (depth >= CMD_DEMO_RM_DEPTH_MAX) {
    errno = ELOOP;
    return -1;
  }
  DIR *dir = opendir(path);
  if (dir == NULL) return -1;
  int rc = 0;
  const struct dirent *de;
  while (rc == 0 && (de = readdir(dir)) != NULL) {
    if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) continue;
    char sub[PATH_MAX];
    if (snprintf(sub, sizeof sub, "%s/%s", path, de->d_name) >= (int)sizeof sub) {
      errno = ENAMETOOLONG;
      rc = -1;
    } else {
      rc = remove_tree(sub, depth + 1);
    }
  }
  closedir(dir);
  return rc == 0 ? rmdir(path) : rc;
}

static int parse_uint(const char *opt, const char *s, unsigned long long max,
                      unsigned long long *out) {
  char *end = NULL;
  errno = 0;
  unsigned long long v = strtoull(s ? s : "", &end, 10);
  if (s == NULL || *s == '\0' || *s == '-' || *end != '\0' || errno != 0 || v > max) {
    fprintf(stderr, "bmis demo: %s wants a number up to %llu\n", opt, max);
    return -1;
  }
  *out = v;
  return 0;
}

static const char *default_data_dir(void) {
  if (exists("demo/watchlists")) return "demo";
#ifdef BMIS_DEMO_DIR
  return BMIS_DEMO_DIR;
#else
  return NULL;
#endif
}

/* The MRZ as a JSON string with its line breaks written "\n" (cmd__json_string writes \u000a). */
static void json_mrz(FILE *out, const char *mrz) {
  putc('"', out);
  for (const char *p = mrz; *p; p++) {
    if (*p == '\n')
      fputs("\\n", out);
    else
      putc(*p, out); /* MRZ characters need no escape */
  }
  putc('"', out);
}

static void print_try(FILE *out, const app_demo_try *t) {
  fprintf(out, "{\"label\":");
  cmd__json_string(out, t->label);
  fprintf(out, ",\"mrz\":");
  json_mrz(out, t->mrz);
  fprintf(out, ",\"format\":\"%s\",\"expect\":", mrz_format_name(t->format));
  cmd__json_string(out, t->expect);
  fprintf(out, ",\"surname\":");
  cmd__json_string(out, t->traveller.surname);
  fprintf(out, ",\"given_names\":");
  cmd__json_string(out, t->traveller.given_names);
  fprintf(out, ",\"birth_date\":\"%s\",\"document_number\":", t->traveller.birth_date);
  cmd__json_string(out, t->document.number);
  fprintf(out, ",\"list\":");
  if (t->list[0])
    cmd__json_string(out, t->list);
  else
    fprintf(out, "null");
  fprintf(out, ",\"entry_id\":");
  if (t->entry_id[0])
    cmd__json_string(out, t->entry_id);
  else
    fprintf(out, "null");
  fprintf(out, "}\n");
}

static void print_report(const char *db, const char *lists, const char *try_path,
                         const app_demo_report *r) {
  char a[STORE_DATE_BYTES_MAX], b[STORE_DATE_BYTES_MAX];
  snprintf(a, sizeof a, "%04u-%02u-%02u", (unsigned)r->first_day.year % 10000u,
           (unsigned)r->first_day.month % 13u, (unsigned)r->first_day.day % 32u);
  snprintf(b, sizeof b, "%04u-%02u-%02u", (unsigned)r->last_day.year % 10000u,
           (unsigned)r->last_day.month % 13u, (unsigned)r->last_day.day % 32u);
  printf("openbmis demo database created in %.1f s: %s\n", r->seconds, db);
  printf("  traffic      %s to %s (older stays of the overstayers go further back)\n", a, b);
  printf("  BCPs         %zu\n", r->bcps);
  printf("  users        %zu\n", r->users);
  printf("  travellers   %zu\n", r->travellers);
  printf("  crossings    %lld (%lld admitted, %lld refused, %lld referred)\n",
         (long long)r->crossings, (long long)r->admitted, (long long)r->refused,
         (long long)r->referred);
  printf("  referrals    %lld open, %lld resolved\n", (long long)r->referrals_open,
         (long long)r->referrals_resolved);
  printf("  overstayers  %zu\n", r->overstayers);
  printf("  watchlists   in %s\n", lists);
  for (size_t i = 0; i < r->nlists; i++)
    printf("    %-10s %-10s %-12s %8lld entries\n", r->lists[i].name, r->lists[i].kind,
           r->lists[i].version, (long long)r->lists[i].entry_count);
  printf("\nDemo logins. DEMO ONLY: these passwords are public; never use them in production.\n");
  printf("  %-12s %-14s %s\n", "USERNAME", "ROLE", "PASSWORD");
  for (size_t i = 0; i < r->nlogins; i++)
    printf("  %-12s %-14s %s\n", r->logins[i].username, r->logins[i].role, r->logins[i].password);
  printf("\nStart the server: bmis serve --db %s\n", db);
  printf("\nTry these documents at the booth (JSON Lines, also in %s):\n", try_path);
  for (size_t i = 0; i < r->ntries; i++) print_try(stdout, &r->tries[i]);
}

/* What the demo flight gave. */
typedef struct demo_flight {
  char arrival[32];
  size_t persons, with_hits, no_board;
} demo_flight;

/* The demo's inbound flight: written to edi_path as the carrier sends it, then received from the
 * demo's api-client account as POST /api/v1/api-messages would (screened and stored). */
static bm_err add_flight(store *s, const char *lists, const app_demo_report *rep,
                         const char *edi_path, demo_flight *out, bm_diag *d) {
  app_actor carrier = {0, "", "api_client", "local"};
  for (size_t i = 0; i < rep->nlogins; i++)
    if (strcmp(rep->logins[i].role, "api_client") == 0) {
      carrier.user_id = rep->logins[i].user_id;
      snprintf(carrier.name, sizeof carrier.name, "%s", rep->logins[i].username);
    }
  if (carrier.user_id == 0)
    return bm_diag_set(d, BM_ERR_INVALID, NULL, 0, 0, "the demo has no api_client account");
  int64_t now = store_now_ms(), arrival = now + 2 * 3600 * 1000LL;
  arrival -= arrival % (5 * 60 * 1000LL); /* on the minute a timetable would say */
  char *edi = NULL;
  size_t len = 0;
  bm_err e = app_demo_paxlst(rep, arrival, APP_DEMO_FLIGHT_PASSENGERS, &edi, &len, d);
  if (e != BM_OK) return e;
  FILE *f = fopen(edi_path, "wb");
  if (f == NULL || fwrite(edi, 1, len, f) != len || fclose(f) != 0) {
    free(edi);
    return bm_diag_set(d, BM_ERR_IO, NULL, 0, 0, "%s: %s", edi_path, strerror(errno));
  }
  app_config cfg = {.lists_dir = lists};
  app *a = NULL;
  bm_diag warn = {0};
  e = app_new(s, &cfg, &a, &warn, d);
  app_api_ingest *r = NULL;
  if (e == BM_OK) e = app_api_ingest_run(a, &carrier, edi, len, 0, &r, d);
  if (e == BM_OK && (r->nmsgs != 1 || !r->msgs[0].stored))
    e = bm_diag_set(d, BM_ERR_INVALID, NULL, 0, 0, "the demo flight was not stored: %s",
                    r->nmsgs ? r->msgs[0].refused : "no message");
  if (e == BM_OK) {
    snprintf(out->arrival, sizeof out->arrival, "%s", r->msgs[0].flight.arrival_time);
    out->persons = r->npersons;
    for (size_t i = 0; i < r->npersons; i++) {
      out->with_hits += r->persons[i].nhits > 0;
      out->no_board += strcmp(r->persons[i].person.board, "no_board") == 0;
    }
  }
  app_api_ingest_free(r);
  app_free(a);
  free(edi);
  return e;
}

int cmd_demo(int argc, char **argv) {
  const char *db = CMD_DEMO_DEFAULT_DB, *data = NULL;
  int force = 0;
  app_demo_opts o;
  app_demo_opts_default(&o);
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    unsigned long long n;
    if (cmd__is_help(a)) {
      cmd_demo_help(stdout);
      return CMD_EXIT_OK;
    } else if (strcmp(a, "--force") == 0) {
      force = 1;
      continue;
    } else if (v == NULL) {
      fprintf(stderr, "bmis demo: unknown option or missing value: %s (see bmis demo --help)\n", a);
      return CMD_EXIT_USAGE;
    } else if (strcmp(a, "--db") == 0) {
      db = v;
    } else if (strcmp(a, "--data") == 0) {
      data = v;
    } else if (strcmp(a, "--seed") == 0) {
      if (parse_uint(a, v, UINT64_MAX, &n) != 0) return CMD_EXIT_USAGE;
      o.seed = n;
    } else if (strcmp(a, "--end-date") == 0) {
      if (cmd__parse_date(v, &o.end_date) != 0) {
        fprintf(stderr, "bmis demo: --end-date wants a date YYYY-MM-DD\n");
        return CMD_EXIT_USAGE;
      }
    } else if (strcmp(a, "--days") == 0) {
      if (parse_uint(a, v, APP_DEMO_DAYS_MAX, &n) != 0) return CMD_EXIT_USAGE;
      o.days = (unsigned)n;
    } else if (strcmp(a, "--travellers") == 0) {
      if (parse_uint(a, v, APP_DEMO_TRAVELLERS_MAX, &n) != 0) return CMD_EXIT_USAGE;
      o.travellers = (unsigned)n;
    } else {
      fprintf(stderr, "bmis demo: unknown option: %s (see bmis demo --help)\n", a);
      return CMD_EXIT_USAGE;
    }
    i++;
  }
  if (strncmp(db, "sqlite:", 7) == 0) db += 7;
  if (strstr(db, "://") != NULL || db[0] == '\0') {
    fprintf(stderr, "bmis demo: --db wants the path of a new SQLite file\n");
    return CMD_EXIT_USAGE;
  }
  if (data == NULL) data = default_data_dir();
  if (data == NULL) {
    fprintf(stderr, "bmis demo: no demo data folder: give --data DIR (the source tree's demo/)\n");
    return CMD_EXIT_USAGE;
  }

  char wal[PATH_MAX], shm[PATH_MAX], lists[PATH_MAX], try_path[PATH_MAX], edi_path[PATH_MAX];
  if (snprintf(wal, sizeof wal, "%s-wal", db) >= (int)sizeof wal ||
      snprintf(shm, sizeof shm, "%s-shm", db) >= (int)sizeof shm ||
      snprintf(lists, sizeof lists, "%s.watchlists", db) >= (int)sizeof lists ||
      snprintf(try_path, sizeof try_path, "%s.try.jsonl", db) >= (int)sizeof try_path ||
      snprintf(edi_path, sizeof edi_path, "%s.paxlst.edi", db) >= (int)sizeof edi_path) {
    fprintf(stderr, "bmis demo: database path too long\n");
    return CMD_EXIT_USAGE;
  }
  const char *mine[] = {db, wal, shm, lists, try_path, edi_path};
  for (size_t i = 0; i < BM_COUNTOF(mine); i++) {
    if (!exists(mine[i])) continue;
    if (!force) {
      fprintf(stderr,
              "bmis demo: %s exists; not overwriting it (use --force to replace the demo)\n",
              mine[i]);
      return CMD_EXIT_USAGE;
    }
    if (remove_tree(mine[i], 0) != 0) {
      fprintf(stderr, "bmis demo: cannot delete %s: %s\n", mine[i], strerror(errno));
      return CMD_EXIT_USAGE;
    }
  }

  store *s = NULL;
  if (cmd__store_open("demo", db, 0, &s) != 0) return CMD_EXIT_USAGE;
  o.data_dir = data;
  o.list_dir = lists;
  app_demo_report *rep = calloc(1, sizeof *rep);
  if (rep == NULL) {
    store_free(s);
    fprintf(stderr, "bmis demo: out of memory\n");
    return CMD_EXIT_USAGE;
  }
  bm_diag d = {0};
  bm_err e = app_demo_create(s, &o, rep, &d);
  demo_flight fl = {0};
  if (e == BM_OK) e = add_flight(s, lists, rep, edi_path, &fl, &d);
  store_free(s);
  if (e != BM_OK) {
    fprintf(stderr, "bmis demo: %s%s%s\n", d.field[0] ? d.field : "", d.field[0] ? ": " : "",
            d.message[0] ? d.message : bm_err_str(e));
    /* Leave nothing half-made behind: none of these existed before (or --force removed them). */
    for (size_t i = 0; i < BM_COUNTOF(mine); i++) (void)remove_tree(mine[i], 0);
    free(rep);
    return CMD_EXIT_USAGE;
  }

  char abs_db[PATH_MAX], abs_lists[PATH_MAX], abs_try[PATH_MAX];
  if (realpath(db, abs_db) == NULL) snprintf(abs_db, sizeof abs_db, "%s", db);
  if (realpath(lists, abs_lists) == NULL) snprintf(abs_lists, sizeof abs_lists, "%s", lists);
  FILE *tf = fopen(try_path, "w");
  int rc = CMD_EXIT_OK;
  if (tf != NULL) {
    for (size_t i = 0; i < rep->ntries; i++) print_try(tf, &rep->tries[i]);
    if (fclose(tf) != 0) tf = NULL;
  }
  if (tf == NULL) {
    fprintf(stderr, "bmis demo: %s: %s\n", try_path, strerror(errno));
    rc = CMD_EXIT_USAGE;
  }
  if (realpath(try_path, abs_try) == NULL) snprintf(abs_try, sizeof abs_try, "%s", try_path);
  print_report(abs_db, abs_lists, abs_try, rep);
  char abs_edi[PATH_MAX];
  if (realpath(edi_path, abs_edi) == NULL) snprintf(abs_edi, sizeof abs_edi, "%s", edi_path);
  printf(
      "\nAdvance passenger information: flight UX871 FRA-UCY arriving %s, %zu persons, %zu with\n"
      "watchlist hits, %zu no-board, as the carrier sent it in %s\n",
      fl.arrival, fl.persons, fl.with_hits, fl.no_board, abs_edi);
  free(rep);
  if (fflush(stdout) != 0) rc = CMD_EXIT_USAGE;
  return rc;
}
