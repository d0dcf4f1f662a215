// http::rate_limiter: the sliding window counted from the send or from the answer, what it learns
// from 429 / Retry-After / X-RateLimit-*, the urgent reserve, the in-flight window, and two threads
// sharing one limiter (real time, small numbers).

#include <betwire/http/pacing.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace http = betwire::http;
using namespace std::chrono_literals;

namespace {

// A nanosecond fake clock (sleeping advances it).
struct ns_clock {
  std::atomic<std::int64_t> now_ns{0};
  http::retry_clock clock() {
    http::retry_clock c;
    c.context = this;
    c.now = [](void* self) {
      return http::retry_clock::time_point(std::chrono::nanoseconds(static_cast<ns_clock*>(self)->now_ns.load()));
    };
    c.sleep_for = [](void* self, std::chrono::nanoseconds d) { static_cast<ns_clock*>(self)->now_ns += d.count(); };
    return c;
  }
};

}  // namespace

TEST(RateLimiter, NeverMoreThanTheLimitInAnyWindowCountingFromTheSend) {
  ns_clock c;
  http::rate_limiter lim{{.requests = 15, .window = 1000ms, .margin = 5ms}, c.clock()};
  std::vector<std::int64_t> starts;
  for (int i = 0; i < 100; ++i) {
    auto t = lim.acquire();
    ASSERT_TRUE(t);
    starts.push_back(c.now_ns.load());
    c.now_ns += 150'000'000;  // 150 ms of round trip
    http::response r;
    r.status = 200;
    lim.complete(t, &r);
    c.now_ns -= 150'000'000;  // several in flight: the next starts right away
  }
  for (std::size_t i = 15; i < starts.size(); ++i) EXPECT_GE(starts[i] - starts[i - 15], 1'000'000'000) << i;
  // And the limit, not the latency, bounds throughput: 100 starts in about 6 windows.
  EXPECT_LT(starts.back(), 6'100'000'000);
}

TEST(RateLimiter, CountFromResponseHoldsASlotUntilTheAnswer) {
  ns_clock c;
  http::rate_limiter lim{{.requests = 2, .window = 1000ms, .margin = 0ms, .count_from = http::count_from::response},
                         c.clock()};
  http::retry_clock::time_point ready{};
  auto a = lim.try_acquire(http::priority::normal, ready);
  auto b = lim.try_acquire(http::priority::normal, ready);
  ASSERT_TRUE(a && b);
  EXPECT_FALSE(lim.try_acquire(http::priority::normal, ready));
  c.now_ns += 5'000'000'000;  // long in flight: still not free
  EXPECT_FALSE(lim.try_acquire(http::priority::normal, ready));
  http::response r;
  r.status = 200;
  lim.complete(a, &r);
  EXPECT_FALSE(lim.try_acquire(http::priority::normal, ready));
  EXPECT_EQ(ready.time_since_epoch(), std::chrono::nanoseconds(6'000'000'000));
  c.now_ns += 1'000'000'000;
  EXPECT_TRUE(lim.try_acquire(http::priority::normal, ready));
}

TEST(RateLimiter, LearnsFromRetryAfterAndFromRemainingZero) {
  ns_clock c;
  http::rate_limiter lim{{.requests = 10, .window = 1000ms}, c.clock()};
  http::retry_clock::time_point ready{};
  auto t = lim.try_acquire(http::priority::normal, ready);
  http::response r;
  r.status = 429;
  r.retry_after = std::chrono::seconds(3);
  lim.complete(t, &r);
  EXPECT_FALSE(lim.try_acquire(http::priority::urgent, ready));
  EXPECT_EQ(ready.time_since_epoch(), std::chrono::nanoseconds(3'000'000'000));
  c.now_ns = 3'000'000'000;
  t = lim.try_acquire(http::priority::normal, ready);
  ASSERT_TRUE(t);
  // Someone else uses the key: the venue says 0 left while we have 9 slots free.
  http::response z;
  z.status = 200;
  z.rate_limit.remaining = 0;
  z.rate_limit.reset = 2;  // seconds from now
  lim.complete(t, &z);
  EXPECT_FALSE(lim.try_acquire(http::priority::normal, ready));
  EXPECT_EQ(ready.time_since_epoch(), std::chrono::nanoseconds(5'000'000'000));
  EXPECT_EQ(lim.stats().throttled, 1U);
}

TEST(RateLimiter, ReserveKeepsSlotsForUrgentRequests) {
  ns_clock c;
  http::rate_limiter lim{{.requests = 3, .window = 1000ms, .reserve = 1}, c.clock()};
  http::retry_clock::time_point ready{};
  EXPECT_TRUE(lim.try_acquire(http::priority::normal, ready));
  EXPECT_TRUE(lim.try_acquire(http::priority::normal, ready));
  EXPECT_FALSE(lim.try_acquire(http::priority::normal, ready));
  EXPECT_TRUE(lim.try_acquire(http::priority::urgent, ready));
  EXPECT_FALSE(lim.try_acquire(http::priority::urgent, ready));
}

TEST(RateLimiter, InFlightWindowFollowsTheMeasuredRoundTrip) {
  ns_clock c;
  http::rate_limiter lim{{.requests = 15, .window = 1000ms}, c.clock()};
  EXPECT_EQ(lim.in_flight_window(16), 16U);  // no sample yet
  for (int i = 0; i < 20; ++i) {
    auto t = lim.acquire();
    c.now_ns += 300'000'000;
    http::response r;
    r.status = 200;
    lim.complete(t, &r);
  }
  // 15/s x 0.3 s = 4.5 in flight: 5 or 6 with the guard and the + 1.
  EXPECT_GE(lim.in_flight_window(16), 5U);
  EXPECT_LE(lim.in_flight_window(16), 7U);
}

TEST(RateLimiter, TwoThreadsSharingOneLimiterNeverExceedIt) {
  // Real time, small numbers: 10 per 200 ms, two threads, 40 requests in all.
  http::rate_limiter lim{{.requests = 10, .window = 200ms, .margin = 2ms}};
  std::mutex mu;
  std::vector<std::chrono::steady_clock::time_point> starts;
  auto worker = [&] {
    for (int i = 0; i < 20; ++i) {
      auto t = lim.acquire();
      {
        std::lock_guard<std::mutex> lock(mu);
        starts.push_back(std::chrono::steady_clock::now());
      }
      std::this_thread::sleep_for(1ms);
      http::response r;
      r.status = 200;
      lim.complete(t, &r);
    }
  };
  std::thread a(worker), b(worker);
  a.join();
  b.join();
  ASSERT_EQ(starts.size(), 40U);
  std::sort(starts.begin(), starts.end());
  for (std::size_t i = 10; i < starts.size(); ++i) EXPECT_GE(starts[i] - starts[i - 10], 200ms) << i;
}

