#ifndef BETWIRE_ABP_SCHEMA_HPP
#define BETWIRE_ABP_SCHEMA_HPP

// ABP v2 (55-tech) wire types, from the OpenAPI excerpts in shared/api/abp-v2. Members are the
// snake_case spelling of the camelCase keys. Each type exists in two models from one template:
//   abp::order       owns its strings (std::string): safe to keep, copy and store;
//   abp::order_view  views into the response buffer (std::string_view): decoding a warm page
//                    allocates nothing; valid while that buffer lives and is not reused.

#include <betwire/core/config.hpp>
#include <betwire/core/decimal.hpp>
#include <betwire/core/timestamp.hpp>
#include <betwire/json/raw.hpp>
#include <betwire/reflect/enums.hpp>
#include <betwire/reflect/naming.hpp>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

BETWIRE_BEGIN_NAMESPACE
namespace abp {

// ABP spells keys in camelCase and enum values in UPPER_SNAKE_CASE.
consteval naming betwire_naming(auto*) { return naming::camel_case; }
consteval naming betwire_enum_naming(auto*) { return naming::upper_snake; }

enum class order_status : std::uint8_t {
  unknown,  // a status this version of betwire does not know yet
  pending,
  processing,
  filled,
  partially_filled,
  cancelled,
  rejected,
  expired,
  failed,
};

enum class bet_status : std::uint8_t {
  unknown,
  pending,
  placed,
  confirmed,
  rejected,
  cancelled,
  failed,
  void_,  // "VOID"
};
consteval auto betwire_enum_keys(bet_status*) { return std::array{enum_key{bet_status::void_, "VOID"}}; }

enum class settlement_status : std::uint8_t {
  unknown,
  unsettled,
  won,
  lost,
  void_,  // "VOID"
  half_won,
  half_lost,
  push,
  cashout,
};
consteval auto betwire_enum_keys(settlement_status*) {
  return std::array{enum_key{settlement_status::void_, "VOID"}};
}

template <class Str>
struct basic_fixture_status {
  bool live = false;
  std::int32_t status_id = 0;
  Str status_name;
};

template <class Str>
struct basic_sport {
  std::int64_t sport_id = 0;
  Str sport_name;
};

template <class Str>
struct basic_tournament {
  std::int64_t tournament_id = 0;
  Str tournament_name;
  Str category_name;
};

template <class Str>
struct basic_participants {
  std::int64_t participant1_id = 0;
  Str participant1_name;
  std::int64_t participant2_id = 0;
  Str participant2_name;
};

template <class Str>
struct basic_fixture_info {
  Str fixture_id;
  basic_fixture_status<Str> status;
  basic_sport<Str> sport;
  basic_tournament<Str> tournament;
  std::optional<timestamp> start_time;  // unix seconds on the wire
  std::optional<basic_participants<Str>> participants;
};

template <class Str>
struct basic_outcome_info {
  std::int64_t market_id = 0;
  Str market_name;
  std::optional<Str> market_name_short;
  std::optional<Str> market_type;
  std::optional<Str> period;
  std::optional<bool> player_prop;
  std::optional<decimal> handicap;
  std::int64_t outcome_id = 0;
  Str outcome_name;
};

template <class Str>
struct basic_player_info {
  std::int64_t player_id = 0;
  std::optional<Str> player_name;
};

template <class Str>
struct basic_currency_info {
  Str currency;
  decimal currency_value;
  timestamp updated_at;
};

template <class Str>
struct basic_bet {
  std::int64_t bet_id = 0;
  std::int64_t order_id = 0;
  Str bookmaker;
  Str bookmaker_bet_id;
  decimal placed_price;
  decimal placed_stake;
  Str placed_currency;
  timestamp placed_at;
  abp::bet_status bet_status = bet_status::unknown;
  abp::settlement_status settlement_status = settlement_status::unknown;
  Str client_name;
  bool test_bet = false;
  Str user_ref;
  Str request_uuid;
  std::optional<Str> decline_reason;
};

template <class Str>
struct basic_order {
  std::int64_t order_id = 0;
  Str request_uuid;
  Str allowed_bookmakers;  // "*" or a comma-separated list
  Str fixture_id;
  std::int64_t outcome_id = 0;
  std::int64_t player_id = 0;
  decimal order_price;
  decimal order_stake;
  decimal filled_stake;
  Str user_ref;
  bool test_order = false;
  Str order_currency;
  bool back = true;
  timestamp expires_at;
  bool accept_better_odds = false;
  bool accept_partial_stake = false;
  Str client_name;
  abp::order_status order_status = order_status::unknown;
  timestamp created_at;
  timestamp updated_at;
  json::basic_raw<Str> meta;  // free-form JSON object, or null
  std::vector<basic_bet<Str>> bets;
  std::optional<basic_fixture_info<Str>> fixture_info;
  std::optional<basic_outcome_info<Str>> outcome_info;
  std::optional<basic_player_info<Str>> player_info;
  std::optional<basic_currency_info<Str>> currency_info;
};

// GET /orders: one page, newest first.
template <class Str>
struct basic_orders_page {
  std::vector<basic_order<Str>> orders;
  std::int64_t count = 0;
  bool has_more = false;
  std::optional<std::int64_t> next_cursor;  // pass as afterOrderId for the next page
};

// POST /cancel-orders. Filters combine with OR; at least one must be given.
struct cancel_orders_request {
  std::optional<std::vector<std::int64_t>> order_ids{};
  std::optional<std::vector<std::string>> request_uuids{};
  std::optional<std::string> user_ref{};
};

template <class Str>
struct basic_not_cancelled {
  Str reason;
  std::vector<basic_order<Str>> orders;
};

template <class Str>
struct basic_cancel_orders_response {
  Str status;  // "cancelled"
  std::int64_t cancelled_count = 0;
  std::vector<basic_order<Str>> cancelled;
  basic_not_cancelled<Str> not_cancelled;
};

// ---- POST /place-orders ---------------------------------------------------------------------------

// The response's `status`: "accepted" (nothing declined), "partial-success" (some of each),
// "declined" (nothing accepted). A value this version does not know decodes to `unknown`.
enum class placement_status : std::uint8_t {
  unknown,
  accepted,
  partial_success,  // "partial-success"
  declined,
};
consteval auto betwire_enum_keys(placement_status*) {
  return std::array{enum_key{placement_status::accepted, "accepted"},
                    enum_key{placement_status::partial_success, "partial-success"},
                    enum_key{placement_status::declined, "declined"}};
}

// One order to place. Required by the venue: request_uuid (the idempotency key; left empty, the
// client fills it with a fresh UUID v4, see abp::fill_request_uuids), exactly one of fixture_id /
// future_id (futures answer 501), outcome_id, player_id (0 for none), order_price, order_stake,
// user_ref, test_order. Everything else is optional and left out of the body when absent.
struct place_order {
  std::string request_uuid{};
  std::optional<std::string> fixture_id{};
  std::optional<std::string> future_id{};
  std::int64_t outcome_id = 0;
  std::int64_t player_id = 0;
  decimal order_price{};
  decimal order_stake{};
  std::string user_ref{};
  bool test_order = false;
  std::vector<std::string> bookmakers{};  // sent comma-joined ("bookmakers": "a,b"); empty: all ("*")
  std::optional<std::int64_t> participant_id{};
  std::optional<std::string> order_currency{};
  std::optional<bool> back{};
  std::optional<timestamp> expires_at{};  // ISO-8601; the venue defaults to now + 5 s, caps at 24 h
  std::optional<bool> accept_better_odds{};
  std::optional<bool> accept_partial_stake{};
  json::raw_string meta{};  // a JSON object, sent as it is; empty: not sent
};

// POST /place-orders: 1..100 orders.
struct place_orders_request {
  std::vector<place_order> orders{};
};

// An order the venue declined (a business decline: HTTP 200, not an error). The documents list
// "requestUuid, fixtureId, outcomeId, ..., declineReason": what is not certain is optional.
template <class Str>
struct basic_declined_order {
  Str request_uuid;
  std::optional<Str> fixture_id;
  std::optional<Str> future_id;
  std::optional<std::int64_t> outcome_id;
  std::optional<std::int64_t> player_id;
  std::optional<decimal> order_price;
  std::optional<decimal> order_stake;
  std::optional<Str> user_ref;
  Str decline_reason;
};

template <class Str>
struct basic_place_orders_response {
  placement_status status = placement_status::unknown;
  std::vector<basic_order<Str>> accepted_orders;
  std::vector<basic_declined_order<Str>> declined_orders;
};

// ---- GET /orders and GET /bets queries ------------------------------------------------------------

// GET /orders. Filters combine with OR; at least one of order_ids, request_uuids, user_ref must be
// given (checked before sending: errc::missing_filter). Lists are sent comma-joined. limit 1..1000
// (errc::out_of_range), the venue's default is 50. after_order_id is the keyset cursor (orders with
// a smaller orderId); the page ranges (client::orders_pages) set it for you.
struct orders_filter {
  std::vector<std::int64_t> order_ids{};
  std::vector<std::string> request_uuids{};
  std::string user_ref{};
  std::optional<std::int64_t> after_order_id{};
  std::optional<std::int32_t> limit{};
};

// GET /bets: the same rules with bet_ids, order_ids, user_ref and the cursor after_bet_id.
struct bets_filter {
  std::vector<std::int64_t> bet_ids{};
  std::vector<std::int64_t> order_ids{};
  std::string user_ref{};
  std::optional<std::int64_t> after_bet_id{};
  std::optional<std::int32_t> limit{};
};

// GET /bets/{betId}.
struct bet_key {
  std::int64_t bet_id = 0;
};

// GET /bets: one page, newest first.
template <class Str>
struct basic_bets_page {
  std::vector<basic_bet<Str>> bets;
  std::int64_t count = 0;
  bool has_more = false;
  std::optional<std::int64_t> next_cursor;  // pass as afterBetId for the next page
};

using fixture_status = basic_fixture_status<std::string>;
using sport = basic_sport<std::string>;
using tournament = basic_tournament<std::string>;
using participants = basic_participants<std::string>;
using fixture_info = basic_fixture_info<std::string>;
using outcome_info = basic_outcome_info<std::string>;
using player_info = basic_player_info<std::string>;
using currency_info = basic_currency_info<std::string>;
using bet = basic_bet<std::string>;
using order = basic_order<std::string>;
using orders_page = basic_orders_page<std::string>;
using not_cancelled = basic_not_cancelled<std::string>;
using cancel_orders_response = basic_cancel_orders_response<std::string>;

using declined_order = basic_declined_order<std::string>;
using place_orders_response = basic_place_orders_response<std::string>;
using bets_page = basic_bets_page<std::string>;

using bet_view = basic_bet<std::string_view>;
using order_view = basic_order<std::string_view>;
using orders_page_view = basic_orders_page<std::string_view>;
using cancel_orders_response_view = basic_cancel_orders_response<std::string_view>;
using declined_order_view = basic_declined_order<std::string_view>;
using place_orders_response_view = basic_place_orders_response<std::string_view>;
using bets_page_view = basic_bets_page<std::string_view>;

}  // namespace abp
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_ABP_SCHEMA_HPP
