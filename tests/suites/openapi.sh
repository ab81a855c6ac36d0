#!/usr/bin/env bash
# The JSON API against its contract, docs/openapi.json: `redocly lint` on the
# document; then a real server (build/casekeeper on generated data, GOV.UK
# Notify's callback token configured) behind Stoplight Prism as a validating
# proxy, and tests/suites/lib/openapi_drive.mjs calling every route through
# it with good and bad requests. A check fails on any answer Prism finds
# breaking the document, on any 5xx, and on a request meant to be good that
# breaks it. Prism runs without --errors so that the bad requests reach the
# server (with it, Prism answers them 422 itself); its verdicts are read from
# the sl-violations header of each answer.
# Last line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/suites/lib/result.sh
ck=build/casekeeper
[ -x "$ck" ] && command -v node >/dev/null && [ -x node_modules/.bin/prism ] && [ -x node_modules/.bin/redocly ] ||
  { echo "openapi: needs $ck, node, and @stoplight/prism-cli and @redocly/cli in node_modules"; echo "0 passed, 1 failed"; exit 1; }
tmp=$(mktemp -d /tmp/ck-openapi.XXXXXX)
serve_pid="" prism_pid=""
cleanup() {
  for p in $prism_pid; do kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
  [ -n "$serve_pid" ] && kill -TERM "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
  [ -n "${KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT

node_modules/.bin/redocly lint --format=stylish docs/openapi.json >"$tmp/lint" 2>&1
status=$?
grep -Eq '^ +[0-9]+:[0-9]+ +(warning|error) ' "$tmp/lint" && status=1
[ $status -eq 0 ] || cat "$tmp/lint"
result "redocly lint: docs/openapi.json is valid OpenAPI 3.1 with no warning" $status

db="sqlite:$tmp/api.db"
today=$(date -u +%F)
"$ck" migrate --db "$db" 2>/dev/null && "$ck" generate --as-of "$today" --out "$tmp/data" --scale 150 >/dev/null 2>&1 &&
  "$ck" import --db "$db" "$tmp/data" >/dev/null 2>&1
result "a database of 150 generated cases" $?

notify_token=$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')
printf '%s\n' "$notify_token" >"$tmp/notify-token"
sed "s|^notify_callback_token_file *=.*|notify_callback_token_file = $tmp/notify-token|" config/rules.conf >"$tmp/rules.conf"
coproc SERVE { exec "$ck" serve --db "$db" --listen 127.0.0.1:0 --threads 2 --rules-config "$tmp/rules.conf" 2>"$tmp/serve.log"; }
serve_pid=$SERVE_PID
read -r -t 60 line <&"${SERVE[0]}"
upstream=${line#listening on }
[[ "$upstream" == http://* ]]
result "the server starts ($upstream)" $?

# A free port: bind a throwaway socket to learn one.
free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
# Prism on `port` in front of `upstream`, started and answering (whatever the upstream says).
start_prism() { # upstream, port, log
  node_modules/.bin/prism proxy docs/openapi.json "$1" --host 127.0.0.1 --port "$2" >"$3" 2>&1 &
  prism_pid="$prism_pid $!"
  for _ in $(seq 1 120); do
    grep -q 'Prism is listening' "$3" && return 0
    sleep 0.5
  done
  return 1
}
port=$(free_port)
start_prism "$upstream" "$port" "$tmp/prism.log"
curl -s -o /dev/null "http://127.0.0.1:$port/health"
result "Prism proxies to the server" $?

CK_OPENAPI_NOTIFY=$notify_token node tests/suites/lib/openapi_drive.mjs "http://127.0.0.1:$port" "$db" "$tmp/data/cases-001.jsonl" >"$tmp/drive.out" 2>&1
status=$?
grep -v '^ok ' "$tmp/drive.out"
last=$(tail -n 1 "$tmp/drive.out")
result "every route through Prism: $last" $status

# The API test suites through Prism too: their servers listen on a port of
# ours (CK_TEST_SERVER_PORT), their client goes to Prism (CK_TEST_PROXY_PORT:
# tests/ck_test_http.h). Prism logs each verdict; a response that breaks the
# document or a 5xx fails, while their deliberately bad requests reach the
# server as they are.
sport=$(free_port) pport=$(free_port)
start_prism "http://127.0.0.1:$sport" "$pport" "$tmp/prism-tests.log"
result "a second Prism for the API test suites" $?
for t in test_api test_api_manage; do
  CK_TEST_SERVER_PORT=$sport CK_TEST_PROXY_PORT=$pport "build/dbg/tests/$t" >"$tmp/$t.out" 2>&1
  status=$?
  [ $status -eq 0 ] || grep -E 'FAILED|ERROR' "$tmp/$t.out" | head -20
  result "$t passes with its requests through Prism" $status
done
forwarded=$(grep -c 'Forwarding' "$tmp/prism-tests.log")
[ "$forwarded" -gt 100 ]
result "Prism forwarded the test suites' requests ($forwarded)" $?
! grep -E 'Violation: response|has returned 5[0-9][0-9]' "$tmp/prism-tests.log" | sed 's/^.*› *//' | sort | uniq -c | grep .
result "no answer of the API test suites breaks docs/openapi.json, none is a 5xx" $?
summary
