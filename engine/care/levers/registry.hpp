// The levers zorgsim knows, by the name used in scenario files (`[[lever]] type = "..."`).
#pragma once

#include "engine/care/levers/substitution.hpp"

#include <array>
#include <string_view>
#include <vector>

namespace zorgsim {

inline constexpr std::array<std::string_view, 1> lever_type_names = {"substitution"};

// Every lever of a scenario variant, grouped by type.
struct lever_set {
    std::vector<substitution_lever> substitution;

    bool empty() const { return substitution.empty(); }
};

} // namespace zorgsim
