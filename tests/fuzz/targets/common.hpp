// Shared checks of the fuzz targets (tests/fuzz). Each target is a function
// `int fuzz_<name>(const std::uint8_t*, std::size_t)` in its own header; tests/fuzz/<name>.cpp makes
// it a libFuzzer entry point (tools/fuzz.sh builds and runs them).
//
// A failed check prints what broke and aborts: libFuzzer saves the input as a crash.

#ifndef BETWIRE_FUZZ_COMMON_HPP
#define BETWIRE_FUZZ_COMMON_HPP

#include <betwire/betwire.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <type_traits>

namespace betwire::fuzz {

[[noreturn]] inline void broken(const char* what, std::string_view detail = {}) {
  std::fprintf(stderr, "fuzz check failed: %s\n", what);
  if (!detail.empty()) std::fprintf(stderr, "  %.*s\n", static_cast<int>(detail.size() > 2000 ? 2000 : detail.size()), detail.data());
  std::abort();
}

inline void check(bool ok, const char* what) {
  if (!ok) broken(what);
}

// The detail text is built only when the check fails (it may read an error that exists only then).
template <class Detail>
inline void check(bool ok, const char* what, Detail&& detail) {
  if (!ok) {
    if constexpr (std::is_invocable_v<Detail>) broken(what, std::string(detail()));
    else broken(what, std::string_view(detail));
  }
}

// A decode error of `doc` is where it says: offset inside the document, line and column counted
// from the document's start (every line break before the offset is whitespace the reader counted),
// an excerpt that is a printable piece of the document's line around it.
inline void check_decode_error_position(const error& e, std::string_view doc) {
  if (e.category != error_category::decode || e.line == 0) return;
  check(e.offset <= doc.size(), "error offset past the document", [&] { return e.describe(); });
  std::uint32_t line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < e.offset; ++i)
    if (doc[i] == '\n') ++line, line_start = i + 1;
  check(e.line == line, "error line disagrees with its offset", [&] { return e.describe(); });
  check(e.column == e.offset - line_start + 1, "error column disagrees with its offset", [&] { return e.describe(); });
  check(e.excerpt.size() <= 160, "excerpt too long", [&] { return e.describe(); });
  for (char ch : e.excerpt) check(static_cast<unsigned char>(ch) >= 0x20 && ch != 0x7F, "excerpt not printable", [&] { return e.describe(); });
  check(e.caret <= e.excerpt.size(), "caret past the excerpt", [&] { return e.describe(); });
}

template <class T>
std::string encoded(const T& value) {
  std::string out;
  if (!json::encode(value, out)) out = "<not encodable>";
  return out;
}

// Both errors of one input read twice (two models, two readers) agree on what and where.
inline void check_same_error(const error& a, const error& b, std::string_view doc) {
  check(a.code == b.code && a.category == b.category, "the two decodes fail differently", [&] { return a.describe() + "\n  vs\n  " + b.describe(); });
  check(a.offset == b.offset && a.path == b.path, "the two decodes fail at different places", [&] { return a.describe() + "\n  vs\n  " + b.describe(); });
  (void)doc;
}

// One response body through an endpoint in its view model (E<std::string_view>) and its owning
// model (E<std::string>), under `status`: both succeed or fail alike; successes encode to the same
// text; a plain JSON response re-decodes from that text to the same value; errors are positioned
// right and never empty.
template <template <class> class E>
void venue_response(std::string_view body, int status) {
  using view_ep = E<std::string_view>;
  using own_ep = E<std::string>;
  http::response rv;
  http::response ro;
  rv.status = ro.status = status;
  rv.body.assign(body);
  ro.body.assign(body);
  typename view_ep::response_type view{};
  typename own_ep::response_type owned{};
  const result<void> a = http::read_response<view_ep>(rv, view);
  const result<void> b = http::read_response<own_ep>(ro, owned);
  check(a.has_value() == b.has_value(), "view and owning decode disagree",
        [&] { return a ? b.error().describe() : a.error().describe(); });
  if (!a) {
    check_same_error(a.error(), b.error(), body);
    check(a.error().http_status == status, "error without the HTTP status", [&] { return a.error().describe(); });
    check(!a.error().describe().empty(), "empty error text");
    if (http::is_success(status)) check_decode_error_position(a.error(), body);
    return;
  }
  check(http::is_success(status), "a non-2xx answer decoded as success");
  const std::string ev = encoded(view);
  const std::string eo = encoded(owned);
  check(ev == eo, "view and owning decode to different values", [&] { return ev + "\n  vs\n  " + eo; });
  if constexpr (!http::detail::has_decode<own_ep> && !std::is_same_v<typename own_ep::response_type, http::none>) {
    if (eo != "<not encodable>") {
      std::string again = eo;
      typename own_ep::response_type back{};
      const result<void> c = json::decode(again, back);
      check(c.has_value(), "encode -> decode fails", [&] { return c ? std::string() : c.error().describe() + "\n  " + eo; });
      check(encoded(back) == eo, "encode -> decode is not the identity", [&] { return encoded(back) + "\n  vs\n  " + eo; });
    }
  }
}

// The status a venue target tries an input under, from its first byte.
inline int status_of(std::uint8_t selector) {
  constexpr int statuses[] = {200, 200, 200, 200, 400, 401, 404, 409, 422, 429, 500, 502};
  return statuses[(selector >> 4) % (sizeof statuses / sizeof statuses[0])];
}

}  // namespace betwire::fuzz

#endif  // BETWIRE_FUZZ_COMMON_HPP
