#ifndef BETWIRE_TRANSPORT_CURL_MULTI_HPP
#define BETWIRE_TRANSPORT_CURL_MULTI_HPP

// betwire::curl_multi_transport: many requests in flight on one thread, on libcurl's multi
// interface. Opt-in like transport/curl.hpp (include it and link libcurl; CMake: betwire::curl);
// with curl.hpp the only files of betwire that include <curl/curl.h>. It is a
// betwire::concurrent_transport (http/concurrent.hpp): an http::pipeline runs composite operations
// over it.
//
//   betwire::curl_multi_transport net{{.easy = {.base_url = "https://openapi.opinion.trade/openapi"},
//                                      .max_in_flight = 16}};
//   betwire::http::pipeline lanes{net};
//
// * A fixed pool of `max_in_flight` easy handles, set up once with the same options as
//   curl_transport (detail::curl::configure_easy: timeouts, TLS verification, protocols, ...), each
//   with its reused URL/header buffers: submit() allocates nothing once warm.
// * Connections: over https with HTTP/2, requests are multiplexed on one connection (CURLOPT_PIPEWAIT
//   makes a request wait for a connection that can multiplex rather than open another). Otherwise
//   (HTTP/1.1, the plain-http loopback simulator) each request in flight needs a connection of its
//   own: at most max_host_connections per host are opened and kept alive (CURLMOPT_MAXCONNECTS);
//   requests beyond wait in libcurl's queue for one to free.
// * poll(out, timeout): runs the transfers, waits up to `timeout` (curl_multi_poll) for one to end,
//   reports the finished ones.
// * Inside your own event loop: set_event_hooks() hands libcurl's socket and timer callbacks
//   (CURLMOPT_SOCKETFUNCTION / CURLMOPT_TIMERFUNCTION) to you: watch the sockets it names, call
//   on_socket(fd, events) when one is ready and on_timeout() when its timer fires, then poll(out, 0)
//   to collect what finished (poll never blocks in this mode). docs/http.md shows an epoll loop.
// * Errors and statuses follow the betwire::transport contract (the same mapping as curl_transport).
//   libcurl's silent re-send of a request whose reused connection died applies here too (see
//   curl_options::fresh_connection_for_mutations).
// * One thread at a time.

#include <betwire/core/config.hpp>
#include <betwire/core/error.hpp>
#include <betwire/core/result.hpp>
#include <betwire/http/concurrent.hpp>
#include <betwire/http/message.hpp>
#include <betwire/http/transport.hpp>
#include <betwire/transport/curl.hpp>

#include <curl/curl.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

BETWIRE_BEGIN_NAMESPACE

struct curl_multi_options {
  curl_options easy{};                   // base URL, timeouts, TLS, ... of every request
  std::size_t max_in_flight = 16;        // easy handles: requests outstanding at once
  std::size_t max_host_connections = 16; // HTTP/1.1 connections per host (kept alive)
  bool multiplex = true;                 // HTTP/2 multiplexing when the connection has it
};

class curl_multi_transport {
 public:
  // What set_event_hooks() passes on. `what`: CURL_POLL_IN, CURL_POLL_OUT, CURL_POLL_INOUT or
  // CURL_POLL_REMOVE (stop watching fd). `timeout_ms`: call on_timeout() after it; -1: no timer.
  using socket_hook = void (*)(void* user, curl_socket_t fd, int what);
  using timer_hook = void (*)(void* user, long timeout_ms);

  [[nodiscard]] static result<curl_multi_transport> create(curl_multi_options options) {
    curl_multi_transport t(std::move(options));
    if (!t.valid()) return fail(t.error());
    return t;
  }

  // Never fails; check valid() (or the first submit()) for a configuration error.
  explicit curl_multi_transport(curl_multi_options options) : s_(std::make_unique<state>()) {
    s_->options = std::move(options);
    s_->init();
  }
  curl_multi_transport(curl_multi_transport&&) noexcept = default;
  curl_multi_transport& operator=(curl_multi_transport&&) noexcept = default;
  curl_multi_transport(const curl_multi_transport&) = delete;
  curl_multi_transport& operator=(const curl_multi_transport&) = delete;
  ~curl_multi_transport() = default;

  [[nodiscard]] bool valid() const noexcept { return s_ && s_->multi != nullptr; }
  [[nodiscard]] const betwire::error& error() const noexcept { return s_->error; }
  [[nodiscard]] const curl_multi_options& options() const noexcept { return s_->options; }
  [[nodiscard]] std::size_t in_flight() const noexcept { return s_->busy; }
  [[nodiscard]] std::size_t capacity() const noexcept { return s_->handles.size(); }
  [[nodiscard]] CURLM* native_handle() const noexcept { return s_->multi; }

  result<void> submit(const http::request& req, http::response& resp, std::uint64_t tag) {
    if (!valid()) return fail(s_->error);
    if (s_->free_list.empty())
      return fail(http::transport_error(errc::transport_failed, "curl_multi_transport: every handle is in flight"));
    const std::uint32_t i = s_->free_list.back();
    handle& h = s_->handles[i];
    if (auto p = h.request.prepare(h.easy, s_->options.easy, req, resp); !p) return p;
    h.resp = &resp;
    h.tag = tag;
    const CURLMcode rc = curl_multi_add_handle(s_->multi, h.easy);
    if (rc != CURLM_OK) return fail(multi_error(rc));
    s_->free_list.pop_back();
    ++s_->busy;
    return {};
  }

  // Runs the transfers, waits up to `timeout` for one to finish (not with event hooks), and writes
  // the finished ones to `out`.
  std::size_t poll(std::span<http::completion> out, std::chrono::milliseconds timeout) {
    if (!valid() || out.empty()) return 0;
    state& st = *s_;
    if (st.hooks_set) return reap(out);
    int running = 0;
    curl_multi_perform(st.multi, &running);
    std::size_t n = reap(out);
    if (n > 0 || timeout.count() <= 0 || st.busy == 0) return n;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return reap(out);
      int ready = 0;
      curl_multi_poll(st.multi, nullptr, 0, static_cast<int>(left.count()), &ready);
      curl_multi_perform(st.multi, &running);
      n = reap(out);
      if (n > 0) return n;
    }
  }

  // ---- your event loop ----
  // From now on libcurl tells `sock` which sockets to watch and `timer` when to call on_timeout();
  // poll() only collects finished transfers. Call before the first submit().
  void set_event_hooks(socket_hook sock, timer_hook timer, void* user) {
    if (!valid()) return;
    state& st = *s_;
    st.sock = sock;
    st.timer = timer;
    st.user = user;
    st.hooks_set = true;
    curl_multi_setopt(st.multi, CURLMOPT_SOCKETFUNCTION, &state::on_socket_cb);
    curl_multi_setopt(st.multi, CURLMOPT_SOCKETDATA, &st);
    curl_multi_setopt(st.multi, CURLMOPT_TIMERFUNCTION, &state::on_timer_cb);
    curl_multi_setopt(st.multi, CURLMOPT_TIMERDATA, &st);
  }
  // `events`: CURL_CSELECT_IN / CURL_CSELECT_OUT / CURL_CSELECT_ERR, or-ed.
  void on_socket(curl_socket_t fd, int events) {
    if (!valid()) return;
    int running = 0;
    curl_multi_socket_action(s_->multi, fd, events, &running);
  }
  void on_timeout() {
    if (!valid()) return;
    int running = 0;
    curl_multi_socket_action(s_->multi, CURL_SOCKET_TIMEOUT, 0, &running);
  }
  // Wakes a poll() waiting in another thread (curl_multi_wakeup).
  void wakeup() {
    if (valid()) curl_multi_wakeup(s_->multi);
  }

 private:
  struct handle {
    CURL* easy = nullptr;
    detail::curl::easy_request request;
    http::response* resp = nullptr;
    std::uint64_t tag = 0;
  };

  struct state {
    curl_multi_options options;
    betwire::error error;
    CURLM* multi = nullptr;
    std::unique_ptr<handle[]> handle_store;
    std::span<handle> handles;
    std::vector<std::uint32_t> free_list;
    std::size_t busy = 0;
    socket_hook sock = nullptr;
    timer_hook timer = nullptr;
    void* user = nullptr;
    bool hooks_set = false;

    state() = default;
    state(const state&) = delete;
    state& operator=(const state&) = delete;
    ~state() {
      for (handle& h : handles) {
        if (h.easy == nullptr) continue;
        if (multi != nullptr) curl_multi_remove_handle(multi, h.easy);
        curl_easy_cleanup(h.easy);
      }
      if (multi != nullptr) curl_multi_cleanup(multi);
    }

    void init() {
      if (auto c = detail::curl::check_options(options.easy); !c) {
        error = std::move(c).error();
        return;
      }
      const std::size_t n = options.max_in_flight == 0 ? 1 : options.max_in_flight;
      CURLM* m = curl_multi_init();
      if (m == nullptr) {
        error = http::transport_error(errc::transport_failed, "curl_multi_init failed");
        return;
      }
      handle_store = std::make_unique<handle[]>(n);
      handles = std::span<handle>(handle_store.get(), n);
      free_list.reserve(n);
      const bool https = options.easy.base_url.size() >= 6 && http::iequals(options.easy.base_url.substr(0, 6), "https:");
      for (std::size_t i = 0; i < n; ++i) {
        handle& h = handles[i];
        h.easy = curl_easy_init();
        if (h.easy == nullptr) {
          error = http::transport_error(errc::transport_failed, "curl_easy_init failed");
          curl_multi_cleanup(m);
          return;
        }
        h.request.set_base(options.easy.base_url);
        detail::curl::configure_easy(h.easy, options.easy, h.request.errbuf);
        curl_easy_setopt(h.easy, CURLOPT_PRIVATE, reinterpret_cast<char*>(&h));
        // Wait for a connection that can multiplex (HTTP/2 over TLS) instead of opening another.
        if (options.multiplex && https) curl_easy_setopt(h.easy, CURLOPT_PIPEWAIT, 1L);
        free_list.push_back(static_cast<std::uint32_t>(n - 1 - i));  // hand out handle 0 first
      }
      const long conns = static_cast<long>(options.max_host_connections == 0 ? n : options.max_host_connections);
      curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS, conns);
      curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, conns);
      curl_multi_setopt(m, CURLMOPT_PIPELINING, options.multiplex ? CURLPIPE_MULTIPLEX : CURLPIPE_NOTHING);
      multi = m;
    }

    static int on_socket_cb(CURL*, curl_socket_t fd, int what, void* user, void*) {
      auto* st = static_cast<state*>(user);
      if (st->sock != nullptr) st->sock(st->user, fd, what);
      return 0;
    }
    static int on_timer_cb(CURLM*, long timeout_ms, void* user) {
      auto* st = static_cast<state*>(user);
      if (st->timer != nullptr) st->timer(st->user, timeout_ms);
      return 0;
    }
  };

  std::size_t reap(std::span<http::completion> out) {
    state& st = *s_;
    std::size_t n = 0;
    while (n < out.size()) {
      int left = 0;
      CURLMsg* msg = curl_multi_info_read(st.multi, &left);
      if (msg == nullptr) break;
      if (msg->msg != CURLMSG_DONE) continue;
      CURL* easy = msg->easy_handle;
      const CURLcode rc = msg->data.result;
      char* priv = nullptr;
      curl_easy_getinfo(easy, CURLINFO_PRIVATE, &priv);
      auto* h = reinterpret_cast<handle*>(priv);
      curl_multi_remove_handle(st.multi, easy);
      out[n].tag = h->tag;
      out[n].outcome = h->request.finish(easy, rc, st.options.easy, *h->resp);
      ++n;
      h->resp = nullptr;
      st.free_list.push_back(static_cast<std::uint32_t>(h - st.handles.data()));
      --st.busy;
    }
    return n;
  }

  static betwire::error multi_error(CURLMcode rc) {
    std::string msg = "curl multi: ";
    msg.append(curl_multi_strerror(rc));
    return http::transport_error(errc::transport_failed, std::move(msg));
  }

  std::unique_ptr<state> s_;
};

static_assert(concurrent_transport<curl_multi_transport>);

BETWIRE_END_NAMESPACE

#endif  // BETWIRE_TRANSPORT_CURL_MULTI_HPP
