#include "engine/care/levers/capacity.hpp"

namespace zorgsim {

double capacity_change_min(const capacity_lever& lever, double base_min_per_week,
                           double minutes_per_fte_per_week, double year) {
    const double r = ramp(lever.when, year);
    return r *
           (lever.change_share * base_min_per_week + lever.change_fte * minutes_per_fte_per_week);
}

} // namespace zorgsim
