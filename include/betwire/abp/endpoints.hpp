#ifndef BETWIRE_ABP_ENDPOINTS_HPP
#define BETWIRE_ABP_ENDPOINTS_HPP

// ABP v2 endpoint descriptors: pure descriptions (method, path, query/body encoding, client-side
// validation, the venue's error bodies) that never touch a socket. abp::client (client.hpp) drives
// them through http::client; any other I/O layer can use http::build_request<E> and
// abp::read_abp_response<E> directly.
//
// Each endpoint is a template on the string model of its response: std::string (owning) or
// std::string_view (views into the response buffer, no allocation once warm):
//
//   abp::endpoints::get_orders<>                   // response abp::orders_page
//   abp::endpoints::get_orders<std::string_view>   // response abp::orders_page_view
//
// "Nothing matched": ABP answers GET /orders and POST /cancel-orders that match nothing with
// 404 {"detail": "..."}. For those two endpoints abp::read_abp_response turns that answer into an empty
// page (count 0, hasMore false) or a response with nothing cancelled (cancelledCount 0); the
// reply's status() still says 404. A 404 whose body is FastAPI's route miss {"detail": "Not Found"}
// (a wrong base URL) or anything that is not ABP's {"detail": "<text>"} stays an error.

#include <betwire/abp/errors.hpp>
#include <betwire/abp/schema.hpp>
#include <betwire/core/config.hpp>
#include <betwire/core/error.hpp>
#include <betwire/core/result.hpp>
#include <betwire/core/timestamp.hpp>
#include <betwire/core/uuid.hpp>
#include <betwire/http/endpoint.hpp>
#include <betwire/http/message.hpp>
#include <betwire/json/json.hpp>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

BETWIRE_BEGIN_NAMESPACE
namespace abp {

// ---- limits the documents state ------------------------------------------------------------------
inline constexpr std::int32_t min_page_limit = 1;
inline constexpr std::int32_t max_page_limit = 1000;
inline constexpr std::size_t max_orders_per_placement = 100;

// A fresh requestUuid (UUID v4, lower-case): the idempotency key of one placed order.
[[nodiscard]] inline std::string new_request_uuid() { return uuid::generate().to_string(); }

// Gives every order of `req` without a requestUuid a fresh one (in place, so the caller keeps the
// keys: to query or cancel by them, or to re-send the same request after a timeout). Returns how
// many were filled. abp::client::place_orders calls it for you.
inline std::size_t fill_request_uuids(place_orders_request& req) {
  std::size_t filled = 0;
  for (place_order& o : req.orders) {
    if (o.request_uuid.empty()) {
      o.request_uuid = new_request_uuid();
      ++filled;
    }
  }
  return filled;
}

namespace detail {

// ADL looks in the innermost namespace only: the wire types here use ABP's rule too.
consteval naming betwire_naming(auto*) { return naming::camel_case; }

[[nodiscard]] inline error validation_error(errc code, std::string message) {
  return error(error_category::validation, code, std::move(message));
}

template <class Vec>
[[nodiscard]] bool any_non_empty(const Vec& v) {
  for (const auto& x : v)
    if (!std::string_view(x).empty()) return true;
  return false;
}

[[nodiscard]] inline result<void> check_limit(const std::optional<std::int32_t>& limit) {
  if (limit && (*limit < min_page_limit || *limit > max_page_limit))
    return fail(validation_error(errc::out_of_range, "limit must be within 1..1000 (got " +
                                                         std::to_string(*limit) + ")"));
  return {};
}

template <class Vec>
[[nodiscard]] result<void> check_no_empty_items(const Vec& v, std::string_view what) {
  for (const auto& x : v)
    if (std::string_view(x).empty())
      return fail(validation_error(errc::invalid_argument, std::string(what) + " contains an empty value"));
  return {};
}

// The body of one order as it goes on the wire, views everywhere, in two parts around
// `bookmakers`: that one is written by hand (append_joined) so the joined names are never copied.
struct place_order_head {
  std::string_view request_uuid;
  std::optional<std::string_view> fixture_id;
  std::optional<std::string_view> future_id;
  std::int64_t outcome_id = 0;
  std::int64_t player_id = 0;
  decimal order_price;
  decimal order_stake;
  std::string_view user_ref;
  bool test_order = false;
};
struct place_order_tail {
  std::optional<std::int64_t> participant_id;
  std::optional<std::string_view> order_currency;
  std::optional<bool> back;
  std::optional<timestamp> expires_at;
  std::optional<bool> accept_better_odds;
  std::optional<bool> accept_partial_stake;
  std::optional<json::raw> meta;
};

// Appends `names` joined by ',' as one JSON string (a ',' only once something precedes it, like a
// plain join). Each name is escaped on its own; a later name's opening quote is overwritten by
// the separator, so the joined text never exists anywhere else.
inline bool append_joined(const std::vector<std::string>& names, json::detail::write_context& w) {
  std::string& out = w.out;
  out.append("\"\"", 2);
  bool any = false;
  for (const std::string& name : names) {
    if (!any && name.empty()) continue;
    out.pop_back();  // the closing quote
    const std::size_t at = out.size();
    if (!any) out.pop_back();  // the opening one: write_string brings its own
    if (!json::detail::write_string(name, w)) return false;
    if (any) out[at] = ',';
    any = true;
  }
  return true;
}

// Appends one order's object to w.out. A template only to be instantiated where it is used
// (tools/instantiation_check.py).
template <class = void>
bool append_place_order(const place_order& o, json::detail::write_context& w) {
  place_order_head head;
  head.request_uuid = o.request_uuid;
  if (o.fixture_id) head.fixture_id = std::string_view(*o.fixture_id);
  if (o.future_id) head.future_id = std::string_view(*o.future_id);
  head.outcome_id = o.outcome_id;
  head.player_id = o.player_id;
  head.order_price = o.order_price;
  head.order_stake = o.order_stake;
  head.user_ref = o.user_ref;
  head.test_order = o.test_order;
  if (!json::detail::write_object<json::write_options{}>(head, w)) return false;

  std::string& out = w.out;
  out.pop_back();  // head's '}': the object goes on
  if (!o.bookmakers.empty()) {
    out.append(",\"bookmakers\":");
    if (!append_joined(o.bookmakers, w)) {
      w.push_key("bookmakers");
      return false;
    }
  }

  place_order_tail tail;
  tail.participant_id = o.participant_id;
  if (o.order_currency) tail.order_currency = std::string_view(*o.order_currency);
  tail.back = o.back;
  if (o.expires_at) {
    // The venue wants ISO-8601: a timestamp made from unix seconds is written as ISO text.
    const timestamp& t = *o.expires_at;
    tail.expires_at = t.wire_form() == timestamp::form::iso8601
                          ? t
                          : timestamp::from_unix(t.unix_seconds(), t.nanosecond(), 0, 6);
  }
  tail.accept_better_odds = o.accept_better_odds;
  tail.accept_partial_stake = o.accept_partial_stake;
  if (!o.meta.text.empty()) tail.meta = json::raw{o.meta.text};
  const std::size_t at = out.size();
  if (!json::detail::write_object<json::write_options{}>(tail, w)) return false;
  if (out.size() == at + 2) {  // "{}": nothing after head, so it only closes the object
    out.pop_back();
    out[at] = '}';
  } else {
    out[at] = ',';  // its '{' continues head's members
  }
  return true;
}

[[nodiscard]] inline bool is_json_object(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) ++i;
  return i < text.size() && text[i] == '{' && json::validate(text);
}

// The two top-level members that tell ABP's error bodies apart.
struct error_probe {
  std::optional<json::raw> error;
  std::optional<json::raw> detail;
};

}  // namespace detail

// Checks one order the way the venue's model would (422), before anything is sent.
[[nodiscard]] inline result<void> validate_place_order(const place_order& o, std::size_t index) {
  const std::string at = "orders[" + std::to_string(index) + "]";
  if (o.request_uuid.empty())
    return fail(detail::validation_error(
        errc::invalid_argument, at + ".requestUuid is empty (abp::new_request_uuid() or abp::fill_request_uuids)"));
  if (!uuid::is_valid(o.request_uuid))
    return fail(detail::validation_error(errc::invalid_argument, at + ".requestUuid is not a UUID"));
  const bool fixture = o.fixture_id.has_value() && !o.fixture_id->empty();
  const bool future = o.future_id.has_value() && !o.future_id->empty();
  if (fixture == future)
    return fail(detail::validation_error(errc::invalid_argument,
                                         at + ": exactly one of fixtureId and futureId is required"));
  for (const std::string& b : o.bookmakers) {
    if (b.empty() || b.find(',') != std::string::npos)
      return fail(detail::validation_error(errc::invalid_argument,
                                           at + ".bookmakers: a name is empty or contains a comma"));
  }
  if (o.expires_at && !o.expires_at->in_iso_range())
    return fail(detail::validation_error(errc::invalid_argument,
                                         at + ".expiresAt is outside the years 0000..9999 ISO-8601 can write"));
  if (!o.meta.text.empty() && !detail::is_json_object(o.meta.text))
    return fail(detail::validation_error(errc::invalid_argument, at + ".meta is not a JSON object"));
  return {};
}

[[nodiscard]] inline result<void> validate(const place_orders_request& req) {
  if (req.orders.empty())
    return fail(detail::validation_error(errc::too_few_items, "place-orders needs at least 1 order"));
  if (req.orders.size() > max_orders_per_placement)
    return fail(detail::validation_error(errc::too_many_items, "place-orders takes at most 100 orders (got " +
                                                                   std::to_string(req.orders.size()) + ")"));
  for (std::size_t i = 0; i < req.orders.size(); ++i)
    if (auto v = validate_place_order(req.orders[i], i); !v) return v;
  return {};
}

[[nodiscard]] inline result<void> validate(const orders_filter& f) {
  if (f.order_ids.empty() && !detail::any_non_empty(f.request_uuids) && f.user_ref.empty())
    return fail(detail::validation_error(errc::missing_filter,
                                         "GET /orders needs at least one of orderIds, requestUuids, userRef"));
  if (auto v = detail::check_no_empty_items(f.request_uuids, "requestUuids"); !v) return v;
  return detail::check_limit(f.limit);
}

[[nodiscard]] inline result<void> validate(const bets_filter& f) {
  if (f.bet_ids.empty() && f.order_ids.empty() && f.user_ref.empty())
    return fail(detail::validation_error(errc::missing_filter,
                                         "GET /bets needs at least one of betIds, orderIds, userRef"));
  return detail::check_limit(f.limit);
}

[[nodiscard]] inline result<void> validate(const cancel_orders_request& r) {
  const bool ids = r.order_ids && !r.order_ids->empty();
  const bool uuids = r.request_uuids && detail::any_non_empty(*r.request_uuids);
  const bool user = r.user_ref && !r.user_ref->empty();
  if (!ids && !uuids && !user)
    return fail(detail::validation_error(errc::missing_filter,
                                         "cancel-orders needs at least one of orderIds, requestUuids, userRef"));
  if (r.request_uuids)
    if (auto v = detail::check_no_empty_items(*r.request_uuids, "requestUuids"); !v) return v;
  return {};
}

// Writes the place-orders body: {"orders":[...]} with bookmakers comma-joined and absent optionals
// left out, straight into `out`: a call allocates nothing when `out` has the capacity.
template <class = void>
[[nodiscard]] result<void> encode_place_orders(const place_orders_request& req, std::string& out) {
  out.clear();
  json::detail::write_context w(out);
  out.append("{\"orders\":[");
  for (std::size_t i = 0; i < req.orders.size(); ++i) {
    if (i != 0) out.push_back(',');
    if (!detail::append_place_order(req.orders[i], w)) {
      w.push_index(i);
      w.push_key("orders");
      error e(error_category::validation, w.code, w.message);
      e.path = std::move(w.path);
      out.clear();
      return fail(std::move(e));
    }
  }
  out.append("]}");
  return {};
}

// ---- accounts, betslip ---------------------------------------------------------------------------

namespace detail {

// The account bodies as they go on the wire: views, the credentials revealed here and only here.
struct account_body {
  std::optional<std::string_view> bookmaker;
  std::optional<std::string_view> username;
  std::optional<std::string_view> password;
  std::optional<decimal> balance;
  std::optional<bool> active;
  std::optional<std::int64_t> priority;
  std::optional<decimal> max_stake;
  std::optional<decimal> min_stake;
  std::optional<std::string_view> currency_id;
  std::optional<json::raw> meta;
};

template <class R>
void fill_account_body(const R& r, account_body& b) {
  if (r.password) b.password = r.password->reveal();
  b.balance = r.balance;
  b.active = r.active;
  b.priority = r.priority;
  b.max_stake = r.max_stake;
  b.min_stake = r.min_stake;
  if (r.currency_id) b.currency_id = std::string_view(*r.currency_id);
  if (r.meta) b.meta = json::raw{r.meta->reveal()};
}

// The checks both account bodies share. Messages name fields, never their values.
template <class R>
[[nodiscard]] result<void> check_account_fields(const R& r) {
  if (r.meta && !is_json_object(r.meta->reveal()))
    return fail(validation_error(errc::invalid_argument, "account meta is not a JSON object"));
  if (r.currency_id && r.currency_id->empty())
    return fail(validation_error(errc::invalid_argument, "account currencyId is empty"));
  if (r.max_stake && r.min_stake && *r.max_stake < *r.min_stake)
    return fail(validation_error(errc::invalid_argument, "account maxStake is below minStake"));
  return {};
}

[[nodiscard]] inline result<void> check_slug(std::string_view value, std::string_view what) {
  if (value.empty()) return fail(validation_error(errc::invalid_argument, std::string(what) + " is empty"));
  return {};
}

}  // namespace detail

[[nodiscard]] inline result<void> validate(const account_key& k) {
  if (auto v = detail::check_slug(k.bookmaker, "account bookmaker"); !v) return v;
  return detail::check_slug(k.username, "account username");
}

[[nodiscard]] inline result<void> validate(const account_create_request& r) {
  if (auto v = validate(account_key{r.bookmaker, r.username}); !v) return v;
  return detail::check_account_fields(r);
}

[[nodiscard]] inline result<void> validate(const account_update_request& r) {
  return detail::check_account_fields(r);
}

[[nodiscard]] inline result<void> validate(const accounts_filter& f) {
  if (f.bookmaker && f.bookmaker->empty())
    return fail(detail::validation_error(errc::invalid_argument, "accounts: bookmaker filter is empty"));
  return {};
}

[[nodiscard]] inline result<void> validate(const betslip_request& r) {
  const bool fixture = r.fixture_id.has_value() && !r.fixture_id->empty();
  const bool future = r.future_id.has_value() && !r.future_id->empty();
  if (fixture == future)
    return fail(detail::validation_error(errc::invalid_argument, "betslip: exactly one of fixtureId and futureId is required"));
  if (r.outcome_id <= 0)
    return fail(detail::validation_error(errc::invalid_argument, "betslip: outcomeId is required"));
  if (r.player_id < 0)
    return fail(detail::validation_error(errc::out_of_range, "betslip: playerId must be >= 0 (0: no player)"));
  if (auto v = detail::check_no_empty_items(r.bookmakers, "betslip bookmakers"); !v) return v;
  return {};
}

[[nodiscard]] inline result<void> validate(const analytics_filter& f) {
  if ((f.bookmaker && f.bookmaker->empty()) || (f.user_ref && f.user_ref->empty()) || (f.account && f.account->empty()))
    return fail(detail::validation_error(errc::invalid_argument, "positions/pnl: a filter is set but empty"));
  return {};
}

template <class = void>
[[nodiscard]] result<void> encode_account_create(const account_create_request& r, std::string& out) {
  detail::account_body b;
  b.bookmaker = std::string_view(r.bookmaker);
  b.username = std::string_view(r.username);
  detail::fill_account_body(r, b);
  return json::encode(b, out);
}

template <class = void>
[[nodiscard]] result<void> encode_account_update(const account_update_request& r, std::string& out) {
  detail::account_body b;
  detail::fill_account_body(r, b);
  return json::encode(b, out);
}

// ---- "nothing matched" ---------------------------------------------------------------------------

// True when `resp` is ABP's documented "no orders found" answer: HTTP 404 with a JSON body
// {"detail": "<text>"} — but not FastAPI's route miss {"detail": "Not Found"}, which means the base
// URL or path is wrong and must stay an error.
template <class = void>
[[nodiscard]] bool is_nothing_matched(const http::response& resp) {
  if (resp.status != 404 || resp.body.empty()) return false;
  std::string copy(resp.body);  // only on a 404: the probe decodes in place
  detail::error_probe probe;
  if (!json::decode(copy, probe)) return false;
  if (probe.error || !probe.detail) return false;  // {"error": ...} is the auth middleware's shape
  std::string text(probe.detail->text);
  std::string message;
  if (!json::decode(text, message)) return false;  // {"detail": [...]} or {"detail": {...}}
  return !message.empty() && message != "Not Found";
}

template <class Str>
void make_empty(basic_orders_page<Str>& page) noexcept {
  page.orders.clear();
  page.count = 0;
  page.has_more = false;
  page.next_cursor.reset();
}

template <class Str>
void make_empty(basic_bets_page<Str>& page) noexcept {
  page.bets.clear();
  page.count = 0;
  page.has_more = false;
  page.next_cursor.reset();
}

template <class Str>
void make_empty(basic_cancel_orders_response<Str>& r) {
  r.status = Str();
  r.cancelled_count = 0;
  r.cancelled.clear();
  r.not_cancelled.reason = Str();
  r.not_cancelled.orders.clear();
}

namespace endpoints {

// A path as a template argument: one descriptor template serves an endpoint and its alias.
template <std::size_t N>
struct fixed_path {
  char text[N]{};
  consteval fixed_path(const char (&s)[N]) {
    for (std::size_t i = 0; i < N; ++i) text[i] = s[i];
  }
  [[nodiscard]] constexpr std::string_view view() const { return {text, N - 1}; }
};

// Supplies the reader of ABP's error bodies ({"error"}, {"detail"}, {"detail": [...]}).
struct abp_endpoint {
  // A template, like every encoder and error reader that is not one by nature: a translation unit
  // that includes the venue but never calls it instantiates none of the JSON code behind it
  // (compile time; tools/instantiation_check.py, the test lazy_instantiation, checks it).
  template <class = void>
  static bool parse_error(std::string_view body, error& e) { return abp::parse_error_body(body, e); }
};

// A descriptor from its parts, with validate() whenever abp::validate takes the request: the
// endpoints below are this plus what sets each apart (a body encoder, a path type, idempotency).
template <http::method M, fixed_path P, class Req, class Resp>
struct descriptor : abp_endpoint {
  static constexpr http::method method = M;
  static constexpr std::string_view path = P.view();
  using request_type = Req;
  using response_type = Resp;
  static result<void> validate(const Req& r)
    requires requires(const Req& q) { abp::validate(q); }
  {
    return abp::validate(r);
  }
};

// GET /orders — keyset-paginated, newest first. 404 "no orders found" reads as an empty page.
template <class Str = std::string>
struct get_orders : abp_endpoint {
  static constexpr http::method method = http::method::get;
  static constexpr std::string_view path = "/orders";
  using request_type = orders_filter;
  using response_type = basic_orders_page<Str>;
  static constexpr bool empty_on_not_found = true;
  static result<void> validate(const orders_filter& f) { return abp::validate(f); }
};

// POST /cancel-orders — documented as safe to repeat (idempotent); 404 reads as nothing cancelled.
template <class Str = std::string>
struct cancel_orders : abp_endpoint {
  static constexpr http::method method = http::method::post;
  static constexpr std::string_view path = "/cancel-orders";
  using request_type = cancel_orders_request;
  using response_type = basic_cancel_orders_response<Str>;
  static constexpr http::idempotency idempotency = http::idempotency::idempotent;
  static constexpr bool empty_on_not_found = true;
  static result<void> validate(const cancel_orders_request& r) { return abp::validate(r); }
};

// POST /cancel-all-orders — the venue's own kill switch: every PENDING or PARTIALLY_FILLED order
// of the key's client without a placed bet is cancelled; the others come back in notCancelled. No
// request body. Safe to repeat (a second call finds nothing left to cancel). The spec lists no 404,
// but an ABP "nothing matched" 404 reads as nothing cancelled, like cancel-orders.
template <class Str = std::string>
struct cancel_all_orders : abp_endpoint {
  static constexpr http::method method = http::method::post;
  static constexpr std::string_view path = "/cancel-all-orders";
  using request_type = http::none;
  using response_type = basic_cancel_orders_response<Str>;
  static constexpr http::idempotency idempotency = http::idempotency::idempotent;
  static constexpr bool empty_on_not_found = true;
};

// POST /place-orders — keyed by requestUuid: re-sent only when the client opts in
// (retry_policy::retry_placements), byte-identical, with the same keys.
template <class Str = std::string>
struct place_orders : abp_endpoint {
  static constexpr http::method method = http::method::post;
  static constexpr std::string_view path = "/place-orders";
  using request_type = place_orders_request;
  using response_type = basic_place_orders_response<Str>;
  static constexpr http::idempotency idempotency = http::idempotency::keyed;
  static std::string_view idempotency_key(const place_orders_request& r) {
    return r.orders.empty() ? std::string_view() : std::string_view(r.orders.front().request_uuid);
  }
  static result<void> validate(const place_orders_request& r) { return abp::validate(r); }
  static result<void> encode_body(const place_orders_request& r, std::string& out) {
    return encode_place_orders(r, out);
  }
};

// GET /bets — keyset-paginated (afterBetId), newest first.
template <class Str = std::string>
struct get_bets : abp_endpoint {
  static constexpr http::method method = http::method::get;
  static constexpr std::string_view path = "/bets";
  using request_type = bets_filter;
  using response_type = basic_bets_page<Str>;
  static constexpr bool empty_on_not_found = true;
  static result<void> validate(const bets_filter& f) { return abp::validate(f); }
};

// GET /bets/{betId} — 404 "Bet not found" stays errc::not_found.
template <class Str = std::string>
struct get_bet : abp_endpoint {
  static constexpr http::method method = http::method::get;
  static constexpr std::string_view path = "/bets/{betId}";
  using request_type = bet_key;
  using response_type = basic_bet<Str>;
};

// ---- accounts ----

// GET /accounts — the caller's accounts, priority first, passwords masked by the venue.
template <class Str = std::string>
using get_accounts = descriptor<http::method::get, "/accounts", accounts_filter, std::vector<basic_account<Str>>>;

// Bodies that carry credentials: the core describes them as "***" (http::client).
struct credential_body {
  static constexpr bool sensitive_body = true;
};

// POST /accounts — 201 with the account; 409 when (bookmaker, username) exists.
template <class Str = std::string>
struct create_account : descriptor<http::method::post, "/accounts", account_create_request, basic_account<Str>>,
                        credential_body {
  static result<void> encode_body(const account_create_request& r, std::string& out) {
    return encode_account_create(r, out);
  }
};

// GET /accounts/{bookmaker}/{username} — 403 another client's account, 404 none.
template <class Str = std::string>
using get_account = descriptor<http::method::get, "/accounts/{bookmaker}/{username}", account_key, basic_account<Str>>;

// PATCH /accounts/{bookmaker}/{username} — only the fields set change. Safe to repeat.
template <class Str = std::string>
struct update_account
    : descriptor<http::method::patch, "/accounts/{bookmaker}/{username}", account_update_request, basic_account<Str>>,
      credential_body {
  using path_type = account_key;
  static constexpr http::idempotency idempotency = http::idempotency::idempotent;
  static result<void> encode_body(const account_update_request& r, std::string& out) {
    return encode_account_update(r, out);
  }
};

// DELETE /accounts/{bookmaker}/{username} — 204, no body.
struct delete_account : descriptor<http::method::delete_, "/accounts/{bookmaker}/{username}", account_key, http::none> {
  static constexpr http::idempotency idempotency = http::idempotency::idempotent;
};

// ---- selections: the unprefixed paths and the newest revision's /fixtures/* (same handler) ----

// GET /betslip — live odds per bookmaker for one selection; GET /fixtures/betslip is the same.
template <class Str = std::string>
using get_betslip = descriptor<http::method::get, "/betslip", betslip_request, basic_betslip_response<Str>>;
template <class Str = std::string>
using get_fixtures_betslip =
    descriptor<http::method::get, "/fixtures/betslip", betslip_request, basic_betslip_response<Str>>;

// GET /markets (optionally one sport) and GET /fixtures/markets.
template <class Str = std::string>
using get_markets = descriptor<http::method::get, "/markets", markets_filter, std::vector<basic_market<Str>>>;
template <class Str = std::string>
using get_fixtures_markets =
    descriptor<http::method::get, "/fixtures/markets", markets_filter, std::vector<basic_market<Str>>>;

// GET /bookmakers — every bookmaker with its stake limits.
template <class Str = std::string>
using get_bookmakers = descriptor<http::method::get, "/bookmakers", http::none, std::vector<basic_bookmaker<Str>>>;

// ---- analytics: grouped by bookmaker (the venue's default), account or userRef ----
template <class Str = std::string>
using get_positions = descriptor<http::method::get, "/positions", analytics_filter, basic_positions<Str>>;
template <class Str = std::string>
using get_pnl = descriptor<http::method::get, "/pnl", analytics_filter, basic_pnl<Str>>;

// ---- infrastructure probes (no API key needed; bodies undocumented: kept as raw JSON) ----
template <class Str = std::string>
using health = descriptor<http::method::get, "/health", http::none, json::basic_raw<Str>>;  // {"status": "ok"}
template <class Str = std::string>
using ready = descriptor<http::method::get, "/ready", http::none, json::basic_raw<Str>>;    // DB, cache, feed
template <class Str = std::string>
using status = descriptor<http::method::get, "/status", http::none, json::basic_raw<Str>>;  // emergency state

}  // namespace endpoints

template <class E>
concept empties_on_not_found = requires {
  { E::empty_on_not_found } -> std::convertible_to<bool>;
} && E::empty_on_not_found;

// http::read_response plus ABP's "nothing matched" rule (see the top of this file).
template <http::endpoint E, json::read_options O = json::read_options{}>
result<void> read_abp_response(http::response& resp, http::response_t<E>& out) {
  if constexpr (empties_on_not_found<E>) {
    if (is_nothing_matched(resp)) {
      make_empty(out);
      return {};
    }
  }
  return http::read_response<E, O>(resp, out);
}

}  // namespace abp
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_ABP_ENDPOINTS_HPP
