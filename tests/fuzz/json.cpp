// libFuzzer entry point of the 'json' target (tests/fuzz/targets/json.hpp); built by tools/fuzz.sh.
#include "targets/json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return betwire::fuzz::fuzz_json(data, size);
}
