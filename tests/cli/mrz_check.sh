#!/usr/bin/env bash
# Golden tests of `bmis mrz check` and `bmis mrz make` (DESIGN.md 5.1).
# usage: mrz_check.sh PATH/TO/bmis   (BMIS_UPDATE_GOLDEN=1 rewrites the expected files; review the diff)
set -u
BMIS=${1:?path to bmis}
. "$(dirname "$0")/lib/common.sh"
HERE=$(cd "$(dirname "$0")" && pwd)
D="$HERE/mrz"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

# 1. The DESIGN.md 5.1 example, exactly (input_line is an openbmis extension).
echo 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<|L898902C36UTO7408122F1204159ZE184226B<<<<<10' \
  | "$BMIS" mrz check >"$TMP/spec.json"
expect_status "spec example" 0 $?
want='{"format":"TD3","valid":true,"document_code":"P","issuing_state":"UTO","surname":"ERIKSSON","given_names":"ANNA MARIA","document_number":"L898902C3","nationality":"UTO","birth_date":"1974-08-12","sex":"F","expiry_date":"2012-04-15","optional_data":"ZE184226B","optional_data_2":null,"checks":{"document_number":true,"birth_date":true,"expiry_date":true,"optional_data":true,"composite":true},"errors":[],"corrections":[],"input_line":1}'
if [ "$(cat "$TMP/spec.json")" = "$want" ]; then ok; else bad "spec example: got $(cat "$TMP/spec.json")"; fi

# 2. Every format, separators, long numbers, errors: one object per document in input order.
"$BMIS" mrz check --today 2026-11-23 "$D/check_input.txt" >"$TMP/check.jsonl"
expect_status "check corpus" 1 $?
golden "check" "$D/check_expected.jsonl" "$TMP/check.jsonl"
n=$(wc -l <"$TMP/check.jsonl")
[ "$n" -eq 11 ] && ok || bad "check: $n documents, want 11"

# 3. Autocorrection reports its repairs.
"$BMIS" mrz check --today 2026-11-23 --autocorrect "$D/check_input.txt" >"$TMP/ac.jsonl"
expect_status "autocorrect corpus" 1 $?
golden "autocorrect" "$D/check_autocorrect_expected.jsonl" "$TMP/ac.jsonl"

# 4. Stdin and '-' are the same as a file; all valid -> 0.
head -2 "$D/check_input.txt" | "$BMIS" mrz check - >/dev/null
expect_status "stdin valid" 0 $?

# 5. Usage and I/O errors -> 2, with a message on stderr and nothing on stdout.
"$BMIS" mrz check --bogus </dev/null >"$TMP/out" 2>"$TMP/err"
expect_status "unknown option" 2 $?
[ -s "$TMP/err" ] && [ ! -s "$TMP/out" ] && ok || bad "unknown option: want message on stderr only"
"$BMIS" mrz check "$TMP/does-not-exist" >/dev/null 2>"$TMP/err"
expect_status "missing file" 2 $?
grep -q 'does-not-exist' "$TMP/err" && ok || bad "missing file: message should name the file"
"$BMIS" mrz check --today 2026-02-30 </dev/null >/dev/null 2>&1
expect_status "bad --today" 2 $?
"$BMIS" mrz frobnicate >/dev/null 2>&1
expect_status "unknown subcommand" 2 $?

# 6. make: fields in, MRZ out; round trip through check.
"$BMIS" mrz make "$D/make_input.jsonl" >"$TMP/made.txt"
expect_status "make" 0 $?
golden "make" "$D/make_expected.txt" "$TMP/made.txt"
"$BMIS" mrz check --today 2026-11-23 "$TMP/made.txt" >"$TMP/made.jsonl"
expect_status "make | check all valid" 0 $?
# Feeding check's output back into make regenerates the same lines.
"$BMIS" mrz make "$TMP/made.jsonl" >"$TMP/remade.txt" 2>"$TMP/err"
expect_status "check | make" 0 $?
if diff -q "$TMP/made.txt" "$TMP/remade.txt" >/dev/null; then ok; else bad "check output fed to make changed the MRZ"; diff "$TMP/made.txt" "$TMP/remade.txt"; fi
"$BMIS" mrz make --json "$D/make_input.jsonl" >"$TMP/made.json"
expect_status "make --json" 0 $?
grep -q '"lines":\["P<UTOERIKSSON<<ANNA<MARIA' "$TMP/made.json" && ok || bad "make --json lines"

# 7. make rejects bad fields, naming the document and field, and keeps going.
printf '%s\n' '{"format":"TD3","surname":"X","document_number":"1234567890123","birth_date":"1970-01-01","expiry_date":"2030-01-01","issuing_state":"UTO","nationality":"UTO"}' \
  '{"format":"TD3","surname":"ERIKSSON","given_names":"ANNA","document_number":"L898902C3","birth_date":"1974-08-12","expiry_date":"2012-04-15","issuing_state":"UTO","nationality":"UTO","sex":"F"}' \
  '{"format":"TD3","surname":"X","birth_date":"1970-02-30","issuing_state":"UTO","nationality":"UTO"}' \
  | "$BMIS" mrz make >"$TMP/out" 2>"$TMP/err"
expect_status "make invalid" 1 $?
grep -q 'document 1: document_number' "$TMP/err" && ok || bad "make: document 1 error should name document_number: $(cat "$TMP/err")"
grep -q 'document 3: birth_date' "$TMP/err" && ok || bad "make: document 3 error should name birth_date: $(cat "$TMP/err")"
[ "$(wc -l <"$TMP/out")" -eq 2 ] && ok || bad "make: the valid document must still be printed"
echo '{"format":"TD3",' | "$BMIS" mrz make >/dev/null 2>"$TMP/err"
expect_status "make broken JSON" 2 $?
grep -q 'invalid JSON' "$TMP/err" && ok || bad "make: broken JSON message"

# 8. Bytes that are not MRZ characters (a scanner's 0xC9, control characters) are reported with their
#    position, never fatal: the document and the ones after it are still printed.
printf 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<\311<10\n\n%s\n' \
  'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<|L898902C36UTO7408122F1204159ZE184226B<<<<<10' \
  | "$BMIS" mrz check >"$TMP/bytes.jsonl" 2>"$TMP/err"
expect_status "non-ASCII byte" 1 $?
[ "$(wc -l <"$TMP/bytes.jsonl")" -eq 2 ] && ok || bad "non-ASCII byte: want 2 documents: $(cat "$TMP/err")"
grep -q '"column":41,"code":"charset","message":"0xC9 is not allowed' "$TMP/bytes.jsonl" && ok || bad "non-ASCII byte: error should name column 41 and 0xC9"
tail -1 "$TMP/bytes.jsonl" | grep -q '"valid":true' && ok || bad "non-ASCII byte: the next document must still be checked"

# 9. The command line itself.
"$BMIS" --version | grep -q '^openbmis [0-9]' && ok || bad "--version"
"$BMIS" --help | grep -q 'mrz' && ok || bad "--help lists mrz"
"$BMIS" help mrz | grep -q 'bmis mrz check' && ok || bad "help mrz"
"$BMIS" mrz check --help | grep -q -- '--autocorrect' && ok || bad "mrz check --help"
"$BMIS" nosuchcommand >/dev/null 2>&1
expect_status "unknown command" 2 $?
"$BMIS" >/dev/null 2>&1
expect_status "no command" 2 $?

summary
