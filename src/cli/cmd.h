/* cmd.h - the subcommands of `bmis`. Each returns the process exit status:
 * 0 success/valid, 1 input processed but invalid or hits found (as documented per command),
 * 2 usage or I/O error. Only cli/ and main() exit the process. */
#ifndef BMIS_CLI_CMD_H
#define BMIS_CLI_CMD_H

#include <stdio.h>

#include "bmis/base.h"

#define CMD_EXIT_OK      0
#define CMD_EXIT_INVALID 1
#define CMD_EXIT_USAGE   2

typedef struct cmd_entry {
  const char *name;
  int (*fn)(int argc, char **argv); /* argv[0] is the command name */
  const char *summary;              /* one line for `bmis --help` */
  void (*help)(FILE *out);          /* full help for `bmis help <name>` and `bmis <name> --help` */
} cmd_entry;

int cmd_mrz(int argc, char **argv);
void cmd_mrz_help(FILE *out);
int cmd_watchlist(int argc, char **argv);
void cmd_watchlist_help(FILE *out);
int cmd_screen(int argc, char **argv);
void cmd_screen_help(FILE *out);
int cmd_user(int argc, char **argv);
void cmd_user_help(FILE *out);
int cmd_audit(int argc, char **argv);
void cmd_audit_help(FILE *out);
int cmd_stay(int argc, char **argv);
void cmd_stay_help(FILE *out);
int cmd_serve(int argc, char **argv);
void cmd_serve_help(FILE *out);
int cmd_demo(int argc, char **argv);
void cmd_demo_help(FILE *out);
int cmd_paxlst(int argc, char **argv);
void cmd_paxlst_help(FILE *out);

/* Shared helpers for commands. */
/* Read a whole stream into a NUL-terminated heap buffer; refuses more than max_bytes.
 * Returns 0 on success, -1 on I/O error (errno set), -2 when over the limit. */
int cmd__read_all(FILE *in, size_t max_bytes, char **out, size_t *out_len);
/* 1 if arg is -h or --help. */
int cmd__is_help(const char *arg);
/* Print s as a JSON string (quotes and escapes included). */
void cmd__json_string(FILE *out, const char *s);
struct store;
/* Open the store at db (a path, sqlite:PATH or a URL) for command cmd; with must_exist a missing
 * SQLite file is an error instead of a new database. Prints the reason to stderr and returns -1 on
 * failure. */
int cmd__store_open(const char *cmd, const char *db, int must_exist, struct store **out);
/* A date "YYYY-MM-DD" (1900-9999, a real day) into *out: 0, or -1 when it is not one. */
int cmd__parse_date(const char *s, bm_date *out);
/* Bytes of a list name given as --list NAME=FILE (longer: the whole argument is a path). */
#define CMD_LIST_NAME_MAX 256
struct wl_list;
/* Load a watchlist named by a --list argument ([NAME=]FILE, format sniffed). Load errors and the
 * list's issues go to stderr prefixed with prog ("bmis screen"). 0, or -1 when it cannot load. */
int cmd__load_list(const char *prog, const char *arg, struct wl_list **out);

#endif
