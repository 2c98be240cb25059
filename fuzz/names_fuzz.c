/* names_fuzz.c - libFuzzer harness for names.h: nm_prepare on untrusted names (travellers' names
 * from MRZ, APIS/PNR and API clients; list names from downloaded sanctions files) and nm_similarity
 * and nm_match_explain on what it produces.
 *
 * Input layout: byte 0 selects options, the rest is two names separated by the first '\n' (a query
 * and a list name; without '\n' the second name is empty).
 *   bit 0  give the tokens rarity weights derived from the input (including 0, negative and huge)
 *   bit 1  also compare the raw bytes of the two names with nm_jaro_winkler / nm_edit_similarity
 * Seed files start with '0'..'3' so that they stay readable.
 *
 * Besides the sanitizers, the harness checks the contract of names.h and traps when it does not
 * hold: nm_prepare's result code agrees with the input (limit, malformed UTF-8 with a column inside
 * the input); every token is 1..NM_TOKEN_BYTES_MAX-1 bytes of A-Z 0-9 with consistent len, alt,
 * skeleton (equal to nm_skeleton), Double Metaphone codes (equal to a fresh computation, alphabet
 * AFHJKLMNPRSTX0) and flags; preparing the tokens again (joined by spaces) gives the same tokens;
 * similarities lie in [0, 1], a name compared with itself scores 1, the match's pairs do not
 * overlap and account for every token; nm_match_explain honours every cap like snprintf; edit
 * similarity is symmetric and 1 on equal strings, Jaro-Winkler 1 on equal strings.
 */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "bmis/names.h"

#define CHECK(cond)                                                                                \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      fprintf(stderr, "names_fuzz: check failed at line %d: %s\n", __LINE__, #cond);               \
      __builtin_trap();                                                                            \
    }                                                                                              \
  } while (0)

#define EXPLAIN_CAP 2048

static nm_normalizer *g_nz;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  g_nz = nm_normalizer_new(NULL);
  CHECK(g_nz != NULL);
  return 0;
}

static bool is_code_char(char c) {
  return c != '\0' && strchr("AFHJKLMNPRSTX0", c) != NULL;
}

static void check_token(const nm_name *n, const nm_token *t) {
  size_t len = strnlen(t->text, NM_TOKEN_BYTES_MAX);
  CHECK(len < NM_TOKEN_BYTES_MAX && len == t->len && len >= 1);
  bool digits = true, letters = true;
  for (size_t i = 0; i < len; i++) {
    char c = t->text[i];
    CHECK((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'));
    if (!(c >= '0' && c <= '9')) digits = false;
    if (!(c >= 'A' && c <= 'Z')) letters = false;
  }
  size_t alen = strnlen(t->alt, NM_TOKEN_BYTES_MAX);
  CHECK(alen < NM_TOKEN_BYTES_MAX && alen == t->alt_len);
  for (size_t i = 0; i < alen; i++)
    CHECK((t->alt[i] >= 'A' && t->alt[i] <= 'Z') || (t->alt[i] >= '0' && t->alt[i] <= '9'));
  if (alen > 0) CHECK(strcmp(t->alt, t->text) != 0); /* alt only when it differs */
  char sk[NM_TOKEN_BYTES_MAX];
  size_t skn = nm_skeleton(t->text, t->len, sk, sizeof sk);
  CHECK(strcmp(sk, t->skeleton) == 0 && skn == strlen(sk));
  for (size_t i = 0; i < skn; i++) CHECK(sk[i] >= 'A' && sk[i] <= 'Z');
  if (!letters) CHECK(skn == 0);
  char p[5], a[5];
  nm_double_metaphone(t->text, t->len, p, a);
  CHECK(nm_dm_pack(p) == t->dm[0] && nm_dm_pack(a) == t->dm[1]);
  for (const char *c = p; *c; c++) CHECK(is_code_char(*c));
  for (const char *c = a; *c; c++) CHECK(is_code_char(*c));
  CHECK(((t->flags & NM_TOK_NUMBER) != 0) == digits);
  CHECK(((t->flags & NM_TOK_INITIAL) != 0) == (len == 1 && letters));
  if (t->flags & NM_TOK_PARTICLE) CHECK(n->ntokens > 1 && !(t->flags & NM_TOK_INITIAL));
  CHECK((t->flags & ~0x3Fu) == 0);
  if (t->flags & NM_TOK_PATRONYMIC) CHECK(letters && len >= 7);
}

/* Prepares name into out; checks the result code and every token. Returns true when prepared. */
static bool prepare_checked(const char *s, size_t len, nm_name *out) {
  bm_diag d;
  memset(&d, 0, sizeof d);
  memset(out, 0xa5, sizeof *out); /* junk, so a field nm_prepare forgets trips a check */
  bm_err rc = nm_prepare(g_nz, s, len, out, &d);
  if (len > NM_NAME_INPUT_BYTES_MAX) {
    CHECK(rc == BM_ERR_LIMIT);
    return false;
  }
  CHECK(rc == BM_OK || rc == BM_ERR_INVALID || rc == BM_ERR_LIMIT);
  if (rc != BM_OK) {
    CHECK(out->ntokens == 0);
    if (rc == BM_ERR_INVALID) CHECK(d.column >= 1 && d.column <= len);
    return false;
  }
  CHECK(out->ntokens <= NM_TOKENS_MAX);
  CHECK((unsigned)out->script < NM_SCRIPT__COUNT);
  if (out->ndropped > 0) CHECK(out->ntokens == NM_TOKENS_MAX);
  for (unsigned i = 0; i < out->ntokens; i++) check_token(out, &out->tokens[i]);

  /* The tokens are a fixed point: joined by spaces they prepare to themselves. */
  char joined[NM_TOKENS_MAX * NM_TOKEN_BYTES_MAX];
  size_t jn = 0;
  for (unsigned i = 0; i < out->ntokens; i++) {
    if (i > 0) joined[jn++] = ' ';
    memcpy(joined + jn, out->tokens[i].text, out->tokens[i].len);
    jn += out->tokens[i].len;
  }
  static nm_name again;
  CHECK(nm_prepare(g_nz, joined, jn, &again, NULL) == BM_OK);
  CHECK(again.ntokens == out->ntokens);
  for (unsigned i = 0; i < out->ntokens; i++)
    CHECK(strcmp(again.tokens[i].text, out->tokens[i].text) == 0);
  return true;
}

static void check_match(const nm_match *m, float s, unsigned nq, unsigned ne) {
  CHECK(s >= 0.0f && s <= 1.0f && s == m->score);
  CHECK(m->npairs <= NM_TOKENS_MAX);
  uint32_t uq = 0, ue = 0;
  for (unsigned i = 0; i < m->npairs; i++) {
    const nm_pair *p = &m->pairs[i];
    CHECK(p->q_count >= 1 && p->e_count >= 1);
    CHECK((unsigned)p->q + p->q_count <= nq && (unsigned)p->e + p->e_count <= ne);
    CHECK(p->score >= 0.0f && p->score <= 1.0f);
    CHECK(p->how <= NM_HOW_JOINED);
    CHECK(p->q_count == 1 || p->e_count == 1);  /* joins on one side only */
    if (i > 0) CHECK(m->pairs[i - 1].q < p->q); /* in query order */
    uint32_t mq = ((1u << p->q_count) - 1u) << p->q, me = ((1u << p->e_count) - 1u) << p->e;
    CHECK((uq & mq) == 0 && (ue & me) == 0);
    uq |= mq;
    ue |= me;
  }
  CHECK((unsigned)__builtin_popcount(uq) + m->q_unmatched == nq);
  CHECK((unsigned)__builtin_popcount(ue) + m->e_unmatched == ne);
}

static void check_explain(const nm_match *m, const nm_tok *q, const nm_tok *e) {
  static char full[EXPLAIN_CAP];
  size_t want = nm_match_explain(m, q, e, full, sizeof full);
  CHECK(want < sizeof full && strlen(full) == want);
  CHECK(nm_match_explain(m, q, e, NULL, 0) == want);
  char small[17];
  for (size_t cap = 1; cap <= sizeof small; cap += 5) {
    memset(small, 'x', sizeof small);
    CHECK(nm_match_explain(m, q, e, small, cap) == want);
    size_t got = strlen(small);
    CHECK(got == (want < cap - 1 ? want : cap - 1));
    CHECK(memcmp(small, full, got) == 0);
  }
}

static void weigh(nm_tok *t, unsigned n, const uint8_t *data, size_t size) {
  static const float k_weights[8] = {1.0f, 0.1f, 0.0f, -1.0f, 1e30f, 0.5f, 2.0f, 1e-6f};
  for (unsigned i = 0; i < n; i++) t[i].weight = k_weights[(size > i ? data[i] : i) & 7];
  if (n > 0 && size > 3 && (data[3] & 8)) t[0].weight = NAN;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (g_nz == NULL) LLVMFuzzerInitialize(NULL, NULL);
  if (size == 0) return 0;
  uint8_t mode = data[0];
  const char *text = (const char *)data + 1;
  size_t len = size - 1;
  const char *nl = memchr(text, '\n', len);
  size_t alen = nl ? (size_t)(nl - text) : len;
  const char *b = nl ? nl + 1 : text + len;
  size_t blen = nl ? len - alen - 1 : 0;

  static nm_name na, nb;
  bool oka = prepare_checked(text, alen, &na);
  bool okb = prepare_checked(b, blen, &nb);

  if (mode & 2) {
    double j = nm_jaro_winkler(text, alen, b, blen);
    CHECK(j >= 0.0 && j <= 1.0);
    double e1 = nm_edit_similarity(text, alen, b, blen);
    double e2 = nm_edit_similarity(b, blen, text, alen);
    CHECK(e1 >= 0.0 && e1 <= 1.0 && fabs(e1 - e2) < 1e-9);
    CHECK(nm_jaro_winkler(text, alen, text, alen) == 1.0);
    CHECK(nm_edit_similarity(b, blen, b, blen) == 1.0);
    char p[5], a[5];
    nm_double_metaphone(text, alen, p, a); /* any bytes: must not crash */
    CHECK(strlen(p) <= 4 && strlen(a) <= 4);
  }
  if (!oka || !okb) return 0;

  nm_tok q[NM_TOKENS_MAX], e[NM_TOKENS_MAX];
  unsigned nq = nm_name_toks(&na, q, NM_TOKENS_MAX), ne = nm_name_toks(&nb, e, NM_TOKENS_MAX);
  CHECK(nq == na.ntokens && ne == nb.ntokens);
  if (mode & 1) {
    weigh(q, nq, data, size);
    weigh(e, ne, data + (size > 8 ? 8 : 0), size > 8 ? size - 8 : size);
  }
  nm_match m;
  memset(&m, 0x5a, sizeof m);
  float s = nm_similarity(q, nq, e, ne, &m);
  check_match(&m, s, nq, ne);
  CHECK(nm_similarity(q, nq, e, ne, NULL) == s);
  check_explain(&m, q, e);

  /* A name against itself: every token pairs exactly. */
  if (nq > 0) {
    memset(&m, 0x5a, sizeof m);
    float self = nm_similarity(q, nq, q, nq, &m);
    check_match(&m, self, nq, nq);
    CHECK(self > 0.999f);
    CHECK(m.q_unmatched == 0 && m.e_unmatched == 0);
  }
  memset(&m, 0x5a, sizeof m);
  s = nm_similarity(e, ne, q, nq, &m);
  check_match(&m, s, ne, nq);
  check_explain(&m, e, q);
  return 0;
}
