/* edifact_test.c - unit tests of the EDIFACT reader (src/edifact/edi_reader.c): separators, release
 * characters, character sets, envelopes and their counts, junk, limits, lenient vs strict, and
 * every sample of tests/data/edifact read without a fatal error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bmis/edifact.h"

#define DIAGS_MAX 64

typedef struct collected {
  edi_diag d[DIAGS_MAX];
  unsigned n;
} collected;

static void collect(void *ctx, const edi_diag *d) {
  collected *c = ctx;
  if (c->n < DIAGS_MAX) c->d[c->n++] = *d;
}

/* Read all segments of text; returns how many were returned. */
static unsigned read_all(const char *text, size_t len, unsigned flags, collected *c,
                         edi_segment *segs, unsigned max) {
  edi_reader r;
  edi_opts o = {flags, collect, c};
  memset(c, 0, sizeof *c);
  assert_int_equal(edi_reader_init(&r, text, len, &o), BM_OK);
  static edi_segment seg;
  unsigned n = 0;
  while (edi_reader_next(&r, &seg) == BM_OK) {
    if (n < max) segs[n] = seg;
    n++;
  }
  assert_int_equal(edi_reader_next(&r, &seg), BM_ERR_NOTFOUND);
  return n;
}

static const edi_diag *find(const collected *c, edi_code code) {
  for (unsigned i = 0; i < c->n; i++)
    if (c->d[i].code == code) return &c->d[i];
  return NULL;
}

static void text_of(const edi_segment *s, unsigned e, unsigned k, char *out, size_t cap) {
  edi_unescape(s, edi_component(s, e, k), out, cap, NULL);
}

#define ENV(body)  "UNB+UNOA:4+S+R+261120:0900+C1'UNH+M1+PAXLST:D:05B:UN:IATA'" body
#define TRAILER(n) "UNT+" #n "+M1'UNZ+1+C1'"

static void test_edi_default_separators_and_components(void **state) {
  (void)state;
  const char *t = ENV("NAD+FL+++SMITH:JOHN:PAUL'") TRAILER(3);
  static edi_segment segs[8];
  collected c;
  unsigned n = read_all(t, strlen(t), EDI_OPT_STRICT, &c, segs, 8);
  assert_int_equal(n, 5);
  assert_int_equal(c.n, 0);
  assert_string_equal(segs[2].tag, "NAD");
  assert_int_equal(segs[2].index, 3);
  assert_true(segs[2].in_message);
  assert_int_equal(segs[2].nelements, 4);
  char buf[32];
  text_of(&segs[2], 4, 1, buf, sizeof buf);
  assert_string_equal(buf, "SMITH");
  text_of(&segs[2], 4, 3, buf, sizeof buf);
  assert_string_equal(buf, "PAUL");
  assert_int_equal(edi_component(&segs[2], 4, 4).len, 0);
  assert_int_equal(edi_component(&segs[2], 2, 1).len, 0);
  assert_int_equal(edi_component(&segs[2], 9, 1).len, 0);
}

static void test_edi_release_characters(void **state) {
  (void)state;
  /* O'BRIEN, a released plus and colon, and a released release before the terminator. */
  const char *t = ENV("NAD+FL+++O?'BRIEN:A?+B?:C'DOC+P+X1?\?'") TRAILER(4);
  static edi_segment segs[8];
  collected c;
  unsigned n = read_all(t, strlen(t), EDI_OPT_STRICT, &c, segs, 8);
  assert_int_equal(n, 6);
  assert_int_equal(c.n, 0);
  char buf[32];
  text_of(&segs[2], 4, 1, buf, sizeof buf);
  assert_string_equal(buf, "O'BRIEN");
  text_of(&segs[2], 4, 2, buf, sizeof buf);
  assert_string_equal(buf, "A+B:C");
  text_of(&segs[3], 2, 1, buf, sizeof buf);
  assert_string_equal(buf, "X1?");
  /* A release before an ordinary character: dropped, reported. */
  const char *t2 = ENV("COM+SUPPORT?@EXAMPLE.ORG:EM'") TRAILER(3);
  n = read_all(t2, strlen(t2), 0, &c, segs, 8);
  assert_int_equal(n, 5);
  const edi_diag *d = find(&c, EDI_C_RELEASE);
  assert_non_null(d);
  assert_int_equal(d->severity, EDI_WARNING);
  assert_int_equal(d->d.segment, 3);
  assert_string_equal(d->tag, "COM");
  unsigned fl = 0;
  edi_unescape(&segs[2], edi_component(&segs[2], 1, 1), buf, sizeof buf, &fl);
  assert_string_equal(buf, "SUPPORT@EXAMPLE.ORG");
  assert_true(fl & EDI_TEXT_RELEASE);
}

static void test_edi_una_any_separators(void **state) {
  (void)state;
  const char *t = "UNA|#,!~\"UNB#UNOA|4#S#R#261120|0900#C1\"\r\n"
                  "UNH#M1#PAXLST|D|05B|UN|IATA\"\r\nNAD#FL###A!#B!\"C|D~E|F\"\r\n"
                  "UNT#3#M1\"\r\nUNZ#1#C1\"\r\n";
  static edi_segment segs[8];
  collected c;
  unsigned n = read_all(t, strlen(t), EDI_OPT_STRICT, &c, segs, 8);
  assert_int_equal(n, 5);
  assert_int_equal(c.n, 0);
  assert_int_equal(segs[0].index, 2); /* the UNA is segment 1 */
  assert_int_equal(segs[2].seps.repetition, '~');
  char buf[32];
  text_of(&segs[2], 4, 1, buf, sizeof buf);
  assert_string_equal(buf, "A#B\"C");
  text_of(&segs[2], 4, 2, buf, sizeof buf);
  assert_string_equal(buf, "D");
  bm_slice rep = edi_repetition(&segs[2], 4, 2);
  assert_int_equal(rep.len, 3);
  assert_memory_equal(rep.ptr, "E|F", 3);
  /* A UNA with clashing characters: defaults, reported. */
  const char *bad = "UNA++.? 'UNB+UNOA:4+S+R+1:1+C1'UNZ+0+C1'";
  read_all(bad, strlen(bad), 0, &c, segs, 8);
  assert_non_null(find(&c, EDI_C_UNA));
}

static void test_edi_counts_and_references_checked(void **state) {
  (void)state;
  const char *t = ENV("BGM+745'") "UNT+9+M2'UNZ+2+C9'";
  static edi_segment segs[8];
  collected c;
  read_all(t, strlen(t), 0, &c, segs, 8);
  const edi_diag *d = find(&c, EDI_C_COUNT);
  assert_non_null(d);
  assert_string_equal(d->tag, "UNT");
  assert_int_equal(d->d.segment, 4);
  assert_int_equal(d->severity, EDI_WARNING);
  unsigned counts = 0, refs = 0;
  for (unsigned i = 0; i < c.n; i++) {
    counts += c.d[i].code == EDI_C_COUNT;
    refs += c.d[i].code == EDI_C_REFERENCE;
  }
  assert_int_equal(counts, 2);
  assert_int_equal(refs, 2);
  /* Strict: the same findings are errors. */
  read_all(t, strlen(t), EDI_OPT_STRICT, &c, segs, 8);
  for (unsigned i = 0; i < c.n; i++) assert_int_equal(c.d[i].severity, EDI_ERROR);
  assert_true(c.n >= 4);
}

static void test_edi_several_interchanges_with_junk(void **state) {
  (void)state;
  const char *one = ENV("BGM+745'") TRAILER(3);
  char t[1024];
  snprintf(t, sizeof t, "%s\n-- junk line --\nUNA:+.? '%s\n13Nov09\n", one, one);
  static edi_segment segs[16];
  collected c;
  unsigned n = read_all(t, strlen(t), 0, &c, segs, 16);
  assert_int_equal(n, 10);
  unsigned junk = 0;
  for (unsigned i = 0; i < c.n; i++) {
    junk += c.d[i].code == EDI_C_JUNK;
    assert_int_equal(c.d[i].severity, EDI_WARNING);
  }
  assert_int_equal(junk, 2);
  assert_int_equal(c.n, 2);
}

static void test_edi_missing_trailers_reported(void **state) {
  (void)state;
  const char *t = "UNB+UNOA:4+S+R+1:1+C1'UNH+M1+PAXLST:D:05B:UN:IATA'BGM+745'"
                  "UNH+M2+PAXLST:D:05B:UN:IATA'BGM+745'";
  static edi_segment segs[8];
  collected c;
  read_all(t, strlen(t), 0, &c, segs, 8);
  unsigned env = 0;
  for (unsigned i = 0; i < c.n; i++) env += c.d[i].code == EDI_C_ENVELOPE;
  assert_int_equal(env, 3); /* M1 and M2 without UNT, no UNZ */
}

static void test_edi_whitespace_and_crlf(void **state) {
  (void)state;
  const char *t = "UNB+UNOA:4+S+R+1:1+C1'\r\nUNH+M1+PAXLST:D:05B:UN:IATA'\r\n  BGM+745'\r\n"
                  "UNT+3+M1'\r\nUNZ+1+C1'\r\n";
  static edi_segment segs[8];
  collected c;
  unsigned n = read_all(t, strlen(t), 0, &c, segs, 8);
  assert_int_equal(n, 5);
  assert_int_equal(c.n, 1);
  assert_int_equal(c.d[0].code, EDI_C_WHITESPACE);
  assert_int_equal(c.d[0].d.segment, 3);
  assert_string_equal(c.d[0].tag, "BGM");
}

static void test_edi_charsets_and_latin1(void **state) {
  (void)state;
  /* UNOA: lower case and a Latin-1 byte are reported; the text is still converted to UTF-8. */
  const char *t = ENV("NAD+FL+++M\xDCLLER:j'") TRAILER(3);
  static edi_segment segs[8];
  collected c;
  read_all(t, strlen(t), 0, &c, segs, 8);
  const edi_diag *d = find(&c, EDI_C_CHARSET);
  assert_non_null(d);
  assert_int_equal(d->d.segment, 3);
  char buf[32];
  unsigned fl = 0;
  edi_unescape(&segs[2], edi_component(&segs[2], 4, 1), buf, sizeof buf, &fl);
  assert_string_equal(buf, "M\xC3\x9CLLER");
  assert_true(fl & EDI_TEXT_LATIN1);
  /* UNOC: Latin-1 is the declared set, nothing to report. */
  const char *u = "UNB+UNOC:4+S+R+1:1+C1'UNH+M1+PAXLST:D:05B:UN:IATA'NAD+FL+++M\xDCLLER'"
                  "UNT+3+M1'UNZ+1+C1'";
  read_all(u, strlen(u), EDI_OPT_STRICT, &c, segs, 8);
  assert_int_equal(c.n, 0);
  text_of(&segs[2], 4, 1, buf, sizeof buf);
  assert_string_equal(buf, "M\xC3\x9CLLER");
  /* UNOY: UTF-8 kept; an invalid byte is reported. */
  const char *y = "UNB+UNOY:4+S+R+1:1+C1'UNH+M1+PAXLST:D:05B:UN:IATA'NAD+FL+++\xC3\x85SA'"
                  "NAD+FL+++\xFF'UNT+4+M1'UNZ+1+C1'";
  read_all(y, strlen(y), 0, &c, segs, 8);
  assert_int_equal(c.n, 1);
  assert_int_equal(c.d[0].d.segment, 4);
  text_of(&segs[2], 4, 1, buf, sizeof buf);
  assert_string_equal(buf, "\xC3\x85SA");
}

static void test_edi_unescape_truncates_whole_characters(void **state) {
  (void)state;
  const char *t = "UNB+UNOC:4+S+R+1:1+C1'UNH+M1+X:D:05B:UN'NAD+\xDC\xDC\xDC'UNT+3+M1'UNZ+1+C1'";
  static edi_segment segs[8];
  collected c;
  read_all(t, strlen(t), 0, &c, segs, 8);
  char buf[4];
  memset(buf, 'x', sizeof buf);
  size_t want = edi_unescape(&segs[2], edi_component(&segs[2], 1, 1), buf, sizeof buf, NULL);
  assert_int_equal(want, 6);
  assert_string_equal(buf, "\xC3\x9C"); /* a third byte would split the second character */
  assert_int_equal(edi_unescape(&segs[2], edi_component(&segs[2], 1, 1), NULL, 0, NULL), 6);
}

static void test_edi_limits(void **state) {
  (void)state;
  /* A segment over EDI_SEGMENT_BYTES_MAX is skipped with an error; the next one is read. */
  size_t big = EDI_SEGMENT_BYTES_MAX + 100;
  char *t = malloc(big + 200);
  assert_non_null(t);
  strcpy(t, "UNB+UNOA:4+S+R+1:1+C1'UNH+M1+X:D:05B:UN'FTX+");
  size_t n = strlen(t);
  memset(t + n, 'A', big);
  n += big;
  strcpy(t + n, "'BGM+745'UNT+4+M1'UNZ+1+C1'");
  static edi_segment segs[8];
  collected c;
  unsigned got = read_all(t, strlen(t), 0, &c, segs, 8);
  assert_int_equal(got, 5);
  const edi_diag *d = find(&c, EDI_C_LIMIT);
  assert_non_null(d);
  assert_int_equal(d->severity, EDI_ERROR);
  assert_int_equal(d->d.segment, 3);
  assert_null(find(&c, EDI_C_COUNT)); /* the skipped segment still counts for UNT */
  /* Too many elements. */
  strcpy(t, "UNB+UNOA:4+S+R+1:1+C1'UNH+M1+X:D:05B:UN'FTX");
  n = strlen(t);
  for (int i = 0; i < EDI_ELEMENTS_MAX + 5; i++) t[n++] = '+';
  strcpy(t + n, "'UNT+3+M1'UNZ+1+C1'");
  got = read_all(t, strlen(t), 0, &c, segs, 8);
  assert_int_equal(got, 5);
  assert_int_equal(segs[2].nelements, EDI_ELEMENTS_MAX);
  assert_non_null(find(&c, EDI_C_LIMIT));
  free(t);
}

static void test_edi_garbage_never_fatal(void **state) {
  (void)state;
  const char *inputs[] = {"",
                          "UNA",
                          "UNA:+.? '",
                          "'''''",
                          "?",
                          "UNB+",
                          "UNH+1+PAXLST'BGM+745'",
                          "\xEF\xBB\xBFUNB+UNOA:4+S+R+1:1+C1'UNZ+0+C1'",
                          "UNB+UNOA:4+S+R+1:1+C1'?\?"};
  for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
    static edi_segment segs[8];
    collected c;
    read_all(inputs[i], strlen(inputs[i]), 0, &c, segs, 8);
  }
}

/* Every sample file reads to the end; its known faults are warnings, and errors in strict mode. */
static void test_edi_samples_read(void **state) {
  (void)state;
  static const char *const files[] = {"gtas/Test1.txt",
                                      "gtas/Test3.txt",
                                      "gtas/airline2.edi",
                                      "gtas/multiple_flight_leg_apis.txt",
                                      "gtas/apisMessage.txt",
                                      "minelytics/text_001_wco_sample_paxlst.txt",
                                      "minelytics/API_50157_YY123_IAD_BRU_20200506.txt"};
  /* Known faults (see tests/data/edifact/README.md). */
  static const edi_code faults[] = {EDI_C_COUNT,      EDI_C_CHARSET, EDI_C_WHITESPACE, EDI_C_JUNK,
                                    EDI_C_WHITESPACE, EDI_C_CHARSET, EDI_C_CHARSET};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    char path[512];
    snprintf(path, sizeof path, "%s/edifact/%s", BMIS_TEST_DATA, files[i]);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[65536];
    size_t len = fread(buf, 1, sizeof buf, f);
    fclose(f);
    static edi_segment segs[4];
    collected c;
    unsigned n = read_all(buf, len, 0, &c, segs, 4);
    assert_true(n > 30);
    const edi_diag *d = find(&c, faults[i]);
    if (d == NULL) fail_msg("%s: expected a %s diagnostic", files[i], edi_code_name(faults[i]));
    assert_int_equal(d->severity, EDI_WARNING);
    assert_true(d->tag[0] != '\0' || d->code == EDI_C_JUNK);
    read_all(buf, len, EDI_OPT_STRICT, &c, segs, 4);
    d = find(&c, faults[i]);
    assert_non_null(d);
    assert_int_equal(d->severity, EDI_ERROR);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_edi_default_separators_and_components),
      cmocka_unit_test(test_edi_release_characters),
      cmocka_unit_test(test_edi_una_any_separators),
      cmocka_unit_test(test_edi_counts_and_references_checked),
      cmocka_unit_test(test_edi_several_interchanges_with_junk),
      cmocka_unit_test(test_edi_missing_trailers_reported),
      cmocka_unit_test(test_edi_whitespace_and_crlf),
      cmocka_unit_test(test_edi_charsets_and_latin1),
      cmocka_unit_test(test_edi_unescape_truncates_whole_characters),
      cmocka_unit_test(test_edi_limits),
      cmocka_unit_test(test_edi_garbage_never_fatal),
      cmocka_unit_test(test_edi_samples_read),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
