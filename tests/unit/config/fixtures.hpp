// A tiny parameter set and provider table for the scenario reader's tests, so they do not depend
// on the shipped parameter files.
#pragma once

#include "engine/care/pathways.hpp"
#include "engine/network/providers.hpp"

#include <filesystem>
#include <string>

namespace zorgsim::testing {

// Scenarios parsed as if they sat in scenarios/, so built-in regions and parameters resolve.
inline const std::filesystem::path scenario_path =
    std::filesystem::path(ZORGSIM_SOURCE_DIR) / "scenarios" / "test.toml";

inline care_parameters config_care() {
    care_parameters p;
    p.needs = {{"chronic_diabetes", condition::diabetes, {}, routing_rule::per_resident},
               {"acute_gp", std::nullopt, {}, routing_rule::per_contact},
               {"psychosocial", std::nullopt, {}, routing_rule::per_contact}};
    p.pathways = {{{setting::poh_s, 0.85, 30, 87.5, 4, escalate_to_unmet},
                   {setting::hospital_outpatient, 0.15, 15, 212.5, 6, escalate_to_unmet}},
                  {{setting::gp, 1, 10, 12.43, 1, escalate_to_unmet}},
                  {{setting::gp, 1, 15, 12.43, 2, escalate_to_unmet},
                   {setting::welfare, 0, 45, 0, 4, escalate_to_unmet}}};
    return p;
}

inline provider_table config_providers() {
    provider_table t;
    const auto add = [&](std::string code, provider_type type) {
        t.code.push_back(code);
        t.name.push_back("provider " + code);
        t.type.push_back(type);
    };
    add("GP001", provider_type::gp_practice);
    add("GP002", provider_type::gp_practice);
    add("ZH01", provider_type::hospital_outpatient);
    return t;
}

} // namespace zorgsim::testing
