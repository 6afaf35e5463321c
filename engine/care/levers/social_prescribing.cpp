#include "engine/care/levers/social_prescribing.hpp"

namespace zorgsim {

substitution_lever as_substitution(const social_prescribing_lever& lever) {
    return {lever.need,
            lever.from,
            setting::welfare,
            lever.share,
            lever.when.start_year,
            lever.when.ramp_years,
            eligibility::all};
}

} // namespace zorgsim
