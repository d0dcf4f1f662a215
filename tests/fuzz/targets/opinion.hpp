// Opinion.trade: every response decode in both models through the errno/code envelope (under HTTP
// 200), and the envelope's error reader under any other status. Input: a selector byte (endpoint,
// status), then the body.
#ifndef BETWIRE_FUZZ_OPINION_HPP
#define BETWIRE_FUZZ_OPINION_HPP

#include "common.hpp"

namespace betwire::fuzz {

// cancel_order has one model only: it is decoded twice, from two copies, and must agree with itself.
inline void opinion_cancel(std::string_view body, int status) {
  http::response r1;
  http::response r2;
  r1.status = r2.status = status;
  r1.body.assign(body);
  r2.body.assign(body);
  opinion::endpoints::cancel_order::response_type a{};
  opinion::endpoints::cancel_order::response_type b{};
  const result<void> x = http::read_response<opinion::endpoints::cancel_order>(r1, a);
  const result<void> y = http::read_response<opinion::endpoints::cancel_order>(r2, b);
  check(x.has_value() == y.has_value(), "the same body decodes two ways");
  if (!x) {
    check_same_error(x.error(), y.error(), body);
    if (http::is_success(status)) check_decode_error_position(x.error(), body);
  } else {
    check(encoded(a) == encoded(b), "the same body decodes to two values");
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
    default: opinion_cancel(body, status); break;
  }
  return 0;
}

}  // namespace betwire::fuzz

#endif
