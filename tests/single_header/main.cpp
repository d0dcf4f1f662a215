// Compiled with single_include/ as its only betwire include path: the generated single header must
// be all a user needs. The lead extends this program as the library grows.
#include <betwire/betwire.hpp>

#include <cstdio>
#include <string>

namespace {

int failures = 0;

void check(bool ok, const char* what) {
  if (!ok) {
    std::printf("FAILED: %s\n", what);
    ++failures;
  }
}

betwire::result<int> parse_limit(int limit) {
  if (limit < 1 || limit > 1000) return betwire::fail({betwire::errc::out_of_range, "limit must be 1..1000"});
  return limit;
}

}  // namespace

int main() {
  static_assert(BETWIRE_VERSION ==
                BETWIRE_VERSION_MAJOR * 10000 + BETWIRE_VERSION_MINOR * 100 + BETWIRE_VERSION_PATCH);

  const auto ok = parse_limit(50);
  check(ok.has_value() && *ok == 50, "result holds a value");
  const auto bad = parse_limit(5000);
  check(!bad, "result holds an error");
  check(!bad && bad.error().category == betwire::error_category::validation, "validation category");
  check(!bad && bad.error().describe().find("limit must be 1..1000") != std::string::npos,
        "describe() carries the message");

  std::printf("betwire %d.%d.%d single header: %s\n", BETWIRE_VERSION_MAJOR, BETWIRE_VERSION_MINOR,
              BETWIRE_VERSION_PATCH, failures == 0 ? "ok" : "FAILED");
  return failures == 0 ? 0 : 1;
}
