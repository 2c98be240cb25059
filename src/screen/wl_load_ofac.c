/* wl_load_ofac.c - the US Treasury OFAC SDN list in its legacy CSV form (sdn.csv + alt.csv), and
 * the OFAC Consolidated (non-SDN) list, which has the same columns (cons_prim.csv + cons_alt.csv).
 *
 * sdn.csv has no header row; RFC 4180 quoting; "-0-" (often followed by a space) means empty; some
 * exports end in a DOS end-of-file byte 0x1A. Twelve columns:
 *   ent_num, SDN_Name, SDN_Type, Program, Title, Call_Sign, Vess_type, Tonnage, GRT, Vess_flag,
 *   Vess_owner, Remarks
 * SDN_Type is "individual", "vessel", "aircraft", or empty for entities. Individuals are named
 * "SURNAME, Given Names", kept as listed (the matcher tokenises). Program may hold several programs
 * as "SDGT] [IFSR"; they become the category "SDGT IFSR".
 * alt.csv: ent_num, alt_num, alt_type ("aka", "fka", "nka"), alt_name, alt_remarks. Each alias is
 * appended to the names of the entry with the same ent_num; an alias whose ent_num has no row in
 * sdn.csv is an issue (the 2019 sdn.csv with the 2024 alt.csv has many).
 *
 * Remarks are "; "-separated statements. Those about a person's identity become fields:
 *   DOB 01 Jan 1970 | DOB 1970 | DOB circa 1970 | DOB 1970 to 1972 | DOB Jan 1970 (alt. DOB ...)
 *   nationality Iran | citizen Iran | Gender Male
 *   Passport A1234567 (Iran) issued ... expires ... | Diplomatic Passport ... | National ID No. ...
 *   | Cedula No. ... | Identification Number ... | D.N.I. ... | Personal ID Card ... | ...
 *   a.k.a. 'NAME' | f.k.a. 'NAME' | n.k.a. 'NAME'  (names; alt.csv usually has them too)
 * The whole Remarks text is kept as the entry's notes (cut at WL_NOTES_BYTES_MAX).
 *
 * Parsing is fed one physical line at a time to libcsv, so every record and issue has its line
 * number; a quoting error drops only the record it is in, and the parser restarts on the next line.
 */
#include <csv.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bmis/watchlist.h"

#define OFAC_FIELDS_MAX       16           /* fields kept per record (SDN has 12, alt 5) */
#define OFAC_RECORD_BYTES_MAX (256u << 10) /* one CSV record; real ones are under 8 KB */
#define OFAC_RECORD_LINES_MAX 64           /* physical lines one quoted record may span */
#define OFAC_SDN_FIELDS       12
#define OFAC_ALT_FIELDS       5
#define OFAC_REMARK_PARTS_MAX 512        /* statements read from one Remarks field */
#define OFAC_ALIASES_MAX      (4u << 20) /* rows read from an alias file */

/* ---- CSV reading, one record at a time, with line numbers ---- */

typedef struct csv_rec {
  char *buf; /* the fields' bytes, each NUL-terminated */
  size_t len, cap;
  size_t off[OFAC_FIELDS_MAX], flen[OFAC_FIELDS_MAX];
  unsigned nfields; /* may exceed OFAC_FIELDS_MAX: counted only */
  bool overflow;    /* ran out of memory or over OFAC_RECORD_BYTES_MAX */
  bool nomem;
} csv_rec;

typedef void (*record_fn)(void *ctx, csv_rec *rec, unsigned line);

typedef struct csv_reader {
  csv_rec rec;
  record_fn on_record;
  void *ctx;
  unsigned rec_line; /* line the record started on; 0 = between records */
  unsigned line;
} csv_reader;

static void on_field(void *s, size_t len, void *data) {
  csv_reader *r = data;
  csv_rec *rec = &r->rec;
  unsigned i = rec->nfields++;
  if (i >= OFAC_FIELDS_MAX || rec->overflow) return;
  if (rec->len + len + 1 > OFAC_RECORD_BYTES_MAX) {
    rec->overflow = true;
    return;
  }
  if (rec->len + len + 1 > rec->cap) {
    size_t ncap = rec->cap ? rec->cap : 4096;
    while (ncap < rec->len + len + 1) ncap *= 2;
    char *nb = realloc(rec->buf, ncap);
    if (nb == NULL) {
      rec->overflow = rec->nomem = true;
      return;
    }
    rec->buf = nb;
    rec->cap = ncap;
  }
  if (len > 0) memcpy(rec->buf + rec->len, s, len);
  rec->off[i] = rec->len;
  rec->flen[i] = len;
  rec->buf[rec->len + len] = '\0';
  rec->len += len + 1;
}

static void on_record(int c, void *data) {
  csv_reader *r = data;
  (void)c;
  if (r->rec.nfields > 0) r->on_record(r->ctx, &r->rec, r->rec_line ? r->rec_line : r->line);
  r->rec.nfields = 0;
  r->rec.len = 0;
  r->rec.overflow = false;
  r->rec_line = 0;
}

static bool blank(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++)
    if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n') return false;
  return true;
}

/* Records end at LF only: a stray CR inside a row must not start a record that has no line of its
 * own. CR before LF is then trailing space, trimmed like spaces and tabs around unquoted fields. */
static int csv_is_term(unsigned char c) {
  return c == '\n';
}

static int csv_is_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

static int csv_start(struct csv_parser *p) {
  if (csv_init(p, CSV_STRICT | CSV_STRICT_FINI) != 0) return -1;
  csv_set_term_func(p, csv_is_term);
  csv_set_space_func(p, csv_is_space);
  return 0;
}

/* Read all records of a CSV text. on_error reports a quoting error or an oversized record at a line
 * and the record is dropped. Returns false when out of memory. */
static bool csv_read_all(const char *data, size_t len, record_fn fn, void *ctx,
                         void (*on_error)(void *ctx, unsigned line, const char *what)) {
  struct csv_parser p;
  if (csv_start(&p) != 0) return false;
  csv_reader r;
  memset(&r, 0, sizeof r);
  r.on_record = fn;
  r.ctx = ctx;
  /* Exports end in a DOS end-of-file byte. */
  while (len > 0 && (data[len - 1] == 0x1a || data[len - 1] == '\n' || data[len - 1] == '\r'))
    len--;
  size_t pos = 0;
  if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) pos = 3;
  bool ok = true;
  while (pos < len) {
    const char *nl = memchr(data + pos, '\n', len - pos);
    size_t end = nl ? (size_t)(nl - data) + 1 : len;
    r.line++;
    if (r.rec_line == 0 && !blank(data + pos, end - pos)) r.rec_line = r.line;
    size_t n = end - pos;
    size_t done = csv_parse(&p, data + pos, n, on_field, on_record, &r);
    if (r.rec.nomem) {
      ok = false;
      break;
    }
    bool too_big =
        r.rec_line != 0 && (r.rec.overflow || r.line - r.rec_line >= OFAC_RECORD_LINES_MAX);
    if (done != n || too_big) {
      on_error(ctx, r.rec_line ? r.rec_line : r.line,
               done != n ? csv_strerror(csv_error(&p)) : "record too long");
      /* Restart on the next line: the record in progress is lost, nothing else. */
      csv_free(&p);
      if (csv_start(&p) != 0) {
        ok = false;
        break;
      }
      r.rec.nfields = 0;
      r.rec.len = 0;
      r.rec.overflow = false;
      r.rec_line = 0;
    }
    pos = end;
  }
  if (ok && csv_fini(&p, on_field, on_record, &r) != 0)
    on_error(ctx, r.rec_line ? r.rec_line : r.line, "unterminated quoted field at end of file");
  if (r.rec.nomem) ok = false;
  csv_free(&p);
  free(r.rec.buf);
  return ok;
}

/* A field's text with OFAC's empty marker "-0-" read as empty and spaces trimmed. */
static const char *field(const csv_rec *rec, unsigned i, size_t *len) {
  if (i >= rec->nfields || i >= OFAC_FIELDS_MAX) {
    *len = 0;
    return "";
  }
  const char *s = rec->buf + rec->off[i];
  size_t n = rec->flen[i];
  while (n > 0 && (*s == ' ' || *s == '\t')) {
    s++;
    n--;
  }
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r')) n--;
  if (n == 3 && memcmp(s, "-0-", 3) == 0) n = 0;
  *len = n;
  return s;
}

static bool parse_ent_num(const char *s, size_t n, unsigned long *out) {
  if (n == 0 || n > 12) return false;
  unsigned long v = 0;
  for (size_t i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (unsigned long)(s[i] - '0');
  }
  *out = v;
  return true;
}

/* ---- aliases ---- */

typedef struct ofac_alias {
  unsigned long ent_num;
  unsigned line;
  uint32_t off, len; /* in the alias text buffer */
  uint8_t used;
  uint8_t weak;
} ofac_alias;

typedef struct ofac_ctx {
  wl__loader *ld;
  const char *file, *alt_file;
  ofac_alias *aliases;
  size_t naliases, cap;
  char *text; /* alias names, back to back */
  size_t text_len, text_cap;
  bool nomem;
} ofac_ctx;

static void alt_error(void *c, unsigned line, const char *what) {
  ofac_ctx *x = c;
  wl__issue(x->ld, line, "", "CSV: %s; alias row dropped", what);
}

static void alt_row(void *c, csv_rec *rec, unsigned line) {
  ofac_ctx *x = c;
  if (x->nomem) return;
  if (rec->nfields == 1 && rec->flen[0] == 0) return;
  size_t n0, n3, n2;
  const char *ent = field(rec, 0, &n0);
  const char *name = field(rec, 3, &n3);
  const char *type = field(rec, 2, &n2);
  unsigned long en;
  if (rec->nfields != OFAC_ALT_FIELDS || !parse_ent_num(ent, n0, &en)) {
    wl__issue(x->ld, line, rec->nfields != OFAC_ALT_FIELDS ? "" : "ent_num",
              "not an alias row (want %d fields with a numeric ent_num, got %u fields); dropped",
              OFAC_ALT_FIELDS, rec->nfields);
    return;
  }
  if (n3 == 0) {
    wl__issue(x->ld, line, "alt_name", "alias row without a name; dropped");
    return;
  }
  if (x->naliases >= OFAC_ALIASES_MAX || n3 > WL_NAME_BYTES_MAX) {
    wl__issue(x->ld, line, "alt_name", "alias too long or too many aliases; dropped");
    return;
  }
  if (x->naliases == x->cap) {
    size_t ncap = x->cap ? x->cap * 2 : 1024;
    ofac_alias *t = realloc(x->aliases, ncap * sizeof *t);
    if (t == NULL) {
      x->nomem = true;
      return;
    }
    x->aliases = t;
    x->cap = ncap;
  }
  if (x->text_len + n3 + 1 > x->text_cap) {
    size_t ncap = x->text_cap ? x->text_cap * 2 : 65536;
    while (ncap < x->text_len + n3 + 1) ncap *= 2;
    char *t = realloc(x->text, ncap);
    if (t == NULL) {
      x->nomem = true;
      return;
    }
    x->text = t;
    x->text_cap = ncap;
  }
  ofac_alias *a = &x->aliases[x->naliases++];
  a->ent_num = en;
  a->line = line;
  a->off = (uint32_t)x->text_len;
  a->len = (uint32_t)n3;
  a->used = 0;
  /* OFAC's weak a.k.a. (a broad alias) is flagged when an export labels it in alt_type. */
  a->weak = n2 >= 4 && strncasecmp(type, "weak", 4) == 0;
  memcpy(x->text + x->text_len, name, n3);
  x->text[x->text_len + n3] = '\0';
  x->text_len += n3 + 1;
}

static int alias_cmp(const void *a, const void *b) {
  const ofac_alias *x = a, *y = b;
  if (x->ent_num != y->ent_num) return x->ent_num < y->ent_num ? -1 : 1;
  return x->line < y->line ? -1 : x->line > y->line; /* keep the file's order */
}

/* ---- remarks ---- */

typedef struct doc_prefix {
  const char *prefix; /* followed by a space and the number */
  const char *type;
} doc_prefix;

/* The identity documents OFAC names in remarks (about 95% of them by count in the 2021 and 2025
 * files). Registration, tax and company numbers are not travel or identity documents and stay in
 * the notes only. Longest prefixes first where one starts another. */
static const doc_prefix doc_prefixes[] = {
    {"Diplomatic Passport", "P"},
    {"British National Overseas Passport", "P"},
    {"Stateless Person Passport", "P"},
    {"Passport", "P"},
    {"National ID No.", "ID"},
    {"National Foreign ID Number", "ID"},
    {"Personal ID Card", "ID"},
    {"Stateless Person ID Card", "ID"},
    {"Refugee ID Card", "ID"},
    {"Identification Number", "ID"},
    {"Cedula No.", "ID"},
    {"D.N.I.", "ID"},
    {"Numero de Identidad", "ID"},
    {"Citizen's Card Number", "ID"},
    {"Kenyan ID No.", "ID"},
    {"Turkish Identification Number", "ID"},
    {"Turkish Identificiation Number", "ID"}, /* sic, as published */
    {"Tazkira National ID Card", "ID"},
    {"Bosnian Personal ID No.", "ID"},
    {"Moroccan Personal ID No.", "ID"},
    {"C.U.R.P.", "ID"},
    {"Travel Document Number", ""},
};

static bool starts_with(const char *s, size_t n, const char *p) {
  size_t k = strlen(p);
  return n >= k && memcmp(s, p, k) == 0;
}

/* A country named in remarks; unmapped names are reported once per record. */
static const char *remark_country(ofac_ctx *x, unsigned line, const char *what, const char *s,
                                  size_t n) {
  /* "possibly Palestinian": the list is unsure, but the country is still the best evidence. */
  if (starts_with(s, n, "possibly ")) {
    s += 9;
    n -= 9;
  }
  const char *c = wl_country_code(s, n);
  if (c == NULL) {
    /* "Cabo Verde.  Previously Cape Verde.": the first sentence names it. */
    const char *dot = memchr(s, '.', n);
    if (dot != NULL && dot > s) c = wl_country_code(s, (size_t)(dot - s));
  }
  if (c == NULL)
    wl__issue(x->ld, line, "Remarks", "%s: unknown country '%.*s'", what, (int)(n > 60 ? 60 : n),
              s);
  return c;
}

/* "A1234567 (Iran) issued 01 Jan 2000 expires 2010": the number, and the country in the
 * parentheses that end it. Numbers may hold parentheses themselves ("13/Ta Ta Na (Naing)019077
 * (Burma)"), so the country is the last group, and only when it closes the statement. */
static void remark_document(ofac_ctx *x, unsigned line, const char *type, const char *s, size_t n) {
  /* What follows the number: dates, or in the prose remarks ", Eritrea, Issue Date ...". */
  static const char *const tails[] = {" issued", " expires", " Issued", " Expires",
                                      " valid",  ", ",       " and "};
  for (size_t k = 0; k < BM_COUNTOF(tails); k++) {
    size_t tl = strlen(tails[k]);
    for (size_t i = 0; i + tl <= n; i++)
      if (memcmp(s + i, tails[k], tl) == 0) {
        n = i;
        break;
      }
  }
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == ',')) n--;
  const char *country = "";
  size_t num_end = n;
  if (n > 0 && s[n - 1] == ')') {
    size_t open = n - 1;
    while (open > 0 && s[open] != '(') open--;
    if (s[open] == '(' && open > 0 && s[open - 1] == ' ') {
      const char *code =
          remark_country(x, line, "document country", s + open + 1, n - 1 - (open + 1));
      if (code != NULL) country = code;
      num_end = open - 1;
    }
  }
  size_t nl = num_end;
  /* "PS 472330208 (Korea": an unclosed group is not part of the number. */
  for (size_t i = 0; i + 1 < nl; i++)
    if (s[i] == ' ' && s[i + 1] == '(' && memchr(s + i, ')', nl - i) == NULL) {
      nl = i;
      break;
    }
  while (nl > 0 && (s[nl - 1] == ' ' || s[nl - 1] == ':' || s[nl - 1] == ',')) nl--;
  const char *num = s;
  if (starts_with(num, nl, "No.")) {
    num += 3;
    nl -= 3;
  }
  while (nl > 0 && (*num == ' ' || *num == ':' || *num == '#')) {
    num++;
    nl--;
  }
  /* Prose after a document word ("Passport issued in Sarajevo") is not a number: numbers have a
   * digit. */
  bool digit = false;
  for (size_t i = 0; i < nl && !digit; i++) digit = num[i] >= '0' && num[i] <= '9';
  if (!digit) return;
  wl__rec_document(x->ld, type, num, nl, country, line, "Remarks");
}

static void remark_part(ofac_ctx *x, unsigned line, bool person, const char *s, size_t n) {
  while (n > 0 && (*s == ' ' || *s == '\t')) {
    s++;
    n--;
  }
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '.')) n--;
  if (starts_with(s, n, "alt. ")) {
    s += 5;
    n -= 5;
  }
  if (n == 0) return;
  /* a.k.a. 'NAME', f.k.a. 'NAME', n.k.a. 'NAME': the name between the first and the last quote. */
  if (starts_with(s, n, "a.k.a. '") || starts_with(s, n, "f.k.a. '") ||
      starts_with(s, n, "n.k.a. '")) {
    const char *q = s + 8;
    size_t qn = n - 8;
    while (qn > 0 && q[qn - 1] != '\'') qn--;
    if (qn > 1) wl__rec_name(x->ld, q, qn - 1, 0, line, "Remarks");
    return;
  }
  if (!person) return;
  if (starts_with(s, n, "DOB ")) {
    wl_date d;
    if (wl_date_parse(s + 4, n - 4, &d) == 0)
      wl__rec_date(x->ld, &d);
    else
      wl__issue(x->ld, line, "Remarks", "unreadable date of birth '%.*s'", (int)(n > 60 ? 60 : n),
                s);
    return;
  }
  if (starts_with(s, n, "nationality ") || starts_with(s, n, "citizen ")) {
    size_t k = s[0] == 'n' ? 12 : 8;
    const char *c = remark_country(x, line, s[0] == 'n' ? "nationality" : "citizen", s + k, n - k);
    if (c != NULL) wl__rec_nationality(x->ld, c);
    return;
  }
  if (starts_with(s, n, "Gender ")) {
    if (n == 11 && memcmp(s + 7, "Male", 4) == 0) wl__rec_sex(x->ld, 'M');
    if (n == 13 && memcmp(s + 7, "Female", 6) == 0) wl__rec_sex(x->ld, 'F');
    return;
  }
  for (size_t i = 0; i < BM_COUNTOF(doc_prefixes); i++) {
    size_t k = strlen(doc_prefixes[i].prefix);
    if (n > k + 1 && memcmp(s, doc_prefixes[i].prefix, k) == 0 && s[k] == ' ') {
      remark_document(x, line, doc_prefixes[i].type, s + k + 1, n - k - 1);
      return;
    }
  }
}

static void parse_remarks(ofac_ctx *x, unsigned line, bool person, const char *s, size_t n) {
  unsigned parts = 0;
  while (n > 0 && parts++ < OFAC_REMARK_PARTS_MAX) {
    const char *semi = memchr(s, ';', n);
    size_t k = semi ? (size_t)(semi - s) : n;
    remark_part(x, line, person, s, k);
    if (semi == NULL) break;
    s += k + 1;
    n -= k + 1;
  }
}

/* ---- SDN rows ---- */

static void sdn_error(void *c, unsigned line, const char *what) {
  ofac_ctx *x = c;
  wl__rec_begin(x->ld, line);
  wl__issue(x->ld, line, "", "CSV: %s; record skipped", what);
  wl__rec_discard(x->ld);
}

static void sdn_row(void *c, csv_rec *rec, unsigned line) {
  ofac_ctx *x = c;
  wl__loader *ld = x->ld;
  if (rec->nfields == 1 && rec->flen[0] == 0) return;
  wl__rec_begin(ld, line);
  size_t n;
  const char *ent = field(rec, 0, &n);
  unsigned long en;
  if (rec->nfields != OFAC_SDN_FIELDS) {
    wl__issue(ld, line, "", "want %d fields, got %u; skipped", OFAC_SDN_FIELDS, rec->nfields);
    wl__rec_discard(ld);
    return;
  }
  if (!parse_ent_num(ent, n, &en)) {
    wl__issue(ld, line, "ent_num", "ent_num '%.*s' is not a number; skipped",
              (int)(n > 20 ? 20 : n), ent);
    wl__rec_discard(ld);
    return;
  }
  wl__rec_id(ld, ent, n);
  size_t tn;
  const char *type = field(rec, 2, &tn);
  wl_kind kind = WL_KIND_ENTITY;
  if (tn == 10 && strncasecmp(type, "individual", 10) == 0)
    kind = WL_KIND_PERSON;
  else if ((tn == 6 && strncasecmp(type, "vessel", 6) == 0) ||
           (tn == 8 && strncasecmp(type, "aircraft", 8) == 0))
    kind = WL_KIND_OTHER;
  else if (tn != 0)
    wl__issue(ld, line, "SDN_Type", "unknown SDN_Type '%.*s'; read as an entity",
              (int)(tn > 20 ? 20 : tn), type);
  wl__rec_kind(ld, kind);
  size_t nn;
  const char *name = field(rec, 1, &nn);
  if (nn == 0) wl__issue(ld, line, "SDN_Name", "empty SDN_Name");
  wl__rec_name(ld, name, nn, 0, line, "SDN_Name");
  /* Aliases from alt.csv, in their file order. */
  if (x->naliases > 0) {
    size_t lo = 0, hi = x->naliases;
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if (x->aliases[mid].ent_num < en)
        lo = mid + 1;
      else
        hi = mid;
    }
    /* Problems with an alias are reported against the alias file and its line. */
    if (lo < x->naliases && x->aliases[lo].ent_num == en) wl__loader_set_file(ld, x->alt_file);
    for (size_t i = lo; i < x->naliases && x->aliases[i].ent_num == en; i++) {
      ofac_alias *a = &x->aliases[i];
      a->used = 1;
      wl__rec_name(ld, x->text + a->off, a->len, a->weak ? WL_NAME_LOW_QUALITY : 0, a->line,
                   "alt_name");
    }
    if (lo < x->naliases && x->aliases[lo].ent_num == en) wl__loader_set_file(ld, x->file);
  }
  size_t pn;
  const char *prog = field(rec, 3, &pn);
  if (pn > 0) {
    /* "SDGT] [IFSR" -> "SDGT IFSR". */
    char buf[256];
    size_t o = 0;
    for (size_t i = 0; i < pn && o + 1 < sizeof buf; i++) {
      if (prog[i] == ']' || prog[i] == '[') continue;
      if (prog[i] == ' ' && (o == 0 || buf[o - 1] == ' ')) continue;
      buf[o++] = prog[i];
    }
    while (o > 0 && buf[o - 1] == ' ') o--;
    wl__rec_category(ld, buf, o);
  }
  size_t rn;
  const char *remarks = field(rec, 11, &rn);
  if (rn > 0) {
    parse_remarks(x, line, kind == WL_KIND_PERSON, remarks, rn);
    wl__rec_notes(ld, remarks, rn);
  }
  wl__rec_commit(ld);
}

bm_err wl__load_ofac(wl__loader *ld, const char *data, size_t len, const char *alt, size_t alt_len,
                     const char *file, const char *alt_file) {
  ofac_ctx x;
  memset(&x, 0, sizeof x);
  x.ld = ld;
  x.file = file;
  x.alt_file = alt_file;
  bm_err err = BM_OK;
  if (alt != NULL) {
    wl__loader_set_file(ld, alt_file);
    if (!csv_read_all(alt, alt_len, alt_row, &x, alt_error) || x.nomem) {
      err = BM_ERR_NOMEM;
      goto done;
    }
    if (x.naliases > 0) qsort(x.aliases, x.naliases, sizeof *x.aliases, alias_cmp);
  }
  wl__loader_set_file(ld, file);
  if (!csv_read_all(data, len, sdn_row, &x, sdn_error) || wl__loader_nomem(ld)) {
    err = BM_ERR_NOMEM;
    goto done;
  }
  if (alt != NULL) {
    /* Aliases whose entry is not in this sdn.csv (an alias file newer than the SDN file). */
    wl__loader_set_file(ld, alt_file);
    for (size_t i = 0; i < x.naliases; i++) {
      const ofac_alias *a = &x.aliases[i];
      if (!a->used)
        wl__issue(ld, a->line, "ent_num", "alias '%.60s' of ent_num %lu, which has no primary row",
                  x.text + a->off, a->ent_num);
    }
    wl__loader_set_file(ld, file);
  }
done:
  free(x.aliases);
  free(x.text);
  return err;
}
