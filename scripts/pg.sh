# Sourced by scripts/run-tests.sh and bench/run.sh: a throwaway PostgreSQL 15
# cluster listening only on a Unix socket in a private directory, UTF8 and
# the C locale whatever the environment says, so text (lengths, ordering)
# behaves alike on every machine.
#
#   ck_pg_start PREFIX DB [SETTING...]  starts one in /tmp/PREFIX.XXXXXX with
#                                       the server settings ("-c name=value")
#                                       and creates database DB
#   ck_pg_url DB                        a URL for database DB of that cluster
#   ck_pg_stop [MODE] [keep]            stops it (pg_ctl's mode, default fast) and
#                                       deletes its directory, unless keep
#                                       and removes its directory
# ck_pg_dir is the directory (its *.log say why a start failed).
ck_pg_bin=/usr/lib/postgresql/15/bin
ck_pg_dir=""

# initdb refuses to run as root, so as root the cluster belongs to the
# postgres user; otherwise to whoever runs the script.
ck_pg_as() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

ck_pg_start() {
  local prefix=$1 db=$2
  shift 2
  ck_pg_dir=$(mktemp -d "/tmp/$prefix.XXXXXX")
  if [ "$(id -u)" = 0 ]; then chown postgres "$ck_pg_dir" || return 1; fi
  ck_pg_as "$ck_pg_bin/initdb" -A trust -U postgres -E UTF8 --no-locale -D "$ck_pg_dir/data" \
    >"$ck_pg_dir/initdb.log" 2>&1 || return 1
  ck_pg_as "$ck_pg_bin/pg_ctl" -D "$ck_pg_dir/data" -l "$ck_pg_dir/pg.log" -w \
    -o "-k $ck_pg_dir -c listen_addresses='' $*" start >/dev/null || return 1
  ck_pg_as "$ck_pg_bin/createdb" -h "$ck_pg_dir" -U postgres "$db"
}

ck_pg_url() { echo "postgresql:///$1?host=$ck_pg_dir&user=postgres"; }

ck_pg_stop() {
  [ -n "$ck_pg_dir" ] || return 0
  ck_pg_as "$ck_pg_bin/pg_ctl" -D "$ck_pg_dir/data" -m "${1:-fast}" stop >/dev/null 2>&1
  if [ "${2:-}" = keep ]; then
    echo "PostgreSQL cluster kept in $ck_pg_dir/data (start it with pg_ctl -D as postgres)" >&2
  else
    rm -rf "$ck_pg_dir"
  fi
  ck_pg_dir=""
}
