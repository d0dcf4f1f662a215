#ifndef BETWIRE_CORE_UUID_HPP
#define BETWIRE_CORE_UUID_HPP

// betwire::uuid: request idempotency keys (ABP's requestUuid). generate() makes RFC 9562 version-4
// UUIDs from a per-thread ChaCha20 keystream seeded once from the operating system's entropy, so it
// is unpredictable, lock-free and costs a few tens of nanoseconds.

#include <betwire/core/config.hpp>
#include <betwire/core/error.hpp>
#include <betwire/core/result.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <type_traits>

// Entropy for the seed: getrandom(2) on Linux, arc4random_buf(3) on Apple and the BSDs,
// std::random_device elsewhere (it is the only portable choice, and <random> is heavy enough that
// it is included only there).
#if defined(__linux__) && __has_include(<sys/random.h>)
#  include <sys/random.h>
#  define BETWIRE_UUID_ENTROPY_GETRANDOM 1
#elif defined(__APPLE__) || defined(__FreeBSD__) || defined(__OpenBSD__) || defined(__NetBSD__) || \
    defined(__DragonFly__)
#  include <stdlib.h>
#  define BETWIRE_UUID_ENTROPY_ARC4RANDOM 1
#else
#  include <random>
#endif

// After fork() the child would otherwise continue the parent's keystream and repeat its UUIDs; a
// pthread_atfork child handler bumps a generation counter that makes every thread reseed.
#if (defined(__unix__) || defined(__APPLE__)) && __has_include(<pthread.h>)
#  include <pthread.h>
#  define BETWIRE_UUID_FORK_SAFE 1
#else
#  define BETWIRE_UUID_FORK_SAFE 0
#endif

BETWIRE_BEGIN_NAMESPACE

namespace detail {

[[nodiscard]] constexpr int hex_digit_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

[[nodiscard]] constexpr std::uint32_t rotate_left(std::uint32_t v, int n) noexcept {
  return static_cast<std::uint32_t>((v << n) | (v >> (32 - n)));
}

// The ChaCha20 block function of RFC 8439, section 2.3: 20 rounds over the constants, a 256-bit
// key, a 32-bit block counter and a 96-bit nonce, then the input added back in.
constexpr void chacha20_block(const std::uint32_t (&key)[8], std::uint32_t counter,
                              const std::uint32_t (&nonce)[3], std::uint32_t (&out)[16]) noexcept {
  const std::uint32_t input[16] = {0x61707865U, 0x3320646eU, 0x79622d32U, 0x6b206574U,  // "expand 32-byte k"
                                   key[0],      key[1],      key[2],      key[3],
                                   key[4],      key[5],      key[6],      key[7],
                                   counter,     nonce[0],    nonce[1],    nonce[2]};
  std::uint32_t x[16] = {};
  for (int i = 0; i < 16; ++i) x[i] = input[i];
  // By reference to named words, so that the compiler keeps the state in registers.
  const auto quarter_round = [](std::uint32_t& a, std::uint32_t& b, std::uint32_t& c, std::uint32_t& d) {
    a += b; d = rotate_left(d ^ a, 16);
    c += d; b = rotate_left(b ^ c, 12);
    a += b; d = rotate_left(d ^ a, 8);
    c += d; b = rotate_left(b ^ c, 7);
  };
  for (int round = 0; round < 10; ++round) {
    quarter_round(x[0], x[4], x[8], x[12]);  // columns
    quarter_round(x[1], x[5], x[9], x[13]);
    quarter_round(x[2], x[6], x[10], x[14]);
    quarter_round(x[3], x[7], x[11], x[15]);
    quarter_round(x[0], x[5], x[10], x[15]);  // diagonals
    quarter_round(x[1], x[6], x[11], x[12]);
    quarter_round(x[2], x[7], x[8], x[13]);
    quarter_round(x[3], x[4], x[9], x[14]);
  }
  for (int i = 0; i < 16; ++i) out[i] = x[i] + input[i];
}

// A finaliser with full avalanche (SplitMix64's), to fold clocks and addresses into the seed.
[[nodiscard]] constexpr std::uint64_t mix64(std::uint64_t z) noexcept {
  z += 0x9e3779b97f4a7c15ULL;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

#if BETWIRE_UUID_FORK_SAFE
inline std::atomic<std::uint64_t> uuid_fork_generation{0};
inline void uuid_after_fork_in_child() noexcept {
  uuid_fork_generation.fetch_add(1, std::memory_order_relaxed);
}
inline void register_uuid_fork_handler() noexcept {
  static const bool registered = ::pthread_atfork(nullptr, nullptr, &uuid_after_fork_in_child) == 0;
  static_cast<void>(registered);
}
#endif

// One per thread: a ChaCha20 keystream; each UUID takes 128 bits of it (four per block).
class uuid_random_source {
 public:
  constexpr uuid_random_source() noexcept = default;

  void next(std::uint32_t (&words)[4]) noexcept {
#if BETWIRE_UUID_FORK_SAFE
    const std::uint64_t generation = uuid_fork_generation.load(std::memory_order_relaxed);
    if (BETWIRE_UNLIKELY(!seeded_ || generation != generation_)) seed(generation);
#else
    if (BETWIRE_UNLIKELY(!seeded_)) seed(0);
#endif
    if (used_ == 16) refill();
    for (int i = 0; i < 4; ++i) {
      words[i] = block_[used_ + static_cast<unsigned>(i)];
      block_[used_ + static_cast<unsigned>(i)] = 0;  // handed-out key stream is not kept
    }
    used_ += 4;
  }

 private:
  void refill() noexcept {
    chacha20_block(key_, counter_, nonce_, block_);
    if (++counter_ == 0) ++nonce_[0];  // 2^32 blocks, then a fresh nonce: the stream never repeats
    used_ = 0;
  }

  void seed([[maybe_unused]] std::uint64_t generation) noexcept {
#if BETWIRE_UUID_FORK_SAFE
    register_uuid_fork_handler();
    generation_ = generation;
#endif
    std::uint32_t entropy[11] = {};  // key and nonce
    fill_from_os(entropy, sizeof entropy);
    // Fold in the clocks and this thread's own address: a broken entropy source then still gives
    // distinct streams per thread and per start.
    const auto wall = static_cast<std::uint64_t>(std::chrono::system_clock::now().time_since_epoch().count());
    const auto steady = static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
    const auto address = static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(this));
    const std::uint64_t extra[4] = {mix64(wall), mix64(steady ^ 0x5bd1e995ULL), mix64(address),
                                    mix64(wall ^ address ^ steady)};
    for (int i = 0; i < 8; ++i)
      key_[i] = entropy[i] ^ static_cast<std::uint32_t>(extra[i / 2] >> ((i % 2) * 32));
    for (int i = 0; i < 3; ++i) nonce_[i] = entropy[8 + i];
    counter_ = 0;
    used_ = 16;
    seeded_ = true;
  }

  static void fill_from_os(void* buffer, std::size_t size) noexcept {
#if defined(BETWIRE_UUID_ENTROPY_GETRANDOM)
    auto* bytes = static_cast<unsigned char*>(buffer);
    while (size != 0) {
      const auto got = ::getrandom(bytes, size, 0);
      if (got <= 0) return;  // EINTR or no entropy: the clocks and address mixed in still apply
      bytes += got;
      size -= static_cast<std::size_t>(got);
    }
#elif defined(BETWIRE_UUID_ENTROPY_ARC4RANDOM)
    ::arc4random_buf(buffer, size);
#else
    std::random_device device;
    auto* bytes = static_cast<unsigned char*>(buffer);
    for (std::size_t i = 0; i < size; i += 4) {
      const auto word = static_cast<std::uint32_t>(device());
      for (std::size_t k = 0; k < 4 && i + k < size; ++k) bytes[i + k] = static_cast<unsigned char>(word >> (8 * k));
    }
#endif
  }

  std::uint32_t key_[8] = {};
  std::uint32_t nonce_[3] = {};
  std::uint32_t counter_ = 0;
  std::uint32_t block_[16] = {};
  unsigned used_ = 16;
  bool seeded_ = false;
#if BETWIRE_UUID_FORK_SAFE
  std::uint64_t generation_ = 0;
#endif
};

}  // namespace detail

class uuid {
 public:
  static constexpr std::size_t text_size = 36;

  // The nil UUID, 00000000-0000-0000-0000-000000000000.
  constexpr uuid() noexcept {
    for (std::size_t i = 0; i < text_size; ++i) text_[i] = is_dash_position(i) ? '-' : '0';
  }

  // A fresh RFC 9562 version-4 UUID (122 random bits, version nibble 4, variant 10xx), lower-case.
  // Thread-safe without locks (one keystream per thread); after fork() the child reseeds.
  [[nodiscard]] static uuid generate() noexcept {
    constinit thread_local detail::uuid_random_source source;
    std::uint32_t words[4] = {};
    source.next(words);
    std::array<std::uint8_t, 16> bytes = {};
    for (std::size_t i = 0; i < 16; ++i) bytes[i] = static_cast<std::uint8_t>(words[i / 4] >> (8 * (i % 4)));
    bytes[6] = static_cast<std::uint8_t>((bytes[6] & 0x0FU) | 0x40U);  // version 4
    bytes[8] = static_cast<std::uint8_t>((bytes[8] & 0x3FU) | 0x80U);  // variant 10xx
    return from_bytes(bytes);
  }

  // The UUID with these 16 bytes (network order), written lower-case.
  [[nodiscard]] static constexpr uuid from_bytes(const std::array<std::uint8_t, 16>& bytes) noexcept {
    constexpr char hex[] = "0123456789abcdef";
    uuid out;
    std::size_t position = 0;
    for (std::size_t i = 0; i < 16; ++i) {
      if (is_dash_position(position)) ++position;
      out.text_[position++] = hex[bytes[i] >> 4];
      out.text_[position++] = hex[bytes[i] & 0x0F];
    }
    return out;
  }

  // 8-4-4-4-12 hex digits, either case, kept as written. errc::invalid_value otherwise (braces,
  // "urn:uuid:", missing dashes and surrounding spaces included); `out` is untouched on failure.
  [[nodiscard]] static constexpr errc from_chars(std::string_view text, uuid& out) noexcept {
    if (!is_valid(text)) return errc::invalid_value;
    for (std::size_t i = 0; i < text_size; ++i) out.text_[i] = text[i];
    return errc::none;
  }

  [[nodiscard]] static constexpr bool is_valid(std::string_view text) noexcept {
    if (text.size() != text_size) return false;
    for (std::size_t i = 0; i < text_size; ++i) {
      if (is_dash_position(i) ? text[i] != '-' : detail::hex_digit_value(text[i]) < 0) return false;
    }
    return true;
  }

  [[nodiscard]] static result<uuid> parse(std::string_view text) {
    uuid out;
    if (from_chars(text, out) == errc::none) return out;
    std::string message = "not a UUID (8-4-4-4-12 hex digits): \"";
    message.append(text.substr(0, 48));
    message += text.size() > 48 ? "...\"" : "\"";
    return fail(error(errc::invalid_value, std::move(message)));
  }

  // The 36 characters, as parsed or lower-case when generated.
  [[nodiscard]] constexpr std::string_view text() const noexcept { return {text_, text_size}; }

  [[nodiscard]] constexpr std::array<std::uint8_t, 16> bytes() const noexcept {
    std::array<std::uint8_t, 16> out = {};
    std::size_t position = 0;
    for (std::size_t i = 0; i < 16; ++i) {
      if (is_dash_position(position)) ++position;
      const int high = detail::hex_digit_value(text_[position++]);
      const int low = detail::hex_digit_value(text_[position++]);
      out[i] = static_cast<std::uint8_t>(high * 16 + low);
    }
    return out;
  }

  // The version nibble (4 for generate()) and whether the variant is RFC 9562's (10xx).
  [[nodiscard]] constexpr int version() const noexcept { return detail::hex_digit_value(text_[14]); }
  [[nodiscard]] constexpr bool is_rfc9562_variant() const noexcept {
    return (detail::hex_digit_value(text_[19]) & 0xC) == 0x8;
  }
  [[nodiscard]] constexpr bool is_nil() const noexcept { return *this == uuid(); }

  // Writes text(); returns the end, or nullptr when fewer than 36 bytes are available.
  constexpr char* to_chars(char* first, char* last) const noexcept {
    if (last - first < static_cast<std::ptrdiff_t>(text_size)) return nullptr;
    for (std::size_t i = 0; i < text_size; ++i) first[i] = text_[i];
    return first + text_size;
  }

  [[nodiscard]] std::string to_string() const { return std::string(text()); }

  // The same UUID, whatever the case of its hex digits.
  friend constexpr bool operator==(const uuid& a, const uuid& b) noexcept {
    for (std::size_t i = 0; i < text_size; ++i)
      if (lower(a.text_[i]) != lower(b.text_[i])) return false;
    return true;
  }
  // By value (the order of bytes()), so it is consistent with ==.
  friend constexpr std::strong_ordering operator<=>(const uuid& a, const uuid& b) noexcept {
    for (std::size_t i = 0; i < text_size; ++i) {
      const char x = lower(a.text_[i]);
      const char y = lower(b.text_[i]);
      if (x != y) return x <=> y;
    }
    return std::strong_ordering::equal;
  }

 private:
  [[nodiscard]] static constexpr bool is_dash_position(std::size_t i) noexcept {
    return i == 8 || i == 13 || i == 18 || i == 23;
  }
  [[nodiscard]] static constexpr char lower(char c) noexcept {
    return c >= 'A' && c <= 'F' ? static_cast<char>(c + ('a' - 'A')) : c;
  }

  char text_[text_size] = {};
};

// Streams text(). A template so that this header needs only <iosfwd>.
template <class CharT, class Traits>
std::basic_ostream<CharT, Traits>& operator<<(std::basic_ostream<CharT, Traits>& os, const uuid& value) {
  for (const char c : value.text()) os.put(os.widen(c));
  return os;
}

static_assert(sizeof(uuid) == 36);
static_assert(std::is_trivially_copyable_v<uuid>);

BETWIRE_END_NAMESPACE

#endif  // BETWIRE_CORE_UUID_HPP
