// The composite operations as sans-I/O machines, driven from a hand-written poll loop: several
// requests outstanding, answers handed back in a shuffled order, no betwire transport at all. Each
// test checks the per-id bookkeeping (http::cancel_ledger) against what the fake venue decided.

#include <betwire/abp/operations.hpp>
#include <betwire/http/concurrent.hpp>
#include <betwire/http/operations.hpp>
#include <betwire/opinion/client.hpp>
#include <betwire/opinion/operations.hpp>
#include <betwire/predictstreet/client.hpp>
#include <betwire/predictstreet/operations.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace http = betwire::http;
namespace opinion = betwire::opinion;
namespace ps = betwire::predictstreet;
namespace abp = betwire::abp;
using betwire::errc;

namespace {

struct sent_request {
  std::uint64_t id = 0;
  std::string target;
  std::string body;
};

// The venue: answers one request (fills resp and returns success) or fails it (transport error).
using venue = std::function<betwire::result<void>(const sent_request&, http::response&)>;

struct loop_stats {
  std::size_t requests = 0;
  std::size_t max_outstanding = 0;
  std::vector<std::uint64_t> completion_order;
};

// Asks the machine for up to `window` requests, completes a random outstanding one, repeats.
template <class M>
loop_stats run_shuffled(M& m, const venue& v, std::size_t window, std::uint64_t seed) {
  loop_stats st;
  std::mt19937_64 rng(seed);
  std::vector<sent_request> outstanding;
  http::outgoing out;
  bool done = false;
  for (int guard = 0; guard < 100000; ++guard) {
    while (!done && outstanding.size() < window) {
      out.request = http::request{};
      const http::next_step s = m.next(out);
      if (s == http::next_step::send) {
        outstanding.push_back({out.id, std::string(out.request.target), std::string(out.request.body)});
        ++st.requests;
        continue;
      }
      if (s == http::next_step::done) done = true;
      break;
    }
    st.max_outstanding = std::max(st.max_outstanding, outstanding.size());
    if (outstanding.empty()) {
      EXPECT_TRUE(done) << "the machine waits with nothing outstanding";
      break;
    }
    std::uniform_int_distribution<std::size_t> pick(0, outstanding.size() - 1);
    const std::size_t k = pick(rng);
    const sent_request r = outstanding[k];
    outstanding.erase(outstanding.begin() + static_cast<std::ptrdiff_t>(k));
    http::response resp;
    betwire::result<void> sent = v(r, resp);
    http::answer a{r.id, std::move(sent), resp, {}, nullptr};
    a.info.status = resp.status;
    st.completion_order.push_back(r.id);
    m.complete(a);
  }
  return st;
}

std::string json_string_after(std::string_view body, std::string_view key, std::size_t from = 0) {
  const std::string pat = "\"" + std::string(key) + "\":\"";
  const std::size_t at = body.find(pat, from);
  if (at == std::string_view::npos) return {};
  const std::size_t b = at + pat.size();
  return std::string(body.substr(b, body.find('"', b) - b));
}

int query_int(std::string_view target, std::string_view key) {
  const std::string pat = std::string(key) + "=";
  const std::size_t at = target.find(pat);
  if (at == std::string_view::npos) return -1;
  return std::atoi(std::string(target.substr(at + pat.size())).c_str());
}

betwire::result<void> answer(http::response& resp, int status, std::string body) {
  resp.clear();
  resp.status = status;
  resp.body = std::move(body);
  return {};
}

betwire::result<void> reset_failure() {
  return betwire::fail(http::transport_error(errc::connection_reset, "reset by peer (test)"));
}

// ---- Opinion ----------------------------------------------------------------------------------

// The documented answer: errno 0, result.data (the order as cancelled).
constexpr const char* opinion_ok_cancel = R"({"errno":0,"errmsg":"","result":{"data":{"orderId":"x","status":3}}})";

std::string opinion_order(const std::string& id, int side, std::int64_t market) {
  return R"({"orderId":")" + id + R"(","status":1,"statusEnum":"Pending","marketId":)" + std::to_string(market) +
         R"(,"marketTitle":"M","rootMarketId":100,"rootMarketTitle":"R","side":)" + std::to_string(side) +
         R"(,"sideEnum":"Buy","tradingMethod":2,"tradingMethodEnum":"Limit","outcome":"YES","outcomeSide":1,)"
         R"("outcomeSideEnum":"Yes","price":"0.244","orderShares":"400","orderAmount":"97.6","filledShares":"0",)"
         R"("filledAmount":"0","profit":"0","quoteToken":"0x55d3","createdAt":1770481094,"expiresAt":0,"trades":[]})";
}

// A fake Opinion: cancels succeed, except ids in `refused` (errno 10409 under HTTP 200), `reset`
// (no answer) and `server_error` (HTTP 500 envelope).
struct fake_opinion {
  std::set<std::string> refused, reset, server_error;
  std::vector<std::string> pending;  // listing, newest first; side alternates 1, 2
  std::map<std::string, int> cancels;
  std::size_t list_requests = 0;

  betwire::result<void> operator()(const sent_request& r, http::response& resp) {
    if (r.target.starts_with("/order/cancel")) {
      const std::string id = json_string_after(r.body, "orderId");
      ++cancels[id];
      if (reset.count(id)) return reset_failure();
      if (server_error.count(id)) return answer(resp, 500, R"({"errno":500,"errmsg":"boom","result":null})");
      if (refused.count(id))
        return answer(resp, 200, R"({"errno":10409,"errmsg":"order already canceled","result":null})");
      return answer(resp, 200, opinion_ok_cancel);
    }
    if (r.target.starts_with("/order?")) {
      ++list_requests;
      const int page = query_int(r.target, "page");
      const int limit = query_int(r.target, "limit");
      std::string s = R"({"errno":0,"errmsg":"","result":{"total":)" + std::to_string(pending.size()) + R"(,"list":[)";
      const std::size_t first = static_cast<std::size_t>((page - 1) * limit);
      for (std::size_t i = first; i < pending.size() && i < first + static_cast<std::size_t>(limit); ++i)
        s += (i == first ? "" : ",") + opinion_order(pending[i], i % 2 == 0 ? 1 : 2, 101);
      return answer(resp, 200, s + "]}}");
    }
    return answer(resp, 404, R"({"errno":404,"errmsg":"route","result":null})");
  }
};

std::vector<std::string> numbered(std::string_view prefix, std::size_t n) {
  std::vector<std::string> v;
  for (std::size_t i = 0; i < n; ++i) v.push_back(std::string(prefix) + std::to_string(i));
  return v;
}

}  // namespace

TEST(ConcurrencyOpinion, CancelManyShuffledCompletionsEveryIdAccountedFor) {
  const std::vector<std::string> ids = numbered("o", 60);
  fake_opinion venue_state;
  venue_state.refused = {"o3", "o17"};
  venue_state.reset = {"o5", "o40"};
  venue_state.server_error = {"o22"};
  opinion::cancel_orders_op op{ids};
  const loop_stats st = run_shuffled(op, std::ref(venue_state), 8, 42);

  EXPECT_EQ(st.requests, 60U);
  EXPECT_EQ(st.max_outstanding, 8U);
  // Completions really were out of order.
  EXPECT_FALSE(std::is_sorted(st.completion_order.begin(), st.completion_order.end()));
  const auto& led = op.ledger();
  ASSERT_EQ(led.items().size(), 60U);
  EXPECT_TRUE(led.settled());
  EXPECT_EQ(led.tally().cancelled, 55U);
  EXPECT_EQ(led.tally().not_cancelled, 2U);
  EXPECT_EQ(led.tally().failed, 3U);
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const auto& it = led.items()[i];
    EXPECT_EQ(it.id, ids[i]);  // input order kept whatever the completion order
    if (venue_state.refused.count(ids[i])) {
      EXPECT_EQ(it.state, http::cancel_state::not_cancelled) << ids[i];
      EXPECT_EQ(it.reason, "order already canceled");
    } else if (venue_state.reset.count(ids[i])) {
      EXPECT_EQ(it.state, http::cancel_state::failed) << ids[i];
      ASSERT_TRUE(it.error.has_value());
      EXPECT_EQ(it.error->code, errc::connection_reset);
    } else if (venue_state.server_error.count(ids[i])) {
      EXPECT_EQ(it.state, http::cancel_state::failed) << ids[i];
      EXPECT_EQ(it.error->http_status, 500);
    } else {
      EXPECT_EQ(it.state, http::cancel_state::cancelled) << ids[i];
    }
    EXPECT_EQ(venue_state.cancels[ids[i]], 1) << "each id sent exactly once";
  }
  // Resume: exactly the failed ones, never a refused or cancelled one.
  EXPECT_EQ(led.resume_ids(), (std::vector<std::string>{"o5", "o22", "o40"}));
}

TEST(ConcurrencyOpinion, UnauthorizedStopsTheRestAsNotSent) {
  const std::vector<std::string> ids = numbered("k", 30);
  std::size_t sent = 0;
  venue v = [&](const sent_request&, http::response& resp) {
    ++sent;
    return answer(resp, 401, R"({"errno":401,"errmsg":"bad key","result":null})");
  };
  opinion::cancel_orders_op op{ids};
  (void)run_shuffled(op, v, 4, 7);
  const auto& led = op.ledger();
  EXPECT_TRUE(op.stopped());
  ASSERT_TRUE(op.stop_reason().has_value());
  EXPECT_EQ(op.stop_reason()->code, errc::unauthorized);
  // Those in flight when the first 401 came back complete as failed; nothing more was sent.
  EXPECT_LE(sent, 4U);
  EXPECT_EQ(led.tally().failed, sent);
  EXPECT_EQ(led.tally().not_sent, 30U - sent);
  EXPECT_EQ(led.resume_ids().size(), 30U);
  std::size_t not_sent_requests = 0;
  for (const auto& r : led.requests()) not_sent_requests += r.state == http::request_state::not_sent;
  EXPECT_EQ(not_sent_requests, 30U - sent);
}

TEST(ConcurrencyOpinion, CancelAllListsPagesConcurrentlyFiltersAndCancels) {
  fake_opinion venue_state;
  venue_state.pending = numbered("p", 95);  // 5 pages of 20 (the last one short)
  venue_state.refused = {"p10"};
  venue_state.reset = {"p12"};
  opinion::cancel_all_op op{{.market_id = 0, .side = opinion::order_side::buy}};
  const loop_stats st = run_shuffled(op, std::ref(venue_state), 6, 99);
  ASSERT_FALSE(op.error_state().has_value());
  EXPECT_EQ(venue_state.list_requests, 5U);
  EXPECT_EQ(op.lister().pages(), 5U);
  EXPECT_EQ(op.lister().listed(), 95U);
  const auto& led = op.ledger();
  ASSERT_EQ(led.items().size(), 48U);  // the buys: even positions
  for (std::size_t i = 0; i < led.items().size(); ++i) EXPECT_EQ(led.items()[i].id, "p" + std::to_string(2 * i));
  EXPECT_EQ(led.tally().cancelled, 46U);
  EXPECT_EQ(led.tally().not_cancelled, 1U);
  EXPECT_EQ(led.tally().failed, 1U);
  EXPECT_EQ(led.resume_ids(), std::vector<std::string>{"p12"});
  for (const auto& [id, n] : venue_state.cancels) EXPECT_EQ(n, 1) << id;
  EXPECT_GE(st.max_outstanding, 4U);  // pages 2..5 at once, then cancels
}

TEST(ConcurrencyOpinion, CancelAllListingFailureCancelsNothing) {
  fake_opinion venue_state;
  venue_state.pending = numbered("q", 70);
  std::size_t cancels = 0;
  venue v = [&](const sent_request& r, http::response& resp) -> betwire::result<void> {
    if (r.target.find("page=3") != std::string::npos) return reset_failure();
    if (r.target.starts_with("/order/cancel")) ++cancels;
    return venue_state(r, resp);
  };
  opinion::cancel_all_op op{{}};
  (void)run_shuffled(op, v, 4, 5);
  ASSERT_TRUE(op.error_state().has_value());
  EXPECT_EQ(op.error_state()->code, errc::connection_reset);
  EXPECT_EQ(cancels, 0U);
  EXPECT_TRUE(op.ledger().items().empty());
}

TEST(ConcurrencyOpinion, StaleTotalStillReadsEveryPage) {
  fake_opinion venue_state;
  venue_state.pending = numbered("s", 45);
  venue v = [&](const sent_request& r, http::response& resp) -> betwire::result<void> {
    auto res = venue_state(r, resp);
    // Claim a total of 20 however many there are: the full page 1 must plan page 2, and so on.
    const auto at = resp.body.find("\"total\":");
    if (at != std::string::npos) resp.body.replace(at, resp.body.find(',', at) - at, "\"total\":20");
    return res;
  };
  opinion::cancel_all_op op{{}};
  (void)run_shuffled(op, v, 4, 11);
  ASSERT_FALSE(op.error_state().has_value());
  EXPECT_EQ(op.ledger().items().size(), 45U);
  EXPECT_EQ(op.ledger().tally().cancelled, 45U);
}

// ---- PredictStreet ------------------------------------------------------------------------------

namespace {

// A fake PredictStreet cancel-batch: ids ending in "7" are not_found; chunks whose first id is in
// `reset_chunks` get no answer; in `server_error_chunks` a 500.
struct fake_ps {
  std::set<std::string> reset_chunks, server_error_chunks;
  std::map<std::string, int> seen;
  std::size_t batches = 0;
  std::size_t max_batch = 0;

  betwire::result<void> operator()(const sent_request& r, http::response& resp) {
    if (r.target == "/api/orders/cancel-batch") {
      ++batches;
      std::vector<std::string> ids;
      for (std::size_t at = r.body.find('[') + 1; at < r.body.size();) {
        const std::size_t q = r.body.find('"', at);
        if (q == std::string::npos) break;
        const std::size_t e = r.body.find('"', q + 1);
        ids.push_back(r.body.substr(q + 1, e - q - 1));
        at = e + 1;
      }
      max_batch = std::max(max_batch, ids.size());
      if (!ids.empty() && reset_chunks.count(ids.front())) return reset_failure();
      if (!ids.empty() && server_error_chunks.count(ids.front()))
        return answer(resp, 500, R"({"code":"internal_error","message":"boom","details":null})");
      std::string c = "[", n = "{";
      for (const std::string& id : ids) {
        ++seen[id];
        if (id.back() == '7') n += (n.size() > 1 ? "," : "") + ("\"" + id + "\":\"not_found\"");
        else c += (c.size() > 1 ? "," : "") + ("\"" + id + "\"");
      }
      return answer(resp, 200, R"({"cancelled":)" + c + R"(],"notCancelled":)" + n + "}}");
    }
    if (r.target == "/api/orders/cancel-all") {
      return answer(resp, 200,
                    R"({"cancelled":["a1","a2","a3"],"notCancelled":{"a4":"already_terminal"},"marketId":null})");
    }
    return answer(resp, 404, R"({"code":"not_found","message":"no","details":null})");
  }
};

}  // namespace

TEST(ConcurrencyPredictStreet, CancelBatchChunksInFlightAtOnceFailedChunksDoNotStopTheOthers) {
  std::vector<std::string> ids = numbered("id", 1000);
  ids.push_back("id5");  // a repeat: de-duplicated
  fake_ps venue_state;
  venue_state.reset_chunks = {"id300"};
  venue_state.server_error_chunks = {"id700"};
  ps::cancel_batch_op op{ids};
  const loop_stats st = run_shuffled(op, std::ref(venue_state), 5, 3);
  EXPECT_EQ(st.requests, 10U);
  EXPECT_EQ(venue_state.batches, 10U);
  EXPECT_EQ(venue_state.max_batch, 100U);
  EXPECT_EQ(st.max_outstanding, 5U);
  const auto& led = op.ledger();
  ASSERT_EQ(led.items().size(), 1000U);
  ASSERT_EQ(led.requests().size(), 10U);
  EXPECT_TRUE(led.settled());
  for (std::size_t i = 0; i < 1000; ++i) {
    const auto& it = led.items()[i];
    ASSERT_EQ(it.id, "id" + std::to_string(i));
    const bool failed_chunk = (i >= 300 && i < 400) || (i >= 700 && i < 800);
    if (failed_chunk) {
      EXPECT_EQ(it.state, http::cancel_state::failed) << it.id;
    } else if (it.id.back() == '7') {
      EXPECT_EQ(it.state, http::cancel_state::not_cancelled) << it.id;
      EXPECT_EQ(it.reason, "not_found");
    } else {
      EXPECT_EQ(it.state, http::cancel_state::cancelled) << it.id;
    }
  }
  EXPECT_EQ(led.requests()[3].state, http::request_state::failed);
  EXPECT_EQ(led.requests()[3].error->code, errc::connection_reset);
  EXPECT_EQ(led.requests()[7].state, http::request_state::failed);
  EXPECT_EQ(led.requests()[7].error->http_status, 500);
  EXPECT_EQ(led.requests()[0].state, http::request_state::answered);
  const auto resume = led.resume_ids();
  ASSERT_EQ(resume.size(), 200U);
  EXPECT_EQ(resume.front(), "id300");
  EXPECT_EQ(resume.back(), "id799");

  // Resuming with those ids finishes the job: a new operation over resume_ids only.
  fake_ps healthy;
  ps::cancel_batch_op again{resume};
  (void)run_shuffled(again, std::ref(healthy), 5, 4);
  EXPECT_EQ(healthy.batches, 2U);
  EXPECT_TRUE(again.ledger().resume_ids().empty());
}

TEST(ConcurrencyPredictStreet, CancelAllRecordsEveryIdOfTheAnswer) {
  fake_ps venue_state;
  ps::cancel_all_op op{{}};
  (void)run_shuffled(op, std::ref(venue_state), 3, 1);
  EXPECT_EQ(op.state(), http::request_state::answered);
  const auto& led = op.ledger();
  ASSERT_EQ(led.items().size(), 4U);
  EXPECT_EQ(led.tally().cancelled, 3U);
  EXPECT_EQ(led.tally().not_cancelled, 1U);
  EXPECT_EQ(led.items()[3].reason, "already_terminal");
}

TEST(ConcurrencyPages, SeveralCursorChainsInFlightEachFollowsItsCursor) {
  // Three markets, 3, 1 and 4 pages; the cursor is "c<market>-<page>".
  const std::map<std::string, int> pages_of = {{"m1", 3}, {"m2", 1}, {"m3", 4}};
  std::map<std::string, std::vector<int>> seen_pages;
  venue v = [&](const sent_request& r, http::response& resp) {
    const std::size_t mk = r.target.find("marketId=");
    const std::string market = r.target.substr(mk + 9, 2);
    int page = 1;
    if (const std::size_t c = r.target.find("cursor="); c != std::string::npos)
      page = std::atoi(r.target.substr(r.target.find('-', c) + 1).c_str());
    seen_pages[market].push_back(page);
    const int last = pages_of.at(market);
    const std::string next = page < last ? "\"c" + market + "-" + std::to_string(page + 1) + "\"" : "null";
    std::string order = R"({"id":")" + market + "-" + std::to_string(page) +
                        R"(","userWallet":"0xa11ce00000000000000000000000000000000001","vault":"0xabc","marketId":"mkt-1","side":"buy","outcome":"0","price":"0.550000","quantity":"120.50","filledQty":"0.00","remainingQty":"120.50","expiry":null,"type":"LIMIT","timeInForce":"GTC","status":"OPEN","clientOrderId":null,"createdAt":"2026-02-07T16:20:00.000Z","updatedAt":"2026-02-07T16:20:00.001Z"})";
    return answer(resp, 200, R"({"walletAddress":"0xa","orders":[)" + order + R"(],"nextCursor":)" + next + "}");
  };
  std::vector<ps::open_orders_query> queries(3);
  queries[0].market_id = "m1";
  queries[1].market_id = "m2";
  queries[2].market_id = "m3";
  std::vector<std::string> got;
  using pages_op = http::cursor_pages<ps::endpoints::open_orders<std::string_view>, std::string, ps::opaque_cursor>;
  pages_op op{std::move(queries), [](ps::open_orders_query& q, const std::string& c) { q.cursor = c; },
              [&](std::size_t, ps::orders_page_view& p) {
                for (const auto& o : p.orders) got.emplace_back(o.id);
              }};
  const loop_stats st = run_shuffled(op, v, 8, 21);
  EXPECT_TRUE(op.ok());
  EXPECT_EQ(op.pages(), 8U);
  EXPECT_EQ(st.max_outstanding, 3U);  // one per chain
  EXPECT_EQ(seen_pages["m1"], (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(seen_pages["m3"], (std::vector<int>{1, 2, 3, 4}));
  EXPECT_EQ(got.size(), 8U);
}

TEST(ConcurrencyPages, AFailedChainDoesNotStopTheOthers) {
  venue v = [&](const sent_request& r, http::response& resp) -> betwire::result<void> {
    if (r.target.find("marketId=bad") != std::string::npos) return reset_failure();
    return answer(resp, 200, R"({"walletAddress":"0xa","orders":[],"nextCursor":null})");
  };
  std::vector<ps::open_orders_query> queries(3);
  queries[0].market_id = "ok1";
  queries[1].market_id = "bad";
  queries[2].market_id = "ok2";
  http::cursor_pages<ps::endpoints::open_orders<std::string_view>, std::string, ps::opaque_cursor> op{
      std::move(queries), [](ps::open_orders_query& q, const std::string& c) { q.cursor = c; }, {}};
  (void)run_shuffled(op, v, 8, 2);
  EXPECT_FALSE(op.ok());
  ASSERT_TRUE(op.chains()[1].error.has_value());
  EXPECT_EQ(op.chains()[1].error->code, errc::connection_reset);
  EXPECT_FALSE(op.chains()[0].error.has_value());
  EXPECT_FALSE(op.chains()[2].error.has_value());
  EXPECT_EQ(op.chains()[0].pages, 1U);
  EXPECT_EQ(op.chains()[2].pages, 1U);
}

// ---- the blocking drivers: the machines run through a client's core -----------------------------

namespace {

// A blocking betwire::transport over a fake venue, recording what each request carried.
struct recording_transport {
  explicit recording_transport(venue f) : v(std::move(f)) {}
  venue v;
  std::vector<std::chrono::steady_clock::time_point> deadlines;
  std::vector<std::string> targets;
  betwire::result<void> send(const http::request& req, http::response& resp) {
    deadlines.push_back(req.deadline);
    targets.emplace_back(req.target);
    return v(sent_request{0, std::string(req.target), std::string(req.body)}, resp);
  }
};

}  // namespace

TEST(ConcurrencyDrivers, BlockingCompositeCallsHonourTheCoreDeadline) {
  fake_ps ps_venue;
  recording_transport net{std::ref(ps_venue)};
  ps::client<recording_transport> c{net};
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::hours(1);
  c.core().set_deadline(deadline);
  const auto r = c.cancel_batch_all(numbered("id", 150));
  ASSERT_EQ(net.deadlines.size(), 2U);
  EXPECT_EQ(r.chunks_succeeded, 2U);
  for (const auto& d : net.deadlines) EXPECT_EQ(d, deadline);

  fake_opinion op_venue;
  recording_transport onet{std::ref(op_venue)};
  opinion::client<recording_transport> o{onet, {.api_key = betwire::secret(std::string("k"))}};
  o.core().set_deadline(deadline);
  const auto outcomes = o.cancel_orders(std::vector<std::string>{"a", "b"});
  ASSERT_EQ(onet.deadlines.size(), 2U);
  for (const auto& d : onet.deadlines) EXPECT_EQ(d, deadline);
  EXPECT_TRUE(outcomes[0].success && outcomes[1].success);
}

TEST(ConcurrencyDrivers, LastResponseAndRequestAreTheBatchsLast) {
  fake_ps ps_venue;
  recording_transport net{std::ref(ps_venue)};
  ps::client<recording_transport> c{net};
  (void)c.cancel("single-1");  // a call before: the driven batch must replace what it left
  const auto r = c.cancel_batch_all(numbered("id", 150));
  ASSERT_EQ(net.targets.size(), 3U);
  EXPECT_EQ(r.chunks_succeeded, 2U);
  const std::string described = c.describe_last_request();
  EXPECT_NE(described.find("/api/orders/cancel-batch"), std::string::npos) << described;
  EXPECT_NE(described.find("[\"id100\""), std::string::npos) << described;  // the second chunk
  EXPECT_EQ(described.find("\"id0\""), std::string::npos) << described;
  EXPECT_EQ(c.last_response().status, 200);
  EXPECT_NE(c.last_response().body.find("id149"), std::string::npos);
  EXPECT_EQ(r.last.status, 200);

  fake_opinion op_venue;
  recording_transport onet{std::ref(op_venue)};
  opinion::client<recording_transport> o{onet, {.api_key = betwire::secret(std::string("k"))}};
  (void)o.cancel_orders(std::vector<std::string>{"first", "last-one"});
  const std::string od = o.describe_last_request();
  EXPECT_NE(od.find("last-one"), std::string::npos) << od;
  EXPECT_EQ(od.find("k\r\n"), std::string::npos) << od;  // the key stays redacted
  EXPECT_EQ(o.last_response().status, 200);
}

TEST(ConcurrencyDrivers, ASetupErrorFailsEveryIdAndSendsNothing) {
  fake_ps ps_venue;
  recording_transport net{std::ref(ps_venue)};
  ps::client<recording_transport> c{net, {.api_key = betwire::secret(std::string("not-a-key"))}};
  ASSERT_TRUE(c.setup_error());
  const auto r = c.cancel_batch_all(numbered("id", 150));
  EXPECT_TRUE(net.targets.empty());
  ASSERT_EQ(r.ledger.items().size(), 150U);
  EXPECT_EQ(r.ledger.tally().failed, 150U);
  for (const auto& it : r.ledger.items()) {
    ASSERT_TRUE(it.error.has_value());
    EXPECT_EQ(it.error->code, errc::invalid_api_key);
  }
  for (const auto& rq : r.ledger.requests()) EXPECT_EQ(rq.state, http::request_state::failed);
  ASSERT_TRUE(r.failure.has_value());
  EXPECT_EQ(r.failure->index, 0U);
  EXPECT_EQ(r.failure->error.code, errc::invalid_api_key);
  EXPECT_EQ(r.unprocessed.size(), 150U);
  EXPECT_EQ(r.chunks_succeeded, 0U);

  fake_opinion op_venue;
  recording_transport onet{std::ref(op_venue)};
  opinion::client<recording_transport> o{onet};  // no key
  const auto outcomes = o.cancel_orders(std::vector<std::string>{"a", "b", "c"});
  EXPECT_TRUE(onet.targets.empty());
  ASSERT_EQ(outcomes.size(), 3U);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(outcomes[i].index, i);
    EXPECT_EQ(outcomes[i].order_id, std::string(1, static_cast<char>('a' + i)));
    EXPECT_FALSE(outcomes[i].success);
    ASSERT_TRUE(outcomes[i].error.has_value());
    EXPECT_EQ(outcomes[i].error->code, errc::invalid_api_key);
  }
}

TEST(ConcurrencyDrivers, PredictStreetCancelAllIsTheMachineDrivenThroughTheCore) {
  fake_ps ps_venue;
  recording_transport net{std::ref(ps_venue)};
  ps::client<recording_transport> c{net};
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::hours(1);
  c.core().set_deadline(deadline);
  ps::cancel_all_response out;
  http::cancel_ledger ledger;
  const auto r = c.cancel_all({}, out, &ledger);
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r.status(), 200);
  ASSERT_EQ(net.deadlines.size(), 1U);
  EXPECT_EQ(net.deadlines[0], deadline);
  EXPECT_EQ(out.cancelled, (std::vector<std::string>{"a1", "a2", "a3"}));
  ASSERT_EQ(out.not_cancelled.size(), 1U);
  ASSERT_EQ(ledger.items().size(), 4U);
  EXPECT_EQ(ledger.tally().cancelled, 3U);
  EXPECT_EQ(ledger.items()[3].reason, "already_terminal");
  EXPECT_NE(c.describe_last_request().find("/api/orders/cancel-all"), std::string::npos);
  const auto owned = c.cancel_all();
  ASSERT_TRUE(owned) << owned.error();
  EXPECT_EQ(owned->cancelled.size(), 3U);

  // A failed answer is the reply's error, as a call's.
  venue down = [](const sent_request&, http::response& resp) {
    return answer(resp, 500, R"({"code":"internal_error","message":"boom","details":null})");
  };
  recording_transport dnet{down};
  ps::client<recording_transport> d{dnet};
  const auto f = d.cancel_all();
  ASSERT_FALSE(f);
  EXPECT_EQ(f.status(), 500);
  EXPECT_EQ(f.error().http_status, 500);

  ps::client<recording_transport> bad{dnet, {.api_key = betwire::secret(std::string("not-a-key"))}};
  const std::size_t before = dnet.targets.size();
  const auto refused = bad.cancel_all();
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, errc::invalid_api_key);
  EXPECT_EQ(dnet.targets.size(), before);
}

TEST(ConcurrencyDrivers, PagesRangeIsTheCursorMachineDrivenThroughTheCore) {
  // Three pages: cursors c2, c3, then null.
  venue v = [](const sent_request& r, http::response& resp) {
    int page = 1;
    if (const std::size_t at = r.target.find("cursor=c"); at != std::string::npos) page = r.target[at + 8] - '0';
    const std::string next = page < 3 ? "\"c" + std::to_string(page + 1) + "\"" : "null";
    return answer(resp, 200, R"({"walletAddress":"0xa","orders":[],"nextCursor":)" + next + "}");
  };
  recording_transport net{v};
  ps::client<recording_transport> c{net};
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::hours(1);
  c.core().set_deadline(deadline);
  std::size_t n = 0;
  auto pages = c.open_orders_pages({.limit = 5});
  for (auto&& p : pages) {
    ASSERT_TRUE(p) << p.error();
    EXPECT_EQ(p.status(), 200);
    ++n;
  }
  EXPECT_EQ(n, 3U);
  EXPECT_EQ(pages.pages(), 3U);
  ASSERT_EQ(net.targets.size(), 3U);
  EXPECT_EQ(net.targets[2], "/api/orders/open?limit=5&cursor=c3");
  for (const auto& d : net.deadlines) EXPECT_EQ(d, deadline);
  EXPECT_NE(c.describe_last_request().find("cursor=c3"), std::string::npos) << c.describe_last_request();
  EXPECT_NE(c.last_response().body.find("\"nextCursor\":null"), std::string::npos);

  // A setup error is the only element; nothing is sent.
  ps::client<recording_transport> bad{net, {.api_key = betwire::secret(std::string("not-a-key"))}};
  std::vector<bool> ok;
  for (auto&& p : bad.history_pages()) ok.push_back(p.has_value());
  EXPECT_EQ(ok, (std::vector<bool>{false}));
  EXPECT_EQ(net.targets.size(), 3U);
}

TEST(ConcurrencyPages, ACursorThatComesBackStopsTheChain) {
  // Cursors A, B, A, B, ...: the loop is found and the chain stops with an error.
  venue v = [](const sent_request& r, http::response& resp) {
    const bool at_a = r.target.find("cursor=A") != std::string::npos;
    return answer(resp, 200, std::string(R"({"walletAddress":"0xa","orders":[],"nextCursor":")") + (at_a ? "B" : "A") + "\"}");
  };
  std::vector<ps::open_orders_query> queries(1);
  http::cursor_pages<ps::endpoints::open_orders<std::string_view>, std::string, ps::opaque_cursor> op{
      std::move(queries), [](ps::open_orders_query& q, const std::string& c) { q.cursor = c; }, {}};
  const loop_stats st = run_shuffled(op, v, 4, 9);
  EXPECT_FALSE(op.ok());
  ASSERT_TRUE(op.chains()[0].error.has_value());
  EXPECT_EQ(op.chains()[0].error->code, errc::invalid_value);
  EXPECT_LT(st.requests, 10U);
}

TEST(ConcurrencyPages, AnAbpListingThatMatchesNothingIsOneEmptyPage) {
  // ids 1: a page; 2: ABP's 404 "nothing matched"; 3: a route miss (404 "Not Found"), an error.
  venue v = [](const sent_request& r, http::response& resp) {
    if (r.target.find("orderIds=2") != std::string::npos) return answer(resp, 404, R"({"detail":"No orders found"})");
    if (r.target.find("orderIds=3") != std::string::npos) return answer(resp, 404, R"({"detail":"Not Found"})");
    return answer(resp, 200, R"({"orders":[],"count":0,"hasMore":false,"nextCursor":null})");
  };
  const std::vector<std::int64_t> ids{1, 2, 3};
  std::size_t pages = 0;
  auto op = abp::orders_by_ids(ids, 1, [&](std::size_t, abp::orders_page_view& p) {
    ++pages;
    EXPECT_TRUE(p.orders.empty());
    EXPECT_FALSE(p.has_more);
  });
  (void)run_shuffled(op, v, 3, 11);
  EXPECT_EQ(pages, 2U);
  ASSERT_EQ(op.chains().size(), 3U);
  EXPECT_FALSE(op.chains()[0].error.has_value());
  EXPECT_FALSE(op.chains()[1].error.has_value());
  EXPECT_EQ(op.chains()[1].pages, 1U);
  ASSERT_TRUE(op.chains()[2].error.has_value());
  EXPECT_EQ(op.chains()[2].error->http_status, 404);
}

TEST(ConcurrencyAbp, CancelAllOrdersWithNothingOpenIsAnEmptyAnswer) {
  venue v = [](const sent_request&, http::response& resp) {
    return answer(resp, 404, R"({"detail":"No orders found"})");
  };
  abp::cancel_all_orders_op op{};
  (void)run_shuffled(op, v, 1, 1);
  EXPECT_EQ(op.state(), http::request_state::answered);
  EXPECT_TRUE(op.ledger().items().empty());

  venue route_miss = [](const sent_request&, http::response& resp) {
    return answer(resp, 404, R"({"detail":"Not Found"})");
  };
  abp::cancel_all_orders_op miss{};
  (void)run_shuffled(miss, route_miss, 1, 1);
  EXPECT_EQ(miss.state(), http::request_state::failed);
  ASSERT_TRUE(miss.error_state().has_value());
  EXPECT_EQ(miss.error_state()->http_status, 404);
}
