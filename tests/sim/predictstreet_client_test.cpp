// predictstreet::client through betwire::curl_transport against the loopback simulator: every
// endpoint, every cancel reason (re-cancel, another wallet's order, injected lock_invariant and
// unknown), both answer revisions of cancel and cancel-all, every 401/403 code, the multi-wallet
// header, rate-limit headers and a 429 retried after Retry-After, cursor pagination, and a 250-id
// cancel that goes out as three requests and comes back merged.

#include <betwire/predictstreet/predictstreet.hpp>
#include <betwire/transport/curl.hpp>

#include "scripted_transport.hpp"
#include "simulator_process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace http = betwire::http;
namespace ps = betwire::predictstreet;
using betwire::errc;
using betwire::error_category;

namespace pssim {

constexpr const char* key_single = "ps_test_0000000000000a01_simSingleSecret_0123456789abcdefghijklmnopq";
constexpr const char* key_multi = "ps_test_0000000000000a02_simMultiSecret_0123456789abcdefghijklmnopqr";
constexpr const char* key_revoked = "ps_test_0000000000000a03_simRevokedSecret_0123456789abcdefghijklmnop";
constexpr const char* key_expired = "ps_test_0000000000000a04_simExpiredSecret_0123456789abcdefghijklmnop";
constexpr const char* key_suspended = "ps_test_0000000000000a05_simSuspendedSecret_0123456789abcdefghijklmn";
constexpr const char* key_ip_denied = "ps_test_0000000000000a06_simIpdeniedSecret_0123456789abcdefghijklmno";
constexpr const char* key_no_wallet = "ps_test_0000000000000a07_simNowalletSecret_0123456789abcdefghijklmno";
constexpr const char* key_read_only = "ps_test_0000000000000a08_simReadonlySecret_0123456789abcdefghijklmno";
constexpr const char* key_banned = "ps_test_0000000000000a09_simBannedSecret_0123456789abcdefghijklmnopq";

constexpr const char* wallet_a = "0xa11ce00000000000000000000000000000000001";
constexpr const char* wallet_b = "0x742d35cc6634c0532925a3b844bc9e7595f0beb3";
constexpr const char* wallet_b_mixed = "0x742d35Cc6634C0532925a3b844Bc9e7595f0bEb3";
constexpr const char* wallet_c = "0xc0ffee0000000000000000000000000000000003";
constexpr const char* unknown_id = "00000000-0000-4000-8000-00000000dead";

// An endpoint without the client's checks: to see the venue's own answers to what the client refuses.
struct raw_open_orders : ps::endpoints::predictstreet_endpoint {
  static constexpr http::method method = http::method::get;
  static constexpr std::string_view path = "/api/orders/open";
  using request_type = ps::open_orders_query;
  using response_type = ps::orders_page;
};

using client_t = ps::client<betwire::curl_transport>;

class PsSim : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    sim_ = std::make_unique<betwire::test::simulator_process>(std::vector<std::string>{"--venues", "predictstreet"});
  }
  static void TearDownTestSuite() { sim_.reset(); }

  void SetUp() override {
    ASSERT_TRUE(sim_->ok()) << sim_->error();
    ASSERT_EQ(sim_->post("/_sim/reset").status, 200);
    net_ = std::make_unique<betwire::curl_transport>(
        betwire::curl_options{.base_url = sim_->base_url("predictstreet")});
    ASSERT_TRUE(net_->valid());
  }

  std::unique_ptr<client_t> make_client(std::string_view key = key_single, std::string wallet = {},
                                        http::retry_policy retry = {}) {
    return std::make_unique<client_t>(
        *net_, ps::client_options{.api_key = betwire::secret(key), .wallet = std::move(wallet), .retry = retry});
  }

  std::vector<std::string> seed(std::string_view wallet, int count, std::string_view status = "OPEN",
                                std::string extra = {}) {
    auto r = sim_->post("/_sim/seed-orders", R"({"venue":"predictstreet","wallet":")" + std::string(wallet) +
                                                 R"(","count":)" + std::to_string(count) + R"(,"status":")" +
                                                 std::string(status) + "\"" + extra + "}");
    EXPECT_EQ(r.status, 200) << r.body;
    return nlohmann::json::parse(r.body)["orderIds"].get<std::vector<std::string>>();
  }
  void inject(const std::vector<std::string>& ids, std::string_view reason) {
    nlohmann::json b = {{"orderIds", ids}, {"reason", reason}};
    ASSERT_EQ(sim_->post("/_sim/predictstreet/inject", b.dump()).status, 200);
  }
  std::string status_of(const std::string& id) {
    auto r = sim_->post("/_sim/predictstreet/order", nlohmann::json({{"orderId", id}}).dump());
    EXPECT_EQ(r.status, 200) << r.body;
    return nlohmann::json::parse(r.body)["status"].get<std::string>();
  }
  nlohmann::json last_request() {
    auto r = sim_->get("/_sim/last-request");
    EXPECT_EQ(r.status, 200);
    return nlohmann::json::parse(r.body);
  }
  nlohmann::json stats() { return nlohmann::json::parse(sim_->get("/_sim/stats").body); }

  static std::unique_ptr<betwire::test::simulator_process> sim_;
  std::unique_ptr<betwire::curl_transport> net_;
};
std::unique_ptr<betwire::test::simulator_process> PsSim::sim_;

}  // namespace pssim

using pssim::PsSim;

// ---- cancel-batch -------------------------------------------------------------------------------

TEST_F(PsSim, CancelBatchGivesEveryReason) {
  auto c = make_client();
  const auto mine = seed(pssim::wallet_a, 5);
  const auto theirs = seed(pssim::wallet_b, 1);
  inject({mine[1]}, "lock_invariant");
  inject({mine[2]}, "unknown");
  ASSERT_TRUE(c->cancel(mine[0]));  // terminal before the batch

  auto r = c->cancel_batch(
      {mine[0], mine[1], mine[2], mine[3], theirs[0], pssim::unknown_id, mine[3], mine[4]});
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->cancelled, (std::vector<std::string>{mine[3], mine[4]}));
  ASSERT_EQ(r->not_cancelled.size(), 5u);
  EXPECT_EQ(r->reason_of(mine[0]), ps::cancel_reason::already_terminal);
  EXPECT_EQ(r->reason_of(mine[1]), ps::cancel_reason::lock_invariant);
  EXPECT_EQ(r->reason_of(mine[2]), ps::cancel_reason::unknown);
  EXPECT_EQ(r->reason_of(theirs[0]), ps::cancel_reason::not_found);
  EXPECT_EQ(r->reason_of(pssim::unknown_id), ps::cancel_reason::not_found);
  // Duplicates never reached the venue.
  const auto sent = nlohmann::json::parse(last_request()["body"].get<std::string>());
  EXPECT_EQ(sent["orderIds"].size(), 7u);
  EXPECT_EQ(last_request()["path"], "/predictstreet/api/orders/cancel-batch");
  // Rate-limit headers of the cancel-batch bucket (5/s per wallet).
  EXPECT_EQ(r.rate_limit().limit, 5);
  EXPECT_TRUE(r.rate_limit().remaining.has_value());
  EXPECT_TRUE(r.rate_limit().reset.has_value());
  // The other wallet's order is untouched; the injected ones stay open.
  EXPECT_EQ(status_of(theirs[0]), "OPEN");
  EXPECT_EQ(status_of(mine[1]), "OPEN");
  EXPECT_EQ(status_of(mine[3]), "CANCELLED");

  // Re-cancelling: already_terminal for all that were cancelled.
  auto again = c->cancel_batch({mine[3], mine[4]});
  ASSERT_TRUE(again) << again.error();
  EXPECT_TRUE(again->cancelled.empty());
  EXPECT_EQ(again->reason_of(mine[3]), ps::cancel_reason::already_terminal);
  EXPECT_EQ(again->reason_of(mine[4]), ps::cancel_reason::already_terminal);

  // Into a view, reused.
  inject({mine[1]}, "none");
  ps::cancel_batch_response_view v;
  auto rv = c->cancel_batch(ps::cancel_batch_request{{mine[1]}}, v);
  ASSERT_TRUE(rv) << rv.error();
  ASSERT_EQ(v.cancelled.size(), 1u);
  EXPECT_EQ(v.cancelled[0], mine[1]);
}

TEST_F(PsSim, TwoHundredFiftyIdsGoOutAsThreeRequestsAndComeBackMerged) {
  auto c = make_client();
  auto ids = seed(pssim::wallet_a, 248);
  inject({ids[120]}, "lock_invariant");
  ids.push_back(pssim::unknown_id);
  ids.push_back("00000000-0000-4000-8000-00000000beef");
  ids.push_back(ids[5]);  // a duplicate: 250 distinct ids, 251 given
  ASSERT_EQ(sim_->post("/_sim/stats/reset").status, 200);
  auto r = c->cancel_batch_all(ids);
  ASSERT_TRUE(r.ok()) << r.failure->error;
  EXPECT_EQ(r.unique_ids, 250u);
  EXPECT_EQ(r.chunks, 3u);
  EXPECT_EQ(r.requests, 3u);
  const auto s = stats();
  EXPECT_EQ(s["requests"], 3) << s.dump();
  EXPECT_EQ(s["routes"]["POST /predictstreet/api/orders/cancel-batch"], 3) << s.dump();
  EXPECT_EQ(nlohmann::json::parse(last_request()["body"].get<std::string>())["orderIds"].size(), 50u);
  EXPECT_EQ(r.merged.cancelled.size(), 247u);
  ASSERT_EQ(r.merged.not_cancelled.size(), 3u);
  EXPECT_EQ(r.merged.reason_of(ids[120]), ps::cancel_reason::lock_invariant);
  EXPECT_EQ(r.merged.reason_of(pssim::unknown_id), ps::cancel_reason::not_found);
  EXPECT_EQ(r.merged.cancelled.front(), ids[0]);
  EXPECT_EQ(r.merged.cancelled.back(), ids[247]);
  EXPECT_TRUE(r.last.rate_limit.known());
}

TEST_F(PsSim, AFailedChunkNeverStopsTheOthersAndItsIdsAreToResume) {
  auto c = make_client();
  // With the venue's limits on (cancel-batch: 5 per second per wallet), six chunks sent back to
  // back: the sixth is refused and named; the five before it are merged.
  const auto limited = seed(pssim::wallet_a, 550);
  ASSERT_EQ(sim_->post("/_sim/rate-limits", R"({"venue":"predictstreet","enabled":true})").status, 200);
  auto r = c->cancel_batch_all(limited);
  ASSERT_EQ(sim_->post("/_sim/rate-limits", R"({"venue":"predictstreet","enabled":false})").status, 200);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.chunks, 6u);
  EXPECT_EQ(r.failure->index, 5u);
  EXPECT_EQ(r.failure->first, 500u);
  EXPECT_EQ(r.failure->count, 50u);
  EXPECT_EQ(r.failure->first_id, limited[500]);
  EXPECT_EQ(r.failure->last_id, limited[549]);
  EXPECT_EQ(r.failure->error.code, errc::rate_limited);
  EXPECT_TRUE(r.failure->info.retry_after.has_value());
  EXPECT_EQ(r.chunks_succeeded, 5u);
  EXPECT_EQ(r.merged.cancelled.size(), 500u);
  ASSERT_EQ(r.unprocessed.size(), 50u);
  EXPECT_EQ(r.unprocessed.front(), limited[500]);
  EXPECT_EQ(status_of(limited[499]), "CANCELLED");
  EXPECT_EQ(status_of(limited[500]), "OPEN");

  // A middle chunk that fails (the third of six answers 503): the three after it are still sent
  // and their orders cancelled; only the failed chunk's ids are left to send again.
  const auto ids = seed(pssim::wallet_a, 550);
  const char* pass = R"({"path_prefix":"/predictstreet/api/orders/cancel-batch","fault":"delay=1","count":2})";
  const char* fail = R"({"path_prefix":"/predictstreet/api/orders/cancel-batch","fault":"status=503","count":1})";
  ASSERT_EQ(sim_->post("/_sim/faults", pass).status, 200);
  ASSERT_EQ(sim_->post("/_sim/faults", fail).status, 200);
  ASSERT_EQ(sim_->post("/_sim/stats/reset").status, 200);
  auto mid = c->cancel_batch_all(ids);
  ASSERT_FALSE(mid.ok());
  EXPECT_EQ(stats()["routes"]["POST /predictstreet/api/orders/cancel-batch"], 6) << stats().dump();
  EXPECT_EQ(mid.requests, 6u);
  ASSERT_TRUE(mid.failure.has_value());
  EXPECT_EQ(mid.failure->index, 2u);
  EXPECT_EQ(mid.failure->first_id, ids[200]);
  EXPECT_EQ(mid.failure->last_id, ids[299]);
  EXPECT_EQ(mid.failure->error.code, errc::server_error);
  EXPECT_EQ(mid.failure->info.status, 503);
  EXPECT_EQ(mid.chunks_succeeded, 5u);
  EXPECT_EQ(mid.merged.cancelled.size(), 450u);
  EXPECT_EQ(mid.ledger.tally().cancelled, 450u);
  EXPECT_EQ(mid.ledger.tally().failed, 100u);
  EXPECT_EQ(mid.ledger.requests()[3].state, betwire::http::request_state::answered);
  EXPECT_EQ(mid.unprocessed, std::vector<std::string>(ids.begin() + 200, ids.begin() + 300));
  EXPECT_EQ(status_of(ids[199]), "CANCELLED");
  EXPECT_EQ(status_of(ids[200]), "OPEN");
  EXPECT_EQ(status_of(ids[299]), "OPEN");
  EXPECT_EQ(status_of(ids[300]), "CANCELLED");
  EXPECT_EQ(status_of(ids[549]), "CANCELLED");

  // Resuming with the unprocessed ids finishes the job.
  auto rest = c->cancel_batch_all(mid.unprocessed);
  ASSERT_TRUE(rest.ok()) << rest.failure->error;
  EXPECT_EQ(rest.chunks, 1u);
  EXPECT_EQ(rest.merged.cancelled.size(), 100u);
  EXPECT_EQ(status_of(ids[250]), "CANCELLED");
}

// ---- single cancel --------------------------------------------------------------------------------

TEST_F(PsSim, CancelOneBothRevisionsAndInjectedErrors) {
  auto c = make_client();
  const auto mine = seed(pssim::wallet_a, 4);
  const auto theirs = seed(pssim::wallet_c, 1);
  const auto before = sim_->post("/_sim/predictstreet/order", nlohmann::json({{"orderId", mine[0]}}).dump());
  const std::string remaining = nlohmann::json::parse(before.body)["remainingQty"].get<std::string>();

  auto r = c->cancel(mine[0]);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->order_id, mine[0]);
  EXPECT_EQ(r->status, ps::cancel_status::cancelled);
  EXPECT_EQ(r->unfilled_qty.text(), remaining);  // exact decimal string
  EXPECT_FALSE(r->legacy_form);
  EXPECT_EQ(nlohmann::json::parse(last_request()["body"].get<std::string>()), nlohmann::json({{"orderId", mine[0]}}));
  EXPECT_TRUE(r.rate_limit().known());

  auto again = c->cancel(mine[0]);  // terminal: 200 not_found
  ASSERT_TRUE(again) << again.error();
  EXPECT_EQ(again->status, ps::cancel_status::not_found);
  auto foreign = c->cancel(theirs[0]);
  ASSERT_TRUE(foreign);
  EXPECT_EQ(foreign->status, ps::cancel_status::not_found);
  EXPECT_EQ(status_of(theirs[0]), "OPEN");

  ASSERT_EQ(sim_->post("/_sim/predictstreet/legacy", R"({"cancelLegacy":true})").status, 200);
  auto legacy = c->cancel(mine[1]);
  ASSERT_TRUE(legacy) << legacy.error();
  EXPECT_EQ(legacy->status, ps::cancel_status::cancelled);
  EXPECT_EQ(legacy->status_text, "CANCELLED");
  EXPECT_TRUE(legacy->legacy_form);
  ASSERT_EQ(sim_->post("/_sim/predictstreet/legacy", R"({"cancelLegacy":false})").status, 200);

  inject({mine[2]}, "lock_invariant");
  inject({mine[3]}, "unknown");
  auto locked = c->cancel(mine[2]);
  ASSERT_FALSE(locked);
  EXPECT_EQ(locked.error().code, errc::conflict);
  EXPECT_EQ(locked.error().venue_code, "lock_invariant");
  EXPECT_EQ(locked.status(), 409);
  auto transient = c->cancel(mine[3]);
  ASSERT_FALSE(transient);
  EXPECT_EQ(transient.error().code, errc::server_error);
  EXPECT_EQ(transient.error().venue_code, "unknown");
}

// ---- cancel-all -----------------------------------------------------------------------------------

TEST_F(PsSim, CancelAllFiltersAndBothForms) {
  auto c = make_client();
  const auto target = seed(pssim::wallet_a, 3, "OPEN", R"(,"marketId":"mkt-sim-x","side":"buy","outcome":"0")");
  const auto other_side = seed(pssim::wallet_a, 2, "OPEN", R"(,"marketId":"mkt-sim-x","side":"sell","outcome":"0")");
  inject({target[2]}, "lock_invariant");
  auto r = c->cancel_all({.market_id = "mkt-sim-x", .side = ps::side::buy, .outcome = 0});
  ASSERT_TRUE(r) << r.error();
  EXPECT_TRUE(r->ids_known);
  EXPECT_EQ(std::set<std::string>(r->cancelled.begin(), r->cancelled.end()),
            (std::set<std::string>{target[0], target[1]}));
  EXPECT_EQ(r->cancelled_count, 2);
  ASSERT_EQ(r->not_cancelled.size(), 1u);
  EXPECT_EQ(r->not_cancelled[0].order_id, target[2]);
  EXPECT_EQ(r->not_cancelled[0].reason, ps::cancel_reason::lock_invariant);
  EXPECT_EQ(r->market_id, "mkt-sim-x");
  EXPECT_EQ(status_of(other_side[0]), "OPEN");
  EXPECT_EQ(nlohmann::json::parse(last_request()["body"].get<std::string>()),
            nlohmann::json({{"marketId", "mkt-sim-x"}, {"side", "buy"}, {"outcome", "0"}}));

  // The older number form; no filter sends an empty body and cancels the rest of the wallet.
  ASSERT_EQ(sim_->post("/_sim/predictstreet/legacy", R"({"cancelAllNumber":true})").status, 200);
  auto open_before = c->open_orders({.limit = 500});
  ASSERT_TRUE(open_before) << open_before.error();
  auto all = c->cancel_all();
  ASSERT_TRUE(all) << all.error();
  EXPECT_EQ(last_request()["bodyLength"], 0);
  EXPECT_FALSE(all->ids_known);
  EXPECT_TRUE(all->cancelled.empty());
  EXPECT_EQ(all->cancelled_count + static_cast<std::int64_t>(all->not_cancelled.size()),
            static_cast<std::int64_t>(open_before->orders.size()));
  EXPECT_GT(all->cancelled_count, 0);
  EXPECT_FALSE(all->market_id.has_value());
  EXPECT_EQ(all.rate_limit().limit, 1);  // cancel-all: 1/s
}

// ---- reads ---------------------------------------------------------------------------------------

TEST_F(PsSim, OpenOrdersPagesFollowTheCursor) {
  auto c = make_client(pssim::key_multi, pssim::wallet_c);
  const auto seeded = seed(pssim::wallet_c, 30);
  auto first = c->open_orders({.limit = 500});
  ASSERT_TRUE(first) << first.error();
  EXPECT_EQ(first->wallet_address, pssim::wallet_c);
  const std::size_t total = first->orders.size();
  ASSERT_GE(total, 30u);

  std::vector<std::string> seen;
  std::size_t pages = 0;
  for (auto&& p : c->open_orders_pages({.limit = 7})) {
    ASSERT_TRUE(p) << p.error();
    ++pages;
    for (const auto& o : p->orders) {
      seen.emplace_back(o.id);
      EXPECT_TRUE(o.status == ps::order_status::open || o.status == ps::order_status::pending ||
                  o.status == ps::order_status::partial);
      EXPECT_FALSE(o.price.text().empty());
      EXPECT_EQ(o.user_wallet, pssim::wallet_c);
    }
  }
  EXPECT_EQ(seen.size(), total);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), total);
  EXPECT_EQ(pages, (total + 6) / 7);
  EXPECT_EQ(seen.front(), seeded.back());  // newest first

  // Filters reach the venue as query parameters.
  auto buys = c->open_orders({.side = ps::side::buy, .limit = 500});
  ASSERT_TRUE(buys) << buys.error();
  for (const auto& o : buys->orders) EXPECT_EQ(o.side, ps::side::buy);
  EXPECT_EQ(last_request()["params"]["side"][0], "buy");

  // What the client refuses, the venue refuses too (the raw endpoint skips the check).
  auto venue = c->core().call<pssim::raw_open_orders>(ps::open_orders_query{.limit = 501});
  ASSERT_FALSE(venue);
  EXPECT_EQ(venue.error().venue_code, "invalid_limit");
  auto client_side = c->open_orders({.limit = 501});
  ASSERT_FALSE(client_side);
  EXPECT_EQ(client_side.error().code, errc::out_of_range);
}

TEST_F(PsSim, HistoryOrderAndFills) {
  auto c = make_client();
  const auto filled = seed(pssim::wallet_a, 2, "FILLED");
  const auto foreign = seed(pssim::wallet_b, 1, "FILLED");
  auto h = c->history({.status = {ps::order_status::filled}, .limit = 200});
  ASSERT_TRUE(h) << h.error();
  EXPECT_EQ(last_request()["params"]["status"][0], "FILLED");
  ASSERT_GE(h->orders.size(), 2u);
  for (const auto& o : h->orders) EXPECT_EQ(o.status, ps::order_status::filled);
  EXPECT_EQ(h->orders[0].id, filled[1]);

  auto o = c->get_order(filled[0]);
  ASSERT_TRUE(o) << o.error();
  const auto expect = nlohmann::json::parse(
      sim_->post("/_sim/predictstreet/order", nlohmann::json({{"orderId", filled[0]}}).dump()).body);
  EXPECT_EQ(o->id, filled[0]);
  EXPECT_EQ(o->price.text(), expect["price"].get<std::string>());
  EXPECT_EQ(o->quantity.text(), expect["quantity"].get<std::string>());
  EXPECT_EQ(o->filled_qty.text(), expect["filledQty"].get<std::string>());
  EXPECT_EQ(o->remaining_qty.text(), expect["remainingQty"].get<std::string>());
  EXPECT_EQ(o->vault, expect["vault"].get<std::string>());
  EXPECT_EQ(o->status, ps::order_status::filled);
  // Written back, the decimals are the same quoted strings.
  auto enc = betwire::json::encode(*o);
  ASSERT_TRUE(enc);
  EXPECT_EQ(nlohmann::json::parse(*enc)["price"], expect["price"]);

  auto f = c->get_fills(filled[0]);
  ASSERT_TRUE(f) << f.error();
  EXPECT_EQ(f->order_id, filled[0]);
  ASSERT_FALSE(f->trades.empty());
  double sum = 0;
  for (const auto& t : f->trades) {
    EXPECT_EQ(t.order_id, filled[0]);
    EXPECT_EQ(t.price.text(), o->price.text());
    sum += t.quantity.to_double();
  }
  EXPECT_NEAR(sum, o->filled_qty.to_double(), 1e-9);

  auto missing = c->get_order(pssim::unknown_id);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, errc::not_found);
  EXPECT_EQ(missing.error().venue_code, "not_found");
  auto other = c->get_order(foreign[0]);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, errc::not_found);
  auto other_fills = c->get_fills(foreign[0]);
  ASSERT_FALSE(other_fills);
  EXPECT_EQ(other_fills.error().code, errc::not_found);
  EXPECT_TRUE(other_fills.rate_limit().known());
}

// ---- authentication -------------------------------------------------------------------------------

TEST_F(PsSim, EveryKeyErrorIsTyped) {
  const std::vector<std::pair<const char*, ps::auth_error>> keys = {
      {pssim::key_revoked, ps::auth_error::api_key_revoked},
      {pssim::key_expired, ps::auth_error::api_key_expired},
      {pssim::key_suspended, ps::auth_error::api_key_suspended},
      {pssim::key_ip_denied, ps::auth_error::api_key_ip_denied},
      {pssim::key_no_wallet, ps::auth_error::api_key_no_associated_wallet},
      {pssim::key_banned, ps::auth_error::wallet_banned},
      // Well-formed, unknown keyId / known keyId with another secret.
      {"ps_test_00000000000fffff_simSingleSecret_0123456789abcdefghijklmnopq", ps::auth_error::api_key_unknown_key},
      {"ps_test_0000000000000a01_simSingleSecret_0123456789abcdefghijklmnopZ", ps::auth_error::api_key_bad_secret},
  };
  for (const auto& [key, kind] : keys) {
    auto c = make_client(key);
    ASSERT_FALSE(c->setup_error()) << key;
    auto r = c->cancel_batch({pssim::unknown_id});
    ASSERT_FALSE(r) << key;
    EXPECT_EQ(ps::auth_error_of(r.error()), kind) << key << ": " << r.error();
    EXPECT_EQ(r.error().venue_code, ps::to_string(kind));
    EXPECT_EQ(r.error().category, error_category::venue);
    EXPECT_EQ(r.error().describe().find(key), std::string::npos);  // the key is never printed
    EXPECT_TRUE(r.rate_limit().known());
  }

  // No key at all.
  auto none = make_client("");
  auto nr = none->open_orders();
  ASSERT_FALSE(nr);
  EXPECT_EQ(ps::auth_error_of(nr.error()), ps::auth_error::auth_required);
  EXPECT_EQ(nr.status(), 401);

  // Scope: a read-only key reads, but cannot cancel.
  auto ro = make_client(pssim::key_read_only);
  ASSERT_TRUE(ro->open_orders()) << "reads are in scope";
  auto scope = ro->cancel_batch({pssim::unknown_id});
  ASSERT_FALSE(scope);
  EXPECT_EQ(ps::auth_error_of(scope.error()), ps::auth_error::api_key_scope_missing);
  EXPECT_EQ(scope.error().code, errc::forbidden);
  EXPECT_NE(scope.error().venue_message.find("orders:write"), std::string::npos);

  // A malformed key never leaves the process; the venue's own answer to one, through the core.
  const std::string bad = "ps_test_short_key_value_000";
  auto local = make_client(bad);
  ASSERT_TRUE(local->setup_error());
  ASSERT_EQ(sim_->post("/_sim/stats/reset").status, 200);
  auto lr = local->cancel_batch({pssim::unknown_id});
  ASSERT_FALSE(lr);
  EXPECT_EQ(lr.error().code, errc::invalid_api_key);
  EXPECT_EQ(lr.error().describe().find(bad), std::string::npos);
  EXPECT_EQ(stats()["requests"], 0);
  http::client<betwire::curl_transport> core{*net_};
  const betwire::secret bad_secret(bad);
  ASSERT_TRUE(core.set_header("X-Api-Key", bad_secret));
  auto vr = core.call<ps::endpoints::cancel_batch<>>(ps::cancel_batch_request{{pssim::unknown_id}});
  ASSERT_FALSE(vr);
  EXPECT_EQ(ps::auth_error_of(vr.error()), ps::auth_error::api_key_bad_format);
}

TEST_F(PsSim, MultiWalletHeader) {
  // Missing.
  auto missing = make_client(pssim::key_multi);
  auto m = missing->open_orders();
  ASSERT_FALSE(m);
  EXPECT_EQ(ps::auth_error_of(m.error()), ps::auth_error::api_key_user_wallet_required);

  // Mixed case: sent lower-cased, and the wallet's own orders come back.
  const auto ids = seed(pssim::wallet_b, 2);
  auto mixed = make_client(pssim::key_multi, pssim::wallet_b_mixed);
  ASSERT_FALSE(mixed->setup_error());
  auto page = mixed->open_orders({.limit = 500});
  ASSERT_TRUE(page) << page.error();
  EXPECT_EQ(last_request()["headers"]["x-user-wallet"], pssim::wallet_b);
  EXPECT_EQ(page->wallet_address, pssim::wallet_b);
  auto cancelled = mixed->cancel_batch({ids[0]});
  ASSERT_TRUE(cancelled) << cancelled.error();
  EXPECT_EQ(cancelled->cancelled, (std::vector<std::string>{ids[0]}));

  // Switching wallets: wallet C cannot see or cancel wallet B's order.
  ASSERT_TRUE(mixed->set_wallet(pssim::wallet_c));
  auto cross = mixed->cancel_batch({ids[1]});
  ASSERT_TRUE(cross) << cross.error();
  EXPECT_EQ(cross->reason_of(ids[1]), ps::cancel_reason::not_found);
  EXPECT_EQ(status_of(ids[1]), "OPEN");

  // Malformed: refused before sending; the venue's answer to one, through the core.
  ASSERT_EQ(sim_->post("/_sim/stats/reset").status, 200);
  auto bad = make_client(pssim::key_multi, "0x742d35cc6634c0532925a3b844bc9e7595f0beb");
  auto br = bad->open_orders();
  ASSERT_FALSE(br);
  EXPECT_EQ(br.error().code, errc::invalid_wallet);
  EXPECT_EQ(stats()["requests"], 0);
  http::client<betwire::curl_transport> core{*net_};
  const betwire::secret key(pssim::key_multi);
  ASSERT_TRUE(core.set_header("X-Api-Key", key));
  ASSERT_TRUE(core.set_header("X-User-Wallet", "0xnot-a-wallet"));
  auto vr = core.call<ps::endpoints::open_orders<>>(ps::open_orders_query{});
  ASSERT_FALSE(vr);
  EXPECT_EQ(ps::auth_error_of(vr.error()), ps::auth_error::api_key_user_wallet_invalid);

  // A banned wallet.
  auto banned = make_client(pssim::key_multi, "0xbad0000000000000000000000000000000000bad");
  auto bn = banned->open_orders();
  ASSERT_FALSE(bn);
  EXPECT_EQ(ps::auth_error_of(bn.error()), ps::auth_error::wallet_banned);
  EXPECT_EQ(bn.status(), 403);
}

// ---- rate limits and retries -----------------------------------------------------------------------

TEST_F(PsSim, A429IsRetriedAfterRetryAfter) {
  betwire::test::fake_clock clock;
  auto c = make_client(pssim::key_single, {},
                       http::retry_policy{.enabled = true, .max_attempts = 3,
                                          .initial_backoff = std::chrono::milliseconds(10)});
  c->set_clock(clock.clock());
  const auto ids = seed(pssim::wallet_a, 3);
  ASSERT_EQ(sim_->post("/_sim/faults",
                       R"({"path_prefix":"/predictstreet/api/orders/cancel-batch","fault":"429=2","count":1})")
                .status,
            200);
  auto r = c->cancel_batch({ids[0], ids[1]});
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r.attempts(), 2u);
  ASSERT_EQ(clock.sleeps.size(), 1u);
  EXPECT_GE(clock.sleeps[0], std::chrono::milliseconds(2000));
  EXPECT_EQ(r->cancelled.size(), 2u);

  ASSERT_EQ(sim_->post("/_sim/faults",
                       R"({"path_prefix":"/predictstreet/api/orders/cancel","fault":"429=1","count":1})")
                .status,
            200);
  auto one = c->cancel(ids[2]);
  ASSERT_TRUE(one) << one.error();
  EXPECT_EQ(one.attempts(), 2u);
  EXPECT_EQ(one->status, ps::cancel_status::cancelled);
}

TEST_F(PsSim, EnforcedLimitsAnswer429WithRetryAfter) {
  ASSERT_EQ(sim_->post("/_sim/rate-limits", R"({"venue":"predictstreet","enabled":true})").status, 200);
  auto c = make_client();
  auto first = c->cancel_all();
  ASSERT_TRUE(first) << first.error();
  EXPECT_EQ(first.rate_limit().limit, 1);
  EXPECT_EQ(first.rate_limit().remaining, 0);
  auto second = c->cancel_all();  // cancel-all: 1 per second per wallet
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, errc::rate_limited);
  EXPECT_EQ(second.status(), 429);
  ASSERT_TRUE(second.retry_after().has_value());
  EXPECT_GE(second.retry_after()->count(), 1);
  EXPECT_EQ(second.rate_limit().remaining, 0);
  ASSERT_EQ(sim_->post("/_sim/rate-limits", R"({"venue":"predictstreet","enabled":false})").status, 200);
}
