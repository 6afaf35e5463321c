// Simulated time: a proleptic Gregorian date and a horizon of fixed-length steps (default 7 days).
// Rates in the parameter files are per year; a step's share of a year is step_days / 365.25.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace zorgsim {

struct date {
    int year = 2025;
    unsigned month = 1;
    unsigned day = 1;
    friend bool operator==(const date&, const date&) = default;
};

inline constexpr double days_per_year = 365.25;

std::int64_t days_from_civil(date d);
date civil_from_days(std::int64_t days);
bool is_valid(date d);
std::string iso(date d);
// The calendar year plus the elapsed fraction of it, e.g. 2026-07-02 -> 2026.5.
double decimal_year(date d);

struct horizon {
    date start{};
    int years = 10;
    int step_days = 7;

    std::size_t step_count() const;
    std::size_t steps_per_year() const;
    date step_start(std::size_t step) const;
    double step_decimal_year(std::size_t step) const;
    double step_years() const { return step_days / days_per_year; }
};

} // namespace zorgsim
