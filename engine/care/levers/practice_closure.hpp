// Lever `practice_closure`: a GP practice closes at a date; its listed residents are reassigned
// over the provider network (min-cost flow to practices with spare places, network/registration),
// and a share of its staff moves with them to the receiving practices.
#pragma once

#include <cstdint>

namespace zorgsim {

struct practice_closure_lever {
    std::uint32_t provider = 0;  // a gp_practice
    double year = 0;             // decimal year of closure
    double staff_move_share = 0; // of the practice's FTE that moves to receiving practices, 0..1
};

bool closed(const practice_closure_lever& lever, double year);

} // namespace zorgsim
