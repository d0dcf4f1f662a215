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

namespace detail {
// The piece of `value` that an excerpt cut at `at` leaves in `text`: the longest prefix of `value`
// (at least `min` bytes, shorter than value) ending at `at`, or the longest suffix starting there.
// Returns the range to redact, empty when there is none.
inline std::pair<std::size_t, std::size_t> cut_piece(std::string_view text, std::string_view value,
                                                     std::size_t at, bool ends_here, std::size_t min) {
  for (std::size_t n = value.size() - 1; n >= min; --n) {
    if (ends_here) {
      if (n <= at && text.substr(at - n, n) == value.substr(0, n)) return {at - n, n};
    } else {
      if (n <= text.size() - at && text.substr(at, n) == value.substr(value.size() - n)) return {at, n};
    }
  }
  return {at, 0};
}
}  // namespace detail

// Bytes of a credential shorter than this are left in texts: they cannot be told apart from
// ordinary text.
inline constexpr std::size_t min_scrubbed_bytes = 4;

// Scrubs a credential a peer may have echoed back from an error text: every whole occurrence of
// `value` becomes "***", and so does what an excerpt that cut it left at a cut: a prefix of `value`
// at the end of `text` or before a "..." (the mark append_printable puts where it cut), a suffix of
// it at the start of `text` or after a "...", and a text that is wholly a piece of `value` (an
// excerpt shorter than the credential). Values shorter than min_scrubbed_bytes are left alone.
inline void scrub(std::string& text, std::string_view value) {
  if (value.size() < min_scrubbed_bytes) return;
  std::size_t pos = 0;
  while ((pos = text.find(value, pos)) != std::string::npos) {
    text.replace(pos, value.size(), secret::redacted());
    pos += secret::redacted().size();
  }
  if (text.size() >= min_scrubbed_bytes && value.find(text) != std::string_view::npos) {
    text.assign(secret::redacted());
    return;
  }
  // Cut edges, scanned from the back so that replacing a piece keeps earlier positions valid.
  constexpr std::string_view mark = "...";
  const auto redact = [&](std::pair<std::size_t, std::size_t> piece) {
    if (piece.second != 0) text.replace(piece.first, piece.second, secret::redacted());
  };
  redact(detail::cut_piece(text, value, text.size(), true, min_scrubbed_bytes));
  for (std::size_t at = text.rfind(mark); at != std::string::npos;
       at = at == 0 ? std::string::npos : text.rfind(mark, at - 1)) {
    redact(detail::cut_piece(text, value, at + mark.size(), false, min_scrubbed_bytes));
    redact(detail::cut_piece(text, value, at, true, min_scrubbed_bytes));
  }
  redact(detail::cut_piece(text, value, 0, false, min_scrubbed_bytes));
}

// Scrubs `value` from every text of an error, the JSON path included: a decode error names the
// key it stopped at, and a peer chooses the keys it sends.
inline void scrub(error& e, std::string_view value) {
  for (std::string* text : {&e.message, &e.venue_code, &e.venue_message, &e.path, &e.excerpt}) scrub(*text, value);
}

}  // namespace http
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_HTTP_SECRET_HPP
