#!/bin/bash
# header_compat.sh ours|theirs TORCH_VERSION SOURCE_DIR LIBDIR: builds
# test_c10_header.cpp against the wheel's own headers (torch_cache.py) and
# runs it. ours: linked with the c10 layer and libhermetic_pyobject_tls,
# not libc10 (ldd must not list libc10). theirs: libc10.so linked ahead of
# the layer: c10's calls then stay in libc10 (what the docs warn against).
set -eu
mode=$1 v=$2 src=$3 libdir=$4
cxx=${CXX:-c++}
py=${PYTHON:-python3}
here=$(cd "$(dirname "$0")" && pwd)
include=$("$py" "$here/torch_cache.py" path "$v" include)
libc10=$("$py" "$here/torch_cache.py" path "$v" libc10)
[ -f "$include/c10/core/impl/HermeticPyObjectTLS.h" ] || { echo "FAIL: no $include (fixture pytorch.fetch_wheels)"; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hptls-c10-header.XXXXXX")
trap 'rm -rf "$tmp"' EXIT; [ -z "${KEEP:-}" ] || trap - EXIT
case $mode in
ours) libs=(-L"$libdir" -Wl,--no-as-needed -lhermetic_pyobject_tls_c10 -lhermetic_pyobject_tls) ;;
theirs) libs=("$libc10" -Wl,-rpath,"$(dirname "$libc10")" -L"$libdir" -Wl,--no-as-needed -lhermetic_pyobject_tls_c10 -lhermetic_pyobject_tls) ;;
*) echo "usage: header_compat.sh ours|theirs VERSION SOURCE_DIR LIBDIR" >&2; exit 2 ;;
esac
"$cxx" -std=c++17 -O2 -Wall -Wextra -Werror -pthread -isystem "$include" -I"$src/include" \
  "$here/test_c10_header.cpp" -o "$tmp/test_c10_header" "${libs[@]}" -Wl,-rpath,"$libdir"
ldd "$tmp/test_c10_header" | grep -E 'c10|hermetic'
if [ "$mode" = ours ] && ldd "$tmp/test_c10_header" | grep -q 'libc10\.so'; then
  echo "FAIL: the host loads libc10.so"; exit 1
fi
"$tmp/test_c10_header" "$mode"
