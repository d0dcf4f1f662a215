// The program every packaging test builds against betwire as a user would: only <betwire/...>
// includes, the version the build system saw, and a result/error round through the library.
#include <betwire/betwire.hpp>

#include <cstdio>
#include <cstring>
#include <string>

#ifdef BETWIRE_CONSUMER_CURL
#  include <curl/curl.h>
#  if __has_include(<betwire/transport/curl.hpp>)
#    include <betwire/transport/curl.hpp>
#  endif
#endif

#ifdef BETWIRE_CONSUMER_BEAST
#  include <betwire/transport/beast_websocket.hpp>
#endif

#ifndef BETWIRE_CONSUMER_EXPECTED_VERSION
#  error "the consumer's build must pass BETWIRE_CONSUMER_EXPECTED_VERSION"
#endif

static betwire::result<int> checked_limit(int limit) {
  if (limit < 1 || limit > 1000) return betwire::fail({betwire::errc::out_of_range, "limit out of range"});
  return limit;
}

int main() {
  char version[32];
  std::snprintf(version, sizeof version, "%d.%d.%d", BETWIRE_VERSION_MAJOR, BETWIRE_VERSION_MINOR,
                BETWIRE_VERSION_PATCH);
  if (std::strcmp(version, BETWIRE_CONSUMER_EXPECTED_VERSION) != 0) {
    std::printf("headers say %s, the build system found %s\n", version, BETWIRE_CONSUMER_EXPECTED_VERSION);
    return 1;
  }
  const auto good = checked_limit(100);
  const auto bad = checked_limit(0);
  if (!good || *good != 100 || bad || bad.error().code != betwire::errc::out_of_range) {
    std::printf("betwire::result misbehaves\n");
    return 1;
  }
#ifdef BETWIRE_CONSUMER_CURL
  const curl_version_info_data* info = curl_version_info(CURLVERSION_NOW);
  if (info == nullptr || info->version == nullptr) return 1;
  std::printf("linked libcurl %s\n", info->version);
#endif
#ifdef BETWIRE_CONSUMER_BEAST
  {
    // A refused connection proves the backend links and runs (port 1 on loopback is closed).
    betwire::beast_websocket ws;
    const auto r = ws.connect({.url = "ws://127.0.0.1:1/ws", .timeout = std::chrono::milliseconds(2000)});
    if (r || r.error().category != betwire::error_category::transport) {
      std::printf("beast_websocket connected to a closed port\n");
      return 1;
    }
    std::printf("linked the Boost.Beast backend: %s\n", r.error().describe().c_str());
  }
#endif
  std::printf("betwire %s consumer ok: %s\n", version, bad.error().describe().c_str());
  return 0;
}
