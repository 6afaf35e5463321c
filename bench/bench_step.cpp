// Google Benchmark harness (bench/README.md). Two families, for the built-in regions amstelland
// (175k), amsterdam (932k) and, with ZORGSIM_BENCH_NATIONAL=1, netherlands (17.9M):
//  - ten_years/<region>/<threads>: whole weekly steps, zorgsim::run over 521 steps with a recorder
//    that only sums contacts (no results file), with the wall time of each phase of a step
//    (run_options::phases: levers, expiry, drawing needs, grouping them, serving, results) per step
//    and of the year ends per year.
//  - build/<phase>/<region>: the phases of model building, called one by one as model::model does
//    (engine/sim/model.cpp): residents, network, registration (min-cost flow), network analysis.
#include "engine/network/analysis.hpp"
#include "engine/network/graph.hpp"
#include "engine/network/registration.hpp"
#include "engine/population/residents.hpp"
#include "engine/sim/engine.hpp"
#include "io/cli/commands.hpp"
#include "io/config/scenario.hpp"
#include "io/data/parameter_reader.hpp"
#include "io/data/region_reader.hpp"

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace {

const char* scenario_of(const std::string& region) {
    if (region == "amstelland")
        return ZORGSIM_SOURCE_DIR "/scenarios/amstelland-baseline.toml";
    if (region == "netherlands")
        return ZORGSIM_SOURCE_DIR "/scenarios/netherlands-baseline.toml";
    return nullptr;
}

// The Amstelland baseline with another built-in region: same parameters, time and seed.
std::filesystem::path scenario_for(const std::string& region) {
    if (const char* s = scenario_of(region))
        return s;
    const auto dir = std::filesystem::temp_directory_path() / "zorgsim-bench";
    std::filesystem::create_directories(dir);
    const auto file = dir / (region + "-baseline.toml");
    std::ofstream(file) << "title = \"" << region << " baseline (bench)\"\n[region]\nbuiltin = \""
                        << region << "\"\n[time]\nstart = 2025-01-01\nyears = 10\n[run]\n"
                        << "seed = 20250101\nreplicates = 1\n";
    return file;
}

// Loaded once per region and kept: loading the national model takes about a minute.
const zorgsim::io::loaded_scenario& loaded(const std::string& region) {
    static std::map<std::string, std::unique_ptr<zorgsim::io::loaded_scenario>> cache;
    auto& slot = cache[region];
    if (!slot)
        slot =
            std::make_unique<zorgsim::io::loaded_scenario>(zorgsim::io::load(scenario_for(region)));
    return *slot;
}

class counting_recorder final : public zorgsim::recorder {
public:
    void record(const zorgsim::step_view& v) override {
        for (auto c : v.contacts)
            contacts += c;
    }
    double contacts = 0;
};

void ten_years(benchmark::State& state, const std::string& region) {
    const auto& l = loaded(region);
    const auto& m = l.frozen;
    double contacts = 0;
    zorgsim::phase_seconds phases;
    zorgsim::run_options options{static_cast<int>(state.range(0))};
    options.phases = &phases;
    for (auto _ : state) {
        counting_recorder rec;
        zorgsim::run(m, l.plan, rec, options);
        contacts += rec.contacts;
    }
    const double per_run_steps = static_cast<double>(m.time().step_count());
    const double residents = static_cast<double>(m.residents().size());
    const double iterations = static_cast<double>(state.iterations());
    state.counters["resident_weeks_per_s"] =
        benchmark::Counter(residents * per_run_steps * iterations, benchmark::Counter::kIsRate);
    state.counters["contacts_per_s"] = benchmark::Counter(contacts, benchmark::Counter::kIsRate);
    // The phases of a step, in milliseconds of wall time per step (year ends: per year).
    const double steps = per_run_steps * iterations;
    state.counters["ms_levers"] = 1e3 * phases.levers / steps;
    state.counters["ms_expire"] = 1e3 * phases.expire / steps;
    state.counters["ms_draw"] = 1e3 * phases.draw / steps;
    state.counters["ms_group"] = 1e3 * phases.group / steps;
    state.counters["ms_serve"] = 1e3 * phases.serve / steps;
    state.counters["ms_account"] = 1e3 * phases.account / steps;
    state.counters["ms_year_end"] =
        1e3 * phases.year_end / (static_cast<double>(m.time().years) * iterations);
}

// Inputs of model building, read once per region (CSV reading is timed separately below).
struct build_inputs {
    zorgsim::io::scenario s;
    zorgsim::io::region_data region;
    zorgsim::io::parameter_data params;
    zorgsim::network_inputs network() const {
        zorgsim::network_inputs in;
        in.travel = s.travel;
        in.norm_patients_per_gp_fte = s.norm_patients_per_gp_fte;
        in.travel_matrix = region.travel_matrix;
        in.referrals = region.referrals;
        return in;
    }
};

const build_inputs& inputs(const std::string& region) {
    static std::map<std::string, std::unique_ptr<build_inputs>> cache;
    auto& slot = cache[region];
    if (!slot) {
        auto s = zorgsim::io::parse_scenario(scenario_for(region));
        auto r = zorgsim::io::read_region(s.region_dir());
        auto p = zorgsim::io::read_parameters(s.parameters_dir);
        slot =
            std::make_unique<build_inputs>(build_inputs{std::move(s), std::move(r), std::move(p)});
    }
    return *slot;
}

void build_read_csv(benchmark::State& state, const std::string& region) {
    const auto dir = zorgsim::io::parse_scenario(scenario_for(region)).region_dir();
    for (auto _ : state)
        benchmark::DoNotOptimize(zorgsim::io::read_region(dir));
}

void build_residents(benchmark::State& state, const std::string& region) {
    const auto& in = inputs(region);
    for (auto _ : state)
        benchmark::DoNotOptimize(
            zorgsim::generate_residents(in.region.area, in.params.prevalence, in.s.seed));
    state.counters["residents"] = static_cast<double>(in.region.area.population());
}

void build_network(benchmark::State& state, const std::string& region) {
    const auto& in = inputs(region);
    const auto net_in = in.network();
    for (auto _ : state)
        benchmark::DoNotOptimize(
            zorgsim::provider_network(in.region.area, in.region.providers, net_in));
}

void build_registration(benchmark::State& state, const std::string& region) {
    const auto& in = inputs(region);
    const zorgsim::provider_network net(in.region.area, in.region.providers, in.network());
    const auto residents =
        zorgsim::generate_residents(in.region.area, in.params.prevalence, in.s.seed);
    for (auto _ : state) {
        state.PauseTiming();
        auto copy = residents;
        state.ResumeTiming();
        const auto report = zorgsim::register_with_practices(copy, net);
        state.counters["unregistered"] = static_cast<double>(report.unregistered);
        state.counters["mean_travel_min"] = report.mean_travel_min();
    }
}

void build_analysis(benchmark::State& state, const std::string& region) {
    const auto& in = inputs(region);
    const zorgsim::provider_network net(in.region.area, in.region.providers, in.network());
    auto residents = zorgsim::generate_residents(in.region.area, in.params.prevalence, in.s.seed);
    const auto report = zorgsim::register_with_practices(residents, net);
    for (auto _ : state)
        benchmark::DoNotOptimize(zorgsim::analyse_network(
            net, report.listed, in.region.providers.wsv, in.region.area.wsv_names.size()));
}

int register_all() {
    std::vector<std::string> regions = {"amstelland", "amsterdam"};
    if (const char* e = std::getenv("ZORGSIM_BENCH_NATIONAL"); e && std::string(e) == "1")
        regions.push_back("netherlands");
    for (const auto& r : regions) {
        const bool national = r == "netherlands";
        const auto once = [&](benchmark::internal::Benchmark* b) {
            b->Unit(benchmark::kMillisecond)->UseRealTime();
            if (national)
                b->Iterations(1);
            return b;
        };
        once(benchmark::RegisterBenchmark(("ten_years/" + r).c_str(), ten_years, r))
            ->Arg(1)
            ->Arg(2);
        once(benchmark::RegisterBenchmark(("build/read_csv/" + r).c_str(), build_read_csv, r));
        once(benchmark::RegisterBenchmark(("build/residents/" + r).c_str(), build_residents, r));
        once(benchmark::RegisterBenchmark(("build/network/" + r).c_str(), build_network, r));
        once(benchmark::RegisterBenchmark(("build/registration/" + r).c_str(), build_registration,
                                          r));
        once(benchmark::RegisterBenchmark(("build/analysis/" + r).c_str(), build_analysis, r));
    }
    return 0;
}

[[maybe_unused]] const int registered = register_all();

} // namespace

BENCHMARK_MAIN();
