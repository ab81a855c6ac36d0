# Shell functions the web benchmarks share (source it; bash).

# ck_bench_london BIN DB AS_OF WORK: generates synthetic London and imports it
# into SQLite file DB, once (an existing DB is reused).
# ck_bench_pg_settings: the server settings a bench's throwaway PostgreSQL
# cluster starts with, as pg_ctl -o arguments: stock but for what
# docs/deploy.md ("PostgreSQL settings that matter") tells a production
# server to set, shared_buffers a quarter of the machine's memory and
# max_wal_size 4GB. fsync stays on: the figures are what a real server does.
ck_bench_pg_settings() {
  echo "-c shared_buffers=$(awk '/MemTotal/ {printf "%d", $2 / 1024 / 4}' /proc/meminfo)MB -c max_wal_size=4GB"
}

ck_bench_london() {
  local bin=$1 db=$2 as_of=$3 work=$4
  [ -f "$db" ] && return 0
  echo "generating and importing London into $db (once)..."
  rm -rf "$work/gen"
  "$bin" generate --scale london --seed 1 --as-of "$as_of" --out "$work/gen" >/dev/null
  "$bin" migrate --db "sqlite:$db" >/dev/null
  /usr/bin/time -f "import: %e s wall, %U+%S s cpu, %M KiB" "$bin" import --db "sqlite:$db" --as-of "$as_of" "$work/gen" >/dev/null
}

# ck_bench_account BIN DB PASSWORD NAME ROLE STAFF: the account, with this
# password (created once per database, its password reset after).
ck_bench_account() {
  local bin=$1 db=$2 pw=$3
  "$bin" user add "$4" --role "$5" --staff "$6" --password-stdin --db "sqlite:$db" <<<"$pw" >/dev/null 2>&1 ||
    "$bin" user reset-password "$4" --password-stdin --db "sqlite:$db" <<<"$pw" >/dev/null
}

# ck_bench_settle LOG: the server recomputes every case at start when the
# stored date is stale; waits for that to finish so it does not share the
# machine with what is measured.
ck_bench_settle() {
  sleep 2
  if grep -q "daily recompute.*starting" "$1"; then
    echo "the server is recomputing every case (the data is older than today): waiting"
    for _ in $(seq 1800); do grep -q "daily recompute.*\(done\|failed\)" "$1" && break; sleep 1; done
  fi
  # Then the monthly inspection snapshots the management pages read.
  for _ in $(seq 1800); do grep -q "after the recompute at" "$1" && break; sleep 1; done
}

# ck_bench_richest_case DB: the CRN of the case with the most contacts (the
# most history to load and show).
ck_bench_richest_case() {
  sqlite3 -readonly "$1" "SELECT c.crn FROM contacts k JOIN cases c ON c.case_id = k.case_id GROUP BY k.case_id ORDER BY COUNT(*) DESC LIMIT 1"
}

# timed NAME CMD...: runs a command under /usr/bin/time -v; its standard
# error goes to $dir/NAME.log (the caller sets dir). Sets wall (seconds), rss (MiB) and cpu (user + system s).
timed() {
  local name=$1; shift
  /usr/bin/time -v -o "$dir/$name.time" "$@" 2>"$dir/$name.log" >"$dir/$name.out"
  local rc=$?
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s}' "$dir/$name.time")
  rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$dir/$name.time")
  cpu=$(awk -F': ' '/User time/ {u = $2} /System time/ {s = $2} END {printf "%.1f", u + s}' "$dir/$name.time")
  [ "$rc" -eq 0 ] || echo "bench: $name exited $rc (see $dir/$name.log)" >&2
  return "$rc"
}
