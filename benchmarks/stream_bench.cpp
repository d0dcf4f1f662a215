// The ABP stream (/ws): what one event costs to decode, and how long a change takes to reach the
// user's callback over loopback.
//
//   stream_bench [Google Benchmark flags]   start the simulator, cross-check, then time
//   stream_bench --check                    cross-check only (a CTest test)
//
// Rows:
//   stream/decode_orders_frame   one `orders` UPDATE data frame (the simulator's full row, 1.0 KB,
//                                with seq and requireAck) through a warm abp::stream_session:
//                                envelope, seq bookkeeping, batched ack, the typed order decode and
//                                the callback. CPU time; allocs_per_op counts operator new per frame
//                                (target: 0). The frame is re-copied from a pristine copy each time
//                                (in-place decoding rewrites escapes), inside the time, and its seq
//                                is rewritten so every frame is new.
//   stream/cancel_to_update      loopback latency from the start of a REST cancel (abp::client over
//                                curl_transport, POST /cancel-orders of one PENDING order) to the
//                                matching `orders` UPDATE (CANCELLED) in the user's callback of an
//                                abp::stream_driver over beast_websocket polled by its own thread.
//                                Wall time, manual timing per cancel (the placement before it is not
//                                timed); counters p50_us and p99_us over the run's cancels.
#define BETWIRE_DEFINE_COUNTING_NEW
#include "../tests/support/counting_allocator.hpp"
#include "../tests/support/simulator_process.hpp"

#include <benchmark/benchmark.h>

#include <betwire/abp/abp.hpp>
#include <betwire/abp/stream.hpp>
#include <betwire/abp/stream_driver.hpp>
#include <betwire/transport/beast_websocket.hpp>
#include <betwire/transport/curl.hpp>

#include "bench_main.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

namespace abp = betwire::abp;
using namespace std::chrono_literals;
using namespace betwire::literals;

constexpr const char* api_key = "abp-test-key-0001";

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "stream_bench: %s\n", what.c_str());
  std::exit(1);
}

// ---- decode -----------------------------------------------------------------------------------------

// The simulator's orders row (tools/simulator/README.md, "What emits data frames"), with a seq slot
// of 12 characters that each frame rewrites (right-aligned digits after spaces: still JSON).
constexpr std::string_view seq_slot = "            ";
std::string orders_frame() {
  return std::string(R"({"type":"data","channel":"orders","event":"UPDATE","seq":)") + std::string(seq_slot) +
         R"(,"requireAck":true,"ts":1771183909789,"payload":{"orderId":4217,"requestUuid":"6f1c8a52-0b7e-4a0c-9d3e-1a2b3c4d5e6f",)"
         R"("client":"demo","clientName":"demo","fixtureId":"id1000004461512432","futureId":null,"outcomeId":103,"playerId":0,)"
         R"("orderPrice":1.95,"orderStake":50,"filledStake":20,"remainingStake":30,"orderStatus":"PARTIALLY_FILLED",)"
         R"("statusReason":null,"userRef":"bettor1234","testOrder":false,"acceptBetterOdds":true,"acceptPartialStake":true,)"
         R"("orderCurrency":"USD","back":true,"allowedBookmakers":"sharpbet,pinnacle","oddsInfo":null,)"
         R"("meta":{"strategy":"mm-3","note":"caf\u00e9 \"quoted\""},"expiresAt":"2026-02-07T16:20:05.000000+00:00",)"
         R"("filledAt":"2026-02-07T16:20:00.004000+00:00","createdAt":"2026-02-07T16:20:00.001000+00:00",)"
         R"("updatedAt":"2026-02-07T16:20:00.004000+00:00"}})";
}

constexpr std::string_view login_ok =
    R"({"type":"login_ok","clientName":"demo","channels":["orders"],"subscriptionId":1,)"
    R"("access":{"clientFiltered":["orders"],"global":[]},"reliableDelivery":true,)"
    R"("features":{"messageOrdering":true,"acknowledgments":true,"batchAck":true}})";

struct decode_fixture {
  abp::stream_session session{{.api_key = betwire::secret(api_key), .channels = {"orders"}, .expected_orders = 16}};
  std::string pristine = orders_frame();
  std::string frame;
  std::size_t slot_at = pristine.find(seq_slot);
  std::int64_t seq = 0;
  std::int64_t seen_id = 0;
  std::uint64_t events = 0;
  abp::stream_time now = abp::stream_clock::now();

  decode_fixture() {
    session.on_connected(now);
    session.clear_outbox();
    std::string lo(login_ok);
    session.receive(lo, now, [](const abp::stream_event&) {});
    frame.reserve(pristine.size());
  }
  // One frame: copy, stamp the next seq, hand it over. The callback reads what a user reads.
  void one() {
    frame.assign(pristine);
    char digits[24];
    const auto r = std::to_chars(digits, digits + sizeof digits, ++seq);
    const auto n = static_cast<std::size_t>(r.ptr - digits);
    std::memcpy(frame.data() + slot_at + seq_slot.size() - n, digits, n);
    session.receive(frame, now, [this](const abp::stream_event& e) {
      if (e.kind == abp::stream_event_kind::data && e.data->order) {
        seen_id = e.data->order->order_id + static_cast<std::int64_t>(e.data->order->filled_stake.text().size());
        ++events;
      }
    });
    session.clear_outbox();  // the batched ack every 20 frames
  }
};

void check_decode() {
  decode_fixture f;
  for (int i = 0; i < 100; ++i) f.one();
  if (f.events != 100 || f.seen_id != 4217 + 2) fail("decode: the orders frame did not decode to its order");
  if (f.session.stats().duplicates != 0 || f.session.stats().gaps != 0) fail("decode: seq bookkeeping saw a hole");
  const auto before = betwire_test::allocation_count();
  for (int i = 0; i < 1000; ++i) f.one();
  const auto allocs = betwire_test::allocation_count() - before;
  if (allocs != 0) fail("decode: a warm orders frame allocated (" + std::to_string(allocs) + " in 1000 frames)");
}

void bm_decode(benchmark::State& state) {
  decode_fixture f;
  for (int i = 0; i < 100; ++i) f.one();  // warm: every reused buffer has its capacity
  const auto before = betwire_test::allocation_count();
  const auto bytes_before = betwire_test::allocated_bytes();
  for (auto _ : state) {
    f.one();
    benchmark::DoNotOptimize(f.seen_id);
  }
  const auto n = static_cast<double>(state.iterations());
  state.counters["allocs_per_op"] = static_cast<double>(betwire_test::allocation_count() - before) / n;
  state.counters["alloc_bytes_per_op"] = static_cast<double>(betwire_test::allocated_bytes() - bytes_before) / n;
  state.counters["frame_bytes"] = static_cast<double>(f.pristine.size());
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(f.pristine.size()));
}

// ---- loopback latency -------------------------------------------------------------------------------

// The driver on its own thread; the callback stamps the time an UPDATE CANCELLED of `want` arrives.
struct latency_fixture {
  std::unique_ptr<betwire::test::simulator_process> sim;
  std::unique_ptr<betwire::curl_transport> net;
  std::unique_ptr<abp::client<betwire::curl_transport>> rest;
  betwire::beast_websocket socket;
  abp::stream_session session{{.api_key = betwire::secret(api_key), .channels = {"orders"}}};
  std::unique_ptr<abp::stream_driver<betwire::beast_websocket>> driver;
  std::atomic<std::int64_t> want{-1};
  std::atomic<std::int64_t> seen_at_ns{0};
  std::atomic<bool> live{false}, stop{false};
  std::thread thread;
  int counter = 0;

  latency_fixture() {
    sim = std::make_unique<betwire::test::simulator_process>(std::vector<std::string>{"--venues", "abp", "--rate-limits", "off"});
    if (!sim->ok()) fail("simulator: " + sim->error());
    if (sim->ws_port() <= 0) fail("this simulator has no /ws");
    net = std::make_unique<betwire::curl_transport>(betwire::curl_options{.base_url = sim->base_url("abp")});
    rest = std::make_unique<abp::client<betwire::curl_transport>>(*net, abp::client_options{.api_key = betwire::secret(api_key)});
    driver = std::make_unique<abp::stream_driver<betwire::beast_websocket>>(socket, session,
                                                                            abp::stream_driver_options{.url = sim->ws_url()});
    thread = std::thread([this] {
      while (!stop.load(std::memory_order_relaxed)) {
        driver->poll(5ms, [this](const abp::stream_event& e) {
          if (e.kind == abp::stream_event_kind::login_ok) live = true;
          if (e.kind != abp::stream_event_kind::data || !e.data->order) return;
          if (e.data->order->order_id == want.load(std::memory_order_acquire) &&
              e.data->order->order_status == abp::order_status::cancelled)
            seen_at_ns.store(std::chrono::steady_clock::now().time_since_epoch().count(), std::memory_order_release);
        });
      }
      driver->stop();
    });
    const auto until = std::chrono::steady_clock::now() + 10s;
    while (!live && std::chrono::steady_clock::now() < until) std::this_thread::sleep_for(1ms);
    if (!live) fail("the stream never logged in");
  }
  ~latency_fixture() {
    stop = true;
    if (thread.joinable()) thread.join();
  }

  std::int64_t place_one() {
    abp::place_order o;
    o.fixture_id = "id1000004461512432";
    o.outcome_id = 103;
    o.order_price = "1.95"_dec;
    o.order_stake = "10.00"_dec;  // PENDING: cancellable
    o.user_ref = "latency-" + std::to_string(counter++ % 4);
    abp::place_orders_request req{.orders = {std::move(o)}};
    auto r = rest->place_orders(req);
    if (!r || r->accepted_orders.size() != 1) fail("placement failed");
    return r->accepted_orders[0].order_id;
  }
  // One cancel; the nanoseconds until the callback saw its UPDATE.
  std::int64_t cancel_and_wait(std::int64_t id) {
    seen_at_ns.store(0);
    want.store(id, std::memory_order_release);
    const auto t0 = std::chrono::steady_clock::now();
    auto c = rest->cancel_orders({.order_ids = std::vector<std::int64_t>{id}});
    if (!c || c->cancelled.size() != 1) fail("cancel failed");
    std::int64_t at = 0;
    const auto limit = t0 + 5s;
    while ((at = seen_at_ns.load(std::memory_order_acquire)) == 0) {
      if (std::chrono::steady_clock::now() > limit) fail("no orders UPDATE within 5 s of a cancel");
      std::this_thread::yield();
    }
    return at - t0.time_since_epoch().count();
  }
};

latency_fixture* latency = nullptr;

void check_latency() {
  for (int i = 0; i < 5; ++i) {
    const auto ns = latency->cancel_and_wait(latency->place_one());
    if (ns <= 0) fail("latency: the UPDATE came before the cancel started");
  }
}

void bm_cancel_to_update(benchmark::State& state) {
  std::vector<double> us;
  us.reserve(4096);
  for (auto _ : state) {
    state.PauseTiming();
    const auto id = latency->place_one();
    state.ResumeTiming();
    const auto ns = latency->cancel_and_wait(id);
    state.SetIterationTime(static_cast<double>(ns) / 1e9);
    us.push_back(static_cast<double>(ns) / 1e3);
  }
  std::sort(us.begin(), us.end());
  auto pct = [&](double p) { return us.empty() ? 0.0 : us[std::min(us.size() - 1, static_cast<std::size_t>(p * static_cast<double>(us.size())))]; };
  state.counters["p50_us"] = pct(0.50);
  state.counters["p99_us"] = pct(0.99);
  state.counters["samples"] = static_cast<double>(us.size());
}

}  // namespace

int main(int argc, char** argv) {
  check_decode();
  latency_fixture lf;
  latency = &lf;
  check_latency();  // always, before anything is timed
  if (betwire_bench::has_flag(argc, argv, "--check")) return 0;
  benchmark::RegisterBenchmark("stream/decode_orders_frame", bm_decode);
  benchmark::RegisterBenchmark("stream/cancel_to_update", bm_cancel_to_update)->UseManualTime()->Unit(benchmark::kMicrosecond);
  return betwire_bench::run_registered(argc, argv);
}
