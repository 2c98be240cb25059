#!/usr/bin/env bash
# Golden tests of `bmis watchlist stats` (docs/watchlists.md).
# usage: watchlist_stats.sh PATH/TO/bmis   (BMIS_UPDATE_GOLDEN=1 rewrites the expected files; review the diff)
set -u
BMIS=${1:?path to bmis}
. "$(dirname "$0")/lib/common.sh"
BMIS=$(cd "$(dirname "$BMIS")" && pwd)/$(basename "$BMIS")
HERE=$(cd "$(dirname "$0")" && pwd)
D="$HERE/watchlist"
DATA="${BMIS_TESTS:-$HERE/..}/data/watchlists"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# Timings and memory differ from run to run and machine to machine: blank them out.
stable() { sed -E 's/"load_seconds":[0-9.e+-]+/"load_seconds":0/; s/"memory_bytes":[0-9]+/"memory_bytes":0/; s/"max_rss_bytes":[0-9]+/"max_rss_bytes":0/'; }

cd "$DATA" || { echo "no fixtures in $DATA"; exit 1; }

# 1. One JSON object per file, in argument order; JSONL errors listed with line and field; a skipped
#    record makes the exit status 1.
"$BMIS" watchlist stats national.jsonl ofac_excerpt/sdn.csv un_excerpt.xml >"$TMP/out.jsonl" 2>"$TMP/err"
expect_status "three formats" 1 $?
stable <"$TMP/out.jsonl" >"$TMP/stable.jsonl"
golden "three formats" "$D/stats_expected.jsonl" "$TMP/stable.jsonl"
[ "$(wc -l <"$TMP/out.jsonl")" -eq 3 ] && ok || bad "want 3 lines of output"
[ ! -s "$TMP/err" ] && ok || bad "nothing on stderr when files load: $(cat "$TMP/err")"
grep -q '"load_seconds":[0-9]' "$TMP/out.jsonl" && grep -q '"max_rss_bytes":[1-9]' "$TMP/out.jsonl" && ok \
  || bad "load_seconds and max_rss_bytes must be reported"

# 2. Files with no skipped record: exit 0 (issues alone do not fail). NAME=FILE names the list.
"$BMIS" watchlist stats un=un_excerpt.xml ofac_excerpt/sdn.csv >"$TMP/ok.jsonl"
expect_status "no skipped records" 0 $?
grep -q '"list":"un"' "$TMP/ok.jsonl" && ok || bad "NAME=FILE should name the list"
grep -q '"format":"ofac-sdn".*"file":"ofac_excerpt/alt.csv","line":89' "$TMP/ok.jsonl" && ok \
  || bad "the orphan alias of alt.csv should be reported with its file and line"

# 3. The full real lists load completely.
"$BMIS" watchlist stats ofac_sdn_2021-07/sdn.csv un_2026-02/UN_consolidated.xml ofac_cons_2025-12/cons_prim.csv >"$TMP/full.jsonl"
expect_status "full lists" 0 $?
grep -q '"records":8976,"loaded":8976,"skipped":0,"entries":{"person":4620,' "$TMP/full.jsonl" && ok || bad "OFAC 2021-07 counts"
grep -q '"records":1003,"loaded":1003,"skipped":0,"entries":{"person":730,"entity":273,' "$TMP/full.jsonl" && ok || bad "UN 2026-02 counts"
grep -q '"records":442,"loaded":442,"skipped":0,"entries":{"person":79,' "$TMP/full.jsonl" && ok || bad "OFAC consolidated counts"

# 4. Text output.
"$BMIS" watchlist stats --text national.jsonl >"$TMP/text" 2>&1
expect_status "text" 1 $?
grep -q 'records 14, loaded 8, skipped 6' "$TMP/text" && ok || bad "text summary: $(head -3 "$TMP/text")"
grep -q 'national.jsonl:5: birth_dates\[0\]: not a date' "$TMP/text" && ok || bad "text issue line"

# 5. Forced format; malformed input keeps its good records.
printf '%s\n' '{"id":"a","names":["A B"]}' '{"id":' '{"id":"c","names":["C D"]}' >"$TMP/broken.txt"
"$BMIS" watchlist stats --format jsonl "$TMP/broken.txt" >"$TMP/out" 2>&1
expect_status "broken jsonl" 1 $?
grep -q '"loaded":2,"skipped":1' "$TMP/out" && grep -q '"line":2,"field":"","message":"not JSON' "$TMP/out" && ok \
  || bad "broken JSONL: $(cat "$TMP/out")"
head -c 3000 un_excerpt.xml >"$TMP/cut.xml"
"$BMIS" watchlist stats "$TMP/cut.xml" >"$TMP/out" 2>&1
expect_status "truncated XML" 1 $?
grep -q '"message":"XML: ' "$TMP/out" && ok || bad "truncated XML should be reported: $(cat "$TMP/out")"

# 6. Usage and I/O errors -> 2, with a message on stderr.
"$BMIS" watchlist stats >/dev/null 2>"$TMP/err"
expect_status "no file" 2 $?
[ -s "$TMP/err" ] && ok || bad "no file: want a message"
"$BMIS" watchlist stats --bogus national.jsonl >/dev/null 2>&1
expect_status "unknown option" 2 $?
"$BMIS" watchlist stats --format xml national.jsonl >/dev/null 2>&1
expect_status "bad --format" 2 $?
"$BMIS" watchlist stats "$TMP/does-not-exist" >"$TMP/out" 2>"$TMP/err"
expect_status "missing file" 2 $?
grep -q 'does-not-exist' "$TMP/err" && [ ! -s "$TMP/out" ] && ok || bad "missing file: message should name the file"
"$BMIS" watchlist stats README.md >/dev/null 2>"$TMP/err"
expect_status "not a watchlist" 2 $?
grep -q 'README.md' "$TMP/err" && ok || bad "not a watchlist: message should name the file"
"$BMIS" watchlist stats "$TMP/does-not-exist" national.jsonl >"$TMP/out" 2>/dev/null
expect_status "missing file among good ones" 2 $?
[ "$(wc -l <"$TMP/out")" -eq 1 ] && ok || bad "the readable file is still described"
"$BMIS" watchlist frobnicate >/dev/null 2>&1
expect_status "unknown subcommand" 2 $?
"$BMIS" watchlist >/dev/null 2>&1
expect_status "no subcommand" 2 $?

# 7. Help.
"$BMIS" watchlist --help >"$TMP/help"
expect_status "--help" 0 $?
grep -q 'Usage: bmis watchlist stats' "$TMP/help" && ok || bad "help text"
"$BMIS" watchlist stats --help >/dev/null
expect_status "stats --help" 0 $?
"$BMIS" help watchlist >/dev/null
expect_status "help watchlist" 0 $?
"$BMIS" --help | grep -q '^  watchlist ' && ok || bad "watchlist missing from bmis --help"

summary
