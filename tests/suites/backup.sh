#!/usr/bin/env bash
# Backup and restore under write load (issue 17, point 5), on SQLite and on
# the PostgreSQL of scripts/run-tests.sh (CK_TEST_PG_ADMIN; a missing one is
# a failure, never a skip). For each: build/casekeeper serve takes new cases
# from a client writing one after another; `casekeeper backup` runs while it
# writes; the backup is restored into a new database, where
#   * every case whose creation was acknowledged (201) before the backup
#     started is there, and the writes went on during the backup;
#   * `audit verify` holds;
#   * restore refuses the now non-empty database (exit 2) unless --force.
# Last line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/suites/lib/result.sh
. tests/suites/lib/service.sh
ck=build/casekeeper
[ -x "$ck" ] || { echo "backup: $ck is missing (make build/casekeeper)"; echo "0 passed, 1 failed"; exit 1; }
tmp=$(mktemp -d /tmp/ck-backup.XXXXXX)
pg_dbs=()
cleanup() {
  [ -n "$svc_pid" ] && kill -KILL "$svc_pid" 2>/dev/null
  [ -n "${writer:-}" ] && kill "$writer" 2>/dev/null
  for d in "${pg_dbs[@]}"; do psql -q "$CK_TEST_PG_ADMIN" -c "DROP DATABASE IF EXISTS $d" >/dev/null 2>&1; done
  [ -n "${KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT

# pg_db NAME: a new, empty PostgreSQL database; its URL on standard output.
pg_db() {
  psql -q "$CK_TEST_PG_ADMIN" -c "CREATE DATABASE $1" >/dev/null || return 1
  pg_dbs+=("$1")
  echo "${CK_TEST_PG_ADMIN/\/postgres\?//$1?}"
}

# write_cases TOKEN BASE ACKS STOP: creates cases X100001, X100002, ... one
# after another until the file STOP exists, appending each CRN acknowledged
# with 201 to ACKS.
write_cases() {
  local tok=$1 base=$2 acks=$3 stop=$4 i=100000 crn code
  while [ ! -e "$stop" ]; do
    i=$((i + 1))
    crn=X$i
    code=$(svc_bundle "$crn" | curl -s -o /dev/null -w '%{http_code}' --max-time 20 \
      -H "Authorization: Bearer $tok" -H 'Content-Type: application/json' --data @- "$base/api/v1/cases")
    [ "$code" = 201 ] && echo "$crn" >>"$acks"
  done
}

# count FILE: its lines (0 when it does not exist yet).
count() { if [ -f "$1" ]; then wc -l <"$1"; else echo 0; fi; }

# one KIND SOURCE-URL RESTORE-URL
one() {
  local kind=$1 src=$2 dst=$3 dir=$tmp/$1
  mkdir -p "$dir"
  local tok
  tok=$(svc_prepare "$ck" "$src" "$dir")
  [[ $tok =~ ^ckt_ ]]
  result "$kind: an organisation, a court officer and a token" $?
  svc_start "$ck" "$src" "$dir/serve.log" --threads 4
  result "$kind: casekeeper serve starts" $?
  [ -n "$svc_base" ] || { cat "$dir/serve.log"; return; }
  write_cases "$tok" "$svc_base" "$dir/acks" "$dir/stop" &
  writer=$!
  local end=$((SECONDS + 60))
  while [ "$(count "$dir/acks")" -lt 20 ] && [ $SECONDS -lt $end ]; do sleep 0.2; done
  # Every write acknowledged before this line is in the backup.
  local before
  before=$(count "$dir/acks")
  "$ck" backup --db "$src" --out "$dir/backup" 2>"$dir/backup.err"
  local rc=$?
  local during
  during=$(count "$dir/acks")
  sleep 1
  touch "$dir/stop"
  wait "$writer"
  writer=""
  local after
  after=$(count "$dir/acks")
  result "$kind: casekeeper backup while the server writes ($(tr '\n' ' ' <"$dir/backup.err"))" $rc
  [ "$before" -ge 20 ] && [ "$after" -gt "$during" ]
  result "$kind: the server went on writing ($before cases acknowledged before the backup, $after by the end)" $?
  svc_stop
  [ "$svc_status" = 0 ]
  result "$kind: the server stops cleanly (exit $svc_status)" $?

  "$ck" restore --db "$dst" --from "$dir/backup" 2>"$dir/restore.err"
  rc=$?
  result "$kind: casekeeper restore into a new database ($(tr '\n' ' ' <"$dir/restore.err"))" $rc
  "$ck" export --db "$dst" 2>/dev/null | jq -r .crn | sort >"$dir/restored"
  head -n "$before" "$dir/acks" | sort >"$dir/expected"
  local missing expected restored
  missing=$(comm -23 "$dir/expected" "$dir/restored" | wc -l)
  expected=$(wc -l <"$dir/expected")
  restored=$(wc -l <"$dir/restored")
  [ "$missing" -eq 0 ] && [ "$expected" -eq "$before" ]
  result "$kind: every case acknowledged before the backup started is restored ($before expected, $missing missing, $restored restored)" $?
  "$ck" audit verify --db "$dst" >"$dir/verify" 2>&1
  rc=$?
  result "$kind: audit verify holds on the restored database ($(head -1 "$dir/verify"))" $rc
  "$ck" restore --db "$dst" --from "$dir/backup" 2>"$dir/again.err"
  rc=$?
  [ "$rc" = 2 ] && grep -q "not empty" "$dir/again.err"
  result "$kind: restore refuses a database that is not empty (exit $rc)" $?
  "$ck" restore --db "$dst" --from "$dir/backup" --force 2>"$dir/force.err" &&
    [ "$("$ck" export --db "$dst" 2>/dev/null | jq -r .crn | sort | comm -23 "$dir/expected" - | wc -l)" -eq 0 ]
  rc=$?
  result "$kind: restore --force replaces it ($(tr '\n' ' ' <"$dir/force.err"))" $rc
}

one sqlite "sqlite:$tmp/source.db" "sqlite:$tmp/restored.db"

if [ -z "${CK_TEST_PG_ADMIN:-}" ]; then
  result "postgresql: CK_TEST_PG_ADMIN is set (scripts/run-tests.sh starts a server)" 1
else
  suffix=$$
  src=$(pg_db "ck_backup_src_$suffix") && dst=$(pg_db "ck_backup_dst_$suffix")
  result "postgresql: two new databases" $?
  [ -n "${dst:-}" ] && one postgresql "$src" "$dst"
  # The other kind of backup is refused by name.
  "$ck" restore --db "${dst:-postgresql:///none}" --from "$tmp/sqlite/backup" --force 2>"$tmp/kind.err"
  rc=$?
  [ "$rc" = 1 ] && grep -q "is a SQLite backup but --db is a PostgreSQL database" "$tmp/kind.err"
  rc=$?
  result "a SQLite backup is refused for a PostgreSQL database ($(cat "$tmp/kind.err"))" $rc
fi
summary
