// betwire demo: ABP v2 end to end — place a batch of orders, page through them, cancel some by
// requestUuid and the rest by userRef, and print what happened with the time of every call. On the
// simulator it then shows the other venues: a PredictStreet batch cancel with a mix of reasons, and
// an Opinion.trade listing followed by a cancel-all of one market's sell orders.
//
//   demo                                  starts the loopback simulator and uses its test key
//   demo --base-url https://v2.55-tech.com    the real venue; the key comes from ABP_API_KEY
//
// Options: --base-url URL, --orders N (1..100, default 12), --page-size N (default 5),
//          --fixture ID, --outcome N (what to bet on; the defaults are the documents' example).
// Orders are placed with testOrder: true.

#include <betwire/abp/abp.hpp>
#include <betwire/json/json.hpp>
#include <betwire/opinion/opinion.hpp>
#include <betwire/predictstreet/predictstreet.hpp>
#include <betwire/transport/curl.hpp>

#include "../tests/support/simulator_process.hpp"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

namespace abp = betwire::abp;
namespace ps = betwire::predictstreet;
namespace opn = betwire::opinion;
using namespace betwire::literals;

namespace demo {

struct options {
  std::string base_url;
  int orders = 12;
  int page_size = 5;
  std::string fixture = "id1000004461512432";
  std::int64_t outcome = 103;
};

int usage(const char* argv0) {
  std::fprintf(stderr,
               "usage: %s [--base-url URL] [--orders N] [--page-size N] [--fixture ID] [--outcome N]\n"
               "  without --base-url the loopback simulator is started and its test key used;\n"
               "  with it, the API key is read from ABP_API_KEY.\n",
               argv0);
  return 2;
}

bool parse(int argc, char** argv, options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    const char* v = nullptr;
    if (a == "--base-url" && (v = value())) {
      o.base_url = v;
    } else if (a == "--orders" && (v = value())) {
      o.orders = std::atoi(v);
    } else if (a == "--page-size" && (v = value())) {
      o.page_size = std::atoi(v);
    } else if (a == "--fixture" && (v = value())) {
      o.fixture = v;
    } else if (a == "--outcome" && (v = value())) {
      o.outcome = std::atoll(v);
    } else {
      return false;
    }
  }
  return o.orders >= 1 && o.orders <= 100 && o.page_size >= 1 && o.page_size <= 1000;
}

using clock = std::chrono::steady_clock;

struct row {
  std::string call;
  int status = 0;
  std::int64_t micros = 0;
  std::string outcome;
};

std::vector<row> rows;

std::int64_t since(clock::time_point t0) {
  return std::chrono::duration_cast<std::chrono::microseconds>(clock::now() - t0).count();
}

template <class Reply>
void record(std::string call, const Reply& r, std::int64_t micros, std::string outcome) {
  if (!r) outcome = "ERROR " + r.error().describe();
  rows.push_back({std::move(call), r.status(), micros, std::move(outcome)});
}

std::string_view status_name(abp::order_status s) { return betwire::reflect::enum_to_wire(s); }

std::string_view placement_name(abp::placement_status s) {
  switch (s) {
    case abp::placement_status::accepted: return "accepted";
    case abp::placement_status::partial_success: return "partial-success";
    case abp::placement_status::declined: return "declined";
    case abp::placement_status::unknown: break;
  }
  return "(unknown)";
}

// What the simulator's seed-orders control endpoint answers; read with betwire's own codec.
struct seeded_orders {
  std::vector<std::string> order_ids;
  static constexpr betwire::naming betwire_naming = betwire::naming::camel_case;
};

// The simulator's single-wallet PredictStreet key and its wallet (tools/simulator/README.md).
constexpr const char* ps_test_key = "ps_test_0000000000000a01_simSingleSecret_0123456789abcdefghijklmnopq";
constexpr const char* ps_test_wallet = "0xa11ce00000000000000000000000000000000001";

// PredictStreet: five open orders, one already cancelled, one with a balance-lock fault and one
// with a transient failure injected, plus an id nobody owns: one batch cancel shows every reason.
bool predictstreet_section(betwire::test::simulator_process& sim) {
  std::printf("\n== PredictStreet: one batch cancel, every reason\n");
  auto seed = sim.post("/_sim/seed-orders", std::string(R"({"venue":"predictstreet","wallet":")") +
                                                ps_test_wallet + R"(","count":5,"status":"OPEN"})");
  seeded_orders mine;
  if (seed.status != 200 || !betwire::json::decode(seed.body, mine) || mine.order_ids.size() != 5) {
    std::fprintf(stderr, "demo: could not seed PredictStreet orders (HTTP %d)\n", seed.status);
    return false;
  }
  const auto& id = mine.order_ids;
  sim.post("/_sim/predictstreet/inject", R"({"orderIds":[")" + id[1] + R"("],"reason":"lock_invariant"})");
  sim.post("/_sim/predictstreet/inject", R"({"orderIds":[")" + id[2] + R"("],"reason":"unknown"})");

  betwire::curl_transport net({.base_url = sim.base_url("predictstreet")});
  ps::client client{net, {.api_key = betwire::secret(ps_test_key)}};
  auto t0 = clock::now();
  auto first = client.cancel(id[0]);
  record("POST /api/orders/cancel", first, since(t0), first ? "cancelled " + id[0].substr(0, 8) + "…" : "");

  const std::string nobodys = "00000000-0000-4000-8000-00000000dead";
  t0 = clock::now();
  auto batch = client.cancel_batch({id[0], id[1], id[2], id[3], id[4], nobodys});
  const auto batch_us = since(t0);
  record("POST /api/orders/cancel-batch (6 ids)", batch, batch_us,
         batch ? std::to_string(batch->cancelled.size()) + " cancelled, " +
                     std::to_string(batch->not_cancelled.size()) + " not cancelled"
               : "");
  if (!batch) return false;
  std::printf("%-38s %s\n", "orderId", "outcome");
  for (const auto& c : batch->cancelled) std::printf("%-38s cancelled\n", c.c_str());
  for (const auto& n : batch->not_cancelled) {
    const auto why = ps::to_string(n.reason);
    std::printf("%-38s not cancelled: %.*s\n", n.order_id.c_str(), static_cast<int>(why.size()), why.data());
  }
  return batch->cancelled.size() == 2 && batch->not_cancelled.size() == 4;
}

// Opinion.trade: a user with buy and sell orders in one market (more than one page of 20) lists
// them, then cancels every sell order of that market — every buy order stays.
bool opinion_section(betwire::test::simulator_process& sim) {
  std::printf("\n== Opinion.trade: list a user's orders, cancel one market's sell orders\n");
  constexpr std::int64_t market = 777;
  const auto seed = [&](int count, int side) {
    return sim.post("/_sim/seed-orders", R"({"venue":"opinion","user":"alice","status":1,"marketId":777,"count":)" +
                                             std::to_string(count) + R"(,"side":)" + std::to_string(side) + "}")
               .status == 200;
  };
  if (!seed(25, 2) || !seed(5, 1)) {
    std::fprintf(stderr, "demo: could not seed Opinion orders\n");
    return false;
  }
  betwire::curl_transport net({.base_url = sim.base_url("opinion")});
  opn::client client{net, {.api_key = betwire::secret("opn-test-key-alice-0001")}};
  const opn::orders_query pending{.market_id = market, .status = {opn::order_status::pending}, .limit = 20};

  auto t0 = clock::now();
  auto listed = client.get_orders(pending);
  record("GET /order (market 777, pending)", listed, since(t0),
         listed ? std::to_string(listed->total) + " pending, " + std::to_string(listed->list.size()) + " on page 1" : "");
  if (!listed) return false;
  std::size_t buys = 0;
  std::size_t sells = 0;
  for (const auto& o : listed->list) (o.side == opn::order_side::buy ? buys : sells) += 1;
  std::printf("page 1: %zu buy and %zu sell orders of %lld pending\n", buys, sells, static_cast<long long>(listed->total));

  t0 = clock::now();
  const bool terminal = isatty(fileno(stdout)) != 0;  // a progress bar only where it can redraw
  auto done = client.cancel_all_orders({.market_id = market, .side = opn::order_side::sell}, [terminal](const opn::progress& p) {
    if (p.phase == opn::progress::phase::cancelling && terminal)
      std::printf("\rcancelling %zu/%zu", p.processed, p.total);
    else if (p.phase == opn::progress::phase::done)
      std::printf("\rcancelled %zu, failed %zu of %zu\n", p.cancelled, p.failed, p.total);
    std::fflush(stdout);
  });
  const auto all_us = since(t0);
  if (!done) {
    std::fprintf(stderr, "demo: cancel-all failed: %s\n", done.error().describe().c_str());
    return false;
  }
  rows.push_back({"cancel_all_orders (market 777, sell)", 200, all_us,
                  std::to_string(done->cancelled) + " cancelled, " + std::to_string(done->failed) + " failed, " +
                      std::to_string(done->pages) + " pages listed (15 req/s limiter)"});

  t0 = clock::now();
  auto after = client.get_orders(pending);
  record("GET /order (market 777, pending)", after, since(t0),
         after ? std::to_string(after->total) + " pending left" : "");
  if (!after) return false;
  bool only_buys = true;
  for (const auto& o : after->list) only_buys = only_buys && o.side == opn::order_side::buy;
  std::printf("left pending in market 777: %lld, all buy orders: %s\n", static_cast<long long>(after->total),
              only_buys ? "yes" : "NO");
  return done->failed == 0 && only_buys && after->total == 5;
}

void print_calls() {
  std::printf("%-44s %6s %10s  %s\n", "call", "HTTP", "time (us)", "result");
  std::printf("%.*s\n", 100, "----------------------------------------------------------------------------------------------------");
  for (const auto& r : rows)
    std::printf("%-44s %6d %10lld  %s\n", r.call.c_str(), r.status, static_cast<long long>(r.micros), r.outcome.c_str());
  rows.clear();
}

}  // namespace demo

int main(int argc, char** argv) {
  demo::options opt;
  if (!demo::parse(argc, argv, opt)) return demo::usage(argv[0]);

  // Where to go, with which key.
  std::unique_ptr<betwire::test::simulator_process> sim;
  std::string base_url = opt.base_url;
  const char* env_key = std::getenv("ABP_API_KEY");
  betwire::secret key(env_key);
  if (base_url.empty()) {
    sim = std::make_unique<betwire::test::simulator_process>(std::vector<std::string>{});
    if (!sim->ok()) {
      std::fprintf(stderr, "demo: could not start the simulator: %s\n", sim->error().c_str());
      return 1;
    }
    base_url = sim->base_url("abp");
    if (key.empty()) key = betwire::secret("abp-test-key-0001");
    std::printf("Started the ABP simulator at %s (pid %d); using its test key.\n", base_url.c_str(),
                static_cast<int>(sim->pid()));
  } else {
    if (key.empty()) {
      std::fprintf(stderr, "demo: set ABP_API_KEY to use %s\n", base_url.c_str());
      return 1;
    }
    std::printf("Using %s with the key from ABP_API_KEY.\n", base_url.c_str());
  }

  auto net = betwire::curl_transport::create({.base_url = base_url});
  if (!net) {
    std::fprintf(stderr, "demo: %s\n", net.error().describe().c_str());
    return 1;
  }
  abp::client client{*net, {.api_key = key}};
  if (client.setup_error()) {
    std::fprintf(stderr, "demo: %s\n", client.setup_error()->describe().c_str());
    return 1;
  }

  // One userRef per run, so that runs never see each other's orders.
  const std::string user_ref = "betwire-demo-" + abp::new_request_uuid().substr(0, 8);
  std::printf("userRef %s, %d orders, pages of %d\n\n", user_ref.c_str(), opt.orders, opt.page_size);

  // 1. Place a batch. On the simulator the stake's cents pick the fate: .99 filled, .97 part-filled
  //    (cancellable), .98 part-filled with a confirmed bet (not cancellable), .96 declined.
  static constexpr betwire::decimal stakes[] = {"10"_dec, "12.5"_dec, "20.99"_dec, "8.97"_dec, "15.98"_dec, "5.96"_dec};
  abp::place_orders_request batch;
  for (int i = 0; i < opt.orders; ++i) {
    abp::place_order o;
    o.fixture_id = opt.fixture;
    o.outcome_id = opt.outcome;
    o.order_price = "1.95"_dec;
    o.order_stake = stakes[static_cast<std::size_t>(i) % std::size(stakes)];
    o.user_ref = user_ref;
    o.test_order = true;
    batch.orders.push_back(std::move(o));
  }
  auto t0 = demo::clock::now();
  auto placed = client.place_orders(batch);  // fills every requestUuid in `batch`
  const auto place_us = demo::since(t0);
  std::string place_note;
  if (placed) {
    place_note = std::string(demo::placement_name(placed->status)) + ": " +
                 std::to_string(placed->accepted_orders.size()) + " accepted, " +
                 std::to_string(placed->declined_orders.size()) + " declined";
  }
  demo::record("POST /place-orders (" + std::to_string(opt.orders) + " orders)", placed, place_us, place_note);
  if (!placed) {
    std::fprintf(stderr, "demo: placement failed: %s\n", placed.error().describe().c_str());
    return 1;
  }

  // 2. Page through them (views into a reused page: no allocation once warm).
  std::size_t seen = 0;
  int page_no = 0;
  t0 = demo::clock::now();
  for (auto&& page : client.orders_pages({.user_ref = user_ref, .limit = opt.page_size})) {
    const auto us = demo::since(t0);
    ++page_no;
    std::string note;
    if (page) {
      seen += page->orders.size();
      note = std::to_string(page->orders.size()) + " orders" +
             (page->has_more ? ", next cursor " + std::to_string(page->next_cursor.value_or(0)) : ", last page");
    }
    demo::record("GET /orders page " + std::to_string(page_no), page, us, note);
    t0 = demo::clock::now();
  }

  // 3. Cancel the first half by requestUuid...
  abp::cancel_orders_request by_uuid;
  by_uuid.request_uuids.emplace();
  for (std::size_t i = 0; i < batch.orders.size() / 2; ++i) by_uuid.request_uuids->push_back(batch.orders[i].request_uuid);
  t0 = demo::clock::now();
  auto c1 = client.cancel_orders(by_uuid);
  const auto c1_us = demo::since(t0);
  std::string c1_note;
  if (c1) {
    c1_note = std::to_string(c1->cancelled_count) + " cancelled, " + std::to_string(c1->not_cancelled.orders.size()) +
              " not cancellable";
  }
  demo::record("POST /cancel-orders (" + std::to_string(by_uuid.request_uuids->size()) + " requestUuids)", c1, c1_us,
               c1_note);

  // 4. ...and the rest by userRef.
  t0 = demo::clock::now();
  auto c2 = client.cancel_orders({.user_ref = user_ref});
  const auto c2_us = demo::since(t0);
  std::string c2_note;
  if (c2) {
    c2_note = std::to_string(c2->cancelled_count) + " cancelled, " + std::to_string(c2->not_cancelled.orders.size()) +
              " not cancellable" + (c2.status() == 404 ? " (nothing matched)" : "");
  }
  demo::record("POST /cancel-orders (userRef)", c2, c2_us, c2_note);

  // 5. Where everything ended up.
  t0 = demo::clock::now();
  auto final_page = client.get_orders({.user_ref = user_ref, .limit = 1000});
  const auto final_us = demo::since(t0);
  demo::record("GET /orders (final state)", final_page, final_us,
               final_page ? std::to_string(final_page->orders.size()) + " orders" : "");

  demo::print_calls();

  if (final_page) {
    std::printf("\n%-8s %-36s %8s %6s %-18s %s\n", "orderId", "requestUuid", "stake", "price", "status", "bets");
    for (const auto& o : final_page->orders) {
      std::printf("%-8lld %-36s %8.*s %6.*s %-18.*s %zu\n", static_cast<long long>(o.order_id), o.request_uuid.c_str(),
                  static_cast<int>(o.order_stake.text().size()), o.order_stake.text().data(),
                  static_cast<int>(o.order_price.text().size()), o.order_price.text().data(),
                  static_cast<int>(demo::status_name(o.order_status).size()), demo::status_name(o.order_status).data(),
                  o.bets.size());
    }
    for (const auto& d : placed->declined_orders)
      std::printf("%-8s %-36s declined: %s\n", "-", d.request_uuid.c_str(), d.decline_reason.c_str());
  }
  std::printf("\nPaged through %zu orders in %d pages.\n", seen, page_no);

  bool ok = placed && c1 && c2 && final_page && seen == placed->accepted_orders.size();

  // The other venues need the simulator's control endpoints to stage their cases.
  if (sim) {
    ok = demo::predictstreet_section(*sim) && ok;
    ok = demo::opinion_section(*sim) && ok;
    std::printf("\n");
    demo::print_calls();
  }
  return ok ? 0 : 1;
}
