/* api_time_fuzz.c - libFuzzer harness for js_time_parse(), which reads the times and dates API
 * clients send (the "time" of an inspection or crossing, the "since" of the overstayers report):
 * untrusted text.
 *
 * The whole input is the text (at most API_TIME_FUZZ_BYTES_MAX bytes are used, NUL-terminated).
 * Besides the sanitizers, the harness checks the contract of json_app.h and traps when it does not
 * hold: an accepted time lies in the years 1900-2200; js_time_format writes the canonical
 * "YYYY-MM-DDThh:mm:ss.mmmZ" form, which parses back to the same instant; and an input already in
 * that canonical form is reproduced byte for byte.
 */
#include <stdint.h>
#include <string.h>

#include "bmis/json_app.h"

#define API_TIME_FUZZ_BYTES_MAX 64
#define CANONICAL_LEN           24 /* YYYY-MM-DDThh:mm:ss.mmmZ */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
  do {                                                                                             \
    if (!(cond)) __builtin_trap();                                                                 \
  } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char text[API_TIME_FUZZ_BYTES_MAX + 1];
  if (size > API_TIME_FUZZ_BYTES_MAX) size = API_TIME_FUZZ_BYTES_MAX;
  memcpy(text, data, size);
  text[size] = '\0';
  int64_t ms = 0;
  if (js_time_parse(text, &ms) != 0) return 0;
  /* 1900-01-01 and 2201-01-01 in Unix milliseconds. */
  CHECK(ms >= -2208988800000LL && ms < 7289654400000LL);
  char buf[32];
  CHECK(js_time_format(ms, buf) == buf);
  CHECK(strlen(buf) == CANONICAL_LEN);
  int64_t again = 0;
  CHECK(js_time_parse(buf, &again) == 0 && again == ms);
  if (strlen(text) == CANONICAL_LEN && text[10] == 'T' && text[19] == '.' && text[23] == 'Z')
    CHECK(strcmp(text, buf) == 0);
  return 0;
}
