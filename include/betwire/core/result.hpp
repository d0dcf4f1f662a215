#ifndef BETWIRE_CORE_RESULT_HPP
#define BETWIRE_CORE_RESULT_HPP

// betwire::result<T>: the return type of every fallible call. It is std::expected<T, error> where
// the standard library has it, and a bundled type with the same interface under C++20.

#include <betwire/core/config.hpp>
#include <betwire/core/error.hpp>

#if BETWIRE_HAS_STD_EXPECTED
#  include <expected>
#else
#  include <cstdlib>
#  include <initializer_list>
#  include <memory>
#  include <new>
#  include <type_traits>
#  include <utility>
#  if BETWIRE_HAS_EXCEPTIONS
#    include <exception>
#  endif
#endif

BETWIRE_BEGIN_NAMESPACE

#if BETWIRE_HAS_STD_EXPECTED

using std::expected;
using std::unexpect;
using std::unexpect_t;
using std::unexpected;

#else

struct unexpect_t {
  explicit unexpect_t() = default;
};
inline constexpr unexpect_t unexpect{};

template <class E>
class unexpected {
 public:
  template <class Err = E>
    requires(!std::is_same_v<std::remove_cvref_t<Err>, unexpected> &&
             std::is_constructible_v<E, Err>)
  constexpr explicit unexpected(Err&& e) : error_(std::forward<Err>(e)) {}

  constexpr const E& error() const& noexcept { return error_; }
  constexpr E& error() & noexcept { return error_; }
  constexpr E&& error() && noexcept { return std::move(error_); }

 private:
  E error_;
};

template <class E>
unexpected(E) -> unexpected<E>;

#  if BETWIRE_HAS_EXCEPTIONS
class bad_result_access : public std::exception {
 public:
  const char* what() const noexcept override { return "betwire: value() of a result holding an error"; }
};
#  endif

namespace detail {
[[noreturn]] inline void throw_bad_result_access() {
#  if BETWIRE_HAS_EXCEPTIONS
  throw bad_result_access{};
#  else
  std::abort();
#  endif
}
}  // namespace detail

// A small std::expected for C++20: the subset of its interface that betwire and its users need,
// with the same names and semantics, so code written against it keeps compiling on C++23.
template <class T, class E>
class expected {
 public:
  using value_type = T;
  using error_type = E;
  using unexpected_type = unexpected<E>;

  constexpr expected()
    requires std::is_default_constructible_v<T>
      : value_(), has_value_(true) {}

  template <class U = T>
    requires(!std::is_same_v<std::remove_cvref_t<U>, expected> &&
             !std::is_same_v<std::remove_cvref_t<U>, std::in_place_t> &&
             !std::is_same_v<std::remove_cvref_t<U>, unexpect_t> &&
             std::is_constructible_v<T, U>)
  constexpr explicit(!std::is_convertible_v<U, T>) expected(U&& v)
      : value_(std::forward<U>(v)), has_value_(true) {}

  template <class G>
  constexpr expected(const unexpected<G>& e) : error_(e.error()), has_value_(false) {}
  template <class G>
  constexpr expected(unexpected<G>&& e) : error_(std::move(e).error()), has_value_(false) {}

  template <class... Args>
  constexpr explicit expected(std::in_place_t, Args&&... args)
      : value_(std::forward<Args>(args)...), has_value_(true) {}
  template <class... Args>
  constexpr explicit expected(unexpect_t, Args&&... args)
      : error_(std::forward<Args>(args)...), has_value_(false) {}

  constexpr expected(const expected& other) : has_value_(other.has_value_) {
    if (has_value_)
      std::construct_at(std::addressof(value_), other.value_);
    else
      std::construct_at(std::addressof(error_), other.error_);
  }
  constexpr expected(expected&& other) noexcept(std::is_nothrow_move_constructible_v<T> &&
                                                std::is_nothrow_move_constructible_v<E>)
      : has_value_(other.has_value_) {
    if (has_value_)
      std::construct_at(std::addressof(value_), std::move(other.value_));
    else
      std::construct_at(std::addressof(error_), std::move(other.error_));
  }

  constexpr expected& operator=(const expected& other) {
    if (this != &other) assign(other);
    return *this;
  }
  constexpr expected& operator=(expected&& other) noexcept(
      std::is_nothrow_move_constructible_v<T> && std::is_nothrow_move_constructible_v<E> &&
      std::is_nothrow_move_assignable_v<T> && std::is_nothrow_move_assignable_v<E>) {
    if (this != &other) assign(std::move(other));
    return *this;
  }
  template <class U = T>
    requires(!std::is_same_v<std::remove_cvref_t<U>, expected> && std::is_constructible_v<T, U> &&
             std::is_assignable_v<T&, U>)
  constexpr expected& operator=(U&& v) {
    if (has_value_) {
      value_ = std::forward<U>(v);
    } else {
      std::destroy_at(std::addressof(error_));
      std::construct_at(std::addressof(value_), std::forward<U>(v));
      has_value_ = true;
    }
    return *this;
  }
  template <class G>
  constexpr expected& operator=(unexpected<G> e) {
    if (has_value_) {
      std::destroy_at(std::addressof(value_));
      std::construct_at(std::addressof(error_), std::move(e).error());
      has_value_ = false;
    } else {
      error_ = std::move(e).error();
    }
    return *this;
  }

  constexpr ~expected() {
    if (has_value_)
      std::destroy_at(std::addressof(value_));
    else
      std::destroy_at(std::addressof(error_));
  }

  template <class... Args>
  constexpr T& emplace(Args&&... args) {
    if (has_value_)
      std::destroy_at(std::addressof(value_));
    else
      std::destroy_at(std::addressof(error_));
    std::construct_at(std::addressof(value_), std::forward<Args>(args)...);
    has_value_ = true;
    return value_;
  }

  constexpr bool has_value() const noexcept { return has_value_; }
  constexpr explicit operator bool() const noexcept { return has_value_; }

  constexpr const T* operator->() const noexcept { return std::addressof(value_); }
  constexpr T* operator->() noexcept { return std::addressof(value_); }
  constexpr const T& operator*() const& noexcept { return value_; }
  constexpr T& operator*() & noexcept { return value_; }
  constexpr T&& operator*() && noexcept { return std::move(value_); }

  constexpr const T& value() const& {
    if (!has_value_) detail::throw_bad_result_access();
    return value_;
  }
  constexpr T& value() & {
    if (!has_value_) detail::throw_bad_result_access();
    return value_;
  }
  constexpr T&& value() && {
    if (!has_value_) detail::throw_bad_result_access();
    return std::move(value_);
  }

  constexpr const E& error() const& noexcept { return error_; }
  constexpr E& error() & noexcept { return error_; }
  constexpr E&& error() && noexcept { return std::move(error_); }

  template <class U>
  constexpr T value_or(U&& fallback) const& {
    return has_value_ ? value_ : static_cast<T>(std::forward<U>(fallback));
  }
  template <class U>
  constexpr T value_or(U&& fallback) && {
    return has_value_ ? std::move(value_) : static_cast<T>(std::forward<U>(fallback));
  }

 private:
  template <class Other>
  constexpr void assign(Other&& other) {
    if (has_value_ && other.has_value_) {
      value_ = std::forward<Other>(other).value_;
    } else if (!has_value_ && !other.has_value_) {
      error_ = std::forward<Other>(other).error_;
    } else if (has_value_) {
      std::destroy_at(std::addressof(value_));
      std::construct_at(std::addressof(error_), std::forward<Other>(other).error_);
      has_value_ = false;
    } else {
      std::destroy_at(std::addressof(error_));
      std::construct_at(std::addressof(value_), std::forward<Other>(other).value_);
      has_value_ = true;
    }
  }

  union {
    T value_;
    E error_;
  };
  bool has_value_;
};

template <class E>
class expected<void, E> {
 public:
  using value_type = void;
  using error_type = E;
  using unexpected_type = unexpected<E>;

  constexpr expected() noexcept : has_value_(true) {}
  constexpr explicit expected(std::in_place_t) noexcept : has_value_(true) {}
  template <class G>
  constexpr expected(const unexpected<G>& e) : error_(e.error()), has_value_(false) {}
  template <class G>
  constexpr expected(unexpected<G>&& e) : error_(std::move(e).error()), has_value_(false) {}
  template <class... Args>
  constexpr explicit expected(unexpect_t, Args&&... args)
      : error_(std::forward<Args>(args)...), has_value_(false) {}

  constexpr expected(const expected& other) : has_value_(other.has_value_) {
    if (!has_value_) std::construct_at(std::addressof(error_), other.error_);
  }
  constexpr expected(expected&& other) noexcept(std::is_nothrow_move_constructible_v<E>)
      : has_value_(other.has_value_) {
    if (!has_value_) std::construct_at(std::addressof(error_), std::move(other.error_));
  }
  constexpr expected& operator=(const expected& other) {
    if (this != &other) assign(other);
    return *this;
  }
  constexpr expected& operator=(expected&& other) noexcept(
      std::is_nothrow_move_constructible_v<E> && std::is_nothrow_move_assignable_v<E>) {
    if (this != &other) assign(std::move(other));
    return *this;
  }
  template <class G>
  constexpr expected& operator=(unexpected<G> e) {
    if (has_value_) {
      std::construct_at(std::addressof(error_), std::move(e).error());
      has_value_ = false;
    } else {
      error_ = std::move(e).error();
    }
    return *this;
  }
  constexpr ~expected() {
    if (!has_value_) std::destroy_at(std::addressof(error_));
  }

  constexpr void emplace() noexcept {
    if (!has_value_) {
      std::destroy_at(std::addressof(error_));
      has_value_ = true;
    }
  }

  constexpr bool has_value() const noexcept { return has_value_; }
  constexpr explicit operator bool() const noexcept { return has_value_; }
  constexpr void operator*() const noexcept {}
  constexpr void value() const {
    if (!has_value_) detail::throw_bad_result_access();
  }
  constexpr const E& error() const& noexcept { return error_; }
  constexpr E& error() & noexcept { return error_; }
  constexpr E&& error() && noexcept { return std::move(error_); }

 private:
  template <class Other>
  constexpr void assign(Other&& other) {
    if (!has_value_ && !other.has_value_) {
      error_ = std::forward<Other>(other).error_;
    } else if (!has_value_) {
      std::destroy_at(std::addressof(error_));
      has_value_ = true;
    } else if (!other.has_value_) {
      std::construct_at(std::addressof(error_), std::forward<Other>(other).error_);
      has_value_ = false;
    }
  }

  union {
    E error_;
  };
  bool has_value_;
};

#endif  // BETWIRE_HAS_STD_EXPECTED

// Every fallible betwire call returns result<T>; result<void> for calls with nothing to return.
template <class T>
using result = expected<T, error>;

// Shorthand for the error path: `return betwire::fail(errc::missing_filter, "…");`
[[nodiscard]] inline unexpected<error> fail(error e) { return unexpected<error>(std::move(e)); }

BETWIRE_END_NAMESPACE

#endif  // BETWIRE_CORE_RESULT_HPP
