// betwire::timestamp: RFC 3339 syntax and ranges, leap years and leap seconds, byte-exact round
// trips, instants checked against <chrono>'s calendar, unix seconds, comparison, no allocation.
#define BETWIRE_DEFINE_COUNTING_NEW
#include "counting_allocator.hpp"

#include <betwire/core/timestamp.hpp>
#include <betwire/core/timestamp_chrono.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <memory>
#include <new>
#include <random>
#include <string>
#include <string_view>

namespace {

using betwire::errc;
using betwire::timestamp;
namespace chrono = std::chrono;

timestamp parsed(std::string_view text) {
  timestamp t = timestamp::from_unix_seconds(-12345);  // a sentinel no test text produces
  EXPECT_EQ(timestamp::from_chars(text, t), errc::none) << text;
  return t;
}

errc parse_code(std::string_view text) {
  timestamp t;
  return timestamp::from_chars(text, t);
}

std::string written(const timestamp& t) {
  char buffer[timestamp::max_text];
  char* end = t.to_chars(buffer, buffer + sizeof buffer);
  EXPECT_NE(end, nullptr);
  return end == nullptr ? std::string() : std::string(buffer, static_cast<std::size_t>(end - buffer));
}

// The reference: <chrono>'s own civil calendar, not ours.
std::int64_t reference_seconds(int y, unsigned m, unsigned d, int hh, int mm, int ss, int offset_minutes) {
  const chrono::sys_days day{chrono::year{y} / chrono::month{m} / chrono::day{d}};
  return std::int64_t{day.time_since_epoch().count()} * 86400 + hh * 3600 + mm * 60 + ss - offset_minutes * 60;
}

TEST(Timestamp, DefaultIsTheEpoch) {
  constexpr timestamp t;
  static_assert(t.unix_seconds() == 0 && t.unix_nanos() == 0);
  EXPECT_EQ(written(t), "1970-01-01T00:00:00Z");
  EXPECT_EQ(t.wire_form(), timestamp::form::iso8601);
  EXPECT_EQ(t.offset_minutes(), 0);
  EXPECT_EQ(sizeof(timestamp), 16u);
}

TEST(Timestamp, ParsesTheVenueSpellings) {
  const timestamp t = parsed("2026-02-07T16:15:53.270816+00:00");
  EXPECT_EQ(t.unix_seconds(), reference_seconds(2026, 2, 7, 16, 15, 53, 0));
  EXPECT_EQ(t.nanosecond(), 270816000u);
  EXPECT_EQ(t.unix_nanos(), t.unix_seconds() * 1000000000 + 270816000);
  EXPECT_EQ(t.fraction_digits(), 6);
  EXPECT_EQ(t.offset_minutes(), 0);
  EXPECT_EQ(written(t), "2026-02-07T16:15:53.270816+00:00");
  EXPECT_EQ(betwire::to_sys_time(t), chrono::sys_days{chrono::year{2026} / 2 / 7} + chrono::hours{16} +
                                         chrono::minutes{15} + chrono::seconds{53} + chrono::microseconds{270816});

  const timestamp z = parsed("2025-08-02T18:30:00Z");
  EXPECT_EQ(z.unix_seconds(), 1754159400);
  EXPECT_EQ(z, parsed("2025-08-02T13:00:00-05:30"));
  EXPECT_EQ(parsed("2025-08-02T13:00:00-05:30").offset_minutes(), -330);
}

TEST(Timestamp, RoundTripsEverySpellingByteForByte) {
  const char* const texts[] = {
      "1970-01-01T00:00:00Z",
      "1970-01-01t00:00:00z",
      "1970-01-01 00:00:00Z",
      "1970-01-01T00:00:00+00:00",
      "1970-01-01T00:00:00-00:00",
      "2024-02-29T12:34:56.1Z",
      "2024-02-29T12:34:56.123456789Z",
      "2024-02-29T12:34:56.000000000Z",
      "2024-02-29T12:34:56.0+01:00",
      "2024-02-29T12:34:56.100-05:30",
      "0000-01-01T00:00:00Z",
      "0000-01-01T00:00:00+23:59",
      "0000-02-29T00:00:00Z",
      "9999-12-31T23:59:59.999999999Z",
      "9999-12-31T23:59:59.999999999-23:59",
      "1969-12-31T23:59:59.999Z",
      "2016-12-31T23:59:60Z",
      "2016-12-31T23:59:60.999999999Z",
      "2017-01-01T00:59:60+01:00",
      "2016-12-31T18:59:60.5-05:00",
      "1900-03-01T00:00:00Z",
      "2000-02-29T23:59:59+14:00",
  };
  for (const char* text : texts) {
    const timestamp t = parsed(text);
    EXPECT_EQ(written(t), text);
    EXPECT_EQ(t.to_string(), text);
    timestamp again;
    ASSERT_EQ(timestamp::from_chars(written(t), again), errc::none);
    EXPECT_TRUE(again.same_text(t));
  }
}

TEST(Timestamp, KnownInstants) {
  EXPECT_EQ(parsed("1970-01-01T00:00:00Z").unix_seconds(), 0);
  EXPECT_EQ(parsed("2000-01-01T00:00:00Z").unix_seconds(), 946684800);
  EXPECT_EQ(parsed("2038-01-19T03:14:07Z").unix_seconds(), 2147483647);
  EXPECT_EQ(parsed("9999-12-31T23:59:59Z").unix_seconds(), 253402300799);
  EXPECT_EQ(parsed("0000-01-01T00:00:00Z").unix_seconds(), -62167219200);
  EXPECT_EQ(parsed("1969-12-31T23:59:59.25Z").unix_seconds(), -1);  // floor
  EXPECT_EQ(parsed("1969-12-31T23:59:59.25Z").unix_nanos(), -750000000);
  EXPECT_EQ(parsed("1970-01-01T00:00:00+01:00").unix_seconds(), -3600);
  EXPECT_EQ(parsed("1970-01-01T00:00:00-01:00").unix_seconds(), 3600);
}

TEST(Timestamp, FractionDigitsFromOneToNine) {
  EXPECT_EQ(parsed("2020-01-01T00:00:00.5Z").nanosecond(), 500000000u);
  EXPECT_EQ(parsed("2020-01-01T00:00:00.5Z").fraction_digits(), 1);
  EXPECT_EQ(parsed("2020-01-01T00:00:00.000000001Z").nanosecond(), 1u);
  EXPECT_EQ(parsed("2020-01-01T00:00:00.123456789Z").nanosecond(), 123456789u);
  EXPECT_EQ(parsed("2020-01-01T00:00:00.123456789Z").fraction_digits(), 9);
  EXPECT_EQ(parse_code("2020-01-01T00:00:00.1234567891Z"), errc::invalid_timestamp);
  EXPECT_EQ(parse_code("2020-01-01T00:00:00.Z"), errc::invalid_timestamp);
  EXPECT_EQ(parse_code("2020-01-01T00:00:00."), errc::invalid_timestamp);
}

TEST(Timestamp, RejectsEverySyntaxError) {
  const char* const bad[] = {
      "",
      "2020-01-01",
      "2020-01-01T00:00:00",            // no zone
      "2020-01-01T00:00Z",              // no seconds
      "2020-01-01T00:00:00ZZ",
      "2020-01-01T00:00:00Z ",
      " 2020-01-01T00:00:00Z",
      "2020-01-01X00:00:00Z",
      "2020-01-01_00:00:00Z",
      "2020/01/01T00:00:00Z",
      "2020-01-01T00-00-00Z",
      "2020-1-01T00:00:00Z",
      "20200101T000000Z",
      "202a-01-01T00:00:00Z",
      "2020-0a-01T00:00:00Z",
      "2020-01-01T0a:00:00Z",
      "-020-01-01T00:00:00Z",
      "+2020-01-01T00:00:00Z",
      "12020-01-01T00:00:00Z",
      "2020-01-01T00:00:00+0000",
      "2020-01-01T00:00:00+00",
      "2020-01-01T00:00:00+00:0",
      "2020-01-01T00:00:00+00:000",
      "2020-01-01T00:00:00+00-00",
      "2020-01-01T00:00:00+24:00",
      "2020-01-01T00:00:00-24:00",
      "2020-01-01T00:00:00+05:60",
      "2020-01-01T00:00:00+a5:00",
      "2020-01-01T00:00:00UTC",
      "2020-01-01T00:00:00GMT",
      "2020-01-01T00:00:00,5Z",
      "2020-01-01T00:00:00.5.5Z",
      "2020-01-01T00:00:00.-5Z",
      "2020-01-01T00:00:00.5",
      "2020-01-01T00:00:00.5+01:00x",
      "2020-01-01T00:00:00.12345678901234Z",
      "2020-01-01T00:00:00.1234567890+23:59",
  };
  for (const char* text : bad) EXPECT_EQ(parse_code(text), errc::invalid_timestamp) << '"' << text << '"';
  EXPECT_EQ(parse_code(std::string_view("2020-01-01T00:00:00Z\0", 21)), errc::invalid_timestamp);
  EXPECT_EQ(parse_code(std::string(100, '1')), errc::invalid_timestamp);
}

TEST(Timestamp, RejectsOutOfRangeFields) {
  const char* const bad[] = {
      "2020-00-01T00:00:00Z", "2020-13-01T00:00:00Z", "2020-01-00T00:00:00Z", "2020-01-32T00:00:00Z",
      "2020-04-31T00:00:00Z", "2020-06-31T00:00:00Z", "2020-09-31T00:00:00Z", "2020-11-31T00:00:00Z",
      "2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2100-02-29T00:00:00Z", "2020-02-30T00:00:00Z",
      "2020-01-01T24:00:00Z", "2020-01-01T00:60:00Z", "2020-01-01T00:00:61Z", "2020-01-01T99:00:00Z",
  };
  for (const char* text : bad) EXPECT_EQ(parse_code(text), errc::invalid_timestamp) << text;
  // Leap years: divisible by 4, except centuries, except every fourth century (0000 included).
  for (const char* text : {"2020-02-29T00:00:00Z", "2000-02-29T00:00:00Z", "1600-02-29T00:00:00Z",
                           "0000-02-29T00:00:00Z", "0004-02-29T00:00:00Z", "9996-02-29T00:00:00Z"})
    EXPECT_EQ(parse_code(text), errc::none) << text;
}

TEST(Timestamp, LeapSecondOnlyWhereOneCanOccur) {
  // 23:59:60 UTC on the last day of a month: the instant of 23:59:59, written back as :60.
  const timestamp leap = parsed("2016-12-31T23:59:60.25Z");
  EXPECT_TRUE(leap.is_leap_second());
  EXPECT_EQ(leap, parsed("2016-12-31T23:59:59.25Z"));
  EXPECT_LT(leap, parsed("2017-01-01T00:00:00Z"));
  EXPECT_FALSE(leap.same_text(parsed("2016-12-31T23:59:59.25Z")));
  EXPECT_EQ(parse_code("2015-06-30T23:59:60Z"), errc::none);
  EXPECT_EQ(parse_code("2024-02-29T23:59:60Z"), errc::none);
  EXPECT_EQ(parse_code("2016-12-31T18:59:60-05:00"), errc::none);  // 23:59:60 UTC
  EXPECT_EQ(parse_code("2017-01-01T05:29:60+05:30"), errc::none);
  // Anywhere else it is an error.
  EXPECT_EQ(parse_code("2016-12-31T23:58:60Z"), errc::invalid_timestamp);
  EXPECT_EQ(parse_code("2016-12-30T23:59:60Z"), errc::invalid_timestamp);
  EXPECT_EQ(parse_code("2016-12-31T22:59:60Z"), errc::invalid_timestamp);
  EXPECT_EQ(parse_code("2016-12-31T23:59:60+01:00"), errc::invalid_timestamp);
  EXPECT_EQ(parse_code("2024-02-28T23:59:60Z"), errc::invalid_timestamp);
}

TEST(Timestamp, ComparesInstantsNotSpellings) {
  EXPECT_EQ(parsed("2020-01-01T12:00:00Z"), parsed("2020-01-01T07:00:00-05:00"));
  EXPECT_EQ(parsed("2020-01-01T12:00:00Z"), parsed("2020-01-02T11:59:00+23:59"));
  EXPECT_EQ(parsed("2020-01-01T12:00:00Z"), parsed("2020-01-01T12:00:00.000000000+00:00"));
  EXPECT_LT(parsed("2020-01-01T12:00:00.000000001Z"), parsed("2020-01-01T12:00:00.00000001Z"));
  EXPECT_LT(parsed("2020-01-01T12:00:00Z"), parsed("2020-01-01T12:00:00-00:01"));
  EXPECT_GT(parsed("1969-12-31T23:59:59.5Z"), parsed("1969-12-31T23:59:59.25Z"));
  EXPECT_EQ(parsed("2025-08-02T18:30:00Z"), timestamp::from_unix_seconds(1754159400));
  EXPECT_FALSE(parsed("2025-08-02T18:30:00Z").same_text(parsed("2025-08-02T18:30:00+00:00")));
}

TEST(Timestamp, UnixSecondsForm) {
  struct case_t {
    std::int64_t seconds;
    const char* text;
  };
  const case_t cases[] = {{0, "0"},
                          {1754159400, "1754159400"},
                          {-1, "-1"},
                          {std::numeric_limits<std::int64_t>::max(), "9223372036854775807"},
                          {std::numeric_limits<std::int64_t>::min(), "-9223372036854775808"}};
  for (const auto& c : cases) {
    const timestamp t = timestamp::from_unix_seconds(c.seconds);
    EXPECT_EQ(t.wire_form(), timestamp::form::unix_seconds);
    EXPECT_EQ(t.unix_seconds(), c.seconds);
    EXPECT_EQ(written(t), c.text);
  }
  static_assert(timestamp::from_unix_seconds(60).unix_nanos() == 60000000000);
}

TEST(Timestamp, FromUnixNanos) {
  const std::int64_t ns = 1754159400123456789;
  EXPECT_EQ(written(timestamp::from_unix_nanos(ns)), "2025-08-02T18:30:00.123456Z");
  EXPECT_EQ(written(timestamp::from_unix_nanos(ns, 0, 9)), "2025-08-02T18:30:00.123456789Z");
  EXPECT_EQ(written(timestamp::from_unix_nanos(ns, 0, 0)), "2025-08-02T18:30:00Z");
  EXPECT_EQ(written(timestamp::from_unix_nanos(ns, 60, 3)), "2025-08-02T19:30:00.123+01:00");
  EXPECT_EQ(written(timestamp::from_unix_nanos(ns, -330, 1)), "2025-08-02T13:00:00.1-05:30");
  // The instant is truncated to what is written, so that text and value agree.
  EXPECT_EQ(timestamp::from_unix_nanos(ns, 0, 3).unix_nanos(), 1754159400123000000);
  EXPECT_EQ(timestamp::from_unix_nanos(ns, 0, 3), parsed("2025-08-02T18:30:00.123Z"));
  EXPECT_EQ(written(timestamp::from_unix_nanos(-1)), "1969-12-31T23:59:59.999999Z");
  EXPECT_EQ(timestamp::from_unix_nanos(-1).unix_nanos(), -1000);
  EXPECT_EQ(timestamp::from_unix_nanos(-1, 0, 9).unix_nanos(), -1);
  // Out-of-range arguments are clamped.
  EXPECT_EQ(timestamp::from_unix_nanos(0, 100000).offset_minutes(), 23 * 60 + 59);
  EXPECT_EQ(timestamp::from_unix_nanos(0, -100000).offset_minutes(), -(23 * 60 + 59));
  EXPECT_EQ(timestamp::from_unix_nanos(0, 0, 42).fraction_digits(), 9);
  EXPECT_EQ(timestamp::from_unix_nanos(0, 0, -3).fraction_digits(), 0);
  // The whole int64 range: 1677-09-21 .. 2262-04-11.
  const auto min = std::numeric_limits<std::int64_t>::min();
  const auto max = std::numeric_limits<std::int64_t>::max();
  EXPECT_EQ(written(timestamp::from_unix_nanos(min, 0, 9)), "1677-09-21T00:12:43.145224192Z");
  EXPECT_EQ(written(timestamp::from_unix_nanos(max, 0, 9)), "2262-04-11T23:47:16.854775807Z");
  EXPECT_EQ(timestamp::from_unix_nanos(min, 0, 9).unix_nanos(), min);
  EXPECT_EQ(timestamp::from_unix_nanos(max, 0, 9).unix_nanos(), max);
  EXPECT_EQ(timestamp::from_unix_nanos(max, -23 * 60 - 59, 9).unix_nanos(), max);
}

TEST(Timestamp, UnixNanosSaturatesOutsideInt64) {
  EXPECT_EQ(parsed("0000-01-01T00:00:00Z").unix_nanos(), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(parsed("9999-12-31T23:59:59Z").unix_nanos(), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(parsed("1677-09-21T00:12:43.145224192Z").unix_nanos(), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(parsed("1677-09-21T00:12:43.145224191Z").unix_nanos(), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(parsed("1677-09-21T00:12:43.999999999Z").unix_nanos(), -9223372036000000001);
  EXPECT_EQ(parsed("1677-09-21T00:12:44Z").unix_nanos(), -9223372036000000000);
  EXPECT_EQ(parsed("2262-04-11T23:47:16.854775808Z").unix_nanos(), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(parsed("2262-04-11T23:47:16.854775807Z").unix_nanos(), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(parsed("2262-04-11T23:47:16.854775806Z").unix_nanos(), std::numeric_limits<std::int64_t>::max() - 1);
  // unix_seconds() stays exact everywhere.
  EXPECT_EQ(parsed("0000-01-01T00:00:00Z").unix_seconds(), -62167219200);
}

TEST(Timestamp, CivilConversionMatchesChronoForEveryDay) {
  // Every day of 0000..9999 through our days_from_civil / civil_from_days and <chrono>'s.
  const chrono::sys_days first{chrono::year{0} / 1 / 1};
  const chrono::sys_days last{chrono::year{9999} / 12 / 31};
  std::int64_t expected = first.time_since_epoch().count();
  for (chrono::sys_days day = first; day <= last; day += chrono::days{1}, ++expected) {
    const chrono::year_month_day ymd{day};
    const int y = static_cast<int>(ymd.year());
    const auto m = static_cast<unsigned>(ymd.month());
    const auto d = static_cast<unsigned>(ymd.day());
    const std::int64_t days = betwire::detail::days_from_civil(y, m, d);
    if (days != expected) {
      ASSERT_EQ(days, expected) << y << "-" << m << "-" << d;
    }
    const auto back = betwire::detail::civil_from_days(days);
    if (back.year != y || back.month != m || back.day != d) {
      ASSERT_EQ(back.year, y);
      ASSERT_EQ(back.month, m);
      ASSERT_EQ(back.day, d);
    }
  }
}

TEST(Timestamp, PropertyRandomTextsRoundTripAndMatchChrono) {
  std::mt19937_64 rng(1754159400);
  const auto pick = [&](int low, int high) { return std::uniform_int_distribution<int>(low, high)(rng); };
  const auto two = [](int v) { return std::string(1, static_cast<char>('0' + v / 10)) + static_cast<char>('0' + v % 10); };
  timestamp previous;
  std::int64_t previous_nanos_from_reference = 0;
  std::int64_t previous_seconds_from_reference = 0;
  for (int i = 0; i < 40000; ++i) {
    const int y = pick(0, 9999);
    const auto m = static_cast<unsigned>(pick(1, 12));
    const auto last_day = static_cast<unsigned>(chrono::year_month_day_last{chrono::year{y} / chrono::month{m} / chrono::last}.day());
    const auto d = static_cast<unsigned>(pick(1, static_cast<int>(last_day)));
    const int hh = pick(0, 23), mm = pick(0, 59), ss = pick(0, 59);
    const int digits = pick(0, 9);
    std::string fraction;
    int nanos = 0;
    for (int k = 0; k < 9; ++k) {
      const int digit = k < digits ? pick(0, 9) : 0;
      if (k < digits) fraction += static_cast<char>('0' + digit);
      nanos = nanos * 10 + digit;
    }
    const int zone_kind = pick(0, 4);
    int offset = 0;
    std::string zone;
    if (zone_kind == 0) zone = "Z";
    else if (zone_kind == 1) zone = "z";
    else {
      offset = pick(0, 23 * 60 + 59) * (zone_kind == 2 ? 1 : -1);
      const int magnitude = offset < 0 ? -offset : offset;
      zone = std::string(1, zone_kind == 2 ? '+' : '-') + two(magnitude / 60) + ":" + two(magnitude % 60);
    }
    const char separator = "Tt "[pick(0, 2)];
    const std::string text = two(y / 100) + two(y % 100) + "-" + two(static_cast<int>(m)) + "-" +
                             two(static_cast<int>(d)) + separator + two(hh) + ":" + two(mm) + ":" + two(ss) +
                             (digits != 0 ? "." + fraction : "") + zone;
    timestamp t;
    ASSERT_EQ(timestamp::from_chars(text, t), errc::none) << text;
    const std::int64_t seconds = reference_seconds(y, m, d, hh, mm, ss, offset);
    ASSERT_EQ(t.unix_seconds(), seconds) << text;
    ASSERT_EQ(t.nanosecond(), static_cast<std::uint32_t>(nanos)) << text;
    ASSERT_EQ(t.offset_minutes(), offset) << text;
    ASSERT_EQ(written(t), text);
    // Ordering agrees with the reference instant.
    const auto order = t <=> previous;
    const auto expected = seconds != previous_seconds_from_reference ? seconds <=> previous_seconds_from_reference
                                                                     : nanos <=> previous_nanos_from_reference;
    ASSERT_EQ(order, expected) << text << " vs " << written(previous);
    previous = t;
    previous_seconds_from_reference = seconds;
    previous_nanos_from_reference = nanos;
  }
}

TEST(Timestamp, PropertyMutatedTextsNeverCrashAndRarelyPass) {
  // Every single-byte mutation of a valid text either fails or still round-trips exactly.
  std::mt19937_64 rng(99);
  const std::string base = "2024-02-29T23:59:59.123456-05:30";
  const char alphabet[] = "0123456789-:T.Zz+ tx";
  for (int i = 0; i < 20000; ++i) {
    std::string text = base;
    const std::size_t at = rng() % text.size();
    switch (rng() % 3) {
      case 0: text[at] = alphabet[rng() % (sizeof alphabet - 1)]; break;
      case 1: text.erase(at, 1); break;
      default: text.insert(at, 1, alphabet[rng() % (sizeof alphabet - 1)]);
    }
    timestamp t;
    if (timestamp::from_chars(text, t) == errc::none) {
      ASSERT_EQ(written(t), text);
    } else {
      ASSERT_EQ(t, timestamp());  // untouched
    }
  }
}

TEST(Timestamp, ToCharsNeedsRoom) {
  const timestamp t = parsed("9999-12-31T23:59:59.999999999+23:59");
  const std::string text = written(t);
  ASSERT_EQ(text.size(), 35u);
  char buffer[timestamp::max_text];
  EXPECT_EQ(t.to_chars(buffer, buffer + 34), nullptr);
  EXPECT_EQ(t.to_chars(buffer, buffer + 35), buffer + 35);
  EXPECT_EQ(timestamp::from_unix_seconds(1754159400).to_chars(buffer, buffer + 9), nullptr);
  EXPECT_EQ(timestamp::from_unix_seconds(1754159400).to_chars(buffer, buffer + 10), buffer + 10);
}

TEST(Timestamp, ParseReportsTheProblem) {
  const auto ok = timestamp::parse("2020-01-01T00:00:00Z");
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->unix_seconds(), 1577836800);
  const auto bad = timestamp::parse("2020-02-30T00:00:00Z");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, errc::invalid_timestamp);
  EXPECT_EQ(bad.error().category, betwire::error_category::decode);
  EXPECT_NE(bad.error().message.find("2020-02-30T00:00:00Z"), std::string::npos);
  const auto huge = timestamp::parse(std::string(100000, 'x'));
  ASSERT_FALSE(huge.has_value());
  EXPECT_LT(huge.error().message.size(), 200u);
}

TEST(Timestamp, WorksAtCompileTime) {
  constexpr auto parse = [](std::string_view text) {
    timestamp t;
    return timestamp::from_chars(text, t) == errc::none ? t.unix_nanos() : -1;
  };
  static_assert(parse("2000-01-01T00:00:00.5Z") == 946684800500000000);
  static_assert(parse("2023-02-29T00:00:00Z") == -1);
  static_assert([] {
    char buffer[timestamp::max_text] = {};
    const timestamp t = timestamp::from_unix_nanos(0, -60, 2);
    const char* end = t.to_chars(buffer, buffer + timestamp::max_text);
    return std::string_view(buffer, static_cast<std::size_t>(end - buffer)) == "1969-12-31T23:00:00.00-01:00";
  }());
}

TEST(Timestamp, HotPathDoesNotAllocate) {
  const std::string texts[] = {"2026-02-07T16:15:53.270816+00:00", "2016-12-31T23:59:60Z",
                               "0000-01-01 00:00:00.1-23:59", "bad"};
  const std::size_t before = betwire_test::allocation_count();
  std::int64_t sum = 0;
  for (int round = 0; round < 100; ++round) {
    for (const auto& text : texts) {
      timestamp t;
      sum += static_cast<std::int64_t>(timestamp::from_chars(text, t));
      char buffer[timestamp::max_text];
      sum += t.to_chars(buffer, buffer + sizeof buffer) - buffer;
      sum += t.unix_seconds() % 7;
    }
  }
  const std::size_t after = betwire_test::allocation_count();
  EXPECT_EQ(after, before);
  EXPECT_NE(sum, 0);
  auto probe = std::make_unique<std::string>(100, 'x');  // the counter works
  EXPECT_GT(betwire_test::allocation_count(), after);
}

}  // namespace
