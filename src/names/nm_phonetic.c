/* nm_phonetic.c - phonetic keys of name tokens: Double Metaphone and the consonant skeleton.
 *
 * Double Metaphone (Lawrence Philips, "The Double Metaphone Search Algorithm", C/C++ Users Journal,
 * June 2000) reads a word left to right and emits a primary and an alternate code of at most four
 * characters from the alphabet A (initial vowel) F H J K L M N P R S T X (SH) 0 (TH). Most letters
 * have one sound; the rules below encode the published exceptions for Germanic, Slavic, Romance,
 * Greek and some Asian spellings (each rule is commented with the kind of name it is for). This
 * implementation was written for openbmis from the published rule description; it reads a token
 * that is already upper-case A-Z 0-9, one word, so the rules that look for "VAN " / "SAN " at the
 * start of a multi-word string cannot fire (nm_prepare splits words before calling it).
 *
 * The consonant skeleton (nm_skeleton) is a key for names written in abjads (Arabic, Hebrew), whose
 * Latin spellings differ mostly in the vowels the transliterator supplied: MOHAMMED, MUHAMMAD,
 * MOHAMAD and the vowel-less ICU output MHMD all give MHMD.
 *
 * Thread safety: no state beyond the stack.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bmis/names.h"
#include "names/nm_internal.h"

/* ---- Double Metaphone ------------------------------------------------------------------------ */

#define DM_CODE_CHARS_MAX 4  /* Philips' code length */
#define DM_BUF_BYTES      16 /* room for a rule's output past the limit before the final cut */

typedef struct dm_state {
  const char *w;
  int len;
  int last;
  bool slavo_germanic; /* W, K, CZ or WITZ: rules that soften letters for Romance names are off */
  char pri[DM_BUF_BYTES], alt[DM_BUF_BYTES];
  int npri, nalt;
} dm_state;

/* The letter at i; ' ' past the end (the published algorithm pads the word with spaces, and some
 * rules test for that space to mean "end of word"), '\0' before the start. */
static char at(const dm_state *s, int i) {
  if (i < 0) return '\0';
  if (i >= s->len) return ' ';
  return s->w[i];
}

static bool vowel_at(const dm_state *s, int i) {
  return i >= 0 && i < s->len && nm__is_vowel(s->w[i]);
}

/* True when the n characters at position pos equal one of the n-character options packed back to
 * back in opts ("VAN VON " holds "VAN " and "VON "). Positions before the start never match. */
static bool at_any(const dm_state *s, int pos, int n, const char *opts) {
  if (pos < 0) return false;
  size_t total = strlen(opts);
  for (size_t o = 0; o + (size_t)n <= total; o += (size_t)n) {
    int k = 0;
    while (k < n && at(s, pos + k) == opts[o + (size_t)k]) k++;
    if (k == n) return true;
  }
  return false;
}

/* Appends to the primary and the alternate code; "" adds nothing to that code. */
static void add2(dm_state *s, const char *pri, const char *alt) {
  for (const char *p = pri; *p && s->npri < DM_BUF_BYTES - 1; p++) s->pri[s->npri++] = *p;
  for (const char *p = alt; *p && s->nalt < DM_BUF_BYTES - 1; p++) s->alt[s->nalt++] = *p;
}

static void add(dm_state *s, const char *both) {
  add2(s, both, both);
}

/* The next position after a letter that may be doubled (BB, FF, KK ...): doubles sound once. */
static int skip_double(const dm_state *s, int i, char c) {
  return at(s, i + 1) == c ? i + 2 : i + 1;
}

static int dm_c(dm_state *s, int i) {
  /* Germanic -ACH- (BACHER, MACHER): K, but not before I or E (unless BACHER/MACHER). */
  if (i > 1 && !vowel_at(s, i - 2) && at_any(s, i - 1, 3, "ACH") && at(s, i + 2) != 'I' &&
      (at(s, i + 2) != 'E' || at_any(s, i - 2, 6, "BACHERMACHER"))) {
    add(s, "K");
    return i + 2;
  }
  if (i == 0 && at_any(s, i, 6, "CAESAR")) {
    add(s, "S");
    return i + 2;
  }
  if (at_any(s, i, 4, "CHIA")) { /* Italian CHIANTI */
    add(s, "K");
    return i + 2;
  }
  if (at_any(s, i, 2, "CH")) {
    if (i > 0 && at_any(s, i, 4, "CHAE")) { /* MICHAEL */
      add2(s, "K", "X");
      return i + 2;
    }
    /* Greek roots at the start (CHARACTER, CHORUS), but not CHORE. */
    if (i == 0 && (at_any(s, i + 1, 5, "HARACHARIS") || at_any(s, i + 1, 3, "HORHYMHIAHEM")) &&
        !at_any(s, 0, 5, "CHORE")) {
      add(s, "K");
      return i + 2;
    }
    /* Germanic and Greek CH as in ORCHESTRA, ARCHITECT, or before T/S, or before a consonant
     * after a vowel or at the start (the "KH" sound). */
    if (at_any(s, 0, 4, "VAN VON ") || at_any(s, 0, 3, "SCH") ||
        at_any(s, i - 2, 6, "ORCHESARCHITORCHID") || at_any(s, i + 2, 1, "TS") ||
        ((at_any(s, i - 1, 1, "AOUE") || i == 0) && at_any(s, i + 2, 1, "LRNMBHFVW "))) {
      add(s, "K");
    } else if (i > 0) {
      if (at_any(s, 0, 2, "MC"))
        add(s, "K"); /* MCHUGH */
      else
        add2(s, "X", "K");
    } else {
      add(s, "X");
    }
    return i + 2;
  }
  if (at_any(s, i, 2, "CZ") && !at_any(s, i - 2, 4, "WICZ")) { /* CZERNY */
    add2(s, "S", "X");
    return i + 2;
  }
  if (at_any(s, i + 1, 3, "CIA")) { /* FOCACCIA */
    add(s, "X");
    return i + 3;
  }
  /* Double C, but not MCCLELLAN. */
  if (at_any(s, i, 2, "CC") && !(i == 1 && at(s, 0) == 'M')) {
    if (at_any(s, i + 2, 1, "IEH") && !at_any(s, i + 2, 2, "HU")) { /* BELLOCCHIO, not BACCHUS */
      if ((i == 1 && at(s, i - 1) == 'A') || at_any(s, i - 1, 5, "UCCEEUCCES"))
        add(s, "KS");
      else
        add(s, "X"); /* BACCI, BERTUCCI */
      return i + 3;
    }
    add(s, "K"); /* Pierce's rule */
    return i + 2;
  }
  if (at_any(s, i, 2, "CKCGCQ")) {
    add(s, "K");
    return i + 2;
  }
  if (at_any(s, i, 2, "CICECY")) { /* Italian CIO/CIE/CIA may be CH */
    if (at_any(s, i, 3, "CIOCIECIA"))
      add2(s, "S", "X");
    else
      add(s, "S");
    return i + 2;
  }
  add(s, "K");
  if (at_any(s, i + 1, 2, " C Q G")) return i + 3; /* MAC CAFFREY */
  if (at_any(s, i + 1, 1, "CKQ") && !at_any(s, i + 1, 2, "CECI")) return i + 2;
  return i + 1;
}

static int dm_d(dm_state *s, int i) {
  if (at_any(s, i, 2, "DG")) {
    if (at_any(s, i + 2, 1, "IEY")) { /* EDGE */
      add(s, "J");
      return i + 3;
    }
    add(s, "TK"); /* EDGAR */
    return i + 2;
  }
  add(s, "T");
  return at_any(s, i, 2, "DTDD") ? i + 2 : i + 1;
}

static int dm_g(dm_state *s, int i) {
  if (at(s, i + 1) == 'H') {
    if (i > 0 && !vowel_at(s, i - 1)) {
      add(s, "K");
      return i + 2;
    }
    if (i == 0) { /* GHISLANE, GHIRADELLI */
      add(s, at(s, i + 2) == 'I' ? "J" : "K");
      return i + 2;
    }
    /* Parker's rule: silent GH after B, H or D (HUGH, BOUGH). */
    if ((i > 1 && at_any(s, i - 2, 1, "BHD")) || (i > 2 && at_any(s, i - 3, 1, "BHD")) ||
        (i > 3 && at_any(s, i - 4, 1, "BH")))
      return i + 2;
    if (i > 2 && at(s, i - 1) == 'U' && at_any(s, i - 3, 1, "CGLRT"))
      add(s, "F"); /* LAUGH */
    else if (at(s, i - 1) != 'I')
      add(s, "K");
    return i + 2;
  }
  if (at(s, i + 1) == 'N') {
    if (i == 1 && vowel_at(s, 0) && !s->slavo_germanic)
      add2(s, "KN", "N");
    else if (!at_any(s, i + 2, 2, "EY") && !s->slavo_germanic)
      add2(s, "N", "KN"); /* not CAGNEY */
    else
      add(s, "KN");
    return i + 2;
  }
  if (at_any(s, i + 1, 2, "LI") && !s->slavo_germanic) { /* TAGLIARO */
    add2(s, "KL", "L");
    return i + 2;
  }
  /* -GES-, -GEP-, -GEL-, -GIE- ... at the start */
  if (i == 0 && (at(s, i + 1) == 'Y' || at_any(s, i + 1, 2, "ESEPEBELEYIBILINIEEIER"))) {
    add2(s, "K", "J");
    return i + 2;
  }
  /* -GER-, -GY-, but not DANGER, RANGER, MANGER, or after E/I, or in -RGY-/-OGY- */
  if ((at_any(s, i + 1, 2, "ER") || at(s, i + 1) == 'Y') &&
      !at_any(s, 0, 6, "DANGERRANGERMANGER") && !at_any(s, i - 1, 1, "EI") &&
      !at_any(s, i - 1, 3, "RGYOGY")) {
    add2(s, "K", "J");
    return i + 2;
  }
  /* Italian BIAGGI; soft before E, I, Y */
  if (at_any(s, i + 1, 1, "EIY") || at_any(s, i - 1, 4, "AGGIOGGI")) {
    if (at_any(s, 0, 4, "VAN VON ") || at_any(s, 0, 3, "SCH") || at_any(s, i + 1, 2, "ET"))
      add(s, "K"); /* obviously Germanic */
    else if (at_any(s, i + 1, 4, "IER "))
      add(s, "J"); /* French ending */
    else
      add2(s, "J", "K");
    return i + 2;
  }
  add(s, "K");
  return skip_double(s, i, 'G');
}

static int dm_j(dm_state *s, int i) {
  /* Spanish JOSE, SAN JACINTO */
  if (at_any(s, i, 4, "JOSE") || at_any(s, 0, 4, "SAN ")) {
    if ((i == 0 && at(s, i + 4) == ' ') || at_any(s, 0, 4, "SAN "))
      add(s, "H");
    else
      add2(s, "J", "H");
    return i + 1;
  }
  if (i == 0) {
    add2(s, "J", "A"); /* YANKELOVICH / JANKELOWICZ */
  } else if (vowel_at(s, i - 1) && !s->slavo_germanic &&
             (at(s, i + 1) == 'A' || at(s, i + 1) == 'O')) {
    add2(s, "J", "H"); /* Spanish BAJADOR */
  } else if (i == s->last) {
    add2(s, "J", "");
  } else if (!at_any(s, i + 1, 1, "LTKSNMBZ") && !at_any(s, i - 1, 1, "SKL")) {
    add(s, "J");
  }
  return skip_double(s, i, 'J');
}

static int dm_l(dm_state *s, int i) {
  if (at(s, i + 1) == 'L') {
    /* Spanish CABRILLO, GALLEGOS: the LL is a Y sound in the primary */
    if ((i == s->len - 3 && at_any(s, i - 1, 4, "ILLOILLAALLE")) ||
        ((at_any(s, s->last - 1, 2, "ASOS") || at_any(s, s->last, 1, "AO")) &&
         at_any(s, i - 1, 4, "ALLE"))) {
      add2(s, "L", "");
      return i + 2;
    }
    add(s, "L");
    return i + 2;
  }
  add(s, "L");
  return i + 1;
}

static int dm_s(dm_state *s, int i) {
  if (at_any(s, i - 1, 3, "ISLYSL")) return i + 1; /* ISLAND, CARLISLE */
  if (i == 0 && at_any(s, i, 5, "SUGAR")) {
    add2(s, "X", "S");
    return i + 1;
  }
  if (at_any(s, i, 2, "SH")) {
    if (at_any(s, i + 1, 4, "HEIMHOEKHOLMHOLZ"))
      add(s, "S"); /* Germanic */
    else
      add(s, "X");
    return i + 2;
  }
  if (at_any(s, i, 3, "SIOSIA") || at_any(s, i, 4, "SIAN")) { /* Italian, Armenian */
    if (!s->slavo_germanic)
      add2(s, "S", "X");
    else
      add(s, "S");
    return i + 3;
  }
  /* SMITH ~ SCHMIDT, SNIDER ~ SCHNEIDER; Slavic SZ */
  if ((i == 0 && at_any(s, i + 1, 1, "MNLW")) || at(s, i + 1) == 'Z') {
    add2(s, "S", "X");
    return at(s, i + 1) == 'Z' ? i + 2 : i + 1;
  }
  if (at_any(s, i, 2, "SC")) {
    if (at(s, i + 2) == 'H') {
      if (at_any(s, i + 3, 2, "OOERENUYEDEM")) { /* Dutch SCHOOL, SCHERMERHORN */
        if (at_any(s, i + 3, 2, "EREN"))
          add2(s, "X", "SK");
        else
          add(s, "SK");
        return i + 3;
      }
      if (i == 0 && !vowel_at(s, 3) && at(s, 3) != 'W')
        add2(s, "X", "S"); /* SCHLESINGER */
      else
        add(s, "X");
      return i + 3;
    }
    if (at_any(s, i + 2, 1, "IEY"))
      add(s, "S");
    else
      add(s, "SK");
    return i + 3;
  }
  if (i == s->last && at_any(s, i - 2, 2, "AIOI"))
    add2(s, "", "S"); /* French RESNAIS */
  else
    add(s, "S");
  return at_any(s, i + 1, 1, "SZ") ? i + 2 : i + 1;
}

static int dm_t(dm_state *s, int i) {
  if (at_any(s, i, 4, "TION") || at_any(s, i, 3, "TIATCH")) {
    add(s, "X");
    return i + 3;
  }
  if (at_any(s, i, 2, "TH") || at_any(s, i, 3, "TTH")) {
    /* THOMAS, THAMES, and Germanic names say T */
    if (at_any(s, i + 2, 2, "OMAM") || at_any(s, 0, 4, "VAN VON ") || at_any(s, 0, 3, "SCH"))
      add(s, "T");
    else
      add2(s, "0", "T");
    return i + 2;
  }
  add(s, "T");
  return at_any(s, i + 1, 1, "TD") ? i + 2 : i + 1;
}

static int dm_w(dm_state *s, int i) {
  if (at_any(s, i, 2, "WR")) {
    add(s, "R");
    return i + 2;
  }
  if (i == 0 && (vowel_at(s, i + 1) || at_any(s, i, 2, "WH"))) {
    if (vowel_at(s, i + 1))
      add2(s, "A", "F"); /* WASSERMAN ~ VASSERMAN */
    else
      add(s, "A");
  }
  /* ARNOW ~ ARNOFF; Polish -OWSKI */
  if ((i == s->last && vowel_at(s, i - 1)) || at_any(s, i - 1, 5, "EWSKIEWSKYOWSKIOWSKY") ||
      at_any(s, 0, 3, "SCH")) {
    add2(s, "", "F");
    return i + 1;
  }
  if (at_any(s, i, 4, "WICZWITZ")) { /* Polish FILIPOWICZ */
    add2(s, "TS", "FX");
    return i + 4;
  }
  return i + 1;
}

static int dm_x(dm_state *s, int i) {
  /* French BREAUX: a final X after AU/OU/EAU/IAU is silent */
  if (!(i == s->last && (at_any(s, i - 3, 3, "IAUEAU") || at_any(s, i - 2, 2, "AUOU"))))
    add(s, "KS");
  return at_any(s, i + 1, 1, "CX") ? i + 2 : i + 1;
}

static int dm_z(dm_state *s, int i) {
  if (at(s, i + 1) == 'H') { /* Pinyin ZHAO */
    add(s, "J");
    return i + 2;
  }
  if (at_any(s, i + 1, 2, "ZOZIZA") || (s->slavo_germanic && i > 0 && at(s, i - 1) != 'T'))
    add2(s, "S", "TS");
  else
    add(s, "S");
  return skip_double(s, i, 'Z');
}

static bool contains(const char *w, size_t len, const char *needle) {
  size_t n = strlen(needle);
  for (size_t i = 0; i + n <= len; i++)
    if (memcmp(w + i, needle, n) == 0) return true;
  return false;
}

void nm_double_metaphone(const char *token, size_t len, char primary[5], char alternate[5]) {
  dm_state s;
  memset(&s, 0, sizeof s);
  /* Tokens are at most NM_TOKEN_BYTES_MAX - 1 bytes; the code reaches four characters long before
   * the end of any real word, so a longer input is simply read up to its first 255 bytes. */
  s.w = token;
  s.len = len > 255 ? 255 : (int)len;
  s.last = s.len - 1;
  s.slavo_germanic = contains(token, (size_t)s.len, "W") || contains(token, (size_t)s.len, "K") ||
                     contains(token, (size_t)s.len, "CZ");
  int i = 0;
  if (at_any(&s, 0, 2, "GNKNPNWRPS")) i = 1; /* silent first letter: GNOME, KNIGHT, PSYCHO */
  if (at(&s, 0) == 'X') {                    /* XAVIER */
    add(&s, "S");
    i = 1;
  }
  while ((s.npri < DM_CODE_CHARS_MAX || s.nalt < DM_CODE_CHARS_MAX) && i < s.len) {
    char c = s.w[i];
    switch (c) {
    case 'A':
    case 'E':
    case 'I':
    case 'O':
    case 'U':
    case 'Y':
      if (i == 0) add(&s, "A"); /* vowels count only at the start */
      i++;
      break;
    case 'B':
      add(&s, "P");
      i = skip_double(&s, i, 'B');
      break;
    case 'C': i = dm_c(&s, i); break;
    case 'D': i = dm_d(&s, i); break;
    case 'F':
      add(&s, "F");
      i = skip_double(&s, i, 'F');
      break;
    case 'G': i = dm_g(&s, i); break;
    case 'H':
      /* H sounds only at the start or between vowels */
      if ((i == 0 || vowel_at(&s, i - 1)) && vowel_at(&s, i + 1)) {
        add(&s, "H");
        i += 2;
      } else {
        i++;
      }
      break;
    case 'J': i = dm_j(&s, i); break;
    case 'K':
      add(&s, "K");
      i = skip_double(&s, i, 'K');
      break;
    case 'L': i = dm_l(&s, i); break;
    case 'M':
      add(&s, "M");
      /* THUMB, DUMBER: the B after M is silent */
      if ((at_any(&s, i - 1, 3, "UMB") && (i + 1 == s.last || at_any(&s, i + 2, 2, "ER"))) ||
          at(&s, i + 1) == 'M')
        i += 2;
      else
        i++;
      break;
    case 'N':
      add(&s, "N");
      i = skip_double(&s, i, 'N');
      break;
    case 'P':
      if (at(&s, i + 1) == 'H') {
        add(&s, "F");
        i += 2;
      } else {
        add(&s, "P");
        i = at_any(&s, i + 1, 1, "PB") ? i + 2 : i + 1; /* CAMPBELL, RASPBERRY */
      }
      break;
    case 'Q':
      add(&s, "K");
      i = skip_double(&s, i, 'Q');
      break;
    case 'R':
      /* French ROGIER: a final R after IE is silent in the primary (not HOCHMEIER) */
      if (i == s.last && !s.slavo_germanic && at_any(&s, i - 2, 2, "IE") &&
          !at_any(&s, i - 4, 2, "MEMA"))
        add2(&s, "", "R");
      else
        add(&s, "R");
      i = skip_double(&s, i, 'R');
      break;
    case 'S': i = dm_s(&s, i); break;
    case 'T': i = dm_t(&s, i); break;
    case 'V':
      add(&s, "F");
      i = skip_double(&s, i, 'V');
      break;
    case 'W': i = dm_w(&s, i); break;
    case 'X': i = dm_x(&s, i); break;
    case 'Z': i = dm_z(&s, i); break;
    default: i++; break; /* digits and anything else carry no sound */
    }
  }
  int np = s.npri < DM_CODE_CHARS_MAX ? s.npri : DM_CODE_CHARS_MAX;
  int na = s.nalt < DM_CODE_CHARS_MAX ? s.nalt : DM_CODE_CHARS_MAX;
  memcpy(primary, s.pri, (size_t)np);
  primary[np] = '\0';
  memcpy(alternate, s.alt, (size_t)na);
  alternate[na] = '\0';
}

uint32_t nm_dm_pack(const char *code) {
  /* One byte per character, first character in the high byte: equal codes pack equal, and a code
   * is never 0 unless empty (code characters are never NUL). */
  uint32_t v = 0;
  for (int i = 0; i < DM_CODE_CHARS_MAX; i++) {
    v <<= 8;
    if (code != NULL && code[0] != '\0') v |= (uint8_t)*code++;
  }
  return v;
}

/* ---- Consonant skeleton ---------------------------------------------------------------------- */

/* Consonants after which an H only marks a digraph (KH, SH, TH, DH, GH, CH, PH, ZH): the H is not a
 * sound of its own, and transliterations drop or keep it freely (KHALED / HALED). */
static bool forms_digraph_with_h(char c) {
  return c == 'K' || c == 'S' || c == 'T' || c == 'D' || c == 'G' || c == 'C' || c == 'P' ||
         c == 'Z';
}

size_t nm_skeleton(const char *token, size_t len, char *out, size_t cap) {
  char buf[NM_TOKEN_BYTES_MAX];
  size_t n = 0;
  if (len > NM_TOKEN_BYTES_MAX - 1) len = NM_TOKEN_BYTES_MAX - 1;
  for (size_t i = 0; i < len; i++) {
    char c = token[i];
    char prev = i > 0 ? token[i - 1] : '\0';
    char next = i + 1 < len ? token[i + 1] : '\0';
    char m[2] = {0, 0}; /* what c contributes: up to two consonants */
    if (!nm__is_upper(c)) {
      n = 0; /* digits or bytes outside A-Z: not a name word, no skeleton */
      break;
    }
    switch (c) {
    case 'A':
    case 'E':
    case 'I':
    case 'O':
    case 'U': break; /* abjads do not write short vowels: every spelling guesses them */
    case 'Y':
    case 'W':
    case 'V':
      /* Y and W (V in Persian and Turkish spellings of the same letter) are consonants only at the
       * start before a vowel (YUSUF, WALID, VAHID); elsewhere they spell long vowels and
       * diphthongs (HUSAYN = HUSSEIN, DAWUD = DAUD). */
      if (i == 0 && nm__is_vowel(next) && next != 'Y') m[0] = c == 'Y' ? 'Y' : 'W';
      break;
    case 'H':
      /* H after K, S, T ... is part of a digraph; a final H is the Arabic ta marbuta or a silent
       * ending (ABDULLAH = ABDULLA); elsewhere it is the consonant (MOHAMMED, AHMED). */
      if (!forms_digraph_with_h(prev) && i + 1 < len) m[0] = 'H';
      break;
    case 'C': m[0] = next == 'H' ? 'S' : 'K'; break; /* French CH = SH (CHERIF = SHARIF) */
    case 'Q': m[0] = 'K'; break;                     /* QADIR = KADIR */
    case 'P': m[0] = next == 'H' ? 'F' : 'B'; break; /* Arabic has no P: بيريز = PEREZ */
    case 'X':
      m[0] = 'K';
      m[1] = 'S';
      break;
    default: m[0] = c; break;
    }
    for (int k = 0; k < 2 && m[k]; k++) {
      if (n > 0 && buf[n - 1] == m[k]) continue; /* doubled consonants: MOHAMMED = MOHAMED */
      if (n < sizeof buf - 1) buf[n++] = m[k];
    }
  }
  if (cap > 0) {
    size_t w = n < cap - 1 ? n : cap - 1;
    memcpy(out, buf, w);
    out[w] = '\0';
  }
  return n;
}
