// The spec-driven test: ABP's own OpenAPI document (tests/data/abp_openapi.json, a copy of
// shared/api/abp-v2/openapi.json) against betwire's ABP binding, through betwire's reflection.
//  - every schema has a betwire struct; each documented property is a member of it under its wire
//    name, with a compatible JSON type (and every documented enum value reads as a known enumerator);
//  - every path + method has an endpoint descriptor.
// It prints what is missing and fails if anything is; the counts are printed too.

#include <betwire/abp/abp.hpp>
#include <betwire/reflect/reflect.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace abp = betwire::abp;
namespace json = betwire::json;
namespace reflect = betwire::reflect;
namespace http = betwire::http;

namespace spec {

template <class T>
struct is_optional : std::false_type {};
template <class T>
struct is_optional<std::optional<T>> : std::true_type {};
template <class T>
struct is_vector : std::false_type {};
template <class T, class A>
struct is_vector<std::vector<T, A>> : std::true_type {};
template <class T>
struct is_raw : std::false_type {};
template <class S>
struct is_raw<json::basic_raw<S>> : std::true_type {};
template <class T>
struct is_map : std::false_type {};
template <class K, class V>
struct is_map<json::object_map<K, V>> : std::true_type {};

// What one C++ member is on the wire.
struct member {
  std::string json_type;  // "string", "integer", "number", "boolean", "array", "object", "any"
  bool optional = false;
  std::vector<std::string> enum_values_known;  // for enums: their wire spellings
  std::string cxx;                              // for messages
};

template <class T>
member describe_type() {
  member m;
  if constexpr (is_optional<T>::value) {
    m = describe_type<typename T::value_type>();
    m.optional = true;
  } else if constexpr (std::is_same_v<T, bool>) {
    m.json_type = "boolean";
  } else if constexpr (std::is_enum_v<T>) {
    m.json_type = "string";
    m.cxx = "enum";
    for (const auto& e : reflect::enum_entries_v<T>) m.enum_values_known.emplace_back(reflect::enum_to_wire(e.value));
  } else if constexpr (std::is_integral_v<T>) {
    m.json_type = "integer";
  } else if constexpr (std::is_same_v<T, betwire::decimal>) {
    m.json_type = "number";
  } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view> ||
                       std::is_same_v<T, betwire::timestamp>) {
    m.json_type = "string";
  } else if constexpr (std::is_same_v<T, betwire::secret>) {
    m.json_type = "secret";  // a credential: its text is a string or a JSON object
  } else if constexpr (is_vector<T>::value) {
    m.json_type = "array";
  } else if constexpr (is_raw<T>::value) {
    m.json_type = "any";
  } else if constexpr (is_map<T>::value || reflect::reflectable<T>) {
    m.json_type = "object";
  } else {
    static_assert(sizeof(T) == 0, "spec test: a member type without a JSON mapping");
  }
  return m;
}

template <class T>
std::map<std::string, member> members_of() {
  std::map<std::string, member> out;
  constexpr auto names = reflect::wire_names_v<T>;
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    ((out[std::string(names[I])] = describe_type<reflect::field_type_t<T, I>>()), ...);
  }(std::make_index_sequence<names.size()>{});
  return out;
}

bool compatible(const std::string& spec_type, const member& m, bool comma_joined) {
  if (m.json_type == "any") return true;
  if (m.json_type == "secret") return spec_type == "string" || spec_type == "object";
  if (comma_joined && spec_type == "string" && m.json_type == "array") return true;
  return spec_type == m.json_type;
}

std::string spec_type_of(const nlohmann::json& prop) {
  if (prop.contains("type")) return prop["type"].get<std::string>();
  if (prop.contains("$ref")) return "object";
  if (prop.contains("anyOf"))
    for (const auto& alt : prop["anyOf"])
      if (alt.contains("type") && alt["type"] != "null") return alt["type"].get<std::string>();
  return "any";
}

nlohmann::json load() {
  std::string dir = __FILE__;
  dir = dir.substr(0, dir.find_last_of('/'));
  std::ifstream in(dir + "/data/abp_openapi.json", std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return nlohmann::json::parse(ss.str());
}

struct checker {
  std::vector<std::string> missing;
  std::vector<std::string> notes;
  std::size_t properties = 0;
  // Properties sent in another documented form: PlaceOrderRequest.bookmakers is a vector sent comma-joined.
  std::set<std::string> comma_joined{"PlaceOrderRequest.bookmakers"};

  template <class T>
  void check(const nlohmann::json& schemas, const std::string& name, std::string_view cxx_name, bool count = true) {
    if (!schemas.contains(name)) {
      missing.push_back("schema " + name + ": not in the spec any more (" + std::string(cxx_name) + ")");
      return;
    }
    const auto members = members_of<T>();
    const auto& props = schemas[name].value("properties", nlohmann::json::object());
    for (const auto& [prop, def] : props.items()) {
      if (count) ++properties;
      const std::string where = name + "." + prop + " (" + std::string(cxx_name) + ")";
      auto it = members.find(prop);
      if (it == members.end()) {
        missing.push_back(where + ": no member with this wire name");
        continue;
      }
      const std::string t = spec_type_of(def);
      if (!compatible(t, it->second, comma_joined.count(name + "." + prop) != 0)) {
        missing.push_back(where + ": spec type " + t + ", member is " + it->second.json_type);
        continue;
      }
      if (def.contains("enum") && !it->second.enum_values_known.empty()) {
        for (const auto& v : def["enum"]) {
          const auto& known = it->second.enum_values_known;
          if (std::find(known.begin(), known.end(), v.template get<std::string>()) == known.end())
            missing.push_back(where + ": enum value " + v.template get<std::string>() + " reads as unknown");
        }
      }
      const bool decoded = name.ends_with("Response") || name.ends_with("Entry");
      if (decoded && def.value("nullable", false) && !it->second.optional && it->second.json_type != "any")
        notes.push_back(where + ": nullable in the spec, not optional in the struct (decode tolerance decides)");
    }
  }
};

// Every endpoint descriptor of the binding, as (method, path with parameter names erased).
template <class... E>
std::set<std::pair<std::string, std::string>> endpoint_set() {
  auto erase = [](std::string_view p) {
    std::string out;
    bool in = false;
    for (char c : p) {
      if (c == '{') in = true, out += "{}";
      else if (c == '}') in = false;
      else if (!in) out += c;
    }
    return out;
  };
  return {{std::string(http::to_string(E::method)), erase(E::path)}...};
}

}  // namespace spec

TEST(AbpOpenApi, EverySchemaPropertyAndPathIsBound) {
  const nlohmann::json doc = spec::load();
  ASSERT_TRUE(doc.contains("components") && doc.contains("paths"));
  const auto& schemas = doc["components"]["schemas"];
  spec::checker c;

#define BETWIRE_SPEC_SCHEMA(name, owning, view)         \
  c.check<owning>(schemas, name, #owning);              \
  if constexpr (!std::is_same_v<owning, view>) c.check<view>(schemas, name, #view, false)

  BETWIRE_SPEC_SCHEMA("AccountCreateRequest", abp::account_create_request, abp::account_create_request);
  BETWIRE_SPEC_SCHEMA("AccountUpdateRequest", abp::account_update_request, abp::account_update_request);
  BETWIRE_SPEC_SCHEMA("AccountResponse", abp::account, abp::account_view);
  BETWIRE_SPEC_SCHEMA("PlaceOrderRequest", abp::place_order, abp::place_order);
  BETWIRE_SPEC_SCHEMA("PlaceOrdersRequest", abp::place_orders_request, abp::place_orders_request);
  BETWIRE_SPEC_SCHEMA("PlaceOrdersResponse", abp::place_orders_response, abp::place_orders_response_view);
  BETWIRE_SPEC_SCHEMA("CancelOrdersRequest", abp::cancel_orders_request, abp::cancel_orders_request);
  BETWIRE_SPEC_SCHEMA("CancelOrdersResponse", abp::cancel_orders_response, abp::cancel_orders_response_view);
  BETWIRE_SPEC_SCHEMA("GetOrdersResponse", abp::orders_page, abp::orders_page_view);
  BETWIRE_SPEC_SCHEMA("BetResponse", abp::bet, abp::bet_view);
  BETWIRE_SPEC_SCHEMA("BetsResponse", abp::bets_page, abp::bets_page_view);
  BETWIRE_SPEC_SCHEMA("BetslipResponse", abp::betslip_response, abp::betslip_response_view);
  BETWIRE_SPEC_SCHEMA("BookmakerResponse", abp::bookmaker, abp::bookmaker_view);
  BETWIRE_SPEC_SCHEMA("MarketResponse", abp::market, abp::market_view);
  BETWIRE_SPEC_SCHEMA("OddsTypeResponse", abp::odds_type, abp::basic_odds_type<std::string_view>);
  BETWIRE_SPEC_SCHEMA("PositionsResponse", abp::positions, abp::positions_view);
  BETWIRE_SPEC_SCHEMA("PositionEntry", abp::position_entry, abp::basic_position_entry<std::string_view>);
  BETWIRE_SPEC_SCHEMA("PnlResponse", abp::pnl, abp::pnl_view);
  BETWIRE_SPEC_SCHEMA("PnlEntry", abp::pnl_entry, abp::basic_pnl_entry<std::string_view>);
#undef BETWIRE_SPEC_SCHEMA
  constexpr std::size_t bound_schemas = 19;

  // Schemas of the spec without an entry above.
  std::size_t spec_schemas = 0;
  for (const auto& [name, def] : schemas.items()) {
    (void)def;
    ++spec_schemas;
  }
  if (spec_schemas != bound_schemas)
    c.missing.push_back("the spec has " + std::to_string(spec_schemas) + " schemas, the test binds " +
                        std::to_string(bound_schemas));

  namespace ep = abp::endpoints;
  const auto bound = spec::endpoint_set<
      ep::get_orders<>, ep::cancel_orders<>, ep::cancel_all_orders<>, ep::place_orders<>, ep::get_bets<>, ep::get_bet<>,
      ep::get_accounts<>, ep::create_account<>, ep::get_account<>, ep::update_account<>, ep::delete_account,
      ep::get_betslip<>, ep::get_fixtures_betslip<>, ep::get_markets<>, ep::get_fixtures_markets<>, ep::get_bookmakers<>,
      ep::get_positions<>, ep::get_pnl<>, ep::health<>, ep::ready<>, ep::status<>>();
  std::size_t operations = 0, paths = 0;
  for (const auto& [path, methods] : doc["paths"].items()) {
    ++paths;
    std::string erased;
    bool in = false;
    for (char ch : path) {
      if (ch == '{') in = true, erased += "{}";
      else if (ch == '}') in = false;
      else if (!in) erased += ch;
    }
    for (const auto& [method, op] : methods.items()) {
      (void)op;
      ++operations;
      std::string upper;
      for (char ch : method) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      if (!bound.count({upper, erased})) c.missing.push_back("path " + upper + " " + path + ": no endpoint descriptor");
    }
  }

  std::cout << "abp openapi: " << spec_schemas << " schemas, " << c.properties << " properties, " << paths
            << " paths, " << operations << " operations; " << c.missing.size() << " missing\n";
  for (const auto& n : c.notes) std::cout << "  note: " << n << '\n';
  for (const auto& m : c.missing) std::cout << "  MISSING: " << m << '\n';
  EXPECT_TRUE(c.missing.empty()) << c.missing.size() << " of the spec's items are not bound (listed above)";
  EXPECT_EQ(spec_schemas, 19u);
  EXPECT_EQ(paths, 13u);
  EXPECT_EQ(operations, 16u);
}

// The check itself can fail: a struct without a documented property is reported.
namespace spec_probe {
struct partial_bookmaker {
  std::int64_t bookmaker_id = 0;
  std::string bookmaker;
  std::int64_t active = 0;  // wrong type
};
consteval betwire::naming betwire_naming(auto*) { return betwire::naming::camel_case; }
}  // namespace spec_probe

TEST(AbpOpenApi, TheCheckReportsAMissingMemberAndAWrongType) {
  const nlohmann::json doc = spec::load();
  spec::checker c;
  c.check<spec_probe::partial_bookmaker>(doc["components"]["schemas"], "BookmakerResponse", "partial_bookmaker");
  ASSERT_EQ(c.missing.size(), 4u);  // bookmakerName, maxStake, minStake missing; active mistyped
  bool mistyped = false;
  for (const auto& m : c.missing) mistyped |= m.find("BookmakerResponse.active") != std::string::npos;
  EXPECT_TRUE(mistyped);
}
