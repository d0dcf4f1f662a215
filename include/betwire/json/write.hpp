#ifndef BETWIRE_JSON_WRITE_HPP
#define BETWIRE_JSON_WRITE_HPP

// json::encode: C++ values -> compact JSON, into a caller-owned std::string whose capacity is
// reused. Keys are spelled out at compile time; decimals and timestamps are written back exactly
// as they were read; doubles use the shortest text that reads back to the same value.

#include <betwire/core/config.hpp>
#include <betwire/core/decimal.hpp>
#include <betwire/core/error.hpp>
#include <betwire/core/result.hpp>
#include <betwire/core/timestamp.hpp>
#include <betwire/json/detail/scan.hpp>
#include <betwire/json/detail/traits.hpp>
#include <betwire/json/options.hpp>
#include <betwire/json/quoted.hpp>
#include <betwire/json/raw.hpp>
#include <betwire/reflect/enums.hpp>
#include <betwire/reflect/fields.hpp>
#include <betwire/reflect/naming.hpp>

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

BETWIRE_BEGIN_NAMESPACE
namespace json {

namespace detail {

struct write_context {
  explicit write_context(std::string& buffer) noexcept : out(buffer) {}

  std::string& out;
  errc code = errc::none;
  const char* message = "";
  std::string path;  // where the failure is, built only on failure

  BETWIRE_NOINLINE bool fail(errc c, const char* why) {
    code = c;
    message = why;
    return false;
  }
  // Steps are added innermost first, so each goes in front of what is there.
  BETWIRE_NOINLINE void push_key(std::string_view key) {
    std::string step(key);
    if (!path.empty() && path[0] != '[') step.push_back('.');
    path.insert(0, step);
  }
  BETWIRE_NOINLINE void push_index(std::size_t i) {
    std::string step = "[";
    step.append(std::to_string(i)).push_back(']');
    if (!path.empty() && path[0] != '[') step.push_back('.');
    path.insert(0, step);
  }
};

// `"key":` for every field, spelled out at compile time.
consteval bool needs_no_escaping(std::string_view key) {
  for (char ch : key)
    if (ch == '"' || ch == '\\' || static_cast<unsigned char>(ch) < 0x20) return false;
  return true;
}
template <class T, std::size_t I>
consteval auto make_quoted_key() {
  constexpr std::string_view key = reflect::wire_name_v<T, I>;
  static_assert(needs_no_escaping(key), "betwire: wire keys must not need escaping");
  reflect::detail::fixed_chars<key.size() + 3> out;
  out.data[0] = '"';
  for (std::size_t i = 0; i < key.size(); ++i) out.data[i + 1] = key[i];
  out.data[key.size() + 1] = '"';
  out.data[key.size() + 2] = ':';
  return out;
}
template <class T, std::size_t I>
inline constexpr auto quoted_key_v = make_quoted_key<T, I>();

inline constexpr char hex_digits[] = "0123456789abcdef";

// Appends text as a JSON string: quotes, escapes, and a check that it is valid UTF-8.
inline bool write_string(std::string_view text, write_context& w) {
  std::string& out = w.out;
  out.push_back('"');
  const char* p = text.data();
  const char* const end = p + text.size();
  const char* run = p;  // start of the bytes not yet copied
  while (p < end) {
    if (end - p >= 8 && block_is_plain(load8(p))) {
      p += 8;
      continue;
    }
    const auto ch = static_cast<unsigned char>(*p);
    if (ch >= 0x80) {
      const std::size_t n = utf8_sequence_length(p, end);
      if (n == 0) return w.fail(errc::invalid_utf8, "string is not valid UTF-8");
      p += n;
      continue;
    }
    if (ch >= 0x20 && ch != '"' && ch != '\\') {
      ++p;
      continue;
    }
    out.append(run, static_cast<std::size_t>(p - run));
    switch (ch) {
      case '"': out.append("\\\"", 2); break;
      case '\\': out.append("\\\\", 2); break;
      case '\n': out.append("\\n", 2); break;
      case '\r': out.append("\\r", 2); break;
      case '\t': out.append("\\t", 2); break;
      case '\b': out.append("\\b", 2); break;
      case '\f': out.append("\\f", 2); break;
      default: {
        const char esc[6] = {'\\', 'u', '0', '0', hex_digits[ch >> 4], hex_digits[ch & 0xF]};
        out.append(esc, 6);
      }
    }
    run = ++p;
  }
  out.append(run, static_cast<std::size_t>(end - run));
  out.push_back('"');
  return true;
}

template <class Int>
inline void write_integer(Int v, write_context& w) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  w.out.append(buf, static_cast<std::size_t>(r.ptr - buf));
}

template <class Float>
inline bool write_floating(Float v, write_context& w) {
  if (!std::isfinite(v)) return w.fail(errc::invalid_value, "NaN and infinity have no JSON form");
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  w.out.append(buf, static_cast<std::size_t>(r.ptr - buf));
  return true;
}

template <write_options O, class T>
bool write_value(const T& value, write_context& w);

template <write_options O, class T>
inline bool write_object(const T& obj, write_context& w) {
  w.out.push_back('{');
  bool first = true;
  bool ok = true;
  reflect::for_each_field(obj, [&](const auto& field, auto index) {
    if (!ok) return;
    constexpr std::size_t I = decltype(index)::value;
    using F = std::remove_cvref_t<decltype(field)>;
    if constexpr (is_optional_v<F>) {
      if (!field.has_value() && !O.write_null_optionals) return;
    }
    if (!first) w.out.push_back(',');
    first = false;
    w.out.append(quoted_key_v<T, I>.view());
    if (!write_value<O>(field, w)) {
      w.push_key(reflect::wire_name_v<T, I>);
      ok = false;
    }
  });
  w.out.push_back('}');
  return ok;
}

template <write_options O, class Range>
inline bool write_sequence(const Range& range, write_context& w) {
  w.out.push_back('[');
  std::size_t i = 0;
  for (const auto& element : range) {
    if (i != 0) w.out.push_back(',');
    if (!write_value<O>(element, w)) {
      w.push_index(i);
      return false;
    }
    ++i;
  }
  w.out.push_back(']');
  return true;
}

template <write_options O, class Map>
inline bool write_map(const Map& map, write_context& w) {
  w.out.push_back('{');
  bool first = true;
  for (const auto& [key, value] : map) {
    if (!first) w.out.push_back(',');
    first = false;
    if (!write_string(key, w)) return false;
    w.out.push_back(':');
    if (!write_value<O>(value, w)) {
      w.push_key(key);
      return false;
    }
  }
  w.out.push_back('}');
  return true;
}

template <write_options O, class T>
bool write_value(const T& value, write_context& w) {
  if constexpr (is_optional_v<T>) {
    if (!value.has_value()) {
      w.out.append("null", 4);
      return true;
    }
    return write_value<O>(*value, w);
  } else if constexpr (std::is_same_v<T, bool>) {
    if (value)
      w.out.append("true", 4);
    else
      w.out.append("false", 5);
    return true;
  } else if constexpr (std::is_enum_v<T>) {
    if constexpr (reflect::enum_is_integer_v<T>) {
      write_integer(static_cast<std::underlying_type_t<T>>(value), w);
      return true;
    } else {
      const std::string_view wire = reflect::enum_to_wire(value);
      if (wire.empty()) return w.fail(errc::invalid_value, "enum value without a wire name");
      return write_string(wire, w);
    }
  } else if constexpr (is_quoted_v<T>) {
    w.out.push_back('"');
    write_integer(value.value, w);
    w.out.push_back('"');
    return true;
  } else if constexpr (std::is_integral_v<T>) {
    write_integer(value, w);
    return true;
  } else if constexpr (std::is_floating_point_v<T>) {
    return write_floating(value, w);
  } else if constexpr (std::is_same_v<T, decimal>) {
    const bool quoted = value.wire_form() == decimal::form::string;
    if (quoted) w.out.push_back('"');
    w.out.append(value.text());
    if (quoted) w.out.push_back('"');
    return true;
  } else if constexpr (std::is_same_v<T, timestamp>) {
    char buf[timestamp::max_text];
    const char* end = value.to_chars(buf, buf + sizeof buf);
    if (end == nullptr) return w.fail(errc::invalid_timestamp, "timestamp cannot be written");
    const bool quoted = value.wire_form() == timestamp::form::iso8601;
    if (quoted) w.out.push_back('"');
    w.out.append(buf, static_cast<std::size_t>(end - buf));
    if (quoted) w.out.push_back('"');
    return true;
  } else if constexpr (string_like<T>) {
    return write_string(value, w);
  } else if constexpr (is_raw_v<T>) {
    const std::string_view text = value.text;
    if (text.empty()) {
      w.out.append("null", 4);
      return true;
    }
    // Raw text is checked before it is spliced in, so it can never break the document around it.
    char* first = const_cast<char*>(text.data());  // skip_value never writes
    read_context c(first, first + text.size(), read_options{}.max_depth);
    skip_ws(c);
    if (!skip_value<true>(c)) return w.fail(errc::invalid_value, "raw value is not valid JSON");
    skip_ws(c);
    if (!c.at_end()) return w.fail(errc::invalid_value, "raw value is not a single JSON value");
    w.out.append(text);
    return true;
  } else if constexpr (is_vector_v<T> || is_std_array_v<T>) {
    return write_sequence<O>(value, w);
  } else if constexpr (is_string_keyed_map_v<T>) {
    return write_map<O>(value, w);
  } else if constexpr (reflect::reflectable<T>) {
    return write_object<O>(value, w);
  } else {
    static_assert(dependent_false_v<T>, "betwire::json: this type cannot be encoded");
    return false;
  }
}

}  // namespace detail

// Encodes value as compact JSON into out, replacing its contents and reusing its capacity.
template <write_options O = write_options{}, class T>
[[nodiscard]] result<void> encode(const T& value, std::string& out) {
  out.clear();
  detail::write_context w(out);
  if (BETWIRE_UNLIKELY(!detail::write_value<O>(value, w))) {
    error e(error_category::validation, w.code, w.message);
    e.path = std::move(w.path);
    out.clear();
    return fail(std::move(e));
  }
  return {};
}

// Encodes value into a new string.
template <write_options O = write_options{}, class T>
[[nodiscard]] result<std::string> encode(const T& value) {
  std::string out;
  auto r = encode<O>(value, out);
  if (!r) return fail(std::move(r).error());
  return out;
}

}  // namespace json
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_JSON_WRITE_HPP
