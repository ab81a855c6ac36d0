# Sourced by the bench scripts: a throwaway PostgreSQL 15 cluster on a Unix
# socket in a private directory, as scripts/run-tests.sh starts one for the
# tests. bench_pg_start exports BENCH_PG (a URL for a fresh database
# "bench"); the cluster is stopped and removed by bench_pg_stop.
bench_pg_bin=/usr/lib/postgresql/15/bin
bench_pg_tmp=""

bench_pg_as() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

bench_pg_stop() {
  if [ -n "$bench_pg_tmp" ]; then
    bench_pg_as "$bench_pg_bin/pg_ctl" -D "$bench_pg_tmp/data" -m fast stop >/dev/null 2>&1
    rm -rf "$bench_pg_tmp"
    bench_pg_tmp=""
  fi
}

# fsync stays on: the figure is what a real server would do. The cluster is
# the stock configuration apart from a larger shared_buffers and WAL size,
# which a production server would also have.
bench_pg_start() {
  bench_pg_tmp=$(mktemp -d /tmp/ck-bench-pg.XXXXXX)
  if [ "$(id -u)" = 0 ]; then chown postgres "$bench_pg_tmp" || return 1; fi
  bench_pg_as "$bench_pg_bin/initdb" -A trust -U postgres -E UTF8 --no-locale -D "$bench_pg_tmp/data" \
    >"$bench_pg_tmp/initdb.log" 2>&1 || return 1
  bench_pg_as "$bench_pg_bin/pg_ctl" -D "$bench_pg_tmp/data" -l "$bench_pg_tmp/pg.log" -w \
    -o "-k $bench_pg_tmp -c listen_addresses='' -c shared_buffers=512MB -c max_wal_size=4GB" start >/dev/null || return 1
  bench_pg_as "$bench_pg_bin/createdb" -h "$bench_pg_tmp" -U postgres bench || return 1
  export BENCH_PG="postgresql:///bench?host=$bench_pg_tmp&user=postgres"
}
