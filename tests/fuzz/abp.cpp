// libFuzzer entry point of the 'abp' target (tests/fuzz/targets/abp.hpp); built by tools/fuzz.sh.
#include "targets/abp.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return betwire::fuzz::fuzz_abp(data, size);
}
