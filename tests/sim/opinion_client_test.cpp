// opinion::client through betwire::curl_transport against the loopback simulator: listing (query
// encoding end to end, status set, market filter, pages), cancel one / many / all, both envelope
// forms, errno errors under HTTP 200 (unknown id, another user's order, cancelling twice), a bad
// key, the side filter of cancel-all, and a multi-page cancel-all under the venue's enforced rate
// limit without a single 429.

#include <betwire/opinion/opinion.hpp>
#include <betwire/transport/curl.hpp>

#include "simulator_process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace http = betwire::http;
namespace opinion = betwire::opinion;
using betwire::errc;
using betwire::error_category;

namespace opnsim {

constexpr const char* alice = "opn-test-key-alice-0001";
constexpr const char* bob = "opn-test-key-bob-0002";
constexpr const char* carol = "opn-test-key-carol-0003";

class OpinionSim : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    sim_ = std::make_unique<betwire::test::simulator_process>(std::vector<std::string>{"--venues", "opinion"});
  }
  static void TearDownTestSuite() { sim_.reset(); }

  void SetUp() override {
    ASSERT_TRUE(sim_->ok()) << sim_->error();
    ASSERT_EQ(sim_->post("/_sim/reset").status, 200);
    net_ = std::make_unique<betwire::curl_transport>(betwire::curl_options{.base_url = sim_->base_url("opinion")});
    ASSERT_TRUE(net_->valid());
  }

  std::unique_ptr<opinion::client<betwire::curl_transport>> make_client(std::string_view key,
                                                                        opinion::client_options o = {}) {
    o.api_key = betwire::secret(key);
    return std::make_unique<opinion::client<betwire::curl_transport>>(*net_, std::move(o));
  }

  nlohmann::json last_request() { return nlohmann::json::parse(sim_->get("/_sim/last-request").body); }
  nlohmann::json sim_order(std::string_view id) {
    auto r = sim_->post("/_sim/opinion/order", nlohmann::json{{"orderId", id}}.dump());
    EXPECT_EQ(r.status, 200) << r.body;
    return nlohmann::json::parse(r.body);
  }
  std::vector<std::string> seed(std::string_view user, int count, int side, std::int64_t market, int status = 1) {
    nlohmann::json body{{"venue", "opinion"}, {"user", user},     {"count", count},
                        {"status", status},   {"marketId", market}, {"side", side}};
    auto r = sim_->post("/_sim/seed-orders", body.dump());
    EXPECT_EQ(r.status, 200) << r.body;
    return nlohmann::json::parse(r.body)["orderIds"].get<std::vector<std::string>>();
  }
  // Every order of `c`'s user with these statuses (all pages).
  std::vector<opinion::order> list_all(opinion::client<betwire::curl_transport>& c,
                                       std::vector<opinion::order_status> status, std::int64_t market = 0) {
    std::vector<opinion::order> all;
    for (std::int32_t page = 1;; ++page) {
      auto r = c.get_orders({.market_id = market, .status = status, .limit = 20, .page = page});
      EXPECT_TRUE(r) << r.error();
      if (!r) break;
      for (auto& o : r->list) all.push_back(std::move(o));
      if (r->list.size() < 20) break;
    }
    return all;
  }

  static std::unique_ptr<betwire::test::simulator_process> sim_;
  std::unique_ptr<betwire::curl_transport> net_;
};
std::unique_ptr<betwire::test::simulator_process> OpinionSim::sim_;

}  // namespace opnsim

using opnsim::OpinionSim;
using S = opinion::order_status;

// ---- listing -------------------------------------------------------------------------------------

TEST_F(OpinionSim, ListsOrdersFieldByFieldAgainstTheSimulator) {
  auto c = make_client(opnsim::alice);
  auto page = c->get_orders({.status = {S::pending}, .limit = 5});
  ASSERT_TRUE(page) << page.error();
  EXPECT_EQ(page.status(), 200);
  ASSERT_EQ(page->list.size(), 5u);
  EXPECT_GT(page->total, 5);
  const auto req = last_request();
  EXPECT_EQ(req["target"], "/opinion/openapi/order?status=1&limit=5&page=1&chain_id=56");
  EXPECT_EQ(req["headers"]["apikey"], opnsim::alice);
  for (const auto& o : page->list) {
    const auto want = sim_order(o.order_id);
    const auto& w = want.contains("orderData") ? want["orderData"] : want;
    EXPECT_EQ(o.status, S::pending);
    EXPECT_EQ(static_cast<int>(o.side), w["side"].get<int>());
    EXPECT_EQ(o.market_id, w["marketId"].get<std::int64_t>());
    EXPECT_EQ(o.market_title, w["marketTitle"].get<std::string>());
    EXPECT_EQ(o.root_market_id, w["rootMarketId"].get<std::int64_t>());
    EXPECT_EQ(static_cast<int>(o.trading_method), w["tradingMethod"].get<int>());
    EXPECT_EQ(static_cast<int>(o.outcome_side), w["outcomeSide"].get<int>());
    EXPECT_EQ(o.price.text(), w["price"].get<std::string>());
    EXPECT_EQ(o.order_shares.text(), w["orderShares"].get<std::string>());
    EXPECT_EQ(o.order_amount.text(), w["orderAmount"].get<std::string>());
    EXPECT_EQ(o.quote_token, w["quoteToken"].get<std::string>());
    EXPECT_EQ(o.created_at.unix_seconds(), w["createdAt"].get<std::int64_t>());
    EXPECT_EQ(o.side_enum, o.side == opinion::order_side::buy ? "Buy" : "Sell");
  }
}

TEST_F(OpinionSim, StatusSetMarketFilterAndPages) {
  auto c = make_client(opnsim::alice);
  auto done = c->get_orders({.status = {S::filled, S::canceled}, .limit = 20});
  ASSERT_TRUE(done) << done.error();
  EXPECT_EQ(last_request()["params"]["status"][0], "2,3");
  ASSERT_FALSE(done->list.empty());
  for (const auto& o : done->list) EXPECT_TRUE(o.status == S::filled || o.status == S::canceled);

  const auto ids = seed("alice", 25, 1, 4242);
  opinion::orders_page_view view;  // the view model, reused across pages
  std::set<std::string> seen;
  for (std::int32_t p = 1; p <= 2; ++p) {
    auto r = c->get_orders({.market_id = 4242, .limit = 20, .page = p}, view);
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(view.total, 25);
    for (const auto& o : view.list) {
      EXPECT_EQ(o.market_id, 4242);
      seen.emplace(o.order_id);
    }
  }
  EXPECT_EQ(seen, std::set<std::string>(ids.begin(), ids.end()));
  EXPECT_EQ(last_request()["target"], "/opinion/openapi/order?market_id=4242&limit=20&page=2&chain_id=56");
}

TEST_F(OpinionSim, OrderDetail) {
  const auto ids = seed("carol", 1, 2, 77);
  auto c = make_client(opnsim::carol);
  auto o = c->get_order(ids.at(0));
  ASSERT_TRUE(o) << o.error();
  EXPECT_EQ(o->order_id, ids[0]);
  EXPECT_EQ(o->side, opinion::order_side::sell);
  EXPECT_EQ(o->market_id, 77);
}

// ---- cancel one ------------------------------------------------------------------------------------

TEST_F(OpinionSim, CancelOneThenTwiceThenUnknownThenForeign) {
  const auto ids = seed("carol", 1, 1, 500);
  const auto bobs = seed("bob", 1, 1, 500);
  auto c = make_client(opnsim::carol);

  auto ok = c->cancel_order(ids[0]);
  ASSERT_TRUE(ok) << ok.error();
  ASSERT_TRUE(ok->data.has_value());  // the documented result.data
  EXPECT_EQ(ok->data->order_id, ids[0]);
  EXPECT_EQ(ok->data->status, S::canceled);
  EXPECT_EQ(last_request()["body"], (nlohmann::json{{"orderId", ids[0]}}.dump()));
  EXPECT_EQ(sim_order(ids[0])["status"], 3);

  auto twice = c->cancel_order(ids[0]);
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().category, error_category::venue);
  EXPECT_EQ(twice.error().venue_code, "10409");
  EXPECT_EQ(twice.error().http_status, 200);
  EXPECT_EQ(twice.status(), 200);

  auto unknown = c->cancel_order("no-such-order");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().venue_code, "10404");
  EXPECT_FALSE(unknown.error().venue_message.empty());
  EXPECT_EQ(unknown.error().http_status, 200);

  auto foreign = c->cancel_order(bobs[0]);
  ASSERT_FALSE(foreign);
  EXPECT_EQ(foreign.error().venue_code, "10404");
  EXPECT_EQ(sim_order(bobs[0])["status"], 1);  // bob's order is untouched
  auto b = make_client(opnsim::bob);  // and bob still sees it pending
  auto mine = b->get_order(bobs[0]);
  ASSERT_TRUE(mine) << mine.error();
  EXPECT_EQ(mine->status, S::pending);
}

TEST_F(OpinionSim, CodeMsgEnvelopeForm) {
  ASSERT_EQ(sim_->post("/_sim/opinion/envelope", R"({"form":"code"})").status, 200);
  const auto ids = seed("carol", 3, 2, 600);
  auto c = make_client(opnsim::carol);
  auto page = c->get_orders({.market_id = 600});
  ASSERT_TRUE(page) << page.error();
  EXPECT_EQ(page->total, 3);
  ASSERT_TRUE(c->cancel_order(ids[0]));
  auto twice = c->cancel_order(ids[0]);
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().venue_code, "10409");
  EXPECT_EQ(twice.error().http_status, 200);
  auto unknown = c->cancel_order("nope");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().venue_code, "10404");
  // The raw body really is the code form.
  EXPECT_NE(c->last_response().body.find("\"code\""), std::string::npos);
}

TEST_F(OpinionSim, BadKeyIsUnauthorizedAndNeverPrinted) {
  auto c = make_client("opn-wrong-key-9999");
  auto r = c->get_orders({});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::unauthorized);
  EXPECT_EQ(r.status(), 401);
  EXPECT_EQ(r.error().describe().find("opn-wrong-key-9999"), std::string::npos);
  EXPECT_EQ(c->describe_last_request().find("opn-wrong-key-9999"), std::string::npos);
}

// ---- cancel many -----------------------------------------------------------------------------------

TEST_F(OpinionSim, BatchOneResultPerIdInOrder) {
  const auto ids = seed("carol", 2, 1, 700);
  auto c = make_client(opnsim::carol);
  const std::vector<std::string> input{ids[0], "missing", ids[1], ids[0]};
  auto out = c->cancel_orders(input);
  ASSERT_EQ(out.size(), 4u);
  for (std::size_t i = 0; i < out.size(); ++i) {
    EXPECT_EQ(out[i].index, i);
    EXPECT_EQ(out[i].order_id, input[i]);
  }
  EXPECT_TRUE(out[0].success);
  EXPECT_FALSE(out[1].success);
  EXPECT_EQ(out[1].error->venue_code, "10404");
  EXPECT_TRUE(out[2].success);
  EXPECT_FALSE(out[3].success);  // already canceled by the first
  EXPECT_EQ(out[3].error->venue_code, "10409");
  EXPECT_EQ(sim_order(ids[1])["status"], 3);
}

// ---- cancel all --------------------------------------------------------------------------------------

TEST_F(OpinionSim, SellOnlyCancelAllLeavesEveryBuyInPlace) {
  const auto buys = seed("carol", 6, 1, 800);
  const auto sells = seed("carol", 7, 2, 800);
  const auto other = seed("carol", 3, 2, 801);
  auto c = make_client(opnsim::carol);
  std::vector<opinion::progress> events;
  auto r = c->cancel_all_orders({.market_id = 800, .side = opinion::order_side::sell},
                                [&](const opinion::progress& p) { events.push_back(p); });
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->total_orders, 7u);
  EXPECT_EQ(r->cancelled, 7u);
  EXPECT_EQ(r->failed, 0u);
  std::set<std::string> cancelled;
  for (const auto& o : r->results) cancelled.insert(o.order_id);
  EXPECT_EQ(cancelled, std::set<std::string>(sells.begin(), sells.end()));

  // Listed afterwards: every buy and the other market's sells are still pending.
  std::set<std::string> pending;
  for (const auto& o : list_all(*c, {S::pending})) pending.insert(o.order_id);
  for (const auto& id : buys) EXPECT_TRUE(pending.count(id)) << id;
  for (const auto& id : other) EXPECT_TRUE(pending.count(id)) << id;
  for (const auto& id : sells) EXPECT_FALSE(pending.count(id)) << id;
  EXPECT_EQ(pending.size(), buys.size() + other.size());
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().phase, opinion::progress::phase::done);
  EXPECT_EQ(events.back().cancelled, 7u);
}

TEST_F(OpinionSim, BuyOnlyCancelAllAcrossMarkets) {
  const auto buys = seed("carol", 4, 1, 810);
  const auto more = seed("carol", 3, 1, 811);
  const auto sells = seed("carol", 5, 2, 810);
  auto c = make_client(opnsim::carol);
  auto r = c->cancel_all_orders({.side = opinion::order_side::buy});
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->cancelled, 7u);
  std::set<std::string> pending;
  for (const auto& o : list_all(*c, {S::pending})) pending.insert(o.order_id);
  EXPECT_EQ(pending, std::set<std::string>(sells.begin(), sells.end()));
}

TEST_F(OpinionSim, VenueRateLimitIsReallyEnforced) {
  ASSERT_EQ(sim_->post("/_sim/rate-limits", R"({"venue":"opinion","enabled":true})").status, 200);
  // Control: without the client's limiter (and without retries) a burst runs into 429.
  auto c = make_client(opnsim::carol, {.retry = {}, .limit = {.enabled = false}});
  bool limited = false;
  for (int i = 0; i < 30 && !limited; ++i) {
    auto r = c->get_orders({});
    if (!r && r.error().code == errc::rate_limited) {
      limited = true;
      EXPECT_EQ(r.status(), 429);
      EXPECT_TRUE(r.retry_after().has_value());
    }
  }
  EXPECT_TRUE(limited);
}

TEST_F(OpinionSim, CancelAllOfSixtyAcrossPagesStaysUnderTheRateLimit) {
  const auto ids = seed("carol", 60, 2, 900);
  ASSERT_EQ(ids.size(), 60u);
  ASSERT_EQ(sim_->post("/_sim/rate-limits", R"({"venue":"opinion","enabled":true})").status, 200);
  // Retries off: a single 429 would show up as a failed cancel or a failed listing.
  auto c = make_client(opnsim::carol, {.retry = {}});
  std::size_t last_processed = 0;
  bool monotonic = true;
  const auto t0 = std::chrono::steady_clock::now();
  auto r = c->cancel_all_orders({}, [&](const opinion::progress& p) {
    if (p.processed < last_processed) monotonic = false;
    last_processed = p.processed;
  });
  const auto elapsed = std::chrono::steady_clock::now() - t0;
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->pages, 4u);  // 20 + 20 + 20 + an empty page
  EXPECT_EQ(r->total_orders, 60u);
  EXPECT_EQ(r->cancelled, 60u);
  EXPECT_EQ(r->failed, 0u);
  for (const auto& o : r->results) EXPECT_TRUE(o.success) << o.order_id << ": " << (o.error ? o.error->describe() : "");
  EXPECT_TRUE(monotonic);
  EXPECT_EQ(last_processed, 60u);
  EXPECT_GT(c->limiter().waits(), 0u);
  EXPECT_GE(elapsed, std::chrono::seconds(3));  // 64 requests at <= 15/s
  for (const auto& id : ids) EXPECT_EQ(sim_order(id)["status"], 3) << id;
}
