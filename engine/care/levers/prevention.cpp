#include "engine/care/levers/prevention.hpp"

namespace zorgsim {

double prevented_share(const prevention_lever& lever, double year) {
    return lever.reduction * ramp(lever.when, year);
}

} // namespace zorgsim
