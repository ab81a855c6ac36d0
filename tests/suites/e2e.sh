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
CK_URL=$url node --test --test-reporter=tap tests/e2e/ 2>&1 | tee test-output/e2e-node.log
kill -TERM "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
pass=$(grep -Eo '^# pass [0-9]+' test-output/e2e-node.log | awk '{print $3}')
fail=$(grep -Eo '^# fail [0-9]+' test-output/e2e-node.log | awk '{print $3}')
pass=${pass:-0}; fail=${fail:-1}
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
