/* paxlst_fuzz.c - libFuzzer harness for paxlst_parse() and its JSON encoding
 * (js_paxlst_msg_encode), the path of every PAXLST a carrier sends (untrusted).
 *
 * Input layout: byte 0 selects the options (bit 0: EDI_OPT_STRICT), the rest is the interchange.
 * The reference date is fixed so runs reproduce.
 *
 * Besides the sanitizers, the harness checks the contract of paxlst.h: the batch is complete and
 * consistent (counts agree with the diagnostics, strict mode has no warnings, limits hold, the
 * flight is one of the message's legs, normalised dates have their documented shapes, every
 * string is valid UTF-8 so jansson accepts it) and every message encodes to JSON.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bmis/json_paxlst.h"
#include "bmis/paxlst.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
  do {                                                                                             \
    if (!(cond)) __builtin_trap();                                                                 \
  } while (0)

static void check_str(const char *s) {
  if (s == NULL) return;
  CHECK(s[0] != '\0');
  json_t *j = json_string(s); /* NULL for invalid UTF-8 */
  CHECK(j != NULL);
  json_decref(j);
}

static bool digit(char c) {
  return c >= '0' && c <= '9';
}

/* "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM", unless an error says it was kept as sent. */
static bool iso_shape(const char *s) {
  size_t n = strlen(s);
  if (n != 10 && n != 16) return false;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (i == 4 || i == 7) {
      if (c != '-') return false;
    } else if (i == 10) {
      if (c != 'T') return false;
    } else if (i == 13) {
      if (c != ':') return false;
    } else if (!digit(c)) {
      return false;
    }
  }
  return true;
}

static void check_date(const paxlst_msg *m, const char *s) {
  if (s == NULL) return;
  check_str(s);
  if (!iso_shape(s)) CHECK(m->nerrors > 0);
}

static void check_msg(const paxlst_msg *m, unsigned flags) {
  unsigned e = 0, w = 0;
  for (size_t i = 0; i < m->ndiags; i++) {
    const edi_diag *d = &m->diags[i];
    if (d->severity == EDI_ERROR)
      e++;
    else
      w++;
    CHECK(memchr(d->d.message, '\0', sizeof d->d.message) != NULL);
  }
  CHECK(m->ndiags <= PAXLST_DIAGS_MAX);
  CHECK(m->nerrors + m->nwarnings == m->ndiags + m->ndiags_dropped);
  if (m->ndiags_dropped == 0) CHECK(e == m->nerrors && w == m->nwarnings);
  if (flags & EDI_OPT_STRICT) CHECK(m->nwarnings == 0);
  CHECK(m->part >= 1);
  CHECK(m->nlegs <= PAXLST_LEGS_MAX);
  if (m->nlegs == 0)
    CHECK(m->flight == NULL);
  else
    CHECK(m->flight >= m->legs && m->flight < m->legs + m->nlegs);
  const char *strs[] = {m->sender,        m->recipient,    m->control_ref,    m->syntax,
                        m->message_ref,   m->message_type, m->version,        m->common_access_ref,
                        m->document_code, m->document_id,  m->reporting_party};
  for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) check_str(strs[i]);
  for (unsigned i = 0; i < m->nlegs; i++) {
    const paxlst_leg *l = &m->legs[i];
    check_str(l->carrier);
    check_str(l->number);
    check_str(l->departure_airport);
    check_str(l->arrival_airport);
    check_date(m, l->departure_time);
    check_date(m, l->arrival_time);
  }
  CHECK(m->npersons <= PAXLST_PERSONS_MAX);
  for (size_t i = 0; i < m->npersons; i++) {
    const paxlst_person *p = &m->persons[i];
    check_str(p->surname);
    check_str(p->given_names);
    if (p->sex != NULL)
      CHECK(strcmp(p->sex, "M") == 0 || strcmp(p->sex, "F") == 0 || strcmp(p->sex, "X") == 0);
    check_date(m, p->birth_date);
    check_str(p->nationality);
    check_str(p->residence_country);
    check_str(p->seat);
    check_str(p->reservation_ref);
    check_str(p->bags_weight);
    CHECK(p->bags >= -1);
    CHECK(p->ndocuments <= PAXLST_DOCUMENTS_MAX);
    for (unsigned k = 0; k < p->ndocuments; k++) {
      check_str(p->documents[k].type);
      check_str(p->documents[k].number);
      check_str(p->documents[k].issuing_state);
      check_date(m, p->documents[k].expiry_date);
      check_date(m, p->documents[k].issue_date);
    }
  }
  json_t *o = js_paxlst_msg_encode(m);
  CHECK(o != NULL);
  char *s = json_dumps(o, JSON_COMPACT);
  CHECK(s != NULL);
  free(s);
  CHECK(json_array_size(json_object_get(o, "persons")) == m->npersons);
  json_decref(o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0) return 0;
  paxlst_opts o = {data[0] & EDI_OPT_STRICT, {2026, 11, 23}};
  paxlst_batch *b = NULL;
  bm_err rc = paxlst_parse((const char *)data + 1, size - 1, &o, &b, NULL);
  CHECK(rc == BM_OK || rc == BM_ERR_LIMIT);
  CHECK(b != NULL);
  CHECK(b->nmsgs <= PAXLST_MESSAGES_MAX);
  if (b->nmsgs > 0) CHECK(b->ndiags == 0);
  for (size_t i = 0; i < b->nmsgs; i++) check_msg(&b->msgs[i], o.flags);
  /* Assembling the messages into flights: every message is in exactly one set, parts ordered. */
  if (b->nmsgs > 0 && b->nmsgs <= 1000) {
    const paxlst_msg **ptrs = malloc(b->nmsgs * sizeof *ptrs);
    CHECK(ptrs != NULL);
    for (size_t i = 0; i < b->nmsgs; i++) ptrs[i] = &b->msgs[i];
    paxlst_set *sets = NULL;
    size_t nsets = 0;
    CHECK(paxlst_assemble(ptrs, b->nmsgs, &sets, &nsets, NULL) == BM_OK);
    CHECK(nsets >= 1 && nsets <= b->nmsgs);
    size_t total = 0;
    for (size_t k = 0; k < nsets; k++) {
      const paxlst_set *st = &sets[k];
      total += st->nparts;
      for (size_t i = 1; i < st->nparts; i++) CHECK(st->parts[i - 1]->part < st->parts[i]->part);
      if (st->complete) CHECK(st->last_part == st->nparts);
      for (size_t i = 0; i < st->ndiags; i++) CHECK(st->diags[i].severity == EDI_ERROR);
    }
    CHECK(total <= b->nmsgs);
    paxlst_sets_free(sets, nsets);
    free(ptrs);
  }
  paxlst_batch_free(b);
  return 0;
}
