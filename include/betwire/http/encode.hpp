#ifndef BETWIRE_HTTP_ENCODE_HPP
#define BETWIRE_HTTP_ENCODE_HPP

// Encoding what goes into a request target:
//
// * percent_encode: RFC 3986 percent-encoding. Only the unreserved set (ALPHA DIGIT - . _ ~) is left
//   as it is; every other byte — including '&', '=', '+', ',', '/', '%', space and each byte of a
//   UTF-8 sequence — becomes %XX (upper-case hex). So user input can never add a parameter, end a
//   value or change the path.
// * encode_query: a reflected query struct to "?k=v&k2=v2". Keys are the fields' wire names (the
//   venue's naming rule and per-field overrides). Values: strings as they are, bools as true/false,
//   integers in decimal, exact decimals through text(), UUIDs through text(), timestamps through
//   to_chars, enums through their wire name, optionals when engaged, and ranges (std::vector,
//   std::span, std::array) joined by commas with each element percent-encoded on its own (a comma
//   inside an element is sent as %2C, the separators as ','). Empty strings, empty ranges and empty
//   optionals are left out. Floating-point members are refused at compile time: money is exact.
//   A query type may also name members (by C++ name) that are left out while they equal their
//   value-initialised value (0, false, an enum's 0) — for filters where 0 means "no filter":
//     struct orders_query {
//       std::int64_t market_id = 0;
//       static constexpr std::string_view betwire_omit_zero[] = {"market_id"};
//     };
// * fill_path: "/bets/{betId}" with the field whose wire name is betId, percent-encoded as a path
//   segment (a '/' in a value is %2F). An empty value is refused: it would change the route.
//
// Everything appends to a caller-owned std::string, so a warm buffer never allocates.

#include <betwire/core/config.hpp>
#include <betwire/core/error.hpp>
#include <betwire/core/result.hpp>
#include <betwire/json/detail/traits.hpp>
#include <betwire/reflect/reflect.hpp>

#include <charconv>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ranges>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

BETWIRE_BEGIN_NAMESPACE
namespace http {

[[nodiscard]] constexpr bool is_unreserved(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

// Appends `in` percent-encoded (RFC 3986 §2.1, unreserved set kept) to `out`.
inline void percent_encode(std::string_view in, std::string& out) {
  constexpr char hex[] = "0123456789ABCDEF";
  std::size_t extra = 0;
  for (char c : in) extra += is_unreserved(c) ? 0 : 2;
  const std::size_t at = out.size();
  out.resize(at + in.size() + extra);
  char* p = out.data() + at;
  for (char c : in) {
    if (is_unreserved(c)) {
      *p++ = c;
    } else {
      const auto b = static_cast<unsigned char>(c);
      *p++ = '%';
      *p++ = hex[b >> 4];
      *p++ = hex[b & 15];
    }
  }
}

// Decodes %XX sequences (for tests and tools; '+' is left as it is). nullopt on a malformed escape.
[[nodiscard]] inline std::optional<std::string> percent_decode(std::string_view in) {
  auto nib = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out.push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) return std::nullopt;
    const int hi = nib(in[i + 1]), lo = nib(in[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

// ---- values -------------------------------------------------------------------------------------

namespace detail {

// string_view::find compares pointers, which g++ 12 cannot constant-evaluate under
// -fsanitize=undefined when the text lives in a static member or a template argument object (ABP's
// descriptor paths): the path-template helpers search by index instead.
[[nodiscard]] constexpr std::size_t find_char(std::string_view s, char c, std::size_t from = 0) noexcept {
  for (std::size_t i = from; i < s.size(); ++i)
    if (s[i] == c) return i;
  return std::string_view::npos;
}

using json::detail::dependent_false_v;
using json::detail::is_optional_v;

// Broader than json::detail::string_like (exactly std::string or std::string_view): a query or path
// value may be anything that views as text, e.g. a const char* or the user's own string type.
template <class T>
concept views_as_string = std::is_convertible_v<const T&, std::string_view>;

template <class T>
concept has_text = requires(const T& v) {
  { v.text() } -> std::convertible_to<std::string_view>;
};

template <class T>
concept has_to_chars = requires(const T& v, char* p) { v.to_chars(p, p); };

template <class T>
concept value_range = std::ranges::input_range<const T> && !views_as_string<T> && !has_text<T> &&
                      !std::is_same_v<std::remove_cvref_t<std::ranges::range_value_t<const T>>, char>;

inline error bad_value(std::string_view what, std::string_view name) {
  std::string msg(what);
  msg.append(" '").append(name).append("'");
  return error(error_category::validation, errc::invalid_argument, std::move(msg));
}

// Appends one scalar value (not a range, not an optional), percent-encoded. `empty` is set when the
// value is textually empty.
template <class V>
result<void> append_scalar(const V& v, std::string& out, bool& empty, std::string_view name) {
  using T = std::remove_cvref_t<V>;
  empty = false;
  if constexpr (std::is_same_v<T, bool>) {
    out.append(v ? "true" : "false");
  } else if constexpr (std::is_enum_v<T> && reflect::enum_is_integer_v<T>) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf,
                                 static_cast<std::int64_t>(static_cast<std::underlying_type_t<T>>(v)));
    out.append(buf, static_cast<std::size_t>(r.ptr - buf));
  } else if constexpr (std::is_enum_v<T>) {
    const std::string_view w = reflect::enum_to_wire(v);
    if (w.empty()) return fail(bad_value("enum value without a wire name in", name));
    percent_encode(w, out);
  } else if constexpr (std::is_integral_v<T>) {
    char buf[24];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    out.append(buf, static_cast<std::size_t>(r.ptr - buf));
  } else if constexpr (std::is_floating_point_v<T>) {
    static_assert(dependent_false_v<T>,
                  "betwire: floating-point query/path values are not allowed; use betwire::decimal");
  } else if constexpr (views_as_string<T>) {
    const std::string_view s = v;
    empty = s.empty();
    percent_encode(s, out);
  } else if constexpr (has_text<T>) {
    const std::string_view s = v.text();
    empty = s.empty();
    percent_encode(s, out);
  } else if constexpr (has_to_chars<T>) {
    char buf[64];
    const auto r = v.to_chars(buf, buf + sizeof buf);
    const char* end = nullptr;
    if constexpr (std::is_pointer_v<decltype(r)>)
      end = r;
    else
      end = r.ptr;
    if (end == nullptr || end < buf || end > buf + sizeof buf)
      return fail(bad_value("could not format", name));
    const std::string_view s(buf, static_cast<std::size_t>(end - buf));
    empty = s.empty();
    percent_encode(s, out);
  } else {
    static_assert(dependent_false_v<T>,
                  "betwire: unsupported query/path value type (strings, bools, integers, enums, "
                  "decimal, uuid, timestamp, optionals and ranges of those are supported)");
  }
  return {};
}

// Appends `key=value` (with a leading '?' or '&') unless the value is empty. Ranges are joined by
// ','; optionals are unwrapped.
template <class V>
result<void> append_param(std::string_view key, const V& v, std::string& out, bool& first) {
  using T = std::remove_cvref_t<V>;
  if constexpr (is_optional_v<T>) {
    if (!v.has_value()) return {};
    return append_param(key, *v, out, first);
  } else {
    const std::size_t mark = out.size();
    out.push_back(first ? '?' : '&');
    percent_encode(key, out);
    out.push_back('=');
    const std::size_t value_at = out.size();
    bool empty = true;
    if constexpr (value_range<T>) {
      bool any = false;
      for (const auto& e : v) {
        if (any) out.push_back(',');
        bool e_empty = true;
        if (auto r = append_scalar(e, out, e_empty, key); !r) {
          out.resize(mark);
          return r;
        }
        any = true;
      }
      empty = !any;
    } else {
      if (auto r = append_scalar(v, out, empty, key); !r) {
        out.resize(mark);
        return r;
      }
    }
    if (empty || out.size() == value_at) {
      out.resize(mark);  // empty values are left out
    } else {
      first = false;
    }
    return {};
  }
}

template <class Q>
concept has_omit_zero = requires {
  { Q::betwire_omit_zero[0] } -> std::convertible_to<std::string_view>;
  std::extent_v<decltype(Q::betwire_omit_zero)>;
};

// Is member I of Q listed in Q::betwire_omit_zero?
template <class Q, std::size_t I>
[[nodiscard]] consteval bool omit_zero_member() {
  if constexpr (has_omit_zero<Q>) {
    for (std::string_view m : Q::betwire_omit_zero)
      if (m == reflect::member_name_v<Q, I>) return true;
  }
  return false;
}

// Every betwire_omit_zero entry must name a real member: a typo would otherwise send the 0.
template <class Q>
[[nodiscard]] consteval bool omit_zero_names_members() {
  if constexpr (has_omit_zero<Q>) {
    bool ok = true;
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      for (std::string_view m : Q::betwire_omit_zero)
        ok = ok && ((m == reflect::member_name_v<Q, I>) || ...);
    }(std::make_index_sequence<reflect::field_count_v<Q>>{});
    return ok;
  }
  return true;
}

// Does `tmpl` contain "{name}"?
[[nodiscard]] constexpr bool template_has_param(std::string_view tmpl, std::string_view name) noexcept {
  for (std::size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] != '{') continue;
    const std::size_t close = detail::find_char(tmpl, '}', i);
    if (close == std::string_view::npos) return false;
    if (tmpl.substr(i + 1, close - i - 1) == name) return true;
    i = close;
  }
  return false;
}

}  // namespace detail

// Appends the query string of `q` ("?a=1&b=x%20y", or nothing when every value is empty) to `out`.
// Fields whose wire name appears as "{name}" in `path_template` are path parameters and are skipped;
// so are fields listed in Q::betwire_omit_zero while they equal their value-initialised value.
template <class Q>
result<void> encode_query(const Q& q, std::string& out, std::string_view path_template = {}) {
  static_assert(reflect::is_reflectable_v<Q>, "betwire: a query type must be a reflectable aggregate");
  static_assert(detail::omit_zero_names_members<Q>(),
                "betwire: a betwire_omit_zero entry names a member that does not exist");
  bool first = out.find('?') == std::string::npos;
  result<void> status;
  reflect::for_each_field(q, [&](const auto& field, auto index) {
    if (!status) return;
    constexpr std::size_t I = decltype(index)::value;
    constexpr std::string_view key = reflect::wire_name_v<Q, I>;
    if (!path_template.empty() && detail::template_has_param(path_template, key)) return;
    if constexpr (detail::omit_zero_member<Q, I>()) {
      using F = std::remove_cvref_t<decltype(field)>;
      static_assert(std::equality_comparable<F> && std::is_default_constructible_v<F>,
                    "betwire: a betwire_omit_zero member must be comparable with its F{}");
      if (field == F{}) return;
    }
    status = detail::append_param(key, field, out, first);
  });
  return status;
}

// Compile-time check that every "{name}" of `tmpl` is a field of P (by wire name) and that the
// braces are balanced.
template <class P>
[[nodiscard]] consteval bool path_params_match(std::string_view tmpl) {
  for (std::size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] == '}') return false;
    if (tmpl[i] != '{') continue;
    const std::size_t close = detail::find_char(tmpl, '}', i);
    if (close == std::string_view::npos) return false;
    const std::string_view name = tmpl.substr(i + 1, close - i - 1);
    bool found = false;
    if constexpr (reflect::is_reflectable_v<P>) {
      [&]<std::size_t... I>(std::index_sequence<I...>) {
        ((found = found || reflect::wire_name_v<P, I> == name), ...);
      }(std::make_index_sequence<reflect::field_count_v<P>>{});
    }
    if (!found) return false;
    i = close;
  }
  return true;
}

// A template with no "{...}" at all.
[[nodiscard]] constexpr bool path_is_static(std::string_view tmpl) noexcept {
  return detail::find_char(tmpl, '{') == std::string_view::npos && detail::find_char(tmpl, '}') == std::string_view::npos;
}

// Appends `tmpl` with each "{name}" replaced by the percent-encoded value of P's field whose wire
// name is `name`. An empty value, or a name with no field, is a validation error.
template <class P>
result<void> fill_path(std::string_view tmpl, const P& params, std::string& out) {
  std::size_t i = 0;
  while (i < tmpl.size()) {
    const std::size_t open = tmpl.find('{', i);
    if (open == std::string_view::npos) {
      out.append(tmpl.substr(i));
      break;
    }
    out.append(tmpl.substr(i, open - i));
    const std::size_t close = tmpl.find('}', open);
    if (close == std::string_view::npos)
      return fail(detail::bad_value("unbalanced braces in path template", tmpl));
    const std::string_view name = tmpl.substr(open + 1, close - open - 1);
    bool found = false;
    result<void> status;
    if constexpr (reflect::is_reflectable_v<P>) {
      reflect::for_each_field(params, [&](const auto& field, auto index) {
        constexpr std::size_t I = decltype(index)::value;
        if (found || reflect::wire_name_v<P, I> != name) return;
        found = true;
        using F = std::remove_cvref_t<decltype(field)>;
        bool empty = true;
        if constexpr (detail::is_optional_v<F>) {
          if (field.has_value()) status = detail::append_scalar(*field, out, empty, name);
        } else {
          status = detail::append_scalar(field, out, empty, name);
        }
        if (status && empty) status = fail(detail::bad_value("empty path parameter", name));
      });
    }
    if (!found) return fail(detail::bad_value("no field for path parameter", name));
    if (!status) return status;
    i = close + 1;
  }
  return {};
}

}  // namespace http
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_HTTP_ENCODE_HPP
