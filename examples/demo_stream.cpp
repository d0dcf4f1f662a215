// betwire stream demo: ABP's /ws beside its REST calls. A stream driver (abp::stream_driver over
// betwire::beast_websocket) follows orders, bets and settlements while the demo places a batch,
// cancels part of it, and (on the simulator) fills one order and settles its bet. Every REST call
// and every stream event is printed on one timeline, in milliseconds since the start, so you see
// each change arrive on the stream next to the call that caused it. On the simulator it also drops
// the connection once: the driver reconnects and replays what was sent meanwhile.
//
//   demo_stream                            starts the loopback simulator and uses its test key
//   demo_stream --base-url https://v2.55-tech.com [--ws-url wss://v2.55-tech.com/ws]
//                                          the real venue; the key comes from ABP_API_KEY
// Orders are placed with testOrder: true. The driver is polled between calls: no thread.

#include <betwire/abp/abp.hpp>
#include <betwire/abp/stream.hpp>
#include <betwire/abp/stream_driver.hpp>
#include <betwire/transport/beast_websocket.hpp>
#include <betwire/transport/curl.hpp>

#include "../tests/support/simulator_process.hpp"

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace abp = betwire::abp;
using namespace betwire::literals;
using namespace std::chrono_literals;

namespace {

using clock_type = std::chrono::steady_clock;
const clock_type::time_point started = clock_type::now();

double ms() { return std::chrono::duration<double, std::milli>(clock_type::now() - started).count(); }

std::string_view name(abp::order_status s) { return betwire::reflect::enum_to_wire(s); }
std::string_view name(abp::settlement_status s) { return betwire::reflect::enum_to_wire(s); }

struct counts {
  int data = 0, orders = 0, bets = 0, settlements = 0, resyncs = 0, reconnects = 0;
};
counts seen;

// What one stream event looks like on the timeline.
void show(const abp::stream_event& e) {
  using k = abp::stream_event_kind;
  switch (e.kind) {
    case k::data: {
      const abp::stream_data& d = *e.data;
      ++seen.data;
      std::printf("%9.1f   stream  %-11.*s %-8.*s seq %-4lld", ms(), static_cast<int>(d.channel_name.size()),
                  d.channel_name.data(), static_cast<int>(d.event_name.size()), d.event_name.data(),
                  static_cast<long long>(d.seq.value_or(0)));
      if (d.order) {
        ++seen.orders;
        std::printf(" order %lld %.*s, filled %.*s of %.*s", static_cast<long long>(d.order->order_id),
                    static_cast<int>(name(d.order->order_status).size()), name(d.order->order_status).data(),
                    static_cast<int>(d.order->filled_stake.text().size()), d.order->filled_stake.text().data(),
                    static_cast<int>(d.order->order_stake.text().size()), d.order->order_stake.text().data());
      } else if (d.bet) {
        (d.channel == abp::stream_channel::settlements ? seen.settlements : seen.bets) += 1;
        std::printf(" bet %lld of order %lld at %.*s, %.*s", static_cast<long long>(d.bet->bet_id),
                    static_cast<long long>(d.bet->order_id), static_cast<int>(d.bet->bookmaker.size()),
                    d.bet->bookmaker.data(), static_cast<int>(name(d.bet->settlement_status).size()),
                    name(d.bet->settlement_status).data());
        if (d.bet->settlement_amount)
          std::printf(" %.*s", static_cast<int>(d.bet->settlement_amount->text().size()), d.bet->settlement_amount->text().data());
      } else {
        std::printf(" (payload kept raw, %zu bytes)", d.payload.text.size());
      }
      std::printf("\n");
      return;
    }
    case k::login_ok:
      std::printf("%9.1f   stream  login_ok as %.*s, subscription %lld, reliable delivery %s\n", ms(),
                  static_cast<int>(e.login->client_name.size()), e.login->client_name.data(),
                  static_cast<long long>(e.login->subscription_id), e.login->reliable_delivery.value_or(false) ? "on" : "off");
      return;
    case k::connected: std::printf("%9.1f   stream  connected, login sent\n", ms()); return;
    case k::disconnected:
      ++seen.reconnects;
      std::printf("%9.1f   stream  disconnected: %s (reconnecting)\n", ms(), e.failure ? e.failure->message.c_str() : "");
      return;
    case k::resynced:
      ++seen.resyncs;
      std::printf("%9.1f   stream  resynced seq %lld..%lld over REST: %zu orders, %zu bets changed\n", ms(),
                  static_cast<long long>(e.resync->from_seq), static_cast<long long>(e.resync->to_seq),
                  e.resync->orders.size(), e.resync->bets.size());
      return;
    case k::error:
      std::printf("%9.1f   stream  server error: %s\n", ms(), abp::redact_frame(e.frame, 160).c_str());
      return;
    case k::ping:
    case k::pong:
    case k::heartbeat: return;  // keepalive: handled by the session
    default:
      std::printf("%9.1f   stream  %.*s: %s\n", ms(), static_cast<int>(to_string(e.kind).size()), to_string(e.kind).data(),
                  abp::redact_frame(e.frame, 120).c_str());
  }
}

template <class Driver>
void pump(Driver& driver, std::chrono::milliseconds for_how_long) {
  const auto end = clock_type::now() + for_how_long;
  while (clock_type::now() < end) driver.poll(10ms, show);
}

template <class Reply>
void call(std::string_view what, const Reply& r, double t0, const std::string& note) {
  std::printf("%9.1f   REST    %-34.*s HTTP %d in %.1f ms%s%s\n", ms(), static_cast<int>(what.size()), what.data(), r.status(),
              ms() - t0, r ? "  " : "  ERROR ", r ? note.c_str() : r.error().describe().c_str());
}

}  // namespace

int main(int argc, char** argv) {
  std::string base_url, ws_url = "wss://v2.55-tech.com/ws";
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    if (a == "--base-url" && i + 1 < argc) base_url = argv[++i];
    else if (a == "--ws-url" && i + 1 < argc) ws_url = argv[++i];
    else if (a == "--help" || a == "-h") {
      std::fprintf(stderr, "usage: %s [--base-url URL [--ws-url URL]] (the key from ABP_API_KEY)\n", argv[0]);
      return 2;
    } else if (a.starts_with("--") && i + 1 < argc && argv[i + 1][0] != '-') {
      ++i;  // an option of examples/demo.cpp (tools/run.sh demo passes its arguments to every demo)
    }
  }
  std::unique_ptr<betwire::test::simulator_process> sim;
  betwire::secret key(std::getenv("ABP_API_KEY"));
  if (base_url.empty()) {
    sim = std::make_unique<betwire::test::simulator_process>(std::vector<std::string>{"--venues", "abp"});
    if (!sim->ok() || sim->ws_port() <= 0) {
      std::fprintf(stderr, "demo_stream: could not start the simulator with /ws: %s\n", sim->error().c_str());
      return 1;
    }
    base_url = sim->base_url("abp");
    ws_url = sim->ws_url();
    if (key.empty()) key = betwire::secret("abp-test-key-0001");
    std::printf("Simulator: REST %s, stream %s; its test key.\n", base_url.c_str(), ws_url.c_str());
  } else if (key.empty()) {
    std::fprintf(stderr, "demo_stream: set ABP_API_KEY to use %s\n", base_url.c_str());
    return 1;
  }

  // REST: the calls, and the reconciliation source of the stream.
  betwire::curl_transport net({.base_url = base_url});
  abp::client rest{net, {.api_key = key}};
  abp::client_reconcile_source reconcile{rest};

  // The stream: one session (sans-I/O), one socket, one driver polled below.
  betwire::beast_websocket socket;
  abp::stream_session session{{.api_key = key, .channels = {"orders", "bets", "settlements"}}};
  session.set_reconcile_source(&reconcile);
  abp::stream_driver driver{socket, session, {.url = ws_url, .reconnect = {.initial_delay = 100ms}}};

  std::printf("\n%9s   %-7s %s\n", "ms", "source", "what");
  for (int i = 0; i < 300 && session.state() != abp::stream_state::live; ++i) driver.poll(10ms, show);
  if (session.state() != abp::stream_state::live) {
    std::fprintf(stderr, "demo_stream: the stream did not log in: %s\n",
                 driver.last_error() ? driver.last_error()->describe().c_str() : "no answer");
    return 1;
  }

  const std::string user_ref = "betwire-stream-demo-" + abp::new_request_uuid().substr(0, 8);
  // On the simulator the stake's cents pick the fate: .99 filled with a bet, .97 part-filled.
  static constexpr betwire::decimal stakes[] = {"10"_dec, "12.5"_dec, "20.99"_dec, "8.97"_dec};
  abp::place_orders_request batch;
  for (const auto& stake : stakes) {
    abp::place_order o;
    o.fixture_id = "id1000004461512432";
    o.outcome_id = 103;
    o.order_price = "1.95"_dec;
    o.order_stake = stake;
    o.user_ref = user_ref;
    o.test_order = true;
    batch.orders.push_back(std::move(o));
  }
  double t0 = ms();
  auto placed = rest.place_orders(batch);
  call("POST /place-orders (4 orders)", placed, t0,
       placed ? std::to_string(placed->accepted_orders.size()) + " accepted" : std::string());
  if (!placed || placed->accepted_orders.size() < 2) return 1;
  pump(driver, 300ms);

  t0 = ms();
  auto cancelled = rest.cancel_orders({.order_ids = std::vector<std::int64_t>{placed->accepted_orders[0].order_id,
                                                                               placed->accepted_orders[1].order_id}});
  call("POST /cancel-orders (2 orderIds)", cancelled, t0,
       cancelled ? std::to_string(cancelled->cancelled_count) + " cancelled" : std::string());
  pump(driver, 300ms);

  bool ok = placed && cancelled;
  if (sim) {
    // The venue's side of a trade, staged through the simulator: a fill with a bet, then its
    // settlement. Then the connection is dropped while another order is placed: replay brings it.
    const std::int64_t id = placed->accepted_orders.back().order_id;
    t0 = ms();
    auto fill = sim->post("/_sim/abp/set-order", R"({"orderId":)" + std::to_string(id) +
                                                     R"(,"status":"FILLED","filledStake":8.97,"addBet":{"betStatus":"CONFIRMED"}})");
    std::printf("%9.1f   sim     fill order %lld with a bet: HTTP %d\n", ms(), static_cast<long long>(id), fill.status);
    std::int64_t bet_id = 0;
    const auto end = clock_type::now() + 2s;
    while (bet_id == 0 && clock_type::now() < end)
      driver.poll(10ms, [&](const abp::stream_event& e) {
        show(e);
        if (e.kind == abp::stream_event_kind::data && e.data->bet && e.data->bet->order_id == id) bet_id = e.data->bet->bet_id;
      });
    auto settle = sim->post("/_sim/abp/set-bet", R"({"betId":)" + std::to_string(bet_id) +
                                                     R"(,"settlementStatus":"WON","settlementAmount":17.49})");
    std::printf("%9.1f   sim     settle bet %lld as WON: HTTP %d\n", ms(), static_cast<long long>(bet_id), settle.status);
    pump(driver, 300ms);

    sim->post("/_sim/ws/faults", R"({"fault":"drop"})");
    std::printf("%9.1f   sim     drop every /ws connection\n", ms());
    abp::place_orders_request more;
    more.orders.push_back(batch.orders[0]);
    more.orders[0].request_uuid.clear();  // a new order
    t0 = ms();
    auto again = rest.place_orders(more);
    call("POST /place-orders (while dropped)", again, t0, again ? "1 accepted" : "");
    pump(driver, 1000ms);
    ok = ok && fill.status == 200 && settle.status == 200 && again && seen.settlements >= 1 && seen.reconnects >= 1;
  }

  std::printf("\nStream: %d data events (%d orders, %d bets, %d settlements), %d reconnects, %d resyncs; "
              "%llu duplicates dropped, last seq %lld.\n",
              seen.data, seen.orders, seen.bets, seen.settlements, seen.reconnects, seen.resyncs,
              static_cast<unsigned long long>(session.stats().duplicates),
              static_cast<long long>(session.last_seq().value_or(0)));
  driver.stop();
  return ok && seen.orders >= 6 ? 0 : 1;
}
