#!/usr/bin/env bash
# Runs every test suite and ends with "N passed, N failed".
#  * build/dbg/tests/test_* : cmocka binaries (ASan/UBSan build). Storage tests
#    run on SQLite and on the throwaway PostgreSQL cluster started here
#    (CK_TEST_PG); a missing PostgreSQL is a failure, never a skip.
#  * tests/suites/*.sh      : other suites (end-to-end, browser, nginx) that
#    print their own "N passed, N failed" as their last line.
# CK_TESTS=REGEX runs only the binaries and suites whose names match it
# (a developer's shortcut; `make test` runs everything), after `make
# test-build` brings the binaries up to date (`make test` has just built
# them): a shortcut that ran yesterday's binaries would pass for the wrong
# reason.
# The cmocka binaries are independent (each makes its own temporary files and
# PostgreSQL schemas, and listens on port 0), so CK_TEST_JOBS of them (default
# 2, the machine's cores) run at once; results are counted in name order.
# The suites start servers, nginx and browsers on ports they probe for, so
# they run one at a time. Each test's wall seconds and the CPU seconds of its
# own processes (not PostgreSQL's) go to test-output/timings.txt, slowest
# first: on a shared machine the CPU seconds are the ones to compare.
set -uo pipefail
cd "$(dirname "$0")/.."
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
mkdir -p test-output
passed=0 failed=0
if [ -n "${CK_TESTS:-}" ] && ! make -s -j"$(nproc)" test-build >test-output/build.log 2>&1; then
  tail -20 test-output/build.log >&2
  echo "run-tests: the test build failed (test-output/build.log)" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

# shellcheck source=scripts/pg.sh
. scripts/pg.sh
trap 'ck_pg_stop immediate' EXIT

# Durability is worth nothing to a throwaway test database.
start_pg() {
  ck_pg_start ck-pg casekeeper_test -c fsync=off -c synchronous_commit=off -c full_page_writes=off || return 1
  CK_TEST_PG=$(ck_pg_url casekeeper_test)
  CK_TEST_PG_ADMIN=$(ck_pg_url postgres)
  export CK_TEST_PG CK_TEST_PG_ADMIN
}

if ! start_pg; then
  echo "run-tests: could not start PostgreSQL (see $ck_pg_dir): storage tests will fail" >&2
  cat "$ck_pg_dir"/*.log >&2 2>/dev/null
  failed=$((failed + 1))
  unset CK_TEST_PG
fi

count_cmocka() {
  # cmocka prints "[  PASSED  ] N test(s)." and "[  FAILED  ] N test(s)...".
  local out=$1 rc=$2 p f
  p=$(grep -Eo '^\[  PASSED  \] [0-9]+' "$out" | awk '{s+=$NF} END {print s+0}')
  f=$(grep -Eo '^\[  FAILED  \] [0-9]+' "$out" | awk '{s+=$NF} END {print s+0}')
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi  # crashed or sanitizer abort
  passed=$((passed + p)); failed=$((failed + f))
  echo "  $p passed, $f failed"
}

: >test-output/timings.txt
now() { date +%s.%N; }
took() { awk -v a="$1" -v b="$(now)" 'BEGIN {printf "%.1f", b - a}'; }
# Runs a command in a subshell whose `times` goes to $1 (its second line is
# the children's user and system time, "0m1.250s 0m0.310s"; `times` in a
# pipeline would see none); returns the command's status.
timed() {
  local cpu=$1; shift
  ( "$@"; rc=$?; times >"$cpu"; exit $rc )
}
cpu_of() {
  awk 'NR == 2 {s = 0; for (i = 1; i <= 2; i++) {split($i, p, "m"); sub("s", "", p[2]); s += p[1] * 60 + p[2]}
        printf "%.1f", s}' "$1" 2>/dev/null || echo 0
}

# One binary: its log, then its exit status, wall and CPU seconds beside it.
run_binary() {
  local t=$1 name out t0 rc
  name=$(basename "$t"); out=test-output/$name.log; t0=$(now)
  timed "$out.cpu" "$t" >"$out" 2>&1; rc=$?
  echo "$rc $(took "$t0") $(cpu_of "$out.cpu")" >"$out.rc"
  rm -f "$out.cpu"
}

binaries=()
for t in build/dbg/tests/test_*; do
  [ -x "$t" ] || continue
  name=$(basename "$t")
  [[ $name =~ ${CK_TESTS:-.} ]] || continue
  binaries+=("$t")
done
jobs_max=${CK_TEST_JOBS:-2}
for t in "${binaries[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do wait -n; done
  run_binary "$t" &
done
wait
for t in "${binaries[@]}"; do
  name=$(basename "$t"); out=test-output/$name.log
  read -r rc secs cpu <"$out.rc" 2>/dev/null || { rc=1; secs=0; cpu=0; }
  rm -f "$out.rc"
  echo "== $name (${secs}s, ${cpu}s CPU)"
  echo "$secs $cpu $name" >>test-output/timings.txt
  grep -E '^\[  (FAILED|ERROR) |^\[  ERROR  \]|ERROR: |runtime error|FAIL' "$out" | head -20
  count_cmocka "$out" "$rc"
done

for s in tests/suites/*.sh; do
  [ -f "$s" ] || continue
  name=$(basename "$s" .sh)
  [[ $name =~ ${CK_TESTS:-.} ]] || continue
  out=test-output/$name.log
  t0=$(now)
  timed "$out.cpu" bash "$s" >"$out" 2>&1; rc=$?
  secs=$(took "$t0"); cpu=$(cpu_of "$out.cpu"); rm -f "$out.cpu"
  echo "== $name (${secs}s, ${cpu}s CPU)"
  echo "$secs $cpu $name" >>test-output/timings.txt
  last=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -1)
  if [ -z "$last" ]; then
    echo "  suite printed no result line (exit $rc); see $out"; tail -5 "$out"; failed=$((failed + 1)); continue
  fi
  p=${last%% passed*}; f=${last#*, }; f=${f%% failed*}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  grep -E 'not ok|FAIL' "$out" | head -20
  passed=$((passed + p)); failed=$((failed + f))
  echo "  $p passed, $f failed"
done

sort -rn -o test-output/timings.txt test-output/timings.txt
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
