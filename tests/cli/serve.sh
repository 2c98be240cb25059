#!/usr/bin/env bash
# Tests of `bmis serve` (DESIGN.md 5.4, docs/http.md) over real HTTP with curl: start on a free port,
# /healthz, /metrics, a 401 problem under /api/v1, the web directory, then SIGTERM -> exit 0.
# usage: serve.sh PATH/TO/bmis
# Every wait is bounded; the server is killed on any exit of this script.
set -u
BMIS=${1:?path to bmis}
. "$(dirname "$0")/lib/common.sh"
TMP=$(mktemp -d)
PID=
cleanup() {
  if [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null; then kill -KILL "$PID" 2>/dev/null; fi
  rm -rf "$TMP"
}
trap cleanup EXIT
command -v curl >/dev/null || { echo "curl is needed (scripts/deps.sh)"; exit 1; }
CURL=(curl -sS --max-time 5)

# 1. Usage errors and --help.
"$BMIS" serve --bogus >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "unknown option should exit 2"
"$BMIS" serve --threads 0 >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "--threads 0 should exit 2"
"$BMIS" serve --listen nonsense >/dev/null 2>&1
[ $? -eq 2 ] && ok || bad "bad --listen should exit 2"
"$BMIS" serve --help | grep -q -- '--listen HOST:PORT' && ok || bad "serve --help"
"$BMIS" serve --print-routes | grep -qx 'GET /healthz' && ok || bad "--print-routes lists GET /healthz"

# 2. Start on a free port chosen by the kernel; the port is in the "listening on" line.
mkdir -p "$TMP/web"
echo '<!doctype html><title>t</title>' >"$TMP/web/index.html"
if ! serve_start "$BMIS" "$TMP/err" --db "$TMP/bmis.db" --threads 2 --web "$TMP/web" \
  --shutdown-timeout 5; then
  bad "server did not start: $(cat "$TMP/err")"
  summary
  exit 1
fi
ok
case "$URL" in http://127.0.0.1:[1-9]*) ok ;; *) bad "listening line: $URL" ;; esac

# 3. /healthz without authentication.
body=$("${CURL[@]}" -D "$TMP/h" "$URL/healthz")
[ "$body" = '{"status":"ok"}' ] && ok || bad "healthz body: $body"
grep -qi '^x-content-type-options: nosniff' "$TMP/h" && ok || bad "security headers on healthz"
grep -qi '^x-request-id: [0-9a-f]\{32\}' "$TMP/h" && ok || bad "X-Request-Id on healthz"

# 4. /api/v1/...: nobody is authenticated yet -> 401 problem+json.
code=$("${CURL[@]}" -o "$TMP/p" -D "$TMP/h" -w '%{http_code}' "$URL/api/v1/me")
[ "$code" = 401 ] && ok || bad "/api/v1/me: status $code, want 401"
grep -qi '^content-type: application/problem+json' "$TMP/h" && ok || bad "401 content type"
grep -q '"status":401' "$TMP/p" && grep -q '"type":"urn:openbmis:problem:unauthenticated"' "$TMP/p" \
  && ok || bad "401 problem body: $(cat "$TMP/p")"
code=$("${CURL[@]}" -o "$TMP/p" -w '%{http_code}' -H 'Authorization: Bearer nope' "$URL/api/v1/me")
[ "$code" = 401 ] && ok || bad "bearer: status $code, want 401"
code=$("${CURL[@]}" -o "$TMP/p" -w '%{http_code}' "$URL/api/v1/no-such-thing")
[ "$code" = 404 ] && ok || bad "unknown API path: status $code, want 404"
code=$("${CURL[@]}" -o "$TMP/p" -w '%{http_code}' -X DELETE "$URL/healthz")
[ "$code" = 405 ] && ok || bad "DELETE /healthz: status $code, want 405"

# 5. The web directory and traversal.
"${CURL[@]}" "$URL/" | grep -q '<title>t</title>' && ok || bad "index.html under /"
code=$("${CURL[@]}" -o /dev/null -w '%{http_code}' --path-as-is "$URL/%2e%2e/%2e%2e/etc/passwd")
[ "$code" = 400 ] && ok || bad "traversal: status $code, want 400"

# 6. /metrics from loopback without authentication, and it counted the requests above.
"${CURL[@]}" "$URL/metrics" >"$TMP/m"
grep -q '^# TYPE bmis_http_requests_total counter' "$TMP/m" && ok || bad "metrics exposition"
grep -q '^bmis_http_requests_total{route="/healthz",method="GET",code="2xx"} [1-9]' "$TMP/m" \
  && ok || bad "healthz counted in metrics: $(grep healthz "$TMP/m")"
grep -q '^bmis_http_requests_total{route="/api/v1/me",method="GET",code="4xx"} [1-9]' "$TMP/m" \
  && ok || bad "401 counted in metrics"

# 7. The access log is JSON Lines on stderr.
grep -q '^{.*"route":"/api/v1/me".*"status":401' "$TMP/err" && ok || bad "access log line"

# 8. SIGTERM: graceful stop, exit status 0, within the bound.
kill -TERM "$PID"
status=
for _ in $(seq 1 100); do # up to 10 s
  if ! kill -0 "$PID" 2>/dev/null; then wait "$PID"; status=$?; break; fi
  sleep 0.1
done
[ "$status" = 0 ] && ok || bad "exit status after SIGTERM: '${status:-still running}'"
grep -q 'stopped' "$TMP/err" && ok || bad "stop message"
PID=

summary
