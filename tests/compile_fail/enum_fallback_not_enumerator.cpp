// betwire_enum_fallback must return a named enumerator: anything else could not be written back.
// expect-error: betwire_enum_fallback must return a named enumerator
#include <betwire/json/json.hpp>

#include <cstdint>
#include <string>

enum class reason : std::uint8_t { unrecognized, unknown };
#ifndef BETWIRE_COMPILE_FAIL_CONTROL
consteval reason betwire_enum_fallback(reason*) { return static_cast<reason>(7); }
#else
consteval reason betwire_enum_fallback(reason*) { return reason::unrecognized; }
#endif

int main() {
  std::string body = R"("later")";
  reason r = reason::unknown;
  return betwire::json::decode(body, r).has_value() && r == reason::unrecognized ? 0 : 1;
}
