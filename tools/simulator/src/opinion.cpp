// betwire_simulator: Opinion.trade open API (builder mode) — user orders: list, detail, cancel.
// Source of truth: ../shared/api/opinion (builder-cancel-order.md, wire-notes.md).
#include <algorithm>
#include <map>
#include <set>

#include "sim.hpp"

namespace sim {
namespace {

struct UserDef {
  const char* key;
  const char* name;
  const char* wallet;
  bool seeded;  // gets --opinion-orders orders at start
};
constexpr UserDef kUsers[] = {
    {"opn-test-key-alice-0001", "alice", "0xa11ce0000000000000000000000000000000a11c", true},
    {"opn-test-key-bob-0002", "bob", "0xb0b0000000000000000000000000000000000b0b", true},
    {"opn-test-key-carol-0003", "carol", "0xca201000000000000000000000000000000ca201", false},
};

struct MarketDef {
  std::int64_t id;
  const char* title;
  std::int64_t root_id;
  const char* root_title;
};
constexpr MarketDef kMarkets[] = {
    {101, "Will BTC close above $150k on 2026-06-30?", 101, "Will BTC close above $150k on 2026-06-30?"},
    {102, "Fed cuts rates in March 2026?", 102, "Fed cuts rates in March 2026?"},
    {2001, "Eurovision 2026 winner — Sweden", 2000, "Eurovision 2026 winner"},
    {2002, "Eurovision 2026 winner — Ukraine 🇺🇦", 2000, "Eurovision 2026 winner"},
    {3001, "Ballon d'Or 2026: \"Lamine Yamal\"", 3000, "Ballon d'Or 2026"},
};
constexpr const char* kQuoteToken = "0x55d398326f99059ff775485246999027b3197955";  // USDT (BSC)

const char* status_enum(int s) {
  switch (s) {
    case 1: return "Pending";
    case 2: return "Filled";
    case 3: return "Canceled";
    case 4: return "Expired";
    case 5: return "Failed";
    default: return "Unknown";
  }
}

struct Trade {
  std::string trade_no, price, shares, amount, fee, tx_hash;
  std::int64_t created_at = 0;
};

struct Order {
  std::uint64_t seq = 0;
  std::string order_id;
  std::string user;
  int status = 1;
  std::int64_t market_id = 0;
  std::string market_title;
  std::int64_t root_market_id = 0;
  std::string root_market_title;
  int side = 1;            // 1 buy, 2 sell
  int trading_method = 2;  // 1 market, 2 limit
  std::string outcome;     // "YES"/"NO"
  int outcome_side = 1;    // 1 yes, 2 no
  std::string price, order_shares, order_amount, filled_shares, filled_amount, profit;
  std::int64_t created_at = 0, expires_at = 0;
  std::vector<Trade> trades;
};

class Opinion final : public Venue {
 public:
  std::string_view name() const override { return "opinion"; }
  std::string_view prefix() const override { return "/opinion/openapi"; }

  void reset(const Options& opt) override {
    orders_.clear();
    by_seq_.clear();
    rate_.clear();
    code_envelope_ = opt.opinion_code_envelope;
    cancel_form_ = CancelForm::data;
    rng_ = Rng(opt.seed * 0xD6E8FEB86659FD93ULL + 0x0914);
    seq_ = 0;
    for (const auto& u : kUsers) {
      if (!u.seeded) continue;
      const int n = std::max(0, opt.opinion_orders);
      for (int i = 0; i < n; ++i) {
        const micros created = SimClock::kBase - static_cast<micros>(n - i) * 53'000'000;
        generate(u.name, pick_status(), created, std::nullopt, std::nullopt);
      }
    }
  }

  ojson info() const override {
    ojson users = ojson::array();
    for (const auto& u : kUsers) {
      std::size_t n = 0;
      for (const auto& [id, o] : orders_) n += o.user == u.name ? 1U : 0U;
      users.push_back({{"apikey", u.key}, {"user", u.name}, {"wallet", u.wallet}, {"orders", n}});
    }
    ojson markets = ojson::array();
    for (const auto& m : kMarkets) markets.push_back(m.id);
    return {{"prefix", "/opinion/openapi"}, {"users", users}, {"markets", markets}, {"envelope", code_envelope_ ? "code" : "errno"}};
  }

  Reply error_reply(int status, std::string_view message) override {
    return envelope(status, status, std::string(message), nullptr);
  }

  Reply handle(const Call& c) override {
    const std::string key = c.header("apikey");
    const UserDef* user = nullptr;
    for (const auto& u : kUsers)
      if (key == u.key) user = &u;
    if (key.empty()) return envelope(401, 401, "apikey header is required", nullptr);
    if (!user) return envelope(401, 401, "invalid apikey", nullptr);
    auto v = rate_[key].hit(15, std::chrono::seconds(1), rate_limits);
    if (!v.allowed) {
      Reply r = envelope(429, 429, "too many requests", nullptr);
      r.set_header("Retry-After", std::to_string(v.retry_after_s));
      return r;
    }
    if (c.path == "/order") return c.method == "GET" ? list(c, user->name) : envelope(405, 405, "method not allowed", nullptr);
    if (c.path == "/order/cancel")
      return c.method == "POST" ? cancel(c, user->name) : envelope(405, 405, "method not allowed", nullptr);
    if (c.path.starts_with("/order/") && c.path.size() > 7 && c.path.find('/', 7) == std::string::npos) {
      if (c.method != "GET") return envelope(405, 405, "method not allowed", nullptr);
      auto it = orders_.find(c.path.substr(7));
      if (it == orders_.end() || it->second.user != user->name) return envelope(200, kErrNotFound, "order not found", nullptr);
      return envelope(200, 0, "", {{"orderData", render(it->second)}});
    }
    return envelope(404, 404, "not found", nullptr);
  }

  std::optional<Reply> control(std::string_view action, const ojson& b) override {
    if (action == "envelope") {
      // {"form": "errno" | "code"}
      const std::string f = b.value("form", std::string("errno"));
      if (f != "errno" && f != "code") return Reply::json(400, {{"error", "form must be errno or code"}});
      code_envelope_ = f == "code";
      return Reply::json(200, {{"form", f}});
    }
    if (action == "cancel-form") {
      // {"form": "data" | "result-true" | "null" | "empty"}
      const std::string f = b.value("form", std::string("data"));
      if (f == "data") cancel_form_ = CancelForm::data;
      else if (f == "result-true") cancel_form_ = CancelForm::result_true;
      else if (f == "null") cancel_form_ = CancelForm::null_result;
      else if (f == "empty") cancel_form_ = CancelForm::empty_object;
      else return Reply::json(400, {{"error", "form must be data, result-true, null or empty"}});
      return Reply::json(200, {{"form", f}});
    }
    if (action == "set-status") {
      auto it = orders_.find(b.value("orderId", std::string()));
      if (it == orders_.end()) return Reply::json(404, {{"error", "no such order"}});
      const auto s = b.value("status", 0);
      if (s < 1 || s > 5) return Reply::json(400, {{"error", "status must be 1..5"}});
      it->second.status = s;
      return Reply::json(200, render(it->second));
    }
    if (action == "order") {
      auto it = orders_.find(b.value("orderId", std::string()));
      if (it == orders_.end()) return Reply::json(404, {{"error", "no such order"}});
      return Reply::json(200, render(it->second));
    }
    return std::nullopt;
  }

  Reply seed_orders(const ojson& b) override {
    // {"venue":"opinion","user":"alice" | "apikey":"...", "count":n, "status":1, "marketId":101, "side":1|2}
    std::string user = b.value("user", std::string());
    if (b.contains("apikey")) {
      for (const auto& u : kUsers)
        if (b["apikey"] == u.key) user = u.name;
    }
    if (user.empty()) user = "alice";
    if (std::none_of(std::begin(kUsers), std::end(kUsers), [&](const UserDef& u) { return user == u.name; }))
      return Reply::json(400, {{"error", "unknown user " + user}});
    const auto count = b.value("count", std::int64_t{1});
    if (count < 1 || count > 100000) return Reply::json(400, {{"error", "count must be 1..100000"}});
    const int status = b.value("status", 1);
    if (status < 1 || status > 5) return Reply::json(400, {{"error", "status must be 1..5"}});
    std::optional<std::int64_t> market;
    if (b.contains("marketId")) market = b["marketId"].get<std::int64_t>();
    std::optional<int> side;
    if (b.contains("side")) side = b["side"].get<int>();
    if (side && *side != 1 && *side != 2) return Reply::json(400, {{"error", "side must be 1 (buy) or 2 (sell)"}});
    ojson ids = ojson::array();
    for (std::int64_t i = 0; i < count; ++i) ids.push_back(generate(user, status, clock->tick(), market, side).order_id);
    return Reply::json(200, {{"venue", "opinion"}, {"orderIds", ids}});
  }

 private:
  static constexpr int kErrInvalidParam = 10400;
  static constexpr int kErrNotFound = 10404;
  static constexpr int kErrNotCancellable = 10409;

  Reply envelope(int http_status, int code, const std::string& msg, ojson result) const {
    ojson j = ojson::object();
    j[code_envelope_ ? "code" : "errno"] = code;
    j[code_envelope_ ? "msg" : "errmsg"] = msg;
    j["result"] = std::move(result);
    return Reply::json(http_status, j);
  }

  int pick_status() {
    const auto r = rng_.range(0, 99);
    if (r < 60) return 1;
    if (r < 75) return 2;
    if (r < 88) return 3;
    if (r < 96) return 4;
    return 5;
  }

  Order& generate(const std::string& user, int status, micros created, std::optional<std::int64_t> market,
                  std::optional<int> side) {
    Order o;
    o.seq = ++seq_;
    o.order_id = rng_.uuid4();
    o.user = user;
    o.status = status;
    const MarketDef* m = &kMarkets[rng_.next() % std::size(kMarkets)];
    if (market) {
      m = nullptr;
      for (const auto& d : kMarkets)
        if (d.id == *market) m = &d;
    }
    if (m) {
      o.market_id = m->id;
      o.market_title = m->title;
      o.root_market_id = m->root_id;
      o.root_market_title = m->root_title;
    } else {
      o.market_id = *market;
      o.market_title = "Market " + std::to_string(*market);
      o.root_market_id = *market;
      o.root_market_title = o.market_title;
    }
    o.side = side ? *side : (rng_.chance(50) ? 1 : 2);
    o.trading_method = rng_.chance(85) ? 2 : 1;
    o.outcome_side = rng_.chance(50) ? 1 : 2;
    o.outcome = o.outcome_side == 1 ? "YES" : "NO";
    const std::int64_t price_m = rng_.range(1, 999);  // thousandths
    o.price = format_units(price_m, 3);
    const std::int64_t shares_c = rng_.chance(60) ? rng_.range(1, 200) * 500 : rng_.range(100, 100000);
    o.order_shares = format_units(shares_c, 2);
    o.order_amount = format_units(shares_c * price_m, 5);  // shares * price, exact
    std::int64_t filled_c = 0;
    if (status == 2) filled_c = shares_c;
    else if (status == 3 && rng_.chance(30)) filled_c = shares_c / 4;
    o.filled_shares = format_units(filled_c, 2);
    o.filled_amount = format_units(filled_c * price_m, 5);
    o.profit = "0";
    o.created_at = created / 1000000;
    o.expires_at = rng_.chance(30) ? o.created_at + 86400 * 7 : 0;
    if (filled_c > 0) {
      Trade t;
      t.trade_no = "T" + rng_.hex(16);
      t.price = o.price;
      t.shares = o.filled_shares;
      t.amount = o.filled_amount;
      t.fee = format_units(filled_c * price_m / 100, 5);  // 1 %
      t.tx_hash = "0x" + rng_.hex(64);
      t.created_at = o.created_at + 2;
      o.trades.push_back(std::move(t));
    }
    by_seq_[o.seq] = o.order_id;
    return orders_[o.order_id] = std::move(o);
  }

  ojson render(const Order& o) const {
    ojson j = ojson::object();
    j["orderId"] = o.order_id;
    j["status"] = o.status;
    j["statusEnum"] = status_enum(o.status);
    j["marketId"] = o.market_id;
    j["marketTitle"] = o.market_title;
    j["rootMarketId"] = o.root_market_id;
    j["rootMarketTitle"] = o.root_market_title;
    j["side"] = o.side;
    j["sideEnum"] = o.side == 1 ? "Buy" : "Sell";
    j["tradingMethod"] = o.trading_method;
    j["tradingMethodEnum"] = o.trading_method == 1 ? "Market" : "Limit";
    j["outcome"] = o.outcome;
    j["outcomeSide"] = o.outcome_side;
    j["outcomeSideEnum"] = o.outcome_side == 1 ? "Yes" : "No";
    j["price"] = o.price;
    j["orderShares"] = o.order_shares;
    j["orderAmount"] = o.order_amount;
    j["filledShares"] = o.filled_shares;
    j["filledAmount"] = o.filled_amount;
    j["profit"] = o.profit;
    j["quoteToken"] = kQuoteToken;
    j["createdAt"] = o.created_at;
    j["expiresAt"] = o.expires_at;
    ojson trades = ojson::array();
    for (const auto& t : o.trades) {
      ojson tj = ojson::object();
      tj["tradeNo"] = t.trade_no;
      tj["price"] = t.price;
      tj["shares"] = t.shares;
      tj["amount"] = t.amount;
      tj["fee"] = t.fee;
      tj["txHash"] = t.tx_hash;
      tj["createdAt"] = t.created_at;
      trades.push_back(std::move(tj));
    }
    j["trades"] = std::move(trades);
    return j;
  }

  // A query parameter under either casing (market_id / marketId, chain_id / chainId).
  static std::string param2(const Call& c, const char* snake, const char* camel) {
    return c.has_param(snake) ? c.param(snake) : c.param(camel);
  }

  Reply list(const Call& c, const std::string& user) {
    std::int64_t market = 0, limit = 10, page = 1;
    const std::string m = param2(c, "market_id", "marketId");
    if (!m.empty()) {
      auto v = parse_int(m);
      if (!v || *v < 0) return envelope(200, kErrInvalidParam, "invalid market_id", nullptr);
      market = *v;
    }
    if (c.has_param("limit")) {
      auto v = parse_int(c.param("limit"));
      if (!v || *v < 1 || *v > 20) return envelope(200, kErrInvalidParam, "limit must be between 1 and 20", nullptr);
      limit = *v;
    }
    if (c.has_param("page")) {
      auto v = parse_int(c.param("page"));
      if (!v || *v < 1) return envelope(200, kErrInvalidParam, "page must be >= 1", nullptr);
      page = *v;
    }
    const std::string chain = param2(c, "chain_id", "chainId");
    if (!chain.empty() && !parse_int(chain)) return envelope(200, kErrInvalidParam, "invalid chain_id", nullptr);
    std::set<int> statuses;
    for (auto& s : split(c.param("status"), ',')) {
      if (s.empty()) continue;
      auto v = parse_int(s);
      if (!v || *v < 1 || *v > 5) return envelope(200, kErrInvalidParam, "invalid status " + s, nullptr);
      statuses.insert(static_cast<int>(*v));
    }
    std::vector<const Order*> match;
    for (auto it = by_seq_.rbegin(); it != by_seq_.rend(); ++it) {
      const Order& o = orders_.at(it->second);
      if (o.user != user) continue;
      if (market != 0 && o.market_id != market) continue;
      if (!statuses.empty() && !statuses.count(o.status)) continue;
      match.push_back(&o);
    }
    ojson list = ojson::array();
    const auto start = static_cast<std::size_t>((page - 1) * limit);
    for (std::size_t i = start; i < match.size() && i < start + static_cast<std::size_t>(limit); ++i)
      list.push_back(render(*match[i]));
    ojson result = ojson::object();
    result["total"] = match.size();
    result["list"] = std::move(list);
    return envelope(200, 0, "", std::move(result));
  }

  Reply cancel(const Call& c, const std::string& user) {
    const ojson b = parse_json_or_discarded(c.body());
    std::string id;
    if (b.is_object()) {
      if (b.contains("orderId") && b["orderId"].is_string()) id = b["orderId"].get<std::string>();
      else if (b.contains("order_id") && b["order_id"].is_string()) id = b["order_id"].get<std::string>();
    }
    if (id.empty()) return envelope(200, kErrInvalidParam, "orderId is required", nullptr);
    auto it = orders_.find(id);
    if (it == orders_.end() || it->second.user != user) return envelope(200, kErrNotFound, "order not found", nullptr);
    Order& o = it->second;
    if (o.status == 3) return envelope(200, kErrNotCancellable, "order already canceled", nullptr);
    if (o.status != 1) return envelope(200, kErrNotCancellable, std::string("order cannot be canceled: ") + status_enum(o.status), nullptr);
    clock->tick();
    o.status = 3;
    switch (cancel_form_) {
      case CancelForm::data: return envelope(200, 0, "", {{"data", {{"orderId", o.order_id}, {"status", 3}}}});
      case CancelForm::result_true: return envelope(200, 0, "", {{"result", true}});
      case CancelForm::null_result: return envelope(200, 0, "", nullptr);
      case CancelForm::empty_object: return envelope(200, 0, "", ojson::object());
    }
    return envelope(200, 0, "", nullptr);
  }

  // What a successful cancel puts in `result`: the documented {"data": {orderId, status}} (wire-notes.md),
  // or a form seen elsewhere ({"result": true} is what the Python SDK returns, not the wire).
  enum class CancelForm { data, result_true, null_result, empty_object };
  CancelForm cancel_form_ = CancelForm::data;

  std::map<std::string, Order> orders_;
  std::map<std::uint64_t, std::string> by_seq_;
  std::map<std::string, SlidingWindow> rate_;
  bool code_envelope_ = false;
  std::uint64_t seq_ = 0;
  Rng rng_;
};

}  // namespace

std::unique_ptr<Venue> make_opinion() { return std::make_unique<Opinion>(); }

}  // namespace sim
