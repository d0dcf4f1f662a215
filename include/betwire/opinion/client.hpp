#ifndef BETWIRE_OPINION_CLIENT_HPP
#define BETWIRE_OPINION_CLIENT_HPP

// betwire::opinion::client<Transport>: a user's orders on Opinion.trade (builder mode: the builder
// acts with the user's API key, sent as `apikey`), over any betwire::transport.
//
//   betwire::curl_transport net{{.base_url = "https://openapi.opinion.trade/openapi"}};
//   betwire::opinion::client opn{net, {.api_key = betwire::secret(user_apikey)}};
//
//   auto page = opn.get_orders({.market_id = 123, .status = {opinion::order_status::pending}, .limit = 20});
//   auto one  = opn.cancel_order("order-id");                  // errno 0 is success; ->data
//   auto many = opn.cancel_orders(ids);                        // one outcome per id, in order
//   auto all  = opn.cancel_all_orders({.market_id = 123, .side = opinion::order_side::sell},
//                                     [](const opinion::progress& p) { draw(p); });
//
// Rate limit: every request (retries included) goes through a client-side limiter that keeps the
// key under 15 requests per rolling second (configurable, client_options::limit). It counts a
// request from the moment its response has arrived, so the venue's window never sees more,
// whatever the latency. 429 answers are still retried after Retry-After (retries are on by default:
// every call here is a read or an idempotent cancel).
//
// Decode options: the second template argument, a json::read_options, is how every answer of this
// client is read, envelope included, and the cancels and pages of cancel_orders / cancel_all_orders
// too (docs/opinion.md, "Tolerance policy"):
//
//   constexpr betwire::json::read_options strict{.allow_unknown_keys = false};
//   betwire::opinion::client<betwire::curl_transport, strict> opn{net, {.api_key = key}};
//
// One thread at a time per client. Not copyable or movable: its core views the API key it holds.

#include <betwire/core/config.hpp>
#include <betwire/core/error.hpp>
#include <betwire/core/result.hpp>
#include <betwire/http/client.hpp>
#include <betwire/http/endpoint.hpp>
#include <betwire/http/message.hpp>
#include <betwire/http/observer.hpp>
#include <betwire/http/retry.hpp>
#include <betwire/http/secret.hpp>
#include <betwire/http/transport.hpp>
#include <betwire/opinion/endpoints.hpp>
#include <betwire/opinion/operations.hpp>
#include <betwire/http/operations.hpp>
#include <betwire/opinion/schema.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

BETWIRE_BEGIN_NAMESPACE
namespace opinion {

// ---- client-side rate limiter ----------------------------------------------------------------------

struct rate_limit {
  bool enabled = true;
  std::uint32_t requests = 15;                // at most this many ...
  std::chrono::milliseconds window{1000};     // ... per rolling window
  std::chrono::milliseconds margin{5};        // added to the window, for clock granularity
};

// A sliding-window limiter: remembers when the last `requests` requests finished; a new one starts
// only once the oldest of them is more than window + margin old. Time and sleep go through an
// http::retry_clock (injectable: tests use a fake one). Not thread-safe.
class rate_limiter {
 public:
  explicit rate_limiter(rate_limit config = {}, http::retry_clock clock = {})
      : config_(config), clock_(clock), ring_(config.enabled ? config.requests : 0) {}

  // Waits (through the clock) until one more request may start. Returns how long it waited.
  std::chrono::nanoseconds acquire() {
    if (ring_.empty() || count_ < ring_.size()) return std::chrono::nanoseconds{0};
    const auto now = clock_.now(clock_.context);
    const auto ready = ring_[head_] + config_.window + config_.margin;
    if (now >= ready) return std::chrono::nanoseconds{0};
    const auto wait = std::chrono::duration_cast<std::chrono::nanoseconds>(ready - now);
    clock_.sleep_for(clock_.context, wait);
    waited_ += wait;
    ++waits_;
    return wait;
  }

  // A request has finished (its response arrived, or it failed) now.
  void record() {
    if (ring_.empty()) return;
    const auto now = clock_.now(clock_.context);
    if (count_ < ring_.size()) {
      ring_[(head_ + count_) % ring_.size()] = now;
      ++count_;
    } else {
      ring_[head_] = now;
      head_ = (head_ + 1) % ring_.size();
    }
  }

  void set_clock(const http::retry_clock& c) noexcept { clock_ = c; }
  void reset() noexcept { head_ = count_ = 0; }
  [[nodiscard]] const rate_limit& config() const noexcept { return config_; }
  [[nodiscard]] std::size_t waits() const noexcept { return waits_; }         // acquire() calls that slept
  [[nodiscard]] std::chrono::nanoseconds waited() const noexcept { return waited_; }

 private:
  rate_limit config_;
  http::retry_clock clock_;
  std::vector<http::retry_clock::time_point> ring_;
  std::size_t head_ = 0;
  std::size_t count_ = 0;
  std::size_t waits_ = 0;
  std::chrono::nanoseconds waited_{0};
};

// A transport that passes every send through a rate_limiter.
template <transport T>
class limited_transport {
 public:
  limited_transport(T& inner, rate_limiter& limiter) noexcept : inner_(&inner), limiter_(&limiter) {}
  result<void> send(const http::request& req, http::response& resp) {
    limiter_->acquire();
    result<void> r = inner_->send(req, resp);
    limiter_->record();
    return r;
  }
  [[nodiscard]] T& inner() noexcept { return *inner_; }

 private:
  T* inner_;
  rate_limiter* limiter_;
};

// ---- results of the composite calls ------------------------------------------------------------

// One id of a batch cancel: `index` in the input, success, the id, and the error when it failed.
struct cancel_outcome {
  std::size_t index = 0;
  bool success = false;
  std::string order_id;
  cancel_result result{};             // the envelope's result when success
  std::optional<betwire::error> error{};  // why not, when !success
};

struct cancel_all_result {
  std::size_t total_orders = 0;  // pending orders selected (after the market and side filters)
  std::size_t cancelled = 0;
  std::size_t failed = 0;
  std::vector<cancel_outcome> results;  // one per selected order, in listing order
  std::size_t pages = 0;                // GET /order pages read
};

// Where cancel_all_orders is, for a progress bar.
struct progress {
  enum class phase : std::uint8_t { listing, cancelling, done };
  opinion::progress::phase phase = phase::listing;
  std::size_t pages = 0;      // pages read so far
  std::size_t listed = 0;     // pending orders seen so far (before the side filter)
  std::size_t total = 0;      // orders to cancel (known from the cancelling phase on)
  std::size_t processed = 0;  // cancels attempted
  std::size_t cancelled = 0;
  std::size_t failed = 0;
};

using progress_callback = std::function<void(const progress&)>;

struct cancel_all_options {
  std::int64_t market_id = 0;           // 0: every market
  std::optional<order_side> side{};     // buy or sell only; empty: both
  std::size_t max_pages = 500;          // safety cap on GET /order pages (20 orders each); hitting it
                                        // is an error and nothing is cancelled
};

struct client_options {
  betwire::secret api_key{};  // the user's key, sent as `apikey`
  http::retry_policy retry{.enabled = true};  // reads and cancels only: safe to re-send
  rate_limit limit{};
  std::uint64_t jitter_seed = 0;
  http::observer observer{};     // told about every send and call (http/observer.hpp)
};

template <transport T, json::read_options Options = json::read_options{}>
class client {
 public:
  static constexpr json::read_options decode_options = Options;

  client(T& t, client_options options = {})
      : key_(std::move(options.api_key)),
        limiter_(options.limit),
        net_(t, limiter_),
        core_(net_, http::client_options{.retry = options.retry, .jitter_seed = options.jitter_seed,
                                  .observer = options.observer}) {
    if (key_.empty()) {
      setup_error_ = error(error_category::validation, errc::invalid_api_key, "the user's apikey is empty");
    } else if (auto r = core_.set_header("apikey", key_); !r) {
      setup_error_ = std::move(r).error();
    }
  }
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  [[nodiscard]] const std::optional<error>& setup_error() const noexcept { return setup_error_; }

  // ---- GET /order ----
  template <class Str>
  http::reply<void> get_orders(const orders_query& q, basic_orders_page<Str>& out) {
    return run<endpoints::get_orders<Str>>(q, out);
  }
  http::reply<orders_page> get_orders(const orders_query& q) { return owned<endpoints::get_orders<std::string>>(q); }

  // ---- GET /order/{orderId} ----
  template <class Str>
  http::reply<void> get_order(std::string_view order_id, basic_order<Str>& out) {
    basic_order_detail<Str> detail;
    detail.order_data = std::move(out);
    http::reply<void> r = run<endpoints::get_order<Str>>(order_key{order_id}, detail);
    out = std::move(detail.order_data);
    return r;
  }
  http::reply<order> get_order(std::string_view order_id) {
    order o;
    http::reply<void> r = get_order(order_id, o);
    if (!r) return {fail(std::move(r).error()), r.info()};
    return {result<order>(std::move(o)), r.info()};
  }

  // ---- POST /order/cancel ----
  // Success is errno 0 (whatever `result` holds); out.data is result.data {orderId, status} when
  // the venue sent it.
  template <class Str>
  http::reply<void> cancel_order(std::string_view order_id, basic_cancel_result<Str>& out) {
    return run<endpoints::cancel_order<Str>>(cancel_order_request{order_id}, out);
  }
  http::reply<cancel_result> cancel_order(std::string_view order_id) {
    cancel_result out;
    http::reply<void> r = cancel_order(order_id, out);
    if (!r) return {fail(std::move(r).error()), r.info()};
    return {result<cancel_result>(std::move(out)), r.info()};
  }

  // One cancel per id (the venue has no batch endpoint), in input order; a failure never stops the
  // rest. `ids`: any range of things convertible to std::string_view. This drives
  // opinion::basic_cancel_orders_op (operations.hpp) one request at a time through this client's
  // core (http::drive_cancels: its deadline, retries and observer; last_response() is the last
  // cancel's answer); for many in flight at once run that machine in an http::pipeline.
  template <class Range>
  std::vector<cancel_outcome> cancel_orders(const Range& ids, const progress_callback& on_progress = {}) {
    basic_cancel_orders_op<std::string, Options> op{ids};
    std::vector<cancel_outcome> out(op.ledger().items().size());
    progress p;
    p.phase = progress::phase::cancelling;
    p.total = out.size();
    op.on_item(item_recorder(out, p, on_progress));
    const http::cancel_ledger ledger = http::drive_cancels(op, core_, setup_error_);
    // Ids no answer decided (refused with the setup error, or not sent after a refused key).
    for (std::size_t i = 0; i < out.size(); ++i) {
      if (out[i].success || out[i].error) continue;
      out[i].index = i;
      out[i].order_id = ledger.items()[i].id;
      out[i].error = ledger.items()[i].error;
    }
    return out;
  }

  // Lists every pending order of the user (pages of 20 until a short page; market_id sent to the
  // venue), keeps those on the requested side, then cancels them one by one. A listing error, or
  // more than options.max_pages full pages, returns an error before anything is cancelled. Drives
  // opinion::basic_cancel_all_op one request at a time (see cancel_orders).
  result<cancel_all_result> cancel_all_orders(const cancel_all_options& options = {},
                                              const progress_callback& on_progress = {}) {
    const cancel_all_filter filter{.market_id = options.market_id, .side = options.side};
    basic_cancel_all_op<std::string, Options> op{filter, options.max_pages};
    if (op.error_state()) return fail(*op.error_state());
    if (setup_error_) return fail(*setup_error_);
    cancel_all_result res;
    progress p;
    op.on_page([&](std::size_t pages, std::size_t listed) {
      p.pages = pages;
      p.listed = listed;
      if (on_progress) on_progress(p);
    });
    op.on_cancelling([&](std::size_t total) {
      p.phase = progress::phase::cancelling;
      p.total = total;
      res.results.resize(total);
      if (on_progress) on_progress(p);
    });
    op.on_item(item_recorder(res.results, p, on_progress));
    core_.drive(op);
    if (op.error_state()) return fail(*op.error_state());
    res.pages = op.lister().pages();
    res.total_orders = res.results.size();
    res.cancelled = p.cancelled;
    res.failed = p.failed;
    p.phase = progress::phase::done;
    if (on_progress) on_progress(p);
    return res;
  }

  // ---- the core ----
  [[nodiscard]] http::client<limited_transport<T>, Options>& core() noexcept { return core_; }
  [[nodiscard]] rate_limiter& limiter() noexcept { return limiter_; }
  [[nodiscard]] const http::response& last_response() const noexcept { return core_.last_response(); }
  [[nodiscard]] std::string describe_last_request() const { return core_.describe_last_request(); }
  void set_retry_policy(const http::retry_policy& p) noexcept { core_.set_retry_policy(p); }
  // Time and sleep for both the retry policy and the rate limiter.
  void set_clock(const http::retry_clock& c) noexcept {
    core_.set_clock(c);
    limiter_.set_clock(c);
  }
  void set_observer(const http::observer& o) noexcept { core_.set_observer(o); }

 private:
  // Records each decided id as a cancel_outcome and reports progress.
  static auto item_recorder(std::vector<cancel_outcome>& out, progress& p, const progress_callback& on_progress) {
    return [&out, &p, &on_progress](std::size_t i, const http::cancel_item& it, cancel_result* done) {
      cancel_outcome& o = out[i];
      o.index = i;
      o.order_id = it.id;
      if (done != nullptr) {
        o.success = true;
        o.result = std::move(*done);
        ++p.cancelled;
      } else {
        o.error = it.error;
        ++p.failed;
      }
      ++p.processed;
      if (on_progress) on_progress(p);
    };
  }

  template <class E>
  http::reply<void> run(const http::request_t<E>& req, http::response_t<E>& out) {
    if (setup_error_) return {fail(*setup_error_), {}};
    return core_.template call<E>(req, out);
  }

  template <class E>
  http::reply<http::response_t<E>> owned(const http::request_t<E>& req) {
    http::response_t<E> out{};
    http::reply<void> r = run<E>(req, out);
    return http::with_value(std::move(r), std::move(out));
  }

  betwire::secret key_;
  rate_limiter limiter_;
  limited_transport<T> net_;
  http::client<limited_transport<T>, Options> core_;
  std::optional<error> setup_error_;
};

}  // namespace opinion
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_OPINION_CLIENT_HPP
