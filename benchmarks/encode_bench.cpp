// Encoding ABP request bodies with betwire::json::encode into a warm output buffer:
//   encode/cancel_orders     abp::cancel_orders_request with three request UUIDs
//   encode/place_orders_100  a 100-order POST /place-orders body (abp::encode_place_orders, which
//                            the place-orders endpoint uses: bookmakers comma-joined, absent
//                            optionals left out)
// Counters: ns per encode (the time), allocs_per_op and alloc_bytes_per_op (a counting global
// operator new, over one steady-state encode outside the timed loop), bytes_per_second.
//
//   encode_bench --check   encodes each body once and checks the text (a CTest test)
#define BETWIRE_DEFINE_COUNTING_NEW
#include "../tests/support/counting_allocator.hpp"

#include <benchmark/benchmark.h>

#include <betwire/abp/endpoints.hpp>
#include <betwire/abp/schema.hpp>
#include <betwire/core/decimal.hpp>
#include <betwire/core/timestamp.hpp>
#include <betwire/json/json.hpp>

#include "bench_main.hpp"

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace {

namespace abp = betwire::abp;

abp::cancel_orders_request make_cancel() {
  abp::cancel_orders_request r;
  r.request_uuids = std::vector<std::string>{"9eb7d99a-ab9b-41f3-9a06-23e70006bbe5",
                                             "be81ba8f-55f4-48ed-a6f9-69b8d920263b",
                                             "63aeba8d-a2d6-49ba-a6cd-7ce70bb17701"};
  return r;
}

abp::place_orders_request make_place(std::size_t n) {
  abp::place_orders_request r;
  static constexpr const char* prices[] = {"1.95", "2.375", "13.50", "1.01"};
  static constexpr const char* stakes[] = {"50", "1e1", "2.5e2", "125.50"};
  for (std::size_t i = 0; i < n; ++i) {
    abp::place_order o;
    char uuid[64];
    std::snprintf(uuid, sizeof uuid, "9eb7d99a-ab9b-41f3-9a06-%012zu", i);
    o.request_uuid = uuid;
    o.fixture_id = "id1000004461512" + std::to_string(400 + i % 50);
    o.outcome_id = static_cast<std::int64_t>(101 + i % 3);
    o.player_id = 0;
    if (betwire::decimal::from_chars(prices[i % 4], o.order_price) != betwire::errc::none ||
        betwire::decimal::from_chars(stakes[i % 4], o.order_stake) != betwire::errc::none)
      std::abort();
    o.user_ref = i % 5 == 0 ? "desk \"A\"" : "bettor1234";
    o.test_order = false;
    if (i % 2 == 0) o.bookmakers = {"sharpbet", "pinnacle"};
    o.order_currency = "USD";
    o.back = i % 7 != 0;
    betwire::timestamp t;
    if (betwire::timestamp::from_chars("2026-02-07T16:15:53.270816+00:00", t) != betwire::errc::none) std::abort();
    o.expires_at = t;
    o.accept_better_odds = true;
    o.accept_partial_stake = i % 3 != 0;
    if (i % 4 == 0) o.meta = betwire::json::raw_string{R"({"strategy":"arb","tags":["live"]})"};
    r.orders.push_back(std::move(o));
  }
  return r;
}

template <class T>
void encode_or_die(const T& value, std::string& out) {
  betwire::result<void> r;
  if constexpr (std::is_same_v<T, abp::place_orders_request>) r = abp::encode_place_orders(value, out);
  else r = betwire::json::encode(value, out);
  if (!r) {
    std::fprintf(stderr, "*** encode failed: %s\n", r.error().describe().c_str());
    std::abort();
  }
}

template <class T>
void run(benchmark::State& state, const T& value) {
  std::string out;
  encode_or_die(value, out);  // warm-up: the buffer reaches its capacity
  const std::size_t a0 = betwire_test::allocation_count();
  const std::size_t b0 = betwire_test::allocated_bytes();
  encode_or_die(value, out);
  const std::size_t allocs = betwire_test::allocation_count() - a0;
  const std::size_t bytes = betwire_test::allocated_bytes() - b0;
  for (auto _ : state) {
    encode_or_die(value, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(out.size()));
  state.counters["output_bytes"] = static_cast<double>(out.size());
  state.counters["allocs_per_op"] = static_cast<double>(allocs);
  state.counters["alloc_bytes_per_op"] = static_cast<double>(bytes);
}

int check() {
  std::string out;
  encode_or_die(make_cancel(), out);
  const std::string_view want =
      R"({"requestUuids":["9eb7d99a-ab9b-41f3-9a06-23e70006bbe5","be81ba8f-55f4-48ed-a6f9-69b8d920263b",)"
      R"("63aeba8d-a2d6-49ba-a6cd-7ce70bb17701"]})";
  if (out != want) {
    std::fprintf(stderr, "*** cancel body:\n  got  %s\n  want %.*s\n", out.c_str(), static_cast<int>(want.size()), want.data());
    return 1;
  }
  const auto place = make_place(100);
  encode_or_die(place, out);
  if (out.size() < 100 * 200 || out.find(R"("orderStake":1e1)") == std::string::npos ||
      out.find(R"("userRef":"desk \"A\"")") == std::string::npos ||
      out.find(R"("expiresAt":"2026-02-07T16:15:53.270816+00:00")") == std::string::npos ||
      out.find(R"("meta":{"strategy":"arb","tags":["live"]})") == std::string::npos ||
      out.find(R"("bookmakers":"sharpbet,pinnacle")") == std::string::npos) {
    std::fprintf(stderr, "*** place body is not what was expected:\n%s\n", out.c_str());
    return 1;
  }
  std::printf("encode check passed: cancel %zu bytes, place (100 orders) %zu bytes\n", want.size(), out.size());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (betwire_bench::has_flag(argc, argv, "--check")) return check();
  if (check() != 0) return 1;
  static const auto cancel = make_cancel();
  static const auto place = make_place(100);
  benchmark::RegisterBenchmark("encode/cancel_orders", [](benchmark::State& s) { run(s, cancel); });
  benchmark::RegisterBenchmark("encode/place_orders_100", [](benchmark::State& s) { run(s, place); })
      ->Unit(benchmark::kMicrosecond);
  return betwire_bench::run_registered(argc, argv);
}
