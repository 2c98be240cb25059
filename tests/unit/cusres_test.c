/* cusres_test.c - unit tests of the CUSRES writer and the board / no-board decision
 * (src/edifact/cusres.c): responses to parsed PAXLST samples read back with the project's own
 * EDIFACT reader in strict mode (no diagnostic, counts and references right, released values equal
 * to what was written), exact bytes of a small response, the acknowledgement, character sets, every
 * branch of the decision, and the limits.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "bmis/cusres.h"
#include "bmis/edifact.h"
#include "bmis/paxlst.h"

static const bm_date TODAY = {2026, 11, 23};
static const int64_t T_20261120_0900 = 1795165200; /* 2026-11-20T09:00:00Z */

static paxlst_batch *parse_file(const char *rel) {
  char path[512];
  snprintf(path, sizeof path, "%s/edifact/%s", BMIS_TEST_DATA, rel);
  FILE *f = fopen(path, "rb");
  if (f == NULL) fail_msg("cannot open %s", path);
  char *buf = malloc(1 << 20);
  assert_non_null(buf);
  size_t len = fread(buf, 1, 1 << 20, f);
  fclose(f);
  paxlst_opts o = {0, TODAY};
  paxlst_batch *b = NULL;
  assert_int_equal(paxlst_parse(buf, len, &o, &b, NULL), BM_OK);
  free(buf);
  return b;
}

/* ---- reading a response back ---- */

typedef struct readback {
  edi_segment *segs;
  unsigned n;
  unsigned ndiags;
  char first_diag[BM_DIAG_MESSAGE_BYTES_MAX];
  edi_charset charset;
} readback;

static void count_diag(void *ctx, const edi_diag *d) {
  readback *rb = ctx;
  if (rb->ndiags++ == 0) snprintf(rb->first_diag, sizeof rb->first_diag, "%s", d->d.message);
}

/* Read buf strictly; every check of the reader must pass. */
static void read_back(const char *buf, size_t len, readback *rb) {
  memset(rb, 0, sizeof *rb);
  rb->segs = calloc(20000, sizeof *rb->segs);
  assert_non_null(rb->segs);
  edi_reader r;
  edi_opts o = {EDI_OPT_STRICT, count_diag, rb};
  assert_int_equal(edi_reader_init(&r, buf, len, &o), BM_OK);
  while (rb->n < 20000 && edi_reader_next(&r, &rb->segs[rb->n]) == BM_OK) {
    rb->charset = edi_reader_interchange(&r)->charset;
    rb->n++;
  }
  if (rb->ndiags != 0) fail_msg("%u diagnostics, first: %s", rb->ndiags, rb->first_diag);
  assert_int_equal(r.nerrors + r.nwarnings, 0);
  /* The envelope: UNB first, UNZ+1 last, UNT's count = segments from UNH to UNT. */
  assert_true(rb->n >= 6);
  assert_string_equal(rb->segs[0].tag, "UNB");
  assert_string_equal(rb->segs[1].tag, "UNH");
  assert_string_equal(rb->segs[rb->n - 2].tag, "UNT");
  assert_string_equal(rb->segs[rb->n - 1].tag, "UNZ");
  char v[32];
  edi_unescape(&rb->segs[rb->n - 2], edi_component(&rb->segs[rb->n - 2], 1, 1), v, sizeof v, NULL);
  assert_int_equal(atoi(v), rb->n - 2);
  edi_unescape(&rb->segs[rb->n - 1], edi_component(&rb->segs[rb->n - 1], 1, 1), v, sizeof v, NULL);
  assert_string_equal(v, "1");
}

static void rb_free(readback *rb) {
  free(rb->segs);
}

/* Unescaped text of component k of element e of segment i. */
static const char *txt(const readback *rb, unsigned i, unsigned e, unsigned k) {
  static char buf[4][1200];
  static unsigned turn;
  char *out = buf[turn++ % 4];
  assert_true(i < rb->n);
  edi_unescape(&rb->segs[i], edi_component(&rb->segs[i], e, k), out, sizeof buf[0], NULL);
  return out;
}

/* Index of the first segment at or after `from` with tag and (qualifier or NULL) in 1:1. */
static unsigned find_seg(const readback *rb, unsigned from, const char *tag, const char *qual) {
  for (unsigned i = from; i < rb->n; i++)
    if (strcmp(rb->segs[i].tag, tag) == 0 && (qual == NULL || strcmp(txt(rb, i, 1, 1), qual) == 0))
      return i;
  fail_msg("no %s %s after segment %u", tag, qual ? qual : "", from);
  return 0;
}

static int64_t fixed_time(void) {
  return T_20261120_0900;
}

/* ---- responses to the samples ---- */

static void test_cusres_release_chars_read_back(void **state) {
  (void)state;
  paxlst_batch *b = parse_file("generated/release_chars.edi");
  const paxlst_msg *m = &b->msgs[0];
  assert_int_equal(m->npersons, 3);
  /* CUSRES carries no names: the names go out as references, where they must survive escaping. */
  cusres_answer ans[3];
  for (size_t i = 0; i < 3; i++) {
    ans[i] = cusres_answer_for(&m->persons[i], (cusres_status)i);
    ans[i].passenger_ref = m->persons[i].surname;       /* O'BRIEN, SMITH+JONES, TEST? */
    ans[i].reservation_ref = m->persons[i].given_names; /* SEAN, ANNA:MARIA, ROBERT */
  }
  ans[2].text = "CONTACT O'BRIEN+CO: ANY QUESTION?";
  cusres_opts o = {0, fixed_time(), NULL, NULL, "CTL1", NULL};
  char *out = NULL;
  size_t len = 0;
  bm_diag diag = {0};
  assert_int_equal(cusres_build(m, ans, 3, &o, &out, &len, &diag), BM_OK);
  assert_int_equal(strlen(out), len);
  assert_non_null(strstr(out, "RFF+ABO:O?'BRIEN'"));
  assert_non_null(strstr(out, "RFF+ABO:SMITH?+JONES'"));
  assert_non_null(strstr(out, "RFF+AVF:ANNA?:MARIA'"));
  assert_non_null(strstr(out, "RFF+ABO:TEST?\?'"));

  readback rb;
  read_back(out, len, &rb);
  assert_int_equal(rb.charset, EDI_CHARSET_UNOA);
  assert_string_equal(txt(&rb, 0, 1, 1), "UNOA");
  assert_string_equal(txt(&rb, 0, 1, 2), "4");
  assert_string_equal(txt(&rb, 0, 2, 1), "BMISGOV"); /* sender and recipient swapped */
  assert_string_equal(txt(&rb, 0, 3, 1), "AIRLINE1");
  assert_string_equal(txt(&rb, 0, 4, 1), "261120");
  assert_string_equal(txt(&rb, 0, 4, 2), "0900");
  assert_string_equal(txt(&rb, 0, 5, 1), "CTL1");
  assert_string_equal(txt(&rb, 1, 1, 1), "CTL1"); /* message ref defaults to the control ref */
  assert_string_equal(txt(&rb, 1, 2, 1), "CUSRES");
  assert_string_equal(txt(&rb, 1, 2, 2), "D");
  assert_string_equal(txt(&rb, 1, 2, 3), "05B");
  assert_string_equal(txt(&rb, 1, 2, 5), "IATA");
  assert_int_equal(rb.segs[1].nelements, 2); /* the request had no common access reference */
  assert_string_equal(rb.segs[2].tag, "BGM");
  assert_string_equal(txt(&rb, 2, 1, 1), "962");
  assert_string_equal(txt(&rb, find_seg(&rb, 0, "RFF", "TN"), 1, 2), "REL1");
  unsigned af = find_seg(&rb, 0, "RFF", "AF");
  assert_string_equal(txt(&rb, af, 1, 2), "OK688");
  assert_string_equal(txt(&rb, af + 1, 1, 1), "189");
  assert_string_equal(txt(&rb, af + 1, 1, 2), "0810071310");
  assert_string_equal(txt(&rb, af + 1, 1, 3), "201");
  assert_string_equal(txt(&rb, af + 2, 1, 1), "232");
  assert_string_equal(txt(&rb, af + 2, 1, 2), "0810071730");
  assert_string_equal(txt(&rb, af + 3, 1, 1), "125");
  assert_string_equal(txt(&rb, af + 3, 2, 1), "PRG");
  assert_string_equal(txt(&rb, af + 4, 1, 1), "87");
  assert_string_equal(txt(&rb, af + 4, 2, 1), "SVO");
  static const char *const codes[] = {"0Z", "1Z", "2Z"};
  unsigned at = 0;
  for (unsigned i = 0; i < 3; i++) {
    at = find_seg(&rb, at, "ERP", NULL);
    assert_string_equal(txt(&rb, at, 1, 1), "2");
    assert_string_equal(rb.segs[at + 1].tag, "RFF");
    assert_string_equal(txt(&rb, at + 1, 1, 1), "AVF");
    assert_string_equal(txt(&rb, at + 1, 1, 2), m->persons[i].given_names);
    assert_string_equal(txt(&rb, at + 2, 1, 1), "ABO");
    assert_string_equal(txt(&rb, at + 2, 1, 2), m->persons[i].surname);
    assert_string_equal(rb.segs[at + 3].tag, "ERC");
    assert_string_equal(txt(&rb, at + 3, 1, 1), codes[i]);
    assert_string_equal(rb.segs[at + 4].tag, "FTX");
    assert_string_equal(txt(&rb, at + 4, 1, 1), "AAP");
    at++;
  }
  assert_string_equal(txt(&rb, find_seg(&rb, 0, "FTX", NULL), 4, 1), "OK TO BOARD");
  assert_string_equal(txt(&rb, rb.n - 3, 4, 1), "CONTACT O'BRIEN+CO: ANY QUESTION?");
  assert_string_equal(txt(&rb, rb.n - 2, 2, 1), "CTL1");
  assert_string_equal(txt(&rb, rb.n - 1, 2, 1), "CTL1");
  /* UNB, UNH, BGM, RFF+TN, Sg3 (RFF, 2 DTM, 2 LOC), 3 x Sg4 (ERP, 2 RFF, ERC, FTX), UNT, UNZ. */
  assert_int_equal(rb.n, 1 + 1 + 1 + 1 + 5 + 3 * 5 + 1 + 1);
  rb_free(&rb);
  free(out);
  paxlst_batch_free(b);
}

static void test_cusres_split_parts_echo_and_generated_refs(void **state) {
  (void)state;
  paxlst_batch *b = parse_file("generated/split_parts.edi");
  assert_int_equal(b->nmsgs, 3);
  char refs[3][16];
  for (size_t i = 0; i < b->nmsgs; i++) {
    const paxlst_msg *m = &b->msgs[i];
    cusres_answer ans[2];
    for (size_t j = 0; j < m->npersons; j++)
      ans[j] = cusres_answer_for(&m->persons[j], cusres_decide(&m->persons[j], NULL, 0, 0));
    cusres_opts o = {CUSRES_OPT_NEWLINES, fixed_time(), NULL, NULL, NULL, NULL};
    char *out = NULL, *again = NULL;
    size_t len = 0;
    assert_int_equal(cusres_build(m, ans, m->npersons, &o, &out, &len, NULL), BM_OK);
    assert_int_equal(cusres_build(m, ans, m->npersons, &o, &again, NULL, NULL), BM_OK);
    assert_string_equal(out, again); /* generated references are deterministic */
    assert_non_null(strstr(out, "'\nUNH+"));
    readback rb;
    read_back(out, len, &rb);
    /* UNH 0068 echoed, as a single final part. */
    assert_string_equal(txt(&rb, 1, 3, 1), "OK688/081007/1310");
    assert_string_equal(txt(&rb, 1, 4, 1), "01");
    assert_string_equal(txt(&rb, 1, 4, 2), "F");
    assert_string_equal(txt(&rb, find_seg(&rb, 0, "RFF", "TN"), 1, 2), m->message_ref);
    /* Generated control reference: ten digits, the message reference the same. */
    snprintf(refs[i], sizeof refs[i], "%s", txt(&rb, 0, 5, 1));
    assert_int_equal(strlen(refs[i]), 10);
    assert_int_equal(strspn(refs[i], "0123456789"), 10);
    assert_string_equal(txt(&rb, 1, 1, 1), refs[i]);
    unsigned erp = find_seg(&rb, 0, "ERP", NULL);
    assert_string_equal(txt(&rb, erp + 1, 1, 2), "ABC123"); /* RFF+AVF from the person */
    assert_string_equal(txt(&rb, erp + 2, 1, 1), "0Z");     /* no RFF+ABO in the request */
    rb_free(&rb);
    free(out);
    free(again);
  }
  assert_string_not_equal(refs[0], refs[1]);
  assert_string_not_equal(refs[1], refs[2]);
  /* Another time, another reference. */
  cusres_answer a = cusres_answer_for(&b->msgs[0].persons[0], CUSRES_BOARD);
  cusres_opts o = {0, fixed_time() + 60, NULL, NULL, NULL, NULL};
  char *out = NULL;
  assert_int_equal(cusres_build(&b->msgs[0], &a, 1, &o, &out, NULL, NULL), BM_OK);
  assert_null(strstr(out, refs[0]));
  assert_non_null(strstr(out, "+261120:0901+"));
  free(out);
  paxlst_batch_free(b);
}

static void test_cusres_gtas_samples(void **state) {
  (void)state;
  /* apisMessage: two passengers with RFF AVF and ABO but no document. */
  paxlst_batch *b = parse_file("gtas/apisMessage.txt");
  const paxlst_msg *m = &b->msgs[0];
  assert_int_equal(m->npersons, 2);
  cusres_answer ans[2];
  for (size_t j = 0; j < 2; j++) {
    cusres_status s = cusres_decide(&m->persons[j], NULL, 0, 0);
    assert_int_equal(s, CUSRES_INSUFFICIENT);
    ans[j] = cusres_answer_for(&m->persons[j], s);
  }
  assert_string_equal(ans[0].text, "INSUFFICIENT DATA: DOCUMENT NUMBER");
  cusres_opts o = {0, fixed_time(), NULL, NULL, NULL, NULL};
  char *out = NULL;
  size_t len = 0;
  assert_int_equal(cusres_build(m, ans, 2, &o, &out, &len, NULL), BM_OK);
  readback rb;
  read_back(out, len, &rb);
  assert_string_equal(txt(&rb, 0, 2, 1), "DHS");
  assert_string_equal(txt(&rb, 0, 3, 1), "AIR1");
  assert_string_equal(txt(&rb, find_seg(&rb, 0, "RFF", "TN"), 1, 2), "PAX001");
  assert_string_equal(txt(&rb, find_seg(&rb, 0, "RFF", "AF"), 1, 2), "AA124");
  unsigned erp = find_seg(&rb, 0, "ERP", NULL);
  assert_string_equal(txt(&rb, erp + 1, 1, 2), "TYR123");
  assert_string_equal(txt(&rb, erp + 2, 1, 1), "ABO");
  assert_string_equal(txt(&rb, erp + 2, 1, 2), "ABC123");
  assert_string_equal(txt(&rb, erp + 3, 1, 1), "2Z");
  assert_string_equal(txt(&rb, erp + 4, 4, 1), "INSUFFICIENT DATA: DOCUMENT NUMBER");
  rb_free(&rb);
  free(out);
  paxlst_batch_free(b);

  /* Test3: 260 passengers in one response; the count must still be right. */
  b = parse_file("gtas/Test3.txt");
  m = &b->msgs[0];
  cusres_answer *many = calloc(m->npersons, sizeof *many);
  assert_non_null(many);
  for (size_t j = 0; j < m->npersons; j++)
    many[j] = cusres_answer_for(&m->persons[j], cusres_decide(&m->persons[j], NULL, 0, 0));
  assert_int_equal(cusres_build(m, many, m->npersons, &o, &out, &len, NULL), BM_OK);
  read_back(out, len, &rb);
  unsigned nerp = 0;
  for (unsigned i = 0; i < rb.n; i++) nerp += strcmp(rb.segs[i].tag, "ERP") == 0;
  assert_int_equal(nerp, 260);
  assert_string_equal(txt(&rb, 1, 3, 1), "ABC01");
  rb_free(&rb);
  free(out);
  free(many);
  paxlst_batch_free(b);
}

/* A request built by hand, as the server will have it. */
static paxlst_leg FLIGHT = {"OK", "688", "PRG", "2008-10-07T13:10", "SVO", "2008-10-07T17:30",
                            true, 5};

static paxlst_msg small_request(void) {
  paxlst_msg m;
  memset(&m, 0, sizeof m);
  m.sender = "AIRLINE1";
  m.recipient = "BMISGOV";
  m.control_ref = "REQ1";
  m.message_ref = "M1";
  m.flight = &FLIGHT;
  m.part = 1;
  m.last_part = true;
  return m;
}

static void test_cusres_golden_bytes(void **state) {
  (void)state;
  paxlst_msg m = small_request();
  cusres_answer a = {CUSRES_BOARD, "ABC123", "P1", NULL};
  cusres_opts o = {0, fixed_time(), NULL, NULL, "C1", "R1"};
  char *out = NULL;
  size_t len = 0;
  assert_int_equal(cusres_build(&m, &a, 1, &o, &out, &len, NULL), BM_OK);
  const char *want = "UNA:+.? 'UNB+UNOA:4+BMISGOV+AIRLINE1+261120:0900+C1'"
                     "UNH+R1+CUSRES:D:05B:UN:IATA'BGM+962'RFF+TN:M1'"
                     "RFF+AF:OK688'DTM+189:0810071310:201'DTM+232:0810071730:201'"
                     "LOC+125+PRG'LOC+87+SVO'"
                     "ERP+2'RFF+AVF:ABC123'RFF+ABO:P1'ERC+0Z'FTX+AAP+++OK TO BOARD'"
                     "UNT+14+R1'UNZ+1+C1'";
  assert_string_equal(out, want);
  assert_int_equal(len, strlen(want));
  free(out);

  /* Newlines after every terminator, the same bytes otherwise; a date-only flight time as 102;
   * sender and recipient from the options. */
  paxlst_leg f = FLIGHT;
  f.departure_time = "2008-10-07";
  f.arrival_time = "07OCT08"; /* kept as sent by the parser: no DTM */
  m.flight = &f;
  a.status = CUSRES_NO_BOARD;
  a.reservation_ref = NULL;
  a.passenger_ref = "";
  o.flags = CUSRES_OPT_NEWLINES;
  o.sender = "NIA";
  o.recipient = "OK";
  assert_int_equal(cusres_build(&m, &a, 1, &o, &out, &len, NULL), BM_OK);
  assert_string_equal(out, "UNA:+.? '\nUNB+UNOA:4+NIA+OK+261120:0900+C1'\n"
                           "UNH+R1+CUSRES:D:05B:UN:IATA'\nBGM+962'\nRFF+TN:M1'\n"
                           "RFF+AF:OK688'\nDTM+189:20081007:102'\nLOC+125+PRG'\nLOC+87+SVO'\n"
                           "ERP+2'\nERC+1Z'\nFTX+AAP+++NO BOARD'\nUNT+11+R1'\nUNZ+1+C1'\n");
  free(out);

  /* No flight: no Sg3. */
  m.flight = NULL;
  o.flags = 0;
  assert_int_equal(cusres_build(&m, &a, 1, &o, &out, &len, NULL), BM_OK);
  assert_null(strstr(out, "RFF+AF"));
  assert_non_null(strstr(out, "RFF+TN:M1'ERP+2'"));
  free(out);
}

static void test_cusres_error_acknowledgement(void **state) {
  (void)state;
  paxlst_batch *b = parse_file("generated/broken.edi");
  const paxlst_msg *m = &b->msgs[0];
  assert_true(m->nerrors > 0);
  cusres_opts o = {0, fixed_time(), NULL, NULL, "E1", NULL};
  char *out = NULL;
  size_t len = 0;
  assert_int_equal(cusres_build_error(m, NULL, NULL, &o, &out, &len, NULL), BM_OK);
  readback rb;
  read_back(out, len, &rb);
  assert_string_equal(txt(&rb, 2, 1, 1), "312");
  assert_string_equal(txt(&rb, find_seg(&rb, 0, "RFF", "TN"), 1, 2), "BRK1");
  assert_string_equal(txt(&rb, find_seg(&rb, 0, "RFF", "AF"), 1, 2), "OK688");
  unsigned erp = find_seg(&rb, 0, "ERP", NULL);
  assert_string_equal(txt(&rb, erp, 1, 1), "1");
  assert_string_equal(rb.segs[erp + 1].tag, "ERC");
  assert_string_equal(txt(&rb, erp + 1, 1, 1), "118");
  assert_string_equal(txt(&rb, erp + 2, 4, 1), "MESSAGE REJECTED");
  assert_int_equal(erp + 2, rb.n - 3); /* nothing between FTX and UNT */
  rb_free(&rb);
  free(out);

  /* The caller's code and reason, escaped. */
  const char *why = "SEGMENT 12 DTM: birth_date '991340' is not a valid date; kept as sent";
  assert_int_equal(cusres_build_error(m, "999", why, &o, &out, &len, NULL), BM_OK);
  read_back(out, len, &rb);
  assert_int_equal(rb.charset, EDI_CHARSET_UNOB); /* lower case */
  assert_string_equal(txt(&rb, rb.n - 4, 1, 1), "999");
  assert_string_equal(txt(&rb, rb.n - 3, 4, 1), why);
  rb_free(&rb);
  free(out);

  /* Nothing could be read: no request, the parties from the options. */
  cusres_opts o2 = {CUSRES_OPT_NEWLINES, fixed_time(), "BMISGOV", "AIRLINE1", "E2", "E2"};
  assert_int_equal(cusres_build_error(NULL, NULL, "NO MESSAGE FOUND", &o2, &out, &len, NULL),
                   BM_OK);
  assert_string_equal(out, "UNA:+.? '\nUNB+UNOA:4+BMISGOV+AIRLINE1+261120:0900+E2'\n"
                           "UNH+E2+CUSRES:D:05B:UN:IATA'\nBGM+312'\nERP+1'\nERC+118'\n"
                           "FTX+AAP+++NO MESSAGE FOUND'\nUNT+6+E2'\nUNZ+1+E2'\n");
  free(out);
  bm_diag diag = {0};
  assert_int_equal(cusres_build_error(NULL, NULL, NULL, &o, &out, &len, &diag), BM_ERR_INVALID);
  assert_null(out);
  assert_string_equal(diag.field, "sender");
  assert_int_equal(cusres_build_error(m, "123456789", NULL, &o, &out, NULL, &diag), BM_ERR_LIMIT);
  assert_string_equal(diag.field, "code");
  assert_int_equal(cusres_build_error(m, NULL, NULL, &o, NULL, NULL, NULL), BM_ERR_USAGE);
  paxlst_batch_free(b);
}

static void test_cusres_character_sets(void **state) {
  (void)state;
  paxlst_msg m = small_request();
  cusres_opts o = {0, fixed_time(), NULL, NULL, "C1", NULL};
  struct {
    const char *text;
    edi_charset want;
  } cases[] = {
      {"OK TO BOARD", EDI_CHARSET_UNOA},
      {"Ok to board", EDI_CHARSET_UNOB},
      {"CONTACT DESK@AIRPORT", EDI_CHARSET_UNOB},
      {"M\xC3\x9CLLER \xC3\x86\xC3\x98 \xC3\xBF", EDI_CHARSET_UNOC},        /* MÜLLER ÆØ ÿ */
      {"\xD0\x98\xD0\xB2\xD0\xB0\xD0\xBD M\xC3\x9CLLER", EDI_CHARSET_UNOW}, /* Иван MÜLLER */
  };
  for (size_t i = 0; i < BM_COUNTOF(cases); i++) {
    cusres_answer a = {CUSRES_BOARD, NULL, NULL, cases[i].text};
    char *out = NULL;
    size_t len = 0;
    assert_int_equal(cusres_build(&m, &a, 1, &o, &out, &len, NULL), BM_OK);
    readback rb;
    read_back(out, len, &rb);
    assert_int_equal(rb.charset, cases[i].want);
    assert_string_equal(txt(&rb, rb.n - 3, 4, 1), cases[i].text); /* UNOC: back from Latin-1 */
    if (cases[i].want == EDI_CHARSET_UNOC) {
      assert_non_null(memchr(out, 0xDC, len)); /* Ü as one ISO 8859-1 byte */
      assert_null(memchr(out, 0xC3, len));
    }
    rb_free(&rb);
    free(out);
  }
}

/* ---- the decision ---- */

static wl_hit hit(float score, bool document) {
  wl_hit h;
  memset(&h, 0, sizeof h);
  h.list = "test";
  h.score = score;
  h.document_match = document;
  return h;
}

static void test_cusres_decide_every_branch(void **state) {
  (void)state;
  paxlst_person p;
  memset(&p, 0, sizeof p);
  p.surname = "O'BRIEN";
  p.given_names = "SEAN";
  p.birth_date = "1970-01-02";
  p.ndocuments = 1;
  p.documents[0].number = "PA1234567";
  wl_hit weak = hit(0.85f, false), strong = hit(0.95f, false), at = hit(0.90f, false);
  wl_hit doc = hit(0.50f, true);
  wl_hit two[2] = {weak, strong};

  /* Board: no hit, or only hits below the no-board threshold. */
  assert_int_equal(cusres_decide(&p, NULL, 0, 0), CUSRES_BOARD);
  assert_int_equal(cusres_decide(&p, &weak, 1, 0), CUSRES_BOARD);
  assert_int_equal(cusres_decide(&p, &strong, 0, 0), CUSRES_BOARD); /* nhits counts */
  /* No board: a hit at or above the threshold, the default being 0.90. */
  assert_int_equal(cusres_decide(&p, &strong, 1, 0), CUSRES_NO_BOARD);
  assert_int_equal(cusres_decide(&p, &at, 1, 0), CUSRES_NO_BOARD);
  assert_int_equal(cusres_decide(&p, two, 2, 0), CUSRES_NO_BOARD);
  assert_int_equal(cusres_decide(&p, &weak, 1, 0.80f), CUSRES_NO_BOARD);
  assert_int_equal(cusres_decide(&p, &strong, 1, 0.99f), CUSRES_BOARD);
  assert_int_equal(cusres_decide(&p, &at, 1, -1.0f), CUSRES_NO_BOARD); /* default */
  assert_int_equal(cusres_decide(&p, &weak, 1, NAN), CUSRES_BOARD);    /* default */
  assert_int_equal(cusres_decide(&p, &doc, 1, 0), CUSRES_NO_BOARD);    /* document, any score */
  assert_int_equal(cusres_decide(&p, NULL, 3, 0), CUSRES_BOARD);

  /* Insufficient data, each field, with the text naming it. */
  paxlst_person q = p;
  q.birth_date = NULL;
  assert_int_equal(cusres_decide(&q, NULL, 0, 0), CUSRES_INSUFFICIENT);
  assert_string_equal(cusres_decide_text(&q, CUSRES_INSUFFICIENT), "INSUFFICIENT DATA: BIRTH DATE");
  /* A strong name hit without birth date is not enough to refuse; a document hit is. */
  assert_int_equal(cusres_decide(&q, &strong, 1, 0), CUSRES_INSUFFICIENT);
  assert_int_equal(cusres_decide(&q, &doc, 1, 0), CUSRES_NO_BOARD);
  q.birth_date = "991340"; /* kept as sent: no valid date */
  assert_int_equal(cusres_decide(&q, NULL, 0, 0), CUSRES_INSUFFICIENT);
  q = p;
  q.surname = " ";
  assert_int_equal(cusres_decide(&q, NULL, 0, 0), CUSRES_INSUFFICIENT);
  assert_string_equal(cusres_decide_text(&q, CUSRES_INSUFFICIENT), "INSUFFICIENT DATA: SURNAME");
  q = p;
  q.ndocuments = 0;
  assert_string_equal(cusres_decide_text(&q, CUSRES_INSUFFICIENT),
                      "INSUFFICIENT DATA: DOCUMENT NUMBER");
  assert_int_equal(cusres_decide(&q, NULL, 0, 0), CUSRES_INSUFFICIENT);
  q.ndocuments = 2; /* a document without number, then one with */
  q.documents[0].number = NULL;
  q.documents[1].number = "X1";
  assert_int_equal(cusres_decide(&q, NULL, 0, 0), CUSRES_BOARD);
  q.documents[1].number = NULL;
  q.surname = NULL;
  q.birth_date = NULL;
  assert_string_equal(cusres_decide_text(&q, CUSRES_INSUFFICIENT),
                      "INSUFFICIENT DATA: SURNAME, BIRTH DATE, DOCUMENT NUMBER");
  assert_int_equal(cusres_decide(NULL, NULL, 0, 0), CUSRES_INSUFFICIENT);
  assert_int_equal(cusres_decide(NULL, &doc, 1, 0), CUSRES_NO_BOARD);
  assert_string_equal(cusres_decide_text(&p, CUSRES_INSUFFICIENT), "INSUFFICIENT DATA");
  assert_string_equal(cusres_decide_text(&p, CUSRES_NO_BOARD), "NO BOARD");
  assert_null(cusres_decide_text(&p, CUSRES__COUNT));

  /* The answer for a person, and the codes. */
  p.reservation_ref = "ABC123";
  p.passenger_ref = "P1";
  cusres_answer a = cusres_answer_for(&p, CUSRES_BOARD);
  assert_int_equal(a.status, CUSRES_BOARD);
  assert_string_equal(a.reservation_ref, "ABC123");
  assert_string_equal(a.passenger_ref, "P1");
  assert_string_equal(a.text, "OK TO BOARD");
  a = cusres_answer_for(NULL, CUSRES_INSUFFICIENT);
  assert_null(a.reservation_ref);
  assert_string_equal(a.text, "INSUFFICIENT DATA: SURNAME, BIRTH DATE, DOCUMENT NUMBER");
  assert_string_equal(cusres_status_code(CUSRES_BOARD), "0Z");
  assert_string_equal(cusres_status_code(CUSRES_NO_BOARD), "1Z");
  assert_string_equal(cusres_status_code(CUSRES_INSUFFICIENT), "2Z");
  assert_string_equal(cusres_status_code(CUSRES_ERROR), "118");
  assert_null(cusres_status_code(CUSRES__COUNT));
  assert_string_equal(cusres_status_text(CUSRES_INSUFFICIENT), "INSUFFICIENT DATA");
  assert_null(cusres_status_text((cusres_status)-1));
}

/* ---- limits and bad input ---- */

static bm_err build1(const paxlst_msg *m, cusres_answer a, const cusres_opts *o, bm_diag *diag) {
  char *out = (char *)"untouched";
  bm_err e = cusres_build(m, &a, 1, o, &out, NULL, diag);
  if (e != BM_OK) assert_null(out);
  free(out);
  return e;
}

static void test_cusres_limits(void **state) {
  (void)state;
  paxlst_msg m = small_request();
  cusres_opts o = {0, fixed_time(), NULL, NULL, NULL, NULL};
  cusres_answer a = {CUSRES_BOARD, NULL, NULL, NULL};
  bm_diag diag = {0};
  char *out = NULL;
  assert_int_equal(cusres_build(NULL, &a, 1, &o, &out, NULL, &diag), BM_ERR_USAGE);
  assert_int_equal(cusres_build(&m, NULL, 1, &o, &out, NULL, &diag), BM_ERR_USAGE);
  assert_int_equal(cusres_build(&m, &a, 1, &o, NULL, NULL, &diag), BM_ERR_USAGE);
  assert_int_equal(cusres_build(&m, &a, 0, &o, &out, NULL, &diag), BM_ERR_USAGE);
  assert_string_equal(diag.field, "answers");

  /* UNB values are read before their character set applies: only printable ASCII is answered
   * (fuzz/cusres_fuzz.c found a sender with a Latin-1 byte that no strict reader accepts). */
  paxlst_msg latin = m;
  latin.sender = "AIRLINE1\xc3\xbf";
  assert_int_equal(cusres_build(&latin, &a, 1, &o, &out, NULL, &diag), BM_ERR_INVALID);
  assert_string_equal(diag.field, "recipient");
  assert_null(out);
  assert_int_equal(cusres_build_error(&latin, NULL, NULL, &o, &out, NULL, &diag), BM_ERR_INVALID);
  cusres_opts ctl = o;
  ctl.control_ref = "REF\x01";
  assert_int_equal(cusres_build(&m, &a, 1, &ctl, &out, NULL, &diag), BM_ERR_INVALID);

  /* Answers: at most 9999. */
  cusres_answer *many = calloc(CUSRES_ANSWERS_MAX + 1, sizeof *many);
  assert_non_null(many);
  assert_int_equal(cusres_build(&m, many, CUSRES_ANSWERS_MAX + 1, &o, &out, NULL, &diag),
                   BM_ERR_LIMIT);
  assert_null(out);
  assert_string_equal(diag.field, "answers");
  size_t len = 0;
  assert_int_equal(cusres_build(&m, many, CUSRES_ANSWERS_MAX, &o, &out, &len, &diag), BM_OK);
  /* UNB, UNH, BGM, RFF+TN, Sg3 (5), 9999 x (ERP, ERC, FTX), UNT, UNZ; strict, no diagnostic. */
  edi_reader r;
  edi_opts eo = {EDI_OPT_STRICT, NULL, NULL};
  assert_int_equal(edi_reader_init(&r, out, len, &eo), BM_OK);
  static edi_segment seg;
  unsigned nseg = 0;
  while (edi_reader_next(&r, &seg) == BM_OK) nseg++;
  assert_int_equal(r.nerrors + r.nwarnings, 0);
  assert_int_equal(nseg, 4 + 5 + 3 * CUSRES_ANSWERS_MAX + 2);
  free(out);
  free(many);

  /* Statuses: only the three answers (the error is cusres_build_error's). */
  a.status = CUSRES_ERROR;
  assert_int_equal(build1(&m, a, &o, &diag), BM_ERR_USAGE);
  a.status = (cusres_status)42;
  assert_int_equal(build1(&m, a, &o, &diag), BM_ERR_USAGE);
  a.status = CUSRES_NO_BOARD;

  /* References: 70 characters, release characters not counted. */
  char ref[80];
  memset(ref, '+', 70);
  ref[70] = '\0';
  a.passenger_ref = ref;
  assert_int_equal(build1(&m, a, &o, &diag), BM_OK);
  ref[70] = 'X';
  ref[71] = '\0';
  assert_int_equal(build1(&m, a, &o, &diag), BM_ERR_LIMIT);
  assert_string_equal(diag.field, "answers[0].passenger_ref");
  assert_non_null(strstr(diag.message, "71 characters"));
  a.passenger_ref = NULL;

  /* Text: 512 characters (a two-byte character counts once). */
  char text[2 * CUSRES_TEXT_CHARS_MAX + 8];
  for (int i = 0; i < CUSRES_TEXT_CHARS_MAX; i++) memcpy(text + 2 * i, "\xC3\x89", 2); /* É */
  text[2 * CUSRES_TEXT_CHARS_MAX] = '\0';
  a.text = text;
  assert_int_equal(build1(&m, a, &o, &diag), BM_OK);
  memcpy(text + 2 * CUSRES_TEXT_CHARS_MAX, "X", 2);
  assert_int_equal(build1(&m, a, &o, &diag), BM_ERR_LIMIT);
  assert_string_equal(diag.field, "answers[0].text");

  /* Not UTF-8, control characters. */
  a.text = "BAD \xC3 BYTE";
  assert_int_equal(build1(&m, a, &o, &diag), BM_ERR_INVALID);
  a.text = "TAB\tHERE";
  assert_int_equal(build1(&m, a, &o, &diag), BM_ERR_INVALID);
  assert_non_null(strstr(diag.message, "control character"));
  a.text = "C1 \xC2\x85 NEL";
  assert_int_equal(build1(&m, a, &o, &diag), BM_ERR_INVALID);
  a.text = "NEWLINE\n";
  assert_int_equal(build1(&m, a, &o, &diag), BM_ERR_INVALID);
  a.text = NULL;

  /* Request values over their limits. */
  paxlst_msg bad = m;
  bad.sender = "A-SENDER-IDENTIFIER-OF-36-CHARACTERS";
  assert_int_equal(build1(&bad, a, &o, &diag), BM_ERR_LIMIT);
  assert_string_equal(diag.field, "recipient");
  bad = m;
  bad.common_access_ref = "OK688/081007/1310/AND-MUCH-MORE-TEXT";
  assert_int_equal(build1(&bad, a, &o, &diag), BM_ERR_LIMIT);
  assert_string_equal(diag.field, "common_access_ref");
  paxlst_leg f = FLIGHT;
  f.departure_airport = "A PLACE NAME LONGER THAN THIRTY-FIVE";
  bad = m;
  bad.flight = &f;
  assert_int_equal(build1(&bad, a, &o, &diag), BM_ERR_LIMIT);
  assert_string_equal(diag.field, "departure_airport");
  bad = m;
  bad.sender = NULL;
  assert_int_equal(build1(&bad, a, &o, &diag), BM_ERR_INVALID);
  assert_string_equal(diag.field, "recipient");
  bad.sender = "";
  assert_int_equal(build1(&bad, a, &o, &diag), BM_ERR_INVALID);

  /* Options. */
  cusres_opts p = o;
  p.control_ref = "123456789012345";
  assert_int_equal(build1(&m, a, &p, &diag), BM_ERR_LIMIT);
  assert_string_equal(diag.field, "control_ref");
  p.control_ref = "12345678901234";
  assert_int_equal(build1(&m, a, &p, &diag), BM_OK);
  assert_string_equal(diag.message, ""); /* cleared on success */
  p.message_ref = "";
  assert_int_equal(build1(&m, a, &p, &diag), BM_ERR_INVALID);
  assert_string_equal(diag.field, "message_ref");
  p = o;
  p.time = -1;
  assert_int_equal(build1(&m, a, &p, &diag), BM_ERR_USAGE);
  p.time = (int64_t)300000 * 366 * 86400; /* after 9999 */
  assert_int_equal(build1(&m, a, &p, &diag), BM_ERR_USAGE);
  assert_int_equal(build1(&m, a, NULL, &diag), BM_OK); /* defaults: now, generated refs */
  assert_int_equal(build1(&m, a, &o, NULL), BM_OK);
}

static void test_cusres_time_now(void **state) {
  (void)state;
  paxlst_msg m = small_request();
  cusres_answer a = {CUSRES_BOARD, NULL, NULL, NULL};
  char *out = NULL;
  size_t len = 0;
  assert_int_equal(cusres_build(&m, &a, 1, NULL, &out, &len, NULL), BM_OK);
  readback rb;
  read_back(out, len, &rb);
  /* The clock's date (either side of a midnight passed during the test). */
  char want[2][16];
  for (int i = 0; i < 2; i++) {
    bm_date d = bm_date_from_days((long)(time(NULL) / 86400) - i);
    snprintf(want[i], sizeof want[i], "%02d%02d%02d", d.year % 100, d.month, d.day);
  }
  const char *date = txt(&rb, 0, 4, 1);
  assert_true(strcmp(date, want[0]) == 0 || strcmp(date, want[1]) == 0);
  assert_int_equal(strlen(txt(&rb, 0, 4, 2)), 4);
  rb_free(&rb);
  free(out);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_cusres_release_chars_read_back),
      cmocka_unit_test(test_cusres_split_parts_echo_and_generated_refs),
      cmocka_unit_test(test_cusres_gtas_samples),
      cmocka_unit_test(test_cusres_golden_bytes),
      cmocka_unit_test(test_cusres_error_acknowledgement),
      cmocka_unit_test(test_cusres_character_sets),
      cmocka_unit_test(test_cusres_decide_every_branch),
      cmocka_unit_test(test_cusres_limits),
      cmocka_unit_test(test_cusres_time_now),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
