// A region as the engine sees it: municipalities, neighbourhoods (columns, dense ids in file
// order) with centroid, WSV and vulnerability share, and persons per neighbourhood x age band x
// sex.
#pragma once

#include "engine/core/ids.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace zorgsim {

struct municipality {
    std::string code;
    std::string name;
    std::uint32_t population_total = 0;
};

using persons_by_band_sex = std::array<std::array<std::uint32_t, sex_count>, age_band_count>;
using persons_by_age_sex = std::array<std::array<std::uint32_t, sex_count>, age_year_count>;

// Spreads persons of an age band over its single years: evenly in closed bands, and in the open
// 85+ band over 85..99 with weights falling by 20% a year (an estimate: mean age about 89).
void spread_band(std::size_t band, std::size_t sex_index, std::uint32_t persons,
                 persons_by_age_sex& out);
persons_by_band_sex to_bands(const persons_by_age_sex& by_age);

struct neighbourhood_table {
    std::vector<std::string> code;
    std::vector<std::string> name;
    std::vector<std::uint32_t> municipality; // index into region::municipalities
    std::vector<std::uint32_t> wsv;          // index into region::wsv_names
    std::vector<double> lon_deg;
    std::vector<double> lat_deg;
    std::vector<double> vulnerable_share;
    std::vector<persons_by_age_sex> persons; // single-year ages (band input is spread, see above)

    std::size_t size() const { return code.size(); }
};

struct region {
    std::string name;
    std::vector<municipality> municipalities;
    std::vector<std::string> wsv_names;
    neighbourhood_table neighbourhoods;

    std::uint64_t population() const;
};

// Share of persons per age band with each chronic condition (already including any regional
// multiplier), by condition and band, and each condition's loading on a shared latent
// multimorbidity factor: conditions with loadings a and b co-occur with latent correlation a*b,
// while every marginal prevalence stays exactly as given.
struct prevalence_table {
    std::array<std::array<double, age_band_count>, condition_count> share{};
    std::array<double, condition_count> cluster_loading{};
};

} // namespace zorgsim
