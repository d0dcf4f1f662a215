// libFuzzer entry point of the 'scalars' target (tests/fuzz/targets/scalars.hpp); built by tools/fuzz.sh.
#include "targets/scalars.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return betwire::fuzz::fuzz_scalars(data, size);
}
