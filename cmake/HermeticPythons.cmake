# Finding the CPythons of this machine, for the wheel's test matrix (python/)
# and the embedding example (examples/multi-interpreter/).
#
#   HERMETIC_PYOBJECT_TLS_PYTHON_VERSIONS (cache, default: the environment
#     variable of that name): the CPython versions this machine must test on,
#     for example "3.8;3.9;3.10;3.11;3.12;3.13". A listed version that is
#     missing is a missing test tool (an error with the strict switch); one
#     not listed is tested if found and named as untested if not.
#   hermetic_find_cpython(<var> <3.X>)
#     <var> = the python3.X interpreter: pyenv's builds first
#     ($PYENV_ROOT or ~/.pyenv, newest patch release), then python3.X on PATH
#     (never a pyenv shim: a shim of a version pyenv lacks fails when run).
#     It must run, be that version and have venv with ensurepip. Empty if none.
include_guard(GLOBAL)

set(HERMETIC_PYOBJECT_TLS_PYTHON_VERSIONS "$ENV{HERMETIC_PYOBJECT_TLS_PYTHON_VERSIONS}" CACHE STRING
    "CPython versions (3.8;3.9;...) the tests must run on: a listed one that is missing is a missing test tool")

function(hermetic_find_cpython var version)
  set(root "$ENV{PYENV_ROOT}")
  if(NOT root)
    set(root "$ENV{HOME}/.pyenv")
  endif()
  file(GLOB cands "${root}/versions/${version}.*/bin/python${version}")
  list(SORT cands COMPARE NATURAL ORDER DESCENDING)
  find_program(onpath NAMES "python${version}" NO_CACHE)
  if(onpath AND NOT onpath MATCHES "/shims/")
    list(APPEND cands "${onpath}")
  endif()
  string(REPLACE "." ", " tuple "${version}")
  foreach(c IN LISTS cands)
    execute_process(COMMAND "${c}" -c "import sys, venv, ensurepip; sys.exit(sys.version_info[:2] != (${tuple}))"
                    RESULT_VARIABLE rc OUTPUT_QUIET ERROR_QUIET)
    if(rc EQUAL 0)
      set(${var} "${c}" PARENT_SCOPE)
      return()
    endif()
  endforeach()
  set(${var} "" PARENT_SCOPE)
endfunction()
