#ifndef BETWIRE_HTTP_PAGES_HPP
#define BETWIRE_HTTP_PAGES_HPP

// http::page_range: the pages of a cursor-paginated listing as an input range.
//
//   for (auto&& page : client.orders_pages(filter)) {   // each element: http::reply<Page>&
//     if (!page) { report(page.error()); break; }
//     use(page->orders);
//   }
//
// The same Page object is decoded into on every step, so a loop over *_view pages allocates
// nothing once warm (and views live until the next step). An error is shown as the last element,
// never swallowed; so is a loop (a cursor that comes back, however many pages later). How the cursor
// moves is a venue's policy:
//
//   struct policy {
//     // Reads the next cursor from `page` into `cursor` (which holds the one just sent, empty on
//     // the first page). Returns done, next, or stuck with `why` set (a cursor that does not move
//     // would loop for ever).
//     template <class Page>
//     static page_step advance(const Page& page, std::optional<Cursor>& cursor, const char*& why);
//   };

#include <betwire/core/config.hpp>
#include <betwire/core/error.hpp>
#include <betwire/core/result.hpp>
#include <betwire/http/endpoint.hpp>

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <utility>

BETWIRE_BEGIN_NAMESPACE
namespace http {

enum class page_step : std::uint8_t { done, next, stuck };

namespace detail {

// Brent's cycle detection over the cursors a listing sends: a checkpoint cursor is kept, replaced
// after 1, 2, 4, ... steps, and every new cursor is compared with it. A loop of any length (A, B,
// A, B, ...) is found within about twice its length plus the pages before it, in O(1) memory; a
// policy sees only the cursor just sent. Used by page_range and http::cursor_pages.
template <class Cursor>
struct cursor_loop {
  std::optional<Cursor> checkpoint{};
  std::size_t power = 1;
  std::size_t steps = 0;

  // True when `cursor`, the next one to send, repeats an earlier one.
  bool repeats(const Cursor& cursor) {
    if (checkpoint.has_value() && *checkpoint == cursor) return true;
    if (++steps == power) {
      if (checkpoint.has_value()) *checkpoint = cursor;  // reuses its capacity
      else checkpoint.emplace(cursor);
      power *= 2;
      steps = 0;
    }
    return false;
  }
};

// The input iterator of a page range (page_range, cursor_range): `*it` is the range's current
// element, `++it` asks the range for the next one (range.advance() is false when the listing is
// over), and the iterator then equals the default sentinel.
template <class Range>
class page_iterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using difference_type = std::ptrdiff_t;
  using value_type = typename Range::value_type;
  using reference = value_type&;

  page_iterator() = default;
  explicit page_iterator(Range* r) noexcept : range_(r) {}
  reference operator*() const { return range_->current_; }
  value_type* operator->() const { return &range_->current_; }
  page_iterator& operator++() {
    if (!range_->advance()) range_ = nullptr;
    return *this;
  }
  void operator++(int) { ++*this; }
  friend bool operator==(const page_iterator& a, std::default_sentinel_t) noexcept { return a.range_ == nullptr; }

 private:
  Range* range_ = nullptr;
};

inline constexpr const char* pages_loop_message =
    "nextCursor repeats an earlier cursor: the pages loop, pagination stopped";

}  // namespace detail

// Fetch: reply<void>(const std::optional<Cursor>& cursor, Page& page), decoding one page.
template <class Page, class Cursor, class Policy, class Fetch>
class page_range {
 public:
  using value_type = reply<Page>;

  explicit page_range(Fetch fetch) : fetch_(std::move(fetch)) {}

  using iterator = detail::page_iterator<page_range>;

  // Input range: iterate once.
  iterator begin() {
    if (started_) return iterator{nullptr};
    started_ = true;
    fetch_page();
    return iterator{this};
  }
  std::default_sentinel_t end() const noexcept { return {}; }

  // Pages fetched so far.
  [[nodiscard]] std::size_t pages() const noexcept { return pages_; }

 private:
  friend iterator;

  void fetch_page() {
    Page page = current_.has_value() ? std::move(*current_) : Page{};  // moves keep capacity
    reply<void> r = fetch_(cursor_, page);
    ++pages_;
    if (r)
      current_ = value_type(result<Page>(std::move(page)), r.info());
    else
      current_ = value_type(fail(std::move(r).error()), r.info());
  }

  // Moves to the next page; false when the loop is over.
  bool advance() {
    if (!current_.has_value()) return false;
    const char* why = "";
    switch (Policy::advance(*current_, cursor_, why)) {
      case page_step::done: return false;
      case page_step::stuck:
        current_ = value_type(fail(error(error_category::decode, errc::invalid_value, why)), current_.info());
        return true;  // the error is shown as one more element
      case page_step::next: break;
    }
    if (loops()) {
      current_ = value_type(fail(error(error_category::decode, errc::invalid_value, detail::pages_loop_message)),
                            current_.info());
      return true;
    }
    fetch_page();
    return true;
  }

  bool loops() { return cursor_.has_value() && loop_.repeats(*cursor_); }

  Fetch fetch_;
  value_type current_{result<Page>(Page{}), {}};
  std::optional<Cursor> cursor_{};
  detail::cursor_loop<Cursor> loop_{};
  std::size_t pages_ = 0;
  bool started_ = false;
};

}  // namespace http
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_HTTP_PAGES_HPP
