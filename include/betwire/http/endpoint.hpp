#ifndef BETWIRE_HTTP_ENDPOINT_HPP
#define BETWIRE_HTTP_ENDPOINT_HPP

// Endpoint descriptors and the sans-I/O halves of a call: building a request from typed input, and
// turning a response into a typed result. Neither touches a socket; http::client (client.hpp)
// composes them with a transport, and any other I/O layer can do the same.
//
// An endpoint is a type with static members:
//
//   struct get_bet : abp_endpoint {                       // abp_endpoint supplies parse_error
//     static constexpr http::method method = http::method::get;
//     static constexpr std::string_view path = "/bets/{betId}";
//     using request_type = bet_key;                       // struct { std::int64_t bet_id; }
//     using response_type = bet;
//   };
//
// Required: `method`, `path` (a template: "{name}" is replaced by the request field — or path_type
// field — whose wire name is `name`), `request_type`, `response_type` (http::none for nothing).
// Optional:
//   using path_type = P;   path parameters in their own struct; the call then takes (P, request)
//   static constexpr http::send_as send = ...;   query (default for GET and DELETE), json (default
//                          otherwise) or nothing. With query, the request's fields that are not path
//                          parameters become the query string; with json, the request is the body.
//   static constexpr http::idempotency idempotency = ...;   default: safe for GET, never otherwise
//   static std::string_view idempotency_key(const request_type&);   for idempotency::keyed
//   static result<void> validate(const request_type&);  client-side checks, before anything is sent
//   static bool parse_error(std::string_view body, error& out);     the venue's error body reader
//                          (abp/errors.hpp, ...); without one, non-2xx answers are http errors
//   static result<void> encode_body(const request_type&, std::string& out);   a custom body
//   template <json::read_options O = json::read_options{}>
//   static result<void> decode(std::string& body, response_type& out);        a custom decode (an
//                          envelope: Opinion's errno under HTTP 200). It takes the caller's decode
//                          options (read_response<E, O>) and must read the body under them; a
//                          non-template decode is accepted with the default options only (any
//                          other options are a compile error, never silently ignored)
//   static constexpr bool sensitive_body = true;   the body carries credentials: describe_last_request
//                          shows it as "***"
//
// Errors (see classify): 2xx is success and the body is decoded. Otherwise 401 unauthorized,
// 403 forbidden, 404 not_found, 409 conflict, 429 rate_limited, 5xx server_error, anything else
// http_status (venue_error when the venue's body explains it). When the endpoint's parse_error
// recognises the body the error has category venue and the venue's code and message; otherwise
// category http and a short, printable excerpt of the body in `message`.

#include <betwire/core/config.hpp>
#include <betwire/core/error.hpp>
#include <betwire/core/result.hpp>
#include <betwire/http/encode.hpp>
#include <betwire/http/message.hpp>
#include <betwire/http/secret.hpp>
#include <betwire/http/error_body.hpp>
#include <betwire/json/json.hpp>

#include <chrono>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

BETWIRE_BEGIN_NAMESPACE
namespace http {

// "Nothing": a request without input or a response without a body to decode.
struct none {
  friend constexpr bool operator==(none, none) noexcept { return true; }
};

enum class send_as : std::uint8_t { nothing, query, json };

template <class E>
concept endpoint = requires {
  { E::method } -> std::convertible_to<http::method>;
  { E::path } -> std::convertible_to<std::string_view>;
  typename E::request_type;
  typename E::response_type;
};

template <class E>
using request_t = typename E::request_type;
template <class E>
using response_t = typename E::response_type;

namespace detail {

template <class E>
concept has_path_type = requires { typename E::path_type; };
template <class E>
concept has_send = requires {
  { E::send } -> std::convertible_to<send_as>;
};
template <class E>
concept has_idempotency = requires {
  { E::idempotency } -> std::convertible_to<http::idempotency>;
};
template <class E>
concept has_idempotency_key = requires(const request_t<E>& r) {
  { E::idempotency_key(r) } -> std::convertible_to<std::string_view>;
};
template <class E>
concept has_validate = requires(const request_t<E>& r) {
  { E::validate(r) } -> std::same_as<result<void>>;
};
template <class E>
concept has_parse_error = requires(std::string_view body, error& e) {
  { E::parse_error(body, e) } -> std::convertible_to<bool>;
};
template <class E>
concept has_encode_body = requires(const request_t<E>& r, std::string& out) {
  { E::encode_body(r, out) } -> std::same_as<result<void>>;
};
template <class E>
concept has_sensitive_body = requires {
  { E::sensitive_body } -> std::convertible_to<bool>;
} && E::sensitive_body;
template <class E>
concept has_decode = requires(std::string& body, response_t<E>& out) {
  { E::decode(body, out) } -> std::same_as<result<void>>;
};
template <class E, json::read_options O>
concept has_decode_with = requires(std::string& body, response_t<E>& out) {
  { E::template decode<O>(body, out) } -> std::same_as<result<void>>;
};

}  // namespace detail

template <endpoint E>
[[nodiscard]] consteval send_as send_of() {
  if constexpr (detail::has_send<E>)
    return E::send;
  else if constexpr (std::is_same_v<request_t<E>, none>)
    return send_as::nothing;
  else if constexpr (E::method == method::get || E::method == method::delete_)
    return send_as::query;
  else
    return send_as::json;
}

template <endpoint E>
[[nodiscard]] consteval http::idempotency idempotency_of() {
  if constexpr (detail::has_idempotency<E>)
    return E::idempotency;
  else if constexpr (E::method == method::get)
    return http::idempotency::safe;
  else
    return http::idempotency::never;
}

// Where path parameters come from: path_type when the endpoint has one, else the request.
template <endpoint E>
struct path_source {
  using type = request_t<E>;
};
template <endpoint E>
  requires detail::has_path_type<E>
struct path_source<E> {
  using type = typename E::path_type;
};
template <endpoint E>
using path_source_t = typename path_source<E>::type;

// Compile-time checks of a descriptor.
template <endpoint E>
[[nodiscard]] consteval bool check_endpoint() {
  constexpr std::string_view p = E::path;
  static_assert(!p.empty() && p.front() == '/', "betwire: an endpoint path must start with '/'");
  if constexpr (detail::has_path_type<E>) {
    static_assert(path_params_match<typename E::path_type>(E::path),
                  "betwire: a {name} of the path template is not a field of path_type");
  } else if constexpr (!path_is_static(E::path)) {
    static_assert(send_of<E>() == send_as::query,
                  "betwire: path parameters of a json-body endpoint need a separate path_type");
    static_assert(path_params_match<request_t<E>>(E::path),
                  "betwire: a {name} of the path template is not a field of request_type");
  }
  static_assert(idempotency_of<E>() != http::idempotency::keyed || detail::has_idempotency_key<E>,
                "betwire: a keyed endpoint needs static idempotency_key(const request_type&)");
  return true;
}

// ---- building requests ------------------------------------------------------------------------

// The buffers a request's bytes live in; reused from call to call.
struct request_buffers {
  std::string target;
  std::string body;
};

namespace detail {

template <endpoint E, class P>
result<void> build(const P* path_params, const request_t<E>& req, request_buffers& bufs,
                   request& out) {
  static_assert(check_endpoint<E>());
  if constexpr (has_validate<E>) {
    if (auto v = E::validate(req); !v) return v;
  }
  bufs.target.clear();
  bufs.body.clear();
  // Path.
  if constexpr (path_is_static(E::path)) {
    bufs.target.append(E::path);
  } else if constexpr (has_path_type<E>) {
    if (auto r = fill_path(E::path, *path_params, bufs.target); !r) return r;
  } else {
    if (auto r = fill_path(E::path, req, bufs.target); !r) return r;
  }
  // Query or body.
  constexpr send_as how = send_of<E>();
  if constexpr (how == send_as::query) {
    const std::string_view tmpl = has_path_type<E> ? std::string_view() : std::string_view(E::path);
    if (auto r = encode_query(req, bufs.target, tmpl); !r) return r;
  } else if constexpr (how == send_as::json) {
    if constexpr (has_encode_body<E>) {
      if (auto r = E::encode_body(req, bufs.body); !r) return r;
    } else {
      if (auto r = json::encode(req, bufs.body); !r) return r;
    }
  }
  out.method = E::method;
  out.target = bufs.target;
  out.body = bufs.body;
  out.idempotency = idempotency_of<E>();
  out.idempotency_key = {};
  if constexpr (idempotency_of<E>() == http::idempotency::keyed) out.idempotency_key = E::idempotency_key(req);
  return {};
}

}  // namespace detail

// Validates `req` and fills `out` (method, target, body, idempotency) with views into `bufs`.
// Headers are left as they are: the caller adds authentication and content headers.
template <endpoint E>
  requires(!detail::has_path_type<E>)
result<void> build_request(const request_t<E>& req, request_buffers& bufs, request& out) {
  return detail::build<E, request_t<E>>(nullptr, req, bufs, out);
}

template <endpoint E>
  requires detail::has_path_type<E>
result<void> build_request(const typename E::path_type& path_params, const request_t<E>& req,
                           request_buffers& bufs, request& out) {
  return detail::build<E, typename E::path_type>(&path_params, req, bufs, out);
}

// ---- reading responses -----------------------------------------------------------------------

[[nodiscard]] constexpr errc status_errc(int status) noexcept {
  switch (status) {
    case 401: return errc::unauthorized;
    case 403: return errc::forbidden;
    case 404: return errc::not_found;
    case 409: return errc::conflict;
    case 429: return errc::rate_limited;
    default: return status >= 500 && status <= 599 ? errc::server_error : errc::http_status;
  }
}

[[nodiscard]] constexpr std::string_view reason_phrase(int status) noexcept {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Content Too Large";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return {};
  }
}

// How many body bytes an error message quotes.
inline constexpr std::size_t excerpt_bytes = 120;

// The error for a non-2xx response. `parser` may be null (no venue body known).
[[nodiscard]] inline error classify(const response& resp, error_parser parser) {
  const int status = resp.status;
  const errc mapped = status_errc(status);
  error e;
  e.http_status = status;
  if (parser != nullptr && !resp.body.empty() && parser(resp.body, e)) {
    e.category = error_category::venue;
    e.code = mapped == errc::http_status ? errc::venue_error : mapped;
    e.message = "HTTP " + std::to_string(status);
    if (const auto phrase = reason_phrase(status); !phrase.empty()) e.message.append(" ").append(phrase);
    return e;
  }
  e.category = error_category::http;
  e.code = mapped;
  std::string msg = "HTTP " + std::to_string(status);
  if (const auto phrase = reason_phrase(status); !phrase.empty()) msg.append(" ").append(phrase);
  if (resp.body.empty()) {
    msg.append(", empty body");
  } else {
    msg.append(", ");
    if (!resp.content_type().empty()) {
      detail::append_printable(msg, resp.content_type(), 64);
      msg.append(" ");
    }
    msg.append("body (").append(std::to_string(resp.body.size())).append(" bytes): ");
    detail::append_printable(msg, resp.body, excerpt_bytes);
  }
  e.message = std::move(msg);
  return e;
}

// Classifies `resp` and, on 2xx, decodes its body into `out` (in place: string views in `out` point
// into resp.body) under the decode options O (json::read_options: depth, unknown, missing and
// duplicate keys, UTF-8), also through an endpoint's own decode. A response_type of http::none
// decodes nothing. Every error carries the HTTP status, also one an endpoint's own decode reports
// under a 2xx (Opinion's errno envelopes). Error bodies are read by the endpoint's parse_error,
// whatever O says: options are about the answers you asked for.
template <endpoint E, json::read_options O = json::read_options{}>
result<void> read_response(response& resp, response_t<E>& out) {
  if (!is_success(resp.status)) {
    if constexpr (detail::has_parse_error<E>)
      return fail(classify(resp, [](std::string_view b, error& e) -> bool { return E::parse_error(b, e); }));
    else
      return fail(classify(resp, nullptr));
  }
  if constexpr (std::is_same_v<response_t<E>, none> && !detail::has_decode<E>) {
    return {};
  } else {
    result<void> r;
    if constexpr (detail::has_decode_with<E, O>) {
      r = E::template decode<O>(resp.body, out);
    } else if constexpr (detail::has_decode<E>) {
      static_assert(O == json::read_options{},
                    "betwire: this endpoint's decode takes no json::read_options; declare it as "
                    "template <json::read_options O> static result<void> decode(std::string&, response_type&)");
      r = E::decode(resp.body, out);
    } else {
      r = json::decode<O>(resp.body, out);
    }
    if (!r && r.error().http_status == 0) r.error().http_status = resp.status;
    return r;
  }
}

// ---- reply: a result plus what the response said about limits ------------------------------------

struct reply_info {
  int status = 0;                                   // 0 when no response was received
  http::rate_limit_info rate_limit{};               // X-RateLimit-* of the last response
  std::optional<std::chrono::seconds> retry_after{};  // Retry-After of the last response
  std::uint32_t attempts = 0;                       // sends made (retries + 1)
  std::chrono::nanoseconds elapsed{0};              // first send to last response, waits included
  std::chrono::milliseconds slept{0};               // waited between sends (the retry policy)
};

// What a client call returns: a betwire::result<T> (it IS one, by inheritance) with the status,
// rate-limit headers and Retry-After of the response, on success and on failure alike.
template <class T>
class reply : public result<T> {
 public:
  using result_type = result<T>;

  reply(result_type r, reply_info info) : result_type(std::move(r)), info_(std::move(info)) {}

  [[nodiscard]] int status() const noexcept { return info_.status; }
  [[nodiscard]] const http::rate_limit_info& rate_limit() const noexcept { return info_.rate_limit; }
  [[nodiscard]] std::optional<std::chrono::seconds> retry_after() const noexcept {
    return info_.retry_after;
  }
  [[nodiscard]] std::uint32_t attempts() const noexcept { return info_.attempts; }
  [[nodiscard]] std::chrono::nanoseconds elapsed() const noexcept { return info_.elapsed; }
  [[nodiscard]] std::chrono::milliseconds slept() const noexcept { return info_.slept; }
  [[nodiscard]] const reply_info& info() const noexcept { return info_; }
  [[nodiscard]] const result_type& as_result() const& noexcept { return *this; }
  [[nodiscard]] result_type&& as_result() && noexcept { return std::move(*this); }

 private:
  reply_info info_;
};

}  // namespace http
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_HTTP_ENDPOINT_HPP
