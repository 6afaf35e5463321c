// A scenario file (TOML) as written by a planner, checked key by key. Every problem is collected
// with file:line:column, the key, the value and what is accepted; parse() throws one config_error
// listing them all. Lever names (needs, settings) are resolved against the parameter set later.
#pragma once

#include "engine/care/levers/registry.hpp"
#include "engine/care/pathways.hpp"
#include "engine/core/calendar.hpp"
#include "engine/network/travel.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace zorgsim::io {

struct source_position {
    std::uint32_t line = 0;
    std::uint32_t column = 0;
};

struct lever_spec {
    std::string type;
    std::string need, from, to;
    double share = 0;
    double start_year = 0;
    double ramp_years = 0;
    source_position at;                      // the [[lever]] table
    source_position need_at, from_at, to_at; // the name keys, for resolution errors
};

struct scenario {
    std::filesystem::path file;
    std::string text; // the file as written
    std::string title;
    std::string description;
    std::optional<std::string> region_builtin;
    std::optional<std::filesystem::path> region_data; // absolute
    std::filesystem::path parameters_dir;             // absolute
    horizon time;
    std::uint64_t seed = 1;
    std::uint32_t replicates = 1;
    travel_parameters travel;
    double norm_patients_per_gp_fte = 2095; // practice places per GP FTE (registration)
    std::string projection = "mid";         // demography variant from projection.csv, or "none"
    source_position projection_at;
    int compression = 0; // gzip level of the results file, 0 = off
    std::vector<lever_spec> levers;

    std::filesystem::path region_dir() const;
};

// Reads and checks a scenario file; throws config_error listing every problem found.
scenario parse_scenario(const std::filesystem::path& file);
// Same, from text (file is used for messages and to resolve relative paths).
scenario parse_scenario_text(const std::string& text, const std::filesystem::path& file);

// Every key path a scenario accepts ("time.start", "lever[].share", ...), as in
// scenarios/README.md.
std::vector<std::string> scenario_keys();

// The scenario as run: every default written out, paths absolute, overrides applied. Running it
// again with zorgsim reproduces the same results.
std::string resolved_text(const scenario& s);

// Resolves lever names against the parameter set; throws config_error with positions.
lever_set resolve_levers(const scenario& s, const care_parameters& care);

// The directory a built-in region or parameter set is found in: next to the scenario file first,
// then the installed data directory. std::nullopt when neither exists.
std::optional<std::filesystem::path> find_data_dir(const std::filesystem::path& scenario_dir,
                                                   const std::filesystem::path& relative);
std::vector<std::string> builtin_regions();

// Levenshtein-nearest candidate, for "did you mean" hints; empty when nothing is close.
std::string nearest_name(const std::string& name, const std::vector<std::string>& candidates);
// " (did you mean 'x'?)" for the nearest candidate, or "" when nothing is close.
std::string did_you_mean(const std::string& name, const std::vector<std::string>& candidates);

} // namespace zorgsim::io
