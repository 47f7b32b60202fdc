# cmake -DFILE=<...ConfigVersion.cmake> -DVERSION=X.Y.Z -P check_version_file.cmake
# Evaluates a package version file the way find_package() does: prints its
# PACKAGE_VERSION, and fails unless it accepts VERSION and X.0 and refuses
# (X+1).0 (SameMajorVersion).
cmake_minimum_required(VERSION 3.20)

set(CMAKE_SIZEOF_VOID_P 8)
if(CMAKE_HOST_SYSTEM_PROCESSOR MATCHES "^(i.86|x86|arm|armv7.*)$")
  set(CMAKE_SIZEOF_VOID_P 4)
endif()

function(check_request request expect_compatible out_version)
  string(REPLACE "." ";" parts "${request}")
  list(LENGTH parts n)
  set(PACKAGE_FIND_VERSION "${request}")
  set(PACKAGE_FIND_VERSION_COUNT ${n})
  list(GET parts 0 PACKAGE_FIND_VERSION_MAJOR)
  set(PACKAGE_FIND_VERSION_MINOR 0)
  set(PACKAGE_FIND_VERSION_PATCH 0)
  if(n GREATER 1)
    list(GET parts 1 PACKAGE_FIND_VERSION_MINOR)
  endif()
  if(n GREATER 2)
    list(GET parts 2 PACKAGE_FIND_VERSION_PATCH)
  endif()
  include("${FILE}")
  if(PACKAGE_VERSION_UNSUITABLE)
    message(FATAL_ERROR "${FILE}: unsuitable (built for another architecture?)")
  endif()
  if(expect_compatible AND NOT PACKAGE_VERSION_COMPATIBLE)
    message(FATAL_ERROR "${FILE} (${PACKAGE_VERSION}) refuses a request for ${request}")
  elseif(NOT expect_compatible AND PACKAGE_VERSION_COMPATIBLE)
    message(FATAL_ERROR "${FILE} (${PACKAGE_VERSION}) accepts a request for ${request}")
  endif()
  set(${out_version} "${PACKAGE_VERSION}" PARENT_SCOPE)
endfunction()

string(REGEX MATCH "^[0-9]+" major "${VERSION}")
math(EXPR next "${major} + 1")
check_request("${VERSION}" TRUE version)
check_request("${major}.0" TRUE ignored)
check_request("${next}.0" FALSE ignored)
# The only line on stdout: the version the file declares.
execute_process(COMMAND "${CMAKE_COMMAND}" -E echo "${version}")
