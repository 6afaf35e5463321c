// Lever `capacity`: a step change in the staff of one capacity pool (setting), at one provider or
// at every provider that has the pool, as a relative change and/or FTE added per provider.
#pragma once

#include "engine/care/levers/ramp.hpp"
#include "engine/core/ids.hpp"

#include <cstdint>
#include <optional>

namespace zorgsim {

struct capacity_lever {
    setting where = setting::gp;
    std::optional<std::uint32_t> provider; // nullopt: every provider with a `where` pool
    double change_share = 0;               // relative FTE change, e.g. 0.2 = +20%; >= -1
    double change_fte = 0;                 // FTE added per provider (negative removes)
    lever_timing when;
};

// Minutes per week this lever adds to (or, negative, removes from) a pool with baseline
// `base_min_per_week` at a decimal year. The engine sums the levers and floors the pool at 0.
double capacity_change_min(const capacity_lever& lever, double base_min_per_week,
                           double minutes_per_fte_per_week, double year);

} // namespace zorgsim
