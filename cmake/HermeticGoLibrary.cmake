# Builds libhermetic_pyobject_tls with the Go toolchain (through
# scripts/build-library.sh, the one recipe every consumer shares) and exposes
# it as IMPORTED targets:
#   hermetic_pyobject_tls         (alias HermeticPyObjectTLS::hermetic_pyobject_tls)
#     the shared library: the front, libhermetic_pyobject_tls.so.X.Y.Z (C),
#     with the runtime side libhermetic_pyobject_tls_go.so.X.Y.Z beside it
#     (the Go runtime, which the front loads at the first write); always built.
#   hermetic_pyobject_tls_static  (alias HermeticPyObjectTLS::hermetic_pyobject_tls_static)
#     the static archive, -buildmode=c-archive, Go runtime included; defined
#     when HERMETIC_PYOBJECT_TLS_BUILD_STATIC is ON. Built with `all` when
#     HERMETIC_PYOBJECT_TLS_INSTALL is ON (it is installed), otherwise only
#     when something links it.
# Both live in HERMETIC_PYOBJECT_TLS_LIBRARY_DIR (PROJECT_BINARY_DIR/lib).

# GO_EXECUTABLE, and a configure-time check of its version against go.mod.
include("${CMAKE_CURRENT_LIST_DIR}/HermeticGoVersion.cmake")

# GOARCH for a cross build (the portable builds set it with a zig toolchain
# file, cmake/HermeticPortable.cmake); empty: the build machine's.
set(HERMETIC_PYOBJECT_TLS_GOARCH "" CACHE STRING "GOARCH to build the library for (empty: Go's default)")
mark_as_advanced(HERMETIC_PYOBJECT_TLS_GOARCH)
set(_hpt_go_env "GO=${GO_EXECUTABLE}" "CC=${CMAKE_C_COMPILER}")
if(HERMETIC_PYOBJECT_TLS_GOARCH)
  list(APPEND _hpt_go_env "GOARCH=${HERMETIC_PYOBJECT_TLS_GOARCH}")
endif()

set(HERMETIC_PYOBJECT_TLS_LIBRARY_DIR "${PROJECT_BINARY_DIR}/lib")
set(_hpt_soversion "${PROJECT_VERSION_MAJOR}")
set(_hpt_soname "libhermetic_pyobject_tls.so.${_hpt_soversion}")
set(_hpt_real "${HERMETIC_PYOBJECT_TLS_LIBRARY_DIR}/libhermetic_pyobject_tls.so.${PROJECT_VERSION}")
set(_hpt_soname_link "${HERMETIC_PYOBJECT_TLS_LIBRARY_DIR}/${_hpt_soname}")
set(_hpt_dev_link "${HERMETIC_PYOBJECT_TLS_LIBRARY_DIR}/libhermetic_pyobject_tls.so")
set(_hpt_runtime_side "${HERMETIC_PYOBJECT_TLS_LIBRARY_DIR}/libhermetic_pyobject_tls_go.so.${PROJECT_VERSION}")
set(_hpt_archive "${HERMETIC_PYOBJECT_TLS_LIBRARY_DIR}/libhermetic_pyobject_tls.a")
set(HERMETIC_PYOBJECT_TLS_CGO_EXPORT_HEADER
    "${HERMETIC_PYOBJECT_TLS_LIBRARY_DIR}/hermetic_pyobject_tls_cgo_export.h")

# Everything go build reads: re-run when any of it changes.
file(GLOB_RECURSE _hpt_go_inputs CONFIGURE_DEPENDS
     "${PROJECT_SOURCE_DIR}/pkg/*.go" "${PROJECT_SOURCE_DIR}/pkg/*.c" "${PROJECT_SOURCE_DIR}/pkg/*.h"
     "${PROJECT_SOURCE_DIR}/internal/*.go"
     "${PROJECT_SOURCE_DIR}/cabi/*.go" "${PROJECT_SOURCE_DIR}/cabi/*.c" "${PROJECT_SOURCE_DIR}/cabi/*.h")
list(FILTER _hpt_go_inputs EXCLUDE REGEX "_test\\.go$")
list(APPEND _hpt_go_inputs
     "${PROJECT_SOURCE_DIR}/cabi/exports.map"
     "${PROJECT_SOURCE_DIR}/cabi/runtime.map"
     "${PROJECT_SOURCE_DIR}/scripts/expose-go-internals.sh"
     "${PROJECT_SOURCE_DIR}/scripts/finish-archive.sh"
     "${PROJECT_SOURCE_DIR}/include/hermetic_pyobject_tls.h"
     "${PROJECT_SOURCE_DIR}/go.mod"
     "${PROJECT_SOURCE_DIR}/scripts/build-library.sh")
if(EXISTS "${PROJECT_SOURCE_DIR}/go.sum")
  list(APPEND _hpt_go_inputs "${PROJECT_SOURCE_DIR}/go.sum")
endif()

# --- shared library -------------------------------------------------------
add_custom_command(
  OUTPUT "${_hpt_real}" "${_hpt_soname_link}" "${_hpt_dev_link}" "${_hpt_runtime_side}"
         "${HERMETIC_PYOBJECT_TLS_CGO_EXPORT_HEADER}"
  COMMAND "${CMAKE_COMMAND}" -E env ${_hpt_go_env}
          sh "${PROJECT_SOURCE_DIR}/scripts/build-library.sh" shared "${HERMETIC_PYOBJECT_TLS_LIBRARY_DIR}"
  DEPENDS ${_hpt_go_inputs}
  WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}"
  COMMENT "Building libhermetic_pyobject_tls.so and its runtime side with go build"
  VERBATIM)
add_custom_target(hermetic_pyobject_tls_go ALL DEPENDS "${_hpt_real}")

add_library(hermetic_pyobject_tls SHARED IMPORTED GLOBAL)
set_target_properties(hermetic_pyobject_tls PROPERTIES
  IMPORTED_LOCATION "${_hpt_real}"
  IMPORTED_SONAME "${_hpt_soname}"
  INTERFACE_INCLUDE_DIRECTORIES "${PROJECT_SOURCE_DIR}/include")
add_dependencies(hermetic_pyobject_tls hermetic_pyobject_tls_go)
add_library(HermeticPyObjectTLS::hermetic_pyobject_tls ALIAS hermetic_pyobject_tls)

# --- static archive -------------------------------------------------------
if(HERMETIC_PYOBJECT_TLS_BUILD_STATIC)
  # The Go runtime in the archive needs pthreads and libdl on the host's link
  # line. (CMake resolves Threads::Threads in this directory, where the
  # IMPORTED target is made, so consumers in other directories see it too.)
  find_package(Threads REQUIRED)

  add_custom_command(
    OUTPUT "${_hpt_archive}" "${HERMETIC_PYOBJECT_TLS_LIBRARY_DIR}/hermetic_pyobject_tls_cgo_export_archive.h"
    COMMAND "${CMAKE_COMMAND}" -E env ${_hpt_go_env}
            sh "${PROJECT_SOURCE_DIR}/scripts/build-library.sh" archive "${HERMETIC_PYOBJECT_TLS_LIBRARY_DIR}"
    DEPENDS ${_hpt_go_inputs}
    WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}"
    COMMENT "Building libhermetic_pyobject_tls.a with go build -buildmode=c-archive"
    VERBATIM)
  if(HERMETIC_PYOBJECT_TLS_INSTALL)
    set(_hpt_static_all ALL)
  else()
    set(_hpt_static_all)
  endif()
  add_custom_target(hermetic_pyobject_tls_static_go ${_hpt_static_all} DEPENDS "${_hpt_archive}")

  add_library(hermetic_pyobject_tls_static STATIC IMPORTED GLOBAL)
  set_target_properties(hermetic_pyobject_tls_static PROPERTIES
    IMPORTED_LOCATION "${_hpt_archive}"
    IMPORTED_LINK_INTERFACE_LANGUAGES C
    INTERFACE_INCLUDE_DIRECTORIES "${PROJECT_SOURCE_DIR}/include"
    INTERFACE_LINK_LIBRARIES "Threads::Threads;${CMAKE_DL_LIBS}")
  add_dependencies(hermetic_pyobject_tls_static hermetic_pyobject_tls_static_go)
  add_library(HermeticPyObjectTLS::hermetic_pyobject_tls_static ALIAS hermetic_pyobject_tls_static)
endif()
