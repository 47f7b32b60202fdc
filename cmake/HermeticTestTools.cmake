# Test-only tools. A tool that only some tests need never stops a configure:
# those tests are not registered and configure says which, and how to get the
# tool. With HERMETIC_PYOBJECT_TLS_STRICT_TESTS=ON (the test workflow preset
# and CI) a missing test tool is a configure error instead, so a run can never
# pass on fewer tests than the project has.
#
#   hermetic_test_tool_missing(WHAT <tool> TESTS <test names...> HINT <how to install>)
#   hermetic_find_test_program(<VAR> NAMES <names...> TESTS <test names...> HINT <how to install>)
#     find_program(<VAR>); when it finds nothing, hermetic_test_tool_missing().
#     The caller registers its tests only if(<VAR>).
#
# Debian packages the tests use are listed in scripts/test-packages.txt, which
# the test command installs.
option(HERMETIC_PYOBJECT_TLS_STRICT_TESTS
       "Make a missing test-only tool a configure error instead of leaving its tests out" OFF)

function(hermetic_test_tool_missing)
  cmake_parse_arguments(arg "" "WHAT;HINT" "TESTS" ${ARGN})
  string(REPLACE ";" ", " tests "${arg_TESTS}")
  set(msg "${arg_WHAT} not found, so these tests are not registered: ${tests}. To get it: ${arg_HINT}")
  set_property(GLOBAL APPEND PROPERTY HERMETIC_MISSING_TEST_TOOLS "${arg_WHAT}")
  if(HERMETIC_PYOBJECT_TLS_STRICT_TESTS)
    message(SEND_ERROR "${msg} (HERMETIC_PYOBJECT_TLS_STRICT_TESTS is ON)")
  else()
    message(WARNING "${msg}")
  endif()
endfunction()

function(hermetic_find_test_program var)
  cmake_parse_arguments(arg "" "HINT" "NAMES;TESTS" ${ARGN})
  find_program(${var} NAMES ${arg_NAMES})
  if(NOT ${var})
    list(GET arg_NAMES 0 first)
    hermetic_test_tool_missing(WHAT "${first}" TESTS ${arg_TESTS} HINT "${arg_HINT}")
  endif()
endfunction()
