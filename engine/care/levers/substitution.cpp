#include "engine/care/levers/substitution.hpp"

#include <bit>

namespace zorgsim {

double moved_share(const substitution_lever& lever, double year) {
    return lever.share * ramp({lever.start_year, lever.ramp_years}, year);
}

bool eligible(eligibility who, condition_mask conditions) {
    const bool multimorbid = std::popcount(static_cast<unsigned>(conditions)) >= 2;
    switch (who) {
    case eligibility::without_multimorbidity:
        return !multimorbid;
    case eligibility::with_multimorbidity:
        return multimorbid;
    case eligibility::all:
        break;
    }
    return true;
}

} // namespace zorgsim
