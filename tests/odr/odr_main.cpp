#include "odr.hpp"

#include <cstdio>

int main() {
  const std::string a = odr_a_describe();
  const std::string b = odr_b_describe();
  if (a != b || a.find("missing_filter") == std::string::npos) {
    std::printf("the two translation units disagree or lost the error:\n  %s\n  %s\n", a.c_str(),
                b.c_str());
    return 1;
  }
  if (odr_a_value() != 21 || odr_b_value() != 22) {
    std::printf("unexpected values %d %d\n", odr_a_value(), odr_b_value());
    return 1;
  }
  std::printf("ok: %s\n", a.c_str());
  return 0;
}
