// One log line per call, from the observer hook every client accepts (docs/http.md, "Observing
// calls"): method, target, status, time, attempts, the retry waits, rate limits and the error —
// and never the API key, which the client redacts before any observer sees an event.
//
//   observe [--base-url http://127.0.0.1:PORT/abp]
//
// Without --base-url it starts the simulator this build made (BETWIRE_SIMULATOR_PATH) and arms
// one 503 so that a retried call shows up. The key is ABP_API_KEY (the simulator's test key by
// default).

#include <betwire/betwire.hpp>
#include <betwire/transport/curl.hpp>

#include "../tests/support/simulator_process.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace http = betwire::http;

namespace {

// Writes one line per call to a FILE*; attempts that are retried get a line of their own.
struct line_logger {
  std::FILE* out = stdout;
  int calls = 0;

  void operator()(const http::attempt_event& a) const {
    if (a.last) return;  // the call's own line follows
    std::fprintf(out, "  retry: attempt %u of %.*s answered %d%s%s, waiting before the next\n",
                 a.attempt, static_cast<int>(a.target.size()), a.target.data(), a.status,
                 a.error ? " / " : "", a.error ? a.error->describe().c_str() : "");
  }

  void operator()(const http::call_event& c) {
    ++calls;
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(c.elapsed).count();
    std::string limits = "-";
    if (c.rate_limit.remaining)
      limits = std::to_string(*c.rate_limit.remaining) + "/" +
               (c.rate_limit.limit ? std::to_string(*c.rate_limit.limit) : std::string("?"));
    const std::string_view method = http::to_string(c.method);
    const std::string_view what = c.target.empty() ? c.endpoint : c.target;  // empty: nothing was built
    std::fprintf(out, "%.*s %.*s -> %d  %lld us  attempts %u  slept %lld ms  rate %s  %s\n",
                 static_cast<int>(method.size()), method.data(), static_cast<int>(what.size()), what.data(),
                 c.status, static_cast<long long>(us), c.attempts,
                 static_cast<long long>(c.slept.count()), limits.c_str(),
                 c.error ? c.error->describe().c_str() : "ok");
  }
};

}  // namespace

int main(int argc, char** argv) {
  std::string base_url;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--base-url") == 0 && i + 1 < argc) {
      base_url = argv[++i];
    } else {
      std::fprintf(stderr, "usage: %s [--base-url URL]\n", argv[0]);
      return 2;
    }
  }
  betwire::secret key(std::getenv("ABP_API_KEY"));
  std::unique_ptr<betwire::test::simulator_process> sim;
  if (base_url.empty()) {
    sim = std::make_unique<betwire::test::simulator_process>(std::vector<std::string>{});
    if (!sim->ok()) {
      std::fprintf(stderr, "observe: could not start the simulator: %s\n", sim->error().c_str());
      return 1;
    }
    base_url = sim->base_url("abp");
    if (key.empty()) key = betwire::secret("abp-test-key-0001");
    // The next GET /orders answers 503 once: the retry policy re-sends it.
    if (!sim->post("/_sim/faults", R"({"path_prefix":"/abp/orders","fault":"status=503","count":1,"method":"GET"})").ok) {
      std::fprintf(stderr, "observe: could not arm the simulator's fault\n");
      return 1;
    }
  } else if (key.empty()) {
    std::fprintf(stderr, "observe: set ABP_API_KEY to use %s\n", base_url.c_str());
    return 1;
  }

  auto net = betwire::curl_transport::create({.base_url = base_url});
  if (!net) {
    std::fprintf(stderr, "observe: %s\n", net.error().describe().c_str());
    return 1;
  }
  line_logger logger;
  http::retry_policy retry;
  retry.enabled = true;
  retry.initial_backoff = std::chrono::milliseconds(20);
  betwire::abp::client abp{*net, {.api_key = key, .retry = retry, .observer = http::observe(logger)}};

  const std::string user_ref = "observe-" + betwire::abp::new_request_uuid().substr(0, 8);
  using namespace betwire::literals;
  betwire::abp::place_orders_request batch;
  batch.orders.push_back({.fixture_id = "id1000004461512432", .outcome_id = 103, .order_price = "1.95"_dec,
                          .order_stake = "10.99"_dec, .user_ref = user_ref});
  const auto placed = abp.place_orders(batch);
  const auto page = abp.get_orders({.user_ref = user_ref, .limit = 10});
  const auto cancelled = abp.cancel_orders({.user_ref = user_ref});
  const auto refused = abp.get_orders({.user_ref = user_ref, .limit = 5000});  // refused: limit > 1000

  std::printf("%d calls logged\n", logger.calls);
  // The example checks itself: four calls seen, the placement and the read succeeded (the latter
  // after its retry), and the invalid filter was refused before anything was sent.
  const bool ok = logger.calls == 4 && placed && page && cancelled && !refused && refused.attempts() == 0 &&
                  (!sim || page.attempts() == 2);
  return ok ? 0 : 1;
}
