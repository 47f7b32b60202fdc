#!/bin/sh
# zig-wrappers.sh OUTDIR: fetches the pinned zig (scripts/fetch-zig.sh) and
# writes, for x86_64 and aarch64, the compiler wrappers the portable builds
# use as CC and CXX (one executable each, as Go's CC and CMake want):
#   OUTDIR/<arch>-linux-gnu.2.17-cc   = zig cc  -target <arch>-linux-gnu.2.17
#   OUTDIR/<arch>-linux-gnu.2.17-c++  = zig c++ -target <arch>-linux-gnu.2.17
# zig keeps its own cache (the glibc 2.17 stubs it builds) in the project's
# cache directory, next to zig itself.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
zig=$("$here/fetch-zig.sh")
cache=${HERMETIC_PYOBJECT_TLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hermetic-pyobject-tls}
mkdir -p "$1"
for arch in x86_64 aarch64; do
  for tool in cc c++; do
    f=$1/$arch-linux-gnu.2.17-$tool
    cat >"$f.tmp" <<WRAPPER
#!/bin/sh
# Written by scripts/zig-wrappers.sh.
: "\${ZIG_GLOBAL_CACHE_DIR:=$cache/zig-cache}"
: "\${ZIG_LOCAL_CACHE_DIR:=\$ZIG_GLOBAL_CACHE_DIR}"
export ZIG_GLOBAL_CACHE_DIR ZIG_LOCAL_CACHE_DIR
exec "$zig" $tool -target $arch-linux-gnu.2.17 "\$@"
WRAPPER
    chmod +x "$f.tmp"
    mv "$f.tmp" "$f"
  done
done
