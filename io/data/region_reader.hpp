// Reads a region directory (municipalities.csv, neighbourhoods.csv, population.csv,
// providers.csv; formats in scenarios/regions/README.md) into engine structs. All problems of a
// file are reported together, with file, line and column; nothing is half-loaded.
#pragma once

#include "engine/network/graph.hpp"
#include "engine/network/providers.hpp"
#include "engine/population/region.hpp"

#include <filesystem>

namespace zorgsim::io {

struct region_data {
    region area;
    provider_table providers;
    std::vector<travel_entry> travel_matrix; // optional travel_times.csv
    std::vector<referral_entry> referrals;   // optional referrals.csv
};

region_data read_region(const std::filesystem::path& dir);

// The files a region directory consists of (optional ones only when present), for provenance.
std::vector<std::filesystem::path> region_files(const std::filesystem::path& dir);

} // namespace zorgsim::io
