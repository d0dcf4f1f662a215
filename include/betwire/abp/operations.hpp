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
  [[nodiscard]] static http::rate_limit per_key() noexcept { return http::per_window(60, std::chrono::seconds(60)); }
  [[nodiscard]] static http::rate_limit newer() noexcept { return http::per_window(100, std::chrono::seconds(1)); }
};

// O: how the pages are decoded (json::read_options).
template <json::read_options O = json::read_options{}>
using basic_orders_pages_op = http::cursor_pages<endpoints::get_orders<std::string_view>, std::int64_t, keyset_cursor, O>;
using orders_pages_op = basic_orders_pages_op<>;

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

namespace detail {

struct record_cancel_all_orders {
  // A 404 "nothing matched" (no open orders) is an empty answer, as for the blocking call.
  template <http::endpoint E, json::read_options O = json::read_options{}>
  static result<void> read(http::response& resp, http::response_t<E>& out) {
    return read_abp_response<E, O>(resp, out);
  }
  void operator()(const cancel_orders_response_view& v, http::cancel_ledger& ledger, std::size_t r) const {
    for (const auto& o : v.cancelled) {
      ledger.add(std::to_string(o.order_id), r);
      ledger.set(ledger.items().size() - 1, http::cancel_state::cancelled);
    }
    for (const auto& o : v.not_cancelled.orders) {
      ledger.add(std::to_string(o.order_id), r);
      ledger.items().back().reason.assign(std::string_view(v.not_cancelled.reason));
      ledger.set(ledger.items().size() - 1, http::cancel_state::not_cancelled);
    }
  }
};

}  // namespace detail

// The venue's kill switch; ledger() holds every order of the answer, cancelled or not (with the
// venue's reason).
// O: how the answer is decoded.
template <json::read_options O = json::read_options{}>
using basic_cancel_all_orders_op =
    http::one_shot_cancel<endpoints::cancel_all_orders<std::string_view>, detail::record_cancel_all_orders, O>;
using cancel_all_orders_op = basic_cancel_all_orders_op<>;

}  // namespace abp
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_ABP_OPERATIONS_HPP
