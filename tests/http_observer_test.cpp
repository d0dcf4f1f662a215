// The observer hook: every send and every call is reported, with timings from the client's clock,
// the retry waits, the rate-limit headers and the errors; no credential ever reaches an observer;
// reply_info carries the elapsed time; every venue client accepts an observer.

#include "scripted_transport.hpp"

#include <betwire/abp/client.hpp>
#include <betwire/http/client.hpp>
#include <betwire/http/observer.hpp>
#include <betwire/opinion/client.hpp>
#include <betwire/predictstreet/client.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace http = betwire::http;
using betwire::errc;
using betwire::test::fake_clock;
using betwire::test::scripted_transport;
using namespace std::chrono_literals;

namespace obs_demo {
consteval betwire::naming betwire_naming(auto*) { return betwire::naming::camel_case; }

struct thing_key {
  std::string_view thing_id{};
  std::int64_t limit = 0;
  static constexpr std::string_view betwire_omit_zero[] = {"limit"};
};
struct thing {
  std::int64_t id = 0;
};
struct get_thing {
  static constexpr http::method method = http::method::get;
  static constexpr std::string_view path = "/things/{thingId}";
  using request_type = thing_key;
  using response_type = thing;
  static betwire::result<void> validate(const thing_key& k) {
    if (k.limit < 0)
      return betwire::fail(betwire::error(betwire::error_category::validation, errc::out_of_range, "limit < 0"));
    return {};
  }
};
}  // namespace obs_demo

namespace {

// Copies everything an observer is shown, as text, so that tests can search it.
struct recorder {
  struct attempt {
    http::attempt_event event;
    std::string endpoint, target;
    std::optional<betwire::error> error;
  };
  struct call {
    http::call_event event;
    std::string endpoint, target;
    std::optional<betwire::error> error;
  };
  std::vector<attempt> attempts;
  std::vector<call> calls;
  std::string everything;  // every string an observer saw

  void operator()(const http::attempt_event& e) {
    attempt a{e, std::string(e.endpoint), std::string(e.target), std::nullopt};
    a.event.endpoint = {};
    a.event.target = {};
    a.event.error = nullptr;
    if (e.error) a.error = *e.error;
    note(e.endpoint, e.target, e.error);
    attempts.push_back(std::move(a));
  }
  void operator()(const http::call_event& e) {
    call c{e, std::string(e.endpoint), std::string(e.target), std::nullopt};
    c.event.endpoint = {};
    c.event.target = {};
    c.event.error = nullptr;
    if (e.error) c.error = *e.error;
    note(e.endpoint, e.target, e.error);
    calls.push_back(std::move(c));
  }
  void note(std::string_view endpoint, std::string_view target, const betwire::error* e) {
    everything.append(endpoint).append("\n").append(target).append("\n");
    if (e) everything.append(e->describe()).append("\n").append(e->excerpt).append("\n");
  }
};

http::retry_policy fast_retries() {
  http::retry_policy p;
  p.enabled = true;
  p.max_attempts = 3;
  p.initial_backoff = 100ms;
  p.max_backoff = 100ms;
  return p;
}

struct harness {
  scripted_transport net;
  fake_clock clock;
  recorder rec;
  http::client<scripted_transport> core{net, {.retry = fast_retries(), .jitter_seed = 7,
                                              .observer = http::observe(rec)}};
  harness() {
    net.attach_clock(&clock.now);
    core.set_clock(clock.clock());
  }
};

}  // namespace

TEST(HttpObserver, SeesEveryAttemptAndTheCall) {
  harness h;
  h.net.respond(503, "busy", {{"X-RateLimit-Remaining", "3"}, {"Retry-After", "0"}}).taking(30ms);
  h.net.respond(200, R"({"id": 5})", {{"X-RateLimit-Remaining", "2"}, {"X-RateLimit-Limit", "10"}}).taking(10ms);

  auto r = h.core.call<obs_demo::get_thing>({.thing_id = "t-1", .limit = 4});
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->id, 5);
  ASSERT_EQ(h.clock.sleeps.size(), 1u);
  const auto slept = h.clock.sleeps[0];
  EXPECT_GE(slept, 50ms);  // equal jitter over 100 ms

  ASSERT_EQ(h.rec.attempts.size(), 2u);
  const auto& first = h.rec.attempts[0];
  EXPECT_EQ(first.event.method, http::method::get);
  EXPECT_EQ(first.endpoint, "/things/{thingId}");
  EXPECT_EQ(first.target, "/things/t-1?limit=4");
  EXPECT_EQ(first.event.attempt, 1u);
  EXPECT_EQ(first.event.slept_before, 0ms);
  EXPECT_EQ(first.event.elapsed, 30ms);
  EXPECT_EQ(first.event.status, 503);
  EXPECT_EQ(first.event.rate_limit.remaining, 3);
  EXPECT_EQ(first.event.retry_after, std::chrono::seconds(0));
  EXPECT_FALSE(first.error);
  EXPECT_FALSE(first.event.last);

  const auto& second = h.rec.attempts[1];
  EXPECT_EQ(second.event.attempt, 2u);
  EXPECT_EQ(second.event.slept_before, slept);
  EXPECT_EQ(second.event.elapsed, 10ms);
  EXPECT_EQ(second.event.status, 200);
  EXPECT_EQ(second.event.rate_limit.remaining, 2);
  EXPECT_EQ(second.event.rate_limit.limit, 10);
  EXPECT_TRUE(second.event.last);

  ASSERT_EQ(h.rec.calls.size(), 1u);
  const auto& call = h.rec.calls[0];
  EXPECT_EQ(call.endpoint, "/things/{thingId}");
  EXPECT_EQ(call.target, "/things/t-1?limit=4");
  EXPECT_EQ(call.event.attempts, 2u);
  EXPECT_EQ(call.event.elapsed, 30ms + slept + 10ms);
  EXPECT_EQ(call.event.slept, slept);
  EXPECT_EQ(call.event.status, 200);
  EXPECT_FALSE(call.error);

  // The reply says the same.
  EXPECT_EQ(r.attempts(), 2u);
  EXPECT_EQ(r.elapsed(), 30ms + slept + 10ms);
  EXPECT_EQ(r.slept(), slept);
}

TEST(HttpObserver, TransportFailuresAndDecodeErrors) {
  harness h;
  h.net.fail_with(errc::connection_reset, "peer reset").taking(5ms);
  h.net.respond(200, R"({"id": "not a number"})").taking(1ms);

  auto r = h.core.call<obs_demo::get_thing>({.thing_id = "t-2"});
  ASSERT_FALSE(r);
  ASSERT_EQ(h.rec.attempts.size(), 2u);
  ASSERT_TRUE(h.rec.attempts[0].error);
  EXPECT_EQ(h.rec.attempts[0].error->code, errc::connection_reset);
  EXPECT_EQ(h.rec.attempts[0].event.status, 0);
  EXPECT_EQ(h.rec.attempts[0].event.elapsed, 5ms);
  EXPECT_FALSE(h.rec.attempts[1].error);  // a response arrived: the attempt itself succeeded
  EXPECT_EQ(h.rec.attempts[1].event.status, 200);

  // The call reports what the caller gets: the decode error.
  ASSERT_EQ(h.rec.calls.size(), 1u);
  ASSERT_TRUE(h.rec.calls[0].error);
  EXPECT_EQ(h.rec.calls[0].error->code, r.error().code);
  EXPECT_EQ(h.rec.calls[0].event.status, 200);
}

TEST(HttpObserver, RefusedCallsAreReportedWithoutAttempts) {
  harness h;
  auto r = h.core.call<obs_demo::get_thing>({.thing_id = "t-3", .limit = -1});
  ASSERT_FALSE(r);
  EXPECT_TRUE(h.net.requests.empty());
  EXPECT_TRUE(h.rec.attempts.empty());
  ASSERT_EQ(h.rec.calls.size(), 1u);
  EXPECT_EQ(h.rec.calls[0].event.attempts, 0u);
  EXPECT_EQ(h.rec.calls[0].endpoint, "/things/{thingId}");
  ASSERT_TRUE(h.rec.calls[0].error);
  EXPECT_EQ(h.rec.calls[0].error->code, errc::out_of_range);
}

TEST(HttpObserver, OnlyTheCallbacksGivenAreCalled) {
  struct calls_only {
    int seen = 0;
    void operator()(const http::call_event&) { ++seen; }
  } counter;
  const http::observer o = http::observe(counter);
  EXPECT_FALSE(o.wants_attempts());
  EXPECT_TRUE(o.wants_calls());
  EXPECT_FALSE(http::observer{});

  scripted_transport net;
  net.respond(200, R"({"id": 1})");
  http::client<scripted_transport> core{net, {.observer = o}};
  ASSERT_TRUE(core.call<obs_demo::get_thing>({.thing_id = "a"}));
  EXPECT_EQ(counter.seen, 1);
  core.set_observer({});
  net.respond(200, R"({"id": 1})");
  ASSERT_TRUE(core.call<obs_demo::get_thing>({.thing_id = "a"}));
  EXPECT_EQ(counter.seen, 1);
}

// However a credential travels — a client header, a per-call header, echoed back by the peer in an
// error or a body, or (by mistake) in the target — no observer sees it.
TEST(HttpObserver, NoSecretReachesAnObserver) {
  const std::string key = "sk-live-0123456789abcdef";
  const std::string call_key = "per-call-token-987654321";
  const betwire::secret api_key(key);
  harness h;
  ASSERT_TRUE(h.core.set_header("x-api-key", api_key));
  const http::header extra[] = {{"Authorization", call_key}};

  h.net.fail_with(errc::connection_reset, "reset after sending x-api-key: " + key);
  h.net.respond(502, "<html>bad gateway, your key " + key + " and token " + call_key + "</html>",
                {{"Content-Type", "text/html"}});
  h.net.respond(401, "{\"detail\": \"key " + key + " is not valid\"}", {{"Content-Type", "application/json"}});

  auto r = h.core.call<obs_demo::get_thing>({.thing_id = key}, extra);  // the key in the path
  ASSERT_FALSE(r);
  ASSERT_EQ(h.net.requests.size(), 3u);
  // The credentials were sent...
  EXPECT_NE(h.net.requests[0].target.find(key), std::string::npos);
  // ...and the observer saw every attempt and the call, without them.
  EXPECT_EQ(h.rec.attempts.size(), 3u);
  EXPECT_EQ(h.rec.calls.size(), 1u);
  EXPECT_EQ(h.rec.everything.find(key), std::string::npos) << h.rec.everything;
  EXPECT_EQ(h.rec.everything.find(call_key), std::string::npos) << h.rec.everything;
  EXPECT_NE(h.rec.attempts[0].target.find("***"), std::string::npos);
  ASSERT_TRUE(h.rec.attempts[0].error);
  EXPECT_NE(h.rec.attempts[0].error->message.find("***"), std::string::npos);
  // The sensitive header travels in no event: there is nowhere for it to go.
  static_assert(sizeof(http::attempt_event) < 256, "an attempt_event holds no headers and no body");
}

TEST(HttpObserver, RawSendsAreObservedToo) {
  harness h;
  h.net.respond(204, "");
  http::request req(http::method::post, "/raw", "{}");
  auto r = h.core.send(req);
  ASSERT_TRUE(r);
  ASSERT_EQ(h.rec.attempts.size(), 1u);
  EXPECT_EQ(h.rec.attempts[0].endpoint, "");
  EXPECT_EQ(h.rec.attempts[0].event.method, http::method::post);
  ASSERT_EQ(h.rec.calls.size(), 1u);
  EXPECT_EQ(h.rec.calls[0].event.status, 204);
}

// Every venue client takes an observer in its options and through set_observer.
TEST(HttpObserver, EveryVenueClientAcceptsAnObserver) {
  recorder rec;
  {
    scripted_transport net;
    net.respond(200, R"({"orders": [], "count": 0, "hasMore": false})");
    betwire::abp::client abp{net, {.api_key = betwire::secret("abp-key-123456"), .observer = http::observe(rec)}};
    (void)abp.get_orders({.user_ref = "bettor1234"});
    ASSERT_EQ(rec.calls.size(), 1u);
    EXPECT_EQ(rec.calls.back().endpoint, "/orders");
    abp.set_observer({});
    net.respond(200, R"({"orders": [], "count": 0, "hasMore": false})");
    (void)abp.get_orders({.user_ref = "bettor1234"});
    EXPECT_EQ(rec.calls.size(), 1u);
  }
  {
    scripted_transport net;
    net.respond(200, R"({"cancelled": [], "notCancelled": []})");
    betwire::predictstreet::client ps{net, {.api_key = betwire::secret("ps_live_0123456789abcdef_" + std::string(43, 'A'))}};
    ps.set_observer(http::observe(rec));
    (void)ps.cancel_batch({"id1"});
    EXPECT_EQ(rec.calls.size(), 2u);
  }
  {
    scripted_transport net;
    net.respond(200, R"({"errno": 0, "errmsg": "", "result": {"total": 0, "list": []}})");
    betwire::opinion::client op{net, {.api_key = betwire::secret("opinion-key-0123456789"), .observer = http::observe(rec)}};
    (void)op.get_orders({.market_id = 1});
    EXPECT_EQ(rec.calls.size(), 3u);
  }
  for (const auto& a : rec.attempts) EXPECT_EQ(a.event.attempt, 1u);
  EXPECT_EQ(rec.everything.find("abp-key-123456"), std::string::npos);
  EXPECT_EQ(rec.everything.find("opinion-key-0123456789"), std::string::npos);
}
