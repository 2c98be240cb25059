#!/usr/bin/env bash
# build.sh OUTDIR - assemble the served web directory: the static files of web/ plus Chart.js from
# node_modules (installed by `npm ci` from package-lock.json; never committed, never fetched at run time).
# usage: web/build.sh OUTDIR   (make web runs it as web/build.sh build/web)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:?usage: build.sh OUTDIR}
CHART="$HERE/node_modules/chart.js/dist/chart.umd.min.js"
if [ ! -f "$CHART" ]; then
  echo "build.sh: $CHART is missing: run 'npm ci' in web/ first (make web does)" >&2
  exit 2
fi
rm -rf "$OUT.tmp"
mkdir -p "$OUT.tmp/js" "$OUT.tmp/vendor"
cp "$HERE/index.html" "$HERE/app.css" "$HERE/favicon.svg" "$OUT.tmp/"
cp "$HERE"/js/*.js "$OUT.tmp/js/"
cp "$CHART" "$OUT.tmp/vendor/chart.umd.min.js"
cp "$HERE/node_modules/chart.js/LICENSE.md" "$OUT.tmp/vendor/chart.js.LICENSE.md"
rm -rf "$OUT"
mv "$OUT.tmp" "$OUT"
echo "web UI built in $OUT"
