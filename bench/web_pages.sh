#!/usr/bin/env bash
# Server time of the web pages at London scale. Reports, never asserts.
#
#   bash bench/web_pages.sh [WORKDIR]
#
# Generates synthetic London (casekeeper generate --scale london), imports it
# into SQLite (both kept in WORKDIR, default /tmp/ck-bench-web, and reused on
# the next run), starts `casekeeper serve` on a free loopback port and asks
# for each page ROUNDS times (default 30) signed in as the grade it is for:
#   - the case overview and activity log of the case with the most contacts
#     (years of history);
#   - the caseload of the practitioner holding the most cases, its last page
#     sorted by overdue count;
#   - the team page of the largest team, and the PDU dashboard and victim
#     liaison page of its PDU;
#   - the management pages of that PDU (issue 14) as its head of PDU: the
#     region dashboard, the inspection page, a QA sample (drawn once through
#     the form), the allocation board, the workforce page, and search by a
#     surname prefix and by a CRN.
# Server time is read from the access log (microseconds from the request's
# arrival to its response being queued, per route pattern), so the client
# and the network do not count; each block reports p50 and p95 with the
# load average and the server's CPU seconds over the block. The server's
# nightly job (recompute when the data is older than today, then the
# monthly inspection snapshots) is waited for before measuring.
# Targets: case overview under 50 ms; management pages p95 under 300 ms.
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-/tmp/ck-bench-web}
rounds=${ROUNDS:-30}
as_of=${AS_OF:-$(date -u +%F)} # the server evaluates at today: no recompute at start
bin=build/casekeeper
make -s "$bin"
mkdir -p "$work"
# shellcheck source=bench/lib.sh
. bench/lib.sh
db="$work/london.db"
ck_bench_london "$bin" "$db" "$as_of" "$work"

q() { sqlite3 -readonly "$db" "$1"; }
crn=$(ck_bench_richest_case "$db")
contacts=$(q "SELECT COUNT(*) FROM contacts k JOIN cases c ON c.case_id = k.case_id WHERE c.crn = '$crn'")
read -r staff staff_cases < <(q "SELECT staff_code, COUNT(*) FROM cases WHERE staff_code IS NOT NULL GROUP BY staff_code ORDER BY COUNT(*) DESC LIMIT 1" | tr '|' ' ')
read -r team team_cases < <(q "SELECT team_code, COUNT(*) FROM cases WHERE team_code IS NOT NULL GROUP BY team_code ORDER BY COUNT(*) DESC LIMIT 1" | tr '|' ' ')
pdu=$(q "SELECT pdu FROM teams WHERE code = '$team'")
pdu_cases=$(q "SELECT COUNT(*) FROM cases WHERE pdu_code = '$pdu'")
all=$(q "SELECT COUNT(*) FROM cases")
echo "database: $all cases; case $crn has $contacts contacts; $staff holds $staff_cases cases;"
echo "team $team holds $team_cases; PDU $pdu holds $pdu_cases"

# Accounts for the grades the pages are for (created once per database; the
# password is only for this benchmark's throwaway copy of synthetic data).
pw=bench-password-$$-x
account() { ck_bench_account "$bin" "$db" "$pw" "$@"; } # name role staff
spo=$(q "SELECT code FROM staff WHERE team = '$team' AND grade = 'SPO' LIMIT 1")
head=$(q "SELECT s.code FROM staff s JOIN teams t ON t.code = s.team WHERE t.pdu = '$pdu' AND s.grade = 'head_of_pdu' AND s.status = 'in_post' LIMIT 1")
surname=$(q "SELECT SUBSTR(person_surname, 1, 3) FROM cases WHERE pdu_code = '$pdu' GROUP BY 1 ORDER BY COUNT(*) DESC LIMIT 1")
vlo=$(q "SELECT s.code FROM staff s JOIN teams t ON t.code = s.team WHERE t.pdu = '$pdu' AND s.grade = 'VLO' LIMIT 1")
# The case's own PDU: a practitioner reads the cases of their PDU.
case_pdu=$(q "SELECT pdu_code FROM cases WHERE crn = '$crn'")
reader=$(q "SELECT s.code FROM staff s JOIN teams t ON t.code = s.team WHERE t.pdu = '$case_pdu' AND s.grade = 'PO' LIMIT 1")
account bench-reader practitioner "$reader"
account bench-po practitioner "$staff"
account bench-spo spo "$spo"
account bench-vlo vlo "$vlo"
account bench-head head_of_pdu "$head"

log="$work/access.log"
coproc SERVER { exec "$bin" serve --db "sqlite:$db" --listen 127.0.0.1:0 --plain-http --threads 2 2>"$log"; }
pid=$SERVER_PID
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null || true' EXIT
url=""
read -r -t 600 line <&"${SERVER[0]}" && url=${line#listening on }
[ -n "$url" ] || { echo "the server did not start"; cat "$log"; exit 1; }
ck_bench_settle "$log"
grep -h "daily recompute.*done\|after the recompute at" "$log" | sed 's/^/  server: /'

jar="$work/cookies.$$"
sign_in() { # account
  rm -f "$jar"
  curl -s -o /dev/null -c "$jar" "$url/sign-in"
  curl -s -o /dev/null -b "$jar" -c "$jar" -H "Origin: $url" \
    --data-urlencode "username=$1" --data-urlencode "password=$pw" --data-urlencode "next=/" "$url/sign-in"
}
hit() { # path
  for _ in $(seq "$rounds"); do curl -s -b "$jar" -o /dev/null -w '%{http_code}\n' "$url$1"; done | sort | uniq -c | awk -v p="$1" '$2 != 200 {print "  " p ": HTTP " $2 " x" $1}'
}
cpu_s() { awk '{ print ($14 + $15) / 100.0 }' "/proc/$pid/stat"; } # utime + stime, at 100 ticks a second
mark() { wc -l <"$log" >"$work/mark.$1"; cpu_s >"$work/cpu.$1"; }
report() { # label route
  local cpu load
  cpu=$(awk -v a="$(cat "$work/cpu.$1")" -v b="$(cpu_s)" 'BEGIN { printf "%.2f", b - a }')
  load=$(cut -d' ' -f1 /proc/loadavg)
  tail -n +"$(( $(cat "$work/mark.$1") + 1 ))" "$log" |
    awk -v route="$2" '{ for (i = 2; i < NF; i++) if ($i == route && $(i-1) == "GET") { us = $(i+3); sub(/us$/, "", us); print us / 1000.0 } }' |
    sort -n | awk -v route="$2" -v label="$1" -v cpu="$cpu" -v load="$load" '
      { v[++n] = $1 }
      END {
        if (!n) { printf "  %-10s %-22s no requests logged\n", label, route; exit }
        p95 = int(n * 0.95 + 0.5); if (p95 < 1) p95 = 1; if (p95 > n) p95 = n
        printf "  %-10s %-26s n=%3d  p50 %7.2f ms  p95 %7.2f ms  max %7.2f ms  cpu %6.2f s  load %s\n", label, route, n, v[int((n + 1) / 2)], v[p95], v[n], cpu, load
      }'
}

sign_in bench-reader
mark overview; hit "/cases/$crn"; report overview /cases/{crn}
mark activity; hit "/cases/$crn/activity"; report activity "/cases/{crn}/activity"
sign_in bench-po
mark caseload; hit "/caseload"; report caseload /caseload
mark sorted; hit "/caseload?sort=overdue&order=desc"; report sorted /caseload
mark work; hit "/"; report work /
sign_in bench-spo
mark team; hit "/team"; report team /team
mark pdu; hit "/pdu"; report pdu /pdu
mark region; hit "/region"; report region /region
sign_in bench-vlo
mark victims; hit "/victims"; report victims /victims
sign_in bench-head
csrf=$(curl -s -b "$jar" "$url/qa" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
y=$(date -u -d "$as_of -1 month" +%Y); m=$(date -u -d "$as_of -1 month" +%-m)
sample=$(curl -s -o /dev/null -w '%{redirect_url}' -b "$jar" -H "Origin: $url" --data-urlencode "csrf=$csrf" \
  --data-urlencode per_team=2 --data-urlencode from-day=1 --data-urlencode from-month="$m" --data-urlencode from-year="$y" \
  --data-urlencode to-day=28 --data-urlencode to-month="$m" --data-urlencode to-year="$y" "$url/qa")
sample=${sample#"$url"}
echo "head of PDU $head; QA sample ${sample:-not drawn}; search for \"$surname\" and for $crn"
mark pdu-head; hit "/pdu"; report pdu-head /pdu
mark region-head; hit "/region"; report region-head /region
mark inspection; hit "/inspection"; report inspection /inspection
if [ -n "$sample" ]; then mark qa-sample; hit "$sample"; report qa-sample "/qa/{id}"; fi
mark board; hit "/allocations"; report board /allocations
mark board-pdu; hit "/allocations?scope=pdu"; report board-pdu /allocations
mark workforce; hit "/workforce"; report workforce /workforce
mark drill; hit "/pdu/overdue"; report drill /pdu/overdue
mark search; hit "/search?q=$surname"; report search /search
mark search-crn; hit "/search?q=$crn"; report search-crn /search
echo "(server time per request from the access log; $rounds requests each; cpu: the server's CPU seconds over the block;"
echo " load: 1-minute load average at its end; targets: case overview under 50 ms, management pages p95 under 300 ms)"
