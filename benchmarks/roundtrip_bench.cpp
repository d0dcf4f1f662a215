// A loopback round trip against the simulator: GET /orders of 1000 ABP orders, then POST
// /cancel-orders of one order — through betwire (abp::client over curl_transport) beside the same
// exchange written by hand with raw libcurl, in the same run.
//
//   roundtrip_bench [Google Benchmark flags]   start the simulator, cross-check, then time
//   roundtrip_bench --check                    cross-check only (a CTest test)
//
// Rows (roundtrip/<who>), each one iteration = the GET plus the POST, each response decoded:
//   betwire_view           abp::client, fill-in view model (what a latency-sensitive user writes)
//   betwire_owning         abp::client, owning model (std::string, std::vector)
//   betwire_prebuilt       the hot path without a client: both requests built once with
//                          http::build_request (headers added once), re-sent through the same
//                          curl_transport, each answer read sans-I/O by abp::read_abp_response into
//                          the view model. betwire_view ÷ this = what the client adds per call.
//   raw_curl_betwire_json  raw libcurl: one reused easy handle, the target and body made with
//                          snprintf, headers set by hand, the body decoded by json::decode into the
//                          same view model. betwire_view ÷ this = the client's own overhead
//                          (endpoint descriptors, query and body encoding, header capture, status and
//                          error handling); the JSON work is the same on both sides.
//   raw_curl_nlohmann      the same raw libcurl code, decoded with nlohmann::json into the same
//                          structs: the hand-rolled curl + nlohmann code betwire replaces.
// Both sides send the same request bytes that matter (target, x-api-key, Accept, Content-Type,
// Accept-Encoding: identity — loopback has no bandwidth to save, and compressing 1.3 MB would
// drown the client in the server's gzip time) over one kept-alive HTTP/1.1 connection each.
// Times are WALL time (the simulator works in another process); run with
// --benchmark_enable_random_interleaving so a noisy neighbour hits every row alike.
// Counters: response_bytes (both responses of one exchange), allocs_per_op / alloc_bytes_per_op
// (this process's operator new over one steady-state exchange; libcurl's malloc is not counted).
#define BETWIRE_DEFINE_COUNTING_NEW
#include "../tests/support/counting_allocator.hpp"
#include "../tests/support/simulator_process.hpp"

#include <benchmark/benchmark.h>
#include <curl/curl.h>

#include <betwire/abp/abp.hpp>
#include <betwire/json/json.hpp>
#include <betwire/transport/curl.hpp>

#include "bench_main.hpp"
#include "checksum.hpp"
#include "peers.hpp"

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

namespace {

using namespace betwire_bench;
namespace abp = betwire::abp;

constexpr const char* api_key = "abp-test-key-0001";
// The simulator deals its generated orders round-robin to four userRefs: 4000 of them give
// bettor1234 1003 orders (with the documents' three), so a limit of 1000 is a full page.
constexpr const char* generated_orders = "4000";
constexpr const char* user_ref = "bettor1234";
constexpr int page_limit = 1000;

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "roundtrip_bench: %s\n", what.c_str());
  std::fflush(stderr);
  std::exit(1);
}

// ---- betwire ------------------------------------------------------------------------------------

template <class Page, class Cancel>
struct betwire_side {
  betwire::curl_transport net;
  abp::client<betwire::curl_transport> client;
  abp::orders_filter filter{.user_ref = user_ref, .limit = page_limit};
  abp::cancel_orders_request cancel;
  Page page;
  Cancel cancelled;
  // A view page points into the client's response buffer, which the cancel's response replaces:
  // like a real caller, the cross-check reads the page before the next call.
  bool checksum_page = false;
  std::uint64_t page_sum = 0;

  betwire_side(const std::string& base_url, std::int64_t order_id)
      : net({.base_url = base_url, .accept_encoding = "identity"}),
        client(net, {.api_key = betwire::secret(api_key)}) {
    cancel.order_ids.emplace({order_id});
  }

  void exchange() {
    if constexpr (std::is_same_v<Page, abp::orders_page_view>) {
      if (auto r = client.get_orders(filter, page); !r) fail("betwire get_orders: " + r.error().describe());
      if (checksum_page) page_sum = page_checksum(page);
      if (auto r = client.cancel_orders(cancel, cancelled); !r) fail("betwire cancel_orders: " + r.error().describe());
    } else {
      auto p = client.get_orders(filter);
      if (!p) fail("betwire get_orders: " + p.error().describe());
      page = std::move(*p);
      if (checksum_page) page_sum = page_checksum(page);
      auto c = client.cancel_orders(cancel);
      if (!c) fail("betwire cancel_orders: " + c.error().describe());
      cancelled = std::move(*c);
    }
  }
};

// The hot path: build once, re-send, read sans-I/O (docs/http.md, "The hot path").
struct betwire_prebuilt {
  using get_orders = abp::endpoints::get_orders<std::string_view>;
  using cancel_orders = abp::endpoints::cancel_orders<std::string_view>;
  betwire::curl_transport net;
  abp::orders_filter filter{.user_ref = user_ref, .limit = page_limit};
  abp::cancel_orders_request cancel;
  betwire::http::request_buffers get_buffers, cancel_buffers;
  betwire::http::request get_request, cancel_request;
  betwire::http::response page_response, cancel_response;  // two: the page's views stay valid
  abp::orders_page_view page;
  abp::cancel_orders_response_view cancelled;
  bool checksum_page = false;
  std::uint64_t page_sum = 0;

  betwire_prebuilt(const std::string& base_url, std::int64_t order_id)
      : net({.base_url = base_url, .accept_encoding = "identity"}) {
    cancel.order_ids.emplace({order_id});
    if (auto b = betwire::http::build_request<get_orders>(filter, get_buffers, get_request); !b)
      fail("build_request get_orders: " + b.error().describe());
    if (auto b = betwire::http::build_request<cancel_orders>(cancel, cancel_buffers, cancel_request); !b)
      fail("build_request cancel_orders: " + b.error().describe());
    for (betwire::http::request* r : {&get_request, &cancel_request}) {
      bool ok = r->add_header("x-api-key", api_key) && r->add_header("Accept", "application/json");
      if (!r->body.empty()) ok = ok && r->add_header("Content-Type", "application/json");
      if (!ok) fail("add_header failed");
    }
  }

  void exchange() {
    if (auto r = net.send(get_request, page_response); !r) fail("prebuilt get_orders: " + r.error().describe());
    if (auto r = abp::read_abp_response<get_orders>(page_response, page); !r)
      fail("read_abp_response get_orders: " + r.error().describe());
    if (checksum_page) page_sum = page_checksum(page);
    if (auto r = net.send(cancel_request, cancel_response); !r) fail("prebuilt cancel_orders: " + r.error().describe());
    if (auto r = abp::read_abp_response<cancel_orders>(cancel_response, cancelled); !r)
      fail("read_abp_response cancel_orders: " + r.error().describe());
  }
};

// ---- raw libcurl ---------------------------------------------------------------------------------

// What a hand-written client does: one easy handle kept (so its connection is kept alive), the
// target and the JSON body printed into fixed buffers, the response appended to a reused string.
struct raw_curl {
  CURL* handle = curl_easy_init();
  curl_slist* get_headers = nullptr;
  curl_slist* post_headers = nullptr;
  std::string base_url;
  char url[512] = {};
  char request[64] = {};

  raw_curl(std::string base, std::int64_t order_id) : base_url(std::move(base)) {
    if (!handle) fail("curl_easy_init failed");
    const std::string key = std::string("x-api-key: ") + api_key;
    for (curl_slist** list : {&get_headers, &post_headers}) {
      *list = curl_slist_append(*list, key.c_str());
      *list = curl_slist_append(*list, "Accept: application/json");
    }
    post_headers = curl_slist_append(post_headers, "Content-Type: application/json");
    curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(handle, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(handle, CURLOPT_ACCEPT_ENCODING, "identity");
    curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, &raw_curl::on_body);
    std::snprintf(request, sizeof request, "{\"orderIds\":[%" PRId64 "]}", order_id);
  }
  raw_curl(const raw_curl&) = delete;
  raw_curl& operator=(const raw_curl&) = delete;
  ~raw_curl() {
    curl_slist_free_all(get_headers);
    curl_slist_free_all(post_headers);
    curl_easy_cleanup(handle);
  }

  static std::size_t on_body(char* data, std::size_t, std::size_t n, void* user) {
    static_cast<std::string*>(user)->append(data, n);
    return n;
  }

  void perform(const char* what, std::string& body) {
    body.clear();
    curl_easy_setopt(handle, CURLOPT_WRITEDATA, &body);
    if (const CURLcode rc = curl_easy_perform(handle); rc != CURLE_OK)
      fail(std::string("raw libcurl ") + what + ": " + curl_easy_strerror(rc));
    long status = 0;
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
    if (status != 200) fail(std::string("raw libcurl ") + what + ": HTTP " + std::to_string(status) + " " + body);
  }

  void get_orders(std::string& body) {
    std::snprintf(url, sizeof url, "%s/orders?userRef=%s&limit=%d", base_url.c_str(), user_ref, page_limit);
    curl_easy_setopt(handle, CURLOPT_URL, url);
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, get_headers);
    curl_easy_setopt(handle, CURLOPT_HTTPGET, 1L);
    perform("GET /orders", body);
  }
  void cancel_orders(std::string& body) {
    std::snprintf(url, sizeof url, "%s/cancel-orders", base_url.c_str());
    curl_easy_setopt(handle, CURLOPT_URL, url);
    curl_easy_setopt(handle, CURLOPT_HTTPHEADER, post_headers);
    curl_easy_setopt(handle, CURLOPT_POSTFIELDS, request);
    curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE, static_cast<long>(std::strlen(request)));
    perform("POST /cancel-orders", body);
  }
};

struct raw_curl_betwire_json {
  raw_curl http;
  std::string page_text, cancel_text;  // the view models point into them
  abp::orders_page_view page;
  abp::cancel_orders_response_view cancelled;

  raw_curl_betwire_json(const std::string& base_url, std::int64_t order_id) : http(base_url, order_id) {
    page_text.reserve(std::size_t{4} << 20);
    cancel_text.reserve(std::size_t{1} << 16);
  }
  void exchange() {
    http.get_orders(page_text);
    if (auto r = betwire::json::decode(page_text, page); !r) fail("json::decode page: " + r.error().describe());
    http.cancel_orders(cancel_text);
    if (auto r = betwire::json::decode(cancel_text, cancelled); !r) fail("json::decode cancel: " + r.error().describe());
  }
};

#if BETWIRE_BENCH_HAVE_NLOHMANN
struct raw_curl_nlohmann {
  raw_curl http;
  nlohmann_decoder<abp::orders_page_view> page{std::size_t{4} << 20};
  nlohmann_decoder<abp::cancel_orders_response_view> cancelled{std::size_t{1} << 16};
  std::string body;  // nlohmann copies what it keeps into its own document

  raw_curl_nlohmann(const std::string& base_url, std::int64_t order_id) : http(base_url, order_id) {
    body.reserve(std::size_t{4} << 20);
  }
  void exchange() {
    http.get_orders(body);
    page.decode(body);
    http.cancel_orders(body);
    cancelled.decode(body);
  }
};
#endif

// ---- set-up and cross-check ----------------------------------------------------------------------

struct setup {
  std::unique_ptr<betwire::test::simulator_process> sim;
  std::string base_url;
  std::int64_t order_id = 0;  // the order every exchange cancels
  std::size_t response_bytes = 0;
};

setup start() {
  setup s;
  s.sim = std::make_unique<betwire::test::simulator_process>(
      std::vector<std::string>{"--venues", "abp", "--abp-orders", generated_orders});
  if (!s.sim->ok()) fail("cannot start the simulator: " + s.sim->error());
  s.base_url = s.sim->base_url("abp");
  // The first exchange cancels the order; every later one finds it not cancellable and answers
  // the same 200 (the venue's state, and the simulator's cache of rendered orders, stay put).
  betwire_side<abp::orders_page, abp::cancel_orders_response> probe(s.base_url, 0);
  auto page = probe.client.get_orders(probe.filter);
  if (!page) fail("first get_orders: " + page.error().describe());
  if (page->orders.size() != static_cast<std::size_t>(page_limit))
    fail("the simulator's page has " + std::to_string(page->orders.size()) + " orders, not 1000");
  s.order_id = page->orders.front().order_id;
  betwire_side<abp::orders_page, abp::cancel_orders_response> prime(s.base_url, s.order_id);
  prime.exchange();
  raw_curl raw(s.base_url, s.order_id);
  std::string body;
  raw.get_orders(body);
  s.response_bytes = body.size();
  raw.cancel_orders(body);
  s.response_bytes += body.size();
  return s;
}

int run_checks(const setup& s) {
  int failures = 0;
  auto expect = [&](bool ok, const char* what) {
    if (!ok) {
      std::fprintf(stderr, "MISMATCH: %s\n", what);
      ++failures;
    }
  };
  betwire_side<abp::orders_page_view, abp::cancel_orders_response_view> view(s.base_url, s.order_id);
  view.checksum_page = true;
  view.exchange();
  const auto page_sum = view.page_sum;
  const auto cancel_sum = page_checksum(view.cancelled);
  expect(view.page.orders.size() == static_cast<std::size_t>(page_limit), "betwire view: not 1000 orders");
  betwire_side<abp::orders_page_view, abp::cancel_orders_response_view> values(s.base_url, s.order_id);
  if (auto r = values.client.get_orders(values.filter, values.page); !r) fail("get_orders: " + r.error().describe());
  const auto page_value_sum = page_checksum(values.page, false, false);
  expect(view.cancelled.cancelled_count == 0 && view.cancelled.not_cancelled.orders.size() == 1 &&
             view.cancelled.not_cancelled.orders.front().order_id == s.order_id,
         "betwire view: the cancel does not answer the one (already cancelled) order");

  betwire_side<abp::orders_page, abp::cancel_orders_response> owning(s.base_url, s.order_id);
  owning.checksum_page = true;
  owning.exchange();
  expect(owning.page_sum == page_sum, "betwire owning page != betwire view page");
  expect(page_checksum(owning.cancelled) == cancel_sum, "betwire owning cancel != betwire view cancel");

  betwire_prebuilt prebuilt(s.base_url, s.order_id);
  prebuilt.checksum_page = true;
  prebuilt.exchange();
  prebuilt.exchange();  // re-sent: the same bytes, the same answer
  expect(prebuilt.page_sum == page_sum, "betwire prebuilt (build once, read_abp_response) page != betwire client page");
  expect(page_checksum(prebuilt.cancelled) == cancel_sum, "betwire prebuilt cancel != betwire client cancel");

  raw_curl_betwire_json raw(s.base_url, s.order_id);
  raw.exchange();
  expect(page_checksum(raw.page) == page_sum, "raw libcurl + json::decode page != betwire client page");
  expect(page_checksum(raw.cancelled) == cancel_sum, "raw libcurl + json::decode cancel != betwire client cancel");
  int peers = 3;
#if BETWIRE_BENCH_HAVE_NLOHMANN
  raw_curl_nlohmann nl(s.base_url, s.order_id);
  nl.exchange();
  // nlohmann keeps only a double per number and re-serialises `meta` (sorted keys, its own
  // escapes): compare values, not decimal spellings or meta's text.
  expect(page_checksum(nl.page.page, false, false) == page_value_sum, "raw libcurl + nlohmann page != betwire");
  expect(page_checksum(nl.cancelled.page, false, false) == page_checksum(view.cancelled, false, false),
         "raw libcurl + nlohmann cancel != betwire");
  ++peers;
#endif
  if (failures != 0) fail(std::to_string(failures) + " cross-check failure(s): the clients disagree; nothing is timed");
  std::printf("cross-check passed: %d other clients decode the same %zu-byte exchange as betwire's client\n", peers,
              s.response_bytes);
  return 0;
}

// ---- timing --------------------------------------------------------------------------------------

template <class Side>
void timed(benchmark::State& state, const setup& s) {
  Side side(s.base_url, s.order_id);
  side.exchange();  // warm-up: the connection, buffers and destinations reach steady state
  const std::size_t allocs0 = betwire_test::allocation_count();
  const std::size_t bytes0 = betwire_test::allocated_bytes();
  side.exchange();
  const std::size_t allocs = betwire_test::allocation_count() - allocs0;
  const std::size_t bytes = betwire_test::allocated_bytes() - bytes0;
  for (auto _ : state) side.exchange();
  state.counters["response_bytes"] = static_cast<double>(s.response_bytes);
  state.counters["allocs_per_op"] = static_cast<double>(allocs);
  state.counters["alloc_bytes_per_op"] = static_cast<double>(bytes);
}

void register_all(const setup& s) {
  const setup* sp = &s;
  auto add = [](const char* name, void (*fn)(benchmark::State&, const setup&), const setup* p) {
    benchmark::RegisterBenchmark((std::string("roundtrip/") + name).c_str(), [fn, p](benchmark::State& st) { fn(st, *p); })
        ->Unit(benchmark::kMillisecond)
        ->UseRealTime();
  };
  add("betwire_view", &timed<betwire_side<abp::orders_page_view, abp::cancel_orders_response_view>>, sp);
  add("betwire_owning", &timed<betwire_side<abp::orders_page, abp::cancel_orders_response>>, sp);
  add("betwire_prebuilt", &timed<betwire_prebuilt>, sp);
  add("raw_curl_betwire_json", &timed<raw_curl_betwire_json>, sp);
#if BETWIRE_BENCH_HAVE_NLOHMANN
  add("raw_curl_nlohmann", &timed<raw_curl_nlohmann>, sp);
#endif
}

}  // namespace

int main(int argc, char** argv) {
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) fail("curl_global_init failed");
  const setup s = start();
  run_checks(s);  // always, before anything is timed; exits non-zero when the clients disagree
  if (betwire_bench::has_flag(argc, argv, "--check")) return 0;
  register_all(s);
  return betwire_bench::run_registered(argc, argv);
}
