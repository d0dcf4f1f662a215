// Tests of betwire_simulator's ABP WebSocket /ws itself, with an independent client: a small
// Boost.Beast client below (never betwire's stream) and nlohmann-json. Timers are shortened through
// POST /_sim/ws/config so the whole file runs in a few seconds.
//
// Boost 1.74's Asio still names std::result_of, which libc++ 19 removed in C++20: tell it to use
// std::invoke_result (available everywhere we build) so this file compiles with clang/libc++ too.
#ifndef BOOST_ASIO_HAS_STD_INVOKE_RESULT
#define BOOST_ASIO_HAS_STD_INVOKE_RESULT 1
#endif

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "simulator_process.hpp"

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;
using json = nlohmann::json;
using betwire::test::http_call;
using betwire::test::http_result;
using betwire::test::simulator_process;
using std::chrono::milliseconds;

constexpr const char* kDemoKey = "abp-test-key-0001";
constexpr const char* kAcmeKey = "abp-test-key-0002";

// One frame (or the end of the connection) as the test client saw it.
struct frame {
  enum class kind { text, closed, failed, timeout } what = kind::timeout;
  std::string text;
  int close_code = 0;    // when closed (the server's close frame)
  std::string error;     // when failed (the connection ended without a close frame)
  json parsed() const { return json::parse(text, nullptr, false); }
};

// A blocking-style WebSocket client on its own io_context: one read is always outstanding, and
// next() runs the loop until a frame arrives or the time is up.
class ws_client {
 public:
  ws_client(int port, const std::string& target = "/ws") : ws_(ioc_) {
    beast::error_code ec;
    tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port));
    beast::get_lowest_layer(ws_).connect(ep, ec);
    if (!ec) {
      ws_.read_message_max(64u * 1024 * 1024);
      ws_.handshake("127.0.0.1:" + std::to_string(port), target, ec);
    }
    if (ec) {
      error_ = ec.message();
      dead_ = true;
    }
  }
  ws_client(const ws_client&) = delete;
  ws_client& operator=(const ws_client&) = delete;
  ~ws_client() {
    beast::get_lowest_layer(ws_).close();
    ioc_.restart();
    ioc_.poll();  // lets the aborted read finish before the stream goes away
  }

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  bool send(const std::string& text) {
    if (dead_) return false;
    bool done = false;
    beast::error_code result;
    ws_.text(true);
    ws_.async_write(asio::buffer(text), [&](beast::error_code ec, std::size_t) {
      result = ec;
      done = true;
    });
    arm_read();
    ioc_.restart();
    while (!done) ioc_.run_one();
    return !result;
  }
  bool send(const json& j) { return send(j.dump()); }
  bool send(const char* text) { return send(std::string(text)); }

  frame next(milliseconds timeout = milliseconds(3000)) {
    arm_read();
    ioc_.restart();
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (ready_.empty()) {
      const auto now = std::chrono::steady_clock::now();
      if (now >= deadline || ioc_.stopped()) break;
      ioc_.run_one_for(deadline - now);
    }
    if (ready_.empty()) return frame{};
    frame f = std::move(ready_.front());
    ready_.pop_front();
    return f;
  }

  // The next text frame of one of these types, skipping keepalive frames (ping, heartbeat) unless
  // asked for; nullopt when none arrives in time or the connection ends (then `last` says how).
  std::optional<json> next_of(const std::vector<std::string>& types, milliseconds timeout = milliseconds(3000)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto left = std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      last = next(left);
      if (last.what != frame::kind::text) return std::nullopt;
      json j = last.parsed();
      if (!j.is_object()) continue;
      const std::string t = j.value("type", "");
      for (const auto& want : types)
        if (t == want) return j;
    }
  }
  std::optional<json> next_of(const std::string& type, milliseconds timeout = milliseconds(3000)) {
    return next_of(std::vector<std::string>{type}, timeout);
  }

  // Waits for the end of the connection (skipping frames); the frame that ended it.
  frame until_end(milliseconds timeout = milliseconds(3000)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto left = std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return frame{};
      frame f = next(left);
      if (f.what != frame::kind::text) return f;
    }
  }

  bool login(const std::string& key = kDemoKey, json channels = json::array(), std::optional<bool> reliable = std::nullopt) {
    json l = {{"type", "login"}, {"apiKey", key}, {"channels", channels}};
    if (reliable) l["reliableDelivery"] = *reliable;
    if (!send(l)) return false;
    login_ok = next_of("login_ok").value_or(json());
    return login_ok.is_object();
  }

  // The server handles a connection's frames in order: once the pong to this ping is back, every
  // frame sent before it has been processed (so /_sim/ws/stats reflects them).
  bool sync() { return send(R"({"type":"ping"})") && next_of("pong").has_value(); }

  frame last;
  json login_ok;

 private:
  void arm_read() {
    if (reading_ || dead_) return;
    reading_ = true;
    ws_.async_read(buffer_, [this](beast::error_code ec, std::size_t) {
      reading_ = false;
      frame f;
      if (!ec) {
        f.what = frame::kind::text;
        f.text = beast::buffers_to_string(buffer_.data());
        buffer_.consume(buffer_.size());
        ready_.push_back(std::move(f));
        arm_read();
        return;
      }
      dead_ = true;
      if (ec == websocket::error::closed) {
        f.what = frame::kind::closed;
        f.close_code = static_cast<int>(ws_.reason().code);
      } else {
        f.what = frame::kind::failed;
        f.error = ec.message();
      }
      ready_.push_back(std::move(f));
    });
  }

  asio::io_context ioc_;
  websocket::stream<beast::tcp_stream> ws_;
  beast::flat_buffer buffer_;
  std::deque<frame> ready_;
  bool reading_ = false, dead_ = false;
  std::string error_;
};

json parse(const http_result& r) { return json::parse(r.body, nullptr, false); }

class SimWs : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { sim_ = new simulator_process(); }
  static void TearDownTestSuite() {
    delete sim_;
    sim_ = nullptr;
  }
  void SetUp() override {
    ASSERT_TRUE(sim_->ok()) << sim_->error();
    ASSERT_GT(sim_->ws_port(), 0);
    auto r = sim_->post("/_sim/reset");
    ASSERT_TRUE(r.ok) << r.error;
    ASSERT_EQ(r.status, 200) << r.body;
  }

  static int port() { return sim_->port(); }
  static int ws_port() { return sim_->ws_port(); }

  static json control(const std::string& target, const json& body = json::object()) {
    auto r = sim_->post(target, body.dump());
    EXPECT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.status, 200) << target << ": " << r.body;
    return parse(r);
  }
  static json config(const json& body) { return control("/_sim/ws/config", body); }
  static json fault(const json& body) { return control("/_sim/ws/faults", body); }
  static json stats() { return parse(sim_->get("/_sim/ws/stats")); }

  static http_result abp(const std::string& method, const std::string& target, const json& body = nullptr,
                         const char* key = kDemoKey) {
    return http_call(port(), method, "/abp" + target, body.is_null() ? std::string() : body.dump(), {{"x-api-key", key}});
  }

  // Places one order with this stake (the simulator's stake rules pick its fate); its orderId.
  static std::int64_t place(const std::string& stake, const char* key = kDemoKey, const std::string& user_ref = "ws-tester") {
    static int n = 0;
    char uuid[40];
    std::snprintf(uuid, sizeof uuid, "5e1d0000-0000-4000-8000-%012d", ++n);
    const std::string body = R"({"orders":[{"requestUuid":")" + std::string(uuid) +
                             R"(","fixtureId":"id1000004461512432","outcomeId":103,"playerId":0,"orderPrice":1.95,"orderStake":)" + stake +
                             R"(,"userRef":")" + user_ref + R"(","testOrder":true}]})";
    auto r = http_call(port(), "POST", "/abp/place-orders", body, {{"x-api-key", key}});
    EXPECT_EQ(r.status, 200) << r.body;
    const json j = parse(r);
    if (!j.contains("acceptedOrders") || j["acceptedOrders"].empty()) return 0;
    return j["acceptedOrders"][0]["orderId"].get<std::int64_t>();
  }
  static void cancel(std::int64_t order_id) {
    auto r = abp("POST", "/cancel-orders", {{"orderIds", {order_id}}});
    EXPECT_EQ(r.status, 200) << r.body;
  }

  static simulator_process* sim_;
};
simulator_process* SimWs::sim_ = nullptr;

// --- start-up, upgrade, login ---------------------------------------------------------------------

TEST_F(SimWs, ReadyLineGivesTheWebSocketPortAndUrl) {
  EXPECT_NE(sim_->ws_port(), sim_->port());
  EXPECT_EQ(sim_->ws_url(), "ws://127.0.0.1:" + std::to_string(ws_port()) + "/ws");
  // Plain HTTP on the WebSocket port: another path is 404, /ws without an upgrade 426.
  auto r = http_call(ws_port(), "GET", "/other");
  EXPECT_EQ(r.status, 404) << r.error;
  r = http_call(ws_port(), "GET", "/ws");
  EXPECT_EQ(r.status, 426) << r.error;
  ws_client other(ws_port(), "/not-ws");
  EXPECT_FALSE(other.ok());
}

TEST_F(SimWs, LoginOkCarriesEveryDocumentedField) {
  ws_client c(ws_port());
  ASSERT_TRUE(c.ok()) << c.error();
  ASSERT_TRUE(c.login(kDemoKey, json::array({"orders", "bets", "settlements"}), false));
  const json& j = c.login_ok;
  EXPECT_EQ(j["clientName"], "demo");
  EXPECT_EQ(j["channels"], json({"bets", "orders", "settlements"}));
  ASSERT_TRUE(j["subscriptionId"].is_number_integer());
  EXPECT_EQ(j["access"]["clientFiltered"], json({"orders", "bets", "settlements", "accounts", "balance", "betslip"}));
  EXPECT_EQ(j["access"]["global"], json({"fixtures", "currencies", "status", "emergency"}));
  EXPECT_EQ(j["reliableDelivery"], false);
  EXPECT_EQ(j["features"], json({{"messageOrdering", true}, {"acknowledgments", false}, {"batchAck", false}}));

  // [] means every channel; the same key and channels give the same subscription again.
  ws_client all(ws_port());
  ASSERT_TRUE(all.login(kDemoKey, json::array(), true));
  EXPECT_EQ(all.login_ok["channels"].size(), 10u);
  EXPECT_EQ(all.login_ok["features"]["acknowledgments"], true);
  EXPECT_EQ(all.login_ok["features"]["batchAck"], true);
  EXPECT_NE(all.login_ok["subscriptionId"], j["subscriptionId"]);
  ws_client again(ws_port());
  ASSERT_TRUE(again.login(kDemoKey, json::array({"settlements", "orders", "bets"})));
  EXPECT_EQ(again.login_ok["subscriptionId"], j["subscriptionId"]);
  // acme: its own client name.
  ws_client acme(ws_port());
  ASSERT_TRUE(acme.login(kAcmeKey));
  EXPECT_EQ(acme.login_ok["clientName"], "acme");
}

TEST_F(SimWs, BadKeysGetAnErrorFrameThenClose1008) {
  for (const json& key : {json("nope"), json("abp-test-key-noclient"), json(nullptr)}) {
    ws_client c(ws_port());
    json l = {{"type", "login"}, {"channels", json::array()}};
    if (!key.is_null()) l["apiKey"] = key;
    ASSERT_TRUE(c.send(l));
    auto e = c.next_of("error");
    ASSERT_TRUE(e) << key;
    EXPECT_EQ((*e)["ref"], "login");
    EXPECT_TRUE((*e)["message"].is_string());
    EXPECT_EQ((*e)["message"].get<std::string>().find("abp-test"), std::string::npos) << "the key is never echoed";
    const frame end = c.until_end();
    EXPECT_EQ(end.what, frame::kind::closed) << key;
    EXPECT_EQ(end.close_code, 1008);
  }
  // An unknown channel is refused, the connection stays and may log in properly.
  ws_client c(ws_port());
  ASSERT_TRUE(c.send(json{{"type", "login"}, {"apiKey", kDemoKey}, {"channels", {"orders", "nonsense"}}}));
  auto e = c.next_of("error");
  ASSERT_TRUE(e);
  EXPECT_EQ((*e)["ref"], "login");
  EXPECT_TRUE(c.login());
}

// --- data frames from the store -------------------------------------------------------------------

TEST_F(SimWs, PlacementAndCancelEmitOrderRowsWithIncreasingSeq) {
  ws_client c(ws_port());
  ASSERT_TRUE(c.login(kDemoKey, json::array({"orders"})));
  const auto id = place("10");
  ASSERT_GT(id, 0);
  auto ins = c.next_of("data");
  ASSERT_TRUE(ins) << c.last.text;
  EXPECT_EQ((*ins)["channel"], "orders");
  EXPECT_EQ((*ins)["event"], "INSERT");
  EXPECT_EQ((*ins)["seq"], 1);
  EXPECT_TRUE((*ins)["ts"].is_number_integer());
  EXPECT_FALSE(ins->contains("requireAck"));
  const json& p = (*ins)["payload"];
  // Every field of websocket-notes 6.1 (orders), with the types the examples show.
  for (const char* f : {"orderId", "outcomeId", "playerId"}) EXPECT_TRUE(p[f].is_number_integer()) << f;
  for (const char* f : {"requestUuid", "client", "clientName", "fixtureId", "orderStatus", "userRef", "orderCurrency",
                        "allowedBookmakers", "expiresAt", "createdAt", "updatedAt"})
    EXPECT_TRUE(p[f].is_string()) << f;
  for (const char* f : {"orderPrice", "orderStake", "filledStake", "remainingStake"}) EXPECT_TRUE(p[f].is_number()) << f;
  for (const char* f : {"testOrder", "acceptBetterOdds", "acceptPartialStake", "back"}) EXPECT_TRUE(p[f].is_boolean()) << f;
  for (const char* f : {"statusReason", "oddsInfo", "filledAt"}) EXPECT_TRUE(p.contains(f) && p[f].is_null()) << f;
  EXPECT_TRUE(p["meta"].is_object());
  EXPECT_EQ(p["orderId"], id);
  EXPECT_EQ(p["orderStatus"], "PENDING");
  EXPECT_EQ(p["clientName"], "demo");
  EXPECT_EQ(p["remainingStake"], 10);
  EXPECT_EQ(p.size(), 26u) << p.dump();

  cancel(id);
  auto upd = c.next_of("data");
  ASSERT_TRUE(upd) << c.last.text;
  EXPECT_EQ((*upd)["event"], "UPDATE");
  EXPECT_EQ((*upd)["seq"], 2);
  EXPECT_EQ((*upd)["payload"]["orderId"], id);
  EXPECT_EQ((*upd)["payload"]["orderStatus"], "CANCELLED");
  EXPECT_TRUE((*upd)["payload"]["statusReason"].is_string());

  // The log's last seq, per subscription.
  const json s = stats();
  ASSERT_EQ(s["subscriptions"].size(), 1u);
  EXPECT_EQ(s["subscriptions"][0]["lastSeq"], 2);
  EXPECT_EQ(s["connections"][0]["clientName"], "demo");
}

TEST_F(SimWs, FillsBetsAndSettlementsFromSetOrderAndSetBet) {
  ws_client c(ws_port());
  ASSERT_TRUE(c.login());
  const auto id = place("20");
  ASSERT_TRUE(c.next_of("data"));  // the INSERT
  control("/_sim/abp/set-order",
          {{"orderId", id}, {"status", "PARTIALLY_FILLED"}, {"filledStake", 5},
           {"addBet", {{"betStatus", "CONFIRMED"}, {"placedStake", 5}, {"settlementStatus", "UNSETTLED"}}}});
  auto o = c.next_of("data");
  ASSERT_TRUE(o);
  EXPECT_EQ((*o)["channel"], "orders");
  EXPECT_EQ((*o)["event"], "UPDATE");
  EXPECT_EQ((*o)["payload"]["filledStake"], 5);
  EXPECT_EQ((*o)["payload"]["remainingStake"], 15);
  EXPECT_TRUE((*o)["payload"]["filledAt"].is_string());
  auto b = c.next_of("data");
  ASSERT_TRUE(b);
  EXPECT_EQ((*b)["channel"], "bets");
  EXPECT_EQ((*b)["event"], "INSERT");
  const json& bet = (*b)["payload"];
  EXPECT_EQ(bet["orderId"], id);
  EXPECT_EQ(bet["betStatus"], "CONFIRMED");
  EXPECT_EQ(bet["sentData"]["stake"], 5);
  EXPECT_TRUE(bet["receivedData"].is_object());
  for (const char* f : {"betId", "bookmaker", "bookmakerBetId", "settlementStatus", "placedStake", "placedPrice", "placedCurrency",
                        "account", "requestUuid", "userRef", "testBet", "client", "clientName", "settlementAmount",
                        "settlementReason", "settledAt", "declineReason", "betRequestId", "oddsInfo", "meta", "placedAt",
                        "createdAt", "updatedAt"})
    EXPECT_TRUE(bet.contains(f)) << f;
  EXPECT_GT((*b)["seq"].get<int>(), (*o)["seq"].get<int>());

  // The bookmaker settles it: bets UPDATE, then settlements SETTLED with the same row.
  const auto bet_id = bet["betId"].get<std::int64_t>();
  control("/_sim/abp/set-bet", {{"betId", bet_id}, {"settlementStatus", "WON"}, {"settlementAmount", 9.75}});
  auto u = c.next_of("data");
  ASSERT_TRUE(u);
  EXPECT_EQ((*u)["channel"], "bets");
  EXPECT_EQ((*u)["event"], "UPDATE");
  EXPECT_EQ((*u)["payload"]["settlementStatus"], "WON");
  auto st = c.next_of("data");
  ASSERT_TRUE(st);
  EXPECT_EQ((*st)["channel"], "settlements");
  EXPECT_EQ((*st)["event"], "SETTLED");
  EXPECT_EQ((*st)["payload"], (*u)["payload"]);
  EXPECT_EQ((*st)["payload"]["settlementAmount"], 9.75);
  EXPECT_TRUE((*st)["payload"]["settledAt"].is_string());
  EXPECT_EQ((*st)["seq"].get<int>(), (*u)["seq"].get<int>() + 1);
}

TEST_F(SimWs, PlacementWithAFillEmitsTheOrderAndItsBet) {
  ws_client c(ws_port());
  ASSERT_TRUE(c.login(kDemoKey, json::array({"orders", "bets"})));
  place("10.99");  // FILLED at once, one CONFIRMED bet
  auto o = c.next_of("data");
  auto b = c.next_of("data");
  ASSERT_TRUE(o && b);
  EXPECT_EQ((*o)["payload"]["orderStatus"], "FILLED");
  EXPECT_EQ((*o)["payload"]["remainingStake"], 0);
  EXPECT_EQ((*b)["channel"], "bets");
  EXPECT_EQ((*b)["payload"]["orderId"], (*o)["payload"]["orderId"]);
}

TEST_F(SimWs, ClientsSeeOnlyTheirOwnRowsAndTheirChannels) {
  ws_client demo(ws_port()), acme(ws_port()), bets_only(ws_port());
  ASSERT_TRUE(demo.login(kDemoKey, json::array({"orders"})));
  ASSERT_TRUE(acme.login(kAcmeKey, json::array({"orders"})));
  ASSERT_TRUE(bets_only.login(kDemoKey, json::array({"bets"})));
  const auto mine = place("10", kAcmeKey);
  auto a = acme.next_of("data");
  ASSERT_TRUE(a);
  EXPECT_EQ((*a)["payload"]["orderId"], mine);
  EXPECT_EQ((*a)["payload"]["clientName"], "acme");
  EXPECT_EQ((*a)["seq"], 1);
  EXPECT_FALSE(demo.next_of("data", milliseconds(150)));
  EXPECT_FALSE(bets_only.next_of("data", milliseconds(50)));
  place("10");
  auto d = demo.next_of("data");
  ASSERT_TRUE(d);
  EXPECT_EQ((*d)["seq"], 1) << "seq counts the subscription's own messages";
  EXPECT_FALSE(bets_only.next_of("data", milliseconds(100))) << "no bet, nothing on bets";
}

// --- keepalive ------------------------------------------------------------------------------------

TEST_F(SimWs, ServerPingRevisionPingsAndClosesWithoutPong) {
  config({{"pingMs", 40}, {"pongTimeoutMs", 200}});
  ws_client c(ws_port());
  ASSERT_TRUE(c.login());
  for (int i = 0; i < 3; ++i) {
    auto p = c.next_of("ping", milliseconds(1000));
    ASSERT_TRUE(p) << i;
    EXPECT_EQ(*p, json({{"type", "ping"}}));
    ASSERT_TRUE(c.send(R"({"type":"pong"})"));
  }
  // A client ping is answered in this revision too.
  ASSERT_TRUE(c.send(R"({"type":"ping"})"));
  EXPECT_TRUE(c.next_of("pong"));
  const json s = stats()["connections"][0];
  EXPECT_GE(s["pingsSent"].get<int>(), 3);
  EXPECT_GE(s["pongsReceived"].get<int>(), 3);
  EXPECT_EQ(s["pongsSent"], 1);
  // Now silence: closed once a ping stays unanswered for pongTimeoutMs.
  const auto t0 = std::chrono::steady_clock::now();
  const frame end = c.until_end(milliseconds(2000));
  EXPECT_EQ(end.what, frame::kind::closed);
  EXPECT_EQ(end.close_code, 1008);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, milliseconds(100));
}

TEST_F(SimWs, ClientPingRevisionSendsHeartbeatsAndAnswersPings) {
  config({{"keepalive", "client-ping"}, {"heartbeatMs", 50}, {"pingMs", 20}, {"pongTimeoutMs", 60}});
  ws_client c(ws_port());
  ASSERT_TRUE(c.login());
  auto h = c.next_of(std::vector<std::string>{"heartbeat", "ping"}, milliseconds(1000));
  ASSERT_TRUE(h);
  EXPECT_EQ((*h)["type"], "heartbeat");
  EXPECT_TRUE((*h)["ts"].is_number_integer());
  ASSERT_TRUE(c.send(R"({"type":"ping"})"));
  EXPECT_TRUE(c.next_of("pong"));
  // No server pings and no pong timeout in this revision: still open well after 60 ms.
  auto more = c.next_of(std::vector<std::string>{"ping"}, milliseconds(250));
  EXPECT_FALSE(more);
  EXPECT_NE(c.last.what, frame::kind::closed) << "the connection is still open";
  EXPECT_NE(c.last.what, frame::kind::failed) << c.last.error;
  EXPECT_EQ(stats()["connections"][0]["pingsSent"], 0);
}

TEST_F(SimWs, LoginTimeoutCloses) {
  config({{"loginTimeoutMs", 100}});
  ws_client c(ws_port());
  ASSERT_TRUE(c.ok());
  const frame end = c.until_end(milliseconds(2000));
  EXPECT_EQ(end.what, frame::kind::closed);
  EXPECT_EQ(end.close_code, 1008);
}

TEST_F(SimWs, SixthConnectionOfAKeyIsRefused) {
  std::vector<std::unique_ptr<ws_client>> five;
  for (int i = 0; i < 5; ++i) {
    five.push_back(std::make_unique<ws_client>(ws_port()));
    ASSERT_TRUE(five.back()->login()) << i;
  }
  ws_client sixth(ws_port());
  ASSERT_TRUE(sixth.send(json{{"type", "login"}, {"apiKey", kDemoKey}, {"channels", json::array()}}));
  auto e = sixth.next_of("error");
  ASSERT_TRUE(e);
  EXPECT_EQ((*e)["ref"], "login");
  const frame end = sixth.until_end();
  EXPECT_EQ(end.close_code, 1008);
  // Another key is not affected; a freed slot can be used again.
  ws_client acme(ws_port());
  EXPECT_TRUE(acme.login(kAcmeKey));
  five.pop_back();
  std::this_thread::sleep_for(milliseconds(100));
  ws_client again(ws_port());
  EXPECT_TRUE(again.login());
  EXPECT_EQ(stats()["refused"], 1);
}

// --- reliable delivery and replay -----------------------------------------------------------------

TEST_F(SimWs, ReliableDeliveryResendsUntilAckedAndDropsTheOldest) {
  config({{"resendMs", 120}});
  ws_client c(ws_port());
  ASSERT_TRUE(c.login(kDemoKey, json::array({"orders"}), true));
  const auto t0 = std::chrono::steady_clock::now();
  place("10");
  auto first = c.next_of("data");
  ASSERT_TRUE(first);
  EXPECT_EQ((*first)["requireAck"], true);
  EXPECT_EQ((*first)["seq"], 1);
  // Not acked: the same frame again after resendMs, same seq.
  auto again = c.next_of("data", milliseconds(1000));
  ASSERT_TRUE(again);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, milliseconds(110));
  EXPECT_EQ(*again, *first);
  ASSERT_TRUE(c.send(json{{"type", "ack"}, {"seq", 1}}));
  EXPECT_FALSE(c.next_of("data", milliseconds(300))) << "acked: no more re-sends";
  ASSERT_TRUE(c.sync());
  json conn = stats()["connections"][0];
  EXPECT_EQ(conn["unacked"], 0);
  EXPECT_EQ(conn["lastAckedSeq"], 1);
  EXPECT_GE(conn["resent"].get<int>(), 1);

  // ack_batch releases everything up to and including upToSeq.
  config({{"resendMs", 100000}, {"buffer", 3}});
  for (int i = 0; i < 3; ++i) place("10");
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(c.next_of("data"));
  EXPECT_EQ(stats()["connections"][0]["unacked"], 3);
  ASSERT_TRUE(c.send(json{{"type", "ack_batch"}, {"upToSeq", 3}}));
  ASSERT_TRUE(c.sync());
  conn = stats()["connections"][0];
  EXPECT_EQ(conn["unacked"], 1) << "seq 4 is still unacked";
  EXPECT_EQ(conn["lastAckedSeq"], 3);
  // More than `buffer` unacked: the oldest are dropped and never re-sent.
  for (int i = 0; i < 4; ++i) place("10");  // seqs 5..8: 4..8 unacked, buffer 3 keeps 6, 7, 8
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(c.next_of("data"));
  conn = stats()["connections"][0];
  EXPECT_EQ(conn["unacked"], 3);
  EXPECT_EQ(conn["unackedDropped"], 2);
  config({{"resendMs", 50}});
  std::set<int> resent;
  for (int i = 0; i < 6; ++i)
    if (auto d = c.next_of("data", milliseconds(500))) resent.insert((*d)["seq"].get<int>());
  EXPECT_EQ(resent, (std::set<int>{6, 7, 8}));
}

TEST_F(SimWs, ASkippedMessageIsReSentUnderReliableDelivery) {
  config({{"resendMs", 150}});
  ws_client c(ws_port());
  ASSERT_TRUE(c.login(kDemoKey, json::array({"orders"}), true));
  fault({{"fault", "skip_seq"}});
  const auto t0 = std::chrono::steady_clock::now();
  place("10");
  auto d = c.next_of("data", milliseconds(2000));
  ASSERT_TRUE(d) << "it counts as sent, so it comes again after resendMs";
  EXPECT_GE(std::chrono::steady_clock::now() - t0, milliseconds(140));
  EXPECT_EQ((*d)["seq"], 1);
  EXPECT_EQ((*d)["requireAck"], true);
  EXPECT_EQ(stats()["connections"][0]["resent"], 1);
}

TEST_F(SimWs, SeqContinuesAcrossConnectionsAndReplayRefillsTheWindow) {
  config({{"buffer", 3}});
  {
    ws_client c(ws_port());
    ASSERT_TRUE(c.login(kDemoKey, json::array({"orders"})));
    place("10");
    auto d = c.next_of("data");
    ASSERT_TRUE(d);
    EXPECT_EQ((*d)["seq"], 1);
  }
  // While nobody listens, the log goes on: 2, 3, 4, 5 (the window keeps 3, 4, 5).
  for (int i = 0; i < 4; ++i) place("10");
  ws_client c(ws_port());
  ASSERT_TRUE(c.login(kDemoKey, json::array({"orders"})));
  EXPECT_EQ(c.login_ok["subscriptionId"], 1);
  place("10");
  auto live = c.next_of("data");
  ASSERT_TRUE(live);
  EXPECT_EQ((*live)["seq"], 6) << "live from the next seq";
  ASSERT_TRUE(c.send(json{{"type", "replay"}, {"fromSeq", 2}}));
  std::vector<int> got;
  while (auto d = c.next_of("data", milliseconds(300))) got.push_back((*d)["seq"].get<int>());
  EXPECT_EQ(got, (std::vector<int>{4, 5, 6})) << "seq 2 and 3 left the window: only REST heals them";
  ASSERT_TRUE(c.send(json{{"type", "replay"}, {"fromSeq", 6}}));
  auto six = c.next_of("data");
  ASSERT_TRUE(six);
  EXPECT_EQ((*six)["seq"], 6) << "fromSeq itself is included";
  EXPECT_EQ((*six)["payload"], (*live)["payload"]);
}

TEST_F(SimWs, UpdateChannelsMovesTheConnectionToThatSubscription) {
  ws_client c(ws_port());
  ASSERT_TRUE(c.login(kDemoKey, json::array({"bets"})));
  place("10");  // no bet: nothing on bets
  EXPECT_FALSE(c.next_of("data", milliseconds(150)));
  ASSERT_TRUE(c.send(json{{"type", "update_channels"}, {"channels", {"orders", "bets"}}}));
  auto u = c.next_of("channels_updated");
  ASSERT_TRUE(u);
  EXPECT_EQ((*u)["channels"], json({"bets", "orders"}));
  EXPECT_TRUE((*u)["subscriptionId"].is_number_integer());
  EXPECT_NE((*u)["subscriptionId"], c.login_ok["subscriptionId"]);
  place("10");
  auto d = c.next_of("data");
  ASSERT_TRUE(d);
  EXPECT_EQ((*d)["channel"], "orders");
  ASSERT_TRUE(c.send(json{{"type", "update_channels"}, {"channels", {"nope"}}}));
  auto e = c.next_of("error");
  ASSERT_TRUE(e);
  EXPECT_EQ((*e)["ref"], "update_channels");
}

TEST_F(SimWs, BetslipSubscriptionsReportSkippedBookmakersAndSendASnapshot) {
  ws_client c(ws_port());
  ASSERT_TRUE(c.login(kDemoKey, json::array({"orders"})));
  const json sub = {{"type", "subscribe_betslip"}, {"fixtureId", "id1000004461512432"}, {"outcomeId", 103}, {"playerId", 0},
                    {"bookmakers", {"pinnacle", "nobook", "sharpbet"}}, {"ttl", 5}};
  ASSERT_TRUE(c.send(sub));
  auto e = c.next_of("error");
  ASSERT_TRUE(e) << "the betslip channel is needed first";
  EXPECT_EQ((*e)["ref"], "subscribe_betslip");
  ASSERT_TRUE(c.send(json{{"type", "update_channels"}, {"channels", {"orders", "betslip"}}}));
  ASSERT_TRUE(c.next_of("channels_updated"));
  ASSERT_TRUE(c.send(sub));
  auto ok = c.next_of("subscribed_betslip");
  ASSERT_TRUE(ok);
  EXPECT_EQ((*ok)["fixtureId"], "id1000004461512432");
  EXPECT_EQ((*ok)["outcomeId"], 103);
  EXPECT_EQ((*ok)["playerId"], 0);
  EXPECT_EQ((*ok)["bookmakers"], json({"pinnacle", "sharpbet"}));
  EXPECT_EQ((*ok)["skipped"], json({"nobook"}));
  ASSERT_TRUE((*ok)["expiresAt"].is_string());
  EXPECT_EQ((*ok)["expiresAt"].get<std::string>().size(), 25u);  // 2026-02-07T17:34:37+00:00, ttl clamped to 10
  auto snap = c.next_of("data");
  ASSERT_TRUE(snap);
  EXPECT_EQ((*snap)["channel"], "betslip");
  EXPECT_EQ((*snap)["event"], "UPDATE");
  const json& odds = (*snap)["payload"]["odds"];
  ASSERT_TRUE(odds.contains("pinnacle"));
  EXPECT_TRUE(odds["pinnacle"].contains("id1000004461512432:pinnacle:103:0"));
  EXPECT_EQ(stats()["connections"][0]["betslipSubscriptions"], 1);
  ASSERT_TRUE(c.send(json{{"type", "unsubscribe_betslip"}, {"fixtureId", "id1000004461512432"}, {"outcomeId", 103}, {"playerId", 0}}));
  EXPECT_FALSE(c.next_of(std::vector<std::string>{"subscribed_betslip", "error"}, milliseconds(150))) << "no reply";
  ASSERT_TRUE(c.sync());
  EXPECT_EQ(stats()["connections"][0]["betslipSubscriptions"], 0);
}

TEST_F(SimWs, MalformedFramesGetErrorFramesWithRef) {
  ws_client c(ws_port());
  ASSERT_TRUE(c.send("not json"));
  auto e = c.next_of("error");
  ASSERT_TRUE(e);
  EXPECT_TRUE((*e)["ref"].is_null());
  EXPECT_TRUE((*e)["message"].is_string());
  ASSERT_TRUE(c.send(R"({"no":"type"})"));
  e = c.next_of("error");
  ASSERT_TRUE(e);
  EXPECT_TRUE((*e)["ref"].is_null());
  ASSERT_TRUE(c.send(R"({"type":"ack","seq":1})"));
  e = c.next_of("error");
  ASSERT_TRUE(e);
  EXPECT_EQ((*e)["ref"], "ack") << "before login";
  ASSERT_TRUE(c.login());
  for (const char* bad : {R"({"type":"frobnicate"})", R"({"type":"ack","seq":"x"})", R"({"type":"ack_batch"})",
                          R"({"type":"replay","fromSeq":null})", R"({"type":"login","apiKey":"abp-test-key-0001"})"}) {
    ASSERT_TRUE(c.send(bad));
    e = c.next_of("error");
    ASSERT_TRUE(e) << bad;
    EXPECT_EQ((*e)["ref"], json::parse(bad)["type"]) << bad;
  }
}

TEST_F(SimWs, EmitPutsAnyFrameIntoTheLogs) {
  ws_client demo(ws_port()), acme(ws_port());
  ASSERT_TRUE(demo.login());
  ASSERT_TRUE(acme.login(kAcmeKey));
  const json balance = {{"clientName", "demo"}, {"bookmaker", "pinnacle"}, {"username", "pinnacle_main"},
                        {"balance", 4990.0}, {"currency", "USD"}, {"ts", 1771183910123}};
  json r = control("/_sim/ws/emit", {{"channel", "balance"}, {"event", "UPDATE"}, {"payload", balance}, {"apiKey", kDemoKey}});
  EXPECT_EQ(r["seqs"], json({1}));
  auto d = demo.next_of("data");
  ASSERT_TRUE(d);
  EXPECT_EQ((*d)["channel"], "balance");
  EXPECT_EQ((*d)["payload"], balance);
  EXPECT_FALSE(acme.next_of("data", milliseconds(100)));
  // Without apiKey: every key.
  r = control("/_sim/ws/emit", {{"channel", "emergency"}, {"event", "STATUS"},
                                {"payload", {{"active", true}, {"reason", "maintenance"}, {"ts", 1}}}});
  EXPECT_EQ(r["seqs"].size(), 2u);
  auto de = demo.next_of("data");
  auto ae = acme.next_of("data");
  ASSERT_TRUE(de && ae);
  EXPECT_EQ((*de)["channel"], "emergency");
  EXPECT_EQ((*de)["seq"], 2);
  EXPECT_EQ((*ae)["seq"], 1);
  auto bad = sim_->post("/_sim/ws/emit", R"({"channel":"x"})");
  EXPECT_EQ(bad.status, 400);
}

// --- faults -----------------------------------------------------------------------------------------

TEST_F(SimWs, DropClosesEveryConnectionWithoutACloseFrame) {
  ws_client a(ws_port()), b(ws_port());
  ASSERT_TRUE(a.login());
  ASSERT_TRUE(b.login(kAcmeKey));
  fault({{"fault", "drop"}});
  for (ws_client* c : {&a, &b}) {
    const frame end = c->until_end();
    EXPECT_EQ(end.what, frame::kind::failed) << end.close_code;
  }
  EXPECT_EQ(stats()["open"], 0);
}

TEST_F(SimWs, SkipLoseAndRepeatSeq) {
  ws_client c(ws_port());
  ASSERT_TRUE(c.login(kDemoKey, json::array({"orders"})));
  fault({{"fault", "skip_seq"}});
  place("10");  // seq 1, not sent
  place("10");  // seq 2
  auto d = c.next_of("data");
  ASSERT_TRUE(d);
  EXPECT_EQ((*d)["seq"], 2);
  ASSERT_TRUE(c.send(json{{"type", "replay"}, {"fromSeq", 1}}));
  d = c.next_of("data");
  ASSERT_TRUE(d);
  EXPECT_EQ((*d)["seq"], 1) << "skipped messages stay in the log";

  json armed = fault({{"fault", "lose_seq"}, {"count", 2}});
  EXPECT_EQ(armed["lose_seq"], 2);
  for (int i = 0; i < 3; ++i) place("10");  // 3, 4 lost; 5 sent
  while ((d = c.next_of("data", milliseconds(300)))) {
    if ((*d)["seq"] == 5) break;
  }
  ASSERT_TRUE(d);
  EXPECT_EQ((*d)["seq"], 5);
  ASSERT_TRUE(c.send(json{{"type", "replay"}, {"fromSeq", 3}}));
  d = c.next_of("data");
  ASSERT_TRUE(d);
  EXPECT_EQ((*d)["seq"], 5) << "lost messages are not in the log either";
  EXPECT_EQ(stats()["subscriptions"][0]["lost"], 2);

  fault({{"fault", "repeat_seq"}});
  place("10");
  auto one = c.next_of("data"), two = c.next_of("data");
  ASSERT_TRUE(one && two);
  EXPECT_EQ(*one, *two);
  EXPECT_EQ((*one)["seq"], 6);
  EXPECT_EQ(fault({{"fault", "repeat_seq"}, {"count", 1}})["repeat_seq"], 1);
  EXPECT_EQ(control("/_sim/ws/faults/clear")["repeat_seq"], 0);
  place("10");
  ASSERT_TRUE(c.next_of("data"));
  EXPECT_FALSE(c.next_of("data", milliseconds(150))) << "cleared: sent once";
}

TEST_F(SimWs, StallAndDelayHoldFramesBack) {
  config({{"pingMs", 30}, {"pongTimeoutMs", 100000}});
  ws_client c(ws_port());
  ASSERT_TRUE(c.login(kDemoKey, json::array({"orders"})));
  ASSERT_TRUE(c.next_of("ping", milliseconds(1000)));
  fault({{"fault", "stall"}, {"ms", 300}});
  place("10");
  const auto t0 = std::chrono::steady_clock::now();
  auto quiet = c.next(milliseconds(200));
  EXPECT_EQ(quiet.what, frame::kind::timeout) << "nothing at all while stalled: " << quiet.text;
  auto d = c.next_of("data", milliseconds(2000));
  ASSERT_TRUE(d) << "queued frames go out after the stall";
  EXPECT_GE(std::chrono::steady_clock::now() - t0, milliseconds(250));

  config({{"pingMs", 100000}});
  fault({{"fault", "delay"}, {"ms", 200}});
  const auto t1 = std::chrono::steady_clock::now();
  place("10");
  ASSERT_TRUE(c.next_of("data", milliseconds(2000)));
  EXPECT_GE(std::chrono::steady_clock::now() - t1, milliseconds(190));
  EXPECT_EQ(control("/_sim/ws/faults/clear")["delayMs"], 0);
  const auto t2 = std::chrono::steady_clock::now();
  place("10");
  ASSERT_TRUE(c.next_of("data", milliseconds(2000)));
  EXPECT_LT(std::chrono::steady_clock::now() - t2, milliseconds(190));
}

TEST_F(SimWs, UnknownChannelGarbageAndOversizedFrames) {
  ws_client c(ws_port());
  ASSERT_TRUE(c.login(kDemoKey, json::array({"orders"})));
  fault({{"fault", "unknown_channel"}});
  auto d = c.next_of("data");
  ASSERT_TRUE(d);
  EXPECT_EQ((*d)["channel"], "mystery");
  EXPECT_EQ((*d)["seq"], 1) << "it takes a seq like any data frame";
  fault({{"fault", "garbage"}});
  frame g = c.next();
  ASSERT_EQ(g.what, frame::kind::text);
  EXPECT_TRUE(g.parsed().is_discarded()) << g.text;
  fault({{"fault", "oversized"}, {"bytes", 300000}});
  frame big = c.next();
  ASSERT_EQ(big.what, frame::kind::text);
  EXPECT_EQ(big.text.size(), 300000u);
  EXPECT_EQ(big.parsed()["type"], "oversized");
  fault({{"fault", "oversized"}});
  big = c.next();
  EXPECT_EQ(big.text.size(), 2u * 1024 * 1024) << "default 2 MiB";
  EXPECT_EQ(big.text.substr(0, 30), R"({"type":"oversized","padding":)");
  // The connection still works.
  place("10");
  d = c.next_of("data");
  ASSERT_TRUE(d);
  EXPECT_EQ((*d)["seq"], 2);
  auto bad = sim_->post("/_sim/ws/faults", R"({"fault":"nope"})");
  EXPECT_EQ(bad.status, 400);
}

TEST_F(SimWs, ConfigIsValidatedAndResetRestoresIt) {
  json cfg = parse(sim_->get("/_sim/ws/config"));
  EXPECT_EQ(cfg, json({{"keepalive", "server-ping"}, {"pingMs", 30000}, {"pongTimeoutMs", 120000}, {"heartbeatMs", 60000},
                       {"loginTimeoutMs", 30000}, {"resendMs", 30000}, {"maxConnections", 5}, {"buffer", 100}}));
  cfg = config({{"keepalive", "client-ping"}, {"maxConnections", 1}});
  EXPECT_EQ(cfg["keepalive"], "client-ping");
  EXPECT_EQ(cfg["maxConnections"], 1);
  EXPECT_EQ(sim_->post("/_sim/ws/config", R"({"pingMs":0})").status, 400);
  EXPECT_EQ(sim_->post("/_sim/ws/config", R"({"keepalive":"sometimes"})").status, 400);
  EXPECT_EQ(parse(sim_->get("/_sim/ws/config"))["pingMs"], 30000) << "a refused change changes nothing";
  ws_client c(ws_port());
  ASSERT_TRUE(c.login());
  control("/_sim/reset");
  EXPECT_EQ(c.until_end().what, frame::kind::failed) << "reset closes every connection";
  cfg = parse(sim_->get("/_sim/ws/config"));
  EXPECT_EQ(cfg["keepalive"], "server-ping");
  EXPECT_EQ(cfg["maxConnections"], 5);
  EXPECT_TRUE(stats()["subscriptions"].empty());
}

// Its own simulator, with the options on the command line.
TEST(SimWsProcess, CommandLineOptionsAndShutdownWithOpenConnections) {
  simulator_process sim{{"--ws-keepalive", "client-ping", "--ws-heartbeat-ms", "40", "--ws-max-connections", "1"}};
  ASSERT_TRUE(sim.ok()) << sim.error();
  const json cfg = json::parse(sim.get("/_sim/ws/config").body);
  EXPECT_EQ(cfg["keepalive"], "client-ping");
  EXPECT_EQ(cfg["heartbeatMs"], 40);
  EXPECT_EQ(cfg["maxConnections"], 1);
  ws_client c(sim.ws_port());
  ASSERT_TRUE(c.login());
  EXPECT_TRUE(c.next_of("heartbeat", milliseconds(1000)));
  const auto t0 = std::chrono::steady_clock::now();
  const int status = sim.stop();
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_LT(std::chrono::steady_clock::now() - t0, milliseconds(1500)) << "the simulator exits promptly";
  const frame end = c.until_end();
  EXPECT_TRUE(end.what == frame::kind::closed || end.what == frame::kind::failed);
  if (end.what == frame::kind::closed) {
    EXPECT_EQ(end.close_code, 1001);
  }
}

}  // namespace
