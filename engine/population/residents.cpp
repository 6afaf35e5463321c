#include "engine/population/residents.hpp"

#include "engine/core/rng.hpp"

#include <tbb/parallel_for.h>

#include <numeric>

namespace zorgsim {

std::uint64_t region::population() const {
    std::uint64_t total = 0;
    for (const auto& p : neighbourhoods.persons)
        for (const auto& band : p)
            total += std::accumulate(band.begin(), band.end(), std::uint64_t{0});
    return total;
}

void resident_table::resize(std::size_t n) {
    age_years.resize(n);
    age_band.resize(n);
    sex_of.resize(n);
    neighbourhood.resize(n);
    conditions.resize(n);
    vulnerable.resize(n);
    practice.assign(n, no_practice);
}

resident_table generate_residents(const region& r, const prevalence_table& prevalence,
                                  std::uint64_t seed) {
    const auto& nb = r.neighbourhoods;
    // Lay out the table first: residents ordered by neighbourhood, band, sex.
    struct cell {
        std::uint32_t neighbourhood;
        std::uint8_t band;
        sex s;
        std::uint64_t first;
        std::uint32_t persons;
    };
    std::vector<cell> cells;
    std::uint64_t n = 0;
    for (std::uint32_t h = 0; h < nb.size(); ++h)
        for (std::uint8_t b = 0; b < static_cast<std::uint8_t>(age_band_count); ++b)
            for (std::size_t s = 0; s < sex_count; ++s) {
                const auto persons = nb.persons[h][b][s];
                cells.push_back({h, b, static_cast<sex>(s), n, persons});
                n += persons;
            }
    resident_table t;
    t.resize(n);

    const keyed_rng rng(seed, 0);
    tbb::parallel_for(std::size_t{0}, cells.size(), [&](std::size_t c) {
        const auto& cl = cells[c];
        const unsigned first_year = age_band_first_year[cl.band];
        const unsigned width = cl.band + 1u < age_band_count
                                   ? age_band_first_year[cl.band + 1u] - first_year
                                   : oldest_age_years + 1u - first_year;
        for (std::uint32_t i = 0; i < cl.persons; ++i) {
            const auto id = static_cast<std::uint32_t>(cl.first + i);
            const auto age_w = rng.words(rng_stream::generate_age, id, 0);
            const auto cond_a = rng.words(rng_stream::generate_conditions, id, 0, 0);
            const auto cond_b = rng.words(rng_stream::generate_conditions, id, 0, 1);
            const std::array<std::uint32_t, 8> cond_words = {cond_a[0], cond_a[1], cond_a[2],
                                                             cond_a[3], cond_b[0], cond_b[1],
                                                             cond_b[2], cond_b[3]};
            // Ages uniform within the band (an estimate; the 85+ band spans 85..99).
            t.age_years[id] = static_cast<std::uint8_t>(
                first_year + static_cast<unsigned>(keyed_rng::uniform(age_w[0]) * width) % width);
            t.age_band[id] = cl.band;
            t.sex_of[id] = cl.s;
            t.neighbourhood[id] = cl.neighbourhood;
            t.vulnerable[id] = keyed_rng::uniform(age_w[1]) < nb.vulnerable_share[cl.neighbourhood];
            condition_mask mask = 0;
            for (std::size_t k = 0; k < condition_count; ++k)
                if (keyed_rng::uniform(cond_words[k]) < prevalence.share[k][cl.band])
                    mask = static_cast<condition_mask>(mask | (1u << k));
            t.conditions[id] = mask;
        }
    });
    return t;
}

} // namespace zorgsim
