// Response header parsing: header lines as a transport hands them over (Retry-After in both
// forms, X-RateLimit-*, Content-Type, status lines), then the retry loop over what was parsed.
// Input: header lines separated by '\n'.
#ifndef BETWIRE_FUZZ_HEADERS_HPP
#define BETWIRE_FUZZ_HEADERS_HPP

#include "common.hpp"

#include <chrono>

namespace betwire::fuzz {

struct parsed_transport {
  const http::response* model;
  int sends = 0;
  result<void> send(const http::request&, http::response& resp) {
    ++sends;
    resp.status = model->status;
    resp.retry_after = model->retry_after;
    resp.rate_limit = model->rate_limit;
    return {};
  }
};

inline int fuzz_headers(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  http::response resp;
  std::size_t at = 0;
  while (at <= text.size()) {
    const std::size_t nl = text.find('\n', at);
    const std::string_view line = text.substr(at, nl == std::string_view::npos ? std::string_view::npos : nl - at);
    resp.set_header_line(line);
    // A header value on its own, in both Retry-After forms.
    const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000));
    if (const auto ra = http::parse_retry_after(line, now)) {
      check(ra->count() >= 0 && ra->count() <= http::max_retry_after_seconds, "Retry-After outside [0, max]", line);
      (void)std::chrono::duration_cast<std::chrono::nanoseconds>(*ra);  // never overflows (UBSan)
    }
    if (const auto when = http::parse_http_date(line)) {
      // A date that parses is one that exists: its day of week and fields write back the same.
      const std::int64_t days = *when >= 0 ? *when / 86400 : (*when - 86399) / 86400;
      const auto civil = ::betwire::detail::civil_from_days(days);
      check(civil.year >= 0 && civil.year <= 9999, "HTTP date year out of range", line);
    }
    if (nl == std::string_view::npos) break;
    at = nl + 1;
  }
  check(resp.content_type().size() <= 127, "content type too long");
  if (resp.retry_after)
    check(resp.retry_after->count() >= 0 && resp.retry_after->count() <= http::max_retry_after_seconds, "retry_after range");
  // The retry loop over what was parsed: bounded sends, no sleep above the policy's maximum.
  resp.status = 429;
  parsed_transport net{&resp};
  http::retry_policy policy;
  policy.enabled = true;
  policy.max_attempts = 3;
  struct clock_state {
    std::chrono::steady_clock::time_point now{};
    std::chrono::nanoseconds slept{0};
  } state;
  http::retry_clock clock;
  clock.context = &state;
  clock.now = [](void* c) { return static_cast<clock_state*>(c)->now; };
  clock.sleep_for = [](void* c, std::chrono::nanoseconds d) {
    auto* s = static_cast<clock_state*>(c);
    s->now += d;
    s->slept += d;
  };
  http::jitter_source jitter{1};
  http::attempt_info info;
  http::response out;
  http::request req(http::method::get, "/x");
  req.idempotency = http::idempotency::safe;
  (void)http::send_with_retry(net, req, out, policy, clock, jitter, info);
  check(net.sends >= 1 && net.sends <= 3, "retry sends out of bounds");
  check(state.slept <= policy.budget, "slept past the budget");
  return 0;
}

}  // namespace betwire::fuzz

#endif
