// Shared helpers for engine tests: run a model with a lever set into memory, sum a setting over
// steps, and the conservation identity every run must satisfy.
#pragma once

#include "engine/sim/engine.hpp"
#include "engine/sim/memory_recorder.hpp"

#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

namespace zorgsim::testing {

inline memory_recorder run_tiny(const model& m, lever_set levers = {}, int threads = 1,
                                std::uint32_t replicates = 1) {
    run_plan plan;
    plan.seed = 99;
    plan.replicates = replicates;
    plan.variants = {variant{"v", std::move(levers)}};
    memory_recorder rec;
    run(m, plan, rec, run_options{threads});
    return rec;
}

template <typename T>
double sum_setting(const std::vector<T>& v, std::size_t nbs, setting s, std::size_t first_step,
                   std::size_t last_step) {
    double total = 0;
    for (std::size_t k = first_step; k < last_step; ++k)
        for (std::size_t h = 0; h < nbs; ++h)
            total += v[(k * nbs + h) * setting_count + static_cast<std::size_t>(s)];
    return total;
}

// Every need drawn is, after every step, exactly one of: served, unmet, or waiting.
inline void check_conservation(const point_series& s, std::size_t nbs, std::size_t providers) {
    const std::size_t cells = nbs * setting_count;
    std::uint64_t demand = 0, served = 0, unmet = 0;
    for (std::size_t k = 0; k < s.steps; ++k) {
        for (std::size_t c = 0; c < cells; ++c) {
            demand += s.demand[k * cells + c];
            served += s.contacts[k * cells + c];
            unmet += s.unmet[k * cells + c];
        }
        std::uint64_t backlog = 0;
        for (std::size_t q = 0; q < providers; ++q)
            backlog += s.backlog[k * providers + q];
        INFO("step " << k);
        REQUIRE(demand == served + unmet + backlog);
        // The age-band totals are the same contacts, counted by age instead of neighbourhood.
        const std::size_t band_cells = setting_count * age_band_count;
        for (std::size_t w = 0; w < setting_count; ++w) {
            std::uint64_t by_nb = 0, by_band = 0, unmet_nb = 0, unmet_band = 0;
            for (std::size_t h = 0; h < nbs; ++h) {
                by_nb += s.contacts[k * cells + h * setting_count + w];
                unmet_nb += s.unmet[k * cells + h * setting_count + w];
            }
            for (std::size_t b = 0; b < age_band_count; ++b) {
                by_band += s.contacts_by_band[k * band_cells + w * age_band_count + b];
                unmet_band += s.unmet_by_band[k * band_cells + w * age_band_count + b];
            }
            REQUIRE(by_nb == by_band);
            REQUIRE(unmet_nb == unmet_band);
        }
        const std::size_t need_cells = s.demand_by_need.size() / s.steps;
        std::uint64_t needs_nb = 0, needs_band = 0;
        for (std::size_t c = 0; c < need_cells; ++c)
            needs_nb += s.demand_by_need[k * need_cells + c];
        const std::size_t need_band_cells = s.demand_by_need_band.size() / s.steps;
        for (std::size_t c = 0; c < need_band_cells; ++c)
            needs_band += s.demand_by_need_band[k * need_band_cells + c];
        REQUIRE(needs_nb == needs_band);
    }
}

} // namespace zorgsim::testing
