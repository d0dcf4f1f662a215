// simulator_process.hpp — start betwire_simulator for a test or the demo, and talk to it.
//
// Header-only, POSIX, no betwire headers, no exceptions (works with -fno-exceptions):
//
//   betwire::test::simulator_process sim;                   // BETWIRE_SIMULATOR_PATH, --port 0
//   betwire::test::simulator_process sim2{{"--seed", "7", "--rate-limits", "on"}};
//   betwire::test::simulator_process sim3{"/path/to/betwire_simulator", {"--venues", "abp"}};
//   if (!sim.ok()) { report(sim.error()); return; }
//   std::string url = sim.base_url("abp");                   // http://127.0.0.1:PORT/abp
//   std::string ws = sim.ws_url();                            // ws://127.0.0.1:WSPORT/ws (ABP's stream)
//   auto r = sim.post("/_sim/faults", R"({"path_prefix":"/abp/orders","fault":"drop","count":1})");
//   // r.ok, r.status, r.body, r.header("Retry-After")
//
// The child is started with `--port 0 --watch-stdin <extra args>` (its stdin is a pipe only this
// object holds, so the simulator exits by itself if the test process dies); the constructor waits (bounded) for its single
// "betwire_simulator listening on <host>:<port>" line on a pipe. The destructor (or stop()) sends
// SIGTERM, waits up to a grace period, then SIGKILLs, and always reaps the child. The line is
// "betwire_simulator listening on <host>:<port> ws <host>:<wsport>" (a simulator older than /ws
// prints only the first part: then ws_port() is 0).
//
// http_call()/http_connection are a minimal blocking HTTP/1.1 client over loopback (Content-Length
// and chunked bodies), enough for control endpoints and for tests that must see raw behaviour
// (keep-alive reuse, truncated bodies, resets) without a client library in between.
#pragma once

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <cerrno>
#include <cstdlib>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

extern char** environ;

namespace betwire::test {

// ---------------------------------------------------------------------------------------------
struct http_result {
  bool ok = false;      // a complete response was received
  std::string error;    // why not, when !ok ("connection closed before the response", ...)
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // First header with this name (case-insensitive), "" when absent.
  std::string header(std::string_view name) const {
    for (const auto& [k, v] : headers)
      if (ci_equal(k, name)) return v;
    return {};
  }
  bool has_header(std::string_view name) const {
    for (const auto& [k, v] : headers)
      if (ci_equal(k, name)) return true;
    return false;
  }
  static bool ci_equal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      const auto x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
      const auto lx = static_cast<unsigned char>(x >= 'A' && x <= 'Z' ? x + 32 : x);
      const auto ly = static_cast<unsigned char>(y >= 'A' && y <= 'Z' ? y + 32 : y);
      if (lx != ly) return false;
    }
    return true;
  }
};

// One TCP connection to 127.0.0.1:port, reusable for several requests (keep-alive).
class http_connection {
 public:
  explicit http_connection(int port, int timeout_ms = 10000) : port_(port), timeout_ms_(timeout_ms) {}
  http_connection(const http_connection&) = delete;
  http_connection& operator=(const http_connection&) = delete;
  ~http_connection() { close(); }

  bool connected() const { return fd_ >= 0; }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    buf_.clear();
  }

  // Sends one request and reads its response. Extra headers as "Name: value" pairs. The
  // connection is reconnected when it is not open; it is closed after a failure or when the
  // server says "Connection: close".
  http_result request(std::string_view method, std::string_view target, std::string_view body = {},
                      const std::vector<std::pair<std::string, std::string>>& headers = {}, bool close_after = false) {
    http_result r;
    if (fd_ < 0 && !connect_(r.error)) return r;
    std::string req;
    req.append(method).append(" ").append(target).append(" HTTP/1.1\r\n");
    req.append("Host: 127.0.0.1:").append(std::to_string(port_)).append("\r\n");
    bool has_ct = false;
    for (const auto& [k, v] : headers) {
      req.append(k).append(": ").append(v).append("\r\n");
      if (http_result::ci_equal(k, "Content-Type")) has_ct = true;
    }
    if (!body.empty() && !has_ct) req.append("Content-Type: application/json\r\n");
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH")
      req.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
    if (close_after) req.append("Connection: close\r\n");
    req.append("\r\n").append(body);
    if (!send_all_(req)) {
      r.error = "send failed: " + std::string(std::strerror(errno));
      close();
      return r;
    }
    read_response_(r, method == "HEAD");
    if (!r.ok || close_after) {
      close();
    } else {
      if (http_result::ci_equal(r.header("Connection"), "close")) close();
    }
    return r;
  }

  int port() const { return port_; }

 private:
  bool connect_(std::string& error) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
      error = "socket: " + std::string(std::strerror(errno));
      return false;
    }
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port_));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<const sockaddr*>(&a), sizeof a) != 0) {
      error = "connect to 127.0.0.1:" + std::to_string(port_) + ": " + std::strerror(errno);
      close();
      return false;
    }
    return true;
  }

  bool send_all_(const std::string& data) {
    std::size_t off = 0;
    while (off < data.size()) {
      const ssize_t n = ::send(fd_, data.data() + off, data.size() - off, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      off += static_cast<std::size_t>(n);
    }
    return true;
  }

  // Reads more bytes into buf_. 1 = got data, 0 = orderly close, -1 = error/timeout (error set).
  int fill_(std::string& error) {
    pollfd p{fd_, POLLIN, 0};
    const int pr = ::poll(&p, 1, timeout_ms_);
    if (pr == 0) {
      error = "timed out waiting for the response";
      return -1;
    }
    if (pr < 0) {
      error = "poll: " + std::string(std::strerror(errno));
      return -1;
    }
    char tmp[16384];
    const ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n < 0) {
      error = "recv: " + std::string(std::strerror(errno));
      return -1;
    }
    if (n == 0) return 0;
    buf_.append(tmp, static_cast<std::size_t>(n));
    return 1;
  }

  static bool parse_size(std::string_view s, int base, std::size_t& out) {
    out = 0;
    if (s.empty()) return false;
    for (char ch : s) {
      int d = -1;
      if (ch >= '0' && ch <= '9') d = ch - '0';
      else if (base == 16 && ch >= 'a' && ch <= 'f') d = ch - 'a' + 10;
      else if (base == 16 && ch >= 'A' && ch <= 'F') d = ch - 'A' + 10;
      if (d < 0) return false;
      out = out * static_cast<std::size_t>(base) + static_cast<std::size_t>(d);
    }
    return true;
  }

  void read_response_(http_result& r, bool head) {
    // Status line and headers.
    std::size_t end = 0;
    for (;;) {
      end = buf_.find("\r\n\r\n");
      if (end != std::string::npos) break;
      const int f = fill_(r.error);
      if (f <= 0) {
        if (f == 0) r.error = buf_.empty() ? "connection closed before the response" : "connection closed inside the headers";
        return;
      }
    }
    const std::string head_text = buf_.substr(0, end);
    buf_.erase(0, end + 4);
    std::size_t line_end = head_text.find("\r\n");
    const std::string status_line = head_text.substr(0, line_end);
    if (status_line.size() < 12 || status_line.compare(0, 5, "HTTP/") != 0) {
      r.error = "malformed status line";
      return;
    }
    std::size_t code = 0;
    if (!parse_size(std::string_view(status_line).substr(9, 3), 10, code)) {
      r.error = "malformed status code";
      return;
    }
    r.status = static_cast<int>(code);
    while (line_end != std::string::npos) {
      const std::size_t start = line_end + 2;
      line_end = head_text.find("\r\n", start);
      const std::string line = head_text.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
      const auto colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string v = line.substr(colon + 1);
      while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.erase(0, 1);
      while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.pop_back();
      r.headers.emplace_back(line.substr(0, colon), v);
    }
    if (head || r.status == 204 || r.status == 304 || (r.status >= 100 && r.status < 200)) {
      r.ok = true;
      return;
    }
    const std::string te = r.header("Transfer-Encoding");
    if (te.find("chunked") != std::string::npos) {
      for (;;) {
        std::size_t le;
        while ((le = buf_.find("\r\n")) == std::string::npos) {
          if (fill_(r.error) <= 0) {
            if (r.error.empty()) r.error = "connection closed inside a chunked body";
            return;
          }
        }
        std::string size_text = buf_.substr(0, le);
        const auto semi = size_text.find(';');
        if (semi != std::string::npos) size_text.resize(semi);
        std::size_t n = 0;
        if (!parse_size(size_text, 16, n)) {
          r.error = "malformed chunk size";
          return;
        }
        while (buf_.size() < le + 2 + n + 2) {
          if (fill_(r.error) <= 0) {
            if (r.error.empty()) r.error = "connection closed inside a chunked body";
            return;
          }
        }
        r.body.append(buf_, le + 2, n);
        buf_.erase(0, le + 2 + n + 2);
        if (n == 0) break;  // (trailers are not supported)
      }
      r.ok = true;
      return;
    }
    const std::string cl = r.header("Content-Length");
    if (!cl.empty()) {
      std::size_t n = 0;
      if (!parse_size(cl, 10, n)) {
        r.error = "malformed Content-Length";
        return;
      }
      while (buf_.size() < n) {
        const int f = fill_(r.error);
        if (f <= 0) {
          if (f == 0)
            r.error = "connection closed after " + std::to_string(buf_.size()) + " of " + std::to_string(n) + " body bytes";
          r.body = buf_;
          return;
        }
      }
      r.body = buf_.substr(0, n);
      buf_.erase(0, n);
      r.ok = true;
      return;
    }
    // No length: the body runs to the end of the connection.
    for (;;) {
      const int f = fill_(r.error);
      if (f < 0) return;
      if (f == 0) break;
    }
    r.body = buf_;
    buf_.clear();
    close();
    r.ok = true;
  }

  int port_;
  int timeout_ms_;
  int fd_ = -1;
  std::string buf_;
};

// One request on a fresh connection, closed afterwards.
inline http_result http_call(int port, std::string_view method, std::string_view target, std::string_view body = {},
                             const std::vector<std::pair<std::string, std::string>>& headers = {}, int timeout_ms = 10000) {
  http_connection c(port, timeout_ms);
  return c.request(method, target, body, headers, /*close_after=*/true);
}

// ---------------------------------------------------------------------------------------------
class simulator_process {
 public:
#ifdef BETWIRE_SIMULATOR_PATH
  static constexpr const char* default_path = BETWIRE_SIMULATOR_PATH;
#else
  static constexpr const char* default_path = "";
#endif

  // The environment variable BETWIRE_SIMULATOR_PATH, when set, replaces the compiled-in binary (to
  // run the same tests against a sanitized simulator, for instance).
  explicit simulator_process(std::vector<std::string> extra_args = {}, int start_timeout_ms = 15000)
      : simulator_process(std::getenv("BETWIRE_SIMULATOR_PATH") ? std::string(std::getenv("BETWIRE_SIMULATOR_PATH"))
                                                                 : std::string(default_path),
                          std::move(extra_args), start_timeout_ms) {}

  simulator_process(std::string binary, std::vector<std::string> extra_args, int start_timeout_ms = 15000) {
    start_(std::move(binary), std::move(extra_args), start_timeout_ms);
  }

  simulator_process(const simulator_process&) = delete;
  simulator_process& operator=(const simulator_process&) = delete;
  ~simulator_process() { stop(); }

  bool ok() const { return ok_; }
  const std::string& error() const { return error_; }
  int port() const { return port_; }
  int ws_port() const { return ws_port_; }  // ABP's WebSocket /ws; 0 = this simulator has none
  pid_t pid() const { return pid_; }
  const std::string& host() const { return host_; }

  // "http://127.0.0.1:PORT"
  std::string root_url() const { return "http://" + host_ + ":" + std::to_string(port_); }
  // "ws://127.0.0.1:WSPORT/ws", or "" when the simulator has no /ws.
  std::string ws_url() const { return ws_port_ > 0 ? "ws://" + ws_host_ + ":" + std::to_string(ws_port_) + "/ws" : std::string(); }
  // The base URL a venue client uses: "abp" -> .../abp, "predictstreet" (or "ps") -> .../predictstreet,
  // "opinion" -> .../opinion/openapi. Anything else is appended as a path.
  std::string base_url(std::string_view venue) const {
    if (venue == "abp") return root_url() + "/abp";
    if (venue == "predictstreet" || venue == "ps") return root_url() + "/predictstreet";
    if (venue == "opinion") return root_url() + "/opinion/openapi";
    std::string v(venue);
    if (!v.empty() && v.front() != '/') v.insert(v.begin(), '/');
    return root_url() + v;
  }

  http_result get(std::string_view target, const std::vector<std::pair<std::string, std::string>>& headers = {}) const {
    return http_call(port_, "GET", target, {}, headers);
  }
  http_result post(std::string_view target, std::string_view json_body = "{}",
                   const std::vector<std::pair<std::string, std::string>>& headers = {}) const {
    return http_call(port_, "POST", target, json_body, headers);
  }

  // Close the child's stdin, as if this process had died: the simulator shuts itself down.
  void close_stdin() {
    if (life_fd_ >= 0) ::close(life_fd_);
    life_fd_ = -1;
  }

  // SIGTERM, wait up to grace_ms, then SIGKILL; always reaps. Returns the wait status (or -1 when
  // there was no child). Idempotent.
  int stop(int grace_ms = 3000) {
    if (pid_ <= 0) {
      if (life_fd_ >= 0) ::close(life_fd_);
      life_fd_ = -1;
      return -1;
    }
    int status = 0;
    ::kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(grace_ms);
    for (;;) {
      const pid_t w = ::waitpid(pid_, &status, WNOHANG);
      if (w == pid_ || (w < 0 && errno != EINTR)) break;
      if (std::chrono::steady_clock::now() >= deadline) {
        ::kill(pid_, SIGKILL);
        while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
        }
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    pid_ = -1;
    ok_ = false;
    if (life_fd_ >= 0) ::close(life_fd_);
    life_fd_ = -1;
    return status;
  }

 private:
  void fail_(std::string message) {
    error_ = std::move(message);
    ok_ = false;
  }

  void start_(std::string binary, std::vector<std::string> extra, int timeout_ms) {
    if (binary.empty()) {
      fail_("simulator_process: no simulator binary (define BETWIRE_SIMULATOR_PATH or pass a path)");
      return;
    }
    if (::access(binary.c_str(), X_OK) != 0) {
      fail_("simulator_process: cannot execute " + binary + ": " + std::strerror(errno));
      return;
    }
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
      fail_("simulator_process: pipe: " + std::string(std::strerror(errno)));
      return;
    }
    // The child's stdin is a pipe whose write end only this process holds: with --watch-stdin the
    // simulator exits when it sees end-of-file, so it cannot outlive a test that crashed.
    int life[2];
    if (::pipe2(life, O_CLOEXEC) != 0) {
      ::close(fds[0]);
      ::close(fds[1]);
      fail_("simulator_process: pipe: " + std::string(std::strerror(errno)));
      return;
    }
    std::vector<std::string> args{binary, "--port", "0", "--watch-stdin"};
    for (auto& a : extra) args.push_back(std::move(a));
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);  // dup2 clears O_CLOEXEC
    posix_spawn_file_actions_adddup2(&actions, life[0], STDIN_FILENO);
    pid_t child = -1;
    const int rc = ::posix_spawn(&child, binary.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[1]);
    ::close(life[0]);
    if (rc != 0) {
      ::close(life[1]);
      ::close(fds[0]);
      fail_("simulator_process: posix_spawn " + binary + ": " + std::strerror(rc));
      return;
    }
    pid_ = child;
    life_fd_ = life[1];

    // Read the one "listening on" line, bounded in time.
    std::string line;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    bool got_line = false;
    std::string why;
    while (!got_line) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
      if (left <= 0) {
        why = "timed out after " + std::to_string(timeout_ms) + " ms";
        break;
      }
      pollfd p{fds[0], POLLIN, 0};
      const int pr = ::poll(&p, 1, static_cast<int>(left));
      if (pr < 0 && errno == EINTR) continue;
      if (pr <= 0) continue;
      char ch[256];
      const ssize_t n = ::read(fds[0], ch, sizeof ch);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        why = "the simulator exited or closed its stdout";
        break;
      }
      line.append(ch, static_cast<std::size_t>(n));
      if (line.find('\n') != std::string::npos) got_line = true;
    }
    ::close(fds[0]);
    if (!got_line) {
      stop(500);
      fail_("simulator_process: no 'listening on' line from " + binary + " (" + why + "); output so far: '" + line + "'");
      return;
    }
    line.resize(line.find('\n'));
    static constexpr std::string_view prefix = "betwire_simulator listening on ";
    static constexpr std::string_view ws_marker = " ws ";
    if (line.compare(0, prefix.size(), prefix) != 0) {
      stop(500);
      fail_("simulator_process: unexpected first line '" + line + "'");
      return;
    }
    const std::string rest = line.substr(prefix.size());
    const auto ws_at = rest.find(ws_marker);
    if (!parse_endpoint_(rest.substr(0, ws_at), host_, port_) ||
        (ws_at != std::string::npos && !parse_endpoint_(rest.substr(ws_at + ws_marker.size()), ws_host_, ws_port_))) {
      stop(500);
      fail_("simulator_process: bad address in '" + line + "'");
      return;
    }
    ok_ = true;
  }

  // "<host>:<port>" (the host may be "[::1]"); false when malformed.
  static bool parse_endpoint_(const std::string& text, std::string& host, int& port) {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 >= text.size()) return false;
    int p = 0;
    for (std::size_t i = colon + 1; i < text.size(); ++i) {
      if (text[i] < '0' || text[i] > '9' || p > 65535) return false;
      p = p * 10 + (text[i] - '0');
    }
    if (p <= 0 || p > 65535) return false;
    host = text.substr(0, colon);
    port = p;
    return true;
  }

  bool ok_ = false;
  std::string error_;
  pid_t pid_ = -1;
  int life_fd_ = -1;  // write end of the child's stdin
  int port_ = 0;
  std::string host_ = "127.0.0.1";
  int ws_port_ = 0;
  std::string ws_host_ = "127.0.0.1";
};

}  // namespace betwire::test
