// zorgsim command line: parses arguments, runs one command, and turns every error into a message
// and an exit code (report_failure). The only place exceptions are caught, apart from a rank of an
// MPI run that must end the others.
#include "engine/core/error.hpp"
#include "engine/sim/engine.hpp"
#include "io/cli/commands.hpp"
#include "io/config/scenario.hpp"
#include "io/mpi/processes.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <exception>

int main(int argc, char** argv) {
    using namespace zorgsim;
    using namespace zorgsim::io;
    const mpi::session processes(argc, argv); // MPI ranks under mpirun (ZORGSIM_MPI builds)
    spdlog::set_default_logger(spdlog::stderr_color_mt("zorgsim"));
    spdlog::set_pattern("%^%l%$: %v");

    CLI::App app{"zorgsim: where care shifted from hospital to the first line lands, and whether "
                 "the first line can carry it"};
    app.set_version_flag("--version", version_string());
    app.require_subcommand(1);

    std::string command_line;
    for (int i = 0; i < argc; ++i)
        command_line += (i ? " " : "") + std::string(argv[i]);

    run_request rr;
    rr.command_line = command_line;
    std::string run_file, out_file;
    std::uint64_t seed = 0;
    std::uint32_t replicates = 0;
    bool verbose = false;
    auto* run = app.add_subcommand("run", "run a scenario and write an HDF5 results file");
    run->add_option("scenario", run_file, "scenario file (TOML)")
        ->required()
        ->check(CLI::ExistingFile);
    run->add_option("-o,--output", out_file, "results file (default results/<scenario>.h5)");
    run->add_option("--threads", rr.threads, "worker threads (default: all cores)")
        ->check(CLI::Range(1, 1024));
    auto* seed_opt = run->add_option("--seed", seed, "override the scenario's seed")
                         ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{INT64_MAX}));
    auto* rep_opt = run->add_option("--replicates", replicates, "override the number of replicates")
                        ->check(CLI::Range(1, 10000));
    run->add_flag("--force", rr.force, "overwrite the results file if it exists");
    run->add_flag("--resume", rr.resume,
                  "continue OUT.h5.partial of an interrupted run: keep its complete units, run the "
                  "others");
    std::uint32_t stop_after = 0, fail_after = 0;
    auto* stop_opt = run->add_option("--stop-after-units", stop_after,
                                     "stop as if interrupted after N units (for testing --resume)");
    stop_opt->group(""); // not in --help
    auto* fail_opt = run->add_option("--fail-after-units", fail_after,
                                     "the last rank fails after N units (for testing MPI runs)");
    fail_opt->group("");
    run->add_flag("-q,--quiet", rr.quiet, "print no summary");
    run->add_flag("-v,--verbose", verbose, "log more");

    std::string validate_file;
    auto* validate = app.add_subcommand("validate", "check a scenario and its data, run nothing");
    validate->add_option("scenario", validate_file, "scenario file (TOML)")
        ->required()
        ->check(CLI::ExistingFile);

    std::string inspect_file;
    auto* inspect = app.add_subcommand("inspect", "what a results file holds, in a few lines");
    inspect->add_option("results", inspect_file, "results file (HDF5)")
        ->required()
        ->check(CLI::ExistingFile);

    std::string export_file, export_dir;
    std::vector<std::string> export_variables;
    auto* export_csv =
        app.add_subcommand("export", "write a results file as CSV tables for Excel and Power BI");
    export_csv->add_option("results", export_file, "results file (HDF5)")->required();
    export_csv->add_option("--csv", export_dir, "directory for the CSV files (created if missing)")
        ->required();
    export_csv
        ->add_option("--variables", export_variables,
                     "only these variables, e.g. contacts,cost_eur")
        ->delimiter(',');

    std::string network_file, network_out;
    auto* network = app.add_subcommand("network", "network analytics only: print a summary and "
                                                  "write the provider network as GraphML");
    network->add_option("scenario", network_file, "scenario file (TOML)")
        ->required()
        ->check(CLI::ExistingFile);
    network->add_option("-o,--output", network_out,
                        "GraphML file (default results/<scenario>.graphml)");

    std::vector<std::string> compare_files;
    std::string compare_standard, compare_csv;
    auto* compare = app.add_subcommand(
        "compare", "regions or scenarios side by side per 1,000 residents, crude and "
                   "age-standardised to the Dutch population");
    compare->add_option("results", compare_files, "results files (HDF5), one or more")
        ->required()
        ->check(CLI::ExistingFile);
    compare->add_option("--standard", compare_standard,
                        "standard population CSV (default parameters/standard_population.csv)");
    compare->add_option("--csv", compare_csv, "also write the table as long-format CSV");

    std::string calibrate_file;
    bool calibrate_strict = false;
    auto* calibrate = app.add_subcommand(
        "calibrate", "run the first simulated year and print it against the DOMAIN §8.7 targets "
                     "(parameters/calibration_targets.csv)");
    calibrate->add_option("scenario", calibrate_file, "scenario file (TOML)")
        ->required()
        ->check(CLI::ExistingFile);
    calibrate->add_flag("--strict", calibrate_strict,
                        "exit with code 4 when a modelled indicator is outside its tolerance");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? exit_code::ok : exit_code::invalid_input;
    }
    spdlog::set_level(rr.quiet  ? spdlog::level::warn
                      : verbose ? spdlog::level::debug
                                : spdlog::level::info);
    if (mpi::rank() != 0)
        spdlog::set_level(spdlog::level::off); // one voice: a rank that must speak turns it on

    try {
        if (*run) {
            rr.scenario_file = run_file;
            if (!out_file.empty())
                rr.output = out_file;
            if (*seed_opt)
                rr.seed = seed;
            if (*rep_opt)
                rr.replicates = replicates;
            if (*stop_opt)
                rr.stop_after_units = stop_after;
            if (*fail_opt)
                rr.fail_after_units = fail_after;
            return run_command(rr);
        }
        if (*inspect)
            return inspect_command(inspect_file);
        if (*export_csv)
            return export_command(export_file, export_dir, export_variables);
        if (*compare) {
            std::filesystem::path standard = compare_standard;
            if (standard.empty()) {
                const auto dir = find_data_dir(std::filesystem::current_path(), "parameters");
                if (!dir)
                    throw input_error("cannot find parameters/standard_population.csv; give "
                                      "--standard FILE");
                standard = *dir / "standard_population.csv";
            }
            return compare_command({compare_files.begin(), compare_files.end()}, standard,
                                   compare_csv);
        }
        if (*calibrate)
            return calibrate_command(calibrate_file, calibrate_strict);
        if (*network)
            return network_command(network_file,
                                   network_out.empty()
                                       ? std::nullopt
                                       : std::optional<std::filesystem::path>(network_out));
        return validate_command(validate_file);
    } catch (...) {
        if (mpi::rank() != 0)
            spdlog::set_level(spdlog::level::err); // the rank that failed says why
        return report_failure(std::current_exception());
    }
}
