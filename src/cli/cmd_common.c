/* cmd_common.c - helpers several subcommands share (declared in cli/cmd.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmis/watchlist.h"
#include "cli/cmd.h"

int cmd__parse_date(const char *s, bm_date *out) {
  int y, m, d;
  char tail;
  if (s == NULL || strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3) return -1;
  if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 || d > bm_days_in_month(y, m)) return -1;
  out->year = (int16_t)y;
  out->month = (uint8_t)m;
  out->day = (uint8_t)d;
  return 0;
}

/* Every issue of a load, "FILE:LINE: field: message", then how many there were. */
static void report_issues(const char *prog, const char *path, const wl_load_report *rep) {
  size_t kept = rep->nissues < WL_REPORT_ISSUES_MAX ? rep->nissues : WL_REPORT_ISSUES_MAX;
  for (size_t i = 0; i < kept; i++) {
    const wl_issue *is = &rep->issues[i];
    fprintf(stderr, "%s:%u: %s: %s\n", is->file[0] ? is->file : path, is->line,
            is->field[0] ? is->field : "record", is->message);
  }
  if (rep->nissues > kept)
    fprintf(stderr, "%s: %zu more issues not shown\n", path, rep->nissues - kept);
  if (rep->nissues > 0)
    fprintf(stderr, "%s: %s: %zu issues while loading\n", prog, path, rep->nissues);
}

int cmd__load_list(const char *prog, const char *arg, struct wl_list **out) {
  char name[CMD_LIST_NAME_MAX];
  const char *path = arg, *eq = strchr(arg, '=');
  const char *namep = NULL;
  /* NAME=FILE, unless what precedes '=' looks like a path (a file name may contain '='). */
  if (eq != NULL && eq != arg && memchr(arg, '/', (size_t)(eq - arg)) == NULL &&
      (size_t)(eq - arg) < sizeof name) {
    memcpy(name, arg, (size_t)(eq - arg));
    name[eq - arg] = '\0';
    namep = name;
    path = eq + 1;
  }
  wl_load_report *rep = calloc(1, sizeof *rep);
  if (rep == NULL) {
    fprintf(stderr, "%s: out of memory\n", prog);
    return -1;
  }
  bm_diag diag = {0};
  bm_err err = wl_list_load(path, namep, WL_FORMAT_AUTO, out, rep, &diag);
  if (err != BM_OK)
    fprintf(stderr, "%s: %s: %s\n", prog, path, diag.message[0] ? diag.message : bm_err_str(err));
  else
    report_issues(prog, path, rep);
  free(rep);
  return err == BM_OK ? 0 : -1;
}
