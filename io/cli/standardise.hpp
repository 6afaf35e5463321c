// Direct age standardisation: a rate per age band, weighted by a standard population's age
// shares, so that regions with different age structures compare on the same footing.
#pragma once

#include "engine/core/ids.hpp"

#include <array>
#include <filesystem>

namespace zorgsim::io {

using band_values = std::array<double, age_band_count>;

struct standardised_rate {
    double crude = 0;        // sum of events / sum of person-years, x per
    double standardised = 0; // sum over bands of standard share x band rate, x per
};

// Events and person-years per age band; `per` scales the rate (1000: per 1,000 person-years).
// Bands without person-years contribute nothing (their rate is unknown); shares must sum to 1.
standardised_rate standardise(const band_values& events, const band_values& person_years,
                              const band_values& standard_shares, double per);

// Reads standard_population.csv (age_band, share, source); shares are normalised to sum to 1.
// Throws input_error naming the file and row.
band_values read_standard_population(const std::filesystem::path& file);

} // namespace zorgsim::io
