// The composite operations over the simulator with several requests in flight (curl_multi_transport
// + http::pipeline): added latency with jitter (so answers come back out of order), the venues'
// limits enforced, and a reset, a 500 and a 429 storm in the middle. Each result is checked id by
// id against the simulator's store, a resume after failures finishes the job without re-sending a
// decided id, two pipelines sharing one limiter never exceed it, and an urgent cancel does not wait
// behind a long read.

#include <betwire/abp/client.hpp>
#include <betwire/abp/operations.hpp>
#include <betwire/http/concurrent.hpp>
#include <betwire/http/operations.hpp>
#include <betwire/opinion/client.hpp>
#include <betwire/opinion/operations.hpp>
#include <betwire/predictstreet/client.hpp>
#include <betwire/predictstreet/operations.hpp>
#include <betwire/transport/curl.hpp>
#include <betwire/transport/curl_multi.hpp>

#include "simulator_process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace http = betwire::http;
namespace opinion = betwire::opinion;
namespace ps = betwire::predictstreet;
namespace abp = betwire::abp;
using betwire::errc;
using namespace std::chrono_literals;

namespace {

constexpr const char* alice_key = "opn-test-key-alice-0001";
constexpr const char* ps_key = "ps_test_0000000000000a01_simSingleSecret_0123456789abcdefghijklmnopq";
constexpr const char* ps_wallet = "0xa11ce00000000000000000000000000000000001";

// Records the order in which a machine's answers arrive.
template <class M>
struct recording {
  M& m;
  std::vector<std::uint64_t> order{};
  http::next_step next(http::outgoing& out) { return m.next(out); }
  void complete(http::answer& a) {
    order.push_back(a.id);
    m.complete(a);
  }
};

class Concurrency : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { sim_ = new betwire::test::simulator_process({"--threads", "40"}); }
  static void TearDownTestSuite() {
    delete sim_;
    sim_ = nullptr;
  }
  void SetUp() override {
    ASSERT_TRUE(sim_->ok()) << sim_->error();
    ASSERT_EQ(sim_->post("/_sim/reset").status, 200);
    ASSERT_TRUE(sim_->post("/_sim/latency", R"({"ms": 40, "jitterMs": 30})").ok);
  }
  void TearDown() override { (void)sim_->post("/_sim/latency", R"({"ms": 0, "jitterMs": 0})"); }

  static void limits_on(std::string_view venue) {
    // Less jitter where the limit is enforced: arrivals move against sends by half the RTT's spread.
    ASSERT_TRUE(sim_->post("/_sim/latency", R"({"ms": 40, "jitterMs": 10})").ok);
    ASSERT_EQ(sim_->post("/_sim/rate-limits", R"({"venue":")" + std::string(venue) + R"(","enabled":true})").status,
              200);
  }
  static void arm(std::string_view prefix, std::string_view fault, int count) {
    const auto r = sim_->post("/_sim/faults", nlohmann::json{{"path_prefix", prefix}, {"fault", fault}, {"count", count}}.dump());
    ASSERT_EQ(r.status, 200) << r.body;
  }
  static std::vector<std::string> seed_opinion(int count) {
    auto r = sim_->post("/_sim/seed-orders",
                        nlohmann::json{{"venue", "opinion"}, {"user", "alice"}, {"count", count}, {"status", 1}}.dump());
    EXPECT_EQ(r.status, 200) << r.body;
    return nlohmann::json::parse(r.body)["orderIds"].get<std::vector<std::string>>();
  }
  static int opinion_status(const std::string& id) {
    auto r = sim_->post("/_sim/opinion/order", nlohmann::json{{"orderId", id}}.dump());
    return nlohmann::json::parse(r.body).value("status", -1);
  }
  static std::vector<std::string> seed_ps(int count) {
    auto r = sim_->post("/_sim/seed-orders",
                        nlohmann::json{{"venue", "predictstreet"}, {"wallet", ps_wallet}, {"count", count}, {"status", "OPEN"}}.dump());
    EXPECT_EQ(r.status, 200) << r.body;
    return nlohmann::json::parse(r.body)["orderIds"].get<std::vector<std::string>>();
  }
  static std::string ps_status(const std::string& id) {
    auto r = sim_->post("/_sim/predictstreet/order", nlohmann::json{{"orderId", id}}.dump());
    return nlohmann::json::parse(r.body).value("status", std::string("?"));
  }

  static betwire::curl_multi_transport multi(std::string_view venue, std::size_t n = 16) {
    return betwire::curl_multi_transport({.easy = {.base_url = sim_->base_url(venue)}, .max_in_flight = n,
                                          .max_host_connections = n});
  }

  static betwire::test::simulator_process* sim_;
};
betwire::test::simulator_process* Concurrency::sim_ = nullptr;

http::retry_policy no_retry() { return http::retry_policy{}; }
http::retry_policy retries() {
  http::retry_policy p;
  p.enabled = true;
  p.max_attempts = 6;
  p.initial_backoff = 20ms;
  return p;
}

}  // namespace

TEST_F(Concurrency, OpinionCancelManyFaultsInTheMiddleThenResumeIdById) {
  limits_on("opinion");
  const std::vector<std::string> ids = seed_opinion(60);
  betwire::curl_transport blocking{{.base_url = sim_->base_url("opinion")}};
  opinion::client opn{blocking, {.api_key = betwire::secret(alice_key)}};
  auto net = multi("opinion", 8);
  http::rate_limiter key_limit{opinion::limits::per_key()};

  // Retries off: every fault shows in the result. The faults fire on the 10th request on.
  opinion::cancel_orders_op op{ids};
  recording<opinion::cancel_orders_op> rec{op};
  http::pipeline p{net, {.max_in_flight = 8}};
  ASSERT_TRUE(p.add(rec, {.headers = opn.core().headers_source(), .limiter = &key_limit, .retry = no_retry()}));
  for (int i = 0; i < 3 && !p.idle(); ++i) p.step(200ms);
  arm("/opinion/openapi/order/cancel", "reset", 1);
  arm("/opinion/openapi/order/cancel", "status=500", 1);
  arm("/opinion/openapi/order/cancel", "429", 3);
  p.run();

  const auto& led = op.ledger();
  EXPECT_TRUE(led.settled());
  EXPECT_FALSE(std::is_sorted(rec.order.begin(), rec.order.end())) << "answers came back in order";
  // The 500 and the three 429s always show; the reset does unless libcurl re-sent the request on a
  // fresh connection by itself (its rule for a reused connection that died: curl_options).
  EXPECT_GE(led.tally().failed, 4U);
  EXPECT_LE(led.tally().failed, 5U);
  EXPECT_EQ(led.tally().cancelled + led.tally().failed, 60U);
  std::size_t throttled = 0;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const auto& it = led.items()[i];
    ASSERT_EQ(it.id, ids[i]);
    if (it.state == http::cancel_state::cancelled) {
      EXPECT_EQ(opinion_status(ids[i]), 3) << ids[i];
    } else {
      ASSERT_EQ(it.state, http::cancel_state::failed) << ids[i];
      ASSERT_TRUE(it.error.has_value());
      if (it.error->code == errc::rate_limited) ++throttled;
    }
  }
  EXPECT_EQ(throttled, 3U) << "only the injected 429s: pacing keeps the key under its limit";
  EXPECT_EQ(key_limit.stats().throttled, 3U);

  // Resume: exactly the failed ids, with retries on this time. The reset one may or may not have
  // reached the venue: either way it ends cancelled (or refused as already canceled), never sent
  // twice by the first run.
  const std::vector<std::string> again_ids = led.resume_ids();
  ASSERT_EQ(again_ids.size(), led.tally().failed);
  opinion::cancel_orders_op again{again_ids};
  http::pipeline p2{net, {.max_in_flight = 8}};
  ASSERT_TRUE(p2.add(again, {.headers = opn.core().headers_source(), .limiter = &key_limit, .retry = retries()}));
  p2.run();
  EXPECT_EQ(again.ledger().tally().failed, 0U);
  EXPECT_EQ(again.ledger().tally().cancelled + again.ledger().tally().not_cancelled, again_ids.size());
  for (const std::string& id : ids) EXPECT_EQ(opinion_status(id), 3) << id;
}

TEST_F(Concurrency, OpinionCancelAllWithRetriesThroughAStorm) {
  limits_on("opinion");
  const std::vector<std::string> extra = seed_opinion(50);  // alice: 30 seeded + 50, several pages
  betwire::curl_transport blocking{{.base_url = sim_->base_url("opinion")}};
  opinion::client opn{blocking, {.api_key = betwire::secret(alice_key)}};
  auto net = multi("opinion", 8);
  http::rate_limiter key_limit{opinion::limits::per_key()};
  arm("/opinion/openapi/order/cancel", "reset", 1);
  arm("/opinion/openapi/order/cancel", "status=500", 1);
  arm("/opinion/openapi/order/cancel", "429", 4);
  arm("/opinion/openapi/order", "429", 1);  // a listing page too
  opinion::cancel_all_op op{{}};
  http::pipeline p{net, {.max_in_flight = 8}};
  ASSERT_TRUE(p.add(op, {.headers = opn.core().headers_source(), .limiter = &key_limit, .retry = retries()}));
  p.run();
  ASSERT_FALSE(op.error_state().has_value()) << op.error_state()->message;
  EXPECT_GE(op.lister().pages(), 4U);
  const auto& led = op.ledger();
  EXPECT_GE(led.items().size(), 50U);  // the 50 seeded pending, and those of alice's 30 that are
  for (const std::string& id : extra) EXPECT_NE(led.find(id), http::cancel_ledger::npos) << id;
  EXPECT_EQ(led.tally().failed, 0U);
  EXPECT_EQ(led.tally().cancelled + led.tally().not_cancelled, led.items().size());
  for (const auto& it : led.items()) EXPECT_EQ(opinion_status(it.id), 3) << it.id;
  // Nothing pending is left.
  opinion::cancel_all_op second{{}};
  http::pipeline p2{net, {.max_in_flight = 8}};
  ASSERT_TRUE(p2.add(second, {.headers = opn.core().headers_source(), .limiter = &key_limit, .retry = retries()}));
  p2.run();
  EXPECT_EQ(second.ledger().items().size(), 0U);
}

TEST_F(Concurrency, PredictStreetCancelBatchFaultsThenResume) {
  limits_on("predictstreet");
  const std::vector<std::string> ids = seed_ps(1000);
  betwire::curl_transport blocking{{.base_url = sim_->base_url("predictstreet")}};
  ps::client psc{blocking, {.api_key = betwire::secret(ps_key)}};
  auto net = multi("predictstreet", 8);
  http::rate_limiter batch_limit{ps::limits::cancel_batch()};

  ps::cancel_batch_op op{ids};
  recording<ps::cancel_batch_op> rec{op};
  http::pipeline p{net, {.max_in_flight = 8}};
  ASSERT_TRUE(p.add(rec, {.headers = psc.core().headers_source(), .limiter = &batch_limit, .retry = no_retry()}));
  p.step(0ms);  // the first batches go out
  arm("/predictstreet/api/orders/cancel-batch", "reset", 1);
  arm("/predictstreet/api/orders/cancel-batch", "status=500", 1);
  arm("/predictstreet/api/orders/cancel-batch", "429", 2);
  p.run();
  const auto& led = op.ledger();
  ASSERT_EQ(led.requests().size(), 10U);
  std::size_t failed_requests = 0;
  for (const auto& r : led.requests()) {
    EXPECT_NE(r.state, http::request_state::not_sent);
    EXPECT_NE(r.state, http::request_state::sent);
    failed_requests += r.state == http::request_state::failed;
  }
  // The 500 and the two 429s always show; the reset too unless libcurl re-sent it by itself.
  EXPECT_GE(failed_requests, 3U);
  EXPECT_LE(failed_requests, 4U);
  EXPECT_EQ(led.tally().cancelled, 100U * (10U - failed_requests));
  EXPECT_EQ(batch_limit.stats().throttled, 2U) << "only the injected 429s";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const auto& it = led.items()[i];
    ASSERT_EQ(it.id, ids[i]);
    if (it.state == http::cancel_state::cancelled) EXPECT_EQ(ps_status(it.id), "CANCELLED") << it.id;
    else EXPECT_EQ(it.state, http::cancel_state::failed) << it.id;
  }
  const auto resume = led.resume_ids();
  ASSERT_EQ(resume.size(), 100U * failed_requests);
  ps::cancel_batch_op again{resume};
  http::pipeline p2{net, {.max_in_flight = 8}};
  ASSERT_TRUE(p2.add(again, {.headers = psc.core().headers_source(), .limiter = &batch_limit, .retry = retries()}));
  p2.run();
  EXPECT_EQ(again.ledger().tally().failed, 0U);
  EXPECT_EQ(again.ledger().tally().cancelled + again.ledger().tally().not_cancelled, resume.size());
  for (const std::string& id : ids) EXPECT_EQ(ps_status(id), "CANCELLED") << id;
}

TEST_F(Concurrency, AbpReadsByIdChunksInFlightThroughAResetA500AndA429Storm) {
  auto r = sim_->post("/_sim/seed-orders", R"({"venue":"abp","userRef":"bettor1234","count":300})");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto seeded = nlohmann::json::parse(r.body)["orderIds"].get<std::vector<std::int64_t>>();
  betwire::curl_transport blocking{{.base_url = sim_->base_url("abp")}};
  abp::client abc{blocking, {.api_key = betwire::secret("abp-test-key-0001")}};
  auto net = multi("abp", 8);
  arm("/abp/orders", "reset", 1);
  arm("/abp/orders", "status=500", 1);
  arm("/abp/orders", "429", 3);
  std::set<std::int64_t> got;
  auto op = abp::orders_by_ids(seeded, 30, [&](std::size_t, abp::orders_page_view& page) {
    for (const auto& o : page.orders) got.insert(o.order_id);
  });
  recording<abp::orders_pages_op> rec{op};
  http::pipeline p{net, {.max_in_flight = 8}};
  ASSERT_TRUE(p.add(rec, {.headers = abc.core().headers_source(), .retry = retries()}));
  p.run();
  EXPECT_EQ(nlohmann::json::parse(sim_->get("/_sim/faults").body)["armed"].size(), 0U) << "every fault fired";
  EXPECT_TRUE(op.ok());
  EXPECT_EQ(got.size(), seeded.size());
  EXPECT_EQ(op.pages(), 10U);
  EXPECT_FALSE(std::is_sorted(rec.order.begin(), rec.order.end()));
}

TEST_F(Concurrency, TwoPipelinesSharingOneLimiterNeverExceedIt) {
  limits_on("opinion");
  ASSERT_TRUE(sim_->post("/_sim/latency", R"({"ms": 20, "jitterMs": 5})").ok);
  const std::vector<std::string> ids = seed_opinion(80);
  const std::vector<std::string> first(ids.begin(), ids.begin() + 40), second(ids.begin() + 40, ids.end());
  http::rate_limiter key_limit{opinion::limits::per_key()};
  auto run = [&](const std::vector<std::string>* mine, opinion::cancel_orders_op* op) {
    betwire::curl_transport blocking{{.base_url = sim_->base_url("opinion")}};
    opinion::client opn{blocking, {.api_key = betwire::secret(alice_key)}};
    auto net = multi("opinion", 8);
    op->assign(*mine);
    http::pipeline p{net, {.max_in_flight = 8}};
    if (!p.add(*op, {.headers = opn.core().headers_source(), .limiter = &key_limit, .retry = no_retry()})) return;
    p.run();
  };
  opinion::cancel_orders_op a, b;
  std::thread t1(run, &first, &a), t2(run, &second, &b);
  t1.join();
  t2.join();
  // Retries off: a single 429 from the simulator (its enforced 15/s) would show as failed.
  EXPECT_EQ(a.ledger().tally().cancelled, 40U);
  EXPECT_EQ(b.ledger().tally().cancelled, 40U);
  EXPECT_EQ(key_limit.stats().throttled, 0U);
}

TEST_F(Concurrency, UrgentCancelDoesNotWaitBehindALongRead) {
  ASSERT_TRUE(sim_->post("/_sim/latency", R"({"ms": 100, "jitterMs": 0})").ok);
  auto r = sim_->post("/_sim/seed-orders", R"({"venue":"abp","userRef":"bettor1234","count":400})");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto seeded = nlohmann::json::parse(r.body)["orderIds"].get<std::vector<std::int64_t>>();
  const std::vector<std::string> cancel_ids = seed_opinion(1);

  betwire::curl_transport ablocking{{.base_url = sim_->base_url("abp")}};
  abp::client abc{ablocking, {.api_key = betwire::secret("abp-test-key-0001")}};
  betwire::curl_transport oblocking{{.base_url = sim_->base_url("opinion")}};
  opinion::client opn{oblocking, {.api_key = betwire::secret(alice_key)}};
  // One multi transport for both venues: the targets carry the venue's prefix.
  betwire::curl_multi_transport net({.easy = {.base_url = sim_->root_url()}, .max_in_flight = 4, .max_host_connections = 4});
  // The reads: 40 chunks of 10, far more than the window of 4. Their targets get the /abp prefix.
  struct prefixed {
    abp::orders_pages_op& m;
    std::string prefix;
    http::next_step next(http::outgoing& out) {
      const http::next_step s = m.next(out);
      if (s == http::next_step::send) {
        out.buffers.target.insert(0, prefix);
        out.request.target = out.buffers.target;
      }
      return s;
    }
    void complete(http::answer& a) { m.complete(a); }
  };
  std::size_t pages = 0;
  auto reads = abp::orders_by_ids(seeded, 10, [&](std::size_t, abp::orders_page_view&) { ++pages; });
  prefixed preads{reads, "/abp"};
  opinion::cancel_orders_op cancel{cancel_ids};
  struct prefixed_cancel {
    opinion::cancel_orders_op& m;
    std::chrono::steady_clock::time_point done_at{};
    http::next_step next(http::outgoing& out) {
      const http::next_step s = m.next(out);
      if (s == http::next_step::send) {
        out.buffers.target.insert(0, "/opinion/openapi");
        out.request.target = out.buffers.target;
      }
      return s;
    }
    void complete(http::answer& a) {
      m.complete(a);
      done_at = std::chrono::steady_clock::now();
    }
  } pcancel{cancel};

  http::pipeline p{net, {.max_in_flight = 4, .urgent_reserve = 1}};
  ASSERT_TRUE(p.add(preads, {.headers = abc.core().headers_source()}));
  p.step(0ms);
  const auto issued = std::chrono::steady_clock::now();
  ASSERT_TRUE(p.add(pcancel, {.headers = opn.core().headers_source(), .priority = http::priority::urgent}));
  p.run();
  EXPECT_EQ(cancel.ledger().tally().cancelled, 1U);
  EXPECT_EQ(pages, 40U);
  // The read takes ~40 / 3 round trips of 100 ms; the urgent cancel one (plus scheduling).
  EXPECT_LT(pcancel.done_at - issued, 400ms);
}
