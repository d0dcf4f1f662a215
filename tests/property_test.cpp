// Property tests over the venue schemas (issue #16, deliverable 5), driven by betwire's own
// reflection so that every field of every type is covered without a list of members:
//
//   * decode: a random value of a schema type is written as JSON the way a server may write it —
//     keys in any order, unknown keys mixed in, absent optionals left out or null, any whitespace
//     between tokens, every string character raw or escaped (short escapes, \u in either case,
//     surrogate pairs, "\/"), every number spelling the grammar allows (fraction and exponent
//     forms, e/E, +/-, leading zeros in the exponent, trailing zeros, decimals also as strings),
//     timestamps as ISO-8601 in several spellings or unix seconds — and must decode to the
//     generated value, in the owning and the view model.
//   * encode: a random value of every request type of every venue's endpoints, json::encode then
//     json::decode, is the identity (and re-encoding gives the same bytes).
//
// Seeds are fixed, iterations bounded (a few seconds in a Debug build). On a failure the seed,
// iteration and document are printed. Longer runs:
//   BETWIRE_PROPERTY_ITERATIONS=100000 BETWIRE_PROPERTY_SEED=7 build/gcc/tests/test_property
// A new schema type is covered by adding it to the lists at the end; a new field needs nothing.
#include <betwire/betwire.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <limits>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <type_traits>
#include <typeinfo>
#include <utility>
#include <vector>

namespace bw = betwire;
namespace json = betwire::json;
namespace reflect = betwire::reflect;

namespace {

// ---- settings ---------------------------------------------------------------------------------------

std::uint64_t env_u64(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return fallback;
  std::uint64_t out = 0;
  const auto r = std::from_chars(v, v + std::strlen(v), out);
  return r.ec == std::errc() ? out : fallback;
}
std::uint64_t base_seed() { return env_u64("BETWIRE_PROPERTY_SEED", 16); }
std::size_t iterations(std::size_t fallback) {
  return static_cast<std::size_t>(env_u64("BETWIRE_PROPERTY_ITERATIONS", fallback));
}

// ---- type traits -------------------------------------------------------------------------------------

template <class T> inline constexpr bool is_optional = false;
template <class T> inline constexpr bool is_optional<std::optional<T>> = true;
template <class T> inline constexpr bool is_vector = false;
template <class T, class A> inline constexpr bool is_vector<std::vector<T, A>> = true;
template <class T> inline constexpr bool is_array = false;
template <class T, std::size_t N> inline constexpr bool is_array<std::array<T, N>> = true;
template <class T> inline constexpr bool is_raw = false;
template <class S> inline constexpr bool is_raw<json::basic_raw<S>> = true;
template <class T> inline constexpr bool is_string = std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view>;
template <class T> inline constexpr bool is_quoted = json::is_quoted_v<T>;
template <class T>
concept string_map = requires(T& m) {
  typename T::key_type;
  typename T::mapped_type;
  m.begin();
} && is_string<typename T::key_type>;
template <class T>
concept struct_type = reflect::reflectable<T> && !is_string<T> && !is_raw<T> && !is_optional<T> &&
                      !is_vector<T> && !is_array<T> && !string_map<T> && !is_quoted<T> &&
                      !std::is_same_v<T, bw::decimal> && !std::is_same_v<T, bw::timestamp>;

// Whether the generator knows every member type of T (betwire::secret, say, is never decoded
// and is encoded only by the venue's own body writer: such a type is left to the endpoint tests).
template <class T>
consteval bool supported() {
  if constexpr (is_optional<T>) return supported<typename T::value_type>();
  else if constexpr (is_vector<T> || is_array<T>) return supported<typename T::value_type>();
  else if constexpr (string_map<T>) return supported<typename T::mapped_type>();
  else if constexpr (std::is_same_v<T, bool> || std::is_enum_v<T> || std::is_arithmetic_v<T> ||
                     std::is_same_v<T, bw::decimal> || std::is_same_v<T, bw::timestamp> || is_string<T> ||
                     is_raw<T> || is_quoted<T>)
    return true;
  else if constexpr (struct_type<T>)
    return []<std::size_t... I>(std::index_sequence<I...>) {
      return (supported<reflect::field_type_t<T, I>>() && ...);
    }(std::make_index_sequence<reflect::field_count_v<T>>{});
  else
    return false;
}

// ---- randomness ---------------------------------------------------------------------------------------

struct rng {
  std::mt19937_64 engine;
  explicit rng(std::uint64_t seed) : engine(seed) {}
  std::uint64_t next() { return engine(); }
  std::size_t pick(std::size_t n) { return static_cast<std::size_t>(next() % n); }
  bool coin() { return (next() & 1u) != 0; }
  bool one_in(std::size_t n) { return pick(n) == 0; }
};

// Text for std::string_view members has to live somewhere while the generated value is compared.
using arena = std::deque<std::string>;

// ---- JSON spellings ------------------------------------------------------------------------------------

void append_ws(std::string& out, rng& r) {
  if (!r.one_in(3)) return;
  const std::size_t n = 1 + r.pick(3);
  for (std::size_t i = 0; i < n; ++i) out += " \t\n\r"[r.pick(4)];
}

void append_hex4(std::string& out, std::uint32_t v, rng& r) {
  const char* digits = r.coin() ? "0123456789abcdef" : "0123456789ABCDEF";
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out += digits[(v >> shift) & 0xFu];
}

// Decodes one UTF-8 sequence at s[i] (the generator only makes valid ones); advances i.
std::uint32_t next_code_point(std::string_view s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  const std::size_t len = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : 2;
  std::uint32_t cp = b0 & (len == 2 ? 0x1Fu : len == 3 ? 0x0Fu : 0x07u);
  for (std::size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3Fu);
  i += len;
  return cp;
}

// A JSON string for `s`: each character raw where JSON allows it, or escaped in one of the ways
// the grammar allows.
void append_string(std::string& out, std::string_view s, rng& r) {
  out += '"';
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t start = i;
    const std::uint32_t cp = next_code_point(s, i);
    const bool must = cp == '"' || cp == '\\' || cp < 0x20;
    if (!must && r.pick(4) != 0) {
      out.append(s.substr(start, i - start));
      continue;
    }
    const char* shortcut = nullptr;
    switch (cp) {
      case '"': shortcut = "\\\""; break;
      case '\\': shortcut = "\\\\"; break;
      case '/': shortcut = "\\/"; break;
      case '\b': shortcut = "\\b"; break;
      case '\f': shortcut = "\\f"; break;
      case '\n': shortcut = "\\n"; break;
      case '\r': shortcut = "\\r"; break;
      case '\t': shortcut = "\\t"; break;
      default: break;
    }
    if (shortcut != nullptr && r.coin()) {
      out += shortcut;
    } else if (cp >= 0x10000) {
      const std::uint32_t v = cp - 0x10000;
      append_hex4(out, 0xD800 + (v >> 10), r);
      append_hex4(out, 0xDC00 + (v & 0x3FFu), r);
    } else {
      append_hex4(out, cp, r);
    }
  }
  out += '"';
}

void append_utf8(std::string& s, std::uint32_t cp) {
  if (cp < 0x80) {
    s += static_cast<char>(cp);
  } else if (cp < 0x800) {
    s += static_cast<char>(0xC0 | (cp >> 6));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    s += static_cast<char>(0xE0 | (cp >> 12));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    s += static_cast<char>(0xF0 | (cp >> 18));
    s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Valid UTF-8 with everything that needs care: quotes, backslashes, '/', controls, U+0000, 2-, 3-
// and 4-byte sequences, and plain ASCII most of the time.
std::string random_text(rng& r, std::size_t max_len = 12) {
  std::string s;
  const std::size_t n = r.pick(max_len + 1);
  for (std::size_t i = 0; i < n; ++i) {
    switch (r.pick(10)) {
      case 0: s += "\"\\/"[r.pick(3)]; break;
      case 1: s += static_cast<char>(r.pick(0x20)); break;
      case 2: append_utf8(s, 0x80 + static_cast<std::uint32_t>(r.pick(0x800 - 0x80))); break;
      case 3: {
        std::uint32_t cp = 0x800 + static_cast<std::uint32_t>(r.pick(0x10000 - 0x800));
        if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xE9;  // no lone surrogates in valid text
        append_utf8(s, cp);
        break;
      }
      case 4: append_utf8(s, 0x10000 + static_cast<std::uint32_t>(r.pick(0x110000 - 0x10000))); break;
      default: s += static_cast<char>('a' + r.pick(26)); break;
    }
  }
  return s;
}

// A JSON number for the value digits * 10^exp (digits: a non-empty string of decimal digits),
// spelled one of the ways the grammar allows. `integer_only`: no fraction or exponent.
std::string spell_number(bool negative, std::string digits, int exp, rng& r, bool integer_only,
                         bool negative_zero = false) {
  // Strip leading zeros (keep one digit).
  std::size_t lead = 0;
  while (lead + 1 < digits.size() && digits[lead] == '0') ++lead;
  digits.erase(0, lead);
  const bool zero = digits == "0";
  std::string out;
  if (negative || (zero && negative_zero && r.one_in(4))) out += '-';
  if (integer_only) {
    out += digits;
    out.append(static_cast<std::size_t>(exp), '0');
    return out;
  }
  // Trailing zeros: digits "150", exp -3 is the same value as "15", exp -2.
  if (!zero && r.one_in(3)) {
    const std::size_t more = 1 + r.pick(2);
    digits.append(more, '0');
    exp -= static_cast<int>(more);
  }
  const auto n = static_cast<int>(digits.size());
  if (r.coin()) {
    // No exponent: digits * 10^exp written out ("1500", "1.5", "0.0015").
    if (exp >= 0) {
      out += digits;
      if (!zero) out.append(static_cast<std::size_t>(exp), '0');
    } else if (n + exp > 0) {
      const auto point = static_cast<std::size_t>(n + exp);
      out += digits.substr(0, point) + "." + digits.substr(point);
    } else {
      out += "0.";
      out.append(static_cast<std::size_t>(-(n + exp)), '0');
      out += digits;
    }
    return out;
  }
  // With an exponent: `before` digits before the point ("15e2", "1.5E+3", "150.0e1", "1.5e003").
  const int before = r.coin() ? 1 : 1 + static_cast<int>(r.pick(static_cast<std::size_t>(n)));
  const int e = exp + (n - before);
  out += digits.substr(0, static_cast<std::size_t>(before));
  if (before < n) out += "." + digits.substr(static_cast<std::size_t>(before));
  out += r.coin() ? 'e' : 'E';
  if (e < 0) out += '-';
  else if (r.coin()) out += '+';
  if (r.one_in(4)) out.append(1 + r.pick(2), '0');
  out += std::to_string(e < 0 ? -e : e);
  return out;
}

// ---- timestamps: instant first, text derived (civil_from_days, H. Hinnant's algorithm) ------------

struct civil {
  std::int64_t y;
  unsigned m, d;
};
civil civil_from_days(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {y + (m <= 2 ? 1 : 0), m, d};
}
std::int64_t floor_div(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

void append_2(std::string& out, std::int64_t v) {
  out += static_cast<char>('0' + v / 10);
  out += static_cast<char>('0' + v % 10);
}

// A timestamp in ISO-8601 (separators, fractions and offsets varied) or unix seconds; `expected`
// receives the instant.
std::string spell_timestamp(rng& r, bw::timestamp& expected) {
  // Years 1970..2100 mostly, sometimes anywhere ISO can write.
  const std::int64_t lo = r.one_in(8) ? -62135596800 /* 0001 */ : 0;
  const std::int64_t hi = r.one_in(8) ? 253402214400 /* 9999-12-31 */ : 4102444800;
  const std::int64_t seconds = lo + static_cast<std::int64_t>(r.next() % static_cast<std::uint64_t>(hi - lo));
  if (r.one_in(3) && seconds >= 0) {
    expected = bw::timestamp::from_unix_seconds(seconds);
    return std::to_string(seconds);
  }
  const int fraction_digits = r.coin() ? 0 : 1 + static_cast<int>(r.pick(9));
  std::uint32_t nanos = 0;
  std::string fraction;
  if (fraction_digits > 0) {
    std::uint32_t scale = 1;
    for (int i = 0; i < 9 - fraction_digits; ++i) scale *= 10;
    const std::uint32_t units = static_cast<std::uint32_t>(r.next() % (1000000000u / scale));
    nanos = units * scale;
    std::string f = std::to_string(units);
    fraction = "." + std::string(static_cast<std::size_t>(fraction_digits) - f.size(), '0') + f;
  }
  const int offset = r.coin() ? 0 : static_cast<int>(r.pick(2 * 14 * 60 + 1)) - 14 * 60;  // minutes
  std::int64_t local = seconds + offset * 60;
  if (local < -62135596800 || local > 253402300799) local = seconds;  // keep the year in 0001..9999
  const int used_offset = local == seconds ? 0 : offset;
  const std::int64_t days = floor_div(local, 86400);
  const std::int64_t sod = local - days * 86400;
  const civil c = civil_from_days(days);
  std::string out;
  out += std::to_string(c.y / 1000) + std::to_string(c.y / 100 % 10) + std::to_string(c.y / 10 % 10) +
         std::to_string(c.y % 10);
  out += '-';
  append_2(out, c.m);
  out += '-';
  append_2(out, c.d);
  out += "Tt "[r.pick(3)];
  append_2(out, sod / 3600);
  out += ':';
  append_2(out, sod / 60 % 60);
  out += ':';
  append_2(out, sod % 60);
  out += fraction;
  if (used_offset == 0 && r.coin()) {
    out += r.coin() ? 'Z' : 'z';
  } else {
    const int a = used_offset < 0 ? -used_offset : used_offset;
    out += used_offset < 0 ? '-' : '+';
    append_2(out, a / 60);
    out += ':';
    append_2(out, a % 60);
  }
  expected = bw::timestamp::from_unix(seconds, nanos, used_offset, fraction_digits);
  return out;
}

// ---- a random JSON value, as text (for json::raw members and unknown keys) -------------------------

std::string random_json(rng& r, int depth) {
  std::string out;
  switch (depth > 2 ? r.pick(5) : r.pick(7)) {
    case 0: out = "null"; break;
    case 1: out = r.coin() ? "true" : "false"; break;
    case 2: out = spell_number(r.coin(), std::to_string(r.pick(100000)), -static_cast<int>(r.pick(4)), r, false); break;
    case 3: append_string(out, random_text(r), r); break;
    case 4: out = std::to_string(r.pick(1000)); break;
    case 5: {
      out = "[";
      const std::size_t n = r.pick(3);
      for (std::size_t i = 0; i < n; ++i) {
        if (i) out += ',';
        append_ws(out, r);
        out += random_json(r, depth + 1);
        append_ws(out, r);
      }
      out += ']';
      break;
    }
    default: {
      out = "{";
      const std::size_t n = r.pick(3);
      for (std::size_t i = 0; i < n; ++i) {
        if (i) out += ',';
        append_ws(out, r);
        append_string(out, "k" + std::to_string(i) + random_text(r, 3), r);
        append_ws(out, r);
        out += ':';
        append_ws(out, r);
        out += random_json(r, depth + 1);
        append_ws(out, r);
      }
      out += '}';
      break;
    }
  }
  return out;
}

// ---- the generator: a random value of T and a JSON text for it, from T's reflection ---------------

struct generator {
  rng& r;
  arena& texts;
  int depth = 0;

  template <class E>
  E random_enum() {
    constexpr auto& entries = reflect::enum_entries_v<E>;
    static_assert(entries.size() > 0, "an enum without enumerators");
    return entries[r.pick(entries.size())].value;
  }

  template <class Int>
  Int random_int() {
    switch (r.pick(6)) {
      case 0: return std::numeric_limits<Int>::min();
      case 1: return std::numeric_limits<Int>::max();
      case 2: return static_cast<Int>(r.pick(10));
      default: return static_cast<Int>(r.next());
    }
  }

  // Writes a value of type T into `out` and stores what it is in `v`.
  template <class T>
  void make(T& v, std::string& out) {
    if constexpr (is_optional<T>) {
      if (r.one_in(3)) {
        v.reset();
        out += "null";
      } else {
        v.emplace();
        make(*v, out);
        // A raw value that is JSON null reads as an absent optional, as documented.
        if constexpr (is_raw<typename T::value_type>) {
          if (std::string_view(v->text) == "null") v.reset();
        }
      }
    } else if constexpr (std::is_same_v<T, bool>) {
      v = r.coin();
      out += v ? "true" : "false";
    } else if constexpr (std::is_enum_v<T>) {
      v = random_enum<T>();
      if constexpr (reflect::enum_is_integer_v<T>)
        out += std::to_string(static_cast<std::int64_t>(v));
      else
        append_string(out, reflect::enum_to_wire(v), r);
    } else if constexpr (is_quoted<T>) {
      // Sent as a string of digits; read from that (any escape spelling) or from a bare integer.
      using Int = decltype(v.value);
      Int n{};
      if (r.one_in(4)) {
        make(n, out);
      } else {
        n = random_int<Int>();
        append_string(out, std::to_string(n), r);
      }
      v = n;
    } else if constexpr (std::is_integral_v<T>) {
      v = random_int<T>();
      const bool neg = v < 0;
      std::string digits;
      if constexpr (std::is_signed_v<T>) {
        const auto mag = neg ? static_cast<std::uint64_t>(-(static_cast<std::int64_t>(v) + 1)) + 1u
                             : static_cast<std::uint64_t>(v);
        digits = std::to_string(mag);
      } else {
        digits = std::to_string(v);
      }
      out += spell_number(neg, digits, 0, r, true);
    } else if constexpr (std::is_floating_point_v<T>) {
      v = static_cast<T>(static_cast<double>(static_cast<std::int64_t>(r.pick(2000001)) - 1000000) /
                         static_cast<double>(1u << r.pick(12)));
      if (r.one_in(4)) v = static_cast<T>(std::ldexp(static_cast<double>(r.pick(1u << 20)), static_cast<int>(r.pick(80)) - 40));
      char buf[64];
      const auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
      std::string_view text(buf, static_cast<std::size_t>(res.ptr - buf));
      // "-d.ddde[+-]xx" -> digits and exponent, then re-spelled.
      const bool neg = !text.empty() && text[0] == '-';
      if (neg) text.remove_prefix(1);
      const std::size_t epos = text.find('e');
      std::string digits(text.substr(0, epos));
      digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
      int e = 0;
      std::string_view etext = text.substr(epos + 1);
      if (!etext.empty() && etext[0] == '+') etext.remove_prefix(1);
      std::from_chars(etext.data(), etext.data() + etext.size(), e);
      out += spell_number(neg, digits, e - static_cast<int>(digits.size()) + 1, r, false);
    } else if constexpr (std::is_same_v<T, bw::decimal>) {
      // Up to 15 significant digits and a modest exponent: every spelling stays within decimal's
      // 18 digits and 28 bytes of text.
      const std::size_t ndigits = 1 + r.pick(12);
      std::string digits;
      for (std::size_t i = 0; i < ndigits; ++i) digits += static_cast<char>('0' + r.pick(10));
      const int exp = static_cast<int>(r.pick(9)) - 6;
      const bool neg = r.one_in(3);
      std::string text = spell_number(neg, digits, exp, r, false, true);
      ASSERT_EQ(bw::decimal::from_chars(text, v), bw::errc::none) << text;
      // The expected value, independent of betwire's parser: coefficient and exponent.
      std::int64_t coefficient = 0;
      std::from_chars(digits.data(), digits.data() + digits.size(), coefficient);
      bw::decimal expected;
      ASSERT_EQ(bw::decimal::from_parts(neg ? -coefficient : coefficient, exp, expected), bw::errc::none);
      ASSERT_TRUE(expected == v) << text << " vs " << expected.text();
      if (r.one_in(4)) out += '"' + text + '"';  // a decimal may come as a string holding a number
      else out += text;
    } else if constexpr (std::is_same_v<T, bw::timestamp>) {
      const std::string text = spell_timestamp(r, v);
      if (text.front() >= '0' && text.front() <= '9' && text.find('-') == std::string::npos) out += text;
      else append_string(out, text, r);
    } else if constexpr (is_string<T>) {
      texts.push_back(random_text(r));
      v = T(texts.back());
      append_string(out, texts.back(), r);
    } else if constexpr (is_raw<T>) {
      texts.push_back(random_json(r, depth));
      v.text = decltype(v.text)(texts.back());
      out += texts.back();
    } else if constexpr (is_vector<T>) {
      v.clear();
      const std::size_t n = depth > 3 ? 0 : r.pick(4);
      out += '[';
      ++depth;
      for (std::size_t i = 0; i < n; ++i) {
        if (i) out += ',';
        append_ws(out, r);
        v.emplace_back();
        make(v.back(), out);
        append_ws(out, r);
      }
      --depth;
      out += ']';
    } else if constexpr (is_array<T>) {
      out += '[';
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (i) out += ',';
        append_ws(out, r);
        make(v[i], out);
        append_ws(out, r);
      }
      out += ']';
    } else if constexpr (string_map<T>) {
      v = T{};
      const std::size_t n = depth > 3 ? 0 : r.pick(4);
      out += '{';
      ++depth;
      for (std::size_t i = 0; i < n; ++i) {
        texts.push_back("m" + std::to_string(i) + random_text(r, 4));
        const std::string& key = texts.back();  // deque: stays where it is as texts grows
        if (i) out += ',';
        append_ws(out, r);
        append_string(out, key, r);
        append_ws(out, r);
        out += ':';
        append_ws(out, r);
        typename T::mapped_type value{};
        make(value, out);
        append_ws(out, r);
        if constexpr (json::detail::is_object_map_v<T>)
          v.insert(typename T::key_type(key), std::move(value));
        else
          v.emplace(typename T::key_type(key), std::move(value));
      }
      --depth;
      out += '}';
    } else if constexpr (struct_type<T>) {
      make_object(v, out);
    } else {
      static_assert(sizeof(T) == 0, "property_test: a member type the generator does not know");
    }
  }

  // An object: every member (absent optionals left out or null), unknown keys mixed in, in a
  // random order, keys escaped like any string.
  template <class T>
  void make_object(T& v, std::string& out) {
    std::vector<std::string> members;
    ++depth;
    reflect::for_each_field(v, [&](auto& field, auto index) {
      constexpr std::size_t I = decltype(index)::value;
      using F = std::remove_cvref_t<decltype(field)>;
      std::string member;
      append_string(member, reflect::wire_name_v<T, I>, r);
      append_ws(member, r);
      member += ':';
      append_ws(member, r);
      make(field, member);
      if constexpr (is_optional<F>) {
        if (!field.has_value() && r.coin()) return;  // left out instead of null
      }
      members.push_back(std::move(member));
    });
    --depth;
    const std::size_t unknown = r.one_in(3) ? 1 + r.pick(2) : 0;
    for (std::size_t i = 0; i < unknown; ++i) {
      std::string member;
      append_string(member, "zzUnknown" + std::to_string(i) + random_text(r, 3), r);
      member += ':';
      append_ws(member, r);
      member += random_json(r, depth);
      members.push_back(std::move(member));
    }
    std::shuffle(members.begin(), members.end(), r.engine);
    out += '{';
    append_ws(out, r);
    for (std::size_t i = 0; i < members.size(); ++i) {
      if (i) {
        out += ',';
        append_ws(out, r);
      }
      out += members[i];
      append_ws(out, r);
    }
    out += '}';
  }
};

// ---- comparison by reflection; the path of the first difference ------------------------------------

template <class T>
bool same(const T& a, const T& b, std::string& path) {
  if constexpr (is_optional<T>) {
    if (a.has_value() != b.has_value()) return path += a.has_value() ? " (expected a value, got none)" : " (expected none)", false;
    return !a.has_value() || same(*a, *b, path);
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!(a == b) || std::signbit(a) != std::signbit(b)) return path += " (" + std::to_string(a) + " vs " + std::to_string(b) + ")", false;
    return true;
  } else if constexpr (std::is_same_v<T, bw::decimal> || std::is_same_v<T, bw::timestamp>) {
    if (!(a == b)) return path += " (" + a.to_string() + " vs " + b.to_string() + ")", false;
    return true;
  } else if constexpr (is_string<T>) {
    if (std::string_view(a) != std::string_view(b)) return path += " (strings differ)", false;
    return true;
  } else if constexpr (is_raw<T>) {
    if (std::string_view(a.text) != std::string_view(b.text)) return path += " (raw text differs)", false;
    return true;
  } else if constexpr (is_vector<T> || is_array<T>) {
    if (a.size() != b.size()) return path += " (sizes " + std::to_string(a.size()) + " vs " + std::to_string(b.size()) + ")", false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      std::string sub = path + "[" + std::to_string(i) + "]";
      if (!same(a[i], b[i], sub)) return path = sub, false;
    }
    return true;
  } else if constexpr (string_map<T>) {
    if (a.size() != b.size()) return path += " (map sizes differ)", false;
    auto ib = b.begin();
    for (auto ia = a.begin(); ia != a.end(); ++ia, ++ib) {
      std::string sub = path + "." + std::string(ia->first);
      if (std::string_view(ia->first) != std::string_view(ib->first)) return path = sub + " (keys differ)", false;
      if (!same(ia->second, ib->second, sub)) return path = sub, false;
    }
    return true;
  } else if constexpr (struct_type<T>) {
    bool ok = true;
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      ((ok = ok && [&] {
         std::string sub = path + "." + std::string(reflect::wire_name_v<T, I>);
         if (same(reflect::get<I>(a), reflect::get<I>(b), sub)) return true;
         path = sub;
         return false;
       }()),
       ...);
    }(std::make_index_sequence<reflect::field_count_v<T>>{});
    return ok;
  } else {
    if (!(a == b)) return path += " (values differ)", false;
    return true;
  }
}

std::string excerpt(std::string_view doc) {
  return std::string(doc.substr(0, 1500)) + (doc.size() > 1500 ? "..." : "");
}

std::uint64_t type_seed(std::string_view name) {
  std::uint64_t h = 1469598103934665603ull;
  for (char c : name) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
  return h;
}

// ---- property 1: generated documents decode to the generated values -------------------------------

template <class T>
void check_decodes(std::string_view name, std::size_t fallback_iterations = 300) {
  const std::uint64_t seed = base_seed();
  const std::size_t n = iterations(fallback_iterations);
  rng r(seed ^ type_seed(name));
  for (std::size_t it = 0; it < n; ++it) {
    arena texts;
    generator g{r, texts};
    T expected{};
    std::string doc;
    g.make(expected, doc);
    if (::testing::Test::HasFatalFailure()) return;
    std::string buffer = doc;
    T decoded{};
    auto res = json::decode(buffer, decoded);
    if (!res) {
      ADD_FAILURE() << name << ": a generated document does not decode: " << res.error()
                    << "\n  BETWIRE_PROPERTY_SEED=" << seed << ", iteration " << it << "\n  document: " << excerpt(doc);
      return;
    }
    std::string path(name);
    if (!same(expected, decoded, path)) {
      ADD_FAILURE() << name << ": decoded value differs at " << path << "\n  BETWIRE_PROPERTY_SEED=" << seed
                    << ", iteration " << it << "\n  document: " << excerpt(doc);
      return;
    }
    // A warm object (containers and optionals filled by the previous decode) gives the same.
    std::string again = doc;
    res = json::decode(again, decoded);
    path.assign(name);
    if (!res || !same(expected, decoded, path)) {
      ADD_FAILURE() << name << ": a second decode into the same object differs at " << path
                    << "\n  BETWIRE_PROPERTY_SEED=" << seed << ", iteration " << it << "\n  document: " << excerpt(doc);
      return;
    }
  }
}

// ---- property 2: encode then decode is the identity for request types ------------------------------

template <class T>
void check_encode_decode(std::string_view name, std::size_t fallback_iterations = 300) {
  const std::uint64_t seed = base_seed();
  const std::size_t n = iterations(fallback_iterations);
  rng r(seed ^ type_seed(name) ^ 0x5bd1e995u);
  for (std::size_t it = 0; it < n; ++it) {
    arena texts;
    generator g{r, texts};
    T value{};
    std::string unused;
    g.make(value, unused);
    if (::testing::Test::HasFatalFailure()) return;
    std::string encoded;
    if (auto e = json::encode(value, encoded); !e) {
      ADD_FAILURE() << name << ": encode failed: " << e.error() << "\n  BETWIRE_PROPERTY_SEED=" << seed << ", iteration " << it;
      return;
    }
    std::string buffer = encoded;
    T decoded{};
    auto res = json::decode(buffer, decoded);
    std::string path(name);
    if (!res || !same(value, decoded, path)) {
      ADD_FAILURE() << name << ": encode then decode is not the identity"
                    << (res ? " at " + path : std::string(": ") + std::string(res.error().message))
                    << "\n  BETWIRE_PROPERTY_SEED=" << seed << ", iteration " << it << "\n  encoded: " << excerpt(encoded);
      return;
    }
    std::string reencoded;
    ASSERT_TRUE(json::encode(decoded, reencoded));
    if (reencoded != encoded) {
      ADD_FAILURE() << name << ": re-encoding the decoded value gives other bytes\n  BETWIRE_PROPERTY_SEED=" << seed
                    << ", iteration " << it << "\n  first: " << excerpt(encoded) << "\n  again: " << excerpt(reencoded);
      return;
    }
  }
}

// The ABP account bodies hold their credentials (password, meta) as betwire::secret, which is
// never decoded: the generator makes a mirror of each request with plain values in their place
// (meta: a JSON object of strings), the request built from the mirror goes through the endpoint's
// own body writer, and the body must decode back to the mirror.
namespace account_mirror {
struct create {
  static constexpr bw::naming betwire_naming = bw::naming::camel_case;
  std::string bookmaker;
  std::string username;
  std::optional<std::string> password;
  std::optional<bw::decimal> balance;
  std::optional<bool> active;
  std::optional<std::int64_t> priority;
  std::optional<bw::decimal> max_stake;
  std::optional<bw::decimal> min_stake;
  std::optional<std::string> currency_id;
  std::optional<std::map<std::string, std::string>> meta;
};
struct update {
  static constexpr bw::naming betwire_naming = bw::naming::camel_case;
  std::optional<std::string> password;
  std::optional<bw::decimal> balance;
  std::optional<bool> active;
  std::optional<std::int64_t> priority;
  std::optional<bw::decimal> max_stake;
  std::optional<bw::decimal> min_stake;
  std::optional<std::string> currency_id;
  std::optional<std::map<std::string, std::string>> meta;
};

// The mirror has the request's members, in its order, with its names: a member added to the
// request and not here fails to compile.
template <class Mirror, class Req>
consteval bool mirrors() {
  if constexpr (reflect::field_count_v<Mirror> != reflect::field_count_v<Req>) return false;
  else
    return []<std::size_t... I>(std::index_sequence<I...>) {
      return ((reflect::member_name_v<Mirror, I> == reflect::member_name_v<Req, I>) && ...);
    }(std::make_index_sequence<reflect::field_count_v<Req>>{});
}
static_assert(mirrors<create, bw::abp::account_create_request>());
static_assert(mirrors<update, bw::abp::account_update_request>());

template <class Req, class Mirror>
Req request_of(const Mirror& m) {
  Req r{};
  if constexpr (requires { m.bookmaker; }) {
    r.bookmaker = m.bookmaker;
    r.username = m.username;
  }
  if (m.password) r.password = bw::secret(*m.password);
  r.balance = m.balance;
  r.active = m.active;
  r.priority = m.priority;
  r.max_stake = m.max_stake;
  r.min_stake = m.min_stake;
  r.currency_id = m.currency_id;
  if (m.meta) {
    std::string text;
    EXPECT_TRUE(json::encode(*m.meta, text));
    r.meta = bw::secret(text);
  }
  return r;
}
}  // namespace account_mirror

template <class Endpoint, class Mirror>
void check_account_body(std::string_view name) {
  using Req = bw::http::request_t<Endpoint>;
  static_assert(supported<Mirror>());
  const std::uint64_t seed = base_seed();
  const std::size_t n = iterations(300);
  rng r(seed ^ type_seed(name) ^ 0x5bd1e995u);
  for (std::size_t it = 0; it < n; ++it) {
    arena texts;
    generator g{r, texts};
    Mirror expected{};
    std::string unused;
    g.make(expected, unused);
    if (::testing::Test::HasFatalFailure()) return;
    const Req request = account_mirror::request_of<Req>(expected);
    std::string body;
    if (auto e = Endpoint::encode_body(request, body); !e) {
      ADD_FAILURE() << name << ": encode failed: " << e.error() << "\n  BETWIRE_PROPERTY_SEED=" << seed << ", iteration " << it;
      return;
    }
    std::string buffer = body;
    Mirror decoded{};
    auto res = json::decode(buffer, decoded);
    std::string path(name);
    if (!res || !same(expected, decoded, path)) {
      ADD_FAILURE() << name << ": encode then decode is not the identity"
                    << (res ? " at " + path : std::string(": ") + std::string(res.error().message))
                    << "\n  BETWIRE_PROPERTY_SEED=" << seed << ", iteration " << it << "\n  encoded: " << excerpt(body);
      return;
    }
  }
}

TEST(PropertyEndpoints, AbpAccountBodiesWithSecrets) {
  namespace ep = bw::abp::endpoints;
  check_account_body<ep::create_account<>, account_mirror::create>("abp::account_create_request");
  check_account_body<ep::update_account<>, account_mirror::update>("abp::account_update_request");
}

// Every endpoint of a list: its request type, encode then decode (request_type http::none has
// nothing to encode); its response type, generated documents decode (unless the endpoint decodes
// with its own code: envelopes, wire forms that differ from the type). Types the generator cannot
// make are named on stdout and left to the endpoint tests.
template <class T>
std::string type_name() {
  return typeid(T).name();
}
template <class... E>
void check_endpoints() {
  (
      [] {
        using Req = bw::http::request_t<E>;
        using Resp = bw::http::response_t<E>;
        if constexpr (!std::is_same_v<Req, bw::http::none>) {
          if constexpr (supported<Req>()) check_encode_decode<Req>(type_name<Req>());
          else std::printf("property_test: request %s has members the generator does not make\n", type_name<Req>().c_str());
        }
        if constexpr (!std::is_same_v<Resp, bw::http::none> && !bw::http::detail::has_decode<E>) {
          if constexpr (supported<Resp>()) check_decodes<Resp>(type_name<Resp>(), 100);
          else std::printf("property_test: response %s has members the generator does not make\n", type_name<Resp>().c_str());
        }
      }(),
      ...);
}

TEST(PropertyEndpoints, Abp) {
  namespace ep = bw::abp::endpoints;
  using sv = std::string_view;
  check_endpoints<ep::get_orders<>, ep::get_orders<sv>, ep::cancel_orders<>, ep::cancel_orders<sv>,
                  ep::cancel_all_orders<>, ep::cancel_all_orders<sv>, ep::place_orders<>, ep::place_orders<sv>,
                  ep::get_bets<>, ep::get_bets<sv>, ep::get_bet<>, ep::get_bet<sv>>();
  check_endpoints<ep::get_accounts<>, ep::get_accounts<sv>, ep::create_account<>, ep::create_account<sv>,
                  ep::get_account<>, ep::get_account<sv>, ep::update_account<>, ep::update_account<sv>,
                  ep::delete_account>();
  check_endpoints<ep::get_betslip<>, ep::get_betslip<sv>, ep::get_fixtures_betslip<>, ep::get_fixtures_betslip<sv>,
                  ep::get_markets<>, ep::get_markets<sv>, ep::get_fixtures_markets<>, ep::get_fixtures_markets<sv>,
                  ep::get_bookmakers<>, ep::get_bookmakers<sv>, ep::get_positions<>, ep::get_positions<sv>,
                  ep::get_pnl<>, ep::get_pnl<sv>, ep::health<>, ep::ready<>, ep::status<>>();
}

TEST(PropertyEndpoints, PredictStreet) {
  namespace ep = bw::predictstreet::endpoints;
  using sv = std::string_view;
  check_endpoints<ep::cancel_batch<>, ep::cancel_batch<sv>, ep::cancel<>, ep::cancel<sv>, ep::cancel_all<>,
                  ep::cancel_all<sv>, ep::open_orders<>, ep::open_orders<sv>, ep::history<>, ep::history<sv>,
                  ep::get_order<>, ep::get_order<sv>, ep::get_fills<>, ep::get_fills<sv>>();
}

TEST(PropertyEndpoints, Opinion) {
  namespace ep = bw::opinion::endpoints;
  using sv = std::string_view;
  check_endpoints<ep::get_orders<>, ep::get_orders<sv>, ep::get_order<>, ep::get_order<sv>, ep::cancel_order<>,
                  ep::cancel_order<sv>>();
}

// Types decoded from JSON outside an endpoint's plain decode: the stream's messages, and
// Opinion's payloads (inside the envelope that opinion's endpoints unwrap with their own code).
TEST(PropertyDecode, AbpStreamMessages) {
  namespace abp = bw::abp;
  check_decodes<abp::stream_order>("abp::stream_order");
  check_decodes<abp::stream_order_view>("abp::stream_order_view");
  check_decodes<abp::stream_bet>("abp::stream_bet");
  check_decodes<abp::stream_bet_view>("abp::stream_bet_view");
  check_decodes<abp::stream_balance>("abp::stream_balance");
  check_decodes<abp::stream_emergency>("abp::stream_emergency");
  check_decodes<abp::stream_betslip>("abp::stream_betslip");
  check_decodes<abp::stream_betslip_view>("abp::stream_betslip_view");
  check_decodes<abp::stream_login_ok>("abp::stream_login_ok");
  check_decodes<abp::stream_channels_updated>("abp::stream_channels_updated");
  check_decodes<abp::stream_subscribed_betslip>("abp::stream_subscribed_betslip");
  check_decodes<abp::stream_error>("abp::stream_error");
}

TEST(PropertyDecode, OpinionPayloads) {
  namespace op = bw::opinion;
  check_decodes<op::orders_page>("opinion::orders_page", 100);
  check_decodes<op::orders_page_view>("opinion::orders_page_view", 100);
  check_decodes<op::order>("opinion::order");
  check_decodes<op::order_view>("opinion::order_view");
  check_decodes<op::order_detail>("opinion::order_detail");
  check_decodes<op::order_detail_view>("opinion::order_detail_view");
  check_decodes<op::trade>("opinion::trade");
}

// The generator itself: its spellings are what the grammar allows and mean what it says.
TEST(PropertyGenerator, NumberSpellingsKeepTheirValue) {
  rng r(base_seed());
  for (int i = 0; i < 2000; ++i) {
    const std::string digits = std::to_string(1 + r.pick(999999));
    const int exp = static_cast<int>(r.pick(9)) - 5;
    const std::string text = spell_number(false, digits, exp, r, false);
    bw::decimal got;
    ASSERT_EQ(bw::decimal::from_chars(text, got), bw::errc::none) << text;
    bw::decimal want;
    ASSERT_EQ(bw::decimal::from_parts(std::stoll(digits), exp, want), bw::errc::none);
    EXPECT_TRUE(got == want) << text << " is not " << digits << "e" << exp;
    ASSERT_TRUE(json::validate(text)) << text;
  }
}

}  // namespace
