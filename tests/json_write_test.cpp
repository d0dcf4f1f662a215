// json::encode: every type's JSON form, string escaping and UTF-8 checking, shortest doubles,
// byte-exact decimals and timestamps, optionals omitted or null, raw splicing (validated), keys by
// naming rule and override, error paths, and reuse of the caller's buffer.
#include <betwire/json/json.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bw = betwire;
namespace json = betwire::json;
using bw::errc;

namespace wt {
enum class status : std::uint8_t { unknown, partially_filled, void_ };
consteval bw::naming betwire_enum_naming(status*) { return bw::naming::upper_snake; }
consteval auto betwire_enum_keys(status*) { return std::array{bw::enum_key{status::void_, "VOID"}}; }
enum class code : std::int16_t { minus = -3, ok = 1 };
consteval bw::naming betwire_enum_naming(code*) { return bw::naming::integer; }
consteval bw::enum_range betwire_enum_range(code*) { return {-3, 1}; }

struct inner {
  std::string name;
};
struct keyed {
  static constexpr bw::naming betwire_naming = bw::naming::camel_case;
  std::int64_t order_id = 0;
  std::int64_t participant1_id = 0;
  std::string bookmaker_bet_id;
  static constexpr bw::key_rename betwire_keys[] = {{"bookmaker_bet_id", "bookmakerBetID"}};
};
struct opts {
  int a = 1;
  std::optional<int> b;
  std::optional<std::string> c;
  int d = 4;
};
struct outer {
  std::vector<std::vector<inner>> rows;
};
struct with_raw {
  json::raw meta;
};
struct empty {};
}  // namespace wt

namespace {

template <json::write_options O = json::write_options{}, class T>
std::string enc(const T& value) {
  std::string out;
  auto r = json::encode<O>(value, out);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().describe());
  return out;
}

template <class T>
bw::error enc_err(const T& value) {
  std::string out = "previous";
  auto r = json::encode(value, out);
  EXPECT_FALSE(r.has_value());
  EXPECT_TRUE(out.empty()) << "the buffer is cleared on failure";
  if (r) return {};
  EXPECT_EQ(r.error().category, bw::error_category::validation);
  return r.error();
}

TEST(JsonWriteScalar, BoolAndIntegers) {
  EXPECT_EQ(enc(true), "true");
  EXPECT_EQ(enc(false), "false");
  EXPECT_EQ(enc(std::int8_t{-128}), "-128");
  EXPECT_EQ(enc(std::uint8_t{255}), "255");
  EXPECT_EQ(enc(std::int64_t{INT64_MIN}), "-9223372036854775808");
  EXPECT_EQ(enc(std::uint64_t{UINT64_MAX}), "18446744073709551615");
  EXPECT_EQ(enc(0), "0");
}

TEST(JsonWriteScalar, ShortestDoubles) {
  EXPECT_EQ(enc(0.1), "0.1");
  EXPECT_EQ(enc(1.0), "1");
  EXPECT_EQ(enc(-0.0), "-0");
  EXPECT_EQ(enc(1e300), "1e+300");
  EXPECT_EQ(enc(DBL_MAX), "1.7976931348623157e+308");
  EXPECT_EQ(enc(5e-324), "5e-324");
  EXPECT_EQ(enc(0.1f), "0.1");
  EXPECT_EQ(enc(FLT_MAX), "3.4028235e+38");
  EXPECT_EQ(enc_err(std::numeric_limits<double>::quiet_NaN()).code, errc::invalid_value);
  EXPECT_EQ(enc_err(std::numeric_limits<double>::infinity()).code, errc::invalid_value);
  EXPECT_EQ(enc_err(-std::numeric_limits<float>::infinity()).code, errc::invalid_value);
}

TEST(JsonWriteScalar, DecimalsAndTimestampsAreByteExact) {
  using namespace bw::literals;
  EXPECT_EQ(enc("1.50"_dec), "1.50");
  EXPECT_EQ(enc("1e1"_dec), "1e1");
  EXPECT_EQ(enc("-0.0"_dec), "-0.0");
  bw::decimal quoted = "0.55"_dec;
  quoted.set_wire_form(bw::decimal::form::string);
  EXPECT_EQ(enc(quoted), "\"0.55\"");
  EXPECT_EQ(enc(bw::decimal(195, -2)), "1.95");
  bw::timestamp t;
  ASSERT_EQ(bw::timestamp::from_chars("2026-02-07T16:15:53.270816+00:00", t), errc::none);
  EXPECT_EQ(enc(t), "\"2026-02-07T16:15:53.270816+00:00\"");
  ASSERT_EQ(bw::timestamp::from_chars("2026-02-07t16:15:53z", t), errc::none);
  EXPECT_EQ(enc(t), "\"2026-02-07t16:15:53z\"");
  EXPECT_EQ(enc(bw::timestamp::from_unix_seconds(1754159400)), "1754159400");
  EXPECT_EQ(enc(bw::timestamp::from_unix_seconds(-5)), "-5");
}

TEST(JsonWriteString, Escaping) {
  EXPECT_EQ(enc(std::string("a\"b\\c/d")), R"("a\"b\\c/d")");
  EXPECT_EQ(enc(std::string("\n\r\t\b\f")), R"("\n\r\t\b\f")");
  EXPECT_EQ(enc(std::string("\x01\x1f", 2)), R"("\u0001\u001f")");
  EXPECT_EQ(enc(std::string("\0", 1)), R"("\u0000")");
  EXPECT_EQ(enc(std::string("\x7F")), "\"\x7F\"");
  EXPECT_EQ(enc(std::string_view("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80")), "\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"");
  EXPECT_EQ(enc(std::string()), "\"\"");
  // Long strings: escapes before, inside and after the 8-byte blocks.
  const std::string long_text = "0123456789abcdef\"0123456789abcdef\n0123456789abcdef\\";
  EXPECT_EQ(enc(long_text), R"("0123456789abcdef\"0123456789abcdef\n0123456789abcdef\\")");
}

TEST(JsonWriteString, InvalidUtf8IsAnError) {
  for (const std::string bad : {"\xFF", "\xC0\x80", "\xED\xA0\x80", "abc\xE2\x82", "0123456789\x80"}) {
    const bw::error e = enc_err(bad);
    EXPECT_EQ(e.code, errc::invalid_utf8) << testing::PrintToString(bad);
  }
  const bw::error e = enc_err(wt::outer{{{}, {{"ok"}, {"bad\xFF"}}}});
  EXPECT_EQ(e.code, errc::invalid_utf8);
  EXPECT_EQ(e.path, "rows[1][1].name");
}

TEST(JsonWriteObject, KeysAndOrder) {
  EXPECT_EQ(enc(wt::keyed{1, 2, "x"}), R"({"orderId":1,"participant1Id":2,"bookmakerBetID":"x"})");
  EXPECT_EQ(enc(wt::empty{}), "{}");
  EXPECT_EQ(enc(wt::outer{{{{"a"}}, {}}}), R"({"rows":[[{"name":"a"}],[]]})");
}

TEST(JsonWriteObject, Optionals) {
  EXPECT_EQ(enc(wt::opts{}), R"({"a":1,"d":4})");
  EXPECT_EQ(enc(wt::opts{1, 2, "c", 4}), R"({"a":1,"b":2,"c":"c","d":4})");
  EXPECT_EQ(enc<json::write_options{.write_null_optionals = true}>(wt::opts{}),
            R"({"a":1,"b":null,"c":null,"d":4})");
  EXPECT_EQ(enc(wt::opts{1, std::nullopt, "c", 4}), R"({"a":1,"c":"c","d":4})");
  EXPECT_EQ(enc(std::optional<int>{}), "null");
  EXPECT_EQ(enc(std::vector<std::optional<int>>{1, std::nullopt}), "[1,null]");
}

TEST(JsonWriteContainers, SequencesAndMaps) {
  EXPECT_EQ(enc(std::vector<int>{}), "[]");
  EXPECT_EQ(enc(std::vector<int>{1, -2, 3}), "[1,-2,3]");
  EXPECT_EQ(enc(std::array<bool, 2>{true, false}), "[true,false]");
  json::object_map<std::string, int> om;
  om.insert("z", 1);
  om.insert("a\"", 2);
  EXPECT_EQ(enc(om), R"({"z":1,"a\"":2})");  // insertion order, keys escaped
  EXPECT_EQ(enc(std::map<std::string, double>{{"b", 0.5}, {"a", 1}}), R"({"a":1,"b":0.5})");
  EXPECT_EQ(enc(json::object_map<std::string_view, int>{}), "{}");
  const bw::error e = enc_err(std::map<std::string, double>{{"k", std::nan("")}});
  EXPECT_EQ(e.path, "k");
}

TEST(JsonWriteEnum, StringsIntegersOverrides) {
  EXPECT_EQ(enc(wt::status::partially_filled), "\"PARTIALLY_FILLED\"");
  EXPECT_EQ(enc(wt::status::void_), "\"VOID\"");
  EXPECT_EQ(enc(wt::code::ok), "1");
  EXPECT_EQ(enc(wt::code::minus), "-3");
  EXPECT_EQ(enc_err(static_cast<wt::status>(77)).code, errc::invalid_value);
}

TEST(JsonWriteRaw, SplicedValidated) {
  std::string text = R"({"a": [1, "x\n"]})";
  EXPECT_EQ(enc(wt::with_raw{{text}}), R"({"meta":{"a": [1, "x\n"]}})");
  EXPECT_EQ(enc(wt::with_raw{{""}}), R"({"meta":null})");
  EXPECT_EQ(enc(wt::with_raw{{" 12 "}}), R"({"meta": 12 })");
  EXPECT_EQ(enc(json::raw_string{"[true]"}), "[true]");
  for (const std::string_view bad : {"{", "[1,]", "1 2", "\"\xFF\"", "nul", "{\"a\":1}}"}) {
    const bw::error e = enc_err(wt::with_raw{{bad}});
    EXPECT_EQ(e.code, errc::invalid_value) << bad;
    EXPECT_EQ(e.path, "meta");
  }
}

TEST(JsonWriteBuffer, ReplacesContentAndReusesCapacity) {
  std::string out;
  out.reserve(1024);
  out = "old";
  const char* data = out.data();
  ASSERT_TRUE(json::encode(std::vector<int>{1, 2}, out));
  EXPECT_EQ(out, "[1,2]");
  EXPECT_EQ(out.data(), data);
  auto fresh = json::encode(wt::keyed{3, 4, "y"});
  ASSERT_TRUE(fresh.has_value());
  EXPECT_EQ(*fresh, R"({"orderId":3,"participant1Id":4,"bookmakerBetID":"y"})");
  auto failed = json::encode(std::string("\xFF"));
  EXPECT_FALSE(failed.has_value());
}

TEST(JsonWriteOutput, IsValidJsonThatDecodesBack) {
  wt::keyed k{-1, 1, "\"\\\n\x01\xC3\xA9"};
  const std::string s = enc(k);
  EXPECT_TRUE(json::validate(s).has_value());
  std::string buf = s;
  wt::keyed back;
  ASSERT_TRUE(json::decode(buf, back));
  EXPECT_EQ(back.bookmaker_bet_id, k.bookmaker_bet_id);
  EXPECT_EQ(back.order_id, -1);
}

}  // namespace
