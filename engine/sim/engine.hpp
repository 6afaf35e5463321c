// Runs a plan (variants x replicates) on a frozen model, step by step, handing each step's
// metrics to a recorder. Results are identical for any thread count: random numbers are keyed
// by ids and every reduction is over integers or in a fixed order.
#pragma once

#include "engine/core/error.hpp"
#include "engine/sim/model.hpp"
#include "engine/sim/recorder.hpp"

#include <functional>

namespace zorgsim {

// Wall-clock seconds spent in each part of a run, summed over its run points (points that run side
// by side each add their own time). For the benchmarks and the command line's -v report. Not
// timed: setting up a run point and handing buffered points to the recorder; `account` includes
// the recorder's work for a point that runs alone (the results file writes a year-block there).
struct phase_seconds {
    double levers = 0;   // practice closures and this step's lever effects
    double expire = 0;   // needs that waited too long move on or count as unmet
    double draw = 0;     // drawing, routing and counting the step's new needs
    double group = 0;    // sorting each server's new needs into cohorts
    double serve = 0;    // serving the queues, WSV pooling
    double account = 0;  // the step's results, handed to the recorder
    double year_end = 0; // the year's care use, demography, new rates
    phase_seconds& operator+=(const phase_seconds& o);
    double total() const;
};

struct run_options {
    int threads = 0; // 0: all cores
    // Asked between steps; when it returns true the run stops by throwing run_cancelled. The
    // engine knows nothing of signals: the command line sets this from its Ctrl-C handler.
    std::function<bool()> cancelled = {};
    // Asked before each run point; points for which it returns true are not run (a resumed run
    // whose results file already holds them). Random numbers are keyed by point, so the others
    // come out exactly as in a run of all points.
    std::function<bool(const run_point&)> skip = {};
    // Memory allowed for buffering run points that run at the same time (one per thread); when
    // one point's buffer times the threads exceeds it, points run one after the other.
    double unit_buffer_bytes = 2e9;
    // When set, the time spent in each phase is added to it.
    phase_seconds* phases = nullptr;
};

void run(const model& m, const run_plan& plan, recorder& rec, const run_options& options = {});

} // namespace zorgsim
