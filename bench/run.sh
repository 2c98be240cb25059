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
#              BENCH_MRZ_COUNT (documents per MRZ format, default 100000).
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

# rate N: a per-second figure as "12.34 M" or "31.2 k".
rate() {
  awk -v n="$1" 'BEGIN {
    if (n == "") print "n/a"; else if (n >= 1e6) printf "%.2f M", n / 1e6; else printf "%.1f k", n / 1e3
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

SECTIONS=(mrz)

for s in "${SECTIONS[@]}"; do
  "section_$s"
done

echo "== Summary ($(nproc) cores, $(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo), single thread per figure)"
printf '%-22s %14s %14s %9s  %s\n' "work" "openbmis" "peer" "ratio" "targets"
for row in "${ROWS[@]}"; do echo "$row"; done
if [ "$FAILED" -ne 0 ]; then
  echo "run.sh: at least one verification FAILED" >&2
  exit 1
fi
echo "All results verified."
