# common.sh - what the command-line tests (tests/cli/*.sh) share: counting checks, comparing with
# golden files, and starting `bmis serve` on a free port. Sourced, never run (CTest runs only the
# scripts directly in tests/cli/). A script sets TMP (a temporary directory) before it calls golden
# or serve_start, and ends with `summary`.
#
# Checks: each adds one to passes or to fails; a failure prints one "FAIL: ..." line.
fails=0
passes=0
ok() { passes=$((passes + 1)); }
bad() { echo "FAIL: $*"; fails=$((fails + 1)); }
check() { # name want got
  if [ "$2" = "$3" ]; then ok; else bad "$1: got '$3', want '$2'"; fi
}
expect_status() { # name want got
  if [ "$2" = "$3" ]; then ok; else bad "$1: exit status $3, want $2"; fi
}
golden() { # name expected-file actual-file (BMIS_UPDATE_GOLDEN=1 rewrites the expected file)
  if [ "${BMIS_UPDATE_GOLDEN:-}" = 1 ]; then cp "$3" "$2"; fi
  if diff -u "$2" "$3" >"$TMP/diff"; then ok; else bad "$1 differs from $(basename "$2"):"; cat "$TMP/diff"; fi
}
has() { # name file pattern
  if grep -q -- "$3" "$2"; then ok; else bad "$1: no '$3' in $(basename "$2")"; fi
}
hasnt() { # name file pattern
  if grep -q -- "$3" "$2"; then bad "$1: unexpected '$3' in $(basename "$2")"; else ok; fi
}
# The last line every test prints, and its exit status.
summary() {
  echo "$passes passed, $fails failed"
  [ "$fails" -eq 0 ]
}

# server_tmp: a temporary directory TMP and an empty PID; on exit the server PID (when set) is
# stopped and TMP removed. For the scripts that run `bmis serve` (start it with serve_start).
server_tmp() {
  TMP=$(mktemp -d)
  PID=
  trap 'if [ -n "$PID" ]; then kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null; fi; rm -rf "$TMP"' EXIT
}

# serve_start BMIS ERRFILE ARGS...: start `BMIS serve --listen 127.0.0.1:0 ARGS...` in the
# background with stderr in ERRFILE; sets PID, and URL from its "listening on" line (up to 30 s:
# an ASan build loads watchlists slowly). Returns 1 (URL empty) when the server did not start.
serve_start() {
  local bmis=$1 err=$2
  shift 2
  : >"$err"
  "$bmis" serve --listen 127.0.0.1:0 "$@" 2>"$err" &
  PID=$!
  URL=
  for _ in $(seq 1 300); do
    URL=$(sed -n 's/^listening on \(http:\/\/[^ ]*\)$/\1/p' "$err" | head -1)
    [ -n "$URL" ] && return 0
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.1
  done
  return 1
}
