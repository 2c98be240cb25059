/* app.c - the app context: the store, the stay policy, and the watchlist snapshot that screening
 * runs against (include/bmis/app.h).
 *
 * A snapshot is the set of loaded lists with their index. Inspections hold a reference while they
 * screen and while their hits (which point into the lists) are rendered; a replacement builds the
 * next snapshot without holding the lock (a million-entry index takes seconds), then swaps the
 * pointer under the lock. References are counted under the same lock: acquiring costs one
 * uncontended mutex, against an inspection's tens of microseconds.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/app_internal.h"

/* ---- Snapshots ---- */

static void snap_free(app_snap *sn) {
  if (sn == NULL) return;
  wl_index_free(sn->ix);
  for (size_t i = 0; i < sn->nlists; i++) wl_list_free(sn->lists[i]);
  free(sn);
}

app_snap *app__snap_acquire(app *a) {
  pthread_mutex_lock(&a->lock);
  app_snap *sn = a->snap;
  if (sn != NULL) sn->refs++;
  pthread_mutex_unlock(&a->lock);
  return sn;
}

void app__snap_release(app *a, app_snap *sn) {
  if (sn == NULL) return;
  pthread_mutex_lock(&a->lock);
  bool last = --sn->refs == 0;
  pthread_mutex_unlock(&a->lock);
  if (last) snap_free(sn);
}

/* Make the snapshot of lists[0..n) (taken over, also on failure) and swap it in. */
static bm_err snap_install(app *a, wl_list **lists, const app_list_info *info, size_t n,
                           bm_diag *diag) {
  app_snap *sn = calloc(1, sizeof *sn);
  if (sn == NULL) {
    for (size_t i = 0; i < n; i++) wl_list_free(lists[i]);
    return bm_diag_set(diag, BM_ERR_NOMEM, NULL, 0, 0, "out of memory for the watchlists");
  }
  sn->refs = 1; /* the app's own reference */
  sn->nlists = n;
  for (size_t i = 0; i < n; i++) {
    sn->lists[i] = lists[i];
    sn->info[i] = info[i];
    sn->info[i].in_use = true;
  }
  if (n > 0) {
    bm_err err = wl_index_build(sn->lists, n, NULL, &sn->ix, diag);
    if (err != BM_OK) {
      snap_free(sn);
      return err;
    }
  }
  pthread_mutex_lock(&a->lock);
  app_snap *old = a->snap;
  a->snap = sn;
  pthread_mutex_unlock(&a->lock);
  app__snap_release(a, old);
  return BM_OK;
}

/* The list of a store version, loaded. */
static bm_err load_version(const store_watchlist *w, const store_watchlist_version *v,
                           wl_list **out, app_list_info *info, bm_diag *diag) {
  wl_load_report rep;
  bm_err err = wl_list_load(v->path, w->name, WL_FORMAT_AUTO, out, &rep, diag);
  if (err != BM_OK) return err;
  memset(info, 0, sizeof *info);
  info->watchlist_id = w->id;
  snprintf(info->name, sizeof info->name, "%s", w->name);
  snprintf(info->kind, sizeof info->kind, "%s", w->kind);
  snprintf(info->version, sizeof info->version, "%s", v->version);
  info->entries = (int64_t)wl_list_count(*out);
  info->loaded_ms = v->loaded_ms;
  return BM_OK;
}

/* Load the current version of every list in the store. Lists that fail are reported in warn (the
 * last failure) and left out. */
static bm_err load_all(app *a, const char *replace_name, wl_list *replacement,
                       const app_list_info *replacement_info, bm_diag *warn, bm_diag *diag) {
  store_watchlist ws[APP_LISTS_MAX];
  size_t nw = 0;
  bm_err err = store_watchlist_list(a->st, ws, APP_LISTS_MAX, &nw, diag);
  if (err != BM_OK) {
    wl_list_free(replacement);
    return err;
  }
  wl_list *lists[APP_LISTS_MAX];
  app_list_info info[APP_LISTS_MAX];
  size_t n = 0;
  bool placed = replacement == NULL;
  for (size_t i = 0; i < nw; i++) {
    if (replacement != NULL && strcmp(ws[i].name, replace_name) == 0) {
      lists[n] = replacement;
      info[n++] = *replacement_info;
      placed = true;
      continue;
    }
    store_watchlist_version v;
    size_t nv = 0;
    if (store_watchlist_version_list(a->st, ws[i].id, &v, 1, &nv, NULL) != BM_OK || nv == 0)
      continue;
    bm_diag d;
    if (load_version(&ws[i], &v, &lists[n], &info[n], &d) != BM_OK) {
      if (warn != NULL) {
        *warn = d;
        snprintf(warn->field, sizeof warn->field, "%.*s", (int)sizeof warn->field - 1, ws[i].name);
      }
      continue;
    }
    n++;
  }
  if (!placed) { /* the store listed more than APP_LISTS_MAX lists */
    wl_list_free(replacement);
    for (size_t i = 0; i < n; i++) wl_list_free(lists[i]);
    return bm_diag_set(diag, BM_ERR_LIMIT, "name", 0, 0, "more than %d watchlists", APP_LISTS_MAX);
  }
  return snap_install(a, lists, info, n, diag);
}

bm_err app_new(store *s, const app_config *cfg, app **out, bm_diag *diag_warn, bm_diag *diag) {
  if (s == NULL || out == NULL)
    return bm_diag_set(diag, BM_ERR_USAGE, NULL, 0, 0, "app_new: NULL argument");
  *out = NULL;
  if (diag_warn != NULL) memset(diag_warn, 0, sizeof *diag_warn);
  if (sodium_init() < 0)
    return bm_diag_set(diag, BM_ERR_UNSUPPORTED, NULL, 0, 0, "libsodium failed to initialise");
  app *a = calloc(1, sizeof *a);
  if (a == NULL) return bm_diag_set(diag, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  a->st = s;
  pthread_mutex_init(&a->lock, NULL);
  pthread_mutex_init(&a->replace_lock, NULL);
  app_auth_config_default(&a->auth);
  if (cfg != NULL && cfg->stay != NULL)
    a->stay = *cfg->stay;
  else
    stay_policy_init(&a->stay);
  if (cfg != NULL && cfg->home_state != NULL && cfg->home_state[0] != '\0') {
    stay_rule exempt = {STAY_RULE_EXEMPT, 0, 0};
    bool listed = false;
    stay_policy_lookup(&a->stay, cfg->home_state, &listed);
    if (!listed) {
      bm_err err = stay_policy_add(&a->stay, cfg->home_state, &exempt, diag);
      if (err != BM_OK) {
        app_free(a);
        return err;
      }
    }
  }
  a->threshold = cfg != NULL && cfg->threshold > 0.0f ? cfg->threshold : WL_DEFAULT_THRESHOLD;
  a->no_board_threshold = cfg != NULL && cfg->no_board_threshold > 0.0f ? cfg->no_board_threshold
                                                                        : APP_NO_BOARD_THRESHOLD;
  a->api_retention_ms = cfg != NULL && cfg->api_retention_ms > 0 ? cfg->api_retention_ms
                                                                 : APP_API_RETENTION_MS_DEFAULT;
  if (cfg != NULL && cfg->lists_dir != NULL && cfg->lists_dir[0] != '\0') {
    snprintf(a->lists_dir, sizeof a->lists_dir, "%s", cfg->lists_dir);
    if (mkdir(a->lists_dir, 0750) != 0 && errno != EEXIST) {
      bm_err err = bm_diag_set(diag, BM_ERR_IO, "lists_dir", 0, 0, "cannot create %s: %s",
                               a->lists_dir, strerror(errno));
      app_free(a);
      return err;
    }
  }
  bm_err err = load_all(a, NULL, NULL, NULL, diag_warn, diag);
  if (err != BM_OK) {
    app_free(a);
    return err;
  }
  *out = a;
  return BM_OK;
}

void app_free(app *a) {
  if (a == NULL) return;
  app__snap_release(a, a->snap);
  pthread_mutex_destroy(&a->lock);
  pthread_mutex_destroy(&a->replace_lock);
  free(a);
}

store *app_store(app *a) {
  return a->st;
}

const app_auth_config *app_auth(const app *a) {
  return &a->auth;
}

bm_err app_watchlists(app *a, app_list_info *out, size_t cap, size_t *n, bm_diag *diag) {
  *n = 0;
  app_snap *sn = app__snap_acquire(a);
  store_watchlist ws[APP_LISTS_MAX];
  size_t nw = 0;
  bm_err err = store_watchlist_list(a->st, ws, APP_LISTS_MAX, &nw, diag);
  for (size_t i = 0; err == BM_OK && i < nw && *n < cap; i++) {
    app_list_info *o = &out[(*n)++];
    bool found = false;
    for (size_t k = 0; sn != NULL && k < sn->nlists && !found; k++)
      if (sn->info[k].watchlist_id == ws[i].id) {
        *o = sn->info[k];
        found = true;
      }
    if (found) continue;
    memset(o, 0, sizeof *o); /* in the store, not loaded */
    o->watchlist_id = ws[i].id;
    snprintf(o->name, sizeof o->name, "%s", ws[i].name);
    snprintf(o->kind, sizeof o->kind, "%s", ws[i].kind);
    store_watchlist_version v;
    size_t nv = 0;
    if (store_watchlist_version_list(a->st, ws[i].id, &v, 1, &nv, NULL) == BM_OK && nv == 1) {
      snprintf(o->version, sizeof o->version, "%s", v.version);
      o->entries = v.entry_count;
      o->loaded_ms = v.loaded_ms;
    }
  }
  app__snap_release(a, sn);
  return err;
}

/* A name safe as part of a file name: letters, digits, '-' and '_'. */
static bool safe_name(const char *s) {
  if (s == NULL || s[0] == '\0' || strlen(s) > 64) return false;
  for (const char *p = s; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
          *p == '-' || *p == '_'))
      return false;
  return true;
}

static void sha256_hex(const void *bytes, size_t len, char hex[STORE_SHA256_HEX_BYTES]) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, bytes, len);
  sodium_bin2hex(hex, STORE_SHA256_HEX_BYTES, h, sizeof h);
}

/* Write bytes to path through a temporary file, synced, then renamed: never a half file. */
static bm_err write_file(const char *path, const void *bytes, size_t len, bm_diag *diag) {
  char tmp[STORE_PATH_BYTES_MAX + 8];
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0640);
  if (fd < 0) return bm_diag_set(diag, BM_ERR_IO, "file", 0, 0, "%s: %s", tmp, strerror(errno));
  const char *p = bytes;
  size_t left = len;
  while (left > 0) {
    ssize_t w = write(fd, p, left);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      int e = errno;
      close(fd);
      unlink(tmp);
      return bm_diag_set(diag, BM_ERR_IO, "file", 0, 0, "%s: %s", tmp, strerror(e));
    }
    p += w;
    left -= (size_t)w;
  }
  if (fsync(fd) != 0 || close(fd) != 0 || rename(tmp, path) != 0) {
    int e = errno;
    unlink(tmp);
    return bm_diag_set(diag, BM_ERR_IO, "file", 0, 0, "%s: %s", path, strerror(e));
  }
  return BM_OK;
}

bm_err app_watchlist_replace(app *a, const app_actor *by, const char *name, const char *kind,
                             const char *version, const char *filename, const void *bytes,
                             size_t len, app_list_info *out, bm_diag *diag) {
  if (a == NULL || by == NULL || bytes == NULL)
    return bm_diag_set(diag, BM_ERR_USAGE, NULL, 0, 0, "app_watchlist_replace: NULL argument");
  if (a->lists_dir[0] == '\0')
    return bm_diag_set(diag, BM_ERR_UNSUPPORTED, "lists_dir", 0, 0,
                       "this server has no watchlist directory: uploads are disabled");
  if (!safe_name(name))
    return bm_diag_set(diag, BM_ERR_INVALID, "name", 0, 0,
                       "a list name is 1 to 64 letters, digits, '-' or '_'");
  if (kind == NULL || kind[0] == '\0' || strlen(kind) >= STORE_CODE_BYTES_MAX)
    return bm_diag_set(diag, BM_ERR_INVALID, "kind", 0, 0, "kind is required (at most %d bytes)",
                       STORE_CODE_BYTES_MAX - 1);
  if (len == 0 || len > APP_LIST_BYTES_MAX)
    return bm_diag_set(diag, BM_ERR_LIMIT, "file", 0, 0, "a list file is 1 byte to %u MiB",
                       APP_LIST_BYTES_MAX >> 20);
  char hex[STORE_SHA256_HEX_BYTES];
  sha256_hex(bytes, len, hex);
  char ver[STORE_CODE_BYTES_MAX * 4];
  if (version != NULL && version[0] != '\0')
    snprintf(ver, sizeof ver, "%s", version);
  else
    snprintf(ver, sizeof ver, "sha256:%.16s", hex);
  /* The extension tells wl_list_load the format when sniffing would not. */
  const char *ext = "";
  if (filename != NULL) {
    const char *dot = strrchr(filename, '.');
    if (dot != NULL && (strcmp(dot, ".csv") == 0 || strcmp(dot, ".xml") == 0 ||
                        strcmp(dot, ".jsonl") == 0 || strcmp(dot, ".json") == 0))
      ext = dot;
  }
  char path[STORE_PATH_BYTES_MAX];
  int pn = snprintf(path, sizeof path, "%s/%s-%.16s%s", a->lists_dir, name, hex, ext);
  if (pn < 0 || (size_t)pn >= sizeof path)
    return bm_diag_set(diag, BM_ERR_LIMIT, "lists_dir", 0, 0, "watchlist path too long");

  /* One replacement at a time: two at once would each build from the other's old list. */
  pthread_mutex_lock(&a->replace_lock);
  bm_err err = write_file(path, bytes, len, diag);
  wl_list *list = NULL;
  if (err == BM_OK) {
    wl_load_report rep;
    err = wl_list_load(path, name, WL_FORMAT_AUTO, &list, &rep, diag);
    /* A replacement that drops records would drop alerts: refused, naming the first bad one. */
    if (err == BM_OK && (rep.skipped > 0 || rep.loaded == 0)) {
      if (rep.nissues > 0)
        err = bm_diag_set(diag, BM_ERR_INVALID, rep.issues[0].field, rep.issues[0].line, 0,
                          "%zu of %zu records unusable; the first: %s", rep.skipped, rep.records,
                          rep.issues[0].message);
      else
        err = bm_diag_set(diag, BM_ERR_INVALID, "file", 0, 0, "the file holds no usable record");
      wl_list_free(list);
      list = NULL;
    }
    if (err != BM_OK) unlink(path);
  }
  store_watchlist w = {0};
  store_watchlist_version v = {0};
  if (err == BM_OK) {
    snprintf(w.name, sizeof w.name, "%s", name);
    snprintf(w.kind, sizeof w.kind, "%s", kind);
    err = store_watchlist_put(a->st, &w, diag);
  }
  if (err == BM_OK) {
    v.watchlist_id = w.id;
    snprintf(v.version, sizeof v.version, "%s", ver);
    v.entry_count = (int64_t)wl_list_count(list);
    snprintf(v.file_sha256, sizeof v.file_sha256, "%s", hex);
    snprintf(v.path, sizeof v.path, "%s", path);
    v.loaded_by = by->user_id;
    err = store_watchlist_version_add(a->st, &v, diag);
  }
  app_list_info info;
  if (err == BM_OK) {
    memset(&info, 0, sizeof info);
    info.watchlist_id = w.id;
    snprintf(info.name, sizeof info.name, "%s", w.name);
    snprintf(info.kind, sizeof info.kind, "%s", w.kind);
    snprintf(info.version, sizeof info.version, "%s", v.version);
    info.entries = v.entry_count;
    info.loaded_ms = v.loaded_ms;
    info.in_use = true;
    err = load_all(a, name, list, &info, NULL, diag);
    list = NULL; /* taken over */
    if (err == BM_OK && out != NULL) *out = info;
  }
  wl_list_free(list);
  pthread_mutex_unlock(&a->replace_lock);
  char object[STORE_OBJECT_ID_BYTES_MAX];
  snprintf(object, sizeof object, "%s@%s", name, ver);
  app_audit(a, by, "watchlist.replace", "watchlist", object, NULL, err == BM_OK ? "ok" : "failed",
            NULL);
  return err;
}

/* ---- Watchlist entries ---- */

bm_err app_watchlist_entry(app *a, const app_actor *by, const char *list, const char *entry_id,
                           app_entry_ref *out, bm_diag *diag) {
  if (a == NULL || by == NULL || list == NULL || entry_id == NULL || out == NULL)
    return bm_diag_set(diag, BM_ERR_USAGE, NULL, 0, 0, "app_watchlist_entry: NULL argument");
  memset(out, 0, sizeof *out);
  app_snap *sn = app__snap_acquire(a);
  bm_err err = BM_ERR_NOTFOUND;
  for (size_t l = 0; sn != NULL && l < sn->nlists && err == BM_ERR_NOTFOUND; l++) {
    if (strcmp(sn->info[l].name, list) != 0) continue;
    /* A linear scan: a click in the UI, not the booth's path (a million entries take a few ms). */
    size_t n = wl_list_count(sn->lists[l]);
    for (size_t i = 0; i < n; i++) {
      const wl_entry *e = wl_list_entry(sn->lists[l], i);
      if (e != NULL && e->id != NULL && strcmp(e->id, entry_id) == 0) {
        out->entry = e;
        out->watchlist_id = sn->info[l].watchlist_id;
        snprintf(out->list, sizeof out->list, "%s", sn->info[l].name);
        err = BM_OK;
        break;
      }
    }
    break;
  }
  if (err == BM_OK) {
    out->snapshot_ = sn;
  } else {
    app__snap_release(a, sn);
    bm_diag_set(diag, err, "entry_id", 0, 0, "no entry %.100s in a loaded list %.60s", entry_id,
                list);
  }
  char object[STORE_OBJECT_ID_BYTES_MAX];
  snprintf(object, sizeof object, "%.60s:%.60s", list, entry_id);
  bm_diag ad;
  bm_err aerr = app_audit(a, by, "watchlist_entry.read", "watchlist_entry", object, NULL,
                          err == BM_OK ? "ok" : "not_found", err == BM_OK ? diag : &ad);
  if (err == BM_OK && aerr != BM_OK) {
    app_watchlist_entry_release(a, out);
    return aerr;
  }
  return err;
}

void app_watchlist_entry_release(app *a, app_entry_ref *ref) {
  if (a == NULL || ref == NULL) return;
  app__snap_release(a, ref->snapshot_);
  ref->snapshot_ = NULL;
  ref->entry = NULL;
}

/* ---- Statistics ---- */

bm_err app_crossing_stats_get(app *a, const app_actor *by, int64_t since_ms, int64_t until_ms,
                              int64_t bcp_id, int64_t now_ms, app_crossing_stats *out,
                              bm_diag *diag) {
  if (a == NULL || by == NULL || out == NULL)
    return bm_diag_set(diag, BM_ERR_USAGE, NULL, 0, 0, "app_crossing_stats_get: NULL argument");
  memset(out, 0, sizeof *out);
  if (bcp_id != 0) {
    store_bcp b;
    bm_err err = store_bcp_get(a->st, bcp_id, &b, diag);
    if (err == BM_ERR_NOTFOUND)
      return bm_diag_set(diag, BM_ERR_INVALID, "bcp_id", 0, 0, "no border crossing point %lld",
                         (long long)bcp_id);
    if (err != BM_OK) return err;
  }
  store_stats_filter f = {since_ms, until_ms, bcp_id, 0};
  bm_err err = store_crossing_stats_get(a->st, &f, &out->range, diag);
  if (err != BM_OK) return err;
  if (now_ms == 0) now_ms = store_now_ms();
  int64_t day0 = now_ms - now_ms % STORE_STATS_DAY_MS;
  store_stats_filter t = {day0, day0 + STORE_STATS_DAY_MS, bcp_id, 1};
  store_crossing_stats *today = malloc(sizeof *today);
  if (today == NULL) return bm_diag_set(diag, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  err = store_crossing_stats_get(a->st, &t, today, diag);
  if (err == BM_OK) {
    out->today_entry = today->entry;
    out->today_exit = today->exit;
    out->today_refused = today->refused;
  }
  free(today);
  return err;
}

/* ---- Administration ---- */

static bool code_ok(const char *s) {
  size_t n = s != NULL ? strlen(s) : 0;
  return n > 0 && n < STORE_CODE_BYTES_MAX &&
         strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") == n;
}

bm_err app_bcp_add(app *a, const app_actor *by, const char *code, const char *name,
                   const char *country, const char *kind, store_bcp *out, bm_diag *diag) {
  if (a == NULL || by == NULL || out == NULL)
    return bm_diag_set(diag, BM_ERR_USAGE, NULL, 0, 0, "app_bcp_add: NULL argument");
  memset(out, 0, sizeof *out);
  if (!code_ok(code))
    return bm_diag_set(diag, BM_ERR_INVALID, "code", 0, 0,
                       "code is 1 to %d letters, digits, '-' and '_'", STORE_CODE_BYTES_MAX - 1);
  if (name == NULL || name[0] == '\0' || strlen(name) >= sizeof out->name)
    return bm_diag_set(diag, BM_ERR_INVALID, "name", 0, 0, "name is 1 to %zu bytes",
                       sizeof out->name - 1);
  if (country == NULL || strlen(country) != 3 || strspn(country, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3)
    return bm_diag_set(diag, BM_ERR_INVALID, "country", 0, 0,
                       "country is a three-letter ICAO code (A-Z)");
  static const char *const kinds[] = {"air", "land", "sea", "rail", "other"};
  bool known = false;
  for (size_t i = 0; kind != NULL && i < sizeof kinds / sizeof kinds[0]; i++)
    known = known || strcmp(kind, kinds[i]) == 0;
  if (!known)
    return bm_diag_set(diag, BM_ERR_INVALID, "kind", 0, 0, "kind is air, land, sea, rail or other");
  snprintf(out->code, sizeof out->code, "%s", code);
  snprintf(out->name, sizeof out->name, "%s", name);
  snprintf(out->country, sizeof out->country, "%s", country);
  snprintf(out->kind, sizeof out->kind, "%s", kind);
  out->active = 1;
  bm_err err = store_bcp_add(a->st, out, diag);
  /* Everything else about the code was checked above: the store refuses only a duplicate. */
  if (err == BM_ERR_INVALID && diag != NULL && strcmp(diag->field, "code") == 0)
    bm_diag_set(diag, err, "code", 0, 0, "a BCP with code %s already exists", code);
  bm_err aerr = app_audit(a, by, "bcp.create", "bcp", code, NULL, err == BM_OK ? "ok" : "failed",
                          err == BM_OK ? diag : NULL);
  return err != BM_OK ? err : aerr;
}

bm_err app_user_update(app *a, const app_actor *by, int64_t user_id, const app_user_change *ch,
                       store_user *out, bm_diag *diag) {
  if (a == NULL || by == NULL || ch == NULL || ch->disabled < -1 || ch->disabled > 1)
    return bm_diag_set(diag, BM_ERR_USAGE, NULL, 0, 0, "app_user_update: bad argument");
  app_role r;
  if (ch->role != NULL && app_role_parse(ch->role, &r) != BM_OK)
    return bm_diag_set(diag, BM_ERR_INVALID, "role", 0, 0,
                       "role is officer, supervisor, analyst, administrator, dpo or api_client");
  if (user_id == by->user_id)
    return bm_diag_set(diag, BM_ERR_INVALID, "id", 0, 0,
                       "nobody disables their own account or changes their own role");
  store_user u;
  bm_err err = store_user_get(a->st, user_id, &u, diag);
  if (err != BM_OK) return err;
  char object[24];
  snprintf(object, sizeof object, "%lld", (long long)user_id);
  if (ch->role != NULL && strcmp(ch->role, u.role) != 0) {
    err = store_user_set_role(a->st, user_id, ch->role, diag);
    char why[64];
    snprintf(why, sizeof why, "%s -> %s", u.role, ch->role);
    bm_err aerr = app_audit(a, by, "user.role", "user", object, why, err == BM_OK ? "ok" : "failed",
                            err == BM_OK ? diag : NULL);
    if (err == BM_OK) err = aerr;
  }
  if (err == BM_OK && ch->disabled != -1)
    err = app_user_set_disabled(a->st, by, u.username, ch->disabled, diag);
  if (err == BM_OK && out != NULL) {
    err = store_user_get(a->st, user_id, out, diag);
    if (err == BM_OK) sodium_memzero(out->password_hash, sizeof out->password_hash);
  }
  sodium_memzero(u.password_hash, sizeof u.password_hash);
  return err;
}

void app__audit_fill(store_audit_event *ev, const app_actor *by, const char *action,
                     const char *object_type, const char *object_id, const char *reason,
                     const char *outcome) {
  memset(ev, 0, sizeof *ev);
  if (by != NULL) {
    ev->actor_id = by->user_id;
    snprintf(ev->actor_name, sizeof ev->actor_name, "%s", by->name);
    snprintf(ev->role, sizeof ev->role, "%s", by->role);
    snprintf(ev->source_addr, sizeof ev->source_addr, "%s", by->source_addr);
  }
  snprintf(ev->action, sizeof ev->action, "%s", action);
  snprintf(ev->object_type, sizeof ev->object_type, "%s", object_type ? object_type : "");
  snprintf(ev->object_id, sizeof ev->object_id, "%s", object_id ? object_id : "");
  snprintf(ev->reason, sizeof ev->reason, "%s", reason ? reason : "");
  snprintf(ev->outcome, sizeof ev->outcome, "%s", outcome ? outcome : "ok");
}

bm_err app_audit(app *a, const app_actor *by, const char *action, const char *object_type,
                 const char *object_id, const char *reason, const char *outcome, bm_diag *diag) {
  store_audit_event ev;
  app__audit_fill(&ev, by, action, object_type, object_id, reason, outcome);
  return store_audit_append(a->st, &ev, diag);
}
