#!/usr/bin/env bash
# Benchmarks of the release binary (what `make bench` runs). Reports figures
# and asserts nothing: a slow run is for a person to read, not a failure.
#
#   generate   casekeeper generate --scale SCALE (wall time, peak memory)
#   import     migrate + import of everything generated, obligations computed,
#              on SQLite and on a throwaway PostgreSQL cluster
#   recompute  every case a day later (--all), in seconds per 10,000 cases,
#              then the nightly incremental one the day after (only the cases
#              whose next change has come), on both
#   worklist   GET /api/v1/worklist latency for the busiest staff, teams and
#              PDUs, from `casekeeper serve` over the SQLite database
#
# Settings (environment):
#   BENCH_SCALE   london (default), national, or a number of people
#   BENCH_AS_OF   the date the data describes (default 2026-11-22)
#   BENCH_DIR     where data and databases go (default /tmp/ck-bench)
#   BENCH_PG=0    skip PostgreSQL
#   BENCH_KEEP=1  keep BENCH_DIR afterwards
#   BENCH_BIN     another casekeeper binary (an older build, to compare)
# Every figure is printed as "name: value" lines and collected in
# BENCH_DIR/figures.txt; the run's standard error logs are beside it.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$PWD
bin=${BENCH_BIN:-$root/build/casekeeper}
scale=${BENCH_SCALE:-london}
as_of=${BENCH_AS_OF:-2026-11-22}
dir=${BENCH_DIR:-/tmp/ck-bench}
pg=${BENCH_PG:-1}

[ -x "$bin" ] || { echo "bench: build/casekeeper is missing: make build/casekeeper" >&2; exit 1; }
command -v curl >/dev/null || { echo "bench: curl is needed for the worklist figures" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "bench: sqlite3 is needed to pick worklist holders" >&2; exit 1; }
# shellcheck source=scripts/pg.sh
. "$root/scripts/pg.sh"

server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  ck_pg_stop fast
  [ "${BENCH_KEEP:-0}" = 1 ] || rm -rf "$dir/data" "$dir"/*.db "$dir"/*.db-wal "$dir"/*.db-shm
}
trap cleanup EXIT

rm -rf "$dir"
mkdir -p "$dir"
figures=$dir/figures.txt
: >"$figures"
say() { echo "$1: $2" | tee -a "$figures"; }

# timed NAME CMD... (bench/lib.sh): sets wall, rss and cpu.
# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"

per_s() { awk -v n="$1" -v s="$2" 'BEGIN {printf "%.0f", (s > 0 ? n / s : 0)}'; }

say machine "$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), $(uname -sr)"
say load_before "$(cut -d' ' -f1-3 /proc/loadavg)"
say scale "$scale"

# ---- generate ---------------------------------------------------------------
timed generate "$bin" generate --scale "$scale" --seed 1 --as-of "$as_of" --out "$dir/data"
cases=$(cat "$dir"/data/cases-*.jsonl | wc -l)
say cases "$cases"
say generate "${wall}s wall, ${cpu}s cpu, ${rss} MiB peak, $(du -sm "$dir/data" | cut -f1) MiB of JSON lines"

recompute_as_of=$(date -u -d "$as_of + 1 day" +%F)
today=$(date -u +%F)
[[ "$today" > "$recompute_as_of" ]] && recompute_as_of=$today

# ---- import and recompute, per backend --------------------------------------
# import_and_recompute LABEL URL
import_and_recompute() {
  local label=$1 url=$2
  timed "$label-migrate" "$bin" migrate --db "$url" || return 1
  timed "$label-import" "$bin" import --db "$url" --as-of "$as_of" "$dir/data" || return 1
  say "$label import" "${wall}s wall ($(per_s "$cases" "$wall") cases/s), ${cpu}s cpu (client), ${rss} MiB peak"
  local idx
  idx=$(sed -n 's/.*indexes built in \([0-9.]*\)s.*/\1/p' "$dir/$label-import.log")
  [ -n "$idx" ] && say "$label import: index build" "${idx}s of it"
  timed "$label-recompute" "$bin" recompute --all --db "$url" --as-of "$recompute_as_of" || return 1
  local per
  per=$(sed -n 's/.*(\([0-9.]*\)s per 10,000 evaluated).*/\1/p' "$dir/$label-recompute.log")
  say "$label recompute" "${per}s per 10,000 cases (${wall}s wall, ${cpu}s cpu for $cases, at $recompute_as_of), ${rss} MiB peak"
  local next_day evaluated
  next_day=$(date -u -d "$recompute_as_of + 1 day" +%F)
  timed "$label-recompute-nightly" "$bin" recompute --db "$url" --as-of "$next_day" || return 1
  evaluated=$(sed -n 's/.*: \([0-9]* of [0-9]* cases evaluated\).*, \([0-9]* changed\).*/\1, \2/p' \
    "$dir/$label-recompute-nightly.log")
  say "$label nightly recompute" "$evaluated (${wall}s wall, ${cpu}s cpu, at $next_day, load $(cut -d' ' -f1 /proc/loadavg))"
}

sqlite_db=$dir/bench.db
import_and_recompute sqlite "sqlite:$sqlite_db"
say sqlite_db_size "$(du -m "$sqlite_db" | cut -f1) MiB"

if [ "$pg" = 1 ]; then
  # fsync stays on: the figure is what a real server would do. The cluster
  # is the stock configuration apart from a larger shared_buffers and WAL
  # size, which a production server would also have.
  if ck_pg_start ck-bench-pg bench -c shared_buffers=512MB -c max_wal_size=4GB; then
    import_and_recompute postgresql "$(ck_pg_url bench)"
  else
    echo "bench: could not start PostgreSQL (see $ck_pg_dir)" >&2
  fi
  ck_pg_stop fast
fi

# ---- worklist latency -------------------------------------------------------
# The busiest holders: where a worklist has the most rows to order and page.
# Asked as a quality-assurance account (case:read over every case) through a
# bearer token narrowed to case:read, as an API client would.
"$bin" user add bench-qa --role qa --no-password --db "sqlite:$sqlite_db" >/dev/null
token=$("$bin" token add --user bench-qa --scope case:read --label bench --db "sqlite:$sqlite_db" | tail -1)
"$bin" serve --db "sqlite:$sqlite_db" --listen 127.0.0.1:0 >"$dir/serve.out" 2>"$dir/serve.log" &
server_pid=$!
for _ in $(seq 1 100); do
  grep -q "listening on" "$dir/serve.out" 2>/dev/null && break
  sleep 0.1
done
base=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$dir/serve.out" | head -1)
if [ -z "$base" ]; then
  echo "bench: the server did not start (see $dir/serve.log)" >&2
else
  base=${base%/}
  # latency KIND HOLDERS...: every holder's first page and a deep page,
  # each asked three times; prints median, 95th percentile and max in ms.
  latency() {
    local kind=$1; shift
    local times=$dir/latency-$kind.txt
    : >"$times"
    for h in "$@"; do
      for offset in 0 400; do
        for _ in 1 2 3; do
          curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H "Authorization: Bearer $token" \
            "$base/api/v1/worklist?$kind=$h&as_of=$recompute_as_of&status=overdue,open&limit=50&offset=$offset" >>"$times"
        done
      done
    done
    awk '$1 != 200 {bad++} END {if (bad) printf "(%d requests were refused or failed) ", bad}' "$times"
    awk '$1 == 200 {print $2}' "$times" | sort -n | awk '{v[NR] = $1 * 1000} END {
      if (NR == 0) { print "no requests"; exit }
      p = int(NR * 0.95); if (p < 1) p = 1
      printf "median %.1f ms, p95 %.1f ms, max %.1f ms over %d requests\n", v[int((NR + 1) / 2)], v[p], v[NR], NR }'
  }
  busiest() {
    sqlite3 "$sqlite_db" "SELECT \"$1\" FROM \"obligations\" WHERE \"$1\" IS NOT NULL AND \"status\" = 'unmet'
                          GROUP BY \"$1\" ORDER BY COUNT(*) DESC LIMIT $2"
  }
  # shellcheck disable=SC2046
  say "worklist staff (20 busiest)" "$(latency staff $(busiest staff_code 20))"
  # shellcheck disable=SC2046
  say "worklist team (10 busiest)" "$(latency team $(busiest team_code 10))"
  # shellcheck disable=SC2046
  say "worklist pdu (5 busiest)" "$(latency pdu $(busiest pdu_code 5))"
fi
say load_after "$(cut -d' ' -f1-3 /proc/loadavg)"
echo "bench: figures in $figures"
