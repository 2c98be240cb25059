/* http_routes.c - THE route table of `bmis serve`: every URL the server answers.
 *
 * How to add an endpoint:
 *   1. Write the handler, void h(http_req *req, http_resp *resp), in src/http/http_<resource>.c
 *      (declare it in src/http/http_handlers.h). It reads req->json / http_req_param /
 *      http_req_query, calls one use case in app/ through req->app, and answers with
 *      http_resp_json, or http_resp_problem / http_resp_problem_diags on errors.
 *   2. Add one row below, in the section of its resource: method, pattern ({name} parameters),
 *      handler, the permission (a name from src/http/http_perm.c; add one there if none fits),
 *      flags (HTTP_ROUTE_*), body limit (0 = the server's default of 1 MiB; uploads up to
 *      HTTP_BODY_BYTES_MAX).
 *   3. Describe it in docs/openapi.yaml under paths: the test cli/openapi_routes fails until the
 *      table and the document list the same method + path pairs.
 * Rows are matched in order, first match wins: literal paths before parametrised ones
 * ("/api/v1/sessions/current" before "/api/v1/sessions/{id}"). The server checks the table when it
 * starts (unknown permission, duplicate, bad pattern) and refuses to run with a broken one.
 */
#include "http/http_api.h"
#include "http/http_handlers.h"

static const http_route routes[] = {
    /* ---- operations ---- */
    {"GET", "/healthz", http_handle_healthz, NULL, HTTP_ROUTE_PUBLIC, 0},
    /* Unauthenticated from loopback (a local Prometheus or node agent), else metrics.read. */
    {"GET", "/metrics", http_handle_metrics, "metrics.read", HTTP_ROUTE_LOOPBACK, 0},

    /* ---- sessions and the caller ---- */
    /* Signing in needs no session; a cookie the browser still holds carries no CSRF token yet. */
    {"POST", "/api/v1/sessions", http_api_session_create, NULL,
     HTTP_ROUTE_PUBLIC | HTTP_ROUTE_CSRF_EXEMPT, 4096},
    {"DELETE", "/api/v1/sessions/current", http_api_session_delete, "self.read", 0, 0},
    {"GET", "/api/v1/me", http_handle_me, "self.read", 0, 0},

    /* ---- reference data ---- */
    {"GET", "/api/v1/bcps", http_api_bcps, "self.read", 0, 0},
    {"GET", "/api/v1/refusal-codes", http_api_refusal_codes, "self.read", 0, 0},
    {"POST", "/api/v1/bcps", http_api_bcp_create, "user.admin", 0, 4096},

    /* ---- primary inspection and decisions ---- */
    {"POST", "/api/v1/inspections", http_api_inspection_create, "inspection.create", 0, 16384},
    {"POST", "/api/v1/crossings", http_api_crossing_create, "crossing.create", 0, 16384},
    {"GET", "/api/v1/crossings/{id}", http_api_crossing_get, "crossing.read", 0, 0},
    {"GET", "/api/v1/overstayers", http_api_overstayers, "traveller.read", 0, 0},

    /* ---- travellers ---- */
    {"GET", "/api/v1/travellers", http_api_traveller_search, "traveller.read", 0, 0},
    {"GET", "/api/v1/travellers/{id}", http_api_traveller_get, "traveller.read", 0, 0},

    /* ---- second line ---- */
    {"GET", "/api/v1/referrals", http_api_referrals_open, "referral.read", 0, 0},
    {"POST", "/api/v1/referrals/{id}/resolve", http_api_referral_resolve, "referral.resolve", 0,
     16384},
    {"POST", "/api/v1/dispositions", http_api_disposition_create, "disposition.create", 0, 16384},
    /* The recorded hits awaiting a disposition: the second line's queue. */
    {"GET", "/api/v1/hits", http_api_hits, "referral.read", 0, 0},

    /* ---- watchlists: an upload is the list file itself, up to the server's ceiling ---- */
    {"GET", "/api/v1/watchlists", http_api_watchlists, "watchlist.read", 0, 0},
    {"PUT", "/api/v1/watchlists/{name}", http_api_watchlist_put, "watchlist.upload", 0,
     HTTP_BODY_BYTES_MAX},
    {"GET", "/api/v1/watchlists/{name}/entries/{entry_id}", http_api_watchlist_entry,
     "watchlist.read", 0, 0},

    /* ---- advance passenger information: carriers post PAXLST, the PIU and BCPs read flights ----
     */
    {"POST", "/api/v1/api-messages", http_api_api_message_create, "apis.submit", 0,
     APP_API_BYTES_MAX},
    {"GET", "/api/v1/flights", http_api_flights, "flight.read", 0, 0},
    {"GET", "/api/v1/flights/{id}", http_api_flight_get, "flight.read", 0, 0},

    /* ---- statistics: aggregates, no personal data ---- */
    {"GET", "/api/v1/stats/crossings", http_api_stats_crossings, "stats.read", 0, 0},
    {"GET", "/api/v1/stats/hits", http_api_stats_hits, "stats.read", 0, 0},

    /* ---- audit and accounts ---- */
    {"GET", "/api/v1/audit", http_api_audit_list, "audit.read", 0, 0},
    {"GET", "/api/v1/audit/verify", http_api_audit_verify, "audit.verify", 0, 0},
    {"GET", "/api/v1/users", http_api_users, "user.admin", 0, 0},
    {"POST", "/api/v1/users", http_api_user_create, "user.admin", 0, 4096},
    {"PATCH", "/api/v1/users/{id}", http_api_user_update, "user.admin", 0, 4096},
};

const http_route *http_routes_all(size_t *n) {
  if (n != NULL) *n = sizeof routes / sizeof routes[0];
  return routes;
}
