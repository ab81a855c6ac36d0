#!/usr/bin/env bash
# The case overview's cost per request, on a small generated database:
# instructions in the handler (ck_web_case) under callgrind, which the load of
# the shared machine does not change, and the server's CPU seconds per
# request without valgrind, with the load average. Reports, never asserts.
#
#   bash bench/overview_cost.sh [WORKDIR]
#
# SCALE people (default 1000) are generated and imported into SQLite in
# WORKDIR (default /tmp/ck-bench-overview; kept and reused, so give each
# binary its own), and the overview of the case with the most contacts is
# asked for ROUNDS times (default 30) after one request that fills the case
# cache, by a practitioner of the case's PDU. BIN is the binary (default
# build/casekeeper, built first). CALLGRIND=0 skips the callgrind run (on
# London the server's start under valgrind takes longer than the rest). A
# database already in WORKDIR is used as it is: put a London one there as
# cases.db to measure London. COLD=N (default 0: not run) then asks, in a
# server of its own, for the overviews of the N cases of that PDU with the
# most contacts, each once: every one a miss of the case cache (512 slots),
# as most reads of a case are on a server holding many cases.
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-/tmp/ck-bench-overview}
rounds=${ROUNDS:-30}
scale=${SCALE:-1000}
bin=${BIN:-build/casekeeper}
as_of=$(date -u +%F)
[ "$bin" = build/casekeeper ] && make -s "$bin"
mkdir -p "$work"
db="$work/cases.db"
if [ ! -f "$db" ]; then
  rm -rf "$work/gen"
  "$bin" generate --scale "$scale" --seed 1 --as-of "$as_of" --out "$work/gen" >/dev/null
  "$bin" migrate --db "sqlite:$db" >/dev/null
  "$bin" import --db "sqlite:$db" --as-of "$as_of" "$work/gen" >/dev/null
fi
# shellcheck source=bench/lib.sh
. bench/lib.sh
q() { sqlite3 -readonly "$db" "$1"; }
crn=$(ck_bench_richest_case "$db")
contacts=$(q "SELECT COUNT(*) FROM contacts k JOIN cases c ON c.case_id = k.case_id WHERE c.crn = '$crn'")
case_pdu=$(q "SELECT pdu_code FROM cases WHERE crn = '$crn'")
reader=$(q "SELECT s.code FROM staff s JOIN teams t ON t.code = s.team WHERE t.pdu = '$case_pdu' AND s.grade = 'PO' LIMIT 1")
pw=bench-password-$$-x
ck_bench_account "$bin" "$db" "$pw" bench-reader practitioner "$reader"
echo "case $crn: $contacts contacts; $rounds requests after one that fills the cache"

serve() { # label, then the command that runs the server
  local label=$1 log="$work/server.log" url="" line pid
  shift
  coproc SRV { exec "$@" serve --db "sqlite:$db" --listen 127.0.0.1:0 --plain-http --threads 2 2>"$log"; }
  pid=$SRV_PID
  read -r -t 900 line <&"${SRV[0]}" && url=${line#listening on }
  [ -n "$url" ] || { echo "the server did not start"; cat "$log"; kill "$pid"; return 1; }
  ck_bench_settle "$log"
  local jar="$work/cookies"
  rm -f "$jar"
  curl -s -o /dev/null -c "$jar" "$url/sign-in"
  curl -s -o /dev/null -b "$jar" -c "$jar" -H "Origin: $url" \
    --data-urlencode "username=bench-reader" --data-urlencode "password=$pw" --data-urlencode "next=/" "$url/sign-in"
  curl -s -o /dev/null -b "$jar" "$url/cases/$crn"
  if [ "$label" = callgrind ]; then
    callgrind_control -z "$pid" >/dev/null 2>&1
  fi
  local cpu0 cpu1
  cpu0=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
  local paths=()
  if [ "$label" = cold ]; then
    mapfile -t paths < <(sed "s#^#$url/cases/#" "$work/cold.crns")
  else
    for _ in $(seq "$rounds"); do paths+=("$url/cases/$crn"); done
  fi
  local n=${#paths[@]}
  for p in "${paths[@]}"; do curl -s -b "$jar" -o /dev/null -w '%{http_code}\n' "$p"; done |
    sort | uniq -c | awk '$2 != 200 { print "  HTTP " $2 " x" $1 }'
  cpu1=$(awk '{ print $14 + $15 }' "/proc/$pid/stat")
  if [ "$label" = callgrind ]; then
    callgrind_control -d "$pid" >/dev/null 2>&1
    sleep 1
    local total
    total=$(cat "$work"/callgrind.out.* 2>/dev/null | awk '/^summary:/ { s += $2 } /^totals:/ { t += $2 } END { print (s ? s : t) }')
    echo "  callgrind: $((total / n)) instructions a request in ck_web_case ($total for $n)"
  else
    awk -v a="$cpu0" -v b="$cpu1" -v n="$n" -v l="$(cut -d' ' -f1-3 /proc/loadavg)" \
      'BEGIN { printf "  cpu: %.2f ms a request (%.2f s for %d); load average %s\n", (b - a) * 10 / n, (b - a) / 100, n, l }'
  fi
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
serve cpu "$bin"
if [ "${COLD:-0}" -gt 0 ]; then
  q "SELECT c.crn FROM contacts k JOIN cases c ON c.case_id = k.case_id WHERE c.pdu_code = '$case_pdu'
     GROUP BY c.crn ORDER BY COUNT(*) DESC LIMIT $COLD" >"$work/cold.crns"
  echo "cold: $(wc -l <"$work/cold.crns") cases of $case_pdu, each once"
  serve cold "$bin"
fi
[ "${CALLGRIND:-1}" = 0 ] && exit 0
rm -f "$work"/callgrind.out.*
serve callgrind valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out.%p" --toggle-collect=ck_web_case "$bin"
