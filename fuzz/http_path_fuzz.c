/* http_path_fuzz.c - libFuzzer harness for the parsers of http.h that read untrusted request
 * parts: http_target_parse (request target: path and query), http_cookie_get (Cookie header),
 * http_bearer_get (Authorization header), http_listen_parse, http_secret_equal.
 *
 * Input layout: byte 0 selects the parser (value % 4), the rest is the text. Seed files start
 * with '0'..'3' so that they stay readable:
 *   '0'  request target          '1'  Cookie header (looked up: bmis_session, then the first name)
 *   '2'  Authorization header    '3'  --listen address
 *
 * Besides the sanitizers, the harness checks the contract and traps when it does not hold: result
 * codes are the documented ones; a parsed target has segments without '/', '\', NUL, "." or
 * "..", valid UTF-8 everywhere, a path equal to "/" + the segments joined by '/', and encoding
 * the segments and query again and reparsing gives the same result; cookie values and bearer
 * tokens hold only the bytes their grammar allows and survive a round trip; a value that fits
 * with cap bytes is reported BM_ERR_LIMIT with one byte less.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bmis/http.h"

#define CHECK(cond)                                                                                \
  do {                                                                                             \
    if (!(cond)) {                                                                                 \
      fprintf(stderr, "http_path_fuzz: check failed at line %d: %s\n", __LINE__, #cond);           \
      __builtin_trap();                                                                            \
    }                                                                                              \
  } while (0)

#define TEXT_MAX (2 * HTTP_TARGET_BYTES_MAX)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int utf8_ok(const unsigned char *s) {
  while (*s) {
    unsigned c = *s, n, cp;
    if (c < 0x80) {
      s++;
      continue;
    }
    if (c >= 0xc2 && c <= 0xdf)
      n = 1, cp = c & 0x1f;
    else if (c >= 0xe0 && c <= 0xef)
      n = 2, cp = c & 0x0f;
    else if (c >= 0xf0 && c <= 0xf4)
      n = 3, cp = c & 0x07;
    else
      return 0;
    for (unsigned i = 1; i <= n; i++) {
      if ((s[i] & 0xc0) != 0x80) return 0;
      cp = (cp << 6) | (s[i] & 0x3f);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff))) return 0;
    if (cp >= 0xd800 && cp <= 0xdfff) return 0;
    s += n + 1;
  }
  return 1;
}

/* Percent-encode every byte that is not unreserved (RFC 3986). */
static size_t encode(const char *s, char *out) {
  static const char hex[] = "0123456789ABCDEF";
  size_t w = 0;
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
        *p == '-' || *p == '.' || *p == '_' || *p == '~') {
      out[w++] = (char)*p;
    } else {
      out[w++] = '%';
      out[w++] = hex[*p >> 4];
      out[w++] = hex[*p & 15];
    }
  }
  return w;
}

static void check_target(const char *text, size_t len) {
  static http_target t, again;
  bm_diag d;
  bm_err rc = http_target_parse(text, len, &t, &d);
  CHECK(rc == BM_OK || rc == BM_ERR_INVALID || rc == BM_ERR_LIMIT);
  if (len > HTTP_TARGET_BYTES_MAX - 1) CHECK(rc == BM_ERR_LIMIT);
  if (rc != BM_OK) {
    CHECK(d.message[0] != '\0');
    return;
  }
  CHECK(t.path[0] == '/');
  CHECK(t.nsegs <= HTTP_PATH_SEGMENTS_MAX && t.nquery <= HTTP_QUERY_PARAMS_MAX);
  CHECK(strlen(t.path) <= len);
  static char joined[HTTP_TARGET_BYTES_MAX + 1];
  size_t w = 0;
  if (t.nsegs == 0) joined[w++] = '/';
  for (size_t i = 0; i < t.nsegs; i++) {
    const char *s = t.segs[i];
    CHECK(strchr(s, '/') == NULL && strchr(s, '\\') == NULL);
    CHECK(strcmp(s, ".") != 0 && strcmp(s, "..") != 0);
    CHECK(utf8_ok((const unsigned char *)s));
    joined[w++] = '/';
    size_t n = strlen(s);
    CHECK(w + n <= HTTP_TARGET_BYTES_MAX);
    memcpy(joined + w, s, n);
    w += n;
  }
  joined[w] = '\0';
  CHECK(strcmp(joined, t.path) == 0);
  for (size_t i = 0; i < t.nquery; i++) {
    CHECK(utf8_ok((const unsigned char *)t.qkeys[i]));
    CHECK(utf8_ok((const unsigned char *)t.qvals[i]));
  }

  /* Round trip: encode what was decoded, parse again, get the same. Empty keys are skipped by the
   * encoder below as "&=" would be an empty pair... kept as "=v", which parses back to key "". */
  static char enc[3 * TEXT_MAX + 16];
  size_t e = 0;
  if (t.nsegs == 0) enc[e++] = '/';
  for (size_t i = 0; i < t.nsegs; i++) {
    enc[e++] = '/';
    e += encode(t.segs[i], enc + e);
  }
  for (size_t i = 0; i < t.nquery; i++) {
    enc[e++] = i ? '&' : '?';
    e += encode(t.qkeys[i], enc + e);
    enc[e++] = '=';
    e += encode(t.qvals[i], enc + e);
  }
  enc[e] = '\0';
  rc = http_target_parse(enc, e, &again, NULL);
  if (rc == BM_ERR_LIMIT) return; /* encoding made it longer than the limit */
  CHECK(rc == BM_OK);
  CHECK(strcmp(again.path, t.path) == 0);
  CHECK(again.nsegs == t.nsegs && again.nquery == t.nquery);
  for (size_t i = 0; i < t.nquery; i++) {
    CHECK(strcmp(again.qkeys[i], t.qkeys[i]) == 0);
    CHECK(strcmp(again.qvals[i], t.qvals[i]) == 0);
  }
}

static void check_cookie(const char *text) {
  char name[64] = "bmis_session";
  for (int round = 0; round < 2; round++) {
    static char v[TEXT_MAX + 1];
    bm_err rc = http_cookie_get(text, name, v, sizeof v);
    CHECK(rc == BM_OK || rc == BM_ERR_NOTFOUND || rc == BM_ERR_INVALID);
    if (rc == BM_OK) {
      size_t n = strlen(v);
      for (size_t i = 0; i < n; i++)
        CHECK((unsigned char)v[i] >= 0x20 && (unsigned char)v[i] < 0x7f && v[i] != ';' &&
              v[i] != '"' && v[i] != '\\');
      static char small[TEXT_MAX + 1];
      CHECK(http_cookie_get(text, name, small, n + 1) == BM_OK);
      CHECK(strcmp(small, v) == 0);
      if (n > 0) CHECK(http_cookie_get(text, name, small, n) == BM_ERR_LIMIT);
      /* The value as the only cookie reads back unchanged. */
      static char hdr[TEXT_MAX + 128];
      snprintf(hdr, sizeof hdr, "%s=%s", name, v);
      if (strchr(name, '=') == NULL) {
        CHECK(http_cookie_get(hdr, name, small, sizeof small) == BM_OK);
      }
    }
    /* Second round: the first name in the header, whatever it is. */
    const char *eq = strchr(text, '=');
    if (eq == NULL || (size_t)(eq - text) >= sizeof name) break;
    memcpy(name, text, (size_t)(eq - text));
    name[eq - text] = '\0';
  }
}

static void check_bearer(const char *text) {
  static char tok[TEXT_MAX + 1];
  bm_err rc = http_bearer_get(text, tok, sizeof tok);
  CHECK(rc == BM_OK || rc == BM_ERR_INVALID);
  if (rc != BM_OK) return;
  size_t n = strlen(tok);
  CHECK(n > 0);
  size_t eqs = 0;
  for (size_t i = 0; i < n; i++) {
    char c = tok[i];
    int alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (c == '=') {
      eqs++;
    } else {
      CHECK(eqs == 0); /* '=' only at the end */
      CHECK(alnum || strchr("-._~+/", c) != NULL);
    }
  }
  CHECK(eqs < n);
  static char hdr[TEXT_MAX + 16], again[TEXT_MAX + 1];
  snprintf(hdr, sizeof hdr, "Bearer %s", tok);
  CHECK(http_bearer_get(hdr, again, sizeof again) == BM_OK && strcmp(again, tok) == 0);
  CHECK(http_bearer_get(text, again, n) == BM_ERR_LIMIT);
  CHECK(http_secret_equal(tok, again) == 0 || strcmp(tok, again) == 0);
  CHECK(http_secret_equal(tok, tok));
}

static void check_listen(const char *text) {
  char host[256];
  unsigned port = 99999;
  bm_err rc = http_listen_parse(text, host, sizeof host, &port);
  CHECK(rc == BM_OK || rc == BM_ERR_INVALID || rc == BM_ERR_LIMIT);
  if (rc != BM_OK) return;
  CHECK(port <= 65535 && host[0] != '\0');
  char again[300];
  snprintf(again, sizeof again, strchr(host, ':') ? "[%s]:%u" : "%s:%u", host, port);
  char host2[256];
  unsigned port2;
  CHECK(http_listen_parse(again, host2, sizeof host2, &port2) == BM_OK);
  CHECK(strcmp(host, host2) == 0 && port == port2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0 || size > TEXT_MAX) return 0;
  static char text[TEXT_MAX + 1];
  memcpy(text, data + 1, size - 1);
  text[size - 1] = '\0';
  switch (data[0] % 4) {
  case 0: check_target(text, size - 1); break;
  case 1: check_cookie(text); break;
  case 2: check_bearer(text); break;
  default: check_listen(text); break;
  }
  return 0;
}
