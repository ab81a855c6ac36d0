#!/usr/bin/env bash
# Many people at once, at London scale on SQLite. Reports, never asserts.
#
#   bash bench/concurrency.sh [WORKDIR]     (CK_BIN=path: another build to compare)
#
# Generates and imports London into SQLite once (kept in WORKDIR, default
# /tmp/ck-bench-conc), starts `casekeeper serve`, and drives it with wrk
# (installed from Debian when missing) at CONNS concurrent connections
# (default 64) for DURATION seconds (default 15) per run:
#   overview   GET /cases/{crn}           the case overview page (a practitioner's session)
#   json       GET /api/v1/cases/{crn}    the case as JSON (the practitioner's case:read token)
#   staff, team, pdu   GET /api/v1/worklist?staff=|team=|pdu=   (the same token)
#   mix        all five in turn
#   mix+insp   the mix while two clients keep loading the inspection pages
#              (head of PDU; /inspection and /inspection/key-questions/A2)
#   bare       a bare libmicrohttpd server (bench/bare_mhd.c) answering the
#              same case's JSON bytes from memory, same thread count: the
#              yardstick for the json run
# For each run: requests per second, client latency p50/p99 (wrk), server
# time p50/p99 per route (the access log: from the request's arrival to its
# response being queued), 5xx answers, the server's CPU seconds, and the load
# average before it, and the server's CPU milliseconds per request.
# CK_RUNS="json staff bare" runs only those. Targets (issue 12): case overview p99 <= 10 ms; json at
# least half the bare server's rate.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=${1:-/tmp/ck-bench-conc}
dur=${DURATION:-15}
conns=${CONNS:-64}
threads=${SERVE_THREADS:-4}
# CK_BIN: another casekeeper binary (an older build, to compare); the
# default is this checkout's release build.
bin=${CK_BIN:-$root/build/casekeeper}
[ -n "${CK_BIN:-}" ] || make -s build/casekeeper
mkdir -p "$work"

if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian package)..."
  (apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y wrk >/dev/null 2>&1; }) ||
    { echo "bench: wrk is not installed and could not be installed" >&2; exit 1; }
fi
cc -O2 -o "$work/bare_mhd" bench/bare_mhd.c $(pkg-config --cflags --libs libmicrohttpd) -lpthread

as_of=$(date -u +%F) # the server evaluates at today: no recompute at start
# shellcheck source=bench/lib.sh
. bench/lib.sh
db="$work/london.db"
ck_bench_london "$bin" "$db" "$as_of" "$work"

q() { sqlite3 -readonly "$db" "$1"; }
crn=$(ck_bench_richest_case "$db")
pdu=$(q "SELECT pdu_code FROM cases WHERE crn = '$crn'")
staff=$(q "SELECT staff_code FROM cases WHERE pdu_code = '$pdu' AND staff_code IS NOT NULL GROUP BY staff_code ORDER BY COUNT(*) DESC LIMIT 1")
team=$(q "SELECT team_code FROM cases WHERE pdu_code = '$pdu' AND team_code IS NOT NULL GROUP BY team_code ORDER BY COUNT(*) DESC LIMIT 1")
reader=$(q "SELECT s.code FROM staff s JOIN teams t ON t.code = s.team WHERE t.pdu = '$pdu' AND s.grade = 'PO' LIMIT 1")
head=$(q "SELECT s.code FROM staff s JOIN teams t ON t.code = s.team WHERE t.pdu = '$pdu' AND s.grade = 'head_of_pdu' LIMIT 1")
echo "database: $(q 'SELECT COUNT(*) FROM cases') cases; case $crn ($(q "SELECT COUNT(*) FROM contacts k JOIN cases c ON c.case_id = k.case_id WHERE c.crn = '$crn'") contacts) in PDU $pdu; staff $staff, team $team"

pw=bench-password-$$-x
ck_bench_account "$bin" "$db" "$pw" bench-reader practitioner "$reader"
ck_bench_account "$bin" "$db" "$pw" bench-head head_of_pdu "$head"
token=$("$bin" token add --user bench-reader --scope case:read --label bench --db "sqlite:$db" | tail -1)

log="$work/access.log"
coproc SERVER { exec "$bin" serve --db "sqlite:$db" --listen 127.0.0.1:0 --plain-http --threads "$threads" 2>"$log"; }
pid=$SERVER_PID
bare_pid=""
loaders=""
cleanup() {
  [ -n "$loaders" ] && kill $loaders 2>/dev/null
  [ -n "$bare_pid" ] && kill -TERM "$bare_pid" 2>/dev/null
  kill -TERM "$pid" 2>/dev/null
  wait 2>/dev/null || true
}
trap cleanup EXIT
url=""
read -r -t 600 line <&"${SERVER[0]}" && url=${line#listening on }
[ -n "$url" ] || { echo "the server did not start"; cat "$log"; exit 1; }
ck_bench_settle "$log"

cookie_of() { # account -> "ck_session=..."
  local jar="$work/jar.$1"
  rm -f "$jar"
  curl -s -o /dev/null -c "$jar" "$url/sign-in"
  curl -s -o /dev/null -b "$jar" -c "$jar" -H "Origin: $url" \
    --data-urlencode "username=$1" --data-urlencode "password=$pw" --data-urlencode "next=/" "$url/sign-in"
  awk '$6 == "ck_session" {print $6 "=" $7}' "$jar"
}
reader_cookie=$(cookie_of bench-reader)
head_cookie=$(cookie_of bench-head)
[ -n "$reader_cookie" ] && [ -n "$head_cookie" ] || { echo "bench: sign-in failed"; exit 1; }
curl -s -H "Authorization: Bearer $token" "$url/api/v1/cases/$crn" -o "$work/case.json"
for p in "/api/v1/cases/$crn" "/api/v1/worklist?staff=$staff" "/api/v1/worklist?team=$team" "/api/v1/worklist?pdu=$pdu"; do
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$url$p")
  [ "$code" = 200 ] || echo "bench: GET $p answers $code"
done
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$reader_cookie" "$url/cases/$crn")
[ "$code" = 200 ] || echo "bench: GET /cases/$crn answers $code"

cpu_of() { awk -v t="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / t}' "/proc/$1/stat"; }
# server time percentiles of the access log lines after line $1, for route $2 ("" = all)
server_times() {
  tail -n +"$(($1 + 1))" "$log" | awk -v route="$2" '$5 ~ /^\// && (route == "" || $5 == route) { t = $8; sub(/us$/, "", t); print t / 1000.0 }' |
    sort -n | awk '{ v[++n] = $1 } END {
      if (!n) { printf "no requests"; exit }
      p99 = int(n * 0.99 + 0.5); if (p99 < 1) p99 = 1; if (p99 > n) p99 = n
      printf "server p50 %.2f ms, p99 %.2f ms (n=%d)", v[int((n + 1) / 2)], v[p99], n }'
}

# CK_RUNS="json bare ...": only these runs (default: every run; warmup always)
wanted() { [ -z "${CK_RUNS:-}" ] || [ "$1" = warmup ] || [[ " $CK_RUNS " == *" $1 "* ]]; }

# run LABEL TARGET_PID TARGET_URL PATHS...
run() {
  local label=$1 target=$2 base=$3; shift 3
  wanted "$label" || return 0
  local load mark cpu0 cpu1 out
  load=$(cut -d' ' -f1 /proc/loadavg)
  mark=$(wc -l <"$log")
  cpu0=$(cpu_of "$target")
  out=$(CK_PATHS="$*" CK_COOKIE="$reader_cookie" CK_BEARER="$token" \
    /usr/bin/time -f "wrk_cpu: %U %S" wrk -t2 -c"$conns" -d"${dur}s" -s bench/mix.lua "$base" 2>&1)
  cpu1=$(cpu_of "$target")
  val() { echo "$out" | awk -v k="$1:" '$1 == k {print $2}'; }
  # CPU per request: the server's CPU seconds over the requests it answered
  # (the access log's lines; wrk's count for the bare server, which logs none).
  local nreq
  if [ "$target" = "$pid" ]; then nreq=$(tail -n +"$((mark + 1))" "$log" | awk '$5 ~ /^\// {n++} END {print n + 0}')
  else nreq=$(val requests); fi
  printf "%-9s %7s req/s  client p50 %6s ms p99 %7s ms  5xx %s  non-2xx %s  sock-err %s  server cpu %5.1f s (%s ms/request)  load %s\n" \
    "$label" "$(val req_per_s)" "$(val client_p50_ms)" "$(val client_p99_ms)" "$(val status_5xx)" "$(val non_2xx_3xx)" \
    "$(val socket_errors)" "$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN {print b - a}')" \
    "$(awk -v a="$cpu0" -v b="$cpu1" -v n="$nreq" 'BEGIN {if (n > 0) printf "%.3f", 1000 * (b - a) / n; else printf "-"}')" "$load"
  if [ "$target" = "$pid" ]; then
    for route in /cases/{crn} /api/v1/cases/{crn} /api/v1/worklist /inspection /inspection/key-questions/{key}; do
      local s
      s=$(server_times "$mark" "$route")
      [ "$s" = "no requests" ] || echo "          $route: $s"
    done
  fi
  echo "$label $(val req_per_s)" >>"$work/rates.$$"
}

echo "== $conns connections, ${dur}s per run, $threads server threads, $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
run warmup "$pid" "$url" "web:/cases/$crn" "api:/api/v1/cases/$crn" >/dev/null
run overview "$pid" "$url" "web:/cases/$crn"
run json "$pid" "$url" "api:/api/v1/cases/$crn"
run staff "$pid" "$url" "api:/api/v1/worklist?staff=$staff"
run team "$pid" "$url" "api:/api/v1/worklist?team=$team"
run pdu "$pid" "$url" "api:/api/v1/worklist?pdu=$pdu"
mix=("web:/cases/$crn" "api:/api/v1/cases/$crn" "api:/api/v1/worklist?staff=$staff" "api:/api/v1/worklist?team=$team" "api:/api/v1/worklist?pdu=$pdu")
run mix "$pid" "$url" "${mix[@]}"

# Two heads of PDU keep loading the inspection pages during the next run.
inspect_loop() { # N
  local f="$work/inspection.$1"
  : >"$f"
  while :; do
    for p in /inspection /inspection/key-questions/A2; do
      curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -b "$head_cookie" "$url$p" >>"$f"
    done
  done
}
if wanted mix+insp; then
inspect_loop 1 & loaders="$!"
inspect_loop 2 & loaders="$loaders $!"
sleep 1
run mix+insp "$pid" "$url" "${mix[@]}"
kill $loaders 2>/dev/null; wait $loaders 2>/dev/null || true
loaders=""
cat "$work"/inspection.1 "$work"/inspection.2 | awk '{n++; if ($1 >= 500) bad++; if ($1 != 200) other++; s += $2; if ($2 > m) m = $2}
  END {printf "          inspection pages alongside: %d loads, %d 5xx, %d not 200, mean %.2f s, max %.2f s\n", n, bad, other, n ? s / n : 0, m}'
fi

coproc BARE { exec "$work/bare_mhd" "$work/case.json" 0 "$threads"; }
bare_pid=$BARE_PID
bare_port=""
read -r -t 10 line <&"${BARE[0]}" && bare_port=${line#listening }
if [ -n "$bare_port" ]; then
  run bare "$bare_pid" "http://127.0.0.1:$bare_port" "api:/api/v1/cases/$crn"
  awk '$1 == "json" {j = $2} $1 == "bare" {b = $2} END {if (b) printf "json / bare: %.1f%% (target >= 50%%)\n", 100 * j / b}' "$work/rates.$$"
else
  echo "bench: the bare server did not start"
fi
rm -f "$work/rates.$$"
echo "(load average after: $(cut -d' ' -f1-3 /proc/loadavg))"
