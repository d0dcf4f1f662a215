// Encoding a member type the codec has no mapping for is a compile error.
// expect-error: this type cannot be encoded
#include <betwire/json/json.hpp>

#include <string>

struct holder {
  int id;
#ifndef BETWIRE_COMPILE_FAIL_CONTROL
  const char* name;
#else
  std::string name;
#endif
};

int main() {
  std::string out;
  return betwire::json::encode(holder{1, {}}, out).has_value() ? 0 : 1;
}
