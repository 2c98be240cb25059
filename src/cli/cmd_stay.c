/* cmd_stay.c - `bmis stay`: the Schengen 90/180-day rule and national stay rules for one traveller.
 *
 * Reads one JSON object (FILE or stdin) with the traveller's nationality, the entry to assess and
 * the history of stays, looks the nationality up in the policy (--policy FILE, else the Schengen
 * default for everyone), evaluates it with stay_evaluate and prints one JSON object. The rule
 * itself is in src/rules/stay.c, the JSON shapes in src/json/js_stay.c, the format for people in
 * docs/stay-rules.md.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmis/json_stay.h"
#include "bmis/stay.h"
#include "cli/cmd.h"

void cmd_stay_help(FILE *out) {
  fprintf(
      out,
      "Usage: bmis stay [--policy FILE] [--nationality XXX] [--today YYYY-MM-DD] [FILE]\n"
      "\n"
      "Apply the short-stay rule (Schengen: 90 days in any 180, entry and exit days both\n"
      "counted) to one traveller. Input is one JSON object from FILE or stdin:\n"
      "  {\"nationality\":\"USA\",\"entry\":\"2026-05-01\",\n"
      "   \"stays\":[{\"entry\":\"2025-12-01\",\"exit\":\"2025-12-20\"},...]}\n"
      "Optional keys: \"id\" (echoed), \"today\" (control date), \"allowed_days\" (the visa's\n"
      "duration of stay, replacing the rule's limit), \"visa_from\" and \"visa_until\" (the\n"
      "visa's validity). Stays are in date order; an \"exit\" of null or left out means the\n"
      "traveller is still inside (only the last stay), and that stay is assessed (\"entry\"\n"
      "may then be left out).\n"
      "\n"
      "  --policy FILE       nationality rules, JSON (see docs/stay-rules.md):\n"
      "                        {\"default\":{\"rule\":\"visa_free\",\"days\":90,\"window\":180},\n"
      "                         "
      "\"rules\":[{\"nationalities\":[\"RUS\"],\"rule\":\"visa_required\"},\n"
      "                                  "
      "{\"nationalities\":[\"FRA\",\"D\"],\"rule\":\"exempt\"}]}\n"
      "                      default: everyone visa-free, 90 days in 180\n"
      "  --nationality XXX   ICAO code of the traveller (overrides \"nationality\")\n"
      "  --today DATE        control date (overrides \"today\"; default: today, UTC): an\n"
      "                      ongoing stay is counted up to and including it\n"
      "\n"
      "Output: one JSON object:\n"
      "  {\"nationality\":\"USA\",\"rule\":{\"rule\":\"visa_free\",\"days\":90,\"window\":180,\n"
      "   \"source\":\"default\"},\"entry\":\"2026-05-01\",\"today\":\"2026-04-20\",\n"
      "   \"ongoing\":false,\"days_used\":20,\"remaining\":70,\"days_used_today\":20,\n"
      "   "
      "\"allowed\":true,\"verdict\":\"allowed\",\"max_stay\":90,\"latest_exit\":\"2026-07-29\",\n"
      "   \"next_entry\":\"2026-05-01\",\"overstay\":null}\n"
      "days_used: days present in the window ending on the entry day, before it; max_stay and\n"
      "latest_exit: the longest continuous stay from the entry day as older days leave the\n"
      "window; verdict: allowed, limit_reached (next_entry is then the first day an entry\n"
      "is allowed), visa_required, visa_not_valid, overstaying; overstay: null, or\n"
      "{\"first_day\",\"last_day\",\"days\",\"days_unlawful\"} for an overstay anywhere in the\n"
      "history (days: over the limit on last_day, as the EU calculator counts).\n"
      "\n"
      "Exit status: 0 allowed and no overstay, 1 not allowed or an overstay found, 2 usage or\n"
      "I/O error, or input that cannot be evaluated (the JSON path is named on stderr).\n"
      "\n"
      "Example:\n"
      "  echo '{\"nationality\":\"USA\",\"entry\":\"2026-05-01\",\"stays\":[]}' \\\n"
      "    | bmis stay --today 2026-04-20\n");
}

/* Reads path ("-" or NULL: stdin) whole, at most max bytes. Returns 0, or prints why and -1. */
static int read_file(const char *path, size_t max, char **buf, size_t *len) {
  bool use_stdin = path == NULL || strcmp(path, "-") == 0;
  const char *name = use_stdin ? "stdin" : path;
  FILE *in = use_stdin ? stdin : fopen(path, "rb");
  if (in == NULL) {
    fprintf(stderr, "bmis stay: %s: %s\n", path, strerror(errno));
    return -1;
  }
  int rc = cmd__read_all(in, max, buf, len);
  int saved = errno;
  if (in != stdin) fclose(in);
  if (rc == -2) {
    fprintf(stderr, "bmis stay: %s: larger than %zu bytes\n", name, max);
    return -1;
  }
  if (rc != 0) {
    fprintf(stderr, "bmis stay: reading %s: %s\n", name, strerror(saved));
    return -1;
  }
  return 0;
}

/* "bmis stay: WHAT: [line L, column C: ][FIELD: ]MESSAGE". The JSON decoders already start their
 * messages with the path, so the field is printed only when the message does not. */
static void print_diag(const char *what, bm_err err, const bm_diag *d) {
  const char *msg = d->message[0] ? d->message : bm_err_str(err);
  size_t flen = strlen(d->field);
  bool show_field = flen > 0 && strncmp(msg, d->field, flen) != 0;
  fprintf(stderr, "bmis stay: %s: ", what);
  if (d->line > 0) fprintf(stderr, "line %u, column %u: ", d->line, d->column);
  fprintf(stderr, "%s%s%s\n", show_field ? d->field : "", show_field ? ": " : "", msg);
}

static int load_policy(const char *path, stay_policy *policy) {
  char *buf = NULL;
  size_t len = 0;
  if (read_file(path, JS_STAY_POLICY_BYTES_MAX, &buf, &len) != 0) return -1;
  bm_diag diag;
  memset(&diag, 0, sizeof diag);
  bm_err err = js_stay_policy_parse(buf, len, policy, &diag);
  free(buf);
  if (err != BM_OK) {
    char what[512];
    snprintf(what, sizeof what, "policy %s", path);
    print_diag(what, err, &diag);
    return -1;
  }
  return 0;
}

/* Everything the command holds, on the heap: the policy and the request are tens of KB. */
typedef struct stay_cli {
  stay_policy policy;
  js_stay_request req;
  stay_result result;
} stay_cli;

static int run(stay_cli *c, const char *input, const char *nationality, long today) {
  char *buf = NULL;
  size_t len = 0;
  if (read_file(input, JS_STAY_REQUEST_BYTES_MAX, &buf, &len) != 0) return CMD_EXIT_USAGE;
  const char *name = input != NULL && strcmp(input, "-") != 0 ? input : "stdin";
  json_error_t jerr;
  json_t *root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
  free(buf);
  if (root == NULL) {
    fprintf(stderr, "bmis stay: %s: line %d, column %d: invalid JSON: %s\n", name, jerr.line,
            jerr.column, jerr.text);
    return CMD_EXIT_USAGE;
  }
  bm_diag diag;
  memset(&diag, 0, sizeof diag);
  bm_err err = js_stay_request_decode(root, &c->req, &diag);
  json_decref(root);
  if (err != BM_OK) {
    print_diag(name, err, &diag);
    return CMD_EXIT_USAGE;
  }
  js_stay_request *r = &c->req;
  if (nationality != NULL) memcpy(r->nationality, nationality, 4);
  if (today != STAY_DAY_NONE) r->today = today;
  if (r->today == STAY_DAY_NONE) r->today = bm_date_to_days(bm_date_today_utc());

  bool listed = false;
  const stay_rule *rule = stay_policy_lookup(&c->policy, r->nationality, &listed);
  stay_query q = stay_query_make(r->today);
  q.entry = r->entry;
  q.allowed_days = r->allowed_days;
  q.visa_from = r->visa_from;
  q.visa_until = r->visa_until;
  err = stay_evaluate(rule, r->stays, r->nstays, &q, &c->result, &diag);
  if (err != BM_OK) {
    print_diag(name, err, &diag);
    return CMD_EXIT_USAGE;
  }
  json_t *o = js_stay_result_encode(&c->result, r->id, r->nationality, listed, r->today);
  char *s =
      o != NULL ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII) : NULL;
  json_decref(o);
  if (s == NULL) {
    fprintf(stderr, "bmis stay: out of memory\n");
    return CMD_EXIT_USAGE;
  }
  int ok = puts(s) != EOF;
  free(s);
  if (!ok) return CMD_EXIT_USAGE;
  return c->result.allowed && !c->result.overstay ? CMD_EXIT_OK : CMD_EXIT_INVALID;
}

int cmd_stay(int argc, char **argv) {
  const char *policy_path = NULL, *input = NULL;
  char nationality[4] = "";
  bool has_nationality = false;
  long today = STAY_DAY_NONE;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (cmd__is_help(a)) {
      cmd_stay_help(stdout);
      return CMD_EXIT_OK;
    } else if (strcmp(a, "--policy") == 0 || strcmp(a, "--nationality") == 0 ||
               strcmp(a, "--today") == 0) {
      if (i + 1 >= argc) {
        fprintf(stderr, "bmis stay: %s needs a value (see 'bmis help stay')\n", a);
        return CMD_EXIT_USAGE;
      }
      const char *v = argv[++i];
      if (a[2] == 'p') {
        policy_path = v;
      } else if (a[2] == 'n') {
        if (stay_nationality_normalize(v, nationality) != 0) {
          fprintf(stderr, "bmis stay: --nationality needs an ICAO code such as USA or D\n");
          return CMD_EXIT_USAGE;
        }
        has_nationality = true;
      } else if (js_stay_date_parse(v, &today) != 0) {
        fprintf(stderr, "bmis stay: --today needs a date YYYY-MM-DD\n");
        return CMD_EXIT_USAGE;
      }
    } else if (a[0] == '-' && a[1] != '\0') {
      fprintf(stderr, "bmis stay: unknown option '%s' (see 'bmis help stay')\n", a);
      return CMD_EXIT_USAGE;
    } else if (input != NULL) {
      fprintf(stderr, "bmis stay: one FILE at most\n");
      return CMD_EXIT_USAGE;
    } else {
      input = a;
    }
  }
  stay_cli *c = calloc(1, sizeof *c);
  if (c == NULL) {
    fprintf(stderr, "bmis stay: out of memory\n");
    return CMD_EXIT_USAGE;
  }
  stay_policy_init(&c->policy);
  int status = CMD_EXIT_USAGE;
  if (policy_path == NULL || load_policy(policy_path, &c->policy) == 0)
    status = run(c, input, has_nationality ? nationality : NULL, today);
  free(c);
  return status;
}
