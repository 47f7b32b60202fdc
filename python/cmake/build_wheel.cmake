# cmake -DPYTHON=... -DSOURCE_DIR=... -DLIBRARY_DIR=... -DDIST=... -DWHEEL=... -DWORK=... -P build_wheel.cmake
#
# python.build.cp313t: the wheel for one CPython that python.build's abi3
# wheel cannot serve (a free-threaded one), built by that CPython's pip from
# SOURCE_DIR with the libraries this build made (LIBRARY_DIR: no second Go
# build) and the native backend required. WHEEL must be what it makes, and
# hold the extension. PIP_CACHE_DIR (set by CTest) keeps the downloads.
set(SCRIPT build_wheel.cmake)
include("${CMAKE_CURRENT_LIST_DIR}/script_common.cmake")
hermetic_script_require(PYTHON SOURCE_DIR LIBRARY_DIR DIST WHEEL WORK)

file(REMOVE_RECURSE "${DIST}" "${WORK}")
run("${PYTHON}" -m pip wheel --no-deps --quiet -w "${DIST}"
    "--config-settings=cmake.define.HERMETIC_PYOBJECT_TLS_WHEEL_LIBRARY_DIR=${LIBRARY_DIR}"
    "--config-settings=cmake.define.HERMETIC_PYOBJECT_TLS_PYTHON_EXTENSION=ON"
    "--config-settings=build-dir=${WORK}" "${SOURCE_DIR}")
file(GLOB made RELATIVE "${DIST}" "${DIST}/*")
if(NOT EXISTS "${WHEEL}")
  message(FATAL_ERROR "pip wheel did not make ${WHEEL}; it made: ${made}")
endif()
execute_process(COMMAND "${PYTHON}" -m zipfile -l "${WHEEL}" OUTPUT_VARIABLE files)
if(NOT files MATCHES "hermetic_pyobject_tls/_native\\.cpython-[0-9]+t-[^ ]+\\.so ")
  message(FATAL_ERROR "${WHEEL} holds no version-specific native extension:\n${files}")
endif()
message(STATUS "built ${WHEEL}")
