#!/usr/bin/env bash
# The mutation check (`make mutate`; not part of `make test`, it is slow).
#
# Applies each mutant of tests/mutants.txt on its own: a small change to one
# source file (a comparison at a boundary, an off-by-one, a dropped condition
# or hash field), rebuilds that one object, relinks the test binaries that
# cover the file, runs them, and prints "caught by TEST" (the first that
# failed) or "SURVIVED". The last line is "N of M mutants caught".
#
# A mutant is chosen by code pattern, not line number: an exact snippet that
# must occur exactly once in its file, and its replacement. A pattern that
# occurs zero times or more than once is reported (STALE) and fails the run,
# so the list cannot rot silently as the code changes.
#
# The source tree is never written: the mutated copy of the file is compiled
# from build/mut/src/ (its #include "..." still resolve through the -I of
# every source folder), and the test binaries are linked in build/mut/ from
# that one object before build/dbg/libck.a, whose own member is then never
# pulled in. An interrupted run therefore leaves nothing to restore, and no
# mutated object can reach build/dbg or build/rel; the run still checks
# `git diff` of the mutated files at the end.
#
# Survivors: a mutant that cannot change behaviour (an equivalent mutant) is
# listed by id in tests/mutants.md with the reason; such a survivor is
# marked "(equivalent, tests/mutants.md)". Exit status 0 when every
# survivor is explained and no pattern is stale, 1 otherwise.
#
# Environment (the Makefile's `mutate` target sets the first three):
#   MUT_CC, MUT_CFLAGS, MUT_LIBS  compiler, flags (the ASan/UBSan test build's),
#                                 libraries of a test binary
#   MUTANTS=REGEX                 run only the mutants whose id matches
#   MUT_TIMEOUT=SECONDS           per test binary (default 120); a test that
#                                 hangs under a mutant counts as catching it
set -uo pipefail
cd "$(dirname "$0")/.."

list=tests/mutants.txt
explained=tests/mutants.md
out=build/mut
cc=${MUT_CC:-gcc}
read -ra cflags <<<"${MUT_CFLAGS:?set by make mutate}"
read -ra libs <<<"${MUT_LIBS:?set by make mutate}"
filter=${MUTANTS:-.}
limit=${MUT_TIMEOUT:-120}
[ -f build/dbg/libck.a ] || { echo "mutate: build/dbg/libck.a is missing (make mutate builds it)" >&2; exit 2; }

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
# test_examples compares tests/shared with ../shared; that drift is no
# property of the code under mutation, so it is checked against itself here.
export CK_SHARED_UPSTREAM=tests/shared

# ---- The list -----------------------------------------------------------------
# Format (see the head of tests/mutants.txt):
#   == FILE: TEST TEST ...    the file the mutants below change, and its tests
#   ID: what the change does  one mutant, then
#   - PATTERN                 the exact snippet (rest of the line after "- ")
#   + REPLACEMENT             its replacement ("+" alone: delete the snippet)
ids=() files=() tests=() pats=() reps=() whats=()
file="" file_tests=""
lineno=0 bad_list=0
while IFS= read -r line || [ -n "$line" ]; do
  lineno=$((lineno + 1))
  case $line in
    '' | '#'*) ;;
    '== '*)
      file=${line#== }; file_tests=${file#*: }; file=${file%%: *}
      [ -f "$file" ] || { echo "$list:$lineno: no such file $file" >&2; bad_list=1; }
      ;;
    '- '*) pats+=("${line#- }") ;;
    '+' | '+ '*) reps+=("${line#+}"); reps[-1]=${reps[-1]# } ;;
    *)
      if [[ $line =~ ^([A-Za-z0-9_.-]+):\ (.*)$ ]] && [ -n "$file" ]; then
        ids+=("${BASH_REMATCH[1]}"); whats+=("${BASH_REMATCH[2]}"); files+=("$file"); tests+=("$file_tests")
      else
        echo "$list:$lineno: cannot read \"$line\"" >&2; bad_list=1
      fi
      ;;
  esac
  if [ ${#pats[@]} -gt ${#ids[@]} ] || [ ${#reps[@]} -gt ${#pats[@]} ]; then
    echo "$list:$lineno: a pattern or replacement without its mutant id" >&2; bad_list=1; break
  fi
done <"$list"
if [ ${#pats[@]} -ne ${#ids[@]} ] || [ ${#reps[@]} -ne ${#ids[@]} ]; then
  echo "$list: every mutant needs one \"- pattern\" and one \"+ replacement\" line" >&2; bad_list=1
fi
dup=$(printf '%s\n' "${ids[@]}" | sort | uniq -d | head -1)
[ -z "$dup" ] || { echo "$list: mutant id $dup is used twice" >&2; bad_list=1; }
[ "$bad_list" -eq 0 ] || exit 2

# ---- Safety: the tree is only read; say so if that ever stops holding --------------
mutated_files=$(printf '%s\n' "${files[@]}" | sort -u)
# shellcheck disable=SC2086
git diff --quiet -- $mutated_files 2>/dev/null && clean_before=1 || clean_before=0

pg_started=0
cleanup() {
  [ "$pg_started" -eq 1 ] && ck_pg_stop immediate
  rm -rf "$out/src" "$out/obj/mutant.o"
}
trap cleanup EXIT
child=""
exec 3>&2 # the trap may run while a test's stderr goes to its log
trap 'echo "mutate: interrupted" >&3; [ -z "$child" ] || kill "$child" 2>/dev/null; exit 130' INT TERM

# ---- Test binaries, built once ----------------------------------------------------
mkdir -p "$out/obj" "$out/bin" "$out/log"
needed=$(printf '%s\n' "${tests[@]}" | tr ' ' '\n' | grep . | sort -u)
for t in $needed; do
  [ -f "tests/$t.c" ] || { echo "mutate: no test tests/$t.c (named in $list)" >&2; exit 2; }
  if [ ! "$out/obj/$t.o" -nt "tests/$t.c" ] || [ ! "$out/obj/$t.o" -nt build/dbg/libck.a ]; then
    echo "  CC      $out/obj/$t.o"
    "$cc" "${cflags[@]}" -Itests -c "tests/$t.c" -o "$out/obj/$t.o" || exit 2
  fi
done

# shellcheck source=scripts/pg.sh
. scripts/pg.sh
if ck_pg_start ck-pg-mut casekeeper_test -c fsync=off -c synchronous_commit=off -c full_page_writes=off; then
  pg_started=1
  CK_TEST_PG=$(ck_pg_url casekeeper_test)
  CK_TEST_PG_ADMIN=$(ck_pg_url postgres)
  export CK_TEST_PG CK_TEST_PG_ADMIN
else
  echo "mutate: could not start PostgreSQL (see $ck_pg_dir); storage tests would fail" >&2
  exit 2
fi

# Links test t with the objects given after it (false when that fails).
link_test() {
  local t=$1 log=$2
  shift 2
  "$cc" "${cflags[@]}" -o "$out/bin/$t" "$out/obj/$t.o" "$@" build/dbg/libck.a "${libs[@]}" >>"$log" 2>&1
}

# Runs the linked test t: its exit status (cmocka's: the number of failed
# tests; 124/137 when it timed out). The braces send bash's own "Aborted"
# notice for a test killed by a signal to the log, not to the report.
# In the background and waited for, so an interrupt is handled at once (the
# trap stops it) rather than after the test.
run_test() {
  { timeout -k 5 "$limit" "$out/bin/$1" >>"$2" 2>&1 & child=$!; wait "$child"; } 2>>"$2"
}

echo "== baseline (no mutant)"
for t in $needed; do
  : >"$out/log/baseline-$t.log"
  if ! link_test "$t" "$out/log/baseline-$t.log" || ! run_test "$t" "$out/log/baseline-$t.log"; then
    echo "mutate: $t fails without any mutant (see $out/log/baseline-$t.log): fix that first" >&2
    exit 2
  fi
done

# ---- The mutants ----------------------------------------------------------------------
start=$SECONDS
total=0 caught=0 stale=0 unexplained=0
for i in "${!ids[@]}"; do
  id=${ids[$i]} src=${files[$i]}
  [[ $id =~ $filter ]] || continue
  total=$((total + 1))
  copy="$out/src/$src"
  mkdir -p "$(dirname "$copy")"
  # Exactly one occurrence, replaced literally (index/substr: no regex).
  PAT=${pats[$i]} REP=${reps[$i]} perl -e '
    local $/; open(my $in, "<", $ARGV[0]) or exit 5; my $c = <$in>; close $in;
    my ($p, $r) = ($ENV{PAT}, $ENV{REP});
    my $at = index($c, $p);
    exit 3 if $at < 0;
    exit 4 if index($c, $p, $at + 1) >= 0;
    substr($c, $at, length $p) = $r;
    open(my $o, ">", $ARGV[1]) or exit 5; print $o $c; close $o or exit 5;' "$src" "$copy"
  case $? in
    0) ;;
    3) echo "$id $src: STALE: the pattern no longer occurs: ${pats[$i]}"; stale=$((stale + 1)); continue ;;
    4) echo "$id $src: STALE: the pattern occurs more than once: ${pats[$i]}"; stale=$((stale + 1)); continue ;;
    *) echo "mutate: could not write $copy" >&2; exit 2 ;;
  esac
  if ! "$cc" "${cflags[@]}" -c "$copy" -o "$out/obj/mutant.o" >"$out/log/$id.log" 2>&1; then
    echo "$id $src: STALE: the mutant does not compile (see $out/log/$id.log)"
    stale=$((stale + 1))
    continue
  fi
  by=""
  for t in ${tests[$i]}; do
    if ! link_test "$t" "$out/log/$id.log" "$out/obj/mutant.o"; then
      echo "mutate: linking $t with mutant $id failed (see $out/log/$id.log)" >&2
      exit 2
    fi
    run_test "$t" "$out/log/$id.log"
    case $? in
      0) ;;
      124 | 137) by="$t (timed out)"; break ;;
      *) by=$t; break ;;
    esac
  done
  if [ -n "$by" ]; then
    caught=$((caught + 1))
    echo "$id $src: caught by $by"
  elif grep -q "\`$id\`" "$explained" 2>/dev/null; then
    echo "$id $src: SURVIVED (equivalent, $explained): ${whats[$i]}"
  else
    unexplained=$((unexplained + 1))
    echo "$id $src: SURVIVED: ${whats[$i]}"
  fi
done

# shellcheck disable=SC2086
if [ "$clean_before" -eq 1 ] && ! git diff --quiet -- $mutated_files; then
  echo "mutate: the source tree changed during the run" >&2
  exit 2
fi
elapsed=$((SECONDS - start))
echo "$stale stale pattern(s), $unexplained unexplained survivor(s); $((elapsed / 60)) min $((elapsed % 60)) s"
echo "$caught of $total mutants caught"
[ "$stale" -eq 0 ] && [ "$unexplained" -eq 0 ]
