// Lever `substitution`: move a share of a need's contacts from one setting to another, ramped in
// linearly from start_year over ramp_years, optionally only for eligible residents. A pure
// function of (parameters, simulated year, resident).
#pragma once

#include "engine/care/levers/ramp.hpp"
#include "engine/core/ids.hpp"

#include <array>
#include <cstdint>
#include <string_view>

namespace zorgsim {

// Which residents a substitution applies to. Multimorbidity: two or more chronic conditions.
enum class eligibility : std::uint8_t { all, without_multimorbidity, with_multimorbidity };
inline constexpr std::array<std::string_view, 3> eligibility_names = {
    "all", "without_multimorbidity", "with_multimorbidity"};

struct substitution_lever {
    std::uint32_t need = 0;
    setting from = setting::hospital_outpatient;
    setting to = setting::gp;
    double share = 0;      // of the contacts that would go to `from`, 0..1
    double start_year = 0; // decimal year in which the ramp starts
    double ramp_years = 0; // 0: the full share applies from start_year on
    eligibility who = eligibility::all;
};

// The share of `from` contacts moved to `to` at a decimal year: 0 before the start, rising
// linearly to `share` at start_year + ramp_years.
double moved_share(const substitution_lever& lever, double year);

// Whether a resident with this condition mask is eligible for the lever.
bool eligible(eligibility who, condition_mask conditions);

} // namespace zorgsim
