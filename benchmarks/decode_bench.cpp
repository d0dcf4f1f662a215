// Decoding ABP `GET /orders` pages: betwire (view and owning models) against simdjson On-Demand,
// RapidJSON (DOM and in-situ) and nlohmann::json, all decoding into the same structs, plus the
// floors (memcpy of the page, simdjson's parse without materialising anything).
//
//   decode_bench [Google Benchmark flags]   cross-check, then time every case
//   decode_bench --check                    cross-check only, every page
//   decode_bench --check --quick            cross-check of the 50- and 1000-order pages only (the
//                                           CTest test: the 10000-order pages take minutes in a
//                                           Debug build; a timed run always checks them all first)
//
// Names: decode/<orders>/<in_order|shuffled>/<decoder>. Times are process CPU time (the machines
// this runs on are shared; wall time would count other programs' turns). Counters:
// bytes_per_second, ns_per_order (reported in seconds per order by Google Benchmark: the kInvert
// rate), allocs_per_op and alloc_bytes_per_op (a counting global operator new, over one
// steady-state decode made after a warm-up one, outside the timed loop).
// In-place decoders (betwire, RapidJSON in-situ) re-copy the page from a pristine copy before each
// decode, and that copy is inside their time: the `memcpy` row says what it costs.
#define BETWIRE_DEFINE_COUNTING_NEW
#include "../tests/support/counting_allocator.hpp"

#include <benchmark/benchmark.h>

#include "bench_main.hpp"
#include "checksum.hpp"
#include "page_generator.hpp"
#include "peers.hpp"

#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace betwire_bench;
namespace abp = betwire::abp;

struct page_case {
  std::size_t orders = 0;
  bool shuffled = false;
  std::string text;     // pristine
  std::string scratch;  // what in-place decoders decode (re-copied before each decode)
#if BETWIRE_BENCH_HAVE_SIMDJSON
  simdjson::padded_string padded;
#endif
  [[nodiscard]] std::string name() const { return std::to_string(orders) + (shuffled ? "/shuffled" : "/in_order"); }
  void restore() { std::memcpy(scratch.data(), text.data(), text.size()); }
};

std::vector<std::unique_ptr<page_case>> make_pages(bool quick) {
  std::vector<std::unique_ptr<page_case>> pages;
  for (std::size_t n : {50u, 1000u, 10000u}) {
    if (quick && n > 1000u) continue;
    for (bool shuffled : {false, true}) {
      auto pc = std::make_unique<page_case>();
      pc->orders = n;
      pc->shuffled = shuffled;
      pc->text = make_orders_page(n, shuffled);
      pc->scratch = pc->text;
#if BETWIRE_BENCH_HAVE_SIMDJSON
      pc->padded = simdjson::padded_string(pc->text);
#endif
      pages.push_back(std::move(pc));
    }
  }
  return pages;
}

// ---- cross-check ---------------------------------------------------------------------------------

struct verdict {
  int failures = 0;
  void expect(bool ok, const std::string& what) {
    if (!ok) {
      std::fprintf(stderr, "MISMATCH: %s\n", what.c_str());
      ++failures;
    }
  }
};

// Decodes twice (cold, then warm) and checks both give the same checksum; returns it.
template <class Decode, class Page>
std::uint64_t twice(verdict& v, const std::string& who, Decode&& decode, const Page& page, bool decimal_text) {
  decode();
  const auto first = page_checksum(page, decimal_text);
  decode();
  const auto second = page_checksum(page, decimal_text);
  v.expect(first == second, who + ": a warm second decode differs from the first");
  return second;
}

bool contains(std::string_view hay, std::string_view needle) { return hay.find(needle) != std::string_view::npos; }

int run_checks(std::vector<std::unique_ptr<page_case>>& pages) {
  verdict v;
  std::uint64_t in_order_sum = 0;
  for (auto& pp : pages) {
    page_case& pc = *pp;
    const std::string tag = pc.name();
    std::printf("check %-15s %9zu bytes: ", tag.c_str(), pc.text.size());

    // The page has what it claims to have.
    for (const char* needle : {"\\\"", "\\\\", "\\n", "\\u00e9", "\\ud83d\\ude00", "1e1", "\xC3\xBC", "\"meta\":{",
                               "\"meta\":null", "\"bets\":[]", "\"startTime\":17"})
      v.expect(contains(pc.text, needle), tag + ": page lacks " + needle);

    betwire_decoder<abp::orders_page_view> view;
    const auto ref = twice(v, tag + " betwire view", [&] { pc.restore(); view.decode(pc.scratch); }, view.page, true);
    const auto ref_value = page_checksum(view.page, false);
    v.expect(view.page.orders.size() == pc.orders, tag + ": wrong number of orders");
    v.expect(static_cast<std::size_t>(view.page.count) == pc.orders, tag + ": wrong count");
    bool saw_e_acute = false;
    bool saw_emoji = false;
    for (const auto& o : view.page.orders) {
      saw_e_acute |= contains(o.user_ref, "trader-\xC3\xA9t\xC3\xA9");
      saw_emoji |= contains(o.user_ref, "moon \xF0\x9F\x98\x80");
    }
    v.expect(saw_e_acute && saw_emoji, tag + ": \\u escapes not decoded as expected");
    {
      pc.restore();
      const auto before = betwire_test::allocation_count();
      view.decode(pc.scratch);
      std::printf("betwire view warm allocations %zu; ", betwire_test::allocation_count() - before);
    }
    if (!pc.shuffled) {
      v.expect(ref != in_order_sum, tag + ": checksum does not tell pages of different sizes apart");
      in_order_sum = ref;
    }
    else v.expect(ref == in_order_sum, tag + ": shuffled page decodes to other values than the in-order page");

    betwire_decoder<abp::orders_page> owning;
    v.expect(twice(v, tag + " betwire owning", [&] { pc.restore(); owning.decode(pc.scratch); }, owning.page, true) == ref,
             tag + ": betwire owning != betwire view");
    int peers = 0;
#if BETWIRE_BENCH_HAVE_SIMDJSON
    {
      simdjson_decoder<abp::orders_page_view, true> by_key;
      v.expect(twice(v, tag + " simdjson", [&] { by_key.decode(pc.padded); }, by_key.page, true) == ref,
               tag + ": simdjson On-Demand (by key) != betwire");
      simdjson_decoder<abp::orders_page_view, false> loop;
      v.expect(twice(v, tag + " simdjson loop", [&] { loop.decode(pc.padded); }, loop.page, true) == ref,
               tag + ": simdjson On-Demand (field loop) != betwire");
      simdjson_floor_ondemand floor;
      v.expect(floor.decode(pc.padded) == pc.orders, tag + ": simdjson floor counted the wrong number of orders");
      peers += 2;
    }
#endif
#if BETWIRE_BENCH_HAVE_RAPIDJSON
    {
      auto dom = std::make_unique<rapidjson_decoder<abp::orders_page_view, false>>(pc.text.size());
      v.expect(twice(v, tag + " rapidjson dom", [&] { pc.restore(); dom->decode(pc.scratch); }, dom->page, true) == ref,
               tag + ": RapidJSON DOM != betwire");
      dom.reset();
      auto insitu = std::make_unique<rapidjson_decoder<abp::orders_page_view, true>>(pc.text.size());
      v.expect(twice(v, tag + " rapidjson insitu", [&] { pc.restore(); insitu->decode(pc.scratch); }, insitu->page, true) == ref,
               tag + ": RapidJSON in-situ != betwire");
      peers += 2;
    }
#endif
#if BETWIRE_BENCH_HAVE_NLOHMANN
    {
      nlohmann_decoder<abp::orders_page_view> nl(pc.text.size());
      v.expect(twice(v, tag + " nlohmann", [&] { nl.decode(pc.text); }, nl.page, false) == ref_value,
               tag + ": nlohmann::json != betwire (values; nlohmann cannot keep decimal text)");
      ++peers;
    }
#endif
    std::printf("%d peer decoders agree with betwire%s\n", peers, v.failures ? " -- NOT ALL" : "");
  }
  if (v.failures != 0) {
    std::fprintf(stderr, "\n*** decode_bench: %d cross-check failure(s): the decoders disagree; nothing is timed.\n",
                 v.failures);
    std::fflush(stderr);
    std::abort();
  }
  std::printf("cross-check passed: every decoder produced identical results on every page\n");
  return 0;
}

// ---- timing --------------------------------------------------------------------------------------

template <class Once>
void timed(benchmark::State& state, const page_case& pc, Once&& once) {
  once();  // warm-up: destinations, parsers and pools reach their steady-state capacity
  // Allocations of one steady-state decode, counted outside the timed loop.
  const std::size_t allocs0 = betwire_test::allocation_count();
  const std::size_t bytes0 = betwire_test::allocated_bytes();
  once();
  const std::size_t allocs = betwire_test::allocation_count() - allocs0;
  const std::size_t bytes = betwire_test::allocated_bytes() - bytes0;
  for (auto _ : state) once();
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(pc.text.size()));
  state.counters["orders"] = static_cast<double>(pc.orders);
  state.counters["page_bytes"] = static_cast<double>(pc.text.size());
  state.counters["ns_per_order"] = benchmark::Counter(static_cast<double>(pc.orders),
                                                      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  state.counters["allocs_per_op"] = static_cast<double>(allocs);
  state.counters["alloc_bytes_per_op"] = static_cast<double>(bytes);
}

void register_all(std::vector<std::unique_ptr<page_case>>& pages) {
  for (auto& pp : pages) {
    page_case* pc = pp.get();
    auto add = [&](const char* decoder, std::function<void(benchmark::State&)> fn) {
      benchmark::RegisterBenchmark(("decode/" + pc->name() + "/" + decoder).c_str(), std::move(fn))
          ->Unit(benchmark::kMicrosecond);  // CPU time: the machines this runs on are shared
    };
    add("memcpy", [pc](benchmark::State& s) {
      timed(s, *pc, [&] {
        pc->restore();
        benchmark::ClobberMemory();
      });
    });
    add("betwire_view", [pc](benchmark::State& s) {
      betwire_decoder<abp::orders_page_view> d;
      timed(s, *pc, [&] {
        pc->restore();
        d.decode(pc->scratch);
        benchmark::DoNotOptimize(d.page.orders.data());
      });
    });
    add("betwire_owning", [pc](benchmark::State& s) {
      betwire_decoder<abp::orders_page> d;
      timed(s, *pc, [&] {
        pc->restore();
        d.decode(pc->scratch);
        benchmark::DoNotOptimize(d.page.orders.data());
      });
    });
#if BETWIRE_BENCH_HAVE_SIMDJSON
    add("simdjson_floor_dom_parse", [pc](benchmark::State& s) {
      simdjson_floor_dom d;
      timed(s, *pc, [&] { benchmark::DoNotOptimize(d.decode(pc->padded)); });
    });
    add("simdjson_floor_ondemand_count", [pc](benchmark::State& s) {
      simdjson_floor_ondemand d;
      timed(s, *pc, [&] { benchmark::DoNotOptimize(d.decode(pc->padded)); });
    });
    add("simdjson_ondemand", [pc](benchmark::State& s) {
      simdjson_decoder<abp::orders_page_view, true> d;
      timed(s, *pc, [&] {
        d.decode(pc->padded);
        benchmark::DoNotOptimize(d.page.orders.data());
      });
    });
    add("simdjson_ondemand_loop", [pc](benchmark::State& s) {
      simdjson_decoder<abp::orders_page_view, false> d;
      timed(s, *pc, [&] {
        d.decode(pc->padded);
        benchmark::DoNotOptimize(d.page.orders.data());
      });
    });
#endif
#if BETWIRE_BENCH_HAVE_RAPIDJSON
    add("rapidjson_dom", [pc](benchmark::State& s) {
      auto d = std::make_unique<rapidjson_decoder<abp::orders_page_view, false>>(pc->text.size());
      timed(s, *pc, [&] {
        d->decode(pc->text);
        benchmark::DoNotOptimize(d->page.orders.data());
      });
    });
    add("rapidjson_insitu", [pc](benchmark::State& s) {
      auto d = std::make_unique<rapidjson_decoder<abp::orders_page_view, true>>(pc->text.size());
      timed(s, *pc, [&] {
        pc->restore();
        d->decode(pc->scratch);
        benchmark::DoNotOptimize(d->page.orders.data());
      });
    });
#endif
#if BETWIRE_BENCH_HAVE_NLOHMANN
    add("nlohmann", [pc](benchmark::State& s) {
      nlohmann_decoder<abp::orders_page_view> d(pc->text.size());
      timed(s, *pc, [&] {
        d.decode(pc->text);
        benchmark::DoNotOptimize(d.page.orders.data());
      });
    });
#endif
  }
}

}  // namespace

int main(int argc, char** argv) {
  const bool check_only = betwire_bench::has_flag(argc, argv, "--check");
  auto pages = make_pages(check_only && betwire_bench::has_flag(argc, argv, "--quick"));
  run_checks(pages);  // always, before anything is timed; aborts when the decoders disagree
  if (check_only) return 0;
  register_all(pages);
  return betwire_bench::run_registered(argc, argv);
}
