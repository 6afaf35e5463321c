// The results file: a recorder that writes every run point into one HDF5 file laid out as
// ARCHITECTURE §5 (named dimensions as dimension scales, units and long_name on every variable),
// written to a temporary name and renamed only when complete.
#pragma once

#include "engine/core/ids.hpp"

#include "engine/sim/recorder.hpp"
#include "io/hdf5/handle.hpp"

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace zorgsim::io {

struct results_metadata {
    std::string title;
    std::string scenario_file;
    std::string scenario_text;
    std::string region;
    std::string command_line;
    std::uint64_t seed = 0;
    int threads = 0;
    std::vector<std::string> input_files;
    std::vector<std::string> input_sha256; // parallel to input_files
    std::string scenario_resolved;         // the scenario with defaults and overrides written out
    std::string started_utc;
    int compression = 0; // gzip level 0 (off) .. 9, with the shuffle filter
    // Fixed first-line payments per registered resident per year by age band (capitation, MTVP,
    // O&I from funding.csv), for spend_eur's first_line_fixed line; zeros without funding.csv.
    std::array<double, age_band_count> fixed_first_line_eur_per_year{};
    // Continue OUT.h5.partial of an interrupted run of the same scenario, seed and zorgsim build:
    // its complete units are kept and only the others run (zorgsim run --resume).
    bool resume = false;
};

// Quantiles over replicates written under summary/ (numpy's default, linear interpolation).
inline constexpr std::array<double, 3> summary_quantiles = {0.05, 0.5, 0.95};
// The q-quantile of sorted values (numpy.quantile, method "linear").
double quantile_of_sorted(const std::vector<double>& sorted, double q);

// The current time in UTC as ISO 8601 ("2026-12-01T21:00:00Z"), as the provenance attributes hold
// it.
std::string utc_now();

// The variables the writer produces: name, dimensions, unit and meaning. Also printed by the
// output dictionary in README.md; a test checks the two agree.
struct variable_info {
    std::string name;
    std::vector<std::string> dims;
    std::string dtype;
    std::string units;
    std::string long_name;
};
std::vector<variable_info> results_variables();

class results_writer final : public recorder {
public:
    results_writer(std::filesystem::path out, results_metadata meta);
    ~results_writer() override;

    void begin(const model& m, const run_plan& plan) override;
    void begin_point(const run_point& p) override;
    void record(const step_view& v) override;
    void record_year(const year_view& y) override;
    void end_point(const run_point& p) override;
    void end() override;

    const std::filesystem::path& path() const { return out_; }
    // Whether this process runs the unit: not complete, and dealt to this MPI rank (always, in a
    // run of one process). The others are skipped.
    bool runs_here(const run_point& p) const;
    // Whether the file is open on every rank of a run over several processes: from then on a
    // failure on one rank must end all of them (mpi::abort_all), or the others wait for ever.
    bool shared() const;
    std::size_t units_complete() const; // in the file, kept or written
    std::size_t units_written() const;  // in this session, by this process
    std::size_t units_kept() const;     // complete when the run began (--resume)
    std::size_t units_total() const;
    // Seconds spent writing units and summaries (under MPI including the wait for the other
    // ranks in each collective write): what `zorgsim run` reports as the share of time writing.
    double seconds_writing() const { return seconds_writing_; }
    // Keep OUT.h5.partial when the run stops before end(), so that --resume can continue it.
    void keep_partial() { keep_partial_ = true; }

private:
    struct state;
    std::filesystem::path out_;
    std::filesystem::path partial_;
    results_metadata meta_;
    std::unique_ptr<state> s_;
    bool committed_ = false;
    bool keep_partial_ = false;
    double seconds_writing_ = 0;
    void create(const model& m, const run_plan& plan);
    void check_resumable(const run_plan& plan) const;
    void reopen(const run_plan& plan);
    void open_shared();
    void open_objects(h5::handle file);
    void write_slab(std::size_t variable, const run_point* p, std::size_t t0, std::size_t n);
    void write_block(const run_point* p, std::size_t n);
    void write_round(const run_point* p);
    void finish();
};

} // namespace zorgsim::io
