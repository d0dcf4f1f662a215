// Opinion.trade: every response decode in both models through the errno/code envelope (under HTTP
// 200), and the envelope's error reader under any other status. Input: a selector byte (endpoint,
// status), then the body.
#ifndef BETWIRE_FUZZ_OPINION_HPP
#define BETWIRE_FUZZ_OPINION_HPP

#include "common.hpp"

namespace betwire::fuzz {

// One rule for the envelope: the error reader says "venue error" exactly when the envelope decoder
// fails with category venue, with the same code and message.
inline void opinion_rule(std::string_view body) {
  std::string copy(body);
  opinion::cancel_result_view out;
  const result<void> d = opinion::decode_cancel_envelope(copy, out);
  error e;
  const bool is_error = opinion::parse_error_body(body, e);
  const bool venue = !d && d.error().category == error_category::venue;
  check(is_error == venue, "decode_envelope and parse_error_body disagree",
        [&] { return d ? std::string("decoded") : d.error().describe(); });
  if (venue) {
    check(e.venue_code == d.error().venue_code, "venue codes differ");
    check(e.venue_message == d.error().venue_message, "venue messages differ");
  }
}

inline int fuzz_opinion(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t selector = data[0];
  const std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);
  const int status = status_of(selector);
  switch (selector % 3) {
    case 0: venue_response<opinion::endpoints::get_orders>(body, status); break;
    case 1: venue_response<opinion::endpoints::get_order>(body, status); break;
    default: venue_response<opinion::endpoints::cancel_order>(body, status); break;
  }
  opinion_rule(body);
  return 0;
}

}  // namespace betwire::fuzz

#endif
