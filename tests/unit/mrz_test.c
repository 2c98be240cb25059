/* mrz_test.c - unit and golden tests of the MRZ parser (src/doc/mrz.c).
 *
 * The golden test replays tests/data/mrz/mrz_corpus.tsv (103 real MRZs from five open-source
 * parsers' tests and ICAO specimens) and asserts the outcome recorded for every row, with and
 * without autocorrection. The README beside the fixture explains every row where openbmis disagrees
 * with the source's own expectation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bmis/icao.h"
#include "bmis/mrz.h"

static const bm_date TODAY = {2026, 11, 23};

#define TD3_L1 "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<"
#define TD3_L2 "L898902C36UTO7408122F1204159ZE184226B<<<<<10"
#define TD1_L1 "I<UTOD231458907<<<<<<<<<<<<<<<"
#define TD1_L2 "7408122F1204159UTO<<<<<<<<<<<6"
#define TD1_L3 "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"

static mrz_doc parse(const char *text, unsigned flags) {
  mrz_opts o = {flags, TODAY};
  mrz_doc d;
  mrz_parse_text(text, strlen(text), &o, &d);
  return d;
}

static const mrz_error *find_error(const mrz_doc *d, mrz_field f, mrz_error_code c) {
  for (unsigned i = 0; i < d->nerrors; i++)
    if (d->errors[i].field == f && d->errors[i].code == c) return &d->errors[i];
  return NULL;
}

static void test_mrz_check_digit_values(void **state) {
  (void)state;
  assert_int_equal(mrz_char_value('0'), 0);
  assert_int_equal(mrz_char_value('9'), 9);
  assert_int_equal(mrz_char_value('A'), 10);
  assert_int_equal(mrz_char_value('Z'), 35);
  assert_int_equal(mrz_char_value('<'), 0);
  assert_int_equal(mrz_char_value('a'), -1);
  assert_int_equal(mrz_char_value(' '), -1);
  /* Doc 9303 Part 3 worked examples. */
  assert_int_equal(mrz_check_digit("L898902C3", 9), 6);
  assert_int_equal(mrz_check_digit("740812", 6), 2);
  assert_int_equal(mrz_check_digit("120415", 6), 9);
  assert_int_equal(mrz_check_digit("ZE184226B<<<<<", 14), 1);
  assert_int_equal(mrz_check_digit("AB2134<<<", 9), 5);
  assert_int_equal(mrz_check_digit("L89890a", 7), -1);
}

static void test_mrz_td3_specimen(void **state) {
  (void)state;
  mrz_doc d = parse(TD3_L1 "\n" TD3_L2, 0);
  assert_int_equal(d.format, MRZ_FORMAT_TD3);
  assert_true(d.valid);
  char buf[64];
  mrz_span_text(&d, d.surname, buf, sizeof buf);
  assert_string_equal(buf, "ERIKSSON");
  mrz_span_text(&d, d.given_names, buf, sizeof buf);
  assert_string_equal(buf, "ANNA MARIA");
  mrz_span_text(&d, d.issuing_state, buf, sizeof buf);
  assert_string_equal(buf, "UTO");
  mrz_span_text(&d, d.optional_data, buf, sizeof buf);
  assert_string_equal(buf, "ZE184226B");
  assert_string_equal(d.document_number, "L898902C3");
  assert_int_equal(d.birth_date.date.year, 1974);
  assert_int_equal(d.birth_date.date.month, 8);
  assert_int_equal(d.birth_date.date.day, 12);
  assert_int_equal(d.expiry_date.date.year, 2012);
  assert_int_equal(d.sex, 'F');
  assert_int_equal(d.checks_present, 0x1f);
  assert_int_equal(d.checks_ok, 0x1f);
}

static void test_mrz_td1_specimen_and_separators(void **state) {
  (void)state;
  const char *forms[] = {
      TD1_L1 "|" TD1_L2 "|" TD1_L3,
      TD1_L1 "\n" TD1_L2 "\n" TD1_L3 "\n",
      "  " TD1_L1 " \r\n\n" TD1_L2 "\t\r\n" TD1_L3 "  ",
  };
  for (size_t i = 0; i < BM_COUNTOF(forms); i++) {
    mrz_doc d = parse(forms[i], 0);
    assert_int_equal(d.format, MRZ_FORMAT_TD1);
    assert_true(d.valid);
    assert_string_equal(d.document_number, "D23145890");
    assert_true(mrz_doc_has_check(&d, MRZ_CHECK_COMPOSITE));
    assert_false(mrz_doc_has_check(&d, MRZ_CHECK_OPTIONAL_DATA));
    char buf[64];
    mrz_span_text(&d, d.given_names, buf, sizeof buf);
    assert_string_equal(buf, "ANNA MARIA");
  }
}

static void test_mrz_visas_have_no_composite(void **state) {
  (void)state;
  mrz_doc a = parse("V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<|"
                    "L8988901C4XXX4009078F96121096ZE184226B<<<<<<",
                    0);
  assert_int_equal(a.format, MRZ_FORMAT_MRVA);
  assert_true(a.valid);
  assert_false(mrz_doc_has_check(&a, MRZ_CHECK_COMPOSITE));
  assert_false(mrz_doc_has_check(&a, MRZ_CHECK_OPTIONAL_DATA));
  assert_int_equal(a.expiry_date.date.year, 1996);
  char buf[64];
  mrz_span_text(&a, a.nationality, buf, sizeof buf);
  assert_string_equal(buf, "XXX");
  mrz_doc b = parse("V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<|L8988901C4XXX4009078F9612109<<<<<<<<", 0);
  assert_int_equal(b.format, MRZ_FORMAT_MRVB);
  assert_true(b.valid);
  assert_int_equal(b.checks_present, 0x07);
}

static void test_mrz_long_document_numbers_both_variants(void **state) {
  (void)state;
  /* TD2 Part 6 specimen: D23145890734, the '<' excluded. */
  mrz_doc d = parse("I<UTOSTEVENSON<<PETER<JOHN<<<<<<<<<<|D23145890<UTO3407127M95071227349<<<8", 0);
  assert_true(d.valid);
  assert_true(d.long_document_number);
  assert_string_equal(d.document_number, "D23145890734");
  /* Belgian BEL-BO-03003 verifies only with the '<' included. */
  mrz_doc b = parse("IDBEL000590240<6013<<<<<<<<<<<|8512017F1311048BEL851201002007|"
                    "REINARTZ<<ULRIKE<KATIA<E<<<<<<",
                    0);
  assert_true(b.valid);
  assert_string_equal(b.document_number, "000590240601");
  /* A wrong continuation digit is reported at its own position. */
  mrz_doc w = parse("IDBEL000590240<6012<<<<<<<<<<<|8512017F1311048BEL851201002007|"
                    "REINARTZ<<ULRIKE<KATIA<E<<<<<<",
                    0);
  assert_false(w.valid);
  const mrz_error *e = find_error(&w, MRZ_FIELD_DOCUMENT_NUMBER, MRZ_E_CHECK_DIGIT);
  assert_non_null(e);
  assert_int_equal(e->line, 1);
  assert_int_equal(e->column, 19);
}

static void test_mrz_td3_optional_check_digit_rule(void **state) {
  (void)state;
  /* Empty personal number: '<' and '0' both accepted as its check digit. */
  mrz_doc a = parse(
      "P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<|C01X0006H1D<<6408125F1710319<<<<<<<<<<<<<<<0",
      0);
  assert_true(a.valid);
  assert_true(mrz_doc_check_ok(&a, MRZ_CHECK_OPTIONAL_DATA));
  mrz_doc b = parse(
      "P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<|C01X0006H1D<<6408125F17103190<<<<<<<<<<<<<<0",
      0);
  /* The '0' moved into the data: now the field is not empty and needs its real digit. */
  assert_false(b.valid);
  /* Present data with a '<' check digit is an error (JMRTD bug #85). */
  mrz_doc c = parse(TD3_L1 "|L898902C36UTO7408122F1204159ZE184226B<<<<<<0", 0);
  assert_false(c.valid);
  const mrz_error *e = find_error(&c, MRZ_FIELD_OPTIONAL_DATA_CHECK, MRZ_E_CHARSET);
  assert_non_null(e);
  assert_int_equal(e->column, 43);
}

static void test_mrz_blind_spot_letter_in_date(void **state) {
  (void)state;
  /* 'E' = 14 = 4 mod 10: every check digit verifies, the charset does not. */
  mrz_doc d = parse(TD3_L1 "|L898902C36UTO7408122F120E159ZE184226B<<<<<10", 0);
  assert_false(d.valid);
  assert_true(mrz_doc_check_ok(&d, MRZ_CHECK_EXPIRY_DATE));
  assert_true(mrz_doc_check_ok(&d, MRZ_CHECK_COMPOSITE));
  const mrz_error *e = find_error(&d, MRZ_FIELD_EXPIRY_DATE, MRZ_E_CHARSET);
  assert_non_null(e);
  assert_int_equal(e->line, 2);
  assert_int_equal(e->column, 25);
  assert_int_equal(e->found, 'E');
  /* Not repaired by autocorrection: E is not an OCR confusion of a digit. */
  mrz_doc a = parse(TD3_L1 "|L898902C36UTO7408122F120E159ZE184226B<<<<<10", MRZ_OPT_AUTOCORRECT);
  assert_false(a.valid);
  assert_int_equal(a.ncorrections, 0);
}

static void test_mrz_errors_point_at_field_line_column(void **state) {
  (void)state;
  mrz_doc d = parse(TD3_L1 "|L898902C37UTO7408122X1204159ZE184226B<<<<<10", 0);
  assert_false(d.valid);
  const mrz_error *e = find_error(&d, MRZ_FIELD_DOCUMENT_NUMBER, MRZ_E_CHECK_DIGIT);
  assert_non_null(e);
  assert_int_equal(e->line, 2);
  assert_int_equal(e->column, 10);
  assert_int_equal(e->found, '7');
  assert_int_equal(e->expected, '6');
  char msg[256];
  mrz_error_message(e, msg, sizeof msg);
  assert_non_null(strstr(msg, "document number"));
  assert_non_null(strstr(msg, "'6'"));
  e = find_error(&d, MRZ_FIELD_SEX, MRZ_E_SEX);
  assert_non_null(e);
  assert_int_equal(e->column, 21);
  assert_int_equal(d.sex, 0);
  e = find_error(&d, MRZ_FIELD_COMPOSITE_CHECK, MRZ_E_CHECK_DIGIT);
  assert_non_null(e);
  assert_int_equal(e->column, 44);
}

static void test_mrz_state_codes(void **state) {
  (void)state;
  assert_true(mrz_state_code_valid("D<<"));
  assert_true(mrz_state_code_valid("UTO"));
  assert_true(mrz_state_code_valid("XXA"));
  assert_true(mrz_state_code_valid("GBN"));
  assert_true(mrz_state_code_valid("EUE"));
  assert_true(mrz_state_code_valid("UNK"));
  assert_true(mrz_state_code_valid("XPO"));
  assert_false(mrz_state_code_valid("IAO")); /* master-list signer only */
  assert_false(mrz_state_code_valid("D<A"));
  assert_false(mrz_state_code_valid("ZZZ"));
  assert_false(mrz_state_code_valid("UT0"));
  assert_false(mrz_state_code_valid("<<<"));
  const icao_state *s = icao_state_find("D", 1);
  assert_non_null(s);
  assert_string_equal(s->alpha2, "DE");
  assert_null(icao_state_find("QQQ", 3));
  /* Every code of the fixture is accepted, except IAO. */
  FILE *f = fopen(BMIS_TEST_DATA "/mrz/icao_state_codes.tsv", "r");
  assert_non_null(f);
  char line[1024];
  int n = 0;
  while (fgets(line, sizeof line, f)) {
    if (line[0] == '#' || strncmp(line, "alpha3_mrz", 10) == 0) continue;
    char code[4] = "<<<";
    size_t len = strcspn(line, "\t");
    assert_true(len >= 1 && len <= 3);
    memcpy(code, line, len);
    if (strcmp(code, "IAO") == 0) continue;
    if (!mrz_state_code_valid(code)) fail_msg("state code %s rejected", code);
    n++;
  }
  fclose(f);
  assert_int_equal(n, 279);
}

static void test_mrz_dates_century_and_calendar(void **state) {
  (void)state;
  /* Birth 261122 is yesterday relative to TODAY: 2026. 261124 is tomorrow: 1926. */
  mrz_doc a = parse(TD3_L1 "|L898902C36UTO2611228F3001019<<<<<<<<<<<<<<<6", 0);
  assert_int_equal(a.birth_date.date.year, 2026);
  mrz_doc b = parse(TD3_L1 "|L898902C36UTO2611240F3001019<<<<<<<<<<<<<<<6", 0);
  assert_int_equal(b.birth_date.date.year, 1926);
  assert_int_equal(b.expiry_date.date.year, 2030);
  /* Expiry 46 -> 2046 (within 20 years), 47 -> 1947. */
  mrz_doc c = parse(TD3_L1 "|L898902C36UTO7408122F4612311<<<<<<<<<<<<<<<4", 0);
  assert_int_equal(c.expiry_date.date.year, 2046);
  mrz_doc e = parse(TD3_L1 "|L898902C36UTO7408122F4712314<<<<<<<<<<<<<<<4", 0);
  assert_int_equal(e.expiry_date.date.year, 1947);
  /* 29 February exists in 2000 but not in 1900 (inferred century matters). */
  mrz_doc f = parse(TD3_L1 "|L898902C36UTO0002299F3001019<<<<<<<<<<<<<<<2", 0);
  assert_null(find_error(&f, MRZ_FIELD_BIRTH_DATE, MRZ_E_DATE));
  mrz_doc g = parse(TD3_L1 "|L898902C36UTO7402290F3001019<<<<<<<<<<<<<<<0", 0);
  assert_non_null(find_error(&g, MRZ_FIELD_BIRTH_DATE, MRZ_E_DATE));
  /* Unknown day and month of birth: valid, output raw. */
  mrz_doc h = parse(TD3_L1 "|L898902C36UTO74<<<<1F3001019<<<<<<<<<<<<<<<2", 0);
  assert_true(h.birth_date.partial);
  assert_string_equal(h.birth_date.raw, "74<<<<");
  assert_null(find_error(&h, MRZ_FIELD_BIRTH_DATE, MRZ_E_DATE));
}

static void test_mrz_autocorrect_confirmed_only(void **state) {
  (void)state;
  /* OCR: 74O812 with 'O' for 0 in the birth date, and check digit 'Z' for 2. */
  mrz_doc d = parse(TD3_L1 "|L898902C36UTO74O812ZF1204159ZE184226B<<<<<10", MRZ_OPT_AUTOCORRECT);
  assert_true(d.valid);
  assert_int_equal(d.ncorrections, 2);
  assert_int_equal(d.corrections[0].line, 2);
  assert_int_equal(d.corrections[0].column, 16);
  assert_int_equal(d.corrections[0].from, 'O');
  assert_int_equal(d.corrections[0].to, '0');
  assert_int_equal(d.corrections[1].column, 20);
  assert_int_equal(d.text[1][15], '0');
  /* Without the option nothing is touched. */
  mrz_doc n = parse(TD3_L1 "|L898902C36UTO74O812ZF1204159ZE184226B<<<<<10", 0);
  assert_false(n.valid);
  assert_int_equal(n.ncorrections, 0);
  assert_int_equal(n.text[1][15], 'O');
  /* Document number with O for 0: letters and digits are both allowed there, so the repair is made
   * only because exactly one of the readings (KP1O34TX7, KPIO34TX7, KP1034TX7, KPI034TX7) verifies.
   */
  mrz_doc m = parse(TD3_L1 "|KP1O34TX78UTO7408122F1204159ZE184226B<<<<<16", MRZ_OPT_AUTOCORRECT);
  assert_true(m.valid);
  assert_string_equal(m.document_number, "KP1034TX7");
  assert_int_equal(m.ncorrections, 1);
  /* L8989O2C3: three readings verify (L898902C3, LB9B902C3, LB9890ZC3): ambiguous, left alone. */
  mrz_doc amb = parse(TD3_L1 "|L8989O2C36UTO7408122F1204159ZE184226B<<<<<10", MRZ_OPT_AUTOCORRECT);
  assert_false(amb.valid);
  assert_int_equal(amb.ncorrections, 0);
  /* A repair the check digit does not confirm is not made. */
  mrz_doc x = parse(TD3_L1 "|L898902C36UTO74O813ZF1204159ZE184226B<<<<<10", MRZ_OPT_AUTOCORRECT);
  assert_false(x.valid);
  assert_int_equal(x.text[1][15], 'O');
  /* Names are never repaired: no check digit covers them. */
  mrz_doc y = parse("P<UTOERIK55ON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<|" TD3_L2, MRZ_OPT_AUTOCORRECT);
  assert_false(y.valid);
  assert_int_equal(y.ncorrections, 0);
}

static void test_mrz_shapes_rejected_with_reason(void **state) {
  (void)state;
  mrz_opts o = {0, TODAY};
  mrz_doc d;
  assert_int_equal(mrz_parse_text("P<UTO", 5, &o, &d), BM_ERR_INVALID);
  assert_int_equal(d.format, MRZ_FORMAT_UNKNOWN);
  assert_int_equal(d.nerrors, 1);
  assert_int_equal(d.errors[0].code, MRZ_E_LENGTH);
  assert_int_equal(mrz_parse_text(TD3_L1 "|" TD1_L2, strlen(TD3_L1 "|" TD1_L2), &o, &d),
                   BM_ERR_INVALID);
  assert_int_equal(d.errors[0].line, 2);
  assert_int_equal(d.errors[0].extra, 30);
  const char *four = "A|B|C|D";
  assert_int_equal(mrz_parse_text(four, strlen(four), &o, &d), BM_ERR_INVALID);
  assert_int_equal(d.errors[0].extra, 4);
  char big[MRZ_TEXT_BYTES_MAX + 2];
  memset(big, '<', sizeof big);
  assert_int_equal(mrz_parse_text(big, sizeof big, &o, &d), BM_ERR_LIMIT);
  assert_int_equal(mrz_parse(NULL, NULL, 2, &o, &d), BM_ERR_USAGE);
  assert_int_equal(mrz_parse_text("", 0, &o, &d), BM_ERR_INVALID);
}

static void test_mrz_document_codes_per_format(void **state) {
  (void)state;
  /* A TD3 must be a passport (P...). */
  mrz_doc d = parse("I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<|" TD3_L2, 0);
  assert_non_null(find_error(&d, MRZ_FIELD_DOCUMENT_CODE, MRZ_E_FORMAT));
  /* A TD1 card may be A, C or I. */
  mrz_doc t = parse("P<UTOD231458907<<<<<<<<<<<<<<<|" TD1_L2 "|" TD1_L3, 0);
  assert_non_null(find_error(&t, MRZ_FIELD_DOCUMENT_CODE, MRZ_E_FORMAT));
  mrz_doc c = parse("AC"
                    "UTOD231458907<<<<<<<<<<<<<<<|" TD1_L2 "|" TD1_L3,
                    0);
  assert_null(find_error(&c, MRZ_FIELD_DOCUMENT_CODE, MRZ_E_FORMAT));
}

static void test_mrz_names_edge_cases(void **state) {
  (void)state;
  char buf[64];
  /* No primary identifier. */
  mrz_doc a = parse("P<UTO<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<<<<<<<<<|" TD3_L2, 0);
  assert_true(a.valid);
  assert_int_equal(mrz_span_text(&a, a.surname, buf, sizeof buf), 0);
  mrz_span_text(&a, a.given_names, buf, sizeof buf);
  assert_string_equal(buf, "ANNA MARIA");
  /* No secondary identifier; a full field (possibly truncated) keeps its last letter. */
  mrz_doc b = parse("P<UTOERIKSSONXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX|" TD3_L2, 0);
  assert_true(b.valid);
  assert_int_equal(mrz_span_text(&b, b.surname, buf, sizeof buf), 39);
  assert_int_equal(mrz_span_text(&b, b.given_names, buf, sizeof buf), 0);
  /* Truncated copy: returns the full length, writes what fits. */
  assert_int_equal(mrz_span_text(&b, b.surname, buf, 5), 39);
  assert_string_equal(buf, "ERIK");
  /* Empty name field is a format error. */
  mrz_doc c = parse("P<UTO<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<|" TD3_L2, 0);
  assert_non_null(find_error(&c, MRZ_FIELD_NAME, MRZ_E_FORMAT));
}

static void test_mrz_french_identity_card(void **state) {
  (void)state;
  mrz_doc d = parse("IDFRATEST<NAME<<<<<<<<<<<<<<<<0CHE02|1710GVA123451ROBERTA<<<<<<<9112311F2", 0);
  assert_int_equal(d.format, MRZ_FORMAT_FRA_ID);
  assert_true(d.valid);
  char buf[64];
  mrz_span_text(&d, d.surname, buf, sizeof buf);
  assert_string_equal(buf, "TEST NAME");
  mrz_span_text(&d, d.given_names, buf, sizeof buf);
  assert_string_equal(buf, "ROBERTA");
  assert_string_equal(d.document_number, "1710GVA12345");
  assert_int_equal(d.birth_date.date.year, 1991);
  /* Recognition can be switched off: then it is a TD2 (and invalid as one). */
  mrz_doc t = parse("IDFRATEST<NAME<<<<<<<<<<<<<<<<0CHE02|1710GVA123451ROBERTA<<<<<<<9112311F2",
                    MRZ_OPT_NO_NATIONAL);
  assert_int_equal(t.format, MRZ_FORMAT_TD2);
  assert_false(t.valid);
}

/* Splits a TSV line in place. */
static int split_tabs(char *line, char **cols, int max) {
  int n = 0;
  char *p = line;
  while (n < max) {
    cols[n++] = p;
    char *t = strchr(p, '\t');
    if (t == NULL) break;
    *t = '\0';
    p = t + 1;
  }
  char *nl = strchr(cols[n - 1], '\n');
  if (nl) *nl = '\0';
  return n;
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* FORMAT:VALID or FORMAT:INVALID:code@field,... (sorted), as in the fixture. */
static void outcome(const mrz_doc *d, char *out, size_t cap) {
  char items[MRZ_ERRORS_MAX][64];
  char *ptrs[MRZ_ERRORS_MAX];
  for (unsigned i = 0; i < d->nerrors; i++) {
    snprintf(items[i], sizeof items[i], "%s@%s",
             mrz_error_code_name((mrz_error_code)d->errors[i].code),
             mrz_field_name((mrz_field)d->errors[i].field));
    ptrs[i] = items[i];
  }
  qsort(ptrs, d->nerrors, sizeof ptrs[0], cmp_str);
  int n = snprintf(out, cap, "%s:%s", mrz_format_name(d->format), d->valid ? "VALID" : "INVALID");
  for (unsigned i = 0; i < d->nerrors && (size_t)n < cap; i++)
    n += snprintf(out + n, cap - (size_t)n, "%s%s", i ? "," : ":", ptrs[i]);
}

static void test_mrz_golden_corpus(void **state) {
  (void)state;
  FILE *f = fopen(BMIS_TEST_DATA "/mrz/mrz_corpus.tsv", "r");
  assert_non_null(f);
  char line[4096];
  assert_non_null(fgets(line, sizeof line, f)); /* header */
  int rows = 0, valid = 0, failures = 0;
  while (fgets(line, sizeof line, f)) {
    char *cols[12];
    int n = split_tabs(line, cols, 12);
    assert_true(n >= 10);
    const char *mrz = cols[2], *want = cols[8], *want_ac = cols[9];
    rows++;
    for (int ac = 0; ac < 2; ac++) {
      mrz_doc d = parse(mrz, ac ? MRZ_OPT_AUTOCORRECT : 0);
      char got[1024];
      outcome(&d, got, sizeof got);
      const char *w = ac ? want_ac : want;
      if (strcmp(got, w) != 0) {
        print_error("row %d%s: %s\n  want %s\n  got  %s\n", rows, ac ? " (autocorrect)" : "", mrz,
                    w, got);
        failures++;
      }
      if (!ac && d.valid) valid++;
      /* Corrections appear only with autocorrection. */
      if (!ac) assert_int_equal(d.ncorrections, 0);
    }
  }
  fclose(f);
  assert_int_equal(failures, 0);
  assert_int_equal(rows, 103);
  /* Guard against a fixture that silently lost its positive cases. */
  assert_int_equal(valid, 54);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_mrz_check_digit_values),
      cmocka_unit_test(test_mrz_td3_specimen),
      cmocka_unit_test(test_mrz_td1_specimen_and_separators),
      cmocka_unit_test(test_mrz_visas_have_no_composite),
      cmocka_unit_test(test_mrz_long_document_numbers_both_variants),
      cmocka_unit_test(test_mrz_td3_optional_check_digit_rule),
      cmocka_unit_test(test_mrz_blind_spot_letter_in_date),
      cmocka_unit_test(test_mrz_errors_point_at_field_line_column),
      cmocka_unit_test(test_mrz_state_codes),
      cmocka_unit_test(test_mrz_dates_century_and_calendar),
      cmocka_unit_test(test_mrz_autocorrect_confirmed_only),
      cmocka_unit_test(test_mrz_shapes_rejected_with_reason),
      cmocka_unit_test(test_mrz_document_codes_per_format),
      cmocka_unit_test(test_mrz_names_edge_cases),
      cmocka_unit_test(test_mrz_french_identity_card),
      cmocka_unit_test(test_mrz_golden_corpus),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
