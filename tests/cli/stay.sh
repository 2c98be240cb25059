#!/usr/bin/env bash
# Golden tests of `bmis stay` (docs/stay-rules.md): the Swiss SEM worked examples through the command
# line, a policy with visa-free, visa-required, exempt and national rules, and the error paths.
# usage: stay.sh PATH/TO/bmis   (BMIS_UPDATE_GOLDEN=1 rewrites the expected files; review the diff)
set -u
BMIS=${1:?path to bmis}
. "$(dirname "$0")/lib/common.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
D="$HERE/stay"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# case NAME STATUS [ARGS...]: run bmis stay --policy policy.json ARGS on stay/NAME.json, compare the
# output with stay/NAME.expected.json and the exit status with STATUS.
case_() {
  local name=$1 want=$2; shift 2
  "$BMIS" stay --policy "$D/policy.json" "$@" "$D/$name.json" >"$TMP/$name.out" 2>"$TMP/$name.err"
  expect_status "$name" "$want" $?
  golden "$name" "$D/$name.expected.json" "$TMP/$name.out"
}

# 1. SEM example 5: overstay of 9 days in the history, re-entry on 30.08.2014 allows 50 days.
case_ sem5_reentry 1 --today 2014-08-30
grep -q '"max_stay":50,"latest_exit":"2014-10-18"' "$TMP/sem5_reentry.out" && ok || bad "sem5: 50 days to 2014-10-18"
grep -q '"overstay":{"first_day":"2014-06-01","last_day":"2014-06-09","days":9' "$TMP/sem5_reentry.out" && ok || bad "sem5: overstay 9 days"

# 2. SEM example 2: ongoing since 01.11.2014, controlled on 30.11.2014: may stay until 13.12.2014.
case_ sem2_ongoing 0 --today 2014-11-30
grep -q '"ongoing":true.*"latest_exit":"2014-12-13"' "$TMP/sem2_ongoing.out" && ok || bad "sem2: until 2014-12-13"

# 3. SEM example 6, still inside on 01.03.2014: overstaying by 74 days.
case_ sem6_overstaying 1 --today 2014-03-01
grep -q '"verdict":"overstaying".*"days":74' "$TMP/sem6_overstaying.out" && ok || bad "sem6: 74 days"

# 4. 90 days used: an entry on day 180 is refused, day 181 is the next entry.
case_ limit_reached 1 --today 2025-07-01
grep -q '"verdict":"limit_reached".*"next_entry":"2025-07-09"' "$TMP/limit_reached.out" && ok || bad "limit: next entry 2025-07-09"

# 5. Visa required (default rule for RUS); with the visa's duration and validity given.
case_ visa 1
grep -q '"verdict":"visa_required"' "$TMP/visa.out" && ok || bad "visa: visa_required"
case_ visa_granted 0
grep -q '"max_stay":10,"latest_exit":"2026-05-10"' "$TMP/visa_granted.out" && ok || bad "visa granted: capped at visa_until"

# 6. Exempt (D = Germany): no limit after 485 days.
case_ exempt 0 --today 2026-04-30
grep -q '"rule":{"rule":"exempt","days":null,"window":null,"source":"listed"}' "$TMP/exempt.out" && ok || bad "exempt rule"

# 7. --nationality overrides the file; the national 180/365 rule for UTO; no policy = Schengen for all.
"$BMIS" stay --policy "$D/policy.json" --nationality uto --today 2026-04-20 "$D/visa.json" >"$TMP/uto.out"
expect_status "--nationality" 0 $?
grep -q '"nationality":"UTO","rule":{"rule":"visa_free","days":180,"window":365' "$TMP/uto.out" && ok || bad "--nationality UTO: $(cat "$TMP/uto.out")"
"$BMIS" stay "$D/visa.json" >"$TMP/nopolicy.out"
expect_status "no policy" 0 $?
grep -q '"rule":{"rule":"visa_free","days":90,"window":180,"source":"default"}' "$TMP/nopolicy.out" && ok || bad "no policy: Schengen default"

# 8. Stdin and '-' are the same as a file; "today" from the file unless --today is given.
"$BMIS" stay --policy "$D/policy.json" - <"$D/visa_granted.json" | cmp -s - "$D/visa_granted.expected.json" && ok || bad "stdin '-'"
"$BMIS" stay --policy "$D/policy.json" <"$D/visa_granted.json" | cmp -s - "$D/visa_granted.expected.json" && ok || bad "stdin"
"$BMIS" stay --policy "$D/policy.json" --today 2026-04-30 "$D/visa_granted.json" | grep -q '"today":"2026-04-30"' && ok || bad "--today overrides"

# 9. Input that cannot be evaluated: exit 2, nothing on stdout, the JSON path on stderr.
err_case() { # name want-stderr-substring ARGS...
  local name=$1 want=$2; shift 2
  "$BMIS" stay "$@" >"$TMP/out" 2>"$TMP/err"
  expect_status "$name" 2 $?
  [ ! -s "$TMP/out" ] && ok || bad "$name: nothing expected on stdout: $(cat "$TMP/out")"
  grep -qF -- "$want" "$TMP/err" && ok || bad "$name: stderr should contain '$want': $(cat "$TMP/err")"
}
err_case "overlapping stays" "stays[1].entry" --today 2026-04-20 "$D/overlap.json"
err_case "bad policy" "rules[1].nationalities[1]" --policy "$D/bad_policy.json" "$D/visa.json"
err_case "missing file" "does-not-exist" "$TMP/does-not-exist"
err_case "missing policy" "nope.json" --policy "$TMP/nope.json" "$D/visa.json"
echo '{"entry":"2026-02-30"}' >"$TMP/baddate.json"
err_case "bad date" "entry" "$TMP/baddate.json"
echo '{"entry":' >"$TMP/broken.json"
err_case "broken JSON" "invalid JSON" "$TMP/broken.json"
echo '{"stays":[]}' >"$TMP/noentry.json"
err_case "nothing to assess" "entry" --today 2026-01-01 "$TMP/noentry.json"
err_case "unknown option" "--bogus" --bogus
err_case "bad --today" "--today" --today 2026-13-01 "$D/visa.json"
err_case "bad --nationality" "--nationality" --nationality 12 "$D/visa.json"
err_case "missing value" "--policy" --policy
err_case "two files" "one FILE" "$D/visa.json" "$D/exempt.json"

# 10. Help.
"$BMIS" stay --help | grep -q -- '--policy FILE' && ok || bad "stay --help"
"$BMIS" help stay | grep -q 'bmis stay' && ok || bad "help stay"
"$BMIS" --help | grep -q '^  stay ' && ok || bad "--help lists stay"

summary
