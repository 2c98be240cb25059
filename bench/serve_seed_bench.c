/* serve_seed_bench.c - grow a demo database to 10 M crossings for the load benchmark of bmis serve.
 *
 * The load benchmark (bench/serve_bench.sh) inspects travellers against a database holding the
 * DESIGN.md section 6 volume: 10,000,000 crossings. `bmis demo` makes a small, consistent database
 * (BCPs, users, lists, a few thousand travellers); this program adds synthetic travellers, each
 * with one passport and a history of crossings, until the crossing table holds --crossings rows.
 *
 * Speed: the store's writer commits one durable transaction per batch, which is right for traffic
 * and far too slow for 10 M rows. So this benchmark helper (never the application) opens the file
 * with the SQLite C API itself: one transaction, prepared statements, synchronous=OFF and an
 * in-memory rollback journal while seeding, then journal_mode=WAL again. Foreign keys stay ON, so
 * SQLite checks every reference as the rows go in. The columns are those sq_store.c writes
 * (traveller, document, crossing, crossing_refusal), the values as `bmis serve` stores them (names
 * as the MRZ reads them, nationality and issuing state as MRZ codes, e.g. "D" for Germany).
 *
 * The travellers: nationality, sex, names from small per-country pools, birth date, one passport
 * whose number is "9" + 8 digits (a bijection of the traveller's index; no `bmis demo` number
 * starts with a digit, and no MRZ confusable folds to 9, so none can meet a demo or list number).
 * Crossings per traveller are skewed as at a real border: most travellers have a few, some many, 2%
 * are commuters with 61-200. Foreigners enter then leave (0.4% of entries refused with Annex V
 * codes); citizens of Utopia leave then return. Every history ends before --end-date (default:
 * now). Crossings go in traveller by traveller in time order, so the (traveller_id, time_ms) index
 * grows at its end. Everything comes from one splitmix64 stream seeded with --seed.
 *
 * --write-requests FILE writes the load generators' input, one inspection a line, tab-separated:
 *   label  expected-entry-id-or-"-"  bcp_id  direction  mrz-line-1  mrz-line-2  [mrz-line-3]
 * labels: "seeded" (a traveller added here, with history), "new" (a passport never seen),
 * "national" and "sltd" (people and documents of the demo's own lists, kept only when screening
 * them here with the library finds the expected entry), "try:<label>" (the demo's try set,
 * PATH.try.jsonl). Lines are shuffled with the same seed.
 *
 * Verification (exit 1 on failure): after closing, the database is opened through the store API
 * (store_open: schema version check) and store_crossing_count must equal --crossings; the plan of
 * the inspection's history query (sq_store.c SQ_CROSS_LIST_BY_TRAV) must use the index
 * crossing_traveller_time without a temporary sort; and store_crossing_list_by_traveller is timed
 * for 2,000 seeded travellers (p50/p99/max), each answer checked against the count generated.
 *
 * Usage: serve_seed_bench --db PATH [--crossings N] [--seed N] [--end-date YYYY-MM-DD]
 *                         [--write-requests FILE] [--requests N] [--lists DIR]
 * Output: human lines, then "=key value" lines for bench/serve_bench.sh.
 */
#define _DEFAULT_SOURCE /* timegm */

#include <jansson.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bmis/mrz.h"
#include "bmis/screen.h"
#include "bmis/store.h"
#include "bmis/watchlist.h"

#define SEED_CROSSINGS_DEFAULT 10000000LL
#define SEED_CROSSINGS_MAX     100000000LL /* the document number bijection covers 10^8 */
#define SEED_REQUESTS_DEFAULT  100000
#define SEED_REQUESTS_MAX      10000000
#define SEED_SEED_DEFAULT      20261123u
#define SEED_IDS_MAX           64 /* BCPs, officers and refusal codes read from the demo */
#define SEED_PATH_BYTES_MAX    4096
#define SEED_TRY_REPEAT        50      /* each try-set document appears this many times */
#define SEED_SLTD_MAX          500     /* lost/stolen documents used as hits */
#define SEED_HISTORY_SAMPLE    2000    /* travellers whose history read is timed */
#define SEED_CACHE_KIB         2000000 /* page cache while seeding (2 GB) */
#define DAY_MS                 86400000LL
#define DOCNUM_SPACE           100000000LL
#define DOCNUM_STEP            7919LL /* prime to 10^8: i -> i * 7919 mod 10^8 is a bijection */

/* ---- deterministic randomness ---- */

typedef struct rng {
  uint64_t s;
} rng;
static uint64_t rng_next(rng *r) {
  uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
static unsigned rng_below(rng *r, unsigned n) {
  return n ? (unsigned)(rng_next(r) % n) : 0;
}

/* ---- name pools (as an MRZ reads them) ---- */

typedef struct nat_pool {
  const char *code; /* MRZ code: "D" for Germany */
  unsigned weight;
  const char *const *male;
  unsigned nmale;
  const char *const *female;
  unsigned nfemale;
  const char *const *surnames;
  unsigned nsurnames;
} nat_pool;

#define POOL(a) a, (unsigned)(sizeof a / sizeof a[0])
static const char *const UTO_M[] = {"ARVID",  "BENNO", "CORIN",  "DAVEN", "EMRIK",
                                    "FINNAR", "GUNNE", "HALVAR", "IVOR",  "JARLE"};
static const char *const UTO_F[] = {"ASTRID", "BRIDA", "CELINE", "DALIA",  "EIRA",
                                    "FENNA",  "GISLA", "HEDDA",  "INGRID", "JORUNN"};
static const char *const UTO_S[] = {"ASKELUND", "BROMHOLT",   "CARRAWAY",  "DUNSTERRE",
                                    "EKHOLMEN", "FARROWDALE", "GLENMARK",  "HARTWELLE",
                                    "IRONSIDE", "KESTRAND",   "LOWENDAHL", "MERRIVALE"};
static const char *const D_M[] = {"ANDREAS", "BERND",  "CHRISTIAN", "DIETER",
                                  "FLORIAN", "HOLGER", "KLAUS",     "MARKUS"};
static const char *const D_F[] = {"BIRGIT", "CLAUDIA", "DORIS", "GABRIELE",
                                  "HEIKE",  "MONIKA",  "PETRA", "URSULA"};
static const char *const D_S[] = {"BECKER", "HOFFMANN", "KOCH",       "RICHTER", "SCHAEFER",
                                  "WAGNER", "WEBER",    "ZIMMERMANN", "KRAUSE",  "LEHMANN"};
static const char *const FRA_M[] = {"ANTOINE",   "BENOIT", "CLEMENT", "DAMIEN",
                                    "GUILLAUME", "JULIEN", "MATHIEU", "OLIVIER"};
static const char *const FRA_F[] = {"AMELIE", "CAMILLE",  "ELODIE", "HELENE",
                                    "MANON",  "NATHALIE", "SOLENE", "VALERIE"};
static const char *const FRA_S[] = {"BERNARD", "DUBOIS", "FONTAINE", "GIRARD",   "LAMBERT",
                                    "MOREAU",  "PETIT",  "ROUSSEAU", "LEFEBVRE", "MERCIER"};
static const char *const ITA_M[] = {"ALESSANDRO", "DAVIDE", "FEDERICO", "GIANLUCA",
                                    "LORENZO",    "MATTEO", "RICCARDO", "STEFANO"};
static const char *const ITA_F[] = {"CHIARA", "ELISA",   "FRANCESCA", "GIULIA",
                                    "LUCIA",  "MARTINA", "SILVIA",    "VALENTINA"};
static const char *const ITA_S[] = {"BIANCHI", "COLOMBO", "ESPOSITO", "FERRARI", "GALLO",
                                    "GRECO",   "RICCI",   "ROMANO",   "CONTI",   "BRUNO"};
static const char *const POL_M[] = {"BARTOSZ", "GRZEGORZ", "KRZYSZTOF", "MARCIN",
                                    "PAWEL",   "TOMASZ",   "WOJCIECH",  "ZBIGNIEW"};
static const char *const POL_F[] = {"AGNIESZKA", "BEATA",     "DOROTA",     "EWA",
                                    "JOANNA",    "KATARZYNA", "MALGORZATA", "ZOFIA"};
static const char *const POL_S[] = {"KOWALSKI", "LEWANDOWSKI", "NOWAK",     "WISNIEWSKI",
                                    "WOJCIK",   "KAMINSKI",    "ZIELINSKI", "SZYMANSKI"};
static const char *const GBR_M[] = {"ALISTAIR", "CALLUM", "DECLAN", "GRAHAM",
                                    "NIGEL",    "OWEN",   "RUPERT", "TREVOR"};
static const char *const GBR_F[] = {"BRONWEN", "FIONA",   "GEMMA",  "IMOGEN",
                                    "KIRSTY",  "SIOBHAN", "TAMSIN", "YVONNE"};
static const char *const GBR_S[] = {"ASHWORTH",  "CARTWRIGHT", "FLETCHER", "HUGHES",
                                    "PEMBERTON", "THORNTON",   "WHITAKER", "YATES"};
static const char *const USA_M[] = {"BRANDON", "CODY",   "DUSTIN", "KEVIN",
                                    "RYAN",    "TRAVIS", "TYLER",  "WYATT"};
static const char *const USA_F[] = {"ASHLEY",  "BRITTANY", "COURTNEY", "KAYLA",
                                    "MADISON", "SHELBY",   "TIFFANY",  "WHITNEY"};
static const char *const USA_S[] = {"ANDERSON", "CAMPBELL", "HARRIS",   "JACKSON",
                                    "MITCHELL", "ROBERTS",  "THOMPSON", "WALKER"};
static const char *const TUR_M[] = {"BURAK", "EMRE", "HAKAN",  "KEREM",
                                    "MURAT", "OZAN", "SERKAN", "VOLKAN"};
static const char *const TUR_F[] = {"AYSE",  "BURCU", "DERYA", "EBRU",
                                    "GIZEM", "MERVE", "SEDA",  "TUGBA"};
static const char *const TUR_S[] = {"AKSOY",  "CELIK", "DEMIR", "KAYA",
                                    "OZTURK", "SAHIN", "YAVUZ", "ARSLAN"};
static const char *const IND_M[] = {"ANIL",  "DEEPAK", "GAURAV", "MANOJ",
                                    "RAHUL", "SANJAY", "VIKRAM", "SURESH"};
static const char *const IND_F[] = {"ANJALI", "DEEPIKA", "KAVITA", "MEERA",
                                    "NEHA",   "POOJA",   "SUNITA", "PRIYANKA"};
static const char *const IND_S[] = {"AGARWAL", "CHOPRA", "IYER",  "MEHTA",
                                    "NAIR",    "PATEL",  "REDDY", "SHARMA"};
static const char *const CHN_M[] = {"BOWEN",  "HAORAN", "JUNJIE", "MINGHAO",
                                    "TIANYU", "YUXUAN", "ZIHAN",  "ZHIWEI"};
static const char *const CHN_F[] = {"JIAYI", "MEILING", "SHUTING", "XINYI",
                                    "YAQI",  "YUTONG",  "ZIXUAN",  "XIAOMEI"};
static const char *const CHN_S[] = {"CHEN", "HUANG", "LIN", "LIU", "WANG", "XU", "ZHANG", "ZHAO"};
static const char *const BRA_M[] = {"CAIO",    "EDUARDO", "FABIO",    "LEANDRO",
                                    "RODRIGO", "THIAGO",  "VINICIUS", "WAGNER"};
static const char *const BRA_F[] = {"ADRIANA", "BRUNA",  "FERNANDA", "JULIANA",
                                    "LARISSA", "RENATA", "TATIANE",  "VANESSA"};
static const char *const BRA_S[] = {"ALMEIDA", "BARBOSA",  "CARVALHO", "FERREIRA",
                                    "GOMES",   "OLIVEIRA", "RIBEIRO",  "SOUZA"};
static const char *const JPN_M[] = {"DAISUKE", "HIROSHI", "KENJI",  "RYOTA",
                                    "SHOTA",   "TAKUYA",  "YUSUKE", "KAZUKI"};
static const char *const JPN_F[] = {"AYAKA",  "HARUKA", "MISAKI", "NANAMI",
                                    "SAKURA", "YUKA",   "MEGUMI", "AOI"};
static const char *const JPN_S[] = {"ITO",    "KOBAYASHI", "NAKAMURA", "SASAKI",
                                    "SUZUKI", "TANAKA",    "WATANABE", "YAMAMOTO"};

static const nat_pool NATS[] = {
    {"UTO", 300, POOL(UTO_M), POOL(UTO_F), POOL(UTO_S)},
    {"D", 110, POOL(D_M), POOL(D_F), POOL(D_S)},
    {"FRA", 80, POOL(FRA_M), POOL(FRA_F), POOL(FRA_S)},
    {"ITA", 70, POOL(ITA_M), POOL(ITA_F), POOL(ITA_S)},
    {"POL", 70, POOL(POL_M), POOL(POL_F), POOL(POL_S)},
    {"GBR", 70, POOL(GBR_M), POOL(GBR_F), POOL(GBR_S)},
    {"USA", 70, POOL(USA_M), POOL(USA_F), POOL(USA_S)},
    {"TUR", 60, POOL(TUR_M), POOL(TUR_F), POOL(TUR_S)},
    {"IND", 50, POOL(IND_M), POOL(IND_F), POOL(IND_S)},
    {"CHN", 50, POOL(CHN_M), POOL(CHN_F), POOL(CHN_S)},
    {"BRA", 40, POOL(BRA_M), POOL(BRA_F), POOL(BRA_S)},
    {"JPN", 30, POOL(JPN_M), POOL(JPN_F), POOL(JPN_S)},
};
#define NNATS (sizeof NATS / sizeof NATS[0])

/* One synthetic traveller, everything derived from its index and the stream. */
typedef struct person {
  char surname[64], given[64], birth[16], sex[2], nat[4], number[16], expiry[16];
} person;

static void date_of_day(long day, char out[16]) {
  time_t t = (time_t)day * 86400;
  struct tm tm;
  gmtime_r(&t, &tm);
  snprintf(out, 16, "%04d-%02u-%02u", (tm.tm_year + 1900) % 10000, (unsigned)(tm.tm_mon + 1) % 13u,
           (unsigned)tm.tm_mday % 32u);
}

static void make_person(rng *r, long long index, person *p) {
  unsigned total = 0, pick;
  for (size_t i = 0; i < NNATS; i++) total += NATS[i].weight;
  pick = rng_below(r, total);
  const nat_pool *n = &NATS[0];
  for (size_t i = 0; i < NNATS; i++) {
    if (pick < NATS[i].weight) {
      n = &NATS[i];
      break;
    }
    pick -= NATS[i].weight;
  }
  int male = rng_below(r, 2) == 0;
  const char *const *g = male ? n->male : n->female;
  unsigned ng = male ? n->nmale : n->nfemale;
  snprintf(p->surname, sizeof p->surname, "%s", n->surnames[rng_below(r, n->nsurnames)]);
  if (rng_below(r, 5) == 0) /* a second given name */
    snprintf(p->given, sizeof p->given, "%s %s", g[rng_below(r, ng)], g[rng_below(r, ng)]);
  else
    snprintf(p->given, sizeof p->given, "%s", g[rng_below(r, ng)]);
  date_of_day(-10957 + (long)rng_below(r, 25000), p->birth); /* 1940 .. 2008 */
  snprintf(p->sex, sizeof p->sex, "%s", male ? "M" : "F");
  snprintf(p->nat, sizeof p->nat, "%s", n->code);
  snprintf(p->number, sizeof p->number, "9%08lld", (index * DOCNUM_STEP) % DOCNUM_SPACE);
  date_of_day(20820 + (long)rng_below(r, 3600), p->expiry); /* 2027 .. 2036 */
}

/* The TD3 passport of p, lines in out[0..1]; false when mrz_make refuses it. */
static bool person_mrz(const person *p, const char *number, mrz_lines *out) {
  mrz_fields f = {0};
  f.format = MRZ_FORMAT_TD3;
  f.document_code = "P";
  f.issuing_state = p->nat;
  f.surname = p->surname;
  f.given_names = p->given;
  f.document_number = number ? number : p->number;
  f.nationality = p->nat;
  f.birth_date = p->birth[0] ? p->birth : NULL;
  f.sex = p->sex;
  f.expiry_date = p->expiry;
  bm_diag d = {0};
  return mrz_make(&f, out, &d) == BM_OK;
}

/* ---- the request file ---- */

typedef struct reqs {
  char **lines;
  size_t n, cap;
} reqs;

static bool reqs_add(reqs *q, rng *r, const char *label, const char *expect, const int64_t *bcps,
                     size_t nbcps, const char *const *mrz, size_t nlines) {
  if (q->n == q->cap) {
    size_t cap = q->cap ? q->cap * 2 : 1024;
    char **l = realloc(q->lines, cap * sizeof *l);
    if (l == NULL) return false;
    q->lines = l;
    q->cap = cap;
  }
  char buf[512];
  int len =
      snprintf(buf, sizeof buf, "%s\t%s\t%lld\t%s", label, expect && *expect ? expect : "-",
               (long long)bcps[rng_below(r, (unsigned)nbcps)], rng_below(r, 2) ? "exit" : "entry");
  for (size_t i = 0; i < nlines && len > 0 && (size_t)len < sizeof buf; i++)
    len += snprintf(buf + len, sizeof buf - (size_t)len, "\t%s", mrz[i]);
  if (len <= 0 || (size_t)len >= sizeof buf) return false;
  q->lines[q->n] = strdup(buf);
  return q->lines[q->n++] != NULL;
}

static bool reqs_add_lines(reqs *q, rng *r, const char *label, const char *expect,
                           const int64_t *bcps, size_t nbcps, const mrz_lines *m) {
  const char *l[MRZ_LINES_MAX];
  for (size_t i = 0; i < m->nlines; i++) l[i] = m->line[i];
  return reqs_add(q, r, label, expect, bcps, nbcps, l, m->nlines);
}

/* Screen the MRZ as the inspection does (app_inspect.c make_query) against ix: is `expect` hit? */
static bool screens_to(const wl_index *ix, wl_scratch *sc, const mrz_lines *m, const char *expect) {
  char text[3 * (MRZ_LINE_BYTES_MAX + 1) + 1] = "";
  for (size_t i = 0; i < m->nlines; i++) {
    strcat(text, m->line[i]);
    if (i + 1 < m->nlines) strcat(text, "\n");
  }
  mrz_doc doc;
  mrz_opts o = {MRZ_OPT_AUTOCORRECT, {0, 0, 0}};
  mrz_parse_text(text, strlen(text), &o, &doc);
  if (doc.format == MRZ_FORMAT_UNKNOWN) return false;
  char sur[STORE_NAME_BYTES_MAX], giv[STORE_NAME_BYTES_MAX], nat[8], num[STORE_DOCNUM_BYTES_MAX],
      iss[8];
  mrz_span_text(&doc, doc.surname, sur, sizeof sur);
  mrz_span_text(&doc, doc.given_names, giv, sizeof giv);
  mrz_span_text(&doc, doc.nationality, nat, sizeof nat);
  mrz_span_text(&doc, doc.issuing_state, iss, sizeof iss);
  snprintf(num, sizeof num, "%s", doc.document_number);
  wl_query q;
  memset(&q, 0, sizeof q);
  q.surname = sur;
  q.given_names = giv;
  if (doc.birth_date.date.year > 0) {
    q.birth.year = q.birth.year_to = doc.birth_date.date.year;
    q.birth.month = doc.birth_date.date.month;
    q.birth.day = doc.birth_date.date.day;
  }
  q.nationality = nat[0] ? wl_country_code(nat, strlen(nat)) : NULL;
  q.sex = (doc.sex == 'M' || doc.sex == 'F') ? doc.sex : 0;
  q.document_number = num;
  q.document_country = wl_country_code(iss, strlen(iss));
  if (q.document_country == NULL) q.document_country = iss;
  q.document_type = "P";
  wl_screen_opts so = {0, 20, NULL};
  wl_hit hits[20];
  unsigned nh = 0;
  bm_diag d = {0};
  if (wl_screen(ix, sc, &q, &so, hits, &nh, &d) != BM_OK) return false;
  for (unsigned i = 0; i < nh; i++)
    if (strcmp(hits[i].entry->id, expect) == 0) return true;
  return false;
}

/* MRZ code of an alpha-3 state: DEU is written D. */
static const char *mrz_state(const char *alpha3) {
  return strcmp(alpha3, "DEU") == 0 ? "D" : alpha3;
}

/* Add the people and documents of the demo's national and lost/stolen lists that screening finds.
 * Returns the number added, or -1 on a load failure. */
static long add_list_hits(reqs *q, rng *r, const char *lists_dir, const int64_t *bcps,
                          size_t nbcps) {
  char path[SEED_PATH_BYTES_MAX + 32];
  wl_list *lists[2] = {NULL, NULL};
  const char *names[2] = {"national", "sltd"};
  bm_diag d = {0};
  for (int i = 0; i < 2; i++) {
    snprintf(path, sizeof path, "%s/%s.jsonl", lists_dir, names[i]);
    if (wl_list_load(path, names[i], WL_FORMAT_JSONL, &lists[i], NULL, &d) != BM_OK) {
      fprintf(stderr, "serve_seed_bench: %s: %s\n", path, d.message);
      wl_list_free(lists[0]);
      return -1;
    }
  }
  wl_index *ix = NULL;
  wl_scratch *sc = NULL;
  long added = 0, tried = 0;
  if (wl_index_build(lists, 2, NULL, &ix, &d) != BM_OK || (sc = wl_scratch_new(ix, &d)) == NULL) {
    fprintf(stderr, "serve_seed_bench: index: %s\n", d.message);
    added = -1;
  }
  for (int li = 0; li < 2 && added >= 0; li++) {
    size_t n = wl_list_count(lists[li]), used = 0;
    for (size_t i = 0; i < n && (li == 0 || used < SEED_SLTD_MAX); i++) {
      const wl_entry *e = wl_list_entry(lists[li], i);
      person p;
      make_person(r, DOCNUM_SPACE - 1 - (long long)i, &p); /* a name for document-only entries */
      const char *number = NULL;
      if (e->kind == WL_KIND_PERSON) {
        if (e->nnames == 0 || e->nbirth_dates == 0 || e->birth_dates[0].day == 0) continue;
        /* "Given SURNAME": the upper-case tokens are the surname. */
        char given[64] = "", sur[64] = "";
        const char *s = e->names[0];
        const char *sp = strrchr(s, ' ');
        if (sp == NULL) continue;
        snprintf(given, sizeof given, "%.*s", (int)(sp - s), s);
        snprintf(sur, sizeof sur, "%s", sp + 1);
        snprintf(p.given, sizeof p.given, "%s", given);
        snprintf(p.surname, sizeof p.surname, "%s", sur);
        snprintf(p.birth, sizeof p.birth, "%04d-%02u-%02u", e->birth_dates[0].year,
                 e->birth_dates[0].month, e->birth_dates[0].day);
        if (e->sex == 'M' || e->sex == 'F') snprintf(p.sex, sizeof p.sex, "%c", e->sex);
        if (e->nnationalities > 0)
          snprintf(p.nat, sizeof p.nat, "%s", mrz_state(e->nationalities[0]));
        if (e->ndocuments > 0 && strlen(e->documents[0].number) <= 9)
          number = e->documents[0].number;
      } else if (e->kind == WL_KIND_DOCUMENT && e->ndocuments > 0) {
        if (strlen(e->documents[0].number) > 9 || strcmp(e->documents[0].type, "P") != 0) continue;
        number = e->documents[0].number;
        if (e->documents[0].country[0])
          snprintf(p.nat, sizeof p.nat, "%s", mrz_state(e->documents[0].country));
      } else {
        continue;
      }
      mrz_lines m;
      tried++;
      if (!person_mrz(&p, number, &m) || !screens_to(ix, sc, &m, e->id)) continue;
      if (!reqs_add_lines(q, r, names[li], e->id, bcps, nbcps, &m)) {
        added = -1;
        break;
      }
      added++;
      used++;
    }
  }
  printf("serve_seed_bench: list hits: %ld of %ld list people/documents screen to their entry\n",
         added, tried);
  wl_scratch_free(sc);
  wl_index_free(ix);
  wl_list_free(lists[0]);
  wl_list_free(lists[1]);
  return added;
}

/* Add the demo's try set (PATH.try.jsonl), each document SEED_TRY_REPEAT times. */
static long add_try_set(reqs *q, rng *r, const char *db, const int64_t *bcps, size_t nbcps) {
  char path[SEED_PATH_BYTES_MAX + 16];
  snprintf(path, sizeof path, "%s.try.jsonl", db);
  FILE *f = fopen(path, "r");
  if (f == NULL) {
    fprintf(stderr, "serve_seed_bench: no try set %s (make the database with bmis demo)\n", path);
    return -1;
  }
  char line[4096];
  long added = 0;
  while (fgets(line, sizeof line, f) != NULL) {
    json_error_t je;
    json_t *o = json_loads(line, 0, &je);
    const char *label = json_string_value(json_object_get(o, "label"));
    const char *mrz = json_string_value(json_object_get(o, "mrz"));
    const char *entry = json_string_value(json_object_get(o, "entry_id"));
    if (label == NULL || mrz == NULL) {
      json_decref(o);
      continue;
    }
    char text[256], lab[64];
    snprintf(text, sizeof text, "%s", mrz);
    snprintf(lab, sizeof lab, "try:%s", label);
    const char *l[MRZ_LINES_MAX];
    size_t nl = 0;
    for (char *tok = strtok(text, "\n"); tok && nl < MRZ_LINES_MAX; tok = strtok(NULL, "\n"))
      l[nl++] = tok;
    for (int k = 0; k < SEED_TRY_REPEAT; k++)
      if (!reqs_add(q, r, lab, entry, bcps, nbcps, l, nl)) {
        json_decref(o);
        fclose(f);
        return -1;
      }
    added++;
    json_decref(o);
  }
  fclose(f);
  return added;
}

/* ---- SQLite helpers ---- */

static int sq_ok(sqlite3 *db, int rc, const char *what) {
  if (rc == SQLITE_OK || rc == SQLITE_DONE || rc == SQLITE_ROW) return 1;
  fprintf(stderr, "serve_seed_bench: %s: %s\n", what, sqlite3_errmsg(db));
  return 0;
}

static int exec(sqlite3 *db, const char *sql) {
  return sq_ok(db, sqlite3_exec(db, sql, NULL, NULL, NULL), sql);
}

/* Integer column 0 of every row of sql into out (at most cap); returns the count or -1. */
static long read_ids(sqlite3 *db, const char *sql, int64_t *out, long cap) {
  sqlite3_stmt *st;
  if (!sq_ok(db, sqlite3_prepare_v2(db, sql, -1, &st, NULL), sql)) return -1;
  long n = 0;
  while (sqlite3_step(st) == SQLITE_ROW && n < cap) out[n++] = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return n;
}

static int64_t scalar(sqlite3 *db, const char *sql) {
  int64_t v = -1;
  read_ids(db, sql, &v, 1);
  return v;
}

static void bind_s(sqlite3_stmt *st, int i, const char *s) {
  sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Crossings of one traveller: skewed, mean about 14. */
static unsigned crossings_for(rng *r) {
  unsigned p = rng_below(r, 100);
  if (p < 55) return 1 + rng_below(r, 6);
  if (p < 85) return 7 + rng_below(r, 14);
  if (p < 98) return 21 + rng_below(r, 40);
  return 61 + rng_below(r, 140);
}

typedef struct seeded {
  int64_t traveller_id;
  unsigned crossings;
} seeded;

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static int usage(void) {
  fprintf(stderr, "usage: serve_seed_bench --db PATH [--crossings N] [--seed N] "
                  "[--end-date YYYY-MM-DD] [--write-requests FILE] [--requests N] [--lists DIR]\n");
  return 2;
}

int main(int argc, char **argv) {
  const char *db_path = NULL, *req_path = NULL, *lists_arg = NULL, *end_arg = NULL;
  long long target = SEED_CROSSINGS_DEFAULT, nreq = SEED_REQUESTS_DEFAULT;
  unsigned long long seed = SEED_SEED_DEFAULT;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (v == NULL) return usage();
    if (strcmp(a, "--db") == 0)
      db_path = v;
    else if (strcmp(a, "--crossings") == 0)
      target = atoll(v);
    else if (strcmp(a, "--seed") == 0)
      seed = strtoull(v, NULL, 10);
    else if (strcmp(a, "--end-date") == 0)
      end_arg = v;
    else if (strcmp(a, "--write-requests") == 0)
      req_path = v;
    else if (strcmp(a, "--requests") == 0)
      nreq = atoll(v);
    else if (strcmp(a, "--lists") == 0)
      lists_arg = v;
    else
      return usage();
    i++;
  }
  if (db_path == NULL || target < 1 || target > SEED_CROSSINGS_MAX || nreq < 1 ||
      nreq > SEED_REQUESTS_MAX)
    return usage();
  int64_t end_ms = store_now_ms();
  if (end_arg != NULL) {
    struct tm tm = {0};
    if (sscanf(end_arg, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3) return usage();
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    end_ms = (int64_t)timegm(&tm) * 1000 + DAY_MS - 1;
  }
  char lists_dir[SEED_PATH_BYTES_MAX];
  snprintf(lists_dir, sizeof lists_dir, "%s", lists_arg ? lists_arg : "");
  if (lists_arg == NULL) snprintf(lists_dir, sizeof lists_dir, "%s.watchlists", db_path);

  sqlite3 *db = NULL;
  if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
    fprintf(stderr, "serve_seed_bench: cannot open %s: %s\n", db_path, sqlite3_errmsg(db));
    sqlite3_close(db);
    return 2;
  }
  char pragmas[256];
  snprintf(pragmas, sizeof pragmas,
           "PRAGMA foreign_keys=ON; PRAGMA synchronous=OFF; PRAGMA journal_mode=MEMORY; "
           "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-%d;",
           SEED_CACHE_KIB);
  if (!exec(db, pragmas)) return 2;
  int64_t bcps[SEED_IDS_MAX], officers[SEED_IDS_MAX];
  char codes[SEED_IDS_MAX][STORE_CODE_BYTES_MAX];
  long nbcps = read_ids(db, "SELECT id FROM bcp WHERE active = 1 ORDER BY id", bcps, SEED_IDS_MAX);
  long noff = read_ids(db, "SELECT id FROM app_user WHERE role = 'officer' ORDER BY id", officers,
                       SEED_IDS_MAX);
  long ncodes = 0;
  {
    sqlite3_stmt *st;
    if (!sq_ok(db,
               sqlite3_prepare_v2(db, "SELECT code FROM refusal_code ORDER BY code", -1, &st, NULL),
               "refusal codes"))
      return 2;
    while (sqlite3_step(st) == SQLITE_ROW && ncodes < SEED_IDS_MAX)
      snprintf(codes[ncodes++], STORE_CODE_BYTES_MAX, "%s", sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
  }
  int64_t before = scalar(db, "SELECT COUNT(*) FROM crossing");
  if (nbcps < 1 || noff < 1 || ncodes < 1 || before < 0) {
    fprintf(stderr,
            "serve_seed_bench: %s has no BCPs, officers or refusal codes: make it with "
            "bmis demo\n",
            db_path);
    return 2;
  }
  if (before >= target) {
    fprintf(stderr, "serve_seed_bench: %s already holds %lld crossings (>= %lld)\n", db_path,
            (long long)before, target);
    return 2;
  }
  printf("serve_seed_bench: %s: %lld crossings, %ld BCPs, %ld officers; adding %lld crossings "
         "(seed %llu)\n",
         db_path, (long long)before, nbcps, noff, target - (long long)before, seed);
  fflush(stdout);

  sqlite3_stmt *ins_t, *ins_d, *ins_c, *ins_r;
  if (!sq_ok(db,
             sqlite3_prepare_v2(db,
                                "INSERT INTO traveller (surname, given_names, birth_date, sex, "
                                "nationality, created_ms, updated_ms) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                -1, &ins_t, NULL),
             "prepare traveller") ||
      !sq_ok(db,
             sqlite3_prepare_v2(db,
                                "INSERT INTO document (traveller_id, doc_type, number, "
                                "issuing_state, expiry_date, created_ms) VALUES (?, ?, ?, ?, ?, ?)",
                                -1, &ins_d, NULL),
             "prepare document") ||
      !sq_ok(db,
             sqlite3_prepare_v2(db,
                                "INSERT INTO crossing (traveller_id, document_id, bcp_id, "
                                "officer_id, direction, time_ms, decision, remarks, created_ms) "
                                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                                -1, &ins_c, NULL),
             "prepare crossing") ||
      !sq_ok(db,
             sqlite3_prepare_v2(db,
                                "INSERT INTO crossing_refusal (crossing_id, code) VALUES (?, ?)",
                                -1, &ins_r, NULL),
             "prepare crossing_refusal"))
    return 2;

  rng r = {seed}, rs = {seed ^ 0x5ca1ab1eULL}; /* data; request file (independent of its size) */
  long long add = target - before, done_c = 0, ntrav = 0, nref = 0;
  long long nsample = nreq * 9 / 10;
  reqs q = {0};
  mrz_lines *sample = calloc((size_t)nsample, sizeof *sample);
  seeded *hist = calloc(SEED_HISTORY_SAMPLE, sizeof *hist);
  int64_t *times = malloc(256 * sizeof *times);
  if (sample == NULL || hist == NULL || times == NULL) {
    fprintf(stderr, "serve_seed_bench: out of memory\n");
    return 2;
  }
  long long nsampled = 0;
  double t0 = now_s();
  int ok = exec(db, "BEGIN");
  /* Indexes that the rows below would fill in random order (crossing_bcp_time above all) are
   * dropped and created again from their own SQL after the inserts: one sort instead of 10 M
   * random B-tree inserts. crossing_traveller_time grows at its end and stays. */
  char *idx_sql[SEED_IDS_MAX];
  long nidx = 0;
  {
    sqlite3_stmt *st;
    ok = ok && sq_ok(db,
                     sqlite3_prepare_v2(db,
                                        "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                                        "AND tbl_name IN ('crossing', 'traveller') AND sql IS NOT "
                                        "NULL AND name <> 'crossing_traveller_time'",
                                        -1, &st, NULL),
                     "indexes");
    char drop[SEED_IDS_MAX][160];
    while (ok && sqlite3_step(st) == SQLITE_ROW && nidx < SEED_IDS_MAX) {
      snprintf(drop[nidx], sizeof drop[nidx], "DROP INDEX \"%s\"", sqlite3_column_text(st, 0));
      idx_sql[nidx++] = strdup((const char *)sqlite3_column_text(st, 1));
    }
    if (ok) sqlite3_finalize(st);
    for (long i = 0; ok && i < nidx; i++) ok = idx_sql[i] != NULL && exec(db, drop[i]);
  }
  while (ok && done_c < add) {
    person p;
    make_person(&r, ntrav, &p);
    unsigned k = crossings_for(&r);
    if ((long long)k > add - done_c) k = (unsigned)(add - done_c);
    bool citizen = strcmp(p.nat, "UTO") == 0;
    /* Times: stays of 1..14 days, gaps around a spread that depends on how often they travel. */
    unsigned gap = k > 1 ? 1400 / k : 400;
    if (gap < 2) gap = 2;
    if (gap > 200) gap = 200;
    int64_t t = 0;
    bool out = true;          /* foreigners start abroad, citizens at home (both "out" of a trip) */
    unsigned char kinds[256]; /* 0 entry admitted, 1 exit admitted, 2 entry refused */
    for (unsigned i = 0; i < k; i++) {
      if (i > 0)
        t += (out ? (int64_t)(1 + rng_below(&r, 2 * gap)) : (int64_t)(1 + rng_below(&r, 14))) *
             DAY_MS;
      t += (int64_t)rng_below(&r, 86400) * 1000 - 43200000;
      times[i] = t;
      if (citizen) {
        kinds[i] = out ? 1 : 0; /* out of the country first */
        out = !out;
      } else if (out && rng_below(&r, 1000) < 4) {
        kinds[i] = 2; /* refused: still abroad */
      } else {
        kinds[i] = out ? 0 : 1;
        out = !out;
      }
    }
    int64_t shift = end_ms - (int64_t)rng_below(&r, 30) * DAY_MS - 3600000 - times[k - 1];
    sqlite3_reset(ins_t);
    bind_s(ins_t, 1, p.surname);
    bind_s(ins_t, 2, p.given);
    bind_s(ins_t, 3, p.birth);
    bind_s(ins_t, 4, p.sex);
    bind_s(ins_t, 5, p.nat);
    sqlite3_bind_int64(ins_t, 6, times[0] + shift);
    sqlite3_bind_int64(ins_t, 7, times[k - 1] + shift);
    if (!sq_ok(db, sqlite3_step(ins_t), "insert traveller")) break;
    int64_t tid = sqlite3_last_insert_rowid(db);
    sqlite3_reset(ins_d);
    sqlite3_bind_int64(ins_d, 1, tid);
    bind_s(ins_d, 2, "P");
    bind_s(ins_d, 3, p.number);
    bind_s(ins_d, 4, p.nat);
    bind_s(ins_d, 5, p.expiry);
    sqlite3_bind_int64(ins_d, 6, times[0] + shift);
    if (!sq_ok(db, sqlite3_step(ins_d), "insert document")) break;
    int64_t did = sqlite3_last_insert_rowid(db);
    for (unsigned i = 0; i < k && ok; i++) {
      int64_t tm = times[i] + shift;
      sqlite3_reset(ins_c);
      sqlite3_bind_int64(ins_c, 1, tid);
      sqlite3_bind_int64(ins_c, 2, did);
      sqlite3_bind_int64(ins_c, 3, bcps[rng_below(&r, (unsigned)nbcps)]);
      sqlite3_bind_int64(ins_c, 4, officers[rng_below(&r, (unsigned)noff)]);
      bind_s(ins_c, 5, kinds[i] == 1 ? "exit" : "entry");
      sqlite3_bind_int64(ins_c, 6, tm);
      bind_s(ins_c, 7, kinds[i] == 2 ? "refused" : "admitted");
      bind_s(ins_c, 8, kinds[i] == 2 ? "synthetic refusal (load benchmark)" : "");
      sqlite3_bind_int64(ins_c, 9, tm);
      if (!sq_ok(db, sqlite3_step(ins_c), "insert crossing")) {
        ok = 0;
        break;
      }
      if (kinds[i] == 2) {
        int64_t cid = sqlite3_last_insert_rowid(db);
        unsigned c1 = rng_below(&r, (unsigned)ncodes), nc = 1 + rng_below(&r, 2);
        for (unsigned c = 0; c < nc && ok; c++) {
          sqlite3_reset(ins_r);
          sqlite3_bind_int64(ins_r, 1, cid);
          bind_s(ins_r, 2, codes[(c1 + c) % (unsigned)ncodes]);
          ok = sq_ok(db, sqlite3_step(ins_r), "insert crossing_refusal");
          nref++;
        }
      }
    }
    /* Reservoir samples: passports for the request file, travellers for the history check. */
    long long j = ntrav < nsample ? ntrav : (long long)(rng_next(&rs) % (uint64_t)(ntrav + 1));
    if (j < nsample && !person_mrz(&p, NULL, &sample[j])) {
      fprintf(stderr, "serve_seed_bench: mrz_make refused traveller %lld\n", ntrav);
      ok = 0;
    }
    if (ntrav < nsample) nsampled++;
    long long h =
        ntrav < SEED_HISTORY_SAMPLE ? ntrav : (long long)(rng_next(&rs) % (uint64_t)(ntrav + 1));
    if (h < SEED_HISTORY_SAMPLE) hist[h] = (seeded){tid, k};
    done_c += k;
    ntrav++;
    if (ntrav % 100000 == 0) {
      printf("serve_seed_bench: %lld travellers, %lld crossings, %.1f s\n", ntrav, done_c,
             now_s() - t0);
      fflush(stdout);
    }
  }
  double ti = now_s();
  for (long i = 0; i < nidx; i++) {
    ok = ok && exec(db, idx_sql[i]);
    free(idx_sql[i]);
  }
  if (ok) printf("serve_seed_bench: created %ld indexes again in %.1f s\n", nidx, now_s() - ti);
  ok = ok && exec(db, "COMMIT");
  double seed_s = now_s() - t0;
  sqlite3_finalize(ins_t);
  sqlite3_finalize(ins_d);
  sqlite3_finalize(ins_c);
  sqlite3_finalize(ins_r);
  if (!ok) {
    exec(db, "ROLLBACK");
    sqlite3_close(db);
    return 1;
  }
  long long rows = done_c + 2 * ntrav + nref;
  printf("serve_seed_bench: added %lld travellers, %lld documents, %lld crossings, %lld refusal "
         "codes in %.1f s: %.0f rows/s, %.0f crossings/s\n",
         ntrav, ntrav, done_c, nref, seed_s, (double)rows / seed_s, (double)done_c / seed_s);

  /* The inspection's history query must walk crossing_traveller_time backwards, no sort. */
  int plan_ok = 0, plan_sort = 0;
  {
    sqlite3_stmt *st;
    if (sq_ok(db,
              sqlite3_prepare_v2(db,
                                 "EXPLAIN QUERY PLAN SELECT id, traveller_id, document_id, bcp_id, "
                                 "officer_id, direction, time_ms, decision, remarks, created_ms "
                                 "FROM crossing WHERE traveller_id = ? ORDER BY time_ms DESC, "
                                 "id DESC LIMIT ?",
                                 -1, &st, NULL),
              "explain")) {
      while (sqlite3_step(st) == SQLITE_ROW) {
        const char *detail = (const char *)sqlite3_column_text(st, 3);
        printf("serve_seed_bench: history query plan: %s\n", detail ? detail : "");
        if (detail && strstr(detail, "crossing_traveller_time")) plan_ok = 1;
        if (detail && strstr(detail, "TEMP B-TREE")) plan_sort = 1;
      }
      sqlite3_finalize(st);
    }
  }
  plan_ok = plan_ok && !plan_sort;
  double tw = now_s();
  ok = exec(db, "PRAGMA journal_mode=WAL") && exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
  sqlite3_close(db);
  printf("serve_seed_bench: journal_mode back to WAL (%.1f s)\n", now_s() - tw);
  if (!ok) return 1;

  /* Through the store: the count, and the history read of sampled travellers. */
  store *s = NULL;
  bm_diag d = {0};
  int64_t count = -1;
  double tc = now_s();
  if (store_open(db_path, &s, &d) != BM_OK || store_crossing_count(s, NULL, &count, &d) != BM_OK) {
    fprintf(stderr, "serve_seed_bench: store: %s\n", d.message);
    store_free(s);
    return 1;
  }
  double count_s = now_s() - tc;
  size_t nh = ntrav < SEED_HISTORY_SAMPLE ? (size_t)ntrav : SEED_HISTORY_SAMPLE;
  double *lat = calloc(nh ? nh : 1, sizeof *lat);
  store_crossing *c = malloc(200 * sizeof *c);
  long bad_hist = 0;
  for (size_t i = 0; lat && c && i < nh; i++) {
    size_t n = 0;
    double ta = now_s();
    bm_err e = store_crossing_list_by_traveller(s, hist[i].traveller_id, c, 200, &n, &d);
    lat[i] = (now_s() - ta) * 1e6;
    bool sorted = true;
    for (size_t k = 1; k < n; k++) sorted = sorted && c[k - 1].time_ms >= c[k].time_ms;
    if (e != BM_OK || n != (hist[i].crossings < 200 ? hist[i].crossings : 200) || !sorted)
      bad_hist++;
  }
  store_free(s);
  if (lat) qsort(lat, nh, sizeof *lat, cmp_double);
  double p50 = nh ? lat[nh / 2] : 0, p99 = nh ? lat[nh * 99 / 100] : 0, mx = nh ? lat[nh - 1] : 0;
  printf("serve_seed_bench: store_crossing_count: %lld crossings (%.2f s), expected %lld: %s\n",
         (long long)count, count_s, target, count == target ? "OK" : "MISMATCH");
  printf("serve_seed_bench: history of %zu sampled travellers (up to 200 crossings, with refusal "
         "codes): p50 %.0f us, p99 %.0f us, max %.0f us; %ld wrong; plan %s\n",
         nh, p50, p99, mx, bad_hist, plan_ok ? "uses crossing_traveller_time, no sort" : "NOT OK");
  free(lat);
  free(c);

  /* The request file: sampled seeded travellers (90%), new passports, list hits, try set. */
  long list_hits = 0, tries = 0;
  if (req_path != NULL) {
    rng rq = {seed ^ 0xfeedULL};
    for (long long i = 0; i < nsampled && ok; i++)
      ok = reqs_add_lines(&q, &rq, "seeded", NULL, bcps, (size_t)nbcps, &sample[i]);
    for (long long i = 0; ok && (long long)q.n < nreq * 97 / 100; i++) {
      person p;
      mrz_lines m;
      make_person(&rq, ntrav + 1000 + i, &p); /* numbers never seeded */
      ok =
          person_mrz(&p, NULL, &m) && reqs_add_lines(&q, &rq, "new", NULL, bcps, (size_t)nbcps, &m);
    }
    list_hits = ok ? add_list_hits(&q, &rq, lists_dir, bcps, (size_t)nbcps) : -1;
    tries = list_hits >= 0 ? add_try_set(&q, &rq, db_path, bcps, (size_t)nbcps) : -1;
    ok = ok && list_hits >= 0 && tries >= 0;
    for (size_t i = q.n; ok && i > 1; i--) {
      size_t j = (size_t)(rng_next(&rq) % i);
      char *tmp = q.lines[i - 1];
      q.lines[i - 1] = q.lines[j];
      q.lines[j] = tmp;
    }
    FILE *f = ok ? fopen(req_path, "w") : NULL;
    for (size_t i = 0; f && i < q.n; i++) fprintf(f, "%s\n", q.lines[i]);
    if (f == NULL || fclose(f) != 0) {
      fprintf(stderr, "serve_seed_bench: cannot write %s\n", req_path);
      ok = 0;
    } else {
      printf("serve_seed_bench: wrote %zu inspections to %s (%lld seeded, %ld list hits, %ld try "
             "documents x %d)\n",
             q.n, req_path, nsampled, list_hits, tries, SEED_TRY_REPEAT);
    }
  }
  for (size_t i = 0; i < q.n; i++) free(q.lines[i]);
  free(q.lines);
  free(sample);
  free(hist);
  free(times);

  int verified = ok && count == target && bad_hist == 0 && plan_ok;
  printf("=crossings_total %lld\n=crossings_added %lld\n=travellers_added %lld\n=seed_s %.1f\n"
         "=rows_per_s %.0f\n=count_s %.2f\n=history_p50_us %.0f\n=history_p99_us %.0f\n"
         "=history_plan %s\n=list_hits %ld\n=verified %s\n",
         (long long)count, done_c, ntrav, seed_s, (double)rows / seed_s, count_s, p50, p99,
         plan_ok ? "index" : "BAD", list_hits, verified ? "OK" : "FAILED");
  return verified ? 0 : 1;
}
