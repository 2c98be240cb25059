/* http_static.c - the officers' UI (web/) as static files under "/".
 *
 * Safety rests on the parsed target (http_target_parse already refused "..", ".", encoded "/",
 * "\" and NUL in segments) plus two rules here: no segment may start with '.' (no .git, no
 * editor droppings) and only regular files up to HTTP_STATIC_FILE_BYTES_MAX are served. Symbolic
 * links are followed on purpose: Debian packages link shared JavaScript libraries into web roots.
 * A directory is answered with its index.html. Files are sent from their descriptor (sendfile).
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/http_internal.h"

static const struct {
  const char *ext;
  const char *type;
} types[] = {
    {".html", "text/html; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".json", "application/json"},
    {".map", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".jpg", "image/jpeg"},
    {".jpeg", "image/jpeg"},
    {".gif", "image/gif"},
    {".ico", "image/vnd.microsoft.icon"},
    {".webp", "image/webp"},
    {".woff", "font/woff"},
    {".woff2", "font/woff2"},
    {".txt", "text/plain; charset=utf-8"},
    {".wasm", "application/wasm"},
};

static const char *content_type(const char *path) {
  const char *dot = strrchr(path, '.');
  const char *slash = strrchr(path, '/');
  if (dot != NULL && (slash == NULL || dot > slash)) {
    for (size_t i = 0; i < BM_COUNTOF(types); i++)
      if (strcasecmp(dot, types[i].ext) == 0) return types[i].type;
  }
  return "application/octet-stream";
}

static void not_found(http_resp *resp) {
  http_resp_problem(resp, 404, "not-found", NULL, "no such resource");
}

void http__static_serve(const http_server *srv, const http_target *t, http_resp *resp) {
  char path[HTTP_TARGET_BYTES_MAX + 512];
  int n = snprintf(path, sizeof path, "%s", srv->cfg.web_dir);
  for (size_t i = 0; i < t->nsegs; i++) {
    const char *s = t->segs[i];
    if (s[0] == '.') return not_found(resp);
    if (s[0] == '\0' && i + 1 < t->nsegs) return not_found(resp); /* "a//b" */
    if (s[0] == '\0') break;                                      /* trailing "/" */
    n += snprintf(path + n, sizeof path - (size_t)n, "/%s", s);
    if ((size_t)n >= sizeof path) return not_found(resp);
  }
  for (int attempt = 0; attempt < 2; attempt++) {
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) return not_found(resp);
    struct stat st;
    if (fstat(fd, &st) != 0) {
      close(fd);
      return not_found(resp);
    }
    if (S_ISDIR(st.st_mode) && attempt == 0) {
      close(fd);
      size_t len = strlen(path);
      if (len + sizeof "/index.html" > sizeof path) return not_found(resp);
      memcpy(path + len, "/index.html", sizeof "/index.html");
      continue;
    }
    if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > HTTP_STATIC_FILE_BYTES_MAX) {
      close(fd);
      return not_found(resp);
    }
    resp->status = 200;
    resp->fd = fd;
    resp->fd_size = (uint64_t)st.st_size;
    /* The UI changes with each release: revalidate, but let the browser keep a copy. */
    resp->cache_control = "no-cache";
    snprintf(resp->content_type, sizeof resp->content_type, "%s", content_type(path));
    return;
  }
  not_found(resp);
}
