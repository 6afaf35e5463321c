// Demography, one simulated year at a time: deaths by age and sex, emigration and immigration by
// age band, births to women aged 15-44, ageing by one year and new chronic conditions. Every draw
// is keyed by (seed, replicate, resident id, year), so a year's result does not depend on threads
// and scenario variants that share a seed share their population.
#pragma once

#include "engine/core/ids.hpp"
#include "engine/population/region.hpp"
#include "engine/population/residents.hpp"

#include <array>
#include <cstdint>
#include <string>

namespace zorgsim {

class keyed_rng;

using band_sex_rates = std::array<std::array<double, sex_count>, age_band_count>;

struct demography_parameters {
    bool enabled = true;
    std::string projection = "mid";
    band_sex_rates mortality_per_1000{};                         // deaths per 1000 persons per year
    std::array<double, age_band_count> fertility_per_1000{};     // births per 1000 women per year
    std::array<double, age_band_count> net_migration_per_1000{}; // + in, - out, per 1000 per year
    // New cases per 1000 persons without the condition per year, by band.
    std::array<std::array<double, age_band_count>, condition_count> incidence_per_1000{};
    double male_birth_share = 0.512;
    // Projection variant (low/mid/high): multipliers on the rates above and a yearly decline in
    // mortality, compounding from the first simulated year.
    double mortality_multiplier = 1.0;
    double mortality_decline_per_year = 0.0;
    double fertility_multiplier = 1.0;
    double migration_multiplier = 1.0;
};

// Incidence that keeps each band's prevalence where the prevalence table puts it as cohorts age:
// the rise in prevalence from one band to the next per year of age, among those without it.
// Conditions whose prevalence falls with age (depression) get none. Derived (D), see README.
std::array<std::array<double, age_band_count>, condition_count>
incidence_from_prevalence(const prevalence_table& prevalence);

struct demography_year {
    std::uint64_t population_start = 0;
    std::uint64_t deaths = 0, births = 0, immigrants = 0, emigrants = 0;
    std::uint64_t population_end = 0;
    std::array<std::uint64_t, condition_count> new_cases{};
    persons_by_band_sex population_by_band_sex{}; // at the end of the year

    bool operator==(const demography_year&) const = default;
};

// Advances the residents by one year (`year_index` 0 = the first simulated year). Newborns join
// their mother's practice; an immigrant joins the practice of a randomly chosen resident of the
// same neighbourhood. Residents stay sorted by neighbourhood; new ids continue from next_id.
// `spare`, when given, holds the new table while it is written and gets the old one back: a
// caller that keeps it from year to year saves allocating (and first touching) a table a year.
demography_year advance_year(resident_table& residents, const demography_parameters& p,
                             const prevalence_table& prevalence, const keyed_rng& rng,
                             std::uint32_t year_index, std::uint32_t& next_id,
                             resident_table* spare = nullptr);

} // namespace zorgsim
