#ifndef BETWIRE_TRANSPORT_BEAST_WEBSOCKET_HPP
#define BETWIRE_TRANSPORT_BEAST_WEBSOCKET_HPP

// betwire::beast_websocket: a betwire::websocket on Boost.Beast (libboost-dev, header-only) with TLS
// through OpenSSL. Opt-in: include this header in the translation unit that needs it and link
// OpenSSL (CMake: betwire::beast; Meson: dependency('betwire-beast')). It is the only file of
// betwire that includes Boost; abp/stream.hpp does not, so the cost of Beast (seconds of compile
// time) is paid by that one translation unit.
//
//   betwire::beast_websocket ws;                                     // TLS verification on
//   auto r = ws.connect({.url = "wss://v2.55-tech.com/ws"});
//   std::string msg;
//   auto got = ws.receive(msg, std::chrono::milliseconds(100));      // message / timeout / closed
//
// * Timeouts: every operation runs on the object's own io_context for at most the time it is given;
//   a receive that times out keeps its read pending, so nothing is lost and the next receive goes
//   on where it stopped. receive(text, 0ms) never blocks: with native_handle() in your own
//   poll/epoll set, call it when the socket is readable.
// * Security: wss:// verifies the peer certificate and the host name (the system's roots, or
//   ca_file / ca_path); ws:// is refused unless the host is loopback or allow_insecure_ws is set.
// * Limits: a message over max_message_bytes fails the receive (errc::body_too_large) and the
//   connection is closed.
// * Exceptions: only the error_code forms of Beast and Asio are used, so nothing throws through
//   betwire. Built with -fno-exceptions, Boost needs BOOST_NO_EXCEPTIONS defined for the whole
//   program and a definition of boost::throw_exception: define BETWIRE_BEAST_DEFINE_THROW_EXCEPTION
//   in exactly one translation unit before including this header to get one that aborts.
// * Threading: one thread at a time, like betwire::transport. No thread of its own.

#include <betwire/core/config.hpp>
#include <betwire/core/error.hpp>
#include <betwire/core/result.hpp>
#include <betwire/ws/websocket.hpp>

// Boost 1.74's Asio names std::result_of, which C++20 removed and libc++ 19 no longer has; Asio
// uses std::invoke_result when told so. Set for the whole program (betwire::beast and
// betwire-beast do), so that every translation unit sees Asio alike; here as a fallback.
#if defined(_LIBCPP_VERSION) && !defined(BOOST_ASIO_HAS_STD_INVOKE_RESULT)
#  define BOOST_ASIO_HAS_STD_INVOKE_RESULT 1
#endif

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#if defined(BETWIRE_BEAST_DEFINE_THROW_EXCEPTION)
#  include <boost/assert/source_location.hpp>
#  include <cstdlib>
#  include <exception>
namespace boost {
[[noreturn]] void throw_exception(const std::exception&) { std::abort(); }
[[noreturn]] void throw_exception(const std::exception&, const boost::source_location&) { std::abort(); }
}  // namespace boost
#endif

BETWIRE_BEGIN_NAMESPACE

struct beast_websocket_options {
  bool verify_tls = true;                // turning it off is for testing only
  std::string ca_file{};                 // PEM bundle of trusted roots; empty: the system's
  std::string ca_path{};                 // directory of trusted roots
  bool allow_insecure_ws = false;        // ws:// to a host that is not loopback
  std::size_t max_message_bytes = std::size_t{4} << 20;
  std::chrono::milliseconds close_timeout{1000};
  std::string user_agent = "betwire";
};

class beast_websocket {
  using tcp = boost::asio::ip::tcp;
  using plain_ws = boost::beast::websocket::stream<boost::beast::tcp_stream>;
  using tls_ws = boost::beast::websocket::stream<boost::beast::ssl_stream<boost::beast::tcp_stream>>;
  using clock = std::chrono::steady_clock;

 public:
  explicit beast_websocket(beast_websocket_options options = {})
      : opt_(std::move(options)), tls_ctx_(boost::asio::ssl::context::tls_client) {}
  beast_websocket(const beast_websocket&) = delete;
  beast_websocket& operator=(const beast_websocket&) = delete;
  ~beast_websocket() { drop(); }

  result<void> connect(const ws::connect_request& req) {
    drop();
    auto url = ws::parse_url(req.url);
    if (!url) return fail(url.error());
    if (auto h = ws::check_headers(req.headers); !h) return h;
    if (!url->tls && !opt_.allow_insecure_ws && !ws::is_loopback_host(url->host))
      return fail(error(error_category::validation, errc::insecure_url,
                        "ws:// to a host that is not loopback (use wss://, or allow_insecure_ws)"));
    const auto deadline = clock::now() + req.timeout;
    boost::system::error_code ec;
    tcp::resolver resolver(ioc_);
    tcp::resolver::results_type endpoints;
    bool resolved = false;
    resolver.async_resolve(std::string(url->host), std::string(url->port),
                           [&](const boost::system::error_code& e, tcp::resolver::results_type r) {
                             ec = e;
                             endpoints = std::move(r);
                             resolved = true;
                           });
    if (!run_until(resolved, deadline)) {
      resolver.cancel();
      settle();
      return fail(ws::websocket_error(errc::timeout, "websocket: resolving the host timed out"));
    }
    if (ec) return fail(ws::websocket_error(errc::connect_failed, "websocket: cannot resolve the host: " + ec.message()));

    if (url->tls) {
      if (auto r = setup_tls(); !r) return r;
      tls_.emplace(ioc_, tls_ctx_);
    } else {
      plain_.emplace(ioc_);
    }
    auto r = visit([&](auto& s) { return open(s, *url, endpoints, req, deadline); });
    if (!r) drop();
    return r;
  }

  result<void> send_text(std::string_view text) {
    if (!is_open()) return fail(ws::websocket_error(errc::connection_reset, "websocket: not connected"));
    bool done = false;
    boost::system::error_code ec;
    visit([&](auto& s) {
      s.text(true);
      s.async_write(boost::asio::buffer(text.data(), text.size()), [&](const boost::system::error_code& e, std::size_t) {
        ec = e;
        done = true;
      });
      return 0;
    });
    // A write completes when the OS has the bytes; a peer that stops reading would block it, so it
    // is bounded too.
    if (!run_until(done, clock::now() + std::chrono::seconds(30))) {
      drop();
      return fail(ws::websocket_error(errc::timeout, "websocket: send timed out"));
    }
    if (ec) {
      drop();
      return fail(ws::websocket_error(errc::connection_reset, "websocket: send failed: " + ec.message()));
    }
    return {};
  }

  result<ws::receive_status> receive(std::string& text, std::chrono::milliseconds timeout) {
    if (!is_open()) return fail(ws::websocket_error(errc::connection_reset, "websocket: not connected"));
    if (!reading_) {
      reading_ = true;
      read_done_ = false;
      visit([&](auto& s) {
        s.async_read(buffer_, [this](const boost::system::error_code& e, std::size_t) {
          read_ec_ = e;
          read_done_ = true;
        });
        return 0;
      });
    }
    if (timeout.count() <= 0) {
      ioc_.restart();
      ioc_.poll();
    } else {
      run_until(read_done_, clock::now() + timeout);
    }
    if (!read_done_) return ws::receive_status::timeout;
    reading_ = false;
    if (read_ec_) {
      const bool closed = read_ec_ == boost::beast::websocket::error::closed || read_ec_ == boost::asio::error::eof;
      const bool too_big = read_ec_ == boost::beast::websocket::error::message_too_big ||
                           read_ec_ == boost::beast::http::error::buffer_overflow;
      std::string why = read_ec_.message();
      drop();
      if (closed) return ws::receive_status::closed;
      if (too_big)
        return fail(ws::websocket_error(errc::body_too_large, "websocket: message over max_message_bytes"));
      return fail(ws::websocket_error(errc::connection_reset, "websocket: receive failed: " + why));
    }
    const auto data = buffer_.data();
    text.assign(static_cast<const char*>(data.data()), data.size());
    buffer_.consume(buffer_.size());
    return ws::receive_status::message;
  }

  void close() noexcept {
    if (!is_open()) return;
    bool done = false;
    visit([&](auto& s) {
      s.async_close(boost::beast::websocket::close_code::normal, [&](const boost::system::error_code&) { done = true; });
      return 0;
    });
    run_until(done, clock::now() + opt_.close_timeout);
    drop();
  }

  [[nodiscard]] bool is_open() const noexcept {
    if (plain_) return plain_->is_open();
    if (tls_) return tls_->is_open();
    return false;
  }

  // The socket, for the user's own event loop (-1 when not connected).
  [[nodiscard]] int native_handle() const noexcept {
    if (plain_) return static_cast<int>(const_cast<plain_ws&>(*plain_).next_layer().socket().native_handle());
    if (tls_) return static_cast<int>(const_cast<tls_ws&>(*tls_).next_layer().next_layer().socket().native_handle());
    return -1;
  }

 private:
  template <class F>
  auto visit(F&& f) -> decltype(f(std::declval<plain_ws&>())) {
    if (tls_) return f(*tls_);
    return f(*plain_);
  }

  bool run_until(bool& done, clock::time_point deadline) {
    ioc_.restart();
    while (!done) {
      const auto now = clock::now();
      if (now >= deadline) break;
      if (ioc_.run_one_for(deadline - now) == 0 && ioc_.stopped()) {
        if (done) break;
        ioc_.restart();
        if (clock::now() >= deadline) break;
      }
    }
    return done;
  }

  // Let cancelled handlers run so that nothing refers to the stack of a call that has returned.
  void settle() noexcept {
    ioc_.restart();
    ioc_.poll();
  }

  result<void> setup_tls() {
    if (tls_ready_) return {};
    boost::system::error_code ec;
    if (opt_.verify_tls) {
      tls_ctx_.set_verify_mode(boost::asio::ssl::verify_peer, ec);
      if (!ec) {
        if (!opt_.ca_file.empty()) tls_ctx_.load_verify_file(opt_.ca_file, ec);
        else if (!opt_.ca_path.empty()) tls_ctx_.add_verify_path(opt_.ca_path, ec);
        else tls_ctx_.set_default_verify_paths(ec);
      }
    } else {
      tls_ctx_.set_verify_mode(boost::asio::ssl::verify_none, ec);
    }
    if (ec) return fail(ws::websocket_error(errc::tls_failed, "websocket: TLS setup failed: " + ec.message()));
    tls_ready_ = true;
    return {};
  }

  template <class Stream>
  result<void> open(Stream& s, const ws::parsed_url& url, const tcp::resolver::results_type& endpoints,
                    const ws::connect_request& req, clock::time_point deadline) {
    boost::system::error_code ec;
    bool done = false;
    auto& tcp_layer = boost::beast::get_lowest_layer(s);
    tcp_layer.async_connect(endpoints, [&](const boost::system::error_code& e, const tcp::endpoint&) {
      ec = e;
      done = true;
    });
    if (!run_until(done, deadline)) return timed_out("connecting");
    if (ec) return fail(ws::websocket_error(errc::connect_failed, "websocket: connect failed: " + ec.message()));
    tcp_layer.socket().set_option(tcp::no_delay(true), ec);

    if constexpr (std::is_same_v<Stream, tls_ws>) {
      const std::string host(url.host);
      if (!SSL_set_tlsext_host_name(s.next_layer().native_handle(), host.c_str()))
        return fail(ws::websocket_error(errc::tls_failed, "websocket: cannot set the TLS server name"));
      if (opt_.verify_tls) s.next_layer().set_verify_callback(boost::asio::ssl::host_name_verification(host));
      done = false;
      s.next_layer().async_handshake(boost::asio::ssl::stream_base::client, [&](const boost::system::error_code& e) {
        ec = e;
        done = true;
      });
      if (!run_until(done, deadline)) return timed_out("in the TLS handshake");
      if (ec) return fail(ws::websocket_error(errc::tls_failed, "websocket: TLS handshake failed: " + ec.message()));
    }

    s.read_message_max(opt_.max_message_bytes);
    s.auto_fragment(false);
    s.set_option(boost::beast::websocket::stream_base::decorator([&req, this](boost::beast::websocket::request_type& r) {
      r.set(boost::beast::http::field::user_agent, opt_.user_agent);
      for (const ws::header& h : req.headers) r.set(h.name, h.value);
    }));
    std::string host(url.host);
    if (url.port != (url.tls ? "443" : "80")) host.append(":").append(url.port);
    done = false;
    s.async_handshake(host, std::string(url.target), [&](const boost::system::error_code& e) {
      ec = e;
      done = true;
    });
    if (!run_until(done, deadline)) return timed_out("in the websocket upgrade");
    // The decorator refers to `req`: replace it with one that does not outlive this call's data.
    s.set_option(boost::beast::websocket::stream_base::decorator([](boost::beast::websocket::request_type&) {}));
    if (ec) return fail(ws::websocket_error(errc::connect_failed, "websocket: upgrade refused: " + ec.message()));
    boost::beast::get_lowest_layer(s).expires_never();
    return {};
  }

  result<void> timed_out(const char* where) {
    drop();
    return fail(ws::websocket_error(errc::timeout, std::string("websocket: timed out ") + where));
  }

  void drop() noexcept {
    boost::system::error_code ignored;
    if (plain_) plain_->next_layer().socket().close(ignored);
    if (tls_) tls_->next_layer().next_layer().socket().close(ignored);
    settle();
    plain_.reset();
    tls_.reset();
    reading_ = false;
    read_done_ = false;
    buffer_.clear();
  }

  beast_websocket_options opt_;
  boost::asio::io_context ioc_{1};
  boost::asio::ssl::context tls_ctx_;
  bool tls_ready_ = false;
  std::optional<plain_ws> plain_;
  std::optional<tls_ws> tls_;
  boost::beast::flat_buffer buffer_;
  bool reading_ = false;
  bool read_done_ = false;
  boost::system::error_code read_ec_;
};

static_assert(pollable_websocket<beast_websocket>);

BETWIRE_END_NAMESPACE

#endif  // BETWIRE_TRANSPORT_BEAST_WEBSOCKET_HPP
