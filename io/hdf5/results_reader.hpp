// Reads back what a results file holds, for `zorgsim inspect` and tools: root attributes,
// dimensions with their lengths, and every variable with its dimensions, type and units.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace zorgsim::io {

struct stored_variable {
    std::string path; // e.g. "contacts" or "network/access_min"
    std::vector<std::string> dims;
    std::vector<std::uint64_t> shape;
    std::string dtype;
    std::string units;
    std::string long_name;
};

struct results_contents {
    std::map<std::string, std::string> attributes;                 // root attributes as text
    std::vector<std::pair<std::string, std::uint64_t>> dimensions; // name, length (file order)
    std::vector<std::string> variants;
    std::vector<stored_variable> variables;
};

// Throws input_error when the file cannot be opened as HDF5.
results_contents read_contents(const std::filesystem::path& file);

} // namespace zorgsim::io
