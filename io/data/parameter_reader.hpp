// Reads the care parameter set (scenarios/parameters/: needs.csv, pathways.csv, capacity.csv,
// prevalence.csv, demography.csv, projection.csv; documented in scenarios/README.md) into engine
// structs.
#pragma once

#include "engine/care/pathways.hpp"
#include "engine/population/demography.hpp"
#include "engine/population/region.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace zorgsim::io {

struct projection_variant {
    std::string name;
    double mortality_multiplier = 1, mortality_decline_per_year = 0, fertility_multiplier = 1,
           migration_multiplier = 1;
};

struct parameter_data {
    care_parameters care;
    prevalence_table prevalence;
    demography_parameters demography; // base rates; a projection variant is applied by the caller
    std::vector<projection_variant> projections;

    // The base rates with a projection variant applied, or std::nullopt when there is no such name.
    std::optional<demography_parameters> demography_for(const std::string& projection) const;
};

parameter_data read_parameters(const std::filesystem::path& dir);
std::vector<std::filesystem::path> parameter_files(const std::filesystem::path& dir);

} // namespace zorgsim::io
