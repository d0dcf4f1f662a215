// betwire_simulator: ABP's WebSocket /ws on its own loopback port (Boost.Beast), fed by the ABP
// store's mutations. See tools/simulator/README.md ("/ws") and ../shared/api/abp-v2/websocket-notes.md.
//
// Threading: everything the stream owns (subscriptions and their logs, connections, faults, config)
// lives on one thread, the one running the server's io_context. Other threads (cpp-httplib's
// workers, where the store mutates) only post work to it: publish() never blocks, control() waits
// for its answer.
#pragma once

#include <memory>
#include <string>

#include "sim.hpp"

namespace sim {

struct WsOptions {
  bool client_ping = false;  // keepalive revision: false = server pings (WS-2..6), true = WS-1 heartbeat
  long ping_ms = 30000;
  long pong_timeout_ms = 120000;
  long heartbeat_ms = 60000;
  long login_timeout_ms = 30000;
  long resend_ms = 30000;
  long max_connections = 5;  // per API key
  long buffer = 100;         // retained log messages per subscription, and unacked per connection
};

class WsServer {
 public:
  explicit WsServer(WsOptions options);
  ~WsServer();
  WsServer(const WsServer&) = delete;
  WsServer& operator=(const WsServer&) = delete;

  // Binds host:port (0 = a free port). Returns the port, or -1 with `error` set.
  int bind(const std::string& host, int port, std::string& error);
  void start();  // runs the io_context on a thread of its own
  void stop();   // close frames (1001) to every connection, then stops and joins; idempotent

  // A store mutation for `client` ("demo"; "" = every client, for global channels). Thread-safe.
  void publish(const std::string& client, const std::string& channel, const std::string& event, const ojson& payload);
  // /_sim/ws/<path>. Thread-safe; runs on the stream's thread.
  Reply control(const std::string& method, const std::string& path, const ojson& body);
  // Part of POST /_sim/reset: closes every connection, forgets subscriptions and faults, and
  // restores the command-line options. Thread-safe; returns when done.
  void reset();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sim
