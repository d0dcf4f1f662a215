#ifndef BETWIRE_HTTP_OBSERVER_HPP
#define BETWIRE_HTTP_OBSERVER_HPP

// Observing calls: a hook every client accepts (client_options::observer, set_observer) that is
// told about each attempt (each send, retries included) and about each call once it has returned.
//
//   struct line_logger {
//     void operator()(const betwire::http::call_event& e) const {
//       std::printf("%s %.*s -> %d in %lld us (%u attempts)\n", ...);
//     }
//   } logger;
//   abp.set_observer(betwire::http::observe(logger));   // viewed, not copied: keep `logger` alive
//
// Secrets stay out by construction: an event carries no header and no body, only the method, the
// endpoint's path template, the target (path and query) with every credential the client sends
// replaced by "***", numbers, the rate-limit headers and an error whose texts have been scrubbed
// the same way. A transport decorator, by contrast, sees the raw request: observe here instead.
//
// Events are views: their strings and the error are valid during the callback only.
// Observers run on the calling thread, synchronously; a slow observer slows the call.

#include <betwire/core/config.hpp>
#include <betwire/core/error.hpp>
#include <betwire/http/message.hpp>
#include <betwire/http/secret.hpp>

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

BETWIRE_BEGIN_NAMESPACE
namespace http {

// One send of a call, reported when the transport has returned and the retry policy has decided
// whether another send follows.
struct attempt_event {
  http::method method = http::method::get;
  std::string_view endpoint;                 // the path template ("/bets/{betId}"); empty for send()
  std::string_view target;                   // path and query as sent, credentials as "***"
  std::uint32_t attempt = 0;                 // 1 for the first send
  std::chrono::milliseconds slept_before{0}; // waited before this send (0 for the first)
  std::chrono::nanoseconds elapsed{0};       // this send, in the transport
  int status = 0;                            // 0: no complete response (see `error`)
  http::rate_limit_info rate_limit{};        // X-RateLimit-* of this response
  std::optional<std::chrono::seconds> retry_after{};
  const betwire::error* error = nullptr;     // the transport's failure (scrubbed); null when a
                                             // response arrived, whatever its status
  bool last = true;                          // no other send follows
};

// One call, reported once, when it returns: after decoding, with the error the caller gets.
struct call_event {
  http::method method = http::method::get;
  std::string_view endpoint;                 // the path template; empty for send()
  std::string_view target;                   // as in attempt_event; empty when nothing was built
  std::uint32_t attempts = 0;                // sends made (0: refused before sending)
  std::chrono::nanoseconds elapsed{0};       // first send to last response, waits included
  std::chrono::milliseconds slept{0};        // total wait between sends
  int status = 0;                            // of the last response; 0 when none
  http::rate_limit_info rate_limit{};
  std::optional<std::chrono::seconds> retry_after{};
  const betwire::error* error = nullptr;     // what the call returns (scrubbed); null on success
};

// The hook: a context pointer and up to two functions; either may be null. Cheap to copy; it does
// not own its context.
struct observer {
  void* context = nullptr;
  void (*on_attempt)(void* context, const attempt_event&) = nullptr;
  void (*on_call)(void* context, const call_event&) = nullptr;

  [[nodiscard]] constexpr bool wants_attempts() const noexcept { return on_attempt != nullptr; }
  [[nodiscard]] constexpr bool wants_calls() const noexcept { return on_call != nullptr; }
  [[nodiscard]] constexpr explicit operator bool() const noexcept {
    return on_attempt != nullptr || on_call != nullptr;
  }
  void attempt(const attempt_event& e) const {
    if (on_attempt) on_attempt(context, e);
  }
  void call(const call_event& e) const {
    if (on_call) on_call(context, e);
  }
};

// An observer viewing `f`, which is called with an attempt_event, a call_event, or both, whichever
// it accepts (at least one). `f` must outlive every client it is given to.
template <class F>
[[nodiscard]] observer observe(F& f) noexcept {
  constexpr bool attempts = std::is_invocable_v<F&, const attempt_event&>;
  constexpr bool calls = std::is_invocable_v<F&, const call_event&>;
  static_assert(attempts || calls, "observe(f): f must be callable with an attempt_event or a call_event");
  observer o;
  o.context = const_cast<void*>(static_cast<const void*>(&f));
  if constexpr (attempts)
    o.on_attempt = [](void* c, const attempt_event& e) { (*static_cast<F*>(c))(e); };
  if constexpr (calls)
    o.on_call = [](void* c, const call_event& e) { (*static_cast<F*>(c))(e); };
  return o;
}
template <class F>
observer observe(F&& f) = delete;  // a temporary would dangle: pass an object that outlives the client

// Replaces credentials in what observers see. Holds views of up to max_secrets values; values
// shorter than 4 bytes are ignored (see scrub). Used by http::client, and by any other driver that
// reports to an observer, so that every event is redacted the same way.
class redactor {
 public:
  static constexpr std::size_t max_secrets = 8;

  void clear() noexcept { count_ = 0; }
  void add(std::string_view value) noexcept {
    if (value.size() < 4 || count_ == max_secrets) return;
    secrets_[count_++] = value;
  }

  // `text` itself when it holds no credential; otherwise a scrubbed copy kept in `buffer`.
  [[nodiscard]] std::string_view text(std::string_view text, std::string& buffer) const {
    bool found = false;
    for (std::size_t i = 0; i < count_ && !found; ++i)
      found = text.find(secrets_[i]) != std::string_view::npos;
    if (!found) return text;
    buffer.assign(text);
    for (std::size_t i = 0; i < count_; ++i) scrub(buffer, secrets_[i]);
    return buffer;
  }

  // Every text of `e` scrubbed.
  [[nodiscard]] betwire::error scrubbed(betwire::error e) const {
    for (std::size_t i = 0; i < count_; ++i) scrub(e, secrets_[i]);
    return e;
  }

 private:
  std::array<std::string_view, max_secrets> secrets_{};
  std::size_t count_ = 0;
};

}  // namespace http
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_HTTP_OBSERVER_HPP
