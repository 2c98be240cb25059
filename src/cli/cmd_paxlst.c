/* cmd_paxlst.c - `bmis paxlst parse` (DESIGN.md 5.3), `bmis paxlst screen` and `bmis paxlst
 * respond`.
 *
 * parse reads PAXLST interchanges from each FILE (or stdin) and prints one JSON object per message,
 * in input order, with the message's warnings and errors. A file with no message at all is reported
 * on stderr with its diagnostics, so nothing is dropped silently. screen screens every person
 * against watchlists; respond does the same and answers each message with a CUSRES (cusres.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmis/cusres.h"
#include "bmis/json_paxlst.h"
#include "bmis/paxlst.h"
#include "bmis/screen.h"
#include "bmis/watchlist.h"
#include "cli/cmd.h"

/* Watchlists per `paxlst screen` / `respond` call. */
#define PAXLST_CLI_LISTS_MAX 64

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
      "       Exit status: 0 no hits, 1 at least one hit, 2 usage or I/O error.\n"
      "\n"
      "Usage: bmis paxlst respond --list [NAME=]FILE ... [--threshold T]\n"
      "                           [--no-board-threshold T] [--time YYYY-MM-DDTHH:MM]\n"
      "                           [--compact] [--strict] [--today YYYY-MM-DD] [FILE...]\n"
      "\n"
      "respond Parse and screen as above and answer every message with one UN/EDIFACT CUSRES\n"
      "       D:05B interchange on stdout (the interactive API response), one group per\n"
      "       person: ERC 0Z OK TO BOARD; 1Z NO BOARD (a document hit, or a hit scoring at\n"
      "       least the no-board threshold, default 0.90); 2Z INSUFFICIENT DATA (no surname,\n"
      "       birth date or document number; the text names what is missing). A message with\n"
      "       errors, without persons, or that cannot be answered gets the acknowledgement\n"
      "       BGM+312 / ERC+118 with the reason. Sender and recipient are the request's,\n"
      "       swapped; references are generated. See docs/edifact.md.\n"
      "         --threshold T           screening threshold (as 'bmis screen')\n"
      "         --no-board-threshold T  hits scoring at least T refuse boarding (0.90)\n"
      "         --time T                UNB date and time, UTC (default: now)\n"
      "         --compact               no newline between segments (one line each)\n"
      "       Exit status: 0 every person may board, 1 any no-board, insufficient data or\n"
      "       acknowledgement, 2 usage or I/O error.\n"
      "\n"
      "Usage: bmis paxlst assemble [--strict] [--today YYYY-MM-DD] [FILE...]\n"
      "\n"
      "assemble Group the messages of all FILEs into flights (a split list's parts share the\n"
      "       UNB sender and UNH common access reference; UNH S010 numbers them, C first, F\n"
      "       final) and print one JSON object per flight: {\"sender\",\"common_access_ref\",\n"
      "       \"parts\":[{\"part\",\"message_ref\",\"last_part\",\"persons\",\"segment\"}],\n"
      "       \"last_part\",\"complete\",\"persons\",\"errors\"} with gaps, duplicates (the\n"
      "       later part replaces the earlier), a missing final part and parts after it in\n"
      "       errors. Exit status: 0 every flight complete, 1 a flight incomplete or a parse\n"
      "       error, 2 usage or I/O error.\n");
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

/* The options of parse and assemble (--strict, --today) up to the first file: *first_file is
 * its index (argc when none). Returns -1 to go on, or the exit status (help, usage error). */
static int parse_opts(const char *cmd, int argc, char **argv, paxlst_opts *opts, int *first_file) {
  memset(opts, 0, sizeof *opts);
  *first_file = argc;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (cmd__is_help(a)) {
      cmd_paxlst_help(stdout);
      return CMD_EXIT_OK;
    } else if (strcmp(a, "--strict") == 0) {
      opts->flags |= EDI_OPT_STRICT;
    } else if (strcmp(a, "--today") == 0) {
      if (i + 1 >= argc || cmd__parse_date(argv[i + 1], &opts->today) != 0) {
        fprintf(stderr, "bmis paxlst %s: --today needs a date YYYY-MM-DD\n", cmd);
        return CMD_EXIT_USAGE;
      }
      i++;
    } else if (a[0] == '-' && a[1] != '\0') {
      fprintf(stderr, "bmis paxlst %s: unknown option '%s'\n", cmd, a);
      return CMD_EXIT_USAGE;
    } else {
      *first_file = i;
      break;
    }
  }
  return -1;
}

static int paxlst_parse_main(int argc, char **argv) {
  paxlst_opts opts;
  int first_file;
  int rc = parse_opts("parse", argc, argv, &opts, &first_file);
  if (rc >= 0) return rc;
  int status = CMD_EXIT_OK;
  if (first_file >= argc) return parse_one(NULL, &opts);
  for (int i = first_file; i < argc; i++) {
    int s = parse_one(strcmp(argv[i], "-") == 0 ? NULL : argv[i], &opts);
    if (s > status) status = s;
  }
  return status;
}

/* ---- assemble: the parts of split flights ---- */

#define PAXLST_CLI_FILES_MAX 1000 /* files of one `paxlst assemble` */

static json_t *set_encode(const paxlst_set *st) {
  json_t *o = json_object(), *parts = json_array(), *errs = json_array();
  int rc = o == NULL || parts == NULL || errs == NULL;
  for (size_t i = 0; !rc && i < st->nparts; i++) {
    const paxlst_msg *m = st->parts[i];
    rc |= json_array_append_new(parts, json_pack("{s:i, s:s?, s:b, s:I, s:i}", "part", (int)m->part,
                                                 "message_ref", m->message_ref, "last_part",
                                                 m->last_part, "persons", (json_int_t)m->npersons,
                                                 "segment", (int)m->first_segment));
  }
  for (size_t i = 0; !rc && i < st->ndiags; i++)
    rc |= json_array_append_new(errs, js_edi_diag_encode(&st->diags[i]));
  if (!rc) {
    rc |= json_object_set_new(o, "sender", st->sender ? json_string(st->sender) : json_null());
    rc |= json_object_set_new(o, "common_access_ref",
                              st->common_access_ref ? json_string(st->common_access_ref)
                                                    : json_null());
    rc |= json_object_set_new(o, "parts", parts);
    parts = NULL;
    rc |= json_object_set_new(o, "last_part", json_integer(st->last_part));
    rc |= json_object_set_new(o, "complete", json_boolean(st->complete));
    rc |= json_object_set_new(o, "persons", json_integer((json_int_t)st->npersons));
    rc |= json_object_set_new(o, "errors", errs);
    errs = NULL;
  }
  json_decref(parts);
  json_decref(errs);
  if (rc) {
    json_decref(o);
    return NULL;
  }
  return o;
}

/* Read every file, group all their messages into flights, print one JSON object per flight. */
static int paxlst_assemble_main(int argc, char **argv) {
  paxlst_opts opts;
  int first_file;
  int rc = parse_opts("assemble", argc, argv, &opts, &first_file);
  if (rc >= 0) return rc;
  size_t nfiles = first_file >= argc ? 1 : (size_t)(argc - first_file);
  if (nfiles > PAXLST_CLI_FILES_MAX) {
    fprintf(stderr, "bmis paxlst assemble: at most %d files\n", PAXLST_CLI_FILES_MAX);
    return CMD_EXIT_USAGE;
  }
  paxlst_batch **batches = calloc(nfiles, sizeof *batches);
  char **bufs = calloc(nfiles, sizeof *bufs);
  const paxlst_msg **msgs = NULL;
  size_t nmsgs = 0;
  int status = CMD_EXIT_OK;
  for (size_t f = 0; batches != NULL && bufs != NULL && f < nfiles; f++) {
    const char *path = first_file >= argc ? NULL : argv[first_file + (int)f];
    if (path != NULL && strcmp(path, "-") == 0) path = NULL;
    int failed = 0;
    if (read_batch(path, &opts, &batches[f], &bufs[f], &failed) != 0) {
      status = CMD_EXIT_USAGE;
      break;
    }
    if (failed) status = 1;
    const paxlst_msg **grown = realloc(msgs, (nmsgs + batches[f]->nmsgs + 1) * sizeof *msgs);
    if (grown == NULL) {
      status = CMD_EXIT_USAGE;
      break;
    }
    msgs = grown;
    for (size_t i = 0; i < batches[f]->nmsgs; i++) msgs[nmsgs++] = &batches[f]->msgs[i];
  }
  paxlst_set *sets = NULL;
  size_t nsets = 0;
  bm_diag d = {0};
  if (batches == NULL || bufs == NULL) {
    fprintf(stderr, "bmis paxlst assemble: out of memory\n");
    status = CMD_EXIT_USAGE;
  } else if (status != CMD_EXIT_USAGE && paxlst_assemble(msgs, nmsgs, &sets, &nsets, &d) != BM_OK) {
    fprintf(stderr, "bmis paxlst assemble: %s\n", d.message);
    status = CMD_EXIT_USAGE;
  }
  for (size_t i = 0; status != CMD_EXIT_USAGE && i < nsets; i++) {
    json_t *o = set_encode(&sets[i]);
    char *txt =
        o != NULL ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII) : NULL;
    json_decref(o);
    if (txt == NULL || puts(txt) == EOF) {
      fprintf(stderr, "bmis paxlst assemble: writing output failed\n");
      status = CMD_EXIT_USAGE;
    }
    free(txt);
    if (!sets[i].complete || sets[i].ndiags > 0) status = status > 1 ? status : 1;
  }
  paxlst_sets_free(sets, nsets);
  free(msgs);
  for (size_t f = 0; batches != NULL && bufs != NULL && f < nfiles; f++) {
    paxlst_batch_free(batches[f]);
    free(bufs[f]);
  }
  free(batches);
  free(bufs);
  return status;
}

/* ---- screen and respond: lists, options, screening ---- */

/* The hits of every person of a batch, in batch order: person k has nhits[k] hits from
 * hits[k * limit], or errs[k] != BM_OK when it had nothing to screen. */
typedef struct screening {
  size_t n;
  unsigned limit;
  wl_hit *hits;
  unsigned *nhits;
  bm_err *errs;
} screening;

static void screening_release(screening *s) {
  free(s->hits);
  free(s->nhits);
  free(s->errs);
  memset(s, 0, sizeof *s);
}

/* Screen every person of b (surname, given names, birth date, nationality, sex, first document).
 * Returns 0, or 2 when out of memory (reported). */
static int screen_persons(const char *cmd, const paxlst_batch *b, const wl_index *ix,
                          const wl_screen_opts *so, screening *out) {
  memset(out, 0, sizeof *out);
  size_t n = 0;
  for (size_t i = 0; i < b->nmsgs; i++) n += b->msgs[i].npersons;
  out->n = n;
  out->limit = so->limit;
  if (n == 0) return 0;
  wl_query *qs = calloc(n, sizeof *qs);
  out->hits = calloc(n * so->limit, sizeof *out->hits);
  out->nhits = calloc(n, sizeof *out->nhits);
  out->errs = calloc(n, sizeof *out->errs);
  if (qs == NULL || out->hits == NULL || out->nhits == NULL || out->errs == NULL) {
    fprintf(stderr, "bmis paxlst %s: out of memory\n", cmd);
    free(qs);
    screening_release(out);
    return 2;
  }
  size_t k = 0;
  for (size_t i = 0; i < b->nmsgs; i++) {
    for (size_t j = 0; j < b->msgs[i].npersons; j++, k++) {
      qs[k] = cusres_person_query(&b->msgs[i].persons[j]);
    }
  }
  wl_screen_batch(ix, qs, n, so, 0, out->hits, out->nhits, out->errs);
  free(qs);
  return 0;
}

/* Screens every person of b; prints one line each. Returns 1 if any hit, 2 on output failure. */
static int screen_batch(const paxlst_batch *b, const wl_index *ix, const wl_screen_opts *so) {
  screening sc;
  if (screen_persons("screen", b, ix, so, &sc) != 0) return 2;
  int status = 0;
  size_t k = 0;
  for (size_t i = 0; i < b->nmsgs && status < 2; i++) {
    const paxlst_msg *m = &b->msgs[i];
    for (size_t j = 0; j < m->npersons; j++, k++) {
      const paxlst_person *p = &m->persons[j];
      json_t *o = json_object();
      json_t *arr = json_array();
      if (o == NULL || arr == NULL) {
        json_decref(o);
        json_decref(arr);
        status = 2;
        break;
      }
      json_object_set_new(o, "message_ref",
                          m->message_ref ? json_string(m->message_ref) : json_null());
      json_object_set_new(o, "part", json_integer(m->part));
      json_object_set_new(o, "person", json_integer((json_int_t)j + 1));
      json_object_set_new(o, "segment", json_integer(p->segment));
      json_object_set_new(o, "surname", p->surname ? json_string(p->surname) : json_null());
      json_object_set_new(o, "given_names",
                          p->given_names ? json_string(p->given_names) : json_null());
      for (unsigned h = 0; sc.errs[k] == BM_OK && h < sc.nhits[k]; h++) {
        const wl_hit *hit = &sc.hits[k * sc.limit + h];
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
      if (sc.errs[k] != BM_OK)
        json_object_set_new(o, "error", json_string("no usable name or document to screen"));
      char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII |
                                  JSON_REAL_PRECISION(3));
      json_decref(o);
      if (s == NULL || puts(s) == EOF) status = 2;
      free(s);
    }
  }
  screening_release(&sc);
  return status;
}

/* The options of screen and respond. */
typedef struct list_args {
  paxlst_opts popts;
  const char *lists[PAXLST_CLI_LISTS_MAX];
  size_t nlists;
  double threshold;          /* 0 = WL_DEFAULT_THRESHOLD */
  unsigned long limit;       /* screen */
  double no_board_threshold; /* respond; 0 = CUSRES_NO_BOARD_THRESHOLD */
  int64_t time;              /* respond; 0 = now */
  bool compact;              /* respond */
  bool respond;              /* parsed for respond: a file without any message is exit status 1 */
  int first_file;
} list_args;

/* "YYYY-MM-DDTHH:MM" (UTC) as seconds since 1970. */
static int parse_time(const char *s, int64_t *out) {
  int y, mo, d, h, mi;
  char tail;
  if (strlen(s) != 16 || sscanf(s, "%4d-%2d-%2dT%2d:%2d%c", &y, &mo, &d, &h, &mi, &tail) != 5)
    return -1;
  if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > bm_days_in_month(y, mo) || h > 23 ||
      mi > 59 || h < 0 || mi < 0)
    return -1;
  bm_date date = {(int16_t)y, (uint8_t)mo, (uint8_t)d};
  *out = (int64_t)bm_date_to_days(date) * 86400 + h * 3600 + mi * 60;
  return 0;
}

/* Parse the options of `paxlst screen` (respond false) or `paxlst respond`. Returns -1 to go on,
 * else the exit status (help printed, or a usage error reported). */
static int parse_list_args(const char *cmd, bool respond, int argc, char **argv, list_args *a) {
  memset(a, 0, sizeof *a);
  a->limit = WL_DEFAULT_LIMIT;
  a->respond = respond;
  a->first_file = argc;
  for (int i = 1; i < argc; i++) {
    const char *o = argv[i];
    if (cmd__is_help(o)) {
      cmd_paxlst_help(stdout);
      return CMD_EXIT_OK;
    } else if (strcmp(o, "--strict") == 0) {
      a->popts.flags |= EDI_OPT_STRICT;
    } else if (respond && strcmp(o, "--compact") == 0) {
      a->compact = true;
    } else if (strcmp(o, "--today") == 0 || strcmp(o, "--list") == 0 ||
               strcmp(o, "--threshold") == 0 || (!respond && strcmp(o, "--limit") == 0) ||
               (respond && (strcmp(o, "--no-board-threshold") == 0 || strcmp(o, "--time") == 0))) {
      if (i + 1 >= argc) {
        fprintf(stderr, "bmis paxlst %s: %s needs a value\n", cmd, o);
        return CMD_EXIT_USAGE;
      }
      const char *v = argv[++i];
      char *end = NULL;
      if (strcmp(o, "--today") == 0) {
        if (cmd__parse_date(v, &a->popts.today) != 0) {
          fprintf(stderr, "bmis paxlst %s: --today needs a date YYYY-MM-DD\n", cmd);
          return CMD_EXIT_USAGE;
        }
      } else if (strcmp(o, "--list") == 0) {
        if (a->nlists == PAXLST_CLI_LISTS_MAX) {
          fprintf(stderr, "bmis paxlst %s: at most %d lists\n", cmd, PAXLST_CLI_LISTS_MAX);
          return CMD_EXIT_USAGE;
        }
        a->lists[a->nlists++] = v;
      } else if (strcmp(o, "--threshold") == 0 || strcmp(o, "--no-board-threshold") == 0) {
        double t = strtod(v, &end);
        if (end == v || *end != '\0' || !(t >= 0 && t <= 1)) {
          fprintf(stderr, "bmis paxlst %s: %s needs a number in [0, 1]\n", cmd, o);
          return CMD_EXIT_USAGE;
        }
        *(strcmp(o, "--threshold") == 0 ? &a->threshold : &a->no_board_threshold) = t;
      } else if (strcmp(o, "--time") == 0) {
        if (parse_time(v, &a->time) != 0) {
          fprintf(stderr, "bmis paxlst %s: --time needs YYYY-MM-DDTHH:MM (UTC, from 1970)\n", cmd);
          return CMD_EXIT_USAGE;
        }
      } else {
        a->limit = strtoul(v, &end, 10);
        if (*end != '\0' || a->limit < 1 || a->limit > WL_HITS_MAX) {
          fprintf(stderr, "bmis paxlst %s: --limit needs 1..%d\n", cmd, WL_HITS_MAX);
          return CMD_EXIT_USAGE;
        }
      }
    } else if (o[0] == '-' && o[1] != '\0') {
      fprintf(stderr, "bmis paxlst %s: unknown option '%s'\n", cmd, o);
      return CMD_EXIT_USAGE;
    } else {
      a->first_file = i;
      break;
    }
  }
  if (a->nlists == 0) {
    fprintf(stderr, "bmis paxlst %s: at least one --list FILE is needed\n", cmd);
    return CMD_EXIT_USAGE;
  }
  return -1;
}

/* Print the errors of every message of b (path NULL: stdin) on stderr. */
static void print_errors(const char *path, const paxlst_batch *b) {
  for (size_t m = 0; m < b->nmsgs; m++)
    for (size_t d = 0; d < b->msgs[m].ndiags; d++) {
      const edi_diag *e = &b->msgs[m].diags[d];
      if (e->severity == EDI_ERROR)
        fprintf(stderr, "%s: segment %u %s: error: %s\n", path ? path : "stdin", e->d.segment,
                e->tag, e->d.message);
    }
}

typedef int (*batch_fn)(const paxlst_batch *b, const wl_index *ix, const list_args *a);

/* Load the lists, build the index and run fn over the batch of each file (or stdin). */
static int run_lists(const char *cmd, const list_args *a, int argc, char **argv, batch_fn fn) {
  int status = CMD_EXIT_OK;
  wl_list *lists[PAXLST_CLI_LISTS_MAX] = {NULL};
  wl_index *ix = NULL;
  char prog[32];
  snprintf(prog, sizeof prog, "bmis paxlst %s", cmd);
  for (size_t i = 0; i < a->nlists; i++)
    if (cmd__load_list(prog, a->lists[i], &lists[i]) != 0) {
      status = CMD_EXIT_USAGE;
      goto done;
    }
  bm_diag diag = {0};
  if (wl_index_build(lists, a->nlists, NULL, &ix, &diag) != BM_OK) {
    fprintf(stderr, "bmis paxlst %s: building the index: %s\n", cmd, diag.message);
    status = CMD_EXIT_USAGE;
    goto done;
  }
  for (int i = a->first_file; i <= argc; i++) {
    if (i == argc && a->first_file < argc) break;
    const char *path = i < argc && strcmp(argv[i], "-") != 0 ? argv[i] : NULL;
    paxlst_batch *b = NULL;
    char *buf = NULL;
    int failed = 0;
    if (read_batch(path, &a->popts, &b, &buf, &failed) != 0) {
      status = CMD_EXIT_USAGE;
      continue;
    }
    if (failed && a->respond && status < CMD_EXIT_INVALID) status = CMD_EXIT_INVALID;
    print_errors(path, b);
    int s = fn(b, ix, a);
    if (s > status) status = s;
    paxlst_batch_free(b);
    free(buf);
    if (i == argc) break;
  }
done:
  wl_index_free(ix);
  for (size_t i = 0; i < a->nlists; i++) wl_list_free(lists[i]);
  return status;
}

static int screen_fn(const paxlst_batch *b, const wl_index *ix, const list_args *a) {
  wl_screen_opts so = {(float)a->threshold, (unsigned)a->limit, NULL};
  return screen_batch(b, ix, &so);
}

static int paxlst_screen_main(int argc, char **argv) {
  list_args a;
  int rc = parse_list_args("screen", false, argc, argv, &a);
  if (rc >= 0) return rc;
  return run_lists("screen", &a, argc, argv, screen_fn);
}

/* ---- respond ---- */

/* Write one interchange; returns 0 or 2 (reported). */
static int write_interchange(const char *s, size_t len, bool compact) {
  if (fwrite(s, 1, len, stdout) != len || (compact && putchar('\n') == EOF)) {
    fprintf(stderr, "bmis paxlst respond: writing output failed\n");
    return 2;
  }
  return 0;
}

/* The acknowledgement for message m with reason text. Returns 1, or 2 on output failure. */
static int acknowledge(const paxlst_msg *m, const char *text, const cusres_opts *co, bool compact) {
  char *out = NULL;
  size_t len = 0;
  bm_diag diag = {0};
  if (cusres_build_error(m, NULL, text, co, &out, &len, &diag) != BM_OK) {
    fprintf(stderr, "bmis paxlst respond: message '%s' (segment %u): cannot answer: %s\n",
            m->message_ref ? m->message_ref : "", m->first_segment, diag.message);
    return 1;
  }
  int rc = write_interchange(out, len, compact);
  free(out);
  return rc != 0 ? rc : 1;
}

/* The reason for the acknowledgement of a message with errors: its first error, and how many more
 * there are. */
static void error_reason(const paxlst_msg *m, char *out, size_t cap) {
  const edi_diag *first = NULL;
  for (size_t d = 0; d < m->ndiags && first == NULL; d++)
    if (m->diags[d].severity == EDI_ERROR) first = &m->diags[d];
  if (first == NULL) {
    snprintf(out, cap, "MESSAGE HAS %u ERRORS", m->nerrors);
    return;
  }
  int n = snprintf(out, cap, "SEGMENT %u %s: %s", first->d.segment, first->tag, first->d.message);
  if (m->nerrors > 1 && n > 0 && (size_t)n < cap)
    snprintf(out + n, cap - (size_t)n, " (AND %u MORE ERRORS)", m->nerrors - 1);
}

static int respond_fn(const paxlst_batch *b, const wl_index *ix, const list_args *a) {
  wl_screen_opts so = {(float)a->threshold, WL_DEFAULT_LIMIT, NULL};
  screening sc;
  if (screen_persons("respond", b, ix, &so, &sc) != 0) return 2;
  cusres_opts co = {a->compact ? 0 : CUSRES_OPT_NEWLINES, a->time, NULL, NULL, NULL, NULL};
  int status = 0;
  size_t k = 0;
  for (size_t i = 0; i < b->nmsgs && status < 2; i++) {
    const paxlst_msg *m = &b->msgs[i];
    size_t first = k;
    k += m->npersons;
    int s = 0;
    char reason[BM_DIAG_MESSAGE_BYTES_MAX + 64];
    if (m->nerrors > 0) {
      error_reason(m, reason, sizeof reason);
      s = acknowledge(m, reason, &co, a->compact);
    } else if (m->npersons == 0) {
      s = acknowledge(m, "NO PERSON TO ANSWER", &co, a->compact);
    } else {
      cusres_answer *ans = calloc(m->npersons, sizeof *ans);
      if (ans == NULL) {
        fprintf(stderr, "bmis paxlst respond: out of memory\n");
        status = 2;
        break;
      }
      for (size_t j = 0; j < m->npersons; j++) {
        size_t p = first + j;
        const paxlst_person *person = &m->persons[j];
        cusres_status st =
            cusres_decide(person, sc.errs[p] == BM_OK ? &sc.hits[p * sc.limit] : NULL,
                          sc.errs[p] == BM_OK ? sc.nhits[p] : 0, (float)a->no_board_threshold);
        ans[j] = cusres_answer_for(person, st);
        if (sc.errs[p] != BM_OK && st == CUSRES_BOARD) {
          /* Present but unusable for screening (wl_screen: no usable name nor document). */
          ans[j].status = CUSRES_INSUFFICIENT;
          ans[j].text = "INSUFFICIENT DATA: SURNAME, DOCUMENT NUMBER";
        }
        if (ans[j].status != CUSRES_BOARD) s = 1;
      }
      char *out = NULL;
      size_t len = 0;
      bm_diag diag = {0};
      if (cusres_build(m, ans, m->npersons, &co, &out, &len, &diag) == BM_OK) {
        int w = write_interchange(out, len, a->compact);
        if (w > s) s = w;
        free(out);
      } else {
        /* A value of the request the response cannot carry (too long, too many persons). */
        snprintf(reason, sizeof reason, "%s", diag.message);
        s = acknowledge(m, reason, &co, a->compact);
      }
      free(ans);
    }
    if (s > status) status = s;
  }
  screening_release(&sc);
  return status;
}

static int paxlst_respond_main(int argc, char **argv) {
  list_args a;
  int rc = parse_list_args("respond", true, argc, argv, &a);
  if (rc >= 0) return rc;
  return run_lists("respond", &a, argc, argv, respond_fn);
}

int cmd_paxlst(int argc, char **argv) {
  if (argc < 2 || cmd__is_help(argv[1])) {
    cmd_paxlst_help(argc < 2 ? stderr : stdout);
    return argc < 2 ? CMD_EXIT_USAGE : CMD_EXIT_OK;
  }
  if (strcmp(argv[1], "parse") == 0) return paxlst_parse_main(argc - 1, argv + 1);
  if (strcmp(argv[1], "screen") == 0) return paxlst_screen_main(argc - 1, argv + 1);
  if (strcmp(argv[1], "respond") == 0) return paxlst_respond_main(argc - 1, argv + 1);
  if (strcmp(argv[1], "assemble") == 0) return paxlst_assemble_main(argc - 1, argv + 1);
  fprintf(stderr,
          "bmis paxlst: unknown subcommand '%s' (parse, screen, respond or assemble; see 'bmis "
          "help paxlst')\n",
          argv[1]);
  return CMD_EXIT_USAGE;
}
