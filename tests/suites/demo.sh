#!/usr/bin/env bash
# `casekeeper demo` end to end (sanitized build): a small Synthetic London on a
# temporary path starts, prints the URL and one account for each role, answers
# /health, lets every account sign in with the password given (or the one it
# made up and printed), shows the practitioner a worklist with cases in it, and
# `casekeeper stats` reads its database; a second run replaces the first's
# database, and anything the demo did not make is refused and left untouched.
# Last line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/suites/lib/result.sh
bin=build/dbg/casekeeper
check() { # check NAME COMMAND...: the command's outcome as one result line
  local name=$1; shift
  "$@"
  result "$name" $?
}
jq_ok() { jq -e "$@" >/dev/null; }
finish() { summary; exit $?; }
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
    if grep -q '^  admin ' "$tmp/out"; then
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

# sign_in USER PASSWORD: signs in with a fresh cookie jar ($tmp/cookies), as
# a browser would post the form; prints the HTTP status.
sign_in() {
  rm -f "$tmp/cookies"
  curl -s -o /dev/null -c "$tmp/cookies" "$url/sign-in"
  curl -s -o /dev/null -w '%{http_code}' -b "$tmp/cookies" -c "$tmp/cookies" -H "Origin: $url" \
    --data-urlencode "username=$1" --data-urlencode "password=$2" --data-urlencode "next=/" "$url/sign-in"
}

# ---- A demo of 300 people ----------------------------------------------------
db=$tmp/d/casekeeper.db
pw="a passphrase for the demo"
start_demo --db "sqlite:$db" --scale 300 --demo-password "$pw"
check "demo starts and prints its URL" test -n "$url"
if [ -z "$url" ]; then
  echo "# standard error:"; sed 's/^/# /' "$tmp/err" | tail -20
  finish
fi
cat "$tmp/out"
check "progress is shown with a rate and the time taken" grep -Eq 'cases/s, [0-9.]+s elapsed|cases with their obligations in' "$tmp/err"
roles="practitioner spo head_of_pdu court_officer vlo qa admin"
check "an account for every role is listed" test "$(grep -Ec "^  ($(tr ' ' '|' <<<"$roles")) " "$tmp/out")" -eq 7
check "the password given is not printed" bash -c "! grep -q '$pw' '$tmp/out' '$tmp/err'"
staff=$(awk '$1 == "practitioner" {print $2}' "$tmp/out")
check "the practitioner is linked to a real staff code" grep -Eq '^N07[A-Z][0-9]+$' <<<"$staff"
check "/health answers" bash -c "curl -sf '$url/health' | grep -q '\"status\":\"ok\"'"
for r in $roles; do
  check "$r signs in with the password given" test "$(sign_in "$r" "$pw")" = 303
done
check "a wrong password does not sign in" test "$(sign_in practitioner "not the demo password")" != 303
sign_in practitioner "$pw" >/dev/null
curl -sf -b "$tmp/cookies" "$url/" >"$tmp/work.html"
check "the practitioner's worklist has cases in it" test "$(grep -Eo 'href="/cases/[A-Z0-9]+' "$tmp/work.html" | sort -u | wc -l)" -gt 0
# The header names the signed-in practitioner (issue 13: a name, not the staff code).
name=$(awk '$1 == "practitioner" {print $3 " " $4}' "$tmp/out")
check "the worklist page is the practitioner's, by name" grep -q "$name, Probation practitioner" "$tmp/work.html"
# Every role lands on its own work (issue 14), never on a refusal.
for pair in "practitioner:My work" "spo:Appointments without an outcome" "head_of_pdu:PDU dashboard" \
            "court_officer:Checks outstanding for reports" "vlo:Victim liaison" \
            "qa:Choose a probation delivery unit" "admin:Add an account"; do
  r=${pair%%:*} heading=${pair#*:}
  sign_in "$r" "$pw" >/dev/null
  code=$(curl -s -o "$tmp/home.html" -w '%{http_code}' -b "$tmp/cookies" "$url/")
  check "$r's home is its own work (\"$heading\")" bash -c "test '$code' = 200 && grep -q '$heading' '$tmp/home.html'"
done
sign_in court_officer "$pw" >/dev/null
curl -sf -b "$tmp/cookies" "$url/court" >"$tmp/court.html"
check "the court officer's court work has checks outstanding across the PDU" bash -c "! grep -q 'No checks outstanding' '$tmp/court.html' && grep -q 'Request the check\|Record the reply' '$tmp/court.html'"

build/dbg/casekeeper stats --db "sqlite:$db" --format json >"$tmp/stats.json" 2>"$tmp/stats.err"
check "stats reads the demo database as JSON" jq_ok '.as_of == "2025-11-03" and .total.all_rules.total > 0 and (.pdus | length) == 18 and (.total.practice | length) == 9' "$tmp/stats.json"
build/dbg/casekeeper stats --db "sqlite:$db" --pdu "$(jq -r '.pdus[0].pdu' "$tmp/stats.json")" >"$tmp/stats.txt"
check "stats prints a table for one PDU" grep -Eq '^  ALLOCATE +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9.]+%' "$tmp/stats.txt"
check "the demo stops cleanly on SIGTERM" stop_demo

# ---- Again on the same path: the previous demo's database is replaced ---------------
start_demo --db "sqlite:$db" --scale 60
check "a second demo replaces the first's database" test -n "$url"
made=$(sed -n 's/.*every demo account.s password: //p' "$tmp/err")
check "... makes up a password and prints it at the start" test "$(head -1 "$tmp/err")" = "casekeeper demo: every demo account's password: $made"
check "... which signs in" test "$(sign_in vlo "$made")" = 303
check "... and the old password no longer does" test "$(sign_in vlo "$pw")" != 303
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
"$bin" demo --db "sqlite:$tmp/new.db" --demo-password short >/dev/null 2>"$tmp/refused"
check "demo refuses a password too short, naming the option" bash -c "test $? = 2 && grep -q -- --demo-password '$tmp/refused'"
"$bin" demo --db "sqlite:$tmp/new.db" --listen 0.0.0.0:0 >/dev/null 2>"$tmp/refused"
check "demo refuses to serve plain http beyond this machine" bash -c "test $? = 2 && grep -q loopback '$tmp/refused'"
check "... having made nothing" test ! -e "$tmp/new.db"
finish
