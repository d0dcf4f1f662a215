#ifndef BETWIRE_TEST_JSON_NULLS_HPP
#define BETWIRE_TEST_JSON_NULLS_HPP

// Comparing betwire's re-encoding of a document example with the example: under
// write_null_optionals betwire writes every optional member, null when empty — also members the
// example does not show (the spec's fields beyond the examples). without_extra_nulls(got, doc)
// drops exactly those: null members of `got` that `doc` does not have, recursively.

#include <nlohmann/json.hpp>

#include <cstddef>

namespace betwire::test {

inline nlohmann::json without_extra_nulls(nlohmann::json got, const nlohmann::json& doc) {
  if (got.is_object() && doc.is_object()) {
    for (auto it = got.begin(); it != got.end();) {
      if (it->is_null() && !doc.contains(it.key())) {
        it = got.erase(it);
        continue;
      }
      if (doc.contains(it.key())) *it = without_extra_nulls(*it, doc[it.key()]);
      ++it;
    }
  } else if (got.is_array() && doc.is_array() && got.size() == doc.size()) {
    for (std::size_t i = 0; i < got.size(); ++i) got[i] = without_extra_nulls(got[i], doc[i]);
  }
  return got;
}

}  // namespace betwire::test

#endif  // BETWIRE_TEST_JSON_NULLS_HPP
