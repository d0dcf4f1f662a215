// betwire::http request/response, header validation, Retry-After and rate-limit parsing, secrets
// and redaction.

#include <betwire/http/message.hpp>
#include <betwire/http/secret.hpp>
#include <betwire/http/transport.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <string>

namespace http = betwire::http;
using betwire::errc;

TEST(HttpMessage, MethodNames) {
  EXPECT_EQ(http::to_string(http::method::get), "GET");
  EXPECT_EQ(http::to_string(http::method::post), "POST");
  EXPECT_EQ(http::to_string(http::method::put), "PUT");
  EXPECT_EQ(http::to_string(http::method::patch), "PATCH");
  EXPECT_EQ(http::to_string(http::method::delete_), "DELETE");
}

TEST(HttpMessage, RequestHeadersInlineAndCaseInsensitive) {
  http::request r(http::method::post, "/cancel-orders", "{}");
  ASSERT_TRUE(r.add_header("x-api-key", "k1"));
  ASSERT_TRUE(r.add_header("Content-Type", "application/json"));
  EXPECT_EQ(r.headers().size(), 2u);
  EXPECT_EQ(r.find_header("X-API-KEY").value_or(""), "k1");
  EXPECT_EQ(r.find_header("content-type").value_or(""), "application/json");
  EXPECT_FALSE(r.find_header("accept").has_value());
  r.clear_headers();
  EXPECT_TRUE(r.headers().empty());
}

TEST(HttpMessage, RequestHeaderLimit) {
  http::request r;
  for (std::size_t i = 0; i < http::request::max_headers; ++i) ASSERT_TRUE(r.add_header("X-A", "v"));
  auto over = r.add_header("X-B", "v");
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().code, errc::too_many_items);
  EXPECT_EQ(r.headers().size(), http::request::max_headers);
}

TEST(HttpMessage, HeaderInjectionRefusedWithoutPrintingTheValue) {
  const std::string secret_part = "SECRETVALUE123";
  for (const std::string& bad : {secret_part + "\r\nX-Evil: 1", secret_part + "\nX-Evil: 1",
                                secret_part + std::string(1, '\0') + "x", std::string("\r") + secret_part}) {
    http::request r;
    auto added = r.add_header("x-api-key", bad);
    ASSERT_FALSE(added);
    EXPECT_EQ(added.error().code, errc::header_injection);
    EXPECT_EQ(added.error().category, betwire::error_category::validation);
    const std::string text = added.error().describe();
    EXPECT_NE(text.find("x-api-key"), std::string::npos) << text;
    EXPECT_EQ(text.find(secret_part), std::string::npos) << text;
    EXPECT_TRUE(r.headers().empty());
  }
  // A tab and other visible bytes are fine in a value.
  EXPECT_TRUE(http::validate_header("X-Note", "a\tb c;d=e"));
}

TEST(HttpMessage, HeaderNameMustBeAToken) {
  EXPECT_FALSE(http::validate_header("Bad Name", "v"));
  EXPECT_FALSE(http::validate_header("Bad:Name", "v"));
  EXPECT_FALSE(http::validate_header("", "v"));
  EXPECT_FALSE(http::validate_header("X\r\nY", "v"));
  EXPECT_TRUE(http::validate_header("X-User-Wallet", "0xabc"));
}

TEST(HttpMessage, ResponseKeepsOnlyTheHeadersItNeeds) {
  http::response resp;
  EXPECT_TRUE(resp.set_header("Content-Type", "application/json; charset=utf-8"));
  EXPECT_TRUE(resp.set_header("x-ratelimit-limit", " 60 "));
  EXPECT_TRUE(resp.set_header("X-RateLimit-Remaining", "0"));
  EXPECT_TRUE(resp.set_header("X-RATELIMIT-RESET", "1767225600"));
  EXPECT_TRUE(resp.set_header("Retry-After", "7"));
  EXPECT_FALSE(resp.set_header("Server", "nginx"));
  EXPECT_EQ(resp.content_type(), "application/json; charset=utf-8");
  EXPECT_EQ(resp.rate_limit.limit, 60);
  EXPECT_EQ(resp.rate_limit.remaining, 0);
  EXPECT_EQ(resp.rate_limit.reset, 1767225600);
  ASSERT_TRUE(resp.retry_after.has_value());
  EXPECT_EQ(resp.retry_after->count(), 7);
}

TEST(HttpMessage, ResponseHeaderLinesAndNewHeaderBlocks) {
  http::response resp;
  EXPECT_TRUE(resp.set_header_line("Retry-After: 3\r\n"));
  EXPECT_TRUE(resp.set_header_line("X-RateLimit-Limit: 5\r\n"));
  EXPECT_FALSE(resp.set_header_line("\r\n"));
  // A new status line (after 100-continue) forgets the previous block.
  EXPECT_FALSE(resp.set_header_line("HTTP/1.1 200 OK\r\n"));
  EXPECT_FALSE(resp.retry_after.has_value());
  EXPECT_FALSE(resp.rate_limit.known());
}

TEST(HttpMessage, ResponseClearKeepsCapacity) {
  http::response resp;
  resp.status = 200;
  resp.body.assign(4096, 'x');
  resp.set_header("Content-Type", "text/html");
  resp.set_header("Retry-After", "1");
  const auto cap = resp.body.capacity();
  resp.clear();
  EXPECT_EQ(resp.status, 0);
  EXPECT_TRUE(resp.body.empty());
  EXPECT_EQ(resp.body.capacity(), cap);
  EXPECT_TRUE(resp.content_type().empty());
  EXPECT_FALSE(resp.retry_after.has_value());
}

TEST(HttpMessage, BadRateLimitValuesAreIgnored) {
  http::response resp;
  resp.set_header("X-RateLimit-Limit", "sixty");
  resp.set_header("X-RateLimit-Remaining", "99999999999999999999999");
  EXPECT_FALSE(resp.rate_limit.limit.has_value());
  EXPECT_FALSE(resp.rate_limit.remaining.has_value());
}

TEST(HttpMessage, RetryAfterSecondsAndHttpDate) {
  using namespace std::chrono;
  const auto now = system_clock::time_point(seconds(784111777));  // Sun, 06 Nov 1994 08:49:37 GMT
  EXPECT_EQ(http::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
  EXPECT_EQ(http::parse_http_date("Thu, 01 Jan 1970 00:00:00 GMT"), 0);
  EXPECT_EQ(http::parse_http_date("Tue, 29 Feb 2028 12:00:00 GMT"), 1835438400);
  // A leap second is its day's last second, so that the date stays the day it names (found by the
  // headers fuzz target: 31 Dec 9999 23:59:60 rolled into year 10000). ":60" where no leap second
  // can be (not 23:59 on a month's last day) is no time.
  EXPECT_EQ(http::parse_http_date("Thu, 31 Dec 1998 23:59:60 GMT"), 915148799);
  EXPECT_EQ(http::parse_http_date("Fri, 31 Dec 9999 23:59:60 GMT"), 253402300799);
  EXPECT_EQ(http::parse_http_date("Fri, 31 Dec 9999 23:59:59 GMT"), 253402300799);
  EXPECT_FALSE(http::parse_http_date("Thu, 31 Dec 1998 23:58:60 GMT").has_value());
  EXPECT_FALSE(http::parse_http_date("Thu, 31 Dec 1998 12:59:60 GMT").has_value());
  EXPECT_FALSE(http::parse_http_date("Wed, 30 Dec 1998 23:59:60 GMT").has_value());
  EXPECT_EQ(http::parse_http_date("Tue, 30 Jun 2015 23:59:60 GMT"), 1435708799);
  EXPECT_EQ(http::parse_retry_after("120", now), seconds(120));
  EXPECT_EQ(http::parse_retry_after("Sun, 06 Nov 1994 08:50:07 GMT", now), seconds(30));
  EXPECT_EQ(http::parse_retry_after("Sun, 06 Nov 1994 08:00:00 GMT", now), seconds(0));  // past
  EXPECT_FALSE(http::parse_retry_after("soon", now).has_value());
  EXPECT_FALSE(http::parse_retry_after("-5", now).has_value());
  EXPECT_FALSE(http::parse_retry_after("Sun, 06 Foo 1994 08:49:37 GMT", now).has_value());
}

TEST(HttpSecret, NeverPrinted) {
  const betwire::secret key("abp-test-key-0001");
  std::ostringstream os;
  os << key;
  EXPECT_EQ(os.str(), "***");
  EXPECT_EQ(key.describe(), "***");
  EXPECT_EQ(betwire::to_string(key), "***");
  EXPECT_EQ(key.reveal(), "abp-test-key-0001");
  EXPECT_EQ(betwire::secret(static_cast<const char*>(nullptr)).size(), 0u);
  betwire::secret moved = betwire::secret("abcd");
  betwire::secret from(std::move(moved));
  EXPECT_EQ(from.reveal(), "abcd");
  EXPECT_TRUE(moved.empty());  // NOLINT(bugprone-use-after-move): a moved-from secret is wiped
}

TEST(HttpSecret, DescribeRedactsAuthenticationHeaders) {
  http::request r(http::method::post, "/order/cancel", R"({"orderId":"o-1"})");
  ASSERT_TRUE(r.add_header("x-api-key", "abp-test-key-0001"));
  ASSERT_TRUE(r.add_header("X-Api-Key", "ps_test_0123456789abcdef_SECRETSECRET"));
  ASSERT_TRUE(r.add_header("apikey", "opinion-user-key"));
  ASSERT_TRUE(r.add_header("Builder-ApiKey", "opinion-builder-key"));
  ASSERT_TRUE(r.add_header("Authorization", "Bearer tok-123456"));
  ASSERT_TRUE(r.add_header("X-User-Wallet", "0x742d35cc6634c0532925a3b844bc9e7595f0beb3"));
  const std::string text = http::describe(r);
  for (const char* s : {"abp-test-key-0001", "SECRETSECRET", "opinion-user-key", "opinion-builder-key",
                        "tok-123456"})
    EXPECT_EQ(text.find(s), std::string::npos) << s << " in\n" << text;
  EXPECT_NE(text.find("POST /order/cancel"), std::string::npos) << text;
  EXPECT_NE(text.find("x-api-key: ***"), std::string::npos) << text;
  EXPECT_NE(text.find("Builder-ApiKey: ***"), std::string::npos) << text;
  EXPECT_NE(text.find("X-User-Wallet: 0x742d35cc"), std::string::npos) << text;
  EXPECT_NE(text.find(R"({"orderId":"o-1"})"), std::string::npos) << text;
}

TEST(HttpSecret, ScrubRemovesEchoedValues) {
  std::string text = "invalid key abp-test-key-0001 (abp-test-key-0001)";
  http::scrub(text, "abp-test-key-0001");
  EXPECT_EQ(text, "invalid key *** (***)");
  std::string short_value = "a b c";
  http::scrub(short_value, "a");  // too short to tell apart: left alone
  EXPECT_EQ(short_value, "a b c");
}

TEST(HttpTransport, ErrorHelper) {
  const auto e = http::transport_error(errc::timeout, "slow");
  EXPECT_EQ(e.category, betwire::error_category::transport);
  EXPECT_EQ(e.code, errc::timeout);
  EXPECT_EQ(e.http_status, 0);
}
