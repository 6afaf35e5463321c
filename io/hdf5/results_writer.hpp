// The results file: a recorder that writes every run point into one HDF5 file laid out as
// ARCHITECTURE §5 (named dimensions as dimension scales, units and long_name on every variable),
// written to a temporary name and renamed only when complete.
#pragma once

#include "engine/sim/recorder.hpp"

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
};

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

private:
    struct state;
    std::filesystem::path out_;
    std::filesystem::path partial_;
    results_metadata meta_;
    std::unique_ptr<state> s_;
    bool committed_ = false;
};

} // namespace zorgsim::io
