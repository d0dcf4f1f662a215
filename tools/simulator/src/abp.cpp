// betwire_simulator: ABP v2 (55-tech) — orders, cancellation, placement, bets.
// Source of truth: ../shared/api/abp-v2 (get-orders/cancel-orders OpenAPI excerpts, wire-notes.md).
#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

#include "sim.hpp"

namespace sim {
namespace {

// ---------------------------------------------------------------------------------------------
// The three orders printed in the documents (371 and 372 from GET /orders, 327 from POST
// /cancel-orders — stored PENDING so that cancelling it yields the documented response).
constexpr const char* kExampleOrders = R"json([
{"orderId":371,"requestUuid":"9eb7d99a-ab9b-41f3-9a06-23e70006bbe5","allowedBookmakers":"*","fixtureId":"id1000004461512432","outcomeId":103,"playerId":0,"orderPrice":1.95,"orderStake":50,"filledStake":0,"userRef":"bettor1234","testOrder":false,"orderCurrency":"USD","back":true,"expiresAt":"2026-02-07T16:15:53.270816+00:00","acceptBetterOdds":true,"acceptPartialStake":true,"clientName":"demo","orderStatus":"PENDING","createdAt":"2026-02-07T16:15:48.270816+00:00","updatedAt":"2026-02-07T16:15:48.270816+00:00","meta":null,"bets":[],
 "fixtureInfo":{"fixtureId":"id1000004461512432","status":{"live":false,"statusId":0,"statusName":"Pre-Game"},"sport":{"sportId":10,"sportName":"Soccer"},"tournament":{"tournamentId":44,"tournamentName":"2. Bundesliga","categoryName":"Germany"},"startTime":1754159400,"participants":{"participant1Id":2540,"participant1Name":"Arminia Bielefeld","participant2Id":2588,"participant2Name":"Fortuna Dusseldorf"}},
 "outcomeInfo":{"marketId":101,"marketName":"Full Time Result","marketNameShort":"1X2","marketType":"1x2","period":"fulltime","playerProp":false,"handicap":0,"outcomeId":103,"outcomeName":"2"},
 "playerInfo":null,"currencyInfo":{"currency":"USD","currencyValue":1,"updatedAt":"2026-02-07T17:29:32+00:00"}},
{"orderId":372,"requestUuid":"be81ba8f-55f4-48ed-a6f9-69b8d920263b","allowedBookmakers":"sharpbet","fixtureId":"id1000004461512432","outcomeId":103,"playerId":0,"orderPrice":2.65,"orderStake":10,"filledStake":10,"userRef":"bettor1234","testOrder":false,"orderCurrency":"USD","back":true,"expiresAt":"2026-02-07T16:18:34.366795+00:00","acceptBetterOdds":true,"acceptPartialStake":true,"clientName":"demo","orderStatus":"FILLED","createdAt":"2026-02-07T16:18:29.366795+00:00","updatedAt":"2026-02-07T16:18:29.366795+00:00","meta":null,
 "bets":[{"betId":91,"orderId":372,"bookmaker":"sharpbet","bookmakerBetId":"63aeba8d-a2d6-49ba-a6cd-7ce70bb17701","placedPrice":2.65,"placedStake":10,"placedCurrency":"USD","placedAt":"2026-02-07T16:18:29.300906+00:00","betStatus":"CONFIRMED","settlementStatus":"UNSETTLED","clientName":"demo","testBet":false,"userRef":"bettor1234","requestUuid":"be81ba8f-55f4-48ed-a6f9-69b8d920263b","declineReason":null}],
 "fixtureInfo":{"fixtureId":"id1000004461512432","status":{"live":false,"statusId":0,"statusName":"Pre-Game"},"sport":{"sportId":10,"sportName":"Soccer"},"tournament":{"tournamentId":44,"tournamentName":"2. Bundesliga","categoryName":"Germany"},"startTime":1754159400,"participants":{"participant1Id":2540,"participant1Name":"Arminia Bielefeld","participant2Id":2588,"participant2Name":"Fortuna Dusseldorf"}},
 "outcomeInfo":{"marketId":101,"marketName":"Full Time Result","marketNameShort":"1X2","marketType":"1x2","period":"fulltime","playerProp":false,"handicap":0,"outcomeId":103,"outcomeName":"2"},
 "playerInfo":null,"currencyInfo":{"currency":"USD","currencyValue":1,"updatedAt":"2026-02-07T17:29:32+00:00"}},
{"orderId":327,"requestUuid":"eb45b192-317b-42d5-9f65-af497b9fa8c1","allowedBookmakers":"*","fixtureId":"id1000004461512432","outcomeId":103,"playerId":0,"orderPrice":1.95,"orderStake":10,"filledStake":0,"userRef":"bettor1234","testOrder":false,"orderCurrency":"USD","back":true,"expiresAt":"2026-02-07T12:20:06.302841+00:00","acceptBetterOdds":true,"acceptPartialStake":true,"clientName":"demo","orderStatus":"PENDING","createdAt":"2026-02-07T12:20:01.302841+00:00","updatedAt":"2026-02-07T12:20:01.302841+00:00","meta":null,"bets":[],
 "fixtureInfo":{"fixtureId":"id1000004461512432","status":{"live":false,"statusId":0,"statusName":"Pre-Game"},"sport":{"sportId":10,"sportName":"Soccer"},"tournament":{"tournamentId":44,"tournamentName":"2. Bundesliga","categoryName":"Germany"}},
 "outcomeInfo":{"marketId":101,"marketName":"Full Time Result","outcomeId":103,"outcomeName":"2"}}
])json";

// Fixtures the generated orders use (and placement reuses when the fixtureId is one of them).
constexpr const char* kFixtures = R"json([
{"fixtureId":"id1000004461512432","status":{"live":false,"statusId":0,"statusName":"Pre-Game"},"sport":{"sportId":10,"sportName":"Soccer"},"tournament":{"tournamentId":44,"tournamentName":"2. Bundesliga","categoryName":"Germany"},"startTime":1754159400,"participants":{"participant1Id":2540,"participant1Name":"Arminia Bielefeld","participant2Id":2588,"participant2Name":"Fortuna Dusseldorf"}},
{"fixtureId":"id1000004461600001","status":{"live":false,"statusId":0,"statusName":"Pre-Game"},"sport":{"sportId":10,"sportName":"Soccer"},"tournament":{"tournamentId":35,"tournamentName":"Bundesliga","categoryName":"Germany"},"startTime":1770566400,"participants":{"participant1Id":2671,"participant1Name":"1. FC Köln","participant2Id":2672,"participant2Name":"Bayern München"}},
{"fixtureId":"id1000004461600002","status":{"live":true,"statusId":6,"statusName":"1st Half"},"sport":{"sportId":10,"sportName":"Soccer"},"tournament":{"tournamentId":8,"tournamentName":"LaLiga","categoryName":"España"},"startTime":1770483600,"participants":{"participant1Id":2836,"participant1Name":"Atlético Madrid","participant2Id":2885,"participant2Name":"Deportivo Alavés"}},
{"fixtureId":"id1000004461600003","status":{"live":false,"statusId":0,"statusName":"Pre-Game"},"sport":{"sportId":10,"sportName":"Soccer"},"tournament":{"tournamentId":52,"tournamentName":"Süper Lig","categoryName":"Türkiye"},"startTime":1770652800,"participants":{"participant1Id":3050,"participant1Name":"Fenerbahçe","participant2Id":3052,"participant2Name":"Beşiktaş"}},
{"fixtureId":"id1000004461600004","status":{"live":false,"statusId":0,"statusName":"Pre-Game"},"sport":{"sportId":10,"sportName":"Soccer"},"tournament":{"tournamentId":196,"tournamentName":"J1 League","categoryName":"日本"},"startTime":1770710400,"participants":{"participant1Id":4410,"participant1Name":"大分トリニータ","participant2Id":4411,"participant2Name":"Kashima Antlers"}},
{"fixtureId":"id1000004461600005","status":{"live":false,"statusId":0,"statusName":"Pre-Game"},"sport":{"sportId":10,"sportName":"Soccer"},"tournament":{"tournamentId":384,"tournamentName":"Copa \"Libertadores\"","categoryName":"South America \\ CONMEBOL"},"startTime":1770739200,"participants":{"participant1Id":5001,"participant1Name":"São Paulo","participant2Id":5002,"participant2Name":"Boca Juniors\t(B)"}},
{"fixtureId":"id1000004461600006","status":{"live":false,"statusId":0,"statusName":"Pre-Game"},"sport":{"sportId":5,"sportName":"Tennis"},"tournament":{"tournamentId":2591,"tournamentName":"Roland-Garros","categoryName":"WTA"},"startTime":1770800000,"participants":{"participant1Id":6101,"participant1Name":"Iga Świątek","participant2Id":6102,"participant2Name":"Jeļena Ostapenko"}}
])json";

struct OutcomeDef {
  std::int64_t outcome_id;
  std::int64_t market_id;
  const char* market_name;
  const char* short_name;
  const char* market_type;
  const char* handicap;
  bool player_prop;
  const char* outcome_name;
};
constexpr OutcomeDef kOutcomes[] = {
    {101, 101, "Full Time Result", "1X2", "1x2", "0", false, "1"},
    {102, 101, "Full Time Result", "1X2", "1x2", "0", false, "X"},
    {103, 101, "Full Time Result", "1X2", "1x2", "0", false, "2"},
    {1010, 1010, "Total Goals", "O/U", "totals", "2.5", false, "Over 2.5"},
    {1011, 1010, "Total Goals", "O/U", "totals", "2.5", false, "Under 2.5"},
    {1201, 1200, "Asian Handicap", "AH", "handicap", "-0.25", false, "1 (-0.25)"},
    {2001, 2001, "Anytime Goalscorer", "AGS", "player", "0", true, "Yes"},
};

struct PlayerDef {
  std::int64_t id;
  const char* name;
};
constexpr PlayerDef kPlayers[] = {{90210, "Erling Haaland"}, {90211, "Kylian Mbappé"}, {90212, "Son Heung-min (손흥민)"}};

const std::set<std::string> kOrderStatuses = {"PENDING", "PROCESSING", "FILLED", "PARTIALLY_FILLED",
                                              "CANCELLED", "REJECTED",   "EXPIRED", "FAILED"};
const std::set<std::string> kBetStatuses = {"PENDING", "PLACED", "CONFIRMED", "REJECTED", "CANCELLED", "FAILED", "VOID"};

struct Bet {
  std::int64_t bet_id = 0;
  std::int64_t order_id = 0;
  std::string bookmaker, bookmaker_bet_id, placed_price, placed_stake, placed_currency, placed_at;
  std::string bet_status, settlement_status, client_name;
  bool test_bet = false;
  bool example = false;  // from the documents: rendered with the documents' fields only
  std::string user_ref, request_uuid;
  std::optional<std::string> decline_reason;
  // Stream-only fields (the /ws bet row): set by POST /_sim/abp/set-bet.
  std::optional<std::string> settlement_amount, settled_at;
  std::string updated_at;  // "" = placedAt
};

struct Order {
  std::int64_t order_id = 0;
  std::string request_uuid, allowed_bookmakers, fixture_id;
  std::int64_t outcome_id = 0, player_id = 0;
  std::string price, stake, filled;
  std::string user_ref;
  bool test_order = false;
  std::string currency = "USD";
  bool back = true;
  std::string expires_at;
  bool accept_better_odds = true, accept_partial_stake = true;
  std::string client_name, status, created_at, updated_at;
  std::string filled_at;  // /ws row only: when a stake was first filled ("" = null)
  micros created_us = 0;
  ojson meta;  // null or an object
  bool odd = false;  // POST /_sim/abp/odd-orders: rendered with nulls and a missing meta
  std::vector<std::int64_t> bets;
  ojson fixture_info, outcome_info;
  bool has_player_info = true;
  ojson player_info;
  bool has_currency_info = true;
  ojson currency_info;
  // Rendered JSON text, valid while cache_gen equals the venue's generation (bumped by every
  // mutating request), so read-heavy benchmarks do not pay for rendering again.
  mutable std::string cache;
  mutable std::uint64_t cache_gen = 0;
};

// Integer cents of a decimal text ("10.99" -> 1099, "50" -> 5000; extra digits truncated).
std::int64_t cents_of(const std::string& text) {
  const auto dot = text.find('.');
  const std::string ip = text.substr(0, dot);
  std::string fp = dot == std::string::npos ? "" : text.substr(dot + 1);
  fp = (fp + "00").substr(0, 2);
  const auto i = parse_int(ip).value_or(0);
  const auto f = parse_int(fp).value_or(0);
  return i * 100 + (text.starts_with("-") ? -f : f);
}

// Decimals in a parsed document become tokens, recursively (so 1.95 is written back as 1.95).
void tokenize_decimals(ojson& j) {
  if (j.is_number()) {
    if (auto t = decimal_text_of(j)) j = decimal_token(*t);
  } else if (j.is_structured()) {
    for (auto& v : j) tokenize_decimals(v);
  }
}

class Abp final : public Venue {
 public:
  std::string_view name() const override { return "abp"; }
  std::string_view prefix() const override { return "/abp"; }

  void reset(const Options& opt) override {
    ++generation_;
    orders_.clear();
    orders_by_uuid_.clear();
    bets_.clear();
    rate_.clear();
    rng_ = Rng(opt.seed * 0x100000001B3ULL + 0xABB);
    next_bet_id_ = 100;
    odd_bets_.clear();
    seed_accounts();
    fixtures_.clear();
    auto fx = ojson::parse(kFixtures);
    for (auto& f : fx) fixtures_[f["fixtureId"].get<std::string>()] = f;

    for (auto& e : ojson::parse(kExampleOrders)) add_example(e);

    next_order_id_ = opt.abp_id_base;
    const std::vector<std::string> users = {"bettor1234", "bettor5678", "syndicate-7", "josé.müller"};
    const int n = std::max(0, opt.abp_orders);
    for (int i = 0; i < n; ++i) {
      const micros created = SimClock::kBase - static_cast<micros>(n - i) * 61'000'000 - rng_.range(0, 999'999);
      generate_order(users[static_cast<std::size_t>(i) % users.size()], pick_status(), "demo", created);
    }
  }

  ojson info() const override {
    return {{"prefix", "/abp"},
            {"keys",
             {{{"key", "abp-test-key-0001"}, {"client", "demo"}},
              {{"key", "abp-test-key-0002"}, {"client", "acme"}},
              {{"key", "abp-test-key-noclient"}, {"client", nullptr}, {"answers", 403}}}},
            {"orders", orders_.size()},
            {"bets", bets_.size()}};
  }

  Reply error_reply(int status, std::string_view message) override {
    if (status == 401 || status == 403 || status == 429) return Reply::json(status, {{"error", message}});
    return Reply::json(status, {{"detail", message}});
  }

  Reply handle(const Call& c) override {
    // Unauthenticated endpoints.
    if (c.method == "GET") {
      if (c.path == "/health") return Reply::json(200, {{"status", "ok"}});
      if (c.path == "/ready") return Reply::json(200, {{"status", "ready"}});
      if (c.path == "/status") return Reply::json(200, {{"status", "operational"}, {"version", "2.0"}});
      if (c.path == "/metrics") {
        Reply r;
        r.content_type = "text/plain; version=0.0.4";
        r.body = "# TYPE abp_orders gauge\nabp_orders " + std::to_string(orders_.size()) + "\n";
        return r;
      }
    }
    // Auth middleware: {"error": ...}.
    std::string key = c.header("x-api-key");
    if (key.empty()) key = c.header("X-ABP-API-KEY");  // older revisions of the documents
    if (key.empty()) return error_reply(401, "Missing API key");
    const auto resolved = abp_client_for_key(key);
    if (!resolved) return error_reply(401, "Invalid API key");
    if (resolved->empty()) return error_reply(403, "Access denied: client not resolved from API key");
    const std::string client = *resolved;
    // Rate limit middleware: 60 requests/minute per key, sliding window.
    auto v = rate_[key].hit(60, std::chrono::seconds(60), rate_limits);
    if (!v.allowed) {
      Reply r = error_reply(429, "Rate limit exceeded");
      r.set_header("Retry-After", std::to_string(v.retry_after_s));
      return r;
    }

    if (c.path == "/orders") return c.method == "GET" ? get_orders(c, client) : method_not_allowed();
    if (c.path == "/cancel-orders") return c.method == "POST" ? cancel_orders(c, client) : method_not_allowed();
    if (c.path == "/cancel-all-orders") return c.method == "POST" ? cancel_all_orders(client) : method_not_allowed();
    if (c.path == "/place-orders") return c.method == "POST" ? place_orders(c, client) : method_not_allowed();
    if (c.path == "/bets") return c.method == "GET" ? get_bets(c, client) : method_not_allowed();
    if (c.path == "/accounts") {
      if (c.method == "GET") return get_accounts(c, client);
      return c.method == "POST" ? create_account(c, client) : method_not_allowed();
    }
    if (c.path.starts_with("/accounts/")) return account_route(c, client);
    if (c.path == "/betslip" || c.path == "/fixtures/betslip") return c.method == "GET" ? betslip(c, client) : method_not_allowed();
    if (c.path == "/markets" || c.path == "/fixtures/markets") return c.method == "GET" ? markets(c) : method_not_allowed();
    if (c.path == "/bookmakers") return c.method == "GET" ? bookmakers() : method_not_allowed();
    if (c.path == "/positions") return c.method == "GET" ? analytics(c, client, false) : method_not_allowed();
    if (c.path == "/pnl") return c.method == "GET" ? analytics(c, client, true) : method_not_allowed();
    if (c.path.starts_with("/bets/") && c.path.size() > 6) {
      if (c.method != "GET") return method_not_allowed();
      return get_bet(c.path.substr(6), client);
    }
    return Reply::json(404, {{"detail", "Not Found"}});
  }

  std::optional<Reply> control(std::string_view action, const ojson& body) override {
    ++generation_;
    if (action == "set-order") return set_order(body);
    if (action == "set-bet") return set_bet(body);
    if (action == "odd-orders") return odd_orders(body);
    if (action == "order") {
      const auto id = body.value("orderId", std::int64_t{0});
      auto it = orders_.find(id);
      if (it == orders_.end()) return Reply::json(404, {{"error", "no such order"}});
      return Reply::json(200, render(it->second));
    }
    return std::nullopt;
  }

  Reply seed_orders(const ojson& b) override {
    ++generation_;
    const std::string user = b.value("userRef", std::string("bettor1234"));
    const std::string status = b.value("status", std::string("PENDING"));
    const std::string client = b.value("client", std::string("demo"));
    const auto count = b.value("count", std::int64_t{1});
    if (!kOrderStatuses.count(status)) return Reply::json(400, {{"error", "unknown status " + status}});
    std::vector<std::int64_t> explicit_ids;
    if (b.contains("orderIds")) {
      if (!b["orderIds"].is_array()) return Reply::json(400, {{"error", "orderIds must be an array"}});
      for (const auto& v : b["orderIds"]) {
        if (!v.is_number_integer()) return Reply::json(400, {{"error", "orderIds must be integers"}});
        if (orders_.count(v.get<std::int64_t>())) return Reply::json(409, {{"error", "order id exists"}});
        explicit_ids.push_back(v.get<std::int64_t>());
      }
    } else if (count < 1 || count > 100000) {
      return Reply::json(400, {{"error", "count must be 1..100000"}});
    }
    const bool confirmed = b.value("confirmedBet", false);
    ojson ids = ojson::array(), uuids = ojson::array();
    const std::size_t n = explicit_ids.empty() ? static_cast<std::size_t>(count) : explicit_ids.size();
    for (std::size_t i = 0; i < n; ++i) {
      const micros created = clock->tick();
      Order& o = generate_order(user, status, client, created,
                                explicit_ids.empty() ? std::nullopt : std::optional<std::int64_t>(explicit_ids[i]), confirmed);
      if (b.contains("stake")) {
        if (auto t = decimal_text_of(b["stake"])) o.stake = *t;
      }
      if (b.contains("price")) {
        if (auto t = decimal_text_of(b["price"])) o.price = *t;
      }
      if (confirmed && !has_confirmed_bet(o)) add_bet(o, "CONFIRMED", o.stake, std::nullopt);
      ids.push_back(o.order_id);
      uuids.push_back(o.request_uuid);
    }
    return Reply::json(200, {{"venue", "abp"}, {"orderIds", ids}, {"requestUuids", uuids}});
  }

 private:
  static Reply method_not_allowed() { return Reply::json(405, {{"detail", "Method Not Allowed"}}); }

  static Reply validation(ojson loc, std::string msg, std::string type) {
    ojson item = ojson::object();
    item["loc"] = std::move(loc);
    item["msg"] = std::move(msg);
    item["type"] = std::move(type);
    return Reply::json(422, {{"detail", ojson::array({item})}});
  }

  std::string pick_status() {
    const auto r = rng_.range(0, 99);
    if (r < 40) return "PENDING";
    if (r < 50) return "PARTIALLY_FILLED";
    if (r < 65) return "FILLED";
    if (r < 75) return "CANCELLED";
    if (r < 82) return "EXPIRED";
    if (r < 88) return "REJECTED";
    if (r < 94) return "PROCESSING";
    return "FAILED";
  }

  void add_example(const ojson& e) {
    Order o;
    o.order_id = e["orderId"].get<std::int64_t>();
    o.request_uuid = e["requestUuid"].get<std::string>();
    o.allowed_bookmakers = e["allowedBookmakers"].get<std::string>();
    o.fixture_id = e["fixtureId"].get<std::string>();
    o.outcome_id = e["outcomeId"].get<std::int64_t>();
    o.player_id = e["playerId"].get<std::int64_t>();
    o.price = *decimal_text_of(e["orderPrice"]);
    o.stake = *decimal_text_of(e["orderStake"]);
    o.filled = *decimal_text_of(e["filledStake"]);
    o.user_ref = e["userRef"].get<std::string>();
    o.test_order = e["testOrder"].get<bool>();
    o.currency = e["orderCurrency"].get<std::string>();
    o.back = e["back"].get<bool>();
    o.expires_at = e["expiresAt"].get<std::string>();
    o.accept_better_odds = e["acceptBetterOdds"].get<bool>();
    o.accept_partial_stake = e["acceptPartialStake"].get<bool>();
    o.client_name = e["clientName"].get<std::string>();
    o.status = e["orderStatus"].get<std::string>();
    o.created_at = e["createdAt"].get<std::string>();
    o.updated_at = e["updatedAt"].get<std::string>();
    o.created_us = parse_iso(o.created_at).value_or(SimClock::kBase);
    o.meta = e["meta"];
    o.fixture_info = e["fixtureInfo"];
    o.outcome_info = e["outcomeInfo"];
    tokenize_decimals(o.fixture_info);
    tokenize_decimals(o.outcome_info);
    o.has_player_info = e.contains("playerInfo");
    o.player_info = e.value("playerInfo", ojson());
    o.has_currency_info = e.contains("currencyInfo");
    o.currency_info = e.value("currencyInfo", ojson());
    tokenize_decimals(o.currency_info);
    for (const auto& jb : e["bets"]) {
      Bet b;
      b.bet_id = jb["betId"].get<std::int64_t>();
      b.order_id = o.order_id;
      b.bookmaker = jb["bookmaker"].get<std::string>();
      b.bookmaker_bet_id = jb["bookmakerBetId"].get<std::string>();
      b.placed_price = *decimal_text_of(jb["placedPrice"]);
      b.placed_stake = *decimal_text_of(jb["placedStake"]);
      b.placed_currency = jb["placedCurrency"].get<std::string>();
      b.placed_at = jb["placedAt"].get<std::string>();
      b.bet_status = jb["betStatus"].get<std::string>();
      b.settlement_status = jb["settlementStatus"].get<std::string>();
      b.client_name = jb["clientName"].get<std::string>();
      b.test_bet = jb["testBet"].get<bool>();
      b.user_ref = jb["userRef"].get<std::string>();
      b.request_uuid = jb["requestUuid"].get<std::string>();
      b.example = true;
      o.bets.push_back(b.bet_id);
      bets_[b.bet_id] = b;
    }
    store(std::move(o));
  }

  ojson fixture_info_for(const std::string& fixture_id) {
    auto it = fixtures_.find(fixture_id);
    if (it != fixtures_.end()) return it->second;
    // Unknown fixture: a synthetic but stable description.
    std::uint64_t h = 1469598103934665603ULL;
    for (char ch : fixture_id) h = (h ^ static_cast<unsigned char>(ch)) * 1099511628211ULL;
    ojson f = ojson::object();
    f["fixtureId"] = fixture_id;
    f["status"] = {{"live", false}, {"statusId", 0}, {"statusName", "Pre-Game"}};
    f["sport"] = {{"sportId", 10}, {"sportName", "Soccer"}};
    f["tournament"] = {{"tournamentId", 0}, {"tournamentName", "Simulated League"}, {"categoryName", "Simulation"}};
    f["startTime"] = SimClock::kBase / 1000000 + 86400;
    f["participants"] = {{"participant1Id", static_cast<std::int64_t>(h % 10000)},
                         {"participant1Name", "Home " + std::to_string(h % 1000)},
                         {"participant2Id", static_cast<std::int64_t>(h / 10000 % 10000)},
                         {"participant2Name", "Away " + std::to_string(h / 1000 % 1000)}};
    return f;
  }

  static ojson outcome_info_for(std::int64_t outcome_id) {
    ojson o = ojson::object();
    for (const auto& d : kOutcomes) {
      if (d.outcome_id != outcome_id) continue;
      o["marketId"] = d.market_id;
      o["marketName"] = d.market_name;
      o["marketNameShort"] = d.short_name;
      o["marketType"] = d.market_type;
      o["period"] = "fulltime";
      o["playerProp"] = d.player_prop;
      o["handicap"] = decimal_token(d.handicap);
      o["outcomeId"] = d.outcome_id;
      o["outcomeName"] = d.outcome_name;
      return o;
    }
    o["marketId"] = outcome_id / 10 * 10 + 1;
    o["marketName"] = "Market " + std::to_string(outcome_id / 10 * 10 + 1);
    o["marketNameShort"] = "M";
    o["marketType"] = "other";
    o["period"] = "fulltime";
    o["playerProp"] = false;
    o["handicap"] = 0;
    o["outcomeId"] = outcome_id;
    o["outcomeName"] = std::to_string(outcome_id);
    return o;
  }

  static ojson player_info_for(std::int64_t player_id) {
    if (player_id == 0) return nullptr;
    for (const auto& p : kPlayers)
      if (p.id == player_id) return {{"playerId", p.id}, {"playerName", p.name}};
    return {{"playerId", player_id}, {"playerName", "Player " + std::to_string(player_id)}};
  }

  static ojson currency_info_for(const std::string& currency) {
    ojson c = ojson::object();
    c["currency"] = currency;
    c["currencyValue"] = decimal_token(currency == "EUR" ? "1.08" : currency == "GBP" ? "1.2675" : "1");
    c["updatedAt"] = "2026-02-07T17:29:32+00:00";
    return c;
  }

  static bool has_confirmed_bet_in(const Order& o, const std::map<std::int64_t, Bet>& bets) {
    return std::any_of(o.bets.begin(), o.bets.end(), [&](std::int64_t id) {
      auto it = bets.find(id);
      return it != bets.end() && it->second.bet_status == "CONFIRMED";
    });
  }
  bool has_confirmed_bet(const Order& o) const { return has_confirmed_bet_in(o, bets_); }

  Bet& add_bet(Order& o, const std::string& status, const std::string& stake, std::optional<std::string> reason) {
    Bet b;
    b.bet_id = next_bet_id_++;
    b.order_id = o.order_id;
    if (o.allowed_bookmakers == "*" || o.allowed_bookmakers.empty()) {
      static const std::vector<std::string> books = {"sharpbet", "pinnacle", "betfair-ex", "bet365"};
      b.bookmaker = rng_.pick(books);
    } else {
      b.bookmaker = split(o.allowed_bookmakers, ',').front();
    }
    b.bookmaker_bet_id = rng_.uuid4();
    b.placed_price = o.price;
    b.placed_stake = stake;
    b.placed_currency = o.currency;
    b.placed_at = o.created_at;
    b.bet_status = status;
    if (status == "CONFIRMED") {
      static const std::vector<std::string> settle = {"UNSETTLED", "UNSETTLED", "WON", "LOST", "HALF_WON", "PUSH"};
      b.settlement_status = rng_.pick(settle);
    } else {
      b.settlement_status = "UNSETTLED";
    }
    if (b.settlement_status != "UNSETTLED") b.settled_at = b.placed_at;
    b.client_name = o.client_name;
    b.test_bet = o.test_order;
    b.user_ref = o.user_ref;
    b.request_uuid = o.request_uuid;
    b.decline_reason = std::move(reason);
    o.bets.push_back(b.bet_id);
    return bets_[b.bet_id] = std::move(b);
  }

  // partial_confirmed: for PARTIALLY_FILLED, whether the partial bet is CONFIRMED (else PLACED);
  // nullopt = seeded choice.
  Order& generate_order(const std::string& user, const std::string& status, const std::string& client, micros created,
                        std::optional<std::int64_t> id = std::nullopt, std::optional<bool> partial_confirmed = std::nullopt) {
    Order o;
    o.order_id = id ? *id : next_order_id_++;
    if (id && *id >= next_order_id_) next_order_id_ = *id + 1;
    o.request_uuid = rng_.uuid4();
    static const std::vector<std::string> books = {"*", "*", "sharpbet", "pinnacle,sharpbet", "betfair-ex"};
    o.allowed_bookmakers = rng_.pick(books);
    auto fx = fixtures_.begin();
    std::advance(fx, static_cast<long>(rng_.next() % fixtures_.size()));
    o.fixture_id = fx->first;
    const auto& od = kOutcomes[rng_.next() % std::size(kOutcomes)];
    o.outcome_id = od.outcome_id;
    o.player_id = od.player_prop ? kPlayers[rng_.next() % std::size(kPlayers)].id : 0;
    o.price = format_units(rng_.range(105, 650), 2);
    const std::int64_t stake_cents = rng_.chance(50) ? rng_.range(1, 200) * 500 : rng_.range(100, 50000);
    o.stake = format_units(stake_cents, 2);
    o.filled = "0";
    o.user_ref = user;
    o.test_order = rng_.chance(10);
    static const std::vector<std::string> currencies = {"USD", "USD", "USD", "EUR", "GBP"};
    o.currency = rng_.pick(currencies);
    o.back = !rng_.chance(15);
    o.created_us = created;
    o.created_at = format_iso(created, 6, "+00:00");
    o.updated_at = o.created_at;
    o.expires_at = format_iso(created + 5'000'000, 6, "+00:00");
    o.accept_better_odds = !rng_.chance(20);
    o.accept_partial_stake = !rng_.chance(20);
    o.client_name = client;
    o.status = status;
    if (rng_.chance(30)) {
      o.meta = ojson::object();
      o.meta["strategy"] = rng_.chance(50) ? "value" : "arb";
      o.meta["note"] = "line \"moved\" \\ back\ttab — ünïcödé ✓";
      o.meta["nested"] = {{"edge", decimal_token("0.0125")}, {"tags", {"a", "b"}}, {"flag", nullptr}};
    }
    o.fixture_info = fixture_info_for(o.fixture_id);
    o.outcome_info = outcome_info_for(o.outcome_id);
    o.player_info = player_info_for(o.player_id);
    o.currency_info = currency_info_for(o.currency);
    Order& ref = store(std::move(o));

    // Bets consistent with the status (0-3 of them).
    if (status == "FILLED") {
      const auto parts = rng_.range(1, 3);
      std::int64_t left = stake_cents;
      for (std::int64_t p = 0; p < parts; ++p) {
        const std::int64_t part = p + 1 == parts ? left : left / (parts - p);
        left -= part;
        add_bet(ref, "CONFIRMED", format_units(part, 2), std::nullopt);
      }
      ref.filled = ref.stake;
      ref.updated_at = format_iso(created + 250'000, 6, "+00:00");
    } else if (status == "PARTIALLY_FILLED") {
      const std::int64_t part = std::max<std::int64_t>(1, stake_cents / 2);
      const bool conf = partial_confirmed ? *partial_confirmed : rng_.chance(60);
      add_bet(ref, conf ? "CONFIRMED" : "PLACED", format_units(part, 2), std::nullopt);
      if (rng_.chance(30)) add_bet(ref, "REJECTED", format_units(stake_cents - part, 2), "Odds changed");
      ref.filled = format_units(part, 2);
    } else if (status == "PROCESSING") {
      add_bet(ref, "PENDING", ref.stake, std::nullopt);
    } else if (status == "REJECTED") {
      add_bet(ref, "REJECTED", ref.stake, "Odds changed");
    } else if (status == "FAILED") {
      add_bet(ref, "FAILED", ref.stake, "Bookmaker unavailable");
    }
    return ref;
  }

  ojson render_bet(const Bet& b) const {
    ojson j = ojson::object();
    j["betId"] = b.bet_id;
    j["orderId"] = b.order_id;
    j["bookmaker"] = b.bookmaker;
    j["bookmakerBetId"] = b.bookmaker_bet_id;
    j["placedPrice"] = decimal_token(b.placed_price);
    j["placedStake"] = decimal_token(b.placed_stake);
    j["placedCurrency"] = b.placed_currency;
    j["placedAt"] = b.placed_at;
    j["betStatus"] = b.bet_status;
    j["settlementStatus"] = b.settlement_status;
    j["clientName"] = b.client_name;
    j["testBet"] = b.test_bet;
    j["userRef"] = b.user_ref;
    j["requestUuid"] = b.request_uuid;
    j["declineReason"] = b.decline_reason ? ojson(*b.decline_reason) : ojson(nullptr);
    if (!b.example) {  // the spec's BetResponse fields beyond the examples
      j["betRequestId"] = "br-" + std::to_string(b.bet_id);
      j["account"] = account_of(b);
      j["sentData"] = {{"stake", decimal_token(b.placed_stake)}, {"price", decimal_token(b.placed_price)}};
      j["receivedData"] = {{"betId", b.bookmaker_bet_id}, {"status", b.bet_status}};
      j["currencyInfo"] = currency_info_for(b.placed_currency);
      j["settledAt"] = b.settled_at ? ojson(*b.settled_at) : ojson(nullptr);
      j["settlementAmount"] = b.settlement_amount ? decimal_token(*b.settlement_amount) : ojson(nullptr);
      j["settlementReason"] = b.settlement_status == "UNSETTLED" ? ojson(nullptr) : ojson("Market settled");
      j["oddsInfo"] = {{"price", decimal_token(b.placed_price)}, {"bookmaker", b.bookmaker}};
    }
    if (odd_bets_.count(b.order_id)) {
      j["bookmakerBetId"] = nullptr;
      j["placedAt"] = nullptr;
    }
    return j;
  }

  static std::string account_of(const Bet& b) { return b.bookmaker + "_main"; }

  ojson render(const Order& o) const {
    ojson j = ojson::object();
    j["orderId"] = o.order_id;
    j["requestUuid"] = o.request_uuid;
    j["allowedBookmakers"] = o.allowed_bookmakers;
    j["fixtureId"] = o.fixture_id;
    j["outcomeId"] = o.outcome_id;
    j["playerId"] = o.player_id;
    j["orderPrice"] = decimal_token(o.price);
    j["orderStake"] = decimal_token(o.stake);
    j["filledStake"] = decimal_token(o.filled);
    j["userRef"] = o.user_ref;
    j["testOrder"] = o.test_order;
    j["orderCurrency"] = o.currency;
    j["back"] = o.back;
    j["expiresAt"] = o.expires_at;
    j["acceptBetterOdds"] = o.accept_better_odds;
    j["acceptPartialStake"] = o.accept_partial_stake;
    j["clientName"] = o.client_name;
    j["orderStatus"] = o.status;
    j["createdAt"] = o.created_at;
    j["updatedAt"] = o.updated_at;
    j["meta"] = o.meta;
    if (o.odd) {
      j["expiresAt"] = nullptr;
      j.erase("meta");
    }
    ojson bets = ojson::array();
    for (auto id : o.bets) bets.push_back(render_bet(bets_.at(id)));
    j["bets"] = std::move(bets);
    j["fixtureInfo"] = o.fixture_info;
    j["outcomeInfo"] = o.outcome_info;
    if (o.has_player_info) j["playerInfo"] = o.player_info;
    if (o.has_currency_info) j["currencyInfo"] = o.currency_info;
    return j;
  }

  const std::string& text(const Order& o) const {
    if (o.cache_gen != generation_ || o.cache.empty()) {
      o.cache = dump(render(o));
      o.cache_gen = generation_;
    }
    return o.cache;
  }

  // --- GET /orders ------------------------------------------------------------------------------
  // Parses a comma-joined list of integers; nullopt on a malformed element.
  static std::optional<std::set<std::int64_t>> int_list(const std::string& s) {
    std::set<std::int64_t> out;
    for (auto& piece : split(s, ',')) {
      if (piece.empty()) continue;
      auto v = parse_int(piece);
      if (!v) return std::nullopt;
      out.insert(*v);
    }
    return out;
  }

  // limit/after parameters shared by /orders and /bets. Returns an error reply when invalid.
  static std::optional<Reply> page_params(const Call& c, const char* after_name, std::int64_t& limit,
                                          std::optional<std::int64_t>& after) {
    if (c.has_param("limit")) {
      auto v = parse_int(c.param("limit"));
      if (!v) return validation({"query", "limit"}, "value is not a valid integer", "type_error.integer");
      if (*v < 1)
        return validation({"query", "limit"}, "ensure this value is greater than or equal to 1", "value_error.number.not_ge");
      if (*v > 1000)
        return validation({"query", "limit"}, "ensure this value is less than or equal to 1000", "value_error.number.not_le");
      limit = *v;
    }
    if (c.has_param(after_name) && !c.param(after_name).empty()) {
      auto v = parse_int(c.param(after_name));
      if (!v) return validation({"query", after_name}, "value is not a valid integer", "type_error.integer");
      after = *v;
    }
    return std::nullopt;
  }

  Reply get_orders(const Call& c, const std::string& client) {
    const std::string ids_s = c.param("orderIds"), uuids_s = c.param("requestUuids"), user = c.param("userRef");
    if (ids_s.empty() && uuids_s.empty() && user.empty())
      return Reply::json(400, {{"detail", "At least one filter is required: orderIds, requestUuids or userRef"}});
    auto ids = int_list(ids_s);
    if (!ids) return validation({"query", "orderIds"}, "orderIds must be comma-separated integers", "value_error");
    std::set<std::string> uuids;
    for (auto& u : split(uuids_s, ','))
      if (!u.empty()) uuids.insert(u);
    std::int64_t limit = 50;
    std::optional<std::int64_t> after;
    if (auto err = page_params(c, "afterOrderId", limit, after)) return *err;

    std::vector<const Order*> page;
    bool more = false;
    // Newest first, from just below the cursor: a page costs its own rows, not the store's size.
    const auto first = after ? std::make_reverse_iterator(orders_.lower_bound(*after)) : orders_.rbegin();
    for (auto it = first; it != orders_.rend(); ++it) {
      const Order& o = it->second;
      if (o.client_name != client) continue;
      const bool match = ids->count(o.order_id) || uuids.count(o.request_uuid) || (!user.empty() && o.user_ref == user);
      if (!match) continue;
      if (static_cast<std::int64_t>(page.size()) == limit) {
        more = true;
        break;
      }
      page.push_back(&o);
    }
    if (page.empty()) return Reply::json(404, {{"detail", "No orders found"}});
    // {orders, count, hasMore, nextCursor}, as documented, from the cached order texts.
    Reply r;
    std::size_t size = 64;
    for (const Order* o : page) size += text(*o).size() + 1;
    r.body.reserve(size);
    r.body += "{\"orders\":[";
    for (std::size_t i = 0; i < page.size(); ++i) {
      if (i) r.body += ',';
      r.body += text(*page[i]);
    }
    r.body += "],\"count\":" + std::to_string(page.size()) + ",\"hasMore\":" + (more ? "true" : "false") +
              ",\"nextCursor\":" + (more ? std::to_string(page.back()->order_id) : std::string("null")) + "}";
    return r;
  }

  // --- POST /cancel-orders ----------------------------------------------------------------------
  Reply cancel_orders(const Call& c, const std::string& client) {
    const ojson b = parse_json_or_discarded(c.body());
    if (b.is_discarded()) return validation({"body"}, "Expecting value: invalid JSON", "value_error.jsondecode");
    if (!b.is_object()) return validation({"body"}, "value is not a valid dict", "type_error.dict");
    std::set<std::int64_t> ids;
    std::set<std::string> uuids;
    std::string user;
    if (b.contains("orderIds") && !b["orderIds"].is_null()) {
      if (!b["orderIds"].is_array()) return validation({"body", "orderIds"}, "value is not a valid list", "type_error.list");
      std::size_t i = 0;
      for (const auto& v : b["orderIds"]) {
        if (!v.is_number_integer())
          return validation({"body", "orderIds", i}, "value is not a valid integer", "type_error.integer");
        ids.insert(v.get<std::int64_t>());
        ++i;
      }
    }
    if (b.contains("requestUuids") && !b["requestUuids"].is_null()) {
      if (!b["requestUuids"].is_array())
        return validation({"body", "requestUuids"}, "value is not a valid list", "type_error.list");
      std::size_t i = 0;
      for (const auto& v : b["requestUuids"]) {
        if (!v.is_string()) return validation({"body", "requestUuids", i}, "value is not a valid uuid", "type_error.uuid");
        uuids.insert(v.get<std::string>());
        ++i;
      }
    }
    if (b.contains("userRef") && !b["userRef"].is_null()) {
      if (!b["userRef"].is_string()) return validation({"body", "userRef"}, "str type expected", "type_error.str");
      user = b["userRef"].get<std::string>();
    }
    if (ids.empty() && uuids.empty() && user.empty())
      return Reply::json(400, {{"detail", "At least one filter is required: orderIds, requestUuids or userRef"}});

    ojson cancelled = ojson::array(), not_cancelled = ojson::array();
    bool any = false;
    const micros now = clock->tick();
    (void)now;
    for (auto it = orders_.rbegin(); it != orders_.rend(); ++it) {
      Order& o = it->second;
      if (o.client_name != client) continue;
      if (!(ids.count(o.order_id) || uuids.count(o.request_uuid) || (!user.empty() && o.user_ref == user))) continue;
      any = true;
      const bool cancellable = (o.status == "PENDING" || o.status == "PARTIALLY_FILLED") && !has_confirmed_bet(o);
      if (cancellable) {
        // updatedAt is left as it was: the documented response shows it unchanged.
        o.status = "CANCELLED";
        o.cache.clear();  // only this order's text changed
        cancelled.push_back(render(o));
        publish_order(o, "UPDATE");
      } else {
        not_cancelled.push_back(render(o));
      }
    }
    if (!any) return Reply::json(404, {{"detail", "No matching orders found"}});
    // Only a status change invalidates a rendered order, that order's alone: a cancel of orders that
    // cannot be cancelled keeps the next GET /orders on its cached texts (the round-trip benchmark
    // repeats one).
    ojson out = ojson::object();
    out["status"] = "cancelled";
    out["cancelledCount"] = cancelled.size();
    out["cancelled"] = std::move(cancelled);
    ojson nc = ojson::object();
    nc["reason"] = "Order not cancellable";
    nc["orders"] = std::move(not_cancelled);
    out["notCancelled"] = std::move(nc);
    return Reply::json(200, out);
  }

  // --- POST /cancel-all-orders ------------------------------------------------------------------
  // The kill switch (spec: no body; cancels PENDING / PARTIALLY_FILLED orders without placed bets,
  // those with a confirmed bet come back in notCancelled). Other statuses are not touched or listed.
  // Nothing open: 200 with cancelledCount 0 (the spec lists no 404 here). A body is ignored.
  Reply cancel_all_orders(const std::string& client) {
    ojson cancelled = ojson::array(), not_cancelled = ojson::array();
    clock->tick();
    for (auto it = orders_.rbegin(); it != orders_.rend(); ++it) {
      Order& o = it->second;
      if (o.client_name != client) continue;
      if (o.status != "PENDING" && o.status != "PARTIALLY_FILLED") continue;
      if (has_confirmed_bet(o)) {
        not_cancelled.push_back(render(o));
        continue;
      }
      o.status = "CANCELLED";
      o.cache.clear();  // only this order's text changed
      cancelled.push_back(render(o));
      publish_order(o, "UPDATE");
    }
    ojson out = ojson::object();
    out["status"] = "cancelled";
    out["cancelledCount"] = cancelled.size();
    out["cancelled"] = std::move(cancelled);
    ojson nc = ojson::object();
    nc["reason"] = "Order has confirmed bets";
    nc["orders"] = std::move(not_cancelled);
    out["notCancelled"] = std::move(nc);
    return Reply::json(200, out);
  }

  // --- POST /place-orders -----------------------------------------------------------------------
  static bool is_uuid(const std::string& s) {
    if (s.size() != 36) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
      if (i == 8 || i == 13 || i == 18 || i == 23) {
        if (s[i] != '-') return false;
      } else if (!std::isxdigit(static_cast<unsigned char>(s[i]))) {
        return false;
      }
    }
    return true;
  }

  // Placement only adds orders (and their bets): texts cached for the others stay valid, and a new
  // order has none yet. (Invalidating every text here made each read after it render the whole
  // store again: a long run's reconciliations grew with its size.)
  Reply place_orders(const Call& c, const std::string& client) {
    const ojson b = parse_json_or_discarded(c.body());
    if (b.is_discarded()) return validation({"body"}, "Expecting value: invalid JSON", "value_error.jsondecode");
    if (!b.is_object()) return validation({"body"}, "value is not a valid dict", "type_error.dict");
    if (!b.contains("orders")) return validation({"body", "orders"}, "field required", "value_error.missing");
    const ojson& list = b["orders"];
    if (!list.is_array()) return validation({"body", "orders"}, "value is not a valid list", "type_error.list");
    if (list.empty())
      return validation({"body", "orders"}, "ensure this value has at least 1 items", "value_error.list.min_items");
    if (list.size() > 100)
      return validation({"body", "orders"}, "ensure this value has at most 100 items", "value_error.list.max_items");

    // Schema validation of every order first (422 for the whole request, like the venue's model).
    for (std::size_t i = 0; i < list.size(); ++i) {
      const ojson& o = list[i];
      auto loc = [&](const char* f) { return ojson::array({"body", "orders", i, f}); };
      if (!o.is_object()) return validation({"body", "orders", i}, "value is not a valid dict", "type_error.dict");
      struct Req {
        const char* name;
        char kind;  // s string, i integer, n number, b bool
      };
      static constexpr Req required[] = {{"requestUuid", 's'}, {"outcomeId", 'i'}, {"playerId", 'i'}, {"orderPrice", 'n'},
                                         {"orderStake", 'n'},  {"userRef", 's'},   {"testOrder", 'b'}};
      for (const auto& r : required) {
        if (!o.contains(r.name) || o[r.name].is_null()) return validation(loc(r.name), "field required", "value_error.missing");
        const ojson& v = o[r.name];
        if (r.kind == 's' && !v.is_string()) return validation(loc(r.name), "str type expected", "type_error.str");
        if (r.kind == 'i' && !v.is_number_integer())
          return validation(loc(r.name), "value is not a valid integer", "type_error.integer");
        if (r.kind == 'n' && !decimal_text_of(v))
          return validation(loc(r.name), "value is not a valid number", "type_error.number");
        if (r.kind == 'b' && !v.is_boolean()) return validation(loc(r.name), "value could not be parsed to a boolean", "type_error.bool");
      }
      if (!is_uuid(o["requestUuid"].get<std::string>()))
        return validation(loc("requestUuid"), "value is not a valid uuid", "type_error.uuid");
      const bool has_fixture = o.contains("fixtureId") && !o["fixtureId"].is_null();
      const bool has_future = o.contains("futureId") && !o["futureId"].is_null();
      if (has_fixture == has_future)
        return validation({"body", "orders", i}, "exactly one of fixtureId or futureId is required", "value_error");
      if (has_fixture && !o["fixtureId"].is_string()) return validation(loc("fixtureId"), "str type expected", "type_error.str");
      for (const char* f : {"back", "acceptBetterOdds", "acceptPartialStake"})
        if (o.contains(f) && !o[f].is_null() && !o[f].is_boolean())
          return validation(loc(f), "value could not be parsed to a boolean", "type_error.bool");
      for (const char* f : {"bookmakers", "orderCurrency", "expiresAt"})
        if (o.contains(f) && !o[f].is_null() && !o[f].is_string()) return validation(loc(f), "str type expected", "type_error.str");
      if (o.contains("participantId") && !o["participantId"].is_null() && !o["participantId"].is_number_integer())
        return validation(loc("participantId"), "value is not a valid integer", "type_error.integer");
      if (o.contains("meta") && !o["meta"].is_null() && !o["meta"].is_object())
        return validation(loc("meta"), "value is not a valid dict", "type_error.dict");
      if (o.contains("expiresAt") && o["expiresAt"].is_string() && !parse_iso(o["expiresAt"].get<std::string>()))
        return validation(loc("expiresAt"), "invalid datetime format", "value_error.datetime");
    }
    for (const auto& o : list)
      if (o.contains("futureId") && !o["futureId"].is_null())
        return Reply::json(501, {{"detail", "Orders on futures (futureId) are not implemented"}});

    const micros now = clock->tick();
    ojson accepted = ojson::array(), declined = ojson::array();
    std::set<std::string> seen_in_request;
    std::size_t duplicates = 0;
    for (const auto& in : list) {
      const std::string uuid = lower(in["requestUuid"].get<std::string>());
      // A requestUuid seen within the last 30 minutes (or earlier in this request) is skipped.
      bool dup = !seen_in_request.insert(uuid).second;
      if (!dup) dup = recent_uuid(client, uuid, now - 30LL * 60 * 1000000);
      if (dup) {
        ++duplicates;
        continue;
      }
      const std::string price = *decimal_text_of(in["orderPrice"]);
      const std::string stake = *decimal_text_of(in["orderStake"]);
      std::optional<std::string> decline;
      if (!(to_double(price) > 1.0)) {
        decline = "Invalid orderPrice: must be greater than 1.0";
      } else if (!(to_double(stake) > 0.0)) {
        decline = "Invalid orderStake: must be greater than 0";
      } else if (in["userRef"].get<std::string>().empty()) {
        decline = "Invalid userRef: must not be empty";
      } else if (cents_of(stake) % 100 == 96) {
        decline = "No bookmaker accepted the order";
      }
      if (decline) {
        ojson d = ojson::object();
        d["requestUuid"] = in["requestUuid"];
        d["fixtureId"] = in["fixtureId"];
        d["outcomeId"] = in["outcomeId"];
        d["playerId"] = in["playerId"];
        d["orderPrice"] = decimal_token(price);
        d["orderStake"] = decimal_token(stake);
        d["userRef"] = in["userRef"];
        d["declineReason"] = *decline;
        declined.push_back(std::move(d));
        continue;
      }
      Order o;
      o.order_id = next_order_id_++;
      o.request_uuid = in["requestUuid"].get<std::string>();
      o.allowed_bookmakers = in.contains("bookmakers") && in["bookmakers"].is_string() && !in["bookmakers"].get<std::string>().empty()
                                 ? in["bookmakers"].get<std::string>()
                                 : "*";
      o.fixture_id = in["fixtureId"].get<std::string>();
      o.outcome_id = in["outcomeId"].get<std::int64_t>();
      o.player_id = in["playerId"].get<std::int64_t>();
      o.price = price;
      o.stake = stake;
      o.filled = "0";
      o.user_ref = in["userRef"].get<std::string>();
      o.test_order = in["testOrder"].get<bool>();
      o.currency = in.contains("orderCurrency") && in["orderCurrency"].is_string() ? in["orderCurrency"].get<std::string>() : "USD";
      o.back = in.contains("back") && in["back"].is_boolean() ? in["back"].get<bool>() : true;
      o.accept_better_odds =
          in.contains("acceptBetterOdds") && in["acceptBetterOdds"].is_boolean() ? in["acceptBetterOdds"].get<bool>() : true;
      o.accept_partial_stake =
          in.contains("acceptPartialStake") && in["acceptPartialStake"].is_boolean() ? in["acceptPartialStake"].get<bool>() : true;
      o.created_us = now;
      o.created_at = format_iso(now, 6, "+00:00");
      o.updated_at = o.created_at;
      const micros cap = now + 24LL * 3600 * 1000000;
      if (in.contains("expiresAt") && in["expiresAt"].is_string()) {
        const auto t = *parse_iso(in["expiresAt"].get<std::string>());
        o.expires_at = t > cap ? format_iso(cap, 6, "+00:00") : in["expiresAt"].get<std::string>();
      } else {
        o.expires_at = format_iso(now + 5'000'000, 6, "+00:00");
      }
      o.client_name = client;
      o.status = "PENDING";
      o.meta = in.contains("meta") ? in["meta"] : ojson(nullptr);
      tokenize_decimals(o.meta);
      o.fixture_info = fixture_info_for(o.fixture_id);
      o.outcome_info = outcome_info_for(o.outcome_id);
      o.player_info = player_info_for(o.player_id);
      o.currency_info = currency_info_for(o.currency);
      Order& ref = store(std::move(o));
      // Deterministic fills, by the first two decimals of the stake (see README).
      const std::int64_t sc = cents_of(stake);
      const std::int64_t frac = sc % 100;
      if (frac == 99) {
        add_bet(ref, "CONFIRMED", ref.stake, std::nullopt);
        ref.status = "FILLED";
        ref.filled = ref.stake;
      } else if (frac == 98 || frac == 97) {
        const std::string half = format_units(sc / 2, 2);
        add_bet(ref, frac == 98 ? "CONFIRMED" : "PLACED", half, std::nullopt);
        ref.status = "PARTIALLY_FILLED";
        ref.filled = half;
      }
      if (frac >= 97 && frac <= 99) ref.filled_at = ref.created_at;
      publish_order(ref, "INSERT");
      for (auto id : ref.bets) publish_bet(bets_.at(id), "INSERT");
      accepted.push_back(render(ref));
    }
    if (duplicates == list.size()) return Reply::json(409, {{"detail", "Duplicate requestUuid: every order was already placed"}});
    ojson out = ojson::object();
    out["status"] = declined.empty() ? "accepted" : accepted.empty() ? "declined" : "partial-success";
    out["acceptedOrders"] = std::move(accepted);
    out["declinedOrders"] = std::move(declined);
    return Reply::json(200, out);
  }

  // --- GET /bets, GET /bets/{betId} -------------------------------------------------------------
  Reply get_bets(const Call& c, const std::string& client) {
    const std::string bet_s = c.param("betIds"), ord_s = c.param("orderIds"), user = c.param("userRef");
    if (bet_s.empty() && ord_s.empty() && user.empty())
      return Reply::json(400, {{"detail", "At least one filter is required: betIds, orderIds or userRef"}});
    auto bet_ids = int_list(bet_s);
    if (!bet_ids) return validation({"query", "betIds"}, "betIds must be comma-separated integers", "value_error");
    auto ord_ids = int_list(ord_s);
    if (!ord_ids) return validation({"query", "orderIds"}, "orderIds must be comma-separated integers", "value_error");
    std::int64_t limit = 50;
    std::optional<std::int64_t> after;
    if (auto err = page_params(c, "afterBetId", limit, after)) return *err;
    ojson page = ojson::array();
    std::int64_t last = 0;
    bool more = false;
    const auto first = after ? std::make_reverse_iterator(bets_.lower_bound(*after)) : bets_.rbegin();
    for (auto it = first; it != bets_.rend(); ++it) {
      const Bet& b = it->second;
      if (b.client_name != client) continue;
      if (!(bet_ids->count(b.bet_id) || ord_ids->count(b.order_id) || (!user.empty() && b.user_ref == user))) continue;
      if (static_cast<std::int64_t>(page.size()) == limit) {
        more = true;
        break;
      }
      page.push_back(render_bet(b));
      last = b.bet_id;
    }
    ojson out = ojson::object();
    out["count"] = page.size();
    ojson o2 = ojson::object();
    o2["bets"] = std::move(page);
    o2["count"] = out["count"];
    o2["hasMore"] = more;
    o2["nextCursor"] = more ? ojson(last) : ojson(nullptr);
    return Reply::json(200, o2);
  }

  Reply get_bet(const std::string& id_s, const std::string& client) {
    auto id = parse_int(id_s);
    if (!id) return validation({"path", "betId"}, "value is not a valid integer", "type_error.integer");
    auto it = bets_.find(*id);
    if (it == bets_.end() || it->second.client_name != client) return Reply::json(404, {{"detail", "Bet not found"}});
    return Reply::json(200, render_bet(it->second));
  }

  // --- control ----------------------------------------------------------------------------------
  Reply set_order(const ojson& b) {
    if (!b.contains("orderId") || !b["orderId"].is_number_integer()) return Reply::json(400, {{"error", "orderId required"}});
    auto it = orders_.find(b["orderId"].get<std::int64_t>());
    if (it == orders_.end()) return Reply::json(404, {{"error", "no such order"}});
    Order& o = it->second;
    if (b.contains("status")) {
      const auto s = b["status"].get<std::string>();
      if (!kOrderStatuses.count(s)) return Reply::json(400, {{"error", "unknown status " + s}});
      o.status = s;
    }
    if (b.contains("filledStake")) {
      auto t = decimal_text_of(b["filledStake"]);
      if (!t) return Reply::json(400, {{"error", "filledStake must be a number"}});
      o.filled = *t;
      if (o.filled_at.empty() && to_double(o.filled) > 0) o.filled_at = format_iso(clock->now(), 6, "+00:00");
    }
    const Bet* new_bet = nullptr;
    if (b.contains("addBet")) {
      const ojson& ab = b["addBet"];
      const std::string st = ab.value("betStatus", std::string("CONFIRMED"));
      if (!kBetStatuses.count(st)) return Reply::json(400, {{"error", "unknown bet status " + st}});
      std::string stake = o.stake;
      if (ab.contains("placedStake")) stake = decimal_text_of(ab["placedStake"]).value_or(o.stake);
      Bet& bet = add_bet(o, st, stake, ab.contains("declineReason") ? std::optional<std::string>(ab["declineReason"].get<std::string>())
                                                                 : std::nullopt);
      if (ab.contains("settlementStatus")) bet.settlement_status = ab["settlementStatus"].get<std::string>();
      bet.settled_at = bet.settlement_status != "UNSETTLED" ? std::optional<std::string>(format_iso(clock->now(), 6, "+00:00"))
                                                            : std::nullopt;
      if (ab.contains("bookmaker")) bet.bookmaker = ab["bookmaker"].get<std::string>();
      new_bet = &bet;
    }
    publish_order(o, "UPDATE");
    if (new_bet) publish_bet(*new_bet, "INSERT");
    return Reply::json(200, render(o));
  }

  // POST /_sim/abp/set-bet {"betId", "betStatus"?, "settlementStatus"?, "settlementAmount"?}: a bet
  // changes at the bookmaker (bets UPDATE on /ws; settlements SETTLED once it is settled).
  Reply set_bet(const ojson& b) {
    if (!b.contains("betId") || !b["betId"].is_number_integer()) return Reply::json(400, {{"error", "betId required"}});
    auto it = bets_.find(b["betId"].get<std::int64_t>());
    if (it == bets_.end()) return Reply::json(404, {{"error", "no such bet"}});
    Bet& bet = it->second;
    if (b.contains("betStatus")) {
      const auto s = b["betStatus"].is_string() ? b["betStatus"].get<std::string>() : std::string();
      if (!kBetStatuses.count(s)) return Reply::json(400, {{"error", "unknown bet status " + s}});
      bet.bet_status = s;
    }
    if (b.contains("settlementAmount")) {
      auto t = decimal_text_of(b["settlementAmount"]);
      if (!t) return Reply::json(400, {{"error", "settlementAmount must be a number"}});
      bet.settlement_amount = *t;
    }
    const std::string now = format_iso(clock->now(), 6, "+00:00");
    bool settled_now = false;
    if (b.contains("settlementStatus")) {
      if (!b["settlementStatus"].is_string()) return Reply::json(400, {{"error", "settlementStatus must be a string"}});
      bet.settlement_status = b["settlementStatus"].get<std::string>();
      settled_now = bet.settlement_status != "UNSETTLED";
      bet.settled_at = settled_now ? std::optional<std::string>(now) : std::nullopt;
    }
    bet.updated_at = now;
    publish_bet(bet, "UPDATE", settled_now);
    return Reply::json(200, render_bet(bet));
  }

  // --- /ws: every mutation of an order or bet is published here (ws.cpp numbers and sends it) --
  // The rows are the stream's (websocket-notes 6.1: the full DB row, not the REST object).
  void publish_order(const Order& o, const char* event) {
    if (stream) stream(o.client_name, "orders", event, stream_order_row(o));
  }
  // A bet INSERT/UPDATE; a settled bet also goes out on `settlements` (SETTLED, same row).
  void publish_bet(const Bet& b, const char* event, std::optional<bool> settled = std::nullopt) {
    if (!stream) return;
    const ojson row = stream_bet_row(b);
    stream(b.client_name, "bets", event, row);
    if (settled.value_or(b.settlement_status != "UNSETTLED")) stream(b.client_name, "settlements", "SETTLED", row);
  }
  // a - b for decimal texts, exactly.
  static std::string decimal_minus(const std::string& a, const std::string& b) {
    auto scale_of = [](const std::string& t) {
      const auto dot = t.find('.');
      return dot == std::string::npos ? 0 : static_cast<int>(t.size() - dot - 1);
    };
    const int scale = std::max(scale_of(a), scale_of(b));
    auto units = [scale, &scale_of](const std::string& t) {
      std::string digits = t;
      digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
      digits.append(static_cast<std::size_t>(scale - scale_of(t)), '0');
      return parse_int(digits).value_or(0);
    };
    return format_units(units(a) - units(b), scale);
  }
  ojson stream_order_row(const Order& o) const {
    ojson j = ojson::object();
    j["orderId"] = o.order_id;
    j["requestUuid"] = o.request_uuid;
    j["client"] = o.client_name;
    j["clientName"] = o.client_name;
    j["fixtureId"] = o.fixture_id;
    j["outcomeId"] = o.outcome_id;
    j["playerId"] = o.player_id;
    j["orderPrice"] = decimal_token(o.price);
    j["orderStake"] = decimal_token(o.stake);
    j["filledStake"] = decimal_token(o.filled);
    j["remainingStake"] = decimal_token(decimal_minus(o.stake, o.filled));
    j["orderStatus"] = o.status;
    j["statusReason"] = o.status == "CANCELLED" ? ojson("Cancelled by client") : ojson(nullptr);
    j["userRef"] = o.user_ref;
    j["testOrder"] = o.test_order;
    j["acceptBetterOdds"] = o.accept_better_odds;
    j["acceptPartialStake"] = o.accept_partial_stake;
    j["orderCurrency"] = o.currency;
    j["back"] = o.back;
    j["allowedBookmakers"] = o.allowed_bookmakers;
    j["oddsInfo"] = nullptr;
    j["meta"] = o.meta.is_null() ? ojson::object() : o.meta;
    j["expiresAt"] = o.expires_at;
    j["filledAt"] = o.filled_at.empty() ? ojson(nullptr) : ojson(o.filled_at);
    j["createdAt"] = o.created_at;
    j["updatedAt"] = o.updated_at;
    return j;
  }
  ojson stream_bet_row(const Bet& b) const {
    ojson j = ojson::object();
    j["betId"] = b.bet_id;
    j["orderId"] = b.order_id;
    j["bookmaker"] = b.bookmaker;
    j["bookmakerBetId"] = b.bookmaker_bet_id;
    j["betStatus"] = b.bet_status;
    j["settlementStatus"] = b.settlement_status;
    j["placedStake"] = decimal_token(b.placed_stake);
    j["placedPrice"] = decimal_token(b.placed_price);
    j["placedCurrency"] = b.placed_currency;
    j["account"] = b.bookmaker + "_main";
    j["requestUuid"] = b.request_uuid;
    j["userRef"] = b.user_ref;
    j["testBet"] = b.test_bet;
    j["client"] = b.client_name;
    j["clientName"] = b.client_name;
    j["sentData"] = {{"stake", decimal_token(b.placed_stake)}, {"price", decimal_token(b.placed_price)}};
    j["receivedData"] = {{"betId", b.bookmaker_bet_id}, {"status", b.bet_status}, {"price", decimal_token(b.placed_price)}};
    j["settlementAmount"] = b.settlement_amount ? decimal_token(*b.settlement_amount) : ojson(nullptr);
    j["settlementReason"] = nullptr;
    j["settledAt"] = b.settled_at ? ojson(*b.settled_at) : ojson(nullptr);
    j["declineReason"] = b.decline_reason ? ojson(*b.decline_reason) : ojson(nullptr);
    j["betRequestId"] = nullptr;
    j["oddsInfo"] = nullptr;
    j["meta"] = ojson::object();
    j["placedAt"] = b.placed_at;
    j["createdAt"] = b.placed_at;
    j["updatedAt"] = b.updated_at.empty() ? b.placed_at : b.updated_at;
    return j;
  }

  // Every order goes in through store(), which also indexes its requestUuid.
  Order& store(Order o) {
    orders_by_uuid_[lower(o.request_uuid)].push_back(o.order_id);
    return orders_[o.order_id] = std::move(o);
  }
  // An order of `client` with this requestUuid (lower case) created at or after `since`. The index
  // only names candidates; each is checked against the order itself.
  bool recent_uuid(const std::string& client, const std::string& uuid, micros since) const {
    auto ids = orders_by_uuid_.find(uuid);
    if (ids == orders_by_uuid_.end()) return false;
    for (std::int64_t id : ids->second) {
      auto it = orders_.find(id);
      if (it == orders_.end()) continue;
      const Order& o = it->second;
      if (o.client_name == client && lower(o.request_uuid) == uuid && o.created_us >= since) return true;
    }
    return false;
  }

  std::map<std::int64_t, Order> orders_;
  // lower(requestUuid) -> orderIds: placement's duplicate check was a scan of every order per order
  // placed, quadratic over a long run (the 100,000-event stream soak slowed to a crawl on it).
  std::unordered_map<std::string, std::vector<std::int64_t>> orders_by_uuid_;
  std::map<std::int64_t, Bet> bets_;
  std::map<std::string, ojson> fixtures_;
  std::map<std::string, SlidingWindow> rate_;
  Rng rng_;
  std::uint64_t generation_ = 1;
  std::int64_t next_order_id_ = 1000;
  std::int64_t next_bet_id_ = 100;
  std::set<std::int64_t> odd_bets_;  // orders whose bets render bookmakerBetId/placedAt null

  // --- accounts ---------------------------------------------------------------------------------
  struct Account {
    std::string bookmaker, username, client, password, balance = "0", currency = "USD";
    bool active = true;
    std::int64_t priority = 0;
    std::optional<std::string> max_stake, min_stake;
    ojson meta = ojson::object();
    std::string created_at, updated_at;
    bool verify_betslip = false, multi_limit = false;
  };
  std::map<std::pair<std::string, std::string>, Account> accounts_;
  micros clock_now() const { return clock ? clock->now() : SimClock::kBase; }
  void seed_accounts() {
    accounts_.clear();
    const std::string t0 = "2026-01-01T00:00:00+00:00", t1 = "2026-02-01T12:00:00+00:00";
    auto add = [&](std::string book, std::string user, std::string client, std::string balance, std::string cur,
                   std::int64_t prio, std::optional<std::string> max, std::optional<std::string> min, ojson meta) {
      Account a;
      a.bookmaker = book;
      a.username = user;
      a.client = std::move(client);
      a.password = "pw-" + user + "-not-for-print";
      a.balance = std::move(balance);
      a.currency = std::move(cur);
      a.priority = prio;
      a.max_stake = std::move(max);
      a.min_stake = std::move(min);
      a.meta = std::move(meta);
      a.created_at = t0;
      a.updated_at = t1;
      a.multi_limit = prio >= 10;
      accounts_[{book, user}] = std::move(a);
    };
    add("pinnacle", "pinnacle_main", "demo", "5000", "USD", 10, "1000", "5", ojson::object());
    add("betfair-ex", "betfair_user", "demo", "2500", "GBP", 5, std::nullopt, "2", {{"appKey", "bf-app-key-0123456789"}});
    add("sharpbet", "sharpbet_main", "demo", "1200.5", "EUR", 7, "500", std::nullopt, ojson::object());
    add("polymarket", "acme_poly", "acme", "300", "USD", 1, std::nullopt, "1", ojson::object());
  }

  // meta values under a key that names a credential are masked, as the venue's examples show.
  static ojson masked_meta(const ojson& meta) {
    ojson out = meta;
    if (!out.is_object()) return out;
    for (auto it = out.begin(); it != out.end(); ++it) {
      const std::string k = lower(it.key());
      if (k.find("key") != std::string::npos || k.find("secret") != std::string::npos ||
          k.find("token") != std::string::npos || k.find("password") != std::string::npos)
        it.value() = "***";
    }
    return out;
  }

  ojson render_account(const Account& a) const {
    ojson j = ojson::object();
    j["bookmaker"] = a.bookmaker;
    j["username"] = a.username;
    j["client"] = a.client;
    j["password"] = a.password.empty() ? ojson(nullptr) : ojson("***");
    j["balance"] = decimal_token(a.balance);
    j["active"] = a.active;
    j["priority"] = a.priority;
    j["maxStake"] = a.max_stake ? decimal_token(*a.max_stake) : ojson(nullptr);
    j["minStake"] = a.min_stake ? decimal_token(*a.min_stake) : ojson(nullptr);
    j["currencyId"] = a.currency;
    j["verifyBetslip"] = a.verify_betslip;
    j["meta"] = masked_meta(a.meta);
    j["createdAt"] = a.created_at;
    j["updatedAt"] = a.updated_at;
    j["multiLimitAllowed"] = a.multi_limit;
    j["currencyInfo"] = currency_info_for(a.currency);
    return j;
  }

  Reply get_accounts(const Call& c, const std::string& client) const {
    const std::string book = c.param("bookmaker");
    std::vector<const Account*> list;
    for (const auto& [k, a] : accounts_)
      if (a.client == client && (book.empty() || a.bookmaker == book)) list.push_back(&a);
    std::stable_sort(list.begin(), list.end(), [](const Account* x, const Account* y) { return x->priority > y->priority; });
    ojson out = ojson::array();
    for (const Account* a : list) out.push_back(render_account(*a));
    return Reply::json(200, out);
  }

  // Applies the AccountCreate/UpdateRequest fields of `b` to `a`; an error reply when one is mistyped.
  static std::optional<Reply> apply_account_fields(const ojson& b, Account& a) {
    auto dec = [&](const char* name, std::optional<std::string>& into) -> std::optional<Reply> {
      if (!b.contains(name)) return std::nullopt;
      if (b[name].is_null()) {
        into.reset();
        return std::nullopt;
      }
      auto t = decimal_text_of(b[name]);
      if (!t) return validation({"body", name}, "value is not a valid float", "type_error.float");
      into = *t;
      return std::nullopt;
    };
    if (b.contains("password") && !b["password"].is_null()) {
      if (!b["password"].is_string()) return validation({"body", "password"}, "str type expected", "type_error.str");
      a.password = b["password"].get<std::string>();
    }
    if (b.contains("balance") && !b["balance"].is_null()) {
      auto t = decimal_text_of(b["balance"]);
      if (!t) return validation({"body", "balance"}, "value is not a valid float", "type_error.float");
      a.balance = *t;
    }
    if (b.contains("active") && !b["active"].is_null()) {
      if (!b["active"].is_boolean()) return validation({"body", "active"}, "value could not be parsed to a boolean", "type_error.bool");
      a.active = b["active"].get<bool>();
    }
    if (b.contains("priority") && !b["priority"].is_null()) {
      if (!b["priority"].is_number_integer()) return validation({"body", "priority"}, "value is not a valid integer", "type_error.integer");
      a.priority = b["priority"].get<std::int64_t>();
    }
    if (auto e = dec("maxStake", a.max_stake)) return e;
    if (auto e = dec("minStake", a.min_stake)) return e;
    if (b.contains("currencyId") && !b["currencyId"].is_null()) {
      if (!b["currencyId"].is_string()) return validation({"body", "currencyId"}, "str type expected", "type_error.str");
      a.currency = b["currencyId"].get<std::string>();
    }
    if (b.contains("meta") && !b["meta"].is_null()) {
      if (!b["meta"].is_object()) return validation({"body", "meta"}, "value is not a valid dict", "type_error.dict");
      a.meta = b["meta"];  // replaces, no merge
      tokenize_decimals(a.meta);
    }
    return std::nullopt;
  }

  Reply create_account(const Call& c, const std::string& client) {
    const ojson b = parse_json_or_discarded(c.body());
    if (b.is_discarded()) return validation({"body"}, "Expecting value: invalid JSON", "value_error.jsondecode");
    if (!b.is_object()) return validation({"body"}, "value is not a valid dict", "type_error.dict");
    for (const char* k : {"bookmaker", "username"})
      if (!b.contains(k) || !b[k].is_string()) return validation({"body", k}, "field required", "value_error.missing");
    Account a;
    a.bookmaker = b["bookmaker"].get<std::string>();
    a.username = b["username"].get<std::string>();
    a.client = client;
    if (auto e = apply_account_fields(b, a)) return *e;
    if (accounts_.count({a.bookmaker, a.username})) return Reply::json(409, {{"detail", "Account already exists"}});
    a.created_at = a.updated_at = format_iso(clock->tick(), 6, "+00:00");
    ++generation_;
    const auto key = std::make_pair(a.bookmaker, a.username);
    const Account& stored = accounts_[key] = std::move(a);
    if (stream) stream(client, "accounts", "INSERT", render_account(stored));
    return Reply::json(201, render_account(stored));
  }

  // GET / PATCH / DELETE /accounts/{bookmaker}/{username}.
  Reply account_route(const Call& c, const std::string& client) {
    const auto parts = split(std::string_view(c.path).substr(std::string_view("/accounts/").size()), '/');
    if (parts.size() != 2 || parts[0].empty() || parts[1].empty()) return Reply::json(404, {{"detail", "Not Found"}});
    auto it = accounts_.find({parts[0], parts[1]});
    if (it == accounts_.end()) return Reply::json(404, {{"detail", "Account not found"}});
    if (it->second.client != client) return Reply::json(403, {{"detail", "Access denied: account belongs to another client"}});
    Account& a = it->second;
    if (c.method == "GET") return Reply::json(200, render_account(a));
    if (c.method == "DELETE") {
      const ojson row = render_account(a);
      accounts_.erase(it);
      ++generation_;
      if (stream) stream(client, "accounts", "DELETE", row);
      Reply r;
      r.status = 204;
      r.content_type.clear();
      return r;
    }
    if (c.method != "PATCH") return method_not_allowed();
    const ojson b = parse_json_or_discarded(c.body());
    if (b.is_discarded()) return validation({"body"}, "Expecting value: invalid JSON", "value_error.jsondecode");
    if (!b.is_object()) return validation({"body"}, "value is not a valid dict", "type_error.dict");
    Account updated = a;
    if (auto e = apply_account_fields(b, updated)) return *e;
    updated.updated_at = format_iso(clock->tick(), 6, "+00:00");
    a = std::move(updated);
    ++generation_;
    if (stream) stream(client, "accounts", "UPDATE", render_account(a));
    return Reply::json(200, render_account(a));
  }

  // --- GET /betslip (and /fixtures/betslip) -----------------------------------------------------
  static std::uint64_t mix(std::string_view s, std::uint64_t h = 1469598103934665603ULL) {
    for (char ch : s) h = (h ^ static_cast<unsigned char>(ch)) * 1099511628211ULL;
    return h;
  }

  Reply betslip(const Call& c, const std::string& client) {
    const std::string fixture = c.param("fixtureId");
    const auto outcome = parse_int(c.param("outcomeId"));
    const auto player = parse_int(c.param("playerId"));
    if (c.has_param("futureId") && !c.param("futureId").empty())
      return Reply::json(501, {{"detail", "Futures betslip is not yet implemented"}});
    if (fixture.empty() || !outcome || !player)
      return Reply::json(400, {{"detail", "fixtureId, outcomeId, and playerId are required."}});
    std::set<std::string> own;
    std::map<std::string, const Account*> account_for;
    for (const auto& [k, a] : accounts_)
      if (a.client == client && a.active) {
        own.insert(a.bookmaker);
        if (!account_for.count(a.bookmaker)) account_for[a.bookmaker] = &a;
      }
    std::vector<std::string> books;
    if (c.param("bookmakers").empty()) {
      books.assign(own.begin(), own.end());
    } else {
      std::string missing;
      for (auto& b : split(c.param("bookmakers"), ',')) {
        if (b.empty()) continue;
        if (!own.count(b)) missing += (missing.empty() ? "" : ",") + b;
        books.push_back(b);
      }
      if (!missing.empty()) return Reply::json(403, {{"detail", "No accounts configured for bookmaker(s): " + missing}});
    }
    if (!fixtures_.count(fixture) || books.empty()) return Reply::json(404, {{"detail", "No odds found for given parameters"}});
    ojson odds = ojson::object();
    for (const auto& b : books) {
      const Account& a = *account_for.at(b);
      const std::string odds_id = fixture + ":" + b + ":" + std::to_string(*outcome) + ":" + std::to_string(*player);
      const std::uint64_t h = mix(odds_id);
      ojson e = ojson::object();
      e["price"] = decimal_token(format_units(static_cast<std::int64_t>(120 + h % 400), 2));
      e["limit"] = decimal_token(a.max_stake.value_or("2500"));
      e["limitMin"] = decimal_token(a.min_stake.value_or("1"));
      e["limitCurrency"] = a.currency;
      e["limitUsd"] = decimal_token(a.max_stake.value_or("2500"));
      e["limitMinUsd"] = decimal_token(a.min_stake.value_or("1"));
      e["active"] = h % 7 != 0;
      e["account"] = a.username;
      e["currencyInfo"] = currency_info_for(a.currency);
      e["bookmakerFixtureId"] = nullptr;
      e["bookmakerMarketId"] = std::to_string(h % 100000);
      e["bookmakerOutcomeId"] = std::to_string(*outcome);
      e["meta"] = b == "betfair-ex" ? ojson{{"lay", decimal_token("2.817")}} : ojson(nullptr);
      odds[b] = {{odds_id, e}};
    }
    ojson out = ojson::object();
    out["fixtureId"] = fixture;
    out["outcomeId"] = *outcome;
    out["playerId"] = *player;
    out["client"] = client;
    out["userRef"] = nullptr;
    out["fixtureInfo"] = fixtures_.at(fixture);
    out["outcomeInfo"] = outcome_info_for(*outcome);
    out["playerInfo"] = player_info_for(*player);
    out["odds"] = std::move(odds);
    return Reply::json(200, out);
  }

  // --- reference data ---------------------------------------------------------------------------
  static Reply markets(const Call& c) {
    std::optional<std::int64_t> sport;
    if (c.has_param("sportId") && !c.param("sportId").empty()) {
      sport = parse_int(c.param("sportId"));
      if (!sport) return validation({"query", "sportId"}, "value is not a valid integer", "type_error.integer");
    }
    std::map<std::int64_t, ojson> by_market;
    for (const auto& d : kOutcomes) {
      ojson& m = by_market[d.market_id];
      if (m.is_null()) {
        m = ojson::object();
        m["marketId"] = d.market_id;
        m["marketLength"] = 0;
        m["sportId"] = 10;
        m["playerProp"] = d.player_prop;
        m["handicap"] = decimal_token(d.handicap);
        m["marketName"] = d.market_name;
        m["marketNameShort"] = d.short_name;
        m["marketType"] = d.market_type;
        m["period"] = "fulltime";
        m["oddsTypes"] = ojson::array();
      }
      m["oddsTypes"].push_back({{"outcomeId", d.outcome_id}, {"outcomeName", d.outcome_name}});
      m["marketLength"] = m["oddsTypes"].size();
    }
    ojson out = ojson::array();
    for (auto& [id, m] : by_market)
      if (!sport || *sport == 10) out.push_back(m);
    return Reply::json(200, out);
  }

  static Reply bookmakers() {
    ojson out = ojson::array();
    auto add = [&](std::int64_t id, const char* slug, const char* name, std::optional<std::string> max, const char* min) {
      out.push_back({{"bookmakerId", id}, {"bookmaker", slug}, {"bookmakerName", name}, {"active", true},
                     {"maxStake", max ? decimal_token(*max) : ojson(nullptr)}, {"minStake", decimal_token(min)}});
    };
    add(1, "pinnacle", "Pinnacle", "10000", "1");
    add(2, "betfair-ex", "Betfair Exchange", std::nullopt, "2");
    add(3, "polymarket", "Polymarket", std::nullopt, "1");
    add(4, "sharpbet", "SharpBet", "5000", "1");
    add(5, "bet365", "bet365", "2000", "1");
    return Reply::json(200, out);
  }

  // --- GET /positions, GET /pnl: computed from the store's bets of the client -------------------
  // Amounts in units of 1e-4 (stakes and prices have at most 2 decimals here).
  static std::int64_t units4(const std::string& text) { return static_cast<std::int64_t>(std::llround(to_double(text) * 10000.0)); }

  Reply analytics(const Call& c, const std::string& client, bool pnl) const {
    std::string group = c.has_param("groupBy") ? c.param("groupBy") : "bookmaker";
    if (group != "bookmaker" && group != "account" && group != "userRef")
      return validation({"query", "groupBy"}, "value is not a valid enumeration member; permitted: 'bookmaker', 'account', 'userRef'",
                        "type_error.enum");
    const std::string f_book = c.param("bookmaker"), f_user = c.param("userRef"), f_acc = c.param("account");
    struct Sum {
      std::int64_t n = 0, stake = 0, price = 0, wins = 0, losses = 0, voids = 0, pushes = 0, won = 0, lost = 0;
      std::set<std::int64_t> orders;
    };
    std::map<std::string, Sum> groups;
    for (const auto& [id, b] : bets_) {
      if (b.client_name != client) continue;
      const std::string acc = account_of(b);
      if ((!f_book.empty() && b.bookmaker != f_book) || (!f_user.empty() && b.user_ref != f_user) || (!f_acc.empty() && acc != f_acc))
        continue;
      const bool open = (b.bet_status == "PLACED" || b.bet_status == "CONFIRMED") && b.settlement_status == "UNSETTLED";
      const bool settled = b.settlement_status != "UNSETTLED" && b.settlement_status != "";
      if (pnl ? !settled : !open) continue;
      Sum& g = groups[group == "bookmaker" ? b.bookmaker : group == "account" ? acc : b.user_ref];
      const std::int64_t stake = units4(b.placed_stake), price = units4(b.placed_price);
      ++g.n;
      g.stake += stake;
      g.price += price;
      g.orders.insert(b.order_id);
      if (!pnl) continue;
      const std::string& st = b.settlement_status;
      std::int64_t payout = 0;
      if (st == "WON") payout = stake * price / 10000, ++g.wins;
      else if (st == "HALF_WON") payout = (stake + stake * price / 10000) / 2, ++g.wins;
      else if (st == "LOST") g.lost += stake, ++g.losses;
      else if (st == "HALF_LOST") payout = stake / 2, g.lost += stake / 2, ++g.losses;
      else if (st == "PUSH") payout = stake, ++g.pushes;
      else payout = stake, ++g.voids;  // VOID, CASHOUT
      if (b.settlement_amount) payout = units4(*b.settlement_amount);
      g.won += payout;
    }
    const char* key = group == "bookmaker" ? "bookmaker" : group == "account" ? "account" : "userRef";
    ojson entries = ojson::array();
    std::int64_t total_stake = 0, total_bets = 0, total_net = 0;
    for (const auto& [k, g] : groups) {
      ojson e = ojson::object();
      e[key] = k;  // only the grouped key: the other two are left out
      total_stake += g.stake;
      total_bets += g.n;
      if (pnl) {
        e["settledBets"] = g.n;
        e["wins"] = g.wins;
        e["losses"] = g.losses;
        e["voids"] = g.voids;
        e["pushes"] = g.pushes;
        e["totalStaked"] = decimal_token(format_units(g.stake, 4));
        e["totalWon"] = decimal_token(format_units(g.won, 4));
        e["totalLost"] = decimal_token(format_units(g.lost, 4));
        e["netPnl"] = decimal_token(format_units(g.won - g.stake, 4));
        e["winRate"] = decimal_token(format_units(g.wins * 1000 / g.n, 1));
        total_net += g.won - g.stake;
      } else {
        e["openBets"] = g.n;
        e["totalStake"] = decimal_token(format_units(g.stake, 4));
        e["avgPrice"] = decimal_token(format_units(g.price / g.n / 100, 2));
        e["fixtureIds"] = g.orders.size();
      }
      entries.push_back(std::move(e));
    }
    ojson out = ojson::object();
    out["status"] = "success";
    out["groupBy"] = group;
    out["count"] = entries.size();
    if (pnl) {
      out["pnl"] = std::move(entries);
      out["totalNetPnl"] = decimal_token(format_units(total_net, 4));
      out["totalStaked"] = decimal_token(format_units(total_stake, 4));
      out["totalSettledBets"] = total_bets;
    } else {
      out["positions"] = std::move(entries);
      out["totalStake"] = decimal_token(format_units(total_stake, 4));
      out["totalOpenBets"] = total_bets;
    }
    return Reply::json(200, out);
  }

  // POST /_sim/abp/odd-orders {"orderIds": [...]}: those orders render expiresAt null and no meta
  // key, their bets bookmakerBetId null and placedAt null (what the tolerance policy must read).
  Reply odd_orders(const ojson& b) {
    if (!b.contains("orderIds") || !b["orderIds"].is_array()) return Reply::json(400, {{"error", "orderIds required"}});
    ojson done = ojson::array();
    for (const auto& v : b["orderIds"]) {
      if (!v.is_number_integer()) return Reply::json(400, {{"error", "orderIds must be integers"}});
      auto it = orders_.find(v.get<std::int64_t>());
      if (it == orders_.end()) return Reply::json(404, {{"error", "no such order"}});
      it->second.odd = true;
      odd_bets_.insert(it->first);
      done.push_back(it->first);
    }
    return Reply::json(200, {{"orderIds", done}});
  }
};

}  // namespace

std::unique_ptr<Venue> make_abp() { return std::make_unique<Abp>(); }

std::optional<std::string> abp_client_for_key(std::string_view key) {
  if (key == "abp-test-key-0001") return "demo";
  if (key == "abp-test-key-0002") return "acme";
  if (key == "abp-test-key-noclient") return "";
  return std::nullopt;
}

}  // namespace sim
