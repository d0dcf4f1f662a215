// Regressions of issue #16 (an outside fuzzing pass): each test is the input that showed the bug,
// made exhaustive where the input has a parameter (every cut position, every numeric extreme).

#include <betwire/betwire.hpp>

#include "scripted_transport.hpp"

#include <gtest/gtest.h>

#include <cfloat>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace http = betwire::http;
namespace json = betwire::json;
namespace abp = betwire::abp;
using betwire::errc;
using betwire::timestamp;
using namespace std::chrono_literals;

namespace {

// ---- 1. Retry-After and the other numeric headers, at their extremes ---------------------------

constexpr std::int64_t clamp_s = http::max_retry_after_seconds;

std::optional<std::int64_t> retry_after_of(std::string_view v) {
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1'700'000'000));
  const auto r = http::parse_retry_after(v, now);
  if (!r) return std::nullopt;
  return r->count();
}

TEST(HostileRetryAfter, SecondsAreClampedAtParseTime) {
  EXPECT_EQ(retry_after_of("0"), 0);
  EXPECT_EQ(retry_after_of("7"), 7);
  EXPECT_EQ(retry_after_of(" 7 "), 7);
  EXPECT_EQ(retry_after_of("999999999"), 999999999);
  EXPECT_EQ(retry_after_of("1000000000"), clamp_s);
  EXPECT_EQ(retry_after_of("9223372036854776"), clamp_s);     // the input of #16
  EXPECT_EQ(retry_after_of("44400000000000000"), clamp_s);    // the overflow of #16
  EXPECT_EQ(retry_after_of("9223372036854775807"), clamp_s);  // INT64_MAX
  EXPECT_EQ(retry_after_of("9223372036854775808"), clamp_s);  // INT64_MAX + 1
  EXPECT_EQ(retry_after_of(std::string(400, '9')), clamp_s);   // any number of digits
  EXPECT_EQ(retry_after_of("000000000000000000000000000042"), 42);
  for (const char* bad : {"", "-1", "-0", "+5", "5s", "1.5", "0x10", "5 5", "1e3", "\t", "9223372036854775807x"})
    EXPECT_EQ(retry_after_of(bad), std::nullopt) << bad;
}

TEST(HostileRetryAfter, DatesAreClampedAndNeverNegative) {
  EXPECT_EQ(retry_after_of("Fri, 31 Dec 9999 23:59:59 GMT"), clamp_s);
  EXPECT_EQ(retry_after_of("Thu, 01 Jan 1970 00:00:00 GMT"), 0);
  EXPECT_EQ(retry_after_of("Sat, 01 Jan 0000 00:00:00 GMT"), 0);
  // 1'700'000'000 is Tue, 14 Nov 2023 22:13:20 GMT.
  EXPECT_EQ(retry_after_of("Tue, 14 Nov 2023 22:13:30 GMT"), 10);
}

// A transport that fills retry_after itself, bypassing the header parser.
struct raw_retry_after_transport {
  std::chrono::seconds value;
  int sends = 0;
  betwire::result<void> send(const http::request&, http::response& resp) {
    ++sends;
    resp.clear();
    resp.status = 429;
    resp.retry_after = value;
    return {};
  }
};

TEST(HostileRetryAfter, HugeValuesEndRetriesInsteadOfOverflowing) {
  http::retry_policy policy;
  policy.enabled = true;
  policy.max_attempts = 4;
  betwire::test::fake_clock clock;
  http::jitter_source jitter{7};
  http::attempt_info info;
  http::request req(http::method::get, "/orders");
  req.idempotency = http::idempotency::safe;
  for (const char* v : {"9223372036854776", "44400000000000000", "9223372036854775807", "31", "1000000000"}) {
    betwire::test::scripted_transport net;
    net.attach_clock(&clock.now);
    net.respond(429, "{}", {{"Retry-After", v}}).respond(200, "{}");
    http::response resp;
    clock.sleeps.clear();
    ASSERT_TRUE(http::send_with_retry(net, req, resp, policy, clock.clock(), jitter, info));
    EXPECT_EQ(resp.status, 429) << v;
    EXPECT_EQ(info.attempts, 1u) << v;
    EXPECT_TRUE(clock.sleeps.empty()) << v;
  }
  for (std::int64_t s : {std::numeric_limits<std::int64_t>::max(), std::int64_t{9223372036854776},
                         std::int64_t{-1}, std::numeric_limits<std::int64_t>::min()}) {
    raw_retry_after_transport net{std::chrono::seconds(s)};
    http::response resp;
    clock.sleeps.clear();
    ASSERT_TRUE(http::send_with_retry(net, req, resp, policy, clock.clock(), jitter, info));
    if (s > 0) {
      EXPECT_EQ(net.sends, 1) << s;
      EXPECT_TRUE(clock.sleeps.empty()) << s;
    } else {
      EXPECT_EQ(net.sends, 4) << s;  // a negative delay is no delay: the backoff applies
      for (auto d : clock.sleeps) EXPECT_LE(d, policy.max_backoff);
    }
  }
}

TEST(HostileHeaders, RateLimitHeadersAtTheirExtremes) {
  http::response r;
  const auto limit_of = [&](std::string_view v) {
    r.clear();
    r.set_header("X-RateLimit-Limit", v);
    r.set_header("x-ratelimit-remaining", v);
    r.set_header("X-RATELIMIT-RESET", v);
    EXPECT_EQ(r.rate_limit.limit, r.rate_limit.remaining);
    EXPECT_EQ(r.rate_limit.limit, r.rate_limit.reset);
    return r.rate_limit.limit;
  };
  EXPECT_EQ(limit_of("0"), 0);
  EXPECT_EQ(limit_of(" 120 "), 120);
  EXPECT_EQ(limit_of("9223372036854775807"), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(limit_of("-9223372036854775807"), -std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(limit_of("9223372036854775808"), std::nullopt);
  EXPECT_EQ(limit_of("-9223372036854775809"), std::nullopt);
  EXPECT_EQ(limit_of(std::string(300, '9')), std::nullopt);
  for (const char* bad : {"", "-", "+1", "1.0", "1e3", "0x1", "1 2", "abc"}) EXPECT_EQ(limit_of(bad), std::nullopt) << bad;
}

// ---- 7a. parse_http_date is strict ----------------------------------------------------------------

TEST(HostileHttpDate, RejectsWhatIsNotAnImfFixdate) {
  EXPECT_EQ(http::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777);
  EXPECT_EQ(http::parse_http_date("Thu, 29 Feb 2024 00:00:00 GMT"), 1709164800);
  // A leap second is read as its day's last second (not the next day's first: 31 Dec 9999 would
  // become year 10000; tests/http_message_test.cpp).
  EXPECT_EQ(http::parse_http_date("Wed, 31 Dec 2025 23:59:60 GMT"), 1767225599);
  for (const char* bad : {
           "Sun, 06 Nov 1994 -1:-1:-1 GMT",  // signs
           "Sun, 06 Nov 1994 08:49:-1 GMT",
           "Sun, -6 Nov 1994 08:49:37 GMT",
           "Sun, 06 Nov -994 08:49:37 GMT",  // year -994
           "Sun, 06 Nov +994 08:49:37 GMT",
           "Sun,  6 Nov 1994 08:49:37 GMT",
           "Sun, 06 Nov 1994 8:49:37  GMT",
           "Tue, 31 Feb 2026 00:00:00 GMT",  // 31 Feb
           "Sun, 29 Feb 2023 00:00:00 GMT",  // not a leap year
           "Mon, 31 Apr 2026 00:00:00 GMT",
           "Mon, 06 Nov 1994 08:49:37 GMT",  // the wrong weekday
           "Xyz, 06 Nov 1994 08:49:37 GMT",  // no weekday at all
           "Sun, 00 Nov 1994 08:49:37 GMT",
           "Sun, 06 Nov 1994 24:00:00 GMT",
           "Sun, 06 Nov 1994 08:60:00 GMT",
           "Sun, 06 Nov 1994 08:49:61 GMT",
           "Sun, 06 Nox 1994 08:49:37 GMT",
           "Sun, 06 Nov 1994 08:49:37 UTC",
       })
    EXPECT_EQ(http::parse_http_date(bad), std::nullopt) << bad;
  // Every weekday name but the right one fails; case does not matter.
  int accepted = 0;
  for (const char* day : {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "sun", "SUN"})
    accepted += http::parse_http_date(std::string(day) + ", 06 Nov 1994 08:49:37 GMT").has_value();
  EXPECT_EQ(accepted, 3);
}

// ---- 2. expiresAt out of range ----------------------------------------------------------------

abp::place_order order_expiring(timestamp t) {
  abp::place_order o;
  o.request_uuid = "ee9f4007-e5ab-4085-bffb-8d938e4cad5f";
  o.fixture_id = "id1000004461512432";
  o.outcome_id = 103;
  o.order_price = betwire::decimal::parse("1.95").value();
  o.order_stake = betwire::decimal::parse("10").value();
  o.user_ref = "bettor1234";
  o.expires_at = t;
  return o;
}

TEST(HostileExpiresAt, FarFutureUnixSecondsAreWrittenExactlyOrRefused) {
  // 9223372037 s (year 2262) overflowed the nanosecond product and was sent as 1677-09-21.
  abp::place_orders_request req{.orders = {order_expiring(timestamp::from_unix_seconds(9223372037))}};
  ASSERT_TRUE(abp::validate(req));
  std::string body;
  ASSERT_TRUE(abp::encode_place_orders(req, body));
  EXPECT_NE(body.find("\"expiresAt\":\"2262-04-11T23:47:17.000000Z\""), std::string::npos) << body;
  EXPECT_EQ(body.find("1677"), std::string::npos);
  // The last second ISO-8601 can write, and the first it cannot.
  req.orders[0].expires_at = timestamp::from_unix_seconds(timestamp::max_iso_seconds);
  ASSERT_TRUE(abp::validate(req));
  ASSERT_TRUE(abp::encode_place_orders(req, body));
  EXPECT_NE(body.find("\"expiresAt\":\"9999-12-31T23:59:59.000000Z\""), std::string::npos) << body;
  for (std::int64_t s : {timestamp::max_iso_seconds + 1, std::int64_t{9223372036854775807}, timestamp::min_iso_seconds - 1,
                         std::numeric_limits<std::int64_t>::min()}) {
    req.orders[0].expires_at = timestamp::from_unix_seconds(s);
    auto v = abp::validate(req);
    ASSERT_FALSE(v) << s;
    EXPECT_EQ(v.error().code, errc::invalid_argument);
    EXPECT_NE(v.error().message.find("expiresAt"), std::string::npos);
    // Encoding without validating refuses it too: no clamped or wrapped year is ever written.
    auto e = abp::encode_place_orders(req, body);
    ASSERT_FALSE(e) << s << ": " << body;
    EXPECT_EQ(e.error().code, errc::invalid_timestamp);
  }
}

TEST(HostileExpiresAt, TimestampsOutsideIsoYearsAreNeverWrittenAsIso) {
  // An ISO timestamp whose offset carries it past year 9999 locally.
  timestamp t;
  ASSERT_EQ(timestamp::from_chars("9999-12-31T23:59:59Z", t), errc::none);
  char buf[timestamp::max_text];
  EXPECT_NE(t.to_chars(buf, buf + sizeof buf), nullptr);
  const timestamp shifted = timestamp::from_unix(t.unix_seconds(), 0, 60, 0);  // +01:00: year 10000 locally
  EXPECT_EQ(shifted.to_chars(buf, buf + sizeof buf), nullptr);
  EXPECT_EQ(shifted.to_string(), "253402300799");  // printed as unix seconds rather than a wrong year
  EXPECT_EQ(timestamp::from_unix(std::numeric_limits<std::int64_t>::max(), 5).to_chars(buf, buf + sizeof buf), nullptr);
  const timestamp near = timestamp::from_unix(9223372037, 123456789, 0, 9);
  EXPECT_EQ(near.to_string(), "2262-04-11T23:47:17.123456789Z");
}

// ---- 3. partial keys at excerpt edges ------------------------------------------------------------

constexpr std::string_view api_key = "Kq7ZxW3vTn9PbLm2RsYc4HdFg8JkUa6EoVi5NtQw";  // 40 bytes

// No run of min_scrubbed_bytes or more of the key survives anywhere in the error.
::testing::AssertionResult no_key_piece(const betwire::error& e) {
  const std::string all[] = {e.describe(), e.message, e.venue_message, e.venue_code, e.excerpt, e.path};
  for (const std::string& text : all)
    for (std::size_t i = 0; i + http::min_scrubbed_bytes <= api_key.size(); ++i)
      if (text.find(api_key.substr(i, http::min_scrubbed_bytes)) != std::string::npos)
        return ::testing::AssertionFailure() << "key bytes " << i << ".. survive in: " << text;
  return ::testing::AssertionSuccess();
}

struct echo_list {
  std::vector<std::string> items;
};

struct echo_endpoint {  // no venue error reader: non-2xx bodies are quoted in the message
  static constexpr http::method method = http::method::get;
  static constexpr std::string_view path = "/echo";
  using request_type = http::none;
  using response_type = std::vector<std::string>;
};

TEST(HostileScrub, EveryCutOfAnEchoedKeyIsScrubbed) {
  const betwire::secret key{api_key};
  int checked = 0;
  // The 120-byte body excerpt of an HTTP error, cut at every position of the key (and past it).
  for (std::size_t pad = 0; pad <= http::excerpt_bytes + 4; ++pad) {
    betwire::test::scripted_transport net;
    http::client core{net};
    ASSERT_TRUE(core.set_header("x-api-key", key));
    std::string body = "[\"" + std::string(pad, 'a') + std::string(api_key) + "\"]";
    net.respond(400, body, {{"Content-Type", "application/json"}});
    std::vector<std::string> out;
    auto r = core.call<echo_endpoint>(http::none{}, out);
    ASSERT_FALSE(r);
    EXPECT_TRUE(no_key_piece(r.error())) << "pad " << pad;
    ++checked;
  }
  // The +-40-byte decode excerpt of a 200 body, cut on its left ...
  for (std::size_t pad = 0; pad <= 80; ++pad) {
    betwire::test::scripted_transport net;
    http::client core{net};
    ASSERT_TRUE(core.set_header("x-api-key", key));
    net.respond(200, "[\"" + std::string(api_key) + "\"," + std::string(pad, ' ') + "tru]");
    std::vector<std::string> out;
    auto r = core.call<echo_endpoint>(http::none{}, out);
    ASSERT_FALSE(r);
    EXPECT_TRUE(no_key_piece(r.error())) << "left pad " << pad;
    ++checked;
  }
  // ... and on its right.
  for (std::size_t pad = 0; pad <= 80; ++pad) {
    betwire::test::scripted_transport net;
    http::client core{net};
    ASSERT_TRUE(core.set_header("x-api-key", key));
    net.respond(200, "[tru," + std::string(pad, ' ') + "\"" + std::string(api_key) + "\"]");
    std::vector<std::string> out;
    auto r = core.call<echo_endpoint>(http::none{}, out);
    ASSERT_FALSE(r);
    EXPECT_TRUE(no_key_piece(r.error())) << "right pad " << pad;
    ++checked;
  }
  EXPECT_EQ(checked, 125 + 81 + 81);
}

TEST(HostileScrub, ScrubHandlesEveryPieceShape) {
  const std::string_view k = api_key;
  for (std::size_t n = http::min_scrubbed_bytes; n < k.size(); ++n) {
    std::string end = "body: " + std::string(k.substr(0, n));  // a prefix at the end
    http::scrub(end, k);
    EXPECT_EQ(end, "body: ***") << n;
    std::string before_mark = "body: " + std::string(k.substr(0, n)) + "...";
    http::scrub(before_mark, k);
    EXPECT_EQ(before_mark, "body: ***...") << n;
    std::string start = std::string(k.substr(k.size() - n)) + "\", tru]";  // a suffix at the start
    http::scrub(start, k);
    EXPECT_EQ(start, "***\", tru]") << n;
    std::string middle = std::string(k.substr(1, n - 1));  // wholly inside the key
    if (middle.size() >= http::min_scrubbed_bytes) {
      http::scrub(middle, k);
      EXPECT_EQ(middle, "***") << n;
    }
  }
  std::string whole = "a " + std::string(k) + " b " + std::string(k);
  http::scrub(whole, k);
  EXPECT_EQ(whole, "a *** b ***");
  std::string benign = "HTTP 400 Bad Request, empty body";
  http::scrub(benign, k);
  EXPECT_EQ(benign, "HTTP 400 Bad Request, empty body");
}

// ---- 4. duplicate-key detection under attack: bounded work ----------------------------------------

constexpr std::uint64_t odd_inverse(std::uint64_t c) {
  std::uint64_t x = c;
  for (int i = 0; i < 6; ++i) x *= 2 - c * x;
  return x;
}

std::uint64_t undo_xorshift(std::uint64_t x, int s) {
  std::uint64_t r = x;
  for (int k = s; k < 64; k += s) r ^= x >> k;
  return r;
}

std::uint64_t unmix(std::uint64_t z) {  // member_keys::mix inverted
  z = undo_xorshift(z, 31);
  z *= odd_inverse(0x94D049BB133111EBull);
  z = undo_xorshift(z, 27);
  z *= odd_inverse(0xBF58476D1CE4E5B9ull);
  return undo_xorshift(z, 30);
}

// The 8-byte key whose member_keys hash under `seed` is exactly `target`: member_keys::hash
// inverted step by step (the test checks the result against the hash itself).
std::uint64_t key_for_hash(std::uint64_t target, std::uint64_t seed) {
  const std::uint64_t h = unmix(target) ^ seed;
  return (unmix(h) - seed) ^ (0x9E3779B97F4A7C15ull + 8);
}

std::string key_bytes(std::uint64_t k) {
  std::string s(8, '\0');
  for (int i = 0; i < 8; ++i) s[static_cast<std::size_t>(i)] = static_cast<char>((k >> (8 * i)) & 0xFF);
  return s;
}

// n keys whose hashes under `seed` share their low 24 bits: one probe chain in any table size.
// `ascii`: only keys of bytes below 0x80 (JSON can spell those, escaped where needed).
std::vector<std::string> colliding_keys(std::size_t n, std::uint64_t seed, bool ascii) {
  std::vector<std::string> keys;
  for (std::uint64_t i = 1; keys.size() < n; ++i) {
    const std::uint64_t k = key_for_hash((i << 24) | 0x5A5A5Aull, seed);
    if (ascii && (k & 0x8080808080808080ull) != 0) continue;
    keys.push_back(key_bytes(k));
  }
  return keys;
}

std::string json_string(std::string_view s) {
  std::string out = "\"";
  char buf[8];
  for (char ch : s) {
    if (ch < 0x20 || ch == '"' || ch == '\\') {
      std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(ch)));
      out += buf;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

TEST(HostileObjectMap, ProbeWorkStaysBoundedUnderTheCollisionAttack) {
  const std::uint64_t seed = 0x0123456789ABCDEFull;  // the attacker knows the seed: the worst case
  for (std::size_t n : {4096u, 8192u, 16384u, 32768u}) {
    const std::vector<std::string> keys = colliding_keys(n, seed, false);
    for (std::size_t i = 0; i < 16; ++i)
      ASSERT_EQ(json::detail::member_keys::hash(keys[i], seed) & 0xFFFFFF, 0x5A5A5Aull);  // the attack is real
    json::detail::member_keys table(seed);
    const auto key_of = [&](std::size_t j) { return std::string_view(keys[j]); };
    for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(table.find_or_add(keys[i], i, key_of), json::detail::member_keys::none);
    for (std::size_t i = 0; i < n; i += 97) ASSERT_EQ(table.find_or_add(keys[i], n + i, key_of), i);  // duplicates found
    EXPECT_TRUE(table.degraded());
    // Quadratic would be n^2/2 (8.4e6 .. 5.4e8 probes); the bound is linear plus n log n.
    const double bound = static_cast<double>(n) * (json::detail::member_keys::max_probe + 2) +
                         4.0 * static_cast<double>(n) * std::log2(static_cast<double>(n));
    EXPECT_LE(static_cast<double>(table.probes()), bound) << n << " keys";
    // The same keys against the per-process seed: an ordinary table, a few probes per key.
    json::detail::member_keys fresh;
    for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(fresh.find_or_add(keys[i], i, key_of), json::detail::member_keys::none);
    EXPECT_FALSE(fresh.degraded());
    EXPECT_LE(fresh.probes(), 6 * n);  // inserts plus the rehashes of every doubling
  }
}

TEST(HostileObjectMap, DecodingTheAttackDocumentIsCorrectAndBounded) {
  const std::vector<std::string> keys = colliding_keys(4096, json::detail::member_hash_seed(), true);
  std::string doc = "{";
  for (std::size_t i = 0; i < keys.size(); ++i) doc += (i ? "," : "") + json_string(keys[i]) + ":" + std::to_string(i);
  std::string dup = doc + "," + json_string(keys[1234]) + ":0}";
  doc += "}";
  json::object_map<std::string, int> m;
  ASSERT_TRUE(json::decode(doc, m));
  ASSERT_EQ(m.size(), keys.size());
  EXPECT_EQ(*m.find(keys[4000]), 4000);
  auto r = json::decode(dup, m);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::duplicate_key);
}

// ---- 5. doubles and floats, correctly rounded -----------------------------------------------------

double decode_double(std::string text) {
  double d = 0;
  auto r = json::decode(text, d);
  EXPECT_TRUE(r) << text;
  return d;
}

std::optional<float> decode_float(std::string text) {
  float f = 0;
  if (!json::decode(text, f)) return std::nullopt;
  return f;
}

TEST(HostileFloatingPoint, DoublesWithManyDigitsRoundCorrectly) {
  EXPECT_EQ(decode_double("9007199254740993.0001"), 9007199254740994.0);  // the input of #16
  EXPECT_EQ(decode_double("9007199254740993"), 9007199254740992.0);       // an exact tie: even
  EXPECT_EQ(decode_double("9007199254740993.0000000000000000000000000000000000000001"), 9007199254740994.0);
  EXPECT_EQ(decode_double("9007199254740992.9999999999999999999999999999999999999999"), 9007199254740992.0);
  EXPECT_EQ(decode_double("-9007199254740993.0001"), -9007199254740994.0);
  // Random long texts against the C library's strtod (correctly rounded in glibc).
  std::mt19937_64 rng(16);
  char text[160];
  for (int i = 0; i < 20000; ++i) {
    const std::size_t digits = 20 + static_cast<std::size_t>(rng() % 40);
    std::string lead = rng() % 2 ? "-" : "";
    lead += static_cast<char>('1' + rng() % 9);
    std::string rest;
    for (std::size_t d = 1; d < digits; ++d) rest += static_cast<char>('0' + rng() % 10);
    const int exp10 = static_cast<int>(rng() % 640) - 340;
    std::snprintf(text, sizeof text, "%s.%se%d", lead.c_str(), rest.c_str(), exp10);
    const double want = std::strtod(text, nullptr);
    if (!std::isfinite(want)) continue;
    ASSERT_EQ(decode_double(text), want) << text;
  }
  // Texts just off the midpoint between two doubles, where a 19-digit prefix cannot decide.
  for (int i = 0; i < 5000; ++i) {
    const double a = std::ldexp(static_cast<double>(rng() >> 11), static_cast<int>(rng() % 400) - 250);
    const double b = std::nextafter(a, 2 * a + 1);
    const long double mid = (static_cast<long double>(a) + static_cast<long double>(b)) / 2;
    std::snprintf(text, sizeof text, "%.45Le", mid);
    std::string t = text;
    const auto e = t.find('e');
    for (const char* tail : {"", "1", "000000000000000001"}) {
      std::string probe = t.substr(0, e) + tail + t.substr(e);
      ASSERT_EQ(decode_double(probe), std::strtod(probe.c_str(), nullptr)) << probe;
    }
  }
}

TEST(HostileFloatingPoint, FloatsRoundOnceFromTheText) {
  EXPECT_EQ(decode_float("1.0000000596046448"), std::strtof("1.0000000596046448", nullptr));  // #16
  EXPECT_EQ(decode_float("1.0000000596046448"), std::nextafter(1.0f, 2.0f));
  EXPECT_EQ(decode_float("1.000000059604644775390625"), 1.0f);  // the exact tie: even
  EXPECT_EQ(decode_float("1.000000059604644775390626"), std::nextafter(1.0f, 2.0f));
  EXPECT_EQ(decode_float("3.4028235677973366e38"), FLT_MAX);  // below the overflow midpoint: FLT_MAX
  EXPECT_EQ(decode_float("-3.4028235677973366e38"), -FLT_MAX);
  EXPECT_EQ(decode_float("340282356779733661637539395458142568447"), FLT_MAX);
  EXPECT_EQ(decode_float("340282356779733661637539395458142568448"), std::nullopt);  // the midpoint: infinity
  EXPECT_EQ(decode_float("3.4028236e38"), std::nullopt);
  EXPECT_EQ(decode_float("3.4028235e38"), FLT_MAX);
  ASSERT_TRUE(decode_float("-0.0").has_value());
  EXPECT_TRUE(std::signbit(*decode_float("-0.0")));
  // Random texts around float midpoints and in general, against strtof.
  std::mt19937_64 rng(1616);
  char text[96];
  for (int i = 0; i < 20000; ++i) {
    const float a = std::ldexp(static_cast<float>(rng() >> 40), static_cast<int>(rng() % 250) - 150);
    const float b = std::nextafter(a, FLT_MAX);
    if (!std::isfinite(b) || a == 0) continue;
    const double mid = (static_cast<double>(a) + static_cast<double>(b)) / 2;
    std::snprintf(text, sizeof text, i % 3 == 0 ? "%.17g" : i % 3 == 1 ? "%.25e" : "%.9g", mid);
    const float want = std::strtof(text, nullptr);
    ASSERT_EQ(decode_float(text), want) << text;
  }
}

// ---- 7b. nested decodes report positions in the whole body -------------------------------------

TEST(HostileNestedPositions, PredictStreetCancelAllCountsFromTheBody) {
  std::string body = "{\"marketId\":\"m1\",\n \"cancelled\": [\"a\",\n   7]}";
  betwire::predictstreet::basic_cancel_all_response<std::string> out;
  auto r = betwire::predictstreet::decode_cancel_all(body, out);
  ASSERT_FALSE(r);
  const std::size_t at = std::string_view(body).find('7');
  EXPECT_EQ(r.error().offset, at);
  EXPECT_EQ(r.error().line, 3u);
  EXPECT_EQ(r.error().column, 4u);
  EXPECT_EQ(r.error().path, "cancelled[1]");
  EXPECT_EQ(r.error().excerpt, "   7]}");
}

struct inner_result {
  int x = 0;
};

TEST(HostileNestedPositions, OpinionEnvelopeCountsFromTheBody) {
  std::string body = "{\"errno\":0,\"errmsg\":\"\",\n\"result\":{\"x\":\n \"seven\"}}";
  inner_result out;
  auto r = betwire::opinion::decode_envelope(body, out);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::type_mismatch);
  EXPECT_EQ(r.error().offset, std::string_view(body).find("\"seven"));
  EXPECT_EQ(r.error().line, 3u);
  EXPECT_EQ(r.error().column, 2u);
  EXPECT_EQ(r.error().path, "result.x");
}

TEST(HostileNestedPositions, DecodePartOnASingleLine) {
  std::string doc = R"({"meta":{"k":[1,2,"x"]}})";
  const std::size_t at = doc.find('[');
  std::span<char> part(doc.data() + at, 11);
  std::vector<int> v;
  auto r = json::decode_part(doc, part, v);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().offset, doc.find("\"x\""));
  EXPECT_EQ(r.error().line, 1u);
  EXPECT_EQ(r.error().column, doc.find("\"x\"") + 1);
  EXPECT_EQ(r.error().excerpt, doc);  // the excerpt shows the document around it, not only the part
  std::vector<json::raw> raws;
  ASSERT_TRUE(json::decode_part(doc, part.first(9), raws));
  ASSERT_EQ(raws.size(), 3u);
  EXPECT_EQ(raws[2].text, "\"x\"");
}

// ---- 7c. PredictStreet pages that loop -------------------------------------------------------------

struct cursor_page {
  std::optional<std::string> next_cursor;
};

// Walks pages whose nextCursor follows `script` (then null), through PredictStreet's policy.
std::pair<std::size_t, std::optional<betwire::error>> walk(std::vector<std::string> script, std::size_t give_up = 10000) {
  std::size_t served = 0;
  auto fetch = [&](const std::optional<std::string>&, cursor_page& page) {
    page.next_cursor.reset();
    if (served < script.size()) page.next_cursor = script[served];
    ++served;
    return http::reply<void>(betwire::result<void>{}, {});
  };
  http::page_range<cursor_page, std::string, betwire::predictstreet::opaque_cursor, decltype(fetch)> pages(fetch);
  std::optional<betwire::error> last;
  for (auto&& p : pages) {
    if (!p) {
      last = p.error();
      break;
    }
    if (served > give_up) break;
  }
  return {served, last};
}

TEST(HostilePages, LoopsOfAnyLengthAreDetected) {
  for (std::size_t period : {1u, 2u, 3u, 7u, 50u}) {
    for (std::size_t lead : {0u, 5u}) {
      std::vector<std::string> script;
      for (std::size_t i = 0; i < lead; ++i) script.push_back("lead" + std::to_string(i));
      for (std::size_t i = 0; i < 100 * period; ++i) script.push_back("c" + std::to_string(i % period));
      const auto [served, err] = walk(script);
      ASSERT_TRUE(err.has_value()) << "period " << period << " lead " << lead;
      EXPECT_EQ(err->code, errc::invalid_value);
      // Brent: found within the lead, plus the loop's length, plus the next power of two above both.
      EXPECT_LE(served, 4 * (period + lead) + 2) << "period " << period << " lead " << lead;
    }
  }
  std::vector<std::string> distinct;
  for (int i = 0; i < 3000; ++i) distinct.push_back("p" + std::to_string(i));
  const auto [served, err] = walk(distinct);
  EXPECT_FALSE(err.has_value());
  EXPECT_EQ(served, 3001u);
}

}  // namespace
