#ifndef BETWIRE_REFLECT_FIELDS_HPP
#define BETWIRE_REFLECT_FIELDS_HPP

// Aggregate reflection: how many fields a struct has, access to each, and each member's own name,
// all at compile time and without macros or member lists.

#include <betwire/core/config.hpp>
#include <betwire/reflect/detail/bindings.hpp>

#include <cstddef>
#include <string_view>
#include <type_traits>
#include <utility>

BETWIRE_BEGIN_NAMESPACE
namespace reflect {

namespace detail {

// Converts to anything; only ever used in unevaluated brace-initialisation to count fields.
struct any_field {
  template <class T>
  operator T() const noexcept;  // NOLINT: implicit on purpose; declared, never defined
};

template <class T, std::size_t... I>
constexpr bool brace_initializable(std::index_sequence<I...>) noexcept {
  return requires { T{(void(I), any_field{})...}; };
}

template <class T, std::size_t N>
constexpr bool initializable_with() noexcept {
  return brace_initializable<T>(std::make_index_sequence<N>{});
}

// An aggregate accepts any number of initialisers up to its field count, so the count is the
// largest N that works. Probing 1, 2, 4, ... until one fails and then searching between the last
// two keeps both the number of probes and their sizes small for the usual small structs (a probe
// of N initialisers costs the compiler N conversions): an 11-field struct costs 64 of them, where
// bisecting [0, max_fields] cost 123.
template <class T, std::size_t Lo, std::size_t Hi>
constexpr std::size_t count_fields() noexcept {  // the largest N in [Lo, Hi] that works; Lo works
  if constexpr (Lo == Hi) {
    return Lo;
  } else {
    constexpr std::size_t mid = Lo + (Hi - Lo + 1) / 2;
    if constexpr (initializable_with<T, mid>())
      return count_fields<T, mid, Hi>();
    else
      return count_fields<T, Lo, mid - 1>();
  }
}

template <class T, std::size_t N>  // N works (or is 0); is 2N (capped at max_fields) too many?
constexpr std::size_t gallop_fields() noexcept {
  constexpr std::size_t next = 2 * N + (N == 0 ? 1 : 0) < max_fields ? 2 * N + (N == 0 ? 1 : 0) : max_fields;
  if constexpr (N == max_fields)
    return N;
  else if constexpr (initializable_with<T, next>())
    return gallop_fields<T, next>();
  else
    return count_fields<T, N, next - 1>();
}

}  // namespace detail

// A struct betwire can reflect: a plain aggregate class (no bases, no C arrays, no references).
template <class T>
concept reflectable = std::is_class_v<T> && std::is_aggregate_v<T> && !std::is_union_v<T>;

template <reflectable T>
inline constexpr std::size_t field_count_v =
    detail::gallop_fields<std::remove_cv_t<T>, 0>();

template <class T>
inline constexpr bool is_reflectable_v = reflectable<T>;

// Calls f(member, std::integral_constant<std::size_t, I>{}) for every member in declaration order.
template <class T, class F>
  requires reflectable<std::remove_cvref_t<T>>
constexpr void for_each_field(T& obj, F&& f) {
  constexpr std::size_t n = field_count_v<std::remove_cvref_t<T>>;
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    detail::visit_members<n>(obj, [&](auto&... members) {
      (f(members, std::integral_constant<std::size_t, I>{}), ...);
    });
  }(std::make_index_sequence<n>{});
}

namespace detail {
// The I-th of a pack by overload resolution on a struct with one base per element. All of an
// object's member addresses are collected in one such struct by one visit per type; picking the
// I-th is then a base-class lookup, with no instantiation of the visit per index (visiting once
// per index cost N instantiations of an N-member structured binding, for every reflected type).
template <std::size_t J, class T>
struct indexed_address {
  T* address;
};
template <class Indices, class... Ts>
struct member_addresses;
template <std::size_t... J, class... Ts>
struct member_addresses<std::index_sequence<J...>, Ts...> : indexed_address<J, Ts>... {};
template <std::size_t I, class T>
constexpr T* address_at(const indexed_address<I, T>& a) noexcept {
  return a.address;
}
struct collect_addresses {
  template <class... Ts>
  constexpr auto operator()(Ts&... members) const noexcept {
    return member_addresses<std::index_sequence_for<Ts...>, Ts...>{{&members}...};
  }
};
template <class T>
constexpr auto addresses_of(T& obj) noexcept {
  return visit_members<field_count_v<std::remove_cv_t<T>>>(obj, collect_addresses{});
}
}  // namespace detail

// The I-th member of obj, by reference.
template <std::size_t I, class T>
  requires reflectable<std::remove_cvref_t<T>>
constexpr auto& get(T& obj) noexcept {
  static_assert(I < field_count_v<std::remove_cvref_t<T>>, "betwire: field index out of range");
  return *detail::address_at<I>(detail::addresses_of(obj));
}

template <class T, std::size_t I>
using field_type_t = std::remove_cvref_t<decltype(get<I>(std::declval<T&>()))>;

// ---- member names ------------------------------------------------------------------------------

namespace detail {

// Never defined: only the addresses of its members are used, as template arguments.
template <class T>
struct object_holder {
  const T value;
};
#if defined(__clang__)
// phantom<T> of a function-local T has internal linkage; clang then warns that it is not defined,
// which it never needs to be. The warning points at this declaration.
#  pragma clang diagnostic push
#  pragma clang diagnostic ignored "-Wundefined-internal"
#endif
template <class T>
extern const object_holder<T> phantom;
#if defined(__clang__)
#  pragma clang diagnostic pop
#endif

template <auto Ptr>
consteval std::string_view pretty_name_of() noexcept {
  return __PRETTY_FUNCTION__;
}

#if defined(__clang__)
#  pragma clang diagnostic push
#  pragma clang diagnostic ignored "-Wundefined-var-template"
#endif
template <class T, std::size_t I>
consteval auto member_address() noexcept {
  return address_at<I>(addresses_of(phantom<T>.value));
}
#if defined(__clang__)
#  pragma clang diagnostic pop
#endif

struct name_probe {
  int betwire_probe_member;
};

constexpr bool is_identifier_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// What the compiler prints after the member name is the same for every member, so it is measured
// once on a probe and cut off everywhere; the name is the identifier that ends there.
consteval std::size_t pretty_suffix_length() noexcept {
  constexpr std::string_view probe = pretty_name_of<member_address<name_probe, 0>()>();
  constexpr std::string_view name = "betwire_probe_member";
  const std::size_t pos = probe.rfind(name);
  return pos == std::string_view::npos ? std::string_view::npos
                                       : probe.size() - (pos + name.size());
}

consteval std::string_view identifier_before_suffix(std::string_view pretty) noexcept {
  constexpr std::size_t suffix = pretty_suffix_length();
  if (suffix == std::string_view::npos || suffix > pretty.size()) return {};
  const std::size_t end = pretty.size() - suffix;
  std::size_t begin = end;
  while (begin > 0 && is_identifier_char(pretty[begin - 1])) --begin;
  return pretty.substr(begin, end - begin);
}

template <class T, std::size_t I>
consteval std::string_view extract_member_name() noexcept {
  return identifier_before_suffix(pretty_name_of<member_address<T, I>()>());
}

}  // namespace detail

// The C++ name of the I-th member of T, as written in its declaration.
template <class T, std::size_t I>
inline constexpr std::string_view member_name_v = detail::extract_member_name<std::remove_cv_t<T>, I>();

// ---- compile-time self-test ----------------------------------------------------------------------
// If a compiler prints __PRETTY_FUNCTION__ in a way the extraction does not understand, fail here,
// loudly, rather than sending wrong keys to a venue.
namespace detail::self_test {
struct sample {
  int order_id;
  double x;
  char participant1_id;
  int _leading;
  bool trailing_;
};
template <class U>
struct templated_sample {
  U value_of_u;
  int count;
};
static_assert(field_count_v<sample> == 5, "betwire: field counting is broken on this compiler");
static_assert(member_name_v<sample, 0> == "order_id",
              "betwire: member name extraction is broken on this compiler");
static_assert(member_name_v<sample, 1> == "x");
static_assert(member_name_v<sample, 2> == "participant1_id");
static_assert(member_name_v<sample, 3> == "_leading");
static_assert(member_name_v<sample, 4> == "trailing_");
static_assert(member_name_v<templated_sample<sample>, 0> == "value_of_u");
static_assert(member_name_v<templated_sample<sample>, 1> == "count");
}  // namespace detail::self_test

}  // namespace reflect
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_REFLECT_FIELDS_HPP
