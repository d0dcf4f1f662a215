// ABP v2: every response decode in both models, the venue's error reader (any non-2xx body) and
// the "nothing matched" 404 probe. Input: a selector byte (endpoint, status), then the body.
#ifndef BETWIRE_FUZZ_ABP_HPP
#define BETWIRE_FUZZ_ABP_HPP

#include "common.hpp"

namespace betwire::fuzz {

inline int fuzz_abp(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t selector = data[0];
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  const int status = status_of(selector);
  switch (selector % 5) {
    case 0: venue_response<abp::endpoints::get_orders>(body, status); break;
    case 1: venue_response<abp::endpoints::cancel_orders>(body, status); break;
    case 2: venue_response<abp::endpoints::place_orders>(body, status); break;
    case 3: venue_response<abp::endpoints::get_bets>(body, status); break;
    default: venue_response<abp::endpoints::get_bet>(body, status); break;
  }
  http::response r;
  r.status = 404;
  r.body.assign(body);
  const bool nothing = abp::is_nothing_matched(r);
  check(!nothing || json::validate(body).has_value(), "a 404 that is not JSON counted as 'nothing matched'");
  return 0;
}

}  // namespace betwire::fuzz

#endif
