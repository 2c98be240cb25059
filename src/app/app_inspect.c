/* app_inspect.c - primary inspection and the decisions that follow it (include/bmis/app.h).
 *
 * An inspection is what the booth shows after a scan: the document check, the watchlist hits
 * (less the hits officers verified as false for this traveller), the traveller's previous
 * crossings and, for an entry, the stay calculation over the recorded stays. It records the
 * traveller and the document (the crossing that follows refers to them) and one audit event.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/app_internal.h"

#define DAY_MS 86400000LL

static bool is_direction(const char *d) {
  return d != NULL && (strcmp(d, "entry") == 0 || strcmp(d, "exit") == 0);
}

static long day_of_ms(int64_t ms) {
  return (long)(ms >= 0 ? ms / DAY_MS : -((-ms + DAY_MS - 1) / DAY_MS));
}

/* Copy an MRZ field without its fillers ('<' as spaces, trimmed) into out. */
static void span_text(const mrz_doc *d, mrz_span sp, char *out, size_t cap) {
  mrz_span_text(d, sp, out, cap);
}

/* "YYYY-MM-DD" of a date, "" when unknown. */
static void date_text(bm_date d, char *out, size_t cap) {
  if (d.year <= 0 || d.year > 9999 || d.month > 12 || d.day > 31 || cap < 11)
    out[0] = '\0';
  else
    snprintf(out, cap, "%04d-%02u-%02u", (int)d.year, (unsigned)(d.month % 100),
             (unsigned)(d.day % 100));
}

/* Parse "YYYY-MM-DD" (or "" / NULL: unknown). */
static bool parse_date(const char *s, bm_date *out) {
  memset(out, 0, sizeof *out);
  if (s == NULL || s[0] == '\0') return true;
  int y, m, d;
  char tail;
  if (sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3) return false;
  if (y < 1800 || y > 2200 || m < 1 || m > 12 || d < 1 || d > bm_days_in_month(y, m)) return false;
  out->year = (int16_t)y;
  out->month = (uint8_t)m;
  out->day = (uint8_t)d;
  return true;
}

/* Copy a typed field with a limit; false when it does not fit. */
static bool copy_field(char *dst, size_t cap, const char *src) {
  if (src == NULL) src = "";
  size_t n = strlen(src);
  if (n >= cap) return false;
  memcpy(dst, src, n + 1);
  return true;
}

/* The traveller and document from the MRZ or the typed fields. */
static bm_err identify(const app_inspect_in *in, app_inspection *out, bm_diag *diag) {
  store_traveller *t = &out->traveller;
  store_document *d = &out->document;
  if (in->mrz != NULL && in->mrz[0] != '\0') {
    size_t len = strlen(in->mrz);
    if (len > 4 * MRZ_TEXT_ROW_BYTES)
      return bm_diag_set(diag, BM_ERR_LIMIT, "mrz", 0, 0, "an MRZ is at most 3 lines of 44");
    mrz_opts o = {MRZ_OPT_AUTOCORRECT, {0, 0, 0}};
    mrz_parse_text(in->mrz, len, &o, &out->doc);
    out->from_mrz = true;
    if (out->doc.format == MRZ_FORMAT_UNKNOWN)
      return bm_diag_set(diag, BM_ERR_INVALID, "mrz", 0, 0,
                         "not a machine readable zone of a known format (TD1, TD2, TD3, MRV-A, "
                         "MRV-B)");
    const mrz_doc *m = &out->doc;
    span_text(m, m->surname, t->surname, sizeof t->surname);
    span_text(m, m->given_names, t->given_names, sizeof t->given_names);
    date_text(m->birth_date.date, t->birth_date, sizeof t->birth_date);
    if (m->sex == 'M' || m->sex == 'F' || m->sex == 'X')
      snprintf(t->sex, sizeof t->sex, "%c", m->sex);
    span_text(m, m->nationality, t->nationality, sizeof t->nationality);
    char code[8];
    span_text(m, m->document_code, code, sizeof code);
    snprintf(d->doc_type, sizeof d->doc_type, "%.2s", code[0] ? code : "P");
    snprintf(d->number, sizeof d->number, "%s", m->document_number);
    span_text(m, m->issuing_state, d->issuing_state, sizeof d->issuing_state);
    date_text(m->expiry_date.date, d->expiry_date, sizeof d->expiry_date);
  } else {
    bm_date bd;
    if (!parse_date(in->birth_date, &bd))
      return bm_diag_set(diag, BM_ERR_INVALID, "birth_date", 0, 0, "birth_date is YYYY-MM-DD");
    struct {
      char *dst;
      size_t cap;
      const char *src, *field;
      bool required;
    } f[] = {
        {t->surname, sizeof t->surname, in->surname, "surname", true},
        {t->given_names, sizeof t->given_names, in->given_names, "given_names", false},
        {t->birth_date, sizeof t->birth_date, in->birth_date, "birth_date", false},
        {t->sex, sizeof t->sex, in->sex, "sex", false},
        {t->nationality, sizeof t->nationality, in->nationality, "nationality", false},
        {d->number, sizeof d->number, in->document_number, "document_number", true},
        {d->issuing_state, sizeof d->issuing_state, in->issuing_state, "issuing_state", true},
        {d->doc_type, sizeof d->doc_type, in->document_type ? in->document_type : "P",
         "document_type", false},
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
      if (!copy_field(f[i].dst, f[i].cap, f[i].src))
        return bm_diag_set(diag, BM_ERR_LIMIT, f[i].field, 0, 0, "%s is longer than %zu bytes",
                           f[i].field, f[i].cap - 1);
      if (f[i].required && f[i].dst[0] == '\0')
        return bm_diag_set(diag, BM_ERR_INVALID, f[i].field, 0, 0, "%s is required", f[i].field);
    }
    if (t->sex[0] != '\0' && strcmp(t->sex, "M") && strcmp(t->sex, "F") && strcmp(t->sex, "X"))
      return bm_diag_set(diag, BM_ERR_INVALID, "sex", 0, 0, "sex is M, F or X");
  }
  if (d->number[0] == '\0' || d->issuing_state[0] == '\0')
    return bm_diag_set(diag, BM_ERR_INVALID, d->number[0] ? "issuing_state" : "document_number", 0,
                       0, "the document has no %s", d->number[0] ? "issuing state" : "number");
  return BM_OK;
}

/* Screening query of the traveller (strings borrowed from out). */
static wl_query make_query(const app_inspection *out) {
  wl_query q;
  memset(&q, 0, sizeof q);
  const store_traveller *t = &out->traveller;
  q.surname = t->surname;
  q.given_names = t->given_names;
  bm_date bd;
  if (parse_date(t->birth_date, &bd) && bd.year != 0) {
    q.birth.year = q.birth.year_to = bd.year;
    q.birth.month = bd.month;
    q.birth.day = bd.day;
  }
  /* Lists give alpha-3 codes; the MRZ writes Germany as D: compare like with like. */
  q.nationality =
      t->nationality[0] ? wl_country_code(t->nationality, strlen(t->nationality)) : NULL;
  q.sex = (t->sex[0] == 'M' || t->sex[0] == 'F') ? t->sex[0] : 0;
  q.document_number = out->document.number;
  q.document_country =
      wl_country_code(out->document.issuing_state, strlen(out->document.issuing_state));
  if (q.document_country == NULL) q.document_country = out->document.issuing_state;
  q.document_type = out->document.doc_type;
  return q;
}

/* Screen against the snapshot, less verified false hits. */
static bm_err screen(app *a, app_inspection *out, bm_diag *diag) {
  app_snap *sn = app__snap_acquire(a);
  out->snapshot_ = sn;
  if (sn == NULL || sn->ix == NULL) return BM_OK;
  wl_query q = make_query(out);
  wl_traveller_key(&q, out->traveller_key, sizeof out->traveller_key);
  wl_dispositions *disp = NULL;
  store_disposition *ds = malloc(APP_DISPOSITIONS_MAX * sizeof *ds);
  size_t nd = 0;
  if (ds == NULL) return bm_diag_set(diag, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  bm_err err =
      store_disposition_list(a->st, out->traveller_key, 0, ds, APP_DISPOSITIONS_MAX, &nd, diag);
  if (err == BM_OK && nd > 0) {
    disp = wl_dispositions_new();
    if (disp == NULL) err = bm_diag_set(diag, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    /* The latest decision on a (list, entry) wins: a false hit later confirmed true is raised. */
    for (size_t i = 0; err == BM_OK && i < nd; i++) {
      if (strcmp(ds[i].decision, "false_hit") != 0) continue;
      bool later_true = false;
      for (size_t k = i + 1; k < nd; k++)
        later_true = later_true || (ds[k].watchlist_id == ds[i].watchlist_id &&
                                    strcmp(ds[k].entry_id, ds[i].entry_id) == 0 &&
                                    strcmp(ds[k].decision, "true_hit") == 0);
      if (later_true) continue;
      for (size_t l = 0; l < sn->nlists; l++)
        if (sn->info[l].watchlist_id == ds[i].watchlist_id)
          err = wl_dispositions_add(disp, out->traveller_key, sn->info[l].name, ds[i].entry_id);
    }
  }
  free(ds);
  if (err == BM_OK) {
    wl_screen_opts o = {a->threshold, APP_HITS_MAX, disp};
    bm_err qerr = BM_OK;
    err = wl_screen_batch(sn->ix, &q, 1, &o, 1, out->hits, &out->nhits, &qerr);
    if (err == BM_OK && qerr != BM_OK && qerr != BM_ERR_INVALID) err = qerr;
    if (err != BM_OK) bm_diag_set(diag, err, NULL, 0, 0, "screening failed: %s", bm_err_str(err));
    if (qerr == BM_ERR_INVALID) out->nhits = 0; /* a name without letters: nothing to screen */
  }
  for (unsigned i = 0; i < out->nhits; i++) {
    out->hit_list_ids[i] = 0;
    for (size_t l = 0; l < sn->nlists; l++)
      if (strcmp(sn->info[l].name, out->hits[i].list) == 0)
        out->hit_list_ids[i] = sn->info[l].watchlist_id;
  }
  wl_dispositions_free(disp);
  return err;
}

/* The stays recorded for the traveller, oldest first, from admitted entries and exits. */
static size_t stays_of(const store_crossing *c, size_t n, stay_stay *out, long today) {
  size_t k = 0;
  bool open = false;
  for (size_t i = n; i-- > 0;) { /* c is newest first */
    const store_crossing *x = &c[i];
    if (strcmp(x->decision, "admitted") != 0) continue;
    long day = day_of_ms(x->time_ms);
    if (day > today) continue;
    if (strcmp(x->direction, "entry") == 0) {
      if (open) continue; /* an exit was not recorded: keep the first entry */
      if (k > 0 && out[k - 1].exit != STAY_DAY_NONE && day < out[k - 1].exit) continue;
      out[k].entry = day;
      out[k].exit = STAY_DAY_NONE;
      k++;
      open = true;
    } else if (open) {
      out[k - 1].exit = day;
      open = false;
    }
  }
  return k;
}

/* The stay rule: at an entry, for the stay that begins; at an exit, for the stay that ends (an
 * overstay shows there), when one is recorded as ongoing. */
static bm_err stay_calc(app *a, app_inspection *out, bm_diag *diag) {
  bool entry = strcmp(out->direction, "entry") == 0;
  store_crossing *c = malloc(APP_STAYS_MAX * sizeof *c);
  stay_stay *stays = malloc(APP_STAYS_MAX * sizeof *stays);
  bm_err err = BM_OK;
  if (c == NULL || stays == NULL) {
    err = bm_diag_set(diag, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  } else {
    size_t n = 0;
    err = store_crossing_list_by_traveller(a->st, out->traveller.id, c, APP_STAYS_MAX, &n, diag);
    if (err == BM_OK) {
      long today = day_of_ms(out->time_ms);
      size_t ns = stays_of(c, n, stays, today);
      /* An entry recorded while the last stay is still open: that stay is the one assessed. */
      stay_query q = stay_query_make(today);
      bool ongoing = ns > 0 && stays[ns - 1].exit == STAY_DAY_NONE;
      q.entry = ongoing ? stays[ns - 1].entry : today;
      if (!entry && !ongoing) ns = SIZE_MAX; /* an exit without a recorded entry: nothing to say */
      const stay_rule *rule =
          stay_policy_lookup(&a->stay, out->traveller.nationality, &out->stay_rule_listed);
      bm_diag d;
      out->stay_applies =
          ns != SIZE_MAX && stay_evaluate(rule, stays, ns, &q, &out->stay, &d) == BM_OK;
    }
  }
  free(c);
  free(stays);
  return err;
}

/* The hits shown, as store records for the hit queue and the statistics (their traveller id is
 * filled in by store_inspection_write). Returns how many. */
static size_t collect_hits(const app_inspection *out, store_hit *hs) {
  size_t n = 0;
  for (unsigned i = 0; i < out->nhits; i++) {
    if (out->hit_list_ids[i] == 0) continue; /* a list not in the store: cannot be referenced */
    store_hit h;
    memset(&h, 0, sizeof h);
    snprintf(h.traveller_key, sizeof h.traveller_key, "%s", out->traveller_key);
    h.watchlist_id = out->hit_list_ids[i];
    snprintf(h.entry_id, sizeof h.entry_id, "%s", out->hits[i].entry->id);
    float sc = out->hits[i].score;
    h.score_permille = sc <= 0.0f ? 0 : sc >= 1.0f ? 1000 : (int)(sc * 1000.0f + 0.5f);
    h.created_ms = out->time_ms;
    if (h.traveller_key[0] == '\0' || h.entry_id[0] == '\0') continue;
    hs[n++] = h;
  }
  return n;
}

bm_err app_hits_list(app *a, const app_actor *by, bool pending_only, store_hit_view *out,
                     size_t cap, size_t *n, bm_diag *diag) {
  if (a == NULL || by == NULL || n == NULL || (out == NULL && cap > 0))
    return bm_diag_set(diag, BM_ERR_USAGE, NULL, 0, 0, "app_hits_list: NULL argument");
  *n = 0;
  store_hit_filter f = {pending_only ? 1 : 0, 0};
  bm_err err = store_hit_list(a->st, &f, out, cap, n, diag);
  char why[48];
  snprintf(why, sizeof why, "%zu hits", *n);
  bm_err aerr = app_audit(a, by, "hit.list", "hit", pending_only ? "pending" : "all", why,
                          err == BM_OK ? "ok" : "failed", err == BM_OK ? diag : NULL);
  return err != BM_OK ? err : aerr;
}

bm_err app_hit_stats_get(app *a, const app_actor *by, int64_t since_ms, int64_t until_ms,
                         store_hit_stats *out, bm_diag *diag) {
  if (a == NULL || by == NULL || out == NULL)
    return bm_diag_set(diag, BM_ERR_USAGE, NULL, 0, 0, "app_hit_stats_get: NULL argument");
  store_stats_filter f = {since_ms, until_ms, 0, 0};
  return store_hit_stats_get(a->st, &f, out, diag);
}

bm_err app_inspect(app *a, const app_actor *by, const app_inspect_in *in, app_inspection *out,
                   bm_diag *diag) {
  if (a == NULL || by == NULL || in == NULL || out == NULL)
    return bm_diag_set(diag, BM_ERR_USAGE, NULL, 0, 0, "app_inspect: NULL argument");
  memset(out, 0, sizeof *out);
  if (!is_direction(in->direction))
    return bm_diag_set(diag, BM_ERR_INVALID, "direction", 0, 0, "direction is entry or exit");
  store_bcp bcp;
  bm_err err = store_bcp_get(a->st, in->bcp_id, &bcp, diag);
  if (err == BM_ERR_NOTFOUND)
    return bm_diag_set(diag, BM_ERR_INVALID, "bcp_id", 0, 0, "no border crossing point %lld",
                       (long long)in->bcp_id);
  if (err != BM_OK) return err;
  snprintf(out->direction, sizeof out->direction, "%s", in->direction);
  out->bcp_id = in->bcp_id;
  out->time_ms = in->time_ms ? in->time_ms : store_now_ms();
  err = identify(in, out, diag);
  if (err != BM_OK) return err;
  /* Screen first (it needs the name, not the stored traveller), then write the traveller, the
   * document, the hits and the audit event as one durable write: the booth waits for one
   * commit, not one per record. */
  char why[64];
  err = screen(a, out, diag);
  if (err == BM_OK) {
    store_hit hs[APP_HITS_MAX];
    size_t nh = collect_hits(out, hs);
    store_audit_event ev;
    snprintf(why, sizeof why, "%s inspection at BCP %s, %u hits", out->direction, bcp.code,
             out->nhits);
    app__audit_fill(&ev, by, "inspection.create", "traveller", NULL, why, "ok");
    int created = 0;
    err =
        store_inspection_write(a->st, &out->traveller, &out->document, &created, hs, nh, &ev, diag);
    out->new_traveller = created != 0;
  }
  if (err != BM_OK) { /* the attempt is audited all the same */
    snprintf(why, sizeof why, "%s inspection at BCP %s", out->direction, bcp.code);
    app_audit(a, by, "inspection.create", "traveller", NULL, why, "failed", NULL);
    app_inspection_release(a, out);
    return err;
  }
  err = store_crossing_list_by_traveller(a->st, out->traveller.id, out->history, APP_HISTORY_MAX,
                                         &out->nhistory, diag);
  if (err == BM_OK) err = stay_calc(a, out, diag);
  if (err == BM_OK && strcmp(out->direction, "entry") == 0) {
    /* Was the traveller on a flight's passenger list, screened before arrival? */
    bm_diag d = {0};
    bm_err e = store_api_person_find(a->st, out->document.number, out->document.issuing_state,
                                     out->time_ms - APP_API_PRESCREEN_WINDOW_MS, &out->api_person,
                                     &out->api_flight, &d);
    out->prescreened = e == BM_OK;
    if (e != BM_OK && e != BM_ERR_NOTFOUND) {
      err = e;
      if (diag) *diag = d;
    }
  }
  if (err != BM_OK) app_inspection_release(a, out);
  return err;
}

void app_inspection_release(app *a, app_inspection *ins) {
  if (a == NULL || ins == NULL) return;
  app__snap_release(a, ins->snapshot_);
  ins->snapshot_ = NULL;
  ins->nhits = 0;
}

bm_err app_crossing_record(app *a, const app_actor *by, const app_crossing_in *in,
                           store_crossing *out, int64_t *referral_id, bm_diag *diag) {
  if (a == NULL || by == NULL || in == NULL || out == NULL)
    return bm_diag_set(diag, BM_ERR_USAGE, NULL, 0, 0, "app_crossing_record: NULL argument");
  if (referral_id != NULL) *referral_id = 0;
  memset(out, 0, sizeof *out);
  if (!is_direction(in->direction))
    return bm_diag_set(diag, BM_ERR_INVALID, "direction", 0, 0, "direction is entry or exit");
  const char *dec = in->decision ? in->decision : "";
  bool refused = strcmp(dec, "refused") == 0, referred = strcmp(dec, "referred") == 0;
  if (!refused && !referred && strcmp(dec, "admitted") != 0)
    return bm_diag_set(diag, BM_ERR_INVALID, "decision", 0, 0,
                       "decision is admitted, refused or referred");
  if (refused && in->nrefusal_codes == 0)
    return bm_diag_set(diag, BM_ERR_INVALID, "refusal_codes", 0, 0,
                       "a refusal needs at least one refusal code (Annex V Part B)");
  if (!refused && in->nrefusal_codes > 0)
    return bm_diag_set(diag, BM_ERR_INVALID, "refusal_codes", 0, 0,
                       "refusal codes are only for a refusal");
  if (in->nrefusal_codes > STORE_REFUSALS_MAX)
    return bm_diag_set(diag, BM_ERR_LIMIT, "refusal_codes", 0, 0, "at most %d refusal codes",
                       STORE_REFUSALS_MAX);
  if (referred && (in->referral_reason == NULL || in->referral_reason[0] == '\0'))
    return bm_diag_set(diag, BM_ERR_INVALID, "referral_reason", 0, 0,
                       "a referral to second line needs a reason");
  out->traveller_id = in->traveller_id;
  out->document_id = in->document_id;
  out->bcp_id = in->bcp_id;
  out->officer_id = by->user_id;
  snprintf(out->direction, sizeof out->direction, "%s", in->direction);
  snprintf(out->decision, sizeof out->decision, "%s", dec);
  out->time_ms = in->time_ms ? in->time_ms : store_now_ms();
  for (size_t i = 0; i < in->nrefusal_codes; i++) {
    if (!copy_field(out->refusal_codes[i], sizeof out->refusal_codes[i], in->refusal_codes[i]))
      return bm_diag_set(diag, BM_ERR_INVALID, "refusal_codes", 0, 0, "unknown refusal code");
  }
  out->nrefusal_codes = (unsigned)in->nrefusal_codes;
  if (!copy_field(out->remarks, sizeof out->remarks, in->remarks))
    return bm_diag_set(diag, BM_ERR_LIMIT, "remarks", 0, 0, "remarks are at most %d bytes",
                       STORE_REMARKS_BYTES_MAX - 1);
  bm_err err = store_crossing_add(a->st, out, diag);
  if (err == BM_OK && referred) {
    store_referral r;
    memset(&r, 0, sizeof r);
    r.crossing_id = out->id;
    r.traveller_id = out->traveller_id;
    r.bcp_id = out->bcp_id;
    r.opened_by = by->user_id;
    r.opened_ms = out->time_ms;
    if (!copy_field(r.reason, sizeof r.reason, in->referral_reason))
      err = bm_diag_set(diag, BM_ERR_LIMIT, "referral_reason", 0, 0, "reason too long");
    if (err == BM_OK) err = store_referral_open(a->st, &r, diag);
    if (err == BM_OK && referral_id != NULL) *referral_id = r.id;
  }
  char object[32] = ""; /* a failed write has no id (a rolled-back insert's is reused) */
  if (err == BM_OK) snprintf(object, sizeof object, "%lld", (long long)out->id);
  bm_err aerr = app_audit(a, by, "crossing.create", "crossing", object, dec,
                          err == BM_OK ? "ok" : "failed", err == BM_OK ? diag : NULL);
  return err != BM_OK ? err : aerr;
}

bm_err app_referral_resolve(app *a, const app_actor *by, int64_t referral_id, const char *outcome,
                            const char *const *refusal_codes, size_t ncodes, const char *notes,
                            store_referral *out, bm_diag *diag) {
  if (a == NULL || by == NULL || out == NULL)
    return bm_diag_set(diag, BM_ERR_USAGE, NULL, 0, 0, "app_referral_resolve: NULL argument");
  bool refused = outcome != NULL && strcmp(outcome, "refused") == 0;
  if (!refused && (outcome == NULL || strcmp(outcome, "admitted") != 0))
    return bm_diag_set(diag, BM_ERR_INVALID, "outcome", 0, 0, "outcome is admitted or refused");
  /* Second line overrides or confirms the first: the decision needs its reason. */
  if (notes == NULL || notes[0] == '\0')
    return bm_diag_set(diag, BM_ERR_INVALID, "notes", 0, 0,
                       "resolving a referral needs notes giving the reason for the outcome");
  bm_err err = store_referral_get(a->st, referral_id, out, diag);
  if (err != BM_OK) return err;
  if (strcmp(out->status, "open") != 0)
    return bm_diag_set(diag, BM_ERR_INVALID, "status", 0, 0, "the referral is already resolved");
  /* The second-line decision is a crossing of its own, refused or admitted. */
  store_crossing first;
  err = store_crossing_get(a->st, out->crossing_id, &first, diag);
  if (err != BM_OK) return err;
  app_crossing_in ci = {0};
  ci.traveller_id = first.traveller_id;
  ci.document_id = first.document_id;
  ci.bcp_id = first.bcp_id;
  ci.direction = first.direction;
  ci.decision = outcome;
  ci.refusal_codes = refusal_codes;
  ci.nrefusal_codes = refused ? ncodes : 0;
  ci.remarks = notes;
  store_crossing decided;
  err = app_crossing_record(a, by, &ci, &decided, NULL, diag);
  if (err != BM_OK) return err;
  err = store_referral_resolve(a->st, referral_id, by->user_id, store_now_ms(), outcome,
                               notes ? notes : "", diag);
  if (err == BM_OK) err = store_referral_get(a->st, referral_id, out, diag);
  char object[32];
  snprintf(object, sizeof object, "%lld", (long long)referral_id);
  bm_err aerr = app_audit(a, by, "referral.resolve", "referral", object, outcome,
                          err == BM_OK ? "ok" : "failed", err == BM_OK ? diag : NULL);
  return err != BM_OK ? err : aerr;
}

bm_err app_disposition_add(app *a, const app_actor *by, const char *traveller_key,
                           int64_t watchlist_id, const char *entry_id, const char *decision,
                           const char *reason, store_disposition *out, bm_diag *diag) {
  if (a == NULL || by == NULL || out == NULL)
    return bm_diag_set(diag, BM_ERR_USAGE, NULL, 0, 0, "app_disposition_add: NULL argument");
  memset(out, 0, sizeof *out);
  if (decision == NULL || (strcmp(decision, "false_hit") != 0 && strcmp(decision, "true_hit") != 0))
    return bm_diag_set(diag, BM_ERR_INVALID, "decision", 0, 0, "decision is false_hit or true_hit");
  if (reason == NULL || reason[0] == '\0')
    return bm_diag_set(diag, BM_ERR_INVALID, "reason", 0, 0, "a disposition needs a reason");
  if (!copy_field(out->traveller_key, sizeof out->traveller_key, traveller_key) ||
      out->traveller_key[0] == '\0')
    return bm_diag_set(diag, BM_ERR_INVALID, "traveller_key", 0, 0,
                       "traveller_key (from the inspection) is required");
  if (!copy_field(out->entry_id, sizeof out->entry_id, entry_id) || out->entry_id[0] == '\0')
    return bm_diag_set(diag, BM_ERR_INVALID, "entry_id", 0, 0, "entry_id is required");
  if (!copy_field(out->reason, sizeof out->reason, reason))
    return bm_diag_set(diag, BM_ERR_LIMIT, "reason", 0, 0, "reason is at most %d bytes",
                       STORE_REASON_BYTES_MAX - 1);
  out->watchlist_id = watchlist_id;
  snprintf(out->decision, sizeof out->decision, "%s", decision);
  out->user_id = by->user_id;
  out->time_ms = store_now_ms();
  bm_err err = store_disposition_add(a->st, out, diag);
  char object[STORE_OBJECT_ID_BYTES_MAX];
  snprintf(object, sizeof object, "%lld:%.100s", (long long)watchlist_id, out->entry_id);
  bm_err aerr = app_audit(a, by, "disposition.create", "watchlist_entry", object, reason,
                          err == BM_OK ? "ok" : "failed", err == BM_OK ? diag : NULL);
  return err != BM_OK ? err : aerr;
}

bm_err app_overstayers(app *a, const app_actor *by, int64_t since_ms, int64_t today_ms,
                       app_overstayer *out, size_t cap, size_t *n, size_t *examined,
                       bm_diag *diag) {
  if (a == NULL || by == NULL || n == NULL || (out == NULL && cap > 0))
    return bm_diag_set(diag, BM_ERR_USAGE, NULL, 0, 0, "app_overstayers: NULL argument");
  *n = 0;
  if (examined != NULL) *examined = 0;
  if (today_ms == 0) today_ms = store_now_ms();
  long today = day_of_ms(today_ms);
  store_open_stay *open = malloc(APP_OPEN_STAYS_MAX * sizeof *open);
  store_crossing *c = malloc(APP_STAYS_MAX * sizeof *c);
  stay_stay *stays = malloc(APP_STAYS_MAX * sizeof *stays);
  size_t nopen = 0;
  bm_err err = BM_OK;
  if (open == NULL || c == NULL || stays == NULL)
    err = bm_diag_set(diag, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  if (err == BM_OK)
    err = store_open_stay_list(a->st, since_ms, open, APP_OPEN_STAYS_MAX, &nopen, diag);
  for (size_t i = 0; err == BM_OK && i < nopen && *n < cap; i++) {
    size_t nc = 0;
    err =
        store_crossing_list_by_traveller(a->st, open[i].traveller_id, c, APP_STAYS_MAX, &nc, diag);
    if (err != BM_OK) break;
    size_t ns = stays_of(c, nc, stays, today);
    if (ns == 0 || stays[ns - 1].exit != STAY_DAY_NONE) continue; /* a later entry not yet due */
    bool listed = false;
    const stay_rule *rule = stay_policy_lookup(&a->stay, open[i].nationality, &listed);
    stay_query q = stay_query_make(today);
    q.entry = stays[ns - 1].entry;
    stay_result r;
    bm_diag d;
    if (stay_evaluate(rule, stays, ns, &q, &r, &d) != BM_OK || !r.overstay) continue;
    app_overstayer *o = &out[*n];
    memset(o, 0, sizeof *o);
    size_t nd = 0;
    err = store_traveller_get(a->st, open[i].traveller_id, &o->traveller, NULL, 0, &nd, diag);
    if (err != BM_OK) break;
    o->entry_ms = open[i].entry_ms;
    o->stay = r;
    o->listed_rule = listed;
    (*n)++;
  }
  if (examined != NULL) *examined = nopen;
  free(open);
  free(c);
  free(stays);
  char why[64];
  snprintf(why, sizeof why, "%zu overstayers of %zu stays", *n, nopen);
  bm_err aerr = app_audit(a, by, "overstayers.list", "report", "overstayers", why,
                          err == BM_OK ? "ok" : "failed", err == BM_OK ? diag : NULL);
  return err != BM_OK ? err : aerr;
}

bm_err app_traveller_read(app *a, const app_actor *by, int64_t id, store_traveller *t,
                          store_document *docs, size_t docs_cap, size_t *ndocs,
                          store_crossing *crossings, size_t cross_cap, size_t *ncross,
                          bm_diag *diag) {
  if (a == NULL || by == NULL || t == NULL)
    return bm_diag_set(diag, BM_ERR_USAGE, NULL, 0, 0, "app_traveller_read: NULL argument");
  bm_err err = store_traveller_get(a->st, id, t, docs, docs_cap, ndocs, diag);
  if (err == BM_OK && crossings != NULL)
    err = store_crossing_list_by_traveller(a->st, id, crossings, cross_cap, ncross, diag);
  char object[32];
  snprintf(object, sizeof object, "%lld", (long long)id);
  bm_err aerr = app_audit(a, by, "traveller.read", "traveller", object, NULL,
                          err == BM_OK ? "ok" : (err == BM_ERR_NOTFOUND ? "not_found" : "failed"),
                          err == BM_OK ? diag : NULL);
  return err != BM_OK ? err : aerr;
}
