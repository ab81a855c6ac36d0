#!/bin/sh
# Installs what Casekeeper needs to build, test and run on Debian 12, as root.
# Idempotent and quick when everything is already there: `make run` and
# `make test` call it every time.
set -eu
cd "$(dirname "$0")/.."

PKGS="gcc make pkg-config xxd libmicrohttpd-dev libjansson-dev libcsv-dev libsqlite3-dev
      libpq-dev libsodium-dev libcmocka-dev postgresql-15 chromium
      clang libclang-rt-14-dev nginx-light openssl curl sqlite3 time
      libical-dev libcurl4-openssl-dev python3-icalendar prometheus systemd libsystemd-dev"

missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# Node.js and npm may come from the machine image rather than Debian: install
# Debian's only when there is none (mixing the two breaks apt).
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
if [ -n "$missing" ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup: these Debian packages are missing and installing them needs root:$missing" >&2
    exit 1
  fi
  echo "setup: installing$missing"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

# Front-end assets (GOV.UK Frontend, MoJ Frontend) and browser-test tooling come
# from npm, pinned by package-lock.json; reinstall only when the lock changed.
if [ -f package.json ]; then
  if [ ! -f node_modules/.ck-stamp ] || [ package-lock.json -nt node_modules/.ck-stamp ]; then
    echo "setup: npm ci"
    npm ci --no-audit --no-fund --loglevel=error
    touch node_modules/.ck-stamp
  fi
fi
