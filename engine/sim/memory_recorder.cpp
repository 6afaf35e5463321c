#include "engine/sim/memory_recorder.hpp"

#include <stdexcept>

namespace zorgsim {
namespace {
template <typename T>
void append(std::vector<T>& to, std::span<const T> from) {
    to.insert(to.end(), from.begin(), from.end());
}
} // namespace

void memory_recorder::begin_point(const run_point& p) {
    current_ = &points_[{p.variant, p.replicate}];
    *current_ = {};
}

void memory_recorder::record(const step_view& v) {
    auto& s = *current_;
    append(s.residents, v.residents);
    append(s.demand, v.demand);
    append(s.demand_by_need, v.demand_by_need);
    append(s.contacts, v.contacts);
    append(s.escalated, v.escalated);
    append(s.unmet, v.unmet);
    append(s.wait_weeks_sum, v.wait_weeks_sum);
    append(s.backlog, v.backlog);
    append(s.provider_contacts, v.provider_contacts);
    append(s.cost_eur, v.cost_eur);
    append(s.minutes_used, v.minutes_used);
    append(s.capacity_min, v.capacity_min);
    append(s.unmet_by_need, v.unmet_by_need);
    append(s.provider_arrivals, v.provider_arrivals);
    append(s.provider_left_unserved, v.provider_left_unserved);
    append(s.provider_wait_weeks_sum, v.provider_wait_weeks_sum);
    append(s.provider_queue_weeks_sum, v.provider_queue_weeks_sum);
    append(s.listed, v.listed);
    append(s.gp_contacts, v.gp_contacts);
    append(s.gp_capacity_min, v.gp_capacity_min);
    append(s.demand_by_need_band, v.demand_by_need_band);
    append(s.contacts_by_band, v.contacts_by_band);
    append(s.cost_by_band_eur, v.cost_by_band_eur);
    append(s.wait_by_band, v.wait_by_band);
    append(s.unmet_by_band, v.unmet_by_band);
    append(s.registered_by_band, v.registered_by_band);
    append(s.residents_by_band, v.residents_by_band);
    ++s.steps;
}

const point_series& memory_recorder::at(std::uint32_t variant, std::uint32_t replicate) const {
    auto it = points_.find({variant, replicate});
    if (it == points_.end())
        throw std::out_of_range("memory_recorder: no such run point");
    return it->second;
}

} // namespace zorgsim
