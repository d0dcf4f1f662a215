#ifndef BETWIRE_WS_WEBSOCKET_HPP
#define BETWIRE_WS_WEBSOCKET_HPP

// The betwire::websocket concept: what a stream driver needs from a WebSocket library. It sits in
// its own layer beside http/ (it depends on core/ only): a WebSocket is a long-lived duplex of text
// messages, not a request/response exchange, so it shares nothing with betwire::transport but the
// error values.
//
//   struct my_websocket {
//     betwire::result<void> connect(const betwire::ws::connect_request& req);
//     betwire::result<void> send_text(std::string_view text);
//     betwire::result<betwire::ws::receive_status> receive(std::string& text, std::chrono::milliseconds timeout);
//     void close() noexcept;
//     bool is_open() const noexcept;
//   };
//
// The contract (docs/abp-stream.md says the same with an example):
// * connect(req): open `req.url` (ws:// or wss://, with the path), sending `req.headers` with the
//   upgrade request, within `req.timeout`. Blocking. TLS verification is the backend's business and
//   must be on by default. A connection already open is closed first.
// * send_text(text): one complete text message. May block until the bytes are handed to the OS.
// * receive(text, timeout): waits at most `timeout` for one complete message. `message`: `text`
//   holds it (replaced; its capacity is reused, so a warm receive allocates nothing). `timeout`:
//   nothing complete yet, the connection is still fine (a partly received message is kept for the
//   next call). `closed`: the peer closed the connection cleanly. A failure (reset, TLS error, a
//   message over the backend's size limit) is an error value (category transport). A timeout of
//   zero never blocks: that is how a user's own event loop drives the socket (wait for
//   native_handle() to be readable, then receive(text, 0ms) until it says `timeout`).
// * Only text messages are delivered; the backend answers RFC 6455 control pings itself.
// * Errors never contain header values (they may carry credentials). Nothing throws.
// * One thread at a time, like betwire::transport.

#include <betwire/core/config.hpp>
#include <betwire/core/error.hpp>
#include <betwire/core/result.hpp>

#include <chrono>
#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

BETWIRE_BEGIN_NAMESPACE
namespace ws {

struct header {
  std::string name;
  std::string value;
};

struct connect_request {
  std::string url;                       // ws://host:port/path or wss://host/path
  std::vector<header> headers{};         // extra upgrade headers (checked: no CR, LF or NUL)
  std::chrono::milliseconds timeout{10000};  // resolve + connect + TLS + upgrade
};

enum class receive_status : std::uint8_t {
  message,  // one text message is in the caller's buffer
  timeout,  // nothing complete within the timeout; still connected
  closed,   // the peer closed the connection (close frame or end of stream)
};

// A WebSocket failure: category transport.
[[nodiscard]] inline error websocket_error(errc code, std::string message) {
  return error(error_category::transport, code, std::move(message));
}

// The parts of a ws:// or wss:// URL.
struct parsed_url {
  bool tls = false;
  std::string_view host;  // IPv6 without brackets
  std::string_view port;  // "80" / "443" when the URL has none
  std::string_view target;  // path and query, "/" when empty
};

[[nodiscard]] inline result<parsed_url> parse_url(std::string_view url) {
  auto bad = [](const char* why) { return fail(error(error_category::validation, errc::invalid_argument, why)); };
  parsed_url out;
  if (url.starts_with("wss://")) {
    out.tls = true;
    url.remove_prefix(6);
  } else if (url.starts_with("ws://")) {
    url.remove_prefix(5);
  } else {
    return bad("websocket URL must start with ws:// or wss://");
  }
  const std::size_t slash = url.find('/');
  std::string_view authority = url.substr(0, slash);
  out.target = slash == std::string_view::npos ? std::string_view("/") : url.substr(slash);
  if (authority.empty()) return bad("websocket URL has no host");
  if (authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad("websocket URL has an unterminated IPv6 host");
    out.host = authority.substr(1, close - 1);
    authority.remove_prefix(close + 1);
    if (!authority.empty()) {
      if (authority.front() != ':') return bad("websocket URL has text after the IPv6 host");
      out.port = authority.substr(1);
    }
  } else {
    const std::size_t colon = authority.rfind(':');
    out.host = authority.substr(0, colon);
    if (colon != std::string_view::npos) out.port = authority.substr(colon + 1);
  }
  if (out.host.empty()) return bad("websocket URL has no host");
  if (out.port.empty()) out.port = out.tls ? "443" : "80";
  for (char ch : out.port)
    if (ch < '0' || ch > '9') return bad("websocket URL has a non-numeric port");
  for (char ch : url)
    if (static_cast<unsigned char>(ch) <= 0x20 || ch == 0x7f) return bad("websocket URL contains a control character or space");
  return out;
}

[[nodiscard]] constexpr bool is_loopback_host(std::string_view host) noexcept {
  if (host == "localhost" || host == "::1") return true;
  return host.starts_with("127.");
}

// Header names and values must not carry CR, LF or NUL (header injection).
[[nodiscard]] inline result<void> check_headers(const std::vector<header>& headers) {
  for (const header& h : headers) {
    for (std::string_view part : {std::string_view(h.name), std::string_view(h.value)})
      for (char ch : part)
        if (ch == '\r' || ch == '\n' || ch == '\0')
          return fail(error(error_category::validation, errc::header_injection,
                            "websocket header contains CR, LF or NUL"));
    if (h.name.empty()) return fail(error(error_category::validation, errc::invalid_argument, "empty header name"));
  }
  return {};
}

}  // namespace ws

template <class W>
concept websocket = requires(W& w, const W& cw, const ws::connect_request& req, std::string_view text,
                             std::string& buffer, std::chrono::milliseconds timeout) {
  { w.connect(req) } -> std::same_as<result<void>>;
  { w.send_text(text) } -> std::same_as<result<void>>;
  { w.receive(buffer, timeout) } -> std::same_as<result<ws::receive_status>>;
  { w.close() } noexcept;
  { cw.is_open() } noexcept -> std::convertible_to<bool>;
};

// A websocket that exposes its socket, for the user's own poll/epoll/kqueue loop.
template <class W>
concept pollable_websocket = websocket<W> && requires(const W& w) {
  { w.native_handle() } noexcept -> std::convertible_to<int>;
};

BETWIRE_END_NAMESPACE

#endif  // BETWIRE_WS_WEBSOCKET_HPP
