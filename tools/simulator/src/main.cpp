// betwire_simulator: a loopback HTTP server implementing the documented order APIs of ABP v2,
// PredictStreet and Opinion.trade over an in-memory store, with fault injection and control
// endpoints for tests. See tools/simulator/README.md.
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <set>
#include <thread>

#include "sim.hpp"
#include "ws.hpp"

namespace sim {
namespace {

// ---------------------------------------------------------------------------------------------
// Fault specs: "delay=<ms>", "drop", "drop-after", "reset", "truncate", "html502", "429",
// "429=<s>", "status=<code>", "huge=<bytes>"; several may be joined with commas (a delay plus one
// other fault).
struct Fault {
  enum class Kind { none, drop, drop_after, reset, truncate, html502, too_many, status, huge };
  long delay_ms = 0;
  Kind kind = Kind::none;
  long arg = 0;
};

std::optional<Fault> parse_fault(const std::string& spec) {
  Fault f;
  for (auto tok : split(spec, ',')) {
    while (!tok.empty() && tok.front() == ' ') tok.erase(0, 1);
    while (!tok.empty() && tok.back() == ' ') tok.pop_back();
    if (tok.empty()) continue;
    const auto eq = tok.find('=');
    const std::string name = tok.substr(0, eq);
    std::optional<std::int64_t> val;
    if (eq != std::string::npos) {
      val = parse_int(tok.substr(eq + 1));
      if (!val || *val < 0) return std::nullopt;
    }
    auto set_kind = [&](Fault::Kind k) {
      if (f.kind != Fault::Kind::none) return false;
      f.kind = k;
      return true;
    };
    if (name == "delay" && val) {
      f.delay_ms = static_cast<long>(std::min<std::int64_t>(*val, 600000));
    } else if (name == "drop" && !val) {
      if (!set_kind(Fault::Kind::drop)) return std::nullopt;
    } else if (name == "drop-after" && !val) {
      if (!set_kind(Fault::Kind::drop_after)) return std::nullopt;
    } else if (name == "reset" && !val) {
      if (!set_kind(Fault::Kind::reset)) return std::nullopt;
    } else if (name == "truncate" && !val) {
      if (!set_kind(Fault::Kind::truncate)) return std::nullopt;
    } else if (name == "html502" && !val) {
      if (!set_kind(Fault::Kind::html502)) return std::nullopt;
    } else if (name == "429") {
      if (!set_kind(Fault::Kind::too_many)) return std::nullopt;
      f.arg = val ? static_cast<long>(*val) : 1;
    } else if (name == "status" && val && *val >= 100 && *val <= 599) {
      if (!set_kind(Fault::Kind::status)) return std::nullopt;
      f.arg = static_cast<long>(*val);
    } else if (name == "huge" && val) {
      if (!set_kind(Fault::Kind::huge)) return std::nullopt;
      f.arg = static_cast<long>(std::min<std::int64_t>(*val, 512LL * 1024 * 1024));
    } else {
      return std::nullopt;
    }
  }
  return f;
}

struct ArmedFault {
  std::string path_prefix;
  std::string method;  // "" = any
  std::string spec;
  long remaining = 1;
};

// ---------------------------------------------------------------------------------------------
// The socket of the connection serving `req`: cpp-httplib does not expose it, so find the
// descriptor whose peer and local ports match. Only the thread serving the request uses it, and
// only before the handler returns, so the descriptor cannot be closed or reused underneath.
int find_connection_fd(const httplib::Request& req) {
  DIR* d = opendir("/proc/self/fd");
  if (!d) return -1;
  int found = -1;
  while (dirent* e = readdir(d)) {
    char* end = nullptr;
    const long v = std::strtol(e->d_name, &end, 10);
    if (end == e->d_name || *end != '\0') continue;
    const int fd = static_cast<int>(v);
    if (fd == dirfd(d)) continue;
    sockaddr_storage peer{}, local{};
    socklen_t pl = sizeof peer, ll = sizeof local;
    if (getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &pl) != 0) continue;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &ll) != 0) continue;
    auto port_of = [](const sockaddr_storage& s) -> int {
      if (s.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(s).sin_port);
      if (s.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6&>(s).sin6_port);
      return -1;
    };
    if (port_of(peer) == req.remote_port && port_of(local) == req.local_port) {
      found = fd;
      break;
    }
  }
  closedir(d);
  return found;
}

bool send_all(int fd, const std::string& data) {
  std::size_t off = 0;
  while (off < data.size()) {
    const ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return false;
    off += static_cast<std::size_t>(n);
  }
  return true;
}

// Close the connection without a response: FIN, nothing sent.
void drop_connection(const httplib::Request& req) {
  const int fd = find_connection_fd(req);
  if (fd >= 0) ::shutdown(fd, SHUT_RDWR);
}

// Reset the connection: RST. SO_LINGER {on, 0} and replacing the descriptor with an unconnected
// socket (dup2 closes the original atomically) makes the kernel abort the connection; cpp-httplib
// later fails to write to, and closes, the replacement.
void reset_connection(const httplib::Request& req) {
  const int fd = find_connection_fd(req);
  if (fd < 0) return;
  linger lg{};
  lg.l_onoff = 1;
  lg.l_linger = 0;
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  const int spare = ::socket(AF_INET, SOCK_STREAM, 0);
  if (spare >= 0) {
    ::dup2(spare, fd);
    ::close(spare);
  } else {
    ::shutdown(fd, SHUT_RDWR);
  }
}

std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() + 0 && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
      i += 2;
    } else if (s[i] == '+') {
      out.push_back(' ');
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

std::string venue_key(std::string_view v) {
  const std::string l = lower(v);
  if (l == "ps") return "predictstreet";
  return l;
}

// ---------------------------------------------------------------------------------------------
class Simulator {
 public:
  explicit Simulator(Options opt, std::set<std::string> enabled) : opt_(opt), enabled_(std::move(enabled)) {
    venues_.push_back(make_abp());
    venues_.push_back(make_predictstreet());
    venues_.push_back(make_opinion());
    reset_all(opt_.seed);
  }

  void attach(httplib::Server& svr) {
    server_ = &svr;
    httplib::Server::Handler h = [this](const httplib::Request& req, httplib::Response& res) { serve(req, res); };
    svr.Get(".*", h);
    svr.Post(".*", h);
    svr.Put(".*", h);
    svr.Patch(".*", h);
    svr.Delete(".*", h);
    svr.Options(".*", h);
  }

  // The /ws stream: hears of the ABP store's mutations, answers /_sim/ws/..., is reset with the rest.
  void attach_ws(WsServer& ws) {
    ws_ = &ws;
    if (Venue* abp = venue_by_name("abp")) {
      abp->stream = [&ws](const std::string& client, const std::string& channel, const std::string& event,
                          const ojson& payload) { ws.publish(client, channel, event, payload); };
    }
  }

  // Added latency (--latency-ms, --latency-jitter-ms, POST /_sim/latency): every venue request
  // waits half of it before it is handled (rate limits count it then) and half before it is
  // answered, outside the simulator's lock, so requests in flight overlap as over a real network.
  void set_latency(long ms, long jitter_ms) {
    latency_ms_ = ms;
    jitter_ms_ = jitter_ms;
  }

  void request_stop() {
    {
      std::lock_guard<std::mutex> lk(stop_mu_);
      stopping_ = true;
    }
    stop_cv_.notify_all();
  }

 private:
  void reset_all(std::uint64_t seed) {
    opt_.seed = seed;
    clock_.reset();
    for (auto& v : venues_) {
      v->clock = &clock_;
      v->rate_limits = opt_.rate_limits;
      v->reset(opt_);
    }
    armed_.clear();
    reset_stats();
    last_request_ = nullptr;
    if (ws_) ws_->reset();
  }

  void reset_stats() {
    requests_ = 0;
    connections_.clear();
    by_route_.clear();
  }

  Venue* venue_by_name(const std::string& name) {
    for (auto& v : venues_)
      if (v->name() == name) return v.get();
    return nullptr;
  }

  static void write(httplib::Response& res, const Reply& r) {
    res.status = r.status;
    for (const auto& [k, v] : r.headers) res.set_header(k, v);
    res.set_content(r.body, r.content_type.c_str());
  }

  bool sleep_ms(long ms) {
    std::unique_lock<std::mutex> lk(stop_mu_);
    return !stop_cv_.wait_for(lk, std::chrono::milliseconds(ms), [&] { return stopping_; });
  }

  ojson capture(const httplib::Request& req) const {
    ojson j = ojson::object();
    j["method"] = req.method;
    j["path"] = req.path;
    j["target"] = req.target;
    const auto q = req.target.find('?');
    const std::string raw_query = q == std::string::npos ? "" : req.target.substr(q + 1);
    j["query"] = raw_query;
    ojson params = ojson::object();
    for (const auto& [k, v] : req.params) params[k].push_back(v);
    j["params"] = std::move(params);
    ojson list = ojson::array();
    if (!raw_query.empty()) {
      for (const auto& piece : split(raw_query, '&')) {
        if (piece.empty()) continue;
        const auto eq = piece.find('=');
        list.push_back({percent_decode(piece.substr(0, eq)),
                        eq == std::string::npos ? std::string() : percent_decode(piece.substr(eq + 1))});
      }
    }
    j["paramList"] = std::move(list);
    ojson headers = ojson::object();
    for (const auto& [k, v] : req.headers) {
      const std::string lk = lower(k);
      if (lk == "remote_addr" || lk == "remote_port" || lk == "local_addr" || lk == "local_port") continue;
      if (headers.contains(lk)) headers[lk] = headers[lk].get<std::string>() + ", " + v;
      else headers[lk] = v;
    }
    j["headers"] = std::move(headers);
    j["body"] = req.body;
    j["bodyLength"] = req.body.size();
    j["remoteAddr"] = req.remote_addr;
    j["remotePort"] = req.remote_port;
    return j;
  }

  void serve(const httplib::Request& req, httplib::Response& res) {
    try {
      if (req.path.rfind("/_sim/", 0) == 0 || req.path == "/_sim") {
        write(res, control(req));
        return;
      }
      serve_venue(req, res);
    } catch (const std::exception& e) {
      write(res, Reply::json(500, {{"error", std::string("simulator exception: ") + e.what()}}));
    }
  }

  // This request's round-trip delay in microseconds: latency +- jitter (uniform), never negative.
  long draw_latency_us() {
    const long base = latency_ms_.load() * 1000;
    const long jitter = jitter_ms_.load() * 1000;
    if (jitter <= 0) return base;
    long d = 0;
    {
      std::lock_guard<std::mutex> lk(latency_mu_);
      d = base + static_cast<long>(latency_rng_.range(-jitter, jitter));
    }
    return d > 0 ? d : 0;
  }

  bool sleep_us(long us) {
    std::unique_lock<std::mutex> lk(stop_mu_);
    return !stop_cv_.wait_for(lk, std::chrono::microseconds(us), [&] { return stopping_; });
  }

  void serve_venue(const httplib::Request& req, httplib::Response& res) {
    const long delay_us = draw_latency_us();
    if (delay_us > 0 && !sleep_us(delay_us / 2)) {
      write(res, Reply::json(503, {{"error", "simulator shutting down"}}));
      return;
    }
    serve_venue_now(req, res);
    if (delay_us > 0) sleep_us(delay_us - delay_us / 2);  // the answer travelling back
  }

  void serve_venue_now(const httplib::Request& req, httplib::Response& res) {
    // Which venue?
    Venue* venue = nullptr;
    for (auto& v : venues_) {
      const std::string_view p = v->prefix();
      if (req.path.size() >= p.size() && req.path.compare(0, p.size(), p) == 0 &&
          (req.path.size() == p.size() || req.path[p.size()] == '/')) {
        venue = v.get();
      }
    }
    std::string spec;
    {
      std::lock_guard<std::mutex> lk(mu_);
      ++requests_;
      connections_.insert({req.remote_addr, req.remote_port});
      ++by_route_[req.method + " " + req.path];
      last_request_ = capture(req);
      if (req.has_header("X-Sim-Fault")) {
        spec = req.get_header_value("X-Sim-Fault");
      } else {
        for (auto& a : armed_) {
          if (a.remaining > 0 && req.path.rfind(a.path_prefix, 0) == 0 && (a.method.empty() || a.method == req.method)) {
            --a.remaining;
            spec = a.spec;
            break;
          }
        }
        armed_.erase(std::remove_if(armed_.begin(), armed_.end(), [](const ArmedFault& a) { return a.remaining <= 0; }),
                     armed_.end());
      }
    }
    Fault fault;
    if (!spec.empty()) {
      auto f = parse_fault(spec);
      if (!f) {
        write(res, Reply::json(400, {{"error", "invalid fault spec: " + spec}}));
        return;
      }
      fault = *f;
    }
    if (fault.delay_ms > 0 && !sleep_ms(fault.delay_ms)) {
      write(res, Reply::json(503, {{"error", "simulator shutting down"}}));
      return;
    }
    switch (fault.kind) {
      case Fault::Kind::drop:
        drop_connection(req);
        return;
      case Fault::Kind::reset:
        reset_connection(req);
        return;
      case Fault::Kind::html502: {
        Reply r;
        r.status = 502;
        r.content_type = "text/html";
        r.body =
            "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n"
            "<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
        write(res, r);
        return;
      }
      case Fault::Kind::too_many:
      case Fault::Kind::status: {
        const int status = fault.kind == Fault::Kind::too_many ? 429 : static_cast<int>(fault.arg);
        Reply r;
        if (venue) {
          std::lock_guard<std::mutex> lk(mu_);
          r = venue->error_reply(status, status == 429 ? "Rate limit exceeded" : "Simulated " + http_reason(status));
        } else {
          r = Reply::json(status, {{"error", "Simulated " + http_reason(status)}});
        }
        if (status == 429) r.set_header("Retry-After", std::to_string(fault.arg));
        if (venue && venue->name() == "predictstreet") {
          // PredictStreet puts its rate-limit headers on every response, injected errors included.
          const auto now_s = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
          r.set_header("X-RateLimit-Limit", "300");
          r.set_header("X-RateLimit-Remaining", status == 429 ? "0" : "299");
          r.set_header("X-RateLimit-Reset", std::to_string(now_s + (status == 429 ? fault.arg : 60)));
        }
        write(res, r);
        return;
      }
      default:
        break;
    }

    Reply reply;
    if (!venue) {
      reply = Reply::json(404, {{"error", "no venue at " + req.path}, {"venues", {"/abp", "/predictstreet", "/opinion/openapi"}}});
    } else if (!enabled_.count(std::string(venue->name()))) {
      reply = Reply::json(404, {{"error", "venue not enabled: " + std::string(venue->name())}});
    } else {
      Call call;
      call.raw = &req;
      call.method = req.method == "HEAD" ? "GET" : req.method;
      call.path = req.path.substr(venue->prefix().size());
      if (call.path.empty()) call.path = "/";
      std::lock_guard<std::mutex> lk(mu_);
      try {
        reply = venue->handle(call);
      } catch (const std::exception& e) {
        reply = venue->error_reply(500, std::string("simulator exception: ") + e.what());
      }
    }

    switch (fault.kind) {
      case Fault::Kind::drop_after:
        drop_connection(req);
        return;
      case Fault::Kind::huge: {
        // Pad the JSON object with an extra member so the body is about `arg` bytes.
        const auto target = static_cast<std::size_t>(fault.arg);
        if (!reply.body.empty() && reply.body.front() == '{') {
          const std::string head = "{\"_padding\":\"";
          const std::string tail = reply.body.size() > 2 ? "\"," : "\"";
          const std::size_t overhead = head.size() + tail.size() + reply.body.size() - 1;
          const std::size_t pad = target > overhead ? target - overhead : 0;
          reply.body = head + std::string(pad, 'x') + tail + reply.body.substr(1);
        }
        write(res, reply);
        return;
      }
      case Fault::Kind::truncate: {
        // Headers announce the full length; half of the body is sent; then the connection closes.
        const int fd = find_connection_fd(req);
        if (fd < 0) {
          write(res, reply);
          return;
        }
        std::string raw = "HTTP/1.1 " + std::to_string(reply.status) + " " + http_reason(reply.status) + "\r\n";
        raw += "Content-Type: " + reply.content_type + "\r\n";
        for (const auto& [k, v] : reply.headers) raw += k + ": " + v + "\r\n";
        raw += "Content-Length: " + std::to_string(reply.body.size() + (reply.body.empty() ? 16 : 0)) + "\r\n";
        raw += "Connection: close\r\n\r\n";
        raw += reply.body.substr(0, reply.body.size() / 2);
        send_all(fd, raw);
        ::shutdown(fd, SHUT_RDWR);
        return;
      }
      default:
        write(res, reply);
        return;
    }
  }

  // ---- /_sim/... ------------------------------------------------------------------------------
  Reply control(const httplib::Request& req) {
    const std::string path = req.path.substr(std::min<std::size_t>(req.path.size(), 6));  // after "/_sim/"
    ojson body = ojson::object();
    if (!req.body.empty()) {
      body = parse_json_or_discarded(req.body);
      if (body.is_discarded() || !body.is_object()) return Reply::json(400, {{"error", "body must be a JSON object"}});
    }
    const std::string& m = req.method;
    // /_sim/ws/...: the stream has its own thread and state, and needs no venue lock.
    if (path.rfind("ws/", 0) == 0 && ws_) return ws_->control(m, path.substr(3), body);
    std::lock_guard<std::mutex> lk(mu_);
    try {
      if (path == "ping") return Reply::json(200, {{"ok", true}});
      if (path == "stats" && m == "GET") {
        ojson routes = ojson::object();
        for (const auto& [k, v] : by_route_) routes[k] = v;
        ojson j = ojson::object();
        j["requests"] = requests_;
        j["connections"] = connections_.size();
        j["routes"] = std::move(routes);
        return Reply::json(200, j);
      }
      if (path == "stats/reset" && m == "POST") {
        reset_stats();
        return Reply::json(200, {{"ok", true}});
      }
      if (path == "last-request" && m == "GET") {
        if (last_request_.is_null()) return Reply::json(404, {{"error", "no request yet"}});
        return Reply::json(200, last_request_);
      }
      if (path == "info" && m == "GET") {
        ojson venues = ojson::object();
        for (const auto& v : venues_) {
          ojson vi = v->info();
          vi["enabled"] = enabled_.count(std::string(v->name())) > 0;
          vi["rateLimits"] = v->rate_limits;
          venues[std::string(v->name())] = std::move(vi);
        }
        ojson j = ojson::object();
        j["seed"] = opt_.seed;
        j["clock"] = format_iso(clock_.now(), 6, "+00:00");
        j["venues"] = std::move(venues);
        return Reply::json(200, j);
      }
      if (path == "faults" && m == "POST") {
        ArmedFault a;
        a.path_prefix = body.value("path_prefix", std::string());
        a.method = body.value("method", std::string());
        a.spec = body.value("fault", std::string());
        a.remaining = body.value("count", 1L);
        if (a.path_prefix.empty() || a.path_prefix[0] != '/')
          return Reply::json(400, {{"error", "path_prefix must start with /"}});
        if (!parse_fault(a.spec) || a.spec.empty()) return Reply::json(400, {{"error", "invalid fault spec: " + a.spec}});
        if (a.remaining < 1) return Reply::json(400, {{"error", "count must be >= 1"}});
        armed_.push_back(a);
        return Reply::json(200, {{"armed", armed_json()}});
      }
      if (path == "faults" && m == "GET") return Reply::json(200, {{"armed", armed_json()}});
      if ((path == "faults" && m == "DELETE") || (path == "faults/clear" && m == "POST")) {
        armed_.clear();
        return Reply::json(200, {{"armed", ojson::array()}});
      }
      if (path == "reset" && m == "POST") {
        reset_all(body.contains("seed") ? body["seed"].get<std::uint64_t>() : opt_.seed);
        return Reply::json(200, {{"ok", true}, {"seed", opt_.seed}});
      }
      if (path == "rate-limits" && m == "POST") {
        const std::string v = venue_key(body.value("venue", std::string("all")));
        const bool on = body.value("enabled", true);
        bool any = false;
        for (auto& ven : venues_) {
          if (v == "all" || ven->name() == v) {
            ven->rate_limits = on;
            any = true;
          }
        }
        if (!any) return Reply::json(400, {{"error", "unknown venue " + v}});
        return Reply::json(200, {{"venue", v}, {"enabled", on}});
      }
      if (path == "latency" && m == "POST") {
        const long ms = body.value("ms", 0L);
        const long jitter = body.value("jitterMs", 0L);
        if (ms < 0 || jitter < 0 || ms > 60000 || jitter > 60000)
          return Reply::json(400, {{"error", "ms and jitterMs must be in 0..60000"}});
        set_latency(ms, jitter);
        return Reply::json(200, {{"ms", ms}, {"jitterMs", jitter}});
      }
      if (path == "latency" && m == "GET")
        return Reply::json(200, {{"ms", latency_ms_.load()}, {"jitterMs", jitter_ms_.load()}});
      if (path == "seed-orders" && m == "POST") {
        Venue* v = venue_by_name(venue_key(body.value("venue", std::string())));
        if (!v) return Reply::json(400, {{"error", "venue must be abp, predictstreet or opinion"}});
        return v->seed_orders(body);
      }
      if (path == "advance-clock" && m == "POST") {
        const double secs = body.value("seconds", 0.0);
        clock_.advance(static_cast<micros>(secs * 1e6));
        return Reply::json(200, {{"now", format_iso(clock_.now(), 6, "+00:00")}});
      }
      if (path == "clock" && m == "GET") return Reply::json(200, {{"now", format_iso(clock_.now(), 6, "+00:00")}});
      if (path == "shutdown" && m == "POST") {
        ::kill(::getpid(), SIGTERM);  // handled by the signal thread, like an external SIGTERM
        return Reply::json(200, {{"ok", true}, {"shuttingDown", true}});
      }
      const auto slash = path.find('/');
      if (slash != std::string::npos && m == "POST") {
        if (Venue* v = venue_by_name(venue_key(path.substr(0, slash)))) {
          if (auto r = v->control(path.substr(slash + 1), body)) return *r;
        }
      }
      return Reply::json(404, {{"error", "unknown control endpoint " + m + " /_sim/" + path}});
    } catch (const std::exception& e) {
      return Reply::json(400, {{"error", std::string("bad control request: ") + e.what()}});
    }
  }

  ojson armed_json() const {
    ojson a = ojson::array();
    for (const auto& f : armed_)
      a.push_back({{"path_prefix", f.path_prefix}, {"method", f.method}, {"fault", f.spec}, {"count", f.remaining}});
    return a;
  }

  Options opt_;
  std::set<std::string> enabled_;
  std::vector<std::unique_ptr<Venue>> venues_;
  SimClock clock_;
  std::mutex mu_;  // guards everything below and all venue state
  std::uint64_t requests_ = 0;
  std::set<std::pair<std::string, int>> connections_;
  std::map<std::string, std::uint64_t> by_route_;
  ojson last_request_;
  std::vector<ArmedFault> armed_;
  httplib::Server* server_ = nullptr;
  WsServer* ws_ = nullptr;

  std::atomic<long> latency_ms_{0};
  std::atomic<long> jitter_ms_{0};
  std::mutex latency_mu_;  // guards latency_rng_
  Rng latency_rng_{0x1a7e9c};

  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
};

// ---------------------------------------------------------------------------------------------
void usage(std::FILE* out) {
  std::fputs(
      "usage: betwire_simulator [options]\n"
      "  --port N                 port to listen on (0 = pick a free one; default 0)\n"
      "  --host ADDR              loopback address to bind (default 127.0.0.1; anything else is refused)\n"
      "  --seed N                 seed of the generated state (default 1)\n"
      "  --abp-orders N           generated ABP orders besides the documents' examples (default 40)\n"
      "  --abp-id-base N          first generated ABP orderId (default 1000)\n"
      "  --ps-orders N            PredictStreet orders per seeded wallet (default 12)\n"
      "  --opinion-orders N       Opinion orders per seeded user (default 30)\n"
      "  --venues LIST            comma-separated subset of abp,predictstreet,opinion (default all)\n"
      "  --rate-limits on|off     enforce the venues' rate limits (default off)\n"
      "  --opinion-envelope errno|code   Opinion response envelope (default errno)\n"
      "  --threads N              worker threads (default 16)\n"
      "  --latency-ms N           added round-trip time per venue request, half before handling and half\n"
      "                           before answering (default 0; POST /_sim/latency {ms, jitterMs} changes it)\n"
      "  --latency-jitter-ms N    +- uniform jitter on that latency (default 0)\n"
      "  --keep-alive-timeout S   idle keep-alive timeout in seconds (default 10)\n"
      "  --watch-stdin            exit when stdin reaches end-of-file (the parent died or closed it)\n"
      "  --ws-port N              ABP WebSocket /ws port (0 = pick a free one; default 0)\n"
      "  --ws-keepalive server-ping|client-ping   keepalive revision (default server-ping)\n"
      "  --ws-ping-ms N           server ping interval (default 30000)\n"
      "  --ws-pong-timeout-ms N   close when a ping stays unanswered this long (default 120000)\n"
      "  --ws-heartbeat-ms N      client-ping revision: heartbeat interval (default 60000)\n"
      "  --ws-login-timeout-ms N  close when no login arrives within this (default 30000)\n"
      "  --ws-resend-ms N         reliable delivery: re-send unacked messages after this (default 30000)\n"
      "  --ws-max-connections N   logged-in connections per API key (default 5)\n"
      "  --ws-buffer N            retained messages per subscription / unacked per connection (default 100)\n"
      "prints 'betwire_simulator listening on <host>:<port> ws <host>:<wsport>' once ready; stops on SIGTERM/SIGINT or\n"
      "POST /_sim/shutdown. See tools/simulator/README.md.\n",
      out);
}

bool is_loopback(const std::string& host) {
  if (host == "::1" || host == "localhost") return true;
  in_addr a{};
  if (inet_pton(AF_INET, host.c_str(), &a) == 1) return (ntohl(a.s_addr) >> 24) == 127;
  return false;
}

}  // namespace
}  // namespace sim

int main(int argc, char** argv) {
  using namespace sim;
  Options opt;
  int port = 0;
  std::string host = "127.0.0.1";
  std::size_t threads = 16;
  long keep_alive = 10;
  long latency_ms = 0;
  long latency_jitter_ms = 0;
  std::set<std::string> enabled = {"abp", "predictstreet", "opinion"};
  bool watch_stdin = false;
  int ws_port = 0;
  WsOptions ws_opt;

  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--watch-stdin") {
      watch_stdin = true;
      continue;
    }
    std::string val;
    bool has_val = false;
    if (a.rfind("--", 0) == 0 && a.find('=') != std::string::npos) {
      val = a.substr(a.find('=') + 1);
      a = a.substr(0, a.find('='));
      has_val = true;
    }
    if (a == "--help" || a == "-h") {
      usage(stdout);
      return 0;
    }
    if (!has_val) {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "betwire_simulator: %s needs a value\n", a.c_str());
        return 2;
      }
      val = argv[++i];
    }
    auto num = [&](std::int64_t lo, std::int64_t hi) -> std::int64_t {
      auto v = parse_int(val);
      if (!v || *v < lo || *v > hi) {
        std::fprintf(stderr, "betwire_simulator: bad value for %s: %s\n", a.c_str(), val.c_str());
        std::exit(2);
      }
      return *v;
    };
    if (a == "--port") port = static_cast<int>(num(0, 65535));
    else if (a == "--host") host = val;
    else if (a == "--seed") opt.seed = static_cast<std::uint64_t>(num(0, INT64_MAX));
    else if (a == "--abp-orders") opt.abp_orders = static_cast<int>(num(0, 1000000));
    else if (a == "--abp-id-base") opt.abp_id_base = num(1000, INT64_MAX / 2);
    else if (a == "--ps-orders") opt.ps_orders = static_cast<int>(num(0, 1000000));
    else if (a == "--opinion-orders") opt.opinion_orders = static_cast<int>(num(0, 1000000));
    else if (a == "--threads") threads = static_cast<std::size_t>(num(1, 256));
    else if (a == "--keep-alive-timeout") keep_alive = static_cast<long>(num(1, 3600));
    else if (a == "--ws-port") ws_port = static_cast<int>(num(0, 65535));
    else if (a == "--ws-ping-ms") ws_opt.ping_ms = static_cast<long>(num(1, 3600000));
    else if (a == "--ws-pong-timeout-ms") ws_opt.pong_timeout_ms = static_cast<long>(num(1, 3600000));
    else if (a == "--ws-heartbeat-ms") ws_opt.heartbeat_ms = static_cast<long>(num(1, 3600000));
    else if (a == "--ws-login-timeout-ms") ws_opt.login_timeout_ms = static_cast<long>(num(1, 3600000));
    else if (a == "--ws-resend-ms") ws_opt.resend_ms = static_cast<long>(num(1, 3600000));
    else if (a == "--ws-max-connections") ws_opt.max_connections = static_cast<long>(num(1, 10000));
    else if (a == "--ws-buffer") ws_opt.buffer = static_cast<long>(num(1, 1000000));
    else if (a == "--ws-keepalive") {
      if (val != "server-ping" && val != "client-ping") {
        std::fprintf(stderr, "betwire_simulator: --ws-keepalive takes server-ping or client-ping\n");
        return 2;
      }
      ws_opt.client_ping = val == "client-ping";
    }
    else if (a == "--latency-ms") latency_ms = static_cast<long>(num(0, 60000));
    else if (a == "--latency-jitter-ms") latency_jitter_ms = static_cast<long>(num(0, 60000));
    else if (a == "--rate-limits") {
      if (val != "on" && val != "off") {
        std::fprintf(stderr, "betwire_simulator: --rate-limits takes on or off\n");
        return 2;
      }
      opt.rate_limits = val == "on";
    } else if (a == "--opinion-envelope") {
      if (val != "errno" && val != "code") {
        std::fprintf(stderr, "betwire_simulator: --opinion-envelope takes errno or code\n");
        return 2;
      }
      opt.opinion_code_envelope = val == "code";
    } else if (a == "--venues") {
      enabled.clear();
      for (auto& v : split(val, ',')) {
        const std::string k = venue_key(v);
        if (k != "abp" && k != "predictstreet" && k != "opinion") {
          std::fprintf(stderr, "betwire_simulator: unknown venue '%s'\n", v.c_str());
          return 2;
        }
        enabled.insert(k);
      }
    } else {
      std::fprintf(stderr, "betwire_simulator: unknown option %s\n", a.c_str());
      usage(stderr);
      return 2;
    }
  }
  if (!is_loopback(host)) {
    std::fprintf(stderr, "betwire_simulator: refusing to bind %s: only loopback addresses are allowed\n", host.c_str());
    return 2;
  }
  if (host == "localhost") host = "127.0.0.1";

  // Signals: SIGPIPE ignored; SIGTERM/SIGINT blocked in every thread and taken by one thread.
  std::signal(SIGPIPE, SIG_IGN);
  sigset_t stop_set;
  sigemptyset(&stop_set);
  sigaddset(&stop_set, SIGTERM);
  sigaddset(&stop_set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop_set, nullptr);

  // Declared before the HTTP server: cpp-httplib's workers publish into it until listen returns.
  WsServer ws(ws_opt);
  std::string ws_error;
  const int ws_bound = ws.bind(host, ws_port, ws_error);
  if (ws_bound <= 0) {
    std::fprintf(stderr, "betwire_simulator: /ws: %s\n", ws_error.c_str());
    return 1;
  }
  Simulator simulator(opt, enabled);
  simulator.attach_ws(ws);
  simulator.set_latency(latency_ms, latency_jitter_ms);
  httplib::Server svr;
  svr.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  svr.set_keep_alive_max_count(1000000);
  svr.set_keep_alive_timeout(keep_alive);
  svr.set_tcp_nodelay(true);
  simulator.attach(svr);

  // cpp-httplib listens with a backlog of 5 (compiled into Debian's library): a client opening
  // many connections at once (libcurl multi) would see SYNs dropped and retried a second later.
  // The listening socket is remembered here and its backlog raised once bound.
  static int listening_fd = -1;
  svr.set_socket_options([](int fd) {
    httplib::default_socket_options(fd);
    listening_fd = fd;
  });
  int bound = -1;
  if (port == 0) {
    bound = svr.bind_to_any_port(host);
  } else {
    bound = svr.bind_to_port(host, port) ? port : -1;
  }
  if (bound > 0 && listening_fd >= 0) ::listen(listening_fd, 512);
  if (bound <= 0) {
    std::fprintf(stderr, "betwire_simulator: cannot bind %s:%d: %s\n", host.c_str(), port, std::strerror(errno));
    return 1;
  }

  std::atomic<bool> done{false};
  std::atomic<bool> stop_requested{false};
  std::thread signals([&] {
    const timespec tick{0, 100 * 1000 * 1000};
    while (!done.load()) {
      const int sig = sigtimedwait(&stop_set, nullptr, &tick);
      if (sig == SIGTERM || sig == SIGINT) {
        stop_requested = true;
        simulator.request_stop();
        // stop() is a no-op until listen has started: repeat until the listener has returned.
        while (!done.load()) {
          svr.stop();
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        return;
      }
    }
  });

  // --watch-stdin: the parent holds the other end of our stdin; when it goes away, stop.
  std::thread watcher;
  if (watch_stdin) {
    watcher = std::thread([&] {
      while (!done.load()) {
        pollfd p{STDIN_FILENO, POLLIN, 0};
        const int pr = ::poll(&p, 1, 100);
        if (pr < 0 && errno == EINTR) continue;
        if (pr < 0) return;
        if (pr == 0) continue;
        char buf[256];
        const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
          ::kill(::getpid(), SIGTERM);
          return;
        }
      }
    });
  }

  const std::string shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  ws.start();
  std::printf("betwire_simulator listening on %s:%d ws %s:%d\n", shown.c_str(), bound, shown.c_str(), ws_bound);
  std::fflush(stdout);

  const bool ok = svr.listen_after_bind();
  ws.stop();
  done = true;
  simulator.request_stop();
  signals.join();
  if (watcher.joinable()) watcher.join();
  if (!ok && !stop_requested.load()) {
    std::fprintf(stderr, "betwire_simulator: the listener failed\n");
    return 1;
  }
  return 0;
}
