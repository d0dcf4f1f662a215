// The version macros in <betwire/version.hpp> are the single source of the version: CMake and Meson
// read them from there and pass what they read back as BETWIRE_*_PROJECT_VERSION; both must agree.
#include <betwire/betwire.hpp>

#include <gtest/gtest.h>

#include <string>

namespace {

std::string header_version() {
  return std::to_string(BETWIRE_VERSION_MAJOR) + "." + std::to_string(BETWIRE_VERSION_MINOR) + "." +
         std::to_string(BETWIRE_VERSION_PATCH);
}

TEST(Version, BuildSystemReadsTheHeader) {
#if defined(BETWIRE_CMAKE_PROJECT_VERSION)
  EXPECT_EQ(std::string(BETWIRE_CMAKE_PROJECT_VERSION), header_version());
#elif defined(BETWIRE_MESON_PROJECT_VERSION)
  EXPECT_EQ(std::string(BETWIRE_MESON_PROJECT_VERSION), header_version());
#else
  FAIL() << "built without BETWIRE_CMAKE_PROJECT_VERSION or BETWIRE_MESON_PROJECT_VERSION";
#endif
}

TEST(Version, CombinedNumberMatchesTheParts) {
  static_assert(BETWIRE_VERSION_MINOR < 100 && BETWIRE_VERSION_PATCH < 100);
  EXPECT_EQ(BETWIRE_VERSION,
            BETWIRE_VERSION_MAJOR * 10000 + BETWIRE_VERSION_MINOR * 100 + BETWIRE_VERSION_PATCH);
}

}  // namespace
