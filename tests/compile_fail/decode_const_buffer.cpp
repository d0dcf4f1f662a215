// The reader decodes escapes in place, so it needs a mutable buffer: a const string does not do.
// expect-error: no matching function
#include <betwire/json/json.hpp>

#include <string>

int main() {
  int v = 0;
#ifndef BETWIRE_COMPILE_FAIL_CONTROL
  const std::string buffer = "1";
#else
  std::string buffer = "1";
#endif
  return betwire::json::decode(buffer, v).has_value() ? 0 : 1;
}
