#ifndef BETWIRE_HTTP_CONCURRENT_HPP
#define BETWIRE_HTTP_CONCURRENT_HPP

// Many requests in flight, without a runtime of betwire's own.
//
// * betwire::concurrent_transport: a network layer that can have several requests outstanding.
//   submit() starts one and returns at once; poll() drives the I/O, waits up to a timeout for
//   answers and reports each finished request exactly once, in whatever order they finish.
//   transport/curl_multi.hpp is one (libcurl multi); http::serial_transport makes any blocking
//   betwire::transport one, with one request in flight.
// * A composite operation (cancel many orders, read every page) is a sans-I/O state machine: it
//   hands out the next request to send (next), and takes answers back in any order (complete).
//   It never touches a socket; it can be driven by hand, by a test, or by:
// * http::pipeline<ConcurrentTransport>: runs machines over one transport. It adds each client's
//   headers, paces every start through the operation's rate_limiter, keeps the in-flight window at
//   what the limiter says reaches the limit, re-sends under the retry policy (never a request the
//   policy forbids), and serves urgent operations first (priority lane). step() does one round and
//   never blocks longer than asked, so it fits in any event loop; run() loops until done.
//
// A machine is any type with:
//
//   http::next_step next(http::outgoing& out);
//       send: a request was built into `out` (out.id: the machine's name for it; build it with
//             http::build_request<E>(..., out.buffers, out.request); headers are added later);
//       wait: nothing to send until an answer comes back;
//       done: finished (nothing to send, nothing outstanding).
//   void complete(http::answer& a);
//       the final outcome of request a.id (after any re-sends): a.sent is the transport's result;
//       when it succeeded, a.resp is the answer (any status) — read it with
//       http::read_response<E>(a.resp, value); views into a.resp.body die when complete returns.
//       a.scrub(e) removes the client's credentials from an error before it is kept.
//
// Threading: a pipeline, its transport and its machines serve one thread. Rate limiters may be
// shared between pipelines and threads (they are thread-safe).

#include <betwire/core/config.hpp>
#include <betwire/core/error.hpp>
#include <betwire/core/result.hpp>
#include <betwire/http/endpoint.hpp>
#include <betwire/http/message.hpp>
#include <betwire/http/observer.hpp>
#include <betwire/http/pacing.hpp>
#include <betwire/http/retry.hpp>
#include <betwire/http/transport.hpp>

#include <array>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

BETWIRE_BEGIN_NAMESPACE
namespace http {

// One finished request, as a concurrent transport reports it.
struct completion {
  std::uint64_t tag = 0;      // what submit() was given
  result<void> outcome{};     // success: a complete response (any status) is in its response
};

}  // namespace http

// The concurrent transport contract. Besides what betwire::transport says about requests and
// responses (base URL, headers, body, resp.clear() first, the status/error rules):
//   submit(req, resp, tag): starts the request, or fails without starting it (then no completion
//     follows). `req`'s viewed bytes and `resp` must stay valid until its completion is reported.
//   poll(out, timeout): performs I/O, waits up to `timeout` (0: not at all) for at least one
//     completion, writes up to out.size() of them, returns how many. Each submitted request is
//     reported exactly once.
//   in_flight(): submitted and not yet reported; capacity(): the most it accepts at once.
// One thread at a time; nothing may throw.
template <class T>
concept concurrent_transport = requires(T& t, const http::request& req, http::response& resp, std::uint64_t tag,
                                        std::span<http::completion> out, std::chrono::milliseconds timeout) {
  { t.submit(req, resp, tag) } -> std::same_as<result<void>>;
  { t.poll(out, timeout) } -> std::same_as<std::size_t>;
  { t.in_flight() } -> std::convertible_to<std::size_t>;
  { t.capacity() } -> std::convertible_to<std::size_t>;
};

namespace http {

// Any blocking transport as a concurrent one with one request in flight: poll() performs the send.
template <transport T>
class serial_transport {
 public:
  explicit serial_transport(T& inner) noexcept : inner_(&inner) {}

  result<void> submit(const request& req, response& resp, std::uint64_t tag) {
    if (pending_) return fail(transport_error(errc::transport_failed, "serial_transport: one request at a time"));
    req_ = &req;
    resp_ = &resp;
    tag_ = tag;
    pending_ = true;
    return {};
  }
  std::size_t poll(std::span<completion> out, std::chrono::milliseconds) {
    if (!pending_ || out.empty()) return 0;
    pending_ = false;
    out[0].tag = tag_;
    out[0].outcome = inner_->send(*req_, *resp_);
    return 1;
  }
  [[nodiscard]] std::size_t in_flight() const noexcept { return pending_ ? 1 : 0; }
  [[nodiscard]] static constexpr std::size_t capacity() noexcept { return 1; }
  [[nodiscard]] T& inner() noexcept { return *inner_; }

 private:
  T* inner_;
  const request* req_ = nullptr;
  response* resp_ = nullptr;
  std::uint64_t tag_ = 0;
  bool pending_ = false;
};

// A blocking transport whose every send is paced by a rate_limiter (single calls of a client that
// shares the limiter with its composite operations).
template <transport T>
class paced_transport {
 public:
  paced_transport(T& inner, rate_limiter& limiter, priority p = priority::normal) noexcept
      : inner_(&inner), limiter_(&limiter), priority_(p) {}
  result<void> send(const request& req, response& resp) {
    const rate_limiter::ticket t = limiter_->acquire(priority_);
    result<void> r = inner_->send(req, resp);
    limiter_->complete(t, r ? &resp : nullptr);
    return r;
  }
  void set_limiter(rate_limiter& l) noexcept { limiter_ = &l; }
  [[nodiscard]] rate_limiter& limiter() noexcept { return *limiter_; }
  [[nodiscard]] T& inner() noexcept { return *inner_; }

 private:
  T* inner_;
  rate_limiter* limiter_;
  priority priority_;
};

// ---- machines ------------------------------------------------------------------------------------

enum class next_step : std::uint8_t { send, wait, done };

// Where a machine builds its next request. Owned by the pipeline (one per request in flight) and
// reused: building into it allocates nothing once warm.
struct outgoing {
  std::uint64_t id = 0;
  std::string_view endpoint;  // the endpoint's path template, for observers (optional)
  request_buffers buffers;
  http::request request;
};

// The client side of a request: its headers, how to scrub its credentials from an error or a
// target, and its observer (observer.hpp), told about every send and every request's outcome.
// http::client provides one (client.headers_source()).
struct header_source {
  const void* self = nullptr;
  result<void> (*add)(const void* self, request& r) = nullptr;
  error (*scrub)(const void* self, error e) = nullptr;
  // `text` without credentials: itself, or a scrubbed copy in `buffer`.
  std::string_view (*redact)(const void* self, std::string_view text, std::string& buffer) = nullptr;
  const http::observer* observer = nullptr;
};

// The final outcome of one request of a machine.
struct answer {
  std::uint64_t id = 0;
  result<void> sent{};        // the transport's result (after re-sends); success: resp holds the answer
  response& resp;
  reply_info info{};          // status, rate limits, Retry-After, attempts
  const header_source* headers = nullptr;

  [[nodiscard]] error scrub(error e) const {
    if (headers != nullptr && headers->scrub != nullptr) return headers->scrub(headers->self, std::move(e));
    return e;
  }
};

template <class M>
concept machine = requires(M& m, outgoing& out, answer& a) {
  { m.next(out) } -> std::same_as<next_step>;
  { m.complete(a) } -> std::same_as<void>;
};

// ---- per-item bookkeeping of the cancelling machines -------------------------------------------

// Where one id of a cancelling operation stands. An id is `cancelled` or `not_cancelled` only on
// the venue's word; `failed` means no usable answer (transport error, 5xx, 429 after the retries,
// an undecodable body): whether the venue acted is unknown, and re-sending it is safe (the venues'
// cancels are idempotent). `not_sent`: never sent (the operation stopped first): resume with these.
enum class cancel_state : std::uint8_t { not_sent, in_flight, cancelled, not_cancelled, failed };

[[nodiscard]] constexpr std::string_view to_string(cancel_state s) noexcept {
  switch (s) {
    case cancel_state::not_sent: return "not sent";
    case cancel_state::in_flight: return "in flight";
    case cancel_state::cancelled: return "cancelled";
    case cancel_state::not_cancelled: return "not cancelled";
    case cancel_state::failed: return "failed";
  }
  return "?";
}

// A venue's refusal of one cancel (its reason in the error), as opposed to a failure to get an
// answer: a venue error under a status that is not 401/403/429/5xx.
[[nodiscard]] inline bool is_venue_refusal(const error& e) noexcept {
  if (e.category != error_category::venue) return false;
  const int s = e.http_status;
  return !(s == 401 || s == 403 || s == 429 || s >= 500);
}

// An error after which every further request of the operation would fail the same way (the key
// is refused): the operation stops sending, the rest stays not_sent.
[[nodiscard]] inline bool stops_the_operation(const error& e) noexcept {
  return e.code == errc::unauthorized || e.code == errc::forbidden || e.code == errc::invalid_api_key ||
         e.code == errc::invalid_wallet;
}

// How a machine is run by a pipeline.
struct operation_options {
  header_source headers{};               // empty: no headers added
  rate_limiter* limiter = nullptr;       // null: unpaced
  retry_policy retry{};                  // re-sends (off unless enabled)
  http::priority priority = priority::normal;
  std::size_t max_in_flight = 0;         // 0: the pipeline's window
};

struct pipeline_options {
  std::size_t max_in_flight = 16;  // requests outstanding at once (further capped by the transport)
  std::size_t urgent_reserve = 1;  // of those, kept free for urgent operations
  std::size_t max_operations = 16;
  retry_clock clock{};
  std::uint64_t jitter_seed = 0x5eed;
};

namespace detail {

// A machine behind function pointers: the pipeline runs machines of any type without allocating.
struct erased_machine {
  void* self = nullptr;
  next_step (*next)(void*, outgoing&) = nullptr;
  void (*complete)(void*, answer&) = nullptr;

  template <machine M>
  static erased_machine of(M& m) noexcept {
    erased_machine e;
    e.self = &m;
    e.next = [](void* s, outgoing& o) { return static_cast<M*>(s)->next(o); };
    e.complete = [](void* s, answer& a) { static_cast<M*>(s)->complete(a); };
    return e;
  }
};

}  // namespace detail

template <concurrent_transport T>
class pipeline {
 public:
  using time_point = retry_clock::time_point;

  explicit pipeline(T& net, pipeline_options options = {})
      : net_(&net), options_(options), jitter_(options.jitter_seed) {
    std::size_t cap = options_.max_in_flight == 0 ? 1 : options_.max_in_flight;
    if (cap > net.capacity()) cap = net.capacity();
    if (cap == 0) cap = 1;
    window_cap_ = cap;
    // Slots also hold requests waiting for a re-send or for the limiter: twice the window.
    slots_.resize(cap * 2);
    completions_.resize(cap);
    ops_.reserve(options_.max_operations);
  }
  pipeline(const pipeline&) = delete;
  pipeline& operator=(const pipeline&) = delete;

  // Runs `m` (kept by reference: keep it alive until it is done) from the next step() on.
  template <machine M>
  result<void> add(M& m, const operation_options& o = {}) {
    if (ops_.size() == options_.max_operations) {
      // Reuse the place of a finished operation.
      for (op& x : ops_) {
        if (x.finished) {
          x = op{detail::erased_machine::of(m), o};
          return {};
        }
      }
      return fail(error(error_category::validation, errc::too_many_items, "pipeline: too many operations"));
    }
    ops_.push_back(op{detail::erased_machine::of(m), o});
    return {};
  }

  // True when every operation is done and nothing is outstanding.
  [[nodiscard]] bool idle() const noexcept {
    for (const op& x : ops_)
      if (!x.finished) return false;
    return true;
  }
  [[nodiscard]] std::size_t in_flight() const noexcept { return in_flight_; }

  // One round: starts what may start, waits up to `timeout` for answers (less when a start is due
  // earlier), hands them to their machines. Returns how many answers were handed over.
  std::size_t step(std::chrono::milliseconds timeout) {
    dispatch();
    std::chrono::milliseconds wait = timeout;
    if (const auto due = until_due(); due < wait) wait = due;
    if (in_flight_ == 0) {
      if (idle()) return 0;
      // Nothing outstanding: sleep here (through the clock) until something may start.
      if (wait.count() > 0) options_.clock.sleep_for(options_.clock.context, wait);
      dispatch();
      if (in_flight_ == 0) return 0;
      wait = std::chrono::milliseconds(0);
    }
    const std::size_t n = net_->poll(std::span<completion>(completions_.data(), completions_.size()), wait);
    for (std::size_t i = 0; i < n; ++i) finish(completions_[i]);
    if (n > 0) dispatch();
    return n;
  }

  // Steps until idle.
  void run() {
    while (!idle()) step(std::chrono::milliseconds(1000));
  }

  // When step() must run at the latest for a start that is due (for an event loop's timer);
  // max() when nothing waits on time.
  [[nodiscard]] std::chrono::milliseconds until_due() const {
    const time_point now = options_.clock.now(options_.clock.context);
    time_point earliest = time_point::max();
    for (const slot& s : slots_)
      if (s.state == slot_state::queued && s.due < earliest) earliest = s.due;
    for (const op& x : ops_)
      if (!x.finished && x.blocked_until < earliest && x.blocked_until > now) earliest = x.blocked_until;
    if (earliest == time_point::max()) return std::chrono::milliseconds::max();
    if (earliest <= now) return std::chrono::milliseconds(0);
    return std::chrono::ceil<std::chrono::milliseconds>(earliest - now);
  }

  [[nodiscard]] T& transport() noexcept { return *net_; }

 private:
  enum class slot_state : std::uint8_t { free, queued, in_flight };

  struct op {
    detail::erased_machine m;
    operation_options o;
    bool finished = false;
    bool waiting = false;              // the machine said wait: ask again after an answer
    std::size_t in_flight = 0;         // its slots queued or in flight
    time_point blocked_until{};        // its limiter said not before
  };

  struct slot {
    slot_state state = slot_state::free;
    std::size_t op_index = 0;
    outgoing out;
    response resp;
    rate_limiter::ticket ticket{};
    time_point due{};
    time_point first_sent{};
    time_point last_sent{};
    std::uint32_t attempts = 0;
    std::chrono::milliseconds slept{0};
  };

  [[nodiscard]] time_point now() const { return options_.clock.now(options_.clock.context); }

  [[nodiscard]] std::size_t window_of(const op& x) const {
    std::size_t w = window_cap_;
    if (x.o.priority == priority::normal && w > 1) {
      const std::size_t reserve = options_.urgent_reserve < w ? options_.urgent_reserve : w - 1;
      w -= reserve;
    }
    if (x.o.limiter != nullptr) {
      const std::size_t lw = x.o.limiter->in_flight_window(w);
      if (lw < w) w = lw;
    }
    if (x.o.max_in_flight != 0 && x.o.max_in_flight < w) w = x.o.max_in_flight;
    return w == 0 ? 1 : w;
  }

  slot* free_slot() {
    for (slot& s : slots_)
      if (s.state == slot_state::free) return &s;
    return nullptr;
  }

  // Starts queued requests whose time has come (urgent first), then asks machines for more.
  void dispatch() {
    for (int pass = 0; pass < 2; ++pass) {
      const priority want = pass == 0 ? priority::urgent : priority::normal;
      start_queued(want);
      for (std::size_t i = 0; i < ops_.size(); ++i) {
        op& x = ops_[i];
        if (x.finished || x.o.priority != want) continue;
        pull(i);
      }
      start_queued(want);
    }
  }

  // Asks operation i for requests while it has room in its window.
  void pull(std::size_t i) {
    op& x = ops_[i];
    if (x.waiting) return;
    const time_point t = now();
    if (x.blocked_until > t) return;
    while (x.in_flight < window_of(x) && in_flight_ < window_cap_) {
      slot* s = free_slot();
      if (s == nullptr) return;
      s->out.request = request{};
      const next_step st = x.m.next(x.m.self, s->out);
      if (st == next_step::wait) {
        // Waiting for nothing of its own would never end: a machine waits only on its answers.
        if (x.in_flight == 0) x.finished = true;
        else x.waiting = true;
        break;
      }
      if (st == next_step::done) {
        if (x.in_flight == 0) x.finished = true;
        else x.waiting = true;
        break;
      }
      s->state = slot_state::queued;
      s->op_index = i;
      s->due = t;
      s->attempts = 0;
      s->slept = std::chrono::milliseconds(0);
      ++x.in_flight;
      if (!try_start(*s)) break;  // paced: the rest waits too
    }
  }

  void start_queued(priority want) {
    const time_point t = now();
    for (slot& s : slots_) {
      if (s.state != slot_state::queued || s.due > t) continue;
      if (ops_[s.op_index].o.priority != want) continue;
      if (in_flight_ >= window_cap_) return;
      (void)try_start(s);
    }
  }

  // Sends a queued slot if its limiter lets it start now; false when paced.
  bool try_start(slot& s) {
    op& x = ops_[s.op_index];
    const time_point t = now();
    if (in_flight_ >= window_cap_) return false;
    if (x.o.limiter != nullptr) {
      time_point ready{};
      rate_limiter::ticket tk = x.o.limiter->try_acquire(x.o.priority, ready);
      if (!tk) {
        s.due = ready;
        x.blocked_until = ready;
        return false;
      }
      s.ticket = tk;
    } else {
      s.ticket = {};
    }
    if (s.attempts == 0) {
      s.first_sent = t;
      s.out.request.clear_headers();
      if (x.o.headers.add != nullptr) {
        if (auto h = x.o.headers.add(x.o.headers.self, s.out.request); !h) {
          if (x.o.limiter != nullptr) x.o.limiter->complete(s.ticket, nullptr);
          deliver(s, fail(std::move(h).error()));
          return true;
        }
      }
    }
    ++s.attempts;
    s.last_sent = t;
    result<void> sub = net_->submit(s.out.request, s.resp, static_cast<std::uint64_t>(&s - slots_.data()));
    if (!sub) {
      if (x.o.limiter != nullptr) x.o.limiter->complete(s.ticket, nullptr);
      deliver(s, std::move(sub));
      return true;
    }
    s.state = slot_state::in_flight;
    ++in_flight_;
    return true;
  }

  void finish(completion& c) {
    if (c.tag >= slots_.size()) return;
    slot& s = slots_[static_cast<std::size_t>(c.tag)];
    if (s.state != slot_state::in_flight) return;
    --in_flight_;
    op& x = ops_[s.op_index];
    if (x.o.limiter != nullptr) x.o.limiter->complete(s.ticket, c.outcome ? &s.resp : nullptr);
    auto wait = retry_wait(s, x, c.outcome);
    if (observed(x, true)) report_attempt(s, x, c.outcome, !wait.has_value());
    if (wait) {
      s.state = slot_state::queued;
      s.due = now() + *wait;
      s.slept += *wait;
      return;
    }
    deliver(s, std::move(c.outcome));
  }

  // The wait before a re-send of `s`, when the policy allows one (the rules of send_with_retry).
  std::optional<std::chrono::milliseconds> retry_wait(const slot& s, const op& x, const result<void>& outcome) {
    const retry_policy& p = x.o.retry;
    if (!may_retry(s.out.request, p) || s.attempts >= p.max_attempts) return std::nullopt;
    std::chrono::milliseconds wait = backoff_delay(p, s.attempts, jitter_);
    if (outcome) {
      if (!is_retryable_status(s.resp.status)) return std::nullopt;
      if (s.resp.retry_after) {
        const auto ra = std::chrono::duration_cast<std::chrono::milliseconds>(*s.resp.retry_after);
        if (ra > p.max_retry_after) return std::nullopt;
        if (ra > wait) wait = ra;
      }
    } else if (!is_retryable_error(outcome.error().code)) {
      return std::nullopt;
    }
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(now() - s.first_sent);
    if (elapsed + wait > p.budget) return std::nullopt;
    return wait;
  }

  void deliver(slot& s, result<void> outcome) {
    op& x = ops_[s.op_index];
    if (!outcome) outcome = fail(x.o.headers.scrub != nullptr ? x.o.headers.scrub(x.o.headers.self, std::move(outcome).error())
                                                               : std::move(outcome).error());
    reply_info info;
    info.status = outcome ? s.resp.status : 0;
    info.rate_limit = s.resp.rate_limit;
    info.retry_after = s.resp.retry_after;
    info.attempts = s.attempts;
    info.slept = s.slept;
    if (s.attempts > 0) info.elapsed = std::chrono::duration_cast<std::chrono::nanoseconds>(now() - s.first_sent);
    if (observed(x, false)) report_call(s, x, outcome, info);
    answer a{s.out.id, std::move(outcome), s.resp, info, &x.o.headers};
    s.state = slot_state::free;
    --x.in_flight;
    x.waiting = false;
    x.m.complete(x.m.self, a);
  }

  // ---- observing (the client's observer, as http::client reports its own calls) ----
  [[nodiscard]] static bool observed(const op& x, bool attempts) noexcept {
    const observer* o = x.o.headers.observer;
    return o != nullptr && (attempts ? o->wants_attempts() : o->wants_calls());
  }
  std::string_view redacted(const op& x, std::string_view text) {
    if (x.o.headers.redact == nullptr) return text;
    return x.o.headers.redact(x.o.headers.self, text, observed_text_);
  }
  void report_attempt(const slot& s, const op& x, const result<void>& outcome, bool last) {
    attempt_event ev;
    ev.method = s.out.request.method;
    ev.endpoint = s.out.endpoint;
    ev.target = redacted(x, s.out.request.target);
    ev.attempt = s.attempts;
    ev.elapsed = std::chrono::duration_cast<std::chrono::nanoseconds>(now() - s.last_sent);
    ev.last = last;
    if (outcome) {
      ev.status = s.resp.status;
      ev.rate_limit = s.resp.rate_limit;
      ev.retry_after = s.resp.retry_after;
      x.o.headers.observer->attempt(ev);
    } else {
      const error e = x.o.headers.scrub != nullptr ? x.o.headers.scrub(x.o.headers.self, outcome.error()) : outcome.error();
      ev.error = &e;
      x.o.headers.observer->attempt(ev);
    }
  }
  void report_call(const slot& s, const op& x, const result<void>& outcome, const reply_info& info) {
    call_event ev;
    ev.method = s.out.request.method;
    ev.endpoint = s.out.endpoint;
    ev.target = redacted(x, s.out.request.target);
    ev.attempts = info.attempts;
    ev.elapsed = info.elapsed;
    ev.slept = info.slept;
    ev.status = info.status;
    ev.rate_limit = info.rate_limit;
    ev.retry_after = info.retry_after;
    if (!outcome) ev.error = &outcome.error();  // scrubbed in deliver()
    x.o.headers.observer->call(ev);
  }

  T* net_;
  pipeline_options options_;
  jitter_source jitter_;
  std::size_t window_cap_ = 1;
  std::size_t in_flight_ = 0;
  std::vector<slot> slots_;
  std::vector<completion> completions_;
  std::vector<op> ops_;
  std::string observed_text_;
};

}  // namespace http
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_HTTP_CONCURRENT_HPP
