#ifndef BETWIRE_HTTP_RETRY_HPP
#define BETWIRE_HTTP_RETRY_HPP

// Retries: opt-in per client, off by default.
//
// What may be re-sent is decided by the request's `idempotency` (set from the endpoint descriptor):
//   safe (reads) and idempotent (cancels the venue documents as idempotent): yes;
//   keyed (ABP order placement, idempotent through its requestUuid): only when the policy's
//     `retry_placements` is set AND the request carries a non-empty idempotency key. The very same
//     request object is re-sent, so the body — and the key inside it — is byte-identical;
//   never (any other mutation): no.
// When: a 429, a 500/502/503/504, or a transport failure that may be transient (connect_failed,
// timeout, connection_reset, truncated_body). Never on other statuses, TLS failures or an oversized
// body.
// How long: exponential backoff (initial_backoff * 2^n, capped at max_backoff) with "equal jitter"
// (half fixed, half random), and never less than the response's Retry-After. A Retry-After longer
// than max_retry_after ends the retries (the 429 is returned, with its Retry-After, to the caller).
// Bounded by max_attempts (counting the first) AND by a total time budget measured from the first
// send: no sleep is started that would end past the budget.
// Sleeping and reading the time go through a retry_clock, so tests run without sleeping.

#include <betwire/core/config.hpp>
#include <betwire/core/error.hpp>
#include <betwire/core/result.hpp>
#include <betwire/http/message.hpp>
#include <betwire/http/transport.hpp>

#include <chrono>
#include <cstdint>
#include <thread>

BETWIRE_BEGIN_NAMESPACE
namespace http {

struct retry_policy {
  bool enabled = false;
  std::uint32_t max_attempts = 3;  // including the first; 1 = no retry
  std::chrono::milliseconds initial_backoff{100};
  std::chrono::milliseconds max_backoff{2000};
  std::chrono::milliseconds budget{10000};           // total, from the first send
  std::chrono::milliseconds max_retry_after{30000};  // a longer Retry-After is not waited for
  bool retry_placements = false;                     // keyed requests (see above)
};

// Time and sleep, injectable. The default uses std::chrono::steady_clock and
// std::this_thread::sleep_for.
struct retry_clock {
  using time_point = std::chrono::steady_clock::time_point;

  void* context = nullptr;
  time_point (*now)(void* context) = &system_now;
  void (*sleep_for)(void* context, std::chrono::nanoseconds d) = &system_sleep;

  static time_point system_now(void*) { return std::chrono::steady_clock::now(); }
  static void system_sleep(void*, std::chrono::nanoseconds d) { std::this_thread::sleep_for(d); }
};

// A small, fast generator for jitter (xorshift64*); not for anything that needs secrecy.
class jitter_source {
 public:
  explicit constexpr jitter_source(std::uint64_t seed = 0x9e3779b97f4a7c15ULL) noexcept
      : state_(seed ? seed : 0x9e3779b97f4a7c15ULL) {}
  constexpr std::uint64_t next() noexcept {
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return state_ * 0x2545f4914f6cdd1dULL;
  }
  // Uniform enough in [0, bound].
  constexpr std::int64_t below_or_equal(std::int64_t bound) noexcept {
    if (bound <= 0) return 0;
    return static_cast<std::int64_t>(next() % (static_cast<std::uint64_t>(bound) + 1));
  }

 private:
  std::uint64_t state_;
};

[[nodiscard]] constexpr bool is_retryable_status(int status) noexcept {
  return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

[[nodiscard]] constexpr bool is_retryable_error(errc code) noexcept {
  return code == errc::connect_failed || code == errc::timeout || code == errc::connection_reset ||
         code == errc::truncated_body;
}

// May this request be sent again under this policy at all?
[[nodiscard]] constexpr bool may_retry(const request& req, const retry_policy& policy) noexcept {
  if (!policy.enabled || policy.max_attempts < 2) return false;
  switch (req.idempotency) {
    case idempotency::safe:
    case idempotency::idempotent:
      return true;
    case idempotency::keyed:
      return policy.retry_placements && !req.idempotency_key.empty();
    case idempotency::never:
      return false;
  }
  return false;
}

// The backoff before retry number `retry` (1 for the first retry), jittered, ignoring Retry-After.
[[nodiscard]] inline std::chrono::milliseconds backoff_delay(const retry_policy& policy,
                                                             std::uint32_t retry,
                                                             jitter_source& jitter) noexcept {
  std::int64_t d = policy.initial_backoff.count();
  const std::int64_t cap = policy.max_backoff.count();
  for (std::uint32_t i = 1; i < retry && d < cap; ++i) d *= 2;
  if (d > cap) d = cap;
  if (d < 0) d = 0;
  const std::int64_t half = d / 2;
  return std::chrono::milliseconds(d - half + jitter.below_or_equal(half));
}

// What happened over the attempts of one call.
struct attempt_info {
  std::uint32_t attempts = 0;                 // sends made (1 = no retry)
  std::chrono::milliseconds slept{0};         // total time spent waiting between them
  std::chrono::nanoseconds elapsed{0};        // first send to last response, waits included
  std::chrono::nanoseconds last_send{0};      // the last send alone
  std::chrono::milliseconds slept_before_last{0};  // the wait right before the last send
};

// One send that another follows, as send_with_retry reports it before waiting (the last send is
// described by attempt_info once send_with_retry returns). `resp` still holds its response.
struct retried_attempt {
  std::uint32_t attempt = 0;                  // 1 for the first send
  std::chrono::milliseconds slept_before{0};
  std::chrono::nanoseconds elapsed{0};        // this send
  const result<void>* sent = nullptr;         // what the transport returned
  std::chrono::milliseconds wait{0};          // the wait that follows
};

struct ignore_retried_attempt {
  constexpr void operator()(const retried_attempt&) const noexcept {}
};

// Sends `req`, re-sending it while the policy allows (see the top of this file). Returns the
// result of the last send; `resp` holds the last response. `on_retried` is called with every send
// that is followed by another, before the wait (observers: see http::client).
template <transport T, class OnRetried = ignore_retried_attempt>
result<void> send_with_retry(T& t, const request& req, response& resp, const retry_policy& policy,
                             const retry_clock& clock, jitter_source& jitter, attempt_info& info,
                             OnRetried&& on_retried = {}) {
  info = {};
  const bool retryable = may_retry(req, policy);
  const auto start = clock.now(clock.context);
  for (;;) {
    const auto sent_at = info.attempts == 0 ? start : clock.now(clock.context);
    result<void> sent = t.send(req, resp);
    const auto done_at = clock.now(clock.context);
    ++info.attempts;
    info.elapsed = done_at - start;
    info.last_send = done_at - sent_at;
    if (!retryable || info.attempts >= policy.max_attempts) return sent;

    std::chrono::milliseconds wait{0};
    if (sent) {
      if (!is_retryable_status(resp.status)) return sent;
      wait = backoff_delay(policy, info.attempts, jitter);
      if (resp.retry_after) {
        // Compared in whole seconds first: a transport may fill retry_after itself, unclamped,
        // and converting a huge one to milliseconds would overflow.
        const std::int64_t ra_s = resp.retry_after->count();
        if (ra_s > policy.max_retry_after.count() / 1000) return sent;
        const std::chrono::milliseconds ra(ra_s < 0 ? 0 : ra_s * 1000);
        if (ra > policy.max_retry_after) return sent;
        if (ra > wait) wait = ra;
      }
    } else {
      if (!is_retryable_error(sent.error().code)) return sent;
      wait = backoff_delay(policy, info.attempts, jitter);
    }

    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(done_at - start);
    if (elapsed + wait > policy.budget) return sent;
    if (req.has_deadline() && done_at + wait >= req.deadline) return sent;  // no time left to retry
    on_retried(retried_attempt{info.attempts, info.slept_before_last, info.last_send, &sent, wait});
    clock.sleep_for(clock.context, wait);
    info.slept += wait;
    info.slept_before_last = wait;
  }
}

}  // namespace http
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_HTTP_RETRY_HPP
