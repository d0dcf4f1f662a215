// Venue fidelity at the wire level (issue #14): betwire's clients through betwire::curl_transport
// against the simulator answering the forms the venues' documents give, not the forms betwire used
// to assume. Each test here failed before its fix:
//   - Opinion: a cancel answers {"errno":0,"errmsg":"","result":{"data":{"orderId","status":3}}};
//     cancel_order / cancel_orders / cancel_all_orders must report it as the success it is.

#include <betwire/opinion/opinion.hpp>
#include <betwire/transport/curl.hpp>

#include "simulator_process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace opinion = betwire::opinion;
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

}  // namespace
