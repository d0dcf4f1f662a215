// A betwire transport that is not libcurl: cpp-httplib's blocking client, in about twenty lines,
// driving betwire's generic client core against the venue simulator (ABP v2).
//
//   custom_transport [--base-url http://127.0.0.1:PORT/abp]
//
// Without --base-url it starts the simulator this build made (BETWIRE_SIMULATOR_PATH) on a free
// loopback port, and stops it at the end. The ABP key is read from ABP_API_KEY (the simulator's
// test key by default).

#include <betwire/betwire.hpp>
#include <betwire/http/client.hpp>
#include <betwire/abp/errors.hpp>
#include <betwire/predictstreet/errors.hpp>

#include <httplib.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// ---- the transport ---------------------------------------------------------------------------------
// The contract (docs/http.md): append the target to the base URL's path, send the headers and body
// as given, fill status, headers and body, and report only failures to get a response as errors.
class httplib_transport {
 public:
  // `origin` is scheme://host:port, `base_path` the base URL's path ("/abp").
  httplib_transport(const std::string& origin, std::string base_path)
      : client_(origin), base_path_(std::move(base_path)) {
    client_.set_keep_alive(true);
    client_.set_url_encode(false);  // betwire's target is already percent-encoded
    client_.set_read_timeout(10, 0);
  }

  betwire::result<void> send(const betwire::http::request& req, betwire::http::response& resp) {
    namespace http = betwire::http;
    resp.clear();
    path_.assign(base_path_).append(req.target);
    httplib::Headers headers;
    std::string content_type = "application/json";
    for (const http::header& h : req.headers()) {
      if (http::iequals(h.name, "content-type")) content_type = std::string(h.value);
      else headers.emplace(std::string(h.name), std::string(h.value));
    }
    const std::string body(req.body);
    httplib::Result r = [&] {
      switch (req.method) {
        case http::method::get: return client_.Get(path_, headers);
        case http::method::post: return client_.Post(path_, headers, body, content_type);
        case http::method::put: return client_.Put(path_, headers, body, content_type);
        case http::method::patch: return client_.Patch(path_, headers, body, content_type);
        case http::method::delete_: return client_.Delete(path_, headers, body, content_type);
      }
      return client_.Get(path_, headers);
    }();
    if (!r) {
      const auto e = r.error();
      const betwire::errc code = e == httplib::Error::Connection          ? betwire::errc::connect_failed
                                 : e == httplib::Error::ConnectionTimeout ? betwire::errc::timeout
                                 : e == httplib::Error::Read              ? betwire::errc::connection_reset
                                                                          : betwire::errc::transport_failed;
      return betwire::fail(http::transport_error(code, "httplib: " + httplib::to_string(e)));
    }
    resp.status = r->status;
    for (const auto& [name, value] : r->headers) resp.set_header(name, value);
    resp.body.append(r->body);
    return {};
  }

 private:
  httplib::Client client_;
  std::string base_path_;
  std::string path_;
};
static_assert(betwire::transport<httplib_transport>);

// ---- a few ABP endpoints, described for the generic client core -------------------------------------
namespace abp_demo {
consteval betwire::naming betwire_naming(auto*) { return betwire::naming::camel_case; }

struct orders_filter {
  std::string_view user_ref{};
  std::optional<int> limit{};
};
struct order {
  std::int64_t order_id = 0;
  std::string_view order_status{};
  betwire::decimal order_price{};
  betwire::decimal order_stake{};
};
struct orders_page {
  std::vector<order> orders{};
  bool has_more = false;
};
struct health_status {
  std::string_view status{};
};

struct endpoint_base {
  static bool parse_error(std::string_view body, betwire::error& e) { return betwire::abp::parse_error_body(body, e); }
};
struct health : endpoint_base {
  static constexpr betwire::http::method method = betwire::http::method::get;
  static constexpr std::string_view path = "/health";
  using request_type = betwire::http::none;
  using response_type = health_status;
};
struct get_orders : endpoint_base {
  static constexpr betwire::http::method method = betwire::http::method::get;
  static constexpr std::string_view path = "/orders";
  using request_type = orders_filter;
  using response_type = orders_page;
};
}  // namespace abp_demo

// ---- starting the simulator when no URL is given ---------------------------------------------------------
namespace {
struct simulator {
  FILE* pipe = nullptr;
  std::string base_url;
};

std::optional<simulator> start_simulator() {
#ifdef BETWIRE_SIMULATOR_PATH
  simulator s;
  s.pipe = ::popen(BETWIRE_SIMULATOR_PATH " --port 0 --venues abp", "r");
  if (!s.pipe) return std::nullopt;
  char line[256];
  if (!std::fgets(line, sizeof line, s.pipe)) return std::nullopt;
  const char* at = std::strstr(line, "listening on ");
  if (!at) return std::nullopt;
  std::string host_port(at + std::strlen("listening on "));
  while (!host_port.empty() && (host_port.back() == '\n' || host_port.back() == '\r')) host_port.pop_back();
  s.base_url = "http://" + host_port + "/abp";
  return s;
#else
  return std::nullopt;
#endif
}
}  // namespace

int main(int argc, char** argv) {
  std::string base_url;
  for (int i = 1; i + 1 < argc; ++i)
    if (std::string_view(argv[i]) == "--base-url") base_url = argv[i + 1];
  std::optional<simulator> sim;
  if (base_url.empty()) {
    sim = start_simulator();
    if (!sim) {
      std::fprintf(stderr, "usage: %s --base-url http://127.0.0.1:PORT/abp (no simulator was built)\n", argv[0]);
      return 2;
    }
    base_url = sim->base_url;
  }
  // Split the base URL into origin and path for httplib.
  const std::size_t scheme_end = base_url.find("://");
  const std::size_t path_at = scheme_end == std::string::npos ? std::string::npos : base_url.find('/', scheme_end + 3);
  const std::string origin = base_url.substr(0, path_at);
  const std::string base_path = path_at == std::string::npos ? "" : base_url.substr(path_at);

  httplib_transport net(origin, base_path);
  betwire::http::client core{net};
  const char* env_key = std::getenv("ABP_API_KEY");
  const betwire::secret key(env_key ? env_key : "abp-test-key-0001");
  if (auto set = core.set_header("x-api-key", key); !set) {
    std::fprintf(stderr, "%s\n", set.error().describe().c_str());
    return 1;
  }

  int rc = 0;
  if (auto h = core.call<abp_demo::health>(betwire::http::none{})) {
    std::printf("health: %.*s\n", static_cast<int>(h->status.size()), h->status.data());
  } else {
    std::fprintf(stderr, "health failed: %s\n", h.error().describe().c_str());
    rc = 1;
  }

  abp_demo::orders_page page;  // reused: decoding into it again allocates nothing once warm
  auto r = core.call<abp_demo::get_orders>({.user_ref = "bettor1234", .limit = 5}, page);
  if (r) {
    std::printf("orders of bettor1234 (HTTP %d, %zu shown, more: %s):\n", r.status(), page.orders.size(),
                page.has_more ? "yes" : "no");
    for (const auto& o : page.orders)
      std::printf("  %-8lld %-18.*s price %-8.*s stake %.*s\n", static_cast<long long>(o.order_id),
                  static_cast<int>(o.order_status.size()), o.order_status.data(),
                  static_cast<int>(o.order_price.text().size()), o.order_price.text().data(),
                  static_cast<int>(o.order_stake.text().size()), o.order_stake.text().data());
  } else {
    std::fprintf(stderr, "get_orders failed: %s\n", r.error().describe().c_str());
    rc = 1;
  }

  // A venue error, through the same transport: a wrong key gives a typed, redacted error.
  const betwire::secret wrong("not-a-valid-key");
  (void)core.set_header("x-api-key", wrong);
  auto denied = core.call<abp_demo::get_orders>({.user_ref = "bettor1234"}, page);
  std::printf("with a wrong key: %s\n", denied ? "unexpectedly accepted" : denied.error().describe().c_str());
  std::printf("request as logged: %s\n", core.describe_last_request().c_str());
  if (denied) rc = 1;

  if (sim) {
    httplib::Client control(origin);
    control.Post("/_sim/shutdown", "{}", "application/json");
    ::pclose(sim->pipe);
  }
  return rc;
}
