#!/usr/bin/env bash
# Golden tests of `bmis screen` (DESIGN.md 5.2).
# usage: screen.sh PATH/TO/bmis   (BMIS_UPDATE_GOLDEN=1 rewrites the expected files; review the diff)
set -u
BMIS=${1:?path to bmis}
. "$(dirname "$0")/lib/common.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
D="$HERE/screen"
W="$HERE/../data/watchlists"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
line() { sed -n "$1p" "$2"; } # N file

# 1. The DESIGN.md 5.2 shape: one object per query line, in order, blank lines skipped, bad lines
#    reported in place; issues of the list on stderr; exit 1 as there are hits.
"$BMIS" screen --list "$D/list.jsonl" "$D/queries.jsonl" >"$TMP/out.jsonl" 2>"$TMP/err"
expect_status "queries" 1 $?
golden "queries" "$D/expected.jsonl" "$TMP/out.jsonl"
n=$(wc -l <"$TMP/out.jsonl")
[ "$n" -eq 12 ] && ok || bad "queries: $n objects, want 12 (13 lines, one blank)"
want='{"id":"q1","hits":[{"list":"list","entry_id":"N-0003","score":0.99,"matched_name":"Anna Maria ERIKSON","reasons":["name 0.99: ANNA=ANNA, MARIA=MARIA, ERIKSSON=ERIKSON","birth_date exact","nationality differs"]}]}'
[ "$(line 1 "$TMP/out.jsonl")" = "$want" ] && ok || bad "q1: got $(line 1 "$TMP/out.jsonl")"
# every line is JSON with exactly the keys of the contract
if command -v python3 >/dev/null; then
  python3 - "$TMP/out.jsonl" <<'EOF' && ok || bad "output is not the DESIGN 5.2 shape"
import json, sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    if "error" in o:
        assert set(o) == {"id", "error"} and o["error"].startswith("line "), o
        continue
    assert list(o) == ["id", "hits"], o
    for h in o["hits"]:
        assert list(h) == ["list", "entry_id", "score", "matched_name", "reasons"], h
        assert 0 <= h["score"] <= 1 and all(isinstance(r, str) for r in h["reasons"])
    scores = [h["score"] for h in o["hits"]]
    assert scores == sorted(scores, reverse=True), scores
EOF
fi
# bad lines: the line number and the field, and the rest goes on
has "bad date" "$TMP/out.jsonl" '"id":"q6","error":"line 6: birth_date: '
has "not an object" "$TMP/out.jsonl" '"id":null,"error":"line 10: '
has "bad country" "$TMP/out.jsonl" '"id":"q11","error":"line 11: nationality: '
has "no name" "$TMP/out.jsonl" '"id":"q12","error":"line 12: name: '
has "after bad lines" "$TMP/out.jsonl" '"id":"q13","hits":\[{"list":"list","entry_id":"N-0001"'
has "bad lines counted" "$TMP/err" '4 lines not screened'
# the document lane: O for 0 in an OCR'd number, any name
has "document lane" "$TMP/out.jsonl" '"id":"q4","hits":\[{"list":"list","entry_id":"N-0002","score":1.00,"matched_name":null,"reasons":\["document number and country match"\]'
# a different passport of the same country lowers the score
has "document conflict" "$TMP/out.jsonl" 'document differs (same type and country)'
# an unrelated traveller
has "no hits" "$TMP/out.jsonl" '"id":"q5","hits":\[\]'

# 2. Exit status 0 without hits; stdin and '-'.
line 5 "$D/queries.jsonl" | "$BMIS" screen --list "$D/list.jsonl" >"$TMP/one" 2>/dev/null
expect_status "no hits" 0 $?
[ "$(cat "$TMP/one")" = '{"id":"q5","hits":[]}' ] && ok || bad "stdin: got $(cat "$TMP/one")"
line 2 "$D/queries.jsonl" | "$BMIS" screen --list "$D/list.jsonl" - >"$TMP/one" 2>/dev/null
expect_status "stdin -" 1 $?
has "stdin -" "$TMP/one" '"id":"q2","hits":\[{"list":"list","entry_id":"N-0001","score":1.00'
: | "$BMIS" screen --list "$D/list.jsonl" >"$TMP/one" 2>/dev/null
expect_status "empty input" 0 $?
[ ! -s "$TMP/one" ] && ok || bad "empty input: output not empty"

# 3. NAME=FILE names the list; several lists.
line 2 "$D/queries.jsonl" | "$BMIS" screen --list natl="$D/list.jsonl" --list=other="$D/list.jsonl" >"$TMP/one" 2>/dev/null
expect_status "named lists" 1 $?
has "named list" "$TMP/one" '"list":"natl","entry_id":"N-0001"'
has "second list" "$TMP/one" '"list":"other","entry_id":"N-0001"'

# 4. --limit and --threshold.
echo '{"id":"p","name":"Ivan Petrov"}' | "$BMIS" screen --list "$D/list.jsonl" --threshold 0.5 >"$TMP/all" 2>/dev/null
expect_status "threshold 0.5" 1 $?
nall=$(grep -o '"entry_id"' "$TMP/all" | wc -l)
[ "$nall" -ge 2 ] && ok || bad "threshold 0.5: $nall hits, want at least 2"
echo '{"id":"p","name":"Ivan Petrov"}' | "$BMIS" screen --list "$D/list.jsonl" --threshold 0.5 --limit 1 >"$TMP/lim" 2>/dev/null
nlim=$(grep -o '"entry_id"' "$TMP/lim" | wc -l)
[ "$nlim" -eq 1 ] && ok || bad "limit 1: $nlim hits"
has "limit keeps the best" "$TMP/lim" '"entry_id":"N-0001","score":1.00'
echo '{"id":"p","name":"Ivan Petroff"}' | "$BMIS" screen --list "$D/list.jsonl" --threshold 1 >"$TMP/t1" 2>/dev/null
has "threshold 1: exact" "$TMP/t1" '"entry_id":"N-0007","score":1.00'
hasnt "threshold 1: nothing else" "$TMP/t1" 'N-0001'
if command -v python3 >/dev/null; then
  python3 - "$TMP/all" <<'EOF' && ok || bad "threshold: a hit below 0.5"
import json, sys
for l in open(sys.argv[1]):
    assert all(h["score"] >= 0.5 for h in json.loads(l)["hits"])
EOF
fi

# 5. Dispositions: exactly the disposed (traveller, list, entry) goes.
"$BMIS" screen --list national="$D/list.jsonl" --dispositions "$D/dispositions.jsonl" "$D/queries.jsonl" >"$TMP/disp.jsonl" 2>/dev/null
expect_status "dispositions" 1 $?
hasnt "disposed by key" "$TMP/disp.jsonl" '"id":"q2","hits":\[{"list":"national","entry_id":"N-0001"'
hasnt "disposed by inline query" "$TMP/disp.jsonl" '"id":"q1","hits":\[{"list":"national","entry_id":"N-0003"'
hasnt "disposed by query object" "$TMP/disp.jsonl" '"id":"q8","hits":\[{"list":"national","entry_id":"N-0006"'
has "other traveller kept" "$TMP/disp.jsonl" '"id":"q3","hits":\[{"list":"national","entry_id":"N-0001"'
has "other list name not disposed" "$TMP/out.jsonl" '"id":"q2","hits":\[{"list":"list","entry_id":"N-0001"'
echo '{"list":"x"}' >"$TMP/bad_disp.jsonl"
echo '{}' | "$BMIS" screen --list "$D/list.jsonl" --dispositions "$TMP/bad_disp.jsonl" >/dev/null 2>"$TMP/err"
expect_status "bad dispositions" 2 $?
has "bad dispositions names line and field" "$TMP/err" 'bad_disp.jsonl:1: entry_id: '

# 6. Usage and I/O errors -> 2, with a message on stderr and nothing on stdout.
"$BMIS" screen "$D/queries.jsonl" >"$TMP/out" 2>"$TMP/err"
expect_status "no --list" 2 $?
[ -s "$TMP/err" ] && [ ! -s "$TMP/out" ] && ok || bad "no --list: want message on stderr only"
"$BMIS" screen --list "$TMP/does-not-exist.jsonl" </dev/null >"$TMP/out" 2>"$TMP/err"
expect_status "missing list" 2 $?
has "missing list named" "$TMP/err" 'does-not-exist'
"$BMIS" screen --list "$D/list.jsonl" "$TMP/no-queries" >/dev/null 2>"$TMP/err"
expect_status "missing queries" 2 $?
has "missing queries named" "$TMP/err" 'no-queries'
for opt in "--threshold 0" "--threshold 1.5" "--threshold x" "--limit 0" "--limit 101" "--bogus"; do
  # shellcheck disable=SC2086
  "$BMIS" screen --list "$D/list.jsonl" $opt </dev/null >/dev/null 2>&1
  expect_status "bad option $opt" 2 $?
done
echo "hello, world" >"$TMP/hello.txt"
"$BMIS" screen --list "$TMP/hello.txt" </dev/null >/dev/null 2>"$TMP/err"
expect_status "not a watchlist" 2 $?
has "not a watchlist named" "$TMP/err" 'hello.txt'

"$BMIS" screen --list "$W/national.jsonl" </dev/null >/dev/null 2>"$TMP/err"
expect_status "list with issues" 0 $?
has "issues as file:line: field: message" "$TMP/err" 'national.jsonl:5: birth_dates\[0\]: '

# 7. Help documents the command and the dispositions file.
"$BMIS" screen --help >"$TMP/help"
expect_status "--help" 0 $?
"$BMIS" help screen >"$TMP/help2"
expect_status "help screen" 0 $?
has "help: dispositions" "$TMP/help2" 'traveller_key'
has "help: usage" "$TMP/help2" 'Usage: bmis screen --list'
"$BMIS" --help | grep -q '^  screen ' && ok || bad "screen missing from bmis --help"

# 8. The real lists: a listed person found from a typo'd query, a stranger not.
if [ -f "$W/ofac_sdn_2021-07/sdn.csv" ] && [ -f "$W/un_2026-02/UN_consolidated.xml" ]; then
  "$BMIS" screen --list ofac="$W/ofac_sdn_2021-07/sdn.csv" --list un="$W/un_2026-02/UN_consolidated.xml" \
    "$D/typo_queries.jsonl" >"$TMP/real.jsonl" 2>"$TMP/err"
  expect_status "real lists" 1 $?
  has "OFAC finds al-Zawahiri" "$TMP/real.jsonl" '"list":"ofac","entry_id":"2676"'
  has "UN finds al-Zawahiri" "$TMP/real.jsonl" '"list":"un","entry_id":"QDi.006"'
  has "birth date agrees" "$TMP/real.jsonl" 'birth_date exact'
  has "a stranger is not hit" "$TMP/real.jsonl" '"id":"nobody","hits":\[\]'
else
  echo "note: real lists not in tests/data/watchlists; section 8 skipped"
fi

summary
