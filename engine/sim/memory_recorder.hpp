// Keeps every step of every run point in memory, as flat arrays [step][cell]. For tests, small
// runs and tools that post-process in the same process.
#pragma once

#include "engine/sim/recorder.hpp"

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

namespace zorgsim {

struct point_series {
    std::vector<std::uint32_t> residents, demand, demand_by_need, contacts, escalated, unmet,
        wait_weeks_sum, backlog, provider_contacts, unmet_by_need, provider_arrivals,
        provider_left_unserved, provider_wait_weeks_sum, provider_queue_weeks_sum, listed,
        gp_contacts, demand_by_need_band, contacts_by_band, wait_by_band, unmet_by_band,
        registered_by_band, residents_by_band;
    std::vector<double> cost_eur, minutes_used, capacity_min, gp_capacity_min, cost_by_band_eur;
    std::size_t steps = 0;
    std::vector<demography_year> years; // one per simulated year, when demography is on
    std::vector<year_use> use;          // one per simulated year

    bool operator==(const point_series&) const = default;
};

class memory_recorder final : public recorder {
public:
    void begin_point(const run_point& p) override;
    void record(const step_view& v) override;
    void record_year(const year_view& y) override {
        if (y.demography)
            current_->years.push_back(*y.demography);
        current_->use.push_back(*y.use);
    }

    const point_series& at(std::uint32_t variant, std::uint32_t replicate) const;
    const std::map<std::pair<std::uint32_t, std::uint32_t>, point_series>& all() const {
        return points_;
    }

private:
    std::map<std::pair<std::uint32_t, std::uint32_t>, point_series> points_;
    point_series* current_ = nullptr;
};

} // namespace zorgsim
