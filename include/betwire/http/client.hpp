#ifndef BETWIRE_HTTP_CLIENT_HPP
#define BETWIRE_HTTP_CLIENT_HPP

// betwire::http::client<Transport>: the generic client core every venue client is built on.
//
//   betwire::http::client core{net};                 // net: any betwire::transport
//   core.set_header("x-api-key", key);               // key: a betwire::secret, kept by reference
//   bet b;
//   auto r = core.call<get_bet>({.bet_id = 42}, b);  // reply<void>; b's string views point into
//                                                    // the core's response buffer
//   if (!r) log(r.error());                          // r.rate_limit(), r.status() either way
//
// One call: validate -> encode the target and body into the core's reusable buffers -> add the
// headers -> send through the transport (re-sending under the retry policy, when enabled and the
// endpoint allows it) -> classify the status -> decode the success body or read the venue's error
// body -> reply<T>. Once its buffers are warm a call allocates nothing on the success path.
//
// Lifetimes: values decoded as string views (and json::raw) point into the core's response buffer
// and stay valid until the next call on the same core. Header values set with set_header are
// viewed, not copied: keep them alive as long as the core.
//
// Threading: a core (like its transport) serves one thread at a time.
//
// Secrets: header values set as secrets (or under an authentication header name) are scrubbed
// ("***") from every error text the core returns, even if a peer echoes them back.
//
// Observing: client_options::observer (or set_observer) is told about every send and every call
// (observer.hpp), with the same credentials redacted; reply_info carries the elapsed time.
//
// Decode options: the second template argument, a json::read_options (json/options.hpp), is how
// every success body this core decodes is read, through an endpoint's own decode too:
//
//   constexpr betwire::json::read_options strict{.max_depth = 16, .allow_unknown_keys = false};
//   betwire::http::client<net_type, strict> core{net};  // every call: unknown keys are errors
//
// The default, json::read_options{}, is the codec's default. Being a template argument it costs
// nothing at run time, and calls keep their signatures; core.call<E, O>(...) overrides it for one
// call. Error bodies are read by the endpoint's parse_error whatever the options say.

#include <betwire/core/config.hpp>
#include <betwire/core/error.hpp>
#include <betwire/core/result.hpp>
#include <betwire/http/concurrent.hpp>
#include <betwire/http/endpoint.hpp>
#include <betwire/http/message.hpp>
#include <betwire/http/observer.hpp>
#include <betwire/http/retry.hpp>
#include <betwire/http/secret.hpp>
#include <betwire/http/transport.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>

BETWIRE_BEGIN_NAMESPACE
namespace http {

// The by-value form of a call that decoded into `value`: the value on success, the error
// otherwise, with the reply's status and rate-limit information either way. Venue clients build
// their by-value overloads on it after their own handling of the reply<void> call.
template <class V>
[[nodiscard]] reply<V> with_value(reply<void>&& r, V value) {  // by value: an lvalue is copied, never referenced
  const reply_info info = r.info();
  if (!r) return {fail(std::move(r).error()), info};
  return {result<V>(std::move(value)), info};
}

struct client_options {
  http::retry_policy retry{};  // off unless retry.enabled
  std::uint64_t jitter_seed = 0;  // 0: derived from the client's address
  http::observer observer{};   // told about every send and every call (observer.hpp)
};

template <transport T, json::read_options Options = json::read_options{}>
class client {
 public:
  static constexpr std::size_t max_default_headers = 6;
  // How this core decodes success bodies (see the top of this file).
  static constexpr json::read_options decode_options = Options;

  explicit client(T& t, client_options options = {})
      : transport_(&t),
        policy_(options.retry),
        observer_(options.observer),
        jitter_(options.jitter_seed != 0 ? options.jitter_seed
                                         : static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(this)) |
                                               1U) {}

  // A header sent with every call (authentication, a wallet). Replaces one of the same name.
  // The value is viewed: keep it alive. Validated now (CR, LF, NUL refused) and on every send.
  result<void> set_header(std::string_view name, std::string_view value) {
    return put_header(name, value, is_sensitive_header(name));
  }
  // The same for a credential: its value is never printed and is scrubbed from error texts.
  result<void> set_header(std::string_view name, const secret& value) {
    return put_header(name, value.reveal(), true);
  }
  void remove_header(std::string_view name) noexcept {
    for (std::size_t i = 0; i < header_count_; ++i) {
      if (iequals(headers_[i].name, name)) {
        for (std::size_t j = i + 1; j < header_count_; ++j) {
          headers_[j - 1] = headers_[j];
          sensitive_[j - 1] = sensitive_[j];
        }
        --header_count_;
        return;
      }
    }
  }
  void clear_headers() noexcept { header_count_ = 0; }

  // ---- calls ----

  // Decodes into `out` (reusing its capacity). `extra` headers are added to this call only.
  // O: the decode options of this call (default: the core's).
  template <endpoint E, json::read_options O = Options>
    requires(!detail::has_path_type<E>)
  reply<void> call(const request_t<E>& req, response_t<E>& out, std::span<const header> extra = {}) {
    request r;
    if (auto b = http::build_request<E>(req, out_.buffers, r); !b) return refused<E>(std::move(b).error());
    return run<E, O>(r, out, extra);
  }

  template <endpoint E, json::read_options O = Options>
    requires detail::has_path_type<E>
  reply<void> call(const typename E::path_type& path_params, const request_t<E>& req, response_t<E>& out,
                   std::span<const header> extra = {}) {
    request r;
    if (auto b = http::build_request<E>(path_params, req, out_.buffers, r); !b)
      return refused<E>(std::move(b).error());
    return run<E, O>(r, out, extra);
  }

  // Returns the decoded value (a new one each call: for repeated calls prefer the overload above).
  template <endpoint E, json::read_options O = Options>
    requires(!detail::has_path_type<E>)
  reply<response_t<E>> call(const request_t<E>& req, std::span<const header> extra = {}) {
    response_t<E> out{};
    reply<void> r = call<E, O>(req, out, extra);
    return with_value(std::move(r), std::move(out));
  }

  template <endpoint E, json::read_options O = Options>
    requires detail::has_path_type<E>
  reply<response_t<E>> call(const typename E::path_type& path_params, const request_t<E>& req,
                            std::span<const header> extra = {}) {
    response_t<E> out{};
    reply<void> r = call<E, O>(path_params, req, out, extra);
    return with_value(std::move(r), std::move(out));
  }

  // Sends an already built request (headers of the core and `extra` added) and returns the raw
  // response: for callers that classify and decode themselves.
  reply<void> send(request& r, std::span<const header> extra = {}) {
    reply<void> sent = send_as(r, extra, {});
    if (observer_.wants_calls()) report_call(r, {}, sent);
    return sent;
  }

  // ---- composite operations (machines, http/concurrent.hpp) ----

  // Runs machine `m` to its end, one request at a time, each sent as a call of this core is: its
  // headers, deadline, retry policy, observer and transport. last_response() and
  // describe_last_request() then show the machine's last request and its answer. The venue
  // clients' blocking composite calls are this: the machine is the one implementation.
  template <machine M>
  void drive(M& m) {
    while (step(m)) {
    }
  }

  // One request of `m`: asks it for one, sends it, hands the answer back. False when it had
  // nothing to send (done; a machine waiting with nothing outstanding would wait for ever).
  template <machine M>
  bool step(M& m) {
    out_.request = request{};
    out_.id = 0;
    out_.endpoint = {};
    if (m.next(out_) != next_step::send) return false;
    request& r = out_.request;
    reply<void> sent = send_as(r, {}, out_.endpoint);
    last_request_ = r;  // views out_.buffers, as a call's does
    (void)add_headers(last_request_, {});
    if (observer_.wants_calls()) report_call(last_request_, out_.endpoint, sent);
    const header_source hs = headers_source();
    const reply_info info = sent.info();
    answer a{out_.id, std::move(sent).as_result(), response_, info, &hs};
    m.complete(a);
    return true;
  }

  // This core's headers and credential scrubbing, for operations an http::pipeline runs on its
  // behalf (the core must outlive them).
  [[nodiscard]] header_source headers_source() const noexcept {
    header_source h;
    h.self = this;
    h.add = [](const void* self, request& r) { return static_cast<const client*>(self)->add_headers(r, {}); };
    h.scrub = [](const void* self, error e) { return static_cast<const client*>(self)->scrubbed(std::move(e)); };
    h.redact = [](const void* self, std::string_view text, std::string& buffer) {
      const auto* c = static_cast<const client*>(self);
      redactor secrets;
      for (std::size_t i = 0; i < c->header_count_; ++i)
        if (c->sensitive_[i]) secrets.add(c->headers_[i].value);
      return secrets.text(text, buffer);
    };
    h.observer = &observer_;
    return h;
  }

  // ---- state ----

  [[nodiscard]] const response& last_response() const noexcept { return response_; }
  [[nodiscard]] response& last_response() noexcept { return response_; }
  [[nodiscard]] http::retry_policy& retry_policy() noexcept { return policy_; }
  [[nodiscard]] const http::retry_policy& retry_policy() const noexcept { return policy_; }
  void set_retry_policy(const http::retry_policy& p) noexcept { policy_ = p; }
  void set_clock(const retry_clock& c) noexcept { clock_ = c; }
  // A deadline for every following call until clear_deadline() (http::request::deadline): the
  // libcurl transports shorten their timeout to it, the retry policy waits for nothing past it.
  void set_deadline(std::chrono::steady_clock::time_point when) noexcept { deadline_ = when; }
  void clear_deadline() noexcept { deadline_ = {}; }
  // The observer (observer.hpp); a default-constructed one turns observing off.
  void set_observer(const http::observer& o) noexcept { observer_ = o; }
  [[nodiscard]] const http::observer& observer() const noexcept { return observer_; }
  [[nodiscard]] T& transport() noexcept { return *transport_; }

  // The request of the last call (without its per-call extra headers), formatted with its
  // authentication headers redacted.
  [[nodiscard]] std::string describe_last_request() const { return describe(last_request_); }

 private:
  result<void> put_header(std::string_view name, std::string_view value, bool sensitive) {
    if (auto v = validate_header(name, value); !v) return v;
    for (std::size_t i = 0; i < header_count_; ++i) {
      if (iequals(headers_[i].name, name)) {
        headers_[i].value = value;
        sensitive_[i] = sensitive;
        return {};
      }
    }
    if (header_count_ == max_default_headers)
      return fail(error(error_category::validation, errc::too_many_items, "too many client headers"));
    headers_[header_count_] = header{name, value};
    sensitive_[header_count_] = sensitive;
    ++header_count_;
    return {};
  }

  result<void> add_headers(request& r, std::span<const header> extra) const {
    r.clear_headers();
    for (std::size_t i = 0; i < header_count_; ++i)
      if (auto a = r.add_header(headers_[i].name, headers_[i].value); !a) return a;
    if (auto a = r.add_header("Accept", "application/json"); !a) return a;
    if (!r.body.empty())
      if (auto a = r.add_header("Content-Type", "application/json"); !a) return a;
    for (const header& h : extra)
      if (auto a = r.add_header(h.name, h.value); !a) return a;
    return {};
  }

  reply<void> send_as(request& r, std::span<const header> extra, std::string_view endpoint) {
    reply_info info;
    if (auto h = add_headers(r, extra); !h) return {fail(scrubbed(std::move(h).error())), info};
    if (deadline_ != std::chrono::steady_clock::time_point{}) r.deadline = deadline_;
    attempt_info attempts;
    result<void> sent = observer_.wants_attempts()
                            ? send_observed(r, extra, endpoint, attempts)
                            : send_with_retry(*transport_, r, response_, policy_, clock_, jitter_, attempts);
    info = make_info(attempts);
    if (!sent) return {fail(scrubbed(std::move(sent).error())), info};
    return {result<void>{}, info};
  }

  result<void> send_observed(const request& r, std::span<const header> extra, std::string_view endpoint,
                             attempt_info& attempts) {
    result<void> sent = send_with_retry(
        *transport_, r, response_, policy_, clock_, jitter_, attempts, [&](const retried_attempt& a) {
          report_attempt(r, extra, endpoint, a.attempt, a.slept_before, a.elapsed, *a.sent, false);
        });
    report_attempt(r, extra, endpoint, attempts.attempts, attempts.slept_before_last, attempts.last_send, sent,
                   true);
    return sent;
  }

  template <endpoint E, json::read_options O>
  reply<void> run(request& r, response_t<E>& out, std::span<const header> extra) {
    reply<void> sent = send_as(r, extra, E::path);
    // Kept for describe_last_request(): the per-call `extra` headers are dropped (the caller's
    // array may not outlive the call); everything else views the core's own buffers.
    last_request_ = r;
    (void)add_headers(last_request_, {});
    // A body that carries credentials (an account's password) is never described.
    if constexpr (detail::has_sensitive_body<E>)
      if (!last_request_.body.empty()) last_request_.body = secret::redacted();
    if (sent) {
      result<void> decoded = http::read_response<E, O>(response_, out);
      if (!decoded) sent = {fail(scrubbed(std::move(decoded).error())), sent.info()};
    }
    if (observer_.wants_calls()) report_call(last_request_, E::path, sent);
    return sent;
  }

  // A call refused before anything was sent (validation, encoding).
  template <endpoint E>
  reply<void> refused(error e) {
    reply<void> r{fail(scrubbed(std::move(e))), {}};
    if (observer_.wants_calls()) {
      call_event ev;
      ev.method = E::method;
      ev.endpoint = E::path;
      ev.error = &r.error();
      observer_.call(ev);
    }
    return r;
  }

  reply_info make_info(const attempt_info& a) const {
    reply_info info;
    info.status = response_.status;
    info.rate_limit = response_.rate_limit;
    info.retry_after = response_.retry_after;
    info.attempts = a.attempts;
    info.elapsed = a.elapsed;
    info.slept = a.slept;
    return info;
  }

  // ---- observing: every text an observer sees goes through redactor_ ----

  const redactor& observed_secrets(std::span<const header> extra) {
    redactor_.clear();
    for (std::size_t i = 0; i < header_count_; ++i)
      if (sensitive_[i]) redactor_.add(headers_[i].value);
    for (const header& h : extra)
      if (is_sensitive_header(h.name)) redactor_.add(h.value);
    return redactor_;
  }

  void report_attempt(const request& r, std::span<const header> extra, std::string_view endpoint,
                      std::uint32_t attempt, std::chrono::milliseconds slept_before,
                      std::chrono::nanoseconds elapsed, const result<void>& sent, bool last) {
    const redactor& secrets = observed_secrets(extra);
    attempt_event ev;
    ev.method = r.method;
    ev.endpoint = endpoint;
    ev.target = secrets.text(r.target, observed_text_);
    ev.attempt = attempt;
    ev.slept_before = slept_before;
    ev.elapsed = elapsed;
    ev.last = last;
    if (sent) {
      ev.status = response_.status;
      ev.rate_limit = response_.rate_limit;
      ev.retry_after = response_.retry_after;
      observer_.attempt(ev);
    } else {
      const error e = secrets.scrubbed(sent.error());
      ev.error = &e;
      observer_.attempt(ev);
    }
  }

  void report_call(const request& r, std::string_view endpoint, const reply<void>& done) {
    const redactor& secrets = observed_secrets({});
    call_event ev;
    ev.method = r.method;
    ev.endpoint = endpoint;
    ev.target = secrets.text(r.target, observed_text_);
    ev.attempts = done.attempts();
    ev.elapsed = done.info().elapsed;
    ev.slept = done.info().slept;
    ev.status = done.status();
    ev.rate_limit = done.rate_limit();
    ev.retry_after = done.retry_after();
    if (!done) ev.error = &done.error();  // already scrubbed by the core
    observer_.call(ev);
  }

  // Removes every credential this core sends from an error's texts.
  error scrubbed(error e) const {
    for (std::size_t i = 0; i < header_count_; ++i) {
      if (!sensitive_[i]) continue;
      scrub(e, headers_[i].value);
    }
    return e;
  }

  T* transport_;
  http::retry_policy policy_;
  retry_clock clock_{};
  http::observer observer_;
  std::chrono::steady_clock::time_point deadline_{};
  redactor redactor_;
  std::string observed_text_;  // a redacted target, when it held a credential
  jitter_source jitter_;
  outgoing out_;  // the buffers of calls and of the machines' requests (drive)
  response response_;
  request last_request_;
  std::array<header, max_default_headers> headers_{};
  std::array<bool, max_default_headers> sensitive_{};
  std::size_t header_count_ = 0;
};

}  // namespace http
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_HTTP_CLIENT_HPP
