# Finds the Go toolchain (GO_EXECUTABLE) and checks at configure time that it
# is at least the version go.mod's `go` line asks for, so an old Go fails here
# with what to do, not in the middle of the build with
# `go.mod:3: invalid go version`.
#
# The version is asked from `go env GOVERSION` run in the source tree, the way
# the build runs it: a Go 1.21+ that switches toolchains (GOTOOLCHAIN=auto)
# reports the toolchain the build will really use.

set(_hpt_go_get "get it from https://go.dev/dl (Debian/Ubuntu's golang-go package is older on most releases), \
put its bin/ first on PATH or pass -DGO_EXECUTABLE=/path/to/go")

file(STRINGS "${PROJECT_SOURCE_DIR}/go.mod" _hpt_go_line REGEX "^go [0-9]+(\\.[0-9]+)*[ \t]*$")
string(REGEX MATCH "[0-9]+(\\.[0-9]+)*" HERMETIC_PYOBJECT_TLS_GO_MIN_VERSION "${_hpt_go_line}")
if(NOT HERMETIC_PYOBJECT_TLS_GO_MIN_VERSION)
  message(FATAL_ERROR "no `go` line in ${PROJECT_SOURCE_DIR}/go.mod")
endif()

find_program(GO_EXECUTABLE go)
if(NOT GO_EXECUTABLE)
  message(FATAL_ERROR "Go ${HERMETIC_PYOBJECT_TLS_GO_MIN_VERSION} or newer is needed to build the library "
                      "and no `go` is on PATH; ${_hpt_go_get}")
endif()

execute_process(COMMAND "${GO_EXECUTABLE}" env GOVERSION
                WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}"
                RESULT_VARIABLE _hpt_go_rc OUTPUT_VARIABLE _hpt_go_out ERROR_VARIABLE _hpt_go_err
                OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_STRIP_TRAILING_WHITESPACE)
if(NOT _hpt_go_rc EQUAL 0 OR NOT _hpt_go_out MATCHES "go[0-9]")
  # Go before 1.16 has no GOVERSION; `go version` says it on every release.
  execute_process(COMMAND "${GO_EXECUTABLE}" version
                  WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}"
                  RESULT_VARIABLE _hpt_go_rc2 OUTPUT_VARIABLE _hpt_go_out ERROR_VARIABLE _hpt_go_err2
                  OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_STRIP_TRAILING_WHITESPACE)
  if(NOT _hpt_go_rc2 EQUAL 0 OR NOT _hpt_go_out MATCHES "go[0-9]")
    message(FATAL_ERROR "Go ${HERMETIC_PYOBJECT_TLS_GO_MIN_VERSION} or newer is needed; "
                        "${GO_EXECUTABLE} does not say its version (`go env GOVERSION`: ${_hpt_go_err} "
                        "`go version`: ${_hpt_go_err2}); ${_hpt_go_get}")
  endif()
endif()
string(REGEX MATCH "go[0-9]+(\\.[0-9]+)*" _hpt_go_found "${_hpt_go_out}")
string(SUBSTRING "${_hpt_go_found}" 2 -1 HERMETIC_PYOBJECT_TLS_GO_VERSION)
if(HERMETIC_PYOBJECT_TLS_GO_VERSION VERSION_LESS HERMETIC_PYOBJECT_TLS_GO_MIN_VERSION)
  message(FATAL_ERROR "Go ${HERMETIC_PYOBJECT_TLS_GO_MIN_VERSION} or newer is needed (go.mod says so; "
                      "found ${_hpt_go_found} at ${GO_EXECUTABLE}); ${_hpt_go_get}")
endif()
message(STATUS "Go: ${_hpt_go_found} at ${GO_EXECUTABLE} (go.mod needs ${HERMETIC_PYOBJECT_TLS_GO_MIN_VERSION} or newer)")
