#!/bin/sh
# build-library.sh shared|archive|check OUTDIR
#
# Builds the library the one way every consumer uses (CMake, the Python
# package): hardened, trimmed and reproducible.
#   shared:  OUTDIR/libhermetic_pyobject_tls.so.X.Y.Z, the front (C only,
#            what users link), with its SONAME (libhermetic_pyobject_tls.so.X)
#            and the .so.X and .so links; beside it the runtime side
#            OUTDIR/libhermetic_pyobject_tls_go.so.X.Y.Z (the Go runtime,
#            loaded by the front at the process's first write: never linked
#            by users, always installed beside the front); and cgo's export
#            header as hermetic_pyobject_tls_cgo_export.h.
#   archive: OUTDIR/libhermetic_pyobject_tls.a (front, Go runtime and all, in
#            one object) and its cgo export header as
#            hermetic_pyobject_tls_cgo_export_archive.h.
#   check:   runs only that self-check on the shared library in OUTDIR.
# Either way the build ends by running cabi/selfcheck on what it built: a Go
# release that changes what the guards rely on (cabi/go_internals.c) fails
# here. For another architecture that runs under qemu-user (QEMU, default
# qemu-<arch>, with the glibc root SYSROOT, default /usr/<triple>);
# HERMETIC_PYOBJECT_TLS_SELFCHECK=skip skips it, and says so.
# Environment: GO (default: go), CC (default: Go's choice), GOARCH (default:
# the build machine's; with a cross C compiler in CC it builds for another
# architecture: the portable builds, cmake/HermeticPortable.cmake, pass
# CC=zig cc -target <arch>-linux-gnu.2.17 through a wrapper and GOARCH);
# OBJCOPY, READELF, LD, AR (GNU binutils for the target: see
# scripts/expose-go-internals.sh and scripts/finish-archive.sh).
set -eu

usage() { echo "usage: $0 shared|archive|check OUTDIR" >&2; exit 2; }
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
runtime_side=${name}_go.so.$version

mkdir -p "$out"
out=$(cd "$out" && pwd)
work=$(mktemp -d "$out/.build.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
cd "$root"

export CGO_ENABLED=1
cc=${CC:-$("$go" env CC)}
# -fomit-frame-pointer: what gcc -O2 does on x86_64 anyway, said out loud for
# zig cc (the portable builds), which keeps a frame pointer at every -O
# level: each read (get_state, have_state) would cost three instructions
# more, push, mov, pop (bench/run --portable, callgrind rows). In
# CGO_CFLAGS, not in the zig wrapper, so that Go's build cache keys on it.
export CGO_CFLAGS="${CGO_CFLAGS:--O2 -g} -fomit-frame-pointer"
# -buildid= : Go's build ID hashes cgo's flags, which hold the absolute path
# of the source tree (#cgo CFLAGS: -I${SRCDIR}/...), so two copies of the
# same tree would give two IDs, and the GNU build ID derived from it. Without
# it the GNU build ID is a hash of the contents: the same sources give
# byte-identical files wherever they lie.
# Asynchronous preemption off (the runtime then sends no SIGURG and the
# host's SIGURG action is given back: cabi/hostsignals.c). Our Go code is a
# few stores that always return soon; GODEBUG in the environment still wins.
godebug='-X=runtime.godebugDefault=asyncpreemptoff=1'
goflags="-trimpath -buildvcs=false"
# The linker flags of both shared objects: full RELRO, no executable stack,
# stripped, a GNU build ID (said to the linker itself: Go's -s reaches it as
# the compiler driver's -s, which gcc turns into a strip and zig cc ignores;
# and gcc asks for a build ID by default, zig cc does not), and never
# unloaded: the Go runtime cannot stop, and the front's state must outlive a
# dlclose() (FLAGS_1 NODELETE).
hardening='-Wl,-z,relro -Wl,-z,now -Wl,-z,noexecstack -Wl,-z,nodelete -Wl,--strip-all -Wl,--build-id=sha1'

# The Go part as an archive: its objects (go.o, the runtime, and the cgo
# objects of cabi/) are linked below, after expose-go-internals.sh has named
# what cabi/go_internals.c reads.
go_archive() { # go_archive OUT.a [TAGS]
  "$go" build -buildmode=c-archive $goflags ${2:+-tags "$2"} \
    -ldflags="-s -w -buildid= $godebug" -o "$1" ./cabi
}

# selfcheck MODE LIBRARY...: cabi/selfcheck/selfcheck.c, built with CC and
# run (under qemu-user for another architecture) without GODEBUG; it must
# pass with nothing on stderr.
selfcheck() {
  check_mode=$1
  shift
  if [ "${HERMETIC_PYOBJECT_TLS_SELFCHECK:-}" = skip ]; then
    echo "$0: NOT CHECKED: HERMETIC_PYOBJECT_TLS_SELFCHECK=skip; the $check_mode library was not run" >&2
    return
  fi
  exe=$work/selfcheck-$check_mode
  case $check_mode in
  shared) $cc $CGO_CFLAGS -std=gnu11 -Iinclude -Icabi -Ipkg/hermetic -o "$exe" cabi/selfcheck/selfcheck.c -ldl -lpthread ;;
  static) $cc $CGO_CFLAGS -std=gnu11 -DSELFCHECK_STATIC -Iinclude -Icabi -Ipkg/hermetic -o "$exe" cabi/selfcheck/selfcheck.c "$1" -ldl -lpthread ;;
  esac
  machine=$(od -An -tu2 -j18 -N2 "$exe" | tr -d ' ')
  case $machine in 62) arch=x86_64 ;; 183) arch=aarch64 ;; *) arch=unknown ;; esac
  runner=
  emulated=
  if [ "$arch" != "$(uname -m)" ]; then
    sysroot=${SYSROOT:-/usr/$arch-linux-gnu}
    qemu=${QEMU:-qemu-$arch}
    command -v "$qemu" >/dev/null 2>&1 && [ -e "$sysroot/lib/ld-linux-$arch.so.1" ] || {
      echo "$0: the $arch library is checked under qemu-user, which needs $qemu and an $arch glibc in $sysroot" >&2
      echo "  Debian: apt-get install qemu-user libc6-arm64-cross libgcc-s1-arm64-cross" >&2
      echo "  (or HERMETIC_PYOBJECT_TLS_SELFCHECK=skip to build it unchecked)" >&2
      exit 1
    }
    runner="$qemu -L $sysroot"
    emulated=emulated
  fi
  [ "$check_mode" = shared ] && args="shared $1 $emulated" || args="static $emulated"
  # shellcheck disable=SC2086 # runner and args are word lists
  if ! env -u GODEBUG $runner "$exe" $args 2>"$work/selfcheck.err" >"$work/selfcheck.out" ||
    [ -s "$work/selfcheck.err" ]; then
    echo "$0: the built $check_mode library failed its self-check (cabi/selfcheck/selfcheck.c):" >&2
    cat "$work/selfcheck.out" "$work/selfcheck.err" >&2
    echo "  (Go: $("$go" version); a Go release may have changed what cabi/go_internals.c relies on)" >&2
    exit 1
  fi
}

case $mode in
shared)
  # The runtime side: every C file of cabi/ but the front's (build tag
  # hptls_runtime_side), linked as a shared object whose one global symbol is
  # the table the front looks up.
  go_archive "$work/go.a" hptls_runtime_side
  mv "$work/go.h" "$out/hermetic_pyobject_tls_cgo_export.h"
  mkdir "$work/x"
  (cd "$work/x" && ar x "$work/go.a")
  sh scripts/expose-go-internals.sh "$work/x/go.o"
  # What go build -buildmode=c-shared would pass its linker (-Bsymbolic,
  # nodelete, pthread), with our version script and SONAME.
  # go.o first, as Go's own link has it: the runtime's initializer (its
  # .init_array entry) must run before the cgo objects' default-priority
  # constructors (hostsignals.c, sigpipe.c).
  # shellcheck disable=SC2046 # one word per object file
  $cc -shared -o "$work/$runtime_side" "$work/x/go.o" $(ls "$work"/x/*.o | grep -v '/go\.o$') -lpthread -ldl \
    -Wl,-Bsymbolic "-Wl,--version-script=$root/cabi/runtime.map" "-Wl,-soname,$runtime_side" $hardening
  # The front: C only, no constructor; RUNPATH $ORIGIN finds the runtime side
  # beside it, wherever it is installed.
  $cc $CGO_CFLAGS -std=gnu11 -fPIC -fvisibility=hidden -DHERMETIC_PYOBJECT_TLS_BUILDING \
    -Iinclude -Ipkg/hermetic -Icabi -ffile-prefix-map="$root"=. -shared -o "$work/$name.so" \
    cabi/reads.c cabi/writes.c cabi/new_process.c cabi/start_on_demand.c cabi/warn.c pkg/hermetic/state.c \
    -ldl -lpthread "-Wl,--version-script=$root/cabi/exports.map" "-Wl,-soname,$name.so.$major" \
    '-Wl,-rpath,$ORIGIN' -Wl,--enable-new-dtags -Wl,-z,defs $hardening
  mv "$work/$runtime_side" "$out/$runtime_side"
  mv "$work/$name.so" "$out/$name.so.$version"
  ln -sfn "$name.so.$version" "$out/$name.so.$major"
  ln -sfn "$name.so.$major" "$out/$name.so"
  selfcheck shared "$out/$name.so.$version"
  ;;
check)
  selfcheck shared "$out/$name.so.$version"
  ;;
archive)
  go_archive "$work/$name.a"
  mv "$work/$name.h" "$out/hermetic_pyobject_tls_cgo_export_archive.h"
  sh scripts/finish-archive.sh "$work/$name.a" "$out/$name.a"
  selfcheck static "$out/$name.a"
  ;;
*) usage ;;
esac
