// ABP endpoints beyond orders and bets, over the scripted transport (no sockets): the kill switch
// POST /cancel-all-orders, accounts, betslip, reference data, analytics and the infra probes —
// client-side validation (nothing is sent), target and body encoding, decoding, secrets never printed.

#define BETWIRE_DEFINE_COUNTING_NEW
#include "counting_allocator.hpp"
#include "scripted_transport.hpp"

#include <betwire/abp/abp.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

using betwire::test::replay_transport;
using betwire_test::warm_then_count;

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

// ---- accounts ------------------------------------------------------------------------------------

namespace abpapi {
constexpr std::string_view account_json =
    R"({"bookmaker":"pinnacle","username":"pinnacle_main","client":"demo","password":"***","balance":5000.0,"active":true,"priority":10,"maxStake":1000.0,"minStake":5.0,"currencyId":"USD","verifyBetslip":false,"meta":{},"createdAt":"2026-01-01T00:00:00Z","updatedAt":"2026-02-01T12:00:00Z","multiLimitAllowed":true,"currencyInfo":{"currency":"USD","currencyValue":1,"updatedAt":"2026-02-07T17:29:32+00:00"}})";
constexpr std::string_view old_account_json =  // an older revision: no multiLimitAllowed/currencyInfo, maxStake left out
    R"({"bookmaker":"betfair_ex","username":"betfair_user","client":"demo","password":"***","balance":2500.0,"active":true,"priority":5,"minStake":2.0,"currencyId":"GBP","verifyBetslip":true,"meta":{"appKey":"***"},"createdAt":"2026-01-05T00:00:00Z","updatedAt":null})";
}  // namespace abpapi

TEST(AbpAccounts, ListDecodesBothRevisionsAndFiltersByBookmaker) {
  fixture f;
  f.net.respond(200, "[" + std::string(abpapi::account_json) + "," + std::string(abpapi::old_account_json) + "]");
  auto r = f.abp.get_accounts({.bookmaker = "pinnacle"});
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(f.net.requests[0].target, "/accounts?bookmaker=pinnacle");
  ASSERT_EQ(r->size(), 2u);
  const abp::account& a = (*r)[0];
  EXPECT_EQ(a.username, "pinnacle_main");
  EXPECT_EQ(a.password, "***");
  EXPECT_EQ(a.balance.text(), "5000.0");
  EXPECT_EQ(a.priority, 10);
  EXPECT_EQ(a.max_stake->text(), "1000.0");
  EXPECT_EQ(a.multi_limit_allowed, true);
  ASSERT_TRUE(a.currency_info);
  EXPECT_EQ(a.currency_info->currency, "USD");
  const abp::account& old = (*r)[1];
  EXPECT_FALSE(old.max_stake.has_value());
  EXPECT_FALSE(old.multi_limit_allowed.has_value());
  EXPECT_FALSE(old.updated_at.has_value());
  EXPECT_EQ(old.meta.text, R"({"appKey":"***"})");

  // The view model into a reused vector.
  f.net.respond(200, "[" + std::string(abpapi::account_json) + "]");
  std::vector<abp::account_view> views;
  ASSERT_TRUE(f.abp.get_accounts({}, views));
  EXPECT_EQ(f.net.requests[1].target, "/accounts");
  ASSERT_EQ(views.size(), 1u);
  EXPECT_EQ(views[0].bookmaker, "pinnacle");

  auto empty = f.abp.get_accounts({.bookmaker = ""});
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().category, error_category::validation);
  EXPECT_EQ(f.net.requests.size(), 2u);
}

TEST(AbpAccounts, CreateSendsTheCredentialsOnlyInTheBodyAndNeverDescribesThem) {
  fixture f;
  f.net.respond(201, std::string(abpapi::account_json));
  abp::account_create_request req{.bookmaker = "pinnacle", .username = "my_account",
                                  .password = betwire::secret("hunter2-very-secret")};
  req.balance = "1000.0"_dec;
  req.priority = 10;
  req.meta = betwire::secret(R"({"appKey":"app-key-do-not-print"})");
  auto r = f.abp.create_account(req);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r.status(), 201);
  const auto& q = f.net.requests[0];
  EXPECT_EQ(q.method, http::method::post);
  EXPECT_EQ(q.target, "/accounts");
  EXPECT_EQ(nlohmann::json::parse(q.body),
            nlohmann::json::parse(R"({"bookmaker":"pinnacle","username":"my_account","password":"hunter2-very-secret",
                                     "balance":1000.0,"priority":10,"meta":{"appKey":"app-key-do-not-print"}})"));
  const std::string described = f.abp.describe_last_request();
  EXPECT_EQ(described.find("hunter2"), std::string::npos) << described;
  EXPECT_EQ(described.find("app-key-do-not-print"), std::string::npos) << described;
  EXPECT_NE(described.find("***"), std::string::npos) << described;
  EXPECT_EQ(described.find("abp-test-key-0001"), std::string::npos) << described;

  // A 422 that quotes its input (FastAPI does) has the credentials scrubbed from every text.
  f.net.respond(422, R"({"detail":[{"loc":["body","password"],"msg":"bad value hunter2-very-secret with app-key-do-not-print","type":"value_error"}]})");
  auto bad = f.abp.create_account(req);
  ASSERT_FALSE(bad);
  std::ostringstream printed;
  printed << bad.error();
  for (const std::string& text : {bad.error().message, bad.error().venue_message, bad.error().venue_code, printed.str()}) {
    EXPECT_EQ(text.find("hunter2"), std::string::npos) << text;
    EXPECT_EQ(text.find("app-key-do-not-print"), std::string::npos) << text;
  }
  EXPECT_NE(bad.error().venue_message.find("***"), std::string::npos) << bad.error().venue_message;

  f.net.respond(409, R"({"detail":"Account already exists"})");
  auto dup = f.abp.create_account(req);
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, errc::conflict);
}

TEST(AbpAccounts, ValidationBeforeSending) {
  fixture f;
  EXPECT_FALSE(f.abp.create_account({.bookmaker = "", .username = "u"}));
  EXPECT_FALSE(f.abp.create_account({.bookmaker = "b", .username = ""}));
  abp::account_create_request bad_meta{.bookmaker = "b", .username = "u"};
  bad_meta.meta = betwire::secret("[1,2]");
  auto m = f.abp.create_account(bad_meta);
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code, errc::invalid_argument);
  abp::account_update_request limits;
  limits.max_stake = "1"_dec;
  limits.min_stake = "5"_dec;
  EXPECT_FALSE(f.abp.update_account({"b", "u"}, limits));
  EXPECT_FALSE(f.abp.get_account({"", "u"}));
  EXPECT_FALSE(f.abp.delete_account({"b", ""}));
  EXPECT_TRUE(f.net.requests.empty());
}

TEST(AbpAccounts, GetPatchDeleteEncodePathsAndBodies) {
  fixture f;
  f.net.respond(200, std::string(abpapi::account_json));
  f.net.respond(200, std::string(abpapi::account_json));
  f.net.respond(204, "");
  f.net.respond(404, R"({"detail":"Account not found"})");
  auto g = f.abp.get_account({"book/x", "user name"});
  ASSERT_TRUE(g) << g.error();
  EXPECT_EQ(f.net.requests[0].method, http::method::get);
  EXPECT_EQ(f.net.requests[0].target, "/accounts/book%2Fx/user%20name");

  abp::account_update_request up;
  up.balance = "2000.0"_dec;
  up.active = true;
  up.password = betwire::secret("new-password-1234");
  abp::account_view view;
  auto p = f.abp.update_account({"pinnacle", "pinnacle_main"}, up, view);
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(view.username, "pinnacle_main");
  const auto& q = f.net.requests[1];
  EXPECT_EQ(q.method, http::method::patch);
  EXPECT_EQ(q.target, "/accounts/pinnacle/pinnacle_main");
  EXPECT_EQ(nlohmann::json::parse(q.body),
            nlohmann::json::parse(R"({"password":"new-password-1234","balance":2000.0,"active":true})"));
  EXPECT_EQ(q.idempotency, http::idempotency::idempotent);
  EXPECT_EQ(f.abp.describe_last_request().find("new-password"), std::string::npos);

  auto d = f.abp.delete_account({"pinnacle", "pinnacle_main"});
  ASSERT_TRUE(d) << d.error();
  EXPECT_EQ(d.status(), 204);
  EXPECT_EQ(f.net.requests[2].method, http::method::delete_);
  EXPECT_EQ(f.net.requests[2].target, "/accounts/pinnacle/pinnacle_main");
  auto gone = f.abp.delete_account({"pinnacle", "pinnacle_main"});
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().code, errc::not_found);
}

// ---- betslip, markets, bookmakers ----------------------------------------------------------------

namespace abpapi {
constexpr std::string_view betslip_json =
    R"({"fixtureId":"id1000004461512432","outcomeId":103,"playerId":0,"client":"demo","userRef":null,
"fixtureInfo":{"fixtureId":"id1000004461512432","status":{"live":false,"statusId":0,"statusName":"Pre-Game"},"sport":{"sportId":10,"sportName":"Soccer"},"tournament":{"tournamentId":44,"tournamentName":"2. Bundesliga","categoryName":"Germany"},"startTime":1754159400},
"outcomeInfo":{"marketId":101,"marketName":"Full Time Result","outcomeId":103,"outcomeName":"2"},"playerInfo":null,
"odds":{"pinnacle":{"id1000004461512432:pinnacle:103:0":{"price":1.85,"limit":5000.0,"limitMin":5.0,"limitCurrency":"USD","limitUsd":5000.0,"limitMinUsd":5.0,"active":true,"account":"pinnacle_main","currencyInfo":{"currency":"USD","currencyValue":1},"bookmakerFixtureId":null,"bookmakerMarketId":"789","bookmakerOutcomeId":"1","meta":null}},
"polymarket":{"k2":{"price":1.9,"limit":0,"active":true,"meta":{"lay":2.817}}}}})";
}  // namespace abpapi

TEST(AbpBetslip, QueryAndNestedOddsByBookmaker) {
  fixture f;
  f.net.respond(200, std::string(abpapi::betslip_json));
  auto r = f.abp.get_betslip({.fixture_id = "id1000004461512432", .outcome_id = 103, .bookmakers = {"pinnacle", "polymarket"}});
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(f.net.requests[0].target,
            "/betslip?fixtureId=id1000004461512432&outcomeId=103&playerId=0&bookmakers=pinnacle,polymarket");
  EXPECT_EQ(r->client, "demo");
  EXPECT_FALSE(r->user_ref.has_value());
  ASSERT_TRUE(r->fixture_info);
  EXPECT_EQ(r->outcome_info->market_id, 101);
  ASSERT_EQ(r->odds.size(), 2u);
  const auto* pin = r->odds.find("pinnacle");
  ASSERT_NE(pin, nullptr);
  const auto* e = pin->find("id1000004461512432:pinnacle:103:0");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->price.text(), "1.85");
  EXPECT_EQ(e->limit->text(), "5000.0");
  EXPECT_EQ(e->account, "pinnacle_main");
  EXPECT_FALSE(e->currency_info->updated_at.has_value());  // the revision without updatedAt
  EXPECT_EQ(r->odds.find("polymarket")->find("k2")->meta->text, R"({"lay":2.817})");

  // Validation: exactly one of fixtureId/futureId, an outcome.
  EXPECT_FALSE(f.abp.get_betslip({.outcome_id = 103}));
  EXPECT_FALSE(f.abp.get_betslip({.fixture_id = "f", .future_id = "g", .outcome_id = 103}));
  EXPECT_FALSE(f.abp.get_betslip({.fixture_id = "f"}));
  EXPECT_FALSE(f.abp.get_betslip({.fixture_id = "f", .outcome_id = 1, .bookmakers = {""}}));
  EXPECT_EQ(f.net.requests.size(), 1u);
}

TEST(AbpBetslip, TheNewestRevisionsFixturesPathsOnRequest) {
  scripted_transport net;
  abp::client<scripted_transport> c{net, {.api_key = betwire::secret("k-0001"), .fixtures_paths = true}};
  net.respond(200, std::string(abpapi::betslip_json));
  net.respond(200, "[]");
  ASSERT_TRUE(c.get_betslip({.fixture_id = "f", .outcome_id = 103}));
  ASSERT_TRUE(c.get_markets({.sport_id = 10}));
  EXPECT_EQ(net.requests[0].target, "/fixtures/betslip?fixtureId=f&outcomeId=103&playerId=0");
  EXPECT_EQ(net.requests[1].target, "/fixtures/markets?sportId=10");
}

TEST(AbpReference, MarketsAndBookmakers) {
  fixture f;
  f.net.respond(200, R"([{"marketId":101,"marketLength":3,"sportId":10,"playerProp":false,"handicap":0,"marketName":"Full Time Result","marketNameShort":"1X2","marketType":"1x2","period":"fulltime","oddsTypes":[{"outcomeId":101,"outcomeName":"1"},{"outcomeId":102,"outcomeName":"X"},{"outcomeId":103,"outcomeName":"2"}]}])");
  f.net.respond(200, R"([{"bookmakerId":1,"bookmaker":"pinnacle","bookmakerName":"Pinnacle","active":true,"maxStake":10000.0,"minStake":1.0},{"bookmakerId":2,"bookmaker":"betfair_ex","bookmakerName":"Betfair Exchange","active":true,"minStake":2.0}])");
  auto m = f.abp.get_markets();
  ASSERT_TRUE(m) << m.error();
  EXPECT_EQ(f.net.requests[0].target, "/markets");
  ASSERT_EQ(m->size(), 1u);
  EXPECT_EQ((*m)[0].odds_types.size(), 3u);
  EXPECT_EQ((*m)[0].odds_types[1].outcome_name, "X");
  std::vector<abp::bookmaker_view> books;
  ASSERT_TRUE(f.abp.get_bookmakers(books));
  EXPECT_EQ(f.net.requests[1].target, "/bookmakers");
  ASSERT_EQ(books.size(), 2u);
  EXPECT_EQ(books[0].max_stake->text(), "10000.0");
  EXPECT_FALSE(books[1].max_stake.has_value());
}

// ---- analytics -----------------------------------------------------------------------------------

TEST(AbpAnalytics, PositionsAndPnlWithGroupBy) {
  fixture f;
  f.net.respond(200, R"({"status":"success","groupBy":"bookmaker","positions":[{"bookmaker":"pinnacle","openBets":5,"totalStake":250.0,"avgPrice":1.92,"fixtureIds":3},{"bookmaker":"sharpbet","openBets":2,"totalStake":80.0,"avgPrice":2.15}],"count":2,"totalStake":330.0,"totalOpenBets":7})");
  f.net.respond(200, R"({"status":"success","groupBy":"userRef","pnl":[{"userRef":"u1","settledBets":42,"wins":23,"losses":17,"voids":1,"pushes":1,"totalStaked":2100.0,"totalWon":2350.0,"totalLost":850.0,"netPnl":250.0,"winRate":54.8}],"count":1,"totalNetPnl":250.0,"totalStaked":2100.0,"totalSettledBets":42})");
  auto pos = f.abp.get_positions();
  ASSERT_TRUE(pos) << pos.error();
  EXPECT_EQ(f.net.requests[0].target, "/positions");
  EXPECT_EQ(pos->group_by, "bookmaker");
  ASSERT_EQ(pos->positions.size(), 2u);
  EXPECT_EQ(pos->positions[0].avg_price->text(), "1.92");
  EXPECT_FALSE(pos->positions[1].fixture_ids.has_value());
  EXPECT_EQ(pos->total_stake.text(), "330.0");
  abp::pnl_view pnl;
  ASSERT_TRUE(f.abp.get_pnl({.group_by = abp::group_by::user_ref, .bookmaker = "pin nacle", .account = "a"}, pnl));
  EXPECT_EQ(f.net.requests[1].target, "/pnl?groupBy=userRef&bookmaker=pin%20nacle&account=a");
  EXPECT_EQ(pnl.pnl.at(0).user_ref, "u1");
  EXPECT_EQ(pnl.pnl[0].net_pnl.text(), "250.0");
  EXPECT_EQ(pnl.pnl[0].win_rate->text(), "54.8");
  EXPECT_FALSE(f.abp.get_positions({.user_ref = ""}));
  EXPECT_EQ(f.net.requests.size(), 2u);
}

// ---- probes, and the error forms of the newer pages ----------------------------------------------

TEST(AbpProbes, HealthReadyStatusKeepTheirBodies) {
  fixture f;
  f.net.respond(200, R"({"status":"ok"})");
  f.net.respond(200, R"({"status":"ready","db":true})");
  f.net.respond(200, R"({"status":"operational","emergency":{"level":"normal"}})");
  auto h = f.abp.health();
  ASSERT_TRUE(h) << h.error();
  EXPECT_EQ(h->text, R"({"status":"ok"})");
  auto r = f.abp.ready();
  ASSERT_TRUE(r) << r.error();
  auto s = f.abp.status();
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(f.net.requests[0].target, "/health");
  EXPECT_EQ(f.net.requests[1].target, "/ready");
  EXPECT_EQ(f.net.requests[2].target, "/status");
  EXPECT_NE(s->text.find("emergency"), std::string::npos);
}

TEST(AbpErrors, NewerPagesRateLimitBodyAndMissingKey403) {
  fixture f;
  f.net.respond(429, R"({"detail":"Rate limit exceeded","limit":"100","retry_after":1})", {{"Retry-After", "1"}});
  f.net.respond(403, R"({"detail":"Missing API key header: x-api-key"})");
  f.net.respond(401, R"({"detail":{"message":"Invalid API key","code":"UNAUTHORIZED"}})");
  auto limited = f.abp.get_bookmakers();
  ASSERT_FALSE(limited);
  EXPECT_EQ(limited.error().code, errc::rate_limited);
  EXPECT_EQ(limited.error().category, error_category::venue);
  EXPECT_EQ(limited.error().venue_message, "Rate limit exceeded");
  ASSERT_TRUE(limited.retry_after());
  EXPECT_EQ(limited.retry_after()->count(), 1);
  auto missing = f.abp.get_accounts();
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, errc::forbidden);
  EXPECT_EQ(missing.error().venue_message, "Missing API key header: x-api-key");
  auto old = f.abp.get_positions();
  ASSERT_FALSE(old);
  EXPECT_EQ(old.error().code, errc::unauthorized);
}

// ---- the bet's spec fields -------------------------------------------------------------------------

TEST(AbpBet, SpecFieldsDecodeInBothModels) {
  const std::string body =
      R"({"betId":5,"orderId":7,"bookmaker":"pinnacle","bookmakerBetId":"x","placedPrice":2.0,"placedStake":10,"placedCurrency":"USD","placedAt":"2026-02-07T16:18:29+00:00","betStatus":"CONFIRMED","settlementStatus":"WON","clientName":"demo","testBet":false,"userRef":"u","requestUuid":"9eb7d99a-ab9b-41f3-9a06-23e70006bbe5","declineReason":null,
"betRequestId":"br-5","account":"pinnacle_main","sentData":{"stake":10},"receivedData":{"ok":true},"currencyInfo":{"currency":"USD","currencyValue":1,"updatedAt":"2026-02-07T17:29:32+00:00"},"settledAt":"2026-02-08T10:00:00+00:00","settlementAmount":20.0,"settlementReason":"Market settled","oddsInfo":{"price":2.0}})";
  fixture f;
  f.net.respond(200, body);
  f.net.respond(200, body);
  auto b = f.abp.get_bet(5);
  ASSERT_TRUE(b) << b.error();
  EXPECT_EQ(b->bet_request_id, "br-5");
  EXPECT_EQ(b->account, "pinnacle_main");
  EXPECT_EQ(b->sent_data->text, R"({"stake":10})");
  EXPECT_EQ(b->received_data->text, R"({"ok":true})");
  EXPECT_EQ(b->currency_info->currency, "USD");
  EXPECT_EQ(b->settled_at->to_string(), "2026-02-08T10:00:00+00:00");
  EXPECT_EQ(b->settlement_amount->text(), "20.0");
  EXPECT_EQ(b->settlement_reason, "Market settled");
  EXPECT_EQ(b->odds_info->text, R"({"price":2.0})");
  abp::bet_view v;
  ASSERT_TRUE(f.abp.get_bet(5, v));
  EXPECT_EQ(v.account, "pinnacle_main");
  EXPECT_EQ(v.settlement_amount->text(), "20.0");
}

// ---- the view models of the new endpoints allocate nothing once warm -----------------------------

TEST(AbpApiAllocations, WarmViewCallsAllocateNothing) {
  ASSERT_TRUE(betwire_test::counting_enabled);
  std::vector<std::string> bodies(1);
  replay_transport net{&bodies};
  abp::client c{net, {.api_key = betwire::secret("abp-test-key-0001")}};

  bodies[0] = "[" + std::string(abpapi::account_json) + "," + std::string(abpapi::old_account_json) + "]";
  std::vector<abp::account_view> accounts;
  EXPECT_EQ(warm_then_count([&] { return c.get_accounts({.bookmaker = "pinnacle"}, accounts); }), 0u);
  EXPECT_EQ(accounts.size(), 2u);

  bodies[0] = std::string(abpapi::betslip_json);
  abp::betslip_response_view slip;
  EXPECT_EQ(warm_then_count([&] { return c.get_betslip({.fixture_id = "f", .outcome_id = 103}, slip); }), 0u);
  EXPECT_EQ(slip.odds.size(), 2u);

  bodies[0] = R"({"status":"success","groupBy":"bookmaker","positions":[{"bookmaker":"pinnacle","openBets":5,"totalStake":250.0,"avgPrice":1.92,"fixtureIds":3}],"count":1,"totalStake":250.0,"totalOpenBets":5})";
  abp::positions_view positions;
  EXPECT_EQ(warm_then_count([&] { return c.get_positions({.group_by = abp::group_by::account}, positions); }), 0u);
  EXPECT_EQ(positions.positions.size(), 1u);
}
