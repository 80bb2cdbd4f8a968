# Fails if any C++ file under app/, core/, ui/, tests/ or bench/ differs from what
# clang-format (.clang-format) makes of it. Run with -DCLANG_FORMAT=... -DSOURCE_DIR=...
set(_files "")
foreach(_dir app core ui tests bench)
    file(GLOB_RECURSE _found "${SOURCE_DIR}/${_dir}/*.cpp" "${SOURCE_DIR}/${_dir}/*.h")
    list(APPEND _files ${_found})
endforeach()
execute_process(
    COMMAND "${CLANG_FORMAT}" --dry-run --Werror ${_files}
    WORKING_DIRECTORY "${SOURCE_DIR}"
    RESULT_VARIABLE _result
    ERROR_VARIABLE _diagnostics)
if(NOT _result EQUAL 0)
    message(FATAL_ERROR "Some files are not formatted; run `make format`.\n${_diagnostics}")
endif()
