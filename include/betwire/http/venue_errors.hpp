#ifndef BETWIRE_HTTP_VENUE_ERRORS_HPP
#define BETWIRE_HTTP_VENUE_ERRORS_HPP

// Readers of the venues' error bodies. Each is an http::error_parser: given a response body, it
// returns true when the body is that venue's error JSON and then fills `out.venue_code` and
// `out.venue_message` (nothing else); false leaves `out` as it was. The client core calls the
// endpoint's parser on every non-2xx answer (see client.hpp); venue bindings may call them on
// bodies of their own (Opinion's errors under HTTP 200).
//
// ABP v2:        {"error": "..."}                                   (auth and rate-limit middleware)
//                {"detail": "..."}                                  (application routes)
//                {"detail": [{"loc": [...], "msg": "...", "type": "..."}, ...]}   (422 validation)
//                {"detail": {"message": "...", "code": "..."}}      (an older revision)
// PredictStreet: {"code": "...", "message": "...", "details": {...}}   (403 api_key_scope_missing
//                keeps details.requiredScope and details.have in the message)
// Opinion:       {"errno": <n>, "errmsg": "..."} or {"code": <n>, "msg": "..."}; an error when the
//                number is not 0 (also under HTTP 200: the envelope of every answer).
//
// They run on the error path only and may allocate.

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

// A JSON object with any keys, its values kept as raw text. `buffer` receives a copy of `text`
// (decoding is in place) and must outlive `out`.
[[nodiscard]] inline bool read_object(std::string_view text, std::string& buffer,
                                      json::object_map<std::string_view, json::raw>& out) {
  buffer.assign(text);
  out.clear();
  return json::decode(buffer, out).has_value();
}

[[nodiscard]] inline bool read_array(std::string_view text, std::string& buffer,
                                     std::vector<json::raw>& out) {
  buffer.assign(text);
  out.clear();
  return json::decode(buffer, out).has_value();
}

// The value of a JSON string, unescaped; nullopt when `r` is not a string.
[[nodiscard]] inline std::optional<std::string> raw_string(json::raw r) {
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
[[nodiscard]] inline std::optional<std::string> raw_scalar(json::raw r) {
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
[[nodiscard]] inline std::string join_scalars(json::raw r, std::string_view sep) {
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

// ---- ABP v2 -------------------------------------------------------------------------------------

[[nodiscard]] inline bool parse_abp_error(std::string_view body, error& out) {
  std::string buffer;
  json::object_map<std::string_view, json::raw> top;
  if (!detail::read_object(body, buffer, top)) return false;

  if (const json::raw* e = detail::member(top, "error")) {
    if (auto text = detail::raw_string(*e)) {
      out.venue_code.clear();
      out.venue_message = std::move(*text);
      return true;
    }
    return false;
  }
  const json::raw* detail_value = detail::member(top, "detail");
  if (!detail_value) return false;

  switch (detail::raw_kind(*detail_value)) {
    case '"': {
      auto text = detail::raw_string(*detail_value);
      if (!text) return false;
      out.venue_code.clear();
      out.venue_message = std::move(*text);
      return true;
    }
    case '[': {
      // FastAPI validation errors: "loc.path: msg; other.loc: msg", code = the first type.
      std::string array_buffer;
      std::vector<json::raw> items;
      if (!detail::read_array(detail_value->text, array_buffer, items)) return false;
      std::string message;
      std::string code;
      for (const json::raw& item : items) {
        std::string item_buffer;
        json::object_map<std::string_view, json::raw> entry;
        if (!detail::read_object(item.text, item_buffer, entry)) return false;
        const json::raw* loc = detail::member(entry, "loc");
        const json::raw* msg = detail::member(entry, "msg");
        const json::raw* type = detail::member(entry, "type");
        if (!msg) return false;
        if (!message.empty()) message.append("; ");
        if (loc && detail::raw_kind(*loc) == '[') {
          const std::string where = detail::join_scalars(*loc, ".");
          if (!where.empty()) message.append(where).append(": ");
        }
        if (auto m = detail::raw_scalar(*msg)) message.append(*m);
        if (code.empty() && type)
          if (auto t = detail::raw_scalar(*type)) code = std::move(*t);
      }
      out.venue_code = std::move(code);
      out.venue_message = std::move(message);
      return true;
    }
    case '{': {
      std::string inner_buffer;
      json::object_map<std::string_view, json::raw> inner;
      if (!detail::read_object(detail_value->text, inner_buffer, inner)) return false;
      const json::raw* msg = detail::member(inner, "message");
      const json::raw* code = detail::member(inner, "code");
      if (!msg && !code) return false;
      out.venue_message.clear();
      out.venue_code.clear();
      if (msg)
        if (auto m = detail::raw_scalar(*msg)) out.venue_message = std::move(*m);
      if (code)
        if (auto c = detail::raw_scalar(*code)) out.venue_code = std::move(*c);
      return true;
    }
    default:
      return false;
  }
}

// ---- PredictStreet ------------------------------------------------------------------------------

[[nodiscard]] inline bool parse_predictstreet_error(std::string_view body, error& out) {
  std::string buffer;
  json::object_map<std::string_view, json::raw> top;
  if (!detail::read_object(body, buffer, top)) return false;
  const json::raw* code = detail::member(top, "code");
  const json::raw* message = detail::member(top, "message");
  if (!code || !message) return false;
  auto code_text = detail::raw_string(*code);
  if (!code_text) return false;
  std::string text = detail::raw_scalar(*message).value_or(std::string());

  if (const json::raw* details = detail::member(top, "details");
      details && detail::raw_kind(*details) == '{') {
    std::string details_buffer;
    json::object_map<std::string_view, json::raw> d;
    if (detail::read_object(details->text, details_buffer, d)) {
      if (const json::raw* scope = detail::member(d, "requiredScope")) {
        if (auto s = detail::raw_scalar(*scope)) {
          text.append(text.empty() ? "" : " ").append("(requiredScope: ").append(*s);
          if (const json::raw* have = detail::member(d, "have");
              have && detail::raw_kind(*have) == '[')
            text.append("; have: ").append(detail::join_scalars(*have, ", "));
          text.append(")");
        }
      }
    }
  }
  out.venue_code = std::move(*code_text);
  out.venue_message = std::move(text);
  return true;
}

// ---- Opinion.trade ------------------------------------------------------------------------------

// The envelope's error number and message: {errno, errmsg} or {code, msg}. nullopt when the body is
// not such an envelope.
struct opinion_status {
  std::string code;     // the number's text ("0", "10403")
  std::string message;  // errmsg / msg
  [[nodiscard]] bool ok() const noexcept { return code == "0"; }
};

[[nodiscard]] inline std::optional<opinion_status> read_opinion_status(std::string_view body) {
  std::string buffer;
  json::object_map<std::string_view, json::raw> top;
  if (!detail::read_object(body, buffer, top)) return std::nullopt;
  const json::raw* number = detail::member(top, "errno");
  const json::raw* message = detail::member(top, "errmsg");
  if (!number) {
    number = detail::member(top, "code");
    message = detail::member(top, "msg");
  }
  if (!number) return std::nullopt;
  opinion_status st;
  if (auto n = detail::raw_number(*number)) {
    st.code = std::string(*n);
  } else if (auto s = detail::raw_string(*number)) {
    st.code = std::move(*s);  // a number sent as a string
    if (st.code.empty()) return std::nullopt;
  } else {
    return std::nullopt;
  }
  if (message)
    if (auto m = detail::raw_scalar(*message)) st.message = std::move(*m);
  return st;
}

[[nodiscard]] inline bool parse_opinion_error(std::string_view body, error& out) {
  auto st = read_opinion_status(body);
  if (!st || st->ok()) return false;
  out.venue_code = std::move(st->code);
  out.venue_message = std::move(st->message);
  return true;
}

}  // namespace http
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_HTTP_VENUE_ERRORS_HPP
