# Run by the install script (install(CODE ... ALL_COMPONENTS) in
# HermeticInstall.cmake), twice: HPT_DIRS_STEP=before, ahead of every other
# install rule, and HPT_DIRS_STEP=after, behind all of them. It records which
# directories this install created, so that the uninstall target
# (hermetic_uninstall.cmake) removes those, when empty, and no other.
#
# In: HPT_DIRS_STEP, HPT_DIRS_DESTINATIONS (the install destinations,
# relative to the prefix or absolute), HPT_DIRS_RECORD (the record file, in the
# build tree). The record's first line is "root=<DESTDIR><prefix>", the
# second "destdir=<DESTDIR>" (install_manifest.txt lists paths without it),
# then one created directory per line. Installing again into the same root keeps the
# directories an earlier install created; another root starts a new record.

# normalize(VAR): one slash between components, no trailing slash.
function(_hpt_normalize var)
  set(p "${${var}}")
  cmake_path(NORMAL_PATH p)
  string(REGEX REPLACE "(.)/+$" "\\1" p "${p}")
  set(${var} "${p}" PARENT_SCOPE)
endfunction()
set(_hpt_root "$ENV{DESTDIR}${CMAKE_INSTALL_PREFIX}")
# A relative --prefix is relative to the working directory, as file(INSTALL)
# takes it (in a script, CMAKE_CURRENT_SOURCE_DIR is that directory).
get_filename_component(_hpt_root "${_hpt_root}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
_hpt_normalize(_hpt_root)
set(_hpt_destdir "$ENV{DESTDIR}")
if(NOT _hpt_destdir STREQUAL "")
  get_filename_component(_hpt_destdir "${_hpt_destdir}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  _hpt_normalize(_hpt_destdir)
endif()
if(CMAKE_INSTALL_COMPONENT)
  string(REGEX REPLACE "(\\.txt)$" "_${CMAKE_INSTALL_COMPONENT}\\1" _hpt_record "${HPT_DIRS_RECORD}")
else()
  set(_hpt_record "${HPT_DIRS_RECORD}")
endif()

if(HPT_DIRS_STEP STREQUAL "before")
  # Every directory between the root (excluded) and each destination
  # (included) that does not exist yet.
  set(_HPT_DIRS_MISSING)
  foreach(_hpt_dest IN LISTS HPT_DIRS_DESTINATIONS)
    if(IS_ABSOLUTE "${_hpt_dest}")
      set(_hpt_dir "$ENV{DESTDIR}${_hpt_dest}")
    else()
      set(_hpt_dir "${_hpt_root}/${_hpt_dest}")
    endif()
    _hpt_normalize(_hpt_dir)
    while(NOT _hpt_dir STREQUAL "" AND NOT _hpt_dir STREQUAL "/" AND NOT _hpt_dir STREQUAL _hpt_root
          AND NOT _hpt_dir STREQUAL _hpt_destdir)
      if(NOT EXISTS "${_hpt_dir}" AND NOT IS_SYMLINK "${_hpt_dir}")
        list(APPEND _HPT_DIRS_MISSING "${_hpt_dir}")
      endif()
      cmake_path(GET _hpt_dir PARENT_PATH _hpt_dir)
    endwhile()
  endforeach()
  list(REMOVE_DUPLICATES _HPT_DIRS_MISSING)
elseif(HPT_DIRS_STEP STREQUAL "after")
  set(_hpt_created)
  foreach(_hpt_dir IN LISTS _HPT_DIRS_MISSING)
    if(IS_DIRECTORY "${_hpt_dir}" AND NOT IS_SYMLINK "${_hpt_dir}")
      list(APPEND _hpt_created "${_hpt_dir}")
    endif()
  endforeach()
  if(EXISTS "${_hpt_record}")
    file(STRINGS "${_hpt_record}" _hpt_old)
    list(POP_FRONT _hpt_old _hpt_old_root _hpt_old_destdir)
    if(_hpt_old_root STREQUAL "root=${_hpt_root}")
      foreach(_hpt_dir IN LISTS _hpt_old)
        if(IS_DIRECTORY "${_hpt_dir}" AND NOT IS_SYMLINK "${_hpt_dir}")
          list(APPEND _hpt_created "${_hpt_dir}")
        endif()
      endforeach()
    endif()
  endif()
  list(REMOVE_DUPLICATES _hpt_created)
  list(PREPEND _hpt_created "root=${_hpt_root}" "destdir=${_hpt_destdir}")
  list(JOIN _hpt_created "\n" _hpt_text)
  file(WRITE "${_hpt_record}" "${_hpt_text}\n")
else()
  message(FATAL_ERROR "hermetic_install_dirs.cmake: HPT_DIRS_STEP must be before or after")
endif()
