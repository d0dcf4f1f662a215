#ifndef BETWIRE_HTTP_OPERATIONS_HPP
#define BETWIRE_HTTP_OPERATIONS_HPP

// The venue-neutral parts of the composite operations (machines, http/concurrent.hpp):
//
// * http::cancel_ledger: per-id and per-request bookkeeping of a cancelling operation. Every id is
//   in exactly one cancel_state; every request is not_sent, sent (no answer yet), answered (the
//   venue spoke: its items are cancelled / not_cancelled) or failed (no usable answer). A caller
//   that lost its transport part-way reads exactly which ids to send again (resume_ids()): those
//   never sent and those whose request failed; never one the venue already decided.
// * http::cursor_pages<E, Cursor, Policy>: several independent cursor-paginated listings (one
//   "chain" per query: ABP orders by id set, PredictStreet open orders per market), each following
//   its own cursor, all chains in flight at once. One request per chain at a time (a keyset cursor
//   is known only from the page before it).
// * http::drive(machine, core): the blocking driver the clients' composite calls use: one request
//   at a time through an http::client core (client::drive), so a driven call honours the core's
//   deadline, retry policy and observer, and last_response() / describe_last_request() show its
//   last request, as any call's. One implementation of each operation (the machine), not two.
//   http::drive_cancels adds a client's setup error (nothing sent, every id failed with it).
//   http::drive(machine, transport, options): the same over a bare transport (a pipeline over a
//   serial transport), for machines without a client core.
// * http::cursor_range<E, Cursor, Policy, T>: one cursor-paginated listing as an input range of
//   pages, a cursor_pages machine stepped through a client core one page per increment: the
//   clients' *_pages calls.

#include <betwire/core/config.hpp>
#include <betwire/core/error.hpp>
#include <betwire/core/result.hpp>
#include <betwire/http/client.hpp>
#include <betwire/http/concurrent.hpp>
#include <betwire/http/endpoint.hpp>
#include <betwire/http/pages.hpp>
#include <betwire/http/transport.hpp>

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

BETWIRE_BEGIN_NAMESPACE
namespace http {

// ---- cancel bookkeeping --------------------------------------------------------------------------

// One id of a cancelling operation.
struct cancel_item {
  std::string id;
  cancel_state state = cancel_state::not_sent;
  std::string reason;                  // not_cancelled: the venue's reason (code or message)
  std::optional<betwire::error> error; // failed or not_cancelled: the error as received (scrubbed)
  std::size_t request = 0;             // index of the request that carries it
};

enum class request_state : std::uint8_t { not_sent, sent, answered, failed };

[[nodiscard]] constexpr std::string_view to_string(request_state s) noexcept {
  switch (s) {
    case request_state::not_sent: return "not sent";
    case request_state::sent: return "sent";
    case request_state::answered: return "answered";
    case request_state::failed: return "failed";
  }
  return "?";
}

// One request of a cancelling operation: the ids [first, first + count) of the ledger.
struct cancel_request_record {
  std::size_t first = 0;
  std::size_t count = 0;
  request_state state = request_state::not_sent;
  reply_info info{};                   // status, rate limits, attempts of its final answer
  std::optional<betwire::error> error; // failed: why
};

class cancel_ledger {
 public:
  struct counts {
    std::size_t not_sent = 0, in_flight = 0, cancelled = 0, not_cancelled = 0, failed = 0;
    [[nodiscard]] std::size_t total() const noexcept {
      return not_sent + in_flight + cancelled + not_cancelled + failed;
    }
  };

  // Appends an id (state not_sent, request `request`).
  void add(std::string_view id, std::size_t request) {
    cancel_item it;
    it.id.assign(id);
    it.request = request;
    items_.push_back(std::move(it));
    ++counts_.not_sent;
  }
  // Appends a request covering the ids [first, first + count).
  std::size_t add_request(std::size_t first, std::size_t count) {
    requests_.push_back(cancel_request_record{first, count, request_state::not_sent, {}, {}});
    return requests_.size() - 1;
  }

  void set(std::size_t item, cancel_state s) {
    cancel_item& it = items_[item];
    slot(it.state) -= 1;
    it.state = s;
    slot(s) += 1;
  }
  void set_request(std::size_t request, request_state s) { requests_[request].state = s; }

  // Every id of request r takes state s (in_flight when sent, failed on no usable answer).
  void set_all(std::size_t request, cancel_state s, const std::optional<betwire::error>& e = {}) {
    const cancel_request_record& r = requests_[request];
    for (std::size_t i = r.first; i < r.first + r.count; ++i) {
      set(i, s);
      if (e) items_[i].error = e;
    }
  }

  // Every id the venue has not decided (not sent, in flight, failed) becomes failed with `e`, and
  // every request not answered failed with it: an operation refused before anything was sent (a
  // client's setup error), or given up on with its transport.
  void fail_all(const betwire::error& e) {
    for (std::size_t i = 0; i < items_.size(); ++i) {
      const cancel_state s = items_[i].state;
      if (s == cancel_state::cancelled || s == cancel_state::not_cancelled) continue;
      set(i, cancel_state::failed);
      items_[i].error = e;
    }
    for (cancel_request_record& r : requests_) {
      if (r.state == request_state::answered) continue;
      r.state = request_state::failed;
      r.error = e;
    }
  }

  void reserve(std::size_t items, std::size_t requests) {
    items_.reserve(items);
    requests_.reserve(requests);
  }

  [[nodiscard]] const std::vector<cancel_item>& items() const noexcept { return items_; }
  [[nodiscard]] std::vector<cancel_item>& items() noexcept { return items_; }
  [[nodiscard]] const std::vector<cancel_request_record>& requests() const noexcept { return requests_; }
  [[nodiscard]] std::vector<cancel_request_record>& requests() noexcept { return requests_; }
  [[nodiscard]] const counts& tally() const noexcept { return counts_; }

  // Every id decided by the venue or given up on (nothing not_sent or in flight).
  [[nodiscard]] bool settled() const noexcept { return counts_.not_sent == 0 && counts_.in_flight == 0; }

  // The ids to send again to finish the job: never sent, or sent without a usable answer. An id the
  // venue answered (cancelled or not) is never among them; one still in flight is not either (its
  // answer may yet come: wait for it, or treat it as failed if the transport is gone).
  [[nodiscard]] std::vector<std::string> resume_ids() const {
    std::vector<std::string> out;
    for (const cancel_item& it : items_)
      if (it.state == cancel_state::not_sent || it.state == cancel_state::failed) out.push_back(it.id);
    return out;
  }

  // The index of `id`, or npos.
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  [[nodiscard]] std::size_t find(std::string_view id, std::size_t from = 0, std::size_t count = npos) const noexcept {
    const std::size_t end = count == npos || from + count > items_.size() ? items_.size() : from + count;
    for (std::size_t i = from; i < end; ++i)
      if (items_[i].id == id) return i;
    return npos;
  }

 private:
  std::size_t& slot(cancel_state s) noexcept {
    switch (s) {
      case cancel_state::not_sent: return counts_.not_sent;
      case cancel_state::in_flight: return counts_.in_flight;
      case cancel_state::cancelled: return counts_.cancelled;
      case cancel_state::not_cancelled: return counts_.not_cancelled;
      case cancel_state::failed: break;
    }
    return counts_.failed;
  }

  std::vector<cancel_item> items_;
  std::vector<cancel_request_record> requests_;
  counts counts_{};
};

namespace detail {

// Reads an answer as a machine's hook says (a cancel-all's Record, a listing's pagination Policy):
// its `read<E, O>` when it has one, else its `read<E>` (only under the default options: a hook that
// cannot take them must not silently drop them), else read_response<E, O>.
template <endpoint E, json::read_options O, class Hook>
result<void> read_with_hook(response& r, response_t<E>& answer) {
  if constexpr (requires { Hook::template read<E, O>(r, answer); }) {
    return Hook::template read<E, O>(r, answer);
  } else if constexpr (requires { Hook::template read<E>(r, answer); }) {
    static_assert(O == json::read_options{},
                  "betwire: this hook's read (a recorder's or a pagination policy's) takes no "
                  "json::read_options; declare it as template <endpoint E, json::read_options O> "
                  "static result<void> read(response&, response_t<E>&)");
    return Hook::template read<E>(r, answer);
  } else {
    return read_response<E, O>(r, answer);
  }
}

}  // namespace detail

// ---- one request whose answer lists the ids (a venue's cancel-all) ----------------------------

// E: the endpoint; Record: void(const response_t<E>& answer, cancel_ledger& ledger, std::size_t
// request) adds every id the answer names to the ledger with its state. Record may also say how
// the answer is read, with `template <endpoint E> static result<void> read(response&,
// response_t<E>&)` (ABP: a 404 "nothing matched" is an empty answer; a template on
// json::read_options O too, to read under the operation's options), else read_response<E, O>. The request is re-sent by
// the pipeline under its retry policy; a failure leaves state() failed and error_state() set (send
// it again: the venues' cancel-alls are idempotent). O: how the answer is decoded
// (read_response<E, O>).
template <endpoint E, class Record, json::read_options O = json::read_options{}>
class one_shot_cancel {
 public:
  explicit one_shot_cancel(request_t<E> req = {}, Record record = {})
      : req_(std::move(req)), record_(std::move(record)) {}

  next_step next(outgoing& out) {
    if (state_ != request_state::not_sent) return state_ == request_state::sent ? next_step::wait : next_step::done;
    if (auto b = build_request<E>(req_, out.buffers, out.request); !b) {
      state_ = request_state::failed;
      error_ = std::move(b).error();
      return next_step::done;
    }
    out.id = 0;
    out.endpoint = E::path;
    state_ = request_state::sent;
    return next_step::send;
  }

  void complete(answer& a) {
    if (state_ != request_state::sent) return;
    info_ = a.info;
    if (!a.sent) {
      state_ = request_state::failed;
      error_ = a.scrub(a.sent.error());
      return;
    }
    if (auto d = read_answer(a.resp, view_); !d) {
      state_ = request_state::failed;
      error_ = a.scrub(std::move(d).error());
      return;
    }
    state_ = request_state::answered;
    const std::size_t r = ledger_.add_request(0, 0);
    ledger_.set_request(r, request_state::answered);
    record_(view_, ledger_, r);
    ledger_.requests()[r].count = ledger_.items().size();
    ledger_.requests()[r].info = info_;
  }

  // not_sent, sent, answered (the ledger holds what the venue said) or failed.
  [[nodiscard]] request_state state() const noexcept { return state_; }
  [[nodiscard]] const std::optional<error>& error_state() const noexcept { return error_; }
  [[nodiscard]] const cancel_ledger& ledger() const noexcept { return ledger_; }
  [[nodiscard]] const reply_info& info() const noexcept { return info_; }
  [[nodiscard]] const Record& recorder() const noexcept { return record_; }
  // The decoded answer (as far as it was read, when decoding failed): a blocking driver's result.
  [[nodiscard]] const response_t<E>& response() const noexcept { return view_; }
  [[nodiscard]] response_t<E>& response() noexcept { return view_; }

 private:
  static result<void> read_answer(http::response& r, response_t<E>& v) {
    return detail::read_with_hook<E, O, Record>(r, v);
  }


  request_t<E> req_{};
  Record record_{};
  request_state state_ = request_state::not_sent;
  std::optional<error> error_;
  cancel_ledger ledger_;
  reply_info info_{};
  response_t<E> view_{};
};

// ---- several cursor-paginated listings at once ---------------------------------------------------

// E: the endpoint (request_t<E> is the query, response_t<E> the page). Policy: as page_range's
// (advance(page, optional<Cursor>&, why)); it may also say how a page is read, with
// `template <endpoint E, json::read_options O> static result<void> read(response&, response_t<E>&)` (ABP's keyset_cursor:
// a 404 "nothing matched" is an empty last page), else http::read_response<E, O>. SetCursor:
// void(request_t<E>&, const Cursor&). on_page(chain, page) is called for each page (views into it
// live until it returns). A cursor that repeats an earlier one stops its listing with an error
// (detail::cursor_loop), as page_range does. O: how the pages are decoded (read_response<E, O>, or
// the policy's `read<E, O>`).
template <endpoint E, class Cursor, class Policy, json::read_options O = json::read_options{}>
class cursor_pages {
 public:
  using query_type = request_t<E>;
  using page_type = response_t<E>;
  using set_cursor_fn = void (*)(query_type&, const Cursor&);
  using page_callback = std::function<void(std::size_t chain, page_type& page)>;

  struct chain {
    query_type query{};
    std::optional<Cursor> cursor{};
    std::size_t pages = 0;
    bool in_flight = false;
    bool done = false;
    std::optional<betwire::error> error{};  // why this listing stopped early
    reply_info info{};                      // status, rate limits, attempts of its last answer
    detail::cursor_loop<Cursor> loop{};
  };

  cursor_pages(std::vector<query_type> queries, set_cursor_fn set_cursor, page_callback on_page,
               std::size_t max_pages_per_chain = 1000)
      : set_cursor_(set_cursor), on_page_(std::move(on_page)), max_pages_(max_pages_per_chain) {
    chains_.resize(queries.size());
    for (std::size_t i = 0; i < queries.size(); ++i) chains_[i].query = std::move(queries[i]);
  }

  next_step next(outgoing& out) {
    bool waiting = false;
    for (std::size_t n = 0; n < chains_.size(); ++n) {
      const std::size_t i = (rotor_ + n) % chains_.size();
      chain& c = chains_[i];
      if (c.done) continue;
      if (c.in_flight) {
        waiting = true;
        continue;
      }
      if (stopped_) {
        c.done = true;
        continue;
      }
      if (c.pages == max_pages_) {
        finish(c, error(error_category::validation, errc::too_many_items,
                        "cursor_pages: more pages than max_pages_per_chain; listing stopped"));
        continue;
      }
      if (c.cursor) set_cursor_(c.query, *c.cursor);
      if (auto b = build_request<E>(c.query, out.buffers, out.request); !b) {
        finish(c, std::move(b).error());
        continue;
      }
      out.id = i;
      out.endpoint = E::path;
      c.in_flight = true;
      rotor_ = i + 1;
      return next_step::send;
    }
    return waiting ? next_step::wait : next_step::done;
  }

  void complete(answer& a) {
    if (a.id >= chains_.size()) return;
    chain& c = chains_[static_cast<std::size_t>(a.id)];
    c.in_flight = false;
    c.info = a.info;
    ++requests_answered_;
    if (!a.sent) {
      finish(c, a.scrub(a.sent.error()));
      return;
    }
    if (auto d = read_page(a.resp, page_); !d) {
      finish(c, a.scrub(std::move(d).error()));
      return;
    }
    ++c.pages;
    if (on_page_) on_page_(static_cast<std::size_t>(a.id), page_);
    const char* why = "";
    switch (Policy::advance(page_, c.cursor, why)) {
      case page_step::done: c.done = true; break;
      case page_step::stuck: finish(c, error(error_category::decode, errc::invalid_value, why)); break;
      case page_step::next:
        if (c.cursor && c.loop.repeats(*c.cursor))
          finish(c, error(error_category::decode, errc::invalid_value, detail::pages_loop_message));
        break;
    }
  }

  // The page last read (a blocking driver moves it out and back, keeping its capacity).
  [[nodiscard]] page_type& page() noexcept { return page_; }

  // No new page is asked for; pages in flight still complete.
  void stop() noexcept { stopped_ = true; }

  [[nodiscard]] const std::vector<chain>& chains() const noexcept { return chains_; }
  [[nodiscard]] bool ok() const noexcept {
    for (const chain& c : chains_)
      if (c.error || !c.done) return false;
    return true;
  }
  [[nodiscard]] std::size_t pages() const noexcept {
    std::size_t n = 0;
    for (const chain& c : chains_) n += c.pages;
    return n;
  }

 private:
  static void finish(chain& c, error e) {
    c.done = true;
    c.error = std::move(e);
  }

  static result<void> read_page(response& r, page_type& p) {
    return detail::read_with_hook<E, O, Policy>(r, p);
  }


  std::vector<chain> chains_;
  set_cursor_fn set_cursor_;
  page_callback on_page_;
  std::size_t max_pages_;
  std::size_t rotor_ = 0;
  std::size_t requests_answered_ = 0;
  bool stopped_ = false;
  page_type page_{};
};

// ---- the blocking driver -------------------------------------------------------------------------

// Runs machine `m` to its end over a blocking transport, one request at a time (the transport's
// own limit), with the headers, retry policy, limiter and clock given. This is how the clients'
// blocking composite calls run their machines.
template <transport T, machine M>
void drive(M& m, T& net, const operation_options& o, const retry_clock& clock = {}, std::uint64_t jitter_seed = 0x5eed) {
  serial_transport<T> serial(net);
  pipeline_options po;
  po.max_in_flight = 1;
  po.urgent_reserve = 0;
  po.max_operations = 1;
  po.clock = clock;
  po.jitter_seed = jitter_seed == 0 ? 0x5eed : jitter_seed;
  pipeline<serial_transport<T>> p(serial, po);
  if (!p.add(m, o)) return;
  p.run();
}

// Runs machine `m` to its end through the client core `core` (client::drive: its headers, deadline,
// retry policy, observer; last_response() shows the last answer).
template <transport T, json::read_options O, machine M>
void drive(M& m, client<T, O>& core) {
  core.drive(m);
}

// A venue client's blocking cancelling call: drives `m` through `core`, unless `refused` holds an
// error (the client's setup error: a malformed key or wallet); then nothing is sent and every id
// and request of the machine's ledger is failed with it. Returns the machine's ledger either way.
template <transport T, json::read_options O, machine M>
  requires requires(const M& m) {
    { m.ledger() } -> std::convertible_to<const cancel_ledger&>;
  }
[[nodiscard]] cancel_ledger drive_cancels(M& m, client<T, O>& core, const std::optional<betwire::error>& refused) {
  if (refused) {
    cancel_ledger l = m.ledger();
    l.fail_all(*refused);
    return l;
  }
  core.drive(m);
  return m.ledger();
}

// ---- one listing as a range, driven through a client core ---------------------------------------

namespace detail {
// The string type of a venue's page template (basic_orders_page<Str>): which endpoint reads it.
template <class Page>
struct page_string;
template <template <class> class Page, class Str>
struct page_string<Page<Str>> {
  using type = Str;
};
}  // namespace detail

// The pages of one cursor-paginated listing as an input range (the shape of page_range: each element
// a reply<response_t<E>>&, an error shown as the last element, never swallowed), run as a
// cursor_pages machine with one chain stepped through the client core `core` one page per
// increment (client::step: the core's headers, deadline, retries, observer, last_response()). The
// same page object is decoded into on every step: a loop over view pages allocates nothing once
// warm. `refused`: a client's setup error, then the only element. The venue clients' *_pages calls.
template <endpoint E, class Cursor, class Policy, transport T, json::read_options O = json::read_options{}>
class cursor_range {
 public:
  using machine_type = cursor_pages<E, Cursor, Policy, O>;
  using page_type = response_t<E>;
  using value_type = reply<page_type>;

  cursor_range(client<T, O>& core, request_t<E> query, typename machine_type::set_cursor_fn set_cursor,
               std::optional<betwire::error> refused = {})
      : core_(&core),
        m_(one(std::move(query)), set_cursor, {}, static_cast<std::size_t>(-1)),
        refused_(std::move(refused)) {}

  using iterator = detail::page_iterator<cursor_range>;

  // Input range: iterate once.
  iterator begin() {
    if (started_) return iterator{nullptr};
    started_ = true;
    return advance() ? iterator{this} : iterator{nullptr};
  }
  std::default_sentinel_t end() const noexcept { return {}; }

  // Requests made so far (pages read, and a failed one).
  [[nodiscard]] std::size_t pages() const noexcept { return fetched_; }
  // The machine: its chain's cursor, pages, error.
  [[nodiscard]] const machine_type& machine() const noexcept { return m_; }

 private:
  friend iterator;

  static std::vector<request_t<E>> one(request_t<E> q) {
    std::vector<request_t<E>> v;
    v.push_back(std::move(q));
    return v;
  }

  // Makes the next element current; false when the listing is over.
  bool advance() {
    if (over_) return false;
    if (refused_) {
      current_ = value_type(fail(*refused_), {});
      ++fetched_;
      over_ = true;
      return true;
    }
    const typename machine_type::chain& c = m_.chains()[0];
    if (c.done) {
      // A listing stopped after its last page (a cursor that does not move): the error, once.
      if (c.error && !error_shown_) return show_error(c);
      return false;
    }
    if (current_.has_value()) m_.page() = std::move(*current_);  // moves keep capacity
    const std::size_t before = c.pages;
    const bool sent = core_->step(m_);
    if (c.pages > before) {
      ++fetched_;
      current_ = value_type(result<page_type>(std::move(m_.page())), c.info);
      return true;
    }
    if (sent) ++fetched_;  // answered, but no page: its error
    if (c.error) return show_error(c);  // or its request could not be built
    return false;
  }

  bool show_error(const typename machine_type::chain& c) {
    error_shown_ = true;
    current_ = value_type(fail(*c.error), c.info);
    return true;
  }

  client<T, O>* core_;
  machine_type m_;
  std::optional<betwire::error> refused_;
  value_type current_{result<page_type>(page_type{}), {}};
  std::size_t fetched_ = 0;
  bool started_ = false;
  bool over_ = false;
  bool error_shown_ = false;
};

}  // namespace http
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_HTTP_OPERATIONS_HPP
