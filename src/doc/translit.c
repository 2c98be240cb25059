/* translit.c - transliteration of names into MRZ characters (ICAO Doc 9303 Part 3, section 6).
 *
 * mrz_translit() reads a name in UTF-8 and writes the form the MRZ name field uses: 'A'-'Z',
 * '0'-'9' and the filler '<'. It decodes UTF-8 strictly (no overlong forms, no surrogates, nothing
 * above U+10FFFF, no truncated sequences) and maps one code point at a time through constant
 * tables:
 *
 *   ASCII        letters upper-cased, digits kept; space , . - < are separators (one '<'); ' and `
 *                are dropped (Doc 9303: apostrophes are omitted and the parts joined).
 *   Latin        U+00C0-024F and U+1E00-1EFF: Doc 9303 Part 3 section 6 table A, recommended
 * (first) forms: Ä AE, Å AA, Æ AE, Ö OE, Ø OE, Ü UE, ß/ẞ SS, Þ TH, Œ OE, Ĳ IJ, Ð/Đ D, Ł L, ı/İ I;
 * every other letter with a diacritic becomes its base letter. Cyrillic     U+0400-04FF: Doc 9303
 * Part 3 section 6 table B (Russian letters plus the extra letters of the table); Ь is omitted.
 *   Greek        U+0386-03CE: Doc 9303 has no Greek table; we use the ELOT 743 / ISO 843 letter
 *                transliteration that Greek travel documents follow (see docs/transliteration.md),
 *                with the one digraph all Greek systems agree on: ΟΥ -> OU.
 *   Combining    U+0300-036F after a letter are dropped, so NFD input gives the same result as NFC;
 *   marks        a diaeresis on a/o/u adds the E (and a ring on a the second A) like Ä/Ö/Ü/Å do.
 *   Separators   U+00A0 and the Unicode spaces, U+2010-2015 hyphens and dashes; U+2018, U+2019,
 *                U+02BC apostrophes are dropped; U+00AD soft hyphen (an invisible line-break hint)
 * is dropped.
 *
 * Everything else (other scripts, symbols, other punctuation, control characters) is rejected with
 * the code point and its byte offset, never guessed.
 *
 * Sources of the tables: the Latin and Cyrillic tables were written for openbmis from the mappings
 * Doc 9303 Part 3 section 6 recommends; the "base letter" entries of the Latin tables follow the
 * Unicode canonical decompositions (letter + combining marks -> letter), and for letters without a
 * decomposition (stroke, bar, hook: Ħ, Ŧ, Ɓ, Ƶ ...) the letter the Unicode name gives. The Greek
 * table follows ELOT 743 / ISO 843 (transliteration type 1). tests/unit/translit_test.c checks
 * every precomposed entry against ICU's NFD, so a wrong base letter cannot hide in the tables.
 *
 * Why hand tables rather than ICU at run time: the fallback is a single array index per code point,
 * needs no allocation, no UChar conversion and no library state, and gives the same answer whatever
 * ICU version is installed; the few letters that have no decomposition need a table anyway.
 *
 * Thread safety: the tables are const; mrz_translit keeps all state on the stack.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bmis/mrz.h"

/* ---- Tables ---------------------------------------------------------------------------------- */

/* Latin-1 Supplement letters, Latin Extended-A and -B, U+00C0-024F. Two characters per code point:
 * the MRZ letters padded with ' ', or ".." for "no mapping" (× ÷, and letters that are not a Latin
 * letter with a diacritic: ĸ, Ɛ, Ʃ, Ʒ, Ȝ, clicks, tone letters ...). */
#define LATIN_FIRST 0x00C0u
#define LATIN_LAST  0x024Fu
// clang-format off
static const char k_latin[] =
    /* U+00C0 ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏ */ "A A A A AEAAAEC E E E E I I I I "
    /* U+00D0 ÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞß */ "D N O O O O OE..OEU U U UEY THSS"
    /* U+00E0 àáâãäåæçèéêëìíîï */ "A A A A AEAAAEC E E E E I I I I "
    /* U+00F0 ðñòóôõö÷øùúûüýþÿ */ "D N O O O O OE..OEU U U UEY THY "
    /* U+0100 ĀāĂăĄąĆćĈĉĊċČčĎď */ "A A A A A A C C C C C C C C D D "
    /* U+0110 ĐđĒēĔĕĖėĘęĚěĜĝĞğ */ "D D E E E E E E E E E E G G G G "
    /* U+0120 ĠġĢģĤĥĦħĨĩĪīĬĭĮį */ "G G G G H H H H I I I I I I I I "
    /* U+0130 İıĲĳĴĵĶķĸĹĺĻļĽľĿ */ "I I IJIJJ J K K ..L L L L L L L "
    /* U+0140 ŀŁłŃńŅņŇňŉŊŋŌōŎŏ */ "L L L N N N N N N N N N O O O O "
    /* U+0150 ŐőŒœŔŕŖŗŘřŚśŜŝŞş */ "O O OEOER R R R R R S S S S S S "
    /* U+0160 ŠšŢţŤťŦŧŨũŪūŬŭŮů */ "S S T T T T T T U U U U U U U U "
    /* U+0170 ŰűŲųŴŵŶŷŸŹźŻżŽžſ */ "U U U U W W Y Y Y Z Z Z Z Z Z S "
    /* U+0180 ƀƁƂƃƄƅƆƇƈƉƊƋƌƍƎƏ */ "B B B B ......C C D D D D ....A "
    /* U+0190 ƐƑƒƓƔƕƖƗƘƙƚƛƜƝƞƟ */ "..F F G ......I K K L ....N N O "
    /* U+01A0 ƠơƢƣƤƥƦƧƨƩƪƫƬƭƮƯ */ "O O ....P P ..........T T T T U "
    /* U+01B0 ưƱƲƳƴƵƶƷƸƹƺƻƼƽƾƿ */ "U ..V Y Y Z Z .................."
    /* U+01C0 ǀǁǂǃǄǅǆǇǈǉǊǋǌǍǎǏ */ "........DZDZDZLJLJLJNJNJNJA A I "
    /* U+01D0 ǐǑǒǓǔǕǖǗǘǙǚǛǜǝǞǟ */ "I O O U U UEUEUEUEUEUEUEUE..AEAE"
    /* U+01E0 ǠǡǢǣǤǥǦǧǨǩǪǫǬǭǮǯ */ "A A AEAEG G G G K K O O O O ...."
    /* U+01F0 ǰǱǲǳǴǵǶǷǸǹǺǻǼǽǾǿ */ "J DZDZDZG G ....N N AAAAAEAEOEOE"
    /* U+0200 ȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏ */ "A A A A E E E E I I I I O O O O "
    /* U+0210 ȐȑȒȓȔȕȖȗȘșȚțȜȝȞȟ */ "R R R R U U U U S S T T ....H H "
    /* U+0220 ȠȡȢȣȤȥȦȧȨȩȪȫȬȭȮȯ */ "N D ....Z Z A A E E OEOEO O O O "
    /* U+0230 ȰȱȲȳȴȵȶȷȸȹȺȻȼȽȾȿ */ "O O Y Y L N T J ....A C C L T S "
    /* U+0240 ɀɁɂɃɄɅɆɇɈɉɊɋɌɍɎɏ */ "Z ....B U ..E E J J Q Q R R Y Y ";
// clang-format on

/* Latin Extended Additional, U+1E00-1EFF (Vietnamese, Welsh ...); same coding as k_latin. */
#define LATIN_ADD_FIRST 0x1E00u
#define LATIN_ADD_LAST  0x1EFFu
// clang-format off
static const char k_latin_add[] =
    /* U+1E00 ḀḁḂḃḄḅḆḇḈḉḊḋḌḍḎḏ */ "A A B B B B B B C C D D D D D D "
    /* U+1E10 ḐḑḒḓḔḕḖḗḘḙḚḛḜḝḞḟ */ "D D D D E E E E E E E E E E F F "
    /* U+1E20 ḠḡḢḣḤḥḦḧḨḩḪḫḬḭḮḯ */ "G G H H H H H H H H H H I I I I "
    /* U+1E30 ḰḱḲḳḴḵḶḷḸḹḺḻḼḽḾḿ */ "K K K K K K L L L L L L L L M M "
    /* U+1E40 ṀṁṂṃṄṅṆṇṈṉṊṋṌṍṎṏ */ "M M M M N N N N N N N N O O OEOE"
    /* U+1E50 ṐṑṒṓṔṕṖṗṘṙṚṛṜṝṞṟ */ "O O O O P P P P R R R R R R R R "
    /* U+1E60 ṠṡṢṣṤṥṦṧṨṩṪṫṬṭṮṯ */ "S S S S S S S S S S T T T T T T "
    /* U+1E70 ṰṱṲṳṴṵṶṷṸṹṺṻṼṽṾṿ */ "T T U U U U U U U U UEUEV V V V "
    /* U+1E80 ẀẁẂẃẄẅẆẇẈẉẊẋẌẍẎẏ */ "W W W W W W W W W W X X X X Y Y "
    /* U+1E90 ẐẑẒẓẔẕẖẗẘẙẚẛẜẝẞẟ */ "Z Z Z Z Z Z H T W Y A S S S SS.."
    /* U+1EA0 ẠạẢảẤấẦầẨẩẪẫẬậẮắ */ "A A A A A A A A A A A A A A A A "
    /* U+1EB0 ẰằẲẳẴẵẶặẸẹẺẻẼẽẾế */ "A A A A A A A A E E E E E E E E "
    /* U+1EC0 ỀềỂểỄễỆệỈỉỊịỌọỎỏ */ "E E E E E E E E I I I I O O O O "
    /* U+1ED0 ỐốỒồỔổỖỗỘộỚớỜờỞở */ "O O O O O O O O O O O O O O O O "
    /* U+1EE0 ỠỡỢợỤụỦủỨứỪừỬửỮữ */ "O O O O U U U U U U U U U U U U "
    /* U+1EF0 ỰựỲỳỴỵỶỷỸỹỺỻỼỽỾỿ */ "U U Y Y Y Y Y Y Y Y LLLL....Y Y ";
// clang-format on

_Static_assert(sizeof k_latin == 2 * (LATIN_LAST - LATIN_FIRST + 1) + 1, "k_latin: 2 chars/cp");
_Static_assert(sizeof k_latin_add == 2 * (LATIN_ADD_LAST - LATIN_ADD_FIRST + 1) + 1,
               "k_latin_add: 2 chars/cp");

/* Cyrillic, U+0400-04FF: Doc 9303 table B. "" = no mapping, "*" = letter omitted in the MRZ (Ь).
 * Letters written with a diacritic that decompose to a mapped letter (Ѐ, Ѝ, Ѷ, Ӑ, Ӧ, Ӱ ...) take
 * that letter's mapping, as in NFD input. Letters of other Cyrillic alphabets that Doc 9303 does
 * not list (Ғ, Қ, Ң, Ү, Ұ, Һ, Ә, Ө ...) have no mapping. */
#define CYR_FIRST 0x0400u
#define CYR_LAST  0x04FFu
// clang-format off
static const char k_cyrillic[CYR_LAST - CYR_FIRST + 1][5] = {
    /* U+0400 ЀЁЂЃЄЅІЇЈЉЊЋЌЍЎЏ */
    "E", "E", "D", "G", "IE", "DZ", "I", "I", "J", "LJ", "NJ", "C", "K", "I", "U", "DZ",
    /* U+0410 АБВГДЕЖЗИЙКЛМНОП */
    "A", "B", "V", "G", "D", "E", "ZH", "Z", "I", "I", "K", "L", "M", "N", "O", "P",
    /* U+0420 РСТУФХЦЧШЩЪЫЬЭЮЯ */
    "R", "S", "T", "U", "F", "KH", "TS", "CH", "SH", "SHCH", "IE", "Y", "*", "E", "IU", "IA",
    /* U+0430 абвгдежзийклмноп */
    "A", "B", "V", "G", "D", "E", "ZH", "Z", "I", "I", "K", "L", "M", "N", "O", "P",
    /* U+0440 рстуфхцчшщъыьэюя */
    "R", "S", "T", "U", "F", "KH", "TS", "CH", "SH", "SHCH", "IE", "Y", "*", "E", "IU", "IA",
    /* U+0450 ѐёђѓєѕіїјљњћќѝўџ */
    "E", "E", "D", "G", "IE", "DZ", "I", "I", "J", "LJ", "NJ", "C", "K", "I", "U", "DZ",
    /* U+0460 ѠѡѢѣѤѥѦѧѨѩѪѫѬѭѮѯ */
    "", "", "E", "E", "", "", "", "", "", "", "U", "U", "", "", "", "",
    /* U+0470 ѰѱѲѳѴѵѶѷѸѹѺѻѼѽѾѿ */
    "", "", "", "", "Y", "Y", "Y", "Y", "", "", "", "", "", "", "", "",
    /* U+0490 ҐґҒғҔҕҖҗҘҙҚқҜҝҞҟ */
    [0x090] = "G", "G", "", "", "", "", "", "", "", "", "", "", "", "", "", "",
    /* U+04C0 ӀӁӂӃӄӅӆӇӈӉӊӋӌӍӎӏ */
    [0x0C0] = "", "ZH", "ZH", "", "", "", "", "", "", "", "", "", "", "", "", "",
    /* U+04D0 ӐӑӒӓӔӕӖӗӘәӚӛӜӝӞӟ */
    "A", "A", "A", "A", "", "", "E", "E", "", "", "", "", "ZH", "ZH", "Z", "Z",
    /* U+04E0 ӠӡӢӣӤӥӦӧӨөӪӫӬӭӮӯ */
    "", "", "I", "I", "I", "I", "O", "O", "", "", "", "", "E", "E", "U", "U",
    /* U+04F0 ӰӱӲӳӴӵӶӷӸӹӺӻӼӽӾӿ */
    "U", "U", "U", "U", "CH", "CH", "", "", "Y", "Y", "", "", "", "", "", "",
};
// clang-format on

/* Greek, U+0386-03CE (monotonic letters, with tonos and dialytika); "" = no mapping. */
#define GREEK_FIRST 0x0386u
#define GREEK_LAST  0x03CEu
// clang-format off
static const char k_greek[GREEK_LAST - GREEK_FIRST + 1][3] = {
    /* U+0386 Ά·ΈΉΊ ΌΎΏ (U+0387 is the ano teleia; U+038B, U+038D are unassigned) */
    "A", "",  "E", "I", "I", "",  "O", "",  "Y", "O",
    /* U+0390 ΐΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟ */
    "I", "A", "V", "G", "D", "E", "Z", "I", "TH", "I", "K", "L", "M", "N", "X", "O",
    /* U+03A0 ΠΡ ΣΤΥΦΧΨΩΪΫάέήί (U+03A2 unassigned) */
    "P", "R", "",  "S", "T", "Y", "F", "CH", "PS", "O", "I", "Y", "A", "E", "I", "I",
    /* U+03B0 ΰαβγδεζηθικλμνξο */
    "Y", "A", "V", "G", "D", "E", "Z", "I", "TH", "I", "K", "L", "M", "N", "X", "O",
    /* U+03C0 πρςστυφχψωϊϋόύώ */
    "P", "R", "S", "S", "T", "Y", "F", "CH", "PS", "O", "I", "Y", "O", "Y", "O",
};
// clang-format on

/* ---- UTF-8 ----------------------------------------------------------------------------------- */

typedef enum u8_status {
  U8_OK = 0,
  U8_TRUNCATED, /* the input ends inside a sequence */
  U8_BAD_LEAD,  /* a continuation byte or 0xF5-0xFF where a sequence must start */
  U8_BAD_CONT,  /* a sequence interrupted by a byte that is not a continuation byte */
  U8_OVERLONG,  /* a code point encoded with more bytes than needed */
  U8_SURROGATE, /* U+D800-DFFF */
  U8_TOO_BIG    /* above U+10FFFF */
} u8_status;

static const char *u8_status_text(u8_status st) {
  switch (st) {
  case U8_OK: return "valid";
  case U8_TRUNCATED: return "truncated sequence at the end of the input";
  case U8_BAD_LEAD: return "byte cannot start a sequence";
  case U8_BAD_CONT: return "sequence interrupted before its last byte";
  case U8_OVERLONG: return "overlong encoding";
  case U8_SURROGATE: return "encoded surrogate (U+D800-DFFF)";
  case U8_TOO_BIG: return "code point above U+10FFFF";
  }
  return "invalid";
}

/* Decode one code point from s[0..n), n >= 1. On U8_OK sets *cp and *used. The second-byte ranges
 * follow RFC 3629 / Unicode table 3-7, which is what rules out overlongs, surrogates and
 * > U+10FFFF without decoding first. */
static u8_status u8_decode(const unsigned char *s, size_t n, uint32_t *cp, size_t *used) {
  unsigned char b0 = s[0];
  if (b0 < 0x80) {
    *cp = b0;
    *used = 1;
    return U8_OK;
  }
  size_t need;
  unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
  uint32_t c;
  if (b0 < 0xC2) return (b0 >= 0xC0) ? U8_OVERLONG : U8_BAD_LEAD;
  if (b0 < 0xE0) {
    need = 2;
    c = b0 & 0x1Fu;
  } else if (b0 < 0xF0) {
    need = 3;
    c = b0 & 0x0Fu;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 < 0xF5) {
    need = 4;
    c = b0 & 0x07u;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return U8_BAD_LEAD;
  }
  for (size_t i = 1; i < need; i++) {
    if (i >= n) return U8_TRUNCATED;
    unsigned char b = s[i];
    if ((b & 0xC0u) != 0x80u) return U8_BAD_CONT;
    if (i == 1 && (b < lo || b > hi)) {
      if (b0 == 0xE0 || b0 == 0xF0) return U8_OVERLONG;
      return b0 == 0xED ? U8_SURROGATE : U8_TOO_BIG;
    }
    c = (c << 6) | (b & 0x3Fu);
  }
  *cp = c;
  *used = need;
  return U8_OK;
}

/* ---- Classification -------------------------------------------------------------------------- */

typedef enum cp_kind {
  K_REJECT = 0, /* no mapping: error */
  K_LETTERS,    /* emit the letters (possibly none: Ь) */
  K_DIGIT,      /* emit the digit */
  K_SEP,        /* word separator: one '<' between words */
  K_DROP,       /* dropped without separating (apostrophes, soft hyphen) */
  K_MARK        /* combining mark U+0300-036F: belongs to the previous letter */
} cp_kind;

typedef enum script {
  SCRIPT_NONE = 0, /* no letter before (start, separator, digit): a combining mark is an error */
  SCRIPT_LATIN,
  SCRIPT_CYRILLIC,
  SCRIPT_GREEK
} script;

typedef struct cp_map {
  cp_kind kind;
  script script;
  char letters[5]; /* NUL-terminated MRZ letters for K_LETTERS/K_DIGIT */
} cp_map;

static void map_set(cp_map *m, cp_kind kind, script sc, const char *s, size_t n) {
  m->kind = kind;
  m->script = sc;
  memcpy(m->letters, s, n);
  m->letters[n] = '\0';
}

static bool is_unicode_space(uint32_t cp) {
  return cp == 0x00A0u || (cp >= 0x2000u && cp <= 0x200Au) || cp == 0x202Fu || cp == 0x205Fu ||
         cp == 0x3000u;
}

/* One table lookup per code point. */
static void classify(uint32_t cp, cp_map *m) {
  m->kind = K_REJECT;
  m->script = SCRIPT_NONE;
  m->letters[0] = '\0';
  if (cp < 0x80u) {
    char c = (char)cp;
    if (c >= 'A' && c <= 'Z')
      map_set(m, K_LETTERS, SCRIPT_LATIN, &c, 1);
    else if (c >= 'a' && c <= 'z') {
      c = (char)(c - 'a' + 'A');
      map_set(m, K_LETTERS, SCRIPT_LATIN, &c, 1);
    } else if (c >= '0' && c <= '9')
      map_set(m, K_DIGIT, SCRIPT_NONE, &c, 1);
    else if (c == ' ' || c == '-' || c == ',' || c == '.' || c == '<')
      m->kind = K_SEP;
    else if (c == '\'' || c == '`')
      m->kind = K_DROP;
    return;
  }
  if (cp >= LATIN_FIRST && cp <= LATIN_LAST) {
    const char *e = &k_latin[2 * (cp - LATIN_FIRST)];
    if (e[0] != '.') map_set(m, K_LETTERS, SCRIPT_LATIN, e, e[1] == ' ' ? 1 : 2);
    return;
  }
  if (cp >= LATIN_ADD_FIRST && cp <= LATIN_ADD_LAST) {
    const char *e = &k_latin_add[2 * (cp - LATIN_ADD_FIRST)];
    if (e[0] != '.') map_set(m, K_LETTERS, SCRIPT_LATIN, e, e[1] == ' ' ? 1 : 2);
    return;
  }
  if (cp >= 0x0300u && cp <= 0x036Fu) {
    m->kind = K_MARK;
    return;
  }
  if (cp >= CYR_FIRST && cp <= CYR_LAST) {
    const char *e = k_cyrillic[cp - CYR_FIRST];
    if (e[0] == '*')
      map_set(m, K_LETTERS, SCRIPT_CYRILLIC, "", 0);
    else if (e[0] != '\0')
      map_set(m, K_LETTERS, SCRIPT_CYRILLIC, e, strlen(e));
    return;
  }
  if (cp >= GREEK_FIRST && cp <= GREEK_LAST) {
    const char *e = k_greek[cp - GREEK_FIRST];
    if (e[0] != '\0') map_set(m, K_LETTERS, SCRIPT_GREEK, e, strlen(e));
    return;
  }
  if (cp == 0x0259u) { /* ə, small of Ə U+018F (Azerbaijani), outside Latin Extended-B */
    map_set(m, K_LETTERS, SCRIPT_LATIN, "A", 1);
    return;
  }
  if (is_unicode_space(cp) || (cp >= 0x2010u && cp <= 0x2015u)) {
    m->kind = K_SEP;
    return;
  }
  if (cp == 0x2018u || cp == 0x2019u || cp == 0x02BCu || cp == 0x00ADu) m->kind = K_DROP;
}

/* Greek letters that take part in the ΟΥ -> OU digraph. */
static bool greek_is_omicron(uint32_t cp) {
  return cp == 0x039Fu || cp == 0x03BFu || cp == 0x038Cu || cp == 0x03CCu;
}
static bool greek_is_upsilon(uint32_t cp) { /* without dialytika */
  return cp == 0x03A5u || cp == 0x03C5u || cp == 0x038Eu || cp == 0x03CDu;
}

/* True when the combining marks starting at s carry a diaeresis (U+0308, or U+0344 dialytika
 * tonos). Malformed bytes end the scan; the main loop reports them when it gets there. */
static bool next_marks_have_diaeresis(const unsigned char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    uint32_t cp;
    size_t used;
    if (u8_decode(s + i, n - i, &cp, &used) != U8_OK) return false;
    if (cp < 0x0300u || cp > 0x036Fu) return false;
    if (cp == 0x0308u || cp == 0x0344u) return true;
    i += used;
  }
  return false;
}

/* A short name for the block of a rejected code point, to make the message useful. */
static const char *block_hint(uint32_t cp) {
  if (cp < 0x20u || (cp >= 0x7Fu && cp < 0xA0u)) return "control character";
  if (cp < 0x80u) return "punctuation or symbol";
  if (cp >= 0x0590u && cp <= 0x05FFu) return "Hebrew";
  if ((cp >= 0x0600u && cp <= 0x06FFu) || (cp >= 0x0750u && cp <= 0x077Fu) ||
      (cp >= 0x08A0u && cp <= 0x08FFu) || (cp >= 0xFB50u && cp <= 0xFDFFu) ||
      (cp >= 0xFE70u && cp <= 0xFEFFu && cp != 0xFEFFu))
    return "Arabic";
  if (cp >= 0x1F00u && cp <= 0x1FFFu) return "polytonic Greek";
  if ((cp >= 0x2E80u && cp <= 0x9FFFu) || (cp >= 0xF900u && cp <= 0xFAFFu) ||
      (cp >= 0x20000u && cp <= 0x3FFFFu))
    return "CJK";
  if (cp >= 0xAC00u && cp <= 0xD7AFu) return "Hangul";
  if (cp >= 0x1F000u && cp <= 0x1FAFFu) return "emoji or symbol";
  return "character";
}

/* ---- Output ---------------------------------------------------------------------------------- */

/* Writes at most cap-1 bytes, counts everything: len is the full length wanted. */
typedef struct sink {
  char *buf;
  size_t cap;
  size_t len;
  bool pending_sep; /* a separator was seen after some output: write '<' before the next letter */
} sink;

static void sink_byte(sink *o, char c) {
  if (o->len + 1 < o->cap) o->buf[o->len] = c;
  o->len++;
}

static void sink_letters(sink *o, const char *s) {
  if (*s == '\0') return;
  if (o->pending_sep) {
    sink_byte(o, '<');
    o->pending_sep = false;
  }
  while (*s != '\0') sink_byte(o, *s++);
}

/* Runs of separators collapse to one; leading and trailing ones vanish. */
static void sink_sep(sink *o) {
  if (o->len > 0) o->pending_sep = true;
}

/* Empty the output and report a rejected code point: "<what> U+XXXX at byte N <why>". */
static bm_err reject(sink *o, size_t *out_len, bm_diag *diag, unsigned column, const char *what,
                     uint32_t cp, const char *why) {
  if (o->cap > 0) o->buf[0] = '\0';
  if (out_len != NULL) *out_len = 0;
  return bm_diag_set(diag, BM_ERR_INVALID, "name", 0, column, "%s U+%04lX at byte %u %s", what,
                     (unsigned long)cp, column, why);
}

/* ---- mrz_translit ---------------------------------------------------------------------------- */

bm_err mrz_translit(const char *utf8, size_t len, char *out, size_t cap, size_t *out_len,
                    bm_diag *diag) {
  if (out_len != NULL) *out_len = 0;
  if ((utf8 == NULL && len > 0) || (out == NULL && cap > 0))
    return bm_diag_set(diag, BM_ERR_USAGE, "name", 0, 0, "mrz_translit: NULL buffer");
  if (cap > 0) out[0] = '\0';
  if (len > MRZ_TRANSLIT_INPUT_BYTES_MAX)
    return bm_diag_set(diag, BM_ERR_LIMIT, "name", 0, 0,
                       "name is %zu bytes long, more than the limit of %d bytes", len,
                       MRZ_TRANSLIT_INPUT_BYTES_MAX);

  const unsigned char *s = (const unsigned char *)utf8;
  sink o = {out, cap, 0, false};
  script prev = SCRIPT_NONE; /* script of the letter the next combining mark would belong to */
  char umlaut = 0;           /* ASCII A/O/U just written: a following U+0308/U+030A extends it */
  bool after_omicron = false;

  size_t i = 0;
  while (i < len) {
    uint32_t cp;
    size_t used;
    unsigned column = (unsigned)i + 1;
    u8_status st = u8_decode(s + i, len - i, &cp, &used);
    if (st != U8_OK) {
      if (o.cap > 0) o.buf[0] = '\0';
      if (out_len != NULL) *out_len = 0;
      return bm_diag_set(diag, BM_ERR_INVALID, "name", 0, column, "malformed UTF-8 at byte %u: %s",
                         column, u8_status_text(st));
    }
    cp_map m;
    classify(cp, &m);
    switch (m.kind) {
    case K_REJECT:
      return reject(&o, out_len, diag, column, block_hint(cp), cp,
                    "has no ICAO Doc 9303 transliteration");
    case K_MARK:
      if (prev == SCRIPT_NONE)
        return reject(&o, out_len, diag, column, "combining mark", cp, "does not follow a letter");
      if (prev == SCRIPT_GREEK && cp != 0x0301u && cp != 0x0308u && cp != 0x0344u)
        return reject(&o, out_len, diag, column, "combining mark", cp,
                      "is not used in monotonic Greek");
      /* NFD input: a + U+0308 is Ä (AE), a + U+030A is Å (AA), as the precomposed letters. */
      if (umlaut != 0 && cp == 0x0308u) {
        sink_letters(&o, "E");
        umlaut = 0;
      } else if (umlaut == 'A' && cp == 0x030Au) {
        sink_letters(&o, "A");
        umlaut = 0;
      }
      break; /* after_omicron survives marks: ό in NFD is ο + U+0301 */
    case K_LETTERS:
    case K_DIGIT: {
      const char *letters = m.letters;
      if (m.script == SCRIPT_GREEK && after_omicron && greek_is_upsilon(cp) &&
          !next_marks_have_diaeresis(s + i + used, len - i - used))
        letters = "U"; /* ΟΥ -> OU; a dialytika (ϋ, or υ + U+0308) keeps the letters apart */
      sink_letters(&o, letters);
      prev = m.script;
      umlaut = (cp == 'A' || cp == 'a')   ? 'A'
               : (cp == 'O' || cp == 'o') ? 'O'
               : (cp == 'U' || cp == 'u') ? 'U'
                                          : 0;
      after_omicron = greek_is_omicron(cp);
      break;
    }
    case K_SEP:
      sink_sep(&o);
      prev = SCRIPT_NONE;
      umlaut = 0;
      after_omicron = false;
      break;
    case K_DROP:
      /* An apostrophe joins the parts around it (O'Brien -> OBRIEN) but a mark after it belongs
       * to nothing. */
      prev = SCRIPT_NONE;
      umlaut = 0;
      after_omicron = false;
      break;
    }
    i += used;
  }
  if (o.cap > 0) o.buf[o.len < o.cap ? o.len : o.cap - 1] = '\0';
  if (out_len != NULL) *out_len = o.len;
  return BM_OK;
}
