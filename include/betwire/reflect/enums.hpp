#ifndef BETWIRE_REFLECT_ENUMS_HPP
#define BETWIRE_REFLECT_ENUMS_HPP

// Enums on the wire: each enumerator's name, transformed by the enum's naming rule, is its wire
// string (`partially_filled` <-> "PARTIALLY_FILLED"), or its integer value under naming::integer.
// Declared next to the enum, found by argument-dependent lookup:
//
//   enum class order_status : std::uint8_t { unknown, pending, partially_filled };
//   consteval betwire::naming betwire_enum_naming(order_status*) { return betwire::naming::upper_snake; }
//   // irregular values:
//   consteval auto betwire_enum_keys(order_status*) {
//     return std::array{betwire::enum_key{order_status::pending, "Pending!"}};
//   }
//
// An enumerator named `unknown` is what a value the enum does not know decodes to. An enum whose
// wire has a real "unknown" names another one instead:
//   consteval order_status betwire_enum_fallback(order_status*) { return order_status::unrecognized; }
// A venue that reads an enum's values in any case (PredictStreet's "buy" / "BUY") says so per enum;
// reading then ignores ASCII case, writing still uses the one spelling the naming rule gives:
//   consteval bool betwire_enum_case_insensitive(side*) { return true; }
// Enumerators are found by probing the values [0, 128) unless `betwire_enum_range(E*)` returns
// another {first, last} pair; the enum needs a fixed underlying type (every `enum class` has one).

#include <betwire/core/config.hpp>
#include <betwire/reflect/fields.hpp>
#include <betwire/reflect/naming.hpp>

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <type_traits>
#include <utility>

BETWIRE_BEGIN_NAMESPACE

template <class E>
struct enum_key {
  E value;
  std::string_view key;
};
template <class E>
enum_key(E, const char*) -> enum_key<E>;

struct enum_range {
  std::int64_t first;
  std::int64_t last;  // inclusive
};

namespace reflect {

namespace detail {

template <class E>
concept has_enum_naming = requires(E* p) {
  { betwire_enum_naming(p) } -> std::convertible_to<naming>;
};
template <class E>
concept has_enum_keys = requires(E* p) { betwire_enum_keys(p); };
template <class E>
concept has_enum_range = requires(E* p) {
  { betwire_enum_range(p) } -> std::convertible_to<enum_range>;
};

template <class E>
concept has_enum_fallback = requires(E* p) {
  { betwire_enum_fallback(p) } -> std::same_as<E>;
};

template <class E>
concept has_enum_case_insensitive = requires(E* p) {
  { betwire_enum_case_insensitive(p) } -> std::convertible_to<bool>;
};

template <class E>
consteval bool enum_case_insensitive_of() noexcept {
  if constexpr (has_enum_case_insensitive<E>)
    return betwire_enum_case_insensitive(static_cast<E*>(nullptr));
  else
    return false;
}

[[nodiscard]] constexpr bool ascii_iequal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

template <class E>
consteval enum_range enum_range_of() noexcept {
  if constexpr (has_enum_range<E>)
    return betwire_enum_range(static_cast<E*>(nullptr));
  else
    return {0, 127};
}

template <class E>
consteval naming enum_naming_of() noexcept {
  if constexpr (has_enum_naming<E>)
    return betwire_enum_naming(static_cast<E*>(nullptr));
  else
    return naming::identity;
}

// Many values in one instantiation: the compiler prints them as one comma-separated list, each an
// enumerator ("ns::E::pending") or a cast of a number ("(ns::E)5"). Probing 128 values one
// instantiation at a time made enum reflection the largest part of a decoder's compile time.
template <auto... V>
consteval std::string_view pretty_values_name() noexcept {
  return __PRETTY_FUNCTION__;
}

enum class enum_list_probe : std::uint8_t { betwire_probe_first, betwire_probe_last };

// What follows the list's last value, the same for every list (measured once on a probe).
consteval std::size_t pretty_list_suffix_length() noexcept {
  constexpr std::string_view probe =
      pretty_values_name<enum_list_probe::betwire_probe_first, enum_list_probe::betwire_probe_last>();
  constexpr std::string_view name = "betwire_probe_last";
  const std::size_t pos = probe.rfind(name);
  return pos == std::string_view::npos ? std::string_view::npos : probe.size() - (pos + name.size());
}

// Fills names[0, count) with the enumerator names in `pretty` (a pretty_values_name of `count`
// values), empty for values that are no enumerator. Reads the list from its end: each value's name
// is the identifier that ends it, and the values are separated by ", " outside any brackets (a
// qualified name can hold template arguments). Returns false when the text is not understood.
template <std::size_t N>
constexpr bool split_value_list(std::string_view pretty, std::size_t count, std::array<std::string_view, N>& names,
                                std::size_t first) noexcept {
  constexpr std::size_t suffix = pretty_list_suffix_length();
  if (suffix == std::string_view::npos || suffix > pretty.size()) return false;
  std::size_t end = pretty.size() - suffix;  // one past the current value's text
  for (std::size_t k = count; k-- > 0;) {
    std::size_t begin = end;
    while (begin > 0 && is_identifier_char(pretty[begin - 1])) --begin;
    const std::string_view name = pretty.substr(begin, end - begin);
    names[first + k] = (name.empty() || (name[0] >= '0' && name[0] <= '9')) ? std::string_view() : name;
    if (k == 0) break;
    int depth = 0;  // find the ", " before this value, outside brackets
    std::size_t i = begin;
    for (;; --i) {
      if (i < 2) return false;
      const char ch = pretty[i - 1];
      if (ch == ')' || ch == '>' || ch == ']' || ch == '}') ++depth;
      else if (ch == '(' || ch == '<' || ch == '[' || ch == '{') --depth;
      else if (depth == 0 && ch == ' ' && pretty[i - 2] == ',') break;
    }
    end = i - 2;
  }
  return true;
}

template <class E>
struct enum_probe_result {
  static constexpr enum_range range = enum_range_of<E>();
  static constexpr std::size_t span = static_cast<std::size_t>(range.last - range.first + 1);
  static constexpr std::size_t block = 64;  // values per instantiation
  template <std::size_t Base, std::size_t... I>
  static consteval std::string_view block_text(std::index_sequence<I...>) noexcept {
    return pretty_values_name<static_cast<E>(range.first + static_cast<std::int64_t>(Base + I))...>();
  }
  static constexpr auto names = [] {
    std::array<std::string_view, span> out{};
    bool understood = true;
    [&]<std::size_t... B>(std::index_sequence<B...>) {
      ((understood = understood &&
                     split_value_list(block_text<B * block>(std::make_index_sequence<
                                          (span - B * block < block ? span - B * block : block)>{}),
                                      span - B * block < block ? span - B * block : block, out, B * block)),
       ...);
    }(std::make_index_sequence<(span + block - 1) / block>{});
    if (!understood) out = {};
    return out;
  }();
  static constexpr std::size_t count = [] {
    std::size_t n = 0;
    for (std::string_view s : names) n += s.empty() ? 0 : 1;
    return n;
  }();
};

template <class E>
constexpr std::string_view renamed_enum_key(E value) noexcept {
  if constexpr (has_enum_keys<E>) {
    for (const auto& k : betwire_enum_keys(static_cast<E*>(nullptr)))
      if (k.value == value) return k.key;
  }
  return {};
}

template <class E>
consteval std::size_t enum_wire_chars() noexcept {
  using probe = enum_probe_result<E>;
  std::size_t total = 0;
  for (std::size_t i = 0; i < probe::span; ++i) {
    if (probe::names[i].empty()) continue;
    const E value = static_cast<E>(probe::range.first + static_cast<std::int64_t>(i));
    const std::string_view renamed = renamed_enum_key<E>(value);
    total += renamed.empty() ? apply_naming(probe::names[i], enum_naming_of<E>(), nullptr)
                             : renamed.size();
  }
  return total;
}

template <class E>
inline constexpr auto enum_wire_text = [] {
  using probe = enum_probe_result<E>;
  fixed_chars<enum_wire_chars<E>()> text;
  std::size_t at = 0;
  for (std::size_t i = 0; i < probe::span; ++i) {
    if (probe::names[i].empty()) continue;
    const E value = static_cast<E>(probe::range.first + static_cast<std::int64_t>(i));
    const std::string_view renamed = renamed_enum_key<E>(value);
    if (renamed.empty()) {
      at += apply_naming(probe::names[i], enum_naming_of<E>(), text.data + at);
    } else {
      for (char c : renamed) text.data[at++] = c;
    }
  }
  return text;
}();

}  // namespace detail

template <class E>
struct enum_entry {
  E value;
  std::string_view name;  // the C++ enumerator name
  std::string_view wire;  // its wire string (empty under naming::integer)
};

// Every named enumerator of E, in value order, with its wire string.
template <class E>
  requires std::is_enum_v<E>
inline constexpr auto enum_entries_v = [] {
  using probe = detail::enum_probe_result<E>;
  std::array<enum_entry<E>, probe::count> entries{};
  const std::string_view text = detail::enum_wire_text<E>.view();
  std::size_t at = 0;
  std::size_t k = 0;
  for (std::size_t i = 0; i < probe::span; ++i) {
    if (probe::names[i].empty()) continue;
    const E value = static_cast<E>(probe::range.first + static_cast<std::int64_t>(i));
    const std::string_view renamed = detail::renamed_enum_key<E>(value);
    const std::size_t len = renamed.empty()
                                ? detail::apply_naming(probe::names[i], detail::enum_naming_of<E>(), nullptr)
                                : renamed.size();
    entries[k++] = {value, probe::names[i], text.substr(at, len)};
    at += len;
  }
  return entries;
}();

template <class E>
inline constexpr bool enum_is_integer_v = detail::enum_naming_of<E>() == naming::integer;

// What unrecognised wire values decode to: betwire_enum_fallback(E*) when E declares it, else the
// enumerator called `unknown`; nullopt (such a value is an error) when E has neither.
template <class E>
inline constexpr std::optional<E> enum_unknown_v = [] {
  if constexpr (detail::has_enum_fallback<E>) {
    constexpr E fallback = betwire_enum_fallback(static_cast<E*>(nullptr));
    static_assert(
        [] {
          for (const auto& e : enum_entries_v<E>)
            if (e.value == fallback) return true;
          return false;
        }(),
        "betwire: betwire_enum_fallback must return a named enumerator");
    return std::optional<E>(fallback);
  } else {
    for (const auto& e : enum_entries_v<E>)
      if (e.name == "unknown") return std::optional<E>(e.value);
    return std::optional<E>();
  }
}();

template <class E>
[[nodiscard]] constexpr std::string_view enum_to_wire(E value) noexcept {
  for (const auto& e : enum_entries_v<E>)
    if (e.value == value) return e.wire;
  return {};
}

template <class E>
[[nodiscard]] constexpr std::string_view enum_name(E value) noexcept {
  for (const auto& e : enum_entries_v<E>)
    if (e.value == value) return e.name;
  return {};
}

// The enumerator whose wire string is `wire`; nullopt when none is (the caller decides whether
// that means `unknown` or an error).
template <class E>
inline constexpr bool enum_case_insensitive_v = detail::enum_case_insensitive_of<E>();

// (ASCII case ignored when E declares betwire_enum_case_insensitive.)
template <class E>
[[nodiscard]] constexpr std::optional<E> enum_from_wire(std::string_view wire) noexcept {
  for (const auto& e : enum_entries_v<E>)
    if (e.wire == wire) return e.value;
  if constexpr (enum_case_insensitive_v<E>) {
    for (const auto& e : enum_entries_v<E>)
      if (detail::ascii_iequal(e.wire, wire)) return e.value;
  }
  return std::nullopt;
}

template <class E>
[[nodiscard]] constexpr std::optional<E> enum_from_integer(std::int64_t v) noexcept {
  for (const auto& e : enum_entries_v<E>)
    if (static_cast<std::int64_t>(e.value) == v) return e.value;
  return std::nullopt;
}

namespace detail::self_test {
enum class sample_status : std::uint8_t { unknown, pending = 3, partially_filled = 7 };
consteval naming betwire_enum_naming(sample_status*) { return naming::upper_snake; }
consteval enum_range betwire_enum_range(sample_status*) { return {0, 8}; }
static_assert(enum_entries_v<sample_status>.size() == 3,
              "betwire: enumerator discovery is broken on this compiler");
static_assert(enum_to_wire(sample_status::partially_filled) == "PARTIALLY_FILLED",
              "betwire: enumerator name extraction is broken on this compiler");
static_assert(enum_from_wire<sample_status>("PENDING") == sample_status::pending);
static_assert(enum_unknown_v<sample_status> == sample_status::unknown);
enum class sample_reason : std::uint8_t { unrecognized, unknown };
consteval sample_reason betwire_enum_fallback(sample_reason*) { return sample_reason::unrecognized; }
consteval enum_range betwire_enum_range(sample_reason*) { return {0, 1}; }  // every TU pays for a self-test
static_assert(enum_unknown_v<sample_reason> == sample_reason::unrecognized);
consteval bool betwire_enum_case_insensitive(sample_reason*) { return true; }
static_assert(enum_from_wire<sample_reason>("UNKNOWN") == sample_reason::unknown);
static_assert(!enum_from_wire<sample_status>("pending").has_value());
// (Every TU pays for these, so they probe few values: blocks, negative values and names printed
// with template arguments are covered by unit.reflect.)
}  // namespace detail::self_test

}  // namespace reflect
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_REFLECT_ENUMS_HPP
