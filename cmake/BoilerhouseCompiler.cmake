# Compiler settings shared by every target of the project.
# bh_target_defaults(<target>) applies warnings (as errors with BH_WERROR) and the
# project-wide definitions; sanitizers are applied globally when BH_SANITIZE is ON.

if(BH_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

function(bh_target_defaults target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic
    -Wnon-virtual-dtor -Woverloaded-virtual -Wcast-qual -Wformat=2)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -Wshadow=local)
  elseif(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    # qCDebug(category) << ... expands to a variadic macro with no variadic argument.
    target_compile_options(${target} PRIVATE -Wshadow-uncaptured-local
      -Wno-gnu-zero-variadic-macro-arguments)
  endif()
  if(BH_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
  target_compile_definitions(${target} PRIVATE
    QT_NO_FOREACH
    QT_NO_URL_CAST_FROM_STRING
    QT_DISABLE_DEPRECATED_BEFORE=0x060400)
endfunction()
