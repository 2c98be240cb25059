#!/usr/bin/env bash
# run.sh - run every built libFuzzer harness for a while; `make fuzz` calls it.
#
#   bash fuzz/run.sh BUILDDIR SECONDS
#
# Each fuzzer in BUILDDIR (the executables named after fuzz/*_fuzz.c, built with -DBMIS_FUZZ=ON and
# clang) runs for SECONDS on a scratch copy of its corpus, so the committed corpus only changes when
# someone merges findings on purpose. Exit status: 0 when no fuzzer crashed, 1 when one did (the
# reproducer is kept and named), 2 on usage errors or when no fuzzer is built.
set -uo pipefail

if [ $# -ne 2 ] || ! [[ $2 =~ ^[0-9]+$ ]]; then
  echo "usage: $0 BUILDDIR SECONDS" >&2
  exit 2
fi
builddir=$(cd "$1" && pwd) || exit 2
seconds=$2
src=$(cd "$(dirname "$0")" && pwd)   # the fuzz/ directory

# Recoverable UBSan checks only print by default; a fuzzer must stop on them like on a crash.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

work=$(mktemp -d "${TMPDIR:-/tmp}/bmis-fuzz.XXXXXX") || exit 2
ran=0
failed=()
for harness in "$src"/*_fuzz.c; do
  name=$(basename "$harness" .c)
  bin="$builddir/$name"
  if [ ! -x "$bin" ]; then
    echo "fuzz: $name not built in $builddir (configure with CC=clang -DBMIS_FUZZ=ON), skipped" >&2
    continue
  fi
  corpus="$work/$name/corpus"
  artifacts="$work/$name/artifacts"
  mkdir -p "$corpus" "$artifacts"
  if [ -d "$src/corpus/$name" ]; then cp -R "$src/corpus/$name/." "$corpus/"; fi
  before=$(find "$corpus" -type f | wc -l)

  echo "fuzz: $name for ${seconds}s (log: $work/$name/log)"
  # -max_len 4096: the largest input any harness reads (MRZ_TEXT_BYTES_MAX); longer only tests the
  # size guard. -timeout: no MRZ-sized input should take anywhere near a second.
  "$bin" -max_total_time="$seconds" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$artifacts/" -print_final_stats=1 "$corpus" >"$work/$name/log" 2>&1
  status=$?
  ran=$((ran + 1))
  after=$(find "$corpus" -type f | wc -l)
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added)' \
    "$work/$name/log" | sed "s/^/  /"
  echo "  corpus: $before -> $after files"
  if [ $status -ne 0 ]; then
    failed+=("$name")
    echo "fuzz: $name FAILED (exit $status):" >&2
    # The report without libFuzzer's and libc's own frames.
    grep -E '^(==[0-9]+==|SUMMARY|    #[0-9]+ .* in )' "$work/$name/log" |
      grep -vE ' in (fuzzer::|__sanitizer_print_stack_trace|__libc_start|_start )' | head -n 25 >&2
    for f in "$artifacts"/*; do
      [ -e "$f" ] && echo "  reproducer: $f" >&2
    done
  fi
done

if [ $ran -eq 0 ]; then
  echo "fuzz: no fuzzer built in $builddir" >&2
  exit 2
fi

cat <<EOF

Scratch corpora and logs: $work
To keep what the fuzzers found, minimise it into the committed corpus (keeps only inputs that add
coverage edges; -use_counters=0 stops hit-count variants from bloating it; keep each corpus under
~300 files / 200 KB):
    $builddir/<name> -merge=1 -use_counters=0 $src/corpus/<name> $work/<name>/corpus
To keep a crash as a regression test, copy it with a name that says what it is:
    cp $work/<name>/artifacts/crash-<hash> $src/corpus/<name>/crash-<what-it-breaks>
It then replays in \`make test\` (fuzz-replay/<name>) and fails until the bug is fixed.
When done: rm -rf $work
EOF

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: crashed: ${failed[*]}" >&2
  exit 1
fi
exit 0
