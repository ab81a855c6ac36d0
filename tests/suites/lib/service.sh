# Sourced by the suites that drive a running server through the JSON API
# (graceful, backup): a small organisation, a court officer who may create
# and read its cases, an API token, and the server itself.
#   svc_prepare CK DB DIR   migrates DB, imports the organisation, adds the
#                           court officer; prints the token (case:read,
#                           case:create) on standard output
#   svc_bundle CRN          a case bundle (tests/data/bundle_example.json)
#                           with that CRN, on standard output
#   svc_start CK DB LOG ARGS...  starts `serve` on a free loopback port with
#                           ARGS, logging to LOG; sets svc_pid and svc_base
#                           (http://127.0.0.1:PORT); false when it did not start
#   svc_stop                SIGTERM and wait; its exit status in svc_status
svc_prepare() {
  local ck=$1 db=$2 dir=$3
  "$ck" migrate --db "$db" >/dev/null 2>&1 || return 1
  printf '%s\n' \
    '{"kind":"region","code":"R1","name":"North"}' '{"kind":"pdu","code":"P1","region":"R1","name":"P one"}' \
    '{"kind":"team","code":"T1","pdu":"P1","name":"T one"}' \
    '{"kind":"staff","code":"N07P001","team":"T1","grade":"PO","forename":"Pat","surname":"One"}' \
    '{"kind":"staff","code":"N07C001","team":"T1","grade":"PSO","forename":"Cal","surname":"Court"}' \
    >"$dir/organisation.jsonl"
  "$ck" import --db "$db" "$dir/organisation.jsonl" >/dev/null 2>&1 || return 1
  "$ck" user add clerk --role court_officer --staff N07C001 --no-password --db "$db" >/dev/null 2>&1 || return 1
  "$ck" token add --user clerk --scope case:read,case:create --db "$db" 2>/dev/null
}

svc_bundle() { sed "s/X123456/$1/" tests/data/bundle_example.json; }

svc_pid="" svc_base="" svc_status=""
svc_start() {
  local ck=$1 db=$2 log=$3 line=""
  shift 3
  coproc SVC { exec "$ck" serve --db "$db" --listen 127.0.0.1:0 "$@" 2>>"$log"; }
  svc_pid=$SVC_PID
  read -r -t 60 line <&"${SVC[0]}"
  svc_base=${line#listening on }
  [[ $svc_base =~ ^http://127\.0\.0\.1:[0-9]+$ ]]
}

svc_stop() {
  [ -n "$svc_pid" ] || return 0
  kill -TERM "$svc_pid" 2>/dev/null
  wait "$svc_pid"
  svc_status=$?
  svc_pid=""
}
