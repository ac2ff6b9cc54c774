# NIST/IERS leap-seconds lists (`leapfile`): the hand-written lists in
# fuzz/corpus/leapfile_parse/ (with and without a "#h" line, malformed ones)
# and, where tzdata is installed, the list it ships.
set(ak_leapfile_seeds)
if(EXISTS /usr/share/zoneinfo/leap-seconds.list)
  list(APPEND ak_leapfile_seeds /usr/share/zoneinfo/leap-seconds.list)
endif()
ak_fuzz_target(NAME leapfile_parse
  SOURCE targets/leapfile_parse.cpp
  LIBS ak_leapfile
  SEEDS ${ak_leapfile_seeds})
