#ifndef BETWIRE_ABP_OPERATIONS_HPP
#define BETWIRE_ABP_OPERATIONS_HPP

// ABP's composite reads as sans-I/O machines (http/concurrent.hpp), and its rate limit.
//
//   betwire::http::rate_limiter key_limit{betwire::abp::limits::per_key()};   // 60 per minute
//   auto reads = betwire::abp::orders_by_ids(ids, 100, [&](std::size_t, abp::orders_page_view& p) { ... });
//   pipeline.add(reads, {.headers = abp.core().headers_source(), .limiter = &key_limit});
//
// POST /cancel-all-orders (the venue's kill switch) is one request: cancel_all_orders_op records
// its answer id by id in an http::cancel_ledger, like the other venues' cancelling machines.
//
// GET /orders is keyset-paginated: one listing follows its cursor one page after another, so what
// runs concurrently is several listings: orders_by_ids splits known ids into chunks (each its own
// listing of `orderIds`), orders_by_user_refs one listing per userRef.

#include <betwire/abp/client.hpp>
#include <betwire/abp/endpoints.hpp>
#include <betwire/abp/schema.hpp>
#include <betwire/core/config.hpp>
#include <betwire/http/operations.hpp>
#include <betwire/http/pacing.hpp>

#include <chrono>
#include <optional>
#include <string_view>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

BETWIRE_BEGIN_NAMESPACE
namespace abp {

// ABP's documents disagree on the limit: older pages say 60 requests per minute per key, newer
// ones 100 per second (with X-RateLimit-* and Retry-After). per_key() is the conservative one; pass
// newer() if your deployment documents it. The limiter learns from 429 + Retry-After either way.
struct limits {
  [[nodiscard]] static http::rate_limit per_key() noexcept { return make(60, std::chrono::seconds(60)); }
  [[nodiscard]] static http::rate_limit newer() noexcept { return make(100, std::chrono::seconds(1)); }

 private:
  [[nodiscard]] static http::rate_limit make(std::uint32_t n, std::chrono::milliseconds w) noexcept {
    http::rate_limit l;
    l.requests = n;
    l.window = w;
    return l;
  }
};

using orders_pages_op = http::cursor_pages<endpoints::get_orders<std::string_view>, std::int64_t, keyset_cursor>;

namespace detail {
inline void set_after_order_id(orders_filter& f, const std::int64_t& c) { f.after_order_id = c; }
}  // namespace detail

// The orders of `ids`, `per_request` ids a listing (1..1000), every listing in flight at once.
inline orders_pages_op orders_by_ids(std::span<const std::int64_t> ids, std::size_t per_request,
                                     orders_pages_op::page_callback on_page) {
  if (per_request == 0) per_request = 1;
  std::vector<orders_filter> queries;
  for (std::size_t first = 0; first < ids.size(); first += per_request) {
    orders_filter f;
    const std::size_t n = ids.size() - first < per_request ? ids.size() - first : per_request;
    f.order_ids.assign(ids.begin() + static_cast<std::ptrdiff_t>(first),
                       ids.begin() + static_cast<std::ptrdiff_t>(first + n));
    f.limit = static_cast<std::int32_t>(n < static_cast<std::size_t>(max_page_limit) ? n : max_page_limit);
    queries.push_back(std::move(f));
  }
  return orders_pages_op(std::move(queries), &detail::set_after_order_id, std::move(on_page));
}

// Every order of each userRef (pages of `limit`), one listing per userRef, all in flight at once.
inline orders_pages_op orders_by_user_refs(std::span<const std::string> user_refs, std::int32_t limit,
                                           orders_pages_op::page_callback on_page) {
  std::vector<orders_filter> queries;
  for (const std::string& u : user_refs) {
    orders_filter f;
    f.user_ref = u;
    f.limit = limit;
    queries.push_back(std::move(f));
  }
  return orders_pages_op(std::move(queries), &detail::set_after_order_id, std::move(on_page));
}

// ---- POST /cancel-all-orders: one request, its answer recorded id by id -------------------------

class cancel_all_orders_op {
 public:
  http::next_step next(http::outgoing& out) {
    if (state_ != http::request_state::not_sent)
      return state_ == http::request_state::sent ? http::next_step::wait : http::next_step::done;
    if (auto b = http::build_request<endpoints::cancel_all_orders<std::string_view>>(http::none{}, out.buffers, out.request);
        !b) {
      state_ = http::request_state::failed;
      error_ = std::move(b).error();
      return http::next_step::done;
    }
    out.id = 0;
    out.endpoint = endpoints::cancel_all_orders<std::string_view>::path;
    state_ = http::request_state::sent;
    return http::next_step::send;
  }

  void complete(http::answer& a) {
    if (state_ != http::request_state::sent) return;
    info_ = a.info;
    if (!a.sent) {
      state_ = http::request_state::failed;
      error_ = a.scrub(a.sent.error());
      return;
    }
    if (auto d = http::read_response<endpoints::cancel_all_orders<std::string_view>>(a.resp, view_); !d) {
      state_ = http::request_state::failed;
      error_ = a.scrub(std::move(d).error());
      return;
    }
    state_ = http::request_state::answered;
    const std::size_t r = ledger_.add_request(0, view_.cancelled.size() + view_.not_cancelled.orders.size());
    ledger_.set_request(r, http::request_state::answered);
    for (const auto& o : view_.cancelled) {
      ledger_.add(std::to_string(o.order_id), r);
      ledger_.set(ledger_.items().size() - 1, http::cancel_state::cancelled);
    }
    for (const auto& o : view_.not_cancelled.orders) {
      ledger_.add(std::to_string(o.order_id), r);
      ledger_.items().back().reason.assign(std::string_view(view_.not_cancelled.reason));
      ledger_.set(ledger_.items().size() - 1, http::cancel_state::not_cancelled);
    }
  }

  // not_sent, sent, answered (the ledger holds what the venue said) or failed (error_state():
  // re-send it, the venue documents cancels as idempotent).
  [[nodiscard]] http::request_state state() const noexcept { return state_; }
  [[nodiscard]] const std::optional<error>& error_state() const noexcept { return error_; }
  [[nodiscard]] const http::cancel_ledger& ledger() const noexcept { return ledger_; }
  [[nodiscard]] const http::reply_info& info() const noexcept { return info_; }

 private:
  http::request_state state_ = http::request_state::not_sent;
  std::optional<error> error_;
  http::cancel_ledger ledger_;
  http::reply_info info_{};
  cancel_orders_response_view view_{};
};

}  // namespace abp
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_ABP_OPERATIONS_HPP
