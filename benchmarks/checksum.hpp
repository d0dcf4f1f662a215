// A checksum over every field of a decoded ABP page (view or owning model), driven by betwire's
// reflection so that it cannot forget a member. Two decoders agree when their checksums do.
#ifndef BETWIRE_BENCHMARKS_CHECKSUM_HPP
#define BETWIRE_BENCHMARKS_CHECKSUM_HPP

#include <betwire/abp/schema.hpp>
#include <betwire/core/decimal.hpp>
#include <betwire/core/timestamp.hpp>
#include <betwire/json/detail/traits.hpp>
#include <betwire/json/raw.hpp>
#include <betwire/reflect/fields.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace betwire_bench {

// The codec's own traits: the benchmark sorts types exactly as betwire does.
using betwire::json::detail::is_optional_v;
using betwire::json::detail::is_raw_v;
using betwire::json::detail::is_vector_v;

struct checksum {
  // decimal_text: also hash each decimal's wire text ("1e1", "125.50"), not only its value. Off
  // for a decoder that cannot see the text (nlohmann::json keeps only the double).
  bool decimal_text = true;
  // raw_text: hash raw values' text (meta objects) byte for byte. Off for a decoder that can only
  // re-serialise them (nlohmann::json sorts keys and writes escapes its own way); then only
  // whether each is null is hashed.
  bool raw_text = true;
  std::uint64_t h = 0xcbf29ce484222325ull;
  std::size_t fields = 0;

  void mix(std::uint64_t v) {
    h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
    h *= 0x100000001B3ull;
  }
  void bytes(std::string_view s) {
    mix(s.size());
    for (unsigned char c : s) h = (h ^ c) * 0x100000001B3ull;
  }

  template <class T>
  void add(const T& v) {
    ++fields;
    if constexpr (is_optional_v<T>) {
      mix(v.has_value() ? 1 : 0);
      if (v) add(*v);
    } else if constexpr (std::is_same_v<T, bool>) {
      mix(v ? 0xB1 : 0xB0);
    } else if constexpr (std::is_enum_v<T>) {
      mix(0xE000 + static_cast<std::uint64_t>(v));
    } else if constexpr (std::is_integral_v<T>) {
      mix(static_cast<std::uint64_t>(v));
    } else if constexpr (std::is_same_v<T, betwire::decimal>) {
      // The value, normalised (1.50 == 1.5 == 15e-1), then optionally the exact text.
      std::int64_t c = v.coefficient();
      int e = v.exponent();
      while (c != 0 && c % 10 == 0) {
        c /= 10;
        ++e;
      }
      if (c == 0) e = 0;
      mix(static_cast<std::uint64_t>(c));
      mix(static_cast<std::uint64_t>(static_cast<std::int64_t>(e)));
      if (decimal_text) bytes(v.text());
    } else if constexpr (std::is_same_v<T, betwire::timestamp>) {
      char buf[betwire::timestamp::max_text];
      const char* end = v.to_chars(buf, buf + sizeof buf);
      bytes(std::string_view(buf, static_cast<std::size_t>(end - buf)));
      mix(static_cast<std::uint64_t>(v.unix_nanos()));
    } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view>) {
      bytes(v);
    } else if constexpr (is_raw_v<T>) {
      const bool null = v.view().empty() || v.view() == "null";
      if (raw_text) bytes(null ? std::string_view("null") : v.view());
      else mix(null ? 0x4E : 0x52);
    } else if constexpr (is_vector_v<T>) {
      mix(v.size());
      for (const auto& e : v) add(e);
    } else {
      static_assert(betwire::reflect::reflectable<T>);
      [&]<std::size_t... I>(std::index_sequence<I...>) {
        (add(betwire::reflect::get<I>(v)), ...);
      }(std::make_index_sequence<betwire::reflect::field_count_v<T>>{});
    }
  }
};

template <class Page>
std::uint64_t page_checksum(const Page& page, bool decimal_text = true, bool raw_text = true) {
  checksum c;
  c.decimal_text = decimal_text;
  c.raw_text = raw_text;
  c.add(page);
  return c.h;
}

}  // namespace betwire_bench

#endif  // BETWIRE_BENCHMARKS_CHECKSUM_HPP
