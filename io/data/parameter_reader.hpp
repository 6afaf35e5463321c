// Reads the care parameter set (scenarios/parameters/: needs.csv, pathways.csv, capacity.csv,
// prevalence.csv; documented in scenarios/README.md) into engine structs.
#pragma once

#include "engine/care/pathways.hpp"
#include "engine/population/region.hpp"

#include <filesystem>
#include <vector>

namespace zorgsim::io {

struct parameter_data {
    care_parameters care;
    prevalence_table prevalence;
};

parameter_data read_parameters(const std::filesystem::path& dir);
std::vector<std::filesystem::path> parameter_files(const std::filesystem::path& dir);

} // namespace zorgsim::io
