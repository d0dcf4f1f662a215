// The reader's block string scanner at its edges: strings that end at, before and after a block
// boundary, escapes and special bytes in every lane, documents shorter than a block, and buffers
// with no byte to spare after the document (each document is copied into a heap block of exactly
// its size, so that ASan reports any read past it). Built twice: with the target's scanner (SSE2 on
// x86-64) and, as unit.json_scan_portable, with BETWIRE_JSON_NO_SIMD (the portable 8-byte one).
#include <betwire/json/json.hpp>

#include <gtest/gtest.h>

#include <cstddef>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace bw = betwire;
namespace json = betwire::json;
using bw::errc;

namespace scan_test {

struct keyed {
  std::string_view a_key_longer_than_one_block;
  std::string_view b;
  std::string_view key_of_exactly_sixteen;
};

}  // namespace scan_test

namespace {

// A copy of text in a heap block of exactly text.size() bytes.
struct exact_buffer {
  explicit exact_buffer(std::string_view text)
      : size(text.size()), bytes(new char[text.size() == 0 ? 1 : text.size()]) {
    std::memcpy(bytes.get(), text.data(), text.size());
  }
  std::span<char> span() { return {bytes.get(), size}; }
  std::size_t size;
  std::unique_ptr<char[]> bytes;
};

template <class T>
bw::result<void> decode_exact(exact_buffer& buffer, T& value) {
  return json::decode(buffer.span(), value);
}

constexpr std::size_t max_length = 80;  // several blocks of either scanner

TEST(JsonScan, TheTargetsScannerIsTheOneBuilt) {
#if defined(BETWIRE_JSON_NO_SIMD)
  EXPECT_EQ(BETWIRE_JSON_SSE2, 0);
  EXPECT_EQ(json::detail::string_block, 8u);
#elif defined(__SSE2__)
  EXPECT_EQ(BETWIRE_JSON_SSE2, 1);
  EXPECT_EQ(json::detail::string_block, 16u);
#else
  EXPECT_EQ(json::detail::string_block, 8u);
#endif
}

TEST(JsonScan, PlainStringsOfEveryLengthAndAlignment) {
  for (std::size_t shift = 0; shift < 17; ++shift) {
    for (std::size_t length = 0; length <= max_length; ++length) {
      std::string content;
      for (std::size_t i = 0; i < length; ++i) content += static_cast<char>('a' + (i * 7 + shift) % 26);
      exact_buffer buffer(std::string(shift, ' ') + '"' + content + '"');
      std::string_view value;
      ASSERT_TRUE(decode_exact(buffer, value)) << "length " << length << " shift " << shift;
      EXPECT_EQ(value, content);
      EXPECT_EQ(value.data(), buffer.bytes.get() + shift + 1);
    }
  }
}

TEST(JsonScan, UnterminatedStringsStopAtTheBuffersEnd) {
  for (std::size_t length = 0; length <= max_length; ++length) {
    exact_buffer buffer('"' + std::string(length, 'x'));
    std::string_view value;
    const auto r = decode_exact(buffer, value);
    ASSERT_FALSE(r.has_value()) << length;
    EXPECT_EQ(r.error().code, errc::unexpected_end) << length;
    // A backslash as the very last byte.
    exact_buffer escape('"' + std::string(length, 'x') + '\\');
    const auto e = decode_exact(escape, value);
    ASSERT_FALSE(e.has_value()) << length;
    EXPECT_EQ(e.error().code, errc::unexpected_end) << length;
  }
}

TEST(JsonScan, EscapesAtEveryOffsetAndAcrossBlocks) {
  struct escape {
    std::string_view text;
    std::string_view decoded;
  };
  const escape escapes[] = {{"\\n", "\n"},
                            {"\\\"", "\""},
                            {"\\\\", "\\"},
                            {"\\u00e9", "\xC3\xA9"},
                            {"\\ud83d\\ude00", "\xF0\x9F\x98\x80"}};
  for (const escape& e : escapes) {
    for (std::size_t before = 0; before <= 40; ++before) {
      for (std::size_t after : {std::size_t{0}, std::size_t{1}, std::size_t{15}, std::size_t{16}, std::size_t{17},
                                std::size_t{33}}) {
        const std::string head(before, 'h');
        const std::string tail(after, 't');
        exact_buffer buffer('"' + head + std::string(e.text) + tail + '"');
        std::string_view value;
        ASSERT_TRUE(decode_exact(buffer, value)) << e.text << " after " << before << " bytes";
        EXPECT_EQ(value, head + std::string(e.decoded) + tail) << e.text << " after " << before << " bytes";
        // Text behind an escape moves down to close the gap, a block at a time where it can.
        exact_buffer twice('"' + head + std::string(e.text) + tail + std::string(e.text) + head + '"');
        ASSERT_TRUE(decode_exact(twice, value));
        EXPECT_EQ(value, head + std::string(e.decoded) + tail + std::string(e.decoded) + head);
      }
    }
  }
}

// Every byte value in every lane of the first blocks: plain bytes are kept, and each special one
// (a quote, a backslash, a control character, a byte of 0x80 or more) is found exactly where it
// stands, by the block scanner as by the byte-by-byte tail.
TEST(JsonScan, EveryByteInEveryLane) {
  for (std::size_t lane = 0; lane < 40; ++lane) {
    for (int byte = 0; byte < 256; ++byte) {
      const char ch = static_cast<char>(byte);
      // 'x' after the byte: "\\x" is not an escape, and no UTF-8 sequence continues with it.
      std::string content = std::string(lane, 'a') + ch + std::string(39 - lane, 'x');
      exact_buffer buffer('"' + content + '"');
      std::string_view value;
      const auto r = decode_exact(buffer, value);
      const auto u = static_cast<unsigned char>(ch);
      if (u >= 0x20 && u < 0x80 && ch != '"' && ch != '\\') {
        ASSERT_TRUE(r.has_value()) << "byte " << byte << " lane " << lane;
        EXPECT_EQ(value, content);
        continue;
      }
      ASSERT_FALSE(r.has_value()) << "byte " << byte << " lane " << lane;
      if (ch == '\\' && lane == 39) {  // it escapes the closing quote
        EXPECT_EQ(r.error().code, errc::unexpected_end);
        continue;
      }
      errc expected = errc::invalid_utf8;
      if (ch == '"') expected = errc::trailing_garbage;
      else if (ch == '\\') expected = errc::invalid_escape;
      else if (u < 0x20) expected = errc::invalid_string;
      EXPECT_EQ(r.error().code, expected) << "byte " << byte << " lane " << lane;
      const std::size_t at = ch == '"' ? lane + 2 : lane + 1;
      EXPECT_EQ(r.error().offset, at) << "byte " << byte << " lane " << lane;
    }
  }
}

TEST(JsonScan, MultiByteUtf8AcrossABlockBoundary) {
  const std::string_view sequences[] = {"\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80"};
  for (std::string_view sequence : sequences) {
    for (std::size_t before = 0; before <= 34; ++before) {
      const std::string content = std::string(before, 'u') + std::string(sequence) + "tail";
      exact_buffer buffer('"' + content + '"');
      std::string_view value;
      ASSERT_TRUE(decode_exact(buffer, value)) << before;
      EXPECT_EQ(value, content);
      // Cut short by the end of the string: invalid, at the sequence's first byte.
      const std::string cut = std::string(before, 'u') + std::string(sequence.substr(0, sequence.size() - 1));
      exact_buffer bad('"' + cut + '"');
      const auto r = decode_exact(bad, value);
      ASSERT_FALSE(r.has_value()) << before;
      EXPECT_EQ(r.error().code, errc::invalid_utf8);
      EXPECT_EQ(r.error().offset, before + 1);
    }
  }
}

TEST(JsonScan, DocumentsShorterThanABlock) {
  for (std::string_view text : {R"("")", R"("a")", R"("abcdef")", R"("abcdefghijklmn")"}) {
    exact_buffer buffer(text);
    std::string_view value;
    ASSERT_TRUE(decode_exact(buffer, value)) << text;
    EXPECT_EQ(value, text.substr(1, text.size() - 2));
  }
  exact_buffer quote("\"");
  std::string_view value;
  EXPECT_EQ(decode_exact(quote, value).error().code, errc::unexpected_end);
}

// Keys out of declaration order are found by the block scanner too (a scan for the closing quote,
// then a lookup on the raw bytes); keys that end at a block boundary or run to the buffer's end.
TEST(JsonScan, OutOfOrderKeysOfEveryLength) {
  exact_buffer buffer(R"({"key_of_exactly_sixteen":"c","b":"2","a_key_longer_than_one_block":"1"})");
  scan_test::keyed value;
  ASSERT_TRUE(decode_exact(buffer, value));
  EXPECT_EQ(value.a_key_longer_than_one_block, "1");
  EXPECT_EQ(value.b, "2");
  EXPECT_EQ(value.key_of_exactly_sixteen, "c");
  // An unknown key of every length, out of order: skipped by default, rejected at its opening quote
  // when unknown keys are errors.
  for (std::size_t length = 0; length <= max_length; ++length) {
    const std::string text = R"({"b":"2","key_)" + std::string(length, 'k') +
                             R"(":"x","key_of_exactly_sixteen":"c","a_key_longer_than_one_block":"1"})";
    exact_buffer skipped(text);
    value = {};
    ASSERT_TRUE(decode_exact(skipped, value)) << length;
    EXPECT_EQ(value.a_key_longer_than_one_block, "1");
    EXPECT_EQ(value.key_of_exactly_sixteen, "c");
    exact_buffer unknown(text);
    const auto r = json::decode<json::read_options{.allow_unknown_keys = false}>(unknown.span(), value);
    ASSERT_FALSE(r.has_value()) << length;
    EXPECT_EQ(r.error().code, errc::unknown_key) << length;
    EXPECT_EQ(r.error().offset, text.find("\"key_")) << length;
    // The document ends inside the key.
    exact_buffer cut(R"({"b":"2","key_)" + std::string(length, 'k'));
    const auto e = decode_exact(cut, value);
    ASSERT_FALSE(e.has_value()) << length;
    EXPECT_EQ(e.error().code, errc::unexpected_end) << length;
  }
}

}  // namespace
