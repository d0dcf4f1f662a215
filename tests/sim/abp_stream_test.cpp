// The ABP stream end to end: abp::stream_driver over betwire::beast_websocket against the
// simulator's /ws, with abp::client over curl_transport beside it (REST mutations, and the REST side
// of reconciliation). Every row of the acceptance list of the stream issue that the real backend can
// show: typed data events for REST placement, cancel, fill and settlement with increasing seq; acks;
// replay after a forced drop; REST reconciliation of a hole replay cannot fill; both keepalive
// revisions; the stall watchdog; skipped and repeated seq; an unknown channel; garbage and oversized
// frames; the sixth connection; and the API key in no error, log or frame dump. The simulator's
// timers are shortened through POST /_sim/ws/config so the file runs in seconds.

#include <betwire/abp/abp.hpp>
#include <betwire/abp/stream.hpp>
#include <betwire/abp/stream_driver.hpp>
#include <betwire/transport/beast_websocket.hpp>
#include <betwire/transport/curl.hpp>

#include "simulator_process.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace abp = betwire::abp;
using betwire::errc;
using namespace betwire::literals;
using namespace std::chrono_literals;
using std::chrono::milliseconds;

namespace {

constexpr std::string_view demo_key = "abp-test-key-0001";

// An event as the test keeps it: owned copies of what the views showed during the callback.
struct seen {
  abp::stream_event_kind kind{};
  std::string type;
  std::string dump;  // abp::redact_frame of the frame
  std::string channel, op;
  abp::stream_channel channel_kind = abp::stream_channel::unknown;
  std::optional<std::int64_t> seq;
  std::int64_t order_id = 0;
  abp::order_status order_status = abp::order_status::unknown;
  std::string filled_stake;
  std::int64_t bet_id = 0;
  abp::settlement_status settlement = abp::settlement_status::unknown;
  bool payload_error = false;
  std::string payload;
  std::optional<errc> failure;
  std::string failure_text;  // describe() of the failure, for the secret check
  std::int64_t resync_from = 0, resync_to = 0;
  std::vector<std::int64_t> resync_orders;
  bool resync_failed = false;
};

seen copy(const abp::stream_event& e) {
  seen s;
  s.kind = e.kind;
  s.type = std::string(e.type_name);
  s.dump = abp::redact_frame(e.frame, 256);
  if (e.data) {
    s.channel = std::string(e.data->channel_name);
    s.op = std::string(e.data->event_name);
    s.channel_kind = e.data->channel;
    s.seq = e.data->seq;
    s.payload = std::string(e.data->payload.text.substr(0, 256));
    s.payload_error = e.data->payload_error != nullptr;
    if (e.data->order) {
      s.order_id = e.data->order->order_id;
      s.order_status = e.data->order->order_status;
      s.filled_stake = std::string(e.data->order->filled_stake.text());
    }
    if (e.data->bet) {
      s.bet_id = e.data->bet->bet_id;
      s.order_id = e.data->bet->order_id;
      s.settlement = e.data->bet->settlement_status;
    }
  }
  if (e.failure) {
    s.failure = e.failure->code;
    s.failure_text = e.failure->describe();
  }
  if (e.resync) {
    s.resync_from = e.resync->from_seq;
    s.resync_to = e.resync->to_seq;
    for (const auto& o : e.resync->orders) s.resync_orders.push_back(o.order_id);
    s.resync_failed = e.resync->failure != nullptr;
    if (e.resync->failure) s.failure_text = e.resync->failure->describe();
  }
  return s;
}

abp::place_order order(std::string user_ref, betwire::decimal stake) {
  abp::place_order o;
  o.fixture_id = "id1000004461512432";
  o.outcome_id = 103;
  o.order_price = "1.95"_dec;
  o.order_stake = stake;
  o.user_ref = std::move(user_ref);
  return o;
}

class AbpStreamSim : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    sim_ = std::make_unique<betwire::test::simulator_process>(
        std::vector<std::string>{"--venues", "abp", "--rate-limits", "off"});
  }
  static void TearDownTestSuite() { sim_.reset(); }

  void SetUp() override {
    ASSERT_TRUE(sim_->ok()) << sim_->error();
    ASSERT_GT(sim_->ws_port(), 0) << "this simulator has no /ws";
    ASSERT_EQ(sim_->post("/_sim/reset").status, 200);
    ws_config(R"({"pingMs":200,"pongTimeoutMs":2000,"resendMs":300})");
    net_ = std::make_unique<betwire::curl_transport>(betwire::curl_options{.base_url = sim_->base_url("abp")});
    ASSERT_TRUE(net_->valid());
    rest_ = std::make_unique<abp::client<betwire::curl_transport>>(
        *net_, abp::client_options{.api_key = betwire::secret(demo_key)});
    source_ = std::make_unique<abp::client_reconcile_source<betwire::curl_transport>>(*rest_);
  }
  void TearDown() override {
    driver_.reset();
    session_.reset();
    socket_.reset();
  }

  static nlohmann::json ws_config(const std::string& body) {
    auto r = sim_->post("/_sim/ws/config", body);
    EXPECT_EQ(r.status, 200) << r.body;
    return nlohmann::json::parse(r.body, nullptr, false);
  }
  static void fault(const std::string& body) {
    auto r = sim_->post("/_sim/ws/faults", body);
    ASSERT_EQ(r.status, 200) << r.body;
  }
  static nlohmann::json ws_stats() { return nlohmann::json::parse(sim_->get("/_sim/ws/stats").body); }

  abp::stream_options options() {
    abp::stream_options o;
    o.api_key = betwire::secret(demo_key);
    o.channels = {"orders", "bets", "settlements"};
    o.ack_batch_delay = 20ms;
    o.replay_timeout = 400ms;
    o.stall_timeout = 3000ms;
    return o;
  }

  void start(abp::stream_options o, betwire::beast_websocket_options wo = {}) {
    socket_ = std::make_unique<betwire::beast_websocket>(std::move(wo));
    session_ = std::make_unique<abp::stream_session>(std::move(o));
    session_->set_reconcile_source(source_.get());
    driver_ = std::make_unique<abp::stream_driver<betwire::beast_websocket>>(
        *socket_, *session_,
        abp::stream_driver_options{.url = sim_->ws_url(),
                                   .reconnect = {.initial_delay = 100ms, .max_delay = 400ms, .seed = 7}});
    ASSERT_TRUE(pump_until([&] { return count(abp::stream_event_kind::login_ok) >= 1; }, 5000ms))
        << "no login_ok; last error: " << (driver_->last_error() ? driver_->last_error()->describe() : "none");
  }

  // Poll the driver until `done` or the time is up.
  bool pump_until(const std::function<bool()>& done, milliseconds limit) {
    const auto end = std::chrono::steady_clock::now() + limit;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= end) return false;
      driver_->poll(20ms, [&](const abp::stream_event& e) { events_.push_back(copy(e)); });
    }
    return true;
  }
  void pump_for(milliseconds d) {
    pump_until([] { return false; }, d);
  }

  std::size_t count(abp::stream_event_kind k) const {
    std::size_t n = 0;
    for (const auto& e : events_) n += e.kind == k;
    return n;
  }
  std::vector<const seen*> data() const {
    std::vector<const seen*> out;
    for (const auto& e : events_)
      if (e.kind == abp::stream_event_kind::data) out.push_back(&e);
    return out;
  }
  const seen* find_data(const std::function<bool(const seen&)>& pred) const {
    for (const auto& e : events_)
      if (e.kind == abp::stream_event_kind::data && pred(e)) return &e;
    return nullptr;
  }
  bool has_order_event(std::int64_t id, std::string_view op, abp::order_status st) const {
    return find_data([&](const seen& e) {
             return e.channel == "orders" && e.order_id == id && e.op == op && e.order_status == st;
           }) != nullptr;
  }

  // Every data event's seq, in delivery order: strictly increasing, never twice.
  void expect_seq_once_in_order() const {
    std::optional<std::int64_t> last;
    std::set<std::int64_t> all;
    for (const seen* e : data()) {
      ASSERT_TRUE(e->seq) << e->dump;
      EXPECT_TRUE(all.insert(*e->seq).second) << "seq " << *e->seq << " delivered twice";
      if (last) {
        EXPECT_GT(*e->seq, *last) << e->dump;
      }
      last = e->seq;
    }
  }

  std::vector<std::int64_t> place(std::vector<abp::place_order> orders) {
    abp::place_orders_request req{.orders = std::move(orders)};
    auto r = rest_->place_orders(req);
    EXPECT_TRUE(r) << r.error();
    std::vector<std::int64_t> ids;
    if (r)
      for (const auto& o : r->accepted_orders) ids.push_back(o.order_id);
    return ids;
  }

  // No text the test saw (dumps, failures, the driver's last error, the outbox dump) holds the key.
  void expect_no_key() const {
    for (const auto& e : events_) {
      EXPECT_EQ(e.dump.find(demo_key), std::string::npos) << e.dump;
      EXPECT_EQ(e.failure_text.find(demo_key), std::string::npos) << e.failure_text;
      EXPECT_EQ(e.payload.find(demo_key), std::string::npos) << e.payload;
    }
    if (driver_ && driver_->last_error()) {
      EXPECT_EQ(driver_->last_error()->describe().find(demo_key), std::string::npos);
    }
  }

  static std::unique_ptr<betwire::test::simulator_process> sim_;
  std::unique_ptr<betwire::curl_transport> net_;
  std::unique_ptr<abp::client<betwire::curl_transport>> rest_;
  std::unique_ptr<abp::client_reconcile_source<betwire::curl_transport>> source_;
  std::unique_ptr<betwire::beast_websocket> socket_;
  std::unique_ptr<abp::stream_session> session_;
  std::unique_ptr<abp::stream_driver<betwire::beast_websocket>> driver_;
  std::vector<seen> events_;
};
std::unique_ptr<betwire::test::simulator_process> AbpStreamSim::sim_;

}  // namespace

// ---- data events ------------------------------------------------------------------------------------

TEST_F(AbpStreamSim, RestPlacementCancelFillAndSettlementArriveAsTypedEvents) {
  start(options());
  ASSERT_TRUE(session_->reliable());
  const auto ids = place({order("stream-1", "10.00"_dec), order("stream-1", "20.99"_dec)});
  ASSERT_EQ(ids.size(), 2u);
  const std::int64_t pending = ids[0], filled = ids[1];
  // Placement: orders INSERT for both, and a bets INSERT for the filled one.
  ASSERT_TRUE(pump_until([&] {
    return has_order_event(pending, "INSERT", abp::order_status::pending) &&
           has_order_event(filled, "INSERT", abp::order_status::filled) &&
           find_data([&](const seen& e) { return e.channel == "bets" && e.order_id == filled; });
  }, 3000ms));

  // Cancel: orders UPDATE CANCELLED.
  auto c = rest_->cancel_orders({.order_ids = std::vector<std::int64_t>{pending}});
  ASSERT_TRUE(c) << c.error();
  ASSERT_TRUE(pump_until([&] { return has_order_event(pending, "UPDATE", abp::order_status::cancelled); }, 3000ms));

  // A fill and a bet, then its settlement (control endpoints of the simulator's store).
  const auto more = place({order("stream-1", "30.00"_dec)});
  ASSERT_EQ(more.size(), 1u);
  auto set = sim_->post("/_sim/abp/set-order", R"({"orderId":)" + std::to_string(more[0]) +
                                                   R"(,"status":"FILLED","filledStake":30,"addBet":{"betStatus":"CONFIRMED"}})");
  ASSERT_EQ(set.status, 200) << set.body;
  ASSERT_TRUE(pump_until([&] { return has_order_event(more[0], "UPDATE", abp::order_status::filled); }, 3000ms));
  const seen* bet = nullptr;
  ASSERT_TRUE(pump_until([&] {
    return (bet = find_data([&](const seen& e) { return e.channel == "bets" && e.order_id == more[0]; })) != nullptr;
  }, 3000ms));
  ASSERT_GT(bet->bet_id, 0);
  const std::int64_t bet_id = bet->bet_id;
  auto settle = sim_->post("/_sim/abp/set-bet", R"({"betId":)" + std::to_string(bet_id) +
                                                    R"(,"settlementStatus":"WON","settlementAmount":58.5})");
  ASSERT_EQ(settle.status, 200) << settle.body;
  ASSERT_TRUE(pump_until([&] {
    return find_data([&](const seen& e) {
             return e.channel == "settlements" && e.bet_id == bet_id && e.op == "SETTLED" &&
                    e.settlement == abp::settlement_status::won;
           }) != nullptr;
  }, 3000ms));

  const seen* upd = find_data([&](const seen& e) { return e.order_id == more[0] && e.op == "UPDATE"; });
  ASSERT_NE(upd, nullptr);
  EXPECT_EQ(upd->filled_stake, "30");
  for (const seen* e : data()) {
    EXPECT_FALSE(e->payload_error) << e->dump;
    EXPECT_NE(e->channel_kind, abp::stream_channel::unknown) << e->dump;
  }
  // seq 1, 2, 3, ... with nothing missing and nothing twice.
  expect_seq_once_in_order();
  const auto d = data();
  for (std::size_t i = 0; i < d.size(); ++i) EXPECT_EQ(*d[i]->seq, static_cast<std::int64_t>(i + 1));
  EXPECT_EQ(count(abp::stream_event_kind::resynced), 0u);
  expect_no_key();
}

TEST_F(AbpStreamSim, ReliableDeliveryAcksEverything) {
  start(options());
  place({order("ack-1", "10.00"_dec), order("ack-1", "11.00"_dec), order("ack-1", "12.99"_dec)});
  ASSERT_TRUE(pump_until([&] { return data().size() >= 4; }, 3000ms));
  const std::int64_t last = *data().back()->seq;
  // Batched acks flush after ack_batch_delay: the server's connection ends with nothing unacked.
  ASSERT_TRUE(pump_until([&] {
    const auto s = ws_stats();
    return !s["connections"].empty() && s["connections"][0]["lastAckedSeq"] == last &&
           s["connections"][0]["unacked"] == 0;
  }, 3000ms)) << ws_stats().dump();
  // No re-send happened (each was acked within resendMs), so nothing arrived twice.
  pump_for(500ms);
  EXPECT_EQ(ws_stats()["connections"][0]["resent"], 0) << ws_stats().dump();
  EXPECT_EQ(session_->stats().duplicates, 0u);
  EXPECT_GT(session_->stats().acks_sent, 0u);
  expect_seq_once_in_order();
}

TEST_F(AbpStreamSim, PerMessageAcks) {
  auto o = options();
  o.acks = abp::ack_policy::per_message;
  start(std::move(o));
  place({order("ack-2", "10.00"_dec), order("ack-2", "11.00"_dec)});
  ASSERT_TRUE(pump_until([&] { return data().size() >= 2; }, 3000ms));
  ASSERT_TRUE(pump_until([&] {
    const auto s = ws_stats();
    return s["connections"][0]["lastAckedSeq"] == 2 && s["connections"][0]["unacked"] == 0;
  }, 3000ms)) << ws_stats().dump();
  EXPECT_GE(session_->stats().acks_sent, 2u);
}

// ---- reconnects ---------------------------------------------------------------------------------------

TEST_F(AbpStreamSim, ForcedDropReconnectsAndReplaysWhatWasSentMeanwhile) {
  start(options());
  place({order("drop-1", "10.00"_dec)});
  ASSERT_TRUE(pump_until([&] { return data().size() >= 1; }, 3000ms));
  fault(R"({"fault":"drop"})");
  // While the driver has not yet noticed, and during its backoff, the store keeps changing: the
  // subscription's log keeps the frames, replay brings them.
  const auto ids = place({order("drop-1", "11.00"_dec), order("drop-1", "12.00"_dec), order("drop-1", "13.00"_dec)});
  ASSERT_EQ(ids.size(), 3u);
  ASSERT_TRUE(pump_until([&] { return count(abp::stream_event_kind::login_ok) >= 2 && data().size() >= 4; }, 5000ms))
      << data().size();
  EXPECT_GE(count(abp::stream_event_kind::disconnected), 1u);
  EXPECT_EQ(driver_->connections(), 2u);
  EXPECT_GE(session_->stats().replays, 1u);
  for (auto id : ids) EXPECT_TRUE(has_order_event(id, "INSERT", abp::order_status::pending)) << id;
  EXPECT_EQ(count(abp::stream_event_kind::resynced), 0u);  // replay filled it: no REST needed
  expect_seq_once_in_order();
  const auto d = data();
  for (std::size_t i = 0; i < d.size(); ++i) EXPECT_EQ(*d[i]->seq, static_cast<std::int64_t>(i + 1));
  expect_no_key();
}

TEST_F(AbpStreamSim, HoleReplayCannotFillIsReconciledThroughRest) {
  start(options());
  const auto first = place({order("gap-1", "10.00"_dec)});
  ASSERT_TRUE(pump_until([&] { return data().size() >= 1; }, 3000ms));
  // The next message takes a seq but is kept nowhere: only REST can tell what it said.
  fault(R"({"fault":"lose_seq","count":1})");
  const auto lost = place({order("gap-1", "11.00"_dec)});
  const auto after = place({order("gap-1", "12.00"_dec)});
  ASSERT_EQ(lost.size(), 1u);
  ASSERT_EQ(after.size(), 1u);
  ASSERT_TRUE(pump_until([&] { return count(abp::stream_event_kind::resynced) >= 1; }, 5000ms));
  const seen* r = nullptr;
  for (const auto& e : events_)
    if (e.kind == abp::stream_event_kind::resynced) r = &e;
  ASSERT_NE(r, nullptr);
  EXPECT_FALSE(r->resync_failed) << r->failure_text;
  EXPECT_EQ(r->resync_from, 2);
  EXPECT_GE(r->resync_to, 3);
  // The lost order is listed (the stream never delivered it); the one delivered before is not.
  EXPECT_NE(std::find(r->resync_orders.begin(), r->resync_orders.end(), lost[0]), r->resync_orders.end());
  EXPECT_EQ(std::find(r->resync_orders.begin(), r->resync_orders.end(), first[0]), r->resync_orders.end());
  EXPECT_GE(session_->stats().replays, 1u);  // replay was tried first
  // Counting goes on after the hole: a later message is delivered normally.
  const auto later = place({order("gap-1", "13.00"_dec)});
  ASSERT_TRUE(pump_until([&] { return has_order_event(later[0], "INSERT", abp::order_status::pending); }, 3000ms));
  expect_seq_once_in_order();
}

TEST_F(AbpStreamSim, SkippedSeqIsReplayedInOrder) {
  start(options());
  place({order("skip-1", "10.00"_dec)});
  ASSERT_TRUE(pump_until([&] { return data().size() >= 1; }, 3000ms));
  fault(R"({"fault":"skip_seq","count":1})");
  const auto ids = place({order("skip-1", "11.00"_dec), order("skip-1", "12.00"_dec)});
  ASSERT_TRUE(pump_until([&] { return data().size() >= 3; }, 3000ms));
  EXPECT_EQ(session_->stats().gaps, 1u);
  EXPECT_GE(session_->stats().replays, 1u);
  EXPECT_EQ(count(abp::stream_event_kind::resynced), 0u);
  const auto d = data();
  ASSERT_EQ(d.size(), 3u);
  for (std::size_t i = 0; i < d.size(); ++i) EXPECT_EQ(*d[i]->seq, static_cast<std::int64_t>(i + 1));
  EXPECT_EQ(d[1]->order_id, ids[0]);
  EXPECT_EQ(d[2]->order_id, ids[1]);
  // The skipped frame is also re-sent after resendMs (it was never acked): dropped as a duplicate.
  pump_for(700ms);
  EXPECT_EQ(data().size(), 3u);
}

TEST_F(AbpStreamSim, RepeatedSeqIsDeliveredOnce) {
  start(options());
  fault(R"({"fault":"repeat_seq","count":2})");
  place({order("rep-1", "10.00"_dec), order("rep-1", "11.00"_dec)});
  ASSERT_TRUE(pump_until([&] { return data().size() >= 2 && session_->stats().duplicates >= 2; }, 3000ms))
      << session_->stats().duplicates;
  pump_for(200ms);
  EXPECT_EQ(data().size(), 2u);
  expect_seq_once_in_order();
}

// ---- keepalive and watchdogs --------------------------------------------------------------------------

TEST_F(AbpStreamSim, ServerPingRevisionIsAnswered) {
  ws_config(R"({"keepalive":"server-ping","pingMs":100,"pongTimeoutMs":500})");
  start(options());
  pump_for(1500ms);  // three pong timeouts' worth: only answered pings keep it open
  EXPECT_GE(count(abp::stream_event_kind::ping), 5u);
  EXPECT_EQ(driver_->connections(), 1u);
  EXPECT_EQ(count(abp::stream_event_kind::disconnected), 0u);
  const auto s = ws_stats();
  EXPECT_GE(s["connections"][0]["pongsReceived"].get<int>(), 5) << s.dump();
}

TEST_F(AbpStreamSim, ClientPingRevisionWithHeartbeats) {
  ws_config(R"({"keepalive":"client-ping","heartbeatMs":150})");
  auto o = options();
  o.client_ping_interval = 200ms;
  o.stall_timeout = 1000ms;
  start(std::move(o));
  pump_for(1200ms);
  EXPECT_GE(count(abp::stream_event_kind::heartbeat), 4u);
  EXPECT_GE(count(abp::stream_event_kind::pong), 3u);  // our pings are answered
  EXPECT_EQ(count(abp::stream_event_kind::ping), 0u);  // WS-1: the server never pings
  EXPECT_EQ(driver_->connections(), 1u);
  const auto s = ws_stats();
  EXPECT_GE(s["connections"][0]["pingsReceived"].get<int>(), 3) << s.dump();
  EXPECT_GE(s["connections"][0]["heartbeatsSent"].get<int>(), 4) << s.dump();
}

TEST_F(AbpStreamSim, StallWatchdogReconnects) {
  auto o = options();
  o.stall_timeout = 500ms;
  start(std::move(o));
  fault(R"({"fault":"stall","ms":1200})");
  ASSERT_TRUE(pump_until([&] { return count(abp::stream_event_kind::disconnected) >= 1; }, 3000ms));
  const seen* d = nullptr;
  for (const auto& e : events_)
    if (e.kind == abp::stream_event_kind::disconnected) d = &e;
  ASSERT_TRUE(d->failure);
  EXPECT_EQ(*d->failure, errc::timeout) << d->failure_text;
  EXPECT_NE(d->failure_text.find("stall"), std::string::npos) << d->failure_text;
  // Reconnected once the server speaks again, and live.
  ASSERT_TRUE(pump_until([&] { return count(abp::stream_event_kind::login_ok) >= 2; }, 5000ms));
  EXPECT_GE(driver_->connections(), 2u);
  place({order("stall-1", "10.00"_dec)});
  ASSERT_TRUE(pump_until([&] { return data().size() >= 1; }, 3000ms));
}

// ---- odd frames -----------------------------------------------------------------------------------------

TEST_F(AbpStreamSim, UnknownChannelIsDeliveredRawAndCounted) {
  start(options());
  fault(R"({"fault":"unknown_channel","count":1})");
  place({order("unk-1", "10.00"_dec)});
  ASSERT_TRUE(pump_until([&] { return data().size() >= 2; }, 3000ms));
  const seen* m = find_data([](const seen& e) { return e.channel == "mystery"; });
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->channel_kind, abp::stream_channel::unknown);
  EXPECT_EQ(m->op, "MYSTERY_EVENT");
  EXPECT_FALSE(m->payload.empty());
  expect_seq_once_in_order();
  EXPECT_EQ(count(abp::stream_event_kind::resynced), 0u);
}

TEST_F(AbpStreamSim, GarbageFrameIsMalformedNotFatal) {
  start(options());
  fault(R"({"fault":"garbage"})");
  ASSERT_TRUE(pump_until([&] { return count(abp::stream_event_kind::malformed) >= 1; }, 3000ms));
  place({order("garb-1", "10.00"_dec)});
  ASSERT_TRUE(pump_until([&] { return data().size() >= 1; }, 3000ms));
  EXPECT_EQ(driver_->connections(), 1u);
  EXPECT_EQ(count(abp::stream_event_kind::disconnected), 0u);
}

TEST_F(AbpStreamSim, OversizedFrameWithinTheLimitIsUnknownBeyondItReconnects) {
  start(options(), {.max_message_bytes = std::size_t{1} << 20});
  fault(R"({"fault":"oversized","bytes":500000})");
  ASSERT_TRUE(pump_until([&] {
    for (const auto& e : events_)
      if (e.kind == abp::stream_event_kind::unknown && e.type == "oversized") return true;
    return false;
  }, 3000ms));
  EXPECT_EQ(driver_->connections(), 1u);
  place({order("big-1", "10.00"_dec)});
  ASSERT_TRUE(pump_until([&] { return data().size() >= 1; }, 3000ms));

  // Over max_message_bytes: the backend fails the receive, the driver reconnects and replays.
  fault(R"({"fault":"oversized","bytes":2000000})");
  const auto ids = place({order("big-1", "11.00"_dec)});
  ASSERT_TRUE(pump_until([&] { return count(abp::stream_event_kind::disconnected) >= 1; }, 3000ms));
  const seen* d = nullptr;
  for (const auto& e : events_)
    if (e.kind == abp::stream_event_kind::disconnected) d = &e;
  ASSERT_TRUE(d->failure);
  EXPECT_EQ(*d->failure, errc::body_too_large) << d->failure_text;
  ASSERT_TRUE(pump_until([&] { return has_order_event(ids[0], "INSERT", abp::order_status::pending); }, 5000ms));
  expect_seq_once_in_order();
}

// ---- connection limit and secrets -------------------------------------------------------------------------

TEST_F(AbpStreamSim, SixthConnection) {
  // Five drivers of one key hold the process's five slots; a sixth waits with connection_limit and
  // never reaches the server.
  std::vector<std::unique_ptr<betwire::beast_websocket>> sockets;
  std::vector<std::unique_ptr<abp::stream_session>> sessions;
  std::vector<std::unique_ptr<abp::stream_driver<betwire::beast_websocket>>> drivers;
  std::vector<std::vector<seen>> evs(6);
  for (int i = 0; i < 6; ++i) {
    sockets.push_back(std::make_unique<betwire::beast_websocket>());
    sessions.push_back(std::make_unique<abp::stream_session>(options()));
    drivers.push_back(std::make_unique<abp::stream_driver<betwire::beast_websocket>>(
        *sockets.back(), *sessions.back(),
        abp::stream_driver_options{.url = sim_->ws_url(), .reconnect = {.initial_delay = 200ms, .seed = 11}}));
  }
  auto live = [&](std::size_t i) { return sessions[i]->state() == abp::stream_state::live; };
  const auto end = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < end) {
    for (std::size_t i = 0; i < 6; ++i)
      drivers[i]->poll(5ms, [&, i](const abp::stream_event& e) { evs[i].push_back(copy(e)); });
    if (live(0) && live(1) && live(2) && live(3) && live(4) && drivers[5]->last_error()) break;
  }
  for (std::size_t i = 0; i < 5; ++i) EXPECT_TRUE(live(i)) << i;
  EXPECT_FALSE(drivers[5]->connected());
  ASSERT_TRUE(drivers[5]->last_error());
  EXPECT_EQ(drivers[5]->last_error()->code, errc::connection_limit);
  EXPECT_EQ(abp::stream_connection_slot::open_count(betwire::secret(demo_key)), 5u);
  EXPECT_EQ(ws_stats()["open"], 5);

  // A sixth connection from elsewhere (a bare session over its own socket, no process slot): the
  // server refuses it with an error frame and closes; the session reads it as a refused login.
  betwire::beast_websocket raw;
  ASSERT_TRUE(raw.connect({.url = sim_->ws_url()}));
  abp::stream_session bare(options());
  bare.on_connected(abp::stream_clock::now());
  const std::string dump = bare.describe_outbox();
  EXPECT_EQ(dump.find(demo_key), std::string::npos) << dump;
  EXPECT_NE(dump.find("\"apiKey\":\"***\""), std::string::npos) << dump;
  for (const auto& f : bare.outbox()) ASSERT_TRUE(raw.send_text(f));
  bare.clear_outbox();
  std::vector<seen> got;
  std::string buf;
  const auto until = std::chrono::steady_clock::now() + 3s;
  while (std::chrono::steady_clock::now() < until && bare.state() != abp::stream_state::closing) {
    auto r = raw.receive(buf, 100ms);
    if (!r || *r == betwire::ws::receive_status::closed) break;
    if (*r == betwire::ws::receive_status::message)
      bare.receive(buf, abp::stream_clock::now(), [&](const abp::stream_event& e) { got.push_back(copy(e)); });
  }
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got[0].kind, abp::stream_event_kind::error);
  EXPECT_NE(got[0].dump.find("Connection limit"), std::string::npos) << got[0].dump;
  EXPECT_EQ(bare.state(), abp::stream_state::closing);
  ASSERT_TRUE(bare.close_reason());
  EXPECT_EQ(bare.close_reason()->code, errc::unauthorized);
  EXPECT_GE(ws_stats()["refused"].get<int>(), 1);
  for (const auto& v : evs)
    for (const auto& e : v) {
      EXPECT_EQ(e.dump.find(demo_key), std::string::npos);
      EXPECT_EQ(e.failure_text.find(demo_key), std::string::npos);
    }

  drivers.clear();
  EXPECT_EQ(abp::stream_connection_slot::open_count(betwire::secret(demo_key)), 0u);
}

TEST_F(AbpStreamSim, ApiKeyAppearsInNoErrorLogOrDump) {
  // A key the venue does not know: refused (error frame, close 1008); the driver backs off and
  // retries. Nothing the user can see or log carries the key.
  constexpr std::string_view bad_key = "abp-test-key-UNKNOWN-7f3a9c2e51";
  auto o = options();
  o.api_key = betwire::secret(bad_key);
  socket_ = std::make_unique<betwire::beast_websocket>();
  session_ = std::make_unique<abp::stream_session>(std::move(o));
  driver_ = std::make_unique<abp::stream_driver<betwire::beast_websocket>>(
      *socket_, *session_, abp::stream_driver_options{.url = sim_->ws_url(), .reconnect = {.initial_delay = 100ms}});
  std::string log;
  auto sink = [&](const abp::stream_event& e) {
    events_.push_back(copy(e));
    log += abp::redact_frame(e.frame);
    if (e.failure) log += e.failure->describe() + e.failure->venue_message;
    if (e.server_error && e.server_error->message) log += std::string(*e.server_error->message);
    log += session_->describe_outbox();
  };
  const auto end = std::chrono::steady_clock::now() + 3s;
  while (std::chrono::steady_clock::now() < end && count(abp::stream_event_kind::disconnected) < 2)
    driver_->poll(20ms, sink);
  ASSERT_GE(count(abp::stream_event_kind::error), 1u);
  ASSERT_GE(count(abp::stream_event_kind::disconnected), 2u);
  EXPECT_EQ(count(abp::stream_event_kind::login_ok), 0u);
  ASSERT_TRUE(driver_->last_error());
  log += driver_->last_error()->describe();
  EXPECT_FALSE(log.empty());
  EXPECT_EQ(log.find(bad_key), std::string::npos) << log;
  // Not even a long piece of it.
  EXPECT_EQ(log.find(bad_key.substr(8, 16)), std::string::npos) << log;
  // The simulator's own stats never echo it either.
  EXPECT_EQ(sim_->get("/_sim/ws/stats").body.find(bad_key), std::string::npos);
}
