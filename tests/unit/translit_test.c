/* translit_test.c - unit tests of mrz_translit (ICAO Doc 9303 Part 3 section 6 transliteration).
 *
 * The expected values are written out here from the Doc 9303 mappings (see
 * docs/transliteration.md); the precomposed-letter tables are also checked against ICU's canonical
 * decomposition (NFD), so a wrong base letter in src/doc/translit.c fails
 * test_translit_precomposed_matches_nfd.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

#include "bmis/mrz.h"

typedef struct pair {
  const char *in;
  const char *want;
} pair;

/* Transliterate in (NUL-terminated) and compare with want; prints the input on failure. */
static void expect(const char *in, const char *want) {
  char out[256];
  size_t n = 12345;
  bm_diag diag;
  memset(&diag, 0, sizeof diag);
  bm_err err = mrz_translit(in, strlen(in), out, sizeof out, &n, &diag);
  if (err != BM_OK || strcmp(out, want) != 0)
    print_error("input \"%s\": err=%d (%s) out=\"%s\" want \"%s\"\n", in, (int)err, diag.message,
                err == BM_OK ? out : "", want);
  assert_int_equal(err, BM_OK);
  assert_string_equal(out, want);
  assert_int_equal(n, strlen(want));
}

static void expect_pairs(const pair *p, size_t n) {
  for (size_t i = 0; i < n; i++) expect(p[i].in, p[i].want);
}

/* Expect BM_ERR_INVALID at 1-based byte column, with needle in the message (len may include NULs).
 */
static void expect_invalid(const char *in, size_t len, unsigned column, const char *needle) {
  char out[64] = "sentinel";
  size_t n = 99;
  bm_diag diag;
  memset(&diag, 0, sizeof diag);
  bm_err err = mrz_translit(in, len, out, sizeof out, &n, &diag);
  if (err != BM_ERR_INVALID || diag.column != column || strstr(diag.message, needle) == NULL)
    print_error("input of %zu bytes: err=%d column=%u message \"%s\"; want column %u and \"%s\"\n",
                len, (int)err, diag.column, diag.message, column, needle);
  assert_int_equal(err, BM_ERR_INVALID);
  assert_int_equal(diag.column, column);
  assert_string_equal(diag.field, "name");
  assert_non_null(strstr(diag.message, needle));
  assert_string_equal(out, ""); /* nothing half-done is left behind */
  assert_int_equal(n, 0);
}

/* ---- ASCII ---- */

static void test_translit_ascii_upper_and_digits(void **state) {
  (void)state;
  static const pair p[] = {
      {"eriksson", "ERIKSSON"},
      {"Anna Maria", "ANNA<MARIA"},
      {"Henry 8", "HENRY<8"},
      {"ABCXYZ abcxyz 0123456789", "ABCXYZ<ABCXYZ<0123456789"},
  };
  expect_pairs(p, BM_COUNTOF(p));
}

/* ---- Latin ---- */

static void test_translit_latin_doc9303_forms(void **state) {
  (void)state;
  static const pair p[] = {
      {"Ä", "AE"}, {"ä", "AE"}, {"Å", "AA"}, {"å", "AA"}, {"Æ", "AE"}, {"æ", "AE"},
      {"Ö", "OE"}, {"ö", "OE"}, {"Ø", "OE"}, {"ø", "OE"}, {"Ü", "UE"}, {"ü", "UE"},
      {"ß", "SS"}, {"ẞ", "SS"}, {"Þ", "TH"}, {"þ", "TH"}, {"Œ", "OE"}, {"œ", "OE"},
      {"Ĳ", "IJ"}, {"ĳ", "IJ"}, {"Ð", "D"},  {"ð", "D"},  {"Đ", "D"},  {"đ", "D"},
      {"Ď", "D"},  {"ď", "D"},  {"Ł", "L"},  {"ł", "L"},  {"ı", "I"},  {"İ", "I"},
  };
  expect_pairs(p, BM_COUNTOF(p));
}

static void test_translit_latin_base_letters(void **state) {
  (void)state;
  static const pair p[] = {
      /* Latin-1 Supplement */
      {"Ñ", "N"},
      {"ñ", "N"},
      {"Ç", "C"},
      {"É", "E"},
      {"è", "E"},
      {"Ë", "E"},
      {"Î", "I"},
      {"Ý", "Y"},
      {"ÿ", "Y"},
      {"Õ", "O"},
      /* Latin Extended-A */
      {"Š", "S"},
      {"ž", "Z"},
      {"Ő", "O"},
      {"ű", "U"},
      {"Ħ", "H"},
      {"Ŧ", "T"},
      {"Ŀ", "L"},
      {"Ŋ", "N"},
      {"ſ", "S"},
      {"ŉ", "N"},
      /* Latin Extended-B: Romanian comma below, pinyin, African hooks */
      {"Ș", "S"},
      {"ș", "S"},
      {"Ş", "S"},
      {"Ț", "T"},
      {"ț", "T"},
      {"Ţ", "T"},
      {"ǎ", "A"},
      {"Ɓ", "B"},
      {"Ƙ", "K"},
      {"Ƶ", "Z"},
      {"Ǥ", "G"},
      {"Ǳ", "DZ"},
      {"ǉ", "LJ"},
      {"Ǌ", "NJ"},
      {"Ǽ", "AE"},
      {"Ǿ", "OE"},
      /* Latin Extended Additional: Vietnamese, Welsh */
      {"Nguyễn Thị Minh Khai", "NGUYEN<THI<MINH<KHAI"},
      {"Trần Hưng Đạo", "TRAN<HUNG<DAO"},
      {"Ơ", "O"},
      {"ư", "U"},
      {"Ẁ", "W"},
      {"ỳ", "Y"},
      /* Azerbaijani schwa (national practice, see docs/transliteration.md) */
      {"Məmmədov", "MAMMADOV"},
      {"Ə", "A"},
  };
  expect_pairs(p, BM_COUNTOF(p));
}

static void test_translit_german_nordic_names(void **state) {
  (void)state;
  static const pair p[] = {
      {"MÜLLER", "MUELLER"},           {"Müller", "MUELLER"},         {"ØSTERGÅRD", "OESTERGAARD"},
      {"STRAẞE", "STRASSE"},           {"Straße", "STRASSE"},         {"Jönsson", "JOENSSON"},
      {"Ærøskøbing", "AEROESKOEBING"}, {"Þórsdóttir", "THORSDOTTIR"}, {"Guðrún", "GUDRUN"},
      {"Ångström", "AANGSTROEM"},
  };
  expect_pairs(p, BM_COUNTOF(p));
}

static void test_translit_other_latin_names(void **state) {
  (void)state;
  static const pair p[] = {
      {"Núñez, José", "NUNEZ<JOSE"},        {"François Mitterrand", "FRANCOIS<MITTERRAND"},
      {"Łukasz Żółć", "LUKASZ<ZOLC"},       {"Dvořák", "DVORAK"},
      {"Ştefan Ţiriac", "STEFAN<TIRIAC"},   {"Erdoğan", "ERDOGAN"},
      {"İsmail Işık", "ISMAIL<ISIK"},       {"Ijsbrand van der Ĳssel", "IJSBRAND<VAN<DER<IJSSEL"},
      {"Đorđe Petrović", "DORDE<PETROVIC"}, {"Kovačević", "KOVACEVIC"},
      {"Hőgyes Endre", "HOGYES<ENDRE"},
  };
  expect_pairs(p, BM_COUNTOF(p));
}

/* NFD input (letter + combining marks) gives the same MRZ as the precomposed letters. */
static void test_translit_nfd_input(void **state) {
  (void)state;
  static const pair p[] = {
      {"Mu\xCC\x88ller", "MUELLER"}, /* u + U+0308 */
      {"A\xCC\x8A", "AA"},           /* A + U+030A ring */
      {"o\xCC\x88", "OE"},           /* o + U+0308 */
      {"Jose\xCC\x81", "JOSE"},      /* e + U+0301 */
      {"N\xCC\x83u\xCC\x81n\xCC\x83"
       "ez",
       "NUNEZ"},
      {"e\xCC\x88", "E"},                 /* Ë: no E added, only a/o/u take it */
      {"A\xCC\x88\xCC\x84", "AE"},        /* Ǟ decomposed */
      {"I\xCC\x86", "I"},                 /* Cyrillic Й is И + U+0306; here Latin I + breve */
      {"\xD0\x98\xCC\x86", "I"},          /* И + U+0306 = Й */
      {"\xD0\x95\xCC\x88", "E"},          /* Е + U+0308 = Ё */
      {"\xCE\xBF\xCF\x85\xCC\x81", "OU"}, /* ο + υ + U+0301 = ού */
  };
  expect_pairs(p, BM_COUNTOF(p));
}

/* Every precomposed letter in the tables must transliterate like its canonical decomposition. */
static void test_translit_precomposed_matches_nfd(void **state) {
  (void)state;
  static const uint32_t ranges[][2] = {
      {0x00C0, 0x024F}, {0x1E00, 0x1EFF}, {0x0386, 0x03CE}, {0x0400, 0x04FF}};
  UErrorCode uerr = U_ZERO_ERROR;
  const UNormalizer2 *nfd = unorm2_getNFDInstance(&uerr);
  assert_true(U_SUCCESS(uerr));
  unsigned compared = 0;
  for (size_t r = 0; r < BM_COUNTOF(ranges); r++) {
    for (uint32_t cp = ranges[r][0]; cp <= ranges[r][1]; cp++) {
      UChar src[2], dec[16];
      int32_t slen = 0;
      UBool err16 = 0;
      U16_APPEND((UChar *)src, slen, 2, (UChar32)cp, err16);
      assert_false(err16);
      uerr = U_ZERO_ERROR;
      int32_t dlen = unorm2_normalize(nfd, src, slen, dec, 16, &uerr);
      assert_true(U_SUCCESS(uerr));
      if (dlen == slen && memcmp(src, dec, (size_t)slen * sizeof(UChar)) == 0) continue;
      char pre[8], nfd8[64];
      int32_t plen = 0, nlen = 0;
      uerr = U_ZERO_ERROR;
      u_strToUTF8(pre, sizeof pre, &plen, src, slen, &uerr);
      assert_true(U_SUCCESS(uerr));
      u_strToUTF8(nfd8, sizeof nfd8, &nlen, dec, dlen, &uerr);
      assert_true(U_SUCCESS(uerr));
      char a[32], b[32];
      size_t alen = 0, blen = 0;
      bm_err ea = mrz_translit(pre, (size_t)plen, a, sizeof a, &alen, NULL);
      bm_err eb = mrz_translit(nfd8, (size_t)nlen, b, sizeof b, &blen, NULL);
      if (ea != eb || (ea == BM_OK && strcmp(a, b) != 0))
        print_error("U+%04X: precomposed err=%d \"%s\", NFD err=%d \"%s\"\n", (unsigned)cp, (int)ea,
                    ea == BM_OK ? a : "", (int)eb, eb == BM_OK ? b : "");
      assert_int_equal(ea, eb);
      if (ea == BM_OK) assert_string_equal(a, b);
      compared++;
    }
  }
  assert_true(compared > 500); /* the loop really ran over the decomposable letters */
}

/* ---- Cyrillic ---- */

static void test_translit_cyrillic_table(void **state) {
  (void)state;
  static const pair p[] = {
      {"А", "A"},
      {"Б", "B"},
      {"В", "V"},
      {"Г", "G"},
      {"Д", "D"},
      {"Е", "E"},
      {"Ё", "E"},
      {"Ж", "ZH"},
      {"З", "Z"},
      {"И", "I"},
      {"Й", "I"},
      {"К", "K"},
      {"Л", "L"},
      {"М", "M"},
      {"Н", "N"},
      {"О", "O"},
      {"П", "P"},
      {"Р", "R"},
      {"С", "S"},
      {"Т", "T"},
      {"У", "U"},
      {"Ф", "F"},
      {"Х", "KH"},
      {"Ц", "TS"},
      {"Ч", "CH"},
      {"Ш", "SH"},
      {"Щ", "SHCH"},
      {"Ъ", "IE"},
      {"Ы", "Y"},
      {"Ь", ""},
      {"Э", "E"},
      {"Ю", "IU"},
      {"Я", "IA"},
      {"абвгдеёжзийклмнопрстуфхцчшщъыьэюя", "ABVGDEEZHZIIKLMNOPRSTUFKHTSCHSHSHCHIEYEIUIA"},
  };
  expect_pairs(p, BM_COUNTOF(p));
}

static void test_translit_cyrillic_extra_letters(void **state) {
  (void)state;
  static const pair p[] = {
      {"Ґ", "G"},  {"ґ", "G"},  {"Ў", "U"},  {"ў", "U"},  {"Ѫ", "U"},  {"ѫ", "U"},  {"Ђ", "D"},
      {"ђ", "D"},  {"Ѕ", "DZ"}, {"ѕ", "DZ"}, {"Ј", "J"},  {"ј", "J"},  {"Љ", "LJ"}, {"љ", "LJ"},
      {"Њ", "NJ"}, {"њ", "NJ"}, {"Џ", "DZ"}, {"џ", "DZ"}, {"Є", "IE"}, {"є", "IE"}, {"Ї", "I"},
      {"ї", "I"},  {"І", "I"},  {"і", "I"},  {"Ѓ", "G"},  {"ѓ", "G"},  {"Ќ", "K"},  {"ќ", "K"},
      {"Ћ", "C"},  {"ћ", "C"},  {"Ѵ", "Y"},  {"ѵ", "Y"},  {"Ѣ", "E"},  {"ѣ", "E"},
  };
  expect_pairs(p, BM_COUNTOF(p));
}

static void test_translit_cyrillic_names(void **state) {
  (void)state;
  static const pair p[] = {
      {"Иван Петров", "IVAN<PETROV"},
      {"ПЕТРОВ, Иван", "PETROV<IVAN"},
      {"Щукин", "SHCHUKIN"},
      {"Подъячев", "PODIEIACHEV"},
      {"Ольга", "OLGA"},
      {"Юлия Ёлкина", "IULIIA<ELKINA"},
      {"Хрущёв", "KHRUSHCHEV"},
      {"Мария-Анна Зайцева", "MARIIA<ANNA<ZAITSEVA"},
      {"Олександр Ґонгадзе", "OLEKSANDR<GONGADZE"},
      {"Їжак Євген", "IZHAK<IEVGEN"},
      {"Ђорђе Јовановић", "DORDE<JOVANOVIC"},
      {"Љубица Његош", "LJUBITSA<NJEGOSH"},
      {"Ѓорѓи Ќосевски", "GORGI<KOSEVSKI"},
      {"Ўладзімір", "ULADZIMIR"},
  };
  expect_pairs(p, BM_COUNTOF(p));
}

/* ---- Greek ---- */

static void test_translit_greek_table(void **state) {
  (void)state;
  static const pair p[] = {
      {"Α", "A"},
      {"Β", "V"},
      {"Γ", "G"},
      {"Δ", "D"},
      {"Ε", "E"},
      {"Ζ", "Z"},
      {"Η", "I"},
      {"Θ", "TH"},
      {"Ι", "I"},
      {"Κ", "K"},
      {"Λ", "L"},
      {"Μ", "M"},
      {"Ν", "N"},
      {"Ξ", "X"},
      {"Ο", "O"},
      {"Π", "P"},
      {"Ρ", "R"},
      {"Σ", "S"},
      {"Τ", "T"},
      {"Υ", "Y"},
      {"Φ", "F"},
      {"Χ", "CH"},
      {"Ψ", "PS"},
      {"Ω", "O"},
      {"ς", "S"},
      {"αβγδεζηθικλμνξοπρστυφχψω", "AVGDEZITHIKLMNXOPRSTYFCHPSO"},
      /* tonos and dialytika */
      {"ΆΈΉΊΎΌΏ", "AEIIYOO"},
      {"άέήίύόώ", "AEIIYOO"},
      {"ΪΫϊϋΐΰ", "IYIYIY"},
  };
  expect_pairs(p, BM_COUNTOF(p));
}

static void test_translit_greek_names(void **state) {
  (void)state;
  static const pair p[] = {
      {"Γεώργιος Παπαδόπουλος", "GEORGIOS<PAPADOPOULOS"},
      {"ΠΑΠΑΔΟΠΟΥΛΟΣ", "PAPADOPOULOS"},
      {"Θεοφάνης Χατζηδάκης", "THEOFANIS<CHATZIDAKIS"},
      {"Ψαράς Ξενοφών", "PSARAS<XENOFON"},
      {"Ιωάννης Βαρουφάκης", "IOANNIS<VAROUFAKIS"},
      {"Μαρία-Ελένη", "MARIA<ELENI"},
      {"Ευάγγελος", "EYAGGELOS"}, /* only ΟΥ is a digraph, see docs/transliteration.md */
  };
  expect_pairs(p, BM_COUNTOF(p));
}

static void test_translit_greek_ou_digraph(void **state) {
  (void)state;
  static const pair p[] = {
      {"ου", "OU"},
      {"ΟΥ", "OU"},
      {"Ού", "OU"},
      {"οϋ", "OY"},                /* dialytika: two letters, no digraph */
      {"ο\xCF\x85\xCC\x88", "OY"}, /* same, decomposed: υ + U+0308 */
      {"ο\xCF\x85\xCD\x84", "OY"}, /* υ + U+0344 dialytika tonos */
      {"Προϋπόθεση", "PROYPOTHESI"},
      {"ο υ", "O<Y"}, /* not adjacent */
      {"αυ", "AY"},
      {"υ", "Y"},
  };
  expect_pairs(p, BM_COUNTOF(p));
}

static void test_translit_greek_polytonic_rejected(void **state) {
  (void)state;
  /* α + U+0313 (psili, polytonic breathing) */
  expect_invalid("\xCE\xB1\xCC\x93", 4, 3, "U+0313");
  /* precomposed polytonic ἀ U+1F00 */
  expect_invalid("x\xE1\xBC\x80", 4, 2, "U+1F00");
}

/* ---- Punctuation and separators ---- */

static void test_translit_apostrophes_dropped(void **state) {
  (void)state;
  static const pair p[] = {
      {"O'Brien", "OBRIEN"},
      {"O\xE2\x80\x99"
       "Brien",
       "OBRIEN"}, /* U+2019 */
      {"O\xE2\x80\x98"
       "Brien",
       "OBRIEN"}, /* U+2018 */
      {"O\xCA\xBC"
       "Brien",
       "OBRIEN"}, /* U+02BC */
      {"O`Brien", "OBRIEN"},
      {"D'Artagnan de Batz", "DARTAGNAN<DE<BATZ"},
      {"Ben' Ali", "BEN<ALI"},
      {"Ma\xC2\xAD"
       "ria",
       "MARIA"}, /* U+00AD soft hyphen is invisible: dropped */
  };
  expect_pairs(p, BM_COUNTOF(p));
}

static void test_translit_hyphens_and_dashes(void **state) {
  (void)state;
  static const pair p[] = {
      {"Jean-Luc", "JEAN<LUC"},
      {"Jean\xE2\x80\x90Luc", "JEAN<LUC"}, /* U+2010 hyphen */
      {"Jean\xE2\x80\x91Luc", "JEAN<LUC"}, /* U+2011 non-breaking hyphen */
      {"Jean\xE2\x80\x92Luc", "JEAN<LUC"}, /* U+2012 figure dash */
      {"Jean\xE2\x80\x93Luc", "JEAN<LUC"}, /* U+2013 en dash */
      {"Jean\xE2\x80\x94Luc", "JEAN<LUC"}, /* U+2014 em dash */
      {"Jean\xE2\x80\x95Luc", "JEAN<LUC"}, /* U+2015 horizontal bar */
      {"Smith - Jones", "SMITH<JONES"},
  };
  expect_pairs(p, BM_COUNTOF(p));
}

static void test_translit_separators_collapse(void **state) {
  (void)state;
  static const pair p[] = {
      {"  Anna   Maria  ", "ANNA<MARIA"},
      {"Anna ,. -- Maria", "ANNA<MARIA"},
      {"Smith, Jr.", "SMITH<JR"},
      {"St. John", "ST<JOHN"},
      {"<<ANNA<<MARIA<<", "ANNA<MARIA"},
      {"Anna\xC2\xA0Maria", "ANNA<MARIA"},     /* U+00A0 no-break space */
      {"Anna\xE2\x80\xAFMaria", "ANNA<MARIA"}, /* U+202F narrow no-break space */
      {"Anna\xE3\x80\x80Maria", "ANNA<MARIA"}, /* U+3000 ideographic space */
      {"Ь Иван", "IVAN"},                      /* an omitted letter writes nothing to separate */
      {"", ""},
      {" - ", ""},
      {"'", ""},
  };
  expect_pairs(p, BM_COUNTOF(p));
}

/* ---- Output buffer ---- */

static void test_translit_truncates_and_returns_full_length(void **state) {
  (void)state;
  char out[5];
  size_t n = 0;
  assert_int_equal(mrz_translit("Eriksson", 8, out, sizeof out, &n, NULL), BM_OK);
  assert_string_equal(out, "ERIK");
  assert_int_equal(n, 8);

  /* a multi-letter mapping cut in the middle */
  assert_int_equal(mrz_translit("Щукин", strlen("Щукин"), out, sizeof out, &n, NULL), BM_OK);
  assert_string_equal(out, "SHCH");
  assert_int_equal(n, 8);

  /* cap 1: only the NUL */
  assert_int_equal(mrz_translit("Anna", 4, out, 1, &n, NULL), BM_OK);
  assert_string_equal(out, "");
  assert_int_equal(n, 4);

  /* size query without a buffer */
  assert_int_equal(mrz_translit("Anna Maria", 10, NULL, 0, &n, NULL), BM_OK);
  assert_int_equal(n, 10);

  /* exact fit */
  char fit[11];
  assert_int_equal(mrz_translit("Anna Maria", 10, fit, sizeof fit, &n, NULL), BM_OK);
  assert_string_equal(fit, "ANNA<MARIA");
  assert_int_equal(n, 10);

  /* out_len may be NULL; input need not be NUL-terminated */
  assert_int_equal(mrz_translit("AnnaXXXX", 4, out, sizeof out, NULL, NULL), BM_OK);
  assert_string_equal(out, "ANNA");
}

/* ---- Errors ---- */

static void test_translit_bad_utf8_with_offset(void **state) {
  (void)state;
  expect_invalid("ab\xC0\xAF", 4, 3, "overlong");        /* 2-byte overlong '/' */
  expect_invalid("a\xC1\xBF", 3, 2, "overlong");         /* 2-byte overlong */
  expect_invalid("a\xE0\x80\xAF", 4, 2, "overlong");     /* 3-byte overlong */
  expect_invalid("\xF0\x80\x80\xAF", 4, 1, "overlong");  /* 4-byte overlong */
  expect_invalid("abc\xED\xA0\x80", 6, 4, "surrogate");  /* U+D800 */
  expect_invalid("\xED\xBF\xBF", 3, 1, "surrogate");     /* U+DFFF */
  expect_invalid("a\xF4\x90\x80\x80", 5, 2, "U+10FFFF"); /* U+110000 */
  expect_invalid("ab\xF5\x80\x80\x80", 6, 3, "start");   /* invalid lead byte */
  expect_invalid("Anna\x80", 5, 5, "start");             /* stray continuation byte */
  expect_invalid("Anna\xFF", 5, 5, "start");
  expect_invalid("abc\xE2\x82", 5, 4, "truncated"); /* € cut short at the end */
  expect_invalid("M\xC3", 2, 2, "truncated");
  expect_invalid("M\xC3"
                 "A",
                 3, 2, "interrupted"); /* continuation replaced by 'A' */
  expect_invalid("\xE2\x82"
                 "A",
                 3, 1, "interrupted");
  expect_invalid("Mü\xC3 ller", 9, 4, "malformed UTF-8 at byte 4");
}

static void test_translit_unmappable_with_offset(void **state) {
  (void)state;
  expect_invalid("Anna 李", strlen("Anna 李"), 6, "U+674E at byte 6");
  expect_invalid("李", strlen("李"), 1, "CJK");
  expect_invalid("محمد", strlen("محمد"), 1, "Arabic U+0645 at byte 1");
  expect_invalid("Abu محمد", strlen("Abu محمد"), 5, "U+0645");
  expect_invalid("שלום", strlen("שלום"), 1, "Hebrew U+05E9");
  expect_invalid("Anna \xF0\x9F\x98\x80", 9, 6, "U+1F600 at byte 6"); /* emoji */
  expect_invalid("Anna\tMaria", 10, 5, "control character U+0009");
  expect_invalid("Anna\nMaria", 10, 5, "U+000A");
  expect_invalid("An\0na", 5, 3, "U+0000 at byte 3");
  expect_invalid("Anna/Maria", 10, 5, "U+002F");
  expect_invalid("Anna (Maria)", 12, 6, "U+0028");
  expect_invalid("Ємець Қасым", strlen("Ємець Қасым"), 12, "U+049A"); /* Kazakh, not in Doc 9303 */
  expect_invalid("Ѡ", strlen("Ѡ"), 1, "U+0460");
  expect_invalid("Ɛ", strlen("Ɛ"), 1, "U+0190");
  expect_invalid("×", strlen("×"), 1, "U+00D7");
  expect_invalid("a\xE2\x80\x8B"
                 "b",
                 5, 2, "U+200B"); /* zero-width space is not a separator */
  expect_invalid("\xEF\xBB\xBF"
                 "Anna",
                 7, 1, "U+FEFF"); /* byte order mark */
}

static void test_translit_combining_mark_without_letter(void **state) {
  (void)state;
  expect_invalid("\xCC\x81"
                 "Anna",
                 6, 1, "does not follow a letter");
  expect_invalid("Anna \xCC\x88", 7, 6, "U+0308");
  expect_invalid("7\xCC\x88", 3, 2, "U+0308");
  expect_invalid("O'\xCC\x88", 4, 3, "U+0308");
}

static void test_translit_input_limit(void **state) {
  (void)state;
  static char in[MRZ_TRANSLIT_INPUT_BYTES_MAX + 2];
  static char out[MRZ_TRANSLIT_INPUT_BYTES_MAX + 1];
  memset(in, 'a', sizeof in);
  size_t n = 0;
  bm_diag diag;
  memset(&diag, 0, sizeof diag);

  assert_int_equal(mrz_translit(in, MRZ_TRANSLIT_INPUT_BYTES_MAX, out, sizeof out, &n, &diag),
                   BM_OK);
  assert_int_equal(n, MRZ_TRANSLIT_INPUT_BYTES_MAX);
  assert_int_equal(strlen(out), MRZ_TRANSLIT_INPUT_BYTES_MAX);

  assert_int_equal(mrz_translit(in, MRZ_TRANSLIT_INPUT_BYTES_MAX + 1, out, sizeof out, &n, &diag),
                   BM_ERR_LIMIT);
  assert_int_equal(n, 0);
  assert_string_equal(out, "");
  assert_string_equal(diag.field, "name");
  assert_non_null(strstr(diag.message, "1025 bytes"));

  /* the limit is checked before decoding: invalid UTF-8 beyond it is not even looked at */
  in[MRZ_TRANSLIT_INPUT_BYTES_MAX] = '\xFF';
  assert_int_equal(mrz_translit(in, MRZ_TRANSLIT_INPUT_BYTES_MAX + 1, out, sizeof out, &n, NULL),
                   BM_ERR_LIMIT);
}

static void test_translit_usage_errors(void **state) {
  (void)state;
  char out[8];
  size_t n = 7;
  assert_int_equal(mrz_translit(NULL, 3, out, sizeof out, &n, NULL), BM_ERR_USAGE);
  assert_int_equal(n, 0);
  assert_int_equal(mrz_translit("abc", 3, NULL, 8, &n, NULL), BM_ERR_USAGE);
  assert_int_equal(mrz_translit(NULL, 0, out, sizeof out, &n, NULL), BM_OK);
  assert_string_equal(out, "");
  assert_int_equal(n, 0);
}

/* Whatever any single BMP code point becomes, the output uses only the MRZ alphabet and has no
 * leading, trailing or doubled filler. */
static void test_translit_output_alphabet(void **state) {
  (void)state;
  unsigned accepted = 0;
  for (uint32_t cp = 0; cp <= 0xFFFF; cp++) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    char in[16], out[32];
    size_t len = 0;
    /* "a" + cp + "b" so separators and marks have neighbours */
    in[len++] = 'a';
    if (cp < 0x80) {
      in[len++] = (char)cp;
    } else if (cp < 0x800) {
      in[len++] = (char)(0xC0 | (cp >> 6));
      in[len++] = (char)(0x80 | (cp & 0x3F));
    } else {
      in[len++] = (char)(0xE0 | (cp >> 12));
      in[len++] = (char)(0x80 | ((cp >> 6) & 0x3F));
      in[len++] = (char)(0x80 | (cp & 0x3F));
    }
    in[len++] = 'b';
    size_t n = 0;
    if (mrz_translit(in, len, out, sizeof out, &n, NULL) != BM_OK) continue;
    accepted++;
    assert_int_equal(n, strlen(out));
    assert_true(n >= 2);
    for (size_t i = 0; i < n; i++) {
      char c = out[i];
      if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '<'))
        print_error("U+%04X gave \"%s\"\n", (unsigned)cp, out);
      assert_true((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '<');
    }
    assert_true(out[0] != '<' && out[n - 1] != '<');
    assert_null(strstr(out, "<<"));
  }
  /* ASCII letters/digits/separators, Latin, Greek, Cyrillic, marks, spaces, dashes: over 1000 */
  assert_true(accepted > 1000);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_translit_ascii_upper_and_digits),
      cmocka_unit_test(test_translit_latin_doc9303_forms),
      cmocka_unit_test(test_translit_latin_base_letters),
      cmocka_unit_test(test_translit_german_nordic_names),
      cmocka_unit_test(test_translit_other_latin_names),
      cmocka_unit_test(test_translit_nfd_input),
      cmocka_unit_test(test_translit_precomposed_matches_nfd),
      cmocka_unit_test(test_translit_cyrillic_table),
      cmocka_unit_test(test_translit_cyrillic_extra_letters),
      cmocka_unit_test(test_translit_cyrillic_names),
      cmocka_unit_test(test_translit_greek_table),
      cmocka_unit_test(test_translit_greek_names),
      cmocka_unit_test(test_translit_greek_ou_digraph),
      cmocka_unit_test(test_translit_greek_polytonic_rejected),
      cmocka_unit_test(test_translit_apostrophes_dropped),
      cmocka_unit_test(test_translit_hyphens_and_dashes),
      cmocka_unit_test(test_translit_separators_collapse),
      cmocka_unit_test(test_translit_truncates_and_returns_full_length),
      cmocka_unit_test(test_translit_bad_utf8_with_offset),
      cmocka_unit_test(test_translit_unmappable_with_offset),
      cmocka_unit_test(test_translit_combining_mark_without_letter),
      cmocka_unit_test(test_translit_input_limit),
      cmocka_unit_test(test_translit_usage_errors),
      cmocka_unit_test(test_translit_output_alphabet),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
