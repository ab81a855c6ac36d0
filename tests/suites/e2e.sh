#!/usr/bin/env bash
# Browser suite: the web app in headless Chromium (playwright-core), axe-core
# on every page type, pages with JavaScript off, screenshots under
# test-output/screenshots/. The server is the page tests' fixture (a fresh
# SQLite database holding the shared example cases; port 0), run as
# `build/dbg/tests/test_web_pages --serve`. Last line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
server=build/dbg/tests/test_web_pages
if [ ! -x "$server" ] || [ ! -d node_modules/playwright-core ] || [ ! -x /usr/bin/chromium ]; then
  echo "e2e: needs $server (make test-build), node_modules (npm ci) and /usr/bin/chromium"
  echo "0 passed, 1 failed"
  exit 1
fi
mkdir -p test-output
export CK_SHARED_DIR=${CK_SHARED_DIR:-tests/shared}
log=test-output/e2e-server.log
coproc SERVER { exec "$server" --serve 2>"$log"; }
pid=$SERVER_PID
url=""
read -r -t 60 line <&"${SERVER[0]}" && url=${line#listening on }
if [ -z "$url" ]; then
  echo "e2e: the server did not start"; cat "$log"
  kill "$pid" 2>/dev/null
  echo "0 passed, 1 failed"
  exit 1
fi
# The pages' JSON API calls (helpers.mjs `api`) go through Stoplight Prism,
# which checks each answer against docs/openapi.json, as tests/suites/openapi.sh
# does for the API suites.
prism_log=test-output/e2e-prism.log
prism_port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
node_modules/.bin/prism proxy docs/openapi.json "$url" --host 127.0.0.1 --port "$prism_port" >"$prism_log" 2>&1 &
prism_pid=$!
for _ in $(seq 1 120); do grep -q 'Prism is listening' "$prism_log" && break; sleep 0.5; done
CK_URL=$url CK_API_URL=http://127.0.0.1:$prism_port node --test --test-reporter=tap tests/e2e/ 2>&1 | tee test-output/e2e-node.log
kill -TERM "$prism_pid" "$pid" 2>/dev/null
wait "$prism_pid" "$pid" 2>/dev/null
pass=$(grep -Eo '^# pass [0-9]+' test-output/e2e-node.log | awk '{print $3}')
fail=$(grep -Eo '^# fail [0-9]+' test-output/e2e-node.log | awk '{print $3}')
pass=${pass:-0}; fail=${fail:-1}
if ! grep -q 'Forwarding' "$prism_log" || grep -E 'Violation: response|has returned 5[0-9][0-9]' "$prism_log"; then
  echo "not ok the JSON API answers through Prism: none forwarded, one breaks docs/openapi.json or a 5xx ($prism_log)"
  fail=$((fail + 1))
else
  echo "ok the JSON API answers through Prism keep to docs/openapi.json"
  pass=$((pass + 1))
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
