#ifndef BETWIRE_PREDICTSTREET_ERRORS_HPP
#define BETWIRE_PREDICTSTREET_ERRORS_HPP

// PredictStreet error bodies, read by predictstreet::parse_error_body:
//   {"code": "...", "message": "...", "details": {...}}   (403 api_key_scope_missing keeps
//   details.requiredScope and details.have in the message)
// It is an http::error_parser (http/error_body.hpp): true when the body is PredictStreet's error JSON, then
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
namespace predictstreet {

// A template only to be instantiated where it is called (tools/instantiation_check.py); the
// function pointer &parse_error_body<> is the http::error_parser.
template <class = void>
[[nodiscard]] bool parse_error_body(std::string_view body, error& out) {
  std::string buffer;
  json::object_map<std::string_view, json::raw> top;
  if (!http::detail::read_object(body, buffer, top)) return false;
  const json::raw* code = http::detail::member(top, "code");
  const json::raw* message = http::detail::member(top, "message");
  if (!code || !message) return false;
  auto code_text = http::detail::raw_string(*code);
  if (!code_text) return false;
  std::string text = http::detail::raw_scalar(*message).value_or(std::string());

  if (const json::raw* details = http::detail::member(top, "details");
      details && http::detail::raw_kind(*details) == '{') {
    std::string details_buffer;
    json::object_map<std::string_view, json::raw> d;
    if (http::detail::read_object(details->text, details_buffer, d)) {
      if (const json::raw* scope = http::detail::member(d, "requiredScope")) {
        if (auto s = http::detail::raw_scalar(*scope)) {
          text.append(text.empty() ? "" : " ").append("(requiredScope: ").append(*s);
          if (const json::raw* have = http::detail::member(d, "have");
              have && http::detail::raw_kind(*have) == '[')
            text.append("; have: ").append(http::detail::join_scalars(*have, ", "));
          text.append(")");
        }
      }
    }
  }
  out.venue_code = std::move(*code_text);
  out.venue_message = std::move(text);
  return true;
}

}  // namespace predictstreet
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_PREDICTSTREET_ERRORS_HPP
