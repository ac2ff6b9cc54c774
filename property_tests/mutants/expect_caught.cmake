# Runs one mutant's property binary and FAILS (exit 1) only when a property
# was falsified ("Falsifiable" in rapidcheck's report): the ctest entry is
# WILL_FAIL, so it passes exactly when the mutant was caught. Anything else
# (all properties passed, the binary missing or crashing before a property
# ran) leaves this script successful, which WILL_FAIL turns into a failure:
# a mutant can never count as caught by accident.
#   cmake -DEXE=<binary> -DFILTER=<gtest filter> -P expect_caught.cmake
execute_process(COMMAND ${EXE} --gtest_filter=${FILTER}
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
if(out MATCHES "Falsifiable")
  string(REGEX MATCH "Falsifiable[^\n]*" first "${out}")
  message(FATAL_ERROR "mutant caught by ${FILTER}: ${first}")
endif()
message("mutant NOT caught by ${FILTER} (exit ${rc})\n${out}\n${err}")
