#ifndef BETWIRE_JSON_OBJECT_MAP_HPP
#define BETWIRE_JSON_OBJECT_MAP_HPP

// json::object_map<K, V>: a JSON object with arbitrary keys (PredictStreet's
// `notCancelled: {id: reason}`), kept in document order in a vector so that decoding into a warm
// map reuses its capacity. Lookups are linear: these maps are small.

#include <betwire/core/config.hpp>

#include <cstddef>
#include <initializer_list>
#include <string_view>
#include <utility>
#include <vector>

BETWIRE_BEGIN_NAMESPACE
namespace json {

template <class Key, class Value>
class object_map {
 public:
  using key_type = Key;
  using mapped_type = Value;
  using value_type = std::pair<Key, Value>;
  using iterator = typename std::vector<value_type>::iterator;
  using const_iterator = typename std::vector<value_type>::const_iterator;

  object_map() = default;
  object_map(std::initializer_list<value_type> items) : items_(items) {}

  [[nodiscard]] std::size_t size() const noexcept { return items_.size(); }
  [[nodiscard]] bool empty() const noexcept { return items_.empty(); }
  iterator begin() noexcept { return items_.begin(); }
  iterator end() noexcept { return items_.end(); }
  const_iterator begin() const noexcept { return items_.begin(); }
  const_iterator end() const noexcept { return items_.end(); }
  void clear() noexcept { items_.clear(); }
  void reserve(std::size_t n) { items_.reserve(n); }

  // The value stored under key, or nullptr.
  [[nodiscard]] const Value* find(std::string_view key) const noexcept {
    for (const auto& item : items_)
      if (std::string_view(item.first) == key) return &item.second;
    return nullptr;
  }
  [[nodiscard]] Value* find(std::string_view key) noexcept {
    for (auto& item : items_)
      if (std::string_view(item.first) == key) return &item.second;
    return nullptr;
  }
  [[nodiscard]] bool contains(std::string_view key) const noexcept { return find(key) != nullptr; }

  // Adds a key (even one already present: a map built for writing keeps what it is given).
  Value& insert(Key key, Value value) {
    items_.emplace_back(std::move(key), std::move(value));
    return items_.back().second;
  }

  // The underlying items, for the codec's capacity-preserving decode.
  std::vector<value_type>& items() noexcept { return items_; }
  const std::vector<value_type>& items() const noexcept { return items_; }

  friend bool operator==(const object_map&, const object_map&) = default;

 private:
  std::vector<value_type> items_;
};

}  // namespace json
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_JSON_OBJECT_MAP_HPP
