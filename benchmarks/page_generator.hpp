// A deterministic generator of ABP `GET /orders` pages for the benchmarks and their cross-check.
//
// Every key of abp::orders_page_view is written, in the wire order of the schema (and of
// tests/data/abp_get_orders_example.json), with nulls where a member is optional and absent. The
// variety is meant to look like a real page: 0-3 bets per order, nested `meta` objects or null,
// string escapes (\" \\ \n \u00e9 and the surrogate pair \ud83d\ude00), UTF-8 team names, prices
// with 2-3 decimals, stakes written with exponents (1e1, 2.5e2, 1E2), ISO timestamps with 6-digit
// fractions, unix-second start times, a few enum values this version does not know.
//
// Pages are compact (no whitespace): a 1000-order page is about 1.6 MB, which is the size the
// issue quotes; pretty-printed it would be about twice that.
//
// shuffled = true permutes the keys inside every object of the schema (Fisher-Yates with the
// generator's own PRNG, so the bytes are identical on every platform and standard library). The
// inside of `meta` is not shuffled: it is opaque payload, kept byte-for-byte by the decoders, and
// its key order is part of its value. Its keys are written sorted, so that a peer that can only
// re-serialise it (nlohmann::json keeps objects in a std::map) writes back the same text.
// `meta` holds no non-ASCII text and no numbers with fractions for the same reason.
#ifndef BETWIRE_BENCHMARKS_PAGE_GENERATOR_HPP
#define BETWIRE_BENCHMARKS_PAGE_GENERATOR_HPP

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace betwire_bench {

// splitmix64: tiny, well distributed, and the same everywhere (std::mt19937 is too, but the
// standard distributions and std::shuffle are not).
class rng {
 public:
  explicit rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n) (the modulo bias is irrelevant here, and deterministic).
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
  std::int64_t range(std::int64_t lo, std::int64_t hi) {  // inclusive
    return lo + static_cast<std::int64_t>(next() % static_cast<std::uint64_t>(hi - lo + 1));
  }
  bool chance(unsigned percent) { return below(100) < percent; }
  template <class T, std::size_t N>
  const T& pick(const T (&items)[N]) {
    return items[below(N)];
  }

 private:
  std::uint64_t state_;
};

// A JSON value under construction: a scalar's text, or an object/array of children.
struct node {
  enum class kind : std::uint8_t { scalar, object, array };
  kind k = kind::scalar;
  bool opaque = false;  // never shuffled inside (meta)
  std::string text;     // scalar: its JSON text
  std::vector<std::pair<std::string, node>> members;
  std::vector<node> items;
};

inline node lit(std::string text) { return node{node::kind::scalar, false, std::move(text), {}, {}}; }
// `escaped` is the JSON text between the quotes, escapes written as they go on the wire.
inline node str(std::string_view escaped) { return lit("\"" + std::string(escaped) + "\""); }
inline node num(std::int64_t v) { return lit(std::to_string(v)); }
inline node boolean(bool v) { return lit(v ? "true" : "false"); }
inline node null() { return lit("null"); }
inline node obj(std::vector<std::pair<std::string, node>> members) {
  node n;
  n.k = node::kind::object;
  n.members = std::move(members);
  return n;
}
inline node arr(std::vector<node> items) {
  node n;
  n.k = node::kind::array;
  n.items = std::move(items);
  return n;
}

inline void write(const node& n, std::string& out, rng* shuffle) {
  switch (n.k) {
    case node::kind::scalar: out += n.text; return;
    case node::kind::array: {
      out += '[';
      for (std::size_t i = 0; i < n.items.size(); ++i) {
        if (i) out += ',';
        write(n.items[i], out, shuffle);
      }
      out += ']';
      return;
    }
    case node::kind::object: {
      std::vector<std::size_t> order(n.members.size());
      for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
      if (shuffle != nullptr && !n.opaque)
        for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[shuffle->below(i)]);
      out += '{';
      for (std::size_t i = 0; i < order.size(); ++i) {
        if (i) out += ',';
        const auto& [key, value] = n.members[order[i]];
        out += '"';
        out += key;
        out += "\":";
        write(value, out, n.opaque ? nullptr : shuffle);
      }
      out += '}';
      return;
    }
  }
}

// ---- field values ----------------------------------------------------------------------------------

// "2026-02-07T16:15:48.270816+00:00" from unix seconds and microseconds (UTC, civil-from-days).
inline std::string iso(std::int64_t seconds, int micros, bool with_fraction = true, bool zulu = false) {
  std::int64_t days = seconds / 86400;
  std::int64_t rem = seconds % 86400;
  if (rem < 0) {
    rem += 86400;
    --days;
  }
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  char buf[64];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d", static_cast<int>(y), static_cast<int>(m),
                        static_cast<int>(d), static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60),
                        static_cast<int>(rem % 60));
  std::string s(buf, static_cast<std::size_t>(n));
  if (with_fraction) {
    n = std::snprintf(buf, sizeof buf, ".%06d", micros);
    s.append(buf, static_cast<std::size_t>(n));
  }
  s += zulu ? "Z" : "+00:00";
  return s;
}

inline std::string uuid(rng& r) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string s;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) s += '-';
    char c = hex[r.below(16)];
    if (i == 12) c = '4';
    if (i == 16) c = hex[8 + r.below(4)];
    s += c;
  }
  return s;
}

// A price with 2 or 3 decimals: 1.01 .. 15.999.
inline std::string price(rng& r) {
  const auto whole = r.range(1, 15);
  char buf[32];
  const int n = r.chance(60) ? std::snprintf(buf, sizeof buf, "%d.%02d", static_cast<int>(whole), static_cast<int>(r.range(1, 99)))
                             : std::snprintf(buf, sizeof buf, "%d.%03d", static_cast<int>(whole), static_cast<int>(r.range(1, 999)));
  return std::string(buf, static_cast<std::size_t>(n));
}

// Stakes as users and venues write them, exponents included.
inline std::string stake(rng& r) {
  static constexpr const char* forms[] = {"50", "10", "1e1", "2.5e2", "1E2", "125.50", "20.5", "5e0", "100", "7.25", "3e-1", "1000"};
  return r.pick(forms);
}

inline constexpr const char* teams[][2] = {
    {"Arminia Bielefeld", "Fortuna Dusseldorf"},
    {"Bayern M\xC3\xBCnchen", "Borussia M\xC3\xB6nchengladbach"},       // raw UTF-8
    {"Atl\\u00e9tico Madrid", "Deportivo Alav\\u00e9s"},               // escaped
    {"Saint-\\u00c9tienne", "Olympique de March\\u00e9"},
    {"Fenerbah\xC3\xA7" "e", "Be\xC5\x9Fikta\xC5\x9F"},
    {"\xCE\x9F\xCE\xBB\xCF\x85\xCE\xBC\xCF\x80\xCE\xB9\xCE\xB1\xCE\xBA\xCF\x8C\xCF\x82", "\xCE\xA0\xCE\x91\xCE\x9F\xCE\x9A"},  // Greek
    {"\xE5\x8C\x97\xE4\xBA\xAC\xE5\x9B\xBD\xE5\xAE\x89", "\xE4\xB8\x8A\xE6\xB5\xB7\xE6\xB5\xB7\xE6\xB8\xAF"},  // CJK
    {"Team \\ud83d\\ude00 United", "FC \\\"The Reds\\\""},
    {"Manchester City", "Tottenham Hotspur"},
    {"Paris Saint-Germain", "Stade Rennais"},
};
inline constexpr const char* tournaments[][3] = {
    // sport, tournament, category
    {"Soccer", "2. Bundesliga", "Germany"},
    {"Soccer", "Premier League", "England"},
    {"Soccer", "LaLiga", "Spain"},
    {"Soccer", "Ligue 1", "France"},
    {"Soccer", "S\xC3\xBCper Lig", "T\xC3\xBCrkiye"},
    {"Basketball", "NBA", "USA"},
    {"Tennis", "Roland Garros", "ATP Singles"},
};
inline constexpr const char* user_refs[] = {"bettor1234", "bettor1234", "desk-7", "desk \\\"A\\\"", "ops\\\\team",
                                           "trader-\\u00e9t\\u00e9", "h\xC3\xA4ndler-9", "moon \\ud83d\\ude00"};
inline constexpr const char* clients[] = {"demo", "demo", "acme", "acme \\\"prime\\\""};
inline constexpr const char* currencies[] = {"USD", "USD", "EUR", "GBP"};
inline constexpr const char* bookmakers[] = {"*", "sharpbet", "sharpbet,pinnacle", "bet365,pinnacle,betfair"};
inline constexpr const char* order_statuses[] = {"PENDING", "PROCESSING", "FILLED", "FILLED", "PARTIALLY_FILLED",
                                                "CANCELLED", "REJECTED", "EXPIRED", "FAILED", "ON_HOLD"};
inline constexpr const char* bet_statuses[] = {"PENDING", "PLACED", "CONFIRMED", "CONFIRMED", "REJECTED",
                                              "CANCELLED", "FAILED", "VOID", "SUSPENDED"};
inline constexpr const char* settlements[] = {"UNSETTLED", "UNSETTLED", "WON", "LOST", "VOID", "HALF_WON",
                                             "HALF_LOST", "PUSH", "CASHOUT", "DEAD_HEAT"};
inline constexpr const char* declines[] = {"Odds changed", "Stake too high\\nmax 100", "Market \\\"suspended\\\"",
                                          "Limit reached \\\\ retry later"};
inline constexpr const char* markets[][4] = {
    // name, short, type, period
    {"Full Time Result", "1X2", "1x2", "fulltime"},
    {"Asian Handicap", "AH", "asian_handicap", "fulltime"},
    {"Total Goals", "O/U", "totals", "fulltime"},
    {"First Half Result", "1X2 1H", "1x2", "1sthalf"},
    {"Player to Score", "Scorer", "player_goal", "fulltime"},
};
inline constexpr const char* handicaps[] = {"0", "-1.5", "0.25", "-0.75", "2.5", "1"};
inline constexpr const char* players[] = {"Harry Kane", "Kylian Mbapp\\u00e9", "Erling Haaland", "Jamal Musiala",
                                         "Son Heung-min"};

inline node make_meta(rng& r) {
  // Sorted keys (see the header comment); nested objects and arrays; escapes but no non-ASCII.
  static constexpr const char* notes[] = {"line 1\\nline \\\"2\\\"", "auto", "path C:\\\\bets", "model b7"};
  static constexpr const char* desks[] = {"eu", "us", "asia"};
  std::vector<std::pair<std::string, node>> m;
  if (r.chance(70)) m.emplace_back("note", str(r.pick(notes)));
  m.emplace_back("source", obj({{"desk", str(r.pick(desks))},
                                {"live", boolean(r.chance(50))},
                                {"model", r.chance(80) ? str("b" + std::to_string(r.range(1, 9))) : null()}}));
  std::vector<node> tags;
  for (auto n = r.below(4); n > 0; --n) tags.push_back(str(r.chance(50) ? "arb" : "value"));
  m.emplace_back("tags", arr(std::move(tags)));
  m.emplace_back("version", num(r.range(1, 12)));
  node n = obj(std::move(m));
  n.opaque = true;
  auto mark = [](auto& self, node& x) -> void {
    x.opaque = true;
    for (auto& [k, v] : x.members) self(self, v);
    for (auto& v : x.items) self(self, v);
  };
  mark(mark, n);
  return n;
}

inline node make_bet(rng& r, std::int64_t order_id, std::int64_t bet_id, const std::string& order_price,
                     const std::string& currency, const std::string& user_ref, const std::string& request_uuid,
                     const std::string& client, std::int64_t at) {
  const bool declined = r.chance(15);
  return obj({
      {"betId", num(bet_id)},
      {"orderId", num(order_id)},
      {"bookmaker", str(r.chance(50) ? "sharpbet" : "pinnacle")},
      {"bookmakerBetId", str(uuid(r))},
      {"placedPrice", lit(r.chance(70) ? order_price : price(r))},
      {"placedStake", lit(stake(r))},
      {"placedCurrency", str(currency)},
      {"placedAt", str(iso(at, static_cast<int>(r.range(0, 999999))))},
      {"betStatus", str(r.pick(bet_statuses))},
      {"settlementStatus", str(r.pick(settlements))},
      {"clientName", str(client)},
      {"testBet", boolean(r.chance(10))},
      {"userRef", str(user_ref)},
      {"requestUuid", str(request_uuid)},
      {"declineReason", declined ? str(r.pick(declines)) : null()},
  });
}

inline node make_order(rng& r, std::int64_t order_id, std::int64_t& next_bet_id) {
  const std::int64_t created = 1770480948 - (900000 - order_id) * 7 - r.range(0, 6);  // 2026-02-07, newest first
  const int micros = static_cast<int>(r.range(0, 999999));
  const std::string request_uuid = uuid(r);
  const std::string fixture_id = "id10000044615" + std::to_string(r.range(10000, 99999));
  const auto outcome_id = r.range(101, 199);
  const bool player_market = r.chance(15);
  const auto player_id = player_market ? r.range(10000, 99999) : 0;
  const std::string order_price = price(r);
  const std::string currency = r.pick(currencies);
  const std::string user_ref = r.pick(user_refs);
  const std::string client = r.pick(clients);

  std::vector<node> bets;  // 0..3 bets: 40% none, 35% one, 15% two, 10% three
  const auto roll = r.below(100);
  for (auto n = roll < 40 ? 0 : roll < 75 ? 1 : roll < 90 ? 2 : 3; n > 0; --n)
    bets.push_back(make_bet(r, order_id, next_bet_id--, order_price, currency, user_ref, request_uuid, client,
                            created + r.range(0, 3)));

  node fixture_info = null();
  if (r.chance(95)) {
    const auto& t = r.pick(teams);
    const auto& tour = r.pick(tournaments);
    const bool live = r.chance(25);
    fixture_info = obj({
        {"fixtureId", str(fixture_id)},
        {"status", obj({{"live", boolean(live)},
                        {"statusId", num(live ? r.range(1, 7) : 0)},
                        {"statusName", str(live ? (r.chance(50) ? "1st Half" : "2nd Half") : "Pre-Game")}})},
        {"sport", obj({{"sportId", num(r.range(1, 30))}, {"sportName", str(tour[0])}})},
        {"tournament", obj({{"tournamentId", num(r.range(1, 2000))},
                            {"tournamentName", str(tour[1])},
                            {"categoryName", str(tour[2])}})},
        {"startTime", r.chance(90) ? num(1754159400 + r.range(0, 400) * 900) : null()},
        {"participants", r.chance(90) ? obj({{"participant1Id", num(r.range(1000, 9999))},
                                             {"participant1Name", str(t[0])},
                                             {"participant2Id", num(r.range(1000, 9999))},
                                             {"participant2Name", str(t[1])}})
                                      : null()},
    });
  }
  const auto& market = r.pick(markets);
  const bool full = r.chance(80);
  node outcome_info = obj({
      {"marketId", num(r.range(100, 999))},
      {"marketName", str(market[0])},
      {"marketNameShort", full ? str(market[1]) : null()},
      {"marketType", full ? str(market[2]) : null()},
      {"period", full ? str(market[3]) : null()},
      {"playerProp", full ? boolean(player_market) : null()},
      {"handicap", r.chance(70) ? lit(r.pick(handicaps)) : null()},
      {"outcomeId", num(outcome_id)},
      {"outcomeName", str(r.chance(50) ? std::to_string(r.range(1, 3)) : (r.chance(50) ? "Over 2.5" : "Home -1.5"))},
  });
  node player_info = player_market ? obj({{"playerId", num(player_id)},
                                          {"playerName", r.chance(90) ? str(r.pick(players)) : null()}})
                                   : null();
  node currency_info = r.chance(90) ? obj({{"currency", str(currency)},
                                           {"currencyValue", lit(currency == "USD" ? "1" : (currency == "EUR" ? "1.0834" : "1.2671"))},
                                           {"updatedAt", str(iso(created + 3600, 0, false, r.chance(30)))}})
                                    : null();
  const auto stake_text = stake(r);
  return obj({
      {"orderId", num(order_id)},
      {"requestUuid", str(request_uuid)},
      {"allowedBookmakers", str(r.pick(bookmakers))},
      {"fixtureId", str(fixture_id)},
      {"outcomeId", num(outcome_id)},
      {"playerId", num(player_id)},
      {"orderPrice", lit(order_price)},
      {"orderStake", lit(stake_text)},
      {"filledStake", lit(bets.empty() ? "0" : (r.chance(70) ? stake_text : "5"))},
      {"userRef", str(user_ref)},
      {"testOrder", boolean(r.chance(10))},
      {"orderCurrency", str(currency)},
      {"back", boolean(r.chance(85))},
      {"expiresAt", str(iso(created + 5, micros))},
      {"acceptBetterOdds", boolean(r.chance(70))},
      {"acceptPartialStake", boolean(r.chance(60))},
      {"clientName", str(client)},
      {"orderStatus", str(r.pick(order_statuses))},
      {"createdAt", str(iso(created, micros))},
      {"updatedAt", str(iso(created + r.range(0, 2), micros))},
      {"meta", r.chance(40) ? make_meta(r) : null()},
      {"bets", arr(std::move(bets))},
      {"fixtureInfo", std::move(fixture_info)},
      {"outcomeInfo", std::move(outcome_info)},
      {"playerInfo", std::move(player_info)},
      {"currencyInfo", std::move(currency_info)},
  });
}

// One `GET /orders` page of `orders` orders. The content depends only on (orders, seed); shuffled
// pages hold the same values as the in-order page of the same (orders, seed).
inline std::string make_orders_page(std::size_t orders, bool shuffled, std::uint64_t seed = 2026) {
  rng r(seed ^ (orders * 0x100000001B3ull));
  std::vector<node> items;
  items.reserve(orders);
  std::int64_t next_bet_id = 5000000;
  for (std::size_t i = 0; i < orders; ++i) items.push_back(make_order(r, 900000 - static_cast<std::int64_t>(i), next_bet_id));
  const bool has_more = r.chance(50);
  node page = obj({
      {"orders", arr(std::move(items))},
      {"count", num(static_cast<std::int64_t>(orders))},
      {"hasMore", boolean(has_more)},
      {"nextCursor", has_more ? num(900000 - static_cast<std::int64_t>(orders) + 1) : null()},
  });
  std::string out;
  out.reserve(orders * 1700 + 64);
  rng shuffle(seed * 31 + 7);
  write(page, out, shuffled ? &shuffle : nullptr);
  return out;
}

}  // namespace betwire_bench

#endif  // BETWIRE_BENCHMARKS_PAGE_GENERATOR_HPP
