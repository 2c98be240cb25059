/* icao.c - lookups in the ICAO state code table (the table itself is generated: icao_states.c). */
#include <string.h>

#include "bmis/icao.h"

const icao_state *icao_state_find(const char *code, size_t len) {
  char key[4] = "<<<";
  if (code == NULL || len == 0 || len > 3) return NULL;
  memcpy(key, code, len);
  unsigned lo = 0, hi = icao__states_count;
  while (lo < hi) {
    unsigned mid = lo + (hi - lo) / 2;
    int c = memcmp(icao__states[mid].code, key, 3);
    if (c == 0) return &icao__states[mid];
    if (c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}
