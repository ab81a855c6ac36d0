#!/usr/bin/env bash
# `casekeeper demo` end to end (sanitized build): a small Synthetic London on a
# temporary path starts, prints the URL and the staff to sign in as, answers
# /health, shows a signed-in practitioner a worklist with cases in it, and
# `casekeeper stats` reads its database; a second run replaces the first's
# database, and anything the demo did not make is refused and left untouched.
# Last line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
bin=build/dbg/casekeeper
passed=0 failed=0
check() { # check NAME COMMAND...: one result line
  local name=$1; shift
  if "$@"; then echo "ok - $name"; passed=$((passed + 1)); else echo "not ok - $name"; failed=$((failed + 1)); fi
}
jq_ok() { jq -e "$@" >/dev/null; }
finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }
if [ ! -x "$bin" ]; then
  echo "demo: needs $bin (make test-build)"
  echo "0 passed, 1 failed"
  exit 1
fi
tmp=$(mktemp -d /tmp/ck-demo.XXXXXX)
pid=""
cleanup() { [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

# start_demo ARGS...: runs the demo in the background; its standard output
# goes to $tmp/out (followed until the account table has ended), standard
# error to $tmp/err. Sets url (empty when it did not come up).
start_demo() {
  : >"$tmp/out"
  "$bin" demo --listen 127.0.0.1:0 --as-of 2025-11-03 "$@" >"$tmp/out" 2>"$tmp/err" &
  pid=$!
  url=""
  for _ in $(seq 1 1200); do
    if grep -q '^  Administrator' "$tmp/out"; then
      url=$(sed -n 's/^listening on //p' "$tmp/out")
      return
    fi
    kill -0 "$pid" 2>/dev/null || return
    sleep 0.25
  done
}

stop_demo() {
  kill -TERM "$pid" 2>/dev/null
  wait "$pid"
  local rc=$?
  pid=""
  return $rc
}

# ---- A demo of 300 people ----------------------------------------------------
db=$tmp/d/casekeeper.db
start_demo --db "sqlite:$db" --scale 300
check "demo starts and prints its URL" test -n "$url"
if [ -z "$url" ]; then
  echo "# standard error:"; sed 's/^/# /' "$tmp/err" | tail -20
  finish
fi
cat "$tmp/out"
check "progress is shown with a rate and the time taken" grep -Eq 'cases/s, [0-9.]+s elapsed|cases with their obligations in' "$tmp/err"
check "every role is listed" test "$(grep -Ec '^  (Practitioner|Senior probation officer|Head of PDU|Court officer|Victim liaison officer|Quality assurance|Administrator) ' "$tmp/out")" -eq 7
row=$(grep '^  Practitioner ' "$tmp/out")
staff=$(awk '{print $2}' <<<"$row")
team=$(sed -E 's/.* ([A-Z0-9]+) \(.*$/\1/' <<<"$row")
check "the practitioner is a real staff code with a team" test -n "$staff" -a -n "$team"
check "/health answers" bash -c "curl -sf '$url/health' | grep -q '\"status\":\"ok\"'"

jar=$tmp/cookies
csrf=$(curl -sf -c "$jar" "$url/sign-in" | grep -o 'name="csrf" value="[0-9a-f]*"' | sed 's/.*value="//; s/"$//')
code=$(curl -s -o /dev/null -w '%{http_code}' -b "$jar" -c "$jar" \
  --data-urlencode "csrf=$csrf" --data-urlencode "staff=$staff" --data-urlencode "grade=PO" \
  --data-urlencode "team=$team" --data-urlencode "next=/" "$url/sign-in")
check "the practitioner signs in with the details printed" test "$code" = 303
curl -sf -b "$jar" "$url/" >"$tmp/work.html"
check "the practitioner's worklist has cases in it" test "$(grep -Eo 'href="/cases/[A-Z0-9]+' "$tmp/work.html" | sort -u | wc -l)" -gt 0
check "the worklist page is the practitioner's" grep -q "$staff" "$tmp/work.html"

build/dbg/casekeeper stats --db "sqlite:$db" --format json >"$tmp/stats.json" 2>"$tmp/stats.err"
check "stats reads the demo database as JSON" jq_ok '.as_of == "2025-11-03" and .total.all_rules.total > 0 and (.pdus | length) == 18 and (.total.practice | length) == 9' "$tmp/stats.json"
build/dbg/casekeeper stats --db "sqlite:$db" --pdu "$(jq -r '.pdus[0].pdu' "$tmp/stats.json")" >"$tmp/stats.txt"
check "stats prints a table for one PDU" grep -Eq '^  ALLOCATE +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9.]+%' "$tmp/stats.txt"
check "the demo stops cleanly on SIGTERM" stop_demo

# ---- Again on the same path: the previous demo's database is replaced ---------------
start_demo --db "sqlite:$db" --scale 60
check "a second demo replaces the first's database" test -n "$url"
check "... and serves it" bash -c "curl -sf '$url/health' >/dev/null"
stop_demo

# ---- Anything else is refused and left as it was ------------------------------------
other=$tmp/other.db
build/dbg/casekeeper migrate --db "sqlite:$other" >/dev/null 2>&1
echo "notes" >"$tmp/notes.txt"
for f in "$other" "$tmp/notes.txt"; do
  before=$(sha256sum "$f")
  "$bin" demo --db "sqlite:$f" --scale 60 --listen 127.0.0.1:0 >/dev/null 2>"$tmp/refused"
  rc=$?
  check "demo refuses $(basename "$f") (exit 2)" test "$rc" = 2
  check "... saying why" grep -q 'refusing to replace' "$tmp/refused"
  check "... and leaves it unchanged" test "$before" = "$(sha256sum "$f")"
done
"$bin" demo --db sqlite::memory: >/dev/null 2>"$tmp/refused"
check "demo refuses an in-memory database" test $? = 2
finish
