#include "engine/sim/year_totals.hpp"

#include "engine/core/calendar.hpp"
#include "engine/sim/model.hpp"

#include <algorithm>

namespace zorgsim {

void year_totals_recorder::begin(const model& m, const run_plan&) {
    needs_ = m.care().needs.size();
    steps_in_year_ = std::min(m.time().steps_per_year(), m.time().step_count());
    annualise_ =
        steps_in_year_
            ? days_per_year /
                  static_cast<double>(steps_in_year_ * static_cast<std::size_t>(m.time().step_days))
            : 0.0;
    summary_ = {};
    summary_.demand_by_need.assign(needs_, 0.0);
    const auto& r = m.residents();
    summary_.population_start = r.size();
    for (auto band : r.age_band)
        summary_.population_75_plus_start += band >= 4;
}

void year_totals_recorder::record_year(const year_view& y) {
    if (y.point.variant != 0 || y.point.replicate != 0)
        return;
    if (y.year_index == 0)
        summary_.first_year_use = *y.use;
    if (!y.demography)
        return;
    summary_.calendar_year.push_back(y.calendar_year);
    summary_.years.push_back(*y.demography);
}

void year_totals_recorder::record(const step_view& v) {
    if (v.point.variant != 0 || v.point.replicate != 0 || v.step >= steps_in_year_)
        return;
    const std::size_t nbs = v.residents.size();
    for (std::size_t h = 0; h < nbs; ++h) {
        summary_.residents += v.residents[h];
        for (std::size_t s = 0; s < setting_count; ++s) {
            const auto at = h * setting_count + s;
            auto& t = summary_.by_setting[s];
            t.demand += v.demand[at];
            t.contacts += v.contacts[at];
            t.escalated += v.escalated[at];
            t.unmet += v.unmet[at];
            t.cost_eur += v.cost_eur[at];
            t.wait_weeks_sum += v.wait_weeks_sum[at];
        }
        for (std::size_t n = 0; n < needs_; ++n)
            summary_.demand_by_need[n] += v.demand_by_need[h * needs_ + n];
    }
    ++summary_.steps;
}

void year_totals_recorder::end_point(const run_point& p) {
    if (p.variant != 0 || p.replicate != 0 || summary_.steps == 0)
        return;
    summary_.residents /= static_cast<double>(summary_.steps);
    for (auto& t : summary_.by_setting)
        for (double* x :
             {&t.demand, &t.contacts, &t.escalated, &t.unmet, &t.cost_eur, &t.wait_weeks_sum})
            *x *= annualise_;
    for (auto& d : summary_.demand_by_need)
        d *= annualise_;
}

} // namespace zorgsim
