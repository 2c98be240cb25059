/* wl_load_un.c - the UN Security Council consolidated sanctions list, XML
 * (https://scsanctions.un.org/resources/xml/en/consolidated.xml, schema sc-sanctions.xsd).
 *
 *   <CONSOLIDATED_LIST dateGenerated="...">
 *     <INDIVIDUALS><INDIVIDUAL>
 *       <REFERENCE_NUMBER>CDi.001</REFERENCE_NUMBER>          the entry id
 *       <FIRST_NAME/><SECOND_NAME/><THIRD_NAME/><FOURTH_NAME/>  given name(s) first, family name
 *                                                              later: joined in this order
 *       <NAME_ORIGINAL_SCRIPT>صدام حسين التكريتي</NAME_ORIGINAL_SCRIPT>
 *       <UN_LIST_TYPE>DRC</UN_LIST_TYPE>  <GENDER>Male</GENDER>  <COMMENTS1>...</COMMENTS1>
 *       <NATIONALITY><VALUE>Iran (Islamic Republic of)</VALUE>...</NATIONALITY>
 *       <INDIVIDUAL_ALIAS><QUALITY>Good|Low</QUALITY><ALIAS_NAME/><DATE_OF_BIRTH/></INDIVIDUAL_ALIAS>
 *       <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT|APPROXIMATELY|BETWEEN</TYPE_OF_DATE>
 *         <DATE>1970-01-02</DATE> or <YEAR>1970</YEAR> or <FROM_YEAR/><TO_YEAR/>
 *       </INDIVIDUAL_DATE_OF_BIRTH>
 *       <INDIVIDUAL_DOCUMENT><TYPE_OF_DOCUMENT>Passport</TYPE_OF_DOCUMENT><TYPE_OF_DOCUMENT2/>
 *         <NUMBER/><ISSUING_COUNTRY/> or <COUNTRY_OF_ISSUE/></INDIVIDUAL_DOCUMENT>
 *     </INDIVIDUAL></INDIVIDUALS>
 *     <ENTITIES><ENTITY> the same with ENTITY_ALIAS (QUALITY "a.k.a.", "f.k.a.")
 * </ENTITY></ENTITIES>
 *   </CONSOLIDATED_LIST>
 * Addresses, places of birth, designations and the like are not used for screening and are skipped.
 * Low-quality aliases are kept and flagged WL_NAME_LOW_QUALITY; original-script names are flagged
 * WL_NAME_ORIGINAL_SCRIPT. Country names become alpha-3 codes; unknown ones are issues.
 *
 * Read with libxml2's streaming xmlTextReader: memory stays flat whatever the size, element depth
 * and text are bounded, the network and external entities are never touched, and entities are not
 * substituted. A well-formedness error (a truncated file) ends the reading: the entries before it
 * are kept and the record it interrupted is skipped, with the parser's line and message.
 */
#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bmis/watchlist.h"

#define UN_DEPTH_MAX             8           /* element levels tracked below a record */
#define UN_TEXT_BYTES_MAX        (64u << 10) /* one element's text; the rest is cut */
#define UN_RECORD_NAME_BYTES_MAX (1u << 20)  /* all names of one record together */
#define UN_VALUE_BYTES_MAX       256         /* a date, a country, a document number */

typedef struct un_name {
  size_t off, len;
  unsigned flags, line;
  const char *field;
} un_name;

typedef struct un_ctx {
  wl__loader *ld;
  xmlTextReaderPtr r;
  bool in_rec;
  int rec_depth;
  int depth; /* levels below the record currently open, 0 = the record's children */
  const char *stack[UN_DEPTH_MAX];
  unsigned stack_line[UN_DEPTH_MAX];

  char text[UN_TEXT_BYTES_MAX + 1];
  size_t text_len;

  /* Names of the record, kept in order until the record ends: the primary name goes first. */
  char *pool;
  size_t pool_len, pool_cap;
  un_name names[WL_NAMES_MAX];
  unsigned nnames;
  bool names_overflow;
  char parts[4][UN_VALUE_BYTES_MAX + 1];

  /* The alias, date of birth or document being read. */
  char quality[32];
  char alias[UN_VALUE_BYTES_MAX * 4 + 1];
  char dob_type[32], dob_date[64], dob_year[16], dob_from[16], dob_to[16];
  char doc_type[UN_VALUE_BYTES_MAX + 1], doc_type2[UN_VALUE_BYTES_MAX + 1];
  char doc_number[UN_VALUE_BYTES_MAX + 1], doc_country[UN_VALUE_BYTES_MAX + 1];

  char xml_error[160];
  unsigned xml_error_line;
  bool nomem;
} un_ctx;

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

static void xml_init(void) {
  /* libxml2 wants its global state set up once, before threads use it. */
  xmlInitParser();
}

static void on_xml_error(void *arg, xmlErrorPtr e) {
  un_ctx *x = arg;
  if (e == NULL || e->level < XML_ERR_ERROR || x->xml_error[0] != '\0') return;
  snprintf(x->xml_error, sizeof x->xml_error, "%s", e->message ? e->message : "XML error");
  size_t n = strlen(x->xml_error);
  while (n > 0 && (x->xml_error[n - 1] == '\n' || x->xml_error[n - 1] == ' '))
    x->xml_error[--n] = '\0';
  x->xml_error_line = e->line > 0 ? (unsigned)e->line : 0;
}

/* The line of the node the reader is on. The parser's own line runs ahead of the nodes (it reads
 * the input in blocks), so it is only the fallback. */
static unsigned cur_line(un_ctx *x) {
  xmlNodePtr node = xmlTextReaderCurrentNode(x->r);
  long l = node != NULL ? xmlGetLineNo(node) : -1;
  if (l <= 0) l = xmlTextReaderGetParserLineNumber(x->r);
  return l > 0 ? (unsigned)l : 0;
}

/* Copy the element text, trimmed, into a fixed buffer (cut at its size). */
static void take(const un_ctx *x, char *dst, size_t cap) {
  const char *s = x->text;
  size_t n = x->text_len;
  while (n > 0 && (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')) {
    s++;
    n--;
  }
  while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\t' || s[n - 1] == '\r'))
    n--;
  if (n >= cap) n = cap - 1;
  /* Do not leave half a UTF-8 character at the cut. */
  while (n > 0 && n < x->text_len && ((unsigned char)s[n] & 0xc0) == 0x80) n--;
  memcpy(dst, s, n);
  dst[n] = '\0';
}

static void add_name(un_ctx *x, const char *s, size_t n, unsigned flags, unsigned line,
                     const char *field) {
  while (n > 0 && (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r')) {
    s++;
    n--;
  }
  if (n == 0) return;
  if (x->nnames >= WL_NAMES_MAX || x->pool_len + n > UN_RECORD_NAME_BYTES_MAX) {
    if (!x->names_overflow)
      wl__issue(x->ld, line, field, "more names than kept per entry; the rest are dropped");
    x->names_overflow = true;
    return;
  }
  if (x->pool_len + n > x->pool_cap) {
    size_t ncap = x->pool_cap ? x->pool_cap * 2 : 4096;
    while (ncap < x->pool_len + n) ncap *= 2;
    char *p = realloc(x->pool, ncap);
    if (p == NULL) {
      x->nomem = true;
      return;
    }
    x->pool = p;
    x->pool_cap = ncap;
  }
  memcpy(x->pool + x->pool_len, s, n);
  x->names[x->nnames++] = (un_name){x->pool_len, n, flags, line, field};
  x->pool_len += n;
}

static const char *country_of(un_ctx *x, const char *s, unsigned line, const char *field) {
  if (s[0] == '\0' || strcasecmp(s, "na") == 0 || strcasecmp(s, "n/a") == 0) return NULL;
  const char *c = wl_country_code(s, strlen(s));
  if (c == NULL) wl__issue(x->ld, line, field, "unknown country '%.60s'", s);
  return c;
}

static void begin_record(un_ctx *x, wl_kind kind, int depth) {
  x->in_rec = true;
  x->rec_depth = depth;
  x->depth = -1;
  x->pool_len = 0;
  x->nnames = 0;
  x->names_overflow = false;
  for (int i = 0; i < 4; i++) x->parts[i][0] = '\0';
  wl__rec_begin(x->ld, cur_line(x));
  wl__rec_kind(x->ld, kind);
}

static void end_record(un_ctx *x) {
  x->in_rec = false;
  /* The primary name: FIRST_NAME .. FOURTH_NAME in the list's own order. */
  char primary[4 * (UN_VALUE_BYTES_MAX + 1)];
  size_t n = 0;
  for (int i = 0; i < 4; i++) {
    size_t k = strlen(x->parts[i]);
    if (k == 0) continue;
    if (n > 0) primary[n++] = ' ';
    memcpy(primary + n, x->parts[i], k);
    n += k;
  }
  unsigned line = wl__rec_line(x->ld);
  if (n > 0) wl__rec_name(x->ld, primary, n, 0, line, "FIRST_NAME");
  for (unsigned i = 0; i < x->nnames; i++) {
    const un_name *nm = &x->names[i];
    wl__rec_name(x->ld, x->pool + nm->off, nm->len, nm->flags, nm->line, nm->field);
  }
  wl__rec_commit(x->ld);
}

static void end_dob(un_ctx *x, unsigned line) {
  wl_date d;
  if (x->dob_from[0] != '\0' || x->dob_to[0] != '\0') {
    char range[40];
    snprintf(range, sizeof range, "%s-%s", x->dob_from[0] ? x->dob_from : x->dob_to,
             x->dob_to[0] ? x->dob_to : x->dob_from);
    if (wl_date_parse(range, strlen(range), &d) == 0)
      wl__rec_date(x->ld, &d);
    else
      wl__issue(x->ld, line, "DATE_OF_BIRTH", "unreadable range FROM_YEAR '%s' TO_YEAR '%s'",
                x->dob_from, x->dob_to);
  } else if (x->dob_date[0] != '\0') {
    if (wl_date_parse(x->dob_date, strlen(x->dob_date), &d) == 0)
      wl__rec_date(x->ld, &d);
    else
      wl__issue(x->ld, line, "DATE_OF_BIRTH", "unreadable DATE '%s'", x->dob_date);
  } else if (x->dob_year[0] != '\0') {
    if (wl_date_parse(x->dob_year, strlen(x->dob_year), &d) == 0)
      wl__rec_date(x->ld, &d);
    else
      wl__issue(x->ld, line, "DATE_OF_BIRTH", "unreadable YEAR '%s'", x->dob_year);
  }
}

static bool contains_ci(const char *s, const char *w) {
  size_t n = strlen(w);
  for (; *s; s++)
    if (strncasecmp(s, w, n) == 0) return true;
  return false;
}

/* "Passport", "Numéro de passeport", "Número de pasaporte" -> P; identity numbers and cards -> ID.
 */
static const char *doc_type_code(const char *t) {
  if (contains_ci(t, "passport") || contains_ci(t, "pasaporte") || contains_ci(t, "passeport"))
    return "P";
  if (contains_ci(t, "identi") || contains_ci(t, "ID card") || contains_ci(t, "national id"))
    return "ID";
  return "";
}

/* True when a word of the text is prose: all letters, one of them lower case ("diplomatic",
 * "no."). Document numbers are capitals and digits ("OB 0243318"). */
static bool has_prose_word(const char *s, size_t len) {
  for (size_t i = 0; i < len;) {
    while (i < len && (s[i] == ' ' || s[i] == '\n' || s[i] == '\t')) i++;
    size_t j = i;
    bool letters = true, lower = false;
    while (j < len && s[j] != ' ' && s[j] != '\n' && s[j] != '\t') {
      char c = s[j];
      if (c >= 'a' && c <= 'z')
        lower = true;
      else if (!(c >= 'A' && c <= 'Z') && c != '.' && c != ',' && c != ':')
        letters = false;
      j++;
    }
    if (j > i && letters && lower) return true;
    i = j;
  }
  return false;
}

static void end_document(un_ctx *x, unsigned line) {
  if (x->doc_number[0] == '\0') return;
  size_t len = strlen(x->doc_number);
  const char *num = x->doc_number;
  if (len > WL_DOC_NUMBER_BYTES_MAX || has_prose_word(num, len)) {
    /* Prose around the number ("CAR diplomatic passport no. D00000898", "... Military
     * identification number 911-10-77"): the last word with a digit in it is the number. */
    const char *best = NULL;
    size_t best_len = 0;
    for (size_t i = 0; i < len;) {
      while (i < len && (num[i] == ' ' || num[i] == '\n' || num[i] == '\t')) i++;
      size_t j = i;
      bool digit = false;
      while (j < len && num[j] != ' ' && num[j] != '\n' && num[j] != '\t') {
        if (num[j] >= '0' && num[j] <= '9') digit = true;
        j++;
      }
      if (digit) {
        best = num + i;
        best_len = j - i;
        while (best_len > 1 && strchr(",.;:)", best[best_len - 1]) != NULL) best_len--;
      }
      i = j;
    }
    if (best == NULL || best_len > WL_DOC_NUMBER_BYTES_MAX) {
      wl__issue(x->ld, line, "NUMBER", "no document number in '%.60s'; dropped", num);
      return;
    }
    wl__issue(x->ld, line, "NUMBER", "document number is prose; read '%.*s' from it", (int)best_len,
              best);
    num = best;
    len = best_len;
  }
  const char *type = doc_type_code(x->doc_type);
  if (type[0] == '\0') type = doc_type_code(x->doc_type2);
  const char *country = "";
  if (x->doc_country[0] != '\0') {
    const char *c = country_of(x, x->doc_country, line, "ISSUING_COUNTRY");
    if (c != NULL) country = c;
  }
  wl__rec_document(x->ld, type, num, len, country, line, "NUMBER");
}

static bool is(const char *a, const char *b) {
  return a != NULL && strcmp(a, b) == 0;
}

/* An element below the record ended; depth 0 is a child of the record. */
static void end_element(un_ctx *x, int depth) {
  const char *el = x->stack[depth];
  unsigned line = x->stack_line[depth];
  wl__loader *ld = x->ld;
  if (depth == 0) {
    static const char *const part_names[4] = {"FIRST_NAME", "SECOND_NAME", "THIRD_NAME",
                                              "FOURTH_NAME"};
    for (int i = 0; i < 4; i++)
      if (is(el, part_names[i])) {
        take(x, x->parts[i], sizeof x->parts[i]);
        return;
      }
    if (is(el, "REFERENCE_NUMBER")) {
      char id[WL_ID_BYTES_MAX + 1];
      take(x, id, sizeof id);
      wl__rec_id(ld, id, strlen(id));
    } else if (is(el, "NAME_ORIGINAL_SCRIPT")) {
      add_name(x, x->text, x->text_len, WL_NAME_ORIGINAL_SCRIPT, line, "NAME_ORIGINAL_SCRIPT");
    } else if (is(el, "UN_LIST_TYPE")) {
      char v[UN_VALUE_BYTES_MAX + 1];
      take(x, v, sizeof v);
      wl__rec_category(ld, v, strlen(v));
    } else if (is(el, "COMMENTS1")) {
      wl__rec_notes(ld, x->text, x->text_len);
    } else if (is(el, "GENDER")) {
      char v[16];
      take(x, v, sizeof v);
      if (strcasecmp(v, "Male") == 0) wl__rec_sex(ld, 'M');
      if (strcasecmp(v, "Female") == 0) wl__rec_sex(ld, 'F');
    } else if (is(el, "INDIVIDUAL_ALIAS") || is(el, "ENTITY_ALIAS")) {
      unsigned flags = strcasecmp(x->quality, "Low") == 0 || strcasecmp(x->quality, "weak") == 0
                           ? WL_NAME_LOW_QUALITY
                           : 0;
      add_name(x, x->alias, strlen(x->alias), flags, line, "ALIAS_NAME");
    } else if (is(el, "INDIVIDUAL_DATE_OF_BIRTH")) {
      end_dob(x, line);
    } else if (is(el, "INDIVIDUAL_DOCUMENT")) {
      end_document(x, line);
    }
    return;
  }
  if (depth != 1) return;
  const char *parent = x->stack[0];
  if (is(parent, "NATIONALITY") && is(el, "VALUE")) {
    char v[UN_VALUE_BYTES_MAX + 1];
    take(x, v, sizeof v);
    const char *c = country_of(x, v, line, "NATIONALITY");
    if (c != NULL) wl__rec_nationality(ld, c);
  } else if (is(parent, "INDIVIDUAL_ALIAS") || is(parent, "ENTITY_ALIAS")) {
    if (is(el, "QUALITY")) take(x, x->quality, sizeof x->quality);
    if (is(el, "ALIAS_NAME")) take(x, x->alias, sizeof x->alias);
    if (is(el, "DATE_OF_BIRTH")) {
      /* An alias's own date of birth: the person may travel under it. */
      char v[64];
      take(x, v, sizeof v);
      wl_date d;
      if (v[0] != '\0') {
        if (wl_date_parse(v, strlen(v), &d) == 0)
          wl__rec_date(ld, &d);
        else
          wl__issue(ld, line, "DATE_OF_BIRTH", "unreadable alias date '%s'", v);
      }
    }
  } else if (is(parent, "INDIVIDUAL_DATE_OF_BIRTH")) {
    if (is(el, "TYPE_OF_DATE")) take(x, x->dob_type, sizeof x->dob_type);
    if (is(el, "DATE")) take(x, x->dob_date, sizeof x->dob_date);
    if (is(el, "YEAR")) take(x, x->dob_year, sizeof x->dob_year);
    if (is(el, "FROM_YEAR")) take(x, x->dob_from, sizeof x->dob_from);
    if (is(el, "TO_YEAR")) take(x, x->dob_to, sizeof x->dob_to);
  } else if (is(parent, "INDIVIDUAL_DOCUMENT")) {
    if (is(el, "TYPE_OF_DOCUMENT")) take(x, x->doc_type, sizeof x->doc_type);
    if (is(el, "TYPE_OF_DOCUMENT2")) take(x, x->doc_type2, sizeof x->doc_type2);
    if (is(el, "NUMBER")) take(x, x->doc_number, sizeof x->doc_number);
    if (is(el, "ISSUING_COUNTRY") || is(el, "COUNTRY_OF_ISSUE"))
      take(x, x->doc_country, sizeof x->doc_country);
  }
}

/* A container starts: forget what the previous one of its kind held. */
static void start_element(un_ctx *x, int depth, const char *el) {
  if (depth != 0) return;
  if (is(el, "INDIVIDUAL_ALIAS") || is(el, "ENTITY_ALIAS")) {
    x->quality[0] = x->alias[0] = '\0';
  } else if (is(el, "INDIVIDUAL_DATE_OF_BIRTH")) {
    x->dob_type[0] = x->dob_date[0] = x->dob_year[0] = x->dob_from[0] = x->dob_to[0] = '\0';
  } else if (is(el, "INDIVIDUAL_DOCUMENT")) {
    x->doc_type[0] = x->doc_type2[0] = x->doc_number[0] = x->doc_country[0] = '\0';
  }
}

static void append_text(un_ctx *x, const char *s) {
  if (s == NULL) return;
  size_t n = strlen(s);
  size_t room = UN_TEXT_BYTES_MAX - x->text_len;
  if (n > room) n = room;
  memcpy(x->text + x->text_len, s, n);
  x->text_len += n;
  x->text[x->text_len] = '\0';
}

/* Element names are interned by the reader's dictionary only while the reader lives; the stack
 * keeps pointers to these static copies instead, so nothing dangles. */
static const char *known_name(const char *el) {
  static const char *const names[] = {
      "FIRST_NAME",
      "SECOND_NAME",
      "THIRD_NAME",
      "FOURTH_NAME",
      "REFERENCE_NUMBER",
      "NAME_ORIGINAL_SCRIPT",
      "UN_LIST_TYPE",
      "COMMENTS1",
      "GENDER",
      "INDIVIDUAL_ALIAS",
      "ENTITY_ALIAS",
      "INDIVIDUAL_DATE_OF_BIRTH",
      "NATIONALITY",
      "VALUE",
      "QUALITY",
      "ALIAS_NAME",
      "DATE_OF_BIRTH",
      "TYPE_OF_DATE",
      "DATE",
      "YEAR",
      "FROM_YEAR",
      "TO_YEAR",
      "INDIVIDUAL_DOCUMENT",
      "TYPE_OF_DOCUMENT",
      "TYPE_OF_DOCUMENT2",
      "NUMBER",
      "ISSUING_COUNTRY",
      "COUNTRY_OF_ISSUE",
  };
  for (size_t i = 0; i < BM_COUNTOF(names); i++)
    if (strcmp(el, names[i]) == 0) return names[i];
  return NULL;
}

bm_err wl__load_un(wl__loader *ld, const char *data, size_t len) {
  pthread_once(&xml_once, xml_init);
  un_ctx *x = calloc(1, sizeof *x);
  if (x == NULL) return BM_ERR_NOMEM;
  x->ld = ld;
  if (len > (size_t)INT32_MAX) len = INT32_MAX; /* never: WL_FILE_BYTES_MAX is far below */
  /* NONET: never fetch anything. No NOENT/DTDLOAD/DTDATTR: entities stay unexpanded references and
   * no external subset is read. No HUGE: libxml2 keeps its own depth and text limits. */
  x->r = xmlReaderForMemory(data, (int)len, NULL, NULL,
                            XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_COMPACT |
                                XML_PARSE_BIG_LINES);
  if (x->r == NULL) {
    free(x);
    return BM_ERR_NOMEM;
  }
  xmlTextReaderSetStructuredErrorHandler(x->r, on_xml_error, x);
  bool saw_root = false, any_record = false;
  int rc;
  while ((rc = xmlTextReaderRead(x->r)) == 1 && !x->nomem && !wl__loader_nomem(ld)) {
    int type = xmlTextReaderNodeType(x->r);
    int depth = xmlTextReaderDepth(x->r);
    if (type == XML_READER_TYPE_ELEMENT) {
      const char *el = (const char *)xmlTextReaderConstLocalName(x->r);
      bool empty = xmlTextReaderIsEmptyElement(x->r) == 1;
      if (depth == 0) saw_root = el != NULL && strcmp(el, "CONSOLIDATED_LIST") == 0;
      if (!x->in_rec) {
        if (is(el, "INDIVIDUAL") || is(el, "ENTITY")) {
          any_record = true;
          begin_record(x, is(el, "INDIVIDUAL") ? WL_KIND_PERSON : WL_KIND_ENTITY, depth);
          if (empty) end_record(x);
        }
        continue;
      }
      int level = depth - x->rec_depth - 1;
      x->text_len = 0;
      x->text[0] = '\0';
      if (level >= 0 && level < UN_DEPTH_MAX) {
        x->stack[level] = el ? known_name(el) : NULL;
        x->stack_line[level] = cur_line(x);
        x->depth = level;
        start_element(x, level, x->stack[level]);
        if (empty) end_element(x, level);
      }
    } else if (type == XML_READER_TYPE_END_ELEMENT) {
      if (!x->in_rec) continue;
      if (depth == x->rec_depth) {
        end_record(x);
        continue;
      }
      int level = depth - x->rec_depth - 1;
      if (level >= 0 && level < UN_DEPTH_MAX) end_element(x, level);
      x->text_len = 0;
    } else if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
               type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE ||
               type == XML_READER_TYPE_WHITESPACE) {
      if (x->in_rec) append_text(x, (const char *)xmlTextReaderConstValue(x->r));
    }
  }
  bm_err err = x->nomem || wl__loader_nomem(ld) ? BM_ERR_NOMEM : BM_OK;
  if (rc < 0 && err == BM_OK) {
    unsigned line = x->xml_error_line ? x->xml_error_line : cur_line(x);
    if (x->in_rec) {
      wl__issue(ld, line, "", "XML: %s; the record begun on line %u is skipped",
                x->xml_error[0] ? x->xml_error : "malformed XML", wl__rec_line(ld));
      wl__rec_discard(ld);
    } else {
      wl__issue(ld, line, "", "XML: %s; reading stopped here",
                x->xml_error[0] ? x->xml_error : "malformed XML");
    }
  } else if (err == BM_OK && x->in_rec) {
    wl__rec_discard(ld);
  }
  if (err == BM_OK && !any_record)
    wl__issue(ld, 0, "",
              saw_root ? "no INDIVIDUAL or ENTITY elements"
                       : "not a UN consolidated list (no CONSOLIDATED_LIST root)");
  xmlFreeTextReader(x->r);
  free(x->pool);
  free(x);
  return err;
}
