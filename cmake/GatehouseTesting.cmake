# gatehouse_add_test(<Name> [SOURCES ...] [LIBS ...] [LABELS ...] [TIMEOUT s] [ENV ...])
#
# Builds one QTest executable per class or feature from <Name>.cpp (plus SOURCES), links
# gatehouse_core and the test support library, and registers it with CTest. Every test runs
# on the offscreen platform, in a fixed locale and in a time zone that is not UTC, so code that
# forgets UTC fails here rather than in a user's evening.
function(gatehouse_add_test name)
    cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;LIBS;LABELS;ENV" ${ARGN})
    add_executable(${name} ${name}.cpp ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE gatehouse_options gatehouse_core
        gatehouse_test_support Qt6::Test ${ARG_LIBS})
    add_test(NAME ${name} COMMAND ${name})
    if(NOT ARG_TIMEOUT)
        set(ARG_TIMEOUT 300)
    endif()
    set_tests_properties(${name} PROPERTIES
        TIMEOUT ${ARG_TIMEOUT}
        LABELS "${ARG_LABELS}"
        ENVIRONMENT "QT_QPA_PLATFORM=offscreen;LANG=C.UTF-8;LC_ALL=C.UTF-8;TZ=Asia/Kolkata;GATEHOUSE_BUILD_DIR=${PROJECT_BINARY_DIR};${ARG_ENV}")
    add_dependencies(check ${name})
endfunction()

# gatehouse_add_postgres_twin(<Name>)
#
# Runs the suite <Name> (made by gatehouse_add_test, creating its stores through
# tests/support/TestStores) a second time on the PostgreSQL store, as test <Name>.postgres:
# the same store contract, proved against both stores.
function(gatehouse_add_postgres_twin name)
    add_test(NAME ${name}.postgres COMMAND ${name})
    get_test_property(${name} TIMEOUT timeout)
    get_test_property(${name} LABELS labels)
    get_test_property(${name} ENVIRONMENT environment)
    set_tests_properties(${name}.postgres PROPERTIES
        TIMEOUT ${timeout}
        LABELS "${labels};postgres"
        ENVIRONMENT "${environment};GATEHOUSE_TEST_STORE=postgresql")
endfunction()

# gatehouse_add_benchmark(<Name> [SOURCES ...] [LIBS ...])
function(gatehouse_add_benchmark name)
    cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
    add_executable(${name} ${name}.cpp ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE gatehouse_options gatehouse_core ${ARG_LIBS})
endfunction()
