#!/usr/bin/env bash
# run.sh BUILDDIR - browser tests of the web UI: a demo database in a temporary directory, the web
# directory built from web/, `bmis serve` on a free loopback port, then ui.test.mjs (Playwright's
# playwright-core driving Debian's Chromium, headless). Screenshots go to tests/e2e/screenshots/.
# Prints "N passed, M failed"; exit status 0 only when everything passed.
# Needs: node, /usr/bin/chromium (or CHROMIUM=...), npm packages of tests/e2e and web (npm ci, run here
# when node_modules is missing; the lockfiles pin them).
set -u
BUILD=${1:?usage: run.sh BUILDDIR (the directory holding bmis)}
BUILD=$(cd "$BUILD" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BMIS="$BUILD/bmis"
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
TMP=$(mktemp -d)
PID=
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT
fail() { echo "e2e: $*"; echo "0 passed, 1 failed"; exit 1; }

[ -x "$BMIS" ] || fail "no bmis in $BUILD"
[ -x "$CHROMIUM" ] || fail "no Chromium at $CHROMIUM (Debian package chromium)"
command -v node >/dev/null || fail "node is missing"
for d in "$HERE" "$ROOT/web"; do
  if [ ! -d "$d/node_modules" ]; then
    (cd "$d" && npm ci --no-audit --no-fund >"$TMP/npm.log" 2>&1) || fail "npm ci in $d failed: $(tail -5 "$TMP/npm.log")"
  fi
done

# A fresh demo (fixed seed and end date, small) and the web directory as make web builds it.
"$BMIS" demo --db "$TMP/bmis.db" --data "$ROOT/demo" --seed 7 --end-date 2026-06-30 --travellers 300 \
  >"$TMP/demo.out" 2>&1 || fail "bmis demo failed: $(tail -3 "$TMP/demo.out")"
bash "$ROOT/web/build.sh" "$TMP/web" >/dev/null || fail "web/build.sh failed"

"$BMIS" serve --db "$TMP/bmis.db" --listen 127.0.0.1:0 --web "$TMP/web" --home-state UTO --threads 4 \
  --no-access-log 2>"$TMP/err" &
PID=$!
URL=
for _ in $(seq 1 600); do # up to 60 s
  URL=$(sed -n 's/^listening on \(http:\/\/[^ ]*\)$/\1/p' "$TMP/err" | head -1)
  [ -n "$URL" ] && break
  kill -0 "$PID" 2>/dev/null || break
  sleep 0.1
done
[ -n "$URL" ] || fail "server did not start: $(tail -5 "$TMP/err")"

mkdir -p "$HERE/screenshots"
BMIS_URL="$URL" BMIS_TRY="$TMP/bmis.db.try.jsonl" BMIS_TMP="$TMP" CHROMIUM="$CHROMIUM" \
  SHOTS="$HERE/screenshots" node "$HERE/ui.test.mjs"
rc=$?
kill -TERM "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
PID=
exit $rc
