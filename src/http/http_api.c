/* http_api.c - the REST API of a border crossing point over the use cases of app/ (routes in
 * http_routes.c, shapes in docs/openapi.yaml).
 *
 * Each handler reads its JSON body or parameters, calls one app function with the caller as the
 * actor, and answers JSON, or an RFC 9457 problem built from the bm_diag (field, line, column)
 * the app returned. Statuses: 400 for malformed requests, 401 for a refused sign-in, 404 for
 * unknown ids, 409 for a state conflict, 413 for limits, 422 for well-formed requests the domain
 * refuses (an unknown refusal code, a refusal without one), 503 when the store fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "bmis/json_app.h"
#include "bmis/json_stay.h"
#include "http/http_api.h"

#define API_SEARCH_MAX    50   /* travellers returned by a search */
#define API_REFERRALS_MAX 200  /* open referrals listed */
#define API_AUDIT_MAX     500  /* audit events per page */
#define API_USERS_MAX     1000 /* users listed */
#define API_BCPS_MAX      256
#define API_CODES_MAX     64
#define API_DOCS_MAX      8
#define API_CROSSINGS_MAX 100
#define API_HITS_DEFAULT  100 /* hits listed when no limit is given */
#define API_STATS_DAYS    30  /* default statistics range: the last 30 days, today included */

static app *app_of(const http_req *req) {
  return (app *)req->app;
}

static void actor_of(const http_req *req, app_actor *a) {
  memset(a, 0, sizeof *a);
  if (req->principal != NULL) {
    a->user_id = req->principal->user_id;
    snprintf(a->name, sizeof a->name, "%.*s", (int)sizeof a->name - 1, req->principal->username);
    const char *role = http_role_name(req->principal->role);
    snprintf(a->role, sizeof a->role, "%s", role ? role : "");
  }
  snprintf(a->source_addr, sizeof a->source_addr, "%s", req->client_addr ? req->client_addr : "");
}

/* The problem for a failed app call. */
static void fail(http_resp *resp, bm_err err, const bm_diag *d) {
  int status;
  switch (err) {
  case BM_ERR_INVALID: status = 422; break;
  case BM_ERR_LIMIT: status = 413; break;
  case BM_ERR_NOTFOUND: status = 404; break;
  case BM_ERR_USAGE: status = 400; break;
  case BM_ERR_UNSUPPORTED: status = 409; break;
  case BM_ERR_IO: status = 503; break;
  default: status = 500; break;
  }
  http_resp_problem_diags(resp, status, d->message[0] ? d->message : bm_err_str(err), d, 1);
}

/* A problem naming one field of the request. */
static void bad_field(http_resp *resp, int status, const char *field, const char *msg) {
  bm_diag d;
  memset(&d, 0, sizeof d);
  snprintf(d.field, sizeof d.field, "%s", field);
  snprintf(d.message, sizeof d.message, "%s", msg);
  http_resp_problem_diags(resp, status, msg, &d, 1);
}

static void reply(http_resp *resp, int status, json_t *body) {
  if (body == NULL) {
    http_resp_problem(resp, 500, NULL, NULL, "out of memory");
    return;
  }
  http_resp_json(resp, status, body);
}

/* Answer {"KEY": [ENCODE(&ITEMS[0]), ... ENCODE(&ITEMS[N-1])]} (500 when memory ran out). The
 * list handlers end with it; ITEMS is not freed here. */
#define REPLY_LIST(resp, key, items, n, encode)                                                    \
  do {                                                                                             \
    json_t *arr_ = json_array();                                                                   \
    for (size_t i_ = 0; arr_ != NULL && i_ < (n); i_++)                                            \
      json_array_append_new(arr_, encode(&(items)[i_]));                                           \
    reply(resp, 200, arr_ ? json_pack("{s:o}", key, arr_) : NULL);                                 \
  } while (0)

/* End a list handler: the problem for err, else REPLY_LIST; ITEMS (heap) is freed either way. */
#define FINISH_LIST(resp, err, d, key, items, n, encode)                                           \
  do {                                                                                             \
    if ((err) != BM_OK)                                                                            \
      fail(resp, err, &(d));                                                                       \
    else                                                                                           \
      REPLY_LIST(resp, key, items, n, encode);                                                     \
    free(items);                                                                                   \
  } while (0)

/* The body as an object (400 when it is not one). */
static const json_t *body_object(const http_req *req, http_resp *resp) {
  if (req->json == NULL || !json_is_object(req->json)) {
    bad_field(resp, 400, "body", "the request body must be a JSON object");
    return NULL;
  }
  return req->json;
}

/* Member key of o as a string: *out NULL when absent or null. False (and a problem) when it is
 * there but not a string, or required and missing. */
static bool get_str(const json_t *o, const char *key, bool required, const char **out,
                    http_resp *resp) {
  const json_t *v = json_object_get(o, key);
  *out = NULL;
  if (v == NULL || json_is_null(v)) {
    if (!required) return true;
    char msg[96];
    snprintf(msg, sizeof msg, "%s is required", key);
    bad_field(resp, 422, key, msg);
    return false;
  }
  if (!json_is_string(v)) {
    char msg[96];
    snprintf(msg, sizeof msg, "%s must be a string", key);
    bad_field(resp, 400, key, msg);
    return false;
  }
  *out = json_string_value(v);
  return true;
}

static bool get_id(const json_t *o, const char *key, bool required, int64_t *out, http_resp *resp) {
  const json_t *v = json_object_get(o, key);
  *out = 0;
  if (v == NULL || json_is_null(v)) {
    if (!required) return true;
    char msg[96];
    snprintf(msg, sizeof msg, "%s is required", key);
    bad_field(resp, 422, key, msg);
    return false;
  }
  if (!json_is_integer(v) || json_integer_value(v) <= 0) {
    char msg[96];
    snprintf(msg, sizeof msg, "%s must be a positive integer", key);
    bad_field(resp, 400, key, msg);
    return false;
  }
  *out = (int64_t)json_integer_value(v);
  return true;
}

static bool get_time(const json_t *o, const char *key, int64_t *out, http_resp *resp) {
  const char *s;
  *out = 0;
  if (!get_str(o, key, false, &s, resp)) return false;
  if (s != NULL && js_time_parse(s, out) != 0) {
    bad_field(resp, 400, key, "a time is YYYY-MM-DDThh:mm:ss[.mmm]Z or YYYY-MM-DD (UTC)");
    return false;
  }
  return true;
}

/* A path or query id. */
static bool parse_id(const char *s, int64_t *out) {
  if (s == NULL || s[0] == '\0' || strlen(s) > 18) return false;
  int64_t v = 0;
  for (const char *p = s; *p; p++) {
    if (*p < '0' || *p > '9') return false;
    v = v * 10 + (*p - '0');
  }
  *out = v;
  return v > 0;
}

/* The session token the request presented (bearer first, as the router judges). */
static bool token_of(const http_req *req, char *out, size_t cap) {
  const char *auth = http_req_header(req, "Authorization");
  if (auth != NULL) return http_bearer_get(auth, out, cap) == BM_OK;
  const char *cookie = http_req_header(req, "Cookie");
  return cookie != NULL && http_cookie_get(cookie, HTTP_COOKIE_NAME_DEFAULT, out, cap) == BM_OK;
}

/* ---- Hooks ---- */

bm_err http_api_auth(void *ctx, const http_credentials *cred, http_principal *out) {
  app *a = ctx;
  const char *token = cred->bearer != NULL ? cred->bearer : cred->cookie;
  if (token == NULL) return BM_ERR_NOTFOUND;
  app_principal p;
  bm_diag d;
  bm_err err = app_auth_session_check(app_store(a), app_auth(a), token, 0, &p, &d);
  if (err == BM_ERR_INVALID || err == BM_ERR_NOTFOUND) return BM_ERR_NOTFOUND;
  if (err != BM_OK) return err;
  /* A browser session's token must arrive as the cookie, an API token as a bearer token. */
  bool browser = strcmp(p.session.kind, "browser") == 0;
  if (browser != (cred->bearer == NULL)) return BM_ERR_NOTFOUND;
  memset(out, 0, sizeof *out);
  out->user_id = p.user.id;
  snprintf(out->username, sizeof out->username, "%s", p.user.username);
  if (http_role_parse(p.user.role, &out->role) != BM_OK) out->role = HTTP_ROLE_NONE;
  snprintf(out->csrf_token, sizeof out->csrf_token, "%s", p.session.csrf_token);
  return BM_OK;
}

void http_api_audit(void *ctx, const http_audit_event *ev) {
  if (ev->status != 401 && ev->status != 403) return;
  app *a = ctx;
  app_actor by;
  memset(&by, 0, sizeof by);
  if (ev->principal != NULL) {
    by.user_id = ev->principal->user_id;
    snprintf(by.name, sizeof by.name, "%.*s", (int)sizeof by.name - 1, ev->principal->username);
    const char *role = http_role_name(ev->principal->role);
    snprintf(by.role, sizeof by.role, "%s", role ? role : "");
  }
  snprintf(by.source_addr, sizeof by.source_addr, "%s", ev->client_addr ? ev->client_addr : "");
  char object[STORE_OBJECT_ID_BYTES_MAX];
  snprintf(object, sizeof object, "%s %s", ev->method, ev->route ? ev->route : "?");
  char why[64];
  snprintf(why, sizeof why, "HTTP %d, needs %s", ev->status,
           ev->permission ? ev->permission : "a session");
  app_audit(a, &by, "access.denied", "route", object, why, "denied", NULL);
}

int http_api_ready(void *ctx, char *detail, size_t cap) {
  app *a = ctx;
  int64_t dbv = 0, binv = 0;
  if (store_schema_version(app_store(a), &dbv, &binv, NULL) != BM_OK) {
    snprintf(detail, cap, "the store does not answer");
    return 0;
  }
  snprintf(detail, cap, "schema %lld", (long long)dbv);
  return 1;
}

/* ---- Sessions ---- */

void http_api_session_create(http_req *req, http_resp *resp) {
  const json_t *o = body_object(req, resp);
  const char *user, *pw, *kind;
  if (o == NULL || !get_str(o, "username", true, &user, resp) ||
      !get_str(o, "password", true, &pw, resp) || !get_str(o, "kind", false, &kind, resp))
    return;
  if (kind == NULL) kind = "browser";
  if (strcmp(kind, "browser") != 0 && strcmp(kind, "api") != 0) {
    bad_field(resp, 422, "kind", "kind is browser or api");
    return;
  }
  app *a = app_of(req);
  app_signin in;
  bm_diag d;
  bm_err err = app_auth_signin(app_store(a), app_auth(a), user, pw, strlen(pw), kind,
                               req->client_addr ? req->client_addr : "", 0, &in, &d);
  if (err == BM_ERR_INVALID) {
    http_resp_problem(resp, 401, "signin", "Sign-in refused", "invalid user name or password");
    return;
  }
  if (err != BM_OK) {
    fail(resp, err, &d);
    return;
  }
  char exp[32];
  json_t *body =
      json_pack("{s:o, s:s, s:s, s:s}", "user", js_user_encode(&in.user), "role", in.user.role,
                "expires", js_time_format(in.session.expires_ms, exp), "kind", kind);
  if (body != NULL && strcmp(kind, "api") == 0) {
    json_object_set_new(body, "token", json_string(in.token));
  } else if (body != NULL) {
    json_object_set_new(body, "csrf_token", json_string(in.session.csrf_token));
    char cookie[256];
    long long max_age = (long long)((in.session.expires_ms - in.session.created_ms) / 1000);
    const char *proto = http_req_header(req, "X-Forwarded-Proto");
    snprintf(cookie, sizeof cookie, "%s=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%lld%s",
             HTTP_COOKIE_NAME_DEFAULT, in.token, max_age,
             proto != NULL && strcmp(proto, "https") == 0 ? "; Secure" : "");
    http_resp_header(resp, "Set-Cookie", cookie);
  }
  sodium_memzero(in.token, sizeof in.token);
  reply(resp, 201, body);
}

void http_api_session_delete(http_req *req, http_resp *resp) {
  char token[HTTP_CREDENTIAL_BYTES_MAX];
  if (!token_of(req, token, sizeof token)) {
    http_resp_problem(resp, 401, "session", NULL, "no session to end");
    return;
  }
  bm_diag d;
  bm_err err = app_auth_signout(app_store(app_of(req)), token,
                                req->client_addr ? req->client_addr : "", 0, &d);
  if (err != BM_OK && err != BM_ERR_INVALID) {
    fail(resp, err, &d);
    return;
  }
  char cookie[128];
  snprintf(cookie, sizeof cookie, "%s=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0",
           HTTP_COOKIE_NAME_DEFAULT);
  http_resp_header(resp, "Set-Cookie", cookie);
  reply(resp, 200, json_pack("{s:s}", "status", "signed out"));
}

/* ---- Reference data ---- */

void http_api_bcps(http_req *req, http_resp *resp) {
  store_bcp *b = malloc(API_BCPS_MAX * sizeof *b);
  size_t n = 0;
  bm_diag d;
  bm_err err = b ? store_bcp_list(app_store(app_of(req)), b, API_BCPS_MAX, &n, &d) : BM_ERR_NOMEM;
  if (err != BM_OK) {
    free(b);
    if (err == BM_ERR_NOMEM) memset(&d, 0, sizeof d);
    fail(resp, err, &d);
    return;
  }
  REPLY_LIST(resp, "bcps", b, n, js_bcp_encode);
  free(b);
}

void http_api_refusal_codes(http_req *req, http_resp *resp) {
  store_refusal_code c[API_CODES_MAX];
  size_t n = 0;
  bm_diag d;
  bm_err err = store_refusal_code_list(app_store(app_of(req)), c, API_CODES_MAX, &n, &d);
  if (err != BM_OK) {
    fail(resp, err, &d);
    return;
  }
  REPLY_LIST(resp, "refusal_codes", c, n, js_refusal_code_encode);
}

/* ---- Inspection and decisions ---- */

void http_api_inspection_create(http_req *req, http_resp *resp) {
  const json_t *o = body_object(req, resp);
  if (o == NULL) return;
  app_inspect_in in;
  memset(&in, 0, sizeof in);
  if (!get_str(o, "mrz", false, &in.mrz, resp) || !get_id(o, "bcp_id", true, &in.bcp_id, resp) ||
      !get_str(o, "direction", true, &in.direction, resp) ||
      !get_time(o, "time", &in.time_ms, resp))
    return;
  if (in.mrz == NULL) {
    const json_t *doc = json_object_get(o, "document");
    if (doc == NULL || !json_is_object(doc)) {
      bad_field(resp, 422, "mrz", "either mrz or document (typed data) is required");
      return;
    }
    if (!get_str(doc, "surname", true, &in.surname, resp) ||
        !get_str(doc, "given_names", false, &in.given_names, resp) ||
        !get_str(doc, "birth_date", false, &in.birth_date, resp) ||
        !get_str(doc, "sex", false, &in.sex, resp) ||
        !get_str(doc, "nationality", false, &in.nationality, resp) ||
        !get_str(doc, "document_number", true, &in.document_number, resp) ||
        !get_str(doc, "issuing_state", true, &in.issuing_state, resp) ||
        !get_str(doc, "document_type", false, &in.document_type, resp))
      return;
  }
  app *a = app_of(req);
  app_actor by;
  actor_of(req, &by);
  app_inspection *ins = malloc(sizeof *ins);
  if (ins == NULL) {
    http_resp_problem(resp, 500, NULL, NULL, "out of memory");
    return;
  }
  bm_diag d;
  bm_err err = app_inspect(a, &by, &in, ins, &d);
  if (err != BM_OK) {
    fail(resp, err, &d);
    free(ins);
    return;
  }
  json_t *body = js_inspection_encode(ins);
  app_inspection_release(a, ins);
  free(ins);
  reply(resp, 200, body);
}

void http_api_crossing_create(http_req *req, http_resp *resp) {
  const json_t *o = body_object(req, resp);
  if (o == NULL) return;
  app_crossing_in in;
  memset(&in, 0, sizeof in);
  if (!get_id(o, "traveller_id", true, &in.traveller_id, resp) ||
      !get_id(o, "document_id", false, &in.document_id, resp) ||
      !get_id(o, "bcp_id", true, &in.bcp_id, resp) ||
      !get_str(o, "direction", true, &in.direction, resp) ||
      !get_str(o, "decision", true, &in.decision, resp) ||
      !get_str(o, "remarks", false, &in.remarks, resp) ||
      !get_str(o, "referral_reason", false, &in.referral_reason, resp) ||
      !get_time(o, "time", &in.time_ms, resp))
    return;
  const char *codes[STORE_REFUSALS_MAX];
  const json_t *arr = json_object_get(o, "refusal_codes");
  if (arr != NULL && !json_is_null(arr)) {
    if (!json_is_array(arr) || json_array_size(arr) > STORE_REFUSALS_MAX) {
      bad_field(resp, 400, "refusal_codes", "refusal_codes is an array of at most 10 codes");
      return;
    }
    for (size_t i = 0; i < json_array_size(arr); i++) {
      const json_t *c = json_array_get(arr, i);
      if (!json_is_string(c)) {
        bad_field(resp, 400, "refusal_codes", "a refusal code is a string");
        return;
      }
      codes[in.nrefusal_codes++] = json_string_value(c);
    }
  }
  in.refusal_codes = codes;
  app_actor by;
  actor_of(req, &by);
  store_crossing c;
  int64_t referral = 0;
  bm_diag d;
  bm_err err = app_crossing_record(app_of(req), &by, &in, &c, &referral, &d);
  if (err != BM_OK) {
    fail(resp, err, &d);
    return;
  }
  json_t *body = json_pack("{s:o}", "crossing", js_crossing_encode(&c));
  if (body != NULL && referral != 0)
    json_object_set_new(body, "referral_id", json_integer(referral));
  reply(resp, 201, body);
}

/* ---- Crossings and travellers ---- */

void http_api_crossing_get(http_req *req, http_resp *resp) {
  int64_t id;
  if (!parse_id(http_req_param(req, "id"), &id)) {
    bad_field(resp, 404, "id", "no such crossing");
    return;
  }
  app *a = app_of(req);
  store_crossing c;
  bm_diag d;
  memset(&d, 0, sizeof d);
  bm_err err = store_crossing_get(app_store(a), id, &c, &d);
  app_actor by;
  actor_of(req, &by);
  char object[32];
  snprintf(object, sizeof object, "%lld", (long long)id);
  bm_err aerr = app_audit(a, &by, "crossing.read", "crossing", object, NULL,
                          err == BM_OK ? "ok" : (err == BM_ERR_NOTFOUND ? "not_found" : "failed"),
                          err == BM_OK ? &d : NULL);
  if (err == BM_OK) err = aerr;
  if (err != BM_OK) {
    fail(resp, err, &d);
    return;
  }
  reply(resp, 200, json_pack("{s:o}", "crossing", js_crossing_encode(&c)));
}

void http_api_traveller_get(http_req *req, http_resp *resp) {
  int64_t id;
  if (!parse_id(http_req_param(req, "id"), &id)) {
    bad_field(resp, 404, "id", "no such traveller");
    return;
  }
  app_actor by;
  actor_of(req, &by);
  store_traveller t;
  store_document docs[API_DOCS_MAX];
  store_crossing *cs = malloc(API_CROSSINGS_MAX * sizeof *cs);
  size_t nd = 0, nc = 0;
  bm_diag d;
  bm_err err = cs ? app_traveller_read(app_of(req), &by, id, &t, docs, API_DOCS_MAX, &nd, cs,
                                       API_CROSSINGS_MAX, &nc, &d)
                  : BM_ERR_NOMEM;
  if (err != BM_OK) {
    free(cs);
    if (err == BM_ERR_NOMEM) memset(&d, 0, sizeof d);
    fail(resp, err, &d);
    return;
  }
  json_t *jd = json_array(), *jc = json_array();
  for (size_t i = 0; jd != NULL && i < nd; i++)
    json_array_append_new(jd, js_document_encode(&docs[i]));
  for (size_t i = 0; jc != NULL && i < nc; i++)
    json_array_append_new(jc, js_crossing_encode(&cs[i]));
  free(cs);
  reply(resp, 200,
        json_pack("{s:o, s:o, s:o}", "traveller", js_traveller_encode(&t), "documents",
                  jd ? jd : json_array(), "crossings", jc ? jc : json_array()));
}

void http_api_traveller_search(http_req *req, http_resp *resp) {
  store_traveller_query q;
  memset(&q, 0, sizeof q);
  q.surname = http_req_query(req, "surname");
  q.given_names = http_req_query(req, "given_names");
  q.birth_date = http_req_query(req, "birth_date");
  q.document_number = http_req_query(req, "document_number");
  if (!q.surname && !q.given_names && !q.birth_date && !q.document_number) {
    bad_field(resp, 422, "surname",
              "give at least one of surname, given_names, birth_date, document_number");
    return;
  }
  store_traveller *t = malloc(API_SEARCH_MAX * sizeof *t);
  size_t n = 0;
  bm_diag d;
  memset(&d, 0, sizeof d);
  app *a = app_of(req);
  bm_err err =
      t ? store_traveller_search(app_store(a), &q, t, API_SEARCH_MAX, &n, &d) : BM_ERR_NOMEM;
  app_actor by;
  actor_of(req, &by);
  char what[STORE_OBJECT_ID_BYTES_MAX];
  snprintf(what, sizeof what, "surname=%.30s given=%.30s born=%.10s doc=%.20s",
           q.surname ? q.surname : "", q.given_names ? q.given_names : "",
           q.birth_date ? q.birth_date : "", q.document_number ? q.document_number : "");
  char found[48];
  snprintf(found, sizeof found, "%zu found", n);
  bm_err aerr = app_audit(a, &by, "traveller.search", "query", what, found,
                          err == BM_OK ? "ok" : "failed", err == BM_OK ? &d : NULL);
  if (err == BM_OK) err = aerr;
  FINISH_LIST(resp, err, d, "travellers", t, n, js_traveller_encode);
}

/* ---- Overstayers ---- */

#define API_OVERSTAYERS_MAX 500

void http_api_overstayers(http_req *req, http_resp *resp) {
  const char *since = http_req_query(req, "since");
  int64_t since_ms = store_now_ms() - 730LL * 86400000LL; /* two years back by default */
  if (since != NULL && js_time_parse(since, &since_ms) != 0) {
    bad_field(resp, 400, "since", "since is a date, YYYY-MM-DD");
    return;
  }
  app_overstayer *o = malloc(API_OVERSTAYERS_MAX * sizeof *o);
  size_t n = 0, examined = 0;
  bm_diag d;
  memset(&d, 0, sizeof d);
  app_actor by;
  actor_of(req, &by);
  bm_err err =
      o ? app_overstayers(app_of(req), &by, since_ms, 0, o, API_OVERSTAYERS_MAX, &n, &examined, &d)
        : BM_ERR_NOMEM;
  if (err != BM_OK) {
    free(o);
    fail(resp, err, &d);
    return;
  }
  json_t *arr = json_array();
  char buf[32];
  for (size_t i = 0; arr != NULL && i < n; i++) {
    long today = (long)(store_now_ms() / 86400000LL);
    json_array_append_new(
        arr, json_pack("{s:o, s:s, s:o}", "traveller", js_traveller_encode(&o[i].traveller),
                       "entry", js_time_format(o[i].entry_ms, buf), "stay",
                       js_stay_result_encode(&o[i].stay, NULL, o[i].traveller.nationality,
                                             o[i].listed_rule, today)));
  }
  free(o);
  reply(resp, 200,
        arr ? json_pack("{s:o, s:I}", "overstayers", arr, "stays_examined", (json_int_t)examined)
            : NULL);
}

/* ---- Second line ---- */

void http_api_referrals_open(http_req *req, http_resp *resp) {
  int64_t bcp = 0;
  const char *b = http_req_query(req, "bcp_id");
  if (b != NULL && !parse_id(b, &bcp)) {
    bad_field(resp, 400, "bcp_id", "bcp_id is a positive integer");
    return;
  }
  store_referral *r = malloc(API_REFERRALS_MAX * sizeof *r);
  size_t n = 0;
  bm_diag d;
  memset(&d, 0, sizeof d);
  app *a = app_of(req);
  bm_err err =
      r ? store_referral_list_open(app_store(a), bcp, r, API_REFERRALS_MAX, &n, &d) : BM_ERR_NOMEM;
  app_actor by;
  actor_of(req, &by);
  if (err == BM_OK) err = app_audit(a, &by, "referral.list", "bcp", b ? b : "all", NULL, "ok", &d);
  FINISH_LIST(resp, err, d, "referrals", r, n, js_referral_encode);
}

void http_api_referral_resolve(http_req *req, http_resp *resp) {
  int64_t id;
  if (!parse_id(http_req_param(req, "id"), &id)) {
    bad_field(resp, 404, "id", "no such referral");
    return;
  }
  const json_t *o = body_object(req, resp);
  const char *outcome, *notes;
  if (o == NULL || !get_str(o, "outcome", true, &outcome, resp) ||
      !get_str(o, "notes", false, &notes, resp))
    return;
  const char *codes[STORE_REFUSALS_MAX];
  size_t ncodes = 0;
  const json_t *arr = json_object_get(o, "refusal_codes");
  if (arr != NULL && json_is_array(arr))
    for (size_t i = 0; i < json_array_size(arr) && ncodes < STORE_REFUSALS_MAX; i++)
      if (json_is_string(json_array_get(arr, i)))
        codes[ncodes++] = json_string_value(json_array_get(arr, i));
  app_actor by;
  actor_of(req, &by);
  store_referral r;
  bm_diag d;
  bm_err err = app_referral_resolve(app_of(req), &by, id, outcome, codes, ncodes, notes, &r, &d);
  if (err != BM_OK) {
    if (err == BM_ERR_INVALID && strcmp(d.field, "status") == 0) {
      http_resp_problem_diags(resp, 409, d.message, &d, 1);
      return;
    }
    fail(resp, err, &d);
    return;
  }
  reply(resp, 200, json_pack("{s:o}", "referral", js_referral_encode(&r)));
}

void http_api_disposition_create(http_req *req, http_resp *resp) {
  const json_t *o = body_object(req, resp);
  const char *key, *entry, *decision, *reason;
  int64_t list;
  if (o == NULL || !get_str(o, "traveller_key", true, &key, resp) ||
      !get_id(o, "watchlist_id", true, &list, resp) ||
      !get_str(o, "entry_id", true, &entry, resp) ||
      !get_str(o, "decision", true, &decision, resp) || !get_str(o, "reason", true, &reason, resp))
    return;
  app_actor by;
  actor_of(req, &by);
  store_disposition disp;
  bm_diag d;
  bm_err err = app_disposition_add(app_of(req), &by, key, list, entry, decision, reason, &disp, &d);
  if (err != BM_OK) {
    fail(resp, err, &d);
    return;
  }
  reply(resp, 201, json_pack("{s:o}", "disposition", js_disposition_encode(&disp)));
}

/* ---- Watchlists ---- */

void http_api_watchlists(http_req *req, http_resp *resp) {
  app_list_info l[APP_LISTS_MAX];
  size_t n = 0;
  bm_diag d;
  bm_err err = app_watchlists(app_of(req), l, APP_LISTS_MAX, &n, &d);
  if (err != BM_OK) {
    fail(resp, err, &d);
    return;
  }
  REPLY_LIST(resp, "watchlists", l, n, js_list_info_encode);
}

void http_api_watchlist_put(http_req *req, http_resp *resp) {
  const char *name = http_req_param(req, "name");
  const char *kind = http_req_query(req, "kind");
  if (kind == NULL) kind = name;
  app_actor by;
  actor_of(req, &by);
  app_list_info info;
  bm_diag d;
  bm_err err =
      app_watchlist_replace(app_of(req), &by, name, kind, http_req_query(req, "version"),
                            http_req_query(req, "filename"), req->body, req->body_len, &info, &d);
  if (err != BM_OK) {
    fail(resp, err, &d);
    return;
  }
  reply(resp, 200, json_pack("{s:o}", "watchlist", js_list_info_encode(&info)));
}

/* ---- Audit ---- */

void http_api_audit_list(http_req *req, http_resp *resp) {
  store_audit_filter f;
  memset(&f, 0, sizeof f);
  const char *after = http_req_query(req, "after_id"), *limit = http_req_query(req, "limit");
  int64_t lim = 100;
  if ((after != NULL && !parse_id(after, &f.after_id)) ||
      (limit != NULL && (!parse_id(limit, &lim) || lim > API_AUDIT_MAX))) {
    bad_field(resp, 400, after ? "after_id" : "limit", "after_id and limit (1-500) are integers");
    return;
  }
  f.action = http_req_query(req, "action");
  f.object_type = http_req_query(req, "object_type");
  f.object_id = http_req_query(req, "object_id");
  store_audit_event *ev = malloc((size_t)lim * sizeof *ev);
  size_t n = 0;
  bm_diag d;
  memset(&d, 0, sizeof d);
  app *a = app_of(req);
  bm_err err = ev ? store_audit_list(app_store(a), &f, ev, (size_t)lim, &n, &d) : BM_ERR_NOMEM;
  app_actor by;
  actor_of(req, &by);
  /* Reading the audit trail is itself audited: who watches the watchers. */
  if (err == BM_OK)
    err = app_audit(a, &by, "audit.read", "audit", after ? after : "0", NULL, "ok", &d);
  FINISH_LIST(resp, err, d, "events", ev, n, js_audit_event_encode);
}

void http_api_audit_verify(http_req *req, http_resp *resp) {
  store_audit_verify_result r;
  bm_diag d;
  bm_err err = store_audit_verify(app_store(app_of(req)), &r, &d);
  if (err != BM_OK) {
    fail(resp, err, &d);
    return;
  }
  reply(resp, 200,
        json_pack("{s:b, s:s, s:I, s:o, s:s}", "intact", r.status == STORE_AUDIT_INTACT, "status",
                  store_audit_break_name(r.status), "records", (json_int_t)r.records,
                  "first_bad_id", r.first_bad_id ? json_integer(r.first_bad_id) : json_null(),
                  "head_hash", r.head_hash));
}

/* ---- Users ---- */

void http_api_users(http_req *req, http_resp *resp) {
  store_user *u = malloc(API_USERS_MAX * sizeof *u);
  size_t n = 0;
  bm_diag d;
  memset(&d, 0, sizeof d);
  app *a = app_of(req);
  bm_err err = u ? store_user_list(app_store(a), u, API_USERS_MAX, &n, &d) : BM_ERR_NOMEM;
  /* Staff accounts are personal data too: who looked at them is recorded. */
  app_actor by;
  actor_of(req, &by);
  char found[32];
  snprintf(found, sizeof found, "%zu users", n);
  if (err == BM_OK) err = app_audit(a, &by, "user.list", "user", "all", found, "ok", &d);
  FINISH_LIST(resp, err, d, "users", u, n, js_user_encode);
}

void http_api_user_create(http_req *req, http_resp *resp) {
  const json_t *o = body_object(req, resp);
  const char *user, *role, *pw;
  if (o == NULL || !get_str(o, "username", true, &user, resp) ||
      !get_str(o, "role", true, &role, resp) || !get_str(o, "password", true, &pw, resp))
    return;
  app_role r;
  if (app_role_parse(role, &r) != BM_OK) {
    bad_field(resp, 422, "role",
              "role is officer, supervisor, analyst, administrator, dpo or api_client");
    return;
  }
  app *a = app_of(req);
  app_actor by;
  actor_of(req, &by);
  store_user u;
  bm_diag d;
  bm_err err = app_user_add(app_store(a), app_auth(a), &by, user, r, pw, strlen(pw), &u, &d);
  if (err != BM_OK) {
    if (err == BM_ERR_INVALID && strcmp(d.field, "username") == 0) {
      http_resp_problem_diags(resp, 409, d.message, &d, 1);
      return;
    }
    fail(resp, err, &d);
    return;
  }
  reply(resp, 201, json_pack("{s:o}", "user", js_user_encode(&u)));
}

/* ---- Administration: BCPs and accounts ---- */

void http_api_bcp_create(http_req *req, http_resp *resp) {
  const json_t *o = body_object(req, resp);
  const char *code, *name, *country, *kind;
  if (o == NULL || !get_str(o, "code", true, &code, resp) ||
      !get_str(o, "name", true, &name, resp) || !get_str(o, "country", true, &country, resp) ||
      !get_str(o, "kind", true, &kind, resp))
    return;
  app_actor by;
  actor_of(req, &by);
  store_bcp b;
  bm_diag d;
  memset(&d, 0, sizeof d);
  bm_err err = app_bcp_add(app_of(req), &by, code, name, country, kind, &b, &d);
  if (err != BM_OK) {
    if (err == BM_ERR_INVALID && strcmp(d.field, "code") == 0 &&
        strstr(d.message, "already exists") != NULL) {
      http_resp_problem_diags(resp, 409, d.message, &d, 1);
      return;
    }
    fail(resp, err, &d);
    return;
  }
  reply(resp, 201, json_pack("{s:o}", "bcp", js_bcp_encode(&b)));
}

void http_api_user_update(http_req *req, http_resp *resp) {
  int64_t id;
  if (!parse_id(http_req_param(req, "id"), &id)) {
    bad_field(resp, 404, "id", "no such user");
    return;
  }
  const json_t *o = body_object(req, resp);
  if (o == NULL) return;
  app_user_change ch = {-1, NULL};
  const json_t *dis = json_object_get(o, "disabled");
  if (dis != NULL && !json_is_null(dis)) {
    if (!json_is_boolean(dis)) {
      bad_field(resp, 400, "disabled", "disabled must be true or false");
      return;
    }
    ch.disabled = json_is_true(dis) ? 1 : 0;
  }
  if (!get_str(o, "role", false, &ch.role, resp)) return;
  if (ch.disabled == -1 && ch.role == NULL) {
    bad_field(resp, 422, "disabled", "give disabled, role or both");
    return;
  }
  app_actor by;
  actor_of(req, &by);
  store_user u;
  bm_diag d;
  memset(&d, 0, sizeof d);
  bm_err err = app_user_update(app_of(req), &by, id, &ch, &u, &d);
  if (err != BM_OK) {
    fail(resp, err, &d);
    return;
  }
  reply(resp, 200, json_pack("{s:o}", "user", js_user_encode(&u)));
}

/* ---- The hit queue and watchlist entries ---- */

void http_api_hits(http_req *req, http_resp *resp) {
  const char *status = http_req_query(req, "status"), *limit = http_req_query(req, "limit");
  bool pending = true;
  if (status != NULL && strcmp(status, "all") == 0)
    pending = false;
  else if (status != NULL && strcmp(status, "pending") != 0) {
    bad_field(resp, 400, "status", "status is pending or all");
    return;
  }
  int64_t lim = API_HITS_DEFAULT;
  if (limit != NULL && (!parse_id(limit, &lim) || lim > APP_HIT_QUEUE_MAX)) {
    bad_field(resp, 400, "limit", "limit is an integer from 1 to 1000");
    return;
  }
  store_hit_view *h = malloc((size_t)lim * sizeof *h);
  size_t n = 0;
  bm_diag d;
  memset(&d, 0, sizeof d);
  app_actor by;
  actor_of(req, &by);
  bm_err err = h ? app_hits_list(app_of(req), &by, pending, h, (size_t)lim, &n, &d) : BM_ERR_NOMEM;
  FINISH_LIST(resp, err, d, "hits", h, n, js_hit_view_encode);
}

void http_api_watchlist_entry(http_req *req, http_resp *resp) {
  const char *list = http_req_param(req, "name"), *entry = http_req_param(req, "entry_id");
  app_actor by;
  actor_of(req, &by);
  app_entry_ref ref;
  bm_diag d;
  memset(&d, 0, sizeof d);
  app *a = app_of(req);
  bm_err err = app_watchlist_entry(a, &by, list ? list : "", entry ? entry : "", &ref, &d);
  if (err != BM_OK) {
    fail(resp, err, &d);
    return;
  }
  json_t *body = json_pack("{s:s, s:o}", "list", ref.list, "entry", js_wl_entry_encode(ref.entry));
  app_watchlist_entry_release(a, &ref);
  reply(resp, 200, body);
}

/* ---- Statistics ---- */

/* The days from..to (query, "YYYY-MM-DD", both included) as [*since, *until) in milliseconds;
 * default: the API_STATS_DAYS days up to today. False (and a problem) when malformed. */
static bool stats_range(const http_req *req, http_resp *resp, int64_t *since, int64_t *until) {
  const char *from = http_req_query(req, "from"), *to = http_req_query(req, "to");
  int64_t day = 86400000LL, now = store_now_ms(), last = now - now % day, first;
  if (to != NULL && (strlen(to) != 10 || js_time_parse(to, &last) != 0)) {
    bad_field(resp, 400, "to", "to is a date, YYYY-MM-DD");
    return false;
  }
  first = last - (API_STATS_DAYS - 1) * day;
  if (from != NULL && (strlen(from) != 10 || js_time_parse(from, &first) != 0)) {
    bad_field(resp, 400, "from", "from is a date, YYYY-MM-DD");
    return false;
  }
  if (first > last) {
    bad_field(resp, 422, "from", "from is after to");
    return false;
  }
  if ((last - first) / day + 1 > STORE_STATS_DAYS_MAX) {
    bad_field(resp, 422, "from", "a statistics range is at most 366 days");
    return false;
  }
  *since = first;
  *until = last + day;
  return true;
}

void http_api_stats_crossings(http_req *req, http_resp *resp) {
  int64_t since, until, bcp = 0;
  if (!stats_range(req, resp, &since, &until)) return;
  const char *b = http_req_query(req, "bcp_id");
  if (b != NULL && !parse_id(b, &bcp)) {
    bad_field(resp, 400, "bcp_id", "bcp_id is a positive integer");
    return;
  }
  app_crossing_stats *st = malloc(sizeof *st);
  bm_diag d;
  memset(&d, 0, sizeof d);
  app_actor by;
  actor_of(req, &by);
  bm_err err =
      st ? app_crossing_stats_get(app_of(req), &by, since, until, bcp, 0, st, &d) : BM_ERR_NOMEM;
  if (err != BM_OK) {
    free(st);
    fail(resp, err, &d);
    return;
  }
  json_t *body = js_crossing_stats_encode(st, since);
  free(st);
  reply(resp, 200, body);
}

void http_api_stats_hits(http_req *req, http_resp *resp) {
  int64_t since, until;
  if (!stats_range(req, resp, &since, &until)) return;
  store_hit_stats *st = malloc(sizeof *st);
  bm_diag d;
  memset(&d, 0, sizeof d);
  app_actor by;
  actor_of(req, &by);
  bm_err err = st ? app_hit_stats_get(app_of(req), &by, since, until, st, &d) : BM_ERR_NOMEM;
  if (err != BM_OK) {
    free(st);
    fail(resp, err, &d);
    return;
  }
  json_t *body = js_hit_stats_encode(st, since, until);
  free(st);
  reply(resp, 200, body);
}

/* ---- Advance passenger information ---- */

#define API_FLIGHTS_MAX 500 /* flights listed */

void http_api_api_message_create(http_req *req, http_resp *resp) {
  if (req->json != NULL || req->body_len == 0) {
    bad_field(resp, req->body_len == 0 ? 400 : 415, "body",
              "the body is the UN/EDIFACT interchange itself (Content-Type application/edifact "
              "or text/plain), not JSON");
    return;
  }
  app_actor by;
  actor_of(req, &by);
  app_api_ingest *r = NULL;
  bm_diag d;
  memset(&d, 0, sizeof d);
  bm_err err = app_api_ingest_run(app_of(req), &by, req->body, req->body_len, 0, &r, &d);
  if (err != BM_OK) {
    fail(resp, err, &d);
    return;
  }
  size_t stored = 0;
  for (size_t i = 0; i < r->nmsgs; i++) stored += r->msgs[i].stored;
  const char *accept = http_req_header(req, "Accept");
  if (accept != NULL && strstr(accept, "application/edifact") != NULL) {
    /* Interactive API: the carrier's system wants the CUSRES (board / no board per person). */
    char *edi = NULL;
    size_t len = 0;
    err = app_api_cusres(r, 0, &edi, &len, &d);
    app_api_ingest_free(r);
    if (err != BM_OK) {
      fail(resp, err, &d);
      return;
    }
    http_resp_text(resp, stored ? 201 : 422, "application/edifact", edi, len);
    free(edi);
    return;
  }
  if (stored == 0) {
    /* Nothing kept: say for each message what is wrong and where. */
    bm_diag *ds = calloc(r->nmsgs, sizeof *ds);
    size_t n = 0;
    for (size_t i = 0; ds != NULL && i < r->nmsgs && n < 20; i++, n++) {
      snprintf(ds[n].field, sizeof ds[n].field, "UNH");
      ds[n].line = r->msgs[i].msg->first_segment;
      snprintf(ds[n].message, sizeof ds[n].message, "message %s (segment %u): %s",
               r->msgs[i].msg->message_ref ? r->msgs[i].msg->message_ref : "?",
               r->msgs[i].msg->first_segment, r->msgs[i].refused);
    }
    http_resp_problem_diags(resp, 422, "no message could be stored", ds, n);
    free(ds);
    app_api_ingest_free(r);
    return;
  }
  json_t *body = js_api_ingest_encode(r);
  app_api_ingest_free(r);
  reply(resp, 201, body);
}

void http_api_flights(http_req *req, http_resp *resp) {
  const char *from = http_req_query(req, "from"), *to = http_req_query(req, "to");
  int64_t day = 86400000LL, now = store_now_ms(), since = now - now % day - day, until = 0;
  if (from != NULL && (strlen(from) != 10 || js_time_parse(from, &since) != 0)) {
    bad_field(resp, 400, "from", "from is a date, YYYY-MM-DD");
    return;
  }
  if (to != NULL && (strlen(to) != 10 || js_time_parse(to, &until) != 0)) {
    bad_field(resp, 400, "to", "to is a date, YYYY-MM-DD");
    return;
  }
  if (until != 0) until += day; /* the day itself is included */
  store_api_flight *f = malloc(API_FLIGHTS_MAX * sizeof *f);
  size_t n = 0;
  bm_diag d;
  memset(&d, 0, sizeof d);
  app_actor by;
  actor_of(req, &by);
  bm_err err = f ? app_api_flights(app_of(req), &by, since, until, f, API_FLIGHTS_MAX, &n, &d)
                 : BM_ERR_NOMEM;
  FINISH_LIST(resp, err, d, "flights", f, n, js_api_flight_encode);
}

void http_api_flight_get(http_req *req, http_resp *resp) {
  int64_t id;
  if (!parse_id(http_req_param(req, "id"), &id)) {
    bad_field(resp, 400, "id", "id is a positive integer");
    return;
  }
  app_actor by;
  actor_of(req, &by);
  app_api_flight_view *v = NULL;
  bm_diag d;
  memset(&d, 0, sizeof d);
  bm_err err = app_api_flight_read(app_of(req), &by, id, &v, &d);
  if (err != BM_OK) {
    fail(resp, err, &d);
    return;
  }
  json_t *body = js_api_flight_view_encode(v);
  app_api_flight_view_free(v);
  reply(resp, 200, body);
}
