#ifndef BETWIRE_PREDICTSTREET_CLIENT_HPP
#define BETWIRE_PREDICTSTREET_CLIENT_HPP

// betwire::predictstreet::client<Transport>: PredictStreet order cancellation and order reads over
// any betwire::transport, built on http::client.
//
//   betwire::curl_transport net{{.base_url = "https://core-api.adipredictstreet.com"}};
//   betwire::predictstreet::client ps{net, {.api_key = betwire::secret(std::getenv("PS_API_KEY"))}};
//   // multi_wallet partners: {.api_key = ..., .wallet = "0x742d35Cc..."} or ps.set_wallet(...)
//
//   auto r = ps.cancel_batch({"id1", "id2"});                 // reply<cancel_batch_response>
//   for (auto& e : r->not_cancelled) use(e.order_id, e.reason);
//   auto all = ps.cancel_batch_all(ids);                      // any number: chunks of 100, merged;
//                                                             // a failed chunk never stops the rest
//   for (auto&& page : ps.open_orders_pages({.limit = 500})) { ... }   // follows nextCursor
//
// Every call returns http::reply<T>: a betwire::result<T> with the HTTP status, the X-RateLimit-*
// headers (reply.rate_limit()), Retry-After and the number of attempts. Validation runs before
// anything is sent. The key's format is checked when the client is made: a malformed key (or
// wallet) makes every call fail with errc::invalid_api_key (errc::invalid_wallet) and nothing is
// sent; the key is never printed. Cancels are idempotent at this venue: with retry.enabled they are
// re-sent on 429 (after Retry-After), 5xx and transient transport failures.
//
// Lifetimes: string views in *_view results point into this client's response buffer and stay
// valid until the next call on this client. Owning results are independent of the client.
// Decode options: the second template argument, a json::read_options, is how every answer of this
// client is read, cancel_batch_all's chunks included (docs/predictstreet.md, "Tolerance policy"):
//
//   constexpr betwire::json::read_options strict{.allow_unknown_keys = false};
//   betwire::predictstreet::client<betwire::curl_transport, strict> ps{net, {.api_key = key}};
//
// One thread at a time per client. Not copyable or movable: its core views the key and wallet.

#include <betwire/core/config.hpp>
#include <betwire/core/error.hpp>
#include <betwire/core/result.hpp>
#include <betwire/http/client.hpp>
#include <betwire/http/endpoint.hpp>
#include <betwire/http/pages.hpp>
#include <betwire/http/observer.hpp>
#include <betwire/http/operations.hpp>
#include <betwire/http/retry.hpp>
#include <betwire/http/secret.hpp>
#include <betwire/http/transport.hpp>
#include <betwire/predictstreet/endpoints.hpp>
#include <betwire/predictstreet/operations.hpp>
#include <betwire/predictstreet/schema.hpp>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

BETWIRE_BEGIN_NAMESPACE
namespace predictstreet {

struct client_options {
  betwire::secret api_key{};      // sent as X-Api-Key; empty: no key is sent (401 auth_required)
  std::string wallet{};           // multi_wallet partners: X-User-Wallet (validated, sent lower-cased)
  http::retry_policy retry{};     // off unless retry.enabled
  std::uint64_t jitter_seed = 0;  // 0: derived from the client's address
  http::observer observer{};     // told about every send and call (http/observer.hpp)
};

// Which chunk of a cancel_batch_all failed, and why.
struct chunk_failure {
  std::size_t index = 0;   // 0-based chunk number
  std::size_t first = 0;   // position of its first id in the de-duplicated ids
  std::size_t count = 0;   // ids in the chunk
  std::string first_id;    // its first and last ids
  std::string last_id;
  betwire::error error;
  http::reply_info info;   // status, rate limits, Retry-After of the failed request
};

// What cancel_batch_all returns. Every chunk is sent, whatever happened to the others; only a
// refused key (401/403, http::stops_the_operation) stops it, and the chunks not yet sent then stay
// not sent. `merged` holds what the venue answered, id by id in input order; `failure` names the
// first chunk that failed; `unprocessed` the ids to send again (ledger.resume_ids(): those of every
// failed or unsent chunk, and any id an answer left out), never one the venue already decided.
struct cancel_batch_all_result {
  cancel_batch_response merged;           // cancelled and notCancelled ids of the answered chunks
  std::size_t unique_ids = 0;             // after de-duplication
  std::size_t chunks = 0;                 // planned
  std::size_t chunks_succeeded = 0;       // answered by the venue
  std::size_t requests = 0;               // sends made, retries included
  std::optional<chunk_failure> failure;   // the first chunk that failed; empty: none did
  std::vector<std::string> unprocessed;   // ids to send again (failed or never sent)
  http::reply_info last;                  // the last response's status and rate limits
  http::cancel_ledger ledger;             // every id's state (cancelled, not_cancelled with the
                                          // venue's reason, failed with the error, not_sent) and
                                          // every chunk's request state, status and error

  [[nodiscard]] bool ok() const noexcept { return !failure.has_value() && unprocessed.empty(); }
  explicit operator bool() const noexcept { return ok(); }
};

// PredictStreet's cursor pagination: an opaque string nextCursor, null or empty on the last page.
// It is copied into the range (a view dies with the next response), reusing its capacity; a cursor
// that repeats the one just sent would loop for ever.
struct opaque_cursor {
  template <class Page>
  static http::page_step advance(const Page& page, std::optional<std::string>& cursor, const char*& why) {
    const auto& next = page.next_cursor;
    if (!next || std::string_view(*next).empty()) return http::page_step::done;
    if (cursor && std::string_view(*next) == *cursor) {
      why = "nextCursor repeats the cursor sent: pagination stopped";
      return http::page_step::stuck;
    }
    if (!cursor) cursor.emplace();
    cursor->assign(std::string_view(*next));
    return http::page_step::next;
  }
};

namespace detail {
template <class Query>
void set_cursor(Query& q, const std::string& c) {
  if (q.cursor) q.cursor->assign(c);  // reuses its capacity
  else q.cursor.emplace(c);
}
}  // namespace detail

template <transport T, json::read_options Options = json::read_options{}>
class client {
 public:
  static constexpr json::read_options decode_options = Options;

  client(T& t, client_options options = {})
      : key_(std::move(options.api_key)),
        core_(t, http::client_options{.retry = options.retry, .jitter_seed = options.jitter_seed,
                                  .observer = options.observer}) {
    if (!key_.empty()) {
      if (auto k = check_api_key(key_.reveal()); !k) {
        setup_error_ = std::move(k).error();
        return;
      }
      if (auto r = core_.set_header("X-Api-Key", key_); !r) {
        setup_error_ = std::move(r).error();
        return;
      }
    }
    if (!options.wallet.empty())
      if (auto w = set_wallet(options.wallet); !w) setup_error_ = std::move(w).error();
  }
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  // The configuration error every call returns (a malformed key or wallet), if any.
  [[nodiscard]] const std::optional<error>& setup_error() const noexcept { return setup_error_; }

  // The acting wallet of a multi_wallet partner, sent as X-User-Wallet (lower-cased) from now on.
  // errc::invalid_wallet when it does not match ^0x[a-fA-F0-9]{40}$ (the previous wallet stays).
  result<void> set_wallet(std::string_view wallet) {
    auto w = normalize_wallet(wallet);
    if (!w) return fail(std::move(w).error());
    wallet_ = std::move(*w);
    return core_.set_header("X-User-Wallet", std::string_view(wallet_));
  }
  void clear_wallet() noexcept {
    core_.remove_header("X-User-Wallet");
    wallet_.clear();
  }
  [[nodiscard]] std::string_view wallet() const noexcept { return wallet_; }

  // ---- POST /api/orders/cancel-batch ----
  template <class Str>
  http::reply<void> cancel_batch(const cancel_batch_request& req, basic_cancel_batch_response<Str>& out) {
    return run<endpoints::cancel_batch<Str>>(req, out);
  }
  http::reply<cancel_batch_response> cancel_batch(const cancel_batch_request& req) {
    return owned<endpoints::cancel_batch<std::string>>(req);
  }
  http::reply<cancel_batch_response> cancel_batch(std::initializer_list<std::string_view> ids) {
    cancel_batch_request req;
    req.order_ids.assign(ids.begin(), ids.end());
    return cancel_batch(req);
  }

  // Any number of ids: de-duplicated, sent in chunks of at most 100, merged. A chunk that fails
  // never stops the others (see cancel_batch_all_result). This drives predictstreet::cancel_batch_op
  // (operations.hpp) one request at a time through this client's core (http::drive_cancels: its
  // deadline, retries and observer; last_response() is the last chunk's answer); for every chunk
  // in flight at once run that machine in an http::pipeline. No ids at all: failure with
  // errc::too_few_items and nothing sent.
  template <class S>
  cancel_batch_all_result cancel_batch_all(std::span<const S> ids) {
    cancel_batch_all_result out;
    basic_cancel_batch_op<Options> op{ids};
    const auto& plan = op.ledger().requests();
    out.unique_ids = op.ledger().items().size();
    out.chunks = plan.size();
    if (plan.empty()) {
      out.failure.emplace();
      out.failure->error = error(error_category::validation, errc::too_few_items,
                                 "cancel-batch needs at least 1 order id");
      return out;
    }
    out.ledger = http::drive_cancels(op, core_, setup_error_);
    for (std::size_t r = 0; r < out.ledger.requests().size(); ++r) {
      const http::cancel_request_record& rec = out.ledger.requests()[r];
      out.requests += rec.info.attempts;
      if (rec.info.attempts > 0) out.last = rec.info;  // one at a time: answers come in chunk order
      if (rec.state == http::request_state::answered) ++out.chunks_succeeded;
      if (rec.state == http::request_state::failed && !out.failure) out.failure.emplace(chunk_failure_of(out.ledger, r));
    }
    for (const http::cancel_item& it : out.ledger.items()) {
      if (it.state == http::cancel_state::cancelled) out.merged.cancelled.push_back(it.id);
      if (it.state == http::cancel_state::not_cancelled)
        out.merged.not_cancelled.push_back({it.id, cancel_reason_of(it.reason), it.reason});
    }
    out.unprocessed = out.ledger.resume_ids();
    return out;
  }
  cancel_batch_all_result cancel_batch_all(const std::vector<std::string>& ids) {
    return cancel_batch_all(std::span<const std::string>(ids));
  }
  cancel_batch_all_result cancel_batch_all(const std::vector<std::string_view>& ids) {
    return cancel_batch_all(std::span<const std::string_view>(ids));
  }

  // ---- POST /api/orders/cancel ----
  template <class Str>
  http::reply<void> cancel(std::string_view order_id, basic_cancel_response<Str>& out) {
    thread_local cancel_request req;  // reused: a warm call allocates nothing
    req.order_id.assign(order_id);
    return run<endpoints::cancel<Str>>(req, out);
  }
  http::reply<cancel_response> cancel(std::string_view order_id) {
    return owned<endpoints::cancel<std::string>>(cancel_request{std::string(order_id)});
  }

  // ---- POST /api/orders/cancel-all ----
  // Drives predictstreet::basic_cancel_all_op<Str> (operations.hpp) through this client's core: the
  // answer in `out`; with `ledger`, every id it names (cancelled, or not_cancelled with the reason).
  template <class Str>
  http::reply<void> cancel_all(const cancel_all_request& req, basic_cancel_all_response<Str>& out,
                               http::cancel_ledger* ledger = nullptr) {
    if (setup_error_) return {fail(*setup_error_), {}};
    basic_cancel_all_op<Str, Options> op{req};
    op.response() = std::move(out);  // reuses its capacity
    core_.drive(op);
    out = std::move(op.response());
    if (ledger != nullptr) *ledger = op.ledger();
    if (op.error_state()) return {fail(*op.error_state()), op.info()};
    return {result<void>{}, op.info()};
  }
  http::reply<cancel_all_response> cancel_all(const cancel_all_request& req = {}) {
    cancel_all_response out{};
    http::reply<void> r = cancel_all(req, out);
    return http::with_value(std::move(r), std::move(out));
  }

  // ---- GET /api/orders/open ----
  template <class Str>
  http::reply<void> open_orders(const open_orders_query& q, basic_orders_page<Str>& out) {
    return run<endpoints::open_orders<Str>>(q, out);
  }
  http::reply<orders_page> open_orders(const open_orders_query& q = {}) {
    return owned<endpoints::open_orders<std::string>>(q);
  }
  // Every page of `q`, following nextCursor. Page is orders_page_view (default) or orders_page. The
  // range drives an http::cursor_pages machine (the one that runs several listings concurrently)
  // through this client's core, one page per step (http::cursor_range).
  template <class Page = orders_page_view>
  auto open_orders_pages(open_orders_query q = {}) {
    using E = endpoints::open_orders<typename http::detail::page_string<Page>::type>;
    return http::cursor_range<E, std::string, opaque_cursor, T, Options>(core_, std::move(q),
                                                                &detail::set_cursor<open_orders_query>, setup_error_);
  }

  // ---- GET /api/orders/history ----
  template <class Str>
  http::reply<void> history(const history_query& q, basic_orders_page<Str>& out) {
    return run<endpoints::history<Str>>(q, out);
  }
  http::reply<orders_page> history(const history_query& q = {}) { return owned<endpoints::history<std::string>>(q); }
  // Follows nextCursor when the venue sends one (the documents do not show it for history: then
  // this is one page).
  template <class Page = orders_page_view>
  auto history_pages(history_query q = {}) {
    using E = endpoints::history<typename http::detail::page_string<Page>::type>;
    return http::cursor_range<E, std::string, opaque_cursor, T, Options>(core_, std::move(q),
                                                                         &detail::set_cursor<history_query>, setup_error_);
  }

  // ---- GET /api/orders/{id}, /api/orders/{id}/fills ----
  template <class Str>
  http::reply<void> get_order(std::string_view id, basic_order<Str>& out) {
    thread_local order_key key;
    key.id.assign(id);
    return run<endpoints::get_order<Str>>(key, out);
  }
  http::reply<order> get_order(std::string_view id) {
    return owned<endpoints::get_order<std::string>>(order_key{std::string(id)});
  }
  template <class Str>
  http::reply<void> get_fills(std::string_view id, basic_fills<Str>& out) {
    thread_local order_key key;
    key.id.assign(id);
    return run<endpoints::get_fills<Str>>(key, out);
  }
  http::reply<fills> get_fills(std::string_view id) {
    return owned<endpoints::get_fills<std::string>>(order_key{std::string(id)});
  }

  // ---- the core ----
  [[nodiscard]] http::client<T, Options>& core() noexcept { return core_; }
  [[nodiscard]] const http::response& last_response() const noexcept { return core_.last_response(); }
  [[nodiscard]] std::string describe_last_request() const { return core_.describe_last_request(); }
  void set_retry_policy(const http::retry_policy& p) noexcept { core_.set_retry_policy(p); }
  void set_clock(const http::retry_clock& c) noexcept { core_.set_clock(c); }
  void set_observer(const http::observer& o) noexcept { core_.set_observer(o); }

 private:
  static chunk_failure chunk_failure_of(const http::cancel_ledger& ledger, std::size_t r) {
    const http::cancel_request_record& rec = ledger.requests()[r];
    chunk_failure f;
    f.index = r;
    f.first = rec.first;
    f.count = rec.count;
    if (rec.count > 0) {
      f.first_id = ledger.items()[rec.first].id;
      f.last_id = ledger.items()[rec.first + rec.count - 1].id;
    }
    if (rec.error) f.error = *rec.error;
    f.info = rec.info;
    return f;
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
  std::string wallet_;
  http::client<T, Options> core_;
  std::optional<error> setup_error_;
};

}  // namespace predictstreet
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_PREDICTSTREET_CLIENT_HPP
