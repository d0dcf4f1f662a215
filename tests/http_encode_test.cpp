// RFC 3986 percent-encoding, query strings from reflected structs, path templates.

#include <betwire/core/decimal.hpp>
#include <betwire/core/uuid.hpp>
#include <betwire/http/encode.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace http = betwire::http;
using betwire::errc;

namespace venue {
consteval betwire::naming betwire_naming(auto*) { return betwire::naming::camel_case; }

enum class order_status : std::uint8_t { unknown, pending, partially_filled };
consteval betwire::naming betwire_enum_naming(order_status*) { return betwire::naming::upper_snake; }

enum class opinion_status : std::uint8_t { pending = 1, filled = 2, canceled = 3 };
consteval betwire::naming betwire_enum_naming(opinion_status*) { return betwire::naming::integer; }

struct orders_query {
  std::vector<std::int64_t> order_ids{};
  std::vector<std::string_view> request_uuids{};
  std::string user_ref{};
  std::optional<int> limit{};
  std::optional<std::int64_t> after_order_id{};
  bool test_order = false;
};

struct mixed_query {
  order_status status = order_status::pending;
  std::optional<betwire::decimal> min_price{};
  std::vector<order_status> statuses{};
  std::vector<opinion_status> op{};
  std::array<std::string_view, 2> pair{};
  std::string_view market_id{};
  static constexpr betwire::key_rename betwire_keys[] = {{"market_id", "market_id"}};
};

struct only_optional {
  std::optional<int> limit{};
  std::string user_ref{};
};

// Filters whose 0 means "no filter": left out while 0 (false, the enum's 0), sent otherwise.
struct zero_filters {
  std::int64_t market_id = 0;
  bool live = false;
  order_status status = order_status::unknown;
  std::optional<int> depth{};
  std::int32_t page = 0;  // not listed: 0 is sent
  static constexpr std::string_view betwire_omit_zero[] = {"market_id", "live", "status", "depth"};
};

struct bet_key {
  std::int64_t bet_id = 0;
};
struct text_key {
  std::string_view order_id{};
  std::string_view view{};
};
}  // namespace venue

// Reflected types live at namespace scope (not in a function or an anonymous namespace): clang
// warns about the internal linkage of reflection helpers instantiated for local types.
namespace plain {
struct uuid_query {
  betwire::uuid request_uuid{};
};
}  // namespace plain

static std::string enc(std::string_view s) {
  std::string out;
  http::percent_encode(s, out);
  return out;
}

TEST(HttpEncode, PercentEncodingKeepsOnlyUnreserved) {
  EXPECT_EQ(enc("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(enc("&"), "%26");
  EXPECT_EQ(enc("="), "%3D");
  EXPECT_EQ(enc(" "), "%20");
  EXPECT_EQ(enc("%"), "%25");
  EXPECT_EQ(enc("+"), "%2B");
  EXPECT_EQ(enc(","), "%2C");
  EXPECT_EQ(enc("/?#[]@!$'()*;:"), "%2F%3F%23%5B%5D%40%21%24%27%28%29%2A%3B%3A");
  EXPECT_EQ(enc("é"), "%C3%A9");
  EXPECT_EQ(enc("日本"), "%E6%97%A5%E6%9C%AC");
  EXPECT_EQ(enc(std::string_view("\0\r\n", 3)), "%00%0D%0A");
  EXPECT_EQ(enc(""), "");
}

TEST(HttpEncode, PercentEncodingAppendsAndRoundTrips) {
  std::string out = "x=";
  http::percent_encode("a b", out);
  EXPECT_EQ(out, "x=a%20b");
  const std::string nasty = "a&b=c d%2B+,é\x01";
  EXPECT_EQ(http::percent_decode(enc(nasty)), nasty);
  EXPECT_FALSE(http::percent_decode("%4").has_value());
  EXPECT_FALSE(http::percent_decode("%zz").has_value());
}

TEST(HttpEncode, QueryFromStruct) {
  venue::orders_query q;
  q.order_ids = {123, 456, 789};
  q.user_ref = "bettor1234";
  q.limit = 1000;
  std::string target = "/orders";
  ASSERT_TRUE(http::encode_query(q, target));
  EXPECT_EQ(target, "/orders?orderIds=123,456,789&userRef=bettor1234&limit=1000&testOrder=false");
}

TEST(HttpEncode, QueryOmitsEmptyValues) {
  venue::orders_query q;
  q.test_order = true;
  std::string target = "/orders";
  ASSERT_TRUE(http::encode_query(q, target));
  EXPECT_EQ(target, "/orders?testOrder=true");

  std::string bare = "/x";
  ASSERT_TRUE(http::encode_query(venue::only_optional{}, bare));
  EXPECT_EQ(bare, "/x");  // no dangling '?'
}

TEST(HttpEncode, QueryOmitsListedZeroMembers) {
  std::string target = "/o";
  ASSERT_TRUE(http::encode_query(venue::zero_filters{}, target));
  EXPECT_EQ(target, "/o?page=0");

  target = "/o";
  ASSERT_TRUE(http::encode_query(venue::zero_filters{.market_id = 123,
                                                     .live = true,
                                                     .status = venue::order_status::pending,
                                                     .depth = 0,
                                                     .page = 2},
                                 target));
  // An engaged optional is not its F{} (nullopt), so its 0 is sent.
  EXPECT_EQ(target, "/o?marketId=123&live=true&status=PENDING&depth=0&page=2");

  target = "/o";
  ASSERT_TRUE(http::encode_query(venue::zero_filters{.market_id = -1}, target));
  EXPECT_EQ(target, "/o?marketId=-1&page=0");
}

TEST(HttpEncode, QueryValuesCannotInjectParameters) {
  venue::orders_query q;
  q.user_ref = "a&limit=1 %é+";
  q.request_uuids = {"x,y", "z"};
  std::string target = "/orders";
  ASSERT_TRUE(http::encode_query(q, target));
  EXPECT_EQ(target, "/orders?requestUuids=x%2Cy,z&userRef=a%26limit%3D1%20%25%C3%A9%2B&testOrder=false");
}

TEST(HttpEncode, QueryEnumsDecimalsArraysAndRenames) {
  venue::mixed_query q;
  q.status = venue::order_status::partially_filled;
  q.min_price = betwire::decimal::parse("1.950").value();
  q.statuses = {venue::order_status::pending, venue::order_status::partially_filled};
  q.op = {venue::opinion_status::pending, venue::opinion_status::canceled};
  q.pair = {"a", "b c"};
  q.market_id = "m 1";
  std::string target;
  ASSERT_TRUE(http::encode_query(q, target));
  EXPECT_EQ(target,
            "?status=PARTIALLY_FILLED&minPrice=1.950&statuses=PENDING,PARTIALLY_FILLED&op=1,3"
            "&pair=a,b%20c&market_id=m%201");
}

TEST(HttpEncode, QueryUuid) {
  plain::uuid_query q{betwire::uuid::generate()};
  std::string target;
  ASSERT_TRUE(http::encode_query(q, target));
  // A type without a naming rule: its keys are its member names.
  EXPECT_EQ(target, "?request_uuid=" + std::string(q.request_uuid.text()));
}

TEST(HttpEncode, PathTemplates) {
  static_assert(http::path_params_match<venue::bet_key>("/bets/{betId}"));
  static_assert(!http::path_params_match<venue::bet_key>("/bets/{bet_id}"));
  static_assert(!http::path_params_match<venue::bet_key>("/bets/{betId"));
  static_assert(http::path_is_static("/orders"));
  std::string out;
  ASSERT_TRUE(http::fill_path("/bets/{betId}", venue::bet_key{42}, out));
  EXPECT_EQ(out, "/bets/42");

  out.clear();
  ASSERT_TRUE(http::fill_path("/api/orders/{orderId}/fills", venue::text_key{"a/b c", {}}, out));
  EXPECT_EQ(out, "/api/orders/a%2Fb%20c/fills");

  out.clear();
  auto empty = http::fill_path("/api/orders/{orderId}", venue::text_key{}, out);
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, errc::invalid_argument);

  out.clear();
  auto missing = http::fill_path("/x/{nope}", venue::text_key{"a", {}}, out);
  ASSERT_FALSE(missing);
}

TEST(HttpEncode, PathParametersAreNotRepeatedInTheQuery) {
  std::string target;
  ASSERT_TRUE(http::fill_path("/o/{orderId}", venue::text_key{"id1", "full"}, target));
  ASSERT_TRUE(http::encode_query(venue::text_key{"id1", "full"}, target, "/o/{orderId}"));
  EXPECT_EQ(target, "/o/id1?view=full");
}
