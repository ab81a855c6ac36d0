#!/usr/bin/env bash
# The rules engine's CPU per case (bench/engine.c) against the release
# library, and with CALLGRIND=1 its instruction count under callgrind (immune
# to the load of the shared machine). CASES (2000) and ROUNDS (5) size it.
set -euo pipefail
cd "$(dirname "$0")/.."
make -s build/rel/libck.a
inc=$(for d in src/base src/core src/bundle src/gen; do printf -- '-I%s ' "$d"; done)
mkdir -p build/bench
gcc -std=c17 -D_GNU_SOURCE -O2 -g $inc -o build/bench/engine bench/engine.c build/rel/libck.a \
  $(pkg-config --libs libmicrohttpd jansson sqlite3 libpq libsodium libcurl libical) -lcsv -lm -lpthread
build/bench/engine "${CASES:-2000}" "${ROUNDS:-5}"
if [ "${CALLGRIND:-0}" = 1 ]; then
  out=build/bench/callgrind.engine
  valgrind --tool=callgrind --callgrind-out-file="$out" --toggle-collect='ck_rules_evaluate' \
    build/bench/engine "${CG_CASES:-500}" 1 >/dev/null 2>build/bench/callgrind.log
  echo "callgrind: $(grep -o 'Collected : [0-9]*' build/bench/callgrind.log | head -1) instructions in ck_rules_evaluate for ${CG_CASES:-500} cases"
  callgrind_annotate --inclusive=yes "$out" 2>/dev/null | grep -E 'printf|ck_date_fmt|ck_rules_evaluate' | head -8
fi
