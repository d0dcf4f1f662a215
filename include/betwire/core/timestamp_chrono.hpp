#ifndef BETWIRE_CORE_TIMESTAMP_CHRONO_HPP
#define BETWIRE_CORE_TIMESTAMP_CHRONO_HPP

// betwire::to_sys_time: a timestamp as a std::chrono time point. Kept apart from timestamp.hpp so
// that a translation unit that only reads and writes timestamps (every JSON decode does) does not
// pay for <chrono>: libstdc++ 12's C++20 <chrono> brings <sstream> and the calendar with it, about
// 0.25 s of g++ CPU per translation unit. The umbrella header includes it.

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
