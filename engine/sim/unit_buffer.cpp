#include "engine/sim/unit_buffer.hpp"

#include <array>

namespace zorgsim {
namespace {

// Every array of a step_view, listed once: the buffer copies and restores them by these.
using count_field = std::span<const std::uint32_t> step_view::*;
using real_field = std::span<const double> step_view::*;
constexpr std::array<count_field, 22> count_fields = {
    &step_view::residents,
    &step_view::demand,
    &step_view::demand_by_need,
    &step_view::contacts,
    &step_view::escalated,
    &step_view::unmet,
    &step_view::wait_weeks_sum,
    &step_view::backlog,
    &step_view::provider_contacts,
    &step_view::unmet_by_need,
    &step_view::provider_arrivals,
    &step_view::provider_left_unserved,
    &step_view::provider_wait_weeks_sum,
    &step_view::provider_queue_weeks_sum,
    &step_view::listed,
    &step_view::gp_contacts,
    &step_view::demand_by_need_band,
    &step_view::contacts_by_band,
    &step_view::wait_by_band,
    &step_view::unmet_by_band,
    &step_view::registered_by_band,
    &step_view::residents_by_band,
};
constexpr std::array<real_field, 5> real_fields = {
    &step_view::cost_eur, &step_view::minutes_used, &step_view::capacity_min,
    &step_view::gp_capacity_min, &step_view::cost_by_band_eur};

} // namespace

void unit_buffer::begin_point(const run_point& p) {
    point_ = p;
    steps_.clear();
    years_.clear();
    events_.clear();
}

void unit_buffer::record(const step_view& v) {
    owned_step s;
    s.step = v.step;
    for (const auto f : count_fields)
        s.counts.emplace_back((v.*f).begin(), (v.*f).end());
    for (const auto f : real_fields)
        s.reals.emplace_back((v.*f).begin(), (v.*f).end());
    events_.push_back({false, steps_.size()});
    steps_.push_back(std::move(s));
}

void unit_buffer::record_year(const year_view& y) {
    owned_year o;
    o.year_index = y.year_index;
    o.calendar_year = y.calendar_year;
    if (y.demography)
        o.demography = *y.demography;
    if (y.use)
        o.use = *y.use;
    events_.push_back({true, years_.size()});
    years_.push_back(std::move(o));
}

void unit_buffer::end_point(const run_point&) {}

void unit_buffer::replay(recorder& to) const {
    to.begin_point(point_);
    for (const auto& e : events_) {
        if (e.is_year) {
            const auto& y = years_[e.index];
            to.record_year(year_view{point_, y.year_index, y.calendar_year,
                                     y.demography ? &*y.demography : nullptr, &y.use});
            continue;
        }
        const auto& s = steps_[e.index];
        step_view v;
        v.point = point_;
        v.step = s.step;
        for (std::size_t c = 0; c < count_fields.size(); ++c)
            v.*count_fields[c] = s.counts[c];
        for (std::size_t r = 0; r < real_fields.size(); ++r)
            v.*real_fields[r] = s.reals[r];
        to.record(v);
    }
    to.end_point(point_);
}

} // namespace zorgsim
