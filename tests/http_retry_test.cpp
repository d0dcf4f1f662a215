// The retry policy, driven through the scripted transport and a fake clock (nothing sleeps).

#include <betwire/http/retry.hpp>

#include "scripted_transport.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <string>

namespace http = betwire::http;
using betwire::errc;
using betwire::test::fake_clock;
using betwire::test::scripted_transport;
using namespace std::chrono_literals;

namespace {

http::retry_policy enabled_policy() {
  http::retry_policy p;
  p.enabled = true;
  p.max_attempts = 4;
  p.initial_backoff = 100ms;
  p.max_backoff = 1000ms;
  p.budget = 10000ms;
  p.max_retry_after = 30000ms;
  return p;
}

struct harness {
  scripted_transport net;
  fake_clock clock;
  http::jitter_source jitter{42};
  http::response resp;
  http::attempt_info info;
  http::retry_policy policy = enabled_policy();

  harness() { net.attach_clock(&clock.now); }

  betwire::result<void> run(const http::request& req) {
    return http::send_with_retry(net, req, resp, policy, clock.clock(), jitter, info);
  }
};

http::request read_request() {
  http::request r(http::method::get, "/orders?userRef=x");
  r.idempotency = http::idempotency::safe;
  return r;
}

}  // namespace

TEST(HttpRetry, OffByDefault) {
  harness h;
  h.policy = http::retry_policy{};
  h.net.respond(503, "busy").respond(200, "{}");
  auto r = h.run(read_request());
  ASSERT_TRUE(r);
  EXPECT_EQ(h.resp.status, 503);
  EXPECT_EQ(h.net.requests.size(), 1u);
  EXPECT_EQ(h.info.attempts, 1u);
}

TEST(HttpRetry, RetriesAReadOn429And503AndReset) {
  harness h;
  h.net.respond(429, "slow down").respond(503, "busy").fail_with(errc::connection_reset).respond(200, "{\"ok\":1}");
  auto r = h.run(read_request());
  ASSERT_TRUE(r);
  EXPECT_EQ(h.resp.status, 200);
  EXPECT_EQ(h.resp.body, "{\"ok\":1}");
  EXPECT_EQ(h.net.requests.size(), 4u);
  EXPECT_EQ(h.info.attempts, 4u);
  ASSERT_EQ(h.clock.sleeps.size(), 3u);
  // Exponential with equal jitter: retry n waits within [d/2, d], d = 100ms * 2^(n-1).
  EXPECT_GE(h.clock.sleeps[0], 50ms);
  EXPECT_LE(h.clock.sleeps[0], 100ms);
  EXPECT_GE(h.clock.sleeps[1], 100ms);
  EXPECT_LE(h.clock.sleeps[1], 200ms);
  EXPECT_GE(h.clock.sleeps[2], 200ms);
  EXPECT_LE(h.clock.sleeps[2], 400ms);
  for (const auto& req : h.net.requests) EXPECT_EQ(req.target, "/orders?userRef=x");
}

TEST(HttpRetry, RetriesTimeoutsConnectFailuresAndTruncation) {
  harness h;
  h.net.fail_with(errc::timeout).fail_with(errc::connect_failed).fail_with(errc::truncated_body).respond(200, "{}");
  ASSERT_TRUE(h.run(read_request()));
  EXPECT_EQ(h.info.attempts, 4u);
}

TEST(HttpRetry, DoesNotRetryWhatCannotHelp) {
  for (int status : {400, 401, 403, 404, 409, 422, 501}) {
    harness h;
    h.net.respond(status, "{}").respond(200, "{}");
    ASSERT_TRUE(h.run(read_request()));
    EXPECT_EQ(h.resp.status, status);
    EXPECT_EQ(h.net.requests.size(), 1u) << status;
  }
  for (errc code : {errc::tls_failed, errc::body_too_large, errc::transport_failed}) {
    harness h;
    h.net.fail_with(code).respond(200, "{}");
    auto r = h.run(read_request());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, code);
    EXPECT_EQ(h.net.requests.size(), 1u);
  }
}

TEST(HttpRetry, HonoursRetryAfterSeconds) {
  harness h;
  h.net.respond(429, R"({"error":"rate limited"})", {{"Retry-After", "3"}}).respond(200, "{}");
  ASSERT_TRUE(h.run(read_request()));
  ASSERT_EQ(h.clock.sleeps.size(), 1u);
  EXPECT_EQ(h.clock.sleeps[0], 3000ms);  // longer than the backoff: Retry-After wins
  EXPECT_EQ(h.info.slept, 3000ms);
}

TEST(HttpRetry, HonoursRetryAfterHttpDate) {
  harness h;
  // A date 5 seconds from now (header dates have one-second resolution: 4 to 5 s remain).
  const auto when = std::chrono::system_clock::now() + 5s;
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(when.time_since_epoch()).count();
  const std::chrono::sys_days day = std::chrono::floor<std::chrono::days>(std::chrono::sys_seconds(std::chrono::seconds(secs)));
  const std::chrono::year_month_day ymd(day);
  const std::chrono::hh_mm_ss hms(std::chrono::seconds(secs) - day.time_since_epoch());
  static const char* const names[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  static const char* const wdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  char date[40];
  std::snprintf(date, sizeof date, "%s, %02u %s %04d %02d:%02d:%02d GMT",
                wdays[std::chrono::weekday(day).c_encoding()], static_cast<unsigned>(ymd.day()),
                names[static_cast<unsigned>(ymd.month()) - 1], static_cast<int>(ymd.year()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()));
  h.net.respond(503, "busy", {{"Retry-After", date}}).respond(200, "{}");
  ASSERT_TRUE(h.run(read_request()));
  ASSERT_EQ(h.clock.sleeps.size(), 1u);
  EXPECT_GE(h.clock.sleeps[0], 4000ms) << date;
  EXPECT_LE(h.clock.sleeps[0], 5000ms) << date;
}

TEST(HttpRetry, RetryAfterBeyondTheCapEndsRetrying) {
  harness h;
  h.policy.max_retry_after = 10000ms;
  h.net.respond(429, "later", {{"Retry-After", "60"}}).respond(200, "{}");
  ASSERT_TRUE(h.run(read_request()));
  EXPECT_EQ(h.resp.status, 429);
  ASSERT_TRUE(h.resp.retry_after.has_value());
  EXPECT_EQ(*h.resp.retry_after, 60s);
  EXPECT_EQ(h.net.requests.size(), 1u);
  EXPECT_TRUE(h.clock.sleeps.empty());
}

TEST(HttpRetry, StopsAtMaxAttempts) {
  harness h;
  h.policy.max_attempts = 3;
  for (int i = 0; i < 5; ++i) h.net.respond(503, "busy");
  ASSERT_TRUE(h.run(read_request()));
  EXPECT_EQ(h.resp.status, 503);
  EXPECT_EQ(h.net.requests.size(), 3u);
  EXPECT_EQ(h.info.attempts, 3u);
  EXPECT_EQ(h.clock.sleeps.size(), 2u);
  EXPECT_EQ(h.net.remaining(), 2u);
}

TEST(HttpRetry, StopsAtTheTimeBudget) {
  harness h;
  h.policy.max_attempts = 100;
  h.policy.budget = 2000ms;
  // Each attempt takes 700 ms; the 429s ask for 1 s: 0.7 + 1 + 0.7 = 2.4 s > 2 s before a third.
  for (int i = 0; i < 10; ++i) h.net.respond(429, "later", {{"Retry-After", "1"}}).taking(700ms);
  ASSERT_TRUE(h.run(read_request()));
  EXPECT_EQ(h.resp.status, 429);
  EXPECT_EQ(h.net.requests.size(), 2u);
  EXPECT_LE(h.clock.now, 2000ms + 700ms);  // no sleep ever started past the budget
  for (const auto& s : h.clock.sleeps) EXPECT_EQ(s, 1000ms);
}

TEST(HttpRetry, BackoffIsCapped) {
  http::retry_policy p = enabled_policy();
  p.initial_backoff = 100ms;
  p.max_backoff = 800ms;
  http::jitter_source j(7);
  for (std::uint32_t n = 1; n < 40; ++n) {
    const auto d = http::backoff_delay(p, n, j);
    EXPECT_LE(d, 800ms);
    EXPECT_GE(d, n >= 4 ? 400ms : 50ms);
  }
}

TEST(HttpRetry, NeverRetriesAPlacement) {
  harness h;
  h.net.respond(503, "busy").respond(200, "{}");
  http::request place(http::method::post, "/place-orders", R"({"orders":[]})");
  place.idempotency = http::idempotency::never;
  ASSERT_TRUE(h.run(place));
  EXPECT_EQ(h.resp.status, 503);
  EXPECT_EQ(h.net.requests.size(), 1u);

  // Keyed but the user did not opt in: still never.
  harness k;
  k.net.fail_with(errc::timeout).respond(200, "{}");
  http::request keyed(http::method::post, "/place-orders", R"({"orders":[{"requestUuid":"u-1"}]})");
  keyed.idempotency = http::idempotency::keyed;
  keyed.idempotency_key = "u-1";
  auto r = k.run(keyed);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::timeout);
  EXPECT_EQ(k.net.requests.size(), 1u);
}

TEST(HttpRetry, OptedInPlacementResendsTheIdenticalBodyAndKey) {
  harness h;
  h.policy.retry_placements = true;
  h.net.fail_with(errc::timeout).respond(503, "busy").respond(200, R"({"status":"accepted"})");
  const std::string body =
      R"({"orders":[{"requestUuid":"ee9f4007-e5ab-4085-bffb-8d938e4cad5f","orderStake":"10"}]})";
  http::request keyed(http::method::post, "/place-orders", body);
  keyed.idempotency = http::idempotency::keyed;
  keyed.idempotency_key = "ee9f4007-e5ab-4085-bffb-8d938e4cad5f";
  ASSERT_TRUE(keyed.add_header("x-api-key", "k"));
  ASSERT_TRUE(h.run(keyed));
  EXPECT_EQ(h.resp.status, 200);
  ASSERT_EQ(h.net.requests.size(), 3u);
  for (const auto& req : h.net.requests) {
    EXPECT_EQ(req.body, body);  // byte-identical
    EXPECT_EQ(req.idempotency_key, "ee9f4007-e5ab-4085-bffb-8d938e4cad5f");
    EXPECT_EQ(req.method, http::method::post);
    EXPECT_EQ(req.target, "/place-orders");
  }

  // Opted in, but without a key: not retried.
  harness n;
  n.policy.retry_placements = true;
  n.net.fail_with(errc::timeout).respond(200, "{}");
  http::request unkeyed(http::method::post, "/place-orders", body);
  unkeyed.idempotency = http::idempotency::keyed;
  ASSERT_FALSE(n.run(unkeyed));
  EXPECT_EQ(n.net.requests.size(), 1u);
}

TEST(HttpRetry, IdempotentCancelsAreRetried) {
  harness h;
  h.net.respond(502, "<html>bad gateway</html>").respond(200, R"({"cancelled":[]})");
  http::request cancel(http::method::post, "/api/orders/cancel-batch", R"({"orderIds":["a"]})");
  cancel.idempotency = http::idempotency::idempotent;
  ASSERT_TRUE(h.run(cancel));
  EXPECT_EQ(h.resp.status, 200);
  ASSERT_EQ(h.net.requests.size(), 2u);
  EXPECT_EQ(h.net.requests[0].body, h.net.requests[1].body);
}
