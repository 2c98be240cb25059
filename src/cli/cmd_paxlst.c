/* cmd_paxlst.c - `bmis paxlst parse` (DESIGN.md 5.3).
 *
 * Reads PAXLST interchanges from each FILE (or stdin) and prints one JSON object per message, in
 * input order, with the message's warnings and errors. A file with no message at all is reported
 * on stderr with its diagnostics, so nothing is dropped silently.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmis/json_paxlst.h"
#include "bmis/paxlst.h"
#include "bmis/screen.h"
#include "bmis/watchlist.h"
#include "cli/cmd.h"

/* Watchlists per `paxlst screen` call, and bytes of a list name (as `bmis screen`). */
#define PAXLST_CLI_LISTS_MAX     64
#define PAXLST_CLI_LIST_NAME_MAX 64

void cmd_paxlst_help(FILE *out) {
  fprintf(
      out,
      "Usage: bmis paxlst parse [--strict] [--today YYYY-MM-DD] [FILE...]\n"
      "\n"
      "parse  Read UN/EDIFACT PAXLST interchanges (D02B, D05B, US CBP; several per file, any\n"
      "       UNA separators) from each FILE or stdin ('-') and print one JSON object per\n"
      "       message, one per line: interchange, message_ref, part, last_part, list_type,\n"
      "       flight, persons (names, sex, birth date, nationality, residence, role,\n"
      "       documents, seat, bags, references), warnings and errors, each diagnostic with\n"
      "       its 1-based segment number and tag. See docs/edifact.md.\n"
      "         --strict          report every deviation from the syntax as an error\n"
      "                           (default: lenient, deviations are warnings)\n"
      "         --today DATE      reference date for two-digit birth years (default: today)\n"
      "       Exit status: 0 parsed without errors, 1 parsed with errors (or no message in a\n"
      "       file), 2 usage or I/O error.\n"
      "\n"
      "Usage: bmis paxlst screen --list [NAME=]FILE ... [--threshold T] [--limit N] [--strict]\n"
      "                          [--today YYYY-MM-DD] [FILE...]\n"
      "\n"
      "screen Parse as above and screen every person against the watchlists (formats as for\n"
      "       'bmis screen'). Prints one JSON object per person, in input order:\n"
      "       {\"message_ref\",\"part\",\"person\" (1-based in its message),\"segment\",\n"
      "       \"surname\",\"given_names\",\"hits\":[{\"list\",\"entry_id\",\"score\",\n"
      "       \"matched_name\",\"reasons\"}]}. Parse diagnostics go to stderr.\n"
      "       Exit status: 0 no hits, 1 at least one hit, 2 usage or I/O error.\n");
}

static int parse_iso_date(const char *s, bm_date *out) {
  int y, m, d;
  char tail;
  if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3) return -1;
  if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1 || d > bm_days_in_month(y, m)) return -1;
  out->year = (int16_t)y;
  out->month = (uint8_t)m;
  out->day = (uint8_t)d;
  return 0;
}

/* Read and parse one file (NULL: stdin). Returns 0 with *out and *buf set (free both), or 2 after
 * printing the reason. */
static int read_batch(const char *path, const paxlst_opts *opts, paxlst_batch **out, char **bufp,
                      int *parse_failed) {
  const char *name = path != NULL ? path : "stdin";
  FILE *in = stdin;
  if (path != NULL) {
    in = fopen(path, "rb");
    if (in == NULL) {
      fprintf(stderr, "bmis paxlst parse: %s: %s\n", path, strerror(errno));
      return 2;
    }
  }
  char *buf = NULL;
  size_t len = 0;
  int rr = cmd__read_all(in, EDI_INPUT_BYTES_MAX, &buf, &len);
  if (in != stdin) fclose(in);
  if (rr != 0) {
    if (rr == -2)
      fprintf(stderr, "bmis paxlst parse: %s: larger than %zu bytes\n", name,
              (size_t)EDI_INPUT_BYTES_MAX);
    else
      fprintf(stderr, "bmis paxlst parse: reading %s: %s\n", name, strerror(errno));
    return 2;
  }
  paxlst_batch *b = NULL;
  bm_diag diag = {0};
  bm_err rc = paxlst_parse(buf, len, opts, &b, &diag);
  if (b == NULL) {
    fprintf(stderr, "bmis paxlst: %s: %s\n", name, diag.message);
    free(buf);
    return 2;
  }
  *parse_failed = rc != BM_OK;
  if (rc != BM_OK) fprintf(stderr, "bmis paxlst: %s: %s\n", name, diag.message);
  if (b->nmsgs == 0) {
    fprintf(stderr, "bmis paxlst: %s: no message found\n", name);
    for (size_t i = 0; i < b->ndiags; i++) {
      const edi_diag *d = &b->diags[i];
      fprintf(stderr, "  segment %u %s: %s: %s\n", d->d.segment, d->tag,
              d->severity == EDI_ERROR ? "error" : "warning", d->d.message);
    }
    *parse_failed = 1;
  }
  *out = b;
  *bufp = buf;
  return 0;
}

/* Returns 0 ok, 1 errors in the input, 2 I/O error. */
static int parse_one(const char *path, const paxlst_opts *opts) {
  paxlst_batch *b = NULL;
  char *buf = NULL;
  int failed = 0;
  if (read_batch(path, opts, &b, &buf, &failed) != 0) return 2;
  int status = failed ? 1 : 0;
  for (size_t i = 0; i < b->nmsgs; i++) {
    json_t *o = js_paxlst_msg_encode(&b->msgs[i]);
    char *s =
        o != NULL ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII) : NULL;
    json_decref(o);
    if (s == NULL || puts(s) == EOF) {
      fprintf(stderr, "bmis paxlst parse: writing output failed\n");
      free(s);
      paxlst_batch_free(b);
      free(buf);
      return 2;
    }
    free(s);
    if (b->msgs[i].nerrors > 0) status = 1;
  }
  paxlst_batch_free(b);
  free(buf);
  return status;
}

static int paxlst_parse_main(int argc, char **argv) {
  paxlst_opts opts = {0};
  int first_file = argc;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (cmd__is_help(a)) {
      cmd_paxlst_help(stdout);
      return CMD_EXIT_OK;
    } else if (strcmp(a, "--strict") == 0) {
      opts.flags |= EDI_OPT_STRICT;
    } else if (strcmp(a, "--today") == 0) {
      if (i + 1 >= argc || parse_iso_date(argv[i + 1], &opts.today) != 0) {
        fprintf(stderr, "bmis paxlst parse: --today needs a date YYYY-MM-DD\n");
        return CMD_EXIT_USAGE;
      }
      i++;
    } else if (a[0] == '-' && a[1] != '\0') {
      fprintf(stderr, "bmis paxlst parse: unknown option '%s'\n", a);
      return CMD_EXIT_USAGE;
    } else {
      first_file = i;
      break;
    }
  }
  int status = CMD_EXIT_OK;
  if (first_file >= argc) return parse_one(NULL, &opts);
  for (int i = first_file; i < argc; i++) {
    int s = parse_one(strcmp(argv[i], "-") == 0 ? NULL : argv[i], &opts);
    if (s > status) status = s;
  }
  return status;
}

/* ---- screen ---- */

static int load_list(const char *arg, wl_list **out) {
  char name[PAXLST_CLI_LIST_NAME_MAX];
  const char *path = arg, *eq = strchr(arg, '=');
  const char *namep = NULL;
  if (eq != NULL && eq != arg && memchr(arg, '/', (size_t)(eq - arg)) == NULL &&
      (size_t)(eq - arg) < sizeof name) {
    memcpy(name, arg, (size_t)(eq - arg));
    name[eq - arg] = '\0';
    namep = name;
    path = eq + 1;
  }
  wl_load_report *rep = calloc(1, sizeof *rep);
  if (rep == NULL) return -1;
  bm_diag diag = {0};
  bm_err err = wl_list_load(path, namep, WL_FORMAT_AUTO, out, rep, &diag);
  if (err != BM_OK)
    fprintf(stderr, "bmis paxlst screen: %s: %s\n", path,
            diag.message[0] ? diag.message : bm_err_str(err));
  else if (rep->nissues > 0)
    fprintf(stderr, "bmis paxlst screen: %s: %zu issues while loading (see 'bmis watchlist')\n",
            path, rep->nissues);
  free(rep);
  return err == BM_OK ? 0 : -1;
}

static wl_date person_birth(const char *s) {
  wl_date d = {0, 0, 0, 0};
  int y, m, dd;
  char tail;
  if (s != NULL && sscanf(s, "%4d-%2d-%2d%c", &y, &m, &dd, &tail) == 3) {
    d.year = d.year_to = (int16_t)y;
    d.month = (uint8_t)m;
    d.day = (uint8_t)dd;
  }
  return d;
}

/* Screens every person of b; prints one line each. Returns 1 if any hit, 2 on output failure. */
static int screen_batch(const paxlst_batch *b, const wl_index *ix, const wl_screen_opts *so) {
  size_t n = 0;
  for (size_t i = 0; i < b->nmsgs; i++) n += b->msgs[i].npersons;
  if (n == 0) return 0;
  unsigned limit = so->limit;
  wl_query *qs = calloc(n, sizeof *qs);
  wl_hit *hits = calloc(n * limit, sizeof *hits);
  unsigned *nhits = calloc(n, sizeof *nhits);
  bm_err *errs = calloc(n, sizeof *errs);
  int status = 0;
  if (qs == NULL || hits == NULL || nhits == NULL || errs == NULL) {
    fprintf(stderr, "bmis paxlst screen: out of memory\n");
    status = 2;
    goto out;
  }
  size_t k = 0;
  for (size_t i = 0; i < b->nmsgs; i++) {
    for (size_t j = 0; j < b->msgs[i].npersons; j++, k++) {
      const paxlst_person *p = &b->msgs[i].persons[j];
      wl_query *q = &qs[k];
      q->surname = p->surname;
      q->given_names = p->given_names;
      q->birth = person_birth(p->birth_date);
      q->nationality = p->nationality;
      q->sex = p->sex != NULL && (p->sex[0] == 'M' || p->sex[0] == 'F') ? p->sex[0] : 0;
      if (p->ndocuments > 0) {
        q->document_number = p->documents[0].number;
        q->document_country = p->documents[0].issuing_state;
        q->document_type = p->documents[0].type;
      }
    }
  }
  wl_screen_batch(ix, qs, n, so, 0, hits, nhits, errs);
  k = 0;
  for (size_t i = 0; i < b->nmsgs; i++) {
    const paxlst_msg *m = &b->msgs[i];
    for (size_t j = 0; j < m->npersons; j++, k++) {
      const paxlst_person *p = &m->persons[j];
      json_t *o = json_object();
      json_t *arr = json_array();
      if (o == NULL || arr == NULL) {
        json_decref(o);
        json_decref(arr);
        status = 2;
        goto out;
      }
      json_object_set_new(o, "message_ref",
                          m->message_ref ? json_string(m->message_ref) : json_null());
      json_object_set_new(o, "part", json_integer(m->part));
      json_object_set_new(o, "person", json_integer((json_int_t)j + 1));
      json_object_set_new(o, "segment", json_integer(p->segment));
      json_object_set_new(o, "surname", p->surname ? json_string(p->surname) : json_null());
      json_object_set_new(o, "given_names",
                          p->given_names ? json_string(p->given_names) : json_null());
      for (unsigned h = 0; errs[k] == BM_OK && h < nhits[k]; h++) {
        const wl_hit *hit = &hits[k * limit + h];
        json_t *hj = json_object();
        json_t *reasons = json_array();
        if (hj == NULL || reasons == NULL) break;
        json_object_set_new(hj, "list", json_string(hit->list));
        json_object_set_new(hj, "entry_id", json_string(hit->entry->id));
        /* Two decimals, as `bmis screen` prints them. */
        json_object_set_new(hj, "score",
                            json_real((double)(int)(hit->score * 100.0f + 0.5f) / 100.0));
        const char *mn =
            hit->entry->nnames > hit->name_index ? hit->entry->names[hit->name_index] : NULL;
        json_object_set_new(hj, "matched_name", mn ? json_string(mn) : json_null());
        for (unsigned r = 0; r < hit->nreasons; r++)
          json_array_append_new(reasons, json_string(hit->reasons[r]));
        json_object_set_new(hj, "reasons", reasons);
        json_array_append_new(arr, hj);
        status = status < 1 ? 1 : status;
      }
      json_object_set_new(o, "hits", arr);
      if (errs[k] != BM_OK)
        json_object_set_new(o, "error", json_string("no usable name or document to screen"));
      char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII |
                                  JSON_REAL_PRECISION(3));
      json_decref(o);
      if (s == NULL || puts(s) == EOF) status = 2;
      free(s);
    }
  }
out:
  free(qs);
  free(hits);
  free(nhits);
  free(errs);
  return status;
}

static int paxlst_screen_main(int argc, char **argv) {
  paxlst_opts opts = {0};
  const char *list_args[PAXLST_CLI_LISTS_MAX];
  size_t nlists = 0;
  double threshold = 0;
  unsigned long limit = WL_DEFAULT_LIMIT;
  int first_file = argc;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (cmd__is_help(a)) {
      cmd_paxlst_help(stdout);
      return CMD_EXIT_OK;
    } else if (strcmp(a, "--strict") == 0) {
      opts.flags |= EDI_OPT_STRICT;
    } else if (strcmp(a, "--today") == 0 || strcmp(a, "--list") == 0 ||
               strcmp(a, "--threshold") == 0 || strcmp(a, "--limit") == 0) {
      if (i + 1 >= argc) {
        fprintf(stderr, "bmis paxlst screen: %s needs a value\n", a);
        return CMD_EXIT_USAGE;
      }
      const char *v = argv[++i];
      char *end = NULL;
      if (strcmp(a, "--today") == 0) {
        if (parse_iso_date(v, &opts.today) != 0) {
          fprintf(stderr, "bmis paxlst screen: --today needs a date YYYY-MM-DD\n");
          return CMD_EXIT_USAGE;
        }
      } else if (strcmp(a, "--list") == 0) {
        if (nlists == PAXLST_CLI_LISTS_MAX) {
          fprintf(stderr, "bmis paxlst screen: at most %d lists\n", PAXLST_CLI_LISTS_MAX);
          return CMD_EXIT_USAGE;
        }
        list_args[nlists++] = v;
      } else if (strcmp(a, "--threshold") == 0) {
        threshold = strtod(v, &end);
        if (*end != '\0' || threshold < 0 || threshold > 1) {
          fprintf(stderr, "bmis paxlst screen: --threshold needs a number in [0, 1]\n");
          return CMD_EXIT_USAGE;
        }
      } else {
        limit = strtoul(v, &end, 10);
        if (*end != '\0' || limit < 1 || limit > WL_HITS_MAX) {
          fprintf(stderr, "bmis paxlst screen: --limit needs 1..%d\n", WL_HITS_MAX);
          return CMD_EXIT_USAGE;
        }
      }
    } else if (a[0] == '-' && a[1] != '\0') {
      fprintf(stderr, "bmis paxlst screen: unknown option '%s'\n", a);
      return CMD_EXIT_USAGE;
    } else {
      first_file = i;
      break;
    }
  }
  if (nlists == 0) {
    fprintf(stderr, "bmis paxlst screen: at least one --list FILE is needed\n");
    return CMD_EXIT_USAGE;
  }
  int status = CMD_EXIT_OK;
  wl_list *lists[PAXLST_CLI_LISTS_MAX] = {NULL};
  wl_index *ix = NULL;
  for (size_t i = 0; i < nlists; i++)
    if (load_list(list_args[i], &lists[i]) != 0) {
      status = CMD_EXIT_USAGE;
      goto done;
    }
  bm_diag diag = {0};
  if (wl_index_build(lists, nlists, NULL, &ix, &diag) != BM_OK) {
    fprintf(stderr, "bmis paxlst screen: building the index: %s\n", diag.message);
    status = CMD_EXIT_USAGE;
    goto done;
  }
  wl_screen_opts so = {(float)threshold, (unsigned)limit, NULL};
  for (int i = first_file; i <= argc; i++) {
    if (i == argc && first_file < argc) break;
    const char *path = i < argc && strcmp(argv[i], "-") != 0 ? argv[i] : NULL;
    paxlst_batch *b = NULL;
    char *buf = NULL;
    int failed = 0;
    if (read_batch(path, &opts, &b, &buf, &failed) != 0) {
      status = CMD_EXIT_USAGE;
      continue;
    }
    for (size_t m = 0; m < b->nmsgs; m++)
      for (size_t d = 0; d < b->msgs[m].ndiags; d++) {
        const edi_diag *e = &b->msgs[m].diags[d];
        if (e->severity == EDI_ERROR)
          fprintf(stderr, "%s: segment %u %s: error: %s\n", path ? path : "stdin", e->d.segment,
                  e->tag, e->d.message);
      }
    int s = screen_batch(b, ix, &so);
    if (s > status) status = s;
    paxlst_batch_free(b);
    free(buf);
    if (i == argc) break;
  }
done:
  wl_index_free(ix);
  for (size_t i = 0; i < nlists; i++) wl_list_free(lists[i]);
  return status;
}

int cmd_paxlst(int argc, char **argv) {
  if (argc < 2 || cmd__is_help(argv[1])) {
    cmd_paxlst_help(argc < 2 ? stderr : stdout);
    return argc < 2 ? CMD_EXIT_USAGE : CMD_EXIT_OK;
  }
  if (strcmp(argv[1], "parse") == 0) return paxlst_parse_main(argc - 1, argv + 1);
  if (strcmp(argv[1], "screen") == 0) return paxlst_screen_main(argc - 1, argv + 1);
  fprintf(stderr,
          "bmis paxlst: unknown subcommand '%s' (parse or screen; see 'bmis help paxlst')\n",
          argv[1]);
  return CMD_EXIT_USAGE;
}
