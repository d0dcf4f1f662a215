# Overlay port for betwire (header-only). It builds from the betwire tree it lives in:
#   vcpkg install betwire[curl] --overlay-ports=<betwire>/ports
# A registry port would fetch a tagged release with vcpkg_from_github instead; the rest is the same.
set(VCPKG_BUILD_TYPE release)  # header-only: one configuration is enough

get_filename_component(SOURCE_PATH "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)

# The version lives in include/betwire/version.hpp; vcpkg.json must agree with it.
include("${SOURCE_PATH}/cmake/BetwireVersion.cmake")
betwire_read_version("${SOURCE_PATH}/include/betwire/version.hpp" betwire_header_version)
if(NOT betwire_header_version STREQUAL VERSION)
  message(FATAL_ERROR "ports/betwire/vcpkg.json says ${VERSION}, include/betwire/version.hpp says ${betwire_header_version}")
endif()

vcpkg_check_features(OUT_FEATURE_OPTIONS FEATURE_OPTIONS
  FEATURES
    curl BETWIRE_WITH_CURL
)

vcpkg_cmake_configure(
  SOURCE_PATH "${SOURCE_PATH}"
  OPTIONS
    ${FEATURE_OPTIONS}
    -DBETWIRE_BUILD_TESTS=OFF
    -DBETWIRE_BUILD_EXAMPLES=OFF
    -DBETWIRE_BUILD_BENCHMARKS=OFF
    -DBETWIRE_BUILD_SIMULATOR=OFF
    "-DBETWIRE_CMAKE_DIR=share/${PORT}"  # where vcpkg wants it: the fixup has nothing to move
)
vcpkg_cmake_install()
vcpkg_cmake_config_fixup()
vcpkg_fixup_pkgconfig()

# Header-only: nothing in lib/ or debug/; the licence goes to share/betwire/copyright instead.
file(REMOVE_RECURSE "${CURRENT_PACKAGES_DIR}/lib" "${CURRENT_PACKAGES_DIR}/debug"
     "${CURRENT_PACKAGES_DIR}/share/doc")
file(INSTALL "${CMAKE_CURRENT_LIST_DIR}/usage" DESTINATION "${CURRENT_PACKAGES_DIR}/share/${PORT}")
vcpkg_install_copyright(FILE_LIST "${SOURCE_PATH}/LICENSE")
