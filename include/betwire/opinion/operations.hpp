#ifndef BETWIRE_OPINION_OPERATIONS_HPP
#define BETWIRE_OPINION_OPERATIONS_HPP

// Opinion.trade's composite operations as sans-I/O machines (http/concurrent.hpp): they hand out
// requests and take answers back in any order; an http::pipeline (or a loop of your own) runs them.
//
//   opinion::cancel_orders_op op{ids};                // one POST /order/cancel per id
//   opinion::cancel_all_op all{{.market_id = 123}};  // GET /order pages, filter, cancel
//   betwire::http::pipeline p{net};                 // net: any concurrent transport
//   p.add(all, {.headers = opn.core().headers_source(), .limiter = &key_limit, .retry = {...}});
//   p.run();
//   all.ledger();                                   // every id: cancelled / not cancelled / failed
//
// The venue has no batch cancel: a kill switch is N single cancels, and at 15 requests per second
// per key the limit, not the round trip, bounds it only when enough are in flight at once
// (rate x RTT): at 150 ms RTT, 3 or more. The pipeline keeps that many outstanding.
//
// An answer with errno 0 is a cancel done (whatever `result` holds); a non-zero errno under a 2xx or
// 4xx status (10409 "order not cancellable", 10404 not found) is the venue's refusal: not_cancelled
// with its reason; anything else (transport error, 5xx, 429 after the retries, 401/403) is failed,
// and a 401/403 stops the operation (every further cancel would be refused the same way).

#include <betwire/core/config.hpp>
#include <betwire/core/error.hpp>
#include <betwire/core/result.hpp>
#include <betwire/http/concurrent.hpp>
#include <betwire/http/endpoint.hpp>
#include <betwire/http/operations.hpp>
#include <betwire/http/pacing.hpp>
#include <betwire/opinion/endpoints.hpp>
#include <betwire/opinion/schema.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

BETWIRE_BEGIN_NAMESPACE
namespace opinion {

// The documented limit: 15 requests per second per API key. The margin (20 ms added to the window,
// besides the limiter's measured RTT variation) absorbs how much later than its send a request is
// counted by the venue when the sending host is busy: 14.7 requests per second at most.
struct limits {
  [[nodiscard]] static http::rate_limit per_key() noexcept {
    return http::per_window(15, std::chrono::seconds(1), std::chrono::milliseconds(20));
  }
};

namespace detail {

// The reason of a refusal, as the venue put it: its message, else its errno.
[[nodiscard]] inline std::string refusal_reason(const error& e) {
  if (!e.venue_message.empty()) return e.venue_message;
  if (!e.venue_code.empty()) return e.venue_code;
  return e.message;
}

}  // namespace detail

// ---- cancel many: one POST /order/cancel per id --------------------------------------------------

// Str: the string type of the answers the machine decodes (std::string_view: no copies; the
// blocking client uses std::string to keep each answer). on_item, when set, is told about every id
// once it is decided: its index, its ledger entry, and the decoded answer when it was cancelled.
// O: how the answers are decoded (http::read_response<E, O>; the client passes its own).
template <class Str, json::read_options O = json::read_options{}>
class basic_cancel_orders_op {
 public:
  using answer_type = http::response_t<endpoints::cancel_order<Str>>;
  using item_callback = std::function<void(std::size_t index, const http::cancel_item& item, answer_type* cancelled)>;

  basic_cancel_orders_op() = default;
  // `ids`: any range of things convertible to std::string_view, kept in order (repeats included:
  // each is its own cancel, as the caller asked).
  template <class Range>
  explicit basic_cancel_orders_op(const Range& ids) {
    assign(ids);
  }

  void on_item(item_callback f) { on_item_ = std::move(f); }

  template <class Range>
  void assign(const Range& ids) {
    ledger_ = {};
    next_ = 0;
    stopped_ = false;
    stop_reason_.reset();
    std::size_t n = 0;
    for (const auto& id : ids) (void)id, ++n;
    ledger_.reserve(n, n);
    for (const auto& id : ids) {
      const std::size_t r = ledger_.add_request(ledger_.items().size(), 1);
      ledger_.add(std::string_view(id), r);
    }
  }

  http::next_step next(http::outgoing& out) {
    while (!stopped_ && next_ < ledger_.items().size()) {
      const std::size_t i = next_++;
      http::cancel_item& it = ledger_.items()[i];
      req_.order_id = it.id;
      if (auto b = http::build_request<endpoints::cancel_order<Str>>(req_, out.buffers, out.request); !b) {
        // An id the venue could never accept (empty): failed without a send.
        it.error = std::move(b).error();
        ledger_.set(i, http::cancel_state::failed);
        ledger_.set_request(it.request, http::request_state::failed);
        ledger_.requests()[it.request].error = it.error;
        if (on_item_) on_item_(i, it, nullptr);
        continue;
      }
      out.id = i;
      out.endpoint = endpoints::cancel_order<>::path;
      ledger_.set(i, http::cancel_state::in_flight);
      ledger_.set_request(it.request, http::request_state::sent);
      return http::next_step::send;
    }
    return ledger_.tally().in_flight > 0 ? http::next_step::wait : http::next_step::done;
  }

  void complete(http::answer& a) {
    if (a.id >= ledger_.items().size()) return;
    const std::size_t i = static_cast<std::size_t>(a.id);
    http::cancel_item& it = ledger_.items()[i];
    if (it.state != http::cancel_state::in_flight) return;
    http::cancel_request_record& rec = ledger_.requests()[it.request];
    rec.info = a.info;
    if (!a.sent) {
      fail_item(i, a.scrub(a.sent.error()));
      return;
    }
    result<void> d = http::read_response<endpoints::cancel_order<Str>, O>(a.resp, scratch_);
    if (d) {
      ledger_.set(i, http::cancel_state::cancelled);
      rec.state = http::request_state::answered;
      if (on_item_) on_item_(i, it, &scratch_);
      return;
    }
    error e = a.scrub(std::move(d).error());
    if (http::is_venue_refusal(e)) {
      it.reason = detail::refusal_reason(e);
      it.error = std::move(e);
      ledger_.set(i, http::cancel_state::not_cancelled);
      rec.state = http::request_state::answered;
      if (on_item_) on_item_(i, it, nullptr);
      return;
    }
    fail_item(i, std::move(e));
    if (on_item_) on_item_(i, ledger_.items()[i], nullptr);
  }

  // Sends nothing more (what is in flight still completes); the rest stays not_sent.
  void stop() noexcept { stopped_ = true; }

  [[nodiscard]] const http::cancel_ledger& ledger() const noexcept { return ledger_; }
  [[nodiscard]] bool stopped() const noexcept { return stopped_; }
  // Why the operation stopped by itself (the key was refused), if it did.
  [[nodiscard]] const std::optional<error>& stop_reason() const noexcept { return stop_reason_; }
  [[nodiscard]] bool done() const noexcept {
    return ledger_.tally().in_flight == 0 && (stopped_ || next_ >= ledger_.items().size());
  }

 private:
  void fail_item(std::size_t i, error e) {
    http::cancel_item& it = ledger_.items()[i];
    http::cancel_request_record& rec = ledger_.requests()[it.request];
    if (http::stops_the_operation(e) && !stopped_) {
      stopped_ = true;
      stop_reason_ = e;
    }
    rec.state = http::request_state::failed;
    rec.error = e;
    it.error = std::move(e);
    ledger_.set(i, http::cancel_state::failed);
  }

  http::cancel_ledger ledger_;
  std::size_t next_ = 0;
  bool stopped_ = false;
  std::optional<error> stop_reason_;
  cancel_order_request req_;
  answer_type scratch_{};
  item_callback on_item_;
};

using cancel_orders_op = basic_cancel_orders_op<std::string_view>;

// ---- the pending orders of a user, page-numbered, several pages in flight ----------------------

// GET /order?status=1&limit=20&page=n. Page 1 first (its `total` says how many pages there are),
// then every other page at once. A page that comes back full when it was the last one planned
// plans one more (the total was stale). Ids are kept per page and joined in page order. O: how the
// pages are decoded.
inline constexpr std::uint64_t pending_orders_id_base = std::uint64_t{1} << 62;  // request ids: base + page

template <json::read_options O = json::read_options{}>
class basic_pending_orders_op {
 public:
  static constexpr std::uint64_t id_base = pending_orders_id_base;

  basic_pending_orders_op() = default;
  explicit basic_pending_orders_op(const cancel_all_filter& filter, std::size_t max_pages = 500)
      : filter_(filter), max_pages_(max_pages) {}

  // Told after each page is read (pages read, orders seen so far).
  void on_page(std::function<void(std::size_t pages, std::size_t listed)> f) { on_page_ = std::move(f); }

  http::next_step next(http::outgoing& out) {
    if (error_ || stopped_) return in_flight_ > 0 ? http::next_step::wait : http::next_step::done;
    // Before page 1 is in, nothing else is known.
    const std::size_t planned = planned_ == 0 ? 1 : planned_;
    if (sent_ < planned) {
      if (sent_ == max_pages_) {
        error_ = error(error_category::validation, errc::too_many_items,
                       "cancel_all_orders: more than " + std::to_string(max_pages_) +
                           " pages of pending orders (max_pages); nothing was cancelled");
        return in_flight_ > 0 ? http::next_step::wait : http::next_step::done;
      }
      const std::size_t page = ++sent_;
      query_.market_id = filter_.market_id;
      query_.status.assign(1, order_status::pending);
      query_.limit = max_page_limit;
      query_.page = static_cast<std::int32_t>(page);
      if (auto b = http::build_request<endpoints::get_orders<std::string_view>>(query_, out.buffers, out.request); !b) {
        error_ = std::move(b).error();
        return in_flight_ > 0 ? http::next_step::wait : http::next_step::done;
      }
      out.id = id_base + page;
      out.endpoint = endpoints::get_orders<std::string_view>::path;
      ++in_flight_;
      if (pages_.size() < page) pages_.resize(page);
      return http::next_step::send;
    }
    return in_flight_ > 0 ? http::next_step::wait : http::next_step::done;
  }

  void complete(http::answer& a) {
    if (a.id <= id_base || a.id > id_base + sent_) return;
    const std::size_t page = static_cast<std::size_t>(a.id - id_base);
    --in_flight_;
    if (error_) return;
    if (!a.sent) {
      error_ = a.scrub(a.sent.error());
      return;
    }
    if (auto d = http::read_response<endpoints::get_orders<std::string_view>, O>(a.resp, view_); !d) {
      error_ = a.scrub(std::move(d).error());
      return;
    }
    ++answered_;
    page_slot& s = pages_[page - 1];
    s.answered = true;
    s.ids.clear();
    for (const order_view& o : view_.list) {
      ++listed_;
      if (selected_for_cancel(o, filter_)) s.ids.emplace_back(o.order_id);
    }
    const bool full = view_.list.size() >= static_cast<std::size_t>(max_page_limit);
    if (page == 1) {
      const std::int64_t total = view_.total < 0 ? 0 : view_.total;
      std::size_t n = static_cast<std::size_t>((total + max_page_limit - 1) / max_page_limit);
      if (n < 1) n = 1;
      planned_ = n;
    }
    // The last planned page full: there may be more than the total said.
    if (full && page >= planned_) planned_ = page + 1;
    if (on_page_) on_page_(answered_, listed_);
  }

  void stop() noexcept { stopped_ = true; }

  [[nodiscard]] bool done() const noexcept {
    return in_flight_ == 0 && (error_.has_value() || stopped_ || (planned_ != 0 && answered_ >= planned_ && sent_ >= planned_));
  }
  [[nodiscard]] const std::optional<error>& error_state() const noexcept { return error_; }
  [[nodiscard]] std::size_t pages() const noexcept { return answered_; }
  [[nodiscard]] std::size_t listed() const noexcept { return listed_; }

  // The selected ids in page order, without repeats (pages shift while orders come and go).
  [[nodiscard]] std::vector<std::string> ids() const {
    std::vector<std::string> out;
    std::unordered_set<std::string_view> seen;
    for (const page_slot& s : pages_)
      for (const std::string& id : s.ids)
        if (seen.insert(id).second) out.push_back(id);
    return out;
  }

 private:
  struct page_slot {
    bool answered = false;
    std::vector<std::string> ids;
  };
  cancel_all_filter filter_{};
  std::size_t max_pages_ = 500;
  std::size_t planned_ = 0;
  std::size_t sent_ = 0;
  std::size_t answered_ = 0;
  std::size_t in_flight_ = 0;
  std::size_t listed_ = 0;
  bool stopped_ = false;
  std::optional<error> error_;
  std::vector<page_slot> pages_;
  std::function<void(std::size_t, std::size_t)> on_page_;
  orders_query query_{};
  orders_page_view view_{};
};

using pending_orders_op = basic_pending_orders_op<>;

// ---- cancel all: list the pending orders, keep the selected ones, cancel each -------------------

enum class cancel_all_phase : std::uint8_t { listing, cancelling, done };

template <class Str, json::read_options O = json::read_options{}>
class basic_cancel_all_op {
 public:
  using phase = cancel_all_phase;

  basic_cancel_all_op() = default;
  explicit basic_cancel_all_op(const cancel_all_filter& filter, std::size_t max_pages = 500) : lister_(filter, max_pages) {
    if (auto v = validate(filter); !v) error_ = std::move(v).error();
    else if (max_pages == 0)
      error_ = error(error_category::validation, errc::out_of_range, "max_pages must be at least 1");
  }

  http::next_step next(http::outgoing& out) {
    if (error_) return http::next_step::done;
    if (phase_ == phase::listing) {
      const http::next_step s = lister_.next(out);
      if (s != http::next_step::done) return s;
      if (lister_.error_state()) {
        error_ = lister_.error_state();
        phase_ = phase::done;
        return http::next_step::done;
      }
      canceller_.assign(lister_.ids());
      if (stopped_) canceller_.stop();
      phase_ = phase::cancelling;
      if (on_cancelling_) on_cancelling_(canceller_.ledger().items().size());
    }
    if (phase_ == phase::cancelling) {
      const http::next_step s = canceller_.next(out);
      if (s == http::next_step::done) phase_ = phase::done;
      return s;
    }
    return http::next_step::done;
  }

  void complete(http::answer& a) {
    if (a.id > pending_orders_id_base) lister_.complete(a);
    else canceller_.complete(a);
  }

  void stop() noexcept {
    stopped_ = true;
    lister_.stop();
    canceller_.stop();
  }

  // Told when the listing is over and cancelling starts (how many to cancel).
  void on_cancelling(std::function<void(std::size_t total)> f) { on_cancelling_ = std::move(f); }
  void on_page(std::function<void(std::size_t pages, std::size_t listed)> f) { lister_.on_page(std::move(f)); }
  void on_item(typename basic_cancel_orders_op<Str, O>::item_callback f) { canceller_.on_item(std::move(f)); }

  [[nodiscard]] phase current_phase() const noexcept { return phase_; }
  // The listing's failure (then nothing was cancelled), or a validation error.
  [[nodiscard]] const std::optional<error>& error_state() const noexcept { return error_; }
  [[nodiscard]] const http::cancel_ledger& ledger() const noexcept { return canceller_.ledger(); }
  [[nodiscard]] const basic_cancel_orders_op<Str, O>& canceller() const noexcept { return canceller_; }
  [[nodiscard]] const basic_pending_orders_op<O>& lister() const noexcept { return lister_; }

 private:
  basic_pending_orders_op<O> lister_{};
  basic_cancel_orders_op<Str, O> canceller_{};
  std::function<void(std::size_t)> on_cancelling_;
  phase phase_ = phase::listing;
  bool stopped_ = false;
  std::optional<error> error_;
};

using cancel_all_op = basic_cancel_all_op<std::string_view>;

}  // namespace opinion
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_OPINION_OPERATIONS_HPP
