#ifndef BETWIRE_TRANSPORT_CURL_HPP
#define BETWIRE_TRANSPORT_CURL_HPP

// betwire::curl_transport: the default transport, on libcurl. Opt-in: include this header and link
// libcurl (CMake: betwire::curl). It is the only file of betwire that includes <curl/curl.h>.
//
//   auto net = betwire::curl_transport::create({.base_url = "https://v2.55-tech.com"});
//   if (!net) { report(net.error()); return; }
//   betwire::http::client<betwire::curl_transport> core{*net};
//
// or, when an error can be checked later, the constructor (it cannot fail; an invalid
// configuration is reported by valid()/error() and by every send()):
//
//   betwire::curl_transport net{{.base_url = "https://v2.55-tech.com"}};
//
// * One easy handle, reused: connections are kept alive between calls (and HTTP/2 negotiated over
//   TLS where libcurl has it); TCP_NODELAY; connect and total timeouts; compressed responses
//   accepted (and decoded before max_body_bytes is checked); the body written straight into the
//   caller's reusable response buffer; only Content-Type, Retry-After and X-RateLimit-* kept from
//   the headers. Redirects are not followed.
// * Security: TLS peer and host verification on (ca_file / ca_path to choose the roots). Plain
//   http is refused (errc::insecure_url) unless the host is loopback (127.0.0.0/8, ::1, localhost)
//   or allow_insecure_http is set. Only http and https are allowed as protocols.
// * Threading: a curl_transport is used by one thread at a time (like its easy handle). Give each
//   thread its own. A second transport also keeps urgent calls (cancels) from queueing behind a
//   slow read on the first. libcurl's global initialisation is done once, thread-safely, by the
//   first transport created.
// * Errors: libcurl's codes map to errc (CURLE_OPERATION_TIMEDOUT -> timeout, CURLE_COULDNT_CONNECT
//   -> connect_failed, CURLE_RECV_ERROR / CURLE_GOT_NOTHING -> connection_reset, CURLE_PARTIAL_FILE
//   -> truncated_body, SSL errors -> tls_failed, a body over max_body_bytes or response headers
//   over max_header_bytes (256 KB) -> body_too_large, the
//   rest -> transport_failed). Messages never contain header values.
// * Re-sends: libcurl itself re-sends a request once on a new connection when a reused keep-alive
//   connection dies before any response byte (see fresh_connection_for_mutations).
// * Also: http::request::deadline (a per-request limit), DNS pre-resolve, the local interface,
//   the minimum TLS version, a client certificate (mTLS), warm_up() (connect ahead of the first
//   call), low-speed abort, and the escape hatch to the CURL* handle (configure_handle,
//   native_handle()) for anything else. docs/http.md, "The libcurl transport", has the details.

#include <betwire/core/config.hpp>
#include <betwire/core/error.hpp>
#include <betwire/core/result.hpp>
#include <betwire/http/message.hpp>
#include <betwire/http/secret.hpp>
#include <betwire/http/transport.hpp>
#include <betwire/version.hpp>

#include <curl/curl.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#define BETWIRE_CURL_STR2(x) #x
#define BETWIRE_CURL_STR(x) BETWIRE_CURL_STR2(x)

BETWIRE_BEGIN_NAMESPACE

// The lowest TLS version a connection may use (CURLOPT_SSLVERSION).
enum class tls_version : std::uint8_t { library_default, v1_2, v1_3 };

struct curl_options {
  // scheme://host[:port][/base/path] — request targets are appended to the path.
  std::string base_url{};
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds total_timeout{30000};  // per attempt, connect included
  std::string ca_file{};                           // PEM bundle of trusted roots (CURLOPT_CAINFO)
  std::string ca_path{};                           // directory of trusted roots (CURLOPT_CAPATH)
  std::string proxy{};                             // e.g. "http://proxy:3128"; empty = none
  bool allow_insecure_http = false;                // plain http to a non-loopback host
  bool verify_tls = true;                          // turning it off is for testing only
  std::size_t max_body_bytes = std::size_t{64} << 20;
  std::string user_agent = "betwire/" BETWIRE_CURL_STR(BETWIRE_VERSION_MAJOR) "." BETWIRE_CURL_STR(
      BETWIRE_VERSION_MINOR) "." BETWIRE_CURL_STR(BETWIRE_VERSION_PATCH);
  bool http2 = true;  // negotiate HTTP/2 over TLS when libcurl supports it
  // Compressed responses we accept. Brotli is left out on purpose: servers tend to compress it at
  // a high quality setting, which costs milliseconds per response (12 ms for a 9 KB page of the
  // simulator) against microseconds for gzip. "" = every encoding libcurl can decode.
  std::string accept_encoding = "gzip, deflate";
  // libcurl silently re-sends a request, on a new connection, when a REUSED keep-alive connection
  // closes before any byte of the response arrives (the stale-connection race) — whatever the
  // method. When true, requests whose idempotency is `never` or `keyed` are sent on a fresh
  // connection, so libcurl cannot re-send them; it costs a connect (and TLS handshake) per such
  // request. Off by default: ABP placements carry their requestUuid, which the venue
  // de-duplicates, and the venues' cancels are idempotent.
  bool fresh_connection_for_mutations = false;

  // ---- connections ----
  // DNS pre-resolve (CURLOPT_RESOLVE): "host:port:address[,address...]" entries used instead of
  // asking DNS, e.g. to skip a lookup on the first call or to pin a host to one address.
  std::vector<std::string> resolve{};
  // The local interface or address to send from (CURLOPT_INTERFACE): "eth0", "if!eth0" (an
  // interface only), "host!192.0.2.7" (an address only) or an address. Empty: the system's choice.
  std::string local_interface{};
  // Abort a transfer slower than low_speed_bytes bytes per second for low_speed_time (a stalled
  // peer), as errc::timeout, well before total_timeout. 0 bytes: off.
  std::size_t low_speed_bytes = 0;
  std::chrono::seconds low_speed_time{10};

  // ---- TLS ----
  tls_version min_tls = tls_version::v1_2;
  // A client certificate (mutual TLS), PEM files: the certificate (with its chain) and its private
  // key (CURLOPT_SSLCERT, CURLOPT_SSLKEY); the key's passphrase, when it is encrypted, as a secret.
  std::string client_cert{};
  std::string client_key{};
  betwire::secret client_key_password{};

  // ---- the escape hatch ----
  // Called with every easy handle a libcurl backend sets up, after betwire's own options: set any
  // libcurl option betwire does not expose. Leave alone what betwire drives per request (URL,
  // headers, method and body, the write/header callbacks and their data, the timeout, the error
  // buffer, CURLOPT_PRIVATE). Must not throw.
  std::function<void(CURL*)> configure_handle{};
};

#undef BETWIRE_CURL_STR
#undef BETWIRE_CURL_STR2

namespace detail::curl {

[[nodiscard]] inline CURLcode global_init() noexcept {
  // A function-local static: initialised exactly once, thread-safely (C++11 magic statics).
  static const CURLcode rc = curl_global_init(CURL_GLOBAL_DEFAULT);
  return rc;
}

[[nodiscard]] constexpr bool is_ipv4_loopback(std::string_view host) noexcept {
  // Four dotted decimal octets, the first 127.
  int parts = 0;
  std::size_t i = 0;
  int first = -1;
  while (i <= host.size()) {
    std::size_t j = i;
    int v = 0;
    while (j < host.size() && host[j] >= '0' && host[j] <= '9' && j - i < 3) {
      v = v * 10 + (host[j] - '0');
      ++j;
    }
    if (j == i || v > 255) return false;
    if (parts == 0) first = v;
    ++parts;
    if (j == host.size()) break;
    if (host[j] != '.') return false;
    i = j + 1;
    if (i == host.size()) return false;
  }
  return parts == 4 && first == 127;
}

[[nodiscard]] constexpr bool is_loopback_host(std::string_view host) noexcept {
  if (!host.empty() && host.back() == '.') host.remove_suffix(1);
  return http::iequals(host, "localhost") || host == "[::1]" || is_ipv4_loopback(host);
}

struct parsed_url {
  std::string_view scheme;
  std::string_view host;  // as written, IPv6 with brackets
};

// Splits scheme and host out of an absolute URL; an error for anything betwire cannot use.
[[nodiscard]] inline result<parsed_url> parse_base_url(std::string_view url) {
  auto bad = [](std::string msg) {
    return fail(error(error_category::validation, errc::invalid_argument, std::move(msg)));
  };
  const std::size_t sep = url.find("://");
  if (sep == std::string_view::npos || sep == 0) return bad("base_url needs a scheme (https://host)");
  parsed_url out;
  out.scheme = url.substr(0, sep);
  if (!http::iequals(out.scheme, "https") && !http::iequals(out.scheme, "http"))
    return fail(error(error_category::validation, errc::insecure_url,
                      "base_url scheme must be https (or http to loopback)"));
  std::string_view rest = url.substr(sep + 3);
  const std::size_t end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  if (end != std::string_view::npos && rest.find_first_of("?#", end) != std::string_view::npos)
    return bad("base_url must not contain a query or a fragment");
  if (authority.find('@') != std::string_view::npos)
    return bad("base_url must not contain credentials (user@host)");
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad("base_url has an unterminated IPv6 address");
    out.host = authority.substr(0, close + 1);
  } else {
    out.host = authority.substr(0, authority.find(':'));
  }
  if (out.host.empty()) return bad("base_url has no host");
  for (char c : url)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
      return bad("base_url contains a space or a control character");
  return out;
}

[[nodiscard]] inline errc map_code(CURLcode rc) noexcept {
  switch (rc) {
    case CURLE_OPERATION_TIMEDOUT:
      return errc::timeout;
    case CURLE_COULDNT_CONNECT:
    case CURLE_INTERFACE_FAILED:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return errc::connect_failed;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return errc::connection_reset;
    case CURLE_PARTIAL_FILE:
      return errc::truncated_body;
    case CURLE_FILESIZE_EXCEEDED:
      return errc::body_too_large;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_SSL_ENGINE_NOTFOUND:
    case CURLE_SSL_ENGINE_SETFAILED:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_SHUTDOWN_FAILED:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
    case CURLE_SSL_ENGINE_INITFAILED:
    case CURLE_USE_SSL_FAILED:
      return errc::tls_failed;
    default:
      return errc::transport_failed;
  }
}

struct call_context {
  http::response* resp = nullptr;
  std::size_t max_body = 0;
  bool too_large = false;
  std::size_t header_bytes = 0;   // of the response's header blocks so far
  bool headers_too_large = false;
};

// Response headers beyond this are refused (body_too_large) before libcurl's own, later limit
// turns them into a recv error that would look transient and be retried.
inline constexpr std::size_t max_header_bytes = std::size_t{256} << 10;

inline std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) noexcept {
  auto* ctx = static_cast<call_context*>(user);
  const std::size_t n = size * count;
  if (ctx->resp->body.size() + n > ctx->max_body) {
    ctx->too_large = true;
    return 0;  // makes libcurl stop with CURLE_WRITE_ERROR
  }
  ctx->resp->body.append(data, n);
  return n;
}

inline std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) noexcept {
  auto* ctx = static_cast<call_context*>(user);
  const std::size_t n = size * count;
  ctx->header_bytes += n;
  if (ctx->header_bytes > max_header_bytes) {
    ctx->headers_too_large = true;
    return 0;  // CURLE_WRITE_ERROR
  }
  const std::string_view line(data, n);
  if (line.starts_with("HTTP/")) {
    // A new header block (after 100-continue or an informational response): start over.
    ctx->resp->clear_headers();
    return n;
  }
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  const std::string_view name = line.substr(0, colon);
  const std::string_view value = http::trim_ows(line.substr(colon + 1));
  if (http::iequals(name, "content-length")) {
    // Refuse early, and size the buffer once.
    std::uint64_t len = 0;
    bool ok = !value.empty();
    for (char c : value) {
      if (c < '0' || c > '9' || len > (UINT64_MAX - 9) / 10) {
        ok = false;
        break;
      }
      len = len * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (ok) {
      if (len > ctx->max_body) {
        ctx->too_large = true;
        return 0;  // CURLE_WRITE_ERROR
      }
      if (ctx->resp->body.capacity() < len) ctx->resp->body.reserve(static_cast<std::size_t>(len));
    }
    return n;
  }
  ctx->resp->set_header(name, value);
  return n;
}

}  // namespace detail::curl

namespace detail::curl {

// The options' checks shared by every libcurl backend: a usable base URL, the https rule, and
// libcurl's global initialisation.
[[nodiscard]] inline result<void> check_options(const curl_options& options) {
  auto url = parse_base_url(options.base_url);
  if (!url) return fail(url.error());
  const bool plain = http::iequals(url->scheme, "http");
  if (plain && !options.allow_insecure_http && !is_loopback_host(url->host))
    return fail(error(error_category::validation, errc::insecure_url,
                      "plain http to a non-loopback host is refused; use https, or set "
                      "allow_insecure_http"));
  auto bad = [](std::string msg) {
    return fail(error(error_category::validation, errc::invalid_argument, std::move(msg)));
  };
  for (const std::string& entry : options.resolve) {
    // host:port:address — or libcurl's "+host:port:address" / "-host:port" forms.
    std::size_t colons = 0;
    for (char c : entry) {
      if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return bad("a resolve entry contains a space or a control character");
      colons += c == ':' ? 1 : 0;
    }
    if (entry.empty() || (entry.front() != '-' && colons < 2))
      return bad("a resolve entry must be host:port:address");
  }
  for (char c : options.local_interface)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return bad("local_interface contains a space or a control character");
  if (options.low_speed_bytes > 0 && options.low_speed_time.count() < 1)
    return bad("low_speed_time must be at least one second");
  if (!options.client_key.empty() && options.client_cert.empty())
    return bad("client_key without client_cert");
  if (!options.client_key_password.empty() && options.client_key.empty() && options.client_cert.empty())
    return bad("client_key_password without a client certificate");
  if (global_init() != CURLE_OK)
    return fail(http::transport_error(errc::transport_failed, "curl_global_init failed"));
  return {};
}

[[nodiscard]] constexpr long ssl_version(tls_version v) noexcept {
  switch (v) {
    case tls_version::library_default: return CURL_SSLVERSION_DEFAULT;
    case tls_version::v1_2: return CURL_SSLVERSION_TLSv1_2;
    case tls_version::v1_3: return CURL_SSLVERSION_TLSv1_3;
  }
  return CURL_SSLVERSION_TLSv1_2;
}

// The options every easy handle of every libcurl backend gets (timeouts, TLS, protocols,
// callbacks). The one place to add a libcurl option that applies to all of them.
inline void configure_easy(CURL* h, const curl_options& options, char* errbuf) noexcept {
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options.connect_timeout.count()));
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(options.total_timeout.count()));
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500  // 7.85.0
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
#else
  curl_easy_setopt(h, CURLOPT_PROTOCOLS, static_cast<long>(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, options.verify_tls ? 1L : 0L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, options.verify_tls ? 2L : 0L);
  if (!options.ca_file.empty()) curl_easy_setopt(h, CURLOPT_CAINFO, options.ca_file.c_str());
  if (!options.ca_path.empty()) curl_easy_setopt(h, CURLOPT_CAPATH, options.ca_path.c_str());
  if (!options.proxy.empty()) curl_easy_setopt(h, CURLOPT_PROXY, options.proxy.c_str());
  if (!options.user_agent.empty()) curl_easy_setopt(h, CURLOPT_USERAGENT, options.user_agent.c_str());
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, options.accept_encoding.c_str());
  if (options.http2) {
    const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
    if (info && (info->features & CURL_VERSION_HTTP2))
      curl_easy_setopt(h, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  }
  curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(options.max_body_bytes));
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_body);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &on_header);
  if (!options.local_interface.empty()) curl_easy_setopt(h, CURLOPT_INTERFACE, options.local_interface.c_str());
  if (options.low_speed_bytes > 0) {
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, static_cast<long>(options.low_speed_bytes));
    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, static_cast<long>(options.low_speed_time.count()));
  }
  curl_easy_setopt(h, CURLOPT_SSLVERSION, ssl_version(options.min_tls));
  if (!options.client_cert.empty()) {
    curl_easy_setopt(h, CURLOPT_SSLCERT, options.client_cert.c_str());
    curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
  }
  if (!options.client_key.empty()) {
    curl_easy_setopt(h, CURLOPT_SSLKEY, options.client_key.c_str());
    curl_easy_setopt(h, CURLOPT_SSLKEYTYPE, "PEM");
  }
  if (!options.client_key_password.empty()) {
    // libcurl copies the string; betwire's copy stays in the secret (wiped when it goes).
    std::string passphrase(options.client_key_password.reveal());
    curl_easy_setopt(h, CURLOPT_KEYPASSWD, passphrase.c_str());
    volatile char* p = passphrase.data();
    for (std::size_t i = 0; i < passphrase.size(); ++i) p[i] = 0;
  }
  if (options.configure_handle) options.configure_handle(h);
}

[[nodiscard]] inline const char* method_name(http::method m) noexcept {
  switch (m) {
    case http::method::get: return "GET";
    case http::method::post: return "POST";
    case http::method::put: return "PUT";
    case http::method::patch: return "PATCH";
    case http::method::delete_: return "DELETE";
  }
  return "GET";
}

// The per-request state of one easy handle: URL, header list and callback context, in buffers
// reused from request to request (nothing allocated once warm). Pinned: the handle points into it.
struct easy_request {
  std::string url;             // base URL, then the current target
  std::size_t base_len = 0;
  std::string header_text;     // "Name: value\0" strings
  std::vector<curl_slist> header_nodes;
  std::string resolve_text;    // the resolve entries, "\0"-separated
  std::vector<curl_slist> resolve_nodes;
  call_context ctx{};
  char errbuf[CURL_ERROR_SIZE] = {};

  void set_base(std::string_view base_url) {
    url.assign(base_url);
    while (!url.empty() && url.back() == '/') url.pop_back();
    base_len = url.size();
  }

  // Points `h` at `req` (URL, headers, method, body) and at `resp` (cleared) for its answer.
  [[nodiscard]] result<void> prepare(CURL* h, const curl_options& options, const http::request& req,
                                     http::response& resp) {
    resp.clear();
    if (req.target.empty() || req.target.front() != '/')
      return fail(betwire::error(error_category::validation, errc::invalid_argument,
                                 "request target must start with '/'"));
    // URL: the base URL (kept at the front of url) + the target, without reallocating once warm.
    url.resize(base_len);
    url.append(req.target);
    url.push_back('\0');

    // Headers: one buffer of "Name: value\0" strings and a vector of list nodes pointing into it,
    // both reused; the nodes are linked after the buffer is complete (it may move while growing).
    // What goes out is the request's headers and nothing libcurl would add on its own: "Expect:"
    // drops the 100-continue round trip, and "Content-Type:" (a header without a value removes
    // libcurl's) drops the application/x-www-form-urlencoded libcurl gives every POST body,
    // empty ones included, when the request names no Content-Type (see docs/http.md).
    header_text.clear();
    const auto headers = req.headers();
    bool has_content_type = false;
    for (const http::header& hd : headers) {
      header_text.append(hd.name).append(": ").append(hd.value);
      header_text.push_back('\0');
      if (http::iequals(hd.name, "content-type")) has_content_type = true;
    }
    header_text.append("Expect:");
    header_text.push_back('\0');
    if (!has_content_type) {
      header_text.append("Content-Type:");
      header_text.push_back('\0');
    }
    header_nodes.resize(headers.size() + (has_content_type ? 1 : 2));
    {
      char* p = header_text.data();
      for (std::size_t i = 0; i < header_nodes.size(); ++i) {
        header_nodes[i].data = p;
        header_nodes[i].next = i + 1 < header_nodes.size() ? &header_nodes[i + 1] : nullptr;
        p += std::char_traits<char>::length(p) + 1;
      }
    }

    // The per-request deadline shortens the timeout; once it has passed nothing is sent.
    long timeout_ms = static_cast<long>(options.total_timeout.count());
    if (req.has_deadline()) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(req.deadline - std::chrono::steady_clock::now()).count();
      if (left <= 0)
        return fail(http::transport_error(errc::timeout, "the request's deadline passed before it was sent"));
      if (timeout_ms <= 0 || left < timeout_ms) timeout_ms = static_cast<long>(left);
    }
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);

    // Pre-resolved hosts: linked afresh each time, like the headers (the buffer may have moved).
    if (!options.resolve.empty()) {
      resolve_text.clear();
      for (const std::string& entry : options.resolve) resolve_text.append(entry).push_back('\0');
      resolve_nodes.resize(options.resolve.size());
      char* p = resolve_text.data();
      for (std::size_t i = 0; i < resolve_nodes.size(); ++i) {
        resolve_nodes[i].data = p;
        resolve_nodes[i].next = i + 1 < resolve_nodes.size() ? &resolve_nodes[i + 1] : nullptr;
        p += std::char_traits<char>::length(p) + 1;
      }
      curl_easy_setopt(h, CURLOPT_RESOLVE, resolve_nodes.data());
    }

    ctx = call_context{&resp, options.max_body_bytes, false, 0, false};
    errbuf[0] = '\0';
    curl_easy_setopt(h, CURLOPT_URL, url.data());
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, header_nodes.data());
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &ctx);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &ctx);

    switch (req.method) {
      case http::method::get:
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, static_cast<char*>(nullptr));
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
        break;
      case http::method::post:
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, static_cast<char*>(nullptr));
        set_body(h, req.body);
        break;
      case http::method::put:
      case http::method::patch:
      case http::method::delete_:
        set_body(h, req.body);
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method_name(req.method));
        break;
    }

    const bool unsafe =
        req.idempotency == http::idempotency::never || req.idempotency == http::idempotency::keyed;
    curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, options.fresh_connection_for_mutations && unsafe ? 1L : 0L);
    return {};
  }

  // The outcome of the transfer libcurl finished with `rc`: the status into `resp`, or the error.
  [[nodiscard]] result<void> finish(CURL* h, CURLcode rc, const curl_options& options, http::response& resp) {
    if (rc != CURLE_OK) {
      const errc code = ctx.too_large || ctx.headers_too_large ? errc::body_too_large : map_code(rc);
      std::string msg;
      if (ctx.headers_too_large) {
        msg = "response headers larger than " + std::to_string(max_header_bytes) + " bytes";
      } else if (code == errc::body_too_large) {
        msg = "response body larger than max_body_bytes (" + std::to_string(options.max_body_bytes) + ")";
      } else {
        msg = "curl: ";
        msg.append(curl_easy_strerror(rc));
        if (errbuf[0] != '\0') msg.append(" (").append(errbuf).append(")");
      }
      resp.clear();
      return fail(http::transport_error(code, std::move(msg)));
    }
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    resp.status = static_cast<int>(status);
    return {};
  }

 private:
  static void set_body(CURL* h, std::string_view body) noexcept {
    // POSTFIELDS is not copied: the request outlives the transfer.
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body.empty() ? "" : body.data());
  }
};

}  // namespace detail::curl

class curl_transport {
 public:
  // Validates the options and sets up the handle. Fails with errc::insecure_url for plain http to a
  // non-loopback host (unless allow_insecure_http), errc::invalid_argument for a malformed base URL,
  // errc::transport_failed when libcurl cannot be initialised.
  [[nodiscard]] static result<curl_transport> create(curl_options options) {
    curl_transport t(std::move(options));
    if (!t.valid()) return fail(t.error_);
    return t;
  }

  // Never fails; check valid() (or the first send()) for a configuration error.
  explicit curl_transport(curl_options options) : options_(std::move(options)) { init(); }

  curl_transport(curl_transport&& other) noexcept
      : options_(std::move(other.options_)),
        error_(std::move(other.error_)),
        handle_(std::exchange(other.handle_, nullptr)),
        state_(std::move(other.state_)) {
    if (handle_) curl_easy_setopt(handle_, CURLOPT_ERRORBUFFER, state_.errbuf);
  }
  curl_transport& operator=(curl_transport&& other) noexcept {
    if (this != &other) {
      if (handle_) curl_easy_cleanup(handle_);
      options_ = std::move(other.options_);
      error_ = std::move(other.error_);
      handle_ = std::exchange(other.handle_, nullptr);
      state_ = std::move(other.state_);
      if (handle_) curl_easy_setopt(handle_, CURLOPT_ERRORBUFFER, state_.errbuf);
    }
    return *this;
  }
  curl_transport(const curl_transport&) = delete;
  curl_transport& operator=(const curl_transport&) = delete;
  ~curl_transport() {
    if (handle_) curl_easy_cleanup(handle_);
  }

  [[nodiscard]] bool valid() const noexcept { return handle_ != nullptr; }
  // The configuration error when !valid().
  [[nodiscard]] const betwire::error& error() const noexcept { return error_; }
  [[nodiscard]] const curl_options& options() const noexcept { return options_; }

  result<void> send(const http::request& req, http::response& resp) {
    resp.clear();
    if (!handle_) return fail(error_);
    if (auto p = state_.prepare(handle_, options_, req, resp); !p) return p;
    return state_.finish(handle_, curl_easy_perform(handle_), options_, resp);
  }

  // Connects ahead of the first call: a HEAD request for `target` (relative to the base URL, like
  // every target) opens the connection (TCP, TLS, HTTP/2) that the next calls reuse. Any complete
  // answer counts, whatever its status; the error is the connection's.
  result<void> warm_up(std::string_view target = "/") {
    http::response scratch;
    if (!handle_) return fail(error_);
    http::request req(http::method::get, target);
    req.idempotency = http::idempotency::safe;
    if (auto p = state_.prepare(handle_, options_, req, scratch); !p) return p;
    curl_easy_setopt(handle_, CURLOPT_NOBODY, 1L);
    const CURLcode rc = curl_easy_perform(handle_);
    curl_easy_setopt(handle_, CURLOPT_NOBODY, 0L);
    return state_.finish(handle_, rc, options_, scratch);
  }

  // The escape hatch: the libcurl easy handle, for curl_easy_getinfo after a call (timings, the
  // connection used) or an option betwire does not expose (prefer curl_options::configure_handle,
  // which every libcurl backend applies). Null when !valid(). Do not change what send() sets per
  // request, and do not use the handle from another thread.
  [[nodiscard]] CURL* native_handle() const noexcept { return handle_; }

 private:
  void init() {
    if (auto c = detail::curl::check_options(options_); !c) {
      error_ = std::move(c).error();
      return;
    }
    handle_ = curl_easy_init();
    if (!handle_) {
      error_ = http::transport_error(errc::transport_failed, "curl_easy_init failed");
      return;
    }
    state_.set_base(options_.base_url);
    detail::curl::configure_easy(handle_, options_, state_.errbuf);
  }

  curl_options options_;
  betwire::error error_;
  CURL* handle_ = nullptr;
  detail::curl::easy_request state_;
};

static_assert(transport<curl_transport>);

BETWIRE_END_NAMESPACE

#endif  // BETWIRE_TRANSPORT_CURL_HPP
