#include "engine/sim/unit_assignment.hpp"

#include <stdexcept>

namespace zorgsim {

std::vector<int> assign_units(std::span<const std::uint8_t> complete, int ranks) {
    if (ranks < 1)
        throw std::invalid_argument("assign_units: ranks must be at least 1");
    std::vector<int> out(complete.size(), -1);
    std::size_t dealt = 0;
    for (std::size_t u = 0; u < complete.size(); ++u) {
        if (complete[u] != 0)
            continue;
        const auto n = static_cast<std::size_t>(ranks);
        const auto round = dealt / n, seat = dealt % n;
        out[u] = static_cast<int>(round % 2 == 0 ? seat : n - 1 - seat);
        ++dealt;
    }
    return out;
}

std::vector<std::size_t> units_per_rank(std::span<const int> assignment, int ranks) {
    std::vector<std::size_t> out(static_cast<std::size_t>(ranks), 0);
    for (const int r : assignment)
        if (r >= 0)
            ++out[static_cast<std::size_t>(r)];
    return out;
}

} // namespace zorgsim
