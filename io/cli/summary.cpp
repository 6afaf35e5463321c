#include "io/cli/summary.hpp"

#include <fmt/format.h>

namespace zorgsim::io {
namespace {

std::string check(double value, double low, double high) {
    return value >= low && value <= high ? "ok" : "OUTSIDE";
}

} // namespace

std::string format_summary(const model& m, const std::string& title, const year_summary& y) {
    std::string out;
    const auto& s = y.by_setting;
    const auto at = [&](setting x) -> const setting_totals& {
        return s[static_cast<std::size_t>(x)];
    };
    const double residents = y.residents;
    out += fmt::format(
        "\n{} — region {}, first simulated year from {} ({} weekly steps, annualised)\n", title,
        m.area().name, iso(m.time().start), y.steps);
    const double practice =
        at(setting::gp).contacts + at(setting::poh_s).contacts + at(setting::poh_ggz).contacts;
    double referrals = 0;
    if (const auto n = m.care().need_index("specialist_referral"))
        referrals = y.demand_by_need[*n];
    const double ed = at(setting::emergency_department).contacts;
    out += fmt::format("  {:<38}{:>12.0f}\n", "residents", residents);
    out += fmt::format("  {:<38}{:>12.2f}   target 5.0-5.6 (DOMAIN 2.2)   {}\n",
                       "GP-practice contacts per resident", practice / residents,
                       check(practice / residents, 5.0, 5.6));
    out +=
        fmt::format("  {:<38}{:>12.0f}   target 290-350 (DOMAIN 2.3)   {}\n", "referrals per 1,000",
                    referrals / residents * 1000, check(referrals / residents * 1000, 290, 350));
    out +=
        fmt::format("  {:<38}{:>12.0f}   target 90-125 (DOMAIN 3.2)    {}\n", "ED visits per 1,000",
                    ed / residents * 1000, check(ed / residents * 1000, 90, 125));
    double cost = 0;
    for (const auto& t : s)
        cost += t.cost_eur;
    out += fmt::format("  {:<38}{:>12.1f}\n", "cost of contacts (EUR million)", cost / 1e6);
    out += fmt::format("\n  {:<26}{:>11}{:>11}{:>11}{:>9}{:>12}{:>11}\n", "setting", "demand",
                       "contacts", "escalated", "unmet", "mean wait", "EUR mln");
    for (std::size_t i = 0; i < setting_count; ++i) {
        const auto& t = s[i];
        if (t.demand == 0 && t.contacts == 0 && t.escalated == 0 && t.unmet == 0)
            continue;
        const double wait = t.contacts > 0 ? t.wait_weeks_sum / t.contacts : 0.0;
        out += fmt::format("  {:<26}{:>11.0f}{:>11.0f}{:>11.0f}{:>9.0f}{:>9.2f} wk{:>11.2f}\n",
                           setting_names[i], t.demand, t.contacts, t.escalated, t.unmet, wait,
                           t.cost_eur / 1e6);
    }
    out +=
        "  (demand counts new needs by the setting they were first routed to; escalated needs are\n"
        "   served, or given up, in the next setting of their pathway; mean wait 0 = same "
        "week)\n";
    if (!y.years.empty()) {
        out += fmt::format(
            "\n  population, projection '{}' (at the end of each simulated year; 75+ growth "
            "against the start)\n",
            m.demography().projection);
        out += fmt::format("  {:<8}{:>11}{:>9}{:>9}{:>9}{:>9}{:>9}{:>10}\n", "year", "residents",
                           "growth", "75+", "75+ vs", "deaths", "births", "net migr");
        out += fmt::format("  {:<8}{:>11}{:>9}{:>9}\n", "start", y.population_start, "",
                           y.population_75_plus_start);
        for (std::size_t k = 0; k < y.years.size(); ++k) {
            const auto& d = y.years[k];
            std::uint64_t old = 0;
            for (std::size_t b = 4; b < age_band_count; ++b)
                old += d.population_by_band_sex[b][0] + d.population_by_band_sex[b][1];
            const double growth = 100.0 * (static_cast<double>(d.population_end) /
                                               static_cast<double>(d.population_start) -
                                           1);
            const double old_growth =
                100.0 *
                (static_cast<double>(old) / static_cast<double>(y.population_75_plus_start) - 1);
            out += fmt::format(
                "  {:<8}{:>11}{:>8.2f}%{:>9}{:>8.1f}%{:>9}{:>9}{:>10}\n", y.calendar_year[k],
                d.population_end, growth, old, old_growth, d.deaths, d.births,
                static_cast<std::int64_t>(d.immigrants) - static_cast<std::int64_t>(d.emigrants));
        }
    }
    out += "\n";
    return out;
}

} // namespace zorgsim::io
