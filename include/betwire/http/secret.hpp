#ifndef BETWIRE_HTTP_SECRET_HPP
#define BETWIRE_HTTP_SECRET_HPP

// betwire::secret holds a credential (an API key) and never prints it: streaming or describing it
// gives "***". Its value is reached only through the explicitly named `reveal()`, which the library
// calls in one place — when it sets the authentication header of a request. Its memory is wiped
// when it is destroyed or reassigned.
//
// http::describe(request) formats a request for debug logs with every authentication header
// (x-api-key, apikey, builder-apikey, Authorization, …; case-insensitive) shown as "***".

#include <betwire/core/config.hpp>
#include <betwire/http/message.hpp>

#include <cstddef>
#include <iosfwd>
#include <string>
#include <string_view>
#include <utility>

BETWIRE_BEGIN_NAMESPACE

class secret {
 public:
  secret() = default;
  explicit secret(std::string_view value) : value_(value) {}
  // From a possibly-null C string (std::getenv): null gives an empty secret.
  explicit secret(const char* value) : value_(value ? value : "") {}

  secret(const secret& other) : value_(other.value_) {}
  secret(secret&& other) noexcept : value_(std::move(other.value_)) { other.wipe(); }
  secret& operator=(const secret& other) {
    if (this != &other) {
      wipe();
      value_ = other.value_;
    }
    return *this;
  }
  secret& operator=(secret&& other) noexcept {
    if (this != &other) {
      wipe();
      value_ = std::move(other.value_);
      other.wipe();
    }
    return *this;
  }
  ~secret() { wipe(); }

  [[nodiscard]] bool empty() const noexcept { return value_.empty(); }
  [[nodiscard]] std::size_t size() const noexcept { return value_.size(); }

  // The credential itself. Named so that every use is visible in a code review.
  [[nodiscard]] std::string_view reveal() const noexcept { return value_; }

  // What any formatter shows.
  [[nodiscard]] static constexpr std::string_view redacted() noexcept { return "***"; }
  [[nodiscard]] std::string describe() const { return std::string(redacted()); }

  // Compares without printing. Not constant time; do not use it to authenticate anyone.
  friend bool operator==(const secret& a, const secret& b) noexcept { return a.value_ == b.value_; }

  template <class CharT, class Traits>
  friend std::basic_ostream<CharT, Traits>& operator<<(std::basic_ostream<CharT, Traits>& os,
                                                       const secret&) {
    return os << "***";
  }

 private:
  void wipe() noexcept {
    volatile char* p = value_.data();
    for (std::size_t i = 0; i < value_.size(); ++i) p[i] = 0;
    value_.clear();
  }

  std::string value_;
};

[[nodiscard]] inline std::string to_string(const secret& s) { return s.describe(); }

namespace http {

namespace detail {
// Appends `s` with control and non-ASCII bytes escaped (\n, \r, \t, \xNN), at most `max` input
// bytes, "…" when cut.
inline void append_printable(std::string& out, std::string_view s, std::size_t max) {
  constexpr char hex[] = "0123456789abcdef";
  const std::size_t n = s.size() < max ? s.size() : max;
  for (std::size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '\n') out.append("\\n");
    else if (c == '\r') out.append("\\r");
    else if (c == '\t') out.append("\\t");
    else if (c == '\\') out.append("\\\\");
    else if (c < 0x20 || c >= 0x7f) {
      out.append("\\x");
      out.push_back(hex[c >> 4]);
      out.push_back(hex[c & 15]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  if (n < s.size()) out.append("...");
}
}  // namespace detail

// One request as text for a debug log:
//   POST /cancel-orders
//   x-api-key: ***
//   Content-Type: application/json
//   [58 bytes] {"requestUuids":["ee9f4007-e5ab-4085-bffb-8d938e4cad5f"]}
// Authentication headers are redacted; the body is shown up to `max_body` bytes, escaped.
[[nodiscard]] inline std::string describe(const request& req, std::size_t max_body = 256) {
  std::string out;
  out.reserve(64 + req.target.size() + (req.body.size() < max_body ? req.body.size() : max_body));
  out.append(to_string(req.method)).push_back(' ');
  detail::append_printable(out, req.target, 2048);
  for (const header& h : req.headers()) {
    out.push_back('\n');
    detail::append_printable(out, h.name, 128);
    out.append(": ");
    if (is_sensitive_header(h.name))
      out.append(secret::redacted());
    else
      detail::append_printable(out, h.value, 512);
  }
  if (!req.body.empty()) {
    out.append("\n[").append(std::to_string(req.body.size())).append(" bytes] ");
    detail::append_printable(out, req.body, max_body);
  }
  return out;
}

// Replaces every occurrence of `value` in `text` with "***" (used to scrub error texts of any
// credential a peer may have echoed back). Values shorter than 4 bytes are left alone: they could
// not be told apart from ordinary text.
inline void scrub(std::string& text, std::string_view value) {
  if (value.size() < 4) return;
  std::size_t pos = 0;
  while ((pos = text.find(value, pos)) != std::string::npos) {
    text.replace(pos, value.size(), secret::redacted());
    pos += secret::redacted().size();
  }
}

}  // namespace http
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_HTTP_SECRET_HPP
