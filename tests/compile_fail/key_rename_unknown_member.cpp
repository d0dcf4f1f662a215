// A betwire_keys entry must name a real member: a typo would otherwise silently send the default key.
// expect-error: a betwire_keys entry names a member that does not exist
#include <betwire/json/json.hpp>

#include <string>

struct bet {
  static constexpr betwire::naming betwire_naming = betwire::naming::camel_case;
  long bet_id;
  std::string bookmaker_bet_id;
#ifndef BETWIRE_COMPILE_FAIL_CONTROL
  static constexpr betwire::key_rename betwire_keys[] = {{"bookmaker_betid", "bookmakerBetID"}};
#else
  static constexpr betwire::key_rename betwire_keys[] = {{"bookmaker_bet_id", "bookmakerBetID"}};
#endif
};

int main() {
  std::string out;
  return betwire::json::encode(bet{1, "x"}, out).has_value() ? 0 : 1;
}
