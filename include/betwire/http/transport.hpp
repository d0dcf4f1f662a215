#ifndef BETWIRE_HTTP_TRANSPORT_HPP
#define BETWIRE_HTTP_TRANSPORT_HPP

// The betwire::transport concept: the only thing betwire needs from a network layer.
//
//   struct my_transport {
//     betwire::result<void> send(const betwire::http::request& req, betwire::http::response& resp);
//   };
//
// The contract (docs/http.md says the same with an example):
//
// * Base URL. The transport owns the scheme, host, port and base path. `req.target` is the path
//   plus encoded query, always starting with '/', and is APPENDED to the base URL's path:
//   base `http://127.0.0.1:8080/abp` + target `/orders?userRef=x` is
//   `http://127.0.0.1:8080/abp/orders?userRef=x`. The target is already percent-encoded; send it as
//   it is, do not re-encode or normalise it.
// * Request. Send `req.method`, every header of `req.headers()` (already validated: no CR, LF or
//   NUL), and `req.body` as the body (with its Content-Length) when it is not empty — for POST,
//   PUT, PATCH and DELETE send it even when empty (Content-Length: 0). `req.idempotency` and
//   `req.idempotency_key` are for the retry policy; a transport may ignore them, and must not
//   re-send on its own a request whose idempotency is `never` or `keyed` (document it if the
//   underlying library does).
// * Response. Start with `resp.clear()`. Then fill `resp.status` with the final status code, hand
//   every received header to `resp.set_header(name, value)` (it keeps Content-Type, Retry-After and
//   X-RateLimit-*), and put the decoded body (after Content-Encoding) in `resp.body`, replacing what
//   was there — `resp.body` keeps its capacity across calls, so appending into it after clear()
//   allocates nothing once warm.
// * Result. Return success whenever a complete HTTP response was received, WHATEVER its status:
//   a 404, a 429 or an HTML 502 page from a proxy is a response, not a transport error; the client
//   classifies it. Return `betwire::fail(http::transport_error(errc::..., "..."))` only when no
//   complete response was received, with the closest code:
//     connect_failed    could not resolve or connect
//     timeout           connect or total timeout elapsed
//     connection_reset  the peer closed or reset the connection before a full response
//     tls_failed        TLS handshake or certificate verification failed
//     truncated_body    the body ended before its Content-Length / final chunk
//     body_too_large    the body exceeded the transport's configured limit
//     transport_failed  anything else
//   The message is for people; it must not contain header values (API keys).
// * Threading. A transport is used by one thread at a time; betwire never calls send concurrently
//   on one transport. Use one transport (and one client) per thread.
// * Exceptions. send must not throw (betwire builds with -fno-exceptions).

#include <betwire/core/config.hpp>
#include <betwire/core/error.hpp>
#include <betwire/core/result.hpp>
#include <betwire/http/message.hpp>

#include <concepts>
#include <string>
#include <utility>

BETWIRE_BEGIN_NAMESPACE

template <class T>
concept transport = requires(T& t, const http::request& req, http::response& resp) {
  { t.send(req, resp) } -> std::same_as<result<void>>;
};

namespace http {

// A transport failure: category transport, the given code.
[[nodiscard]] inline error transport_error(errc code, std::string message) {
  return error(error_category::transport, code, std::move(message));
}

}  // namespace http
BETWIRE_END_NAMESPACE

#endif  // BETWIRE_HTTP_TRANSPORT_HPP
