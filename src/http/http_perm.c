/* http_perm.c - roles and the permission table: which role may do what.
 *
 * This file is data. Every route names one permission (http_route.perm); the router refuses a
 * principal whose role is not listed for it with 403. To give a role more power, add its bit to a
 * row here and say why; to protect a new kind of operation, add a row and name it in the route.
 * Permission names are stable (they appear in the API, in docs/openapi.yaml and in the audit
 * trail): "<resource>.<verb>". The unit test walks every route of the table against every role.
 *
 * Principles: least privilege; separation of duties (administrators run the system, not case
 * work; the DPO audits but records nothing; analysts read aggregates and history but do not
 * decide on travellers); four eyes on decisions that clear a watchlist hit (supervisors).
 */
#include <string.h>

#include "http/http_internal.h"

#define OFF HTTP_ROLE_BIT(HTTP_ROLE_OFFICER)
#define SUP HTTP_ROLE_BIT(HTTP_ROLE_SUPERVISOR)
#define ANA HTTP_ROLE_BIT(HTTP_ROLE_ANALYST)
#define ADM HTTP_ROLE_BIT(HTTP_ROLE_ADMINISTRATOR)
#define DPO HTTP_ROLE_BIT(HTTP_ROLE_DPO)
#define API HTTP_ROLE_BIT(HTTP_ROLE_API_CLIENT)
#define ALL (OFF | SUP | ANA | ADM | DPO | API)

static const char *const role_names[HTTP_ROLE__COUNT] = {
    [HTTP_ROLE_NONE] = NULL,
    [HTTP_ROLE_OFFICER] = "officer",
    [HTTP_ROLE_SUPERVISOR] = "supervisor",
    [HTTP_ROLE_ANALYST] = "analyst",
    [HTTP_ROLE_ADMINISTRATOR] = "administrator",
    [HTTP_ROLE_DPO] = "dpo",
    [HTTP_ROLE_API_CLIENT] = "api_client",
};

static const http_perm perms[] = {
    {"self.read", ALL,
     "anyone signed in may see who they are and what they may do (the UI needs it)"},
    {"inspection.create", OFF | SUP,
     "checking a traveller at the booth (MRZ, screening, history, stay) is front-line work"},
    {"crossing.create", OFF | SUP | API,
     "officers record entries and exits; automated gates and BCP nodes push theirs as clients"},
    {"crossing.read", OFF | SUP | ANA | DPO,
     "travel history informs inspections and analysis; the DPO answers subject access requests"},
    {"traveller.read", OFF | SUP | ANA | DPO,
     "personal data of travellers: those who inspect, analyse or audit its use"},
    {"watchlist.read", OFF | SUP | ANA | ADM,
     "entries behind a hit are needed to resolve it; analysts maintain targeting; administrators "
     "upload the lists (they hold the files) and must see which versions are in use"},
    {"watchlist.upload", SUP | ADM,
     "loading or replacing a list changes every later screening: supervisors, and administrators "
     "running the scheduled feed"},
    {"disposition.create", SUP,
     "declaring a hit a false match silences it for good: a supervisor's decision (four eyes)"},
    {"referral.read", OFF | SUP, "secondary inspection queue: the officers and their supervisors"},
    {"referral.resolve", SUP, "closing a referral decides on a traveller: supervisors only"},
    {"apis.submit", API, "carriers send advance passenger information as machine clients"},
    {"flight.read", OFF | SUP | ANA,
     "pre-arrival screening: the passenger information unit's analysts work the flights' hits, "
     "the BCP's officers and supervisors meet the flight at the gate"},
    {"visa.read", OFF | SUP | ANA, "visa status is part of the inspection and of the analysis"},
    {"visa.decide", SUP, "granting or refusing a visa at the border is a supervisor's decision"},
    {"case.read", SUP | ANA | DPO, "investigation files: supervisors, analysts; DPO audits them"},
    {"case.manage", SUP, "opening and closing cases is a supervisor's decision"},
    {"sync.push", API, "BCP nodes push their records to headquarters as machine clients"},
    {"user.admin", ADM, "creating accounts and assigning roles is the administrators' job alone"},
    {"audit.read", DPO,
     "the audit trail shows who looked at whom: the DPO's tool, kept from administrators so "
     "they cannot watch the watchers"},
    {"audit.verify", DPO | ADM,
     "checking the hash chain of the audit trail reveals no personal data; operators run it too"},
    {"stats.read", SUP | ANA | ADM | DPO, "aggregate figures without personal data"},
    {"metrics.read", ADM,
     "operational metrics for monitoring (loopback scrapes need no login, see docs/http.md)"},
};

const char *http_role_name(http_role role) {
  if ((unsigned)role >= HTTP_ROLE__COUNT) return NULL;
  return role_names[role];
}

bm_err http_role_parse(const char *name, http_role *out) {
  if (name == NULL || out == NULL) return BM_ERR_USAGE;
  for (unsigned r = 1; r < HTTP_ROLE__COUNT; r++) {
    if (strcmp(role_names[r], name) == 0) {
      *out = (http_role)r;
      return BM_OK;
    }
  }
  return BM_ERR_NOTFOUND;
}

const http_perm *http_perm_find(const char *perm) {
  if (perm == NULL) return NULL;
  for (size_t i = 0; i < BM_COUNTOF(perms); i++)
    if (strcmp(perms[i].name, perm) == 0) return &perms[i];
  return NULL;
}

int http_perm_allows(http_role role, const char *perm) {
  if (role <= HTTP_ROLE_NONE || role >= HTTP_ROLE__COUNT) return 0;
  const http_perm *p = http_perm_find(perm);
  return p != NULL && (p->roles & HTTP_ROLE_BIT(role)) != 0;
}

const http_perm *http_perm_list(size_t *n) {
  if (n != NULL) *n = BM_COUNTOF(perms);
  return perms;
}
