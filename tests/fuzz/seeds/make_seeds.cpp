// Writes the seed corpora of tests/fuzz/corpus/ (run once by hand; the output is checked in):
//   c++ -std=c++20 -Iinclude tests/fuzz/seeds/make_seeds.cpp -o /tmp/make_seeds && /tmp/make_seeds tests/fuzz/corpus
// Every venue response type is filled (one element per array, every optional present) and
// encoded with betwire's writer, so each seed is a complete document of its schema; error bodies
// and the other targets' seeds are written out by hand.
#include <betwire/betwire.hpp>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <type_traits>

namespace fs = std::filesystem;
using namespace betwire;

template <class T>
void fill(T& v) {
  // PredictStreet's values as its pages spell them: side "buy", outcome an index ("1"), status OPEN.
  if constexpr (std::is_same_v<T, predictstreet::side>) {
    v = predictstreet::side::buy;
  } else if constexpr (std::is_same_v<T, predictstreet::outcome_index>) {
    v = 1;
  } else if constexpr (std::is_same_v<T, predictstreet::order_status>) {
    v = predictstreet::order_status::open;
  } else if constexpr (json::detail::is_optional_v<T>) {
    v.emplace();
    fill(*v);
  } else if constexpr (json::detail::is_vector_v<T>) {
    v.emplace_back();
    fill(v.back());
  } else if constexpr (std::is_same_v<T, std::string>) {
    v = "s-1";
  } else if constexpr (std::is_same_v<T, decimal>) {
    v = decimal::parse("1.95").value();
  } else if constexpr (std::is_same_v<T, timestamp>) {
    v = timestamp::parse("2026-02-07T16:15:53.270816+00:00").value();
  } else if constexpr (std::is_integral_v<T> && !std::is_same_v<T, bool>) {
    v = 42;
  } else if constexpr (reflect::reflectable<T> && !json::detail::is_raw_v<T>) {
    reflect::for_each_field(v, [](auto& f, auto) { fill(f); });
  }
}

void write(const fs::path& dir, const std::string& name, std::uint8_t selector, const std::string& body) {
  fs::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary);
  if (selector != 0xFF) out.put(static_cast<char>(selector));
  out << body;
}

// `text` with every `from` replaced by `to`.
std::string replaced(std::string text, std::string_view from, std::string_view to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

template <template <class> class E>
std::string filled() {
  typename E<std::string>::response_type v{};
  fill(v);
  std::string out;
  (void)json::encode(v, out);
  return out;
}

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  const fs::path root = argv[1];
  // Selector bytes: low bits pick the endpoint, high nibble the status (0x00 = 200, 0x40 = 400,
  // 0x60 = 404, 0x90 = 429, 0xA0 = 500; see tests/fuzz/targets/common.hpp).
  const fs::path abp_dir = root / "abp";
  write(abp_dir, "orders", 0, filled<abp::endpoints::get_orders>());
  write(abp_dir, "cancel", 1, filled<abp::endpoints::cancel_orders>());
  write(abp_dir, "place", 2, filled<abp::endpoints::place_orders>());
  write(abp_dir, "bets", 3, filled<abp::endpoints::get_bets>());
  write(abp_dir, "bet", 4, filled<abp::endpoints::get_bet>());
  write(abp_dir, "err_400", 0x40, R"({"error":"Invalid request","detail":[{"loc":["body","orders",0],"msg":"field required","type":"value_error"}]})");
  write(abp_dir, "err_401", 0x50, R"({"error":"Unauthorized","detail":"api key bad format"})");
  write(abp_dir, "err_404", 0x60, R"({"detail":"No orders found"})");
  write(abp_dir, "err_429", 0x90, R"({"error":"Rate limit exceeded"})");
  write(abp_dir, "err_html", 0xB0, "<html><body><h1>502 Bad Gateway</h1></body></html>");

  const fs::path ps = root / "predictstreet";
  write(ps, "batch", 0, filled<predictstreet::endpoints::cancel_batch>());
  write(ps, "cancel", 1, filled<predictstreet::endpoints::cancel>());
  // The answers as the venue's pages show them (the filled ones are betwire's own types encoded).
  write(ps, "cancel_wire", 1, R"({"orderId":"ord_1","status":"cancelled","unfilledQty":"10.5"})");
  write(ps, "cancel_not_found", 1, R"({"orderId":"ord_9","status":"not_found"})");
  write(ps, "cancel_all_ids", 2, R"({"cancelled":["a","b"],"notCancelled":{"c":"already_terminal"},"marketId":"m1"})");
  write(ps, "cancel_all_count", 2, R"({"cancelled":3,"notCancelled":{},"marketId":null})");
  write(ps, "open", 3, filled<predictstreet::endpoints::open_orders>());
  write(ps, "history", 4, filled<predictstreet::endpoints::history>());
  write(ps, "order", 5, filled<predictstreet::endpoints::get_order>());
  write(ps, "fills", 6, filled<predictstreet::endpoints::get_fills>());
  // Input is case-insensitive for side (the cancelling page): upper and mixed case, and an outcome
  // index as a bare integer, read too.
  write(ps, "open_upper", 3,
        replaced(replaced(filled<predictstreet::endpoints::open_orders>(), R"("side":"buy")", R"("side":"SELL")"),
                 R"("outcome":"1")", R"("outcome":0)"));
  write(ps, "order_mixed", 5,
        replaced(filled<predictstreet::endpoints::get_order>(), R"("side":"buy")", R"("side":"Buy")"));
  write(ps, "fills_upper", 6,
        replaced(filled<predictstreet::endpoints::get_fills>(), R"("side":"buy")", R"("side":"SELL")"));
  write(ps, "err_404", 0x60 | 5, R"({"code":"not_found","message":"Order not found","details":null})");
  write(ps, "err_429", 0x90, R"({"code":"rate_limited","message":"slow down","details":{"retryAfter":3}})");

  const fs::path op = root / "opinion";
  write(op, "orders", 0, R"({"errno":0,"errmsg":"","result":)" + filled<opinion::endpoints::get_orders>() + "}");
  write(op, "order", 1, R"({"code":0,"msg":"ok","result":)" + filled<opinion::endpoints::get_order>() + "}");
  write(op, "cancel", 2, R"({"errno":0,"errmsg":"","result":{"result":true}})");
  write(op, "venue_error", 0, R"({"errno":10404,"errmsg":"order not found","result":null})");
  write(op, "err_401", 0x50, R"({"errno":401,"errmsg":"invalid apikey","result":null})");

  const fs::path js = root / "json";
  write(js, "doc", 0xFF, R"({"i":-9223372036854775808,"u":4294967295,"d":1.7976931348623157e308,"f":3.4028235e38,"flag":true,"s":"a\u00e9\n\ud83d\ude00","dec":"1.95","ts":"2026-02-07T16:15:53.270816+00:00","leaf":{"a":1,"b":[1e3,-0.0,5e-324],"s":"x","side":"buy"},"leaves":[{"b":[],"s":""}],"meta":{"k":[null,true,false,{}]},"counts":{"a":1,"b":2},"pair":[1,-2],"names":{"x":"y"},"strict":"two","notes":[null,"n"]})");
  write(js, "unix_ts", 0xFF, R"({"i":0,"u":0,"d":0,"f":0,"flag":false,"s":"","dec":1e-7,"ts":1754159400,"leaves":[],"meta":null,"counts":{},"pair":[0,0],"names":{},"notes":[]})");
  write(js, "nested", 0xFF, R"([[[[[[[[{"a":[1,2,{"b":"\\\/\b\f\n\r\t"}]}]]]]]]]])");

  const fs::path sc = root / "scalars";
  write(sc, "decimal", 0, "-123456789012345678e-10000");
  write(sc, "decimal_str", 4, "0.55");
  write(sc, "ts", 1, "2026-02-07T16:15:53.270816+00:00");
  write(sc, "ts_leap", 5, "2016-12-31T23:59:60.5Z");
  write(sc, "uuid", 2, "ee9f4007-e5ab-4085-bffb-8d938e4cad5f");
  write(sc, "double", 3, "9007199254740993.0001");
  write(sc, "double_mid", 7, "2.4703282292062327208828439643411068618252990130716238221279284125033775363510437593264991818081799618989828234772285886546332835517796989819938739800539093906315035659515570226392290858392449105184435931802849936536152500319370457678249219365623669863658480757001585769269903706311928279558551332927834338409351978015531246597263579574622766465272827220056374006485499977096599470454020828166226237857393450736339007967761930577506740176324673600968951340535537458516661134223766678604162159680461914467291840300530057530849048765391711386591646239524912623653881879636239373280423891018672348497668235089863388587925628302755995657524455507255189313690836254779186948667994968324049705821028513185451396213837722826145437693412532098591327667236328125e-324");
  write(sc, "float_max", 3, "3.4028235677973366e38");

  const fs::path hd = root / "headers";
  write(hd, "block", 0xFF, "HTTP/1.1 429 Too Many Requests\nRetry-After: 3\nX-RateLimit-Limit: 120\nX-RateLimit-Remaining: 0\nX-RateLimit-Reset: 1754159400\nContent-Type: application/json; charset=utf-8");
  write(hd, "date", 0xFF, "HTTP/1.1 503 Service Unavailable\nRetry-After: Sun, 06 Nov 1994 08:49:37 GMT\nretry-after: Fri, 31 Dec 9999 23:59:59 GMT");
  write(hd, "huge", 0xFF, "Retry-After: 44400000000000000\nX-RateLimit-Reset: 9223372036854775808");
  return 0;
}
