#!/bin/bash
# case_cmake.sh: examples/consumer-cmake against the prefix: find_package, the hosts find the
# library through their RUNPATH, versions and components.
# Run by test/install/CMakeLists.txt (install.*); the helpers and the
# environment are in lib.sh.
set -euo pipefail
. "$(dirname "$0")/lib.sh" cmake

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
