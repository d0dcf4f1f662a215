#ifndef BETWIRE_TEST_SCRIPTED_TRANSPORT_HPP
#define BETWIRE_TEST_SCRIPTED_TRANSPORT_HPP

// A betwire::transport for tests: plays back a script of responses and transport failures, one
// per send, and records every request it was given (copied, so the test can inspect it after the
// client's buffers have moved on). Also a fake retry clock that records sleeps instead of sleeping,
// and replay_transport for zero-allocation tests.

#include <betwire/core/error.hpp>
#include <betwire/core/result.hpp>
#include <betwire/http/message.hpp>
#include <betwire/http/retry.hpp>
#include <betwire/http/transport.hpp>

#include <chrono>
#include <cstddef>
#include <deque>
#include <string>
#include <utility>
#include <vector>

namespace betwire::test {

struct recorded_request {
  http::method method = http::method::get;
  std::string target;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  http::idempotency idempotency = http::idempotency::never;
  std::string idempotency_key;

  [[nodiscard]] const std::string* header(std::string_view name) const {
    for (const auto& h : headers)
      if (http::iequals(h.first, name)) return &h.second;
    return nullptr;
  }
};

class scripted_transport {
 public:
  struct step {
    bool is_failure = false;
    errc failure = errc::none;
    std::string failure_message;
    int status = 200;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    std::chrono::milliseconds takes{0};  // advances the attached fake clock
  };

  // A response. Headers are fed through response::set_header, like a real transport does.
  scripted_transport& respond(int status, std::string body,
                              std::vector<std::pair<std::string, std::string>> headers = {}) {
    step s;
    s.status = status;
    s.body = std::move(body);
    s.headers = std::move(headers);
    script_.push_back(std::move(s));
    return *this;
  }

  // A transport failure (no response).
  scripted_transport& fail_with(errc code, std::string message = "scripted failure") {
    step s;
    s.is_failure = true;
    s.failure = code;
    s.failure_message = std::move(message);
    script_.push_back(std::move(s));
    return *this;
  }

  // Makes the last scripted step take this long on the attached clock.
  scripted_transport& taking(std::chrono::milliseconds d) {
    if (!script_.empty()) script_.back().takes = d;
    return *this;
  }

  void attach_clock(std::chrono::milliseconds* now) { now_ = now; }

  result<void> send(const http::request& req, http::response& resp) {
    recorded_request rec;
    rec.method = req.method;
    rec.target = std::string(req.target);
    rec.body = std::string(req.body);
    for (const auto& h : req.headers()) rec.headers.emplace_back(std::string(h.name), std::string(h.value));
    rec.idempotency = req.idempotency;
    rec.idempotency_key = std::string(req.idempotency_key);
    requests.push_back(std::move(rec));

    resp.clear();
    if (script_.empty())
      return fail(http::transport_error(errc::transport_failed, "scripted_transport: script exhausted"));
    step s = std::move(script_.front());
    script_.pop_front();
    if (now_) *now_ += s.takes;
    if (s.is_failure) return fail(http::transport_error(s.failure, s.failure_message));
    resp.status = s.status;
    for (const auto& h : s.headers) resp.set_header(h.first, h.second);
    resp.body.append(s.body);
    return {};
  }

  [[nodiscard]] std::size_t remaining() const noexcept { return script_.size(); }

  std::vector<recorded_request> requests;

 private:
  std::deque<step> script_;
  std::chrono::milliseconds* now_ = nullptr;
};

static_assert(transport<scripted_transport>);

// A clock for the retry policy that never sleeps: sleeping advances `now` and is recorded.
struct fake_clock {
  std::chrono::milliseconds now{0};
  std::vector<std::chrono::milliseconds> sleeps;

  [[nodiscard]] http::retry_clock clock() {
    http::retry_clock c;
    c.context = this;
    c.now = [](void* self) {
      return http::retry_clock::time_point(
          std::chrono::duration_cast<std::chrono::steady_clock::duration>(static_cast<fake_clock*>(self)->now));
    };
    c.sleep_for = [](void* self, std::chrono::nanoseconds d) {
      auto* f = static_cast<fake_clock*>(self);
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d);
      f->sleeps.push_back(ms);
      f->now += ms;
    };
    return c;
  }
};

// Answers every request 200 with canned bodies in turn. It records nothing and copies each body
// into the client's warm response buffer, so a warm call through it allocates only what the client
// does: for zero-allocation tests (scripted_transport copies every request).
struct replay_transport {
  const std::vector<std::string>* bodies;
  std::size_t next = 0;
  betwire::result<void> send(const http::request&, http::response& resp) {
    resp.clear();
    resp.status = 200;
    resp.body.append((*bodies)[next % bodies->size()]);
    ++next;
    return {};
  }
};

}  // namespace betwire::test

#endif  // BETWIRE_TEST_SCRIPTED_TRANSPORT_HPP
