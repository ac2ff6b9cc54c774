// The oracle of the fuzz targets: a failed property aborts (libFuzzer and the
// sanitizers treat it as a crash and save the input), after naming the
// property that failed, so a crash report says what went wrong.
#pragma once

#include <cstdio>
#include <cstdlib>

#define AK_FUZZ_CHECK(cond)                                                                   \
  do {                                                                                        \
    if (!(cond)) {                                                                            \
      std::fprintf(stderr, "%s:%d: property violated: %s\n", __FILE__, __LINE__, #cond);     \
      std::abort();                                                                           \
    }                                                                                         \
  } while (0)
