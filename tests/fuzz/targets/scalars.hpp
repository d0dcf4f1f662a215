// decimal, timestamp and uuid parsing with round trips, and the two double readers (the standard
// library's from_chars and the exact reader used where it is missing, libc++) against each other.
// Input: a selector byte, then the text.
#ifndef BETWIRE_FUZZ_SCALARS_HPP
#define BETWIRE_FUZZ_SCALARS_HPP

#include "common.hpp"

#include <bit>
#include <charconv>
#include <cmath>
#include <system_error>

namespace betwire::fuzz {

inline void fuzz_decimal(std::string_view text) {
  for (const decimal::form f : {decimal::form::number, decimal::form::string}) {
    decimal d;
    if (decimal::from_chars(text, d, f) != errc::none) continue;
    check(d.text() == text, "decimal does not keep its text", text);
    char buf[64];
    char* end = d.to_chars(buf, buf + sizeof buf);
    check(end != nullptr && std::string_view(buf, static_cast<std::size_t>(end - buf)) == text, "decimal to_chars", text);
    decimal again;
    check(decimal::from_chars(d.text(), again, f) == errc::none && again == d, "decimal round trip", text);
    // A decimal is valid JSON number text, and reads as the same double the JSON reader gives.
    std::string copy(text);
    double via_json = 0;
    check(json::decode(copy, via_json).has_value() || !std::isfinite(d.to_double()), "decimal text is not a JSON number", text);
    if (std::isfinite(d.to_double())) check(std::bit_cast<std::uint64_t>(via_json) == std::bit_cast<std::uint64_t>(d.to_double()),
                                              "decimal::to_double and the JSON reader disagree", text);
  }
}

inline void fuzz_timestamp(std::string_view text) {
  timestamp t;
  if (timestamp::from_chars(text, t) != errc::none) return;
  const std::string written = t.to_string();
  check(written == text, "timestamp does not write back its text", [&] { return std::string(text) + " -> " + written; });
  timestamp again;
  check(timestamp::from_chars(written, again) == errc::none && again.same_text(t), "timestamp round trip", text);
  // The same instant rebuilt from its parts writes the same UTC text as the original, converted.
  const timestamp utc = timestamp::from_unix(t.unix_seconds(), t.nanosecond(), 0, 9);
  timestamp utc_back;
  check(timestamp::from_chars(utc.to_string(), utc_back) == errc::none && utc_back == t, "timestamp instant round trip",
        [&] { return std::string(text) + " -> " + utc.to_string(); });
}

inline void fuzz_uuid(std::string_view text) {
  uuid u;
  const bool valid = uuid::is_valid(text);
  check((uuid::from_chars(text, u) == errc::none) == valid, "uuid is_valid and from_chars disagree", text);
  if (!valid) return;
  check(u.text().size() == 36, "uuid text size");
  uuid again;
  check(uuid::from_chars(u.text(), again) == errc::none && again.text() == u.text(), "uuid round trip", text);
}

// Any JSON number text: the exact reader agrees bit for bit with from_chars (libstdc++ has both).
inline void fuzz_double(std::string_view text) {
  std::string copy(text);
  json::raw raw;
  if (!json::decode(copy, raw) || raw.text.empty() || (raw.text[0] != '-' && (raw.text[0] < '0' || raw.text[0] > '9'))) return;
  const char* first = raw.text.data();
  const char* last = first + raw.text.size();
  const double exact = json::detail::parse_double_digits(first, last);
#if defined(__cpp_lib_to_chars) && !defined(_LIBCPP_VERSION)
  double lib = 0;
  const auto r = std::from_chars(first, last, lib);
  if (r.ec == std::errc{}) {
    check(std::bit_cast<std::uint64_t>(lib) == std::bit_cast<std::uint64_t>(exact), "parse_double_digits differs from from_chars",
          raw.text);
  }
  float libf = 0;
  const auto rf = std::from_chars(first, last, libf);
  float viaf = 0;
  std::string copyf(raw.text);
  const bool okf = json::decode(copyf, viaf).has_value();
  if (rf.ec == std::errc{}) {
    check(okf && std::bit_cast<std::uint32_t>(viaf) == std::bit_cast<std::uint32_t>(libf), "float reader differs from from_chars",
          raw.text);
  }
#else
  (void)exact;
#endif
}

inline int fuzz_scalars(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 4) {
    case 0: fuzz_decimal(text); break;
    case 1: fuzz_timestamp(text); break;
    case 2: fuzz_uuid(text); break;
    default: fuzz_double(text); break;
  }
  return 0;
}

}  // namespace betwire::fuzz

#endif
