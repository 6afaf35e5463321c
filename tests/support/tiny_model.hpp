// A tiny hand-made region for engine tests: two neighbourhoods, two practices, an out-of-hours
// post, an emergency department and two outpatient clinics, with three needs. Built in code so
// tests can set every number they reason about.
#pragma once

#include "engine/sim/model.hpp"

namespace zorgsim::testing {

inline model_inputs tiny_inputs(std::uint32_t persons_per_cell = 500, double gp_fte = 2.0) {
    model_inputs in;
    auto& r = in.area;
    r.name = "tiny";
    r.municipalities = {{"GM0001", "Tinytown", persons_per_cell * 24}};
    r.wsv_names = {"WSV-A", "WSV-B"};
    auto& nb = r.neighbourhoods;
    nb.code = {"WK000101", "WK000102"};
    nb.name = {"West", "East"};
    nb.municipality = {0, 0};
    nb.wsv = {0, 1};
    nb.lon_deg = {4.85, 4.95};
    nb.lat_deg = {52.30, 52.30};
    nb.vulnerable_share = {0.1, 0.2};
    persons_by_age_sex cell{};
    for (std::size_t b = 0; b < age_band_count; ++b)
        for (std::size_t s = 0; s < sex_count; ++s)
            spread_band(b, s, persons_per_cell, cell);
    nb.persons = {cell, cell};

    auto& p = in.providers;
    const auto add = [&](std::string code, provider_type t, double lon, double gp, double poh,
                         double staff, std::uint32_t list, double weight) {
        p.code.push_back(code);
        p.name.push_back("Provider " + code);
        p.type.push_back(t);
        p.municipality_code.push_back("GM0001");
        p.municipality.push_back(0);
        p.wsv.push_back(lon < 4.9 ? 0 : 1);
        p.lon_deg.push_back(lon);
        p.lat_deg.push_back(52.30);
        p.gp_fte.push_back(gp);
        p.poh_s_fte.push_back(poh);
        p.poh_ggz_fte.push_back(0);
        p.staff_fte.push_back(staff);
        p.list_capacity.push_back(list);
        p.referral_weight.push_back(weight);
    };
    const auto half = persons_per_cell * 12;
    add("P1", provider_type::gp_practice, 4.851, gp_fte, 1.0, 0, half + half / 5, 0);
    add("P2", provider_type::gp_practice, 4.949, gp_fte, 1.0, 0, half + half / 5, 0);
    add("HAP", provider_type::out_of_hours_gp, 4.90, 0, 0, 3.0, 0, 0);
    add("SEH", provider_type::emergency_department, 4.90, 0, 0, 10.0, 0, 1);
    add("POLI1", provider_type::hospital_outpatient, 4.90, 0, 0, 10.0, 0, 0.7);
    add("POLI2", provider_type::hospital_outpatient, 5.10, 0, 0, 10.0, 0, 0.3);

    auto& c = in.care;
    c.needs = {
        {"acute_gp", std::nullopt, {3, 4, 5, 7, 10, 15}, routing_rule::per_contact},
        {"chronic_diabetes", condition::diabetes, {4, 4, 4, 4, 4, 4}, routing_rule::per_resident},
        {"emergency", std::nullopt, {0.1, 0.1, 0.1, 0.2, 0.3, 0.4}, routing_rule::per_contact},
    };
    const auto s = [](setting w, double share, double minutes, double tariff, std::uint32_t wait,
                      std::uint8_t to) {
        return pathway_step{w, share, minutes, tariff, wait, to};
    };
    const auto to = [](setting x) { return static_cast<std::uint8_t>(x); };
    c.pathways = {
        {s(setting::gp, 1, 7, 12.43, 0, to(setting::out_of_hours_gp)),
         s(setting::out_of_hours_gp, 0, 10, 60, 0, to(setting::emergency_department)),
         s(setting::emergency_department, 0, 120, 350, 52, escalate_to_unmet)},
        {s(setting::poh_s, 0.8, 30, 87.5, 4, escalate_to_unmet),
         s(setting::hospital_outpatient, 0.2, 15, 212.5, 6, escalate_to_unmet)},
        {s(setting::emergency_department, 1, 120, 350, 52, escalate_to_unmet)},
    };
    c.minutes_per_fte_per_week.fill(1620);
    c.minutes_per_fte_per_week[static_cast<std::size_t>(setting::gp)] = 1478;
    for (std::size_t b = 0; b < age_band_count; ++b)
        in.prevalence.share[static_cast<std::size_t>(condition::diabetes)][b] =
            0.02 + 0.05 * static_cast<double>(b);
    in.time = horizon{{2025, 1, 1}, 3, 7};
    in.demography.enabled = false; // a constant population, so tests can reason with fixed rates
    in.population_seed = 7;
    return in;
}

} // namespace zorgsim::testing
