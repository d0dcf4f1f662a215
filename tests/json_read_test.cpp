// json::decode, per type and per error: booleans, integers (range-checked), floating point,
// decimals, strings and views (escapes, UTF-8), optionals, vectors, arrays, nested objects, enums,
// maps, timestamps, raw values; RFC 8259 syntax errors in typed, skipped and raw values; the
// missing/duplicate/unknown key policies; and the error's code, position, path and excerpt.
#include <betwire/json/json.hpp>

#include <gtest/gtest.h>

#include <array>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace bw = betwire;
namespace json = betwire::json;
using bw::errc;

namespace rt {

enum class status : std::uint8_t { unknown, pending, partially_filled, filled };
consteval bw::naming betwire_enum_naming(status*) { return bw::naming::upper_snake; }
enum class strict : std::uint8_t { alpha, beta };
enum class code : std::int16_t { unknown = 0, ok = 1, fatal = 300 };
consteval bw::naming betwire_enum_naming(code*) { return bw::naming::integer; }
consteval bw::enum_range betwire_enum_range(code*) { return {0, 300}; }  // 300 is past the default probe
enum class strict_code : std::int16_t { one = 1, two = 2 };
consteval bw::naming betwire_enum_naming(strict_code*) { return bw::naming::integer; }

struct point {
  int x = 0;
  int y = 0;
};
struct with_opt {
  int id = 0;
  std::optional<std::string> note;
  std::optional<std::vector<int>> list;
};
struct two {
  int a = 0;
  std::string b;
};
struct bet {
  static constexpr bw::naming betwire_naming = bw::naming::camel_case;
  bw::decimal placed_price;
};
struct order {
  static constexpr bw::naming betwire_naming = bw::naming::camel_case;
  std::int64_t order_id = 0;
  std::vector<bet> bets;
};
struct page {
  std::vector<order> orders;
};
struct with_raw {
  json::raw meta;
  int x = 0;
};
struct empty {};
struct flag {
  bool a = false;
};

}  // namespace rt

namespace {

template <json::read_options O = json::read_options{}, class T>
bw::result<void> dec(std::string text, T& value) {
  return json::decode<O>(text, value);
}

// The error of decoding text into a T; fails the test when decoding succeeds.
template <class T, json::read_options O = json::read_options{}>
bw::error err(std::string text) {
  T value{};
  auto r = json::decode<O>(text, value);
  EXPECT_FALSE(r.has_value()) << "decoding succeeded: " << text;
  if (r) return {};
  return r.error();
}

template <class T>
T ok(std::string text) {
  T value{};
  auto r = json::decode(text, value);
  EXPECT_TRUE(r.has_value()) << text << "\n" << (r ? "" : r.error().describe());
  return value;
}

#define EXPECT_ERRC(expr, code_)                                              \
  do {                                                                        \
    const bw::error e_ = (expr);                                              \
    EXPECT_EQ(e_.code, code_) << e_.describe();                               \
    EXPECT_EQ(e_.category, bw::error_category::decode) << e_.describe();      \
  } while (0)

// ---- bool --------------------------------------------------------------------------------------------

TEST(JsonReadBool, Values) {
  EXPECT_TRUE(ok<bool>("true"));
  EXPECT_FALSE(ok<bool>(" false "));
  EXPECT_ERRC(err<bool>("1"), errc::type_mismatch);
  EXPECT_ERRC(err<bool>("\"true\""), errc::type_mismatch);
  EXPECT_ERRC(err<bool>("null"), errc::type_mismatch);
  EXPECT_ERRC(err<bool>("True"), errc::type_mismatch);
  EXPECT_ERRC(err<bool>("tru"), errc::unexpected_end);
  EXPECT_ERRC(err<bool>("trux"), errc::unexpected_character);
  EXPECT_ERRC(err<bool>("fals"), errc::unexpected_end);
  EXPECT_ERRC(err<bool>("truee"), errc::trailing_garbage);
}

// ---- integers ------------------------------------------------------------------------------------------

template <class Int>
void check_integer_limits() {
  using L = std::numeric_limits<Int>;
  const std::string max = std::to_string(L::max());
  const std::string min = std::to_string(L::min());
  EXPECT_EQ(ok<Int>(max), L::max()) << max;
  EXPECT_EQ(ok<Int>(min), L::min()) << min;
  EXPECT_EQ(ok<Int>("0"), Int{0});
  EXPECT_EQ(ok<Int>("-0"), Int{0});
  // One past each end.
  const std::string above = std::to_string(static_cast<unsigned long long>(L::max()) + 1ULL);
  if constexpr (sizeof(Int) < 8 || std::is_signed_v<Int>) {
    const bw::error e = err<Int>(above);
    EXPECT_EQ(e.code, errc::number_out_of_range) << above;
    EXPECT_EQ(e.offset, 0u);
  }
  if constexpr (std::is_signed_v<Int>) {
    const std::string below = "-" + std::to_string(static_cast<unsigned long long>(L::max()) + 2ULL);
    EXPECT_EQ(err<Int>(below).code, errc::number_out_of_range) << below;
  } else {
    EXPECT_EQ(err<Int>("-1").code, errc::number_out_of_range);
  }
}

TEST(JsonReadInteger, LimitsOfEveryType) {
  check_integer_limits<std::int8_t>();
  check_integer_limits<std::uint8_t>();
  check_integer_limits<std::int16_t>();
  check_integer_limits<std::uint16_t>();
  check_integer_limits<std::int32_t>();
  check_integer_limits<std::uint32_t>();
  check_integer_limits<std::int64_t>();
  check_integer_limits<std::uint64_t>();
}

TEST(JsonReadInteger, SixtyFourBitEdges) {
  EXPECT_EQ(ok<std::int64_t>("-9223372036854775808"), INT64_MIN);
  EXPECT_EQ(ok<std::int64_t>("9223372036854775807"), INT64_MAX);
  EXPECT_ERRC(err<std::int64_t>("9223372036854775808"), errc::number_out_of_range);
  EXPECT_ERRC(err<std::int64_t>("-9223372036854775809"), errc::number_out_of_range);
  EXPECT_EQ(ok<std::uint64_t>("18446744073709551615"), UINT64_MAX);
  EXPECT_ERRC(err<std::uint64_t>("18446744073709551616"), errc::number_out_of_range);
  EXPECT_ERRC(err<std::uint64_t>("18446744073709551620"), errc::number_out_of_range);
  EXPECT_ERRC(err<std::uint64_t>("99999999999999999999999999"), errc::number_out_of_range);
  EXPECT_ERRC(err<std::uint64_t>("-1"), errc::number_out_of_range);
  EXPECT_ERRC(err<std::uint64_t>("-18446744073709551615"), errc::number_out_of_range);
  // Above 2^53: exact, not through double.
  EXPECT_EQ(ok<std::int64_t>("9007199254740993"), 9007199254740993LL);
  EXPECT_EQ(ok<std::uint64_t>("18446744073709551557"), 18446744073709551557ULL);
}

TEST(JsonReadInteger, NotAnInteger) {
  EXPECT_ERRC(err<int>("1.0"), errc::type_mismatch);
  EXPECT_ERRC(err<int>("1e2"), errc::type_mismatch);
  EXPECT_ERRC(err<int>("1E2"), errc::type_mismatch);
  EXPECT_ERRC(err<int>("-1.5"), errc::type_mismatch);
  EXPECT_ERRC(err<int>("0.0"), errc::type_mismatch);
  EXPECT_ERRC(err<int>("\"1\""), errc::type_mismatch);
  EXPECT_ERRC(err<int>("true"), errc::type_mismatch);
  EXPECT_ERRC(err<int>("null"), errc::type_mismatch);
  EXPECT_ERRC(err<int>("[1]"), errc::type_mismatch);
  EXPECT_ERRC(err<int>("01"), errc::leading_zero);
  EXPECT_ERRC(err<int>("-01"), errc::leading_zero);
  EXPECT_ERRC(err<int>("-"), errc::unexpected_end);
  EXPECT_ERRC(err<int>("-x"), errc::invalid_number);
  EXPECT_ERRC(err<int>("1."), errc::invalid_number);
  EXPECT_ERRC(err<int>("1e"), errc::invalid_number);
  EXPECT_ERRC(err<int>("1e+"), errc::invalid_number);
  EXPECT_FALSE(dec("+1", *std::make_unique<int>()).has_value());
  EXPECT_ERRC(err<int>("1 2"), errc::trailing_garbage);
  EXPECT_ERRC(err<int>("12a"), errc::trailing_garbage);
}

// ---- floating point ------------------------------------------------------------------------------

TEST(JsonReadFloat, Doubles) {
  EXPECT_EQ(ok<double>("0.1"), 0.1);
  EXPECT_EQ(ok<double>("1"), 1.0);
  EXPECT_EQ(ok<double>("-2.5e-3"), -2.5e-3);
  EXPECT_EQ(ok<double>("1E+2"), 100.0);
  EXPECT_EQ(ok<double>("1.7976931348623157e308"), DBL_MAX);
  EXPECT_EQ(ok<double>("4.9406564584124654e-324"), std::numeric_limits<double>::denorm_min());
  EXPECT_EQ(ok<double>("2.2250738585072014e-308"), DBL_MIN);
  const double nz = ok<double>("-0");
  EXPECT_EQ(nz, 0.0);
  EXPECT_TRUE(std::signbit(nz));
  EXPECT_TRUE(std::signbit(ok<double>("-0.0e5")));
  EXPECT_EQ(ok<double>("9007199254740993"), 9007199254740992.0);  // tie -> even
  EXPECT_EQ(ok<double>("0.1000000000000000055511151231257827021181583404541015625"), 0.1);
}

// Correct rounding of texts with more than 18 significant digits: a tie broken by a digit far to
// the right.
TEST(JsonReadFloat, CorrectRoundingBeyond18Digits) {
#if !defined(__cpp_lib_to_chars)
  // KNOWN BUG (reported, not fixed here): without floating-point std::from_chars (libc++ 19) the
  // reader keeps the first 18 significant digits and drops the rest, so this rounds to ...992.
  GTEST_SKIP() << "known bug: the libc++ path truncates to 18 significant digits";
#endif
  EXPECT_EQ(ok<double>("9007199254740993.00000000001"), 9007199254740994.0);
  EXPECT_EQ(ok<double>("9007199254740992.99999999999"), 9007199254740992.0);
}

TEST(JsonReadFloat, OutOfRange) {
  EXPECT_ERRC(err<double>("1e309"), errc::number_out_of_range);
  EXPECT_ERRC(err<double>("-1e309"), errc::number_out_of_range);
  EXPECT_ERRC(err<double>("1e99999999999"), errc::number_out_of_range);
  EXPECT_ERRC(err<double>("1.8e308"), errc::number_out_of_range);
  EXPECT_ERRC(err<float>("3.5e38"), errc::number_out_of_range);
  EXPECT_ERRC(err<float>("-1e39"), errc::number_out_of_range);
}

// A number too small for the type is zero (the nearest value), on every standard library.
TEST(JsonReadFloat, UnderflowIsZero) {
  EXPECT_EQ(ok<double>("1e-400"), 0.0);
  EXPECT_TRUE(std::signbit(ok<double>("-1e-400")));
  EXPECT_EQ(ok<double>("2e-324"), 0.0);  // below half the smallest subnormal
  EXPECT_EQ(ok<float>("1e-50"), 0.0f);
}

TEST(JsonReadFloat, FloatExtremesRoundTrip) {
  // The shortest text of FLT_MAX is 3.4028235e+38, slightly above FLT_MAX as a double.
  EXPECT_EQ(ok<float>("3.4028235e+38"), FLT_MAX);
  EXPECT_EQ(ok<float>("-3.4028235e38"), -FLT_MAX);
  EXPECT_EQ(ok<float>("1e-45"), std::numeric_limits<float>::denorm_min());
  EXPECT_EQ(ok<float>("0.1"), 0.1f);
}

TEST(JsonReadFloat, NotANumber) {
  EXPECT_ERRC(err<double>("NaN"), errc::type_mismatch);
  EXPECT_ERRC(err<double>("Infinity"), errc::type_mismatch);
  EXPECT_ERRC(err<double>("-Infinity"), errc::invalid_number);
  EXPECT_ERRC(err<double>(".5"), errc::type_mismatch);
  EXPECT_ERRC(err<double>("\"1.5\""), errc::type_mismatch);
  EXPECT_ERRC(err<double>("1.5e"), errc::invalid_number);
  EXPECT_ERRC(err<double>("01.5"), errc::leading_zero);
  EXPECT_ERRC(err<double>("null"), errc::type_mismatch);
}

// ---- decimal -----------------------------------------------------------------------------------------

TEST(JsonReadDecimal, FromNumberKeepsTheText) {
  auto d = ok<bw::decimal>("1.95");
  EXPECT_EQ(d.text(), "1.95");
  EXPECT_EQ(d.wire_form(), bw::decimal::form::number);
  EXPECT_EQ(d.coefficient(), 195);
  EXPECT_EQ(d.exponent(), -2);
  d = ok<bw::decimal>("0.10");
  EXPECT_EQ(d.text(), "0.10");
  d = ok<bw::decimal>("1e1");
  EXPECT_EQ(d.text(), "1e1");
  EXPECT_EQ(d, bw::decimal(10, 0));
  d = ok<bw::decimal>("-0.0");
  EXPECT_EQ(d.text(), "-0.0");
  EXPECT_TRUE(d.is_zero());
  EXPECT_FALSE(d.is_negative());
  d = ok<bw::decimal>("-12.5E-3");
  EXPECT_EQ(d.text(), "-12.5E-3");
  EXPECT_EQ(d.to_double(), -0.0125);
  d = ok<bw::decimal>("50");
  EXPECT_EQ(d.text(), "50");
  EXPECT_EQ(ok<bw::decimal>("123456789012345678").coefficient(), 123456789012345678);
}

TEST(JsonReadDecimal, FromString) {
  auto d = ok<bw::decimal>("\"0.55\"");
  EXPECT_EQ(d.text(), "0.55");
  EXPECT_EQ(d.wire_form(), bw::decimal::form::string);
  d = ok<bw::decimal>("\"1e1\"");
  EXPECT_EQ(d.text(), "1e1");
  EXPECT_EQ(d.wire_form(), bw::decimal::form::string);
  EXPECT_ERRC(err<bw::decimal>("\"abc\""), errc::invalid_decimal);
  EXPECT_ERRC(err<bw::decimal>("\"\""), errc::invalid_decimal);
  EXPECT_ERRC(err<bw::decimal>("\" 1\""), errc::invalid_decimal);
  EXPECT_ERRC(err<bw::decimal>("\"1.\""), errc::invalid_decimal);
  EXPECT_ERRC(err<bw::decimal>("\"0x10\""), errc::invalid_decimal);
  EXPECT_ERRC(err<bw::decimal>("\"1"), errc::unexpected_end);
}

TEST(JsonReadDecimal, Errors) {
  EXPECT_ERRC(err<bw::decimal>("1234567890123456789"), errc::number_out_of_range);  // 19 digits
  EXPECT_ERRC(err<bw::decimal>("1e10001"), errc::number_out_of_range);
  EXPECT_ERRC(err<bw::decimal>("true"), errc::type_mismatch);
  EXPECT_ERRC(err<bw::decimal>("null"), errc::type_mismatch);
  EXPECT_ERRC(err<bw::decimal>("01"), errc::leading_zero);
  EXPECT_ERRC(err<bw::decimal>("1.e3"), errc::invalid_number);
  const bw::error e = err<rt::bet>(R"({"placedPrice": 12345678901234567890})");
  EXPECT_EQ(e.code, errc::number_out_of_range);
  EXPECT_EQ(e.offset, 16u);
  EXPECT_EQ(e.path, "placedPrice");
}

// ---- strings ---------------------------------------------------------------------------------------

TEST(JsonReadString, Escapes) {
  const std::string expected = "a\"b\\c/d\be\ff\ng\rh\ti\xC3\xA9j";
  EXPECT_EQ(ok<std::string>(R"("a\"b\\c\/d\be\ff\ng\rh\ti\u00e9j")"), expected);
  EXPECT_EQ(ok<std::string>(R"("\u00E9\u20AC")"), "\xC3\xA9\xE2\x82\xAC");
  EXPECT_EQ(ok<std::string>(R"("\ud83d\ude00")"), "\xF0\x9F\x98\x80");
  EXPECT_EQ(ok<std::string>(R"("\uD83D\uDE00x")"), "\xF0\x9F\x98\x80x");
  EXPECT_EQ(ok<std::string>(R"("\uDBFF\uDFFF")"), "\xF4\x8F\xBF\xBF");
  EXPECT_EQ(ok<std::string>(R"("\u0000")"), std::string("\0", 1));
  EXPECT_EQ(ok<std::string>(R"("x\u0000y")"), std::string("x\0y", 3));
  EXPECT_EQ(ok<std::string>(R"("\u007f\u0080\u07ff\u0800\uffff")"),
            "\x7F\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF");
  EXPECT_EQ(ok<std::string>(R"("")"), "");
  EXPECT_EQ(ok<std::string>("\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\""), "\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80");
}

TEST(JsonReadString, LongStringsWithEscapesEverywhere) {
  // Plain runs longer than the reader's 8-byte blocks, before, between and after escapes.
  std::string json = "\"";
  std::string expected;
  for (int i = 0; i < 40; ++i) {
    const std::string run(static_cast<std::size_t>(i % 13), static_cast<char>('a' + i % 26));
    json += run;
    expected += run;
    switch (i % 5) {
      case 0: json += "\\n"; expected += '\n'; break;
      case 1: json += "\\u00e9"; expected += "\xC3\xA9"; break;
      case 2: json += "\xE2\x82\xAC"; expected += "\xE2\x82\xAC"; break;
      case 3: json += "\\ud83d\\ude00"; expected += "\xF0\x9F\x98\x80"; break;
      default: json += "\\\""; expected += '"'; break;
    }
  }
  json += "0123456789abcdefghij\"";
  expected += "0123456789abcdefghij";
  EXPECT_EQ(ok<std::string>(json), expected);
}

TEST(JsonReadString, ViewPointsIntoTheBuffer) {
  std::string buffer = R"({"a": 5, "b": "hello\nworld"})";
  rt::two v;
  ASSERT_TRUE(json::decode(buffer, v));
  struct view_two {
    int a;
    std::string_view b;
  } w{};
  std::string buffer2 = R"({"a": 5, "b": "hello\nworld\u00e9"})";
  ASSERT_TRUE(json::decode(buffer2, w));
  EXPECT_EQ(w.b, "hello\nworld\xC3\xA9");
  EXPECT_GE(w.b.data(), buffer2.data());
  EXPECT_LE(w.b.data() + w.b.size(), buffer2.data() + buffer2.size());
  // Escapes are decoded where they stand: the view starts right after the opening quote.
  EXPECT_EQ(w.b.data(), buffer2.data() + buffer2.find("hello"));
  EXPECT_EQ(v.b, "hello\nworld");
}

TEST(JsonReadString, BadEscapes) {
  bw::error e = err<std::string>(R"("ab\x")");
  EXPECT_EQ(e.code, errc::invalid_escape);
  EXPECT_EQ(e.offset, 3u);
  EXPECT_ERRC(err<std::string>(R"("\u12")"), errc::invalid_escape);
  EXPECT_ERRC(err<std::string>(R"("\u12G4")"), errc::invalid_escape);
  EXPECT_ERRC(err<std::string>(R"("\U0041")"), errc::invalid_escape);
  EXPECT_ERRC(err<std::string>(R"("\a")"), errc::invalid_escape);
  EXPECT_ERRC(err<std::string>(R"("\')"), errc::invalid_escape);
  EXPECT_ERRC(err<std::string>("\"\\"), errc::unexpected_end);
  EXPECT_ERRC(err<std::string>("\"\\u00"), errc::invalid_escape);
  EXPECT_ERRC(err<std::string>("\"abc"), errc::unexpected_end);
  EXPECT_ERRC(err<std::string>("\"0123456789abcdef"), errc::unexpected_end);
}

TEST(JsonReadString, LoneSurrogates) {
  bw::error e = err<std::string>(R"("ab\ud800")");
  EXPECT_EQ(e.code, errc::lone_surrogate);
  EXPECT_EQ(e.offset, 3u);
  EXPECT_ERRC(err<std::string>(R"("\udc00")"), errc::lone_surrogate);        // low alone
  EXPECT_ERRC(err<std::string>(R"("\udfff\ud800")"), errc::lone_surrogate);  // wrong order
  EXPECT_ERRC(err<std::string>(R"("\ud800\u0041")"), errc::lone_surrogate);  // high + non-low
  EXPECT_ERRC(err<std::string>(R"("\ud800\ud800")"), errc::lone_surrogate);  // high + high
  EXPECT_ERRC(err<std::string>(R"("\ud800x")"), errc::lone_surrogate);
  EXPECT_ERRC(err<std::string>(R"("\ud800\n")"), errc::lone_surrogate);
  EXPECT_FALSE(dec(R"("\ud800\u")", *std::make_unique<std::string>()).has_value());
  EXPECT_FALSE(dec(R"("\ud800)", *std::make_unique<std::string>()).has_value());
}

TEST(JsonReadString, InvalidUtf8) {
  const std::vector<std::string> bad = {
      "\xC0\x80",          // overlong NUL
      "\xC1\xBF",          // overlong
      "\xE0\x80\x80",      // overlong 3-byte
      "\xE0\x9F\xBF",      // overlong 3-byte (just below U+0800)
      "\xF0\x80\x80\x80",  // overlong 4-byte
      "\xF0\x8F\xBF\xBF",  // overlong 4-byte (just below U+10000)
      "\xED\xA0\x80",      // UTF-16 surrogate D800 encoded in UTF-8
      "\xED\xBF\xBF",      // surrogate DFFF
      "\xF4\x90\x80\x80",  // above U+10FFFF
      "\xE2\x82",          // truncated 3-byte sequence
      "\xF0\x9F\x98",      // truncated 4-byte sequence
      "\xC3",              // truncated 2-byte sequence
      "\x80",              // lone continuation byte
      "\xBF",
      "\xC3\xC3",          // lead byte where a continuation is expected
      "\xF5\x80\x80\x80", "\xF8\x80\x80\x80\x80", "\xFC", "\xFE", "\xFF",
  };
  for (const std::string& b : bad) {
    for (const std::string& prefix : {std::string(""), std::string("0123456789")}) {
      const std::string doc = "\"" + prefix + b + "\"";
      const bw::error e = err<std::string>(doc);
      EXPECT_EQ(e.code, errc::invalid_utf8) << testing::PrintToString(doc);
      EXPECT_EQ(e.offset, 1 + prefix.size()) << testing::PrintToString(doc);
    }
    // Not only in decoded strings: in keys, in skipped values and in raw values too.
    EXPECT_ERRC(err<rt::point>("{\"x\":1,\"y\":2,\"z\":\"" + b + "\"}"), errc::invalid_utf8);
    EXPECT_ERRC(err<rt::point>("{\"x\":1,\"y\":2,\"" + b + "\":0}"), errc::invalid_utf8);
    EXPECT_ERRC(err<rt::with_raw>("{\"meta\":[\"" + b + "\"],\"x\":1}"), errc::invalid_utf8);
    EXPECT_FALSE(json::validate("[\"" + b + "\"]").has_value());
  }
  // Every byte F5..FF is invalid anywhere in a string.
  for (int byte = 0xF5; byte <= 0xFF; ++byte) {
    const std::string doc = std::string("\"ab") + static_cast<char>(byte) + "\"";
    EXPECT_EQ(err<std::string>(doc).code, errc::invalid_utf8) << byte;
  }
  // With validation off, bytes are passed through.
  std::string doc = "\"\xFF\xC0\x80\"";
  std::string out;
  ASSERT_TRUE(json::decode<json::read_options{.validate_utf8 = false}>(doc, out));
  EXPECT_EQ(out, "\xFF\xC0\x80");
}

TEST(JsonReadString, ControlCharactersMustBeEscaped) {
  for (int ch = 0; ch < 0x20; ++ch) {
    const std::string doc = std::string("\"a") + static_cast<char>(ch) + "b\"";
    const bw::error e = err<std::string>(doc);
    EXPECT_EQ(e.code, errc::invalid_string) << ch;
    EXPECT_EQ(e.offset, 2u);
  }
  EXPECT_EQ(ok<std::string>("\"\x7F\""), "\x7F");  // DEL is allowed
}

TEST(JsonReadString, TypeMismatch) {
  EXPECT_ERRC(err<std::string>("1"), errc::type_mismatch);
  EXPECT_ERRC(err<std::string>("null"), errc::type_mismatch);
  EXPECT_ERRC(err<std::string>("[\"a\"]"), errc::type_mismatch);
  EXPECT_ERRC(err<std::string>("'a'"), errc::type_mismatch);
}

// ---- optional ----------------------------------------------------------------------------------------

TEST(JsonReadOptional, AbsentNullPresent) {
  rt::with_opt v = ok<rt::with_opt>(R"({"id": 1})");
  EXPECT_FALSE(v.note.has_value());
  EXPECT_FALSE(v.list.has_value());
  v = ok<rt::with_opt>(R"({"id": 1, "note": null, "list": null})");
  EXPECT_FALSE(v.note.has_value());
  v = ok<rt::with_opt>(R"({"id": 1, "note": "n", "list": [1, 2]})");
  EXPECT_EQ(v.note, "n");
  EXPECT_EQ(v.list, (std::vector<int>{1, 2}));
  EXPECT_EQ(ok<std::optional<int>>("null"), std::nullopt);
  EXPECT_EQ(ok<std::optional<int>>("7"), 7);
  EXPECT_ERRC(err<std::optional<int>>("nul"), errc::unexpected_end);
  EXPECT_ERRC(err<std::optional<int>>("nulx"), errc::unexpected_character);
  EXPECT_ERRC(err<std::optional<int>>("\"7\""), errc::type_mismatch);
}

TEST(JsonReadOptional, WarmObjectIsReset) {
  rt::with_opt v{1, "old", std::vector<int>{9, 9, 9}};
  ASSERT_TRUE(dec(R"({"id": 2})", v));
  EXPECT_EQ(v.id, 2);
  EXPECT_FALSE(v.note.has_value());
  EXPECT_FALSE(v.list.has_value());
  v.note = "old";
  ASSERT_TRUE(dec(R"({"note": null, "id": 3})", v));
  EXPECT_FALSE(v.note.has_value());
  v.list = std::vector<int>{5, 6, 7};
  ASSERT_TRUE(dec(R"({"id": 3, "list": [1]})", v));
  EXPECT_EQ(v.list, std::vector<int>{1});
}

// ---- vector and array ------------------------------------------------------------------------------

TEST(JsonReadVector, ValuesReuseAndShrink) {
  std::vector<int> v;
  ASSERT_TRUE(dec("[1, 2, 3, 4, 5]", v));
  EXPECT_EQ(v, (std::vector<int>{1, 2, 3, 4, 5}));
  const int* data = v.data();
  const std::size_t cap = v.capacity();
  ASSERT_TRUE(dec("[7,8]", v));
  EXPECT_EQ(v, (std::vector<int>{7, 8}));
  EXPECT_EQ(v.data(), data);
  EXPECT_EQ(v.capacity(), cap);
  ASSERT_TRUE(dec("[ ]", v));
  EXPECT_TRUE(v.empty());
  EXPECT_EQ(v.capacity(), cap);
  ASSERT_TRUE(dec("[1,2,3,4,5]", v));
  EXPECT_EQ(v.data(), data);

  std::vector<std::vector<int>> nested;
  ASSERT_TRUE(dec("[[1],[],[2,3]]", nested));
  ASSERT_EQ(nested.size(), 3u);
  EXPECT_EQ(nested[2], (std::vector<int>{2, 3}));
  EXPECT_TRUE(nested[1].empty());

  std::vector<rt::two> objs{{1, "a long string that is on the heap"}};
  const char* str = objs[0].b.data();
  ASSERT_TRUE(dec(R"([{"a": 2, "b": "short"}, {"a": 3, "b": "x"}])", objs));
  ASSERT_EQ(objs.size(), 2u);
  EXPECT_EQ(objs[0].b, "short");
  EXPECT_EQ(objs[0].b.data(), str);  // the warm element's string kept its buffer
  EXPECT_EQ(objs[1].a, 3);
}

TEST(JsonReadVector, Errors) {
  std::vector<int> v;
  EXPECT_ERRC(err<std::vector<int>>("[1,2,]"), errc::trailing_comma);
  EXPECT_ERRC(err<std::vector<int>>("[,1]"), errc::type_mismatch);
  EXPECT_ERRC(err<std::vector<int>>("[1 2]"), errc::unexpected_character);
  EXPECT_ERRC(err<std::vector<int>>("[1,"), errc::unexpected_end);
  EXPECT_ERRC(err<std::vector<int>>("["), errc::unexpected_end);
  EXPECT_ERRC(err<std::vector<int>>("[1"), errc::unexpected_end);
  EXPECT_ERRC(err<std::vector<int>>("{}"), errc::type_mismatch);
  EXPECT_ERRC(err<std::vector<int>>("[1]]"), errc::trailing_garbage);
  const bw::error e = err<std::vector<int>>("[1, 2, \"3\"]");
  EXPECT_EQ(e.code, errc::type_mismatch);
  EXPECT_EQ(e.path, "[2]");
  EXPECT_EQ(e.offset, 7u);
}

TEST(JsonReadArray, FixedSize) {
  const auto a = ok<std::array<int, 3>>("[1,2,3]");
  EXPECT_EQ(a, (std::array<int, 3>{1, 2, 3}));
  EXPECT_EQ((ok<std::array<int, 0>>("[]")), (std::array<int, 0>{}));
  bw::error e = err<std::array<int, 3>>("[1,2]");
  EXPECT_EQ(e.code, errc::wrong_array_size);
  EXPECT_EQ(e.offset, 0u);
  EXPECT_ERRC((err<std::array<int, 3>>("[1,2,3,4]")), errc::wrong_array_size);
  EXPECT_EQ((err<std::array<int, 3>>("[1,2,3,4]").path), "");  // the array's error, not element 3's
  EXPECT_EQ((err<std::array<int, 3>>("[1,2,true]").path), "[2]");
  EXPECT_EQ((err<std::vector<int>>("[1,2,true]").path), "[2]");
  EXPECT_ERRC((err<std::array<int, 3>>("[]")), errc::wrong_array_size);
  EXPECT_ERRC((err<std::array<int, 0>>("[1]")), errc::wrong_array_size);
  EXPECT_ERRC((err<std::array<int, 2>>("[1,2,]")), errc::trailing_comma);
  e = err<std::array<rt::point, 2>>(R"([{"x":1,"y":2},{"x":1,"y":true}])");
  EXPECT_EQ(e.code, errc::type_mismatch);
  EXPECT_EQ(e.path, "[1].y");
}

// ---- nested objects --------------------------------------------------------------------------------

TEST(JsonReadObject, NestedAndAnyKeyOrder) {
  const auto p = ok<rt::page>(
      R"({"orders":[{"bets":[{"placedPrice":1.5}],"orderId":2},{"orderId":3,"bets":[]}]})");
  ASSERT_EQ(p.orders.size(), 2u);
  EXPECT_EQ(p.orders[0].order_id, 2);
  ASSERT_EQ(p.orders[0].bets.size(), 1u);
  EXPECT_EQ(p.orders[0].bets[0].placed_price.text(), "1.5");
  EXPECT_EQ(p.orders[1].order_id, 3);
  (void)ok<rt::empty>("{}");
  (void)ok<rt::empty>(" { } ");
  EXPECT_ERRC(err<rt::empty>("[]"), errc::type_mismatch);
  EXPECT_TRUE(dec(R"({"unknown": [1, {"x": null}]})", *std::make_unique<rt::empty>()));
}

TEST(JsonReadObject, SyntaxErrors) {
  EXPECT_ERRC(err<rt::point>(R"({"x":1,"y":2,})"), errc::trailing_comma);
  EXPECT_ERRC(err<rt::point>(R"({"x":1 "y":2})"), errc::unexpected_character);
  EXPECT_ERRC(err<rt::point>(R"({"x" 1,"y":2})"), errc::unexpected_character);
  EXPECT_ERRC(err<rt::point>(R"({"x":,"y":2})"), errc::type_mismatch);
  EXPECT_ERRC(err<rt::point>(R"({x:1,"y":2})"), errc::unexpected_character);
  EXPECT_ERRC(err<rt::point>(R"({'x':1,"y":2})"), errc::unexpected_character);
  EXPECT_ERRC(err<rt::point>(R"({,})"), errc::unexpected_character);
  EXPECT_ERRC(err<rt::point>(R"({"x":1,"y":2)"), errc::unexpected_end);
  EXPECT_ERRC(err<rt::point>(R"({"x":1,"y":2}})"), errc::trailing_garbage);
  EXPECT_ERRC(err<rt::point>(R"({"x":1,"y":2} x)"), errc::trailing_garbage);
  EXPECT_ERRC(err<rt::point>(R"({"x":1,"y":2}{})"), errc::trailing_garbage);
  EXPECT_ERRC(err<rt::point>(""), errc::unexpected_end);
  EXPECT_ERRC(err<rt::point>(" \n\t\r "), errc::unexpected_end);
  EXPECT_ERRC(err<rt::point>("\x01{}"), errc::type_mismatch);
  EXPECT_ERRC(err<rt::point>(std::string("{\"x\":1,\"y\":2}\0", 14)), errc::trailing_garbage);
  EXPECT_ERRC(err<rt::point>("[1,2]"), errc::type_mismatch);
  EXPECT_ERRC(err<rt::point>("null"), errc::type_mismatch);
}

TEST(JsonReadSyntax, LeadingZerosEverywhere) {
  EXPECT_ERRC(err<rt::point>(R"({"x":01,"y":2})"), errc::leading_zero);
  EXPECT_ERRC(err<rt::point>(R"({"x":1,"y":2,"z":00})"), errc::leading_zero);   // skipped value
  EXPECT_ERRC(err<rt::point>(R"({"x":1,"y":2,"z":-012.5})"), errc::leading_zero);
  EXPECT_ERRC(err<rt::with_raw>(R"({"meta":[1,02],"x":1})"), errc::leading_zero);  // raw value
  EXPECT_ERRC(err<rt::bet>(R"({"placedPrice":00.5})"), errc::leading_zero);
  EXPECT_EQ(json::validate("[0, -0, 0.5, -0.5e-3, 10]").has_value(), true);
  EXPECT_FALSE(json::validate("[1, 0123]").has_value());
}

TEST(JsonReadSyntax, TrailingCommasInSkippedAndRawValues) {
  EXPECT_ERRC(err<rt::point>(R"({"x":1,"y":2,"z":[1,]})"), errc::trailing_comma);
  EXPECT_ERRC(err<rt::point>(R"({"x":1,"y":2,"z":{"a":1,}})"), errc::trailing_comma);
  EXPECT_ERRC(err<rt::with_raw>(R"({"meta":{"a":[],},"x":1})"), errc::trailing_comma);
  EXPECT_ERRC(err<rt::with_raw>(R"({"meta":[[],],"x":1})"), errc::trailing_comma);
  EXPECT_EQ(json::validate("[1,]").error().code, errc::trailing_comma);
  EXPECT_EQ(json::validate("{\"a\":1,}").error().code, errc::trailing_comma);
}

TEST(JsonReadSyntax, Literals) {
  EXPECT_TRUE(json::validate("[true,false,null]").has_value());
  EXPECT_FALSE(json::validate("[tru]").has_value());
  EXPECT_FALSE(json::validate("[nul]").has_value());
  EXPECT_FALSE(json::validate("[nulll]").has_value());
  EXPECT_FALSE(json::validate("[NULL]").has_value());
  EXPECT_FALSE(json::validate("[undefined]").has_value());
  EXPECT_FALSE(json::validate("").has_value());
  EXPECT_FALSE(json::validate(std::string_view{}).has_value());
  EXPECT_EQ(json::validate("1 2").error().code, errc::trailing_garbage);
}

// ---- depth -------------------------------------------------------------------------------------------

std::string nested_arrays(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(JsonReadDepth, TypedValues) {
  using v3 = std::vector<std::vector<std::vector<int>>>;
  v3 v;
  std::string doc = "[[[1]]]";
  EXPECT_TRUE((json::decode<json::read_options{.max_depth = 3}>(doc, v)));
  doc = "[[[1]]]";
  auto r = json::decode<json::read_options{.max_depth = 2}>(doc, v);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::depth_exceeded);
  EXPECT_EQ(r.error().offset, 2u);
  // Objects count too.
  rt::page p;
  doc = R"({"orders":[{"orderId":1,"bets":[{"placedPrice":1}]}]})";  // depth 5
  EXPECT_TRUE((json::decode<json::read_options{.max_depth = 5}>(doc, p)));
  doc = R"({"orders":[{"orderId":1,"bets":[{"placedPrice":1}]}]})";
  r = json::decode<json::read_options{.max_depth = 4}>(doc, p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::depth_exceeded);
  EXPECT_EQ(r.error().path, "orders[0].bets[0]");
}

TEST(JsonReadDepth, SkippedAndRawValues) {
  // Default limit 64: the struct is level 1, so a skipped value may nest 63 more levels.
  const std::string ok_doc = R"({"x":1,"y":2,"z":)" + nested_arrays(63) + "}";
  EXPECT_TRUE(dec(ok_doc, *std::make_unique<rt::point>()));
  const bw::error e = err<rt::point>(R"({"x":1,"y":2,"z":)" + nested_arrays(64) + "}");
  EXPECT_EQ(e.code, errc::depth_exceeded);
  EXPECT_EQ(e.path, "z");
  EXPECT_ERRC(err<rt::with_raw>(R"({"meta":)" + nested_arrays(64) + R"(,"x":1})"), errc::depth_exceeded);
  EXPECT_TRUE(json::validate(nested_arrays(64)).has_value());
  EXPECT_EQ(json::validate(nested_arrays(65)).error().code, errc::depth_exceeded);
  EXPECT_EQ((json::validate<json::read_options{.max_depth = 3}>("[{\"a\":[]}]").has_value()), true);
  EXPECT_EQ((json::validate<json::read_options{.max_depth = 2}>("[{\"a\":[]}]").error().code),
            errc::depth_exceeded);
}

TEST(JsonReadDepth, HostileNestingFailsFast) {
  // A million open brackets: an error at the limit, not a stack overflow.
  const std::string deep(1'000'000, '[');
  EXPECT_EQ(json::validate(deep).error().code, errc::depth_exceeded);
  EXPECT_ERRC(err<rt::with_raw>("{\"meta\":" + deep), errc::depth_exceeded);
  std::string objs;
  for (int i = 0; i < 100000; ++i) objs += "{\"a\":";
  EXPECT_EQ(json::validate(objs).error().code, errc::depth_exceeded);
}

// ---- enums ---------------------------------------------------------------------------------------------

TEST(JsonReadEnum, Strings) {
  EXPECT_EQ(ok<rt::status>("\"PARTIALLY_FILLED\""), rt::status::partially_filled);
  EXPECT_EQ(ok<rt::status>("\"FILLED\""), rt::status::filled);
  EXPECT_EQ(ok<rt::status>("\"FIL\\u004cED\""), rt::status::filled);  // escapes are decoded first
  EXPECT_EQ(ok<rt::status>("\"SOMETHING_NEW\""), rt::status::unknown);
  EXPECT_EQ(ok<rt::status>("\"filled\""), rt::status::unknown);
  EXPECT_EQ(ok<rt::strict>("\"beta\""), rt::strict::beta);
  const bw::error e = err<rt::strict>("  \"gamma\"");
  EXPECT_EQ(e.code, errc::unknown_enum_value);
  EXPECT_EQ(e.offset, 2u);
  EXPECT_ERRC(err<rt::status>("1"), errc::type_mismatch);
  EXPECT_ERRC(err<rt::status>("null"), errc::type_mismatch);
  EXPECT_ERRC(err<rt::status>("\"FILLED"), errc::unexpected_end);
}

TEST(JsonReadEnum, Integers) {
  EXPECT_EQ(ok<rt::code>("300"), rt::code::fatal);
  EXPECT_EQ(ok<rt::code>("1"), rt::code::ok);
  EXPECT_EQ(ok<rt::code>("2"), rt::code::unknown);
  EXPECT_EQ(ok<rt::code>("-7"), rt::code::unknown);
  EXPECT_EQ(ok<rt::strict_code>("2"), rt::strict_code::two);
  EXPECT_ERRC(err<rt::strict_code>("3"), errc::unknown_enum_value);
  EXPECT_ERRC(err<rt::code>("\"OK\""), errc::type_mismatch);
  EXPECT_ERRC(err<rt::code>("1.0"), errc::type_mismatch);
  EXPECT_ERRC(err<rt::code>("99999999999999999999"), errc::number_out_of_range);
}

// ---- maps ----------------------------------------------------------------------------------------------

TEST(JsonReadMap, ObjectMap) {
  std::string doc = R"({"b": "x", "a": "y\n", "c\u00e9": ""})";
  json::object_map<std::string_view, std::string_view> m;
  ASSERT_TRUE(json::decode(doc, m));
  ASSERT_EQ(m.size(), 3u);
  auto it = m.begin();
  EXPECT_EQ(it->first, "b");  // document order
  EXPECT_EQ((++it)->second, "y\n");
  EXPECT_EQ(*m.find("c\xC3\xA9"), "");
  EXPECT_EQ(m.find("zz"), nullptr);
  const auto* first = &*m.begin();
  const std::size_t cap = m.items().capacity();
  std::string doc2 = R"({"k": "v"})";
  ASSERT_TRUE(json::decode(doc2, m));
  EXPECT_EQ(m.size(), 1u);
  EXPECT_EQ(&*m.begin(), first);
  EXPECT_EQ(m.items().capacity(), cap);
  EXPECT_EQ(*m.find("k"), "v");
  std::string doc3 = "{}";
  ASSERT_TRUE(json::decode(doc3, m));
  EXPECT_TRUE(m.empty());

  json::object_map<std::string, int> owning;
  ASSERT_TRUE(dec(R"({"one": 1, "two": 2})", owning));
  EXPECT_EQ(*owning.find("two"), 2);
  const bw::error e = err<json::object_map<std::string, int>>(R"({"one": 1, "two": "2"})");
  EXPECT_EQ(e.code, errc::type_mismatch);
  EXPECT_EQ(e.path, "two");
  EXPECT_ERRC((err<json::object_map<std::string, int>>("[]")), errc::type_mismatch);
  EXPECT_ERRC((err<json::object_map<std::string, int>>(R"({"a":1,})")), errc::trailing_comma);
}

TEST(JsonReadMap, StdMaps) {
  auto m = ok<std::map<std::string, std::vector<int>>>(R"({"b": [1], "a": []})");
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m["b"], std::vector<int>{1});
  auto u = ok<std::unordered_map<std::string, int>>(R"({"x": 1, "y": 2})");
  EXPECT_EQ(u.at("y"), 2);
  std::map<std::string, int> warm{{"old", 1}};
  ASSERT_TRUE(dec(R"({"new": 2})", warm));
  EXPECT_EQ(warm, (std::map<std::string, int>{{"new", 2}}));
  EXPECT_ERRC((err<std::map<std::string, int>>(R"({"a": 1, "a": 2})")), errc::duplicate_key);
}

// std::map with allow_duplicate_keys: the last occurrence wins, as for struct members.
TEST(JsonReadMap, DuplicateKeysAllowedLastWins) {
  std::map<std::string, int> m;
  ASSERT_TRUE((dec<json::read_options{.allow_duplicate_keys = true}>(R"({"a": 1, "a": 2})", m)));
  EXPECT_EQ(m.at("a"), 2);
}

TEST(JsonReadMap, ObjectMapDuplicateKeysFollowThePolicy) {
  EXPECT_ERRC((err<json::object_map<std::string, int>>(R"({"a": 1, "b": 2, "a": 3})")),
              errc::duplicate_key);
  EXPECT_ERRC((err<json::object_map<std::string_view, int>>(R"({"a": 1, "b": 2, "a": 3})")),
              errc::duplicate_key);
  // Spelled differently, the same key: escapes are decoded before keys are compared.
  EXPECT_ERRC((err<json::object_map<std::string, int>>(R"({"\u0061": 1, "a": 3})")), errc::duplicate_key);
  json::object_map<std::string, int> om;
  ASSERT_TRUE((dec<json::read_options{.allow_duplicate_keys = true}>(R"({"a": 1, "b": 5, "a": 2})", om)));
  EXPECT_EQ(om.size(), 2u);
  EXPECT_EQ(*om.find("a"), 2);
  EXPECT_EQ(om.begin()->first, "a");  // where it first appeared
  EXPECT_EQ(*om.find("b"), 5);
}

TEST(JsonReadMap, ObjectMapDuplicateReportedAtTheSecondOccurrence) {
  std::string doc = R"({"x": 1, "y": 2, "x": 3})";
  const std::size_t second = doc.rfind("\"x\"");
  json::object_map<std::string, int> om;
  auto r = json::decode(doc, om);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::duplicate_key);
  EXPECT_EQ(r.error().offset, second);
}

TEST(JsonReadMap, ObjectMapManyKeysAndALateDuplicate) {
  // Past the stack table (128 keys): the heap one takes over, and a repeat is still found, also of
  // keys that share their first and last bytes.
  std::string doc = "{";
  for (int i = 0; i < 5000; ++i) doc += "\"key-" + std::to_string(100000 + i) + "-end\":" + std::to_string(i) + ",";
  std::string unique = doc;
  unique.back() = '}';
  json::object_map<std::string, int> om;
  ASSERT_TRUE(json::decode(unique, om));
  EXPECT_EQ(om.size(), 5000u);
  EXPECT_EQ(*om.find("key-104999-end"), 4999);
  doc += R"("key-102500-end":0})";
  EXPECT_ERRC((err<json::object_map<std::string, int>>(doc)), errc::duplicate_key);
  // A warm map decoded again keeps its capacity and its contents are replaced.
  ASSERT_TRUE(json::decode(unique, om));
  EXPECT_EQ(om.size(), 5000u);
}

// ---- timestamps -----------------------------------------------------------------------------------------

TEST(JsonReadTimestamp, IsoAndUnixSeconds) {
  auto t = ok<bw::timestamp>("\"2026-02-07T16:15:53.270816+00:00\"");
  EXPECT_EQ(t.wire_form(), bw::timestamp::form::iso8601);
  EXPECT_EQ(t.unix_seconds(), 1770480953);
  EXPECT_EQ(t.nanosecond(), 270816000u);
  EXPECT_EQ(t.to_string(), "2026-02-07T16:15:53.270816+00:00");
  t = ok<bw::timestamp>("\"2026-02-07T17:29:32-05:30\"");
  EXPECT_EQ(t.unix_seconds(), 1770485372 + 5 * 3600 + 30 * 60);
  EXPECT_EQ(t.offset_minutes(), -330);
  t = ok<bw::timestamp>("1754159400");
  EXPECT_EQ(t.wire_form(), bw::timestamp::form::unix_seconds);
  EXPECT_EQ(t.unix_seconds(), 1754159400);
  EXPECT_EQ(t.to_string(), "1754159400");
  EXPECT_EQ(ok<bw::timestamp>("-1").unix_seconds(), -1);
  EXPECT_ERRC(err<bw::timestamp>("\"2026-02-30T00:00:00Z\""), errc::invalid_timestamp);
  EXPECT_ERRC(err<bw::timestamp>("\"yesterday\""), errc::invalid_timestamp);
  EXPECT_ERRC(err<bw::timestamp>("\"\""), errc::invalid_timestamp);
  EXPECT_ERRC(err<bw::timestamp>("1.5"), errc::type_mismatch);
  EXPECT_ERRC(err<bw::timestamp>("true"), errc::type_mismatch);
  EXPECT_ERRC(err<bw::timestamp>("99999999999999999999"), errc::number_out_of_range);
}

// ---- raw ------------------------------------------------------------------------------------------------

TEST(JsonReadRaw, TextIsExact) {
  const std::string meta = R"({"a": "x\n\u00e9\"", "b": [1, 2.5e3, {"c": null}], "d\\": true})";
  std::string doc = "{\"meta\":  " + meta + " ,\"x\":1}";
  rt::with_raw v;
  ASSERT_TRUE(json::decode(doc, v));
  EXPECT_EQ(v.meta.view(), meta);  // escapes and whitespace inside left untouched
  EXPECT_FALSE(v.meta.is_null());
  EXPECT_EQ(v.x, 1);
  EXPECT_EQ(v.meta.text.data(), doc.data() + doc.find(meta));
  for (const std::string value : {"null", "\"s\\\"\"", "12.5", "[ ]", "{}", "true", "-0"}) {
    std::string d = "{\"x\":2,\"meta\":" + value + "}";
    ASSERT_TRUE(json::decode(d, v)) << value;
    EXPECT_EQ(v.meta.view(), value);
  }
  EXPECT_TRUE(v.meta.is_null() == false);
  std::string d = R"({"x":2,"meta":null})";
  ASSERT_TRUE(json::decode(d, v));
  EXPECT_TRUE(v.meta.is_null());
  // Owning raw text.
  json::raw_string owned;
  ASSERT_TRUE(dec(R"([1, {"k": "\u00e9"}])", owned));
  EXPECT_EQ(owned.text, R"([1, {"k": "\u00e9"}])");
}

TEST(JsonReadRaw, Validated) {
  EXPECT_ERRC(err<rt::with_raw>(R"({"meta": {"a" 1}, "x": 1})"), errc::unexpected_character);
  EXPECT_ERRC(err<rt::with_raw>(R"({"meta": "\q", "x": 1})"), errc::invalid_escape);
  EXPECT_ERRC(err<rt::with_raw>(R"({"meta": "\ud800", "x": 1})"), errc::lone_surrogate);
  EXPECT_ERRC(err<rt::with_raw>(R"({"meta": [1.], "x": 1})"), errc::invalid_number);
  EXPECT_ERRC(err<rt::with_raw>(R"({"meta": , "x": 1})"), errc::unexpected_character);
  EXPECT_ERRC(err<rt::with_raw>(R"({"meta": [1)"), errc::unexpected_end);
  const bw::error e = err<rt::with_raw>(R"({"meta": {"a": [tru]}, "x": 1})");
  EXPECT_EQ(e.code, errc::unexpected_character);
  EXPECT_EQ(e.path, "meta");
  EXPECT_EQ(e.offset, 16u);
}

// ---- key policies --------------------------------------------------------------------------------------

TEST(JsonReadKeys, MissingKeyIsAnErrorByDefault) {
  const std::string doc = "{\n  \"x\": 1\n}";
  const bw::error e = err<rt::point>(doc);
  EXPECT_EQ(e.code, errc::missing_key);
  EXPECT_EQ(e.path, "y");
  EXPECT_EQ(e.offset, doc.size() - 1);  // reported at the object's closing brace
  EXPECT_EQ(e.line, 3u);
  EXPECT_EQ(e.column, 1u);
  const bw::error nested = err<rt::page>(R"({"orders":[{"orderId":1,"bets":[]},{"bets":[]}]})");
  EXPECT_EQ(nested.code, errc::missing_key);
  EXPECT_EQ(nested.path, "orders[1].orderId");
}

TEST(JsonReadKeys, AllowMissingKeysResetsMembers) {
  constexpr json::read_options lenient{.allow_missing_keys = true};
  rt::two v{5, "warm"};
  ASSERT_TRUE(dec<lenient>("{}", v));
  EXPECT_EQ(v.a, 0);
  EXPECT_TRUE(v.b.empty());
  rt::page p;
  ASSERT_TRUE(dec<lenient>(R"({"orders":[{"orderId":4,"bets":[{"placedPrice":2}]}]})", p));
  ASSERT_TRUE(dec<lenient>(R"({"orders":[{"orderId":5}]})", p));
  ASSERT_EQ(p.orders.size(), 1u);
  EXPECT_EQ(p.orders[0].order_id, 5);
  EXPECT_TRUE(p.orders[0].bets.empty());
}

TEST(JsonReadKeys, DuplicateKeyIsAnErrorByDefault) {
  const std::string doc = R"({"x": 1, "y": 2, "x": 3})";
  const bw::error e = err<rt::point>(doc);
  EXPECT_EQ(e.code, errc::duplicate_key);
  EXPECT_EQ(e.path, "x");
  EXPECT_EQ(e.offset, doc.rfind("\"x\""));
  rt::point p;
  ASSERT_TRUE((dec<json::read_options{.allow_duplicate_keys = true}>(doc, p)));
  EXPECT_EQ(p.x, 3);  // the last occurrence wins
  EXPECT_EQ(p.y, 2);
  // A duplicated unknown key is skipped like any unknown key.
  EXPECT_TRUE(dec(R"({"x": 1, "y": 2, "z": 3, "z": 4})", p));
}

TEST(JsonReadKeys, UnknownKeysAreSkippedButValidated) {
  rt::point p;
  ASSERT_TRUE(dec(R"({"w": {"deep": [1, "two", null, {"x": 99}]}, "x": 1, "v": "\u00e9", "y": 2})", p));
  EXPECT_EQ(p.x, 1);
  EXPECT_EQ(p.y, 2);
  bw::error e = err<rt::point>(R"({"x": 1, "y": 2, "zz": [1, 2, }] })");
  EXPECT_EQ(e.code, errc::unexpected_character);
  EXPECT_EQ(e.path, "zz");
  EXPECT_ERRC(err<rt::point>(R"({"x": 1, "y": 2, "zz": "\x"})"), errc::invalid_escape);
  EXPECT_ERRC(err<rt::point>(R"({"x": 1, "y": 2, "zz": 1.})"), errc::invalid_number);
  EXPECT_ERRC(err<rt::point>(R"({"x": 1, "y": 2, "zz": })"), errc::unexpected_character);
  constexpr json::read_options strict{.allow_unknown_keys = false};
  e = err<rt::point, strict>(R"({"x": 1, "q": 0, "y": 2})");
  EXPECT_EQ(e.code, errc::unknown_key);
  EXPECT_EQ(e.path, "q");
  EXPECT_EQ(e.offset, 9u);
  EXPECT_TRUE(dec<strict>(R"({"y": 2, "x": 1})", p));
}

// Out-of-order keys are hashed where they stand in the document (one 8-byte load and a mask for a
// short key): the value must be the compile-time table's, for every length and wherever the key
// ends, up to the buffer's last byte (where the short-key load would cross the end).
TEST(JsonReadKeys, KeyHashInTheDocumentIsTheTablesHash) {
  const std::string text = "abcdefghijklmnopqrstuvwxyz0123456789";
  for (std::size_t n = 0; n <= 20; ++n)
    for (std::size_t at = 0; at + n <= text.size(); ++at)
      for (std::uint64_t seed : {1u, 7u, 1999u}) {
        const std::string_view key(text.data() + at, n);
        EXPECT_EQ(json::detail::key_hash_in(key, text.data() + text.size(), seed), json::detail::key_hash(key, seed))
            << "length " << n << " at " << at;
      }
  // Shuffled keys of every length decode, also when the last key ends near the buffer's end.
  struct lengths {
    int a = 0, abcdefg = 0, abcdefgh = 0, abcdefghijklmnopq = 0;
  };
  lengths v;
  std::string doc = R"({"abcdefghijklmnopq":4,"abcdefgh":3,"abcdefg":2,"a":1})";
  ASSERT_TRUE(json::decode(doc, v));
  EXPECT_EQ(v.a + v.abcdefg * 10 + v.abcdefgh * 100 + v.abcdefghijklmnopq * 1000, 4321);
}

TEST(JsonReadKeys, EscapedKeysMatch) {
  const auto p = ok<rt::point>(R"({"\u0078": 1, "\u0079": 2})");
  EXPECT_EQ(p.x, 1);
  EXPECT_EQ(p.y, 2);
  // Keys are compared exactly: no case folding, no trimming.
  EXPECT_ERRC(err<rt::point>(R"({"X": 1, "Y": 2})"), errc::missing_key);
  EXPECT_ERRC(err<rt::point>(R"({"x ": 1, "y": 2})"), errc::missing_key);
}

// ---- error reporting -------------------------------------------------------------------------------

TEST(JsonReadErrors, PositionPathAndCaret) {
  const std::string doc =
      "{\n"
      "  \"orders\": [\n"
      "    {\"orderId\": 1, \"bets\": [{\"placedPrice\": 1.5}]},\n"
      "    {\"orderId\": 2, \"bets\": [{\"placedPrice\": \"x\"}]}\n"
      "  ]\n"
      "}\n";
  const bw::error e = err<rt::page>(doc);
  const std::size_t at = doc.find("\"x\"");
  EXPECT_EQ(e.code, errc::invalid_decimal);
  EXPECT_EQ(e.category, bw::error_category::decode);
  EXPECT_EQ(e.offset, at);
  EXPECT_EQ(e.line, 4u);
  const std::size_t line_start = doc.rfind('\n', at) + 1;
  EXPECT_EQ(e.column, at - line_start + 1);
  EXPECT_EQ(e.path, "orders[1].bets[0].placedPrice");
  const std::string line = doc.substr(line_start, doc.find('\n', at) - line_start);
  // The excerpt is a window of the offending line, with the caret under the offending byte.
  EXPECT_NE(line.find(e.excerpt), std::string::npos) << e.excerpt;
  EXPECT_LE(e.excerpt.size(), 80u);
  EXPECT_EQ(e.excerpt.substr(e.caret, 3), "\"x\"");
  const std::string text = e.describe();
  EXPECT_NE(text.find("decode error (invalid_decimal) at line 4, column " + std::to_string(e.column)), std::string::npos)
      << text;
  EXPECT_NE(text.find("orders[1].bets[0].placedPrice"), std::string::npos);
  EXPECT_NE(text.find("\n    " + e.excerpt + "\n    " + std::string(e.caret, ' ') + "^"), std::string::npos) << text;
}

TEST(JsonReadErrors, DescribeExactly) {
  const bw::error e = err<rt::flag>(R"({"a": tru})");
  EXPECT_EQ(e.describe(),
            "decode error (unexpected_character) at line 1, column 7 (byte 6), at a: invalid literal\n"
            "    {\"a\": tru}\n"
            "          ^");
}

TEST(JsonReadErrors, CaretOnLongLinesAndAfterUtf8) {
  std::string doc = "[";
  for (int i = 0; i < 60; ++i) doc += "\"\xC3\xA9\xC3\xA9\",";
  const std::size_t at = doc.size();
  doc += "?]";
  const bw::error e = err<std::vector<std::string>>(doc);
  EXPECT_EQ(e.offset, at);
  EXPECT_EQ(e.line, 1u);
  EXPECT_EQ(e.column, at + 1);
  EXPECT_LE(e.excerpt.size(), 80u);
  // The caret counts characters: the character under it is the offending byte.
  std::size_t chars = 0;
  std::size_t byte = 0;
  while (byte < e.excerpt.size() && chars < e.caret) {
    const auto b = static_cast<unsigned char>(e.excerpt[byte]);
    byte += b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    ++chars;
  }
  ASSERT_LT(byte, e.excerpt.size());
  EXPECT_EQ(e.excerpt[byte], '?');
  // Control characters are shown as spaces, so that the caret lines up.
  const bw::error t = err<std::vector<int>>("[1,\t\tx]");
  EXPECT_EQ(t.excerpt, "[1,  x]");
  EXPECT_EQ(t.caret, 5u);
}

TEST(JsonReadErrors, PathsOfEveryShape) {
  EXPECT_EQ((err<std::vector<std::vector<int>>>("[[1],[2,\"x\"]]").path), "[1][1]");
  EXPECT_EQ((err<std::map<std::string, rt::point>>(R"({"k.1": {"x": 1, "y": null}})").path), "k.1.y");
  EXPECT_EQ((err<std::vector<rt::with_opt>>(R"([{"id": 1}, {"id": 2, "list": [1, 2, null]}])").path),
            "[1].list[2]");
  EXPECT_EQ(err<rt::point>("{\"x\": 1, \"y\": 2, \"z\": [1, }").path, "z");
  EXPECT_EQ(err<int>("x").path, "");
}

TEST(JsonReadErrors, LinesAndColumnsCountNewlinesOnly) {
  const std::string doc = "{\r\n\"x\":\r\n 1,\n\n\t\"y\": nul}";
  const bw::error e = err<rt::point>(doc);
  EXPECT_EQ(e.line, 5u);
  EXPECT_EQ(e.offset, doc.find("nul"));
  EXPECT_EQ(e.column, 7u);
}

// Errors reported at a key or an array's '[' after the reader moved on (past newlines, past an
// escape decoded in place) keep that key's or bracket's own line and column. Found by the json
// fuzz target: the column was counted from a later line's start, underflowing.
TEST(JsonReadErrors, ErrorsBehindTheReaderKeepTheirLine) {
  constexpr json::read_options strict{.allow_unknown_keys = false};
  const std::string unknown = "{\"x\": 1,\n \"a\\nb\"\n\n  : 0, \"y\": 2}";
  bw::error e = err<rt::point, strict>(unknown);
  EXPECT_EQ(e.code, errc::unknown_key);
  EXPECT_EQ(e.offset, unknown.find("\"a\\nb\""));
  EXPECT_EQ(e.line, 2u);
  EXPECT_EQ(e.column, 2u);

  const std::string duplicate = "{\"x\": 1,\n \"y\": 2,\n \"x\"\n\n: 3}";
  e = err<rt::point>(duplicate);
  EXPECT_EQ(e.code, errc::duplicate_key);
  EXPECT_EQ(e.offset, duplicate.rfind("\"x\""));
  EXPECT_EQ(e.line, 3u);
  EXPECT_EQ(e.column, 2u);
  e = err<std::map<std::string, int>>(duplicate);
  EXPECT_EQ(e.code, errc::duplicate_key);
  EXPECT_EQ(e.line, 3u);
  EXPECT_EQ(e.column, 2u);

  const std::string short_array = "{\"x\": 1, \"y\": 2,\n \"a\": [\"p\\nq\",\n\n \"r\"\n]}";
  struct holder {
    int x = 0;
    int y = 0;
    std::array<std::string_view, 3> a{};
  };
  e = err<holder>(short_array);
  EXPECT_EQ(e.code, errc::wrong_array_size);
  EXPECT_EQ(e.offset, short_array.find('['));
  EXPECT_EQ(e.line, 2u);
  EXPECT_EQ(e.column, 7u);
  e = err<std::array<int, 1>>("[1,\n\n2]");
  EXPECT_EQ(e.code, errc::wrong_array_size);
  EXPECT_EQ(e.line, 1u);
  EXPECT_EQ(e.column, 1u);
}

// A json::raw member decoded again by decode_part reports positions in the whole document, even
// though strings before it were decoded in place ("\n" became a line break in the buffer).
TEST(JsonReadErrors, DecodePartOfARawCountsTheDocumentAsSent) {
  struct outer {
    std::string_view note;
    json::raw part;
  };
  const std::string sent = "{\"note\": \"a\\nb\\nc\",\n \"part\": {\"x\": 1,\n  \"y\": \"bad\"}}";
  std::string doc = sent;
  outer o;
  ASSERT_TRUE(json::decode(doc, o));
  EXPECT_EQ(o.note, "a\nb\nc");
  EXPECT_EQ(o.part.line, 2u);
  EXPECT_EQ(o.part.column, 10u);
  rt::point p;
  auto r = json::decode_part(doc, o.part, p);
  ASSERT_FALSE(r);
  const bw::error& e = r.error();
  EXPECT_EQ(e.code, errc::type_mismatch) << e.describe();
  EXPECT_EQ(e.offset, sent.find("\"bad\""));
  EXPECT_EQ(e.line, 3u);
  EXPECT_EQ(e.column, 8u);
  EXPECT_EQ(e.path, "y");
  // A raw from elsewhere is refused rather than written to.
  const json::raw alone{R"({"x": 1, "y": 2})"};
  auto refused = json::decode_part(doc, alone, p);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, errc::invalid_argument);
  // A raw whose position is unknown (built by hand over the document's bytes) still decodes.
  const json::raw by_hand{o.part.text};
  auto unplaced = json::decode_part(doc, by_hand, p);
  ASSERT_FALSE(unplaced);
  EXPECT_EQ(unplaced.error().offset, sent.find("\"bad\""));
}

TEST(JsonReadBuffer, SpanAndVectorBuffers) {
  std::vector<char> buf{'[', '1', ',', '2', ']'};
  std::vector<int> v;
  ASSERT_TRUE(json::decode(std::span<char>(buf), v));
  EXPECT_EQ(v, (std::vector<int>{1, 2}));
  char arr[] = "[3]";
  // A char array decays to a span of its whole extent, terminator included: pass the length.
  ASSERT_TRUE(json::decode(std::span<char>(arr, 3), v));
  EXPECT_EQ(v, std::vector<int>{3});
}

}  // namespace
