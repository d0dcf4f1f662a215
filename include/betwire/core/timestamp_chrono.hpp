#ifndef BETWIRE_CORE_TIMESTAMP_CHRONO_HPP
#define BETWIRE_CORE_TIMESTAMP_CHRONO_HPP

// betwire::to_sys_time: a timestamp as a std::chrono time point. Kept apart from timestamp.hpp so
// that a translation unit that only reads and writes timestamps (every JSON decode does) does not
// pay for <chrono> and the calendar, streams and ratios it brings: #include <betwire/json/json.hpp>
// alone measured 1.71 -> 1.42 s of clang 19 + libc++ CPU without it (g++ 12 + libstdc++: 1.19 ->
// 1.16 s, its <memory> already bringing most of the same). The umbrella header includes it.

#include <betwire/core/config.hpp>
#include <betwire/core/timestamp.hpp>

#include <chrono>

BETWIRE_BEGIN_NAMESPACE

// The instant, in UTC, to the nanosecond; the offset and spelling the text had are not part of it.
[[nodiscard]] constexpr std::chrono::sys_time<std::chrono::nanoseconds> to_sys_time(const timestamp& t) noexcept {
  return std::chrono::sys_time<std::chrono::nanoseconds>(std::chrono::nanoseconds(t.unix_nanos()));
}

BETWIRE_END_NAMESPACE

#endif  // BETWIRE_CORE_TIMESTAMP_CHRONO_HPP
