#include "engine/care/levers/ehealth.hpp"

namespace zorgsim {

double minutes_factor(const ehealth_lever& lever, double year) {
    return 1.0 - lever.remote_share * lever.minutes_saved * ramp(lever.when, year);
}

} // namespace zorgsim
