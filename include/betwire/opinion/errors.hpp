#ifndef BETWIRE_OPINION_ERRORS_HPP
#define BETWIRE_OPINION_ERRORS_HPP

// Opinion.trade's envelope, read by one rule. Every answer (2xx or not) is
//   {"errno": <n>, "errmsg": "...", "result": ...}   or, in some revisions,
//   {"code":  <n>, "msg":    "...", "result": ...}
//
// opinion::classify_envelope is that rule; opinion::decode_envelope (endpoints.hpp, 2xx answers)
// and opinion::parse_error_body (the error reader of non-2xx answers) both go through it, so they
// agree on every input:
//
//  1. The status member is `errno` when that key is present and not null, else `code` when that
//     key is present and not null; the message is its partner (`errmsg` / `msg`). Neither: the body
//     is not an envelope (envelope_state::not_envelope).
//  2. The status is an integer: a JSON number without fraction or exponent (`0`, `-0`, `10404`),
//     or a string holding one (`"0"`, `"00"`, `"-0"`, `"10404"`: an optional '-' then digits, no
//     spaces, no escapes). Anything else (`"abc"`, `true`, `1.0`, `{}`, `""`) is
//     envelope_state::bad_status: a decode error (type_mismatch at `errno` / `code`), never a
//     venue error, because the venue did not say which error it was.
//  3. Zero, however spelled (every digit 0, with or without '-'), is success whatever `result`
//     holds; any other integer is the venue's error number (envelope_state::venue_error).
//
// A body that is not a JSON object (or not JSON) is a decode error for decode_envelope and "not
// Opinion's error body" for parse_error_body.

#include <betwire/core/config.hpp>
#include <betwire/core/error.hpp>
#include <betwire/http/error_body.hpp>
#include <betwire/http/endpoint.hpp>
#include <betwire/json/json.hpp>
#include <betwire/json/raw.hpp>
#include <betwire/reflect/naming.hpp>

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

BETWIRE_BEGIN_NAMESPACE
namespace opinion {

// The envelope's members, undecoded: nothing is copied or allocated.
struct envelope_probe {
  std::optional<json::raw> error_number;
  std::optional<json::raw> errmsg;
  std::optional<json::raw> code;
  std::optional<json::raw> msg;
  std::optional<json::raw> result;
  static constexpr betwire::naming betwire_naming = betwire::naming::identity;
  static constexpr betwire::key_rename betwire_keys[] = {{"error_number", "errno"}};
};

enum class envelope_state : std::uint8_t {
  success,       // status 0: read `result`
  venue_error,   // a non-zero integer status
  not_envelope,  // neither errno nor code (or both null)
  bad_status,    // errno/code is there but is not an integer
};

struct envelope_status {
  envelope_state state = envelope_state::not_envelope;
  std::string_view key;              // "errno" or "code": the member that was read
  std::string_view number;           // its integer text ("0", "-0", "00", "10404"), quotes removed
  std::optional<json::raw> message;  // errmsg / msg, undecoded
};

namespace detail {

[[nodiscard]] constexpr std::string_view trim_json_space(std::string_view t) noexcept {
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t' || t.front() == '\r' || t.front() == '\n'))
    t.remove_prefix(1);
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t' || t.back() == '\r' || t.back() == '\n'))
    t.remove_suffix(1);
  return t;
}

[[nodiscard]] constexpr bool is_integer_text(std::string_view n) noexcept {
  if (!n.empty() && n.front() == '-') n.remove_prefix(1);
  if (n.empty()) return false;
  for (char c : n)
    if (c < '0' || c > '9') return false;
  return true;
}

[[nodiscard]] constexpr bool is_zero_text(std::string_view n) noexcept {
  if (!n.empty() && n.front() == '-') n.remove_prefix(1);
  if (n.empty()) return false;
  for (char c : n)
    if (c != '0') return false;
  return true;
}

// The integer text of a status value (rule 2), or nullopt.
[[nodiscard]] constexpr std::optional<std::string_view> status_integer(json::raw r) noexcept {
  std::string_view t = trim_json_space(r.text);
  if (t.size() >= 2 && t.front() == '"' && t.back() == '"') t = t.substr(1, t.size() - 2);
  if (!is_integer_text(t)) return std::nullopt;
  return t;
}

[[nodiscard]] inline bool present(const std::optional<json::raw>& r) noexcept { return r && !r->is_null(); }

}  // namespace detail

// Rules 1-3 over an envelope already read into a probe.
[[nodiscard]] inline envelope_status classify_envelope(const envelope_probe& p) noexcept {
  envelope_status st;
  const std::optional<json::raw>* number = nullptr;
  if (detail::present(p.error_number)) {
    number = &p.error_number;
    st.key = "errno";
    st.message = p.errmsg;
  } else if (detail::present(p.code)) {
    number = &p.code;
    st.key = "code";
    st.message = p.msg;
  } else {
    st.state = envelope_state::not_envelope;
    return st;
  }
  const std::optional<std::string_view> n = detail::status_integer(**number);
  if (!n) {
    st.state = envelope_state::bad_status;
    return st;
  }
  st.number = *n;
  st.state = detail::is_zero_text(*n) ? envelope_state::success : envelope_state::venue_error;
  return st;
}

// The errc of an error envelope: errno values that are HTTP statuses (401, 404, 429, 5xx, ...) map
// like the status would; the venue's own numbers (10400, 10404, 10409, ...) are errc::venue_error.
[[nodiscard]] inline errc errno_errc(std::string_view number) noexcept {
  int v = 0;
  const auto r = std::from_chars(number.data(), number.data() + number.size(), v);
  if (r.ec != std::errc{} || r.ptr != number.data() + number.size()) return errc::venue_error;
  if (v < 400 || v > 599) return errc::venue_error;
  const errc mapped = http::status_errc(v);
  return mapped == errc::http_status ? errc::venue_error : mapped;
}

// Fills venue_code (the number's text) and venue_message (errmsg/msg: a string's value or a
// scalar's text) from a venue_error status.
template <class = void>  // instantiated only where called: tools/instantiation_check.py
void fill_venue_fields(const envelope_status& st, error& out) {
  out.venue_code = std::string(st.number);
  out.venue_message.clear();
  if (st.message)
    if (auto m = http::detail::raw_scalar(*st.message)) out.venue_message = std::move(*m);
}

// Opinion's error body reader (&parse_error_body<> is an http::error_parser): true exactly when
// classify_envelope says venue_error (a non-zero errno/code); then venue_code and venue_message are
// filled. Runs on the error path and allocates (a copy of the body: decoding is in place). A
// template only to be instantiated where it is called (tools/instantiation_check.py).
template <class = void>
[[nodiscard]] bool parse_error_body(std::string_view body, error& out) {
  std::string buffer(body);
  envelope_probe probe;
  if (!json::decode(buffer, probe)) return false;
  const envelope_status st = classify_envelope(probe);
  if (st.state != envelope_state::venue_error) return false;
  fill_venue_fields(st, out);
  return true;
}

}  // namespace opinion
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_OPINION_ERRORS_HPP
