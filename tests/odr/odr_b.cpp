#include "odr.hpp"

#include <betwire/betwire.hpp>

std::string odr_b_describe() {
  const betwire::result<int> r = betwire::fail({betwire::errc::missing_filter, "no filter given"});
  return r ? std::string("unexpected value") : betwire::to_string(r.error());
}

int odr_b_value() {
  betwire::result<int> r{20};
  return *r + 2;
}
