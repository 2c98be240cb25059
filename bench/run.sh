#!/usr/bin/env bash
# bench/run.sh BUILDDIR - run every benchmark and its peer side by side, then print one summary.
#
# Each benchmark is a section: a function section_<name> that runs the openbmis benchmark and its
# peer, and records rows with add_row. Add a benchmark by writing its function and listing it in
# SECTIONS. Exit status: 0 when every result verified (speed targets missed are reported as MISSED,
# not as failure), 1 when a checksum or valid-count verification failed or a benchmark could not
# run, 2 on usage errors.
#
# Environment: BENCH_SECONDS (minimum timed seconds per measurement, default 1.5),
#              BENCH_MRZ_COUNT (documents per MRZ format, default 100000),
#              BENCH_EDIFACT_MB (megabytes of the synthetic PAXLST file, default 64),
#              BENCH_SCREEN_DATA (the shared data directory with names/ and watchlists/; default
#                ../shared/data beside the repository; the screening sections are skipped without it),
#              BENCH_SCREEN_ENTRIES (watchlist entries of the speed benchmark, default 1000000),
#              BENCH_SCREEN_TRAVELLERS (travellers screened, default 100000),
#              BENCH_SCREEN_BRUTE (travellers of the brute-force peer, default 40),
#              BENCH_SCREEN_PEER (travellers of the fuzzball peer, default 10),
#              BENCH_STORE_THREADS (writer threads of store_bench, default 64),
#              BENCH_SERVE_CROSSINGS (crossings stored for the load benchmark, default 10000000),
#              BENCH_SERVE_RATE, BENCH_SERVE_SECONDS, ... (bench/serve_bench.sh lists them all),
#              BENCH_API_FLIGHTS, BENCH_API_ENTRIES (timed flights and list entries of api_bench,
#                default 50 and 1000000),
#              BENCH_SECTIONS (space-separated sections to run, e.g. BENCH_SECTIONS=edifact;
#                default: every section listed in SECTIONS below).
# Peers are npm packages pinned in bench/peers/<name>/package-lock.json and installed with `npm ci`
# on first use; node and npm are needed only here, never for `make test`.
set -u -o pipefail

if [ $# -ne 1 ]; then
  echo "usage: bash bench/run.sh BUILDDIR" >&2
  exit 2
fi
BUILD=$(cd "$1" 2>/dev/null && pwd) || { echo "run.sh: no build directory $1" >&2; exit 2; }
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BENCH_SECONDS=${BENCH_SECONDS:-1.5}
BENCH_MRZ_COUNT=${BENCH_MRZ_COUNT:-100000}
BENCH_EDIFACT_MB=${BENCH_EDIFACT_MB:-64}
BENCH_SCREEN_DATA=${BENCH_SCREEN_DATA:-$BENCH_DIR/../../shared/data}
BENCH_SCREEN_ENTRIES=${BENCH_SCREEN_ENTRIES:-1000000}
BENCH_SCREEN_TRAVELLERS=${BENCH_SCREEN_TRAVELLERS:-100000}
BENCH_SCREEN_BRUTE=${BENCH_SCREEN_BRUTE:-40}
BENCH_SCREEN_PEER=${BENCH_SCREEN_PEER:-10}
BENCH_STORE_THREADS=${BENCH_STORE_THREADS:-64}
export BENCH_SERVE_CROSSINGS=${BENCH_SERVE_CROSSINGS:-10000000}
export BENCH_SERVE_RATE=${BENCH_SERVE_RATE:-2000}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/openbmis-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

FAILED=0
ROWS=()

# add_row WORK OPENBMIS PEER RATIO TARGET: one line of the summary table.
add_row() {
  ROWS+=("$(printf '%-22s %14s %14s %9s  %s' "$1" "$2" "$3" "$4" "$5")")
}

fail() {
  echo "run.sh: FAIL: $*" >&2
  FAILED=1
}

# need_bench NAME: true when the benchmark executable was built; a failure otherwise.
need_bench() {
  if [ ! -x "$BUILD/$1" ]; then
    fail "$BUILD/$1 not found (configure with -DBMIS_BENCH=ON and build)"
    return 1
  fi
}

# node_peer DIR: make sure the npm peer in DIR is installed exactly as locked. Returns non-zero (peer
# skipped, not a failure: the openbmis result is verified on its own) when node or npm is missing.
node_peer() {
  local dir="$1"
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "run.sh: node/npm not found: skipping the peer in $dir" >&2
    return 1
  fi
  if [ ! -d "$dir/node_modules" ]; then
    echo "run.sh: installing the peer in $dir (npm ci)" >&2
    if ! (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >&2); then
      echo "run.sh: npm ci failed in $dir: skipping the peer" >&2
      return 1
    fi
  fi
}

# field FILE FORMAT COLUMN: one column of the row for FORMAT in a benchmark's table output.
field() {
  awk -v f="$2" -v c="$3" '$1 == f { print $c; exit }' "$1"
}

# ratio A B: A / B with one decimal, or "n/a".
ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.1f", a / b; else print "n/a" }'
}

# at_least A B: true when the number A >= B.
at_least() {
  awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && a + 0 >= b + 0) }'
}

# at_most A B: true when the number A <= B.
at_most() {
  awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && a + 0 <= b + 0) }'
}

# verdict COMMAND...: "met" when the command (at_least, at_most) succeeds, else "MISSED".
verdict() {
  if "$@"; then echo met; else echo MISSED; fi
}

# rate N: a per-second figure as "12.34 M" or "31.2 k".
rate() {
  awk -v n="$1" 'BEGIN {
    if (n == "") print "n/a"; else if (n >= 1e6) printf "%.2f M", n / 1e6
    else if (n >= 1e3) printf "%.1f k", n / 1e3; else printf "%.3g", n
  }'
}

# ---- MRZ: parse + full validation, TD1/TD2/TD3, vs npm mrz ----
MRZ_TD3_TARGET=10000000
MRZ_RATIO_TARGET=100

section_mrz() {
  local exe="$BUILD/mrz_bench" docs="$WORK/mrz" peer_dir="$BENCH_DIR/peers/mrz-npm" have_peer=0
  need_bench mrz_bench || return 0
  mkdir -p "$docs"
  echo "== MRZ: openbmis mrz_parse()"
  if ! "$exe" --count "$BENCH_MRZ_COUNT" --seconds "$BENCH_SECONDS" --write-docs "$docs" |
    tee "$WORK/mrz.openbmis"; then
    fail "mrz_bench: verification failed (see above)"
  fi
  echo
  if node_peer "$peer_dir"; then
    echo "== MRZ: npm mrz parse() on the same documents"
    if node "$peer_dir/bench.mjs" "$docs" --seconds "$BENCH_SECONDS" | tee "$WORK/mrz.peer"; then
      have_peer=1
    else
      fail "npm mrz peer: its valid counts differ from expected.json (see above)"
    fi
    echo
  fi

  local f ours theirs r target verdict
  for f in TD1 TD2 TD3; do
    ours=$(field "$WORK/mrz.openbmis" "$f" 3)
    theirs=""
    [ "$have_peer" = 1 ] && theirs=$(field "$WORK/mrz.peer" "$f" 3)
    r=$(ratio "$ours" "$theirs")
    target=""
    if [ "$f" = TD3 ]; then
      if at_least "$ours" "$MRZ_TD3_TARGET"; then verdict=met; else verdict=MISSED; fi
      target=">= 10 M/s: $verdict"
    fi
    if [ "$r" != n/a ]; then
      if at_least "$r" "$MRZ_RATIO_TARGET"; then verdict=met; else verdict=MISSED; fi
      target="${target:+$target, }>= ${MRZ_RATIO_TARGET}x: $verdict"
    fi
    if [ "$have_peer" = 1 ]; then
      # Both tools hash the same result tuple; equal checksums mean they agree document by document.
      if [ "$(field "$WORK/mrz.openbmis" "$f" 7)" = "$(field "$WORK/mrz.peer" "$f" 7)" ]; then
        target="$target, checksums agree"
      else
        target="$target, checksums DIFFER"
      fi
    fi
    add_row "MRZ $f docs/s" "$(rate "$ours")" "$(rate "$theirs")" "${r}x" "$target"
  done
}

# ---- EDIFACT: PAXLST tokenizing and full parse, MB/s on one core, vs npm edifact ----
EDIFACT_TARGET=300
EDIFACT_RATIO_TARGET=20

section_edifact() {
  local exe="$BUILD/edifact_bench" file="$WORK/paxlst.edi" out="$WORK/edifact.out"
  local peer_dir="$BENCH_DIR/peers/edifact" have_peer=0
  need_bench edifact_bench || return 0
  echo "== EDIFACT: openbmis edi_reader (tokenize) and paxlst_parse (whole file; per interchange), $BENCH_EDIFACT_MB MB of PAXLST"
  if ! "$exe" --megabytes "$BENCH_EDIFACT_MB" --seconds "$BENCH_SECONDS" --write "$file" | tee "$out"; then
    fail "edifact_bench: verification failed (see above)"
  fi
  echo
  if [ -f "$file.json" ] && node_peer "$peer_dir"; then
    echo "== EDIFACT: npm edifact Parser tokenizing the same bytes"
    if node "$peer_dir/bench.mjs" "$file" --seconds "$BENCH_SECONDS" | tee "$WORK/edifact.peer"; then
      have_peer=1
    else
      fail "npm edifact peer: its segment counts or checksum differ from the generator's (see above)"
    fi
    echo
  fi
  rm -f "$file" "$file.json"

  local tok pax theirs r cpu pcpu segs
  tok=$(key "$out" tokenize_mb_s)
  pax=$(key "$out" paxlst_mb_s)
  cpu=$(key "$out" tokenize_cpu)
  segs=$(key "$out" segments)
  theirs="" pcpu=""
  if [ "$have_peer" = 1 ]; then
    theirs=$(key "$WORK/edifact.peer" peer_mb_s)
    pcpu=$(key "$WORK/edifact.peer" peer_cpu)
  fi
  r=$(ratio "$tok" "$theirs")
  local target=">= $EDIFACT_TARGET MB/s: $(verdict at_least "$tok" "$EDIFACT_TARGET")"
  [ "$r" != n/a ] && target="$target, >= ${EDIFACT_RATIO_TARGET}x: $(verdict at_least "$r" "$EDIFACT_RATIO_TARGET")"
  add_row "EDIFACT tokenize MB/s" "${tok:-n/a}" "${theirs:-n/a}" "${r}x" \
    "$target; $(rate "$segs") segments, cpu ${cpu:-?}/${pcpu:-?}"
  add_row "PAXLST parse MB/s" "${pax:-n/a}" "" "" \
    ">= $EDIFACT_TARGET MB/s: $(verdict at_least "$pax" "$EDIFACT_TARGET"); whole file in one call, $(key "$out" persons) persons, $(key "$out" paxlst_faults) faults/pass, cpu $(key "$out" paxlst_cpu) (peer column: tokenize only)"
  local paxic
  paxic=$(key "$out" paxlst_ic_mb_s)
  add_row "PAXLST parse, per interchange MB/s" "${paxic:-n/a}" "" "" \
    ">= $EDIFACT_TARGET MB/s: $(verdict at_least "$paxic" "$EDIFACT_TARGET"); $(key "$out" paxlst_ic_interchanges) calls (one flight each, as the server gets them), $(key "$out" paxlst_ic_faults) faults/pass, cpu $(key "$out" paxlst_ic_cpu)"
}

# ---- Screening: quality on real lists and labelled names; speed against 1 M entries ----
# Both read the shared data (../shared/data beside the repository on every machine of the project,
# CI included); without it they are skipped with a message, which is not a failure.

# screen_data: true when the shared data directory is there.
screen_data() {
  [ -d "$BENCH_SCREEN_DATA/names" ] && [ -d "$BENCH_SCREEN_DATA/watchlists" ]
}

# key FILE KEY: the value of a "=KEY value" summary line.
key() {
  field "$1" "=$2" 2
}

SCREEN_RECALL_TARGET=0.98
SCREEN_FP_TARGET=1

section_screen_eval() {
  local exe="$BUILD/screen_eval_bench" out="$WORK/screen_eval.out"
  need_bench screen_eval_bench || return 0
  if ! screen_data; then
    echo "== Screening quality: SKIPPED: no shared data at $BENCH_SCREEN_DATA (set BENCH_SCREEN_DATA)"
    add_row "screen quality" "skipped" "" "" "no data at $BENCH_SCREEN_DATA"
    return 0
  fi
  echo "== Screening quality: UN/OFAC lists, planted variants, labelled name pairs (screen_eval_bench)"
  if ! "$exe" --data "$BENCH_SCREEN_DATA" | tee "$out"; then
    fail "screen_eval_bench: verification failed (see above)"
  fi
  echo
  local thr recall fp raw trt f1 lv2 xl xn
  thr=$(key "$out" threshold)
  recall=$(key "$out" planted_recall_heldout)
  fp=$(key "$out" fp_per_1000_heldout)
  raw=$(key "$out" un_recall_raw)
  trt=$(key "$out" un_recall_treated)
  f1=$(key "$out" nk_f1_person)
  lv2=$(key "$out" lv2_f1_all)
  xl=$(key "$out" xscript_recall_to_latin)
  xn=$(key "$out" xscript_recall_to_native)
  add_row "recall, planted" "${recall:-n/a}" "" "" \
    ">= $SCREEN_RECALL_TARGET: $(verdict at_least "$recall" "$SCREEN_RECALL_TARGET") (held-out, threshold ${thr:-?})"
  add_row "false hits / 1,000" "${fp:-n/a}" "" "" \
    "<= $SCREEN_FP_TARGET: $(verdict at_most "$fp" "$SCREEN_FP_TARGET") (held-out synthetic travellers)"
  add_row "recall, UN raw/treated" "${raw:-n/a}/${trt:-n/a}" "" "" "683 yente UN positives vs UN + OFAC"
  add_row "recall, cross-script" "${xl:-n/a}/${xn:-n/a}" "" "" "UN original-script names -> Latin / Latin -> native"
  add_row "name pairs F1" "${f1:-n/a}" "${lv2:-n/a}" "" "openbmis Person @ ${thr:-?}; peer: logic-v2 @ 0.70 (all)"
}

section_screen() {
  local exe="$BUILD/screen_bench" out="$WORK/screen.out" peer_dir="$BENCH_DIR/peers/fuzzball"
  local files="$WORK/screen-peer" have_peer=0
  need_bench screen_bench || return 0
  if ! screen_data; then
    echo "== Screening speed: SKIPPED: no shared data at $BENCH_SCREEN_DATA (set BENCH_SCREEN_DATA)"
    add_row "screen speed" "skipped" "" "" "no data at $BENCH_SCREEN_DATA"
    return 0
  fi
  mkdir -p "$files"
  echo "== Screening speed: $BENCH_SCREEN_ENTRIES-entry list, $BENCH_SCREEN_TRAVELLERS travellers (screen_bench)"
  if ! "$exe" --data "$BENCH_SCREEN_DATA" --entries "$BENCH_SCREEN_ENTRIES" \
    --travellers "$BENCH_SCREEN_TRAVELLERS" --brute "$BENCH_SCREEN_BRUTE" \
    --peer-sample "$BENCH_SCREEN_PEER" --write-peer "$files" | tee "$out"; then
    fail "screen_bench: verification failed (see above)"
  fi
  echo
  if [ -f "$files/expected.json" ] && node_peer "$peer_dir"; then
    echo "== Screening speed: npm fuzzball token_set_ratio on a sample of the same travellers"
    if node "$peer_dir/bench.mjs" "$files" | tee "$WORK/screen.peer"; then
      have_peer=1
    else
      fail "fuzzball peer: verification failed (see above)"
    fi
    echo
  fi
  rm -rf "$files" # the list names: about 50 MB

  local load idx total rss tps brute fz fzfound p99 docs recall cand cand10
  load=$(key "$out" load_s)
  idx=$(key "$out" index_s)
  total=$(key "$out" load_index_s)
  rss=$(key "$out" rss_mb)
  tps=$(key "$out" travellers_per_s)
  brute=$(key "$out" brute_travellers_per_s)
  p99=$(key "$out" p99_us)
  docs=$(key "$out" doc_lookups_per_s)
  recall=$(key "$out" recall_variants)
  cand=$(key "$out" cand_recall)
  cand10=$(key "$out" cand_recall_top10)
  fz="" fzfound="n/a"
  if [ "$have_peer" = 1 ]; then
    fz=$(key "$WORK/screen.peer" fuzzball_travellers_per_s)
    fzfound=$(key "$WORK/screen.peer" fuzzball_found)
  fi
  add_row "list load + index" "${total:-n/a} s" "" "" \
    "<= 10 s: $(verdict at_most "$total" 10) (load ${load:-?} s, index ${idx:-?} s)"
  add_row "resident memory" "${rss:-n/a} MB" "" "" "<= 1536 MB: $(verdict at_most "$rss" 1536)"
  add_row "travellers/s, brute" "$(rate "$tps")" "$(rate "$brute")" "$(ratio "$tps" "$brute")x" \
    ">= 50 k/s: $(verdict at_least "$tps" 50000); index recall vs brute ${cand:-n/a} (top 10: ${cand10:-n/a})"
  add_row "travellers/s, fuzzball" "$(rate "$tps")" "$(rate "$fz")" "$(ratio "$tps" "$fz")x" \
    "peer: npm fuzzball token_set_ratio on $BENCH_SCREEN_PEER travellers, planted found: $fzfound"
  add_row "latency p99" "${p99:-n/a} us" "" "" "<= 1000 us: $(verdict at_most "$p99" 1000)"
  add_row "recall, planted (1 M)" "${recall:-n/a}" "" "" ">= $SCREEN_RECALL_TARGET: $(verdict at_least "$recall" "$SCREEN_RECALL_TARGET")"
  add_row "document lookups/s" "$(rate "$docs")" "" "" "exact lane incl. MRZ confusables, 1 thread"
}

# ---- Store: committed crossings per second through group commit (SQLite, synchronous=FULL) ----
STORE_TARGET=20000

section_store() {
  local exe="$BUILD/store_bench" out="$WORK/store.out"
  need_bench store_bench || return 0
  echo "== Store: durable crossing writes from $BENCH_STORE_THREADS threads (store_bench)"
  if ! "$exe" --threads "$BENCH_STORE_THREADS" | tee "$out"; then
    fail "store_bench: verification failed (see above)"
  fi
  echo
  local rate verify
  rate=$(awk '/committed crossings\/s/ { for (i = 2; i <= NF; i++) if ($i == "committed") { print $(i - 1); exit } }' "$out")
  verify=$(awk '/verify:/ { print $NF; exit }' "$out")
  add_row "committed crossings/s" "$(rate "$rate")" "" "" \
    ">= 20 k/s: $(verdict at_least "$rate" "$STORE_TARGET"); durable (synchronous=FULL), reopen check ${verify:-n/a}"
}

# ---- Server: the inspection route under load, 10 M crossings stored (bench/serve_bench.sh) ----
SERVE_P99_TARGET=5

section_serve() {
  local out="$WORK/serve.out"
  need_bench serve_seed_bench || return 0
  need_bench serve_load_bench || return 0
  echo "== Inspection route under load: bmis serve, $BENCH_SERVE_CROSSINGS crossings, $BENCH_SERVE_RATE req/s (serve_bench.sh)"
  if ! bash "$BENCH_DIR/serve_bench.sh" "$BUILD" | tee "$out"; then
    fail "serve_bench.sh: verification failed or a step did not run (see above)"
  fi
  echo
  local p50 p99 p999 mx rate wp99 wrate wmax wmaxp99 found exp tfound texp seed rows hist n la
  p50=$(key "$out" serve_p50_ms)
  p99=$(key "$out" serve_p99_ms)
  p999=$(key "$out" serve_p999_ms)
  mx=$(key "$out" serve_max_ms)
  rate=$(key "$out" serve_rate_achieved)
  wp99=$(key "$out" serve_wrk_paced_p99_ms)
  wrate=$(key "$out" serve_wrk_paced_rate)
  wmax=$(key "$out" serve_wrk_max_rate)
  wmaxp99=$(key "$out" serve_wrk_max_p99_ms)
  found=$(key "$out" serve_expected_found)
  exp=$(key "$out" serve_expected_hits)
  tfound=$(key "$out" serve_try_found)
  texp=$(key "$out" serve_try_hits)
  seed=$(key "$out" serve_seed_s)
  rows=$(key "$out" serve_seed_rows_per_s)
  hist=$(key "$out" serve_history_p99_us)
  n=$(key "$out" serve_crossings)
  la=$(key "$out" serve_load_before)
  add_row "inspect p99 @ $(rate "$BENCH_SERVE_RATE")/s" "${p99:-n/a} ms" "${wp99:+$wp99 ms}" "" \
    "<= $SERVE_P99_TARGET ms: $(verdict at_most "$p99" "$SERVE_P99_TARGET") (p50 ${p50:-?}, p99.9 ${p999:-?}, max ${mx:-?} ms; $(rate "$n") crossings; load ${la:-?})"
  add_row "inspect req/s" "$(rate "$rate")" "$(rate "$wrate")" "" \
    "open loop at $BENCH_SERVE_RATE/s (peer: wrk paced); errors $(key "$out" serve_errors); hits found ${found:-?}/${exp:-?} (try set ${tfound:-?}/${texp:-?})"
  add_row "inspect capacity" "" "$(rate "$wmax")" "" "wrk as fast as it can, 64 connections: p99 ${wmaxp99:-n/a} ms"
  add_row "seed crossings" "${seed:-n/a} s" "" "" \
    "$(rate "$rows") rows/s (sqlite3 C API, one transaction); history read p99 ${hist:-?} us ($(key "$out" serve_history_plan))"
}

# ---- API: a 500-passenger PAXLST flight parsed, screened against 1 M entries, stored durably ----
# bench/api_bench.c; BENCH_API_FLIGHTS (timed flights, default 50) and BENCH_API_ENTRIES (list
# entries, default 1000000) are read by the benchmark itself. Needs the shared data like screen.
API_P99_TARGET=50

section_api() {
  local exe="$BUILD/api_bench" out="$WORK/api.out"
  need_bench api_bench || return 0
  if ! screen_data; then
    echo "== API ingest: SKIPPED: no shared data at $BENCH_SCREEN_DATA (set BENCH_SCREEN_DATA)"
    add_row "API flight ingest" "skipped" "" "" "no data at $BENCH_SCREEN_DATA"
    return 0
  fi
  echo "== API ingest: 500-passenger PAXLST flights, parse + screen + durable store (api_bench)"
  if ! TMPDIR="$WORK" "$exe" --data "$BENCH_SCREEN_DATA" | tee "$out"; then
    fail "api_bench: verification failed (see above)"
  fi
  echo
  local p50 p90 p99 mx
  p50=$(key "$out" api_p50_ms)
  p90=$(key "$out" api_p90_ms)
  p99=$(key "$out" api_p99_ms)
  mx=$(key "$out" api_max_ms)
  add_row "API flight p99" "${p99:-n/a} ms" "" "" \
    "<= $API_P99_TARGET ms: $(verdict at_most "$p99" "$API_P99_TARGET") (p50 ${p50:-?}, p90 ${p90:-?}, max ${mx:-?} ms; $(key "$out" api_flights) flights x 500 vs $(rate "$(key "$out" api_entries)") entries)"
  add_row "API screen, mean" "$(key "$out" api_screen_ms) ms" "" "" \
    "+ parse $(key "$out" api_parse_ms) + store $(key "$out" api_store_ms) ms per flight; $(rate "$(key "$out" api_persons_per_s)") persons/s; planted recall $(key "$out" api_recall), passports $(key "$out" api_docs_found)"
}

SECTIONS=(mrz edifact screen_eval screen store serve api)
if [ -n "${BENCH_SECTIONS:-}" ]; then
  read -r -a WANTED <<<"$BENCH_SECTIONS"
  for s in "${WANTED[@]}"; do
    if ! declare -F "section_$s" >/dev/null; then
      echo "run.sh: unknown section '$s' in BENCH_SECTIONS (known: ${SECTIONS[*]})" >&2
      exit 2
    fi
  done
  SECTIONS=("${WANTED[@]}")
fi

for s in "${SECTIONS[@]}"; do
  "section_$s"
done

echo "== Summary ($(nproc) cores, $(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo), MRZ and EDIFACT: one thread per figure, screening: all cores)"
printf '%-22s %14s %14s %9s  %s\n' "work" "openbmis" "peer" "ratio" "targets"
for row in "${ROWS[@]}"; do echo "$row"; done
if [ "$FAILED" -ne 0 ]; then
  echo "run.sh: at least one verification FAILED" >&2
  exit 1
fi
echo "All results verified."
