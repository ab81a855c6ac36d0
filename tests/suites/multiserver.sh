#!/usr/bin/env bash
# Several servers on one PostgreSQL (issue 16; docs/deploy.md "Several
# servers on one PostgreSQL"): a throwaway PostgreSQL (scripts/pg.sh) holding
# generated people imported at yesterday's date, two build/casekeeper serve
# on it started at once (so both find the nightly recompute due), and nginx
# on a loopback port as the upstream of both, as docs/deploy.md sets it up.
# Through nginx, writers append contacts with API tokens (each with its own
# id; a write that got no answer is sent again once, when a 409 says it was
# stored the first time) while readers read cases and a worklist; part-way
# through, one server is killed with SIGKILL. Then checks: every
# acknowledged write is stored exactly once; the only 5xx answers are
# requests that were in flight to the killed server when it died (nginx's
# log says which server each request went to and when it started); the
# audit chain verifies; the nightly recompute ran once, on one server.
# Last line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/suites/lib/result.sh
. tests/suites/lib/nginx.sh
# shellcheck source=scripts/pg.sh
. scripts/pg.sh
bin=${CK_BIN:-build/casekeeper}
export LC_ALL=C # sort and join agree with PostgreSQL's C collation
for need in nginx curl ss; do
  command -v "$need" >/dev/null || { echo "multiserver: $need is missing (scripts/setup.sh installs it)"; echo "0 passed, 1 failed"; exit 1; }
done
[ -x "$bin" ] || { echo "multiserver: $bin is missing (make build/casekeeper)"; echo "0 passed, 1 failed"; exit 1; }

WRITERS=4 WRITES=40 READERS=2 READS=60 # bounded: 160 writes and 120 reads
tmp=$(mktemp -d /tmp/ck-multi.XXXXXX)
chmod 755 "$tmp"
pids=() nginx_started=""
cleanup() {
  local p
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  [ -n "$nginx_started" ] && nginx -c "$tmp/nginx.conf" -p "$tmp" -s stop 2>/dev/null
  ck_pg_stop fast
  [ "${CK_SUITE_KEEP:-0}" = 1 ] && echo "kept $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT

# ---- One PostgreSQL, yesterday's data ----------------------------------------------
ck_pg_start ck-multi-pg multi -c max_connections=100
result "a throwaway PostgreSQL" $?
url=$(ck_pg_url multi)
q() { ck_pg_as "$ck_pg_bin/psql" -h "$ck_pg_dir" -U postgres -d multi -Atq -c "$1"; }
today=$(date -u +%F)
yesterday=$(date -u -d "$today - 1 day" +%F)
"$bin" generate --scale 200 --seed 16 --as-of "$yesterday" --out "$tmp/data" >"$tmp/setup.log" 2>&1 &&
  "$bin" migrate --db "$url" >>"$tmp/setup.log" 2>&1 &&
  "$bin" import --db "$url" --as-of "$yesterday" "$tmp/data" >>"$tmp/setup.log" 2>&1
result "200 generated people imported as of yesterday ($yesterday)" $?

# A senior probation officer of the busiest team writes to the team's cases
# (none limited-access) and reads them and the team's PDU's worklist.
team=$(q "SELECT team_code FROM cases WHERE team_code IS NOT NULL GROUP BY 1 ORDER BY COUNT(*) DESC, 1 LIMIT 1")
pdu=$(q "SELECT pdu FROM teams WHERE code = '$team'")
spo=$(q "SELECT code FROM staff WHERE team = '$team' AND grade = 'SPO' ORDER BY 1 LIMIT 1")
mapfile -t targets < <(q "SELECT c.crn || ' ' || MIN(e.id) FROM cases c JOIN events e ON e.case_id = c.case_id
                          WHERE c.team_code = '$team' AND c.case_id NOT IN (SELECT case_id FROM case_access)
                          GROUP BY c.crn ORDER BY c.crn LIMIT 8")
"$bin" user add multi-spo --role spo --staff "$spo" --no-password --db "$url" >>"$tmp/setup.log" 2>&1 &&
  token=$("$bin" token add --user multi-spo --scope case:read,case:write --label multiserver --db "$url" 2>>"$tmp/setup.log" | tail -1)
[ -n "${token:-}" ] && [ "${#targets[@]}" -eq 8 ]
result "a senior probation officer's token and 8 of the team's cases to write to ($team)" $?

# ---- Two servers behind nginx ---------------------------------------------------------
ports=()
for i in 1 2; do
  "$bin" serve --db "$url" --listen 127.0.0.1:0 --threads 4 --trusted-proxy 127.0.0.1 \
    >"$tmp/serve$i.out" 2>"$tmp/serve$i.log" &
  pids+=($!)
done
for i in 1 2; do
  for _ in $(seq 300); do grep -q "listening on" "$tmp/serve$i.out" 2>/dev/null && break; sleep 0.1; done
  p=$(sed -n 's#^listening on http://127.0.0.1:\([0-9]*\).*#\1#p' "$tmp/serve$i.out")
  ports+=("${p:-0}")
done
[ "${ports[0]}" != 0 ] && [ "${ports[1]}" != 0 ]
result "two casekeeper serve on one database (ports ${ports[*]})" $?

# docs/deploy.md's upstream, on a loopback port in a directory of its own.
write_conf() {
  cat >"$tmp/site.conf" <<CONF
upstream casekeeper {
    server 127.0.0.1:${ports[0]} max_fails=1 fail_timeout=10s;
    server 127.0.0.1:${ports[1]} max_fails=1 fail_timeout=10s;
}
server {
    listen 127.0.0.1:$port;
    location / {
        proxy_pass http://casekeeper;
        proxy_set_header Host \$host;
        proxy_set_header X-Forwarded-For \$remote_addr;
        proxy_next_upstream error timeout;
        proxy_connect_timeout 2s;
        proxy_read_timeout 60s;
    }
}
CONF
  # Last: the servers tried, in order ("A, B" when A refused the connection).
  nginx_conf "$tmp" "$tmp/site.conf" '$msec $request_time $status $request_method $request_uri $upstream_addr'
}
up=1
for _ in 1 2 3; do
  port=$(free_port) || break
  write_conf
  nginx_start "$tmp" "$port"
  case $? in 0) nginx_started=1; up=0; break ;; 1) nginx_started=1 ;; esac
done
result "nginx in front of both on 127.0.0.1:${port:-?}" $up
base="http://127.0.0.1:$port"

# Both servers start the day's job at once: one recomputes, the other skips.
# The job is over when its run has finished and the lease is given back
# (after the inspection snapshots, which it writes under the lease too).
done_runs=""
for _ in $(seq 600); do
  done_runs=$(q "SELECT COUNT(*) FROM job_runs j, leases l WHERE j.job = 'nightly' AND j.as_of = '$today'
                 AND j.finished = 1 AND l.name = 'nightly' AND l.holder IS NULL")
  [ "$done_runs" = 1 ] && break
  sleep 0.2
done
result "the nightly job for today is over ($done_runs finished run)" $([ "$done_runs" = 1 ]; echo $?)

# ---- The load, and a server killed part-way ------------------------------------------
# Writer W's Nth contact has id MS<W>-<N>; its log line: "ID CODE [RETRY_CODE]".
writer() {
  local w=$1 n t crn ev id body code retry
  for n in $(seq 1 "$WRITES"); do
    t=${targets[$(((w * 3 + n) % ${#targets[@]}))]}
    crn=${t% *} ev=${t#* } id="MS$w-$n"
    body="{\"id\":\"$id\",\"event\":\"$ev\",\"date\":\"$yesterday\",\"type\":\"COAP\",\"national_standard\":true,\"appointment\":false}"
    code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 60 -H "Authorization: Bearer $token" \
      -H 'Content-Type: application/json' --data "$body" "$base/api/v1/cases/$crn/contacts")
    retry=""
    # No answer: it may or may not be stored; the same id again tells (409: it was).
    case "$code" in 5*|000) retry=$(curl -s -o /dev/null -w '%{http_code}' --max-time 60 -H "Authorization: Bearer $token" \
      -H 'Content-Type: application/json' --data "$body" "$base/api/v1/cases/$crn/contacts") ;; esac
    echo "$id $crn $code $retry" >>"$tmp/writes-$w.log"
  done
}
reader() {
  local r=$1 n t
  for n in $(seq 1 "$READS"); do
    t=${targets[$(((r + n) % ${#targets[@]}))]}
    if [ $((n % 2)) = 0 ]; then path="/api/v1/cases/${t% *}"; else path="/api/v1/worklist?pdu=$pdu&limit=50"; fi
    echo "$path $(curl -s -o /dev/null -w '%{http_code}' --max-time 60 -H "Authorization: Bearer $token" "$base$path")" \
      >>"$tmp/reads-$r.log"
  done
}
loaders=()
for w in $(seq 1 "$WRITERS"); do writer "$w" & loaders+=($!); done
for r in $(seq 1 "$READERS"); do reader "$r" & loaders+=($!); done
# A quarter of the writes in, the first server dies as under kill -9.
for _ in $(seq 600); do
  [ "$(cat "$tmp"/writes-*.log 2>/dev/null | wc -l)" -ge $((WRITERS * WRITES / 4)) ] && break
  sleep 0.1
done
kill -KILL "${pids[0]}"
wait "${pids[0]}" 2>/dev/null
dead_at=$(date +%s.%N) # from here on, no request reaches it
pids=("${pids[1]}")
for p in "${loaders[@]}"; do wait "$p"; done
writes_done=$(cat "$tmp"/writes-*.log | wc -l)
reads_done=$(cat "$tmp"/reads-*.log | wc -l)
result "the load ran to its end ($writes_done writes, $reads_done reads; server 1 dead at $dead_at)" \
  $([ "$writes_done" = $((WRITERS * WRITES)) ] && [ "$reads_done" = $((READERS * READS)) ]; echo $?)

# ---- Checks ---------------------------------------------------------------------------
# Acknowledged: 201, or a retry's 409 (the first attempt was stored). Every
# write's id is new, so a first answer of 409, or a 4xx other than that, is
# a fault, as is a retry that still got no answer (the other server is up).
cat "$tmp"/writes-*.log >"$tmp/writes.log"
awk '$3 == 201 || $4 == 201 || $4 == 409 {print $1}' "$tmp/writes.log" | sort >"$tmp/acked"
awk '!($3 == 201 || $4 == 201 || $4 == 409)' "$tmp/writes.log" >"$tmp/unacked"
result "every write was acknowledged, at once or on its retry ($(wc -l <"$tmp/acked") of $writes_done)" \
  $([ ! -s "$tmp/unacked" ]; echo $?)
[ -s "$tmp/unacked" ] && head -5 "$tmp/unacked"
q "SELECT id, COUNT(*) FROM contacts WHERE id LIKE 'MS%' GROUP BY id ORDER BY id" | tr '|' ' ' >"$tmp/stored"
missing=$(join -v1 "$tmp/acked" <(cut -d' ' -f1 "$tmp/stored" | sort) | wc -l)
twice=$(awk '$2 != 1' "$tmp/stored" | wc -l)
result "every acknowledged write is stored exactly once ($missing missing, $twice stored more than once)" \
  $([ "$missing" = 0 ] && [ "$twice" = 0 ] && [ -s "$tmp/acked" ]; echo $?)
retried=$(awk '$4 != ""' "$tmp/writes.log" | wc -l)
echo "# writes retried after no answer: $retried"

# 5xx: in nginx's log, each must have gone last to the killed server and
# started before it was dead (when SIGKILL lands, connections it had not yet
# accepted are in flight too). The clients saw the same number.
k="127.0.0.1:${ports[0]}"
awk -v k="$k" -v t="$dead_at" '$3 >= 500 && ($NF != k || $1 - $2 > t + 0.01)' "$tmp/nginx-access.log" >"$tmp/bad5xx"
n5=$(awk '$3 >= 500' "$tmp/nginx-access.log" | wc -l)
c5=$( { awk '{print $3; if ($4 != "") print $4}' "$tmp/writes.log"; awk '{print $2}' "$tmp"/reads-*.log; } | grep -c '^5')
result "no 5xx but requests in flight to the killed server ($n5 in nginx's log, $c5 seen by clients, at most $((WRITERS + READERS)))" \
  $([ ! -s "$tmp/bad5xx" ] && [ "$n5" = "$c5" ] && [ "$n5" -le $((WRITERS + READERS)) ]; echo $?)
[ -s "$tmp/bad5xx" ] && head -5 "$tmp/bad5xx"
bad_reads=$(awk '$2 != 200 && $2 !~ /^5/' "$tmp"/reads-*.log | wc -l)
result "every other read was answered 200 ($bad_reads not)" $([ "$bad_reads" = 0 ]; echo $?)
before=$(awk -v t="$dead_at" '$1 < t {for (i = 6; i <= NF; i++) {a = $i; sub(/,$/, "", a); print a}}' \
  "$tmp/nginx-access.log" | sort -u | grep -c .)
result "nginx spread the load over both servers before the kill" $([ "$before" -ge 2 ]; echo $?)

"$bin" audit verify --db "$url" >"$tmp/verify.out" 2>&1
result "casekeeper audit verify passes ($(head -1 "$tmp/verify.out"))" $?

runs=$(q "SELECT COUNT(*) FROM job_runs WHERE job = 'nightly'")
servers=$(q "SELECT COUNT(DISTINCT server) FROM job_runs WHERE job = 'nightly'")
audited=$(q "SELECT COUNT(*) FROM audit_log WHERE action = 'cases.recompute'")
logged=$(cat "$tmp"/serve*.log | grep -c "daily recompute at $today: done on this server")
result "one nightly recompute ran, on one server ($runs run in job_runs, $audited audited, $logged logged as done)" \
  $([ "$runs" = 1 ] && [ "$servers" = 1 ] && [ "$audited" = 1 ] && [ "$logged" = 1 ]; echo $?)
summary
