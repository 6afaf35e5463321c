// Lever `workforce_trend`: a yearly relative change in the staff of every pool of one setting
// (e.g. GP FTE -1.5% a year as retirements outpace new GPs), compounding from start_year.
#pragma once

#include "engine/care/levers/ramp.hpp"
#include "engine/core/ids.hpp"

namespace zorgsim {

struct workforce_trend_lever {
    setting where = setting::gp;
    double change_per_year = 0; // fraction per year, e.g. -0.015; > -1
    // when.ramp_years is the number of years the trend runs (0: to the end of the run).
    lever_timing when;
};

// The factor on the pools' baseline minutes at a decimal year:
// (1 + change_per_year) ^ (years since start_year, capped at ramp_years when that is > 0).
double workforce_factor(const workforce_trend_lever& lever, double year);

} // namespace zorgsim
