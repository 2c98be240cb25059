/* bmis.c - main() and the one command table of the `bmis` binary. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmis/base.h"
#include "cli/cmd.h"

#ifndef BMIS_VERSION_STRING
#define BMIS_VERSION_STRING BM_VERSION
#endif

static int cmd_help(int argc, char **argv);
static void cmd_help_help(FILE *out);
static int cmd_version(int argc, char **argv);
static void cmd_version_help(FILE *out);

static const cmd_entry commands[] = {
    {"mrz", cmd_mrz, "check and generate ICAO Doc 9303 machine readable zones", cmd_mrz_help},
    {"watchlist", cmd_watchlist, "load watchlist files and describe them", cmd_watchlist_help},
    {"screen", cmd_screen, "screen travellers against watchlists", cmd_screen_help},
    {"user", cmd_user, "add, change and disable sign-in accounts", cmd_user_help},
    {"audit", cmd_audit, "verify the audit hash chain, list audit events", cmd_audit_help},
    {"stay", cmd_stay, "apply the 90/180-day and national stay rules", cmd_stay_help},
    {"serve", cmd_serve, "run the HTTP server (REST API, web UI)", cmd_serve_help},
    {"paxlst", cmd_paxlst, "parse, screen and answer (CUSRES) UN/EDIFACT PAXLST lists",
     cmd_paxlst_help},
    {"demo", cmd_demo, "create a demo database and print its logins", cmd_demo_help},
    {"help", cmd_help, "show help for a command", cmd_help_help},
    {"version", cmd_version, "print the version", cmd_version_help},
};

static const cmd_entry *find_command(const char *name) {
  for (size_t i = 0; i < BM_COUNTOF(commands); i++)
    if (strcmp(commands[i].name, name) == 0) return &commands[i];
  return NULL;
}

static void usage(FILE *out) {
  fprintf(out,
          "openbmis %s - open Border Management Information System\n\n"
          "Usage: bmis <command> [options] [arguments]\n"
          "       bmis help <command>\n"
          "       bmis --version\n\n"
          "Commands:\n",
          BMIS_VERSION_STRING);
  for (size_t i = 0; i < BM_COUNTOF(commands); i++)
    fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
  fprintf(out, "\nExit status: 0 success, 1 input processed but invalid (per command), "
               "2 usage or I/O error.\n");
}

static void cmd_help_help(FILE *out) {
  fprintf(out,
          "Usage: bmis help [COMMAND]\n\nShow the list of commands, or the help of COMMAND.\n");
}

static int cmd_help(int argc, char **argv) {
  if (argc < 2) {
    usage(stdout);
    return CMD_EXIT_OK;
  }
  if (cmd__is_help(argv[1])) {
    cmd_help_help(stdout);
    return CMD_EXIT_OK;
  }
  const cmd_entry *c = find_command(argv[1]);
  if (c == NULL) {
    fprintf(stderr, "bmis: unknown command '%s' (see 'bmis --help')\n", argv[1]);
    return CMD_EXIT_USAGE;
  }
  c->help(stdout);
  return CMD_EXIT_OK;
}

static void cmd_version_help(FILE *out) {
  fprintf(out, "Usage: bmis version\n       bmis --version\n\nPrint the openbmis version.\n");
}

static int cmd_version(int argc, char **argv) {
  if (argc > 1 && cmd__is_help(argv[1])) {
    cmd_version_help(stdout);
    return CMD_EXIT_OK;
  }
  printf("openbmis %s\n", BMIS_VERSION_STRING);
  return CMD_EXIT_OK;
}

int cmd__is_help(const char *arg) {
  return strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0;
}

int cmd__read_all(FILE *in, size_t max_bytes, char **out, size_t *out_len) {
  size_t cap = 65536, len = 0;
  char *buf = malloc(cap + 1);
  if (buf == NULL) return -1;
  for (;;) {
    if (len == cap) {
      if (cap >= max_bytes) {
        free(buf);
        return -2;
      }
      size_t ncap = cap * 2 > max_bytes ? max_bytes : cap * 2;
      char *nbuf = realloc(buf, ncap + 1);
      if (nbuf == NULL) {
        free(buf);
        return -1;
      }
      buf = nbuf;
      cap = ncap;
    }
    size_t n = fread(buf + len, 1, cap - len, in);
    len += n;
    if (n == 0) {
      if (ferror(in)) {
        free(buf);
        return -1;
      }
      break;
    }
  }
  if (len > max_bytes) {
    free(buf);
    return -2;
  }
  buf[len] = '\0';
  *out = buf;
  *out_len = len;
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return CMD_EXIT_USAGE;
  }
  if (cmd__is_help(argv[1])) {
    usage(stdout);
    return CMD_EXIT_OK;
  }
  if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0)
    return cmd_version(1, argv + 1);
  const cmd_entry *c = find_command(argv[1]);
  if (c == NULL) {
    fprintf(stderr, "bmis: unknown command '%s' (see 'bmis --help')\n", argv[1]);
    return CMD_EXIT_USAGE;
  }
  int status = c->fn(argc - 1, argv + 1);
  if (fflush(stdout) != 0) {
    fprintf(stderr, "bmis: writing output: %s\n", strerror(errno));
    return CMD_EXIT_USAGE;
  }
  return status;
}
