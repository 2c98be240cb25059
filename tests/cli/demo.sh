#!/usr/bin/env bash
# Tests of `bmis demo`: creates a demo database, prints the logins and the try set, refuses to
# overwrite without --force.
# usage: demo.sh PATH/TO/bmis
set -u
BMIS=${1:?path to bmis}
. "$(dirname "$0")/lib/common.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
DATA="$HERE/../../demo"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# 1. Create: exit 0, logins of every role, the public-password warning, lists, try set.
"$BMIS" demo --db "$TMP/x.db" --data "$DATA" --seed 5 --end-date 2026-06-30 --travellers 400 \
  >"$TMP/out" 2>"$TMP/err"
expect_status "create" 0 $?
[ -s "$TMP/err" ] && bad "create: unexpected stderr: $(cat "$TMP/err")" || ok
for role in officer supervisor analyst administrator dpo api_client; do has "role $role" "$TMP/out" " $role "; done
has "officer password" "$TMP/out" "officer-demo-2026"
has "warning" "$TMP/out" "never use them in production"
for l in national sltd un ofac; do has "list $l" "$TMP/out" "^    $l "; done
[ -f "$TMP/x.db" ] && ok || bad "no database file"
[ -f "$TMP/x.db.watchlists/national.jsonl" ] && [ -f "$TMP/x.db.watchlists/sltd.jsonl" ] \
  && [ -f "$TMP/x.db.watchlists/ofac_sdn_2021-07/sdn.csv" ] \
  && [ -f "$TMP/x.db.watchlists/ofac_sdn_2021-07/alt.csv" ] \
  && [ -f "$TMP/x.db.watchlists/un_2026-02/UN_consolidated.xml" ] && ok || bad "list files missing"

# 2. The try set: JSON Lines on stdout after the logins, the same lines in x.db.try.jsonl.
grep '^{"label":' "$TMP/out" >"$TMP/try.stdout"
n=$(wc -l <"$TMP/try.stdout")
[ "$n" -ge 5 ] && ok || bad "try set: $n lines, want at least 5"
if diff -q "$TMP/try.stdout" "$TMP/x.db.try.jsonl" >/dev/null; then ok; else bad "try file differs from stdout"; fi
for label in clean clean-id-card national-alert lost-stolen-document overstayer refused-before; do
  has "try $label" "$TMP/try.stdout" "\"label\":\"$label\""
done
login_line=$(grep -n 'officer-demo-2026' "$TMP/out" | head -1 | cut -d: -f1)
try_line=$(grep -n '^{"label":' "$TMP/out" | head -1 | cut -d: -f1)
[ "$login_line" -lt "$try_line" ] && ok || bad "the logins come before the try set"

# 3. The try MRZs pass `bmis mrz check` (the "\n" in the JSON string separates the lines).
sed -e 's/.*"mrz":"\([^"]*\)".*/\1/' -e 's/\\n/|/g' "$TMP/try.stdout" >"$TMP/mrz.txt"
"$BMIS" mrz check --today 2026-06-30 "$TMP/mrz.txt" >"$TMP/check.jsonl"
expect_status "try MRZs valid" 0 $?
[ "$(grep -c '"valid":true' "$TMP/check.jsonl")" -eq "$n" ] && ok || bad "not every try MRZ is valid"

# 4. The lists load (bmis watchlist stats reads the copies).
if "$BMIS" watchlist stats "$TMP/x.db.watchlists/national.jsonl" >"$TMP/stats" 2>&1; then ok
else bad "national list does not load: $(head -3 "$TMP/stats")"; fi

# 5. Never overwrite without --force (exit 2, message, the database untouched).
before=$(stat -c %Y "$TMP/x.db")
"$BMIS" demo --db "$TMP/x.db" --data "$DATA" >"$TMP/out2" 2>"$TMP/err2"
expect_status "exists" 2 $?
has "exists message" "$TMP/err2" "force"
[ ! -s "$TMP/out2" ] && ok || bad "exists: stdout should be empty"
[ "$(stat -c %Y "$TMP/x.db")" = "$before" ] && ok || bad "exists: the database was touched"

# 6. --force replaces it; the same seed gives the same try set.
"$BMIS" demo --db "$TMP/x.db" --data "$DATA" --seed 5 --end-date 2026-06-30 --travellers 400 --force \
  >"$TMP/out3" 2>"$TMP/err3"
expect_status "force" 0 $?
grep '^{"label":' "$TMP/out3" >"$TMP/try3"
if diff -q "$TMP/try.stdout" "$TMP/try3" >/dev/null; then ok; else bad "same seed, different try set"; fi
[ -f "$TMP/x.db.watchlists/national.jsonl" ] && ok || bad "force: list folder not recreated"

# 7. Usage errors -> 2.
"$BMIS" demo --bogus >/dev/null 2>&1
expect_status "unknown option" 2 $?
"$BMIS" demo --db "$TMP/y.db" --data "$TMP/nowhere" >/dev/null 2>"$TMP/err4"
expect_status "missing data" 2 $?
has "missing data message" "$TMP/err4" "nowhere"
[ ! -e "$TMP/y.db" ] && [ ! -e "$TMP/y.db.watchlists" ] && ok || bad "missing data: half-made demo left behind"
"$BMIS" demo --db "$TMP/z.db" --end-date 2026-02-30 >/dev/null 2>&1
expect_status "bad date" 2 $?
"$BMIS" demo --help >"$TMP/help"
expect_status "help" 0 $?
has "help" "$TMP/help" "Usage: bmis demo"

summary
