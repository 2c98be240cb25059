/* cmd_user.c - `bmis user add|passwd|disable|enable|list`: manage sign-in accounts.
 *
 * The password is read from the first line of --password-file FILE, or of stdin (so it never
 * appears in the process list or the shell history); the trailing newline is not part of it.
 * Every change is written to the audit trail with the local Unix user as the actor and "local" as
 * the source address. Output is JSON (one object per line for list); diagnostics go to stderr.
 */
#include <errno.h>
#include <pwd.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bmis/auth.h"
#include "bmis/store.h"
#include "cli/cmd.h"

#define CMD_USER_LIST_MAX    10000 /* users printed by `bmis user list` */
#define CMD_USER_DEFAULT_DB  "bmis.db"
#define CMD_USER_PW_LINE_MAX (APP_PASSWORD_BYTES_MAX + 2) /* password + CR LF */

void cmd_user_help(FILE *out) {
  fprintf(out,
          "Usage: bmis user add --role ROLE [--db PATH] [--password-file FILE] USERNAME\n"
          "       bmis user passwd [--db PATH] [--password-file FILE] USERNAME\n"
          "       bmis user disable|enable [--db PATH] USERNAME\n"
          "       bmis user list [--db PATH]\n"
          "\n"
          "Manage the accounts that sign in to bmis serve.\n"
          "\n"
          "  --db PATH             the database (SQLite file or sqlite:PATH; default %s)\n"
          "  --role ROLE           officer, supervisor, analyst, administrator, dpo or api_client\n"
          "  --password-file FILE  read the password from the first line of FILE instead of stdin\n"
          "\n"
          "Passwords have %d to %d bytes and are stored as Argon2id hashes. passwd clears a\n"
          "lockout and ends the user's sessions; disable ends them too. User names use a-z, 0-9,\n"
          "'.', '_' and '-'. Every change is recorded in the audit trail.\n"
          "\n"
          "Output: add prints {\"id\",\"username\",\"role\"}; list prints one object per user:\n"
          "  {\"id\":1,\"username\":\"anna\",\"role\":\"officer\",\"disabled\":false,\n"
          "   \"locked_until_ms\":0,\"last_signin_ms\":0,\"created_ms\":...}\n"
          "\n"
          "Exit status: 0 done, 1 refused (password policy, user exists or does not exist),\n"
          "2 usage or I/O error.\n",
          CMD_USER_DEFAULT_DB, APP_PASSWORD_BYTES_MIN, APP_PASSWORD_BYTES_MAX);
}

void cmd__json_string(FILE *out, const char *s) {
  putc('"', out);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\')
      fprintf(out, "\\%c", *p);
    else if (*p < 0x20)
      fprintf(out, "\\u%04x", *p);
    else
      putc(*p, out);
  }
  putc('"', out);
}

int cmd__store_open(const char *cmd, const char *db, int must_exist, store **out) {
  const char *path = strncmp(db, "sqlite:", 7) == 0 ? db + 7 : db;
  if (must_exist && strstr(db, "://") == NULL && access(path, F_OK) != 0) {
    fprintf(stderr, "bmis %s: %s: %s\n", cmd, path, strerror(errno));
    return -1;
  }
  bm_diag d = {0};
  bm_err e = store_open(db, out, &d);
  if (e != BM_OK) {
    fprintf(stderr, "bmis %s: %s: %s\n", cmd, db, d.message[0] ? d.message : bm_err_str(e));
    return -1;
  }
  return 0;
}

/* The local operator, for the audit trail. */
static void local_actor(app_actor *a) {
  memset(a, 0, sizeof *a);
  const struct passwd *pw = getpwuid(geteuid());
  snprintf(a->name, sizeof a->name, "local:%.50s", pw && pw->pw_name ? pw->pw_name : "?");
  snprintf(a->source_addr, sizeof a->source_addr, "local");
}

/* Read the password: the first line of path (or stdin). Returns its length, -1 on error. */
static long read_password(const char *path, char *buf, size_t cap) {
  FILE *in = path ? fopen(path, "r") : stdin;
  if (in == NULL) {
    fprintf(stderr, "bmis user: %s: %s\n", path, strerror(errno));
    return -1;
  }
  if (path == NULL && isatty(fileno(stdin))) fprintf(stderr, "Password: ");
  long len = -1;
  if (fgets(buf, (int)cap, in) != NULL) {
    size_t n = strlen(buf);
    if (n == cap - 1 && buf[n - 1] != '\n') {
      fprintf(stderr, "bmis user: password longer than %d bytes\n", APP_PASSWORD_BYTES_MAX);
    } else {
      while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r')) buf[--n] = '\0';
      len = (long)n;
    }
  } else {
    fprintf(stderr, "bmis user: no password given on %s\n", path ? path : "stdin");
  }
  if (path) fclose(in);
  return len;
}

static int refuse(const char *what, bm_err e, const bm_diag *d) {
  fprintf(stderr, "bmis user %s: %s%s%s\n", what, d->field[0] ? d->field : "",
          d->field[0] ? ": " : "", d->message[0] ? d->message : bm_err_str(e));
  return e == BM_ERR_INVALID || e == BM_ERR_NOTFOUND || e == BM_ERR_LIMIT ? CMD_EXIT_INVALID
                                                                          : CMD_EXIT_USAGE;
}

static int user_list(store *s) {
  store_user *users = calloc(CMD_USER_LIST_MAX, sizeof *users);
  if (users == NULL) {
    fprintf(stderr, "bmis user list: out of memory\n");
    return CMD_EXIT_USAGE;
  }
  size_t n = 0;
  bm_diag d = {0};
  bm_err e = store_user_list(s, users, CMD_USER_LIST_MAX, &n, &d);
  if (e != BM_OK) {
    free(users);
    return refuse("list", e, &d);
  }
  for (size_t i = 0; i < n; i++) {
    const store_user *u = &users[i];
    printf("{\"id\":%lld,\"username\":", (long long)u->id);
    cmd__json_string(stdout, u->username);
    printf(",\"role\":");
    cmd__json_string(stdout, u->role);
    printf(",\"disabled\":%s,\"locked_until_ms\":%lld,\"last_signin_ms\":%lld,"
           "\"created_ms\":%lld}\n",
           u->disabled ? "true" : "false", (long long)u->locked_until_ms,
           (long long)u->last_signin_ms, (long long)u->created_ms);
  }
  sodium_memzero(users, CMD_USER_LIST_MAX * sizeof *users);
  free(users);
  return CMD_EXIT_OK;
}

int cmd_user(int argc, char **argv) {
  if (argc < 2 || cmd__is_help(argv[1])) {
    cmd_user_help(argc < 2 ? stderr : stdout);
    return argc < 2 ? CMD_EXIT_USAGE : CMD_EXIT_OK;
  }
  const char *sub = argv[1];
  int add = strcmp(sub, "add") == 0, passwd = strcmp(sub, "passwd") == 0;
  int disable = strcmp(sub, "disable") == 0, enable = strcmp(sub, "enable") == 0;
  int list = strcmp(sub, "list") == 0;
  if (!add && !passwd && !disable && !enable && !list) {
    fprintf(stderr, "bmis user: unknown subcommand '%s' (see 'bmis user --help')\n", sub);
    return CMD_EXIT_USAGE;
  }
  const char *db = CMD_USER_DEFAULT_DB, *role_name = NULL, *pwfile = NULL, *username = NULL;
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    if (cmd__is_help(a)) {
      cmd_user_help(stdout);
      return CMD_EXIT_OK;
    } else if (strcmp(a, "--db") == 0 && i + 1 < argc) {
      db = argv[++i];
    } else if (strcmp(a, "--role") == 0 && i + 1 < argc && add) {
      role_name = argv[++i];
    } else if (strcmp(a, "--password-file") == 0 && i + 1 < argc && (add || passwd)) {
      pwfile = argv[++i];
    } else if (a[0] == '-' && a[1] != '\0') {
      fprintf(stderr, "bmis user %s: unknown or incomplete option '%s'\n", sub, a);
      return CMD_EXIT_USAGE;
    } else if (username == NULL && !list) {
      username = a;
    } else {
      fprintf(stderr, "bmis user %s: unexpected argument '%s'\n", sub, a);
      return CMD_EXIT_USAGE;
    }
  }
  if (!list && username == NULL) {
    fprintf(stderr, "bmis user %s: USERNAME is required\n", sub);
    return CMD_EXIT_USAGE;
  }
  app_role role = APP_ROLE_NONE;
  if (add) {
    if (role_name == NULL || app_role_parse(role_name, &role) != BM_OK) {
      fprintf(stderr,
              "bmis user add: --role is one of officer, supervisor, analyst, administrator, "
              "dpo, api_client\n");
      return CMD_EXIT_USAGE;
    }
  }
  char pw[CMD_USER_PW_LINE_MAX + 1];
  long pwlen = 0;
  if (add || passwd) {
    if ((pwlen = read_password(pwfile, pw, sizeof pw)) < 0) return CMD_EXIT_USAGE;
  }
  store *s = NULL;
  if (cmd__store_open("user", db, !add, &s) != 0) {
    sodium_memzero(pw, sizeof pw);
    return CMD_EXIT_USAGE;
  }
  app_actor actor;
  local_actor(&actor);
  bm_diag d = {0};
  bm_err e = BM_OK;
  int status = CMD_EXIT_OK;
  if (list) {
    status = user_list(s);
  } else if (add) {
    store_user u;
    e = app_user_add(s, NULL, &actor, username, role, pw, (size_t)pwlen, &u, &d);
    if (e == BM_OK) {
      printf("{\"id\":%lld,\"username\":", (long long)u.id);
      cmd__json_string(stdout, u.username);
      printf(",\"role\":\"%s\"}\n", u.role);
    }
  } else if (passwd) {
    e = app_user_passwd(s, NULL, &actor, username, pw, (size_t)pwlen, &d);
  } else {
    e = app_user_set_disabled(s, &actor, username, disable, &d);
  }
  sodium_memzero(pw, sizeof pw);
  if (e != BM_OK) status = refuse(sub, e, &d);
  store_free(s);
  return status;
}
