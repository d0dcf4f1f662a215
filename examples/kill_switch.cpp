// A kill switch: cancel everything on ABP, PredictStreet and Opinion.trade at once, as fast as each
// venue allows, against the simulator (started here, with its rate limits enforced and 50 ms of
// added round trip). One thread runs three pipelines, one per venue, each over its own libcurl
// multi transport; a progress line is redrawn as answers come in, and the end shows a tally per venue
// and the ids to send again, if any.
//
//   kill_switch [--rtt-ms N] [--opinion-orders N] [--ps-orders N] [--abp-orders N]
//
// ABP: its own POST /cancel-all-orders (one request). PredictStreet: POST /api/orders/cancel-all
// (one request, 1/s per wallet). Opinion has no cancel-all and no batch cancel: list the pending
// orders (pages of 20, several in flight), then one cancel per order at the key's 15 per second.

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

#include "../tests/support/simulator_process.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace http = betwire::http;
namespace abp = betwire::abp;
namespace opinion = betwire::opinion;
namespace ps = betwire::predictstreet;
using namespace std::chrono_literals;

namespace {

int arg(int argc, char** argv, const char* name, int fallback) {
  for (int i = 1; i + 1 < argc; ++i)
    if (std::strcmp(argv[i], name) == 0) return std::atoi(argv[i + 1]);
  return fallback;
}

bool seed(betwire::test::simulator_process& sim, const std::string& body) {
  const auto r = sim.post("/_sim/seed-orders", body);
  if (r.status != 200) std::fprintf(stderr, "kill_switch: seeding failed: %d %s\n", r.status, r.body.c_str());
  return r.status == 200;
}

void tally(const char* venue, const http::cancel_ledger& led, const std::optional<betwire::error>& err) {
  const auto& t = led.tally();
  std::printf("  %-14s cancelled %5zu   not cancelled %4zu   failed %3zu   not sent %3zu", venue, t.cancelled,
              t.not_cancelled, t.failed, t.not_sent);
  if (err) std::printf("   error: %s", err->describe().c_str());
  std::printf("\n");
  const auto again = led.resume_ids();
  if (!again.empty()) std::printf("  %-14s %zu ids to send again (first %s)\n", "", again.size(), again.front().c_str());
  for (const auto& it : led.items())
    if (it.state == http::cancel_state::not_cancelled) {
      std::printf("  %-14s e.g. %s not cancelled: %s\n", "", it.id.c_str(), it.reason.c_str());
      break;
    }
}

}  // namespace

int main(int argc, char** argv) {
  const int rtt = arg(argc, argv, "--rtt-ms", 50);
  const int opinion_orders = arg(argc, argv, "--opinion-orders", 150);
  const int ps_orders = arg(argc, argv, "--ps-orders", 400);
  const int abp_orders = arg(argc, argv, "--abp-orders", 300);

  betwire::test::simulator_process sim{{"--rate-limits", "on", "--threads", "32"}};
  if (!sim.ok()) {
    std::fprintf(stderr, "kill_switch: could not start the simulator: %s\n", sim.error().c_str());
    return 1;
  }
  (void)sim.post("/_sim/latency", "{\"ms\": " + std::to_string(rtt) + ", \"jitterMs\": 0}");
  if (!seed(sim, R"({"venue":"opinion","user":"alice","count":)" + std::to_string(opinion_orders) + R"(,"status":1})") ||
      !seed(sim, R"({"venue":"predictstreet","wallet":"0xa11ce00000000000000000000000000000000001","count":)" +
                     std::to_string(ps_orders) + R"(,"status":"OPEN"})") ||
      !seed(sim, R"({"venue":"abp","userRef":"desk-1","count":)" + std::to_string(abp_orders) + "}"))
    return 1;
  std::printf("Simulator up (limits enforced, %d ms RTT). Cancelling everything on three venues...\n", rtt);

  // The clients hold the keys; their cores give the pipelines headers and credential scrubbing.
  betwire::curl_transport abp_blocking{{.base_url = sim.base_url("abp")}};
  betwire::curl_transport ps_blocking{{.base_url = sim.base_url("predictstreet")}};
  betwire::curl_transport opn_blocking{{.base_url = sim.base_url("opinion")}};
  abp::client abc{abp_blocking, {.api_key = betwire::secret("abp-test-key-0001")}};
  ps::client psc{ps_blocking,
                 {.api_key = betwire::secret("ps_test_0000000000000a01_simSingleSecret_0123456789abcdefghijklmnopq")}};
  opinion::client opn{opn_blocking, {.api_key = betwire::secret("opn-test-key-alice-0001")}};

  betwire::curl_multi_transport abp_net({.easy = {.base_url = sim.base_url("abp")}, .max_in_flight = 4});
  betwire::curl_multi_transport ps_net({.easy = {.base_url = sim.base_url("predictstreet")}, .max_in_flight = 4});
  betwire::curl_multi_transport opn_net({.easy = {.base_url = sim.base_url("opinion")}, .max_in_flight = 16});

  // One limiter per key / bucket, at the venue's documented limit (share them with anything else
  // that uses the same key).
  http::rate_limiter abp_limit{abp::limits::per_key()};
  http::rate_limiter ps_limit{ps::limits::cancel_all()};
  http::rate_limiter opn_limit{opinion::limits::per_key()};
  http::retry_policy retry{.enabled = true, .max_attempts = 4};

  abp::cancel_all_orders_op abp_op;
  ps::cancel_all_op ps_op{{}};
  opinion::cancel_all_op opn_op{{}};
  http::pipeline abp_lane{abp_net, {.max_in_flight = 4}};
  http::pipeline ps_lane{ps_net, {.max_in_flight = 4}};
  http::pipeline opn_lane{opn_net, {.max_in_flight = 16}};
  const auto urgent = http::priority::urgent;
  if (!abp_lane.add(abp_op, {.headers = abc.core().headers_source(), .limiter = &abp_limit, .retry = retry, .priority = urgent}) ||
      !ps_lane.add(ps_op, {.headers = psc.core().headers_source(), .limiter = &ps_limit, .retry = retry, .priority = urgent}) ||
      !opn_lane.add(opn_op, {.headers = opn.core().headers_source(), .limiter = &opn_limit, .retry = retry, .priority = urgent})) {
    std::fprintf(stderr, "kill_switch: could not start the operations\n");
    return 1;
  }

  // The event loop: each lane gets a short turn; none blocks the others for long.
  const auto t0 = std::chrono::steady_clock::now();
  auto last_draw = t0 - 1s;
  auto draw = [&](bool final_line) {
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const auto& o = opn_op.ledger().tally();
    std::printf("\r%6.1f s | ABP %s %zu | PredictStreet %s %zu | Opinion %s pages %zu, cancelled %zu/%zu   ",
                s, abp_lane.idle() ? "done" : "...", abp_op.ledger().tally().cancelled, ps_lane.idle() ? "done" : "...",
                ps_op.ledger().tally().cancelled,
                opn_op.current_phase() == opinion::cancel_all_op::phase::listing ? "listing," : "",
                opn_op.lister().pages(), o.cancelled, opn_op.ledger().items().size());
    if (final_line) std::printf("\n");
    std::fflush(stdout);
  };
  while (!(abp_lane.idle() && ps_lane.idle() && opn_lane.idle())) {
    abp_lane.step(abp_lane.idle() ? 0ms : 2ms);
    ps_lane.step(ps_lane.idle() ? 0ms : 2ms);
    opn_lane.step(opn_lane.idle() ? 0ms : 10ms);
    if (std::chrono::steady_clock::now() - last_draw > 200ms) {
      draw(false);
      last_draw = std::chrono::steady_clock::now();
    }
  }
  draw(true);

  std::printf("\nTally:\n");
  tally("ABP", abp_op.ledger(), abp_op.error_state());
  tally("PredictStreet", ps_op.ledger(), ps_op.error_state());
  tally("Opinion", opn_op.ledger(), opn_op.error_state());
  std::printf("429s seen: ABP %llu, PredictStreet %llu, Opinion %llu\n",
              static_cast<unsigned long long>(abp_limit.stats().throttled),
              static_cast<unsigned long long>(ps_limit.stats().throttled),
              static_cast<unsigned long long>(opn_limit.stats().throttled));
  const bool ok = !abp_op.error_state() && !ps_op.error_state() && !opn_op.error_state() &&
                  abp_op.ledger().resume_ids().empty() && ps_op.ledger().resume_ids().empty() &&
                  opn_op.ledger().resume_ids().empty();
  return ok ? 0 : 1;
}
