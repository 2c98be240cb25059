/* mrz_make.c - generate an ICAO Doc 9303 machine readable zone from field values.
 *
 * Layouts (1-based positions, Doc 9303 Parts 4-7):
 *   TD3  2x44  L1: 1-2 code, 3-5 state, 6-44 name.
 *              L2: 1-9 number, 10 cd, 11-13 nationality, 14-19 birth, 20 cd, 21 sex, 22-27 expiry,
 *                  28 cd, 29-42 optional data, 43 cd, 44 composite over 1-10, 14-20, 22-43.
 *   TD2  2x36  L1 as TD3 with the name in 6-36. L2 as TD3 up to 28, 29-35 optional data,
 *              36 composite over 1-10, 14-20, 22-35.
 *   TD1  3x30  L1: 1-2 code, 3-5 state, 6-14 number, 15 cd, 16-30 optional data.
 *              L2: 1-6 birth, 7 cd, 8 sex, 9-14 expiry, 15 cd, 16-18 nationality, 19-29 optional
 *                  data 2, 30 composite over L1 6-30, L2 1-7, 9-15, 19-29. L3: name.
 *   MRVA 2x44  as TD3 but L2 29-44 optional data, no optional-data or composite check digit.
 *   MRVB 2x36  as TD2 but L2 29-36 optional data, no composite check digit.
 *
 * Everything the caller passes is validated before a single character is written, so that an MRZ
 * that comes out of here always parses as valid: a generator that emits an MRZ its own parser
 * rejects would put unreadable documents into circulation. No allocation; the only sizeable state
 * is the transliterated names on the stack.
 */
#include <stdio.h>
#include <string.h>

#include "bmis/icao.h"
#include "bmis/mrz.h"

/* Transliteration expands at most 2x (Cyrillic Щ, two bytes, becomes SHCH, four): twice the input
 * limit always holds the whole output. */
#define MAKE_NAME_BYTES_MAX (2 * MRZ_TRANSLIT_INPUT_BYTES_MAX)
/* Non-empty components of one identifier; a component takes at least one letter and a separator. */
#define MAKE_NAME_COMPONENTS_MAX (MAKE_NAME_BYTES_MAX / 2 + 1)
#define MAKE_NUMBER_SHORT        9 /* document number positions before the check digit */

typedef struct make_span {
  uint8_t line; /* 0-based */
  uint8_t off;  /* 0-based */
  uint8_t len;
} make_span;

/* Where each field goes. Document code and issuing state are always line 0 offsets 0 and 2. */
typedef struct make_layout {
  uint8_t nlines, len;
  make_span name; /* runs to the end of its line */
  make_span number;
  make_span nationality;
  make_span birth;
  make_span sex;
  make_span expiry;
  make_span optional;
  make_span optional_2; /* TD1 only; len 0 elsewhere */
  bool optional_check;  /* TD3: check digit right after the optional data */
  bool long_number;     /* TD1, TD2: numbers over 9 characters continue in the optional data */
  make_span composite;  /* position of the composite digit; len 0 when the format has none */
  make_span covered[4]; /* what the composite digit covers */
  const char *default_code;
  const char *first_letters; /* allowed first characters of the document code */
} make_layout;

/* Spans are {line, offset, length}, 0-based. */
static const make_layout layout_td3 = {
    .nlines = 2,
    .len = 44,
    .name = {0, 5, 39},
    .number = {1, 0, 9},
    .nationality = {1, 10, 3},
    .birth = {1, 13, 6},
    .sex = {1, 20, 1},
    .expiry = {1, 21, 6},
    .optional = {1, 28, 14},
    .optional_check = true,
    .composite = {1, 43, 1},
    .covered = {{1, 0, 10}, {1, 13, 7}, {1, 21, 22}},
    .default_code = "P",
    .first_letters = "P",
};
static const make_layout layout_td2 = {
    .nlines = 2,
    .len = 36,
    .name = {0, 5, 31},
    .number = {1, 0, 9},
    .nationality = {1, 10, 3},
    .birth = {1, 13, 6},
    .sex = {1, 20, 1},
    .expiry = {1, 21, 6},
    .optional = {1, 28, 7},
    .long_number = true,
    .composite = {1, 35, 1},
    .covered = {{1, 0, 10}, {1, 13, 7}, {1, 21, 14}},
    .default_code = "I",
    .first_letters = "ACI",
};
static const make_layout layout_td1 = {
    .nlines = 3,
    .len = 30,
    .name = {2, 0, 30},
    .number = {0, 5, 9},
    .nationality = {1, 15, 3},
    .birth = {1, 0, 6},
    .sex = {1, 7, 1},
    .expiry = {1, 8, 6},
    .optional = {0, 15, 15},
    .optional_2 = {1, 18, 11},
    .long_number = true,
    .composite = {1, 29, 1},
    .covered = {{0, 5, 25}, {1, 0, 7}, {1, 8, 7}, {1, 18, 11}},
    .default_code = "I",
    .first_letters = "ACI",
};
static const make_layout layout_mrva = {
    .nlines = 2,
    .len = 44,
    .name = {0, 5, 39},
    .number = {1, 0, 9},
    .nationality = {1, 10, 3},
    .birth = {1, 13, 6},
    .sex = {1, 20, 1},
    .expiry = {1, 21, 6},
    .optional = {1, 28, 16},
    .default_code = "V",
    .first_letters = "V",
};
static const make_layout layout_mrvb = {
    .nlines = 2,
    .len = 36,
    .name = {0, 5, 31},
    .number = {1, 0, 9},
    .nationality = {1, 10, 3},
    .birth = {1, 13, 6},
    .sex = {1, 20, 1},
    .expiry = {1, 21, 6},
    .optional = {1, 28, 8},
    .default_code = "V",
    .first_letters = "V",
};

static const make_layout *layout_for(mrz_format format) {
  switch (format) {
  case MRZ_FORMAT_TD1: return &layout_td1;
  case MRZ_FORMAT_TD2: return &layout_td2;
  case MRZ_FORMAT_TD3: return &layout_td3;
  case MRZ_FORMAT_MRVA: return &layout_mrva;
  case MRZ_FORMAT_MRVB: return &layout_mrvb;
  default: return NULL;
  }
}

static const char *or_empty(const char *s) {
  return s != NULL ? s : "";
}

static char ascii_upper(char c) {
  return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

static bool is_letter(char c) {
  return c >= 'A' && c <= 'Z';
}

static bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

static char *at(mrz_lines *out, make_span s) {
  return &out->line[s.line][s.off];
}

/* Check digit character for n MRZ characters. Every byte was validated before, so a failure here
 * is a bug in this file, not bad input. */
static char check_char(const char *s, size_t n) {
  int cd = mrz_check_digit(s, n);
  BM_ASSERT(cd >= 0 && cd <= 9);
  return (char)('0' + cd);
}

/* ---- Field validation: each turns caller text into MRZ characters or says why it cannot. ---- */

static bm_err make_code(const char *in, const make_layout *lay, char code[2], bm_diag *diag) {
  size_t n = strlen(in);
  if (n == 0) {
    code[0] = lay->default_code[0];
    code[1] = '<';
    return BM_OK;
  }
  if (n > 2)
    return bm_diag_set(diag, BM_ERR_INVALID, "document_code", 0, 0,
                       "document code '%s' is longer than 2 characters", in);
  code[0] = ascii_upper(in[0]);
  code[1] = n == 2 ? ascii_upper(in[1]) : '<';
  if (!is_letter(code[0]) || !(is_letter(code[1]) || code[1] == '<'))
    return bm_diag_set(diag, BM_ERR_INVALID, "document_code", 0, 0,
                       "document code '%s' must be one or two letters A-Z", in);
  /* The first letter is what tells a reader the format: a TD3-sized document starting with V is
   * read as a visa (MRV-A), a visa starting with P as a passport. */
  if (strchr(lay->first_letters, code[0]) == NULL)
    return bm_diag_set(diag, BM_ERR_INVALID, "document_code", 0, 0,
                       "document code '%s' must start with %s%s for this format", in,
                       lay->first_letters[1] != '\0' ? "one of " : "", lay->first_letters);
  return BM_OK;
}

/* Issuing state or nationality: "D" and "D<<" both mean Germany. */
static bm_err make_state(const char *in, const char *field, char code[3], bm_diag *diag) {
  size_t n = strlen(in);
  if (n == 0 || n > 3)
    return bm_diag_set(diag, BM_ERR_INVALID, field, 0, 0,
                       "'%s' is not a three-letter ICAO state code", in);
  for (size_t i = 0; i < 3; i++) code[i] = i < n ? ascii_upper(in[i]) : '<';
  if (!icao_state_valid(code))
    return bm_diag_set(diag, BM_ERR_INVALID, field, 0, 0,
                       "'%s' is not an ICAO Doc 9303 state, organisation or nationality code", in);
  return BM_OK;
}

static int two_digits(const char *s) {
  return (s[0] - '0') * 10 + (s[1] - '0');
}

/* "YYYY-MM-DD", or six MRZ characters where each of YY, MM, DD is two digits or "<<". Doc 9303-3
 * 4.8 allows fillers only for unknown parts of a date of birth ("" = wholly unknown); an expiry
 * date with unknown parts would make an MRZ that no reader accepts, so it is refused. */
static bm_err make_date(const char *in, const char *field, bool birth, char out[6], bm_diag *diag) {
  size_t n = strlen(in);
  if (n == 0 && birth) {
    memset(out, '<', 6);
    return BM_OK;
  }
  if (n == 0)
    return bm_diag_set(diag, BM_ERR_INVALID, field, 0, 0, "the date of expiry is required");
  if (n == 10) {
    for (size_t i = 0; i < 10; i++) {
      bool dash = i == 4 || i == 7;
      if (dash ? in[i] != '-' : !is_digit(in[i]))
        return bm_diag_set(diag, BM_ERR_INVALID, field, 0, 0,
                           "'%s' is not a date in the form YYYY-MM-DD", in);
    }
    int year = two_digits(in) * 100 + two_digits(in + 2);
    int month = two_digits(in + 5), day = two_digits(in + 8);
    if (day < 1 || day > bm_days_in_month(year, month))
      return bm_diag_set(diag, BM_ERR_INVALID, field, 0, 0, "'%s' is not a calendar date", in);
    memcpy(out, in + 2, 2);
    memcpy(out + 2, in + 5, 2);
    memcpy(out + 4, in + 8, 2);
    return BM_OK;
  }
  if (n != 6)
    return bm_diag_set(diag, BM_ERR_INVALID, field, 0, 0,
                       "'%s' is neither YYYY-MM-DD nor six MRZ characters YYMMDD", in);
  bool known[3];
  for (size_t part = 0; part < 3; part++) {
    const char *p = in + 2 * part;
    known[part] = is_digit(p[0]) && is_digit(p[1]);
    if (!known[part] && !(birth && p[0] == '<' && p[1] == '<'))
      return bm_diag_set(diag, BM_ERR_INVALID, field, 0, 0,
                         birth ? "'%s': each of YY, MM and DD must be two digits or '<<'"
                               : "'%s': YY, MM and DD must be two digits each",
                         in);
  }
  int month = known[1] ? two_digits(in + 2) : 0;
  int day = known[2] ? two_digits(in + 4) : 0;
  if (known[1] && (month < 1 || month > 12))
    return bm_diag_set(diag, BM_ERR_INVALID, field, 0, 0, "'%s' has no month %02d", in, month);
  if (known[2]) {
    /* Only the last two digits of the year are known; 19YY and 20YY agree on leap years except 00,
     * where 2000 is the leap year, so 20YY is the permissive choice. */
    int max = known[1] ? bm_days_in_month(known[0] ? 2000 + two_digits(in) : 2000, month) : 31;
    if (day < 1 || day > max)
      return bm_diag_set(diag, BM_ERR_INVALID, field, 0, 0, "'%s' has no day %02d", in, day);
  }
  memcpy(out, in, 6);
  return BM_OK;
}

static bm_err make_sex(const char *in, char *out, bm_diag *diag) {
  char c = ascii_upper(in[0]);
  if (in[0] == '\0' || (in[1] == '\0' && (c == 'X' || c == '<'))) {
    *out = '<'; /* Doc 9303-4 note p: unspecified is X in the VIZ and '<' in the MRZ */
    return BM_OK;
  }
  if (in[1] == '\0' && (c == 'M' || c == 'F')) {
    *out = c;
    return BM_OK;
  }
  return bm_diag_set(diag, BM_ERR_INVALID, "sex", 0, 0, "sex '%s' is not M, F, X or <", in);
}

/* Optional data as MRZ characters: upper-cased, spaces become fillers, trailing fillers dropped
 * (they are padding anyway). Writes at most cap characters. */
static bm_err make_optional(const char *in, const char *field, size_t cap, char *out,
                            size_t *out_len, bm_diag *diag) {
  size_t n = strlen(in);
  while (n > 0 && (in[n - 1] == '<' || in[n - 1] == ' ')) n--;
  for (size_t i = 0; i < n; i++) {
    char c = in[i] == ' ' ? '<' : ascii_upper(in[i]);
    if (!is_letter(c) && !is_digit(c) && c != '<')
      return bm_diag_set(diag, BM_ERR_INVALID, field, 0, (unsigned)(i + 1),
                         "character %zu of the optional data is not A-Z, 0-9, space or <", i + 1);
    if (i < cap) out[i] = c;
  }
  if (n > cap)
    return bm_diag_set(diag, BM_ERR_INVALID, field, 0, 0,
                       "optional data of %zu characters does not fit in the %zu available", n, cap);
  *out_len = n;
  return BM_OK;
}

static bm_err make_number(const char *in, const make_layout *lay, char *out, size_t *out_len,
                          bm_diag *diag) {
  size_t n = strlen(in);
  /* TD1 and TD2 continue a long number in the optional data: the rest of the number plus its check
   * digit must fit there. */
  size_t max = lay->long_number ? MAKE_NUMBER_SHORT + lay->optional.len - 1u : MAKE_NUMBER_SHORT;
  if (max > MRZ_DOCNUM_BYTES_MAX) max = MRZ_DOCNUM_BYTES_MAX;
  if (n > max)
    return bm_diag_set(diag, BM_ERR_INVALID, "document_number", 0, 0,
                       "document number of %zu characters is longer than the %zu this format holds",
                       n, max);
  for (size_t i = 0; i < n; i++) {
    out[i] = ascii_upper(in[i]);
    /* A filler inside the number would end the continuation of a long number early, and readers
     * drop fillers from short ones: the number could not be read back as given. */
    if (!is_letter(out[i]) && !is_digit(out[i]))
      return bm_diag_set(diag, BM_ERR_INVALID, "document_number", 0, (unsigned)(i + 1),
                         "character %zu of the document number is not A-Z or 0-9", i + 1);
  }
  *out_len = n;
  return BM_OK;
}

/* ---- Names ---- */

/* One identifier (primary or secondary) split into its '<'-separated components. */
typedef struct make_ident {
  const char *text;
  size_t n;
  uint16_t off[MAKE_NAME_COMPONENTS_MAX];
  uint16_t len[MAKE_NAME_COMPONENTS_MAX];
} make_ident;

static bm_err make_ident_init(const char *in, const char *field, char *buf, size_t cap,
                              make_ident *id, bm_diag *diag) {
  size_t len = 0;
  bm_err err = mrz_translit(in, strlen(in), buf, cap, &len, diag);
  if (err == BM_OK && len >= cap)
    err = bm_diag_set(diag, BM_ERR_LIMIT, field, 0, 0, "the transliterated name is too long");
  if (err != BM_OK) {
    if (diag != NULL) snprintf(diag->field, sizeof diag->field, "%s", field);
    return err;
  }
  id->text = buf;
  id->n = 0;
  size_t i = 0;
  while (i < len) {
    if (buf[i] == '<') {
      i++;
      continue;
    }
    size_t start = i;
    while (i < len && buf[i] != '<') {
      /* Doc 9303-3 4.6: "Numeric characters shall not be used in the name fields of the MRZ."
       * Letters only also guarantees that a truncated field ends in a letter. */
      if (!is_letter(buf[i]))
        return bm_diag_set(diag, BM_ERR_INVALID, field, 0, 0,
                           "'%s' contains '%c', which an MRZ name cannot hold", in, buf[i]);
      i++;
    }
    BM_ASSERT(id->n < MAKE_NAME_COMPONENTS_MAX);
    id->off[id->n] = (uint16_t)start;
    id->len[id->n] = (uint16_t)(i - start);
    id->n++;
  }
  return BM_OK;
}

/* Length of the first n components joined by single fillers. */
static size_t ident_len(const make_ident *id, size_t n) {
  size_t total = 0;
  for (size_t i = 0; i < n; i++) total += id->len[i] + (i > 0 ? 1u : 0u);
  return total;
}

static size_t ident_write(const make_ident *id, size_t n, char *out) {
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    if (i > 0) out[o++] = '<';
    memcpy(out + o, id->text + id->off[i], id->len[i]);
    o += id->len[i];
  }
  return o;
}

/* Fit an identifier that does not fit whole into budget (>= 1) positions: components 1..k-1 whole,
 * component k cut to what is left, components after k reduced to initials, with k as large as
 * possible; components are dropped from the end only when not even that fits. This fills budget
 * exactly (ending in a letter) except when only single letters remain to fit an even gap, e.g.
 * "A<B<CDE" into 4; the caller then retries with another budget. Returns the length written. */
static size_t ident_fit(const make_ident *id, size_t budget, char *out) {
  BM_ASSERT(budget >= 1 && id->n >= 1);
  for (size_t n = id->n; n >= 1; n--) {
    size_t prefix = ident_len(id, n - 1) + (n > 1 ? 1u : 0u); /* components 1..n-1 and a filler */
    for (size_t k = n; k >= 1; k--) {
      size_t used = prefix + 2 * (n - k);
      if (budget > used) {
        size_t room = budget - used;
        size_t o = ident_write(id, k - 1, out);
        if (k > 1) out[o++] = '<';
        size_t take = room < id->len[k - 1] ? room : id->len[k - 1];
        memcpy(out + o, id->text + id->off[k - 1], take);
        o += take;
        for (size_t i = k; i < n; i++) {
          out[o++] = '<';
          out[o++] = id->text[id->off[i]];
        }
        return o;
      }
      if (k > 1) prefix -= id->len[k - 2] + 1u;
    }
  }
  BM_ASSERT(0); /* n == 1, k == 1 always fits: used == 0 < budget */
  return 0;
}

/* Shorten the primary identifier to at most budget positions: components are reduced to initials
 * from the last one backwards until it fits, and whatever that frees goes to the secondary
 * identifier; only when initials are not enough is the first component cut. Returns the length. */
static size_t primary_fit(const make_ident *id, size_t budget, char *out) {
  size_t whole = ident_len(id, id->n);
  if (whole <= budget) return ident_write(id, id->n, out);
  for (size_t t = 1; t < id->n; t++) {
    size_t keep = id->n - t;
    if (ident_len(id, keep) + 2 * t <= budget) {
      size_t o = ident_write(id, keep, out);
      for (size_t i = keep; i < id->n; i++) {
        out[o++] = '<';
        out[o++] = id->text[id->off[i]];
      }
      return o;
    }
  }
  return ident_fit(id, budget, out);
}

/* Write the name field (width positions, already filled with '<').
 *
 * Truncation rule, from ICAO Doc 9303 (8th edition, 2021): Part 3 section 4.6 says names are
 * truncated only when PRIMARY<<SECONDARY does not fit, using the procedure of Parts 4-7. Part 4
 * 4.2.2.1 (data element directory, "Truncation of the name") and 4.2.3 require that (1) when the
 * primary identifier is too long, characters are removed from its components until '<<' and at
 * least the first character of the first secondary component fit, (2) the last position of a
 * truncated field holds a letter A-Z, which tells readers truncation may have occurred, (3) a name
 * of only a primary identifier is cut until the field ends with a letter. Parts 4 (4.2.3.2-3),
 * 5, 6 and 7 (4.2.3.1-2) then show the permitted methods as examples "at the discretion of the
 * issuing State" (Part 6 4.2.3): components truncated to initials, components truncated, components
 * cut to a fixed length. No single algorithm is mandated; this one implements the first method,
 * "one or more name components truncated to initials", applied to the secondary identifier first
 * and to the primary only when PRIMARY<<X does not fit:
 *   - secondary: keep components whole from the left, cut the next one to fill the field, reduce
 *     the rest to initials (ident_fit);
 *   - primary: reduce its components to initials from the last one back until PRIMARY<<X fits,
 *     then give the secondary identifier the positions left (primary_fit, then ident_fit); if the
 *     whole secondary identifier then fits with room to spare, the primary takes the spare
 *     positions back instead, cut as ident_fit cuts, so that the field is always full.
 * It reproduces every "truncated to initials" example of Parts 4-7, e.g. TD3 and MRV-A
 * NILAVADHANANANDA<<CHAYAPA<DEJTHAMRONG<K and BENNELONG<WOOLOOMOOLOO<WARRANDYTE<W<<DI, TD2 and
 * MRV-B NILAVADHANANANDA<<CHAYAPA<DEJ<K and BENNELONG<WOOLOOMOOLOO<W<W<<D<P, TD1
 * NILAVADHANANANDA<<CHAYAPA<DE<K and BENNELONG<WOOLOOMOOLOO<W<W<<DI. */
static bool name_write(const make_ident *primary, const make_ident *secondary, size_t width,
                       char *field) {
  size_t plen = ident_len(primary, primary->n);
  if (secondary->n == 0) {
    if (plen <= width) {
      ident_write(primary, primary->n, field);
      return false;
    }
    ident_fit(primary, width, field);
    return true;
  }
  size_t slen = ident_len(secondary, secondary->n);
  if (plen + 2 + slen <= width) {
    size_t o = ident_write(primary, primary->n, field);
    ident_write(secondary, secondary->n, field + o + 2);
    return false;
  }
  /* Reducing the primary to initials can free more than the secondary needs; the primary then
   * takes back the rest, cut as little as possible, so the field stays full. A few secondary
   * budgets cannot be filled exactly (see ident_fit); then the primary gives up one more position
   * and we try again. If no budget works (names made only of single letters), the first attempt
   * stands with a filler at the end. */
  char first[MRZ_LINE_BYTES_MAX];
  bool have_first = false;
  size_t start = plen < width - 3 ? plen : width - 3;
  for (size_t budget = start; budget >= 1; budget--) {
    char buf[MRZ_LINE_BYTES_MAX];
    memset(buf, '<', width);
    size_t o = primary_fit(primary, budget, buf);
    BM_ASSERT(o <= budget);
    size_t sbudget = width - o - 2;
    size_t s;
    if (slen <= sbudget) {
      memset(buf, '<', width);
      o = ident_fit(primary, width - 2 - slen, buf);
      s = ident_write(secondary, secondary->n, buf + o + 2);
    } else {
      s = ident_fit(secondary, sbudget, buf + o + 2);
    }
    if (o + 2 + s == width) {
      memcpy(field, buf, width);
      return true;
    }
    if (!have_first) {
      memcpy(first, buf, width);
      have_first = true;
    }
  }
  memcpy(field, first, width);
  return true;
}

/* ---- The generator ---- */

bm_err mrz_make(const mrz_fields *f, mrz_lines *out, bm_diag *diag) {
  if (f == NULL || out == NULL)
    return bm_diag_set(diag, BM_ERR_USAGE, NULL, 0, 0, "mrz_make needs fields and an output");
  memset(out, 0, sizeof *out);
  const make_layout *lay = layout_for(f->format);
  if (lay == NULL)
    return bm_diag_set(diag, BM_ERR_INVALID, "format", 0, 0,
                       "mrz_make generates TD1, TD2, TD3, MRVA and MRVB, not %s",
                       mrz_format_name(f->format));

  /* Validate everything first, into locals. */
  char code[2], state[3], nationality[3], birth[6], expiry[6], sex = '<';
  char number[MRZ_DOCNUM_BYTES_MAX];
  char optional[MRZ_LINE_BYTES_MAX], optional_2[MRZ_LINE_BYTES_MAX];
  size_t number_len = 0, optional_len = 0, optional_2_len = 0;
  bm_err err;
  if ((err = make_code(or_empty(f->document_code), lay, code, diag)) != BM_OK) return err;
  if ((err = make_state(or_empty(f->issuing_state), "issuing_state", state, diag)) != BM_OK)
    return err;

  char primary_text[MAKE_NAME_BYTES_MAX + 1], secondary_text[MAKE_NAME_BYTES_MAX + 1];
  make_ident primary, secondary;
  if ((err = make_ident_init(or_empty(f->surname), "surname", primary_text, sizeof primary_text,
                             &primary, diag)) != BM_OK)
    return err;
  if (primary.n == 0)
    return bm_diag_set(diag, BM_ERR_INVALID, "surname", 0, 0,
                       "the surname (primary identifier) is empty after transliteration");
  if ((err = make_ident_init(or_empty(f->given_names), "given_names", secondary_text,
                             sizeof secondary_text, &secondary, diag)) != BM_OK)
    return err;

  if ((err = make_number(or_empty(f->document_number), lay, number, &number_len, diag)) != BM_OK)
    return err;
  if ((err = make_state(or_empty(f->nationality), "nationality", nationality, diag)) != BM_OK)
    return err;
  if ((err = make_date(or_empty(f->birth_date), "birth_date", true, birth, diag)) != BM_OK)
    return err;
  if ((err = make_sex(or_empty(f->sex), &sex, diag)) != BM_OK) return err;
  if ((err = make_date(or_empty(f->expiry_date), "expiry_date", false, expiry, diag)) != BM_OK)
    return err;

  /* A long number takes the start of the optional data: the rest of the number, its check digit
   * and a filler before the caller's own data. */
  size_t continuation = number_len > MAKE_NUMBER_SHORT ? number_len - MAKE_NUMBER_SHORT + 1 : 0;
  size_t optional_cap = lay->optional.len - continuation;
  if (continuation > 0) optional_cap = optional_cap > 0 ? optional_cap - 1 : 0;
  if ((err = make_optional(or_empty(f->optional_data), "optional_data", optional_cap, optional,
                           &optional_len, diag)) != BM_OK)
    return err;
  if ((err = make_optional(or_empty(f->optional_data_2), "optional_data_2", lay->optional_2.len,
                           optional_2, &optional_2_len, diag)) != BM_OK)
    return err;

  /* Now write. */
  out->nlines = lay->nlines;
  out->line_len = lay->len;
  for (size_t l = 0; l < lay->nlines; l++) {
    memset(out->line[l], '<', lay->len);
    out->line[l][lay->len] = '\0';
  }
  memcpy(out->line[0], code, 2);
  memcpy(out->line[0] + 2, state, 3);
  out->name_truncated = name_write(&primary, &secondary, lay->name.len, at(out, lay->name));

  char *num = at(out, lay->number);
  char *opt = at(out, lay->optional);
  if (continuation == 0) {
    memcpy(num, number, number_len);
    num[MAKE_NUMBER_SHORT] = check_char(num, MAKE_NUMBER_SHORT);
  } else {
    /* Doc 9303-5 note j / 9303-6: the 9 principal characters, '<' in the check digit position,
     * then the rest and the check digit over the whole number at the start of the optional data. */
    memcpy(num, number, MAKE_NUMBER_SHORT);
    num[MAKE_NUMBER_SHORT] = '<';
    memcpy(opt, number + MAKE_NUMBER_SHORT, continuation - 1);
    opt[continuation - 1] = check_char(number, number_len);
    opt += continuation + 1; /* the filler after the check digit is already there */
  }
  if (optional_len > 0) memcpy(opt, optional, optional_len);
  if (lay->optional_check) {
    /* Doc 9303-4: with no optional data the digit may be '<' or 0; '<' is what real documents
     * print. */
    char *o = at(out, lay->optional);
    bool empty = true;
    for (size_t i = 0; i < lay->optional.len; i++) empty = empty && o[i] == '<';
    o[lay->optional.len] = empty ? '<' : check_char(o, lay->optional.len);
  }
  memcpy(at(out, lay->optional_2), optional_2, optional_2_len);

  memcpy(at(out, lay->nationality), nationality, 3);
  char *b = at(out, lay->birth);
  memcpy(b, birth, 6);
  b[6] = check_char(b, 6);
  *at(out, lay->sex) = sex;
  char *e = at(out, lay->expiry);
  memcpy(e, expiry, 6);
  e[6] = check_char(e, 6);

  if (lay->composite.len > 0) {
    char covered[64];
    size_t n = 0;
    for (size_t i = 0; i < BM_COUNTOF(lay->covered) && lay->covered[i].len > 0; i++) {
      BM_ASSERT(n + lay->covered[i].len <= sizeof covered);
      memcpy(covered + n, at(out, lay->covered[i]), lay->covered[i].len);
      n += lay->covered[i].len;
    }
    *at(out, lay->composite) = check_char(covered, n);
  }
  return BM_OK;
}
