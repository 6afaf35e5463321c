// Holds one run point's recorder calls in memory so that several points can run at the same time
// and still reach the real recorders one point after the other, in plan order: the results are
// those of a sequential run, bit for bit.
#pragma once

#include "engine/sim/recorder.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace zorgsim {

class unit_buffer final : public recorder {
public:
    void begin_point(const run_point& p) override;
    void record(const step_view& v) override;
    void record_year(const year_view& y) override;
    void end_point(const run_point& p) override;

    // begin_point, every record and record_year in their order, end_point.
    void replay(recorder& to) const;

private:
    struct owned_step {
        std::size_t step = 0;
        std::vector<std::vector<std::uint32_t>> counts;
        std::vector<std::vector<double>> reals;
    };
    struct owned_year {
        std::uint32_t year_index = 0;
        int calendar_year = 0;
        std::optional<demography_year> demography;
        year_use use;
    };
    struct event {
        bool is_year = false;
        std::size_t index = 0; // into steps_ or years_
    };
    run_point point_;
    std::vector<owned_step> steps_;
    std::vector<owned_year> years_;
    std::vector<event> events_;
};

} // namespace zorgsim
