#ifndef BETWIRE_JSON_READ_HPP
#define BETWIRE_JSON_READ_HPP

// json::decode: JSON text -> C++ values, in place. Strings decoded into std::string_view point into
// the buffer (escapes are decoded where they stand), containers reuse their capacity, and nothing
// is allocated once the destination is warm. Every byte of the document is validated, including
// values that are skipped or kept raw.

#include <betwire/core/config.hpp>
#include <betwire/core/decimal.hpp>
#include <betwire/core/error.hpp>
#include <betwire/core/result.hpp>
#include <betwire/core/timestamp.hpp>
#include <betwire/json/detail/scan.hpp>
#include <betwire/json/detail/traits.hpp>
#include <betwire/json/object_map.hpp>
#include <betwire/json/options.hpp>
#include <betwire/json/quoted.hpp>
#include <betwire/json/raw.hpp>
#include <betwire/reflect/enums.hpp>
#include <betwire/reflect/fields.hpp>
#include <betwire/reflect/naming.hpp>

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <ctime>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

BETWIRE_BEGIN_NAMESPACE
namespace json {

namespace detail {

// ---- key lookup ------------------------------------------------------------------------------------
// Keys usually arrive in declaration order, so the next field is tried first; otherwise a perfect
// hash, built at compile time for each type, finds the field with one probe and one compare.

inline constexpr std::uint64_t load_key_bytes(const char* p, std::size_t n) noexcept {
  // n <= 8; little-endian value of the first n bytes, zero-filled.
  std::uint64_t v = 0;
  if (std::is_constant_evaluated() || std::endian::native != std::endian::little) {
    for (std::size_t i = 0; i < n; ++i)
      v |= static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  } else {
    std::memcpy(&v, p, n);
  }
  return v;
}

BETWIRE_ALWAYS_INLINE constexpr std::uint32_t mix_key(std::uint64_t head, std::uint64_t tail, std::size_t n,
                                                      std::uint64_t seed) noexcept {
  std::uint64_t h = (head ^ seed) * 0x9E3779B97F4A7C15ull;
  h ^= (tail + n) * 0xC2B2AE3D27D4EB4Full;
  h ^= h >> 29;
  h *= 0x165667B19E3779F9ull;
  return static_cast<std::uint32_t>(h >> 32);
}

inline constexpr std::uint32_t key_hash(std::string_view key, std::uint64_t seed) noexcept {
  const std::size_t n = key.size();
  if (n >= 8) return mix_key(load_key_bytes(key.data(), 8), load_key_bytes(key.data() + n - 8, 8), n, seed);
  return mix_key(load_key_bytes(key.data(), n), 0, n, seed);
}

// key_hash of a key that lies in a buffer ending at `end`: a short key is read as one 8-byte load
// and a mask when 8 bytes are there to read (inside a document they almost always are), instead of
// a copy of a run-time length. The same value as key_hash.
BETWIRE_ALWAYS_INLINE std::uint32_t key_hash_in(std::string_view key, const char* end, std::uint64_t seed) noexcept {
  const std::size_t n = key.size();
  const char* const p = key.data();
  if constexpr (std::endian::native == std::endian::little) {
    if (n >= 8) return mix_key(load8(p), load8(p + n - 8), n, seed);
    if (end - p >= 8) return mix_key(load8(p) & ((std::uint64_t{1} << (8 * n)) - 1), 0, n, seed);
  }
  return key_hash(key, seed);
}

template <std::size_t N>
struct key_table {
  static constexpr std::size_t slots = [] {
    std::size_t s = 4;
    while (s < 4 * N) s *= 2;
    return s;
  }();
  std::array<std::uint8_t, slots> slot_to_field{};
  std::uint64_t seed = 0;
  bool perfect = false;
};

inline constexpr std::uint8_t no_field = 0xFF;

// Wire keys are matched against the raw bytes of the document, so they must be spelled there
// exactly as declared: no character that JSON would escape.
consteval bool plain_keys(const auto& names) {
  for (std::string_view name : names)
    for (char ch : name)
      if (ch == '"' || ch == '\\' || static_cast<unsigned char>(ch) < 0x20) return false;
  return true;
}

template <class T>
consteval auto make_key_table() {
  constexpr std::size_t n = reflect::field_count_v<T>;
  static_assert(n < no_field, "betwire: too many fields for one object");
  const auto& names = reflect::wire_names_v<T>;
  static_assert(plain_keys(reflect::wire_names_v<T>), "betwire: wire keys must not need escaping");
  key_table<n> table;
  for (std::uint64_t seed = 1; seed < 2000; ++seed) {
    for (auto& s : table.slot_to_field) s = no_field;
    bool ok = true;
    for (std::size_t i = 0; i < n && ok; ++i) {
      const std::size_t slot = key_hash(names[i], seed) & (table.slots - 1);
      if (table.slot_to_field[slot] != no_field) ok = false;
      else table.slot_to_field[slot] = static_cast<std::uint8_t>(i);
    }
    if (ok) {
      table.seed = seed;
      table.perfect = true;
      return table;
    }
  }
  return table;  // keys that defeat the hash: find_field falls back to a linear search
}

template <class T>
inline constexpr auto key_table_v = make_key_table<T>();

BETWIRE_ALWAYS_INLINE std::uint32_t load4(const char* p) noexcept {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// Equality of two byte ranges of the same length n, with a few overlapping word loads instead of a
// call to memcmp (keys are short). Never reads outside [a, a+n) or [b, b+n).
BETWIRE_ALWAYS_INLINE bool same_bytes(const char* a, const char* b, std::size_t n) noexcept {
  if (n >= 8) {
    for (std::size_t i = 0; i + 8 < n; i += 8)
      if (load8(a + i) != load8(b + i)) return false;
    return load8(a + n - 8) == load8(b + n - 8);
  }
  if (n >= 4) return load4(a) == load4(b) && load4(a + n - 4) == load4(b + n - 4);
  if (n == 0) return true;
  return a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1];
}

BETWIRE_ALWAYS_INLINE bool key_is(std::string_view key, std::string_view name) noexcept {
  return key.size() == name.size() && same_bytes(key.data(), name.data(), key.size());
}

// Index of the field whose wire name is key, or -1. `hint` is the field expected next; `end`: the
// end of the buffer holding key (nullptr: unknown).
template <class T>
BETWIRE_ALWAYS_INLINE int find_field(std::string_view key, std::size_t hint, const char* end = nullptr) noexcept {
  constexpr std::size_t n = reflect::field_count_v<T>;
  constexpr const auto& names = reflect::wire_names_v<T>;
  if constexpr (n == 0) {
    return -1;
  } else {
    if (hint < n && key_is(key, names[hint])) return static_cast<int>(hint);
    constexpr const auto& table = key_table_v<T>;
    if constexpr (table.perfect) {
      const std::uint32_t h = end != nullptr ? key_hash_in(key, end, table.seed) : key_hash(key, table.seed);
      const std::uint8_t f = table.slot_to_field[h & (table.slots - 1)];
      if (f != no_field && key_is(key, names[f])) return f;
      return -1;
    } else {
      for (std::size_t i = 0; i < n; ++i)
        if (key_is(key, names[i])) return static_cast<int>(i);
      return -1;
    }
  }
}

// ---- values ----------------------------------------------------------------------------------------

template <read_options O, class T>
bool read_value(T& value, read_context& c);

template <class T>
void reset_value(T& value) {
  if constexpr (is_optional_v<T>) value.reset();
  else if constexpr (requires { value.clear(); }) value.clear();
  else value = T{};
}

// ---- the tolerance policy: members listed in T::betwire_nullable --------------------------------
//
//   struct bet { std::string_view bookmaker_bet_id; timestamp placed_at;
//                static constexpr std::string_view betwire_nullable[] = {"bookmaker_bet_id", "placed_at"}; };
//
// A listed member (by its C++ name) reads `null` or a missing key as its default value (empty
// string, the zero timestamp, an empty raw value, ...) instead of failing the document: for fields a
// venue's documents mark nullable or show only in examples. Members not listed keep the strict
// rule (required, typed). A present, non-null value is still checked like any other.
template <class T>
concept has_nullable_list = requires {
  { T::betwire_nullable[0] } -> std::convertible_to<std::string_view>;
  std::extent_v<decltype(T::betwire_nullable)>;
};

template <class T, std::size_t I>
[[nodiscard]] consteval bool nullable_member() {
  if constexpr (has_nullable_list<T>) {
    for (std::string_view m : T::betwire_nullable)
      if (m == reflect::member_name_v<T, I>) return true;
  }
  return false;
}

// Every betwire_nullable entry must name a member: a typo would silently keep the field strict.
template <class T>
[[nodiscard]] consteval bool nullable_names_members() {
  if constexpr (has_nullable_list<T>) {
    bool ok = true;
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      for (std::string_view m : T::betwire_nullable) ok = ok && ((m == reflect::member_name_v<T, I>) || ...);
    }(std::make_index_sequence<reflect::field_count_v<T>>{});
    return ok;
  }
  return true;
}

template <read_options O, class T, std::size_t I>
BETWIRE_ALWAYS_INLINE bool read_member(T& obj, read_context& c) {
  auto& field = reflect::get<I>(obj);
  using F = std::remove_cvref_t<decltype(field)>;
  if constexpr (nullable_member<T, I>() && !is_optional_v<F> && !is_raw_v<F>) {  // raw keeps "null" as it is
    if (*c.p == 'n') {
      if (!scan_literal(c, "null")) return false;
      reset_value(field);
      return true;
    }
  }
  return read_value<O>(field, c);
}

template <read_options O>
BETWIRE_ALWAYS_INLINE bool read_string_view(std::string_view& out, read_context& c) {
  if (BETWIRE_UNLIKELY(*c.p != '"')) return c.fail_here(errc::type_mismatch, "expected a string");
  return scan_string<true, O.validate_utf8>(c, &out);
}

template <class Int>
BETWIRE_ALWAYS_INLINE bool read_integer(Int& value, read_context& c) {
  const char* const at = c.p;
  if (BETWIRE_UNLIKELY(*c.p != '-' && !is_digit(*c.p)))
    return c.fail_here(errc::type_mismatch, "expected an integer");
  std::uint64_t magnitude = 0;
  bool negative = false;
  if (!scan_integer(c, magnitude, negative)) return false;
  if constexpr (std::is_signed_v<Int>) {
    using U = std::make_unsigned_t<Int>;
    const auto max_positive = static_cast<std::uint64_t>(std::numeric_limits<Int>::max());
    if (negative) {
      if (magnitude > max_positive + 1) return c.fail(errc::number_out_of_range, at, "integer out of range");
      value = static_cast<Int>(static_cast<U>(~magnitude + 1));
    } else {
      if (magnitude > max_positive) return c.fail(errc::number_out_of_range, at, "integer out of range");
      value = static_cast<Int>(magnitude);
    }
  } else {
    if (negative && magnitude != 0)
      return c.fail(errc::number_out_of_range, at, "negative value for an unsigned integer");
    if (magnitude > static_cast<std::uint64_t>(std::numeric_limits<Int>::max()))
      return c.fail(errc::number_out_of_range, at, "integer out of range");
    value = static_cast<Int>(magnitude);
  }
  return true;
}

// Text of a validated JSON number -> double, correctly rounded (ties to even) whatever its number of
// digits: +-0 below the smallest subnormal and +-inf above DBL_MAX. The first 19 significant digits
// and the exponent go through the exact decimal_to_double; when later digits were dropped and the
// value's two possible roundings differ, the whole text decides against their midpoint.
inline double parse_double_digits(const char* first, const char* last) noexcept {
  const char* p = first;
  const bool negative = *p == '-';
  if (negative) ++p;
  std::uint64_t mantissa = 0;
  int digits = 0;
  bool dropped = false;  // a non-zero digit past the 19th
  long exponent = 0;
  auto take = [&](char ch, bool fraction) {
    if (digits == 0 && ch == '0') {
      if (fraction) --exponent;
      return;
    }
    if (digits < 19) {
      mantissa = mantissa * 10 + static_cast<std::uint64_t>(ch - '0');
      ++digits;
      if (fraction) --exponent;
    } else {
      if (ch != '0') dropped = true;
      if (!fraction) ++exponent;
    }
  };
  for (; p < last && is_digit(*p); ++p) take(*p, false);
  if (p < last && *p == '.')
    for (++p; p < last && is_digit(*p); ++p) take(*p, true);
  if (p < last && (*p == 'e' || *p == 'E')) {
    ++p;
    const bool negative_exponent = *p == '-';
    if (*p == '+' || *p == '-') ++p;
    long e = 0;
    for (; p < last && is_digit(*p); ++p)
      if (e < 100000) e = e * 10 + (*p - '0');
    exponent += negative_exponent ? -e : e;
  }
  if (exponent > 100000) exponent = 100000;
  if (exponent < -100000) exponent = -100000;
  double magnitude = 0.0;
  if (mantissa != 0) {
    const int e = static_cast<int>(exponent);
    magnitude = betwire::detail::decimal_to_double(mantissa, e);
    if (dropped) {
      // The value lies strictly between mantissa * 10^e and (mantissa + 1) * 10^e (no overflow:
      // mantissa < 10^19), an interval narrower than half an ulp.
      const double above = betwire::detail::decimal_to_double(mantissa + 1, e);
      if (above != magnitude) {
        const auto low = std::bit_cast<std::uint64_t>(magnitude);
        const int order = betwire::detail::compare_number_text(first, last, low, std::bit_cast<std::uint64_t>(above));
        if (order > 0 || (order == 0 && (low & 1) != 0)) magnitude = above;
      }
    }
  }
  return negative ? -magnitude : magnitude;
}

// Text of a validated JSON number -> double, correctly rounded. A value too small for a double is
// +-0 and one too large is +-inf (the caller reports it), whatever the standard library.
inline bool parse_double(const char* first, const char* last, double& out) noexcept {
#if defined(__cpp_lib_to_chars)
  const auto r = std::from_chars(first, last, out);
  if (r.ec == std::errc::result_out_of_range && r.ptr == last) {
    // from_chars leaves out untouched and does not say whether it overflowed or underflowed.
    out = parse_double_digits(first, last);
    return true;
  }
  return r.ec == std::errc{} && r.ptr == last;
#else
  // libc++ (19) has no floating-point from_chars.
  out = parse_double_digits(first, last);
  return true;
#endif
}

template <class Float>
inline bool read_floating(Float& value, read_context& c) {
  const char* const at = c.p;
  if (BETWIRE_UNLIKELY(*c.p != '-' && !is_digit(*c.p)))
    return c.fail_here(errc::type_mismatch, "expected a number");
  number_token t;
  if (!scan_number(c, t)) return false;
  double d = 0;
  if (!parse_double(t.first, t.last, d)) {
    return c.fail(errc::number_out_of_range, at, "number out of range for a floating-point type");
  }
  if (!std::isfinite(d))
    return c.fail(errc::number_out_of_range, at, "number out of range for a floating-point type");
  if constexpr (std::numeric_limits<Float>::max_exponent < std::numeric_limits<double>::max_exponent) {
    // A narrower type (float). Rounding the text to double and then to float rounds twice, which
    // is wrong exactly when the double lands on a midpoint between two floats (every such midpoint
    // is a double): then the text itself is compared with that midpoint. Values below the midpoint
    // between the largest float and the next power of two round to the largest float
    // (3.4028235e38, FLT_MAX's shortest text, is above FLT_MAX); from it on, to infinity.
    using L = std::numeric_limits<Float>;
    const double overflow = std::ldexp(1.0, L::max_exponent) - std::ldexp(1.0, L::max_exponent - L::digits - 1);
    const double magnitude = std::fabs(d);
    if (magnitude > overflow ||
        (magnitude == overflow && betwire::detail::compare_number_text(t.first, t.last, std::bit_cast<std::uint64_t>(overflow),
                                                                        std::bit_cast<std::uint64_t>(overflow)) >= 0))
      return c.fail(errc::number_out_of_range, at, "number out of range for a floating-point type");
    if (magnitude == overflow) {
      value = std::signbit(d) ? -L::max() : L::max();
      return true;
    }
    Float nearest = static_cast<Float>(magnitude);  // ties to even
    if (static_cast<double>(nearest) != magnitude) {
      const Float other = std::nextafter(nearest, static_cast<double>(nearest) < magnitude ? L::infinity() : Float(0));
      const double midpoint = (static_cast<double>(nearest) + static_cast<double>(other)) / 2;
      if (midpoint == magnitude) {
        const auto mid_bits = std::bit_cast<std::uint64_t>(midpoint);
        const int order = betwire::detail::compare_number_text(t.first, t.last, mid_bits, mid_bits);
        const Float lower = nearest < other ? nearest : other;
        const Float upper = nearest < other ? other : nearest;
        if (order < 0) nearest = lower;
        else if (order > 0) nearest = upper;  // order == 0: a true tie, the cast's even choice stands
      }
    }
    value = std::signbit(d) ? -nearest : nearest;
    return true;
  }
  value = static_cast<Float>(d);
  return true;
}

inline bool read_decimal(decimal& value, read_context& c) {
  const char* const at = c.p;
  std::string_view text;
  decimal::form form = decimal::form::number;
  if (*c.p == '"') {
    // A decimal sent as a string ("0.55"): no escapes can be part of a number, so there is
    // nothing to decode; the string must hold exactly a JSON number.
    if (!scan_string<false, false>(c, nullptr)) return false;
    text = std::string_view(at + 1, static_cast<std::size_t>(c.p - at - 2));
    form = decimal::form::string;
  } else {
    if (BETWIRE_UNLIKELY(*c.p != '-' && !is_digit(*c.p)))
      return c.fail_here(errc::type_mismatch, "expected a decimal number");
    number_token t;
    if (!scan_number(c, t)) return false;
    text = std::string_view(t.first, static_cast<std::size_t>(t.last - t.first));
  }
  const errc e = decimal::from_chars(text, value, form);
  if (BETWIRE_UNLIKELY(e != errc::none))
    return c.fail(e, at, e == errc::number_out_of_range ? "decimal out of range" : "invalid decimal");
  return true;
}

template <read_options O>
inline bool read_timestamp(timestamp& value, read_context& c) {
  const char* const at = c.p;
  if (*c.p == '"') {
    std::string_view text;
    if (!scan_string<true, O.validate_utf8>(c, &text)) return false;
    if (timestamp::from_chars(text, value) != errc::none)
      return c.fail(errc::invalid_timestamp, at, "invalid ISO-8601 timestamp");
    return true;
  }
  std::int64_t seconds = 0;
  if (*c.p != '-' && !is_digit(*c.p))
    return c.fail_here(errc::type_mismatch, "expected a timestamp (ISO-8601 string or unix seconds)");
  if (!read_integer(seconds, c)) return false;
  value = timestamp::from_unix_seconds(seconds);
  return true;
}

// json::quoted<Int>: a string holding the integer ("17"), or a bare integer.
template <read_options O, class Int>
inline bool read_quoted(quoted<Int>& value, read_context& c) {
  if (*c.p != '"') return read_integer(value.value, c);
  const char* const at = c.p;
  std::string_view text;
  if (!read_string_view<O>(text, c)) return false;
  if (text.empty() || (text.front() != '-' && !is_digit(text.front())) || (text.front() == '-' && text.size() == 1))
    return c.fail(errc::type_mismatch, at, "expected an integer in a string");
  Int v{};
  const auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (r.ec == std::errc::result_out_of_range) return c.fail(errc::number_out_of_range, at, "integer out of range");
  if (r.ec != std::errc{} || r.ptr != text.data() + text.size())
    return c.fail(errc::type_mismatch, at, "expected an integer in a string");
  value.value = v;
  return true;
}

template <read_options O, class E>
inline bool read_enum(E& value, read_context& c) {
  const char* const at = c.p;
  std::optional<E> found;
  if constexpr (reflect::enum_is_integer_v<E>) {
    std::int64_t v = 0;
    if (!read_integer(v, c)) return false;
    found = reflect::enum_from_integer<E>(v);
  } else {
    std::string_view text;
    if (!read_string_view<O>(text, c)) return false;
    found = reflect::enum_from_wire<E>(text);
  }
  if (BETWIRE_LIKELY(found.has_value())) {
    value = *found;
    return true;
  }
  if constexpr (reflect::enum_unknown_v<E>.has_value()) {
    value = *reflect::enum_unknown_v<E>;
    return true;
  } else {
    return c.fail(errc::unknown_enum_value, at, "value not known to this enum");
  }
}

template <read_options O, class Raw>
inline bool read_raw(Raw& value, read_context& c) {
  const char* const start = c.p;
  const std::uint32_t line = c.line;
  const char* const line_start = c.line_start;
  if (!skip_value<O.validate_utf8>(c)) return false;
  value.text = std::string_view(start, static_cast<std::size_t>(c.p - start));
  value.line = line;
  value.column = static_cast<std::uint32_t>(start - line_start) + 1;
  return true;
}

// Reads `[v, v, ...]`, calling read_element(index) with c.p at each value; used by vectors and
// arrays. The element reader reports its own errors (and pushes nothing: the index is pushed here).
// The separator handling after each value is written out here, in read_members and in
// read_object: sharing it through one inline helper measured 1.5% slower on the 1000-order page.
template <read_options O, class ReadElement>
BETWIRE_ALWAYS_INLINE bool read_elements(read_context& c, ReadElement&& read_element) {
  if (BETWIRE_UNLIKELY(*c.p != '[')) return c.fail_here(errc::type_mismatch, "expected an array");
  if (++c.depth > O.max_depth) return c.fail_here(errc::depth_exceeded, "nesting too deep");
  ++c.p;
  skip_ws(c);
  if (c.p < c.end && *c.p == ']') {
    ++c.p;
    --c.depth;
    return true;
  }
  for (std::size_t index = 0;; ++index) {
    if (BETWIRE_UNLIKELY(c.at_end())) return c.fail_here(errc::unexpected_end, "document ends inside an array");
    if (BETWIRE_UNLIKELY(!read_element(index))) {
      c.push_index(index);
      return false;
    }
    skip_ws(c);
    if (BETWIRE_UNLIKELY(c.at_end())) return c.fail_here(errc::unexpected_end, "document ends inside an array");
    if (*c.p == ',') {
      ++c.p;
      skip_ws(c);
      if (BETWIRE_UNLIKELY(c.p < c.end && *c.p == ']')) return c.fail_here(errc::trailing_comma, "trailing comma");
      continue;
    }
    if (BETWIRE_LIKELY(*c.p == ']')) {
      ++c.p;
      --c.depth;
      return true;
    }
    return c.fail_here(errc::unexpected_character, "expected ',' or ']'");
  }
}

template <read_options O, class Vec>
inline bool read_vector(Vec& vec, read_context& c) {
  std::size_t count = 0;
  const bool ok = read_elements<O>(c, [&](std::size_t index) {
    if (index == vec.size()) vec.emplace_back();
    count = index + 1;
    return read_value<O>(vec[index], c);
  });
  if (BETWIRE_UNLIKELY(!ok)) return false;
  if (vec.size() > count) vec.erase(vec.begin() + static_cast<std::ptrdiff_t>(count), vec.end());
  return true;
}

template <read_options O, class Arr>
inline bool read_array(Arr& arr, read_context& c) {
  constexpr std::size_t n = std::tuple_size_v<Arr>;
  const text_position at = c.here();
  std::size_t count = 0;
  bool too_many = false;
  const bool ok = read_elements<O>(c, [&](std::size_t index) {
    if (index == n) {
      too_many = true;
      return c.fail_at(errc::wrong_array_size, at, "array has more elements than expected");
    }
    count = index + 1;
    return read_value<O>(arr[index], c);
  });
  if (BETWIRE_UNLIKELY(!ok)) {
    if (too_many) c.trail.pop_back();  // the error is the array's, not its element n's
    return false;
  }
  if (count != n) return c.fail_at(errc::wrong_array_size, at, "array has fewer elements than expected");
  return true;
}

// Reads "key": then calls on_member(key, key_position); used by structs and maps.
template <read_options O, class OnMember>
BETWIRE_ALWAYS_INLINE bool read_members(read_context& c, OnMember&& on_member) {
  if (BETWIRE_UNLIKELY(*c.p != '{')) return c.fail_here(errc::type_mismatch, "expected an object");
  if (++c.depth > O.max_depth) return c.fail_here(errc::depth_exceeded, "nesting too deep");
  ++c.p;
  skip_ws(c);
  if (c.p < c.end && *c.p == '}') {
    ++c.p;
    --c.depth;
    return true;
  }
  for (;;) {
    if (BETWIRE_UNLIKELY(c.at_end())) return c.fail_here(errc::unexpected_end, "document ends inside an object");
    if (BETWIRE_UNLIKELY(*c.p != '"')) return c.fail_here(errc::unexpected_character, "expected a key");
    const text_position key_at = c.here();
    std::string_view key;
    if (!scan_string<true, O.validate_utf8>(c, &key)) return false;
    skip_ws(c);
    if (BETWIRE_UNLIKELY(c.at_end())) return c.fail_here(errc::unexpected_end, "document ends inside an object");
    if (BETWIRE_UNLIKELY(*c.p != ':')) return c.fail_here(errc::unexpected_character, "expected ':'");
    ++c.p;
    skip_ws(c);
    if (BETWIRE_UNLIKELY(c.at_end())) return c.fail_here(errc::unexpected_end, "value expected");
    if (BETWIRE_UNLIKELY(!on_member(key, key_at))) return false;
    skip_ws(c);
    if (BETWIRE_UNLIKELY(c.at_end())) return c.fail_here(errc::unexpected_end, "document ends inside an object");
    if (*c.p == ',') {
      ++c.p;
      skip_ws(c);
      if (BETWIRE_UNLIKELY(c.p < c.end && *c.p == '}')) return c.fail_here(errc::trailing_comma, "trailing comma");
      continue;
    }
    if (BETWIRE_LIKELY(*c.p == '}')) {
      ++c.p;
      --c.depth;
      return true;
    }
    return c.fail_here(errc::unexpected_character, "expected ',' or '}'");
  }
}

// Reads the value of field i (a runtime index) with the reader of its type inlined: the fold
// compiles to a jump table instead of an indirect call per member.
template <read_options O, class T>
BETWIRE_ALWAYS_INLINE bool read_field(T& obj, std::size_t i, read_context& c) {
  return [&]<std::size_t... I>(std::index_sequence<I...>) {
    bool ok = false;
    (void)((i == I ? (ok = read_member<O, T, I>(obj, c), true) : false) || ...);
    return ok;
  }(std::make_index_sequence<reflect::field_count_v<T>>{});
}

// A field the document did not have: optionals are reset; others are an error unless allowed.
template <read_options O, class T, std::size_t I>
bool settle_missing(T& obj, read_context& c, const char* object_end) {
  auto& field = reflect::get<I>(obj);
  using F = std::remove_cvref_t<decltype(field)>;
  if constexpr (is_optional_v<F>) {
    field.reset();
    return true;
  } else if constexpr (O.allow_missing_keys || nullable_member<T, I>()) {
    reset_value(field);
    return true;
  } else {
    c.fail(errc::missing_key, object_end, "required key missing");
    c.push_key(reflect::wire_name_v<T, I>);
    return false;
  }
}

template <read_options O, class T>
inline bool read_object(T& obj, read_context& c) {
  static_assert(nullable_names_members<T>(), "betwire: a betwire_nullable entry names a member that does not exist");
  constexpr std::size_t n = reflect::field_count_v<T>;
  constexpr std::size_t words = n / 64 + 1;
  if (BETWIRE_UNLIKELY(*c.p != '{')) return c.fail_here(errc::type_mismatch, "expected an object");
  if (++c.depth > O.max_depth) return c.fail_here(errc::depth_exceeded, "nesting too deep");
  ++c.p;
  std::uint64_t seen[words] = {};
  std::size_t seen_count = 0;
  std::size_t hint = 0;
  skip_ws(c);
  if (c.p < c.end && *c.p == '}') {
    ++c.p;
  } else {
    for (;;) {
      if (BETWIRE_UNLIKELY(c.at_end())) return c.fail_here(errc::unexpected_end, "document ends inside an object");
      if (BETWIRE_UNLIKELY(*c.p != '"')) return c.fail_here(errc::unexpected_character, "expected a key");
      const text_position key_at = c.here();
      std::string_view key;
      int f = -1;
      // Fast path: the key expected next, compared in place; being one of our own keys it needs no
      // escape decoding or UTF-8 check.
      if (hint < n) {
        const std::string_view expected = reflect::wire_names_v<T>[hint];
        const std::size_t len = expected.size();
        if (static_cast<std::size_t>(c.end - c.p) > len + 1 && c.p[len + 1] == '"' &&
            same_bytes(c.p + 1, expected.data(), len)) {
          key = std::string_view(c.p + 1, len);
          c.p += len + 2;
          f = static_cast<int>(hint);
        }
      }
      if (f < 0) {
        // Out of order: find the closing quote a block at a time and look the raw bytes up. A
        // key that matches one of ours is plain ASCII, so it needs no decoding or UTF-8 check;
        // anything else (escapes, non-ASCII, an unknown key) takes the full validating scan.
        const char* q = c.p + 1;
        while (static_cast<std::size_t>(c.end - q) >= string_block) {
          const std::size_t plain = plain_prefix(q);
          q += plain;
          if (plain != string_block) break;
        }
        while (q < c.end && is_plain_byte(static_cast<unsigned char>(*q))) ++q;
        if (q < c.end && *q == '"') {
          key = std::string_view(c.p + 1, static_cast<std::size_t>(q - c.p - 1));
          f = find_field<T>(key, n, c.end);
          if (f >= 0) c.p = const_cast<char*>(q) + 1;
        }
        if (f < 0) {
          if (!scan_string<true, O.validate_utf8>(c, &key)) return false;
          f = find_field<T>(key, n);
        }
      }
      skip_ws(c);
      if (BETWIRE_UNLIKELY(c.at_end())) return c.fail_here(errc::unexpected_end, "document ends inside an object");
      if (BETWIRE_UNLIKELY(*c.p != ':')) return c.fail_here(errc::unexpected_character, "expected ':'");
      ++c.p;
      skip_ws(c);
      if (BETWIRE_UNLIKELY(c.at_end())) return c.fail_here(errc::unexpected_end, "value expected");
      if (BETWIRE_LIKELY(f >= 0)) {
        const auto i = static_cast<std::size_t>(f);
        const std::uint64_t bit = std::uint64_t{1} << (i % 64);
        if (BETWIRE_UNLIKELY(seen[i / 64] & bit)) {
          if constexpr (!O.allow_duplicate_keys) {
            c.fail_at(errc::duplicate_key, key_at, "duplicate key");
            c.push_key(key);
            return false;
          }
        } else {
          seen[i / 64] |= bit;
          ++seen_count;
        }
        if (BETWIRE_UNLIKELY(!read_field<O>(obj, i, c))) {
          c.push_key(reflect::wire_names_v<T>[i]);
          return false;
        }
        hint = i + 1;
      } else if constexpr (!O.allow_unknown_keys) {
        c.fail_at(errc::unknown_key, key_at, "unknown key");
        c.push_key(key);
        return false;
      } else if (BETWIRE_UNLIKELY(!skip_value<O.validate_utf8>(c))) {
        c.push_key(key);
        return false;
      }
      skip_ws(c);
      if (BETWIRE_UNLIKELY(c.at_end())) return c.fail_here(errc::unexpected_end, "document ends inside an object");
      if (*c.p == ',') {
        ++c.p;
        skip_ws(c);
        if (BETWIRE_UNLIKELY(c.p < c.end && *c.p == '}')) return c.fail_here(errc::trailing_comma, "trailing comma");
        continue;
      }
      if (BETWIRE_LIKELY(*c.p == '}')) {
        ++c.p;
        break;
      }
      return c.fail_here(errc::unexpected_character, "expected ',' or '}'");
    }
  }
  --c.depth;
  if (BETWIRE_LIKELY(seen_count == n)) return true;
  const char* const object_end = c.p - 1;
  return [&]<std::size_t... I>(std::index_sequence<I...>) {
    return (((seen[I / 64] >> (I % 64)) & 1u ? true : settle_missing<O, T, I>(obj, c, object_end)) && ...);
  }(std::make_index_sequence<n>{});
}

// A per-process seed for member_keys: keys aimed at one probe chain of one process's table do not
// collide in another's. Drawn once from the clock (to the nanosecond) and addresses (ASLR);
// <ctime>'s timespec_get rather than <chrono>, which json.hpp does not include (timestamp_chrono.hpp).
inline std::uint64_t member_hash_seed() noexcept {
  static const std::uint64_t seed = [] {
    const int local = 0;
    std::timespec now{};
    (void)std::timespec_get(&now, TIME_UTC);
    std::uint64_t z = (static_cast<std::uint64_t>(now.tv_sec) * 1000000000u + static_cast<std::uint64_t>(now.tv_nsec)) ^
                      (static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(&local)) << 16) ^
                      static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(&member_hash_seed));
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;  // splitmix64's finaliser
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }();
  return seed;
}

// The keys of an object_map seen so far, to find a repeated one in O(1) per key (a linear search
// would make a hostile object of n keys cost n^2 compares). An open-addressing table of member
// indices keyed by a seeded hash of every byte of the key: on the stack for up to 128 keys
// (PredictStreet's largest map has 100), on the heap beyond. The seed is per process, and the work
// is bounded even against someone who knows it: once a probe chain grows past max_probe slots the
// keys move to a balanced tree, O(log n) per key from then on.
class member_keys {
 public:
  static constexpr std::size_t none = ~std::size_t{0};
  static constexpr std::size_t max_probe = 32;

  member_keys() noexcept : seed_(member_hash_seed()) {}
  explicit member_keys(std::uint64_t seed) noexcept : seed_(seed) {}

  // The index of an earlier member whose key is `key`, or none (then `index` is recorded for it).
  // key_of(j) gives member j's key.
  template <class KeyOf>
  std::size_t find_or_add(std::string_view key, std::size_t index, KeyOf&& key_of) {
    if (tree_ != nullptr) return tree_find_or_add(key, index);
    if (2 * (count_ + 1) > mask_ + 1 && !grow(key_of)) {
      to_tree(key_of);
      return tree_find_or_add(key, index);
    }
    std::size_t chain = 0;
    for (std::size_t slot = hash(key, seed_) & mask_;; slot = (slot + 1) & mask_) {
      ++probes_;
      const std::uint32_t entry = slots_[slot];
      if (entry == 0) {
        if (chain >= max_probe) {
          // Linear probing at half load makes a chain this long now and then by chance: a table
          // still at 1/16 load or more first gets bigger; only crafted keys defeat that.
          if (mask_ + 1 < 16 * (count_ + 1) && grow(key_of)) return find_or_add(key, index, key_of);
          to_tree(key_of);
          return tree_find_or_add(key, index);
        }
        slots_[slot] = static_cast<std::uint32_t>(index + 1);
        ++count_;
        return none;
      }
      if (key_of(entry - 1) == key) return entry - 1;
      ++chain;
    }
  }

  // Slots examined and keys compared so far: the work done, for tests.
  [[nodiscard]] std::size_t probes() const noexcept { return probes_; }
  [[nodiscard]] bool degraded() const noexcept { return tree_ != nullptr; }

  static std::uint64_t hash(std::string_view key, std::uint64_t seed) noexcept {
    // Every word goes through a full avalanche mix keyed by the seed, so keys made to collide
    // under one seed collide under another only by chance (a xor or add of the seed before a
    // single multiply left their structure in place).
    std::uint64_t h = 0x9E3779B97F4A7C15ull + key.size();
    std::size_t i = 0;
    for (; i + 8 <= key.size(); i += 8) h = mix((h ^ load8(key.data() + i)) + seed);
    for (; i < key.size(); ++i) h = (h ^ static_cast<unsigned char>(key[i])) * 0x94D049BB133111EBull;
    return mix(h ^ seed);
  }
  // splitmix64's finaliser: a bijection in which every input bit changes about half the output bits.
  static constexpr std::uint64_t mix(std::uint64_t z) noexcept {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

 private:
  struct counting_less {
    using is_transparent = void;
    std::size_t* probes;
    bool operator()(std::string_view a, std::string_view b) const noexcept {
      ++*probes;
      return a < b;
    }
  };
  // Owning keys: the members' own strings move when their vector grows.
  using tree = std::map<std::string, std::size_t, counting_less>;

  std::size_t tree_find_or_add(std::string_view key, std::size_t index) {
    if (const auto it = tree_->find(key); it != tree_->end()) return it->second;
    tree_->emplace(std::string(key), index);
    return none;
  }

  template <class KeyOf>
  void to_tree(KeyOf&& key_of) {
    tree_ = std::make_unique<tree>(counting_less{&probes_});
    for (std::size_t s = 0; s <= mask_; ++s)
      if (slots_[s] != 0) tree_->emplace(std::string(key_of(slots_[s] - 1)), slots_[s] - 1);
  }

  // Doubles the table (or more, up to 1/16 load, when a chain of the doubled one would be too
  // long); false, the table unchanged, when no such size keeps every chain within max_probe.
  template <class KeyOf>
  bool grow(KeyOf&& key_of) {
    const std::size_t most = std::max<std::size_t>((mask_ + 1) * 2, 16 * (count_ + 1));
    for (std::size_t size = (mask_ + 1) * 2; size <= most; size *= 2)
      if (rehash(size, key_of)) return true;
    return false;
  }

  template <class KeyOf>
  bool rehash(std::size_t size, KeyOf&& key_of) {
    std::vector<std::uint32_t> bigger(size, 0);
    const std::size_t mask = size - 1;
    for (std::size_t s = 0; s <= mask_; ++s) {
      if (slots_[s] == 0) continue;
      std::size_t slot = hash(key_of(slots_[s] - 1), seed_) & mask;
      for (std::size_t chain = 0; bigger[slot] != 0; ++chain) {
        if (chain >= max_probe) return false;
        slot = (slot + 1) & mask;
        ++probes_;
      }
      ++probes_;
      bigger[slot] = slots_[s];
    }
    heap_ = std::move(bigger);
    slots_ = heap_.data();
    mask_ = mask;
    return true;
  }

  std::uint64_t seed_;
  std::array<std::uint32_t, 256> stack_{};  // 0: empty; else member index + 1
  std::vector<std::uint32_t> heap_;
  std::uint32_t* slots_ = stack_.data();
  std::size_t mask_ = 255;
  std::size_t count_ = 0;
  std::size_t probes_ = 0;
  std::unique_ptr<tree> tree_;
};

template <read_options O, class Map>
inline bool read_map(Map& map, read_context& c) {
  using K = typename Map::key_type;
  using V = typename Map::mapped_type;
  if constexpr (is_object_map_v<Map>) {
    auto& items = map.items();
    std::size_t count = 0;
    member_keys keys;
    const auto key_of = [&](std::size_t j) { return std::string_view(items[j].first); };
    const bool ok = read_members<O>(c, [&](std::string_view key, const text_position& key_at) {
      if (const std::size_t earlier = keys.find_or_add(key, count, key_of); earlier != member_keys::none) {
        if constexpr (O.allow_duplicate_keys) {
          if (read_value<O>(items[earlier].second, c)) return true;  // the last occurrence wins
          c.push_key(key);
          return false;
        } else {
          c.fail_at(errc::duplicate_key, key_at, "duplicate key");
          c.push_key(key);
          return false;
        }
      }
      if (count == items.size()) items.emplace_back();
      auto& item = items[count];
      item.first = K(key);
      if (!read_value<O>(item.second, c)) {
        c.push_key(key);
        return false;
      }
      ++count;
      return true;
    });
    if (!ok) return false;
    if (items.size() > count) items.erase(items.begin() + static_cast<std::ptrdiff_t>(count), items.end());
    return true;
  } else {
    map.clear();
    return read_members<O>(c, [&](std::string_view key, const text_position& key_at) {
      V v{};
      if (!read_value<O>(v, c)) {
        c.push_key(key);
        return false;
      }
      if constexpr (O.allow_duplicate_keys) {
        map.insert_or_assign(K(key), std::move(v));  // the last occurrence wins
      } else if (!map.emplace(K(key), std::move(v)).second) {
        c.fail_at(errc::duplicate_key, key_at, "duplicate key");
        c.push_key(key);
        return false;
      }
      return true;
    });
  }
}

template <read_options O, class T>
bool read_value(T& value, read_context& c) {
  // The caller has skipped whitespace and checked that c.p is inside the buffer.
  if constexpr (is_optional_v<T>) {
    if (*c.p == 'n') {
      if (!scan_literal(c, "null")) return false;
      value.reset();
      return true;
    }
    if (!value.has_value()) value.emplace();
    return read_value<O>(*value, c);
  } else if constexpr (std::is_same_v<T, bool>) {
    if (*c.p == 't') {
      value = true;
      return scan_literal(c, "true");
    }
    if (*c.p == 'f') {
      value = false;
      return scan_literal(c, "false");
    }
    return c.fail_here(errc::type_mismatch, "expected true or false");
  } else if constexpr (std::is_enum_v<T>) {
    return read_enum<O>(value, c);
  } else if constexpr (is_quoted_v<T>) {
    return read_quoted<O>(value, c);
  } else if constexpr (std::is_integral_v<T>) {
    return read_integer(value, c);
  } else if constexpr (std::is_floating_point_v<T>) {
    return read_floating(value, c);
  } else if constexpr (std::is_same_v<T, decimal>) {
    return read_decimal(value, c);
  } else if constexpr (std::is_same_v<T, timestamp>) {
    return read_timestamp<O>(value, c);
  } else if constexpr (std::is_same_v<T, std::string_view>) {
    return read_string_view<O>(value, c);
  } else if constexpr (std::is_same_v<T, std::string>) {
    std::string_view text;
    if (!read_string_view<O>(text, c)) return false;
    value.assign(text.data(), text.size());
    return true;
  } else if constexpr (is_raw_v<T>) {
    return read_raw<O>(value, c);
  } else if constexpr (is_vector_v<T>) {
    return read_vector<O>(value, c);
  } else if constexpr (is_std_array_v<T>) {
    return read_array<O>(value, c);
  } else if constexpr (is_string_keyed_map_v<T>) {
    return read_map<O>(value, c);
  } else if constexpr (reflect::reflectable<T>) {
    return read_object<O>(value, c);
  } else {
    static_assert(dependent_false_v<T>, "betwire::json: this type cannot be decoded");
    return false;
  }
}

// ---- errors ----------------------------------------------------------------------------------------

inline std::string render_path(const std::vector<path_step>& trail) {
  std::string path;
  for (auto it = trail.rbegin(); it != trail.rend(); ++it) {
    if (it->key.data() != nullptr) {
      if (!path.empty()) path += '.';
      path.append(it->key);
    } else {
      path += '[';
      path += std::to_string(it->index);
      path += ']';
    }
  }
  return path;
}

// Builds the error value from the failed context: only ever runs on the failure path.
BETWIRE_NOINLINE inline error make_error(const read_context& c) {
  error e(error_category::decode, c.code, c.message);
  const char* at = c.error_at != nullptr ? c.error_at : c.p;
  if (at > c.end) at = c.end;
  e.offset = static_cast<std::size_t>(at - c.begin);
  // The line was counted while reading; an error reported at an earlier position (a missing key
  // at the closing brace of a multi-line object, say) recounts backwards.
  std::uint32_t line = c.error_line;
  const char* line_start = c.error_line_start;
  while (line_start != nullptr && at < line_start && line > 1) {
    --line;
    const char* q = line_start - 1;  // the '\n' that ended the previous line
    while (q > c.begin && q[-1] != '\n') --q;
    line_start = q;
  }
  if (line_start == nullptr || at < line_start) line_start = c.begin;
  e.line = line == 0 ? 1 : line;
  e.column = static_cast<std::uint32_t>(at - line_start) + 1;
  e.path = render_path(c.trail);

  // A one-line excerpt of at most ~72 bytes around the error, the caret counted in characters.
  const char* from = at - line_start > 40 ? at - 40 : line_start;
  while (from < at && (static_cast<unsigned char>(*from) & 0xC0u) == 0x80u) ++from;
  const char* to = from;
  while (to < c.end && *to != '\n' && *to != '\r' && to - from < 72) ++to;
  if (at >= to && at < c.end && to - from >= 72) to = at + 1;
  std::uint32_t caret = 0;
  for (const char* q = from; q < to; ++q) {
    const auto b = static_cast<unsigned char>(*q);
    e.excerpt += b < 0x20 || b == 0x7F ? ' ' : static_cast<char>(b);
    if (q < at && (b & 0xC0u) != 0x80u) ++caret;
  }
  e.caret = caret;
  return e;
}

// The error of a failed read of [first, last) that lies inside the document [doc_first,
// doc_last): its offset, line, column and excerpt counted in the whole document. When the read
// started at its known line (lines_known), the context counted in the document already; otherwise
// the lines before `first` are counted here, which is exact only if no string before it was decoded
// in place (a decoded "\n" is a line break to this count).
BETWIRE_NOINLINE inline error make_error_within(read_context& c, char* doc_first, char* doc_last,
                                                bool lines_known = false) {
  if (doc_first != nullptr && doc_first < c.begin && lines_known) {
    c.begin = doc_first;
  } else if (doc_first != nullptr && doc_first < c.begin) {
    std::uint32_t lines_before = 0;
    char* line_start = doc_first;
    for (char* q = doc_first; q < c.begin; ++q)
      if (*q == '\n') ++lines_before, line_start = q + 1;
    if (c.error_line_start == nullptr || c.error_line_start == c.begin) c.error_line_start = line_start;
    c.error_line = (c.error_line == 0 ? 1 : c.error_line) + lines_before;
    c.begin = doc_first;
  }
  if (doc_last != nullptr && doc_last > c.end) c.end = doc_last;
  return make_error(c);
}

// first_line / first_line_start: where [first, last) starts in the document, when known (0: not).
template <read_options O, class T>
result<void> decode_span(char* first, char* last, T& value, char* doc_first = nullptr, char* doc_last = nullptr,
                         std::uint32_t first_line = 0, const char* first_line_start = nullptr) {
  read_context c = first_line == 0 ? read_context(first, last, O.max_depth)
                                   : read_context(first, last, O.max_depth, first_line, first_line_start);
  const bool lines_known = first_line != 0;
  skip_ws(c);
  if (c.at_end()) {
    c.fail_here(errc::unexpected_end, "empty document");
    return fail(make_error_within(c, doc_first, doc_last, lines_known));
  }
  if (BETWIRE_UNLIKELY(!read_value<O>(value, c))) return fail(make_error_within(c, doc_first, doc_last, lines_known));
  skip_ws(c);
  if (BETWIRE_UNLIKELY(!c.at_end())) {
    c.fail_here(errc::trailing_garbage, "unexpected text after the JSON value");
    return fail(make_error_within(c, doc_first, doc_last, lines_known));
  }
  return {};
}

}  // namespace detail

// Decodes the JSON document in `buffer` into `value`. The buffer is modified (escapes are decoded
// in place) and std::string_view members of `value` point into it: keep it alive and unchanged
// while you use them. Containers already in `value` are reused, so decoding the next response of
// the same shape into the same object allocates nothing.
template <read_options O = read_options{}, class T>
[[nodiscard]] result<void> decode(std::span<char> buffer, T& value) {
  return detail::decode_span<O>(buffer.data(), buffer.data() + buffer.size(), value);
}

template <read_options O = read_options{}, class T>
[[nodiscard]] result<void> decode(std::string& buffer, T& value) {
  return detail::decode_span<O>(buffer.data(), buffer.data() + buffer.size(), value);
}

// Decodes `part`, a range of `document` (the text of a json::raw member decoded from it, say), into
// `value`, in place like decode. An error's offset, line, column and excerpt count from the start
// of the whole document, so a venue that decodes an envelope in two steps reports positions its
// user can find; the JSON path is the part's own (prefix it with the member's). A part that is
// not inside `document` is decoded on its own.
template <read_options O = read_options{}, class T>
[[nodiscard]] result<void> decode_part(std::span<char> document, std::span<char> part, T& value) {
  char* const doc_first = document.data();
  char* const doc_last = document.data() + document.size();
  const bool inside = part.data() >= doc_first && part.data() + part.size() <= doc_last;
  return detail::decode_span<O>(part.data(), part.data() + part.size(), value, inside ? doc_first : nullptr,
                                inside ? doc_last : nullptr);
}

// Decodes `part`, a json::raw member read from `document` by json::decode, in place where its text
// stands. Positions count in the whole document as above, and stay exact although the first decode
// rewrote strings before the part in place (it recorded the part's line and column). A raw whose
// text is not inside `document` is an invalid_argument error: its bytes are not known to be writable.
template <read_options O = read_options{}, class T>
[[nodiscard]] result<void> decode_part(std::span<char> document, const raw& part, T& value) {
  char* const doc_first = document.data();
  char* const doc_last = document.data() + document.size();
  // Addresses as integers: the part may come from another buffer, whose pointers do not compare.
  const auto address = [](const char* q) { return reinterpret_cast<std::uintptr_t>(q); };
  const bool inside = address(doc_first) <= address(part.text.data()) &&
                      address(part.text.data() + part.text.size()) <= address(doc_last);
  if (!inside)
    return fail(error(error_category::validation, errc::invalid_argument,
                      "json::decode_part: the raw part is not inside the document"));
  char* const first = doc_first + (part.text.data() - doc_first);  // the same bytes, writable
  const bool placed = part.line != 0 && part.column != 0 &&
                      static_cast<std::size_t>(first - doc_first) >= part.column - 1;
  return detail::decode_span<O>(first, first + part.text.size(), value, doc_first, doc_last,
                                placed ? part.line : 0, placed ? first - (part.column - 1) : nullptr);
}

// A temporary buffer would leave every string_view dangling.
template <read_options O = read_options{}, class T>
result<void> decode(std::string&& buffer, T& value) = delete;

// Checks that text is one well-formed JSON value, without decoding or modifying it.
template <read_options O = read_options{}>
[[nodiscard]] result<void> validate(std::string_view text) {
  char* first = const_cast<char*>(text.data());  // skip_value never writes
  detail::read_context c(first, first + text.size(), O.max_depth);
  detail::skip_ws(c);
  if (!detail::skip_value<O.validate_utf8>(c)) return fail(detail::make_error(c));
  detail::skip_ws(c);
  if (!c.at_end()) {
    c.fail_here(errc::trailing_garbage, "unexpected text after the JSON value");
    return fail(detail::make_error(c));
  }
  return {};
}

}  // namespace json
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_JSON_READ_HPP
