// When a lever acts: from start_year, rising linearly to full effect over ramp_years. Every lever
// carries one of these; the effect at a simulated decimal year is effect x ramp(timing, year).
#pragma once

namespace zorgsim {

struct lever_timing {
    double start_year = 0; // decimal year in which the ramp starts
    double ramp_years = 0; // 0: full effect from start_year on
};

// 0 before start_year, rising linearly to 1 at start_year + ramp_years.
double ramp(const lever_timing& t, double year);

} // namespace zorgsim
