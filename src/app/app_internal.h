/* app_internal.h - the app context shared by the files of src/app/ (the contract is
 * include/bmis/app.h). */
#ifndef BMIS_APP_INTERNAL_H
#define BMIS_APP_INTERNAL_H

#include <pthread.h>

#include "bmis/app.h"

/* The lists in use and their index. refs counts the app's own reference (until replaced) and
 * every inspection holding it; guarded by app.lock. */
typedef struct app_snap {
  unsigned refs;
  size_t nlists;
  wl_list *lists[APP_LISTS_MAX];
  app_list_info info[APP_LISTS_MAX];
  wl_index *ix; /* NULL when there are no lists */
} app_snap;

struct app {
  store *st;
  app_auth_config auth;
  stay_policy stay;
  float threshold;
  float no_board_threshold;
  int64_t api_retention_ms;
  char lists_dir[STORE_PATH_BYTES_MAX - 64];
  pthread_mutex_t lock;         /* snap and every snapshot's refs */
  pthread_mutex_t replace_lock; /* one watchlist replacement at a time */
  app_snap *snap;
};

#include "bmis/cusres.h"

/* Hits at or above this score, or on a document, answer "no board" (see app_api.c). */
#define APP_NO_BOARD_THRESHOLD CUSRES_NO_BOARD_THRESHOLD

app_snap *app__snap_acquire(app *a);          /* NULL when none */
void app__snap_release(app *a, app_snap *sn); /* accepts NULL */
/* An audit event of actor by, filled for store_audit_append or store_inspection_write. */
void app__audit_fill(store_audit_event *ev, const app_actor *by, const char *action,
                     const char *object_type, const char *object_id, const char *reason,
                     const char *outcome);

#endif /* BMIS_APP_INTERNAL_H */
