/* http_builtin.c - the handlers every server has: health, metrics, who-am-I. */
#include <stdlib.h>

#include "http/http_internal.h"

void http_handle_healthz(http_req *req, http_resp *resp) {
  http_server *srv = req->internal_->srv;
  if (atomic_load(&srv->stopping)) {
    http_resp_json(resp, 503, json_pack("{s:s}", "status", "stopping"));
    return;
  }
  if (srv->cfg.ready != NULL) {
    char detail[256] = "";
    if (!srv->cfg.ready(srv->cfg.ready_ctx, detail, sizeof detail)) {
      detail[sizeof detail - 1] = '\0';
      json_t *o = json_pack("{s:s}", "status", "unavailable");
      json_t *d = json_string(detail);
      if (o != NULL && d != NULL) json_object_set_new(o, "detail", d);
      http_resp_json(resp, 503, o);
      return;
    }
  }
  http_resp_json(resp, 200, json_pack("{s:s}", "status", "ok"));
}

void http_handle_metrics(http_req *req, http_resp *resp) {
  size_t len = 0;
  char *text = http__metrics_render(req->internal_->srv, &len);
  if (text == NULL) {
    http_resp_problem(resp, 500, "internal", NULL, "out of memory");
    return;
  }
  http_resp_text(resp, 200, "text/plain; version=0.0.4; charset=utf-8", text, len);
  free(text);
}

void http_handle_me(http_req *req, http_resp *resp) {
  const http_principal *p = req->principal;
  if (p == NULL) {
    http_resp_problem(resp, 401, "unauthenticated", NULL, "no session");
    return;
  }
  json_t *perms = json_array();
  size_t n;
  const http_perm *all = http_perm_list(&n);
  for (size_t i = 0; perms != NULL && i < n; i++)
    if (all[i].roles & HTTP_ROLE_BIT(p->role))
      json_array_append_new(perms, json_string(all[i].name));
  const char *role = http_role_name(p->role);
  json_t *o = json_pack("{s:I,s:s?,s:s?,s:s,s:o}", "user_id", (json_int_t)p->user_id, "username",
                        p->username, "role", role, "session",
                        p->kind == HTTP_SESSION_COOKIE ? "cookie" : "bearer", "permissions",
                        perms ? perms : json_array());
  /* A reloaded page has lost the token it got at sign-in; only same-origin script can read this
   * answer, so handing the token back is safe. */
  if (o != NULL && p->kind == HTTP_SESSION_COOKIE && p->csrf_token[0])
    json_object_set_new(o, "csrf_token", json_string(p->csrf_token));
  http_resp_json(resp, 200, o);
}
