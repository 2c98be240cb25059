#!/usr/bin/env bash
# Tests of `bmis user` and `bmis audit` against a real SQLite database in a temporary directory.
# usage: user_audit.sh PATH/TO/bmis
# The tampering cases need the sqlite3 command-line shell (Debian package sqlite3) and are skipped
# without it; tests/unit/store_test.c covers tampering in any case.
set -u
BMIS=${1:?path to bmis}
. "$(dirname "$0")/lib/common.sh"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
DB="$TMP/bmis.db"

# 1. add: password from stdin, JSON out; from --password-file; every role name accepted.
echo 'correct horse battery' | "$BMIS" user add --db "$DB" --role officer anna >"$TMP/out" 2>"$TMP/err"
expect_status "add from stdin" 0 $?
[ "$(cat "$TMP/out")" = '{"id":1,"username":"anna","role":"officer"}' ] && ok || bad "add output: $(cat "$TMP/out")"
printf 'another long password\n' >"$TMP/pw"
for r in supervisor analyst administrator dpo api_client; do
  "$BMIS" user add --db "$DB" --role "$r" --password-file "$TMP/pw" "u-$r" >/dev/null
  expect_status "add role $r" 0 $?
done

# 2. refusals: policy, duplicate, unknown role, bad name, missing user -> 1 or 2 as documented.
echo 'too short' | "$BMIS" user add --db "$DB" --role officer bob >"$TMP/out" 2>"$TMP/err"
expect_status "short password" 1 $?
grep -q '12 bytes' "$TMP/err" && [ ! -s "$TMP/out" ] && ok || bad "short password: want the policy on stderr only"
echo 'correct horse battery' | "$BMIS" user add --db "$DB" --role officer anna >/dev/null 2>&1
expect_status "duplicate user" 1 $?
echo 'correct horse battery' | "$BMIS" user add --db "$DB" --role king carl >/dev/null 2>&1
expect_status "unknown role" 2 $?
echo 'correct horse battery' | "$BMIS" user add --db "$DB" --role officer 'Bad Name' >/dev/null 2>&1
expect_status "bad user name" 1 $?
"$BMIS" user disable --db "$DB" nobody >/dev/null 2>&1
expect_status "disable unknown" 1 $?
"$BMIS" user add --db "$DB" anna </dev/null >/dev/null 2>&1
expect_status "add without role" 2 $?
"$BMIS" user frob --db "$DB" >/dev/null 2>&1
expect_status "unknown subcommand" 2 $?
"$BMIS" user list --db "$TMP/missing.db" >/dev/null 2>"$TMP/err"
expect_status "missing database" 2 $?
grep -q 'missing.db' "$TMP/err" && ok || bad "missing database: message should name the file"
[ ! -e "$TMP/missing.db" ] && ok || bad "list created a database"
"$BMIS" user --help >/dev/null
expect_status "help" 0 $?

# 3. passwd, disable, list.
echo 'a brand new passphrase' | "$BMIS" user passwd --db "$DB" anna
expect_status "passwd" 0 $?
"$BMIS" user disable --db "$DB" u-analyst
expect_status "disable" 0 $?
"$BMIS" user list --db "$DB" >"$TMP/list"
expect_status "list" 0 $?
[ "$(wc -l <"$TMP/list")" -eq 6 ] && ok || bad "list: want 6 users, got $(wc -l <"$TMP/list")"
grep -q '"username":"u-analyst","role":"analyst","disabled":true' "$TMP/list" && ok || bad "list: u-analyst not disabled"
grep -q '"username":"anna","role":"officer","disabled":false' "$TMP/list" && ok || bad "list: anna"
grep -q 'password' "$TMP/list" && bad "list shows password hashes" || ok

# 4. audit verify: intact, with every change recorded.
"$BMIS" audit verify --db "$DB" >"$TMP/verify"
expect_status "verify intact" 0 $?
grep -q '"intact":true,"records":8,' "$TMP/verify" && ok || bad "verify: $(cat "$TMP/verify")"
"$BMIS" audit list --db "$DB" --action user.create >"$TMP/events"
[ "$(wc -l <"$TMP/events")" -eq 6 ] && ok || bad "audit list: want 6 user.create events"
"$BMIS" audit list --db "$DB" --action user.passwd | grep -q '"source_addr":"local"' && ok || bad "audit list: passwd event"
"$BMIS" audit verify --db "$TMP/missing.db" >/dev/null 2>&1
expect_status "verify missing database" 2 $?
"$BMIS" audit verify --bogus >/dev/null 2>&1
expect_status "verify bad option" 2 $?

# 5. tampering is found and named.
if command -v sqlite3 >/dev/null 2>&1; then
  sqlite3 "$DB" "UPDATE audit_event SET reason = 'administrator' WHERE id = 3"
  "$BMIS" audit verify --db "$DB" >"$TMP/verify" 2>"$TMP/err"
  expect_status "verify tampered" 1 $?
  grep -q '"intact":false,"records":2,"first_broken_id":3,"reason":"hash_mismatch"' "$TMP/verify" && ok || bad "tampered: $(cat "$TMP/verify")"
  grep -q 'record 3' "$TMP/err" && ok || bad "tampered: stderr should name record 3"
  sqlite3 "$DB" "DELETE FROM audit_event WHERE id IN (3, 4)"
  "$BMIS" audit verify --db "$DB" >"$TMP/verify" 2>/dev/null
  expect_status "verify gap" 1 $?
  grep -q '"first_broken_id":5,"reason":"gap"' "$TMP/verify" && ok || bad "gap: $(cat "$TMP/verify")"
else
  echo "skip: sqlite3 shell not installed, tampering cases not run"
fi

summary
