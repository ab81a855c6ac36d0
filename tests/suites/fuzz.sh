#!/usr/bin/env bash
# libFuzzer: every target in build/fuzz (one per parser of untrusted input,
# tests/fuzz/fuzz_*.c, built by make test-build) runs for FUZZ_SECONDS
# (default 20; `make fuzz` gives each 10 minutes), two at a time. It starts
# from the seeds in tests/fuzz/corpus/NAME and keeps what it finds in
# test-output/fuzz/NAME/corpus, so later runs go on from there. A crash,
# leak, sanitizer report or time-out fails the target; its input is left in
# test-output/fuzz/NAME/ (crash-..., leak-..., timeout-...) to reproduce with
#   build/fuzz/NAME test-output/fuzz/NAME/crash-...
# Last line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
seconds=${FUZZ_SECONDS:-20}
jobs=${FUZZ_JOBS:-2}
targets=()
for src in tests/fuzz/fuzz_*.c; do targets+=("$(basename "$src" .c)"); done
missing=0
for t in "${targets[@]}"; do
  [ -x "build/fuzz/$t" ] || { echo "fuzz: build/fuzz/$t is missing (make test-build)"; missing=$((missing + 1)); }
done
if [ "$missing" -gt 0 ]; then echo "0 passed, $missing failed"; exit 1; fi

run_one() {
  local t=$1 out=test-output/fuzz/$1
  mkdir -p "$out/corpus"
  local seeds=tests/fuzz/corpus/$t
  [ -d "$seeds" ] || seeds=""
  "build/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2560 -print_final_stats=1 \
    -artifact_prefix="$out/" "$out/corpus" $seeds >"$out/log" 2>&1
  echo $? >"$out/rc"
}

mkdir -p test-output/fuzz
running=0
for t in "${targets[@]}"; do
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
done
wait

passed=0 failed=0
for t in "${targets[@]}"; do
  out=test-output/fuzz/$t
  rc=$(cat "$out/rc" 2>/dev/null || echo 1)
  runs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$out/log" | grep -Eo '[0-9]+$' | tail -1)
  if [ "$rc" -eq 0 ]; then
    passed=$((passed + 1))
    echo "ok $t: ${runs:-?} inputs in ${seconds}s, corpus $(ls "$out/corpus" | wc -l)"
  else
    failed=$((failed + 1))
    echo "not ok $t: exit $rc (see $out/log)"
    grep -E 'ERROR|SUMMARY|Test unit written' "$out/log" | head -5
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
