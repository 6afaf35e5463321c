// Providers as columns with dense ids in file order: type, location, WSV and capacity per
// discipline in FTE. Capacity in minutes per week is derived later from the care parameters.
#pragma once

#include "engine/core/ids.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace zorgsim {

inline constexpr std::int32_t outside_region = -1;
inline constexpr std::int32_t no_wsv = -1;

struct provider_table {
    std::vector<std::string> code;
    std::vector<std::string> name;
    std::vector<provider_type> type;
    std::vector<std::string> municipality_code;
    std::vector<std::int32_t> municipality; // index into region::municipalities, or outside_region
    std::vector<std::int32_t> wsv;          // index into region::wsv_names, or no_wsv
    std::vector<double> lon_deg;
    std::vector<double> lat_deg;
    std::vector<double> gp_fte;
    std::vector<double> poh_s_fte;
    std::vector<double> poh_ggz_fte;
    std::vector<double> staff_fte;            // the single discipline of a non-practice provider
    std::vector<std::uint32_t> list_capacity; // registered patients a GP practice accepts
    std::vector<double> referral_weight;      // relative share of referrals among second-line peers

    std::size_t size() const { return code.size(); }
    // FTE of the capacity pool that serves a setting at this provider.
    double fte_for(std::size_t provider, setting s) const;
};

} // namespace zorgsim
