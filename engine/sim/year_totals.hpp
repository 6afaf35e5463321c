// Totals over the first simulated year of the first run point (variant 0, replicate 0), per
// setting and per need, annualised to 365.25 days: what the run summary prints.
#pragma once

#include "engine/core/ids.hpp"
#include "engine/sim/recorder.hpp"

#include <array>
#include <cstdint>
#include <vector>

namespace zorgsim {

struct setting_totals {
    double demand = 0, contacts = 0, escalated = 0, unmet = 0, cost_eur = 0, wait_weeks_sum = 0;
};

struct year_summary {
    double residents = 0; // mean over the year's steps
    std::array<setting_totals, setting_count> by_setting{};
    std::vector<double> demand_by_need;
    std::size_t steps = 0;
    // Population per simulated year of variant 0, replicate 0 (empty without demography).
    std::uint64_t population_start = 0;
    std::uint64_t population_75_plus_start = 0;
    std::vector<int> calendar_year;
    std::vector<demography_year> years;
    year_use first_year_use; // who used care in the first simulated year
};

class year_totals_recorder final : public recorder {
public:
    void begin(const model& m, const run_plan& plan) override;
    void record(const step_view& v) override;
    void record_year(const year_view& y) override;
    void end_point(const run_point& p) override;
    const year_summary& summary() const { return summary_; }

private:
    year_summary summary_;
    std::size_t steps_in_year_ = 0;
    std::size_t needs_ = 0;
    double annualise_ = 1;
};

} // namespace zorgsim
