#ifndef BETWIRE_JSON_QUOTED_HPP
#define BETWIRE_JSON_QUOTED_HPP

// json::quoted<Int>: an integer that travels as a JSON string ("0", "17"), as some venues send
// ids and indexes (PredictStreet's outcome index). Written as a string; read from a string that
// holds the integer (an optional '-', then digits, nothing else) or from a bare JSON integer (some
// revisions send one). In a query string it is the integer's digits.
//
//   struct order { betwire::json::quoted<std::int64_t> outcome; };   // {"outcome":"1"}

#include <betwire/core/config.hpp>

#include <charconv>
#include <type_traits>

BETWIRE_BEGIN_NAMESPACE
namespace json {

template <class Int>
struct quoted {
  static_assert(std::is_integral_v<Int> && !std::is_same_v<Int, bool>, "betwire: json::quoted holds an integer");
  Int value{};

  constexpr quoted() noexcept = default;
  constexpr quoted(Int v) noexcept : value(v) {}  // NOLINT: implicit on purpose (`.outcome = 1`)
  constexpr operator Int() const noexcept { return value; }  // NOLINT: compares and prints as the integer

  // The integer's digits (for query strings); nullptr when [first, last) is too small.
  constexpr char* to_chars(char* first, char* last) const noexcept {
    const auto r = std::to_chars(first, last, value);
    return r.ec == std::errc{} ? r.ptr : nullptr;
  }
};

template <class T>
inline constexpr bool is_quoted_v = false;
template <class Int>
inline constexpr bool is_quoted_v<quoted<Int>> = true;

}  // namespace json
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_JSON_QUOTED_HPP
