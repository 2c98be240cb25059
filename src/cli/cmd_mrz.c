/* cmd_mrz.c - `bmis mrz check` and `bmis mrz make` (DESIGN.md 5.1).
 *
 * check reads text: the lines of one document are consecutive, a blank line separates documents, a
 * line containing '|' is one whole document. As a convenience, consecutive documents without a
 * blank line between them are split once a document has as many lines as its first line's length
 * implies (3 for TD1's 30 characters, else 2). It prints one JSON object per document, in input
 * order.
 *
 * make reads JSON (one object, or JSON Lines) with the keys check prints, and writes the MRZ lines
 * of each document, documents separated by a blank line, so `bmis mrz make | bmis mrz check`
 * round-trips.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmis/json_mrz.h"
#include "bmis/mrz.h"
#include "cli/cmd.h"

#define MRZ_CLI_LINE_BYTES_MAX       4096 /* longer input lines are refused as documents */
#define MRZ_CLI_PENDING_LINES_MAX    8    /* lines kept for one document; more are counted only */
#define MRZ_CLI_JSON_INPUT_BYTES_MAX (64u << 20)

void cmd_mrz_help(FILE *out) {
  fprintf(
      out,
      "Usage: bmis mrz check [--autocorrect] [--today YYYY-MM-DD] [FILE]\n"
      "       bmis mrz make [--json] [FILE]\n"
      "\n"
      "check  Parse and validate ICAO Doc 9303 machine readable zones (TD1, TD2, TD3, MRV-A,\n"
      "       MRV-B, and the pre-2021 French identity card). Input is text from FILE or stdin:\n"
      "       the lines of one document are consecutive, a blank line separates documents, and a\n"
      "       line containing '|' is one whole document with its lines joined by '|'.\n"
      "       Prints one JSON object per document, one per line, in input order.\n"
      "         --autocorrect     repair OCR confusions (O/0, I/1, B/8, S/5, Z/2, G/6) where a\n"
      "                           check digit confirms the repair; repairs are listed in\n"
      "                           \"corrections\"\n"
      "         --today DATE      reference date for century inference (default: today, UTC)\n"
      "       Exit status: 0 all documents valid, 1 any invalid, 2 usage or I/O error.\n"
      "\n"
      "make   Generate MRZ lines from JSON fields (one object, or one object per line) with the\n"
      "       keys check prints: format (TD1, TD2, TD3, MRVA, MRVB), document_code,\n"
      "       issuing_state, surname, given_names (UTF-8, transliterated per Doc 9303 Part 3),\n"
      "       document_number, nationality, birth_date and expiry_date (YYYY-MM-DD, or YYMMDD\n"
      "       with '<' for unknown parts), sex (M, F, X), optional_data, optional_data_2.\n"
      "       Prints each document's lines, documents separated by a blank line.\n"
      "         --json            print {\"lines\":[...],\"name_truncated\":bool} per document\n"
      "       Exit status: 0 all generated, 1 any document rejected (reason on stderr),\n"
      "       2 usage or I/O error.\n"
      "\n"
      "Example:\n"
      "  echo "
      "'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<|L898902C36UTO7408122F1204159ZE184226B<<<<<10' "
      "\\\n"
      "    | bmis mrz check\n");
}

/* ---- check ---- */

typedef struct check_state {
  mrz_opts opts;
  const char *lines[MRZ_CLI_PENDING_LINES_MAX];
  size_t lens[MRZ_CLI_PENDING_LINES_MAX];
  char *store[MRZ_CLI_PENDING_LINES_MAX]; /* owned copies of pending lines */
  size_t npending;                        /* lines seen for this document, may exceed stored */
  size_t first_line;                      /* input line number of the document's first line */
  int any_invalid;
  int io_error;
} check_state;

static void emit(check_state *st, const mrz_doc *doc, size_t input_line) {
  json_t *o = js_mrz_doc_encode(doc);
  if (o == NULL) {
    fprintf(stderr, "bmis mrz check: out of memory\n");
    st->io_error = 1;
    return;
  }
  json_object_set_new(o, "input_line", json_integer((json_int_t)input_line));
  char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
  json_decref(o);
  if (s == NULL || puts(s) == EOF) st->io_error = 1;
  free(s);
  if (!doc->valid) st->any_invalid = 1;
}

static void flush_pending(check_state *st) {
  if (st->npending == 0) return;
  mrz_doc doc;
  size_t stored =
      st->npending < MRZ_CLI_PENDING_LINES_MAX ? st->npending : MRZ_CLI_PENDING_LINES_MAX;
  if (st->npending > MRZ_LINES_MAX) {
    /* Let the parser explain the line count (it refuses more than 3 lines). */
    mrz_parse(st->lines, st->lens, st->npending > 255 ? 255 : st->npending, &st->opts, &doc);
  } else {
    mrz_parse(st->lines, st->lens, stored, &st->opts, &doc);
  }
  emit(st, &doc, st->first_line);
  for (size_t i = 0; i < stored; i++) {
    free(st->store[i]);
    st->store[i] = NULL;
  }
  st->npending = 0;
}

/* True when the pending lines are as many as the first line's length implies (3 for 30-character
 * lines, else 2): then the document is complete, even if a later line is damaged, so one document's
 * errors are reported together and the next document starts cleanly. */
static int pending_complete(const check_state *st) {
  if (st->npending == 0) return 0;
  size_t want = st->lens[0] == 30 ? 3 : 2;
  return st->npending >= want;
}

static void trim(char **s, size_t *n) {
  while (*n > 0 && ((*s)[0] == ' ' || (*s)[0] == '\t')) {
    (*s)++;
    (*n)--;
  }
  while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\r' ||
                    (*s)[*n - 1] == '\n'))
    (*n)--;
}

static int check_stream(FILE *in, check_state *st) {
  char *line = NULL;
  size_t cap = 0;
  ssize_t got;
  size_t lineno = 0;
  while ((got = getline(&line, &cap, in)) != -1) {
    lineno++;
    char *s = line;
    size_t n = (size_t)got;
    trim(&s, &n);
    if (n == 0) {
      flush_pending(st);
      continue;
    }
    if (n > MRZ_CLI_LINE_BYTES_MAX || memchr(s, '|', n) != NULL) {
      flush_pending(st);
      mrz_doc doc;
      mrz_parse_text(s, n, &st->opts, &doc);
      emit(st, &doc, lineno);
      continue;
    }
    if (pending_complete(st)) flush_pending(st);
    if (st->npending == 0) st->first_line = lineno;
    if (st->npending < MRZ_CLI_PENDING_LINES_MAX) {
      char *copy = malloc(n);
      if (copy == NULL) {
        free(line);
        fprintf(stderr, "bmis mrz check: out of memory\n");
        return -1;
      }
      memcpy(copy, s, n);
      st->store[st->npending] = copy;
      st->lines[st->npending] = copy;
      st->lens[st->npending] = n;
    }
    st->npending++;
    if (pending_complete(st)) flush_pending(st);
  }
  int err = ferror(in);
  free(line);
  flush_pending(st);
  return err ? -1 : 0;
}

static int mrz_check_main(int argc, char **argv) {
  check_state st;
  memset(&st, 0, sizeof st);
  const char *path = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (cmd__is_help(a)) {
      cmd_mrz_help(stdout);
      return CMD_EXIT_OK;
    } else if (strcmp(a, "--autocorrect") == 0) {
      st.opts.flags |= MRZ_OPT_AUTOCORRECT;
    } else if (strcmp(a, "--today") == 0) {
      if (i + 1 >= argc || cmd__parse_date(argv[i + 1], &st.opts.today) != 0) {
        fprintf(stderr, "bmis mrz check: --today needs a date YYYY-MM-DD\n");
        return CMD_EXIT_USAGE;
      }
      i++;
    } else if (a[0] == '-' && a[1] != '\0') {
      fprintf(stderr, "bmis mrz check: unknown option '%s' (see 'bmis help mrz')\n", a);
      return CMD_EXIT_USAGE;
    } else if (path != NULL) {
      fprintf(stderr, "bmis mrz check: one FILE at most\n");
      return CMD_EXIT_USAGE;
    } else {
      path = a;
    }
  }
  if (st.opts.today.year == 0) st.opts.today = bm_date_today_utc();
  FILE *in = stdin;
  if (path != NULL && strcmp(path, "-") != 0) {
    in = fopen(path, "r");
    if (in == NULL) {
      fprintf(stderr, "bmis mrz check: %s: %s\n", path, strerror(errno));
      return CMD_EXIT_USAGE;
    }
  }
  int rc = check_stream(in, &st);
  if (in != stdin) fclose(in);
  if (rc != 0) {
    fprintf(stderr, "bmis mrz check: reading %s: %s\n", path ? path : "stdin", strerror(errno));
    return CMD_EXIT_USAGE;
  }
  if (st.io_error) return CMD_EXIT_USAGE;
  return st.any_invalid ? CMD_EXIT_INVALID : CMD_EXIT_OK;
}

/* ---- make ---- */

static int make_one(const json_t *obj, size_t index, int as_json, int *first) {
  mrz_fields f;
  bm_diag diag;
  memset(&diag, 0, sizeof diag);
  bm_err err = js_mrz_fields_decode(obj, &f, &diag);
  mrz_lines out;
  if (err == BM_OK) err = mrz_make(&f, &out, &diag);
  if (err != BM_OK) {
    fprintf(stderr, "bmis mrz make: document %zu: %s%s%s\n", index, diag.field,
            diag.field[0] ? ": " : "", diag.message[0] ? diag.message : bm_err_str(err));
    return 1;
  }
  if (as_json) {
    json_t *arr = json_array();
    for (unsigned i = 0; i < out.nlines; i++) json_array_append_new(arr, json_string(out.line[i]));
    json_t *o = json_pack("{s:s, s:o, s:b}", "format", mrz_format_name(f.format), "lines", arr,
                          "name_truncated", out.name_truncated);
    char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (s) puts(s);
    free(s);
  } else {
    if (!*first) putchar('\n');
    for (unsigned i = 0; i < out.nlines; i++) puts(out.line[i]);
  }
  *first = 0;
  return 0;
}

static int mrz_make_main(int argc, char **argv) {
  const char *path = NULL;
  int as_json = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (cmd__is_help(a)) {
      cmd_mrz_help(stdout);
      return CMD_EXIT_OK;
    } else if (strcmp(a, "--json") == 0) {
      as_json = 1;
    } else if (a[0] == '-' && a[1] != '\0') {
      fprintf(stderr, "bmis mrz make: unknown option '%s' (see 'bmis help mrz')\n", a);
      return CMD_EXIT_USAGE;
    } else if (path != NULL) {
      fprintf(stderr, "bmis mrz make: one FILE at most\n");
      return CMD_EXIT_USAGE;
    } else {
      path = a;
    }
  }
  FILE *in = stdin;
  if (path != NULL && strcmp(path, "-") != 0) {
    in = fopen(path, "r");
    if (in == NULL) {
      fprintf(stderr, "bmis mrz make: %s: %s\n", path, strerror(errno));
      return CMD_EXIT_USAGE;
    }
  }
  char *buf = NULL;
  size_t len = 0;
  int rr = cmd__read_all(in, MRZ_CLI_JSON_INPUT_BYTES_MAX, &buf, &len);
  if (in != stdin) fclose(in);
  if (rr == -2) {
    fprintf(stderr, "bmis mrz make: input larger than %u bytes\n", MRZ_CLI_JSON_INPUT_BYTES_MAX);
    return CMD_EXIT_USAGE;
  }
  if (rr != 0) {
    fprintf(stderr, "bmis mrz make: reading %s: %s\n", path ? path : "stdin", strerror(errno));
    return CMD_EXIT_USAGE;
  }
  /* A sequence of JSON values: one object, or JSON Lines. */
  size_t pos = 0, index = 0;
  int bad = 0, first = 1;
  while (pos < len) {
    while (pos < len &&
           (buf[pos] == ' ' || buf[pos] == '\t' || buf[pos] == '\r' || buf[pos] == '\n'))
      pos++;
    if (pos >= len) break;
    json_error_t jerr;
    json_t *obj =
        json_loadb(buf + pos, len - pos, JSON_DISABLE_EOF_CHECK | JSON_REJECT_DUPLICATES, &jerr);
    index++;
    if (obj == NULL) {
      /* Count the input line for the message; the rest of the input cannot be resynchronised. */
      size_t line = 1;
      for (size_t i = 0; i < pos; i++) line += buf[i] == '\n';
      fprintf(stderr, "bmis mrz make: document %zu (input line %zu): invalid JSON: %s\n", index,
              line + (size_t)(jerr.line > 0 ? jerr.line - 1 : 0), jerr.text);
      free(buf);
      return CMD_EXIT_USAGE;
    }
    pos += jerr.position;
    bad |= make_one(obj, index, as_json, &first);
    json_decref(obj);
  }
  free(buf);
  if (index == 0) {
    fprintf(stderr, "bmis mrz make: no input documents\n");
    return CMD_EXIT_USAGE;
  }
  return bad ? CMD_EXIT_INVALID : CMD_EXIT_OK;
}

int cmd_mrz(int argc, char **argv) {
  if (argc < 2 || cmd__is_help(argv[1])) {
    cmd_mrz_help(argc < 2 ? stderr : stdout);
    return argc < 2 ? CMD_EXIT_USAGE : CMD_EXIT_OK;
  }
  if (strcmp(argv[1], "check") == 0) return mrz_check_main(argc - 1, argv + 1);
  if (strcmp(argv[1], "make") == 0) return mrz_make_main(argc - 1, argv + 1);
  fprintf(stderr, "bmis mrz: unknown subcommand '%s' (check or make; see 'bmis help mrz')\n",
          argv[1]);
  return CMD_EXIT_USAGE;
}
