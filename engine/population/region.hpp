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

struct neighbourhood_table {
    std::vector<std::string> code;
    std::vector<std::string> name;
    std::vector<std::uint32_t> municipality; // index into region::municipalities
    std::vector<std::uint32_t> wsv;          // index into region::wsv_names
    std::vector<double> lon_deg;
    std::vector<double> lat_deg;
    std::vector<double> vulnerable_share;
    std::vector<persons_by_band_sex> persons;

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
// multiplier), by condition and band.
struct prevalence_table {
    std::array<std::array<double, age_band_count>, condition_count> share{};
};

} // namespace zorgsim
