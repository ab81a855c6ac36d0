#!/usr/bin/env bash
# Installing like a Debian service (issue 17, point 1):
#   * `make install DESTDIR=...` lays out the binary, web files, config and
#     the systemd unit, and the installed binary serves pages and GOV.UK
#     Frontend assets found from its install path, run from anywhere;
#   * a binary with no web files beside it refuses to start, naming
#     --assets-dir, and serves with --assets-dir;
#   * the unit passes `systemd-analyze verify` and holds the sandboxing;
#   * under a NOTIFY_SOCKET the server says READY=1, WATCHDOG=1 (at half
#     of WATCHDOG_USEC) and STOPPING=1;
#   * `make deb` builds a .deb that unpacks into a scratch root, where
#     `casekeeper --version` runs and `serve` on a temp SQLite database
#     answers a page and a GOV.UK Frontend asset.
# Last line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
. tests/suites/lib/result.sh
. tests/suites/lib/service.sh
for need in systemd-analyze dpkg-deb python3 curl; do
  command -v "$need" >/dev/null || { echo "install: $need is missing"; echo "0 passed, 1 failed"; exit 1; }
done
tmp=$(mktemp -d /tmp/ck-install.XXXXXX)
listener=""
cleanup() {
  [ -n "$svc_pid" ] && kill -KILL "$svc_pid" 2>/dev/null
  [ -n "$listener" ] && kill "$listener" 2>/dev/null
  [ -n "${KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT
version=$(cat VERSION)

# serves BIN LABEL [ARGS...]: starts BIN serve from / on a new SQLite
# database and checks that it answers the sign-in page and the GOV.UK
# Frontend stylesheet that page links to.
serves() {
  local bin=$1 label=$2 db page css code type
  shift 2
  db="sqlite:$tmp/$label.db"
  (cd / && svc_start "$bin" "$db" "$tmp/$label.log" "$@" && echo "$svc_pid $svc_base" >"$tmp/$label.svc"
   # the coproc belongs to this subshell: keep it until told to stop
   [ -n "$svc_pid" ] && { while [ ! -e "$tmp/$label.stop" ]; do sleep 0.1; done; svc_stop; echo "$svc_status" >"$tmp/$label.exit"; })&
  local waiter=$! end=$((SECONDS + 60))
  while [ ! -s "$tmp/$label.svc" ] && kill -0 "$waiter" 2>/dev/null && [ $SECONDS -lt $end ]; do sleep 0.1; done
  local base
  base=$(cut -d' ' -f2 "$tmp/$label.svc" 2>/dev/null)
  page=$(curl -s --max-time 10 "$base/sign-in")
  css=$(grep -o '/assets/[0-9a-f]*/govuk-frontend.min.css' <<<"$page" | head -1)
  code=$(curl -s -o /dev/null -w '%{http_code} %{content_type}' --max-time 10 "$base$css")
  touch "$tmp/$label.stop"
  wait "$waiter"
  [ -n "$base" ] && [[ $page == *"Sign in"* ]] && [ -n "$css" ] && [ "$code" = "200 text/css; charset=utf-8" ] &&
    [ "$(cat "$tmp/$label.exit" 2>/dev/null)" = 0 ]
}

# 1. make install into a staging root.
dest=$tmp/dest
make -s install DESTDIR="$dest" >"$tmp/install.log" 2>&1
result "make install DESTDIR=... (default PREFIX /usr/local)" $?
for f in usr/local/bin/casekeeper usr/local/share/casekeeper/templates/layout.html \
         usr/local/share/casekeeper/static usr/local/share/casekeeper/node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css \
         usr/local/share/casekeeper/node_modules/@ministryofjustice/frontend/moj/moj-frontend.min.css \
         etc/casekeeper/rules.conf etc/casekeeper/bank-holidays.json etc/casekeeper/casekeeper.env \
         usr/local/lib/systemd/system/casekeeper.service usr/local/lib/sysusers.d/casekeeper.conf \
         usr/local/share/doc/casekeeper/deploy.md; do
  [ -e "$dest/$f" ] || { echo "missing: $f"; false; }
done
result "it installs the binary, web files, config, unit and docs in their places" $?
serves "$dest/usr/local/bin/casekeeper" installed --rules-config "$dest/etc/casekeeper/rules.conf" \
  --bank-holidays "$dest/etc/casekeeper/bank-holidays.json"
result "the installed binary, run from /, serves a page and a GOV.UK Frontend asset from its install path" $?

# 2. Somewhere with no web files: refused with a clear message, served with --assets-dir.
mkdir -p "$tmp/bare"
cp "$dest/usr/local/bin/casekeeper" "$tmp/bare/casekeeper"
(cd / && "$tmp/bare/casekeeper" serve --db "sqlite:$tmp/bare.db" --listen 127.0.0.1:0 </dev/null >/dev/null 2>"$tmp/bare.err")
rc=$?
if [ -d /usr/local/share/casekeeper ]; then
  echo "# not checked: a binary without web files refuses to start (this machine has /usr/local/share/casekeeper)"
else
  [ "$rc" = 1 ] && grep -q -- "--assets-dir" "$tmp/bare.err"
  result "a binary without web files refuses to start, naming --assets-dir (exit $rc)" $?
fi
serves "$tmp/bare/casekeeper" assetsdir --assets-dir "$dest/usr/local/share/casekeeper"
result "serve --assets-dir DIR serves from DIR" $?

# 3. The systemd unit: verified offline, with ExecStart pointing at the staged binary.
unit=$dest/usr/local/lib/systemd/system/casekeeper.service
mkdir -p "$tmp/unit"
for u in casekeeper.service casekeeper-backup.service casekeeper-backup.timer; do
  sed "s|/usr/local/bin/casekeeper|$dest/usr/local/bin/casekeeper|" "$dest/usr/local/lib/systemd/system/$u" >"$tmp/unit/$u"
done
(cd "$tmp/unit" && systemd-analyze verify casekeeper.service casekeeper-backup.service casekeeper-backup.timer) \
  >"$tmp/verify.out" 2>&1
rc=$?
said=$(head -3 "$tmp/verify.out" | tr '\n' ' ')
[ "$rc" = 0 ] && [ -z "$said" ]
result "systemd-analyze verify passes the server's unit and the nightly backup's without a warning${said:+ ($said)}" $?
missing=""
for d in Type=notify WatchdogSec= ProtectSystem=strict NoNewPrivileges=yes PrivateTmp=yes ProtectHome=yes \
         User=casekeeper StateDirectory=casekeeper "ExecStart=/usr/local/bin/casekeeper serve"; do
  grep -q "^$d" "$unit" || missing="$missing $d"
done
[ -z "$missing" ]
result "the unit is Type=notify with a watchdog, sandboxed, with its own user and state directory${missing:+ (missing:$missing)}" $?
exposure=$(systemd-analyze security --offline=yes "$tmp/unit/casekeeper.service" 2>/dev/null |
  sed -n 's/.*Overall exposure level for casekeeper.service: \([0-9.]*\).*/\1/p')
[ -n "$exposure" ] && awk -v e="$exposure" 'BEGIN { exit !(e <= 2.0) }'
result "systemd-analyze security rates its exposure 2.0 or lower (${exposure:-none})" $?

# 4. sd_notify: READY=1 once listening, WATCHDOG=1 at half of WATCHDOG_USEC, STOPPING=1 on SIGTERM.
sock=$tmp/notify.sock
python3 - "$sock" "$tmp/notify.out" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "a") as out:
    while True:
        out.write(s.recv(4096).decode().replace("\n", " ") + "\n")
        out.flush()
PY
listener=$!
end=$((SECONDS + 10))
while [ ! -S "$sock" ] && [ $SECONDS -lt $end ]; do sleep 0.1; done
NOTIFY_SOCKET=$sock WATCHDOG_USEC=1000000 svc_start build/casekeeper "sqlite:$tmp/notify.db" "$tmp/notify.log"
# Waits on what is checked below rather than a fixed time: three pings within
# the 2 s the check allows (one every half of WatchdogSec: about 1.5 s), then
# STOPPING=1 from the stop.
for _ in $(seq 20); do [ "$(grep -c "^WATCHDOG=1" "$tmp/notify.out" 2>/dev/null)" -ge 3 ] && break; sleep 0.1; done
svc_stop
end=$((SECONDS + 10))
while ! grep -q "^STOPPING=1" "$tmp/notify.out" 2>/dev/null && [ $SECONDS -lt $end ]; do sleep 0.1; done
kill "$listener" 2>/dev/null; listener=""
grep -q "^READY=1 STATUS=http://127.0.0.1:" "$tmp/notify.out"
result "sd_notify READY=1 with the address as STATUS once it listens" $?
pings=$(grep -c "^WATCHDOG=1" "$tmp/notify.out")
[ "$pings" -ge 3 ]
result "WATCHDOG=1 every half of WatchdogSec ($pings within about 2 s at WATCHDOG_USEC=1 s)" $?
grep -q "^STOPPING=1" "$tmp/notify.out" && [ "$svc_status" = 0 ]
result "STOPPING=1 on SIGTERM, then exit 0 (exit $svc_status)" $?

# 5. make deb, unpacked into a scratch root.
make -s deb >"$tmp/deb.log" 2>&1
rc=$?
deb=build/casekeeper_${version}_$(dpkg --print-architecture).deb
[ "$rc" = 0 ] && [ -f "$deb" ]
result "make deb builds $deb" $?
dpkg-deb -I "$deb" >"$tmp/control" 2>&1 && grep -q "^ Depends: .*libmicrohttpd12" "$tmp/control" &&
  grep -q "^ Depends: .*libjansson4" "$tmp/control" && grep -q "^ Depends: .*libsystemd0" "$tmp/control"
result "its Depends name the runtime libraries (dpkg-shlibdeps)" $?
scratch=$tmp/scratch
dpkg-deb -x "$deb" "$scratch"
result "dpkg-deb -x into a scratch root" $?
[ -x "$scratch/usr/bin/casekeeper" ] && [ -f "$scratch/lib/systemd/system/casekeeper.service" ] &&
  grep -q "^ExecStart=/usr/bin/casekeeper serve" "$scratch/lib/systemd/system/casekeeper.service" &&
  dpkg-deb -I "$deb" conffiles | grep -q "^/etc/casekeeper/rules.conf$"
result "the package holds /usr/bin/casekeeper, the unit for /usr/bin, and /etc/casekeeper as conffiles" $?
out=$(cd / && "$scratch/usr/bin/casekeeper" --version)
[ "$out" = "casekeeper $version" ]
result "casekeeper --version runs from the scratch root ($out)" $?
serves "$scratch/usr/bin/casekeeper" deb --rules-config "$scratch/etc/casekeeper/rules.conf"
result "serve from the scratch root answers a page and a GOV.UK Frontend asset found from its install path" $?
summary
