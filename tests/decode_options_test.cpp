// Decode options through the shared machinery (issue #14, "the clients accept decode options"):
// http::read_response<E, O> for plain and custom-decode endpoints (ABP, Opinion's envelope,
// PredictStreet's cancel answers), http::client<T, O> and its per-call override, the machines the
// clients drive (Opinion cancel_orders / cancel_all_orders, PredictStreet cancel_batch_all), each
// venue client given options as its second template argument, and the warm path: no allocation
// with options either. Every case is a body the default options read one way and the given ones
// another.

#define BETWIRE_DEFINE_COUNTING_NEW
#include "counting_allocator.hpp"
#include "scripted_transport.hpp"

#include <betwire/abp/abp.hpp>
#include <betwire/opinion/opinion.hpp>
#include <betwire/predictstreet/predictstreet.hpp>

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

using betwire::test::replay_transport;
using betwire_test::warm_then_count;

namespace http = betwire::http;
namespace json = betwire::json;
namespace abp = betwire::abp;
namespace opinion = betwire::opinion;
namespace ps = betwire::predictstreet;
using betwire::errc;
using betwire::test::scripted_transport;

namespace decopts {

constexpr json::read_options duplicates{.allow_duplicate_keys = true};
constexpr json::read_options strict{.allow_unknown_keys = false};
constexpr json::read_options lenient{.allow_missing_keys = true};
constexpr json::read_options shallow{.max_depth = 3};

static_assert(json::read_options{} == json::read_options{});
static_assert(!(strict == json::read_options{}));

std::string abp_order(std::int64_t id, std::string_view extra = "") {
  return R"({"orderId":)" + std::to_string(id) +
         R"(,"requestUuid":"9eb7d99a-ab9b-41f3-9a06-23e70006bbe5","allowedBookmakers":"*","fixtureId":"f","outcomeId":103,"playerId":0,"orderPrice":1.95,"orderStake":50,"filledStake":0,"userRef":"bettor1234","testOrder":false,"orderCurrency":"USD","back":true,"expiresAt":"2026-02-07T16:15:53.270816+00:00","acceptBetterOdds":true,"acceptPartialStake":true,"clientName":"demo","orderStatus":"PENDING","createdAt":"2026-02-07T16:15:48.270816+00:00","updatedAt":"2026-02-07T16:15:48.270816+00:00","meta":{"k":"v"})" +
         std::string(extra) + R"(,"bets":[]})";
}

// count twice: an error by default (errc::duplicate_key), the last one with duplicates allowed.
std::string abp_page_with_duplicate() {
  return R"({"orders":[)" + abp_order(7) + R"(],"count":9,"count":1,"hasMore":false,"nextCursor":null})";
}

http::response ok(std::string body) {
  http::response r;
  r.status = 200;
  r.body = std::move(body);
  return r;
}

std::string opn_order(std::string_view id, std::string_view extra = "") {
  return std::string(R"({"orderId":")") + std::string(id) +
         R"(","status":1,"statusEnum":"Pending","marketId":101,"marketTitle":"M","rootMarketId":100,"rootMarketTitle":"R","side":1,)"
         R"("sideEnum":"Buy","tradingMethod":2,"tradingMethodEnum":"Limit","outcome":"YES","outcomeSide":1,)"
         R"("outcomeSideEnum":"Yes","price":"0.244","orderShares":"400","orderAmount":"97.6","filledShares":"0",)"
         R"("filledAmount":"0","profit":"0","quoteToken":"0x55d3","createdAt":1770481094,"expiresAt":0)" +
         std::string(extra) + R"(,"trades":[]})";
}

std::string opn_page(const std::vector<std::string>& orders) {
  std::string s = R"({"errno":0,"errmsg":"","result":{"total":)" + std::to_string(orders.size()) + R"(,"list":[)";
  for (std::size_t i = 0; i < orders.size(); ++i) s += (i ? "," : "") + orders[i];
  return s + "]}}";
}

// A cancel whose result.data carries a key betwire does not model.
constexpr const char* opn_cancel_extra =
    R"({"errno":0,"errmsg":"","result":{"data":{"orderId":"o1","status":3,"traceId":"t"}}})";

}  // namespace decopts

using namespace decopts;

// ---- read_response: the sans-I/O decode path --------------------------------------------------------

TEST(DecodeOptions, PlainEndpointDecodesUnderTheOptions) {
  using E = abp::endpoints::get_orders<std::string_view>;
  abp::orders_page_view page;
  {
    http::response r = ok(abp_page_with_duplicate());
    auto d = http::read_response<E>(r, page);
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error().code, errc::duplicate_key);
    EXPECT_EQ(d.error().http_status, 200);
  }
  {
    http::response r = ok(abp_page_with_duplicate());
    auto d = http::read_response<E, duplicates>(r, page);
    ASSERT_TRUE(d) << d.error();
    EXPECT_EQ(page.count, 1);  // the last occurrence wins
    ASSERT_EQ(page.orders.size(), 1u);
  }
  // Depth: page {} > orders [] > order {} > meta {} is 4 deep.
  {
    http::response r = ok(R"({"orders":[)" + abp_order(8) + R"(],"count":1,"hasMore":false,"nextCursor":null})");
    ASSERT_TRUE((http::read_response<E>(r, page)));
    http::response again = ok(R"({"orders":[)" + abp_order(8) + R"(],"count":1,"hasMore":false,"nextCursor":null})");
    auto d = http::read_response<E, shallow>(again, page);
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error().code, errc::depth_exceeded);
  }
  // ABP's own wrapper passes them on.
  {
    http::response r = ok(abp_page_with_duplicate());
    EXPECT_FALSE((abp::read_abp_response<E>(r, page)));
    http::response again = ok(abp_page_with_duplicate());
    EXPECT_TRUE((abp::read_abp_response<E, duplicates>(again, page)));
  }
}

TEST(DecodeOptions, OpinionEnvelopeDecodesUnderTheOptions) {
  using E = opinion::endpoints::get_orders<std::string_view>;
  opinion::orders_page_view page;
  const std::string body = opn_page({opn_order("a"), opn_order("b", R"(,"newField":1)")});
  {
    http::response r = ok(body);
    ASSERT_TRUE((http::read_response<E>(r, page)));  // unknown keys skipped by default
    EXPECT_EQ(page.list.size(), 2u);
  }
  {
    http::response r = ok(body);
    auto d = opinion::read_opinion_response<E, strict>(r, page);
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error().code, errc::unknown_key);
    EXPECT_EQ(d.error().path.rfind("result.list[1]", 0), 0u) << d.error().path;
    EXPECT_EQ(d.error().http_status, 200);
  }
  // The envelope is read under them too: its own keys are errno/errmsg/code/msg/result.
  {
    http::response r = ok(R"({"errno":0,"errmsg":"","traceId":"x","result":{"total":0,"list":[]}})");
    ASSERT_TRUE((http::read_response<E>(r, page)));
    http::response again = ok(R"({"errno":0,"errmsg":"","traceId":"x","result":{"total":0,"list":[]}})");
    auto d = http::read_response<E, strict>(again, page);
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error().code, errc::unknown_key);
  }
  // A cancel: `result` may hold anything besides data (its probe reads data only), data itself is
  // the caller's to be strict about.
  using C = opinion::endpoints::cancel_order<std::string_view>;
  opinion::cancel_result_view cancel;
  {
    http::response r = ok(R"({"errno":0,"errmsg":"","result":{"data":{"orderId":"o1","status":3},"requestId":"q"}})");
    auto d = http::read_response<C, strict>(r, cancel);
    ASSERT_TRUE(d) << d.error();
    ASSERT_TRUE(cancel.data.has_value());
    EXPECT_EQ(cancel.data->order_id, "o1");
  }
  {
    http::response r = ok(opn_cancel_extra);
    ASSERT_TRUE((http::read_response<C>(r, cancel)));
    http::response again = ok(opn_cancel_extra);
    auto d = http::read_response<C, strict>(again, cancel);
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error().code, errc::unknown_key);
    EXPECT_EQ(d.error().path.rfind("result.data", 0), 0u) << d.error().path;
  }
}

TEST(DecodeOptions, PredictStreetCustomDecodesUnderTheOptions) {
  // The single cancel: a duplicate key.
  using C = ps::endpoints::cancel<std::string_view>;
  ps::cancel_response_view one;
  constexpr const char* twice = R"({"orderId":"o1","status":"cancelled","unfilledQty":"1","unfilledQty":"2"})";
  {
    http::response r = ok(twice);
    auto d = http::read_response<C>(r, one);
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error().code, errc::duplicate_key);
  }
  {
    http::response r = ok(twice);
    auto d = http::read_response<C, duplicates>(r, one);
    ASSERT_TRUE(d) << d.error();
    EXPECT_EQ(one.unfilled_qty.text(), "2");
  }
  // cancel-batch: notCancelled is required by default; allow_missing_keys reads it as empty.
  using B = ps::endpoints::cancel_batch<std::string_view>;
  ps::cancel_batch_response_view batch;
  {
    http::response r = ok(R"({"cancelled":["a"]})");
    auto d = http::read_response<B>(r, batch);
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error().code, errc::missing_key);
  }
  {
    http::response r = ok(R"({"cancelled":["a"]})");
    auto d = http::read_response<B, lenient>(r, batch);
    ASSERT_TRUE(d) << d.error();
    ASSERT_EQ(batch.cancelled.size(), 1u);
    EXPECT_TRUE(batch.not_cancelled.empty());
  }
  // cancel-all: the ids array is decoded again in place, under the same options.
  using A = ps::endpoints::cancel_all<std::string_view>;
  ps::cancel_all_response_view all;
  {
    http::response r = ok(R"({"cancelled":["a","b"],"notCancelled":{},"cancelled":["c"]})");
    EXPECT_FALSE((http::read_response<A>(r, all)));
    http::response again = ok(R"({"cancelled":["a","b"],"notCancelled":{},"cancelled":["c"]})");
    auto d = http::read_response<A, duplicates>(again, all);
    ASSERT_TRUE(d) << d.error();
    ASSERT_EQ(all.cancelled.size(), 1u);
    EXPECT_EQ(all.cancelled[0], "c");
  }
}

// Error bodies are the venue's parse_error's, whatever the options.
TEST(DecodeOptions, ErrorBodiesAreReadWhateverTheOptions) {
  using C = ps::endpoints::cancel<std::string_view>;
  ps::cancel_response_view one;
  http::response r;
  r.status = 404;
  r.body = R"({"code":"not_found","message":"Order not found","details":null,"extra":1})";
  auto d = http::read_response<C, strict>(r, one);
  ASSERT_FALSE(d);
  EXPECT_EQ(d.error().code, errc::not_found);
  EXPECT_EQ(d.error().category, betwire::error_category::venue);
}

// ---- the core: a client template argument, and a per-call override ---------------------------------

TEST(DecodeOptions, CoreTakesOptionsAsTemplateArgumentAndPerCall) {
  using E = abp::endpoints::get_orders<std::string_view>;
  const abp::orders_filter filter{.user_ref = "bettor1234"};
  scripted_transport net;
  http::client plain{net};
  static_assert(decltype(plain)::decode_options == json::read_options{});
  http::client<scripted_transport, duplicates> tolerant{net};
  static_assert(decltype(tolerant)::decode_options == duplicates);

  abp::orders_page_view page;
  net.respond(200, abp_page_with_duplicate());
  auto a = plain.call<E>(filter, page);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, errc::duplicate_key);

  net.respond(200, abp_page_with_duplicate());
  ASSERT_TRUE(tolerant.call<E>(filter, page));
  EXPECT_EQ(page.count, 1);

  net.respond(200, abp_page_with_duplicate());
  ASSERT_TRUE((plain.call<E, duplicates>(filter, page)));  // one call only
  net.respond(200, abp_page_with_duplicate());
  EXPECT_FALSE((tolerant.call<E, json::read_options{}>(filter, page)));
  // The by-value overload too.
  net.respond(200, abp_page_with_duplicate());
  auto owned = tolerant.call<abp::endpoints::get_orders<std::string>>(filter);
  ASSERT_TRUE(owned) << owned.error();
  EXPECT_EQ(owned->count, 1);
}

// ---- each venue client, its composite calls included ----------------------------------------------

TEST(DecodeOptions, AbpClientPassesItsOptions) {
  scripted_transport net;
  abp::client<scripted_transport> plain{net, {.api_key = betwire::secret("abp-test-key-0001")}};
  abp::client<scripted_transport, duplicates> tolerant{net, {.api_key = betwire::secret("abp-test-key-0001")}};
  static_assert(decltype(tolerant)::decode_options == duplicates);
  static_assert(std::is_same_v<std::remove_cvref_t<decltype(tolerant.core())>, http::client<scripted_transport, duplicates>>);

  net.respond(200, abp_page_with_duplicate());
  auto r = plain.get_orders({.user_ref = "bettor1234"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::duplicate_key);
  net.respond(200, abp_page_with_duplicate());
  auto t = tolerant.get_orders({.user_ref = "bettor1234"});
  ASSERT_TRUE(t) << t.error();
  EXPECT_EQ(t->count, 1);

  // The pages range too.
  net.respond(200, abp_page_with_duplicate());
  std::size_t pages = 0;
  for (auto&& p : tolerant.orders_pages({.user_ref = "bettor1234"})) {
    ASSERT_TRUE(p) << p.error();
    ++pages;
  }
  EXPECT_EQ(pages, 1u);
}

TEST(DecodeOptions, OpinionClientPassesItsOptionsToItsMachines) {
  scripted_transport net;
  betwire::test::fake_clock clock;
  opinion::client<scripted_transport> plain{net, {.api_key = betwire::secret("opn-test-key-alice-0001")}};
  opinion::client<scripted_transport, strict> picky{net, {.api_key = betwire::secret("opn-test-key-alice-0001")}};
  plain.set_clock(clock.clock());
  picky.set_clock(clock.clock());

  net.respond(200, opn_cancel_extra);
  ASSERT_TRUE(plain.cancel_order("o1"));
  net.respond(200, opn_cancel_extra);
  auto one = picky.cancel_order("o1");
  ASSERT_FALSE(one);
  EXPECT_EQ(one.error().code, errc::unknown_key);

  // cancel_orders drives basic_cancel_orders_op with the client's options.
  net.respond(200, opn_cancel_extra).respond(200, opn_cancel_extra);
  auto many = plain.cancel_orders(std::vector<std::string>{"o1", "o2"});
  ASSERT_EQ(many.size(), 2u);
  EXPECT_TRUE(many[0].success && many[1].success);
  net.respond(200, opn_cancel_extra).respond(200, opn_cancel_extra);
  auto strict_many = picky.cancel_orders(std::vector<std::string>{"o1", "o2"});
  ASSERT_EQ(strict_many.size(), 2u);
  for (const auto& o : strict_many) {
    EXPECT_FALSE(o.success);
    ASSERT_TRUE(o.error.has_value());
    EXPECT_EQ(o.error->code, errc::unknown_key);
  }

  // cancel_all_orders: its listing pages too.
  const std::string listing = opn_page({opn_order("a", R"(,"newField":1)")});
  net.respond(200, listing).respond(200, opn_cancel_extra);
  auto all = plain.cancel_all_orders();
  ASSERT_TRUE(all) << all.error();
  EXPECT_EQ(all->cancelled, 1u);
  const std::size_t sent = net.requests.size();
  net.respond(200, listing);
  auto strict_all = picky.cancel_all_orders();
  ASSERT_FALSE(strict_all);
  EXPECT_EQ(strict_all.error().code, errc::unknown_key);
  EXPECT_EQ(net.requests.size(), sent + 1);  // the listing only: nothing cancelled
}

TEST(DecodeOptions, PredictStreetClientPassesItsOptionsToItsMachine) {
  constexpr const char* key = "ps_test_0000000000000a01_simSingleSecret_0123456789abcdefghijklmnopq";
  scripted_transport net;
  ps::client<scripted_transport> plain{net, {.api_key = betwire::secret(key)}};
  ps::client<scripted_transport, lenient> tolerant{net, {.api_key = betwire::secret(key)}};
  ASSERT_FALSE(plain.setup_error());

  net.respond(200, R"({"cancelled":["a"]})");
  EXPECT_FALSE(plain.cancel_batch({"a"}));
  net.respond(200, R"({"cancelled":["a"]})");
  auto one = tolerant.cancel_batch({"a"});
  ASSERT_TRUE(one) << one.error();

  // cancel_batch_all drives basic_cancel_batch_op with the client's options.
  const std::vector<std::string> ids{"a", "b"};
  net.respond(200, R"({"cancelled":["a","b"]})");
  auto failed = plain.cancel_batch_all(ids);
  ASSERT_TRUE(failed.failure.has_value());
  EXPECT_EQ(failed.failure->error.code, errc::missing_key);
  net.respond(200, R"({"cancelled":["a","b"]})");
  auto done = tolerant.cancel_batch_all(ids);
  EXPECT_TRUE(done.ok()) << (done.failure ? done.failure->error.describe() : "");
  EXPECT_EQ(done.merged.cancelled.size(), 2u);

  // The page ranges (http::cursor_range over a cursor_pages machine): walletAddress is required.
  net.respond(200, R"({"orders":[],"nextCursor":null})");
  for (auto&& p : plain.open_orders_pages()) {
    ASSERT_FALSE(p);
    EXPECT_EQ(p.error().code, errc::missing_key);
  }
  net.respond(200, R"({"orders":[],"nextCursor":null})");
  std::size_t pages = 0;
  for (auto&& p : tolerant.history_pages()) {
    ASSERT_TRUE(p) << p.error();
    ++pages;
  }
  EXPECT_EQ(pages, 1u);

  // cancel_all (it drives basic_cancel_all_op<Str, O>).
  ps::client<scripted_transport, duplicates> last_wins{net, {.api_key = betwire::secret(key)}};
  net.respond(200, R"({"cancelled":["a"],"cancelled":["a","b"]})");
  auto refused = plain.cancel_all();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, errc::duplicate_key);
  net.respond(200, R"({"cancelled":["a"],"cancelled":["a","b"]})");
  auto all = last_wins.cancel_all();
  ASSERT_TRUE(all) << all.error();
  EXPECT_EQ(all->cancelled.size(), 2u);
}

// ---- the warm path: options change no allocation ------------------------------------------------

TEST(DecodeOptions, WarmCallsWithOptionsAllocateNothing) {
  ASSERT_TRUE(betwire_test::counting_enabled);
  const std::vector<std::string> abp_bodies = {abp_page_with_duplicate()};
  replay_transport abp_net{&abp_bodies};
  abp::client<replay_transport, duplicates> a{abp_net, {.api_key = betwire::secret("abp-test-key-0001")}};
  abp::orders_page_view page;
  EXPECT_EQ(warm_then_count([&] { return a.get_orders({.user_ref = "bettor1234"}, page); }, 50), 0u);
  EXPECT_EQ(page.count, 1);

  const std::vector<std::string> opn_bodies = {opn_page({opn_order("a"), opn_order("b")})};
  replay_transport opn_net{&opn_bodies};
  opinion::client<replay_transport, strict> o{opn_net, {.api_key = betwire::secret("opn-test-key-alice-0001"),
                                                        .limit = {.enabled = false}}};
  opinion::orders_page_view opn_page_view;
  EXPECT_EQ(warm_then_count([&] { return o.get_orders({}, opn_page_view); }, 50), 0u);
  EXPECT_EQ(opn_page_view.list.size(), 2u);

  const std::vector<std::string> ps_bodies = {R"({"orderId":"o1","status":"cancelled","unfilledQty":"1","unfilledQty":"2"})"};
  replay_transport ps_net{&ps_bodies};
  ps::client<replay_transport, duplicates> p{
      ps_net, {.api_key = betwire::secret("ps_test_0000000000000a01_simSingleSecret_0123456789abcdefghijklmnopq")}};
  ps::cancel_response_view cancel;
  EXPECT_EQ(warm_then_count([&] { return p.cancel("o1", cancel); }, 50), 0u);
  EXPECT_EQ(cancel.unfilled_qty.text(), "2");
}
