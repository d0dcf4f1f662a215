#ifndef BETWIRE_ABP_STREAM_DRIVER_HPP
#define BETWIRE_ABP_STREAM_DRIVER_HPP

// betwire::abp::stream_driver<W>: runs an abp::stream_session over any betwire::websocket, and
// reconnects. No thread of its own: call poll() from your loop (or run_for()), events come to the
// callable you pass.
//
//   betwire::beast_websocket ws;
//   abp::stream_session session{{.api_key = betwire::secret(key), .channels = {"orders", "bets"}}};
//   abp::client_reconcile_source rest{abp_client};
//   session.set_reconcile_source(&rest);
//   abp::stream_driver driver{ws, session, {.url = "wss://v2.55-tech.com/ws"}};
//   while (running) driver.poll(std::chrono::milliseconds(100), [](const abp::stream_event& e) { ... });
//
// Reconnects: a connection that fails, closes, or that the session gives up on (login refused or
// timed out, stall) is closed and re-opened after an exponential backoff with jitter (initial_delay,
// doubled up to max_delay, each wait drawn uniformly from [delay * (1 - jitter), delay]); a
// connection that reached login_ok resets the backoff. On every new connection the session logs in
// again with its channels, replays from the last seq it delivered (reliable delivery) or reconciles
// over REST (without it). At most 5 connections per API key are open in one process (the venue's
// limit): a sixth driver's connect waits in backoff with errc::connection_limit.

#include <betwire/abp/stream.hpp>
#include <betwire/core/config.hpp>
#include <betwire/core/error.hpp>
#include <betwire/core/result.hpp>
#include <betwire/ws/websocket.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

BETWIRE_BEGIN_NAMESPACE
namespace abp {

// The venue allows 5 concurrent /ws connections per API key. This process-wide count keeps one
// process under it (keys are told apart by a hash; the key itself is not stored).
class stream_connection_slot {
 public:
  static constexpr std::size_t max_per_key = 5;

  stream_connection_slot() = default;
  stream_connection_slot(const stream_connection_slot&) = delete;
  stream_connection_slot& operator=(const stream_connection_slot&) = delete;
  stream_connection_slot(stream_connection_slot&& o) noexcept : hash_(o.hash_), held_(std::exchange(o.held_, false)) {}
  stream_connection_slot& operator=(stream_connection_slot&& o) noexcept {
    if (this != &o) {
      release();
      hash_ = o.hash_;
      held_ = std::exchange(o.held_, false);
    }
    return *this;
  }
  ~stream_connection_slot() { release(); }

  [[nodiscard]] static result<stream_connection_slot> acquire(const secret& api_key) {
    const std::size_t h = std::hash<std::string_view>{}(api_key.reveal());
    auto& r = registry();
    std::lock_guard lock(r.mutex);
    std::size_t* count = nullptr;
    for (auto& e : r.entries)
      if (e.first == h) count = &e.second;
    if (!count) count = &r.entries.emplace_back(h, 0).second;
    if (*count >= max_per_key)
      return fail(error(error_category::validation, errc::connection_limit,
                        "5 /ws connections for this API key are already open in this process"));
    ++*count;
    stream_connection_slot slot;
    slot.hash_ = h;
    slot.held_ = true;
    return slot;
  }
  // Connections of this key open in this process (for tests and monitoring).
  [[nodiscard]] static std::size_t open_count(const secret& api_key) {
    const std::size_t h = std::hash<std::string_view>{}(api_key.reveal());
    auto& r = registry();
    std::lock_guard lock(r.mutex);
    for (auto& e : r.entries)
      if (e.first == h) return e.second;
    return 0;
  }
  [[nodiscard]] bool held() const noexcept { return held_; }
  void release() noexcept {
    if (!held_) return;
    auto& r = registry();
    std::lock_guard lock(r.mutex);
    for (auto& e : r.entries)
      if (e.first == hash_ && e.second > 0) --e.second;
    held_ = false;
  }

 private:
  struct table {
    std::mutex mutex;
    std::vector<std::pair<std::size_t, std::size_t>> entries;
  };
  static table& registry() {
    static table t;  // one per program: an inline function's static
    return t;
  }
  std::size_t hash_ = 0;
  bool held_ = false;
};

struct reconnect_policy {
  std::chrono::milliseconds initial_delay{250};
  std::chrono::milliseconds max_delay{30000};
  double multiplier = 2.0;
  double jitter = 0.5;  // each wait is drawn from [delay * (1 - jitter), delay]
  std::uint64_t seed = 0;  // 0: from the driver's address
};

struct stream_driver_options {
  std::string url = "wss://v2.55-tech.com/ws";
  std::vector<ws::header> headers{};
  std::chrono::milliseconds connect_timeout{10000};
  reconnect_policy reconnect{};
  bool reconnect_enabled = true;
};

template <websocket W>
class stream_driver {
 public:
  stream_driver(W& socket, stream_session& session, stream_driver_options options = {})
      : ws_(&socket), session_(&session), opt_(std::move(options)) {
    rng_ = opt_.reconnect.seed ? opt_.reconnect.seed : reinterpret_cast<std::uintptr_t>(this) | 1u;
    delay_ = opt_.reconnect.initial_delay;
  }
  stream_driver(const stream_driver&) = delete;
  stream_driver& operator=(const stream_driver&) = delete;
  ~stream_driver() { stop(); }

  // One step, waiting at most `timeout`: connect when due, receive and hand frames to the session,
  // run its timers, send what it queued. Every event goes to `sink`. Returns false once stop()ped.
  template <class Sink>
  bool poll(std::chrono::milliseconds timeout, Sink&& sink) {
    if (stopped_) return false;
    auto now = stream_clock::now();
    if (!ws_->is_open()) {
      if (now < next_attempt_) {
        std::this_thread::sleep_for(std::min<stream_clock::duration>(timeout, next_attempt_ - now));
        return true;
      }
      connect(sink);
      return true;
    }
    const auto until_timer = session_->next_deadline() - now;
    const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::clamp<stream_clock::duration>(until_timer, stream_clock::duration::zero(), timeout));
    auto got = ws_->receive(buffer_, wait);
    now = stream_clock::now();
    if (!got) return lost(std::move(got).error(), sink), true;
    if (*got == ws::receive_status::closed) {
      return lost(error(error_category::transport, errc::connection_reset, "the server closed the connection"), sink), true;
    }
    if (*got == ws::receive_status::message) session_->receive(buffer_, now, sink);
    // Drain what is already there without waiting, so a burst does not wait for timers one by one.
    for (int i = 0; i < 64 && ws_->is_open(); ++i) {
      auto more = ws_->receive(buffer_, std::chrono::milliseconds(0));
      if (!more) return lost(std::move(more).error(), sink), true;
      if (*more == ws::receive_status::closed)
        return lost(error(error_category::transport, errc::connection_reset, "the server closed the connection"), sink), true;
      if (*more != ws::receive_status::message) break;
      session_->receive(buffer_, stream_clock::now(), sink);
    }
    session_->tick(stream_clock::now(), sink);
    if (!flush(sink)) return true;
    if (session_->state() == stream_state::live) {
      delay_ = opt_.reconnect.initial_delay;
      attempts_ = 0;
    }
    if (session_->state() == stream_state::closing) {
      error why = session_->close_reason().value_or(error(errc::transport_failed, "the session closed"));
      ws_->close();
      lost(std::move(why), sink);
    }
    return true;
  }

  // poll() until `duration` has passed or stop().
  template <class Sink>
  void run_for(std::chrono::milliseconds duration, Sink&& sink) {
    const auto end = stream_clock::now() + duration;
    while (!stopped_) {
      const auto now = stream_clock::now();
      if (now >= end) break;
      poll(std::min(std::chrono::duration_cast<std::chrono::milliseconds>(end - now), std::chrono::milliseconds(100)), sink);
    }
  }

  // Close now and stay closed.
  void stop() noexcept {
    if (ws_->is_open()) ws_->close();
    slot_.release();
    stopped_ = true;
  }

  // Close the current connection (as if it had dropped) and reconnect after the backoff.
  void reconnect() noexcept {
    if (ws_->is_open()) ws_->close();
    slot_.release();
    session_->on_disconnected(stream_clock::now());
  }

  [[nodiscard]] bool connected() const noexcept { return ws_->is_open(); }
  [[nodiscard]] std::uint64_t connections() const noexcept { return connections_; }
  [[nodiscard]] std::uint64_t disconnects() const noexcept { return disconnects_; }
  [[nodiscard]] const std::optional<error>& last_error() const noexcept { return last_error_; }
  [[nodiscard]] stream_clock::time_point next_attempt() const noexcept { return next_attempt_; }

 private:
  template <class Sink>
  void connect(Sink& sink) {
    auto slot = stream_connection_slot::acquire(session_->options().api_key);
    if (!slot) return backoff(std::move(slot).error(), sink, false);
    auto r = ws_->connect({.url = opt_.url, .headers = opt_.headers, .timeout = opt_.connect_timeout});
    if (!r) return backoff(std::move(r).error(), sink, false);
    slot_ = std::move(*slot);
    ++connections_;
    session_->on_connected(stream_clock::now());
    stream_event ev{};
    ev.kind = stream_event_kind::connected;
    ev.type_name = "connected";
    sink(std::as_const(ev));
    flush(sink);
  }

  template <class Sink>
  bool flush(Sink& sink) {
    for (const std::string& frame : session_->outbox()) {
      if (auto r = ws_->send_text(frame); !r) {
        session_->clear_outbox();
        lost(std::move(r).error(), sink);
        return false;
      }
    }
    session_->clear_outbox();
    return true;
  }

  template <class Sink>
  void lost(error why, Sink& sink) {
    if (ws_->is_open()) ws_->close();
    slot_.release();
    ++disconnects_;
    session_->on_disconnected(stream_clock::now());
    backoff(std::move(why), sink, true);
  }

  template <class Sink>
  void backoff(error why, Sink& sink, bool was_connected) {
    (void)was_connected;
    http::scrub(why, session_->options().api_key.reveal());
    last_error_ = std::move(why);
    stream_event ev{};
    ev.kind = stream_event_kind::disconnected;
    ev.type_name = "disconnected";
    ev.failure = &*last_error_;
    sink(std::as_const(ev));
    if (!opt_.reconnect_enabled) {
      stopped_ = true;
      return;
    }
    // xorshift64: the jitter needs no quality, only independence between clients.
    rng_ ^= rng_ << 13;
    rng_ ^= rng_ >> 7;
    rng_ ^= rng_ << 17;
    const double unit = static_cast<double>(rng_ >> 11) / static_cast<double>(std::uint64_t{1} << 53);
    const double ms = static_cast<double>(delay_.count()) * (1.0 - opt_.reconnect.jitter * unit);
    next_attempt_ = stream_clock::now() + std::chrono::milliseconds(static_cast<std::int64_t>(ms));
    ++attempts_;
    const double next = static_cast<double>(delay_.count()) * opt_.reconnect.multiplier;
    delay_ = std::chrono::milliseconds(static_cast<std::int64_t>(
        std::min(next, static_cast<double>(opt_.reconnect.max_delay.count()))));
  }

  W* ws_;
  stream_session* session_;
  stream_driver_options opt_;
  stream_connection_slot slot_;
  std::string buffer_;
  std::uint64_t rng_ = 1;
  std::chrono::milliseconds delay_{};
  std::uint64_t attempts_ = 0;
  std::uint64_t connections_ = 0;
  std::uint64_t disconnects_ = 0;
  stream_clock::time_point next_attempt_{};
  std::optional<error> last_error_;
  bool stopped_ = false;
};

}  // namespace abp
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_ABP_STREAM_DRIVER_HPP
