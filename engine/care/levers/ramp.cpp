#include "engine/care/levers/ramp.hpp"

#include <algorithm>

namespace zorgsim {

double ramp(const lever_timing& t, double year) {
    if (year < t.start_year)
        return 0.0;
    if (t.ramp_years <= 0)
        return 1.0;
    return std::clamp((year - t.start_year) / t.ramp_years, 0.0, 1.0);
}

} // namespace zorgsim
