// `zorgsim calibrate SCENARIO.toml`: runs the first simulated year (variant 0, replicate 0) and
// prints each DOMAIN §8.7 indicator against its target and tolerance. Targets, tolerances and the
// fixed per-resident payments are data (parameters/calibration_targets.csv, funding.csv).
#include "io/cli/commands.hpp"

#include "engine/core/error.hpp"
#include "engine/sim/engine.hpp"
#include "engine/sim/year_totals.hpp"
#include "io/data/calibration_reader.hpp"

#include <spdlog/spdlog.h>
#include <tbb/info.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <fmt/format.h>
#include <map>
#include <optional>

namespace zorgsim::io {
namespace {

constexpr double reference_residents = 180'000; // DOMAIN §8: the default region

// Settings whose contacts Zvw (basic health insurance) pays. Left out: physiotherapy (adults pay
// most of it from supplementary insurance), welfare (municipal Wmo), nursing_home (Wlz).
constexpr std::array zvw_settings = {setting::gp,
                                     setting::poh_s,
                                     setting::poh_ggz,
                                     setting::out_of_hours_gp,
                                     setting::pharmacy,
                                     setting::district_nursing,
                                     setting::hospital_outpatient,
                                     setting::emergency_department,
                                     setting::hospital_admission,
                                     setting::mental_health_specialist};
constexpr std::array gp_care_settings = {setting::gp, setting::poh_s, setting::poh_ggz,
                                         setting::out_of_hours_gp};
constexpr std::array hospital_settings = {
    setting::hospital_outpatient, setting::emergency_department, setting::hospital_admission};

struct indicator {
    indicator(std::string k, std::string l, bool in_eur = false)
        : key(std::move(k)), label(std::move(l)), eur(in_eur) {}
    std::string key;
    std::string label;
    bool eur = false;          // printed in EUR million
    std::string not_modelled;  // the reason, when the model cannot compute it yet
    std::optional<double> sim; // for the region, per year
    double residents = 0;      // the population sim refers to
};

std::string count_text(double v) {
    const auto rounded = static_cast<long long>(std::llround(v));
    auto digits = std::to_string(rounded < 0 ? -rounded : rounded);
    for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3)
        digits.insert(static_cast<std::size_t>(i), ",");
    return (rounded < 0 ? "-" : "") + digits;
}

std::string value_text(double v, bool eur) {
    return eur ? fmt::format("{:.1f}", v / 1e6) : count_text(v);
}

} // namespace

int calibrate_command(const std::filesystem::path& scenario_file, bool strict) {
    auto l = load(scenario_file, std::nullopt, 1, 1);
    const model& m = l.frozen;
    for (const auto& w : m.warnings())
        spdlog::warn("{}", w);
    const auto& dir = l.file.parameters_dir;
    const auto funding = read_funding(dir);

    std::vector<indicator> ind = {
        {"gp_practice_contacts", "GP-practice contacts (gp + poh_s + poh_ggz, served)"},
        {"share_with_gp_contact",
         "share of residents with at least one need for their GP practice (gp, poh_s, poh_ggz) "
         "in the year"},
        {"specialist_referrals", "referrals to a specialist (new specialist_referral needs)"},
        {"hospital_users",
         "share of residents with at least one need for the hospital (outpatient, ED, "
         "admission) in the year"},
        {"ed_visits", "ED visits (served at emergency_department, incl. escalated)"},
        {"admissions", "hospital admissions, clinical + day (served at hospital_admission)"},
        {"zvw_spend",
         "Zvw spend: GP care + hospital + pharmacy, district nursing and specialist "
         "GGZ contacts + zvw_other in funding.csv (medicines)",
         true},
        {"hospital_spend",
         "hospital spend: outpatient + ED + admission contacts (tariff x contacts)", true},
        {"gp_care_spend",
         "GP-care spend: gp, poh_s, poh_ggz and out-of-hours contacts (consults, ketenzorg "
         "spread over contacts, POH-GGZ per consult) + gp_care in funding.csv (capitation, "
         "MTVP, O&I per registered resident)",
         true},
        {"district_nursing_clients",
         "district-nursing clients = district_nursing visits (all needs) / count_per_unit"},
        {"caseload_diabetes", "residents with diabetes (at the start)"},
        {"caseload_copd", "residents with COPD (at the start)"},
        {"caseload_heart_failure", "residents with heart failure (at the start)"},
        {"caseload_dementia", "residents with dementia (at the start)"},
    };
    std::vector<std::string> keys;
    for (const auto& i : ind)
        keys.push_back(i.key);
    const auto targets = read_calibration_targets(dir, keys);

    // One year, one replicate, the first variant (the baseline of a lever scenario).
    run_plan plan = l.plan;
    plan.variants.resize(1);
    plan.replicates = 1;
    year_totals_recorder totals;
    run(m, plan, totals, run_options{tbb::info::default_concurrency(), {}});
    const auto& y = totals.summary();
    const auto at = [&](setting s) -> const setting_totals& {
        return y.by_setting[static_cast<std::size_t>(s)];
    };
    const auto cost_of = [&](const auto& settings) {
        double sum = 0;
        for (auto s : settings)
            sum += at(s).cost_eur;
        return sum;
    };

    // Fixed payments and caseloads from the resident table at the start of the run.
    const auto& r = m.residents();
    const double start_residents = static_cast<double>(r.size());
    std::map<std::string, double> fixed_eur;
    std::array<double, condition_count> caseload{};
    for (std::size_t i = 0; i < r.size(); ++i) {
        const auto band = r.age_band[i];
        for (const auto& c : funding)
            if (c.basis == funding_basis::resident || r.practice[i] != no_practice)
                fixed_eur[c.line] += c.eur_per_year[band];
        for (std::size_t c = 0; c < condition_count; ++c)
            caseload[c] += (r.conditions[i] & bit(static_cast<condition>(c))) != 0;
    }
    // Fixed payments per year for the year's mean population, like the contact costs.
    const double scale_fixed = start_residents > 0 ? y.residents / start_residents : 0.0;
    const auto fixed = [&](const std::string& line) { return fixed_eur[line] * scale_fixed; };

    const double gp_care = cost_of(gp_care_settings) + fixed("gp_care");
    const double hospital = cost_of(hospital_settings) + fixed("hospital");
    const double zvw =
        cost_of(zvw_settings) + fixed("gp_care") + fixed("hospital") + fixed("zvw_other");
    const auto need_demand = [&](const std::string& name) -> std::optional<double> {
        if (const auto n = m.care().need_index(name))
            return y.demand_by_need[*n];
        return std::nullopt;
    };
    const auto set = [&](const std::string& key, std::optional<double> v, double residents) {
        for (auto& i : ind)
            if (i.key == key) {
                i.sim = v;
                i.residents = residents;
            }
    };
    set("gp_practice_contacts",
        at(setting::gp).contacts + at(setting::poh_s).contacts + at(setting::poh_ggz).contacts,
        y.residents);
    set("specialist_referrals", need_demand("specialist_referral"), y.residents);
    if (!m.care().need_index("specialist_referral"))
        for (auto& i : ind)
            if (i.key == "specialist_referrals")
                i.not_modelled = "the parameter set has no need 'specialist_referral'";
    const auto share_of = [&](const auto& with) {
        double n = 0, total = 0;
        for (std::size_t b = 0; b < age_band_count; ++b) {
            n += with[b];
            total += y.first_year_use.residents[b];
        }
        return total > 0 ? n / total : 0.0;
    };
    set("share_with_gp_contact", share_of(y.first_year_use.with_practice_need), 0);
    set("hospital_users", share_of(y.first_year_use.with_hospital_need), 0);
    set("ed_visits", at(setting::emergency_department).contacts, y.residents);
    set("admissions", at(setting::hospital_admission).contacts, y.residents);
    set("zvw_spend", zvw, y.residents);
    set("hospital_spend", hospital, y.residents);
    set("gp_care_spend", gp_care, y.residents);
    set("district_nursing_clients", at(setting::district_nursing).contacts, y.residents);
    for (auto c :
         {condition::diabetes, condition::copd, condition::heart_failure, condition::dementia})
        set(fmt::format("caseload_{}", condition_names[static_cast<std::size_t>(c)]),
            caseload[static_cast<std::size_t>(c)], start_residents);

    fmt::print("{} — region {}, first simulated year from {} ({} weekly steps, annualised), "
               "variant '{}', replicate 0\n",
               l.file.title, m.area().name, iso(m.time().start), y.steps,
               plan.variants.front().label);
    fmt::print("residents: {} (mean over the year); targets per 180,000 residents from "
               "{}\n\n",
               count_text(y.residents),
               std::filesystem::proximate(dir / "calibration_targets.csv").string());
    fmt::print("{:<26}{:>14}{:>14}{:>14}{:>11}  {}\n", "indicator", "simulated", "per 180k",
               "target", "tolerance", "inside?");
    std::size_t modelled = 0, inside = 0;
    for (const auto& t : targets) {
        const auto& i = *std::find_if(ind.begin(), ind.end(),
                                      [&](const indicator& x) { return x.key == t.indicator; });
        const std::string name = i.eur ? i.key + " (EUR mln)" : i.key;
        const bool share = t.unit == "share";
        const std::string target =
            share ? fmt::format("{:.1f}%", 100 * t.target) : value_text(t.target, i.eur);
        const std::string tolerance = share ? fmt::format("±{:.0f} pp", 100 * t.tolerance)
                                            : fmt::format("±{:.0f}%", 100 * t.tolerance);
        if (!i.not_modelled.empty() || !i.sim) {
            fmt::print("{:<26}{:>14}{:>14}{:>14}{:>11}  not modelled: {}\n", name, "-", "-", target,
                       tolerance, i.not_modelled);
            continue;
        }
        if (share) {
            const double value = *i.sim;
            const bool ok = std::abs(value - t.target) <= t.tolerance;
            ++modelled;
            inside += ok;
            fmt::print("{:<26}{:>14}{:>14}{:>14}{:>11}  {} ({:+.1f} pp)\n", name,
                       fmt::format("{:.1f}%", 100 * value), "-", target, tolerance,
                       ok ? "yes" : "NO", 100 * (value - t.target));
            continue;
        }
        const double value = *i.sim / t.count_per_unit;
        const double per_ref = i.residents > 0 ? value * reference_residents / i.residents : 0.0;
        const bool ok = std::abs(per_ref - t.target) <= t.tolerance * t.target;
        ++modelled;
        inside += ok;
        fmt::print("{:<26}{:>14}{:>14}{:>14}{:>11}  {} ({:+.1f}%)\n", name,
                   value_text(value, i.eur), value_text(per_ref, i.eur), target, tolerance,
                   ok ? "yes" : "NO", t.target > 0 ? 100 * (per_ref / t.target - 1) : 0.0);
    }
    fmt::print("\n{} of {} modelled indicators inside tolerance\n\nindicators:\n", inside,
               modelled);
    for (const auto& t : targets) {
        const auto& i = *std::find_if(ind.begin(), ind.end(),
                                      [&](const indicator& x) { return x.key == t.indicator; });
        fmt::print("  {:<26}{}\n", i.key, i.label);
    }
    fmt::print("  (spend excludes physiotherapy, mostly supplementary insurance; welfare, "
               "municipal Wmo; nursing_home, Wlz; and Zvw items the model has no need for: "
               "aids, ambulance, maternity care, care abroad)\n");
    return strict && inside < modelled ? exit_code::calibration_outside : exit_code::ok;
}

} // namespace zorgsim::io
