// libFuzzer target: zorgsim::fuzz::parameters (tests/fuzz/harness.hpp).
#include "tests/fuzz/harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    zorgsim::fuzz::parameters(data, size);
    return 0;
}
