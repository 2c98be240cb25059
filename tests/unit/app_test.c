/* app_test.c - unit tests of app.h: primary inspection, decisions, dispositions, watchlist
 * replacement, on a real SQLite store in a temporary directory and real watchlist files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "bmis/app.h"

/* The ICAO Doc 9303 Part 4 specimen passport. */
static const char k_mrz[] = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\n"
                            "L898902C36UTO7408122F1204159ZE184226B<<<<<10";
/* A national alert list naming her (birth date and document), someone else, and a stolen
 * document. */
static const char k_list[] =
    "{\"id\":\"A-1\",\"kind\":\"person\",\"names\":[\"Anna Maria ERIKSSON\"],"
    "\"birth_dates\":[\"1974-08-12\"],\"nationalities\":[\"UTO\"],\"sex\":\"F\"}\n"
    "{\"id\":\"A-2\",\"kind\":\"person\",\"names\":[\"Piotr KOWALCZYK\"],"
    "\"birth_dates\":[\"1961-02-03\"]}\n"
    "{\"id\":\"D-1\",\"kind\":\"document\",\"documents\":[{\"type\":\"P\",\"number\":\"X1234567\","
    "\"country\":\"UTO\"}]}\n";
static const char k_list2[] = "{\"id\":\"B-1\",\"kind\":\"person\",\"names\":[\"Piotr KOWALCZYK\"],"
                              "\"birth_dates\":[\"1961-02-03\"]}\n";

typedef struct fx {
  char dir[64];
  char db[128];
  char lists[128];
  store *st;
  app *a;
  app_actor officer, supervisor;
  int64_t bcp;
} fx;

static void write_text(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  assert_int_equal(fputs(text, f) >= 0, 1);
  assert_int_equal(fclose(f), 0);
}

static int setup(void **state) {
  fx *f = calloc(1, sizeof *f);
  snprintf(f->dir, sizeof f->dir, "/tmp/bmis-app-XXXXXX");
  if (mkdtemp(f->dir) == NULL) return -1;
  snprintf(f->db, sizeof f->db, "%s/t.db", f->dir);
  snprintf(f->lists, sizeof f->lists, "%s/lists", f->dir);
  bm_diag d;
  if (store_open(f->db, &f->st, &d) != BM_OK) return -1;
  store_bcp b = {0};
  snprintf(b.code, sizeof b.code, "UTO-A1");
  snprintf(b.name, sizeof b.name, "Utopia Airport T1");
  snprintf(b.country, sizeof b.country, "UTO");
  snprintf(b.kind, sizeof b.kind, "air");
  b.active = 1;
  if (store_bcp_add(f->st, &b, &d) != BM_OK) return -1;
  f->bcp = b.id;
  for (int i = 0; i < 2; i++) {
    store_user u = {0};
    snprintf(u.username, sizeof u.username, i ? "sup" : "off");
    snprintf(u.role, sizeof u.role, i ? "supervisor" : "officer");
    snprintf(u.password_hash, sizeof u.password_hash, "x");
    if (store_user_add(f->st, &u, &d) != BM_OK) return -1;
    app_actor *ac = i ? &f->supervisor : &f->officer;
    ac->user_id = u.id;
    snprintf(ac->name, sizeof ac->name, "%s", u.username);
    snprintf(ac->role, sizeof ac->role, "%s", u.role);
    snprintf(ac->source_addr, sizeof ac->source_addr, "127.0.0.1");
  }
  /* The list as an administrator would have loaded it: a file and a version in the store. */
  char path[192];
  snprintf(path, sizeof path, "%s/national.jsonl", f->dir);
  write_text(path, k_list);
  store_watchlist w = {0};
  snprintf(w.name, sizeof w.name, "national");
  snprintf(w.kind, sizeof w.kind, "national");
  if (store_watchlist_put(f->st, &w, &d) != BM_OK) return -1;
  store_watchlist_version v = {0};
  v.watchlist_id = w.id;
  snprintf(v.version, sizeof v.version, "1");
  v.entry_count = 3;
  snprintf(v.path, sizeof v.path, "%s", path);
  snprintf(v.file_sha256, sizeof v.file_sha256, "%064d", 0);
  if (store_watchlist_version_add(f->st, &v, &d) != BM_OK) return -1;
  app_config cfg = {.lists_dir = f->lists, .home_state = "UTO"};
  bm_diag warn;
  if (app_new(f->st, &cfg, &f->a, &warn, &d) != BM_OK) return -1;
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fx *f = *state;
  app_free(f->a);
  store_free(f->st);
  char cmd[256];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
  if (system(cmd) != 0) return -1;
  free(f);
  return 0;
}

static app_inspect_in inspect_in(const fx *f, const char *direction) {
  app_inspect_in in = {0};
  in.mrz = k_mrz;
  in.bcp_id = f->bcp;
  in.direction = direction;
  return in;
}

static void test_app_inspection_hits_history_and_audit(void **state) {
  fx *f = *state;
  app_inspect_in in = inspect_in(f, "entry");
  app_inspection ins;
  bm_diag d;
  assert_int_equal(app_inspect(f->a, &f->officer, &in, &ins, &d), BM_OK);
  assert_true(ins.from_mrz);
  assert_int_equal(ins.doc.format, MRZ_FORMAT_TD3);
  assert_string_equal(ins.traveller.surname, "ERIKSSON");
  assert_string_equal(ins.traveller.given_names, "ANNA MARIA");
  assert_string_equal(ins.traveller.birth_date, "1974-08-12");
  assert_string_equal(ins.document.number, "L898902C3");
  assert_true(ins.new_traveller);
  assert_int_equal(ins.nhits, 1);
  assert_string_equal(ins.hits[0].entry->id, "A-1");
  assert_true(ins.hits[0].score >= WL_DEFAULT_THRESHOLD);
  assert_true(ins.hit_list_ids[0] > 0);
  assert_int_equal(ins.nhistory, 0);
  /* A Utopian at a Utopian border: exempt from the stay rule. */
  assert_true(ins.stay_applies);
  assert_false(ins.stay.limited);
  int64_t tid = ins.traveller.id, did = ins.document.id;
  app_inspection_release(f->a, &ins);

  /* The decision: refused with an Annex V code, then the history shows it. */
  const char *codes[] = {"E"};
  app_crossing_in ci = {0};
  ci.traveller_id = tid;
  ci.document_id = did;
  ci.bcp_id = f->bcp;
  ci.direction = "entry";
  ci.decision = "refused";
  ci.refusal_codes = codes;
  ci.nrefusal_codes = 1;
  store_crossing c;
  assert_int_equal(app_crossing_record(f->a, &f->officer, &ci, &c, NULL, &d), BM_OK);
  assert_true(c.id > 0);
  assert_int_equal(app_inspect(f->a, &f->officer, &in, &ins, &d), BM_OK);
  assert_false(ins.new_traveller);
  assert_int_equal(ins.traveller.id, tid);
  assert_int_equal(ins.nhistory, 1);
  assert_string_equal(ins.history[0].decision, "refused");
  assert_string_equal(ins.history[0].refusal_codes[0], "E");
  app_inspection_release(f->a, &ins);

  /* A refusal without a code, an unknown code, a referral without a reason: refused. */
  ci.nrefusal_codes = 0;
  assert_int_equal(app_crossing_record(f->a, &f->officer, &ci, &c, NULL, &d), BM_ERR_INVALID);
  assert_string_equal(d.field, "refusal_codes");
  const char *bad[] = {"Z9"};
  ci.refusal_codes = bad;
  ci.nrefusal_codes = 1;
  assert_int_equal(app_crossing_record(f->a, &f->officer, &ci, &c, NULL, &d), BM_ERR_INVALID);
  ci.decision = "referred";
  ci.nrefusal_codes = 0;
  assert_int_equal(app_crossing_record(f->a, &f->officer, &ci, &c, NULL, &d), BM_ERR_INVALID);
  assert_string_equal(d.field, "referral_reason");

  /* Every inspection and decision is in the audit trail, and the chain is intact. */
  store_audit_filter af = {0};
  af.action = "inspection.create";
  store_audit_event ev[8];
  size_t n = 0;
  assert_int_equal(store_audit_list(app_store(f->a), &af, ev, 8, &n, &d), BM_OK);
  assert_int_equal(n, 2);
  assert_string_equal(ev[0].actor_name, "off");
  store_audit_verify_result vr;
  assert_int_equal(store_audit_verify(app_store(f->a), &vr, &d), BM_OK);
  assert_int_equal(vr.status, STORE_AUDIT_INTACT);
}

static void test_app_referral_and_stay(void **state) {
  fx *f = *state;
  /* A typed document of a visa-free nationality with 80 days spent recently. */
  app_inspect_in in = {0};
  in.surname = "KOWALSKA";
  in.given_names = "EWA";
  in.birth_date = "1990-05-06";
  in.sex = "F";
  in.nationality = "POL";
  in.document_number = "EE7654321";
  in.issuing_state = "POL";
  in.bcp_id = f->bcp;
  in.direction = "entry";
  int64_t now = store_now_ms(), day = 86400000LL;
  in.time_ms = now;
  app_inspection ins;
  bm_diag d;
  assert_int_equal(app_inspect(f->a, &f->officer, &in, &ins, &d), BM_OK);
  assert_int_equal(ins.nhits, 0);
  assert_true(ins.stay_applies);
  assert_true(ins.stay.limited);
  assert_int_equal(ins.stay.remaining, 90);
  int64_t tid = ins.traveller.id, did = ins.document.id;
  app_inspection_release(f->a, &ins);
  /* Entered 100 days ago, left 21 days ago: 80 days counted, 10 remain. */
  app_crossing_in ci = {0};
  ci.traveller_id = tid;
  ci.document_id = did;
  ci.bcp_id = f->bcp;
  ci.direction = "entry";
  ci.decision = "admitted";
  ci.time_ms = now - 100 * day;
  store_crossing c;
  assert_int_equal(app_crossing_record(f->a, &f->officer, &ci, &c, NULL, &d), BM_OK);
  ci.direction = "exit";
  ci.time_ms = now - 21 * day;
  assert_int_equal(app_crossing_record(f->a, &f->officer, &ci, &c, NULL, &d), BM_OK);
  assert_int_equal(app_inspect(f->a, &f->officer, &in, &ins, &d), BM_OK);
  assert_int_equal(ins.stay.days_used, 80);
  assert_int_equal(ins.stay.remaining, 10);
  assert_int_equal(ins.nhistory, 2);
  app_inspection_release(f->a, &ins);

  /* At an exit with no recorded ongoing stay there is nothing to calculate. */
  in.direction = "exit";
  assert_int_equal(app_inspect(f->a, &f->officer, &in, &ins, &d), BM_OK);
  assert_false(ins.stay_applies);
  app_inspection_release(f->a, &ins);
  in.direction = "entry";

  /* Referred to second line, resolved by a supervisor as admitted. */
  ci.direction = "entry";
  ci.decision = "referred";
  ci.referral_reason = "purpose of stay unclear";
  ci.time_ms = 0;
  int64_t rid = 0;
  assert_int_equal(app_crossing_record(f->a, &f->officer, &ci, &c, &rid, &d), BM_OK);
  assert_true(rid > 0);
  store_referral r;
  assert_int_equal(app_referral_resolve(f->a, &f->supervisor, rid, "admitted", NULL, 0, "", &r, &d),
                   BM_ERR_INVALID); /* no reason */
  assert_string_equal(d.field, "notes");
  assert_int_equal(app_referral_resolve(f->a, &f->supervisor, rid, "admitted", NULL, 0,
                                        "invitation letter checked", &r, &d),
                   BM_OK);
  assert_string_equal(r.status, "resolved");
  assert_string_equal(r.outcome, "admitted");
  assert_int_equal(
      app_referral_resolve(f->a, &f->supervisor, rid, "admitted", NULL, 0, "again", &r, &d),
      BM_ERR_INVALID);
  assert_string_equal(d.field, "status");
  store_traveller t;
  store_crossing cs[8];
  size_t ncs = 0, ndocs = 0;
  store_document docs[2];
  assert_int_equal(
      app_traveller_read(f->a, &f->supervisor, tid, &t, docs, 2, &ndocs, cs, 8, &ncs, &d), BM_OK);
  assert_int_equal(ncs, 4); /* entry, exit, referred, admitted by second line */
  assert_string_equal(cs[0].decision, "admitted");
  /* Now in the country (entered today): at the exit the stay that ends is assessed. */
  in.direction = "exit";
  assert_int_equal(app_inspect(f->a, &f->officer, &in, &ins, &d), BM_OK);
  assert_true(ins.stay_applies);
  assert_true(ins.stay.ongoing);
  assert_false(ins.stay.overstay);
  app_inspection_release(f->a, &ins);
}

static void test_app_disposition_and_replacement(void **state) {
  fx *f = *state;
  app_inspect_in in = inspect_in(f, "entry");
  app_inspection ins;
  bm_diag d;
  assert_int_equal(app_inspect(f->a, &f->officer, &in, &ins, &d), BM_OK);
  assert_int_equal(ins.nhits, 1);
  char key[WL_TRAVELLER_KEY_BYTES_MAX];
  snprintf(key, sizeof key, "%s", ins.traveller_key);
  int64_t list_id = ins.hit_list_ids[0];
  app_inspection_release(f->a, &ins);
  store_disposition disp;
  assert_int_equal(
      app_disposition_add(f->a, &f->supervisor, key, list_id, "A-1", "false_hit", "", &disp, &d),
      BM_ERR_INVALID); /* a reason is required */
  assert_int_equal(app_disposition_add(f->a, &f->supervisor, key, list_id, "A-1", "false_hit",
                                       "namesake: different mother's name", &disp, &d),
                   BM_OK);
  assert_int_equal(app_inspect(f->a, &f->officer, &in, &ins, &d), BM_OK);
  assert_int_equal(ins.nhits, 0); /* remembered */
  app_inspection_release(f->a, &ins);

  /* A new version of the list, without her: swapped in while an inspection holds the old one,
   * whose hits stay readable. */
  app_inspect_in typed = {0};
  typed.surname = "KOWALCZYK";
  typed.given_names = "PIOTR";
  typed.birth_date = "1961-02-03";
  typed.document_number = "AB1";
  typed.issuing_state = "POL";
  typed.bcp_id = f->bcp;
  typed.direction = "exit";
  app_inspection held;
  assert_int_equal(app_inspect(f->a, &f->officer, &typed, &held, &d), BM_OK);
  assert_int_equal(held.nhits, 1);
  app_list_info info;
  assert_int_equal(app_watchlist_replace(f->a, &f->supervisor, "national", "national", "2",
                                         "national.jsonl", k_list2, strlen(k_list2), &info, &d),
                   BM_OK);
  assert_int_equal(info.entries, 1);
  assert_string_equal(held.hits[0].entry->id, "A-2"); /* the old snapshot is still alive */
  app_inspection_release(f->a, &held);
  assert_int_equal(app_inspect(f->a, &f->officer, &typed, &ins, &d), BM_OK);
  assert_int_equal(ins.nhits, 1);
  assert_string_equal(ins.hits[0].entry->id, "B-1");
  app_inspection_release(f->a, &ins);
  /* A broken file changes nothing, and says where it broke (line 1). */
  assert_int_equal(app_watchlist_replace(f->a, &f->supervisor, "national", "national", "3",
                                         "national.jsonl", "{\"id\":", 7, &info, &d),
                   BM_ERR_INVALID);
  assert_int_equal(d.line, 1);
  assert_int_equal(app_inspect(f->a, &f->officer, &typed, &ins, &d), BM_OK);
  assert_int_equal(ins.nhits, 1);
  app_inspection_release(f->a, &ins);
  app_list_info lists[4];
  size_t nl = 0;
  assert_int_equal(app_watchlists(f->a, lists, 4, &nl, &d), BM_OK);
  assert_int_equal(nl, 1);
  assert_string_equal(lists[0].version, "2");
  assert_true(lists[0].in_use);
  /* Bad names never reach the file system. */
  assert_int_equal(app_watchlist_replace(f->a, &f->supervisor, "../x", "national", NULL, NULL,
                                         k_list2, strlen(k_list2), &info, &d),
                   BM_ERR_INVALID);
}

static void test_app_bad_input(void **state) {
  fx *f = *state;
  app_inspect_in in = inspect_in(f, "sideways");
  app_inspection ins;
  bm_diag d;
  assert_int_equal(app_inspect(f->a, &f->officer, &in, &ins, &d), BM_ERR_INVALID);
  assert_string_equal(d.field, "direction");
  in = inspect_in(f, "entry");
  in.bcp_id = 999;
  assert_int_equal(app_inspect(f->a, &f->officer, &in, &ins, &d), BM_ERR_INVALID);
  assert_string_equal(d.field, "bcp_id");
  in = inspect_in(f, "entry");
  in.mrz = "HELLO WORLD";
  assert_int_equal(app_inspect(f->a, &f->officer, &in, &ins, &d), BM_ERR_INVALID);
  assert_string_equal(d.field, "mrz");
  app_inspect_in typed = {0};
  typed.surname = "X";
  typed.bcp_id = f->bcp;
  typed.direction = "entry";
  assert_int_equal(app_inspect(f->a, &f->officer, &typed, &ins, &d), BM_ERR_INVALID);
  assert_string_equal(d.field, "document_number");
  typed.document_number = "1";
  typed.issuing_state = "UTO";
  typed.birth_date = "1990-02-30";
  assert_int_equal(app_inspect(f->a, &f->officer, &typed, &ins, &d), BM_ERR_INVALID);
  assert_string_equal(d.field, "birth_date");
}

static size_t audit_count(fx *f, const char *action) {
  store_audit_filter af = {0};
  af.action = action;
  store_audit_event *ev = malloc(64 * sizeof *ev);
  size_t n = 0;
  bm_diag d;
  assert_non_null(ev);
  assert_int_equal(store_audit_list(app_store(f->a), &af, ev, 64, &n, &d), BM_OK);
  free(ev);
  return n;
}

static void test_app_hits_recorded_and_stats(void **state) {
  fx *f = *state;
  const int64_t day = STORE_STATS_DAY_MS, d0 = 20000 * day; /* 2024-10-04, midnight UTC */
  /* Her inspection on day 0 raises A-1: the hit is stored, pending. */
  app_inspect_in in = inspect_in(f, "entry");
  in.time_ms = d0 + 3600000;
  app_inspection ins;
  bm_diag d;
  assert_int_equal(app_inspect(f->a, &f->officer, &in, &ins, &d), BM_OK);
  assert_int_equal(ins.nhits, 1);
  int64_t her = ins.traveller.id, her_doc = ins.document.id, list_id = ins.hit_list_ids[0];
  char key[WL_TRAVELLER_KEY_BYTES_MAX];
  snprintf(key, sizeof key, "%s", ins.traveller_key);
  app_inspection_release(f->a, &ins);
  store_hit_view hv[4];
  size_t n = 0;
  assert_int_equal(app_hits_list(f->a, &f->officer, true, hv, 4, &n, &d), BM_OK);
  assert_int_equal(n, 1);
  assert_int_equal(hv[0].hit.traveller_id, her);
  assert_string_equal(hv[0].hit.traveller_key, key);
  assert_string_equal(hv[0].hit.entry_id, "A-1");
  assert_int_equal(hv[0].hit.watchlist_id, list_id);
  assert_int_equal(hv[0].hit.created_ms, in.time_ms);
  assert_true(hv[0].hit.score_permille >= 500 && hv[0].hit.score_permille <= 1000);
  assert_string_equal(hv[0].surname, "ERIKSSON");
  assert_string_equal(hv[0].list, "national");
  assert_string_equal(hv[0].disposition, "");
  /* Disposed of as a false hit: no longer pending, shown as such among all hits. */
  store_disposition disp;
  assert_int_equal(app_disposition_add(f->a, &f->supervisor, key, list_id, "A-1", "false_hit",
                                       "namesake", &disp, &d),
                   BM_OK);
  assert_int_equal(app_hits_list(f->a, &f->officer, true, hv, 4, &n, &d), BM_OK);
  assert_int_equal(n, 0);
  assert_int_equal(app_hits_list(f->a, &f->officer, false, hv, 4, &n, &d), BM_OK);
  assert_int_equal(n, 1);
  assert_string_equal(hv[0].disposition, "false_hit");
  assert_int_equal(audit_count(f, "hit.list"), 3);
  store_hit_stats hs;
  assert_int_equal(app_hit_stats_get(f->a, &f->officer, d0, d0 + day, &hs, &d), BM_OK);
  assert_int_equal(hs.total, 1);
  assert_int_equal(hs.false_hit, 1);
  assert_int_equal(hs.pending, 0);
  assert_int_equal(hs.nlists, 1);

  /* A known small data set: her entry and exit on day 0, his refusal (E) on day 1. */
  app_inspect_in typed = {0};
  typed.surname = "KOWALSKI";
  typed.given_names = "JAN";
  typed.sex = "M";
  typed.nationality = "POL";
  typed.document_number = "EE1";
  typed.issuing_state = "POL";
  typed.bcp_id = f->bcp;
  typed.direction = "entry";
  typed.time_ms = d0 + day + 60000;
  assert_int_equal(app_inspect(f->a, &f->officer, &typed, &ins, &d), BM_OK);
  assert_int_equal(ins.nhits, 0); /* nothing stored for a clean traveller */
  int64_t him = ins.traveller.id;
  app_inspection_release(f->a, &ins);
  app_crossing_in ci = {0};
  ci.traveller_id = her;
  ci.document_id = her_doc;
  ci.bcp_id = f->bcp;
  ci.direction = "entry";
  ci.decision = "admitted";
  ci.time_ms = d0 + 3600000;
  store_crossing c;
  assert_int_equal(app_crossing_record(f->a, &f->officer, &ci, &c, NULL, &d), BM_OK);
  ci.direction = "exit";
  ci.time_ms = d0 + 7200000;
  assert_int_equal(app_crossing_record(f->a, &f->officer, &ci, &c, NULL, &d), BM_OK);
  const char *codes[] = {"E"};
  app_crossing_in cj = {0};
  cj.traveller_id = him;
  cj.bcp_id = f->bcp;
  cj.direction = "entry";
  cj.decision = "refused";
  cj.refusal_codes = codes;
  cj.nrefusal_codes = 1;
  cj.time_ms = d0 + day + 60000;
  assert_int_equal(app_crossing_record(f->a, &f->officer, &cj, &c, NULL, &d), BM_OK);
  app_crossing_stats *st = malloc(sizeof *st);
  assert_non_null(st);
  /* "Today" is day 1 for this call. */
  assert_int_equal(
      app_crossing_stats_get(f->a, &f->officer, d0, d0 + 2 * day, 0, d0 + day + 3600000, st, &d),
      BM_OK);
  assert_int_equal(st->range.total, 3);
  assert_int_equal(st->range.ndays, 2);
  assert_int_equal(st->range.days[0].entry, 1);
  assert_int_equal(st->range.days[0].exit, 1);
  assert_int_equal(st->range.days[1].refused, 1);
  assert_int_equal(st->range.refused, 1);
  assert_int_equal(st->range.nbcps, 1);
  assert_string_equal(st->range.bcps[0].key, "UTO-A1");
  assert_int_equal(st->range.sex_f, 2);
  assert_int_equal(st->range.sex_m, 1);
  assert_string_equal(st->range.nationalities[0].key, "UTO");
  assert_int_equal(st->range.nationalities[0].count, 2);
  assert_string_equal(st->range.refusal_codes[0].key, "E");
  assert_int_equal(st->today_entry, 1);
  assert_int_equal(st->today_exit, 0);
  assert_int_equal(st->today_refused, 1);
  assert_int_equal(app_crossing_stats_get(f->a, &f->officer, d0, d0 + day, 999, 0, st, &d),
                   BM_ERR_INVALID);
  assert_string_equal(d.field, "bcp_id");
  free(st);
}

static void test_app_admin_bcp_user_entry(void **state) {
  fx *f = *state;
  app_actor admin = f->supervisor; /* the actor only names who acted, for the audit trail */
  admin.user_id = 0;
  bm_diag d;
  store_bcp b;
  assert_int_equal(app_bcp_add(f->a, &admin, "UTO-SEA-1", "Port of Utopia", "UTO", "sea", &b, &d),
                   BM_OK);
  assert_true(b.id > f->bcp);
  assert_int_equal(app_bcp_add(f->a, &admin, "UTO-SEA-1", "Again", "UTO", "sea", &b, &d),
                   BM_ERR_INVALID);
  assert_string_equal(d.field, "code");
  assert_non_null(strstr(d.message, "already exists"));
  assert_int_equal(app_bcp_add(f->a, &admin, "UTO-X", "X", "UTO", "space", &b, &d), BM_ERR_INVALID);
  assert_string_equal(d.field, "kind");
  assert_int_equal(app_bcp_add(f->a, &admin, "UTO X", "X", "UTO", "sea", &b, &d), BM_ERR_INVALID);
  assert_string_equal(d.field, "code");
  assert_null(strstr(d.message, "already exists"));
  assert_int_equal(audit_count(f, "bcp.create"), 2); /* the added and the duplicate */

  /* The officer has a live session; disabling him revokes it; a role change is audited. */
  store_session sess = {0};
  sess.user_id = f->officer.user_id;
  memset(sess.token_hash, 7, sizeof sess.token_hash);
  snprintf(sess.csrf_token, sizeof sess.csrf_token, "csrf");
  snprintf(sess.kind, sizeof sess.kind, "api");
  sess.expires_ms = store_now_ms() + 3600000;
  assert_int_equal(store_session_create(f->st, &sess, &d), BM_OK);
  app_user_change ch = {1, NULL};
  store_user u;
  assert_int_equal(app_user_update(f->a, &admin, f->officer.user_id, &ch, &u, &d), BM_OK);
  assert_true(u.disabled);
  assert_string_equal(u.password_hash, "");
  store_session after;
  assert_int_equal(store_session_get_by_hash(f->st, sess.token_hash, &after, &d), BM_OK);
  assert_true(after.revoked_ms != 0);
  ch.disabled = 0;
  ch.role = "analyst";
  assert_int_equal(app_user_update(f->a, &admin, f->officer.user_id, &ch, &u, &d), BM_OK);
  assert_false(u.disabled);
  assert_string_equal(u.role, "analyst");
  assert_int_equal(audit_count(f, "user.disable"), 1);
  assert_int_equal(audit_count(f, "user.enable"), 1);
  assert_int_equal(audit_count(f, "user.role"), 1);
  ch.role = "emperor";
  assert_int_equal(app_user_update(f->a, &admin, f->officer.user_id, &ch, &u, &d), BM_ERR_INVALID);
  assert_string_equal(d.field, "role");
  ch.role = NULL;
  ch.disabled = 1;
  assert_int_equal(app_user_update(f->a, &f->supervisor, f->supervisor.user_id, &ch, &u, &d),
                   BM_ERR_INVALID); /* not oneself */
  assert_string_equal(d.field, "id");
  assert_int_equal(app_user_update(f->a, &admin, 9999, &ch, &u, &d), BM_ERR_NOTFOUND);

  /* An entry of the loaded list, by id; unknown ones are not found; both audited. */
  app_entry_ref ref;
  assert_int_equal(app_watchlist_entry(f->a, &f->officer, "national", "A-1", &ref, &d), BM_OK);
  assert_string_equal(ref.entry->id, "A-1");
  assert_string_equal(ref.entry->names[0], "Anna Maria ERIKSSON");
  assert_int_equal(ref.entry->sex, 'F');
  assert_string_equal(ref.list, "national");
  assert_true(ref.watchlist_id > 0);
  app_watchlist_entry_release(f->a, &ref);
  assert_int_equal(app_watchlist_entry(f->a, &f->officer, "national", "A-9", &ref, &d),
                   BM_ERR_NOTFOUND);
  assert_int_equal(app_watchlist_entry(f->a, &f->officer, "sltd", "A-1", &ref, &d),
                   BM_ERR_NOTFOUND);
  assert_int_equal(audit_count(f, "watchlist_entry.read"), 3);
}

/* A PAXLST for flight XX100 arriving at arrival (seconds, local time as carriers write), with the
 * given person segments. */
static char *paxlst_text(time_t arrival, const char *bgm_id, const char *persons) {
  struct tm tm;
  localtime_r(&arrival, &tm);
  char when[16];
  strftime(when, sizeof when, "%y%m%d%H%M", &tm);
  char *out = malloc(8192);
  assert_non_null(out);
  snprintf(out, 8192,
           "UNA:+.? 'UNB+UNOA:4+XXAIR+UTOGOV+251001:1200+IC1'UNH+M1+PAXLST:D:05B:UN:IATA'"
           "BGM+745%s%s'TDT+20+XX100+++XX'LOC+125+FRA'DTM+189:2510011000:201'LOC+87+UTO'"
           "DTM+232:%s:201'%sCNT+42:4'UNT+20+M1'UNZ+1+IC1'",
           bgm_id[0] ? "+" : "", bgm_id, when, persons);
  return out;
}

static const char k_pax[] =
    "NAD+FL+++ERIKSSON:ANNA MARIA'ATT+2++F'DTM+329:740812'NAT+2+UTO'RFF+ABO:P1'"
    "DOC+P:110:111+L898902C3'DTM+36:320415'LOC+91+UTO'"
    "NAD+FL+++KOWALCZYK:PIOTR'ATT+2++M'DTM+329:610203'NAT+2+POL'RFF+ABO:P2'"
    "DOC+P:110:111+EA1234567'LOC+91+POL'"
    "NAD+FL+++NOWAK:JAN'ATT+2++M'DTM+329:800101'NAT+2+UTO'RFF+ABO:P3'"
    "DOC+P:110:111+X1234567'LOC+91+UTO'"
    "NAD+FL+++CLEAN:PERSON'ATT+2++F'NAT+2+UTO'RFF+ABO:P4'DOC+P:110:111+C7654321'LOC+91+UTO'";

static const app_api_person_result *find_person(const app_api_ingest *r, const char *surname) {
  for (size_t i = 0; i < r->npersons; i++)
    if (strcmp(r->persons[i].person.surname, surname) == 0) return &r->persons[i];
  fail_msg("no person %s", surname);
  return NULL;
}

static void test_app_api_ingest_prescreen_purge(void **state) {
  fx *f = *state;
  bm_diag d;
  time_t arrival = time(NULL) + 2 * 3600;
  char *text = paxlst_text(arrival, "", k_pax);
  app_api_ingest *r = NULL;
  assert_int_equal(app_api_ingest_run(f->a, &f->officer, text, strlen(text), 0, &r, &d), BM_OK);
  assert_int_equal(r->nmsgs, 1);
  assert_true(r->msgs[0].stored);
  assert_string_equal(r->msgs[0].flight.carrier, "XX");
  assert_string_equal(r->msgs[0].flight.number, "100");
  assert_int_equal(r->msgs[0].flight.persons, 4);
  assert_int_equal(r->npersons, 4);
  assert_int_equal(r->nlists, 1);
  assert_string_equal(r->lists[0].name, "national");
  const app_api_person_result *anna = find_person(r, "ERIKSSON");
  assert_true(anna->nhits >= 1);
  assert_string_equal(anna->hits[0].entry_id, "A-1");
  assert_string_equal(anna->hits[0].list, "national");
  assert_true(anna->person.id > 0);
  assert_string_equal(anna->person.board, "no_board"); /* name, birth date, nationality, sex */
  const app_api_person_result *nowak = find_person(r, "NOWAK");
  assert_int_equal(nowak->nhits, 1);
  assert_true(nowak->hits[0].document_match); /* the stolen document */
  assert_string_equal(nowak->person.board, "no_board");
  const app_api_person_result *clean = find_person(r, "CLEAN");
  assert_int_equal(clean->nhits, 0);
  assert_string_equal(clean->person.board, "insufficient");
  assert_string_equal(clean->person.board_text, "INSUFFICIENT DATA: BIRTH DATE");
  const app_api_person_result *piotr = find_person(r, "KOWALCZYK");
  assert_true(piotr->nhits >= 1);
  char piotr_key[STORE_KEY_BYTES_MAX];
  snprintf(piotr_key, sizeof piotr_key, "%s", piotr->person.traveller_key);
  int64_t flight = r->msgs[0].flight.id, list = piotr->hits[0].watchlist_id;
  app_api_ingest_free(r);

  /* The booth: her passport at entry shows the pre-arrival screening. */
  app_inspect_in in = {.mrz = k_mrz, .bcp_id = f->bcp, .direction = "entry"};
  app_inspection ins;
  assert_int_equal(app_inspect(f->a, &f->officer, &in, &ins, &d), BM_OK);
  assert_true(ins.prescreened);
  assert_int_equal(ins.api_flight.id, flight);
  assert_string_equal(ins.api_person.board, "no_board");
  app_inspection_release(f->a, &ins);
  in.direction = "exit"; /* not at an exit */
  assert_int_equal(app_inspect(f->a, &f->officer, &in, &ins, &d), BM_OK);
  assert_false(ins.prescreened);
  app_inspection_release(f->a, &ins);

  /* A supervisor clears Piotr's hit; the carrier's update (CP) is screened without it and
   * replaces his row. */
  store_disposition disp;
  assert_int_equal(app_disposition_add(f->a, &f->supervisor, piotr_key, list, "A-2", "false_hit",
                                       "another man, other birth place", &disp, &d),
                   BM_OK);
  free(text);
  text = paxlst_text(arrival, "CP",
                     "NAD+FL+++KOWALCZYK:PIOTR'ATT+2++M'DTM+329:610203'NAT+2+POL'RFF+ABO:P2'"
                     "DOC+P:110:111+EA1234567'LOC+91+POL'");
  assert_int_equal(app_api_ingest_run(f->a, &f->officer, text, strlen(text), 0, &r, &d), BM_OK);
  assert_true(r->msgs[0].stored);
  assert_int_equal(r->msgs[0].flight.id, flight);
  assert_int_equal(r->persons[0].nhits, 0);
  assert_int_equal(r->persons[0].person.replaced, 1);
  assert_string_equal(r->persons[0].person.board, "board");
  app_api_ingest_free(r);

  /* The analysts' view: hits first, the two messages, audited. */
  app_api_flight_view *v = NULL;
  assert_int_equal(app_api_flight_read(f->a, &f->supervisor, flight, &v, &d), BM_OK);
  assert_int_equal(v->npersons, 4);
  assert_int_equal(v->nmessages, 2);
  assert_string_equal(v->persons[0].board, "no_board");
  assert_int_equal(v->flight.persons_with_hits, 2);
  bool seen_clean = false; /* the text the carrier was answered is kept with the person */
  for (size_t i = 0; i < v->npersons; i++)
    if (strcmp(v->persons[i].surname, "CLEAN") == 0) {
      assert_string_equal(v->persons[i].board_text, "INSUFFICIENT DATA: BIRTH DATE");
      seen_clean = true;
    }
  assert_true(seen_clean);
  app_api_flight_view_free(v);
  store_audit_event ev[8];
  size_t n = 0;
  store_audit_filter af = {.action = "flight.read"};
  assert_int_equal(store_audit_list(f->st, &af, ev, 8, &n, &d), BM_OK);
  assert_int_equal(n, 1);
  assert_string_equal(ev[0].actor_name, "sup");
  af.action = "api_message.create";
  assert_int_equal(store_audit_list(f->st, &af, ev, 8, &n, &d), BM_OK);
  assert_int_equal(n, 2);
  assert_int_equal(app_api_flight_read(f->a, &f->supervisor, 999999, &v, &d), BM_ERR_NOTFOUND);

  /* Retention: nothing before the period ends; after it everything but a confirmed hit. */
  store_api_person rows[8];
  assert_int_equal(store_api_person_list(f->st, flight, rows, 8, &n, &d), BM_OK);
  const char *anna_key = NULL;
  for (size_t i = 0; i < n; i++)
    if (strcmp(rows[i].surname, "ERIKSSON") == 0) anna_key = rows[i].traveller_key;
  assert_non_null(anna_key);
  assert_int_equal(app_disposition_add(f->a, &f->supervisor, anna_key, list, "A-1", "true_hit",
                                       "confirmed at second line", &disp, &d),
                   BM_OK);
  store_api_purge_result pr;
  int64_t end = (int64_t)arrival * 1000 + app_api_retention_ms(f->a);
  assert_int_equal(app_api_purge(f->a, NULL, end - 60000, &pr, &d), BM_OK);
  assert_int_equal(pr.persons_deleted, 0);
  assert_int_equal(app_api_purge(f->a, NULL, end + 60000, &pr, &d), BM_OK);
  assert_int_equal(pr.persons_deleted, 3);
  assert_int_equal(pr.persons_kept, 1);
  af.action = "api_data.purge";
  assert_int_equal(store_audit_list(f->st, &af, ev, 8, &n, &d), BM_OK);
  assert_int_equal(n, 1); /* the run that deleted nothing left no record */
  assert_string_equal(ev[0].actor_name, "system");
  assert_non_null(strstr(ev[0].reason, "3 persons"));
  free(text);
}

static void test_app_api_ingest_bad_input(void **state) {
  fx *f = *state;
  bm_diag d;
  app_api_ingest *r = NULL;
  assert_int_equal(app_api_ingest_run(f->a, &f->officer, "hello", 5, 0, &r, &d), BM_ERR_INVALID);
  assert_null(r);
  app_actor nobody = {0};
  assert_int_equal(app_api_ingest_run(f->a, &nobody, "x", 1, 0, &r, &d), BM_ERR_USAGE);
  /* A CUSRES and a PAXLST without a flight are reported, the good message beside them stored. */
  char *good = paxlst_text(time(NULL) + 3600, "", k_pax);
  char buf[16384];
  snprintf(buf, sizeof buf,
           "UNB+UNOA:4+XXAIR+UTOGOV+251001:1200+IC0'UNH+R1+CUSRES:D:05B:UN:IATA'BGM+962'"
           "UNT+3+R1'UNH+N1+PAXLST:D:05B:UN:IATA'BGM+745'NAD+FL+++SOLO:HAN'UNT+4+N1'"
           "UNZ+2+IC0'%s",
           good);
  assert_int_equal(app_api_ingest_run(f->a, &f->officer, buf, strlen(buf), 0, &r, &d), BM_OK);
  assert_int_equal(r->nmsgs, 3);
  assert_false(r->msgs[0].stored);
  assert_string_equal(r->msgs[0].refused, "not a PAXLST message");
  assert_false(r->msgs[1].stored);
  assert_string_equal(r->msgs[1].refused, "no flight (TDT segment) in the message");
  assert_true(r->msgs[2].stored);
  assert_int_equal(r->npersons, 4);
  app_api_ingest_free(r);
  free(good);
  /* More messages than a batch holds: refused as a whole (413), nothing stored. */
  static const char tiny[] = "UNH+1+PAXLST:D:05B:UN:IATA'UNT+2+1'";
  size_t nt = sizeof tiny - 1, count = PAXLST_MESSAGES_MAX + 1;
  char *many = malloc(nt * count);
  assert_non_null(many);
  for (size_t i = 0; i < count; i++) memcpy(many + i * nt, tiny, nt);
  assert_true(nt * count <= APP_API_BYTES_MAX);
  assert_int_equal(app_api_ingest_run(f->a, &f->officer, many, nt * count, 0, &r, &d),
                   BM_ERR_LIMIT);
  assert_null(r);
  free(many);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_app_inspection_hits_history_and_audit, setup, teardown),
      cmocka_unit_test_setup_teardown(test_app_referral_and_stay, setup, teardown),
      cmocka_unit_test_setup_teardown(test_app_disposition_and_replacement, setup, teardown),
      cmocka_unit_test_setup_teardown(test_app_bad_input, setup, teardown),
      cmocka_unit_test_setup_teardown(test_app_hits_recorded_and_stats, setup, teardown),
      cmocka_unit_test_setup_teardown(test_app_admin_bcp_user_entry, setup, teardown),
      cmocka_unit_test_setup_teardown(test_app_api_ingest_prescreen_purge, setup, teardown),
      cmocka_unit_test_setup_teardown(test_app_api_ingest_bad_input, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
