// PredictStreet: every response decode in both models (cancel-all's array-or-number `cancelled`
// included) and the venue's error reader. Input: a selector byte (endpoint, status), then the body.
#ifndef BETWIRE_FUZZ_PREDICTSTREET_HPP
#define BETWIRE_FUZZ_PREDICTSTREET_HPP

#include "common.hpp"

namespace betwire::fuzz {

inline int fuzz_predictstreet(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t selector = data[0];
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  const int status = status_of(selector);
  switch (selector % 7) {
    case 0: venue_response<predictstreet::endpoints::cancel_batch>(body, status); break;
    case 1: venue_response<predictstreet::endpoints::cancel>(body, status); break;
    case 2: venue_response<predictstreet::endpoints::cancel_all>(body, status); break;
    case 3: venue_response<predictstreet::endpoints::open_orders>(body, status); break;
    case 4: venue_response<predictstreet::endpoints::history>(body, status); break;
    case 5: venue_response<predictstreet::endpoints::get_order>(body, status); break;
    default: venue_response<predictstreet::endpoints::get_fills>(body, status); break;
  }
  return 0;
}

}  // namespace betwire::fuzz

#endif
