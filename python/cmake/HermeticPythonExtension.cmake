# The package's native backend, hermetic_pyobject_tls._native (python/ext/_native.c),
# for the wheel (cmake/HermeticPythonWheel.cmake) and for the embedding example
# (examples/multi-interpreter).
#
#   hermetic_python_extension(<target> PYTHON <python> [SUFFIX <suffix>] [OUTPUT_DIRECTORY <dir>])
#     Builds _native for the CPython <python> runs: for its stable ABI
#     (_native.abi3.so, Py_LIMITED_API 3.8: one file for every CPython 3.8+
#     with a GIL) when it has one, or for that very version (free-threaded
#     builds have no stable ABI: _native<EXT_SUFFIX>). SUFFIX overrides the
#     version-specific suffix (a cross build: the target's machine is in
#     it). Sets <target>_ABI to "abi3" or the suffix, in the caller's scope.
#     The module links no Python library (the interpreter provides it) and
#     not libhermetic_pyobject_tls (the package hands it the library's
#     functions: one copy per process): only libdl and libpthread, which
#     glibc before 2.34 keeps apart.
#   hermetic_python_info(<var> <python>)
#     <var> = "<include dir>;<1 if free-threaded else 0>;<EXT_SUFFIX>;<implementation>;<major.minor>",
#     or empty when <python> does not run.
include_guard(GLOBAL)


function(hermetic_python_info var python)
  execute_process(
    COMMAND "${python}" -c "import sys, sysconfig as s
print(';'.join([s.get_paths()['include'], str(int(bool(s.get_config_var('Py_GIL_DISABLED')))),
                s.get_config_var('EXT_SUFFIX') or '', sys.implementation.name, '%d.%d' % sys.version_info[:2]]))"
    OUTPUT_VARIABLE info OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc ERROR_QUIET)
  if(rc EQUAL 0)
    set(${var} "${info}" PARENT_SCOPE)
  else()
    set(${var} "" PARENT_SCOPE)
  endif()
endfunction()

function(hermetic_python_extension target)
  cmake_parse_arguments(arg "" "PYTHON;SUFFIX;OUTPUT_DIRECTORY" "" ${ARGN})
  hermetic_python_info(info "${arg_PYTHON}")
  if(NOT info)
    message(FATAL_ERROR "hermetic_python_extension: ${arg_PYTHON} does not run")
  endif()
  list(GET info 0 include)
  list(GET info 1 free_threaded)
  list(GET info 2 ext_suffix)
  if(NOT EXISTS "${include}/Python.h")
    message(FATAL_ERROR "hermetic_python_extension: no Python.h in ${include} (${arg_PYTHON}); "
                        "Debian: apt-get install python3-dev")
  endif()
  find_package(Threads REQUIRED)
  add_library(${target} MODULE "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/../ext/_native.c")
  set_target_properties(${target} PROPERTIES
    PREFIX "" OUTPUT_NAME _native C_STANDARD 11 C_STANDARD_REQUIRED ON C_EXTENSIONS ON
    C_VISIBILITY_PRESET hidden)
  if(arg_OUTPUT_DIRECTORY)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${arg_OUTPUT_DIRECTORY}")
  endif()
  if(free_threaded)
    if(arg_SUFFIX)
      set(ext_suffix "${arg_SUFFIX}")
    endif()
    set_target_properties(${target} PROPERTIES SUFFIX "${ext_suffix}")
    set(${target}_ABI "${ext_suffix}" PARENT_SCOPE)
  else()
    set_target_properties(${target} PROPERTIES SUFFIX ".abi3.so")
    target_compile_definitions(${target} PRIVATE Py_LIMITED_API=0x03080000)
    set(${target}_ABI "abi3" PARENT_SCOPE)
  endif()
  # A directory of headers after the interpreter's: a cross build may put a
  # pyconfig.h for the target there (scripts/build-wheels).
  target_include_directories(${target} SYSTEM PRIVATE "${include}" ${HERMETIC_PYOBJECT_TLS_PYTHON_EXTRA_INCLUDE})
  target_link_libraries(${target} PRIVATE Threads::Threads ${CMAKE_DL_LIBS})
  if(CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -O2)
    # Hardened and stripped as the library is (scripts/build-library.sh).
    target_link_options(${target} PRIVATE -Wl,-z,relro -Wl,-z,now -Wl,-z,noexecstack -Wl,--strip-all -Wl,--build-id=sha1)
  endif()
endfunction()
