// Zero allocation: decoding a generated 1000-order GET /orders page into a warm
// abp::orders_page_view makes no heap allocation; neither does encoding into a warm buffer,
// validating, or decoding the same page into a warm owning abp::orders_page.
#define BETWIRE_DEFINE_COUNTING_NEW
#include "counting_allocator.hpp"

#include <betwire/abp/schema.hpp>
#include <betwire/json/json.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>

namespace bw = betwire;
namespace json = betwire::json;
namespace abp = betwire::abp;

namespace {

// A realistic page: 1000 orders with 0..3 bets each, optional blocks present or absent, a meta
// object with escapes, and strings with escapes that the view model decodes in place.
std::string make_page(std::size_t orders) {
  std::mt19937_64 rng(2024);
  abp::orders_page page;
  page.count = static_cast<std::int64_t>(orders);
  page.has_more = true;
  page.next_cursor = 12345;
  const abp::order_status statuses[] = {abp::order_status::pending, abp::order_status::filled,
                                        abp::order_status::partially_filled, abp::order_status::cancelled};
  for (std::size_t i = 0; i < orders; ++i) {
    abp::order o;
    o.order_id = static_cast<std::int64_t>(100000 + i);
    o.request_uuid = "9eb7d99a-ab9b-41f3-9a06-" + std::to_string(230000000000 + i);
    o.allowed_bookmakers = i % 3 == 0 ? "*" : "sharpbet,pinnacle";
    o.fixture_id = "id100000446151" + std::to_string(i % 97);
    o.outcome_id = 103;
    o.order_price = bw::decimal(static_cast<std::int64_t>(101 + rng() % 900), -2);
    o.order_stake = bw::decimal(static_cast<std::int64_t>(rng() % 10000), 0);
    o.filled_stake = bw::decimal(0, 0);
    o.user_ref = "bettor \"" + std::to_string(i % 50) + "\" caf\xC3\xA9\n";
    o.order_currency = "USD";
    o.expires_at = bw::timestamp::from_unix_nanos(1770480953270816000 + static_cast<std::int64_t>(i) * 1000, 0, 6);
    o.client_name = "demo";
    o.order_status = statuses[i % 4];
    o.created_at = o.expires_at;
    o.updated_at = o.expires_at;
    if (i % 2 == 0) o.meta.text = R"({"strategy":"mm\n\"v2\"","tags":["a\u00e9",1,true,null]})";
    else o.meta.text = "null";
    for (std::size_t b = 0; b < i % 4; ++b) {
      abp::bet bet;
      bet.bet_id = static_cast<std::int64_t>(i * 10 + b);
      bet.order_id = o.order_id;
      bet.bookmaker = "sharpbet";
      bet.bookmaker_bet_id = "63aeba8d-a2d6-49ba-a6cd-7ce70bb1770" + std::to_string(b);
      bet.placed_price = o.order_price;
      bet.placed_stake = bw::decimal(10, 0);
      bet.placed_currency = "USD";
      bet.placed_at = o.created_at;
      bet.bet_status = abp::bet_status::confirmed;
      bet.settlement_status = b == 2 ? abp::settlement_status::void_ : abp::settlement_status::unsettled;
      bet.client_name = "demo";
      bet.user_ref = o.user_ref;
      bet.request_uuid = o.request_uuid;
      if (b == 1) bet.decline_reason = "price moved \\ retry";
      o.bets.push_back(std::move(bet));
    }
    if (i % 5 != 0) {
      abp::fixture_info f;
      f.fixture_id = o.fixture_id;
      f.status = {false, 0, "Pre-Game"};
      f.sport = {10, "Soccer"};
      f.tournament = {44, "2. Bundesliga", "Germany"};
      f.start_time = bw::timestamp::from_unix_seconds(1754159400);
      f.participants = abp::participants{2540, "Arminia Bielefeld", 2588, "Fortuna D\xC3\xBCsseldorf"};
      o.fixture_info = f;
      o.outcome_info = abp::outcome_info{101, "Full Time Result", "1X2", "1x2", "fulltime", false, bw::decimal(0, 0), 103, "2"};
      o.currency_info = abp::currency_info{"USD", bw::decimal(1, 0), o.updated_at};
    }
    page.orders.push_back(std::move(o));
  }
  std::string text;
  EXPECT_TRUE(json::encode<json::write_options{.write_null_optionals = true}>(page, text));
  return text;
}

TEST(JsonAlloc, CountingAllocatorCounts) {
  ASSERT_TRUE(betwire_test::counting_enabled);
  const std::size_t n = betwire_test::count_allocations([] {
    std::string s(1000, 'x');
    ASSERT_EQ(s.size(), 1000u);
  });
  EXPECT_GE(n, 1u);
}

TEST(JsonAlloc, WarmViewPageDecodesWithoutAllocating) {
  const std::string original = make_page(1000);
  ASSERT_GT(original.size(), 1'000'000u);  // about the size of a real 1000-order page
  std::string buffer = original;
  abp::orders_page_view page;
  auto r = json::decode(buffer, page);
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_EQ(page.orders.size(), 1000u);
  EXPECT_EQ(page.orders[999].bets.size(), 3u);
  EXPECT_EQ(page.orders[1].user_ref, "bettor \"1\" caf\xC3\xA9\n");

  buffer.assign(original);  // the first decode rewrote escapes in place; same capacity
  const std::size_t before = betwire_test::allocation_count();
  r = json::decode(buffer, page);
  const std::size_t during = betwire_test::allocation_count() - before;
  ASSERT_TRUE(r);
  EXPECT_EQ(during, 0u);
  EXPECT_EQ(page.orders.size(), 1000u);
  EXPECT_EQ(page.orders[2].bets[1].decline_reason, "price moved \\ retry");
  EXPECT_EQ(page.orders[0].meta.view(), R"({"strategy":"mm\n\"v2\"","tags":["a\u00e9",1,true,null]})");
  EXPECT_EQ(page.next_cursor, 12345);
}

TEST(JsonAlloc, WarmOwningPageOfTheSameShapeDecodesWithoutAllocating) {
  const std::string original = make_page(200);
  std::string buffer = original;
  abp::orders_page page;
  ASSERT_TRUE(json::decode(buffer, page));
  buffer.assign(original);
  const std::size_t n = betwire_test::count_allocations([&] { ASSERT_TRUE(json::decode(buffer, page)); });
  EXPECT_EQ(n, 0u);
}

TEST(JsonAlloc, EncodeIntoWarmBufferAndValidate) {
  std::string buffer = make_page(1000);
  abp::orders_page_view page;
  ASSERT_TRUE(json::decode(buffer, page));
  std::string out;
  ASSERT_TRUE(json::encode(page, out));
  const std::size_t size = out.size();
  const std::size_t n = betwire_test::count_allocations([&] { ASSERT_TRUE(json::encode(page, out)); });
  EXPECT_EQ(n, 0u);
  EXPECT_EQ(out.size(), size);
  const std::size_t v = betwire_test::count_allocations([&] { ASSERT_TRUE(json::validate(out)); });
  EXPECT_EQ(v, 0u);
}

TEST(JsonAlloc, SmallerPageAfterLargerOneDoesNotAllocate) {
  const std::string big = make_page(300);
  const std::string small = make_page(100);
  std::string buffer = big;
  abp::orders_page_view page;
  ASSERT_TRUE(json::decode(buffer, page));
  buffer.assign(small);
  const std::size_t n = betwire_test::count_allocations([&] { ASSERT_TRUE(json::decode(buffer, page)); });
  EXPECT_EQ(n, 0u);
  EXPECT_EQ(page.orders.size(), 100u);
}

}  // namespace
