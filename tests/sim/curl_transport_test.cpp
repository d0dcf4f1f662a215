// betwire::curl_transport over real loopback HTTP against the venue simulator: keep-alive reuse,
// timeouts, resets, truncated and oversized bodies, 429 with Retry-After, non-JSON error pages,
// redaction, query encoding end to end, methods and bodies, and the insecure-URL guard.

#include <betwire/http/client.hpp>
#include <betwire/abp/errors.hpp>
#include <betwire/predictstreet/errors.hpp>
#include <betwire/transport/curl.hpp>

#include "simulator_process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <string>
#include <string_view>

namespace http = betwire::http;
using betwire::errc;
using betwire::error_category;
using namespace std::chrono_literals;

namespace simtest {
consteval betwire::naming betwire_naming(auto*) { return betwire::naming::camel_case; }

struct orders_filter {
  std::string_view user_ref{};
  std::optional<int> limit{};
};
struct health_status {
  std::string_view status{};
};

struct abp_endpoint {
  static bool parse_error(std::string_view body, betwire::error& e) { return betwire::abp::parse_error_body(body, e); }
};
struct get_orders : abp_endpoint {
  static constexpr http::method method = http::method::get;
  static constexpr std::string_view path = "/orders";
  using request_type = orders_filter;
  using response_type = http::none;  // the page itself is the ABP binding's business
};
struct health : abp_endpoint {
  static constexpr http::method method = http::method::get;
  static constexpr std::string_view path = "/health";
  using request_type = http::none;
  using response_type = health_status;
};
struct ps_open_orders {
  static constexpr http::method method = http::method::get;
  static constexpr std::string_view path = "/api/orders/open";
  using request_type = http::none;
  using response_type = http::none;
  static bool parse_error(std::string_view body, betwire::error& e) {
    return betwire::predictstreet::parse_error_body(body, e);
  }
};
}  // namespace simtest

namespace {

constexpr std::string_view abp_key_text = "abp-test-key-0001";

class CurlTransport : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    sim_ = new betwire::test::simulator_process();
  }
  static void TearDownTestSuite() {
    delete sim_;
    sim_ = nullptr;
  }
  void SetUp() override {
    ASSERT_TRUE(sim_->ok()) << sim_->error();
    ASSERT_TRUE(sim_->post("/_sim/faults/clear").ok);
    ASSERT_TRUE(sim_->post("/_sim/stats/reset").ok);
  }

  static betwire::curl_transport make(betwire::curl_options o = {}) {
    if (o.base_url.empty()) o.base_url = sim_->base_url("abp");
    auto t = betwire::curl_transport::create(std::move(o));
    EXPECT_TRUE(t) << t.error();
    return std::move(*t);
  }

  static nlohmann::json control(std::string_view target) {
    auto r = sim_->get(target);
    EXPECT_TRUE(r.ok) << r.error;
    return nlohmann::json::parse(r.body, nullptr, false);
  }

  static betwire::test::simulator_process* sim_;
};
betwire::test::simulator_process* CurlTransport::sim_ = nullptr;

http::request get(std::string_view target) {
  http::request r(http::method::get, target);
  r.idempotency = http::idempotency::safe;
  return r;
}

}  // namespace

TEST_F(CurlTransport, BaseUrlPathIsPrefixedAndKeepAliveReusesOneConnection) {
  auto net = make();
  http::response resp;
  for (int i = 0; i < 25; ++i) {
    auto r = net.send(get("/health"), resp);
    ASSERT_TRUE(r) << r.error();
    ASSERT_EQ(resp.status, 200);
    EXPECT_EQ(resp.body, R"({"status":"ok"})");
    EXPECT_NE(resp.content_type().find("application/json"), std::string_view::npos);
  }
  const auto stats = control("/_sim/stats");
  EXPECT_EQ(stats["requests"], 25);
  EXPECT_EQ(stats["connections"], 1);  // one TCP connection for all of them
  const auto last = control("/_sim/last-request");
  EXPECT_EQ(last["path"], "/abp/health");
  EXPECT_EQ(last["method"], "GET");
}

TEST_F(CurlTransport, TrailingSlashOfTheBaseUrlIsNotDoubled) {
  auto net = make({.base_url = sim_->base_url("abp") + "/"});
  http::response resp;
  ASSERT_TRUE(net.send(get("/health"), resp));
  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(control("/_sim/last-request")["path"], "/abp/health");
}

TEST_F(CurlTransport, QueryValuesArriveIntact) {
  auto net = make();
  http::client core{net};
  const betwire::secret key{abp_key_text};
  ASSERT_TRUE(core.set_header("x-api-key", key));
  const std::string nasty = "a&b=c d%20e+f,g/h?i#j é 日本";
  auto r = core.call<simtest::get_orders>({.user_ref = nasty, .limit = 5});
  // No order has that userRef: whatever the venue answers, the request reached it as sent.
  ASSERT_TRUE(r || r.error().category == error_category::venue) << r.error();
  const auto last = control("/_sim/last-request");
  ASSERT_TRUE(last["params"].contains("userRef")) << last.dump();
  EXPECT_EQ(last["params"]["userRef"].size(), 1u) << last.dump();  // no parameter was split off
  EXPECT_EQ(last["params"]["userRef"][0], nasty) << last.dump();
  EXPECT_EQ(last["params"]["limit"][0], "5");
  EXPECT_FALSE(last["params"].contains("b"));
  ASSERT_EQ(last["paramList"].size(), 2u) << last.dump();
  EXPECT_EQ(last["paramList"][0][1], nasty);
}

TEST_F(CurlTransport, MethodsHeadersAndBodiesAreSentAsGiven) {
  auto net = make();
  http::response resp;
  const std::string body = R"({"requestUuids":["ee9f4007-e5ab-4085-bffb-8d938e4cad5f"],"note":"é"})";
  for (auto m : {http::method::post, http::method::put, http::method::patch, http::method::delete_}) {
    http::request req(m, "/cancel-orders", body);
    ASSERT_TRUE(req.add_header("x-api-key", abp_key_text));
    ASSERT_TRUE(req.add_header("Content-Type", "application/json"));
    ASSERT_TRUE(req.add_header("X-Custom", "v 1"));
    ASSERT_TRUE(net.send(req, resp));
    const auto last = control("/_sim/last-request");
    EXPECT_EQ(last["method"], std::string(http::to_string(m)));
    EXPECT_EQ(last["body"], body);
    EXPECT_EQ(last["headers"]["x-custom"], "v 1");
    EXPECT_EQ(last["headers"]["content-type"], "application/json");
    EXPECT_FALSE(last["headers"].contains("expect"));
  }
  // A GET after a POST is a GET again, without a body.
  ASSERT_TRUE(net.send(get("/health"), resp));
  const auto last = control("/_sim/last-request");
  EXPECT_EQ(last["method"], "GET");
  EXPECT_EQ(last["bodyLength"], 0);
  EXPECT_TRUE(last["headers"].contains("accept-encoding"));  // compressed answers accepted
  EXPECT_EQ(std::string(last["headers"].value("user-agent", "")).rfind("betwire/", 0), 0u);
}

TEST_F(CurlTransport, TotalTimeout) {
  auto net = make({.total_timeout = 300ms});
  http::response resp;
  http::request req = get("/health");
  ASSERT_TRUE(req.add_header("X-Sim-Fault", "delay=3000"));
  const auto start = std::chrono::steady_clock::now();
  auto r = net.send(req, resp);
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().category, error_category::transport);
  EXPECT_EQ(r.error().code, errc::timeout);
  EXPECT_LT(took, 2500ms);
  EXPECT_EQ(resp.status, 0);
  // The transport recovers.
  ASSERT_TRUE(net.send(get("/health"), resp));
  EXPECT_EQ(resp.status, 200);
}

TEST_F(CurlTransport, DroppedAndResetConnections) {
  auto net = make();
  http::response resp;
  for (const char* fault : {"drop", "reset"}) {
    http::request req = get("/health");
    ASSERT_TRUE(req.add_header("X-Sim-Fault", fault));
    auto r = net.send(req, resp);
    ASSERT_FALSE(r) << fault;
    EXPECT_EQ(r.error().code, errc::connection_reset) << fault << ": " << r.error();
    EXPECT_EQ(r.error().category, error_category::transport);
    ASSERT_TRUE(net.send(get("/health"), resp)) << "after " << fault;
    EXPECT_EQ(resp.status, 200);
  }
}

TEST_F(CurlTransport, TruncatedBody) {
  auto net = make();
  http::response resp;
  http::request req = get("/status");
  ASSERT_TRUE(req.add_header("X-Sim-Fault", "truncate"));
  auto r = net.send(req, resp);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::truncated_body) << r.error();
  EXPECT_TRUE(resp.body.empty());  // no half body left behind
}

TEST_F(CurlTransport, BodyOverTheLimit) {
  auto net = make({.max_body_bytes = 4096});
  http::response resp;
  http::request req = get("/health");
  ASSERT_TRUE(req.add_header("X-Sim-Fault", "huge=100000"));
  auto r = net.send(req, resp);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::body_too_large) << r.error();
  http::request fits = get("/health");
  ASSERT_TRUE(fits.add_header("X-Sim-Fault", "huge=3000"));
  ASSERT_TRUE(net.send(fits, resp));
  EXPECT_EQ(resp.status, 200);
  EXPECT_GE(resp.body.size(), 2900u);
}

TEST_F(CurlTransport, RateLimitedWithRetryAfterIsAResponseAndAVenueError) {
  auto net = make();
  http::response resp;
  http::request req = get("/health");
  ASSERT_TRUE(req.add_header("X-Sim-Fault", "429=7"));
  ASSERT_TRUE(net.send(req, resp));  // a 429 is not a transport error
  EXPECT_EQ(resp.status, 429);
  ASSERT_TRUE(resp.retry_after.has_value());
  EXPECT_EQ(*resp.retry_after, 7s);

  http::client core{net};
  const http::header fault[] = {{"X-Sim-Fault", "429=7"}};
  auto r = core.call<simtest::health>(http::none{}, fault);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().category, error_category::venue);
  EXPECT_EQ(r.error().code, errc::rate_limited);
  EXPECT_EQ(r.error().venue_message, "Rate limit exceeded");
  EXPECT_EQ(r.status(), 429);
  ASSERT_TRUE(r.retry_after().has_value());
  EXPECT_EQ(*r.retry_after(), 7s);
}

TEST_F(CurlTransport, RateLimitHeadersOnEveryResult) {
  auto net = make({.base_url = sim_->base_url("predictstreet")});
  http::client core{net};
  auto r = core.call<simtest::ps_open_orders>(http::none{});  // no key: 401 auth_required
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::unauthorized);
  EXPECT_EQ(r.error().venue_code, "auth_required");
  EXPECT_TRUE(r.rate_limit().limit.has_value());
  EXPECT_TRUE(r.rate_limit().remaining.has_value());
  EXPECT_GT(r.rate_limit().reset.value_or(0), 1700000000);
}

TEST_F(CurlTransport, HtmlErrorPageGivesAnExcerpt) {
  auto net = make();
  http::client core{net};
  const http::header fault[] = {{"X-Sim-Fault", "html502"}};
  auto r = core.call<simtest::health>(http::none{}, fault);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().category, error_category::http);
  EXPECT_EQ(r.error().code, errc::server_error);
  EXPECT_EQ(r.error().http_status, 502);
  EXPECT_NE(r.error().message.find("text/html"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("<title>502 Bad Gateway</title>"), std::string::npos) << r.error().message;
  EXPECT_EQ(r.error().message.find('\n'), std::string::npos);
  EXPECT_LT(r.error().message.size(), 300u);
}

TEST_F(CurlTransport, NoApiKeyInErrorsOrFormattedRequests) {
  auto net = make({.total_timeout = 500ms});
  http::client core{net};
  const betwire::secret key{abp_key_text};
  ASSERT_TRUE(core.set_header("x-api-key", key));
  for (const char* fault : {"html502", "drop", "reset", "truncate", "429=3", "status=500", "delay=2000"}) {
    const http::header extra[] = {{"X-Sim-Fault", fault}};
    auto r = core.call<simtest::get_orders>({.user_ref = "bettor1234"}, extra);
    ASSERT_FALSE(r) << fault;
    const std::string text = r.error().describe();
    EXPECT_EQ(text.find(abp_key_text), std::string::npos) << fault << ": " << text;
    const std::string formatted = core.describe_last_request();
    EXPECT_EQ(formatted.find(abp_key_text), std::string::npos) << formatted;
    EXPECT_NE(formatted.find("x-api-key: ***"), std::string::npos) << formatted;
  }
  // And a real 401 for a wrong key does not quote it either.
  const betwire::secret wrong{"abp-wrong-key-9999"};
  ASSERT_TRUE(core.set_header("x-api-key", wrong));
  auto r = core.call<simtest::get_orders>({.user_ref = "bettor1234"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::unauthorized);
  EXPECT_EQ(r.error().venue_message, "Invalid API key");
  EXPECT_EQ(r.error().describe().find("abp-wrong-key-9999"), std::string::npos);
}

TEST_F(CurlTransport, ClientRetriesAReadThroughRealFailures) {
  auto net = make();
  http::client core{net};
  http::retry_policy p;
  p.enabled = true;
  p.max_attempts = 3;
  p.initial_backoff = 10ms;
  core.set_retry_policy(p);
  ASSERT_TRUE(sim_->post("/_sim/faults", R"({"path_prefix":"/abp/health","fault":"drop","count":1})").ok);
  ASSERT_TRUE(sim_->post("/_sim/faults", R"({"path_prefix":"/abp/health","fault":"429=0","count":1})").ok);
  auto r = core.call<simtest::health>(http::none{});
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r.attempts(), 3u);
  EXPECT_EQ(r->status, "ok");
  EXPECT_EQ(control("/_sim/stats")["requests"], 3);
}

TEST_F(CurlTransport, InsecureUrlsAreRefused) {
  for (const char* url : {"http://example.com", "http://127.0.0.1.example.com/abp", "http://localhost.example.com",
                          "http://10.0.0.1:8080", "http://[::2]:80", "ftp://127.0.0.1/", "file:///etc/passwd"}) {
    auto t = betwire::curl_transport::create({.base_url = url});
    ASSERT_FALSE(t) << url;
    EXPECT_EQ(t.error().code, errc::insecure_url) << url << ": " << t.error();
    EXPECT_EQ(t.error().category, error_category::validation);
    betwire::curl_transport direct({.base_url = url});
    EXPECT_FALSE(direct.valid());
    http::response resp;
    auto s = direct.send(get("/health"), resp);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, errc::insecure_url);
  }
  for (const char* url : {"https://example.com", "http://127.0.0.1:1/abp", "http://127.1.2.3", "http://localhost:8080",
                          "http://LOCALHOST./x", "http://[::1]:8080/abp"}) {
    auto t = betwire::curl_transport::create({.base_url = url});
    EXPECT_TRUE(t) << url << ": " << t.error();
  }
  EXPECT_TRUE(betwire::curl_transport::create({.base_url = "http://example.com", .allow_insecure_http = true}));
  for (const char* url : {"127.0.0.1:8080", "https://", "https://user:pw@example.com", "https://example.com/?q=1",
                          "https://exa mple.com"}) {
    auto t = betwire::curl_transport::create({.base_url = url});
    ASSERT_FALSE(t) << url;
    EXPECT_EQ(t.error().code, errc::invalid_argument) << url;
  }
}

TEST_F(CurlTransport, ConnectFailure) {
  // A port nothing listens on: bind one, close it, connect to it.
  auto net = make({.base_url = "http://127.0.0.1:1", .connect_timeout = 1000ms});
  http::response resp;
  auto r = net.send(get("/health"), resp);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::connect_failed) << r.error();
}

TEST_F(CurlTransport, MovedTransportKeepsWorking) {
  auto first = make();
  http::response resp;
  ASSERT_TRUE(first.send(get("/health"), resp));
  betwire::curl_transport second = std::move(first);
  http::request req = get("/health");
  ASSERT_TRUE(req.add_header("X-Sim-Fault", "drop"));
  auto r = second.send(req, resp);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::connection_reset);
  ASSERT_TRUE(second.send(get("/health"), resp));
  EXPECT_EQ(resp.status, 200);
}

TEST_F(CurlTransport, MutationsCanBeKeptFromLibcurlsSilentResend) {
  auto net = make({.fresh_connection_for_mutations = true});
  http::response resp;
  ASSERT_TRUE(net.send(get("/health"), resp));  // a warm keep-alive connection
  ASSERT_TRUE(sim_->post("/_sim/stats/reset").ok);
  http::request place(http::method::post, "/place-orders", R"({"orders":[]})");
  place.idempotency = http::idempotency::never;
  ASSERT_TRUE(place.add_header("X-Sim-Fault", "drop"));
  auto r = net.send(place, resp);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::connection_reset);
  EXPECT_EQ(control("/_sim/stats")["requests"], 1);  // sent once, not re-sent by libcurl
  // Reads still reuse connections.
  ASSERT_TRUE(sim_->post("/_sim/stats/reset").ok);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(net.send(get("/health"), resp));
  EXPECT_EQ(control("/_sim/stats")["connections"], 1);
}
