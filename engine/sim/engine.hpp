// Runs a plan (variants x replicates) on a frozen model, step by step, handing each step's
// metrics to a recorder. Results are identical for any thread count: random numbers are keyed
// by ids and every reduction is over integers or in a fixed order.
#pragma once

#include "engine/sim/model.hpp"
#include "engine/sim/recorder.hpp"

namespace zorgsim {

struct run_options {
    int threads = 0; // 0: all cores
};

void run(const model& m, const run_plan& plan, recorder& rec, const run_options& options = {});

} // namespace zorgsim
