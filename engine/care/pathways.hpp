// Care needs and the pathway table: which settings serve a need, with which baseline share,
// minutes and tariff per contact, how long a contact may wait and where it goes after that.
// All values come from scenarios/parameters/*.csv; nothing clinical is hard-coded here.
#pragma once

#include "engine/core/ids.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace zorgsim {

// How a need chooses among its settings: afresh for each contact, or once per resident (e.g.
// where a chronic condition is managed), so that the same patient keeps the same place.
enum class routing_rule : std::uint8_t { per_contact, per_resident };

struct need_spec {
    std::string name;
    std::optional<condition> applies_to;                // nullopt: every resident draws this need
    std::array<double, age_band_count> rate_per_year{}; // per person (with the condition)
    routing_rule routing = routing_rule::per_contact;
};

inline constexpr std::uint8_t escalate_to_unmet = 0xFF;

struct pathway_step {
    setting where = setting::gp;
    double share = 0; // baseline share of the need's new contacts (0: escalation only)
    double minutes_per_contact = 0;
    double tariff_eur = 0;
    std::uint32_t max_wait_weeks = 0;              // 0: must be served in the week it arises
    std::uint8_t escalates_to = escalate_to_unmet; // a setting, or escalate_to_unmet
};

struct care_parameters {
    std::vector<need_spec> needs;
    std::vector<std::vector<pathway_step>> pathways; // per need, in file order
    std::array<double, setting_count> minutes_per_fte_per_week{};
    // Residents differ in how often they need care: the rates of needs that apply to everyone are
    // multiplied by a personal propensity, gamma-distributed with mean 1 and this shape (smaller:
    // more unequal). 0: no difference between residents of the same age band and conditions.
    double propensity_shape = 0;

    std::optional<std::uint32_t> need_index(const std::string& name) const;
    // The pathway row of (need, setting), or nullptr when the need is never served there.
    const pathway_step* step(std::uint32_t need, setting s) const;
};

// Checks the cross-table rules (shares sum to 1, escalation targets have a row for the need, no
// escalation cycles without a wait) and throws model_error naming the need and setting.
void validate(const care_parameters& p);

// The most needs one resident may draw in a step: the Poisson sampler is exact well beyond this,
// and no care need comes near it (a resident with every condition draws well under 1 a week).
inline constexpr double max_needs_per_step = 20;
// Throws model_error when a resident of some age band, with every condition, would draw more.
void validate_rates(const care_parameters& p, double step_years);

} // namespace zorgsim
