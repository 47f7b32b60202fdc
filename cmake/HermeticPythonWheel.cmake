# The Python wheel's contents, installed as COMPONENT python into the wheel's
# root (scikit-build-core, pyproject.toml: `pip install .`, `python -m build`):
#
#   hermetic_pyobject_tls/*.py, py.typed          python/src/hermetic_pyobject_tls
#   hermetic_pyobject_tls/_build_info.py          generated here from the header's version
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
