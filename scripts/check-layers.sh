#!/bin/sh
# Compiles every source file and header of each folder of src/ with only the
# include paths of the layers that folder may use (its own and those below
# it), so that a file including a header of a layer above it, or beside it,
# fails here by name. Called by `make check-layers` (and so by `make test`).
#
#   check-layers.sh CC "CFLAGS" FOLDER:ALLOWED,ALLOWED ...
#
# A quoted include finds a header in the including file's own folder first, so
# a folder always sees its own headers; everything else must come through -I.
set -u
cc=$1 cflags=$2
shift 2
cd "$(dirname "$0")/.." || exit 2
bad=0 files=0
for spec in "$@"; do
  dir=${spec%%:*} allowed=${spec#*:}
  incs="-Ibuild/gen"
  for a in $(echo "$allowed" | tr ',' ' '); do incs="$incs -Isrc/$a"; done
  for f in src/"$dir"/*.c src/"$dir"/*.h; do
    [ -f "$f" ] || continue
    files=$((files + 1))
    # shellcheck disable=SC2086
    if ! out=$($cc -std=c17 -D_GNU_SOURCE -fsyntax-only -x c $cflags $incs "$f" 2>&1); then
      echo "check-layers: $f (layer $dir may include only: $allowed)"
      echo "$out" | grep -E 'fatal error|error:' | head -3 | sed 's/^/  /'
      bad=$((bad + 1))
    fi
  done
done
if [ "$bad" -gt 0 ]; then
  echo "check-layers: $bad of $files files include a layer they may not use"
  exit 1
fi
echo "check-layers: $files files, each includes only its own layer and those below it"
