// The short text summary a run ends with: the first simulated year against DOMAIN.md's ranges.
#pragma once

#include "engine/sim/model.hpp"
#include "engine/sim/year_totals.hpp"

#include <string>

namespace zorgsim::io {

std::string format_summary(const model& m, const std::string& title, const year_summary& y);

} // namespace zorgsim::io
