#ifndef BETWIRE_PREDICTSTREET_ENDPOINTS_HPP
#define BETWIRE_PREDICTSTREET_ENDPOINTS_HPP

// PredictStreet endpoint descriptors: pure descriptions (method, path, query/body encoding,
// client-side validation, response decoding, the venue's error body) that never touch a socket.
// predictstreet::client (client.hpp) drives them through http::client; any other I/O layer can use
// http::build_request<E> and http::read_response<E> directly.
//
//   predictstreet::endpoints::cancel_batch<>                   // response cancel_batch_response
//   predictstreet::endpoints::cancel_batch<std::string_view>   // response cancel_batch_response_view
//
// Also here, all sans-I/O: the key and wallet checks (check_api_key, normalize_wallet), the typed
// authentication errors (auth_error_of), and the pieces of the chunked batch cancel
// (unique_ids, plan_chunks, merge_into).

#include <betwire/core/config.hpp>
#include <betwire/core/decimal.hpp>
#include <betwire/core/error.hpp>
#include <betwire/core/result.hpp>
#include <betwire/http/endpoint.hpp>
#include <betwire/http/message.hpp>
#include <betwire/json/json.hpp>
#include <betwire/json/object_map.hpp>
#include <betwire/json/raw.hpp>
#include <betwire/predictstreet/errors.hpp>
#include <betwire/predictstreet/schema.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_set>
#include <utility>
#include <vector>

BETWIRE_BEGIN_NAMESPACE
namespace predictstreet {

// ---- limits the documents state ------------------------------------------------------------------
inline constexpr std::size_t max_batch_ids = 100;
inline constexpr std::int32_t max_open_limit = 500;
inline constexpr std::int32_t max_history_limit = 200;

// ---- authentication: key and wallet ------------------------------------------------------------

namespace detail {

[[nodiscard]] constexpr bool is_hex(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
[[nodiscard]] constexpr bool is_base64url(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
}

[[nodiscard]] inline error validation_error(errc code, std::string message) {
  return error(error_category::validation, code, std::move(message));
}

}  // namespace detail

// True when `key` has the documented shape ps_<live|test>_<16 hex>_<43 base64url>.
[[nodiscard]] constexpr bool is_well_formed_api_key(std::string_view key) noexcept {
  constexpr std::size_t prefix = 8;  // "ps_live_" / "ps_test_"
  if (key.size() != prefix + 16 + 1 + 43) return false;
  const std::string_view p = key.substr(0, prefix);
  if (p != "ps_live_" && p != "ps_test_") return false;
  for (std::size_t i = prefix; i < prefix + 16; ++i)
    if (!detail::is_hex(key[i])) return false;
  if (key[prefix + 16] != '_') return false;
  for (std::size_t i = prefix + 17; i < key.size(); ++i)
    if (!detail::is_base64url(key[i])) return false;
  return true;
}

// errc::invalid_api_key when the key is malformed. The message never contains the key.
[[nodiscard]] inline result<void> check_api_key(std::string_view key) {
  if (is_well_formed_api_key(key)) return {};
  return fail(detail::validation_error(
      errc::invalid_api_key, "the PredictStreet API key is not of the form ps_<live|test>_<16 hex>_<43 base64url> (" +
                                 std::to_string(key.size()) + " characters; the key itself is not shown)"));
}

// True when `wallet` matches ^0x[a-fA-F0-9]{40}$.
[[nodiscard]] constexpr bool is_valid_wallet(std::string_view wallet) noexcept {
  if (wallet.size() != 42 || wallet[0] != '0' || wallet[1] != 'x') return false;
  for (std::size_t i = 2; i < wallet.size(); ++i)
    if (!detail::is_hex(wallet[i])) return false;
  return true;
}

// The wallet as it is sent (lower-case, like the venue stores it); errc::invalid_wallet otherwise.
// A wallet address is public (on chain; the venue echoes it as walletAddress), not a secret: the
// error shows what was given (at most 64 bytes, control bytes escaped) to help find it.
[[nodiscard]] inline result<std::string> normalize_wallet(std::string_view wallet) {
  if (!is_valid_wallet(wallet)) {
    std::string shown;
    http::detail::append_printable(shown, wallet, 64);
    return fail(detail::validation_error(errc::invalid_wallet,
                                         "X-User-Wallet must match ^0x[a-fA-F0-9]{40}$ (got \"" + shown + "\")"));
  }
  std::string out(wallet);
  for (char& c : out)
    if (c >= 'A' && c <= 'F') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// The venue's 401/403 codes (wire-notes.md), typed. auth_error_of reads an error's HTTP status and
// venue_code (which keeps the code string); `none` for anything that is not a 401/403, `other` for
// a 401/403 whose code this version does not know (or that had no PredictStreet error body).
// A key rejected client-side (errc::invalid_api_key, nothing sent) is not a venue answer: none.
enum class auth_error : std::uint8_t {
  none,
  auth_required,                 // 401: no key
  api_key_bad_format,            // 401
  api_key_unknown_key,           // 401
  api_key_bad_secret,            // 401
  api_key_revoked,               // 401
  api_key_expired,               // 401
  api_key_suspended,             // 401
  api_key_ip_denied,             // 401
  api_key_no_associated_wallet,  // 401
  api_key_user_wallet_required,  // 401: multi_wallet key without X-User-Wallet
  api_key_user_wallet_invalid,   // 401: malformed X-User-Wallet
  api_key_scope_missing,         // 403: details.requiredScope / have[] are in venue_message
  wallet_banned,                 // 403
  other,                         // another 401/403
};

inline constexpr std::array<std::pair<auth_error, std::string_view>, 13> auth_error_codes{{
    {auth_error::auth_required, "auth_required"},
    {auth_error::api_key_bad_format, "api_key_bad_format"},
    {auth_error::api_key_unknown_key, "api_key_unknown_key"},
    {auth_error::api_key_bad_secret, "api_key_bad_secret"},
    {auth_error::api_key_revoked, "api_key_revoked"},
    {auth_error::api_key_expired, "api_key_expired"},
    {auth_error::api_key_suspended, "api_key_suspended"},
    {auth_error::api_key_ip_denied, "api_key_ip_denied"},
    {auth_error::api_key_no_associated_wallet, "api_key_no_associated_wallet"},
    {auth_error::api_key_user_wallet_required, "api_key_user_wallet_required"},
    {auth_error::api_key_user_wallet_invalid, "api_key_user_wallet_invalid"},
    {auth_error::api_key_scope_missing, "api_key_scope_missing"},
    {auth_error::wallet_banned, "wallet_banned"},
}};

// The wire code ("api_key_revoked"); "none" / "other" for those two.
[[nodiscard]] constexpr std::string_view to_string(auth_error a) noexcept {
  for (const auto& [value, code] : auth_error_codes)
    if (value == a) return code;
  return a == auth_error::none ? "none" : "other";
}

[[nodiscard]] constexpr auth_error auth_error_of_code(std::string_view code) noexcept {
  for (const auto& [value, text] : auth_error_codes)
    if (text == code) return value;
  return auth_error::other;
}

[[nodiscard]] inline auth_error auth_error_of(const error& e) noexcept {
  if (e.http_status != 401 && e.http_status != 403) return auth_error::none;
  return auth_error_of_code(e.venue_code);
}

// ---- cancel-batch: de-duplication, chunks, merging ----------------------------------------------

// The ids in first-occurrence order without repeats (views into `ids`).
template <class S>
[[nodiscard]] std::vector<std::string_view> unique_ids(std::span<const S> ids) {
  std::vector<std::string_view> out;
  out.reserve(ids.size());
  if (ids.size() <= 2 * max_batch_ids) {
    for (const S& s : ids) {
      const std::string_view v(s);
      bool seen = false;
      for (std::string_view u : out)
        if (u == v) {
          seen = true;
          break;
        }
      if (!seen) out.push_back(v);
    }
    return out;
  }
  std::unordered_set<std::string_view> seen;
  seen.reserve(ids.size());
  for (const S& s : ids)
    if (seen.insert(std::string_view(s)).second) out.push_back(std::string_view(s));
  return out;
}

// One chunk of a long batch: positions [first, first + count) of the de-duplicated ids.
struct chunk {
  std::size_t index = 0;
  std::size_t first = 0;
  std::size_t count = 0;
  friend bool operator==(const chunk&, const chunk&) = default;
};

// Splits `n` ids into chunks of at most `size` (max_batch_ids), in order.
[[nodiscard]] inline std::vector<chunk> plan_chunks(std::size_t n, std::size_t size = max_batch_ids) {
  std::vector<chunk> out;
  if (size == 0) return out;
  out.reserve((n + size - 1) / size);
  for (std::size_t first = 0, i = 0; first < n; first += size, ++i)
    out.push_back({i, first, n - first < size ? n - first : size});
  return out;
}

// Appends one chunk's response to `into` (ids and reasons copied, in order).
template <class Str>
void merge_into(cancel_batch_response& into, const basic_cancel_batch_response<Str>& part) {
  for (const auto& id : part.cancelled) into.cancelled.emplace_back(std::string_view(id));
  for (const auto& e : part.not_cancelled)
    into.not_cancelled.push_back(
        {std::string(std::string_view(e.order_id)), e.reason, std::string(std::string_view(e.reason_text))});
}

// ---- validation ----------------------------------------------------------------------------------

namespace detail {

// The number of distinct ids, counting no further than `stop` (so a huge list costs O(n * stop)).
template <class S>
[[nodiscard]] std::size_t count_unique(const std::vector<S>& ids, std::size_t stop) noexcept {
  std::array<std::string_view, max_batch_ids + 1> seen{};
  std::size_t n = 0;
  for (const S& s : ids) {
    const std::string_view v(s);
    bool dup = false;
    for (std::size_t i = 0; i < n; ++i)
      if (seen[i] == v) {
        dup = true;
        break;
      }
    if (dup) continue;
    seen[n++] = v;
    if (n >= stop) return n;
  }
  return n;
}

[[nodiscard]] inline result<void> check_limit(const std::optional<std::int32_t>& limit, std::int32_t max,
                                              std::string_view where) {
  if (limit && (*limit < 1 || *limit > max))
    return fail(validation_error(errc::out_of_range, std::string(where) + ": limit must be within 1.." +
                                                         std::to_string(max) + " (got " + std::to_string(*limit) +
                                                         ")"));
  return {};
}

}  // namespace detail

[[nodiscard]] inline result<void> validate(const cancel_batch_request& r) {
  if (r.order_ids.empty())
    return fail(detail::validation_error(errc::too_few_items, "cancel-batch needs at least 1 order id"));
  for (const std::string& id : r.order_ids)
    if (id.empty()) return fail(detail::validation_error(errc::invalid_argument, "cancel-batch: an order id is empty"));
  if (detail::count_unique(r.order_ids, max_batch_ids + 1) > max_batch_ids)
    return fail(detail::validation_error(
        errc::too_many_items, "cancel-batch takes at most 100 distinct order ids (got " +
                                  std::to_string(unique_ids(std::span<const std::string>(r.order_ids)).size()) +
                                  "; client::cancel_batch_all sends any number in chunks)"));
  return {};
}

[[nodiscard]] inline result<void> validate(const cancel_request& r) {
  if (r.order_id.empty()) return fail(detail::validation_error(errc::invalid_argument, "cancel: orderId is empty"));
  return {};
}

[[nodiscard]] inline result<void> validate(const cancel_all_request& r) {
  if (r.market_id && r.market_id->empty())
    return fail(detail::validation_error(errc::invalid_argument, "cancel-all: marketId is empty"));
  if (r.side && *r.side == side::unknown)
    return fail(detail::validation_error(errc::invalid_argument, "cancel-all: side must be buy or sell"));
  if (r.outcome && r.outcome->value < 0)
    return fail(detail::validation_error(errc::invalid_argument, "cancel-all: outcome is an outcome index (>= 0)"));
  return {};
}

[[nodiscard]] inline result<void> validate(const open_orders_query& q) {
  if (q.side && *q.side == side::unknown)
    return fail(detail::validation_error(errc::invalid_argument, "open orders: side must be buy or sell"));
  if (q.outcome && q.outcome->value < 0)
    return fail(detail::validation_error(errc::invalid_argument, "open orders: outcome is an outcome index (>= 0)"));
  return detail::check_limit(q.limit, max_open_limit, "open orders");
}

[[nodiscard]] inline result<void> validate(const history_query& q) {
  for (order_status s : q.status)
    if (s == order_status::unknown)
      return fail(detail::validation_error(errc::invalid_argument, "history: status `unknown` is not a filter"));
  return detail::check_limit(q.limit, max_history_limit, "history");
}

// ---- encoding and decoding -------------------------------------------------------------------------

namespace detail {

// ADL looks in the innermost namespace only: the wire types here use the venue's rule too.
consteval naming betwire_naming(auto*) { return naming::camel_case; }

struct cancel_batch_wire_request {
  std::vector<std::string_view> order_ids;
};

using reason_map = json::object_map<std::string_view, std::string_view>;

struct cancel_batch_wire {
  std::vector<std::string_view> cancelled;
  reason_map not_cancelled;
};

struct cancel_wire {
  std::string_view order_id;
  std::string_view status;
  std::optional<decimal> unfilled_qty;
  std::optional<decimal> remaining_qty;
};

struct cancel_all_wire {
  json::raw cancelled;
  std::optional<reason_map> not_cancelled;
  std::optional<std::string_view> market_id;
};

template <class Str>
void assign_ids(std::vector<Str>& out, const std::vector<std::string_view>& in) {
  out.resize(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) out[i] = Str(in[i]);
}

template <class Str>
void assign_reasons(std::vector<basic_not_cancelled_entry<Str>>& out, const reason_map& in) {
  out.resize(in.size());
  std::size_t i = 0;
  for (const auto& [id, reason] : in) {
    out[i].order_id = Str(id);
    out[i].reason = cancel_reason_of(reason);
    out[i].reason_text = Str(reason);
    ++i;
  }
}

[[nodiscard]] inline error schema_error(errc code, std::string message, std::string path) {
  error e(error_category::decode, code, std::move(message));
  e.path = std::move(path);
  return e;
}

}  // namespace detail

// {"orderIds":[...]} with duplicates removed (first occurrence kept). A warm call allocates nothing
// for up to 100 ids.
template <class = void>  // instantiated only where called: tools/instantiation_check.py
[[nodiscard]] result<void> encode_cancel_batch(const cancel_batch_request& r, std::string& out) {
  thread_local detail::cancel_batch_wire_request wire;
  wire.order_ids.clear();
  for (const std::string& id : r.order_ids) {
    const std::string_view v(id);
    bool dup = false;
    for (std::string_view u : wire.order_ids)
      if (u == v) {
        dup = true;
        break;
      }
    if (!dup) wire.order_ids.push_back(v);
  }
  return json::encode(wire, out);
}

// The cancel-all body: nothing at all when no filter is set (the venue's "everything").
template <class = void>
[[nodiscard]] result<void> encode_cancel_all(const cancel_all_request& r, std::string& out) {
  out.clear();
  if (!r.market_id && !r.side && !r.outcome) return {};
  return json::encode(r, out);
}

template <json::read_options O = json::read_options{}, class Str>
[[nodiscard]] result<void> decode_cancel_batch(std::string& body, basic_cancel_batch_response<Str>& out) {
  thread_local detail::cancel_batch_wire wire;
  if (auto r = json::decode<O>(body, wire); !r) return r;
  detail::assign_ids(out.cancelled, wire.cancelled);
  detail::assign_reasons(out.not_cancelled, wire.not_cancelled);
  return {};
}

template <json::read_options O = json::read_options{}, class Str>
[[nodiscard]] result<void> decode_cancel(std::string& body, basic_cancel_response<Str>& out) {
  detail::cancel_wire wire;
  if (auto r = json::decode<O>(body, wire); !r) return r;
  out.order_id = Str(wire.order_id);
  out.status_text = Str(wire.status);
  if (wire.status == "cancelled" || wire.status == "CANCELLED")
    out.status = cancel_status::cancelled;
  else if (wire.status == "not_found" || wire.status == "NOT_FOUND")
    out.status = cancel_status::not_found;
  else
    out.status = cancel_status::unrecognized;
  out.legacy_form = wire.status == "CANCELLED";
  if (wire.unfilled_qty) {
    out.unfilled_qty = *wire.unfilled_qty;
  } else if (wire.remaining_qty) {
    out.unfilled_qty = *wire.remaining_qty;
    out.legacy_form = true;
  } else {
    // The single-cancel page's own not_found example has neither (wire-notes.md: both optional).
    out.unfilled_qty = decimal{};
  }
  return {};
}

template <json::read_options O = json::read_options{}, class Str>
[[nodiscard]] result<void> decode_cancel_all(std::string& body, basic_cancel_all_response<Str>& out) {
  thread_local detail::cancel_all_wire wire;
  thread_local std::vector<std::string_view> ids;
  if (auto r = json::decode<O>(body, wire); !r) return r;
  const char kind = http::detail::raw_kind(wire.cancelled);
  // The raw value's bytes are the document's own: decode them again where they stand.
  if (kind == '[') {
    if (auto r = json::decode_part<O>(body, wire.cancelled, ids); !r) {
      error e = std::move(r).error();
      e.path = "cancelled" + (e.path.empty() ? std::string() : (e.path.front() == '[' ? "" : ".") + e.path);
      return fail(std::move(e));
    }
    detail::assign_ids(out.cancelled, ids);
    out.cancelled_count = static_cast<std::int64_t>(ids.size());
    out.ids_known = true;
  } else if (kind == '-' || (kind >= '0' && kind <= '9')) {
    std::int64_t n = 0;
    if (auto r = json::decode_part<O>(body, wire.cancelled, n); !r) {
      error e = std::move(r).error();
      e.path = "cancelled";
      return fail(std::move(e));
    }
    if (n < 0) return fail(detail::schema_error(errc::invalid_value, "cancelled is negative", "cancelled"));
    out.cancelled.clear();
    out.cancelled_count = n;
    out.ids_known = false;
  } else {
    return fail(detail::schema_error(errc::type_mismatch, "cancelled is neither an array of ids nor a number",
                                     "cancelled"));
  }
  if (wire.not_cancelled)
    detail::assign_reasons(out.not_cancelled, *wire.not_cancelled);
  else
    out.not_cancelled.clear();
  if (wire.market_id)
    out.market_id = Str(*wire.market_id);
  else
    out.market_id.reset();
  return {};
}

namespace endpoints {

// Supplies the reader of PredictStreet's error body {code, message, details}.
struct predictstreet_endpoint {
  template <class = void>  // instantiated only where called: tools/instantiation_check.py
  static bool parse_error(std::string_view body, error& e) { return predictstreet::parse_error_body(body, e); }
};

// POST /api/orders/cancel-batch — 1..100 distinct ids, duplicates removed before sending.
// Idempotent (re-cancelling answers already_terminal): retried under the client's policy.
template <class Str = std::string>
struct cancel_batch : predictstreet_endpoint {
  static constexpr http::method method = http::method::post;
  static constexpr std::string_view path = "/api/orders/cancel-batch";
  using request_type = cancel_batch_request;
  using response_type = basic_cancel_batch_response<Str>;
  static constexpr http::idempotency idempotency = http::idempotency::idempotent;
  static result<void> validate(const cancel_batch_request& r) { return predictstreet::validate(r); }
  static result<void> encode_body(const cancel_batch_request& r, std::string& out) {
    return encode_cancel_batch(r, out);
  }
  template <json::read_options O = json::read_options{}>
  static result<void> decode(std::string& body, response_type& out) {
    return decode_cancel_batch<O>(body, out);
  }
};

// POST /api/orders/cancel — one id; both answer revisions read (see cancel_response).
template <class Str = std::string>
struct cancel : predictstreet_endpoint {
  static constexpr http::method method = http::method::post;
  static constexpr std::string_view path = "/api/orders/cancel";
  using request_type = cancel_request;
  using response_type = basic_cancel_response<Str>;
  static constexpr http::idempotency idempotency = http::idempotency::idempotent;
  static result<void> validate(const cancel_request& r) { return predictstreet::validate(r); }
  template <json::read_options O = json::read_options{}>
  static result<void> decode(std::string& body, response_type& out) {
    return decode_cancel<O>(body, out);
  }
};

// POST /api/orders/cancel-all — optional {marketId, side, outcome}; no filter sends an empty body.
template <class Str = std::string>
struct cancel_all : predictstreet_endpoint {
  static constexpr http::method method = http::method::post;
  static constexpr std::string_view path = "/api/orders/cancel-all";
  using request_type = cancel_all_request;
  using response_type = basic_cancel_all_response<Str>;
  static constexpr http::idempotency idempotency = http::idempotency::idempotent;
  static result<void> validate(const cancel_all_request& r) { return predictstreet::validate(r); }
  static result<void> encode_body(const cancel_all_request& r, std::string& out) {
    return encode_cancel_all(r, out);
  }
  template <json::read_options O = json::read_options{}>
  static result<void> decode(std::string& body, response_type& out) {
    return decode_cancel_all<O>(body, out);
  }
};

// GET /api/orders/open — cursor-paginated (nextCursor null on the last page).
template <class Str = std::string>
struct open_orders : predictstreet_endpoint {
  static constexpr http::method method = http::method::get;
  static constexpr std::string_view path = "/api/orders/open";
  using request_type = open_orders_query;
  using response_type = basic_orders_page<Str>;
  static result<void> validate(const open_orders_query& q) { return predictstreet::validate(q); }
};

// GET /api/orders/history.
template <class Str = std::string>
struct history : predictstreet_endpoint {
  static constexpr http::method method = http::method::get;
  static constexpr std::string_view path = "/api/orders/history";
  using request_type = history_query;
  using response_type = basic_orders_page<Str>;
  static result<void> validate(const history_query& q) { return predictstreet::validate(q); }
};

// GET /api/orders/{id} — 404 (unknown, or another wallet's) is errc::not_found.
template <class Str = std::string>
struct get_order : predictstreet_endpoint {
  static constexpr http::method method = http::method::get;
  static constexpr std::string_view path = "/api/orders/{id}";
  using request_type = order_key;
  using response_type = basic_order<Str>;
};

// GET /api/orders/{id}/fills.
template <class Str = std::string>
struct get_fills : predictstreet_endpoint {
  static constexpr http::method method = http::method::get;
  static constexpr std::string_view path = "/api/orders/{id}/fills";
  using request_type = order_key;
  using response_type = basic_fills<Str>;
};

}  // namespace endpoints

}  // namespace predictstreet
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_PREDICTSTREET_ENDPOINTS_HPP
