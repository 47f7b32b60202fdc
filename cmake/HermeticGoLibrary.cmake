# Builds libhermetic_pyobject_tls.so with the Go toolchain (through
# scripts/build-library.sh, the one recipe every consumer shares) and exposes
# it as the IMPORTED target HermeticPyObjectTLS::hermetic_pyobject_tls.

find_program(GO_EXECUTABLE go REQUIRED)

set(HERMETIC_PYOBJECT_TLS_LIBRARY_DIR "${PROJECT_BINARY_DIR}/lib")
set(_hpt_soversion "${PROJECT_VERSION_MAJOR}")
set(_hpt_real "${HERMETIC_PYOBJECT_TLS_LIBRARY_DIR}/libhermetic_pyobject_tls.so.${PROJECT_VERSION}")
set(HERMETIC_PYOBJECT_TLS_CGO_EXPORT_HEADER
    "${HERMETIC_PYOBJECT_TLS_LIBRARY_DIR}/hermetic_pyobject_tls_cgo_export.h")

# Everything go build reads: re-run when any of it changes.
file(GLOB_RECURSE _hpt_go_inputs CONFIGURE_DEPENDS
     "${PROJECT_SOURCE_DIR}/pkg/*.go" "${PROJECT_SOURCE_DIR}/pkg/*.c" "${PROJECT_SOURCE_DIR}/pkg/*.h"
     "${PROJECT_SOURCE_DIR}/cabi/*.go" "${PROJECT_SOURCE_DIR}/cabi/*.c" "${PROJECT_SOURCE_DIR}/cabi/*.h")
list(FILTER _hpt_go_inputs EXCLUDE REGEX "_test\\.go$")
list(APPEND _hpt_go_inputs
     "${PROJECT_SOURCE_DIR}/cabi/exports.map"
     "${PROJECT_SOURCE_DIR}/include/hermetic_pyobject_tls.h"
     "${PROJECT_SOURCE_DIR}/go.mod"
     "${PROJECT_SOURCE_DIR}/scripts/build-library.sh")
if(EXISTS "${PROJECT_SOURCE_DIR}/go.sum")
  list(APPEND _hpt_go_inputs "${PROJECT_SOURCE_DIR}/go.sum")
endif()

add_custom_command(
  OUTPUT "${_hpt_real}"
         "${HERMETIC_PYOBJECT_TLS_LIBRARY_DIR}/libhermetic_pyobject_tls.so.${_hpt_soversion}"
         "${HERMETIC_PYOBJECT_TLS_LIBRARY_DIR}/libhermetic_pyobject_tls.so"
         "${HERMETIC_PYOBJECT_TLS_CGO_EXPORT_HEADER}"
  COMMAND "${CMAKE_COMMAND}" -E env "GO=${GO_EXECUTABLE}" "CC=${CMAKE_C_COMPILER}"
          sh "${PROJECT_SOURCE_DIR}/scripts/build-library.sh" shared "${HERMETIC_PYOBJECT_TLS_LIBRARY_DIR}"
  DEPENDS ${_hpt_go_inputs}
  WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}"
  COMMENT "Building libhermetic_pyobject_tls.so with go build -buildmode=c-shared"
  VERBATIM)
add_custom_target(hermetic_pyobject_tls_go ALL DEPENDS "${_hpt_real}")

add_library(hermetic_pyobject_tls SHARED IMPORTED GLOBAL)
set_target_properties(hermetic_pyobject_tls PROPERTIES
  IMPORTED_LOCATION "${_hpt_real}"
  IMPORTED_SONAME "libhermetic_pyobject_tls.so.${_hpt_soversion}"
  INTERFACE_INCLUDE_DIRECTORIES "${PROJECT_SOURCE_DIR}/include")
add_dependencies(hermetic_pyobject_tls hermetic_pyobject_tls_go)
add_library(HermeticPyObjectTLS::hermetic_pyobject_tls ALIAS hermetic_pyobject_tls)
