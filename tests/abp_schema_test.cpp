// The ABP v2 documentation examples (shared/api/abp-v2, copied to tests/data) decode into the
// owning and the view models with exactly the printed values, encode back to equal JSON (compared
// as values by nlohmann-json, an independent parser), and every truncation or single-byte
// corruption of them fails cleanly.
#include <betwire/abp/schema.hpp>
#include <betwire/json/json.hpp>

#include "json_nulls.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <random>
#include <sstream>
#include <span>
#include <string>
#include <vector>

namespace bw = betwire;
namespace json = betwire::json;
namespace abp = betwire::abp;

namespace {

std::string read_data(const std::string& name) {
  std::string dir = __FILE__;
  dir = dir.substr(0, dir.find_last_of('/'));
  std::ifstream in(dir + "/data/" + name, std::ios::binary);
  EXPECT_TRUE(in.good()) << dir + "/data/" + name;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Checks an ISO timestamp by its text and by its instant (computed independently).
template <class T>
void expect_time(const bw::timestamp& t, std::string_view text, std::int64_t unix_seconds, std::uint32_t nanos) {
  EXPECT_EQ(t.to_string(), text);
  EXPECT_EQ(t.unix_seconds(), unix_seconds) << text;
  EXPECT_EQ(t.nanosecond(), nanos) << text;
}

// 2026-02-07T00:00:00Z: 20491 days after the epoch.
constexpr std::int64_t feb7 = 20491LL * 86400;

template <class Order>
void expect_fixture_block(const Order& o, bool full) {
  ASSERT_TRUE(o.fixture_info.has_value());
  const auto& f = *o.fixture_info;
  EXPECT_EQ(f.fixture_id, "id1000004461512432");
  EXPECT_FALSE(f.status.live);
  EXPECT_EQ(f.status.status_id, 0);
  EXPECT_EQ(f.status.status_name, "Pre-Game");
  EXPECT_EQ(f.sport.sport_id, 10);
  EXPECT_EQ(f.sport.sport_name, "Soccer");
  EXPECT_EQ(f.tournament.tournament_id, 44);
  EXPECT_EQ(f.tournament.tournament_name, "2. Bundesliga");
  EXPECT_EQ(f.tournament.category_name, "Germany");
  ASSERT_TRUE(o.outcome_info.has_value());
  const auto& oi = *o.outcome_info;
  EXPECT_EQ(oi.market_id, 101);
  EXPECT_EQ(oi.market_name, "Full Time Result");
  EXPECT_EQ(oi.outcome_id, 103);
  EXPECT_EQ(oi.outcome_name, "2");
  if (full) {
    ASSERT_TRUE(f.start_time.has_value());
    EXPECT_EQ(f.start_time->wire_form(), bw::timestamp::form::unix_seconds);
    EXPECT_EQ(f.start_time->unix_seconds(), 1754159400);
    ASSERT_TRUE(f.participants.has_value());
    EXPECT_EQ(f.participants->participant1_id, 2540);
    EXPECT_EQ(f.participants->participant1_name, "Arminia Bielefeld");
    EXPECT_EQ(f.participants->participant2_id, 2588);
    EXPECT_EQ(f.participants->participant2_name, "Fortuna Dusseldorf");
    EXPECT_EQ(oi.market_name_short, "1X2");
    EXPECT_EQ(oi.market_type, "1x2");
    EXPECT_EQ(oi.period, "fulltime");
    EXPECT_EQ(oi.player_prop, false);
    ASSERT_TRUE(oi.handicap.has_value());
    EXPECT_EQ(oi.handicap->text(), "0");
    EXPECT_FALSE(o.player_info.has_value());  // "playerInfo": null
    ASSERT_TRUE(o.currency_info.has_value());
    EXPECT_EQ(o.currency_info->currency, "USD");
    EXPECT_EQ(o.currency_info->currency_value.text(), "1");
    expect_time<Order>(o.currency_info->updated_at, "2026-02-07T17:29:32+00:00", feb7 + 17 * 3600 + 29 * 60 + 32, 0);
  } else {
    EXPECT_FALSE(f.start_time.has_value());
    EXPECT_FALSE(f.participants.has_value());
    EXPECT_FALSE(oi.market_name_short.has_value());
    EXPECT_FALSE(oi.market_type.has_value());
    EXPECT_FALSE(oi.period.has_value());
    EXPECT_FALSE(oi.player_prop.has_value());
    EXPECT_FALSE(oi.handicap.has_value());
    EXPECT_FALSE(o.player_info.has_value());
    EXPECT_FALSE(o.currency_info.has_value());
  }
}

template <class Page>
void check_orders_page(const Page& page) {
  ASSERT_EQ(page.orders.size(), 2u);
  EXPECT_EQ(page.count, 2);
  EXPECT_FALSE(page.has_more);
  EXPECT_FALSE(page.next_cursor.has_value());

  const auto& a = page.orders[0];
  EXPECT_EQ(a.order_id, 371);
  EXPECT_EQ(a.request_uuid, "9eb7d99a-ab9b-41f3-9a06-23e70006bbe5");
  EXPECT_EQ(a.allowed_bookmakers, "*");
  EXPECT_EQ(a.fixture_id, "id1000004461512432");
  EXPECT_EQ(a.outcome_id, 103);
  EXPECT_EQ(a.player_id, 0);
  EXPECT_EQ(a.order_price.text(), "1.95");
  EXPECT_EQ(a.order_price, bw::decimal(195, -2));
  EXPECT_EQ(a.order_stake.text(), "50");
  EXPECT_EQ(a.filled_stake.text(), "0");
  EXPECT_EQ(a.user_ref, "bettor1234");
  EXPECT_FALSE(a.test_order);
  EXPECT_EQ(a.order_currency, "USD");
  EXPECT_TRUE(a.back);
  expect_time<Page>(a.expires_at, "2026-02-07T16:15:53.270816+00:00", feb7 + 16 * 3600 + 15 * 60 + 53, 270816000);
  EXPECT_TRUE(a.accept_better_odds);
  EXPECT_TRUE(a.accept_partial_stake);
  EXPECT_EQ(a.client_name, "demo");
  EXPECT_EQ(a.order_status, abp::order_status::pending);
  expect_time<Page>(a.created_at, "2026-02-07T16:15:48.270816+00:00", feb7 + 16 * 3600 + 15 * 60 + 48, 270816000);
  expect_time<Page>(a.updated_at, "2026-02-07T16:15:48.270816+00:00", feb7 + 16 * 3600 + 15 * 60 + 48, 270816000);
  EXPECT_EQ(a.meta.view(), "null");
  EXPECT_TRUE(a.meta.is_null());
  EXPECT_TRUE(a.bets.empty());
  expect_fixture_block(a, true);

  const auto& b = page.orders[1];
  EXPECT_EQ(b.order_id, 372);
  EXPECT_EQ(b.request_uuid, "be81ba8f-55f4-48ed-a6f9-69b8d920263b");
  EXPECT_EQ(b.allowed_bookmakers, "sharpbet");
  EXPECT_EQ(b.fixture_id, "id1000004461512432");
  EXPECT_EQ(b.outcome_id, 103);
  EXPECT_EQ(b.player_id, 0);
  EXPECT_EQ(b.order_price.text(), "2.65");
  EXPECT_EQ(b.order_stake.text(), "10");
  EXPECT_EQ(b.filled_stake.text(), "10");
  EXPECT_EQ(b.user_ref, "bettor1234");
  EXPECT_FALSE(b.test_order);
  EXPECT_EQ(b.order_currency, "USD");
  EXPECT_TRUE(b.back);
  expect_time<Page>(b.expires_at, "2026-02-07T16:18:34.366795+00:00", feb7 + 16 * 3600 + 18 * 60 + 34, 366795000);
  EXPECT_TRUE(b.accept_better_odds);
  EXPECT_TRUE(b.accept_partial_stake);
  EXPECT_EQ(b.client_name, "demo");
  EXPECT_EQ(b.order_status, abp::order_status::filled);
  expect_time<Page>(b.created_at, "2026-02-07T16:18:29.366795+00:00", feb7 + 16 * 3600 + 18 * 60 + 29, 366795000);
  expect_time<Page>(b.updated_at, "2026-02-07T16:18:29.366795+00:00", feb7 + 16 * 3600 + 18 * 60 + 29, 366795000);
  EXPECT_TRUE(b.meta.is_null());
  ASSERT_EQ(b.bets.size(), 1u);
  const auto& bet = b.bets[0];
  EXPECT_EQ(bet.bet_id, 91);
  EXPECT_EQ(bet.order_id, 372);
  EXPECT_EQ(bet.bookmaker, "sharpbet");
  EXPECT_EQ(bet.bookmaker_bet_id, "63aeba8d-a2d6-49ba-a6cd-7ce70bb17701");
  EXPECT_EQ(bet.placed_price.text(), "2.65");
  EXPECT_EQ(bet.placed_stake.text(), "10");
  EXPECT_EQ(bet.placed_currency, "USD");
  expect_time<Page>(bet.placed_at, "2026-02-07T16:18:29.300906+00:00", feb7 + 16 * 3600 + 18 * 60 + 29, 300906000);
  EXPECT_EQ(bet.bet_status, abp::bet_status::confirmed);
  EXPECT_EQ(bet.settlement_status, abp::settlement_status::unsettled);
  EXPECT_EQ(bet.client_name, "demo");
  EXPECT_FALSE(bet.test_bet);
  EXPECT_EQ(bet.user_ref, "bettor1234");
  EXPECT_EQ(bet.request_uuid, "be81ba8f-55f4-48ed-a6f9-69b8d920263b");
  EXPECT_FALSE(bet.decline_reason.has_value());
  expect_fixture_block(b, true);
}

template <class Response>
void check_cancel_response(const Response& r) {
  EXPECT_EQ(r.status, "cancelled");
  EXPECT_EQ(r.cancelled_count, 1);
  ASSERT_EQ(r.cancelled.size(), 1u);
  const auto& o = r.cancelled[0];
  EXPECT_EQ(o.order_id, 327);
  EXPECT_EQ(o.request_uuid, "eb45b192-317b-42d5-9f65-af497b9fa8c1");
  EXPECT_EQ(o.allowed_bookmakers, "*");
  EXPECT_EQ(o.fixture_id, "id1000004461512432");
  EXPECT_EQ(o.outcome_id, 103);
  EXPECT_EQ(o.player_id, 0);
  EXPECT_EQ(o.order_price.text(), "1.95");
  EXPECT_EQ(o.order_stake.text(), "10");
  EXPECT_EQ(o.filled_stake.text(), "0");
  EXPECT_EQ(o.user_ref, "bettor1234");
  EXPECT_FALSE(o.test_order);
  EXPECT_EQ(o.order_currency, "USD");
  EXPECT_TRUE(o.back);
  expect_time<Response>(o.expires_at, "2026-02-07T12:20:06.302841+00:00", feb7 + 12 * 3600 + 20 * 60 + 6, 302841000);
  EXPECT_TRUE(o.accept_better_odds);
  EXPECT_TRUE(o.accept_partial_stake);
  EXPECT_EQ(o.client_name, "demo");
  EXPECT_EQ(o.order_status, abp::order_status::cancelled);
  expect_time<Response>(o.created_at, "2026-02-07T12:20:01.302841+00:00", feb7 + 12 * 3600 + 20 * 60 + 1, 302841000);
  expect_time<Response>(o.updated_at, "2026-02-07T12:20:01.302841+00:00", feb7 + 12 * 3600 + 20 * 60 + 1, 302841000);
  EXPECT_TRUE(o.meta.is_null());
  EXPECT_TRUE(o.bets.empty());
  expect_fixture_block(o, false);
  EXPECT_EQ(r.not_cancelled.reason, "Order not cancellable");
  EXPECT_TRUE(r.not_cancelled.orders.empty());
}

TEST(AbpSchema, GetOrdersExampleOwning) {
  std::string text = read_data("abp_get_orders_example.json");
  abp::orders_page page;
  auto r = json::decode(text, page);
  ASSERT_TRUE(r) << r.error().describe();
  check_orders_page(page);
}

TEST(AbpSchema, GetOrdersExampleView) {
  std::string text = read_data("abp_get_orders_example.json");
  abp::orders_page_view page;
  auto r = json::decode(text, page);
  ASSERT_TRUE(r) << r.error().describe();
  check_orders_page(page);
  // Decoding again into the warm page gives the same values.
  std::string again = read_data("abp_get_orders_example.json");
  ASSERT_TRUE(json::decode(again, page));
  check_orders_page(page);
}

TEST(AbpSchema, CancelOrdersExample) {
  std::string text = read_data("abp_cancel_orders_example.json");
  abp::cancel_orders_response owning;
  auto r = json::decode(text, owning);
  ASSERT_TRUE(r) << r.error().describe();
  check_cancel_response(owning);
  std::string text2 = read_data("abp_cancel_orders_example.json");
  abp::cancel_orders_response_view view;
  ASSERT_TRUE(json::decode(text2, view));
  check_cancel_response(view);
}

TEST(AbpSchema, GetOrdersEncodesBackToEqualJson) {
  const std::string original = read_data("abp_get_orders_example.json");
  std::string text = original;
  abp::orders_page page;
  ASSERT_TRUE(json::decode(text, page));
  std::string out;
  ASSERT_TRUE(json::encode<json::write_options{.write_null_optionals = true}>(page, out));
  EXPECT_EQ(betwire::test::without_extra_nulls(nlohmann::json::parse(out), nlohmann::json::parse(original)),
            nlohmann::json::parse(original))
      << out;
  // The view model writes the same bytes.
  std::string text2 = original;
  abp::orders_page_view view;
  ASSERT_TRUE(json::decode(text2, view));
  std::string out2;
  ASSERT_TRUE(json::encode<json::write_options{.write_null_optionals = true}>(view, out2));
  EXPECT_EQ(out2, out);
}

TEST(AbpSchema, CancelOrdersEncodesBackToEqualJson) {
  const std::string original = read_data("abp_cancel_orders_example.json");
  std::string text = original;
  abp::cancel_orders_response resp;
  ASSERT_TRUE(json::decode(text, resp));
  std::string out;
  ASSERT_TRUE(json::encode(resp, out));
  EXPECT_EQ(nlohmann::json::parse(out), nlohmann::json::parse(original)) << out;
}

TEST(AbpSchema, CancelRequestEncodes) {
  abp::cancel_orders_request req;
  req.order_ids = std::vector<std::int64_t>{371, 372};
  req.user_ref = "bettor1234";
  std::string out;
  ASSERT_TRUE(json::encode(req, out));
  EXPECT_EQ(nlohmann::json::parse(out), nlohmann::json::parse(R"({"orderIds":[371,372],"userRef":"bettor1234"})"));
}

TEST(AbpSchema, UnknownEnumValuesDoNotFailThePage) {
  std::string text = read_data("abp_get_orders_example.json");
  const auto replace = [&](std::string_view from, std::string_view to) {
    text.replace(text.find(from), from.size(), to);
  };
  replace("\"PENDING\"", "\"ON_HOLD\"");
  replace("\"CONFIRMED\"", "\"SOMETHING_NEW\"");
  replace("\"UNSETTLED\"", "\"VOID\"");
  abp::orders_page_view page;
  ASSERT_TRUE(json::decode(text, page));
  EXPECT_EQ(page.orders[0].order_status, abp::order_status::unknown);
  EXPECT_EQ(page.orders[1].bets[0].bet_status, abp::bet_status::unknown);
  EXPECT_EQ(page.orders[1].bets[0].settlement_status, abp::settlement_status::void_);
}

TEST(AbpSchema, ErrorPathInsideAPage) {
  std::string text = read_data("abp_get_orders_example.json");
  const std::size_t at = text.find("\"placedPrice\": 2.65") + 15;
  text.replace(at, 4, "\"x\"");
  abp::orders_page_view page;
  auto r = json::decode(text, page);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, bw::errc::invalid_decimal);
  EXPECT_EQ(r.error().path, "orders[1].bets[0].placedPrice");
  EXPECT_EQ(r.error().offset, at);
}

// Every prefix shorter than the document without its trailing newline.
template <class T>
void every_prefix_fails(std::string doc) {
  while (!doc.empty() && (doc.back() == '\n' || doc.back() == ' ')) doc.pop_back();
  for (std::size_t n = 0; n < doc.size(); ++n) {
    std::vector<char> prefix(doc.begin(), doc.begin() + static_cast<std::ptrdiff_t>(n));
    T value;
    auto r = json::decode(std::span<char>(prefix), value);
    ASSERT_FALSE(r) << "a prefix of " << n << " bytes decoded";
    EXPECT_LE(r.error().offset, n);
  }
}

TEST(AbpSchema, EveryTruncationIsAnError) {
  const std::string orders = read_data("abp_get_orders_example.json");
  const std::string cancel = read_data("abp_cancel_orders_example.json");
  every_prefix_fails<abp::orders_page>(orders);
  every_prefix_fails<abp::orders_page_view>(orders);
  every_prefix_fails<abp::cancel_orders_response>(cancel);
  every_prefix_fails<abp::cancel_orders_response_view>(cancel);
}

TEST(AbpSchema, SingleByteCorruptionsNeverCrash) {
  const std::string orders = read_data("abp_get_orders_example.json");
  std::mt19937_64 rng(5);
  const char replacements[] = {'"', '\\', '{', '}', '[', ']', ',', ':', '1', '-', 'x', '\0', '\xC3', '\xFF', '\n'};
  int failed = 0;
  for (std::size_t pos = 0; pos < orders.size(); pos += 3) {
    std::vector<char> buffer(orders.begin(), orders.end());
    buffer[pos] = replacements[rng() % sizeof replacements];
    abp::orders_page_view page;
    auto r = json::decode(std::span<char>(buffer), page);
    if (!r) {
      ++failed;
      EXPECT_LE(r.error().offset, buffer.size());
      EXPECT_FALSE(r.error().describe().empty());
    }
  }
  EXPECT_GT(failed, 0);
}

}  // namespace

// ---- the tolerance policy (betwire_nullable) -------------------------------------------------------

// One order of a page with what the spec marks nullable as null, or a key missing, decodes; ids,
// statuses and amounts stay required. Before the policy, each of these failed the whole page.
TEST(AbpTolerance, NullAndMissingOptionalFieldsDoNotFailThePage) {
  const std::string original = read_data("abp_get_orders_example.json");
  auto page = nlohmann::json::parse(original);
  ASSERT_GE(page["orders"].size(), 2u);
  auto& odd = page["orders"][1];
  odd["expiresAt"] = nullptr;
  odd.erase("meta");
  ASSERT_FALSE(odd["bets"].empty());
  odd["bets"][0]["bookmakerBetId"] = nullptr;
  odd["bets"][0]["placedAt"] = nullptr;
  odd["bets"][0].erase("placedCurrency");
  for (bool view : {false, true}) {
    std::string text = page.dump();
    abp::orders_page owning;
    abp::orders_page_view views;
    auto r = view ? betwire::json::decode(text, views) : betwire::json::decode(text, owning);
    ASSERT_TRUE(r) << r.error();
    const auto& o = view ? views.orders[1].expires_at : owning.orders[1].expires_at;
    EXPECT_EQ(o, betwire::timestamp{});
    if (view) {
      EXPECT_TRUE(views.orders[1].meta.is_null());
      EXPECT_TRUE(views.orders[1].bets[0].bookmaker_bet_id.empty());
      EXPECT_TRUE(views.orders[1].bets[0].placed_currency.empty());
      EXPECT_EQ(views.orders[1].bets[0].placed_at, betwire::timestamp{});
    } else {
      EXPECT_TRUE(owning.orders[1].meta.is_null());
      EXPECT_TRUE(owning.orders[1].bets[0].bookmaker_bet_id.empty());
      EXPECT_NE(owning.orders[0].expires_at, betwire::timestamp{});
    }
  }
  // A warm value is reset, not kept: decoding the odd page into a value that held a normal one.
  std::string normal = original;
  abp::orders_page warm;
  ASSERT_TRUE(betwire::json::decode(normal, warm));
  std::string text = page.dump();
  ASSERT_TRUE(betwire::json::decode(text, warm));
  EXPECT_TRUE(warm.orders[1].bets[0].bookmaker_bet_id.empty());
  EXPECT_EQ(warm.orders[1].expires_at, betwire::timestamp{});

  // Required stays required: a null or missing id or status still fails, at its path.
  for (const char* key : {"orderId", "orderStatus", "orderStake"}) {
    auto bad = nlohmann::json::parse(original);
    bad["orders"][1][key] = nullptr;
    std::string t = bad.dump();
    abp::orders_page out;
    auto r = betwire::json::decode(t, out);
    ASSERT_FALSE(r) << key;
    EXPECT_EQ(r.error().path, std::string("orders[1].") + key);
    bad["orders"][1].erase(key);
    t = bad.dump();
    r = betwire::json::decode(t, out);
    ASSERT_FALSE(r) << key;
    EXPECT_EQ(r.error().code, betwire::errc::missing_key) << key;
  }
  // A present value of the wrong type is still an error, nullable or not.
  auto wrong = nlohmann::json::parse(original);
  wrong["orders"][1]["expiresAt"] = true;
  std::string t = wrong.dump();
  abp::orders_page out;
  EXPECT_FALSE(betwire::json::decode(t, out));
}
