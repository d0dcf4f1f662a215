// Decoding from a temporary string would leave every string_view dangling: the overload is deleted.
// expect-error: deleted
#include <betwire/json/json.hpp>

#include <string>
#include <string_view>

struct item {
  std::string_view name;
};

int main() {
  item v{};
#ifndef BETWIRE_COMPILE_FAIL_CONTROL
  return betwire::json::decode(std::string(R"({"name":"x"})"), v).has_value() ? 0 : 1;
#else
  std::string buffer = R"({"name":"x"})";
  return betwire::json::decode(buffer, v).has_value() ? 0 : 1;
#endif
}
