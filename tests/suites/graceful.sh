#!/usr/bin/env bash
# A graceful stop under load (issue 17, point 4): build/casekeeper serve is
# sent SIGTERM while six clients read a case through the API as fast as they
# can and one client is half way through sending its request.
#   * every request the server accepted is answered: a client sees a
#     response or a refused connection, never a reset or an empty reply;
#   * the half-sent request, finished after the SIGTERM, gets its 200;
#   * the server exits 0 once they are answered, well before the deadline;
#   * no audit record is lost: the case.read records number the reads that
#     got 200, and `audit verify` holds.
# Last line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/suites/lib/result.sh
. tests/suites/lib/service.sh
ck=build/casekeeper
[ -x "$ck" ] || { echo "graceful: $ck is missing (make build/casekeeper)"; echo "0 passed, 1 failed"; exit 1; }
tmp=$(mktemp -d /tmp/ck-graceful.XXXXXX)
cleanup() {
  [ -n "$svc_pid" ] && kill -KILL "$svc_pid" 2>/dev/null
  [ -n "${KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT
db="sqlite:$tmp/graceful.db"
tok=$(svc_prepare "$ck" "$db" "$tmp")
[[ $tok =~ ^ckt_ ]]
result "an organisation, a court officer and a token" $?
printf 'server_shutdown_deadline_s = 15\n' >"$tmp/limits.conf"
svc_start "$ck" "$db" "$tmp/serve.log" --threads 4 --rules-config "$tmp/limits.conf"
result "casekeeper serve starts (${svc_base:-no address})" $?
[ -n "$svc_base" ] || { cat "$tmp/serve.log"; summary; exit 1; }
port=${svc_base##*:}
svc_bundle X000001 | curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $tok" \
  -H 'Content-Type: application/json' --data @- "$svc_base/api/v1/cases" >"$tmp/create"
created=$(cat "$tmp/create")
[ "$created" = 201 ]
result "a case to read ($created)" $?

# reader N: GETs the case until its connection is refused (or 60 s pass),
# one line per request: the HTTP status and curl's exit code.
reader() {
  local out=$tmp/reader.$1 end=$((SECONDS + 60)) code rc
  while [ $SECONDS -lt $end ]; do
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 20 -H "Authorization: Bearer $tok" \
      "$svc_base/api/v1/cases/X000001")
    rc=$?
    echo "$code $rc" >>"$out"
    [ "$rc" = 7 ] && break
  done
}
for i in 1 2 3 4 5 6; do reader "$i" & done
readers=$(jobs -p | grep -v "^$svc_pid$")

# The slow client: its connection is accepted and half its request sent
# before the SIGTERM; the rest follows a second after it.
trap '' PIPE # a server that closed the connection fails the write, not the suite
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'GET /api/v1/cases/X000001 HTTP/1.1\r\nHost: 127.0.0.1\r\n' >&3
sleep 2
kill -TERM "$svc_pid"
stopped_at=$SECONDS
sleep 1
printf 'Authorization: Bearer %s\r\nConnection: close\r\n\r\n' "$tok" >&3
slow=$(timeout 15 head -1 <&3 | tr -d '\r')
exec 3>&-
[[ $slow == "HTTP/1.1 200"* ]]
result "a request half sent before the SIGTERM is answered after it (${slow:-nothing})" $?
wait "$svc_pid"
svc_status=$?
took=$((SECONDS - stopped_at))
svc_pid=""
[ "$svc_status" -eq 0 ]
result "the server exits 0 on SIGTERM (exit $svc_status)" $?
[ "$took" -lt 15 ]
result "it stops as soon as what it accepted is answered, before the 15 s deadline (${took} s)" $?
for p in $readers; do wait "$p"; done

cat "$tmp"/reader.* >"$tmp/all"
ok=$(grep -c '^200 0$' "$tmp/all")
refused=$(grep -c '^000 7$' "$tmp/all")
bad=$(grep -vc -e '^200 0$' -e '^000 7$' "$tmp/all")
[ "$ok" -gt 50 ] && [ "$refused" -ge 6 ]
result "the readers were answered before and refused after ($ok answered, $refused refused)" $?
what=$(grep -v -e '^200 0$' -e '^000 7$' "$tmp/all" | sort | uniq -c | tr '\n' ' ')
[ "$bad" -eq 0 ]
result "no accepted request failed: no reset, empty reply or error (status, curl exit: ${what:-none})" $?
grep -q "stopping on SIGTERM" "$tmp/serve.log" && grep -q "stopped$" "$tmp/serve.log"
result "the log says it stopped on SIGTERM" $?

"$ck" audit verify --db "$db" >"$tmp/verify" 2>&1
rc=$?
result "audit verify holds ($(head -1 "$tmp/verify"))" $rc
reads=$("$ck" audit search --crn X000001 --db "$db" 2>/dev/null | grep -c '"action":"case.read"')
[ "$reads" -eq $((ok + 1)) ]
result "one case.read audit record for each read answered 200 ($reads records, $((ok + 1)) reads)" $?
summary
