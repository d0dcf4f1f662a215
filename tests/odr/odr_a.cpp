#include "odr.hpp"

#include <betwire/betwire.hpp>

std::string odr_a_describe() {
  const betwire::result<int> r = betwire::fail({betwire::errc::missing_filter, "no filter given"});
  return r ? std::string("unexpected value") : r.error().describe();
}

int odr_a_value() {
  betwire::result<int> r{20};
  return r.value_or(0) + 1;
}
