// A member type the codec has no mapping for (a raw pointer) is a compile error, not a silent skip.
// expect-error: this type cannot be decoded
#include <betwire/json/json.hpp>

#include <string>

struct holder {
  int id;
#ifndef BETWIRE_COMPILE_FAIL_CONTROL
  int* pointer;
#else
  int value;
#endif
};

int main() {
  std::string buffer = R"({"id":1})";
  holder h{};
  return betwire::json::decode(buffer, h).has_value() ? 0 : 1;
}
