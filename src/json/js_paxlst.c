/* js_paxlst.c - PAXLST messages to JSON (see include/bmis/json_paxlst.h). */
#include <stdio.h>
#include <string.h>

#include "bmis/json_paxlst.h"

/* A JSON string, or null for NULL. Every text of a paxlst_msg is UTF-8 already, but diagnostic
 * messages are truncated at a fixed size, which may cut a sequence: then non-ASCII bytes become
 * '?' rather than losing the diagnostic (jansson refuses invalid UTF-8). */
static json_t *str(const char *s) {
  if (s == NULL) return json_null();
  json_t *j = json_string(s);
  if (j != NULL) return j;
  char buf[BM_DIAG_MESSAGE_BYTES_MAX];
  size_t n = 0;
  for (; *s != '\0' && n + 1 < sizeof buf; s++) buf[n++] = ((unsigned char)*s < 0x80) ? *s : '?';
  buf[n] = '\0';
  return json_string(buf);
}

json_t *js_edi_diag_encode(const edi_diag *d) {
  json_t *o = json_object();
  if (o == NULL) return NULL;
  int rc = json_object_set_new(o, "segment", json_integer(d->d.segment));
  rc |= json_object_set_new(o, "tag", str(d->tag));
  rc |= json_object_set_new(o, "code", str(edi_code_name(d->code)));
  if (d->d.field[0] != '\0') rc |= json_object_set_new(o, "field", str(d->d.field));
  rc |= json_object_set_new(o, "message", str(d->d.message));
  if (rc != 0) {
    json_decref(o);
    return NULL;
  }
  return o;
}

static json_t *leg_json(const paxlst_leg *l) {
  if (l == NULL) return json_null();
  json_t *o = json_object();
  if (o == NULL) return NULL;
  json_object_set_new(o, "carrier", str(l->carrier));
  json_object_set_new(o, "number", str(l->number));
  json_object_set_new(o, "departure_airport", str(l->departure_airport));
  json_object_set_new(o, "departure_time", str(l->departure_time));
  json_object_set_new(o, "arrival_airport", str(l->arrival_airport));
  json_object_set_new(o, "arrival_time", str(l->arrival_time));
  return o;
}

static json_t *person_json(const paxlst_person *p) {
  json_t *o = json_object();
  json_t *docs = json_array();
  if (o == NULL || docs == NULL) {
    json_decref(o);
    json_decref(docs);
    return NULL;
  }
  json_object_set_new(o, "surname", str(p->surname));
  json_object_set_new(o, "given_names", str(p->given_names));
  json_object_set_new(o, "sex", str(p->sex));
  json_object_set_new(o, "birth_date", str(p->birth_date));
  json_object_set_new(o, "nationality", str(p->nationality));
  json_object_set_new(o, "residence_country", str(p->residence_country));
  json_object_set_new(o, "role",
                      str(paxlst_role_name(p->role) ? paxlst_role_name(p->role) : p->role_code));
  for (unsigned i = 0; i < p->ndocuments; i++) {
    const paxlst_document *d = &p->documents[i];
    json_t *dj = json_object();
    if (dj == NULL) break;
    json_object_set_new(dj, "type", str(d->type));
    json_object_set_new(dj, "number", str(d->number));
    json_object_set_new(dj, "issuing_state", str(d->issuing_state));
    json_object_set_new(dj, "expiry_date", str(d->expiry_date));
    if (d->issue_date != NULL) json_object_set_new(dj, "issue_date", str(d->issue_date));
    json_array_append_new(docs, dj);
  }
  json_object_set_new(o, "documents", docs);
  json_object_set_new(o, "seat", str(p->seat));
  json_object_set_new(o, "bags", p->bags >= 0 ? json_integer(p->bags) : json_null());
  json_object_set_new(o, "bags_weight", str(p->bags_weight));
  json_object_set_new(o, "reservation_ref", str(p->reservation_ref));
  json_object_set_new(o, "passenger_ref", str(p->passenger_ref));
  json_object_set_new(o, "embarkation", str(p->embarkation));
  json_object_set_new(o, "debarkation", str(p->debarkation));
  json_object_set_new(o, "birth_place", str(p->birth_place));
  json_object_set_new(o, "segment", json_integer(p->segment));
  return o;
}

json_t *js_paxlst_msg_encode(const paxlst_msg *m) {
  json_t *o = json_object();
  json_t *ic = json_object();
  json_t *persons = json_array();
  json_t *legs = json_array();
  json_t *warnings = json_array();
  json_t *errors = json_array();
  if (o == NULL || ic == NULL || persons == NULL || legs == NULL || warnings == NULL ||
      errors == NULL) {
    json_decref(o);
    json_decref(ic);
    json_decref(persons);
    json_decref(legs);
    json_decref(warnings);
    json_decref(errors);
    return NULL;
  }
  json_object_set_new(ic, "sender", str(m->sender));
  json_object_set_new(ic, "recipient", str(m->recipient));
  json_object_set_new(ic, "control_ref", str(m->control_ref));
  json_object_set_new(ic, "syntax", str(m->syntax));
  json_object_set_new(ic, "index", json_integer(m->interchange));
  json_object_set_new(o, "interchange", ic);
  json_object_set_new(o, "message_ref", str(m->message_ref));
  json_object_set_new(o, "part", json_integer(m->part));
  json_object_set_new(o, "last_part", json_boolean(m->last_part));
  json_object_set_new(o, "common_access_ref", str(m->common_access_ref));
  json_object_set_new(o, "message_type", str(m->message_type));
  json_object_set_new(o, "version", str(m->version));
  json_object_set_new(o, "list_type", str(paxlst_list_type_name(m->list_type)));
  json_object_set_new(o, "document_code", str(m->document_code));
  json_object_set_new(o, "document_id", str(m->document_id));
  json_object_set_new(o, "reporting_party", str(m->reporting_party));
  json_object_set_new(o, "flight", leg_json(m->flight));
  for (unsigned i = 0; i < m->nlegs; i++) json_array_append_new(legs, leg_json(&m->legs[i]));
  json_object_set_new(o, "legs", legs);
  json_object_set_new(o, "declared_count",
                      m->declared_count >= 0 ? json_integer(m->declared_count) : json_null());
  for (size_t i = 0; i < m->npersons; i++) {
    json_t *p = person_json(&m->persons[i]);
    if (p != NULL) json_array_append_new(persons, p);
  }
  json_object_set_new(o, "persons", persons);
  for (size_t i = 0; i < m->ndiags; i++) {
    json_t *d = js_edi_diag_encode(&m->diags[i]);
    if (d != NULL) json_array_append_new(m->diags[i].severity == EDI_ERROR ? errors : warnings, d);
  }
  if (m->ndiags_dropped > 0) {
    edi_diag more;
    memset(&more, 0, sizeof more);
    more.severity = EDI_ERROR;
    more.code = EDI_C_LIMIT;
    snprintf(more.d.message, sizeof more.d.message,
             "%zu more diagnostics not listed (limit %d per message)", m->ndiags_dropped,
             PAXLST_DIAGS_MAX);
    json_t *d = js_edi_diag_encode(&more);
    if (d != NULL) json_array_append_new(errors, d);
  }
  json_object_set_new(o, "warnings", warnings);
  json_object_set_new(o, "errors", errors);
  return o;
}
