// Lever `task_shift` (taakherschikking): a share of the contacts one discipline (setting) serves
// is done by another at the same provider, e.g. GP consults by the practice nurse (poh_s). For a
// need that has no pathway row at `to`, the shifted contacts keep the `from` row's tariff, wait and
// escalation, with minutes x minutes_factor.
#pragma once

#include "engine/care/levers/ramp.hpp"
#include "engine/core/ids.hpp"

#include <cstdint>
#include <optional>

namespace zorgsim {

struct task_shift_lever {
    std::optional<std::uint32_t> need; // nullopt: every need served at `from`
    setting from = setting::gp;
    setting to = setting::poh_s;
    double share = 0;          // of the contacts that would go to `from`, 0..1
    double minutes_factor = 1; // minutes at `to` relative to `from`, for rows the lever creates
    lever_timing when;
};

double shifted_share(const task_shift_lever& lever, double year);

} // namespace zorgsim
