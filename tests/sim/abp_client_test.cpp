// abp::client through betwire::curl_transport against the loopback simulator: every endpoint, every
// documented error, "nothing matched", pagination with inserts between pages, the documents'
// example orders field by field, query encoding end to end, and header injection refused.

#include <betwire/abp/abp.hpp>
#include <betwire/json/json.hpp>
#include <betwire/transport/curl.hpp>

#include "json_nulls.hpp"
#include "simulator_process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace http = betwire::http;
namespace abp = betwire::abp;
namespace json = betwire::json;
using betwire::errc;
using betwire::error_category;
using namespace betwire::literals;

namespace abpsim {

constexpr const char* test_key = "abp-test-key-0001";

// Endpoints without client-side validation: to see the venue's own 400 and 422 answers.
struct unvalidated_get_orders : abp::endpoints::abp_endpoint {
  static constexpr http::method method = http::method::get;
  static constexpr std::string_view path = "/orders";
  using request_type = abp::orders_filter;
  using response_type = abp::orders_page;
};
struct unvalidated_place_orders : abp::endpoints::abp_endpoint {
  static constexpr http::method method = http::method::post;
  static constexpr std::string_view path = "/place-orders";
  using request_type = abp::place_orders_request;
  using response_type = abp::place_orders_response;
  static betwire::result<void> encode_body(const abp::place_orders_request& r, std::string& out) {
    return abp::encode_place_orders(r, out);
  }
};

std::string read_data(const std::string& name) {
  std::string dir = __FILE__;
  dir = dir.substr(0, dir.find_last_of('/'));  // tests/sim
  dir = dir.substr(0, dir.find_last_of('/'));  // tests
  std::ifstream in(dir + "/data/" + name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

using betwire::test::without_extra_nulls;

abp::place_order order(std::string user_ref, betwire::decimal stake, std::string fixture = "id1000004461512432") {
  abp::place_order o;
  o.fixture_id = std::move(fixture);
  o.outcome_id = 103;
  o.order_price = "1.95"_dec;
  o.order_stake = stake;
  o.user_ref = std::move(user_ref);
  return o;
}

class AbpSim : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    sim_ = std::make_unique<betwire::test::simulator_process>(std::vector<std::string>{"--venues", "abp"});
  }
  static void TearDownTestSuite() { sim_.reset(); }

  void SetUp() override {
    ASSERT_TRUE(sim_->ok()) << sim_->error();
    ASSERT_EQ(sim_->post("/_sim/reset").status, 200);
    net_ = std::make_unique<betwire::curl_transport>(betwire::curl_options{.base_url = sim_->base_url("abp")});
    ASSERT_TRUE(net_->valid());
  }

  std::unique_ptr<abp::client<betwire::curl_transport>> make_client(std::string_view key = test_key) {
    return std::make_unique<abp::client<betwire::curl_transport>>(
        *net_, abp::client_options{.api_key = betwire::secret(key)});
  }

  nlohmann::json last_request() {
    auto r = sim_->get("/_sim/last-request");
    EXPECT_EQ(r.status, 200);
    return nlohmann::json::parse(r.body);
  }
  std::int64_t venue_requests() {
    return nlohmann::json::parse(sim_->get("/_sim/stats").body)["requests"].get<std::int64_t>();
  }
  nlohmann::json seed(std::string_view user_ref, int count) {
    auto r = sim_->post("/_sim/seed-orders", R"({"venue":"abp","userRef":")" + std::string(user_ref) +
                                                 R"(","count":)" + std::to_string(count) + "}");
    EXPECT_EQ(r.status, 200) << r.body;
    return nlohmann::json::parse(r.body);
  }

  static std::unique_ptr<betwire::test::simulator_process> sim_;
  std::unique_ptr<betwire::curl_transport> net_;
};
std::unique_ptr<betwire::test::simulator_process> AbpSim::sim_;

}  // namespace abpsim

using abpsim::AbpSim;

// ---- the documents' examples ----------------------------------------------------------------------

TEST_F(AbpSim, ExampleOrdersComeBackExactlyAsPrinted) {
  auto abp = make_client();
  const auto doc = nlohmann::json::parse(abpsim::read_data("abp_get_orders_example.json"));
  ASSERT_EQ(doc["orders"].size(), 2u);

  // Owning model.
  auto page = abp->get_orders({.order_ids = {371, 372}});
  ASSERT_TRUE(page) << page.error();
  ASSERT_EQ(page->orders.size(), 2u);
  EXPECT_EQ(page->count, 2);
  EXPECT_FALSE(page->has_more);
  EXPECT_FALSE(page->next_cursor.has_value());
  // Newest first: 372, then 371 (the document prints them the other way round).
  EXPECT_EQ(page->orders[0].order_id, 372);
  EXPECT_EQ(page->orders[1].order_id, 371);
  auto doc_order = [&](std::int64_t id) {
    for (const auto& o : doc["orders"])
      if (o["orderId"] == id) return o;
    return nlohmann::json();
  };
  for (std::size_t i = 0; i < 2; ++i) {
    std::string out;
    ASSERT_TRUE(json::encode<json::write_options{.write_null_optionals = true}>(page->orders[i], out));
    EXPECT_EQ(abpsim::without_extra_nulls(nlohmann::json::parse(out), doc_order(page->orders[i].order_id)),
              doc_order(page->orders[i].order_id))
        << out;
  }
  const abp::order& o371 = page->orders[1];
  EXPECT_EQ(o371.order_id, 371);
  EXPECT_EQ(o371.request_uuid, "9eb7d99a-ab9b-41f3-9a06-23e70006bbe5");
  EXPECT_EQ(o371.allowed_bookmakers, "*");
  EXPECT_EQ(o371.fixture_id, "id1000004461512432");
  EXPECT_EQ(o371.outcome_id, 103);
  EXPECT_EQ(o371.player_id, 0);
  EXPECT_EQ(o371.order_price.text(), "1.95");
  EXPECT_EQ(o371.order_stake.text(), "50");
  EXPECT_EQ(o371.filled_stake.text(), "0");
  EXPECT_EQ(o371.user_ref, "bettor1234");
  EXPECT_FALSE(o371.test_order);
  EXPECT_EQ(o371.order_currency, "USD");
  EXPECT_TRUE(o371.back);
  EXPECT_EQ(o371.expires_at.to_string(), "2026-02-07T16:15:53.270816+00:00");
  EXPECT_TRUE(o371.accept_better_odds);
  EXPECT_TRUE(o371.accept_partial_stake);
  EXPECT_EQ(o371.client_name, "demo");
  EXPECT_EQ(o371.order_status, abp::order_status::pending);
  EXPECT_EQ(o371.created_at.to_string(), "2026-02-07T16:15:48.270816+00:00");
  EXPECT_EQ(o371.updated_at.to_string(), "2026-02-07T16:15:48.270816+00:00");
  EXPECT_TRUE(o371.meta.is_null());
  EXPECT_TRUE(o371.bets.empty());
  ASSERT_TRUE(o371.fixture_info && o371.fixture_info->participants && o371.fixture_info->start_time);
  EXPECT_EQ(o371.fixture_info->status.status_name, "Pre-Game");
  EXPECT_EQ(o371.fixture_info->sport.sport_name, "Soccer");
  EXPECT_EQ(o371.fixture_info->tournament.tournament_name, "2. Bundesliga");
  EXPECT_EQ(o371.fixture_info->tournament.category_name, "Germany");
  EXPECT_EQ(o371.fixture_info->start_time->unix_seconds(), 1754159400);
  EXPECT_EQ(o371.fixture_info->participants->participant2_name, "Fortuna Dusseldorf");
  ASSERT_TRUE(o371.outcome_info);
  EXPECT_EQ(o371.outcome_info->market_name_short, "1X2");
  EXPECT_EQ(o371.outcome_info->handicap->text(), "0");
  EXPECT_EQ(o371.outcome_info->outcome_name, "2");
  EXPECT_FALSE(o371.player_info.has_value());
  ASSERT_TRUE(o371.currency_info);
  EXPECT_EQ(o371.currency_info->currency_value.text(), "1");
  EXPECT_EQ(o371.currency_info->updated_at.to_string(), "2026-02-07T17:29:32+00:00");

  const abp::order& o372 = page->orders[0];
  EXPECT_EQ(o372.order_price.text(), "2.65");
  EXPECT_EQ(o372.filled_stake.text(), "10");
  EXPECT_EQ(o372.allowed_bookmakers, "sharpbet");
  EXPECT_EQ(o372.order_status, abp::order_status::filled);
  ASSERT_EQ(o372.bets.size(), 1u);
  const abp::bet& b91 = o372.bets[0];
  EXPECT_EQ(b91.bet_id, 91);
  EXPECT_EQ(b91.bookmaker_bet_id, "63aeba8d-a2d6-49ba-a6cd-7ce70bb17701");
  EXPECT_EQ(b91.placed_price.text(), "2.65");
  EXPECT_EQ(b91.placed_at.to_string(), "2026-02-07T16:18:29.300906+00:00");
  EXPECT_EQ(b91.bet_status, abp::bet_status::confirmed);
  EXPECT_EQ(b91.settlement_status, abp::settlement_status::unsettled);
  EXPECT_FALSE(b91.decline_reason.has_value());

  // The view model, into a reused page, says the same.
  abp::orders_page_view view;
  ASSERT_TRUE(abp->get_orders({.order_ids = {371, 372}}, view));
  ASSERT_EQ(view.orders.size(), 2u);
  for (std::size_t i = 0; i < 2; ++i) {
    std::string out;
    ASSERT_TRUE(json::encode<json::write_options{.write_null_optionals = true}>(view.orders[i], out));
    EXPECT_EQ(abpsim::without_extra_nulls(nlohmann::json::parse(out), doc_order(view.orders[i].order_id)),
              doc_order(view.orders[i].order_id))
        << out;
  }

  // 327 cancelled by its requestUuid: the documented response.
  auto cancelled = abp->cancel_orders({.request_uuids = std::vector<std::string>{"eb45b192-317b-42d5-9f65-af497b9fa8c1"}});
  ASSERT_TRUE(cancelled) << cancelled.error();
  std::string out;
  ASSERT_TRUE(json::encode(*cancelled, out));
  EXPECT_EQ(nlohmann::json::parse(out), nlohmann::json::parse(abpsim::read_data("abp_cancel_orders_example.json"))) << out;
  ASSERT_EQ(cancelled->cancelled.size(), 1u);
  const abp::order& o327 = cancelled->cancelled[0];
  EXPECT_EQ(o327.order_id, 327);
  EXPECT_EQ(o327.order_stake.text(), "10");
  EXPECT_EQ(o327.order_status, abp::order_status::cancelled);
  EXPECT_FALSE(o327.fixture_info->start_time.has_value());
  EXPECT_FALSE(o327.currency_info.has_value());
  EXPECT_EQ(cancelled->not_cancelled.reason, "Order not cancellable");
  EXPECT_EQ(last_request()["body"].get<std::string>(),
            R"({"requestUuids":["eb45b192-317b-42d5-9f65-af497b9fa8c1"]})");
}

// ---- every endpoint ----------------------------------------------------------------------------

TEST_F(AbpSim, PlaceGetCancelAndBets) {
  auto abp = make_client();
  abp::place_orders_request req;
  req.orders.push_back(abpsim::order("flow-1", "10"_dec));      // PENDING
  req.orders.push_back(abpsim::order("flow-1", "10.99"_dec));   // FILLED, a CONFIRMED bet
  req.orders.push_back(abpsim::order("flow-1", "10.97"_dec));   // PARTIALLY_FILLED, a PLACED bet
  req.orders.push_back(abpsim::order("flow-1", "10.98"_dec));   // PARTIALLY_FILLED, CONFIRMED: not cancellable
  req.orders.push_back(abpsim::order("flow-1", "10.96"_dec));   // declined
  req.orders[0].bookmakers = {"sharpbet", "pinnacle"};
  req.orders[0].meta.text = R"({"strategy":"mean-revert","note":"Köln \"derby\""})";
  req.orders[0].expires_at = betwire::timestamp::parse("2026-02-07T16:25:00.000000+00:00").value();
  auto placed = abp->place_orders(req);
  ASSERT_TRUE(placed) << placed.error();
  EXPECT_EQ(placed.status(), 200);
  EXPECT_EQ(placed->status, abp::placement_status::partial_success);
  ASSERT_EQ(placed->accepted_orders.size(), 4u);
  ASSERT_EQ(placed->declined_orders.size(), 1u);
  EXPECT_EQ(placed->declined_orders[0].request_uuid, req.orders[4].request_uuid);
  EXPECT_EQ(placed->declined_orders[0].decline_reason, "No bookmaker accepted the order");
  EXPECT_EQ(placed->declined_orders[0].order_stake->text(), "10.96");
  const abp::order& first = placed->accepted_orders[0];
  EXPECT_EQ(first.request_uuid, req.orders[0].request_uuid);
  EXPECT_EQ(first.allowed_bookmakers, "sharpbet,pinnacle");
  EXPECT_EQ(nlohmann::json::parse(first.meta.text), nlohmann::json::parse(req.orders[0].meta.text));
  EXPECT_EQ(first.expires_at.to_string(), "2026-02-07T16:25:00.000000+00:00");
  EXPECT_EQ(first.order_status, abp::order_status::pending);
  EXPECT_EQ(placed->accepted_orders[1].order_status, abp::order_status::filled);
  EXPECT_EQ(placed->accepted_orders[1].order_stake.text(), "10.99");

  // GET /orders by requestUuids (comma-joined), newest first.
  auto by_uuid = abp->get_orders({.request_uuids = {req.orders[0].request_uuid, req.orders[1].request_uuid}});
  ASSERT_TRUE(by_uuid) << by_uuid.error();
  ASSERT_EQ(by_uuid->orders.size(), 2u);
  EXPECT_GT(by_uuid->orders[0].order_id, by_uuid->orders[1].order_id);
  EXPECT_EQ(last_request()["params"]["requestUuids"][0].get<std::string>(),
            req.orders[0].request_uuid + "," + req.orders[1].request_uuid);

  // Bets: by orderIds, then one by id.
  const std::int64_t filled_id = placed->accepted_orders[1].order_id;
  auto bets = abp->get_bets({.order_ids = {filled_id}});
  ASSERT_TRUE(bets) << bets.error();
  ASSERT_EQ(bets->bets.size(), 1u);
  EXPECT_EQ(bets->bets[0].order_id, filled_id);
  EXPECT_EQ(bets->bets[0].bet_status, abp::bet_status::confirmed);
  EXPECT_EQ(bets->bets[0].placed_stake.text(), "10.99");
  auto one = abp->get_bet(bets->bets[0].bet_id);
  ASSERT_TRUE(one) << one.error();
  EXPECT_EQ(one->bet_id, bets->bets[0].bet_id);
  EXPECT_EQ(one->request_uuid, req.orders[1].request_uuid);
  abp::bet_view bv;
  ASSERT_TRUE(abp->get_bet(bets->bets[0].bet_id, bv));
  EXPECT_EQ(bv.bookmaker, one->bookmaker);
  auto missing = abp->get_bet(987654321);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, errc::not_found);
  EXPECT_EQ(missing.error().venue_message, "Bet not found");

  // Cancel one by requestUuid, the rest by userRef.
  auto c1 = abp->cancel_orders({.request_uuids = std::vector<std::string>{req.orders[0].request_uuid}});
  ASSERT_TRUE(c1) << c1.error();
  EXPECT_EQ(c1->cancelled_count, 1);
  auto c2 = abp->cancel_orders({.user_ref = "flow-1"});
  ASSERT_TRUE(c2) << c2.error();
  EXPECT_EQ(c2->cancelled_count, 1);  // only the .97 one: PLACED bet, cancellable
  ASSERT_EQ(c2->cancelled.size(), 1u);
  EXPECT_EQ(c2->cancelled[0].request_uuid, req.orders[2].request_uuid);
  // Cancelled (first one), FILLED and the CONFIRMED partial are not cancellable.
  EXPECT_EQ(c2->not_cancelled.orders.size(), 3u);
  EXPECT_EQ(c2->not_cancelled.reason, "Order not cancellable");
}

// ---- documented errors ------------------------------------------------------------------------------

TEST_F(AbpSim, NoFilterIsRefusedHereAndAnswered400There) {
  auto abp = make_client();
  const auto before = venue_requests();
  auto r = abp->get_orders(abp::orders_filter{.limit = 5});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::missing_filter);
  EXPECT_EQ(venue_requests(), before);  // nothing was sent
  auto venue = abp->core().call<abpsim::unvalidated_get_orders>(abp::orders_filter{.limit = 5});
  ASSERT_FALSE(venue);
  EXPECT_EQ(venue.status(), 400);
  EXPECT_EQ(venue.error().code, errc::venue_error);
  EXPECT_NE(venue.error().venue_message.find("At least one filter"), std::string::npos) << venue.error();
}

TEST_F(AbpSim, AuthErrors) {
  auto none = make_client("");
  auto r1 = none->get_orders({.user_ref = "bettor1234"});
  ASSERT_FALSE(r1);
  EXPECT_EQ(r1.status(), 401);
  EXPECT_EQ(r1.error().code, errc::unauthorized);
  EXPECT_EQ(r1.error().venue_message, "Missing API key");
  auto bad = make_client("abp-test-key-9999");
  auto r2 = bad->get_orders({.user_ref = "bettor1234"});
  ASSERT_FALSE(r2);
  EXPECT_EQ(r2.error().code, errc::unauthorized);
  EXPECT_EQ(r2.error().venue_message, "Invalid API key");
  EXPECT_EQ(r2.error().describe().find("abp-test-key-9999"), std::string::npos);
  auto noclient = make_client("abp-test-key-noclient");
  auto r3 = noclient->cancel_orders({.user_ref = "bettor1234"});
  ASSERT_FALSE(r3);
  EXPECT_EQ(r3.status(), 403);
  EXPECT_EQ(r3.error().code, errc::forbidden);
  EXPECT_NE(r3.error().venue_message.find("client not resolved"), std::string::npos);
}

TEST_F(AbpSim, NothingMatchedIsEmptyNotAnError) {
  auto abp = make_client();
  auto page = abp->get_orders({.user_ref = "nobody-at-all"});
  ASSERT_TRUE(page) << page.error();
  EXPECT_EQ(page.status(), 404);  // what the venue said
  EXPECT_TRUE(page->orders.empty());
  EXPECT_EQ(page->count, 0);
  EXPECT_FALSE(page->has_more);
  int pages = 0;
  for (auto&& p : abp->orders_pages({.user_ref = "nobody-at-all"})) {
    ASSERT_TRUE(p);
    EXPECT_TRUE(p->orders.empty());
    ++pages;
  }
  EXPECT_EQ(pages, 1);
  auto cancel = abp->cancel_orders({.user_ref = "nobody-at-all"});
  ASSERT_TRUE(cancel) << cancel.error();
  EXPECT_EQ(cancel.status(), 404);
  EXPECT_EQ(cancel->cancelled_count, 0);
  EXPECT_TRUE(cancel->cancelled.empty());
  // GET /bets answers an empty 200 in the simulator; the client says the same either way.
  auto bets = abp->get_bets({.user_ref = "nobody-at-all"});
  ASSERT_TRUE(bets) << bets.error();
  EXPECT_TRUE(bets->bets.empty());
  // A wrong base URL (FastAPI's route miss) stays an error.
  betwire::curl_transport wrong{{.base_url = sim_->base_url("abp") + "/v9"}};
  abp::client c{wrong, {.api_key = betwire::secret(abpsim::test_key)}};
  auto miss = c.get_orders({.user_ref = "bettor1234"});
  ASSERT_FALSE(miss);
  EXPECT_EQ(miss.error().code, errc::not_found);
}

TEST_F(AbpSim, DuplicatePlacementIs409AndNeverRetriedUnlessOptedIn) {
  auto abp = make_client();
  abp::place_orders_request req{.orders = {abpsim::order("dup-1", "5"_dec), abpsim::order("dup-1", "6"_dec)}};
  auto first = abp->place_orders(req);
  ASSERT_TRUE(first) << first.error();
  EXPECT_EQ(first->status, abp::placement_status::accepted);
  // Same keys again: every order is a duplicate → 409.
  auto again = abp->place_orders(req);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.status(), 409);
  EXPECT_EQ(again.error().code, errc::conflict);
  EXPECT_NE(again.error().venue_message.find("Duplicate requestUuid"), std::string::npos);
  // One new key with one old: the duplicate is skipped, the new one accepted.
  req.orders[1].request_uuid.clear();
  auto mixed = abp->place_orders(req);
  ASSERT_TRUE(mixed) << mixed.error();
  ASSERT_EQ(mixed->accepted_orders.size(), 1u);
  EXPECT_EQ(mixed->accepted_orders[0].request_uuid, req.orders[1].request_uuid);

  // A placement lost in transit (the venue processed it, the answer never came) is not re-sent
  // even with retries on; with retry_placements it is re-sent with the same keys and the venue
  // skips it as a duplicate (409) instead of placing it twice.
  // A fresh connection per mutation, so that libcurl itself never re-sends a placement.
  betwire::curl_transport fresh{{.base_url = sim_->base_url("abp"), .fresh_connection_for_mutations = true}};
  abp::client<betwire::curl_transport> guarded{fresh, {.api_key = betwire::secret(abpsim::test_key)}};
  http::retry_policy on;
  on.enabled = true;
  on.initial_backoff = std::chrono::milliseconds(1);
  guarded.set_retry_policy(on);
  abp::place_orders_request lost{.orders = {abpsim::order("lost-1", "7"_dec)}};
  ASSERT_EQ(sim_->post("/_sim/faults", R"({"path_prefix":"/abp/place-orders","fault":"drop-after","count":1})").status, 200);
  auto r = guarded.place_orders(lost);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.attempts(), 1u);
  on.retry_placements = true;
  guarded.set_retry_policy(on);
  abp::place_orders_request lost2{.orders = {abpsim::order("lost-2", "7"_dec)}};
  ASSERT_EQ(sim_->post("/_sim/faults", R"({"path_prefix":"/abp/place-orders","fault":"drop-after","count":1})").status, 200);
  auto r2 = guarded.place_orders(lost2);
  EXPECT_EQ(r2.attempts(), 2u);
  ASSERT_FALSE(r2);
  EXPECT_EQ(r2.error().code, errc::conflict);
  auto placed = abp->get_orders({.user_ref = "lost-2"});
  ASSERT_TRUE(placed);
  EXPECT_EQ(placed->orders.size(), 1u);  // placed exactly once
}

TEST_F(AbpSim, ValidationErrors422) {
  auto abp = make_client();
  auto r = abp->core().call<abpsim::unvalidated_get_orders>({.user_ref = "bettor1234", .limit = 5000});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status(), 422);
  EXPECT_EQ(r.error().code, errc::venue_error);
  EXPECT_NE(r.error().venue_message.find("query.limit"), std::string::npos) << r.error();
  EXPECT_FALSE(r.error().venue_code.empty());
  // The client refuses the same before sending.
  auto mine = abp->get_orders({.user_ref = "bettor1234", .limit = 5000});
  ASSERT_FALSE(mine);
  EXPECT_EQ(mine.error().code, errc::out_of_range);

  abp::place_orders_request bad{.orders = {abpsim::order("v-1", "5"_dec)}};
  bad.orders[0].request_uuid = "not-a-uuid";
  auto p = abp->core().call<abpsim::unvalidated_place_orders>(bad);
  ASSERT_FALSE(p);
  EXPECT_EQ(p.status(), 422);
  EXPECT_EQ(p.error().venue_code, "type_error.uuid");
  EXPECT_NE(p.error().venue_message.find("orders.0.requestUuid"), std::string::npos) << p.error();
  auto mine2 = abp->place_orders(bad);
  ASSERT_FALSE(mine2);
  EXPECT_EQ(mine2.error().code, errc::invalid_argument);
}

TEST_F(AbpSim, FuturesAre501) {
  auto abp = make_client();
  abp::place_order o = abpsim::order("fut-1", "5"_dec);
  o.fixture_id.reset();
  o.future_id = "future-123";
  auto r = abp->place_orders(abp::place_orders_request{.orders = {o}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status(), 501);
  EXPECT_EQ(r.error().code, errc::server_error);
  EXPECT_NE(r.error().venue_message.find("futureId"), std::string::npos);
}

TEST_F(AbpSim, RateLimit429WhenEnabled) {
  auto abp = make_client();
  ASSERT_EQ(sim_->post("/_sim/rate-limits", R"({"venue":"abp","enabled":true})").status, 200);
  bool limited = false;
  int ok = 0;
  for (int i = 0; i < 80 && !limited; ++i) {
    auto r = abp->get_orders({.order_ids = {371}});
    if (r) {
      ++ok;
      continue;
    }
    limited = true;
    EXPECT_EQ(r.status(), 429);
    EXPECT_EQ(r.error().code, errc::rate_limited);
    EXPECT_EQ(r.error().venue_message, "Rate limit exceeded");
    ASSERT_TRUE(r.retry_after().has_value());
    EXPECT_GE(r.retry_after()->count(), 1);
  }
  EXPECT_TRUE(limited);
  EXPECT_EQ(ok, 60);
  ASSERT_EQ(sim_->post("/_sim/rate-limits", R"({"venue":"abp","enabled":false})").status, 200);
}

// ---- pagination with inserts between pages --------------------------------------------------------

TEST_F(AbpSim, PaginationWithInsertsHasNoGapsOrDuplicates) {
  auto abp = make_client();
  const auto seeded = seed("pager", 230);
  std::vector<std::int64_t> expected;
  for (const auto& id : seeded["orderIds"]) expected.push_back(id.get<std::int64_t>());
  std::sort(expected.rbegin(), expected.rend());  // newest first
  ASSERT_EQ(expected.size(), 230u);

  std::vector<std::int64_t> seen;
  std::set<std::int64_t> unique;
  int pages = 0;
  for (auto&& page : abp->orders_pages({.user_ref = "pager", .limit = 7})) {
    ASSERT_TRUE(page) << page.error();
    ++pages;
    EXPECT_LE(page->orders.size(), 7u);
    EXPECT_EQ(page->count, static_cast<std::int64_t>(page->orders.size()));
    for (const auto& o : page->orders) {
      EXPECT_TRUE(unique.insert(o.order_id).second) << "duplicate " << o.order_id;
      seen.push_back(o.order_id);
      EXPECT_EQ(o.user_ref, "pager");
    }
    seed("pager", 3);  // newer orders arrive while we page
  }
  EXPECT_EQ(pages, (230 + 6) / 7);
  EXPECT_EQ(seen, expected);
  // The owning model pages the same way (now including the inserted ones).
  std::size_t total = 0;
  for (auto&& page : abp->orders_pages<abp::orders_page>({.user_ref = "pager", .limit = 1000})) {
    ASSERT_TRUE(page) << page.error();
    total += page->orders.size();
  }
  EXPECT_EQ(total, 230u + 3u * static_cast<std::size_t>(pages));
}

TEST_F(AbpSim, BetsPagination) {
  auto abp = make_client();
  abp::place_orders_request req;
  for (int i = 0; i < 25; ++i) req.orders.push_back(abpsim::order("bet-pager", "3.99"_dec));  // each FILLED with a bet
  ASSERT_TRUE(abp->place_orders(req));
  std::vector<std::int64_t> ids;
  int pages = 0;
  for (auto&& page : abp->bets_pages({.user_ref = "bet-pager", .limit = 4})) {
    ASSERT_TRUE(page) << page.error();
    ++pages;
    for (const auto& b : page->bets) ids.push_back(b.bet_id);
  }
  EXPECT_EQ(pages, 7);
  ASSERT_EQ(ids.size(), 25u);
  EXPECT_TRUE(std::is_sorted(ids.rbegin(), ids.rend()));
  EXPECT_EQ(std::set<std::int64_t>(ids.begin(), ids.end()).size(), 25u);
}

// ---- encoding end to end, injection ----------------------------------------------------------------

TEST_F(AbpSim, QueryValuesArriveIntact) {
  auto abp = make_client();
  const std::string user = "a&b=c d%e+f josé.müller 大分 ✓";
  auto r = abp->get_orders({.user_ref = user, .limit = 10});
  ASSERT_TRUE(r) << r.error();
  auto last = last_request();
  EXPECT_EQ(last["params"]["userRef"][0].get<std::string>(), user) << last.dump();
  EXPECT_EQ(last["params"]["limit"][0].get<std::string>(), "10");
  EXPECT_EQ(last["paramList"].size(), 2u) << last.dump();
  EXPECT_EQ(last["headers"]["x-api-key"].get<std::string>(), abpsim::test_key);

  // Placed with that userRef, found by it.
  auto placed = abp->place_orders(abp::place_orders_request{.orders = {abpsim::order(user, "4"_dec)}});
  ASSERT_TRUE(placed) << placed.error();
  auto found = abp->get_orders({.user_ref = user});
  ASSERT_TRUE(found) << found.error();
  ASSERT_EQ(found->orders.size(), 1u);
  EXPECT_EQ(found->orders[0].user_ref, user);
}

TEST_F(AbpSim, CrLfInTheApiKeyIsRefusedBeforeSending) {
  const auto before = venue_requests();
  for (std::string_view key : {"abp-test-key-0001\r\nX-Injected: 1", "abp-test-key-0001\nx", "abp\r"}) {
    auto abp = make_client(key);
    auto r = abp->get_orders({.user_ref = "bettor1234"});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, errc::header_injection);
    EXPECT_EQ(r.error().describe().find("abp-test-key"), std::string::npos);
    auto c = abp->cancel_orders({.user_ref = "bettor1234"});
    ASSERT_FALSE(c);
    EXPECT_EQ(c.error().code, errc::header_injection);
  }
  EXPECT_EQ(venue_requests(), before);
}
