#include "engine/network/travel.hpp"

#include <cmath>
#include <limits>
#include <numbers>

namespace zorgsim {

double great_circle_km(double lon1, double lat1, double lon2, double lat2) {
    constexpr double earth_radius_km = 6371.0;
    constexpr double rad = std::numbers::pi / 180.0;
    const double dlat = (lat2 - lat1) * rad;
    const double dlon = (lon2 - lon1) * rad;
    const double a =
        std::sin(dlat / 2) * std::sin(dlat / 2) +
        std::cos(lat1 * rad) * std::cos(lat2 * rad) * std::sin(dlon / 2) * std::sin(dlon / 2);
    return 2 * earth_radius_km * std::asin(std::min(1.0, std::sqrt(a)));
}

double travel_min(const travel_parameters& p, double km) {
    return km * p.detour_factor / p.speed_km_per_h * 60.0;
}

double provider_table::fte_for(std::size_t provider, setting s) const {
    switch (s) {
    case setting::gp:
        return gp_fte[provider];
    case setting::poh_s:
        return poh_s_fte[provider];
    case setting::poh_ggz:
        return poh_ggz_fte[provider];
    default:
        return staff_fte[provider];
    }
}

nearest_by_type nearest_providers(const region& r, const provider_table& p,
                                  const travel_parameters& tp) {
    const auto& nb = r.neighbourhoods;
    nearest_by_type out(nb.size());
    for (std::size_t h = 0; h < nb.size(); ++h) {
        std::array<double, provider_type_count> best_min;
        best_min.fill(std::numeric_limits<double>::infinity());
        out[h].fill(no_provider);
        for (std::size_t q = 0; q < p.size(); ++q) {
            const auto t = static_cast<std::size_t>(p.type[q]);
            const double minutes = travel_min(
                tp, great_circle_km(nb.lon_deg[h], nb.lat_deg[h], p.lon_deg[q], p.lat_deg[q]));
            if (minutes < best_min[t]) { // strict: ties go to the provider listed first
                best_min[t] = minutes;
                out[h][t] = static_cast<std::uint32_t>(q);
            }
        }
    }
    return out;
}

} // namespace zorgsim
