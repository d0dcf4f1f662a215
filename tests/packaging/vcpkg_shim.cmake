# Runs ports/betwire/portfile.cmake the way vcpkg would, without vcpkg: this script defines the few
# vcpkg_* functions the portfile calls, sets the variables vcpkg gives a portfile, and includes it.
#
#   cmake -DPORTFILE=<ports/betwire/portfile.cmake> -DFEATURES=core;curl -DWORK=<dir>
#         -DCXX=<compiler> [-DCXX_FLAGS=...] [-DGENERATOR=Ninja] [-DMAKE_PROGRAM=...]
#         -P vcpkg_shim.cmake
#
# The packages tree ends up in <WORK>/packages (vcpkg's CURRENT_PACKAGES_DIR); run.py checks its
# layout and builds a consumer against it. Each function does what vcpkg's own does for a
# header-only CMake project built in release only, and fails where vcpkg's would fail (a missing
# copyright file, a config directory that is not there, a .pc file with an absolute prefix).
cmake_minimum_required(VERSION 3.25)

foreach(var PORTFILE WORK CXX)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "vcpkg_shim: -D${var}=... is required")
  endif()
endforeach()
if(NOT DEFINED GENERATOR)
  set(GENERATOR Ninja)
endif()

# --- what vcpkg sets before it includes a portfile ----------------------------------------------
get_filename_component(_port_dir "${PORTFILE}" DIRECTORY)
file(READ "${_port_dir}/vcpkg.json" _manifest)
string(JSON PORT GET "${_manifest}" name)
string(JSON VERSION GET "${_manifest}" version-semver)
set(CURRENT_PACKAGES_DIR "${WORK}/packages")
set(CURRENT_BUILDTREES_DIR "${WORK}/buildtrees")
set(TARGET_TRIPLET x64-linux)
set(VCPKG_TARGET_IS_LINUX ON)
file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}" "${CURRENT_BUILDTREES_DIR}")
file(MAKE_DIRECTORY "${CURRENT_PACKAGES_DIR}" "${CURRENT_BUILDTREES_DIR}")

# --- the vcpkg functions the portfile calls ---------------------------------------------------------
function(vcpkg_check_features)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "OUT_FEATURE_OPTIONS" "FEATURES;INVERTED_FEATURES")
  set(options "")
  list(LENGTH arg_FEATURES n)
  math(EXPR odd "${n} % 2")
  if(odd)
    message(FATAL_ERROR "vcpkg_check_features: FEATURES takes <feature> <option> pairs")
  endif()
  while(arg_FEATURES)
    list(POP_FRONT arg_FEATURES feature option)
    if(feature IN_LIST FEATURES)
      list(APPEND options "-D${option}=ON")
    else()
      list(APPEND options "-D${option}=OFF")
    endif()
  endwhile()
  set(${arg_OUT_FEATURE_OPTIONS} "${options}" PARENT_SCOPE)
endfunction()

function(vcpkg_cmake_configure)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "SOURCE_PATH" "OPTIONS;OPTIONS_RELEASE;OPTIONS_DEBUG")
  if(NOT VCPKG_BUILD_TYPE STREQUAL "release")
    message(FATAL_ERROR "vcpkg_shim: only release-only ports (VCPKG_BUILD_TYPE release) are emulated")
  endif()
  set(build "${CURRENT_BUILDTREES_DIR}/${TARGET_TRIPLET}-rel")
  set(cmd "${CMAKE_COMMAND}" -S "${arg_SOURCE_PATH}" -B "${build}" -G "${GENERATOR}"
      "-DCMAKE_BUILD_TYPE=Release" "-DCMAKE_INSTALL_PREFIX=${CURRENT_PACKAGES_DIR}"
      "-DCMAKE_INSTALL_LIBDIR:STRING=lib" "-DCMAKE_INSTALL_BINDIR:STRING=bin"
      "-DCMAKE_CXX_COMPILER=${CXX}" "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
      "-DFETCHCONTENT_FULLY_DISCONNECTED=ON" "-DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON"
      ${arg_OPTIONS} ${arg_OPTIONS_RELEASE})
  if(MAKE_PROGRAM)
    list(APPEND cmd "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
  endif()
  message(STATUS "vcpkg_cmake_configure: ${cmd}")
  execute_process(COMMAND ${cmd} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "vcpkg_cmake_configure: configure failed (${rc})")
  endif()
  set_property(GLOBAL PROPERTY vcpkg_shim_build "${build}")
endfunction()

function(vcpkg_cmake_install)
  get_property(build GLOBAL PROPERTY vcpkg_shim_build)
  if(NOT build)
    message(FATAL_ERROR "vcpkg_cmake_install: vcpkg_cmake_configure was not called")
  endif()
  execute_process(COMMAND "${CMAKE_COMMAND}" --build "${build}" --target install RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "vcpkg_cmake_install: install failed (${rc})")
  endif()
endfunction()

# Moves <CONFIG_PATH> to share/<PACKAGE_NAME> and rewrites the prefix computations of the config
# files for the new depth, as vcpkg's vcpkg_cmake_config_fixup does.
function(vcpkg_cmake_config_fixup)
  cmake_parse_arguments(PARSE_ARGV 0 arg "DO_NOT_DELETE_PARENT_CONFIG_PATH;NO_PREFIX_CORRECTION"
                        "PACKAGE_NAME;CONFIG_PATH" "")
  if(NOT arg_PACKAGE_NAME)
    set(arg_PACKAGE_NAME "${PORT}")
  endif()
  if(NOT arg_CONFIG_PATH)
    set(arg_CONFIG_PATH "share/${arg_PACKAGE_NAME}")
  endif()
  set(from "${CURRENT_PACKAGES_DIR}/${arg_CONFIG_PATH}")
  set(to "${CURRENT_PACKAGES_DIR}/share/${arg_PACKAGE_NAME}")
  if(NOT IS_DIRECTORY "${from}")
    message(FATAL_ERROR "vcpkg_cmake_config_fixup: '${arg_CONFIG_PATH}' does not exist")
  endif()
  if(NOT from STREQUAL to)
    file(GLOB files "${from}/*")
    file(MAKE_DIRECTORY "${to}")
    foreach(f IN LISTS files)
      get_filename_component(name "${f}" NAME)
      file(RENAME "${f}" "${to}/${name}")
    endforeach()
    file(REMOVE_RECURSE "${from}")
    get_filename_component(parent "${from}" DIRECTORY)
    file(GLOB left "${parent}/*")
    if(NOT left AND NOT arg_DO_NOT_DELETE_PARENT_CONFIG_PATH)
      file(REMOVE_RECURSE "${parent}")
    endif()
  endif()
  if(NOT arg_NO_PREFIX_CORRECTION)
    file(GLOB configs "${to}/*.cmake")
    foreach(f IN LISTS configs)
      file(READ "${f}" text)
      # configure_package_config_file: PACKAGE_PREFIX_DIR from the list dir, now two levels down.
      string(REGEX REPLACE
        "get_filename_component\\(PACKAGE_PREFIX_DIR \"\\\${CMAKE_CURRENT_LIST_DIR}/[./]*\" ABSOLUTE\\)"
        "get_filename_component(PACKAGE_PREFIX_DIR \"\${CMAKE_CURRENT_LIST_DIR}/../../\" ABSOLUTE)"
        text "${text}")
      # install(EXPORT): _IMPORT_PREFIX climbs one directory per line; two are right for share/<name>.
      string(REGEX REPLACE
        "(get_filename_component\\(_IMPORT_PREFIX \"\\\${_IMPORT_PREFIX}\" PATH\\)\n)+"
        "get_filename_component(_IMPORT_PREFIX \"\${_IMPORT_PREFIX}\" PATH)\nget_filename_component(_IMPORT_PREFIX \"\${_IMPORT_PREFIX}\" PATH)\n"
        text "${text}")
      file(WRITE "${f}" "${text}")
    endforeach()
  endif()
endfunction()

# vcpkg rewrites every .pc file's prefix relative to ${pcfiledir}; ours must already be so (a file
# without a prefix, such as betwire-curl.pc, has nothing to rewrite).
function(vcpkg_fixup_pkgconfig)
  file(GLOB_RECURSE pcs "${CURRENT_PACKAGES_DIR}/*.pc")
  foreach(pc IN LISTS pcs)
    file(STRINGS "${pc}" prefix REGEX "^prefix=")
    if(prefix AND NOT prefix MATCHES "^prefix=\\\${pcfiledir}")
      message(FATAL_ERROR "vcpkg_fixup_pkgconfig: ${pc} has an absolute prefix (${prefix})")
    endif()
  endforeach()
endfunction()

function(vcpkg_install_copyright)
  cmake_parse_arguments(PARSE_ARGV 0 arg "" "COMMENT" "FILE_LIST")
  if(NOT arg_FILE_LIST)
    message(FATAL_ERROR "vcpkg_install_copyright: FILE_LIST is empty")
  endif()
  set(text "")
  foreach(f IN LISTS arg_FILE_LIST)
    if(NOT EXISTS "${f}")
      message(FATAL_ERROR "vcpkg_install_copyright: ${f} does not exist")
    endif()
    file(READ "${f}" content)
    string(APPEND text "${content}")
  endforeach()
  file(WRITE "${CURRENT_PACKAGES_DIR}/share/${PORT}/copyright" "${text}")
endfunction()

# --- run it -------------------------------------------------------------------------------------
include("${PORTFILE}")
message(STATUS "vcpkg_shim: ${PORT} ${VERSION} [${FEATURES}] installed into ${CURRENT_PACKAGES_DIR}")
