// libFuzzer entry point of the 'headers' target (tests/fuzz/targets/headers.hpp); built by tools/fuzz.sh.
#include "targets/headers.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return betwire::fuzz::fuzz_headers(data, size);
}
