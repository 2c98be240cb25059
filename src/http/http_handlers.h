/* http_handlers.h - the route handlers of src/http/ other than the built-in ones (which are in
 * include/bmis/http.h), for the table in http_routes.c. One block per resource file:
 *
 *   // http_travellers.c
 *   void http_h_traveller_get(http_req *req, http_resp *resp);
 */
#ifndef BMIS_HTTP_HANDLERS_H
#define BMIS_HTTP_HANDLERS_H

#include "bmis/http.h"

#endif
