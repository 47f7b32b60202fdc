#!/bin/bash
# aarch64_differential.sh build OUT SOURCE_DIR PORTABLE_DIR
# aarch64_differential.sh c|go OUT VERSION
#   The two differential tests of x86_64, for aarch64, under qemu-user:
#   build  compiles test_c10_differential.c and pkg/hermetic's test binary
#          (go test -c -tags pytorch) for aarch64 with the portable builds'
#          zig C compiler (glibc 2.17) into OUT, with the portable aarch64 c10
#          layer (PORTABLE_DIR/aarch64/lib) beside them;
#   c|go   runs one of them against torch VERSION's aarch64 libc10.so
#          (torch_cache.py files) with qemu-aarch64; the aarch64 glibc and
#          libstdc++ (libc10.so needs it) come from QEMU_LD_PREFIX (Debian's
#          cross packages in /usr/aarch64-linux-gnu).
# Environment: QEMU (qemu-aarch64), QEMU_LD_PREFIX, GO, PYTHON.
set -eu
mode=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
fail() { echo "FAIL: $*"; exit 1; }

if [ "$mode" = build ]; then
  src=$3 pdir=$4
  cc="$pdir/zig/aarch64-linux-gnu.2.17-cc"
  layer="$pdir/aarch64/lib/libhermetic_pyobject_tls_c10.so.0"
  [ -x "$cc" ] && [ -f "$layer" ] || fail "no portable aarch64 build in $pdir (fixture portable.build)"
  rm -rf "$out" && mkdir -p "$out"
  "$cc" -std=c11 -O2 -D_GNU_SOURCE -Wall -Wextra -Werror -pthread "$here/test_c10_differential.c" \
    -o "$out/test_c10_differential" -ldl
  (cd "$src" && CGO_ENABLED=1 GOOS=linux GOARCH=arm64 CC="$cc" "${GO:-go}" test -c -tags pytorch \
    -o "$out/hermetic.test" ./pkg/hermetic)
  # The layer and the library it needs (RUNPATH $ORIGIN), as the portable build installed them.
  cp -P "$pdir"/aarch64/lib/libhermetic_pyobject_tls*.so.* "$out/"
  for f in "$out/test_c10_differential" "$out/hermetic.test" "$out/libhermetic_pyobject_tls_c10.so.0"; do
    readelf -h "$f" | grep -q 'Machine:.*AArch64' || fail "$f is not an aarch64 ELF"
  done
  echo "built for aarch64 in $out: test_c10_differential, hermetic.test, the c10 layer"
  exit 0
fi

v=$3
qemu=${QEMU:-qemu-aarch64}
: "${QEMU_LD_PREFIX:=/usr/aarch64-linux-gnu}"
export QEMU_LD_PREFIX
[ -f "$QEMU_LD_PREFIX/lib/libstdc++.so.6" ] || fail "no aarch64 libstdc++ in $QEMU_LD_PREFIX/lib (libstdc++6-arm64-cross)"
libc10=$("${PYTHON:-python3}" "$here/torch_cache.py" path "$v" libc10 aarch64)
[ -f "$libc10" ] || fail "no $libc10 (fixture pytorch.fetch_wheels)"
readelf -h "$libc10" | grep -q 'Machine:.*AArch64' || fail "$libc10 is not an aarch64 ELF"
case $mode in
c)
  "$qemu" "$out/test_c10_differential" "$libc10" "$out/libhermetic_pyobject_tls_c10.so.0"
  ;;
go)
  HPT_TORCH_LIBC10="$libc10" "$qemu" "$out/hermetic.test" -test.run '^TestRealLibc10' -test.v -test.count=1
  ;;
*)
  echo "usage: aarch64_differential.sh build OUT SOURCE_DIR PORTABLE_DIR | c|go OUT VERSION" >&2
  exit 2
  ;;
esac
