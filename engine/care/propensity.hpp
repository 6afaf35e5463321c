// Personal propensity to need care: residents of the same age band and conditions differ in how
// often they consult (a few use most of the care, many use none in a year). The propensity is
// gamma-distributed with mean 1; the engine uses it in a few equally likely levels, each the mean
// of the distribution over its slice, so the overall mean stays exactly 1.
#pragma once

#include <cstddef>
#include <vector>

namespace zorgsim {

inline constexpr std::size_t propensity_levels_used = 8;

// The multipliers of `levels` equally likely slices of Gamma(shape, 1/shape), lowest first.
// shape <= 0 gives one level with multiplier 1.
std::vector<double> propensity_levels(double shape, std::size_t levels = propensity_levels_used);

} // namespace zorgsim
