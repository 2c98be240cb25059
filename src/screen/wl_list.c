/* wl_list.c - the watchlist object, its arena, the entry builder shared by the loaders, format
 * detection, file reading, and the date and country normalisation the loaders rely on.
 *
 * Memory: a list owns one arena (a chain of chunks) that holds every string and every per-entry
 * array, plus one contiguous array of wl_entry. Short strings that repeat across entries (document
 * types, categories) are interned; country codes point at static tables and cost nothing. Per
 * entry that is the 112-byte wl_entry plus its strings and arrays, nothing else: a 1M-entry list
 * with two names, a date, a nationality and half a passport per entry holds 219 MB.
 *
 * Building: a loader collects one record at a time in fixed scratch arrays, so a record that turns
 * out unusable costs nothing but the arena bytes of its strings, and a kept record is copied into
 * the arena in one go.
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bmis/icao.h"
#include "bmis/watchlist.h"

#define WL_ARENA_CHUNK_BYTES_MIN (16u << 10) /* first chunk: small lists stay small */
#define WL_ARENA_CHUNK_BYTES_MAX (1u << 20)  /* chunks double up to this */
#define WL_LIST_NAME_BYTES_MAX   256         /* a list's name is cut to this */
#define WL_PATH_BYTES_MAX        4096

/* ---- arena ---- */

typedef struct wl_chunk {
  struct wl_chunk *next;
  size_t size, used;
  max_align_t data[]; /* aligned for any type */
} wl_chunk;

typedef struct wl_arena {
  wl_chunk *head;
  size_t next_size; /* size of the next chunk to allocate */
  size_t bytes;     /* total allocated, for wl_list_memory */
} wl_arena;

static void *arena_alloc(wl_arena *a, size_t n, size_t align) {
  wl_chunk *c = a->head;
  if (c != NULL) {
    size_t off = (c->used + align - 1) & ~(align - 1);
    if (off <= c->size && n <= c->size - off) {
      c->used = off + n;
      return (char *)c->data + off;
    }
  }
  size_t size = a->next_size < WL_ARENA_CHUNK_BYTES_MIN ? WL_ARENA_CHUNK_BYTES_MIN : a->next_size;
  if (n > size / 4) {
    /* A big item gets a chunk of its own behind the current one, so the current chunk's free
     * space is not wasted. */
    wl_chunk *big = malloc(sizeof *big + n);
    if (big == NULL) return NULL;
    big->size = big->used = n;
    a->bytes += sizeof *big + n;
    if (c != NULL) {
      big->next = c->next;
      c->next = big;
    } else {
      big->next = NULL;
      a->head = big;
    }
    return big->data;
  }
  wl_chunk *nc = malloc(sizeof *nc + size);
  if (nc == NULL) return NULL;
  nc->size = size;
  nc->used = n;
  nc->next = c;
  a->head = nc;
  a->bytes += sizeof *nc + size;
  if (a->next_size < WL_ARENA_CHUNK_BYTES_MAX) a->next_size = size * 2;
  return nc->data;
}

static void arena_release(wl_arena *a) {
  wl_chunk *c = a->head;
  while (c != NULL) {
    wl_chunk *next = c->next;
    free(c);
    c = next;
  }
  a->head = NULL;
  a->bytes = 0;
}

static char *arena_strdup(wl_arena *a, const char *s, size_t len) {
  char *p = arena_alloc(a, len + 1, 1);
  if (p == NULL) return NULL;
  memcpy(p, s, len);
  p[len] = '\0';
  return p;
}

/* ---- the list ---- */

struct wl_list {
  char *name;
  wl_entry *entries;
  size_t count, cap;
  wl_arena arena;
};

const char *wl_kind_name(wl_kind kind) {
  switch (kind) {
  case WL_KIND_PERSON: return "person";
  case WL_KIND_ENTITY: return "entity";
  case WL_KIND_DOCUMENT: return "document";
  case WL_KIND_OTHER: return "other";
  }
  return "other";
}

const char *wl_format_name(wl_format format) {
  switch (format) {
  case WL_FORMAT_JSONL: return "jsonl";
  case WL_FORMAT_OFAC_SDN: return "ofac-sdn";
  case WL_FORMAT_UN_XML: return "un-xml";
  case WL_FORMAT_AUTO: return "auto";
  }
  return "auto";
}

void wl_list_free(wl_list *list) {
  if (list == NULL) return;
  arena_release(&list->arena);
  free(list->entries);
  free(list->name);
  free(list);
}

const char *wl_list_name(const wl_list *list) {
  return list->name;
}

size_t wl_list_count(const wl_list *list) {
  return list->count;
}

const wl_entry *wl_list_entry(const wl_list *list, size_t i) {
  return i < list->count ? &list->entries[i] : NULL;
}

size_t wl_list_memory(const wl_list *list) {
  if (list == NULL) return 0;
  return sizeof *list + list->arena.bytes + list->cap * sizeof(wl_entry) +
         (list->name ? strlen(list->name) + 1 : 0);
}

/* ---- UTF-8 ---- */

/* Length of the valid UTF-8 sequence at s (1..4), 0 when s does not start one. */
static size_t utf8_seq(const unsigned char *s, size_t n) {
  unsigned c = s[0];
  if (c < 0x80) return 1;
  if (c >= 0xc2 && c <= 0xdf) return n >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    if (n < 3 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80) return 0;
    if (c == 0xe0 && s[1] < 0xa0) return 0;  /* overlong */
    if (c == 0xed && s[1] >= 0xa0) return 0; /* surrogates */
    return 3;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    if (n < 4 || (s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80) return 0;
    if (c == 0xf0 && s[1] < 0x90) return 0;
    if (c == 0xf4 && s[1] >= 0x90) return 0;
    return 4;
  }
  return 0;
}

static bool utf8_valid(const char *s, size_t n) {
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  while (i < n) {
    if (p[i] < 0x80) {
      i++;
      continue;
    }
    size_t k = utf8_seq(p + i, n - i);
    if (k == 0) return false;
    i += k;
  }
  return true;
}

/* ---- the loader ---- */

typedef struct intern_slot {
  uint32_t hash;
  const char *s; /* NULL: empty slot */
} intern_slot;

typedef struct id_slot {
  uint32_t hash;
  uint32_t index; /* entry index + 1, 0 = empty */
} id_slot;

struct wl__loader {
  wl_list *list;
  wl_load_report *report;
  wl_load_report own_report; /* used when the caller passed none */
  char file[256];
  bool nomem;

  /* The record under construction. */
  bool in_rec;
  unsigned rec_line;
  const char *id;
  wl_kind kind;
  char sex;
  const char *category;
  const char *notes;
  uint32_t nnames, ndates, nnats, ndocs;
  bool any_flag;
  bool names_dropped_reported;
  const char *names[WL_NAMES_MAX];
  uint8_t flags[WL_NAMES_MAX];
  wl_date dates[WL_DATES_MAX];
  const char *nats[WL_NATIONALITIES_MAX];
  wl_document docs[WL_DOCUMENTS_MAX];

  /* Interned short strings. */
  intern_slot *interned;
  size_t interned_cap, interned_count;

  /* Ids seen, for duplicate detection. */
  id_slot *ids;
  size_t ids_cap;
  size_t id_len; /* of the record's id */
};

static uint32_t hash_bytes(const char *s, size_t n) {
  /* FNV-1a: short keys, no adversarial worry beyond probe length (tables stay under half full). */
  uint32_t h = 2166136261u;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
  return h;
}

wl__loader *wl__loader_new(const char *name, wl_format format, wl_load_report *report) {
  wl__loader *ld = calloc(1, sizeof *ld);
  if (ld == NULL) return NULL;
  ld->list = calloc(1, sizeof *ld->list);
  if (ld->list == NULL) {
    free(ld);
    return NULL;
  }
  size_t nlen = strnlen(name ? name : "", WL_LIST_NAME_BYTES_MAX - 1);
  ld->list->name = malloc(nlen + 1);
  if (ld->list->name == NULL) {
    free(ld->list);
    free(ld);
    return NULL;
  }
  memcpy(ld->list->name, name ? name : "", nlen);
  ld->list->name[nlen] = '\0';
  ld->report = report ? report : &ld->own_report;
  memset(ld->report, 0, sizeof *ld->report);
  ld->report->format = format;
  snprintf(ld->file, sizeof ld->file, "%s", name ? name : "");
  return ld;
}

void wl__loader_free(wl__loader *ld) {
  if (ld == NULL) return;
  wl_list_free(ld->list);
  free(ld->interned);
  free(ld->ids);
  free(ld);
}

int wl__loader_nomem(const wl__loader *ld) {
  return ld->nomem;
}

bm_err wl__loader_finish(wl__loader *ld, wl_list **out) {
  if (ld->nomem) {
    wl__loader_free(ld);
    return BM_ERR_NOMEM;
  }
  wl_list *l = ld->list;
  if (l->cap > l->count && l->count > 0) {
    wl_entry *shrunk = realloc(l->entries, l->count * sizeof *shrunk);
    if (shrunk != NULL) {
      l->entries = shrunk;
      l->cap = l->count;
    }
  }
  ld->list = NULL;
  wl__loader_free(ld);
  *out = l;
  return BM_OK;
}

void wl__loader_set_file(wl__loader *ld, const char *file) {
  snprintf(ld->file, sizeof ld->file, "%s", file ? file : "");
}

/* Copy at most cap-1 bytes of src into dst, cut at a UTF-8 boundary, with bytes that are not UTF-8
 * (the message quotes outside input) replaced by '?', so the issue can always be printed as JSON.
 */
static void copy_printable(char *dst, size_t cap, const char *src) {
  size_t o = 0;
  const unsigned char *p = (const unsigned char *)src;
  size_t n = strlen(src);
  for (size_t i = 0; i < n;) {
    size_t k = p[i] < 0x80 ? 1 : utf8_seq(p + i, n - i);
    if (k == 0 || (k == 1 && p[i] < 0x20)) {
      if (o + 1 >= cap) break;
      dst[o++] = k == 0 ? '?' : ' ';
      i++;
      continue;
    }
    if (o + k >= cap) break;
    memcpy(dst + o, p + i, k);
    o += k;
    i += k;
  }
  dst[o] = '\0';
}

void wl__issue(wl__loader *ld, unsigned line, const char *field, const char *fmt, ...) {
  wl_load_report *r = ld->report;
  size_t i = r->nissues++;
  if (i >= WL_REPORT_ISSUES_MAX) return;
  wl_issue *is = &r->issues[i];
  copy_printable(is->file, sizeof is->file, ld->file);
  is->line = line;
  copy_printable(is->field, sizeof is->field, field ? field : "");
  char msg[512];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  copy_printable(is->message, sizeof is->message, msg);
}

const char *wl__intern(wl__loader *ld, const char *s, size_t len) {
  if (len == 0) return "";
  if (ld->interned_count * 2 >= ld->interned_cap) {
    size_t ncap = ld->interned_cap ? ld->interned_cap * 2 : 64;
    intern_slot *t = calloc(ncap, sizeof *t);
    if (t == NULL) {
      ld->nomem = true;
      return NULL;
    }
    for (size_t i = 0; i < ld->interned_cap; i++) {
      if (ld->interned[i].s == NULL) continue;
      size_t j = ld->interned[i].hash & (ncap - 1);
      while (t[j].s != NULL) j = (j + 1) & (ncap - 1);
      t[j] = ld->interned[i];
    }
    free(ld->interned);
    ld->interned = t;
    ld->interned_cap = ncap;
  }
  uint32_t h = hash_bytes(s, len);
  size_t j = h & (ld->interned_cap - 1);
  while (ld->interned[j].s != NULL) {
    if (ld->interned[j].hash == h && strncmp(ld->interned[j].s, s, len) == 0 &&
        ld->interned[j].s[len] == '\0')
      return ld->interned[j].s;
    j = (j + 1) & (ld->interned_cap - 1);
  }
  char *copy = arena_strdup(&ld->list->arena, s, len);
  if (copy == NULL) {
    ld->nomem = true;
    return NULL;
  }
  ld->interned[j].hash = h;
  ld->interned[j].s = copy;
  ld->interned_count++;
  return copy;
}

void wl__rec_begin(wl__loader *ld, unsigned line) {
  ld->in_rec = true;
  ld->rec_line = line;
  ld->id = NULL;
  ld->kind = WL_KIND_PERSON;
  ld->sex = 0;
  ld->category = "";
  ld->notes = "";
  ld->nnames = ld->ndates = ld->nnats = ld->ndocs = 0;
  ld->any_flag = false;
  ld->names_dropped_reported = false;
  ld->report->records++;
}

unsigned wl__rec_line(const wl__loader *ld) {
  return ld->rec_line;
}

static bool is_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static void trim(const char **s, size_t *len) {
  while (*len > 0 && is_space((unsigned char)(*s)[0])) {
    (*s)++;
    (*len)--;
  }
  while (*len > 0 && is_space((unsigned char)(*s)[*len - 1])) (*len)--;
}

/* Copy text into the arena: trimmed; with fold_space, runs of whitespace become one space; control
 * characters become spaces; bytes that are not UTF-8 are read as Latin-1 (OFAC files have been
 * published in Latin-1) and *latin1 is set. max: the copy is cut at a UTF-8 boundary within max
 * bytes and *cut is set. */
static char *copy_text(wl__loader *ld, const char *s, size_t len, bool fold_space, size_t max,
                       bool *latin1, bool *cut) {
  trim(&s, &len);
  /* Most text is printable ASCII with single spaces: one check, one copy. */
  size_t plain = 0;
  while (plain < len && (unsigned char)s[plain] >= 0x20 && (unsigned char)s[plain] < 0x7f &&
         !(fold_space && s[plain] == ' ' && plain + 1 < len && s[plain + 1] == ' '))
    plain++;
  if (plain == len && len <= max) {
    *latin1 = *cut = false;
    char *out = arena_strdup(&ld->list->arena, s, len);
    if (out == NULL) ld->nomem = true;
    return out;
  }
  bool valid = utf8_valid(s, len);
  size_t need = valid ? len : len * 2;
  if (need > max) need = max;
  char *out = arena_alloc(&ld->list->arena, need + 1, 1);
  if (out == NULL) {
    ld->nomem = true;
    return NULL;
  }
  const unsigned char *p = (const unsigned char *)s;
  size_t o = 0;
  bool prev_space = false;
  *latin1 = !valid;
  *cut = false;
  for (size_t i = 0; i < len;) {
    unsigned char c = p[i];
    unsigned char buf[4];
    size_t k;
    if (c < 0x80) {
      if (c < 0x20 || c == 0x7f) c = ' ';
      if (fold_space && c == ' ') {
        if (prev_space || o == 0) {
          i++;
          continue;
        }
        c = ' ';
        prev_space = true;
      } else {
        prev_space = false;
      }
      buf[0] = c;
      k = 1;
      i++;
    } else {
      prev_space = false;
      size_t q = valid ? utf8_seq(p + i, len - i) : 0;
      if (q > 0) {
        memcpy(buf, p + i, q);
        k = q;
        i += q;
      } else {
        buf[0] = (unsigned char)(0xc0 | (c >> 6));
        buf[1] = (unsigned char)(0x80 | (c & 0x3f));
        k = 2;
        i++;
      }
    }
    if (o + k > need) {
      *cut = true;
      break;
    }
    memcpy(out + o, buf, k);
    o += k;
  }
  while (o > 0 && out[o - 1] == ' ') o--;
  out[o] = '\0';
  return out;
}

void wl__rec_id(wl__loader *ld, const char *s, size_t len) {
  trim(&s, &len);
  if (len == 0) return;
  if (len > WL_ID_BYTES_MAX) {
    wl__issue(ld, ld->rec_line, "id", "id longer than %u bytes", (unsigned)WL_ID_BYTES_MAX);
    return;
  }
  bool latin1, cut;
  const char *id = copy_text(ld, s, len, false, WL_ID_BYTES_MAX, &latin1, &cut);
  if (id == NULL || id[0] == '\0') return; /* only control characters */
  if (latin1) wl__issue(ld, ld->rec_line, "id", "id is not UTF-8; read as Latin-1");
  ld->id = id;
  ld->id_len = strlen(id);
}

void wl__rec_kind(wl__loader *ld, wl_kind kind) {
  ld->kind = kind;
}

int wl__rec_name(wl__loader *ld, const char *s, size_t len, unsigned flags, unsigned line,
                 const char *field) {
  trim(&s, &len);
  if (len == 0) return -1;
  if (len > WL_NAME_BYTES_MAX * 2) {
    wl__issue(ld, line, field, "name longer than %u bytes; dropped", (unsigned)WL_NAME_BYTES_MAX);
    return -1;
  }
  if (ld->nnames >= WL_NAMES_MAX) {
    if (!ld->names_dropped_reported)
      wl__issue(ld, line, field, "more than %u names; the rest are dropped",
                (unsigned)WL_NAMES_MAX);
    ld->names_dropped_reported = true;
    return -1;
  }
  bool latin1, cut;
  char *name = copy_text(ld, s, len, true, WL_NAME_BYTES_MAX, &latin1, &cut);
  if (name == NULL) return -1;
  if (cut) {
    wl__issue(ld, line, field, "name longer than %u bytes; dropped", (unsigned)WL_NAME_BYTES_MAX);
    return -1;
  }
  if (name[0] == '\0') return -1;
  if (latin1) wl__issue(ld, line, field, "name is not UTF-8; read as Latin-1");
  for (uint32_t i = 0; i < ld->nnames; i++)
    if (strcmp(ld->names[i], name) == 0) return 0;
  ld->names[ld->nnames] = name;
  ld->flags[ld->nnames] = (uint8_t)flags;
  if (flags != 0) ld->any_flag = true;
  ld->nnames++;
  return 0;
}

void wl__rec_date(wl__loader *ld, const wl_date *d) {
  for (uint32_t i = 0; i < ld->ndates; i++)
    if (memcmp(&ld->dates[i], d, sizeof *d) == 0) return;
  if (ld->ndates >= WL_DATES_MAX) return;
  ld->dates[ld->ndates++] = *d;
}

void wl__rec_nationality(wl__loader *ld, const char *alpha3) {
  for (uint32_t i = 0; i < ld->nnats; i++)
    if (strcmp(ld->nats[i], alpha3) == 0) return;
  if (ld->nnats >= WL_NATIONALITIES_MAX) return;
  ld->nats[ld->nnats++] = alpha3;
}

void wl__rec_sex(wl__loader *ld, char sex) {
  ld->sex = sex;
}

void wl__rec_document(wl__loader *ld, const char *type, const char *number, size_t len,
                      const char *country, unsigned line, const char *field) {
  trim(&number, &len);
  if (len == 0) return;
  if (len > WL_DOC_NUMBER_BYTES_MAX) {
    wl__issue(ld, line, field, "document number longer than %u bytes; dropped",
              (unsigned)WL_DOC_NUMBER_BYTES_MAX);
    return;
  }
  if (ld->ndocs >= WL_DOCUMENTS_MAX) {
    wl__issue(ld, line, field, "more than %u documents; dropped", (unsigned)WL_DOCUMENTS_MAX);
    return;
  }
  bool latin1, cut;
  char *num = copy_text(ld, number, len, true, WL_DOC_NUMBER_BYTES_MAX, &latin1, &cut);
  if (num == NULL || num[0] == '\0') return;
  if (latin1) wl__issue(ld, line, field, "document number is not UTF-8; read as Latin-1");
  for (uint32_t i = 0; i < ld->ndocs; i++)
    if (strcmp(ld->docs[i].number, num) == 0 && strcmp(ld->docs[i].country, country) == 0 &&
        strcmp(ld->docs[i].type, type) == 0)
      return;
  ld->docs[ld->ndocs].type = type;
  ld->docs[ld->ndocs].number = num;
  ld->docs[ld->ndocs].country = country;
  ld->ndocs++;
}

void wl__rec_category(wl__loader *ld, const char *s, size_t len) {
  trim(&s, &len);
  if (len == 0) return;
  bool latin1, cut;
  if (utf8_valid(s, len) && len <= WL_NAME_BYTES_MAX) {
    const char *c = wl__intern(ld, s, len);
    if (c != NULL) ld->category = c;
    return;
  }
  const char *c = copy_text(ld, s, len, true, WL_NAME_BYTES_MAX, &latin1, &cut);
  if (c == NULL) return;
  const char *in = wl__intern(ld, c, strlen(c));
  if (in != NULL) ld->category = in;
}

void wl__rec_notes(wl__loader *ld, const char *s, size_t len) {
  bool latin1, cut;
  const char *n = copy_text(ld, s, len, false, WL_NOTES_BYTES_MAX, &latin1, &cut);
  if (n != NULL) ld->notes = n;
}

void wl__rec_discard(wl__loader *ld) {
  if (!ld->in_rec) return;
  ld->in_rec = false;
  ld->report->skipped++;
}

/* Note a new id; report a duplicate (the record is still kept: both entries can match). */
static void check_duplicate_id(wl__loader *ld, size_t index) {
  wl_list *l = ld->list;
  if ((l->count + 1) * 2 > ld->ids_cap) {
    size_t ncap = ld->ids_cap ? ld->ids_cap * 2 : 1024;
    id_slot *t = calloc(ncap, sizeof *t);
    if (t == NULL) {
      ld->nomem = true;
      return;
    }
    for (size_t i = 0; i < ld->ids_cap; i++) {
      if (ld->ids[i].index == 0) continue;
      size_t j = ld->ids[i].hash & (ncap - 1);
      while (t[j].index != 0) j = (j + 1) & (ncap - 1);
      t[j] = ld->ids[i];
    }
    free(ld->ids);
    ld->ids = t;
    ld->ids_cap = ncap;
  }
  const char *id = l->entries[index].id;
  uint32_t h = hash_bytes(id, ld->id_len);
  size_t j = h & (ld->ids_cap - 1);
  while (ld->ids[j].index != 0) {
    if (ld->ids[j].hash == h) {
      const wl_entry *e = &l->entries[ld->ids[j].index - 1];
      if (strcmp(e->id, id) == 0) {
        wl__issue(ld, ld->rec_line, "id", "duplicate id '%.60s' (first on line %u); both kept", id,
                  e->source_line);
        return;
      }
    }
    j = (j + 1) & (ld->ids_cap - 1);
  }
  ld->ids[j].hash = h;
  ld->ids[j].index = (uint32_t)(index + 1);
}

int wl__rec_commit(wl__loader *ld) {
  if (!ld->in_rec) return 0;
  ld->in_rec = false;
  if (ld->id == NULL) {
    wl__issue(ld, ld->rec_line, "id", "record has no id; skipped");
    ld->report->skipped++;
    return 0;
  }
  if (ld->kind == WL_KIND_DOCUMENT) {
    if (ld->ndocs == 0) {
      wl__issue(ld, ld->rec_line, "documents", "kind document without a usable document; skipped");
      ld->report->skipped++;
      return 0;
    }
    if (ld->nnames > 0) {
      wl__issue(ld, ld->rec_line, "names", "names of a kind document entry are ignored");
      ld->nnames = 0;
    }
  } else if (ld->nnames == 0) {
    if (ld->ndocs == 0) {
      wl__issue(ld, ld->rec_line, "names", "record has no usable name and no document; skipped");
      ld->report->skipped++;
      return 0;
    }
    wl__issue(ld, ld->rec_line, "names", "no usable name; only the documents can match");
  }
  wl_list *l = ld->list;
  if (l->count >= UINT32_MAX - 1) {
    wl__issue(ld, ld->rec_line, "", "too many entries; skipped");
    ld->report->skipped++;
    return 0;
  }
  if (l->count == l->cap) {
    size_t ncap = l->cap ? l->cap * 2 : 64;
    wl_entry *t = realloc(l->entries, ncap * sizeof *t);
    if (t == NULL) {
      ld->nomem = true;
      ld->report->skipped++;
      return 0;
    }
    l->entries = t;
    l->cap = ncap;
  }
  wl_arena *a = &l->arena;
  wl_entry *e = &l->entries[l->count];
  memset(e, 0, sizeof *e);
  e->id = ld->id;
  e->kind = ld->kind;
  e->sex = ld->sex;
  e->category = ld->category;
  e->notes = ld->notes;
  e->source_line = ld->rec_line;
  /* One arena block per kind of array; all small, all copied once. */
  if (ld->nnames > 0) {
    const char **names = arena_alloc(a, ld->nnames * sizeof *names, sizeof(void *));
    if (names == NULL) goto nomem;
    memcpy(names, ld->names, ld->nnames * sizeof *names);
    e->names = names;
    e->nnames = ld->nnames;
    if (ld->any_flag) {
      uint8_t *f = arena_alloc(a, ld->nnames, 1);
      if (f == NULL) goto nomem;
      memcpy(f, ld->flags, ld->nnames);
      e->name_flags = f;
    }
  }
  if (ld->ndates > 0) {
    wl_date *d = arena_alloc(a, ld->ndates * sizeof *d, _Alignof(wl_date));
    if (d == NULL) goto nomem;
    memcpy(d, ld->dates, ld->ndates * sizeof *d);
    e->birth_dates = d;
    e->nbirth_dates = ld->ndates;
  }
  if (ld->nnats > 0) {
    const char **n = arena_alloc(a, ld->nnats * sizeof *n, sizeof(void *));
    if (n == NULL) goto nomem;
    memcpy(n, ld->nats, ld->nnats * sizeof *n);
    e->nationalities = n;
    e->nnationalities = ld->nnats;
  }
  if (ld->ndocs > 0) {
    wl_document *d = arena_alloc(a, ld->ndocs * sizeof *d, _Alignof(wl_document));
    if (d == NULL) goto nomem;
    memcpy(d, ld->docs, ld->ndocs * sizeof *d);
    e->documents = d;
    e->ndocuments = ld->ndocs;
  }
  l->count++;
  ld->report->loaded++;
  check_duplicate_id(ld, l->count - 1);
  return 1;
nomem:
  ld->nomem = true;
  ld->report->skipped++;
  return 0;
}

/* ---- dates ---- */

static const char *const month_abbr[12] = {"jan", "feb", "mar", "apr", "may", "jun",
                                           "jul", "aug", "sep", "oct", "nov", "dec"};

/* Reads n digits at *p (exactly n, not followed by another digit). */
static int read_digits(const char **p, const char *end, int n, int *out) {
  const char *s = *p;
  if (end - s < n) return -1;
  int v = 0;
  for (int i = 0; i < n; i++) {
    if (s[i] < '0' || s[i] > '9') return -1;
    v = v * 10 + (s[i] - '0');
  }
  if (end - s > n && s[n] >= '0' && s[n] <= '9') return -1;
  *p = s + n;
  *out = v;
  return 0;
}

static int read_month_name(const char **p, const char *end) {
  const char *s = *p;
  if (end - s < 3) return -1;
  char m[3];
  for (int i = 0; i < 3; i++) m[i] = (char)tolower((unsigned char)s[i]);
  for (int i = 0; i < 12; i++) {
    if (memcmp(m, month_abbr[i], 3) != 0) continue;
    s += 3;
    /* Full names and "Sept." also appear. */
    while (s < end && isalpha((unsigned char)*s)) s++;
    if (s < end && *s == '.') s++;
    *p = s;
    return i + 1;
  }
  return -1;
}

static void skip_spaces(const char **p, const char *end) {
  while (*p < end && (**p == ' ' || **p == '\t')) (*p)++;
}

#define WL_YEAR_MIN 1000
#define WL_YEAR_MAX 2999

/* One date: YYYY-MM-DD, YYYY-MM, YYYY, DD Mon YYYY, Mon YYYY. Parts 0 = unknown. */
static int parse_one_date(const char **p, const char *end, int *y, int *m, int *d) {
  const char *s = *p;
  *m = *d = 0;
  if (read_digits(&s, end, 4, y) == 0) {
    if (s + 1 < end && (*s == '-') && s[1] >= '0' && s[1] <= '9' && end - s >= 3 &&
        (end - s == 3 || !(s[3] >= '0' && s[3] <= '9'))) {
      const char *t = s + 1;
      if (read_digits(&t, end, 2, m) != 0) return -1;
      s = t;
      if (s < end && *s == '-') {
        t = s + 1;
        if (read_digits(&t, end, 2, d) != 0) return -1;
        s = t;
      }
    }
  } else if (read_digits(&s, end, 2, d) == 0 || read_digits(&s, end, 1, d) == 0) {
    skip_spaces(&s, end);
    if ((*m = read_month_name(&s, end)) < 0) return -1;
    skip_spaces(&s, end);
    if (read_digits(&s, end, 4, y) != 0) return -1;
  } else {
    if ((*m = read_month_name(&s, end)) < 0) return -1;
    skip_spaces(&s, end);
    if (read_digits(&s, end, 4, y) != 0) return -1;
  }
  if (*y < WL_YEAR_MIN || *y > WL_YEAR_MAX) return -1;
  if (*m > 12) return -1;
  if (*d != 0 && (*m == 0 || *d > bm_days_in_month(*y, *m))) return -1;
  *p = s;
  return 0;
}

static bool eat_word(const char **p, const char *end, const char *w) {
  size_t n = strlen(w);
  if ((size_t)(end - *p) < n || strncasecmp(*p, w, n) != 0) return false;
  *p += n;
  return true;
}

int wl_date_parse(const char *s, size_t len, wl_date *out) {
  if (s == NULL || out == NULL) return -1;
  trim(&s, &len);
  while (len > 0 && s[len - 1] == '.') len--;
  const char *p = s, *end = s + len;
  /* "circa", "approximately", "about": the list says the date is not exact; the year is kept and
   * the matcher's tolerance does the rest. */
  if (eat_word(&p, end, "circa ") || eat_word(&p, end, "approximately ") ||
      eat_word(&p, end, "approx. ") || eat_word(&p, end, "about ") || eat_word(&p, end, "ca. "))
    skip_spaces(&p, end);
  int y1, m1, d1;
  if (parse_one_date(&p, end, &y1, &m1, &d1) != 0) return -1;
  skip_spaces(&p, end);
  int y2 = y1, m2 = m1, d2 = d1;
  if (p < end) {
    if (*p == '/' || *p == '-') {
      p++;
    } else if (!eat_word(&p, end, "to ") && !eat_word(&p, end, "and ")) {
      return -1;
    }
    skip_spaces(&p, end);
    if (parse_one_date(&p, end, &y2, &m2, &d2) != 0) return -1;
    skip_spaces(&p, end);
    if (p != end) return -1;
    if (y2 < y1 || y2 - y1 > 200) return -1;
  }
  memset(out, 0, sizeof *out);
  out->year = (int16_t)y1;
  out->year_to = (int16_t)y2;
  if (y1 == y2 && m1 == m2) {
    out->month = (uint8_t)m1;
    if (d1 == d2) out->day = (uint8_t)d1;
  }
  return 0;
}

/* ---- countries ---- */

/* Names the ICAO table does not have (or has in another form), as the UN, OFAC and people write
 * them. Matched after the same normalisation as the table's names: case, accents, punctuation,
 * word order and the words "the", "and", "of" do not matter, so "Korea, North" needs no entry once
 * "North Korea" has one. */
static const struct {
  const char *name;
  const char *code;
} country_aliases[] = {
    {"Afghanistan", "AFG"},
    {"Bolivia", "BOL"},
    {"Bosnia-Herzegovina", "BIH"},
    {"Britain", "GBR"},
    {"Brunei", "BRN"},
    {"Burma", "MMR"},
    {"Cape Verde", "CPV"},
    {"Czech Republic", "CZE"},
    {"Congo, Democratic Republic of the", "COD"},
    {"Democratic Republic of Congo", "COD"},
    {"DRC", "COD"},
    {"Congo, Republic of the", "COG"},
    {"Republic of the Congo", "COG"},
    {"East Timor", "TLS"},
    {"England", "GBR"},
    {"Great Britain", "GBR"},
    {"Holland", "NLD"},
    {"Iran", "IRN"},
    {"Islamic Republic of Iran", "IRN"},
    {"Ivory Coast", "CIV"},
    {"Kosovo", "RKS"},
    {"Kyrgyz Republic", "KGZ"},
    {"Laos", "LAO"},
    {"Libyan Arab Jamahiriya", "LBY"},
    {"Macau", "MAC"},
    {"Macedonia", "MKD"},
    {"The former Yugoslav Republic of Macedonia", "MKD"},
    {"Micronesia", "FSM"},
    {"Moldova", "MDA"},
    {"North Korea", "PRK"},
    {"Northern Ireland", "GBR"},
    {"Palestine", "PSE"},
    {"Palestinian", "PSE"},
    {"Palestinian Territories", "PSE"},
    {"Occupied Palestinian Territory", "PSE"},
    {"West Bank", "PSE"},
    {"Gaza", "PSE"},
    {"Gaza Strip", "PSE"},
    {"People's Republic of China", "CHN"},
    {"Russia", "RUS"},
    {"Saint Kitts", "KNA"},
    {"St. Kitts and Nevis", "KNA"},
    {"St. Lucia", "LCA"},
    {"St. Vincent and the Grenadines", "VCT"},
    {"Sao Tome", "STP"},
    {"Scotland", "GBR"},
    {"Slovak Republic", "SVK"},
    {"South Korea", "KOR"},
    {"Swaziland", "SWZ"},
    {"Syria", "SYR"},
    {"Taiwan", "TWN"},
    {"Tanzania", "TZA"},
    {"Turkiye", "TUR"},
    {"UAE", "ARE"},
    {"U.A.E.", "ARE"},
    {"United Kingdom", "GBR"},
    {"UK", "GBR"},
    {"United States", "USA"},
    {"U.S.", "USA"},
    {"U.S.A.", "USA"},
    {"America", "USA"},
    {"Vatican", "VAT"},
    {"Vatican City", "VAT"},
    {"Venezuela", "VEN"},
    {"Vietnam", "VNM"},
    {"Wales", "GBR"},
    {"Curacao", "CUW"},
    {"Hong Kong SAR", "HKG"},
    {"Hong Kong, China", "HKG"},
    {"Macao SAR", "MAC"},
    {"Bahamas", "BHS"},
    {"Gambia", "GMB"},
    {"Falkland Islands", "FLK"},
    {"Cayman Islands", "CYM"},
    {"Republic of Korea", "KOR"},
    {"Republic of Moldova", "MDA"},
    {"Stateless", "XXA"},
    {"Republic of North Macedonia", "MKD"},
    {"Cote d Ivoire", "CIV"},
    {"Hong Kong Special Administrative Region of China", "HKG"},
    {"Macao Special Administrative Region of China", "MAC"},
};

/* ISO alpha-2 codes the generated ICAO table leaves empty, and "UK". */
static const struct {
  char a2[3];
  char code[4];
} alpha2_extra[] = {
    {"AX", "ALA"}, {"AQ", "ATA"}, {"TF", "ATF"}, {"BQ", "BES"}, {"BL", "BLM"}, {"BV", "BVT"},
    {"CC", "CCK"}, {"CD", "COD"}, {"CK", "COK"}, {"CW", "CUW"}, {"CX", "CXR"}, {"KY", "CYM"},
    {"EH", "ESH"}, {"FK", "FLK"}, {"GG", "GGY"}, {"GI", "GIB"}, {"GN", "GIN"}, {"GY", "GUY"},
    {"HM", "HMD"}, {"IM", "IMN"}, {"IO", "IOT"}, {"JM", "JAM"}, {"JE", "JEY"}, {"MF", "MAF"},
    {"MK", "MKD"}, {"YT", "MYT"}, {"NF", "NFK"}, {"NU", "NIU"}, {"GS", "SGS"}, {"SH", "SHN"},
    {"SJ", "SJM"}, {"PM", "SPM"}, {"SS", "SSD"}, {"SX", "SXM"}, {"TC", "TCA"}, {"TK", "TKL"},
    {"UM", "UMI"}, {"VA", "VAT"}, {"WF", "WLF"}, {"XK", "RKS"}, {"UK", "GBR"},
};

#define COUNTRY_KEY_BYTES_MAX   160 /* a normalised name; longer names are not countries */
#define COUNTRY_WORDS_MAX       16
#define COUNTRY_TABLE_SLOTS     2048 /* power of two, over 4x the names */
#define COUNTRY_INPUT_BYTES_MAX 256

typedef struct country_slot {
  uint32_t hash;
  const char *code; /* NULL: empty */
  char key[COUNTRY_KEY_BYTES_MAX];
} country_slot;

static country_slot *country_table;
static pthread_once_t country_once = PTHREAD_ONCE_INIT;

/* Fold a UTF-8 Latin letter with a diacritic (U+00C0..U+017F) to its ASCII base letter, 0 when not
 * one of those. */
static char fold_latin(unsigned cp) {
  /* '_' marks the two non-letters (multiplication and division signs). */
  static const char l1[] = "AAAAAAACEEEEIIIIDNOOOOO_OUUUUYTsaaaaaaaceeeeiiiidnooooo_ouuuuyty";
  static const char ext[] = "AaAaAaCcCcCcCcDdDdEeEeEeEeEeGgGgGgGgHhHhIiIiIiIiIiIiJjKkkLlLlLlL"
                            "lLlNnNnNnnNnOoOoOoOoRrRrRrSsSsSsSsTtTtTtUuUuUuUuUuUuWwYyYZzZzZzs";
  _Static_assert(sizeof l1 == 64 + 1, "one letter per code point U+00C0..U+00FF");
  _Static_assert(sizeof ext == 128 + 1, "one letter per code point U+0100..U+017F");
  char c = 0;
  if (cp >= 0xc0 && cp <= 0xff) c = l1[cp - 0xc0];
  if (cp >= 0x100 && cp <= 0x17f) c = ext[cp - 0x100];
  return c == '_' ? 0 : c;
}

/* The normalised key of a country name: ASCII letters and digits, lower case, accents folded,
 * apostrophes dropped, other punctuation separating words, the words "the", "and", "of" left out,
 * words sorted. Returns the key length, 0 when nothing is left or the name is too long. */
static size_t country_key(const char *s, size_t len, char *key) {
  char words[COUNTRY_WORDS_MAX][32];
  size_t nwords = 0, wl = 0;
  char cur[32];
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  bool overflow = false;
  for (;;) {
    int c = -1; /* -1: end; 0: separator; else a letter */
    size_t adv = 1;
    if (i < len) {
      unsigned b = p[i];
      if (b < 0x80) {
        if (isalnum(b))
          c = tolower((int)b);
        else if (b == '\'')
          c = 1; /* dropped inside the word */
        else
          c = 0;
      } else {
        size_t k = utf8_seq(p + i, len - i);
        if (k == 2) {
          unsigned cp = ((b & 0x1fu) << 6) | (p[i + 1] & 0x3fu);
          char f = fold_latin(cp);
          c = f ? tolower((unsigned char)f) : 0;
        } else if (k == 3 && b == 0xe2 && p[i + 1] == 0x80 &&
                   (p[i + 2] == 0x98 || p[i + 2] == 0x99)) {
          c = 1; /* typographic apostrophe */
        } else {
          c = 0;
        }
        adv = k ? k : 1;
      }
    }
    if (c == 1) {
      i += adv;
      continue;
    }
    if (c > 1) {
      if (wl + 1 >= sizeof cur)
        overflow = true;
      else
        cur[wl++] = (char)c;
      i += adv;
      continue;
    }
    if (wl > 0) {
      cur[wl] = '\0';
      if (strcmp(cur, "the") != 0 && strcmp(cur, "and") != 0 && strcmp(cur, "of") != 0) {
        if (nwords >= COUNTRY_WORDS_MAX)
          overflow = true;
        else
          memcpy(words[nwords++], cur, wl + 1);
      }
      wl = 0;
    }
    if (c < 0) break;
    i += adv;
  }
  if (overflow || nwords == 0) return 0;
  /* Insertion sort: a handful of words. */
  for (size_t a = 1; a < nwords; a++) {
    char t[32];
    memcpy(t, words[a], sizeof t);
    size_t b = a;
    while (b > 0 && strcmp(words[b - 1], t) > 0) {
      memcpy(words[b], words[b - 1], sizeof t);
      b--;
    }
    memcpy(words[b], t, sizeof t);
  }
  size_t n = 0;
  for (size_t a = 0; a < nwords; a++) {
    size_t w = strlen(words[a]);
    if (n + w + 2 > COUNTRY_KEY_BYTES_MAX) return 0;
    if (a > 0) key[n++] = ' ';
    memcpy(key + n, words[a], w);
    n += w;
  }
  key[n] = '\0';
  return n;
}

static void country_insert(const char *name, const char *code) {
  char key[COUNTRY_KEY_BYTES_MAX];
  size_t n = country_key(name, strlen(name), key);
  if (n == 0) return;
  uint32_t h = hash_bytes(key, n);
  size_t j = h & (COUNTRY_TABLE_SLOTS - 1);
  while (country_table[j].code != NULL) {
    if (country_table[j].hash == h && strcmp(country_table[j].key, key) == 0)
      return; /* first wins */
    j = (j + 1) & (COUNTRY_TABLE_SLOTS - 1);
  }
  country_table[j].hash = h;
  country_table[j].code = code;
  memcpy(country_table[j].key, key, n + 1);
}

static void country_table_init(void) {
  country_table = calloc(COUNTRY_TABLE_SLOTS, sizeof *country_table);
  if (country_table == NULL) return;
  /* Aliases first: where a common name and a table name collide, the common reading wins. */
  for (size_t i = 0; i < BM_COUNTOF(country_aliases); i++) {
    const icao_state *st = icao_state_find(country_aliases[i].code, 3);
    if (st != NULL) country_insert(country_aliases[i].name, st->code);
  }
  for (unsigned i = 0; i < icao__states_count; i++) {
    const icao_state *st = &icao__states[i];
    if (strchr(st->code, '<') != NULL) continue; /* "D<<": Germany is DEU */
    country_insert(st->name, st->code);
  }
}

static const char *country_by_code3(const char *s) {
  char up[3];
  for (int i = 0; i < 3; i++) up[i] = (char)toupper((unsigned char)s[i]);
  const icao_state *st = icao_state_find(up, 3);
  return st != NULL ? st->code : NULL;
}

const char *wl_country_code(const char *s, size_t len) {
  if (s == NULL) return NULL;
  trim(&s, &len);
  while (len > 0 && s[len - 1] == '.') len--;
  if (len == 0 || len > COUNTRY_INPUT_BYTES_MAX) return NULL;
  /* MRZ forms: "D", "D<<", "DEU", "GBD"; Germany's "D" is read as DEU so lists agree. */
  if ((len == 1 && s[0] == 'D') || (len == 3 && memcmp(s, "D<<", 3) == 0)) return "DEU";
  bool alpha = true, upper = true;
  for (size_t i = 0; i < len; i++) {
    if (!isalpha((unsigned char)s[i])) alpha = false;
    if (!isupper((unsigned char)s[i])) upper = false;
  }
  if (len == 3 && alpha) {
    const char *c = country_by_code3(s);
    if (c != NULL) return c;
  }
  /* Alpha-2 only in capitals: "na" (the UN's "not available") is not Namibia. */
  if (len == 2 && upper) {
    for (unsigned i = 0; i < icao__states_count; i++)
      if (memcmp(icao__states[i].alpha2, s, 2) == 0 && icao__states[i].alpha2[2] == '\0' &&
          strchr(icao__states[i].code, '<') == NULL)
        return icao__states[i].code;
    for (size_t i = 0; i < BM_COUNTOF(alpha2_extra); i++)
      if (memcmp(alpha2_extra[i].a2, s, 2) == 0) return country_by_code3(alpha2_extra[i].code);
    return NULL;
  }
  pthread_once(&country_once, country_table_init);
  if (country_table == NULL) return NULL;
  char key[COUNTRY_KEY_BYTES_MAX];
  size_t n = country_key(s, len, key);
  if (n == 0) return NULL;
  uint32_t h = hash_bytes(key, n);
  size_t j = h & (COUNTRY_TABLE_SLOTS - 1);
  while (country_table[j].code != NULL) {
    if (country_table[j].hash == h && strcmp(country_table[j].key, key) == 0)
      return country_table[j].code;
    j = (j + 1) & (COUNTRY_TABLE_SLOTS - 1);
  }
  return NULL;
}

/* ---- format detection and loading ---- */

static size_t skip_bom_and_space(const char *data, size_t len) {
  size_t i = 0;
  if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) i = 3;
  while (i < len && is_space((unsigned char)data[i])) i++;
  return i;
}

/* The SDN row shape: an all-digit first field and 12 fields on the first line. */
static bool looks_like_ofac(const char *data, size_t len) {
  size_t i = skip_bom_and_space(data, len);
  size_t digits = 0;
  bool quoted = i < len && data[i] == '"';
  if (quoted) i++;
  while (i < len && data[i] >= '0' && data[i] <= '9') {
    i++;
    digits++;
  }
  if (quoted) {
    if (i >= len || data[i] != '"') return false;
    i++;
  }
  while (i < len && data[i] == ' ') i++;
  if (digits == 0 || digits > 12 || i >= len || data[i] != ',') return false;
  unsigned fields = 1;
  bool inq = false;
  for (; i < len; i++) {
    char c = data[i];
    if (c == '"')
      inq = !inq;
    else if (!inq && c == ',')
      fields++;
    else if (!inq && (c == '\n' || c == '\r'))
      break;
  }
  return fields == 12;
}

wl_format wl__detect(const char *data, size_t len) {
  size_t i = skip_bom_and_space(data, len);
  if (i >= len) return WL_FORMAT_AUTO;
  if (data[i] == '{') return WL_FORMAT_JSONL;
  if (data[i] == '<') {
    /* The root element within the first few KB (after the XML declaration and comments). */
    size_t window = len - i < 8192 ? len - i : 8192;
    const char *w = data + i;
    for (size_t k = 0; k + 18 <= window; k++)
      if (memcmp(w + k, "<CONSOLIDATED_LIST", 18) == 0) return WL_FORMAT_UN_XML;
    return WL_FORMAT_AUTO;
  }
  if (looks_like_ofac(data, len)) return WL_FORMAT_OFAC_SDN;
  return WL_FORMAT_AUTO;
}

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bm_err load_mem(const char *data, size_t len, const char *alt, size_t alt_len,
                       const char *name, const char *file, const char *alt_file, wl_format format,
                       wl_list **out, wl_load_report *report, bm_diag *diag) {
  double t0 = now_seconds();
  if (out == NULL) return bm_diag_set(diag, BM_ERR_USAGE, NULL, 0, 0, "no place for the list");
  *out = NULL;
  if (data == NULL && len > 0) return bm_diag_set(diag, BM_ERR_USAGE, NULL, 0, 0, "no data");
  if (len > WL_FILE_BYTES_MAX)
    return bm_diag_set(diag, BM_ERR_LIMIT, NULL, 0, 0, "%s: larger than %u MB", file,
                       (unsigned)(WL_FILE_BYTES_MAX >> 20));
  if (format == WL_FORMAT_AUTO) format = wl__detect(data ? data : "", len);
  if (report != NULL) {
    memset(report, 0, sizeof *report);
    report->format = format;
  }
  if (format != WL_FORMAT_JSONL && format != WL_FORMAT_OFAC_SDN && format != WL_FORMAT_UN_XML)
    return bm_diag_set(diag, BM_ERR_UNSUPPORTED, NULL, 0, 0,
                       "%s: not a watchlist format openbmis reads (JSON Lines, OFAC SDN CSV, UN "
                       "consolidated list XML)",
                       file);
  wl__loader *ld = wl__loader_new(name, format, report);
  if (ld == NULL) return bm_diag_set(diag, BM_ERR_NOMEM, NULL, 0, 0, "out of memory");
  wl__loader_set_file(ld, file);
  bm_err err;
  const char *d = data ? data : "";
  switch (format) {
  case WL_FORMAT_JSONL: err = wl__load_jsonl(ld, d, len, 1); break;
  case WL_FORMAT_OFAC_SDN: err = wl__load_ofac(ld, d, len, alt, alt_len, file, alt_file); break;
  default: err = wl__load_un(ld, d, len); break;
  }
  if (err != BM_OK) {
    wl__loader_free(ld);
    return bm_diag_set(diag, err, NULL, 0, 0, "%s: %s", file, bm_err_str(err));
  }
  err = wl__loader_finish(ld, out);
  if (err != BM_OK) return bm_diag_set(diag, err, NULL, 0, 0, "%s: out of memory", file);
  if (report != NULL) report->seconds = now_seconds() - t0;
  return BM_OK;
}

bm_err wl_list_load_mem(const char *data, size_t len, const char *alt_csv, size_t alt_len,
                        const char *name, wl_format format, wl_list **out, wl_load_report *report,
                        bm_diag *diag) {
  const char *n = name ? name : "memory";
  return load_mem(data, len, alt_csv, alt_len, n, n, "alt", format, out, report, diag);
}

/* Read a whole file. Returns BM_OK, BM_ERR_IO (diag says why), BM_ERR_LIMIT, BM_ERR_NOMEM. */
static bm_err read_file(const char *path, char **out, size_t *out_len, bm_diag *diag) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) return bm_diag_set(diag, BM_ERR_IO, NULL, 0, 0, "%s: %s", path, strerror(errno));
  struct stat st;
  if (fstat(fileno(f), &st) != 0) {
    int e = errno;
    fclose(f);
    return bm_diag_set(diag, BM_ERR_IO, NULL, 0, 0, "%s: %s", path, strerror(e));
  }
  if (S_ISDIR(st.st_mode)) {
    fclose(f);
    return bm_diag_set(diag, BM_ERR_IO, NULL, 0, 0, "%s: is a directory", path);
  }
  if (st.st_size > (off_t)WL_FILE_BYTES_MAX) {
    fclose(f);
    return bm_diag_set(diag, BM_ERR_LIMIT, NULL, 0, 0, "%s: larger than %u MB", path,
                       (unsigned)(WL_FILE_BYTES_MAX >> 20));
  }
  /* The size is a hint (pipes and /proc say 0): read until EOF, bounded by the limit. */
  size_t cap = st.st_size > 0 ? (size_t)st.st_size + 1 : 65536, len = 0;
  char *buf = malloc(cap + 1);
  if (buf == NULL) {
    fclose(f);
    return bm_diag_set(diag, BM_ERR_NOMEM, NULL, 0, 0, "%s: out of memory", path);
  }
  for (;;) {
    if (len == cap) {
      if (cap > WL_FILE_BYTES_MAX) {
        free(buf);
        fclose(f);
        return bm_diag_set(diag, BM_ERR_LIMIT, NULL, 0, 0, "%s: larger than %u MB", path,
                           (unsigned)(WL_FILE_BYTES_MAX >> 20));
      }
      size_t ncap = cap * 2;
      char *nb = realloc(buf, ncap + 1);
      if (nb == NULL) {
        free(buf);
        fclose(f);
        return bm_diag_set(diag, BM_ERR_NOMEM, NULL, 0, 0, "%s: out of memory", path);
      }
      buf = nb;
      cap = ncap;
    }
    size_t n = fread(buf + len, 1, cap - len, f);
    len += n;
    if (n == 0) break;
  }
  if (ferror(f)) {
    int e = errno;
    free(buf);
    fclose(f);
    return bm_diag_set(diag, BM_ERR_IO, NULL, 0, 0, "%s: %s", path, strerror(e));
  }
  fclose(f);
  if (len > WL_FILE_BYTES_MAX) {
    free(buf);
    return bm_diag_set(diag, BM_ERR_LIMIT, NULL, 0, 0, "%s: larger than %u MB", path,
                       (unsigned)(WL_FILE_BYTES_MAX >> 20));
  }
  buf[len] = '\0';
  *out = buf;
  *out_len = len;
  return BM_OK;
}

/* The OFAC alias file beside an SDN file: sdn.csv -> alt.csv, SDN.CSV -> ALT.CSV,
 * cons_prim.csv -> cons_alt.csv. 0 when there is no such name. */
static int alt_path_for(const char *path, char *out, size_t cap) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  size_t dir_len = (size_t)(base - path);
  const char *hit = NULL, *repl = NULL;
  size_t hit_len = 0;
  for (const char *p = base; *p; p++) {
    if (strncasecmp(p, "prim", 4) == 0) {
      hit = p;
      hit_len = 4;
      repl = isupper((unsigned char)p[0]) ? "ALT" : "alt";
      break;
    }
    if (strncasecmp(p, "sdn", 3) == 0 && hit == NULL) {
      hit = p;
      hit_len = 3;
      repl = isupper((unsigned char)p[0]) ? "ALT" : "alt";
    }
  }
  int n;
  if (hit != NULL)
    n = snprintf(out, cap, "%.*s%s%s", (int)(hit - path), path, repl, hit + hit_len);
  else
    n = snprintf(out, cap, "%.*salt.csv", (int)dir_len, path);
  return n > 0 && (size_t)n < cap;
}

static void default_name(const char *path, char *out, size_t cap) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  const char *dot = strrchr(base, '.');
  size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
  if (n >= cap) n = cap - 1;
  memcpy(out, base, n);
  out[n] = '\0';
}

bm_err wl_list_load(const char *path, const char *name, wl_format format, wl_list **out,
                    wl_load_report *report, bm_diag *diag) {
  if (path == NULL || out == NULL)
    return bm_diag_set(diag, BM_ERR_USAGE, NULL, 0, 0, "no path or no place for the list");
  *out = NULL;
  double t0 = now_seconds();
  char *data = NULL;
  size_t len = 0;
  bm_err err = read_file(path, &data, &len, diag);
  if (err != BM_OK) return err;
  char defname[WL_LIST_NAME_BYTES_MAX];
  if (name == NULL) {
    default_name(path, defname, sizeof defname);
    name = defname;
  }
  if (format == WL_FORMAT_AUTO) format = wl__detect(data, len);
  char *alt = NULL;
  size_t alt_len = 0;
  char alt_path[WL_PATH_BYTES_MAX] = "";
  if (format == WL_FORMAT_OFAC_SDN && alt_path_for(path, alt_path, sizeof alt_path) &&
      strcmp(alt_path, path) != 0) {
    if (access(alt_path, F_OK) == 0) {
      err = read_file(alt_path, &alt, &alt_len, diag);
      if (err != BM_OK) {
        free(data);
        return err;
      }
    } else {
      alt_path[0] = '\0';
    }
  }
  err = load_mem(data, len, alt, alt_len, name, path, alt_path, format, out, report, diag);
  free(data);
  free(alt);
  if (err == BM_OK && report != NULL) report->seconds = now_seconds() - t0;
  return err;
}
