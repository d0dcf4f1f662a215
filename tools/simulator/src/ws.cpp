// betwire_simulator: ABP's WebSocket /ws (Boost.Beast over Boost.Asio, JSON with nlohmann).
// The wire is websocket-notes.md's; what the notes leave open is chosen in README.md ("/ws").
#include "ws.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <deque>
#include <future>
#include <map>
#include <set>
#include <thread>
#include <vector>

namespace sim {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace websocket = boost::beast::websocket;
using tcp = boost::asio::ip::tcp;
using steady = std::chrono::steady_clock;
using ms = std::chrono::milliseconds;

// websocket-notes §3/§5: client-filtered channels (WS-3+ list) and global ones.
const std::vector<std::string> kClientFiltered = {"orders", "bets", "settlements", "accounts", "balance", "betslip"};
const std::vector<std::string> kGlobal = {"fixtures", "currencies", "status", "emergency"};

bool is_known_channel(const std::string& c) {
  return std::count(kClientFiltered.begin(), kClientFiltered.end(), c) + std::count(kGlobal.begin(), kGlobal.end(), c) > 0;
}
bool is_client_filtered(const std::string& c) { return std::count(kClientFiltered.begin(), kClientFiltered.end(), c) > 0; }

// The bookmaker accounts each client has (subscribe_betslip reports the others as `skipped`).
std::vector<std::string> accounts_of(const std::string& client) {
  if (client == "demo") return {"sharpbet", "pinnacle", "betfair-ex", "bet365"};
  if (client == "acme") return {"pinnacle"};
  return {};
}

std::int64_t epoch_ms() {
  return std::chrono::duration_cast<ms>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// One data message of a subscription's log. The payload is rendered once.
struct Message {
  std::int64_t seq = 0;
  std::string channel, event, payload;  // payload: JSON text
  std::int64_t ts = 0;
};
using MessagePtr = std::shared_ptr<const Message>;

std::string render_data(const Message& m, bool require_ack) {
  std::string s;
  s.reserve(m.payload.size() + m.channel.size() + m.event.size() + 96);
  s += R"({"type":"data","channel":)";
  s += dump(ojson(m.channel));
  s += R"(,"event":)";
  s += dump(ojson(m.event));
  s += R"(,"payload":)";
  s += m.payload;
  s += R"(,"ts":)";
  s += std::to_string(m.ts);
  s += R"(,"seq":)";
  s += std::to_string(m.seq);
  if (require_ack) s += R"(,"requireAck":true)";
  s += '}';
  return s;
}

// A subscription: one API key with one set of channels. Its log numbers messages 1, 2, 3, ... and
// keeps the last `buffer` of them for replay; it lives until /_sim/reset, so a reconnect with the
// same key and channels continues it.
struct Subscription {
  std::int64_t id = 0;
  std::string key, client;
  std::vector<std::string> channels;  // sorted, effective (all ten for [])
  std::int64_t last_seq = 0;
  std::deque<MessagePtr> retained;
  std::int64_t lost = 0;  // seqs taken by lose_seq
};

struct Out {
  enum class Kind { text, close } kind = Kind::text;
  std::string text;
  steady::time_point due;
  websocket::close_code code = websocket::close_code::normal;
  std::string reason;
  bool is_data = false;
};

struct Unacked {
  MessagePtr message;
  steady::time_point sent;
};

struct BetslipKey {
  std::string fixture_id;
  std::int64_t outcome_id = 0, player_id = 0;
  auto operator<=>(const BetslipKey&) const = default;
};

}  // namespace

struct WsServer::Impl {
  class Session;
  using SessionPtr = std::shared_ptr<Session>;

  // ------------------------------------------------------------------------------------------
  class Session : public std::enable_shared_from_this<Session> {
   public:
    Session(Impl& server, tcp::socket socket, std::int64_t id) : srv_(server), ws_(std::move(socket)), id_(id) {
      opened_ = steady::now();
    }

    void start() {
      beast::get_lowest_layer(ws_).expires_after(std::chrono::seconds(10));
      http::async_read(ws_.next_layer(), buffer_, request_,
                       [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_http(ec); });
    }

    // --- outgoing ---------------------------------------------------------------------------
    void send(std::string text, bool is_data = false) {
      if (closing_ || dead_) return;
      Out o;
      o.text = std::move(text);
      o.due = steady::now() + ms(srv_.delay_ms);
      o.is_data = is_data;
      out_.push_back(std::move(o));
      pump();
    }
    void send_json(const ojson& j) { send(dump(j)); }
    void close(websocket::close_code code, std::string reason) {
      if (closing_) return;
      Out o;
      o.kind = Out::Kind::close;
      o.code = code;
      o.reason = std::move(reason);
      o.due = steady::now();
      out_.push_back(std::move(o));
      closing_ = true;
      pump();
    }
    // TCP close, no close frame (the `drop` fault and shutdown's last resort).
    void drop() {
      beast::error_code ec;
      auto& sock = beast::get_lowest_layer(ws_).socket();
      sock.shutdown(tcp::socket::shutdown_both, ec);
      sock.close(ec);
      finish();
    }

    void pump() {
      if (writing_ || dead_ || !upgraded_ || out_.empty()) return;
      const auto now = steady::now();
      if (now < srv_.stalled_until) return;
      Out& o = out_.front();
      if (o.due > now) return;  // the tick comes back for it
      writing_ = true;
      if (o.kind == Out::Kind::close) {
        ws_.async_close(websocket::close_reason(o.code, o.reason), [self = shared_from_this()](beast::error_code) {
          self->writing_ = false;
          self->finish();
        });
        return;
      }
      ws_.text(true);
      ws_.async_write(asio::buffer(o.text), [self = shared_from_this()](beast::error_code ec, std::size_t) {
        self->writing_ = false;
        // dead_: dropped meanwhile (the write may still have completed): the queue is no longer ours.
        if (ec || self->dead_) return self->finish();
        ++self->frames_out_;
        self->out_.pop_front();
        self->pump();
      });
    }

    // --- the periodic duties (login timeout, keepalive, re-sends, delayed frames) ------------
    void tick(steady::time_point now) {
      if (dead_ || !upgraded_) return;
      const bool stalled = now < srv_.stalled_until;
      const WsOptions& o = srv_.opt;
      if (!logged_in_) {
        if (!closing_ && now - opened_ >= ms(o.login_timeout_ms)) close(websocket::close_code::policy_error, "login timeout");
      } else if (!stalled && !closing_) {
        if (!o.client_ping) {
          if (now - last_ping_ >= ms(o.ping_ms)) {
            last_ping_ = now;
            if (!awaiting_pong_) awaiting_pong_since_ = now;
            awaiting_pong_ = true;
            ++pings_sent_;
            send(R"({"type":"ping"})");
          }
          if (awaiting_pong_ && now - awaiting_pong_since_ >= ms(o.pong_timeout_ms)) {
            close(websocket::close_code::policy_error, "pong timeout");
            return;
          }
        } else if (now - last_heartbeat_ >= ms(o.heartbeat_ms)) {
          last_heartbeat_ = now;
          ++heartbeats_sent_;
          send(R"({"type":"heartbeat","ts":)" + std::to_string(epoch_ms()) + "}");
        }
        if (reliable_) {
          for (auto& [seq, u] : unacked_) {
            if (now - u.sent >= ms(o.resend_ms)) {
              u.sent = now;
              ++resent_;
              send(render_data(*u.message, true), true);
            }
          }
        }
      }
      pump();
    }

    // A live message of this connection's subscription.
    void deliver(const MessagePtr& m, bool send_live, int copies) {
      if (!logged_in_ || closing_) return;
      if (reliable_) track(m);
      if (!send_live) return;
      for (int i = 0; i < copies; ++i) send(render_data(*m, reliable_), true);
    }
    void track(const MessagePtr& m) {
      unacked_[m->seq] = Unacked{m, steady::now()};
      while (static_cast<long>(unacked_.size()) > srv_.opt.buffer) {
        unacked_.erase(unacked_.begin());  // the oldest is dropped
        ++unacked_dropped_;
      }
    }

    std::int64_t id() const { return id_; }
    bool alive() const { return !dead_; }
    bool logged_in() const { return logged_in_; }
    const std::string& key() const { return key_; }
    const std::shared_ptr<Subscription>& subscription() const { return sub_; }
    const std::string& client() const { return client_; }
    std::size_t betslip_count() const { return betslips_.size(); }

    ojson stats() const {
      ojson j = ojson::object();
      j["id"] = id_;
      j["loggedIn"] = logged_in_;
      j["clientName"] = logged_in_ ? ojson(client_) : ojson(nullptr);
      j["subscriptionId"] = sub_ ? ojson(sub_->id) : ojson(nullptr);
      j["channels"] = sub_ ? ojson(sub_->channels) : ojson::array();
      j["reliableDelivery"] = reliable_;
      j["framesIn"] = frames_in_;
      j["framesOut"] = frames_out_;
      j["lastAckedSeq"] = last_acked_;
      j["unacked"] = unacked_.size();
      j["unackedDropped"] = unacked_dropped_;
      j["resent"] = resent_;
      j["pingsSent"] = pings_sent_;
      j["pongsReceived"] = pongs_received_;
      j["pingsReceived"] = pings_received_;
      j["pongsSent"] = pongs_sent_;
      j["heartbeatsSent"] = heartbeats_sent_;
      j["betslipSubscriptions"] = betslips_.size();
      j["queued"] = out_.size();
      return j;
    }

   private:
    void on_http(beast::error_code ec) {
      if (ec) return finish();
      beast::get_lowest_layer(ws_).expires_never();
      const std::string target(request_.target());
      const std::string path = target.substr(0, target.find('?'));
      if (path != "/ws" || !websocket::is_upgrade(request_)) {
        auto res = std::make_shared<http::response<http::string_body>>(
            path != "/ws" ? http::status::not_found : http::status::upgrade_required, request_.version());
        res->set(http::field::content_type, "application/json");
        res->body() = path != "/ws" ? R"({"detail":"Not Found"})" : R"({"detail":"WebSocket upgrade required"})";
        res->keep_alive(false);
        res->prepare_payload();
        http::async_write(ws_.next_layer(), *res, [self = shared_from_this(), res](beast::error_code, std::size_t) {
          beast::error_code ignored;
          beast::get_lowest_layer(self->ws_).socket().shutdown(tcp::socket::shutdown_both, ignored);
          self->finish();
        });
        return;
      }
      websocket::stream_base::timeout t{};
      t.handshake_timeout = std::chrono::seconds(10);
      t.idle_timeout = websocket::stream_base::none();  // ABP's keepalive is JSON pings, ours below
      t.keep_alive_pings = false;
      ws_.set_option(t);
      ws_.read_message_max(1024 * 1024);
      ws_.set_option(websocket::stream_base::decorator(
          [](websocket::response_type& r) { r.set(http::field::server, "betwire_simulator"); }));
      ws_.async_accept(request_, [self = shared_from_this()](beast::error_code e) { self->on_accept(e); });
    }

    void on_accept(beast::error_code ec) {
      if (ec) return finish();
      upgraded_ = true;
      opened_ = steady::now();
      buffer_.consume(buffer_.size());
      srv_.ensure_tick();
      read();
      pump();
    }

    void read() {
      ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
    }

    void on_read(beast::error_code ec) {
      if (ec) return finish();
      ++frames_in_;
      const std::string text = beast::buffers_to_string(buffer_.data());
      buffer_.consume(buffer_.size());
      handle(text);
      if (!dead_) read();
    }

    void error(const ojson& ref, const std::string& message) {
      ojson e = ojson::object();
      e["type"] = "error";
      e["ref"] = ref;
      e["message"] = message;
      send_json(e);
    }

    // Channels of a login/update_channels frame: nullopt (and an error frame) when malformed.
    std::optional<std::vector<std::string>> channels_of(const ojson& j, const std::string& type) {
      std::vector<std::string> out;
      if (!j.contains("channels") || j["channels"].is_null()) {
        if (type == "login") return all_channels();  // absent in login = [] = every channel
        error(type, "channels must be an array of channel names");
        return std::nullopt;
      }
      if (!j["channels"].is_array()) {
        error(type, "channels must be an array of channel names");
        return std::nullopt;
      }
      for (const auto& c : j["channels"]) {
        if (!c.is_string()) {
          error(type, "channels must be an array of channel names");
          return std::nullopt;
        }
        const auto name = c.get<std::string>();
        if (!is_known_channel(name)) {
          error(type, "unknown channel: " + name);
          return std::nullopt;
        }
        out.push_back(name);
      }
      if (out.empty()) return all_channels();
      std::sort(out.begin(), out.end());
      out.erase(std::unique(out.begin(), out.end()), out.end());
      return out;
    }
    static std::vector<std::string> all_channels() {
      std::vector<std::string> all = kClientFiltered;
      all.insert(all.end(), kGlobal.begin(), kGlobal.end());
      std::sort(all.begin(), all.end());
      return all;
    }

    static bool is_int(const ojson& j, const char* name) { return j.contains(name) && j[name].is_number_integer(); }

    void handle(const std::string& text) {
      const ojson j = parse_json_or_discarded(text);
      if (j.is_discarded() || !j.is_object()) return error(nullptr, "frame is not a JSON object");
      if (!j.contains("type") || !j["type"].is_string()) return error(nullptr, "frame has no string \"type\"");
      const std::string type = j["type"].get<std::string>();
      if (type == "login") return on_login(j);
      if (type == "ping") {
        ++pings_received_;
        ++pongs_sent_;
        return send(R"({"type":"pong"})");
      }
      if (type == "pong") {
        ++pongs_received_;
        awaiting_pong_ = false;
        return;
      }
      static const std::set<std::string> known = {"update_channels", "ack", "ack_batch", "replay", "subscribe_betslip",
                                                  "unsubscribe_betslip"};
      if (!known.count(type)) return error(type, "unknown message type: " + type);
      if (!logged_in_) return error(type, "not logged in");
      if (type == "ack") {
        if (!is_int(j, "seq")) return error(type, "ack needs an integer seq");
        const auto seq = j["seq"].get<std::int64_t>();
        unacked_.erase(seq);
        last_acked_ = std::max(last_acked_, seq);
        return;
      }
      if (type == "ack_batch") {
        if (!is_int(j, "upToSeq")) return error(type, "ack_batch needs an integer upToSeq");
        const auto up_to = j["upToSeq"].get<std::int64_t>();
        unacked_.erase(unacked_.begin(), unacked_.upper_bound(up_to));
        last_acked_ = std::max(last_acked_, up_to);
        return;
      }
      if (type == "replay") {
        if (!is_int(j, "fromSeq")) return error(type, "replay needs an integer fromSeq");
        const auto from = j["fromSeq"].get<std::int64_t>();
        for (const auto& m : sub_->retained) {
          if (m->seq < from) continue;
          if (reliable_) track(m);
          send(render_data(*m, reliable_), true);
        }
        return;
      }
      if (type == "update_channels") {
        auto channels = channels_of(j, type);
        if (!channels) return;
        sub_ = srv_.subscription_for(key_, client_, *channels);
        unacked_.clear();  // seqs of the old subscription mean nothing in the new one
        ojson r = ojson::object();
        r["type"] = "channels_updated";
        r["channels"] = sub_->channels;
        r["subscriptionId"] = sub_->id;
        return send_json(r);
      }
      if (type == "subscribe_betslip") return on_subscribe_betslip(j);
      if (type == "unsubscribe_betslip") {
        if (!j.contains("fixtureId") || !j["fixtureId"].is_string() || !is_int(j, "outcomeId") || !is_int(j, "playerId"))
          return error(type, "unsubscribe_betslip needs fixtureId (string), outcomeId and playerId (integers)");
        betslips_.erase(BetslipKey{j["fixtureId"].get<std::string>(), j["outcomeId"].get<std::int64_t>(),
                                   j["playerId"].get<std::int64_t>()});
        return;  // no reply is documented
      }
    }

    void on_login(const ojson& j) {
      if (logged_in_) return error("login", "already logged in");
      if (!j.contains("apiKey") || !j["apiKey"].is_string()) {
        error("login", "Missing API key");
        return close(websocket::close_code::policy_error, "missing API key");
      }
      const std::string key = j["apiKey"].get<std::string>();
      const auto client = abp_client_for_key(key);
      if (!client) {
        error("login", "Invalid API key");
        return close(websocket::close_code::policy_error, "invalid API key");
      }
      if (client->empty()) {
        error("login", "Access denied: client not resolved from API key");
        return close(websocket::close_code::policy_error, "client not resolved");
      }
      if (j.contains("reliableDelivery") && !j["reliableDelivery"].is_null() && !j["reliableDelivery"].is_boolean())
        return error("login", "reliableDelivery must be a boolean");
      auto channels = channels_of(j, "login");
      if (!channels) return;
      if (srv_.logged_in_count(key) >= srv_.opt.max_connections) {
        ++srv_.refused;
        error("login", "Connection limit exceeded: at most " + std::to_string(srv_.opt.max_connections) +
                           " connections per API key");
        return close(websocket::close_code::policy_error, "connection limit exceeded");
      }
      key_ = key;
      client_ = *client;
      reliable_ = j.value("reliableDelivery", false);
      sub_ = srv_.subscription_for(key_, client_, *channels);
      logged_in_ = true;
      last_ping_ = last_heartbeat_ = steady::now();
      ojson r = ojson::object();
      r["type"] = "login_ok";
      r["clientName"] = client_;
      r["channels"] = sub_->channels;
      r["subscriptionId"] = sub_->id;
      ojson access = ojson::object();
      access["clientFiltered"] = kClientFiltered;
      access["global"] = kGlobal;
      r["access"] = std::move(access);
      r["reliableDelivery"] = reliable_;
      ojson features = ojson::object();
      features["messageOrdering"] = true;
      features["acknowledgments"] = reliable_;
      features["batchAck"] = reliable_;
      r["features"] = std::move(features);
      send_json(r);
    }

    void on_subscribe_betslip(const ojson& j) {
      const std::string type = "subscribe_betslip";
      if (std::find(sub_->channels.begin(), sub_->channels.end(), "betslip") == sub_->channels.end())
        return error(type, "subscribe to the betslip channel first (login or update_channels)");
      if (!j.contains("fixtureId") || !j["fixtureId"].is_string() || !is_int(j, "outcomeId") || !is_int(j, "playerId"))
        return error(type, "subscribe_betslip needs fixtureId (string), outcomeId and playerId (integers)");
      if (!j.contains("bookmakers") || !j["bookmakers"].is_array() || j["bookmakers"].empty())
        return error(type, "bookmakers must be a non-empty array of strings");
      std::vector<std::string> kept, skipped;
      const auto accounts = accounts_of(client_);
      for (const auto& b : j["bookmakers"]) {
        if (!b.is_string()) return error(type, "bookmakers must be a non-empty array of strings");
        const auto name = b.get<std::string>();
        auto& into = std::count(accounts.begin(), accounts.end(), name) ? kept : skipped;
        if (!std::count(into.begin(), into.end(), name)) into.push_back(name);
      }
      long ttl = 60;
      if (j.contains("ttl") && !j["ttl"].is_null()) {
        if (!j["ttl"].is_number_integer()) return error(type, "ttl must be an integer (seconds)");
        ttl = static_cast<long>(std::clamp<std::int64_t>(j["ttl"].get<std::int64_t>(), 10, 3600));
      }
      const BetslipKey k{j["fixtureId"].get<std::string>(), j["outcomeId"].get<std::int64_t>(), j["playerId"].get<std::int64_t>()};
      if (!betslips_.count(k) && srv_.betslip_count(client_) >= 20)
        return error(type, "Betslip subscription limit reached (20 per client)");
      const auto expires = steady::now() + std::chrono::seconds(ttl);
      betslips_[k] = expires;
      ojson r = ojson::object();
      r["type"] = "subscribed_betslip";
      r["fixtureId"] = k.fixture_id;
      r["outcomeId"] = k.outcome_id;
      r["playerId"] = k.player_id;
      r["bookmakers"] = kept;
      r["expiresAt"] = format_iso((epoch_ms() + ttl * 1000) * 1000, 0, "+00:00");
      r["skipped"] = skipped;
      send_json(r);
      // A snapshot right away, in the WS-4+ payload shape (prices are made up but stable).
      if (!kept.empty()) srv_.publish_now(client_, "betslip", "UPDATE", betslip_payload(k, kept), key_);
    }

    ojson betslip_payload(const BetslipKey& k, const std::vector<std::string>& books) const {
      ojson odds = ojson::object();
      std::int64_t n = 0;
      for (const auto& b : books) {
        const std::string odds_key = k.fixture_id + ":" + b + ":" + std::to_string(k.outcome_id) + ":" + std::to_string(k.player_id);
        ojson e = ojson::object();
        e["price"] = decimal_token(format_units(185 + 5 * n, 2));
        e["limit"] = decimal_token("500");
        e["limitMin"] = decimal_token("1");
        e["limitCurrency"] = "USD";
        e["limitUsd"] = decimal_token("500");
        e["limitMinUsd"] = decimal_token("1");
        e["active"] = true;
        e["account"] = b + "_main";
        ojson ci = ojson::object();
        ci["currency"] = "USD";
        ci["currencyValue"] = decimal_token("1");
        ci["updatedAt"] = "2026-02-07T17:29:32+00:00";
        e["currencyInfo"] = std::move(ci);
        ojson per_book = ojson::object();
        per_book[odds_key] = std::move(e);
        odds[b] = std::move(per_book);
        ++n;
      }
      ojson p = ojson::object();
      p["clientName"] = client_;
      p["fixtureId"] = k.fixture_id;
      p["outcomeId"] = k.outcome_id;
      p["playerId"] = k.player_id;
      p["odds"] = std::move(odds);
      return p;
    }

    void finish() {
      if (dead_) return;
      dead_ = true;
      // out_ stays: a write in flight may still point into its front; the session frees it.
      unacked_.clear();
      beast::error_code ec;
      beast::get_lowest_layer(ws_).socket().close(ec);
      srv_.forget(id_);
    }

    Impl& srv_;
    websocket::stream<beast::tcp_stream> ws_;
    std::int64_t id_;
    beast::flat_buffer buffer_;
    http::request<http::string_body> request_;
    std::deque<Out> out_;
    bool writing_ = false, upgraded_ = false, closing_ = false, dead_ = false;
    bool logged_in_ = false, reliable_ = false;
    std::string key_, client_;
    std::shared_ptr<Subscription> sub_;
    std::map<std::int64_t, Unacked> unacked_;
    std::map<BetslipKey, steady::time_point> betslips_;
    steady::time_point opened_, last_ping_, last_heartbeat_, awaiting_pong_since_;
    bool awaiting_pong_ = false;
    std::int64_t last_acked_ = 0;
    std::uint64_t frames_in_ = 0, frames_out_ = 0, resent_ = 0, unacked_dropped_ = 0;
    std::uint64_t pings_sent_ = 0, pongs_received_ = 0, pings_received_ = 0, pongs_sent_ = 0, heartbeats_sent_ = 0;
  };

  // ------------------------------------------------------------------------------------------
  explicit Impl(WsOptions o) : base_opt(o), opt(o), acceptor(ioc), ticker(ioc) {}

  void do_accept() {
    acceptor.async_accept([this](beast::error_code ec, tcp::socket socket) {
      if (!acceptor.is_open()) return;
      if (!ec) {
        auto s = std::make_shared<Session>(*this, std::move(socket), ++next_session_id);
        sessions[s->id()] = s;
        ++accepted;
        s->start();
      }
      do_accept();
    });
  }

  // The tick runs while any connection is open (10 ms: the finest timer tests use is ~50 ms).
  void ensure_tick() {
    if (ticking) return;
    ticking = true;
    arm_tick();
  }
  void arm_tick() {
    ticker.expires_after(ms(10));
    ticker.async_wait([this](beast::error_code ec) {
      if (ec) {
        ticking = false;
        return;
      }
      const auto now = steady::now();
      for (auto& s : snapshot()) s->tick(now);
      if (sessions.empty() || stopping) {
        ticking = false;
        return;
      }
      arm_tick();
    });
  }

  std::vector<SessionPtr> snapshot() const {
    std::vector<SessionPtr> v;
    v.reserve(sessions.size());
    for (const auto& [id, s] : sessions) v.push_back(s);
    return v;
  }

  void forget(std::int64_t id) { sessions.erase(id); }

  long logged_in_count(const std::string& key) const {
    long n = 0;
    for (const auto& [id, s] : sessions)
      if (s->alive() && s->logged_in() && s->key() == key) ++n;
    return n;
  }
  std::size_t betslip_count(const std::string& client) const {
    std::size_t n = 0;
    for (const auto& [id, s] : sessions)
      if (s->logged_in() && s->client() == client) n += s->betslip_count();
    return n;
  }

  std::shared_ptr<Subscription> subscription_for(const std::string& key, const std::string& client,
                                                 const std::vector<std::string>& channels) {
    for (const auto& s : subscriptions)
      if (s->key == key && s->channels == channels) return s;
    auto s = std::make_shared<Subscription>();
    s->id = static_cast<std::int64_t>(subscriptions.size()) + 1;
    s->key = key;
    s->client = client;
    s->channels = channels;
    subscriptions.push_back(s);
    return s;
  }

  // Appends one message to every subscription it belongs to and sends it to their connections,
  // applying the armed seq faults. `only_key`: just that key's subscriptions. Returns the seqs.
  ojson publish_now(const std::string& client, const std::string& channel, const std::string& event, const ojson& payload,
                    const std::string& only_key = {}) {
    const std::string text = dump(payload);
    const bool known = is_known_channel(channel);
    ojson seqs = ojson::array();
    for (const auto& sub : subscriptions) {
      if (!only_key.empty() && sub->key != only_key) continue;
      if (known && !std::binary_search(sub->channels.begin(), sub->channels.end(), channel)) continue;
      if (known && is_client_filtered(channel) && !client.empty() && sub->client != client) continue;
      std::vector<SessionPtr> live;
      for (const auto& [id, s] : sessions)
        if (s->alive() && s->logged_in() && s->subscription() == sub) live.push_back(s);
      auto m = std::make_shared<Message>();
      m->seq = ++sub->last_seq;
      m->channel = channel;
      m->event = event;
      m->payload = text;
      m->ts = epoch_ms();
      seqs.push_back(m->seq);
      bool send_live = true, keep = true;
      int copies = 1;
      if (!live.empty()) {
        if (lose_seq > 0) {
          --lose_seq;
          keep = send_live = false;
          ++sub->lost;
        } else if (skip_seq > 0) {
          --skip_seq;
          send_live = false;
        } else if (repeat_seq > 0) {
          --repeat_seq;
          copies = 2;
        }
      }
      if (!keep) continue;
      sub->retained.push_back(m);
      while (static_cast<long>(sub->retained.size()) > opt.buffer) sub->retained.pop_front();
      for (const auto& s : live) s->deliver(m, send_live, copies);
    }
    return seqs;
  }

  // --- control (on the stream's thread) -----------------------------------------------------
  ojson config_json() const {
    ojson j = ojson::object();
    j["keepalive"] = opt.client_ping ? "client-ping" : "server-ping";
    j["pingMs"] = opt.ping_ms;
    j["pongTimeoutMs"] = opt.pong_timeout_ms;
    j["heartbeatMs"] = opt.heartbeat_ms;
    j["loginTimeoutMs"] = opt.login_timeout_ms;
    j["resendMs"] = opt.resend_ms;
    j["maxConnections"] = opt.max_connections;
    j["buffer"] = opt.buffer;
    return j;
  }

  ojson faults_json() const {
    ojson j = ojson::object();
    j["skip_seq"] = skip_seq;
    j["lose_seq"] = lose_seq;
    j["repeat_seq"] = repeat_seq;
    j["delayMs"] = delay_ms;
    const auto left = std::chrono::duration_cast<ms>(stalled_until - steady::now()).count();
    j["stallMsLeft"] = left > 0 ? left : 0;
    return j;
  }

  static std::optional<long> positive(const ojson& b, const char* name, long lo, long hi, long fallback) {
    if (!b.contains(name)) return fallback;
    if (!b[name].is_number_integer()) return std::nullopt;
    const auto v = b[name].get<std::int64_t>();
    if (v < lo || v > hi) return std::nullopt;
    return static_cast<long>(v);
  }

  Reply control(const std::string& m, const std::string& path, const ojson& b) {
    if (path == "config" && m == "GET") return Reply::json(200, config_json());
    if (path == "config" && m == "POST") {
      WsOptions next = opt;
      if (b.contains("keepalive")) {
        const auto k = b["keepalive"].is_string() ? b["keepalive"].get<std::string>() : std::string();
        if (k != "server-ping" && k != "client-ping")
          return Reply::json(400, {{"error", "keepalive must be server-ping or client-ping"}});
        next.client_ping = k == "client-ping";
      }
      struct Field {
        const char* name;
        long* into;
        long lo, hi;
      };
      const Field fields[] = {{"pingMs", &next.ping_ms, 1, 3600000},          {"pongTimeoutMs", &next.pong_timeout_ms, 1, 3600000},
                              {"heartbeatMs", &next.heartbeat_ms, 1, 3600000}, {"loginTimeoutMs", &next.login_timeout_ms, 1, 3600000},
                              {"resendMs", &next.resend_ms, 1, 3600000},       {"maxConnections", &next.max_connections, 1, 10000},
                              {"buffer", &next.buffer, 1, 1000000}};
      for (const auto& f : fields) {
        auto v = positive(b, f.name, f.lo, f.hi, *f.into);
        if (!v)
          return Reply::json(400, {{"error", std::string(f.name) + " must be an integer in " + std::to_string(f.lo) + ".." +
                                                 std::to_string(f.hi)}});
        *f.into = *v;
      }
      opt = next;
      return Reply::json(200, config_json());
    }
    if (path == "stats" && m == "GET") {
      ojson conns = ojson::array();
      for (const auto& [id, s] : sessions) conns.push_back(s->stats());
      ojson subs = ojson::array();
      for (const auto& s : subscriptions) {
        ojson j = ojson::object();
        j["subscriptionId"] = s->id;
        j["clientName"] = s->client;
        j["channels"] = s->channels;
        j["lastSeq"] = s->last_seq;
        j["retained"] = s->retained.size();
        j["firstRetainedSeq"] = s->retained.empty() ? ojson(nullptr) : ojson(s->retained.front()->seq);
        j["lost"] = s->lost;
        subs.push_back(std::move(j));
      }
      ojson j = ojson::object();
      j["accepted"] = accepted;
      j["refused"] = refused;
      j["open"] = sessions.size();
      j["connections"] = std::move(conns);
      j["subscriptions"] = std::move(subs);
      return Reply::json(200, j);
    }
    if (path == "emit" && m == "POST") {
      if (!b.contains("channel") || !b["channel"].is_string() || !b.contains("event") || !b["event"].is_string())
        return Reply::json(400, {{"error", "channel and event (strings) are required"}});
      std::string only_key;
      std::string client;
      if (b.contains("apiKey")) {
        if (!b["apiKey"].is_string()) return Reply::json(400, {{"error", "apiKey must be a string"}});
        only_key = b["apiKey"].get<std::string>();
        auto c = abp_client_for_key(only_key);
        if (!c || c->empty()) return Reply::json(400, {{"error", "apiKey is not one of the simulator's ABP keys"}});
        client = *c;
      }
      const ojson payload = b.contains("payload") ? b["payload"] : ojson::object();
      ojson r = ojson::object();
      r["seqs"] = publish_now(client, b["channel"].get<std::string>(), b["event"].get<std::string>(), payload, only_key);
      return Reply::json(200, r);
    }
    if (path == "faults" && m == "GET") return Reply::json(200, faults_json());
    if (path == "faults/clear" && m == "POST") {
      clear_faults();
      return Reply::json(200, faults_json());
    }
    if (path == "faults" && m == "POST") {
      const std::string f = b.value("fault", std::string());
      const auto count = positive(b, "count", 1, 1000000, 1);
      if (!count) return Reply::json(400, {{"error", "count must be an integer >= 1"}});
      if (f == "drop") {
        for (auto& s : snapshot()) s->drop();
      } else if (f == "skip_seq") {
        skip_seq += *count;
      } else if (f == "lose_seq") {
        lose_seq += *count;
      } else if (f == "repeat_seq") {
        repeat_seq += *count;
      } else if (f == "stall" || f == "delay") {
        const auto v = positive(b, "ms", 0, 600000, -1);
        if (!v || *v < 0) return Reply::json(400, {{"error", f + " needs ms (0..600000)"}});
        if (f == "stall") {
          stalled_until = steady::now() + ms(*v);
        } else {
          delay_ms = *v;
        }
      } else if (f == "unknown_channel") {
        ojson p = ojson::object();
        p["note"] = "a channel no revision documents";
        p["ts"] = epoch_ms();
        for (long i = 0; i < *count; ++i) publish_now("", "mystery", "MYSTERY_EVENT", p);
      } else if (f == "garbage") {
        for (auto& s : snapshot())
          if (s->logged_in()) s->send("this is not JSON {\"type\":");
      } else if (f == "oversized") {
        const auto bytes = positive(b, "bytes", 64, 64L * 1024 * 1024, 2L * 1024 * 1024);
        if (!bytes) return Reply::json(400, {{"error", "bytes must be 64..67108864"}});
        const std::string head = R"({"type":"oversized","padding":")", tail = "\"}";
        std::string text = head + std::string(static_cast<std::size_t>(*bytes) - head.size() - tail.size(), 'x') + tail;
        for (auto& s : snapshot())
          if (s->logged_in()) s->send(text);
      } else {
        return Reply::json(400, {{"error", "unknown fault '" + f +
                                               "' (drop, skip_seq, lose_seq, repeat_seq, stall, delay, unknown_channel, garbage, oversized)"}});
      }
      return Reply::json(200, faults_json());
    }
    return Reply::json(404, {{"error", "unknown control endpoint " + m + " /_sim/ws/" + path}});
  }

  void clear_faults() {
    skip_seq = lose_seq = repeat_seq = 0;
    delay_ms = 0;
    stalled_until = steady::time_point{};
  }

  void reset_now() {
    for (auto& s : snapshot()) s->drop();
    subscriptions.clear();
    clear_faults();
    opt = base_opt;
  }

  // Runs f on the stream's thread and waits for its result (bounded: a stopped server answers 503).
  template <class F>
  auto run_sync(F f) -> decltype(f()) {
    using R = decltype(f());
    auto task = std::make_shared<std::packaged_task<R()>>(std::move(f));
    auto fut = task->get_future();
    asio::post(ioc, [task] { (*task)(); });
    if (fut.wait_for(std::chrono::seconds(10)) != std::future_status::ready) return R{};
    return fut.get();
  }

  WsOptions base_opt, opt;
  asio::io_context ioc;
  // Keeps run() going while nothing is pending (the acceptor closed during stop(), no connection).
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work{asio::make_work_guard(ioc)};
  tcp::acceptor acceptor;
  asio::steady_timer ticker;
  std::thread thread;
  bool ticking = false, stopping = false;  // the stream's thread only
  bool started = false;                     // set before the thread starts
  std::atomic<bool> stop_called{false};     // any thread
  std::map<std::int64_t, SessionPtr> sessions;
  std::vector<std::shared_ptr<Subscription>> subscriptions;
  std::int64_t next_session_id = 0;
  std::uint64_t accepted = 0, refused = 0;
  long skip_seq = 0, lose_seq = 0, repeat_seq = 0, delay_ms = 0;
  steady::time_point stalled_until{};
};

WsServer::WsServer(WsOptions options) : impl_(std::make_unique<Impl>(options)) {}

WsServer::~WsServer() { stop(); }

int WsServer::bind(const std::string& host, int port, std::string& error) {
  beast::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) {
    error = "bad address " + host + ": " + ec.message();
    return -1;
  }
  const tcp::endpoint ep(address, static_cast<unsigned short>(port));
  auto& a = impl_->acceptor;
  a.open(ep.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(ep, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    error = "cannot bind " + host + ":" + std::to_string(port) + ": " + ec.message();
    return -1;
  }
  return a.local_endpoint().port();
}

void WsServer::start() {
  Impl& i = *impl_;
  if (i.started) return;
  i.started = true;
  i.do_accept();
  i.thread = std::thread([&i] { i.ioc.run(); });
}

void WsServer::stop() {
  Impl& i = *impl_;
  if (!i.started || i.stop_called.exchange(true)) return;
  // Close frames (1001, going away) to every connection, a short grace for them to go out, then
  // whatever is left is dropped and the loop stopped.
  asio::post(i.ioc, [&i] {
    i.stopping = true;
    beast::error_code ec;
    i.acceptor.close(ec);
    for (auto& s : i.snapshot()) s->close(websocket::close_code::going_away, "simulator shutting down");
  });
  const auto deadline = steady::now() + ms(500);
  while (steady::now() < deadline) {
    const bool empty = i.run_sync([&i] { return i.sessions.empty(); });
    if (empty) break;
    std::this_thread::sleep_for(ms(10));
  }
  asio::post(i.ioc, [&i] {
    for (auto& s : i.snapshot()) s->drop();
    i.ticker.cancel();
  });
  i.work.reset();
  asio::post(i.ioc, [&i] { i.ioc.stop(); });
  if (i.thread.joinable()) i.thread.join();
}

void WsServer::publish(const std::string& client, const std::string& channel, const std::string& event, const ojson& payload) {
  Impl& i = *impl_;
  asio::post(i.ioc, [&i, client, channel, event, payload] { i.publish_now(client, channel, event, payload); });
}

Reply WsServer::control(const std::string& method, const std::string& path, const ojson& body) {
  Impl& i = *impl_;
  if (!i.started || i.stop_called) return Reply::json(503, {{"error", "the /ws server is not running"}});
  // Copies: if the answer were ever late, the task must not refer to this frame.
  auto r = i.run_sync([&i, method, path, body] { return std::optional<Reply>(i.control(method, path, body)); });
  if (!r) return Reply::json(503, {{"error", "the /ws server did not answer"}});
  return *r;
}

void WsServer::reset() {
  Impl& i = *impl_;
  if (!i.started) {
    i.subscriptions.clear();
    i.opt = i.base_opt;
    return;
  }
  if (i.stop_called) return;
  i.run_sync([&i] {
    i.reset_now();
    return true;
  });
}

}  // namespace sim
