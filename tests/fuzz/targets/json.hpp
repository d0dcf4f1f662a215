// The generic codec. Every input is read as JSON:
//   - json::validate accepts exactly what decoding into json::raw accepts, and whatever any typed
//     decode accepts (decoding validates every byte);
//   - a typed decode into a struct of every supported member type, in a view and an owning model,
//     under default and permissive options: both models agree; a success re-encodes and decodes
//     back to the same text; an error's position is consistent with the document.
#ifndef BETWIRE_FUZZ_JSON_HPP
#define BETWIRE_FUZZ_JSON_HPP

#include "common.hpp"

#include <array>
#include <map>
#include <optional>
#include <vector>

namespace betwire::fuzz {

enum class fuzz_side { buy, sell, unknown };
enum class fuzz_strict { one, two };

template <class Str>
struct fuzz_leaf {
  std::optional<std::int32_t> a;
  std::vector<double> b;
  Str s;
  std::optional<fuzz_side> side;
};

template <class Str>
struct fuzz_doc {
  std::int64_t i = 0;
  std::uint32_t u = 0;
  double d = 0;
  float f = 0;
  bool flag = false;
  Str s;
  decimal dec;
  timestamp ts;
  std::optional<fuzz_leaf<Str>> leaf;
  std::vector<fuzz_leaf<Str>> leaves;
  json::raw meta;
  json::object_map<Str, std::int64_t> counts;
  std::array<std::int16_t, 2> pair{};
  std::map<std::string, Str> names;
  std::optional<fuzz_strict> strict;
  std::vector<std::optional<std::string>> notes;
};

template <json::read_options O>
void typed_decode(std::string_view text, bool validated) {
  std::string a(text);
  std::string b(text);
  fuzz_doc<std::string_view> view{};
  fuzz_doc<std::string> owned{};
  const result<void> x = json::decode<O>(a, view);
  const result<void> y = json::decode<O>(b, owned);
  check(x.has_value() == y.has_value(), "view and owning decode disagree",
        [&] { return x ? y.error().describe() : x.error().describe(); });
  if (!x) {
    check_same_error(x.error(), y.error(), text);
    check_decode_error_position(x.error(), text);
    return;
  }
  check(validated, "a typed decode accepted what json::validate rejects", text);
  const std::string ev = encoded(view);
  const std::string eo = encoded(owned);
  check(ev == eo, "view and owning decode to different values", [&] { return ev + "\n  vs\n  " + eo; });
  std::string again = eo;
  fuzz_doc<std::string> back{};
  const result<void> z = json::decode(again, back);
  check(z.has_value(), "encode -> decode fails", [&] { return z ? std::string() : z.error().describe() + "\n  " + eo; });
  check(encoded(back) == eo, "encode -> decode is not the identity", [&] { return encoded(back) + "\n  vs\n  " + eo; });
  // Last, as it rewrites escapes in `a` that `view` points at: the raw member decoded again where
  // it stands, its errors placed in the document as sent.
  if (!view.meta.is_null()) {
    fuzz_leaf<std::string_view> part{};
    const result<void> p = json::decode_part<O>(a, view.meta, part);
    if (!p) check_decode_error_position(p.error(), text);
  }
}

inline int fuzz_json(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const result<void> valid = json::validate(text);
  std::string copy(text);
  json::raw raw;
  const result<void> as_raw = json::decode(copy, raw);
  check(valid.has_value() == as_raw.has_value(), "validate and decode into json::raw disagree",
        [&] { return valid ? as_raw.error().describe() : valid.error().describe(); });
  if (!valid) {
    check_same_error(valid.error(), as_raw.error(), text);
    check_decode_error_position(valid.error(), text);
  } else {
    check(raw.text.size() <= text.size(), "raw text longer than the document");
  }
  // Without UTF-8 checks, validation accepts at least as much.
  if (valid) check(json::validate<json::read_options{.validate_utf8 = false}>(text).has_value(), "UTF-8 off rejects more");
  typed_decode<json::read_options{}>(text, valid.has_value());
  typed_decode<json::read_options{.allow_missing_keys = true, .allow_duplicate_keys = true}>(text, valid.has_value());
  typed_decode<json::read_options{.max_depth = 3, .allow_unknown_keys = false, .allow_missing_keys = true}>(
      text, valid.has_value());
  return 0;
}

}  // namespace betwire::fuzz

#endif
