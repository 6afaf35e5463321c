// libFuzzer target: zorgsim::fuzz::region (tests/fuzz/harness.hpp).
#include "tests/fuzz/harness.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    zorgsim::fuzz::region(data, size);
    return 0;
}
