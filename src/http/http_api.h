/* http_api.h - the handlers of the application's REST API (src/http/http_api.c) and the hooks that
 * tie the server to the app: authentication by session, audit of refused requests. req->app is the
 * app (include/bmis/app.h). Routes: src/http/http_routes.c; shapes: docs/openapi.yaml. */
#ifndef BMIS_HTTP_API_H
#define BMIS_HTTP_API_H

#include "bmis/app.h"
#include "bmis/http.h"

/* http_auth_fn over app_auth_session_check; ctx is the app. */
bm_err http_api_auth(void *ctx, const http_credentials *cred, http_principal *out);
/* http_audit_fn: requests refused for want of credentials or permission (401, 403) become audit
 * events "access.denied" (the use cases audit what they do themselves); ctx is the app. */
void http_api_audit(void *ctx, const http_audit_event *ev);
/* http_ready_fn: ready when the store answers; ctx is the app. */
int http_api_ready(void *ctx, char *detail, size_t cap);

void http_api_session_create(http_req *req, http_resp *resp);
void http_api_session_delete(http_req *req, http_resp *resp);
void http_api_bcps(http_req *req, http_resp *resp);
void http_api_refusal_codes(http_req *req, http_resp *resp);
void http_api_inspection_create(http_req *req, http_resp *resp);
void http_api_crossing_create(http_req *req, http_resp *resp);
void http_api_traveller_get(http_req *req, http_resp *resp);
void http_api_traveller_search(http_req *req, http_resp *resp);
void http_api_referrals_open(http_req *req, http_resp *resp);
void http_api_overstayers(http_req *req, http_resp *resp);
void http_api_crossing_get(http_req *req, http_resp *resp);
void http_api_referral_resolve(http_req *req, http_resp *resp);
void http_api_disposition_create(http_req *req, http_resp *resp);
void http_api_watchlists(http_req *req, http_resp *resp);
void http_api_watchlist_put(http_req *req, http_resp *resp);
void http_api_audit_list(http_req *req, http_resp *resp);
void http_api_audit_verify(http_req *req, http_resp *resp);
void http_api_users(http_req *req, http_resp *resp);
void http_api_user_create(http_req *req, http_resp *resp);
void http_api_user_update(http_req *req, http_resp *resp);
void http_api_bcp_create(http_req *req, http_resp *resp);
void http_api_hits(http_req *req, http_resp *resp);
void http_api_watchlist_entry(http_req *req, http_resp *resp);
void http_api_stats_crossings(http_req *req, http_resp *resp);
void http_api_stats_hits(http_req *req, http_resp *resp);
void http_api_api_message_create(http_req *req, http_resp *resp);
void http_api_flights(http_req *req, http_resp *resp);
void http_api_flight_get(http_req *req, http_resp *resp);

#endif /* BMIS_HTTP_API_H */
