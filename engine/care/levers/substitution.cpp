#include "engine/care/levers/substitution.hpp"

#include <algorithm>

namespace zorgsim {

double moved_share(const substitution_lever& lever, double year) {
    if (year < lever.start_year)
        return 0.0;
    if (lever.ramp_years <= 0)
        return lever.share;
    return lever.share * std::clamp((year - lever.start_year) / lever.ramp_years, 0.0, 1.0);
}

} // namespace zorgsim
