// PredictStreet endpoints and predictstreet::client over the scripted transport (no sockets): key and
// wallet checks (nothing sent, key never printed), batch validation and de-duplication, chunk
// planning and merging, encoding of bodies and queries, decoding of both answer revisions, reasons
// including "unknown" vs an unrecognized reason, typed auth errors, rate-limit headers, 429 retries
// of cancels, cursor pagination, and warm zero-allocation batch cancels.

#define BETWIRE_DEFINE_COUNTING_NEW
#include "counting_allocator.hpp"
#include "scripted_transport.hpp"

#include <betwire/predictstreet/predictstreet.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

using betwire::test::replay_transport;

namespace http = betwire::http;
namespace ps = betwire::predictstreet;
using betwire::errc;
using betwire::error_category;
using betwire::test::fake_clock;
using betwire::test::scripted_transport;

namespace pstest {

constexpr const char* key = "ps_test_0000000000000a01_simSingleSecret_0123456789abcdefghijklmnopq";
constexpr const char* wallet_mixed = "0x742d35Cc6634C0532925a3b844Bc9e7595f0bEb3";
constexpr const char* wallet_lower = "0x742d35cc6634c0532925a3b844bc9e7595f0beb3";

struct fixture {
  scripted_transport net;
  ps::client<scripted_transport> c{net, {.api_key = betwire::secret(key)}};
};

std::string id(int i) { return "00000000-0000-4000-8000-" + std::string(12 - std::to_string(i).size(), '0') + std::to_string(i); }

std::vector<std::string> ids(int first, int n) {
  std::vector<std::string> v;
  for (int i = 0; i < n; ++i) v.push_back(id(first + i));
  return v;
}

// A cancel-batch answer that cancels every id of `body` except those in `refuse` (reason given).
std::string answer_for(const std::string& body, const std::vector<std::pair<std::string, std::string>>& refuse = {}) {
  const auto j = nlohmann::json::parse(body);
  nlohmann::json out = {{"cancelled", nlohmann::json::array()}, {"notCancelled", nlohmann::json::object()}};
  for (const auto& i : j["orderIds"]) {
    bool refused = false;
    for (const auto& [rid, reason] : refuse)
      if (rid == i.get<std::string>()) {
        out["notCancelled"][rid] = reason;
        refused = true;
      }
    if (!refused) out["cancelled"].push_back(i);
  }
  return out.dump();
}

std::string order_json(const std::string& oid) {
  return R"({"id":")" + oid +
         R"(","userWallet":"0xa11ce00000000000000000000000000000000001","vault":"0xabc","marketId":"mkt-1","side":"buy","outcome":"0","price":"0.550000","quantity":"120.50","filledQty":"0.00","remainingQty":"120.50","expiry":null,"type":"LIMIT","timeInForce":"GTC","status":"OPEN","clientOrderId":null,"createdAt":"2026-02-07T16:20:00.000Z","updatedAt":"2026-02-07T16:20:00.001Z"})";
}

}  // namespace pstest

using pstest::fixture;

// ---- key and wallet -----------------------------------------------------------------------------

TEST(PsAuth, KeyFormat) {
  EXPECT_TRUE(ps::is_well_formed_api_key(pstest::key));
  EXPECT_TRUE(ps::is_well_formed_api_key("ps_live_ABCDEF0123456789_-_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNO"));
  EXPECT_FALSE(ps::is_well_formed_api_key(""));
  EXPECT_FALSE(ps::is_well_formed_api_key("ps_prod_0000000000000a01_simSingleSecret_0123456789abcdefghijklmnopq"));
  EXPECT_FALSE(ps::is_well_formed_api_key("ps_test_000000000000ga01_simSingleSecret_0123456789abcdefghijklmnopq"));  // g
  EXPECT_FALSE(ps::is_well_formed_api_key("ps_test_0000000000000a01-simSingleSecret_0123456789abcdefghijklmnopq"));  // '-'
  EXPECT_FALSE(ps::is_well_formed_api_key("ps_test_0000000000000a01_simSingleSecret_0123456789abcdefghijklmnop"));   // 42
  EXPECT_FALSE(ps::is_well_formed_api_key("ps_test_0000000000000a01_simSingleSecret_0123456789abcdefghijklmnopqr")); // 44
  EXPECT_FALSE(ps::is_well_formed_api_key("ps_test_0000000000000a01_simSingleSecret+0123456789abcdefghijklmnopq"));  // '+'
}

TEST(PsAuth, MalformedKeyFailsEveryCallWithoutSendingOrPrinting) {
  scripted_transport net;
  const std::string bad = "ps_test_0000000000000a01_tooShortSecretValue";
  ps::client<scripted_transport> c{net, {.api_key = betwire::secret(bad)}};
  ASSERT_TRUE(c.setup_error().has_value());
  auto r = c.cancel_batch({"a"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::invalid_api_key);
  EXPECT_EQ(r.error().category, error_category::validation);
  EXPECT_EQ(r.error().describe().find(bad), std::string::npos);
  EXPECT_EQ(r.error().describe().find("tooShortSecret"), std::string::npos);
  auto o = c.open_orders();
  ASSERT_FALSE(o);
  EXPECT_EQ(o.error().code, errc::invalid_api_key);
  EXPECT_TRUE(net.requests.empty());
}

TEST(PsAuth, WalletIsValidatedAndSentLowerCase) {
  EXPECT_TRUE(ps::is_valid_wallet(pstest::wallet_mixed));
  EXPECT_FALSE(ps::is_valid_wallet("742d35cc6634c0532925a3b844bc9e7595f0beb3"));
  EXPECT_FALSE(ps::is_valid_wallet("0X742d35cc6634c0532925a3b844bc9e7595f0beb3"));
  EXPECT_FALSE(ps::is_valid_wallet("0x742d35cc6634c0532925a3b844bc9e7595f0beb"));
  EXPECT_FALSE(ps::is_valid_wallet("0x742d35cc6634c0532925a3b844bc9e7595f0beg3"));
  auto n = ps::normalize_wallet(pstest::wallet_mixed);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, pstest::wallet_lower);

  scripted_transport net;
  net.respond(200, R"({"walletAddress":"x","orders":[],"nextCursor":null})");
  ps::client<scripted_transport> c{net, {.api_key = betwire::secret(pstest::key), .wallet = pstest::wallet_mixed}};
  ASSERT_FALSE(c.setup_error());
  EXPECT_EQ(c.wallet(), pstest::wallet_lower);
  ASSERT_TRUE(c.open_orders());
  ASSERT_EQ(net.requests.size(), 1u);
  ASSERT_NE(net.requests[0].header("X-User-Wallet"), nullptr);
  EXPECT_EQ(*net.requests[0].header("X-User-Wallet"), pstest::wallet_lower);
  ASSERT_NE(net.requests[0].header("X-Api-Key"), nullptr);
  EXPECT_EQ(*net.requests[0].header("X-Api-Key"), pstest::key);

  // A bad wallet later is refused and the previous one stays.
  auto w = c.set_wallet("0x12\r\nX-Evil: 1");
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().code, errc::invalid_wallet);
  EXPECT_EQ(c.wallet(), pstest::wallet_lower);
  c.clear_wallet();
  net.respond(200, R"({"walletAddress":"x","orders":[],"nextCursor":null})");
  ASSERT_TRUE(c.open_orders());
  EXPECT_EQ(net.requests[1].header("X-User-Wallet"), nullptr);
}

TEST(PsAuth, MalformedWalletInOptionsFailsEveryCall) {
  scripted_transport net;
  ps::client<scripted_transport> c{net, {.api_key = betwire::secret(pstest::key), .wallet = "0xnothex"}};
  auto r = c.cancel("x");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::invalid_wallet);
  EXPECT_TRUE(net.requests.empty());
}

// A wallet address is public (it is on chain, and the venue echoes it as walletAddress): an invalid
// one is shown in the error, bounded and with control bytes escaped, to help find it. The key is a
// secret and is never shown.
// The single-cancel page's own not_found example: {"orderId", "status": "not_found"} with neither
// unfilledQty nor remainingQty. Both are optional (wire-notes.md); it reads as 0.
TEST(PsTolerance, CancelAnswerWithoutAnyQuantity) {
  fixture f;
  f.net.respond(200, R"({"orderId":"o9","status":"not_found"})");
  auto r = f.c.cancel("o9");
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->status, ps::cancel_status::not_found);
  EXPECT_EQ(r->unfilled_qty.text(), "0");
  EXPECT_FALSE(r->legacy_form);
}

TEST(PsAuth, InvalidWalletIsShownInTheErrorTheKeyNever) {
  auto bad = ps::normalize_wallet("0xnothex");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("0xnothex"), std::string::npos) << bad.error().message;
  auto inj = ps::normalize_wallet("0x12\r\nX-Evil: 1");
  ASSERT_FALSE(inj);
  EXPECT_EQ(inj.error().message.find('\n'), std::string::npos);
  EXPECT_EQ(inj.error().message.find('\r'), std::string::npos);
  EXPECT_FALSE(betwire::http::is_sensitive_header("X-User-Wallet"));
  scripted_transport net;
  ps::client<scripted_transport> c{net, {.api_key = betwire::secret(pstest::key), .wallet = "0xnothex"}};
  auto r = c.cancel("x");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().describe().find("0xnothex"), std::string::npos);
  EXPECT_EQ(r.error().describe().find(pstest::key), std::string::npos);
}

TEST(PsAuth, EveryDocumentedCodeIsTyped) {
  const std::vector<std::pair<int, ps::auth_error>> cases = {
      {401, ps::auth_error::auth_required},          {401, ps::auth_error::api_key_bad_format},
      {401, ps::auth_error::api_key_unknown_key},    {401, ps::auth_error::api_key_bad_secret},
      {401, ps::auth_error::api_key_revoked},        {401, ps::auth_error::api_key_expired},
      {401, ps::auth_error::api_key_suspended},      {401, ps::auth_error::api_key_ip_denied},
      {401, ps::auth_error::api_key_no_associated_wallet}, {401, ps::auth_error::api_key_user_wallet_required},
      {401, ps::auth_error::api_key_user_wallet_invalid},  {403, ps::auth_error::api_key_scope_missing},
      {403, ps::auth_error::wallet_banned},
  };
  for (const auto& [status, kind] : cases) {
    fixture f;
    const std::string code(ps::to_string(kind));
    f.net.respond(status, R"({"code":")" + code + R"(","message":"no","details":null})");
    auto r = f.c.cancel("x");
    ASSERT_FALSE(r) << code;
    EXPECT_EQ(r.error().venue_code, code);
    EXPECT_EQ(r.error().code, status == 401 ? errc::unauthorized : errc::forbidden);
    EXPECT_EQ(ps::auth_error_of(r.error()), kind) << code;
  }
  fixture f;
  f.net.respond(401, R"({"code":"api_key_new_thing","message":"?","details":null})");
  auto r = f.c.cancel("x");
  ASSERT_FALSE(r);
  EXPECT_EQ(ps::auth_error_of(r.error()), ps::auth_error::other);
  EXPECT_EQ(r.error().venue_code, "api_key_new_thing");
  f.net.respond(404, R"({"code":"not_found","message":"Order not found","details":null})");
  auto nf = f.c.get_order("x");
  ASSERT_FALSE(nf);
  EXPECT_EQ(nf.error().code, errc::not_found);
  EXPECT_EQ(ps::auth_error_of(nf.error()), ps::auth_error::none);
}

// ---- cancel-batch: validation, de-duplication, encoding ------------------------------------------

TEST(PsBatch, ValidationSendsNothing) {
  fixture f;
  auto none = f.c.cancel_batch(ps::cancel_batch_request{});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, errc::too_few_items);
  auto many = f.c.cancel_batch(ps::cancel_batch_request{pstest::ids(0, 101)});
  ASSERT_FALSE(many);
  EXPECT_EQ(many.error().code, errc::too_many_items);
  EXPECT_NE(many.error().message.find("101"), std::string::npos);
  auto empty_id = f.c.cancel_batch({"a", ""});
  ASSERT_FALSE(empty_id);
  EXPECT_EQ(empty_id.error().code, errc::invalid_argument);
  EXPECT_TRUE(f.net.requests.empty());
}

TEST(PsBatch, DuplicatesAreRemovedBeforeCountingAndSending) {
  fixture f;
  // 150 ids, 100 distinct: allowed, and 100 go out in first-occurrence order.
  std::vector<std::string> v = pstest::ids(0, 100);
  for (int i = 0; i < 50; ++i) v.push_back(pstest::id(i * 2));
  f.net.respond(200, R"({"cancelled":[],"notCancelled":{}})");
  ASSERT_TRUE(f.c.cancel_batch(ps::cancel_batch_request{v}));
  ASSERT_EQ(f.net.requests.size(), 1u);
  const auto& req = f.net.requests[0];
  EXPECT_EQ(req.method, http::method::post);
  EXPECT_EQ(req.target, "/api/orders/cancel-batch");
  EXPECT_EQ(req.idempotency, http::idempotency::idempotent);
  const auto body = nlohmann::json::parse(req.body);
  ASSERT_EQ(body["orderIds"].size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(body["orderIds"][static_cast<std::size_t>(i)], pstest::id(i));
  EXPECT_EQ(body.size(), 1u);

  f.net.respond(200, R"({"cancelled":["a"],"notCancelled":{}})");
  ASSERT_TRUE(f.c.cancel_batch({"a", "a", "a"}));
  EXPECT_EQ(f.net.requests[1].body, R"({"orderIds":["a"]})");
}

TEST(PsBatch, ReasonsGoThroughTheEnumCodec) {
  // The generic codec reads and writes cancel_reason as the venue spells it; "unknown" is a value,
  // anything newer falls back to `unrecognized`.
  const std::pair<std::string_view, ps::cancel_reason> cases[] = {
      {R"("not_found")", ps::cancel_reason::not_found},
      {R"("already_terminal")", ps::cancel_reason::already_terminal},
      {R"("lock_invariant")", ps::cancel_reason::lock_invariant},
      {R"("unknown")", ps::cancel_reason::unknown},
      {R"("market_halted")", ps::cancel_reason::unrecognized},
  };
  for (const auto& [wire, want] : cases) {
    std::string body(wire);
    ps::cancel_reason got = ps::cancel_reason::not_found;
    ASSERT_TRUE(betwire::json::decode(body, got)) << wire;
    EXPECT_EQ(got, want) << wire;
    EXPECT_EQ(ps::cancel_reason_of(wire.substr(1, wire.size() - 2)), want) << wire;
  }
  std::string out;
  ASSERT_TRUE(betwire::json::encode(ps::cancel_reason::already_terminal, out));
  EXPECT_EQ(out, R"("already_terminal")");
}

TEST(PsBatch, ReasonsDecodeIncludingUnknownAndUnrecognized) {
  fixture f;
  f.net.respond(200, R"({"cancelled":["c1","c2"],"notCancelled":{"n1":"not_found","n2":"already_terminal",)"
                     R"("n3":"lock_invariant","n4":"unknown","n5":"market_halted"}})",
                {{"X-RateLimit-Limit", "5"}, {"X-RateLimit-Remaining", "4"}, {"X-RateLimit-Reset", "1790000000"}});
  auto r = f.c.cancel_batch({"c1", "c2", "n1", "n2", "n3", "n4", "n5"});
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r->cancelled, (std::vector<std::string>{"c1", "c2"}));
  ASSERT_EQ(r->not_cancelled.size(), 5u);
  EXPECT_EQ(r->reason_of("n1"), ps::cancel_reason::not_found);
  EXPECT_EQ(r->reason_of("n2"), ps::cancel_reason::already_terminal);
  EXPECT_EQ(r->reason_of("n3"), ps::cancel_reason::lock_invariant);
  EXPECT_EQ(r->reason_of("n4"), ps::cancel_reason::unknown);
  EXPECT_EQ(r->reason_of("n5"), ps::cancel_reason::unrecognized);
  EXPECT_EQ(r->not_cancelled[4].reason_text, "market_halted");
  EXPECT_EQ(r->not_cancelled[3].reason_text, "unknown");
  EXPECT_FALSE(r->reason_of("c1").has_value());
  EXPECT_TRUE(r->was_cancelled("c2"));
  EXPECT_TRUE(ps::is_retryable(ps::cancel_reason::unknown));
  EXPECT_FALSE(ps::is_retryable(ps::cancel_reason::lock_invariant));
  EXPECT_EQ(ps::to_string(ps::cancel_reason::unknown), "unknown");
  EXPECT_EQ(ps::to_string(ps::cancel_reason::unrecognized), "unrecognized");
  EXPECT_EQ(r.rate_limit().limit, 5);
  EXPECT_EQ(r.rate_limit().remaining, 4);
  EXPECT_EQ(r.rate_limit().reset, 1790000000);
  EXPECT_EQ(r.status(), 200);
}

TEST(PsBatch, MalformedAnswersAreDecodeErrors) {
  fixture f;
  f.net.respond(200, R"({"cancelled":["a"]})");  // notCancelled is required
  auto missing = f.c.cancel_batch({"a"});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().category, error_category::decode);
  f.net.respond(200, R"({"cancelled":["a"],"notCancelled":{"b":7}})");
  auto wrong = f.c.cancel_batch({"a"});
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, errc::type_mismatch);
  f.net.respond(200, R"({"cancelled":["a"],"notCancelled":{})");
  auto cut = f.c.cancel_batch({"a"});
  ASSERT_FALSE(cut);
  EXPECT_EQ(cut.error().category, error_category::decode);
}

// ---- chunks and merging ------------------------------------------------------------------------

TEST(PsChunks, PlanAndUnique) {
  EXPECT_TRUE(ps::plan_chunks(0).empty());
  EXPECT_EQ(ps::plan_chunks(100), (std::vector<ps::chunk>{{0, 0, 100}}));
  EXPECT_EQ(ps::plan_chunks(101), (std::vector<ps::chunk>{{0, 0, 100}, {1, 100, 1}}));
  EXPECT_EQ(ps::plan_chunks(250), (std::vector<ps::chunk>{{0, 0, 100}, {1, 100, 100}, {2, 200, 50}}));
  std::vector<std::string> v = {"b", "a", "b", "c", "a"};
  auto u = ps::unique_ids(std::span<const std::string>(v));
  EXPECT_EQ(u, (std::vector<std::string_view>{"b", "a", "c"}));
  // The hashed path for long lists keeps first-occurrence order too.
  std::vector<std::string> big = pstest::ids(0, 300);
  big.insert(big.begin() + 5, pstest::id(299));
  auto ub = ps::unique_ids(std::span<const std::string>(big));
  ASSERT_EQ(ub.size(), 300u);
  EXPECT_EQ(ub[5], pstest::id(299));
  EXPECT_EQ(ub[6], pstest::id(5));
}

TEST(PsChunks, TwoHundredFiftyIdsGoOutAsThreeRequestsAndMerge) {
  fixture f;
  const std::vector<std::string> v = pstest::ids(0, 250);
  // Script the three answers after seeing what will be sent: chunk k holds ids [100k, 100k+100).
  auto body_of = [&](int first, int n) {
    nlohmann::json j = {{"orderIds", nlohmann::json::array()}};
    for (int i = first; i < first + n; ++i) j["orderIds"].push_back(pstest::id(i));
    return j.dump();
  };
  f.net.respond(200, pstest::answer_for(body_of(0, 100), {{pstest::id(7), "already_terminal"}}));
  f.net.respond(200, pstest::answer_for(body_of(100, 100), {{pstest::id(150), "lock_invariant"}}));
  f.net.respond(200, pstest::answer_for(body_of(200, 50), {{pstest::id(249), "unknown"}}),
                {{"X-RateLimit-Remaining", "2"}});
  auto r = f.c.cancel_batch_all(v);
  ASSERT_TRUE(r.ok()) << r.failure->error;
  EXPECT_EQ(f.net.requests.size(), 3u);
  EXPECT_EQ(r.chunks, 3u);
  EXPECT_EQ(r.chunks_succeeded, 3u);
  EXPECT_EQ(r.requests, 3u);
  EXPECT_EQ(r.unique_ids, 250u);
  EXPECT_EQ(nlohmann::json::parse(f.net.requests[2].body)["orderIds"].size(), 50u);
  EXPECT_EQ(r.merged.cancelled.size(), 247u);
  ASSERT_EQ(r.merged.not_cancelled.size(), 3u);
  EXPECT_EQ(r.merged.reason_of(pstest::id(7)), ps::cancel_reason::already_terminal);
  EXPECT_EQ(r.merged.reason_of(pstest::id(150)), ps::cancel_reason::lock_invariant);
  EXPECT_EQ(r.merged.reason_of(pstest::id(249)), ps::cancel_reason::unknown);
  EXPECT_EQ(r.merged.cancelled.front(), pstest::id(0));
  EXPECT_EQ(r.merged.cancelled.back(), pstest::id(248));
  EXPECT_EQ(r.last.rate_limit.remaining, 2);
  EXPECT_TRUE(r.unprocessed.empty());
}

TEST(PsChunks, AFailedMiddleChunkNeverStopsTheOthers) {
  fixture f;
  std::vector<std::string> v = pstest::ids(0, 250);
  v.push_back(pstest::id(3));  // a duplicate across chunks: removed before planning
  auto body_of = [&](int first, int n) {
    nlohmann::json j = {{"orderIds", nlohmann::json::array()}};
    for (int i = first; i < first + n; ++i) j["orderIds"].push_back(pstest::id(i));
    return j.dump();
  };
  f.net.respond(200, pstest::answer_for(body_of(0, 100), {{pstest::id(7), "already_terminal"}}));
  f.net.respond(503, R"({"code":"unavailable","message":"try later","details":null})");
  f.net.respond(200, pstest::answer_for(body_of(200, 50)), {{"X-RateLimit-Remaining", "3"}});
  auto r = f.c.cancel_batch_all(v);
  ASSERT_FALSE(r.ok());
  // The chunk after the failed one was sent all the same, with its own ids.
  ASSERT_EQ(f.net.requests.size(), 3u);
  EXPECT_EQ(nlohmann::json::parse(f.net.requests[2].body), nlohmann::json::parse(body_of(200, 50)));
  EXPECT_EQ(r.chunks, 3u);
  EXPECT_EQ(r.requests, 3u);
  ASSERT_TRUE(r.failure.has_value());
  EXPECT_EQ(r.failure->index, 1u);
  EXPECT_EQ(r.failure->first, 100u);
  EXPECT_EQ(r.failure->count, 100u);
  EXPECT_EQ(r.failure->first_id, pstest::id(100));
  EXPECT_EQ(r.failure->last_id, pstest::id(199));
  EXPECT_EQ(r.failure->error.code, errc::server_error);
  EXPECT_EQ(r.failure->error.venue_code, "unavailable");
  EXPECT_EQ(r.failure->info.status, 503);
  EXPECT_EQ(r.chunks_succeeded, 2u);
  // Chunks 0 and 2 merged; the failed chunk's ids, and only those, are to be sent again.
  EXPECT_EQ(r.merged.cancelled.size(), 149u);
  EXPECT_EQ(r.merged.cancelled.front(), pstest::id(0));
  EXPECT_EQ(r.merged.cancelled.back(), pstest::id(249));
  ASSERT_EQ(r.merged.not_cancelled.size(), 1u);
  EXPECT_EQ(r.merged.reason_of(pstest::id(7)), ps::cancel_reason::already_terminal);
  EXPECT_EQ(r.merged.not_cancelled[0].reason_text, "already_terminal");
  EXPECT_EQ(r.unprocessed, pstest::ids(100, 100));
  EXPECT_EQ(r.last.status, 200);
  EXPECT_EQ(r.last.rate_limit.remaining, 3);
  // The ledger, id by id and chunk by chunk.
  const auto& L = r.ledger;
  ASSERT_EQ(L.items().size(), 250u);
  EXPECT_EQ(L.tally().cancelled, 149u);
  EXPECT_EQ(L.tally().not_cancelled, 1u);
  EXPECT_EQ(L.tally().failed, 100u);
  EXPECT_EQ(L.tally().not_sent, 0u);
  EXPECT_EQ(L.items()[7].state, betwire::http::cancel_state::not_cancelled);
  EXPECT_EQ(L.items()[7].reason, "already_terminal");
  EXPECT_EQ(L.items()[150].state, betwire::http::cancel_state::failed);
  ASSERT_TRUE(L.items()[150].error.has_value());
  EXPECT_EQ(L.items()[150].error->code, errc::server_error);
  EXPECT_EQ(L.items()[249].state, betwire::http::cancel_state::cancelled);
  ASSERT_EQ(L.requests().size(), 3u);
  EXPECT_EQ(L.requests()[0].state, betwire::http::request_state::answered);
  EXPECT_EQ(L.requests()[1].state, betwire::http::request_state::failed);
  EXPECT_EQ(L.requests()[1].info.status, 503);
  EXPECT_EQ(L.requests()[2].state, betwire::http::request_state::answered);

  // Sending the unprocessed ids again finishes the job without re-cancelling anything.
  fixture again;
  again.net.respond(200, pstest::answer_for(body_of(100, 100)));
  auto resumed = again.c.cancel_batch_all(r.unprocessed);
  ASSERT_TRUE(resumed.ok()) << resumed.failure->error;
  ASSERT_EQ(again.net.requests.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(again.net.requests[0].body), nlohmann::json::parse(body_of(100, 100)));
  EXPECT_EQ(resumed.merged.cancelled.size(), 100u);

  // An answer that leaves an id out: that id is not decided, so it is to be sent again.
  fixture gap;
  gap.net.respond(200, R"({"cancelled":[")" + pstest::id(0) + R"("],"notCancelled":{}})");
  auto partial = gap.c.cancel_batch_all(pstest::ids(0, 2));
  EXPECT_FALSE(partial.ok());
  EXPECT_FALSE(partial.failure.has_value());
  EXPECT_EQ(partial.chunks_succeeded, 1u);
  EXPECT_EQ(partial.unprocessed, (std::vector<std::string>{pstest::id(1)}));

  // A refused key (401/403) stops the operation: the chunks after it are not sent.
  fixture g;
  g.net.respond(401, R"({"code":"api_key_revoked","message":"revoked","details":null})");
  auto first = g.c.cancel_batch_all(pstest::ids(0, 150));
  ASSERT_FALSE(first);
  EXPECT_EQ(first.failure->index, 0u);
  EXPECT_EQ(ps::auth_error_of(first.failure->error), ps::auth_error::api_key_revoked);
  EXPECT_EQ(g.net.requests.size(), 1u);
  EXPECT_EQ(first.unprocessed.size(), 150u);
  EXPECT_EQ(first.ledger.requests()[0].state, betwire::http::request_state::failed);
  EXPECT_EQ(first.ledger.requests()[1].state, betwire::http::request_state::not_sent);
  EXPECT_EQ(first.ledger.tally().not_sent, 50u);
  EXPECT_EQ(first.ledger.tally().failed, 100u);

  fixture h;
  auto empty = h.c.cancel_batch_all(std::vector<std::string>{});
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.failure->error.code, errc::too_few_items);
  EXPECT_TRUE(h.net.requests.empty());
}

TEST(PsChunks, MergeIntoAppends) {
  ps::cancel_batch_response into;
  ps::cancel_batch_response_view part;
  part.cancelled = {"a"};
  part.not_cancelled = {{"b", ps::cancel_reason::unknown, "unknown"}};
  ps::merge_into(into, part);
  part.cancelled = {"c"};
  part.not_cancelled = {{"d", ps::cancel_reason::unrecognized, "zzz"}};
  ps::merge_into(into, part);
  EXPECT_EQ(into.cancelled, (std::vector<std::string>{"a", "c"}));
  ASSERT_EQ(into.not_cancelled.size(), 2u);
  EXPECT_EQ(into.not_cancelled[1].reason_text, "zzz");
  EXPECT_EQ(into.not_cancelled[0].reason, ps::cancel_reason::unknown);
}

// ---- retries: cancels are idempotent -----------------------------------------------------------

TEST(PsRetry, CancelBatchHonoursRetryAfterOn429) {
  fixture f;
  fake_clock clock;
  f.c.set_clock(clock.clock());
  f.c.set_retry_policy({.enabled = true, .max_attempts = 3, .initial_backoff = std::chrono::milliseconds(10)});
  f.net.respond(429, R"({"code":"rate_limited","message":"slow down","details":null})",
                {{"Retry-After", "2"}, {"X-RateLimit-Remaining", "0"}});
  f.net.respond(200, R"({"cancelled":["a"],"notCancelled":{}})", {{"X-RateLimit-Remaining", "4"}});
  auto r = f.c.cancel_batch({"a"});
  ASSERT_TRUE(r) << r.error();
  EXPECT_EQ(r.attempts(), 2u);
  ASSERT_EQ(clock.sleeps.size(), 1u);
  EXPECT_GE(clock.sleeps[0], std::chrono::milliseconds(2000));
  EXPECT_EQ(r.rate_limit().remaining, 4);
  EXPECT_EQ(f.net.requests[0].body, f.net.requests[1].body);

  // The single cancel and cancel-all are retried too.
  f.net.respond(429, R"({"code":"rate_limited","message":"x","details":null})", {{"Retry-After", "1"}});
  f.net.respond(200, R"({"orderId":"a","status":"cancelled","unfilledQty":"1.5"})");
  auto one = f.c.cancel("a");
  ASSERT_TRUE(one) << one.error();
  EXPECT_EQ(one.attempts(), 2u);
  f.net.respond(503, R"({"code":"unavailable","message":"x","details":null})");
  f.net.respond(200, R"({"cancelled":[],"notCancelled":{},"marketId":null})");
  auto all = f.c.cancel_all();
  ASSERT_TRUE(all) << all.error();
  EXPECT_EQ(all.attempts(), 2u);
}

TEST(PsRetry, WithoutAPolicyA429IsReturnedWithItsRetryAfter) {
  fixture f;
  f.net.respond(429, R"({"code":"rate_limited","message":"slow down","details":null})",
                {{"Retry-After", "3"}, {"X-RateLimit-Limit", "5"}, {"X-RateLimit-Remaining", "0"}});
  auto r = f.c.cancel_batch({"a"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::rate_limited);
  EXPECT_EQ(r.error().venue_code, "rate_limited");
  EXPECT_EQ(r.retry_after(), std::chrono::seconds(3));
  EXPECT_EQ(r.rate_limit().remaining, 0);
  EXPECT_EQ(r.rate_limit().limit, 5);
}

// ---- single cancel, cancel-all -------------------------------------------------------------------

TEST(PsCancel, BothRevisions) {
  fixture f;
  f.net.respond(200, R"({"orderId":"o1","status":"cancelled","unfilledQty":"12.50"})");
  f.net.respond(200, R"({"orderId":"o2","status":"not_found","unfilledQty":"0"})");
  f.net.respond(200, R"({"orderId":"o3","status":"CANCELLED","remainingQty":"0.000001"})");
  f.net.respond(200, R"({"orderId":"o4","status":"pending_cancel","unfilledQty":"1"})");
  f.net.respond(200, R"({"orderId":"o5","status":"cancelled"})");
  auto a = f.c.cancel("o1");
  ASSERT_TRUE(a) << a.error();
  EXPECT_EQ(f.net.requests[0].body, R"({"orderId":"o1"})");
  EXPECT_EQ(f.net.requests[0].target, "/api/orders/cancel");
  EXPECT_EQ(a->status, ps::cancel_status::cancelled);
  EXPECT_EQ(a->unfilled_qty.text(), "12.50");
  EXPECT_FALSE(a->legacy_form);
  auto b = f.c.cancel("o2");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->status, ps::cancel_status::not_found);
  auto c = f.c.cancel("o3");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->status, ps::cancel_status::cancelled);
  EXPECT_EQ(c->unfilled_qty.text(), "0.000001");
  EXPECT_TRUE(c->legacy_form);
  auto d = f.c.cancel("o4");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->status, ps::cancel_status::unrecognized);
  EXPECT_EQ(d->status_text, "pending_cancel");
  auto e = f.c.cancel("o5");  // no quantity at all: optional (wire-notes.md), reads as 0
  ASSERT_TRUE(e) << e.error();
  EXPECT_EQ(e->unfilled_qty.text(), "0");
  auto empty = f.c.cancel("");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, errc::invalid_argument);
}

TEST(PsCancelAll, BodyAndBothForms) {
  fixture f;
  f.net.respond(200, R"({"cancelled":["a","b"],"notCancelled":{"c":"lock_invariant"},"marketId":null})");
  auto r = f.c.cancel_all();
  ASSERT_TRUE(r) << r.error();
  EXPECT_TRUE(f.net.requests[0].body.empty());
  EXPECT_EQ(f.net.requests[0].target, "/api/orders/cancel-all");
  EXPECT_TRUE(r->ids_known);
  EXPECT_EQ(r->cancelled_count, 2);
  EXPECT_EQ(r->cancelled, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(r->not_cancelled.size(), 1u);
  EXPECT_EQ(r->not_cancelled[0].reason, ps::cancel_reason::lock_invariant);
  EXPECT_FALSE(r->market_id.has_value());

  f.net.respond(200, R"({"cancelled":7,"notCancelled":{},"marketId":"mkt-1"})");
  auto legacy = f.c.cancel_all({.market_id = "mkt-1", .side = ps::side::sell, .outcome = 1});
  ASSERT_TRUE(legacy) << legacy.error();
  EXPECT_EQ(nlohmann::json::parse(f.net.requests[1].body),
            nlohmann::json::parse(R"({"marketId":"mkt-1","side":"sell","outcome":"1"})"));
  EXPECT_FALSE(legacy->ids_known);
  EXPECT_EQ(legacy->cancelled_count, 7);
  EXPECT_TRUE(legacy->cancelled.empty());
  EXPECT_EQ(legacy->market_id, "mkt-1");

  f.net.respond(200, R"({"cancelled":"7","notCancelled":{}})");
  auto bad = f.c.cancel_all();
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, errc::type_mismatch);
  EXPECT_EQ(bad.error().path, "cancelled");
  f.net.respond(200, R"({"cancelled":["a",1],"notCancelled":{}})");
  auto bad2 = f.c.cancel_all();
  ASSERT_FALSE(bad2);
  EXPECT_EQ(bad2.error().category, error_category::decode);
  // Positions count in the body as sent, though a key's "\n" escape before `cancelled` was decoded
  // in place first.
  const std::string sent = "{\"no\\nte\":\"b\",\n\"cancelled\":[\"a\",\n1],\"notCancelled\":{}}";
  std::string body = sent;
  ps::cancel_all_response decoded;
  auto placed = ps::decode_cancel_all(body, decoded);
  ASSERT_FALSE(placed);
  EXPECT_EQ(placed.error().path, "cancelled[1]");
  EXPECT_EQ(placed.error().offset, sent.rfind('1'));
  EXPECT_EQ(placed.error().line, 3u);
  EXPECT_EQ(placed.error().column, 1u);

  auto v = f.c.cancel_all({.market_id = ""});
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, errc::invalid_argument);
  EXPECT_EQ(f.net.requests.size(), 4u);
}

// ---- reads ----------------------------------------------------------------------------------------

TEST(PsReads, OpenOrdersQueryLimitsAndDecimals) {
  fixture f;
  auto low = f.c.open_orders({.limit = 0});
  ASSERT_FALSE(low);
  EXPECT_EQ(low.error().code, errc::out_of_range);
  auto high = f.c.open_orders({.limit = 501});
  ASSERT_FALSE(high);
  EXPECT_EQ(high.error().code, errc::out_of_range);
  auto h = f.c.history({.limit = 201});
  ASSERT_FALSE(h);
  EXPECT_EQ(h.error().code, errc::out_of_range);
  EXPECT_TRUE(f.net.requests.empty());

  f.net.respond(200, R"({"walletAddress":"0xa","orders":[)" + pstest::order_json("o1") + R"(],"nextCursor":"s5"})");
  auto p = f.c.open_orders({.market_id = "m&x=1", .side = ps::side::buy, .outcome = 0, .limit = 500});
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(f.net.requests[0].target, "/api/orders/open?marketId=m%26x%3D1&side=buy&outcome=0&limit=500");
  ASSERT_EQ(p->orders.size(), 1u);
  const auto& o = p->orders[0];
  EXPECT_EQ(o.price.text(), "0.550000");
  EXPECT_EQ(o.quantity.text(), "120.50");
  EXPECT_EQ(o.side, ps::side::buy);
  EXPECT_EQ(o.outcome, 0);
  EXPECT_EQ(o.status, ps::order_status::open);
  EXPECT_FALSE(o.expiry.has_value());
  EXPECT_FALSE(o.client_order_id.has_value());
  EXPECT_EQ(p->next_cursor, "s5");
  // Decimals are written back as the strings they came as.
  auto again = betwire::json::encode(o);
  ASSERT_TRUE(again);
  EXPECT_NE(again->find(R"("price":"0.550000")"), std::string::npos);

  f.net.respond(200, R"({"walletAddress":"0xa","orders":[]})");
  auto hist = f.c.history({.market_id = "m",
                           .status = {ps::order_status::filled, ps::order_status::settlement_failed},
                           .limit = 200});
  ASSERT_TRUE(hist) << hist.error();
  EXPECT_EQ(f.net.requests[1].target, "/api/orders/history?marketId=m&status=FILLED,SETTLEMENT_FAILED&limit=200");
  EXPECT_FALSE(hist->next_cursor.has_value());
}

TEST(PsReads, PagesFollowTheCursorAndStop) {
  fixture f;
  f.net.respond(200, R"({"walletAddress":"0xa","orders":[)" + pstest::order_json("o1") + "," +
                         pstest::order_json("o2") + R"(],"nextCursor":"s9"})");
  f.net.respond(200, R"({"walletAddress":"0xa","orders":[)" + pstest::order_json("o3") + R"(],"nextCursor":null})");
  std::vector<std::string> seen;
  auto pages = f.c.open_orders_pages({.limit = 2});
  for (auto&& p : pages) {
    ASSERT_TRUE(p) << p.error();
    for (const auto& o : p->orders) seen.emplace_back(o.id);
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"o1", "o2", "o3"}));
  EXPECT_EQ(pages.pages(), 2u);
  ASSERT_EQ(f.net.requests.size(), 2u);
  EXPECT_EQ(f.net.requests[1].target, "/api/orders/open?limit=2&cursor=s9");

  // A repeated cursor ends the loop with an error instead of looping for ever.
  f.net.respond(200, R"({"walletAddress":"0xa","orders":[],"nextCursor":"s1"})");
  f.net.respond(200, R"({"walletAddress":"0xa","orders":[],"nextCursor":"s1"})");
  std::size_t n = 0;
  bool failed = false;
  for (auto&& p : f.c.open_orders_pages<ps::orders_page>()) {
    ++n;
    if (!p) {
      failed = true;
      EXPECT_EQ(p.error().code, errc::invalid_value);
    }
  }
  EXPECT_TRUE(failed);
  EXPECT_EQ(n, 3u);
}

TEST(PsReads, OrderAndFills) {
  fixture f;
  f.net.respond(200, pstest::order_json("ab/c"));
  auto o = f.c.get_order("ab/c");
  ASSERT_TRUE(o) << o.error();
  EXPECT_EQ(f.net.requests[0].target, "/api/orders/ab%2Fc");
  EXPECT_EQ(o->id, "ab/c");
  f.net.respond(200, R"({"orderId":"x","trades":[{"id":"t1","orderId":"x","userWallet":"0xa","vault":"0xv",)"
                     R"("marketId":"m","price":"0.42","quantity":"10.00","fee":"0.08","side":"SELL","status":"SETTLED",)"
                     R"("txHash":"0xdead","createdAt":"2026-02-07T16:20:00.400Z"}]})");
  auto fl = f.c.get_fills("x");
  ASSERT_TRUE(fl) << fl.error();
  EXPECT_EQ(f.net.requests[1].target, "/api/orders/x/fills");
  ASSERT_EQ(fl->trades.size(), 1u);
  EXPECT_EQ(fl->trades[0].fee.text(), "0.08");
  EXPECT_EQ(fl->trades[0].side, ps::side::sell);
  EXPECT_EQ(fl->trades[0].tx_hash, "0xdead");
  auto empty = f.c.get_order("");
  ASSERT_FALSE(empty);
  EXPECT_EQ(f.net.requests.size(), 2u);
}

// ---- allocation ---------------------------------------------------------------------------------

TEST(PsAllocations, WarmBatchCancelAndPagesIntoViewsAllocateNothing) {
  ASSERT_TRUE(betwire_test::counting_enabled);
  const ps::cancel_batch_request req{pstest::ids(0, 100)};
  std::vector<std::string> bodies = {
      pstest::answer_for(nlohmann::json({{"orderIds", req.order_ids}}).dump(),
                         {{pstest::id(1), "lock_invariant"}, {pstest::id(2), "unknown"}})};
  replay_transport net{&bodies};
  ps::client<replay_transport> c{net, {.api_key = betwire::secret(pstest::key), .wallet = pstest::wallet_mixed}};
  ps::cancel_batch_response_view out;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(c.cancel_batch(req, out));
  const std::size_t calls = betwire_test::count_allocations([&] {
    for (int i = 0; i < 20; ++i)
      if (!c.cancel_batch(req, out)) std::abort();
  });
  EXPECT_EQ(calls, 0u);
  EXPECT_EQ(out.cancelled.size(), 98u);
  EXPECT_EQ(out.reason_of(pstest::id(2)), ps::cancel_reason::unknown);

  std::string page = R"({"walletAddress":"0xa","orders":[)";
  for (int i = 0; i < 50; ++i) page += (i ? "," : "") + pstest::order_json(pstest::id(i));
  page += R"(],"nextCursor":null})";
  bodies = {page};
  net.next = 0;
  ps::orders_page_view view;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(c.open_orders({.limit = 50}, view));
  const ps::open_orders_query q{.limit = 50};
  const std::size_t reads = betwire_test::count_allocations([&] {
    for (int i = 0; i < 20; ++i)
      if (!c.open_orders(q, view)) std::abort();
  });
  EXPECT_EQ(reads, 0u);
  EXPECT_EQ(view.orders.size(), 50u);

  // A single cancel by a 36-character id, and an order read, into views.
  bodies = {R"({"orderId":")" + pstest::id(1) + R"(","status":"cancelled","unfilledQty":"12.50"})"};
  ps::cancel_response_view one;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(c.cancel(pstest::id(1), one));
  const std::string oid = pstest::id(1);
  const std::size_t cancels = betwire_test::count_allocations([&] {
    for (int i = 0; i < 20; ++i)
      if (!c.cancel(oid, one)) std::abort();
  });
  EXPECT_EQ(cancels, 0u);
  EXPECT_EQ(one.unfilled_qty.text(), "12.50");
  bodies = {pstest::order_json(oid)};
  ps::order_view ov;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(c.get_order(oid, ov));
  const std::size_t order_reads = betwire_test::count_allocations([&] {
    for (int i = 0; i < 20; ++i)
      if (!c.get_order(oid, ov)) std::abort();
  });
  EXPECT_EQ(order_reads, 0u);
  EXPECT_EQ(ov.id, oid);
}

// The venue's spellings (wire-notes.md): side "buy"/"sell" in any case, written lower case; outcome
// an outcome index sent as a string. Before, side was read and written "BUY"/"SELL" only (every
// venue order decoded as side unknown) and outcome was a YES/NO enum.
TEST(PsFidelity, SideInAnyCaseAndOutcomeIndex) {
  for (const char* spelled : {"buy", "BUY", "Buy"}) {
    std::string o = pstest::order_json("o1");
    const auto at = o.find(R"("side":"buy")");
    ASSERT_NE(at, std::string::npos);
    o.replace(at, 12, std::string(R"("side":")") + spelled + "\"");
    ps::order_view v;
    ASSERT_TRUE(betwire::json::decode(o, v)) << spelled;
    EXPECT_EQ(v.side, ps::side::buy) << spelled;
  }
  std::string sells = pstest::order_json("o2");
  sells.replace(sells.find(R"("side":"buy","outcome":"0")"), 26, R"("side":"sell","outcome":"17")");
  ps::order so;
  ASSERT_TRUE(betwire::json::decode(sells, so));
  EXPECT_EQ(so.side, ps::side::sell);
  EXPECT_EQ(so.outcome, 17);
  // A bare integer is read too; a string that is no index is a type mismatch at its path.
  std::string bare = pstest::order_json("o3");
  bare.replace(bare.find(R"("outcome":"0")"), 13, R"("outcome":2)");
  ASSERT_TRUE(betwire::json::decode(bare, so));
  EXPECT_EQ(so.outcome, 2);
  std::string word = pstest::order_json("o4");
  word.replace(word.find(R"("outcome":"0")"), 13, R"("outcome":"YES")");
  auto r = betwire::json::decode(word, so);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, errc::type_mismatch);
  EXPECT_EQ(r.error().path, "outcome");
  // Written as the venue spells it, and a negative index never leaves.
  std::string out;
  ASSERT_TRUE(betwire::json::encode(ps::cancel_all_request{.side = ps::side::sell, .outcome = 3}, out));
  const auto j = nlohmann::json::parse(out);
  EXPECT_EQ(j["side"], "sell") << out;
  EXPECT_EQ(j["outcome"], "3") << out;
  fixture f;
  auto neg = f.c.cancel_all({.outcome = -1});
  ASSERT_FALSE(neg);
  EXPECT_EQ(neg.error().code, errc::invalid_argument);
  EXPECT_TRUE(f.net.requests.empty());
}
