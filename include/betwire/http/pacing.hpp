#ifndef BETWIRE_HTTP_PACING_HPP
#define BETWIRE_HTTP_PACING_HPP

// http::rate_limiter: keeps the requests on one key (or wallet, or bucket) under a venue's limit,
// shared by every client and thread that uses the key. Venues declare their documented limits
// (opinion::limits, predictstreet::limits, abp::limits); this file knows none of them.
//
//   betwire::http::rate_limiter key_limit{{.requests = 15, .window = std::chrono::seconds(1)}};
//   // two clients, two threads, one key: both pass &key_limit in their options
//
// How it counts. The limiter has `requests` slots. A request takes a slot when it starts and the
// slot's time is set: at the send (count_from::send, the default) or when the answer arrives
// (count_from::response). A slot is reused only once its time is `window + guard` old, so no
// window of that length ever holds more than `requests` starts. The guard is the configured margin
// plus four times the measured RTT variation (RFC 6298's estimator): the venue counts a request when
// it arrives, and arrivals move against sends by as much as the network delay varies. With a steady
// network the limit, not the latency, bounds throughput: `requests` per `window + margin`.
// A request whose round trip exceeds the fastest one seen is taken to have reached the venue that
// much later: its slot's time moves by the excess when its answer arrives (before the slot is due).
// count_from::response is for networks whose delay cannot be measured: it never lets the venue see
// more, whatever the latency, at the price of a slot per round trip (requests / (window + RTT)).
//
// What it learns from answers (complete()):
//   * 429: no request starts before its Retry-After has passed (the window when there is none);
//   * X-RateLimit-Remaining 0 while this limiter still had slots free (someone else uses the key):
//     none before X-RateLimit-Reset (epoch seconds when above 10^9, else seconds from now);
//   * the round-trip time, for the guard and for in_flight_window(), the number of requests worth
//     having outstanding to reach the limit: rate x (RTT + guard), + 1.
// Pauses are capped at max_pause.
//
// Priority: `reserve` slots are kept for priority::urgent requests (normal ones start only while
// more than `reserve` slots are free). 0 by default: it costs normal throughput.
//
// Thread-safe: every member function may be called from any thread. Time and sleep go through an
// http::retry_clock (tests inject a fake one); the blocking acquire() sleeps outside the lock.

#include <betwire/core/config.hpp>
#include <betwire/http/message.hpp>
#include <betwire/http/retry.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <mutex>
#include <vector>

BETWIRE_BEGIN_NAMESPACE
namespace http {

enum class priority : std::uint8_t { normal, urgent };

enum class count_from : std::uint8_t { send, response };

struct rate_limit {
  std::uint32_t requests = 0;                // at most this many starts ... (0: no limit)
  std::chrono::milliseconds window{1000};    // ... per rolling window of this length
  std::chrono::milliseconds margin{5};       // added to the window, for clock granularity
  http::count_from count_from = http::count_from::send;
  std::uint32_t reserve = 0;                 // slots only urgent requests may take
  std::chrono::milliseconds max_pause{60000};  // cap on a pause learnt from Retry-After or Reset
};

// A venue's documented limit: `requests` per `window`, with `margin` added to the window.
[[nodiscard]] inline rate_limit per_window(std::uint32_t requests, std::chrono::milliseconds window,
                                           std::chrono::milliseconds margin = std::chrono::milliseconds(5)) noexcept {
  rate_limit l;
  l.requests = requests;
  l.window = window;
  l.margin = margin;
  return l;
}

class rate_limiter {
 public:
  using time_point = retry_clock::time_point;

  // A slot taken by one request; give it back with complete().
  struct ticket {
    std::uint32_t slot = std::numeric_limits<std::uint32_t>::max();
    time_point started{};
    [[nodiscard]] bool valid() const noexcept { return slot != std::numeric_limits<std::uint32_t>::max(); }
    explicit operator bool() const noexcept { return valid(); }
  };

  explicit rate_limiter(rate_limit config = {}, retry_clock clock = {})
      : config_(config), clock_(clock), slots_(config.requests) {}
  rate_limiter(const rate_limiter&) = delete;
  rate_limiter& operator=(const rate_limiter&) = delete;

  [[nodiscard]] const rate_limit& config() const noexcept { return config_; }
  [[nodiscard]] bool limited() const noexcept { return config_.requests != 0; }

  void set_clock(const retry_clock& c) {
    std::lock_guard<std::mutex> lock(mu_);
    clock_ = c;
  }
  [[nodiscard]] time_point now() const {
    std::lock_guard<std::mutex> lock(mu_);
    return clock_.now(clock_.context);
  }

  // Takes a slot if a request of priority `p` may start now. Otherwise returns an invalid ticket
  // and sets `ready_at` to when it may (the caller asks again then).
  ticket try_acquire(priority p, time_point& ready_at) {
    std::lock_guard<std::mutex> lock(mu_);
    return try_acquire_locked(p, clock_.now(clock_.context), ready_at);
  }

  // Waits (through the clock) until a request may start, and takes the slot.
  ticket acquire(priority p = priority::normal) {
    for (;;) {
      time_point ready{};
      retry_clock c;
      {
        std::lock_guard<std::mutex> lock(mu_);
        const time_point now = clock_.now(clock_.context);
        ticket t = try_acquire_locked(p, now, ready);
        if (t) return t;
        c = clock_;
        const auto wait = std::chrono::duration_cast<std::chrono::nanoseconds>(ready - now);
        ++waits_;
        waited_ += wait;
      }
      const time_point now = c.now(c.context);
      // Whole milliseconds: a clock that sleeps in coarser steps than it is asked must still move.
      if (ready > now) c.sleep_for(c.context, std::chrono::ceil<std::chrono::milliseconds>(ready - now));
    }
  }

  // The request of `t` has ended: `resp` is its answer, or null when none arrived.
  void complete(const ticket& t, const response* resp) {
    std::lock_guard<std::mutex> lock(mu_);
    const time_point now = clock_.now(clock_.context);
    if (t.valid() && t.slot < slots_.size()) {
      slot& s = slots_[t.slot];
      if (config_.count_from == count_from::response) {
        s.at = now;
      } else if (resp != nullptr && s.at == t.started) {
        // Counted from the send, but a request that took longer than the fastest round trip seen
        // was (as far as we can tell) that much late reaching the venue, which counts it then:
        // its slot's time moves by the excess (a busy sender or a slow connect, not the network).
        const auto rtt = std::chrono::duration_cast<std::chrono::nanoseconds>(now - t.started);
        if (!have_min_rtt_ || rtt < min_rtt_) {
          min_rtt_ = rtt;
          have_min_rtt_ = true;
        }
        const time_point equivalent = now - min_rtt_;
        if (equivalent > s.at) s.at = equivalent;
      }
      s.in_flight = false;
    }
    if (in_flight_ > 0) --in_flight_;
    if (resp == nullptr) return;
    if (t.valid()) sample_rtt(now - t.started);
    learn(*resp, now);
  }

  // Learns from an answer that was not paced by this limiter (another process's, a probe).
  void observe(const response& resp) {
    std::lock_guard<std::mutex> lock(mu_);
    learn(resp, clock_.now(clock_.context));
  }

  // No request starts before `until`.
  void pause_until(time_point until) {
    std::lock_guard<std::mutex> lock(mu_);
    if (until > paused_until_) paused_until_ = until;
  }

  // How many requests are worth having in flight at once to reach the limit (rate x (RTT +
  // guard) + 1), at most `cap`. Before the first RTT sample, and without a limit: `cap`.
  [[nodiscard]] std::size_t in_flight_window(std::size_t cap) const {
    std::lock_guard<std::mutex> lock(mu_);
    if (config_.requests == 0 || !have_rtt_) return cap;
    const double rate = static_cast<double>(config_.requests) /
                        static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                config_.window + config_.margin)
                                                .count());
    const double need = rate * static_cast<double>((srtt_ + guard_locked()).count());
    std::size_t w = static_cast<std::size_t>(need) + 2;  // ceil, + 1
    if (w > config_.requests) w = config_.requests;
    return w < cap ? w : cap;
  }

  struct statistics {
    std::uint64_t started = 0;             // tickets handed out
    std::uint64_t waits = 0;               // acquire() calls that slept
    std::chrono::nanoseconds waited{0};    // total sleep of acquire()
    std::uint64_t throttled = 0;           // 429 answers seen
    std::chrono::nanoseconds srtt{0};      // smoothed round-trip time
    std::chrono::nanoseconds rttvar{0};
    std::chrono::nanoseconds guard{0};     // margin + 4 x rttvar (count_from::send)
    std::size_t in_flight = 0;
  };
  [[nodiscard]] statistics stats() const {
    std::lock_guard<std::mutex> lock(mu_);
    return statistics{started_, waits_, waited_, throttled_, srtt_, rttvar_, guard_locked(), in_flight_};
  }

  // Forgets every slot, pause and sample (the configuration stays).
  void reset() {
    std::lock_guard<std::mutex> lock(mu_);
    for (slot& s : slots_) s = slot{};
    paused_until_ = {};
    have_rtt_ = false;
    have_min_rtt_ = false;
    min_rtt_ = std::chrono::nanoseconds{0};
    srtt_ = rttvar_ = std::chrono::nanoseconds{0};
    in_flight_ = 0;
  }

 private:
  struct slot {
    time_point at{};       // start (or answer) of the request that last used it
    bool used = false;     // never used: free at once
    bool in_flight = false;
  };

  [[nodiscard]] std::chrono::nanoseconds guard_locked() const noexcept {
    const auto margin = std::chrono::duration_cast<std::chrono::nanoseconds>(config_.margin);
    if (config_.count_from == count_from::response) return margin;
    return margin + 4 * rttvar_;
  }

  // When slot `s` may be reused; time_point::max() while its request is in flight (count_from
  // response) .
  [[nodiscard]] time_point ready_of(const slot& s) const noexcept {
    if (!s.used) return time_point::min();
    if (s.in_flight && config_.count_from == count_from::response) return time_point::max();
    return s.at + config_.window + guard_locked();
  }

  ticket try_acquire_locked(priority p, time_point now, time_point& ready_at) {
    if (now < paused_until_) {
      ready_at = paused_until_;
      return {};
    }
    if (slots_.empty()) {
      ++started_;
      ++in_flight_;
      return ticket{std::numeric_limits<std::uint32_t>::max() - 1, now};  // unlimited: a valid ticket
    }
    // The earliest-ready slot, and how many are ready now; normal requests leave `reserve` free.
    const std::size_t need = p == priority::urgent ? 1 : std::size_t{config_.reserve} + 1;
    std::size_t ready_count = 0;
    std::size_t best = 0;
    time_point best_ready = time_point::max();
    for (std::size_t i = 0; i < slots_.size(); ++i) {
      const time_point r = ready_of(slots_[i]);
      if (r <= now) ++ready_count;
      if (r < best_ready) {
        best_ready = r;
        best = i;
      }
    }
    if (ready_count < need) {
      ready_at = ready_count == 0 ? best_ready : nth_ready(need, now);
      if (ready_at == time_point::max()) ready_at = now + config_.window;  // all in flight: ask later
      return {};
    }
    slot& s = slots_[best];
    s.used = true;
    s.at = now;
    s.in_flight = true;
    ++started_;
    ++in_flight_;
    return ticket{static_cast<std::uint32_t>(best), now};
  }

  // The time by which `n` slots will be ready (n is small: 1 + reserve).
  [[nodiscard]] time_point nth_ready(std::size_t n, time_point now) const {
    time_point last = time_point::min();
    time_point result = time_point::max();
    for (std::size_t k = 0; k < n; ++k) {  // k-th distinct smallest; O(n * slots)
      time_point next = time_point::max();
      for (const slot& s : slots_) {
        const time_point r = ready_of(s);
        if (r > last && r < next) next = r;
      }
      result = next;
      last = next;
      if (next == time_point::max()) break;
    }
    return result < now ? now : result;
  }

  void sample_rtt(std::chrono::steady_clock::duration d) {
    const auto rtt = std::chrono::duration_cast<std::chrono::nanoseconds>(d);
    if (rtt.count() < 0) return;
    if (!have_rtt_) {
      srtt_ = rtt;
      rttvar_ = rtt / 2;
      // A first sample says nothing about variation; assume little rather than half the RTT,
      // which would cost throughput on every long, steady path.
      if (rttvar_ > std::chrono::milliseconds(5)) rttvar_ = std::chrono::milliseconds(5);
      have_rtt_ = true;
      return;
    }
    const auto dev = srtt_ > rtt ? srtt_ - rtt : rtt - srtt_;
    rttvar_ = (3 * rttvar_ + dev) / 4;
    srtt_ = (7 * srtt_ + rtt) / 8;
  }

  void learn(const response& resp, time_point now) {
    const auto cap = [&](std::chrono::steady_clock::duration d) {
      return d > config_.max_pause ? std::chrono::steady_clock::duration(config_.max_pause) : d;
    };
    if (resp.status == 429) {
      ++throttled_;
      const std::chrono::steady_clock::duration wait =
          resp.retry_after ? std::chrono::steady_clock::duration(*resp.retry_after)
                           : std::chrono::steady_clock::duration(config_.window);
      const time_point until = now + cap(wait);
      if (until > paused_until_) paused_until_ = until;
      return;
    }
    const auto& rl = resp.rate_limit;
    if (rl.remaining && *rl.remaining <= 0 && rl.reset && !slots_.empty()) {
      // Our own slots all in use within the window: the venue's 0 is ours, already paced.
      std::size_t free_now = 0;
      for (const slot& s : slots_)
        if (ready_of(s) <= now) ++free_now;
      if (free_now == 0) return;
      std::int64_t secs = *rl.reset;
      if (secs > 1000000000) {
        const auto wall = std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
        secs -= static_cast<std::int64_t>(wall);
      }
      if (secs <= 0) return;
      const time_point until = now + cap(std::chrono::seconds(secs));
      if (until > paused_until_) paused_until_ = until;
    }
  }

  rate_limit config_;
  retry_clock clock_;
  mutable std::mutex mu_;
  std::vector<slot> slots_;
  time_point paused_until_{};
  bool have_rtt_ = false;
  bool have_min_rtt_ = false;
  std::chrono::nanoseconds min_rtt_{0};  // the fastest round trip seen (count_from::send)
  std::chrono::nanoseconds srtt_{0};
  std::chrono::nanoseconds rttvar_{0};
  std::uint64_t started_ = 0;
  std::uint64_t waits_ = 0;
  std::chrono::nanoseconds waited_{0};
  std::uint64_t throttled_ = 0;
  std::size_t in_flight_ = 0;
};

}  // namespace http
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_HTTP_PACING_HPP
