#ifndef BETWIRE_CORE_CONFIG_HPP
#define BETWIRE_CORE_CONFIG_HPP

#include <betwire/version.hpp>

#if __cplusplus < 202002L && !defined(_MSVC_LANG)
#  error "betwire needs C++20 or later"
#endif

#include <version>

// betwire::result<T> is std::expected when the standard library has it, a bundled equivalent
// otherwise. The two are different types, so the choice is part of the ABI namespace: a program
// that mixes C++20 and C++23 translation units links two distinct sets of symbols instead of
// silently violating the one-definition rule.
#if defined(__cpp_lib_expected) && __cpp_lib_expected >= 202202L && !defined(BETWIRE_BUNDLED_EXPECTED)
#  define BETWIRE_HAS_STD_EXPECTED 1
#  define BETWIRE_ABI_NAMESPACE v0_stdexp
#else
#  define BETWIRE_HAS_STD_EXPECTED 0
#  define BETWIRE_ABI_NAMESPACE v0
#endif

#define BETWIRE_BEGIN_NAMESPACE \
  namespace betwire {           \
  inline namespace BETWIRE_ABI_NAMESPACE {
#define BETWIRE_END_NAMESPACE \
  }                           \
  }

#if defined(__cpp_exceptions) || defined(__EXCEPTIONS)
#  define BETWIRE_HAS_EXCEPTIONS 1
#else
#  define BETWIRE_HAS_EXCEPTIONS 0
#endif

#if defined(__GNUC__) || defined(__clang__)
#  define BETWIRE_LIKELY(...) __builtin_expect(!!(__VA_ARGS__), 1)
#  define BETWIRE_UNLIKELY(...) __builtin_expect(!!(__VA_ARGS__), 0)
#  define BETWIRE_ALWAYS_INLINE inline __attribute__((always_inline))
#  define BETWIRE_NOINLINE __attribute__((noinline))
#else
#  define BETWIRE_LIKELY(...) (__VA_ARGS__)
#  define BETWIRE_UNLIKELY(...) (__VA_ARGS__)
#  define BETWIRE_ALWAYS_INLINE inline
#  define BETWIRE_NOINLINE
#endif

#endif  // BETWIRE_CORE_CONFIG_HPP
