# bh_add_qtest(<name> SOURCES <files...> LIBS <targets...> [LABELS <labels...>] [TIMEOUT <s>])
# Adds a Qt Test executable and registers it with CTest. Labels: unit (default),
# integration, conformance, gui. GUI tests run with QT_QPA_PLATFORM=offscreen.
function(bh_add_qtest name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;LIBS;LABELS;ENV" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE Qt6::Test ${ARG_LIBS})
  bh_target_defaults(${name})
  add_test(NAME ${name} COMMAND ${name})
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  set(env "QT_QPA_PLATFORM=offscreen" "QT_NO_GLIB=1"
          "BH_SOURCE_DIR=${PROJECT_SOURCE_DIR}" "BH_BINARY_DIR=${PROJECT_BINARY_DIR}" ${ARG_ENV})
  set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT}
    ENVIRONMENT "${env}")
endfunction()
