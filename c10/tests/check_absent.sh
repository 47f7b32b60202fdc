#!/bin/bash
# check_absent.sh VERSION: torch VERSION's libc10.so (torch_cache.py files)
# is a real libc10 (it defines c10's symbols) without one symbol of
# c10::impl::HermeticPyObjectTLS: the versions just outside the supported
# range (1.13.1: before the class; 2.13.0: removed upstream, PR #181289).
set -eu
v=$1
here=$(cd "$(dirname "$0")" && pwd)
libc10=$("${PYTHON:-python3}" "$here/torch_cache.py" path "$v" libc10)
[ -f "$libc10" ] || { echo "FAIL: no $libc10 (fixture pytorch.fetch_wheels)"; exit 1; }
defined=$(nm -D --defined-only "$libc10" | awk '{print $NF}')
c10=$(grep -c '^_ZN3c10' <<<"$defined" || true)
ours=$(grep -c 'HermeticPyObjectTLS' <<<"$defined" || true)
echo "torch $v: $libc10 defines $c10 c10:: symbols, $ours of c10::impl::HermeticPyObjectTLS"
[ "$c10" -gt 100 ] || { echo "FAIL: not a libc10 (only $c10 c10:: symbols)"; exit 1; }
[ "$ours" -eq 0 ] || { echo "FAIL: torch $v has HermeticPyObjectTLS symbols"; exit 1; }
