# cmake -DCASE=<case> -DSOURCE_DIR=... -DWORK_DIR=... -DGENERATOR=... -DMAKE_PROGRAM=...
#       -DC_COMPILER=... -DGO=... -P check_configure.cmake
# One case of test/configure/CMakeLists.txt (the cases are described there).
cmake_minimum_required(VERSION 3.21)
foreach(var CASE SOURCE_DIR WORK_DIR GENERATOR C_COMPILER GO)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "check_configure.cmake: -D${var}= is required")
  endif()
endforeach()

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
set(bin "${WORK_DIR}/build")

# What go.mod asks for, read here on its own (not through the code under test).
file(READ "${SOURCE_DIR}/go.mod" gomod)
if(NOT gomod MATCHES "\ngo ([0-9.]+)")
  message(FATAL_ERROR "no go line in ${SOURCE_DIR}/go.mod")
endif()
set(go_min "${CMAKE_MATCH_1}")

# fake_go(NAME GOVERSION_OUTPUT VERSION_OUTPUT): a `go` that answers
# `go env GOVERSION` and `go version` like some release would, and fails
# anything else.
function(fake_go name goversion version)
  set(path "${WORK_DIR}/${name}/go")
  file(WRITE "${path}" "#!/bin/sh
case \"$*\" in
'env GOVERSION') echo '${goversion}' ;;
version) echo '${version}' ;;
*) echo \"fake go: $*\" >&2; exit 2 ;;
esac
")
  file(CHMOD "${path}" PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE)
  set(fake "${path}" PARENT_SCOPE)
endfunction()

# configure(<env VAR=value...> -- <cmake -D args...>): sets rc and out.
function(configure)
  set(env)
  set(args ${ARGN})
  list(FIND args -- sep)
  if(sep GREATER -1)
    list(SUBLIST args 0 ${sep} env)
    math(EXPR sep "${sep} + 1")
    list(SUBLIST args ${sep} -1 args)
  endif()
  set(make_program)
  if(MAKE_PROGRAM)
    set(make_program "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
  endif()
  execute_process(
    COMMAND "${CMAKE_COMMAND}" -E env ${env}
            "${CMAKE_COMMAND}" -S "${SOURCE_DIR}" -B "${bin}" -G "${GENERATOR}" ${make_program}
            "-DCMAKE_C_COMPILER=${C_COMPILER}" ${args}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  message("---- configure (exit ${rc}):\n${out}----")
  set(rc "${rc}" PARENT_SCOPE)
  set(out "${out}" PARENT_SCOPE)
endfunction()

function(expect_text text)
  # CMake wraps long messages: compare with the whitespace squeezed.
  string(REGEX REPLACE "[ \t\r\n]+" " " flat "${out}")
  string(FIND "${flat}" "${text}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "FAIL: expected in the configure's output: ${text}")
  endif()
endfunction()

function(expect_rc want)
  if(want STREQUAL "0" AND NOT rc EQUAL 0)
    message(FATAL_ERROR "FAIL: the configure failed (exit ${rc}), it must pass")
  elseif(want STREQUAL "fail" AND rc EQUAL 0)
    message(FATAL_ERROR "FAIL: the configure passed, it must fail")
  endif()
endfunction()

set(quick -DHERMETIC_PYOBJECT_TLS_BUILD_TESTS=OFF -DHERMETIC_PYOBJECT_TLS_BUILD_EXAMPLES=OFF
          -DHERMETIC_PYOBJECT_TLS_INSTALL=OFF)
set(no_cxx CXX=/nonexistent/c++)
# Tests that need C++, as each suite names them when they are left out (one
# message per suite; which other suites appear depends on the machine).
set(cxx_tests_cpp "cpp.test_cpp_api")
set(cxx_tests_go "go.test, go.race_shuffle, go.fuzz_differential")
set(cxx_missing "a C++ compiler not found, so these tests are not registered:")

if(CASE STREQUAL "go_too_old")
  fake_go(go119 go1.19 "go version go1.19 linux/amd64")
  configure(-- ${quick} "-DGO_EXECUTABLE=${fake}")
  expect_rc(fail)
  expect_text("Go ${go_min} or newer is needed (go.mod says so; found go1.19 at ${fake}); get it from https://go.dev/dl")
elseif(CASE STREQUAL "go_too_old_no_goversion")
  fake_go(go115 "" "go version go1.15.15 linux/amd64")
  configure(-- ${quick} "-DGO_EXECUTABLE=${fake}")
  expect_rc(fail)
  expect_text("Go ${go_min} or newer is needed (go.mod says so; found go1.15.15 at ${fake}); get it from https://go.dev/dl")
elseif(CASE STREQUAL "go_new_enough")
  fake_go(go199 go1.99.0 "go version go1.99.0 linux/amd64")
  configure(-- ${quick} "-DGO_EXECUTABLE=${fake}")
  expect_rc(0)
  expect_text("Go: go1.99.0 at ${fake} (go.mod needs ${go_min} or newer)")
elseif(CASE STREQUAL "c_only_no_cxx")
  configure(${no_cxx} -- -DHERMETIC_PYOBJECT_TLS_BUILD_TESTS=OFF -DHERMETIC_PYOBJECT_TLS_BUILD_EXAMPLES=ON
            "-DGO_EXECUTABLE=${GO}")
  expect_rc(0)
  file(STRINGS "${bin}/CMakeCache.txt" cxx_lines REGEX "^CMAKE_CXX_COMPILER:")
  if(cxx_lines)
    message(FATAL_ERROR "FAIL: a tests-off configure looked for a C++ compiler: ${cxx_lines}")
  endif()
  # Build the library and the demo, and run it.
  execute_process(COMMAND "${CMAKE_COMMAND}" -E env ${no_cxx} "${CMAKE_COMMAND}" --build "${bin}" --target run_demo
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  message("---- build and run the demo (exit ${rc}):\n${out}----")
  expect_rc(0)
elseif(CASE STREQUAL "tests_no_cxx")
  # One summary says which groups are left out and the apt-get line; the
  # details (which test needs what) come at --log-level=VERBOSE.
  configure(${no_cxx} -- -DHERMETIC_PYOBJECT_TLS_STRICT_TESTS=OFF "-DGO_EXECUTABLE=${GO}")
  expect_rc(0)
  expect_text("Tests left out, their tools missing: cpp (1),")
  expect_text(" go (3),")
  expect_text("To run them all: apt-get install g++")
  if(out MATCHES "a C\\+\\+ compiler not found")
    message(FATAL_ERROR "FAIL: the details are printed without --log-level=VERBOSE")
  endif()
  configure(${no_cxx} -- --log-level=VERBOSE -DHERMETIC_PYOBJECT_TLS_STRICT_TESTS=OFF "-DGO_EXECUTABLE=${GO}")
  expect_rc(0)
  expect_text("${cxx_missing} ${cxx_tests_cpp}. To get it: apt-get install g++")
  expect_text("${cxx_missing} ${cxx_tests_go}. To get it: apt-get install g++")
  execute_process(COMMAND "${CMAKE_CTEST_COMMAND}" --test-dir "${bin}" -N
                  RESULT_VARIABLE rc OUTPUT_VARIABLE tests ERROR_VARIABLE tests)
  message("---- ctest -N (exit ${rc}):\n${tests}----")
  expect_rc(0)
  foreach(t c.test_state install.layout)
    if(NOT tests MATCHES "Test +#[0-9]+: ${t}\n")
      message(FATAL_ERROR "FAIL: ${t} is not registered without C++")
    endif()
  endforeach()
  foreach(t cpp.test_cpp_api go.test install.consumer_cmake bench.smoke)
    if(tests MATCHES "Test +#[0-9]+: ${t}\n")
      message(FATAL_ERROR "FAIL: ${t}, which needs C++, is registered without a C++ compiler")
    endif()
  endforeach()
elseif(CASE STREQUAL "musl")
  set(C_COMPILER "${MUSL_GCC}")
  configure("-DGO_EXECUTABLE=${GO}")
  expect_rc(fail)
  expect_text("hermetic-pyobject-tls needs Linux with glibc")
  expect_text("musl cannot dlopen() a Go shared library (golang/go#13492)")
elseif(CASE STREQUAL "strict_no_cxx")
  configure(${no_cxx} -- -DHERMETIC_PYOBJECT_TLS_STRICT_TESTS=ON "-DGO_EXECUTABLE=${GO}")
  expect_rc(fail)
  expect_text("${cxx_missing} ${cxx_tests_cpp}. To get it: apt-get install g++")
  expect_text("${cxx_missing} ${cxx_tests_go}. To get it: apt-get install g++")
  expect_text("(HERMETIC_PYOBJECT_TLS_STRICT_TESTS is ON)")
else()
  message(FATAL_ERROR "check_configure.cmake: unknown CASE ${CASE}")
endif()
message(STATUS "configure.${CASE}: OK")
