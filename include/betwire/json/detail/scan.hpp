#ifndef BETWIRE_JSON_DETAIL_SCAN_HPP
#define BETWIRE_JSON_DETAIL_SCAN_HPP

// The lexical layer of the reader: whitespace, strings (validated, escapes decoded in place),
// numbers, literals, and skipping whole values while validating them. Every function checks
// bounds: the buffer needs no padding or terminator.

#include <betwire/core/config.hpp>
#include <betwire/core/error.hpp>

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

// The string scanner reads 16 bytes at a time with SSE2 where the target has it (every x86-64),
// 8 at a time with portable word arithmetic elsewhere. Chosen from the target's macros, never at
// run time. (32-byte AVX2 blocks measured about 2% slower than SSE2's on the ABP page, whose
// strings are mostly shorter than 32 bytes.) BETWIRE_JSON_NO_SIMD forces the portable scanner;
// define it for every translation unit of a program or for none (the reader's inline functions
// must be the same everywhere).
#if !defined(BETWIRE_JSON_NO_SIMD) && (defined(__SSE2__) || defined(_M_X64) || (defined(_M_IX86_FP) && _M_IX86_FP >= 2))
#define BETWIRE_JSON_SSE2 1
#include <emmintrin.h>
#else
#define BETWIRE_JSON_SSE2 0
#endif

BETWIRE_BEGIN_NAMESPACE
namespace json::detail {

// One step of the path to a failure, recorded only while unwinding from an error.
struct path_step {
  std::string_view key;  // empty for array elements
  std::size_t index = 0;
};

// A place in the document with the line it is on. An error reported behind the reader's current
// place (a key, found unknown once its ':' is read; an array, found too short at its ']') carries
// the line taken there: the bytes in between may have been rewritten by in-place string decoding,
// so the line cannot be recounted from them.
struct text_position {
  const char* at;
  std::uint32_t line;
  const char* line_start;
};

struct read_context {
  char* begin;
  char* p;
  char* end;
  std::uint32_t depth = 0;
  std::uint32_t max_depth = 64;
  // Lines are counted where they can occur (whitespace) so that an error knows its line for free.
  std::uint32_t line = 1;
  const char* line_start;
  errc code = errc::none;
  const char* error_at = nullptr;
  std::uint32_t error_line = 0;
  const char* error_line_start = nullptr;
  const char* message = "";
  std::vector<path_step> trail;  // innermost first; empty (and unallocated) on success

  read_context(char* first, char* last, std::uint32_t depth_limit) noexcept
      : begin(first), p(first), end(last), max_depth(depth_limit), line_start(first) {}
  // A part of a larger document whose first byte is on `first_line`, which starts at
  // `first_line_start` (at or before `first`, inside the document).
  read_context(char* first, char* last, std::uint32_t depth_limit, std::uint32_t first_line,
               const char* first_line_start) noexcept
      : begin(first), p(first), end(last), max_depth(depth_limit), line(first_line), line_start(first_line_start) {}

  [[nodiscard]] text_position here() const noexcept { return {p, line, line_start}; }

  // at must be on the current line or after it (a token being read); see text_position otherwise.
  BETWIRE_NOINLINE bool fail(errc c, const char* at, const char* why) noexcept {
    return fail_at(c, {at, line, line_start}, why);
  }
  BETWIRE_NOINLINE bool fail_at(errc c, const text_position& where, const char* why) noexcept {
    if (code == errc::none) {
      code = c;
      error_at = where.at;
      message = why;
      error_line = where.line;
      error_line_start = where.line_start;
    }
    return false;
  }
  BETWIRE_NOINLINE bool fail_here(errc c, const char* why) noexcept { return fail(c, p, why); }
  BETWIRE_NOINLINE void push_key(std::string_view key) { trail.push_back({key, 0}); }
  BETWIRE_NOINLINE void push_index(std::size_t i) { trail.push_back({{}, i}); }

  [[nodiscard]] bool at_end() const noexcept { return p >= end; }
};

// ---- whitespace ------------------------------------------------------------------------------------

BETWIRE_ALWAYS_INLINE void skip_ws(read_context& c) noexcept {
  while (c.p < c.end) {
    const char ch = *c.p;
    if (BETWIRE_LIKELY(ch > ' ')) return;
    if (ch == ' ' || ch == '\t' || ch == '\r') {
      ++c.p;
    } else if (ch == '\n') {
      ++c.p;
      ++c.line;
      c.line_start = c.p;
    } else {
      return;  // another control character: whoever reads next reports it
    }
  }
}

// ---- UTF-8 -----------------------------------------------------------------------------------------

// Length of the well-formed UTF-8 sequence starting at p (whose first byte is >= 0x80), or 0.
// Rejects overlong forms, surrogates and code points above U+10FFFF (RFC 3629).
BETWIRE_ALWAYS_INLINE std::size_t utf8_sequence_length(const char* p, const char* end) noexcept {
  const auto b0 = static_cast<unsigned char>(p[0]);
  const auto avail = static_cast<std::size_t>(end - p);
  auto cont = [&](std::size_t i) {
    return i < avail && (static_cast<unsigned char>(p[i]) & 0xC0u) == 0x80u;
  };
  if (b0 >= 0xC2 && b0 <= 0xDF) return cont(1) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (avail < 3 || !cont(1) || !cont(2)) return 0;
    const auto b1 = static_cast<unsigned char>(p[1]);
    if (b0 == 0xE0 && b1 < 0xA0) return 0;  // overlong
    if (b0 == 0xED && b1 > 0x9F) return 0;  // UTF-16 surrogate
    return 3;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (avail < 4 || !cont(1) || !cont(2) || !cont(3)) return 0;
    const auto b1 = static_cast<unsigned char>(p[1]);
    if (b0 == 0xF0 && b1 < 0x90) return 0;  // overlong
    if (b0 == 0xF4 && b1 > 0x8F) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

inline char* write_utf8(char* w, std::uint32_t cp) noexcept {
  if (cp < 0x80) {
    *w++ = static_cast<char>(cp);
  } else if (cp < 0x800) {
    *w++ = static_cast<char>(0xC0 | (cp >> 6));
    *w++ = static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *w++ = static_cast<char>(0xE0 | (cp >> 12));
    *w++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *w++ = static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *w++ = static_cast<char>(0xF0 | (cp >> 18));
    *w++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *w++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *w++ = static_cast<char>(0x80 | (cp & 0x3F));
  }
  return w;
}

// ---- strings ---------------------------------------------------------------------------------------

// Eight bytes at a time: which of them are '"', '\\', a control character or non-ASCII? The
// lowest set bit of the mask marks the first such byte exactly (borrows only cause false marks
// above a true one), which is all the scanner needs.
BETWIRE_ALWAYS_INLINE std::uint64_t special_bytes(std::uint64_t v) noexcept {
  constexpr std::uint64_t ones = 0x0101010101010101ull;
  constexpr std::uint64_t highs = 0x8080808080808080ull;
  const std::uint64_t quote = v ^ (ones * '"');
  const std::uint64_t slash = v ^ (ones * '\\');
  return (((quote - ones) & ~quote) | ((slash - ones) & ~slash) | ((v - ones * 0x20) & ~v) | v) &
         highs;
}
BETWIRE_ALWAYS_INLINE bool block_is_plain(std::uint64_t v) noexcept { return special_bytes(v) == 0; }
BETWIRE_ALWAYS_INLINE bool is_plain_byte(unsigned char ch) noexcept {
  return ch >= 0x20 && ch < 0x80 && ch != '"' && ch != '\\';
}

BETWIRE_ALWAYS_INLINE std::uint64_t load8(const char* p) noexcept {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// One block of the string scanner: string_block bytes from p (all readable) are looked at, and
// plain_prefix says how many of them, from the first, are plain text (string_block: all).
#if BETWIRE_JSON_SSE2
inline constexpr std::size_t string_block = 16;
BETWIRE_ALWAYS_INLINE std::size_t plain_prefix(const char* p) noexcept {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i quote = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
  const __m128i slash = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
  // A signed compare: control characters (0..0x1F) and non-ASCII bytes (negative) in one step.
  const __m128i low = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20));
  const auto mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, slash), low)));
  return mask == 0 ? string_block : static_cast<std::size_t>(std::countr_zero(mask));
}
#else
inline constexpr std::size_t string_block = 8;
BETWIRE_ALWAYS_INLINE std::size_t plain_prefix(const char* p) noexcept {
  const std::uint64_t special = special_bytes(load8(p));
  return special == 0 ? string_block : static_cast<std::size_t>(std::countr_zero(special) >> 3);
}
#endif

inline int hex_value(char ch) noexcept {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

// Reads the four hex digits after "\u" at p; -1 when they are not four hex digits.
inline std::int32_t read_hex4(const char* p, const char* end) noexcept {
  if (end - p < 4) return -1;
  std::int32_t v = 0;
  for (int i = 0; i < 4; ++i) {
    const int h = hex_value(p[i]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

// Reads the string whose opening quote is at c.p. With Decode, escapes are decoded in place and
// *out views the decoded text inside the buffer; without, the string is only validated and the
// buffer is left untouched (for values that are skipped or kept raw).
template <bool Decode, bool ValidateUtf8>
BETWIRE_ALWAYS_INLINE bool scan_string(read_context& c, std::string_view* out) noexcept {
  char* const start = c.p + 1;
  char* r = start;
  char* w = nullptr;  // set at the first escape: from there on, text is moved down to w
  char* const end = c.end;
  for (;;) {
    // Move r to the next byte that is not plain text: a block at a time, or byte by byte in the
    // last few bytes of the buffer.
    if (BETWIRE_LIKELY(static_cast<std::size_t>(end - r) >= string_block)) {
      const std::size_t plain = plain_prefix(r);
      if (plain == string_block) {
        if constexpr (Decode) {
          if (w != nullptr) {
            std::memmove(w, r, string_block);  // w is behind r: the ranges may overlap
            w += string_block;
          }
        }
        r += string_block;
        continue;
      }
      if constexpr (Decode) {
        if (w != nullptr) {
          std::memmove(w, r, plain);
          w += plain;
        }
      }
      r += plain;
    } else {
      if (BETWIRE_UNLIKELY(r >= end)) return c.fail(errc::unexpected_end, end, "unterminated string");
      if (is_plain_byte(static_cast<unsigned char>(*r))) {
        if constexpr (Decode) {
          if (w != nullptr) *w++ = *r;
        }
        ++r;
        continue;
      }
    }
    const auto ch = static_cast<unsigned char>(*r);
    if (ch == '"') {
      if constexpr (Decode) *out = std::string_view(start, static_cast<std::size_t>((w ? w : r) - start));
      c.p = r + 1;
      return true;
    }
    if (ch == '\\') {
      if (end - r < 2) return c.fail(errc::unexpected_end, end, "unterminated escape");
      const char kind = r[1];
      char decoded = 0;
      switch (kind) {
        case '"': decoded = '"'; break;
        case '\\': decoded = '\\'; break;
        case '/': decoded = '/'; break;
        case 'b': decoded = '\b'; break;
        case 'f': decoded = '\f'; break;
        case 'n': decoded = '\n'; break;
        case 'r': decoded = '\r'; break;
        case 't': decoded = '\t'; break;
        case 'u': {
          std::int32_t cp = read_hex4(r + 2, end);
          if (cp < 0) return c.fail(errc::invalid_escape, r, "\\u must be followed by four hex digits");
          const char* escape_start = r;
          r += 6;
          if (cp >= 0xDC00 && cp <= 0xDFFF)
            return c.fail(errc::lone_surrogate, escape_start, "low surrogate without a high surrogate");
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (end - r < 6 || r[0] != '\\' || r[1] != 'u')
              return c.fail(errc::lone_surrogate, escape_start, "high surrogate without a low surrogate");
            const std::int32_t low = read_hex4(r + 2, end);
            if (low < 0) return c.fail(errc::invalid_escape, r, "\\u must be followed by four hex digits");
            if (low < 0xDC00 || low > 0xDFFF)
              return c.fail(errc::lone_surrogate, escape_start, "high surrogate without a low surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
            r += 6;
          }
          if constexpr (Decode) {
            if (w == nullptr) w = const_cast<char*>(escape_start);
            w = write_utf8(w, static_cast<std::uint32_t>(cp));
          }
          continue;
        }
        default: return c.fail(errc::invalid_escape, r, "invalid escape sequence");
      }
      if constexpr (Decode) {
        if (w == nullptr) w = r;
        *w++ = decoded;
      }
      r += 2;
      continue;
    }
    if (ch < 0x20) return c.fail(errc::invalid_string, r, "control character in string (must be escaped)");
    if (ch >= 0x80) {
      std::size_t n = 1;
      if constexpr (ValidateUtf8) {
        n = utf8_sequence_length(r, end);
        if (n == 0) return c.fail(errc::invalid_utf8, r, "invalid UTF-8 in string");
      }
      if constexpr (Decode) {
        if (w != nullptr) {
          std::memmove(w, r, n);
          w += n;
        }
      }
      r += n;
      continue;
    }
  }
}

// ---- numbers ---------------------------------------------------------------------------------------

BETWIRE_ALWAYS_INLINE bool is_digit(char ch) noexcept { return ch >= '0' && ch <= '9'; }

struct number_token {
  const char* first;
  const char* last;
  bool integral;  // no fraction, no exponent
};

// Validates the RFC 8259 number at c.p and advances past it.
inline bool scan_number(read_context& c, number_token& t) noexcept {
  const char* p = c.p;
  const char* const end = c.end;
  t.first = p;
  t.integral = true;
  if (p < end && *p == '-') ++p;
  if (p >= end) return c.fail(errc::unexpected_end, p, "number ends early");
  if (*p == '0') {
    ++p;
    if (p < end && is_digit(*p)) return c.fail(errc::leading_zero, t.first, "leading zero in number");
  } else if (is_digit(*p)) {
    while (p < end && is_digit(*p)) ++p;
  } else {
    return c.fail(errc::invalid_number, p, "invalid number");
  }
  if (p < end && *p == '.') {
    t.integral = false;
    ++p;
    if (p >= end || !is_digit(*p)) return c.fail(errc::invalid_number, p, "digit expected after '.'");
    while (p < end && is_digit(*p)) ++p;
  }
  if (p < end && (*p == 'e' || *p == 'E')) {
    t.integral = false;
    ++p;
    if (p < end && (*p == '+' || *p == '-')) ++p;
    if (p >= end || !is_digit(*p)) return c.fail(errc::invalid_number, p, "digit expected in exponent");
    while (p < end && is_digit(*p)) ++p;
  }
  t.last = p;
  c.p = const_cast<char*>(p);
  return true;
}

// An integer: one pass that validates and accumulates. Returns the magnitude and the sign.
inline bool scan_integer(read_context& c, std::uint64_t& magnitude, bool& negative) noexcept {
  const char* p = c.p;
  const char* const end = c.end;
  const char* const first = p;
  negative = false;
  if (p < end && *p == '-') {
    negative = true;
    ++p;
  }
  if (p >= end) return c.fail(errc::unexpected_end, p, "number ends early");
  std::uint64_t v = 0;
  if (*p == '0') {
    ++p;
    if (p < end && is_digit(*p)) return c.fail(errc::leading_zero, first, "leading zero in number");
  } else if (is_digit(*p)) {
    // Up to 19 digits cannot overflow 64 bits; only longer numbers pay for the check.
    const char* const fast_end = end - p > 19 ? p + 19 : end;
    while (p < fast_end && is_digit(*p)) {
      v = v * 10 + static_cast<std::uint64_t>(*p - '0');
      ++p;
    }
    constexpr std::uint64_t limit = UINT64_MAX / 10;
    while (p < end && is_digit(*p)) {
      const auto d = static_cast<std::uint64_t>(*p - '0');
      if (v > limit || (v == limit && d > UINT64_MAX % 10))
        return c.fail(errc::number_out_of_range, first, "integer out of range");
      v = v * 10 + d;
      ++p;
    }
  } else {
    return c.fail(errc::invalid_number, p, "invalid number");
  }
  if (p < end && (*p == '.' || *p == 'e' || *p == 'E')) {
    // Still a valid JSON number, but not an integer: say so precisely.
    number_token t;
    if (!scan_number(c, t)) return false;
    return c.fail(errc::type_mismatch, first, "expected an integer");
  }
  magnitude = v;
  c.p = const_cast<char*>(p);
  return true;
}

// ---- literals and skipping ---------------------------------------------------------------------------

inline bool scan_literal(read_context& c, std::string_view word) noexcept {
  const auto avail = static_cast<std::size_t>(c.end - c.p);
  if (avail < word.size()) {
    if (std::memcmp(c.p, word.data(), avail) == 0)
      return c.fail(errc::unexpected_end, c.end, "document ends inside a literal");
    return c.fail_here(errc::unexpected_character, "invalid literal");
  }
  if (std::memcmp(c.p, word.data(), word.size()) != 0)
    return c.fail_here(errc::unexpected_character, "invalid literal");
  c.p += word.size();
  return true;
}

template <bool ValidateUtf8>
bool skip_value(read_context& c) noexcept;

template <bool ValidateUtf8>
inline bool skip_container(read_context& c, char close) noexcept {
  if (++c.depth > c.max_depth) return c.fail_here(errc::depth_exceeded, "nesting too deep");
  ++c.p;
  skip_ws(c);
  if (c.p < c.end && *c.p == close) {
    ++c.p;
    --c.depth;
    return true;
  }
  for (;;) {
    if (close == '}') {
      if (c.at_end()) return c.fail_here(errc::unexpected_end, "document ends inside an object");
      if (*c.p != '"') return c.fail_here(errc::unexpected_character, "expected a key");
      if (!scan_string<false, ValidateUtf8>(c, nullptr)) return false;
      skip_ws(c);
      if (c.at_end()) return c.fail_here(errc::unexpected_end, "document ends inside an object");
      if (*c.p != ':') return c.fail_here(errc::unexpected_character, "expected ':'");
      ++c.p;
      skip_ws(c);
    }
    if (!skip_value<ValidateUtf8>(c)) return false;
    skip_ws(c);
    if (c.at_end()) return c.fail_here(errc::unexpected_end, "document ends inside a container");
    if (*c.p == ',') {
      ++c.p;
      skip_ws(c);
      if (c.p < c.end && *c.p == close) return c.fail_here(errc::trailing_comma, "trailing comma");
      continue;
    }
    if (*c.p == close) {
      ++c.p;
      --c.depth;
      return true;
    }
    return c.fail_here(errc::unexpected_character, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
  }
}

// Validates one value of any type and moves past it, leaving the buffer untouched.
template <bool ValidateUtf8>
bool skip_value(read_context& c) noexcept {
  if (c.at_end()) return c.fail_here(errc::unexpected_end, "value expected");
  switch (*c.p) {
    case '"': return scan_string<false, ValidateUtf8>(c, nullptr);
    case '{': return skip_container<ValidateUtf8>(c, '}');
    case '[': return skip_container<ValidateUtf8>(c, ']');
    case 't': return scan_literal(c, "true");
    case 'f': return scan_literal(c, "false");
    case 'n': return scan_literal(c, "null");
    case '-':
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9': {
      number_token t;
      return scan_number(c, t);
    }
    default: return c.fail_here(errc::unexpected_character, "value expected");
  }
}

}  // namespace json::detail
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_JSON_DETAIL_SCAN_HPP
