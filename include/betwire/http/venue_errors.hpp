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
// (Opinion's envelope reader is opinion::parse_error_body, in opinion/errors.hpp.)
//
// They run on the error path only and may allocate.

#include <betwire/core/config.hpp>
#include <betwire/core/error.hpp>
#include <betwire/http/error_body.hpp>
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

}  // namespace http
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_HTTP_VENUE_ERRORS_HPP
