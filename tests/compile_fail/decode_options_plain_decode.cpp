// An endpoint whose own decode takes no json::read_options cannot be read under other options:
// http::read_response refuses to compile rather than ignore them silently.
// expect-error: decode takes no json::read_options
#include <betwire/http/endpoint.hpp>

#include <string>

struct answer {
  int n = 0;
};

struct plain_decode {
  static constexpr betwire::http::method method = betwire::http::method::get;
  static constexpr std::string_view path = "/n";
  using request_type = betwire::http::none;
  using response_type = answer;
  static betwire::result<void> decode(std::string& body, answer& out) { return betwire::json::decode(body, out); }
};

int main() {
  betwire::http::response r;
  r.status = 200;
  r.body = R"({"n":1})";
  answer a;
#ifndef BETWIRE_COMPILE_FAIL_CONTROL
  constexpr betwire::json::read_options strict{.allow_unknown_keys = false};
  return betwire::http::read_response<plain_decode, strict>(r, a).has_value() ? 0 : 1;
#else
  return betwire::http::read_response<plain_decode>(r, a).has_value() ? 0 : 1;
#endif
}
