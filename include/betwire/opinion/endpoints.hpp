#ifndef BETWIRE_OPINION_ENDPOINTS_HPP
#define BETWIRE_OPINION_ENDPOINTS_HPP

// Opinion.trade endpoint descriptors (user calls, header `apikey`): pure descriptions that never
// touch a socket. opinion::client (client.hpp) drives them through http::client; any other I/O layer
// can use http::build_request<E> and opinion::read_opinion_response<E> directly.
//
//   opinion::endpoints::get_orders<>                   // result opinion::orders_page
//   opinion::endpoints::get_orders<std::string_view>   // result opinion::orders_page_view
//   opinion::endpoints::cancel_order<>                 // POST /order/cancel {"orderId": "..."} -> result.data
//   opinion::endpoints::get_order<>                    // GET /order/{orderId} -> result.orderData
//
// The envelope: every answer is {"errno": n, "errmsg": "...", "result": ...} or
// {"code": n, "msg": "...", "result": ...}, read by one rule (opinion::classify_envelope,
// errors.hpp): a non-zero status is an error of category venue even under HTTP 200, with
// venue_code = the number as text and venue_message = errmsg/msg; zero is success and `result` is
// decoded into the endpoint's response type (in place, no allocation once warm). Non-2xx answers
// carry the same envelope and are read by opinion::parse_error_body, by the same rule.

#include <betwire/core/config.hpp>
#include <betwire/core/error.hpp>
#include <betwire/core/result.hpp>
#include <betwire/http/endpoint.hpp>
#include <betwire/http/message.hpp>
#include <betwire/json/json.hpp>
#include <betwire/json/raw.hpp>
#include <betwire/opinion/errors.hpp>
#include <betwire/opinion/schema.hpp>

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

BETWIRE_BEGIN_NAMESPACE
namespace opinion {

// ---- limits the documents state ------------------------------------------------------------------
inline constexpr std::int32_t min_page_limit = 1;
inline constexpr std::int32_t max_page_limit = 20;
inline constexpr std::int32_t default_page_limit = 10;
inline constexpr std::int32_t bsc_chain_id = 56;  // chain_id the wire notes send

// GET /order: a user's orders, newest first. Keys are snake_case on the wire:
//   market_id (left out when 0), status (comma-joined, left out when empty), limit 1..20 (checked
//   before sending: errc::out_of_range), page from 1, chain_id (56).
struct orders_query {
  std::int64_t market_id = 0;  // 0: every market
  std::vector<order_status> status{};
  std::int32_t limit = default_page_limit;
  std::int32_t page = 1;
  std::int32_t chain_id = bsc_chain_id;
  static constexpr betwire::naming betwire_naming = betwire::naming::identity;
  static constexpr std::string_view betwire_omit_zero[] = {"market_id"};
};

// POST /order/cancel: {"orderId": "..."}.
struct cancel_order_request {
  std::string_view order_id;
};

// GET /order/{orderId}.
struct order_key {
  std::string_view order_id;
};

namespace detail {

// ADL looks in the innermost namespace only: the wire types here use Opinion's rule too.
consteval naming betwire_naming(auto*) { return naming::camel_case; }

[[nodiscard]] inline error validation_error(errc code, std::string message) {
  return error(error_category::validation, code, std::move(message));
}

}  // namespace detail

// Checks the envelope in `body` by opinion::classify_envelope (errors.hpp) and, on success, gives
// the span of `result` inside `body` (empty when `result` is missing or null). A non-zero status is
// an error of category venue (venue_code = the number's text, venue_message = errmsg/msg), also
// under HTTP 200; a body that is no envelope, or a status that is not an integer, is a decode
// error. `http_status` is recorded in every error (0 when unknown). O: the decode options (the
// envelope's keys are errno/errmsg/code/msg/result: with allow_unknown_keys false another key there
// is an error too; max_depth, duplicate keys and UTF-8 cover the whole body).
namespace detail {
// open_envelope's work, giving `result` as the raw the probe read (empty text when missing or
// null): its line and column let json::decode_part report positions exactly in the whole body.
template <json::read_options O>
[[nodiscard]] result<json::raw> open_envelope_raw(std::string& body, int http_status) {
  envelope_probe probe;
  if (auto r = json::decode<O>(body, probe); !r) {
    error e = std::move(r).error();
    e.http_status = http_status;
    return fail(std::move(e));
  }
  const envelope_status st = classify_envelope(probe);
  switch (st.state) {
    case envelope_state::not_envelope: {
      error e(error_category::decode, errc::missing_key,
              "not an Opinion envelope: neither \"errno\" nor \"code\" is present (or both are null)");
      e.http_status = http_status;
      return fail(std::move(e));
    }
    case envelope_state::bad_status: {
      error e(error_category::decode, errc::type_mismatch, "Opinion envelope: errno/code is not an integer");
      e.path = std::string(st.key);
      e.http_status = http_status;
      return fail(std::move(e));
    }
    case envelope_state::venue_error: {
      error e(error_category::venue, errno_errc(st.number), "");
      e.http_status = http_status;
      fill_venue_fields(st, e);
      e.message = "Opinion error envelope: " + std::string(st.key) + " " + e.venue_code;
      if (http_status != 0) e.message.append(" (HTTP ").append(std::to_string(http_status)).append(")");
      return fail(std::move(e));
    }
    case envelope_state::success: break;
  }
  if (!probe.result || probe.result->is_null()) return json::raw{};
  return *probe.result;
}
}  // namespace detail

template <json::read_options O = json::read_options{}>
[[nodiscard]] result<std::span<char>> open_envelope(std::string& body, int http_status = 0) {
  auto inner = detail::open_envelope_raw<O>(body, http_status);
  if (!inner) return fail(std::move(inner).error());
  const std::string_view text = inner->text;
  if (text.empty()) return std::span<char>{};
  const auto at = static_cast<std::size_t>(text.data() - body.data());
  return std::span<char>(body.data() + at, text.size());
}

namespace detail {
[[nodiscard]] inline error prefix_result_path(error e, std::string_view prefix, int http_status) {
  e.path = std::string(prefix) + (e.path.empty() ? std::string() : (e.path.front() == '[' ? "" : ".") + e.path);
  e.http_status = http_status;
  return e;
}
}  // namespace detail

// Reads the envelope in `body` (modified in place) and decodes its `result` into `out`: string
// views in `out` point into `body`. For the reads (a page: result.total/list; a detail:
// result.orderData) the result is what was asked for, so a missing or null `result` is a decode
// error with path `result`. O: the decode options, for the envelope and the result alike.
template <json::read_options O = json::read_options{}, class Result>
result<void> decode_envelope(std::string& body, Result& out, int http_status = 0) {
  auto inner = detail::open_envelope_raw<O>(body, http_status);
  if (!inner) return fail(std::move(inner).error());
  if (inner->text.empty()) {
    error e(error_category::decode, errc::missing_key, "Opinion envelope: errno 0 but no \"result\"");
    e.path = "result";
    e.http_status = http_status;
    return fail(std::move(e));
  }
  if (auto r = json::decode_part<O>(body, *inner, out); !r)  // positions in the whole body
    return fail(detail::prefix_result_path(std::move(r).error(), "result", http_status));
  return {};
}

namespace detail {
struct cancel_probe {
  std::optional<json::raw> data;
  static constexpr betwire::naming betwire_naming = betwire::naming::identity;
};
// The cancel's `result` may hold anything besides `data` (kept as raw): its probe reads `data`
// only, whatever allow_unknown_keys says; `data` itself is decoded under the caller's options.
template <json::read_options O>
consteval json::read_options probe_options() {
  json::read_options p = O;
  p.allow_unknown_keys = true;
  return p;
}
}  // namespace detail

// POST /order/cancel: errno 0 is success whatever `result` holds. When `result` is an object with
// a non-null `data`, that is read into out.data (orderId, status; a type mismatch there is a
// decode error at result.data...); otherwise out.data is empty and out.raw keeps `result` as sent.
// O: the decode options (see detail::probe_options for `result` itself).
template <json::read_options O = json::read_options{}, class Str>
result<void> decode_cancel_envelope(std::string& body, basic_cancel_result<Str>& out, int http_status = 0) {
  out.data.reset();
  out.raw.text = Str();
  auto inner = detail::open_envelope_raw<O>(body, http_status);
  if (!inner) return fail(std::move(inner).error());
  const std::string_view text = inner->text;
  if (text.empty()) return {};
  if (http::detail::raw_kind(*inner) == '{') {
    detail::cancel_probe probe;
    if (auto r = json::decode_part<detail::probe_options<O>()>(body, *inner, probe); !r)
      return fail(detail::prefix_result_path(std::move(r).error(), "result", http_status));
    if (probe.data && !probe.data->is_null()) {
      auto& value = out.data.emplace();
      if (auto r = json::decode_part<O>(body, *probe.data, value); !r) {
        out.data.reset();
        return fail(detail::prefix_result_path(std::move(r).error(), "result.data", http_status));
      }
      return {};
    }
  }
  out.raw.text = Str(text);
  return {};
}

// ---- validation ------------------------------------------------------------------------------------

[[nodiscard]] inline result<void> validate(const orders_query& q) {
  if (q.limit < min_page_limit || q.limit > max_page_limit)
    return fail(detail::validation_error(errc::out_of_range, "limit must be within 1..20 (got " +
                                                                 std::to_string(q.limit) + ")"));
  if (q.page < 1)
    return fail(detail::validation_error(errc::out_of_range,
                                         "page starts at 1 (got " + std::to_string(q.page) + ")"));
  if (q.market_id < 0)
    return fail(detail::validation_error(errc::out_of_range, "market_id must not be negative"));
  unsigned seen = 0;
  for (order_status s : q.status) {
    const auto v = static_cast<unsigned>(s);
    if (s == order_status::unknown || v > 5)
      return fail(detail::validation_error(errc::invalid_argument, "status: not one of 1..5"));
    if (seen & (1U << v))
      return fail(detail::validation_error(errc::invalid_argument,
                                           "status: " + std::to_string(v) + " is given twice"));
    seen |= 1U << v;
  }
  return {};
}

[[nodiscard]] inline result<void> validate_order_id(std::string_view id) {
  if (id.empty()) return fail(detail::validation_error(errc::invalid_argument, "orderId is empty"));
  return {};
}

// ---- cancel-all selection --------------------------------------------------------------------------

// Which open orders cancel-all takes: optionally one market, optionally one side.
struct cancel_all_filter {
  std::int64_t market_id = 0;            // 0: every market
  std::optional<order_side> side{};      // buy (REST 1) or sell (REST 2); empty: both
};

[[nodiscard]] inline result<void> validate(const cancel_all_filter& f) {
  if (f.market_id < 0)
    return fail(detail::validation_error(errc::out_of_range, "market_id must not be negative"));
  if (f.side && *f.side != order_side::buy && *f.side != order_side::sell)
    return fail(detail::validation_error(errc::invalid_argument, "side must be buy or sell"));
  return {};
}

// True when cancel-all should cancel `o`: pending, in the market (if one is given) and on the side
// (if one is given). Sides are compared as REST records spell them (1 buy, 2 sell) — the Python
// SDK compares them with on-chain sides (0 buy, 1 sell) and so cancels the wrong ones.
template <class Str>
[[nodiscard]] bool selected_for_cancel(const basic_order<Str>& o, const cancel_all_filter& f) noexcept {
  if (o.status != order_status::pending) return false;
  if (f.market_id != 0 && o.market_id != f.market_id) return false;
  if (f.side && o.side != *f.side) return false;
  return true;
}

namespace endpoints {

// Supplies the reader of Opinion's error bodies on non-2xx answers (the same rule as the envelope
// decoder: opinion::classify_envelope).
struct opinion_endpoint {
  template <class = void>  // instantiated only where called: tools/instantiation_check.py
  static bool parse_error(std::string_view body, error& e) { return opinion::parse_error_body(body, e); }
};

// GET /order?market_id=&status=&limit=&page=&chain_id=56
template <class Str = std::string>
struct get_orders : opinion_endpoint {
  static constexpr http::method method = http::method::get;
  static constexpr std::string_view path = "/order";
  using request_type = orders_query;
  using response_type = basic_orders_page<Str>;
  static result<void> validate(const orders_query& q) { return opinion::validate(q); }
  template <json::read_options O = json::read_options{}>
  static result<void> decode(std::string& body, response_type& out) {
    return decode_envelope<O>(body, out);
  }
};

// GET /order/{orderId} -> result.orderData
template <class Str = std::string>
struct get_order : opinion_endpoint {
  static constexpr http::method method = http::method::get;
  static constexpr std::string_view path = "/order/{orderId}";
  using request_type = order_key;
  using response_type = basic_order_detail<Str>;
  static result<void> validate(const order_key& k) { return validate_order_id(k.order_id); }
  template <json::read_options O = json::read_options{}>
  static result<void> decode(std::string& body, response_type& out) {
    return decode_envelope<O>(body, out);
  }
};

// POST /order/cancel {"orderId": "..."} -> result.data {orderId, status}. errno 0 is the success
// (decode_cancel_envelope). Safe to re-send (a second cancel of a canceled order is an error
// envelope, never a second effect): idempotent.
template <class Str = std::string>
struct cancel_order : opinion_endpoint {
  static constexpr http::method method = http::method::post;
  static constexpr std::string_view path = "/order/cancel";
  using request_type = cancel_order_request;
  using response_type = basic_cancel_result<Str>;
  static constexpr http::idempotency idempotency = http::idempotency::idempotent;
  static result<void> validate(const cancel_order_request& r) { return validate_order_id(r.order_id); }
  template <json::read_options O = json::read_options{}>
  static result<void> decode(std::string& body, response_type& out) {
    return decode_cancel_envelope<O>(body, out);
  }
};

}  // namespace endpoints

// http::read_response under the name the Opinion docs give it (envelope errors carry the HTTP
// status there: an errno under HTTP 200 says 200).
template <http::endpoint E, json::read_options O = json::read_options{}>
result<void> read_opinion_response(http::response& resp, http::response_t<E>& out) {
  return http::read_response<E, O>(resp, out);
}

}  // namespace opinion
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_OPINION_ENDPOINTS_HPP
