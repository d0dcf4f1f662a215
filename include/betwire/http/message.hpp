#ifndef BETWIRE_HTTP_MESSAGE_HPP
#define BETWIRE_HTTP_MESSAGE_HPP

// betwire::http::request and betwire::http::response: what a transport is given and what it fills.
//
// A request is a set of views: method, target (path + encoded query, relative to the transport's
// base URL), a handful of headers held inline (no map, no allocation) and a body. Whoever builds it
// keeps the viewed bytes alive until the transport returns.
//
// A response is owned by the caller and reused from call to call: `clear()` forgets the previous
// answer but keeps the body's capacity, so a warm response never allocates. Of the response headers
// only the ones the library needs are kept: Content-Type, Retry-After and X-RateLimit-*. A
// transport hands every header it receives to `response::set_header` (or `set_header_line`), which
// picks those out.

#include <betwire/core/config.hpp>
#include <betwire/core/error.hpp>
#include <betwire/core/result.hpp>
#include <betwire/core/timestamp.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

BETWIRE_BEGIN_NAMESPACE
namespace http {

enum class method : std::uint8_t { get, post, put, patch, delete_ };

[[nodiscard]] constexpr std::string_view to_string(method m) noexcept {
  switch (m) {
    case method::get: return "GET";
    case method::post: return "POST";
    case method::put: return "PUT";
    case method::patch: return "PATCH";
    case method::delete_: return "DELETE";
  }
  return "GET";
}

// What the retry policy may do with a request (see retry.hpp). Transports ignore it.
enum class idempotency : std::uint8_t {
  never,       // a mutation: never re-sent (the default for anything but GET)
  safe,        // a read: re-sending has no effect on the venue
  idempotent,  // a mutation the venue documents as idempotent (cancels)
  keyed,       // a mutation made idempotent by a key in the body (ABP's requestUuid): re-sent
               // only when the client enables retry_placements, byte-identical, same key
};

// ---- small ASCII helpers ----------------------------------------------------------------------

[[nodiscard]] constexpr char ascii_lower(char c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// Header names compare case-insensitively (RFC 9110 §5.1).
[[nodiscard]] constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

[[nodiscard]] constexpr std::string_view trim_ows(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

// RFC 9110 token characters: what a header name may contain.
[[nodiscard]] constexpr bool is_tchar(char c) noexcept {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-':
    case '.': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

// Headers whose values are credentials. Formatters print them as "***"; error texts never hold them.
[[nodiscard]] constexpr bool is_sensitive_header(std::string_view name) noexcept {
  return iequals(name, "x-api-key") || iequals(name, "apikey") || iequals(name, "builder-apikey") ||
         iequals(name, "authorization") || iequals(name, "proxy-authorization") ||
         iequals(name, "x-abp-api-key") || iequals(name, "cookie");
}

// Checks one header before it is sent: the name must be a token, the value must not contain CR,
// LF or NUL (which would let user input inject headers or split the request). The error names the
// header, never its value.
[[nodiscard]] inline result<void> validate_header(std::string_view name, std::string_view value) {
  bool name_ok = !name.empty();
  for (char c : name) name_ok = name_ok && is_tchar(c);
  if (!name_ok) {
    std::string msg = "invalid header name (";
    msg.append(std::to_string(name.size())).append(" bytes, not an RFC 9110 token)");
    return fail(error(error_category::validation, errc::header_injection, std::move(msg)));
  }
  for (char c : value) {
    if (c == '\r' || c == '\n' || c == '\0') {
      std::string msg = "header '";
      msg.append(name).append("': value contains ");
      msg.append(c == '\r' ? "a CR" : c == '\n' ? "an LF" : "a NUL");
      msg.append(" character; refused before sending");
      return fail(error(error_category::validation, errc::header_injection, std::move(msg)));
    }
  }
  return {};
}

// ---- request ------------------------------------------------------------------------------------

struct header {
  std::string_view name;
  std::string_view value;
};

class request {
 public:
  static constexpr std::size_t max_headers = 12;

  http::method method = http::method::get;
  // Path plus encoded query ("/orders?userRef=bettor1234"), relative to the transport's base URL:
  // the transport appends it to the base URL's path. Always starts with '/'.
  std::string_view target;
  std::string_view body;
  // For the retry policy; transports ignore both.
  http::idempotency idempotency = http::idempotency::never;
  std::string_view idempotency_key;
  // When the answer must have arrived, on the steady clock; the default (the clock's epoch) means
  // none. Transports that support it (the libcurl ones) shorten their timeout to it and fail with
  // errc::timeout, without sending, once it has passed; the retry policy starts no wait past it.
  std::chrono::steady_clock::time_point deadline{};

  [[nodiscard]] bool has_deadline() const noexcept { return deadline != std::chrono::steady_clock::time_point{}; }

  request() = default;
  request(http::method m, std::string_view t, std::string_view b = {}) noexcept
      : method(m), target(t), body(b) {}

  // Adds a header after validating it (see validate_header). At most max_headers.
  result<void> add_header(std::string_view name, std::string_view value) {
    if (auto v = validate_header(name, value); !v) return v;
    if (count_ == max_headers)
      return fail(error(error_category::validation, errc::too_many_items,
                        "too many request headers (at most " + std::to_string(max_headers) + ")"));
    headers_[count_++] = header{name, value};
    return {};
  }

  void clear_headers() noexcept { count_ = 0; }

  [[nodiscard]] std::span<const header> headers() const noexcept {
    return std::span<const header>(headers_.data(), count_);
  }

  // The first header with this name (case-insensitive), or nullopt.
  [[nodiscard]] std::optional<std::string_view> find_header(std::string_view name) const noexcept {
    for (std::size_t i = 0; i < count_; ++i)
      if (iequals(headers_[i].name, name)) return headers_[i].value;
    return std::nullopt;
  }

 private:
  std::array<header, max_headers> headers_{};
  std::size_t count_ = 0;
};

// ---- response -----------------------------------------------------------------------------------

// X-RateLimit-Limit / -Remaining / -Reset, as the venue sent them. `reset` is what the header holds
// (PredictStreet: epoch seconds). Absent headers stay nullopt.
struct rate_limit_info {
  std::optional<std::int64_t> limit;
  std::optional<std::int64_t> remaining;
  std::optional<std::int64_t> reset;

  [[nodiscard]] bool known() const noexcept {
    return limit.has_value() || remaining.has_value() || reset.has_value();
  }
  friend bool operator==(const rate_limit_info&, const rate_limit_info&) = default;
};

namespace detail {

[[nodiscard]] constexpr std::optional<std::int64_t> parse_int(std::string_view s) noexcept {
  s = trim_ows(s);
  if (s.empty()) return std::nullopt;
  bool neg = false;
  if (s.front() == '-') {
    neg = true;
    s.remove_prefix(1);
    if (s.empty()) return std::nullopt;
  }
  std::int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    if (v > (INT64_MAX - (c - '0')) / 10) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return neg ? -v : v;
}

[[nodiscard]] constexpr int month_index(std::string_view m) noexcept {
  constexpr std::string_view names[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                        "jul", "aug", "sep", "oct", "nov", "dec"};
  for (int i = 0; i < 12; ++i)
    if (iequals(m, names[i])) return i + 1;
  return 0;
}

// Exactly `n` ASCII digits, or -1.
[[nodiscard]] constexpr int fixed_digits(std::string_view s) noexcept {
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return s.empty() ? -1 : v;
}

[[nodiscard]] constexpr int weekday_index(std::string_view d) noexcept {  // 0 = Sunday
  constexpr std::string_view names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};
  for (int i = 0; i < 7; ++i)
    if (iequals(d, names[i])) return i;
  return -1;
}

[[nodiscard]] constexpr int days_in_month(int year, int month) noexcept {
  constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : days[month - 1];
}

}  // namespace detail

// Parses an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT", RFC 9110 §5.6.7) into seconds since the
// epoch. Strict: every field has exactly its digits (no sign, no space), the day exists in its month
// (leap years counted), hours < 24, minutes < 60, seconds < 60 or a leap second where one can occur
// (23:59:60 on a month's last day: the same instant as 23:59:59, as betwire::timestamp reads it, so
// that 31 Dec 9999 does not roll into year 10000), and the weekday is the one of that date.
// Anything else is nullopt.
[[nodiscard]] constexpr std::optional<std::int64_t> parse_http_date(std::string_view s) noexcept {
  s = trim_ows(s);
  // "Sun, 06 Nov 1994 08:49:37 GMT" is 29 characters.
  if (s.size() != 29 || s[3] != ',' || s[4] != ' ' || s[7] != ' ' || s[11] != ' ' || s[16] != ' ' ||
      s[19] != ':' || s[22] != ':' || s[25] != ' ' || s.substr(26) != "GMT")
    return std::nullopt;
  const int weekday = detail::weekday_index(s.substr(0, 3));
  const int day = detail::fixed_digits(s.substr(5, 2));
  const int mon = detail::month_index(s.substr(8, 3));
  const int year = detail::fixed_digits(s.substr(12, 4));
  const int hh = detail::fixed_digits(s.substr(17, 2));
  const int mm = detail::fixed_digits(s.substr(20, 2));
  const int ss = detail::fixed_digits(s.substr(23, 2));
  if (weekday < 0 || mon == 0 || year < 0 || day < 1 || day > detail::days_in_month(year, mon) || hh < 0 ||
      hh > 23 || mm < 0 || mm > 59 || ss < 0 || ss > 60 || (ss == 60 && (hh != 23 || mm != 59 || day != detail::days_in_month(year, mon))))
    return std::nullopt;
  const std::int64_t days = ::betwire::detail::days_from_civil(year, static_cast<unsigned>(mon),
                                                               static_cast<unsigned>(day));
  // 1970-01-01 was a Thursday (4).
  if (((days % 7 + 7 + 4) % 7) != weekday) return std::nullopt;
  return days * 86400 + hh * 3600 + mm * 60 + (ss == 60 ? 59 : ss);
}

// The largest Retry-After kept (about 31.7 years): longer values, in either form, are clamped to it
// when the header is parsed, so that converting it to any std::chrono duration down to nanoseconds
// cannot overflow. Any retry policy gives up long before.
inline constexpr std::int64_t max_retry_after_seconds = 1'000'000'000;

// Retry-After is either delay-seconds (1*DIGIT) or an HTTP-date (RFC 9110 §10.2.3). Returns the
// delay, counted from `now` for a date (never negative), at most max_retry_after_seconds (however
// many digits the value has), or nullopt when the value is neither.
[[nodiscard]] inline std::optional<std::chrono::seconds> parse_retry_after(
    std::string_view value, std::chrono::system_clock::time_point now) noexcept {
  value = trim_ows(value);
  if (!value.empty() && value.front() >= '0' && value.front() <= '9') {
    std::int64_t secs = 0;
    for (char c : value) {
      if (c < '0' || c > '9') {
        secs = -1;
        break;
      }
      if (secs < max_retry_after_seconds) secs = secs * 10 + (c - '0');  // saturates below
    }
    if (secs >= 0) return std::chrono::seconds(secs < max_retry_after_seconds ? secs : max_retry_after_seconds);
  }
  if (auto when = parse_http_date(value)) {
    const auto now_s =
        std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    const std::int64_t delta = *when - static_cast<std::int64_t>(now_s);
    return std::chrono::seconds(delta <= 0 ? 0 : delta < max_retry_after_seconds ? delta : max_retry_after_seconds);
  }
  return std::nullopt;
}

class response {
 public:
  // The HTTP status of the final response (100-continue and redirects are not final). 0 before a
  // transport fills it.
  int status = 0;
  // The body, replaced (not appended to) by each transport call; its capacity is kept.
  std::string body;
  http::rate_limit_info rate_limit;
  // Retry-After as a delay; an HTTP-date is converted when the header is received.
  std::optional<std::chrono::seconds> retry_after;

  // Forgets the previous answer, keeps the body's capacity. Transports call it first.
  void clear() noexcept {
    status = 0;
    body.clear();
    clear_headers();
  }

  // Forgets the recorded headers only (a transport that sees a second header block — after a
  // 100-continue — calls it).
  void clear_headers() noexcept {
    rate_limit = {};
    retry_after.reset();
    content_type_len_ = 0;
  }

  [[nodiscard]] std::string_view content_type() const noexcept {
    return std::string_view(content_type_.data(), content_type_len_);
  }
  // Kept up to 127 bytes (media type and parameters); longer values are cut.
  void set_content_type(std::string_view v) noexcept {
    v = trim_ows(v);
    content_type_len_ = v.size() < content_type_.size() ? v.size() : content_type_.size();
    for (std::size_t i = 0; i < content_type_len_; ++i) content_type_[i] = v[i];
  }

  // Records one received header if it is one the library uses; returns whether it was.
  bool set_header(std::string_view name, std::string_view value) noexcept {
    name = trim_ows(name);
    if (iequals(name, "content-type")) {
      set_content_type(value);
    } else if (iequals(name, "retry-after")) {
      retry_after = parse_retry_after(value, std::chrono::system_clock::now());
    } else if (iequals(name, "x-ratelimit-limit")) {
      rate_limit.limit = detail::parse_int(value);
    } else if (iequals(name, "x-ratelimit-remaining")) {
      rate_limit.remaining = detail::parse_int(value);
    } else if (iequals(name, "x-ratelimit-reset")) {
      rate_limit.reset = detail::parse_int(value);
    } else {
      return false;
    }
    return true;
  }

  // Same, for a raw header line "Name: value\r\n". A status line ("HTTP/1.1 200 OK") starts a new
  // header block: the headers recorded so far are forgotten. Returns whether a header was kept.
  bool set_header_line(std::string_view line) noexcept {
    if (line.starts_with("HTTP/")) {
      clear_headers();
      return false;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return false;
    return set_header(line.substr(0, colon), line.substr(colon + 1));
  }

 private:
  std::array<char, 127> content_type_{};
  std::size_t content_type_len_ = 0;
};

[[nodiscard]] constexpr bool is_success(int status) noexcept { return status >= 200 && status < 300; }

}  // namespace http
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_HTTP_MESSAGE_HPP
