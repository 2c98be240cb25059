/* edi_reader.c - the UN/EDIFACT pull reader (see include/bmis/edifact.h).
 *
 * The format (ISO 9735): an optional "UNA" followed by six service characters (component, element,
 * decimal, release, repetition or reserved space, terminator), then segments. A segment is a tag,
 * data elements each introduced by the element separator, components inside an element separated
 * by the component separator, and the terminator. The release character makes the next character
 * literal. UNB..UNZ wrap an interchange, UNG..UNE an optional group, UNH..UNT a message; the
 * trailers repeat their header's reference and count what they close.
 *
 * Real carriers bend all of this (see docs/edifact.md): the reader repairs what it can in one
 * obvious way and reports each repair, so lenient and strict mode read the same data and differ
 * only in the severity of the reports.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bmis/edifact.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

enum { ST_OUTSIDE = 0, ST_INTERCHANGE, ST_DONE };

static const edi_seps DEFAULT_SEPS = {':', '+', '.', '?', 0, '\''};

static const char *const code_names[EDI_C__COUNT] = {
    "una",   "junk",      "whitespace", "tag",          "charset", "release", "envelope",
    "count", "reference", "syntax",     "unterminated", "limit",   "content"};

const char *edi_code_name(edi_code code) {
  if ((unsigned)code >= EDI_C__COUNT) return "?";
  return code_names[code];
}

int edi_slice_eq(bm_slice a, const char *s) {
  size_t n = strlen(s);
  return a.len == n && (n == 0 || memcmp(a.ptr, s, n) == 0);
}

static void vreport(edi_reader *r, unsigned segno, const char *tag, bool deviation, edi_code code,
                    const char *field, const char *fmt, va_list ap) {
  edi_diag d;
  memset(&d, 0, sizeof d);
  d.severity = (!deviation || (r->opts.flags & EDI_OPT_STRICT)) ? EDI_ERROR : EDI_WARNING;
  d.code = code;
  if (tag != NULL) {
    size_t n = strnlen(tag, 3);
    memcpy(d.tag, tag, n);
  }
  d.d.segment = segno;
  if (field != NULL) snprintf(d.d.field, sizeof d.d.field, "%s", field);
  vsnprintf(d.d.message, sizeof d.d.message, fmt, ap);
  if (d.severity == EDI_ERROR)
    r->nerrors++;
  else
    r->nwarnings++;
  if (r->opts.on_diag != NULL) r->opts.on_diag(r->opts.ctx, &d);
}

#if defined(__GNUC__)
__attribute__((format(printf, 6, 7)))
#endif
static void
report(edi_reader *r, unsigned segno, const char *tag, bool deviation, edi_code code,
       const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vreport(r, segno, tag, deviation, code, NULL, fmt, ap);
  va_end(ap);
}

void edi_reader_report(edi_reader *r, const edi_segment *seg, bool deviation, edi_code code,
                       const char *field, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vreport(r, seg != NULL ? seg->index : 0, seg != NULL ? seg->tag : NULL, deviation, code, field,
          fmt, ap);
  va_end(ap);
}

bm_err edi_reader_init(edi_reader *r, const char *buf, size_t len, const edi_opts *opts) {
  if (r == NULL || (buf == NULL && len > 0)) return BM_ERR_USAGE;
  memset(r, 0, sizeof *r);
  r->buf = buf;
  r->len = len;
  if (opts != NULL) r->opts = *opts;
  r->seps = DEFAULT_SEPS;
  if (len > EDI_INPUT_BYTES_MAX) {
    report(r, 0, NULL, false, EDI_C_LIMIT, "input of %zu bytes exceeds the limit of %zu bytes", len,
           (size_t)EDI_INPUT_BYTES_MAX);
    r->state = ST_DONE;
    return BM_ERR_LIMIT;
  }
  /* A UTF-8 byte order mark is not EDIFACT, but editors add it. */
  if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) r->pos = 3;
  return BM_OK;
}

/* Every change of the separators goes through here: the scanner's patterns depend on them. */
static void set_seps(edi_reader *r, edi_seps s) {
  r->seps = s;
  r->edi__ready = false;
}

const edi_interchange *edi_reader_interchange(const edi_reader *r) {
  return &r->ic;
}

const edi_message *edi_reader_message(const edi_reader *r) {
  return &r->msg;
}

/* ---- components ---- */

static bm_slice slice_of(const char *p, size_t n) {
  bm_slice s = {p, n};
  return s;
}

bm_slice edi_repetition(const edi_segment *seg, unsigned element, unsigned rep) {
  bm_slice none = {NULL, 0};
  if (element == 0 || element > seg->nelements || rep == 0) return none;
  bm_slice el = seg->elements[element - 1];
  if (seg->seps.repetition == 0) return rep == 1 ? el : none;
  unsigned idx = 1;
  size_t start = 0;
  for (size_t i = 0; i < el.len; i++) {
    char c = el.ptr[i];
    if (c == seg->seps.release) {
      i++;
      continue;
    }
    if (c == seg->seps.repetition) {
      if (idx == rep) return slice_of(el.ptr + start, i - start);
      idx++;
      start = i + 1;
    }
  }
  if (idx == rep) return slice_of(el.ptr + start, el.len - start);
  return none;
}

bm_slice edi_component(const edi_segment *seg, unsigned element, unsigned component) {
  bm_slice none = {NULL, 0};
  if (element == 0 || element > seg->nelements || component == 0 || component > EDI_COMPONENTS_MAX)
    return none;
  bm_slice el = seg->elements[element - 1];
  /* An element the reader saw without separators or release characters is its one component. */
  if ((seg->edi__simple >> (element - 1)) & 1) return component == 1 ? el : none;
  const char rel = seg->seps.release, comp = seg->seps.component;
  const char rep = seg->seps.repetition != 0 ? seg->seps.repetition : rel; /* rel: never reached */
  unsigned idx = 1;
  size_t start = 0, i;
  for (i = 0; i < el.len; i++) {
    char c = el.ptr[i];
    if (c == rel) {
      i++;
      continue;
    }
    if (c == rep) break;
    if (c == comp) {
      if (idx == component) return slice_of(el.ptr + start, i - start);
      idx++;
      start = i + 1;
    }
  }
  if (i > el.len) i = el.len; /* a release character as the last byte */
  if (idx == component) return slice_of(el.ptr + start, i - start);
  return none;
}

/* ---- text ---- */

/* Length of the valid UTF-8 sequence starting at p (of n bytes), 0 if it is not one. */
static size_t utf8_seq(const unsigned char *p, size_t n) {
  unsigned char c = p[0];
  size_t len;
  unsigned min;
  unsigned cp;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
    cp = c & 0x1F;
    min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    cp = c & 0x0F;
    min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    cp = c & 0x07;
    min = 0x10000;
  } else {
    return 0;
  }
  if (n < len) return 0;
  for (size_t i = 1; i < len; i++) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (p[i] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

typedef struct text_out {
  char *out;
  size_t cap, len;
  bool full;
} text_out;

static void put(text_out *t, const char *p, size_t n) {
  if (!t->full && t->cap > 0 && t->len + n <= t->cap - 1) {
    memcpy(t->out + t->len, p, n);
  } else {
    t->full = true;
  }
  t->len += n;
}

static bool is_service(const edi_seps *s, char c) {
  return c == s->component || c == s->element || c == s->release || c == s->terminator ||
         (s->repetition != 0 && c == s->repetition);
}

size_t edi_unescape(const edi_segment *seg, bm_slice in, char *out, size_t cap, unsigned *flags) {
  text_out t = {out, cap, 0, false};
  size_t written = 0; /* bytes actually in out */
  unsigned fl = 0;
  const unsigned char *p = (const unsigned char *)in.ptr;
  for (size_t i = 0; i < in.len; i++) {
    unsigned char c = p[i];
    if ((char)c == seg->seps.release) {
      if (i + 1 >= in.len) {
        fl |= EDI_TEXT_RELEASE;
        break;
      }
      i++;
      c = p[i];
      if (!is_service(&seg->seps, (char)c)) fl |= EDI_TEXT_RELEASE;
      if (c >= 0x80) goto high; /* released high byte: still converted */
      goto ascii;
    }
    if (c >= 0x80) goto high;
  ascii:
    if (c < 0x20 || c == 0x7F) {
      fl |= EDI_TEXT_CONTROL;
      c = ' ';
    }
    put(&t, (const char *)&c, 1);
    if (!t.full) written = t.len;
    continue;
  high:
    if (seg->charset != EDI_CHARSET_UNOC) {
      size_t n = utf8_seq(p + i, in.len - i);
      if (n > 1) {
        put(&t, (const char *)p + i, n);
        if (!t.full) written = t.len;
        i += n - 1;
        continue;
      }
      fl |= EDI_TEXT_LATIN1;
    } else {
      fl |= EDI_TEXT_LATIN1;
    }
    {
      char two[2] = {(char)(0xC0 | (c >> 6)), (char)(0x80 | (c & 0x3F))};
      put(&t, two, 2);
      if (!t.full) written = t.len;
    }
  }
  if (cap > 0) out[written] = '\0';
  if (flags != NULL) *flags = fl;
  return t.len;
}

/* ---- segments ---- */

static bool is_upper(char c) {
  return c >= 'A' && c <= 'Z';
}

static bool is_tag(const char *p, size_t n) {
  if (n != 3 || !is_upper(p[0])) return false;
  for (size_t i = 1; i < 3; i++)
    if (!is_upper(p[i]) && !(p[i] >= '0' && p[i] <= '9')) return false;
  return true;
}

static bool unoa_ok(unsigned char c) {
  return (c >= 32 && c <= 34) || (c >= 37 && c <= 63) || (c >= 65 && c <= 90);
}

/* One report per segment for the first character outside the declared set. */
static void check_charset(edi_reader *r, const edi_segment *seg) {
  const unsigned char *p = (const unsigned char *)seg->raw.ptr;
  size_t n = seg->raw.len;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = p[i];
    if (is_service(&seg->seps, (char)c)) continue;
    bool ok;
    switch (seg->charset) {
    case EDI_CHARSET_UNOA: ok = unoa_ok(c); break;
    case EDI_CHARSET_UNOC: ok = (c >= 32 && c <= 126) || c >= 160; break;
    case EDI_CHARSET_UNOY:
    case EDI_CHARSET_UNOW: {
      if (c >= 0x80) {
        size_t k = utf8_seq(p + i, n - i);
        if (k > 1) {
          i += k - 1;
          continue;
        }
        ok = false;
      } else {
        ok = c >= 32 && c != 127;
      }
      break;
    }
    default: ok = c >= 32 && c <= 126; break;
    }
    if (ok) continue;
    static const char *const names[] = {
        "the declared character set", "UNOA", "UNOB", "UNOC", "UNOY", "UNOW"};
    const char *set = names[seg->charset];
    if (seg->charset == EDI_CHARSET_UNOA && c >= 'a' && c <= 'z')
      report(r, seg->index, seg->tag, true, EDI_C_CHARSET,
             "lower case '%c' at byte %zu of the segment is not allowed in UNOA", c, i + 1);
    else
      report(r, seg->index, seg->tag, true, EDI_C_CHARSET,
             "byte 0x%02X at byte %zu of the segment is not allowed in %s", c, i + 1, set);
    return;
  }
}

/* Split seg->raw after the tag into elements; report limits and stray release characters. */
static void split_elements(edi_reader *r, edi_segment *seg, size_t start) {
  const char *p = seg->raw.ptr;
  size_t n = seg->raw.len;
  const edi_seps *s = &seg->seps;
  seg->nelements = 0;
  if (start >= n) return;
  /* start points at the first element separator. */
  size_t el_start = start + 1;
  unsigned ncomp = 1;
  bool over_el = false, over_comp = false, bad_release = false;
  for (size_t i = start + 1; i <= n; i++) {
    if (i < n && p[i] == s->release) {
      if (i + 1 >= n || !is_service(s, p[i + 1])) bad_release = true;
      i++;
      continue;
    }
    if (i == n || p[i] == s->element) {
      if (seg->nelements < EDI_ELEMENTS_MAX) {
        seg->elements[seg->nelements++] = slice_of(p + el_start, i - el_start);
      } else {
        over_el = true;
      }
      el_start = i + 1;
      ncomp = 1;
      continue;
    }
    if (p[i] == s->component || (s->repetition != 0 && p[i] == s->repetition)) {
      if (++ncomp > EDI_COMPONENTS_MAX) over_comp = true;
    }
  }
  if (over_el)
    report(r, seg->index, seg->tag, false, EDI_C_LIMIT,
           "more than %d data elements; the rest are ignored", EDI_ELEMENTS_MAX);
  if (over_comp)
    report(r, seg->index, seg->tag, false, EDI_C_LIMIT,
           "more than %d components in a data element; the rest are ignored", EDI_COMPONENTS_MAX);
  if (bad_release)
    report(r, seg->index, seg->tag, true, EDI_C_RELEASE,
           "release character '%c' before an ordinary character or at the end; it is dropped",
           s->release);
}

/* Parse a decimal count; -1 if empty or not all digits or too long. */
static long slice_num(bm_slice s) {
  if (s.len == 0 || s.len > 9) return -1;
  long v = 0;
  for (size_t i = 0; i < s.len; i++) {
    if (s.ptr[i] < '0' || s.ptr[i] > '9') return -1;
    v = v * 10 + (s.ptr[i] - '0');
  }
  return v;
}

static edi_charset charset_of(bm_slice s) {
  if (edi_slice_eq(s, "UNOA")) return EDI_CHARSET_UNOA;
  if (edi_slice_eq(s, "UNOB")) return EDI_CHARSET_UNOB;
  if (edi_slice_eq(s, "UNOC")) return EDI_CHARSET_UNOC;
  if (edi_slice_eq(s, "UNOY")) return EDI_CHARSET_UNOY;
  if (edi_slice_eq(s, "UNOW")) return EDI_CHARSET_UNOW;
  return EDI_CHARSET_UNKNOWN;
}

/* Printable form of a short slice for messages. */
static void show(bm_slice s, char *buf, size_t cap) {
  size_t n = 0;
  for (size_t i = 0; i < s.len && n + 1 < cap; i++) {
    unsigned char c = (unsigned char)s.ptr[i];
    buf[n++] = (c >= 32 && c < 127) ? (char)c : '?';
  }
  buf[n] = '\0';
}

static void check_count(edi_reader *r, const edi_segment *seg, const char *what, long want) {
  bm_slice got = edi_component(seg, 1, 1);
  long v = slice_num(got);
  char buf[32];
  show(got, buf, sizeof buf);
  if (v < 0)
    report(r, seg->index, seg->tag, true, EDI_C_COUNT, "count '%s' is not a number (%ld %s read)",
           buf, want, what);
  else if (v != want)
    report(r, seg->index, seg->tag, true, EDI_C_COUNT, "count %ld differs from the %ld %s read", v,
           want, what);
}

static void check_ref(edi_reader *r, const edi_segment *seg, unsigned element, bm_slice want,
                      const char *header) {
  bm_slice got = edi_component(seg, element, 1);
  if (got.len == want.len && (got.len == 0 || memcmp(got.ptr, want.ptr, got.len) == 0)) return;
  char a[48], b[48];
  show(got, a, sizeof a);
  show(want, b, sizeof b);
  report(r, seg->index, seg->tag, true, EDI_C_REFERENCE,
         "reference '%s' differs from the %s's '%s'", a, header, b);
}

static void close_message(edi_reader *r, unsigned segno, const char *tag) {
  if (!r->msg.open) return;
  char ref[48];
  show(r->msg.ref, ref, sizeof ref);
  report(r, segno, tag, true, EDI_C_ENVELOPE, "message '%s' (segment %u) has no UNT", ref,
         r->msg.first_segment);
  r->msg.open = false;
}

static void close_interchange(edi_reader *r, unsigned segno, const char *tag) {
  close_message(r, segno, tag);
  if (r->state == ST_INTERCHANGE && !r->ic.implicit) {
    char ref[48];
    show(r->ic.control_ref, ref, sizeof ref);
    report(r, segno, tag, true, EDI_C_ENVELOPE, "interchange '%s' has no UNZ", ref);
  }
  r->state = ST_OUTSIDE;
  r->in_group = false;
}

static void open_interchange(edi_reader *r, const edi_segment *seg, bool implicit) {
  unsigned index = r->ic.index + 1;
  memset(&r->ic, 0, sizeof r->ic);
  r->edi__ready = false; /* the character set changes: the scanner's patterns with it */
  r->ic.index = index;
  r->ic.implicit = implicit;
  r->state = ST_INTERCHANGE;
  r->nmessages_ic = r->ngroups_ic = r->nmessages_grp = 0;
  r->in_group = false;
  if (implicit) return;
  r->ic.syntax = edi_component(seg, 1, 1);
  r->ic.syntax_version = edi_component(seg, 1, 2);
  r->ic.charset = charset_of(r->ic.syntax);
  r->ic.sender = edi_component(seg, 2, 1);
  r->ic.recipient = edi_component(seg, 3, 1);
  r->ic.date = edi_component(seg, 4, 1);
  r->ic.time = edi_component(seg, 4, 2);
  r->ic.control_ref = edi_component(seg, 5, 1);
  r->ic.application_ref = edi_component(seg, 7, 1);
  if (r->ic.charset == EDI_CHARSET_UNKNOWN && !edi_slice_eq(r->ic.syntax, "IATA")) {
    char buf[16];
    show(r->ic.syntax, buf, sizeof buf);
    report(r, seg->index, seg->tag, true, EDI_C_SYNTAX,
           "unknown syntax identifier '%s'; read as UNOB", buf);
  }
}

/* Envelope bookkeeping for a well-formed segment. */
static void track(edi_reader *r, edi_segment *seg) {
  const char *t = seg->tag;
  /* Service tags are UNx: one test skips the six comparisons for every other segment. */
  char svc = t[0] == 'U' && t[1] == 'N' ? t[2] : '\0';
  if (svc == 'B') {
    if (r->state == ST_INTERCHANGE) close_interchange(r, seg->index, t);
    open_interchange(r, seg, false);
  } else if (svc == 'Z') {
    if (r->state != ST_INTERCHANGE) {
      report(r, seg->index, t, true, EDI_C_ENVELOPE, "UNZ outside an interchange");
    } else {
      close_message(r, seg->index, t);
      if (r->in_group) report(r, seg->index, t, true, EDI_C_ENVELOPE, "group has no UNE");
      if (r->ngroups_ic > 0)
        check_count(r, seg, "groups", (long)r->ngroups_ic);
      else
        check_count(r, seg, "messages", (long)r->nmessages_ic);
      if (!r->ic.implicit) check_ref(r, seg, 2, r->ic.control_ref, "UNB");
    }
    r->state = ST_OUTSIDE;
    r->in_group = false;
    set_seps(r, DEFAULT_SEPS); /* a UNA applies to its own interchange only */
  } else if (svc == 'G') {
    close_message(r, seg->index, t);
    if (r->in_group) report(r, seg->index, t, true, EDI_C_ENVELOPE, "previous group has no UNE");
    r->in_group = true;
    r->ngroups_ic++;
    r->nmessages_grp = 0;
    r->group_ref = edi_component(seg, 5, 1);
  } else if (svc == 'E') {
    close_message(r, seg->index, t);
    if (!r->in_group) {
      report(r, seg->index, t, true, EDI_C_ENVELOPE, "UNE without UNG");
    } else {
      check_count(r, seg, "messages", (long)r->nmessages_grp);
      check_ref(r, seg, 2, r->group_ref, "UNG");
    }
    r->in_group = false;
  } else if (svc == 'H') {
    close_message(r, seg->index, t);
    memset(&r->msg, 0, sizeof r->msg);
    r->msg.ref = edi_component(seg, 1, 1);
    r->msg.type = edi_component(seg, 2, 1);
    r->msg.version = edi_component(seg, 2, 2);
    r->msg.release = edi_component(seg, 2, 3);
    r->msg.agency = edi_component(seg, 2, 4);
    r->msg.association = edi_component(seg, 2, 5);
    r->msg.common_access_ref = edi_component(seg, 3, 1);
    r->msg.sequence = edi_component(seg, 4, 1);
    r->msg.first_last = edi_component(seg, 4, 2);
    r->msg.first_segment = seg->index;
    r->msg.nsegments = 1;
    r->msg.open = true;
    r->nmessages_ic++;
    if (r->in_group) r->nmessages_grp++;
    seg->in_message = true;
  } else if (svc == 'T') {
    if (!r->msg.open) {
      report(r, seg->index, t, true, EDI_C_ENVELOPE, "UNT outside a message");
    } else {
      r->msg.nsegments++;
      seg->in_message = true;
      check_count(r, seg, "segments", (long)r->msg.nsegments);
      check_ref(r, seg, 2, r->msg.ref, "UNH");
      r->msg.open = false;
    }
  } else if (r->msg.open) {
    r->msg.nsegments++;
    seg->in_message = true;
  } else {
    report(r, seg->index, t, true, EDI_C_ENVELOPE, "segment %s outside a message", t);
  }
}

/* Read a UNA at r->pos (which starts with "UNA"). */
static void read_una(edi_reader *r) {
  unsigned segno = ++r->nsegments;
  if (r->state == ST_INTERCHANGE) close_interchange(r, segno, "UNA");
  if (r->len - r->pos < 9) {
    report(r, segno, "UNA", true, EDI_C_UNA, "service string advice is truncated; defaults used");
    set_seps(r, DEFAULT_SEPS);
    r->pos = r->len;
    return;
  }
  const char *p = r->buf + r->pos + 3;
  edi_seps s = {p[0], p[1], p[2], p[3], p[4] == ' ' ? 0 : p[4], p[5]};
  /* The separators in use must differ from each other and from letters, digits and blanks. */
  const char c[5] = {s.component, s.element, s.release, s.terminator, s.repetition};
  bool ok = true;
  for (int i = 0; i < 5 && ok; i++) {
    if (i == 4 && c[i] == 0) break;
    unsigned char u = (unsigned char)c[i];
    if (u <= ' ' || (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9'))
      ok = false;
    for (int j = 0; j < i; j++)
      if (c[j] == c[i]) ok = false;
  }
  if (!ok) {
    report(r, segno, "UNA", true, EDI_C_UNA,
           "service string advice has clashing or unusable characters; defaults used");
    set_seps(r, DEFAULT_SEPS);
  } else {
    set_seps(r, s);
  }
  r->pos += 9;
}

/* Skip bytes that are no segment, up to the next "UNA", "UNB" or "UNH" after the first byte. */
static void skip_junk(edi_reader *r, size_t from) {
  /* From the next byte: junk that itself starts with "UNB" (a mangled tag) must make progress. */
  size_t i = from + 1;
  for (; i + 3 <= r->len; i++) {
    const char *q = r->buf + i;
    if (q[0] == 'U' && q[1] == 'N' && (q[2] == 'A' || q[2] == 'B' || q[2] == 'H')) break;
  }
  if (i + 3 > r->len) i = r->len;
  report(r, r->nsegments, "", true, EDI_C_JUNK, "%zu bytes that are no segment skipped %s",
         i - from, i == r->len ? "at the end of the input" : "before the next interchange");
  r->pos = i;
}

static bool is_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* ---- the one-pass scan of a well-formed segment ---- */

/* Bytes that may be outside the declared character set, as a signed range [lo, hi] of accepted
 * bytes minus three exceptions: every byte outside it goes to check_charset, which decides exactly.
 * UNOA: 32..90 without '#', '$', '@'. Every other set: 32..126 (printable ASCII); bytes from 0x80
 * (negative as signed char: UNOC Latin-1, UNOY/UNOW UTF-8) always take the exact check. */
typedef struct charset_filter {
  signed char lo, hi, ex1, ex2, ex3;
} charset_filter;

static charset_filter filter_of(edi_charset cs) {
  if (cs == EDI_CHARSET_UNOA) return (charset_filter){32, 90, 35, 36, 64};
  return (charset_filter){32, 126, 0, 0, 0}; /* 0 is below lo already */
}

/* Outcome of scan_segment, which never reports anything. */
typedef struct scan_result {
  size_t end;   /* index of the terminator */
  bool suspect; /* a byte that is no service character may be outside the character set */
} scan_result;

enum { PAT_TERM, PAT_REL, PAT_ELEM, PAT_COMP, PAT_REP, PAT_LO, PAT_HI, PAT_EX1, PAT_EX2, PAT_EX3 };

/* The scanner's patterns (each byte repeated 16 times) for the current separators and character
 * set, made again only when those change (a UNA, a UNB, a UNZ). */
static const unsigned char (*patterns(edi_reader *r))[16] {
  const edi_seps *s = &r->seps;
  if (!r->edi__ready) {
    const charset_filter f = filter_of(r->ic.charset);
    /* No repetition separator: the pattern repeats the component separator (same branch). */
    const char rep = s->repetition != 0 ? s->repetition : s->component;
    const char b[10] = {s->terminator, s->release, s->element,  s->component, rep,
                        (char)f.lo,    (char)f.hi, (char)f.ex1, (char)f.ex2,  (char)f.ex3};
    for (int k = 0; k < 10; k++) memset(r->edi__pat[k], (unsigned char)b[k], 16);
    r->edi__ready = true;
  }
  return (const unsigned char(*)[16])r->edi__pat;
}

/* is_service() on separators held in locals. */
static inline bool service_char(char c, char comp, char elem, char rel, char term, char rep0) {
  return c == comp || c == elem || c == rel || c == term || (rep0 != 0 && c == rep0);
}

/* The common case in one pass over the bytes: the segment at r->buf[start] has a three-character
 * tag followed directly by the element separator or the terminator (checked by the caller), every
 * release character stands before a service character, and the segment is terminated and within
 * the limits. Finds the terminator, fills seg->elements and seg->nelements exactly as
 * split_elements would (and seg->edi__simple, seg->edi__ascii), and flags bytes check_charset
 * must look at. Returns false, having reported nothing, for anything else (a stray release
 * character, too many elements or components, a segment over EDI_SEGMENT_BYTES_MAX, no
 * terminator): the caller then takes the general path, which reads the segment again and reports
 * what is wrong. With SSE2, 16 bytes at a time: one bit mask of service characters and one of
 * suspect bytes per block; the loop visits only the service characters. */
static bool scan_segment(edi_reader *r, edi_segment *seg, size_t start, scan_result *out) {
  const char *p = r->buf;
  const size_t len = r->len;
  /* Separators in locals: the stores into seg would otherwise make the compiler reload them. */
  const char term = r->seps.terminator, rel = r->seps.release, elem = r->seps.element;
  const char comp = r->seps.component, rep0 = r->seps.repetition;
  size_t k = start + 3;
  if (p[k] == term) {
    seg->nelements = 0;
    seg->edi__simple = 0;
    seg->edi__ascii = true;
    out->end = k;
    out->suspect = false;
    return true;
  }
  /* p[k] is the element separator: the first element starts after it. */
  const size_t limit = start + EDI_SEGMENT_BYTES_MAX; /* the terminator may be at most here */
  bm_slice *els = seg->elements;
  unsigned nel = 0, ncomp = 1;
  unsigned long long simple = 0;
  size_t el_start = k + 1;
  bool suspect = false, released = false, mixed = false;
  size_t j = k + 1; /* next byte to look at */
  size_t end;
/* Close the element ending at position e (the caller returns false when there are too many). */
#define CLOSE_ELEMENT(e)                                                                           \
  do {                                                                                             \
    if (!mixed) simple |= 1ull << nel;                                                             \
    mixed = false;                                                                                 \
    els[nel].ptr = p + el_start;                                                                   \
    els[nel].len = (e)-el_start;                                                                   \
    nel++;                                                                                         \
    el_start = (e) + 1;                                                                            \
  } while (0)
#if defined(__SSE2__)
  if (j + 16 <= len) {
    const unsigned char(*pat)[16] = patterns(r);
#define PAT(i) _mm_loadu_si128((const __m128i *)(const void *)pat[i])
    const __m128i v_term = PAT(PAT_TERM), v_rel = PAT(PAT_REL), v_elem = PAT(PAT_ELEM);
    const __m128i v_comp = PAT(PAT_COMP), v_rep = PAT(PAT_REP), v_lo = PAT(PAT_LO);
    const __m128i v_hi = PAT(PAT_HI), v_ex1 = PAT(PAT_EX1), v_ex2 = PAT(PAT_EX2);
    const __m128i v_ex3 = PAT(PAT_EX3);
#undef PAT
    do {
      const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + j));
      __m128i st = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, v_term), _mm_cmpeq_epi8(v, v_rel)),
                                _mm_or_si128(_mm_cmpeq_epi8(v, v_elem), _mm_cmpeq_epi8(v, v_comp)));
      st = _mm_or_si128(st, _mm_cmpeq_epi8(v, v_rep));
      __m128i bad = _mm_or_si128(_mm_cmplt_epi8(v, v_lo), _mm_cmpgt_epi8(v, v_hi));
      bad = _mm_or_si128(
          bad, _mm_or_si128(_mm_cmpeq_epi8(v, v_ex1),
                            _mm_or_si128(_mm_cmpeq_epi8(v, v_ex2), _mm_cmpeq_epi8(v, v_ex3))));
      unsigned stops = (unsigned)_mm_movemask_epi8(st);
      unsigned badm = (unsigned)_mm_movemask_epi8(bad) & ~stops;
      size_t next = j + 16;
      while (stops != 0) {
        unsigned b = (unsigned)__builtin_ctz(stops);
        stops &= stops - 1;
        size_t at = j + b;
        char c = p[at];
        if (c == elem) {
          if (nel == EDI_ELEMENTS_MAX - 1) return false; /* keep one for the last element */
          CLOSE_ELEMENT(at);
          ncomp = 1;
        } else if (c == term) {
          if ((badm & ((1u << b) - 1)) != 0) suspect = true;
          end = at;
          goto done;
        } else if (c == rel) {
          /* The released byte must be a service character (else: a stray release). */
          if (at + 1 >= len || !service_char(p[at + 1], comp, elem, rel, term, rep0)) return false;
          released = mixed = true;
          if (b == 15)
            next++; /* the released byte is the first of the next block */
          else
            stops &= ~(1u << (b + 1));
        } else {
          mixed = true;
          if (++ncomp > EDI_COMPONENTS_MAX) return false;
        }
      }
      if (badm != 0) suspect = true;
      j = next;
      if (j > limit + 1) return false;
    } while (j + 16 <= len);
  }
#endif
  {
    const charset_filter f = filter_of(r->ic.charset);
    const char rep = rep0 != 0 ? rep0 : comp;
    for (;; j++) {
      if (j >= len || j > limit) return false; /* no terminator: the general path reports it */
      char c = p[j];
      if (c == term) {
        end = j;
        goto done;
      }
      if (c == elem) {
        if (nel == EDI_ELEMENTS_MAX - 1) return false;
        CLOSE_ELEMENT(j);
        ncomp = 1;
      } else if (c == rel) {
        if (j + 1 >= len || !service_char(p[j + 1], comp, elem, rel, term, rep0)) return false;
        released = mixed = true;
        j++;
      } else if (c == comp || c == rep) {
        mixed = true;
        if (++ncomp > EDI_COMPONENTS_MAX) return false;
      } else {
        signed char sc = (signed char)c;
        if (sc < f.lo || sc > f.hi || sc == f.ex1 || sc == f.ex2 || sc == f.ex3) suspect = true;
      }
    }
  }
done:
  if (end > limit) return false;
  CLOSE_ELEMENT(end);
#undef CLOSE_ELEMENT
  seg->nelements = nel;
  seg->edi__simple = simple;
  seg->edi__ascii = !suspect && !released;
  out->end = end;
  out->suspect = suspect;
  return true;
}

bm_err edi_reader_next(edi_reader *r, edi_segment *seg) {
  if (r == NULL || seg == NULL) return BM_ERR_USAGE;
  for (;;) {
    if (r->state == ST_DONE) return BM_ERR_NOTFOUND;
    bool spaces = false;
    {
      size_t pos = r->pos;
      const size_t len = r->len;
      const char *buf = r->buf;
      for (; pos < len && (unsigned char)buf[pos] <= ' '; pos++) {
        char ch = buf[pos];
        if (ch == ' ' || ch == '\t')
          spaces = true;
        else if (ch != '\r' && ch != '\n')
          break;
      }
      r->pos = pos;
    }
    if (r->pos >= r->len) {
      close_interchange(r, 0, "");
      r->state = ST_DONE;
      return BM_ERR_NOTFOUND;
    }
    if (r->state == ST_OUTSIDE && r->len - r->pos >= 3 && memcmp(r->buf + r->pos, "UNA", 3) == 0) {
      read_una(r);
      continue;
    }
    size_t start = r->pos, i = start;
    /* The common case: a tag directly followed by the element separator or the terminator, in an
     * interchange (or its UNB). Anything scan_segment does not take is read below. */
    if (r->len - start > 3 && is_tag(r->buf + start, 3) &&
        (r->buf[start + 3] == r->seps.element || r->buf[start + 3] == r->seps.terminator) &&
        (r->state != ST_OUTSIDE || memcmp(r->buf + start, "UNB", 3) == 0)) {
      scan_result sr;
      if (scan_segment(r, seg, start, &sr)) {
        unsigned nel = seg->nelements;
        memset(seg, 0, offsetof(edi_segment, elements));
        seg->nelements = nel;
        seg->seps = r->seps;
        seg->charset = r->ic.charset;
        memcpy(seg->tag, r->buf + start, 3);
        seg->tag[3] = '\0';
        seg->raw = slice_of(r->buf + start, sr.end - start);
        seg->offset = start;
        seg->index = ++r->nsegments;
        r->pos = sr.end + 1;
        if (spaces)
          report(r, seg->index, seg->tag, true, EDI_C_WHITESPACE,
                 "spaces or tabs before the segment");
        if (sr.suspect) check_charset(r, seg);
        track(r, seg);
        return BM_OK;
      }
    }
    /* The general path. Find the terminator, honouring the release character. */
    const edi_seps s = r->seps;
    while (i < r->len && r->buf[i] != s.terminator) {
      if (r->buf[i] == s.release) i++;
      i++;
    }
    if (i > r->len) i = r->len;
    bool terminated = i < r->len;
    size_t end = i;
    r->pos = terminated ? i + 1 : r->len;
    /* Trailing CR/LF/blanks before a missing terminator at the end belong to no segment. */
    if (!terminated)
      while (end > start && is_blank(r->buf[end - 1])) end--;

    /* The tag: bytes up to the first element separator. */
    size_t tag_end = start;
    while (tag_end < end && r->buf[tag_end] != s.element) tag_end++;
    size_t tag_len = tag_end - start;
    bool tag_spaces = false;
    while (tag_len > 3 && is_blank(r->buf[start + tag_len - 1])) {
      tag_len--;
      tag_spaces = true;
    }
    if (!is_tag(r->buf + start, tag_len)) {
      if (r->state == ST_OUTSIDE) {
        skip_junk(r, start);
        continue;
      }
      unsigned segno = ++r->nsegments;
      if (r->msg.open) r->msg.nsegments++;
      char buf[16];
      show(slice_of(r->buf + start, tag_len), buf, sizeof buf);
      report(r, segno, "", true, EDI_C_TAG, "'%s' is not a segment tag; segment skipped", buf);
      continue;
    }
    if (r->state == ST_OUTSIDE && memcmp(r->buf + start, "UNB", 3) != 0) {
      if (memcmp(r->buf + start, "UNH", 3) == 0) {
        report(r, r->nsegments + 1, "UNH", true, EDI_C_ENVELOPE,
               "message outside an interchange (no UNB)");
        open_interchange(r, NULL, true);
      } else {
        skip_junk(r, start);
        continue;
      }
    }

    memset(seg, 0, offsetof(edi_segment, elements));
    seg->edi__simple = 0;
    seg->edi__ascii = false;
    seg->seps = s;
    seg->charset = r->ic.charset;
    memcpy(seg->tag, r->buf + start, 3);
    seg->tag[3] = '\0';
    seg->raw = slice_of(r->buf + start, end - start);
    seg->offset = start;
    seg->index = ++r->nsegments;
    if (spaces)
      report(r, seg->index, seg->tag, true, EDI_C_WHITESPACE, "spaces or tabs before the segment");
    if (tag_spaces)
      report(r, seg->index, seg->tag, true, EDI_C_WHITESPACE, "spaces after the segment tag");
    if (!terminated)
      report(r, seg->index, seg->tag, true, EDI_C_UNTERMINATED,
             "the last segment has no terminator '%c'", s.terminator);
    if (seg->raw.len > EDI_SEGMENT_BYTES_MAX) {
      report(r, seg->index, seg->tag, false, EDI_C_LIMIT,
             "segment of %zu bytes exceeds the limit of %d bytes; skipped", seg->raw.len,
             EDI_SEGMENT_BYTES_MAX);
      if (r->msg.open) r->msg.nsegments++;
      continue;
    }
    split_elements(r, seg, tag_end - start);
    check_charset(r, seg);
    track(r, seg);
    return BM_OK;
  }
}
