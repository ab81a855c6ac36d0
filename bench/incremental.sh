#!/usr/bin/env bash
# The nightly recompute, full against incremental (issue 16 point 1), on a
# generated region: generate, import, then `casekeeper recompute --all` a
# day later (every case, as before), then `casekeeper recompute` the day
# after that and a week later (only the cases whose next change has come).
# Reports wall and CPU seconds, the load average and how many cases each run
# evaluated and changed. Asserts nothing.
#
#   BENCH_SCALE  people (default 20000, about a region), or london / national
#   BENCH_AS_OF  the date the data describes (default 2026-11-22)
#   BENCH_DIR    where data and databases go (default /tmp/ck-bench-incr)
#   BENCH_PG=1   also on a throwaway PostgreSQL cluster
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bin=${BENCH_BIN:-$root/build/casekeeper}
scale=${BENCH_SCALE:-20000}
as_of=${BENCH_AS_OF:-2026-11-22}
dir=${BENCH_DIR:-/tmp/ck-bench-incr}
[ -x "$bin" ] || { echo "bench: build/casekeeper is missing: make build/casekeeper" >&2; exit 1; }
# shellcheck source=scripts/pg.sh
. "$root/scripts/pg.sh"
trap 'ck_pg_stop fast; rm -rf "$dir"' EXIT
rm -rf "$dir"
mkdir -p "$dir"

say() { echo "$1: $2"; }
# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"
# timed_load NAME CMD...: timed (wall, cpu), then the 1-minute load average.
timed_load() {
  timed "$@"
  local rc=$?
  load=$(cut -d' ' -f1 /proc/loadavg)
  return "$rc"
}

say machine "$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
timed_load generate "$bin" generate --scale "$scale" --seed 1 --as-of "$as_of" --out "$dir/data" || exit 1
say cases "$(cat "$dir"/data/cases-*.jsonl | wc -l)"

run() {
  local label=$1 url=$2 d1 d2 d8
  d1=$(date -u -d "$as_of + 1 day" +%F)
  d2=$(date -u -d "$as_of + 2 days" +%F)
  d8=$(date -u -d "$as_of + 8 days" +%F)
  timed_load "$label-migrate" "$bin" migrate --db "$url" || return 1
  timed_load "$label-import" "$bin" import --db "$url" --as-of "$as_of" "$dir/data" || return 1
  say "$label import" "${wall}s wall, ${cpu}s cpu (client), load $load"
  local name at all
  for step in "full $d1 --all" "nightly $d2" "week-later $d8"; do
    set -- $step
    name=$1 at=$2 all=${3:-}
    timed_load "$label-$name" "$bin" recompute --db "$url" --as-of "$at" $all || return 1
    say "$label $name recompute at $at" \
      "$(sed -n 's/.*: \([0-9]* of [0-9]* cases evaluated\).*, \([0-9]* changed\).*/\1, \2/p' "$dir/$label-$name.log"); ${wall}s wall, ${cpu}s cpu (client), load $load"
  done
}

run sqlite "sqlite:$dir/bench.db"
if [ "${BENCH_PG:-0}" = 1 ]; then
  # shellcheck disable=SC2046 # the settings are words
  if ck_pg_start ck-bench-incr-pg bench $(ck_bench_pg_settings); then
    run postgresql "$(ck_pg_url bench)"
  else
    echo "bench: could not start PostgreSQL (see $ck_pg_dir)" >&2
  fi
fi
