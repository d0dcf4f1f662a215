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
#include <betwire/http/secret.hpp>
#include <betwire/json/object_map.hpp>
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
  // The spec's BetResponse fields beyond the page examples (all nullable there).
  std::optional<Str> bet_request_id;                  // internal bet-request tracking id
  std::optional<Str> account;                         // account username the bet went through
  std::optional<json::basic_raw<Str>> sent_data;      // request payload sent to the bookmaker
  std::optional<json::basic_raw<Str>> received_data;  // response received from the bookmaker
  std::optional<basic_currency_info<Str>> currency_info;
  std::optional<timestamp> settled_at;
  std::optional<decimal> settlement_amount;           // payout
  std::optional<Str> settlement_reason;
  std::optional<json::basic_raw<Str>> odds_info;      // odds snapshot at bet time
  // The tolerance policy (docs/abp.md): what the spec's BetResponse marks nullable reads null or a
  // missing key as the default (empty, zero) instead of failing the page; ids and statuses stay required.
  static constexpr std::string_view betwire_nullable[] = {"bookmaker_bet_id", "placed_price", "placed_stake",
                                                          "placed_currency", "placed_at", "user_ref"};
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
  // The tolerance policy (docs/abp.md): fields the documents show only in examples, or as null in
  // some answers, read null or a missing key as the default (zero timestamp, null raw value).
  static constexpr std::string_view betwire_nullable[] = {"expires_at", "meta"};
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
  std::optional<Str> status;                // "success" in the spec; absent in older pages
};

// ---- accounts: GET/POST /accounts, GET/PATCH/DELETE /accounts/{bookmaker}/{username} ------------

// GET /accounts: optionally only one bookmaker's accounts.
struct accounts_filter {
  std::optional<std::string> bookmaker{};
};

// The key of one account (the path of GET/PATCH/DELETE /accounts/{bookmaker}/{username}).
struct account_key {
  std::string bookmaker{};
  std::string username{};
};

// AccountResponse. The venue always masks `password` ("***") and masks secrets in `meta` in its
// examples; betwire never prints either (they are not part of any error or log text it writes).
template <class Str>
struct basic_account {
  Str bookmaker;
  Str username;
  Str client;
  std::optional<Str> password;  // "***"
  decimal balance;              // in the account's currency (currency_id)
  bool active = false;
  std::int64_t priority = 0;    // higher is chosen first
  std::optional<decimal> max_stake;
  std::optional<decimal> min_stake;
  Str currency_id;
  std::optional<bool> verify_betslip;
  json::basic_raw<Str> meta;    // free-form object
  std::optional<timestamp> created_at;
  std::optional<timestamp> updated_at;
  std::optional<bool> multi_limit_allowed;                 // newer revisions
  std::optional<basic_currency_info<Str>> currency_info;   // newer revisions; null without a rate
};

// POST /accounts (AccountCreateRequest). bookmaker and username are required; the rest is left
// out of the body when absent (the venue's defaults: balance 0, active, priority 0, USD, meta {}).
// `password` and `meta` (a JSON object, e.g. {"appKey": "..."}) are credentials: held as
// betwire::secret, revealed only into the request body, never printed (describe_last_request shows
// the body as "***"), scrubbed from error texts.
struct account_create_request {
  std::string bookmaker{};
  std::string username{};
  std::optional<betwire::secret> password{};
  std::optional<decimal> balance{};
  std::optional<bool> active{};
  std::optional<std::int64_t> priority{};
  std::optional<decimal> max_stake{};
  std::optional<decimal> min_stake{};
  std::optional<std::string> currency_id{};
  std::optional<betwire::secret> meta{};  // JSON object text; replaces the stored meta
};

// PATCH /accounts/{bookmaker}/{username} (AccountUpdateRequest): only what is set changes; `meta`
// replaces the stored one (no merge). An absent field is not sent (betwire never sends null).
struct account_update_request {
  std::optional<betwire::secret> password{};
  std::optional<decimal> balance{};
  std::optional<bool> active{};
  std::optional<std::int64_t> priority{};
  std::optional<decimal> max_stake{};
  std::optional<decimal> min_stake{};
  std::optional<std::string> currency_id{};
  std::optional<betwire::secret> meta{};
};

// ---- GET /betslip (newest revision: GET /fixtures/betslip) -------------------------------------

// Exactly one of fixture_id / future_id (futures answer 501 where they exist at all); outcome_id
// and player_id (0 for non-player markets) are required. `bookmakers` goes out comma-joined;
// empty: every bookmaker the client has accounts for.
struct betslip_request {
  std::optional<std::string> fixture_id{};
  std::optional<std::string> future_id{};
  std::optional<std::int64_t> participant_id{};
  std::int64_t outcome_id = 0;
  std::int64_t player_id = 0;
  std::vector<std::string> bookmakers{};
};

// A rate as the betslip's odds entries carry it (one revision without updatedAt).
template <class Str>
struct basic_currency_rate {
  Str currency;
  decimal currency_value;
  std::optional<timestamp> updated_at;
};

// One bookmaker's odds for the selection. Limits are in limit_currency (the account's currency)
// and, in the *_usd members, in USD.
template <class Str>
struct basic_odds_entry {
  decimal price;
  std::optional<decimal> limit;
  std::optional<decimal> limit_min;
  std::optional<Str> limit_currency;
  std::optional<decimal> limit_usd;
  std::optional<decimal> limit_min_usd;
  bool active = false;
  std::optional<Str> account;
  std::optional<basic_currency_rate<Str>> currency_info;
  std::optional<Str> bookmaker_fixture_id;
  std::optional<Str> bookmaker_market_id;
  std::optional<Str> bookmaker_outcome_id;
  std::optional<json::basic_raw<Str>> meta;  // exchange order-book data (e.g. {"lay": 2.817})
};

// BetslipResponse. `odds` is {bookmaker slug: {oddsId: entry}}; treat oddsId as opaque.
template <class Str>
struct basic_betslip_response {
  Str fixture_id;
  std::int64_t outcome_id = 0;
  std::int64_t player_id = 0;
  Str client;
  std::optional<Str> user_ref;
  std::optional<basic_fixture_info<Str>> fixture_info;
  std::optional<basic_outcome_info<Str>> outcome_info;
  std::optional<basic_player_info<Str>> player_info;
  json::object_map<Str, json::object_map<Str, basic_odds_entry<Str>>> odds;
};

// ---- reference data: GET /bookmakers, GET /markets (newest: GET /fixtures/markets) --------------

template <class Str>
struct basic_bookmaker {
  std::int64_t bookmaker_id = 0;
  Str bookmaker;  // slug
  std::optional<Str> bookmaker_name;
  bool active = false;
  std::optional<decimal> max_stake;  // the bookmaker tier of the limit cascade
  std::optional<decimal> min_stake;
};

struct markets_filter {
  std::optional<std::int64_t> sport_id{};
};

template <class Str>
struct basic_odds_type {
  std::int64_t outcome_id = 0;
  Str outcome_name;
};

template <class Str>
struct basic_market {
  std::int64_t market_id = 0;
  std::int64_t market_length = 0;  // number of outcomes
  std::int64_t sport_id = 0;
  bool player_prop = false;
  decimal handicap;
  Str market_name;
  Str market_name_short;
  Str market_type;
  Str period;
  std::vector<basic_odds_type<Str>> odds_types;
};

// ---- analytics: GET /positions, GET /pnl -----------------------------------------------------------

enum class group_by : std::uint8_t {
  bookmaker,
  account,
  user_ref,  // "userRef"
};
consteval auto betwire_enum_keys(group_by*) {
  return std::array{enum_key{group_by::bookmaker, "bookmaker"}, enum_key{group_by::account, "account"},
                    enum_key{group_by::user_ref, "userRef"}};
}

// GET /positions and GET /pnl: grouping (the venue's default: bookmaker) and optional filters.
struct analytics_filter {
  std::optional<abp::group_by> group_by{};
  std::optional<std::string> bookmaker{};
  std::optional<std::string> user_ref{};
  std::optional<std::string> account{};  // account username
};

// Open positions: bets PLACED or CONFIRMED and UNSETTLED. Sums are not converted between currencies.
template <class Str>
struct basic_position_entry {
  std::optional<Str> bookmaker;
  std::optional<Str> account;
  std::optional<Str> user_ref;
  std::int64_t open_bets = 0;
  decimal total_stake;
  std::optional<decimal> avg_price;
  std::optional<std::int64_t> fixture_ids;  // "number of distinct orders", despite the name
};

template <class Str>
struct basic_positions {
  std::optional<Str> status;  // "success"
  Str group_by;               // as the venue spells it
  std::vector<basic_position_entry<Str>> positions;
  std::int64_t count = 0;
  decimal total_stake;
  std::int64_t total_open_bets = 0;
};

// Realised PnL over settled bets, the venue's figures as given (betwire derives nothing).
template <class Str>
struct basic_pnl_entry {
  std::optional<Str> bookmaker;
  std::optional<Str> account;
  std::optional<Str> user_ref;
  std::int64_t settled_bets = 0;
  std::int64_t wins = 0;
  std::int64_t losses = 0;
  std::int64_t voids = 0;
  std::int64_t pushes = 0;
  decimal total_staked;
  decimal total_won;
  decimal total_lost;
  decimal net_pnl;
  std::optional<decimal> win_rate;  // percent
};

template <class Str>
struct basic_pnl {
  std::optional<Str> status;
  Str group_by;
  std::vector<basic_pnl_entry<Str>> pnl;
  std::int64_t count = 0;
  decimal total_net_pnl;
  decimal total_staked;
  std::int64_t total_settled_bets = 0;
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

using account = basic_account<std::string>;
using account_list = std::vector<account>;
using currency_rate = basic_currency_rate<std::string>;
using odds_entry = basic_odds_entry<std::string>;
using betslip_response = basic_betslip_response<std::string>;
using bookmaker = basic_bookmaker<std::string>;
using bookmaker_list = std::vector<bookmaker>;
using odds_type = basic_odds_type<std::string>;
using market = basic_market<std::string>;
using market_list = std::vector<market>;
using position_entry = basic_position_entry<std::string>;
using positions = basic_positions<std::string>;
using pnl_entry = basic_pnl_entry<std::string>;
using pnl = basic_pnl<std::string>;

using account_view = basic_account<std::string_view>;
using betslip_response_view = basic_betslip_response<std::string_view>;
using bookmaker_view = basic_bookmaker<std::string_view>;
using market_view = basic_market<std::string_view>;
using positions_view = basic_positions<std::string_view>;
using pnl_view = basic_pnl<std::string_view>;
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
