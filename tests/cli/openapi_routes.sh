#!/usr/bin/env bash
# The route table of `bmis serve` (bmis serve --print-routes) and docs/openapi.yaml list the same
# operations: every "METHOD /path" of one is in the other. Reads the YAML with awk (no python on CI):
# paths at two spaces under the top-level "paths:", methods at four spaces below each path.
# usage: openapi_routes.sh PATH/TO/bmis
set -u
BMIS=${1:?path to bmis}
HERE=$(cd "$(dirname "$0")" && pwd)
DOC="${BMIS_TESTS:-$HERE/..}/../docs/openapi.yaml"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
[ -f "$DOC" ] || { echo "FAIL: no $DOC"; exit 1; }

"$BMIS" serve --print-routes | sort -u >"$TMP/table" || { echo "FAIL: --print-routes"; exit 1; }
awk '
  /^[^ #]/ { inpaths = ($0 ~ /^paths:[ \t]*$/); next }
  !inpaths { next }
  /^  \/[^ ]*:[ \t]*$/ { path = $1; sub(/:$/, "", path); next }
  /^  [^ ]/ { path = ""; next }
  path != "" && /^    (get|post|put|patch|delete):/ {
    m = $1; sub(/:$/, "", m); print toupper(m) " " path
  }
' "$DOC" | sort -u >"$TMP/doc"

fails=0
[ -s "$TMP/table" ] || { echo "FAIL: empty route table"; fails=1; }
[ -s "$TMP/doc" ] || { echo "FAIL: no operations found in $DOC"; fails=1; }
while read -r op; do
  echo "FAIL: route '$op' is not described in docs/openapi.yaml"; fails=1
done < <(comm -23 "$TMP/table" "$TMP/doc")
while read -r op; do
  echo "FAIL: docs/openapi.yaml describes '$op', which is not in the route table"; fails=1
done < <(comm -13 "$TMP/table" "$TMP/doc")
echo "$(wc -l <"$TMP/table") routes, $(wc -l <"$TMP/doc") documented operations"
[ "$fails" -eq 0 ]
