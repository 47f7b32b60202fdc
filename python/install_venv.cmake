# cmake -DPYTHON=... -DVENV=... -DPACKAGE_DIR=... -DOFFLINE=ON|OFF -P install_venv.cmake
#
# A fresh venv (it sees the interpreter's site-packages for pytest), then
# `pip install PACKAGE_DIR` into it, the way the README says.
foreach(var PYTHON VENV PACKAGE_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "install_venv.cmake: -D${var}= is required")
  endif()
endforeach()

function(run)
  message(STATUS "+ ${ARGN}")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}")
  endif()
endfunction()

file(REMOVE_RECURSE "${VENV}")
run("${PYTHON}" -m venv --system-site-packages "${VENV}")
set(vpy "${VENV}/bin/python")

set(index_args)
if(OFFLINE)
  set(index_args --no-index)
endif()
run("${vpy}" -m pip install ${index_args} --no-deps --ignore-installed "${PACKAGE_DIR}")

execute_process(COMMAND "${vpy}" -c "import pytest" RESULT_VARIABLE no_pytest OUTPUT_QUIET ERROR_QUIET)
if(NOT no_pytest EQUAL 0)
  message(STATUS "pytest is not installed for ${PYTHON}; installing it into the venv from the package index")
  run("${vpy}" -m pip install "pytest>=7")
endif()

# The installed package imports, from the venv, with no environment variable.
run("${vpy}" -c "import hermetic_pyobject_tls as h, sys; print(h.__version__, h.library_path); sys.exit(not h.library_path.startswith(sys.prefix))")
