#ifndef BETWIRE_PREDICTSTREET_OPERATIONS_HPP
#define BETWIRE_PREDICTSTREET_OPERATIONS_HPP

// PredictStreet's composite operations as sans-I/O machines (http/concurrent.hpp):
//
//   predictstreet::cancel_batch_op op{ids};     // de-duplicated, chunks of 100, all in flight
//   predictstreet::cancel_all_op all{{}};       // POST /api/orders/cancel-all, per-id ledger
//   betwire::http::rate_limiter batch_limit{predictstreet::limits::cancel_batch()};
//   pipeline.add(op, {.headers = ps.core().headers_source(), .limiter = &batch_limit, ...});
//
// Every chunk is its own request: a chunk that fails (transport, 5xx, 429 after the retries) marks
// its ids failed and never stops the other chunks; its ids are in ledger().resume_ids(). An id the
// venue answered is cancelled, or not_cancelled with its reason (not_found, already_terminal,
// lock_invariant, unknown, or the venue's newer text). A 401/403 stops the operation: the chunks
// not yet sent stay not_sent.

#include <betwire/core/config.hpp>
#include <betwire/core/error.hpp>
#include <betwire/core/result.hpp>
#include <betwire/http/concurrent.hpp>
#include <betwire/http/endpoint.hpp>
#include <betwire/http/operations.hpp>
#include <betwire/http/pacing.hpp>
#include <betwire/predictstreet/endpoints.hpp>
#include <betwire/predictstreet/schema.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

BETWIRE_BEGIN_NAMESPACE
namespace predictstreet {

// The documented limits, per wallet: cancel-batch 5/s, single cancel 5/s, cancel-all 1/s, reads
// 300 per 60 s. One limiter per bucket; share them between clients acting for the same wallet.
struct limits {
  [[nodiscard]] static http::rate_limit cancel_batch() noexcept { return per_wallet(5, std::chrono::seconds(1)); }
  [[nodiscard]] static http::rate_limit cancel() noexcept { return per_wallet(5, std::chrono::seconds(1)); }
  [[nodiscard]] static http::rate_limit cancel_all() noexcept { return per_wallet(1, std::chrono::seconds(1)); }
  [[nodiscard]] static http::rate_limit reads() noexcept { return per_wallet(300, std::chrono::seconds(60)); }

 private:
  // 20 ms margin: a busy sender's requests reach the venue late (see opinion::limits).
  [[nodiscard]] static http::rate_limit per_wallet(std::uint32_t n, std::chrono::milliseconds w) noexcept {
    return http::per_window(n, w, std::chrono::milliseconds(20));
  }
};

namespace detail {

template <class Str>
void record_answer(http::cancel_ledger& ledger, std::size_t first, std::size_t count,
                   const std::vector<Str>& cancelled, const std::vector<basic_not_cancelled_entry<Str>>& refused) {
  for (const auto& id : cancelled) {
    const std::size_t i = ledger.find(std::string_view(id), first, count);
    if (i == http::cancel_ledger::npos || ledger.items()[i].state != http::cancel_state::in_flight) continue;
    ledger.set(i, http::cancel_state::cancelled);
  }
  for (const auto& e : refused) {
    const std::size_t i = ledger.find(std::string_view(e.order_id), first, count);
    if (i == http::cancel_ledger::npos || ledger.items()[i].state != http::cancel_state::in_flight) continue;
    ledger.items()[i].reason.assign(std::string_view(e.reason_text).empty() ? std::string_view(to_string(e.reason))
                                                                            : std::string_view(e.reason_text));
    ledger.set(i, http::cancel_state::not_cancelled);
  }
}

}  // namespace detail

// ---- cancel-batch over any number of ids ---------------------------------------------------------

// O: how the answers are decoded (http::read_response<E, O>; the client passes its own).
template <json::read_options O = json::read_options{}>
class basic_cancel_batch_op {
 public:
  basic_cancel_batch_op() = default;
  template <class S>
  explicit basic_cancel_batch_op(std::span<const S> ids) {
    assign(ids);
  }
  explicit basic_cancel_batch_op(const std::vector<std::string>& ids) { assign(std::span<const std::string>(ids)); }
  explicit basic_cancel_batch_op(const std::vector<std::string_view>& ids) {
    assign(std::span<const std::string_view>(ids));
  }

  template <class S>
  void assign(std::span<const S> ids) {
    ledger_ = {};
    next_ = 0;
    stopped_ = false;
    stop_reason_.reset();
    const std::vector<std::string_view> unique = unique_ids(ids);
    const std::vector<chunk> plan = plan_chunks(unique.size());
    ledger_.reserve(unique.size(), plan.size());
    for (const chunk& c : plan) {
      const std::size_t r = ledger_.add_request(c.first, c.count);
      for (std::size_t i = c.first; i < c.first + c.count; ++i) ledger_.add(unique[i], r);
    }
  }

  http::next_step next(http::outgoing& out) {
    while (!stopped_ && next_ < ledger_.requests().size()) {
      const std::size_t r = next_++;
      const http::cancel_request_record& rec = ledger_.requests()[r];
      req_.order_ids.resize(rec.count);
      for (std::size_t k = 0; k < rec.count; ++k) req_.order_ids[k].assign(ledger_.items()[rec.first + k].id);
      if (auto b = http::build_request<endpoints::cancel_batch<std::string_view>>(req_, out.buffers, out.request); !b) {
        fail_request(r, std::move(b).error());
        continue;
      }
      out.id = r;
      out.endpoint = endpoints::cancel_batch<std::string_view>::path;
      ledger_.set_request(r, http::request_state::sent);
      ledger_.set_all(r, http::cancel_state::in_flight);
      ++in_flight_;
      return http::next_step::send;
    }
    return in_flight_ > 0 ? http::next_step::wait : http::next_step::done;
  }

  void complete(http::answer& a) {
    if (a.id >= ledger_.requests().size()) return;
    const std::size_t r = static_cast<std::size_t>(a.id);
    if (ledger_.requests()[r].state != http::request_state::sent) return;
    --in_flight_;
    ledger_.requests()[r].info = a.info;
    if (!a.sent) {
      fail_request(r, a.scrub(a.sent.error()));
      return;
    }
    if (auto d = http::read_response<endpoints::cancel_batch<std::string_view>, O>(a.resp, view_); !d) {
      fail_request(r, a.scrub(std::move(d).error()));
      return;
    }
    const http::cancel_request_record& rec = ledger_.requests()[r];
    detail::record_answer(ledger_, rec.first, rec.count, view_.cancelled, view_.not_cancelled);
    // An id of the chunk the answer does not mention: no word from the venue.
    for (std::size_t i = rec.first; i < rec.first + rec.count; ++i) {
      if (ledger_.items()[i].state != http::cancel_state::in_flight) continue;
      ledger_.items()[i].error = error(error_category::decode, errc::missing_key,
                                       "cancel-batch: the answer does not mention this id");
      ledger_.set(i, http::cancel_state::failed);
    }
    ledger_.set_request(r, http::request_state::answered);
  }

  void stop() noexcept { stopped_ = true; }

  [[nodiscard]] const http::cancel_ledger& ledger() const noexcept { return ledger_; }
  [[nodiscard]] bool stopped() const noexcept { return stopped_; }
  [[nodiscard]] const std::optional<error>& stop_reason() const noexcept { return stop_reason_; }
  [[nodiscard]] bool done() const noexcept {
    return in_flight_ == 0 && (stopped_ || next_ >= ledger_.requests().size());
  }

 private:
  void fail_request(std::size_t r, error e) {
    if (http::stops_the_operation(e) && !stopped_) {
      stopped_ = true;
      stop_reason_ = e;
    }
    ledger_.requests()[r].state = http::request_state::failed;
    ledger_.requests()[r].error = e;
    ledger_.set_all(r, http::cancel_state::failed, e);
  }

  http::cancel_ledger ledger_;
  std::size_t next_ = 0;
  std::size_t in_flight_ = 0;
  bool stopped_ = false;
  std::optional<error> stop_reason_;
  cancel_batch_request req_;
  cancel_batch_response_view view_{};
};

using cancel_batch_op = basic_cancel_batch_op<>;

// ---- cancel-all: one request, its answer recorded id by id ---------------------------------------

namespace detail {

struct record_cancel_all {
  std::size_t cancelled_count = 0;  // what the venue says it cancelled
  bool ids_known = false;           // older revisions send only the number
  template <class View>
  void operator()(const View& v, http::cancel_ledger& ledger, std::size_t r) {
    cancelled_count = static_cast<std::size_t>(v.cancelled_count < 0 ? 0 : v.cancelled_count);
    ids_known = v.ids_known;
    for (const auto& id : v.cancelled) ledger.add(id, r);
    for (const auto& e : v.not_cancelled) ledger.add(e.order_id, r);
    for (std::size_t i = 0; i < ledger.items().size(); ++i) ledger.set(i, http::cancel_state::in_flight);
    record_answer(ledger, 0, ledger.items().size(), v.cancelled, v.not_cancelled);
  }
};

}  // namespace detail

// POST /api/orders/cancel-all with its filter; ledger() holds every id of the answer;
// recorder().cancelled_count / ids_known what the venue said in total; response() the answer
// itself (Str: its string type; the blocking client::cancel_all drives basic_cancel_all_op). O: how
// the answer is decoded.
template <class Str, json::read_options O = json::read_options{}>
using basic_cancel_all_op = http::one_shot_cancel<endpoints::cancel_all<Str>, detail::record_cancel_all, O>;
using cancel_all_op = basic_cancel_all_op<std::string_view>;

}  // namespace predictstreet
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_PREDICTSTREET_OPERATIONS_HPP
