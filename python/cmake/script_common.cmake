# What the python/cmake scripts share (cmake -P). include() it after setting
# SCRIPT to the including script's name.
#   hermetic_script_require(VAR...): fail unless every -DVAR= was given.
#   run(COMMAND...): echo and run a command; fail on a non-zero exit.
function(hermetic_script_require)
  foreach(var ${ARGN})
    if(NOT DEFINED ${var})
      message(FATAL_ERROR "${SCRIPT}: -D${var}= is required")
    endif()
  endforeach()
endfunction()

function(run)
  message(STATUS "+ ${ARGN}")
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}")
  endif()
endfunction()
