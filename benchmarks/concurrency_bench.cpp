// Composite operations, blocking versus concurrent, against the simulator on loopback with an
// added round trip (its --latency-ms, set per row through /_sim/latency) and the venues' limits
// enforced (Opinion 15/s per key, PredictStreet cancel-batch 5/s per wallet; ABP's 60/min is left
// off so the read rows measure latency, not a minute's wait).
//
//   concurrency_bench                       every row (several minutes: rows run at the venue's limit)
//   concurrency_bench --check               a small run of every scenario, results checked (CTest)
//
// Rows (wall time of one whole operation, manual timing; `Repetitions(1)`: each row is one run at
// a venue's limit, minutes long, and is reported as measured):
//   concurrency/opinion_cancels/rtt:R/concurrent   1000 cancels, http::pipeline over
//       curl_multi_transport (16 in flight at most), one shared opinion::limits::per_key() limiter
//   concurrency/opinion_cancels/rtt:R/blocking     opinion::client::cancel_orders, 100 cancels
//       (a blocking cancel costs a round trip each: 1000 at 300 ms would take 5 minutes a row);
//       counter projected_1000_s = 1000 / the measured rate
//   concurrency/ps_cancel_batch/rtt:R/{blocking,concurrent}   1000 ids = 10 cancel-batch requests
//   concurrency/abp_pages/rtt:R/{blocking,concurrent}   1000 orders in 10 pages: blocking follows one
//       keyset listing (limit 100); concurrent reads the same orders by id, 10 listings in flight
//   concurrency/priority_cancel/{idle,during_read}   RTT 50 ms: one urgent Opinion cancel on an idle
//       pipeline, and while a 1000-order read (100 requests of 10 ids) fills the window
//   concurrency/cpu/{pipeline,raw_curl_multi}   RTT 0, 1000 small GETs, 8 in flight: process CPU
//       per request (cpu_per_request_us), and operator-new calls per request once warm
// Counters: seconds, per_second, throttled (429 answers seen), failed (ids not done).

#define BETWIRE_DEFINE_COUNTING_NEW
#include "../tests/support/counting_allocator.hpp"
#include "../tests/support/simulator_process.hpp"
#include "bench_main.hpp"

#include <betwire/abp/client.hpp>
#include <betwire/abp/operations.hpp>
#include <betwire/http/concurrent.hpp>
#include <betwire/http/operations.hpp>
#include <betwire/opinion/client.hpp>
#include <betwire/opinion/operations.hpp>
#include <betwire/predictstreet/client.hpp>
#include <betwire/predictstreet/operations.hpp>
#include <betwire/transport/curl.hpp>
#include <betwire/transport/curl_multi.hpp>

#include <benchmark/benchmark.h>
#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

namespace http = betwire::http;
namespace opinion = betwire::opinion;
namespace ps = betwire::predictstreet;
namespace abp = betwire::abp;
using namespace std::chrono_literals;

namespace {

constexpr const char* alice_key = "opn-test-key-alice-0001";
constexpr const char* ps_key = "ps_test_0000000000000a01_simSingleSecret_0123456789abcdefghijklmnopq";
constexpr const char* ps_wallet = "0xa11ce00000000000000000000000000000000001";
constexpr const char* abp_key = "abp-test-key-0001";

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "concurrency_bench: %s\n", what.c_str());
  std::exit(1);
}

std::unique_ptr<betwire::test::simulator_process> sim;

void sim_post(std::string_view target, const std::string& body) {
  auto r = sim->post(target, body);
  if (r.status != 200) fail(std::string(target) + ": " + std::to_string(r.status) + " " + r.body);
}

// A fresh store, the limits on, the round trip set.
void prepare(int rtt_ms) {
  sim_post("/_sim/reset", "{}");
  sim_post("/_sim/rate-limits", R"({"venue":"opinion","enabled":true})");
  sim_post("/_sim/rate-limits", R"({"venue":"predictstreet","enabled":true})");
  sim_post("/_sim/latency", R"({"ms":)" + std::to_string(rtt_ms) + R"(,"jitterMs":0})");
}

std::vector<std::string> seed_opinion(int n) {
  auto r = sim->post("/_sim/seed-orders",
                     nlohmann::json{{"venue", "opinion"}, {"user", "alice"}, {"count", n}, {"status", 1}}.dump());
  if (r.status != 200) fail("seed opinion: " + r.body);
  return nlohmann::json::parse(r.body)["orderIds"].get<std::vector<std::string>>();
}
std::vector<std::string> seed_ps(int n) {
  auto r = sim->post("/_sim/seed-orders", nlohmann::json{{"venue", "predictstreet"},
                                                         {"wallet", ps_wallet},
                                                         {"count", n},
                                                         {"status", "OPEN"}}
                                              .dump());
  if (r.status != 200) fail("seed predictstreet: " + r.body);
  return nlohmann::json::parse(r.body)["orderIds"].get<std::vector<std::string>>();
}
std::vector<std::int64_t> seed_abp(int n) {
  auto r = sim->post("/_sim/seed-orders",
                     nlohmann::json{{"venue", "abp"}, {"userRef", "bench-ref"}, {"count", n}}.dump());
  if (r.status != 200) fail("seed abp: " + r.body);
  return nlohmann::json::parse(r.body)["orderIds"].get<std::vector<std::int64_t>>();
}

betwire::curl_multi_transport multi(std::string_view venue, std::size_t n) {
  return betwire::curl_multi_transport({.easy = {.base_url = sim->base_url(venue)}, .max_in_flight = n,
                                        .max_host_connections = n});
}

http::retry_policy retries() {
  http::retry_policy p;
  p.enabled = true;
  p.max_attempts = 5;
  return p;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

struct outcome {
  double seconds = 0;
  std::size_t done = 0;
  std::size_t failed = 0;
  std::uint64_t throttled = 0;
};

void report(benchmark::State& st, const outcome& o, std::size_t n) {
  st.SetIterationTime(o.seconds);
  st.counters["seconds"] = o.seconds;
  st.counters["per_second"] = o.seconds > 0 ? static_cast<double>(n) / o.seconds : 0;
  st.counters["throttled"] = static_cast<double>(o.throttled);
  st.counters["failed"] = static_cast<double>(o.failed);
}

// ---- Opinion --------------------------------------------------------------------------------------

outcome opinion_concurrent(int rtt, std::size_t n) {
  prepare(rtt);
  const auto ids = seed_opinion(static_cast<int>(n));
  betwire::curl_transport blocking{{.base_url = sim->base_url("opinion")}};
  opinion::client opn{blocking, {.api_key = betwire::secret(alice_key)}};
  auto net = multi("opinion", 16);
  http::rate_limiter key_limit{opinion::limits::per_key()};
  opinion::cancel_orders_op op{ids};
  http::pipeline p{net, {.max_in_flight = 16}};
  const auto t0 = std::chrono::steady_clock::now();
  if (!p.add(op, {.headers = opn.core().headers_source(), .limiter = &key_limit, .retry = retries()})) fail("add");
  p.run();
  outcome o;
  o.seconds = seconds_since(t0);
  o.done = op.ledger().tally().cancelled;
  o.failed = n - o.done;
  o.throttled = key_limit.stats().throttled;
  return o;
}

outcome opinion_blocking(int rtt, std::size_t n) {
  prepare(rtt);
  const auto ids = seed_opinion(static_cast<int>(n));
  betwire::curl_transport net{{.base_url = sim->base_url("opinion")}};
  opinion::client opn{net, {.api_key = betwire::secret(alice_key)}};
  const auto t0 = std::chrono::steady_clock::now();
  const auto res = opn.cancel_orders(ids);
  outcome o;
  o.seconds = seconds_since(t0);
  for (const auto& r : res) {
    if (r.success) ++o.done;
    else if (r.error && r.error->code == betwire::errc::rate_limited) ++o.throttled;
  }
  o.failed = n - o.done;
  return o;
}

// ---- PredictStreet --------------------------------------------------------------------------------

outcome ps_concurrent(int rtt, std::size_t n) {
  prepare(rtt);
  const auto ids = seed_ps(static_cast<int>(n));
  betwire::curl_transport blocking{{.base_url = sim->base_url("predictstreet")}};
  ps::client psc{blocking, {.api_key = betwire::secret(ps_key)}};
  auto net = multi("predictstreet", 16);
  http::rate_limiter batch_limit{ps::limits::cancel_batch()};
  ps::cancel_batch_op op{ids};
  http::pipeline p{net, {.max_in_flight = 16}};
  const auto t0 = std::chrono::steady_clock::now();
  if (!p.add(op, {.headers = psc.core().headers_source(), .limiter = &batch_limit, .retry = retries()})) fail("add");
  p.run();
  outcome o;
  o.seconds = seconds_since(t0);
  o.done = op.ledger().tally().cancelled;
  o.failed = n - o.done;
  o.throttled = batch_limit.stats().throttled;
  return o;
}

outcome ps_blocking(int rtt, std::size_t n) {
  prepare(rtt);
  const auto ids = seed_ps(static_cast<int>(n));
  betwire::curl_transport net{{.base_url = sim->base_url("predictstreet")}};
  ps::client psc{net, {.api_key = betwire::secret(ps_key), .retry = retries()}};
  const auto t0 = std::chrono::steady_clock::now();
  const auto res = psc.cancel_batch_all(ids);
  outcome o;
  o.seconds = seconds_since(t0);
  o.done = res.merged.cancelled.size();
  o.failed = n - o.done;
  if (res.failure && res.failure->error.code == betwire::errc::rate_limited) ++o.throttled;
  return o;
}

// ---- ABP reads ------------------------------------------------------------------------------------

outcome abp_concurrent(int rtt, std::size_t pages) {
  prepare(rtt);
  const auto ids = seed_abp(static_cast<int>(pages * 100));
  betwire::curl_transport blocking{{.base_url = sim->base_url("abp")}};
  abp::client abc{blocking, {.api_key = betwire::secret(abp_key)}};
  auto net = multi("abp", 16);
  std::size_t got = 0;
  auto op = abp::orders_by_ids(ids, 100, [&](std::size_t, abp::orders_page_view& pg) { got += pg.orders.size(); });
  http::pipeline p{net, {.max_in_flight = 16}};
  const auto t0 = std::chrono::steady_clock::now();
  if (!p.add(op, {.headers = abc.core().headers_source(), .retry = retries()})) fail("add");
  p.run();
  outcome o;
  o.seconds = seconds_since(t0);
  o.done = got;
  o.failed = ids.size() - got;
  return o;
}

outcome abp_blocking(int rtt, std::size_t pages) {
  prepare(rtt);
  const auto ids = seed_abp(static_cast<int>(pages * 100));
  betwire::curl_transport net{{.base_url = sim->base_url("abp")}};
  abp::client abc{net, {.api_key = betwire::secret(abp_key)}};
  std::size_t got = 0;
  const auto t0 = std::chrono::steady_clock::now();
  // The keyset listing by hand, as orders_pages() does it (g++ 12 at -O3 reports a false
  // -Wmaybe-uninitialized inside page_range's reply assignment).
  abp::orders_filter f{.user_ref = "bench-ref", .limit = 100};
  abp::orders_page_view page;
  for (;;) {
    if (auto r = abc.get_orders(f, page); !r) break;
    got += page.orders.size();
    if (!page.has_more || !page.next_cursor) break;
    f.after_order_id = page.next_cursor;
  }
  outcome o;
  o.seconds = seconds_since(t0);
  o.done = got;
  o.failed = ids.size() - got;
  return o;
}

// ---- priority lane --------------------------------------------------------------------------------

// Prefixes each target (one transport on the simulator's root serves both venues).
template <class M>
struct prefixed {
  M& m;
  std::string_view prefix;
  std::chrono::steady_clock::time_point done_at{};
  http::next_step next(http::outgoing& out) {
    const http::next_step s = m.next(out);
    if (s == http::next_step::send) {
      out.buffers.target.insert(0, prefix);
      out.request.target = out.buffers.target;
    }
    return s;
  }
  void complete(http::answer& a) {
    m.complete(a);
    done_at = std::chrono::steady_clock::now();
  }
};

// One urgent cancel's latency, alone or during a 1000-order read that fills the window.
double priority_cancel(bool during_read, const std::vector<std::int64_t>& abp_ids, const std::string& cancel_id) {
  betwire::curl_transport ab{{.base_url = sim->base_url("abp")}};
  abp::client abc{ab, {.api_key = betwire::secret(abp_key)}};
  betwire::curl_transport ob{{.base_url = sim->base_url("opinion")}};
  opinion::client opn{ob, {.api_key = betwire::secret(alice_key)}};
  betwire::curl_multi_transport net({.easy = {.base_url = sim->root_url()}, .max_in_flight = 8, .max_host_connections = 8});
  http::pipeline p{net, {.max_in_flight = 8, .urgent_reserve = 1}};
  auto reads = abp::orders_by_ids(abp_ids, 10, {});
  prefixed<abp::orders_pages_op> preads{reads, "/abp"};
  if (during_read) {
    if (!p.add(preads, {.headers = abc.core().headers_source()})) fail("add");
    for (int i = 0; i < 3; ++i) p.step(0ms);  // the window is full of reads
  }
  const std::vector<std::string> one{cancel_id};
  opinion::cancel_orders_op cancel{one};
  prefixed<opinion::cancel_orders_op> pc{cancel, "/opinion/openapi"};
  const auto t0 = std::chrono::steady_clock::now();
  if (!p.add(pc, {.headers = opn.core().headers_source(), .priority = http::priority::urgent})) fail("add");
  while (!cancel.done()) p.step(100ms);
  const double s = std::chrono::duration<double>(pc.done_at - t0).count();
  if (cancel.ledger().tally().cancelled != 1) fail("priority cancel not cancelled");
  p.run();
  if (during_read && !reads.ok()) fail("priority read failed");
  return s;
}

// ---- CPU per request: the pipeline and raw libcurl multi, same requests, same window -------------

// Sends `n` GET /orders?orderIds=<id> (the same small answer each time), reading only the status.
struct repeat_get {
  std::size_t n = 0;
  std::size_t sent = 0;
  std::size_t ok = 0;
  std::size_t outstanding = 0;
  abp::orders_filter filter{};
  http::next_step next(http::outgoing& out) {
    if (sent == n) return outstanding ? http::next_step::wait : http::next_step::done;
    if (!http::build_request<abp::endpoints::get_orders<std::string_view>>(filter, out.buffers, out.request)) fail("build");
    out.id = sent++;
    ++outstanding;
    return http::next_step::send;
  }
  void complete(http::answer& a) {
    --outstanding;
    if (a.sent && a.resp.status == 200) ++ok;
  }
};

double process_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

struct cpu_result {
  double cpu_per_request_us = 0;
  double allocs_per_request = 0;
  double seconds = 0;
};

cpu_result cpu_pipeline(std::int64_t id, std::size_t n, std::size_t window) {
  betwire::curl_transport blocking{{.base_url = sim->base_url("abp")}};
  abp::client abc{blocking, {.api_key = betwire::secret(abp_key)}};
  auto net = multi("abp", window);
  http::pipeline p{net, {.max_in_flight = window, .urgent_reserve = 0}};
  repeat_get warm{n / 4};
  warm.filter.order_ids = {id};
  if (!p.add(warm, {.headers = abc.core().headers_source()})) fail("add");
  p.run();  // warm: connections open, buffers grown
  repeat_get m{n};
  m.filter.order_ids = {id};
  const std::size_t a0 = betwire_test::allocation_count();
  const double c0 = process_cpu_seconds();
  const auto t0 = std::chrono::steady_clock::now();
  if (!p.add(m, {.headers = abc.core().headers_source()})) fail("add");
  p.run();
  cpu_result r;
  r.seconds = seconds_since(t0);
  r.cpu_per_request_us = (process_cpu_seconds() - c0) * 1e6 / static_cast<double>(n);
  r.allocs_per_request = static_cast<double>(betwire_test::allocation_count() - a0) / static_cast<double>(n);
  if (m.ok != n) fail("cpu/pipeline: " + std::to_string(m.ok) + " of " + std::to_string(n) + " answered 200");
  return r;
}

size_t sink(char* p, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(p, size * n);
  return size * n;
}

cpu_result cpu_raw_multi(std::int64_t id, std::size_t n, std::size_t window) {
  const std::string url = sim->base_url("abp") + "/orders?orderIds=" + std::to_string(id);
  CURLM* multi_handle = curl_multi_init();
  curl_multi_setopt(multi_handle, CURLMOPT_MAX_HOST_CONNECTIONS, static_cast<long>(window));
  struct easy {
    CURL* h = nullptr;
    std::string body;
    curl_slist* headers = nullptr;
  };
  std::vector<easy> pool(window);
  for (easy& e : pool) {
    e.h = curl_easy_init();
    e.body.reserve(4096);
    e.headers = curl_slist_append(nullptr, (std::string("x-api-key: ") + abp_key).c_str());
    e.headers = curl_slist_append(e.headers, "Accept: application/json");
    curl_easy_setopt(e.h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(e.h, CURLOPT_HTTPHEADER, e.headers);
    curl_easy_setopt(e.h, CURLOPT_WRITEFUNCTION, &sink);
    curl_easy_setopt(e.h, CURLOPT_WRITEDATA, &e.body);
    curl_easy_setopt(e.h, CURLOPT_PRIVATE, &e);
  }
  auto run = [&](std::size_t count) {
    std::size_t started = 0, finished = 0, ok = 0;
    for (easy& e : pool) {
      if (started == count) break;
      e.body.clear();
      curl_multi_add_handle(multi_handle, e.h);
      ++started;
    }
    while (finished < count) {
      int running = 0;
      curl_multi_perform(multi_handle, &running);
      int left = 0;
      while (CURLMsg* msg = curl_multi_info_read(multi_handle, &left)) {
        if (msg->msg != CURLMSG_DONE) continue;
        CURL* h = msg->easy_handle;
        long status = 0;
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        if (msg->data.result == CURLE_OK && status == 200) ++ok;
        ++finished;
        curl_multi_remove_handle(multi_handle, h);
        if (started < count) {
          void* priv = nullptr;
          curl_easy_getinfo(h, CURLINFO_PRIVATE, &priv);
          static_cast<easy*>(priv)->body.clear();
          curl_multi_add_handle(multi_handle, h);
          ++started;
        }
      }
      if (finished < count) curl_multi_poll(multi_handle, nullptr, 0, 1000, nullptr);
    }
    return ok;
  };
  (void)run(n / 4);  // warm
  const std::size_t a0 = betwire_test::allocation_count();
  const double c0 = process_cpu_seconds();
  const auto t0 = std::chrono::steady_clock::now();
  const std::size_t ok = run(n);
  cpu_result r;
  r.seconds = seconds_since(t0);
  r.cpu_per_request_us = (process_cpu_seconds() - c0) * 1e6 / static_cast<double>(n);
  r.allocs_per_request = static_cast<double>(betwire_test::allocation_count() - a0) / static_cast<double>(n);
  for (easy& e : pool) {
    curl_easy_cleanup(e.h);
    curl_slist_free_all(e.headers);
  }
  curl_multi_cleanup(multi_handle);
  if (ok != n) fail("cpu/raw: " + std::to_string(ok) + " of " + std::to_string(n));
  return r;
}

// ---- registration and the check -------------------------------------------------------------------

constexpr int rtts[] = {0, 50, 150, 300};

void register_all() {
  for (int rtt : rtts) {
    const std::string r = "/rtt:" + std::to_string(rtt);
    benchmark::RegisterBenchmark(("concurrency/opinion_cancels" + r + "/concurrent").c_str(), [rtt](benchmark::State& st) {
      for (auto _ : st) report(st, opinion_concurrent(rtt, 1000), 1000);
    })->UseManualTime()->Iterations(1)->Repetitions(1)->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("concurrency/opinion_cancels" + r + "/blocking").c_str(), [rtt](benchmark::State& st) {
      for (auto _ : st) {
        const outcome o = opinion_blocking(rtt, 100);
        report(st, o, 100);
        st.counters["projected_1000_s"] = o.seconds * 10;
      }
    })->UseManualTime()->Iterations(1)->Repetitions(1)->Unit(benchmark::kMillisecond);
    for (const bool conc : {false, true}) {
      benchmark::RegisterBenchmark(("concurrency/ps_cancel_batch" + r + (conc ? "/concurrent" : "/blocking")).c_str(),
                                   [rtt, conc](benchmark::State& st) {
                                     for (auto _ : st) report(st, conc ? ps_concurrent(rtt, 1000) : ps_blocking(rtt, 1000), 1000);
                                   })
          ->UseManualTime()->Iterations(1)->Repetitions(1)->Unit(benchmark::kMillisecond);
      benchmark::RegisterBenchmark(("concurrency/abp_pages" + r + (conc ? "/concurrent" : "/blocking")).c_str(),
                                   [rtt, conc](benchmark::State& st) {
                                     for (auto _ : st) report(st, conc ? abp_concurrent(rtt, 10) : abp_blocking(rtt, 10), 10);
                                   })
          ->UseManualTime()->Iterations(1)->Repetitions(1)->Unit(benchmark::kMillisecond);
    }
  }
  for (const bool during : {false, true}) {
    benchmark::RegisterBenchmark(during ? "concurrency/priority_cancel/during_read" : "concurrency/priority_cancel/idle",
                                 [during](benchmark::State& st) {
                                   prepare(50);
                                   const auto abp_ids = seed_abp(1000);
                                   const auto cancel_ids = seed_opinion(static_cast<int>(st.max_iterations));
                                   std::size_t i = 0;
                                   for (auto _ : st) st.SetIterationTime(priority_cancel(during, abp_ids, cancel_ids[i++]));
                                 })
        ->UseManualTime()->Iterations(5)->Repetitions(1)->Unit(benchmark::kMillisecond);
  }
  for (const bool raw : {false, true}) {
    benchmark::RegisterBenchmark(raw ? "concurrency/cpu/raw_curl_multi" : "concurrency/cpu/pipeline", [raw](benchmark::State& st) {
      prepare(0);
      const auto ids = seed_abp(1);
      for (auto _ : st) {
        const cpu_result r = raw ? cpu_raw_multi(ids.front(), 2000, 8) : cpu_pipeline(ids.front(), 2000, 8);
        st.SetIterationTime(r.seconds);
        st.counters["cpu_per_request_us"] = r.cpu_per_request_us;
        st.counters["allocs_per_request"] = r.allocs_per_request;
      }
    })->UseManualTime()->Iterations(1)->Repetitions(5)->Unit(benchmark::kMillisecond);
  }
}

int run_checks() {
  int failures = 0;
  auto expect = [&](bool ok, const std::string& what) {
    if (!ok) {
      std::fprintf(stderr, "CHECK FAILED: %s\n", what.c_str());
      ++failures;
    }
  };
  const outcome oc = opinion_concurrent(50, 30);
  expect(oc.done == 30 && oc.throttled == 0, "opinion concurrent: " + std::to_string(oc.done) + " cancelled, " +
                                                 std::to_string(oc.throttled) + " throttled");
  const outcome ob = opinion_blocking(0, 5);
  expect(ob.done == 5, "opinion blocking");
  const outcome pc = ps_concurrent(50, 300);
  expect(pc.done == 300 && pc.throttled == 0, "ps concurrent");
  const outcome pb = ps_blocking(0, 150);
  expect(pb.done == 150, "ps blocking");
  const outcome ac = abp_concurrent(50, 3);
  expect(ac.done == 300, "abp concurrent: " + std::to_string(ac.done));
  const outcome ab = abp_blocking(0, 3);
  expect(ab.done == 300, "abp blocking: " + std::to_string(ab.done));
  prepare(20);
  const auto abp_ids = seed_abp(100);
  const auto cancel_ids = seed_opinion(2);
  expect(priority_cancel(false, abp_ids, cancel_ids[0]) < 1.0, "priority idle");
  expect(priority_cancel(true, abp_ids, cancel_ids[1]) < 1.0, "priority during read");
  prepare(0);
  const auto one = seed_abp(1);
  expect(cpu_pipeline(one.front(), 100, 4).cpu_per_request_us > 0, "cpu pipeline");
  expect(cpu_raw_multi(one.front(), 100, 4).cpu_per_request_us > 0, "cpu raw");
  return failures;
}

}  // namespace

int main(int argc, char** argv) {
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) fail("curl_global_init failed");
  sim = std::make_unique<betwire::test::simulator_process>(std::vector<std::string>{"--threads", "48"});
  if (!sim->ok()) fail("cannot start the simulator: " + sim->error());
  const int failures = run_checks();
  if (failures != 0) return 1;
  if (betwire_bench::has_flag(argc, argv, "--check")) return 0;
  register_all();
  const int rc = betwire_bench::run_registered(argc, argv);
  sim.reset();
  return rc;
}
