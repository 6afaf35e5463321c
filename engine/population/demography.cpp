#include "engine/population/demography.hpp"

#include "engine/core/rng.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace zorgsim {
namespace {

// Age at the middle of each band, for turning prevalence steps between bands into yearly rates.
constexpr std::array<double, age_band_count> band_mid_age = {7.5, 30, 55, 70, 80, 90};

// Streams for the yearly draws, one word each of a (resident, year) counter.
constexpr std::uint32_t draw_fate = 0;      // death, emigration, immigration, birth
constexpr std::uint32_t draw_incidence = 1; // one word per condition (two counters)
constexpr std::uint32_t draw_newcomer = 3;  // a newcomer's sex/practice choice

} // namespace

std::array<std::array<double, age_band_count>, condition_count>
incidence_from_prevalence(const prevalence_table& prevalence) {
    std::array<std::array<double, age_band_count>, condition_count> out{};
    for (std::size_t c = 0; c < condition_count; ++c) {
        if (static_cast<condition>(c) == condition::depression)
            continue; // a 12-month prevalence, not a lifelong condition: kept as drawn
        const auto& p = prevalence.share[c];
        for (std::size_t b = 0; b + 1 < age_band_count; ++b) {
            const double rise = (p[b + 1] - p[b]) / (band_mid_age[b + 1] - band_mid_age[b]);
            out[c][b] = p[b] < 1 ? std::max(0.0, rise / (1 - p[b])) * 1000 : 0;
        }
        out[c][age_band_count - 1] = out[c][age_band_count - 2];
    }
    return out;
}

demography_year advance_year(resident_table& t, const demography_parameters& p,
                             const prevalence_table& prevalence, const keyed_rng& rng,
                             std::uint32_t year_index, std::uint32_t& next_id) {
    demography_year report;
    report.population_start = t.size();
    const double decline = std::pow(1 - p.mortality_decline_per_year, year_index);
    const auto key_year = 1000 + year_index; // apart from the weekly steps' counters

    // First index of each neighbourhood's block (residents are sorted by neighbourhood).
    std::vector<std::size_t> block_first;
    std::vector<std::uint32_t> block_nb;
    for (std::size_t i = 0; i < t.size(); ++i)
        if (i == 0 || t.neighbourhood[i] != t.neighbourhood[i - 1]) {
            block_first.push_back(i);
            block_nb.push_back(t.neighbourhood[i]);
        }
    block_first.push_back(t.size());
    const auto pick_in_block = [&](std::uint32_t nb, double u) {
        const auto k = static_cast<std::size_t>(
            std::lower_bound(block_nb.begin(), block_nb.end(), nb) - block_nb.begin());
        const auto first = block_first[k], size = block_first[k + 1] - first;
        return first + std::min(size - 1, static_cast<std::size_t>(u * static_cast<double>(size)));
    };

    resident_table next;
    next.resize(0);
    const auto keep = [&](const resident_table& from, std::size_t i) {
        next.id.push_back(from.id[i]);
        next.age_years.push_back(from.age_years[i]);
        next.age_band.push_back(from.age_band[i]);
        next.sex_of.push_back(from.sex_of[i]);
        next.neighbourhood.push_back(from.neighbourhood[i]);
        next.conditions.push_back(from.conditions[i]);
        next.vulnerable.push_back(from.vulnerable[i]);
        next.practice.push_back(from.practice[i]);
    };
    resident_table newcomers;
    const auto add_newcomer = [&](std::uint32_t nb, std::uint8_t age, sex s,
                                  std::uint8_t vulnerable, std::uint32_t practice) {
        const auto id = next_id++;
        newcomers.id.push_back(id);
        newcomers.age_years.push_back(age);
        newcomers.age_band.push_back(age_band_of(age));
        newcomers.sex_of.push_back(s);
        newcomers.neighbourhood.push_back(nb);
        newcomers.conditions.push_back(
            age == 0 ? condition_mask{0} : draw_conditions(prevalence, age_band_of(age), rng, id));
        newcomers.vulnerable.push_back(vulnerable);
        newcomers.practice.push_back(practice);
    };

    for (std::size_t i = 0; i < t.size(); ++i) {
        const auto band = t.age_band[i];
        const auto s = static_cast<std::size_t>(t.sex_of[i]);
        const auto w = rng.words(rng_stream::demography, t.id[i], key_year, draw_fate);
        const double q_death =
            p.mortality_per_1000[band][s] / 1000 * p.mortality_multiplier * decline;
        const double migration = p.net_migration_per_1000[band] / 1000 * p.migration_multiplier;
        if (keyed_rng::uniform(w[0]) < q_death || t.age_years[i] >= oldest_age_years) {
            ++report.deaths;
            continue;
        }
        if (migration < 0 && keyed_rng::uniform(w[1]) < -migration) {
            ++report.emigrants;
            continue;
        }
        // Net immigration: each resident of the band brings in a newcomer like them (same
        // neighbourhood, age and sex) with the band's rate, so arrivals follow where people live.
        const auto nw = rng.words(rng_stream::demography, t.id[i], key_year, draw_newcomer);
        if (migration > 0 && keyed_rng::uniform(w[1]) < migration) {
            const auto j = pick_in_block(t.neighbourhood[i], keyed_rng::uniform(nw[0]));
            add_newcomer(t.neighbourhood[i], t.age_years[i], t.sex_of[i], t.vulnerable[j],
                         t.practice[j]);
            ++report.immigrants;
        }
        const double fertility = p.fertility_per_1000[band] / 1000 * p.fertility_multiplier;
        if (t.sex_of[i] == sex::female && keyed_rng::uniform(w[2]) < fertility) {
            const auto baby_sex =
                keyed_rng::uniform(nw[1]) < p.male_birth_share ? sex::male : sex::female;
            add_newcomer(t.neighbourhood[i], 0, baby_sex, t.vulnerable[i], t.practice[i]);
            ++report.births;
        }
        keep(t, i);
    }
    // Ageing and new conditions of those who stay (newcomers arrive already a year on).
    for (std::size_t i = 0; i < next.size(); ++i) {
        next.age_years[i] = static_cast<std::uint8_t>(next.age_years[i] + 1);
        next.age_band[i] = age_band_of(next.age_years[i]);
        const auto a = rng.words(rng_stream::demography, next.id[i], key_year, draw_incidence);
        const auto b = rng.words(rng_stream::demography, next.id[i], key_year, draw_incidence + 1);
        const std::array<std::uint32_t, 8> u = {a[0], a[1], a[2], a[3], b[0], b[1], b[2], b[3]};
        for (std::size_t c = 0; c < condition_count; ++c) {
            const auto flag = static_cast<condition_mask>(1u << c);
            if ((next.conditions[i] & flag) == 0 &&
                keyed_rng::uniform(u[c]) < p.incidence_per_1000[c][next.age_band[i]] / 1000) {
                next.conditions[i] = static_cast<condition_mask>(next.conditions[i] | flag);
                ++report.new_cases[c];
            }
        }
    }
    // Merge newcomers into their neighbourhood blocks, keeping the table sorted by neighbourhood.
    std::vector<std::uint32_t> order(next.size() + newcomers.size());
    std::iota(order.begin(), order.end(), 0u);
    const auto nb_of = [&](std::uint32_t k) {
        return k < next.size() ? next.neighbourhood[k] : newcomers.neighbourhood[k - next.size()];
    };
    std::stable_sort(order.begin(), order.end(),
                     [&](auto x, auto y) { return nb_of(x) < nb_of(y); });
    resident_table merged;
    merged.resize(order.size());
    for (std::size_t k = 0; k < order.size(); ++k) {
        const auto& from = order[k] < next.size() ? next : newcomers;
        const auto i = order[k] < next.size() ? order[k] : order[k] - next.size();
        merged.id[k] = from.id[i];
        merged.age_years[k] = from.age_years[i];
        merged.age_band[k] = from.age_band[i];
        merged.sex_of[k] = from.sex_of[i];
        merged.neighbourhood[k] = from.neighbourhood[i];
        merged.conditions[k] = from.conditions[i];
        merged.vulnerable[k] = from.vulnerable[i];
        merged.practice[k] = from.practice[i];
    }
    t = std::move(merged);
    report.population_end = t.size();
    for (std::size_t i = 0; i < t.size(); ++i)
        ++report.population_by_band_sex[t.age_band[i]][static_cast<std::size_t>(t.sex_of[i])];
    return report;
}

} // namespace zorgsim
