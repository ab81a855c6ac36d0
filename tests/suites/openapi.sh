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
  [ -n "$prism_pid" ] && kill -TERM "$prism_pid" 2>/dev/null && wait "$prism_pid" 2>/dev/null
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

# Prism on a free port: bind a throwaway socket to learn one.
port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
node_modules/.bin/prism proxy docs/openapi.json "$upstream" --host 127.0.0.1 --port "$port" >"$tmp/prism.log" 2>&1 &
prism_pid=$!
for _ in $(seq 1 120); do
  curl -s -o /dev/null "http://127.0.0.1:$port/health" && break
  sleep 0.5
done
curl -s -o /dev/null "http://127.0.0.1:$port/health"
result "Prism proxies to the server" $?

CK_OPENAPI_NOTIFY=$notify_token node tests/suites/lib/openapi_drive.mjs "http://127.0.0.1:$port" "$db" "$tmp/data/cases-001.jsonl" >"$tmp/drive.out" 2>&1
status=$?
grep -v '^ok ' "$tmp/drive.out"
last=$(tail -n 1 "$tmp/drive.out")
result "every route through Prism: $last" $status
summary
