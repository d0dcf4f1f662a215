// The generic client core over the scripted transport: request building, headers, status
// classification with each venue's error bodies, rate-limit information on every reply, retries
// through the client, redaction, and allocation-free warm calls.

#define BETWIRE_DEFINE_COUNTING_NEW
#include "counting_allocator.hpp"
#include "scripted_transport.hpp"

#include <betwire/core/decimal.hpp>
#include <betwire/http/client.hpp>
#include <betwire/abp/errors.hpp>
#include <betwire/predictstreet/errors.hpp>
#include <betwire/opinion/errors.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace http = betwire::http;
using betwire::errc;
using betwire::error_category;
using betwire::test::fake_clock;
using betwire::test::scripted_transport;
using namespace std::chrono_literals;

// ---- a small venue, described the way the bindings describe theirs -------------------------------
namespace demo {
consteval betwire::naming betwire_naming(auto*) { return betwire::naming::camel_case; }

struct orders_filter {
  std::vector<std::int64_t> order_ids{};
  std::string_view user_ref{};
  std::optional<int> limit{};
};
struct order {
  std::int64_t order_id = 0;
  std::string_view user_ref{};
  betwire::decimal order_price{};
};
struct orders_page {
  std::vector<order> orders{};
  bool has_more = false;
};
struct bet_key {
  std::int64_t bet_id = 0;
};
struct bet {
  std::int64_t bet_id = 0;
  std::string_view bookmaker{};
};
struct cancel_request {
  std::vector<std::string_view> request_uuids{};
};
struct cancel_result {
  std::int64_t cancelled_count = 0;
};
struct place_item {
  std::string_view request_uuid{};
  std::int64_t outcome_id = 0;
};
struct place_request {
  std::vector<place_item> orders{};
};
struct place_result {
  std::string_view status{};
};
struct account_key {
  std::string_view bookmaker{};
  std::string_view username{};
};
struct account_patch {
  bool enabled = false;
};

struct abp_endpoint {
  static bool parse_error(std::string_view body, betwire::error& e) { return betwire::abp::parse_error_body(body, e); }
};

struct get_orders : abp_endpoint {
  static constexpr http::method method = http::method::get;
  static constexpr std::string_view path = "/orders";
  using request_type = orders_filter;
  using response_type = orders_page;
  static betwire::result<void> validate(const orders_filter& f) {
    if (f.order_ids.empty() && f.user_ref.empty())
      return betwire::fail(betwire::error(errc::missing_filter, "at least one filter is required"));
    return {};
  }
};
struct get_bet : abp_endpoint {
  static constexpr http::method method = http::method::get;
  static constexpr std::string_view path = "/bets/{betId}";
  using request_type = bet_key;
  using response_type = bet;
};
struct cancel_orders : abp_endpoint {
  static constexpr http::method method = http::method::post;
  static constexpr std::string_view path = "/cancel-orders";
  static constexpr http::idempotency idempotency = http::idempotency::idempotent;
  using request_type = cancel_request;
  using response_type = cancel_result;
};
struct place_orders : abp_endpoint {
  static constexpr http::method method = http::method::post;
  static constexpr std::string_view path = "/place-orders";
  static constexpr http::idempotency idempotency = http::idempotency::keyed;
  static std::string_view idempotency_key(const place_request& r) {
    return r.orders.empty() ? std::string_view() : r.orders.front().request_uuid;
  }
  using request_type = place_request;
  using response_type = place_result;
};
struct patch_account : abp_endpoint {
  static constexpr http::method method = http::method::patch;
  static constexpr std::string_view path = "/accounts/{bookmaker}/{username}";
  using path_type = account_key;
  using request_type = account_patch;
  using response_type = http::none;
};
struct health {
  static constexpr http::method method = http::method::get;
  static constexpr std::string_view path = "/health";
  using request_type = http::none;
  using response_type = http::none;
};

// Opinion-style: errors in a 200 envelope, read by a decode hook reusing the venue parser.
struct envelope_result {
  std::int64_t total = 0;
};
struct list_orders {
  static constexpr http::method method = http::method::get;
  static constexpr std::string_view path = "/order";
  using request_type = http::none;
  using response_type = envelope_result;
  static bool parse_error(std::string_view body, betwire::error& e) { return betwire::opinion::parse_error_body(body, e); }
  static betwire::result<void> decode(std::string& body, envelope_result& out) {
    betwire::error e;
    if (betwire::opinion::parse_error_body(body, e)) {
      e.category = error_category::venue;
      e.code = errc::venue_error;
      e.http_status = 200;
      return betwire::fail(std::move(e));
    }
    out.total = 7;
    return {};
  }
};
// A decode hook that reports an envelope error without knowing the HTTP status.
struct list_orders_untagged : list_orders {
  static betwire::result<void> decode(std::string& body, envelope_result& out) {
    betwire::error e;
    if (betwire::opinion::parse_error_body(body, e)) return betwire::fail(std::move(e));
    out.total = 7;
    return {};
  }
};
}  // namespace demo

namespace {
const betwire::secret abp_key("abp-test-key-0001");

struct fixture {
  scripted_transport net;
  http::client<scripted_transport> core{net};
  fixture() { EXPECT_TRUE(core.set_header("x-api-key", abp_key)); }
};
}  // namespace

// ---- venue error bodies ---------------------------------------------------------------------------

TEST(HttpVenueErrors, AbpShapes) {
  betwire::error e;
  ASSERT_TRUE(betwire::abp::parse_error_body(R"({"error": "Invalid API key"})", e));
  EXPECT_EQ(e.venue_message, "Invalid API key");
  EXPECT_TRUE(e.venue_code.empty());

  e = {};
  ASSERT_TRUE(betwire::abp::parse_error_body(R"({"detail":"Bet not found"})", e));
  EXPECT_EQ(e.venue_message, "Bet not found");

  e = {};
  ASSERT_TRUE(betwire::abp::parse_error_body(
      R"({"detail":[{"loc":["query","limit"],"msg":"Input should be less than or equal to 1000","type":"less_than_equal"},)"
      R"({"loc":["body","orders",0,"orderPrice"],"msg":"Field required","type":"missing"}]})",
      e));
  EXPECT_EQ(e.venue_code, "less_than_equal");
  EXPECT_EQ(e.venue_message,
            "query.limit: Input should be less than or equal to 1000; body.orders.0.orderPrice: Field required");

  e = {};
  ASSERT_TRUE(betwire::abp::parse_error_body(R"({"detail":{"message":"Missing API key","code":"UNAUTHORIZED"}})", e));
  EXPECT_EQ(e.venue_code, "UNAUTHORIZED");
  EXPECT_EQ(e.venue_message, "Missing API key");

  e = {};
  ASSERT_TRUE(betwire::abp::parse_error_body(R"({"detail":"caf\u00e9 \"quoted\""})", e));
  EXPECT_EQ(e.venue_message, "café \"quoted\"");

  for (const char* not_abp : {"<html>502</html>", "", "{}", R"({"message":"x"})", R"({"detail":42})", "[1]",
                              R"({"detail":"unterminated)"}) {
    betwire::error n;
    EXPECT_FALSE(betwire::abp::parse_error_body(not_abp, n)) << not_abp;
    EXPECT_TRUE(n.venue_message.empty());
  }
}

TEST(HttpVenueErrors, PredictStreetShapes) {
  betwire::error e;
  ASSERT_TRUE(betwire::predictstreet::parse_error_body(
      R"({"code":"api_key_bad_format","message":"API key format is invalid","details":null})", e));
  EXPECT_EQ(e.venue_code, "api_key_bad_format");
  EXPECT_EQ(e.venue_message, "API key format is invalid");

  e = {};
  ASSERT_TRUE(betwire::predictstreet::parse_error_body(
      R"({"code":"api_key_scope_missing","message":"Missing scope","details":{"requiredScope":"orders:cancel","have":["orders:read","markets:read"]}})",
      e));
  EXPECT_EQ(e.venue_code, "api_key_scope_missing");
  EXPECT_EQ(e.venue_message, "Missing scope (requiredScope: orders:cancel; have: orders:read, markets:read)");

  betwire::error n;
  EXPECT_FALSE(betwire::predictstreet::parse_error_body(R"({"error":"x"})", n));
  EXPECT_FALSE(betwire::predictstreet::parse_error_body(R"({"code":5,"message":"x"})", n));
}

TEST(HttpVenueErrors, OpinionShapes) {
  betwire::error e;
  ASSERT_TRUE(betwire::opinion::parse_error_body(R"({"errno":10403,"errmsg":"order not found","result":null})", e));
  EXPECT_EQ(e.venue_code, "10403");
  EXPECT_EQ(e.venue_message, "order not found");

  e = {};
  ASSERT_TRUE(betwire::opinion::parse_error_body(R"({"code":401,"msg":"invalid apikey"})", e));
  EXPECT_EQ(e.venue_code, "401");
  EXPECT_EQ(e.venue_message, "invalid apikey");

  betwire::error ok;
  EXPECT_FALSE(betwire::opinion::parse_error_body(R"({"errno":0,"errmsg":"","result":{"total":0,"list":[]}})", ok));
  EXPECT_FALSE(betwire::opinion::parse_error_body(R"({"code":0,"msg":"success","result":{}})", ok));
  EXPECT_FALSE(betwire::opinion::parse_error_body("<html></html>", ok));
}

// ---- classification ------------------------------------------------------------------------------

TEST(HttpClassify, StatusCodes) {
  EXPECT_EQ(http::status_errc(401), errc::unauthorized);
  EXPECT_EQ(http::status_errc(403), errc::forbidden);
  EXPECT_EQ(http::status_errc(404), errc::not_found);
  EXPECT_EQ(http::status_errc(409), errc::conflict);
  EXPECT_EQ(http::status_errc(429), errc::rate_limited);
  EXPECT_EQ(http::status_errc(500), errc::server_error);
  EXPECT_EQ(http::status_errc(503), errc::server_error);
  EXPECT_EQ(http::status_errc(400), errc::http_status);
  EXPECT_EQ(http::status_errc(422), errc::http_status);
}

TEST(HttpClassify, VenueBodyGivesVenueCategory) {
  http::response resp;
  resp.status = 401;
  resp.body = R"({"error":"Invalid API key"})";
  auto e = http::classify(resp, &betwire::abp::parse_error_body);
  EXPECT_EQ(e.category, error_category::venue);
  EXPECT_EQ(e.code, errc::unauthorized);
  EXPECT_EQ(e.http_status, 401);
  EXPECT_EQ(e.venue_message, "Invalid API key");

  resp.status = 422;
  resp.body = R"({"detail":[{"loc":["query","limit"],"msg":"too big","type":"less_than_equal"}]})";
  e = http::classify(resp, &betwire::abp::parse_error_body);
  EXPECT_EQ(e.category, error_category::venue);
  EXPECT_EQ(e.code, errc::venue_error);
  EXPECT_EQ(e.venue_code, "less_than_equal");
}

TEST(HttpClassify, HtmlPageFromAProxyGivesAShortPrintableExcerpt) {
  http::response resp;
  resp.status = 502;
  resp.set_header("Content-Type", "text/html");
  resp.body = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\t<center><h1>502 Bad Gateway</h1>"
              "</center><hr><center>nginx</center>\x01\x7f</body>\r\n</html>\r\n";
  resp.body.append(2000, 'x');
  auto e = http::classify(resp, &betwire::abp::parse_error_body);
  EXPECT_EQ(e.category, error_category::http);
  EXPECT_EQ(e.code, errc::server_error);
  EXPECT_EQ(e.http_status, 502);
  EXPECT_TRUE(e.venue_message.empty());
  EXPECT_NE(e.message.find("HTTP 502 Bad Gateway"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("text/html"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("<html>\\r\\n<head><title>502 Bad Gateway"), std::string::npos) << e.message;
  EXPECT_LT(e.message.size(), 360u) << e.message;  // an excerpt, not the page
  for (char c : e.message) EXPECT_TRUE(static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) << e.message;
  EXPECT_NE(e.message.find("..."), std::string::npos);

  http::response empty;
  empty.status = 503;
  e = http::classify(empty, nullptr);
  EXPECT_EQ(e.code, errc::server_error);
  EXPECT_NE(e.message.find("empty body"), std::string::npos);
}

// ---- the client ------------------------------------------------------------------------------------

TEST(HttpClient, BuildsTheRequestAndDecodesTheBody) {
  fixture f;
  f.net.respond(200, R"({"orders":[{"orderId":327,"userRef":"bettor1234","orderPrice":1.95}],"hasMore":false})",
                {{"X-RateLimit-Limit", "60"}, {"X-RateLimit-Remaining", "59"}, {"Content-Type", "application/json"}});
  demo::orders_page page;
  auto r = f.core.call<demo::get_orders>({.order_ids = {327, 328}, .user_ref = "a b&c", .limit = 10}, page);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r.status(), 200);
  EXPECT_EQ(r.rate_limit().limit, 60);
  EXPECT_EQ(r.rate_limit().remaining, 59);
  EXPECT_EQ(r.attempts(), 1u);
  ASSERT_EQ(page.orders.size(), 1u);
  EXPECT_EQ(page.orders[0].order_id, 327);
  EXPECT_EQ(page.orders[0].user_ref, "bettor1234");
  EXPECT_EQ(page.orders[0].order_price.text(), "1.95");

  ASSERT_EQ(f.net.requests.size(), 1u);
  const auto& sent = f.net.requests[0];
  EXPECT_EQ(sent.method, http::method::get);
  EXPECT_EQ(sent.target, "/orders?orderIds=327,328&userRef=a%20b%26c&limit=10");
  EXPECT_TRUE(sent.body.empty());
  ASSERT_NE(sent.header("x-api-key"), nullptr);
  EXPECT_EQ(*sent.header("x-api-key"), "abp-test-key-0001");
  ASSERT_NE(sent.header("Accept"), nullptr);
  EXPECT_EQ(sent.header("Content-Type"), nullptr);  // no body, no content type
  EXPECT_EQ(sent.idempotency, http::idempotency::safe);
}

TEST(HttpClient, ValidationStopsBeforeSending) {
  fixture f;
  demo::orders_page page;
  auto r = f.core.call<demo::get_orders>({}, page);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::missing_filter);
  EXPECT_EQ(r.error().category, error_category::validation);
  EXPECT_EQ(r.status(), 0);
  EXPECT_TRUE(f.net.requests.empty());
}

TEST(HttpClient, HeaderInjectionRefusedBeforeSending) {
  fixture f;
  const http::header evil[] = {{"X-User-Wallet", "0xabc\r\nX-Api-Key: other"}};
  demo::orders_page page;
  auto r = f.core.call<demo::get_orders>({.user_ref = "u"}, page, evil);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::header_injection);
  EXPECT_NE(r.error().message.find("X-User-Wallet"), std::string::npos);
  EXPECT_TRUE(f.net.requests.empty());

  auto set = f.core.set_header("apikey", "key\nInjected: 1");
  ASSERT_FALSE(set);
  EXPECT_EQ(set.error().code, errc::header_injection);
  EXPECT_EQ(set.error().describe().find("Injected"), std::string::npos);
}

TEST(HttpClient, PathParametersAndJsonBodies) {
  fixture f;
  f.net.respond(200, R"({"betId":42,"bookmaker":"pinnacle"})");
  auto bet = f.core.call<demo::get_bet>({.bet_id = 42});
  ASSERT_TRUE(bet) << bet.error();
  EXPECT_EQ(bet->bet_id, 42);
  EXPECT_EQ(bet->bookmaker, "pinnacle");
  EXPECT_EQ(f.net.requests.back().target, "/bets/42");

  f.net.respond(200, R"({"cancelledCount":2,"status":"cancelled"})");
  auto cancel = f.core.call<demo::cancel_orders>({.request_uuids = {"u-1", "u-2"}});
  ASSERT_TRUE(cancel) << cancel.error();
  EXPECT_EQ(cancel->cancelled_count, 2);
  const auto& sent = f.net.requests.back();
  EXPECT_EQ(sent.method, http::method::post);
  EXPECT_EQ(sent.target, "/cancel-orders");
  EXPECT_EQ(sent.body, R"({"requestUuids":["u-1","u-2"]})");
  ASSERT_NE(sent.header("Content-Type"), nullptr);
  EXPECT_EQ(*sent.header("Content-Type"), "application/json");
  EXPECT_EQ(sent.idempotency, http::idempotency::idempotent);

  f.net.respond(204, "");
  auto patched = f.core.call<demo::patch_account>({.bookmaker = "bet 365", .username = "me/you"}, {.enabled = true});
  ASSERT_TRUE(patched) << patched.error();
  EXPECT_EQ(f.net.requests.back().target, "/accounts/bet%20365/me%2Fyou");
  EXPECT_EQ(f.net.requests.back().body, R"({"enabled":true})");
  EXPECT_EQ(f.net.requests.back().method, http::method::patch);

  f.net.respond(200, "OK, not JSON");
  auto h = f.core.call<demo::health>(http::none{});
  EXPECT_TRUE(h);  // response_type none: the body is not decoded
}

TEST(HttpClient, ErrorsCarryVenueDetailsAndRateLimits) {
  fixture f;
  f.net.respond(429, R"({"error":"Rate limit exceeded"})",
                {{"Retry-After", "12"}, {"X-RateLimit-Limit", "60"}, {"X-RateLimit-Remaining", "0"},
                 {"X-RateLimit-Reset", "1767225600"}});
  demo::orders_page page;
  auto r = f.core.call<demo::get_orders>({.user_ref = "u"}, page);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().category, error_category::venue);
  EXPECT_EQ(r.error().code, errc::rate_limited);
  EXPECT_EQ(r.error().http_status, 429);
  EXPECT_EQ(r.error().venue_message, "Rate limit exceeded");
  EXPECT_EQ(r.status(), 429);
  ASSERT_TRUE(r.retry_after().has_value());
  EXPECT_EQ(*r.retry_after(), 12s);
  EXPECT_EQ(r.rate_limit().remaining, 0);
  EXPECT_EQ(r.rate_limit().reset, 1767225600);

  f.net.respond(404, R"({"detail":"Bet not found"})");
  auto nf = f.core.call<demo::get_bet>({.bet_id = 9});
  ASSERT_FALSE(nf);
  EXPECT_EQ(nf.error().code, errc::not_found);
  EXPECT_EQ(nf.error().venue_message, "Bet not found");
  EXPECT_EQ(nf.status(), 404);
}

TEST(HttpClient, DecodeErrorsKeepTheStatus) {
  fixture f;
  f.net.respond(200, R"({"orders":[{"orderId":"not a number"}],"hasMore":false})");
  demo::orders_page page;
  auto r = f.core.call<demo::get_orders>({.user_ref = "u"}, page);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().category, error_category::decode);
  EXPECT_EQ(r.error().http_status, 200);
  EXPECT_EQ(r.status(), 200);
}

TEST(HttpClient, EnvelopeErrorUnderHttp200) {
  scripted_transport net;
  http::client core{net};
  net.respond(200, R"({"errno":10001,"errmsg":"order not found","result":null})");
  auto r = core.call<demo::list_orders>(http::none{});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().category, error_category::venue);
  EXPECT_EQ(r.error().venue_code, "10001");
  EXPECT_EQ(r.status(), 200);
  net.respond(200, R"({"errno":0,"errmsg":"","result":{"total":7}})");
  auto ok = core.call<demo::list_orders>(http::none{});
  ASSERT_TRUE(ok) << ok.error();
  EXPECT_EQ(ok->total, 7);
}

TEST(HttpClient, DecodeHookErrorsGetTheStatusTheyLeaveOut) {
  scripted_transport net;
  http::client core{net};
  net.respond(201, R"({"errno":10001,"errmsg":"order not found","result":null})");
  auto r = core.call<demo::list_orders_untagged>(http::none{});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().venue_code, "10001");
  EXPECT_EQ(r.error().http_status, 201);
}

TEST(HttpClient, NoApiKeyInAnyErrorTextOrFormattedRequest) {
  fixture f;
  // A hostile or buggy peer echoing the key back, in an HTML page and in a venue body.
  f.net.respond(401, R"({"error":"invalid key abp-test-key-0001"})");
  f.net.respond(502, "<html>proxy saw x-api-key: abp-test-key-0001</html>");
  f.net.fail_with(errc::connection_reset, "reset while sending abp-test-key-0001");
  for (int i = 0; i < 3; ++i) {
    demo::orders_page page;
    auto r = f.core.call<demo::get_orders>({.user_ref = "u"}, page);
    ASSERT_FALSE(r);
    const std::string text = r.error().describe();
    EXPECT_EQ(text.find("abp-test-key-0001"), std::string::npos) << text;
    EXPECT_NE(text.find("***"), std::string::npos) << text;
  }
  const std::string formatted = f.core.describe_last_request();
  EXPECT_EQ(formatted.find("abp-test-key-0001"), std::string::npos) << formatted;
  EXPECT_NE(formatted.find("x-api-key: ***"), std::string::npos) << formatted;
}

TEST(HttpClient, RetriesOnlyWhenEnabledAndAllowed) {
  fixture f;
  fake_clock clock;
  f.core.set_clock(clock.clock());
  f.net.respond(503, "busy").respond(200, R"({"orders":[],"hasMore":false})");
  demo::orders_page page;
  auto off = f.core.call<demo::get_orders>({.user_ref = "u"}, page);
  ASSERT_FALSE(off);  // retries are off by default
  EXPECT_EQ(off.error().code, errc::server_error);
  EXPECT_EQ(f.net.requests.size(), 1u);

  http::retry_policy p;
  p.enabled = true;
  f.core.set_retry_policy(p);
  auto on = f.core.call<demo::get_orders>({.user_ref = "u"}, page);
  ASSERT_TRUE(on) << on.error();  // consumed the scripted 200
  f.net.respond(503, "busy", {{"Retry-After", "2"}}).respond(200, R"({"orders":[],"hasMore":false})");
  auto again = f.core.call<demo::get_orders>({.user_ref = "u"}, page);
  ASSERT_TRUE(again) << again.error();
  EXPECT_EQ(again.attempts(), 2u);
  ASSERT_FALSE(clock.sleeps.empty());
  EXPECT_EQ(clock.sleeps.back(), 2000ms);

  // A placement: never re-sent, even with retries on.
  const std::size_t before = f.net.requests.size();
  f.net.fail_with(errc::timeout);
  auto placed = f.core.call<demo::place_orders>({.orders = {{.request_uuid = "u-9", .outcome_id = 103}}});
  ASSERT_FALSE(placed);
  EXPECT_EQ(placed.error().code, errc::timeout);
  EXPECT_EQ(f.net.requests.size(), before + 1);
  EXPECT_EQ(f.net.remaining(), 0u);

  // Opted in: re-sent with the same body and key.
  p.retry_placements = true;
  f.core.set_retry_policy(p);
  f.net.fail_with(errc::timeout).respond(200, R"({"status":"accepted"})");
  auto replaced = f.core.call<demo::place_orders>({.orders = {{.request_uuid = "u-9", .outcome_id = 103}}});
  ASSERT_TRUE(replaced) << replaced.error();
  EXPECT_EQ(replaced->status, "accepted");
  EXPECT_EQ(replaced.attempts(), 2u);
  ASSERT_EQ(f.net.requests.size(), before + 3);
  EXPECT_EQ(f.net.requests[before + 1].body, R"({"orders":[{"requestUuid":"u-9","outcomeId":103}]})");
  EXPECT_EQ(f.net.requests[before + 1].body, f.net.requests[before + 2].body);
  EXPECT_EQ(f.net.requests[before + 2].idempotency_key, "u-9");
}

TEST(HttpClient, WarmCallsDoNotAllocate) {
  ASSERT_TRUE(betwire_test::counting_enabled);
  fixture f;
  const std::string body =
      R"({"orders":[{"orderId":1,"userRef":"a","orderPrice":"1.5"},{"orderId":2,"userRef":"b","orderPrice":"2.25"}],"hasMore":true})";
  // A transport that replays one answer without allocating (the scripted one copies for the test).
  struct replay {
    const std::string* body;
    betwire::result<void> send(const http::request&, http::response& resp) {
      resp.clear();
      resp.status = 200;
      resp.set_header("X-RateLimit-Remaining", "10");
      resp.body.append(*body);
      return {};
    }
  } net{&body};
  http::client core{net};
  ASSERT_TRUE(core.set_header("x-api-key", abp_key));
  demo::orders_page page;
  const demo::orders_filter filter{.order_ids = {1, 2}, .user_ref = "bettor 1234", .limit = 100};
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(core.call<demo::get_orders>(filter, page));
  const std::size_t n = betwire_test::count_allocations([&] {
    for (int i = 0; i < 100; ++i) {
      auto r = core.call<demo::get_orders>(filter, page);
      if (!r || r.rate_limit().remaining != 10) std::abort();
    }
  });
  EXPECT_EQ(n, 0u);
  ASSERT_EQ(page.orders.size(), 2u);
  EXPECT_EQ(page.orders[1].order_price.text(), "2.25");
}
