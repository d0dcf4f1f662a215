#ifndef BETWIRE_ABP_STREAM_SCHEMA_HPP
#define BETWIRE_ABP_STREAM_SCHEMA_HPP

// ABP v2 real-time stream (/ws) wire types, from shared/api/abp-v2/websocket-notes.md (six
// revisions WS-1..WS-6; where they differ both are accepted). Like abp/schema.hpp, every type comes
// in an owning (std::string) and a view (std::string_view) model from one template, and shares the
// REST enums and value types (order_status, bet_status, settlement_status, decimal, timestamp,
// currency_info) where the shapes agree.
//
// A field present in every revision's examples is required; a field some revision lacks, or that
// the venue marks nullable, is std::optional. Free-form objects (meta, oddsInfo, sentData,
// receivedData) are json::raw: validated, kept as their text.

#include <betwire/abp/schema.hpp>
#include <betwire/core/config.hpp>
#include <betwire/core/decimal.hpp>
#include <betwire/core/timestamp.hpp>
#include <betwire/json/object_map.hpp>
#include <betwire/json/raw.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

BETWIRE_BEGIN_NAMESPACE
namespace abp {

// The channels of /ws. A name this version does not know is `unknown` (its data stays raw).
enum class stream_channel : std::uint8_t {
  unknown,
  orders,
  bets,
  settlements,
  accounts,
  balance,
  betslip,
  fixtures,
  currencies,
  status,
  emergency,
};
consteval naming betwire_enum_naming(stream_channel*) { return naming::identity; }

// The `event` of a data message: WS-1 INSERT, UPDATE, DELETE, STATUS_CHANGE, SETTLED; WS-2+ INSERT,
// UPDATE, DELETE, SETTLED, STATUS. Anything else is `unknown` (its text is kept in the event).
enum class stream_op : std::uint8_t {
  unknown,
  insert,
  update,
  delete_,  // "DELETE"
  settled,
  status,
  status_change,
};
consteval auto betwire_enum_keys(stream_op*) { return std::array{enum_key{stream_op::delete_, "DELETE"}}; }

// `orders` payload: the order row. WS-1's example is the required subset; the rest came later.
template <class Str>
struct basic_stream_order {
  std::int64_t order_id = 0;
  Str request_uuid;  // WS-5+: normalised lower-case hyphenated, may differ in spelling from what was sent
  std::optional<Str> client;
  Str client_name;
  std::optional<Str> fixture_id;
  std::optional<Str> future_id;
  std::int64_t outcome_id = 0;
  std::int64_t player_id = 0;
  decimal order_price;
  decimal order_stake;
  decimal filled_stake;
  decimal remaining_stake;
  abp::order_status order_status = order_status::unknown;
  std::optional<Str> status_reason;
  Str user_ref;
  bool test_order = false;
  bool accept_better_odds = false;
  bool accept_partial_stake = false;
  Str order_currency;
  bool back = true;
  std::optional<Str> allowed_bookmakers;  // "*" or a comma-separated list
  std::optional<json::basic_raw<Str>> odds_info;
  std::optional<json::basic_raw<Str>> meta;
  std::optional<timestamp> expires_at;
  std::optional<timestamp> filled_at;
  std::optional<timestamp> created_at;
  std::optional<timestamp> updated_at;
};

// `bets` and `settlements` payload: the bet row. WS-1's settlement example carries only betId,
// orderId, bookmaker, betStatus, settlementStatus, settlementAmount and settledAt: those five
// identity and status fields are required, everything else optional.
template <class Str>
struct basic_stream_bet {
  std::int64_t bet_id = 0;
  std::int64_t order_id = 0;
  Str bookmaker;
  std::optional<Str> bookmaker_bet_id;
  abp::bet_status bet_status = bet_status::unknown;
  abp::settlement_status settlement_status = settlement_status::unknown;
  std::optional<decimal> placed_stake;
  std::optional<decimal> placed_price;
  std::optional<Str> placed_currency;
  std::optional<Str> account;
  std::optional<Str> request_uuid;
  std::optional<Str> user_ref;
  std::optional<bool> test_bet;
  std::optional<Str> client;
  std::optional<Str> client_name;
  std::optional<json::basic_raw<Str>> sent_data;      // e.g. {stake, price}
  std::optional<json::basic_raw<Str>> received_data;  // e.g. {betId, status, price}
  std::optional<decimal> settlement_amount;
  std::optional<Str> settlement_reason;
  std::optional<timestamp> settled_at;
  std::optional<Str> decline_reason;
  std::optional<Str> bet_request_id;
  std::optional<json::basic_raw<Str>> odds_info;
  std::optional<basic_currency_info<Str>> currency_info;
  std::optional<json::basic_raw<Str>> meta;
  std::optional<timestamp> placed_at;
  std::optional<timestamp> created_at;
  std::optional<timestamp> updated_at;
};

// `balance` payload, in the account's native currency.
template <class Str>
struct basic_stream_balance {
  std::optional<Str> client_name;
  Str bookmaker;
  std::optional<Str> username;
  decimal balance;
  Str currency;
  std::optional<std::int64_t> ts;  // ms since the epoch
};

// `emergency` payload. No revision carries a tier: soft pause and full emergency look the same.
template <class Str>
struct basic_stream_emergency {
  bool active = false;
  std::optional<Str> reason;
  std::optional<std::int64_t> ts;
};

// One price of a `betslip` update, under odds[<bookmaker>][<odds key>].
template <class Str>
struct basic_betslip_price {
  std::optional<decimal> price;
  std::optional<decimal> limit;
  std::optional<decimal> limit_min;
  std::optional<Str> limit_currency;
  std::optional<decimal> limit_usd;
  std::optional<decimal> limit_min_usd;
  std::optional<bool> active;
  std::optional<Str> account;
  std::optional<basic_currency_info<Str>> currency_info;
};

// `betslip` payload: a fixture (fixtureId, outcomeId, playerId) or a futures selection (futureId,
// futureOutcomeId or outcomeId, participantId). The odds key ("<fixtureId>:<bookmaker>:..." in
// WS-4+, "odds_12345" in WS-3) is opaque: store and echo it, never parse it.
template <class Str>
struct basic_stream_betslip {
  std::optional<Str> client_name;
  std::optional<Str> client;    // WS-3
  std::optional<Str> user_ref;  // WS-3
  std::optional<Str> fixture_id;
  std::optional<Str> future_id;
  std::optional<std::int64_t> outcome_id;
  std::optional<std::int64_t> future_outcome_id;
  std::optional<std::int64_t> player_id;
  std::optional<std::int64_t> participant_id;
  json::object_map<Str, json::object_map<Str, basic_betslip_price<Str>>> odds;
};

// ---- control messages (server -> client) ----------------------------------------------------------

template <class Str>
struct basic_stream_access {
  std::vector<Str> client_filtered;
  std::vector<Str> global;
};

template <class Str>
struct basic_stream_features {
  std::optional<bool> message_ordering;
  std::optional<bool> acknowledgments;
  std::optional<bool> batch_ack;
};

// login_ok. reliableDelivery is absent in WS-1; access and features are read when present.
template <class Str>
struct basic_stream_login_ok {
  Str client_name;
  std::vector<Str> channels;
  std::int64_t subscription_id = 0;
  std::optional<basic_stream_access<Str>> access;
  std::optional<bool> reliable_delivery;
  std::optional<basic_stream_features<Str>> features;
};

// channels_updated (WS-4+; its fields are not shown by the venue: channels when present, and the
// subscriptionId the simulator adds when the new channel set is another subscription).
template <class Str>
struct basic_stream_channels_updated {
  std::optional<std::vector<Str>> channels;
  std::optional<std::int64_t> subscription_id;
};

// subscribed_betslip, with `skipped`: requested bookmakers the client has no account for.
template <class Str>
struct basic_stream_subscribed_betslip {
  std::optional<Str> fixture_id;
  std::optional<std::int64_t> outcome_id;
  std::optional<std::int64_t> player_id;
  std::vector<Str> bookmakers;
  std::optional<timestamp> expires_at;
  std::optional<std::vector<Str>> skipped;
};

// error: a problem with a client message. `ref` points at the offending request (the simulator
// sends the frame's type, or null; the venue documents only the name), kept raw.
template <class Str>
struct basic_stream_error {
  std::optional<json::basic_raw<Str>> ref;
  std::optional<Str> message;
};

// heartbeat (WS-1): the server's time.
struct stream_heartbeat {
  std::optional<std::int64_t> ts;
};

// ---- client -> server ------------------------------------------------------------------------------

// subscribe_betslip (WS-4+): bookmakers non-empty; ttl seconds, clamped by the venue to 10..3600.
struct subscribe_betslip_request {
  std::string fixture_id{};
  std::int64_t outcome_id = 0;
  std::int64_t player_id = 0;
  std::vector<std::string> bookmakers{};
  std::optional<std::int32_t> ttl{};
};

struct unsubscribe_betslip_request {
  std::string fixture_id{};
  std::int64_t outcome_id = 0;
  std::int64_t player_id = 0;
};

using stream_order = basic_stream_order<std::string>;
using stream_bet = basic_stream_bet<std::string>;
using stream_balance = basic_stream_balance<std::string>;
using stream_emergency = basic_stream_emergency<std::string>;
using betslip_price = basic_betslip_price<std::string>;
using stream_betslip = basic_stream_betslip<std::string>;
using stream_login_ok = basic_stream_login_ok<std::string>;
using stream_channels_updated = basic_stream_channels_updated<std::string>;
using stream_subscribed_betslip = basic_stream_subscribed_betslip<std::string>;
using stream_error = basic_stream_error<std::string>;

using stream_order_view = basic_stream_order<std::string_view>;
using stream_bet_view = basic_stream_bet<std::string_view>;
using stream_balance_view = basic_stream_balance<std::string_view>;
using stream_emergency_view = basic_stream_emergency<std::string_view>;
using betslip_price_view = basic_betslip_price<std::string_view>;
using stream_betslip_view = basic_stream_betslip<std::string_view>;
using stream_login_ok_view = basic_stream_login_ok<std::string_view>;
using stream_channels_updated_view = basic_stream_channels_updated<std::string_view>;
using stream_subscribed_betslip_view = basic_stream_subscribed_betslip<std::string_view>;
using stream_error_view = basic_stream_error<std::string_view>;

}  // namespace abp
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_ABP_STREAM_SCHEMA_HPP
