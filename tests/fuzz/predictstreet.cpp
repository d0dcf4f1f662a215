// libFuzzer entry point of the 'predictstreet' target (tests/fuzz/targets/predictstreet.hpp); built by tools/fuzz.sh.
#include "targets/predictstreet.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return betwire::fuzz::fuzz_predictstreet(data, size);
}
