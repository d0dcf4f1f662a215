#ifndef BETWIRE_HTTP_ERROR_BODY_HPP
#define BETWIRE_HTTP_ERROR_BODY_HPP

// Venue-neutral pieces for reading error bodies. An http::error_parser is given a response body and
// returns true when the body is its venue's error JSON, then fills `out.venue_code` and
// `out.venue_message` (nothing else); false leaves `out` as it was. The client core calls the
// endpoint's parser on every non-2xx answer (see endpoint.hpp). The venues' own readers live in
// their folders: abp/errors.hpp, predictstreet/errors.hpp, opinion/errors.hpp.
//
// The helpers below read JSON values kept as json::raw. They run on the error path only and may
// allocate.

#include <betwire/core/config.hpp>
#include <betwire/core/error.hpp>
#include <betwire/json/json.hpp>
#include <betwire/json/object_map.hpp>
#include <betwire/json/raw.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

BETWIRE_BEGIN_NAMESPACE
namespace http {

using error_parser = bool (*)(std::string_view body, error& out);

namespace detail {

// The first significant byte of a raw JSON value: '"', '{', '[', 'n', 't', 'f' or a number's.
[[nodiscard]] inline char raw_kind(json::raw r) noexcept {
  for (char c : r.text)
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return c;
  return '\0';
}

// The readers below are templates only to be instantiated where a venue's error reader is (compile
// time: tools/instantiation_check.py).

// A JSON object with any keys, its values kept as raw text. `buffer` receives a copy of `text`
// (decoding is in place) and must outlive `out`.
template <class = void>
[[nodiscard]] bool read_object(std::string_view text, std::string& buffer,
                               json::object_map<std::string_view, json::raw>& out) {
  buffer.assign(text);
  out.clear();
  return json::decode(buffer, out).has_value();
}

template <class = void>
[[nodiscard]] bool read_array(std::string_view text, std::string& buffer,
                              std::vector<json::raw>& out) {
  buffer.assign(text);
  out.clear();
  return json::decode(buffer, out).has_value();
}

// The value of a JSON string, unescaped; nullopt when `r` is not a string.
template <class = void>
[[nodiscard]] std::optional<std::string> raw_string(json::raw r) {
  if (raw_kind(r) != '"') return std::nullopt;
  std::string buffer(r.text);
  std::string value;
  if (!json::decode(buffer, value)) return std::nullopt;
  return value;
}

// A number's text as sent ("10403"); nullopt when `r` is not a number.
[[nodiscard]] inline std::optional<std::string_view> raw_number(json::raw r) noexcept {
  const char k = raw_kind(r);
  if (k != '-' && (k < '0' || k > '9')) return std::nullopt;
  std::string_view t = r.text;
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t' || t.front() == '\r' || t.front() == '\n'))
    t.remove_prefix(1);
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t' || t.back() == '\r' || t.back() == '\n'))
    t.remove_suffix(1);
  return t;
}

// A string's value, or a number's / literal's text; nullopt for objects and arrays.
template <class = void>
[[nodiscard]] std::optional<std::string> raw_scalar(json::raw r) {
  if (auto s = raw_string(r)) return s;
  const char k = raw_kind(r);
  if (k == '{' || k == '[' || k == '\0') return std::nullopt;
  if (auto n = raw_number(r)) return std::string(*n);
  return std::string(r.text);
}

[[nodiscard]] inline const json::raw* member(const json::object_map<std::string_view, json::raw>& m,
                                             std::string_view key) noexcept {
  return m.find(key);
}

// "a, b, c" from a JSON array of scalars.
template <class = void>
[[nodiscard]] std::string join_scalars(json::raw r, std::string_view sep) {
  std::string out;
  std::string buffer;
  std::vector<json::raw> items;
  if (!read_array(r.text, buffer, items)) return out;
  for (const json::raw& item : items) {
    if (auto s = raw_scalar(item)) {
      if (!out.empty()) out.append(sep);
      out.append(*s);
    }
  }
  return out;
}

}  // namespace detail

}  // namespace http
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_HTTP_ERROR_BODY_HPP
