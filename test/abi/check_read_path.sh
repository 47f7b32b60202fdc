#!/bin/sh
# check_read_path.sh LIBRARY: the reads stay what a TLS load costs
# (docs/design.md, /work/shared/design/architecture.md rule 3), read from the
# built .so's machine code (it never loads it):
# - hermetic_pyobject_tls_get_state is straight-line code up to its ret, with
#   exactly one thread-pointer access (initial-exec TLS: %fs on x86-64,
#   tpidr_el0 on AArch64), no call or jump (no __tls_get_addr, no check of
#   fork or runtime state), at most 8 instructions;
# - hermetic_pyobject_tls_have_state the same with no thread-pointer access.
# Environment: NM, OBJDUMP (defaults nm, objdump); FUNCS to check other
# functions the get_state way (the script's own failure check).
set -eu
lib=$1
nm=${NM:-nm}
objdump=${OBJDUMP:-objdump}
fail=0
check() { # check NAME TLS_ACCESSES
  addr=$("$nm" -D --defined-only "$lib" | awk -v n="$1" '$3 == n { print $1 }')
  if [ -z "$addr" ]; then
    echo "FAIL: $1 not exported by $lib"; fail=1; return
  fi
  start=$((0x$addr))
  body=$("$objdump" -d --no-show-raw-insn --start-address="$start" --stop-address=$((start + 96)) "$lib" |
    awk '/^ *[0-9a-f]+:\t/ { sub(/^ *[0-9a-f]+:\t/, ""); print; if ($1 ~ /^ret/) exit }')
  n=$(printf '%s\n' "$body" | grep -c .)
  tls=$(printf '%s\n' "$body" | grep -Ec '%fs:|tpidr_el0' || true)
  branch=$(printf '%s\n' "$body" | grep -Ec '(^|[[:space:]])(call|jmp|j[a-z]{1,3}|bl?|b\.[a-z]+|br|blr|cbn?z|tbn?z)[[:space:]]' || true)
  last=$(printf '%s\n' "$body" | tail -n 1)
  case $last in ret*) ;; *) echo "FAIL: $1: no ret within 96 bytes"; fail=1 ;; esac
  if [ "$tls" -ne "$2" ] || [ "$branch" -ne 0 ] || [ "$n" -gt 8 ]; then
    echo "FAIL: $1: $n instructions, $tls thread-pointer accesses (want $2), $branch calls or jumps (want 0):"
    printf '%s\n' "$body" | sed 's/^/  /'
    fail=1
  else
    echo "ok:   $1: $n instructions, $tls thread-pointer access(es), no call or jump"
  fi
}
if [ -n "${FUNCS:-}" ]; then
  for f in $FUNCS; do check "$f" 1; done
else
  check hermetic_pyobject_tls_get_state 1
  check hermetic_pyobject_tls_have_state 0
fi
exit $fail
