# The model may include wire types from reference/, nothing else from it:
# no core/ (the thing it is compared with) and no crypto/ (symbolic crypto
# only). Used two ways: include()d at configure time (fails the configure
# step) and run with `cmake -DAK_MODEL_DIR=... -P` as the ctest
# model_links_only_wire (fails the test after an edit made without
# reconfiguring).
function(ak_model_check_layering dir)
  file(GLOB_RECURSE sources ${dir}/*.h ${dir}/*.cpp)
  set(bad "")
  foreach(src ${sources})
    file(STRINGS ${src} lines REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"]([^>\"]*/)?(core|crypto|keys|tools|daemon)/")
    foreach(line ${lines})
      list(APPEND bad "${src}: ${line}")
    endforeach()
  endforeach()
  if(bad)
    string(REPLACE ";" "\n  " bad "${bad}")
    message(FATAL_ERROR "model/ must link only the wire layer of reference/, but:\n  ${bad}")
  endif()
endfunction()

if(CMAKE_SCRIPT_MODE_FILE AND AK_MODEL_DIR)
  ak_model_check_layering(${AK_MODEL_DIR})
  message(STATUS "model/ includes only wire types from reference/")
endif()
