#ifndef BETWIRE_ABP_STREAM_HPP
#define BETWIRE_ABP_STREAM_HPP

// betwire::abp::stream_session: the ABP real-time stream (/ws) as a sans-I/O state machine. It owns
// no socket and no clock: you hand it each text frame the server sent and the time, it hands you
// typed events (through a callable) and queues the frames to send (outbox()). Keepalive, login and
// stall deadlines, acknowledgements, duplicate and gap detection, replay and REST reconciliation all
// happen inside, driven by receive() and tick(). abp/stream_driver.hpp runs it over a
// betwire::websocket with reconnects; docs/abp-stream.md explains the semantics.
//
//   abp::stream_session s{{.api_key = betwire::secret(key), .channels = {"orders", "bets"}}};
//   s.on_connected(now);                                   // queues login (and replay)
//   for (const std::string& f : s.outbox()) socket.send(f);  s.clear_outbox();
//   s.receive(frame, now, [](const abp::stream_event& e) {
//     if (e.kind == abp::stream_event_kind::data && e.data->order) use(*e.data->order);
//   });
//   s.tick(now, sink);                                      // timers: call by next_deadline()
//
// Events and their views (frame text, payload structs) are valid during the callback only: they
// point into the frame buffer and into structs the session reuses, so a warm session decodes a data
// frame without allocating. Nothing here throws; errors are values or events.

#include <betwire/abp/client.hpp>
#include <betwire/abp/schema.hpp>
#include <betwire/abp/stream_schema.hpp>
#include <betwire/core/config.hpp>
#include <betwire/core/error.hpp>
#include <betwire/core/result.hpp>
#include <betwire/http/secret.hpp>
#include <betwire/http/transport.hpp>
#include <betwire/json/json.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

BETWIRE_BEGIN_NAMESPACE
namespace abp {

using stream_clock = std::chrono::steady_clock;
using stream_time = stream_clock::time_point;

// ---- events ----------------------------------------------------------------------------------------

enum class stream_event_kind : std::uint8_t {
  data,                // a data message (once per seq, in seq order)
  login_ok,
  channels_updated,
  subscribed_betslip,
  error,               // the server's `error` message (ref, message)
  ping,                // the server pinged (the session has queued the pong)
  pong,
  heartbeat,           // WS-1 server heartbeat
  resynced,            // a hole in the seq was closed by REST reconciliation: what changed
  unknown,             // a message type this version does not know (frame kept as text)
  malformed,           // a frame that is not a JSON object with a string "type" (never fatal)
  connected,           // (driver) the socket is open and login was sent
  disconnected,        // (driver) the connection ended; `failure` says why
};

[[nodiscard]] constexpr std::string_view to_string(stream_event_kind k) noexcept {
  switch (k) {
    case stream_event_kind::data: return "data";
    case stream_event_kind::login_ok: return "login_ok";
    case stream_event_kind::channels_updated: return "channels_updated";
    case stream_event_kind::subscribed_betslip: return "subscribed_betslip";
    case stream_event_kind::error: return "error";
    case stream_event_kind::ping: return "ping";
    case stream_event_kind::pong: return "pong";
    case stream_event_kind::heartbeat: return "heartbeat";
    case stream_event_kind::resynced: return "resynced";
    case stream_event_kind::unknown: return "unknown";
    case stream_event_kind::malformed: return "malformed";
    case stream_event_kind::connected: return "connected";
    case stream_event_kind::disconnected: return "disconnected";
  }
  return "?";
}

// A data message. Exactly one typed pointer is set when the channel has a typed payload and it
// decoded; `payload` always holds the payload's JSON text (the only form for accounts, status,
// fixtures, currencies and unknown channels). A payload that does not match its type is still
// delivered (seq bookkeeping counts it) with `payload_error` set.
struct stream_data {
  stream_channel channel = stream_channel::unknown;
  std::string_view channel_name;
  stream_op op = stream_op::unknown;
  std::string_view event_name;
  std::optional<std::int64_t> seq;
  std::optional<std::int64_t> ts;  // server time, ms since the epoch
  bool require_ack = false;
  json::raw payload{};
  const stream_order_view* order = nullptr;          // orders
  const stream_bet_view* bet = nullptr;              // bets, settlements
  const stream_balance_view* balance = nullptr;      // balance
  const stream_emergency_view* emergency = nullptr;  // emergency
  const stream_betslip_view* betslip = nullptr;      // betslip
  const error* payload_error = nullptr;
};

// Why the session reconciled.
enum class resync_reason : std::uint8_t {
  gap,               // a seq went missing and replay did not bring it back in time
  reconnect,         // reconnected without reliable delivery: anything sent meanwhile is lost
  new_subscription,  // login_ok named another subscriptionId: the old seq no longer applies
};

// The explicit answer to a hole: seqs [from_seq, to_seq] were not delivered one by one; instead,
// every order and bet of the reconciled userRefs was read over REST and the rows that differ from
// what the stream had delivered are listed. When REST failed, `failure` is set and the session
// tries again (the hole stays open, never silently closed).
struct stream_resync {
  resync_reason reason = resync_reason::gap;
  std::int64_t from_seq = 0;  // 0 when no seq was known yet
  std::int64_t to_seq = 0;
  std::vector<order> orders;  // changed (or never seen) orders, as REST returned them
  std::vector<bet> bets;      // changed (or never seen) bets
  std::size_t superseded_frames = 0;  // orders/bets frames received out of order, replaced by REST
  const error* failure = nullptr;
};

struct stream_event {
  stream_event_kind kind = stream_event_kind::unknown;
  std::string_view frame;       // the frame as received (unknown and malformed kinds: untouched)
  std::string_view type_name;   // the message's "type"
  const stream_data* data = nullptr;
  const stream_login_ok_view* login = nullptr;
  const stream_channels_updated_view* channels = nullptr;
  const stream_subscribed_betslip_view* betslip_subscription = nullptr;
  const stream_error_view* server_error = nullptr;
  std::optional<std::int64_t> heartbeat_ts;
  const stream_resync* resync = nullptr;
  const error* failure = nullptr;  // malformed: why; disconnected: why; error: the session's reading
};

// ---- reconciliation --------------------------------------------------------------------------------

// Where the session reads the truth when replay cannot fill a hole. Append every order (bet) of
// `user_ref` to `out`. abp::client_reconcile_source adapts an abp::client.
class reconcile_source {
 public:
  virtual ~reconcile_source() = default;
  virtual result<void> fetch_orders(std::string_view user_ref, std::vector<order>& out) = 0;
  virtual result<void> fetch_bets(std::string_view user_ref, std::vector<bet>& out) = 0;
};

// GET /orders and GET /bets by userRef through an abp::client, every page.
template <transport T>
class client_reconcile_source final : public reconcile_source {
 public:
  explicit client_reconcile_source(client<T>& c) noexcept : client_(&c) {}
  result<void> fetch_orders(std::string_view user_ref, std::vector<order>& out) override {
    for (auto&& page : client_->template orders_pages<orders_page>({.user_ref = std::string(user_ref), .limit = 1000})) {
      if (!page) return fail(page.error());
      for (auto& o : page->orders) out.push_back(std::move(o));
    }
    return {};
  }
  result<void> fetch_bets(std::string_view user_ref, std::vector<bet>& out) override {
    for (auto&& page : client_->template bets_pages<bets_page>({.user_ref = std::string(user_ref), .limit = 1000})) {
      if (!page) return fail(page.error());
      for (auto& b : page->bets) out.push_back(std::move(b));
    }
    return {};
  }

 private:
  client<T>* client_;
};

// ---- options ---------------------------------------------------------------------------------------

enum class ack_policy : std::uint8_t {
  per_message,  // {"type":"ack","seq":N} after each delivered message
  batch,        // {"type":"ack_batch","upToSeq":N} every ack_batch_size messages or ack_batch_delay
};

struct stream_options {
  betwire::secret api_key{};
  std::vector<std::string> channels{};  // empty: every channel the key may see
  bool reliable_delivery = true;        // ask for at-least-once delivery (WS-2+), acks and replay
  ack_policy acks = ack_policy::batch;
  std::uint32_t ack_batch_size = 20;    // clamped to 1..99: the venue keeps at most 100 unacked
  std::chrono::milliseconds ack_batch_delay{100};
  std::chrono::milliseconds client_ping_interval{30000};  // WS-1 asks the client to ping every 30 s
  std::chrono::milliseconds login_timeout{30000};         // no login_ok by then: close
  std::chrono::milliseconds stall_timeout{90000};         // no frame at all for this long: close
  std::chrono::milliseconds replay_timeout{1000};         // a gap replay has not filled: reconcile
  std::chrono::milliseconds reconcile_retry{1000};        // after a failed REST reconciliation
  std::size_t max_out_of_order = 1000;  // frames held while a gap is open; beyond: reconcile now
  // userRefs to read over REST when reconciling. Empty: every userRef the stream has delivered.
  std::vector<std::string> reconcile_user_refs{};
  std::size_t expected_orders = 1024;   // tracking table sizes (grow when exceeded)
};

// ---- frames the client sends ----------------------------------------------------------------------

namespace detail::stream {

inline void append_json_string(std::string& out, std::string_view s) {
  constexpr char hex[] = "0123456789abcdef";
  out.push_back('"');
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out.push_back('\\');
      out.push_back(ch);
    } else if (c < 0x20) {
      out.append("\\u00");
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    } else {
      out.push_back(ch);
    }
  }
  out.push_back('"');
}

inline void append_int(std::string& out, std::int64_t v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, static_cast<std::size_t>(r.ptr - buf));
}

inline void append_string_array(std::string& out, std::span<const std::string> items) {
  out.push_back('[');
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out.push_back(',');
    append_json_string(out, items[i]);
  }
  out.push_back(']');
}

}  // namespace detail::stream

// The client's messages, written into a reused string (no allocation once it has the capacity).
namespace stream_frames {

inline void login(std::string& out, const secret& api_key, std::span<const std::string> channels, bool reliable) {
  out.assign(R"({"type":"login","apiKey":)");
  detail::stream::append_json_string(out, api_key.reveal());
  out.append(R"(,"channels":)");
  detail::stream::append_string_array(out, channels);
  if (reliable) out.append(R"(,"reliableDelivery":true)");
  out.push_back('}');
}
inline void update_channels(std::string& out, std::span<const std::string> channels) {
  out.assign(R"({"type":"update_channels","channels":)");
  detail::stream::append_string_array(out, channels);
  out.push_back('}');
}
inline void ping(std::string& out) { out.assign(R"({"type":"ping"})"); }
inline void pong(std::string& out) { out.assign(R"({"type":"pong"})"); }
inline void ack(std::string& out, std::int64_t seq) {
  out.assign(R"({"type":"ack","seq":)");
  detail::stream::append_int(out, seq);
  out.push_back('}');
}
inline void ack_batch(std::string& out, std::int64_t up_to_seq) {
  out.assign(R"({"type":"ack_batch","upToSeq":)");
  detail::stream::append_int(out, up_to_seq);
  out.push_back('}');
}
inline void replay(std::string& out, std::int64_t from_seq) {
  out.assign(R"({"type":"replay","fromSeq":)");
  detail::stream::append_int(out, from_seq);
  out.push_back('}');
}
inline void subscribe_betslip(std::string& out, const subscribe_betslip_request& r) {
  out.assign(R"({"type":"subscribe_betslip","fixtureId":)");
  detail::stream::append_json_string(out, r.fixture_id);
  out.append(R"(,"outcomeId":)");
  detail::stream::append_int(out, r.outcome_id);
  out.append(R"(,"playerId":)");
  detail::stream::append_int(out, r.player_id);
  out.append(R"(,"bookmakers":)");
  detail::stream::append_string_array(out, r.bookmakers);
  if (r.ttl) {
    out.append(R"(,"ttl":)");
    detail::stream::append_int(out, *r.ttl);
  }
  out.push_back('}');
}
inline void unsubscribe_betslip(std::string& out, const unsubscribe_betslip_request& r) {
  out.assign(R"({"type":"unsubscribe_betslip","fixtureId":)");
  detail::stream::append_json_string(out, r.fixture_id);
  out.append(R"(,"outcomeId":)");
  detail::stream::append_int(out, r.outcome_id);
  out.append(R"(,"playerId":)");
  detail::stream::append_int(out, r.player_id);
  out.push_back('}');
}

}  // namespace stream_frames

// A frame for a log: every "apiKey" string value is replaced by "***", control bytes are escaped,
// at most `max` bytes are shown. Use it for anything you print of the outbox or of received frames.
[[nodiscard]] inline std::string redact_frame(std::string_view frame, std::size_t max = 512) {
  std::string text(frame);
  constexpr std::string_view key = "\"apiKey\"";
  std::size_t pos = 0;
  while ((pos = text.find(key, pos)) != std::string::npos) {
    std::size_t i = pos + key.size();
    while (i < text.size() && (text[i] == ' ' || text[i] == ':' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) ++i;
    if (i < text.size() && text[i] == '"') {
      std::size_t j = i + 1;
      while (j < text.size() && text[j] != '"') j += text[j] == '\\' ? 2 : 1;
      if (j > text.size()) j = text.size();
      text.replace(i, (j < text.size() ? j + 1 : j) - i, "\"***\"");
    }
    pos = i;
  }
  std::string out;
  http::detail::append_printable(out, text, max);
  return out;
}

// ---- the session -----------------------------------------------------------------------------------

namespace detail::stream {

// The envelope of every server message. Strings are kept raw so that reading the head rewrites
// nothing in the buffer: the typed pass that follows sees the frame as it arrived.
struct frame_head {
  static constexpr naming betwire_naming = naming::camel_case;
  std::optional<json::raw> type;
  std::optional<json::raw> channel;
  std::optional<json::raw> event;
  std::optional<json::raw> payload;
  std::optional<std::int64_t> seq;
  std::optional<std::int64_t> ts;
  std::optional<bool> require_ack;
};

// The text of a raw JSON string without its quotes when it has no escape; false otherwise (or when
// it is not a string).
inline bool plain_string(const json::raw& r, std::string_view& out) noexcept {
  const std::string_view t = r.text;
  if (t.size() < 2 || t.front() != '"' || t.back() != '"') return false;
  const std::string_view inner = t.substr(1, t.size() - 2);
  if (inner.find('\\') != std::string_view::npos) return false;
  out = inner;
  return true;
}

// A raw string decoded in place (its escapes rewritten inside the frame buffer).
// Templates only to be instantiated where a session is (tools/instantiation_check.py).
template <class = void>
bool decoded_string(char* frame_begin, std::string_view frame, const json::raw& r, std::string_view& out) {
  if (plain_string(r, out)) return true;
  if (r.text.empty() || r.text.front() != '"') return false;
  char* p = frame_begin + (r.text.data() - frame.data());
  return static_cast<bool>(json::decode(std::span<char>(p, r.text.size()), out));
}

// A raw string copied to a small buffer and decoded there (the frame is left untouched).
template <class = void>
bool copied_string(const json::raw& r, std::span<char> scratch, std::string_view& out) {
  if (plain_string(r, out)) return true;
  if (r.text.size() > scratch.size() || r.text.empty() || r.text.front() != '"') return false;
  std::copy(r.text.begin(), r.text.end(), scratch.begin());
  return static_cast<bool>(json::decode(scratch.first(r.text.size()), out));
}

template <class V>
class id_table {
 public:
  struct slot {
    std::int64_t id = 0;
    bool used = false;
    V value{};
  };
  void reserve(std::size_t n) {
    std::size_t cap = 16;
    while (cap < 2 * n) cap *= 2;
    if (cap > slots_.size()) rehash(cap);
  }
  V* find(std::int64_t id) noexcept {
    if (slots_.empty()) return nullptr;
    for (std::size_t i = index(id);; i = (i + 1) & (slots_.size() - 1)) {
      if (!slots_[i].used) return nullptr;
      if (slots_[i].id == id) return &slots_[i].value;
    }
  }
  V& upsert(std::int64_t id) {
    if (2 * (size_ + 1) > slots_.size()) rehash(slots_.empty() ? 16 : 2 * slots_.size());
    for (std::size_t i = index(id);; i = (i + 1) & (slots_.size() - 1)) {
      if (!slots_[i].used) {
        slots_[i].used = true;
        slots_[i].id = id;
        ++size_;
        return slots_[i].value;
      }
      if (slots_[i].id == id) return slots_[i].value;
    }
  }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }

 private:
  std::size_t index(std::int64_t id) const noexcept {
    auto h = static_cast<std::uint64_t>(id) * 0x9E3779B97F4A7C15ull;
    return static_cast<std::size_t>(h >> 17) & (slots_.size() - 1);
  }
  void rehash(std::size_t cap) {
    std::vector<slot> old = std::move(slots_);
    slots_.assign(cap, slot{});
    size_ = 0;
    for (slot& s : old)
      if (s.used) upsert(s.id) = std::move(s.value);
  }
  std::vector<slot> slots_;
  std::size_t size_ = 0;
};

struct order_summary {
  order_status status = order_status::unknown;
  decimal filled_stake{};
};
struct bet_summary {
  bet_status status = bet_status::unknown;
  settlement_status settlement = settlement_status::unknown;
};

struct held_frame {
  std::int64_t seq = 0;
  std::string text;
};

}  // namespace detail::stream

enum class stream_state : std::uint8_t {
  disconnected,
  awaiting_login,  // connected, login sent, no login_ok yet
  live,
  closing,         // the session asks the driver to close (see close_reason())
};

class stream_session {
 public:
  explicit stream_session(stream_options options = {}) : opt_(std::move(options)) {
    opt_.ack_batch_size = std::clamp<std::uint32_t>(opt_.ack_batch_size, 1, 99);
    orders_seen_.reserve(opt_.expected_orders);
    bets_seen_.reserve(opt_.expected_orders);
  }
  stream_session(const stream_session&) = delete;
  stream_session& operator=(const stream_session&) = delete;

  // The REST side of reconciliation (not owned). Without one, a hole that replay cannot fill is
  // reported as a resynced event with `failure` set, and the session moves on.
  void set_reconcile_source(reconcile_source* source) noexcept { source_ = source; }

  [[nodiscard]] const stream_options& options() const noexcept { return opt_; }
  [[nodiscard]] stream_state state() const noexcept { return state_; }
  // Why the session wants the connection closed (login rejected or timed out, stall).
  [[nodiscard]] const std::optional<error>& close_reason() const noexcept { return close_reason_; }
  [[nodiscard]] std::optional<std::int64_t> last_seq() const noexcept { return last_seq_; }
  [[nodiscard]] std::optional<std::int64_t> subscription_id() const noexcept { return subscription_id_; }
  [[nodiscard]] bool reliable() const noexcept { return reliable_; }

  // Counters, for tests and monitoring.
  struct counters {
    std::uint64_t frames = 0, data = 0, duplicates = 0, gaps = 0, replays = 0, resyncs = 0,
                  acks_sent = 0, pings_sent = 0, pongs_sent = 0, malformed = 0, connections = 0;
  };
  [[nodiscard]] const counters& stats() const noexcept { return stats_; }

  // ---- what to send ----
  [[nodiscard]] std::span<const std::string> outbox() const noexcept { return {out_.data(), out_count_}; }
  // Forget what outbox() held (after sending it). The login frame's bytes are wiped.
  void clear_outbox() noexcept {
    for (std::size_t i = 0; i < out_count_; ++i) wipe(out_[i]);
    out_count_ = 0;
  }
  // The outbox for a log, with the API key redacted.
  [[nodiscard]] std::string describe_outbox() const {
    std::string text;
    for (std::size_t i = 0; i < out_count_; ++i) text.append(redact_frame(out_[i])).push_back('\n');
    return text;
  }

  // ---- the connection's life ----
  // The socket is open: queue login and, on a reconnect with reliable delivery, replay. They go
  // first: login is the first frame of every connection, before anything requested meanwhile.
  void on_connected(stream_time now) {
    const std::size_t queued = out_count_;
    ++stats_.connections;
    reconnected_ = stats_.connections > 1;
    state_ = stream_state::awaiting_login;
    close_reason_.reset();
    connected_at_ = now;
    last_rx_ = now;
    next_ping_ = now + opt_.client_ping_interval;
    ack_pending_upto_.reset();
    ack_pending_count_ = 0;
    stream_frames::login(next_out(), opt_.api_key, opt_.channels, opt_.reliable_delivery);
    // The venue's recipe: replay right after login, without waiting for login_ok. A hole shows up
    // as a gap on the next frame; replayed frames we already have are dropped as duplicates.
    if (reconnected_ && opt_.reliable_delivery && last_seq_) {
      stream_frames::replay(next_out(), *last_seq_ + 1);
      ++stats_.replays;
    }
    std::rotate(out_.begin(), out_.begin() + static_cast<std::ptrdiff_t>(queued),
                out_.begin() + static_cast<std::ptrdiff_t>(out_count_));
  }
  // The connection ended: what the outbox still holds (pongs, acks, pings queued for it) is
  // dropped, never sent on the next connection ahead of its login.
  void on_disconnected(stream_time) noexcept {
    clear_outbox();
    state_ = stream_state::disconnected;
    ack_pending_upto_.reset();
    ack_pending_count_ = 0;
  }

  // One text frame from the server. `frame` is modified (escapes decoded in place) and the
  // event's views point into it: valid during the callback.
  template <class Sink>
  void receive(std::span<char> frame, stream_time now, Sink&& sink) {
    ++stats_.frames;
    last_rx_ = now;
    const std::string_view text(frame.data(), frame.size());
    detail::stream::frame_head head{};
    stream_event ev{};
    ev.frame = text;
    if (auto r = json::decode(frame, head); !r) return malformed(text, std::move(r).error(), sink);
    std::string_view type;
    std::array<char, 64> scratch;
    if (!head.type || !detail::stream::copied_string(*head.type, scratch, type))
      return malformed(text, error(errc::type_mismatch, "frame has no string \"type\""), sink);
    ev.type_name = type;
    if (type == "data") return on_data(frame, text, head, now, sink, false);
    if (type == "ping") {
      stream_frames::pong(next_out());
      ++stats_.pongs_sent;
      ev.kind = stream_event_kind::ping;
      return emit(sink, ev);
    }
    if (type == "pong") {
      ev.kind = stream_event_kind::pong;
      return emit(sink, ev);
    }
    if (type == "heartbeat") {
      ev.kind = stream_event_kind::heartbeat;
      ev.heartbeat_ts = head.ts;
      return emit(sink, ev);
    }
    if (type == "login_ok") return on_login_ok(frame, ev, now, sink);
    if (type == "channels_updated") {
      if (auto r = json::decode(frame, channels_updated_); !r) return malformed(text, std::move(r).error(), sink);
      if (channels_updated_.subscription_id && channels_updated_.subscription_id != subscription_id_) {
        // Another channel set is another subscription with its own seq: a change we asked for, so
        // nothing is missing; count afresh from its next frame.
        subscription_id_ = channels_updated_.subscription_id;
        last_seq_.reset();
        held_count_ = 0;
        gap_open_ = false;
        ack_pending_upto_.reset();
        ack_pending_count_ = 0;
      }
      ev.kind = stream_event_kind::channels_updated;
      ev.channels = &channels_updated_;
      return emit(sink, ev);
    }
    if (type == "subscribed_betslip") {
      if (auto r = json::decode(frame, subscribed_); !r) return malformed(text, std::move(r).error(), sink);
      ev.kind = stream_event_kind::subscribed_betslip;
      ev.betslip_subscription = &subscribed_;
      return emit(sink, ev);
    }
    if (type == "error") return on_error(frame, ev, sink);
    ev.kind = stream_event_kind::unknown;
    emit(sink, ev);
  }
  template <class Sink>
  void receive(std::string& frame, stream_time now, Sink&& sink) {
    receive(std::span<char>(frame.data(), frame.size()), now, std::forward<Sink>(sink));
  }

  // Timers: client ping, batched acks, login and stall watchdogs, replay deadline, reconciliation
  // retries. Call it at next_deadline() (or more often).
  template <class Sink>
  void tick(stream_time now, Sink&& sink) {
    if (state_ == stream_state::disconnected || state_ == stream_state::closing) {
      if (state_ == stream_state::disconnected && gap_open_ && !opt_.reliable_delivery && now >= gap_deadline_)
        reconcile(now, resync_reason::gap, sink);
      return;
    }
    if (state_ == stream_state::awaiting_login && now - connected_at_ >= opt_.login_timeout) {
      request_close(errc::timeout, "no login_ok within the login timeout");
      return;
    }
    if (now - last_rx_ >= opt_.stall_timeout) {
      request_close(errc::timeout, "no frame from the server within the stall timeout");
      return;
    }
    if (now >= next_ping_) {
      stream_frames::ping(next_out());
      ++stats_.pings_sent;
      next_ping_ = now + opt_.client_ping_interval;
    }
    if (ack_pending_upto_ && now - ack_pending_since_ >= opt_.ack_batch_delay) flush_acks();
    if (gap_open_ && state_ == stream_state::live && now >= gap_deadline_) reconcile(now, pending_reason_, sink);
  }

  // When tick() next has something to do.
  [[nodiscard]] stream_time next_deadline() const noexcept {
    stream_time t = stream_time::max();
    if (state_ == stream_state::disconnected || state_ == stream_state::closing) return t;
    auto take = [&](stream_time x) { t = x < t ? x : t; };
    if (state_ == stream_state::awaiting_login) take(connected_at_ + opt_.login_timeout);
    take(last_rx_ + opt_.stall_timeout);
    take(next_ping_);
    if (ack_pending_upto_) take(ack_pending_since_ + opt_.ack_batch_delay);
    if (gap_open_) take(gap_deadline_);
    return t;
  }

  // ---- requests (queued in the outbox) ----
  void update_channels(std::vector<std::string> channels) {
    opt_.channels = std::move(channels);  // a reconnect logs in with the new set
    stream_frames::update_channels(next_out(), opt_.channels);
  }
  void subscribe_betslip(const subscribe_betslip_request& r) { stream_frames::subscribe_betslip(next_out(), r); }
  void unsubscribe_betslip(const unsubscribe_betslip_request& r) { stream_frames::unsubscribe_betslip(next_out(), r); }
  void ping() {
    stream_frames::ping(next_out());
    ++stats_.pings_sent;
  }
  void replay(std::int64_t from_seq) {
    stream_frames::replay(next_out(), from_seq);
    ++stats_.replays;
  }

 private:
  template <class Sink>
  static void emit(Sink& sink, const stream_event& ev) {
    sink(ev);
  }
  static void wipe(std::string& s) noexcept {
    volatile char* p = s.data();
    for (std::size_t i = 0; i < s.size(); ++i) p[i] = 0;
    s.clear();
  }
  std::string& next_out() {
    if (out_count_ == out_.size()) out_.emplace_back();
    return out_[out_count_++];
  }

  void request_close(errc code, const char* why) {
    state_ = stream_state::closing;
    close_reason_ = error(error_category::transport, code, why);
  }

  // A peer may echo the key in any frame: no text of an error the session keeps may carry it.
  void scrub_key(error& e) const {
    http::scrub(e, opt_.api_key.reveal());
  }

  template <class Sink>
  void malformed(std::string_view text, error e, Sink& sink) {
    ++stats_.malformed;
    scrub_key(e);
    failure_ = std::move(e);
    stream_event ev{};
    ev.kind = stream_event_kind::malformed;
    ev.frame = text;
    ev.failure = &failure_;
    sink(std::as_const(ev));
  }

  template <class Sink>
  void on_login_ok(std::span<char> frame, stream_event& ev, stream_time now, Sink& sink) {
    if (auto r = json::decode(frame, login_); !r) return malformed(ev.frame, std::move(r).error(), sink);
    const bool new_sub = subscription_id_ && *subscription_id_ != login_.subscription_id;
    subscription_id_ = login_.subscription_id;
    reliable_ = opt_.reliable_delivery && login_.reliable_delivery.value_or(false);
    state_ = stream_state::live;
    ev.kind = stream_event_kind::login_ok;
    ev.login = &login_;
    sink(std::as_const(ev));
    if (new_sub) {
      // Another seq space: what we had is no longer comparable. Read the truth, restart counting.
      last_seq_.reset();
      begin_reconcile_now(now, resync_reason::new_subscription, sink);
    } else if (reconnected_ && !reliable_ && last_seq_) {
      begin_reconcile_now(now, resync_reason::reconnect, sink);
    }
  }

  template <class Sink>
  void begin_reconcile_now(stream_time now, resync_reason why, Sink& sink) {
    if (!gap_open_) {
      gap_open_ = true;
      gap_from_ = last_seq_ ? *last_seq_ + 1 : 0;
    }
    pending_reason_ = why;
    reconcile(now, why, sink);
  }

  template <class Sink>
  void on_error(std::span<char> frame, stream_event& ev, Sink& sink) {
    if (auto r = json::decode(frame, error_msg_); !r) return malformed(ev.frame, std::move(r).error(), sink);
    ev.kind = stream_event_kind::error;
    ev.server_error = &error_msg_;
    if (state_ == stream_state::awaiting_login) {
      // The venue documents no login-failure frame; an error before login_ok is taken as one.
      std::string message = "the server refused the login";
      error e(error_category::venue, errc::unauthorized, std::move(message));
      if (error_msg_.message) e.venue_message = std::string(*error_msg_.message);
      scrub_key(e);
      state_ = stream_state::closing;
      close_reason_ = std::move(e);
      ev.failure = &*close_reason_;
    }
    sink(std::as_const(ev));
  }

  static stream_channel channel_of(std::string_view name) noexcept {
    constexpr std::pair<std::string_view, stream_channel> names[] = {
        {"orders", stream_channel::orders},         {"bets", stream_channel::bets},
        {"settlements", stream_channel::settlements}, {"accounts", stream_channel::accounts},
        {"balance", stream_channel::balance},       {"betslip", stream_channel::betslip},
        {"fixtures", stream_channel::fixtures},     {"currencies", stream_channel::currencies},
        {"status", stream_channel::status},         {"emergency", stream_channel::emergency}};
    for (const auto& [n, c] : names)
      if (n == name) return c;
    return stream_channel::unknown;
  }
  static stream_op op_of(std::string_view name) noexcept {
    constexpr std::pair<std::string_view, stream_op> names[] = {
        {"INSERT", stream_op::insert},   {"UPDATE", stream_op::update},
        {"DELETE", stream_op::delete_},  {"SETTLED", stream_op::settled},
        {"STATUS", stream_op::status},   {"STATUS_CHANGE", stream_op::status_change}};
    for (const auto& [n, o] : names)
      if (n == name) return o;
    return stream_op::unknown;
  }
  static bool reconcilable(stream_channel c) noexcept {
    return c == stream_channel::orders || c == stream_channel::bets || c == stream_channel::settlements;
  }

  template <class Sink>
  void on_data(std::span<char> frame, std::string_view text, const detail::stream::frame_head& head,
               stream_time now, Sink& sink, bool held) {
    const std::optional<std::int64_t> seq = head.seq;
    if (seq && !held) {
      if (last_seq_ && *seq <= *last_seq_) {
        ++stats_.duplicates;
        if (head.require_ack.value_or(false)) ack_now(*seq);  // it is re-sent because our ack was lost
        return;
      }
      if (last_seq_ && *seq > *last_seq_ + 1) {
        hold(text, *seq, now, head.require_ack.value_or(false), sink);
        return;
      }
      if (gap_open_ && !last_seq_ && gap_from_ == 0) {
        // No baseline yet but a reconciliation is due (new subscription): hold until it is done.
        hold(text, *seq, now, head.require_ack.value_or(false), sink);
        return;
      }
    }
    deliver(frame, text, head, sink);
    if (seq && !held) {
      last_seq_ = seq;
      if (head.require_ack.value_or(false)) note_ack(*seq, now);
      drain_held(now, sink);
    }
  }

  // Decode the payload by channel and hand the event over.
  template <class Sink>
  void deliver(std::span<char> frame, std::string_view text, const detail::stream::frame_head& head, Sink& sink) {
    ++stats_.data;
    data_ = stream_data{};
    data_.seq = head.seq;
    data_.ts = head.ts;
    data_.require_ack = head.require_ack.value_or(false);
    if (head.channel) detail::stream::decoded_string(frame.data(), text, *head.channel, data_.channel_name);
    if (head.event) detail::stream::decoded_string(frame.data(), text, *head.event, data_.event_name);
    data_.channel = channel_of(data_.channel_name);
    data_.op = op_of(data_.event_name);
    if (head.payload) data_.payload = *head.payload;
    if (head.payload && !head.payload->is_null()) {
      char* p = frame.data() + (head.payload->text.data() - text.data());
      const std::span<char> span(p, head.payload->text.size());
      switch (data_.channel) {
        case stream_channel::orders: decode_into(span, order_, data_.order); break;
        case stream_channel::bets:
        case stream_channel::settlements: decode_into(span, bet_, data_.bet); break;
        case stream_channel::balance: decode_into(span, balance_, data_.balance); break;
        case stream_channel::emergency: decode_into(span, emergency_, data_.emergency); break;
        case stream_channel::betslip: decode_into(span, betslip_, data_.betslip); break;
        default: break;
      }
    }
    if (data_.order) track(*data_.order);
    if (data_.bet) track(*data_.bet);
    stream_event ev{};
    ev.kind = stream_event_kind::data;
    ev.frame = text;
    ev.type_name = "data";
    ev.data = &data_;
    sink(std::as_const(ev));
  }

  template <class T>
  void decode_into(std::span<char> span, T& value, const T*& out) {
    if (auto r = json::decode(span, value); r) {
      out = &value;
    } else {
      failure_ = std::move(r).error();
      scrub_key(failure_);
      data_.payload_error = &failure_;
    }
  }

  void track(const stream_order_view& o) {
    auto& s = orders_seen_.upsert(o.order_id);
    s.status = o.order_status;
    s.filled_stake = o.filled_stake;
    if (opt_.reconcile_user_refs.empty() && !o.user_ref.empty() &&
        std::find(user_refs_.begin(), user_refs_.end(), o.user_ref) == user_refs_.end())
      user_refs_.emplace_back(o.user_ref);
  }
  void track(const stream_bet_view& b) {
    auto& s = bets_seen_.upsert(b.bet_id);
    s.status = b.bet_status;
    s.settlement = b.settlement_status;
  }

  // ---- acks ----
  void ack_now(std::int64_t seq) {
    if (!reliable_) return;
    if (opt_.acks == ack_policy::batch && last_seq_ && seq <= *last_seq_)
      stream_frames::ack_batch(next_out(), *last_seq_);
    else
      stream_frames::ack(next_out(), seq);
    ++stats_.acks_sent;
  }
  void note_ack(std::int64_t seq, stream_time now) {
    if (!reliable_) return;
    if (opt_.acks == ack_policy::per_message) {
      stream_frames::ack(next_out(), seq);
      ++stats_.acks_sent;
      return;
    }
    if (!ack_pending_upto_) ack_pending_since_ = now;
    ack_pending_upto_ = seq;
    if (++ack_pending_count_ >= opt_.ack_batch_size) flush_acks();
  }
  void flush_acks() {
    if (!ack_pending_upto_) return;
    stream_frames::ack_batch(next_out(), *ack_pending_upto_);
    ++stats_.acks_sent;
    ack_pending_upto_.reset();
    ack_pending_count_ = 0;
  }

  // ---- gaps ----
  void open_gap(stream_time now, std::int64_t from) {
    if (gap_open_) return;
    gap_open_ = true;
    gap_from_ = from;
    gap_deadline_ = now + opt_.replay_timeout;
    pending_reason_ = resync_reason::gap;
  }

  template <class Sink>
  void hold(std::string_view text, std::int64_t seq, stream_time now, bool require_ack, Sink& sink) {
    auto it = std::lower_bound(held_.begin(), held_.begin() + static_cast<std::ptrdiff_t>(held_count_), seq,
                               [](const detail::stream::held_frame& h, std::int64_t s) { return h.seq < s; });
    if (it != held_.begin() + static_cast<std::ptrdiff_t>(held_count_) && it->seq == seq) {
      ++stats_.duplicates;
      if (require_ack && reliable_) {
        stream_frames::ack(next_out(), seq);
        ++stats_.acks_sent;
      }
      return;
    }
    // Keep the slot objects (and their capacity): rotate a spare one into place.
    const auto pos = static_cast<std::size_t>(it - held_.begin());
    if (held_count_ == held_.size()) held_.emplace_back();
    std::rotate(held_.begin() + static_cast<std::ptrdiff_t>(pos), held_.begin() + static_cast<std::ptrdiff_t>(held_count_),
                held_.begin() + static_cast<std::ptrdiff_t>(held_count_) + 1);
    held_[pos].seq = seq;
    held_[pos].text.assign(text);
    ++held_count_;
    // Acknowledge what we hold one by one: the venue keeps at most 100 unacked messages and drops the
    // oldest beyond, and a batch ack cannot skip the hole.
    if (require_ack && reliable_) {
      stream_frames::ack(next_out(), seq);
      ++stats_.acks_sent;
    }
    if (!gap_open_) {
      ++stats_.gaps;
      if (last_seq_) {
        open_gap(now, *last_seq_ + 1);
        if (reliable_) {
          stream_frames::replay(next_out(), *last_seq_ + 1);
          ++stats_.replays;
        } else {
          gap_deadline_ = now;  // nothing can fill it: reconcile at once
        }
      }
    }
    if (held_count_ > opt_.max_out_of_order || (gap_open_ && !reliable_ && state_ == stream_state::live))
      reconcile(now, pending_reason_, sink);
  }

  template <class Sink>
  void drain_held(stream_time now, Sink& sink) {
    (void)now;
    std::size_t i = 0;
    while (i < held_count_ && last_seq_ && held_[i].seq <= *last_seq_ + 1) {
      if (held_[i].seq == *last_seq_ + 1) {
        redeliver(held_[i], sink);
        last_seq_ = held_[i].seq;
      }
      ++i;
    }
    drop_held_front(i);
    if (gap_open_ && pending_reason_ == resync_reason::gap) {
      if (held_count_ == 0) gap_open_ = false;
      else if (last_seq_) gap_from_ = *last_seq_ + 1;
    }
  }

  void drop_held_front(std::size_t n) {
    if (n == 0) return;
    std::rotate(held_.begin(), held_.begin() + static_cast<std::ptrdiff_t>(n),
                held_.begin() + static_cast<std::ptrdiff_t>(held_count_));
    held_count_ -= n;
  }

  template <class Sink>
  void redeliver(detail::stream::held_frame& h, Sink& sink) {
    std::span<char> frame(h.text.data(), h.text.size());
    detail::stream::frame_head head{};
    if (!json::decode(frame, head)) return;
    deliver(frame, std::string_view(h.text), head, sink);
  }

  // Close the hole through REST: read every order and bet of the userRefs, report what differs from
  // what was delivered, deliver the held frames of other channels, and move past the hole.
  template <class Sink>
  void reconcile(stream_time now, resync_reason why, Sink& sink) {
    resync_.reason = why;
    resync_.from_seq = gap_from_;
    std::int64_t to = last_seq_.value_or(0);
    for (std::size_t i = 0; i < held_count_; ++i) to = std::max(to, held_[i].seq);
    resync_.to_seq = to;
    resync_.orders.clear();
    resync_.bets.clear();
    resync_.superseded_frames = 0;
    resync_.failure = nullptr;
    stream_event ev{};
    ev.kind = stream_event_kind::resynced;
    ev.type_name = "resynced";
    ev.resync = &resync_;
    result<void> fetched = fetch_truth();
    if (!fetched) {
      failure_ = std::move(fetched).error();
      resync_.failure = &failure_;
      gap_deadline_ = now + opt_.reconcile_retry;
      sink(std::as_const(ev));
      return;
    }
    for (order& o : rest_orders_) {
      auto* seen = orders_seen_.find(o.order_id);
      if (seen && seen->status == o.order_status && seen->filled_stake == o.filled_stake) continue;
      auto& s = orders_seen_.upsert(o.order_id);
      s.status = o.order_status;
      s.filled_stake = o.filled_stake;
      resync_.orders.push_back(std::move(o));
    }
    for (bet& b : rest_bets_) {
      auto* seen = bets_seen_.find(b.bet_id);
      if (seen && seen->status == b.bet_status && seen->settlement == b.settlement_status) continue;
      auto& s = bets_seen_.upsert(b.bet_id);
      s.status = b.bet_status;
      s.settlement = b.settlement_status;
      resync_.bets.push_back(std::move(b));
    }
    ++stats_.resyncs;
    // Held frames: orders/bets rows are superseded by what REST said; the others are delivered.
    std::size_t held = held_count_;
    held_count_ = 0;
    for (std::size_t i = 0; i < held; ++i) {
      std::span<char> frame(held_[i].text.data(), held_[i].text.size());
      detail::stream::frame_head head{};
      std::string_view ch;
      if (json::decode(frame, head) && head.channel && detail::stream::plain_string(*head.channel, ch) &&
          reconcilable(channel_of(ch)))
        ++resync_.superseded_frames;
    }
    // After a reconnect without replay (or in a new seq space) the next frame sets the baseline;
    // after a gap, counting resumes past the highest seq seen.
    if (why != resync_reason::gap && held == 0)
      last_seq_.reset();
    else if (to > 0 || last_seq_)
      last_seq_ = to;
    gap_open_ = false;
    sink(std::as_const(ev));
    for (std::size_t i = 0; i < held; ++i) {
      std::span<char> frame(held_[i].text.data(), held_[i].text.size());
      detail::stream::frame_head head{};
      std::string_view ch;
      if (!json::decode(frame, head)) continue;
      if (head.channel && detail::stream::plain_string(*head.channel, ch) && reconcilable(channel_of(ch))) continue;
      deliver(frame, std::string_view(held_[i].text), head, sink);
    }
    if (reliable_ && last_seq_ && *last_seq_ > 0) {
      ack_pending_upto_.reset();
      ack_pending_count_ = 0;
      stream_frames::ack_batch(next_out(), *last_seq_);
      ++stats_.acks_sent;
    }
  }

  result<void> fetch_truth() {
    rest_orders_.clear();
    rest_bets_.clear();
    if (!source_)
      return fail(error(error_category::validation, errc::invalid_argument,
                        "stream gap: no reconcile_source set, the missing messages cannot be recovered"));
    const std::vector<std::string>& refs = opt_.reconcile_user_refs.empty() ? user_refs_ : opt_.reconcile_user_refs;
    for (const std::string& ref : refs) {
      if (auto r = source_->fetch_orders(ref, rest_orders_); !r) return r;
      if (auto r = source_->fetch_bets(ref, rest_bets_); !r) return r;
    }
    return {};
  }

  stream_options opt_;
  reconcile_source* source_ = nullptr;
  stream_state state_ = stream_state::disconnected;
  std::optional<error> close_reason_;
  bool reconnected_ = false;
  bool reliable_ = false;
  std::optional<std::int64_t> subscription_id_;
  std::optional<std::int64_t> last_seq_;
  stream_time connected_at_{}, last_rx_{}, next_ping_{};
  // acks
  std::optional<std::int64_t> ack_pending_upto_;
  std::uint32_t ack_pending_count_ = 0;
  stream_time ack_pending_since_{};
  // gaps
  bool gap_open_ = false;
  std::int64_t gap_from_ = 0;
  stream_time gap_deadline_{};
  resync_reason pending_reason_ = resync_reason::gap;
  std::vector<detail::stream::held_frame> held_;
  std::size_t held_count_ = 0;
  // outbox
  std::vector<std::string> out_;
  std::size_t out_count_ = 0;
  // decoded values, reused
  stream_data data_{};
  stream_order_view order_{};
  stream_bet_view bet_{};
  stream_balance_view balance_{};
  stream_emergency_view emergency_{};
  stream_betslip_view betslip_{};
  stream_login_ok_view login_{};
  stream_channels_updated_view channels_updated_{};
  stream_subscribed_betslip_view subscribed_{};
  stream_error_view error_msg_{};
  error failure_{};
  stream_resync resync_{};
  // reconciliation
  detail::stream::id_table<detail::stream::order_summary> orders_seen_;
  detail::stream::id_table<detail::stream::bet_summary> bets_seen_;
  std::vector<std::string> user_refs_;
  std::vector<order> rest_orders_;
  std::vector<bet> rest_bets_;
  counters stats_{};
};

}  // namespace abp
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_ABP_STREAM_HPP
