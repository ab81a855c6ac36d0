#!/usr/bin/env bash
# Regenerates docs/screenshots/ (case overview, PDU and region dashboards) from
# synthetic data (casekeeper generate, a few thousand people in London's
# PDUs), served by build/casekeeper on a free loopback port. Needs
# node_modules (npm ci) and /usr/bin/chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
make -s build/casekeeper
work=$(mktemp -d /tmp/ck-shots.XXXXXX)
trap 'kill -TERM ${pid:-0} 2>/dev/null; rm -rf "$work"' EXIT
today=$(date -u +%F)
db="sqlite:$work/demo.db"
build/casekeeper generate --scale 3000 --as-of "$today" --out "$work/gen" >/dev/null
build/casekeeper migrate --db "$db" >/dev/null
build/casekeeper import --db "$db" --as-of "$today" "$work/gen" >/dev/null 2>&1
q() { sqlite3 -readonly "$work/demo.db" "$1"; }
# A supervised case with a RoSH level, flags and overdue work, held by a PO.
crn=$(q "SELECT c.crn FROM cases c JOIN staff s ON s.code = c.staff_code AND s.grade = 'PO'
         WHERE c.tier NOT LIKE 'NOT%' AND EXISTS (SELECT 1 FROM registrations g WHERE g.case_id = c.case_id)
         ORDER BY (SELECT COUNT(*) FROM obligations o WHERE o.case_id = c.case_id AND o.status = 'unmet') DESC LIMIT 1")
read -r staff team < <(q "SELECT c.staff_code, s.team FROM cases c JOIN staff s ON s.code = c.staff_code WHERE c.crn = '$crn'" | tr '|' ' ')
spo=$(q "SELECT code FROM staff WHERE team = '$team' AND grade = 'SPO' LIMIT 1")
# Accounts for the two grades, with a throwaway password (synthetic data in
# a temporary database).
pw=screenshots-$$-password
build/casekeeper user add shots-po --role practitioner --staff "$staff" --password-stdin --db "$db" <<<"$pw" >/dev/null
build/casekeeper user add shots-spo --role spo --staff "$spo" --password-stdin --db "$db" <<<"$pw" >/dev/null
coproc SERVER { exec build/casekeeper serve --db "$db" --listen 127.0.0.1:0 --plain-http 2>"$work/server.log"; }
pid=$SERVER_PID
read -r -t 60 line <&"${SERVER[0]}"
CK_URL=${line#listening on } CK_CRN=$crn CK_PASSWORD=$pw node scripts/readme-screenshots.mjs
ls -l docs/screenshots/
