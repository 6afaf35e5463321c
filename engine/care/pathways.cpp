#include "engine/care/pathways.hpp"

#include "engine/core/error.hpp"

#include <cmath>
#include <fmt/format.h>

namespace zorgsim {

std::optional<std::uint32_t> care_parameters::need_index(const std::string& name) const {
    for (std::uint32_t i = 0; i < needs.size(); ++i)
        if (needs[i].name == name)
            return i;
    return std::nullopt;
}

const pathway_step* care_parameters::step(std::uint32_t need, setting s) const {
    for (const auto& row : pathways[need])
        if (row.where == s)
            return &row;
    return nullptr;
}

void validate(const care_parameters& p) {
    if (p.needs.empty())
        throw model_error("the care parameters define no needs");
    for (std::uint32_t n = 0; n < p.needs.size(); ++n) {
        const auto& name = p.needs[n].name;
        double total = 0;
        for (const auto& row : p.pathways[n])
            total += row.share;
        if (std::abs(total - 1.0) > 1e-6)
            throw model_error(fmt::format(
                "need '{}': pathway shares add up to {:.6g}; they must add up to 1", name, total));
        for (const auto& row : p.pathways[n]) {
            if (row.escalates_to == escalate_to_unmet)
                continue;
            const auto target = static_cast<setting>(row.escalates_to);
            if (!p.step(n, target))
                throw model_error(fmt::format(
                    "need '{}' escalates from '{}' to '{}', but pathways.csv has no row for "
                    "('{}', '{}')",
                    name, name_of(row.where), name_of(target), name, name_of(target)));
            if (target == row.where)
                throw model_error(fmt::format("need '{}' escalates from '{}' to itself", name,
                                              name_of(row.where)));
        }
        // Follow every escalation chain: it must end in unmet or a setting after finitely many
        // hops.
        for (const auto& row : p.pathways[n]) {
            const pathway_step* at = &row;
            for (std::size_t hops = 0; at->escalates_to != escalate_to_unmet; ++hops) {
                if (hops > setting_count)
                    throw model_error(
                        fmt::format("need '{}': the escalation chain from '{}' is a cycle", name,
                                    name_of(row.where)));
                at = p.step(n, static_cast<setting>(at->escalates_to));
            }
        }
    }
}

void validate_rates(const care_parameters& p, double step_years) {
    for (std::size_t b = 0; b < age_band_count; ++b) {
        double per_step = 0;
        for (const auto& n : p.needs)
            per_step += n.rate_per_year[b] * step_years;
        if (per_step > max_needs_per_step)
            throw model_error(
                fmt::format("needs.csv: a resident aged {} with every condition would draw {:.1f} "
                            "needs a step; "
                            "at most {} are supported (rates are per person per year)",
                            age_band_names[b], per_step, max_needs_per_step));
    }
}

} // namespace zorgsim
