/* screen_query_fuzz.c - libFuzzer harness for screening an untrusted traveller: the query JSON
 * decoder (src/screen/wl_scr_query.c) and the whole screening path behind it (wl_screen.c: name
 * preparation, partner search, candidate generation, evidence, the document lane, reasons), against
 * a small fixed list built once in LLVMFuzzerInitialize.
 *
 * The input is used twice: as one JSON query line, and, split at its first NUL or newline, as the
 * raw name and document number of a query (names and numbers come from MRZ scans and manifests in
 * any bytes). Besides the sanitizers the harness checks screen.h's promises: at most `limit` hits,
 * every score in [0, 1] and at or above the threshold, best first, each hit an entry of the list,
 * reasons NUL-terminated and printable, traveller keys NUL-terminated within their bound, and the
 * same result from a second run (the partner cache must not change answers).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bmis/screen.h"
#include "bmis/watchlist.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
  do {                                                                                             \
    if (!(cond)) __builtin_trap();                                                                 \
  } while (0)

#define FUZZ_RAW_BYTES_MAX 2048 /* raw name bytes tried (nm_prepare refuses more than 1024) */

static const char k_list[] =
    "{\"id\":\"N-0001\",\"kind\":\"person\",\"names\":[\"Ivan PETROV\",\"Иван Петров\"],"
    "\"birth_dates\":[\"1970-01-02\",\"1971\"],\"nationalities\":[\"RUS\"],\"sex\":\"M\","
    "\"documents\":[{\"type\":\"P\",\"number\":\"123456789\",\"country\":\"RUS\"}]}\n"
    "{\"id\":\"N-0002\",\"kind\":\"document\",\"documents\":[{\"type\":\"P\",\"number\":"
    "\"X0000001\",\"country\":\"UTO\"}]}\n"
    "{\"id\":\"N-0003\",\"names\":[\"Anna Maria ERIKSSON\",\"ERIKSSON<<ANNA\"],\"birth_dates\":"
    "[\"1974-08\",\"1960/1962\"],\"nationalities\":[\"SWE\"],\"sex\":\"F\"}\n"
    "{\"id\":\"N-0004\",\"kind\":\"entity\",\"names\":[\"Al Qaida Trading Company Ltd\"]}\n"
    "{\"id\":\"N-0005\",\"names\":[\"Abd al-Rahman bin Muhammad AL-HASHIMI\",\"عبد الرحمن "
    "الهاشمي\","
    "\"J. K. SMITH\",\"Kim Jong Un\",\"金正恩\"],\"birth_dates\":[\"circa 1965\"],"
    "\"documents\":[{\"type\":\"ID\",\"number\":\"A-123 456\",\"country\":\"IRQ\"},"
    "{\"number\":\"00OO11II\"}]}\n"
    "{\"id\":\"N-0006\",\"kind\":\"other\",\"names\":[\"Ocean Star\"]}\n"
    "{\"id\":\"N-0007\",\"names\":[\"MOHAMMED ALI\",\"Mohamed Aly\",\"Muhammad Ali Khan\"],"
    "\"sex\":\"M\",\"nationalities\":[\"PAK\",\"AFG\"]}\n";

static wl_list *g_list;
static wl_index *g_index;
static wl_scratch *g_scratch;
static wl_dispositions *g_disp;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc;
  (void)argv;
  bm_diag diag;
  if (wl_list_load_mem(k_list, sizeof k_list - 1, NULL, 0, "fuzz", WL_FORMAT_JSONL, &g_list, NULL,
                       &diag) != BM_OK ||
      wl_index_build(&g_list, 1, NULL, &g_index, &diag) != BM_OK)
    abort();
  g_scratch = wl_scratch_new(g_index, &diag);
  g_disp = wl_dispositions_new();
  if (g_scratch == NULL || g_disp == NULL) abort();
  wl_dispositions_add(g_disp, "IVAN PETROV||", "fuzz", "N-0001");
  return 0;
}

static bool printable(const char *s, size_t cap) {
  size_t n = strnlen(s, cap);
  if (n == cap) return false;
  for (size_t i = 0; i < n; i++)
    if ((unsigned char)s[i] < 0x20) return false;
  return true;
}

static bool in_list(const wl_entry *e) {
  for (size_t i = 0; i < wl_list_count(g_list); i++)
    if (wl_list_entry(g_list, i) == e) return true;
  return false;
}

static void check_hits(const wl_hit *h, unsigned n, unsigned limit, float threshold) {
  CHECK(n <= limit);
  for (unsigned i = 0; i < n; i++) {
    CHECK(h[i].score >= 0.0f && h[i].score <= 1.0f && h[i].score >= threshold);
    if (i > 0) CHECK(h[i - 1].score >= h[i].score);
    CHECK(h[i].entry != NULL && in_list(h[i].entry));
    CHECK(h[i].entry->kind != WL_KIND_OTHER);
    CHECK(h[i].list != NULL && strcmp(h[i].list, "fuzz") == 0);
    CHECK(h[i].nreasons <= WL_REASONS_MAX);
    CHECK(h[i].name_index < h[i].entry->nnames || h[i].entry->nnames == 0);
    for (unsigned r = 0; r < h[i].nreasons; r++)
      CHECK(printable(h[i].reasons[r], WL_REASON_BYTES_MAX));
  }
}

static void screen_both_ways(const wl_query *q) {
  static const float thresholds[] = {0.0f, 0.3f, 0.95f};
  static wl_hit a[WL_HITS_MAX], b[WL_HITS_MAX];
  for (size_t t = 0; t < sizeof thresholds / sizeof thresholds[0]; t++) {
    unsigned limit = t == 1 ? 2 : WL_HITS_MAX;
    wl_screen_opts o = {thresholds[t], limit, t == 2 ? g_disp : NULL};
    unsigned na = 0, nb = 0;
    bm_diag diag;
    bm_err ea = wl_screen(g_index, g_scratch, q, &o, a, &na, &diag);
    CHECK(ea == BM_OK || ea == BM_ERR_INVALID || ea == BM_ERR_LIMIT);
    if (ea != BM_OK) {
      CHECK(na == 0);
      continue;
    }
    float thr = thresholds[t] > 0.0f ? thresholds[t] : WL_DEFAULT_THRESHOLD;
    check_hits(a, na, limit, thr);
    bm_err eb = wl_screen(g_index, g_scratch, q, &o, b, &nb, NULL);
    CHECK(eb == ea && nb == na);
    for (unsigned i = 0; i < na; i++) {
      CHECK(a[i].entry == b[i].entry && a[i].score == b[i].score);
      CHECK(a[i].nreasons == b[i].nreasons);
      for (unsigned r = 0; r < a[i].nreasons; r++)
        CHECK(strcmp(a[i].reasons[r], b[i].reasons[r]) == 0);
    }
  }
  char key[WL_TRAVELLER_KEY_BYTES_MAX];
  size_t want = wl_traveller_key(q, key, sizeof key);
  CHECK(strlen(key) == (want < sizeof key ? want : sizeof key - 1));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  /* 1. The input as a query line. */
  static wl_query_json qj;
  bm_diag diag;
  bm_err err = wl_query_from_json((const char *)data, size, &qj, &diag);
  CHECK(err == BM_OK || err == BM_ERR_INVALID || err == BM_ERR_LIMIT);
  if (err == BM_OK) {
    if (qj.q.birth.year) CHECK(qj.q.birth.year >= 1000 && qj.q.birth.month <= 12);
    if (qj.q.nationality) CHECK(strlen(qj.q.nationality) == 3);
    screen_both_ways(&qj.q);
  } else {
    CHECK(printable(diag.message, sizeof diag.message));
  }

  /* 2. The input as raw bytes: name up to the first NUL or newline, then a document number. */
  static char raw[FUZZ_RAW_BYTES_MAX + 1];
  size_t n = size < FUZZ_RAW_BYTES_MAX ? size : FUZZ_RAW_BYTES_MAX;
  memcpy(raw, data, n);
  raw[n] = '\0';
  char *doc = NULL;
  for (size_t i = 0; i < n; i++)
    if (raw[i] == '\n' || raw[i] == '\0') {
      raw[i] = '\0';
      doc = raw + i + 1;
      break;
    }
  wl_query q;
  memset(&q, 0, sizeof q);
  q.id = "raw";
  q.name = raw;
  q.document_number = doc;
  q.document_country = size % 2 ? "RUS" : NULL;
  q.birth.year = (int16_t)(1900 + size % 120);
  q.birth.year_to = q.birth.year;
  q.birth.month = (uint8_t)(size % 13);
  q.birth.day = q.birth.month ? (uint8_t)(1 + size % 28) : 0;
  q.sex = size % 3 == 0 ? 'M' : size % 3 == 1 ? 'F' : 0;
  screen_both_ways(&q);
  char dk[WL_DOC_NUMBER_BYTES_MAX];
  size_t dn = wl_document_key(raw, dk, sizeof dk);
  CHECK(dn < sizeof dk && strlen(dk) == dn);
  return 0;
}
