#include "engine/core/calendar.hpp"

#include <fmt/format.h>

namespace zorgsim {

// Howard Hinnant's civil-calendar algorithms (public domain).
std::int64_t days_from_civil(date d) {
    const std::int64_t y = d.year - (d.month <= 2 ? 1 : 0);
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned mp = d.month > 2 ? d.month - 3 : d.month + 9;
    const unsigned doy = (153 * mp + 2) / 5 + d.day - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

date civil_from_days(std::int64_t z) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return date{static_cast<int>(y + (m <= 2 ? 1 : 0)), m, d};
}

bool is_valid(date d) {
    if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > 31)
        return false;
    return civil_from_days(days_from_civil(d)) == d;
}

std::string iso(date d) {
    return fmt::format("{:04d}-{:02d}-{:02d}", d.year, d.month, d.day);
}

double decimal_year(date d) {
    const auto first = days_from_civil(date{d.year, 1, 1});
    const auto next = days_from_civil(date{d.year + 1, 1, 1});
    return d.year +
           static_cast<double>(days_from_civil(d) - first) / static_cast<double>(next - first);
}

std::size_t horizon::step_count() const {
    const auto end = days_from_civil(date{start.year + years, start.month, start.day});
    return static_cast<std::size_t>((end - days_from_civil(start)) / step_days);
}

std::size_t horizon::steps_per_year() const {
    return static_cast<std::size_t>(days_per_year / step_days);
}

date horizon::step_start(std::size_t step) const {
    return civil_from_days(days_from_civil(start) + static_cast<std::int64_t>(step) * step_days);
}

double horizon::step_decimal_year(std::size_t step) const {
    return decimal_year(step_start(step));
}

} // namespace zorgsim
