// The fault matrix (issue #16): curl_transport and http::client against a misbehaving server on
// loopback (tests/support/fault_server.hpp), one network fault per row. Every row asserts
//   - the typed error (errc) the caller sees,
//   - what was sent: a read is re-sent at most max_attempts times, and only where the retry rules
//     allow; a mutation (idempotency never) is sent exactly once, whatever happens,
//   - that no piece of the API key (which the server echoes back wherever it writes a body)
//     appears in any text of the error,
//   - bounded time (small timeouts: the whole matrix takes seconds) and bounded memory (the body
//     kept is never larger than max_body_bytes).

#include <betwire/betwire.hpp>
#include <betwire/transport/curl.hpp>

#include "fault_server.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace http = betwire::http;
namespace json = betwire::json;
using betwire::errc;
using betwire::test::fault_connection;
using betwire::test::fault_server;
using namespace std::chrono_literals;

namespace {

constexpr std::string_view api_key = "Kq7ZxW3vTn9PbLm2RsYc4HdFg8JkUa6EoVi5NtQw";

struct read_ep {  // GET: safe, retried on what may be transient
  static constexpr http::method method = http::method::get;
  static constexpr std::string_view path = "/orders";
  using request_type = http::none;
  using response_type = json::raw;
};

struct mutation_body {
  std::int64_t order_id = 7;
};
struct mutation_ep {  // POST: idempotency never, sent once whatever happens
  static constexpr http::method method = http::method::post;
  static constexpr std::string_view path = "/orders";
  using request_type = mutation_body;
  using response_type = json::raw;
};

constexpr std::size_t max_body = std::size_t{1} << 20;

betwire::curl_options transport_options(const std::string& url) {
  betwire::curl_options o;
  o.base_url = url;
  o.connect_timeout = 500ms;
  o.total_timeout = 800ms;
  o.max_body_bytes = max_body;
  return o;
}

http::retry_policy policy() {
  http::retry_policy p;
  p.enabled = true;
  p.max_attempts = 3;
  p.initial_backoff = 5ms;
  p.max_backoff = 20ms;
  p.budget = 10s;
  p.max_retry_after = 2s;
  return p;
}

// No run of 4 or more bytes of the key anywhere in the error's texts.
::testing::AssertionResult no_key(const betwire::error& e) {
  const std::string texts[] = {e.describe(), e.message, e.venue_message, e.venue_code, e.excerpt};
  for (const std::string& t : texts)
    for (std::size_t i = 0; i + http::min_scrubbed_bytes <= api_key.size(); ++i)
      if (t.find(api_key.substr(i, http::min_scrubbed_bytes)) != std::string::npos)
        return ::testing::AssertionFailure() << "key bytes survive in: " << t;
  return ::testing::AssertionSuccess();
}

struct outcome {
  bool ok = false;
  errc code = errc::none;
  betwire::error error;
  std::uint32_t attempts = 0;
  int status = 0;
  std::optional<std::chrono::seconds> retry_after;
  std::size_t received = 0;  // requests the server read
  std::chrono::milliseconds took{0};
  std::size_t body_capacity = 0;
};

// One call of endpoint E through a fresh transport and client against `url`.
template <class E>
outcome call(const std::string& url, const fault_server* srv, http::retry_policy p = policy(),
             betwire::curl_options o = {}) {
  if (o.base_url.empty()) o = transport_options(url);
  betwire::curl_transport net{o};
  EXPECT_TRUE(net.valid()) << net.error().describe();
  http::client core{net, {.retry = p}};
  const betwire::secret key{api_key};
  EXPECT_TRUE(core.set_header("x-api-key", key));
  const std::size_t before = srv ? srv->requests().size() : 0;
  typename E::response_type out{};
  const auto t0 = std::chrono::steady_clock::now();
  http::reply<void> r = core.template call<E>(typename E::request_type{}, out);
  outcome res;
  res.took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  res.ok = r.has_value();
  if (!r) {
    res.error = r.error();
    res.code = r.error().code;
  }
  res.attempts = r.attempts();
  res.status = r.status();
  res.retry_after = r.retry_after();
  res.received = srv ? srv->requests().size() - before : 0;
  res.body_capacity = core.last_response().body.capacity();
  return res;
}

// The checks every row makes; `retried` says whether the read may be re-sent for this fault.
void check_row(const char* row, const outcome& read, const outcome& write, errc expected, bool retried,
               std::chrono::milliseconds bound = 5000ms) {
  SCOPED_TRACE(row);
  EXPECT_FALSE(read.ok);
  EXPECT_EQ(read.code, expected) << read.error.describe();
  EXPECT_EQ(write.code, expected) << write.error.describe();
  EXPECT_EQ(read.attempts, retried ? 3u : 1u);
  EXPECT_EQ(write.attempts, 1u);  // a mutation is never re-sent
  EXPECT_TRUE(no_key(read.error));
  EXPECT_TRUE(no_key(write.error));
  EXPECT_LT(read.took, bound);
  EXPECT_LT(write.took, bound);
  EXPECT_LE(read.body_capacity, 2 * max_body + 4096);
  EXPECT_LE(write.body_capacity, 2 * max_body + 4096);
}

std::string echo_body() { return R"({"error":"bad key )" + std::string(api_key) + R"("})"; }

// ---- connection-level faults ------------------------------------------------------------------------

TEST(FaultMatrix, ConnectionRefused) {
  int port = 0;
  {
    fault_server probe([](fault_connection&) {});
    port = probe.port();
  }  // closed: nothing listens there now
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  check_row("refused", call<read_ep>(url, nullptr), call<mutation_ep>(url, nullptr), errc::connect_failed, true);
}

TEST(FaultMatrix, ResetBeforeTheStatusLine) {
  fault_server srv([](fault_connection& c) { c.reset(); });
  const outcome r = call<read_ep>(srv.base_url(), &srv);
  const outcome w = call<mutation_ep>(srv.base_url(), &srv);
  check_row("reset before status", r, w, errc::connection_reset, true);
  EXPECT_EQ(r.received, 3u);
  EXPECT_EQ(w.received, 1u);
}

TEST(FaultMatrix, ResetAfterTheHeaders) {
  fault_server srv([](fault_connection& c) {
    c.send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n");
    std::this_thread::sleep_for(20ms);
    c.reset();
  });
  const outcome r = call<read_ep>(srv.base_url(), &srv);
  const outcome w = call<mutation_ep>(srv.base_url(), &srv);
  check_row("reset after headers", r, w, errc::connection_reset, true);
  EXPECT_EQ(r.received, 3u);
  EXPECT_EQ(w.received, 1u);
}

TEST(FaultMatrix, ResetMidBody) {
  fault_server srv([](fault_connection& c) {
    c.send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4000\r\n\r\n[\"" + std::string(api_key));
    std::this_thread::sleep_for(20ms);
    c.reset();
  });
  const outcome r = call<read_ep>(srv.base_url(), &srv);
  const outcome w = call<mutation_ep>(srv.base_url(), &srv);
  check_row("reset mid-body", r, w, errc::connection_reset, true);
  EXPECT_EQ(w.received, 1u);
}

TEST(FaultMatrix, TruncatedChunkedEncoding) {
  fault_server srv([](fault_connection& c) {
    c.send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
           "5\r\n[1,2,\r\n");  // no last chunk: the connection ends
  });
  const outcome r = call<read_ep>(srv.base_url(), &srv);
  const outcome w = call<mutation_ep>(srv.base_url(), &srv);
  check_row("truncated chunked", r, w, errc::truncated_body, true);
  EXPECT_EQ(w.received, 1u);
}

TEST(FaultMatrix, ContentLengthLongerThanTheBody) {
  fault_server srv([](fault_connection& c) {
    c.send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n[1,2,3]");
  });
  const outcome r = call<read_ep>(srv.base_url(), &srv);
  const outcome w = call<mutation_ep>(srv.base_url(), &srv);
  check_row("content-length too long", r, w, errc::truncated_body, true);
  EXPECT_EQ(w.received, 1u);
}

TEST(FaultMatrix, SlowlorisHitsTheTotalTimeout) {
  // A byte every 50 ms: every single read makes progress, only the total timeout (800 ms) ends it.
  fault_server srv([](fault_connection& c) {
    c.trickle("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n[]", 50ms);
  });
  const outcome r = call<read_ep>(srv.base_url(), &srv);
  const outcome w = call<mutation_ep>(srv.base_url(), &srv);
  check_row("slowloris", r, w, errc::timeout, true, 4000ms);
  EXPECT_GE(w.took, 700ms);
  EXPECT_LT(w.took, 1500ms);
  EXPECT_EQ(w.received, 1u);
}

// ---- oversized answers --------------------------------------------------------------------------------

TEST(FaultMatrix, OneMegabyteOfHeaders) {
  // One header line of 1 MB: libcurl refuses a line over its 100 KB limit.
  fault_server srv([](fault_connection& c) {
    std::string head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Pad: ";
    head.append(std::size_t{1} << 20, 'a');
    head += "\r\nContent-Length: 2\r\n\r\n[]";
    c.send(head);
  });
  const outcome r = call<read_ep>(srv.base_url(), &srv);
  const outcome w = call<mutation_ep>(srv.base_url(), &srv);
  check_row("1 MB header line", r, w, errc::transport_failed, false);
  EXPECT_EQ(w.received, 1u);
  // 1 MB of ordinary header lines (1024 of 1 KB): refused past curl_transport's 256 KB limit, as
  // too large (not retried), before libcurl's own limit would report a recv error.
  fault_server many([](fault_connection& c) {
    std::string head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n";
    for (int i = 0; i < 1024; ++i) head += "X-Pad-" + std::to_string(i) + ": " + std::string(1000, 'b') + "\r\n";
    head += "X-RateLimit-Remaining: 5\r\nContent-Length: 2\r\n\r\n[]";
    c.send(head);
  });
  const outcome r2 = call<read_ep>(many.base_url(), &many);
  const outcome w2 = call<mutation_ep>(many.base_url(), &many);
  check_row("1 MB of header lines", r2, w2, errc::body_too_large, false);
  EXPECT_NE(r2.error.message.find("headers"), std::string::npos) << r2.error.message;
  // 200 KB of them is fine: received, and only the few the library uses are kept.
  fault_server fine([](fault_connection& c) {
    std::string head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n";
    for (int i = 0; i < 200; ++i) head += "X-Pad-" + std::to_string(i) + ": " + std::string(1000, 'b') + "\r\n";
    head += "X-RateLimit-Remaining: 5\r\nContent-Length: 2\r\n\r\n[]";
    c.send(head);
  });
  const outcome ok = call<read_ep>(fine.base_url(), &fine);
  EXPECT_TRUE(ok.ok) << ok.error.describe();
  EXPECT_EQ(ok.attempts, 1u);
  EXPECT_LE(ok.body_capacity, 4096u);
}

// A gzip member of `size` zero bytes, deflated by hand with fixed Huffman codes: one literal, then
// copies of 258 bytes at distance 1 (13 bits each): a few KB that inflate to megabytes.
std::string gzip_of_zeros(std::size_t size) {
  std::string out("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff", 10);
  std::uint32_t bits = 0;
  int nbits = 0;
  const auto put = [&](std::uint32_t v, int n) {  // LSB first
    bits |= v << nbits;
    nbits += n;
    while (nbits >= 8) {
      out.push_back(static_cast<char>(bits & 0xFF));
      bits >>= 8;
      nbits -= 8;
    }
  };
  const auto put_code = [&](std::uint32_t code, int n) {  // Huffman codes go MSB first
    std::uint32_t r = 0;
    for (int i = 0; i < n; ++i) r |= ((code >> i) & 1u) << (n - 1 - i);
    put(r, n);
  };
  put(1, 1);           // BFINAL
  put(1, 2);           // BTYPE = fixed Huffman
  put_code(0x30, 8);   // literal 0
  std::size_t left = size - 1;
  while (left >= 258) {
    put_code(0xC5, 8);  // length code 285: 258 bytes
    put_code(0, 5);     // distance code 0: distance 1
    left -= 258;
  }
  while (left-- > 0) put_code(0x30, 8);
  put_code(0, 7);  // end of block (code 256)
  if (nbits > 0) put(0, 8 - nbits);
  std::uint32_t crc = 0xFFFFFFFFu;
  for (std::size_t i = 0; i < size; ++i) {
    crc ^= 0;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  crc ^= 0xFFFFFFFFu;
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((crc >> (8 * i)) & 0xFF));
  const auto isize = static_cast<std::uint32_t>(size);
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((isize >> (8 * i)) & 0xFF));
  return out;
}

TEST(FaultMatrix, GzipBombPastMaxBodyBytes) {
  const std::string bomb = gzip_of_zeros(std::size_t{4} << 20);  // 4 MB of zeros in ~26 KB
  ASSERT_LT(bomb.size(), 32'000u);
  fault_server srv([&](fault_connection& c) {
    c.send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\nContent-Length: " +
           std::to_string(bomb.size()) + "\r\n\r\n" + bomb);
  });
  const outcome r = call<read_ep>(srv.base_url(), &srv);
  const outcome w = call<mutation_ep>(srv.base_url(), &srv);
  check_row("gzip bomb", r, w, errc::body_too_large, false);
  EXPECT_EQ(r.received, 1u);
  EXPECT_EQ(w.received, 1u);
  // The bomb is a real gzip stream: under an 8 MB limit it inflates to its 4 MB of zeros (which
  // then are no JSON).
  auto o = transport_options(srv.base_url());
  o.max_body_bytes = std::size_t{8} << 20;
  betwire::curl_transport net{o};
  http::response resp;
  ASSERT_TRUE(net.send(http::request(http::method::get, "/orders"), resp));
  EXPECT_EQ(resp.body.size(), std::size_t{4} << 20);
  EXPECT_EQ(resp.body.find_first_not_of('\0'), std::string::npos);
}

TEST(FaultMatrix, TenMegabyteErrorBody) {
  std::string big = echo_body();
  big.append(std::size_t{10} << 20, 'x');
  fault_server srv([&](fault_connection& c) {
    c.send("HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\nContent-Length: " +
           std::to_string(big.size()) + "\r\n\r\n" + big);
  });
  // Past max_body_bytes (1 MB): refused while it arrives, never kept whole.
  const outcome r = call<read_ep>(srv.base_url(), &srv);
  const outcome w = call<mutation_ep>(srv.base_url(), &srv);
  check_row("10 MB error body", r, w, errc::body_too_large, false);
  // Under a 16 MB limit it is read: a server_error whose message quotes a bounded excerpt.
  auto o = transport_options(srv.base_url());
  o.max_body_bytes = std::size_t{16} << 20;
  const outcome big_ok = call<read_ep>(srv.base_url(), &srv, policy(), o);
  EXPECT_EQ(big_ok.code, errc::server_error);
  EXPECT_EQ(big_ok.attempts, 3u);
  EXPECT_LT(big_ok.error.message.size(), 400u);
  EXPECT_TRUE(no_key(big_ok.error));
}

// ---- statuses ---------------------------------------------------------------------------------------

TEST(FaultMatrix, HtmlBadGatewayFromAProxy) {
  fault_server srv([](fault_connection& c) {
    const std::string html = "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway"
                             "</h1></center><hr><center>nginx</center></body></html>\r\n";
    c.send("HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nContent-Length: " + std::to_string(html.size()) +
           "\r\n\r\n" + html);
  });
  const outcome r = call<read_ep>(srv.base_url(), &srv);
  const outcome w = call<mutation_ep>(srv.base_url(), &srv);
  check_row("HTML 502", r, w, errc::server_error, true);
  EXPECT_EQ(r.status, 502);
  EXPECT_EQ(r.error.category, betwire::error_category::http);
  EXPECT_NE(r.error.message.find("text/html"), std::string::npos) << r.error.message;
  EXPECT_NE(r.error.message.find("502 Bad Gateway"), std::string::npos);
  EXPECT_EQ(r.received, 3u);
  EXPECT_EQ(w.received, 1u);
}

TEST(FaultMatrix, ServiceUnavailableWithAndWithoutBody) {
  for (const bool with_body : {true, false}) {
    const std::string body = with_body ? echo_body() : "";
    fault_server srv([&](fault_connection& c) {
      c.send("HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: " +
             std::to_string(body.size()) + "\r\n\r\n" + body);
    });
    const outcome r = call<read_ep>(srv.base_url(), &srv);
    const outcome w = call<mutation_ep>(srv.base_url(), &srv);
    check_row(with_body ? "503 with body" : "503 without body", r, w, errc::server_error, true);
    EXPECT_EQ(r.status, 503);
    if (with_body) {
      EXPECT_NE(r.error.message.find("bad key ***"), std::string::npos) << r.error.message;
    } else {
      EXPECT_NE(r.error.message.find("empty body"), std::string::npos) << r.error.message;
    }
    EXPECT_EQ(w.received, 1u);
  }
}

std::string http_date(std::chrono::system_clock::time_point t) {
  const std::time_t tt = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return buf;
}

TEST(FaultMatrix, RateLimitStormWithRetryAfter) {
  struct storm_case {
    const char* name;
    std::string retry_after;
    std::uint32_t read_attempts;  // 3: waited and re-sent; 1: longer than max_retry_after (2 s)
    std::optional<std::int64_t> seen;
  };
  const auto now = std::chrono::system_clock::now();
  const storm_case cases[] = {
      {"seconds, short", "0", 3, 0},
      {"seconds, too long", "5", 1, 5},
      {"seconds, huge", "9223372036854775808", 1, http::max_retry_after_seconds},
      {"date, past", http_date(now - 1h), 3, 0},
      {"date, too far", http_date(now + 1h), 1, std::nullopt},
  };
  for (const storm_case& sc : cases) {
    fault_server srv([&](fault_connection& c) {
      const std::string body = R"({"error":"Rate limit exceeded"})";
      c.send("HTTP/1.1 429 Too Many Requests\r\nRetry-After: " + sc.retry_after +
             "\r\nX-RateLimit-Limit: 120\r\nX-RateLimit-Remaining: 0\r\nContent-Type: application/json\r\n"
             "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
    });
    const outcome r = call<read_ep>(srv.base_url(), &srv);
    const outcome w = call<mutation_ep>(srv.base_url(), &srv);
    SCOPED_TRACE(sc.name);
    EXPECT_EQ(r.code, errc::rate_limited);
    EXPECT_EQ(w.code, errc::rate_limited);
    EXPECT_EQ(r.attempts, sc.read_attempts);
    EXPECT_EQ(r.received, sc.read_attempts);
    EXPECT_EQ(w.attempts, 1u);
    EXPECT_EQ(w.received, 1u);
    ASSERT_TRUE(r.retry_after.has_value());
    if (sc.seen) {
      EXPECT_EQ(r.retry_after->count(), *sc.seen);
    } else {
      EXPECT_GT(r.retry_after->count(), 3000);
    }
    EXPECT_LT(r.took, 3000ms);
  }
}

TEST(FaultMatrix, RedirectToAnotherHostIsNeverFollowed) {
  fault_server elsewhere([](fault_connection& c) {
    c.send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}");
  }, "127.0.0.2");
  ASSERT_TRUE(elsewhere.ok());
  const std::string target = "http://127.0.0.2:" + std::to_string(elsewhere.port()) + "/steal";
  for (const int status : {301, 302, 307, 308}) {
    fault_server srv([&](fault_connection& c) {
      c.send("HTTP/1.1 " + std::to_string(status) + " Moved\r\nLocation: " + target +
             "\r\nContent-Length: 0\r\n\r\n");
    });
    const outcome r = call<read_ep>(srv.base_url(), &srv);
    const outcome w = call<mutation_ep>(srv.base_url(), &srv);
    SCOPED_TRACE(status);
    check_row("redirect", r, w, errc::http_status, false);
    EXPECT_EQ(r.status, status);
  }
  EXPECT_EQ(elsewhere.connections(), 0u);  // never followed: the key never went there
  EXPECT_TRUE(elsewhere.requests().empty());
}

TEST(FaultMatrix, TheKeyIsSentToTheServerOnly) {
  fault_server srv([](fault_connection& c) { c.send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"); });
  const outcome r = call<read_ep>(srv.base_url(), &srv);
  ASSERT_TRUE(r.ok) << r.error.describe();
  const auto reqs = srv.requests();
  ASSERT_EQ(reqs.size(), 1u);
  const std::string* k = reqs[0].header("x-api-key");
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(*k, api_key);
}

}  // namespace
