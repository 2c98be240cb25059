/* app_demo_flight.c - the demo's inbound flight: a PAXLST passenger list as a carrier would send
 * it (include/bmis/demo.h).
 *
 * Flight UX871 (a fictitious carrier) from Frankfurt (FRA) to Utopia City (UCY), arriving at the
 * time given: the try set's travellers (so the booth finds them pre-screened) and synthetic
 * passengers whose names come from a small table. One passenger lacks a birth date: the carrier
 * gets "insufficient data" for them.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bmis/demo.h"

static const char *const SURNAMES[] = {
    "MUELLER", "SCHNEIDER", "FISCHER",  "WEBER", "MEYER",    "WAGNER",  "BECKER",   "HOFFMANN",
    "SCHULZ",  "KOCH",      "RICHTER",  "KLEIN", "WOLF",     "NEUMANN", "MARTIN",   "BERNARD",
    "DUBOIS",  "DURAND",    "LEFEBVRE", "ROSSI", "RUSSO",    "FERRARI", "SMITH",    "JONES",
    "TAYLOR",  "BROWN",     "WILSON",   "NOWAK", "KOWALSKI", "JANSEN",  "DE VRIES", "LINDQVIST",
    "NILSSON", "GARCIA",    "MARTINEZ", "LOPEZ", "KAYA",     "DEMIR",   "YILMAZ",   "SANTOS"};
static const char *const GIVEN_M[] = {"JONAS", "LUKAS", "PAUL",   "FELIX",  "LOUIS", "HUGO",
                                      "MARCO", "LUCA",  "OLIVER", "GEORGE", "PIOTR", "DAAN",
                                      "ERIK",  "PABLO", "MEHMET", "JOAO"};
static const char *const GIVEN_F[] = {"ANNA",   "LEA",    "SOPHIE",    "CAMILLE", "CHLOE", "GIULIA",
                                      "OLIVIA", "AMELIA", "KATARZYNA", "EMMA",    "KARIN", "LUCIA",
                                      "AYSE",   "MARIA",  "JULIA",     "INES"};
static const char *const NATS[] = {"D",   "D",   "D",   "FRA", "ITA", "GBR", "POL", "NLD",
                                   "SWE", "ESP", "TUR", "PRT", "UTO", "UTO", "USA", "AUT"};

typedef struct buf {
  char *p;
  size_t len, cap;
  int oom;
} buf;

static void put(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(buf *b, const char *fmt, ...) {
  if (b->oom) return;
  for (;;) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->p + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n < 0) {
      b->oom = 1;
      return;
    }
    if ((size_t)n < b->cap - b->len) {
      b->len += (size_t)n;
      return;
    }
    size_t cap = b->cap * 2 + (size_t)n + 64;
    char *q = realloc(b->p, cap);
    if (q == NULL) {
      b->oom = 1;
      return;
    }
    b->p = q;
    b->cap = cap;
  }
}

/* An EDIFACT value: the release character before the service characters ' + : ? */
static void put_value(buf *b, const char *s) {
  for (; s && *s; s++) {
    if (*s == '\'' || *s == '+' || *s == ':' || *s == '?') put(b, "?");
    put(b, "%c", *s);
  }
}

/* "YYMMDD" of "YYYY-MM-DD". */
static void yymmdd(const char *date, char out[8]) {
  if (date == NULL || strlen(date) != 10) {
    out[0] = '\0';
    return;
  }
  snprintf(out, 8, "%.2s%.2s%.2s", date + 2, date + 5, date + 8);
}

static void person(buf *b, unsigned *segs, const char *surname, const char *given, char sex,
                   const char *birth, const char *nat, const char *doc_type, const char *doc,
                   const char *issuer, const char *expiry, const char *seat, const char *pnr,
                   unsigned ref) {
  char d[8];
  put(b, "NAD+FL+++");
  put_value(b, surname);
  put(b, ":");
  put_value(b, given);
  put(b, "'ATT+2++%c'", sex);
  *segs += 2;
  yymmdd(birth, d);
  if (d[0]) {
    put(b, "DTM+329:%s'", d);
    ++*segs;
  }
  put(b, "NAT+2+%s'RFF+AVF:%s'RFF+ABO:UX%06u'RFF+SEA:%s'", nat, pnr, ref, seat);
  *segs += 4;
  put(b, "DOC+%s:110:111+", doc_type);
  put_value(b, doc);
  put(b, "'");
  ++*segs;
  yymmdd(expiry, d);
  if (d[0]) {
    put(b, "DTM+36:%s'", d);
    ++*segs;
  }
  put(b, "LOC+91+%s'", issuer);
  ++*segs;
}

bm_err app_demo_paxlst(const app_demo_report *rep, int64_t arrival_ms, unsigned passengers,
                       char **out, size_t *out_len, bm_diag *diag) {
  if (rep == NULL || out == NULL || out_len == NULL)
    return bm_diag_set(diag, BM_ERR_USAGE, NULL, 0, 0, "NULL argument");
  *out = NULL;
  *out_len = 0;
  time_t arr = (time_t)(arrival_ms / 1000), dep = arr - 2 * 3600 - 35 * 60;
  struct tm ta, td;
  localtime_r(&arr, &ta); /* EDIFACT times are local to the airports */
  localtime_r(&dep, &td);
  buf b = {malloc(4096), 0, 4096, 0};
  if (b.p == NULL) return bm_diag_set(diag, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  put(&b, "UNA:+.? 'UNB+UNOC:4+UXAIR+UTOPIU+%02d%02d%02d:%02d%02d+DEMO871'", td.tm_year % 100,
      td.tm_mon + 1, td.tm_mday, td.tm_hour, td.tm_min);
  unsigned segs = 0;
  put(&b, "UNH+1+PAXLST:D:05B:UN:IATA+UX871%02d%02d%02d+01:F'BGM+745'NAD+MS+++UTOPIA AIR OPS'",
      td.tm_year % 100, td.tm_mon + 1, td.tm_mday);
  segs += 3;
  put(&b, "TDT+20+UX871+++UX'LOC+125+FRA'DTM+189:%02d%02d%02d%02d%02d:201'", td.tm_year % 100,
      td.tm_mon + 1, td.tm_mday, td.tm_hour, td.tm_min);
  put(&b, "LOC+87+UCY'DTM+232:%02d%02d%02d%02d%02d:201'", ta.tm_year % 100, ta.tm_mon + 1,
      ta.tm_mday, ta.tm_hour, ta.tm_min);
  segs += 5;
  unsigned n = 0, ref = 1;
  char seat[16], pnr[16];
  /* The try set's travellers, with the documents the booth will read. */
  for (size_t i = 0; i < rep->ntries; i++) {
    const app_demo_try *t = &rep->tries[i];
    if (strcmp(t->label, "overstayer") == 0 || strcmp(t->label, "refused-before") == 0) continue;
    snprintf(seat, sizeof seat, "%uC", 3 + (unsigned)i);
    snprintf(pnr, sizeof pnr, "TRY%03u", (unsigned)i);
    char sex = t->traveller.sex[0] ? t->traveller.sex[0] : 'U';
    person(&b, &segs, t->traveller.surname, t->traveller.given_names, sex, t->traveller.birth_date,
           t->traveller.nationality[0] ? t->traveller.nationality : "UTO",
           t->document.doc_type[0] == 'I' ? "I" : "P", t->document.number,
           t->document.issuing_state, t->document.expiry_date, seat, pnr, ref++);
    n++;
  }
  /* Synthetic passengers (a fixed pseudo-random walk: the same list every run). */
  uint64_t x = 0x9E3779B97F4A7C15ull;
  for (unsigned i = 0; n < passengers; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    int male = (x >> 3) & 1;
    const char *sur = SURNAMES[(x >> 8) % BM_COUNTOF(SURNAMES)];
    const char *giv =
        male ? GIVEN_M[(x >> 16) % BM_COUNTOF(GIVEN_M)] : GIVEN_F[(x >> 16) % BM_COUNTOF(GIVEN_F)];
    const char *nat = NATS[(x >> 24) % BM_COUNTOF(NATS)];
    char birth[16], expiry[16], doc[16];
    snprintf(birth, sizeof birth, "%04u-%02u-%02u", 1950 + (unsigned)((x >> 28) % 55),
             1 + (unsigned)((x >> 36) % 12), 1 + (unsigned)((x >> 40) % 28));
    snprintf(expiry, sizeof expiry, "%04u-%02u-%02u", 2027 + (unsigned)((x >> 44) % 9),
             1 + (unsigned)((x >> 48) % 12), 1 + (unsigned)((x >> 52) % 28));
    snprintf(doc, sizeof doc, "%c%c%07u", 'C' + (int)((x >> 20) % 20), 'F' + (int)((x >> 30) % 18),
             (unsigned)((x >> 33) % 10000000u));
    snprintf(seat, sizeof seat, "%u%c", 7 + n / 6, "ABCDEF"[n % 6]);
    snprintf(pnr, sizeof pnr, "%c%c%c%03u", 'A' + (int)((x >> 5) % 26), 'A' + (int)((x >> 9) % 26),
             'A' + (int)((x >> 13) % 26), i % 1000);
    /* One passenger the carrier sent without a birth date. */
    person(&b, &segs, sur, giv, male ? 'M' : 'F', i == 17 ? "" : birth, nat, "P", doc, nat, expiry,
           seat, pnr, ref++);
    n++;
  }
  put(&b, "CNT+42:%u'", n);
  segs++;
  put(&b, "UNT+%u+1'UNZ+1+DEMO871'\n", segs + 1);
  if (b.oom) {
    free(b.p);
    return bm_diag_set(diag, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  }
  *out = b.p;
  *out_len = b.len;
  return BM_OK;
}
