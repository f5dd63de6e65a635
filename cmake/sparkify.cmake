# Helpers shared by every folder's CMakeLists.txt.

# sparkify_unit_test(NAME name SOURCES a_test.cpp ... LIBS sparkify::x ... [LABELS l ...])
# A GoogleTest executable beside the code it tests, registered as one CTest test.
function(sparkify_unit_test)
  cmake_parse_arguments(T "" "NAME" "SOURCES;LIBS;LABELS" ${ARGN})
  if(NOT SPARKIFY_BUILD_TESTS)
    return()
  endif()
  add_executable(${T_NAME} ${T_SOURCES})
  # GCC 12 at -O1 (the sanitizer builds) warns falsely inside libstdc++'s <regex>
  # (-Wmaybe-uninitialized on std::function in _Compiler::_M_disjunction); two tests use it.
  if(SPARKIFY_SANITIZE AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    foreach(source ${T_SOURCES})
      if(source MATCHES "^(dataset_lake_test|generator_test)[.]cpp$")
        set_source_files_properties(${source} PROPERTIES COMPILE_OPTIONS -Wno-maybe-uninitialized)
      endif()
    endforeach()
  endif()
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} GTest::gtest GTest::gtest_main)
  # tests/support: helpers every unit test may use (TempDir).
  target_include_directories(${T_NAME} PRIVATE ${PROJECT_SOURCE_DIR}/tests)
  add_test(NAME ${T_NAME} COMMAND ${T_NAME})
  set_tests_properties(${T_NAME} PROPERTIES LABELS "unit;${T_LABELS}")
  # Label `threads`: tests of code that runs on several threads. scripts/test.sh builds only
  # these (target sparkify_thread_tests) with ThreadSanitizer and runs them (ctest -L threads).
  if("threads" IN_LIST T_LABELS)
    if(NOT TARGET sparkify_thread_tests)
      add_custom_target(sparkify_thread_tests)
    endif()
    add_dependencies(sparkify_thread_tests ${T_NAME})
  endif()
endfunction()

# sparkify_node_test(NAME name SCRIPT path.mjs [ARGS ...] [LABELS l ...] [TIMEOUT s] [COST s])
# A Node.js test (DuckDB cross-checks, loopback S3). Exit code 77 means "skipped". COST: about
# how many seconds the test takes; `ctest -j` starts the costliest first, so on a fresh build
# (no timings kept yet) the few minute-long tests run beside the many short ones instead of
# after them.
function(sparkify_node_test)
  cmake_parse_arguments(T "" "NAME;SCRIPT;TIMEOUT;COST" "ARGS;LABELS" ${ARGN})
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
  if(T_COST)
    set_tests_properties(${T_NAME} PROPERTIES COST ${T_COST})
  endif()
endfunction()
