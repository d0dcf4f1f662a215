#ifndef BETWIRE_JSON_OPTIONS_HPP
#define BETWIRE_JSON_OPTIONS_HPP

// Codec options, passed as a template argument: `json::decode<json::read_options{.max_depth = 16}>(…)`.
// Being compile-time values, the policies cost nothing when they are off.

#include <betwire/core/config.hpp>

#include <cstdint>

BETWIRE_BEGIN_NAMESPACE
namespace json {

struct read_options {
  // Objects and arrays nested deeper than this are an error (errc::depth_exceeded), so hostile
  // input cannot exhaust the stack.
  std::uint32_t max_depth = 64;
  // Unknown keys are skipped, their values still fully validated (forward compatibility). When
  // false they are an error (errc::unknown_key).
  bool allow_unknown_keys = true;
  // A key the type has but the document lacks is an error (errc::missing_key) unless the member is
  // a std::optional, which is then reset. When true, missing members are reset to their empty
  // value instead (containers cleared, keeping their capacity).
  bool allow_missing_keys = false;
  // A key that appears twice in one object is an error (errc::duplicate_key): two parsers reading
  // the same document must never disagree about it. When true, the last occurrence wins.
  bool allow_duplicate_keys = false;
  // Check that every string is well-formed UTF-8 (errc::invalid_utf8).
  bool validate_utf8 = true;

  friend constexpr bool operator==(const read_options&, const read_options&) = default;
};

struct write_options {
  // Absent std::optional members are left out; when true they are written as null.
  bool write_null_optionals = false;
};

}  // namespace json
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_JSON_OPTIONS_HPP
