// How results leave the engine: after every step the engine hands a recorder a read-only view of
// that step's metrics. Recorders (in memory, HDF5, summaries) decide what to keep and how.
#pragma once

#include "engine/care/levers/registry.hpp"
#include "engine/population/demography.hpp"

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace zorgsim {

class model;

struct variant {
    std::string label;
    lever_set levers;
};

// Replicates x variants with one seed; replicate r of every variant uses the same random numbers.
struct run_plan {
    std::vector<variant> variants{variant{"baseline", {}}};
    std::uint32_t replicates = 1;
    std::uint64_t seed = 1;
};

struct run_point {
    std::uint32_t variant = 0;
    std::uint32_t replicate = 0;
};

// Arrays indexed [neighbourhood * setting_count + setting], [neighbourhood * need_count + need]
// or [provider]. Counts are contacts (needs), minutes are staff minutes, money is euro.
struct step_view {
    run_point point;
    std::size_t step = 0;
    std::span<const std::uint32_t> residents;      // [neighbourhood]
    std::span<const std::uint32_t> demand;         // new needs by first setting [nb x setting]
    std::span<const std::uint32_t> demand_by_need; // new needs [nb x need]
    std::span<const std::uint32_t> contacts;       // served [nb x setting]
    std::span<const std::uint32_t> escalated;      // moved on from this setting [nb x setting]
    std::span<const std::uint32_t> unmet;          // given up in this setting [nb x setting]
    std::span<const double> cost_eur;              // [nb x setting]
    std::span<const std::uint32_t>
        wait_weeks_sum;                     // weeks waited, summed over contacts [nb x setting]
    std::span<const std::uint32_t> backlog; // waiting at the end of the step [provider]
    std::span<const std::uint32_t> provider_contacts; // [provider]
    std::span<const double> minutes_used;             // [provider]
    std::span<const double> capacity_min;             // [provider]
    std::span<const std::uint32_t> unmet_by_need;     // given up [nb x need]
    // Queue flows per provider (all its pools), for Little's law: needs joining its queues (new
    // or escalated in), needs leaving them unserved (escalated on or unmet), weeks waited by the
    // contacts served from its queues (also when a partner served them), and weeks spent in its
    // queues by every need that left them (served or not).
    std::span<const std::uint32_t> provider_arrivals;
    std::span<const std::uint32_t> provider_left_unserved;
    std::span<const std::uint32_t> provider_wait_weeks_sum;
    std::span<const std::uint32_t> provider_queue_weeks_sum;
    std::span<const std::uint32_t> listed;      // residents listed at the practice [provider]
    std::span<const std::uint32_t> gp_contacts; // served by the gp pool [provider]
    std::span<const double> gp_capacity_min;    // minutes of the gp pool [provider]
    // Region totals by age band, for age-standardised comparison of regions and scenarios.
    std::span<const std::uint32_t> demand_by_need_band; // [need x age band]
    std::span<const std::uint32_t> contacts_by_band;    // [setting x age band]
    std::span<const double> cost_by_band_eur;           // [setting x age band]
    std::span<const std::uint32_t> wait_by_band;        // weeks waited [setting x age band]
    std::span<const std::uint32_t> unmet_by_band;       // [setting x age band]
    std::span<const std::uint32_t> registered_by_band;  // listed with a practice [age band]
    std::span<const std::uint32_t> residents_by_band;   // [age band]
};

// The year's use of care per resident, by age band: residents present during the year, and how
// many of them had at least one need routed to their GP practice (gp, poh_s, poh_ggz) or to the
// hospital (outpatient, emergency department, admission). Needs, not contacts: a need that ends
// up unmet still counts.
struct year_use {
    std::array<std::uint32_t, age_band_count> residents{};
    std::array<std::uint32_t, age_band_count> with_practice_need{};
    std::array<std::uint32_t, age_band_count> with_hospital_need{};

    bool operator==(const year_use&) const = default;
};

// The simulated year, handed over once per year at its end: the use of care during the year and,
// when demography is on, the population's changes at the year boundary (nullptr when it is off).
struct year_view {
    run_point point;
    std::uint32_t year_index = 0; // 0 = the first simulated year
    int calendar_year = 0;        // the year in which that simulated year starts
    const demography_year* demography = nullptr;
    const year_use* use = nullptr;
};

class recorder {
public:
    virtual ~recorder() = default;
    virtual void begin(const model& m, const run_plan& plan) { (void)m, (void)plan; }
    virtual void begin_point(const run_point& p) { (void)p; }
    virtual void record(const step_view& v) = 0;
    virtual void record_year(const year_view& y) { (void)y; }
    virtual void end_point(const run_point& p) { (void)p; }
    virtual void end() {}
};

// Passes every call on to several recorders, in order.
class fanout_recorder final : public recorder {
public:
    explicit fanout_recorder(std::vector<recorder*> targets) : targets_(std::move(targets)) {}
    void begin(const model& m, const run_plan& plan) override {
        for (auto* t : targets_)
            t->begin(m, plan);
    }
    void begin_point(const run_point& p) override {
        for (auto* t : targets_)
            t->begin_point(p);
    }
    void record(const step_view& v) override {
        for (auto* t : targets_)
            t->record(v);
    }
    void record_year(const year_view& y) override {
        for (auto* t : targets_)
            t->record_year(y);
    }
    void end_point(const run_point& p) override {
        for (auto* t : targets_)
            t->end_point(p);
    }
    void end() override {
        for (auto* t : targets_)
            t->end();
    }

private:
    std::vector<recorder*> targets_;
};

} // namespace zorgsim
