#!/usr/bin/env bash
# Browser suite: the web app in headless Chromium (playwright-core), axe-core
# on every page type, pages with JavaScript off, screenshots under
# test-output/screenshots/. The server is the page tests' fixture (a fresh
# SQLite database holding the shared example cases; port 0), run as
# `build/dbg/tests/test_web_pages --serve`. Last line: "N passed, N failed".
#
# The test files run in two groups at once (the machine's two cores: one
# group alone kept about one core busy), each group against a server and
# database of its own behind a Prism of its own, so a file never sees the
# other group's writes (narrow.test.mjs crawls every page a role reaches
# while other files reallocate, record and add). Within a group the files
# run one after another in name order, as all of them did before. Group 1 is
# the files named below; group 2 every other file, so a new file runs
# without being listed. The groups are balanced by the files' times: the
# phone crawl (a third of the suite) is split between narrow.test.mjs and
# narrow2.test.mjs, one in each group.
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
group1=(diary manage narrow2 overview web)

files1=() files2=()
for f in tests/e2e/*.test.mjs; do
  name=$(basename "$f" .test.mjs)
  if [[ " ${group1[*]} " == *" $name "* ]]; then files1+=("$f"); else files2+=("$f"); fi
done

pids=()
stop_all() {
  [ ${#pids[@]} -gt 0 ] && kill -TERM "${pids[@]}" 2>/dev/null
  wait "${pids[@]}" 2>/dev/null
}

# Starts group $1's server and its Prism (their pids go to `pids`); sets
# ck_url[$1] and api_url[$1]. The pages' JSON API calls (helpers.mjs `api`)
# go through Stoplight Prism, which checks each answer against
# docs/openapi.json, as tests/suites/openapi.sh does for the API suites.
declare -A ck_url api_url
start_group() {
  local n=$1 out=test-output/e2e-server-$1.out log=test-output/e2e-server-$1.log
  local prism_log=test-output/e2e-prism-$1.log url="" port
  : >"$out"
  "$server" --serve >"$out" 2>"$log" &
  pids+=($!)
  for _ in $(seq 1 600); do
    url=$(sed -n 's/^listening on //p' "$out")
    [ -n "$url" ] && break
    kill -0 "${pids[-1]}" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$url" ]; then
    echo "e2e: group $n's server did not start"; cat "$log"
    return 1
  fi
  port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  node_modules/.bin/prism proxy docs/openapi.json "$url" --host 127.0.0.1 --port "$port" >"$prism_log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 120); do grep -q 'Prism is listening' "$prism_log" && break; sleep 0.5; done
  ck_url[$n]=$url
  api_url[$n]=http://127.0.0.1:$port
}

if ! start_group 1 || ! start_group 2; then
  stop_all
  echo "0 passed, 1 failed"
  exit 1
fi

run_group() { # n, files...
  local n=$1; shift
  CK_URL=${ck_url[$n]} CK_API_URL=${api_url[$n]} \
    node --test --test-concurrency=1 --test-reporter=tap "$@" >test-output/e2e-node-$n.log 2>&1
}
run_group 1 "${files1[@]}" &
g1=$!
run_group 2 "${files2[@]}" &
g2=$!
wait "$g1" "$g2"
stop_all
cat test-output/e2e-node-1.log test-output/e2e-node-2.log | tee test-output/e2e-node.log

pass=0 fail=0
for n in 1 2; do
  p=$(grep -Eo '^# pass [0-9]+' "test-output/e2e-node-$n.log" | awk '{print $3}')
  f=$(grep -Eo '^# fail [0-9]+' "test-output/e2e-node-$n.log" | awk '{print $3}')
  pass=$((pass + ${p:-0})); fail=$((fail + ${f:-1}))
done
# Only some files call the API; over both groups at least one answer went through.
prism_logs=(test-output/e2e-prism-1.log test-output/e2e-prism-2.log)
if ! cat "${prism_logs[@]}" | grep -q 'Forwarding' || grep -E 'Violation: response|has returned 5[0-9][0-9]' "${prism_logs[@]}"; then
  echo "not ok the JSON API answers through Prism: none forwarded, one breaks docs/openapi.json or a 5xx (${prism_logs[*]})"
  fail=$((fail + 1))
else
  echo "ok the JSON API answers through Prism keep to docs/openapi.json"
  pass=$((pass + 1))
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
