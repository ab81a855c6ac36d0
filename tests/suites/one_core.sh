#!/usr/bin/env bash
# Casekeeper on one core. `taskset -c 0` pins the tests to one core, so
# ck_par_threads() is 1: the recompute reads each batch on its one
# connection, with no second SQLite reader (the path a machine with two or
# more cores never takes), and the import and generator use no worker
# threads. test_bulk's test_par checks that ck_par_threads() is the number
# of cores the affinity allows (one here); test_incremental (a year of days,
# incremental against full each day) and test_nightly (killed runs, leases)
# check the recompute; each on SQLite and PostgreSQL as everywhere.
# Last line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/suites/lib/result.sh
if ! command -v taskset >/dev/null || [ -z "${CK_TEST_PG:-}" ]; then
  echo "one_core: needs taskset (util-linux) and CK_TEST_PG (scripts/run-tests.sh starts PostgreSQL)"
  echo "0 passed, 1 failed"
  exit 1
fi
[ "$(taskset -c 0 nproc)" = 1 ]
result "taskset -c 0 leaves this process one core" $?
log=$(mktemp /tmp/ck-one-core.XXXXXX)
trap 'rm -f "$log"' EXIT
for t in test_bulk test_incremental test_nightly; do
  taskset -c 0 "build/dbg/tests/$t" >"$log" 2>&1
  rc=$?
  [ $rc -eq 0 ] || tail -30 "$log"
  result "$t on one core: $(grep -Eo '^\[  PASSED  \] [0-9]+ test' "$log" | tail -1 | grep -Eo '[0-9]+' || echo 0) cmocka tests passed" $rc
done
summary
