#include "engine/care/levers/collaboration.hpp"

namespace zorgsim {

double pooled_share(const collaboration_lever& lever, double year) {
    return lever.pooled_share * ramp(lever.when, year);
}

} // namespace zorgsim
