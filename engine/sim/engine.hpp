// Runs a plan (variants x replicates) on a frozen model, step by step, handing each step's
// metrics to a recorder. Results are identical for any thread count: random numbers are keyed
// by ids and every reduction is over integers or in a fixed order.
#pragma once

#include "engine/core/error.hpp"
#include "engine/sim/model.hpp"
#include "engine/sim/recorder.hpp"

#include <functional>

namespace zorgsim {

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
};

void run(const model& m, const run_plan& plan, recorder& rec, const run_options& options = {});

} // namespace zorgsim
