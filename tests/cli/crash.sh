#!/usr/bin/env bash
# Crash test of bmis serve: four clients post crossings as fast as they can; once a number of them
# were acknowledged (201), the server is killed with SIGKILL in the middle of the stream. After a
# restart on the same database, every acknowledged crossing must be there, with its decision, and
# the audit chain must verify. The kill point is a count of acknowledgements, not a time.
# usage: crash.sh PATH/TO/bmis
set -u
BMIS=${1:?path to bmis}
. "$(dirname "$0")/lib/common.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
DATA="$HERE/../../demo"
TMP=$(mktemp -d)
PID=
CLIENTS=()
cleanup() {
  for c in "${CLIENTS[@]}"; do kill "$c" 2>/dev/null; done
  [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT
ACKS_BEFORE_KILL=200

start_server() { # -> PID, URL
  serve_start "$BMIS" "$TMP/err" --db "$TMP/bmis.db" --threads 4 --no-access-log
}

if ! "$BMIS" demo --db "$TMP/bmis.db" --data "$DATA" --seed 3 --end-date 2026-06-30 \
  --travellers 200 >"$TMP/demo.out" 2>&1; then
  bad "bmis demo failed: $(tail -3 "$TMP/demo.out")"
  summary
  exit 1
fi
start_server || { bad "server did not start: $(cat "$TMP/err")"; summary; exit 1; }
TOKEN=$(curl -s -X POST -H 'Content-Type: application/json' \
  -d '{"username":"officer1","password":"officer-demo-2026","kind":"api"}' \
  "$URL/api/v1/sessions" | jq -r '.token // empty')
[ -n "$TOKEN" ] && ok || bad "no token"

# One client: post crossings of traveller $1 until the server is gone; each acknowledged id and its
# decision go to acks.$1 only after the 201 arrived.
client() {
  local t=$1 i=0 dir code
  while :; do
    i=$((i + 1))
    if [ $((i % 2)) -eq 1 ]; then dir=entry; else dir=exit; fi
    code=$(curl -s -o "$TMP/r.$t" -w '%{http_code}' --max-time 10 -X POST \
      -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
      -d "{\"traveller_id\":$t,\"bcp_id\":1,\"direction\":\"$dir\",\"decision\":\"admitted\",\"remarks\":\"crash test $t/$i\"}" \
      "$URL/api/v1/crossings") || return 0
    [ "$code" = 201 ] || return 0
    printf '%s %s\n' "$(jq -r .crossing.id "$TMP/r.$t")" "crash test $t/$i" >>"$TMP/acks.$t"
  done
}
for t in 11 12 13 14; do
  client "$t" &
  CLIENTS+=($!)
done
for _ in $(seq 1 600); do # up to 60 s
  [ "$(cat "$TMP"/acks.* 2>/dev/null | wc -l)" -ge "$ACKS_BEFORE_KILL" ] && break
  sleep 0.1
done
kill -9 "$PID"
wait "$PID" 2>/dev/null
PID=
for c in "${CLIENTS[@]}"; do wait "$c" 2>/dev/null; done
CLIENTS=()
cat "$TMP"/acks.* >"$TMP/acks"
N=$(wc -l <"$TMP/acks")
[ "$N" -ge "$ACKS_BEFORE_KILL" ] && ok || bad "only $N crossings acknowledged before the kill"

# Restart on the same files: every acknowledged crossing is there.
start_server || { bad "server did not restart: $(cat "$TMP/err")"; summary; exit 1; }
TOKEN=$(curl -s -X POST -H 'Content-Type: application/json' \
  -d '{"username":"supervisor","password":"supervisor-demo-2026","kind":"api"}' \
  "$URL/api/v1/sessions" | jq -r '.token // empty')
missing=0
while read -r id remark; do
  got=$(curl -s --max-time 10 -H "Authorization: Bearer $TOKEN" "$URL/api/v1/crossings/$id" |
    jq -r '.crossing.remarks // empty')
  [ "$got" = "$remark" ] || { missing=$((missing + 1)); [ $missing -le 3 ] && echo "lost: $id $remark (got '$got')"; }
done <"$TMP/acks"
[ "$missing" -eq 0 ] && ok || bad "$missing of $N acknowledged crossings lost"
kill -TERM "$PID"
wait "$PID"
[ $? -eq 0 ] && ok || bad "server exit after SIGTERM"
PID=
"$BMIS" audit verify --db "$TMP/bmis.db" >"$TMP/v" 2>&1 && ok || bad "audit chain: $(cat "$TMP/v")"
echo "acknowledged before SIGKILL: $N, all found after restart: $([ $missing -eq 0 ] && echo yes || echo no)"
summary
