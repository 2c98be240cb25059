/* cusres_fuzz.c - libFuzzer harness for the interactive API answer: a carrier's PAXLST (untrusted)
 * parsed leniently, then answered with cusres_build / cusres_build_error, the path of
 * POST /api/v1/api-messages with Accept: application/edifact and of `bmis paxlst respond`.
 *
 * Input layout: byte 0 chooses the answers (bits 0-1 rotate board / no board / insufficient over
 * the persons; bit 2 adds newlines between segments), the rest is the interchange.
 *
 * Besides the sanitizers, the harness checks what the writer promises whatever the request held:
 * a refusal is BM_ERR_INVALID or BM_ERR_LIMIT (a value a CUSRES cannot carry), never a usage error;
 * an answer is one interchange that our own reader reads in strict mode without a single
 * diagnostic, with one ERP group per answer and the request's references echoed unchanged.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bmis/cusres.h"
#include "bmis/edifact.h"
#include "bmis/paxlst.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
  do {                                                                                             \
    if (!(cond)) __builtin_trap();                                                                 \
  } while (0)

#define FUZZ_MESSAGES_MAX 16 /* messages answered per input */

typedef struct counts {
  unsigned diags, erp, unh, unz, abo_match;
  const char *want_abo; /* the first answer's passenger reference, unescaped */
} counts;

static void on_diag(void *ctx, const edi_diag *d) {
  (void)d;
  ((counts *)ctx)->diags++;
}

/* Read out[0..len) strictly and count what matters. */
static void read_back(const char *out, size_t len, counts *c) {
  edi_reader r;
  edi_opts o = {EDI_OPT_STRICT, on_diag, c};
  CHECK(edi_reader_init(&r, out, len, &o) == BM_OK);
  edi_segment seg;
  char v[CUSRES_REF_CHARS_MAX * 4 + 8];
  while (edi_reader_next(&r, &seg) == BM_OK) {
    c->erp += strcmp(seg.tag, "ERP") == 0;
    c->unh += strcmp(seg.tag, "UNH") == 0;
    c->unz += strcmp(seg.tag, "UNZ") == 0;
    if (c->want_abo != NULL && strcmp(seg.tag, "RFF") == 0 &&
        edi_slice_eq(edi_component(&seg, 1, 1), "ABO")) {
      edi_unescape(&seg, edi_component(&seg, 1, 2), v, sizeof v, NULL);
      c->abo_match += strcmp(v, c->want_abo) == 0;
    }
  }
  CHECK(r.nerrors + r.nwarnings == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  unsigned sel = data[0];
  paxlst_opts po = {0, {2026, 11, 23}};
  paxlst_batch *b = NULL;
  bm_err rc = paxlst_parse((const char *)data + 1, size - 1, &po, &b, NULL);
  CHECK(b != NULL && (rc == BM_OK || rc == BM_ERR_LIMIT));
  cusres_opts co = {sel & 4 ? CUSRES_OPT_NEWLINES : 0, 1790000000, NULL, NULL, NULL, NULL};
  for (size_t i = 0; i < b->nmsgs && i < FUZZ_MESSAGES_MAX; i++) {
    const paxlst_msg *m = &b->msgs[i];
    char *out = NULL;
    size_t len = 0;
    bm_diag d;
    counts c = {0};
    size_t n = m->npersons < CUSRES_ANSWERS_MAX ? m->npersons : CUSRES_ANSWERS_MAX;
    if (n == 0 || m->nerrors > 0) {
      rc = cusres_build_error(m, NULL, m->nerrors ? "MESSAGE REJECTED" : NULL, &co, &out, &len, &d);
      n = 0;
    } else {
      cusres_answer *a = calloc(n, sizeof *a);
      CHECK(a != NULL);
      for (size_t k = 0; k < n; k++)
        a[k] = cusres_answer_for(&m->persons[k], (cusres_status)((k + (sel & 3)) % 3));
      c.want_abo = m->persons[0].passenger_ref;
      rc = cusres_build(m, a, n, &co, &out, &len, &d);
      free(a);
    }
    if (rc != BM_OK) {
      CHECK(rc == BM_ERR_INVALID || rc == BM_ERR_LIMIT);
      CHECK(out == NULL);
      continue;
    }
    CHECK(out != NULL && len > 0 && strlen(out) == len);
    read_back(out, len, &c);
    CHECK(c.diags == 0);
    CHECK(c.unh == 1 && c.unz == 1);
    CHECK(c.erp == (n > 0 ? n : 1)); /* an acknowledgement has one ERP+1 */
    if (c.want_abo != NULL) CHECK(c.abo_match >= 1);
    free(out);
  }
  paxlst_batch_free(b);
  return 0;
}
