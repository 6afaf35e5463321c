#include "engine/population/residents.hpp"
#include "tests/support/tiny_model.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace zorgsim;

TEST_CASE("residents reproduce the population table exactly", "[residents]") {
    auto in = testing::tiny_inputs(300);
    const auto t = generate_residents(in.area, in.prevalence, 11);
    REQUIRE(t.size() == in.area.population());
    REQUIRE(t.size() == 2 * 6 * 2 * 300);
    std::array<std::array<std::array<int, sex_count>, age_band_count>, 2> seen{};
    for (std::size_t i = 0; i < t.size(); ++i) {
        CHECK(age_band_of(t.age_years[i]) == t.age_band[i]);
        CHECK(t.age_years[i] <= oldest_age_years);
        ++seen[t.neighbourhood[i]][t.age_band[i]][static_cast<std::size_t>(t.sex_of[i])];
        if (i > 0)
            CHECK(t.neighbourhood[i] >= t.neighbourhood[i - 1]); // sorted by neighbourhood
    }
    for (std::size_t h = 0; h < 2; ++h)
        for (std::size_t b = 0; b < age_band_count; ++b)
            for (std::size_t s = 0; s < sex_count; ++s)
                CHECK(seen[h][b][s] == 300);
}

TEST_CASE("condition prevalence per age band matches the table within sampling error",
          "[residents]") {
    auto in = testing::tiny_inputs(4000);
    in.prevalence.share[static_cast<std::size_t>(condition::copd)] = {0,     0.002, 0.03,
                                                                      0.085, 0.125, 0.125};
    const auto t = generate_residents(in.area, in.prevalence, 3);
    for (auto c : {condition::diabetes, condition::copd})
        for (std::size_t b = 0; b < age_band_count; ++b) {
            double n = 0, with = 0;
            for (std::size_t i = 0; i < t.size(); ++i)
                if (t.age_band[i] == b) {
                    ++n;
                    with += (t.conditions[i] & bit(c)) != 0;
                }
            const double p = in.prevalence.share[static_cast<std::size_t>(c)][b];
            INFO("condition " << static_cast<int>(c) << " band " << b);
            CHECK(with / n == Approx(p).margin(4 * std::sqrt(p * (1 - p) / n) + 1e-12));
        }
}

TEST_CASE("generation is keyed by seed and resident", "[residents]") {
    const auto in = testing::tiny_inputs(200);
    const auto a = generate_residents(in.area, in.prevalence, 5);
    const auto b = generate_residents(in.area, in.prevalence, 5);
    const auto c = generate_residents(in.area, in.prevalence, 6);
    CHECK(a.age_years == b.age_years);
    CHECK(a.conditions == b.conditions);
    CHECK(a.age_years != c.age_years);
}
