// A counting global operator new/delete for tests and benchmarks.
//
// Replaceable allocation functions must be defined in exactly one translation unit of a program,
// so this header only declares the counters unless BETWIRE_DEFINE_COUNTING_NEW is defined before
// it is included; do that in one .cpp file of the program:
//
//   #define BETWIRE_DEFINE_COUNTING_NEW
//   #include "counting_allocator.hpp"
//
//   const auto before = betwire_test::allocation_count();
//   ... code under test ...
//   EXPECT_EQ(betwire_test::allocation_count() - before, 0u);
//
// or, for one region: `auto n = betwire_test::count_allocations([&] { ... });`.
//
// Every form of operator new is counted (plain, array, nothrow, aligned); the deletes count
// deallocations. The counters are process-wide atomics: a test that counts must not run code on
// other threads meanwhile.
#ifndef BETWIRE_TESTS_SUPPORT_COUNTING_ALLOCATOR_HPP
#define BETWIRE_TESTS_SUPPORT_COUNTING_ALLOCATOR_HPP

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>
#include <utility>

namespace betwire_test {

namespace detail {
inline std::atomic<std::size_t> allocations{0};
inline std::atomic<std::size_t> deallocations{0};
inline std::atomic<std::size_t> allocated_bytes{0};
}  // namespace detail

// Number of operator new calls (of any form) since the program started.
inline std::size_t allocation_count() noexcept { return detail::allocations.load(std::memory_order_relaxed); }
// Number of operator delete calls with a non-null pointer.
inline std::size_t deallocation_count() noexcept { return detail::deallocations.load(std::memory_order_relaxed); }
// Bytes requested from operator new since the program started.
inline std::size_t allocated_bytes() noexcept { return detail::allocated_bytes.load(std::memory_order_relaxed); }

// True when this program defines the counting operator new (otherwise the counters stay at zero
// and a test asserting "no allocation" would prove nothing).
#if defined(BETWIRE_DEFINE_COUNTING_NEW)
inline constexpr bool counting_enabled = true;
#else
inline constexpr bool counting_enabled = false;
#endif

// Calls f() and returns how many allocations it made.
template <class F>
std::size_t count_allocations(F&& f) {
  const std::size_t before = allocation_count();
  std::forward<F>(f)();
  return allocation_count() - before;
}

// Calls call() a few times to warm its buffers (each call must succeed: a failing call proves
// nothing about the warm path, so it aborts), then returns how many allocations `runs` more calls
// made.
template <class Call>
std::size_t warm_then_count(Call&& call, int runs = 20) {
  for (int i = 0; i < 4; ++i)
    if (!call()) std::abort();
  return count_allocations([&] {
    for (int i = 0; i < runs; ++i)
      if (!call()) std::abort();
  });
}

}  // namespace betwire_test

#if defined(BETWIRE_DEFINE_COUNTING_NEW)

namespace betwire_test::detail {
// Out of line, so that the compiler cannot pair an inlined free() with a visible operator new and
// warn about mismatched allocation functions.
__attribute__((noinline)) inline void* counted_alloc(std::size_t size, std::size_t alignment) noexcept {
  allocations.fetch_add(1, std::memory_order_relaxed);
  allocated_bytes.fetch_add(size, std::memory_order_relaxed);
  if (size == 0) size = 1;
  if (alignment <= alignof(std::max_align_t)) return std::malloc(size);
  void* p = nullptr;
  if (posix_memalign(&p, alignment, size) != 0) return nullptr;
  return p;
}
__attribute__((noinline)) inline void counted_free(void* p) noexcept {
  if (p == nullptr) return;
  deallocations.fetch_add(1, std::memory_order_relaxed);
  std::free(p);
}
[[noreturn]] inline void out_of_memory() noexcept { std::abort(); }
}  // namespace betwire_test::detail

__attribute__((noinline)) void* operator new(std::size_t size) {
  if (void* p = betwire_test::detail::counted_alloc(size, 0)) return p;
  betwire_test::detail::out_of_memory();
}
__attribute__((noinline)) void* operator new[](std::size_t size) {
  if (void* p = betwire_test::detail::counted_alloc(size, 0)) return p;
  betwire_test::detail::out_of_memory();
}
__attribute__((noinline)) void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return betwire_test::detail::counted_alloc(size, 0);
}
__attribute__((noinline)) void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return betwire_test::detail::counted_alloc(size, 0);
}
__attribute__((noinline)) void* operator new(std::size_t size, std::align_val_t al) {
  if (void* p = betwire_test::detail::counted_alloc(size, static_cast<std::size_t>(al))) return p;
  betwire_test::detail::out_of_memory();
}
__attribute__((noinline)) void* operator new[](std::size_t size, std::align_val_t al) {
  if (void* p = betwire_test::detail::counted_alloc(size, static_cast<std::size_t>(al))) return p;
  betwire_test::detail::out_of_memory();
}
__attribute__((noinline)) void* operator new(std::size_t size, std::align_val_t al, const std::nothrow_t&) noexcept {
  return betwire_test::detail::counted_alloc(size, static_cast<std::size_t>(al));
}
__attribute__((noinline)) void* operator new[](std::size_t size, std::align_val_t al, const std::nothrow_t&) noexcept {
  return betwire_test::detail::counted_alloc(size, static_cast<std::size_t>(al));
}

__attribute__((noinline)) void operator delete(void* p) noexcept { betwire_test::detail::counted_free(p); }
__attribute__((noinline)) void operator delete[](void* p) noexcept { betwire_test::detail::counted_free(p); }
__attribute__((noinline)) void operator delete(void* p, std::size_t) noexcept { betwire_test::detail::counted_free(p); }
__attribute__((noinline)) void operator delete[](void* p, std::size_t) noexcept { betwire_test::detail::counted_free(p); }
__attribute__((noinline)) void operator delete(void* p, const std::nothrow_t&) noexcept { betwire_test::detail::counted_free(p); }
__attribute__((noinline)) void operator delete[](void* p, const std::nothrow_t&) noexcept { betwire_test::detail::counted_free(p); }
__attribute__((noinline)) void operator delete(void* p, std::align_val_t) noexcept { betwire_test::detail::counted_free(p); }
__attribute__((noinline)) void operator delete[](void* p, std::align_val_t) noexcept { betwire_test::detail::counted_free(p); }
__attribute__((noinline)) void operator delete(void* p, std::size_t, std::align_val_t) noexcept {
  betwire_test::detail::counted_free(p);
}
__attribute__((noinline)) void operator delete[](void* p, std::size_t, std::align_val_t) noexcept {
  betwire_test::detail::counted_free(p);
}
__attribute__((noinline)) void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  betwire_test::detail::counted_free(p);
}
__attribute__((noinline)) void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept {
  betwire_test::detail::counted_free(p);
}

#endif  // BETWIRE_DEFINE_COUNTING_NEW

#endif  // BETWIRE_TESTS_SUPPORT_COUNTING_ALLOCATOR_HPP
