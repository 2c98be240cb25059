#!/usr/bin/env bash
# bench/serve_bench.sh BUILDDIR - load benchmark of `bmis serve`'s inspection route (DESIGN.md 6:
# p99 <= 5 ms at 2,000 requests/s with 10 M crossings stored). See docs/benchmarks.md.
#
# 1. `bmis demo` makes a database in a temporary directory; serve_seed_bench grows it to
#    BENCH_SERVE_CROSSINGS crossings and writes the inspections to send (requests.tsv).
# 2. `bmis serve` starts on a free loopback port; officer1 signs in for a bearer token ("api").
# 3. serve_load_bench sends POST /api/v1/inspections at a constant BENCH_SERVE_RATE (open loop,
#    latency from each request's due time) for BENCH_SERVE_SECONDS, after a short warm-up.
# 4. The peer, wrk (Debian wrk 4.1.0, closed loop, bench/serve_inspect.lua): once paced near the
#    same rate (a delay per connection) and once as fast as it can (the server's capacity).
# Every answer must be 200 with "hits"; the expected hits (the demo's lists and try set) must be
# found. Ends with "=key value" lines for bench/run.sh. Exit status: 0 verified (a missed target is
# not a failure), 1 a verification failed or a step did not run, 2 usage.
#
# Environment: BENCH_SERVE_CROSSINGS (default 10000000), BENCH_SERVE_RATE (2000),
#   BENCH_SERVE_SECONDS (20), BENCH_SERVE_COUNT (request cap of the measured run, 1000000),
#   BENCH_SERVE_CONNECTIONS (64), BENCH_SERVE_THREADS (server workers, --threads; default 32: the
#   handlers block on group commit), BENCH_SERVE_WRK_SECONDS (10 per wrk run; 0 skips wrk),
#   BENCH_SERVE_DIR (work there and keep the seeded database; a later run with the same crossing
#   count reuses it instead of seeding again; default: a temporary directory, removed).
set -u -o pipefail

if [ $# -ne 1 ]; then
  echo "usage: bash bench/serve_bench.sh BUILDDIR" >&2
  exit 2
fi
BUILD=$(cd "$1" 2>/dev/null && pwd) || { echo "serve_bench.sh: no build directory $1" >&2; exit 2; }
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CROSSINGS=${BENCH_SERVE_CROSSINGS:-10000000}
RATE=${BENCH_SERVE_RATE:-2000}
SECONDS_RUN=${BENCH_SERVE_SECONDS:-20}
COUNT=${BENCH_SERVE_COUNT:-1000000}
CONNS=${BENCH_SERVE_CONNECTIONS:-64}
THREADS=${BENCH_SERVE_THREADS:-32}
WRK_SECONDS=${BENCH_SERVE_WRK_SECONDS:-10}

for exe in bmis serve_seed_bench serve_load_bench; do
  if [ ! -x "$BUILD/$exe" ]; then
    echo "serve_bench.sh: $BUILD/$exe not found (configure with -DBMIS_BENCH=ON and build)" >&2
    exit 1
  fi
done
for tool in curl jq; do
  command -v "$tool" >/dev/null 2>&1 || { echo "serve_bench.sh: $tool not found (scripts/deps.sh)" >&2; exit 1; }
done

if [ -n "${BENCH_SERVE_DIR:-}" ]; then
  DIR=$BENCH_SERVE_DIR
  mkdir -p "$DIR" || exit 1
  KEEP=1
else
  DIR=$(mktemp -d "${TMPDIR:-/tmp}/openbmis-serve.XXXXXX")
  KEEP=0
fi
PID=
cleanup() {
  if [ -n "$PID" ]; then kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null; fi
  [ "$KEEP" = 1 ] || rm -rf "$DIR"
}
trap cleanup EXIT
DB=$DIR/bmis.db
load() { cut -d' ' -f1-3 /proc/loadavg; }
key() { awk -v k="=$2" '$1 == k { print $2; exit }' "$1"; }

# 1. The database.
if [ "$KEEP" = 1 ] && [ -f "$DB" ] && [ "$(key "$DIR/seed.out" crossings_total 2>/dev/null)" = "$CROSSINGS" ] &&
  [ "$(key "$DIR/seed.out" verified)" = OK ]; then
  echo "serve_bench: reusing $DB (seeded earlier to $CROSSINGS crossings)"
else
  rm -rf "$DB" "$DB-wal" "$DB-shm" "$DB.watchlists" "$DB.try.jsonl" "$DIR/seed.out"
  echo "serve_bench: bmis demo --db $DB"
  if ! "$BUILD/bmis" demo --db "$DB" --data "$HERE/../demo" >"$DIR/demo.out" 2>&1; then
    echo "serve_bench.sh: bmis demo failed: $(tail -3 "$DIR/demo.out")" >&2
    exit 1
  fi
  echo "serve_bench: seeding to $CROSSINGS crossings (load average $(load))"
  if ! "$BUILD/serve_seed_bench" --db "$DB" --crossings "$CROSSINGS" \
    --write-requests "$DIR/requests.tsv" | tee "$DIR/seed.out"; then
    echo "serve_bench.sh: serve_seed_bench failed (see above)" >&2
    exit 1
  fi
fi
DB_MB=$(du -cm "$DB" "$DB-wal" 2>/dev/null | awk 'END { print $1 }')
# Seeding leaves about a gigabyte of dirty pages for the kernel to write back; measured during that
# writeback, every fsync of the server waits behind it (p99 87 ms instead of single-digit ms). The
# booth's steady state is measured, so the seeded database goes to disk first.
sync

# 2. The server and a token.
"$BUILD/bmis" serve --db "$DB" --listen 127.0.0.1:0 --threads "$THREADS" --no-access-log \
  2>"$DIR/serve.err" &
PID=$!
URL=
for _ in $(seq 1 600); do
  URL=$(sed -n 's/^listening on \(http:\/\/[^ ]*\)$/\1/p' "$DIR/serve.err" | head -1)
  [ -n "$URL" ] && break
  kill -0 "$PID" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$URL" ]; then
  echo "serve_bench.sh: bmis serve did not start: $(cat "$DIR/serve.err")" >&2
  exit 1
fi
TOKEN=$(curl -s -S --max-time 20 -X POST -H 'Content-Type: application/json' \
  --data-binary '{"username":"officer1","password":"officer-demo-2026","kind":"api"}' \
  "$URL/api/v1/sessions" | jq -r '.token // empty')
if [ -z "$TOKEN" ]; then
  echo "serve_bench.sh: officer1 could not sign in" >&2
  exit 1
fi
echo "serve_bench: bmis serve --threads $THREADS on $URL, $DB_MB MB database"

FAILED=0
LOAD=(--url "$URL" --token "$TOKEN" --requests "$DIR/requests.tsv" --connections "$CONNS")
# 3. Warm-up (page cache, statement caches), then the measured run.
if ! "$BUILD/serve_load_bench" "${LOAD[@]}" --rate "$RATE" --seconds 3 >"$DIR/warmup.out"; then
  echo "serve_bench.sh: the warm-up run failed verification:" >&2
  cat "$DIR/warmup.out" >&2
  FAILED=1
fi
LOAD_BEFORE=$(load)
echo "serve_bench: serve_load_bench: $RATE req/s for $SECONDS_RUN s (load average $LOAD_BEFORE)"
if ! "$BUILD/serve_load_bench" "${LOAD[@]}" --rate "$RATE" --seconds "$SECONDS_RUN" \
  --count "$COUNT" | tee "$DIR/load.out"; then
  echo "serve_bench.sh: serve_load_bench: verification FAILED (see above)" >&2
  FAILED=1
fi
LOAD_AFTER=$(load)

# 4. The peer: wrk, paced near the rate (connections x 1000 / delay ms), then unpaced.
WRK_OK=skipped
if [ "$WRK_SECONDS" != 0 ]; then
  if command -v wrk >/dev/null 2>&1; then
    WRK_OK=1
    wrk_run() { # name connections delay_ms
      echo "serve_bench: wrk -t2 -c$2 -d${WRK_SECONDS}s, delay $3 ms per request and connection"
      BENCH_REQUESTS="$DIR/requests.tsv" BENCH_TOKEN="$TOKEN" BENCH_WRK_DELAY_MS="$3" \
        BENCH_WRK_MAX="$COUNT" BENCH_WRK_THREADS=2 \
        wrk -t2 -c"$2" -d"${WRK_SECONDS}s" --latency -s "$HERE/serve_inspect.lua" "$URL" \
        >"$DIR/wrk_$1.out" 2>&1
      local rc=$?
      grep -E '^ +(50|90|99)%|Requests/sec|requests in|Non-2xx|Socket errors' "$DIR/wrk_$1.out"
      if [ $rc -ne 0 ] || [ "$(key "$DIR/wrk_$1.out" wrk_non200)" != 0 ] ||
        [ "$(key "$DIR/wrk_$1.out" wrk_nohits)" != 0 ] ||
        [ "$(key "$DIR/wrk_$1.out" wrk_socket_errors)" != 0 ] ||
        [ "$(key "$DIR/wrk_$1.out" wrk_answered)" = 0 ]; then
        echo "serve_bench.sh: wrk $1: errors or answers without hits:" >&2
        cat "$DIR/wrk_$1.out" >&2
        WRK_OK=0
      fi
    }
    # 24 connections with 10 ms between a connection's answer and its next request: about
    # 2,000 req/s when an answer takes 2 ms (the service time adds to the 10 ms; wrk cannot hold
    # a rate, so the achieved one is reported).
    PACED_CONNS=24
    wrk_run paced "$PACED_CONNS" "$(awk -v c="$PACED_CONNS" -v r="$RATE" 'BEGIN { printf "%d", c * 1000 / r * 10 / 12 }')"
    wrk_run max "$CONNS" 0
    [ "$WRK_OK" = 1 ] || FAILED=1
  else
    echo "serve_bench: wrk not found (scripts/deps.sh installs it): peer skipped"
  fi
fi

# The server must stop cleanly (SIGTERM: drain, exit 0).
kill "$PID"
if ! wait "$PID"; then
  echo "serve_bench.sh: bmis serve did not exit cleanly: $(tail -3 "$DIR/serve.err")" >&2
  FAILED=1
fi
PID=

{
  echo "=serve_crossings $(key "$DIR/seed.out" crossings_total)"
  echo "=serve_seed_s $(key "$DIR/seed.out" seed_s)"
  echo "=serve_seed_rows_per_s $(key "$DIR/seed.out" rows_per_s)"
  echo "=serve_history_p99_us $(key "$DIR/seed.out" history_p99_us)"
  echo "=serve_history_plan $(key "$DIR/seed.out" history_plan)"
  echo "=serve_db_mb $DB_MB"
  echo "=serve_threads $THREADS"
  echo "=serve_load_before ${LOAD_BEFORE// /,}"
  echo "=serve_load_after ${LOAD_AFTER// /,}"
  for k in rate_target rate_achieved p50_ms p90_ms p99_ms p999_ms max_ms svc_p99_ms errors \
    expected_hits expected_found try_hits try_found verified; do
    echo "=serve_$k $(key "$DIR/load.out" "$k")"
  done
  for run in paced max; do
    [ -f "$DIR/wrk_$run.out" ] || continue
    for k in rate p50_ms p90_ms p99_ms p999_ms max_ms non200 nohits socket_errors; do
      echo "=serve_wrk_${run}_$k $(key "$DIR/wrk_$run.out" "wrk_$k")"
    done
  done
  echo "=serve_wrk $WRK_OK"
  echo "=serve_failed $FAILED"
}
exit "$FAILED"
