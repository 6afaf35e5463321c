// Error types of zorgsim. Library code throws these; they are caught once, in main, and turned
// into exit codes (config/input/model -> 2, output -> 3). Messages name the place and the range.
#pragma once

#include <exception>
#include <stdexcept>
#include <string>

namespace zorgsim {

class error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A scenario file is wrong (syntax, unknown key, value out of range).
class config_error : public error {
public:
    using error::error;
};

// Region or parameter data is wrong (a CSV row or column).
class input_error : public error {
public:
    using error::error;
};

// Inputs are individually valid but do not form a model (e.g. no GP practice with list capacity).
class model_error : public error {
public:
    using error::error;
};

// Results could not be written.
class output_error : public error {
public:
    using error::error;
};

// The run was stopped (Ctrl-C, SIGTERM) between steps.
class run_cancelled : public error {
public:
    run_cancelled() : error("the run was interrupted") {}
};

// In a run over several processes (MPI ranks), another rank failed and reports it; this one ends
// quietly with the same exit code, so a planner reads one message, not one per rank.
class failed_on_another_rank : public error {
public:
    failed_on_another_rank(int rank, int code)
        : error("rank " + std::to_string(rank) + " failed"), exit_code(code) {}
    int exit_code;
};

// zorgsim's exit codes (README, "The command line").
enum exit_code : int {
    ok = 0,
    internal = 1,
    invalid_input = 2,
    output_failed = 3,
    calibration_outside = 4, // `calibrate --strict`: an indicator lies outside its tolerance
    interrupted = 130
};

// The exit code a failure ends zorgsim with: invalid_input for scenario, input and model errors,
// output_failed when results cannot be written, interrupted, else internal.
int exit_code_of(const std::exception_ptr& failure) noexcept;

} // namespace zorgsim
