// betwire::uuid: parsing and validation, case handling, bytes, the ChaCha20 core against RFC 8439's
// vectors, and generate(): version/variant bits, uniqueness, bit balance, threads, fork.
#define BETWIRE_DEFINE_COUNTING_NEW
#include "counting_allocator.hpp"

#include <betwire/core/uuid.hpp>

#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_set>
#include <vector>

#if defined(__unix__) || defined(__APPLE__)
#  include <sys/wait.h>
#  include <unistd.h>
#endif

namespace {

using betwire::errc;
using betwire::uuid;

bool is_lower_hex_text(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return text.size() == 36;
}

TEST(Uuid, DefaultIsNil) {
  constexpr uuid nil;
  static_assert(nil.text() == "00000000-0000-0000-0000-000000000000");
  EXPECT_TRUE(nil.is_nil());
  EXPECT_EQ(sizeof(uuid), 36u);
}

TEST(Uuid, ParsesAnyCaseAndKeepsIt) {
  uuid u;
  ASSERT_EQ(uuid::from_chars("123E4567-e89b-12D3-a456-426614174000", u), errc::none);
  EXPECT_EQ(u.text(), "123E4567-e89b-12D3-a456-426614174000");
  uuid lower;
  ASSERT_EQ(uuid::from_chars("123e4567-e89b-12d3-a456-426614174000", lower), errc::none);
  EXPECT_EQ(u, lower);  // the same UUID whatever the case
  EXPECT_EQ(u <=> lower, std::strong_ordering::equal);
  EXPECT_EQ(u.version(), 1);
  EXPECT_TRUE(u.is_rfc9562_variant());
  EXPECT_EQ(u.to_string(), "123E4567-e89b-12D3-a456-426614174000");
  char buffer[36];
  EXPECT_EQ(u.to_chars(buffer, buffer + 35), nullptr);
  ASSERT_EQ(u.to_chars(buffer, buffer + 36), buffer + 36);
  EXPECT_EQ(std::string_view(buffer, 36), u.text());
}

TEST(Uuid, RejectsEverythingElse) {
  const char* const bad[] = {
      "",
      "123e4567-e89b-12d3-a456-42661417400",     // 35
      "123e4567-e89b-12d3-a456-4266141740000",   // 37
      "123e4567e89b12d3a456426614174000",        // no dashes
      "123e4567-e89b-12d3-a4564-26614174000",    // dash moved
      "123e456-7e89b-12d3-a456-426614174000",
      "123e4567-e89b-12d3-a456_426614174000",
      "123g4567-e89b-12d3-a456-426614174000",    // not hex
      "123e4567-e89b-12d3-a456-42661417400G",
      "{123e4567-e89b-12d3-a456-426614174000}",
      "{23e4567-e89b-12d3-a456-42661417400}",
      "urn:uuid:123e4567-e89b-12d3-a456-426614174000",
      " 23e4567-e89b-12d3-a456-426614174000",
      "123e4567-e89b-12d3-a456-426614174000 ",
      "123e4567 e89b 12d3 a456 426614174000",
      "------------------------------------",
  };
  for (const char* text : bad) {
    uuid u;
    EXPECT_EQ(uuid::from_chars(text, u), errc::invalid_value) << text;
    EXPECT_TRUE(u.is_nil()) << "untouched on failure: " << text;
    EXPECT_FALSE(uuid::is_valid(text)) << text;
  }
  EXPECT_FALSE(uuid::is_valid(std::string_view("123e4567-e89b-12d3-a456-42661417400\0", 36)));
  // Every single non-hex byte in every hex position is refused.
  std::string text = "123e4567-e89b-12d3-a456-426614174000";
  for (std::size_t i = 0; i < text.size(); ++i) {
    for (int c = 0; c < 256; ++c) {
      std::string mutated = text;
      mutated[i] = static_cast<char>(c);
      const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
      const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      EXPECT_EQ(uuid::is_valid(mutated), dash ? c == '-' : hex) << i << " " << c;
    }
  }
}

TEST(Uuid, ParseReportsTheProblem) {
  const auto ok = uuid::parse("00000000-0000-4000-8000-000000000000");
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->version(), 4);
  const auto bad = uuid::parse("not-a-uuid");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().code, errc::invalid_value);
  EXPECT_NE(bad.error().message.find("not-a-uuid"), std::string::npos);
  EXPECT_LT(uuid::parse(std::string(100000, 'a')).error().message.size(), 200u);
}

TEST(Uuid, BytesRoundTrip) {
  const std::array<std::uint8_t, 16> bytes = {0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3,
                                              0xa4, 0x56, 0x42, 0x66, 0x14, 0x17, 0x40, 0xff};
  constexpr auto made = uuid::from_bytes({0xde, 0xad, 0xbe, 0xef, 0, 1, 0x40, 2, 0x80, 3, 4, 5, 6, 7, 8, 9});
  static_assert(made.text() == "deadbeef-0001-4002-8003-040506070809");
  const uuid u = uuid::from_bytes(bytes);
  EXPECT_EQ(u.text(), "123e4567-e89b-12d3-a456-4266141740ff");
  EXPECT_EQ(u.bytes(), bytes);
  uuid upper;
  ASSERT_EQ(uuid::from_chars("123E4567-E89B-12D3-A456-4266141740FF", upper), errc::none);
  EXPECT_EQ(upper.bytes(), bytes);
  EXPECT_EQ(upper, u);
}

TEST(Uuid, OrderIsByValue) {
  const auto make = [](std::string_view text) {
    uuid u;
    EXPECT_EQ(uuid::from_chars(text, u), errc::none);
    return u;
  };
  EXPECT_LT(make("00000000-0000-0000-0000-000000000001"), make("00000000-0000-0000-0000-00000000000A"));
  EXPECT_LT(make("0000000A-0000-0000-0000-000000000000"), make("0000000b-0000-0000-0000-000000000000"));
  EXPECT_GT(make("F0000000-0000-0000-0000-000000000000"), make("e0000000-0000-0000-0000-000000000000"));
  EXPECT_NE(make("F0000000-0000-0000-0000-000000000000"), make("e0000000-0000-0000-0000-000000000000"));
}

TEST(Uuid, WorksAtCompileTime) {
  static_assert(uuid::is_valid("123e4567-e89b-12d3-a456-426614174000"));
  static_assert(!uuid::is_valid("123e4567-e89b-12d3-a456-42661417400z"));
  static_assert([] {
    uuid a, b;
    return uuid::from_chars("ABCDEF00-0000-4000-8000-000000000000", a) == errc::none &&
           uuid::from_chars("abcdef00-0000-4000-8000-000000000000", b) == errc::none && a == b &&
           a.version() == 4 && a.is_rfc9562_variant();
  }());
}

// RFC 8439 section 2.3.2: key 00..1f, nonce 00:00:00:09:00:00:00:4a:00:00:00:00, counter 1.
TEST(Uuid, ChaCha20MatchesRfc8439BlockVector) {
  std::uint32_t key[8] = {};
  for (std::uint32_t i = 0; i < 8; ++i) {
    const std::uint32_t b = 4 * i;
    key[i] = b | (b + 1) << 8 | (b + 2) << 16 | (b + 3) << 24;
  }
  const std::uint32_t nonce[3] = {0x09000000U, 0x4a000000U, 0x00000000U};
  std::uint32_t out[16] = {};
  betwire::detail::chacha20_block(key, 1, nonce, out);
  const std::uint32_t expected[16] = {0xe4e7f110, 0x15593bd1, 0x1fdd0f50, 0xc47120a3, 0xc7f4d1c7, 0x0368c033,
                                      0x9aaa2204, 0x4e6cd4c3, 0x466482d2, 0x09aa9f07, 0x05d7c214, 0xa2028bd9,
                                      0xd19c12b5, 0xb94e16de, 0xe883d0cb, 0x4e3c50a2};
  for (int i = 0; i < 16; ++i) EXPECT_EQ(out[i], expected[i]) << "word " << i;
}

// RFC 8439 appendix A.1, test vector #1: all-zero key and nonce, counter 0.
TEST(Uuid, ChaCha20MatchesRfc8439ZeroVector) {
  const std::uint32_t key[8] = {};
  const std::uint32_t nonce[3] = {};
  std::uint32_t out[16] = {};
  betwire::detail::chacha20_block(key, 0, nonce, out);
  EXPECT_EQ(out[0], 0xade0b876U);  // keystream bytes 76 b8 e0 ad a0 f1 3d 90 ...
  EXPECT_EQ(out[1], 0x903df1a0U);
  EXPECT_EQ(out[2], 0xe56a5d40U);
  EXPECT_EQ(out[3], 0x28bd8653U);
  EXPECT_EQ(out[15], 0x8665eeb2U);  // ... b2 ee 65 86 at the end
}

TEST(Uuid, GenerateMakesVersion4Rfc9562Lowercase) {
  for (int i = 0; i < 1000; ++i) {
    const uuid u = uuid::generate();
    ASSERT_TRUE(is_lower_hex_text(u.text())) << u.text();
    ASSERT_EQ(u.text()[14], '4');
    ASSERT_TRUE(u.text()[19] == '8' || u.text()[19] == '9' || u.text()[19] == 'a' || u.text()[19] == 'b')
        << u.text();
    ASSERT_EQ(u.version(), 4);
    ASSERT_TRUE(u.is_rfc9562_variant());
    ASSERT_TRUE(uuid::is_valid(u.text()));
  }
}

TEST(Uuid, GenerateIsUniqueAndBalanced) {
  constexpr int count = 100000;
  std::unordered_set<std::string> seen;
  seen.reserve(count);
  std::array<int, 128> ones = {};
  for (int i = 0; i < count; ++i) {
    const uuid u = uuid::generate();
    ASSERT_TRUE(seen.emplace(u.text()).second) << "repeated " << u.text();
    const auto bytes = u.bytes();
    for (int bit = 0; bit < 128; ++bit) ones[static_cast<std::size_t>(bit)] += (bytes[static_cast<std::size_t>(bit / 8)] >> (7 - bit % 8)) & 1;
  }
  // The 6 fixed bits are fixed; each of the 122 random bits is set about half the time (a 1%
  // deviation is more than 6 standard deviations).
  for (int bit = 0; bit < 128; ++bit) {
    const int set = ones[static_cast<std::size_t>(bit)];
    if (bit >= 48 && bit < 52) {
      EXPECT_EQ(set, bit == 49 ? count : 0) << "version bit " << bit;
    } else if (bit == 64 || bit == 65) {
      EXPECT_EQ(set, bit == 64 ? count : 0) << "variant bit " << bit;
    } else {
      EXPECT_GT(set, count * 49 / 100) << "bit " << bit;
      EXPECT_LT(set, count * 51 / 100) << "bit " << bit;
    }
  }
}

TEST(Uuid, GenerateIsThreadSafeAndDistinctAcrossThreads) {
  constexpr int threads = 4;
  constexpr int per_thread = 20000;
  std::vector<std::vector<uuid>> results(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&results, t] {
      auto& mine = results[static_cast<std::size_t>(t)];
      mine.reserve(per_thread);
      for (int i = 0; i < per_thread; ++i) mine.push_back(uuid::generate());
    });
  }
  for (auto& w : workers) w.join();
  std::set<std::array<std::uint8_t, 16>> all;
  for (const auto& list : results)
    for (const auto& u : list) ASSERT_TRUE(all.insert(u.bytes()).second) << u.text();
  EXPECT_EQ(all.size(), static_cast<std::size_t>(threads * per_thread));
}

#if BETWIRE_UUID_FORK_SAFE
// Without a reseed, the child would continue the parent's keystream and produce exactly the UUID
// the parent produces next.
TEST(Uuid, ForkedChildReseeds) {
  (void)uuid::generate();  // the parent's generator is seeded and mid-block
  int pipe_ends[2];
  ASSERT_EQ(::pipe(pipe_ends), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const uuid u = uuid::generate();
    const auto written = ::write(pipe_ends[1], u.text().data(), 36);
    ::_exit(written == 36 ? 0 : 1);
  }
  ::close(pipe_ends[1]);
  char child_text[36] = {};
  std::size_t got = 0;
  while (got < 36) {
    const auto n = ::read(pipe_ends[0], child_text + got, 36 - got);
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(pipe_ends[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  ASSERT_EQ(got, 36u);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  const uuid parent_next = uuid::generate();
  EXPECT_NE(std::string_view(child_text, 36), parent_next.text());
  EXPECT_TRUE(uuid::is_valid(std::string_view(child_text, 36)));
}
#endif

TEST(Uuid, ParsingAndGeneratingDoNotAllocate) {
  (void)uuid::generate();  // first use seeds (and may register the fork handler)
  const std::string text = "123e4567-e89b-12d3-a456-426614174000";
  const std::size_t before = betwire_test::allocation_count();
  int valid = 0;
  for (int i = 0; i < 1000; ++i) {
    uuid u;
    valid += uuid::from_chars(text, u) == errc::none ? 1 : 0;
    const uuid g = uuid::generate();
    valid += g.version() == 4 ? 1 : 0;
    char buffer[36];
    valid += g.to_chars(buffer, buffer + 36) != nullptr ? 1 : 0;
  }
  const std::size_t after = betwire_test::allocation_count();
  EXPECT_EQ(after, before);
  EXPECT_EQ(valid, 3000);
  auto probe = std::make_unique<std::string>(100, 'x');  // the counter works
  EXPECT_GT(betwire_test::allocation_count(), after);
}

}  // namespace
