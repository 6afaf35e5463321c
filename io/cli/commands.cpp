#include "io/cli/commands.hpp"
#include "io/data/calibration_reader.hpp"

#include "engine/core/error.hpp"
#include "engine/sim/engine.hpp"
#include "engine/sim/year_totals.hpp"
#include "io/cli/summary.hpp"
#include "io/data/parameter_reader.hpp"
#include "io/data/region_reader.hpp"
#include "io/data/sha256.hpp"
#include "io/hdf5/results_writer.hpp"
#include "io/mpi/processes.hpp"

#include <spdlog/spdlog.h>
#include <tbb/info.h>

#include <chrono>
#include <csignal>
#include <ctime>
#include <fmt/format.h>
#include <thread>

namespace zorgsim::io {
namespace {

// Set by the Ctrl-C / SIGTERM handler; the run stops at the next step (its partial file is kept
// for --resume when units are complete, else removed).
volatile std::sig_atomic_t stop_requested = 0;
extern "C" void request_stop(int) {
    stop_requested = 1;
}

model_inputs inputs_for(const scenario& s, region_data region, parameter_data params) {
    model_inputs in;
    in.area = std::move(region.area);
    if (s.region_builtin)
        in.area.name = *s.region_builtin;
    in.providers = std::move(region.providers);
    in.care = std::move(params.care);
    in.prevalence = params.prevalence;
    in.network.travel = s.travel;
    in.network.norm_patients_per_gp_fte = s.norm_patients_per_gp_fte;
    in.network.travel_matrix = std::move(region.travel_matrix);
    in.network.referrals = std::move(region.referrals);
    in.time = s.time;
    in.population_seed = s.seed;
    in.demography = *params.demography_for(s.projection); // checked in load()
    return in;
}

} // namespace

std::string version_string() {
    return fmt::format("zorgsim {} ({})", ZORGSIM_VERSION, ZORGSIM_GIT_REVISION);
}

loaded_scenario load(const std::filesystem::path& scenario_file, std::optional<std::uint64_t> seed,
                     std::optional<std::uint32_t> replicates, std::optional<int> years) {
    auto s = parse_scenario(scenario_file);
    if (seed)
        s.seed = *seed;
    if (replicates)
        s.replicates = *replicates;
    const auto region_dir = s.region_dir();
    auto region = read_region(region_dir);
    auto params = read_parameters(s.parameters_dir);
    if (!params.demography_for(s.projection)) {
        std::vector<std::string> accepted = {"none"};
        for (const auto& p : params.projections)
            accepted.push_back(p.name);
        throw config_error(
            fmt::format("{}:{}:{}: demography.projection: unknown projection '{}'{}; accepted: {}",
                        s.projection_at.file.empty() ? s.file.string() : s.projection_at.file,
                        s.projection_at.line, s.projection_at.column, s.projection,
                        did_you_mean(s.projection, accepted), fmt::join(accepted, ", ")));
    }
    run_plan plan;
    plan.seed = s.seed;
    plan.replicates = s.replicates;
    plan.variants = build_variants(s, params.care, region.providers);
    std::vector<std::string> files = {s.file.string()};
    for (const auto& f : s.extends_chain) // parents (`extends`) are inputs too
        files.push_back(f.string());
    for (const auto& f : region_files(region_dir))
        files.push_back(f.string());
    for (const auto& f : parameter_files(s.parameters_dir))
        files.push_back(f.string());
    if (years)
        s.time.years = *years;
    model m(inputs_for(s, std::move(region), std::move(params)));
    return {std::move(s), std::move(m), std::move(plan), std::move(files)};
}

int validate_command(const std::filesystem::path& scenario_file) {
    const auto l = load(scenario_file);
    for (const auto& w : l.frozen.warnings())
        spdlog::warn("{}", w);
    fmt::print("{}: valid. Region '{}' with {} residents in {} neighbourhoods, {} providers; "
               "{} needs; {} lever(s), {} variant(s); {} weekly steps from {}.\n",
               scenario_file.string(), l.frozen.area().name, l.frozen.residents().size(),
               l.frozen.neighbourhood_count(), l.frozen.providers().size(),
               l.frozen.care().needs.size(), l.file.levers.size(), l.plan.variants.size(),
               l.frozen.time().step_count(), iso(l.frozen.time().start));
    return ok;
}

int run_command(const run_request& r) {
    const auto started = std::chrono::steady_clock::now();
    // Installed before loading, so that Ctrl-C while the model is built also ends cleanly.
    std::signal(SIGINT, request_stop);
    std::signal(SIGTERM, request_stop);
    const auto out = r.output.value_or(std::filesystem::path("results") /
                                       (r.scenario_file.stem().string() + ".h5"));
    // Checked before the model is built, so a planner learns it at once, not after the run.
    if (!r.force && std::filesystem::exists(out)) {
        spdlog::error(
            "{}: results file exists; give --force to overwrite it, or another name with -o",
            out.string());
        return exit_code::invalid_input;
    }
    // Every rank loads the inputs; if one cannot, it alone says why and all stop.
    std::optional<loaded_scenario> loaded;
    std::exception_ptr failed;
    try {
        if (std::filesystem::is_directory(out))
            throw output_error(
                fmt::format("{}: is a directory; give a file name with -o", out.string()));
        loaded.emplace(load(r.scenario_file, r.seed, r.replicates));
    } catch (...) {
        failed = std::current_exception();
    }
    mpi::agree(failed);
    auto& l = *loaded;
    const int threads = r.threads > 0 ? r.threads : tbb::info::default_concurrency();
    for (const auto& w : l.frozen.warnings())
        spdlog::warn("{}", w);
    if (l.frozen.registration().unregistered > 0)
        spdlog::warn("{} residents found no place at a GP practice and are unregistered; their GP "
                     "care needs count as unmet",
                     l.frozen.registration().unregistered);
    spdlog::info("running '{}': {} residents, {} steps, {} replicate(s), {} thread(s){}",
                 l.file.title, l.frozen.residents().size(), l.frozen.time().step_count(),
                 l.plan.replicates, threads,
                 mpi::ranks() > 1 ? fmt::format(" in each of {} processes", mpi::ranks()) : "");

    results_metadata meta;
    meta.title = l.file.title;
    meta.scenario_file = l.file.file.string();
    meta.scenario_text = l.file.text;
    meta.region = l.frozen.area().name;
    meta.command_line = r.command_line;
    meta.seed = l.plan.seed;
    meta.threads = threads;
    meta.input_files = l.input_files;
    for (const auto& f : l.input_files)
        meta.input_sha256.push_back(sha256_file(f));
    meta.scenario_resolved = resolved_text(l.file);
    meta.compression = l.file.compression;
    if (std::filesystem::exists(l.file.parameters_dir / "funding.csv"))
        for (const auto& c : read_funding(l.file.parameters_dir))
            if (c.line == "gp_care" && c.basis == funding_basis::registered)
                for (std::size_t b = 0; b < age_band_count; ++b)
                    meta.fixed_first_line_eur_per_year[b] += c.eur_per_year[b];
    meta.started_utc = mpi::broadcast(utc_now()); // one start time in every rank's attributes
    meta.resume = r.resume;
    results_writer writer(out, meta);
    year_totals_recorder totals;
    fanout_recorder both({&writer, &totals});
    const auto cancelled = [&] {
        if (r.fail_after_units && mpi::rank() == mpi::ranks() - 1 &&
            writer.units_written() >= *r.fail_after_units)
            throw std::runtime_error("failure injected by --fail-after-units");
        return stop_requested != 0 ||
               (r.stop_after_units && writer.units_written() >= *r.stop_after_units);
    };
    // Units complete in a resumed file, and units dealt to other ranks, are not run here.
    const auto skip = [&](const run_point& p) { return !writer.runs_here(p); };
    phase_seconds phases;
    run_options options{threads, cancelled, skip};
    options.phases = &phases;
    try {
        run(l.frozen, l.plan, both, options);
    } catch (...) {
        const auto failure = std::current_exception();
        const bool cancel = exit_code_of(failure) == exit_code::interrupted;
        // With the file open on every rank, the others may be waiting for this one in a
        // collective write: this rank ends them all. A failing rank speaks, whichever it is; a
        // stop (every rank gets the signal) is told by rank 0, which the others give a moment
        // to do so before they end the run themselves.
        const bool shared = writer.shared();
        if (shared && cancel && mpi::rank() != 0) // rank 0 may be waiting in a collective write
            std::this_thread::sleep_for(std::chrono::milliseconds(1500 + 500 * mpi::rank()));
        if (shared)
            spdlog::set_level(spdlog::level::err);
        // Complete units are kept for --resume; with none there is nothing worth keeping.
        if (cancel && writer.units_complete() > 0) {
            writer.keep_partial();
            spdlog::error("{} of {} units (variant x replicate) are complete in {}.partial; "
                          "`zorgsim run {} -o {} --resume` continues the run",
                          writer.units_complete(), writer.units_total(), out.string(),
                          r.scenario_file.string(), out.string());
        }
        if (shared) {
            // The partial file stays after a failure, so --resume continues from its complete
            // units; no rank's destructor runs after MPI_Abort.
            if (cancel && writer.units_complete() == 0 && !r.resume) {
                std::error_code ec;
                std::filesystem::remove(out.string() + ".partial", ec);
            }
            mpi::abort_all(report_failure(failure));
        }
        throw;
    }
    if (r.resume)
        spdlog::info("resumed: {} unit(s) run now, {} kept from the interrupted run",
                     writer.units_total() - writer.units_kept(), writer.units_kept());

    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (mpi::rank() != 0)
        return ok;
    spdlog::info("writing took {:.1f} s of {:.1f} s ({:.0f}%)", writer.seconds_writing(), seconds,
                 100 * writer.seconds_writing() / std::max(seconds, 1e-9));
    spdlog::debug("engine phases, seconds summed over the units run here: levers {:.1f}, "
                  "expiry {:.1f}, drawing needs {:.1f}, grouping them {:.1f}, serving {:.1f}, "
                  "results {:.1f}, year ends {:.1f}",
                  phases.levers, phases.expire, phases.draw, phases.group, phases.serve,
                  phases.account, phases.year_end);
    // The summary describes variant 0, replicate 0; a resumed run may have kept it from before.
    if (!r.quiet && totals.summary().steps > 0)
        fmt::print("{}", format_summary(l.frozen, l.file.title, totals.summary()));
    fmt::print("results: {} ({:.1f} MB) in {:.1f} s\n", out.string(),
               static_cast<double>(std::filesystem::file_size(out)) / 1e6, seconds);
    return ok;
}

int report_failure(const std::exception_ptr& failure) {
    const int code = exit_code_of(failure);
    try {
        std::rethrow_exception(failure);
    } catch (const failed_on_another_rank&) {
        // that rank has said what went wrong
    } catch (const run_cancelled&) {
        spdlog::error("interrupted: no results file was written");
    } catch (const config_error& e) {
        spdlog::error("invalid scenario:\n{}", e.what());
    } catch (const input_error& e) {
        spdlog::error("invalid input data:\n{}", e.what());
    } catch (const model_error& e) {
        spdlog::error("the inputs do not form a model: {}", e.what());
    } catch (const output_error& e) {
        spdlog::error("could not write results: {}", e.what());
    } catch (const std::exception& e) {
        spdlog::error("internal error: {}", e.what());
    } catch (...) {
        spdlog::error("internal error");
    }
    return code;
}

} // namespace zorgsim::io
