#!/usr/bin/env bash
# Golden tests of `bmis paxlst parse` (DESIGN.md 5.3) over tests/data/edifact.
# usage: paxlst.sh PATH/TO/bmis   (BMIS_UPDATE_GOLDEN=1 rewrites the expected files; review the diff)
set -u
BMIS=${1:?path to bmis}
HERE=$(cd "$(dirname "$0")" && pwd)
D="$HERE/paxlst"
DATA="$HERE/../data/edifact"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0; passes=0
ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
check() { if [ "$2" = "$3" ]; then ok; else bad "$1: got '$3', want '$2'"; fi; }
expect_status() { # name want got
  if [ "$2" = "$3" ]; then ok; else bad "$1: exit status $3, want $2"; fi
}
golden() { # name expected-file actual-file
  if [ "${BMIS_UPDATE_GOLDEN:-}" = 1 ]; then cp "$3" "$2"; fi
  if diff -u "$2" "$3" >"$TMP/diff"; then ok; else bad "$1 differs from $(basename "$2"):"; head -40 "$TMP/diff"; fi
}

# 1. Every sample, lenient (the default): exit status and golden JSON, one object per message.
#    name file lenient-status strict-status
while read -r name file lenient strict; do
  "$BMIS" paxlst parse --today 2026-11-23 "$DATA/$file" >"$TMP/$name.jsonl" 2>"$TMP/err"
  expect_status "$name lenient" "$lenient" $?
  golden "$name" "$D/$name.jsonl" "$TMP/$name.jsonl"
  "$BMIS" paxlst parse --strict --today 2026-11-23 "$DATA/$file" >"$TMP/$name.strict.jsonl" 2>"$TMP/err"
  expect_status "$name strict" "$strict" $?
  # Strict mode reads the same data: only the severities move from warnings to errors.
  if grep -q '"warnings":\[{' "$TMP/$name.strict.jsonl"; then bad "$name strict: warnings left"; else ok; fi
done <<'LIST'
gtas_test1 gtas/Test1.txt 0 1
gtas_test3 gtas/Test3.txt 0 1
gtas_airline2 gtas/airline2.edi 0 1
gtas_multi_leg gtas/multiple_flight_leg_apis.txt 0 1
gtas_apis_message gtas/apisMessage.txt 0 1
wco_utf8 minelytics/text_001_wco_sample_paxlst.txt 0 1
wco_latin1 minelytics/API_50157_YY123_IAD_BRU_20200506.txt 0 1
release_chars generated/release_chars.edi 0 1
una_separators generated/una_separators.edi 0 0
latin1_unoc generated/latin1_unoc.edi 0 0
utf8_unoy generated/utf8_unoy.edi 0 0
split_parts generated/split_parts.edi 0 1
broken generated/broken.edi 1 1
LIST

# 2. The DESIGN.md 5.3 keys are all there.
head -1 "$TMP/gtas_test1.jsonl" | python3 -c '
import json, sys
m = json.loads(sys.stdin.readline())
for k in ["interchange", "message_ref", "part", "last_part", "list_type", "flight", "persons", "warnings", "errors"]:
    assert k in m, k
for k in ["sender", "recipient", "control_ref"]: assert k in m["interchange"], k
for k in ["carrier", "number", "departure_airport", "departure_time", "arrival_airport", "arrival_time"]:
    assert k in m["flight"], k
p = m["persons"][0]
for k in ["surname", "given_names", "sex", "birth_date", "nationality", "residence_country", "role", "documents"]:
    assert k in p, k
for k in ["type", "number", "issuing_state", "expiry_date"]: assert k in p["documents"][0], k
w = m["warnings"][0]
assert isinstance(w["segment"], int) and w["tag"], w
' && ok || bad "contract keys"

# 3. Several files in one call: the messages of each, in order; stdin and '-'.
"$BMIS" paxlst parse --today 2026-11-23 "$DATA/generated/utf8_unoy.edi" "$DATA/generated/split_parts.edi" >"$TMP/two.jsonl"
expect_status "two files" 0 $?
[ "$(wc -l <"$TMP/two.jsonl")" -eq 4 ] && ok || bad "two files: want 4 messages"
"$BMIS" paxlst parse --today 2026-11-23 <"$DATA/generated/utf8_unoy.edi" >"$TMP/stdin.jsonl"
expect_status "stdin" 0 $?
diff -q "$TMP/stdin.jsonl" "$D/utf8_unoy.jsonl" >/dev/null && ok || bad "stdin differs from file"
"$BMIS" paxlst parse --today 2026-11-23 - <"$DATA/generated/utf8_unoy.edi" >"$TMP/dash.jsonl"
diff -q "$TMP/dash.jsonl" "$D/utf8_unoy.jsonl" >/dev/null && ok || bad "'-' differs from file"

# 4. No message at all: exit 1, reason on stderr.
echo 'just some text' | "$BMIS" paxlst parse >"$TMP/out" 2>"$TMP/err"
expect_status "no message" 1 $?
grep -q 'no message' "$TMP/err" && [ ! -s "$TMP/out" ] && ok || bad "no message: stderr $(cat "$TMP/err")"

# 5. Usage and I/O errors -> 2.
"$BMIS" paxlst parse --bogus </dev/null >/dev/null 2>&1
expect_status "unknown option" 2 $?
"$BMIS" paxlst parse "$TMP/does-not-exist" >/dev/null 2>"$TMP/err"
expect_status "missing file" 2 $?
grep -q 'does-not-exist' "$TMP/err" && ok || bad "missing file: message should name the file"
"$BMIS" paxlst frobnicate >/dev/null 2>&1
expect_status "unknown subcommand" 2 $?
"$BMIS" paxlst >/dev/null 2>&1
expect_status "no subcommand" 2 $?
"$BMIS" paxlst parse --help | grep -q -- '--strict' && ok || bad "paxlst parse --help"
"$BMIS" --help | grep -q 'paxlst' && ok || bad "--help lists paxlst"

# 6. screen: every person against a list (a name hit, a document hit, no hit), exit 1 on hits.
"$BMIS" paxlst screen --list test="$D/screen_list.jsonl" --today 2026-11-23 "$DATA/generated/release_chars.edi" >"$TMP/screen.jsonl" 2>"$TMP/err"
expect_status "screen hits" 1 $?
golden "screen" "$D/screen_expected.jsonl" "$TMP/screen.jsonl"
"$BMIS" paxlst screen --list "$D/screen_list.jsonl" <"$DATA/generated/utf8_unoy.edi" >"$TMP/out" 2>"$TMP/err"
expect_status "screen no hits" 0 $?
grep -q '"hits":\[\]' "$TMP/out" && ok || bad "screen no hits: $(cat "$TMP/out")"
"$BMIS" paxlst screen "$DATA/generated/utf8_unoy.edi" >/dev/null 2>&1
expect_status "screen without --list" 2 $?

# 7. assemble: split flights across files; a complete set, a first part alone, a last part alone.
"$BMIS" paxlst assemble "$DATA/generated/split_parts.edi" >"$TMP/asm.jsonl" 2>"$TMP/err"
expect_status "assemble complete" 0 $?
check "three parts, complete" "1,2,3 3 true 5" "$(jq -r '"\([.parts[].part] | join(",")) \(.last_part) \(.complete) \(.persons)"' "$TMP/asm.jsonl")"
"$BMIS" paxlst assemble "$DATA/generated/split_parts.edi" "$DATA/gtas/Test3.txt" "$DATA/gtas/airline2.edi" >"$TMP/asm.jsonl" 2>"$TMP/err"
expect_status "assemble incomplete" 1 $?
golden "assemble" "$D/assemble.jsonl" "$TMP/asm.jsonl"
check "three flights" 3 "$(wc -l <"$TMP/asm.jsonl" | tr -d ' ')"
check "a first part without its final part" "false no final part (F) received; highest part so far 1" \
  "$(jq -r 'select(.common_access_ref == "ABC01") | "\(.complete) \(.errors[0].message)"' "$TMP/asm.jsonl")"
check "nine parts missing before part 10" 9 "$(jq -r 'select(.common_access_ref == "AA346") | .errors | length' "$TMP/asm.jsonl")"
"$BMIS" paxlst assemble --bogus </dev/null >/dev/null 2>&1
expect_status "assemble unknown option" 2 $?

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
