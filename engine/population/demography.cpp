#include "engine/population/demography.hpp"

#include "engine/core/error.hpp"
#include "engine/core/rng.hpp"

#include <tbb/blocked_range.h>
#include <tbb/combinable.h>
#include <tbb/parallel_for.h>
#include <tbb/parallel_invoke.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace zorgsim {
namespace {

// Age at the middle of each band, for turning prevalence steps between bands into yearly rates.
constexpr std::array<double, age_band_count> band_mid_age = {7.5, 30, 55, 70, 80, 90};

// Streams for the yearly draws, one word each of a (resident, year) counter.
constexpr std::uint32_t draw_fate = 0;      // death, emigration, immigration, birth
constexpr std::uint32_t draw_incidence = 1; // one word per condition (two counters)
constexpr std::uint32_t draw_newcomer = 3;  // a newcomer's sex/practice choice

// A year's rates as probabilities, computed as the serial version computed them per resident (the
// same expressions, so the same doubles).
struct rates {
    band_sex_rates death{};
    std::array<double, age_band_count> migration{}, fertility{};
    std::array<std::array<double, age_band_count>, condition_count> incidence{};
    std::array<condition_mask, age_band_count> can_start{}; // conditions with incidence > 0
    std::array<std::uint8_t, 256> band_of{};                // age_band_of, by age in years

    rates(const demography_parameters& p, std::uint32_t year_index) {
        for (std::size_t a = 0; a < band_of.size(); ++a)
            band_of[a] = age_band_of(static_cast<std::uint8_t>(a));
        const double decline = std::pow(1 - p.mortality_decline_per_year, year_index);
        for (std::size_t b = 0; b < age_band_count; ++b) {
            for (std::size_t s = 0; s < sex_count; ++s)
                death[b][s] = p.mortality_per_1000[b][s] / 1000 * p.mortality_multiplier * decline;
            migration[b] = p.net_migration_per_1000[b] / 1000 * p.migration_multiplier;
            fertility[b] = p.fertility_per_1000[b] / 1000 * p.fertility_multiplier;
            for (std::size_t c = 0; c < condition_count; ++c) {
                incidence[c][b] = p.incidence_per_1000[c][b] / 1000;
                if (incidence[c][b] > 0) // a uniform in (0, 1) is never below 0
                    can_start[b] = static_cast<condition_mask>(can_start[b] | (1u << c));
            }
        }
    }
};

// Residents are taken in chunks of a fixed size, whatever the thread count: counts per chunk,
// summed in chunk order, give every resident's row in the new table.
constexpr std::size_t chunk_residents = 2048;

// A resident's fate in the year, as bits; 0 = died or emigrated.
constexpr std::uint8_t stays = 1, brings_immigrant = 2, gives_birth = 4;

struct block_start {
    std::size_t first; // row of the neighbourhood block's first resident
    std::uint32_t stayers_before, newcomers_before; // in the chunk, before that row
};

struct chunk_summary {
    std::uint32_t stayers = 0, newcomers = 0;
    std::vector<block_start> block_starts;
    std::size_t unsorted_at = 0; // a row whose neighbourhood is below the previous row's, or 0
};

// Integer counts per thread: their sum does not depend on the order of adding.
struct year_counts {
    std::uint64_t deaths = 0, emigrants = 0, immigrants = 0, births = 0;
    std::array<std::uint64_t, condition_count> new_cases{};
    persons_by_band_sex by_band_sex{};
};

// resize() writes every new element; the columns are resized as three tasks rather than one. A
// column that must grow gets 3% headroom, so that a table reused the next year (the population
// grows by well under 3% a year) is not allocated, and its pages first touched, again.
template <typename T>
void resize_with_headroom(std::vector<T>& v, std::size_t n) {
    if (v.capacity() < n) {
        v.clear();
        v.reserve(n + n / 32);
    }
    v.resize(n);
}
void resize_in_parallel(resident_table& t, std::size_t n) {
    tbb::parallel_invoke(
        [&] {
            resize_with_headroom(t.id, n);
            resize_with_headroom(t.age_years, n);
            resize_with_headroom(t.age_band, n);
            resize_with_headroom(t.sex_of, n);
        },
        [&] {
            resize_with_headroom(t.neighbourhood, n);
            resize_with_headroom(t.conditions, n);
            resize_with_headroom(t.vulnerable, n);
        },
        [&] { resize_with_headroom(t.practice, n); });
}

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
                             std::uint32_t year_index, std::uint32_t& next_id,
                             resident_table* spare) {
    demography_year report;
    const auto n = t.size();
    report.population_start = n;
    const auto key_year = 1000 + year_index; // apart from the weekly steps' counters
    const rates r(p, year_index);

    // 1. Each resident's fate, per chunk in parallel, with the chunk's counts and where in it
    // each neighbourhood's block begins.
    const std::size_t chunks = (n + chunk_residents - 1) / chunk_residents;
    std::vector<std::uint8_t> fate(n);
    std::vector<chunk_summary> summary(chunks);
    tbb::combinable<year_counts> counts;
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, chunks), [&](const auto& range) {
        auto& c = counts.local();
        for (std::size_t k = range.begin(); k != range.end(); ++k) {
            auto& out = summary[k];
            const auto last = std::min(n, (k + 1) * chunk_residents);
            for (std::size_t i = k * chunk_residents; i < last; ++i) {
                if (i == 0 || t.neighbourhood[i] != t.neighbourhood[i - 1]) {
                    if (i > 0 && t.neighbourhood[i] < t.neighbourhood[i - 1] &&
                        out.unsorted_at == 0)
                        out.unsorted_at = i;
                    out.block_starts.push_back({i, out.stayers, out.newcomers});
                }
                const auto band = t.age_band[i];
                const auto w = rng.words(rng_stream::demography, t.id[i], key_year, draw_fate);
                std::uint8_t f = 0;
                if (keyed_rng::uniform(w[0]) <
                        r.death[band][static_cast<std::size_t>(t.sex_of[i])] ||
                    t.age_years[i] >= oldest_age_years) {
                    ++c.deaths;
                } else if (r.migration[band] < 0 && keyed_rng::uniform(w[1]) < -r.migration[band]) {
                    ++c.emigrants;
                } else {
                    f = stays;
                    ++out.stayers;
                    // Net immigration: each resident of the band brings in a newcomer like them
                    // (same neighbourhood, age and sex) with the band's rate, so arrivals follow
                    // where people live.
                    if (r.migration[band] > 0 && keyed_rng::uniform(w[1]) < r.migration[band]) {
                        f |= brings_immigrant;
                        ++out.newcomers;
                        ++c.immigrants;
                    }
                    if (t.sex_of[i] == sex::female &&
                        keyed_rng::uniform(w[2]) < r.fertility[band]) {
                        f |= gives_birth;
                        ++out.newcomers;
                        ++c.births;
                    }
                }
                fate[i] = f;
            }
        }
    });

    // 2. Prefix counts in chunk order: the first stayer and newcomer rank of each chunk, and per
    // block the stayers and newcomers of the blocks before it. The new table merges stayers and
    // newcomers by neighbourhood, stayers first: a stayer of rank s in block b goes to row
    // s + newcomers_before[b], a newcomer of rank m to row m + stayers_before[b + 1].
    std::vector<std::size_t> block_first;
    std::vector<std::uint64_t> stayers_before, newcomers_before;
    std::vector<std::uint64_t> chunk_stayers(chunks), chunk_newcomers(chunks);
    std::uint64_t stayers = 0, newcomers = 0;
    for (std::size_t k = 0; k < chunks; ++k) {
        if (summary[k].unsorted_at != 0)
            throw model_error("residents are not sorted by neighbourhood: row " +
                              std::to_string(summary[k].unsorted_at) + " (neighbourhood " +
                              std::to_string(t.neighbourhood[summary[k].unsorted_at]) +
                              ") follows neighbourhood " +
                              std::to_string(t.neighbourhood[summary[k].unsorted_at - 1]));
        chunk_stayers[k] = stayers;
        chunk_newcomers[k] = newcomers;
        for (const auto& b : summary[k].block_starts) {
            block_first.push_back(b.first);
            stayers_before.push_back(stayers + b.stayers_before);
            newcomers_before.push_back(newcomers + b.newcomers_before);
        }
        stayers += summary[k].stayers;
        newcomers += summary[k].newcomers;
    }
    block_first.push_back(n);
    stayers_before.push_back(stayers);
    newcomers_before.push_back(newcomers);
    summary = {};

    // 3. The new table, each row written once, by chunks in parallel: survivors a year older with
    // new conditions, newcomers (who arrive already a year on) with ids in resident order, an
    // immigrant before a baby.
    resident_table fresh;
    resident_table& next = spare && spare != &t ? *spare : fresh;
    resize_in_parallel(next, stayers + newcomers);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, chunks), [&](const auto& range) {
        auto& c = counts.local();
        for (std::size_t k = range.begin(); k != range.end(); ++k) {
            const auto first = k * chunk_residents, last = std::min(n, first + chunk_residents);
            auto b = static_cast<std::size_t>(
                std::upper_bound(block_first.begin(), block_first.end(), first) -
                block_first.begin() - 1);
            auto stayer = chunk_stayers[k], newcomer = chunk_newcomers[k];
            for (std::size_t i = first; i < last; ++i) {
                while (i >= block_first[b + 1])
                    ++b;
                const auto f = fate[i];
                if (f == 0) // died or emigrated; anyone else stays
                    continue;
                const auto id = t.id[i];
                const auto nb = t.neighbourhood[i];
                const auto s = t.sex_of[i];
                {
                    const auto row = stayer++ + newcomers_before[b];
                    const auto age = static_cast<std::uint8_t>(t.age_years[i] + 1);
                    const auto band = r.band_of[age];
                    auto conditions = t.conditions[i];
                    // Draw only the words that can give a new case: the same numbers, fewer draws.
                    const auto open = static_cast<condition_mask>(~conditions & r.can_start[band]);
                    std::array<std::uint32_t, 8> u{};
                    if (open & 0x0F) {
                        const auto a =
                            rng.words(rng_stream::demography, id, key_year, draw_incidence);
                        std::copy(a.begin(), a.end(), u.begin());
                    }
                    if (open & 0xF0) {
                        const auto a =
                            rng.words(rng_stream::demography, id, key_year, draw_incidence + 1);
                        std::copy(a.begin(), a.end(), u.begin() + 4);
                    }
                    for (std::size_t cond = 0; cond < condition_count; ++cond) {
                        const auto flag = static_cast<condition_mask>(1u << cond);
                        if ((open & flag) != 0 &&
                            keyed_rng::uniform(u[cond]) < r.incidence[cond][band]) {
                            conditions = static_cast<condition_mask>(conditions | flag);
                            ++c.new_cases[cond];
                        }
                    }
                    next.id[row] = id;
                    next.age_years[row] = age;
                    next.age_band[row] = band;
                    next.sex_of[row] = s;
                    next.neighbourhood[row] = nb;
                    next.conditions[row] = conditions;
                    next.vulnerable[row] = t.vulnerable[i];
                    next.practice[row] = t.practice[i];
                    ++c.by_band_sex[band][static_cast<std::size_t>(s)];
                }
                if ((f & (brings_immigrant | gives_birth)) == 0)
                    continue;
                const auto nw = rng.words(rng_stream::demography, id, key_year, draw_newcomer);
                const auto add_newcomer = [&](std::uint8_t age, sex newcomer_sex,
                                              std::size_t like) {
                    const auto new_id = static_cast<std::uint32_t>(next_id + newcomer);
                    const auto row = newcomer++ + stayers_before[b + 1];
                    const auto band = r.band_of[age];
                    next.id[row] = new_id;
                    next.age_years[row] = age;
                    next.age_band[row] = band;
                    next.sex_of[row] = newcomer_sex;
                    next.neighbourhood[row] = nb;
                    next.conditions[row] = age == 0
                                               ? condition_mask{0}
                                               : draw_conditions(prevalence, band, rng, new_id);
                    next.vulnerable[row] = t.vulnerable[like];
                    next.practice[row] = t.practice[like];
                    ++c.by_band_sex[band][static_cast<std::size_t>(newcomer_sex)];
                };
                if (f & brings_immigrant) {
                    // Vulnerability and practice of a random resident of the neighbourhood.
                    const auto size = block_first[b + 1] - block_first[b];
                    const auto like =
                        block_first[b] +
                        std::min(size - 1, static_cast<std::size_t>(keyed_rng::uniform(nw[0]) *
                                                                    static_cast<double>(size)));
                    add_newcomer(t.age_years[i], s, like);
                }
                if (f & gives_birth)
                    add_newcomer(
                        0, keyed_rng::uniform(nw[1]) < p.male_birth_share ? sex::male : sex::female,
                        i);
            }
        }
    });

    counts.combine_each([&](const year_counts& c) {
        report.deaths += c.deaths;
        report.emigrants += c.emigrants;
        report.immigrants += c.immigrants;
        report.births += c.births;
        for (std::size_t cond = 0; cond < condition_count; ++cond)
            report.new_cases[cond] += c.new_cases[cond];
        for (std::size_t b = 0; b < age_band_count; ++b)
            for (std::size_t s = 0; s < sex_count; ++s)
                report.population_by_band_sex[b][s] += c.by_band_sex[b][s];
    });
    next_id = static_cast<std::uint32_t>(next_id + newcomers);
    std::swap(t, next); // the year before becomes the spare table, if one was given
    report.population_end = t.size();
    return report;
}

} // namespace zorgsim
