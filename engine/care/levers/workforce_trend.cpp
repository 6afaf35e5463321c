#include "engine/care/levers/workforce_trend.hpp"

#include <algorithm>
#include <cmath>

namespace zorgsim {

double workforce_factor(const workforce_trend_lever& lever, double year) {
    if (year <= lever.when.start_year)
        return 1.0;
    double years = year - lever.when.start_year;
    if (lever.when.ramp_years > 0)
        years = std::min(years, lever.when.ramp_years);
    return std::pow(1.0 + lever.change_per_year, years);
}

} // namespace zorgsim
