// Tests of betwire_simulator itself: the documented venue behaviour it implements, its control
// endpoints and its fault injection, driven over loopback with a minimal HTTP client
// (tests/support/simulator_process.hpp) and checked with nlohmann-json — never betwire's codec.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "simulator_process.hpp"

namespace {

using betwire::test::http_call;
using betwire::test::http_connection;
using betwire::test::http_result;
using betwire::test::simulator_process;
using json = nlohmann::json;
using headers_t = std::vector<std::pair<std::string, std::string>>;

constexpr const char* kAbpKey = "abp-test-key-0001";
constexpr const char* kPsSingle = "ps_test_0000000000000a01_simSingleSecret_0123456789abcdefghijklmnopq";
constexpr const char* kPsMulti = "ps_test_0000000000000a02_simMultiSecret_0123456789abcdefghijklmnopqr";
constexpr const char* kPsReadonly = "ps_test_0000000000000a08_simReadonlySecret_0123456789abcdefghijklmno";
constexpr const char* kWalletA = "0xa11ce00000000000000000000000000000000001";
constexpr const char* kWalletB = "0x742d35cc6634c0532925a3b844bc9e7595f0beb3";
constexpr const char* kAlice = "opn-test-key-alice-0001";
constexpr const char* kBob = "opn-test-key-bob-0002";

// The documents' examples, compacted from the YAML/JSON in ../shared/api/abp-v2 (key order and
// number spelling as printed).
constexpr const char* kDoc371 =
    R"({"orderId":371,"requestUuid":"9eb7d99a-ab9b-41f3-9a06-23e70006bbe5","allowedBookmakers":"*","fixtureId":"id1000004461512432","outcomeId":103,"playerId":0,"orderPrice":1.95,"orderStake":50,"filledStake":0,"userRef":"bettor1234","testOrder":false,"orderCurrency":"USD","back":true,"expiresAt":"2026-02-07T16:15:53.270816+00:00","acceptBetterOdds":true,"acceptPartialStake":true,"clientName":"demo","orderStatus":"PENDING","createdAt":"2026-02-07T16:15:48.270816+00:00","updatedAt":"2026-02-07T16:15:48.270816+00:00","meta":null,"bets":[],"fixtureInfo":{"fixtureId":"id1000004461512432","status":{"live":false,"statusId":0,"statusName":"Pre-Game"},"sport":{"sportId":10,"sportName":"Soccer"},"tournament":{"tournamentId":44,"tournamentName":"2. Bundesliga","categoryName":"Germany"},"startTime":1754159400,"participants":{"participant1Id":2540,"participant1Name":"Arminia Bielefeld","participant2Id":2588,"participant2Name":"Fortuna Dusseldorf"}},"outcomeInfo":{"marketId":101,"marketName":"Full Time Result","marketNameShort":"1X2","marketType":"1x2","period":"fulltime","playerProp":false,"handicap":0,"outcomeId":103,"outcomeName":"2"},"playerInfo":null,"currencyInfo":{"currency":"USD","currencyValue":1,"updatedAt":"2026-02-07T17:29:32+00:00"}})";
constexpr const char* kDoc372 =
    R"({"orderId":372,"requestUuid":"be81ba8f-55f4-48ed-a6f9-69b8d920263b","allowedBookmakers":"sharpbet","fixtureId":"id1000004461512432","outcomeId":103,"playerId":0,"orderPrice":2.65,"orderStake":10,"filledStake":10,"userRef":"bettor1234","testOrder":false,"orderCurrency":"USD","back":true,"expiresAt":"2026-02-07T16:18:34.366795+00:00","acceptBetterOdds":true,"acceptPartialStake":true,"clientName":"demo","orderStatus":"FILLED","createdAt":"2026-02-07T16:18:29.366795+00:00","updatedAt":"2026-02-07T16:18:29.366795+00:00","meta":null,"bets":[{"betId":91,"orderId":372,"bookmaker":"sharpbet","bookmakerBetId":"63aeba8d-a2d6-49ba-a6cd-7ce70bb17701","placedPrice":2.65,"placedStake":10,"placedCurrency":"USD","placedAt":"2026-02-07T16:18:29.300906+00:00","betStatus":"CONFIRMED","settlementStatus":"UNSETTLED","clientName":"demo","testBet":false,"userRef":"bettor1234","requestUuid":"be81ba8f-55f4-48ed-a6f9-69b8d920263b","declineReason":null}],"fixtureInfo":{"fixtureId":"id1000004461512432","status":{"live":false,"statusId":0,"statusName":"Pre-Game"},"sport":{"sportId":10,"sportName":"Soccer"},"tournament":{"tournamentId":44,"tournamentName":"2. Bundesliga","categoryName":"Germany"},"startTime":1754159400,"participants":{"participant1Id":2540,"participant1Name":"Arminia Bielefeld","participant2Id":2588,"participant2Name":"Fortuna Dusseldorf"}},"outcomeInfo":{"marketId":101,"marketName":"Full Time Result","marketNameShort":"1X2","marketType":"1x2","period":"fulltime","playerProp":false,"handicap":0,"outcomeId":103,"outcomeName":"2"},"playerInfo":null,"currencyInfo":{"currency":"USD","currencyValue":1,"updatedAt":"2026-02-07T17:29:32+00:00"}})";
constexpr const char* kDocCancel327 =
    R"({"status":"cancelled","cancelledCount":1,"cancelled":[{"orderId":327,"requestUuid":"eb45b192-317b-42d5-9f65-af497b9fa8c1","allowedBookmakers":"*","fixtureId":"id1000004461512432","outcomeId":103,"playerId":0,"orderPrice":1.95,"orderStake":10,"filledStake":0,"userRef":"bettor1234","testOrder":false,"orderCurrency":"USD","back":true,"expiresAt":"2026-02-07T12:20:06.302841+00:00","acceptBetterOdds":true,"acceptPartialStake":true,"clientName":"demo","orderStatus":"CANCELLED","createdAt":"2026-02-07T12:20:01.302841+00:00","updatedAt":"2026-02-07T12:20:01.302841+00:00","meta":null,"bets":[],"fixtureInfo":{"fixtureId":"id1000004461512432","status":{"live":false,"statusId":0,"statusName":"Pre-Game"},"sport":{"sportId":10,"sportName":"Soccer"},"tournament":{"tournamentId":44,"tournamentName":"2. Bundesliga","categoryName":"Germany"}},"outcomeInfo":{"marketId":101,"marketName":"Full Time Result","outcomeId":103,"outcomeName":"2"}}],"notCancelled":{"reason":"Order not cancellable","orders":[]}})";

json parse(const http_result& r) { return json::parse(r.body, nullptr, false); }

class Sim : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { sim_ = new simulator_process(); }
  static void TearDownTestSuite() {
    delete sim_;
    sim_ = nullptr;
  }
  void SetUp() override {
    ASSERT_TRUE(sim_->ok()) << sim_->error();
    auto r = sim_->post("/_sim/reset");
    ASSERT_TRUE(r.ok) << r.error;
    ASSERT_EQ(r.status, 200) << r.body;
  }

  static int port() { return sim_->port(); }

  static http_result abp(std::string_view method, std::string_view target, std::string_view body = {},
                         const char* key = kAbpKey, headers_t extra = {}) {
    if (key) extra.emplace_back("x-api-key", key);
    return http_call(port(), method, std::string("/abp") + std::string(target), body, extra);
  }
  static http_result ps(std::string_view method, std::string_view target, std::string_view body = {},
                        const char* key = kPsSingle, const char* wallet = nullptr, headers_t extra = {}) {
    if (key) extra.emplace_back("X-Api-Key", key);
    if (wallet) extra.emplace_back("X-User-Wallet", wallet);
    return http_call(port(), method, std::string("/predictstreet") + std::string(target), body, extra);
  }
  static http_result op(std::string_view method, std::string_view target, std::string_view body = {},
                        const char* key = kAlice, headers_t extra = {}) {
    if (key) extra.emplace_back("apikey", key);
    return http_call(port(), method, std::string("/opinion/openapi") + std::string(target), body, extra);
  }
  static json control(std::string_view target, const json& body) {
    auto r = sim_->post(target, body.dump());
    EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    return parse(r);
  }

  static simulator_process* sim_;
};
simulator_process* Sim::sim_ = nullptr;

// ---------------------------------------------------------------------------------------------
// Process, command line, stats and last-request

TEST(SimProcess, RefusesNonLoopbackHostAndUnknownOptions) {
  simulator_process a{{"--host", "0.0.0.0"}, 5000};
  EXPECT_FALSE(a.ok());
  EXPECT_NE(a.error().find("no 'listening on' line"), std::string::npos) << a.error();
  simulator_process b{{"--no-such-option", "1"}, 5000};
  EXPECT_FALSE(b.ok());
  simulator_process c{"/nonexistent/betwire_simulator", {}, 1000};
  EXPECT_FALSE(c.ok());
  EXPECT_NE(c.error().find("cannot execute"), std::string::npos) << c.error();
}

TEST(SimProcess, ShutdownEndpointAndSigtermExitCleanly) {
  simulator_process a;
  ASSERT_TRUE(a.ok()) << a.error();
  EXPECT_EQ(a.base_url("abp"), "http://127.0.0.1:" + std::to_string(a.port()) + "/abp");
  EXPECT_EQ(a.base_url("opinion"), "http://127.0.0.1:" + std::to_string(a.port()) + "/opinion/openapi");
  auto r = a.post("/_sim/shutdown");
  EXPECT_EQ(r.status, 200);
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  pid_t w = 0;
  while ((w = ::waitpid(a.pid(), &status, WNOHANG)) == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_EQ(w, a.pid()) << "the simulator did not exit after POST /_sim/shutdown";
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

  simulator_process b;
  ASSERT_TRUE(b.ok()) << b.error();
  const int st = b.stop();
  EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << st;
}

TEST(SimProcess, ExitsWhenItsParentGoesAway) {
  simulator_process a;
  ASSERT_TRUE(a.ok()) << a.error();
  a.close_stdin();
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  pid_t w = 0;
  while ((w = ::waitpid(a.pid(), &status, WNOHANG)) == 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_EQ(w, a.pid()) << "the simulator did not exit when its stdin closed";
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST(SimProcess, SameSeedSameStateOtherSeedOtherState) {
  simulator_process a{{"--seed", "42"}}, b{{"--seed", "42"}}, c{{"--seed", "43"}};
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  const headers_t k{{"x-api-key", kAbpKey}};
  const std::string t = "/abp/orders?userRef=bettor5678&limit=1000";
  auto ra = http_call(a.port(), "GET", t, {}, k), rb = http_call(b.port(), "GET", t, {}, k), rc = http_call(c.port(), "GET", t, {}, k);
  ASSERT_EQ(ra.status, 200);
  EXPECT_EQ(ra.body, rb.body);
  EXPECT_NE(ra.body, rc.body);
  const headers_t pk{{"X-Api-Key", kPsSingle}};
  EXPECT_EQ(http_call(a.port(), "GET", "/predictstreet/api/orders/history", {}, pk).body,
            http_call(b.port(), "GET", "/predictstreet/api/orders/history", {}, pk).body);
  // The same mutations give the same answers.
  const std::string place =
      R"({"orders":[{"requestUuid":"11111111-2222-4333-8444-555555555555","fixtureId":"id1000004461512432","outcomeId":101,"playerId":0,"orderPrice":2.5,"orderStake":12.99,"userRef":"det","testOrder":true}]})";
  EXPECT_EQ(http_call(a.port(), "POST", "/abp/place-orders", place, k).body,
            http_call(b.port(), "POST", "/abp/place-orders", place, k).body);
}

TEST(SimProcess, VenuesFlagDisablesOthers) {
  simulator_process a{{"--venues", "opinion", "--opinion-envelope", "code"}};
  ASSERT_TRUE(a.ok()) << a.error();
  EXPECT_EQ(http_call(a.port(), "GET", "/abp/health").status, 404);
  auto r = http_call(a.port(), "GET", "/opinion/openapi/order", {}, {{"apikey", kAlice}});
  ASSERT_EQ(r.status, 200);
  auto j = parse(r);
  EXPECT_EQ(j["code"], 0);
  EXPECT_EQ(j["msg"], "");
  EXPECT_FALSE(j.contains("errno"));
}

TEST_F(Sim, StatsCountRequestsAndDistinctConnections) {
  http_connection c(port());
  for (int i = 0; i < 3; ++i) {
    auto r = c.request("GET", "/abp/health");
    ASSERT_TRUE(r.ok) << r.error;
    ASSERT_EQ(r.status, 200);
  }
  auto s = parse(sim_->get("/_sim/stats"));
  EXPECT_EQ(s["requests"], 3);
  EXPECT_EQ(s["connections"], 1);  // keep-alive: one connection
  http_call(port(), "GET", "/abp/health");
  s = parse(sim_->get("/_sim/stats"));
  EXPECT_EQ(s["requests"], 4);
  EXPECT_EQ(s["connections"], 2);
  EXPECT_EQ(s["routes"]["GET /abp/health"], 4);
  control("/_sim/stats/reset", json::object());
  EXPECT_EQ(parse(sim_->get("/_sim/stats"))["requests"], 0);
}

TEST_F(Sim, LastRequestShowsQueryHeadersAndBodyIntact) {
  // userRef = "a&b=c d%e ü€" percent-encoded by the caller.
  auto r = abp("GET", "/orders?userRef=a%26b%3Dc%20d%25e%20%C3%BC%E2%82%AC&limit=5", {}, kAbpKey, {{"X-Trace", "t 1"}});
  EXPECT_EQ(r.status, 404);
  auto j = parse(sim_->get("/_sim/last-request"));
  EXPECT_EQ(j["method"], "GET");
  EXPECT_EQ(j["path"], "/abp/orders");
  EXPECT_EQ(j["query"], "userRef=a%26b%3Dc%20d%25e%20%C3%BC%E2%82%AC&limit=5");
  EXPECT_EQ(j["params"]["userRef"][0], "a&b=c d%e ü€");
  EXPECT_EQ(j["paramList"][0][1], "a&b=c d%e ü€");
  EXPECT_EQ(j["headers"]["x-trace"], "t 1");
  EXPECT_EQ(j["headers"]["x-api-key"], kAbpKey);
  abp("POST", "/cancel-orders", R"({"userRef":"ü \"q\""})");
  j = parse(sim_->get("/_sim/last-request"));
  EXPECT_EQ(j["body"], R"({"userRef":"ü \"q\""})");
}

// ---------------------------------------------------------------------------------------------
// ABP v2

TEST_F(Sim, AbpAuthentication) {
  EXPECT_EQ(abp("GET", "/health", {}, nullptr).status, 200);
  EXPECT_EQ(abp("GET", "/ready", {}, nullptr).status, 200);
  EXPECT_EQ(abp("GET", "/status", {}, nullptr).status, 200);
  auto r = abp("GET", "/orders?userRef=bettor1234", {}, nullptr);
  EXPECT_EQ(r.status, 401);
  EXPECT_TRUE(parse(r)["error"].is_string());
  r = abp("GET", "/orders?userRef=bettor1234", {}, "wrong");
  EXPECT_EQ(r.status, 401);
  EXPECT_TRUE(parse(r)["error"].is_string());
  r = abp("GET", "/orders?userRef=bettor1234", {}, "abp-test-key-noclient");
  EXPECT_EQ(r.status, 403);
  EXPECT_TRUE(parse(r)["error"].is_string());
  // Header names are case-insensitive; the older X-ABP-API-KEY name is accepted too.
  EXPECT_EQ(http_call(port(), "GET", "/abp/orders?userRef=bettor1234", {}, {{"X-API-KEY", kAbpKey}}).status, 200);
  EXPECT_EQ(http_call(port(), "GET", "/abp/orders?userRef=bettor1234", {}, {{"X-ABP-API-KEY", kAbpKey}}).status, 200);
  // Another client sees none of demo's orders.
  EXPECT_EQ(abp("GET", "/orders?orderIds=371", {}, "abp-test-key-0002").status, 404);
}

TEST_F(Sim, AbpExampleOrdersAreByteExact) {
  auto r = abp("GET", "/orders?orderIds=371,372");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body, std::string(R"({"orders":[)") + kDoc372 + "," + kDoc371 + R"(],"count":2,"hasMore":false,"nextCursor":null})");
  // The documented cancel response, byte for byte.
  r = abp("POST", "/cancel-orders", R"({"requestUuids":["eb45b192-317b-42d5-9f65-af497b9fa8c1"]})");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body, kDocCancel327);
}

TEST_F(Sim, AbpGetOrdersValidationAndNotFound) {
  auto r = abp("GET", "/orders");
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(parse(r)["detail"].is_string());
  for (const char* bad : {"0", "1001", "abc"}) {
    r = abp("GET", std::string("/orders?userRef=bettor1234&limit=") + bad);
    EXPECT_EQ(r.status, 422) << bad;
    auto j = parse(r);
    ASSERT_TRUE(j["detail"].is_array()) << r.body;
    EXPECT_EQ(j["detail"][0]["loc"], json::array({"query", "limit"}));
    EXPECT_TRUE(j["detail"][0]["msg"].is_string());
    EXPECT_TRUE(j["detail"][0]["type"].is_string());
  }
  r = abp("GET", "/orders?orderIds=1x");
  EXPECT_EQ(r.status, 422);
  r = abp("GET", "/orders?userRef=nobody");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(parse(r)["detail"], "No orders found");
  // OR logic across filters.
  r = abp("GET", "/orders?orderIds=371&requestUuids=be81ba8f-55f4-48ed-a6f9-69b8d920263b&userRef=nobody");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(parse(r)["count"], 2);
  EXPECT_EQ(abp("GET", "/orders?orderIds=9223372036854775807").status, 404);
}

TEST_F(Sim, AbpPaginationWithInsertsBetweenPages) {
  auto seeded = control("/_sim/seed-orders", {{"venue", "abp"}, {"userRef", "pager"}, {"count", 95}, {"status", "PENDING"}});
  std::set<std::int64_t> expected;
  for (auto& id : seeded["orderIds"]) expected.insert(id.get<std::int64_t>());
  ASSERT_EQ(expected.size(), 95u);
  std::vector<std::int64_t> seen;
  std::string cursor;
  int pages = 0;
  for (;;) {
    ASSERT_LT(++pages, 50);
    std::string t = "/orders?userRef=pager&limit=10";
    if (!cursor.empty()) t += "&afterOrderId=" + cursor;
    auto r = abp("GET", t);
    ASSERT_EQ(r.status, 200) << r.body;
    auto j = parse(r);
    EXPECT_EQ(j["count"].get<std::size_t>(), j["orders"].size());
    for (auto& o : j["orders"]) seen.push_back(o["orderId"].get<std::int64_t>());
    // New orders arrive between pages: newer ids, never in the remaining pages.
    control("/_sim/seed-orders", {{"venue", "abp"}, {"userRef", "pager"}, {"count", 3}});
    if (!j["hasMore"].get<bool>()) {
      EXPECT_TRUE(j["nextCursor"].is_null());
      break;
    }
    EXPECT_EQ(j["nextCursor"], j["orders"].back()["orderId"]);
    cursor = std::to_string(j["nextCursor"].get<std::int64_t>());
  }
  EXPECT_EQ(pages, 10);
  ASSERT_EQ(seen.size(), 95u);
  EXPECT_TRUE(std::is_sorted(seen.rbegin(), seen.rend()));
  EXPECT_EQ(std::set<std::int64_t>(seen.begin(), seen.end()), expected);
}

TEST_F(Sim, AbpCancellationRules) {
  auto pending = control("/_sim/seed-orders", {{"venue", "abp"}, {"userRef", "cx"}, {"count", 2}, {"status", "PENDING"}});
  auto partial = control("/_sim/seed-orders",
                         {{"venue", "abp"}, {"userRef", "cx"}, {"count", 1}, {"status", "PARTIALLY_FILLED"}, {"confirmedBet", true}});
  auto filled = control("/_sim/seed-orders", {{"venue", "abp"}, {"userRef", "cx"}, {"count", 1}, {"status", "FILLED"}});
  auto partial_open = control("/_sim/seed-orders", {{"venue", "abp"}, {"userRef", "cy"}, {"count", 1}, {"status", "PARTIALLY_FILLED"}});
  // A PENDING order that got a confirmed bet cannot be fully cancelled either.
  control("/_sim/abp/set-order", {{"orderId", pending["orderIds"][1]}, {"addBet", {{"betStatus", "CONFIRMED"}, {"placedStake", 1}}}});

  ASSERT_EQ(abp("GET", "/orders?userRef=cx").status, 200);  // renders (and caches) the orders first
  auto r = abp("POST", "/cancel-orders", R"({"userRef":"cx"})");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = parse(r);
  EXPECT_EQ(j["status"], "cancelled");
  EXPECT_EQ(j["cancelledCount"], 1);
  ASSERT_EQ(j["cancelled"].size(), 1u);
  EXPECT_EQ(j["cancelled"][0]["orderId"], pending["orderIds"][0]);
  EXPECT_EQ(j["cancelled"][0]["orderStatus"], "CANCELLED");
  EXPECT_EQ(j["notCancelled"]["reason"], "Order not cancellable");
  std::set<std::int64_t> nc;
  for (auto& o : j["notCancelled"]["orders"]) nc.insert(o["orderId"].get<std::int64_t>());
  EXPECT_EQ(nc, (std::set<std::int64_t>{pending["orderIds"][1].get<std::int64_t>(), partial["orderIds"][0].get<std::int64_t>(),
                                        filled["orderIds"][0].get<std::int64_t>()}));
  // A read after the cancel shows the new state.
  const json after = parse(abp("GET", "/orders?userRef=cx"));
  for (auto& o : after["orders"])
    EXPECT_EQ(o["orderStatus"] == "CANCELLED", o["orderId"] == pending["orderIds"][0]) << o["orderId"];
  // Second time nothing is cancellable.
  j = parse(abp("POST", "/cancel-orders", R"({"userRef":"cx"})"));
  EXPECT_EQ(j["cancelledCount"], 0);
  // PARTIALLY_FILLED without a confirmed bet is cancellable (by orderIds, OR with a non-matching uuid).
  r = abp("POST", "/cancel-orders",
          json({{"orderIds", partial_open["orderIds"]}, {"requestUuids", {"00000000-0000-4000-8000-000000000000"}}}).dump());
  EXPECT_EQ(parse(r)["cancelledCount"], 1);
  // Errors.
  r = abp("POST", "/cancel-orders", "{}");
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(parse(r)["detail"].is_string());
  EXPECT_EQ(abp("POST", "/cancel-orders", R"({"orderIds":[],"userRef":null})").status, 400);
  r = abp("POST", "/cancel-orders", R"({"userRef":"nobody"})");
  EXPECT_EQ(r.status, 404);
  EXPECT_TRUE(parse(r)["detail"].is_string());
  r = abp("POST", "/cancel-orders", R"({"orderIds":["x"]})");
  EXPECT_EQ(r.status, 422);
  EXPECT_TRUE(parse(r)["detail"].is_array());
  EXPECT_EQ(abp("POST", "/cancel-orders", "not json").status, 422);
}

std::string place_body(const std::vector<std::tuple<std::string, std::string, std::string>>& orders, const std::string& extra = "") {
  std::string b = R"({"orders":[)";
  bool first = true;
  for (const auto& [uuid, price, stake] : orders) {
    if (!first) b += ",";
    first = false;
    b += R"({"requestUuid":")" + uuid + R"(","fixtureId":"id1000004461512432","outcomeId":103,"playerId":0,"orderPrice":)" + price +
         R"(,"orderStake":)" + stake + R"(,"userRef":"placer","testOrder":false)" + extra + "}";
  }
  return b + "]}";
}

TEST_F(Sim, AbpPlacementAcceptDeclineDuplicatesAndFills) {
  const std::string u1 = "a0000000-0000-4000-8000-000000000001", u2 = "a0000000-0000-4000-8000-000000000002",
                    u3 = "a0000000-0000-4000-8000-000000000003", u4 = "a0000000-0000-4000-8000-000000000004";
  auto r = abp("POST", "/place-orders", place_body({{u1, "1.95", "50"}, {u2, "2.65", "10.99"}}));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find(R"("orderPrice":1.95,"orderStake":50,"filledStake":0,)"), std::string::npos) << r.body;
  auto j = parse(r);
  EXPECT_EQ(j["status"], "accepted");
  ASSERT_EQ(j["acceptedOrders"].size(), 2u);
  EXPECT_EQ(j["declinedOrders"].size(), 0u);
  EXPECT_EQ(j["acceptedOrders"][0]["orderStatus"], "PENDING");
  EXPECT_EQ(j["acceptedOrders"][0]["allowedBookmakers"], "*");
  EXPECT_EQ(j["acceptedOrders"][0]["createdAt"], "2026-02-07T16:20:00.001000+00:00");
  EXPECT_EQ(j["acceptedOrders"][0]["expiresAt"], "2026-02-07T16:20:05.001000+00:00");
  EXPECT_EQ(j["acceptedOrders"][1]["orderStatus"], "FILLED");  // stake ending in .99 fills
  EXPECT_EQ(j["acceptedOrders"][1]["bets"][0]["betStatus"], "CONFIRMED");
  EXPECT_NE(r.body.find(R"("placedPrice":2.65,"placedStake":10.99,)"), std::string::npos);

  // partial-success: one accepted, one declined (price <= 1.0), one duplicate skipped.
  r = abp("POST", "/place-orders", place_body({{u3, "2", "5.98"}, {u4, "1.0", "5"}, {u1, "1.95", "50"}}, R"(,"bookmakers":"sharpbet,pinnacle")"));
  ASSERT_EQ(r.status, 200) << r.body;
  j = parse(r);
  EXPECT_EQ(j["status"], "partial-success");
  ASSERT_EQ(j["acceptedOrders"].size(), 1u);
  EXPECT_EQ(j["acceptedOrders"][0]["allowedBookmakers"], "sharpbet,pinnacle");
  EXPECT_EQ(j["acceptedOrders"][0]["orderStatus"], "PARTIALLY_FILLED");  // .98: half confirmed
  EXPECT_NE(r.body.find(R"("filledStake":2.99)"), std::string::npos);
  ASSERT_EQ(j["declinedOrders"].size(), 1u);
  EXPECT_EQ(j["declinedOrders"][0]["requestUuid"], u4);
  EXPECT_TRUE(j["declinedOrders"][0]["declineReason"].is_string());

  // All duplicates -> 409.
  r = abp("POST", "/place-orders", place_body({{u1, "1.95", "50"}, {u3, "2", "5"}}));
  EXPECT_EQ(r.status, 409);
  EXPECT_TRUE(parse(r)["detail"].is_string());
  // Declined only.
  r = abp("POST", "/place-orders", place_body({{"b0000000-0000-4000-8000-000000000001", "3", "0"}}));
  EXPECT_EQ(parse(r)["status"], "declined");
  // The duplicate window is 30 minutes (simulated clock).
  control("/_sim/advance-clock", {{"seconds", 31 * 60}});
  r = abp("POST", "/place-orders", place_body({{u1, "1.95", "50"}}));
  EXPECT_EQ(parse(r)["status"], "accepted");
  // ... and the order placed again is a duplicate in turn, in any letter case (requestUuids index).
  r = abp("POST", "/place-orders", place_body({{"A0000000-0000-4000-8000-000000000001", "1.95", "50"}}));
  EXPECT_EQ(r.status, 409) << r.body;
  // Expiry capped at 24 h, echoed otherwise (every placement ticks the clock 1 ms, the refused one too).
  r = abp("POST", "/place-orders", place_body({{"c0000000-0000-4000-8000-000000000001", "2", "1"}}, R"(,"expiresAt":"2030-01-01T00:00:00Z")"));
  EXPECT_EQ(parse(r)["acceptedOrders"][0]["expiresAt"], "2026-02-08T16:51:00.007000+00:00");
}

TEST_F(Sim, AbpPlacementValidation) {
  auto check422 = [&](const std::string& body, const json& loc) {
    auto r = abp("POST", "/place-orders", body);
    EXPECT_EQ(r.status, 422) << body << " -> " << r.body;
    auto j = parse(r);
    ASSERT_TRUE(j["detail"].is_array()) << r.body;
    if (!loc.is_null()) {
      EXPECT_EQ(j["detail"][0]["loc"], loc) << r.body;
    }
  };
  check422(R"({"orders":[]})", json::array({"body", "orders"}));
  std::vector<std::tuple<std::string, std::string, std::string>> many;
  for (int i = 0; i < 101; ++i) {
    char u[40];
    std::snprintf(u, sizeof u, "d0000000-0000-4000-8000-%012d", i);
    many.emplace_back(u, "2", "1");
  }
  check422(place_body(many), json::array({"body", "orders"}));
  check422(R"({"orders":[{"requestUuid":"d0000000-0000-4000-8000-000000000001","fixtureId":"f","outcomeId":1,"playerId":0,"orderPrice":2,"userRef":"u","testOrder":false}]})",
           json::array({"body", "orders", 0, "orderStake"}));
  check422(R"({"orders":[{"requestUuid":"not-a-uuid","fixtureId":"f","outcomeId":1,"playerId":0,"orderPrice":2,"orderStake":1,"userRef":"u","testOrder":false}]})",
           json::array({"body", "orders", 0, "requestUuid"}));
  check422(R"({"orders":[{"requestUuid":"d0000000-0000-4000-8000-000000000001","outcomeId":1,"playerId":0,"orderPrice":2,"orderStake":1,"userRef":"u","testOrder":false}]})",
           nullptr);
  auto r = abp("POST", "/place-orders",
               R"({"orders":[{"requestUuid":"d0000000-0000-4000-8000-000000000001","futureId":"fut1","outcomeId":1,"playerId":0,"orderPrice":2,"orderStake":1,"userRef":"u","testOrder":false}]})");
  EXPECT_EQ(r.status, 501);
  EXPECT_TRUE(parse(r)["detail"].is_string());
}

TEST_F(Sim, AbpBets) {
  auto r = abp("GET", "/bets?orderIds=372");
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = parse(r);
  ASSERT_EQ(j["count"], 1);
  EXPECT_EQ(j["bets"][0]["betId"], 91);
  EXPECT_EQ(j["hasMore"], false);
  EXPECT_TRUE(j["nextCursor"].is_null());
  r = abp("GET", "/bets/91");
  ASSERT_EQ(r.status, 200);
  EXPECT_NE(r.body.find(R"("placedPrice":2.65,"placedStake":10,)"), std::string::npos);
  EXPECT_EQ(abp("GET", "/bets/999999").status, 404);
  EXPECT_EQ(abp("GET", "/bets").status, 400);
  // Keyset pagination over all of one user's bets.
  std::set<std::int64_t> seen;
  std::string cursor;
  for (int guard = 0; guard < 100; ++guard) {
    auto page = parse(abp("GET", "/bets?userRef=bettor1234&limit=2" + (cursor.empty() ? "" : "&afterBetId=" + cursor)));
    for (auto& b : page["bets"]) EXPECT_TRUE(seen.insert(b["betId"].get<std::int64_t>()).second);
    if (!page["hasMore"].get<bool>()) break;
    cursor = std::to_string(page["nextCursor"].get<std::int64_t>());
  }
  EXPECT_TRUE(seen.count(91));
  EXPECT_GT(seen.size(), 2u);
}

TEST_F(Sim, AbpRateLimitWhenEnabled) {
  control("/_sim/rate-limits", {{"venue", "abp"}, {"enabled", true}});
  http_connection c(port());
  for (int i = 0; i < 60; ++i) {
    auto r = c.request("GET", "/abp/orders?orderIds=371", {}, {{"x-api-key", kAbpKey}});
    ASSERT_EQ(r.status, 200) << i;
  }
  auto r = c.request("GET", "/abp/orders?orderIds=371", {}, {{"x-api-key", kAbpKey}});
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(parse(r)["error"], "Rate limit exceeded");
  EXPECT_FALSE(r.header("Retry-After").empty());
  // Per key: another key is not limited; health needs no key and is not limited.
  EXPECT_EQ(c.request("GET", "/abp/orders?orderIds=371", {}, {{"x-api-key", "abp-test-key-0002"}}).status, 404);
  EXPECT_EQ(c.request("GET", "/abp/health").status, 200);
  control("/_sim/rate-limits", {{"venue", "abp"}, {"enabled", false}});
  EXPECT_EQ(c.request("GET", "/abp/orders?orderIds=371", {}, {{"x-api-key", kAbpKey}}).status, 200);
}

// ---------------------------------------------------------------------------------------------
// PredictStreet

TEST_F(Sim, PredictStreetEveryAuthError) {
  struct Case {
    const char* key;
    const char* wallet;
    int status;
    const char* code;
  };
  const Case cases[] = {
      {nullptr, nullptr, 401, "auth_required"},
      {"ps_test_xyz", nullptr, 401, "api_key_bad_format"},
      {"ps_prod_0000000000000a01_simSingleSecret_0123456789abcdefghijklmnopq", nullptr, 401, "api_key_bad_format"},
      {"ps_test_00000000000000ff_simSingleSecret_0123456789abcdefghijklmnopq", nullptr, 401, "api_key_unknown_key"},
      {"ps_live_0000000000000a01_simSingleSecret_0123456789abcdefghijklmnopq", nullptr, 401, "api_key_unknown_key"},
      {"ps_test_0000000000000a01_simSingleSecret_0123456789abcdefghijklmnopX", nullptr, 401, "api_key_bad_secret"},
      {"ps_test_0000000000000a03_simRevokedSecret_0123456789abcdefghijklmnop", nullptr, 401, "api_key_revoked"},
      {"ps_test_0000000000000a04_simExpiredSecret_0123456789abcdefghijklmnop", nullptr, 401, "api_key_expired"},
      {"ps_test_0000000000000a05_simSuspendedSecret_0123456789abcdefghijklmn", nullptr, 401, "api_key_suspended"},
      {"ps_test_0000000000000a06_simIpdeniedSecret_0123456789abcdefghijklmno", nullptr, 401, "api_key_ip_denied"},
      {"ps_test_0000000000000a07_simNowalletSecret_0123456789abcdefghijklmno", nullptr, 401, "api_key_no_associated_wallet"},
      {kPsMulti, nullptr, 401, "api_key_user_wallet_required"},
      {kPsMulti, "0x1234", 401, "api_key_user_wallet_invalid"},
      {kPsMulti, "0xBAD0000000000000000000000000000000000BAD", 403, "wallet_banned"},
      {"ps_test_0000000000000a09_simBannedSecret_0123456789abcdefghijklmnopq", nullptr, 403, "wallet_banned"},
  };
  for (const auto& c : cases) {
    auto r = ps("GET", "/api/orders/open", {}, c.key, c.wallet);
    EXPECT_EQ(r.status, c.status) << c.code << ": " << r.body;
    auto j = parse(r);
    EXPECT_EQ(j["code"], c.code) << r.body;
    EXPECT_TRUE(j["message"].is_string());
    EXPECT_TRUE(j.contains("details"));
    EXPECT_FALSE(r.header("X-RateLimit-Limit").empty()) << c.code;
    EXPECT_FALSE(r.header("X-RateLimit-Remaining").empty());
    EXPECT_FALSE(r.header("X-RateLimit-Reset").empty());
  }
  auto r = ps("POST", "/api/orders/cancel-batch", R"({"orderIds":["x"]})", kPsReadonly);
  EXPECT_EQ(r.status, 403);
  auto j = parse(r);
  EXPECT_EQ(j["code"], "api_key_scope_missing");
  EXPECT_EQ(j["details"]["requiredScope"], "orders:write");
  EXPECT_EQ(j["details"]["have"], json::array({"orders:read"}));
  EXPECT_EQ(ps("GET", "/api/orders/open", {}, kPsReadonly).status, 200);
}

TEST_F(Sim, PredictStreetCancelBatchReasons) {
  auto a = control("/_sim/seed-orders", {{"venue", "predictstreet"}, {"wallet", kWalletA}, {"count", 5}, {"status", "OPEN"}});
  auto done = control("/_sim/seed-orders", {{"venue", "predictstreet"}, {"wallet", kWalletA}, {"count", 1}, {"status", "FILLED"}});
  auto b = control("/_sim/seed-orders", {{"venue", "predictstreet"}, {"wallet", kWalletB}, {"count", 1}});
  const std::string a0 = a["orderIds"][0], a1 = a["orderIds"][1], a2 = a["orderIds"][2], a3 = a["orderIds"][3];
  control("/_sim/predictstreet/inject", {{"orderIds", {a2}}, {"reason", "lock_invariant"}});
  control("/_sim/predictstreet/inject", {{"orderIds", {a3}}, {"reason", "unknown"}});
  const std::string unknown = "00000000-0000-4000-8000-00000000dead";
  json ids = {a0, a1, a0, b["orderIds"][0], unknown, done["orderIds"][0], a2, a3};
  auto r = ps("POST", "/api/orders/cancel-batch", json({{"orderIds", ids}}).dump());
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = parse(r);
  EXPECT_EQ(j["cancelled"], json::array({a0, a1}));  // de-duplicated
  EXPECT_EQ(j["notCancelled"].size(), 5u);
  EXPECT_EQ(j["notCancelled"][b["orderIds"][0].get<std::string>()], "not_found");  // no existence leak
  EXPECT_EQ(j["notCancelled"][unknown], "not_found");
  EXPECT_EQ(j["notCancelled"][done["orderIds"][0].get<std::string>()], "already_terminal");
  EXPECT_EQ(j["notCancelled"][a2], "lock_invariant");
  EXPECT_EQ(j["notCancelled"][a3], "unknown");
  // Re-cancel: already_terminal.
  j = parse(ps("POST", "/api/orders/cancel-batch", json({{"orderIds", {a0}}}).dump()));
  EXPECT_EQ(j["cancelled"].size(), 0u);
  EXPECT_EQ(j["notCancelled"][a0], "already_terminal");
  EXPECT_EQ(parse(ps("GET", "/api/orders/" + a0))["status"], "CANCELLED");
  // Size limits.
  for (const std::string& body : {std::string(R"({"orderIds":[]})"), std::string("{}"), std::string("nope")}) {
    r = ps("POST", "/api/orders/cancel-batch", body);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(parse(r)["code"], "bad_request");
  }
  json big = json::array();
  for (int i = 0; i < 101; ++i) big.push_back("id-" + std::to_string(i));
  EXPECT_EQ(ps("POST", "/api/orders/cancel-batch", json({{"orderIds", big}}).dump()).status, 400);
  big.erase(big.begin());
  EXPECT_EQ(ps("POST", "/api/orders/cancel-batch", json({{"orderIds", big}}).dump()).status, 200);
}

TEST_F(Sim, PredictStreetWalletsAndReads) {
  auto b = control("/_sim/seed-orders", {{"venue", "predictstreet"}, {"wallet", kWalletB}, {"count", 1}, {"status", "PARTIAL"}});
  const std::string id = b["orderIds"][0];
  // Multi-wallet key acting as B (upper-case wallet is lower-cased server-side).
  const char* upper_b = "0x742D35CC6634C0532925A3B844BC9E7595F0BEB3";
  auto r = ps("GET", "/api/orders/" + id, {}, kPsMulti, upper_b);
  ASSERT_EQ(r.status, 200) << r.body;
  auto o = parse(r);
  for (const char* k : {"id", "userWallet", "vault", "marketId", "side", "outcome", "price", "quantity", "filledQty", "remainingQty",
                        "expiry", "type", "timeInForce", "status", "clientOrderId", "createdAt", "updatedAt"})
    EXPECT_TRUE(o.contains(k)) << k;
  EXPECT_EQ(o["userWallet"], kWalletB);
  EXPECT_TRUE(o["price"].is_string());
  // The single-wallet key (wallet A) cannot see B's order.
  r = ps("GET", "/api/orders/" + id);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(parse(r)["code"], "not_found");
  // Fills.
  r = ps("GET", "/api/orders/" + id + "/fills", {}, kPsMulti, kWalletB);
  ASSERT_EQ(r.status, 200);
  auto f = parse(r);
  EXPECT_EQ(f["orderId"], id);
  ASSERT_GE(f["trades"].size(), 1u);
  EXPECT_TRUE(f["trades"][0]["txHash"].is_string());
  // Open orders: cursor pagination, no gaps/duplicates across inserts; limits.
  EXPECT_EQ(parse(ps("GET", "/api/orders/open?limit=0"))["code"], "invalid_limit");
  EXPECT_EQ(ps("GET", "/api/orders/open?limit=501").status, 400);
  EXPECT_EQ(ps("GET", "/api/orders/open?limit=500").status, 200);
  control("/_sim/seed-orders", {{"venue", "predictstreet"}, {"wallet", kWalletA}, {"count", 23}, {"status", "OPEN"}});
  const auto all = parse(ps("GET", "/api/orders/open?limit=500"));
  EXPECT_EQ(all["walletAddress"], kWalletA);
  EXPECT_TRUE(all["nextCursor"].is_null());
  std::vector<std::string> paged;
  std::string cursor;
  for (int guard = 0; guard < 100; ++guard) {
    auto page = parse(ps("GET", "/api/orders/open?limit=4" + (cursor.empty() ? "" : "&cursor=" + cursor)));
    for (auto& x : page["orders"]) paged.push_back(x["id"]);
    control("/_sim/seed-orders", {{"venue", "predictstreet"}, {"wallet", kWalletA}, {"count", 1}});
    if (page["nextCursor"].is_null()) break;
    cursor = page["nextCursor"];
  }
  ASSERT_EQ(paged.size(), all["orders"].size());
  for (std::size_t i = 0; i < paged.size(); ++i) EXPECT_EQ(paged[i], all["orders"][i]["id"].get<std::string>());
  // History: status filter and clamped limit.
  auto h = parse(ps("GET", "/api/orders/history?status=FILLED&limit=1000"));
  for (auto& x : h["orders"]) EXPECT_EQ(x["status"], "FILLED");
  EXPECT_EQ(ps("GET", "/api/orders/history?limit=0").status, 400);
  EXPECT_EQ(ps("GET", "/api/orders/no-such-id").status, 404);
}

TEST_F(Sim, PredictStreetCancelAndCancelAll) {
  auto a = control("/_sim/seed-orders", {{"venue", "predictstreet"}, {"wallet", kWalletA}, {"count", 1}, {"status", "OPEN"}});
  const std::string id = a["orderIds"][0];
  auto j = parse(ps("POST", "/api/orders/cancel", json({{"orderId", id}}).dump()));
  EXPECT_EQ(j["orderId"], id);
  EXPECT_EQ(j["status"], "cancelled");
  EXPECT_TRUE(j["unfilledQty"].is_string());
  auto r = ps("POST", "/api/orders/cancel", json({{"orderId", id}}).dump());
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(parse(r)["status"], "not_found");
  EXPECT_EQ(ps("POST", "/api/orders/cancel", "{}").status, 400);

  // cancel-all with filters: only SELL orders of one market go.
  control("/_sim/seed-orders", {{"venue", "predictstreet"}, {"wallet", kWalletA}, {"count", 3}, {"marketId", "mkt-x"}, {"side", "sell"}});
  control("/_sim/seed-orders", {{"venue", "predictstreet"}, {"wallet", kWalletA}, {"count", 2}, {"marketId", "mkt-x"}, {"side", "buy"}});
  j = parse(ps("POST", "/api/orders/cancel-all", R"({"marketId":"mkt-x","side":"SELL"})"));
  EXPECT_EQ(j["cancelled"].size(), 3u);
  EXPECT_EQ(j["marketId"], "mkt-x");
  EXPECT_TRUE(j["notCancelled"].is_object());
  auto open = parse(ps("GET", "/api/orders/open?marketId=mkt-x&limit=500"));
  ASSERT_EQ(open["orders"].size(), 2u);
  for (auto& o : open["orders"]) EXPECT_EQ(o["side"], "buy");
  EXPECT_EQ(ps("POST", "/api/orders/cancel-all", R"({"side":"sideways"})").status, 400);
  // Older response form: cancelled is a number.
  control("/_sim/predictstreet/legacy", {{"cancelAllNumber", true}});
  j = parse(ps("POST", "/api/orders/cancel-all", ""));
  EXPECT_TRUE(j["cancelled"].is_number());
  EXPECT_GE(j["cancelled"].get<int>(), 2);
  EXPECT_TRUE(j["marketId"].is_null());
  EXPECT_EQ(parse(ps("GET", "/api/orders/open"))["orders"].size(), 0u);
}

TEST_F(Sim, PredictStreetRateLimitBuckets) {
  control("/_sim/rate-limits", {{"venue", "predictstreet"}, {"enabled", true}});
  http_connection c(port());
  const headers_t k{{"X-Api-Key", kPsSingle}};
  const std::string body = R"({"orderIds":["x"]})";
  for (int i = 0; i < 5; ++i) {
    auto r = c.request("POST", "/predictstreet/api/orders/cancel-batch", body, k);
    ASSERT_EQ(r.status, 200) << i;
    EXPECT_EQ(r.header("X-RateLimit-Limit"), "5");
    EXPECT_EQ(r.header("X-RateLimit-Remaining"), std::to_string(4 - i));
  }
  auto r = c.request("POST", "/predictstreet/api/orders/cancel-batch", body, k);
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(parse(r)["code"], "rate_limited");
  EXPECT_EQ(r.header("Retry-After"), "1");
  EXPECT_EQ(c.request("POST", "/predictstreet/api/orders/cancel-all", "", k).status, 200);
  EXPECT_EQ(c.request("POST", "/predictstreet/api/orders/cancel-all", "", k).status, 429);
  // Reads have their own bucket (300 / 60 s); another wallet has its own buckets.
  r = c.request("GET", "/predictstreet/api/orders/open", {}, k);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.header("X-RateLimit-Limit"), "300");
  EXPECT_EQ(c.request("POST", "/predictstreet/api/orders/cancel-batch", body, {{"X-Api-Key", kPsMulti}, {"X-User-Wallet", kWalletB}}).status,
            200);
}

// ---------------------------------------------------------------------------------------------
// Opinion.trade

TEST_F(Sim, OpinionListingAndFields) {
  auto r = op("GET", "/order?limit=20&page=1&chain_id=56");
  ASSERT_EQ(r.status, 200);
  auto j = parse(r);
  EXPECT_EQ(j["errno"], 0);
  EXPECT_EQ(j["errmsg"], "");
  const auto total = j["result"]["total"].get<std::size_t>();
  ASSERT_EQ(j["result"]["list"].size(), std::min<std::size_t>(20, total));
  const auto& o = j["result"]["list"][0];
  for (const char* k : {"orderId", "status", "statusEnum", "marketId", "marketTitle", "rootMarketId", "rootMarketTitle", "side", "sideEnum",
                        "tradingMethod", "tradingMethodEnum", "outcome", "outcomeSide", "outcomeSideEnum", "price", "orderShares",
                        "orderAmount", "filledShares", "filledAmount", "profit", "quoteToken", "createdAt", "expiresAt", "trades"})
    EXPECT_TRUE(o.contains(k)) << k;
  EXPECT_TRUE(o["price"].is_string());
  // Pages of 7 cover everything exactly once.
  std::set<std::string> ids;
  for (int page = 1; page <= 20; ++page) {
    auto p = parse(op("GET", "/order?limit=7&page=" + std::to_string(page)));
    for (auto& x : p["result"]["list"]) EXPECT_TRUE(ids.insert(x["orderId"].get<std::string>()).second);
    if (p["result"]["list"].size() < 7) break;
  }
  EXPECT_EQ(ids.size(), total);
  // Status set and market filter (both casings).
  auto pend = parse(op("GET", "/order?status=1,3&limit=20"));
  for (auto& x : pend["result"]["list"]) EXPECT_TRUE(x["status"] == 1 || x["status"] == 3);
  control("/_sim/seed-orders", {{"venue", "opinion"}, {"user", "alice"}, {"count", 3}, {"marketId", 777}});
  EXPECT_EQ(parse(op("GET", "/order?market_id=777"))["result"]["total"], 3);
  EXPECT_EQ(parse(op("GET", "/order?marketId=777&chainId=56"))["result"]["total"], 3);
  EXPECT_EQ(parse(op("GET", "/order?market_id=777", {}, kBob))["result"]["total"], 0);
  // Parameter errors: errno under HTTP 200.
  for (const char* bad : {"/order?limit=21", "/order?limit=0", "/order?page=0", "/order?status=6", "/order?limit=x"}) {
    r = op("GET", bad);
    EXPECT_EQ(r.status, 200) << bad;
    EXPECT_NE(parse(r)["errno"], 0) << bad;
  }
}

TEST_F(Sim, OpinionCancelRulesAndDetail) {
  auto seeded = control("/_sim/seed-orders", {{"venue", "opinion"}, {"user", "alice"}, {"count", 1}, {"status", 1}});
  const std::string id = seeded["orderIds"][0];
  auto j = parse(op("GET", "/order/" + id));
  EXPECT_EQ(j["errno"], 0);
  EXPECT_EQ(j["result"]["orderData"]["orderId"], id);
  // Another user's order is an error envelope, not a success.
  auto r = op("POST", "/order/cancel", json({{"orderId", id}}).dump(), kBob);
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(parse(r)["errno"], 0);
  EXPECT_NE(parse(op("GET", "/order/" + id, {}, kBob))["errno"], 0);
  r = op("POST", "/order/cancel", json({{"orderId", id}}).dump());
  EXPECT_EQ(r.body, R"({"errno":0,"errmsg":"","result":{"data":{"orderId":")" + id + R"(","status":3}}})");
  r = op("POST", "/order/cancel", json({{"orderId", id}}).dump());
  EXPECT_EQ(r.status, 200);
  j = parse(r);
  EXPECT_NE(j["errno"], 0);
  EXPECT_FALSE(j["errmsg"].get<std::string>().empty());
  EXPECT_EQ(parse(op("GET", "/order/" + id))["result"]["orderData"]["status"], 3);
  EXPECT_NE(parse(op("POST", "/order/cancel", R"({"orderId":"nope"})"))["errno"], 0);
  EXPECT_NE(parse(op("POST", "/order/cancel", "{}"))["errno"], 0);
  // Auth.
  r = op("GET", "/order", {}, nullptr);
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(parse(r)["errno"], 0);
  EXPECT_EQ(op("GET", "/order", {}, "bad-key").status, 401);
  // The code/msg envelope, switched at run time.
  control("/_sim/opinion/envelope", {{"form", "code"}});
  j = parse(op("GET", "/order?limit=1"));
  EXPECT_EQ(j["code"], 0);
  EXPECT_EQ(j["msg"], "");
  EXPECT_TRUE(j["result"]["list"].is_array());
  j = parse(op("POST", "/order/cancel", R"({"orderId":"nope"})"));
  EXPECT_NE(j["code"], 0);
}

TEST_F(Sim, OpinionRateLimit) {
  control("/_sim/rate-limits", {{"venue", "opinion"}, {"enabled", true}});
  http_connection c(port());
  int ok = 0;
  http_result last;
  for (int i = 0; i < 16; ++i) {
    last = c.request("GET", "/opinion/openapi/order?limit=1", {}, {{"apikey", kAlice}});
    if (last.status == 200) ++ok;
  }
  EXPECT_EQ(ok, 15);
  EXPECT_EQ(last.status, 429);
  EXPECT_EQ(last.header("Retry-After"), "1");
  EXPECT_EQ(c.request("GET", "/opinion/openapi/order?limit=1", {}, {{"apikey", kBob}}).status, 200);
}

// ---------------------------------------------------------------------------------------------
// Fault injection

TEST_F(Sim, FaultDropResetTruncate) {
  auto r = http_call(port(), "GET", "/abp/health", {}, {{"X-Sim-Fault", "drop"}});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "connection closed before the response");
  r = http_call(port(), "GET", "/abp/health", {}, {{"X-Sim-Fault", "reset"}});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.error.find("reset"), std::string::npos) << r.error;
  r = abp("GET", "/orders?orderIds=371", {}, kAbpKey, {{"X-Sim-Fault", "truncate"}});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.error.find("connection closed after"), std::string::npos) << r.error;
  EXPECT_FALSE(r.body.empty());
  EXPECT_LT(r.body.size(), std::stoul(r.header("Content-Length")));
  // The server keeps serving.
  EXPECT_EQ(http_call(port(), "GET", "/abp/health").status, 200);
  // drop-after: the request took effect, the answer was lost.
  r = ps("POST", "/api/orders/cancel-all", "", kPsSingle, nullptr, {{"X-Sim-Fault", "drop-after"}});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(parse(ps("GET", "/api/orders/open"))["orders"].size(), 0u);
}

TEST_F(Sim, FaultHtml429StatusHugeDelay) {
  auto r = abp("GET", "/orders?orderIds=371", {}, kAbpKey, {{"X-Sim-Fault", "html502"}});
  EXPECT_EQ(r.status, 502);
  EXPECT_EQ(r.header("Content-Type").rfind("text/html", 0), 0u);
  EXPECT_NE(r.body.find("<html>"), std::string::npos);
  // 429 in each venue's own error shape.
  r = abp("GET", "/orders?orderIds=371", {}, kAbpKey, {{"X-Sim-Fault", "429=3"}});
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.header("Retry-After"), "3");
  EXPECT_TRUE(parse(r)["error"].is_string());
  r = ps("GET", "/api/orders/open", {}, kPsSingle, nullptr, {{"X-Sim-Fault", "429"}});
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.header("Retry-After"), "1");
  EXPECT_EQ(parse(r)["code"], "rate_limited");
  EXPECT_EQ(r.header("X-RateLimit-Remaining"), "0");
  EXPECT_FALSE(r.header("X-RateLimit-Reset").empty());
  r = op("GET", "/order", {}, kAlice, {{"X-Sim-Fault", "429=2"}});
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(parse(r)["errno"], 429);
  r = abp("GET", "/orders?orderIds=371", {}, kAbpKey, {{"X-Sim-Fault", "status=503"}});
  EXPECT_EQ(r.status, 503);
  EXPECT_TRUE(parse(r)["detail"].is_string());
  r = ps("GET", "/api/orders/open", {}, kPsSingle, nullptr, {{"X-Sim-Fault", "status=500"}});
  EXPECT_EQ(parse(r)["code"], "internal_error");
  // huge: a valid JSON body of about the size asked for, with the real answer inside.
  r = abp("GET", "/orders?orderIds=371", {}, kAbpKey, {{"X-Sim-Fault", "huge=1000000"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_NEAR(static_cast<double>(r.body.size()), 1000000.0, 16.0);
  auto j = parse(r);
  ASSERT_FALSE(j.is_discarded());
  EXPECT_EQ(j["orders"][0]["orderId"], 371);
  // delay.
  const auto t0 = std::chrono::steady_clock::now();
  r = http_call(port(), "GET", "/abp/health", {}, {{"X-Sim-Fault", "delay=150"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(150));
  // A bad spec is refused.
  EXPECT_EQ(http_call(port(), "GET", "/abp/health", {}, {{"X-Sim-Fault", "explode"}}).status, 400);
}

TEST_F(Sim, ArmedFaultsApplyToTheNextMatchingRequests) {
  auto a = control("/_sim/faults", {{"path_prefix", "/abp/orders"}, {"fault", "status=500"}, {"count", 2}});
  EXPECT_EQ(a["armed"].size(), 1u);
  EXPECT_EQ(abp("GET", "/health").status, 200);  // not matching
  EXPECT_EQ(abp("GET", "/orders?orderIds=371").status, 500);
  EXPECT_EQ(abp("GET", "/orders?orderIds=371").status, 500);
  EXPECT_EQ(abp("GET", "/orders?orderIds=371").status, 200);
  control("/_sim/faults", {{"path_prefix", "/predictstreet/"}, {"method", "POST"}, {"fault", "delay=50,html502"}});
  EXPECT_EQ(ps("GET", "/api/orders/open").status, 200);
  EXPECT_EQ(ps("POST", "/api/orders/cancel-all").status, 502);
  control("/_sim/faults", {{"path_prefix", "/opinion"}, {"fault", "drop"}, {"count", 5}});
  EXPECT_EQ(parse(sim_->get("/_sim/faults"))["armed"][0]["count"], 5);
  EXPECT_EQ(sim_->post("/_sim/faults/clear").status, 200);
  EXPECT_EQ(op("GET", "/order").status, 200);
  EXPECT_EQ(sim_->post("/_sim/faults", R"({"path_prefix":"/abp","fault":"bogus"})").status, 400);
}

}  // namespace
