#include "engine/core/calendar.hpp"

#include <catch2/catch.hpp>

using namespace zorgsim;

TEST_CASE("civil dates round-trip through day numbers", "[calendar]") {
    CHECK(days_from_civil({1970, 1, 1}) == 0);
    CHECK(days_from_civil({2025, 1, 1}) == 20089);
    for (std::int64_t d = -1000; d < 30000; d += 37)
        CHECK(days_from_civil(civil_from_days(d)) == d);
    CHECK(civil_from_days(days_from_civil({2024, 2, 29})) == date{2024, 2, 29});
    CHECK(is_valid({2024, 2, 29}));
    CHECK_FALSE(is_valid({2025, 2, 29}));
    CHECK_FALSE(is_valid({2025, 13, 1}));
}

TEST_CASE("a ten-year weekly horizon has 521 steps", "[calendar]") {
    horizon h{{2025, 1, 1}, 10, 7};
    CHECK(h.step_count() == 521); // 3652 days / 7
    CHECK(h.steps_per_year() == 52);
    CHECK(h.step_start(0) == date{2025, 1, 1});
    CHECK(h.step_start(52) == date{2025, 12, 31});
    CHECK(iso(h.step_start(1)) == "2025-01-08");
    CHECK(h.step_decimal_year(0) == Approx(2025.0));
    CHECK(decimal_year({2026, 7, 2}) == Approx(2026.5).margin(0.002));
    CHECK(h.step_years() == Approx(7 / 365.25));
}
