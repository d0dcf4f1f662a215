#ifndef BETWIRE_ABP_CLIENT_HPP
#define BETWIRE_ABP_CLIENT_HPP

// betwire::abp::client<Transport>: ABP v2 orders, cancellation, placement and bets over any
// betwire::transport, built on http::client.
//
//   betwire::curl_transport net{{.base_url = "https://v2.55-tech.com"}};
//   betwire::abp::client abp{net, {.api_key = betwire::secret(std::getenv("ABP_API_KEY"))}};
//
//   auto page = abp.get_orders({.user_ref = "bettor1234", .limit = 1000});   // reply<orders_page>
//   abp::orders_page_view view;                                               // reuse it:
//   auto r = abp.get_orders({.user_ref = "bettor1234"}, view);                // reply<void>, no
//                                                                              // allocation once warm
//   for (auto&& p : abp.orders_pages({.user_ref = "bettor1234"})) {           // follows nextCursor
//     if (!p) { report(p.error()); break; }                                   // an error is the last
//     for (const auto& o : p->orders) use(o);                                 // element
//   }
//
// Every call returns http::reply<T>: a betwire::result<T> with the HTTP status, rate-limit headers,
// Retry-After and the number of attempts. Validation runs before anything is sent.
//
// Lifetimes: string views in *_view results (and json::raw `meta`) point into this client's
// response buffer: they stay valid until the next call on this client. Owning results (the
// overloads that return a value) are independent of the client.
//
// Nothing matched: GET /orders and POST /cancel-orders that match nothing answer 404
// {"detail": "..."}; the client returns an empty page / a response with cancelledCount 0 (the
// reply's status() is still 404). See abp::is_nothing_matched.
//
// Placement: orders without a requestUuid get a fresh UUID v4 first — written into your request when
// you pass a non-const lvalue (so you keep the keys), into a copy otherwise (read them from the
// response). Placement is never re-sent unless the retry policy has retry_placements (and then the
// same bytes, with the same keys, go out again).
//
// Decode options: the second template argument, a json::read_options, is how every answer of this
// client is read (docs/abp.md, "Tolerance policy"):
//
//   constexpr betwire::json::read_options lenient{.allow_missing_keys = true};
//   betwire::abp::client<betwire::curl_transport, lenient> abp{net, {.api_key = key}};
//
// One thread at a time per client (like its transport). Not copyable or movable: its core views
// the API key it holds.

#include <betwire/abp/endpoints.hpp>
#include <betwire/abp/schema.hpp>
#include <betwire/core/config.hpp>
#include <betwire/core/error.hpp>
#include <betwire/core/result.hpp>
#include <betwire/http/client.hpp>
#include <betwire/http/endpoint.hpp>
#include <betwire/http/operations.hpp>
#include <betwire/http/pages.hpp>
#include <betwire/http/observer.hpp>
#include <betwire/http/retry.hpp>
#include <betwire/http/secret.hpp>
#include <betwire/http/transport.hpp>
#include <betwire/json/json.hpp>
#include <betwire/json/object_map.hpp>

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

BETWIRE_BEGIN_NAMESPACE
namespace abp {

struct client_options {
  betwire::secret api_key{};      // sent as x-api-key; empty: no key is sent (the venue answers 401)
  http::retry_policy retry{};     // off unless retry.enabled; placements need retry.retry_placements
  std::uint64_t jitter_seed = 0;  // 0: derived from the client's address
  http::observer observer{};     // told about every send and call (http/observer.hpp)
  // Selection endpoints (betslip, markets): false sends the unprefixed paths (/betslip, /markets:
  // every revision of the spec has them; the newest keeps them as aliases), true the newest
  // revision's /fixtures/betslip and /fixtures/markets.
  bool fixtures_paths = false;
};

// ABP's keyset pagination: while hasMore, the next page starts after nextCursor, which must
// decrease (orders and bets come newest first); anything else would loop for ever.
struct keyset_cursor {
  template <class Page>
  static http::page_step advance(const Page& page, std::optional<std::int64_t>& cursor, const char*& why) {
    if (!page.has_more) return http::page_step::done;
    if (!page.next_cursor) {
      why = "hasMore is true but nextCursor is null: pagination stopped";
      return http::page_step::stuck;
    }
    if (cursor && *page.next_cursor >= *cursor) {
      why = "nextCursor does not decrease: pagination stopped";
      return http::page_step::stuck;
    }
    cursor = *page.next_cursor;
    return http::page_step::next;
  }
  // How a page is read (http::cursor_pages): a 404 "nothing matched" is an empty last page.
  template <http::endpoint E, json::read_options O = json::read_options{}>
  static result<void> read(http::response& resp, http::response_t<E>& page) {
    return read_abp_response<E, O>(resp, page);
  }
};

namespace detail {
inline void set_after_order_id(orders_filter& f, const std::int64_t& c) { f.after_order_id = c; }
inline void set_after_bet_id(bets_filter& f, const std::int64_t& c) { f.after_bet_id = c; }
}  // namespace detail

template <transport T, json::read_options Options = json::read_options{}>
class client {
 public:
  static constexpr json::read_options decode_options = Options;

  client(T& t, client_options options = {})
      : key_(std::move(options.api_key)),
        fixtures_paths_(options.fixtures_paths),
        core_(t, http::client_options{.retry = options.retry, .jitter_seed = options.jitter_seed,
                                  .observer = options.observer}) {
    if (!key_.empty()) {
      if (auto r = core_.set_header("x-api-key", key_); !r) setup_error_ = std::move(r).error();
    }
  }
  client(const client&) = delete;
  client& operator=(const client&) = delete;

  // The configuration error every call returns (a CR/LF/NUL in the API key), if any.
  [[nodiscard]] const std::optional<error>& setup_error() const noexcept { return setup_error_; }

  // ---- GET /orders ----
  template <class Str>
  http::reply<void> get_orders(const orders_filter& filter, basic_orders_page<Str>& out) {
    return run<endpoints::get_orders<Str>>(filter, out);
  }
  http::reply<orders_page> get_orders(const orders_filter& filter) {
    return owned<endpoints::get_orders<std::string>>(filter);
  }

  // Every page of `filter`, following nextCursor (as afterOrderId) until hasMore is false. Page is
  // orders_page_view (default, allocation-free once warm) or orders_page. The range drives an
  // http::cursor_pages machine (the one abp::orders_by_ids runs concurrently) through this
  // client's core, one page per step (http::cursor_range).
  template <class Page = orders_page_view>
  auto orders_pages(orders_filter filter) {
    using E = endpoints::get_orders<typename http::detail::page_string<Page>::type>;
    return http::cursor_range<E, std::int64_t, keyset_cursor, T, Options>(core_, std::move(filter),
                                                                          &detail::set_after_order_id, setup_error_);
  }

  // ---- POST /cancel-orders ----
  template <class Str>
  http::reply<void> cancel_orders(const cancel_orders_request& req, basic_cancel_orders_response<Str>& out) {
    return run<endpoints::cancel_orders<Str>>(req, out);
  }
  http::reply<cancel_orders_response> cancel_orders(const cancel_orders_request& req) {
    return owned<endpoints::cancel_orders<std::string>>(req);
  }

  // ---- POST /cancel-all-orders (the venue's kill switch) ----
  template <class Str>
  http::reply<void> cancel_all_orders(basic_cancel_orders_response<Str>& out) {
    return run<endpoints::cancel_all_orders<Str>>(http::none{}, out);
  }
  http::reply<cancel_orders_response> cancel_all_orders() {
    return owned<endpoints::cancel_all_orders<std::string>>(http::none{});
  }

  // ---- POST /place-orders ----
  // Fills missing requestUuids in `req` (you keep the keys), then places.
  template <class Str>
  http::reply<void> place_orders(place_orders_request& req, basic_place_orders_response<Str>& out) {
    fill_request_uuids(req);
    return run<endpoints::place_orders<Str>>(req, out);
  }
  http::reply<place_orders_response> place_orders(place_orders_request& req) {
    fill_request_uuids(req);
    return owned<endpoints::place_orders<std::string>>(req);
  }
  // A const or temporary request: missing requestUuids are filled in a copy (the response's
  // acceptedOrders / declinedOrders carry them).
  template <class Str>
  http::reply<void> place_orders(const place_orders_request& req, basic_place_orders_response<Str>& out) {
    if (!needs_uuids(req)) return run<endpoints::place_orders<Str>>(req, out);
    place_orders_request copy = req;
    fill_request_uuids(copy);
    return run<endpoints::place_orders<Str>>(copy, out);
  }
  http::reply<place_orders_response> place_orders(const place_orders_request& req) {
    if (!needs_uuids(req)) return owned<endpoints::place_orders<std::string>>(req);
    place_orders_request copy = req;
    fill_request_uuids(copy);
    return owned<endpoints::place_orders<std::string>>(copy);
  }

  // ---- GET /bets, GET /bets/{betId} ----
  template <class Str>
  http::reply<void> get_bets(const bets_filter& filter, basic_bets_page<Str>& out) {
    return run<endpoints::get_bets<Str>>(filter, out);
  }
  http::reply<bets_page> get_bets(const bets_filter& filter) { return owned<endpoints::get_bets<std::string>>(filter); }

  // Every page of `filter`, following nextCursor (as afterBetId), as orders_pages.
  template <class Page = bets_page_view>
  auto bets_pages(bets_filter filter) {
    using E = endpoints::get_bets<typename http::detail::page_string<Page>::type>;
    return http::cursor_range<E, std::int64_t, keyset_cursor, T, Options>(core_, std::move(filter),
                                                                          &detail::set_after_bet_id, setup_error_);
  }

  template <class Str>
  http::reply<void> get_bet(std::int64_t bet_id, basic_bet<Str>& out) {
    return run<endpoints::get_bet<Str>>(bet_key{bet_id}, out);
  }
  http::reply<bet> get_bet(std::int64_t bet_id) { return owned<endpoints::get_bet<std::string>>(bet_key{bet_id}); }

  // ---- accounts ----
  template <class Str>
  http::reply<void> get_accounts(const accounts_filter& filter, std::vector<basic_account<Str>>& out) {
    return run<endpoints::get_accounts<Str>>(filter, out);
  }
  http::reply<account_list> get_accounts(const accounts_filter& filter = {}) {
    return owned<endpoints::get_accounts<std::string>>(filter);
  }
  template <class Str>
  http::reply<void> get_account(const account_key& key, basic_account<Str>& out) {
    return run<endpoints::get_account<Str>>(key, out);
  }
  http::reply<account> get_account(const account_key& key) { return owned<endpoints::get_account<std::string>>(key); }

  // The password and meta of `req` are revealed into the body only; an error text that echoes
  // them (a 422 quoting its input) has them scrubbed.
  template <class Str>
  http::reply<void> create_account(const account_create_request& req, basic_account<Str>& out) {
    return with_credentials(req, run<endpoints::create_account<Str>>(req, out));
  }
  http::reply<account> create_account(const account_create_request& req) {
    account out{};
    http::reply<void> r = create_account(req, out);
    return http::with_value(std::move(r), std::move(out));
  }
  template <class Str>
  http::reply<void> update_account(const account_key& key, const account_update_request& req, basic_account<Str>& out) {
    return with_credentials(req, run_at<endpoints::update_account<Str>>(key, req, out));
  }
  http::reply<account> update_account(const account_key& key, const account_update_request& req) {
    account out{};
    http::reply<void> r = update_account(key, req, out);
    return http::with_value(std::move(r), std::move(out));
  }
  http::reply<void> delete_account(const account_key& key) {
    http::none out;
    return run<endpoints::delete_account>(key, out);
  }

  // ---- selections, reference data ----
  template <class Str>
  http::reply<void> get_betslip(const betslip_request& req, basic_betslip_response<Str>& out) {
    return fixtures_paths_ ? run<endpoints::get_fixtures_betslip<Str>>(req, out) : run<endpoints::get_betslip<Str>>(req, out);
  }
  http::reply<betslip_response> get_betslip(const betslip_request& req) {
    betslip_response out{};
    http::reply<void> r = get_betslip(req, out);
    return http::with_value(std::move(r), std::move(out));
  }
  template <class Str>
  http::reply<void> get_markets(const markets_filter& filter, std::vector<basic_market<Str>>& out) {
    return fixtures_paths_ ? run<endpoints::get_fixtures_markets<Str>>(filter, out)
                           : run<endpoints::get_markets<Str>>(filter, out);
  }
  http::reply<market_list> get_markets(const markets_filter& filter = {}) {
    market_list out{};
    http::reply<void> r = get_markets(filter, out);
    return http::with_value(std::move(r), std::move(out));
  }
  template <class Str>
  http::reply<void> get_bookmakers(std::vector<basic_bookmaker<Str>>& out) {
    return run<endpoints::get_bookmakers<Str>>(http::none{}, out);
  }
  http::reply<bookmaker_list> get_bookmakers() { return owned<endpoints::get_bookmakers<std::string>>(http::none{}); }

  // ---- analytics ----
  template <class Str>
  http::reply<void> get_positions(const analytics_filter& filter, basic_positions<Str>& out) {
    return run<endpoints::get_positions<Str>>(filter, out);
  }
  http::reply<positions> get_positions(const analytics_filter& filter = {}) {
    return owned<endpoints::get_positions<std::string>>(filter);
  }
  template <class Str>
  http::reply<void> get_pnl(const analytics_filter& filter, basic_pnl<Str>& out) {
    return run<endpoints::get_pnl<Str>>(filter, out);
  }
  http::reply<pnl> get_pnl(const analytics_filter& filter = {}) { return owned<endpoints::get_pnl<std::string>>(filter); }

  // ---- probes: the body as raw JSON ----
  http::reply<json::raw_string> health() { return owned<endpoints::health<std::string>>(http::none{}); }
  http::reply<json::raw_string> ready() { return owned<endpoints::ready<std::string>>(http::none{}); }
  http::reply<json::raw_string> status() { return owned<endpoints::status<std::string>>(http::none{}); }

  // ---- the core ----
  [[nodiscard]] http::client<T, Options>& core() noexcept { return core_; }
  [[nodiscard]] const http::response& last_response() const noexcept { return core_.last_response(); }
  [[nodiscard]] std::string describe_last_request() const { return core_.describe_last_request(); }
  void set_retry_policy(const http::retry_policy& p) noexcept { core_.set_retry_policy(p); }
  void set_clock(const http::retry_clock& c) noexcept { core_.set_clock(c); }
  void set_observer(const http::observer& o) noexcept { core_.set_observer(o); }

 private:
  static bool needs_uuids(const place_orders_request& req) noexcept {
    for (const place_order& o : req.orders)
      if (o.request_uuid.empty()) return true;
    return false;
  }

  template <class E>
  http::reply<void> run(const http::request_t<E>& req, http::response_t<E>& out) {
    if (setup_error_) return {fail(*setup_error_), {}};
    http::reply<void> r = core_.template call<E>(req, out);
    if constexpr (empties_on_not_found<E>) {
      if (!r && r.status() == 404 && is_nothing_matched(core_.last_response())) {
        make_empty(out);
        return {result<void>{}, r.info()};
      }
    }
    return r;
  }

  template <class E>
  http::reply<void> run_at(const typename E::path_type& path, const http::request_t<E>& req, http::response_t<E>& out) {
    if (setup_error_) return {fail(*setup_error_), {}};
    return core_.template call<E>(path, req, out);
  }

  // Scrubs the credentials of an account request from a failed reply's texts.
  template <class R>
  static http::reply<void> with_credentials(const R& req, http::reply<void> r) {
    if (r) return r;
    error& e = r.error();
    if (req.password) http::scrub(e, req.password->reveal());
    if (req.meta) {
      http::scrub(e, req.meta->reveal());
      std::string copy(req.meta->reveal());  // only on failure: each string value of meta too
      json::object_map<std::string_view, json::raw> members;
      if (json::decode(copy, members)) {
        for (const auto& [name, value] : members) {
          std::string text(value.text);
          std::string decoded;
          if (json::decode(text, decoded)) http::scrub(e, decoded);
        }
      }
    }
    return r;
  }

  template <class E>
  http::reply<http::response_t<E>> owned(const http::request_t<E>& req) {
    http::response_t<E> out{};
    http::reply<void> r = run<E>(req, out);
    return http::with_value(std::move(r), std::move(out));
  }

  betwire::secret key_;
  bool fixtures_paths_ = false;
  http::client<T, Options> core_;
  std::optional<error> setup_error_;
};

}  // namespace abp
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_ABP_CLIENT_HPP
