// Residents as columns (struct of arrays), one row per person, sorted by neighbourhood so that
// per-step work walks memory in order. About 12 bytes of hot state per resident.
#pragma once

#include "engine/core/ids.hpp"
#include "engine/population/region.hpp"

#include <cstdint>
#include <vector>

namespace zorgsim {
class keyed_rng;
}

namespace zorgsim {

inline constexpr std::uint32_t no_practice = 0xFFFFFFFFu;

struct resident_table {
    std::vector<std::uint32_t> id; // stable for life: keys every random number of this resident
    std::vector<std::uint8_t> age_years;
    std::vector<std::uint8_t> age_band;
    std::vector<sex> sex_of;
    std::vector<std::uint32_t> neighbourhood;
    std::vector<condition_mask> conditions;
    std::vector<std::uint8_t> vulnerable; // 0/1
    std::vector<std::uint32_t> practice;  // provider index of the registered GP practice

    std::size_t size() const { return age_years.size(); }
    void resize(std::size_t n);
};

// Generates every person of the region's population table one by one: single-year age and sex
// from the table, conditions from the prevalence table with co-occurrence through a latent
// factor, a vulnerability flag from the neighbourhood share. Keyed by (seed, resident id), so the
// result does not depend on threads.
// Conditions of one person of an age band, keyed by (seed, id): also used for in-migrants.
condition_mask draw_conditions(const prevalence_table& prevalence, std::size_t band,
                               const keyed_rng& rng, std::uint32_t id);

resident_table generate_residents(const region& r, const prevalence_table& prevalence,
                                  std::uint64_t seed);

} // namespace zorgsim
