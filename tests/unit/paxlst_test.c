/* paxlst_test.c - unit tests of the PAXLST reader (src/edifact/paxlst.c) over the samples of
 * tests/data/edifact (GTAS, WCO demo) and the generated messages: envelope data, parts, list types,
 * flights and legs, persons and documents, normalisation, and the faults each sample is known for.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bmis/paxlst.h"

static const bm_date TODAY = {2026, 11, 23};

static char *slurp(const char *rel, size_t *len) {
  char path[512];
  snprintf(path, sizeof path, "%s/edifact/%s", BMIS_TEST_DATA, rel);
  FILE *f = fopen(path, "rb");
  if (f == NULL) fail_msg("cannot open %s", path);
  char *buf = malloc(1 << 20);
  assert_non_null(buf);
  *len = fread(buf, 1, 1 << 20, f);
  fclose(f);
  return buf;
}

static paxlst_batch *parse_text(const char *text, size_t len, unsigned flags) {
  paxlst_opts o = {flags, TODAY};
  paxlst_batch *b = NULL;
  assert_int_equal(paxlst_parse(text, len, &o, &b, NULL), BM_OK);
  assert_non_null(b);
  return b;
}

static paxlst_batch *parse_file(const char *rel, unsigned flags) {
  size_t len;
  char *buf = slurp(rel, &len);
  paxlst_batch *b = parse_text(buf, len, flags);
  free(buf); /* the batch owns copies of every string */
  return b;
}

static const edi_diag *find(const paxlst_msg *m, edi_code code, const char *tag) {
  for (size_t i = 0; i < m->ndiags; i++)
    if (m->diags[i].code == code && (tag == NULL || strcmp(m->diags[i].tag, tag) == 0))
      return &m->diags[i];
  return NULL;
}

static void test_paxlst_crew_list_gtas_test1(void **state) {
  (void)state;
  paxlst_batch *b = parse_file("gtas/Test1.txt", 0);
  assert_int_equal(b->nmsgs, 1);
  const paxlst_msg *m = &b->msgs[0];
  assert_string_equal(m->sender, "APIS*C3K");
  assert_string_equal(m->control_ref, "1403010600");
  assert_string_equal(m->message_ref, "1402010600");
  assert_string_equal(m->version, "D:02B");
  assert_int_equal(m->list_type, PAXLST_LIST_CREW);
  assert_int_equal(m->part, 1);
  assert_true(m->last_part);
  assert_non_null(m->flight);
  assert_string_equal(m->flight->carrier, "UA");
  assert_string_equal(m->flight->number, "0989");
  assert_string_equal(m->flight->departure_airport, "FRA");
  assert_string_equal(m->flight->departure_time, "2017-01-27T17:25");
  assert_string_equal(m->flight->arrival_time, "2017-01-28T07:10");
  assert_int_equal(m->npersons, 8);
  const paxlst_person *p = &m->persons[0];
  assert_string_equal(p->surname, "Steur");
  assert_string_equal(p->given_names, "Andrea Pat");
  assert_string_equal(p->sex, "F");
  assert_string_equal(p->birth_date, "1978-07-06");
  assert_string_equal(p->nationality, "GBR");
  assert_string_equal(p->residence_country, "GBR");
  assert_int_equal(p->role, PAXLST_ROLE_CREW);
  assert_int_equal(p->ndocuments, 1);
  assert_string_equal(p->documents[0].type, "P");
  assert_string_equal(p->documents[0].issuing_state, "GBR");
  assert_string_equal(p->documents[0].expiry_date, "2061-02-18");
  assert_string_equal(p->birth_place, "Hartford USA");
  /* Known faults: mixed case under UNOA, CNT+41+8, UNT count, UNE/UNZ references. */
  assert_non_null(find(m, EDI_C_CHARSET, "NAD"));
  assert_non_null(find(m, EDI_C_CONTENT, "CNT"));
  assert_non_null(find(m, EDI_C_COUNT, "UNT"));
  assert_non_null(find(m, EDI_C_REFERENCE, "UNZ"));
  assert_int_equal(m->nerrors, 0);
  assert_int_equal(m->declared_count, 8);
  paxlst_batch_free(b);
  b = parse_file("gtas/Test1.txt", EDI_OPT_STRICT);
  assert_true(b->msgs[0].nerrors > 0);
  assert_int_equal(b->msgs[0].nwarnings, 0);
  assert_int_equal(b->msgs[0].npersons, 8); /* strict still reads everything */
  paxlst_batch_free(b);
}

static void test_paxlst_first_part_gtas_test3(void **state) {
  (void)state;
  paxlst_batch *b = parse_file("gtas/Test3.txt", 0);
  assert_int_equal(b->nmsgs, 1);
  const paxlst_msg *m = &b->msgs[0];
  assert_int_equal(m->npersons, 260);
  assert_int_equal(m->part, 1);
  assert_false(m->last_part);
  assert_string_equal(m->common_access_ref, "ABC01");
  assert_int_equal(m->list_type, PAXLST_LIST_PASSENGERS);
  assert_non_null(find(m, EDI_C_CHARSET, "NAD"));
  assert_int_equal(m->nerrors, 0);
  paxlst_batch_free(b);
}

static void test_paxlst_custom_separators_airline2(void **state) {
  (void)state;
  paxlst_batch *b = parse_file("gtas/airline2.edi", 0);
  assert_int_equal(b->nmsgs, 1);
  const paxlst_msg *m = &b->msgs[0];
  assert_int_equal(m->part, 10);
  assert_true(m->last_part);
  assert_int_equal(m->npersons, 10);
  assert_string_equal(m->flight->carrier, "TN");
  assert_string_equal(m->flight->number, "506");
  assert_string_equal(m->persons[0].surname, "BETTON");
  assert_string_equal(m->persons[0].given_names, "DAVID");
  assert_string_equal(m->persons[0].reservation_ref, "QXGYLO");
  assert_string_equal(m->persons[0].documents[0].number, "178556534");
  assert_non_null(find(m, EDI_C_WHITESPACE, "UNG")); /* "UNG *PAXLST" */
  assert_non_null(find(m, EDI_C_REFERENCE, "UNT"));  /* "140211180 0" */
  assert_non_null(find(m, EDI_C_COUNT, "UNT"));      /* CNT 136 but 10 persons */
  assert_int_equal(m->nerrors, 0);
  paxlst_batch_free(b);
}

static void test_paxlst_multi_leg(void **state) {
  (void)state;
  paxlst_batch *b = parse_file("gtas/multiple_flight_leg_apis.txt", 0);
  assert_int_equal(b->nmsgs, 1);
  const paxlst_msg *m = &b->msgs[0];
  assert_int_equal(m->nlegs, 3);
  assert_string_equal(m->legs[0].departure_airport, "MIA");
  assert_string_equal(m->legs[0].arrival_airport, "IAD");
  assert_string_equal(m->flight->departure_airport, "JFK");
  assert_string_equal(m->flight->arrival_airport, "CDG");
  assert_string_equal(m->flight->arrival_time, "2008-08-11T06:30");
  assert_int_equal(m->npersons, 2);
  assert_string_equal(m->persons[1].passenger_ref, "ABC124");
  assert_non_null(find(m, EDI_C_JUNK, NULL)); /* "13Nov09" after UNZ */
  paxlst_batch_free(b);
  b = parse_file("gtas/apisMessage.txt", 0);
  assert_int_equal(b->nmsgs, 1);
  assert_int_equal(b->msgs[0].nlegs, 2);
  assert_string_equal(b->msgs[0].flight->number, "124");
  assert_int_equal(b->msgs[0].persons[0].ndocuments, 0);
  assert_non_null(find(&b->msgs[0], EDI_C_WHITESPACE, "UNB"));
  paxlst_batch_free(b);
}

static void test_paxlst_wco_sample_both_encodings(void **state) {
  (void)state;
  const char *files[] = {"minelytics/text_001_wco_sample_paxlst.txt",
                         "minelytics/API_50157_YY123_IAD_BRU_20200506.txt"};
  for (int i = 0; i < 2; i++) {
    paxlst_batch *b = parse_file(files[i], 0);
    assert_int_equal(b->nmsgs, 1);
    const paxlst_msg *m = &b->msgs[0];
    assert_int_equal(m->npersons, 10);
    /* UTF-8 copy and Latin-1 copy give the same UTF-8 name. */
    assert_string_equal(m->persons[0].surname, "ALI YY\xC3\x89");
    assert_int_equal(m->persons[0].bags, 1);
    assert_string_equal(m->persons[0].bags_weight, "10 KGM");
    assert_string_equal(m->persons[1].seat, "16D");
    assert_string_equal(m->persons[1].nationality, "SWE");
    assert_non_null(find(m, EDI_C_CHARSET, "NAD"));
    assert_non_null(find(m, EDI_C_CONTENT, "DOC")); /* DOC++ */
    assert_non_null(find(m, EDI_C_COUNT, "UNT"));   /* UNT+23 */
    assert_int_equal(m->nerrors, 0);
    paxlst_batch_free(b);
  }
}

static void test_paxlst_release_chars_in_names(void **state) {
  (void)state;
  paxlst_batch *b = parse_file("generated/release_chars.edi", EDI_OPT_STRICT);
  assert_int_equal(b->nmsgs, 1);
  const paxlst_msg *m = &b->msgs[0];
  assert_int_equal(m->npersons, 3);
  assert_string_equal(m->persons[0].surname, "O'BRIEN");
  assert_string_equal(m->persons[1].surname, "SMITH+JONES");
  assert_string_equal(m->persons[1].given_names, "ANNA:MARIA");
  assert_string_equal(m->persons[2].surname, "TEST?");
  assert_string_equal(m->persons[2].sex, "X");
  assert_string_equal(m->persons[2].nationality, "DEU"); /* alpha-2 DE, reported */
  assert_string_equal(m->persons[2].documents[0].number, "X1?");
  assert_int_equal(m->nerrors, 1);
  assert_non_null(find(m, EDI_C_CONTENT, "NAT"));
  paxlst_batch_free(b);
}

static void test_paxlst_unusual_una(void **state) {
  (void)state;
  paxlst_batch *b = parse_file("generated/una_separators.edi", EDI_OPT_STRICT);
  assert_int_equal(b->nmsgs, 1);
  const paxlst_msg *m = &b->msgs[0];
  assert_int_equal(m->ndiags, 0);
  assert_int_equal(m->npersons, 2);
  assert_string_equal(m->persons[0].surname, "D'ARCY");
  assert_string_equal(m->persons[1].surname, "HASH#TAG");
  assert_string_equal(m->flight->departure_time, "2008-10-07T13:10");
  paxlst_batch_free(b);
}

static void test_paxlst_latin1_and_utf8_names(void **state) {
  (void)state;
  paxlst_batch *b = parse_file("generated/latin1_unoc.edi", EDI_OPT_STRICT);
  assert_int_equal(b->msgs[0].ndiags, 0);
  assert_string_equal(b->msgs[0].persons[0].surname, "M\xC3\x9CLLER");
  assert_string_equal(b->msgs[0].persons[1].given_names, "JO\xC3\x83O");
  paxlst_batch_free(b);
  b = parse_file("generated/utf8_unoy.edi", EDI_OPT_STRICT);
  assert_int_equal(b->msgs[0].ndiags, 0);
  assert_string_equal(b->msgs[0].persons[0].surname, "\xC3\x85NGSTR\xC3\x96M");
  paxlst_batch_free(b);
}

static void test_paxlst_split_flight(void **state) {
  (void)state;
  paxlst_batch *b = parse_file("generated/split_parts.edi", 0);
  assert_int_equal(b->nmsgs, 3);
  assert_int_equal(b->msgs[0].part, 1);
  assert_false(b->msgs[0].last_part);
  assert_int_equal(b->msgs[1].part, 2);
  assert_false(b->msgs[1].last_part);
  assert_int_equal(b->msgs[2].part, 3);
  assert_true(b->msgs[2].last_part);
  assert_int_equal(b->msgs[2].interchange, 2);
  size_t total = 0;
  for (size_t i = 0; i < 3; i++) {
    assert_string_equal(b->msgs[i].common_access_ref, "OK688/081007/1310");
    total += b->msgs[i].npersons;
  }
  assert_int_equal(total, 5);
  assert_non_null(find(&b->msgs[1], EDI_C_JUNK, NULL));
  paxlst_batch_free(b);
}

static void test_paxlst_broken_message(void **state) {
  (void)state;
  paxlst_batch *b = parse_file("generated/broken.edi", 0);
  assert_int_equal(b->nmsgs, 2);
  const paxlst_msg *m = &b->msgs[0];
  assert_int_equal(m->npersons, 1);
  assert_null(m->persons[0].sex);
  assert_string_equal(m->persons[0].birth_date, "991340"); /* kept as sent */
  assert_true(m->nerrors >= 2);                            /* invalid dates */
  assert_non_null(find(m, EDI_C_ENVELOPE, "UNH"));         /* no UNT */
  assert_int_equal(b->msgs[1].list_type, PAXLST_LIST_CREW);
  assert_non_null(find(&b->msgs[1], EDI_C_ENVELOPE, NULL)); /* no UNZ */
  paxlst_batch_free(b);
}

static void test_paxlst_two_digit_birth_years(void **state) {
  (void)state;
  const char *t = "UNB+UNOA:4+S+R+1:1+C1'UNH+M1+PAXLST:D:05B:UN:IATA'BGM+745'TDT+20+OK1'"
                  "NAD+FL+++A:B'DTM+329:261123'NAD+FL+++C:D'DTM+329:261124'"
                  "NAD+FL+++E:F'DTM+329:19991231:102'UNT+9+M1'UNZ+1+C1'";
  paxlst_batch *b = parse_text(t, strlen(t), 0);
  assert_string_equal(b->msgs[0].persons[0].birth_date, "2026-11-23");
  assert_string_equal(b->msgs[0].persons[1].birth_date, "1926-11-24");
  assert_string_equal(b->msgs[0].persons[2].birth_date, "1999-12-31");
  paxlst_batch_free(b);
}

static void test_paxlst_other_message_types_reported(void **state) {
  (void)state;
  const char *t = "UNB+IATA:1+S+R+1:1+C1'UNH+M1+PNRGOV:11:1:IA'SRC'UNT+3+M1'UNZ+1+C1'";
  paxlst_batch *b = parse_text(t, strlen(t), 0);
  assert_int_equal(b->nmsgs, 1);
  assert_int_equal(b->msgs[0].nerrors, 1);
  assert_int_equal(b->msgs[0].npersons, 0);
  paxlst_batch_free(b);
  /* No message at all: diagnostics stay in the batch. */
  b = parse_text("hello", 5, 0);
  assert_int_equal(b->nmsgs, 0);
  assert_int_equal(b->ndiags, 1);
  paxlst_batch_free(b);
  paxlst_batch_free(NULL);
}

static unsigned count_diags(const paxlst_set *st, const char *needle) {
  unsigned k = 0;
  for (size_t i = 0; i < st->ndiags; i++) k += strstr(st->diags[i].d.message, needle) != NULL;
  return k;
}

static void test_paxlst_assemble_parts(void **state) {
  (void)state;
  paxlst_batch *b = parse_file("generated/split_parts.edi", 0);
  assert_int_equal(b->nmsgs, 3);
  const paxlst_msg *p1 = &b->msgs[0], *p2 = &b->msgs[1], *p3 = &b->msgs[2];
  paxlst_set *sets = NULL;
  size_t n = 0;

  /* In order, and out of order: one complete flight of five persons. */
  const paxlst_msg *in_order[] = {p1, p2, p3};
  const paxlst_msg *shuffled[] = {p3, p1, p2};
  const paxlst_msg *const *orders[] = {in_order, shuffled};
  for (int k = 0; k < 2; k++) {
    assert_int_equal(paxlst_assemble(orders[k], 3, &sets, &n, NULL), BM_OK);
    assert_int_equal(n, 1);
    assert_true(sets[0].complete);
    assert_int_equal(sets[0].nparts, 3);
    assert_ptr_equal(sets[0].parts[0], p1);
    assert_ptr_equal(sets[0].parts[2], p3);
    assert_int_equal(sets[0].last_part, 3);
    assert_int_equal(sets[0].npersons, 5);
    assert_int_equal(sets[0].ndiags, 0);
    assert_string_equal(sets[0].common_access_ref, "OK688/081007/1310");
    paxlst_sets_free(sets, n);
  }

  /* A gap. */
  const paxlst_msg *gap[] = {p1, p3};
  assert_int_equal(paxlst_assemble(gap, 2, &sets, &n, NULL), BM_OK);
  assert_false(sets[0].complete);
  assert_int_equal(count_diags(&sets[0], "part 2 of 3 is missing"), 1);
  paxlst_sets_free(sets, n);

  /* A duplicate: reported, the later one kept, still complete. */
  const paxlst_msg *dup[] = {p1, p2, p2, p3};
  assert_int_equal(paxlst_assemble(dup, 4, &sets, &n, NULL), BM_OK);
  assert_true(sets[0].complete);
  assert_int_equal(sets[0].nparts, 3);
  assert_int_equal(count_diags(&sets[0], "received twice"), 1);
  assert_int_equal(sets[0].diags[0].d.segment, p2->first_segment);
  paxlst_sets_free(sets, n);

  /* No final part yet. */
  const paxlst_msg *open_set[] = {p1, p2};
  assert_int_equal(paxlst_assemble(open_set, 2, &sets, &n, NULL), BM_OK);
  assert_false(sets[0].complete);
  assert_int_equal(sets[0].last_part, 0);
  assert_int_equal(count_diags(&sets[0], "no final part"), 1);
  paxlst_sets_free(sets, n);
  paxlst_batch_free(b);

  /* Messages of other flights and single messages are sets of their own. */
  paxlst_batch *c = parse_file("gtas/Test1.txt", 0);
  paxlst_batch *d = parse_file("generated/split_parts.edi", 0);
  const paxlst_msg *mixed[] = {&d->msgs[0], &c->msgs[0], &d->msgs[2], &d->msgs[1]};
  assert_int_equal(paxlst_assemble(mixed, 4, &sets, &n, NULL), BM_OK);
  assert_int_equal(n, 2);
  assert_true(sets[0].complete);
  assert_int_equal(sets[0].nparts, 3);
  assert_true(sets[1].complete); /* a single message: part 1, last */
  paxlst_sets_free(sets, n);
  paxlst_batch_free(c);
  paxlst_batch_free(d);
  assert_int_equal(paxlst_assemble(NULL, 0, &sets, &n, NULL), BM_OK);
  assert_int_equal(n, 0);
  paxlst_sets_free(NULL, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_paxlst_crew_list_gtas_test1),
      cmocka_unit_test(test_paxlst_first_part_gtas_test3),
      cmocka_unit_test(test_paxlst_custom_separators_airline2),
      cmocka_unit_test(test_paxlst_multi_leg),
      cmocka_unit_test(test_paxlst_wco_sample_both_encodings),
      cmocka_unit_test(test_paxlst_release_chars_in_names),
      cmocka_unit_test(test_paxlst_unusual_una),
      cmocka_unit_test(test_paxlst_latin1_and_utf8_names),
      cmocka_unit_test(test_paxlst_split_flight),
      cmocka_unit_test(test_paxlst_broken_message),
      cmocka_unit_test(test_paxlst_two_digit_birth_years),
      cmocka_unit_test(test_paxlst_other_message_types_reported),
      cmocka_unit_test(test_paxlst_assemble_parts),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
