# ak_gtest(NAME src...): one GoogleTest binary, each TEST registered with ctest.
# Tests find ../shared through AK_SHARED_DIR (overridable with the environment
# variable AK_SHARED at run time).
function(ak_gtest name)
  add_executable(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE ak_testing GTest::gtest GTest::gmock GTest::gtest_main)
  ak_warnings(${name})
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60
    PROPERTIES ENVIRONMENT "AK_SHARED=${AK_SHARED_DIR}")
endfunction()
