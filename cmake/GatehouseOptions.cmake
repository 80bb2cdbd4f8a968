# One INTERFACE target carries every compile setting; every Gatehouse target links it.
# Nothing here may be set directory-wide.

option(GATEHOUSE_WARNINGS_AS_ERRORS "Treat compiler warnings as errors" OFF)
option(GATEHOUSE_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)

find_program(GATEHOUSE_CCACHE ccache)
if(GATEHOUSE_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
    set(CMAKE_CXX_COMPILER_LAUNCHER "${GATEHOUSE_CCACHE}")
endif()

add_library(gatehouse_options INTERFACE)
add_library(Gatehouse::options ALIAS gatehouse_options)

target_compile_features(gatehouse_options INTERFACE cxx_std_20)
set(CMAKE_CXX_EXTENSIONS OFF)

target_compile_definitions(gatehouse_options INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_NO_CAST_FROM_BYTEARRAY
    QT_NO_URL_CAST_FROM_STRING
    QT_NO_KEYWORDS
    QT_NO_CONTEXTLESS_CONNECT
    QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    QT_USE_QSTRINGBUILDER
    QT_DISABLE_DEPRECATED_BEFORE=0x060400
    QT_DISABLE_DEPRECATED_UP_TO=0x060400
    GATEHOUSE_VERSION="${PROJECT_VERSION}")

target_compile_options(gatehouse_options INTERFACE
    -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast
    -Wcast-align -Woverloaded-virtual -Wformat=2 -Wimplicit-fallthrough
    $<$<BOOL:${GATEHOUSE_WARNINGS_AS_ERRORS}>:-Werror>)

if(GATEHOUSE_SANITIZE)
    target_compile_options(gatehouse_options INTERFACE
        -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
    target_link_options(gatehouse_options INTERFACE -fsanitize=address,undefined)
endif()

# Hardening for what we ship.
target_compile_options(gatehouse_options INTERFACE
    $<$<NOT:$<CONFIG:Debug>>:-D_FORTIFY_SOURCE=2>
    -fstack-protector-strong)
