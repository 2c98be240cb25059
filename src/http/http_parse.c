/* http_parse.c - parsing of the untrusted parts of a request the router relies on.
 *
 * Request target (RFC 9112 origin-form, RFC 3986 syntax): "/" segment *( "/" segment ) [ "?" query
 * ]. Each segment and each query key and value is percent-decoded on its own, so that an encoded
 * "/" (%2F) can never create a segment boundary, and anything that could walk out of a directory
 * or confuse a later consumer is refused instead of normalised: "." and ".." (also as %2E),
 * decoded "/", "\" and NUL, invalid UTF-8. In the query, "+" is a space (HTML forms).
 *
 * Cookie header (RFC 6265 section 4.2): cookie-pair *( ";" SP cookie-pair ), cookie-pair =
 * name "=" value, value optionally in double quotes. Parsed leniently about spaces, strictly about
 * the value's bytes.
 *
 * Authorization (RFC 6750 section 2.1): "Bearer" 1*SP token68.
 */
#include <string.h>

#include "http/http_internal.h"

static int hexval(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Length of the valid UTF-8 sequence at s[0..n), 0 if invalid (overlongs, surrogates and code
 * points above U+10FFFF included). */
static size_t utf8_seq(const unsigned char *s, size_t n) {
  unsigned char c = s[0];
  if (c < 0x80) return 1;
  size_t len;
  unsigned cp;
  if (c >= 0xc2 && c <= 0xdf) {
    len = 2;
    cp = c & 0x1f;
  } else if (c >= 0xe0 && c <= 0xef) {
    len = 3;
    cp = c & 0x0f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    len = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (n < len) return 0;
  for (size_t i = 1; i < len; i++) {
    if ((s[i] & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (s[i] & 0x3f);
  }
  if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff))) return 0;
  if (cp >= 0xd800 && cp <= 0xdfff) return 0;
  return len;
}

static int utf8_valid(const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  while (i < n) {
    size_t k = utf8_seq(p + i, n - i);
    if (k == 0) return 0;
    i += k;
  }
  return 1;
}

/* A raw byte allowed in a request target: visible ASCII except those with no business there
 * ('#' starts a fragment, which clients never send; '"', '<', '>', '`', '{', '}', '|', '\\' and
 * '^' must be percent-encoded per RFC 3986). */
static int target_byte_ok(unsigned char c) {
  if (c <= 0x20 || c >= 0x7f) return 0;
  return strchr("#\"<>`{}|\\^", c) == NULL;
}

enum { PART_SEGMENT, PART_QUERY };

/* Decode in[0..n) to *dst (NUL-terminated); returns bytes written without the NUL or -1 (diag
 * set). */
static long decode_part(const char *in, size_t n, char *dst, int part, size_t offset,
                        bm_diag *diag) {
  size_t w = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)in[i];
    if (c == '%') {
      if (n - i < 3) {
        bm_diag_set(diag, BM_ERR_INVALID, "target", 1, (unsigned)(offset + i + 1),
                    "truncated percent escape");
        return -1;
      }
      int hi = hexval((unsigned char)in[i + 1]);
      int lo = hexval((unsigned char)in[i + 2]);
      if (hi < 0 || lo < 0) {
        bm_diag_set(diag, BM_ERR_INVALID, "target", 1, (unsigned)(offset + i + 1),
                    "invalid percent escape");
        return -1;
      }
      c = (unsigned char)(hi * 16 + lo);
      i += 2;
      if (c == 0) {
        bm_diag_set(diag, BM_ERR_INVALID, "target", 1, (unsigned)(offset + i - 1),
                    "encoded NUL byte");
        return -1;
      }
      if (part == PART_SEGMENT && (c == '/' || c == '\\')) {
        bm_diag_set(diag, BM_ERR_INVALID, "target", 1, (unsigned)(offset + i - 1),
                    "encoded '/' or '\\' inside a path segment");
        return -1;
      }
    } else if (part == PART_QUERY && c == '+') {
      c = ' ';
    }
    dst[w++] = (char)c;
  }
  dst[w] = '\0';
  if (!utf8_valid(dst, w)) {
    bm_diag_set(diag, BM_ERR_INVALID, "target", 1, (unsigned)(offset + 1),
                "decoded text is not valid UTF-8");
    return -1;
  }
  return (long)w;
}

bm_err http_target_parse(const char *raw, size_t len, http_target *out, bm_diag *diag) {
  if (raw == NULL || out == NULL) return bm_diag_set(diag, BM_ERR_USAGE, "target", 0, 0, "NULL");
  out->nsegs = 0;
  out->nquery = 0;
  out->path[0] = '\0';
  if (len > HTTP_TARGET_BYTES_MAX - 1)
    return bm_diag_set(diag, BM_ERR_LIMIT, "target", 1, 0, "request target longer than %u bytes",
                       HTTP_TARGET_BYTES_MAX - 1);
  if (len == 0 || raw[0] != '/')
    return bm_diag_set(diag, BM_ERR_INVALID, "target", 1, 1, "request target must start with '/'");
  for (size_t i = 0; i < len; i++) {
    if (!target_byte_ok((unsigned char)raw[i]))
      return bm_diag_set(diag, BM_ERR_INVALID, "target", 1, (unsigned)(i + 1),
                         "byte 0x%02X not allowed in a request target", (unsigned char)raw[i]);
  }
  const char *q = memchr(raw, '?', len);
  size_t plen = q ? (size_t)(q - raw) : len;

  char *w = out->buf;
  size_t pw = 0;
  /* Segments: after each '/' up to the next '/' or the end of the path. "/" alone has none. */
  size_t i = 1;
  if (plen > 1) {
    for (;;) {
      const char *seg = raw + i;
      const char *slash = memchr(seg, '/', plen - i);
      size_t n = slash ? (size_t)(slash - seg) : plen - i;
      if (out->nsegs == HTTP_PATH_SEGMENTS_MAX)
        return bm_diag_set(diag, BM_ERR_LIMIT, "target", 1, (unsigned)(i + 1),
                           "more than %u path segments", HTTP_PATH_SEGMENTS_MAX);
      long d = decode_part(seg, n, w, PART_SEGMENT, i, diag);
      if (d < 0) return BM_ERR_INVALID;
      if (strcmp(w, ".") == 0 || strcmp(w, "..") == 0)
        return bm_diag_set(diag, BM_ERR_INVALID, "target", 1, (unsigned)(i + 1),
                           "'.' and '..' path segments are not allowed");
      out->segs[out->nsegs++] = w;
      out->path[pw++] = '/';
      memcpy(out->path + pw, w, (size_t)d);
      pw += (size_t)d;
      w += d + 1;
      if (slash == NULL) break;
      i += n + 1;
    }
  } else {
    out->path[pw++] = '/';
  }
  out->path[pw] = '\0';

  if (q != NULL) {
    size_t qi = plen + 1;
    while (qi < len) {
      const char *pair = raw + qi;
      const char *amp = memchr(pair, '&', len - qi);
      size_t n = amp ? (size_t)(amp - pair) : len - qi;
      if (n > 0) {
        if (out->nquery == HTTP_QUERY_PARAMS_MAX)
          return bm_diag_set(diag, BM_ERR_LIMIT, "target", 1, (unsigned)(qi + 1),
                             "more than %u query parameters", HTTP_QUERY_PARAMS_MAX);
        const char *eq = memchr(pair, '=', n);
        size_t kn = eq ? (size_t)(eq - pair) : n;
        long d = decode_part(pair, kn, w, PART_QUERY, qi, diag);
        if (d < 0) return BM_ERR_INVALID;
        out->qkeys[out->nquery] = w;
        w += d + 1;
        if (eq != NULL) {
          d = decode_part(eq + 1, n - kn - 1, w, PART_QUERY, qi + kn + 1, diag);
          if (d < 0) return BM_ERR_INVALID;
        } else {
          d = 0;
          *w = '\0';
        }
        out->qvals[out->nquery] = w;
        w += d + 1;
        out->nquery++;
      }
      qi += n + 1;
    }
  }
  return BM_OK;
}

/* RFC 6265 cookie-octet, plus space and comma which browsers do send inside values. */
static int cookie_byte_ok(unsigned char c) {
  return c >= 0x20 && c < 0x7f && c != '"' && c != ';' && c != '\\';
}

bm_err http_cookie_get(const char *header, const char *name, char *out, size_t cap) {
  if (header == NULL || name == NULL || out == NULL || cap == 0) return BM_ERR_USAGE;
  size_t nlen = strlen(name);
  const char *p = header;
  while (*p) {
    while (*p == ' ' || *p == '\t' || *p == ';') p++;
    if (*p == '\0') break;
    const char *end = strchr(p, ';');
    if (end == NULL) end = p + strlen(p);
    const char *eq = memchr(p, '=', (size_t)(end - p));
    if (eq != NULL) {
      const char *k = p, *ke = eq;
      while (ke > k && (ke[-1] == ' ' || ke[-1] == '\t')) ke--;
      if ((size_t)(ke - k) == nlen && memcmp(k, name, nlen) == 0) {
        const char *v = eq + 1, *ve = end;
        while (v < ve && (*v == ' ' || *v == '\t')) v++;
        while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t')) ve--;
        if (ve - v >= 2 && *v == '"' && ve[-1] == '"') {
          v++;
          ve--;
        }
        size_t n = (size_t)(ve - v);
        for (size_t i = 0; i < n; i++)
          if (!cookie_byte_ok((unsigned char)v[i])) return BM_ERR_INVALID;
        if (n + 1 > cap) return BM_ERR_LIMIT;
        memcpy(out, v, n);
        out[n] = '\0';
        return BM_OK;
      }
    }
    p = end;
  }
  return BM_ERR_NOTFOUND;
}

static int token68_byte(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         (c != 0 && strchr("-._~+/", c) != NULL);
}

bm_err http_bearer_get(const char *header, char *out, size_t cap) {
  if (header == NULL || out == NULL || cap == 0) return BM_ERR_USAGE;
  static const char scheme[] = "bearer";
  for (size_t i = 0; i < sizeof scheme - 1; i++) {
    char c = header[i];
    if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
    if (c != scheme[i]) return BM_ERR_INVALID;
  }
  const char *p = header + sizeof scheme - 1;
  if (*p != ' ') return BM_ERR_INVALID;
  while (*p == ' ') p++;
  const char *t = p;
  while (token68_byte((unsigned char)*p)) p++;
  if (p == t) return BM_ERR_INVALID;
  while (*p == '=') p++;
  const char *te = p;
  while (*p == ' ' || *p == '\t') p++;
  if (*p != '\0') return BM_ERR_INVALID;
  size_t n = (size_t)(te - t);
  if (n + 1 > cap) return BM_ERR_LIMIT;
  memcpy(out, t, n);
  out[n] = '\0';
  return BM_OK;
}

bm_err http_listen_parse(const char *listen, char *host, size_t cap, unsigned *port) {
  if (listen == NULL || host == NULL || port == NULL || cap == 0) return BM_ERR_USAGE;
  const char *h = listen, *he, *colon;
  if (*listen == '[') {
    h = listen + 1;
    he = strchr(h, ']');
    if (he == NULL || he[1] != ':') return BM_ERR_INVALID;
    colon = he + 1;
  } else {
    colon = strrchr(listen, ':');
    if (colon == NULL) return BM_ERR_INVALID;
    he = colon;
    if (memchr(listen, ':', (size_t)(colon - listen)) != NULL) return BM_ERR_INVALID; /* bare v6 */
  }
  if (he == h) return BM_ERR_INVALID;
  for (const char *c = h; c < he; c++) {
    unsigned char b = (unsigned char)*c;
    if (b <= 0x20 || b >= 0x7f || b == '/' || b == '[' || b == ']') return BM_ERR_INVALID;
  }
  const char *ps = colon + 1;
  if (*ps == '\0' || strlen(ps) > 5) return BM_ERR_INVALID;
  unsigned long v = 0;
  for (const char *c = ps; *c; c++) {
    if (*c < '0' || *c > '9') return BM_ERR_INVALID;
    v = v * 10 + (unsigned long)(*c - '0');
  }
  if (v > 65535) return BM_ERR_INVALID;
  size_t n = (size_t)(he - h);
  if (n + 1 > cap) return BM_ERR_LIMIT;
  memcpy(host, h, n);
  host[n] = '\0';
  *port = (unsigned)v;
  return BM_OK;
}

int http_secret_equal(const char *a, const char *b) {
  if (a == NULL || b == NULL) return 0;
  size_t na = strlen(a), nb = strlen(b);
  /* Compare over the longer length so the time does not tell where they first differ; the
   * lengths themselves are not secret (tokens have a fixed length). */
  size_t n = na > nb ? na : nb;
  volatile unsigned char diff = (unsigned char)(na != nb);
  for (size_t i = 0; i < n; i++) {
    unsigned char x = i < na ? (unsigned char)a[i] : 0;
    unsigned char y = i < nb ? (unsigned char)b[i] : 0;
    diff |= (unsigned char)(x ^ y);
  }
  return diff == 0;
}
