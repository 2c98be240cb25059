/* cmd_screen.c - `bmis screen` (DESIGN.md 5.2): screen travellers against watchlists.
 *
 * Loads the lists (format detected from content), builds the index, reads the dispositions, then
 * reads travellers as JSON Lines (one per line, FILE or stdin) in chunks of CMD_SCREEN_CHUNK so
 * that wl_screen_batch keeps every core busy, and prints one JSON object per traveller in input
 * order:
 * {"id","hits":[{"list","entry_id","score","matched_name","reasons":[...]}]}, or {"id","error"} for
 * a line that is not a usable traveller (processing goes on). Load issues go to stderr as
 * "file:line: field: message".
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmis/screen.h"
#include "bmis/watchlist.h"
#include "cli/cmd.h"

#define CMD_SCREEN_LISTS_MAX       64          /* --list options */
#define CMD_SCREEN_CHUNK           4096        /* travellers per wl_screen_batch call */
#define CMD_SCREEN_DISP_BYTES_MAX  (64u << 20) /* a dispositions file */
#define CMD_SCREEN_ERROR_BYTES_MAX 384         /* one "line N: field: message" */

void cmd_screen_help(FILE *out) {
  fprintf(
      out,
      "Usage: bmis screen --list [NAME=]FILE [--list ...] [--threshold T] [--limit N]\n"
      "                   [--dispositions FILE] [--threads N] [QUERIES]\n"
      "\n"
      "Screen travellers against watchlists: fuzzy, multi-script name matching with birth date,\n"
      "sex, nationality and document evidence, and an exact document-number lane.\n"
      "\n"
      "  --list [NAME=]FILE   a watchlist; the format is detected from the content: openbmis JSON\n"
      "                       Lines, OFAC SDN CSV (alt.csv beside sdn.csv is read as aliases), UN\n"
      "                       consolidated list XML. NAME defaults to the file name without its\n"
      "                       extension. Repeat for several lists.\n"
      "  --threshold T        report hits scoring at least T, 0 < T <= 1 (default %.2f;\n"
      "                       below 0.65 hits may be incomplete: names estimated below that\n"
      "                       are not scored)\n"
      "  --limit N            at most N hits per traveller, best first (default %d, at most %d)\n"
      "  --dispositions FILE  verified false hits to leave out, JSON Lines, one per line:\n"
      "                         "
      "{\"traveller_key\":\"...\",\"list\":\"un\",\"entry_id\":\"QDi.001\"}\n"
      "                       or with the traveller instead of its key, either inline (the query\n"
      "                       keys below next to list and entry_id) or as \"query\":{...}. Only\n"
      "                       that traveller's hit on that entry of that list is left out. The\n"
      "                       traveller key is the sorted normalised name tokens, the birth date\n"
      "                       and the document (country:number), separated by '|'.\n"
      "  --threads N          threads screening (default: all cores)\n"
      "\n"
      "QUERIES is JSON Lines (FILE, or stdin when absent or '-'), one traveller per line:\n"
      "  {\"id\":\"q1\",\"name\":\"Anna Maria ERIKSSON\",\"surname\":null,\"given_names\":null,\n"
      "   \"birth_date\":\"1974-08-12\",\"nationality\":\"SWE\",\"sex\":\"F\",\n"
      "   \"document_number\":\"L898902C3\",\"document_country\":\"SWE\",\"document_type\":\"P\"}\n"
      "name, or surname and given_names, or document_number is required; birth_date may be YYYY,\n"
      "YYYY-MM or YYYY-MM-DD. Blank lines are skipped.\n"
      "\n"
      "Output: one JSON object per traveller, in input order:\n"
      "  {\"id\":\"q1\",\"hits\":[{\"list\":\"un\",\"entry_id\":\"QDi.001\",\"score\":0.93,\n"
      "   \"matched_name\":\"...\",\"reasons\":[\"name 0.95: ERIKSSON=ERIKSON, ANNA=ANNA\",\n"
      "   \"birth_date exact\",\"nationality differs\"]}]}\n"
      "A line that is not a usable traveller gives {\"id\":...,\"error\":\"line N: field: ...\"}\n"
      "and the rest is still screened. Issues found loading the lists go to stderr as\n"
      "file:line: field: message.\n"
      "\n"
      "Exit status: 0 no hits, 1 at least one hit, 2 usage or I/O error.\n"
      "\n"
      "Example:\n"
      "  bmis screen --list ofac=sdn.csv --list un=consolidated.xml travellers.jsonl\n",
      (double)WL_DEFAULT_THRESHOLD, WL_DEFAULT_LIMIT, WL_HITS_MAX);
}

/* ---- JSON output ---- */

static void put_json_string(FILE *out, const char *s) {
  if (s == NULL) {
    fputs("null", out);
    return;
  }
  putc('"', out);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    switch (*p) {
    case '"': fputs("\\\"", out); break;
    case '\\': fputs("\\\\", out); break;
    case '\n': fputs("\\n", out); break;
    case '\r': fputs("\\r", out); break;
    case '\t': fputs("\\t", out); break;
    default:
      if (*p < 0x20)
        fprintf(out, "\\u%04x", *p);
      else
        putc(*p, out);
    }
  }
  putc('"', out);
}

static void put_hits(FILE *out, const char *id, const wl_hit *hits, unsigned n) {
  fputs("{\"id\":", out);
  put_json_string(out, id);
  fputs(",\"hits\":[", out);
  for (unsigned i = 0; i < n; i++) {
    const wl_hit *h = &hits[i];
    if (i) putc(',', out);
    fputs("{\"list\":", out);
    put_json_string(out, h->list);
    fputs(",\"entry_id\":", out);
    put_json_string(out, h->entry->id);
    /* Two decimals, as the reasons show them: more would suggest precision the score lacks. */
    fprintf(out, ",\"score\":%.2f,\"matched_name\":", (double)h->score);
    put_json_string(out, h->entry->nnames > h->name_index ? h->entry->names[h->name_index] : NULL);
    fputs(",\"reasons\":[", out);
    for (unsigned r = 0; r < h->nreasons; r++) {
      if (r) putc(',', out);
      put_json_string(out, h->reasons[r]);
    }
    fputs("]}", out);
  }
  fputs("]}\n", out);
}

static void put_error(FILE *out, const char *id, const char *message) {
  fputs("{\"id\":", out);
  put_json_string(out, id);
  fputs(",\"error\":", out);
  put_json_string(out, message);
  fputs("}\n", out);
}

/* "line 3: birth_date: expected ..." */
static void error_text(char *buf, size_t cap, size_t line, const bm_diag *d, bm_err err) {
  const char *msg = d->message[0] ? d->message : bm_err_str(err);
  if (d->field[0])
    snprintf(buf, cap, "line %zu: %s: %s", line, d->field, msg);
  else if (d->column)
    snprintf(buf, cap, "line %zu: column %u: %s", line, d->column, msg);
  else
    snprintf(buf, cap, "line %zu: %s", line, msg);
}

/* ---- Lists ---- */

/* ---- Dispositions ---- */

static int load_dispositions(const char *path, wl_dispositions *d) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    fprintf(stderr, "bmis screen: %s: %s\n", path, strerror(errno));
    return -1;
  }
  char *buf = NULL;
  size_t len = 0;
  int rc = cmd__read_all(f, CMD_SCREEN_DISP_BYTES_MAX, &buf, &len);
  fclose(f);
  if (rc != 0) {
    fprintf(stderr, "bmis screen: %s: %s\n", path,
            rc == -2 ? "dispositions file too large" : strerror(errno));
    return -1;
  }
  int status = 0;
  size_t lineno = 0;
  wl_query_json *qj = malloc(sizeof *qj);
  if (qj == NULL) {
    free(buf);
    fprintf(stderr, "bmis screen: out of memory\n");
    return -1;
  }
  for (char *p = buf; p < buf + len && status == 0;) {
    char *nl = memchr(p, '\n', (size_t)(buf + len - p));
    char *end = nl ? nl : buf + len;
    lineno++;
    char *q = p;
    while (q < end && (*q == ' ' || *q == '\t' || *q == '\r')) q++;
    if (q < end) {
      json_error_t jerr;
      json_t *o = json_loadb(p, (size_t)(end - p), 0, &jerr);
      const char *problem = NULL, *field = "";
      char key[WL_TRAVELLER_KEY_BYTES_MAX];
      key[0] = '\0';
      if (o == NULL || !json_is_object(o)) {
        problem = o == NULL ? jerr.text : "expected a JSON object";
      } else {
        const json_t *list = json_object_get(o, "list"), *entry = json_object_get(o, "entry_id");
        const json_t *tk = json_object_get(o, "traveller_key"), *qo = json_object_get(o, "query");
        if (!json_is_string(list))
          problem = "expected a string", field = "list";
        else if (!json_is_string(entry))
          problem = "expected a string", field = "entry_id";
        else if (tk != NULL && !json_is_null(tk)) {
          if (!json_is_string(tk))
            problem = "expected a string", field = "traveller_key";
          else
            snprintf(key, sizeof key, "%s", json_string_value(tk));
        } else {
          char *text = json_dumps(qo && json_is_object(qo) ? qo : o, JSON_COMPACT);
          bm_diag diag = {0};
          if (text == NULL) {
            problem = "out of memory";
          } else if (wl_query_from_json(text, strlen(text), qj, &diag) != BM_OK) {
            static char msg[BM_DIAG_MESSAGE_BYTES_MAX + BM_DIAG_FIELD_BYTES_MAX + 16];
            snprintf(msg, sizeof msg, "%s%s%s", diag.field, diag.field[0] ? ": " : "",
                     diag.message);
            problem = msg, field = "query";
          } else {
            wl_traveller_key(&qj->q, key, sizeof key);
          }
          free(text);
        }
        if (problem == NULL &&
            wl_dispositions_add(d, key, json_string_value(list), json_string_value(entry)) != BM_OK)
          problem = "out of memory";
      }
      if (problem != NULL) {
        fprintf(stderr, "%s:%zu: %s%s%s\n", path, lineno, field, field[0] ? ": " : "", problem);
        status = -1;
      }
      json_decref(o);
    }
    p = nl ? nl + 1 : buf + len;
  }
  free(qj);
  free(buf);
  return status;
}

/* ---- Queries ---- */

typedef struct chunk {
  wl_query_json *qj; /* CMD_SCREEN_CHUNK */
  wl_query *q;       /* the good ones, in order */
  size_t *qline;     /* input line of each slot */
  int *good;         /* slot is a query (else its error is in errs) */
  char (*errs)[CMD_SCREEN_ERROR_BYTES_MAX];
  const char **err_id;
  size_t n, nq;
  wl_hit *hits;
  unsigned *nhits;
  bm_err *berr;
} chunk;

static void chunk_free(chunk *c) {
  free(c->qj);
  free(c->q);
  free(c->qline);
  free(c->good);
  free(c->errs);
  free(c->err_id);
  free(c->hits);
  free(c->nhits);
  free(c->berr);
}

static int chunk_init(chunk *c, unsigned limit) {
  memset(c, 0, sizeof *c);
  c->qj = malloc(CMD_SCREEN_CHUNK * sizeof *c->qj);
  c->q = malloc(CMD_SCREEN_CHUNK * sizeof *c->q);
  c->qline = malloc(CMD_SCREEN_CHUNK * sizeof *c->qline);
  c->good = malloc(CMD_SCREEN_CHUNK * sizeof *c->good);
  c->errs = malloc(CMD_SCREEN_CHUNK * sizeof *c->errs);
  c->err_id = malloc(CMD_SCREEN_CHUNK * sizeof *c->err_id);
  c->hits = malloc((size_t)CMD_SCREEN_CHUNK * limit * sizeof *c->hits);
  c->nhits = malloc(CMD_SCREEN_CHUNK * sizeof *c->nhits);
  c->berr = malloc(CMD_SCREEN_CHUNK * sizeof *c->berr);
  if (!c->qj || !c->q || !c->qline || !c->good || !c->errs || !c->err_id || !c->hits || !c->nhits ||
      !c->berr) {
    chunk_free(c);
    return -1;
  }
  return 0;
}

typedef struct run {
  const wl_index *ix;
  wl_screen_opts opts;
  unsigned threads;
  int any_hit;
  size_t bad_lines;
} run;

/* Screen the chunk's good queries and print every slot in order. */
static void chunk_flush(run *r, chunk *c) {
  if (c->n == 0) return;
  size_t k = 0;
  for (size_t i = 0; i < c->n; i++)
    if (c->good[i]) c->q[k++] = c->qj[i].q;
  c->nq = k;
  if (k > 0) wl_screen_batch(r->ix, c->q, k, &r->opts, r->threads, c->hits, c->nhits, c->berr);
  k = 0;
  for (size_t i = 0; i < c->n; i++) {
    if (!c->good[i]) {
      put_error(stdout, c->err_id[i], c->errs[i]);
      continue;
    }
    const wl_query *q = &c->q[k];
    if (c->berr[k] != BM_OK) {
      /* wl_screen refused it (a name with no letters, say): say why, as for a bad line. */
      bm_diag d = {0};
      wl_scratch *s = wl_scratch_new(r->ix, NULL);
      wl_hit one;
      unsigned n1;
      wl_screen_opts o1 = r->opts;
      o1.limit = 1;
      if (s != NULL) wl_screen(r->ix, s, q, &o1, &one, &n1, &d);
      wl_scratch_free(s);
      char msg[CMD_SCREEN_ERROR_BYTES_MAX];
      error_text(msg, sizeof msg, c->qline[i], &d, c->berr[k]);
      put_error(stdout, q->id, msg);
      r->bad_lines++;
    } else {
      put_hits(stdout, q->id, c->hits + k * r->opts.limit, c->nhits[k]);
      if (c->nhits[k] > 0) r->any_hit = 1;
    }
    k++;
  }
  c->n = 0;
}

static void chunk_add(run *r, chunk *c, const char *line, size_t len, size_t lineno) {
  size_t i = c->n++;
  c->qline[i] = lineno;
  bm_diag d = {0};
  bm_err err = wl_query_from_json(line, len, &c->qj[i], &d);
  c->good[i] = err == BM_OK;
  if (err != BM_OK) {
    error_text(c->errs[i], sizeof c->errs[i], lineno, &d, err);
    c->err_id[i] = c->qj[i].q.id;
    r->bad_lines++;
  }
}

static int parse_double(const char *s, double *out) {
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (errno || end == s || *end) return -1;
  *out = v;
  return 0;
}

static int parse_uint(const char *s, unsigned long *out) {
  char *end;
  errno = 0;
  if (*s == '-' || *s == '+') return -1;
  unsigned long v = strtoul(s, &end, 10);
  if (errno || end == s || *end) return -1;
  *out = v;
  return 0;
}

/* The value of option argv[*i] (--opt VALUE or --opt=VALUE), or NULL. */
static const char *opt_value(int argc, char **argv, int *i, const char *opt) {
  size_t n = strlen(opt);
  if (strncmp(argv[*i], opt, n) != 0) return NULL;
  if (argv[*i][n] == '=') return argv[*i] + n + 1;
  if (argv[*i][n] != '\0') return NULL;
  if (*i + 1 >= argc) return "";
  return argv[++*i];
}

int cmd_screen(int argc, char **argv) {
  const char *list_args[CMD_SCREEN_LISTS_MAX];
  size_t nlists = 0;
  const char *queries = NULL, *disp_path = NULL;
  double threshold = WL_DEFAULT_THRESHOLD;
  unsigned long limit = WL_DEFAULT_LIMIT, threads = 0;
  for (int i = 1; i < argc; i++) {
    const char *v;
    if (cmd__is_help(argv[i])) {
      cmd_screen_help(stdout);
      return CMD_EXIT_OK;
    }
    if ((v = opt_value(argc, argv, &i, "--list")) != NULL) {
      if (*v == '\0' || nlists == CMD_SCREEN_LISTS_MAX) {
        fprintf(stderr, "bmis screen: --list needs a FILE (at most %d lists)\n",
                CMD_SCREEN_LISTS_MAX);
        return CMD_EXIT_USAGE;
      }
      list_args[nlists++] = v;
    } else if ((v = opt_value(argc, argv, &i, "--threshold")) != NULL) {
      if (parse_double(v, &threshold) != 0 || !(threshold > 0.0 && threshold <= 1.0)) {
        fprintf(stderr, "bmis screen: --threshold needs a number in (0, 1]\n");
        return CMD_EXIT_USAGE;
      }
    } else if ((v = opt_value(argc, argv, &i, "--limit")) != NULL) {
      if (parse_uint(v, &limit) != 0 || limit < 1 || limit > WL_HITS_MAX) {
        fprintf(stderr, "bmis screen: --limit needs a number from 1 to %d\n", WL_HITS_MAX);
        return CMD_EXIT_USAGE;
      }
    } else if ((v = opt_value(argc, argv, &i, "--threads")) != NULL) {
      if (parse_uint(v, &threads) != 0 || threads > 1024) {
        fprintf(stderr, "bmis screen: --threads needs a number from 0 (all cores) to 1024\n");
        return CMD_EXIT_USAGE;
      }
    } else if ((v = opt_value(argc, argv, &i, "--dispositions")) != NULL) {
      if (*v == '\0') {
        fprintf(stderr, "bmis screen: --dispositions needs a FILE\n");
        return CMD_EXIT_USAGE;
      }
      disp_path = v;
    } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
      fprintf(stderr, "bmis screen: unknown option '%s' (see 'bmis screen --help')\n", argv[i]);
      return CMD_EXIT_USAGE;
    } else if (queries == NULL) {
      queries = argv[i];
    } else {
      fprintf(stderr, "bmis screen: one QUERIES file at most\n");
      return CMD_EXIT_USAGE;
    }
  }
  if (nlists == 0) {
    fprintf(stderr, "bmis screen: at least one --list FILE is needed (see 'bmis screen --help')\n");
    return CMD_EXIT_USAGE;
  }

  FILE *in = stdin;
  if (queries != NULL && strcmp(queries, "-") != 0) {
    in = fopen(queries, "rb");
    if (in == NULL) {
      fprintf(stderr, "bmis screen: %s: %s\n", queries, strerror(errno));
      return CMD_EXIT_USAGE;
    }
  }

  int status = CMD_EXIT_OK;
  wl_list *lists[CMD_SCREEN_LISTS_MAX] = {NULL};
  wl_index *ix = NULL;
  wl_dispositions *disp = NULL;
  chunk c;
  int have_chunk = 0;
  for (size_t i = 0; i < nlists; i++)
    if (cmd__load_list("bmis screen", list_args[i], &lists[i]) != 0) {
      status = CMD_EXIT_USAGE;
      goto done;
    }
  bm_diag diag = {0};
  if (wl_index_build(lists, nlists, NULL, &ix, &diag) != BM_OK) {
    fprintf(stderr, "bmis screen: building the index: %s\n", diag.message);
    status = CMD_EXIT_USAGE;
    goto done;
  }
  if (disp_path != NULL) {
    disp = wl_dispositions_new();
    if (disp == NULL || load_dispositions(disp_path, disp) != 0) {
      status = CMD_EXIT_USAGE;
      goto done;
    }
  }
  run r = {ix, {(float)threshold, (unsigned)limit, disp}, (unsigned)threads, 0, 0};
  if (chunk_init(&c, (unsigned)limit) != 0) {
    fprintf(stderr, "bmis screen: out of memory\n");
    status = CMD_EXIT_USAGE;
    goto done;
  }
  have_chunk = 1;
  char *line = NULL;
  size_t cap = 0, lineno = 0;
  ssize_t got;
  while ((got = getline(&line, &cap, in)) != -1) {
    lineno++;
    size_t n = (size_t)got;
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) n--;
    size_t k = 0;
    while (k < n && (line[k] == ' ' || line[k] == '\t')) k++;
    if (k == n) continue; /* blank */
    chunk_add(&r, &c, line, n, lineno);
    if (c.n == CMD_SCREEN_CHUNK) chunk_flush(&r, &c);
  }
  int read_error = ferror(in);
  free(line);
  chunk_flush(&r, &c);
  if (read_error) {
    fprintf(stderr, "bmis screen: reading %s: %s\n", queries ? queries : "stdin", strerror(errno));
    status = CMD_EXIT_USAGE;
  } else if (ferror(stdout)) {
    fprintf(stderr, "bmis screen: writing output: %s\n", strerror(errno));
    status = CMD_EXIT_USAGE;
  } else {
    status = r.any_hit ? CMD_EXIT_INVALID : CMD_EXIT_OK;
  }
  if (r.bad_lines > 0)
    fprintf(stderr, "bmis screen: %zu line%s not screened (see \"error\" in the output)\n",
            r.bad_lines, r.bad_lines == 1 ? "" : "s");

done:
  if (have_chunk) chunk_free(&c);
  wl_dispositions_free(disp);
  wl_index_free(ix);
  for (size_t i = 0; i < nlists; i++) wl_list_free(lists[i]);
  if (in != stdin) fclose(in);
  return status;
}
