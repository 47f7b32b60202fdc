#!/bin/bash
# check_reproducible.sh SOURCE_DIR LAYER MAIN_LIBRARY BUILD_TYPE: the c10
# layer built from two copies of c10/ and include/ at different paths, into
# different build trees, with the same compiler (CC) and build type, is
# byte-identical, and identical to LAYER (the one the project's build made).
# The copies are built by c10/CMakeLists.txt itself, in a small project that
# imports MAIN_LIBRARY as HermeticPyObjectTLS::hermetic_pyobject_tls.
set -eu
src=$(cd "$1" && pwd) layer=$2 main=$(realpath "$3") build_type=$4
cmake=${CMAKE:-cmake}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/hptls-c10-repro.XXXXXX")
trap "rm -rf \"$tmp\"" EXIT; [ -n "${KEEP:-}" ] && trap - EXIT
version=$(sed -n 's/^#define HERMETIC_PYOBJECT_TLS_VERSION "\([0-9.]*\)"$/\1/p' "$src/include/hermetic_pyobject_tls.h")

build() { # $1: the copy's root
  mkdir -p "$1/src"
  cp -r "$src/c10" "$src/include" "$1/src/"
  cat >"$1/src/CMakeLists.txt" <<CMAKE
cmake_minimum_required(VERSION 3.21)
project(HermeticPyObjectTLS VERSION $version LANGUAGES C)
set(HERMETIC_PYOBJECT_TLS_LIBRARY_DIR "\${PROJECT_BINARY_DIR}/lib")
set(HERMETIC_PYOBJECT_TLS_INSTALL OFF)
add_library(hermetic_pyobject_tls SHARED IMPORTED GLOBAL)
set_target_properties(hermetic_pyobject_tls PROPERTIES
  IMPORTED_LOCATION "$main" IMPORTED_SONAME "libhermetic_pyobject_tls.so.${version%%.*}"
  INTERFACE_INCLUDE_DIRECTORIES "\${PROJECT_SOURCE_DIR}/include")
add_library(HermeticPyObjectTLS::hermetic_pyobject_tls ALIAS hermetic_pyobject_tls)
add_subdirectory(c10)
CMAKE
  "$cmake" -S "$1/src" -B "$1/build" -G "${GENERATOR:-Ninja}" -DCMAKE_BUILD_TYPE="$build_type" \
    ${CC:+-DCMAKE_C_COMPILER="$CC"} >"$1/configure.log" 2>&1 || { cat "$1/configure.log"; exit 1; }
  "$cmake" --build "$1/build" --target hermetic_pyobject_tls_c10 >"$1/build.log" 2>&1 || { cat "$1/build.log"; exit 1; }
}
build "$tmp/tree-one"
build "$tmp/second/tree-two"
a=$tmp/tree-one/build/lib/libhermetic_pyobject_tls_c10.so.$version
b=$tmp/second/tree-two/build/lib/libhermetic_pyobject_tls_c10.so.$version
echo "copy one:       $(sha256sum <"$a" | cut -c1-16) $(stat -c %s "$a") bytes"
echo "copy two:       $(sha256sum <"$b" | cut -c1-16) $(stat -c %s "$b") bytes"
echo "project build:  $(sha256sum <"$layer" | cut -c1-16) $(stat -c %s "$layer") bytes"
fail=0
cmp "$a" "$b" || { echo "FAIL: the two copies' builds differ"; fail=1; }
cmp "$a" "$layer" || { echo "FAIL: the project's layer differs from the copies' builds"; fail=1; }
[ $fail = 0 ] && echo "check_reproducible (c10 layer): byte-identical"
exit $fail
