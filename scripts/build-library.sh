#!/bin/sh
# build-library.sh shared|archive OUTDIR
#
# Builds the Go library the one way every consumer uses (CMake, the Python
# package): hardened, trimmed and reproducible.
#   shared:  OUTDIR/libhermetic_pyobject_tls.so.X.Y.Z with its SONAME
#            (libhermetic_pyobject_tls.so.X) and the .so.X and .so links,
#            plus cgo's export header as hermetic_pyobject_tls_cgo_export.h.
#   archive: OUTDIR/libhermetic_pyobject_tls.a (Go runtime included) and
#            its cgo export header as hermetic_pyobject_tls_cgo_export_archive.h.
# Environment: GO (default: go), CC (default: Go's choice), GOARCH (default:
# the build machine's; with a cross C compiler in CC it builds for another
# architecture: the portable builds, cmake/HermeticPortable.cmake, pass
# CC=zig cc -target <arch>-linux-gnu.2.17 through a wrapper and GOARCH); for
# the archive also OBJCOPY, AR (default: objcopy, ar; see scripts/finish-archive.sh).
set -eu

usage() { echo "usage: $0 shared|archive OUTDIR" >&2; exit 2; }
[ $# -eq 2 ] || usage
mode=$1
out=$2
root=$(cd "$(dirname "$0")/.." && pwd)
header=$root/include/hermetic_pyobject_tls.h
version=$(sed -n 's/^#define HERMETIC_PYOBJECT_TLS_VERSION "\([0-9.]*\)"$/\1/p' "$header")
[ -n "$version" ] || { echo "$0: no HERMETIC_PYOBJECT_TLS_VERSION in $header" >&2; exit 1; }
major=${version%%.*}
go=${GO:-go}
name=libhermetic_pyobject_tls

mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d "$out/.build.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
cd "$root"

export CGO_ENABLED=1
# -fomit-frame-pointer: what gcc -O2 does on x86_64 anyway, said out loud for
# zig cc (the portable builds), which keeps a frame pointer at every -O
# level: each read (get_state, have_state) would cost three instructions
# more, push, mov, pop (bench/run --portable, callgrind rows). In
# CGO_CFLAGS, not in the zig wrapper, so that Go's build cache keys on it.
export CGO_CFLAGS="${CGO_CFLAGS:--O2 -g} -fomit-frame-pointer"
# -buildid= : Go's build ID hashes cgo's flags, which hold the absolute path
# of the source tree (#cgo CFLAGS: -I${SRCDIR}/...), so two copies of the
# same tree would give two IDs, and the GNU build ID derived from it. Without
# it the .so holds no Go build ID and the linker's GNU build ID is a hash of
# the contents: the same sources give byte-identical files wherever they lie.
# Asynchronous preemption off (the runtime then sends no SIGURG and the
# host's SIGURG action is given back: cabi/hostsignals.c). Our Go code is a
# few stores that always return soon; GODEBUG in the environment still wins.
godebug='-X=runtime.godebugDefault=asyncpreemptoff=1'
# --strip-all and --build-id=sha1 are said to the linker itself: Go's -s
# reaches it as the compiler driver's -s, which gcc turns into a strip and
# zig cc (the portable builds) ignores, leaving .symtab and the C parts'
# DWARF in the library; and gcc asks for a GNU build ID by default, zig cc
# does not.
ldstrip='-Wl,--strip-all -Wl,--build-id=sha1'
case $mode in
shared)
  "$go" build -buildmode=c-shared -trimpath -buildvcs=false \
    -ldflags="-s -w -buildid= $godebug -extldflags '-Wl,--version-script=$root/cabi/exports.map -Wl,-soname,$name.so.$major -Wl,-z,relro -Wl,-z,now -Wl,-z,noexecstack $ldstrip'" \
    -o "$work/$name.so" ./cabi
  mv "$work/$name.h" "$out/hermetic_pyobject_tls_cgo_export.h"
  mv "$work/$name.so" "$out/$name.so.$version"
  ln -sfn "$name.so.$version" "$out/$name.so.$major"
  ln -sfn "$name.so.$major" "$out/$name.so"
  ;;
archive)
  "$go" build -buildmode=c-archive -trimpath -buildvcs=false -ldflags="-s -w -buildid= $godebug" \
    -o "$work/$name.a" ./cabi
  mv "$work/$name.h" "$out/hermetic_pyobject_tls_cgo_export_archive.h"
  sh "$root/scripts/finish-archive.sh" "$work/$name.a" "$out/$name.a"
  ;;
*) usage ;;
esac
