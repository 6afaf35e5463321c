#include "engine/network/registration.hpp"

#include "engine/core/error.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace zorgsim {

registration_report register_with_practices(resident_table& residents, const region& r,
                                            const provider_table& p, const travel_parameters& tp) {
    const auto& nb = r.neighbourhoods;
    std::vector<std::uint32_t> practices;
    for (std::uint32_t q = 0; q < p.size(); ++q)
        if (p.type[q] == provider_type::gp_practice)
            practices.push_back(q);
    if (practices.empty())
        throw model_error("the region has no provider of type gp_practice; every resident must be "
                          "listed with a GP practice");

    // When the region has more list places than residents, every practice fills to the same share
    // of its list, so that spare capacity is spread rather than left at the practices that
    // happen to be visited last.
    std::uint64_t places = 0;
    for (auto q : practices)
        places += p.list_capacity[q];
    const double fill = places > residents.size()
                            ? static_cast<double>(residents.size()) / static_cast<double>(places)
                            : 1.0;
    std::vector<std::uint32_t> cap(p.size(), 0);
    for (auto q : practices)
        cap[q] = static_cast<std::uint32_t>(std::ceil(p.list_capacity[q] * fill));

    registration_report report;
    report.listed.assign(p.size(), 0);
    std::vector<std::uint32_t> by_distance(practices.size());
    std::vector<double> minutes(p.size());
    // Residents of a neighbourhood are stored by age band; listing them in that order would give
    // the nearest practice all the children and the last one all the elderly. Visit them in a
    // fixed pseudo-random order instead, so every practice gets the neighbourhood's mix.
    const auto scrambled = [](std::uint64_t x) {
        x += 0x9E3779B97F4A7C15ull;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
        return x ^ (x >> 31);
    };
    std::vector<std::uint32_t> order;
    for (std::size_t first = 0; first < residents.size();) {
        const auto h = residents.neighbourhood[first];
        std::size_t last = first;
        while (last < residents.size() && residents.neighbourhood[last] == h)
            ++last;
        for (auto q : practices)
            minutes[q] = travel_min(
                tp, great_circle_km(nb.lon_deg[h], nb.lat_deg[h], p.lon_deg[q], p.lat_deg[q]));
        std::iota(by_distance.begin(), by_distance.end(), 0u);
        std::stable_sort(by_distance.begin(), by_distance.end(), [&](auto a, auto b) {
            return minutes[practices[a]] < minutes[practices[b]];
        });
        order.resize(last - first);
        std::iota(order.begin(), order.end(), static_cast<std::uint32_t>(first));
        std::sort(order.begin(), order.end(),
                  [&](auto a, auto b) { return scrambled(a) < scrambled(b); });
        for (const auto i : order) {
            std::uint32_t chosen = no_provider;
            for (auto k : by_distance) {
                const auto q = practices[k];
                if (report.listed[q] < cap[q]) {
                    chosen = q;
                    break;
                }
            }
            if (chosen == no_provider) // the region has fewer list places than residents
                chosen = practices[by_distance.front()];
            if (report.listed[chosen] >= p.list_capacity[chosen])
                ++report.over_list_capacity;
            residents.practice[i] = chosen;
            ++report.listed[chosen];
        }
        first = last;
    }
    return report;
}

} // namespace zorgsim
