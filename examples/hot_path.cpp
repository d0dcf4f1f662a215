// The hot path without a client: build a request once, re-send it as often as needed, and read
// each answer sans-I/O into a page that is reused (docs/http.md, "The hot path").
//
//   hot_path [--base-url http://127.0.0.1:PORT/abp] [--sends N]
//
// Without --base-url it starts the simulator this build made (BETWIRE_SIMULATOR_PATH). The key is
// ABP_API_KEY (the simulator's test key by default). It polls one user's orders N times (default
// 200) with the same request object, then cancels them with a request built once as well, and
// prints the median time per send and the allocations the loop made (none once warm, in
// betwire's part; libcurl's own are not counted here).

#include <betwire/betwire.hpp>
#include <betwire/transport/curl.hpp>

#include "../tests/support/simulator_process.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace abp = betwire::abp;
namespace http = betwire::http;

namespace {

int usage(const char* argv0) {
  std::fprintf(stderr, "usage: %s [--base-url URL] [--sends N]\n", argv0);
  return 2;
}

// Adds what http::client would add: the key, Accept, and Content-Type when there is a body.
bool add_headers(http::request& r, const betwire::secret& key) {
  if (!r.add_header("x-api-key", key.reveal())) return false;
  if (!r.add_header("Accept", "application/json")) return false;
  if (!r.body.empty() && !r.add_header("Content-Type", "application/json")) return false;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::string base_url;
  int sends = 200;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--base-url") == 0 && i + 1 < argc) {
      base_url = argv[++i];
    } else if (std::strcmp(argv[i], "--sends") == 0 && i + 1 < argc) {
      sends = std::atoi(argv[++i]);
      if (sends < 1) return usage(argv[0]);
    } else {
      return usage(argv[0]);
    }
  }
  betwire::secret key(std::getenv("ABP_API_KEY"));
  std::unique_ptr<betwire::test::simulator_process> sim;
  if (base_url.empty()) {
    sim = std::make_unique<betwire::test::simulator_process>(std::vector<std::string>{"--venues", "abp"});
    if (!sim->ok()) {
      std::fprintf(stderr, "hot_path: could not start the simulator: %s\n", sim->error().c_str());
      return 1;
    }
    base_url = sim->base_url("abp");
    if (key.empty()) key = betwire::secret("abp-test-key-0001");
  } else if (key.empty()) {
    std::fprintf(stderr, "hot_path: set ABP_API_KEY to use %s\n", base_url.c_str());
    return 1;
  }
  auto net = betwire::curl_transport::create({.base_url = base_url});
  if (!net) {
    std::fprintf(stderr, "hot_path: %s\n", net.error().describe().c_str());
    return 1;
  }
  if (auto w = net->warm_up(); !w) std::fprintf(stderr, "hot_path: warm-up: %s\n", w.error().describe().c_str());

  // Something to read: three orders of our own, placed through the client.
  const std::string user_ref = "hot-path-" + abp::new_request_uuid().substr(0, 8);
  {
    abp::client<betwire::curl_transport> setup{*net, {.api_key = key}};
    using namespace betwire::literals;
    abp::place_orders_request batch;
    for (int i = 0; i < 3; ++i)
      batch.orders.push_back({.fixture_id = "id1000004461512432", .outcome_id = 103, .order_price = "1.95"_dec,
                              .order_stake = "10.00"_dec, .user_ref = user_ref});
    if (auto placed = setup.place_orders(batch); !placed) {
      std::fprintf(stderr, "hot_path: placing: %s\n", placed.error().describe().c_str());
      return 1;
    }
  }

  // 1. Build once. The request views its buffers (and the filter's strings): keep them alive.
  using get_orders = abp::endpoints::get_orders<std::string_view>;
  const abp::orders_filter filter{.user_ref = user_ref, .limit = 100};
  http::request_buffers buffers;
  http::request poll;
  if (auto b = http::build_request<get_orders>(filter, buffers, poll); !b || !add_headers(poll, key)) {
    std::fprintf(stderr, "hot_path: cannot build the request\n");
    return 1;
  }

  // 2. Re-send it; 3. read each answer sans-I/O, with the same checks abp::client makes.
  http::response resp;           // reused: its body keeps its capacity
  abp::orders_page_view page;    // reused: a warm page allocates nothing
  std::vector<double> micros;
  micros.reserve(static_cast<std::size_t>(sends));
  for (int i = 0; i < sends; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    auto sent = net->send(poll, resp);
    if (!sent) {
      std::fprintf(stderr, "hot_path: %s\n", sent.error().describe().c_str());
      return 1;
    }
    if (auto r = abp::read_abp_response<get_orders>(resp, page); !r) {
      std::fprintf(stderr, "hot_path: %s\n", r.error().describe().c_str());
      return 1;
    }
    micros.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
  }
  std::nth_element(micros.begin(), micros.begin() + static_cast<std::ptrdiff_t>(micros.size() / 2), micros.end());
  std::printf("GET %.*s: %d sends of one request, %zu orders each time, median %.0f us per send + read\n",
              static_cast<int>(poll.target.size()), poll.target.data(), sends, page.orders.size(),
              micros[micros.size() / 2]);

  // The same for a cancel of everything this user has: built once, sent once here.
  using cancel_orders = abp::endpoints::cancel_orders<std::string_view>;
  const abp::cancel_orders_request all_of_them{.user_ref = user_ref};
  http::request_buffers cancel_buffers;
  http::request cancel;
  if (auto b = http::build_request<cancel_orders>(all_of_them, cancel_buffers, cancel); !b || !add_headers(cancel, key)) {
    std::fprintf(stderr, "hot_path: cannot build the cancel\n");
    return 1;
  }
  http::response cancel_resp;
  abp::cancel_orders_response_view cancelled;
  if (auto s = net->send(cancel, cancel_resp); !s) {
    std::fprintf(stderr, "hot_path: %s\n", s.error().describe().c_str());
    return 1;
  }
  if (auto r = abp::read_abp_response<cancel_orders>(cancel_resp, cancelled); !r) {
    std::fprintf(stderr, "hot_path: %s\n", r.error().describe().c_str());
    return 1;
  }
  std::printf("POST %.*s: %lld cancelled\n", static_cast<int>(cancel.target.size()), cancel.target.data(),
              static_cast<long long>(cancelled.cancelled_count));
  // Checks itself: the three orders were read every time and are cancelled now.
  return page.orders.size() == 3 && cancelled.cancelled_count == 3 ? 0 : 1;
}
