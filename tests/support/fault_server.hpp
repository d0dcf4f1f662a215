// fault_server.hpp — a misbehaving HTTP/1.1 server on loopback, for the fault matrix
// (tests/sim/fault_matrix_test.cpp): each connection's first request is read and recorded, then
// handed to the test's handler, which writes whatever bytes it likes — a reset before the status
// line, a body shorter than its Content-Length, one byte a second, a megabyte of headers — and
// the connection is closed (or reset) after it.
//
//   betwire::test::fault_server srv([](betwire::test::fault_connection& c) {
//     c.send("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b");
//   });                                                     // then closed: a truncated body
//   std::string url = srv.base_url();                       // http://127.0.0.1:PORT
//   srv.requests()                                          // what was received, in order
//
// POSIX, header-only, no exceptions; one thread serves connections one at a time.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace betwire::test {

struct received_request {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // The first header of this name (case-insensitive), or nullptr.
  [[nodiscard]] const std::string* header(std::string_view name) const {
    for (const auto& h : headers) {
      if (h.first.size() != name.size()) continue;
      bool same = true;
      for (std::size_t i = 0; i < name.size() && same; ++i)
        same = (h.first[i] | 0x20) == (name[i] | 0x20);
      if (same) return &h.second;
    }
    return nullptr;
  }
};

class fault_connection {
 public:
  fault_connection(int fd, received_request req, std::atomic<bool>* stopping)
      : fd_(fd), request_(std::move(req)), stopping_(stopping) {}

  [[nodiscard]] const received_request& request() const noexcept { return request_; }

  // Writes all of `bytes`; false once the peer has gone.
  bool send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) {
        if (n < 0 && errno == EINTR) continue;
        return false;
      }
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // One byte every `gap` until done or the peer gives up (or the server stops).
  void trickle(std::string_view bytes, std::chrono::milliseconds gap) {
    for (char c : bytes) {
      if (stopping_->load() || !send(std::string_view(&c, 1))) return;
      std::this_thread::sleep_for(gap);
    }
  }

  // Closes with a TCP reset (SO_LINGER 0) instead of an orderly FIN.
  void reset() {
    linger l{};
    l.l_onoff = 1;
    l.l_linger = 0;
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    ::close(fd_);
    fd_ = -1;
  }

  // Waits (bounded) for the peer to close its side: a handler that must not close first.
  void wait_for_peer_close(std::chrono::milliseconds limit) {
    const auto end = std::chrono::steady_clock::now() + limit;
    char buf[4096];
    while (std::chrono::steady_clock::now() < end && !stopping_->load()) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) > 0 && ::recv(fd_, buf, sizeof buf, 0) <= 0) return;
    }
  }

  [[nodiscard]] int fd() const noexcept { return fd_; }

 private:
  int fd_;
  received_request request_;
  std::atomic<bool>* stopping_;
};

class fault_server {
 public:
  using handler = std::function<void(fault_connection&)>;

  explicit fault_server(handler h, const char* host = "127.0.0.1") : handler_(std::move(h)), host_(host) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    ::inet_pton(AF_INET, host, &addr.sin_addr);
    addr.sin_port = 0;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(listen_fd_, 64) != 0) {
      ::close(listen_fd_);
      listen_fd_ = -1;
      return;
    }
    socklen_t len = sizeof addr;
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }

  fault_server(const fault_server&) = delete;
  fault_server& operator=(const fault_server&) = delete;

  ~fault_server() { stop(); }

  void stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
    if (listen_fd_ >= 0) ::close(listen_fd_);
    listen_fd_ = -1;
  }

  [[nodiscard]] bool ok() const noexcept { return listen_fd_ >= 0 || port_ != 0; }
  [[nodiscard]] int port() const noexcept { return port_; }
  [[nodiscard]] std::string base_url() const { return "http://" + host_ + ":" + std::to_string(port_); }
  [[nodiscard]] std::vector<received_request> requests() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
  }
  [[nodiscard]] std::size_t connections() const noexcept { return connections_.load(); }

 private:
  void serve() {
    while (!stopping_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) continue;
      ++connections_;
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      received_request req;
      if (read_request(fd, req)) {
        {
          std::lock_guard<std::mutex> lock(mutex_);
          requests_.push_back(req);
        }
        fault_connection c(fd, std::move(req), &stopping_);
        handler_(c);
        if (c.fd() >= 0) ::close(c.fd());
      } else {
        ::close(fd);
      }
    }
  }

  // Headers up to the blank line, then Content-Length bytes of body (bounded: 5 s, 16 MB).
  bool read_request(int fd, received_request& req) {
    std::string data;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    std::size_t header_end = std::string::npos;
    std::size_t need = 0;
    char buf[16384];
    for (;;) {
      if (header_end == std::string::npos) {
        header_end = data.find("\r\n\r\n");
        if (header_end != std::string::npos) {
          parse_head(std::string_view(data).substr(0, header_end), req);
          if (const std::string* cl = req.header("content-length")) need = std::strtoull(cl->c_str(), nullptr, 10);
        }
      }
      if (header_end != std::string::npos && data.size() >= header_end + 4 + need) {
        req.body = data.substr(header_end + 4, need);
        return true;
      }
      if (std::chrono::steady_clock::now() > deadline || data.size() > (std::size_t{16} << 20) || stopping_) return false;
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 20) <= 0) continue;
      const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) return false;
      data.append(buf, static_cast<std::size_t>(n));
    }
  }

  static void parse_head(std::string_view head, received_request& req) {
    std::size_t eol = head.find("\r\n");
    const std::string_view line = head.substr(0, eol);
    const std::size_t sp1 = line.find(' ');
    const std::size_t sp2 = line.find(' ', sp1 + 1);
    req.method = std::string(line.substr(0, sp1));
    req.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
    while (eol != std::string_view::npos) {
      const std::size_t start = eol + 2;
      eol = head.find("\r\n", start);
      const std::string_view h = head.substr(start, eol == std::string_view::npos ? std::string_view::npos : eol - start);
      const std::size_t colon = h.find(':');
      if (colon == std::string_view::npos) continue;
      std::string_view value = h.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      req.headers.emplace_back(std::string(h.substr(0, colon)), std::string(value));
    }
  }

  handler handler_;
  std::string host_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> connections_{0};
  mutable std::mutex mutex_;
  std::vector<received_request> requests_;
  std::thread thread_;
};

}  // namespace betwire::test
