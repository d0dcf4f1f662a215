// ABP endpoints beyond orders and bets, over the scripted transport (no sockets): the kill switch
// POST /cancel-all-orders, accounts, betslip, reference data, analytics and the infra probes —
// client-side validation (nothing is sent), target and body encoding, decoding, secrets never printed.

#include "scripted_transport.hpp"

#include <betwire/abp/abp.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace http = betwire::http;
namespace abp = betwire::abp;
using betwire::errc;
using betwire::error_category;
using betwire::test::scripted_transport;
using namespace betwire::literals;

namespace abpapi {

struct fixture {
  scripted_transport net;
  abp::client<scripted_transport> abp{net, {.api_key = betwire::secret("abp-test-key-0001")}};
};

constexpr std::string_view cancel_all_body =
    R"({"status":"cancelled","cancelledCount":1,"cancelled":[{"orderId":7,"requestUuid":"9eb7d99a-ab9b-41f3-9a06-23e70006bbe5","allowedBookmakers":"*","fixtureId":"f","outcomeId":103,"playerId":0,"orderPrice":1.95,"orderStake":50,"filledStake":0,"userRef":"u","testOrder":false,"orderCurrency":"USD","back":true,"expiresAt":"2026-02-07T16:15:53.270816+00:00","acceptBetterOdds":true,"acceptPartialStake":true,"clientName":"demo","orderStatus":"CANCELLED","createdAt":"2026-02-07T16:15:48.270816+00:00","updatedAt":"2026-02-07T16:15:48.270816+00:00","meta":null,"bets":[]}],"notCancelled":{"reason":"Order has confirmed bets","orders":[]}})";

}  // namespace abpapi

using abpapi::fixture;

// ---- POST /cancel-all-orders ---------------------------------------------------------------------

TEST(AbpCancelAll, SendsAPostWithoutBodyAndDecodesTheResponse) {
  fixture f;
  f.net.respond(200, std::string(abpapi::cancel_all_body));
  auto r = f.abp.cancel_all_orders();
  ASSERT_TRUE(r) << r.error();
  ASSERT_EQ(f.net.requests.size(), 1u);
  const auto& q = f.net.requests[0];
  EXPECT_EQ(q.method, http::method::post);
  EXPECT_EQ(q.target, "/cancel-all-orders");
  EXPECT_TRUE(q.body.empty());
  EXPECT_EQ(q.idempotency, http::idempotency::idempotent);
  ASSERT_NE(q.header("x-api-key"), nullptr);
  EXPECT_EQ(r->status, "cancelled");
  EXPECT_EQ(r->cancelled_count, 1);
  ASSERT_EQ(r->cancelled.size(), 1u);
  EXPECT_EQ(r->cancelled[0].order_id, 7);
  EXPECT_EQ(r->cancelled[0].order_status, abp::order_status::cancelled);
  EXPECT_EQ(r->not_cancelled.reason, "Order has confirmed bets");
}

TEST(AbpCancelAll, SansIoBuildAndReadIntoAView) {
  http::request_buffers bufs;
  http::request req;
  ASSERT_TRUE(http::build_request<abp::endpoints::cancel_all_orders<std::string_view>>(http::none{}, bufs, req));
  EXPECT_EQ(req.method, http::method::post);
  EXPECT_EQ(req.target, "/cancel-all-orders");
  EXPECT_TRUE(req.body.empty());

  http::response resp;
  resp.status = 200;
  resp.body = std::string(abpapi::cancel_all_body);
  abp::cancel_orders_response_view out;
  ASSERT_TRUE(abp::read_abp_response<abp::endpoints::cancel_all_orders<std::string_view>>(resp, out));
  EXPECT_EQ(out.cancelled_count, 1);
  EXPECT_EQ(out.cancelled.at(0).user_ref, "u");
}

TEST(AbpCancelAll, NothingMatched404IsNothingCancelledAndAuthErrorsStayErrors) {
  fixture f;
  f.net.respond(404, R"({"detail":"No pending orders found"})");
  f.net.respond(403, R"({"detail":"Access denied: client not resolved"})");
  f.net.respond(401, R"({"error":"Invalid or inactive API key"})");
  auto none = f.abp.cancel_all_orders();
  ASSERT_TRUE(none) << none.error();
  EXPECT_EQ(none.status(), 404);
  EXPECT_EQ(none->cancelled_count, 0);
  auto forbidden = f.abp.cancel_all_orders();
  ASSERT_FALSE(forbidden);
  EXPECT_EQ(forbidden.error().code, errc::forbidden);
  abp::cancel_orders_response_view view;
  auto unauthorized = f.abp.cancel_all_orders(view);
  ASSERT_FALSE(unauthorized);
  EXPECT_EQ(unauthorized.error().code, errc::unauthorized);
  EXPECT_EQ(unauthorized.error().category, error_category::venue);
}
