// A scenario file (TOML) as written by a planner, checked key by key. Every problem is collected
// with file:line:column, the key, the value and what is accepted; parse() throws one config_error
// listing them all. `extends` merges a parent file under this one. Lever names (needs, settings,
// providers) are resolved against the parameter set and region later.
#pragma once

#include "engine/care/levers/registry.hpp"
#include "engine/care/pathways.hpp"
#include "engine/core/calendar.hpp"
#include "engine/network/providers.hpp"
#include "engine/network/travel.hpp"
#include "engine/sim/recorder.hpp"
#include "io/data/names.hpp" // nearest_name, did_you_mean, name_list

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace zorgsim::io {

struct source_position {
    std::uint32_t line = 0;
    std::uint32_t column = 0;
    std::string file; // the file the key is written in (a parent when inherited through `extends`)
};

// One key of a [[lever]] table: a number or a name, with where it is written. Keys left out that
// have a default hold the default, positioned at the [[lever]] table.
struct lever_value {
    std::optional<double> number; // set for numeric keys
    std::string text;             // set for name keys
    source_position at;
};

// A [[lever]] as written, kept generic: every key of its type that is written or has a default.
// resolve_levers() turns the names into engine ids; the key set per type is lever_keys(type).
struct lever_spec {
    std::string type;
    std::map<std::string, lever_value> values;
    source_position at; // the [[lever]] table

    bool has(const std::string& key) const { return values.count(key) > 0; }
    double number(const std::string& key) const; // throws std::out_of_range when absent
    const std::string& text(const std::string& key) const;
};

// One `[sweep]` axis: "lever[i].key" = [values...].
struct sweep_axis {
    std::string key; // as written, e.g. "lever[0].share"
    std::size_t lever = 0;
    std::string lever_key;
    std::vector<double> values;
    source_position at;
};

struct scenario {
    std::filesystem::path file;
    std::string text; // the file as written (with its `extends`, not the merged result)
    std::vector<std::filesystem::path> extends_chain; // parents, nearest first
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
    int compression = 0;            // gzip level of the results file, 0 = off
    std::vector<lever_spec> levers; // parents' levers first (extends), then this file's
    std::vector<sweep_axis> sweep;  // in file order (parents first)

    std::filesystem::path region_dir() const;
};

// The keys a [[lever]] of this type accepts, in the order resolved_text() writes them; empty for
// an unknown type.
std::vector<std::string> lever_keys(const std::string& type);

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

// Resolves lever names (needs, settings, provider codes) against the parameter set and the
// providers; throws config_error with positions, listing every problem.
lever_set resolve_levers(const scenario& s, const care_parameters& care,
                         const provider_table& providers);

// The variants of a run: none but "baseline" for a scenario without levers; otherwise "baseline"
// (no levers) first, then "scenario" or, with a [sweep], one variant per point of the cartesian
// product of its axes in file order, labelled "lever[0].share=0.3, lever[1].reduction=0.1".
std::vector<variant> build_variants(const scenario& s, const care_parameters& care,
                                    const provider_table& providers);

// The directory a built-in region or parameter set is found in: next to the scenario file first,
// then the installed data directory. std::nullopt when neither exists.
std::optional<std::filesystem::path> find_data_dir(const std::filesystem::path& scenario_dir,
                                                   const std::filesystem::path& relative);
std::vector<std::string> builtin_regions();

} // namespace zorgsim::io
