// libFuzzer target: zorgsim::fuzz::scenario (tests/fuzz/harness.hpp).
#include "tests/fuzz/harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    zorgsim::fuzz::scenario(data, size);
    return 0;
}
