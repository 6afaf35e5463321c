// LSD radix sort of 64-bit keys, one byte per pass, skipping the bytes in which all keys agree
// (a server's event keys differ only in their low four bytes). Sequential and allocation-free after
// the first call: faster than a comparison sort for the hundreds to thousands of needs a server
// gets in a step; small runs go to std::sort.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace zorgsim {

// Sorts `keys` ascending in place; `scratch` is reused between calls.
inline void radix_sort(std::span<std::uint64_t> keys, std::vector<std::uint64_t>& scratch) {
    if (keys.size() < 64) { // below this, the counting passes cost more than they save
        std::sort(keys.begin(), keys.end());
        return;
    }
    // Bytes in which some key differs from the first: the only ones that need a pass. All their
    // counts in one read of the keys; counting bytes one pass at a time would increment the same
    // counter back to back wherever a byte has few values (needs, age bands), which stalls.
    std::uint64_t differ = 0;
    for (const auto k : keys)
        differ |= k ^ keys[0];
    std::array<int, 8> shifts{};
    int passes = 0;
    for (int shift = 0; shift < 64; shift += 8)
        if (((differ >> shift) & 0xFF) != 0)
            shifts[passes++] = shift;
    std::array<std::array<std::uint32_t, 256>, 8> counts;
    for (int p = 0; p < passes; ++p)
        counts[p].fill(0);
    for (const auto k : keys)
        for (int p = 0; p < passes; ++p)
            ++counts[p][(k >> shifts[p]) & 0xFF];
    scratch.resize(keys.size());
    const auto n = static_cast<std::uint32_t>(keys.size());
    std::uint64_t* from = keys.data();
    std::uint64_t* to = scratch.data();
    for (int p = 0; p < passes; ++p) {
        auto& c = counts[p];
        std::uint32_t offset = 0;
        for (auto& x : c) {
            const auto here = x;
            x = offset;
            offset += here;
        }
        const int shift = shifts[p];
        for (std::uint32_t i = 0; i < n; ++i)
            to[c[(from[i] >> shift) & 0xFF]++] = from[i];
        std::swap(from, to);
    }
    if (from != keys.data())
        std::copy(from, from + n, keys.data());
}

} // namespace zorgsim
