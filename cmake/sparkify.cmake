# Helpers shared by every folder's CMakeLists.txt.

# sparkify_unit_test(NAME name SOURCES a_test.cpp ... LIBS sparkify::x ... [LABELS l ...])
# A GoogleTest executable beside the code it tests, registered as one CTest test.
function(sparkify_unit_test)
  cmake_parse_arguments(T "" "NAME" "SOURCES;LIBS;LABELS" ${ARGN})
  if(NOT SPARKIFY_BUILD_TESTS)
    return()
  endif()
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main)
  # tests/support: helpers every unit test may use (TempDir).
  target_include_directories(${T_NAME} PRIVATE ${PROJECT_SOURCE_DIR}/tests)
  add_test(NAME ${T_NAME} COMMAND ${T_NAME})
  set_tests_properties(${T_NAME} PROPERTIES LABELS "unit;${T_LABELS}")
endfunction()

# sparkify_node_test(NAME name SCRIPT path.mjs [ARGS ...] [LABELS l ...] [TIMEOUT s])
# A Node.js test (DuckDB cross-checks, loopback S3). Exit code 77 means "skipped".
function(sparkify_node_test)
  cmake_parse_arguments(T "" "NAME;SCRIPT;TIMEOUT" "ARGS;LABELS" ${ARGN})
  if(NOT SPARKIFY_BUILD_TESTS)
    return()
  endif()
  if(NOT NODE_EXECUTABLE)
    message(WARNING "node not found: test ${T_NAME} is not registered")
    return()
  endif()
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 600)
  endif()
  add_test(NAME ${T_NAME} COMMAND ${NODE_EXECUTABLE} ${T_SCRIPT} ${T_ARGS}
           WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
  set_tests_properties(${T_NAME} PROPERTIES
    LABELS "${T_LABELS}" SKIP_RETURN_CODE 77 TIMEOUT ${T_TIMEOUT}
    ENVIRONMENT "SPARKIFY_BIN=$<TARGET_FILE:sparkify>;SPARKIFY_BUILD_DIR=${PROJECT_BINARY_DIR};SPARKIFY_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
endfunction()
