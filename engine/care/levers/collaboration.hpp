// Lever `collaboration`: practices in the same neighbourhood collaboration area (WSV) pool their
// overflow in one setting: after each pool has served its own backlog, a share of its spare
// minutes serves the waiting contacts of partner practices in the WSV.
#pragma once

#include "engine/care/levers/ramp.hpp"
#include "engine/core/ids.hpp"

namespace zorgsim {

struct collaboration_lever {
    setting where = setting::gp; // a practice pool: gp, poh_s or poh_ggz
    double pooled_share = 0;     // of a pool's spare minutes offered to partners, 0..1
    lever_timing when;
};

double pooled_share(const collaboration_lever& lever, double year);

} // namespace zorgsim
