# The Python wheel's contents, installed as COMPONENT python into the wheel's
# root (scikit-build-core, pyproject.toml: `pip install .`, `python -m build`):
#
#   hermetic_pyobject_tls/*.py, py.typed          python/src/hermetic_pyobject_tls
#   hermetic_pyobject_tls/_build_info.py          generated here from the header's version
#   hermetic_pyobject_tls/_native.abi3.so         the native backend (python/ext/_native.c) for
#     or _native.cpython-313t-<machine>.so        the stable ABI of CPython 3.8+, or for the one
#                                                 free-threaded CPython building the wheel
#                                                 (python/cmake/HermeticPythonExtension.cmake)
#   hermetic_pyobject_tls/libhermetic_pyobject_tls.so.MAJOR      the library, named by its SONAME
#   hermetic_pyobject_tls/libhermetic_pyobject_tls_go.so.X.Y.Z   its runtime side, which it loads
#                                                                at the first write (RUNPATH $ORIGIN)
#   hermetic_pyobject_tls/libhermetic_pyobject_tls_c10.so.MAJOR  the c10 layer, where the project has it
#
# The libraries come from this build (the Go build, HermeticGoLibrary.cmake),
# or, when HERMETIC_PYOBJECT_TLS_WHEEL_LIBRARY_DIR names a directory of
# prebuilt ones (scripts/build-wheels: the portable glibc 2.17 builds), from
# there; then Go is not needed. Included by the top-level CMakeLists.txt, last,
# when SKBUILD is set (or HERMETIC_PYOBJECT_TLS_PYTHON_INSTALL is ON).
#
# HERMETIC_PYOBJECT_TLS_PYTHON_EXTENSION: AUTO (default: the native backend
# when the Python building the wheel is a CPython with its headers, else a
# warning and a wheel with the ctypes backend only), ON (required), OFF (the
# ctypes-only wheel, py3-none: scripts/build-wheels). The extension is built
# for the Python scikit-build-core runs (Python_EXECUTABLE);
# HERMETIC_PYOBJECT_TLS_PYTHON_EXT_SUFFIX names the suffix of a
# version-specific (free-threaded) build made for another machine.

set(_hpt_pkg hermetic_pyobject_tls)
set(_hpt_soname "libhermetic_pyobject_tls.so.${PROJECT_VERSION_MAJOR}")
set(_hpt_c10_soname "libhermetic_pyobject_tls_c10.so.${PROJECT_VERSION_MAJOR}")
set(_hpt_runtime_side_name "libhermetic_pyobject_tls_go.so.${PROJECT_VERSION}")

install(DIRECTORY "${PROJECT_SOURCE_DIR}/python/src/${_hpt_pkg}/"
        DESTINATION "${_hpt_pkg}" COMPONENT python
        FILES_MATCHING PATTERN "*.py" PATTERN "py.typed"
        PATTERN "_build_info.py" EXCLUDE PATTERN "__pycache__" EXCLUDE)

set(HERMETIC_PYOBJECT_TLS_LIBRARY_NAME "${_hpt_soname}")
math(EXPR HERMETIC_PYOBJECT_TLS_VERSION_NUMBER
     "${PROJECT_VERSION_MAJOR} * 10000 + ${PROJECT_VERSION_MINOR} * 100 + ${PROJECT_VERSION_PATCH}")
configure_file("${PROJECT_SOURCE_DIR}/python/cmake/_build_info.py.in"
               "${PROJECT_BINARY_DIR}/python/${_hpt_pkg}/_build_info.py" @ONLY)
install(FILES "${PROJECT_BINARY_DIR}/python/${_hpt_pkg}/_build_info.py"
        DESTINATION "${_hpt_pkg}" COMPONENT python)

set(HERMETIC_PYOBJECT_TLS_PYTHON_EXTENSION AUTO CACHE STRING
    "The Python wheel's native backend (the C extension _native): AUTO, ON or OFF (ctypes only)")
set_property(CACHE HERMETIC_PYOBJECT_TLS_PYTHON_EXTENSION PROPERTY STRINGS AUTO ON OFF)
set(HERMETIC_PYOBJECT_TLS_PYTHON_EXT_SUFFIX "" CACHE STRING
    "The native backend's file suffix when it is built for one free-threaded CPython of another machine")
if(NOT HERMETIC_PYOBJECT_TLS_PYTHON_EXTENSION STREQUAL "OFF")
  include("${PROJECT_SOURCE_DIR}/python/cmake/HermeticPythonExtension.cmake")
  set(_hpt_ext_why)
  if(NOT Python_EXECUTABLE)
    find_package(Python COMPONENTS Interpreter)
  endif()
  if(Python_EXECUTABLE)
    hermetic_python_info(_hpt_ext_info "${Python_EXECUTABLE}")
  endif()
  if(NOT _hpt_ext_info)
    set(_hpt_ext_why "no Python interpreter to build it for")
  else()
    list(GET _hpt_ext_info 0 _hpt_ext_include)
    list(GET _hpt_ext_info 3 _hpt_ext_impl)
    list(GET _hpt_ext_info 4 _hpt_ext_version)
    if(NOT _hpt_ext_impl STREQUAL "cpython")
      set(_hpt_ext_why "${Python_EXECUTABLE} is ${_hpt_ext_impl}, not CPython")
    elseif(_hpt_ext_version VERSION_LESS 3.8)
      set(_hpt_ext_why "${Python_EXECUTABLE} is CPython ${_hpt_ext_version}, older than 3.8")
    elseif(NOT EXISTS "${_hpt_ext_include}/Python.h")
      set(_hpt_ext_why "no Python.h in ${_hpt_ext_include} (Debian: apt-get install python3-dev)")
    endif()
  endif()
  if(_hpt_ext_why)
    if(HERMETIC_PYOBJECT_TLS_PYTHON_EXTENSION STREQUAL "ON")
      message(FATAL_ERROR "HERMETIC_PYOBJECT_TLS_PYTHON_EXTENSION=ON, but the native backend cannot be built: ${_hpt_ext_why}")
    endif()
    message(WARNING "The wheel gets no native backend, only ctypes: ${_hpt_ext_why}")
  else()
    hermetic_python_extension(hermetic_pyobject_tls_python_native PYTHON "${Python_EXECUTABLE}"
                              SUFFIX "${HERMETIC_PYOBJECT_TLS_PYTHON_EXT_SUFFIX}")
    message(STATUS "The wheel's native backend: _native (${hermetic_pyobject_tls_python_native_ABI}) "
                   "for ${Python_EXECUTABLE} (CPython ${_hpt_ext_version})")
    install(TARGETS hermetic_pyobject_tls_python_native LIBRARY DESTINATION "${_hpt_pkg}" COMPONENT python)
  endif()
endif()

if(HERMETIC_PYOBJECT_TLS_WHEEL_LIBRARY_DIR)
  set(_hpt_dir "${HERMETIC_PYOBJECT_TLS_WHEEL_LIBRARY_DIR}")
  if(NOT EXISTS "${_hpt_dir}/${_hpt_soname}")
    message(FATAL_ERROR "HERMETIC_PYOBJECT_TLS_WHEEL_LIBRARY_DIR=${_hpt_dir}: no ${_hpt_soname} there "
                        "(give the lib/ directory of a build, for example build-portable/x86_64/lib)")
  endif()
  # Copied by content (the name may be a link to the .so.X.Y.Z), under the SONAME.
  if(NOT EXISTS "${_hpt_dir}/${_hpt_runtime_side_name}")
    message(FATAL_ERROR "HERMETIC_PYOBJECT_TLS_WHEEL_LIBRARY_DIR=${_hpt_dir}: no ${_hpt_runtime_side_name} "
                        "there (the runtime side the library loads at its first write)")
  endif()
  file(REAL_PATH "${_hpt_dir}/${_hpt_soname}" _hpt_lib)
  install(FILES "${_hpt_lib}" DESTINATION "${_hpt_pkg}" RENAME "${_hpt_soname}" COMPONENT python)
  install(FILES "${_hpt_dir}/${_hpt_runtime_side_name}" DESTINATION "${_hpt_pkg}" COMPONENT python)
  if(EXISTS "${_hpt_dir}/${_hpt_c10_soname}")
    file(REAL_PATH "${_hpt_dir}/${_hpt_c10_soname}" _hpt_c10)
    install(FILES "${_hpt_c10}" DESTINATION "${_hpt_pkg}" RENAME "${_hpt_c10_soname}" COMPONENT python)
  endif()
else()
  install(FILES "$<TARGET_FILE:hermetic_pyobject_tls>" DESTINATION "${_hpt_pkg}"
          RENAME "${_hpt_soname}" COMPONENT python)
  install(FILES "${_hpt_runtime_side}" DESTINATION "${_hpt_pkg}" COMPONENT python)
  # The c10 layer (c10/, when the project has it): next to the library it
  # links, which it finds through its RUNPATH $ORIGIN.
  if(TARGET hermetic_pyobject_tls_c10)
    get_target_property(_hpt_c10_imported hermetic_pyobject_tls_c10 IMPORTED)
    if(NOT _hpt_c10_imported)
      # The wheel takes the file the build made: give it the RUNPATH now.
      set_target_properties(hermetic_pyobject_tls_c10 PROPERTIES
        INSTALL_RPATH "$ORIGIN" BUILD_WITH_INSTALL_RPATH ON)
    endif()
    install(FILES "$<TARGET_FILE:hermetic_pyobject_tls_c10>" DESTINATION "${_hpt_pkg}"
            RENAME "${_hpt_c10_soname}" COMPONENT python)
  endif()
endif()
