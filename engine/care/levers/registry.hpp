// The levers zorgsim knows, by the name used in scenario files (`[[lever]] type = "..."`).
#pragma once

#include "engine/care/levers/capacity.hpp"
#include "engine/care/levers/collaboration.hpp"
#include "engine/care/levers/ehealth.hpp"
#include "engine/care/levers/practice_closure.hpp"
#include "engine/care/levers/prevention.hpp"
#include "engine/care/levers/social_prescribing.hpp"
#include "engine/care/levers/substitution.hpp"
#include "engine/care/levers/task_shift.hpp"
#include "engine/care/levers/workforce_trend.hpp"

#include <array>
#include <string_view>
#include <vector>

namespace zorgsim {

inline constexpr std::array<std::string_view, 9> lever_type_names = {
    "substitution",       "capacity", "workforce_trend",  "task_shift",   "prevention",
    "social_prescribing", "ehealth",  "practice_closure", "collaboration"};

// Every lever of a scenario variant, grouped by type.
struct lever_set {
    std::vector<substitution_lever> substitution;
    std::vector<capacity_lever> capacity;
    std::vector<workforce_trend_lever> workforce_trend;
    std::vector<task_shift_lever> task_shift;
    std::vector<prevention_lever> prevention;
    std::vector<social_prescribing_lever> social_prescribing;
    std::vector<ehealth_lever> ehealth;
    std::vector<practice_closure_lever> practice_closure;
    std::vector<collaboration_lever> collaboration;

    bool empty() const {
        return substitution.empty() && capacity.empty() && workforce_trend.empty() &&
               task_shift.empty() && prevention.empty() && social_prescribing.empty() &&
               ehealth.empty() && practice_closure.empty() && collaboration.empty();
    }
};

} // namespace zorgsim
