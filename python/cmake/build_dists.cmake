# cmake -DPYTHON=... -DSOURCE_DIR=... -DTOOLS=... -DDIST=... -DVERSION=... -P build_dists.cmake
#
# python.build: a venv (TOOLS) with PyPA's `build`, then `python -m build
# --outdir DIST`: the sdist, and the wheel built from that sdist (so the sdist
# holds everything a build needs), with the native backend required. Checks
# both names and what they hold. PIP_CACHE_DIR (set by CTest) keeps the
# downloads across runs.
#
# It builds from a copy of the source tree as a user has it when following
# the READMEs: the files git does not ignore (tracked or not), plus a virtual
# environment .venv/, an earlier dist/ and a build/ in its root, which must stay out of
# the sdist (pyproject.toml's sdist.exclude, .gitignore).
set(SCRIPT build_dists.cmake)
include("${CMAKE_CURRENT_LIST_DIR}/script_common.cmake")
hermetic_script_require(PYTHON SOURCE_DIR TOOLS DIST VERSION)

if(NOT EXISTS "${TOOLS}/bin/python")
  run("${PYTHON}" -m venv "${TOOLS}")
endif()
run("${TOOLS}/bin/python" -m pip install --quiet "build>=1")
file(REMOVE_RECURSE "${DIST}")

set(tree "${DIST}-tree")
file(REMOVE_RECURSE "${tree}")
file(MAKE_DIRECTORY "${tree}")
run(sh -c "cd \"$1\" && git ls-files -z --cached --others --exclude-standard | tar --null -T - --ignore-failed-read -cf - 2>/dev/null | tar -xf - -C \"$2\""
    sh "${SOURCE_DIR}" "${tree}")
if(NOT EXISTS "${tree}/pyproject.toml")
  message(FATAL_ERROR "copying the files git does not ignore from ${SOURCE_DIR} gave no pyproject.toml (a git checkout?)")
endif()
run("${PYTHON}" -m venv --without-pip "${tree}/.venv")
file(WRITE "${tree}/dist/hermetic_pyobject_tls-0.0.0-py3-none-any.whl" "an earlier build's output\n")
file(WRITE "${tree}/build/CMakeCache.txt" "a build tree's file\n")
run("${TOOLS}/bin/python" -m build --outdir "${DIST}"
    "--config-setting=cmake.define.HERMETIC_PYOBJECT_TLS_PYTHON_EXTENSION=ON" "${tree}")

execute_process(COMMAND uname -m OUTPUT_VARIABLE arch OUTPUT_STRIP_TRAILING_WHITESPACE)
set(sdist "${DIST}/hermetic_pyobject_tls-${VERSION}.tar.gz")
set(wheel "${DIST}/hermetic_pyobject_tls-${VERSION}-cp38-abi3-linux_${arch}.whl")
file(GLOB made RELATIVE "${DIST}" "${DIST}/*")
foreach(f "${sdist}" "${wheel}")
  if(NOT EXISTS "${f}")
    message(FATAL_ERROR "python -m build did not make ${f}; it made: ${made}")
  endif()
endforeach()
list(LENGTH made n)
if(NOT n EQUAL 2)
  message(FATAL_ERROR "expected one sdist and one wheel in ${DIST}, found: ${made}")
endif()

# What the sdist must hold to build (the wheel above was built from it) and
# what the wheel must hold to run.
execute_process(COMMAND tar -tzf "${sdist}" OUTPUT_VARIABLE sdist_files RESULT_VARIABLE rc)
set(prefix "hermetic_pyobject_tls-${VERSION}")
foreach(f pyproject.toml CMakeLists.txt go.mod include/hermetic_pyobject_tls.h cabi/exports.go cabi/exports.map
          scripts/build-library.sh cmake/HermeticPythonWheel.cmake python/src/hermetic_pyobject_tls/__init__.py
          python/ext/_native.c python/cmake/HermeticPythonExtension.cmake PKG-INFO)
  string(FIND "${sdist_files}" "${prefix}/${f}\n" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "the sdist lacks ${f}:\n${sdist_files}")
  endif()
endforeach()
foreach(d build/ .ci/ .venv/ dist/)
  string(FIND "${sdist_files}" "${prefix}/${d}" at)
  if(NOT at EQUAL -1)
    message(FATAL_ERROR "the sdist holds ${d}, which it should not:\n${sdist_files}")
  endif()
endforeach()
execute_process(COMMAND "${TOOLS}/bin/python" -m zipfile -l "${wheel}" OUTPUT_VARIABLE wheel_files)
foreach(f __init__.py _loader.py _ctypes_backend.py _native.abi3.so _build_info.py py.typed
          libhermetic_pyobject_tls.so.0
          "libhermetic_pyobject_tls_go.so.${VERSION}")
  string(FIND "${wheel_files}" "hermetic_pyobject_tls/${f} " at)
  if(at EQUAL -1)
    message(FATAL_ERROR "the wheel lacks hermetic_pyobject_tls/${f}:\n${wheel_files}")
  endif()
endforeach()
message(STATUS "built ${sdist} and ${wheel}")
