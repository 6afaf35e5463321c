// Lever `prevention`: a relative reduction of one need's rate (fewer contacts arise, e.g. through
// lifestyle programmes). The engine thins the drawn needs, so every other need is untouched and a
// prevention lever can never raise demand.
#pragma once

#include "engine/care/levers/ramp.hpp"

#include <cstdint>

namespace zorgsim {

struct prevention_lever {
    std::uint32_t need = 0;
    double reduction = 0; // share of the need's contacts that no longer arise, 0..1
    lever_timing when;
};

double prevented_share(const prevention_lever& lever, double year);

} // namespace zorgsim
