#ifndef BETWIRE_PREDICTSTREET_SCHEMA_HPP
#define BETWIRE_PREDICTSTREET_SCHEMA_HPP

// PredictStreet core-api wire types, from shared/api/predictstreet (cancel-batch.reference.md is the
// source of truth for POST /api/orders/cancel-batch; wire-notes.md for the rest). Members are the
// snake_case spelling of the camelCase keys. Each response type exists in two models:
//   predictstreet::order       owns its strings (std::string);
//   predictstreet::order_view  views into the response buffer (std::string_view), allocation-free
//                              once warm; valid while that buffer lives and is not reused.
// Prices and quantities are decimal strings ("0.55"): betwire::decimal keeps them byte for byte.

#include <betwire/core/config.hpp>
#include <betwire/core/decimal.hpp>
#include <betwire/core/timestamp.hpp>
#include <betwire/json/object_map.hpp>
#include <betwire/json/quoted.hpp>
#include <betwire/reflect/enums.hpp>
#include <betwire/reflect/naming.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

BETWIRE_BEGIN_NAMESPACE
namespace predictstreet {

// PredictStreet spells keys in camelCase and status values in UPPER_SNAKE_CASE.
consteval naming betwire_naming(auto*) { return naming::camel_case; }
consteval naming betwire_enum_naming(auto*) { return naming::upper_snake; }

// `side`: "buy" / "sell" on the venue's pages (lower case in responses; its cancelling page reads
// either case in requests). Written "buy" / "sell"; read in any case.
enum class side : std::uint8_t { unknown, buy, sell };
consteval naming betwire_enum_naming(side*) { return naming::identity; }
consteval bool betwire_enum_case_insensitive(side*) { return true; }

// `outcome`: an outcome index, an integer >= 0 ("integer >= 0" on the venue's page), sent as a
// string in JSON bodies ("0", "1", ...): not a YES/NO enum. Read from a string or a bare integer.
using outcome_index = json::quoted<std::int64_t>;

// Order status (history's `status` filter takes the same values).
enum class order_status : std::uint8_t {
  unknown,  // a status this version of betwire does not know yet
  pending,
  open,
  partial,
  filled,
  cancelled,
  rejected,
  expired,
  settlement_failed,
};

// ---- cancellation reasons ---------------------------------------------------------------------------
//
// notCancelled: {orderId: reason}. The documented reasons are not_found, already_terminal,
// lock_invariant and — a real wire value — "unknown" (a transient failure: safe to retry). Because
// "unknown" is taken by the venue, a reason this version of betwire does not know (one added later)
// is `unrecognized` (betwire_enum_fallback), never `unknown`; its text is kept in
// not_cancelled_entry::reason_text. Reasons are lower snake_case on the wire.
enum class cancel_reason : std::uint8_t {
  unrecognized,      // a reason added after this version of betwire (see reason_text)
  not_found,         // unknown id, or an order of another wallet (no existence leak)
  already_terminal,  // already CANCELLED / FILLED / REJECTED / EXPIRED: nothing to do
  lock_invariant,    // a per-order balance-lock invariant tripped; the rest of the batch is unaffected
  unknown,           // the venue's "unknown": a transient failure, safe to retry
};
consteval naming betwire_enum_naming(cancel_reason*) { return naming::identity; }
consteval cancel_reason betwire_enum_fallback(cancel_reason*) { return cancel_reason::unrecognized; }

[[nodiscard]] constexpr std::string_view to_string(cancel_reason r) noexcept {
  const std::string_view wire = reflect::enum_to_wire(r);
  return wire.empty() ? std::string_view("unrecognized") : wire;
}

// What the JSON reader makes of a reason (it is kept as text too, so the map is read as strings).
[[nodiscard]] constexpr cancel_reason cancel_reason_of(std::string_view wire) noexcept {
  return reflect::enum_from_wire<cancel_reason>(wire).value_or(*reflect::enum_unknown_v<cancel_reason>);
}

// True for the reasons the documents call safe to retry (only the transient "unknown").
[[nodiscard]] constexpr bool is_retryable(cancel_reason r) noexcept { return r == cancel_reason::unknown; }

// One entry of notCancelled.
template <class Str>
struct basic_not_cancelled_entry {
  Str order_id;
  cancel_reason reason = cancel_reason::unrecognized;
  Str reason_text;  // the reason as the venue sent it ("lock_invariant", or a newer one)
  friend bool operator==(const basic_not_cancelled_entry&, const basic_not_cancelled_entry&) = default;
};

// POST /api/orders/cancel-batch: {"orderIds": [...]} (1..100 ids, checked before sending).
struct cancel_batch_request {
  std::vector<std::string> order_ids{};
};

// Its response: ids that transitioned to CANCELLED, and every other id with its reason, both in the
// order the venue sent them.
template <class Str>
struct basic_cancel_batch_response {
  std::vector<Str> cancelled;
  std::vector<basic_not_cancelled_entry<Str>> not_cancelled;

  // The reason of `id`, or nullopt when `id` is not in notCancelled.
  [[nodiscard]] std::optional<cancel_reason> reason_of(std::string_view id) const noexcept {
    for (const auto& e : not_cancelled)
      if (std::string_view(e.order_id) == id) return e.reason;
    return std::nullopt;
  }
  [[nodiscard]] bool was_cancelled(std::string_view id) const noexcept {
    for (const auto& c : cancelled)
      if (std::string_view(c) == id) return true;
    return false;
  }
};

// ---- POST /api/orders/cancel --------------------------------------------------------------------

// {"orderId": "..."}.
struct cancel_request {
  std::string order_id{};
};

// The answer's status. Revisions differ: "cancelled" / "not_found" (current) and "CANCELLED"
// (older); both spellings of "cancelled" read as cancelled. Unknown, foreign and already-terminal
// ids answer 200 not_found (not 404).
enum class cancel_status : std::uint8_t {
  unrecognized,  // a status this version of betwire does not know (see status_text)
  cancelled,
  not_found,
};

template <class Str>
struct basic_cancel_response {
  Str order_id;
  cancel_status status = cancel_status::unrecognized;
  Str status_text;        // as sent
  decimal unfilled_qty;   // unfilledQty (current) or remainingQty (older revision)
  bool legacy_form = false;  // true when the answer used remainingQty / "CANCELLED"
};

// ---- POST /api/orders/cancel-all ----------------------------------------------------------------

// Optional filters; all empty = every open order of the wallet (the body is then empty).
struct cancel_all_request {
  std::optional<std::string> market_id{};
  std::optional<predictstreet::side> side{};
  std::optional<outcome_index> outcome{};  // >= 0, checked before sending
};

// Its response. Revisions differ: since 2026-06 `cancelled` is an array of ids; before, it was a
// number. cancelled_count is always set; `cancelled` holds the ids only when the venue sent them
// (ids_known); with the older form it is empty.
template <class Str>
struct basic_cancel_all_response {
  std::vector<Str> cancelled;
  std::int64_t cancelled_count = 0;
  bool ids_known = false;
  std::vector<basic_not_cancelled_entry<Str>> not_cancelled;
  std::optional<Str> market_id;
};

// ---- reads ------------------------------------------------------------------------------------------

template <class Str>
struct basic_order {
  Str id;
  Str user_wallet;
  Str vault;
  Str market_id;
  predictstreet::side side = side::unknown;
  outcome_index outcome{};
  decimal price;
  decimal quantity;
  decimal filled_qty;
  decimal remaining_qty;
  std::optional<timestamp> expiry;  // GTD orders; null otherwise
  Str type;                         // "LIMIT", "MARKET", ...
  Str time_in_force;                // "GTC", "GTD", "IOC", "FOK", ...
  order_status status = order_status::unknown;
  std::optional<Str> client_order_id;
  timestamp created_at;
  timestamp updated_at;
};

template <class Str>
struct basic_trade {
  Str id;
  Str order_id;
  Str user_wallet;
  Str vault;
  Str market_id;
  decimal price;
  decimal quantity;
  decimal fee;
  predictstreet::side side = side::unknown;
  Str status;  // "SETTLED", "FAILED", ...
  std::optional<Str> tx_hash;
  timestamp created_at;
};

// GET /api/orders/{id}/fills.
template <class Str>
struct basic_fills {
  Str order_id;
  std::vector<basic_trade<Str>> trades;
};

// GET /api/orders/open and /api/orders/history: one page. nextCursor is null on the last page (the
// documents show it for open orders; history pages carry it when the venue sends it).
template <class Str>
struct basic_orders_page {
  Str wallet_address;
  std::vector<basic_order<Str>> orders;
  std::optional<Str> next_cursor;
};

// GET /api/orders/open. limit 1..500 (checked before sending; the venue's default is 100).
struct open_orders_query {
  std::optional<std::string> market_id{};
  std::optional<predictstreet::side> side{};
  std::optional<outcome_index> outcome{};  // >= 0, checked before sending
  std::optional<std::string> type{};
  std::optional<std::int32_t> limit{};
  std::optional<std::string> cursor{};  // the page ranges set it for you
};

// GET /api/orders/history. status is sent comma-joined; from/to as ISO-8601 or unix seconds (as the
// timestamp was made). limit 1..200 (checked before sending).
struct history_query {
  std::optional<std::string> market_id{};
  std::vector<order_status> status{};
  std::optional<timestamp> from{};
  std::optional<timestamp> to{};
  std::optional<std::int32_t> limit{};
  std::optional<std::string> cursor{};
};

// GET /api/orders/{id}, /api/orders/{id}/fills.
struct order_key {
  std::string id{};
};

using not_cancelled_entry = basic_not_cancelled_entry<std::string>;
using cancel_batch_response = basic_cancel_batch_response<std::string>;
using cancel_response = basic_cancel_response<std::string>;
using cancel_all_response = basic_cancel_all_response<std::string>;
using order = basic_order<std::string>;
using trade = basic_trade<std::string>;
using fills = basic_fills<std::string>;
using orders_page = basic_orders_page<std::string>;

using not_cancelled_entry_view = basic_not_cancelled_entry<std::string_view>;
using cancel_batch_response_view = basic_cancel_batch_response<std::string_view>;
using cancel_response_view = basic_cancel_response<std::string_view>;
using cancel_all_response_view = basic_cancel_all_response<std::string_view>;
using order_view = basic_order<std::string_view>;
using trade_view = basic_trade<std::string_view>;
using fills_view = basic_fills<std::string_view>;
using orders_page_view = basic_orders_page<std::string_view>;

}  // namespace predictstreet
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_PREDICTSTREET_SCHEMA_HPP
