// The `zorgsim` commands. Each returns an exit code (ARCHITECTURE §4): 0 success, 2 invalid input,
// 3 output could not be written, 1 internal error, 130 interrupted.
#pragma once

#include "engine/core/error.hpp"

#include "engine/sim/model.hpp"
#include "engine/sim/recorder.hpp"
#include "io/config/scenario.hpp"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace zorgsim::io {

struct run_request {
    std::filesystem::path scenario_file;
    std::optional<std::filesystem::path> output;
    int threads = 0;
    std::optional<std::uint64_t> seed;
    std::optional<std::uint32_t> replicates;
    bool quiet = false;
    bool force = false;  // overwrite an existing results file
    bool resume = false; // continue OUT.h5.partial of an interrupted run
    // For tests of --resume: stop as if interrupted once this many units were written.
    std::optional<std::uint32_t> stop_after_units;
    // For tests of failures under MPI: the last rank fails (internal error) once it has written
    // this many units.
    std::optional<std::uint32_t> fail_after_units;
    std::string command_line;
};

// Everything a run needs, loaded and checked: the scenario, the frozen model and the plan.
struct loaded_scenario {
    scenario file;
    model frozen;
    run_plan plan;
    std::vector<std::string> input_files;
};
// `years` overrides time.years of the model (levers and sweeps are still checked against the
// scenario's own period).
loaded_scenario load(const std::filesystem::path& scenario_file,
                     std::optional<std::uint64_t> seed = std::nullopt,
                     std::optional<std::uint32_t> replicates = std::nullopt,
                     std::optional<int> years = std::nullopt);

// "zorgsim 0.1.0 (git revision)"
std::string version_string();

int run_command(const run_request& r);
// Prints what went wrong, as a planner should read it, and returns the exit code (main's one
// place for failures; also a rank of an MPI run that must end all the others).
int report_failure(const std::exception_ptr& failure);
int validate_command(const std::filesystem::path& scenario_file);
// What a results file holds: scenario, variants, replicates, period, variables with dims and units.
std::string describe_results(const std::filesystem::path& file);
int inspect_command(const std::filesystem::path& file);
// The variables of a results file as CSV tables in `dir` (export_command.cpp), one per set of
// variables sharing dimensions; `variables` limits the export to those names.
int export_command(const std::filesystem::path& results, const std::filesystem::path& dir,
                   const std::vector<std::string>& variables = {});
// Network analytics only (network_command.cpp): prints a summary and writes GraphML to `output`,
// by default results/<scenario>.graphml.
int network_command(const std::filesystem::path& scenario_file,
                    const std::optional<std::filesystem::path>& output);
// Regions or scenarios side by side (compare_command.cpp): indicators per 1,000 residents per
// year, crude and directly age-standardised to `standard_population`; optionally also as CSV.
int compare_command(const std::vector<std::filesystem::path>& files,
                    const std::filesystem::path& standard_population,
                    const std::filesystem::path& csv);
// The first simulated year of variant 0, replicate 0 against DOMAIN §8.7 (calibrate_command.cpp):
// prints indicator, simulated, target, tolerance, inside. Returns ok, or calibration_outside with
// `strict` when a modelled indicator lies outside its tolerance.
int calibrate_command(const std::filesystem::path& scenario_file, bool strict);

} // namespace zorgsim::io
