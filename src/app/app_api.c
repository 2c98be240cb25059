/* app_api.c - advance passenger information: PAXLST in, every person screened before arrival,
 * the manifest stored with its hits, the flights read back by analysts, the retention job
 * (include/bmis/app.h).
 *
 * Time budget: a 500-person flight against a million-entry list is parsed in well under a
 * millisecond, screened with every core (wl_screen_batch) and stored in one transaction; the
 * false-hit dispositions are read only for the few persons who have hits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/app_internal.h"
#include "bmis/cusres.h"

static double ms_since(const struct timespec *t0) {
  struct timespec t1;
  clock_gettime(CLOCK_MONOTONIC, &t1);
  return (double)(t1.tv_sec - t0->tv_sec) * 1e3 + (double)(t1.tv_nsec - t0->tv_nsec) / 1e6;
}

/* Copy src into dst[cap], cut at a UTF-8 character boundary when it does not fit. */
static void copy(char *dst, size_t cap, const char *src) {
  if (src == NULL) src = "";
  size_t n = strlen(src);
  if (n >= cap) {
    n = cap - 1;
    while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80) n--;
  }
  memcpy(dst, src, n);
  dst[n] = '\0';
}

/* A PAXLST time ("YYYY-MM-DD" or "YYYY-MM-DDTHH:MM") as Unix ms. EDIFACT times are local to
 * the airport: the arrival airport is the server's country, so they are read in the server's
 * time zone (TZ). A date alone counts as its last minute (retention never starts early). 0 when
 * absent or unreadable. */
static int64_t local_ms(const char *s) {
  if (s == NULL) return 0;
  int y, mo, d, h = 23, mi = 59;
  char tail;
  size_t len = strlen(s);
  if (len == 10) {
    if (sscanf(s, "%4d-%2d-%2d%c", &y, &mo, &d, &tail) != 3) return 0;
  } else if (len == 16) {
    if (sscanf(s, "%4d-%2d-%2dT%2d:%2d%c", &y, &mo, &d, &h, &mi, &tail) != 5) return 0;
  } else {
    return 0;
  }
  if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) return 0;
  struct tm tm = {0};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_isdst = -1;
  time_t t = mktime(&tm);
  return t == (time_t)-1 ? 0 : (int64_t)t * 1000;
}

/* The board decision (cusres_decide: a listed document, then missing data, then a strong hit),
 * from the hits kept after false-hit dispositions. Weaker hits go to the analysts' queue (the
 * flight view) without stopping the boarding. */
static void decide(app_api_person_result *r, float no_board) {
  wl_hit hs[STORE_API_HITS_MAX];
  memset(hs, 0, sizeof hs);
  for (unsigned i = 0; i < r->nhits; i++) {
    hs[i].score = (float)r->hits[i].score_permille / 1000.0f;
    hs[i].document_match = r->hits[i].document_match != 0;
  }
  r->status = cusres_decide(r->parsed, hs, r->nhits, no_board);
  static const char *const words[] = {[CUSRES_BOARD] = "board",
                                      [CUSRES_NO_BOARD] = "no_board",
                                      [CUSRES_INSUFFICIENT] = "insufficient"};
  copy(r->person.board, sizeof r->person.board,
       (unsigned)r->status < BM_COUNTOF(words) && words[r->status] ? words[r->status] : "board");
  copy(r->person.board_text, sizeof r->person.board_text, cusres_decide_text(r->parsed, r->status));
}

/* The reasons of a hit joined with "; ". */
static void join_reasons(const wl_hit *h, char *out, size_t cap) {
  size_t w = 0;
  out[0] = '\0';
  for (unsigned i = 0; i < h->nreasons && w + 1 < cap; i++) {
    int k = snprintf(out + w, cap - w, "%s%s", i ? "; " : "", h->reasons[i]);
    if (k < 0) break;
    w += (size_t)k;
  }
  if (w >= cap) out[cap - 1] = '\0';
}

/* Drop the hits of r that a supervisor verified as false for this traveller (the latest decision
 * on the list entry wins). */
static bm_err drop_false_hits(app *a, app_api_person_result *r, bm_diag *diag) {
  store_disposition *ds = malloc(APP_DISPOSITIONS_MAX * sizeof *ds);
  if (ds == NULL) return bm_diag_set(diag, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  size_t nd = 0;
  bm_err err = store_disposition_list(a->st, r->person.traveller_key, 0, ds, APP_DISPOSITIONS_MAX,
                                      &nd, diag);
  unsigned kept = 0;
  for (unsigned i = 0; err == BM_OK && i < r->nhits; i++) {
    const char *latest = NULL;
    for (size_t k = 0; k < nd; k++)
      if (ds[k].watchlist_id == r->hits[i].watchlist_id &&
          strcmp(ds[k].entry_id, r->hits[i].entry_id) == 0)
        latest = ds[k].decision;
    if (latest != NULL && strcmp(latest, "false_hit") == 0) continue;
    if (kept != i) r->hits[kept] = r->hits[i];
    kept++;
  }
  if (err == BM_OK) r->nhits = kept;
  free(ds);
  return err;
}

static int64_t list_id(const app_snap *sn, const char *name) {
  for (size_t l = 0; l < sn->nlists; l++)
    if (strcmp(sn->info[l].name, name) == 0) return sn->info[l].watchlist_id;
  return 0;
}

/* Screen every person of the batch's storable messages in one call. */
static bm_err screen_all(app *a, app_api_ingest *r, bm_diag *diag) {
  size_t n = r->npersons;
  app_snap *sn = app__snap_acquire(a);
  if (sn != NULL && sn->ix != NULL) {
    r->nlists = sn->nlists;
    memcpy(r->lists, sn->info, sn->nlists * sizeof sn->info[0]);
  }
  if (n == 0 || sn == NULL || sn->ix == NULL) {
    app__snap_release(a, sn);
    return BM_OK;
  }
  const unsigned limit = STORE_API_HITS_MAX;
  wl_query *qs = calloc(n, sizeof *qs);
  wl_hit *hits = calloc(n * limit, sizeof *hits);
  unsigned *nh = calloc(n, sizeof *nh);
  bm_err *errs = calloc(n, sizeof *errs);
  bm_err err = BM_OK;
  if (qs == NULL || hits == NULL || nh == NULL || errs == NULL) {
    err = bm_diag_set(diag, BM_ERR_NOMEM, NULL, 0, 0, "out of memory screening %zu persons", n);
    goto done;
  }
  for (size_t i = 0; i < n; i++) qs[i] = cusres_person_query(r->persons[i].parsed);
  wl_screen_opts o = {a->threshold, limit, NULL};
  err = wl_screen_batch(sn->ix, qs, n, &o, 0, hits, nh, errs);
  if (err != BM_OK) {
    bm_diag_set(diag, err, NULL, 0, 0, "screening failed: %s", bm_err_str(err));
    goto done;
  }
  for (size_t i = 0; i < n; i++) {
    app_api_person_result *pr = &r->persons[i];
    pr->nhits = 0;
    if (errs[i] != BM_OK) continue; /* no usable name nor document: nothing to screen */
    for (unsigned k = 0; k < nh[i] && k < limit; k++) {
      const wl_hit *h = &hits[i * limit + k];
      store_api_hit *s = &pr->hits[pr->nhits];
      memset(s, 0, sizeof *s);
      s->watchlist_id = list_id(sn, h->list);
      if (s->watchlist_id == 0) continue;
      copy(s->list, sizeof s->list, h->list);
      copy(s->entry_id, sizeof s->entry_id, h->entry->id);
      s->score_permille = (int)(h->score * 1000.0f + 0.5f);
      s->document_match = h->document_match;
      if (h->entry->nnames > h->name_index)
        copy(s->matched_name, sizeof s->matched_name, h->entry->names[h->name_index]);
      join_reasons(h, s->reasons, sizeof s->reasons);
      pr->nhits++;
    }
  }
done:
  free(qs);
  free(hits);
  free(nh);
  free(errs);
  app__snap_release(a, sn);
  return err;
}

/* The person row of a parsed person. */
static void person_row(const paxlst_person *p, store_api_person *o) {
  memset(o, 0, sizeof *o);
  copy(o->role, sizeof o->role, paxlst_role_name(p->role));
  copy(o->surname, sizeof o->surname, p->surname);
  copy(o->given_names, sizeof o->given_names, p->given_names);
  copy(o->sex, sizeof o->sex, p->sex);
  copy(o->birth_date, sizeof o->birth_date, p->birth_date);
  copy(o->nationality, sizeof o->nationality, p->nationality);
  copy(o->residence_country, sizeof o->residence_country, p->residence_country);
  if (p->ndocuments > 0) {
    const paxlst_document *d = &p->documents[0];
    copy(o->doc_type, sizeof o->doc_type, d->type);
    copy(o->doc_number, sizeof o->doc_number, d->number);
    copy(o->doc_issuing_state, sizeof o->doc_issuing_state, d->issuing_state);
    copy(o->doc_expiry, sizeof o->doc_expiry, d->expiry_date);
  }
  copy(o->seat, sizeof o->seat, p->seat);
  copy(o->reservation_ref, sizeof o->reservation_ref, p->reservation_ref);
  copy(o->passenger_ref, sizeof o->passenger_ref, p->passenger_ref);
  copy(o->embarkation, sizeof o->embarkation, p->embarkation);
  copy(o->debarkation, sizeof o->debarkation, p->debarkation);
  wl_query q = cusres_person_query(p);
  wl_traveller_key(&q, o->traveller_key, sizeof o->traveller_key);
}

/* Why a parsed message cannot be stored, or NULL. */
static const char *unstorable(const paxlst_msg *m) {
  if (m->message_type == NULL || strcmp(m->message_type, "PAXLST") != 0)
    return "not a PAXLST message";
  if (m->flight == NULL) return "no flight (TDT segment) in the message";
  if (m->flight->carrier == NULL || m->flight->carrier[0] == '\0' || m->flight->number == NULL ||
      m->flight->number[0] == '\0')
    return "the flight has no carrier and number (TDT C222)";
  if (strlen(m->flight->carrier) >= STORE_CODE_BYTES_MAX ||
      strlen(m->flight->number) >= STORE_CODE_BYTES_MAX)
    return "the flight's carrier or number is too long";
  if (m->npersons > STORE_API_PERSONS_MAX) return "more persons than one message may store";
  return NULL;
}

static bm_err store_message(app *a, const app_actor *by, app_api_ingest *r,
                            app_api_message_result *mr, int64_t now, size_t len, bm_diag *diag) {
  const paxlst_msg *m = mr->msg;
  const paxlst_leg *fl = m->flight;
  store_api_flight *f = &mr->flight;
  memset(f, 0, sizeof *f);
  copy(f->carrier, sizeof f->carrier, fl->carrier);
  copy(f->number, sizeof f->number, fl->number);
  copy(f->departure_airport, sizeof f->departure_airport, fl->departure_airport);
  copy(f->departure_time, sizeof f->departure_time, fl->departure_time);
  copy(f->arrival_airport, sizeof f->arrival_airport, fl->arrival_airport);
  copy(f->arrival_time, sizeof f->arrival_time, fl->arrival_time);
  f->arrival_ms = local_ms(fl->arrival_time);
  int64_t basis = f->arrival_ms ? f->arrival_ms : local_ms(fl->departure_time);
  if (basis == 0) basis = now;
  f->retain_until_ms = basis + a->api_retention_ms;
  store_api_message *sm = &mr->message;
  memset(sm, 0, sizeof *sm);
  sm->received_ms = now;
  sm->received_by = by->user_id;
  copy(sm->sender, sizeof sm->sender, m->sender);
  copy(sm->control_ref, sizeof sm->control_ref, m->control_ref);
  copy(sm->message_ref, sizeof sm->message_ref, m->message_ref);
  copy(sm->common_access_ref, sizeof sm->common_access_ref, m->common_access_ref);
  sm->part = (int)m->part;
  sm->last_part = m->last_part;
  copy(sm->list_type, sizeof sm->list_type, paxlst_list_type_name(m->list_type));
  copy(sm->document_id, sizeof sm->document_id, m->document_id);
  sm->persons = (int64_t)m->npersons;
  sm->errors = m->nerrors;
  sm->warnings = m->nwarnings;
  sm->bytes = (int64_t)len;
  store_api_person *rows = calloc(mr->npersons ? mr->npersons : 1, sizeof *rows);
  store_api_hit *hits = calloc(mr->npersons * STORE_API_HITS_MAX + 1, sizeof *hits);
  if (rows == NULL || hits == NULL) {
    free(rows);
    free(hits);
    return bm_diag_set(diag, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  }
  size_t nh = 0, with_hits = 0;
  for (size_t i = 0; i < mr->npersons; i++) {
    app_api_person_result *pr = &r->persons[mr->first_person + i];
    rows[i] = pr->person;
    for (unsigned k = 0; k < pr->nhits; k++) {
      hits[nh] = pr->hits[k];
      hits[nh].person_index = i;
      nh++;
    }
    with_hits += pr->nhits > 0;
  }
  char reason[STORE_REASON_BYTES_MAX];
  snprintf(reason, sizeof reason, "%s%s%s %s%s part %d: %zu persons, %zu with hits",
           sm->document_id[0] ? "BGM " : "", sm->document_id, sm->document_id[0] ? "," : "",
           f->carrier, f->number, sm->part, mr->npersons, with_hits);
  store_audit_event ev;
  app__audit_fill(&ev, by, "api_message.create", "flight", "", reason, "ok");
  bm_err err = store_api_manifest_write(a->st, f, sm, rows, mr->npersons, hits, nh, &ev, diag);
  if (err == BM_OK) {
    for (size_t i = 0; i < mr->npersons; i++) {
      app_api_person_result *pr = &r->persons[mr->first_person + i];
      pr->person = rows[i];
      for (unsigned k = 0; k < pr->nhits; k++) pr->hits[k].person_id = rows[i].id;
    }
    mr->stored = true;
    bm_diag d2 = {0};
    store_api_flight_get(a->st, f->id, f, &d2); /* with its counts; the stored key on failure */
  }
  free(rows);
  free(hits);
  return err;
}

bm_err app_api_ingest_run(app *a, const app_actor *by, const char *bytes, size_t len,
                          int64_t now_ms, app_api_ingest **out, bm_diag *diag) {
  if (a == NULL || by == NULL || out == NULL || (bytes == NULL && len > 0))
    return bm_diag_set(diag, BM_ERR_USAGE, NULL, 0, 0, "NULL argument");
  *out = NULL;
  if (by->user_id <= 0)
    return bm_diag_set(diag, BM_ERR_USAGE, NULL, 0, 0, "API messages are sent by a user");
  if (len > APP_API_BYTES_MAX)
    return bm_diag_set(diag, BM_ERR_LIMIT, "body", 0, 0, "more than %u bytes in one post",
                       APP_API_BYTES_MAX);
  if (now_ms == 0) now_ms = store_now_ms();
  struct timespec t0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  app_api_ingest *r = calloc(1, sizeof *r);
  if (r == NULL) return bm_diag_set(diag, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  paxlst_opts po = {0, {0, 0, 0}};
  bm_err err = paxlst_parse(bytes, len, &po, &r->batch, diag);
  /* Over a limit (more messages than one batch holds): refuse the post as a whole rather than
   * store its first part and drop the rest unseen; the carrier splits it. */
  if (err != BM_OK) goto fail;
  if (r->batch == NULL || r->batch->nmsgs == 0) {
    err = bm_diag_set(diag, BM_ERR_INVALID, "body", 0, 0,
                      "no UN/EDIFACT message (UNH ... UNT) in the %zu bytes received%s%s", len,
                      r->batch && r->batch->ndiags ? ": " : "",
                      r->batch && r->batch->ndiags ? r->batch->diags[0].d.message : "");
    goto fail;
  }
  paxlst_batch *b = r->batch;
  r->nmsgs = b->nmsgs;
  r->msgs = calloc(b->nmsgs, sizeof *r->msgs);
  size_t total = 0;
  for (size_t i = 0; i < b->nmsgs; i++)
    if (unstorable(&b->msgs[i]) == NULL) total += b->msgs[i].npersons;
  r->persons = calloc(total ? total : 1, sizeof *r->persons);
  if (r->msgs == NULL || r->persons == NULL) {
    err = bm_diag_set(diag, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    goto fail;
  }
  for (size_t i = 0; i < b->nmsgs; i++) {
    app_api_message_result *mr = &r->msgs[i];
    mr->msg = &b->msgs[i];
    const char *why = unstorable(mr->msg);
    if (why != NULL) {
      copy(mr->refused, sizeof mr->refused, why);
      continue;
    }
    mr->first_person = r->npersons;
    mr->npersons = mr->msg->npersons;
    for (size_t k = 0; k < mr->npersons; k++) {
      app_api_person_result *pr = &r->persons[r->npersons++];
      pr->parsed = &mr->msg->persons[k];
      person_row(pr->parsed, &pr->person);
    }
  }
  r->parse_ms = ms_since(&t0);
  clock_gettime(CLOCK_MONOTONIC, &t0);
  err = screen_all(a, r, diag);
  if (err != BM_OK) goto fail;
  for (size_t i = 0; i < r->npersons && err == BM_OK; i++) {
    app_api_person_result *pr = &r->persons[i];
    if (pr->nhits > 0) err = drop_false_hits(a, pr, diag);
    int best = 0;
    for (unsigned k = 0; k < pr->nhits; k++)
      if (pr->hits[k].score_permille > best) best = pr->hits[k].score_permille;
    pr->person.hits = (int)pr->nhits;
    pr->person.max_score_permille = best;
    pr->person.screened_ms = now_ms;
    decide(pr, a->no_board_threshold);
  }
  if (err != BM_OK) goto fail;
  r->screen_ms = ms_since(&t0);
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (size_t i = 0; i < r->nmsgs; i++) {
    app_api_message_result *mr = &r->msgs[i];
    if (mr->refused[0] != '\0') continue;
    bm_diag d = {0};
    if (store_message(a, by, r, mr, now_ms, len, &d) != BM_OK)
      snprintf(mr->refused, sizeof mr->refused, "not stored: %.140s", d.message);
  }
  r->store_ms = ms_since(&t0);
  *out = r;
  return BM_OK;
fail:
  app_api_ingest_free(r);
  return err;
}

void app_api_ingest_free(app_api_ingest *r) {
  if (r == NULL) return;
  paxlst_batch_free(r->batch);
  free(r->msgs);
  free(r->persons);
  free(r);
}

bm_err app_api_flights(app *a, const app_actor *by, int64_t since_ms, int64_t until_ms,
                       store_api_flight *out, size_t cap, size_t *n, bm_diag *diag) {
  if (a == NULL || by == NULL) return bm_diag_set(diag, BM_ERR_USAGE, NULL, 0, 0, "NULL argument");
  return store_api_flight_list(a->st, since_ms, until_ms, out, cap, n, diag);
}

void app_api_flight_view_free(app_api_flight_view *v) {
  if (v == NULL) return;
  free(v->messages);
  free(v->persons);
  free(v->hits);
  free(v);
}

/* Parts of split lists: the final part number and whether 1..it all arrived. */
static void parts_state(app_api_flight_view *v) {
  unsigned last = 0;
  for (size_t i = 0; i < v->nmessages; i++)
    if (v->messages[i].common_access_ref[0] && v->messages[i].last_part &&
        (unsigned)v->messages[i].part > last)
      last = (unsigned)v->messages[i].part;
  v->parts_last = last;
  v->parts_complete = last > 0;
  for (unsigned p = 1; p <= last && v->parts_complete; p++) {
    bool seen = false;
    for (size_t i = 0; i < v->nmessages && !seen; i++)
      seen = v->messages[i].common_access_ref[0] && (unsigned)v->messages[i].part == p;
    v->parts_complete = seen;
  }
}

bm_err app_api_flight_read(app *a, const app_actor *by, int64_t flight_id,
                           app_api_flight_view **out, bm_diag *diag) {
  if (a == NULL || by == NULL || out == NULL)
    return bm_diag_set(diag, BM_ERR_USAGE, NULL, 0, 0, "NULL argument");
  *out = NULL;
  app_api_flight_view *v = calloc(1, sizeof *v);
  if (v == NULL) return bm_diag_set(diag, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  bm_err err = store_api_flight_get(a->st, flight_id, &v->flight, diag);
  if (err == BM_OK) {
    size_t np = (size_t)v->flight.persons + 16;
    if (np > APP_API_FLIGHT_PERSONS_MAX) np = APP_API_FLIGHT_PERSONS_MAX;
    v->messages = calloc(APP_API_FLIGHT_MESSAGES_MAX, sizeof *v->messages);
    v->persons = calloc(np, sizeof *v->persons);
    v->hits = calloc(np * STORE_API_HITS_MAX, sizeof *v->hits);
    if (v->messages == NULL || v->persons == NULL || v->hits == NULL)
      err = bm_diag_set(diag, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    if (err == BM_OK)
      err = store_api_message_list(a->st, flight_id, v->messages, APP_API_FLIGHT_MESSAGES_MAX,
                                   &v->nmessages, diag);
    if (err == BM_OK)
      err = store_api_person_list(a->st, flight_id, v->persons, np, &v->npersons, diag);
    if (err == BM_OK)
      err = store_api_hit_list(a->st, flight_id, v->hits, np * STORE_API_HITS_MAX, &v->nhits, diag);
  }
  char id[32];
  snprintf(id, sizeof id, "%lld", (long long)flight_id);
  store_audit_event ev;
  app__audit_fill(&ev, by, "flight.read", "flight", id, "", err == BM_OK ? "ok" : "failed");
  bm_diag ad = {0};
  bm_err aerr = store_audit_append(a->st, &ev, &ad);
  if (err == BM_OK && aerr != BM_OK) {
    err = aerr;
    if (diag) *diag = ad;
  }
  if (err != BM_OK) {
    app_api_flight_view_free(v);
    return err;
  }
  parts_state(v);
  *out = v;
  return BM_OK;
}

bm_err app_api_purge(app *a, const app_actor *by, int64_t now_ms, store_api_purge_result *out,
                     bm_diag *diag) {
  if (a == NULL || out == NULL) return bm_diag_set(diag, BM_ERR_USAGE, NULL, 0, 0, "NULL argument");
  if (now_ms == 0) now_ms = store_now_ms();
  store_audit_event ev;
  app_actor system = {0, "system", "", "local"};
  app__audit_fill(&ev, by ? by : &system, "api_data.purge", "api_data", "", "", "ok");
  return store_api_purge(a->st, now_ms, out, &ev, diag);
}

int64_t app_api_retention_ms(const app *a) {
  return a ? a->api_retention_ms : 0;
}

bm_err app_api_cusres(const app_api_ingest *r, int64_t now_ms, char **out, size_t *out_len,
                      bm_diag *diag) {
  if (r == NULL || out == NULL || out_len == NULL)
    return bm_diag_set(diag, BM_ERR_USAGE, NULL, 0, 0, "NULL argument");
  *out = NULL;
  *out_len = 0;
  if (now_ms == 0) now_ms = store_now_ms();
  char *all = NULL;
  size_t len = 0;
  bm_err err = BM_OK;
  cusres_answer *answers = NULL;
  for (size_t i = 0; i < r->nmsgs && err == BM_OK; i++) {
    const app_api_message_result *m = &r->msgs[i];
    /* References unique per answer: the stored message's id, else the time and position. */
    char ref[24];
    if (m->stored)
      snprintf(ref, sizeof ref, "%lld", (long long)m->message.id);
    else
      snprintf(ref, sizeof ref, "%lld%02zu", (long long)(now_ms / 1000 % 100000000), i % 100);
    cusres_opts o = {0, now_ms / 1000, NULL, NULL, ref, ref};
    char *one = NULL;
    size_t n1 = 0;
    if (!m->stored) {
      bm_diag d = {0};
      if (cusres_build_error(m->msg, NULL, m->refused, &o, &one, &n1, &d) != BM_OK) continue;
    } else if (m->npersons == 0) {
      continue; /* a flight cancellation or an empty list: no passenger to answer for */
    } else {
      cusres_answer *grown = realloc(answers, m->npersons * sizeof *answers);
      if (grown == NULL) {
        err = bm_diag_set(diag, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
        break;
      }
      answers = grown;
      for (size_t k = 0; k < m->npersons; k++) {
        const app_api_person_result *p = &r->persons[m->first_person + k];
        answers[k] = cusres_answer_for(p->parsed, p->status);
      }
      bm_diag d = {0};
      err = cusres_build(m->msg, answers, m->npersons, &o, &one, &n1, &d);
      if (err == BM_ERR_INVALID || err == BM_ERR_LIMIT) {
        /* A value a CUSRES cannot carry: the acknowledgement says so, when it can be written. */
        err = BM_OK;
        if (cusres_build_error(m->msg, NULL, d.message, &o, &one, &n1, &d) != BM_OK) continue;
      } else if (err != BM_OK) {
        if (diag) *diag = d;
        break;
      }
    }
    char *grown = realloc(all, len + n1 + 1);
    if (grown == NULL) {
      free(one);
      err = bm_diag_set(diag, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
      break;
    }
    all = grown;
    memcpy(all + len, one, n1);
    len += n1;
    all[len] = '\0';
    free(one);
  }
  free(answers);
  if (err != BM_OK) {
    free(all);
    return err;
  }
  if (all == NULL)
    return bm_diag_set(diag, BM_ERR_INVALID, "body", 0, 0, "no message with passengers to answer");
  *out = all;
  *out_len = len;
  return BM_OK;
}
