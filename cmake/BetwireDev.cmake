# Development-only setup shared by tests/, examples/ and benchmarks/: warnings, dependencies, the
# simulator. Nothing here is installed or seen by consumers of betwire.

find_package(Python3 REQUIRED COMPONENTS Interpreter)

# Our own programs compile as strict ISO C++ (-std=c++20, not gnu++20), as Meson's cpp_std=c++20 does.
set(CMAKE_CXX_EXTENSIONS OFF)

option(BETWIRE_WERROR "Treat warnings as errors in betwire's own tests, examples and benchmarks" ON)

# Warnings for every program betwire builds itself (not for consumers).
add_library(betwire_dev_warnings INTERFACE)
if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
  target_compile_options(betwire_dev_warnings INTERFACE
    -Wall -Wextra -Wpedantic -Wconversion -Wshadow $<$<BOOL:${BETWIRE_WERROR}>:-Werror>)
endif()

# Is this a libc++ build? Debian's C++ libraries (gtest, benchmark, cpp-httplib, simdjson) are built
# against libstdc++ and cannot be linked into it.
if(CMAKE_CXX_FLAGS MATCHES "-stdlib=libc\\+\\+")
  set(BETWIRE_LIBCXX ON)
else()
  set(BETWIRE_LIBCXX OFF)
endif()

# betwire_require(<found> <what>): with BETWIRE_REQUIRE_ALL a missing optional dependency is an error,
# otherwise a visible status message.
function(betwire_require found what)
  if(NOT ${found})
    if(BETWIRE_REQUIRE_ALL)
      message(FATAL_ERROR "betwire: ${what} (BETWIRE_REQUIRE_ALL=ON turns this into an error)")
    else()
      message(STATUS "betwire: ${what} -- skipped")
    endif()
  endif()
endfunction()

# cpp-httplib: Debian ships it as a compiled library (split mode); see whether it links here.
find_package(PkgConfig QUIET)
set(BETWIRE_HTTPLIB_USABLE OFF)
if(PkgConfig_FOUND)
  pkg_check_modules(BETWIRE_HTTPLIB QUIET IMPORTED_TARGET cpp-httplib)
  if(TARGET PkgConfig::BETWIRE_HTTPLIB)
    include(CheckCXXSourceCompiles)
    include(CMakePushCheckState)
    cmake_push_check_state(RESET)
    set(CMAKE_REQUIRED_LIBRARIES PkgConfig::BETWIRE_HTTPLIB)
    set(CMAKE_REQUIRED_QUIET ON)
    check_cxx_source_compiles([[
      #include <httplib.h>
      int main() { httplib::Server s; httplib::Client c("127.0.0.1", 1); return s.is_running() ? 1 : 0; }
    ]] BETWIRE_HTTPLIB_LINKS)
    cmake_pop_check_state()
    if(BETWIRE_HTTPLIB_LINKS)
      set(BETWIRE_HTTPLIB_USABLE ON)
    endif()
  endif()
endif()
find_package(nlohmann_json 3 CONFIG QUIET)

# The simulator: built here, or a pre-built one (a libc++ build reuses the one a libstdc++ build made:
# it is a separate process, its standard library does not matter to the code under test).
set(BETWIRE_SIMULATOR "")  # path (or generator expression) of the simulator binary
set(BETWIRE_SIMULATOR_TARGET "")
if(BETWIRE_SIMULATOR_EXECUTABLE)
  if(NOT EXISTS "${BETWIRE_SIMULATOR_EXECUTABLE}")
    message(FATAL_ERROR "betwire: BETWIRE_SIMULATOR_EXECUTABLE=${BETWIRE_SIMULATOR_EXECUTABLE} does not exist")
  endif()
  set(BETWIRE_SIMULATOR "${BETWIRE_SIMULATOR_EXECUTABLE}")
elseif(BETWIRE_BUILD_SIMULATOR AND EXISTS "${PROJECT_SOURCE_DIR}/tools/simulator/CMakeLists.txt")
  if(BETWIRE_HTTPLIB_USABLE AND nlohmann_json_FOUND)
    add_subdirectory(tools/simulator)
    if(TARGET betwire_simulator)
      set(BETWIRE_SIMULATOR "$<TARGET_FILE:betwire_simulator>")
      set(BETWIRE_SIMULATOR_TARGET betwire_simulator)
      # tools/run.sh reads this to hand the simulator to the libc++ and sanitizer builds.
      file(GENERATE OUTPUT "${PROJECT_BINARY_DIR}/betwire-simulator-path.txt"
           CONTENT "$<TARGET_FILE:betwire_simulator>\n")
    else()
      message(FATAL_ERROR "betwire: tools/simulator/CMakeLists.txt defines no target betwire_simulator")
    endif()
  else()
    set(_why "")
    if(NOT BETWIRE_HTTPLIB_USABLE)
      string(APPEND _why " cpp-httplib (libcpp-httplib-dev) not found or not linkable with this standard library;")
    endif()
    if(NOT nlohmann_json_FOUND)
      string(APPEND _why " nlohmann-json (nlohmann-json3-dev) not found;")
    endif()
    betwire_require(FALSE "cannot build the simulator:${_why} pass BETWIRE_SIMULATOR_EXECUTABLE=<a built betwire_simulator>")
  endif()
endif()

# betwire_use_simulator(<target>): give <target> BETWIRE_SIMULATOR_PATH and a dependency on it.
function(betwire_use_simulator target)
  if(BETWIRE_SIMULATOR)
    target_compile_definitions(${target} PRIVATE "BETWIRE_SIMULATOR_PATH=\"${BETWIRE_SIMULATOR}\"")
    if(BETWIRE_SIMULATOR_TARGET)
      add_dependencies(${target} ${BETWIRE_SIMULATOR_TARGET})
    endif()
  endif()
endfunction()

# betwire_classify_program(<file> <out-tags> [CHECK]): the tags tools/list_tests.py gives a program.
function(betwire_classify_program file out)
  cmake_parse_arguments(arg "CHECK" "" "" ${ARGN})
  set(tags "")
  file(READ "${file}" text)
  get_filename_component(name "${file}" NAME)
  if(name MATCHES "_curl\\.cpp$" OR text MATCHES "(^|\n)[ \t]*#[ \t]*include[ \t]*[<\"]betwire/transport/curl(_[a-z0-9_]+)?\\.hpp[>\"]")
    list(APPEND tags curl)
  endif()
  if(name MATCHES "_beast\\.cpp$" OR text MATCHES "(^|\n)[ \t]*#[ \t]*include[ \t]*[<\"]betwire/transport/beast(_[a-z0-9_]+)?\\.hpp[>\"]")
    list(APPEND tags beast)
  endif()
  if(text MATCHES "(^|\n)[ \t]*#[ \t]*include[ \t]*[<\"]httplib\\.h[>\"]")
    list(APPEND tags httplib)
  endif()
  if(arg_CHECK AND text MATCHES "\"--check\"")
    list(APPEND tags check)
  endif()
  if(arg_CHECK AND text MATCHES "(^|\n)[ \t]*#[ \t]*include[ \t]*\"[^\"]*simulator_process\\.hpp\"")
    list(APPEND tags sim)
  endif()
  set(${out} "${tags}" PARENT_SCOPE)
endfunction()

# betwire_record_listing(<kind> <entry>): what this build system found, for the `test_lists` test.
set_property(GLOBAL PROPERTY BETWIRE_LISTING "")
function(betwire_record_listing kind entry)
  set_property(GLOBAL APPEND PROPERTY BETWIRE_LISTING "${kind} ${entry}")
endfunction()
function(betwire_record_program kind file tags)
  file(RELATIVE_PATH rel "${PROJECT_SOURCE_DIR}" "${file}")
  if(tags)
    string(REPLACE ";" "," tags "${tags}")
    betwire_record_listing(${kind} "${rel}:${tags}")
  else()
    betwire_record_listing(${kind} "${rel}")
  endif()
endfunction()

# betwire_program_deps(<target> <tags>): link what a program's tags ask for. Returns FALSE in
# <out-ok> when this build cannot provide it.
function(betwire_program_usable tags out)
  set(ok TRUE)
  if("curl" IN_LIST tags AND NOT BETWIRE_HAS_CURL)
    set(ok FALSE)
  endif()
  if("beast" IN_LIST tags AND NOT BETWIRE_HAS_BEAST)
    set(ok FALSE)
  endif()
  if("httplib" IN_LIST tags AND NOT BETWIRE_HTTPLIB_USABLE)
    set(ok FALSE)
  endif()
  set(${out} ${ok} PARENT_SCOPE)
endfunction()
function(betwire_link_program target tags)
  target_link_libraries(${target} PRIVATE betwire::betwire betwire_dev_warnings)
  if("curl" IN_LIST tags)
    target_link_libraries(${target} PRIVATE betwire::curl)
  endif()
  if("beast" IN_LIST tags)
    target_link_libraries(${target} PRIVATE betwire::beast)
  endif()
  if("httplib" IN_LIST tags)
    target_link_libraries(${target} PRIVATE PkgConfig::BETWIRE_HTTPLIB)
  endif()
  target_compile_definitions(${target} PRIVATE "BETWIRE_SOURCE_DIR=\"${PROJECT_SOURCE_DIR}\"")
  betwire_use_simulator(${target})
endfunction()
