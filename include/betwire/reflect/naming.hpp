#ifndef BETWIRE_REFLECT_NAMING_HPP
#define BETWIRE_REFLECT_NAMING_HPP

// Wire names: a member's key on the wire is its C++ name transformed by a naming rule, declared
// once per namespace or per type, with per-field overrides for irregular keys.
//
//   namespace venue {
//   // every type in this namespace: snake_case members, camelCase keys
//   consteval betwire::naming betwire_naming(auto*) { return betwire::naming::camel_case; }
//   struct bet {
//     std::int64_t bet_id;                 // "betId"
//     std::string_view bookmaker_bet_id;   // irregular: overridden below
//     static constexpr betwire::key_rename betwire_keys[] = {{"bookmaker_bet_id", "bookmakerBetID"}};
//   };
//   }
//
// A type can also set `static constexpr betwire::naming betwire_naming = ...;` itself, which wins
// over its namespace's rule.

#include <betwire/core/config.hpp>
#include <betwire/reflect/fields.hpp>

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>
#include <utility>

BETWIRE_BEGIN_NAMESPACE

enum class naming : std::uint8_t {
  identity,     // order_id      -> order_id
  camel_case,   // order_id      -> orderId,  participant1_id -> participant1Id
  pascal_case,  // order_id      -> OrderId
  upper_snake,  // partially_filled -> PARTIALLY_FILLED (usual for enum values)
  integer,      // enums only: the wire value is the enumerator's integer value
};

// One irregular key: the C++ member name and the key used on the wire instead.
struct key_rename {
  std::string_view member;
  std::string_view key;
};

namespace reflect {

namespace detail {

// N characters, NUL-terminated, zero-padded to whole 8-byte words plus one: readers compare keys a
// word at a time, and the padding keeps every such load inside the object.
template <std::size_t N>
struct fixed_chars {
  char data[(N + 8) / 8 * 8 + 8]{};
  [[nodiscard]] constexpr std::string_view view() const noexcept { return {data, N}; }
};

constexpr char ascii_upper(char c) noexcept { return (c >= 'a' && c <= 'z') ? char(c - 'a' + 'A') : c; }

// Applies `rule` to `name`; writes to out when it is not null; returns the length.
constexpr std::size_t apply_naming(std::string_view name, naming rule, char* out) noexcept {
  std::size_t n = 0;
  auto put = [&](char c) {
    if (out != nullptr) out[n] = c;
    ++n;
  };
  switch (rule) {
    case naming::identity:
    case naming::integer:
      for (char c : name) put(c);
      break;
    case naming::upper_snake:
      for (char c : name) put(ascii_upper(c));
      break;
    case naming::camel_case:
    case naming::pascal_case: {
      // Leading underscores are kept; each later underscore is dropped and the next character
      // capitalised.
      std::size_t i = 0;
      while (i < name.size() && name[i] == '_') put(name[i++]);
      bool upper_next = rule == naming::pascal_case;
      for (; i < name.size(); ++i) {
        const char c = name[i];
        if (c == '_' && i + 1 < name.size()) {
          upper_next = true;
          continue;
        }
        put(upper_next ? ascii_upper(c) : c);
        upper_next = false;
      }
      break;
    }
  }
  return n;
}

template <class T>
concept has_member_naming = requires {
  { T::betwire_naming } -> std::convertible_to<naming>;
};
template <class T>
concept has_namespace_naming = requires(T* p) {
  { betwire_naming(p) } -> std::convertible_to<naming>;
};
template <class T>
concept has_key_renames = requires {
  { T::betwire_keys[0] } -> std::convertible_to<const key_rename&>;
  std::extent_v<decltype(T::betwire_keys)>;
};

}  // namespace detail

// The naming rule in force for type T.
template <class T>
consteval naming naming_of() noexcept {
  if constexpr (detail::has_member_naming<T>)
    return T::betwire_naming;
  else if constexpr (detail::has_namespace_naming<T>)
    return betwire_naming(static_cast<T*>(nullptr));
  else
    return naming::identity;
}

namespace detail {

template <class T>
consteval std::string_view renamed_key(std::string_view member) noexcept {
  if constexpr (has_key_renames<T>) {
    for (const key_rename& r : T::betwire_keys)
      if (r.member == member) return r.key;
  }
  return {};
}

// Every rename must name a real member: a typo would otherwise silently send the default key.
template <class T>
consteval bool renames_name_members() noexcept {
  if constexpr (has_key_renames<T>) {
    constexpr std::size_t n = field_count_v<T>;
    bool ok = true;
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      for (const key_rename& r : T::betwire_keys)
        ok = ok && ((r.member == member_name_v<T, I>) || ...);
    }(std::make_index_sequence<n>{});
    return ok;
  } else {
    return true;
  }
}

template <class T, std::size_t I>
consteval auto make_wire_name() noexcept {
  constexpr std::string_view member = member_name_v<T, I>;
  constexpr naming rule = naming_of<T>();
  constexpr std::size_t length = apply_naming(member, rule, nullptr);
  fixed_chars<length> out;
  apply_naming(member, rule, out.data);
  return out;
}

template <class T, std::size_t I>
inline constexpr auto wire_name_storage = make_wire_name<T, I>();

template <class T, std::size_t I>
consteval std::string_view wire_name() noexcept {
  static_assert(renames_name_members<T>(),
                "betwire: a betwire_keys entry names a member that does not exist");
  constexpr std::string_view renamed = renamed_key<T>(member_name_v<T, I>);
  if constexpr (!renamed.empty())
    return renamed;
  else
    return wire_name_storage<T, I>.view();
}

}  // namespace detail

// The key of T's I-th member on the wire (JSON key, query parameter name).
template <class T, std::size_t I>
inline constexpr std::string_view wire_name_v = detail::wire_name<std::remove_cv_t<T>, I>();

// All of T's wire names, in member order.
template <class T>
inline constexpr std::array<std::string_view, field_count_v<T>> wire_names_v =
    []<std::size_t... I>(std::index_sequence<I...>) {
      return std::array<std::string_view, sizeof...(I)>{wire_name_v<T, I>...};
    }(std::make_index_sequence<field_count_v<T>>{});

namespace detail::self_test {
static_assert(apply_naming("participant1_id", naming::camel_case, nullptr) == 14);
consteval bool camel_case_works() {
  char buf[32]{};
  const std::size_t n = apply_naming("participant1_id", naming::camel_case, buf);
  return std::string_view(buf, n) == "participant1Id";
}
static_assert(camel_case_works());
}  // namespace detail::self_test

}  // namespace reflect
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_REFLECT_NAMING_HPP
