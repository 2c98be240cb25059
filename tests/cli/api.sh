#!/usr/bin/env bash
# End-to-end tests of the REST API: a real `bmis serve` on loopback over a real SQLite demo
# database, driven with curl (and jq to read the answers). The booth's story: sign in, inspect a
# document that hits a watchlist, refuse entry with an Annex V code, read the history; then the
# rules around it: permissions per role, CSRF for browser sessions, validation problems, second
# line, false-hit dispositions, watchlist replacement, audit trail, sign-out.
# usage: api.sh PATH/TO/bmis
set -u
BMIS=${1:?path to bmis}
. "$(dirname "$0")/lib/common.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
DATA="$HERE/../../demo"
server_tmp
CURL=(curl -s -S --max-time 20)

# 1. A demo database (small, fixed seed and date) and the server on a free port.
if ! "$BMIS" demo --db "$TMP/bmis.db" --data "$DATA" --seed 7 --end-date 2026-06-30 \
  --travellers 300 >"$TMP/demo.out" 2>&1; then
  bad "bmis demo failed: $(tail -3 "$TMP/demo.out")"
  summary
  exit 1
fi
if ! serve_start "$BMIS" "$TMP/err" --db "$TMP/bmis.db" --threads 2 --home-state UTO --no-access-log; then
  bad "server did not start: $(cat "$TMP/err")"
  summary
  exit 1
fi
grep -q 'watchlist national (national) version demo-2026.1: 200 entries' "$TMP/err" && ok ||
  bad "the national list was not loaded: $(cat "$TMP/err")"

# post PATH JSON [curl args...] -> body in $TMP/b, status echoed
post() {
  local path=$1 body=$2
  shift 2
  "${CURL[@]}" -o "$TMP/b" -w '%{http_code}' -X POST -H 'Content-Type: application/json' \
    --data-binary "$body" "$@" "$URL$path"
}
get() {
  local path=$1
  shift
  "${CURL[@]}" -o "$TMP/b" -w '%{http_code}' "$@" "$URL$path"
}
signin() { # user password -> bearer token
  post /api/v1/sessions "{\"username\":\"$1\",\"password\":\"$2\",\"kind\":\"api\"}" >/dev/null
  jq -r '.token // empty' "$TMP/b"
}
try_mrz() { jq -c --arg l "$1" 'select(.label == $l) | .mrz' "$TMP/bmis.db.try.jsonl"; }

# 2. Sign in (API token); wrong passwords are refused alike.
OFF=$(signin officer1 officer-demo-2026)
[ -n "$OFF" ] && ok || bad "officer sign-in gave no token: $(cat "$TMP/b")"
check "wrong password" 401 "$(post /api/v1/sessions '{"username":"officer1","password":"wrong-password-1","kind":"api"}')"
check "unknown user" 401 "$(post /api/v1/sessions '{"username":"nobody","password":"wrong-password-1","kind":"api"}')"
check "refusal is problem+json" "Sign-in refused" "$(jq -r .title "$TMP/b")"
AUTH=(-H "Authorization: Bearer $OFF")

# 3. Inspect the try set's national-alert passport: one hit with reasons.
MRZ=$(try_mrz national-alert)
ENTRY=$(jq -r 'select(.label == "national-alert") | .entry_id' "$TMP/bmis.db.try.jsonl")
check "inspection" 200 "$(post /api/v1/inspections "{\"mrz\":$MRZ,\"bcp_id\":1,\"direction\":\"entry\"}" "${AUTH[@]}")"
check "document check valid" true "$(jq -r .document_check.valid "$TMP/b")"
check "hit on the national list" "national $ENTRY" "$(jq -r '.hits[0] | "\(.list) \(.entry_id)"' "$TMP/b")"
jq -e '.hits[0].reasons | index("birth_date exact")' "$TMP/b" >/dev/null && ok || bad "hit reasons: $(jq -c .hits "$TMP/b")"
jq -e '.hits[0].reasons | map(select(startswith("nationality differs"))) | length == 0' "$TMP/b" >/dev/null &&
  ok || bad "the MRZ's D must meet the list's DEU: $(jq -c .hits[0].reasons "$TMP/b")"
check "stay calculated for an entry" true "$(jq -r '.stay != null' "$TMP/b")"
TID=$(jq -r .traveller.id "$TMP/b")
DID=$(jq -r .document.id "$TMP/b")
KEY=$(jq -r .traveller_key "$TMP/b")
LIST_ID=$(jq -r .hits[0].watchlist_id "$TMP/b")
NHIST=$(jq -r '.history | length' "$TMP/b")

# 4. Refuse entry: a code is required and must exist; then it is in the history.
check "refusal without code" 422 "$(post /api/v1/crossings "{\"traveller_id\":$TID,\"document_id\":$DID,\"bcp_id\":1,\"direction\":\"entry\",\"decision\":\"refused\"}" "${AUTH[@]}")"
check "problem names the field" refusal_codes "$(jq -r '.errors[0].field' "$TMP/b")"
check "unknown code" 422 "$(post /api/v1/crossings "{\"traveller_id\":$TID,\"document_id\":$DID,\"bcp_id\":1,\"direction\":\"entry\",\"decision\":\"refused\",\"refusal_codes\":[\"Q\"]}" "${AUTH[@]}")"
check "refusal" 201 "$(post /api/v1/crossings "{\"traveller_id\":$TID,\"document_id\":$DID,\"bcp_id\":1,\"direction\":\"entry\",\"decision\":\"refused\",\"refusal_codes\":[\"H\"],\"remarks\":\"national alert\"}" "${AUTH[@]}")"
CID=$(jq -r .crossing.id "$TMP/b")
check "history" 200 "$(get "/api/v1/travellers/$TID" "${AUTH[@]}")"
check "newest crossing is the refusal" "$CID refused H" "$(jq -r '.crossings[0] | "\(.id) \(.decision) \(.refusal_codes[0])"' "$TMP/b")"
check "history grew" $((NHIST + 1)) "$(jq -r '.crossings | length' "$TMP/b")"
check "unknown traveller" 404 "$(get /api/v1/travellers/99999999 "${AUTH[@]}")"

check "crossing" 200 "$(get "/api/v1/crossings/$CID" "${AUTH[@]}")"
check "crossing read back" "refused H" "$(jq -r '.crossing | "\(.decision) \(.refusal_codes[0])"' "$TMP/b")"

# The demo's overstayer is on the overstayers list (the try set names him).
OVER=$(jq -r 'select(.label == "overstayer") | .surname' "$TMP/bmis.db.try.jsonl")
check "overstayers" 200 "$(get /api/v1/overstayers "${AUTH[@]}")"
jq -e --arg s "$OVER" '.overstayers | map(select(.traveller.surname == $s and .stay.overstay != null)) | length >= 1' "$TMP/b" >/dev/null &&
  ok || bad "overstayer $OVER not listed: $(head -c 300 "$TMP/b")"

# 5. Malformed and invalid requests: problems that say where.
check "malformed JSON" 400 "$(post /api/v1/inspections '{"mrz": ' "${AUTH[@]}")"
check "malformed JSON line" 1 "$(jq -r '.errors[0].line' "$TMP/b")"
check "bad direction" 422 "$(post /api/v1/inspections "{\"mrz\":$MRZ,\"bcp_id\":1,\"direction\":\"up\"}" "${AUTH[@]}")"
check "bad direction field" direction "$(jq -r '.errors[0].field' "$TMP/b")"
check "typed document" 200 "$(post /api/v1/inspections '{"document":{"surname":"NOVAK","given_names":"JANA","birth_date":"1990-01-02","nationality":"CZE","document_number":"40000001","issuing_state":"CZE"},"bcp_id":2,"direction":"entry"}' "${AUTH[@]}")"
check "typed document has no MRZ check" null "$(jq -r .document_check "$TMP/b")"

# 6. Permissions: an officer may not read the audit trail nor upload lists; the DPO may audit.
check "officer reads audit" 403 "$(get /api/v1/audit "${AUTH[@]}")"
check "no credentials" 401 "$(get /api/v1/travellers/1)"
DPO=$(signin dpo dpo-demo-2026)
check "dpo reads audit" 200 "$(get "/api/v1/audit?action=crossing.create&object_id=$CID" -H "Authorization: Bearer $DPO")"
jq -e --arg c "$CID" '.events | map(select(.object_id == $c and .actor == "officer1")) | length == 1' "$TMP/b" >/dev/null &&
  ok || bad "the refusal is not in the audit trail: $(cat "$TMP/b")"
check "audit chain" 200 "$(get /api/v1/audit/verify -H "Authorization: Bearer $DPO")"
check "audit chain intact" true "$(jq -r .intact "$TMP/b")"
check "dpo may not inspect" 403 "$(post /api/v1/inspections "{\"mrz\":$MRZ,\"bcp_id\":1,\"direction\":\"entry\"}" -H "Authorization: Bearer $DPO")"
check "denied access audited" 200 "$(get '/api/v1/audit?action=access.denied&limit=500' -H "Authorization: Bearer $DPO")"
jq -e '.events | map(select(.actor == "dpo")) | length >= 1' "$TMP/b" >/dev/null && ok || bad "access.denied not audited"

# 7. A browser session: cookie plus CSRF token for changes.
post /api/v1/sessions '{"username":"officer2","password":"officer-demo-2026"}' -c "$TMP/jar" >/dev/null
CSRF=$(jq -r .csrf_token "$TMP/b")
grep -q 'bmis_session' "$TMP/jar" && ok || bad "no session cookie"
check "cookie read" 200 "$(get /api/v1/me -b "$TMP/jar")"
check "cookie change without CSRF" 403 "$(post /api/v1/inspections "{\"mrz\":$MRZ,\"bcp_id\":1,\"direction\":\"entry\"}" -b "$TMP/jar")"
check "cookie change with CSRF" 200 "$(post /api/v1/inspections "{\"mrz\":$MRZ,\"bcp_id\":1,\"direction\":\"entry\"}" -b "$TMP/jar" -H "X-CSRF-Token: $CSRF")"
check "a browser token is no bearer token" 401 "$(get /api/v1/me -H "Authorization: Bearer $(awk '$6 == "bmis_session" { print $7 }' "$TMP/jar")")"

# 8. Second line: refer, list, resolve (supervisor only, notes required).
check "referral" 201 "$(post /api/v1/crossings "{\"traveller_id\":$TID,\"bcp_id\":1,\"direction\":\"entry\",\"decision\":\"referred\",\"referral_reason\":\"check the alert\"}" "${AUTH[@]}")"
RID=$(jq -r .referral_id "$TMP/b")
check "open referrals" 200 "$(get /api/v1/referrals "${AUTH[@]}")"
jq -e --argjson r "$RID" '.referrals | map(select(.id == $r)) | length == 1' "$TMP/b" >/dev/null && ok || bad "referral not listed"
check "officer may not resolve" 403 "$(post "/api/v1/referrals/$RID/resolve" '{"outcome":"refused","refusal_codes":["H"],"notes":"x"}' "${AUTH[@]}")"
SUP=$(signin supervisor supervisor-demo-2026)
check "resolve without notes" 422 "$(post "/api/v1/referrals/$RID/resolve" '{"outcome":"admitted"}' -H "Authorization: Bearer $SUP")"
check "resolve" 200 "$(post "/api/v1/referrals/$RID/resolve" '{"outcome":"refused","refusal_codes":["H"],"notes":"alert confirmed by the issuing unit"}' -H "Authorization: Bearer $SUP")"
check "resolved" "resolved refused" "$(jq -r '.referral | "\(.status) \(.outcome)"' "$TMP/b")"
check "resolve twice" 409 "$(post "/api/v1/referrals/$RID/resolve" '{"outcome":"admitted","notes":"again"}' -H "Authorization: Bearer $SUP")"

# 9. A verified false hit is not raised again for this traveller.
check "disposition" 201 "$(post /api/v1/dispositions "{\"traveller_key\":\"$KEY\",\"watchlist_id\":$LIST_ID,\"entry_id\":\"$ENTRY\",\"decision\":\"false_hit\",\"reason\":\"namesake: different place of birth\"}" -H "Authorization: Bearer $SUP")"
post /api/v1/inspections "{\"mrz\":$MRZ,\"bcp_id\":1,\"direction\":\"entry\"}" "${AUTH[@]}" >/dev/null
check "hit remembered as false" 0 "$(jq -r --arg e "$ENTRY" '.hits | map(select(.entry_id == $e)) | length' "$TMP/b")"

# 10. Watchlist replacement by an administrator: swapped in, a broken file refused.
ADM=$(signin admin admin-demo-2026)
printf '%s\n' '{"id":"T-1","kind":"person","names":["Zebulon QUIXOTE-TESTPERSON"],"birth_dates":["1950-01-01"]}' >"$TMP/new.jsonl"
check "upload" 200 "$("${CURL[@]}" -o "$TMP/b" -w '%{http_code}' -X PUT --data-binary "@$TMP/new.jsonl" -H "Authorization: Bearer $ADM" "$URL/api/v1/watchlists/national?kind=national&version=test-2&filename=n.jsonl")"
check "new version in use" "test-2 1 true" "$(jq -r '.watchlist | "\(.version) \(.entries) \(.in_use)"' "$TMP/b")"
check "inspect against the new list" 200 "$(post /api/v1/inspections '{"document":{"surname":"QUIXOTE-TESTPERSON","given_names":"ZEBULON","birth_date":"1950-01-01","document_number":"Z1","issuing_state":"UTO"},"bcp_id":1,"direction":"exit"}' "${AUTH[@]}")"
check "hit on the new list" T-1 "$(jq -r '.hits[0].entry_id' "$TMP/b")"
printf '{"id":\n' >"$TMP/broken.jsonl"
check "broken upload" 422 "$("${CURL[@]}" -o "$TMP/b" -w '%{http_code}' -X PUT --data-binary "@$TMP/broken.jsonl" -H "Authorization: Bearer $ADM" "$URL/api/v1/watchlists/national?filename=n.jsonl")"
check "broken upload names the line" 1 "$(jq -r '.errors[0].line' "$TMP/b")"
check "officer may not upload" 403 "$("${CURL[@]}" -o "$TMP/b" -w '%{http_code}' -X PUT --data-binary "@$TMP/new.jsonl" "${AUTH[@]}" "$URL/api/v1/watchlists/national")"

# 11. The UI's endpoints: the hit queue, a watchlist entry, statistics, BCPs, accounts.
# Every inspection above stored its hits: the national alert's are in the queue, disposed of.
check "hits (officer)" 200 "$(get '/api/v1/hits?status=all&limit=1000' "${AUTH[@]}")"
jq -e --arg e "$ENTRY" --argjson t "$TID" '.hits | map(select(.entry_id == $e and .traveller_id == $t and .list == "national" and .disposition == "false_hit")) | length >= 1' "$TMP/b" >/dev/null &&
  ok || bad "the alert's hit is not in the queue as a false hit: $(head -c 400 "$TMP/b")"
jq -e '.hits | length >= 2 and (.[0].time >= .[1].time) and (.[0] | has("surname") and has("score"))' "$TMP/b" >/dev/null &&
  ok || bad "hits newest first: $(head -c 400 "$TMP/b")"
check "pending hits" 200 "$(get /api/v1/hits "${AUTH[@]}")"
check "pending excludes the disposed" 0 "$(jq -r --arg e "$ENTRY" --argjson t "$TID" '.hits | map(select(.entry_id == $e and .traveller_id == $t)) | length' "$TMP/b")"
check "hits: bad status" 400 "$(get '/api/v1/hits?status=maybe' "${AUTH[@]}")"
check "analyst may not list hits" 403 "$(get /api/v1/hits -H "Authorization: Bearer $(signin analyst analyst-demo-2026)")"
# Entries come from the lists in use: the national list is now the uploaded one (section 10).
check "entry" 200 "$(get /api/v1/watchlists/national/entries/T-1 "${AUTH[@]}")"
check "entry body" "national T-1 person Zebulon QUIXOTE-TESTPERSON 1950-01-01" "$(jq -r '"\(.list) \(.entry.id) \(.entry.kind) \(.entry.names[0]) \(.entry.birth_dates[0])"' "$TMP/b")"
jq -e '.entry | (.documents | type == "array") and (.nationalities | type == "array") and has("sex") and has("category") and has("notes")' "$TMP/b" >/dev/null &&
  ok || bad "entry shape: $(cat "$TMP/b")"
check "entry of the replaced version" 404 "$(get "/api/v1/watchlists/national/entries/$ENTRY" "${AUTH[@]}")"
SLTD=$(jq -r 'select(.label == "lost-stolen-document") | .entry_id' "$TMP/bmis.db.try.jsonl")
check "document entry" 200 "$(get "/api/v1/watchlists/sltd/entries/$SLTD" "${AUTH[@]}")"
jq -e '.entry.documents | length >= 1 and (.[0] | has("type") and has("number") and has("country"))' "$TMP/b" >/dev/null &&
  ok || bad "document entry: $(cat "$TMP/b")"
check "entry read audited" 200 "$(get "/api/v1/audit?action=watchlist_entry.read&object_id=national:T-1" -H "Authorization: Bearer $DPO")"
check "entry read in the trail" 1 "$(jq -r '.events | length' "$TMP/b")"
# The demo's crossings end on 2026-06-30: June counted, every day listed, figures consistent.
STATS='/api/v1/stats/crossings?from=2026-06-01&to=2026-06-30'
check "officer may not read statistics" 403 "$(get "$STATS" "${AUTH[@]}")"
check "crossing stats" 200 "$(get "$STATS" -H "Authorization: Bearer $SUP")"
check "stats range" "2026-06-01 2026-06-30 30" "$(jq -r '"\(.from) \(.to) \(.by_day | length)"' "$TMP/b")"
jq -e '.total > 0 and .total == .by_direction.entry + .by_direction.exit and
  .total == .by_decision.admitted + .by_decision.refused + .by_decision.referred and
  .total == ([.by_bcp[].count] | add) and .total == ([.by_nationality[].count] | add) and
  .total == (.by_sex | .M + .F + .X + .unknown) and
  .total == ([.by_day[] | .entry + .exit] | add) and (.by_nationality | length <= 21) and
  (.today | has("entry") and has("exit") and has("refused"))' "$TMP/b" >/dev/null &&
  ok || bad "crossing stats inconsistent: $(head -c 600 "$TMP/b")"
check "stats of one BCP" 200 "$(get "$STATS&bcp_id=2" -H "Authorization: Bearer $SUP")"
check "one BCP only" 2 "$(jq -r '.by_bcp | map(.bcp_id) | unique | .[0]' "$TMP/b")"
check "stats: default range is 30 days" 30 "$(get /api/v1/stats/crossings -H "Authorization: Bearer $SUP" >/dev/null; jq -r '.by_day | length' "$TMP/b")"
check "stats: reversed range" 422 "$(get '/api/v1/stats/crossings?from=2026-06-30&to=2026-06-01' -H "Authorization: Bearer $SUP")"
check "stats: bad date" 400 "$(get '/api/v1/stats/crossings?from=June' -H "Authorization: Bearer $SUP")"
check "hit stats" 200 "$(get /api/v1/stats/hits -H "Authorization: Bearer $SUP")"
jq -e '.total >= 2 and .dispositions.false_hit >= 1 and
  .total == .dispositions.false_hit + .dispositions.true_hit + .dispositions.pending and
  .total == ([.by_list[].count] | add)' "$TMP/b" >/dev/null && ok || bad "hit stats: $(cat "$TMP/b")"
check "officer may not read hit statistics" 403 "$(get /api/v1/stats/hits "${AUTH[@]}")"
# BCPs and accounts: administrators only.
BCP='{"code":"UTO-SEA-9","name":"Port Nine","country":"UTO","kind":"sea"}'
check "officer may not add a BCP" 403 "$(post /api/v1/bcps "$BCP" "${AUTH[@]}")"
check "add a BCP" 201 "$(post /api/v1/bcps "$BCP" -H "Authorization: Bearer $ADM")"
check "new BCP" "UTO-SEA-9 sea true" "$(jq -r '.bcp | "\(.code) \(.kind) \(.active)"' "$TMP/b")"
check "duplicate BCP" 409 "$(post /api/v1/bcps "$BCP" -H "Authorization: Bearer $ADM")"
check "bad BCP kind" 422 "$(post /api/v1/bcps '{"code":"UTO-X","name":"X","country":"UTO","kind":"space"}' -H "Authorization: Bearer $ADM")"
patch() {
  local path=$1 body=$2
  shift 2
  "${CURL[@]}" -o "$TMP/b" -w '%{http_code}' -X PATCH -H 'Content-Type: application/json' \
    --data-binary "$body" "$@" "$URL$path"
}
OFF3=$(signin officer3 officer-demo-2026)
O3=$(get /api/v1/users -H "Authorization: Bearer $ADM" >/dev/null; jq -r '.users[] | select(.username == "officer3") | .id' "$TMP/b")
check "officer3 signed in" 200 "$(get /api/v1/me -H "Authorization: Bearer $OFF3")"
check "officer may not change users" 403 "$(patch "/api/v1/users/$O3" '{"disabled":true}' "${AUTH[@]}")"
check "disable a user" 200 "$(patch "/api/v1/users/$O3" '{"disabled":true}' -H "Authorization: Bearer $ADM")"
check "disabled" true "$(jq -r .user.disabled "$TMP/b")"
check "disabling revoked the session" 401 "$(get /api/v1/me -H "Authorization: Bearer $OFF3")"
check "enable and promote" 200 "$(patch "/api/v1/users/$O3" '{"disabled":false,"role":"supervisor"}' -H "Authorization: Bearer $ADM")"
check "enabled supervisor" "false supervisor" "$(jq -r '.user | "\(.disabled) \(.role)"' "$TMP/b")"
check "empty change" 422 "$(patch "/api/v1/users/$O3" '{}' -H "Authorization: Bearer $ADM")"
check "unknown user" 404 "$(patch /api/v1/users/99999 '{"disabled":true}' -H "Authorization: Bearer $ADM")"
check "user changes audited" 200 "$(get "/api/v1/audit?object_type=user&object_id=$O3" -H "Authorization: Bearer $DPO")"
check "disable, enable, role in the trail" "user.disable user.enable user.role" "$(jq -r '[.events[].action | select(startswith("user.") and . != "user.create")] | sort | join(" ")' "$TMP/b")"
check "reading the staff list audited" 200 "$(get "/api/v1/audit?action=user.list" -H "Authorization: Bearer $DPO")"
check "user.list by admin" admin "$(jq -r '.events[0].actor' "$TMP/b")"

# 12. Sign-out ends the token.
check "sign out" 200 "$("${CURL[@]}" -o "$TMP/b" -w '%{http_code}' -X DELETE "${AUTH[@]}" "$URL/api/v1/sessions/current")"
check "token dead" 401 "$(get /api/v1/me "${AUTH[@]}")"

# 13. SIGTERM: a graceful stop, and the audit chain still verifies from the command line.
kill -TERM "$PID"
wait "$PID"
check "exit after SIGTERM" 0 "$?"
PID=
"$BMIS" audit verify --db "$TMP/bmis.db" >"$TMP/v" 2>&1
check "bmis audit verify" 0 "$?"

summary
