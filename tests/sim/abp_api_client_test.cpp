// abp::client through betwire::curl_transport against the loopback simulator, for the endpoints
// beyond orders and bets: the kill switch, accounts, betslip, reference data, analytics, probes.

#include <betwire/abp/abp.hpp>
#include <betwire/transport/curl.hpp>

#include "simulator_process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace http = betwire::http;
namespace abp = betwire::abp;
using betwire::errc;
using namespace betwire::literals;

namespace abpapisim {

class AbpApiSim : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    sim_ = std::make_unique<betwire::test::simulator_process>(std::vector<std::string>{"--venues", "abp"});
  }
  static void TearDownTestSuite() { sim_.reset(); }

  void SetUp() override {
    ASSERT_TRUE(sim_->ok()) << sim_->error();
    ASSERT_EQ(sim_->post("/_sim/reset").status, 200);
    net_ = std::make_unique<betwire::curl_transport>(betwire::curl_options{.base_url = sim_->base_url("abp")});
    ASSERT_TRUE(net_->valid());
  }

  std::unique_ptr<abp::client<betwire::curl_transport>> make_client(std::string_view key = "abp-test-key-0001") {
    return std::make_unique<abp::client<betwire::curl_transport>>(*net_,
                                                                  abp::client_options{.api_key = betwire::secret(key)});
  }
  nlohmann::json seed(const std::string& body) {
    auto r = sim_->post("/_sim/seed-orders", body);
    EXPECT_EQ(r.status, 200) << r.body;
    return nlohmann::json::parse(r.body);
  }

  static std::unique_ptr<betwire::test::simulator_process> sim_;
  std::unique_ptr<betwire::curl_transport> net_;
};
std::unique_ptr<betwire::test::simulator_process> AbpApiSim::sim_;

}  // namespace abpapisim

using abpapisim::AbpApiSim;

TEST_F(AbpApiSim, CancelAllOrdersIsTheKillSwitch) {
  auto abp = make_client();
  // Open orders of both kinds, and one the switch cannot cancel (a confirmed bet).
  const auto pending = seed(R"({"venue":"abp","userRef":"kill-1","count":3,"status":"PENDING"})");
  const auto held = seed(R"({"venue":"abp","userRef":"kill-2","count":1,"status":"PARTIALLY_FILLED","confirmedBet":true})");
  const auto other = seed(R"({"venue":"abp","userRef":"kill-3","count":2,"status":"PENDING","client":"acme"})");

  auto r = abp->cancel_all_orders();
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r.status(), 200);
  EXPECT_EQ(r->status, "cancelled");
  EXPECT_EQ(r->cancelled_count, static_cast<std::int64_t>(r->cancelled.size()));
  std::set<std::int64_t> cancelled;
  for (const auto& o : r->cancelled) {
    EXPECT_EQ(o.order_status, abp::order_status::cancelled);
    EXPECT_EQ(o.client_name, "demo");
    cancelled.insert(o.order_id);
  }
  for (const auto& id : pending["orderIds"]) EXPECT_TRUE(cancelled.count(id.get<std::int64_t>())) << id;
  for (const auto& id : other["orderIds"]) EXPECT_FALSE(cancelled.count(id.get<std::int64_t>())) << id;
  bool held_listed = false;
  for (const auto& o : r->not_cancelled.orders) held_listed |= o.order_id == held["orderIds"][0].get<std::int64_t>();
  EXPECT_TRUE(held_listed);

  // Nothing of the key's client is open any more: its PENDING orders are gone.
  auto left = abp->get_orders({.user_ref = "kill-1"});
  ASSERT_TRUE(left) << left.error();
  for (const auto& o : left->orders) EXPECT_EQ(o.order_status, abp::order_status::cancelled);
  // The other client's orders are untouched.
  auto acme = make_client("abp-test-key-0002");
  auto theirs = acme->get_orders({.user_ref = "kill-3"});
  ASSERT_TRUE(theirs) << theirs.error();
  ASSERT_EQ(theirs->orders.size(), 2u);
  for (const auto& o : theirs->orders) EXPECT_EQ(o.order_status, abp::order_status::pending);

  // Again: nothing left to cancel, a 200 with cancelledCount 0, into a reused view.
  abp::cancel_orders_response_view view;
  auto again = abp->cancel_all_orders(view);
  ASSERT_TRUE(again) << again.error();
  EXPECT_EQ(view.cancelled_count, 0);
  EXPECT_TRUE(view.cancelled.empty());

  // A key without a client: 403, nothing sent twice.
  auto noclient = make_client("abp-test-key-noclient");
  auto denied = noclient->cancel_all_orders();
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code, errc::forbidden);
}
