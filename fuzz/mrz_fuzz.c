/* mrz_fuzz.c - libFuzzer harness for mrz_parse_text(), the entry point for MRZ text from scanners,
 * OCR and API clients (all untrusted).
 *
 * Input layout: byte 0 selects the options, the rest is the MRZ text.
 *   bit 0  MRZ_OPT_AUTOCORRECT
 *   bit 1  MRZ_OPT_NO_NATIONAL
 *   bits 2-3  which fixed reference date (opts.today) to use, so runs are deterministic and the
 *             century inference is exercised around several dates
 * Seed files start with '0'..'7' (0x30..0x37) so that they stay readable: '0' plain, '1'
 * autocorrect, '2' no national formats, '3' both, '4'..'7' the same with another reference date.
 *
 * Besides the sanitizers, the harness checks the contract of mrz.h and traps when it does not hold:
 * the verdict agrees with the error list, errors and corrections point inside the MRZ, spans stay
 * inside the text, the span and message writers honour their caps, and a valid parse survives being
 * parsed again from its own text (idempotence). The parsed text is MRZ characters only when the
 * document is valid: otherwise it keeps the offending bytes (errors point at them), and the harness
 * checks that each such line has an error saying so.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bmis/json_mrz.h"
#include "bmis/mrz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A failed invariant must look like a crash to libFuzzer and to the replay test: trap. */
#define CHECK(cond)                                                                                \
  do {                                                                                             \
    if (!(cond)) __builtin_trap();                                                                 \
  } while (0)

/* Caps for the writers: 0 (write nothing), tiny (truncate mid-field), exact-ish, and roomy. */
static const size_t caps[] = {0, 1, 2, 5, 17, 256};
#define BIG_CAP 256

static bool is_mrz_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '<';
}

static void check_format_shape(const mrz_doc *doc) {
  switch (doc->format) {
  case MRZ_FORMAT_TD1: CHECK(doc->nlines == 3 && doc->line_len == 30); break;
  case MRZ_FORMAT_TD2: CHECK(doc->nlines == 2 && doc->line_len == 36); break;
  case MRZ_FORMAT_TD3: CHECK(doc->nlines == 2 && doc->line_len == 44); break;
  case MRZ_FORMAT_MRVA: CHECK(doc->nlines == 2 && doc->line_len == 44); break;
  case MRZ_FORMAT_MRVB: CHECK(doc->nlines == 2 && doc->line_len == 36); break;
  case MRZ_FORMAT_FRA_ID: CHECK(doc->nlines == 2 && doc->line_len == 36); break;
  default: CHECK(0);
  }
  CHECK(mrz_format_name(doc->format) != NULL);
}

/* A writer that returns the length it wanted (snprintf-style) must return the same value whatever
 * the cap, write at most cap-1 bytes plus NUL, and write a prefix of the untruncated result. */
static void check_truncation(size_t want, size_t full_want, const char *buf, size_t cap,
                             const char *full) {
  CHECK(want == full_want);
  if (cap == 0) return;
  size_t fit = want < cap - 1 ? want : cap - 1;
  /* memcmp, not strlen: an invalid document's text may hold NUL bytes from the input. */
  CHECK(memcmp(buf, full, fit) == 0 && buf[fit] == '\0');
}

static void check_span(const mrz_doc *doc, mrz_span span) {
  if (span.len == 0) return;
  CHECK(span.line < doc->nlines);
  CHECK((size_t)span.off + span.len <= doc->line_len);

  char raw[BIG_CAP], text[BIG_CAP];
  size_t raw_want = mrz_span_raw(doc, span, raw, sizeof raw);
  size_t text_want = mrz_span_text(doc, span, text, sizeof text);
  CHECK(raw_want == span.len);
  CHECK(memcmp(raw, &doc->text[span.line][span.off], span.len) == 0 && raw[span.len] == '\0');
  /* Text form: no fillers left. In a valid document, MRZ letters and digits separated by single
   * spaces (an invalid one may hold any input byte, spaces included). */
  CHECK(text_want <= span.len && text[text_want] == '\0');
  for (size_t i = 0; i < text_want; i++) CHECK(text[i] != '<');
  if (doc->valid) {
    if (text_want > 0) CHECK(text[0] != ' ' && text[text_want - 1] != ' ');
    for (size_t i = 0; i < text_want; i++) CHECK(text[i] == ' ' || is_mrz_char(text[i]));
    CHECK(strstr(text, "  ") == NULL);
  }

  for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
    /* The byte after the cap holds a sentinel: writing one byte too many changes it. */
    char small[BIG_CAP];
    size_t cap = caps[i];
    memset(small, 0x7f, sizeof small);
    size_t w = mrz_span_raw(doc, span, small, cap);
    check_truncation(w, raw_want, small, cap, raw);
    if (cap < sizeof small) CHECK((unsigned char)small[cap] == 0x7f);
    memset(small, 0x7f, sizeof small);
    w = mrz_span_text(doc, span, small, cap);
    check_truncation(w, text_want, small, cap, text);
    if (cap < sizeof small) CHECK((unsigned char)small[cap] == 0x7f);
  }
}

static void check_date(const mrz_date *d) {
  CHECK(memchr(d->raw, '\0', sizeof d->raw) != NULL);
  if (d->partial) CHECK(d->date.year == 0);
  if (d->date.year != 0) {
    CHECK(d->date.month >= 1 && d->date.month <= 12);
    CHECK(d->date.day >= 1 && d->date.day <= bm_days_in_month(d->date.year, d->date.month));
  }
}

static void check_error(const mrz_doc *doc, const mrz_error *e) {
  CHECK(e->line <= doc->nlines);
  CHECK(e->column <= doc->line_len);
  CHECK(e->field < MRZ_FIELD__COUNT && mrz_field_name((mrz_field)e->field) != NULL);
  CHECK(e->code <= MRZ_E_FORMAT && mrz_error_code_name((mrz_error_code)e->code) != NULL);

  char full[BIG_CAP];
  size_t want = mrz_error_message(e, full, sizeof full);
  CHECK(want > 0 && want < sizeof full && strlen(full) == want);
  for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
    char small[BIG_CAP];
    memset(small, 0x7f, sizeof small);
    size_t w = mrz_error_message(e, small, caps[i]);
    check_truncation(w, want, small, caps[i], full);
    if (caps[i] < sizeof small) CHECK((unsigned char)small[caps[i]] == 0x7f);
  }
}

/* Everything mrz.h promises about a document that parsed (rc == BM_OK). */
static void check_doc(const mrz_doc *doc, unsigned flags) {
  check_format_shape(doc);
  if (flags & MRZ_OPT_NO_NATIONAL) CHECK(doc->format != MRZ_FORMAT_FRA_ID);
  CHECK(doc->valid == (doc->nerrors == 0 && doc->nerrors_dropped == 0));
  CHECK(doc->nerrors <= MRZ_ERRORS_MAX);
  if (doc->nerrors_dropped > 0) CHECK(doc->nerrors == MRZ_ERRORS_MAX);
  CHECK(doc->ncorrections <= MRZ_CORRECTIONS_MAX);
  if (!(flags & MRZ_OPT_AUTOCORRECT)) CHECK(doc->ncorrections == 0);

  /* The text keeps the input's bytes (errors point at them), so only a valid document is sure to be
   * all MRZ characters. But a byte that is not an MRZ character must never pass unreported: its
   * line carries an error, unless errors overflowed. Not necessarily a charset error: the parser
   * reports the first problem of a field, e.g. "<8" at the start of a date hides a later bad byte.
   */
  for (size_t l = 0; l < doc->nlines; l++) {
    CHECK(doc->text[l][doc->line_len] == '\0');
    bool clean = true;
    for (size_t c = 0; c < doc->line_len; c++) clean = clean && is_mrz_char(doc->text[l][c]);
    if (clean) {
      CHECK(strlen(doc->text[l]) == doc->line_len);
      continue;
    }
    CHECK(!doc->valid);
    bool reported = doc->nerrors_dropped > 0;
    for (size_t i = 0; i < doc->nerrors && !reported; i++) reported = doc->errors[i].line == l + 1;
    CHECK(reported);
  }
  for (size_t i = 0; i < doc->ncorrections; i++) {
    const mrz_correction *k = &doc->corrections[i];
    CHECK(k->line >= 1 && k->line <= doc->nlines);
    CHECK(k->column >= 1 && k->column <= doc->line_len);
    CHECK(k->from != k->to);
    CHECK(doc->text[k->line - 1][k->column - 1] == k->to);
  }
  for (size_t i = 0; i < doc->nerrors; i++) check_error(doc, &doc->errors[i]);

  const char *end = memchr(doc->document_number, '\0', sizeof doc->document_number);
  CHECK(end != NULL);
  size_t nlen = (size_t)(end - doc->document_number);
  if (doc->valid) {
    for (size_t i = 0; i < nlen; i++) CHECK(is_mrz_char(doc->document_number[i]));
  }

  const mrz_span spans[] = {doc->document_code,   doc->issuing_state, doc->surname,
                            doc->given_names,     doc->nationality,   doc->optional_data,
                            doc->optional_data_2, doc->issue_date,    doc->admin_code};
  for (size_t i = 0; i < sizeof spans / sizeof spans[0]; i++) check_span(doc, spans[i]);
  /* Zero-length spans mean "no such field" and must yield empty strings. */
  char buf[4] = "xyz";
  mrz_span none = {0, 0, 0};
  CHECK(mrz_span_text(doc, none, buf, sizeof buf) == 0 && buf[0] == '\0');
  CHECK(mrz_span_raw(doc, none, buf, sizeof buf) == 0 && buf[0] == '\0');

  check_date(&doc->birth_date);
  check_date(&doc->expiry_date);
  CHECK(doc->sex == 'M' || doc->sex == 'F' || doc->sex == 'X' || doc->sex == 0);

  const unsigned all_checks = (1u << MRZ_CHECK__COUNT) - 1;
  CHECK((doc->checks_present & ~all_checks) == 0);
  CHECK((doc->checks_ok & ~doc->checks_present) == 0);
  if (doc->valid) CHECK(doc->checks_ok == doc->checks_present);
}

/* A valid document's own text must parse as valid again, without autocorrection, both through
 * mrz_parse and through mrz_parse_text, and come back unchanged. */
static void check_reparse(const mrz_doc *doc, const mrz_opts *opts) {
  mrz_opts plain = *opts;
  plain.flags &= ~(unsigned)MRZ_OPT_AUTOCORRECT;

  const char *lines[MRZ_LINES_MAX];
  size_t lens[MRZ_LINES_MAX];
  char joined[MRZ_LINES_MAX * (MRZ_LINE_BYTES_MAX + 1)];
  size_t jn = 0;
  for (size_t l = 0; l < doc->nlines; l++) {
    lines[l] = doc->text[l];
    lens[l] = doc->line_len;
    memcpy(joined + jn, doc->text[l], doc->line_len);
    jn += doc->line_len;
    if (l + 1 < doc->nlines) joined[jn++] = '\n';
  }

  static mrz_doc again;
  memset(&again, 0x5a, sizeof again);
  CHECK(mrz_parse(lines, lens, doc->nlines, &plain, &again) == BM_OK);
  CHECK(again.valid && again.format == doc->format && again.ncorrections == 0);
  CHECK(strcmp(again.document_number, doc->document_number) == 0);
  for (size_t l = 0; l < doc->nlines; l++) CHECK(strcmp(again.text[l], doc->text[l]) == 0);

  memset(&again, 0xa5, sizeof again);
  CHECK(mrz_parse_text(joined, jn, &plain, &again) == BM_OK);
  CHECK(again.valid && again.format == doc->format && again.ncorrections == 0);
  for (size_t l = 0; l < doc->nlines; l++) CHECK(strcmp(again.text[l], doc->text[l]) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  /* Fixed reference dates: the clock must not make a run irreproducible. */
  static const bm_date todays[4] = {{2024, 6, 15}, {2000, 1, 1}, {2099, 12, 31}, {1970, 2, 28}};
  if (size == 0) return 0;
  mrz_opts opts = {0};
  opts.flags = data[0] & (MRZ_OPT_AUTOCORRECT | MRZ_OPT_NO_NATIONAL);
  opts.today = todays[(data[0] >> 2) & 3];
  const char *text = (const char *)data + 1;
  size_t len = size - 1;

  /* Static: mrz_doc is a few hundred bytes; keeping it off the stack keeps ASan's frames small.
   * Filled with junk first so a field the parser forgets to set trips an invariant. */
  static mrz_doc doc;
  memset(&doc, 0xa5, sizeof doc);
  bm_err rc = mrz_parse_text(text, len, &opts, &doc);

  if (len > MRZ_TEXT_BYTES_MAX) {
    CHECK(rc == BM_ERR_LIMIT);
    return 0;
  }
  CHECK(rc == BM_OK || rc == BM_ERR_INVALID);
  if (rc == BM_ERR_INVALID) {
    /* Not an MRZ shape: one length/format error explains why. */
    CHECK(doc.format == MRZ_FORMAT_UNKNOWN && !doc.valid);
    CHECK(doc.nerrors >= 1 && doc.nerrors <= MRZ_ERRORS_MAX);
    CHECK(doc.errors[0].code == MRZ_E_LENGTH || doc.errors[0].code == MRZ_E_FORMAT);
    CHECK(doc.ncorrections == 0);
    char msg[BIG_CAP];
    for (size_t i = 0; i < doc.nerrors; i++) {
      CHECK(doc.errors[i].code <= MRZ_E_FORMAT);
      size_t want = mrz_error_message(&doc.errors[i], msg, sizeof msg);
      CHECK(want > 0 && strlen(msg) == (want < sizeof msg ? want : sizeof msg - 1));
      (void)mrz_error_message(&doc.errors[i], msg, 1);
      CHECK(msg[0] == '\0');
    }
    return 0;
  }

  check_doc(&doc, opts.flags);
  if (doc.valid) check_reparse(&doc, &opts);
  /* Every document, whatever bytes it holds, can be reported as JSON (`bmis mrz check`, the API):
   * jansson refuses strings that are not UTF-8, so the encoder must never hand it raw bytes. */
  json_t *js = js_mrz_doc_encode(&doc);
  CHECK(js != NULL);
  char *dump = json_dumps(js, JSON_COMPACT);
  CHECK(dump != NULL);
  free(dump);
  json_decref(js);

  /* Autocorrection only ever repairs what is broken: when the input is valid as it stands, parsing
   * it with autocorrection gives the same document with no corrections. And it never changes the
   * shape. */
  static mrz_doc other;
  mrz_opts toggled = opts;
  toggled.flags ^= MRZ_OPT_AUTOCORRECT;
  memset(&other, 0x5a, sizeof other);
  CHECK(mrz_parse_text(text, len, &toggled, &other) == BM_OK);
  CHECK(other.format == doc.format);
  check_doc(&other, toggled.flags);
  const mrz_doc *plain = (opts.flags & MRZ_OPT_AUTOCORRECT) ? &other : &doc;
  const mrz_doc *fixed = (opts.flags & MRZ_OPT_AUTOCORRECT) ? &doc : &other;
  if (plain->valid) {
    CHECK(fixed->valid && fixed->ncorrections == 0);
    for (size_t l = 0; l < plain->nlines; l++) CHECK(strcmp(plain->text[l], fixed->text[l]) == 0);
  }
  /* A repaired document must be a real MRZ: its corrected text is valid without any help. */
  if (other.valid) check_reparse(&other, &toggled);
  return 0;
}
