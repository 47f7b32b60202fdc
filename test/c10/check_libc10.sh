#!/bin/bash
# check_libc10.sh absent|interposable VERSION [ARCH]: reads torch VERSION's
# libc10.so (torch_cache.py files; ARCH x86_64 by default), never loads it.
#   absent        a real libc10 (it defines c10's symbols) without one symbol of
#                 c10::impl::HermeticPyObjectTLS: the versions just outside the
#                 supported range (1.13.1: before the class; 2.13.0: removed
#                 upstream, PR #181289).
#   interposable  the four symbols are defined and exported, and libc10's own
#                 code reaches them only through dynamic relocations (its PLT,
#                 its GOT): no call, jump or branch straight to set_state,
#                 get_tls_state or init_state, no PC-relative access straight
#                 to haveState_ (x86_64), and haveState_ through a GLOB_DAT
#                 relocation. So with the layer ahead of libc10 in lookup,
#                 libc10's own callers reach the layer too, not only the
#                 other libraries' (the differential tests check the ABI, the
#                 end-to-end tests the behaviour).
set -eu
mode=$1 v=$2 arch=${3:-x86_64}
here=$(cd "$(dirname "$0")" && pwd)
fail() { echo "FAIL: $*"; exit 1; }
libc10=$("${PYTHON:-python3}" "$here/torch_cache.py" path "$v" libc10 "$arch")
[ -f "$libc10" ] || fail "no $libc10 (fixture pytorch.fetch_wheels)"
defined=$(nm -D --defined-only "$libc10")
c10=$(awk '{print $NF}' <<<"$defined" | grep -c '^_ZN3c10' || true)
ours=$(grep -c 'HermeticPyObjectTLS' <<<"$defined" || true)
echo "torch $v ($arch): $libc10 defines $c10 c10:: symbols, $ours of c10::impl::HermeticPyObjectTLS"
[ "$c10" -gt 100 ] || fail "not a libc10 (only $c10 c10:: symbols)"

case $mode in
absent)
  [ "$ours" -eq 0 ] || fail "torch $v has HermeticPyObjectTLS symbols"
  ;;
interposable)
  p=_ZN3c104impl19HermeticPyObjectTLS
  [ "$ours" -eq 4 ] || fail "want the four symbols of the class, found $ours"
  case $arch in
  x86_64) objdump=objdump reloc=R_X86_64_GLOB_DAT ;;
  aarch64) objdump=${AARCH64_OBJDUMP:-aarch64-linux-gnu-objdump} reloc=R_AARCH64_GLOB_DAT ;;
  *) fail "unknown ARCH $arch" ;;
  esac
  dis=$("$objdump" -d --no-show-raw-insn "$libc10")
  for sym in 9set_stateEb 13get_tls_stateEv 10init_stateEv 10haveState_E; do
    addr=$(awk -v s="$p$sym" '$NF == s {print $1}' <<<"$defined" | sed 's/^0*//')
    [ -n "$addr" ] || fail "$p$sym is not defined"
    # An operand that is the symbol's own address ("call 48250 <...>",
    # "bl 48250 <...>", x86_64's "# 48250 <...>" for a PC-relative access).
    direct=$(grep -cE "^ +[0-9a-f]+:.*[ #]$addr <" <<<"$dis" || true)
    plt=$(grep -cE "<$p$sym@plt>" <<<"$dis" || true)
    echo "  $p$sym at 0x$addr: $direct direct references, $plt through the PLT"
    [ "$direct" -eq 0 ] || fail "libc10 reaches $p$sym directly: $(grep -E "^ +[0-9a-f]+:.*[ #]$addr <" <<<"$dis" | head -3)"
  done
  readelf -rW "$libc10" | grep -q "$reloc .*${p}10haveState_E" || fail "haveState_ has no $reloc relocation"
  echo "  haveState_ through the GOT ($reloc); every reference from libc10's code is interposable"
  ;;
*)
  echo "usage: check_libc10.sh absent|interposable VERSION [ARCH]" >&2
  exit 2
  ;;
esac
