// betwire_simulator: PredictStreet core-api — cancel-batch, cancel, cancel-all and order reads.
// Source of truth: ../shared/api/predictstreet (cancel-batch.reference.md, wire-notes.md).
#include <algorithm>
#include <map>
#include <set>

#include "sim.hpp"

namespace sim {
namespace {

// Fixed test keys. keyId = 16 hex, secret = 43 base64url characters.
struct KeyDef {
  const char* env;  // "test" or "live"
  const char* key_id;
  const char* secret;
  const char* kind;     // single_wallet | multi_wallet
  const char* wallet;   // single_wallet: the key's wallet ("" = none)
  const char* problem;  // "" or the 401/403 code this key always produces
  bool can_write;       // has orders:write (cancel) besides orders:read
};
constexpr KeyDef kKeys[] = {
    {"test", "0000000000000a01", "simSingleSecret_0123456789abcdefghijklmnopq", "single_wallet",
     "0xa11ce00000000000000000000000000000000001", "", true},
    {"test", "0000000000000a02", "simMultiSecret_0123456789abcdefghijklmnopqr", "multi_wallet", "", "", true},
    {"test", "0000000000000a03", "simRevokedSecret_0123456789abcdefghijklmnop", "single_wallet",
     "0xa11ce00000000000000000000000000000000001", "api_key_revoked", true},
    {"test", "0000000000000a04", "simExpiredSecret_0123456789abcdefghijklmnop", "single_wallet",
     "0xa11ce00000000000000000000000000000000001", "api_key_expired", true},
    {"test", "0000000000000a05", "simSuspendedSecret_0123456789abcdefghijklmn", "single_wallet",
     "0xa11ce00000000000000000000000000000000001", "api_key_suspended", true},
    {"test", "0000000000000a06", "simIpdeniedSecret_0123456789abcdefghijklmno", "single_wallet",
     "0xa11ce00000000000000000000000000000000001", "api_key_ip_denied", true},
    {"test", "0000000000000a07", "simNowalletSecret_0123456789abcdefghijklmno", "single_wallet", "",
     "api_key_no_associated_wallet", true},
    {"test", "0000000000000a08", "simReadonlySecret_0123456789abcdefghijklmno", "single_wallet",
     "0xa11ce00000000000000000000000000000000001", "", false},
    {"test", "0000000000000a09", "simBannedSecret_0123456789abcdefghijklmnopq", "single_wallet",
     "0xbad0000000000000000000000000000000000bad", "", true},
};
constexpr const char* kWalletA = "0xa11ce00000000000000000000000000000000001";  // single-wallet key
constexpr const char* kWalletB = "0x742d35cc6634c0532925a3b844bc9e7595f0beb3";  // multi-wallet user
constexpr const char* kWalletC = "0xc0ffee0000000000000000000000000000000003";  // multi-wallet user
constexpr const char* kBannedWallet = "0xbad0000000000000000000000000000000000bad";

const std::set<std::string> kStatuses = {"PENDING",  "OPEN",    "PARTIAL", "FILLED",
                                         "CANCELLED", "REJECTED", "EXPIRED", "SETTLEMENT_FAILED"};
bool is_open(const std::string& s) { return s == "PENDING" || s == "OPEN" || s == "PARTIAL"; }

struct Trade {
  std::string id, price, quantity, fee, status, tx_hash, created_at;
};

struct Order {
  std::uint64_t seq = 0;  // insertion order: newest first = highest seq
  std::string id, wallet, vault, market_id, side, outcome, price, quantity, filled, remaining;
  ojson expiry;  // ISO string or null
  std::string type, tif, status;
  ojson client_order_id;  // string or null
  std::string created_at, updated_at;
  micros created_us = 0;
  std::vector<Trade> trades;
};

bool valid_wallet(const std::string& w) {
  if (w.size() != 42 || w[0] != '0' || w[1] != 'x') return false;
  return std::all_of(w.begin() + 2, w.end(), [](char ch) { return std::isxdigit(static_cast<unsigned char>(ch)) != 0; });
}

bool is_base64url(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_';
  });
}

class PredictStreet final : public Venue {
 public:
  std::string_view name() const override { return "predictstreet"; }
  std::string_view prefix() const override { return "/predictstreet"; }

  void reset(const Options& opt) override {
    orders_.clear();
    by_seq_.clear();
    injected_.clear();
    rate_.clear();
    legacy_cancel_all_ = false;
    legacy_cancel_ = false;
    rng_ = Rng(opt.seed * 0x9E3779B97F4A7C15ULL + 0x5157);
    seq_ = 0;
    for (const char* w : {kWalletA, kWalletB, kWalletC}) {
      const int n = std::max(0, opt.ps_orders);
      for (int i = 0; i < n; ++i) {
        const micros created = SimClock::kBase - static_cast<micros>(n - i) * 47'000'000 - rng_.range(0, 999'999);
        generate(w, pick_status(), created, std::nullopt, std::nullopt, std::nullopt);
      }
    }
  }

  ojson info() const override {
    ojson keys = ojson::array();
    for (const auto& k : kKeys) {
      ojson j = ojson::object();
      j["key"] = full_key(k);
      j["kind"] = k.kind;
      j["wallet"] = *k.wallet ? ojson(k.wallet) : ojson(nullptr);
      j["answers"] = *k.problem ? ojson(k.problem) : ojson("ok");
      j["scopes"] = k.can_write ? ojson::array({"orders:read", "orders:write"}) : ojson::array({"orders:read"});
      keys.push_back(j);
    }
    return {{"prefix", "/predictstreet"},
            {"keys", keys},
            {"wallets", {kWalletA, kWalletB, kWalletC}},
            {"bannedWallet", kBannedWallet},
            {"orders", orders_.size()}};
  }

  static std::string full_key(const KeyDef& k) {
    return std::string("ps_") + k.env + "_" + k.key_id + "_" + k.secret;
  }

  Reply error_reply(int status, std::string_view message) override {
    std::string code = "error";
    switch (status) {
      case 400: code = "bad_request"; break;
      case 401: code = "auth_required"; break;
      case 403: code = "forbidden"; break;
      case 404: code = "not_found"; break;
      case 409: code = "conflict"; break;
      case 429: code = "rate_limited"; break;
      case 500: code = "internal_error"; break;
      case 503: code = "service_unavailable"; break;
      default: break;
    }
    return err(status, code, std::string(message));
  }

  Reply handle(const Call& c) override {
    std::string wallet;
    bool can_write = false;
    // Headers for requests that fail before a wallet is known come from a per-IP bucket.
    if (auto auth = authenticate(c, wallet, can_write)) {
      auto v = rate_["ip:" + c.remote_addr() + ":reads"].hit(300, std::chrono::seconds(60), false);
      stamp(*auth, v);
      return *auth;
    }
    const bool is_read = c.method == "GET";
    const bool is_cancel_batch = c.path == "/api/orders/cancel-batch";
    const bool is_cancel_all = c.path == "/api/orders/cancel-all";
    const bool is_cancel = c.path == "/api/orders/cancel";
    std::string bucket = "reads";
    long limit = 300;
    std::chrono::milliseconds window = std::chrono::seconds(60);
    if (is_cancel_batch || is_cancel) {
      bucket = is_cancel ? "cancel" : "cancel-batch";
      limit = 5;
      window = std::chrono::seconds(1);
    } else if (is_cancel_all) {
      bucket = "cancel-all";
      limit = 1;
      window = std::chrono::seconds(1);
    }
    if (!is_read && !can_write && (is_cancel_batch || is_cancel_all || is_cancel)) {
      Reply r = err(403, "api_key_scope_missing", "API key lacks the required scope",
                    {{"requiredScope", "orders:write"}, {"have", {"orders:read"}}});
      stamp(r, rate_[wallet + ":" + bucket].hit(limit, window, false));
      return r;
    }
    auto v = rate_[wallet + ":" + bucket].hit(limit, window, rate_limits);
    if (!v.allowed) {
      Reply r = err(429, "rate_limited", "Too many requests", {{"bucket", bucket}, {"retryAfter", v.retry_after_s}});
      r.set_header("Retry-After", std::to_string(v.retry_after_s));
      stamp(r, v);
      return r;
    }
    // Every documented body is JSON: a POST that names another Content-Type (libcurl's default
    // application/x-www-form-urlencoded, say) is refused, so a form body cannot go unnoticed.
    if (c.method == "POST" && c.has_header("Content-Type")) {
      const std::string ct = lower(c.header("Content-Type"));
      if (ct.rfind("application/json", 0) != 0) {
        Reply r = err(415, "unsupported_media_type", "request bodies are JSON (Content-Type: application/json)",
                      {{"contentType", c.header("Content-Type")}});
        stamp(r, v);
        return r;
      }
    }
    Reply r = route(c, wallet);
    stamp(r, v);
    return r;
  }

  std::optional<Reply> control(std::string_view action, const ojson& b) override {
    if (action == "inject") {
      // {"orderIds": [...], "reason": "lock_invariant" | "unknown" | null}
      if (!b.contains("orderIds") || !b["orderIds"].is_array()) return Reply::json(400, {{"error", "orderIds required"}});
      const ojson reason = b.value("reason", ojson("lock_invariant"));
      for (const auto& id : b["orderIds"]) {
        if (reason.is_null() || reason == "none") {
          injected_.erase(id.get<std::string>());
        } else {
          injected_[id.get<std::string>()] = reason.get<std::string>();
        }
      }
      return Reply::json(200, {{"injected", injected_}});
    }
    if (action == "legacy") {
      // {"cancelAllNumber": bool, "cancelLegacy": bool}
      legacy_cancel_all_ = b.value("cancelAllNumber", legacy_cancel_all_);
      legacy_cancel_ = b.value("cancelLegacy", legacy_cancel_);
      return Reply::json(200, {{"cancelAllNumber", legacy_cancel_all_}, {"cancelLegacy", legacy_cancel_}});
    }
    if (action == "set-status") {
      // {"orderId": "...", "status": "FILLED"}
      auto it = orders_.find(b.value("orderId", std::string()));
      if (it == orders_.end()) return Reply::json(404, {{"error", "no such order"}});
      const std::string s = b.value("status", std::string());
      if (!kStatuses.count(s)) return Reply::json(400, {{"error", "unknown status " + s}});
      it->second.status = s;
      it->second.updated_at = format_iso(clock->tick(), 3, "Z");
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
    // {"venue":"predictstreet","wallet":"0x...","count":n,"status":"OPEN","marketId":..,"side":..,"outcome":..}
    std::string wallet = lower(b.value("wallet", std::string(kWalletA)));
    if (!valid_wallet(wallet)) return Reply::json(400, {{"error", "wallet must be 0x + 40 hex"}});
    const std::string status = b.value("status", std::string("OPEN"));
    if (!kStatuses.count(status)) return Reply::json(400, {{"error", "unknown status " + status}});
    const auto count = b.value("count", std::int64_t{1});
    if (count < 1 || count > 100000) return Reply::json(400, {{"error", "count must be 1..100000"}});
    auto opt_str = [&](const char* k) -> std::optional<std::string> {
      if (b.contains(k) && b[k].is_string()) return b[k].get<std::string>();
      return std::nullopt;
    };
    ojson ids = ojson::array();
    for (std::int64_t i = 0; i < count; ++i)
      ids.push_back(generate(wallet, status, clock->tick(), opt_str("marketId"), opt_str("side"), opt_str("outcome")).id);
    return Reply::json(200, {{"venue", "predictstreet"}, {"orderIds", ids}});
  }

 private:
  static Reply err(int status, const std::string& code, const std::string& message, ojson details = nullptr) {
    ojson j = ojson::object();
    j["code"] = code;
    j["message"] = message;
    j["details"] = std::move(details);
    return Reply::json(status, j);
  }

  static void stamp(Reply& r, const SlidingWindow::Verdict& v) {
    r.set_header("X-RateLimit-Limit", std::to_string(v.limit));
    r.set_header("X-RateLimit-Remaining", std::to_string(v.remaining));
    r.set_header("X-RateLimit-Reset", std::to_string(v.reset_epoch_s));
  }

  // nullopt when authenticated (wallet and scope filled in), otherwise the error reply.
  std::optional<Reply> authenticate(const Call& c, std::string& wallet, bool& can_write) {
    if (!c.has_header("X-Api-Key") || c.header("X-Api-Key").empty())
      return err(401, "auth_required", "Authentication required: send X-Api-Key");
    const std::string key = c.header("X-Api-Key");
    // ps_<live|test>_<16 hex>_<43 base64url>
    const bool shape = key.size() == 3 + 5 + 16 + 1 + 43 && key.starts_with("ps_") &&
                       (key.substr(3, 5) == "live_" || key.substr(3, 5) == "test_") && key[24] == '_' &&
                       std::all_of(key.begin() + 8, key.begin() + 24,
                                   [](char ch) { return std::isxdigit(static_cast<unsigned char>(ch)) != 0; }) &&
                       is_base64url(std::string_view(key).substr(25));
    if (!shape) return err(401, "api_key_bad_format", "API key is malformed");
    const std::string env = key.substr(3, 4), key_id = lower(key.substr(8, 16)), secret = key.substr(25);
    const KeyDef* def = nullptr;
    for (const auto& k : kKeys)
      if (env == k.env && key_id == k.key_id) def = &k;
    if (!def) return err(401, "api_key_unknown_key", "Unknown API key");
    if (secret != def->secret) return err(401, "api_key_bad_secret", "API key secret does not match");
    const std::string problem = def->problem;
    if (problem == "api_key_revoked") return err(401, problem, "API key has been revoked");
    if (problem == "api_key_expired") return err(401, problem, "API key has expired");
    if (problem == "api_key_suspended") return err(401, problem, "API key is suspended");
    if (problem == "api_key_ip_denied") return err(401, problem, "Request IP is not on the key's allow-list");
    if (problem == "api_key_no_associated_wallet") return err(401, problem, "API key has no associated wallet");
    if (std::string(def->kind) == "multi_wallet") {
      if (!c.has_header("X-User-Wallet") || c.header("X-User-Wallet").empty())
        return err(401, "api_key_user_wallet_required", "X-User-Wallet is required for multi_wallet keys");
      const std::string w = c.header("X-User-Wallet");
      if (!valid_wallet(w)) return err(401, "api_key_user_wallet_invalid", "X-User-Wallet must match ^0x[a-fA-F0-9]{40}$");
      wallet = lower(w);
    } else {
      wallet = def->wallet;
    }
    if (wallet == kBannedWallet) return err(403, "wallet_banned", "Wallet is banned");
    can_write = def->can_write;
    return std::nullopt;
  }

  std::string pick_status() {
    const auto r = rng_.range(0, 99);
    if (r < 45) return "OPEN";
    if (r < 60) return "PARTIAL";
    if (r < 65) return "PENDING";
    if (r < 77) return "FILLED";
    if (r < 87) return "CANCELLED";
    if (r < 93) return "EXPIRED";
    if (r < 97) return "REJECTED";
    return "SETTLEMENT_FAILED";
  }

  std::string vault_of(const std::string& wallet) const {
    std::uint64_t h = 1469598103934665603ULL;
    for (char ch : wallet) h = (h ^ static_cast<unsigned char>(ch)) * 1099511628211ULL;
    Rng r(h);
    return "0x" + r.hex(40);
  }

  Order& generate(const std::string& wallet, const std::string& status, micros created, std::optional<std::string> market,
                  std::optional<std::string> side, std::optional<std::string> outcome) {
    Order o;
    o.seq = ++seq_;
    o.id = rng_.uuid4();
    o.wallet = wallet;
    o.vault = vault_of(wallet);
    static const std::vector<std::string> markets = {"mkt-nba-finals-2026", "mkt-us-cpi-march", "mkt-eurovision-2026",
                                                     "mkt-btc-150k-q2"};
    o.market_id = market ? *market : rng_.pick(markets);
    // The venue's pages: side "buy" / "sell" (lower case in responses), outcome an outcome index
    // (an integer >= 0) sent as a string.
    o.side = side ? lower(*side) : (rng_.chance(50) ? "buy" : "sell");
    o.outcome = outcome ? *outcome : (rng_.chance(50) ? "0" : "1");
    // price in (0, 1) with up to 6 decimals; quantity with up to 2 decimals
    const std::int64_t price_u = rng_.chance(70) ? rng_.range(1, 99) * 10000 : rng_.range(1, 999999);
    o.price = format_units(price_u, 6);
    const std::int64_t qty_c = rng_.chance(60) ? rng_.range(1, 500) * 100 : rng_.range(1, 100000);
    o.quantity = format_units(qty_c, 2);
    std::int64_t filled_c = 0;
    if (status == "FILLED") filled_c = qty_c;
    else if (status == "PARTIAL" || status == "SETTLEMENT_FAILED" || (status == "CANCELLED" && rng_.chance(40)))
      filled_c = std::max<std::int64_t>(1, qty_c / 3);
    o.filled = format_units(filled_c, 2);
    o.remaining = format_units(qty_c - filled_c, 2);
    o.type = rng_.chance(85) ? "LIMIT" : "MARKET";
    static const std::vector<std::string> tifs = {"GTC", "GTC", "GTD", "IOC", "FOK"};
    o.tif = o.type == "MARKET" ? "IOC" : rng_.pick(tifs);
    o.expiry = o.tif == "GTD" ? ojson(format_iso(created + 86'400'000'000LL, 3, "Z")) : ojson(nullptr);
    o.status = status;
    o.client_order_id = rng_.chance(50) ? ojson("cli-" + rng_.hex(10)) : ojson(nullptr);
    o.created_us = created;
    o.created_at = format_iso(created, 3, "Z");
    o.updated_at = filled_c > 0 || status != "OPEN" ? format_iso(created + 1'500'000, 3, "Z") : o.created_at;
    // Fills that add up to the filled quantity.
    if (filled_c > 0) {
      const std::int64_t parts = std::min<std::int64_t>(filled_c, rng_.range(1, 3));
      std::int64_t left = filled_c;
      for (std::int64_t p = 0; p < parts; ++p) {
        const std::int64_t part = p + 1 == parts ? left : left / (parts - p);
        left -= part;
        Trade t;
        t.id = rng_.uuid4();
        t.price = o.price;
        t.quantity = format_units(part, 2);
        t.fee = format_units(part * price_u / 1000000 * 2 / 100, 2);  // ~2 % of the notional, in cents
        t.status = status == "SETTLEMENT_FAILED" && p + 1 == parts ? "FAILED" : "SETTLED";
        t.tx_hash = "0x" + rng_.hex(64);
        t.created_at = format_iso(created + (p + 1) * 400'000, 3, "Z");
        o.trades.push_back(std::move(t));
      }
    }
    by_seq_[o.seq] = o.id;
    return orders_[o.id] = std::move(o);
  }

  ojson render(const Order& o) const {
    ojson j = ojson::object();
    j["id"] = o.id;
    j["userWallet"] = o.wallet;
    j["vault"] = o.vault;
    j["marketId"] = o.market_id;
    j["side"] = o.side;
    j["outcome"] = o.outcome;
    j["price"] = o.price;
    j["quantity"] = o.quantity;
    j["filledQty"] = o.filled;
    j["remainingQty"] = o.remaining;
    j["expiry"] = o.expiry;
    j["type"] = o.type;
    j["timeInForce"] = o.tif;
    j["status"] = o.status;
    j["clientOrderId"] = o.client_order_id;
    j["createdAt"] = o.created_at;
    j["updatedAt"] = o.updated_at;
    return j;
  }

  Order* find_own(const std::string& id, const std::string& wallet) {
    auto it = orders_.find(lower(id));
    if (it == orders_.end() || it->second.wallet != wallet) return nullptr;
    return &it->second;
  }

  // The reason an order of this wallet cannot be cancelled, or "" when it can.
  std::string cancel_blocker(const std::string& id, const std::string& wallet) {
    Order* o = find_own(id, wallet);
    if (!o) return "not_found";
    if (!is_open(o->status)) return "already_terminal";
    auto inj = injected_.find(o->id);
    if (inj != injected_.end()) return inj->second;
    return "";
  }

  void do_cancel(Order& o) {
    o.status = "CANCELLED";
    o.updated_at = format_iso(clock->now(), 3, "Z");
  }

  Reply route(const Call& c, const std::string& wallet) {
    const std::string& p = c.path;
    if (p == "/api/orders/cancel-batch") return c.method == "POST" ? cancel_batch(c, wallet) : not_allowed();
    if (p == "/api/orders/cancel") return c.method == "POST" ? cancel_one(c, wallet) : not_allowed();
    if (p == "/api/orders/cancel-all") return c.method == "POST" ? cancel_all(c, wallet) : not_allowed();
    if (p == "/api/orders/open") return c.method == "GET" ? list(c, wallet, true) : not_allowed();
    if (p == "/api/orders/history") return c.method == "GET" ? list(c, wallet, false) : not_allowed();
    if (p.starts_with("/api/orders/")) {
      std::string rest = p.substr(12);
      bool fills = false;
      if (rest.ends_with("/fills")) {
        rest.resize(rest.size() - 6);
        fills = true;
      }
      if (!rest.empty() && rest.find('/') == std::string::npos) {
        if (c.method != "GET") return not_allowed();
        Order* o = find_own(rest, wallet);
        if (!o) return err(404, "not_found", "Order not found");
        if (!fills) return Reply::json(200, render(*o));
        ojson trades = ojson::array();
        for (const auto& t : o->trades) {
          ojson j = ojson::object();
          j["id"] = t.id;
          j["orderId"] = o->id;
          j["userWallet"] = o->wallet;
          j["vault"] = o->vault;
          j["marketId"] = o->market_id;
          j["price"] = t.price;
          j["quantity"] = t.quantity;
          j["fee"] = t.fee;
          j["side"] = o->side;
          j["status"] = t.status;
          j["txHash"] = t.tx_hash;
          j["createdAt"] = t.created_at;
          trades.push_back(std::move(j));
        }
        ojson out = ojson::object();
        out["orderId"] = o->id;
        out["trades"] = std::move(trades);
        return Reply::json(200, out);
      }
    }
    return err(404, "not_found", "Route not found");
  }

  static Reply not_allowed() { return err(405, "method_not_allowed", "Method not allowed"); }

  Reply cancel_batch(const Call& c, const std::string& wallet) {
    const ojson b = parse_json_or_discarded(c.body());
    if (b.is_discarded() || !b.is_object()) return err(400, "bad_request", "Body must be a JSON object");
    if (!b.contains("orderIds") || !b["orderIds"].is_array())
      return err(400, "bad_request", "orderIds is required and must be an array", {{"field", "orderIds"}});
    const ojson& ids = b["orderIds"];
    if (ids.empty() || ids.size() > 100)
      return err(400, "bad_request", "orderIds must contain 1 to 100 ids", {{"field", "orderIds"}, {"count", ids.size()}});
    std::vector<std::string> unique;
    std::set<std::string> seen;
    for (const auto& v : ids) {
      if (!v.is_string()) return err(400, "bad_request", "orderIds must be strings", {{"field", "orderIds"}});
      if (seen.insert(v.get<std::string>()).second) unique.push_back(v.get<std::string>());
    }
    // One transaction: decide every id first, then apply (the lock is held throughout).
    ojson cancelled = ojson::array(), not_cancelled = ojson::object();
    std::vector<Order*> to_cancel;
    for (const auto& id : unique) {
      const std::string why = cancel_blocker(id, wallet);
      if (why.empty()) {
        to_cancel.push_back(find_own(id, wallet));
        cancelled.push_back(id);
      } else {
        not_cancelled[id] = why;
      }
    }
    clock->tick();
    for (Order* o : to_cancel) do_cancel(*o);
    ojson out = ojson::object();
    out["cancelled"] = std::move(cancelled);
    out["notCancelled"] = std::move(not_cancelled);
    return Reply::json(200, out);
  }

  Reply cancel_one(const Call& c, const std::string& wallet) {
    const ojson b = parse_json_or_discarded(c.body());
    if (b.is_discarded() || !b.is_object() || !b.contains("orderId") || !b["orderId"].is_string() ||
        b["orderId"].get<std::string>().empty())
      return err(400, "bad_request", "orderId is required", {{"field", "orderId"}});
    const std::string id = b["orderId"].get<std::string>();
    const std::string why = cancel_blocker(id, wallet);
    ojson out = ojson::object();
    out["orderId"] = id;
    if (why == "lock_invariant" || why == "unknown") {
      return err(why == "unknown" ? 503 : 409, why, why == "unknown" ? "Transient failure, safe to retry"
                                                                     : "Balance-lock invariant tripped");
    }
    Order* o = find_own(id, wallet);
    if (why.empty()) {
      clock->tick();
      do_cancel(*o);
      out["status"] = legacy_cancel_ ? "CANCELLED" : "cancelled";
      out[legacy_cancel_ ? "remainingQty" : "unfilledQty"] = o->remaining;
    } else {
      // Unknown and already-terminal ids answer 200 not_found, not 404.
      out["status"] = "not_found";
      out[legacy_cancel_ ? "remainingQty" : "unfilledQty"] = "0";
    }
    return Reply::json(200, out);
  }

  static bool is_index(const std::string& s) {
    if (s.empty() || s.size() > 18) return false;
    for (char ch : s)
      if (ch < '0' || ch > '9') return false;
    return true;
  }

  Reply cancel_all(const Call& c, const std::string& wallet) {
    ojson b = ojson::object();
    if (!c.body().empty()) {
      b = parse_json_or_discarded(c.body());
      if (b.is_discarded() || !b.is_object()) return err(400, "bad_request", "Body must be a JSON object");
    }
    auto opt = [&](const char* k, std::optional<std::string>& out) -> bool {
      if (!b.contains(k) || b[k].is_null()) return true;
      if (!b[k].is_string()) return false;
      out = b[k].get<std::string>();
      return true;
    };
    std::optional<std::string> market, side, outcome;
    if (!opt("marketId", market)) return err(400, "bad_request", "marketId must be a string", {{"field", "marketId"}});
    // side in either case (the cancelling page says so); outcome an index >= 0, as a string (or a number)
    if (!opt("side", side) || (side && lower(*side) != "buy" && lower(*side) != "sell"))
      return err(400, "bad_request", "side must be buy or sell", {{"field", "side"}});
    if (side) side = lower(*side);
    if (b.contains("outcome") && b["outcome"].is_number_unsigned()) outcome = std::to_string(b["outcome"].get<std::uint64_t>());
    else if (!opt("outcome", outcome) || (outcome && !is_index(*outcome)))
      return err(400, "bad_request", "outcome must be an outcome index (an integer >= 0)", {{"field", "outcome"}});
    ojson cancelled = ojson::array(), not_cancelled = ojson::object();
    clock->tick();
    for (auto it = by_seq_.rbegin(); it != by_seq_.rend(); ++it) {
      Order& o = orders_.at(it->second);
      if (o.wallet != wallet || !is_open(o.status)) continue;
      if ((market && o.market_id != *market) || (side && o.side != *side) || (outcome && o.outcome != *outcome)) continue;
      auto inj = injected_.find(o.id);
      if (inj != injected_.end()) {
        not_cancelled[o.id] = inj->second;
        continue;
      }
      do_cancel(o);
      cancelled.push_back(o.id);
    }
    ojson out = ojson::object();
    if (legacy_cancel_all_) out["cancelled"] = cancelled.size();
    else out["cancelled"] = std::move(cancelled);
    out["notCancelled"] = std::move(not_cancelled);
    out["marketId"] = market ? ojson(*market) : ojson(nullptr);
    return Reply::json(200, out);
  }

  // GET /api/orders/open and /api/orders/history: newest first, opaque cursor = "s" + seq.
  Reply list(const Call& c, const std::string& wallet, bool open) {
    std::int64_t limit = 100;
    if (c.has_param("limit")) {
      auto v = parse_int(c.param("limit"));
      if (!v || *v < 1 || (open && *v > 500))
        return err(400, "invalid_limit", open ? "limit must be between 1 and 500" : "limit must be between 1 and 200",
                   {{"limit", c.param("limit")}});
      limit = std::min<std::int64_t>(*v, open ? 500 : 200);
    }
    std::optional<std::uint64_t> before;
    if (c.has_param("cursor") && !c.param("cursor").empty()) {
      const std::string cur = c.param("cursor");
      auto v = cur.size() > 1 && cur[0] == 's' ? parse_int(cur.substr(1)) : std::nullopt;
      if (!v || *v < 0) return err(400, "bad_request", "cursor is malformed", {{"field", "cursor"}});
      before = static_cast<std::uint64_t>(*v);
    }
    const std::string market = c.param("marketId"), side = lower(c.param("side")), outcome = c.param("outcome"),
                      type = c.param("type");
    if (open && !side.empty() && side != "buy" && side != "sell")
      return err(400, "bad_request", "side must be buy or sell", {{"field", "side"}});
    if (open && !outcome.empty() && !is_index(outcome))
      return err(400, "bad_request", "outcome must be an outcome index (an integer >= 0)", {{"field", "outcome"}});
    std::set<std::string> statuses;
    for (auto& s : split(c.param("status"), ','))
      if (!s.empty()) statuses.insert(s);
    std::optional<micros> from, to;
    auto time_param = [&](const char* k, std::optional<micros>& out) -> bool {
      const std::string s = c.param(k);
      if (s.empty()) return true;
      if (auto t = parse_iso(s)) {
        out = *t;
        return true;
      }
      if (auto n = parse_int(s)) {
        out = *n > 100000000000LL ? *n * 1000 : *n * 1000000;  // epoch ms or s
        return true;
      }
      return false;
    };
    if (!open && (!time_param("from", from) || !time_param("to", to)))
      return err(400, "bad_request", "from/to must be ISO-8601 or epoch seconds");
    ojson orders = ojson::array();
    std::uint64_t last = 0;
    bool more = false;
    for (auto it = by_seq_.rbegin(); it != by_seq_.rend(); ++it) {
      if (before && it->first >= *before) continue;
      const Order& o = orders_.at(it->second);
      if (o.wallet != wallet) continue;
      if (open && !is_open(o.status)) continue;
      if (!market.empty() && o.market_id != market) continue;
      if (open && !side.empty() && o.side != side) continue;
      if (open && !outcome.empty() && o.outcome != outcome) continue;
      if (open && !type.empty() && o.type != type) continue;
      if (!open && !statuses.empty() && !statuses.count(o.status)) continue;
      if (from && o.created_us < *from) continue;
      if (to && o.created_us > *to) continue;
      if (static_cast<std::int64_t>(orders.size()) == limit) {
        more = true;
        break;
      }
      orders.push_back(render(o));
      last = it->first;
    }
    ojson out = ojson::object();
    out["walletAddress"] = wallet;
    out["orders"] = std::move(orders);
    out["nextCursor"] = more ? ojson("s" + std::to_string(last)) : ojson(nullptr);
    return Reply::json(200, out);
  }

  std::map<std::string, Order> orders_;          // by id
  std::map<std::uint64_t, std::string> by_seq_;  // insertion order
  std::map<std::string, std::string> injected_;  // id -> lock_invariant | unknown
  std::map<std::string, SlidingWindow> rate_;
  bool legacy_cancel_all_ = false;
  bool legacy_cancel_ = false;
  std::uint64_t seq_ = 0;
  Rng rng_;
};

}  // namespace

std::unique_ptr<Venue> make_predictstreet() { return std::make_unique<PredictStreet>(); }

}  // namespace sim
