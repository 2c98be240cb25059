/* paxlst.c - PAXLST messages on top of the EDIFACT reader (see include/bmis/paxlst.h).
 *
 * The format (WCO/IATA/ICAO PAXLST implementation guide, UN D.02B/D.05B): UNH, BGM (745 passenger
 * list, 250 crew list), RFF, SG1 NAD+MS reporting party, SG2 TDT flight with SG3 LOC/DTM pairs
 * (125 departure + 189, 87 arrival + 232, 92 routing legs in pairs), SG4 one NAD per person (FL
 * passenger, FM crew, DDU/DDT in transit) with ATT sex, DTM 329 birth, NAT, LOC 174/178/179/180,
 * MEA bags, RFF references, SG5 DOC with DTM 36/182 and LOC 91, then CNT and UNT.
 *
 * The reader is a small state machine over the segment groups: which group a LOC, DTM or RFF
 * belongs to is decided by the last group-opening segment (TDT, NAD, DOC), the way the guide nests
 * them. Values are normalised as they are stored; anything odd is reported with the segment.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "bmis/icao.h"
#include "bmis/paxlst.h"

/* ---- arena: every string of a batch, freed in one call ---- */

/* Bytes of one arena block (larger requests get their own block). */
#define PAXLST_ARENA_BLOCK_BYTES 65536

typedef struct arena_block {
  struct arena_block *next;
  size_t used, cap;
  char data[];
} arena_block;

struct paxlst__arena {
  arena_block *head;
};

/* A new head block with room for n bytes. */
static arena_block *arena_grow(struct paxlst__arena *a, size_t n) {
  size_t cap = n > PAXLST_ARENA_BLOCK_BYTES ? n : PAXLST_ARENA_BLOCK_BYTES;
  arena_block *b = malloc(sizeof *b + cap);
  if (b == NULL) return NULL;
  b->next = a->head;
  b->used = 0;
  b->cap = cap;
  a->head = b;
  return b;
}

/* n bytes of a string: packed, no alignment (most values are 2 to 12 bytes). */
static inline char *arena_chars(struct paxlst__arena *a, size_t n) {
  arena_block *h = a->head;
  if (h == NULL || h->cap - h->used < n) {
    h = arena_grow(a, n);
    if (h == NULL) return NULL;
  }
  char *p = h->data + h->used;
  h->used += n;
  return p;
}

/* Every one-byte string, so a one-character value (a sex, a document type) needs no copy. */
static const char one_char[256][2] = {
#define ONE4(i)                                                                                    \
  {(char)(i), 0}, {(char)((i) + 1), 0}, {(char)((i) + 2), 0}, {                                    \
    (char)((i) + 3), 0                                                                             \
  }
#define ONE16(i) ONE4(i), ONE4((i) + 4), ONE4((i) + 8), ONE4((i) + 12)
#define ONE64(i) ONE16(i), ONE16((i) + 16), ONE16((i) + 32), ONE16((i) + 48)
    ONE64(0), ONE64(64), ONE64(128), ONE64(192)
#undef ONE64
#undef ONE16
#undef ONE4
};

static inline char *arena_strndup(struct paxlst__arena *a, const char *s, size_t n) {
  char *p = arena_chars(a, n + 1);
  if (p == NULL) return NULL;
  /* Values are short: fixed-size (inlined) copies that may overlap instead of a call. */
  if (n >= 8 && n <= 16) {
    memcpy(p, s, 8);
    memcpy(p + n - 8, s + n - 8, 8);
  } else if (n >= 4 && n < 8) {
    memcpy(p, s, 4);
    memcpy(p + n - 4, s + n - 4, 4);
  } else if (n < 4) {
    for (size_t i = 0; i < n; i++) p[i] = s[i];
  } else {
    memcpy(p, s, n);
  }
  p[n] = '\0';
  return p;
}

/* ---- names ---- */

/* The codes of the guide, their values and their names: one table per kind, read both ways. */
typedef struct code_row {
  const char *code; /* as sent: BGM 1001, NAD 3035 */
  int value;        /* the enum */
  const char *name; /* the JSON name */
} code_row;

static const code_row LIST_TYPES[] = {
    {"745", PAXLST_LIST_PASSENGERS, "passengers"},
    {"250", PAXLST_LIST_CREW, "crew"},
    {"336", PAXLST_LIST_MASTER_CREW, "master_crew"},
    {"266", PAXLST_LIST_FLIGHT_STATUS, "flight_status"},
    {"655", PAXLST_LIST_GATE_PASS, "gate_pass"},
};
static const code_row ROLES[] = {
    {"FL", PAXLST_ROLE_PASSENGER, "passenger"},
    {"FM", PAXLST_ROLE_CREW, "crew"},
    {"DDU", PAXLST_ROLE_TRANSIT_PASSENGER, "transit_passenger"},
    {"DDT", PAXLST_ROLE_TRANSIT_CREW, "transit_crew"},
};

/* The row of code in rows[0..n), or NULL. */
static const code_row *code_find(const code_row *rows, size_t n, const char *code) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(rows[i].code, code) == 0) return &rows[i];
  return NULL;
}

static const char *code_name(const code_row *rows, size_t n, int value) {
  for (size_t i = 0; i < n; i++)
    if (rows[i].value == value) return rows[i].name;
  return NULL;
}

const char *paxlst_list_type_name(paxlst_list_type t) {
  return code_name(LIST_TYPES, BM_COUNTOF(LIST_TYPES), (int)t);
}

const char *paxlst_role_name(paxlst_role r) {
  return code_name(ROLES, BM_COUNTOF(ROLES), (int)r);
}

/* ---- parse state ---- */

/* A segment tag as one integer, so dispatching on it is a switch, not a chain of strcmp. Tags of
 * segments the reader returns are always three characters. */
#define TAG3(a, b, c) ((uint32_t)(a) << 16 | (uint32_t)(b) << 8 | (uint32_t)(c))

static uint32_t tag_of(const edi_segment *seg) {
  return TAG3((unsigned char)seg->tag[0], (unsigned char)seg->tag[1], (unsigned char)seg->tag[2]);
}

enum { G_HEADER = 0, G_PARTY = 1, G_LEG = 2, G_PERSON = 4, G_DOC = 5 };

/* Components of one element kept by the split cache (PAXLST reads at most the fourth). */
#define PAXLST_SPLIT_MAX 8
/* Slots of the country code cache (a power of two; a file has a few dozen distinct codes). */
#define PAXLST_ICAO_CACHE 256

typedef struct pctx {
  paxlst_batch *b;
  paxlst_opts opts;
  edi_reader r;
  bool oom;
  bool in_msg; /* a message is being filled (msgs[nmsgs - 1]) */
  bool skip;   /* the current message is not a PAXLST */
  bool saw_bgm;
  int grp;
  unsigned leg_routing; /* LOC 92 seen in the current leg */
  int leg_last_loc;     /* 125/87 or the routing position 1/2 of the last LOC */
  size_t cap_msgs, cap_persons, cap_diags;
  size_t cap_pending;
  /* The components of one element of one segment, split once (comp() asks for several). */
  unsigned split_seg, split_el, split_n; /* split_seg: the segment number, 0 = none */
  bm_slice split[PAXLST_SPLIT_MAX];
  /* Three-letter country codes already looked up, direct-mapped: the code's three bytes and, in the
   * low byte, 1 listed or 2 not listed; 0 is an empty slot. */
  uint32_t icao_seen[PAXLST_ICAO_CACHE];
  const char *icao_code[PAXLST_ICAO_CACHE]; /* the listed entry's code, NULL when not listed */
} pctx;

static paxlst_msg *cur(pctx *c) {
  return c->b->nmsgs > 0 ? &c->b->msgs[c->b->nmsgs - 1] : NULL;
}

static void push_diag(pctx *c, edi_diag **arr, size_t *n, size_t *cap, const edi_diag *d) {
  if (*n == *cap) {
    size_t ncap = *cap ? *cap * 2 : 16;
    edi_diag *p = realloc(*arr, ncap * sizeof *p);
    if (p == NULL) {
      c->oom = true;
      return;
    }
    *arr = p;
    *cap = ncap;
  }
  (*arr)[(*n)++] = *d;
}

static void on_diag(void *ctx, const edi_diag *d) {
  pctx *c = ctx;
  paxlst_msg *m = cur(c);
  if (m == NULL) {
    /* Before the first message: kept in the batch, moved into the first message when it opens. */
    push_diag(c, &c->b->diags, &c->b->ndiags, &c->cap_pending, d);
    return;
  }
  if (d->severity == EDI_ERROR)
    m->nerrors++;
  else
    m->nwarnings++;
  if (m->ndiags >= PAXLST_DIAGS_MAX) {
    m->ndiags_dropped++;
    return;
  }
  push_diag(c, &m->diags, &m->ndiags, &c->cap_diags, d);
}

/* ---- values ---- */

/* A slice whose text is itself: printable ASCII (0x20-0x7E) without the release character, shorter
 * than PAXLST_TEXT_BYTES_MAX, which edi_unescape would copy unchanged. *out receives it without
 * leading and trailing spaces, which is what text() stores. Most values of real files are plain. */
static inline bool plain(const edi_segment *seg, bm_slice s, bm_slice *out) {
  if (s.len == 0) {
    *out = s;
    return true;
  }
  if (s.len >= PAXLST_TEXT_BYTES_MAX) return false;
  const unsigned char *p = (const unsigned char *)s.ptr;
  /* The reader knows when every byte of seg is plain; a slice of another segment (the interchange
   * header's, in begin_message) is looked at byte by byte. */
  if (!seg->edi__ascii || s.ptr < seg->raw.ptr || s.ptr + s.len > seg->raw.ptr + seg->raw.len) {
    const unsigned char rel = (unsigned char)seg->seps.release;
    for (size_t i = 0; i < s.len; i++)
      if (p[i] < 0x20 || p[i] > 0x7E || p[i] == rel) return false;
  }
  if (p[0] != ' ' && p[s.len - 1] != ' ') {
    *out = s;
    return true;
  }
  size_t a = 0, n = s.len;
  while (a < n && p[a] == ' ') a++;
  while (n > a && p[n - 1] == ' ') n--;
  out->ptr = s.ptr + a;
  out->len = n - a;
  return true;
}

/* The trimmed slice t equals the NUL-terminated literal lit. */
static bool slice_is(bm_slice t, const char *lit) {
  size_t i = 0;
  for (; i < t.len; i++)
    if (lit[i] == '\0' || t.ptr[i] != lit[i]) return false;
  return lit[i] == '\0';
}

static const char *text_general(pctx *c, const edi_segment *seg, bm_slice s);

/* The text of an escaped slice in the arena, trimmed; NULL when empty. */
static inline const char *text(pctx *c, const edi_segment *seg, bm_slice s) {
  bm_slice t;
  if (!plain(seg, s, &t)) return text_general(c, seg, s);
  if (t.len == 0) return NULL;
  if (t.len == 1) return one_char[(unsigned char)t.ptr[0]];
  char *p = arena_strndup(c->b->arena, t.ptr, t.len);
  if (p == NULL) c->oom = true;
  return p;
}

/* text() for any slice: unescaped and converted to UTF-8 by edi_unescape. */
static const char *text_general(pctx *c, const edi_segment *seg, bm_slice s) {
  char buf[PAXLST_TEXT_BYTES_MAX];
  size_t want = edi_unescape(seg, s, buf, sizeof buf, NULL);
  size_t n = strlen(buf);
  if (want >= sizeof buf)
    edi_reader_report(&c->r, seg, false, EDI_C_LIMIT, NULL,
                      "value of %zu bytes truncated to %zu bytes", want, n);
  size_t a = 0;
  while (a < n && buf[a] == ' ') a++;
  while (n > a && buf[n - 1] == ' ') n--;
  if (n == a) return NULL;
  char *p = arena_strndup(c->b->arena, buf + a, n - a);
  if (p == NULL) c->oom = true;
  return p;
}

/* Splits element e (1..nelements, not simple) of seg into c->split: the same loop (and the same
 * slices) as edi_component's. Out of line: component() inlines only the common cases. */
static void split_element(pctx *c, const edi_segment *seg, unsigned e) {
  c->split_seg = seg->index;
  c->split_el = e;
  bm_slice el = seg->elements[e - 1];
  unsigned idx = 0;
  size_t start = 0, i;
  const char cs = seg->seps.component;
  if (seg->edi__ascii && el.ptr >= seg->raw.ptr && el.ptr + el.len <= seg->raw.ptr + seg->raw.len) {
    /* No release character anywhere in the segment (edi__ascii): the loop below without its
     * release test. */
    const char rs = seg->seps.repetition != 0 ? seg->seps.repetition : cs; /* cs: tested first */
#if defined(__SSE2__)
    /* An element of at most 16 bytes (nearly all) with 16 readable bytes from its start: one mask
     * of the component and repetition separators, visited bit by bit. */
    if (el.len <= 16 && (size_t)(c->r.buf + c->r.len - el.ptr) >= 16) {
      const __m128i v = _mm_loadu_si128((const __m128i *)(const void *)el.ptr);
      unsigned m = (unsigned)_mm_movemask_epi8(
          _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(cs)), _mm_cmpeq_epi8(v, _mm_set1_epi8(rs))));
      m &= (1u << el.len) - 1u; /* el.len <= 16: fits */
      i = el.len;
      while (m != 0) {
        unsigned b = (unsigned)__builtin_ctz(m);
        m &= m - 1;
        if (el.ptr[b] != cs) { /* the repetition separator ends component splitting */
          i = b;
          break;
        }
        if (idx < PAXLST_SPLIT_MAX) c->split[idx] = (bm_slice){el.ptr + start, b - start};
        idx++;
        start = (size_t)b + 1;
      }
      goto last;
    }
#endif
    for (i = 0; i < el.len; i++) {
      char ch = el.ptr[i];
      if (ch == cs) {
        if (idx < PAXLST_SPLIT_MAX) c->split[idx] = (bm_slice){el.ptr + start, i - start};
        idx++;
        start = i + 1;
      } else if (ch == rs) {
        break;
      }
    }
  } else {
    const char rel = seg->seps.release;
    const char rs = seg->seps.repetition != 0 ? seg->seps.repetition : rel; /* rel: not reached */
    for (i = 0; i < el.len; i++) {
      char ch = el.ptr[i];
      if (ch == rel) {
        i++;
        continue;
      }
      if (ch == rs) break;
      if (ch == cs) {
        if (idx < PAXLST_SPLIT_MAX) c->split[idx] = (bm_slice){el.ptr + start, i - start};
        idx++;
        start = i + 1;
      }
    }
    if (i > el.len) i = el.len; /* a release character as the last byte */
  }
#if defined(__SSE2__)
last:
#endif
  if (idx < PAXLST_SPLIT_MAX) c->split[idx] = (bm_slice){el.ptr + start, i - start};
  idx++;
  c->split_n = idx < PAXLST_SPLIT_MAX ? idx : PAXLST_SPLIT_MAX;
}

/* edi_component(seg, e, k), splitting element e once for all its components (split_element); an
 * element the reader saw without separators or release characters is its own component 1. */
static inline bm_slice component(pctx *c, const edi_segment *seg, unsigned e, unsigned k) {
  bm_slice none = {NULL, 0};
  if (k == 0 || k > PAXLST_SPLIT_MAX) return edi_component(seg, e, k);
  if (c->split_seg != seg->index || c->split_el != e) {
    if (e == 0 || e > seg->nelements) return none;
    if ((seg->edi__simple >> (e - 1)) & 1) return k == 1 ? seg->elements[e - 1] : none;
    split_element(c, seg, e);
  }
  return k <= c->split_n ? c->split[k - 1] : none;
}

static inline const char *comp(pctx *c, const edi_segment *seg, unsigned e, unsigned k) {
  return text(c, seg, component(c, seg, e, k));
}

/* comp(c, seg, e, k) for a value that is only compared, not stored: the trimmed slice itself when
 * plain (no copy), else the unescaped text (in the arena, as comp() would have made it); len 0 for
 * what comp() returns as NULL. */
static inline bm_slice qual(pctx *c, const edi_segment *seg, unsigned e, unsigned k) {
  bm_slice s = component(c, seg, e, k), t;
  if (plain(seg, s, &t)) return t;
  const char *q = text_general(c, seg, s);
  return (bm_slice){q, q != NULL ? strlen(q) : 0};
}

/* atoi() of comp(c, seg, e, k), 0 when empty; a qualifier of plain digits is read in place. */
static int comp_num(pctx *c, const edi_segment *seg, unsigned e, unsigned k) {
  bm_slice s = component(c, seg, e, k), t;
  if (plain(seg, s, &t) && t.len <= 9) {
    int v = 0;
    size_t i = 0;
    for (; i < t.len && t.ptr[i] >= '0' && t.ptr[i] <= '9'; i++) v = v * 10 + (t.ptr[i] - '0');
    if (i == t.len) return v; /* also 0 for an empty value, as for NULL */
  }
  const char *q = text_general(c, seg, s);
  return q != NULL ? atoi(q) : 0;
}

static const char *dup(pctx *c, const char *s) {
  char *p = arena_strndup(c->b->arena, s, strlen(s));
  if (p == NULL) c->oom = true;
  return p;
}

/* icao_state_find(code, 3)'s code for three letters A-Z (NULL when not listed), remembered for the
 * batch. */
static const char *listed(pctx *c, const char *code) {
  uint32_t key = (uint32_t)(unsigned char)code[0] << 24 | (uint32_t)(unsigned char)code[1] << 16 |
                 (uint32_t)(unsigned char)code[2] << 8;
  unsigned i = ((key * 2654435761u) >> 24) & (PAXLST_ICAO_CACHE - 1);
  if ((c->icao_seen[i] & ~0xFFu) != key || (c->icao_seen[i] & 0xFFu) == 0) {
    const icao_state *st = icao_state_find(code, 3);
    c->icao_seen[i] = key | (st != NULL ? 1u : 2u);
    c->icao_code[i] = st != NULL ? st->code : NULL;
  }
  return c->icao_code[i];
}

/* A country code as the ICAO code openbmis uses: a listed three-letter code as is, "D" for
 * Germany's MRZ form, an ISO alpha-2 code mapped to its alpha-3 code (reported). */
static const char *country(pctx *c, const edi_segment *seg, bm_slice s, const char *field) {
  bm_slice pl;
  const char *code;
  if (plain(seg, s, &pl) && pl.len == 3 && pl.ptr[0] >= 'A' && pl.ptr[0] <= 'Z' &&
      pl.ptr[1] >= 'A' && pl.ptr[1] <= 'Z' && pl.ptr[2] >= 'A' && pl.ptr[2] <= 'Z' &&
      (code = listed(c, pl.ptr)) != NULL) {
    return code; /* a listed code as sent: the table's copy, nothing to store */
  }
  const char *t = text(c, seg, s);
  if (t == NULL) return NULL;
  size_t n = strlen(t);
  char up[4] = {0};
  if (n <= 3) {
    for (size_t i = 0; i < n; i++) up[i] = (t[i] >= 'a' && t[i] <= 'z') ? (char)(t[i] - 32) : t[i];
  }
  if (n == 3 || n == 1) {
    const icao_state *st = icao_state_find(up, n);
    if (st != NULL) {
      if (strcmp(up, t) != 0)
        edi_reader_report(&c->r, seg, true, EDI_C_CONTENT, field, "%s '%s' read as '%s'", field, t,
                          up);
      return strcmp(up, t) == 0 ? t : dup(c, up);
    }
  } else if (n == 2) {
    for (unsigned i = 0; i < icao__states_count; i++) {
      const icao_state *st = &icao__states[i];
      if (st->alpha2[0] == up[0] && st->alpha2[1] == up[1] && strchr(st->code, '<') == NULL) {
        edi_reader_report(&c->r, seg, true, EDI_C_CONTENT, field,
                          "%s '%s' is an ISO alpha-2 code; read as '%s'", field, t, st->code);
        return dup(c, st->code);
      }
    }
  }
  edi_reader_report(&c->r, seg, true, EDI_C_CONTENT, field, "%s '%s' is not an ICAO state code",
                    field, t);
  return t;
}

enum { D_BIRTH, D_DATE, D_TIME };

static int digits(const char *s, size_t n) {
  int v = 0;
  for (size_t i = 0; i < n; i++) v = v * 10 + (s[i] - '0');
  return v;
}

static const char *date_general(pctx *c, const edi_segment *seg, const char *field, int kind);

static char *put2(char *o, int v) {
  o[0] = (char)('0' + v / 10);
  o[1] = (char)('0' + v % 10);
  return o + 2;
}

/* A DTM value (C507: qualifier:value:format) as "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM". The usual
 * case (plain digits of a valid date in the length its format says, nothing to report) is read
 * here in place; everything else, and every report, is date_general's. */
static const char *date(pctx *c, const edi_segment *seg, const char *field, int kind) {
  bm_slice v, f;
  if (!plain(seg, component(c, seg, 1, 2), &v) || !plain(seg, component(c, seg, 1, 3), &f))
    return date_general(c, seg, field, kind);
  size_t n = v.len;
  if (n != 6 && n != 8 && n != 10 && n != 12) return date_general(c, seg, field, kind);
  for (size_t i = 0; i < n; i++)
    if (v.ptr[i] < '0' || v.ptr[i] > '9') return date_general(c, seg, field, kind);
  size_t want = 0;
  if (slice_is(f, "102"))
    want = 8;
  else if (slice_is(f, "201"))
    want = 10;
  else if (slice_is(f, "203"))
    want = 12;
  else if (slice_is(f, "101"))
    want = 6;
  if (want != 0 && want != n) return date_general(c, seg, field, kind);
  const char *d8 = v.ptr;
  bool century = n == 8 || n == 12;
  int y = century ? digits(d8, 4) : digits(d8, 2);
  const char *md = d8 + (century ? 4 : 2);
  int mo = digits(md, 2), d = digits(md + 2, 2), h = -1, mi = -1;
  if (n >= 10) h = digits(md + 4, 2), mi = digits(md + 6, 2);
  if (!century) {
    y += 2000;
    if (kind == D_BIRTH) {
      bm_date t = c->opts.today;
      bm_date b = {(int16_t)y, (uint8_t)(mo >= 1 && mo <= 12 ? mo : 1), (uint8_t)1};
      bm_date tm = {t.year, t.month, 1};
      if (bm_date_cmp(b, tm) > 0 || (b.year == t.year && mo == t.month && d > t.day)) y -= 100;
    }
  }
  if (mo < 1 || mo > 12 || d < 1 || d > bm_days_in_month(y, mo) || h > 23 || mi > 59)
    return date_general(c, seg, field, kind);
  if (kind == D_BIRTH) {
    bm_date b = {(int16_t)y, (uint8_t)mo, (uint8_t)d};
    if (bm_date_cmp(b, c->opts.today) > 0) return date_general(c, seg, field, kind);
  }
  bool with_time = h >= 0 && kind == D_TIME;
  char *out = arena_chars(c->b->arena, with_time ? 17 : 11);
  if (out == NULL) {
    c->oom = true;
    return NULL;
  }
  char *o = put2(put2(out, y / 100), y % 100); /* 0 <= y <= 9999 */
  *o++ = '-';
  o = put2(o, mo);
  *o++ = '-';
  o = put2(o, d);
  if (with_time) {
    *o++ = 'T';
    o = put2(o, h);
    *o++ = ':';
    o = put2(o, mi);
  }
  *o = '\0';
  return out;
}

/* date() for any value, with every report. */
static const char *date_general(pctx *c, const edi_segment *seg, const char *field, int kind) {
  const char *v = comp(c, seg, 1, 2);
  const char *fmt = comp(c, seg, 1, 3);
  if (v == NULL) {
    edi_reader_report(&c->r, seg, true, EDI_C_CONTENT, field, "%s is empty", field);
    return NULL;
  }
  size_t n = strlen(v);
  bool all_digits = n > 0;
  for (size_t i = 0; i < n; i++) all_digits = all_digits && v[i] >= '0' && v[i] <= '9';
  size_t want = 0;
  if (fmt != NULL) {
    if (strcmp(fmt, "102") == 0)
      want = 8;
    else if (strcmp(fmt, "201") == 0)
      want = 10;
    else if (strcmp(fmt, "203") == 0)
      want = 12;
    else if (strcmp(fmt, "101") == 0)
      want = 6;
  }
  if (want != 0 && want != n && all_digits)
    edi_reader_report(&c->r, seg, true, EDI_C_CONTENT, field,
                      "%s '%s' does not have the %zu digits of format %s; read by its length",
                      field, v, want, fmt);
  int y = 0, mo = 0, d = 0, h = -1, mi = -1;
  bool century = false;
  if (all_digits) {
    switch (n) {
    case 6: y = digits(v, 2), mo = digits(v + 2, 2), d = digits(v + 4, 2); break;
    case 8: century = true, y = digits(v, 4), mo = digits(v + 4, 2), d = digits(v + 6, 2); break;
    case 10:
      y = digits(v, 2), mo = digits(v + 2, 2), d = digits(v + 4, 2), h = digits(v + 6, 2),
      mi = digits(v + 8, 2);
      break;
    case 12:
      century = true, y = digits(v, 4), mo = digits(v + 4, 2), d = digits(v + 6, 2),
      h = digits(v + 8, 2), mi = digits(v + 10, 2);
      break;
    default: all_digits = false;
    }
  }
  if (all_digits && !century) {
    y += 2000;
    if (kind == D_BIRTH) {
      bm_date t = c->opts.today;
      bm_date b = {(int16_t)y, (uint8_t)(mo >= 1 && mo <= 12 ? mo : 1), (uint8_t)1};
      bm_date tm = {t.year, t.month, 1};
      if (bm_date_cmp(b, tm) > 0 || (b.year == t.year && mo == t.month && d > t.day)) y -= 100;
    }
  }
  if (!all_digits || mo < 1 || mo > 12 || d < 1 || d > bm_days_in_month(y, mo) || h > 23 ||
      mi > 59) {
    /* An error even in lenient mode: the value is not in the documented shape. */
    edi_reader_report(&c->r, seg, false, EDI_C_CONTENT, field,
                      "%s '%s' is not a valid date; kept as sent", field, v);
    return v;
  }
  char out[64]; /* sized for any int, so the compiler can prove no truncation */
  if (h >= 0 && kind == D_TIME)
    snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d", y, mo, d, h, mi);
  else
    snprintf(out, sizeof out, "%04d-%02d-%02d", y, mo, d);
  if (kind == D_BIRTH) {
    bm_date b = {(int16_t)y, (uint8_t)mo, (uint8_t)d};
    if (bm_date_cmp(b, c->opts.today) > 0)
      edi_reader_report(&c->r, seg, true, EDI_C_CONTENT, field, "%s %s is in the future", field,
                        out);
  }
  return dup(c, out);
}

/* ---- segments ---- */

static paxlst_person *person(pctx *c) {
  paxlst_msg *m = cur(c);
  return m->npersons > 0 && c->grp >= G_PERSON ? &m->persons[m->npersons - 1] : NULL;
}

static paxlst_document *document(pctx *c) {
  paxlst_person *p = person(c);
  return p != NULL && c->grp == G_DOC && p->ndocuments > 0 ? &p->documents[p->ndocuments - 1]
                                                           : NULL;
}

static paxlst_leg *leg(pctx *c) {
  paxlst_msg *m = cur(c);
  return m->nlegs > 0 && c->grp == G_LEG ? &m->legs[m->nlegs - 1] : NULL;
}

static void begin_message(pctx *c, const edi_segment *seg) {
  paxlst_batch *b = c->b;
  if (b->nmsgs == c->cap_msgs) {
    size_t ncap = c->cap_msgs ? c->cap_msgs * 2 : 4;
    paxlst_msg *p = realloc(b->msgs, ncap * sizeof *p);
    if (p == NULL) {
      c->oom = true;
      return;
    }
    b->msgs = p;
    c->cap_msgs = ncap;
  }
  paxlst_msg *m = &b->msgs[b->nmsgs++];
  memset(m, 0, sizeof *m);
  m->declared_count = -1;
  m->first_segment = seg->index;
  c->cap_persons = 0;
  c->cap_diags = 0;
  if (b->nmsgs == 1 && b->ndiags > 0) {
    /* Diagnostics before the first message belong to it. */
    m->diags = b->diags;
    m->ndiags = b->ndiags;
    c->cap_diags = c->cap_pending;
    for (size_t i = 0; i < m->ndiags; i++) {
      if (m->diags[i].severity == EDI_ERROR)
        m->nerrors++;
      else
        m->nwarnings++;
    }
    b->diags = NULL;
    b->ndiags = 0;
    c->cap_pending = 0;
  }
  c->in_msg = true;
  c->skip = false;
  c->saw_bgm = false;
  c->grp = G_HEADER;

  const edi_interchange *ic = edi_reader_interchange(&c->r);
  const edi_message *em = edi_reader_message(&c->r);
  m->interchange = ic->index;
  m->sender = text(c, seg, ic->sender);
  m->recipient = text(c, seg, ic->recipient);
  m->control_ref = text(c, seg, ic->control_ref);
  m->syntax = text(c, seg, ic->syntax);
  m->message_ref = text(c, seg, em->ref);
  m->message_type = text(c, seg, em->type);
  m->common_access_ref = text(c, seg, em->common_access_ref);
  const char *ver = text(c, seg, em->version), *rel = text(c, seg, em->release);
  if (ver != NULL || rel != NULL) {
    char v[2 * PAXLST_TEXT_BYTES_MAX + 2]; /* never truncates (a cut could split UTF-8) */
    snprintf(v, sizeof v, "%s:%s", ver ? ver : "", rel ? rel : "");
    m->version = dup(c, v);
  }
  if (m->message_type == NULL || strcmp(m->message_type, "PAXLST") != 0) {
    edi_reader_report(&c->r, seg, false, EDI_C_CONTENT, "message_type",
                      "message type '%s' is not PAXLST; its content is not read",
                      m->message_type ? m->message_type : "");
    c->skip = true;
  } else if (m->version != NULL && strcmp(m->version, "D:02B") != 0 &&
             strcmp(m->version, "D:05B") != 0) {
    edi_reader_report(&c->r, seg, true, EDI_C_CONTENT, "version",
                      "PAXLST version %s is not D:02B or D:05B; read as D:05B", m->version);
  }
  /* Part and last part: UNH S010 sequence:C|F; none means the only part. */
  const char *seq = text(c, seg, em->sequence), *fl = text(c, seg, em->first_last);
  m->part = 1;
  m->last_part = true;
  if (seq != NULL || fl != NULL) {
    if (seq != NULL) {
      size_t n = strlen(seq);
      bool ok = n > 0 && n <= 4;
      for (size_t i = 0; i < n; i++) ok = ok && seq[i] >= '0' && seq[i] <= '9';
      if (ok && digits(seq, n) > 0)
        m->part = (unsigned)digits(seq, n);
      else
        edi_reader_report(&c->r, seg, true, EDI_C_CONTENT, "part",
                          "sequence number '%s' is not a number; part 1 assumed", seq);
    }
    if (fl == NULL) {
      m->last_part = false;
    } else if (strcmp(fl, "F") == 0) {
      m->last_part = true;
    } else if (strcmp(fl, "C") == 0) {
      m->last_part = false;
      if (m->part != 1)
        edi_reader_report(&c->r, seg, true, EDI_C_CONTENT, "part", "first-part marker C on part %u",
                          m->part);
    } else {
      m->last_part = false;
      edi_reader_report(&c->r, seg, true, EDI_C_CONTENT, "part",
                        "transfer marker '%s' is neither C nor F", fl);
    }
  }
}

static void end_message(pctx *c, const edi_segment *seg) {
  paxlst_msg *m = cur(c);
  c->in_msg = false;
  if (c->skip) return;
  if (!c->saw_bgm)
    edi_reader_report(&c->r, seg, true, EDI_C_CONTENT, "list_type", "message has no BGM");
  if (m->nlegs == 0)
    edi_reader_report(&c->r, seg, true, EDI_C_CONTENT, "flight", "message has no TDT (flight)");
  if (m->declared_count >= 0 && (size_t)m->declared_count != m->npersons)
    edi_reader_report(&c->r, seg, true, EDI_C_COUNT, "persons",
                      "CNT declares %ld persons but the message has %zu", m->declared_count,
                      m->npersons);
}

static void seg_bgm(pctx *c, paxlst_msg *m, const edi_segment *seg) {
  c->saw_bgm = true;
  m->document_code = comp(c, seg, 1, 1);
  m->document_id = comp(c, seg, 2, 1);
  const char *dc = m->document_code ? m->document_code : "";
  const code_row *lt = code_find(LIST_TYPES, BM_COUNTOF(LIST_TYPES), dc);
  if (lt != NULL)
    m->list_type = (paxlst_list_type)lt->value;
  else
    edi_reader_report(&c->r, seg, true, EDI_C_CONTENT, "list_type",
                      "document code '%s' is not a PAXLST list type", dc);
}

static bool is_alnum(char ch) {
  return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
}

static void seg_tdt(pctx *c, paxlst_msg *m, const edi_segment *seg) {
  if (m->npersons > 0)
    edi_reader_report(&c->r, seg, true, EDI_C_CONTENT, "flight", "TDT after the first person");
  if (m->nlegs == PAXLST_LEGS_MAX) {
    edi_reader_report(&c->r, seg, false, EDI_C_LIMIT, "flight",
                      "more than %d flight legs; this one is ignored", PAXLST_LEGS_MAX);
    c->grp = G_HEADER;
    return;
  }
  paxlst_leg *l = &m->legs[m->nlegs++];
  memset(l, 0, sizeof *l);
  l->segment = seg->index;
  c->grp = G_LEG;
  c->leg_routing = 0;
  c->leg_last_loc = 0;
  const char *id = comp(c, seg, 2, 1);
  const char *carrier = comp(c, seg, 5, 1);
  if (id == NULL) {
    edi_reader_report(&c->r, seg, true, EDI_C_CONTENT, "flight", "TDT without a flight number");
    l->carrier = carrier;
    return;
  }
  size_t n = strlen(id);
  if (carrier != NULL && strncmp(id, carrier, strlen(carrier)) == 0 && n > strlen(carrier)) {
    l->carrier = carrier;
    l->number = id + strlen(carrier);
  } else if (carrier != NULL) {
    l->carrier = carrier;
    l->number = id;
  } else if (n > 2 && is_alnum(id[0]) && is_alnum(id[1])) {
    /* The IATA airline designator: two characters (letters or a letter and a digit). */
    l->carrier = arena_strndup(c->b->arena, id, 2);
    if (l->carrier == NULL) c->oom = true;
    l->number = id + 2;
  } else {
    l->number = id;
  }
}

static void seg_nad(pctx *c, paxlst_msg *m, const edi_segment *seg) {
  bm_slice qs = component(c, seg, 1, 1), qt = {NULL, 0};
  const char *q;
  /* The four person qualifiers are stored as literals, the rest as sent. */
  bool pl = plain(seg, qs, &qt);
  if (pl && slice_is(qt, "FL"))
    q = "FL";
  else if (pl && slice_is(qt, "FM"))
    q = "FM";
  else if (pl && slice_is(qt, "DDU"))
    q = "DDU";
  else if (pl && slice_is(qt, "DDT"))
    q = "DDT";
  else
    q = text(c, seg, qs);
  if (q != NULL && strcmp(q, "MS") == 0) {
    m->reporting_party = comp(c, seg, 4, 1);
    if (m->reporting_party == NULL) m->reporting_party = comp(c, seg, 2, 1);
    c->grp = G_PARTY;
    return;
  }
  if (m->npersons >= PAXLST_PERSONS_MAX) {
    edi_reader_report(&c->r, seg, false, EDI_C_LIMIT, "persons",
                      "more than %d persons; this one is ignored", PAXLST_PERSONS_MAX);
    c->grp = G_HEADER;
    return;
  }
  if (m->npersons == c->cap_persons) {
    size_t ncap = c->cap_persons ? c->cap_persons * 2 : 64; /* fewer copies for 50-500 */
    paxlst_person *p = realloc(m->persons, ncap * sizeof *p);
    if (p == NULL) {
      c->oom = true;
      return;
    }
    m->persons = p;
    c->cap_persons = ncap;
  }
  paxlst_person *p = &m->persons[m->npersons++];
  memset(p, 0, sizeof *p);
  p->bags = -1;
  p->segment = seg->index;
  c->grp = G_PERSON;
  p->role_code = q;
  const char *qq = q ? q : "";
  const code_row *role = code_find(ROLES, BM_COUNTOF(ROLES), qq);
  if (role != NULL)
    p->role = (paxlst_role)role->value;
  else
    edi_reader_report(&c->r, seg, true, EDI_C_CONTENT, "role",
                      "party qualifier '%s' is not FL, FM, DDU or DDT", qq);
  if (p->role == PAXLST_ROLE_CREW || p->role == PAXLST_ROLE_TRANSIT_CREW) {
    if (m->list_type == PAXLST_LIST_PASSENGERS)
      edi_reader_report(&c->r, seg, true, EDI_C_CONTENT, "role", "crew member in a passenger list");
  } else if (p->role != PAXLST_ROLE_UNKNOWN && m->list_type == PAXLST_LIST_CREW) {
    edi_reader_report(&c->r, seg, true, EDI_C_CONTENT, "role", "passenger in a crew list");
  }
  p->surname = comp(c, seg, 4, 1);
  const char *given = comp(c, seg, 4, 2), *middle = comp(c, seg, 4, 3);
  if (given != NULL && middle != NULL) {
    size_t gn = strlen(given), mn = strlen(middle);
    char *g = arena_chars(c->b->arena, gn + mn + 2);
    if (g == NULL) {
      c->oom = true;
    } else {
      memcpy(g, given, gn);
      g[gn] = ' ';
      memcpy(g + gn + 1, middle, mn + 1);
      p->given_names = g;
    }
  } else {
    p->given_names = given != NULL ? given : middle;
  }
  if (p->surname == NULL)
    edi_reader_report(&c->r, seg, true, EDI_C_CONTENT, "surname", "person without a surname");
  else if (p->given_names == NULL)
    edi_reader_report(&c->r, seg, true, EDI_C_CONTENT, "given_names", "person without given names");
}

static void seg_loc(pctx *c, paxlst_msg *m, const edi_segment *seg) {
  int qn = comp_num(c, seg, 1, 1);
  paxlst_leg *l = leg(c);
  if (l != NULL) {
    const char *code = comp(c, seg, 2, 1);
    if (qn == 125) {
      l->departure_airport = code;
      c->leg_last_loc = 125;
      l->port_of_call = true;
    } else if (qn == 87) {
      l->arrival_airport = code;
      c->leg_last_loc = 87;
      l->port_of_call = true;
    } else if (qn == 92) {
      if (c->leg_routing == 0) {
        l->departure_airport = code;
        c->leg_last_loc = 125;
      } else {
        if (c->leg_routing > 1)
          edi_reader_report(&c->r, seg, true, EDI_C_CONTENT, "flight",
                            "more than two routing locations in one leg; the last is the arrival");
        l->arrival_airport = code;
        c->leg_last_loc = 87;
      }
      c->leg_routing++;
    } else {
      c->leg_last_loc = 0;
    }
    return;
  }
  paxlst_document *d = document(c);
  if (d != NULL && qn == 91) {
    d->issuing_state = country(c, seg, component(c, seg, 2, 1), "issuing_state");
    return;
  }
  paxlst_person *p = person(c);
  if (p == NULL) return;
  switch (qn) {
  case 174:
    p->residence_country = country(c, seg, component(c, seg, 2, 1), "residence_country");
    break;
  case 178: p->embarkation = comp(c, seg, 2, 1); break;
  case 179: p->debarkation = comp(c, seg, 2, 1); break;
  case 180:
    p->birth_place = comp(c, seg, 2, 1);
    if (p->birth_place == NULL) p->birth_place = comp(c, seg, 2, 4);
    break;
  case 91:
    edi_reader_report(&c->r, seg, true, EDI_C_CONTENT, "issuing_state",
                      "LOC+91 (document issue) outside a document; ignored");
    break;
  default: break;
  }
}

static void set_once(pctx *c, const edi_segment *seg, const char **slot, const char *v,
                     const char *field) {
  if (v == NULL) return;
  if (*slot != NULL) {
    if (strcmp(*slot, v) != 0)
      edi_reader_report(&c->r, seg, true, EDI_C_CONTENT, field,
                        "second %s '%s' ignored (first: '%s')", field, v, *slot);
    return;
  }
  *slot = v;
}

static void seg_dtm(pctx *c, paxlst_msg *m, const edi_segment *seg) {
  int qn = comp_num(c, seg, 1, 1);
  paxlst_leg *l = leg(c);
  if (l != NULL) {
    if (qn == 189)
      l->departure_time = date(c, seg, "departure_time", D_TIME);
    else if (qn == 232)
      l->arrival_time = date(c, seg, "arrival_time", D_TIME);
    return;
  }
  paxlst_person *p = person(c);
  if (p == NULL) return;
  paxlst_document *d = document(c);
  if (qn == 329) {
    set_once(c, seg, &p->birth_date, date(c, seg, "birth_date", D_BIRTH), "birth_date");
  } else if (qn == 36 || qn == 182) {
    if (d == NULL) {
      edi_reader_report(&c->r, seg, true, EDI_C_CONTENT, "expiry_date",
                        "document date outside a document; ignored");
      return;
    }
    if (qn == 36)
      set_once(c, seg, &d->expiry_date, date(c, seg, "expiry_date", D_DATE), "expiry_date");
    else
      set_once(c, seg, &d->issue_date, date(c, seg, "issue_date", D_DATE), "issue_date");
  }
  (void)m;
}

static void seg_doc(pctx *c, const edi_segment *seg) {
  paxlst_person *p = c->grp >= G_PERSON ? person(c) : NULL;
  if (p == NULL) {
    edi_reader_report(&c->r, seg, true, EDI_C_CONTENT, "documents",
                      "DOC before any person; ignored");
    return;
  }
  c->grp = G_DOC;
  if (p->ndocuments == PAXLST_DOCUMENTS_MAX) {
    edi_reader_report(&c->r, seg, false, EDI_C_LIMIT, "documents",
                      "more than %d documents for one person; this one is ignored",
                      PAXLST_DOCUMENTS_MAX);
    c->grp = G_PERSON;
    return;
  }
  paxlst_document *d = &p->documents[p->ndocuments++];
  memset(d, 0, sizeof *d);
  d->segment = seg->index;
  d->type = comp(c, seg, 1, 1);
  d->number = comp(c, seg, 2, 1);
  if (d->type == NULL && d->number == NULL)
    edi_reader_report(&c->r, seg, true, EDI_C_CONTENT, "documents",
                      "document without type and number");
  else if (d->number == NULL)
    edi_reader_report(&c->r, seg, true, EDI_C_CONTENT, "documents", "document without a number");
}

/* strtol(s, &end, 10) when it reads all of s; -1 when it does not (or the value is negative). Plain
 * digits are read here, anything else (signs, overflow) by strtol itself. */
static long parse_long(const char *s) {
  long v = 0;
  size_t i = 0;
  for (; i < 18 && s[i] >= '0' && s[i] <= '9'; i++) v = v * 10 + (s[i] - '0');
  if (i > 0 && s[i] == '\0') return v;
  char *end = NULL;
  v = strtol(s, &end, 10);
  return *end == '\0' && v >= 0 ? v : -1;
}

static void seg_person_detail(pctx *c, const edi_segment *seg, uint32_t t) {
  paxlst_person *p = person(c);
  if (p == NULL) return;
  bm_slice q = qual(c, seg, 1, 1);
  if (t == TAG3('A', 'T', 'T')) {
    if (!slice_is(q, "2")) return;
    const char *s = comp(c, seg, 3, 1);
    if (s == NULL) {
      edi_reader_report(&c->r, seg, true, EDI_C_CONTENT, "sex", "empty sex");
    } else if (strcmp(s, "M") == 0 || strcmp(s, "F") == 0 || strcmp(s, "X") == 0) {
      p->sex = s;
    } else if (strcmp(s, "U") == 0) {
      p->sex = "X";
    } else {
      edi_reader_report(&c->r, seg, true, EDI_C_CONTENT, "sex", "sex '%s' is not M, F, U or X", s);
    }
  } else if (t == TAG3('N', 'A', 'T')) {
    set_once(c, seg, &p->nationality, country(c, seg, component(c, seg, 2, 1), "nationality"),
             "nationality");
  } else if (t == TAG3('R', 'F', 'F')) {
    const char *v = comp(c, seg, 1, 2);
    if (q.len == 0 || v == NULL) return;
    if (slice_is(q, "SEA"))
      p->seat = v;
    else if (slice_is(q, "AVF"))
      p->reservation_ref = v;
    else if (slice_is(q, "ABO"))
      p->passenger_ref = v;
  } else if (t == TAG3('M', 'E', 'A')) {
    const char *unit = comp(c, seg, 3, 1), *val = comp(c, seg, 3, 2);
    if (q.len == 0) return;
    if (slice_is(q, "CT")) {
      const char *n = val != NULL ? val : unit;
      long v = n != NULL ? parse_long(n) : -1;
      if (n == NULL || v < 0 || v > 999)
        edi_reader_report(&c->r, seg, true, EDI_C_CONTENT, "bags", "bag count '%s' is not a number",
                          n ? n : "");
      else
        p->bags = v;
    } else if (slice_is(q, "WT") && val != NULL) {
      size_t vn = strlen(val), un = unit ? strlen(unit) : 0;
      char *w = arena_chars(c->b->arena, vn + (unit ? un + 1 : 0) + 1);
      if (w == NULL) {
        c->oom = true;
      } else {
        memcpy(w, val, vn);
        if (unit) {
          w[vn] = ' ';
          memcpy(w + vn + 1, unit, un);
        }
        w[vn + (unit ? un + 1 : 0)] = '\0';
        p->bags_weight = w;
      }
    }
  }
}

static void seg_cnt(pctx *c, paxlst_msg *m, const edi_segment *seg) {
  const char *q = comp(c, seg, 1, 1), *v = comp(c, seg, 1, 2);
  if (v == NULL && comp(c, seg, 2, 1) != NULL) {
    v = comp(c, seg, 2, 1);
    edi_reader_report(&c->r, seg, true, EDI_C_CONTENT, "count",
                      "count in a separate data element instead of a component (CNT+%s:%s)",
                      q ? q : "", v);
  }
  if (q == NULL || v == NULL || (strcmp(q, "42") != 0 && strcmp(q, "41") != 0)) return;
  long n = parse_long(v);
  if (n < 0) {
    edi_reader_report(&c->r, seg, true, EDI_C_CONTENT, "count", "count '%s' is not a number", v);
    return;
  }
  m->declared_count = n;
}

static void segment(pctx *c, const edi_segment *seg, uint32_t t) {
  if (t == TAG3('U', 'N', 'H')) {
    begin_message(c, seg);
    return;
  }
  if (!c->in_msg || !seg->in_message) return;
  paxlst_msg *m = cur(c);
  if (t == TAG3('U', 'N', 'T')) {
    end_message(c, seg);
    return;
  }
  if (c->skip) return;
  switch (t) {
  case TAG3('B', 'G', 'M'): seg_bgm(c, m, seg); break;
  case TAG3('T', 'D', 'T'): seg_tdt(c, m, seg); break;
  case TAG3('N', 'A', 'D'): seg_nad(c, m, seg); break;
  case TAG3('L', 'O', 'C'): seg_loc(c, m, seg); break;
  case TAG3('D', 'T', 'M'): seg_dtm(c, m, seg); break;
  case TAG3('D', 'O', 'C'): seg_doc(c, seg); break;
  case TAG3('C', 'N', 'T'): seg_cnt(c, m, seg); break;
  case TAG3('A', 'T', 'T'):
  case TAG3('N', 'A', 'T'):
  case TAG3('R', 'F', 'F'):
  case TAG3('M', 'E', 'A'): seg_person_detail(c, seg, t); break;
  default: break;
  }
}

bm_err paxlst_parse(const char *buf, size_t len, const paxlst_opts *opts, paxlst_batch **out,
                    bm_diag *diag) {
  if (out == NULL || (buf == NULL && len > 0))
    return bm_diag_set(diag, BM_ERR_USAGE, NULL, 0, 0, "paxlst_parse: NULL argument");
  *out = NULL;
  pctx *c = calloc(1, sizeof *c);
  paxlst_batch *b = calloc(1, sizeof *b);
  struct paxlst__arena *a = calloc(1, sizeof *a);
  if (c == NULL || b == NULL || a == NULL) {
    free(c);
    free(b);
    free(a);
    return bm_diag_set(diag, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  }
  b->arena = a;
  c->b = b;
  if (opts != NULL) c->opts = *opts;
  if (c->opts.today.year == 0) c->opts.today = bm_date_today_utc();
  edi_opts eo = {c->opts.flags, on_diag, c};
  bm_err rc = edi_reader_init(&c->r, buf, len, &eo);
  if (rc == BM_OK) {
    edi_segment *seg = malloc(sizeof *seg);
    if (seg == NULL) c->oom = true;
    while (seg != NULL && !c->oom && edi_reader_next(&c->r, seg) == BM_OK) {
      uint32_t t = tag_of(seg);
      if (t == TAG3('U', 'N', 'H') && b->nmsgs >= PAXLST_MESSAGES_MAX) {
        edi_reader_report(&c->r, seg, false, EDI_C_LIMIT, NULL,
                          "more than %d messages; the rest are not read", PAXLST_MESSAGES_MAX);
        rc = BM_ERR_LIMIT;
        break;
      }
      segment(c, seg, t);
    }
    free(seg);
  }
  /* Legs moved with their message when the array grew: point each flight at its own legs. */
  for (size_t i = 0; i < b->nmsgs; i++) {
    paxlst_msg *m = &b->msgs[i];
    m->flight = NULL;
    for (unsigned k = 0; k < m->nlegs; k++)
      if (m->legs[k].port_of_call) m->flight = &m->legs[k];
    if (m->flight == NULL && m->nlegs > 0) m->flight = &m->legs[m->nlegs - 1];
  }
  b->nerrors = c->r.nerrors;
  b->nwarnings = c->r.nwarnings;
  bool oom = c->oom;
  free(c);
  if (oom) {
    paxlst_batch_free(b);
    return bm_diag_set(diag, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  }
  *out = b;
  if (rc == BM_ERR_LIMIT) return bm_diag_set(diag, rc, NULL, 0, 0, "input exceeds a PAXLST limit");
  return BM_OK;
}

void paxlst_batch_free(paxlst_batch *b) {
  if (b == NULL) return;
  for (size_t i = 0; i < b->nmsgs; i++) {
    free(b->msgs[i].persons);
    free(b->msgs[i].diags);
  }
  free(b->msgs);
  free(b->diags);
  if (b->arena != NULL) {
    arena_block *k = b->arena->head;
    while (k != NULL) {
      arena_block *next = k->next;
      free(k);
      k = next;
    }
    free(b->arena);
  }
  free(b);
}

/* ---- assembling split flights ---- */

static bool same_str(const char *a, const char *b) {
  if (a == NULL || b == NULL) return a == b;
  return strcmp(a, b) == 0;
}

static bool set_diag(paxlst_set *st, const paxlst_msg *m, size_t *cap, const char *fmt, unsigned a,
                     unsigned b) {
  if (st->ndiags == *cap) {
    size_t ncap = *cap ? *cap * 2 : 4;
    edi_diag *p = realloc(st->diags, ncap * sizeof *p);
    if (p == NULL) return false;
    st->diags = p;
    *cap = ncap;
  }
  edi_diag *d = &st->diags[st->ndiags++];
  memset(d, 0, sizeof *d);
  d->severity = EDI_ERROR;
  d->code = EDI_C_CONTENT;
  memcpy(d->tag, "UNH", 4);
  d->d.segment = m != NULL ? m->first_segment : 0;
  snprintf(d->d.field, sizeof d->d.field, "part");
  snprintf(d->d.message, sizeof d->d.message, fmt, a, b);
  return true;
}

bm_err paxlst_assemble(const paxlst_msg *const *msgs, size_t n, paxlst_set **out, size_t *n_out,
                       bm_diag *diag) {
  if (out == NULL || n_out == NULL || (msgs == NULL && n > 0))
    return bm_diag_set(diag, BM_ERR_USAGE, NULL, 0, 0, "paxlst_assemble: NULL argument");
  *out = NULL;
  *n_out = 0;
  if (n == 0) return BM_OK;
  paxlst_set *sets = calloc(n, sizeof *sets);
  size_t *set_of = malloc(n * sizeof *set_of);
  if (sets == NULL || set_of == NULL) {
    free(sets);
    free(set_of);
    return bm_diag_set(diag, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  }
  size_t nsets = 0;
  for (size_t i = 0; i < n; i++) {
    const paxlst_msg *m = msgs[i];
    size_t k = nsets;
    if (m->common_access_ref != NULL)
      for (k = 0; k < nsets; k++)
        if (sets[k].common_access_ref != NULL &&
            same_str(sets[k].common_access_ref, m->common_access_ref) &&
            same_str(sets[k].sender, m->sender))
          break;
    if (k == nsets) {
      sets[k].sender = m->sender;
      sets[k].common_access_ref = m->common_access_ref;
      nsets++;
    }
    set_of[i] = k;
  }
  bm_err rc = BM_OK;
  for (size_t k = 0; k < nsets && rc == BM_OK; k++) {
    paxlst_set *st = &sets[k];
    size_t cap = 0;
    /* slot[p] = the message of part p (1..PAXLST_PARTS_MAX), the later one on duplicates. */
    const paxlst_msg *slot[PAXLST_PARTS_MAX + 1] = {0};
    unsigned maxp = 0;
    const paxlst_msg *last = NULL;
    for (size_t i = 0; i < n && rc == BM_OK; i++) {
      if (set_of[i] != k) continue;
      const paxlst_msg *m = msgs[i];
      unsigned p = m->part;
      if (p < 1 || p > PAXLST_PARTS_MAX) {
        if (!set_diag(st, m, &cap, "part %u is outside 1..%u; ignored", p, PAXLST_PARTS_MAX))
          rc = BM_ERR_NOMEM;
        continue;
      }
      if (slot[p] != NULL && !set_diag(st, m, &cap,
                                       "part %u received twice; the later message (UNH segment %u) "
                                       "replaces the earlier",
                                       p, m->first_segment))
        rc = BM_ERR_NOMEM;
      slot[p] = m;
      if (p > maxp) maxp = p;
      if (m->last_part) {
        if (last != NULL && last->part != p &&
            !set_diag(st, m, &cap, "part %u is marked final, but so is part %u", p, last->part))
          rc = BM_ERR_NOMEM;
        last = m;
      }
    }
    st->last_part = last != NULL ? last->part : 0;
    st->parts = malloc((maxp > 0 ? maxp : 1) * sizeof *st->parts);
    if (st->parts == NULL) rc = BM_ERR_NOMEM;
    bool complete = last != NULL && rc == BM_OK;
    for (unsigned p = 1; p <= maxp && rc == BM_OK; p++) {
      if (slot[p] == NULL) {
        complete = false;
        if (!set_diag(st, NULL, &cap, "part %u of %u is missing", p,
                      st->last_part ? st->last_part : maxp))
          rc = BM_ERR_NOMEM;
        continue;
      }
      st->parts[st->nparts++] = slot[p];
      st->npersons += slot[p]->npersons;
      if (st->last_part != 0 && p > st->last_part) {
        complete = false;
        if (!set_diag(st, slot[p], &cap, "part %u comes after the final part %u", p, st->last_part))
          rc = BM_ERR_NOMEM;
      }
    }
    if (last == NULL && rc == BM_OK) {
      if (!set_diag(st, NULL, &cap, "no final part (F) received; highest part so far %u", maxp, 0))
        rc = BM_ERR_NOMEM;
    }
    st->complete = complete && rc == BM_OK;
  }
  free(set_of);
  if (rc != BM_OK) {
    paxlst_sets_free(sets, nsets);
    return bm_diag_set(diag, rc, NULL, 0, 0, "out of memory");
  }
  *out = sets;
  *n_out = nsets;
  return BM_OK;
}

void paxlst_sets_free(paxlst_set *sets, size_t n) {
  if (sets == NULL) return;
  for (size_t i = 0; i < n; i++) {
    free(sets[i].parts);
    free(sets[i].diags);
  }
  free(sets);
}
