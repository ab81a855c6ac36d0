#!/usr/bin/env bash
# The release binary (build/casekeeper) is built hardened (Makefile HARDEN,
# HARDEN_LD): this reads its ELF and checks each protection is really there.
#   PIE              ELF type DYN with an interpreter (address space layout randomisation)
#   full RELRO       a GNU_RELRO segment and BIND_NOW: the GOT is read-only after start
#   NX stack         GNU_STACK without execute
#   stack protector  calls __stack_chk_fail
#   _FORTIFY_SOURCE  calls the checked __*_chk variants of the string functions
#   no TEXTREL       no relocations in the code
#   CET              our objects carry IBT and SHSTK (-fcf-protection); the linked
#                    binary loses the property because Debian 12's crt1.o lacks it
# As a control, the same checks run on a small program built without any of
# it, and must find it wanting. Last line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
bin=build/casekeeper
. tests/suites/lib/result.sh
if [ ! -x "$bin" ] || ! command -v readelf >/dev/null; then
  echo "hardening: needs $bin (make build/casekeeper) and readelf (binutils)"
  echo "0 passed, 1 failed"; exit 1
fi

# Prints the name of each protection the binary $1 lacks.
lacks() {
  local header segments dynamic symbols
  header=$(readelf -h "$1"); segments=$(readelf -lW "$1"); dynamic=$(readelf -dW "$1"); symbols=$(readelf --dyn-syms -W "$1")
  grep -q "Type: *DYN" <<<"$header" && grep -q "INTERP" <<<"$segments" || echo "PIE"
  grep -q "GNU_RELRO" <<<"$segments" || echo "RELRO"
  grep -Eq "BIND_NOW|FLAGS.*NOW" <<<"$dynamic" || echo "BIND_NOW"
  grep "GNU_STACK" <<<"$segments" | grep -Eqv "RWE" || echo "NX"
  grep -q "__stack_chk_fail" <<<"$symbols" || echo "stack-protector"
  grep -Eq "__(memcpy|memmove|memset|snprintf|vsnprintf|strcpy|fprintf|sprintf)_chk" <<<"$symbols" || echo "fortify"
  ! grep -q "TEXTREL" <<<"$dynamic" || echo "TEXTREL"
}

missing=$(lacks "$bin")
for p in PIE RELRO BIND_NOW NX stack-protector fortify TEXTREL; do
  grep -qx "$p" <<<"$missing"; result "$bin: $p" $((1 - $?))
done
cet=$(for o in build/rel/src/*/*.o; do readelf -nW "$o" | grep -q "IBT, SHSTK" || echo "$o"; done)
[ -e build/rel/src/cli/main.o ] && [ -z "$cet" ]; result "CET (IBT and SHSTK in every release object)" $?

# The control: none of it, and the checks see so.
tmp=$(mktemp -d)
cat >"$tmp/soft.c" <<'C'
#include <stdio.h>
#include <string.h>
int main(int argc, char **argv) { char b[16]; strcpy(b, argc > 1 ? argv[1] : "x"); printf("%s\n", b); return 0; }
C
if gcc -O0 -U_FORTIFY_SOURCE -fno-stack-protector -no-pie -fno-pie -Wl,-z,norelro,-z,lazy -o "$tmp/soft" "$tmp/soft.c"; then
  soft=$(lacks "$tmp/soft")
  for p in PIE RELRO BIND_NOW stack-protector fortify; do
    grep -qx "$p" <<<"$soft"; result "control: an unhardened program lacks $p" $?
  done
else
  result "control: build an unhardened program" 1
fi
rm -rf "$tmp"
summary
