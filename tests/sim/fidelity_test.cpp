// Venue fidelity at the wire level (issue #14): betwire's clients through betwire::curl_transport
// against the simulator answering the forms the venues' documents give, not the forms betwire used
// to assume. Each test here failed before its fix:
//   - Opinion: a cancel answers {"errno":0,"errmsg":"","result":{"data":{"orderId","status":3}}};
//     cancel_order / cancel_orders / cancel_all_orders must report it as the success it is.
//   - PredictStreet: orders carry side "buy"/"sell" (any case in requests) and an outcome index
//     ("0", "1", ...); they must decode as such, and filters must go out in those spellings.
//   - An empty-body POST (PredictStreet cancel-all without a filter) must not go out as a form
//     (libcurl's default Content-Type): the simulator refuses non-JSON Content-Types with 415.
//   - ABP: one order with bookmakerBetId / placedAt / expiresAt null and no meta key must not fail
//     its page (the tolerance policy: betwire_nullable); required fields stay required.
//   - Decode options (json::read_options as each client's second template argument) reach every
//     answer the client reads, its composite calls included: pages the default reads are refused
//     under a lowered max_depth, through each venue's client.

#include <betwire/abp/abp.hpp>
#include <betwire/opinion/opinion.hpp>
#include <betwire/predictstreet/predictstreet.hpp>
#include <betwire/transport/curl.hpp>

#include "simulator_process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace abp = betwire::abp;
namespace opinion = betwire::opinion;
namespace ps = betwire::predictstreet;
using betwire::error_category;

namespace {

class Fidelity : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { sim_ = std::make_unique<betwire::test::simulator_process>(std::vector<std::string>{}); }
  static void TearDownTestSuite() { sim_.reset(); }

  void SetUp() override {
    ASSERT_TRUE(sim_->ok()) << sim_->error();
    ASSERT_EQ(sim_->post("/_sim/reset").status, 200);
  }

  static nlohmann::json post_json(const std::string& path, const nlohmann::json& body) {
    auto r = sim_->post(path, body.dump());
    EXPECT_EQ(r.status, 200) << path << ": " << r.body;
    return r.ok ? nlohmann::json::parse(r.body, nullptr, false) : nlohmann::json();
  }

  static std::unique_ptr<betwire::test::simulator_process> sim_;
};
std::unique_ptr<betwire::test::simulator_process> Fidelity::sim_;

// ---- Opinion: a successful cancel is a success --------------------------------------------------------

constexpr const char* carol = "opn-test-key-carol-0003";

class OpinionFidelity : public Fidelity {
 protected:
  void SetUp() override {
    Fidelity::SetUp();
    net_ = std::make_unique<betwire::curl_transport>(betwire::curl_options{.base_url = sim_->base_url("opinion")});
    ASSERT_TRUE(net_->valid());
    opn_ = std::make_unique<opinion::client<betwire::curl_transport>>(*net_,
                                                                       opinion::client_options{.api_key = betwire::secret(carol)});
  }
  std::vector<std::string> seed(int count, int side, std::int64_t market) {
    const auto j = post_json("/_sim/seed-orders", {{"venue", "opinion"}, {"user", "carol"}, {"count", count},
                                                   {"status", 1}, {"marketId", market}, {"side", side}});
    return j["orderIds"].get<std::vector<std::string>>();
  }
  int status_of(const std::string& id) { return post_json("/_sim/opinion/order", {{"orderId", id}})["status"].get<int>(); }

  std::unique_ptr<betwire::curl_transport> net_;
  std::unique_ptr<opinion::client<betwire::curl_transport>> opn_;
};

TEST_F(OpinionFidelity, CancelAnsweredInResultDataIsASuccess) {
  const auto ids = seed(1, 1, 4100);
  auto r = opn_->cancel_order(ids[0]);
  ASSERT_TRUE(r) << r.error();
  // What reached us is the documented form, and it was read.
  const auto wire = nlohmann::json::parse(opn_->last_response().body);
  ASSERT_TRUE(wire["result"].contains("data")) << opn_->last_response().body;
  ASSERT_TRUE(r->data.has_value());
  EXPECT_EQ(r->data->order_id, ids[0]);
  EXPECT_EQ(r->data->status, opinion::order_status::canceled);
  EXPECT_EQ(status_of(ids[0]), 3);
}

TEST_F(OpinionFidelity, CancelManyAndCancelAllCountEverySuccess) {
  const auto some = seed(3, 1, 4200);
  auto many = opn_->cancel_orders(some);
  ASSERT_EQ(many.size(), 3u);
  for (const auto& o : many) EXPECT_TRUE(o.success) << o.order_id << ": " << (o.error ? o.error->describe() : "");

  const auto all = seed(15, 2, 4300);
  auto r = opn_->cancel_all_orders({.market_id = 4300});
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->total_orders, 15u);
  EXPECT_EQ(r->cancelled, 15u);  // was "0 cancelled, 15 failed" while all 15 were cancelled
  EXPECT_EQ(r->failed, 0u);
  for (const auto& id : all) EXPECT_EQ(status_of(id), 3) << id;
}

TEST_F(OpinionFidelity, ErrnoZeroIsSuccessInEveryResultForm) {
  for (const char* form : {"result-true", "null", "empty"}) {
    ASSERT_EQ(post_json("/_sim/opinion/cancel-form", {{"form", form}})["form"], form);
    const auto ids = seed(1, 1, 4400);
    auto r = opn_->cancel_order(ids[0]);
    ASSERT_TRUE(r) << form << ": " << r.error();
    EXPECT_FALSE(r->data.has_value()) << form;
    EXPECT_EQ(status_of(ids[0]), 3) << form;
    auto twice = opn_->cancel_order(ids[0]);  // and an errno stays an error
    ASSERT_FALSE(twice) << form;
    EXPECT_EQ(twice.error().category, error_category::venue);
    EXPECT_EQ(twice.error().venue_code, "10409");
  }
}

// ---- PredictStreet: side and outcome as the venue spells them ------------------------------------------

constexpr const char* ps_key = "ps_test_0000000000000a01_simSingleSecret_0123456789abcdefghijklmnopq";
constexpr const char* ps_wallet = "0xa11ce00000000000000000000000000000000001";

class PsFidelity : public Fidelity {
 protected:
  void SetUp() override {
    Fidelity::SetUp();
    net_ = std::make_unique<betwire::curl_transport>(betwire::curl_options{.base_url = sim_->base_url("predictstreet")});
    ASSERT_TRUE(net_->valid());
    ps_ = std::make_unique<ps::client<betwire::curl_transport>>(*net_, ps::client_options{.api_key = betwire::secret(ps_key)});
  }
  std::vector<std::string> seed(int count, const char* market, const char* side, const char* outcome) {
    const auto j = post_json("/_sim/seed-orders", {{"venue", "predictstreet"}, {"wallet", ps_wallet}, {"count", count},
                                                   {"status", "OPEN"}, {"marketId", market}, {"side", side},
                                                   {"outcome", outcome}});
    return j["orderIds"].get<std::vector<std::string>>();
  }
  nlohmann::json last_request() { return nlohmann::json::parse(sim_->get("/_sim/last-request").body); }
  std::string status_of(const std::string& id) {
    return post_json("/_sim/predictstreet/order", {{"orderId", id}})["status"].get<std::string>();
  }

  std::unique_ptr<betwire::curl_transport> net_;
  std::unique_ptr<ps::client<betwire::curl_transport>> ps_;
};

TEST_F(PsFidelity, OrdersDecodeSideAndOutcomeIndex) {
  const auto sells = seed(2, "mkt-fid-1", "sell", "1");
  const auto buys = seed(1, "mkt-fid-1", "buy", "0");
  auto page = ps_->open_orders({.market_id = "mkt-fid-1", .limit = 500});
  ASSERT_TRUE(page) << page.error();
  ASSERT_EQ(page->orders.size(), 3u);
  for (const auto& o : page->orders) {
    const bool is_sell = o.id == sells[0] || o.id == sells[1];
    EXPECT_EQ(o.side, is_sell ? ps::side::sell : ps::side::buy) << o.id;  // was side::unknown
    EXPECT_EQ(o.outcome, is_sell ? 1 : 0) << o.id;
  }
  // The wire really said "sell" and "1".
  const auto wire = nlohmann::json::parse(ps_->last_response().body);
  EXPECT_EQ(wire["orders"][0]["side"], "buy");
  EXPECT_EQ(wire["orders"][0]["outcome"], "0");

  // Filters go out in the venue's spelling and select what they name.
  auto filtered = ps_->open_orders({.market_id = "mkt-fid-1", .side = ps::side::sell, .outcome = 1, .limit = 500});
  ASSERT_TRUE(filtered) << filtered.error();
  EXPECT_EQ(filtered->orders.size(), 2u);
  EXPECT_EQ(last_request()["params"]["side"][0], "sell");
  EXPECT_EQ(last_request()["params"]["outcome"][0], "1");

  auto r = ps_->cancel_all({.market_id = "mkt-fid-1", .side = ps::side::sell, .outcome = 1});
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->cancelled_count, 2);
  const auto body = nlohmann::json::parse(last_request()["body"].get<std::string>());
  EXPECT_EQ(body["side"], "sell");
  EXPECT_EQ(body["outcome"], "1");
  EXPECT_EQ(status_of(buys[0]), "OPEN");
  EXPECT_EQ(status_of(sells[0]), "CANCELLED");
}

// ---- an empty body is no form ----------------------------------------------------------------------

TEST_F(PsFidelity, EmptyBodyCancelAllSendsNoContentType) {
  const auto ids = seed(3, "mkt-fid-2", "buy", "0");
  auto r = ps_->cancel_all();
  ASSERT_TRUE(r) << r.error();  // 415 when libcurl's form Content-Type went out
  EXPECT_GE(r->cancelled_count, 3);  // everything open of the wallet (the seeded orders too)
  const auto req = last_request();
  EXPECT_EQ(req["method"], "POST");
  EXPECT_EQ(req["bodyLength"], 0);
  EXPECT_FALSE(req["headers"].contains("content-type")) << req["headers"].dump();
  for (const auto& id : ids) EXPECT_EQ(status_of(id), "CANCELLED") << id;

  // A body still says what it is.
  const auto more = seed(1, "mkt-fid-3", "sell", "2");
  ASSERT_TRUE(ps_->cancel_all({.market_id = "mkt-fid-3"}));
  EXPECT_EQ(last_request()["headers"]["content-type"], "application/json");
  EXPECT_EQ(status_of(more[0]), "CANCELLED");
}

// ---- ABP: one odd order does not fail a page ----------------------------------------------------------

TEST_F(Fidelity, AbpPageWithNullAndMissingOptionalFieldsDecodes) {
  const auto seeded = post_json("/_sim/seed-orders", {{"venue", "abp"}, {"userRef", "fid-odd"}, {"count", 5},
                                                      {"status", "PARTIALLY_FILLED"}, {"confirmedBet", true}});
  const auto ids = seeded["orderIds"].get<std::vector<std::int64_t>>();
  ASSERT_EQ(ids.size(), 5u);
  post_json("/_sim/abp/odd-orders", {{"orderIds", nlohmann::json::array({ids[2]})}});

  betwire::curl_transport net{{.base_url = sim_->base_url("abp")}};
  abp::client<betwire::curl_transport> c{net, {.api_key = betwire::secret("abp-test-key-0001")}};
  for (bool view : {false, true}) {
    abp::orders_page owning;
    abp::orders_page_view views;
    auto r = view ? c.get_orders({.user_ref = "fid-odd"}, views) : c.get_orders({.user_ref = "fid-odd"}, owning);
    ASSERT_TRUE(r) << r.error();  // was: decode error at orders[..].expiresAt (or .meta, .bets[0].placedAt)
    const std::string& body = c.last_response().body;
    ASSERT_NE(body.find("\"expiresAt\":null"), std::string::npos) << "the simulator sent no odd order";
    auto check = [&](const auto& page) {
      ASSERT_EQ(page.orders.size(), 5u);
      std::size_t odd = 0;
      for (const auto& o : page.orders) {
        ASSERT_FALSE(o.bets.empty());
        if (o.order_id != ids[2]) {
          EXPECT_NE(o.expires_at, betwire::timestamp{}) << o.order_id;
          EXPECT_FALSE(std::string_view(o.bets[0].bookmaker_bet_id).empty()) << o.order_id;
          continue;
        }
        ++odd;
        EXPECT_EQ(o.expires_at, betwire::timestamp{});  // null -> the default
        EXPECT_TRUE(o.meta.is_null());                  // missing -> null
        EXPECT_TRUE(std::string_view(o.bets[0].bookmaker_bet_id).empty());
        EXPECT_EQ(o.bets[0].placed_at, betwire::timestamp{});
        EXPECT_NE(o.bets[0].bet_id, 0);  // required fields are still read
      }
      EXPECT_EQ(odd, 1u);
    };
    if (view) check(views);
    else check(owning);
  }
}

// ---- decode options reach the wire path of every client ---------------------------------------------

// An ABP page is page {} > orders [] > order {} > bets [] > bet {}: five levels.
TEST_F(Fidelity, DecodeOptionsReachTheAbpClient) {
  post_json("/_sim/seed-orders", {{"venue", "abp"}, {"userRef", "fid-opts"}, {"count", 3},
                                  {"status", "PARTIALLY_FILLED"}, {"confirmedBet", true}});
  betwire::curl_transport net{{.base_url = sim_->base_url("abp")}};
  constexpr betwire::json::read_options four{.max_depth = 4};
  abp::client<betwire::curl_transport> plain{net, {.api_key = betwire::secret("abp-test-key-0001")}};
  abp::client<betwire::curl_transport, four> shallow{net, {.api_key = betwire::secret("abp-test-key-0001")}};

  abp::orders_page_view page;
  auto ok = plain.get_orders({.user_ref = "fid-opts"}, page);
  ASSERT_TRUE(ok) << ok.error();
  ASSERT_EQ(page.orders.size(), 3u);
  ASSERT_FALSE(page.orders[0].bets.empty());

  auto refused = shallow.get_orders({.user_ref = "fid-opts"}, page);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, betwire::errc::depth_exceeded);
  EXPECT_EQ(refused.status(), 200);
  std::size_t pages = 0;
  for (auto&& p : shallow.orders_pages({.user_ref = "fid-opts"})) {  // the range too
    ++pages;
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error().code, betwire::errc::depth_exceeded);
  }
  EXPECT_EQ(pages, 1u);
}

// Opinion: envelope {} > result {} > data {} (a cancel) or > list [] (a page): three levels.
TEST_F(OpinionFidelity, DecodeOptionsReachTheClientAndItsMachines) {
  constexpr betwire::json::read_options two{.max_depth = 2};
  opinion::client<betwire::curl_transport, two> shallow{*net_, opinion::client_options{.api_key = betwire::secret(carol)}};
  const auto ids = seed(2, 1, 4500);

  auto one = shallow.cancel_order(ids[0]);
  ASSERT_FALSE(one);
  EXPECT_EQ(one.error().code, betwire::errc::depth_exceeded);
  EXPECT_EQ(status_of(ids[0]), 3);  // the venue did cancel: the answer is what was refused

  auto many = shallow.cancel_orders(std::vector<std::string>{ids[1]});  // basic_cancel_orders_op
  ASSERT_EQ(many.size(), 1u);
  EXPECT_FALSE(many[0].success);
  ASSERT_TRUE(many[0].error.has_value());
  EXPECT_EQ(many[0].error->code, betwire::errc::depth_exceeded);

  const auto rest = seed(3, 2, 4600);
  auto all = shallow.cancel_all_orders({.market_id = 4600});  // its listing: nothing is cancelled
  ASSERT_FALSE(all);
  EXPECT_EQ(all.error().code, betwire::errc::depth_exceeded);
  for (const auto& id : rest) EXPECT_EQ(status_of(id), 1) << id;

  auto plain = opn_->cancel_all_orders({.market_id = 4600});  // the defaults read the same pages
  ASSERT_TRUE(plain) << plain.error();
  EXPECT_EQ(plain->cancelled, 3u);
}

// PredictStreet: a page is page {} > orders [] > order {} (three levels), a cancel-batch answer
// two ({"cancelled": [...], "notCancelled": {...}}).
TEST_F(PsFidelity, DecodeOptionsReachTheClientAndItsMachine) {
  constexpr betwire::json::read_options two{.max_depth = 2};
  constexpr betwire::json::read_options one_level{.max_depth = 1};
  ps::client<betwire::curl_transport, two> shallow{*net_, ps::client_options{.api_key = betwire::secret(ps_key)}};
  ps::client<betwire::curl_transport, one_level> flat{*net_, ps::client_options{.api_key = betwire::secret(ps_key)}};
  const auto ids = seed(3, "mkt-fid-opts", "buy", "0");

  auto page = ps_->open_orders({.market_id = "mkt-fid-opts"});
  ASSERT_TRUE(page) << page.error();
  EXPECT_EQ(page->orders.size(), 3u);
  auto refused = shallow.open_orders({.market_id = "mkt-fid-opts"});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, betwire::errc::depth_exceeded);

  // cancel_batch_all (basic_cancel_batch_op): two levels are read under max_depth 2, not under 1.
  auto failed = flat.cancel_batch_all(std::vector<std::string>{ids[0]});
  ASSERT_TRUE(failed.failure.has_value());
  EXPECT_EQ(failed.failure->error.code, betwire::errc::depth_exceeded);
  EXPECT_EQ(failed.unprocessed, std::vector<std::string>{ids[0]});
  auto done = shallow.cancel_batch_all(std::vector<std::string>{ids[1], ids[2]});
  EXPECT_TRUE(done.ok()) << (done.failure ? done.failure->error.describe() : "");
  EXPECT_EQ(done.merged.cancelled.size(), 2u);
  EXPECT_EQ(status_of(ids[1]), "CANCELLED");
}

}  // namespace
