#!/bin/bash
# consumer_test.sh CASE: one step of the install-and-consume tests.
#
# Cases: install (the fixture: cmake --install into a fresh prefix), layout,
# versions, cmake, static, pkgconfig, uninstall, subdirectory, fetchcontent.
# Environment (set by test/install/CMakeLists.txt):
#   HPT_BUILD_DIR      the library's build tree (already built), HPT_CONFIG its build type
#   HPT_SOURCE_DIR     the library's source tree
#   HPT_WORK_DIR       scratch space; the prefix is HPT_WORK_DIR/prefix
#   HPT_VERSION        PROJECT_VERSION
#   HPT_LIBDIR         CMAKE_INSTALL_LIBDIR, HPT_INCLUDEDIR CMAKE_INSTALL_INCLUDEDIR
#   HPT_LICENSEDIR     where LICENSE is installed (relative to the prefix)
#   HPT_STATIC         ON when the static archive is built and installed
#   HPT_CMAKE, HPT_GENERATOR, HPT_MAKE_PROGRAM, HPT_CC, HPT_CXX, HPT_GO, HPT_PKG_CONFIG
set -euo pipefail

case_=$1
prefix=$HPT_WORK_DIR/prefix
libdir=$prefix/$HPT_LIBDIR
includedir=$prefix/$HPT_INCLUDEDIR
work=$HPT_WORK_DIR/$case_
name=libhermetic_pyobject_tls
major=${HPT_VERSION%%.*}

# Nothing from the caller's environment may steer a consumer to another copy.
unset CMAKE_PREFIX_PATH PKG_CONFIG_PATH LD_LIBRARY_PATH CMAKE_GENERATOR CPATH LIBRARY_PATH || true

# find_package searches <prefix>/lib and <prefix>/lib/<arch>; lib64 only on
# platforms that use it (not Debian). Name the package directory otherwise.
find_args=(-DCMAKE_PREFIX_PATH="$prefix")
case $HPT_LIBDIR in
lib | lib/*) ;;
*) find_args+=(-DHermeticPyObjectTLS_DIR="$libdir/cmake/HermeticPyObjectTLS") ;;
esac

fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "--- $*"; }

# configure SRC BUILD [cmake args...]: a consumer configured from scratch.
configure() {
  local src=$1 bin=$2
  shift 2
  rm -rf "$bin"
  mkdir -p "$(dirname "$bin")"
  "$HPT_CMAKE" -S "$src" -B "$bin" -G "$HPT_GENERATOR" -DCMAKE_MAKE_PROGRAM="$HPT_MAKE_PROGRAM" \
    -DCMAKE_C_COMPILER="$HPT_CC" -DCMAKE_CXX_COMPILER="$HPT_CXX" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_INSTALL_PREFIX="$work/app" "$@" 2>&1 | tee "$bin.configure.log"
  return "${PIPESTATUS[0]}"
}
build() { "$HPT_CMAKE" --build "$1" --parallel 2; }

# run PROGRAM [WHAT]: runs a host, which must print the project's version and OK,
# and nothing on stderr (the library says there when its runtime side is
# missing and writes are served in C).
run() {
  local out err
  step "run $1"
  err=$work/run.stderr
  out=$("$1" 2>"$err") || { echo "$out"; cat "$err"; fail "$1 exited with $?"; }
  echo "$out"
  [ ! -s "$err" ] || { cat "$err"; fail "$1 wrote on stderr"; }
  grep -qx "header $HPT_VERSION, library $HPT_VERSION" <<<"$out" || fail "$1: expected version $HPT_VERSION"
  grep -qE '^C(\+\+)? host: OK$' <<<"$out" || fail "$1: no OK"
}

# uses_installed_so PROGRAM: the dynamic loader resolves the library to the prefix.
uses_installed_so() {
  local resolved
  resolved=$(ldd "$1" | awk -v n="$name.so.$major" '$1 == n {print $3}')
  echo "$1: $name.so.$major => $resolved"
  [ "$resolved" -ef "$libdir/$name.so.$major" ] || fail "$1 loads '$resolved', not the installed library"
}

# is_static PROGRAM: the Go runtime is inside, no libhermetic_pyobject_tls.so needed.
is_static() {
  local dynamic symbols
  dynamic=$(readelf -d "$1")
  symbols=$(nm "$1")
  ! grep -q "$name" <<<"$dynamic" || fail "$1 needs $name.so"
  grep -q ' T hermetic_pyobject_tls_get_state$' <<<"$symbols" || fail "$1 lacks the library's code"
  echo "$1: linked statically (no NEEDED $name.so)"
}

case $case_ in
install)
  rm -rf "$HPT_WORK_DIR"
  mkdir -p "$HPT_WORK_DIR"
  "$HPT_CMAKE" --install "$HPT_BUILD_DIR" --prefix "$prefix" ${HPT_CONFIG:+--config "$HPT_CONFIG"}
  ;;

layout)
  cd "$libdir"
  ls -l
  [ -f "$name.so.$HPT_VERSION" ] && [ ! -L "$name.so.$HPT_VERSION" ] || fail "$name.so.$HPT_VERSION is not a regular file"
  [ "$(readlink "$name.so.$major")" = "$name.so.$HPT_VERSION" ] || fail "$name.so.$major is not a link to $name.so.$HPT_VERSION"
  [ "$(readlink "$name.so")" = "$name.so.$major" ] || fail "$name.so is not a link to $name.so.$major"
  soname=$(readelf -d "$name.so.$HPT_VERSION" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
  [ "$soname" = "$name.so.$major" ] || fail "SONAME is '$soname'"
  # The runtime side, beside the library, which finds it through RUNPATH $ORIGIN.
  [ -f "${name}_go.so.$HPT_VERSION" ] && [ ! -L "${name}_go.so.$HPT_VERSION" ] ||
    fail "${name}_go.so.$HPT_VERSION (the runtime side) is not a regular file beside the library"
  runpath=$(readelf -d "$name.so.$HPT_VERSION" | sed -n 's/.*(RUNPATH).*\[\(.*\)\]/\1/p')
  [ "$runpath" = '$ORIGIN' ] || fail "the library's RUNPATH is '$runpath', not \$ORIGIN"
  for f in "$includedir/hermetic_pyobject_tls.h" "$includedir/hermetic_pyobject_tls.hpp" \
           "$libdir/cmake/HermeticPyObjectTLS/HermeticPyObjectTLSConfig.cmake" \
           "$libdir/cmake/HermeticPyObjectTLS/HermeticPyObjectTLSConfigVersion.cmake" \
           "$libdir/pkgconfig/hermetic_pyobject_tls.pc"; do
    [ -f "$f" ] || fail "missing $f"
  done
  if [ "$HPT_STATIC" = ON ]; then
    [ -f "$name.a" ] || fail "missing $name.a"
    [ -f "$libdir/pkgconfig/hermetic_pyobject_tls-static.pc" ] || fail "missing hermetic_pyobject_tls-static.pc"
  fi
  cmp "$includedir/hermetic_pyobject_tls.h" "$HPT_SOURCE_DIR/include/hermetic_pyobject_tls.h"
  step "the c10 ABI layer: beside the library, SONAME, RUNPATH \$ORIGIN, finds the installed library"
  c10=${name}_c10
  [ -f "$c10.so.$HPT_VERSION" ] && [ ! -L "$c10.so.$HPT_VERSION" ] || fail "$c10.so.$HPT_VERSION is not a regular file"
  [ "$(readlink "$c10.so.$major")" = "$c10.so.$HPT_VERSION" ] || fail "$c10.so.$major is not a link to $c10.so.$HPT_VERSION"
  [ "$(readlink "$c10.so")" = "$c10.so.$major" ] || fail "$c10.so is not a link to $c10.so.$major"
  readelf -d "$c10.so.$HPT_VERSION" | grep -E 'SONAME|RUNPATH|NEEDED'
  [ "$(readelf -d "$c10.so.$HPT_VERSION" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')" = "$c10.so.$major" ] || fail "$c10 SONAME"
  [ "$(readelf -d "$c10.so.$HPT_VERSION" | sed -n 's/.*(RUNPATH).*\[\(.*\)\]/\1/p')" = '$ORIGIN' ] || fail "$c10 RUNPATH"
  resolved=$(ldd "$c10.so.$HPT_VERSION" | awk -v n="$name.so.$major" '$1 == n {print $3}')
  [ "$resolved" -ef "$libdir/$name.so.$major" ] || fail "$c10 resolves $name.so.$major to '$resolved'"
  [ -f "$libdir/pkgconfig/hermetic_pyobject_tls_c10.pc" ] || fail "missing hermetic_pyobject_tls_c10.pc"
  step "the licence: LICENSE installed, BSD-3-Clause named in the headers, .pc files and CMake package"
  cmp "$prefix/$HPT_LICENSEDIR/LICENSE" "$HPT_SOURCE_DIR/LICENSE"
  grep -q '^BSD 3-Clause License$' "$prefix/$HPT_LICENSEDIR/LICENSE" || fail "LICENSE is not the BSD 3-Clause text"
  for f in "$includedir/hermetic_pyobject_tls.h" "$includedir/hermetic_pyobject_tls.hpp" \
           "$libdir/cmake/HermeticPyObjectTLS/HermeticPyObjectTLSConfig.cmake" "$libdir/pkgconfig"/*.pc; do
    head -1 "$f" | grep -q 'SPDX-License-Identifier: BSD-3-Clause' || fail "$f: no SPDX-License-Identifier on its first line"
  done
  cmp "$includedir/hermetic_pyobject_tls.hpp" "$HPT_SOURCE_DIR/include/hermetic_pyobject_tls.hpp"
  # The installed tree must not point back into the source or build trees.
  # (The scratch prefix itself lies in the build tree; the .pc names it.)
  cat "$libdir"/cmake/HermeticPyObjectTLS/* "$libdir/pkgconfig/hermetic_pyobject_tls.pc" |
    sed "s|$prefix|<prefix>|g" >"$HPT_WORK_DIR/package-files.txt"
  if grep -nF -e "$HPT_BUILD_DIR" -e "$HPT_SOURCE_DIR" "$HPT_WORK_DIR/package-files.txt"; then
    fail "installed package files name the build or source tree"
  fi
  grep -qx "prefix=$prefix" "$libdir/pkgconfig/hermetic_pyobject_tls.pc" || fail ".pc prefix is not $prefix"
  cat "$libdir/pkgconfig/hermetic_pyobject_tls.pc"
  step "cmake --install --component Runtime: the shared library, its SONAME link and its runtime side only"
  rm -rf "$work/runtime"
  "$HPT_CMAKE" --install "$HPT_BUILD_DIR" --prefix "$work/runtime" --component Runtime ${HPT_CONFIG:+--config "$HPT_CONFIG"} >/dev/null
  got=$(cd "$work/runtime" && find . -type f -o -type l | sort | tr '\n' ' ')
  [ "$got" = "./$HPT_LIBDIR/$name.so.$major ./$HPT_LIBDIR/$name.so.$HPT_VERSION ./$HPT_LIBDIR/${name}_c10.so.$major ./$HPT_LIBDIR/${name}_c10.so.$HPT_VERSION ./$HPT_LIBDIR/${name}_go.so.$HPT_VERSION ./$HPT_LICENSEDIR/LICENSE " ] ||
    fail "Runtime component: $got"
  step "DESTDIR staging: the .pc records the prefix, not DESTDIR"
  rm -rf "$work/destdir"
  DESTDIR=$work/destdir "$HPT_CMAKE" --install "$HPT_BUILD_DIR" --prefix /opt/hpt ${HPT_CONFIG:+--config "$HPT_CONFIG"} >/dev/null
  grep -qx "prefix=/opt/hpt" "$work/destdir/opt/hpt/$HPT_LIBDIR/pkgconfig/hermetic_pyobject_tls.pc" ||
    fail "DESTDIR install: wrong prefix in the .pc"
  [ -L "$work/destdir/opt/hpt/$HPT_LIBDIR/$name.so" ] || fail "DESTDIR install: no $name.so link"
  echo "layout: OK"
  ;;

versions)
  # 1. the installed header
  header=$(sed -n 's/^#define HERMETIC_PYOBJECT_TLS_VERSION "\(.*\)"$/\1/p' "$includedir/hermetic_pyobject_tls.h")
  # 2. the CMake package's version file, evaluated the way find_package does
  config=$("$HPT_CMAKE" -DFILE="$libdir/cmake/HermeticPyObjectTLS/HermeticPyObjectTLSConfigVersion.cmake" \
             -DVERSION="$HPT_VERSION" -P "$HPT_SOURCE_DIR/test/install/check_version_file.cmake")
  # 3. the .pc file
  pc=$(PKG_CONFIG_PATH=$libdir/pkgconfig "$HPT_PKG_CONFIG" --modversion hermetic_pyobject_tls)
  pc_static=$pc
  if [ "$HPT_STATIC" = ON ]; then
    pc_static=$(PKG_CONFIG_PATH=$libdir/pkgconfig "$HPT_PKG_CONFIG" --modversion hermetic_pyobject_tls-static)
  fi
  # 4. hermetic_pyobject_tls_version() of the installed library, at run time
  mkdir -p "$work"
  cat >"$work/version.c" <<'C'
#include <stdio.h>
#include <hermetic_pyobject_tls.h>
int main(void) {
  printf("%s %u\n", hermetic_pyobject_tls_version(), hermetic_pyobject_tls_version_number());
  return 0;
}
C
  "$HPT_CC" -I"$includedir" "$work/version.c" -L"$libdir" -lhermetic_pyobject_tls -o "$work/version"
  read -r runtime number < <(LD_LIBRARY_PATH=$libdir "$work/version")
  IFS=. read -r ma mi pa <<<"$HPT_VERSION"
  printf '%-28s %s\n' "project (PROJECT_VERSION)" "$HPT_VERSION" "installed header" "$header" \
    "CMake config version file" "$config" "pkg-config --modversion" "$pc" "... -static (if built)" "$pc_static" \
    "hermetic_pyobject_tls_version()" "$runtime" "..._version_number()" "$number"
  for v in "$header" "$config" "$pc" "$pc_static" "$runtime"; do
    [ "$v" = "$HPT_VERSION" ] || fail "versions differ"
  done
  [ "$number" = $((ma * 10000 + mi * 100 + pa)) ] || fail "version number $number"
  echo "versions: all $HPT_VERSION"
  ;;

cmake)
  configure "$HPT_SOURCE_DIR/examples/consumer-cmake" "$work/build" "${find_args[@]}"
  grep -qF -- "-- HermeticPyObjectTLS $HPT_VERSION from $libdir/cmake/HermeticPyObjectTLS" "$work/build.configure.log" ||
    fail "find_package did not report version $HPT_VERSION from $prefix"
  build "$work/build"
  for p in consumer_c consumer_cxx; do
    uses_installed_so "$work/build/$p"
    run "$work/build/$p"
  done
  step "install the consumer; its programs find the library through their RUNPATH"
  "$HPT_CMAKE" --install "$work/build"
  for p in consumer_c consumer_cxx; do
    readelf -d "$work/app/bin/$p" | grep -E 'RPATH|RUNPATH'
    uses_installed_so "$work/app/bin/$p"
    run "$work/app/bin/$p"
  done
  step "find_package: versions and components"
  mkdir -p "$work/package"
  cat >"$work/package/CMakeLists.txt" <<EOF2
cmake_minimum_required(VERSION 3.20)
project(package_checks C)
# The major version alone, exact version, and the components.
find_package(HermeticPyObjectTLS $major CONFIG REQUIRED)
find_package(HermeticPyObjectTLS $HPT_VERSION EXACT CONFIG REQUIRED)
if("$HPT_STATIC" STREQUAL "ON")
  find_package(HermeticPyObjectTLS $major CONFIG REQUIRED COMPONENTS shared static)
  foreach(t hermetic_pyobject_tls hermetic_pyobject_tls_static)
    if(NOT TARGET HermeticPyObjectTLS::\${t})
      message(FATAL_ERROR "no target HermeticPyObjectTLS::\${t}")
    endif()
  endforeach()
endif()
# Unknown components are not found.
find_package(HermeticPyObjectTLS CONFIG QUIET COMPONENTS no_such_component)
if(HermeticPyObjectTLS_FOUND)
  message(FATAL_ERROR "component no_such_component accepted")
endif()
# SameMajorVersion: another major version is refused. (Last: a refused
# version resets HermeticPyObjectTLS_DIR.)
find_package(HermeticPyObjectTLS $((major + 1)).0 CONFIG QUIET)
if(HermeticPyObjectTLS_FOUND)
  message(FATAL_ERROR "version $((major + 1)).0 accepted")
endif()
if(NOT HermeticPyObjectTLS_LICENSE STREQUAL "BSD-3-Clause" OR NOT EXISTS "\${HermeticPyObjectTLS_LICENSE_FILE}")
  message(FATAL_ERROR "licence: '\${HermeticPyObjectTLS_LICENSE}', file '\${HermeticPyObjectTLS_LICENSE_FILE}'")
endif()
get_target_property(soname HermeticPyObjectTLS::hermetic_pyobject_tls IMPORTED_SONAME)
get_target_property(location HermeticPyObjectTLS::hermetic_pyobject_tls IMPORTED_LOCATION)
message(STATUS "package checks passed: \${location} (SONAME \${soname})")
EOF2
  "$HPT_CMAKE" -S "$work/package" -B "$work/package/build" -G "$HPT_GENERATOR" -DCMAKE_MAKE_PROGRAM="$HPT_MAKE_PROGRAM" \
    -DCMAKE_C_COMPILER="$HPT_CC" "${find_args[@]}" | grep 'package checks'
  echo "cmake consumer: OK"
  ;;

static)
  [ "$HPT_STATIC" = ON ] || { echo "static archive not built"; exit 0; }
  configure "$HPT_SOURCE_DIR/examples/consumer-cmake" "$work/build" "${find_args[@]}" -DCONSUMER_STATIC=ON
  build "$work/build"
  for p in consumer_c consumer_cxx; do
    is_static "$work/build/$p"
    run "$work/build/$p"
  done
  echo "static consumer: OK"
  ;;

pkgconfig)
  export PKG_CONFIG_PATH=$libdir/pkgconfig
  export PKG_CONFIG="$HPT_PKG_CONFIG"
  step "pkg-config: $("$HPT_PKG_CONFIG" --cflags --libs hermetic_pyobject_tls)"
  configure "$HPT_SOURCE_DIR/examples/consumer-pkgconfig" "$work/build" \
    -DPKG_CONFIG_EXECUTABLE="$HPT_PKG_CONFIG"
  build "$work/build"
  for p in consumer_c consumer_cxx; do
    uses_installed_so "$work/build/$p"
    run "$work/build/$p"
  done
  "$HPT_CMAKE" --install "$work/build"
  for p in consumer_c consumer_cxx; do
    uses_installed_so "$work/app/bin/$p"
    run "$work/app/bin/$p"
  done
  step "plain compiler command lines, library found through LD_LIBRARY_PATH"
  src=$HPT_SOURCE_DIR/examples/consumer-host
  # shellcheck disable=SC2046 # word splitting of pkg-config output is the point
  "$HPT_CC" -std=c11 -Wall -Wextra -Werror "$src/consumer.c" $("$HPT_PKG_CONFIG" --cflags --libs hermetic_pyobject_tls) \
    -pthread -o "$work/cc_consumer_c"
  # shellcheck disable=SC2046
  "$HPT_CXX" -std=c++11 -Wall -Wextra -Werror "$src/consumer.cpp" $("$HPT_PKG_CONFIG" --cflags --libs hermetic_pyobject_tls) \
    -pthread -o "$work/cc_consumer_cxx"
  for p in cc_consumer_c cc_consumer_cxx; do
    if "$work/$p" >/dev/null 2>&1; then fail "$p ran without LD_LIBRARY_PATH: it has no RUNPATH"; fi
    LD_LIBRARY_PATH=$("$HPT_PKG_CONFIG" --variable=libdir hermetic_pyobject_tls) run "$work/$p"
  done
  if [ "$HPT_STATIC" = ON ]; then
    step "static archive through hermetic_pyobject_tls-static.pc: $("$HPT_PKG_CONFIG" --libs hermetic_pyobject_tls-static)"
    # shellcheck disable=SC2046
    "$HPT_CC" -std=c11 -Wall -Wextra -Werror "$src/consumer.c" $("$HPT_PKG_CONFIG" --cflags --libs hermetic_pyobject_tls-static) \
      -o "$work/cc_consumer_c_static"
    is_static "$work/cc_consumer_c_static"
    run "$work/cc_consumer_c_static"
  fi
  echo "pkg-config consumer: OK"
  ;;

c10)
  # The c10 ABI layer from the installed prefix: a C host linked through
  # find_package(... COMPONENTS c10) and HermeticPyObjectTLS::c10, and one
  # through pkg-config hermetic_pyobject_tls_c10; each sets hermetic mode
  # through c10's set_state and reads it back through our C ABI.
  rm -rf "$work" && mkdir -p "$work/src"
  cat >"$work/src/c10_host.c" <<'C'
#include <stdbool.h>
#include <stdio.h>
#include <hermetic_pyobject_tls.h>
void c10_set_state(bool) __asm__("_ZN3c104impl19HermeticPyObjectTLS9set_stateEb");
bool c10_get_tls_state(void) __asm__("_ZN3c104impl19HermeticPyObjectTLS13get_tls_stateEv");
void c10_init_state(void) __asm__("_ZN3c104impl19HermeticPyObjectTLS10init_stateEv");
extern volatile unsigned char c10_have_state __asm__("_ZN3c104impl19HermeticPyObjectTLS10haveState_E");
int main(void) {
  c10_set_state(true);
  bool on = hermetic_pyobject_tls_get_state();
  hermetic_pyobject_tls_set_state(false);
  bool off = c10_get_tls_state();
  c10_init_state();
  printf("c10 set_state(true) -> get_state %d; set_state(false) -> c10 get_tls_state %d; haveState_ %d have_state %d\n",
         on, off, c10_have_state, hermetic_pyobject_tls_have_state());
  return on && !off && c10_have_state == 1 && hermetic_pyobject_tls_have_state() ? 0 : 1;
}
C
  cat >"$work/src/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.20)
project(c10_consumer C)
find_package(HermeticPyObjectTLS CONFIG REQUIRED COMPONENTS c10)
add_executable(c10_host c10_host.c)
target_link_libraries(c10_host PRIVATE HermeticPyObjectTLS::c10)
CMAKE
  configure "$work/src" "$work/build" "${find_args[@]}"
  build "$work/build"
  uses_installed_so "$work/build/c10_host"
  "$work/build/c10_host" || fail "c10_host (CMake) exited with $?"
  if [ -n "${HPT_PKG_CONFIG:-}" ]; then
    step "pkg-config hermetic_pyobject_tls_c10"
    flags=$(PKG_CONFIG_PATH=$libdir/pkgconfig "$HPT_PKG_CONFIG" --cflags --libs hermetic_pyobject_tls_c10)
    echo "pkg-config: $flags"
    # shellcheck disable=SC2086
    "$HPT_CC" "$work/src/c10_host.c" $flags -Wl,-rpath,"$libdir" -o "$work/c10_host_pc"
    uses_installed_so "$work/c10_host_pc"
    "$work/c10_host_pc" || fail "c10_host (pkg-config) exited with $?"
  fi
  echo "c10: OK"
  ;;

uninstall)
  # A prefix with things of its own in the directories install uses and next
  # to them: after install and uninstall it is exactly as it was, also the
  # empty directory that existed before (share/licenses); what install
  # created (lib/cmake/HermeticPyObjectTLS, lib/pkgconfig, ...) is gone.
  # (A prefix of its own: the fixture's prefix stays for the other tests.)
  rm -rf "$work"
  p=$work/prefix
  mkdir -p "$p/$HPT_LIBDIR/cmake/Other" "$p/$HPT_INCLUDEDIR" "$p/share/licenses" "$p/bin"
  echo "other's config" >"$p/$HPT_LIBDIR/cmake/Other/OtherConfig.cmake"
  echo "other's header" >"$p/$HPT_INCLUDEDIR/other.h"
  ln -s ../include/other.h "$p/bin/link-of-other"
  # snapshot DIR: every path under DIR with its type, and each file's content.
  snapshot() { (cd "$1" && find . -printf '%y %p\n' | sort && find . -type f | sort | xargs -r cat); }
  snapshot "$p" >"$work/before.txt"
  uninstall() { "$HPT_CMAKE" --build "$HPT_BUILD_DIR" --target uninstall | tee "$work/uninstall.log"; }
  step "install into $p, which has files of its own"
  "$HPT_CMAKE" --install "$HPT_BUILD_DIR" --prefix "$p" ${HPT_CONFIG:+--config "$HPT_CONFIG"} >/dev/null
  installed=$(grep -c . "$HPT_BUILD_DIR/install_manifest.txt")
  [ -f "$p/$HPT_LIBDIR/$name.so.$HPT_VERSION" ] && [ -f "$p/$HPT_LICENSEDIR/LICENSE" ] || fail "install did not install"
  step "cmake --build --target uninstall"
  uninstall
  grep -q "uninstall: $installed files removed, 0 already absent" "$work/uninstall.log" || fail "not all $installed files removed"
  snapshot "$p" >"$work/after.txt"
  diff -u "$work/before.txt" "$work/after.txt" || fail "the prefix differs from what it was before install"
  step "uninstall again: nothing left to remove, nothing else touched"
  uninstall
  grep -q "uninstall: 0 files removed, $installed already absent" "$work/uninstall.log" || fail "second uninstall"
  snapshot "$p" >"$work/after.txt"
  diff -u "$work/before.txt" "$work/after.txt" || fail "the second uninstall changed the prefix"

  step "into an empty prefix, installed twice: only the prefix itself stays"
  rm -rf "$p" && mkdir -p "$p"
  "$HPT_CMAKE" --install "$HPT_BUILD_DIR" --prefix "$p" ${HPT_CONFIG:+--config "$HPT_CONFIG"} >/dev/null
  "$HPT_CMAKE" --install "$HPT_BUILD_DIR" --prefix "$p" ${HPT_CONFIG:+--config "$HPT_CONFIG"} >/dev/null
  uninstall >/dev/null
  [ -d "$p" ] || fail "uninstall removed the prefix"
  left=$(cd "$p" && find . -mindepth 1)
  [ -z "$left" ] || fail "left behind: $left"

  step "DESTDIR staging: uninstall removes from the staged tree"
  DESTDIR=$work/destdir "$HPT_CMAKE" --install "$HPT_BUILD_DIR" --prefix /opt/hpt ${HPT_CONFIG:+--config "$HPT_CONFIG"} >/dev/null
  [ -f "$work/destdir/opt/hpt/$HPT_LIBDIR/$name.so.$HPT_VERSION" ] || fail "DESTDIR install did not install"
  if DESTDIR=$work/elsewhere uninstall >/dev/null 2>&1; then fail "uninstall under another DESTDIR succeeded"; fi
  [ -f "$work/destdir/opt/hpt/$HPT_LIBDIR/$name.so.$HPT_VERSION" ] || fail "a refused uninstall removed files"
  uninstall >/dev/null
  left=$(cd "$work/destdir" && find . -mindepth 1 | sort | tr '\n' ' ')
  [ "$left" = "./opt ./opt/hpt " ] || fail "DESTDIR uninstall left: $left"

  step "the Runtime component alone, removed with COMPONENT=Runtime"
  rm -rf "$p" && mkdir -p "$p"
  "$HPT_CMAKE" --install "$HPT_BUILD_DIR" --prefix "$p" --component Runtime ${HPT_CONFIG:+--config "$HPT_CONFIG"} >/dev/null
  "$HPT_CMAKE" -DBUILD_DIR="$HPT_BUILD_DIR" -DCOMPONENT=Runtime -P "$HPT_SOURCE_DIR/cmake/hermetic_uninstall.cmake"
  left=$(cd "$p" && find . -mindepth 1)
  [ -z "$left" ] || fail "Runtime uninstall left: $left"

  step "a build tree that installed nothing: a clear error, nothing removed"
  mkdir -p "$work/empty-build"
  if out=$("$HPT_CMAKE" -DBUILD_DIR="$work/empty-build" -P "$HPT_SOURCE_DIR/cmake/hermetic_uninstall.cmake" 2>&1); then
    fail "uninstall without a manifest succeeded"
  fi
  tr -s " \n" "  " <<<"$out" | grep -q "install_manifest.txt does not exist: nothing was installed" || fail "unclear error: $out"
  echo "uninstall: OK"
  ;;

subdirectory | fetchcontent | fetchcontent_url)
  args=(-DHERMETIC_PYOBJECT_TLS_SOURCE_DIR="$HPT_SOURCE_DIR" -DGO_EXECUTABLE="$HPT_GO")
  [ "$case_" = subdirectory ] || args+=(-DCONSUMER_FETCHCONTENT=ON)
  if [ "$case_" = fetchcontent_url ]; then
    # A source tarball of the tree, fetched with FetchContent's URL form as
    # README.md shows it: no CMP0135 (or any other) warning.
    rm -rf "$work" && mkdir -p "$work"
    tarball=$work/hermetic-pyobject-tls-$HPT_VERSION.tar.gz
    tar -czf "$tarball" -C "$HPT_SOURCE_DIR" --exclude=./.git --exclude=./build --exclude='./build-*' \
      --exclude=./.venv --transform "s|^\./|hermetic-pyobject-tls-$HPT_VERSION/|" .
    args+=(-DCONSUMER_FETCHCONTENT_URL="file://$tarball" -DCONSUMER_FETCHCONTENT_URL_HASH="SHA256=$(sha256sum "$tarball" | cut -d' ' -f1)")
  fi
  configure "$HPT_SOURCE_DIR/examples/consumer-subdirectory" "$work/build" "${args[@]}"
  if [ "$case_" = fetchcontent_url ]; then
    [ -f "$work/build/_deps/hermetic_pyobject_tls-src/include/hermetic_pyobject_tls.h" ] || fail "the tarball was not extracted"
    if grep -nE "CMake (Deprecation )?Warning|CMP0135" "$work/build.configure.log"; then
      fail "configuring with the URL form warns"
    fi
  fi
  build "$work/build"
  for p in consumer_c consumer_cxx; do
    run "$work/build/$p"
  done
  is_static "$work/build/consumer_c_static"
  run "$work/build/consumer_c_static"
  step "the library's tests and install rules stay out of the parent project"
  tests=$(cd "$work/build" && ctest -N | sed -n 's/^Total Tests: //p')
  [ "${tests:-0}" = 0 ] || fail "the parent project has $tests tests of the library"
  "$HPT_CMAKE" --install "$work/build"
  (cd "$work/app" && find . -type f -o -type l | sort) | tee "$work/installed.txt"
  [ "$(cat "$work/installed.txt")" = "./bin/consumer_c_static" ] || fail "install installed more than the consumer"
  run "$work/app/bin/consumer_c_static"
  if [ "$case_" = fetchcontent ]; then
    step "HERMETIC_PYOBJECT_TLS_INSTALL=ON: the parent installs the library too"
    "$HPT_CMAKE" "$work/build" -DHERMETIC_PYOBJECT_TLS_INSTALL=ON >/dev/null
    build "$work/build" >/dev/null
    "$HPT_CMAKE" --install "$work/build" --prefix "$work/app-with-lib" >/dev/null
    for f in "$HPT_LIBDIR/$name.so.$HPT_VERSION" "$HPT_LIBDIR/$name.so" "$HPT_INCLUDEDIR/hermetic_pyobject_tls.h" \
             "$HPT_LIBDIR/cmake/HermeticPyObjectTLS/HermeticPyObjectTLSConfig.cmake" \
             "$HPT_LIBDIR/pkgconfig/hermetic_pyobject_tls.pc" "$HPT_LICENSEDIR/LICENSE" bin/consumer_c_static; do
      [ -e "$work/app-with-lib/$f" ] || fail "not installed: $f"
    done
  fi
  echo "$case_ consumer: OK"
  ;;

*)
  fail "unknown case $case_"
  ;;
esac
