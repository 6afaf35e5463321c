// Travel time between points from straight-line distance. Until a travel-time matrix is given,
// minutes = great-circle km x detour factor / speed (both documented in scenarios/README.md).
#pragma once

#include "engine/core/ids.hpp"
#include "engine/network/providers.hpp"
#include "engine/population/region.hpp"

#include <array>
#include <cstdint>
#include <vector>

namespace zorgsim {

struct travel_parameters {
    double detour_factor = 1.3; // road km per straight-line km (estimate, range 1.2-1.4)
    double speed_km_per_h = 30; // mixed urban car/bike speed (estimate, range 15-40)
};

double great_circle_km(double lon1_deg, double lat1_deg, double lon2_deg, double lat2_deg);
double travel_min(const travel_parameters& p, double km);

// For each neighbourhood and provider type, the nearest provider of that type (by travel time),
// or no_provider when the type has none.
inline constexpr std::uint32_t no_provider = 0xFFFFFFFFu;
using nearest_by_type = std::vector<std::array<std::uint32_t, provider_type_count>>;
nearest_by_type nearest_providers(const region& r, const provider_table& p,
                                  const travel_parameters& tp);

} // namespace zorgsim
