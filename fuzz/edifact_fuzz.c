/* edifact_fuzz.c - libFuzzer harness for the EDIFACT reader (edi_reader_next, edi_component,
 * edi_repetition, edi_unescape): the first layer over interchanges from carriers (untrusted).
 *
 * Input layout: byte 0 selects the options (bit 0: EDI_OPT_STRICT), the rest is the interchange.
 *
 * Besides the sanitizers, the harness checks the contract of edifact.h and traps when it does not
 * hold: segments are numbered 1, 2, ... in order (gaps only for the UNA and skipped segments),
 * slices lie inside the input, tags are three upper-case letters or digits, diagnostics name a
 * segment no later than the last one read and carry a NUL-terminated message, strict mode reports
 * nothing as a warning, edi_unescape honours its cap, returns the same length whatever the cap,
 * writes a prefix of the full text and always produces valid UTF-8.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bmis/edifact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
  do {                                                                                             \
    if (!(cond)) __builtin_trap();                                                                 \
  } while (0)

typedef struct fctx {
  const edi_reader *r;
  unsigned flags;
  unsigned ndiags;
} fctx;

static void on_diag(void *ctx, const edi_diag *d) {
  fctx *c = ctx;
  c->ndiags++;
  CHECK(d->severity == EDI_WARNING || d->severity == EDI_ERROR);
  if (c->flags & EDI_OPT_STRICT) CHECK(d->severity == EDI_ERROR);
  CHECK((unsigned)d->code < EDI_C__COUNT);
  CHECK(memchr(d->tag, '\0', sizeof d->tag) != NULL);
  CHECK(memchr(d->d.message, '\0', sizeof d->d.message) != NULL && d->d.message[0] != '\0');
  CHECK(d->d.segment <= c->r->nsegments + 1);
}

static bool valid_utf8(const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s;
  for (size_t i = 0; i < n;) {
    unsigned char c = p[i];
    size_t k;
    if (c < 0x80)
      k = 1;
    else if (c >= 0xC2 && c <= 0xDF)
      k = 2;
    else if (c >= 0xE0 && c <= 0xEF)
      k = 3;
    else if (c >= 0xF0 && c <= 0xF4)
      k = 4;
    else
      return false;
    if (i + k > n) return false;
    for (size_t j = 1; j < k; j++)
      if ((p[i + j] & 0xC0) != 0x80) return false;
    i += k;
  }
  return true;
}

static void check_slice(const char *buf, size_t len, bm_slice s) {
  if (s.len == 0) return;
  CHECK(s.ptr >= buf && s.ptr + s.len <= buf + len);
}

static void check_text(const edi_segment *seg, bm_slice in) {
  static char full[4 * EDI_SEGMENT_BYTES_MAX + 8];
  unsigned fl = 0;
  size_t want = edi_unescape(seg, in, full, sizeof full, &fl);
  CHECK(want < sizeof full);
  CHECK(strlen(full) == want && valid_utf8(full, want));
  CHECK((fl & ~(unsigned)(EDI_TEXT_RELEASE | EDI_TEXT_LATIN1 | EDI_TEXT_CONTROL)) == 0);
  static const size_t caps[] = {0, 1, 2, 3, 5, 17};
  for (size_t i = 0; i < sizeof caps / sizeof caps[0]; i++) {
    char small[24];
    memset(small, 0x7f, sizeof small);
    size_t w = edi_unescape(seg, in, small, caps[i], NULL);
    CHECK(w == want);
    if (caps[i] == 0) {
      CHECK((unsigned char)small[0] == 0x7f);
      continue;
    }
    size_t got = strlen(small);
    CHECK(got < caps[i] && got <= want && memcmp(small, full, got) == 0);
    CHECK(valid_utf8(small, got));
    CHECK((unsigned char)small[caps[i]] == 0x7f);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  unsigned flags = data[0] & EDI_OPT_STRICT;
  const char *buf = (const char *)data + 1;
  size_t len = size - 1;
  edi_reader r;
  fctx c = {&r, flags, 0};
  edi_opts o = {flags, on_diag, &c};
  CHECK(edi_reader_init(&r, buf, len, &o) == BM_OK);
  static edi_segment seg;
  unsigned last = 0, n = 0;
  while (edi_reader_next(&r, &seg) == BM_OK) {
    CHECK(++n <= len);
    CHECK(seg.index > last);
    last = seg.index;
    CHECK(seg.index == r.nsegments);
    check_slice(buf, len, seg.raw);
    CHECK(seg.raw.len >= 3 && seg.raw.len <= EDI_SEGMENT_BYTES_MAX);
    CHECK(seg.offset == (size_t)(seg.raw.ptr - buf));
    CHECK(memcmp(seg.tag, seg.raw.ptr, 3) == 0 && seg.tag[3] == '\0');
    CHECK(seg.tag[0] >= 'A' && seg.tag[0] <= 'Z');
    CHECK(seg.nelements <= EDI_ELEMENTS_MAX);
    for (unsigned e = 1; e <= seg.nelements; e++) {
      bm_slice el = seg.elements[e - 1];
      CHECK(el.ptr >= seg.raw.ptr && el.ptr + el.len <= seg.raw.ptr + seg.raw.len);
      check_text(&seg, el);
      for (unsigned k = 1; k <= 4; k++) {
        bm_slice cs = edi_component(&seg, e, k);
        if (cs.len > 0) CHECK(cs.ptr >= el.ptr && cs.ptr + cs.len <= el.ptr + el.len);
        check_text(&seg, cs);
      }
      bm_slice rp = edi_repetition(&seg, e, 2);
      if (rp.len > 0) CHECK(rp.ptr >= el.ptr && rp.ptr + rp.len <= el.ptr + el.len);
    }
    CHECK(edi_component(&seg, seg.nelements + 1, 1).len == 0);
    const edi_interchange *ic = edi_reader_interchange(&r);
    const edi_message *m = edi_reader_message(&r);
    check_slice(buf, len, ic->sender);
    check_slice(buf, len, ic->control_ref);
    check_slice(buf, len, m->ref);
    check_slice(buf, len, m->common_access_ref);
  }
  CHECK(edi_reader_next(&r, &seg) == BM_ERR_NOTFOUND);
  CHECK(c.ndiags == r.nwarnings + r.nerrors);
  if (flags & EDI_OPT_STRICT) CHECK(r.nwarnings == 0);
  return 0;
}
