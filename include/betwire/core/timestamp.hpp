#ifndef BETWIRE_CORE_TIMESTAMP_HPP
#define BETWIRE_CORE_TIMESTAMP_HPP

// betwire::timestamp: an instant that writes back the text it was read from. ISO-8601 / RFC 3339
// text keeps its fraction digits, separator and offset spelling; unix seconds stay an integer.
// Parsing and formatting are single passes with no locale and no allocation.

#include <betwire/core/config.hpp>
#include <betwire/core/error.hpp>
#include <betwire/core/result.hpp>

#include <compare>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>

BETWIRE_BEGIN_NAMESPACE

namespace detail {

struct civil_date {
  int year;
  unsigned month;  // 1..12
  unsigned day;    // 1..31
};

[[nodiscard]] constexpr bool is_leap_year(int year) noexcept {
  return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

[[nodiscard]] constexpr unsigned days_in_month(int year, unsigned month) noexcept {
  constexpr unsigned lengths[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29U : lengths[month - 1];
}

[[nodiscard]] constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// Days since 1970-01-01 of a proleptic Gregorian date. Counting years from March makes the leap
// day the last day of its year, so a year's length only matters through whole-year counts; the
// 400-year cycle (146097 days) keeps the arithmetic non-negative.
[[nodiscard]] constexpr std::int64_t days_from_civil(int year, unsigned month, unsigned day) noexcept {
  const std::int64_t march_year = static_cast<std::int64_t>(year) - (month <= 2 ? 1 : 0);
  const std::int64_t cycle = floor_div(march_year, 400);
  const std::int64_t year_of_cycle = march_year - cycle * 400;                   // 0..399
  const unsigned march_month = month > 2 ? month - 3 : month + 9;               // Mar = 0 .. Feb = 11
  const unsigned day_of_year = (153 * march_month + 2) / 5 + day - 1;            // 0..365
  const std::int64_t day_of_cycle =
      year_of_cycle * 365 + year_of_cycle / 4 - year_of_cycle / 100 + day_of_year;  // 0..146096
  constexpr std::int64_t days_0000_03_01_to_1970_01_01 = 719468;
  return cycle * 146097 + day_of_cycle - days_0000_03_01_to_1970_01_01;
}

// The inverse of days_from_civil.
[[nodiscard]] constexpr civil_date civil_from_days(std::int64_t days) noexcept {
  const std::int64_t shifted = days + 719468;
  const std::int64_t cycle = floor_div(shifted, 146097);
  const std::int64_t day_of_cycle = shifted - cycle * 146097;  // 0..146096
  // Years into the cycle: remove the leap days that precede this day, then divide by 365.
  const std::int64_t year_of_cycle =
      (day_of_cycle - day_of_cycle / 1460 + day_of_cycle / 36524 - day_of_cycle / 146096) / 365;
  const std::int64_t day_of_year =
      day_of_cycle - (365 * year_of_cycle + year_of_cycle / 4 - year_of_cycle / 100);  // 0..365
  const std::int64_t march_month = (5 * day_of_year + 2) / 153;                       // 0..11
  const auto day = static_cast<unsigned>(day_of_year - (153 * march_month + 2) / 5 + 1);
  const auto month = static_cast<unsigned>(march_month < 10 ? march_month + 3 : march_month - 9);
  const std::int64_t year = cycle * 400 + year_of_cycle + (month <= 2 ? 1 : 0);
  return {static_cast<int>(year), month, day};
}

// Two ASCII digits at p as a number, or a value above 99 when either is not a digit.
[[nodiscard]] constexpr unsigned two_digits(const char* p) noexcept {
  const auto high = static_cast<unsigned>(static_cast<unsigned char>(p[0]) - '0');
  const auto low = static_cast<unsigned>(static_cast<unsigned char>(p[1]) - '0');
  return (high > 9 || low > 9) ? 1000U : high * 10 + low;
}

constexpr char* write_two_digits(char* p, unsigned v) noexcept {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
  return p + 2;
}

}  // namespace detail

class timestamp {
 public:
  enum class form : std::uint8_t { iso8601, unix_seconds };  // "2026-02-07T16:15:53.270816+00:00" or 1754159400

  static constexpr std::size_t max_text = 40;  // the longest ISO text is 35 bytes, unix seconds 20
  static constexpr int max_offset_minutes = 23 * 60 + 59;

  // The epoch, written "1970-01-01T00:00:00Z".
  constexpr timestamp() noexcept = default;

  // RFC 3339: YYYY-MM-DD, 'T' (or 't' or ' '), HH:MM:SS, an optional fraction of 1..9 digits, then
  // 'Z', 'z', +HH:MM or -HH:MM (offsets up to 23:59; "-00:00" is kept as written). Years 0000..9999;
  // months, days (leap years included), hours < 24 and minutes < 60 are checked.
  // A leap second (SS = 60) is accepted only where one can occur, at 23:59:60 UTC on the last day of
  // a month; it is the same instant as 23:59:59 of that day (as POSIX clocks count it), with the
  // same fraction, and is written back as :60. errc::invalid_timestamp otherwise; `out` is untouched.
  [[nodiscard]] static constexpr errc from_chars(std::string_view text, timestamp& out) noexcept {
    constexpr std::size_t shortest = 20;  // YYYY-MM-DDTHH:MM:SSZ
    constexpr std::size_t longest = 35;   // YYYY-MM-DDTHH:MM:SS.fffffffff+HH:MM
    const std::size_t size = text.size();
    if (size < shortest || size > longest) return errc::invalid_timestamp;
    const char* const p = text.data();

    const unsigned century = detail::two_digits(p);
    const unsigned year_in_century = detail::two_digits(p + 2);
    const unsigned month = detail::two_digits(p + 5);
    const unsigned day = detail::two_digits(p + 8);
    const unsigned hour = detail::two_digits(p + 11);
    const unsigned minute = detail::two_digits(p + 14);
    const unsigned second = detail::two_digits(p + 17);
    if (century > 99 || year_in_century > 99 || p[4] != '-' || p[7] != '-' || p[13] != ':' ||
        p[16] != ':')
      return errc::invalid_timestamp;
    std::uint8_t separator = 0;
    if (p[10] == 'T') separator = separator_upper_t;
    else if (p[10] == 't') separator = separator_lower_t;
    else if (p[10] == ' ') separator = separator_space;
    else return errc::invalid_timestamp;
    const int year = static_cast<int>(century * 100 + year_in_century);
    if (month < 1 || month > 12 || day < 1 || day > detail::days_in_month(year, month) || hour > 23 ||
        minute > 59 || second > 60)
      return errc::invalid_timestamp;

    std::size_t i = 19;
    std::uint32_t nanos = 0;
    unsigned fraction_digits = 0;
    if (p[i] == '.') {
      ++i;
      while (i < size && static_cast<unsigned char>(p[i] - '0') <= 9) {
        if (++fraction_digits > 9) return errc::invalid_timestamp;
        nanos = nanos * 10 + static_cast<std::uint32_t>(p[i] - '0');
        ++i;
      }
      if (fraction_digits == 0) return errc::invalid_timestamp;
      for (unsigned k = fraction_digits; k < 9; ++k) nanos *= 10;
    }

    if (i >= size) return errc::invalid_timestamp;
    std::uint8_t zone = 0;
    int offset = 0;
    const char designator = p[i];
    if (designator == 'Z' || designator == 'z') {
      zone = designator == 'Z' ? zone_upper_z : zone_lower_z;
      if (i + 1 != size) return errc::invalid_timestamp;
    } else if (designator == '+' || designator == '-') {
      if (i + 6 != size || p[i + 3] != ':') return errc::invalid_timestamp;
      const unsigned offset_hours = detail::two_digits(p + i + 1);
      const unsigned offset_minutes = detail::two_digits(p + i + 4);
      if (offset_hours > 23 || offset_minutes > 59) return errc::invalid_timestamp;
      offset = static_cast<int>(offset_hours * 60 + offset_minutes);
      if (designator == '-') offset = -offset;
      zone = designator == '+' ? zone_plus : zone_minus;
    } else {
      return errc::invalid_timestamp;
    }

    const bool leap_second = second == 60;
    const std::int64_t local_seconds = detail::days_from_civil(year, month, day) * seconds_per_day +
                                       hour * 3600 + minute * 60 + (leap_second ? 59 : second);
    const std::int64_t utc_seconds = local_seconds - std::int64_t{offset} * 60;
    if (leap_second) {
      const std::int64_t next = utc_seconds + 1;
      if (detail::floor_div(next, seconds_per_day) * seconds_per_day != next ||
          detail::civil_from_days(next / seconds_per_day).day != 1)
        return errc::invalid_timestamp;
    }

    out.seconds_ = utc_seconds;
    out.nanos_ = nanos;
    out.offset_ = static_cast<std::int16_t>(offset);
    out.fraction_digits_ = static_cast<std::uint8_t>(fraction_digits);
    out.flags_ = static_cast<std::uint8_t>(separator | zone | (leap_second ? leap_second_flag : 0));
    return errc::none;
  }

  [[nodiscard]] static result<timestamp> parse(std::string_view text) {
    timestamp out;
    if (from_chars(text, out) == errc::none) return out;
    constexpr std::size_t shown = 48;
    std::string message = "not an RFC 3339 timestamp (YYYY-MM-DDTHH:MM:SS[.f]Z|+HH:MM): ";
    if (text.empty()) {
      message += "empty text";
    } else {
      message += '"';
      message.append(text.substr(0, shown));
      message += text.size() > shown ? "...\"" : "\"";
    }
    return fail(error(errc::invalid_timestamp, std::move(message)));
  }

  // Written back as the decimal integer s.
  [[nodiscard]] static constexpr timestamp from_unix_seconds(std::int64_t s) noexcept {
    timestamp t;
    t.seconds_ = s;
    t.flags_ = unix_seconds_flag;
    return t;
  }

  // Written as ISO text with the given offset (clamped to +-23:59; 0 is written 'Z') and number of
  // fraction digits (clamped to 0..9; 0 writes none). The instant is truncated (towards the past)
  // to that many digits, so that what is stored is exactly what is written.
  [[nodiscard]] static constexpr timestamp from_unix_nanos(std::int64_t ns, int offset_minutes = 0,
                                                           int fraction_digits = 6) noexcept {
    if (offset_minutes > max_offset_minutes) offset_minutes = max_offset_minutes;
    if (offset_minutes < -max_offset_minutes) offset_minutes = -max_offset_minutes;
    if (fraction_digits < 0) fraction_digits = 0;
    if (fraction_digits > 9) fraction_digits = 9;
    timestamp t;
    // Split with the remainder, so that INT64_MIN does not overflow on the way.
    std::int64_t remainder = ns % nanos_per_second;
    t.seconds_ = ns / nanos_per_second;
    if (remainder < 0) {
      remainder += nanos_per_second;
      --t.seconds_;
    }
    const auto nanos = static_cast<std::uint32_t>(remainder);
    const std::uint32_t unit = pow10_u32(9 - fraction_digits);
    t.nanos_ = nanos - nanos % unit;
    t.offset_ = static_cast<std::int16_t>(offset_minutes);
    t.fraction_digits_ = static_cast<std::uint8_t>(fraction_digits);
    t.flags_ = static_cast<std::uint8_t>(separator_upper_t |
                                         (offset_minutes == 0 ? zone_upper_z : offset_minutes > 0 ? zone_plus : zone_minus));
    return t;
  }

  // The same from whole seconds and the nanosecond within them (clamped to 999'999'999): no
  // multiplication, so every int64 second is kept as it is. ISO text has four-digit years: check
  // in_iso_range() before writing a timestamp from arbitrary seconds.
  [[nodiscard]] static constexpr timestamp from_unix(std::int64_t seconds, std::uint32_t nanosecond,
                                                     int offset_minutes = 0, int fraction_digits = 6) noexcept {
    timestamp t = from_unix_nanos(0, offset_minutes, fraction_digits);
    if (nanosecond >= static_cast<std::uint32_t>(nanos_per_second))
      nanosecond = static_cast<std::uint32_t>(nanos_per_second - 1);
    t.seconds_ = seconds;
    t.nanos_ = nanosecond - nanosecond % pow10_u32(9 - t.fraction_digits_);
    return t;
  }

  // Whether the instant lies in 0000-01-01T00:00:00Z .. 9999-12-31T23:59:59.999999999Z, the years
  // ISO-8601 text can hold (unix seconds decoded from JSON can be any int64).
  [[nodiscard]] constexpr bool in_iso_range() const noexcept {
    return seconds_ >= min_iso_seconds && seconds_ <= max_iso_seconds;
  }
  static constexpr std::int64_t min_iso_seconds = -62167219200;  // 0000-01-01T00:00:00Z
  static constexpr std::int64_t max_iso_seconds = 253402300799;  // 9999-12-31T23:59:59Z

  // Seconds since the epoch, rounded towards the past.
  [[nodiscard]] constexpr std::int64_t unix_seconds() const noexcept { return seconds_; }
  // Nanoseconds since the epoch. int64 nanoseconds span 1677-09-21 .. 2262-04-11; beyond that the
  // result saturates to the int64 limits (unix_seconds() stays exact for every year 0000..9999).
  [[nodiscard]] constexpr std::int64_t unix_nanos() const noexcept {
    constexpr std::int64_t max = std::numeric_limits<std::int64_t>::max();
    constexpr std::int64_t min = std::numeric_limits<std::int64_t>::min();
    if (seconds_ >= 0) {
      if (seconds_ > (max - nanos_) / nanos_per_second) return max;
      return seconds_ * nanos_per_second + nanos_;
    }
    // Negative: count from the next whole second down, which cannot overflow before the check.
    const std::int64_t next_second = seconds_ + 1;
    if (next_second < min / nanos_per_second) return min;
    const std::int64_t base = next_second * nanos_per_second;
    const std::int64_t below = nanos_per_second - nanos_;  // 1..1e9
    if (base < min + below) return min;
    return base - below;
  }
  // 0..999'999'999 within the second.
  [[nodiscard]] constexpr std::uint32_t nanosecond() const noexcept { return nanos_; }
  [[nodiscard]] constexpr int offset_minutes() const noexcept { return offset_; }
  [[nodiscard]] constexpr int fraction_digits() const noexcept { return fraction_digits_; }
  [[nodiscard]] constexpr bool is_leap_second() const noexcept { return (flags_ & leap_second_flag) != 0; }
  [[nodiscard]] constexpr form wire_form() const noexcept {
    return (flags_ & unix_seconds_flag) != 0 ? form::unix_seconds : form::iso8601;
  }

  // Writes the text back exactly as it was read (ISO: same fraction digits, separator and offset
  // spelling; unix seconds: the decimal integer). Returns the end, or nullptr when [first, last) is
  // shorter than needed (max_text always suffices).
  // nullptr also for ISO text whose local year is outside 0000..9999: never a wrapped or clamped year.
  constexpr char* to_chars(char* first, char* last) const noexcept {
    char buffer[max_text] = {};
    if (wire_form() == form::iso8601) {
      const std::int64_t local = seconds_ + std::int64_t{offset_} * 60;  // |seconds_| < 2^63 - 2^17 below
      if (seconds_ < min_iso_seconds - seconds_per_day || seconds_ > max_iso_seconds + seconds_per_day ||
          local < min_iso_seconds || local > max_iso_seconds)
        return nullptr;
    }
    const char* const end = wire_form() == form::unix_seconds ? write_unix(buffer) : write_iso(buffer);
    const auto size = end - buffer;
    if (last - first < size) return nullptr;
    for (std::ptrdiff_t i = 0; i < size; ++i) first[i] = buffer[i];
    return first + size;
  }

  [[nodiscard]] std::string to_string() const {
    char buffer[max_text];
    const char* end = to_chars(buffer, buffer + max_text);
    if (end == nullptr) end = from_unix_seconds(seconds_).write_unix(buffer);  // beyond ISO's years
    return std::string(buffer, static_cast<std::size_t>(end - buffer));
  }

  // The same instant, whatever the offset or spelling: "12:00:00Z" == "07:00:00-05:00".
  friend constexpr bool operator==(const timestamp& a, const timestamp& b) noexcept {
    return a.seconds_ == b.seconds_ && a.nanos_ == b.nanos_;
  }
  friend constexpr std::strong_ordering operator<=>(const timestamp& a, const timestamp& b) noexcept {
    if (a.seconds_ != b.seconds_) return a.seconds_ <=> b.seconds_;
    return a.nanos_ <=> b.nanos_;
  }

  // Byte-exact equality of what to_chars writes.
  [[nodiscard]] constexpr bool same_text(const timestamp& other) const noexcept {
    return *this == other && offset_ == other.offset_ && fraction_digits_ == other.fraction_digits_ &&
           flags_ == other.flags_;
  }

 private:
  static constexpr std::int64_t seconds_per_day = 86400;
  static constexpr std::int64_t nanos_per_second = 1000000000;

  // flags_ bits
  static constexpr std::uint8_t separator_upper_t = 0;
  static constexpr std::uint8_t separator_lower_t = 1;
  static constexpr std::uint8_t separator_space = 2;
  static constexpr std::uint8_t separator_mask = 3;
  static constexpr std::uint8_t zone_upper_z = 0 << 2;
  static constexpr std::uint8_t zone_lower_z = 1 << 2;
  static constexpr std::uint8_t zone_plus = 2 << 2;
  static constexpr std::uint8_t zone_minus = 3 << 2;
  static constexpr std::uint8_t zone_mask = 3 << 2;
  static constexpr std::uint8_t leap_second_flag = 1 << 4;
  static constexpr std::uint8_t unix_seconds_flag = 1 << 5;

  [[nodiscard]] static constexpr std::uint32_t pow10_u32(int n) noexcept {
    std::uint32_t v = 1;
    while (n-- > 0) v *= 10;
    return v;
  }

  constexpr char* write_unix(char* p) const noexcept {
    std::uint64_t magnitude =
        seconds_ < 0 ? 0 - static_cast<std::uint64_t>(seconds_) : static_cast<std::uint64_t>(seconds_);
    char digits[20] = {};
    int n = 0;
    do {
      digits[n++] = static_cast<char>('0' + magnitude % 10);
      magnitude /= 10;
    } while (magnitude != 0);
    if (seconds_ < 0) *p++ = '-';
    while (n > 0) *p++ = digits[--n];
    return p;
  }

  constexpr char* write_iso(char* p) const noexcept {
    const std::int64_t local = seconds_ + std::int64_t{offset_} * 60;
    const std::int64_t days = detail::floor_div(local, seconds_per_day);
    auto second_of_day = static_cast<unsigned>(local - days * seconds_per_day);
    const detail::civil_date date = detail::civil_from_days(days);
    // Parsed text has local years 0000..9999 and from_unix_nanos spans 1677..2262, so four digits
    // always suffice; the clamp only keeps the buffer bound obvious.
    const unsigned year = date.year < 0 ? 0U : date.year > 9999 ? 9999U : static_cast<unsigned>(date.year);
    p = detail::write_two_digits(p, year / 100);
    p = detail::write_two_digits(p, year % 100);
    *p++ = '-';
    p = detail::write_two_digits(p, date.month);
    *p++ = '-';
    p = detail::write_two_digits(p, date.day);
    const unsigned separator = flags_ & separator_mask;
    *p++ = separator == separator_space ? ' ' : separator == separator_lower_t ? 't' : 'T';
    const unsigned second = second_of_day % 60 + (is_leap_second() ? 1U : 0U);
    second_of_day /= 60;
    p = detail::write_two_digits(p, second_of_day / 60);
    *p++ = ':';
    p = detail::write_two_digits(p, second_of_day % 60);
    *p++ = ':';
    p = detail::write_two_digits(p, second);
    if (fraction_digits_ != 0) {
      *p++ = '.';
      std::uint32_t scaled = nanos_ / pow10_u32(9 - fraction_digits_);
      for (int i = fraction_digits_ - 1; i >= 0; --i) {
        p[i] = static_cast<char>('0' + scaled % 10);
        scaled /= 10;
      }
      p += fraction_digits_;
    }
    switch (flags_ & zone_mask) {
      case zone_upper_z: *p++ = 'Z'; break;
      case zone_lower_z: *p++ = 'z'; break;
      default: {
        *p++ = (flags_ & zone_mask) == zone_plus ? '+' : '-';
        const auto magnitude = static_cast<unsigned>(offset_ < 0 ? -offset_ : offset_);
        p = detail::write_two_digits(p, magnitude / 60);
        *p++ = ':';
        p = detail::write_two_digits(p, magnitude % 60);
      }
    }
    return p;
  }

  std::int64_t seconds_ = 0;        // UTC, floor
  std::uint32_t nanos_ = 0;         // 0..999'999'999
  std::int16_t offset_ = 0;         // minutes east of UTC, as written
  std::uint8_t fraction_digits_ = 0;  // 0..9, as written
  std::uint8_t flags_ = 0;          // separator, zone spelling, leap second, form
};

// Streams what to_chars writes. A template so that this header needs only <iosfwd>.
template <class CharT, class Traits>
std::basic_ostream<CharT, Traits>& operator<<(std::basic_ostream<CharT, Traits>& os, const timestamp& value) {
  char buffer[timestamp::max_text];
  const char* end = value.to_chars(buffer, buffer + timestamp::max_text);
  if (end == nullptr) end = timestamp::from_unix_seconds(value.unix_seconds()).to_chars(buffer, buffer + timestamp::max_text);
  for (const char* p = buffer; p != end; ++p) os.put(os.widen(*p));
  return os;
}

static_assert(sizeof(timestamp) == 16);
static_assert(std::is_trivially_copyable_v<timestamp>);

BETWIRE_END_NAMESPACE

#endif  // BETWIRE_CORE_TIMESTAMP_HPP
