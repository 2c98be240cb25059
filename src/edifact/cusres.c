/* cusres.c - the UN/EDIFACT CUSRES D:05B writer for interactive API answers (see
 * include/bmis/cusres.h), and the board / no-board decision.
 *
 * The format written: a UNA with the standard service characters (component ':', element '+',
 * decimal '.', release '?', the reserved space, terminator '\''), then UNB..UNZ around one UNH..UNT
 * message. Values are escaped (a '?' before each service character) and counted in characters,
 * the release characters excluded, as ISO 9735 counts them. The syntax level of UNB is known only
 * once every value has been seen: the writer emits "UNOA", remembers where, and patches the fourth
 * letter (and converts the bytes to Latin-1 for UNOC) at the end.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bmis/cusres.h"

static const char *const CODES[CUSRES__COUNT] = {"0Z", "1Z", "2Z", "118"};
static const char *const TEXTS[CUSRES__COUNT] = {"OK TO BOARD", "NO BOARD", "INSUFFICIENT DATA",
                                                 "MESSAGE REJECTED"};

const char *cusres_status_code(cusres_status s) {
  return (unsigned)s < CUSRES__COUNT ? CODES[s] : NULL;
}

const char *cusres_status_text(cusres_status s) {
  return (unsigned)s < CUSRES__COUNT ? TEXTS[s] : NULL;
}

/* ---- decision ---- */

enum { MISS_SURNAME = 1, MISS_BIRTH = 2, MISS_DOCUMENT = 4 };

/* Printable ASCII only (0x20-0x7E). */
static bool ascii_printable(const char *s) {
  for (; *s != '\0'; s++)
    if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7E) return false;
  return true;
}

static bool blank(const char *s) {
  if (s == NULL) return true;
  for (; *s != '\0'; s++)
    if (*s != ' ') return false;
  return true;
}

/* A birth date as the PAXLST parser normalises it, "YYYY-MM-DD"; what it kept as sent because it
 * is no valid date counts as missing. */
static bool full_date(const char *s) {
  if (s == NULL || strlen(s) != 10) return false;
  for (int i = 0; i < 10; i++) {
    bool dash = i == 4 || i == 7;
    if (dash ? s[i] != '-' : (s[i] < '0' || s[i] > '9')) return false;
  }
  return true;
}

static unsigned missing(const paxlst_person *p) {
  if (p == NULL) return MISS_SURNAME | MISS_BIRTH | MISS_DOCUMENT;
  unsigned m = 0;
  if (blank(p->surname)) m |= MISS_SURNAME;
  if (!full_date(p->birth_date)) m |= MISS_BIRTH;
  bool doc = false;
  for (unsigned i = 0; i < p->ndocuments && i < PAXLST_DOCUMENTS_MAX; i++)
    if (!blank(p->documents[i].number)) doc = true;
  if (!doc) m |= MISS_DOCUMENT;
  return m;
}

cusres_status cusres_decide(const paxlst_person *p, const wl_hit *hits, unsigned nhits,
                            float no_board_threshold) {
  float t = no_board_threshold > 0 ? no_board_threshold : CUSRES_NO_BOARD_THRESHOLD; /* NaN too */
  if (hits == NULL) nhits = 0;
  for (unsigned i = 0; i < nhits; i++)
    if (hits[i].document_match) return CUSRES_NO_BOARD;
  if (missing(p) != 0) return CUSRES_INSUFFICIENT;
  for (unsigned i = 0; i < nhits; i++)
    if (hits[i].score >= t) return CUSRES_NO_BOARD;
  return CUSRES_BOARD;
}

const char *cusres_decide_text(const paxlst_person *p, cusres_status s) {
  /* Indexed by the MISS_* bits. */
  static const char *const insufficient[8] = {
      "INSUFFICIENT DATA",
      "INSUFFICIENT DATA: SURNAME",
      "INSUFFICIENT DATA: BIRTH DATE",
      "INSUFFICIENT DATA: SURNAME, BIRTH DATE",
      "INSUFFICIENT DATA: DOCUMENT NUMBER",
      "INSUFFICIENT DATA: SURNAME, DOCUMENT NUMBER",
      "INSUFFICIENT DATA: BIRTH DATE, DOCUMENT NUMBER",
      "INSUFFICIENT DATA: SURNAME, BIRTH DATE, DOCUMENT NUMBER",
  };
  if (s == CUSRES_INSUFFICIENT) return insufficient[missing(p)];
  return cusres_status_text(s);
}

/* "YYYY-MM-DD" (or a prefix of it) as a screening date. */
static wl_date query_date(const char *s) {
  wl_date w;
  memset(&w, 0, sizeof w);
  if (s == NULL) return w;
  int y = 0, m = 0, d = 0;
  int n = sscanf(s, "%4d-%2d-%2d", &y, &m, &d);
  if (n < 1 || y < 1800 || y > 2200) return w;
  w.year = w.year_to = (int16_t)y;
  if (n >= 2 && m >= 1 && m <= 12) w.month = (uint8_t)m;
  if (n >= 3 && w.month && d >= 1 && d <= 31) w.day = (uint8_t)d;
  return w;
}

wl_query cusres_person_query(const paxlst_person *p) {
  if (p == NULL) {
    wl_query none;
    memset(&none, 0, sizeof none);
    return none;
  }
  wl_query q;
  memset(&q, 0, sizeof q);
  q.surname = p->surname;
  q.given_names = p->given_names;
  q.birth = query_date(p->birth_date);
  if (p->nationality != NULL)
    q.nationality = wl_country_code(p->nationality, strlen(p->nationality));
  q.sex = p->sex != NULL && (p->sex[0] == 'M' || p->sex[0] == 'F') ? p->sex[0] : 0;
  if (p->ndocuments > 0) {
    const paxlst_document *d = &p->documents[0];
    q.document_number = d->number;
    if (d->issuing_state != NULL) {
      q.document_country = wl_country_code(d->issuing_state, strlen(d->issuing_state));
      if (q.document_country == NULL) q.document_country = d->issuing_state;
    }
    q.document_type = d->type;
  }
  return q;
}

cusres_answer cusres_answer_for(const paxlst_person *p, cusres_status s) {
  cusres_answer a = {s, NULL, NULL, cusres_decide_text(p, s)};
  if (p != NULL) {
    a.reservation_ref = p->reservation_ref;
    a.passenger_ref = p->passenger_ref;
  }
  return a;
}

/* ---- writer ---- */

/* Syntax levels, lowest first; the letter patched into "UNO?". */
enum { LV_UNOA = 0, LV_UNOB, LV_UNOC, LV_UNOW };
static const char LEVEL_LETTER[] = {'A', 'B', 'C', 'W'};

typedef struct builder {
  char *p;
  size_t len, cap;
  bool oom;
  int level;       /* highest LV_* of the values written */
  bool in_message; /* between UNH and UNT */
  unsigned nseg;   /* segments of the message so far, UNH included */
  bool newlines;   /* CUSRES_OPT_NEWLINES */
  bm_err err;      /* the first error; later writes are skipped */
  bm_diag *diag;
} builder;

static void put(builder *b, const char *s, size_t n) {
  if (b->err != BM_OK) return;
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap != 0 ? b->cap : 1024;
    while (cap < b->len + n + 1) cap *= 2;
    char *q = realloc(b->p, cap);
    if (q == NULL) {
      b->err = bm_diag_set(b->diag, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
      return;
    }
    b->p = q;
    b->cap = cap;
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
}

static void puts_(builder *b, const char *s) {
  put(b, s, strlen(s));
}

static void seg_begin(builder *b, const char *tag) {
  puts_(b, tag);
}

static void seg_end(builder *b) {
  put(b, b->newlines ? "'\n" : "'", b->newlines ? 2 : 1);
  if (b->in_message) b->nseg++;
}

static bool unoa_char(unsigned c) {
  return (c >= 32 && c <= 34) || (c >= 37 && c <= 63) || (c >= 65 && c <= 90);
}

/* Decode one UTF-8 sequence of the NUL-terminated s; returns its length, 0 if invalid. */
static size_t utf8_next(const unsigned char *s, unsigned *cp) {
  unsigned c = s[0];
  size_t n;
  unsigned min;
  if (c < 0x80) {
    *cp = c;
    return 1;
  } else if (c >= 0xC2 && c <= 0xDF) {
    n = 2, min = 0x80, c &= 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3, min = 0x800, c &= 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4, min = 0x10000, c &= 0x07;
  } else {
    return 0;
  }
  for (size_t i = 1; i < n; i++) {
    if ((s[i] & 0xC0) != 0x80) return 0; /* also stops at the NUL */
    c = (c << 6) | (s[i] & 0x3Fu);
  }
  if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) return 0;
  *cp = c;
  return n;
}

/* Check the value s (of what) and note its syntax level; returns its length in characters, or
 * (size_t)-1 after recording the error. */
static size_t check(builder *b, const char *what, const char *s) {
  if (b->err != BM_OK) return (size_t)-1;
  const unsigned char *p = (const unsigned char *)s;
  size_t chars = 0;
  for (size_t i = 0; p[i] != '\0'; chars++) {
    unsigned cp;
    size_t k = utf8_next(p + i, &cp);
    if (k == 0) {
      b->err = bm_diag_set(b->diag, BM_ERR_INVALID, what, 0, 0, "%s is not valid UTF-8 (byte %zu)",
                           what, i + 1);
      return (size_t)-1;
    }
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
      b->err = bm_diag_set(b->diag, BM_ERR_INVALID, what, 0, 0,
                           "%s holds a control character (byte %zu)", what, i + 1);
      return (size_t)-1;
    }
    int lv = cp > 0xFF ? LV_UNOW : cp >= 0x80 ? LV_UNOC : unoa_char(cp) ? LV_UNOA : LV_UNOB;
    if (lv > b->level) b->level = lv;
    i += k;
  }
  return chars;
}

/* Write the escaped value s, which must hold 1..max characters. */
static void val(builder *b, const char *what, const char *s, size_t max) {
  if (b->err != BM_OK) return;
  if (s == NULL || s[0] == '\0') {
    b->err = bm_diag_set(b->diag, BM_ERR_INVALID, what, 0, 0, "%s is empty", what);
    return;
  }
  size_t n = check(b, what, s);
  if (n == (size_t)-1) return;
  if (n > max) {
    b->err = bm_diag_set(b->diag, BM_ERR_LIMIT, what, 0, 0,
                         "%s has %zu characters; at most %zu are allowed", what, n, max);
    return;
  }
  size_t run = 0, i = 0;
  for (; s[i] != '\0'; i++) {
    char c = s[i];
    if (c == ':' || c == '+' || c == '?' || c == '\'') {
      put(b, s + run, i - run);
      put(b, "?", 1);
      run = i;
    }
  }
  put(b, s + run, i - run);
}

/* The value a followed by b (either may be NULL) as one value of at most max characters. */
static void val_cat(builder *bd, const char *what, const char *a, const char *b, size_t max) {
  size_t na = a != NULL ? strlen(a) : 0, nb = b != NULL ? strlen(b) : 0;
  char *s = malloc(na + nb + 1);
  if (s == NULL) {
    if (bd->err == BM_OK)
      bd->err = bm_diag_set(bd->diag, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    return;
  }
  if (na > 0) memcpy(s, a, na);
  if (nb > 0) memcpy(s + na, b, nb);
  s[na + nb] = '\0';
  val(bd, what, s, max);
  free(s);
}

/* A flight time of the PAXLST parser as a DTM value and format: "YYYY-MM-DDTHH:MM" -> YYMMDDHHMM
 * (201), "YYYY-MM-DD" -> CCYYMMDD (102). Returns false for anything else (kept as sent). */
static bool dtm_value(const char *t, char *out, const char **fmt) {
  if (t == NULL) return false;
  size_t n = strlen(t);
  static const char shape[] = "dddd-dd-ddTdd:dd";
  if (n != 10 && n != 16) return false;
  for (size_t i = 0; i < n; i++) {
    if (shape[i] == 'd' ? (t[i] < '0' || t[i] > '9') : t[i] != shape[i]) return false;
  }
  if (n == 16) {
    char v[11] = {t[2], t[3], t[5], t[6], t[8], t[9], t[11], t[12], t[14], t[15], '\0'};
    memcpy(out, v, sizeof v);
    *fmt = "201";
  } else {
    char v[9] = {t[0], t[1], t[2], t[3], t[5], t[6], t[8], t[9], '\0'};
    memcpy(out, v, sizeof v);
    *fmt = "102";
  }
  return true;
}

static uint64_t fnv(uint64_t h, const char *s) {
  if (s != NULL)
    for (; *s != '\0'; s++) h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
  return (h ^ 0xFFu) * 0x100000001b3ull; /* a separator, so ("ab","c") differs from ("a","bc") */
}

/* The request's flight group Sg3: RFF+AF, DTM+189/232, LOC+125/87. */
static void flight_group(builder *b, const paxlst_leg *f) {
  if (f == NULL || (blank(f->carrier) && blank(f->number))) return;
  seg_begin(b, "RFF+AF:");
  val_cat(b, "flight", blank(f->carrier) ? NULL : f->carrier, blank(f->number) ? NULL : f->number,
          CUSRES_REF_CHARS_MAX);
  seg_end(b);
  char v[16];
  const char *fmt = NULL;
  if (dtm_value(f->departure_time, v, &fmt)) {
    seg_begin(b, "DTM+189:");
    puts_(b, v);
    put(b, ":", 1);
    puts_(b, fmt);
    seg_end(b);
  }
  if (dtm_value(f->arrival_time, v, &fmt)) {
    seg_begin(b, "DTM+232:");
    puts_(b, v);
    put(b, ":", 1);
    puts_(b, fmt);
    seg_end(b);
  }
  if (!blank(f->departure_airport)) {
    seg_begin(b, "LOC+125+");
    val(b, "departure_airport", f->departure_airport, CUSRES_LOCATION_CHARS_MAX);
    seg_end(b);
  }
  if (!blank(f->arrival_airport)) {
    seg_begin(b, "LOC+87+");
    val(b, "arrival_airport", f->arrival_airport, CUSRES_LOCATION_CHARS_MAX);
    seg_end(b);
  }
}

/* Convert the UTF-8 bytes of buf (every character below U+0100, checked) to ISO 8859-1 in place. */
static size_t to_latin1(char *buf, size_t len) {
  size_t o = 0;
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)buf[i];
    if (c >= 0xC2 && c <= 0xC3 && i + 1 < len) {
      buf[o++] = (char)(((c & 0x03u) << 6) | ((unsigned char)buf[i + 1] & 0x3Fu));
      i++;
    } else {
      buf[o++] = (char)c;
    }
  }
  buf[o] = '\0';
  return o;
}

/* The common writer: answers (n > 0) for a response, else the acknowledgement with err_code and
 * err_text. */
static bm_err build(const paxlst_msg *req, const cusres_answer *answers, size_t n,
                    const char *err_code, const char *err_text, const cusres_opts *opts, char **out,
                    size_t *out_len, bm_diag *diag) {
  cusres_opts o = {0};
  if (opts != NULL) o = *opts;
  if (o.time < 0) return bm_diag_set(diag, BM_ERR_USAGE, "time", 0, 0, "time before 1970");
  int64_t now = o.time != 0 ? o.time : (int64_t)time(NULL);
  const char *sender = o.sender != NULL ? o.sender : req != NULL ? req->recipient : NULL;
  const char *recipient = o.recipient != NULL ? o.recipient : req != NULL ? req->sender : NULL;
  if (blank(sender))
    return bm_diag_set(diag, BM_ERR_INVALID, "sender", 0, 0,
                       "no sender: the request has no UNB recipient and none was given");
  if (blank(recipient))
    return bm_diag_set(diag, BM_ERR_INVALID, "recipient", 0, 0,
                       "no recipient: the request has no UNB sender and none was given");
  /* The UNB is read before the character set it declares applies: its identifications must be
   * plain ASCII whatever the level (found by fuzz/cusres_fuzz.c: a sender with a Latin-1 byte). */
  if (!ascii_printable(sender) || !ascii_printable(recipient) ||
      (o.control_ref != NULL && !ascii_printable(o.control_ref)))
    return bm_diag_set(diag, BM_ERR_INVALID, ascii_printable(sender) ? "recipient" : "sender", 0, 0,
                       "a UNB party or reference that is not printable ASCII cannot be answered");

  char gen[16];
  const char *control_ref = o.control_ref;
  if (control_ref == NULL) {
    uint64_t h = 0xcbf29ce484222325ull;
    char t[24];
    snprintf(t, sizeof t, "%lld", (long long)now);
    h = fnv(h, t);
    h = fnv(h, sender);
    h = fnv(h, recipient);
    if (req != NULL) {
      char seg[16];
      snprintf(seg, sizeof seg, "%u", req->first_segment);
      h = fnv(fnv(fnv(h, req->control_ref), req->message_ref), seg);
    } else {
      h = fnv(fnv(h, err_code), err_text);
    }
    snprintf(gen, sizeof gen, "%010llu", (unsigned long long)(h % 10000000000ull));
    control_ref = gen;
  }
  const char *message_ref = o.message_ref != NULL ? o.message_ref : control_ref;

  long days = (long)(now / 86400);
  long secs = (long)(now % 86400);
  bm_date d = bm_date_from_days(days);
  if (d.year == 0) return bm_diag_set(diag, BM_ERR_USAGE, "time", 0, 0, "time after year 9999");
  char stamp[32];
  snprintf(stamp, sizeof stamp, "%02d%02d%02d:%02ld%02ld", d.year % 100, (int)d.month, (int)d.day,
           secs / 3600, secs / 60 % 60);

  builder b = {0};
  b.diag = diag;
  b.newlines = (o.flags & CUSRES_OPT_NEWLINES) != 0;

  puts_(&b, "UNA:+.? '");
  if (b.newlines) put(&b, "\n", 1);
  seg_begin(&b, "UNB+UNOA:4+");
  size_t level_at = b.len - 4; /* the 'A' of "UNOA:4+" */
  val(&b, "sender", sender, CUSRES_PARTY_CHARS_MAX);
  put(&b, "+", 1);
  val(&b, "recipient", recipient, CUSRES_PARTY_CHARS_MAX);
  put(&b, "+", 1);
  puts_(&b, stamp);
  put(&b, "+", 1);
  val(&b, "control_ref", control_ref, CUSRES_CONTROL_REF_CHARS_MAX);
  seg_end(&b);

  b.in_message = true;
  seg_begin(&b, "UNH+");
  val(&b, "message_ref", message_ref, CUSRES_CONTROL_REF_CHARS_MAX);
  puts_(&b, "+CUSRES:D:05B:UN:IATA");
  if (req != NULL && !blank(req->common_access_ref)) {
    put(&b, "+", 1);
    val(&b, "common_access_ref", req->common_access_ref, CUSRES_ACCESS_REF_CHARS_MAX);
    puts_(&b, "+01:F");
  }
  seg_end(&b);
  seg_begin(&b, n > 0 ? "BGM+962" : "BGM+312");
  seg_end(&b);
  if (req != NULL && !blank(req->message_ref)) {
    seg_begin(&b, "RFF+TN:");
    val(&b, "transaction_ref", req->message_ref, CUSRES_REF_CHARS_MAX);
    seg_end(&b);
  }
  if (req != NULL) flight_group(&b, req->flight);

  if (n > 0) {
    for (size_t i = 0; i < n && b.err == BM_OK; i++) {
      const cusres_answer *a = &answers[i];
      seg_begin(&b, "ERP+2");
      seg_end(&b);
      if (!blank(a->reservation_ref)) {
        seg_begin(&b, "RFF+AVF:");
        val(&b, "reservation_ref", a->reservation_ref, CUSRES_REF_CHARS_MAX);
        seg_end(&b);
      }
      if (!blank(a->passenger_ref)) {
        seg_begin(&b, "RFF+ABO:");
        val(&b, "passenger_ref", a->passenger_ref, CUSRES_REF_CHARS_MAX);
        seg_end(&b);
      }
      seg_begin(&b, "ERC+");
      puts_(&b, cusres_status_code(a->status));
      seg_end(&b);
      seg_begin(&b, "FTX+AAP+++");
      val(&b, "text", a->text != NULL && a->text[0] != '\0' ? a->text : TEXTS[a->status],
          CUSRES_TEXT_CHARS_MAX);
      seg_end(&b);
      if (b.err != BM_OK && b.err != BM_ERR_NOMEM && b.diag != NULL) {
        /* Name the answer: "answers[3].passenger_ref has 80 characters ...". */
        char field[BM_DIAG_FIELD_BYTES_MAX + 32];
        snprintf(field, sizeof field, "answers[%zu].%s", i, b.diag->field);
        memcpy(b.diag->field, field, sizeof b.diag->field - 1);
        b.diag->field[sizeof b.diag->field - 1] = '\0';
      }
    }
  } else {
    seg_begin(&b, "ERP+1");
    seg_end(&b);
    seg_begin(&b, "ERC+");
    val(&b, "code", err_code, CUSRES_CODE_CHARS_MAX);
    seg_end(&b);
    seg_begin(&b, "FTX+AAP+++");
    val(&b, "text", err_text, CUSRES_TEXT_CHARS_MAX);
    seg_end(&b);
  }

  char count[16];
  snprintf(count, sizeof count, "%u", b.nseg + 1);
  seg_begin(&b, "UNT+");
  puts_(&b, count);
  put(&b, "+", 1);
  val(&b, "message_ref", message_ref, CUSRES_CONTROL_REF_CHARS_MAX);
  seg_end(&b);
  b.in_message = false;
  seg_begin(&b, "UNZ+1+");
  val(&b, "control_ref", control_ref, CUSRES_CONTROL_REF_CHARS_MAX);
  seg_end(&b);

  if (b.err != BM_OK) {
    free(b.p);
    return b.err;
  }
  b.p[level_at] = LEVEL_LETTER[b.level];
  if (b.level == LV_UNOC) b.len = to_latin1(b.p, b.len);
  *out = b.p;
  if (out_len != NULL) *out_len = b.len;
  if (diag != NULL) memset(diag, 0, sizeof *diag);
  return BM_OK;
}

bm_err cusres_build(const paxlst_msg *req, const cusres_answer *answers, size_t n,
                    const cusres_opts *opts, char **out, size_t *out_len, bm_diag *diag) {
  if (out != NULL) *out = NULL;
  if (out_len != NULL) *out_len = 0;
  if (req == NULL || answers == NULL || out == NULL)
    return bm_diag_set(diag, BM_ERR_USAGE, NULL, 0, 0, "request, answers and out are required");
  if (n == 0) return bm_diag_set(diag, BM_ERR_USAGE, "answers", 0, 0, "no answer to send");
  if (n > CUSRES_ANSWERS_MAX)
    return bm_diag_set(diag, BM_ERR_LIMIT, "answers", 0, 0,
                       "%zu answers; a CUSRES holds at most %d", n, CUSRES_ANSWERS_MAX);
  for (size_t i = 0; i < n; i++)
    if (answers[i].status != CUSRES_BOARD && answers[i].status != CUSRES_NO_BOARD &&
        answers[i].status != CUSRES_INSUFFICIENT)
      return bm_diag_set(diag, BM_ERR_USAGE, "status", 0, 0,
                         "answer %zu: status %d is not board, no board or insufficient data", i,
                         (int)answers[i].status);
  return build(req, answers, n, NULL, NULL, opts, out, out_len, diag);
}

bm_err cusres_build_error(const paxlst_msg *req, const char *code, const char *text,
                          const cusres_opts *opts, char **out, size_t *out_len, bm_diag *diag) {
  if (out != NULL) *out = NULL;
  if (out_len != NULL) *out_len = 0;
  if (out == NULL) return bm_diag_set(diag, BM_ERR_USAGE, NULL, 0, 0, "out is required");
  return build(req, NULL, 0, code != NULL ? code : CODES[CUSRES_ERROR],
               text != NULL ? text : TEXTS[CUSRES_ERROR], opts, out, out_len, diag);
}
