// libFuzzer entry point of the 'opinion' target (tests/fuzz/targets/opinion.hpp); built by tools/fuzz.sh.
#include "targets/opinion.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return betwire::fuzz::fuzz_opinion(data, size);
}
