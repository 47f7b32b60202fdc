# Install rules: the shared library with its SONAME and development links,
# the static archive (when built), both public headers, a relocatable CMake
# config package and a pkg-config file.
#
#   <prefix>/<libdir>/libhermetic_pyobject_tls.so.X.Y.Z           Runtime
#   <prefix>/<libdir>/libhermetic_pyobject_tls_go.so.X.Y.Z        Runtime (the runtime side,
#       loaded by the front at the first write; never linked by users)
#   <prefix>/<libdir>/libhermetic_pyobject_tls.so.X -> .so.X.Y.Z  Runtime
#   <prefix>/<libdir>/libhermetic_pyobject_tls.so   -> .so.X      Development
#   <prefix>/<libdir>/libhermetic_pyobject_tls.a                  Development
#   <prefix>/<includedir>/hermetic_pyobject_tls.h, .hpp           Development
#   <prefix>/<libdir>/cmake/HermeticPyObjectTLS/*.cmake           Development
#   <prefix>/<libdir>/pkgconfig/hermetic_pyobject_tls.pc          Development
#   <prefix>/<libdir>/pkgconfig/hermetic_pyobject_tls-static.pc   Development (the .a)
#   <prefix>/<libdir>/pkgconfig/hermetic_pyobject_tls_c10.pc      Development (the c10 layer;
#       its library files are installed by c10/CMakeLists.txt)
#   <prefix>/<datadir>/licenses/hermetic_pyobject_tls/LICENSE     Runtime (BSD-3-Clause)
#
# Expects HermeticGoLibrary.cmake to have run (it sets _hpt_real and friends).

include(CMakePackageConfigHelpers)

set(HERMETIC_PYOBJECT_TLS_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/HermeticPyObjectTLS"
    CACHE STRING "Where to install the CMake config package, relative to the prefix")
set(HERMETIC_PYOBJECT_TLS_INSTALL_PKGCONFIGDIR "${CMAKE_INSTALL_LIBDIR}/pkgconfig"
    CACHE STRING "Where to install hermetic_pyobject_tls.pc, relative to the prefix")
set(HERMETIC_PYOBJECT_TLS_INSTALL_LICENSEDIR "${CMAKE_INSTALL_DATADIR}/licenses/hermetic_pyobject_tls"
    CACHE STRING "Where to install LICENSE, relative to the prefix")
mark_as_advanced(HERMETIC_PYOBJECT_TLS_INSTALL_CMAKEDIR HERMETIC_PYOBJECT_TLS_INSTALL_PKGCONFIGDIR
                 HERMETIC_PYOBJECT_TLS_INSTALL_LICENSEDIR)

# uninstall (top-level builds): `cmake --build <build> --target uninstall`
# removes what the last install listed in install_manifest.txt, then the
# directories that install created, if empty (hermetic_uninstall.cmake). For
# the latter, the install script notes which of the directories below were
# missing before its first rule and exist after its last one
# (hermetic_install_dirs.cmake, run from the first and the last install rule).
if(PROJECT_IS_TOP_LEVEL AND NOT TARGET uninstall)
  set(_hpt_dirs_code
      "set(HPT_DIRS_DESTINATIONS \"${CMAKE_INSTALL_LIBDIR};${CMAKE_INSTALL_INCLUDEDIR};\
${HERMETIC_PYOBJECT_TLS_INSTALL_CMAKEDIR};${HERMETIC_PYOBJECT_TLS_INSTALL_PKGCONFIGDIR};\
${HERMETIC_PYOBJECT_TLS_INSTALL_LICENSEDIR}\")
set(HPT_DIRS_RECORD \"${CMAKE_BINARY_DIR}/hermetic_install_dirs.txt\")
")
  install(CODE "${_hpt_dirs_code}set(HPT_DIRS_STEP before)
include(\"${PROJECT_SOURCE_DIR}/cmake/hermetic_install_dirs.cmake\")" ALL_COMPONENTS)
  # Deferred to the end of the top-level directory, after every other install
  # rule (the subdirectories' included).
  function(_hpt_install_dirs_after)
    install(CODE "${_hpt_dirs_code}set(HPT_DIRS_STEP after)
include(\"${PROJECT_SOURCE_DIR}/cmake/hermetic_install_dirs.cmake\")" ALL_COMPONENTS)
  endfunction()
  cmake_language(DEFER DIRECTORY "${PROJECT_SOURCE_DIR}" CALL _hpt_install_dirs_after)
  add_custom_target(uninstall
    COMMAND "${CMAKE_COMMAND}" "-DBUILD_DIR=${CMAKE_BINARY_DIR}"
            -P "${PROJECT_SOURCE_DIR}/cmake/hermetic_uninstall.cmake"
    COMMENT "Removing what the last install put in place (install_manifest.txt)"
    VERBATIM)
endif()

# The build leaves the two links as symlinks; install(FILES) copies a
# symlink as a symlink, so the installed tree has the same shape.
install(FILES "${_hpt_real}" "${_hpt_soname_link}" "${_hpt_runtime_side}"
        DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT Runtime)
install(FILES "${_hpt_dev_link}"
        DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT Development)
if(HERMETIC_PYOBJECT_TLS_BUILD_STATIC)
  install(FILES "${_hpt_archive}" DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT Development)
endif()
# The licence goes wherever the library goes: whoever ships the binary ships it.
install(FILES "${PROJECT_SOURCE_DIR}/LICENSE"
        DESTINATION "${HERMETIC_PYOBJECT_TLS_INSTALL_LICENSEDIR}" COMPONENT Runtime)
install(FILES "${PROJECT_SOURCE_DIR}/include/hermetic_pyobject_tls.h"
              "${PROJECT_SOURCE_DIR}/include/hermetic_pyobject_tls.hpp"
        DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}" COMPONENT Development)

# CMake package. The library is built by go, not by CMake, so there is no
# install(EXPORT): the config file declares the IMPORTED targets itself, with
# paths computed from its own location (relocatable).
set(_hpt_pkg_dir "${PROJECT_BINARY_DIR}/package")
configure_package_config_file(
  "${PROJECT_SOURCE_DIR}/cmake/HermeticPyObjectTLSConfig.cmake.in"
  "${_hpt_pkg_dir}/HermeticPyObjectTLSConfig.cmake"
  INSTALL_DESTINATION "${HERMETIC_PYOBJECT_TLS_INSTALL_CMAKEDIR}"
  PATH_VARS CMAKE_INSTALL_LIBDIR CMAKE_INSTALL_INCLUDEDIR HERMETIC_PYOBJECT_TLS_INSTALL_LICENSEDIR)
write_basic_package_version_file(
  "${_hpt_pkg_dir}/HermeticPyObjectTLSConfigVersion.cmake"
  VERSION "${PROJECT_VERSION}"
  COMPATIBILITY SameMajorVersion)
install(FILES "${_hpt_pkg_dir}/HermeticPyObjectTLSConfig.cmake"
              "${_hpt_pkg_dir}/HermeticPyObjectTLSConfigVersion.cmake"
        DESTINATION "${HERMETIC_PYOBJECT_TLS_INSTALL_CMAKEDIR}" COMPONENT Development)

# pkg-config files. Their prefix is the one given at install time
# (cmake --install --prefix P writes prefix=P; DESTDIR is not recorded), so
# the files are written by the install step. Everything else is filled in now.
foreach(_hpt_dir IN ITEMS LIBDIR INCLUDEDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${_hpt_dir}}")
    set(_hpt_pc_${_hpt_dir} "${CMAKE_INSTALL_${_hpt_dir}}")
  else()
    set(_hpt_pc_${_hpt_dir} "\${prefix}/${CMAKE_INSTALL_${_hpt_dir}}")
  endif()
endforeach()
# What the Go runtime in the static archive needs from the host's link line.
set(_hpt_pc_libs_private "-pthread")
foreach(_hpt_lib IN LISTS CMAKE_DL_LIBS)
  string(APPEND _hpt_pc_libs_private " -l${_hpt_lib}")
endforeach()
set(HPT_PC_PREFIX "@HPT_PC_PREFIX@") # kept for the install step
set(_hpt_pc_names hermetic_pyobject_tls hermetic_pyobject_tls_c10) # _c10: the c10 ABI layer (c10/)
if(HERMETIC_PYOBJECT_TLS_BUILD_STATIC)
  list(APPEND _hpt_pc_names hermetic_pyobject_tls-static) # Libs: the .a itself
endif()
set(_hpt_pc_code)
set(_hpt_pc_files)
foreach(_hpt_pc IN LISTS _hpt_pc_names)
  configure_file("${PROJECT_SOURCE_DIR}/cmake/${_hpt_pc}.pc.in" "${_hpt_pkg_dir}/${_hpt_pc}.pc.in" @ONLY)
  string(APPEND _hpt_pc_code "configure_file(\"${_hpt_pkg_dir}/${_hpt_pc}.pc.in\" \"${_hpt_pkg_dir}/install/${_hpt_pc}.pc\" @ONLY)\n")
  list(APPEND _hpt_pc_files "${_hpt_pkg_dir}/install/${_hpt_pc}.pc")
endforeach()
install(CODE "set(HPT_PC_PREFIX \"\${CMAKE_INSTALL_PREFIX}\")\n${_hpt_pc_code}" COMPONENT Development)
install(FILES ${_hpt_pc_files}
        DESTINATION "${HERMETIC_PYOBJECT_TLS_INSTALL_PKGCONFIGDIR}" COMPONENT Development)
