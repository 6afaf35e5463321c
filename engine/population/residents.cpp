#include "engine/population/residents.hpp"

#include "engine/core/rng.hpp"

#include <boost/math/special_functions/erf.hpp>
#include <tbb/parallel_for.h>

#include <cmath>
#include <numeric>

namespace zorgsim {

std::uint64_t region::population() const {
    std::uint64_t total = 0;
    for (const auto& p : neighbourhoods.persons)
        for (const auto& age : p)
            total += std::accumulate(age.begin(), age.end(), std::uint64_t{0});
    return total;
}

void spread_band(std::size_t band, std::size_t s, std::uint32_t persons, persons_by_age_sex& out) {
    const std::size_t first = age_band_first_year[band];
    const bool open = band + 1 == age_band_count;
    const std::size_t width = open ? 15 : age_band_first_year[band + 1] - first;
    std::vector<double> weight(width, 1.0);
    if (open)
        for (std::size_t k = 1; k < width; ++k)
            weight[k] = weight[k - 1] * 0.8;
    const double total = std::accumulate(weight.begin(), weight.end(), 0.0);
    // Largest-remainder rounding keeps the band total exact.
    std::vector<std::uint32_t> whole(width);
    std::vector<std::pair<double, std::size_t>> rest;
    std::uint32_t given = 0;
    for (std::size_t k = 0; k < width; ++k) {
        const double exact = persons * weight[k] / total;
        whole[k] = static_cast<std::uint32_t>(std::floor(exact));
        given += whole[k];
        rest.push_back({exact - whole[k], k});
    }
    std::stable_sort(rest.begin(), rest.end(), [](auto a, auto b) { return a.first > b.first; });
    for (std::size_t k = 0; given < persons; ++k, ++given)
        ++whole[rest[k].second];
    for (std::size_t k = 0; k < width; ++k)
        out[first + k][s] += whole[k];
}

persons_by_band_sex to_bands(const persons_by_age_sex& by_age) {
    persons_by_band_sex out{};
    for (std::size_t a = 0; a < age_year_count; ++a)
        for (std::size_t s = 0; s < sex_count; ++s)
            out[age_band_of(static_cast<std::uint8_t>(a))][s] += by_age[a][s];
    return out;
}

void resident_table::resize(std::size_t n) {
    id.resize(n);
    age_years.resize(n);
    age_band.resize(n);
    sex_of.resize(n);
    neighbourhood.resize(n);
    conditions.resize(n);
    vulnerable.resize(n);
    practice.assign(n, no_practice);
}

condition_mask draw_conditions(const prevalence_table& prevalence, std::size_t band,
                               const keyed_rng& rng, std::uint32_t id) {
    const auto a = rng.words(rng_stream::generate_conditions, id, 0, 0);
    const auto b = rng.words(rng_stream::generate_conditions, id, 0, 1);
    const std::array<std::uint32_t, 8> w = {a[0], a[1], a[2], a[3], b[0], b[1], b[2], b[3]};
    // Latent multimorbidity z ~ N(0,1) shared by all conditions; each condition's own latent
    // x = l z + sqrt(1 - l^2) e is N(0,1), so P(x < Phi^-1(p)) = p: marginals are exact.
    // In double precision: Boost's default promotes to long double, which made this the larger
    // part of building a national model.
    const auto normal = [](double u) {
        using namespace boost::math::policies;
        return -std::sqrt(2.0) * boost::math::erfc_inv(2 * u, make_policy(promote_double<false>()));
    };
    const double z = normal(keyed_rng::uniform(w[7]));
    condition_mask mask = 0;
    for (std::size_t k = 0; k < condition_count; ++k) {
        const double p = prevalence.share[k][band];
        if (p <= 0)
            continue;
        const double l = prevalence.cluster_loading[k];
        const double x = l * z + std::sqrt(1 - l * l) * normal(keyed_rng::uniform(w[k]));
        if (p >= 1 || x < normal(p))
            mask = static_cast<condition_mask>(mask | (1u << k));
    }
    return mask;
}

resident_table generate_residents(const region& r, const prevalence_table& prevalence,
                                  std::uint64_t seed) {
    const auto& nb = r.neighbourhoods;
    // Lay out the table first: residents ordered by neighbourhood, age, sex.
    struct cell {
        std::uint32_t neighbourhood;
        std::uint8_t age;
        sex s;
        std::uint64_t first;
        std::uint32_t persons;
    };
    std::vector<cell> cells;
    std::uint64_t n = 0;
    for (std::uint32_t h = 0; h < nb.size(); ++h)
        for (std::size_t a = 0; a < age_year_count; ++a)
            for (std::size_t s = 0; s < sex_count; ++s)
                if (const auto persons = nb.persons[h][a][s]; persons > 0) {
                    cells.push_back(
                        {h, static_cast<std::uint8_t>(a), static_cast<sex>(s), n, persons});
                    n += persons;
                }
    resident_table t;
    t.resize(n);

    const keyed_rng rng(seed, 0);
    tbb::parallel_for(std::size_t{0}, cells.size(), [&](std::size_t c) {
        const auto& cl = cells[c];
        const auto band = age_band_of(cl.age);
        for (std::uint32_t i = 0; i < cl.persons; ++i) {
            const auto id = static_cast<std::uint32_t>(cl.first + i);
            t.id[id] = id;
            t.age_years[id] = cl.age;
            t.age_band[id] = band;
            t.sex_of[id] = cl.s;
            t.neighbourhood[id] = cl.neighbourhood;
            t.vulnerable[id] = keyed_rng::uniform(rng.words(rng_stream::generate_age, id, 0)[1]) <
                               nb.vulnerable_share[cl.neighbourhood];
            t.conditions[id] = draw_conditions(prevalence, band, rng, id);
        }
    });
    return t;
}

} // namespace zorgsim
