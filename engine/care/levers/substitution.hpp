// Lever `substitution`: move a share of a need's contacts from one setting to another, ramped in
// linearly from start_year over ramp_years. A pure function of (parameters, simulated year).
#pragma once

#include "engine/core/ids.hpp"

#include <cstdint>

namespace zorgsim {

struct substitution_lever {
    std::uint32_t need = 0;
    setting from = setting::hospital_outpatient;
    setting to = setting::gp;
    double share = 0;      // of the contacts that would go to `from`, 0..1
    double start_year = 0; // decimal year in which the ramp starts
    double ramp_years = 0; // 0: the full share applies from start_year on
};

// The share of `from` contacts moved to `to` at a decimal year: 0 before the start, rising
// linearly to `share` at start_year + ramp_years.
double moved_share(const substitution_lever& lever, double year);

} // namespace zorgsim
