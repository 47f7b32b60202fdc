#!/bin/sh
# guest_tests.sh GO_VERSION|newest SOURCE_DIR BUILD_DIR: builds the library
# with another Go release and runs the guest tests against it: the library's
# own self-check (part of every build), host signals, fork, the first-write
# start, the static archive, exports that panic.
#
# The toolchain comes from the Go module proxy through GOTOOLCHAIN (the Go
# command downloads it) into the cache directory's Go module cache, reused
# across runs: ${HERMETIC_PYOBJECT_TLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hermetic-pyobject-tls}/gomod.
# "newest" is the newest stable release the proxy lists for this machine.
# Environment: GO (the go that fetches it; default: go), CC, CMAKE, CTEST.
set -eu
want=$1 src=$(cd "$2" && pwd) build=$3
go=${GO:-go}
cache=${HERMETIC_PYOBJECT_TLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/hermetic-pyobject-tls}
export GOMODCACHE="$cache/gomod" GOFLAGS=-modcacherw
platform=$("$go" env GOOS)-$("$go" env GOARCH)
if [ "$want" = newest ]; then
  # golang.org/toolchain's versions are v0.0.1-go1.X.Y.GOOS-GOARCH.
  want=$(cd "$src" && GOTOOLCHAIN=local "$go" list -m -versions golang.org/toolchain | tr ' ' '\n' |
    sed -n "s/^v0\.0\.1-go\([0-9][0-9.]*\)\.$platform\$/\1/p" | sort -V | tail -n 1)
  [ -n "$want" ] || { echo "guest_tests: the Go module proxy lists no toolchain for $platform" >&2; exit 1; }
fi
export GOTOOLCHAIN=go$want
got=$(cd "$src" && "$go" env GOVERSION) || { echo "guest_tests: cannot get Go $want from the module proxy" >&2; exit 1; }
[ "$got" = "go$want" ] || { echo "guest_tests: asked for go$want, got $got" >&2; exit 1; }
echo "guest_tests: $got (GOTOOLCHAIN, from the Go module proxy; cached in $GOMODCACHE)"

dir=$build/go$want
cmake=${CMAKE:-cmake}
ctest=${CTEST:-ctest}
"$cmake" -S "$src" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo ${CC:+"-DCMAKE_C_COMPILER=$CC"} \
  -DHERMETIC_PYOBJECT_TLS_BUILD_EXAMPLES=OFF -DHERMETIC_PYOBJECT_TLS_INSTALL=OFF >"$dir.configure.log" 2>&1 ||
  { cat "$dir.configure.log"; exit 1; }
hosts="test_state test_fork test_fork_thread_exit test_fork_detect test_signals test_child_signals test_host_signals
  test_handler_writes test_start test_load_only test_load_only_linked test_export_panic test_static
  test_host_signals_static test_static_so static_user test_static_big_data test_two_runtimes_ours_first
  test_two_runtimes_foreign_first"
# shellcheck disable=SC2086 # one target per word
"$cmake" --build "$dir" --target $hosts
"$ctest" --test-dir "$dir" --output-on-failure -j2 \
  -R '^(c\.test_(state|fork|signals|child_signals|host_signals|handler_writes|start|load_only|export_panic|static|two_runtimes)|abi\.selfcheck)'
