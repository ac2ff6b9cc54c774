# One warning set for every target of the project (third-party headers come in
# through imported targets and are therefore -isystem and quiet).
set(AK_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align)
if(AK_WERROR)
  list(APPEND AK_WARNINGS -Werror)
endif()

function(ak_warnings target)
  target_compile_options(${target} PRIVATE ${AK_WARNINGS})
endfunction()
