#ifndef BETWIRE_ABP_ERRORS_HPP
#define BETWIRE_ABP_ERRORS_HPP

// ABP v2 error bodies, read by abp::parse_error_body:
//   {"error": "..."}                                   (auth and rate-limit middleware)
//   {"detail": "..."}                                  (application routes)
//   {"detail": [{"loc": [...], "msg": "...", "type": "..."}, ...]}   (422 validation: message
//                                                      "loc.path: msg; ...", code = the first type)
//   {"detail": {"message": "...", "code": "..."}}      (an older revision)
// It is an http::error_parser (http/error_body.hpp): true when the body is ABP's error JSON, then
// venue_code and venue_message are filled (nothing else); false leaves `out` as it was. It runs on
// the error path only and may allocate.

#include <betwire/core/config.hpp>
#include <betwire/core/error.hpp>
#include <betwire/http/error_body.hpp>
#include <betwire/json/json.hpp>
#include <betwire/json/object_map.hpp>
#include <betwire/json/raw.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

BETWIRE_BEGIN_NAMESPACE
namespace abp {

// A template only to be instantiated where it is called (tools/instantiation_check.py); the
// function pointer &parse_error_body<> is the http::error_parser.
template <class = void>
[[nodiscard]] bool parse_error_body(std::string_view body, error& out) {
  std::string buffer;
  json::object_map<std::string_view, json::raw> top;
  if (!http::detail::read_object(body, buffer, top)) return false;

  if (const json::raw* e = http::detail::member(top, "error")) {
    if (auto text = http::detail::raw_string(*e)) {
      out.venue_code.clear();
      out.venue_message = std::move(*text);
      return true;
    }
    return false;
  }
  const json::raw* detail_value = http::detail::member(top, "detail");
  if (!detail_value) return false;

  switch (http::detail::raw_kind(*detail_value)) {
    case '"': {
      auto text = http::detail::raw_string(*detail_value);
      if (!text) return false;
      out.venue_code.clear();
      out.venue_message = std::move(*text);
      return true;
    }
    case '[': {
      // FastAPI validation errors: "loc.path: msg; other.loc: msg", code = the first type.
      std::string array_buffer;
      std::vector<json::raw> items;
      if (!http::detail::read_array(detail_value->text, array_buffer, items)) return false;
      std::string message;
      std::string code;
      for (const json::raw& item : items) {
        std::string item_buffer;
        json::object_map<std::string_view, json::raw> entry;
        if (!http::detail::read_object(item.text, item_buffer, entry)) return false;
        const json::raw* loc = http::detail::member(entry, "loc");
        const json::raw* msg = http::detail::member(entry, "msg");
        const json::raw* type = http::detail::member(entry, "type");
        if (!msg) return false;
        if (!message.empty()) message.append("; ");
        if (loc && http::detail::raw_kind(*loc) == '[') {
          const std::string where = http::detail::join_scalars(*loc, ".");
          if (!where.empty()) message.append(where).append(": ");
        }
        if (auto m = http::detail::raw_scalar(*msg)) message.append(*m);
        if (code.empty() && type)
          if (auto t = http::detail::raw_scalar(*type)) code = std::move(*t);
      }
      out.venue_code = std::move(code);
      out.venue_message = std::move(message);
      return true;
    }
    case '{': {
      std::string inner_buffer;
      json::object_map<std::string_view, json::raw> inner;
      if (!http::detail::read_object(detail_value->text, inner_buffer, inner)) return false;
      const json::raw* msg = http::detail::member(inner, "message");
      const json::raw* code = http::detail::member(inner, "code");
      if (!msg && !code) return false;
      out.venue_message.clear();
      out.venue_code.clear();
      if (msg)
        if (auto m = http::detail::raw_scalar(*msg)) out.venue_message = std::move(*m);
      if (code)
        if (auto c = http::detail::raw_scalar(*code)) out.venue_code = std::move(*c);
      return true;
    }
    default:
      return false;
  }
}

}  // namespace abp
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_ABP_ERRORS_HPP
