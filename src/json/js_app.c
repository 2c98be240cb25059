/* js_app.c - JSON of store records and inspections for the HTTP API (include/bmis/json_app.h). */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bmis/json_app.h"
#include "bmis/json_mrz.h"
#include "bmis/json_paxlst.h"
#include "bmis/json_stay.h"

#define DAY_MS 86400000LL

char *js_time_format(int64_t ms, char buf[32]) {
  long day = (long)(ms >= 0 ? ms / DAY_MS : -((-ms + DAY_MS - 1) / DAY_MS));
  int64_t rest = ms - (int64_t)day * DAY_MS;
  bm_date d = bm_date_from_days(day);
  snprintf(buf, 32, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", (int)d.year, (unsigned)d.month % 100,
           (unsigned)d.day % 100, (int)(rest / 3600000), (int)(rest / 60000 % 60),
           (int)(rest / 1000 % 60), (int)(rest % 1000));
  return buf;
}

/* The number in the n digits at s, or -1 when one of them is not a digit (sscanf's %d would take a
 * sign or a space: "08:-5" is no time). */
static int digits(const char *s, int n) {
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

int js_time_parse(const char *s, int64_t *ms) {
  if (s == NULL) return -1;
  size_t len = strlen(s);
  if (len < 10 || s[4] != '-' || s[7] != '-') return -1;
  int y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2), h = 0, mi = 0, sec = 0;
  int milli = 0;
  if (len > 10) {
    if (len < 19 || s[10] != 'T' || s[13] != ':' || s[16] != ':') return -1;
    h = digits(s + 11, 2), mi = digits(s + 14, 2), sec = digits(s + 17, 2);
    const char *p = s + 19;
    if (*p == '.') {
      int k = 0;
      p++;
      while (k < 3 && *p >= '0' && *p <= '9') milli = milli * 10 + (*p++ - '0'), k++;
      if (k == 0) return -1;
      while (k++ < 3) milli *= 10;
    }
    if (*p == 'Z') p++;
    if (*p != '\0') return -1;
  }
  if (y < 1900 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > bm_days_in_month(y, mo) || h < 0 ||
      h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59)
    return -1;
  bm_date bd = {(int16_t)y, (uint8_t)mo, (uint8_t)d};
  *ms = (int64_t)bm_date_to_days(bd) * DAY_MS + h * 3600000LL + mi * 60000LL + sec * 1000LL + milli;
  return 0;
}

static json_t *str_or_null(const char *s) {
  return s != NULL && s[0] != '\0' ? json_string(s) : json_null();
}

static json_t *time_or_null(int64_t ms) {
  char buf[32];
  return ms != 0 ? json_string(js_time_format(ms, buf)) : json_null();
}

static json_t *id_or_null(int64_t id) {
  return id != 0 ? json_integer(id) : json_null();
}

/* json_object_set_new for many keys; the object is freed and NULL returned when any failed (a
 * NULL value means memory ran out). */
static json_t *finish(json_t *o, int rc) {
  if (o == NULL || rc != 0) {
    json_decref(o);
    return NULL;
  }
  return o;
}

json_t *js_bcp_encode(const store_bcp *b) {
  json_t *o = json_object();
  int rc = o == NULL;
  if (o != NULL) {
    rc |= json_object_set_new(o, "id", json_integer(b->id));
    rc |= json_object_set_new(o, "code", json_string(b->code));
    rc |= json_object_set_new(o, "name", json_string(b->name));
    rc |= json_object_set_new(o, "country", json_string(b->country));
    rc |= json_object_set_new(o, "kind", str_or_null(b->kind));
    rc |= json_object_set_new(o, "active", json_boolean(b->active));
  }
  return finish(o, rc);
}

json_t *js_user_encode(const store_user *u) {
  json_t *o = json_object();
  int rc = o == NULL;
  if (o != NULL) {
    rc |= json_object_set_new(o, "id", json_integer(u->id));
    rc |= json_object_set_new(o, "username", json_string(u->username));
    rc |= json_object_set_new(o, "display_name", str_or_null(u->display_name));
    rc |= json_object_set_new(o, "role", json_string(u->role));
    rc |= json_object_set_new(o, "bcp_id", id_or_null(u->bcp_id));
    rc |= json_object_set_new(o, "disabled", json_boolean(u->disabled));
    rc |= json_object_set_new(o, "locked_until", time_or_null(u->locked_until_ms));
    rc |= json_object_set_new(o, "last_signin", time_or_null(u->last_signin_ms));
  }
  return finish(o, rc);
}

json_t *js_traveller_encode(const store_traveller *t) {
  json_t *o = json_object();
  int rc = o == NULL;
  if (o != NULL) {
    rc |= json_object_set_new(o, "id", json_integer(t->id));
    rc |= json_object_set_new(o, "surname", json_string(t->surname));
    rc |= json_object_set_new(o, "given_names", str_or_null(t->given_names));
    rc |= json_object_set_new(o, "birth_date", str_or_null(t->birth_date));
    rc |= json_object_set_new(o, "sex", str_or_null(t->sex));
    rc |= json_object_set_new(o, "nationality", str_or_null(t->nationality));
  }
  return finish(o, rc);
}

json_t *js_document_encode(const store_document *d) {
  json_t *o = json_object();
  int rc = o == NULL;
  if (o != NULL) {
    rc |= json_object_set_new(o, "id", json_integer(d->id));
    rc |= json_object_set_new(o, "type", str_or_null(d->doc_type));
    rc |= json_object_set_new(o, "number", json_string(d->number));
    rc |= json_object_set_new(o, "issuing_state", json_string(d->issuing_state));
    rc |= json_object_set_new(o, "expiry_date", str_or_null(d->expiry_date));
  }
  return finish(o, rc);
}

json_t *js_crossing_encode(const store_crossing *c) {
  json_t *o = json_object(), *codes = json_array();
  int rc = o == NULL || codes == NULL;
  for (unsigned i = 0; !rc && i < c->nrefusal_codes; i++)
    rc |= json_array_append_new(codes, json_string(c->refusal_codes[i]));
  if (o != NULL) {
    rc |= json_object_set_new(o, "id", json_integer(c->id));
    rc |= json_object_set_new(o, "traveller_id", json_integer(c->traveller_id));
    rc |= json_object_set_new(o, "document_id", id_or_null(c->document_id));
    rc |= json_object_set_new(o, "bcp_id", json_integer(c->bcp_id));
    rc |= json_object_set_new(o, "officer_id", json_integer(c->officer_id));
    rc |= json_object_set_new(o, "direction", json_string(c->direction));
    rc |= json_object_set_new(o, "time", time_or_null(c->time_ms));
    rc |= json_object_set_new(o, "decision", json_string(c->decision));
    rc |= json_object_set_new(o, "refusal_codes", codes);
    codes = NULL;
    rc |= json_object_set_new(o, "remarks", str_or_null(c->remarks));
  }
  json_decref(codes);
  return finish(o, rc);
}

json_t *js_refusal_code_encode(const store_refusal_code *r) {
  json_t *o = json_object();
  int rc = o == NULL;
  if (o != NULL) {
    rc |= json_object_set_new(o, "code", json_string(r->code));
    rc |= json_object_set_new(o, "description", json_string(r->description));
    rc |= json_object_set_new(o, "legal_ref", str_or_null(r->legal_ref));
  }
  return finish(o, rc);
}

json_t *js_referral_encode(const store_referral *r) {
  json_t *o = json_object();
  int rc = o == NULL;
  if (o != NULL) {
    rc |= json_object_set_new(o, "id", json_integer(r->id));
    rc |= json_object_set_new(o, "crossing_id", id_or_null(r->crossing_id));
    rc |= json_object_set_new(o, "traveller_id", id_or_null(r->traveller_id));
    rc |= json_object_set_new(o, "bcp_id", id_or_null(r->bcp_id));
    rc |= json_object_set_new(o, "opened_by", id_or_null(r->opened_by));
    rc |= json_object_set_new(o, "opened", time_or_null(r->opened_ms));
    rc |= json_object_set_new(o, "reason", json_string(r->reason));
    rc |= json_object_set_new(o, "status", json_string(r->status));
    rc |= json_object_set_new(o, "resolved_by", id_or_null(r->resolved_by));
    rc |= json_object_set_new(o, "resolved", time_or_null(r->resolved_ms));
    rc |= json_object_set_new(o, "outcome", str_or_null(r->outcome));
    rc |= json_object_set_new(o, "notes", str_or_null(r->notes));
  }
  return finish(o, rc);
}

json_t *js_disposition_encode(const store_disposition *d) {
  json_t *o = json_object();
  int rc = o == NULL;
  if (o != NULL) {
    rc |= json_object_set_new(o, "id", json_integer(d->id));
    rc |= json_object_set_new(o, "traveller_key", json_string(d->traveller_key));
    rc |= json_object_set_new(o, "watchlist_id", json_integer(d->watchlist_id));
    rc |= json_object_set_new(o, "entry_id", json_string(d->entry_id));
    rc |= json_object_set_new(o, "decision", json_string(d->decision));
    rc |= json_object_set_new(o, "user_id", json_integer(d->user_id));
    rc |= json_object_set_new(o, "reason", json_string(d->reason));
    rc |= json_object_set_new(o, "time", time_or_null(d->time_ms));
  }
  return finish(o, rc);
}

json_t *js_audit_event_encode(const store_audit_event *e) {
  json_t *o = json_object();
  int rc = o == NULL;
  if (o != NULL) {
    rc |= json_object_set_new(o, "id", json_integer(e->id));
    rc |= json_object_set_new(o, "time", time_or_null(e->time_ms));
    rc |= json_object_set_new(o, "actor_id", id_or_null(e->actor_id));
    rc |= json_object_set_new(o, "actor", str_or_null(e->actor_name));
    rc |= json_object_set_new(o, "role", str_or_null(e->role));
    rc |= json_object_set_new(o, "source", str_or_null(e->source_addr));
    rc |= json_object_set_new(o, "action", json_string(e->action));
    rc |= json_object_set_new(o, "object_type", str_or_null(e->object_type));
    rc |= json_object_set_new(o, "object_id", str_or_null(e->object_id));
    rc |= json_object_set_new(o, "reason", str_or_null(e->reason));
    rc |= json_object_set_new(o, "outcome", json_string(e->outcome));
    rc |= json_object_set_new(o, "hash", json_string(e->hash));
  }
  return finish(o, rc);
}

json_t *js_list_info_encode(const app_list_info *l) {
  json_t *o = json_object();
  int rc = o == NULL;
  if (o != NULL) {
    rc |= json_object_set_new(o, "id", json_integer(l->watchlist_id));
    rc |= json_object_set_new(o, "name", json_string(l->name));
    rc |= json_object_set_new(o, "kind", json_string(l->kind));
    rc |= json_object_set_new(o, "version", str_or_null(l->version));
    rc |= json_object_set_new(o, "entries", json_integer(l->entries));
    rc |= json_object_set_new(o, "loaded", time_or_null(l->loaded_ms));
    rc |= json_object_set_new(o, "in_use", json_boolean(l->in_use));
  }
  return finish(o, rc);
}

static const char *kind_name(wl_kind k) {
  switch (k) {
  case WL_KIND_PERSON: return "person";
  case WL_KIND_ENTITY: return "entity";
  case WL_KIND_DOCUMENT: return "document";
  default: return "other";
  }
}

json_t *js_hit_encode(const wl_hit *h, int64_t watchlist_id) {
  json_t *o = json_object(), *reasons = json_array();
  int rc = o == NULL || reasons == NULL;
  for (unsigned i = 0; !rc && i < h->nreasons; i++)
    rc |= json_array_append_new(reasons, json_string(h->reasons[i]));
  if (o != NULL) {
    const wl_entry *e = h->entry;
    rc |= json_object_set_new(o, "list", json_string(h->list));
    rc |= json_object_set_new(o, "watchlist_id", id_or_null(watchlist_id));
    rc |= json_object_set_new(o, "entry_id", json_string(e->id));
    rc |= json_object_set_new(o, "kind", json_string(kind_name(e->kind)));
    rc |= json_object_set_new(
        o, "name", e->nnames > h->name_index ? json_string(e->names[h->name_index]) : json_null());
    rc |= json_object_set_new(o, "primary_name",
                              e->nnames > 0 ? json_string(e->names[0]) : json_null());
    rc |= json_object_set_new(o, "score",
                              json_real((double)(int)(h->score * 1000.0f + 0.5f) / 1000.0));
    rc |= json_object_set_new(o, "name_score",
                              json_real((double)(int)(h->name_score * 1000.0f + 0.5f) / 1000.0));
    rc |= json_object_set_new(o, "document_match", json_boolean(h->document_match));
    rc |= json_object_set_new(o, "category", str_or_null(e->category));
    rc |= json_object_set_new(o, "reasons", reasons);
    reasons = NULL;
  }
  json_decref(reasons);
  return finish(o, rc);
}

json_t *js_inspection_encode(const app_inspection *ins) {
  json_t *o = json_object(), *hits = json_array(), *hist = json_array();
  int rc = o == NULL || hits == NULL || hist == NULL;
  for (unsigned i = 0; !rc && i < ins->nhits; i++)
    rc |= json_array_append_new(hits, js_hit_encode(&ins->hits[i], ins->hit_list_ids[i]));
  for (size_t i = 0; !rc && i < ins->nhistory; i++)
    rc |= json_array_append_new(hist, js_crossing_encode(&ins->history[i]));
  if (o != NULL) {
    json_t *t = js_traveller_encode(&ins->traveller);
    if (t != NULL) rc |= json_object_set_new(t, "new", json_boolean(ins->new_traveller));
    rc |= json_object_set_new(o, "traveller", t);
    rc |= json_object_set_new(o, "document", js_document_encode(&ins->document));
    rc |= json_object_set_new(o, "document_check",
                              ins->from_mrz ? js_mrz_doc_encode(&ins->doc) : json_null());
    rc |= json_object_set_new(o, "hits", hits);
    hits = NULL;
    rc |= json_object_set_new(o, "traveller_key", str_or_null(ins->traveller_key));
    rc |= json_object_set_new(o, "history", hist);
    hist = NULL;
    long today = (long)(ins->time_ms / DAY_MS);
    rc |= json_object_set_new(
        o, "stay",
        ins->stay_applies ? js_stay_result_encode(&ins->stay, NULL, ins->traveller.nationality,
                                                  ins->stay_rule_listed, today)
                          : json_null());
    rc |= json_object_set_new(o, "direction", json_string(ins->direction));
    rc |= json_object_set_new(o, "bcp_id", json_integer(ins->bcp_id));
    rc |= json_object_set_new(o, "time", time_or_null(ins->time_ms));
    json_t *pre = json_null();
    if (ins->prescreened) {
      pre = json_object();
      if (pre != NULL) {
        rc |= json_object_set_new(pre, "flight", js_api_flight_encode(&ins->api_flight));
        rc |= json_object_set_new(pre, "person_id", json_integer(ins->api_person.id));
        rc |= json_object_set_new(pre, "board", json_string(ins->api_person.board));
        rc |= json_object_set_new(pre, "hits", json_integer(ins->api_person.hits));
        rc |= json_object_set_new(pre, "max_score",
                                  json_real((double)ins->api_person.max_score_permille / 1000.0));
        rc |= json_object_set_new(pre, "screened", time_or_null(ins->api_person.screened_ms));
        rc |= json_object_set_new(pre, "seat", str_or_null(ins->api_person.seat));
      }
    }
    rc |= json_object_set_new(o, "prescreened", pre);
  }
  json_decref(hits);
  json_decref(hist);
  return finish(o, rc);
}

/* ---- The hit queue and watchlist entries ---- */

json_t *js_hit_view_encode(const store_hit_view *h) {
  json_t *o = json_object();
  int rc = o == NULL;
  if (o != NULL) {
    rc |= json_object_set_new(o, "id", json_integer(h->hit.id));
    rc |= json_object_set_new(o, "time", time_or_null(h->hit.created_ms));
    rc |= json_object_set_new(o, "traveller_id", id_or_null(h->hit.traveller_id));
    rc |= json_object_set_new(o, "traveller_key", json_string(h->hit.traveller_key));
    rc |= json_object_set_new(o, "surname", str_or_null(h->surname));
    rc |= json_object_set_new(o, "given_names", str_or_null(h->given_names));
    rc |= json_object_set_new(o, "list", json_string(h->list));
    rc |= json_object_set_new(o, "watchlist_id", json_integer(h->hit.watchlist_id));
    rc |= json_object_set_new(o, "entry_id", json_string(h->hit.entry_id));
    rc |= json_object_set_new(o, "score", json_real((double)h->hit.score_permille / 1000.0));
    rc |= json_object_set_new(o, "disposition", str_or_null(h->disposition));
  }
  return finish(o, rc);
}

static json_t *wl_date_encode(const wl_date *d) {
  char buf[32];
  if (d->year_to != d->year && d->year_to != 0)
    snprintf(buf, sizeof buf, "%04d/%04d", (int)d->year, (int)d->year_to);
  else if (d->month == 0)
    snprintf(buf, sizeof buf, "%04d", (int)d->year);
  else if (d->day == 0)
    snprintf(buf, sizeof buf, "%04d-%02u", (int)d->year, (unsigned)d->month % 100);
  else
    snprintf(buf, sizeof buf, "%04d-%02u-%02u", (int)d->year, (unsigned)d->month % 100,
             (unsigned)d->day % 100);
  return json_string(buf);
}

json_t *js_wl_entry_encode(const wl_entry *e) {
  json_t *o = json_object(), *names = json_array(), *dates = json_array(), *nats = json_array(),
         *docs = json_array();
  int rc = o == NULL || names == NULL || dates == NULL || nats == NULL || docs == NULL;
  for (uint32_t i = 0; !rc && i < e->nnames; i++)
    rc |= json_array_append_new(names, json_string(e->names[i]));
  for (uint32_t i = 0; !rc && i < e->nbirth_dates; i++)
    rc |= json_array_append_new(dates, wl_date_encode(&e->birth_dates[i]));
  for (uint32_t i = 0; !rc && i < e->nnationalities; i++)
    rc |= json_array_append_new(nats, json_string(e->nationalities[i]));
  for (uint32_t i = 0; !rc && i < e->ndocuments; i++) {
    const wl_document *d = &e->documents[i];
    rc |= json_array_append_new(docs, json_pack("{s:o, s:s, s:o}", "type", str_or_null(d->type),
                                                "number", d->number ? d->number : "", "country",
                                                str_or_null(d->country)));
  }
  if (o != NULL) {
    char sex[2] = {e->sex, '\0'};
    rc |= json_object_set_new(o, "id", json_string(e->id));
    rc |= json_object_set_new(o, "kind", json_string(kind_name(e->kind)));
    rc |= json_object_set_new(o, "names", names);
    rc |= json_object_set_new(o, "birth_dates", dates);
    rc |= json_object_set_new(o, "nationalities", nats);
    rc |= json_object_set_new(o, "sex", str_or_null(sex));
    rc |= json_object_set_new(o, "documents", docs);
    names = dates = nats = docs = NULL;
    rc |= json_object_set_new(o, "category", str_or_null(e->category));
    rc |= json_object_set_new(o, "notes", str_or_null(e->notes));
  }
  json_decref(names);
  json_decref(dates);
  json_decref(nats);
  json_decref(docs);
  return finish(o, rc);
}

/* ---- Statistics ---- */

char *js_date_format(int64_t ms, char buf[32]) {
  js_time_format(ms, buf);
  buf[10] = '\0';
  return buf;
}

static json_t *counts3(const char *k1, int64_t v1, const char *k2, int64_t v2, const char *k3,
                       int64_t v3) {
  return json_pack("{s:I, s:I, s:I}", k1, (json_int_t)v1, k2, (json_int_t)v2, k3, (json_int_t)v3);
}

json_t *js_crossing_stats_encode(const app_crossing_stats *st, int64_t since_ms) {
  const store_crossing_stats *s = &st->range;
  json_t *o = json_object(), *days = json_array(), *bcps = json_array(), *nats = json_array(),
         *codes = json_array();
  int rc = o == NULL || days == NULL || bcps == NULL || nats == NULL || codes == NULL;
  char buf[32];
  for (size_t i = 0; !rc && i < s->ndays; i++) {
    const store_stats_day *d = &s->days[i];
    rc |= json_array_append_new(days,
                                json_pack("{s:s, s:I, s:I, s:I}", "date",
                                          js_date_format(since_ms + (int64_t)i * DAY_MS, buf),
                                          "entry", (json_int_t)d->entry, "exit",
                                          (json_int_t)d->exit, "refused", (json_int_t)d->refused));
  }
  for (size_t i = 0; !rc && i < s->nbcps; i++)
    rc |= json_array_append_new(bcps, json_pack("{s:I, s:s, s:I}", "bcp_id",
                                                (json_int_t)s->bcps[i].id, "code", s->bcps[i].key,
                                                "count", (json_int_t)s->bcps[i].count));
  int64_t other = s->nationalities_other;
  for (size_t i = 0; !rc && i < s->nnationalities; i++) {
    const store_stats_count *c = &s->nationalities[i];
    if (i >= JS_STATS_NATIONALITIES_TOP) {
      other += c->count;
      continue;
    }
    rc |= json_array_append_new(nats, json_pack("{s:s, s:I}", "nationality",
                                                c->key[0] ? c->key : "unknown", "count",
                                                (json_int_t)c->count));
  }
  if (!rc && other > 0)
    rc |= json_array_append_new(
        nats, json_pack("{s:s, s:I}", "nationality", "other", "count", (json_int_t)other));
  for (size_t i = 0; !rc && i < s->nrefusal_codes; i++)
    rc |= json_array_append_new(codes, json_pack("{s:s, s:I}", "code", s->refusal_codes[i].key,
                                                 "count", (json_int_t)s->refusal_codes[i].count));
  if (o != NULL) {
    int64_t last = since_ms + (int64_t)(s->ndays > 0 ? s->ndays - 1 : 0) * DAY_MS;
    rc |= json_object_set_new(o, "from", json_string(js_date_format(since_ms, buf)));
    rc |= json_object_set_new(o, "to", json_string(js_date_format(last, buf)));
    rc |= json_object_set_new(o, "total", json_integer(s->total));
    rc |= json_object_set_new(o, "by_day", days);
    rc |= json_object_set_new(o, "by_bcp", bcps);
    days = bcps = NULL;
    rc |= json_object_set_new(
        o, "by_direction",
        json_pack("{s:I, s:I}", "entry", (json_int_t)s->entry, "exit", (json_int_t)s->exit));
    rc |= json_object_set_new(
        o, "by_decision",
        counts3("admitted", s->admitted, "refused", s->refused, "referred", s->referred));
    rc |= json_object_set_new(o, "by_nationality", nats);
    nats = NULL;
    rc |= json_object_set_new(o, "by_sex",
                              json_pack("{s:I, s:I, s:I, s:I}", "M", (json_int_t)s->sex_m, "F",
                                        (json_int_t)s->sex_f, "X", (json_int_t)s->sex_x, "unknown",
                                        (json_int_t)s->sex_unknown));
    rc |= json_object_set_new(o, "refusals_by_code", codes);
    codes = NULL;
    rc |= json_object_set_new(
        o, "today",
        counts3("entry", st->today_entry, "exit", st->today_exit, "refused", st->today_refused));
  }
  json_decref(days);
  json_decref(bcps);
  json_decref(nats);
  json_decref(codes);
  return finish(o, rc);
}

json_t *js_hit_stats_encode(const store_hit_stats *s, int64_t since_ms, int64_t until_ms) {
  json_t *o = json_object(), *lists = json_array();
  int rc = o == NULL || lists == NULL;
  char buf[32];
  for (size_t i = 0; !rc && i < s->nlists; i++)
    rc |=
        json_array_append_new(lists, json_pack("{s:s, s:I, s:I}", "list", s->lists[i].name,
                                               "watchlist_id", (json_int_t)s->lists[i].watchlist_id,
                                               "count", (json_int_t)s->lists[i].count));
  if (o != NULL) {
    rc |= json_object_set_new(o, "from", json_string(js_date_format(since_ms, buf)));
    rc |= json_object_set_new(o, "to", json_string(js_date_format(until_ms - 1, buf)));
    rc |= json_object_set_new(o, "total", json_integer(s->total));
    rc |= json_object_set_new(o, "by_list", lists);
    lists = NULL;
    rc |= json_object_set_new(
        o, "dispositions",
        counts3("false_hit", s->false_hit, "true_hit", s->true_hit, "pending", s->pending));
  }
  json_decref(lists);
  return finish(o, rc);
}

/* ---- Advance passenger information ---- */

json_t *js_api_flight_encode(const store_api_flight *f) {
  json_t *o = json_object();
  int rc = o == NULL;
  if (o != NULL) {
    rc |= json_object_set_new(o, "id", json_integer(f->id));
    rc |= json_object_set_new(o, "carrier", json_string(f->carrier));
    rc |= json_object_set_new(o, "number", json_string(f->number));
    rc |= json_object_set_new(o, "departure_airport", str_or_null(f->departure_airport));
    rc |= json_object_set_new(o, "departure_time", str_or_null(f->departure_time));
    rc |= json_object_set_new(o, "arrival_airport", str_or_null(f->arrival_airport));
    rc |= json_object_set_new(o, "arrival_time", str_or_null(f->arrival_time));
    rc |= json_object_set_new(o, "status", json_string(f->status));
    rc |= json_object_set_new(o, "first_received", time_or_null(f->first_received_ms));
    rc |= json_object_set_new(o, "last_received", time_or_null(f->last_received_ms));
    rc |= json_object_set_new(o, "retain_until", time_or_null(f->retain_until_ms));
    rc |= json_object_set_new(o, "persons", json_integer(f->persons));
    rc |= json_object_set_new(o, "persons_with_hits", json_integer(f->persons_with_hits));
    rc |= json_object_set_new(o, "no_board", json_integer(f->no_board));
    rc |= json_object_set_new(o, "messages", json_integer(f->messages));
    rc |= json_object_set_new(o, "max_score", json_real((double)f->max_score_permille / 1000.0));
  }
  return finish(o, rc);
}

json_t *js_api_message_encode(const store_api_message *m) {
  json_t *o = json_object();
  int rc = o == NULL;
  if (o != NULL) {
    rc |= json_object_set_new(o, "id", json_integer(m->id));
    rc |= json_object_set_new(o, "flight_id", json_integer(m->flight_id));
    rc |= json_object_set_new(o, "received", time_or_null(m->received_ms));
    rc |= json_object_set_new(o, "received_by", json_integer(m->received_by));
    rc |= json_object_set_new(o, "sender", str_or_null(m->sender));
    rc |= json_object_set_new(o, "control_ref", str_or_null(m->control_ref));
    rc |= json_object_set_new(o, "message_ref", str_or_null(m->message_ref));
    rc |= json_object_set_new(o, "common_access_ref", str_or_null(m->common_access_ref));
    rc |= json_object_set_new(o, "part", json_integer(m->part));
    rc |= json_object_set_new(o, "last_part", json_boolean(m->last_part));
    rc |= json_object_set_new(o, "list_type", str_or_null(m->list_type));
    rc |= json_object_set_new(o, "document_id", str_or_null(m->document_id));
    rc |= json_object_set_new(o, "persons", json_integer(m->persons));
    rc |= json_object_set_new(o, "errors", json_integer(m->errors));
    rc |= json_object_set_new(o, "warnings", json_integer(m->warnings));
    rc |= json_object_set_new(o, "bytes", json_integer(m->bytes));
  }
  return finish(o, rc);
}

json_t *js_api_hit_encode(const store_api_hit *h) {
  json_t *o = json_object();
  int rc = o == NULL;
  if (o != NULL) {
    rc |= json_object_set_new(o, "list", str_or_null(h->list));
    rc |= json_object_set_new(o, "watchlist_id", json_integer(h->watchlist_id));
    rc |= json_object_set_new(o, "entry_id", json_string(h->entry_id));
    rc |= json_object_set_new(o, "score", json_real((double)h->score_permille / 1000.0));
    rc |= json_object_set_new(o, "document_match", json_boolean(h->document_match));
    rc |= json_object_set_new(o, "matched_name", str_or_null(h->matched_name));
    rc |= json_object_set_new(o, "reasons", str_or_null(h->reasons));
    rc |= json_object_set_new(o, "disposition", str_or_null(h->disposition));
  }
  return finish(o, rc);
}

json_t *js_api_person_encode(const store_api_person *p, const store_api_hit *hits, size_t nhits) {
  json_t *o = json_object(), *hs = json_array();
  int rc = o == NULL || hs == NULL;
  for (size_t i = 0; !rc && i < nhits; i++)
    rc |= json_array_append_new(hs, js_api_hit_encode(&hits[i]));
  if (o != NULL) {
    rc |= json_object_set_new(o, "id", id_or_null(p->id));
    rc |= json_object_set_new(o, "role", str_or_null(p->role));
    rc |= json_object_set_new(o, "surname", str_or_null(p->surname));
    rc |= json_object_set_new(o, "given_names", str_or_null(p->given_names));
    rc |= json_object_set_new(o, "sex", str_or_null(p->sex));
    rc |= json_object_set_new(o, "birth_date", str_or_null(p->birth_date));
    rc |= json_object_set_new(o, "nationality", str_or_null(p->nationality));
    rc |= json_object_set_new(o, "residence_country", str_or_null(p->residence_country));
    rc |= json_object_set_new(o, "document_type", str_or_null(p->doc_type));
    rc |= json_object_set_new(o, "document_number", str_or_null(p->doc_number));
    rc |= json_object_set_new(o, "issuing_state", str_or_null(p->doc_issuing_state));
    rc |= json_object_set_new(o, "expiry_date", str_or_null(p->doc_expiry));
    rc |= json_object_set_new(o, "seat", str_or_null(p->seat));
    rc |= json_object_set_new(o, "reservation_ref", str_or_null(p->reservation_ref));
    rc |= json_object_set_new(o, "passenger_ref", str_or_null(p->passenger_ref));
    rc |= json_object_set_new(o, "embarkation", str_or_null(p->embarkation));
    rc |= json_object_set_new(o, "debarkation", str_or_null(p->debarkation));
    rc |= json_object_set_new(o, "traveller_key", str_or_null(p->traveller_key));
    rc |= json_object_set_new(o, "board", json_string(p->board));
    rc |= json_object_set_new(o, "board_text", str_or_null(p->board_text));
    rc |= json_object_set_new(o, "max_score", json_real((double)p->max_score_permille / 1000.0));
    rc |= json_object_set_new(o, "screened", time_or_null(p->screened_ms));
    rc |= json_object_set_new(o, "hits", hs);
    hs = NULL;
  }
  json_decref(hs);
  return finish(o, rc);
}

/* The diagnostics of a parsed message of severity sev. */
static json_t *diags_of(const paxlst_msg *m, edi_severity sev) {
  json_t *a = json_array();
  for (size_t i = 0; a != NULL && i < m->ndiags; i++)
    if (m->diags[i].severity == sev && json_array_append_new(a, js_edi_diag_encode(&m->diags[i])))
      a = (json_decref(a), NULL);
  return a;
}

json_t *js_api_ingest_encode(const app_api_ingest *r) {
  json_t *o = json_object(), *msgs = json_array(), *persons = json_array();
  int rc = o == NULL || msgs == NULL || persons == NULL;
  size_t stored = 0, with_hits = 0, no_board = 0, insufficient = 0;
  for (size_t i = 0; !rc && i < r->nmsgs; i++) {
    const app_api_message_result *m = &r->msgs[i];
    json_t *x = json_object();
    rc |= x == NULL;
    if (x == NULL) break;
    stored += m->stored;
    rc |= json_object_set_new(x, "message_ref", str_or_null(m->msg->message_ref));
    rc |= json_object_set_new(x, "part", json_integer(m->msg->part));
    rc |= json_object_set_new(x, "last_part", json_boolean(m->msg->last_part));
    rc |= json_object_set_new(x, "stored", json_boolean(m->stored));
    rc |= json_object_set_new(x, "refused", str_or_null(m->refused));
    rc |= json_object_set_new(x, "id", id_or_null(m->stored ? m->message.id : 0));
    rc |= json_object_set_new(x, "flight",
                              m->stored ? js_api_flight_encode(&m->flight) : json_null());
    rc |= json_object_set_new(x, "persons", json_integer((json_int_t)m->msg->npersons));
    rc |= json_object_set_new(x, "errors", diags_of(m->msg, EDI_ERROR));
    rc |= json_object_set_new(x, "warnings", diags_of(m->msg, EDI_WARNING));
    rc |= json_array_append_new(msgs, x);
    for (size_t k = 0; !rc && k < m->npersons; k++) {
      const app_api_person_result *p = &r->persons[m->first_person + k];
      with_hits += p->nhits > 0;
      no_board += strcmp(p->person.board, "no_board") == 0;
      insufficient += strcmp(p->person.board, "insufficient") == 0;
      json_t *pj = js_api_person_encode(&p->person, p->hits, p->nhits);
      if (pj != NULL) {
        rc |= json_object_set_new(pj, "message_ref", str_or_null(m->msg->message_ref));
        rc |= json_object_set_new(pj, "segment", json_integer(p->parsed->segment));
      }
      rc |= json_array_append_new(persons, pj);
    }
  }
  if (o != NULL) {
    rc |= json_object_set_new(o, "messages", msgs);
    msgs = NULL;
    rc |= json_object_set_new(o, "persons", persons);
    persons = NULL;
    rc |= json_object_set_new(o, "summary",
                              json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "messages",
                                        (json_int_t)r->nmsgs, "stored", (json_int_t)stored,
                                        "persons", (json_int_t)r->npersons, "with_hits",
                                        (json_int_t)with_hits, "no_board", (json_int_t)no_board,
                                        "insufficient", (json_int_t)insufficient));
    json_t *lists = json_array();
    for (size_t i = 0; lists != NULL && i < r->nlists; i++)
      if (json_array_append_new(lists, json_pack("{s:s, s:s}", "name", r->lists[i].name, "version",
                                                 r->lists[i].version)))
        lists = (json_decref(lists), NULL);
    rc |= json_object_set_new(o, "screened_against", lists);
    rc |= json_object_set_new(o, "timing_ms",
                              json_pack("{s:f, s:f, s:f}", "parse", r->parse_ms, "screen",
                                        r->screen_ms, "store", r->store_ms));
  }
  json_decref(msgs);
  json_decref(persons);
  return finish(o, rc);
}

json_t *js_api_flight_view_encode(const app_api_flight_view *v) {
  json_t *o = js_api_flight_encode(&v->flight), *msgs = json_array(), *persons = json_array();
  int rc = o == NULL || msgs == NULL || persons == NULL;
  for (size_t i = 0; !rc && i < v->nmessages; i++)
    rc |= json_array_append_new(msgs, js_api_message_encode(&v->messages[i]));
  /* v->hits is ordered by person id: find each person's run. */
  for (size_t i = 0; !rc && i < v->npersons; i++) {
    size_t first = 0, n = 0;
    for (size_t k = 0; k < v->nhits; k++) {
      if (v->hits[k].person_id != v->persons[i].id) continue;
      if (n == 0) first = k;
      n++;
    }
    rc |= json_array_append_new(persons, js_api_person_encode(&v->persons[i], v->hits + first, n));
  }
  if (o != NULL) {
    rc |= json_object_set_new(o, "parts_last", json_integer(v->parts_last));
    rc |= json_object_set_new(o, "parts_complete", json_boolean(v->parts_complete));
    rc |= json_object_set_new(o, "message_list", msgs);
    msgs = NULL;
    rc |= json_object_set_new(o, "person_list", persons);
    persons = NULL;
  }
  json_decref(msgs);
  json_decref(persons);
  return finish(o, rc);
}
