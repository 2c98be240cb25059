#!/usr/bin/env bash
# Golden tests of `bmis paxlst respond` (the interactive API answer, UN/EDIFACT CUSRES D:05B) over
# tests/cli/paxlst/respond.edi and the samples of tests/data/edifact, screened against the synthetic
# national list of tests/data/watchlists.
# usage: paxlst_respond.sh PATH/TO/bmis   (BMIS_UPDATE_GOLDEN=1 rewrites the expected files)
set -u
BMIS=${1:?path to bmis}
HERE=$(cd "$(dirname "$0")" && pwd)
D="$HERE/paxlst"
DATA="$HERE/../data/edifact"
LIST="national=$HERE/../data/watchlists/national.jsonl"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
. "$HERE/lib/common.sh"
T=2026-11-20T09:00

# Every interchange of a CUSRES output file, checked without the project's reader: UNA first, one
# UNH..UNT with the right segment count and references, UNZ+1 with the UNB's control reference,
# release characters only before service characters.
check_cusres() { # name file want-interchanges
  python3 - "$2" "$3" <<'PY' && ok || bad "$1: CUSRES structure"
import sys
data = open(sys.argv[1], "rb").read().decode("latin-1")
want = int(sys.argv[2])
segs, cur, i = [], "", 0
while i < len(data):
    c = data[i]
    if cur.strip("\n") == "" and data.startswith("UNA", i):
        segs.append(data[i:i + 8]); i += 9; continue
    if c == "?":
        assert data[i + 1] in ":+?'", "release before an ordinary character"
        cur += c + data[i + 1]; i += 2; continue
    if c == "'":
        segs.append(cur.strip("\n")); cur = ""
    else:
        cur += c
    i += 1
assert cur.strip() == "", "unterminated"
n = 0
while segs:
    una = segs.pop(0)
    assert una == "UNA:+.? ", una
    unb = segs.pop(0).split("+")
    assert unb[0] == "UNB" and unb[1][:3] == "UNO" and unb[1][4:] == ":4", unb
    unh = segs.pop(0).split("+")
    assert unh[0] == "UNH" and unh[2] == "CUSRES:D:05B:UN:IATA", unh
    count = 1
    while not segs[0].startswith("UNT+"):
        count += 1; segs.pop(0)
    unt = segs.pop(0).split("+")
    assert int(unt[1]) == count + 1 and unt[2] == unh[1], (unt, count)
    unz = segs.pop(0).split("+")
    assert unz == ["UNZ", "1", unb[5]], (unz, unb)
    n += 1
assert n == want, (n, want)
PY
}

# 1. One message with a no-board passenger (document hit), one with insufficient data (no birth
#    date), one board, and one board despite a weak hit (0.87 < 0.90); a second message all board.
"$BMIS" paxlst respond --list "$LIST" --time $T "$D/respond.edi" >"$TMP/respond.cusres" 2>"$TMP/err"
expect_status "respond" 1 $?
golden "respond" "$D/respond.cusres" "$TMP/respond.cusres"
check_cusres "respond" "$TMP/respond.cusres" 2
check "respond no board" 1 "$(grep -c '^ERC+1Z' "$TMP/respond.cusres")"
check "respond insufficient" 1 "$(grep -c '^ERC+2Z' "$TMP/respond.cusres")"
check "respond board" 3 "$(grep -c '^ERC+0Z' "$TMP/respond.cusres")"
has "respond insufficient text" "$TMP/respond.cusres" "FTX+AAP+++INSUFFICIENT DATA?: BIRTH DATE'"
has "respond escaped reference" "$TMP/respond.cusres" "RFF+ABO:PAX?+1'"
has "respond list issues on stderr" "$TMP/err" "issues while loading"

# 2. The no-board threshold: at 0.85 the weak hit refuses boarding too.
"$BMIS" paxlst respond --list "$LIST" --time $T --no-board-threshold 0.85 "$D/respond.edi" >"$TMP/out" 2>/dev/null
expect_status "no-board threshold" 1 $?
check "no-board threshold" 2 "$(grep -c '^ERC+1Z' "$TMP/out")"
# The screening threshold above the weak hit's score: no hit, board.
"$BMIS" paxlst respond --list "$LIST" --time $T --threshold 0.95 --no-board-threshold 0.85 "$D/respond.edi" >"$TMP/out" 2>/dev/null
check "screening threshold" 1 "$(grep -c '^ERC+1Z' "$TMP/out")"

# 3. Everyone may board: exit 0; --compact writes each interchange on one line; stdin and '-'.
"$BMIS" paxlst respond --list "$LIST" --time $T --compact "$DATA/generated/split_parts.edi" >"$TMP/split.cusres" 2>/dev/null
expect_status "all board" 0 $?
golden "split_parts compact" "$D/split_parts.cusres" "$TMP/split.cusres"
check "compact lines" 3 "$(wc -l <"$TMP/split.cusres")"
check_cusres "split_parts" "$TMP/split.cusres" 3
"$BMIS" paxlst respond --list "$LIST" --time $T --compact <"$DATA/generated/split_parts.edi" >"$TMP/stdin.cusres" 2>/dev/null
expect_status "stdin" 0 $?
cmp -s "$TMP/stdin.cusres" "$D/split_parts.cusres" && ok || bad "stdin differs from file"
"$BMIS" paxlst respond --list "$LIST" --time $T --compact - <"$DATA/generated/split_parts.edi" >"$TMP/dash.cusres" 2>/dev/null
cmp -s "$TMP/dash.cusres" "$D/split_parts.cusres" && ok || bad "'-' differs from file"

# 4. Messages with errors, or without persons, get the acknowledgement (BGM+312, ERC+118).
"$BMIS" paxlst respond --list "$LIST" --time $T "$DATA/generated/broken.edi" >"$TMP/broken.cusres" 2>"$TMP/err"
expect_status "acknowledgement" 1 $?
golden "broken" "$D/broken.cusres" "$TMP/broken.cusres"
check_cusres "broken" "$TMP/broken.cusres" 2
has "errors on stderr" "$TMP/err" "segment 12 DTM: error"
# Strict mode turns the deviations of a real sample into errors: acknowledged, nothing answered.
"$BMIS" paxlst respond --list "$LIST" --time $T --strict "$DATA/gtas/Test1.txt" >"$TMP/out" 2>/dev/null
expect_status "strict" 1 $?
has "strict acknowledgement" "$TMP/out" "^BGM+312'"
hasnt "strict no answers" "$TMP/out" "^ERP+2'"
"$BMIS" paxlst respond --list "$LIST" --time $T "$DATA/gtas/Test1.txt" >"$TMP/out" 2>/dev/null
has "lenient answers" "$TMP/out" "^BGM+962'"
check_cusres "gtas_test1" "$TMP/out" 1

# 5. No message at all: nothing to answer (no parties known), exit 1, reason on stderr.
echo 'just some text' | "$BMIS" paxlst respond --list "$LIST" >"$TMP/out" 2>"$TMP/err"
expect_status "no message" 1 $?
has "no message" "$TMP/err" "no message"
[ ! -s "$TMP/out" ] && ok || bad "no message: stdout not empty"

# 6. Usage and I/O errors -> 2.
"$BMIS" paxlst respond "$D/respond.edi" >/dev/null 2>"$TMP/err"
expect_status "without --list" 2 $?
has "without --list" "$TMP/err" "--list"
"$BMIS" paxlst respond --list "$LIST" --time 2026-11-20 "$D/respond.edi" >/dev/null 2>"$TMP/err"
expect_status "bad --time" 2 $?
has "bad --time" "$TMP/err" "YYYY-MM-DDTHH:MM"
"$BMIS" paxlst respond --list "$LIST" --time 2026-02-30T10:00 "$D/respond.edi" >/dev/null 2>&1
expect_status "impossible --time" 2 $?
"$BMIS" paxlst respond --list "$LIST" --no-board-threshold 1.5 "$D/respond.edi" >/dev/null 2>&1
expect_status "bad --no-board-threshold" 2 $?
"$BMIS" paxlst respond --list "$LIST" --no-board-threshold >/dev/null 2>&1
expect_status "--no-board-threshold without value" 2 $?
"$BMIS" paxlst respond --list "$LIST" --limit 3 "$D/respond.edi" >/dev/null 2>&1
expect_status "--limit is screen's" 2 $?
"$BMIS" paxlst screen --list "$LIST" --time $T "$D/respond.edi" >/dev/null 2>&1
expect_status "--time is respond's" 2 $?
"$BMIS" paxlst respond --list "$LIST" "$TMP/does-not-exist" >/dev/null 2>"$TMP/err"
expect_status "missing file" 2 $?
has "missing file" "$TMP/err" "does-not-exist"
"$BMIS" paxlst respond --list "$TMP/no-list.jsonl" "$D/respond.edi" >/dev/null 2>&1
expect_status "missing list" 2 $?
"$BMIS" paxlst respond --help >"$TMP/out"
expect_status "--help" 0 $?
has "--help" "$TMP/out" "--no-board-threshold"
"$BMIS" paxlst frobnicate >/dev/null 2>"$TMP/err"
has "unknown subcommand names respond" "$TMP/err" "respond"

summary
