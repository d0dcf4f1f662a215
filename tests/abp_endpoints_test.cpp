// ABP endpoints and abp::client over the scripted transport (no sockets): client-side validation
// (nothing is sent), target and body encoding, decoding, error mapping including "nothing matched",
// keyset pagination as a range, placement retries only when opted in, and warm zero-allocation calls.

#define BETWIRE_DEFINE_COUNTING_NEW
#include "counting_allocator.hpp"
#include "scripted_transport.hpp"

#include <betwire/abp/abp.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

using betwire::test::replay_transport;

namespace http = betwire::http;
namespace abp = betwire::abp;
using betwire::errc;
using betwire::error_category;
using betwire::test::fake_clock;
using betwire::test::scripted_transport;
using namespace betwire::literals;

namespace abptest {

constexpr const char* uuid1 = "9eb7d99a-ab9b-41f3-9a06-23e70006bbe5";
constexpr const char* uuid2 = "be81ba8f-55f4-48ed-a6f9-69b8d920263b";

struct fixture {
  scripted_transport net;
  abp::client<scripted_transport> abp{net, {.api_key = betwire::secret("abp-test-key-0001")}};
};

abp::place_order good_order(std::string uuid = uuid1) {
  abp::place_order o;
  o.request_uuid = std::move(uuid);
  o.fixture_id = "id1000004461512432";
  o.outcome_id = 103;
  o.order_price = "1.95"_dec;
  o.order_stake = "10"_dec;
  o.user_ref = "bettor1234";
  return o;
}

// A page of `n` small orders with ids from `first` down, hasMore and nextCursor as given.
std::string page_json(std::int64_t first, int n, bool more) {
  std::string s = R"({"orders":[)";
  for (int i = 0; i < n; ++i) {
    if (i) s += ',';
    const auto id = first - i;
    s += R"({"orderId":)" + std::to_string(id) +
         R"(,"requestUuid":"9eb7d99a-ab9b-41f3-9a06-23e70006bbe5","allowedBookmakers":"*","fixtureId":"f","outcomeId":103,"playerId":0,"orderPrice":1.95,"orderStake":50,"filledStake":0,"userRef":"bettor1234","testOrder":false,"orderCurrency":"USD","back":true,"expiresAt":"2026-02-07T16:15:53.270816+00:00","acceptBetterOdds":true,"acceptPartialStake":true,"clientName":"demo","orderStatus":"PENDING","createdAt":"2026-02-07T16:15:48.270816+00:00","updatedAt":"2026-02-07T16:15:48.270816+00:00","meta":{"k":"v"},"bets":[]})";
  }
  s += R"(],"count":)" + std::to_string(n) + R"(,"hasMore":)" + (more ? "true" : "false") +
       R"(,"nextCursor":)" + (more ? std::to_string(first - n + 1) : std::string("null")) + "}";
  return s;
}

}  // namespace abptest

using abptest::fixture;

// ---- validation: nothing is sent ---------------------------------------------------------------

TEST(AbpValidation, OrdersNeedAFilter) {
  fixture f;
  auto r = f.abp.get_orders(abp::orders_filter{.limit = 10});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::missing_filter);
  EXPECT_EQ(r.error().category, error_category::validation);
  auto empty_uuid_only = f.abp.get_orders({.request_uuids = {""}});
  ASSERT_FALSE(empty_uuid_only);
  EXPECT_EQ(empty_uuid_only.error().code, errc::missing_filter);
  auto b = f.abp.get_bets(abp::bets_filter{});
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().code, errc::missing_filter);
  auto c = f.abp.cancel_orders(abp::cancel_orders_request{.order_ids = std::vector<std::int64_t>{}});
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, errc::missing_filter);
  EXPECT_TRUE(f.net.requests.empty());
}

TEST(AbpValidation, LimitIsOneToThousand) {
  fixture f;
  for (int bad : {0, -1, 1001}) {
    auto r = f.abp.get_orders({.user_ref = "u", .limit = bad});
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, errc::out_of_range) << bad;
    auto b = f.abp.get_bets({.user_ref = "u", .limit = bad});
    ASSERT_FALSE(b) << bad;
    EXPECT_EQ(b.error().code, errc::out_of_range) << bad;
  }
  EXPECT_TRUE(f.net.requests.empty());
  EXPECT_TRUE(abp::validate(abp::orders_filter{.user_ref = "u", .limit = 1}));
  EXPECT_TRUE(abp::validate(abp::orders_filter{.user_ref = "u", .limit = 1000}));
}

TEST(AbpValidation, PlacementRules) {
  fixture f;
  abp::place_orders_request none;
  auto r0 = f.abp.place_orders(none);
  ASSERT_FALSE(r0);
  EXPECT_EQ(r0.error().code, errc::too_few_items);

  abp::place_orders_request many;
  for (int i = 0; i < 101; ++i) many.orders.push_back(abptest::good_order(""));
  auto r101 = f.abp.place_orders(many);
  ASSERT_FALSE(r101);
  EXPECT_EQ(r101.error().code, errc::too_many_items);

  auto both = abptest::good_order();
  both.future_id = "fut-1";
  auto neither = abptest::good_order();
  neither.fixture_id.reset();
  auto bad_uuid = abptest::good_order("not-a-uuid");
  auto comma = abptest::good_order();
  comma.bookmakers = {"a,b"};
  auto meta = abptest::good_order();
  meta.meta.text = "[1,2]";
  for (const auto& o : {both, neither, bad_uuid, comma, meta}) {
    abp::place_orders_request req{.orders = {o}};
    auto r = f.abp.place_orders(req);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::invalid_argument) << r.error();
  }
  EXPECT_TRUE(f.net.requests.empty());

  // Exactly 100 orders pass validation (and are sent).
  abp::place_orders_request hundred;
  for (int i = 0; i < 100; ++i) hundred.orders.push_back(abptest::good_order(""));
  f.net.respond(200, R"({"status":"accepted","acceptedOrders":[],"declinedOrders":[]})");
  EXPECT_TRUE(f.abp.place_orders(hundred));
  EXPECT_EQ(f.net.requests.size(), 1u);
}

TEST(AbpValidation, CrLfInTheApiKeyIsRefusedBeforeSending) {
  scripted_transport net;
  abp::client c{net, {.api_key = betwire::secret("abp-test-key-0001\r\nX-Evil: 1")}};
  ASSERT_TRUE(c.setup_error().has_value());
  auto r = c.get_orders({.user_ref = "bettor1234"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::header_injection);
  EXPECT_EQ(r.error().message.find("abp-test-key"), std::string::npos) << r.error().message;
  auto p = c.place_orders(abp::place_orders_request{.orders = {abptest::good_order()}});
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, errc::header_injection);
  EXPECT_TRUE(net.requests.empty());
}

// ---- encoding ------------------------------------------------------------------------------------

TEST(AbpEncoding, OrdersTargetIsPercentEncodedAndCommaJoined) {
  fixture f;
  f.net.respond(200, abptest::page_json(10, 1, false));
  auto r = f.abp.get_orders({.order_ids = {123, 456},
                             .request_uuids = {abptest::uuid1, "a,b"},
                             .user_ref = "a&b=c d%e\xC3\xA9",
                             .after_order_id = 1000,
                             .limit = 1000});
  ASSERT_TRUE(r) << r.error();
  ASSERT_EQ(f.net.requests.size(), 1u);
  const auto& q = f.net.requests[0];
  EXPECT_EQ(q.method, http::method::get);
  EXPECT_EQ(q.target, std::string("/orders?orderIds=123,456&requestUuids=") + abptest::uuid1 +
                          ",a%2Cb&userRef=a%26b%3Dc%20d%25e%C3%A9&afterOrderId=1000&limit=1000");
  ASSERT_NE(q.header("x-api-key"), nullptr);
  EXPECT_EQ(*q.header("x-api-key"), "abp-test-key-0001");
  EXPECT_EQ(q.idempotency, http::idempotency::safe);
}

TEST(AbpEncoding, BetsTargets) {
  fixture f;
  f.net.respond(200, R"({"bets":[],"count":0,"hasMore":false,"nextCursor":null})");
  f.net.respond(200, R"({"betId":91,"orderId":372,"bookmaker":"sharpbet","bookmakerBetId":"x","placedPrice":2.65,"placedStake":10,"placedCurrency":"USD","placedAt":"2026-02-07T16:18:29.300906+00:00","betStatus":"CONFIRMED","settlementStatus":"UNSETTLED","clientName":"demo","testBet":false,"userRef":"bettor1234","requestUuid":"be81ba8f-55f4-48ed-a6f9-69b8d920263b","declineReason":null})");
  ASSERT_TRUE(f.abp.get_bets({.bet_ids = {1, 2}, .user_ref = "u", .after_bet_id = 5, .limit = 3}));
  auto b = f.abp.get_bet(91);
  ASSERT_TRUE(b) << b.error();
  EXPECT_EQ(f.net.requests[0].target, "/bets?betIds=1,2&userRef=u&afterBetId=5&limit=3");
  EXPECT_EQ(f.net.requests[1].target, "/bets/91");
  EXPECT_EQ(b->bet_id, 91);
  EXPECT_EQ(b->placed_price.text(), "2.65");
  EXPECT_EQ(b->bet_status, abp::bet_status::confirmed);
  EXPECT_FALSE(b->decline_reason.has_value());
}

TEST(AbpEncoding, CancelBody) {
  fixture f;
  f.net.respond(200, R"({"status":"cancelled","cancelledCount":0,"cancelled":[],"notCancelled":{"reason":"Order not cancellable","orders":[]}})");
  abp::cancel_orders_request req;
  req.request_uuids = std::vector<std::string>{abptest::uuid1, abptest::uuid2};
  ASSERT_TRUE(f.abp.cancel_orders(req));
  const auto& q = f.net.requests[0];
  EXPECT_EQ(q.method, http::method::post);
  EXPECT_EQ(q.target, "/cancel-orders");
  EXPECT_EQ(nlohmann::json::parse(q.body), nlohmann::json::parse(std::string(R"({"requestUuids":[")") + abptest::uuid1 +
                                                                  R"(",")" + abptest::uuid2 + R"("]})"));
  EXPECT_EQ(q.idempotency, http::idempotency::idempotent);
}

TEST(AbpEncoding, PlaceBodyJoinsBookmakersAndLeavesOutAbsentFields) {
  abp::place_orders_request req;
  auto full = abptest::good_order();
  full.bookmakers = {"sharpbet", "bet365"};
  full.participant_id = 2540;
  full.order_currency = "EUR";
  full.back = false;
  full.expires_at = betwire::timestamp::from_unix_seconds(1770000000);
  full.accept_better_odds = true;
  full.accept_partial_stake = false;
  full.meta.text = R"({"strategy":"m\u00fcller","n":1.50})";
  full.test_order = true;
  req.orders.push_back(full);
  req.orders.push_back(abptest::good_order(abptest::uuid2));
  std::string body;
  ASSERT_TRUE(abp::encode_place_orders(req, body));
  const auto j = nlohmann::json::parse(body);
  const auto expected = nlohmann::json::parse(std::string(R"({"orders":[
    {"requestUuid":")") + abptest::uuid1 + R"(","fixtureId":"id1000004461512432","outcomeId":103,"playerId":0,
     "orderPrice":1.95,"orderStake":10,"userRef":"bettor1234","testOrder":true,"bookmakers":"sharpbet,bet365",
     "participantId":2540,"orderCurrency":"EUR","back":false,"expiresAt":"2026-02-02T02:40:00.000000Z",
     "acceptBetterOdds":true,"acceptPartialStake":false,"meta":{"strategy":"müller","n":1.50}},
    {"requestUuid":")" + abptest::uuid2 + R"(","fixtureId":"id1000004461512432","outcomeId":103,"playerId":0,
     "orderPrice":1.95,"orderStake":10,"userRef":"bettor1234","testOrder":false}]})");
  EXPECT_EQ(j, expected) << body;
  // Exact decimals and the meta text go out byte for byte.
  EXPECT_NE(body.find(R"("orderPrice":1.95,"orderStake":10,)"), std::string::npos) << body;
  EXPECT_NE(body.find(R"("meta":{"strategy":"m\u00fcller","n":1.50})"), std::string::npos) << body;
}

TEST(AbpEncoding, PlaceBodyJoinsEscapedBookmakersExactly) {
  abp::place_orders_request req;
  auto a = abptest::good_order();
  a.bookmakers = {"q\"uo\\te", "m\xc3\xbcller", "x"};
  a.back = true;
  auto b = abptest::good_order(abptest::uuid2);
  b.bookmakers = {"only"};
  req.orders = {a, b};
  std::string body = "stale";
  ASSERT_TRUE(abp::encode_place_orders(req, body));
  const std::string head = R"(","fixtureId":"id1000004461512432","outcomeId":103,"playerId":0,)"
                           R"("orderPrice":1.95,"orderStake":10,"userRef":"bettor1234","testOrder":false,)";
  EXPECT_EQ(body, std::string(R"({"orders":[{"requestUuid":")") + abptest::uuid1 + head +
                      R"("bookmakers":"q\"uo\\te,m)" "\xc3\xbc" R"(ller,x","back":true},{"requestUuid":")" + abptest::uuid2 +
                      head + R"("bookmakers":"only"}]})");

  // An invalid name fails with its path, and leaves nothing behind.
  req.orders[1].bookmakers = {"ok", "bad\xff"};
  auto r = abp::encode_place_orders(req, body);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().path, "orders[1].bookmakers");
  EXPECT_TRUE(body.empty());
}

TEST(AbpEncoding, PlaceBodyAllocatesNothingIntoAWarmBuffer) {
  ASSERT_TRUE(betwire_test::counting_enabled);
  abp::place_orders_request req;
  for (int i = 0; i < 100; ++i) {
    auto o = abptest::good_order();
    o.bookmakers = {"sharpbet", "bet365", "pinnacle", "a-rather-long-bookmaker-name"};
    o.expires_at = betwire::timestamp::from_unix_seconds(1770000000);
    o.meta.text = R"({"strategy":"mm"})";
    req.orders.push_back(o);
  }
  std::string body;
  ASSERT_TRUE(abp::encode_place_orders(req, body));
  const std::string first = body;
  const std::size_t calls = betwire_test::count_allocations([&] {
    for (int i = 0; i < 5; ++i)
      if (!abp::encode_place_orders(req, body)) std::abort();
  });
  EXPECT_EQ(calls, 0u);
  EXPECT_EQ(body, first);
}

TEST(AbpEncoding, MissingRequestUuidsAreFilledWithUuidV4) {
  fixture f;
  f.net.respond(200, R"({"status":"accepted","acceptedOrders":[],"declinedOrders":[]})");
  f.net.respond(200, R"({"status":"accepted","acceptedOrders":[],"declinedOrders":[]})");
  abp::place_orders_request req{.orders = {abptest::good_order(""), abptest::good_order(abptest::uuid2)}};
  ASSERT_TRUE(f.abp.place_orders(req));
  ASSERT_TRUE(betwire::uuid::is_valid(req.orders[0].request_uuid));
  EXPECT_EQ(req.orders[0].request_uuid[14], '4');  // version 4
  EXPECT_EQ(req.orders[1].request_uuid, abptest::uuid2);  // kept
  EXPECT_NE(f.net.requests[0].body.find(req.orders[0].request_uuid), std::string::npos);
  EXPECT_EQ(f.net.requests[0].idempotency, http::idempotency::keyed);
  EXPECT_EQ(f.net.requests[0].idempotency_key, req.orders[0].request_uuid);
  // A temporary request is filled in a copy.
  ASSERT_TRUE(f.abp.place_orders(abp::place_orders_request{.orders = {abptest::good_order("")}}));
  const auto j = nlohmann::json::parse(f.net.requests[1].body);
  EXPECT_TRUE(betwire::uuid::is_valid(j["orders"][0]["requestUuid"].get<std::string>()));
  EXPECT_NE(abp::new_request_uuid(), abp::new_request_uuid());
}

// ---- decoding and errors ---------------------------------------------------------------------------

TEST(AbpDecoding, PlaceResponseWithDeclinesAndUnknownStatus) {
  fixture f;
  f.net.respond(200, std::string(R"({"status":"partial-success","acceptedOrders":[)") +
                         abptest::page_json(1001, 1, false).substr(11, abptest::page_json(1001, 1, false).find("],\"count\"") - 11) +
                         R"(],"declinedOrders":[{"requestUuid":")" + abptest::uuid2 +
                         R"(","fixtureId":"id1","outcomeId":103,"playerId":0,"orderPrice":1.0,"orderStake":10.96,"userRef":"u","declineReason":"No bookmaker accepted the order"}]})");
  f.net.respond(200, R"({"status":"on-hold","acceptedOrders":[],"declinedOrders":[{"requestUuid":"x","declineReason":"r"}]})");
  abp::place_orders_request req{.orders = {abptest::good_order(), abptest::good_order(abptest::uuid2)}};
  abp::place_orders_response_view view;
  auto r = f.abp.place_orders(req, view);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(view.status, abp::placement_status::partial_success);
  ASSERT_EQ(view.accepted_orders.size(), 1u);
  EXPECT_EQ(view.accepted_orders[0].order_id, 1001);
  EXPECT_EQ(view.accepted_orders[0].meta.text, R"({"k":"v"})");
  ASSERT_EQ(view.declined_orders.size(), 1u);
  EXPECT_EQ(view.declined_orders[0].decline_reason, "No bookmaker accepted the order");
  EXPECT_EQ(view.declined_orders[0].order_stake->text(), "10.96");
  auto unknown = f.abp.place_orders(req);
  ASSERT_TRUE(unknown) << unknown.error();
  EXPECT_EQ(unknown->status, abp::placement_status::unknown);
  EXPECT_FALSE(unknown->declined_orders[0].fixture_id.has_value());
}

TEST(AbpErrors, NothingMatchedIsAnEmptyPage) {
  fixture f;
  f.net.respond(404, R"({"detail": "No orders found"})", {{"Content-Type", "application/json"}});
  abp::orders_page_view page;
  page.orders.resize(3);
  page.has_more = true;
  page.next_cursor = 5;
  auto r = f.abp.get_orders({.user_ref = "nobody"}, page);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r.status(), 404);
  EXPECT_TRUE(page.orders.empty());
  EXPECT_EQ(page.count, 0);
  EXPECT_FALSE(page.has_more);
  EXPECT_FALSE(page.next_cursor.has_value());

  f.net.respond(404, R"({"detail":"No matching orders found"})");
  auto c = f.abp.cancel_orders({.user_ref = "nobody"});
  ASSERT_TRUE(c) << c.error();
  EXPECT_EQ(c->cancelled_count, 0);
  EXPECT_TRUE(c->cancelled.empty());
  EXPECT_TRUE(c->not_cancelled.orders.empty());
}

TEST(AbpErrors, OtherNotFoundsStayErrors) {
  fixture f;
  f.net.respond(404, R"({"detail":"Not Found"})");                // FastAPI's route miss: wrong base URL
  f.net.respond(404, R"({"error":"gone"})");                      // not ABP's "nothing matched" shape
  f.net.respond(404, "<html>404</html>", {{"Content-Type", "text/html"}});
  f.net.respond(404, R"({"detail":"Bet not found"})");            // GET /bets/{id}: a real miss
  for (int i = 0; i < 3; ++i) {
    auto r = f.abp.get_orders({.user_ref = "u"});
    ASSERT_FALSE(r) << i;
    EXPECT_EQ(r.error().code, errc::not_found) << i;
    EXPECT_EQ(r.status(), 404);
  }
  auto b = f.abp.get_bet(7);
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().code, errc::not_found);
  EXPECT_EQ(b.error().venue_message, "Bet not found");
}

TEST(AbpErrors, VenueErrorBodiesAreMapped) {
  fixture f;
  f.net.respond(400, R"({"detail":"At least one filter is required"})");
  f.net.respond(401, R"({"error":"Invalid API key"})");
  f.net.respond(403, R"({"error":"Access denied: client not resolved from API key"})");
  f.net.respond(409, R"({"detail":"Duplicate requestUuid: every order was already placed"})");
  f.net.respond(422, R"({"detail":[{"loc":["query","limit"],"msg":"ensure this value is less than or equal to 1000","type":"value_error.number.not_le"}]})");
  f.net.respond(429, R"({"error":"Rate limit exceeded"})", {{"Retry-After", "7"}});
  f.net.respond(501, R"({"detail":"Orders on futures (futureId) are not implemented"})");
  struct expect_t {
    errc code;
    int status;
    std::string_view venue_message_part;
  };
  const expect_t want[] = {{errc::venue_error, 400, "At least one filter"}, {errc::unauthorized, 401, "Invalid API key"},
                           {errc::forbidden, 403, "client not resolved"},   {errc::conflict, 409, "Duplicate requestUuid"},
                           {errc::venue_error, 422, "ensure this value"},   {errc::rate_limited, 429, "Rate limit"},
                           {errc::server_error, 501, "futures"}};
  for (const auto& w : want) {
    auto r = f.abp.get_orders({.user_ref = "u"});
    ASSERT_FALSE(r) << w.status;
    EXPECT_EQ(r.status(), w.status);
    EXPECT_EQ(r.error().code, w.code) << w.status;
    EXPECT_EQ(r.error().category, error_category::venue) << w.status;
    EXPECT_NE(r.error().venue_message.find(w.venue_message_part), std::string::npos) << r.error().venue_message;
    if (w.status == 422) {
      EXPECT_EQ(r.error().venue_code, "value_error.number.not_le");
    }
    if (w.status == 429) {
      ASSERT_TRUE(r.retry_after().has_value());
      EXPECT_EQ(r.retry_after()->count(), 7);
    }
  }
}

// ---- placement retries -----------------------------------------------------------------------------

TEST(AbpRetry, PlacementIsRetriedOnlyWhenOptedInAndWithTheSameKeys) {
  fake_clock clock;
  http::retry_policy on;
  on.enabled = true;
  {
    fixture f;
    f.abp.set_clock(clock.clock());
    f.abp.set_retry_policy(on);  // reads retried, placements not
    f.net.respond(503, R"({"detail":"busy"})");
    f.net.respond(200, R"({"status":"accepted","acceptedOrders":[],"declinedOrders":[]})");
    abp::place_orders_request req{.orders = {abptest::good_order("")}};
    auto r = f.abp.place_orders(req);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::server_error);
    EXPECT_EQ(r.attempts(), 1u);
    EXPECT_EQ(f.net.requests.size(), 1u);
  }
  {
    fixture f;
    f.abp.set_clock(clock.clock());
    on.retry_placements = true;
    f.abp.set_retry_policy(on);
    f.net.respond(503, R"({"detail":"busy"})");
    f.net.respond(200, R"({"status":"accepted","acceptedOrders":[],"declinedOrders":[]})");
    abp::place_orders_request req{.orders = {abptest::good_order(""), abptest::good_order("")}};
    auto r = f.abp.place_orders(req);
    ASSERT_TRUE(r) << r.error();
    EXPECT_EQ(r.attempts(), 2u);
    ASSERT_EQ(f.net.requests.size(), 2u);
    EXPECT_EQ(f.net.requests[0].body, f.net.requests[1].body);
    EXPECT_NE(f.net.requests[1].body.find(req.orders[0].request_uuid), std::string::npos);
    EXPECT_NE(f.net.requests[1].body.find(req.orders[1].request_uuid), std::string::npos);
  }
}

// ---- pagination ----------------------------------------------------------------------------------

TEST(AbpPagination, FollowsNextCursorUntilHasMoreIsFalse) {
  fixture f;
  f.net.respond(200, abptest::page_json(100, 3, true));
  f.net.respond(200, abptest::page_json(97, 3, true));
  f.net.respond(200, abptest::page_json(94, 2, false));
  std::vector<std::int64_t> ids;
  int pages = 0;
  for (auto&& page : f.abp.orders_pages({.user_ref = "bettor1234", .limit = 3})) {
    ASSERT_TRUE(page) << page.error();
    ++pages;
    for (const auto& o : page->orders) ids.push_back(o.order_id);
  }
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(ids, (std::vector<std::int64_t>{100, 99, 98, 97, 96, 95, 94, 93}));
  ASSERT_EQ(f.net.requests.size(), 3u);
  EXPECT_EQ(f.net.requests[0].target, "/orders?userRef=bettor1234&limit=3");
  EXPECT_EQ(f.net.requests[1].target, "/orders?userRef=bettor1234&afterOrderId=98&limit=3");
  EXPECT_EQ(f.net.requests[2].target, "/orders?userRef=bettor1234&afterOrderId=95&limit=3");
}

TEST(AbpPagination, AnErrorIsTheLastElement) {
  fixture f;
  f.net.respond(200, abptest::page_json(100, 2, true));
  f.net.respond(500, R"({"detail":"boom"})");
  f.net.respond(200, abptest::page_json(98, 2, false));  // never fetched
  std::vector<bool> ok;
  for (auto&& page : f.abp.orders_pages<abp::orders_page>({.user_ref = "u"})) ok.push_back(page.has_value());
  EXPECT_EQ(ok, (std::vector<bool>{true, false}));
  EXPECT_EQ(f.net.remaining(), 1u);

  // hasMore without a cursor that moves forward ends with an error, not an endless loop.
  fixture g;
  g.net.respond(200, R"({"orders":[],"count":0,"hasMore":true,"nextCursor":null})");
  int n = 0;
  bool last_ok = true;
  for (auto&& page : g.abp.orders_pages({.user_ref = "u"})) {
    ++n;
    last_ok = page.has_value();
  }
  EXPECT_EQ(n, 2);
  EXPECT_FALSE(last_ok);
  fixture h;
  h.net.respond(200, abptest::page_json(100, 2, true));  // cursor 99
  h.net.respond(200, abptest::page_json(100, 2, true));  // cursor 99 again
  n = 0;
  for (auto&& page : h.abp.orders_pages({.user_ref = "u"})) {
    ++n;
    last_ok = page.has_value();
  }
  EXPECT_EQ(n, 3);
  EXPECT_FALSE(last_ok);
}

TEST(AbpPagination, BetsPages) {
  fixture f;
  const std::string bet = R"({"betId":%d,"orderId":1,"bookmaker":"b","bookmakerBetId":"x","placedPrice":2.65,"placedStake":10,"placedCurrency":"USD","placedAt":"2026-02-07T16:18:29.300906+00:00","betStatus":"CONFIRMED","settlementStatus":"WON","clientName":"demo","testBet":false,"userRef":"u","requestUuid":"r","declineReason":null})";
  auto b = [&](int id) {
    std::string s = bet;
    s.replace(s.find("%d"), 2, std::to_string(id));
    return s;
  };
  f.net.respond(200, R"({"bets":[)" + b(9) + "," + b(8) + R"(],"count":2,"hasMore":true,"nextCursor":8})");
  f.net.respond(200, R"({"bets":[)" + b(7) + R"(],"count":1,"hasMore":false,"nextCursor":null})");
  std::vector<std::int64_t> ids;
  for (auto&& page : f.abp.bets_pages({.user_ref = "u", .limit = 2})) {
    ASSERT_TRUE(page) << page.error();
    for (const auto& x : page->bets) ids.push_back(x.bet_id);
  }
  EXPECT_EQ(ids, (std::vector<std::int64_t>{9, 8, 7}));
  EXPECT_EQ(f.net.requests[1].target, "/bets?userRef=u&afterBetId=8&limit=2");
}

// ---- zero allocations once warm -----------------------------------------------------------------

TEST(AbpAllocations, WarmPagesAndCallsAllocateNothing) {
  ASSERT_TRUE(betwire_test::counting_enabled);
  std::vector<std::string> bodies;
  for (int p = 0; p < 6; ++p) bodies.push_back(abptest::page_json(10000 - p * 50, 50, p != 5));
  replay_transport net{&bodies};
  abp::client c{net, {.api_key = betwire::secret("abp-test-key-0001")}};

  // Fill-in form: warm, then 50 calls without an allocation. The warm-up requests carry a cursor,
  // like the range's later pages, so the client's target buffer has already seen that length.
  abp::orders_page_view page;
  const abp::orders_filter filter{.user_ref = "bettor1234", .after_order_id = 10000, .limit = 50};
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(c.get_orders(filter, page));
  const std::size_t calls = betwire_test::count_allocations([&] {
    for (int i = 0; i < 50; ++i)
      if (!c.get_orders(filter, page)) std::abort();
  });
  EXPECT_EQ(calls, 0u);

  // The range: after the first page (which warms its page object) no step allocates.
  net.next = 0;
  std::vector<std::size_t> per_page;
  per_page.reserve(16);
  std::size_t mark = 0;
  int pages = 0;
  for (auto&& p : c.orders_pages({.user_ref = "bettor1234", .limit = 50})) {
    if (!p) break;
    const std::size_t now = betwire_test::allocation_count();
    if (pages > 0) per_page.push_back(now - mark);
    ++pages;
    mark = betwire_test::allocation_count();
  }
  EXPECT_EQ(pages, 6);
  ASSERT_EQ(per_page.size(), 5u);
  // Every page after the first one (which sizes the page object) is decoded without allocating.
  for (std::size_t i = 0; i < per_page.size(); ++i) EXPECT_EQ(per_page[i], 0u) << "page " << i + 2;
}
