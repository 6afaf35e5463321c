// Whole weekly steps on the built-in Amstelland baseline (175k residents, ten simulated years, 521
// weekly steps), at 1 and 2 threads: resident-weeks per second and contacts per second.
#include "engine/sim/engine.hpp"
#include "io/cli/commands.hpp"

#include <benchmark/benchmark.h>

namespace {

class counting_recorder final : public zorgsim::recorder {
public:
    void record(const zorgsim::step_view& v) override {
        for (auto c : v.contacts)
            contacts += c;
    }
    double contacts = 0;
};

void baseline_ten_years(benchmark::State& state) {
    static auto loaded =
        zorgsim::io::load(ZORGSIM_SOURCE_DIR "/scenarios/amstelland-baseline.toml");
    const auto& m = loaded.frozen;
    zorgsim::run_plan plan = loaded.plan;
    double contacts = 0;
    for (auto _ : state) {
        counting_recorder rec;
        zorgsim::run(m, plan, rec, {static_cast<int>(state.range(0))});
        contacts += rec.contacts;
    }
    const double per_run_steps = static_cast<double>(m.time().step_count());
    state.counters["resident_weeks_per_s"] =
        benchmark::Counter(static_cast<double>(m.residents().size()) * per_run_steps *
                               static_cast<double>(state.iterations()),
                           benchmark::Counter::kIsRate);
    state.counters["contacts_per_s"] = benchmark::Counter(contacts, benchmark::Counter::kIsRate);
}
BENCHMARK(baseline_ten_years)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

} // namespace

BENCHMARK_MAIN();
