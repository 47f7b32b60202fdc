# Portable binaries: the library, its static archive (and the c10 layer,
# when the project has one) for x86_64 and aarch64 Linux against glibc 2.17,
# built with the pinned zig from PyPI (scripts/fetch-zig.sh), and the C test
# hosts built the same way to run them.
#
#   hermetic_portable_builds(<dir> [ALL])
#
# lays out <dir> as
#   <dir>/zig/<arch>-linux-gnu.2.17-cc, -c++   compiler wrappers (scripts/zig-wrappers.sh)
#   <dir>/<arch>/                               the portable build, installed:
#       lib/libhermetic_pyobject_tls.so.X.Y.Z, .so.X, .so, lib/libhermetic_pyobject_tls.a,
#       lib/libhermetic_pyobject_tls_c10.so*    (the c10 layer, when built)
#       include/, lib/cmake/HermeticPyObjectTLS/, lib/pkgconfig/
#   <dir>/_build/<arch>/                        its CMake build tree
#   <dir>/_build/hosts-<arch>/                  the C test hosts (test/portable/hosts)
# for <arch> in x86_64 and aarch64. Each build is this very project,
# configured with a generated zig toolchain file (cmake/portable/zig-toolchain.cmake.in)
# and HERMETIC_PYOBJECT_TLS_GOARCH, tests and examples off: the library comes
# from scripts/build-library.sh like every other build, and every target the
# project has (the c10 layer included) is built and installed with the same
# zig target. Targets: hermetic_portable_<arch>, hermetic_portable_hosts_<arch>,
# and hermetic_portable (all of them; part of `all` only with ALL).

include(ExternalProject)

set(HERMETIC_PORTABLE_ARCHES x86_64 aarch64)
set(HERMETIC_PORTABLE_GOARCH_x86_64 amd64)
set(HERMETIC_PORTABLE_GOARCH_aarch64 arm64)

function(hermetic_portable_builds dir)
  cmake_parse_arguments(arg "ALL" "" "" ${ARGN})
  set(wrappers "${dir}/zig")
  set(wrapper_files)
  foreach(arch IN LISTS HERMETIC_PORTABLE_ARCHES)
    list(APPEND wrapper_files "${wrappers}/${arch}-linux-gnu.2.17-cc" "${wrappers}/${arch}-linux-gnu.2.17-c++")
  endforeach()
  add_custom_command(
    OUTPUT ${wrapper_files}
    COMMAND sh "${PROJECT_SOURCE_DIR}/scripts/zig-wrappers.sh" "${wrappers}"
    DEPENDS "${PROJECT_SOURCE_DIR}/scripts/zig-wrappers.sh" "${PROJECT_SOURCE_DIR}/scripts/fetch-zig.sh"
    COMMENT "Fetching the pinned zig (ziglang from PyPI) and writing its compiler wrappers"
    VERBATIM)
  add_custom_target(hermetic_portable_zig DEPENDS ${wrapper_files})

  if(arg_ALL)
    add_custom_target(hermetic_portable ALL)
    set(exclude FALSE)
  else()
    add_custom_target(hermetic_portable)
    set(exclude TRUE)
  endif()
  foreach(arch IN LISTS HERMETIC_PORTABLE_ARCHES)
    set(toolchain "${dir}/_build/${arch}-linux-gnu.2.17.cmake")
    configure_file("${PROJECT_SOURCE_DIR}/cmake/portable/zig-toolchain.cmake.in" "${toolchain}" @ONLY)
    ExternalProject_Add(hermetic_portable_${arch}
      SOURCE_DIR "${PROJECT_SOURCE_DIR}"
      BINARY_DIR "${dir}/_build/${arch}"
      INSTALL_DIR "${dir}/${arch}"
      PREFIX "${dir}/_build/ep"
      CMAKE_ARGS
        "-DCMAKE_TOOLCHAIN_FILE=${toolchain}"
        -DCMAKE_BUILD_TYPE=Release
        -DCMAKE_INSTALL_PREFIX=<INSTALL_DIR>
        -DCMAKE_INSTALL_LIBDIR=lib
        "-DHERMETIC_PYOBJECT_TLS_GOARCH=${HERMETIC_PORTABLE_GOARCH_${arch}}"
        -DHERMETIC_PYOBJECT_TLS_PORTABLE=OFF
        -DHERMETIC_PYOBJECT_TLS_BUILD_TESTS=OFF
        -DHERMETIC_PYOBJECT_TLS_BUILD_EXAMPLES=OFF
        -DHERMETIC_PYOBJECT_TLS_BUILD_STATIC=ON
        -DHERMETIC_PYOBJECT_TLS_INSTALL=ON
      BUILD_ALWAYS ON
      EXCLUDE_FROM_ALL ${exclude}
      DEPENDS hermetic_portable_zig)
    ExternalProject_Add(hermetic_portable_hosts_${arch}
      SOURCE_DIR "${PROJECT_SOURCE_DIR}/test/portable/hosts"
      BINARY_DIR "${dir}/_build/hosts-${arch}"
      PREFIX "${dir}/_build/ep"
      CMAKE_ARGS
        "-DCMAKE_TOOLCHAIN_FILE=${toolchain}"
        -DCMAKE_BUILD_TYPE=Release
        "-DHERMETIC_PORTABLE_PREFIX=${dir}/${arch}"
        "-DHERMETIC_TEST_C_DIR=${PROJECT_SOURCE_DIR}/test/c"
      BUILD_ALWAYS ON
      INSTALL_COMMAND ""
      EXCLUDE_FROM_ALL ${exclude}
      DEPENDS hermetic_portable_${arch})
    add_dependencies(hermetic_portable hermetic_portable_${arch} hermetic_portable_hosts_${arch})
  endforeach()
endfunction()
