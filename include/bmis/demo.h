/* demo.h - a demonstration database: BCPs, users, watchlists and synthetic traffic
 * (src/app/app_demo.c).
 *
 * app_demo_create fills a freshly opened, empty store so that the officers' UI, the API and the
 * screening have something to show:
 *   - six border crossing points of Utopia ("UTO", the ICAO Doc 9303 specimen state): an airport
 *     with two terminals, a regional airport, a road crossing, a rail crossing and a seaport;
 *   - one user of every role (three officers), created with app_user_add (Argon2id), with the
 *     fixed, published demo passwords listed in docs/demo.md. THEY ARE PUBLIC: a demo database must
 *     never be reachable from a real network or hold real data;
 *   - watchlists copied into opts->list_dir and registered in the store (store_watchlist_put and
 *     store_watchlist_version_add with entry count, SHA-256 and absolute path): the public UN
 *     consolidated list and OFAC SDN list read from opts->data_dir/watchlists/ (dated snapshots,
 *     see demo/watchlists/README.md), and two synthetic lists written by a deterministic generator
 *     here: "national" (about 200 made-up persons, names in several scripts) and "sltd" (about
 *     1,000 made-up lost and stolen documents);
 *   - synthetic travellers with documents and crossings over opts->days days ending on
 *     opts->end_date: a realistic nationality mix, balanced sexes, entries and exits at every BCP,
 *     mostly admitted, some refused with Annex V codes (A..J, store_refusal_code_list), some
 * referred to second line (open and resolved referrals), a few overstayers under the 90/180-day
 * rule, and some travellers who are the made-up people of the national list or carry the made-up
 * documents of the lost/stolen list (refused with codes H and A);
 *   - a "try these" set (app_demo_try): MRZs of documents to scan at the booth, each chosen for a
 *     known outcome (clean, national alert hit, lost/stolen document, overstayer, refused before).
 *     The clean ones are checked to hit no list, the hitting ones to hit theirs (screen.h).
 *
 * Everything is derived from opts->seed with a fixed pseudo-random generator: the same seed, end
 * date and data give the same travellers, documents, crossings and try set (database ids and
 * password hashes differ). The synthetic lists do not depend on the seed.
 *
 * Privacy: every person and document of the synthetic lists and of the traffic is invented. The
 * real UN and OFAC lists are only loaded for screening; no traveller is given a listed person's
 * identity or document.
 *
 * Cost: about 0.1 s of Argon2id per user (lower with opts->pwhash_*), under a second for the
 * traffic (travellers are written one durable transaction each, crossings in batches of
 * STORE_CROSSINGS_PER_CALL_MAX), and loading and indexing the lists once.
 */
#ifndef BMIS_DEMO_H
#define BMIS_DEMO_H

#include <stddef.h>
#include <stdint.h>

#include "bmis/base.h"
#include "bmis/mrz.h"
#include "bmis/store.h"

#ifdef __cplusplus
extern "C" {
#endif

#define APP_DEMO_SEED_DEFAULT       2026u
#define APP_DEMO_DAYS_DEFAULT       90u   /* days of traffic ending on the end date */
#define APP_DEMO_DAYS_MAX           3650u /* longest traffic period */
#define APP_DEMO_TRAVELLERS_DEFAULT 3000u /* ordinary travellers (2 to 3 crossings each) */
#define APP_DEMO_TRAVELLERS_MAX     200000u
#define APP_DEMO_USERS_MAX          16 /* logins in a report */
#define APP_DEMO_LISTS_MAX          8  /* watchlists in a report */
#define APP_DEMO_TRIES_MAX          8  /* try-set documents in a report */
#define APP_DEMO_PASSWORD_BYTES_MAX 32
#define APP_DEMO_LABEL_BYTES_MAX    32
#define APP_DEMO_TEXT_BYTES_MAX     160
#define APP_DEMO_MRZ_BYTES_MAX      (MRZ_LINES_MAX * (MRZ_LINE_BYTES_MAX + 1)) /* lines + '\n' */
#define APP_DEMO_NATIONAL_ENTRIES   200u                                       /* national list */
#define APP_DEMO_SLTD_ENTRIES       1000u /* lost/stolen documents */

typedef struct app_demo_opts {
  uint64_t seed;        /* 0 = APP_DEMO_SEED_DEFAULT */
  bm_date end_date;     /* last day of traffic (UTC); year 0 = today */
  unsigned days;        /* days of traffic; 0 = APP_DEMO_DAYS_DEFAULT; at most APP_DEMO_DAYS_MAX */
  unsigned travellers;  /* ordinary travellers; 0 = APP_DEMO_TRAVELLERS_DEFAULT */
  const char *data_dir; /* required: the demo data folder (the source tree's demo/), read for
                           watchlists/un_2026-02/UN_consolidated.xml and
                           watchlists/ofac_sdn_2021-07/{sdn,alt}.csv */
  const char *list_dir; /* required: where the list files are copied and generated (created when
                           missing; the store records absolute paths into it). bmis demo uses
                           "<database>.watchlists" */
  /* Argon2id cost of the demo passwords; 0 = auth.h defaults (tests may use libsodium's MIN). */
  unsigned long long pwhash_opslimit;
  size_t pwhash_memlimit;
} app_demo_opts;

typedef struct app_demo_login {
  char username[STORE_USERNAME_BYTES_MAX];
  char role[STORE_ROLE_BYTES_MAX];
  char password[APP_DEMO_PASSWORD_BYTES_MAX]; /* published demo password: demo use only */
  int64_t user_id;
} app_demo_login;

typedef struct app_demo_list {
  int64_t watchlist_id;
  int64_t version_id;
  char name[STORE_NAME_BYTES_MAX]; /* "national", "sltd", "un", "ofac" */
  char kind[STORE_CODE_BYTES_MAX];
  char version[STORE_CODE_BYTES_MAX * 4];
  char path[STORE_PATH_BYTES_MAX]; /* absolute path of the copy the store records */
  char file_sha256[STORE_SHA256_HEX_BYTES];
  int64_t entry_count; /* entries wl_list_load kept */
} app_demo_list;

/* One document to try at the booth. */
typedef struct app_demo_try {
  char label[APP_DEMO_LABEL_BYTES_MAX];    /* "clean", "clean-id-card", "national-alert",
                                              "lost-stolen-document", "overstayer", "refused-before" */
  char expect[APP_DEMO_TEXT_BYTES_MAX];    /* one English sentence: what the booth should show */
  char mrz[APP_DEMO_MRZ_BYTES_MAX];        /* the MRZ lines joined by '\n' (no trailing newline) */
  mrz_format format;                       /* TD3 or TD1 */
  int64_t traveller_id;                    /* the traveller in the store (0 = none) */
  store_traveller traveller;               /* as stored (names as read from the MRZ) */
  store_document document;                 /* as stored */
  char list[STORE_NAME_BYTES_MAX];         /* the list it should hit ("" = none) */
  char entry_id[STORE_ENTRY_ID_BYTES_MAX]; /* the entry it should hit ("" = none) */
} app_demo_try;

typedef struct app_demo_report {
  bm_date first_day, last_day; /* traffic period */
  size_t bcps, users, travellers;
  int64_t crossings, admitted, refused, referred;
  int64_t referrals_open, referrals_resolved;
  size_t overstayers; /* travellers whose recorded stays exceed 90 days in 180 */
  size_t nlogins;
  app_demo_login logins[APP_DEMO_USERS_MAX];
  size_t nlists;
  app_demo_list lists[APP_DEMO_LISTS_MAX];
  size_t ntries;
  app_demo_try tries[APP_DEMO_TRIES_MAX];
  double seconds; /* wall time of app_demo_create */
} app_demo_report;

/* Fill opts with the defaults (seed, days, travellers; data_dir and list_dir NULL). */
void app_demo_opts_default(app_demo_opts *o);

/* Fill the open store s (which should be empty: existing BCP codes or user names are
 * BM_ERR_INVALID) with the demo described above and describe it in *rep (required). Writes the
 * list files into o->list_dir. Returns BM_OK; BM_ERR_USAGE for NULL arguments or a missing
 * data_dir/list_dir; BM_ERR_INVALID for bad options (diag->field "days", "travellers", "end_date");
 * BM_ERR_IO when a data file cannot be read or a list file written (diag names the file); the
 * store's errors otherwise. On failure the store holds whatever was written before the failure:
 * delete the database and start again. */
bm_err app_demo_create(store *s, const app_demo_opts *o, app_demo_report *rep, bm_diag *diag);

/* The demo's inbound flight as the carrier sends it: one PAXLST D:05B message (UNOC) for flight
 * UX871 FRA-UCY arriving at arrival_ms (written in the server's local time, as EDIFACT times are
 * local), with the try set's travellers of rep (not the overstayer nor the refused one) and
 * synthetic passengers up to `passengers` in all (one of them without a birth date). *out is a
 * heap buffer of *out_len bytes (free it). */
bm_err app_demo_paxlst(const app_demo_report *rep, int64_t arrival_ms, unsigned passengers,
                       char **out, size_t *out_len, bm_diag *diag);
#define APP_DEMO_FLIGHT_PASSENGERS 150

#ifdef __cplusplus
}
#endif
#endif /* BMIS_DEMO_H */
