#ifndef BETWIRE_OPINION_SCHEMA_HPP
#define BETWIRE_OPINION_SCHEMA_HPP

// Opinion.trade open API wire types (builder mode, user calls), from shared/api/opinion. Members are
// the snake_case spelling of the camelCase keys; enums are integers on the wire. Each record exists
// in two models from one template:
//   opinion::order       owns its strings (std::string);
//   opinion::order_view  views into the response buffer (std::string_view): decoding a warm page
//                        allocates nothing; valid while that buffer lives and is not reused.
//
// Every answer comes in an envelope {"errno": 0, "errmsg": "", "result": ...} (some revisions:
// {"code": 0, "msg": "", "result": ...}); a non-zero errno is an error even under HTTP 200. The
// endpoints (endpoints.hpp) unwrap it: response types here are what `result` holds.

#include <betwire/core/config.hpp>
#include <betwire/core/decimal.hpp>
#include <betwire/core/timestamp.hpp>
#include <betwire/json/raw.hpp>
#include <betwire/reflect/enums.hpp>
#include <betwire/reflect/naming.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

BETWIRE_BEGIN_NAMESPACE
namespace opinion {

// Opinion spells keys in camelCase; its enums are numbers.
consteval naming betwire_naming(auto*) { return naming::camel_case; }
consteval naming betwire_enum_naming(auto*) { return naming::integer; }

// `status`: 1 pending, 2 filled, 3 canceled, 4 expired, 5 failed.
enum class order_status : std::uint8_t {
  unknown = 0,  // a value this version does not know
  pending = 1,
  filled = 2,
  canceled = 3,
  expired = 4,
  failed = 5,
};

// `side` of a REST order record: 1 buy, 2 sell. (On-chain order structs use 0 buy, 1 sell: those
// are not this type.)
enum class order_side : std::uint8_t {
  unknown = 0,
  buy = 1,
  sell = 2,
};

// `tradingMethod`: 1 market, 2 limit.
enum class trading_method : std::uint8_t {
  unknown = 0,
  market = 1,
  limit = 2,
};

// `outcomeSide`: 1 yes, 2 no.
enum class outcome_side : std::uint8_t {
  unknown = 0,
  yes = 1,
  no = 2,
};

// One fill of an order. The documents list `trades[]` without its fields: every member is optional
// and unknown keys are skipped.
template <class Str>
struct basic_trade {
  std::optional<Str> trade_no;
  std::optional<decimal> price;
  std::optional<decimal> shares;
  std::optional<decimal> amount;
  std::optional<decimal> fee;
  std::optional<Str> tx_hash;
  std::optional<timestamp> created_at;
};

// OrderData: every field of wire-notes.md. Prices and amounts are decimal strings on the wire and
// keep their text exactly. createdAt / expiresAt are unix seconds; expiresAt 0 means "no expiry".
template <class Str>
struct basic_order {
  Str order_id;
  order_status status = order_status::unknown;
  Str status_enum;  // "Pending", ...
  std::int64_t market_id = 0;
  Str market_title;
  std::int64_t root_market_id = 0;
  Str root_market_title;
  order_side side = order_side::unknown;
  Str side_enum;  // "Buy" / "Sell"
  opinion::trading_method trading_method = trading_method::unknown;
  Str trading_method_enum;
  Str outcome;  // "YES" / "NO"
  opinion::outcome_side outcome_side = outcome_side::unknown;
  Str outcome_side_enum;
  decimal price;
  decimal order_shares;
  decimal order_amount;
  decimal filled_shares;
  decimal filled_amount;
  decimal profit;
  Str quote_token;
  timestamp created_at;
  timestamp expires_at;
  std::vector<basic_trade<Str>> trades;
};

// GET /order: `result` = {total, list}. `total` counts every order that matches, over all pages.
template <class Str>
struct basic_orders_page {
  std::int64_t total = 0;
  std::vector<basic_order<Str>> list;
};

// GET /order/{orderId}: `result` = {orderData}.
template <class Str>
struct basic_order_detail {
  basic_order<Str> order_data;
};

// POST /order/cancel answers {"errno": 0, "errmsg": "", "result": {"data": {"orderId": "...",
// "status": 3}}}: a single object comes in `result.data` (wire-notes.md). errno 0 alone says the
// cancel succeeded; `data` is what the venue said about the order, when it said it.
template <class Str>
struct basic_cancelled_order {
  std::optional<Str> order_id;
  std::optional<order_status> status;  // canceled (3) after a cancel
};

template <class Str>
struct basic_cancel_result {
  std::optional<basic_cancelled_order<Str>> data;  // result.data, when `result` has it
  json::basic_raw<Str> raw;  // `result` as sent when it has no `data` (null, {"result": true}, ...); else empty
};

// The envelope itself, for callers that read it on their own (the endpoints do this for you).
// `errno` is a macro: the member is error_number, renamed to the key "errno".
template <class Result>
struct envelope {
  std::optional<std::int64_t> error_number;
  std::optional<std::string_view> errmsg;
  std::optional<std::int64_t> code;
  std::optional<std::string_view> msg;
  std::optional<Result> result;
  static constexpr betwire::naming betwire_naming = betwire::naming::identity;
  static constexpr betwire::key_rename betwire_keys[] = {{"error_number", "errno"}};
};

using trade = basic_trade<std::string>;
using order = basic_order<std::string>;
using orders_page = basic_orders_page<std::string>;
using order_detail = basic_order_detail<std::string>;
using cancelled_order = basic_cancelled_order<std::string>;
using cancel_result = basic_cancel_result<std::string>;

using trade_view = basic_trade<std::string_view>;
using order_view = basic_order<std::string_view>;
using orders_page_view = basic_orders_page<std::string_view>;
using order_detail_view = basic_order_detail<std::string_view>;
using cancelled_order_view = basic_cancelled_order<std::string_view>;
using cancel_result_view = basic_cancel_result<std::string_view>;

}  // namespace opinion
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_OPINION_SCHEMA_HPP
