# cmake -DPYTHON=... -DVENV=... -DWHEEL=... [-DSYSTEM_SITE=ON] [-DREQUIREMENTS=a;b] [-DTESTS=dir] -P venv_test.cmake
#
# A fresh venv for PYTHON, the one wheel installed into it (no build, no
# index), pytest (the interpreter's own with SYSTEM_SITE, else from PyPI
# through PIP_CACHE_DIR) and REQUIREMENTS (from PyPI), an import check; then,
# with TESTS, the package's pytest suite. Used by python.install, each
# python.cpython<V>.venv and python.greenlet.venv.
set(SCRIPT venv_test.cmake)
include("${CMAKE_CURRENT_LIST_DIR}/script_common.cmake")
hermetic_script_require(PYTHON VENV WHEEL)

if(NOT EXISTS "${WHEEL}")
  message(FATAL_ERROR "no wheel at ${WHEEL}: the test python.build makes it")
endif()
file(REMOVE_RECURSE "${VENV}")
set(site)
if(SYSTEM_SITE)
  set(site --system-site-packages)
endif()
run("${PYTHON}" -m venv ${site} "${VENV}")
set(vpy "${VENV}/bin/python")
run("${vpy}" -m pip install --quiet --no-index --no-deps "${WHEEL}")
execute_process(COMMAND "${vpy}" -c "import pytest" RESULT_VARIABLE no_pytest OUTPUT_QUIET ERROR_QUIET)
if(NOT no_pytest EQUAL 0)
  run("${vpy}" -m pip install --quiet "pytest>=7")
endif()
if(REQUIREMENTS)
  run("${vpy}" -m pip install --quiet ${REQUIREMENTS})
endif()
# The installed package imports from the venv, with no environment variable.
run("${vpy}" -c "import hermetic_pyobject_tls as h, sys; print(sys.version.split()[0], h.__version__, h.library_path); sys.exit(not h.library_path.startswith(sys.prefix))")
if(TESTS)
  run("${CMAKE_COMMAND}" -E chdir "${VENV}" "${vpy}" -m pytest -p no:cacheprovider -q -rfEs "${TESTS}")
endif()
