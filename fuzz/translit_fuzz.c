/* translit_fuzz.c - libFuzzer harness for mrz_translit(), which turns untrusted UTF-8 names (forms,
 * API clients, PNR and API messages) into MRZ characters.
 *
 * The whole input is the name. Besides the sanitizers, the harness checks the contract of mrz.h and
 * traps when it does not hold: the output is MRZ characters in canonical form (no leading, trailing
 * or doubled '<'), *out_len is the full length whatever the cap, truncated output is a
 * NUL-terminated prefix of the full output, the result does not depend on the cap, errors carry a
 * byte offset inside the input, and transliterating the output again (fillers as spaces) changes
 * nothing.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bmis/mrz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
  do {                                                                                             \
    if (!(cond)) __builtin_trap();                                                                 \
  } while (0)

/* Doc 9303 expansions are at most a few characters per input byte; this cap is never the limit for
 * an input within MRZ_TRANSLIT_INPUT_BYTES_MAX, so the "large cap" run sees the whole output. */
#define BIG_CAP (8 * MRZ_TRANSLIT_INPUT_BYTES_MAX + 1)

static bool is_mrz_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '<';
}

/* Runs mrz_translit with an output buffer of exactly cap bytes (malloc'd, so ASan sees a write past
 * the cap) and checks it against the reference result from the large-cap run. */
static void check_cap(const char *in, size_t len, size_t cap, bm_err ref_rc, const char *ref,
                      size_t ref_len) {
  char *out = malloc(cap > 0 ? cap : 1);
  CHECK(out != NULL);
  out[0] = 0x7f; /* with cap == 0 nothing may be written */
  size_t out_len = (size_t)-1;
  bm_err rc = mrz_translit(in, len, out, cap, &out_len, NULL);
  CHECK(rc == ref_rc);
  if (rc == BM_OK) {
    CHECK(out_len == ref_len);
    if (cap == 0) {
      CHECK(out[0] == 0x7f);
    } else {
      size_t fit = ref_len < cap - 1 ? ref_len : cap - 1;
      CHECK(memchr(out, '\0', cap) != NULL && strlen(out) == fit);
      CHECK(memcmp(out, ref, fit) == 0);
    }
  }
  free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const char *in = (const char *)data;
  static char out[BIG_CAP];
  size_t out_len = (size_t)-1;
  bm_diag diag;
  memset(&diag, 0, sizeof diag);
  memset(out, 0x7f, sizeof out);

  bm_err rc = mrz_translit(in, size, out, sizeof out, &out_len, &diag);
  if (size > MRZ_TRANSLIT_INPUT_BYTES_MAX) {
    CHECK(rc == BM_ERR_LIMIT);
    return 0;
  }
  CHECK(rc == BM_OK || rc == BM_ERR_INVALID);
  if (rc == BM_ERR_INVALID) {
    CHECK(diag.column >= 1 && diag.column <= size);
    CHECK(memchr(diag.message, '\0', sizeof diag.message) != NULL);
    CHECK(memchr(diag.field, '\0', sizeof diag.field) != NULL);
    /* The verdict must not depend on the output buffer. */
    check_cap(in, size, 0, rc, NULL, 0);
    check_cap(in, size, 3, rc, NULL, 0);
    return 0;
  }

  /* Canonical MRZ form. */
  CHECK(out_len < sizeof out && strlen(out) == out_len);
  for (size_t i = 0; i < out_len; i++) CHECK(is_mrz_char(out[i]));
  if (out_len > 0) CHECK(out[0] != '<' && out[out_len - 1] != '<');
  CHECK(strstr(out, "<<") == NULL);

  /* The same answer with every cap, from nothing to exactly enough. */
  static const size_t small_caps[] = {0, 1, 2, 3, 8, 39};
  for (size_t i = 0; i < sizeof small_caps / sizeof small_caps[0]; i++)
    check_cap(in, size, small_caps[i], rc, out, out_len);
  check_cap(in, size, out_len, rc, out, out_len);
  check_cap(in, size, out_len + 1, rc, out, out_len);
  check_cap(in, size, out_len + 2, rc, out, out_len);

  /* Idempotence: the output, with fillers written as the spaces they stand for, is a name already
   * in MRZ form and must come back unchanged. */
  static char again_in[BIG_CAP], again[BIG_CAP];
  memcpy(again_in, out, out_len);
  for (size_t i = 0; i < out_len; i++)
    if (again_in[i] == '<') again_in[i] = ' ';
  size_t again_len = (size_t)-1;
  if (out_len <= MRZ_TRANSLIT_INPUT_BYTES_MAX) {
    CHECK(mrz_translit(again_in, out_len, again, sizeof again, &again_len, NULL) == BM_OK);
    CHECK(again_len == out_len && memcmp(again, out, out_len + 1) == 0);
  }
  return 0;
}
