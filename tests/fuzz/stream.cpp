// libFuzzer entry point of the 'stream' target (tests/fuzz/targets/stream.hpp); built by tools/fuzz.sh.
#include "targets/stream.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return betwire::fuzz::fuzz_stream(data, size);
}
