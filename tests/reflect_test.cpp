// Reflection: field counts (0..100, every member kind), member names, member access, naming rules
// (per type and per namespace), key overrides, and enums (naming, integers, overrides, unknown,
// ranges). Mostly compile-time facts, checked again at run time so that failures are reported
// one by one rather than as a single compile error.
#include <betwire/reflect/reflect.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace bw = betwire;
namespace rf = betwire::reflect;

namespace refl_test {

struct empty {};
struct one {
  int only;
};
struct nested {
  int a = 1;
  std::string b;
};
struct mixed {
  int order_id = 7;                    // default member initialisers do not change the count
  std::string name = "x";
  std::vector<std::string> tags;
  std::optional<double> price;
  nested inner;
  std::array<int, 3> triple{};         // an aggregate member counts once (no brace elision)
  std::optional<nested> maybe_inner;
  std::map<std::string, int> by_name;
  bool flag = true;
};

struct fields64 {
  int f0; std::string f1; double f2; std::optional<int> f3; bool f4; std::vector<int> f5; std::int64_t f6; nested f7;
  int f8; std::string f9; double f10; std::optional<int> f11; bool f12; std::vector<int> f13; std::int64_t f14; nested f15;
  int f16; std::string f17; double f18; std::optional<int> f19; bool f20; std::vector<int> f21; std::int64_t f22; nested f23;
  int f24; std::string f25; double f26; std::optional<int> f27; bool f28; std::vector<int> f29; std::int64_t f30; nested f31;
  int f32; std::string f33; double f34; std::optional<int> f35; bool f36; std::vector<int> f37; std::int64_t f38; nested f39;
  int f40; std::string f41; double f42; std::optional<int> f43; bool f44; std::vector<int> f45; std::int64_t f46; nested f47;
  int f48; std::string f49; double f50; std::optional<int> f51; bool f52; std::vector<int> f53; std::int64_t f54; nested f55;
  int f56; std::string f57; double f58; std::optional<int> f59; bool f60; std::vector<int> f61; std::int64_t f62; nested f63;
};
struct fields100 {
  int f0; int f1; int f2; int f3; int f4; int f5; int f6; int f7;
  int f8; int f9; int f10; int f11; int f12; int f13; int f14; int f15;
  int f16; int f17; int f18; int f19; int f20; int f21; int f22; int f23;
  int f24; int f25; int f26; int f27; int f28; int f29; int f30; int f31;
  int f32; int f33; int f34; int f35; int f36; int f37; int f38; int f39;
  int f40; int f41; int f42; int f43; int f44; int f45; int f46; int f47;
  int f48; int f49; int f50; int f51; int f52; int f53; int f54; int f55;
  int f56; int f57; int f58; int f59; int f60; int f61; int f62; int f63;
  int f64; int f65; int f66; int f67; int f68; int f69; int f70; int f71;
  int f72; int f73; int f74; int f75; int f76; int f77; int f78; int f79;
  int f80; int f81; int f82; int f83; int f84; int f85; int f86; int f87;
  int f88; int f89; int f90; int f91; int f92; int f93; int f94; int f95;
  int f96; int f97; int f98; int f99;
};

static_assert(rf::field_count_v<empty> == 0);
static_assert(rf::field_count_v<one> == 1);
static_assert(rf::field_count_v<nested> == 2);
static_assert(rf::field_count_v<mixed> == 9);
static_assert(rf::field_count_v<fields64> == 64);
static_assert(rf::field_count_v<fields100> == 100);
static_assert(rf::field_count_v<const mixed> == 9);

// ---- naming ---------------------------------------------------------------------------------------

struct identity_by_default {
  int order_id;
  int participant1_id;
};
struct camel {
  static constexpr bw::naming betwire_naming = bw::naming::camel_case;
  int order_id;
  int participant1_id;
  int x;
  int _leading;
  int trailing_;
  int a__b;
  int already_Camel;
  int url_2fa;
  int many_small_words_here;
};
struct pascal {
  static constexpr bw::naming betwire_naming = bw::naming::pascal_case;
  int order_id;
  int x;
  int participant1_id;
};
struct upper {
  static constexpr bw::naming betwire_naming = bw::naming::upper_snake;
  int order_id;
  int participant1_id;
};
struct renamed {
  static constexpr bw::naming betwire_naming = bw::naming::camel_case;
  int bet_id;
  std::string bookmaker_bet_id;
  int plain;
  static constexpr bw::key_rename betwire_keys[] = {{"bookmaker_bet_id", "bookmakerBetID"},
                                                    {"plain", "PLAIN-key"}};
};

}  // namespace refl_test

// A namespace-wide rule, found by argument-dependent lookup; a type's own rule wins over it.
namespace venue_ns {
consteval betwire::naming betwire_naming(auto*) { return betwire::naming::camel_case; }
struct order {
  int order_id;
  int fixture_id;
};
struct own_rule {
  static constexpr betwire::naming betwire_naming = betwire::naming::upper_snake;
  int order_id;
};
template <class T>
struct page {
  std::vector<T> orders;
  bool has_more;
};
}  // namespace venue_ns

// ---- enums ----------------------------------------------------------------------------------------

namespace enum_ns {
enum class status : std::uint8_t { unknown, pending, partially_filled = 5, filled };
consteval betwire::naming betwire_enum_naming(status*) { return betwire::naming::upper_snake; }

enum class strict : std::uint8_t { alpha = 1, beta_gamma = 2 };  // identity, no `unknown`

enum class code : std::int32_t { unknown = 0, ok = 1, retry = 2, fatal = 100 };
consteval betwire::naming betwire_enum_naming(code*) { return betwire::naming::integer; }

enum class side : std::uint8_t { unknown, back, lay, void_ };
consteval betwire::naming betwire_enum_naming(side*) { return betwire::naming::upper_snake; }
consteval auto betwire_enum_keys(side*) {
  return std::array{betwire::enum_key{side::void_, "VOID"}, betwire::enum_key{side::lay, "Lay!"}};
}

enum class wide : std::int16_t { minus_five = -5, zero = 0, two_hundred = 200, far = 1000 };
consteval betwire::enum_range betwire_enum_range(wide*) { return {-5, 1000}; }

enum class narrow_default : std::int16_t { low = 0, high = 200 };  // 200 is outside [0, 128)

enum class camel_enum : std::uint8_t { first_value, second_value };
consteval betwire::naming betwire_enum_naming(camel_enum*) { return betwire::naming::camel_case; }

// "unknown" is a real wire value here: values the enum does not know go to `unrecognized`.
enum class reason : std::uint8_t { unrecognized, not_found, unknown };
consteval reason betwire_enum_fallback(reason*) { return reason::unrecognized; }

// A fallback lets an enum without `unknown` accept unknown values; also under naming::integer.
enum class level : std::int32_t { low = 1, high = 2, other = 9 };
consteval betwire::naming betwire_enum_naming(level*) { return betwire::naming::integer; }
consteval level betwire_enum_fallback(level*) { return level::other; }

// Names printed with template arguments (commas inside the list of probed values) and negative
// values, over two probe blocks. (Unscoped: a scoped member enum of a class template is not defined
// until one of its enumerators is used.)
template <class A, int B>
struct holder {
  enum code : std::int16_t { minus = -2, zero = 0, far = 64 };
};
using holder_code = holder<std::pair<int, char>, 3>::code;
consteval betwire::enum_range betwire_enum_range(holder_code*) { return {-3, 66}; }
}  // namespace enum_ns

namespace {

using namespace refl_test;

TEST(ReflectFields, CountsMatchDeclarations) {
  EXPECT_EQ(rf::field_count_v<empty>, 0u);
  EXPECT_EQ(rf::field_count_v<one>, 1u);
  EXPECT_EQ(rf::field_count_v<mixed>, 9u);
  EXPECT_EQ(rf::field_count_v<fields64>, 64u);
  EXPECT_EQ(rf::field_count_v<fields100>, 100u);
  EXPECT_TRUE(rf::is_reflectable_v<mixed>);
  EXPECT_FALSE(rf::is_reflectable_v<int>);
  EXPECT_FALSE(rf::is_reflectable_v<std::string>);
  EXPECT_FALSE((rf::is_reflectable_v<std::map<int, int>>));
}

TEST(ReflectFields, NamesOfEveryIndex) {
  EXPECT_EQ((rf::member_name_v<one, 0>), "only");
  const std::array<std::string_view, 9> expected = {"order_id", "name", "tags", "price", "inner",
                                                    "triple", "maybe_inner", "by_name", "flag"};
  const std::array<std::string_view, 9> got = {
      rf::member_name_v<mixed, 0>, rf::member_name_v<mixed, 1>, rf::member_name_v<mixed, 2>,
      rf::member_name_v<mixed, 3>, rf::member_name_v<mixed, 4>, rf::member_name_v<mixed, 5>,
      rf::member_name_v<mixed, 6>, rf::member_name_v<mixed, 7>, rf::member_name_v<mixed, 8>};
  EXPECT_EQ(got, expected);
}

template <class T>
std::vector<std::string> all_names() {
  return []<std::size_t... I>(std::index_sequence<I...>) {
    return std::vector<std::string>{std::string(rf::member_name_v<T, I>)...};
  }(std::make_index_sequence<rf::field_count_v<T>>{});
}

TEST(ReflectFields, NamesOf64And100Fields) {
  const auto n64 = all_names<fields64>();
  ASSERT_EQ(n64.size(), 64u);
  for (std::size_t i = 0; i < n64.size(); ++i) EXPECT_EQ(n64[i], "f" + std::to_string(i));
  const auto n100 = all_names<fields100>();
  ASSERT_EQ(n100.size(), 100u);
  for (std::size_t i = 0; i < n100.size(); ++i) EXPECT_EQ(n100[i], "f" + std::to_string(i));
}

TEST(ReflectFields, GetReturnsTheMemberByReference) {
  mixed m;
  EXPECT_EQ(rf::get<0>(m), 7);  // default initialisers are kept
  EXPECT_EQ(rf::get<1>(m), "x");
  rf::get<0>(m) = 42;
  rf::get<4>(m).b = "inner";
  rf::get<8>(m) = false;
  EXPECT_EQ(m.order_id, 42);
  EXPECT_EQ(m.inner.b, "inner");
  EXPECT_FALSE(m.flag);
  EXPECT_EQ(&rf::get<5>(m), &m.triple);
  const mixed& cm = m;
  EXPECT_EQ(&rf::get<3>(cm), &m.price);
  static_assert(std::is_same_v<decltype(rf::get<3>(cm)), const std::optional<double>&>);
  static_assert(std::is_same_v<rf::field_type_t<mixed, 2>, std::vector<std::string>>);
  static_assert(std::is_same_v<rf::field_type_t<mixed, 6>, std::optional<nested>>);

  fields100 big{};
  rf::get<99>(big) = 99;
  rf::get<63>(big) = 63;
  EXPECT_EQ(big.f99, 99);
  EXPECT_EQ(big.f63, 63);
  EXPECT_EQ(big.f0, 0);
}

TEST(ReflectFields, ForEachFieldVisitsInDeclarationOrder) {
  fields100 big{};
  int counter = 0;
  rf::for_each_field(big, [&](int& f, auto index) {
    f = counter++ * 3;
    EXPECT_EQ(decltype(index)::value, static_cast<std::size_t>(counter - 1));
  });
  EXPECT_EQ(counter, 100);
  EXPECT_EQ(big.f0, 0);
  EXPECT_EQ(big.f1, 3);
  EXPECT_EQ(big.f64, 192);
  EXPECT_EQ(big.f99, 297);

  empty e;
  int calls = 0;
  rf::for_each_field(e, [&](auto&, auto) { ++calls; });
  EXPECT_EQ(calls, 0);

  std::vector<std::string> seen;
  const mixed m;
  rf::for_each_field(m, [&](const auto&, auto index) {
    seen.emplace_back(rf::member_name_v<mixed, decltype(index)::value>);
  });
  EXPECT_EQ(seen, all_names<mixed>());
}

// A struct declared inside a function reflects too (clang used to reject it under -Werror:
// -Wundefined-internal).
TEST(ReflectFields, FunctionLocalStruct) {
  struct local {
    int first_field;
    std::string second;
  };
  static_assert(rf::field_count_v<local> == 2);
  EXPECT_EQ((rf::member_name_v<local, 0>), "first_field");
  EXPECT_EQ((rf::member_name_v<local, 1>), "second");
}

// ---- naming -----------------------------------------------------------------------------------------

TEST(ReflectNaming, IdentityIsTheDefault) {
  EXPECT_EQ(rf::naming_of<identity_by_default>(), bw::naming::identity);
  EXPECT_EQ((rf::wire_name_v<identity_by_default, 0>), "order_id");
  EXPECT_EQ((rf::wire_name_v<identity_by_default, 1>), "participant1_id");
}

TEST(ReflectNaming, CamelCase) {
  const auto& n = rf::wire_names_v<camel>;
  ASSERT_EQ(n.size(), 9u);
  EXPECT_EQ(n[0], "orderId");
  EXPECT_EQ(n[1], "participant1Id");
  EXPECT_EQ(n[2], "x");
  EXPECT_EQ(n[3], "_leading");
  EXPECT_EQ(n[4], "trailing_");
  EXPECT_EQ(n[5], "aB");
  EXPECT_EQ(n[6], "alreadyCamel");
  EXPECT_EQ(n[7], "url2fa");
  EXPECT_EQ(n[8], "manySmallWordsHere");
}

TEST(ReflectNaming, PascalCaseAndUpperSnake) {
  EXPECT_EQ((rf::wire_name_v<pascal, 0>), "OrderId");
  EXPECT_EQ((rf::wire_name_v<pascal, 1>), "X");
  EXPECT_EQ((rf::wire_name_v<pascal, 2>), "Participant1Id");
  EXPECT_EQ((rf::wire_name_v<upper, 0>), "ORDER_ID");
  EXPECT_EQ((rf::wire_name_v<upper, 1>), "PARTICIPANT1_ID");
}

TEST(ReflectNaming, NamespaceRuleAndMemberRuleWins) {
  EXPECT_EQ(rf::naming_of<venue_ns::order>(), bw::naming::camel_case);
  EXPECT_EQ((rf::wire_name_v<venue_ns::order, 0>), "orderId");
  EXPECT_EQ((rf::wire_name_v<venue_ns::order, 1>), "fixtureId");
  EXPECT_EQ(rf::naming_of<venue_ns::own_rule>(), bw::naming::upper_snake);
  EXPECT_EQ((rf::wire_name_v<venue_ns::own_rule, 0>), "ORDER_ID");
  using page = venue_ns::page<venue_ns::order>;
  EXPECT_EQ((rf::wire_name_v<page, 1>), "hasMore");
  // The namespace rule does not leak to types elsewhere.
  EXPECT_EQ(rf::naming_of<identity_by_default>(), bw::naming::identity);
}

TEST(ReflectNaming, KeyOverrides) {
  EXPECT_EQ((rf::wire_name_v<renamed, 0>), "betId");          // by rule
  EXPECT_EQ((rf::wire_name_v<renamed, 1>), "bookmakerBetID");  // overridden
  EXPECT_EQ((rf::wire_name_v<renamed, 2>), "PLAIN-key");
  // The override table is a static member: it is not a field.
  EXPECT_EQ(rf::field_count_v<renamed>, 3u);
  // The C++ name is unchanged.
  EXPECT_EQ((rf::member_name_v<renamed, 1>), "bookmaker_bet_id");
}

// ---- enums --------------------------------------------------------------------------------------

TEST(ReflectEnums, UpperSnakeEntries) {
  using enum_ns::status;
  const auto& e = rf::enum_entries_v<status>;
  ASSERT_EQ(e.size(), 4u);
  EXPECT_EQ(e[0].value, status::unknown);
  EXPECT_EQ(e[0].name, "unknown");
  EXPECT_EQ(e[0].wire, "UNKNOWN");
  EXPECT_EQ(e[1].wire, "PENDING");
  EXPECT_EQ(e[2].value, status::partially_filled);
  EXPECT_EQ(e[2].name, "partially_filled");
  EXPECT_EQ(e[2].wire, "PARTIALLY_FILLED");
  EXPECT_EQ(e[3].value, status::filled);
  EXPECT_EQ(e[3].wire, "FILLED");
  EXPECT_EQ(rf::enum_to_wire(status::partially_filled), "PARTIALLY_FILLED");
  EXPECT_EQ(rf::enum_name(status::filled), "filled");
  EXPECT_EQ(rf::enum_from_wire<status>("PARTIALLY_FILLED"), status::partially_filled);
  EXPECT_EQ(rf::enum_from_wire<status>("partially_filled"), std::nullopt);  // wire names only
  EXPECT_EQ(rf::enum_from_wire<status>(""), std::nullopt);
  EXPECT_EQ(rf::enum_from_wire<status>("FILLED "), std::nullopt);
  EXPECT_EQ(rf::enum_unknown_v<status>, status::unknown);
  EXPECT_FALSE(rf::enum_is_integer_v<status>);
  // A value that is not an enumerator has no wire name.
  EXPECT_EQ(rf::enum_to_wire(static_cast<status>(3)), "");
}

TEST(ReflectEnums, IdentityWithoutUnknown) {
  using enum_ns::strict;
  EXPECT_EQ(rf::enum_entries_v<strict>.size(), 2u);
  EXPECT_EQ(rf::enum_to_wire(strict::beta_gamma), "beta_gamma");
  EXPECT_EQ(rf::enum_from_wire<strict>("alpha"), strict::alpha);
  EXPECT_FALSE(rf::enum_unknown_v<strict>.has_value());
}

TEST(ReflectEnums, CamelCaseRule) {
  EXPECT_EQ(rf::enum_to_wire(enum_ns::camel_enum::second_value), "secondValue");
  EXPECT_EQ(rf::enum_from_wire<enum_ns::camel_enum>("firstValue"), enum_ns::camel_enum::first_value);
}

TEST(ReflectEnums, IntegerMode) {
  using enum_ns::code;
  EXPECT_TRUE(rf::enum_is_integer_v<code>);
  EXPECT_EQ(rf::enum_entries_v<code>.size(), 4u);
  EXPECT_EQ(rf::enum_from_integer<code>(100), code::fatal);
  EXPECT_EQ(rf::enum_from_integer<code>(2), code::retry);
  EXPECT_EQ(rf::enum_from_integer<code>(3), std::nullopt);
  EXPECT_EQ(rf::enum_from_integer<code>(-1), std::nullopt);
  EXPECT_EQ(rf::enum_unknown_v<code>, code::unknown);
}

TEST(ReflectEnums, KeyOverrides) {
  using enum_ns::side;
  EXPECT_EQ(rf::enum_to_wire(side::void_), "VOID");
  EXPECT_EQ(rf::enum_to_wire(side::lay), "Lay!");
  EXPECT_EQ(rf::enum_to_wire(side::back), "BACK");  // by rule
  EXPECT_EQ(rf::enum_from_wire<side>("VOID"), side::void_);
  EXPECT_EQ(rf::enum_from_wire<side>("VOID_"), std::nullopt);  // the overridden spelling is gone
  EXPECT_EQ(rf::enum_from_wire<side>("LAY"), std::nullopt);
  EXPECT_EQ(rf::enum_from_wire<side>("Lay!"), side::lay);
  EXPECT_EQ(rf::enum_name(side::void_), "void_");
}

TEST(ReflectEnums, CustomRange) {
  using enum_ns::wide;
  const auto& e = rf::enum_entries_v<wide>;
  ASSERT_EQ(e.size(), 4u);
  EXPECT_EQ(e[0].value, wide::minus_five);
  EXPECT_EQ(e[0].wire, "minus_five");
  EXPECT_EQ(e[2].value, wide::two_hundred);
  EXPECT_EQ(e[3].value, wide::far);
  EXPECT_EQ(rf::enum_from_wire<wide>("far"), wide::far);
  EXPECT_EQ(rf::enum_from_wire<wide>("minus_five"), wide::minus_five);
  // Without a range, only [0, 128) is probed: 200 is not found.
  EXPECT_EQ(rf::enum_entries_v<enum_ns::narrow_default>.size(), 1u);
  EXPECT_EQ(rf::enum_to_wire(enum_ns::narrow_default::high), "");
}

TEST(ReflectEnums, NamesWithTemplateArgumentsOverTwoBlocks) {
  using enum_ns::holder_code;
  static_assert(rf::enum_entries_v<holder_code>.size() == 3);
  EXPECT_EQ(rf::enum_name(holder_code::minus), "minus");
  EXPECT_EQ(rf::enum_name(holder_code::zero), "zero");
  EXPECT_EQ(rf::enum_name(holder_code::far), "far");
  EXPECT_EQ(rf::enum_from_wire<holder_code>("far"), holder_code::far);
}

TEST(ReflectEnums, FallbackHookNamesWhatUnknownValuesDecodeTo) {
  using enum_ns::reason;
  EXPECT_EQ(rf::enum_unknown_v<reason>, reason::unrecognized);
  EXPECT_EQ(rf::enum_from_wire<reason>("unknown"), reason::unknown);  // still an ordinary value
  EXPECT_EQ(rf::enum_to_wire(reason::unknown), "unknown");
  EXPECT_EQ(rf::enum_from_wire<reason>("rate_limited"), std::nullopt);
  EXPECT_EQ(rf::enum_entries_v<reason>.size(), 3u);

  EXPECT_EQ(rf::enum_unknown_v<enum_ns::level>, enum_ns::level::other);
  static_assert(rf::enum_unknown_v<enum_ns::level> == enum_ns::level::other);
  // Without the hook the default stays the enumerator named `unknown`.
  EXPECT_EQ(rf::enum_unknown_v<enum_ns::status>, enum_ns::status::unknown);
}

TEST(ReflectEnums, UsableAtCompileTime) {
  static_assert(rf::enum_to_wire(enum_ns::status::pending) == "PENDING");
  static_assert(rf::enum_from_wire<enum_ns::side>("VOID") == enum_ns::side::void_);
  static_assert(rf::wire_name_v<camel, 1> == "participant1Id");
  static_assert(rf::member_name_v<fields100, 99> == "f99");
  SUCCEED();
}

}  // namespace
