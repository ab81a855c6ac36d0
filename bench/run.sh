#!/usr/bin/env bash
# Benchmarks of the release binary (what `make bench` runs). Reports figures
# and asserts nothing: a slow run is for a person to read, not a failure.
#
#   generate   casekeeper generate --scale SCALE (wall time, peak memory)
#   import     migrate + import of everything generated, obligations computed,
#              on SQLite and on a throwaway PostgreSQL cluster
#   recompute  a day later, as the server does each night: first every case
#              (`recompute --all` where the build has it, else the plain
#              recompute, which is then the full one), then the nightly
#              (incremental where the build has it) recompute the day after,
#              in seconds and per 10,000 cases, on both
#   worklist   GET /api/v1/worklist latency (p50/p99, wrk, 1 and 64 clients)
#              for the busiest staff, teams and PDUs, from `casekeeper serve`
#              on each backend: wrk's client latency beside the server's own
#              p50/p99 from its access log, the server's CPU seconds (and per
#              request), its worklist page cache's hits and misses and its
#              peak RSS
#   plain SQL  the same worklist pages (same rows) as plain SQL straight
#              against PostgreSQL with pgbench (bench/pgbench_worklist.sql),
#              1 and 64 clients, for the ratio; one holder of each kind is
#              checked to give the API's rows
#
# Settings (environment):
#   BENCH_SCALE   london (default), national, or a number of people
#   BENCH_AS_OF   the date the data describes (default 2026-11-22)
#   BENCH_DIR     where data and databases go (default /tmp/ck-bench)
#   BENCH_PG=0    skip PostgreSQL
#   BENCH_SQLITE=0  skip SQLite (worklist holders are then picked from PostgreSQL)
#   BENCH_KEEP=1  keep BENCH_DIR, the SQLite database and the PostgreSQL
#                 cluster afterwards (the cluster's directory is printed)
#   BENCH_BIN     another casekeeper binary (an older build, to compare)
#   BENCH_DURATION  seconds per latency run (default 10)
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
sqlite=${BENCH_SQLITE:-1}

[ -x "$bin" ] || { echo "bench: build/casekeeper is missing: make build/casekeeper" >&2; exit 1; }
command -v curl >/dev/null || { echo "bench: curl is needed for the worklist figures" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "bench: sqlite3 is needed to pick worklist holders" >&2; exit 1; }
command -v jq >/dev/null || { echo "bench: jq is needed to check the plain SQL's rows" >&2; exit 1; }
command -v wrk >/dev/null || { echo "bench: wrk is needed for the worklist figures (apt-get install wrk)" >&2; exit 1; }
dur=${BENCH_DURATION:-10}
# shellcheck source=scripts/pg.sh
. "$root/scripts/pg.sh"

server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  if [ "${BENCH_KEEP:-0}" = 1 ]; then ck_pg_stop fast keep; else ck_pg_stop fast; fi
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
nightly_as_of=$(date -u -d "$recompute_as_of + 1 day" +%F)
# Until the build has an incremental recompute, the plain one is the full one
# and the "nightly" figure is a second full recompute.
full_opt=()
"$bin" recompute --help 2>&1 | grep -q -- '--all' && full_opt=(--all)
say recompute_modes "full: recompute ${full_opt[*]:-(no --all in this build: every case)}; nightly: recompute (default)"

# ---- import and recompute, per backend --------------------------------------
# import_and_recompute LABEL URL
import_and_recompute() {
  local label=$1 url=$2
  timed "$label-migrate" "$bin" migrate --db "$url" || return 1
  timed "$label-import" "$bin" import --db "$url" --as-of "$as_of" "$dir/data" || return 1
  say "$label import" "${wall}s wall ($(per_s "$cases" "$wall") cases/s), ${cpu}s cpu (client), ${rss} MiB peak, load $(cut -d' ' -f1 /proc/loadavg)"
  local idx
  idx=$(sed -n 's/.*indexes built in \([0-9.]*\)s.*/\1/p' "$dir/$label-import.log")
  [ -n "$idx" ] && say "$label import: index build" "${idx}s of it"
  timed "$label-recompute" "$bin" recompute "${full_opt[@]}" --db "$url" --as-of "$recompute_as_of" || return 1
  local per
  per=$(sed -n 's/.*(\([0-9.]*\)s per 10,000 \(cases\|evaluated\)).*/\1/p' "$dir/$label-recompute.log")
  say "$label full recompute" "${wall}s wall, ${cpu}s cpu, ${per}s per 10,000 cases ($cases at $recompute_as_of), ${rss} MiB peak, load $(cut -d' ' -f1 /proc/loadavg)"
  if [ ${#full_opt[@]} -eq 0 ]; then
    # The plain recompute is the full one: measuring it again says nothing
    # new, and at national scale on PostgreSQL it costs minutes. The
    # worklists read at nightly_as_of all the same.
    say "$label nightly recompute" "not measured: this build's recompute evaluates every case (the full recompute above)"
    return 0
  fi
  timed "$label-nightly" "$bin" recompute --db "$url" --as-of "$nightly_as_of" || return 1
  say "$label nightly recompute" "${wall}s wall, ${cpu}s cpu, ${rss} MiB peak at $nightly_as_of, load $(cut -d' ' -f1 /proc/loadavg); $(grep 'casekeeper recompute:' "$dir/$label-nightly.log" | tail -1 | sed 's/^casekeeper recompute: //')"
}

# ---- worklist latency -------------------------------------------------------
# The busiest holders: where a worklist has the most rows to order and page.
# Picked once from the SQLite database (the same data is in both).
sqlite_db=$dir/bench.db
busiest() {
  local sql="SELECT \"$1\" FROM \"obligations\" WHERE \"$1\" IS NOT NULL AND \"status\" = 'unmet'
             GROUP BY \"$1\" ORDER BY COUNT(*) DESC, 1 LIMIT $2"
  if [ "$sqlite" = 1 ]; then sqlite3 "$sqlite_db" "$sql"
  else ck_pg_as "$ck_pg_bin/psql" -h "$ck_pg_dir" -U postgres -d bench -Atq -c "$sql"; fi
}
declare -A holders
pick_holders() {
  holders[staff]=$(busiest staff_code 20 | tr '\n' ' ')
  holders[team]=$(busiest team_code 10 | tr '\n' ' ')
  holders[pdu]=$(busiest pdu_code 5 | tr '\n' ' ')
}
declare -A wl_count=([staff]="20 busiest" [team]="10 busiest" [pdu]="5 busiest")

# proc_cpu PID: the process's user + system CPU seconds so far.
proc_cpu() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f", ($14 + $15) / hz}' "/proc/$1/stat"; }

# wrk_run CLIENTS: one wrk run over $paths (bench/mix.lua), printing
# "p50 X ms, p99 Y ms, N req/s, mean M ms (from the rate: R ms)" and any
# failures (bench/mix.lua says why both means).
wrk_run() {
  local c=$1 t=2 out
  [ "$c" -lt 2 ] && t=1
  out=$(CK_PATHS=$paths CK_BEARER=$token CK_CONNS=$c wrk -t"$t" -c"$c" -d"${dur}s" -s bench/mix.lua "$base" 2>&1)
  echo "$out" | awk -F': ' '
    /^client_p50_ms/ {p50 = $2} /^client_p99_ms/ {p99 = $2} /^req_per_s/ {rps = $2}
    /^client_mean_ms/ {mean = $2} /^client_mean_from_rate_ms/ {little = $2}
    /^non_2xx_3xx/ {bad = $2} /^socket_errors/ {sock = $2}
    END {printf "p50 %s ms, p99 %s ms, %s req/s, mean %s ms (from the rate: %s ms)", p50, p99, rps, mean, little
         if (bad + 0 > 0) printf " (%d answers not 2xx)", bad
         if (sock + 0 > 0) printf " (%d socket errors)", sock}'
}

# server_side LOG MARK: the server's own time for the worklist requests logged
# after line MARK of its access log (from a request's arrival to its response
# being queued, as bench/concurrency.sh reads it) and its CPU per request
# ($cpu_used seconds over those requests): "server p50 X ms, p99 Y ms, Z ms
# cpu/request".
server_side() {
  tail -n +"$(($2 + 1))" "$1" | awk '$5 == "/api/v1/worklist" { t = $8; sub(/us$/, "", t); print t / 1000.0 }' |
    sort -n | awk -v cpu="$cpu_used" '{ v[++n] = $1 } END {
      if (!n) { printf "server: no requests logged"; exit }
      p99 = int(n * 0.99 + 0.5); if (p99 < 1) p99 = 1; if (p99 > n) p99 = n
      printf "server p50 %.2f ms, p99 %.2f ms, %.3f ms cpu/request", v[int((n + 1) / 2)], v[p99], 1000 * cpu / n }'
}

# plain_sql_for COL HOLDER: bench/pgbench_worklist.sql for one holder (its
# header says how): the count and the page, the page's six segments, overdue
# then open, each critical, high, normal.
plain_sql_for() {
  local col=$1 h=$2 seg segs="" range sev
  seg=$(sed -n '/^-- the segment template/,$p' bench/pgbench_worklist.sql | tail -n +2 | sed 's/^--//')
  for range in "0001-01-01 $nightly_as_of" "$nightly_as_of 9999-12-31"; do
    for sev in 0 1 2; do
      [ -n "$segs" ] && segs+=$'\n  UNION ALL\n'
      segs+=$(echo "$seg" | sed -e "s/@SEV@/$sev/" -e "s/@DUE_FROM@/${range% *}/" -e "s/@DUE_TO@/${range#* }/")
    done
  done
  sed -n '/^-- the segment template/q; p' bench/pgbench_worklist.sql | grep -v -e '^--$' -e '^-- [^p]' -e '^-- pgbench' |
    CK_SEGS=$segs awk '$0 == "@SEGMENTS@" {print ENVIRON["CK_SEGS"]; next} {print}' |
    sed -e "s/@COL@/$col/g" -e "s/@HOLDER@/$h/g" -e "s/@AS_OF@/$nightly_as_of/g"
}

# same_rows KIND HOLDER: whether plain SQL's page (bench/pgbench_worklist.sql
# after its "-- page" line) gives the API's rows, in order, for one holder.
same_rows() {
  local kind=$1 h=$2 col api sql
  declare -A cols=([staff]=staff_code [team]=team_code [pdu]=pdu_code)
  col=${cols[$kind]}
  api=$(curl -s -H "Authorization: Bearer $token" \
    "$base/api/v1/worklist?$kind=$h&as_of=$nightly_as_of&status=overdue,open&limit=50" |
    jq -r '.items[] | [.crn, .rule, .subject, .due] | join("|")')
  sql=$(plain_sql_for "$col" "$h" | sed -n '/^-- page/,$p' | sed 's/^SELECT \* FROM (/SELECT "crn", "rule", "subject", "due" FROM (/')
  plain=$(ck_pg_as "$ck_pg_bin/psql" -h "$ck_pg_dir" -U postgres -d bench -Atq -F'|' -c "$sql")
  if [ -n "$api" ] && [ "$api" = "$plain" ]; then
    say "plain SQL rows, $kind $h" "the same $(echo "$api" | wc -l) rows as the API, in the same order"
  else
    say "plain SQL rows, $kind $h" "DIFFERENT from the API ($(echo "$api" | grep -c .) API rows, $(echo "$plain" | grep -c .) plain SQL rows)"
  fi
}

# worklists LABEL URL: casekeeper serve on URL, each kind of worklist at 1
# and 64 clients through bearer tokens of a quality-assurance account
# (case:read over every case, narrowed to case:read as an API client is),
# then the server's peak RSS.
worklists() {
  local label=$1 url=$2
  "$bin" user add bench-qa --role qa --no-password --db "$url" >/dev/null 2>&1
  token=$("$bin" token add --user bench-qa --scope case:read --label bench --db "$url" 2>/dev/null | tail -1)
  "$bin" serve --db "$url" --listen 127.0.0.1:0 --plain-http >"$dir/$label-serve.out" 2>"$dir/$label-serve.log" &
  server_pid=$!
  for _ in $(seq 1 300); do
    grep -q "listening on" "$dir/$label-serve.out" 2>/dev/null && break
    sleep 0.2
  done
  base=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$dir/$label-serve.out" | head -1)
  if [ -z "$base" ]; then
    echo "bench: the $label server did not start (see $dir/$label-serve.log)" >&2
    return 1
  fi
  base=${base%/}
  ck_bench_settle "$dir/$label-serve.log"
  local kind c h cpu0 mark client load
  for kind in staff team pdu; do
    paths=""
    for h in ${holders[$kind]}; do
      paths+="api:/api/v1/worklist?$kind=$h&as_of=$nightly_as_of&status=overdue,open&limit=50 "
    done
    for c in 1 64; do
      load=$(cut -d' ' -f1 /proc/loadavg)
      mark=$(wc -l <"$dir/$label-serve.log")
      cpu0=$(proc_cpu "$server_pid")
      client=$(wrk_run "$c")
      cpu_used=$(awk -v a="$cpu0" -v b="$(proc_cpu "$server_pid")" 'BEGIN {printf "%.2f", b - a}')
      say "$label worklist $kind (${wl_count[$kind]}), $c clients" \
        "client $client; $(server_side "$dir/$label-serve.log" "$mark"); server ${cpu_used}s cpu, load $load"
    done
  done
  if [ "$label" = postgresql ]; then
    for kind in staff team pdu; do
      for h in ${holders[$kind]}; do same_rows "$kind" "$h"; break; done
    done
  fi
  # The page cache's hits and misses (http/ck_wl_cache), from /metrics (a
  # loopback client may read it); a build without the cache has none.
  say "$label worklist page cache" "$(curl -s "$base/metrics" | awk '
    /^casekeeper_worklist_cache_lookups_total[{]result="hit"[}]/ {h = $2}
    /^casekeeper_worklist_cache_lookups_total[{]result="miss"[}]/ {m = $2}
    END {if (h == "") print "none (this build has no page cache)"; else printf "%d hits, %d misses", h, m}')"
  say "$label server RSS" "$(awk '/VmHWM/ {printf "%.0f MiB peak", $2 / 1024} /VmRSS/ {printf ", %.0f MiB at the end", $2 / 1024}' "/proc/$server_pid/status")"
  kill "$server_pid" 2>/dev/null
  wait "$server_pid" 2>/dev/null
  server_pid=""
}

# plain_sql: the worklist pages as plain SQL with pgbench, at 1 and 64
# clients, on the running cluster; p50/p99 from pgbench's per-transaction log.
plain_sql() {
  local kind col h c n
  declare -A cols=([staff]=staff_code [team]=team_code [pdu]=pdu_code)
  mkdir -p "$dir/pgbench"
  chmod 777 "$dir/pgbench"
  for kind in staff team pdu; do
    col=${cols[$kind]}
    local files=()
    n=0
    for h in ${holders[$kind]}; do
      n=$((n + 1))
      plain_sql_for "$col" "$h" >"$dir/pgbench/$kind-$n.sql"
      files+=(-f "$dir/pgbench/$kind-$n.sql")
    done
    for c in 1 64; do
      local j=1
      [ "$c" -gt 1 ] && j=2
      rm -f "$dir/pgbench"/log.*
      (cd "$dir/pgbench" && ck_pg_as "$ck_pg_bin/pgbench" -h "$ck_pg_dir" -U postgres -n -M prepared \
        -c "$c" -j "$j" -T "$dur" -l --log-prefix=log "${files[@]}" bench >"$dir/pgbench-$kind-$c.out" 2>&1)
      say "postgresql plain SQL $kind (${wl_count[$kind]}), $c clients" "$(cat "$dir/pgbench"/log.* 2>/dev/null | awk '{print $3 / 1000}' | sort -n | awk '
        {v[NR] = $1} END {if (NR == 0) {print "no transactions"; exit}
        p = int(NR * 0.99); if (p < 1) p = 1
        printf "p50 %.2f ms, p99 %.2f ms, %.0f tps", v[int((NR + 1) / 2)], v[p], NR / '"$dur"'}'), load $(cut -d' ' -f1 /proc/loadavg)"
    done
  done
}

# shellcheck source=bench/lib.sh
. "$root/bench/lib.sh"
if [ "$sqlite" = 1 ]; then
  import_and_recompute sqlite "sqlite:$sqlite_db"
  say sqlite_db_size "$(du -m "$sqlite_db" | cut -f1) MiB"
  pick_holders
  worklists sqlite "sqlite:$sqlite_db"
fi

if [ "$pg" = 1 ]; then
  # A database machine holds no SQLite file of several GB in its page cache:
  # the SQLite phase's database goes before PostgreSQL's starts (kept with
  # BENCH_KEEP=1, when the PostgreSQL figures share the cache with it).
  [ "${BENCH_KEEP:-0}" = 1 ] || rm -f "$sqlite_db" "$sqlite_db-wal" "$sqlite_db-shm"
  say pg_settings "$(ck_bench_pg_settings) (bench/lib.sh: docs/deploy.md's)"
  # shellcheck disable=SC2046 # the settings are words
  if ck_pg_start ck-bench-pg bench $(ck_bench_pg_settings); then
    if import_and_recompute postgresql "$(ck_pg_url bench)"; then
      [ "$sqlite" = 1 ] || pick_holders
      worklists postgresql "$(ck_pg_url bench)"
      plain_sql
    fi
  else
    echo "bench: could not start PostgreSQL (see $ck_pg_dir)" >&2
  fi
  if [ "${BENCH_KEEP:-0}" = 1 ]; then ck_pg_stop fast keep; else ck_pg_stop fast; fi
fi
say load_after "$(cut -d' ' -f1-3 /proc/loadavg)"
echo "bench: figures in $figures"
