// Seeded property tests: random values of a struct holding every supported type are encoded,
// decoded into a fresh and into a warm object, compared, and re-encoded byte for byte. Every
// prefix of a generated document is an error (never a crash), and single-byte corruptions never
// crash. Random floats and doubles round-trip through their shortest text.
#include <betwire/json/json.hpp>

#include <gtest/gtest.h>

#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <span>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace bw = betwire;
namespace json = betwire::json;

namespace prop {

enum class side : std::uint8_t { unknown, back, lay, void_ };
consteval bw::naming betwire_enum_naming(side*) { return bw::naming::upper_snake; }
consteval auto betwire_enum_keys(side*) { return std::array{bw::enum_key{side::void_, "VOID"}}; }
enum class level : std::int32_t { low = -1000, mid = 0, high = 1000 };
consteval bw::naming betwire_enum_naming(level*) { return bw::naming::integer; }
consteval bw::enum_range betwire_enum_range(level*) { return {-1000, 1000}; }

consteval bw::naming betwire_naming(auto*) { return bw::naming::camel_case; }

struct leg {
  std::int64_t leg_id = 0;
  bw::decimal price;
  std::optional<std::string> note;
  friend bool operator==(const leg&, const leg&) = default;
};

struct everything {
  bool flag = false;
  std::int8_t i8 = 0;
  std::uint8_t u8 = 0;
  std::int16_t i16 = 0;
  std::uint16_t u16 = 0;
  std::int32_t i32 = 0;
  std::uint32_t u32 = 0;
  std::int64_t i64 = 0;
  std::uint64_t u64 = 0;
  float f32 = 0;
  double f64 = 0;
  bw::decimal amount;
  bw::decimal quoted_amount;
  std::string text;
  std::string_view view;
  std::optional<std::string> maybe_text;
  std::optional<std::int64_t> maybe_id;
  std::vector<std::int32_t> numbers;
  std::vector<leg> legs;
  std::array<double, 3> triple{};
  side side_value = side::unknown;
  level level_value = level::mid;
  json::object_map<std::string, std::int64_t> counts;
  std::map<std::string, std::string> labels;
  bw::timestamp created_at;
  bw::timestamp start_time;
  json::raw_string meta;
  std::optional<leg> best_leg;
  std::vector<std::optional<bool>> votes;
  friend bool operator==(const everything&, const everything&) = default;
};

}  // namespace prop

namespace {

using prop::everything;
using prop::leg;

class generator {
 public:
  explicit generator(std::uint64_t seed) : rng_(seed) {}

  template <class Int>
  Int integer() {
    // Edges often, anything otherwise.
    switch (pick(6)) {
      case 0: return std::numeric_limits<Int>::min();
      case 1: return std::numeric_limits<Int>::max();
      case 2: return static_cast<Int>(pick(10));
      default: return static_cast<Int>(rng_());
    }
  }
  std::size_t pick(std::size_t n) { return static_cast<std::size_t>(rng_() % n); }
  bool coin() { return (rng_() & 1) != 0; }

  template <class Float, class Bits>
  Float floating() {
    for (;;) {
      const auto bits = static_cast<Bits>(rng_());
      const Float f = std::bit_cast<Float>(bits);
      if (std::isfinite(f)) return pick(4) == 0 ? static_cast<Float>(static_cast<int>(pick(100)) - 50) : f;
    }
  }

  // Valid UTF-8 with every kind of character that needs care: quotes, backslashes, controls,
  // 2/3/4-byte sequences, U+0000.
  std::string text(std::size_t max_len = 24) {
    std::string s;
    const std::size_t n = pick(max_len + 1);
    for (std::size_t i = 0; i < n; ++i) {
      switch (pick(8)) {
        case 0: s += "\"\\/"[pick(3)]; break;
        case 1: s += static_cast<char>(pick(0x20)); break;
        case 2: append_utf8(s, 0x80 + static_cast<std::uint32_t>(pick(0x800 - 0x80))); break;
        case 3: {
          std::uint32_t cp = 0x800 + static_cast<std::uint32_t>(pick(0x10000 - 0x800));
          if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xE000;
          append_utf8(s, cp);
          break;
        }
        case 4: append_utf8(s, 0x10000 + static_cast<std::uint32_t>(pick(0x110000 - 0x10000))); break;
        default: s += static_cast<char>(0x20 + pick(0x5F)); break;
      }
    }
    return s;
  }

  bw::decimal decimal(bool quoted) {
    const auto digits = static_cast<int>(pick(18)) + 1;
    std::int64_t coefficient = 0;
    for (int i = 0; i < digits; ++i) coefficient = coefficient * 10 + static_cast<std::int64_t>(pick(10));
    if (coin()) coefficient = -coefficient;
    const int exponent = static_cast<int>(pick(41)) - 30;
    bw::decimal d(coefficient, exponent, quoted ? bw::decimal::form::string : bw::decimal::form::number);
    return d;
  }

  bw::timestamp iso_time() {
    const std::int64_t ns = static_cast<std::int64_t>(rng_() % 4'000'000'000'000'000'000ULL);
    const int offset = static_cast<int>(pick(2 * 23 * 60 + 1)) - 23 * 60;
    return bw::timestamp::from_unix_nanos(coin() ? ns : -ns / 2, offset, static_cast<int>(pick(10)));
  }

  std::string raw_json(int depth = 0) {
    switch (depth > 3 ? pick(4) : pick(7)) {
      case 0: return "null";
      case 1: return std::to_string(static_cast<std::int32_t>(rng_()));
      case 2: return encode_string(text(8));
      case 3: return coin() ? "true" : "-1.5e-7";
      case 4: {
        std::string s = "[";
        for (std::size_t i = 0, n = pick(4); i < n; ++i) s += (i ? ", " : "") + raw_json(depth + 1);
        return s + "]";
      }
      default: {
        std::string s = "{";
        for (std::size_t i = 0, n = pick(4); i < n; ++i)
          s += (i ? "," : "") + encode_string(text(6)) + ": " + raw_json(depth + 1);
        return s + "}";
      }
    }
  }

  leg make_leg() {
    leg l;
    l.leg_id = integer<std::int64_t>();
    l.price = decimal(false);
    if (coin()) l.note = text();
    return l;
  }

  // `view` must outlive the value: it is stored in views_.
  everything make() {
    everything v;
    v.flag = coin();
    v.i8 = integer<std::int8_t>();
    v.u8 = integer<std::uint8_t>();
    v.i16 = integer<std::int16_t>();
    v.u16 = integer<std::uint16_t>();
    v.i32 = integer<std::int32_t>();
    v.u32 = integer<std::uint32_t>();
    v.i64 = integer<std::int64_t>();
    v.u64 = integer<std::uint64_t>();
    v.f32 = floating<float, std::uint32_t>();
    v.f64 = floating<double, std::uint64_t>();
    v.amount = decimal(false);
    v.quoted_amount = decimal(true);
    v.text = text(40);
    views_.push_back(std::make_unique<std::string>(text()));
    v.view = *views_.back();
    if (coin()) v.maybe_text = text();
    if (coin()) v.maybe_id = integer<std::int64_t>();
    for (std::size_t i = 0, n = pick(6); i < n; ++i) v.numbers.push_back(integer<std::int32_t>());
    for (std::size_t i = 0, n = pick(4); i < n; ++i) v.legs.push_back(make_leg());
    for (double& d : v.triple) d = floating<double, std::uint64_t>();
    v.side_value = static_cast<prop::side>(pick(4));
    v.level_value = std::array{prop::level::low, prop::level::mid, prop::level::high}[pick(3)];
    for (std::size_t i = 0, n = pick(4); i < n; ++i) v.counts.insert(text(5) + std::to_string(i), integer<std::int64_t>());
    for (std::size_t i = 0, n = pick(4); i < n; ++i) v.labels[text(5)] = text();
    v.created_at = iso_time();
    v.start_time = bw::timestamp::from_unix_seconds(integer<std::int64_t>());
    // An empty raw text is written as null and reads back as "null" (equal by is_null(), not by ==).
    v.meta.text = coin() ? raw_json() : std::string("null");
    if (coin()) v.best_leg = make_leg();
    for (std::size_t i = 0, n = pick(4); i < n; ++i)
      v.votes.push_back(pick(3) == 0 ? std::nullopt : std::optional<bool>(coin()));
    return v;
  }

 private:
  static void append_utf8(std::string& s, std::uint32_t cp) {
    char buf[4];
    char* w = buf;
    if (cp < 0x800) {
      *w++ = static_cast<char>(0xC0 | (cp >> 6));
    } else if (cp < 0x10000) {
      *w++ = static_cast<char>(0xE0 | (cp >> 12));
      *w++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    } else {
      *w++ = static_cast<char>(0xF0 | (cp >> 18));
      *w++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      *w++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    }
    *w++ = static_cast<char>(0x80 | (cp & 0x3F));
    s.append(buf, static_cast<std::size_t>(w - buf));
  }
  static std::string encode_string(const std::string& s) {
    std::string out;
    EXPECT_TRUE(json::encode(s, out));
    return out;
  }

  std::mt19937_64 rng_;
  std::vector<std::unique_ptr<std::string>> views_;
};

// Byte-exact comparison of what matters beyond operator== (which compares decimals and
// timestamps by value): their wire text.
void expect_same_text(const everything& a, const everything& b) {
  EXPECT_EQ(a.amount.text(), b.amount.text());
  EXPECT_EQ(a.quoted_amount.text(), b.quoted_amount.text());
  EXPECT_EQ(a.quoted_amount.wire_form(), b.quoted_amount.wire_form());
  EXPECT_TRUE(a.created_at.same_text(b.created_at));
  EXPECT_TRUE(a.start_time.same_text(b.start_time));
  EXPECT_EQ(std::bit_cast<std::uint64_t>(a.f64), std::bit_cast<std::uint64_t>(b.f64));
  EXPECT_EQ(std::bit_cast<std::uint32_t>(a.f32), std::bit_cast<std::uint32_t>(b.f32));
}

TEST(JsonRoundTrip, RandomValuesOfEveryType) {
  everything warm;  // reused across iterations: its containers are warm and hold other data
  std::string warm_buffer;
  int checked = 0;
  for (std::uint64_t seed = 1; seed <= 400; ++seed) {
    generator gen(seed);
    const everything original = gen.make();
    std::string first;
    ASSERT_TRUE(json::encode(original, first)) << "seed " << seed;
    ASSERT_TRUE(json::validate(first)) << first;

    std::string buffer = first;
    everything fresh;
    auto r = json::decode(buffer, fresh);
    ASSERT_TRUE(r) << "seed " << seed << ": " << r.error().describe();
    EXPECT_EQ(fresh, original) << "seed " << seed << "\n" << first;
    expect_same_text(fresh, original);

    std::string second;
    ASSERT_TRUE(json::encode(fresh, second));
    EXPECT_EQ(second, first) << "seed " << seed;

    warm_buffer = first;  // warm's views point into the previous document: replace it only now
    r = json::decode(warm_buffer, warm);
    ASSERT_TRUE(r) << "seed " << seed << ": " << r.error().describe();
    EXPECT_EQ(warm, original) << "seed " << seed;
    expect_same_text(warm, original);
    ++checked;
  }
  EXPECT_EQ(checked, 400);
}

TEST(JsonRoundTrip, NullOptionalsDecodeBackToAbsent) {
  for (std::uint64_t seed = 1000; seed < 1100; ++seed) {
    generator gen(seed);
    const everything original = gen.make();
    std::string text;
    ASSERT_TRUE(json::encode<json::write_options{.write_null_optionals = true}>(original, text));
    everything back;
    std::string buffer = text;
    ASSERT_TRUE(json::decode(buffer, back)) << text;
    EXPECT_EQ(back, original) << "seed " << seed;
  }
}

TEST(JsonRoundTrip, ShortestFloatingPointText) {
  std::mt19937_64 rng(42);
  for (int i = 0; i < 200000; ++i) {
    const double d = std::bit_cast<double>(rng());
    if (!std::isfinite(d)) continue;
    std::string text;
    ASSERT_TRUE(json::encode(d, text));
    double back = 0;
    auto r = json::decode(text, back);
    ASSERT_TRUE(r) << text;
    ASSERT_EQ(std::bit_cast<std::uint64_t>(back), std::bit_cast<std::uint64_t>(d)) << text;
  }
  for (int i = 0; i < 200000; ++i) {
    const float f = std::bit_cast<float>(static_cast<std::uint32_t>(rng()));
    if (!std::isfinite(f)) continue;
    std::string text;
    ASSERT_TRUE(json::encode(f, text));
    float back = 0;
    auto r = json::decode(text, back);
    ASSERT_TRUE(r) << text;
    ASSERT_EQ(std::bit_cast<std::uint32_t>(back), std::bit_cast<std::uint32_t>(f)) << text;
  }
}

// Every proper prefix of a valid document is an error, never a crash or an out-of-bounds read
// (the prefix is copied to a buffer of exactly its size, so ASan sees any overrun).
TEST(JsonRoundTrip, EveryTruncationIsAnError) {
  for (std::uint64_t seed = 7; seed < 27; ++seed) {
    generator gen(seed);
    std::string doc;
    ASSERT_TRUE(json::encode(gen.make(), doc));
    for (std::size_t n = 0; n < doc.size(); ++n) {
      std::vector<char> prefix(doc.begin(), doc.begin() + static_cast<std::ptrdiff_t>(n));
      everything v;
      auto r = json::decode(std::span<char>(prefix), v);
      ASSERT_FALSE(r) << "seed " << seed << ", prefix of " << n << " bytes decoded";
      EXPECT_LE(r.error().offset, n);
      EXPECT_EQ(r.error().category, bw::error_category::decode);
      EXPECT_FALSE(json::validate(std::string_view(doc.data(), n)));
    }
  }
}

// Corrupting one byte anywhere must never crash; when the result still decodes, it re-encodes to
// valid JSON.
TEST(JsonRoundTrip, SingleByteCorruptionsNeverCrash) {
  const char replacements[] = {'"', '\\', '{', '}', '[', ']', ',', ':', '0', '-', 'e', ' ', 'n', '\0', '\x80', '\xFF'};
  std::mt19937_64 rng(99);
  int failures = 0;
  int total = 0;
  for (std::uint64_t seed = 50; seed < 70; ++seed) {
    generator gen(seed);
    std::string doc;
    ASSERT_TRUE(json::encode(gen.make(), doc));
    for (int k = 0; k < 150; ++k) {
      const std::size_t pos = static_cast<std::size_t>(rng() % doc.size());
      std::vector<char> buffer(doc.begin(), doc.end());
      buffer[pos] = replacements[rng() % sizeof replacements];
      everything v;
      auto r = json::decode(std::span<char>(buffer), v);
      ++total;
      if (!r) {
        ++failures;
        EXPECT_LE(r.error().offset, buffer.size());
        continue;
      }
      std::string again;
      if (json::encode(v, again)) {
        EXPECT_TRUE(json::validate(again)) << again;
      }
    }
  }
  EXPECT_GT(failures, total / 4);  // most corruptions are caught
}

}  // namespace
