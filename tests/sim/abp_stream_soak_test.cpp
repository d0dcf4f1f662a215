// The stream soak: a steady REST load (placements of 100 PENDING orders, cancels of half of each
// batch) against the simulator while abp::stream_driver over beast_websocket follows `orders` on its
// own thread, with forced disconnects, skipped seqs (the simulator keeps them for replay, so replay
// heals) and lost seqs (kept nowhere, so only REST reconciliation heals) spread over the run.
// At the end: every order's last state as the stream (data events and resynced lists) told it equals
// the simulator's (GET /orders of every userRef), no seq was delivered twice, and every seq up to
// the subscription's last is accounted for (delivered, or inside a successful resync's range).
//
// CI runs a small load; tools/stream_soak.sh runs the full one (100,000 events, 20 disconnects, 5
// skipped seqs) through these variables:
//   BETWIRE_STREAM_SOAK_EVENTS (default 2400)  BETWIRE_STREAM_SOAK_DISCONNECTS (default 3)
//   BETWIRE_STREAM_SOAK_SKIPS (default 2)      BETWIRE_STREAM_SOAK_LOSSES (default 2)

#include <betwire/abp/abp.hpp>
#include <betwire/abp/stream.hpp>
#include <betwire/abp/stream_driver.hpp>
#include <betwire/transport/beast_websocket.hpp>
#include <betwire/transport/curl.hpp>

#include "simulator_process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

namespace abp = betwire::abp;
using namespace betwire::literals;
using namespace std::chrono_literals;

namespace {

constexpr const char* key = "abp-test-key-0001";

long env_or(const char* name, long fallback) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? std::atol(v) : fallback;
}

// What the stream told the user, kept by the driver thread (read by the test after it stops).
struct tracker {
  std::unordered_map<std::int64_t, abp::order_status> orders;
  std::vector<std::uint8_t> seq_seen;  // index = seq: delivered count
  std::vector<std::pair<std::int64_t, std::int64_t>> resynced;  // successful resync ranges
  std::uint64_t events = 0, duplicates_delivered = 0, resyncs = 0, failed_resyncs = 0, disconnects = 0,
                resync_rows = 0, malformed = 0;
  std::int64_t max_seq = 0;

  void on(const abp::stream_event& e) {
    switch (e.kind) {
      case abp::stream_event_kind::data:
        if (!e.data->order) return;
        ++events;
        if (e.data->seq) {
          const auto s = static_cast<std::size_t>(*e.data->seq);
          if (s >= seq_seen.size()) seq_seen.resize(s + 1024, 0);
          if (seq_seen[s]++ != 0) ++duplicates_delivered;
          max_seq = std::max<std::int64_t>(max_seq, *e.data->seq);
        }
        orders[e.data->order->order_id] = e.data->order->order_status;
        return;
      case abp::stream_event_kind::resynced:
        if (e.resync->failure) {
          ++failed_resyncs;
          return;
        }
        ++resyncs;
        resynced.emplace_back(e.resync->from_seq, e.resync->to_seq);
        for (const auto& o : e.resync->orders) {
          orders[o.order_id] = o.order_status;
          ++resync_rows;
        }
        return;
      case abp::stream_event_kind::disconnected: ++disconnects; return;
      case abp::stream_event_kind::malformed: ++malformed; return;
      default: return;
    }
  }
};

// The reconciliation's REST reads, timed: how long the driver's thread spent in them.
struct timed_source final : abp::reconcile_source {
  explicit timed_source(abp::reconcile_source& inner) : inner_(&inner) {}
  betwire::result<void> fetch_orders(std::string_view ref, std::vector<abp::order>& out) override {
    const auto t = std::chrono::steady_clock::now();
    auto r = inner_->fetch_orders(ref, out);
    spent += std::chrono::steady_clock::now() - t;
    return r;
  }
  betwire::result<void> fetch_bets(std::string_view ref, std::vector<abp::bet>& out) override {
    const auto t = std::chrono::steady_clock::now();
    auto r = inner_->fetch_bets(ref, out);
    spent += std::chrono::steady_clock::now() - t;
    return r;
  }
  // Called at each resynced event: closes that reconciliation's account.
  void resync_done() {
    const double s = std::chrono::duration<double>(spent).count();
    total_s += s;
    max_s = std::max(max_s, s);
    spent = {};
  }
  std::chrono::steady_clock::duration spent{};
  double total_s = 0, max_s = 0;

 private:
  abp::reconcile_source* inner_;
};

}  // namespace

TEST(StreamSoak, EveryOrderEndsAsTheSimulatorHasItNothingTwiceNoHoleLeft) {
  const long target_events = env_or("BETWIRE_STREAM_SOAK_EVENTS", 2400);
  const long disconnects = env_or("BETWIRE_STREAM_SOAK_DISCONNECTS", 3);
  const long skips = env_or("BETWIRE_STREAM_SOAK_SKIPS", 2);
  const long losses = env_or("BETWIRE_STREAM_SOAK_LOSSES", 2);
  constexpr int batch = 100;                       // orders per placement
  constexpr int per_round = batch + batch / 2;     // INSERTs + UPDATEs of the cancelled half
  const long rounds = std::max<long>(1, (target_events + per_round - 1) / per_round);  // at least the target

  betwire::test::simulator_process sim{std::vector<std::string>{"--venues", "abp", "--rate-limits", "off"}};
  ASSERT_TRUE(sim.ok()) << sim.error();
  ASSERT_GT(sim.ws_port(), 0);
  ASSERT_EQ(sim.post("/_sim/ws/config", R"({"pingMs":1000,"pongTimeoutMs":10000})").status, 200);

  // The load's REST client (this thread) and the reconciliation's (the driver's thread).
  betwire::curl_transport load_net{betwire::curl_options{.base_url = sim.base_url("abp")}};
  betwire::curl_transport rest_net{betwire::curl_options{.base_url = sim.base_url("abp")}};
  abp::client<betwire::curl_transport> load{load_net, abp::client_options{.api_key = betwire::secret(key)}};
  abp::client<betwire::curl_transport> rest{rest_net, abp::client_options{.api_key = betwire::secret(key)}};
  abp::client_reconcile_source<betwire::curl_transport> rest_source{rest};
  timed_source source{rest_source};

  const std::vector<std::string> user_refs = {"soak-a", "soak-b", "soak-c", "soak-d"};
  abp::stream_options so;
  so.api_key = betwire::secret(key);
  so.channels = {"orders"};
  so.replay_timeout = 300ms;
  so.stall_timeout = 5000ms;
  so.expected_orders = static_cast<std::size_t>(rounds) * static_cast<std::size_t>(batch);
  betwire::beast_websocket socket;
  abp::stream_session session{std::move(so)};
  session.set_reconcile_source(&source);
  abp::stream_driver<betwire::beast_websocket> driver{
      socket, session, {.url = sim.ws_url(), .reconnect = {.initial_delay = 50ms, .max_delay = 400ms, .seed = 3}}};

  tracker seen;
  std::atomic<bool> stop{false}, live{false};
  std::atomic<std::int64_t> session_last{0};
  std::thread pump([&] {
    while (!stop.load()) {
      driver.poll(5ms, [&](const abp::stream_event& e) {
        if (e.kind == abp::stream_event_kind::login_ok) live = true;
        if (e.kind == abp::stream_event_kind::resynced) source.resync_done();
        seen.on(e);
      });
      session_last.store(session.last_seq().value_or(0));
    }
    driver.stop();
  });
  // Whatever way the test leaves (a failed ASSERT included), the driver's thread is stopped first.
  struct joiner {
    std::atomic<bool>& stop;
    std::thread& thread;
    ~joiner() {
      stop = true;
      if (thread.joinable()) thread.join();
    }
  } join_pump{stop, pump};
  for (int i = 0; i < 500 && !live; ++i) std::this_thread::sleep_for(10ms);
  ASSERT_TRUE(live.load()) << "the stream never logged in";

  // Faults at evenly spread rounds, none in the last tenth (a lost seq is only noticed when a later
  // one arrives).
  const long span = std::max<long>(1, rounds * 9 / 10);
  auto due = [&](long count, long round, long offset) {
    if (count <= 0) return false;
    const long step = std::max<long>(1, span / count);
    return round % step == offset % step && round / step < count;
  };
  long drops_armed = 0, skips_armed = 0, losses_armed = 0, placed = 0;
  constexpr auto stuck_after = 60s;
  const auto start = std::chrono::steady_clock::now();
  for (long round = 0; round < rounds; ++round) {
    if (due(disconnects, round, 1)) {
      ASSERT_EQ(sim.post("/_sim/ws/faults", R"({"fault":"drop"})").status, 200);
      ++drops_armed;
    }
    if (due(skips, round, 2)) {
      ASSERT_EQ(sim.post("/_sim/ws/faults", R"({"fault":"skip_seq","count":1})").status, 200);
      ++skips_armed;
    }
    if (due(losses, round, 3)) {
      ASSERT_EQ(sim.post("/_sim/ws/faults", R"({"fault":"lose_seq","count":1})").status, 200);
      ++losses_armed;
    }
    abp::place_orders_request req;
    for (int i = 0; i < batch; ++i) {
      abp::place_order o;
      o.fixture_id = "id1000004461512432";
      o.outcome_id = 103;
      o.order_price = "1.95"_dec;
      o.order_stake = "10.00"_dec;  // PENDING, no bet
      o.user_ref = user_refs[static_cast<std::size_t>(round + i) % user_refs.size()];
      req.orders.push_back(std::move(o));
    }
    auto r = load.place_orders(req);
    ASSERT_TRUE(r) << r.error();
    ASSERT_EQ(r->accepted_orders.size(), static_cast<std::size_t>(batch));
    placed += batch;
    std::vector<std::int64_t> cancel;
    for (int i = 0; i < batch; i += 2) cancel.push_back(r->accepted_orders[static_cast<std::size_t>(i)].order_id);
    auto c = load.cancel_orders({.order_ids = cancel});
    ASSERT_TRUE(c) << c.error();
    ASSERT_EQ(c->cancelled.size(), cancel.size());
    // Keep the stream's backlog in the venue's buffer most of the time (it replays only the last 100).
    // A stream that stops following (no seq delivered for `stuck_after`) fails the run at once, with
    // the figures, instead of waiting for the test's timeout.
    std::int64_t seen_last = session_last.load();
    auto progressed = std::chrono::steady_clock::now();
    while (session_last.load() + 200 < static_cast<std::int64_t>((round + 1) * per_round)) {
      std::this_thread::sleep_for(1ms);
      const auto now = std::chrono::steady_clock::now();
      if (session_last.load() != seen_last) {
        seen_last = session_last.load();
        progressed = now;
      } else if (now - progressed > stuck_after) {
        break;
      }
    }
    if (std::chrono::steady_clock::now() - progressed > stuck_after) {
      ADD_FAILURE() << "the stream delivered nothing for " << stuck_after.count() << " s at seq " << seen_last
                    << " (round " << round << ")";
      break;
    }
  }
  const auto load_done = std::chrono::steady_clock::now();

  // Wait until the stream has caught up with the subscription's last seq.
  std::int64_t sim_last = 0;
  const auto catch_up_limit = std::chrono::steady_clock::now() + stuck_after;
  for (;;) {
    const auto stats = nlohmann::json::parse(sim.get("/_sim/ws/stats").body);
    for (const auto& s : stats["subscriptions"]) sim_last = std::max<std::int64_t>(sim_last, s["lastSeq"].get<std::int64_t>());
    if (session_last.load() == sim_last && sim_last > 0) break;
    if (std::chrono::steady_clock::now() > catch_up_limit) break;
    std::this_thread::sleep_for(50ms);
  }
  std::this_thread::sleep_for(200ms);  // anything late (re-sends) shows up as a duplicate, if ever
  stop = true;
  pump.join();  // (join_pump then has nothing to do)
  const auto end = std::chrono::steady_clock::now();

  EXPECT_EQ(session.last_seq().value_or(0), sim_last) << "the stream did not catch up";
  EXPECT_EQ(sim_last, rounds * per_round);
  EXPECT_EQ(seen.duplicates_delivered, 0u);
  EXPECT_EQ(seen.failed_resyncs, 0u);
  // Every seq 1..last: delivered once, or covered by a successful resync.
  std::int64_t uncovered = 0;
  for (std::int64_t s = 1; s <= sim_last; ++s) {
    const bool delivered = static_cast<std::size_t>(s) < seen.seq_seen.size() && seen.seq_seen[static_cast<std::size_t>(s)] > 0;
    bool covered = delivered;
    for (const auto& [from, to] : seen.resynced)
      if (s >= from && s <= to) covered = true;
    if (!covered) ++uncovered;
  }
  EXPECT_EQ(uncovered, 0) << "seqs neither delivered nor reconciled";

  // Every order's final state as the stream told it equals the simulator's.
  std::size_t compared = 0, mismatched = 0, missing = 0;
  for (const auto& ref : user_refs) {
    for (auto&& page : load.orders_pages<abp::orders_page>({.user_ref = ref, .limit = 1000})) {
      ASSERT_TRUE(page) << page.error();
      for (const auto& o : page->orders) {
        ++compared;
        auto it = seen.orders.find(o.order_id);
        if (it == seen.orders.end()) ++missing;
        else if (it->second != o.order_status) ++mismatched;
      }
    }
  }
  EXPECT_EQ(compared, static_cast<std::size_t>(placed));
  EXPECT_EQ(missing, 0u);
  EXPECT_EQ(mismatched, 0u);
  EXPECT_GE(driver.connections(), static_cast<std::uint64_t>(drops_armed + 1));
  EXPECT_GE(session.stats().gaps, static_cast<std::uint64_t>(skips_armed + losses_armed > 0 ? 1 : 0));
  if (losses_armed > 0) {
    EXPECT_GE(seen.resyncs, 1u);
  }

  const double secs = std::chrono::duration<double>(end - start).count();
  std::printf(
      "stream soak: %ld rounds, %ld orders, %lld seqs, %llu order events delivered, %llu resynced rows in %llu resyncs, "
      "%ld disconnects armed (%llu connections, %llu disconnected events), %ld skipped + %ld lost seqs armed, "
      "%llu gaps seen, %llu replays, %llu duplicates dropped by the session, %llu delivered twice, %lld seqs unaccounted, "
      "%zu orders compared (%zu missing, %zu differ), reconciliation REST time %.2f s in all, %.2f s at most, load %.1f s, total %.1f s\n",
      rounds, placed, static_cast<long long>(sim_last), static_cast<unsigned long long>(seen.events),
      static_cast<unsigned long long>(seen.resync_rows), static_cast<unsigned long long>(seen.resyncs), drops_armed,
      static_cast<unsigned long long>(driver.connections()), static_cast<unsigned long long>(seen.disconnects), skips_armed,
      losses_armed, static_cast<unsigned long long>(session.stats().gaps),
      static_cast<unsigned long long>(session.stats().replays), static_cast<unsigned long long>(session.stats().duplicates),
      static_cast<unsigned long long>(seen.duplicates_delivered), static_cast<long long>(uncovered), compared, missing,
      mismatched, source.total_s, source.max_s, std::chrono::duration<double>(load_done - start).count(), secs);
}
