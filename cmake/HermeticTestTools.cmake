# Test-only tools. A tool that only some tests need never stops a configure:
# those tests are not registered and configure says which, and how to get the
# tool. With HERMETIC_PYOBJECT_TLS_STRICT_TESTS=ON (the test workflow preset
# and CI) a missing test tool is a configure error instead, so a run can never
# pass on fewer tests than the project has.
#
#   hermetic_test_tool_missing(WHAT <tool> TESTS <test names...>
#                              [HINT <how to install>] [PACKAGES <Debian packages...>])
#     Reports the tool missing (a warning, or an error when strict). HINT
#     defaults to the apt-get line for PACKAGES.
#   hermetic_find_test_program(<VAR> NAMES <names...> TESTS <test names...>
#                              [HINT <how to install>] [PACKAGES <Debian packages...>])
#     find_program(<VAR>); when it finds nothing, hermetic_test_tool_missing().
#     The caller registers its tests only if(<VAR>).
#   hermetic_enable_test_cxx()
#     A macro for the top-level CMakeLists.txt (enable_language() must run
#     there): enables C++ when a C++ compiler is found. The library itself is
#     C; only tests use C++.
#   hermetic_test_needs_cxx(<VAR> TESTS <test names...>)
#     <VAR> is TRUE when C++ is enabled; otherwise the C++ compiler is
#     reported missing for TESTS.
#   hermetic_test_tools_summary()
#     At the end of the configure: one message with every missing tool, the
#     tests left out and the one apt-get line that brings them all.
#
# Debian packages the tests use are listed in scripts/test-packages.txt, which
# the test command (scripts/test) installs; a PACKAGES name must be listed there.
option(HERMETIC_PYOBJECT_TLS_STRICT_TESTS
       "Make a missing test-only tool a configure error instead of leaving its tests out" OFF)

function(hermetic_test_tool_missing)
  cmake_parse_arguments(arg "" "WHAT;HINT" "TESTS;PACKAGES" ${ARGN})
  if(NOT arg_HINT)
    if(arg_PACKAGES)
      list(JOIN arg_PACKAGES " " pkgs)
      set(arg_HINT "apt-get install ${pkgs} (Debian/Ubuntu; scripts/test installs it)")
    else()
      set(arg_HINT "install ${arg_WHAT}")
    endif()
  endif()
  # Every package named here must be one the test command installs (a slip
  # of this project's, never the user's: a warning, and the strict configure
  # fails on the missing tool anyway).
  if(arg_PACKAGES)
    file(STRINGS "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/../scripts/test-packages.txt" listed REGEX "^[a-z0-9]")
    list(TRANSFORM listed REPLACE "[ \t#].*$" "")
    foreach(p IN LISTS arg_PACKAGES)
      if(NOT p IN_LIST listed)
        message(AUTHOR_WARNING "hermetic_test_tool_missing(${arg_WHAT}): Debian package ${p} is not in "
                               "scripts/test-packages.txt, so the test command does not install it")
      endif()
    endforeach()
  endif()
  list(JOIN arg_TESTS ", " tests)
  set(msg "${arg_WHAT} not found, so these tests are not registered: ${tests}. To get it: ${arg_HINT}")
  set_property(GLOBAL APPEND PROPERTY HERMETIC_MISSING_TEST_TOOLS "${arg_WHAT}")
  set_property(GLOBAL APPEND PROPERTY HERMETIC_MISSING_TEST_PACKAGES ${arg_PACKAGES})
  set_property(GLOBAL APPEND PROPERTY HERMETIC_UNREGISTERED_TESTS ${arg_TESTS})
  if(NOT arg_PACKAGES)
    set_property(GLOBAL APPEND PROPERTY HERMETIC_MISSING_TEST_HINTS "${arg_HINT}")
  endif()
  # Strict: each is an error. Otherwise one summary at the end says it all
  # (hermetic_test_tools_summary); the details at --log-level=VERBOSE.
  if(HERMETIC_PYOBJECT_TLS_STRICT_TESTS)
    message(SEND_ERROR "${msg} (HERMETIC_PYOBJECT_TLS_STRICT_TESTS is ON)")
  else()
    message(VERBOSE "${msg}")
  endif()
endfunction()

function(hermetic_find_test_program var)
  cmake_parse_arguments(arg "" "HINT" "NAMES;TESTS;PACKAGES" ${ARGN})
  find_program(${var} NAMES ${arg_NAMES})
  if(NOT ${var})
    list(GET arg_NAMES 0 first)
    set(extra)
    if(arg_HINT)
      list(APPEND extra HINT "${arg_HINT}")
    endif()
    if(arg_PACKAGES)
      list(APPEND extra PACKAGES ${arg_PACKAGES})
    endif()
    hermetic_test_tool_missing(WHAT "${first}" TESTS ${arg_TESTS} ${extra})
  endif()
endfunction()

macro(hermetic_enable_test_cxx)
  include(CheckLanguage)
  # check_language() keeps a compiler it did not find in the cache and never
  # looks again: look again, a later run may have one (scripts/test installs g++).
  if(DEFINED CMAKE_CXX_COMPILER AND NOT CMAKE_CXX_COMPILER)
    unset(CMAKE_CXX_COMPILER CACHE)
  endif()
  check_language(CXX)
  if(CMAKE_CXX_COMPILER)
    enable_language(CXX)
  endif()
endmacro()

function(hermetic_test_needs_cxx var)
  cmake_parse_arguments(arg "" "" "TESTS" ${ARGN})
  get_property(languages GLOBAL PROPERTY ENABLED_LANGUAGES)
  if("CXX" IN_LIST languages)
    set(${var} TRUE PARENT_SCOPE)
  else()
    set(${var} FALSE PARENT_SCOPE)
    hermetic_test_tool_missing(WHAT "a C++ compiler" TESTS ${arg_TESTS} PACKAGES g++)
  endif()
endfunction()

function(hermetic_test_tools_summary)
  get_property(tools GLOBAL PROPERTY HERMETIC_MISSING_TEST_TOOLS)
  get_property(packages GLOBAL PROPERTY HERMETIC_MISSING_TEST_PACKAGES)
  get_property(hints GLOBAL PROPERTY HERMETIC_MISSING_TEST_HINTS)
  get_property(tests GLOBAL PROPERTY HERMETIC_UNREGISTERED_TESTS)
  if(NOT tools)
    message(STATUS "Test tools: all found, every test is registered")
    return()
  endif()
  # The tests left out, by group (the name up to its first dot).
  list(REMOVE_DUPLICATES tests)
  list(LENGTH tests ntests)
  set(groups)
  foreach(t IN LISTS tests)
    string(REGEX REPLACE "[. ].*$" "" g "${t}")
    list(APPEND groups "${g}")
  endforeach()
  # ("group.* (all of them)" stands for a whole group, registered or not.)
  set(whole)
  foreach(t IN LISTS tests)
    if(t MATCHES "^([^.]+)\\.\\* ")
      list(APPEND whole "${CMAKE_MATCH_1}")
    endif()
  endforeach()
  set(counted)
  foreach(g IN LISTS groups)
    if(NOT g IN_LIST counted)
      list(APPEND counted "${g}")
      set(n 0)
      foreach(h IN LISTS groups)
        if(h STREQUAL g)
          math(EXPR n "${n} + 1")
        endif()
      endforeach()
      if(g IN_LIST whole)
        set(n all)
      endif()
      list(APPEND summary "${g} (${n})")
    endif()
  endforeach()
  list(JOIN summary ", " summary)
  set(msg "Tests left out, their tools missing: ${summary}.")
  if(packages)
    list(REMOVE_DUPLICATES packages)
    list(JOIN packages " " packages)
    string(APPEND msg " To run them all: apt-get install ${packages}")
  endif()
  if(hints)
    list(REMOVE_DUPLICATES hints)
    list(JOIN hints "; " hints)
    string(APPEND msg "; and ${hints}")
  endif()
  string(APPEND msg ". scripts/test installs the packages and runs every test; "
                    "which test needs what: cmake --log-level=VERBOSE.")
  if(HERMETIC_PYOBJECT_TLS_STRICT_TESTS)
    message(SEND_ERROR "${msg}")
  else()
    message(WARNING "${msg}")
  endif()
endfunction()

# hermetic_label_network_tests([EXCEPT <regex>]): labels every test of the
# calling directory (but those whose name matches EXCEPT) "network": they
# download something the first time (PyPI, the Go module proxy, Debian).
# scripts/test --quick (the test preset "quick") runs every test without it.
function(hermetic_label_network_tests)
  cmake_parse_arguments(arg "" "EXCEPT" "" ${ARGN})
  get_property(tests DIRECTORY PROPERTY TESTS)
  foreach(t IN LISTS tests)
    if(arg_EXCEPT AND t MATCHES "${arg_EXCEPT}")
      continue()
    endif()
    set_property(TEST "${t}" APPEND PROPERTY LABELS network)
  endforeach()
endfunction()
