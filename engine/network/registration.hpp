// GP registration: every resident is listed with one GP practice. Until the min-cost-flow
// assignment over the network exists, each neighbourhood's residents go to the nearest practice
// with list places left. Spare places are shared: each practice fills to the same share of its
// list. When every practice is full, residents go to the nearest practice, over its list.
#pragma once

#include "engine/network/providers.hpp"
#include "engine/network/travel.hpp"
#include "engine/population/residents.hpp"

#include <cstdint>
#include <vector>

namespace zorgsim {

struct registration_report {
    std::vector<std::uint32_t> listed;    // residents listed per provider (0 for non-practices)
    std::uint64_t over_list_capacity = 0; // residents listed beyond a practice's list capacity
};

registration_report register_with_practices(resident_table& residents, const region& r,
                                            const provider_table& p, const travel_parameters& tp);

} // namespace zorgsim
