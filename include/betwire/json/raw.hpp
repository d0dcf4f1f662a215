#ifndef BETWIRE_JSON_RAW_HPP
#define BETWIRE_JSON_RAW_HPP

// json::raw: a JSON value kept as its text, validated but not decoded (ABP's free-form `meta`).
// The text is exactly the bytes of the document: decode it later, forward it, or store it.

#include <betwire/core/config.hpp>

#include <cstdint>
#include <string>
#include <string_view>

BETWIRE_BEGIN_NAMESPACE
namespace json {

template <class Text>
struct basic_raw {
  Text text;  // the value's JSON text; empty means "write null"
  // Where the text starts in the document it was decoded from (1-based; 0 when it was not decoded,
  // and never written): json::decode_part(document, raw, value) reports errors in the text at
  // their place in that document. Equality looks at the text only.
  std::uint32_t line = 0;
  std::uint32_t column = 0;

  [[nodiscard]] bool is_null() const noexcept {
    return std::string_view(text).empty() || std::string_view(text) == "null";
  }
  [[nodiscard]] std::string_view view() const noexcept { return text; }
  friend bool operator==(const basic_raw& a, const basic_raw& b) noexcept {
    return std::string_view(a.text) == std::string_view(b.text);
  }
};

using raw = basic_raw<std::string_view>;   // a view into the decoded buffer
using raw_string = basic_raw<std::string>; // owns its text

}  // namespace json
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_JSON_RAW_HPP
