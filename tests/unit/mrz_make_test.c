/* mrz_make_test.c - MRZ generation: ICAO specimens, long document numbers, name truncation, every
 * rejected input, and a round trip of generated documents through mrz_parse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "bmis/icao.h"
#include "bmis/mrz.h"

/* The Doc 9303 specimen holder: Anna Maria Eriksson of Utopia. */
static mrz_fields eriksson(mrz_format format) {
  mrz_fields f = {0};
  f.format = format;
  f.issuing_state = "UTO";
  f.surname = "Eriksson";
  f.given_names = "Anna Maria";
  f.document_number = "D23145890";
  f.nationality = "UTO";
  f.birth_date = "1974-08-12";
  f.sex = "F";
  f.expiry_date = "2012-04-15";
  return f;
}

static void expect_mrz(const mrz_fields *f, const char *l1, const char *l2, const char *l3) {
  mrz_lines out;
  bm_diag diag;
  bm_err err = mrz_make(f, &out, &diag);
  if (err != BM_OK) fail_msg("mrz_make failed: %s: %s", diag.field, diag.message);
  assert_int_equal(out.nlines, l3 != NULL ? 3 : 2);
  assert_int_equal(out.line_len, strlen(l1));
  assert_string_equal(out.line[0], l1);
  assert_string_equal(out.line[1], l2);
  if (l3 != NULL) assert_string_equal(out.line[2], l3);
}

/* The name field of a document with these names, and whether mrz_make says it truncated it. */
static void expect_name(mrz_format format, const char *surname, const char *given, const char *want,
                        bool truncated) {
  mrz_fields f = eriksson(format);
  if (format == MRZ_FORMAT_MRVA || format == MRZ_FORMAT_MRVB) f.document_code = "V";
  f.surname = surname;
  f.given_names = given;
  mrz_lines out;
  bm_diag diag;
  bm_err err = mrz_make(&f, &out, &diag);
  if (err != BM_OK) fail_msg("mrz_make failed: %s: %s", diag.field, diag.message);
  const char *field = format == MRZ_FORMAT_TD1 ? out.line[2] : out.line[0] + 5;
  char padded[MRZ_LINE_BYTES_MAX + 1];
  size_t width = strlen(field);
  assert_true(strlen(want) <= width);
  memset(padded, '<', width);
  memcpy(padded, want, strlen(want));
  padded[width] = '\0';
  assert_string_equal(field, padded);
  assert_int_equal(out.name_truncated, truncated);
}

static void expect_error(const mrz_fields *f, bm_err want, const char *field) {
  mrz_lines out;
  bm_diag diag;
  memset(&diag, 0, sizeof diag);
  assert_int_equal(mrz_make(f, &out, &diag), want);
  assert_string_equal(diag.field, field);
  assert_true(diag.message[0] != '\0');
  assert_int_equal(mrz_make(f, &out, NULL), want); /* diag is optional */
}

/* ---- ICAO specimens (Doc 9303 Parts 4-7, Appendices A/B) ---- */

static void test_mrz_make_td3_specimen(void **state) {
  (void)state;
  mrz_fields f = eriksson(MRZ_FORMAT_TD3);
  f.document_code = "P";
  f.document_number = "L898902C3";
  f.optional_data = "ZE184226B";
  expect_mrz(&f, "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
             "L898902C36UTO7408122F1204159ZE184226B<<<<<10", NULL);
}

static void test_mrz_make_td3_empty_optional_data_has_filler_check(void **state) {
  (void)state;
  mrz_fields f = eriksson(MRZ_FORMAT_TD3);
  f.document_number = "L898902C3";
  /* Position 43 is '<' for empty optional data. Composite over L898902C36 7408122 1204159<...<<:
   * 21*7+8*3+9+8*7+9*3+0+2*7+12*3+3 + 6*7+7*3+4 + 0+8*3+1+2*7+2*3+1 + 2*7+0+4+1*7+5*3+9 = 478 -> 8.
   */
  expect_mrz(&f, "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
             "L898902C36UTO7408122F1204159<<<<<<<<<<<<<<<8", NULL);
}

static void test_mrz_make_td1_specimen(void **state) {
  (void)state;
  mrz_fields f = eriksson(MRZ_FORMAT_TD1);
  f.document_code = "I";
  expect_mrz(&f, "I<UTOD231458907<<<<<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6",
             "ERIKSSON<<ANNA<MARIA<<<<<<<<<<");
}

static void test_mrz_make_td2_specimen(void **state) {
  (void)state;
  mrz_fields f = eriksson(MRZ_FORMAT_TD2);
  expect_mrz(&f, "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6",
             NULL);
}

static void test_mrz_make_mrva_specimen(void **state) {
  (void)state;
  mrz_fields f = eriksson(MRZ_FORMAT_MRVA);
  f.document_code = "V";
  f.document_number = "L8988901C";
  f.nationality = "XXX";
  f.birth_date = "1940-09-07";
  f.expiry_date = "1996-12-10";
  f.optional_data = "6ZE184226B";
  expect_mrz(&f, "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
             "L8988901C4XXX4009078F96121096ZE184226B<<<<<<", NULL);
}

static void test_mrz_make_mrvb_specimen(void **state) {
  (void)state;
  /* Doc 9303-7 Appendix B MRV-B: no composite digit, optional data 29-36. Check digits:
   * L8988901C: 21*7+8*3+9+8*7+8*3+9+0+1*3+12 = 284 -> 4; 400907: 28+0+0+63+0+7 = 98 -> 8;
   * 961210: 63+18+1+14+3+0 = 99 -> 9. */
  mrz_fields f = eriksson(MRZ_FORMAT_MRVB);
  f.document_number = "L8988901C";
  f.nationality = "XXX";
  f.birth_date = "1940-09-07";
  f.expiry_date = "1996-12-10";
  expect_mrz(&f, "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "L8988901C4XXX4009078F9612109<<<<<<<<",
             NULL);
  f.optional_data = "6ZE18422"; /* exactly the 8 positions */
  expect_mrz(&f, "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "L8988901C4XXX4009078F96121096ZE18422",
             NULL);
}

static void test_mrz_make_default_document_codes(void **state) {
  (void)state;
  static const struct {
    mrz_format format;
    char code[3];
  } want[] = {{MRZ_FORMAT_TD1, "I<"},
              {MRZ_FORMAT_TD2, "I<"},
              {MRZ_FORMAT_TD3, "P<"},
              {MRZ_FORMAT_MRVA, "V<"},
              {MRZ_FORMAT_MRVB, "V<"}};
  for (size_t i = 0; i < BM_COUNTOF(want); i++) {
    mrz_fields f = eriksson(want[i].format);
    mrz_lines out;
    assert_int_equal(mrz_make(&f, &out, NULL), BM_OK);
    assert_memory_equal(out.line[0], want[i].code, 2);
  }
  /* Two-letter codes, lower case accepted, "P<" spelled out. */
  mrz_fields f = eriksson(MRZ_FORMAT_TD3);
  mrz_lines out;
  f.document_code = "pd";
  assert_int_equal(mrz_make(&f, &out, NULL), BM_OK);
  assert_memory_equal(out.line[0], "PD", 2);
  f.document_code = "P<";
  assert_int_equal(mrz_make(&f, &out, NULL), BM_OK);
  assert_memory_equal(out.line[0], "P<", 2);
  f = eriksson(MRZ_FORMAT_TD1);
  f.document_code = "AC";
  assert_int_equal(mrz_make(&f, &out, NULL), BM_OK);
  assert_memory_equal(out.line[0], "AC", 2);
}

static void test_mrz_make_german_state_code(void **state) {
  (void)state;
  static const char *const spellings[] = {"D", "D<<", "d"};
  for (size_t i = 0; i < BM_COUNTOF(spellings); i++) {
    mrz_fields f = eriksson(MRZ_FORMAT_TD1);
    f.issuing_state = spellings[i];
    f.nationality = spellings[i];
    mrz_lines out;
    assert_int_equal(mrz_make(&f, &out, NULL), BM_OK);
    assert_memory_equal(out.line[0] + 2, "D<<", 3);
    assert_memory_equal(out.line[1] + 15, "D<<", 3);
  }
}

static void test_mrz_make_unicode_names(void **state) {
  (void)state;
  expect_name(MRZ_FORMAT_TD3, "MÜLLER", "Jürgen", "MUELLER<<JUERGEN", false);
  expect_name(MRZ_FORMAT_TD3, "Иванов", "Иван Петрович", "IVANOV<<IVAN<PETROVICH", false);
  expect_name(MRZ_FORMAT_TD1, "Smith-Jones", "Susie Margaret", "SMITH<JONES<<SUSIE<MARGARET",
              false);
  expect_name(MRZ_FORMAT_TD3, "O'Connor", "Enya Siobhan", "OCONNOR<<ENYA<SIOBHAN", false);
  /* No secondary identifier: only PRIMARY, fillers to the end (Doc 9303-4 4.2.3.1 f). */
  expect_name(MRZ_FORMAT_TD3, "Arkfreith", NULL, "ARKFREITH", false);
  expect_name(MRZ_FORMAT_TD3, "Satriya Sudarpa", "", "SATRIYA<SUDARPA", false);
  /* Given names that transliterate to nothing count as none. */
  expect_name(MRZ_FORMAT_TD2, "Eriksson", "'", "ERIKSSON", false);
}

/* ---- Long document numbers (TD1: Doc 9303-5 note j; TD2: Doc 9303-6 note j) ---- */

static void test_mrz_make_td2_long_number(void **state) {
  (void)state;
  /* D23145890734: 13*7+2*3+3+1*7+4*3+5+8*7+9*3+0+7*7+3*3+4 = 269 -> 9, so 29-35 are "7349<<<".
   * Composite over D23145890< 3407127 950712273 49<<<:
   * 91+6+3+7+12+5+56+27+0+0 + 9+4+0+21+1+14+21 + 9+35+0+7+7+6+2+49+9+4+63+0+0+0+0 = 468 -> 8. */
  mrz_fields f = eriksson(MRZ_FORMAT_TD2);
  f.surname = "Stevenson";
  f.given_names = "Peter John";
  f.document_number = "D23145890734";
  f.birth_date = "1934-07-12";
  f.sex = "M";
  f.expiry_date = "1995-07-12";
  expect_mrz(&f, "I<UTOSTEVENSON<<PETER<JOHN<<<<<<<<<<", "D23145890<UTO3407127M95071227349<<<8",
             NULL);
  /* With optional data after the continuation and a filler: composite sum 555 -> 5
   * (468 - 0 + 10*1 ('A' at weight 1) + 11*7 ('B' at weight 7) = 555). */
  f.optional_data = "AB";
  expect_mrz(&f, "I<UTOSTEVENSON<<PETER<JOHN<<<<<<<<<<", "D23145890<UTO3407127M95071227349<AB5",
             NULL);
  /* The longest TD2 number fills 29-35: D23145890123456 sums to 272 -> 2. */
  f.optional_data = NULL;
  f.document_number = "D23145890123456";
  mrz_lines out;
  assert_int_equal(mrz_make(&f, &out, NULL), BM_OK);
  assert_memory_equal(out.line[1], "D23145890<", 10);
  assert_memory_equal(out.line[1] + 28, "1234562", 7);
}

static void test_mrz_make_td1_long_number(void **state) {
  (void)state;
  /* Same number in TD1: L1 6-14 "D23145890", 15 '<', 16-19 "7349". Composite over
   * D23145890<7349<<<<<<<<<<< 7408122 1204159 <<<<<<<<<<< = 406 -> 6. */
  mrz_fields f = eriksson(MRZ_FORMAT_TD1);
  f.document_number = "D23145890734";
  expect_mrz(&f, "I<UTOD23145890<7349<<<<<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<6",
             "ERIKSSON<<ANNA<MARIA<<<<<<<<<<");
  /* Optional data follows after one filler: + 'A'(10)*7 + 'B'(11)*3 + 'C'(12)*1 = 521 -> 1. */
  f.optional_data = "abc";
  expect_mrz(&f, "I<UTOD23145890<7349<ABC<<<<<<<", "7408122F1204159UTO<<<<<<<<<<<1",
             "ERIKSSON<<ANNA<MARIA<<<<<<<<<<");
  /* The longest TD1 number, 23 characters, fills all of 16-30. */
  f.optional_data = NULL;
  f.document_number = "ABCDEFGHI12345678901234";
  mrz_lines out;
  assert_int_equal(mrz_make(&f, &out, NULL), BM_OK);
  char cd = (char)('0' + mrz_check_digit("ABCDEFGHI12345678901234", 23));
  assert_memory_equal(out.line[0] + 5, "ABCDEFGHI<12345678901234", 24);
  assert_int_equal(out.line[0][29], cd);
}

/* ---- Other field forms ---- */

static void test_mrz_make_dates_sex_and_optional_data(void **state) {
  (void)state;
  mrz_fields f = eriksson(MRZ_FORMAT_TD3);
  f.document_number = "L898902C3";
  mrz_lines out;
  /* Six MRZ characters work as well as YYYY-MM-DD; unknown parts of the birth date are '<<'. */
  f.birth_date = "740812";
  f.expiry_date = "120415";
  assert_int_equal(mrz_make(&f, &out, NULL), BM_OK);
  assert_memory_equal(out.line[1] + 13, "7408122F1204159", 15);
  f.birth_date = "74<<<<"; /* 7*7+4*3 = 61 -> 1 */
  assert_int_equal(mrz_make(&f, &out, NULL), BM_OK);
  assert_memory_equal(out.line[1] + 13, "74<<<<1", 7);
  f.birth_date = NULL; /* wholly unknown */
  assert_int_equal(mrz_make(&f, &out, NULL), BM_OK);
  assert_memory_equal(out.line[1] + 13, "<<<<<<0", 7);
  f.birth_date = "2000-02-29";
  assert_int_equal(mrz_make(&f, &out, NULL), BM_OK);
  assert_memory_equal(out.line[1] + 13, "000229", 6);
  f.birth_date = "000229";
  assert_int_equal(mrz_make(&f, &out, NULL), BM_OK);

  static const struct {
    const char *in;
    char want;
  } sexes[] = {{"M", 'M'}, {"F", 'F'}, {"m", 'M'}, {"X", '<'}, {"<", '<'}, {"", '<'}, {NULL, '<'}};
  for (size_t i = 0; i < BM_COUNTOF(sexes); i++) {
    f.sex = sexes[i].in;
    assert_int_equal(mrz_make(&f, &out, NULL), BM_OK);
    assert_int_equal(out.line[1][20], sexes[i].want);
  }

  /* Optional data: upper-cased, spaces become fillers, trailing fillers are padding. */
  f.optional_data = "ze 1842 ";
  assert_int_equal(mrz_make(&f, &out, NULL), BM_OK);
  assert_memory_equal(out.line[1] + 28, "ZE<1842<<<<<<<", 14);
  f.optional_data = "ZE184226B<<<<<<<<<<<<<<<<<<<<";
  assert_int_equal(mrz_make(&f, &out, NULL), BM_OK);
  assert_memory_equal(out.line[1] + 28, "ZE184226B<<<<<1", 15);
  f.optional_data = "<<<"; /* only fillers: empty, so the digit is '<' */
  assert_int_equal(mrz_make(&f, &out, NULL), BM_OK);
  assert_int_equal(out.line[1][42], '<');

  /* TD1 optional data 2 goes to line 2, 19-29. */
  f = eriksson(MRZ_FORMAT_TD1);
  f.optional_data_2 = "12345678901";
  assert_int_equal(mrz_make(&f, &out, NULL), BM_OK);
  assert_memory_equal(out.line[1] + 18, "12345678901", 11);
  /* Lower-case document numbers are upper-cased; short ones padded. */
  f.document_number = "ab12";
  assert_int_equal(mrz_make(&f, &out, NULL), BM_OK);
  assert_memory_equal(out.line[0] + 5, "AB12<<<<<", 9);
  f.document_number = NULL;
  assert_int_equal(mrz_make(&f, &out, NULL), BM_OK);
  assert_memory_equal(out.line[0] + 5, "<<<<<<<<<0", 10);
}

/* ---- Name truncation (Doc 9303-4 4.2.2.1 and 4.2.3, 9303-5/-6/-7 4.2.3) ----
 * The examples are ICAO's; mrz_make implements the "truncated to initials" method, and every
 * example of that method comes out exactly. The other methods ICAO shows (cutting components,
 * fixed-length components) are alternatives at the issuer's discretion; where they differ, the
 * expected value below is this implementation's and the ICAO alternative is quoted. */

static void test_mrz_make_truncation_td3_icao_examples(void **state) {
  (void)state;
  static const mrz_format formats[] = {MRZ_FORMAT_TD3, MRZ_FORMAT_MRVA}; /* both 39 positions */
  for (size_t i = 0; i < BM_COUNTOF(formats); i++) {
    /* 9303-4 4.2.3.2 a: secondary components truncated to initials. */
    expect_name(formats[i], "Nilavadhanananda", "Chayapa Dejthamrong Krasuang",
                "NILAVADHANANANDA<<CHAYAPA<DEJTHAMRONG<K", true);
    /* 4.2.3.2 b: a secondary component truncated. */
    expect_name(formats[i], "Nilavadhanananda", "Arnpol Petch Charonguang",
                "NILAVADHANANANDA<<ARNPOL<PETCH<CHARONGU", true);
    /* 4.2.3.3 a: primary components truncated to initials, then as much secondary as fits. */
    expect_name(formats[i], "Bennelong Wooloomooloo Warrandyte Warnambool", "Dingo Potoroo",
                "BENNELONG<WOOLOOMOOLOO<WARRANDYTE<W<<DI", true);
    /* 4.2.3.4: fits exactly, ends in a letter, but is not truncated. */
    expect_name(formats[i], "Papandropoulous", "Jonathon Warren Trevor",
                "PAPANDROPOULOUS<<JONATHON<WARREN<TREVOR", false);
  }
}

static void test_mrz_make_truncation_td2_icao_examples(void **state) {
  (void)state;
  static const mrz_format formats[] = {MRZ_FORMAT_TD2, MRZ_FORMAT_MRVB}; /* both 31 positions */
  for (size_t i = 0; i < BM_COUNTOF(formats); i++) {
    /* 9303-6 4.2.3.1 a */
    expect_name(formats[i], "Nilavadhanananda", "Chayapa Dejthamrong Krasuang",
                "NILAVADHANANANDA<<CHAYAPA<DEJ<K", true);
    /* 4.2.3.1 b shows the other method, NILAVADHANANANDA<<ARN<PET<CHARO. */
    expect_name(formats[i], "Nilavadhanananda", "Arnpol Petch Charonguang",
                "NILAVADHANANANDA<<ARNPOL<PETC<C", true);
    /* 4.2.3.2 a */
    expect_name(formats[i], "Bennelong Wooloomooloo Warrandyte Warnambool", "Dingo Potoroo",
                "BENNELONG<WOOLOOMOOLOO<W<W<<D<P", true);
    /* 4.2.3.3 */
    expect_name(formats[i], "Papandropoulous", "Jonathoon Alec", "PAPANDROPOULOUS<<JONATHOON<ALEC",
                false);
  }
}

static void test_mrz_make_truncation_td1_icao_examples(void **state) {
  (void)state;
  /* 9303-5 4.2.3.1 a */
  expect_name(MRZ_FORMAT_TD1, "Nilavadhanananda", "Chayapa Dejthamrong Krasuang",
              "NILAVADHANANANDA<<CHAYAPA<DE<K", true);
  /* 4.2.3.1 b shows the other method, NILAVADHANANANDA<<ARNPOL<PE<CH. */
  expect_name(MRZ_FORMAT_TD1, "Nilavadhanananda", "Arnpol Petch Charonguang",
              "NILAVADHANANANDA<<ARNPOL<PET<C", true);
  /* 4.2.3.2 a */
  expect_name(MRZ_FORMAT_TD1, "Bennelong Wooloomooloo Warrandyte Warnambool", "Dingo Potoroo",
              "BENNELONG<WOOLOOMOOLOO<W<W<<DI", true);
  /* 4.2.3.3 */
  expect_name(MRZ_FORMAT_TD1, "Papandropoulous", "Jonathon Alec", "PAPANDROPOULOUS<<JONATHON<ALEC",
              false);
}

static void test_mrz_make_truncation_primary_only(void **state) {
  (void)state;
  /* Only a primary identifier: cut until the field ends with a letter (9303-4 4.2.2.1). */
  expect_name(MRZ_FORMAT_TD3, "Bennelong Wooloomooloo Warrandyte Warnambool", NULL,
              "BENNELONG<WOOLOOMOOLOO<WARRANDYTE<WARNA", true);
  expect_name(MRZ_FORMAT_TD1, "Wolfeschlegelsteinhausenbergerdorff", "",
              "WOLFESCHLEGELSTEINHAUSENBERGER", true);
  /* Exactly the width: not truncated. */
  expect_name(MRZ_FORMAT_TD1, "Abcdefghijklmnopqrstuvwxyzabcd", NULL,
              "ABCDEFGHIJKLMNOPQRSTUVWXYZABCD", false);
}

static void test_mrz_make_truncation_keeps_separator_and_a_secondary_letter(void **state) {
  (void)state;
  /* A primary of width-2 letters and given names: the primary gives up one letter so that '<<' and
   * the first letter of the secondary identifier fit (9303-4 4.2.2.1). */
  expect_name(MRZ_FORMAT_TD1, "Abcdefghijklmnopqrstuvwxyzab", "Zoe",
              "ABCDEFGHIJKLMNOPQRSTUVWXYZA<<Z", true);
  /* The primary fits with '<<' and one letter: only the secondary is cut, to its first letter. */
  expect_name(MRZ_FORMAT_TD1, "Abcdefghijklmnopqrstuvwxyza", "Zoe",
              "ABCDEFGHIJKLMNOPQRSTUVWXYZA<<Z", true);
  /* Secondary components kept whole from the left, the next one cut to fill, the rest initials. */
  expect_name(MRZ_FORMAT_TD1, "Eriksson", "Anna Maria Louisa Christina Beatrix",
              "ERIKSSON<<ANNA<MARIA<LOUIS<C<B", true);
}

static void test_mrz_make_truncation_odd_gap(void **state) {
  (void)state;
  /* 35 letters + "<<" leaves 2 positions for "J<R": "J<" would end in a filler and "JR" would merge
   * two names, so the primary gives up a letter and the secondary gets "J<R". */
  expect_name(MRZ_FORMAT_TD3, "Abcdefghijklmnopqrstuvwxyzabcdefghi", "J R",
              "ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGH<<J<R", true);
  /* Nothing but single letters cannot fill 30 positions (every fill is odd): the field then keeps
   * one trailing filler rather than merge names. */
  expect_name(MRZ_FORMAT_TD1, "A B C D E F G H I J K L M N O P", NULL,
              "A<B<C<D<E<F<G<H<I<J<K<L<M<N<O", true);
}

static void test_mrz_make_truncated_fields_end_in_a_letter(void **state) {
  (void)state;
  /* Many lengths around each width: every truncated field is full and ends with a letter, and the
   * separator is always there. */
  static const mrz_format formats[] = {MRZ_FORMAT_TD1, MRZ_FORMAT_TD2, MRZ_FORMAT_TD3};
  char sur[64], given[64];
  for (size_t fi = 0; fi < BM_COUNTOF(formats); fi++) {
    for (size_t a = 1; a < 45; a++) {
      for (size_t b = 0; b < 30; b += 3) {
        size_t n = 0;
        for (size_t i = 0; i < a; i++) sur[n++] = (i % 7 == 6 && i + 1 < a) ? ' ' : 'S';
        sur[n] = '\0';
        n = 0;
        for (size_t i = 0; i < b; i++) given[n++] = (i % 4 == 3 && i + 1 < b) ? ' ' : 'G';
        given[n] = '\0';
        mrz_fields f = eriksson(formats[fi]);
        f.surname = sur;
        f.given_names = given;
        mrz_lines out;
        assert_int_equal(mrz_make(&f, &out, NULL), BM_OK);
        const char *field = formats[fi] == MRZ_FORMAT_TD1 ? out.line[2] : out.line[0] + 5;
        size_t width = strlen(field);
        if (out.name_truncated) {
          if (field[width - 1] < 'A' || field[width - 1] > 'Z')
            fail_msg("'%s' + '%s' gave %s", sur, given, field);
          if (b > 0) assert_non_null(strstr(field, "<<G"));
        } else {
          assert_true(a + (b ? b + 2 : 0) <= width);
        }
      }
    }
  }
}

/* ---- Every rejected input, with the field it names ---- */

static void test_mrz_make_rejects_bad_fields(void **state) {
  (void)state;
  mrz_fields f;
  char huge[MRZ_TRANSLIT_INPUT_BYTES_MAX + 8];
  memset(huge, 'A', sizeof huge - 1);
  huge[sizeof huge - 1] = '\0';

#define REJECT(fmt, member, value, err, field)                                                     \
  do {                                                                                             \
    f = eriksson(fmt);                                                                             \
    f.member = value;                                                                              \
    expect_error(&f, err, field);                                                                  \
  } while (0)

  REJECT(MRZ_FORMAT_TD3, format, MRZ_FORMAT_UNKNOWN, BM_ERR_INVALID, "format");
  REJECT(MRZ_FORMAT_TD3, format, MRZ_FORMAT_FRA_ID, BM_ERR_INVALID, "format");
  REJECT(MRZ_FORMAT_TD3, format, (mrz_format)99, BM_ERR_INVALID, "format");

  REJECT(MRZ_FORMAT_TD3, document_code, "PPP", BM_ERR_INVALID, "document_code");
  REJECT(MRZ_FORMAT_TD3, document_code, "1", BM_ERR_INVALID, "document_code");
  REJECT(MRZ_FORMAT_TD3, document_code, "P1", BM_ERR_INVALID, "document_code");
  REJECT(MRZ_FORMAT_TD3, document_code, "<P", BM_ERR_INVALID, "document_code");
  REJECT(MRZ_FORMAT_TD3, document_code, "V", BM_ERR_INVALID, "document_code");
  REJECT(MRZ_FORMAT_TD3, document_code, "I", BM_ERR_INVALID, "document_code");
  REJECT(MRZ_FORMAT_TD1, document_code, "P", BM_ERR_INVALID, "document_code");
  REJECT(MRZ_FORMAT_TD2, document_code, "V", BM_ERR_INVALID, "document_code");
  REJECT(MRZ_FORMAT_MRVA, document_code, "P", BM_ERR_INVALID, "document_code");
  REJECT(MRZ_FORMAT_MRVB, document_code, "I", BM_ERR_INVALID, "document_code");

  REJECT(MRZ_FORMAT_TD3, issuing_state, "ZZZ", BM_ERR_INVALID, "issuing_state");
  REJECT(MRZ_FORMAT_TD3, issuing_state, "", BM_ERR_INVALID, "issuing_state");
  REJECT(MRZ_FORMAT_TD3, issuing_state, NULL, BM_ERR_INVALID, "issuing_state");
  REJECT(MRZ_FORMAT_TD3, issuing_state, "DEUT", BM_ERR_INVALID, "issuing_state");
  REJECT(MRZ_FORMAT_TD3, issuing_state, "U1O", BM_ERR_INVALID, "issuing_state");
  REJECT(MRZ_FORMAT_TD3, issuing_state, "<<<", BM_ERR_INVALID, "issuing_state");

  REJECT(MRZ_FORMAT_TD3, surname, "", BM_ERR_INVALID, "surname");
  REJECT(MRZ_FORMAT_TD3, surname, NULL, BM_ERR_INVALID, "surname");
  REJECT(MRZ_FORMAT_TD3, surname, "'-", BM_ERR_INVALID, "surname");
  REJECT(MRZ_FORMAT_TD3, surname, "Smith2", BM_ERR_INVALID, "surname");
  REJECT(MRZ_FORMAT_TD3, surname, "Sm\xFFith", BM_ERR_INVALID, "surname"); /* bad UTF-8 */
  REJECT(MRZ_FORMAT_TD3, surname, "山田", BM_ERR_INVALID, "surname");      /* no Doc 9303 mapping */
  REJECT(MRZ_FORMAT_TD3, surname, huge, BM_ERR_LIMIT, "surname");
  REJECT(MRZ_FORMAT_TD3, given_names, "Anna 2", BM_ERR_INVALID, "given_names");
  REJECT(MRZ_FORMAT_TD3, given_names, "\xC3", BM_ERR_INVALID, "given_names");
  REJECT(MRZ_FORMAT_TD3, given_names, huge, BM_ERR_LIMIT, "given_names");

  REJECT(MRZ_FORMAT_TD3, document_number, "L898902C3X", BM_ERR_INVALID, "document_number");
  REJECT(MRZ_FORMAT_MRVA, document_number, "L898902C3X", BM_ERR_INVALID, "document_number");
  REJECT(MRZ_FORMAT_MRVB, document_number, "L898902C3X", BM_ERR_INVALID, "document_number");
  REJECT(MRZ_FORMAT_TD2, document_number, "D231458901234567", BM_ERR_INVALID, "document_number");
  REJECT(MRZ_FORMAT_TD1, document_number, "D23145890123456789012345", BM_ERR_INVALID,
         "document_number");
  REJECT(MRZ_FORMAT_TD3, document_number, "AB-123", BM_ERR_INVALID, "document_number");
  REJECT(MRZ_FORMAT_TD3, document_number, "AB 123", BM_ERR_INVALID, "document_number");
  REJECT(MRZ_FORMAT_TD1, document_number, "AB<123", BM_ERR_INVALID, "document_number");

  REJECT(MRZ_FORMAT_TD3, nationality, "XYZ", BM_ERR_INVALID, "nationality");
  REJECT(MRZ_FORMAT_TD1, nationality, NULL, BM_ERR_INVALID, "nationality");

  REJECT(MRZ_FORMAT_TD3, birth_date, "1974-02-30", BM_ERR_INVALID, "birth_date");
  REJECT(MRZ_FORMAT_TD3, birth_date, "1974-13-01", BM_ERR_INVALID, "birth_date");
  REJECT(MRZ_FORMAT_TD3, birth_date, "1974-00-10", BM_ERR_INVALID, "birth_date");
  REJECT(MRZ_FORMAT_TD3, birth_date, "1900-02-29", BM_ERR_INVALID, "birth_date");
  REJECT(MRZ_FORMAT_TD3, birth_date, "1974/08/12", BM_ERR_INVALID, "birth_date");
  REJECT(MRZ_FORMAT_TD3, birth_date, "19740812", BM_ERR_INVALID, "birth_date");
  REJECT(MRZ_FORMAT_TD3, birth_date, "74-08-12", BM_ERR_INVALID, "birth_date");
  REJECT(MRZ_FORMAT_TD3, birth_date, "7408<2", BM_ERR_INVALID, "birth_date");
  REJECT(MRZ_FORMAT_TD3, birth_date, "74AB12", BM_ERR_INVALID, "birth_date");
  REJECT(MRZ_FORMAT_TD3, birth_date, "741312", BM_ERR_INVALID, "birth_date");
  REJECT(MRZ_FORMAT_TD3, birth_date, "740231", BM_ERR_INVALID, "birth_date");
  REJECT(MRZ_FORMAT_TD3, birth_date, "74<<32", BM_ERR_INVALID, "birth_date");
  REJECT(MRZ_FORMAT_TD3, birth_date, "7408000", BM_ERR_INVALID, "birth_date");
  REJECT(MRZ_FORMAT_TD3, expiry_date, "", BM_ERR_INVALID, "expiry_date");
  REJECT(MRZ_FORMAT_TD3, expiry_date, NULL, BM_ERR_INVALID, "expiry_date");
  REJECT(MRZ_FORMAT_TD3, expiry_date, "12<<<<", BM_ERR_INVALID, "expiry_date");
  REJECT(MRZ_FORMAT_TD3, expiry_date, "2012-04-31", BM_ERR_INVALID, "expiry_date");

  REJECT(MRZ_FORMAT_TD3, sex, "Q", BM_ERR_INVALID, "sex");
  REJECT(MRZ_FORMAT_TD3, sex, "MF", BM_ERR_INVALID, "sex");
  REJECT(MRZ_FORMAT_TD3, sex, "male", BM_ERR_INVALID, "sex");

  REJECT(MRZ_FORMAT_TD3, optional_data, "ZE18-4226", BM_ERR_INVALID, "optional_data");
  REJECT(MRZ_FORMAT_TD3, optional_data, "123456789012345", BM_ERR_INVALID, "optional_data");
  REJECT(MRZ_FORMAT_TD2, optional_data, "12345678", BM_ERR_INVALID, "optional_data");
  REJECT(MRZ_FORMAT_TD1, optional_data, "1234567890123456", BM_ERR_INVALID, "optional_data");
  REJECT(MRZ_FORMAT_MRVA, optional_data, "12345678901234567", BM_ERR_INVALID, "optional_data");
  REJECT(MRZ_FORMAT_MRVB, optional_data, "123456789", BM_ERR_INVALID, "optional_data");
  REJECT(MRZ_FORMAT_TD3, optional_data_2, "X", BM_ERR_INVALID, "optional_data_2");
  REJECT(MRZ_FORMAT_TD1, optional_data_2, "123456789012", BM_ERR_INVALID, "optional_data_2");
  REJECT(MRZ_FORMAT_TD1, optional_data_2, "a.b", BM_ERR_INVALID, "optional_data_2");
#undef REJECT

  /* A long number leaves less room: TD2 "D23145890734" takes 4 + 1 of the 7 positions. */
  f = eriksson(MRZ_FORMAT_TD2);
  f.document_number = "D23145890734";
  f.optional_data = "ABC";
  expect_error(&f, BM_ERR_INVALID, "optional_data");
  f.document_number = "D23145890123456"; /* fills the field: no optional data at all */
  f.optional_data = "A";
  expect_error(&f, BM_ERR_INVALID, "optional_data");

  /* NULL arguments are a usage error. */
  mrz_lines out;
  f = eriksson(MRZ_FORMAT_TD3);
  assert_int_equal(mrz_make(NULL, &out, NULL), BM_ERR_USAGE);
  assert_int_equal(mrz_make(&f, NULL, NULL), BM_ERR_USAGE);
}

/* ---- Round trip: generated documents read back by mrz_parse ---- */

static uint64_t rng_state;

static uint32_t rng(void) {
  /* xorshift64*: deterministic, so a failure names a reproducible document */
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return (uint32_t)((rng_state * 2685821657736338717ull) >> 32);
}

static unsigned rnd(unsigned n) {
  return rng() % n;
}

/* A name of 1..max_parts components written with mixed case and separators, and the MRZ form we
 * expect back (components joined by single spaces). */
static void random_name(char *text, char *want, size_t max_parts, bool may_be_empty) {
  size_t parts = may_be_empty ? rnd((unsigned)max_parts + 1) : 1 + rnd((unsigned)max_parts);
  size_t t = 0, w = 0;
  for (size_t p = 0; p < parts; p++) {
    if (p > 0) {
      static const char *const seps[] = {" ", "-", "  ", " - "};
      const char *sep = seps[rnd(4)];
      memcpy(text + t, sep, strlen(sep));
      t += strlen(sep);
      want[w++] = ' ';
    }
    if (rnd(10) == 0) { /* a transliterated component */
      static const struct {
        const char *in, *out;
      } uni[] = {
          {"Müller", "MUELLER"}, {"Жуков", "ZHUKOV"}, {"Øster", "OESTER"}, {"Straße", "STRASSE"}};
      size_t u = rnd(4);
      memcpy(text + t, uni[u].in, strlen(uni[u].in));
      t += strlen(uni[u].in);
      memcpy(want + w, uni[u].out, strlen(uni[u].out));
      w += strlen(uni[u].out);
      continue;
    }
    size_t len = 1 + rnd(rnd(4) == 0 ? 16 : 9);
    for (size_t i = 0; i < len; i++) {
      char c = (char)('A' + rnd(26));
      text[t++] = rnd(3) == 0 ? (char)(c - 'A' + 'a') : c;
      want[w++] = c;
    }
  }
  text[t] = '\0';
  want[w] = '\0';
}

static void random_chars(char *out, size_t n, const char *alphabet) {
  size_t k = strlen(alphabet);
  for (size_t i = 0; i < n; i++) out[i] = alphabet[rnd((unsigned)k)];
  out[n] = '\0';
}

static void put2(char *out, int v) {
  out[0] = (char)('0' + v / 10 % 10);
  out[1] = (char)('0' + v % 10);
}

/* A random date as YYYY-MM-DD or YYMMDD; birth dates are sometimes partly or wholly unknown. */
static void random_date(char *out, int y0, int y1, bool may_be_partial) {
  int y = y0 + (int)rnd((unsigned)(y1 - y0 + 1));
  int m = 1 + (int)rnd(12);
  int d = 1 + (int)rnd((unsigned)bm_days_in_month(y, m));
  unsigned form = may_be_partial ? rnd(10) : 1 + rnd(9);
  if (form == 0) {
    static const char *const partial[] = {"", "<<<<<<", "YY<<<<", "YYMM<<"};
    strcpy(out, partial[rnd(4)]);
    if (out[0] == 'Y') put2(out, y % 100);
    if (out[2] == 'M') put2(out + 2, m);
  } else if (form < 7) {
    put2(out, y / 100);
    put2(out + 2, y % 100);
    out[4] = '-';
    put2(out + 5, m);
    out[7] = '-';
    put2(out + 8, d);
    out[10] = '\0';
  } else {
    put2(out, y % 100);
    put2(out + 2, m);
    put2(out + 4, d);
    out[6] = '\0';
  }
}

/* The expected MRZ form of a six-character or ISO date. */
static void date_raw(const char *in, char raw[7]) {
  if (in[0] == '\0')
    memcpy(raw, "<<<<<<", 7);
  else if (strlen(in) == 10)
    snprintf(raw, 7, "%.2s%.2s%.2s", in + 2, in + 5, in + 8);
  else
    memcpy(raw, in, 7);
}

static void trim_fillers(char *s) {
  size_t n = strlen(s);
  while (n > 0 && s[n - 1] == '<') n--;
  s[n] = '\0';
}

/* Each component of got is a non-empty prefix of the component at the same place in want (names
 * given as space-separated components): what truncation by initials or cutting leaves. */
static void expect_truncation_of(const char *got, const char *want) {
  while (*got != '\0') {
    assert_true(*want != '\0');
    size_t g = strcspn(got, " "), w = strcspn(want, " ");
    assert_true(g >= 1 && g <= w);
    assert_memory_equal(got, want, g);
    got += g + (got[g] == ' ');
    want += w + (want[w] == ' ');
  }
}

/* What the generated set covered, so that a change to the generator cannot quietly stop testing the
 * interesting cases. */
static struct { unsigned truncated, long_numbers, partial_births, optional_data; } covered;

static void roundtrip_one(mrz_format format, unsigned index) {
  static const char *const codes_td3[] = {"", "P", "PP", "PO", "pd"};
  static const char *const codes_id[] = {"", "I", "ID", "AC", "IR", "C", "a"};
  static const char *const codes_visa[] = {"", "V", "VA", "vb"};
  static const char *const sexes[] = {"M", "F", "X", "<", "", "m"};
  const char *code;
  switch (format) {
  case MRZ_FORMAT_TD3: code = codes_td3[rnd(BM_COUNTOF(codes_td3))]; break;
  case MRZ_FORMAT_MRVA:
  case MRZ_FORMAT_MRVB: code = codes_visa[rnd(BM_COUNTOF(codes_visa))]; break;
  default: code = codes_id[rnd(BM_COUNTOF(codes_id))]; break;
  }

  char state[4], nat[4];
  const icao_state *s1 = &icao__states[rnd(icao__states_count)];
  const icao_state *s2 = &icao__states[rnd(icao__states_count)];
  snprintf(state, sizeof state, "%s", s1->code);
  snprintf(nat, sizeof nat, "%s", s2->code);
  if (rnd(2)) trim_fillers(state); /* "D" as well as "D<<" */

  char sur[256], sur_want[256], given[256], given_want[256];
  random_name(sur, sur_want, 3, false);
  random_name(given, given_want, 4, true);

  /* Document numbers: short everywhere, long where the format continues them. */
  size_t optional_room = format == MRZ_FORMAT_TD3    ? 14
                         : format == MRZ_FORMAT_TD2  ? 7
                         : format == MRZ_FORMAT_TD1  ? 15
                         : format == MRZ_FORMAT_MRVA ? 16
                                                     : 8;
  char number[32];
  size_t number_len = rnd(10);
  if ((format == MRZ_FORMAT_TD1 || format == MRZ_FORMAT_TD2) && rnd(4) == 0)
    number_len = 10 + rnd((unsigned)optional_room - 1);
  random_chars(number, number_len, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
  if (number_len > 9) {
    /* the rest of the number, its check digit, and a filler before the optional data */
    size_t continuation = number_len - 9 + 1;
    optional_room = continuation >= optional_room ? 0 : optional_room - continuation - 1;
  }

  char optional[32] = "", optional_2[16] = "";
  if (optional_room > 0 && rnd(3) != 0) {
    random_chars(optional, rnd((unsigned)optional_room + 1), "ABCDEFXYZ0123456789< ");
  }
  if (format == MRZ_FORMAT_TD1 && rnd(2)) random_chars(optional_2, rnd(12), "ABC0123456789<");

  char birth[11], expiry[11];
  random_date(birth, 1920, 2024, true);
  random_date(expiry, 2000, 2044, false);

  mrz_fields f = {0};
  f.format = format;
  f.document_code = code;
  f.issuing_state = state;
  f.surname = sur;
  f.given_names = given;
  f.document_number = number;
  f.nationality = nat;
  f.birth_date = birth;
  f.sex = sexes[rnd(BM_COUNTOF(sexes))];
  f.expiry_date = expiry;
  f.optional_data = optional;
  f.optional_data_2 = optional_2;

  mrz_lines out;
  bm_diag diag;
  bm_err err = mrz_make(&f, &out, &diag);
  if (err != BM_OK)
    fail_msg("document %u (%s): mrz_make: %s: %s", index, mrz_format_name(format), diag.field,
             diag.message);

  const char *lines[MRZ_LINES_MAX] = {out.line[0], out.line[1], out.line[2]};
  size_t lens[MRZ_LINES_MAX] = {out.line_len, out.line_len, out.line_len};
  mrz_opts opts = {0, {2025, 6, 1}};
  mrz_doc doc;
  assert_int_equal(mrz_parse(lines, lens, out.nlines, &opts, &doc), BM_OK);
  if (!doc.valid || doc.format != format) {
    char msg[128] = "";
    if (doc.nerrors > 0) mrz_error_message(&doc.errors[0], msg, sizeof msg);
    fail_msg("document %u (%s) does not read back: %s|%s|%s: %s", index, mrz_format_name(format),
             out.line[0], out.line[1], out.nlines == 3 ? out.line[2] : "", msg);
  }
  assert_int_equal(doc.checks_ok, doc.checks_present);
  covered.truncated += out.name_truncated;
  covered.long_numbers += doc.long_document_number;
  covered.partial_births += doc.birth_date.partial;
  covered.optional_data += optional[0] != '\0';

  char buf[64], want[64];
  /* document code */
  mrz_span_raw(&doc, doc.document_code, buf, sizeof buf);
  if (code[0] == '\0')
    snprintf(want, sizeof want, "%s",
             format == MRZ_FORMAT_TD3                                 ? "P"
             : format == MRZ_FORMAT_MRVA || format == MRZ_FORMAT_MRVB ? "V"
                                                                      : "I");
  else {
    for (size_t i = 0; i <= strlen(code); i++)
      want[i] = (char)(code[i] >= 'a' && code[i] <= 'z' ? code[i] - 'a' + 'A' : code[i]);
  }
  assert_string_equal(buf, want);
  /* states, '<'-padded */
  mrz_span_raw(&doc, doc.issuing_state, buf, sizeof buf);
  assert_string_equal(buf, s1->code);
  mrz_span_raw(&doc, doc.nationality, buf, sizeof buf);
  assert_string_equal(buf, s2->code);
  /* number */
  assert_string_equal(doc.document_number, number);
  assert_int_equal(doc.long_document_number, number_len > 9);
  /* dates and sex */
  char raw[7];
  date_raw(birth, raw);
  assert_string_equal(doc.birth_date.raw, raw);
  date_raw(expiry, raw);
  assert_string_equal(doc.expiry_date.raw, raw);
  char sex = f.sex[0] == 'M' || f.sex[0] == 'm' ? 'M' : f.sex[0] == 'F' ? 'F' : 'X';
  assert_int_equal(doc.sex, sex);
  /* optional data: upper case, spaces as fillers, trailing fillers are padding */
  mrz_span_raw(&doc, doc.optional_data, buf, sizeof buf);
  trim_fillers(buf);
  snprintf(want, sizeof want, "%s", optional);
  for (char *p = want; *p; p++)
    if (*p == ' ') *p = '<';
  trim_fillers(want);
  assert_string_equal(buf, want);
  if (format == MRZ_FORMAT_TD1) {
    mrz_span_raw(&doc, doc.optional_data_2, buf, sizeof buf);
    trim_fillers(buf);
    snprintf(want, sizeof want, "%s", optional_2);
    trim_fillers(want);
    assert_string_equal(buf, want);
  }
  /* names */
  char got_sur[64], got_given[64];
  mrz_span_text(&doc, doc.surname, got_sur, sizeof got_sur);
  mrz_span_text(&doc, doc.given_names, got_given, sizeof got_given);
  if (!out.name_truncated) {
    assert_string_equal(got_sur, sur_want);
    assert_string_equal(got_given, given_want);
  } else {
    const char *field = format == MRZ_FORMAT_TD1 ? out.line[2] : out.line[0] + 5;
    size_t width = strlen(field);
    if (field[width - 1] < 'A' || field[width - 1] > 'Z')
      fail_msg("document %u: '%s' + '%s' gave %s", index, sur, given, field);
    expect_truncation_of(got_sur, sur_want);
    expect_truncation_of(got_given, given_want);
    if (given_want[0] != '\0') assert_true(got_given[0] != '\0');
  }
}

static void test_mrz_make_roundtrip_generated_documents(void **state) {
  (void)state;
  static const mrz_format formats[] = {MRZ_FORMAT_TD1, MRZ_FORMAT_TD2, MRZ_FORMAT_TD3,
                                       MRZ_FORMAT_MRVA, MRZ_FORMAT_MRVB};
  rng_state = 0x9303u;
  unsigned n = 0;
  for (unsigned i = 0; i < 500; i++)
    for (size_t fi = 0; fi < BM_COUNTOF(formats); fi++) roundtrip_one(formats[fi], n++);
  assert_int_equal(n, 2500);
  assert_true(covered.truncated >= 100);
  assert_true(covered.long_numbers >= 100);
  assert_true(covered.partial_births >= 100);
  assert_true(covered.optional_data >= 1000);
  print_message("round trip: 2500 documents, %u truncated names, %u long numbers, %u partial "
                "birth dates, %u with optional data\n",
                covered.truncated, covered.long_numbers, covered.partial_births,
                covered.optional_data);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_mrz_make_td3_specimen),
      cmocka_unit_test(test_mrz_make_td3_empty_optional_data_has_filler_check),
      cmocka_unit_test(test_mrz_make_td1_specimen),
      cmocka_unit_test(test_mrz_make_td2_specimen),
      cmocka_unit_test(test_mrz_make_mrva_specimen),
      cmocka_unit_test(test_mrz_make_mrvb_specimen),
      cmocka_unit_test(test_mrz_make_default_document_codes),
      cmocka_unit_test(test_mrz_make_german_state_code),
      cmocka_unit_test(test_mrz_make_unicode_names),
      cmocka_unit_test(test_mrz_make_td2_long_number),
      cmocka_unit_test(test_mrz_make_td1_long_number),
      cmocka_unit_test(test_mrz_make_dates_sex_and_optional_data),
      cmocka_unit_test(test_mrz_make_truncation_td3_icao_examples),
      cmocka_unit_test(test_mrz_make_truncation_td2_icao_examples),
      cmocka_unit_test(test_mrz_make_truncation_td1_icao_examples),
      cmocka_unit_test(test_mrz_make_truncation_primary_only),
      cmocka_unit_test(test_mrz_make_truncation_keeps_separator_and_a_secondary_letter),
      cmocka_unit_test(test_mrz_make_truncation_odd_gap),
      cmocka_unit_test(test_mrz_make_truncated_fields_end_in_a_letter),
      cmocka_unit_test(test_mrz_make_rejects_bad_fields),
      cmocka_unit_test(test_mrz_make_roundtrip_generated_documents),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
