# One warning set for every target of the project (third-party headers come in
# through imported targets and are therefore -isystem and quiet).
set(AK_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align)
if(AK_WERROR)
  list(APPEND AK_WARNINGS -Werror)
  # g++ 12 at -O3 reports std::string and std::vector code from libstdc++
  # itself (GCC bugs 105651, 106199: -Wrestrict, -Wstringop-overflow,
  # -Warray-bounds false positives). In Release they stay warnings, not errors.
  list(APPEND AK_WARNINGS
       $<$<AND:$<CXX_COMPILER_ID:GNU>,$<CONFIG:Release>>:-Wno-error=restrict>
       $<$<AND:$<CXX_COMPILER_ID:GNU>,$<CONFIG:Release>>:-Wno-error=stringop-overflow>
       $<$<AND:$<CXX_COMPILER_ID:GNU>,$<CONFIG:Release>>:-Wno-error=array-bounds>)
endif()

function(ak_warnings target)
  target_compile_options(${target} PRIVATE ${AK_WARNINGS})
endfunction()
