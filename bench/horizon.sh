#!/usr/bin/env bash
# Why the nightly recompute evaluates the cases it does (bench/horizon.c):
# due and changed cases a day, and tallied by the source of the next-change
# date that made them due, over DAYS (7) days after AS_OF (2026-11-22) for
# CASES (38590, London) generated cases. No database. HORIZON_CHECK=1 also
# evaluates every case not due and fails if one changed (a late next change);
# HORIZON_WHAT=1 also tallies what changed (a rule ID, holder, profile).
set -euo pipefail
cd "$(dirname "$0")/.."
make -s build/rel/libck.a
inc=$(for d in src/base src/core src/bundle src/gen; do printf -- '-I%s ' "$d"; done)
mkdir -p build/bench
gcc -std=c17 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror $inc -o build/bench/horizon bench/horizon.c build/rel/libck.a \
  $(pkg-config --libs libmicrohttpd jansson sqlite3 libpq libsodium libcurl libical) -lcsv -lm -lpthread
build/bench/horizon "${CASES:-38590}" "${DAYS:-7}" "${AS_OF:-2026-11-22}"
