// Lever `ehealth`: a share of a setting's contacts becomes remote (video, e-consult, home
// monitoring) and each remote contact takes fewer staff minutes. Tariffs are unchanged (NZa
// pays an e-consult as a consult).
#pragma once

#include "engine/care/levers/ramp.hpp"
#include "engine/core/ids.hpp"

#include <cstdint>
#include <optional>

namespace zorgsim {

struct ehealth_lever {
    setting where = setting::gp;
    std::optional<std::uint32_t> need; // nullopt: every need served at `where`
    double remote_share = 0;           // share of contacts done remotely, 0..1
    double minutes_saved = 0;          // share of a contact's minutes a remote contact saves, 0..1
    lever_timing when;
};

// The factor on minutes per contact at a decimal year: 1 - remote_share x minutes_saved x ramp.
double minutes_factor(const ehealth_lever& lever, double year);

} // namespace zorgsim
