// A betwire_omit_zero entry must name a real member: a typo would otherwise send the 0 it meant to
// leave out.
// expect-error: a betwire_omit_zero entry names a member that does not exist
#include <betwire/http/encode.hpp>

#include <cstdint>
#include <string>
#include <string_view>

struct orders_query {
  std::int64_t market_id = 0;
#ifndef BETWIRE_COMPILE_FAIL_CONTROL
  static constexpr std::string_view betwire_omit_zero[] = {"marketid"};
#else
  static constexpr std::string_view betwire_omit_zero[] = {"market_id"};
#endif
};

int main() {
  std::string out;
  return betwire::http::encode_query(orders_query{}, out).has_value() ? 0 : 1;
}
