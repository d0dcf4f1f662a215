#ifndef BETWIRE_CORE_ERROR_HPP
#define BETWIRE_CORE_ERROR_HPP

// betwire::error: what every failed call carries. Built only on failure: the success path never
// touches it, so it may own strings.

#include <betwire/core/config.hpp>

#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>

BETWIRE_BEGIN_NAMESPACE

// Where a failure came from; decides what a caller can do about it.
enum class error_category : std::uint8_t {
  none,        // no error (a default-constructed error)
  transport,   // the request did not complete: connect, TLS, timeout, reset, truncated body
  http,        // an HTTP status the library cannot attribute to the venue (a proxy's HTML page)
  venue,       // the venue answered with its own error (its code and message are kept)
  decode,      // the body is not the JSON the schema describes
  validation,  // rejected client-side, before anything was sent
};

// The specific failure. Grouped by the category that usually carries it.
enum class errc : std::uint16_t {
  none = 0,

  // transport
  connect_failed = 100,
  timeout,
  connection_reset,
  tls_failed,
  truncated_body,
  body_too_large,
  transport_failed,  // anything else the transport reports

  // http / venue
  http_status = 200,  // a non-success status without a recognisable venue error body
  venue_error,        // the venue's error body, kept in venue_code / venue_message
  unauthorized,       // 401
  forbidden,          // 403
  not_found,          // 404
  conflict,           // 409
  rate_limited,       // 429
  server_error,       // 5xx

  // decode (JSON syntax)
  unexpected_end = 300,
  unexpected_character,
  invalid_number,
  leading_zero,
  invalid_string,  // a raw control character inside a string
  invalid_escape,
  invalid_utf8,
  lone_surrogate,
  trailing_comma,
  trailing_garbage,
  depth_exceeded,
  // decode (schema)
  type_mismatch = 350,
  number_out_of_range,
  unknown_enum_value,
  missing_key,
  duplicate_key,
  unknown_key,
  wrong_array_size,
  invalid_decimal,
  invalid_timestamp,
  invalid_value,

  // validation (client-side, before sending)
  invalid_argument = 400,
  missing_filter,
  too_many_items,
  too_few_items,
  out_of_range,
  invalid_api_key,
  invalid_wallet,
  header_injection,
  insecure_url,
  connection_limit,  // more connections than the venue allows (ABP /ws: 5 per key)
};

[[nodiscard]] constexpr std::string_view to_string(error_category c) noexcept {
  switch (c) {
    case error_category::none: return "none";
    case error_category::transport: return "transport";
    case error_category::http: return "http";
    case error_category::venue: return "venue";
    case error_category::decode: return "decode";
    case error_category::validation: return "validation";
  }
  return "?";
}

[[nodiscard]] constexpr std::string_view to_string(errc c) noexcept {
  switch (c) {
    case errc::none: return "none";
    case errc::connect_failed: return "connect_failed";
    case errc::timeout: return "timeout";
    case errc::connection_reset: return "connection_reset";
    case errc::tls_failed: return "tls_failed";
    case errc::truncated_body: return "truncated_body";
    case errc::body_too_large: return "body_too_large";
    case errc::transport_failed: return "transport_failed";
    case errc::http_status: return "http_status";
    case errc::venue_error: return "venue_error";
    case errc::unauthorized: return "unauthorized";
    case errc::forbidden: return "forbidden";
    case errc::not_found: return "not_found";
    case errc::conflict: return "conflict";
    case errc::rate_limited: return "rate_limited";
    case errc::server_error: return "server_error";
    case errc::unexpected_end: return "unexpected_end";
    case errc::unexpected_character: return "unexpected_character";
    case errc::invalid_number: return "invalid_number";
    case errc::leading_zero: return "leading_zero";
    case errc::invalid_string: return "invalid_string";
    case errc::invalid_escape: return "invalid_escape";
    case errc::invalid_utf8: return "invalid_utf8";
    case errc::lone_surrogate: return "lone_surrogate";
    case errc::trailing_comma: return "trailing_comma";
    case errc::trailing_garbage: return "trailing_garbage";
    case errc::depth_exceeded: return "depth_exceeded";
    case errc::type_mismatch: return "type_mismatch";
    case errc::number_out_of_range: return "number_out_of_range";
    case errc::unknown_enum_value: return "unknown_enum_value";
    case errc::missing_key: return "missing_key";
    case errc::duplicate_key: return "duplicate_key";
    case errc::unknown_key: return "unknown_key";
    case errc::wrong_array_size: return "wrong_array_size";
    case errc::invalid_decimal: return "invalid_decimal";
    case errc::invalid_timestamp: return "invalid_timestamp";
    case errc::invalid_value: return "invalid_value";
    case errc::invalid_argument: return "invalid_argument";
    case errc::missing_filter: return "missing_filter";
    case errc::too_many_items: return "too_many_items";
    case errc::too_few_items: return "too_few_items";
    case errc::out_of_range: return "out_of_range";
    case errc::invalid_api_key: return "invalid_api_key";
    case errc::invalid_wallet: return "invalid_wallet";
    case errc::header_injection: return "header_injection";
    case errc::insecure_url: return "insecure_url";
    case errc::connection_limit: return "connection_limit";
  }
  return "?";
}

// The category a code belongs to when nothing more specific is known.
[[nodiscard]] constexpr error_category default_category(errc c) noexcept {
  const auto v = static_cast<std::uint16_t>(c);
  if (v == 0) return error_category::none;
  if (v < 200) return error_category::transport;
  if (v == static_cast<std::uint16_t>(errc::http_status)) return error_category::http;
  if (v < 300) return error_category::venue;
  if (v < 400) return error_category::decode;
  return error_category::validation;
}

struct error {
  error_category category = error_category::none;
  errc code = errc::none;
  int http_status = 0;       // 0 when no response was received
  std::string message;       // ours, for people; never holds a secret
  std::string venue_code;    // the venue's own code as text ("api_key_bad_format", "10403")
  std::string venue_message; // the venue's own message, as it sent it
  // Decode errors: where in the document, and the text around it.
  std::size_t offset = 0;    // byte offset of the offending character
  std::uint32_t line = 0;    // 1-based; 0 when not a decode error
  std::uint32_t column = 0;  // 1-based, in bytes
  std::string path;          // JSON path: orders[17].bets[0].placedPrice
  std::string excerpt;       // the document text around the offset, one line, printable
  std::uint32_t caret = 0;   // position of the caret under `excerpt`

  error() = default;
  error(errc c, std::string msg)
      : category(default_category(c)), code(c), message(std::move(msg)) {}
  error(error_category cat, errc c, std::string msg)
      : category(cat), code(c), message(std::move(msg)) {}

  [[nodiscard]] bool is(errc c) const noexcept { return code == c; }

  // One readable paragraph: category, code, status, venue code/message, position, path, and the
  // excerpt with a caret under the offending byte.
  [[nodiscard]] std::string describe() const {
    std::string out;
    out.reserve(96 + message.size() + venue_message.size() + path.size() + 2 * excerpt.size());
    out.append(to_string(category)).append(" error (").append(to_string(code)).append(")");
    if (http_status != 0) out.append(", HTTP ").append(std::to_string(http_status));
    if (line != 0) {
      out.append(" at line ").append(std::to_string(line));
      out.append(", column ").append(std::to_string(column));
      out.append(" (byte ").append(std::to_string(offset)).append(")");
    }
    if (!path.empty()) out.append(", at ").append(path);
    if (!message.empty()) out.append(": ").append(message);
    if (!venue_code.empty() || !venue_message.empty()) {
      out.append(" [venue");
      if (!venue_code.empty()) out.append(" code ").append(venue_code);
      if (!venue_message.empty()) out.append(": ").append(venue_message);
      out.append("]");
    }
    if (!excerpt.empty()) {
      out.append("\n    ").append(excerpt).append("\n    ");
      out.append(caret, ' ').append("^");
    }
    return out;
  }
};

[[nodiscard]] inline std::string to_string(const error& e) { return e.describe(); }

// Streams describe(). A template so that this header needs only <iosfwd>.
template <class CharT, class Traits>
std::basic_ostream<CharT, Traits>& operator<<(std::basic_ostream<CharT, Traits>& os,
                                              const error& e) {
  const std::string text = e.describe();
  return os << std::basic_string_view<CharT, Traits>(text.data(), text.size());
}

BETWIRE_END_NAMESPACE

#endif  // BETWIRE_CORE_ERROR_HPP
