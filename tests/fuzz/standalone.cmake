# Included after project(Boilerhouse) by scripts/fuzz.sh (CMAKE_PROJECT_Boilerhouse_INCLUDE)
# so that the fuzzers build even while tests/CMakeLists.txt does not add tests/fuzz: the
# file is included at the end of the top-level directory, unless it already was.
cmake_language(DEFER DIRECTORY "${CMAKE_SOURCE_DIR}" CALL bh_fuzz_standalone_add)
function(bh_fuzz_standalone_add)
  if(NOT TARGET fuzz_event_decode)
    include("${PROJECT_SOURCE_DIR}/tests/fuzz/CMakeLists.txt")
  endif()
endfunction()
