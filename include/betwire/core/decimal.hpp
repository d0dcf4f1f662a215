#ifndef BETWIRE_CORE_DECIMAL_HPP
#define BETWIRE_CORE_DECIMAL_HPP

// betwire::decimal: an exact decimal for money. It keeps the digits exactly as they came off the
// wire ("1.50" stays "1.50", "1e1" stays "1e1") so that encoding writes back what was decoded, and
// compares by value (1.5 == 1.50 == 15e-1). Parsing and formatting never allocate.

#include <betwire/core/config.hpp>
#include <betwire/core/error.hpp>
#include <betwire/core/result.hpp>

#include <bit>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>

#if defined(__cpp_lib_to_chars) && __cpp_lib_to_chars >= 201611L
#  include <charconv>
#  define BETWIRE_HAS_FLOAT_FROM_CHARS 1
#else
#  define BETWIRE_HAS_FLOAT_FROM_CHARS 0
#endif

BETWIRE_BEGIN_NAMESPACE

namespace detail {

[[nodiscard]] constexpr bool is_ascii_digit(char c) noexcept {
  return static_cast<unsigned char>(c - '0') <= 9;
}

[[nodiscard]] constexpr int decimal_digit_count(std::uint64_t v) noexcept {
  int n = 1;
  while (v >= 10) {
    v /= 10;
    ++n;
  }
  return n;
}

inline constexpr std::uint64_t pow10_u64[20] = {1ULL,
                                                10ULL,
                                                100ULL,
                                                1000ULL,
                                                10000ULL,
                                                100000ULL,
                                                1000000ULL,
                                                10000000ULL,
                                                100000000ULL,
                                                1000000000ULL,
                                                10000000000ULL,
                                                100000000000ULL,
                                                1000000000000ULL,
                                                10000000000000ULL,
                                                100000000000000ULL,
                                                1000000000000000ULL,
                                                10000000000000000ULL,
                                                100000000000000000ULL,
                                                1000000000000000000ULL,
                                                10000000000000000000ULL};

// Writes the decimal digits of v ending just before `end`; returns the first digit's position.
constexpr char* write_digits_backwards(char* end, std::uint64_t v) noexcept {
  do {
    *--end = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  return end;
}

// A fixed-capacity unsigned big integer, just enough for the exact comparisons of
// decimal_to_double (a 64-bit mantissa times at most 10^344, against midpoints below 2^2100).
template <int Limbs>
class basic_bigint {
 public:
  static constexpr int max_limbs = Limbs;

  constexpr explicit basic_bigint(std::uint64_t v) noexcept {
    limbs_[0] = static_cast<std::uint32_t>(v);
    limbs_[1] = static_cast<std::uint32_t>(v >> 32);
    size_ = limbs_[1] != 0 ? 2 : (limbs_[0] != 0 ? 1 : 0);
  }

  constexpr void multiply(std::uint32_t factor) noexcept {
    std::uint64_t carry = 0;
    for (int i = 0; i < size_; ++i) {
      const std::uint64_t product = std::uint64_t{limbs_[i]} * factor + carry;
      limbs_[i] = static_cast<std::uint32_t>(product);
      carry = product >> 32;
    }
    if (carry != 0 && size_ < max_limbs) limbs_[size_++] = static_cast<std::uint32_t>(carry);
  }

  constexpr void multiply_pow10(int n) noexcept {
    for (; n >= 9; n -= 9) multiply(1000000000U);
    if (n > 0) multiply(static_cast<std::uint32_t>(pow10_u64[n]));
  }

  constexpr void shift_left(int bits) noexcept {
    if (size_ == 0 || bits == 0) return;
    const int limb_shift = bits / 32;
    const int bit_shift = bits % 32;
    int new_size = size_ + limb_shift + 1;
    if (new_size > max_limbs) new_size = max_limbs;
    for (int i = new_size - 1; i >= 0; --i) {
      const int src = i - limb_shift;
      std::uint32_t hi = src >= 0 && src < size_ ? limbs_[src] : 0U;
      std::uint32_t lo = src - 1 >= 0 && src - 1 < size_ ? limbs_[src - 1] : 0U;
      limbs_[i] = bit_shift == 0 ? hi
                                 : static_cast<std::uint32_t>((hi << bit_shift) | (lo >> (32 - bit_shift)));
    }
    size_ = new_size;
    trim();
  }

  constexpr void add_small(std::uint32_t v) noexcept {
    std::uint64_t carry = v;
    for (int i = 0; i < size_ && carry != 0; ++i) {
      const std::uint64_t sum = std::uint64_t{limbs_[i]} + carry;
      limbs_[i] = static_cast<std::uint32_t>(sum);
      carry = sum >> 32;
    }
    if (carry != 0 && size_ < max_limbs) limbs_[size_++] = static_cast<std::uint32_t>(carry);
  }

  constexpr void add(const basic_bigint& other) noexcept {
    const int n = size_ > other.size_ ? size_ : other.size_;
    std::uint64_t carry = 0;
    for (int i = 0; i < n; ++i) {
      const std::uint64_t sum = std::uint64_t{i < size_ ? limbs_[i] : 0U} +
                                (i < other.size_ ? other.limbs_[i] : 0U) + carry;
      limbs_[i] = static_cast<std::uint32_t>(sum);
      carry = sum >> 32;
    }
    size_ = n;
    if (carry != 0 && size_ < max_limbs) limbs_[size_++] = static_cast<std::uint32_t>(carry);
  }

  friend constexpr std::strong_ordering operator<=>(const basic_bigint& a, const basic_bigint& b) noexcept {
    if (a.size_ != b.size_) return a.size_ <=> b.size_;
    for (int i = a.size_ - 1; i >= 0; --i)
      if (a.limbs_[i] != b.limbs_[i]) return a.limbs_[i] <=> b.limbs_[i];
    return std::strong_ordering::equal;
  }

 private:
  constexpr void trim() noexcept {
    while (size_ > 0 && limbs_[size_ - 1] == 0) --size_;
  }
  std::uint32_t limbs_[max_limbs] = {};
  int size_ = 0;
};

// 3584 bits: decimal_to_double's worst case needs about 3250.
using small_bigint = basic_bigint<112>;

// Adds the finite non-negative double with bit pattern `bits` to `sum`, in units of 2^-1074 (the
// pattern of +inf reads as 2^1024).
template <int Limbs>
constexpr void add_double_units(basic_bigint<Limbs>& sum, std::uint64_t bits) noexcept {
  const auto biased = static_cast<int>(bits >> 52);
  std::uint64_t mantissa = bits & ((std::uint64_t{1} << 52) - 1);
  int shift = 0;  // value = mantissa * 2^(shift - 1074)
  if (biased != 0) {
    mantissa |= std::uint64_t{1} << 52;
    shift = biased - 1;
  }
  basic_bigint<Limbs> term(mantissa);
  term.shift_left(shift);
  sum.add(term);
}

// The double nearest to m * 10^e (ties to even), for any uint64 m and int e. Exact: an estimate is corrected
// by comparing the exact value against the midpoints between neighbouring doubles. Used where the
// standard library lacks floating-point std::from_chars (libc++ 19) and for out-of-range values.
[[nodiscard]] inline double decimal_to_double(std::uint64_t m, int e) noexcept {
  using limits = std::numeric_limits<double>;
  static_assert(limits::is_iec559 && limits::digits == 53, "IEEE-754 binary64 double expected");
  if (m == 0) return 0.0;
  const int digits = decimal_digit_count(m);
  if (digits + e > 310) return limits::infinity();  // >= 10^309 > DBL_MAX
  if (digits + e < -324) return 0.0;                 // < 10^-325, below half the smallest subnormal

  // Estimate within a few ulps: binary powers of ten, applied so that no intermediate overflows
  // or underflows early.
  constexpr double pow10_binary[] = {1e1, 1e2, 1e4, 1e8, 1e16, 1e32, 1e64, 1e128, 1e256};
  double estimate = static_cast<double>(m);
  int remaining = e < 0 ? -e : e;
  if (e < 0 && remaining > 300) {
    estimate /= 1e300;
    remaining -= 300;
  }
  double scale = 1.0;
  for (int bit = 0; remaining != 0; ++bit, remaining >>= 1)
    if (remaining & 1) scale *= pow10_binary[bit];
  estimate = e < 0 ? estimate / scale : estimate * scale;

  // Compare the exact value against the midpoint between the doubles with bit patterns u and u+1,
  // both sides scaled to integers (units of 2^-1075; the pattern of +inf reads as 2^1024, which is
  // exactly what the midpoint above DBL_MAX needs).
  const auto compare_to_midpoint = [m, e](std::uint64_t u) noexcept {
    const auto add_double = [](small_bigint& sum, std::uint64_t bits) noexcept {
      const auto biased = static_cast<int>(bits >> 52);
      std::uint64_t mantissa = bits & ((std::uint64_t{1} << 52) - 1);
      int shift = 0;  // value = mantissa * 2^(shift - 1074)
      if (biased != 0) {
        mantissa |= std::uint64_t{1} << 52;
        shift = biased - 1;
      }
      small_bigint term(mantissa);
      term.shift_left(shift);
      sum.add(term);
    };
    small_bigint midpoint(0);
    add_double(midpoint, u);
    add_double(midpoint, u + 1);
    small_bigint exact(m);
    if (e >= 0) {
      exact.multiply_pow10(e);
    } else {
      midpoint.multiply_pow10(-e);
    }
    exact.shift_left(1075);
    return exact <=> midpoint;
  };

  auto u = std::bit_cast<std::uint64_t>(estimate);
  constexpr std::uint64_t infinity_bits = 0x7FF0000000000000ULL;
  if (u > infinity_bits) u = infinity_bits;  // cannot happen for finite inputs; keeps the loop sane
  for (;;) {
    if (u != 0) {
      const auto below = compare_to_midpoint(u - 1);
      if (below < 0 || (below == 0 && ((u - 1) & 1) == 0)) {
        --u;
        continue;
      }
    }
    if (u != infinity_bits) {
      const auto above = compare_to_midpoint(u);
      if (above > 0 || (above == 0 && (u & 1) != 0)) {
        ++u;
        continue;
      }
    }
    break;
  }
  return std::bit_cast<double>(u);
}

// Compares |x|, x the number in [first, last) (text of the JSON number grammar, already validated),
// exactly with (a + b) / 2, a and b finite non-negative doubles given by their bit patterns (a == b
// compares with a itself; the pattern of +inf reads as 2^1024). Returns <0, 0 or >0. Significant
// digits past the 800th only count as "a little more": a midpoint of two doubles has at most 767
// significant digits, so they cannot tip the comparison any other way. For the rare texts whose
// rounding a 19-digit prefix cannot decide, and for the double rounding of floats.
[[nodiscard]] inline int compare_number_text(const char* first, const char* last, std::uint64_t bits_a,
                                             std::uint64_t bits_b) noexcept {
  using big = basic_bigint<128>;  // 800 digits (2658 bits) shifted by 1075: under 3750 bits
  constexpr int max_digits = 800;
  const char* p = first;
  if (p < last && *p == '-') ++p;
  big exact(0);
  int digits = 0;
  bool more = false;
  long exponent = 0;
  const auto take = [&](char ch, bool fraction) {
    if (digits == 0 && ch == '0') {
      if (fraction) --exponent;
      return;
    }
    if (digits < max_digits) {
      exact.multiply(10);
      exact.add_small(static_cast<std::uint32_t>(ch - '0'));
      ++digits;
      if (fraction) --exponent;
    } else {
      if (ch != '0') more = true;
      if (!fraction) ++exponent;
    }
  };
  for (; p < last && is_ascii_digit(*p); ++p) take(*p, false);
  if (p < last && *p == '.')
    for (++p; p < last && is_ascii_digit(*p); ++p) take(*p, true);
  if (p < last && (*p == 'e' || *p == 'E')) {
    ++p;
    const bool negative_exponent = p < last && *p == '-';
    if (p < last && (*p == '+' || *p == '-')) ++p;
    long e = 0;
    for (; p < last && is_ascii_digit(*p); ++p)
      if (e < 100000) e = e * 10 + (*p - '0');
    exponent += negative_exponent ? -e : e;
  }
  big target(0);
  add_double_units(target, bits_a);
  add_double_units(target, bits_b);  // (a + b) in units of 2^-1074: the half-sum in units of 2^-1075
  if (digits == 0) return (target <=> big(0)) == 0 ? 0 : -1;
  if (exponent > 100000) exponent = 100000;
  if (exponent < -100000) exponent = -100000;
  if (exponent >= 0)
    exact.multiply_pow10(static_cast<int>(exponent));
  else
    target.multiply_pow10(static_cast<int>(-exponent));
  exact.shift_left(1075);
  const auto order = exact <=> target;
  if (order < 0) return -1;
  if (order > 0) return 1;
  return more ? 1 : 0;
}

// Called only from the consteval literal operators: calling a non-constexpr function there is what
// turns a malformed literal into a compile error, so it never runs.
inline void invalid_decimal_literal() noexcept {}

}  // namespace detail

class decimal {
 public:
  // How the value appears in JSON: as a number (1.95) or as a string ("1.95").
  enum class form : std::uint8_t { number, string };

  // Longest wire text kept, inline. 28 rather than 24 because it is free within the 40-byte object
  // and lets every value the constructor accepts be written in scientific form
  // ("-123456789012345678e-10000" is 26 bytes).
  static constexpr std::size_t max_text = 28;
  static constexpr int max_significant_digits = 18;  // every 18-digit coefficient fits an int64
  static constexpr int max_written_exponent = 10000;  // |n| in "...e<n>"

  constexpr decimal() noexcept : text_{'0'} {}

  // value = coefficient * 10^exponent, written canonically: plain notation when it reads back as
  // at most 18 significant digits and fits max_text ((195,-2) -> "1.95", (5,1) -> "50",
  // (-5,-3) -> "-0.005", (0,-2) -> "0.00"), scientific otherwise ((1,20) -> "1e20").
  // coefficient() and exponent() then describe the text: (5,1) reads back as (50,0).
  // Out of the domain: a 19-digit coefficient is rounded half-to-even to 18 digits, and the
  // exponent is clamped to [-10000, 10000]. Use from_parts() to be told instead.
  constexpr decimal(std::int64_t coefficient, int exponent, form f = form::number) noexcept
      : form_(f) {
    const bool negative = coefficient < 0;
    std::uint64_t magnitude = negative ? 0 - static_cast<std::uint64_t>(coefficient)
                                       : static_cast<std::uint64_t>(coefficient);
    if (magnitude >= detail::pow10_u64[max_significant_digits]) {
      const std::uint64_t rest = magnitude % 10;
      magnitude /= 10;
      if (rest > 5 || (rest == 5 && (magnitude & 1) != 0)) ++magnitude;
      if (exponent < std::numeric_limits<int>::max()) ++exponent;
    }
    if (exponent > max_written_exponent) exponent = max_written_exponent;
    if (exponent < -max_written_exponent) exponent = -max_written_exponent;
    write_canonical(negative, magnitude, exponent);
  }

  // Like the constructor, but refuses what it would round or clamp.
  [[nodiscard]] static constexpr errc from_parts(std::int64_t coefficient, int exponent, decimal& out,
                                                 form f = form::number) noexcept {
    const std::uint64_t magnitude = coefficient < 0 ? 0 - static_cast<std::uint64_t>(coefficient)
                                                    : static_cast<std::uint64_t>(coefficient);
    if (magnitude >= detail::pow10_u64[max_significant_digits] || exponent > max_written_exponent ||
        exponent < -max_written_exponent)
      return errc::number_out_of_range;
    out = decimal(coefficient, exponent, f);
    return errc::none;
  }

  // Parses JSON-number syntax exactly (RFC 8259: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?)
  // and keeps the text byte for byte. errc::invalid_decimal: bad syntax, empty, longer than
  // max_text. errc::number_out_of_range: more than 18 significant digits (leading zeros do not
  // count, trailing ones do) or a written exponent beyond +-10000. `out` is untouched on failure.
  [[nodiscard]] static constexpr errc from_chars(std::string_view text, decimal& out,
                                                 form f = form::number) noexcept {
    const std::size_t size = text.size();
    if (size == 0 || size > max_text) return errc::invalid_decimal;
    const char* p = text.data();
    const char* const end = p + size;

    const bool negative = *p == '-';
    if (negative && ++p == end) return errc::invalid_decimal;

    std::uint64_t coefficient = 0;  // wraps harmlessly once past 18 digits: then it is refused
    int significant = 0;
    const auto accumulate = [&](char c) {
      const auto digit = static_cast<unsigned>(c - '0');
      if (significant != 0 || digit != 0) {
        ++significant;
        coefficient = coefficient * 10 + digit;
      }
    };

    if (*p == '0') {
      ++p;
    } else if (detail::is_ascii_digit(*p)) {
      do accumulate(*p++);
      while (p != end && detail::is_ascii_digit(*p));
    } else {
      return errc::invalid_decimal;
    }

    int fraction_digits = 0;
    if (p != end && *p == '.') {
      if (++p == end || !detail::is_ascii_digit(*p)) return errc::invalid_decimal;
      do {
        accumulate(*p++);
        ++fraction_digits;
      } while (p != end && detail::is_ascii_digit(*p));
    }

    int written_exponent = 0;
    if (p != end && (*p == 'e' || *p == 'E')) {
      if (++p == end) return errc::invalid_decimal;
      const bool exponent_negative = *p == '-';
      if ((exponent_negative || *p == '+') && ++p == end) return errc::invalid_decimal;
      if (!detail::is_ascii_digit(*p)) return errc::invalid_decimal;
      do {
        // Saturates just past the limit, so that absurdly long exponents cannot overflow.
        if (written_exponent <= max_written_exponent) written_exponent = written_exponent * 10 + (*p - '0');
        ++p;
      } while (p != end && detail::is_ascii_digit(*p));
      if (exponent_negative) written_exponent = -written_exponent;
    }
    if (p != end) return errc::invalid_decimal;
    if (significant > max_significant_digits || written_exponent > max_written_exponent ||
        written_exponent < -max_written_exponent)
      return errc::number_out_of_range;

    const auto signed_coefficient = static_cast<std::int64_t>(coefficient);
    out.coefficient_ = negative ? -signed_coefficient : signed_coefficient;
    out.exponent_ = static_cast<std::int16_t>(written_exponent - fraction_digits);
    out.size_ = static_cast<std::uint8_t>(size);
    out.form_ = f;
    std::char_traits<char>::copy(out.text_, text.data(), size);
    return errc::none;
  }

  [[nodiscard]] static result<decimal> parse(std::string_view text, form f = form::number) {
    decimal out;
    const errc code = from_chars(text, out, f);
    if (code == errc::none) return out;
    std::string message = code == errc::number_out_of_range
                              ? "decimal out of range (more than 18 significant digits or an exponent "
                                "beyond 10000): "
                              : "not a decimal number: ";
    constexpr std::size_t shown = 40;
    if (text.empty()) {
      message += "empty text";
    } else {
      message += '"';
      message.append(text.substr(0, shown));
      if (text.size() > shown) message.append("...\" (").append(std::to_string(text.size())).append(" bytes)");
      else message += '"';
    }
    return fail(error(code, std::move(message)));
  }

  // The wire digits exactly as parsed (or the canonical text of a constructed value).
  [[nodiscard]] constexpr std::string_view text() const noexcept { return {text_, size_}; }
  [[nodiscard]] constexpr form wire_form() const noexcept { return form_; }
  constexpr void set_wire_form(form f) noexcept { form_ = f; }

  // "1.50" -> (150, -2); "1e1" -> (1, 1); "-0.0" -> (0, -1). value = coefficient * 10^exponent.
  [[nodiscard]] constexpr std::int64_t coefficient() const noexcept { return coefficient_; }
  [[nodiscard]] constexpr int exponent() const noexcept { return exponent_; }
  // Negative zero ("-0", "-0.00") is zero: it compares equal to 0 and is_negative() is false.
  [[nodiscard]] constexpr bool is_zero() const noexcept { return coefficient_ == 0; }
  [[nodiscard]] constexpr bool is_negative() const noexcept { return coefficient_ < 0; }

  // Writes text() to [first, last); returns the end, or nullptr when it does not fit.
  constexpr char* to_chars(char* first, char* last) const noexcept {
    if (last - first < static_cast<std::ptrdiff_t>(size_)) return nullptr;
    std::char_traits<char>::copy(first, text_, size_);
    return first + size_;
  }

  // The double nearest to the exact value (ties to even); +-inf beyond DBL_MAX, +-0 below the
  // smallest subnormal. "-0" gives -0.0.
  [[nodiscard]] double to_double() const noexcept {
    const bool negative = size_ != 0 && text_[0] == '-';
    const std::uint64_t magnitude =
        coefficient_ < 0 ? 0 - static_cast<std::uint64_t>(coefficient_) : static_cast<std::uint64_t>(coefficient_);
    double value = 0;
    // Clinger's fast path: both operands exact, so the one IEEE operation rounds correctly.
    constexpr double exact_pow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                      1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    if (magnitude <= (std::uint64_t{1} << 53) && exponent_ >= -22 && exponent_ <= 22) {
      const auto m = static_cast<double>(magnitude);
      value = exponent_ < 0 ? m / exact_pow10[-exponent_] : m * exact_pow10[exponent_];
    } else {
#if BETWIRE_HAS_FLOAT_FROM_CHARS
      const char* const digits = text_ + (negative ? 1 : 0);
      const auto parsed = std::from_chars(digits, text_ + size_, value);
      if (parsed.ec != std::errc{}) value = detail::decimal_to_double(magnitude, exponent_);
#else
      value = detail::decimal_to_double(magnitude, exponent_);
#endif
    }
    return negative ? -value : value;
  }

  [[nodiscard]] std::string to_string() const { return std::string(text()); }

  // Value comparison: 1.5 == 1.50 == 15e-1, -0 == 0. Exact, no overflow.
  friend constexpr bool operator==(const decimal& a, const decimal& b) noexcept {
    return (a <=> b) == 0;
  }
  friend constexpr std::strong_ordering operator<=>(const decimal& a, const decimal& b) noexcept {
    const int sign_a = a.coefficient_ < 0 ? -1 : (a.coefficient_ > 0 ? 1 : 0);
    const int sign_b = b.coefficient_ < 0 ? -1 : (b.coefficient_ > 0 ? 1 : 0);
    if (sign_a != sign_b) return sign_a <=> sign_b;
    if (sign_a == 0) return std::strong_ordering::equal;
    const std::strong_ordering magnitude = compare_magnitude(a, b);
    return sign_a > 0 ? magnitude : 0 <=> magnitude;
  }

  // Byte-exact equality of the wire text ("1.5" and "1.50" are equal values, not the same text).
  [[nodiscard]] constexpr bool same_text(const decimal& other) const noexcept {
    return text() == other.text();
  }

 private:
  [[nodiscard]] static constexpr std::uint64_t magnitude_of(std::int64_t v) noexcept {
    return v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
  }

  // Compares |a| and |b|, both non-zero with coefficients below 10^18.
  [[nodiscard]] static constexpr std::strong_ordering compare_magnitude(const decimal& a,
                                                                        const decimal& b) noexcept {
    std::uint64_t ma = magnitude_of(a.coefficient_);
    std::uint64_t mb = magnitude_of(b.coefficient_);
    const int digits_a = detail::decimal_digit_count(ma);
    const int digits_b = detail::decimal_digit_count(mb);
    // Order of magnitude first: 10^(digits+exponent-1) <= |v| < 10^(digits+exponent).
    const int order_a = digits_a + a.exponent_;
    const int order_b = digits_b + b.exponent_;
    if (order_a != order_b) return order_a <=> order_b;
    // Same order: pad the shorter coefficient with zeros; it stays below 10^18.
    if (digits_a < digits_b) ma *= detail::pow10_u64[digits_b - digits_a];
    if (digits_b < digits_a) mb *= detail::pow10_u64[digits_a - digits_b];
    return ma <=> mb;
  }

  // Writes the canonical text of (+-magnitude) * 10^exponent and sets the parts to what that text
  // reads back as. magnitude < 10^18, |exponent| <= 10000.
  constexpr void write_canonical(bool negative, std::uint64_t magnitude, int exponent) noexcept {
    char digits_buffer[20] = {};
    char* const digits_end = digits_buffer + 20;
    const char* const digits = detail::write_digits_backwards(digits_end, magnitude);
    const int digit_count = static_cast<int>(digits_end - digits);
    const bool show_sign = negative && magnitude != 0;
    std::size_t n = 0;
    if (show_sign) text_[n++] = '-';

    const auto append_digits = [&](const char* from, int count) {
      for (int i = 0; i < count; ++i) text_[n++] = from[i];
    };
    const int sign_width = show_sign ? 1 : 0;
    if (exponent >= 0 && (magnitude == 0 || digit_count + exponent <= max_significant_digits)) {
      // Plain integer: "50" for (5,1); zero with a positive exponent is just "0".
      append_digits(digits, digit_count);
      if (magnitude != 0)
        for (int i = 0; i < exponent; ++i) text_[n++] = '0';
      magnitude = magnitude == 0 ? 0 : magnitude * detail::pow10_u64[exponent];
      exponent = 0;
    } else if (exponent < 0 && sign_width + (digit_count > -exponent ? digit_count + 1 : 2 - exponent) <=
                                   static_cast<int>(max_text)) {
      const int fraction = -exponent;
      if (digit_count > fraction) {
        append_digits(digits, digit_count - fraction);
        text_[n++] = '.';
        append_digits(digits + (digit_count - fraction), fraction);
      } else {
        text_[n++] = '0';
        text_[n++] = '.';
        for (int i = 0; i < fraction - digit_count; ++i) text_[n++] = '0';
        append_digits(digits, digit_count);
      }
    } else {
      append_digits(digits, digit_count);
      text_[n++] = 'e';
      char exponent_buffer[8] = {};
      const std::uint64_t exponent_magnitude =
          static_cast<std::uint64_t>(exponent < 0 ? -exponent : exponent);
      const char* const exponent_digits = detail::write_digits_backwards(exponent_buffer + 8, exponent_magnitude);
      if (exponent < 0) text_[n++] = '-';
      append_digits(exponent_digits, static_cast<int>(exponent_buffer + 8 - exponent_digits));
    }
    size_ = static_cast<std::uint8_t>(n);
    const auto signed_magnitude = static_cast<std::int64_t>(magnitude);
    coefficient_ = negative ? -signed_magnitude : signed_magnitude;
    exponent_ = static_cast<std::int16_t>(exponent);
  }

  std::int64_t coefficient_ = 0;
  std::int16_t exponent_ = 0;
  std::uint8_t size_ = 1;
  form form_ = form::number;
  char text_[max_text] = {};
};

// Streams text(). A template so that this header needs only <iosfwd>.
template <class CharT, class Traits>
std::basic_ostream<CharT, Traits>& operator<<(std::basic_ostream<CharT, Traits>& os, const decimal& value) {
  for (const char c : value.text()) os.put(os.widen(c));
  return os;
}

static_assert(sizeof(decimal) <= 40);
static_assert(std::is_trivially_copyable_v<decimal>);

namespace literals {

// "1.95"_dec: parsed at compile time; a malformed or out-of-range literal does not compile.
consteval decimal operator""_dec(const char* text, std::size_t size) {
  decimal value;
  if (decimal::from_chars(std::string_view(text, size), value) != errc::none)
    detail::invalid_decimal_literal();
  return value;
}

// 1.95_dec: the same from a numeric literal's own spelling (so 0x10_dec or 1'000_dec do not compile).
consteval decimal operator""_dec(const char* text) {
  decimal value;
  if (decimal::from_chars(std::string_view(text), value) != errc::none) detail::invalid_decimal_literal();
  return value;
}

}  // namespace literals

BETWIRE_END_NAMESPACE

#endif  // BETWIRE_CORE_DECIMAL_HPP
