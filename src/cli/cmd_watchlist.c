/* cmd_watchlist.c - `bmis watchlist stats FILE...`: load watchlist files the way `bmis screen` does
 * (format detected from content, OFAC alt.csv beside sdn.csv) and describe what was loaded: entries
 * by kind, names and their scripts, documents, nationalities, load time, memory, and every issue
 * the loader found. One JSON object per file, one per line (--text for people).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "bmis/watchlist.h"
#include "cli/cmd.h"

void cmd_watchlist_help(FILE *out) {
  fprintf(
      out,
      "Usage: bmis watchlist stats [--text] [--format FORMAT] [NAME=]FILE...\n"
      "\n"
      "stats  Load each watchlist FILE and describe it. Formats are detected from the content:\n"
      "       openbmis JSON Lines, OFAC SDN CSV (sdn.csv or cons_prim.csv; the alias file\n"
      "       alt.csv or cons_alt.csv beside it is read too), UN Security Council consolidated\n"
      "       list XML. NAME is the list's name (default: the file name without extension).\n"
      "       Prints one JSON object per file, one per line: records, loaded, skipped,\n"
      "       entries by kind, names (aliases, low quality, original script, by script),\n"
      "       documents, birth dates, nationalities, load_seconds, memory_bytes (held by the\n"
      "       list), max_rss_bytes (of this process so far), and the issues found (file, line,\n"
      "       field, message; at most 100 listed, issues_total counts them all).\n"
      "         --text            a short human-readable summary instead of JSON\n"
      "         --format FORMAT   do not detect: jsonl, ofac-sdn or un-xml\n"
      "       Exit status: 0 all files loaded with no record skipped, 1 a record was skipped,\n"
      "       2 usage error, or a file unreadable or not a watchlist.\n"
      "\n"
      "Example:\n"
      "  bmis watchlist stats sanctions/sdn.csv un=sanctions/consolidated.xml\n");
}

/* Scripts of names, by the first letter outside ASCII (a name all ASCII is Latin). */
enum {
  SC_LATIN,
  SC_CYRILLIC,
  SC_GREEK,
  SC_ARABIC,
  SC_HEBREW,
  SC_HAN,
  SC_HANGUL,
  SC_KANA,
  SC_THAI,
  SC_DEVANAGARI,
  SC_GEORGIAN,
  SC_ARMENIAN,
  SC_OTHER,
  SC__COUNT
};
static const char *const script_names[SC__COUNT] = {
    "latin", "cyrillic", "greek",      "arabic",   "hebrew",   "han",  "hangul",
    "kana",  "thai",     "devanagari", "georgian", "armenian", "other"};

static int script_of_cp(unsigned cp) {
  if (cp < 0x250 || (cp >= 0x1e00 && cp <= 0x1eff)) return SC_LATIN;
  if (cp >= 0x370 && cp <= 0x3ff) return SC_GREEK;
  if (cp >= 0x400 && cp <= 0x52f) return SC_CYRILLIC;
  if (cp >= 0x530 && cp <= 0x58f) return SC_ARMENIAN;
  if (cp >= 0x590 && cp <= 0x5ff) return SC_HEBREW;
  if ((cp >= 0x600 && cp <= 0x6ff) || (cp >= 0x750 && cp <= 0x77f) ||
      (cp >= 0xfb50 && cp <= 0xfeff))
    return SC_ARABIC;
  if (cp >= 0x900 && cp <= 0x97f) return SC_DEVANAGARI;
  if (cp >= 0xe00 && cp <= 0xe7f) return SC_THAI;
  if (cp >= 0x10a0 && cp <= 0x10ff) return SC_GEORGIAN;
  if ((cp >= 0x1100 && cp <= 0x11ff) || (cp >= 0xac00 && cp <= 0xd7af)) return SC_HANGUL;
  if (cp >= 0x3040 && cp <= 0x30ff) return SC_KANA;
  if ((cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf)) return SC_HAN;
  if ((cp >= 0x2000 && cp <= 0x2bff) || (cp >= 0x3000 && cp <= 0x303f) ||
      (cp >= 0xfe00 && cp <= 0xfe4f) || (cp >= 0xff00 && cp <= 0xffef) || cp == 0xfeff ||
      (cp >= 0x300 && cp <= 0x36f))
    return -1; /* punctuation, symbols, combining marks: keep looking */
  return SC_OTHER;
}

static int script_of(const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    if (*p < 0x80) {
      p++;
      continue;
    }
    unsigned cp;
    int k;
    if ((*p & 0xe0) == 0xc0) {
      cp = *p & 0x1fu;
      k = 1;
    } else if ((*p & 0xf0) == 0xe0) {
      cp = *p & 0x0fu;
      k = 2;
    } else if ((*p & 0xf8) == 0xf0) {
      cp = *p & 0x07u;
      k = 3;
    } else {
      p++;
      continue;
    }
    p++;
    for (int i = 0; i < k && (*p & 0xc0) == 0x80; i++, p++) cp = (cp << 6) | (*p & 0x3fu);
    int sc = script_of_cp(cp);
    if (sc > SC_LATIN) return sc;
  }
  return SC_LATIN;
}

typedef struct list_stats {
  size_t kinds[4];
  size_t names, aliases, low_quality, original_script, scripts[SC__COUNT];
  size_t documents, with_documents, doc_passports, doc_ids;
  size_t birth_dates, with_birth_dates, birth_ranges;
  size_t nationalities, with_nationalities, countries;
  size_t with_sex;
} list_stats;

static void compute(const wl_list *l, list_stats *st) {
  memset(st, 0, sizeof *st);
  /* Distinct countries: codes are at most 3 capitals; a bitmap over 27^3 does it. */
  static unsigned char seen[27 * 27 * 27];
  memset(seen, 0, sizeof seen);
  size_t n = wl_list_count(l);
  for (size_t i = 0; i < n; i++) {
    const wl_entry *e = wl_list_entry(l, i);
    st->kinds[e->kind <= WL_KIND_OTHER ? e->kind : WL_KIND_OTHER]++;
    st->names += e->nnames;
    if (e->nnames > 1) st->aliases += e->nnames - 1;
    for (uint32_t k = 0; k < e->nnames; k++) {
      st->scripts[script_of(e->names[k])]++;
      if (e->name_flags != NULL) {
        if (e->name_flags[k] & WL_NAME_LOW_QUALITY) st->low_quality++;
        if (e->name_flags[k] & WL_NAME_ORIGINAL_SCRIPT) st->original_script++;
      }
    }
    st->documents += e->ndocuments;
    if (e->ndocuments > 0) st->with_documents++;
    for (uint32_t k = 0; k < e->ndocuments; k++) {
      if (strcmp(e->documents[k].type, "P") == 0) st->doc_passports++;
      if (strcmp(e->documents[k].type, "ID") == 0) st->doc_ids++;
    }
    st->birth_dates += e->nbirth_dates;
    if (e->nbirth_dates > 0) st->with_birth_dates++;
    for (uint32_t k = 0; k < e->nbirth_dates; k++)
      if (e->birth_dates[k].year_to != e->birth_dates[k].year) st->birth_ranges++;
    st->nationalities += e->nnationalities;
    if (e->nnationalities > 0) st->with_nationalities++;
    for (uint32_t k = 0; k < e->nnationalities; k++) {
      const char *c = e->nationalities[k];
      unsigned idx = 0;
      for (int j = 0; j < 3 && c[j]; j++)
        idx = idx * 27 + (c[j] >= 'A' && c[j] <= 'Z' ? (unsigned)(c[j] - 'A' + 1) : 0);
      if (idx < sizeof seen && !seen[idx]) {
        seen[idx] = 1;
        st->countries++;
      }
    }
    if (e->sex != 0) st->with_sex++;
  }
}

static size_t max_rss_bytes(void) {
  struct rusage ru;
  if (getrusage(RUSAGE_SELF, &ru) != 0) return 0;
  return (size_t)ru.ru_maxrss * 1024; /* Linux reports kilobytes */
}

#define J(v) json_integer((json_int_t)(v))

static json_t *stats_json(const char *path, const wl_list *l, const wl_load_report *rep,
                          const list_stats *st) {
  json_t *o = json_object();
  json_object_set_new(o, "file", json_string(path));
  json_object_set_new(o, "list", json_string(wl_list_name(l)));
  json_object_set_new(o, "format", json_string(wl_format_name(rep->format)));
  json_object_set_new(o, "records", J(rep->records));
  json_object_set_new(o, "loaded", J(rep->loaded));
  json_object_set_new(o, "skipped", J(rep->skipped));
  json_t *kinds = json_object();
  for (int k = 0; k < 4; k++) json_object_set_new(kinds, wl_kind_name((wl_kind)k), J(st->kinds[k]));
  json_object_set_new(o, "entries", kinds);
  json_t *names = json_object();
  json_object_set_new(names, "total", J(st->names));
  json_object_set_new(names, "aliases", J(st->aliases));
  json_object_set_new(names, "low_quality", J(st->low_quality));
  json_object_set_new(names, "original_script", J(st->original_script));
  json_t *scripts = json_object();
  for (int s = 0; s < SC__COUNT; s++)
    if (st->scripts[s] > 0) json_object_set_new(scripts, script_names[s], J(st->scripts[s]));
  json_object_set_new(names, "scripts", scripts);
  json_object_set_new(o, "names", names);
  json_t *docs = json_object();
  json_object_set_new(docs, "total", J(st->documents));
  json_object_set_new(docs, "passports", J(st->doc_passports));
  json_object_set_new(docs, "identity_cards", J(st->doc_ids));
  json_object_set_new(docs, "entries_with", J(st->with_documents));
  json_object_set_new(o, "documents", docs);
  json_t *dob = json_object();
  json_object_set_new(dob, "total", J(st->birth_dates));
  json_object_set_new(dob, "ranges", J(st->birth_ranges));
  json_object_set_new(dob, "entries_with", J(st->with_birth_dates));
  json_object_set_new(o, "birth_dates", dob);
  json_t *nat = json_object();
  json_object_set_new(nat, "total", J(st->nationalities));
  json_object_set_new(nat, "countries", J(st->countries));
  json_object_set_new(nat, "entries_with", J(st->with_nationalities));
  json_object_set_new(o, "nationalities", nat);
  json_object_set_new(o, "entries_with_sex", J(st->with_sex));
  json_object_set_new(o, "load_seconds", json_real(rep->seconds));
  json_object_set_new(o, "memory_bytes", J(wl_list_memory(l)));
  json_object_set_new(o, "max_rss_bytes", J(max_rss_bytes()));
  json_object_set_new(o, "issues_total", J(rep->nissues));
  json_t *issues = json_array();
  size_t kept = rep->nissues < WL_REPORT_ISSUES_MAX ? rep->nissues : WL_REPORT_ISSUES_MAX;
  for (size_t i = 0; i < kept; i++) {
    const wl_issue *is = &rep->issues[i];
    json_t *j = json_object();
    json_object_set_new(j, "file", json_string(is->file));
    json_object_set_new(j, "line", J(is->line));
    json_object_set_new(j, "field", json_string(is->field));
    json_object_set_new(j, "message", json_string(is->message));
    json_array_append_new(issues, j);
  }
  json_object_set_new(o, "issues", issues);
  return o;
}

static void print_text(const char *path, const wl_list *l, const wl_load_report *rep,
                       const list_stats *st) {
  printf("%s: list '%s', %s\n", path, wl_list_name(l), wl_format_name(rep->format));
  printf("  records %zu, loaded %zu, skipped %zu\n", rep->records, rep->loaded, rep->skipped);
  printf("  entries: %zu person, %zu entity, %zu document, %zu other\n", st->kinds[0], st->kinds[1],
         st->kinds[2], st->kinds[3]);
  printf("  names %zu (%zu aliases, %zu low quality, %zu original script):", st->names, st->aliases,
         st->low_quality, st->original_script);
  for (int s = 0; s < SC__COUNT; s++)
    if (st->scripts[s] > 0) printf(" %s %zu", script_names[s], st->scripts[s]);
  printf("\n  documents %zu (%zu passports, %zu identity) on %zu entries\n", st->documents,
         st->doc_passports, st->doc_ids, st->with_documents);
  printf("  birth dates %zu (%zu ranges) on %zu entries; nationalities %zu (%zu countries) on %zu "
         "entries\n",
         st->birth_dates, st->birth_ranges, st->with_birth_dates, st->nationalities, st->countries,
         st->with_nationalities);
  printf("  loaded in %.3f s, list memory %.1f MB, max RSS %.1f MB\n", rep->seconds,
         (double)wl_list_memory(l) / 1e6, (double)max_rss_bytes() / 1e6);
  size_t kept = rep->nissues < WL_REPORT_ISSUES_MAX ? rep->nissues : WL_REPORT_ISSUES_MAX;
  printf("  issues %zu%s\n", rep->nissues, rep->nissues > kept ? " (first 100 listed)" : "");
  for (size_t i = 0; i < kept; i++) {
    const wl_issue *is = &rep->issues[i];
    printf("    %s:%u: %s%s%s\n", is->file, is->line, is->field, is->field[0] ? ": " : "",
           is->message);
  }
}

static int parse_format(const char *s, wl_format *out) {
  if (strcmp(s, "jsonl") == 0)
    *out = WL_FORMAT_JSONL;
  else if (strcmp(s, "ofac-sdn") == 0)
    *out = WL_FORMAT_OFAC_SDN;
  else if (strcmp(s, "un-xml") == 0)
    *out = WL_FORMAT_UN_XML;
  else
    return -1;
  return 0;
}

static int stats_main(int argc, char **argv) {
  int text = 0;
  wl_format format = WL_FORMAT_AUTO;
  int first_file = 0, nfiles = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (nfiles == 0 && cmd__is_help(a)) {
      cmd_watchlist_help(stdout);
      return CMD_EXIT_OK;
    } else if (nfiles == 0 && strcmp(a, "--text") == 0) {
      text = 1;
    } else if (nfiles == 0 && strcmp(a, "--format") == 0) {
      if (i + 1 >= argc || parse_format(argv[i + 1], &format) != 0) {
        fprintf(stderr, "bmis watchlist stats: --format needs jsonl, ofac-sdn or un-xml\n");
        return CMD_EXIT_USAGE;
      }
      i++;
    } else if (nfiles == 0 && a[0] == '-' && a[1] != '\0') {
      fprintf(stderr, "bmis watchlist stats: unknown option '%s' (see 'bmis help watchlist')\n", a);
      return CMD_EXIT_USAGE;
    } else {
      if (nfiles == 0) first_file = i;
      nfiles++;
    }
  }
  if (nfiles == 0) {
    fprintf(stderr, "bmis watchlist stats: no FILE given (see 'bmis help watchlist')\n");
    return CMD_EXIT_USAGE;
  }
  int status = CMD_EXIT_OK;
  wl_load_report *rep = malloc(sizeof *rep);
  if (rep == NULL) {
    fprintf(stderr, "bmis watchlist stats: out of memory\n");
    return CMD_EXIT_USAGE;
  }
  for (int i = first_file; i < argc; i++) {
    const char *arg = argv[i];
    const char *path = arg, *eq = strchr(arg, '=');
    char name[256];
    const char *namep = NULL;
    /* NAME=FILE, unless the whole argument is an existing path holding '='. */
    if (eq != NULL && eq != arg && (size_t)(eq - arg) < sizeof name &&
        memchr(arg, '/', (size_t)(eq - arg)) == NULL) {
      memcpy(name, arg, (size_t)(eq - arg));
      name[eq - arg] = '\0';
      namep = name;
      path = eq + 1;
    }
    wl_list *l = NULL;
    bm_diag diag;
    memset(&diag, 0, sizeof diag);
    bm_err err = wl_list_load(path, namep, format, &l, rep, &diag);
    if (err != BM_OK) {
      fprintf(stderr, "bmis watchlist stats: %s\n",
              diag.message[0] ? diag.message : bm_err_str(err));
      status = CMD_EXIT_USAGE;
      continue;
    }
    list_stats st;
    compute(l, &st);
    if (text) {
      print_text(path, l, rep, &st);
    } else {
      json_t *o = stats_json(path, l, rep, &st);
      char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII) : NULL;
      json_decref(o);
      if (s == NULL || puts(s) == EOF) {
        fprintf(stderr, "bmis watchlist stats: cannot write output\n");
        status = CMD_EXIT_USAGE;
      }
      free(s);
    }
    if (rep->skipped > 0 && status == CMD_EXIT_OK) status = CMD_EXIT_INVALID;
    wl_list_free(l);
  }
  free(rep);
  return status;
}

int cmd_watchlist(int argc, char **argv) {
  if (argc < 2) {
    cmd_watchlist_help(stderr);
    return CMD_EXIT_USAGE;
  }
  if (cmd__is_help(argv[1])) {
    cmd_watchlist_help(stdout);
    return CMD_EXIT_OK;
  }
  if (strcmp(argv[1], "stats") == 0) return stats_main(argc - 1, argv + 1);
  fprintf(stderr, "bmis watchlist: unknown subcommand '%s' (see 'bmis help watchlist')\n", argv[1]);
  return CMD_EXIT_USAGE;
}
