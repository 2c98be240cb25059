/* wl_scr_disp.c - traveller keys and dispositions (include/bmis/screen.h).
 *
 * A disposition records that an officer checked a hit and found it false: this traveller is not
 * that listed person. The next screening of the same traveller leaves exactly that (list, entry)
 * out, and nothing else: the same traveller still hits other entries, and other travellers still
 * hit the entry. "Same traveller" is the traveller key: the normalised name tokens in sorted order
 * (so ERIKSSON ANNA and Anna Eriksson agree, as do the MRZ's ERIKSSON<<ANNA and a typed name), the
 * birth date as known, and the document (country and normalised number) when known.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmis/names.h"
#include "bmis/screen.h"
#include "screen/wl_idx.h"

#define WL_DISP_ITEM_BYTES_MAX (WL_TRAVELLER_KEY_BYTES_MAX + 512 + WL_ID_BYTES_MAX)

/* ---- Traveller keys ---- */

static int cmp_tok(const void *pa, const void *pb) {
  const nm_token *a = *(const nm_token *const *)pa, *b = *(const nm_token *const *)pb;
  return strcmp(a->text, b->text);
}

typedef struct kbuf {
  char *out;
  size_t cap, len;
} kbuf;

static void kput(kbuf *b, const char *s, size_t n) {
  if (b->len < b->cap) {
    size_t room = b->cap - 1 - b->len;
    memcpy(b->out + b->len, s, n < room ? n : room);
    b->out[b->len + (n < room ? n : room)] = '\0';
  }
  b->len += n;
}

size_t wl__traveller_key(const nm_name *name, const wl_query *q, char *out, size_t cap) {
  kbuf b = {out, cap, 0};
  if (cap > 0) out[0] = '\0';
  const nm_token *toks[NM_TOKENS_MAX];
  unsigned n = name ? name->ntokens : 0;
  for (unsigned i = 0; i < n; i++) toks[i] = &name->tokens[i];
  qsort(toks, n, sizeof *toks, cmp_tok);
  for (unsigned i = 0; i < n; i++) {
    if (i) kput(&b, " ", 1);
    kput(&b, toks[i]->text, toks[i]->len);
  }
  char tmp[32];
  kput(&b, "|", 1);
  if (q->birth.year > 0 && q->birth.year <= 9999) {
    int k;
    if (q->birth.month && q->birth.day)
      k = snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", q->birth.year, q->birth.month, q->birth.day);
    else if (q->birth.month)
      k = snprintf(tmp, sizeof tmp, "%04d-%02d", q->birth.year, q->birth.month);
    else
      k = snprintf(tmp, sizeof tmp, "%04d", q->birth.year);
    if (k > 0) kput(&b, tmp, (size_t)k);
  }
  kput(&b, "|", 1);
  if (q->document_number && q->document_number[0]) {
    char dk[WL_DOC_NUMBER_BYTES_MAX];
    size_t dn = wl_document_key(q->document_number, dk, sizeof dk);
    if (dn > 0) {
      if (q->document_country) kput(&b, q->document_country, strnlen(q->document_country, 3));
      kput(&b, ":", 1);
      kput(&b, dk, dn);
    }
  }
  return b.len;
}

/* wl_traveller_key has no scratch: one normalizer for the process, behind a lock (keys are made
 * for dispositions, not per screened traveller; wl_screen uses its scratch's). It lives until the
 * process ends. */
static pthread_mutex_t key_lock = PTHREAD_MUTEX_INITIALIZER;
static nm_normalizer *key_nz;

size_t wl_traveller_key(const wl_query *q, char *out, size_t cap) {
  if (cap > 0 && out != NULL) out[0] = '\0';
  if (q == NULL || out == NULL) return 0;
  char buf[NM_NAME_INPUT_BYTES_MAX + 1];
  const char *name = q->name;
  size_t len = 0;
  if (name == NULL || name[0] == '\0') {
    const char *parts[2] = {q->given_names, q->surname};
    for (int i = 0; i < 2; i++) {
      if (parts[i] == NULL || parts[i][0] == '\0') continue;
      size_t n = strlen(parts[i]);
      if (len + n + 1 > NM_NAME_INPUT_BYTES_MAX) break;
      if (len) buf[len++] = ' ';
      memcpy(buf + len, parts[i], n);
      len += n;
    }
    buf[len] = '\0';
    name = buf;
  } else {
    len = strlen(name);
  }
  nm_name nm;
  nm.ntokens = 0;
  pthread_mutex_lock(&key_lock);
  if (key_nz == NULL) key_nz = nm_normalizer_new(NULL);
  if (key_nz == NULL || nm_prepare(key_nz, name, len, &nm, NULL) != BM_OK) nm.ntokens = 0;
  pthread_mutex_unlock(&key_lock);
  return wl__traveller_key(&nm, q, out, cap);
}

/* ---- Dispositions: a hash set of "key \x1f list \x1f entry" strings ---- */

struct wl_dispositions {
  uint64_t *hash; /* slots: hash, 0 = empty */
  uint32_t *item; /* slots: offset of the string in text */
  size_t mask, n;
  char *text;
  size_t text_len, text_cap;
};

wl_dispositions *wl_dispositions_new(void) {
  return calloc(1, sizeof(wl_dispositions));
}

void wl_dispositions_free(wl_dispositions *d) {
  if (d == NULL) return;
  free(d->hash);
  free(d->item);
  free(d->text);
  free(d);
}

static size_t compose(char *buf, const char *key, const char *list, const char *entry_id) {
  size_t n = 0;
  const char *parts[3] = {key ? key : "", list ? list : "", entry_id ? entry_id : ""};
  size_t caps[3] = {WL_TRAVELLER_KEY_BYTES_MAX, 512, WL_ID_BYTES_MAX};
  for (int i = 0; i < 3; i++) {
    size_t k = strnlen(parts[i], caps[i]);
    memcpy(buf + n, parts[i], k);
    n += k;
    if (i < 2) buf[n++] = '\x1f';
  }
  buf[n] = '\0';
  return n;
}

static bool grow(wl_dispositions *d) {
  size_t cap = d->mask ? (d->mask + 1) * 2 : 64;
  uint64_t *h = calloc(cap, sizeof *h);
  uint32_t *it = calloc(cap, sizeof *it);
  if (h == NULL || it == NULL) {
    free(h);
    free(it);
    return false;
  }
  for (size_t i = 0; d->mask && i <= d->mask; i++) {
    if (d->hash[i] == 0) continue;
    size_t k = (size_t)d->hash[i] & (cap - 1);
    while (h[k]) k = (k + 1) & (cap - 1);
    h[k] = d->hash[i];
    it[k] = d->item[i];
  }
  free(d->hash);
  free(d->item);
  d->hash = h;
  d->item = it;
  d->mask = cap - 1;
  return true;
}

/* Slot of s (found or the empty one where it goes). */
static size_t find(const wl_dispositions *d, uint64_t h, const char *s, bool *found) {
  size_t k = (size_t)h & d->mask;
  for (; d->hash[k]; k = (k + 1) & d->mask)
    if (d->hash[k] == h && strcmp(d->text + d->item[k], s) == 0) {
      *found = true;
      return k;
    }
  *found = false;
  return k;
}

bm_err wl_dispositions_add(wl_dispositions *d, const char *traveller_key, const char *list,
                           const char *entry_id) {
  if (d == NULL) return BM_ERR_USAGE;
  char buf[WL_DISP_ITEM_BYTES_MAX + 3];
  size_t n = compose(buf, traveller_key, list, entry_id);
  if ((d->n + 1) * 2 > d->mask + 1 && !grow(d)) return BM_ERR_NOMEM;
  uint64_t h = wl__key_str(0, buf, n);
  bool found;
  size_t k = find(d, h, buf, &found);
  if (found) return BM_OK;
  if (d->text_len + n + 1 > d->text_cap) {
    size_t cap = d->text_cap ? d->text_cap * 2 : 4096;
    while (cap < d->text_len + n + 1) cap *= 2;
    if (cap > UINT32_MAX) return BM_ERR_LIMIT;
    char *t = realloc(d->text, cap);
    if (t == NULL) return BM_ERR_NOMEM;
    d->text = t;
    d->text_cap = cap;
  }
  memcpy(d->text + d->text_len, buf, n + 1);
  d->hash[k] = h;
  d->item[k] = (uint32_t)d->text_len;
  d->text_len += n + 1;
  d->n++;
  return BM_OK;
}

bool wl_dispositions_has(const wl_dispositions *d, const char *traveller_key, const char *list,
                         const char *entry_id) {
  if (d == NULL || d->n == 0) return false;
  char buf[WL_DISP_ITEM_BYTES_MAX + 3];
  size_t n = compose(buf, traveller_key, list, entry_id);
  bool found;
  find(d, wl__key_str(0, buf, n), buf, &found);
  return found;
}
