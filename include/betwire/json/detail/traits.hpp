#ifndef BETWIRE_JSON_DETAIL_TRAITS_HPP
#define BETWIRE_JSON_DETAIL_TRAITS_HPP

// What kind of JSON value a C++ type maps to.

#include <betwire/core/config.hpp>
#include <betwire/json/object_map.hpp>
#include <betwire/json/raw.hpp>

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

BETWIRE_BEGIN_NAMESPACE
namespace json::detail {

template <class>
inline constexpr bool dependent_false_v = false;

template <class T>
inline constexpr bool is_optional_v = false;
template <class T>
inline constexpr bool is_optional_v<std::optional<T>> = true;

template <class T>
inline constexpr bool is_vector_v = false;
template <class T, class A>
inline constexpr bool is_vector_v<std::vector<T, A>> = !std::is_same_v<T, bool>;

template <class T>
inline constexpr bool is_std_array_v = false;
template <class T, std::size_t N>
inline constexpr bool is_std_array_v<std::array<T, N>> = true;

template <class T>
inline constexpr bool is_raw_v = false;
template <class Text>
inline constexpr bool is_raw_v<basic_raw<Text>> = true;

template <class T>
inline constexpr bool is_object_map_v = false;
template <class K, class V>
inline constexpr bool is_object_map_v<object_map<K, V>> = true;

template <class T>
concept string_like = std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view>;

// json::object_map, std::map, std::unordered_map, ... with std::string or std::string_view keys.
template <class T>
concept string_keyed_map = requires(T& m) {
  typename T::key_type;
  typename T::mapped_type;
  m.begin();
  m.end();
  m.clear();
} && string_like<typename T::key_type>;

template <class T>
inline constexpr bool is_string_keyed_map_v = string_keyed_map<T>;

}  // namespace json::detail
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_JSON_DETAIL_TRAITS_HPP
