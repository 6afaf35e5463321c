// LSD radix sort of 64-bit keys, one byte per pass, skipping the bytes in which all keys agree
// (event keys use only a few of their bytes). Sequential and allocation-free after the first
// call: faster than a comparison sort for the tens of thousands of events of a step.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace zorgsim {

// Sorts `keys` ascending; `scratch` is reused between calls.
inline void radix_sort(std::vector<std::uint64_t>& keys, std::vector<std::uint64_t>& scratch) {
    constexpr int passes = 8;
    std::array<std::array<std::uint32_t, 256>, passes> counts{};
    for (const auto k : keys)
        for (int p = 0; p < passes; ++p)
            ++counts[p][(k >> (8 * p)) & 0xFF];
    scratch.resize(keys.size());
    const auto n = static_cast<std::uint32_t>(keys.size());
    for (int p = 0; p < passes; ++p) {
        auto& c = counts[p];
        if (c[(keys.empty() ? 0 : keys[0] >> (8 * p)) & 0xFF] == n)
            continue; // every key has the same byte here
        std::uint32_t offset = 0;
        for (auto& x : c) {
            const auto here = x;
            x = offset;
            offset += here;
        }
        for (const auto k : keys)
            scratch[c[(k >> (8 * p)) & 0xFF]++] = k;
        keys.swap(scratch);
    }
}

} // namespace zorgsim
