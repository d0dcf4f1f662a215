// betwire::decimal: syntax, ranges, byte-exact round trips, exact value comparison, to_double, the
// constructor's canonical text, literals, and no allocation on the parse/format path.
#define BETWIRE_DEFINE_COUNTING_NEW
#include "counting_allocator.hpp"

#include <betwire/core/decimal.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <new>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace {

using betwire::decimal;
using betwire::errc;
using namespace betwire::literals;

decimal parsed(std::string_view text, decimal::form f = decimal::form::number) {
  decimal d(7, 7);  // a sentinel that no test text produces
  const errc code = decimal::from_chars(text, d, f);
  EXPECT_EQ(code, errc::none) << "text: " << text;
  return d;
}

errc parse_code(std::string_view text) {
  decimal d;
  return decimal::from_chars(text, d);
}

// ---------------------------------------------------------------------------------------------
// A slow, independent reference: a character-class parser of the RFC 8259 number grammar, and an
// exact value model (sign, significant digits, power of ten) compared as strings.

struct reference_number {
  bool negative = false;
  std::string digits;           // significant digits as written: no leading zeros, trailing kept
  long exponent = 0;            // value = digits * 10^exponent
  long written_exponent = 0;
};

std::optional<reference_number> reference_parse(const std::string& s) {
  std::size_t i = 0;
  reference_number r;
  const auto digit = [&](std::size_t k) { return k < s.size() && s[k] >= '0' && s[k] <= '9'; };
  if (i < s.size() && s[i] == '-') {
    r.negative = true;
    ++i;
  }
  std::string all_digits;
  if (!digit(i)) return std::nullopt;
  if (s[i] == '0') {
    all_digits += s[i++];
  } else {
    while (digit(i)) all_digits += s[i++];
  }
  long fraction = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digit(i)) return std::nullopt;
    while (digit(i)) {
      all_digits += s[i++];
      ++fraction;
    }
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool minus = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) minus = s[i++] == '-';
    if (!digit(i)) return std::nullopt;
    std::string e;
    while (digit(i)) e += s[i++];
    const std::size_t first = e.find_first_not_of('0');
    const std::string trimmed = first == std::string::npos ? "0" : e.substr(first);
    r.written_exponent = trimmed.size() > 6 ? 9999999 : std::stol(trimmed);
    if (minus) r.written_exponent = -r.written_exponent;
  }
  if (i != s.size()) return std::nullopt;
  const std::size_t first_nonzero = all_digits.find_first_not_of('0');
  r.digits = first_nonzero == std::string::npos ? "" : all_digits.substr(first_nonzero);
  r.exponent = r.written_exponent - fraction;
  return r;
}

errc reference_code(const std::string& s) {
  const auto r = reference_parse(s);
  if (!r || s.size() > decimal::max_text) return errc::invalid_decimal;
  if (r->digits.size() > 18 || std::labs(r->written_exponent) > 10000) return errc::number_out_of_range;
  return errc::none;
}

int reference_compare(const reference_number& a, const reference_number& b) {
  const auto normal = [](reference_number r) {
    while (!r.digits.empty() && r.digits.back() == '0') {
      r.digits.pop_back();
      ++r.exponent;
    }
    return r;
  };
  const reference_number x = normal(a);
  const reference_number y = normal(b);
  const int sx = x.digits.empty() ? 0 : (x.negative ? -1 : 1);
  const int sy = y.digits.empty() ? 0 : (y.negative ? -1 : 1);
  if (sx != sy) return sx < sy ? -1 : 1;
  if (sx == 0) return 0;
  int magnitude = 0;
  const long order_x = static_cast<long>(x.digits.size()) + x.exponent;
  const long order_y = static_cast<long>(y.digits.size()) + y.exponent;
  if (order_x != order_y) {
    magnitude = order_x < order_y ? -1 : 1;
  } else {
    std::string dx = x.digits, dy = y.digits;
    dx.resize(std::max(dx.size(), dy.size()), '0');
    dy.resize(dx.size(), '0');
    magnitude = dx < dy ? -1 : (dx > dy ? 1 : 0);
  }
  return sx * magnitude;
}

// strtod in the "C" locale (the test never changes it) is the reference for to_double.
double reference_double(const std::string& s) { return std::strtod(s.c_str(), nullptr); }

void expect_same_double(double actual, double expected, const std::string& what) {
  EXPECT_EQ(std::memcmp(&actual, &expected, sizeof actual), 0)
      << what << ": got " << actual << " expected " << expected;
}

// Random texts of the number grammar, some deliberately past the limits.
std::string random_number_text(std::mt19937_64& rng) {
  std::uniform_int_distribution<int> percent(0, 99);
  std::uniform_int_distribution<int> digit(0, 9);
  const auto digits = [&](int count, bool nonzero_first) {
    std::string s;
    for (int k = 0; k < count; ++k) s += static_cast<char>('0' + (k == 0 && nonzero_first ? 1 + digit(rng) % 9 : digit(rng)));
    return s;
  };
  std::string s;
  if (percent(rng) < 40) s += '-';
  if (percent(rng) < 30) s += '0';
  else s += digits(1 + percent(rng) % 12, true);
  if (percent(rng) < 60) s += '.' + digits(1 + percent(rng) % 12, false);
  if (percent(rng) < 40) {
    s += percent(rng) < 50 ? 'e' : 'E';
    const int sign = percent(rng);
    if (sign < 33) s += '-';
    else if (sign < 66) s += '+';
    s += percent(rng) < 10 ? std::string("000") : std::string();
    s += std::to_string(percent(rng) < 90 ? percent(rng) % 40 : 9990 + percent(rng) % 20);
  }
  return s;
}

// ---------------------------------------------------------------------------------------------

TEST(Decimal, DefaultIsZeroNumber) {
  constexpr decimal d;
  static_assert(d.text() == "0" && d.coefficient() == 0 && d.exponent() == 0);
  EXPECT_EQ(d.text(), "0");
  EXPECT_EQ(d.wire_form(), decimal::form::number);
  EXPECT_TRUE(d.is_zero());
  EXPECT_EQ(d, decimal(0, 0));
}

TEST(Decimal, LayoutIsSmallAndTrivial) {
  EXPECT_LE(sizeof(decimal), 40u);
  EXPECT_TRUE(std::is_trivially_copyable_v<decimal>);
  EXPECT_GE(decimal::max_text, 24u);
}

TEST(Decimal, KeepsTheWireTextAndParts) {
  struct case_t {
    const char* text;
    std::int64_t coefficient;
    int exponent;
  };
  const case_t cases[] = {
      {"0", 0, 0},          {"-0", 0, 0},           {"-0.0", 0, -1},         {"0.00", 0, -2},
      {"1.95", 195, -2},    {"1.50", 150, -2},      {"1e1", 1, 1},           {"1E1", 1, 1},
      {"1e+1", 1, 1},       {"1e-1", 1, -1},        {"15e-1", 15, -1},       {"-2.5", -25, -1},
      {"0.000123", 123, -6}, {"100", 100, 0},       {"1.0e3", 10, 2},        {"0e5", 0, 5},
      {"123.456e-7", 123456, -10}, {"1e0000000000000000000001", 1, 1},
  };
  for (const auto& c : cases) {
    const decimal d = parsed(c.text);
    EXPECT_EQ(d.text(), c.text);
    EXPECT_EQ(d.coefficient(), c.coefficient) << c.text;
    EXPECT_EQ(d.exponent(), c.exponent) << c.text;
    EXPECT_EQ(d.to_string(), c.text);
  }
}

TEST(Decimal, RejectsEverySyntaxError) {
  const char* const bad[] = {
      "",      "-",     "+1",    "01",    "-01",    "00",     "1.",     ".5",    "-.5",    "1.e5",
      "1e",    "1e+",   "1e-",   "e5",    "E5",     "1x",     " 1",     "1 ",    "0x10",   "1,5",
      "1..2",  "1.2.3", "--1",   "-+1",   "NaN",    "nan",    "Infinity", "-Infinity", "inf",
      "1e5.5", "1E+-5", "1e--5", "1ee5",  "1.5e",   "\xd9\xa1", "1_000", "1'000",  "+",     ".",
      "1.5f",  "0.",    "-0.",   "\t1",   "1\n",    "١",      "1e 5",   "1 e5",  "0b1",    "1d",
  };
  for (const char* text : bad) EXPECT_EQ(parse_code(text), errc::invalid_decimal) << '"' << text << '"';
  // An embedded NUL is a character like any other, not an end.
  EXPECT_EQ(parse_code(std::string_view("1\0", 2)), errc::invalid_decimal);
  EXPECT_EQ(parse_code(std::string_view("\0", 1)), errc::invalid_decimal);
}

TEST(Decimal, FailureLeavesTheTargetUntouched) {
  decimal d = parsed("1.25");
  EXPECT_EQ(decimal::from_chars("1.2.5", d), errc::invalid_decimal);
  EXPECT_EQ(decimal::from_chars("1234567890123456789", d), errc::number_out_of_range);
  EXPECT_EQ(d.text(), "1.25");
  EXPECT_EQ(d.coefficient(), 125);
}

TEST(Decimal, SignificantDigitLimit) {
  EXPECT_EQ(parse_code("999999999999999999"), errc::none);  // 18 digits
  EXPECT_EQ(parsed("999999999999999999").coefficient(), 999999999999999999);
  EXPECT_EQ(parsed("-999999999999999999").coefficient(), -999999999999999999);
  EXPECT_EQ(parse_code("1000000000000000000"), errc::number_out_of_range);  // 19 digits
  EXPECT_EQ(parse_code("9223372036854775807"), errc::number_out_of_range);  // INT64_MAX
  EXPECT_EQ(parse_code("-9223372036854775808"), errc::number_out_of_range);
  EXPECT_EQ(parse_code("18446744073709551616"), errc::number_out_of_range);
  // Leading zeros do not count; trailing zeros do (they are digits the venue wrote).
  EXPECT_EQ(parse_code("0.00000000123456789012345678"), errc::none);  // 28 bytes, 18 digits
  EXPECT_EQ(parsed("0.00000000123456789012345678").coefficient(), 123456789012345678);
  EXPECT_EQ(parsed("0.00000000123456789012345678").exponent(), -26);
  EXPECT_EQ(parse_code("0.000000001234567890123456789"), errc::invalid_decimal);  // 29 bytes
  EXPECT_EQ(parse_code("12345678901234567.8"), errc::none);
  EXPECT_EQ(parse_code("12345678901234567.80"), errc::number_out_of_range);
  EXPECT_EQ(parse_code("1.00000000000000000"), errc::none);   // 18
  EXPECT_EQ(parse_code("1.000000000000000000"), errc::number_out_of_range);  // 19
  // Syntax errors win over range errors: the text is not a number at all.
  EXPECT_EQ(parse_code("12345678901234567890x"), errc::invalid_decimal);
}

TEST(Decimal, ExponentLimit) {
  EXPECT_EQ(parsed("1e10000").exponent(), 10000);
  EXPECT_EQ(parsed("1e-10000").exponent(), -10000);
  EXPECT_EQ(parsed("-9.99e+10000").exponent(), 10000 - 2);
  EXPECT_EQ(parsed("0.000001e-10000").exponent(), -10006);
  EXPECT_EQ(parse_code("1e10001"), errc::number_out_of_range);
  EXPECT_EQ(parse_code("1e-10001"), errc::number_out_of_range);
  EXPECT_EQ(parse_code("1e2147483648"), errc::number_out_of_range);
  EXPECT_EQ(parse_code("1e99999999999999999999999"), errc::number_out_of_range);  // no overflow
  EXPECT_EQ(parse_code("0e99999"), errc::number_out_of_range);
  EXPECT_EQ(parse_code("1e00000000000000000010000"), errc::none);
}

TEST(Decimal, TextLengthLimit) {
  const std::string longest(decimal::max_text, '1');  // too many digits, but the right length
  EXPECT_EQ(parse_code(longest), errc::number_out_of_range);
  std::string fits = "-0." + std::string(decimal::max_text - 4, '0') + "1";
  ASSERT_EQ(fits.size(), decimal::max_text);
  EXPECT_EQ(parsed(fits).text(), fits);
  EXPECT_EQ(parsed(fits).exponent(), -static_cast<int>(decimal::max_text - 3));
  EXPECT_EQ(parse_code("-0." + std::string(decimal::max_text - 3, '0') + "1"), errc::invalid_decimal);
  EXPECT_EQ(parse_code(std::string(1000, '1')), errc::invalid_decimal);
}

TEST(Decimal, StringFormIsKept) {
  decimal d = parsed("1.95", decimal::form::string);
  EXPECT_EQ(d.wire_form(), decimal::form::string);
  EXPECT_EQ(d, parsed("1.95"));  // the form is presentation, not value
  d.set_wire_form(decimal::form::number);
  EXPECT_EQ(d.wire_form(), decimal::form::number);
  EXPECT_EQ(decimal(195, -2, decimal::form::string).wire_form(), decimal::form::string);
}

TEST(Decimal, ConstructorWritesCanonicalText) {
  struct case_t {
    std::int64_t coefficient;
    int exponent;
    const char* text;
  };
  const case_t cases[] = {
      {195, -2, "1.95"},
      {5, 1, "50"},
      {-5, -3, "-0.005"},
      {0, -2, "0.00"},
      {0, 0, "0"},
      {0, 7, "0"},
      {-0, -1, "0.0"},
      {7, 0, "7"},
      {-42, 0, "-42"},
      {150, -2, "1.50"},
      {1, 17, "100000000000000000"},
      {1, 18, "1e18"},
      {12, 16, "120000000000000000"},
      {12, 17, "12e17"},
      {999999999999999999, 0, "999999999999999999"},
      {-999999999999999999, -18, "-0.999999999999999999"},
      {1, -26, "0.00000000000000000000000001"},
      {1, -27, "1e-27"},
      {-1, -26, "-1e-26"},
      {0, -26, "0.00000000000000000000000000"},
      {0, -27, "0e-27"},
      {-123456789012345678, -10000, "-123456789012345678e-10000"},
      {123456789012345678, 10000, "123456789012345678e10000"},
      // Out of the domain: 19 digits round half to even, exponents clamp.
      {std::numeric_limits<std::int64_t>::max(), 0, "922337203685477581e1"},
      {std::numeric_limits<std::int64_t>::min(), -19, "-0.922337203685477581"},
      {1000000000000000005, 0, "100000000000000000e1"},
      {1000000000000000015, 0, "100000000000000002e1"},
      {1, 20000, "1e10000"},
      {1, -20000, "1e-10000"},
      {1, std::numeric_limits<int>::max(), "1e10000"},
      {1, std::numeric_limits<int>::min(), "1e-10000"},
  };
  for (const auto& c : cases) {
    const decimal d(c.coefficient, c.exponent);
    EXPECT_EQ(d.text(), c.text) << c.coefficient << "e" << c.exponent;
    // The parts describe the text: reading the text back gives the same parts.
    const decimal back = parsed(d.text());
    EXPECT_EQ(back.coefficient(), d.coefficient()) << c.text;
    EXPECT_EQ(back.exponent(), d.exponent()) << c.text;
  }
  EXPECT_EQ(decimal(5, 1).coefficient(), 50);
  EXPECT_EQ(decimal(5, 1).exponent(), 0);
  static_assert(decimal(195, -2).text() == "1.95");
  static_assert(decimal(-5, -3).text() == "-0.005");
}

TEST(Decimal, FromPartsRefusesWhatTheConstructorWouldChange) {
  decimal d;
  EXPECT_EQ(decimal::from_parts(195, -2, d), errc::none);
  EXPECT_EQ(d.text(), "1.95");
  EXPECT_EQ(decimal::from_parts(999999999999999999, 10000, d), errc::none);
  EXPECT_EQ(decimal::from_parts(-999999999999999999, -10000, d), errc::none);
  EXPECT_EQ(decimal::from_parts(1000000000000000000, 0, d), errc::number_out_of_range);
  EXPECT_EQ(decimal::from_parts(std::numeric_limits<std::int64_t>::min(), 0, d), errc::number_out_of_range);
  EXPECT_EQ(decimal::from_parts(1, 10001, d), errc::number_out_of_range);
  EXPECT_EQ(decimal::from_parts(1, -10001, d), errc::number_out_of_range);
  EXPECT_EQ(d.text(), "-999999999999999999e-10000");
}

TEST(Decimal, ValueComparisonAcrossSpellingsAndForms) {
  EXPECT_EQ(parsed("1.5"), parsed("1.50"));
  EXPECT_EQ(parsed("1.5"), parsed("15e-1"));
  EXPECT_EQ(parsed("1.5"), parsed("0.15E1"));
  EXPECT_EQ(parsed("1.5"), parsed("1.5", decimal::form::string));
  EXPECT_EQ(parsed("1.5"), decimal(15, -1));
  EXPECT_EQ(parsed("0"), parsed("-0"));
  EXPECT_EQ(parsed("0"), parsed("-0.000e-9"));
  EXPECT_EQ(parsed("0e5"), decimal());
  EXPECT_FALSE(parsed("1.5").same_text(parsed("1.50")));
  EXPECT_TRUE(parsed("1.50").same_text(parsed("1.50", decimal::form::string)));
  EXPECT_NE(parsed("1.5"), parsed("1.05"));
  EXPECT_LT(parsed("-1"), parsed("-0.5"));
  EXPECT_LT(parsed("-0.5"), parsed("0"));
  EXPECT_LT(parsed("0"), parsed("1e-10000"));
  EXPECT_LT(parsed("0.000001e-10000"), parsed("1e-10000"));
  EXPECT_LT(parsed("1.9999"), parsed("2"));
  EXPECT_LT(parsed("999999999999999999"), parsed("1e18"));
  EXPECT_GT(parsed("999999999999999999e10000"), parsed("99999999999999999.8e10000"));
  EXPECT_LT(parsed("-999999999999999999e10000"), parsed("-1e10000"));
  EXPECT_EQ(parsed("100000000000000000e-17"), parsed("1"));
  EXPECT_EQ(parsed("1e10000") <=> parsed("10e9999"), std::strong_ordering::equal);
  EXPECT_EQ(parsed("-3") <=> parsed("-2"), std::strong_ordering::less);
  EXPECT_EQ(parsed("-2") <=> parsed("-3"), std::strong_ordering::greater);
  static_assert(decimal(15, -1) == decimal(150, -2));
  static_assert(decimal(-1, 0) < decimal(0, 0));
}

TEST(Decimal, ToDoubleIsCorrectlyRounded) {
  const char* const tricky[] = {
      "0", "-0", "-0.0", "0.1", "0.3", "1.95", "2.675", "1e23", "8.41e21", "9007199254740993",
      "9007199254740995", "9007199254740992.5", "4503599627370496.5", "4503599627370497.5",
      "1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308", "1e309", "-1e309",
      "4.9406564584124654e-324", "2.4703282292062327e-324", "2.4703282292062328e-324", "1e-324",
      "2.2250738585072011e-308", "2.2250738585072012e-308", "2.2250738585072014e-308", "1e-10000",
      "-1e10000", "123456789012345678e-300", "999999999999999999e290", "7.038531e-26",
      "3.0540412e5", "1448997445238699", "0.000000000000000000000000001", "5e-324", "3e-324",
      "1.5e-323", "0.1e-307", "179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497791e-0",
  };
  for (const char* text : tricky) {
    decimal d;
    if (decimal::from_chars(text, d) != errc::none) continue;  // the last one is too long on purpose
    expect_same_double(d.to_double(), reference_double(text), text);
  }
  EXPECT_TRUE(std::signbit(parsed("-0").to_double()));
  EXPECT_TRUE(std::isinf(parsed("1e400").to_double()));
  EXPECT_EQ(parsed("1e-400").to_double(), 0.0);
}

// The exact fallback used where std::from_chars has no double overload (libc++ 19): checked on
// every standard library against strtod, over the whole range of decimal exponents that matter.
TEST(Decimal, ExactConversionMatchesStrtod) {
  std::mt19937_64 rng(20260207);
  std::uniform_int_distribution<int> exponent(-345, 312);
  std::uniform_int_distribution<int> length(1, 18);
  for (int i = 0; i < 20000; ++i) {
    const int digits = length(rng);
    std::uint64_t m = rng() % betwire::detail::pow10_u64[digits];
    if (i % 7 == 0) m = (std::uint64_t{1} << (rng() % 60)) + (rng() % 3) - 1;  // near powers of two
    const int e = exponent(rng);
    const std::string text = std::to_string(m) + "e" + std::to_string(e);
    expect_same_double(betwire::detail::decimal_to_double(m, e), reference_double(text), text);
  }
  // The JSON reader also uses it for full 64-bit mantissas.
  for (int i = 0; i < 20000; ++i) {
    const std::uint64_t m = rng() >> (rng() % 64);
    const int e = exponent(rng);
    const std::string text = std::to_string(m) + "e" + std::to_string(e);
    expect_same_double(betwire::detail::decimal_to_double(m, e), reference_double(text), text);
  }
  expect_same_double(betwire::detail::decimal_to_double(18446744073709551615ULL, 0), 18446744073709551615.0, "2^64-1");
  // Exact halfway cases between adjacent doubles, and the subnormal/overflow edges.
  const std::pair<std::uint64_t, int> edges[] = {
      {9007199254740993, 0}, {9007199254740995, 0}, {17976931348623157, 292}, {17976931348623158, 292},
      {17976931348623159, 292}, {24703282292062327, -340}, {24703282292062328, -340},
      {49406564584124654, -340}, {22250738585072011, -324}, {1, 308}, {1, 309}, {1, -323}, {1, -324},
      {999999999999999999, -342}, {999999999999999999, 291}};
  for (const auto& [m, e] : edges) {
    const std::string text = std::to_string(m) + "e" + std::to_string(e);
    expect_same_double(betwire::detail::decimal_to_double(m, e), reference_double(text), text);
  }
}

TEST(Decimal, PropertyRandomTextsAgreeWithTheReference) {
  std::mt19937_64 rng(42);
  std::vector<std::pair<std::string, decimal>> accepted;
  for (int i = 0; i < 30000; ++i) {
    std::string text = random_number_text(rng);
    if (i % 3 == 0) {  // mutate: insert, delete or replace one byte
      const char alphabet[] = "0123456789.eE+-x ";
      const std::size_t at = rng() % (text.size() + 1);
      const char c = alphabet[rng() % (sizeof alphabet - 1)];
      switch (rng() % 3) {
        case 0: text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), c); break;
        case 1: if (at < text.size()) text.erase(at, 1); break;
        default: if (at < text.size()) text[at] = c;
      }
    }
    decimal d;
    const errc code = decimal::from_chars(text, d);
    ASSERT_EQ(code, reference_code(text)) << '"' << text << '"';
    if (code != errc::none) continue;
    const reference_number r = *reference_parse(text);
    EXPECT_EQ(d.text(), text);
    const std::int64_t magnitude = r.digits.empty() ? 0 : std::stoll(r.digits);
    EXPECT_EQ(d.coefficient(), r.negative ? -magnitude : magnitude) << text;
    EXPECT_EQ(d.exponent(), r.exponent) << text;
    expect_same_double(d.to_double(), reference_double(text), text);
    char buffer[decimal::max_text];
    char* end = d.to_chars(buffer, buffer + sizeof buffer);
    ASSERT_NE(end, nullptr);
    EXPECT_EQ(std::string_view(buffer, static_cast<std::size_t>(end - buffer)), text);
    // Within the constructor's domain (|exponent| <= 10000; parsed text reaches 10000 + 27 below),
    // its text of the same parts is the same value and reads back to its own parts.
    decimal rebuilt;
    const errc rebuilt_code = decimal::from_parts(d.coefficient(), d.exponent(), rebuilt);
    if (d.exponent() < -10000) {
      EXPECT_EQ(rebuilt_code, errc::number_out_of_range) << text;
    } else {
      ASSERT_EQ(rebuilt_code, errc::none) << text;
      EXPECT_EQ(rebuilt, d) << text << " vs " << rebuilt.text();
      EXPECT_EQ(parsed(rebuilt.text()).coefficient(), rebuilt.coefficient());
    }
    if (accepted.size() < 600) accepted.emplace_back(text, d);
  }
  ASSERT_GT(accepted.size(), 500u);
  for (const auto& [ta, a] : accepted) {
    for (const auto& [tb, b] : accepted) {
      const int expected = reference_compare(*reference_parse(ta), *reference_parse(tb));
      const auto actual = a <=> b;
      ASSERT_EQ(actual < 0 ? -1 : (actual > 0 ? 1 : 0), expected) << ta << " <=> " << tb;
      ASSERT_EQ(a == b, expected == 0);
    }
  }
}

TEST(Decimal, ComparisonOfNearlyEqualValues) {
  // Same order of magnitude, coefficients of different lengths: the padding path.
  std::mt19937_64 rng(7);
  for (int i = 0; i < 20000; ++i) {
    const auto m = static_cast<std::int64_t>(rng() % 999999999999999999ULL) + 1;
    const int e = static_cast<int>(rng() % 200) - 100;
    const decimal a(m, e);
    const decimal b(m + (i % 2 == 0 ? 1 : -1), e);
    EXPECT_EQ(a <=> b, m <=> (m + (i % 2 == 0 ? 1 : -1)));
    // m * 10^e == (m * 10) * 10^(e-1) whenever m*10 still has at most 18 digits.
    if (m < 100000000000000000) {
      EXPECT_EQ(a, decimal(m * 10, e - 1));
    }
    EXPECT_EQ(decimal(-m, e) <=> decimal(-m, e + 1), std::strong_ordering::greater);
  }
}

TEST(Decimal, ParseReportsTheProblem) {
  const auto ok = decimal::parse("1.95");
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->text(), "1.95");

  const auto bad = decimal::parse("1.9.5");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, errc::invalid_decimal);
  EXPECT_EQ(bad.error().category, betwire::error_category::decode);
  EXPECT_NE(bad.error().message.find("\"1.9.5\""), std::string::npos) << bad.error().message;

  const auto big = decimal::parse("12345678901234567890");
  ASSERT_FALSE(big.has_value());
  EXPECT_EQ(big.error().code, errc::number_out_of_range);
  EXPECT_NE(big.error().message.find("18 significant digits"), std::string::npos);

  const std::string huge(100000, '7');
  const auto long_text = decimal::parse(huge);
  ASSERT_FALSE(long_text.has_value());
  EXPECT_LT(long_text.error().message.size(), 200u);  // names the problem, not the whole input
  EXPECT_NE(long_text.error().message.find("100000 bytes"), std::string::npos);

  const auto empty = decimal::parse("");
  ASSERT_FALSE(empty.has_value());
  EXPECT_NE(empty.error().message.find("empty"), std::string::npos);
}

TEST(Decimal, ToCharsNeedsRoom) {
  const decimal d = parsed("-12.5e3");
  char buffer[7];
  EXPECT_EQ(d.to_chars(buffer, buffer + 6), nullptr);
  char* end = d.to_chars(buffer, buffer + 7);
  ASSERT_EQ(end, buffer + 7);
  EXPECT_EQ(std::string_view(buffer, 7), "-12.5e3");
}

TEST(Decimal, LiteralsAreCheckedAtCompileTime) {
  constexpr decimal price = "1.95"_dec;
  static_assert(price.text() == "1.95");
  static_assert(price.coefficient() == 195 && price.exponent() == -2);
  static_assert("1.50"_dec == "1.5"_dec);
  static_assert(!"1.50"_dec.same_text("1.5"_dec));
  static_assert("-0.005"_dec < "0"_dec);
  constexpr decimal from_number = 1.95_dec;
  static_assert(from_number.text() == "1.95" && from_number == price);
  constexpr decimal scientific = 2e3_dec;  // (2e3_dec.text() would lex as one pp-number)
  static_assert(scientific.text() == "2e3" && scientific == "2000"_dec);
  // A constexpr parse outside literals works too, and reports errors as values.
  static_assert([] {
    decimal d;
    return decimal::from_chars("01", d) == errc::invalid_decimal &&
           decimal::from_chars("1e10001", d) == errc::number_out_of_range;
  }());
  EXPECT_EQ(price.to_double(), 1.95);
}

TEST(Decimal, HotPathDoesNotAllocate) {
  const std::string texts[] = {"1.95", "-0.005", "123456789012345678", "1e-10000", "9.99e300", "0"};
  const std::size_t before = betwire_test::allocation_count();
  double sum = 0;
  std::size_t bytes = 0;
  for (int round = 0; round < 100; ++round) {
    for (const auto& text : texts) {
      decimal d;
      ASSERT_EQ(decimal::from_chars(text, d), errc::none) << text;
      char buffer[decimal::max_text];
      bytes += static_cast<std::size_t>(d.to_chars(buffer, buffer + sizeof buffer) - buffer);
      sum += d.to_double();
      bytes += (d < decimal(1, 0)) ? 1 : 0;
      bytes += d.text().size();
    }
  }
  const std::size_t after = betwire_test::allocation_count();
  EXPECT_EQ(after, before);
  EXPECT_GT(bytes, 0u);
  EXPECT_NE(sum, 0.0);
  // The counter works: this allocates.
  auto s = std::make_unique<std::string>(100, 'x');
  EXPECT_GT(betwire_test::allocation_count(), after);
}

}  // namespace
