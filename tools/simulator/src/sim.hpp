// betwire_simulator: shared building blocks (PRNG, simulated clock, decimals, JSON output, rate
// limiting, the venue interface). The simulator never includes betwire's own headers: it checks the
// library from the outside, with an independent HTTP server (cpp-httplib) and JSON library
// (nlohmann-json).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace httplib {
struct Request;
}

namespace sim {

using ojson = nlohmann::ordered_json;

// ---------------------------------------------------------------------------------------------
// Deterministic pseudo-random numbers: splitmix64. Never std::random_device.
class Rng {
 public:
  explicit Rng(std::uint64_t seed = 0) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  // Uniform in [lo, hi] (inclusive).
  std::int64_t range(std::int64_t lo, std::int64_t hi) {
    const auto span = static_cast<std::uint64_t>(hi - lo) + 1U;
    return lo + static_cast<std::int64_t>(next() % span);
  }
  bool chance(unsigned percent) { return next() % 100U < percent; }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[static_cast<std::size_t>(next() % v.size())];
  }
  std::string uuid4();          // RFC 4122 version-4 layout, lower-case hex
  std::string hex(std::size_t n);  // n lower-case hex digits

 private:
  std::uint64_t state_;
};

// ---------------------------------------------------------------------------------------------
// Time. The simulated clock starts at a fixed instant and advances by 1 ms per tick (one tick per
// mutating request) and on POST /_sim/advance-clock: every timestamp the venues write comes from it,
// so responses are reproducible. Real time is used only for rate limits, X-RateLimit-Reset and the
// `delay` fault.
using micros = std::int64_t;  // microseconds since the Unix epoch (UTC)

std::string format_iso(micros t, int frac_digits, std::string_view zone);  // zone "+00:00" or "Z"
std::optional<micros> parse_iso(std::string_view s);

class SimClock {
 public:
  static constexpr micros kBase = 1770481200000000LL;  // 2026-02-07T16:20:00+00:00
  micros now() const { return kBase + offset_; }
  micros tick() {
    offset_ += 1000;
    return now();
  }
  void advance(micros d) { offset_ += d; }
  void reset() { offset_ = 0; }

 private:
  micros offset_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Decimals are kept as their wire text. In an ojson document they are stored as a marked string
// (decimal_token) and written as a bare JSON number by dump(), so 1.95 stays "1.95" and 50 stays
// "50" — never 1.9500000000000002 or 50.0.
std::string format_units(std::int64_t units, int scale);  // 1995, 3 -> "1.995"; 5000, 2 -> "50"
ojson decimal_token(std::string_view text);               // a JSON number written verbatim
std::optional<std::string> decimal_text_of(const ojson& v);  // number (or numeric string) -> text
bool is_decimal_text(std::string_view s);
double to_double(std::string_view text);
std::string dump(const ojson& j);  // compact, UTF-8 as is, invalid UTF-8 replaced

// ---------------------------------------------------------------------------------------------
// Sliding-window request log for one (venue, key, bucket).
class SlidingWindow {
 public:
  struct Verdict {
    bool allowed = true;
    long limit = 0;
    long remaining = 0;
    long retry_after_s = 0;   // when !allowed
    std::int64_t reset_epoch_s = 0;
  };
  // Record one request (when allowed, or always when !enforce) and say whether it may proceed.
  Verdict hit(long limit, std::chrono::milliseconds window, bool enforce);

 private:
  std::deque<std::chrono::steady_clock::time_point> log_;
};

// ---------------------------------------------------------------------------------------------
// What a venue answers.
struct Reply {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  static Reply json(int status, const ojson& body);
  void set_header(std::string name, std::string value);
};

// A request as the venues see it: the path below the venue prefix and the parsed parts.
struct Call {
  const httplib::Request* raw = nullptr;
  std::string method;
  std::string path;  // below the venue's prefix, e.g. "/orders"
  std::string header(std::string_view name) const;  // "" when absent (case-insensitive)
  bool has_header(std::string_view name) const;
  bool has_param(std::string_view name) const;
  std::string param(std::string_view name) const;  // first value, "" when absent
  const std::string& body() const;
  std::string remote_addr() const;
};

struct Options {
  std::uint64_t seed = 1;
  int abp_orders = 40;
  int ps_orders = 12;       // per seeded wallet
  int opinion_orders = 30;  // per seeded user
  std::int64_t abp_id_base = 1000;
  bool rate_limits = false;
  bool opinion_code_envelope = false;
};

class Venue {
 public:
  virtual ~Venue() = default;
  virtual std::string_view name() const = 0;    // "abp", "predictstreet", "opinion"
  virtual std::string_view prefix() const = 0;  // "/abp", "/predictstreet", "/opinion/openapi"
  virtual void reset(const Options& opt) = 0;   // (re)build the seeded state
  virtual Reply handle(const Call& call) = 0;    // the caller holds the simulator's lock
  // An error in the venue's own shape, for faults (status=..., 429) and unknown routes.
  virtual Reply error_reply(int status, std::string_view message) = 0;
  // Venue-specific control actions under /_sim/<venue>/<action>. nullopt = unknown action.
  virtual std::optional<Reply> control(std::string_view action, const ojson& body) = 0;
  // POST /_sim/seed-orders with {"venue": name(), ...}.
  virtual Reply seed_orders(const ojson& body) = 0;
  virtual ojson info() const = 0;  // keys, users, ... for GET /_sim/info

  bool rate_limits = false;
  SimClock* clock = nullptr;
  // The /ws stream (ws.cpp) hears of every store mutation through this (empty = nobody listens).
  // Called with the simulator's lock held: it must only hand the event over, never block.
  using StreamSink = std::function<void(const std::string& client, const std::string& channel, const std::string& event,
                                        const ojson& payload)>;
  StreamSink stream;
};

std::unique_ptr<Venue> make_abp();
std::unique_ptr<Venue> make_predictstreet();
std::unique_ptr<Venue> make_opinion();
// The client an ABP API key resolves to: nullopt = unknown key, "" = a key without a client.
std::optional<std::string> abp_client_for_key(std::string_view key);

// Small helpers shared by the venues.
std::vector<std::string> split(std::string_view s, char sep);  // keeps empty pieces
std::optional<std::int64_t> parse_int(std::string_view s);
std::string lower(std::string_view s);
ojson parse_json_or_discarded(const std::string& body);
std::string http_reason(int status);

}  // namespace sim
