// The sans-I/O ABP stream session against scripted frames, with a fake clock: every message kind,
// both keepalive revisions, seq bookkeeping (duplicates, gaps, replay, reconciliation), acks, and
// every fault the simulator's contract lists, as the session sees it.

#define BETWIRE_DEFINE_COUNTING_NEW
#include "counting_allocator.hpp"

#include <betwire/abp/stream.hpp>
#include <betwire/abp/stream_driver.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace abp = betwire::abp;
using namespace std::chrono_literals;
using betwire::errc;

namespace {

constexpr std::string_view key = "abp-test-key-SECRET-0042";

abp::stream_time t0() { return abp::stream_time{} + std::chrono::hours(1000); }

std::string order_payload(std::int64_t id, std::string_view status = "PENDING", std::string_view filled = "0",
                          std::string_view user_ref = "bettor1") {
  std::string s = R"({"orderId":)" + std::to_string(id) +
                  R"(,"requestUuid":"6f1c8a52-0b7e-4a0c-9d3e-1a2b3c4d5e6f","client":"demo","clientName":"demo",)"
                  R"("fixtureId":"id1000004461512432","outcomeId":103,"playerId":0,"orderPrice":1.95,"orderStake":10,)"
                  R"("filledStake":)" + std::string(filled) + R"(,"remainingStake":10,"orderStatus":")" + std::string(status) +
                  R"(","statusReason":null,"userRef":")" + std::string(user_ref) +
                  R"(","testOrder":true,"acceptBetterOdds":true,"acceptPartialStake":false,"orderCurrency":"USD",)"
                  R"("back":true,"allowedBookmakers":"*","oddsInfo":null,"meta":{"strategy":"s1"},)"
                  R"("expiresAt":"2026-02-15T19:31:54.778+00:00","filledAt":null,"createdAt":"2026-02-15T19:31:49.778+00:00",)"
                  R"("updatedAt":"2026-02-15T19:31:49.778+00:00"})";
  return s;
}

std::string data_frame(std::string_view channel, std::string_view event, const std::string& payload,
                       std::optional<std::int64_t> seq, bool require_ack = false) {
  std::string s = R"({"type":"data","channel":")" + std::string(channel) + R"(","event":")" + std::string(event) +
                  R"(","payload":)" + payload + R"(,"ts":1771183909789)";
  if (seq) s += R"(,"seq":)" + std::to_string(*seq);
  if (require_ack) s += R"(,"requireAck":true)";
  s += "}";
  return s;
}

std::string order_frame(std::int64_t seq, std::int64_t order_id, bool ack = true, std::string_view status = "PENDING") {
  return data_frame("orders", seq == 1 ? "INSERT" : "UPDATE", order_payload(order_id, status), seq, ack);
}

const std::string login_ok_reliable =
    R"({"type":"login_ok","clientName":"demo","channels":["orders","bets","settlements"],"subscriptionId":7,)"
    R"("access":{"clientFiltered":["orders","bets","settlements","accounts","balance","betslip"],)"
    R"("global":["fixtures","currencies","status","emergency"]},"reliableDelivery":true,)"
    R"("features":{"messageOrdering":true,"acknowledgments":true,"batchAck":true}})";
const std::string login_ok_ws1 =
    R"({"type":"login_ok","clientName":"demo","channels":["orders"],"subscriptionId":1,)"
    R"("access":{"clientFiltered":["orders","bets","settlements","accounts","balance"],"global":["fixtures"]},)"
    R"("features":{"messageOrdering":true,"acknowledgments":false,"batchAck":false}})";

// Records every event as plain values (the views die with the callback).
struct recorder {
  struct item {
    abp::stream_event_kind kind = abp::stream_event_kind::unknown;
    std::string type{};
    std::optional<std::int64_t> seq;
    abp::stream_channel channel = abp::stream_channel::unknown;
    std::string channel_name, event_name;
    std::int64_t order_id = 0;
    abp::order_status order_status = abp::order_status::unknown;
    bool typed = false;
    bool payload_error = false;
    std::string payload;
    std::vector<std::int64_t> resync_orders;
    std::vector<std::int64_t> resync_bets;
    std::int64_t resync_from = 0, resync_to = 0;
    bool resync_failed = false;
    std::string failure;
  };
  std::vector<item> items;
  void operator()(const abp::stream_event& e) {
    item it{};
    it.kind = e.kind;
    it.type = std::string(e.type_name);
    if (e.data) {
      it.seq = e.data->seq;
      it.channel = e.data->channel;
      it.channel_name = std::string(e.data->channel_name);
      it.event_name = std::string(e.data->event_name);
      it.payload = std::string(e.data->payload.view());
      it.payload_error = e.data->payload_error != nullptr;
      it.typed = e.data->order || e.data->bet || e.data->balance || e.data->emergency || e.data->betslip;
      if (e.data->order) {
        it.order_id = e.data->order->order_id;
        it.order_status = e.data->order->order_status;
      }
    }
    if (e.resync) {
      for (const auto& o : e.resync->orders) it.resync_orders.push_back(o.order_id);
      for (const auto& b : e.resync->bets) it.resync_bets.push_back(b.bet_id);
      it.resync_from = e.resync->from_seq;
      it.resync_to = e.resync->to_seq;
      it.resync_failed = e.resync->failure != nullptr;
      if (e.resync->failure) it.failure = e.resync->failure->describe();
    }
    if (e.failure) it.failure = e.failure->describe();
    items.push_back(std::move(it));
  }
  std::vector<std::int64_t> data_seqs() const {
    std::vector<std::int64_t> out;
    for (const auto& i : items)
      if (i.kind == abp::stream_event_kind::data && i.seq) out.push_back(*i.seq);
    return out;
  }
  std::size_t count(abp::stream_event_kind k) const {
    std::size_t n = 0;
    for (const auto& i : items) n += i.kind == k;
    return n;
  }
};

// A REST truth for reconciliation.
struct fake_rest final : abp::reconcile_source {
  std::vector<abp::order> orders;
  std::vector<abp::bet> bets;
  int calls = 0;
  int fail_next = 0;
  std::vector<std::string> refs;
  betwire::result<void> fetch_orders(std::string_view ref, std::vector<abp::order>& out) override {
    ++calls;
    refs.emplace_back(ref);
    if (fail_next > 0) {
      --fail_next;
      return betwire::fail(betwire::error(errc::server_error, "503 from the venue"));
    }
    for (const auto& o : orders)
      if (o.user_ref == ref) out.push_back(o);
    return {};
  }
  betwire::result<void> fetch_bets(std::string_view ref, std::vector<abp::bet>& out) override {
    for (const auto& b : bets)
      if (b.user_ref == ref) out.push_back(b);
    return {};
  }
  void set_order(std::int64_t id, abp::order_status st, std::string_view user_ref = "bettor1") {
    for (auto& o : orders)
      if (o.order_id == id) {
        o.order_status = st;
        return;
      }
    abp::order o{};
    o.order_id = id;
    o.order_status = st;
    o.user_ref = std::string(user_ref);
    orders.push_back(o);
  }
};

struct harness {
  abp::stream_session s;
  recorder rec;
  abp::stream_time now = t0();
  explicit harness(abp::stream_options o = make_options()) : s(std::move(o)) {}
  static abp::stream_options make_options() {
    abp::stream_options o;
    o.api_key = betwire::secret(key);
    o.channels = {"orders", "bets", "settlements"};
    return o;
  }
  void feed(std::string frame) { s.receive(frame, now, std::ref(rec)); }
  void tick() { s.tick(now, std::ref(rec)); }
  void advance(std::chrono::milliseconds d) {
    now += d;
    tick();
  }
  std::vector<std::string> take_outbox() {
    std::vector<std::string> out(s.outbox().begin(), s.outbox().end());
    s.clear_outbox();
    return out;
  }
  void connect_and_login(const std::string& ok = login_ok_reliable) {
    s.on_connected(now);
    take_outbox();
    feed(ok);
  }
};

bool contains(const std::vector<std::string>& frames, std::string_view text) {
  for (const auto& f : frames)
    if (f == text) return true;
  return false;
}

}  // namespace

// ---- frames the client builds ----------------------------------------------------------------------

TEST(StreamFrames, EveryClientMessage) {
  std::string out;
  const std::vector<std::string> channels{"orders", "bets"};
  abp::stream_frames::login(out, betwire::secret("k\"1"), channels, true);
  EXPECT_EQ(out, R"({"type":"login","apiKey":"k\"1","channels":["orders","bets"],"reliableDelivery":true})");
  abp::stream_frames::login(out, betwire::secret("k"), {}, false);
  EXPECT_EQ(out, R"({"type":"login","apiKey":"k","channels":[]})");
  abp::stream_frames::update_channels(out, channels);
  EXPECT_EQ(out, R"({"type":"update_channels","channels":["orders","bets"]})");
  abp::stream_frames::ping(out);
  EXPECT_EQ(out, R"({"type":"ping"})");
  abp::stream_frames::pong(out);
  EXPECT_EQ(out, R"({"type":"pong"})");
  abp::stream_frames::ack(out, 42);
  EXPECT_EQ(out, R"({"type":"ack","seq":42})");
  abp::stream_frames::ack_batch(out, 50);
  EXPECT_EQ(out, R"({"type":"ack_batch","upToSeq":50})");
  abp::stream_frames::replay(out, 40);
  EXPECT_EQ(out, R"({"type":"replay","fromSeq":40})");
  abp::stream_frames::subscribe_betslip(out, {.fixture_id = "id1000004461512432", .outcome_id = 103, .player_id = 0,
                                              .bookmakers = {"pinnacle", "sharpbet"}, .ttl = 300});
  EXPECT_EQ(out, R"({"type":"subscribe_betslip","fixtureId":"id1000004461512432","outcomeId":103,"playerId":0,)"
                 R"("bookmakers":["pinnacle","sharpbet"],"ttl":300})");
  abp::stream_frames::unsubscribe_betslip(out, {.fixture_id = "f\n1", .outcome_id = 1, .player_id = 2});
  EXPECT_EQ(out, R"({"type":"unsubscribe_betslip","fixtureId":"f\u000a1","outcomeId":1,"playerId":2})");
  for (const std::string& f : {out}) EXPECT_TRUE(betwire::json::validate(f));
}

TEST(StreamFrames, SessionRequestsGoToTheOutbox) {
  harness h;
  h.connect_and_login();
  h.s.update_channels({"orders"});
  h.s.subscribe_betslip({.fixture_id = "f", .outcome_id = 1, .player_id = 0, .bookmakers = {"pinnacle"}});
  h.s.unsubscribe_betslip({.fixture_id = "f", .outcome_id = 1, .player_id = 0});
  h.s.ping();
  h.s.replay(5);
  const auto out = h.take_outbox();
  ASSERT_EQ(out.size(), 5u);
  EXPECT_EQ(out[0], R"({"type":"update_channels","channels":["orders"]})");
  EXPECT_EQ(out[1], R"({"type":"subscribe_betslip","fixtureId":"f","outcomeId":1,"playerId":0,"bookmakers":["pinnacle"]})");
  EXPECT_EQ(out[2], R"({"type":"unsubscribe_betslip","fixtureId":"f","outcomeId":1,"playerId":0})");
  EXPECT_EQ(out[3], R"({"type":"ping"})");
  EXPECT_EQ(out[4], R"({"type":"replay","fromSeq":5})");
  // A reconnect logs in with the updated channel set.
  h.s.on_disconnected(h.now);
  h.s.on_connected(h.now);
  const auto again = h.take_outbox();
  ASSERT_FALSE(again.empty());
  EXPECT_NE(again[0].find(R"("channels":["orders"])"), std::string::npos);
}

// ---- the API key never leaks -----------------------------------------------------------------------

TEST(StreamSecrets, LoginFrameIsRedactedInDumps) {
  harness h;
  h.s.on_connected(h.now);
  ASSERT_EQ(h.s.outbox().size(), 1u);
  EXPECT_NE(h.s.outbox()[0].find(key), std::string::npos);  // it must travel in the frame
  const std::string dump = h.s.describe_outbox();
  EXPECT_EQ(dump.find(key), std::string::npos) << dump;
  EXPECT_NE(dump.find(R"("apiKey":"***")"), std::string::npos) << dump;
  EXPECT_EQ(abp::redact_frame(h.s.outbox()[0]).find(key), std::string::npos);
  EXPECT_EQ(abp::redact_frame(R"({"apiKey" : "a\"bSECRETc", "x":1})").find("SECRET"), std::string::npos);
  std::string copy = h.s.outbox()[0];
  h.s.clear_outbox();
  EXPECT_TRUE(h.s.outbox().empty());
}

TEST(StreamSecrets, RefusedLoginErrorScrubsTheKey) {
  harness h;
  h.s.on_connected(h.now);
  h.take_outbox();
  h.feed(std::string(R"({"type":"error","ref":"login","message":"Invalid API key )") + std::string(key) + "\"}");
  ASSERT_EQ(h.s.state(), abp::stream_state::closing);
  ASSERT_TRUE(h.s.close_reason());
  EXPECT_EQ(h.s.close_reason()->code, errc::unauthorized);
  const std::string text = h.s.close_reason()->describe();
  EXPECT_EQ(text.find(key), std::string::npos) << text;
  EXPECT_NE(text.find("Invalid API key ***"), std::string::npos) << text;
  ASSERT_EQ(h.rec.items.size(), 1u);
  EXPECT_EQ(h.rec.items[0].kind, abp::stream_event_kind::error);
  EXPECT_EQ(h.rec.items[0].failure.find(key), std::string::npos);
}

TEST(StreamSecrets, PayloadErrorWhosePathNamesTheKeyScrubsIt) {
  // A decode error names the key it stopped at; a peer picks the keys (here a betslip odds key).
  harness h;
  h.connect_and_login();
  std::string f = data_frame("betslip", "UPDATE",
                             R"({"odds":{")" + std::string(key) + R"(":{"x":{"price":"not a number"}}}})", 1);
  std::string described;
  h.s.receive(f, h.now, [&](const abp::stream_event& e) {
    if (e.kind == abp::stream_event_kind::data && e.data->payload_error) described = e.data->payload_error->describe();
  });
  ASSERT_FALSE(described.empty());
  EXPECT_EQ(described.find(key), std::string::npos) << described;
  EXPECT_NE(described.find("odds.***.x.price"), std::string::npos) << described;
}

// ---- server messages ---------------------------------------------------------------------------------

TEST(StreamMessages, LoginOkEveryField) {
  harness h;
  h.s.on_connected(h.now);
  bool seen = false;
  std::string f = login_ok_reliable;
  h.s.receive(f, h.now, [&](const abp::stream_event& e) {
    ASSERT_EQ(e.kind, abp::stream_event_kind::login_ok);
    ASSERT_TRUE(e.login);
    const auto& l = *e.login;
    EXPECT_EQ(l.client_name, "demo");
    EXPECT_EQ(l.channels, (std::vector<std::string_view>{"orders", "bets", "settlements"}));
    EXPECT_EQ(l.subscription_id, 7);
    ASSERT_TRUE(l.access);
    EXPECT_EQ(l.access->client_filtered.size(), 6u);
    EXPECT_EQ(l.access->client_filtered.back(), "betslip");
    EXPECT_EQ(l.access->global, (std::vector<std::string_view>{"fixtures", "currencies", "status", "emergency"}));
    EXPECT_EQ(l.reliable_delivery, true);
    ASSERT_TRUE(l.features);
    EXPECT_EQ(l.features->message_ordering, true);
    EXPECT_EQ(l.features->acknowledgments, true);
    EXPECT_EQ(l.features->batch_ack, true);
    seen = true;
  });
  EXPECT_TRUE(seen);
  EXPECT_EQ(h.s.state(), abp::stream_state::live);
  EXPECT_TRUE(h.s.reliable());
  EXPECT_EQ(h.s.subscription_id(), 7);
}

TEST(StreamMessages, LoginOkOfWs1HasNoReliableDelivery) {
  harness h;
  h.connect_and_login(login_ok_ws1);
  EXPECT_EQ(h.s.state(), abp::stream_state::live);
  EXPECT_FALSE(h.s.reliable());
  h.feed(order_frame(1, 1, false));
  EXPECT_TRUE(h.take_outbox().empty());  // no acks without reliable delivery
}

TEST(StreamMessages, ControlMessages) {
  harness h;
  h.connect_and_login();
  std::vector<std::string> skipped;
  std::string ref_text, message;
  auto sink = [&](const abp::stream_event& e) {
    h.rec(e);
    if (e.betslip_subscription) {
      EXPECT_EQ(e.betslip_subscription->fixture_id, "id1000004461512432");
      EXPECT_EQ(e.betslip_subscription->outcome_id, 103);
      EXPECT_EQ(e.betslip_subscription->bookmakers.size(), 1u);
      ASSERT_TRUE(e.betslip_subscription->expires_at);
      for (auto s : e.betslip_subscription->skipped.value()) skipped.emplace_back(s);
    }
    if (e.server_error) {
      ref_text = e.server_error->ref ? std::string(e.server_error->ref->view()) : "absent";
      message = std::string(e.server_error->message.value_or(""));
    }
    if (e.channels) {
      EXPECT_EQ(e.channels->channels->size(), 2u);
    }
  };
  std::vector<std::string> frames = {
      R"({"type":"channels_updated","channels":["orders","bets"]})",
      R"({"type":"subscribed_betslip","fixtureId":"id1000004461512432","outcomeId":103,"playerId":0,"bookmakers":["pinnacle"],"expiresAt":"2026-02-07T17:34:37+00:00","skipped":["sharpbet"]})",
      R"({"type":"error","ref":"subscribe_betslip","message":"betslip channel not subscribed"})",
      R"({"type":"error","ref":null,"message":"malformed frame"})",
      R"({"type":"pong"})",
      R"({"type":"heartbeat","ts":1771183909789})",
      R"({"type":"ping"})",
  };
  for (auto& f : frames) h.s.receive(f, h.now, sink);
  ASSERT_EQ(h.rec.items.size(), 1u + frames.size());  // login_ok first
  EXPECT_EQ(h.rec.items[1].kind, abp::stream_event_kind::channels_updated);
  EXPECT_EQ(h.rec.items[2].kind, abp::stream_event_kind::subscribed_betslip);
  EXPECT_EQ(skipped, std::vector<std::string>{"sharpbet"});
  EXPECT_EQ(h.rec.items[3].kind, abp::stream_event_kind::error);
  EXPECT_EQ(h.rec.items[4].kind, abp::stream_event_kind::error);
  EXPECT_EQ(ref_text, "absent");  // "ref": null
  EXPECT_EQ(message, "malformed frame");
  EXPECT_EQ(h.rec.items[5].kind, abp::stream_event_kind::pong);
  EXPECT_EQ(h.rec.items[6].kind, abp::stream_event_kind::heartbeat);
  EXPECT_EQ(h.rec.items[7].kind, abp::stream_event_kind::ping);
  EXPECT_EQ(h.s.state(), abp::stream_state::live);  // an error after login is not fatal
  EXPECT_EQ(h.take_outbox(), std::vector<std::string>{R"({"type":"pong"})"});
}

TEST(StreamMessages, UnknownTypeAndGarbageAreNeverFatal) {
  harness h;
  h.connect_and_login();
  h.feed(R"({"type":"surprise","x":[1,2]})");
  h.feed("this is not json");
  h.feed(R"([1,2,3])");
  h.feed(R"({"no":"type"})");
  h.feed(R"({"type":"data","channel":"orders","event":"INSERT","payload":{"orderId":1},"seq":1)");  // truncated
  ASSERT_EQ(h.rec.items.size(), 6u);
  EXPECT_EQ(h.rec.items[1].kind, abp::stream_event_kind::unknown);
  EXPECT_EQ(h.rec.items[1].type, "surprise");
  for (int i = 2; i < 6; ++i) {
    EXPECT_EQ(h.rec.items[static_cast<std::size_t>(i)].kind, abp::stream_event_kind::malformed) << i;
    EXPECT_FALSE(h.rec.items[static_cast<std::size_t>(i)].failure.empty());
  }
  EXPECT_EQ(h.s.stats().malformed, 4u);
  EXPECT_EQ(h.s.state(), abp::stream_state::live);
  h.feed(order_frame(1, 1));
  EXPECT_EQ(h.rec.data_seqs(), std::vector<std::int64_t>{1});
}

TEST(StreamMessages, OversizedValidFrameIsDelivered) {
  harness h;
  h.connect_and_login();
  std::string big = R"({"type":"data","channel":"mystery","event":"BLOB","payload":{"pad":")";
  big.append(std::size_t{2} << 20, 'x');
  big += R"("},"seq":1})";
  h.feed(big);
  ASSERT_EQ(h.rec.data_seqs(), std::vector<std::int64_t>{1});
  EXPECT_EQ(h.rec.items.back().payload.size(), (std::size_t{2} << 20) + 10);
}

// ---- data, typed per channel ---------------------------------------------------------------------

TEST(StreamData, OrdersEveryField) {
  harness h;
  h.connect_and_login();
  std::string f = order_frame(1, 9001, true);
  bool seen = false;
  h.s.receive(f, h.now, [&](const abp::stream_event& e) {
    ASSERT_EQ(e.kind, abp::stream_event_kind::data);
    const auto& d = *e.data;
    EXPECT_EQ(d.channel, abp::stream_channel::orders);
    EXPECT_EQ(d.op, abp::stream_op::insert);
    EXPECT_EQ(d.seq, 1);
    EXPECT_EQ(d.ts, 1771183909789);
    EXPECT_TRUE(d.require_ack);
    ASSERT_TRUE(d.order) << (d.payload_error ? d.payload_error->describe() : "");
    const auto& o = *d.order;
    EXPECT_EQ(o.order_id, 9001);
    EXPECT_EQ(o.request_uuid, "6f1c8a52-0b7e-4a0c-9d3e-1a2b3c4d5e6f");
    EXPECT_EQ(o.client, "demo");
    EXPECT_EQ(o.client_name, "demo");
    EXPECT_EQ(o.fixture_id, "id1000004461512432");
    EXPECT_EQ(o.outcome_id, 103);
    EXPECT_EQ(o.order_price.text(), "1.95");
    EXPECT_EQ(o.remaining_stake.text(), "10");
    EXPECT_EQ(o.order_status, abp::order_status::pending);
    EXPECT_FALSE(o.status_reason);
    EXPECT_EQ(o.user_ref, "bettor1");
    EXPECT_TRUE(o.accept_better_odds);
    EXPECT_EQ(o.allowed_bookmakers, "*");
    EXPECT_FALSE(o.odds_info);
    ASSERT_TRUE(o.meta);
    EXPECT_EQ(o.meta->view(), R"({"strategy":"s1"})");
    EXPECT_FALSE(o.filled_at);
    ASSERT_TRUE(o.updated_at);
    seen = true;
  });
  EXPECT_TRUE(seen);
}

TEST(StreamData, Ws1OrderSubsetAndStatusChange) {
  harness h;
  h.connect_and_login(login_ok_ws1);
  h.feed(R"({"type":"data","channel":"orders","event":"STATUS_CHANGE","payload":{"orderId":1,"requestUuid":"u","clientName":"demo","fixtureId":"f","outcomeId":1,"playerId":0,"orderPrice":2.0,"orderStake":5,"filledStake":5,"remainingStake":0,"orderStatus":"FILLED","userRef":"r","testOrder":false,"acceptBetterOdds":false,"acceptPartialStake":true,"orderCurrency":"EUR","back":false,"createdAt":"2026-02-15T19:31:49.778Z","expiresAt":"2026-02-15T19:31:54.778Z"},"ts":1,"seq":42})");
  ASSERT_EQ(h.rec.items.size(), 2u);
  EXPECT_TRUE(h.rec.items[1].typed);
  EXPECT_EQ(h.rec.items[1].order_status, abp::order_status::filled);
  EXPECT_EQ(h.rec.items[1].event_name, "STATUS_CHANGE");
}

TEST(StreamData, BetsSettlementsBalanceEmergencyBetslip) {
  harness h;
  h.connect_and_login();
  int checks = 0;
  auto sink = [&](const abp::stream_event& e) {
    ASSERT_EQ(e.kind, abp::stream_event_kind::data);
    const auto& d = *e.data;
    ASSERT_FALSE(d.payload_error) << d.payload_error->describe();
    switch (d.channel) {
      case abp::stream_channel::bets:
        ASSERT_TRUE(d.bet);
        EXPECT_EQ(d.bet->bet_id, 77);
        EXPECT_EQ(d.bet->bet_status, abp::bet_status::placed);
        EXPECT_EQ(d.bet->account, "pinnacle_main");
        EXPECT_EQ(d.bet->sent_data->view(), R"({"stake":10,"price":1.95})");
        EXPECT_EQ(d.bet->received_data->view(), R"({"betId":"b1","status":"ok","price":1.95})");
        EXPECT_EQ(d.bet->bet_request_id, "br-1");
        EXPECT_EQ(d.bet->currency_info->currency, "USD");
        ++checks;
        break;
      case abp::stream_channel::settlements:
        ASSERT_TRUE(d.bet);
        EXPECT_EQ(d.op, abp::stream_op::settled);
        EXPECT_EQ(d.bet->settlement_status, abp::settlement_status::won);
        EXPECT_EQ(d.bet->settlement_amount->text(), "19.5");
        EXPECT_TRUE(d.bet->settled_at);
        ++checks;
        break;
      case abp::stream_channel::balance:
        ASSERT_TRUE(d.balance);
        EXPECT_EQ(d.balance->balance.text(), "4990.0");
        EXPECT_EQ(d.balance->username, "pinnacle_main");
        EXPECT_EQ(d.balance->ts, 1771183910123);
        ++checks;
        break;
      case abp::stream_channel::emergency:
        ASSERT_TRUE(d.emergency);
        EXPECT_TRUE(d.emergency->active);
        EXPECT_EQ(d.emergency->reason, "Upstream provider maintenance");
        EXPECT_EQ(d.op, abp::stream_op::status);
        ++checks;
        break;
      case abp::stream_channel::betslip: {
        ASSERT_TRUE(d.betslip);
        const auto& b = *d.betslip;
        ASSERT_EQ(b.odds.size(), 2u);
        const auto* pin = b.odds.find("pinnacle");
        ASSERT_TRUE(pin);
        ASSERT_EQ(pin->size(), 1u);
        EXPECT_EQ(pin->begin()->first, "id1000004461512432:pinnacle:103:0");  // opaque, kept as is
        EXPECT_EQ(pin->begin()->second.price->text(), "1.95");
        EXPECT_EQ(pin->begin()->second.currency_info->currency, "EUR");
        ++checks;
        break;
      }
      default:
        EXPECT_FALSE(d.order || d.bet || d.balance || d.emergency || d.betslip);
        EXPECT_FALSE(d.payload.view().empty());
        ++checks;
    }
  };
  std::vector<std::string> frames = {
      data_frame("bets", "INSERT",
                 R"({"betId":77,"orderId":9001,"bookmaker":"pinnacle","bookmakerBetId":"b1","betStatus":"PLACED","settlementStatus":"UNSETTLED","placedStake":10,"placedPrice":1.95,"placedCurrency":"USD","account":"pinnacle_main","requestUuid":"u","userRef":"bettor1","testBet":true,"client":"demo","clientName":"demo","sentData":{"stake":10,"price":1.95},"receivedData":{"betId":"b1","status":"ok","price":1.95},"settlementAmount":null,"settlementReason":null,"settledAt":null,"declineReason":null,"betRequestId":"br-1","oddsInfo":null,"currencyInfo":{"currency":"USD","currencyValue":1,"updatedAt":"2026-02-15T19:31:49+00:00"},"meta":{},"placedAt":"2026-02-15T19:31:49+00:00","createdAt":"2026-02-15T19:31:49+00:00","updatedAt":"2026-02-15T19:31:49+00:00"})",
                 1),
      data_frame("settlements", "SETTLED",
                 R"({"betId":77,"orderId":9001,"bookmaker":"pinnacle","betStatus":"CONFIRMED","settlementStatus":"WON","settlementAmount":19.5,"settledAt":"2026-02-15T21:00:00Z"})",
                 2),
      data_frame("balance", "UPDATE",
                 R"({"clientName":"demo","bookmaker":"pinnacle","username":"pinnacle_main","balance":4990.0,"currency":"USD","ts":1771183910123})",
                 3),
      data_frame("emergency", "STATUS", R"({"active":true,"reason":"Upstream provider maintenance","ts":1771183910123})", 4),
      data_frame("betslip", "UPDATE",
                 R"({"clientName":"demo","fixtureId":"id1000004461512432","outcomeId":103,"playerId":0,"odds":{"pinnacle":{"id1000004461512432:pinnacle:103:0":{"price":1.95,"limit":500,"limitMin":1,"limitCurrency":"EUR","limitUsd":540,"limitMinUsd":1.08,"active":true,"account":"p1","currencyInfo":{"currency":"EUR","currencyValue":0.92,"updatedAt":"2026-02-15T19:31:49+00:00"}}},"sharpbet":{"odds_12345":{"price":1.9,"active":false}}}})",
                 5),
      data_frame("accounts", "UPDATE", R"({"bookmaker":"pinnacle","username":"u","anything":[1,{"x":null}]})", 6),
      data_frame("status", "STATUS", R"({"state":"ok"})", 7),
      data_frame("fixtures", "UPDATE", R"({"fixtureId":"f"})", 8),
      data_frame("currencies", "UPDATE", R"({"currency":"EUR","currencyValue":0.92})", 9),
      data_frame("mystery", "WHATEVER", R"({"a":1})", 10),
  };
  for (auto& f : frames) h.s.receive(f, h.now, sink);
  EXPECT_EQ(checks, 10);
}

TEST(StreamData, PayloadThatDoesNotMatchIsStillDelivered) {
  harness h;
  h.connect_and_login();
  h.feed(data_frame("orders", "DELETE", R"({"orderId":"not a number"})", 1));
  h.feed(order_frame(2, 5));
  ASSERT_EQ(h.rec.data_seqs(), (std::vector<std::int64_t>{1, 2}));
  EXPECT_TRUE(h.rec.items[1].payload_error);
  EXPECT_FALSE(h.rec.items[1].typed);
  EXPECT_TRUE(h.rec.items[2].typed);
}

TEST(StreamData, WarmOrdersFrameAllocatesNothing) {
  ASSERT_TRUE(betwire_test::counting_enabled);
  abp::stream_options o = harness::make_options();
  o.acks = abp::ack_policy::per_message;
  harness h(std::move(o));
  h.connect_and_login();
  std::string frame;
  std::int64_t seq = 1;
  int typed = 0;
  auto sink = [&](const abp::stream_event& e) { typed += e.data && e.data->order ? 1 : 0; };
  const std::string templ = order_frame(999999, 42);
  auto run = [&] {
    frame = templ;
    const std::string s = std::to_string(seq);
    const auto at = frame.find("999999");
    frame.replace(at, 6, std::string(6 - s.size(), ' ') + s);  // same length: no allocation
    h.s.receive(frame, h.now, sink);
    h.s.clear_outbox();
    ++seq;
  };
  frame.reserve(templ.size() + 16);
  for (int i = 0; i < 10; ++i) run();  // warm
  const auto n = betwire_test::count_allocations([&] {
    for (int i = 0; i < 100; ++i) run();
  });
  EXPECT_EQ(n, 0u);
  EXPECT_EQ(typed, 110);
}

// ---- seq: duplicates, gaps, replay, reconciliation ---------------------------------------------------

TEST(StreamSeq, RepeatedSeqIsDeliveredOnce) {
  harness h;
  h.connect_and_login();
  h.feed(order_frame(1, 1));
  h.feed(order_frame(1, 1));  // repeat_seq
  h.feed(order_frame(2, 1));
  h.feed(order_frame(2, 1));
  EXPECT_EQ(h.rec.data_seqs(), (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(h.s.stats().duplicates, 2u);
}

TEST(StreamSeq, SkippedSeqIsReplayedAndDeliveredInOrder) {
  harness h;
  h.connect_and_login();
  h.feed(order_frame(1, 1));
  h.take_outbox();
  h.feed(order_frame(3, 1));  // skip_seq: 2 is not sent live
  h.feed(order_frame(4, 1));
  EXPECT_EQ(h.rec.data_seqs(), std::vector<std::int64_t>{1});  // held until 2 comes
  auto out = h.take_outbox();
  EXPECT_TRUE(contains(out, R"({"type":"replay","fromSeq":2})"));
  EXPECT_TRUE(contains(out, R"({"type":"ack","seq":3})"));  // held frames are acked one by one
  EXPECT_TRUE(contains(out, R"({"type":"ack","seq":4})"));
  h.feed(order_frame(2, 1));  // the replay
  h.feed(order_frame(3, 1));  // the replay goes on: duplicates of what is held or delivered
  h.feed(order_frame(4, 1));
  EXPECT_EQ(h.rec.data_seqs(), (std::vector<std::int64_t>{1, 2, 3, 4}));
  h.advance(5s);
  EXPECT_EQ(h.rec.count(abp::stream_event_kind::resynced), 0u);
  EXPECT_EQ(h.s.last_seq(), 4);
}

TEST(StreamSeq, LostSeqIsReconciledThroughRest) {
  harness h;
  fake_rest rest;
  h.s.set_reconcile_source(&rest);
  h.connect_and_login();
  h.feed(order_frame(1, 1));
  h.feed(order_frame(2, 2));
  // lose_seq: seq 3 (order 3 filled) is gone from the log too; 4 is a balance update.
  rest.set_order(1, abp::order_status::pending);
  rest.set_order(2, abp::order_status::pending);
  rest.set_order(3, abp::order_status::filled);
  h.feed(data_frame("balance", "UPDATE", R"({"bookmaker":"p","balance":1,"currency":"USD"})", 4, true));
  h.feed(order_frame(5, 2, true, "CANCELLED"));
  rest.set_order(2, abp::order_status::cancelled);
  h.take_outbox();
  h.advance(500ms);
  EXPECT_EQ(h.rec.count(abp::stream_event_kind::resynced), 0u);  // replay still has time
  h.advance(600ms);
  ASSERT_EQ(h.rec.count(abp::stream_event_kind::resynced), 1u);
  const auto& r = h.rec.items[h.rec.items.size() - 2];  // resynced, then the held balance frame
  ASSERT_EQ(r.kind, abp::stream_event_kind::resynced);
  EXPECT_EQ(r.resync_from, 3);
  EXPECT_EQ(r.resync_to, 5);
  EXPECT_EQ(r.resync_orders, (std::vector<std::int64_t>{2, 3}));  // order 1 did not change
  EXPECT_EQ(h.rec.items.back().channel, abp::stream_channel::balance);
  EXPECT_EQ(rest.refs, std::vector<std::string>{"bettor1"});  // the userRefs the stream delivered
  EXPECT_EQ(h.s.last_seq(), 5);
  EXPECT_TRUE(contains(h.take_outbox(), R"({"type":"ack_batch","upToSeq":5})"));
  h.feed(order_frame(6, 1));
  EXPECT_EQ(h.rec.data_seqs().back(), 6);
}

TEST(StreamSeq, FailedReconciliationIsReportedAndRetried) {
  harness h;
  fake_rest rest;
  rest.fail_next = 1;
  h.s.set_reconcile_source(&rest);
  h.connect_and_login();
  h.feed(order_frame(1, 1));
  h.feed(order_frame(3, 1));
  h.advance(1100ms);
  ASSERT_EQ(h.rec.count(abp::stream_event_kind::resynced), 1u);
  EXPECT_TRUE(h.rec.items.back().resync_failed);
  EXPECT_NE(h.rec.items.back().failure.find("503"), std::string::npos);
  EXPECT_EQ(h.s.last_seq(), 1);  // the hole stays open
  h.advance(1100ms);
  ASSERT_EQ(h.rec.count(abp::stream_event_kind::resynced), 2u);
  EXPECT_FALSE(h.rec.items.back().resync_failed);
  EXPECT_EQ(h.s.last_seq(), 3);
}

TEST(StreamSeq, NoReconcileSourceIsAnExplicitFailureNotASilentHole) {
  harness h;
  h.connect_and_login();
  h.feed(order_frame(1, 1));
  h.feed(order_frame(3, 1));
  h.advance(1100ms);
  ASSERT_GE(h.rec.count(abp::stream_event_kind::resynced), 1u);
  EXPECT_TRUE(h.rec.items.back().resync_failed);
}

TEST(StreamSeq, WithoutReliableDeliveryAGapReconcilesAtOnce) {
  abp::stream_options o = harness::make_options();
  o.reliable_delivery = false;
  o.reconcile_user_refs = {"desk-a", "desk-b"};
  harness h(std::move(o));
  fake_rest rest;
  h.s.set_reconcile_source(&rest);
  h.connect_and_login(login_ok_ws1);
  h.feed(order_frame(1, 1, false));
  h.feed(order_frame(3, 1, false));
  EXPECT_EQ(h.rec.count(abp::stream_event_kind::resynced), 1u);
  EXPECT_EQ(rest.refs, (std::vector<std::string>{"desk-a", "desk-b"}));
  for (const auto& f : h.take_outbox()) EXPECT_EQ(f.find("replay"), std::string::npos) << f;
}

TEST(StreamSeq, HeldFramesBeyondTheLimitReconcileAtOnce) {
  abp::stream_options o = harness::make_options();
  o.max_out_of_order = 10;
  harness h(std::move(o));
  fake_rest rest;
  h.s.set_reconcile_source(&rest);
  h.connect_and_login();
  h.feed(order_frame(1, 1));
  for (std::int64_t s = 3; s <= 13; ++s) h.feed(order_frame(s, 1));
  ASSERT_EQ(h.rec.count(abp::stream_event_kind::resynced), 1u);
  EXPECT_EQ(h.s.last_seq(), 13);
}

// ---- reconnects ---------------------------------------------------------------------------------------

TEST(StreamReconnect, ReplaysFromTheLastSeqAndDropsWhatItHad) {
  harness h;
  h.connect_and_login();
  for (std::int64_t s = 1; s <= 5; ++s) h.feed(order_frame(s, 1));
  h.s.on_disconnected(h.now);  // drop
  h.s.on_connected(h.now);
  const auto out = h.take_outbox();
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].find(R"({"type":"login")"), 0u);
  EXPECT_EQ(out[1], R"({"type":"replay","fromSeq":6})");
  h.feed(login_ok_reliable);
  for (std::int64_t s = 4; s <= 8; ++s) h.feed(order_frame(s, 1));  // replay overlaps
  EXPECT_EQ(h.rec.data_seqs(), (std::vector<std::int64_t>{1, 2, 3, 4, 5, 6, 7, 8}));
}

TEST(StreamReconnect, WhatWasQueuedForTheOldConnectionIsDroppedAndLoginGoesFirst) {
  harness h;
  h.connect_and_login();
  h.feed(order_frame(1, 1));
  h.feed(R"({"type":"ping"})");  // a pong is queued ...
  h.s.ping();                    // ... and a client ping: both for a connection that now drops
  ASSERT_GE(h.s.outbox().size(), 2u);
  h.s.on_disconnected(h.now);
  EXPECT_TRUE(h.s.outbox().empty());
  // Asked for while disconnected: sent on the next connection, after login and replay.
  const abp::subscribe_betslip_request sub{.fixture_id = "id1000004461512432", .outcome_id = 103, .player_id = 0,
                                           .bookmakers = {"pinnacle"}};
  h.s.subscribe_betslip(sub);
  h.s.on_connected(h.now);
  const auto out = h.take_outbox();
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].find(R"({"type":"login")"), 0u) << abp::redact_frame(out[0]);
  EXPECT_EQ(out[1], R"({"type":"replay","fromSeq":2})");
  EXPECT_EQ(out[2].find(R"({"type":"subscribe_betslip")"), 0u) << out[2];
}

TEST(StreamReconnect, NewSubscriptionIdReconciles) {
  harness h;
  fake_rest rest;
  rest.set_order(1, abp::order_status::filled);
  h.s.set_reconcile_source(&rest);
  h.connect_and_login();
  h.feed(order_frame(1, 1));
  h.s.on_disconnected(h.now);
  h.s.on_connected(h.now);
  std::string other = login_ok_reliable;
  other.replace(other.find(R"("subscriptionId":7)"), 18, R"("subscriptionId":8)");
  h.feed(other);
  ASSERT_EQ(h.rec.count(abp::stream_event_kind::resynced), 1u);
  EXPECT_EQ(h.rec.items.back().resync_orders, std::vector<std::int64_t>{1});
  h.feed(order_frame(1, 1));  // seq restarts in the new space
  EXPECT_EQ(h.rec.data_seqs(), (std::vector<std::int64_t>{1, 1}));
}

TEST(StreamReconnect, ChannelsUpdatedToAnotherSubscriptionCountsAfresh) {
  harness h;
  h.connect_and_login();
  for (std::int64_t s = 1; s <= 5; ++s) h.feed(order_frame(s, 1));
  h.feed(R"({"type":"channels_updated","channels":["orders"],"subscriptionId":9})");
  EXPECT_EQ(h.s.subscription_id(), 9);
  h.feed(order_frame(1, 1));  // the new subscription's first seq: not a duplicate
  EXPECT_EQ(h.rec.data_seqs(), (std::vector<std::int64_t>{1, 2, 3, 4, 5, 1}));
  EXPECT_EQ(h.rec.count(abp::stream_event_kind::resynced), 0u);
}

TEST(StreamReconnect, WithoutReliableDeliveryReconciles) {
  abp::stream_options o = harness::make_options();
  o.reliable_delivery = false;
  harness h(std::move(o));
  fake_rest rest;
  h.s.set_reconcile_source(&rest);
  h.connect_and_login(login_ok_ws1);
  h.feed(order_frame(1, 1, false));
  h.s.on_disconnected(h.now);
  h.s.on_connected(h.now);
  for (const auto& f : h.take_outbox()) EXPECT_EQ(f.find("replay"), std::string::npos);
  h.feed(login_ok_ws1);
  EXPECT_EQ(h.rec.count(abp::stream_event_kind::resynced), 1u);
  h.feed(order_frame(9, 1, false));  // the next frame is the new baseline, not another gap
  EXPECT_EQ(h.rec.count(abp::stream_event_kind::resynced), 1u);
  EXPECT_EQ(h.rec.data_seqs().back(), 9);
}

// ---- acknowledgements --------------------------------------------------------------------------------

TEST(StreamAcks, PerMessage) {
  abp::stream_options o = harness::make_options();
  o.acks = abp::ack_policy::per_message;
  harness h(std::move(o));
  h.connect_and_login();
  h.feed(order_frame(1, 1));
  h.feed(order_frame(2, 1));
  EXPECT_EQ(h.take_outbox(), (std::vector<std::string>{R"({"type":"ack","seq":1})", R"({"type":"ack","seq":2})"}));
  h.feed(order_frame(2, 1));  // re-sent after 30 s: our ack was lost, ack again, deliver nothing
  EXPECT_EQ(h.take_outbox(), std::vector<std::string>{R"({"type":"ack","seq":2})"});
  EXPECT_EQ(h.rec.data_seqs().size(), 2u);
}

TEST(StreamAcks, BatchedBySizeAndDelayNeverNear100Unacked) {
  harness h;  // batch of 20, 100 ms
  h.connect_and_login();
  std::int64_t unacked = 0, worst = 0, acked_upto = 0;
  for (std::int64_t s = 1; s <= 250; ++s) {
    h.feed(order_frame(s, 1));
    for (const auto& f : h.take_outbox()) {
      ASSERT_EQ(f.find(R"({"type":"ack_batch","upToSeq":)"), 0u) << f;
      acked_upto = std::stoll(f.substr(f.rfind(':') + 1));
    }
    unacked = s - acked_upto;
    worst = std::max(worst, unacked);
  }
  EXPECT_LE(worst, 20);
  EXPECT_EQ(acked_upto, 240);
  h.advance(50ms);
  EXPECT_TRUE(h.take_outbox().empty());
  h.advance(60ms);
  EXPECT_EQ(h.take_outbox(), std::vector<std::string>{R"({"type":"ack_batch","upToSeq":250})"});
}

// ---- keepalive, watchdogs ----------------------------------------------------------------------------

TEST(StreamKeepalive, Ws2ServerPingIsAnsweredAtOnce) {
  harness h;
  h.connect_and_login();
  for (int i = 0; i < 5; ++i) {
    h.now += 30s;
    h.feed(R"({"type":"ping"})");
    auto out = h.take_outbox();
    EXPECT_TRUE(contains(out, R"({"type":"pong"})"));
    h.tick();
  }
  EXPECT_EQ(h.s.state(), abp::stream_state::live);
  EXPECT_EQ(h.s.stats().pongs_sent, 5u);
}

TEST(StreamKeepalive, Ws1ClientPingsEvery30sAndHeartbeatKeepsItAlive) {
  harness h;
  h.connect_and_login(login_ok_ws1);
  EXPECT_EQ(h.s.next_deadline(), h.now + 30s);
  h.advance(29s);
  EXPECT_TRUE(h.take_outbox().empty());
  h.advance(1s);
  EXPECT_EQ(h.take_outbox(), std::vector<std::string>{R"({"type":"ping"})"});
  h.feed(R"({"type":"pong"})");
  h.advance(30s);
  EXPECT_EQ(h.take_outbox(), std::vector<std::string>{R"({"type":"ping"})"});
  h.feed(R"({"type":"heartbeat","ts":1771183909789})");
  h.advance(60s);
  h.feed(R"({"type":"heartbeat","ts":1771183969789})");
  h.advance(60s);
  EXPECT_EQ(h.s.state(), abp::stream_state::live);
  EXPECT_GE(h.s.stats().pings_sent, 4u);
}

TEST(StreamKeepalive, StallClosesTheConnection) {
  harness h;
  h.connect_and_login();
  h.advance(89s);
  EXPECT_EQ(h.s.state(), abp::stream_state::live);
  h.advance(1s);  // stall: nothing at all for 90 s
  ASSERT_EQ(h.s.state(), abp::stream_state::closing);
  EXPECT_EQ(h.s.close_reason()->code, errc::timeout);
}

TEST(StreamKeepalive, LoginOkMustArriveWithin30s) {
  harness h;
  h.s.on_connected(h.now);
  h.advance(29s);
  EXPECT_EQ(h.s.state(), abp::stream_state::awaiting_login);
  h.advance(1s);
  ASSERT_EQ(h.s.state(), abp::stream_state::closing);
  EXPECT_EQ(h.s.close_reason()->code, errc::timeout);
  EXPECT_EQ(h.s.close_reason()->describe().find(key), std::string::npos);
}

TEST(StreamKeepalive, SixthConnectionRefusedByServer) {
  harness h;
  h.s.on_connected(h.now);
  h.feed(R"({"type":"error","ref":"login","message":"Connection limit exceeded"})");
  ASSERT_EQ(h.s.state(), abp::stream_state::closing);
  EXPECT_NE(h.s.close_reason()->describe().find("Connection limit exceeded"), std::string::npos);
}

TEST(StreamLimits, AtMostFiveConnectionsPerKeyInOneProcess) {
  const betwire::secret k("limit-test-key-1");
  std::vector<abp::stream_connection_slot> slots;
  for (int i = 0; i < 5; ++i) {
    auto s = abp::stream_connection_slot::acquire(k);
    ASSERT_TRUE(s);
    slots.push_back(std::move(*s));
  }
  auto sixth = abp::stream_connection_slot::acquire(k);
  ASSERT_FALSE(sixth);
  EXPECT_EQ(sixth.error().code, errc::connection_limit);
  EXPECT_EQ(sixth.error().describe().find("limit-test-key-1"), std::string::npos);
  EXPECT_TRUE(abp::stream_connection_slot::acquire(betwire::secret("another-key")));
  slots.pop_back();
  EXPECT_EQ(abp::stream_connection_slot::open_count(k), 4u);
  EXPECT_TRUE(abp::stream_connection_slot::acquire(k));
}

// ---- the driver over a scripted websocket -------------------------------------------------------------

namespace {

// A betwire::websocket that plays back a script: what connect() says, and what each receive() gets.
struct scripted_ws {
  enum class what { message, closed, failure };
  struct step {
    what kind = what::message;
    std::string text{};
  };
  std::deque<step> incoming;
  std::vector<std::string> sent;
  int connects = 0;
  int refuse_connects = 0;
  bool open = false;

  betwire::result<void> connect(const betwire::ws::connect_request&) {
    ++connects;
    if (refuse_connects > 0) {
      --refuse_connects;
      return betwire::fail(betwire::ws::websocket_error(errc::connect_failed, "connection refused"));
    }
    open = true;
    return {};
  }
  betwire::result<void> send_text(std::string_view text) {
    sent.emplace_back(text);
    return {};
  }
  betwire::result<betwire::ws::receive_status> receive(std::string& text, std::chrono::milliseconds) {
    if (incoming.empty()) return betwire::ws::receive_status::timeout;
    step s = std::move(incoming.front());
    incoming.pop_front();
    if (s.kind == what::closed) {
      open = false;
      return betwire::ws::receive_status::closed;
    }
    if (s.kind == what::failure) {
      open = false;
      return betwire::fail(betwire::ws::websocket_error(errc::connection_reset, "reset by peer"));
    }
    text = std::move(s.text);
    return betwire::ws::receive_status::message;
  }
  void close() noexcept { open = false; }
  bool is_open() const noexcept { return open; }
};
static_assert(betwire::websocket<scripted_ws>);

template <class Driver, class Sink, class Pred>
bool poll_until(Driver& d, Sink& sink, Pred done, std::chrono::milliseconds limit = 2000ms) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= end) return false;
    d.poll(1ms, std::ref(sink));
  }
  return true;
}

}  // namespace

TEST(StreamDriver, BacksOffWithJitterThenConnectsLogsInAndReplaysAfterADrop) {
  scripted_ws ws;
  ws.refuse_connects = 2;
  abp::stream_session session{harness::make_options()};
  abp::stream_driver driver{ws, session, {.url = "ws://127.0.0.1:1/ws",
                                          .reconnect = {.initial_delay = 20ms, .max_delay = 80ms, .jitter = 0.5, .seed = 9}}};
  recorder rec;
  // First refusal: the next attempt lies in [now + 10 ms, now + 20 ms] (delay * (1 - jitter * u)).
  auto before = abp::stream_clock::now();
  driver.poll(1ms, std::ref(rec));
  auto after = abp::stream_clock::now();
  ASSERT_EQ(rec.count(abp::stream_event_kind::disconnected), 1u);
  EXPECT_EQ(driver.last_error()->code, errc::connect_failed);
  EXPECT_GE(driver.next_attempt(), before + 10ms);
  EXPECT_LE(driver.next_attempt(), after + 20ms);
  // Second refusal: the delay has doubled. (The sink hears of the refusal just before the next
  // attempt is scheduled: its time is a lower bound.)
  abp::stream_time refused_at{};
  auto timed = [&](const abp::stream_event& e) {
    if (e.kind == abp::stream_event_kind::disconnected) refused_at = abp::stream_clock::now();
    rec(e);
  };
  ASSERT_TRUE(poll_until(driver, timed, [&] { return ws.connects == 2; }));
  before = refused_at;
  after = abp::stream_clock::now();
  EXPECT_GE(driver.next_attempt(), before + 20ms);
  EXPECT_LE(driver.next_attempt(), after + 40ms);
  // Third attempt connects: login is the first frame on the socket.
  ASSERT_TRUE(poll_until(driver, rec, [&] { return rec.count(abp::stream_event_kind::connected) == 1; }));
  ASSERT_FALSE(ws.sent.empty());
  EXPECT_TRUE(ws.sent[0].starts_with(R"({"type":"login","apiKey":")")) << abp::redact_frame(ws.sent[0]);
  ws.incoming.push_back({scripted_ws::what::message, login_ok_reliable});
  ws.incoming.push_back({scripted_ws::what::message, order_frame(1, 371)});
  ws.incoming.push_back({scripted_ws::what::message, order_frame(2, 371)});
  ASSERT_TRUE(poll_until(driver, rec, [&] { return rec.data_seqs().size() == 2; }));
  EXPECT_EQ(driver.connections(), 1u);
  // The server drops the connection: disconnected (connection_reset), then a new connection logs in
  // and asks for replay from seq 3, without waiting for login_ok.
  ws.incoming.push_back({scripted_ws::what::failure, {}});
  ASSERT_TRUE(poll_until(driver, rec, [&] { return rec.count(abp::stream_event_kind::connected) == 2; }));
  EXPECT_EQ(driver.disconnects(), 1u);
  EXPECT_EQ(rec.items[rec.items.size() - 2].kind, abp::stream_event_kind::disconnected);
  const std::size_t n = ws.sent.size();
  ASSERT_GE(n, 2u);
  EXPECT_TRUE(ws.sent[n - 2].starts_with(R"({"type":"login",)"));
  EXPECT_EQ(ws.sent[n - 1], R"({"type":"replay","fromSeq":3})");
  // Replayed frames it already had are dropped; the new one is delivered.
  ws.incoming.push_back({scripted_ws::what::message, login_ok_reliable});
  ws.incoming.push_back({scripted_ws::what::message, order_frame(2, 371)});
  ws.incoming.push_back({scripted_ws::what::message, order_frame(3, 371)});
  ASSERT_TRUE(poll_until(driver, rec, [&] { return rec.data_seqs().size() == 3; }));
  EXPECT_EQ(rec.data_seqs(), (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_EQ(session.stats().duplicates, 1u);
  // Nothing the user saw carries the key.
  for (const auto& it : rec.items) EXPECT_EQ(it.failure.find(key), std::string::npos) << it.failure;
  driver.stop();
  EXPECT_FALSE(ws.is_open());
  EXPECT_FALSE(driver.poll(1ms, std::ref(rec)));
}

TEST(StreamDriver, LoginIsTheFirstFrameOfANewConnectionEvenWhenTheOldOneDroppedWithFramesQueued) {
  scripted_ws ws;
  abp::stream_session session{harness::make_options()};
  abp::stream_driver driver{ws, session, {.url = "ws://127.0.0.1:1/ws", .reconnect = {.initial_delay = 5ms, .seed = 1}}};
  recorder rec;
  ASSERT_TRUE(poll_until(driver, rec, [&] { return rec.count(abp::stream_event_kind::connected) == 1; }));
  ws.incoming.push_back({scripted_ws::what::message, login_ok_reliable});
  ws.incoming.push_back({scripted_ws::what::message, order_frame(1, 371)});
  ASSERT_TRUE(poll_until(driver, rec, [&] { return rec.data_seqs().size() == 1; }));
  // Pings the session answers in the same burst as the drop: their pongs (and the pending ack) were
  // for the connection that ended, and used to go out on the next one, ahead of its login.
  ws.incoming.push_back({scripted_ws::what::message, R"({"type":"ping"})"});
  ws.incoming.push_back({scripted_ws::what::message, R"({"type":"ping"})"});
  ws.incoming.push_back({scripted_ws::what::message, order_frame(2, 371)});
  ws.incoming.push_back({scripted_ws::what::failure, {}});
  const std::size_t before = ws.sent.size();
  ASSERT_TRUE(poll_until(driver, rec, [&] { return rec.count(abp::stream_event_kind::connected) == 2; }));
  ASSERT_EQ(ws.sent.size(), before + 2) << (ws.sent.size() > before ? abp::redact_frame(ws.sent[before]) : "");
  EXPECT_TRUE(ws.sent[before].starts_with(R"({"type":"login",)")) << abp::redact_frame(ws.sent[before]);
  EXPECT_EQ(ws.sent[before + 1], R"({"type":"replay","fromSeq":3})");
  driver.stop();
}

TEST(StreamDriver, ClosesWhatTheSessionGivesUpOnAndSendsTheKeyNowhereElse) {
  scripted_ws ws;
  auto o = harness::make_options();
  o.stall_timeout = 30ms;
  abp::stream_session session{std::move(o)};
  abp::stream_driver driver{ws, session, {.url = "ws://127.0.0.1:1/ws", .reconnect = {.initial_delay = 5ms}}};
  recorder rec;
  ASSERT_TRUE(poll_until(driver, rec, [&] { return rec.count(abp::stream_event_kind::connected) == 1; }));
  ws.incoming.push_back({scripted_ws::what::message, login_ok_reliable});
  // Then silence: the stall watchdog closes the socket, the driver reconnects.
  ASSERT_TRUE(poll_until(driver, rec, [&] { return rec.count(abp::stream_event_kind::connected) == 2; }));
  const auto* d = [&]() -> const recorder::item* {
    for (const auto& it : rec.items)
      if (it.kind == abp::stream_event_kind::disconnected) return &it;
    return nullptr;
  }();
  ASSERT_NE(d, nullptr);
  EXPECT_NE(d->failure.find("stall"), std::string::npos) << d->failure;
  // The key went out in login frames only.
  for (const auto& f : ws.sent)
    if (f.find(key) != std::string::npos) {
      EXPECT_TRUE(f.starts_with(R"({"type":"login",)")) << abp::redact_frame(f);
    }
  // The server closing cleanly is a disconnect too.
  ws.incoming.push_back({scripted_ws::what::closed, {}});
  ASSERT_TRUE(poll_until(driver, rec, [&] {
    for (const auto& it : rec.items)
      if (it.kind == abp::stream_event_kind::disconnected && it.failure.find("closed the connection") != std::string::npos)
        return true;
    return false;
  }));
  EXPECT_GE(driver.disconnects(), 2u);
}

// ---- the websocket concept helpers ---------------------------------------------------------------------

TEST(WebsocketUrl, Parse) {
  auto u = betwire::ws::parse_url("wss://v2.55-tech.com/ws");
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->tls);
  EXPECT_EQ(u->host, "v2.55-tech.com");
  EXPECT_EQ(u->port, "443");
  EXPECT_EQ(u->target, "/ws");
  u = betwire::ws::parse_url("ws://127.0.0.1:8081");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->port, "8081");
  EXPECT_EQ(u->target, "/");
  u = betwire::ws::parse_url("ws://[::1]:9/x?y=1");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->target, "/x?y=1");
  EXPECT_FALSE(betwire::ws::parse_url("https://x/ws"));
  EXPECT_FALSE(betwire::ws::parse_url("ws://:80/"));
  EXPECT_FALSE(betwire::ws::parse_url("ws://h:8a/"));
  EXPECT_FALSE(betwire::ws::parse_url("ws://h/\r\nX: 1"));
  EXPECT_FALSE(betwire::ws::check_headers({{"X-A", "b\r\nc"}}));
}
