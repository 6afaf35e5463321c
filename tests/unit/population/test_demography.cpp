#include "engine/core/rng.hpp"
#include "engine/population/demography.hpp"
#include "tests/support/tiny_model.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <set>

using namespace zorgsim;

namespace {
demography_parameters mid() {
    demography_parameters d;
    d.mortality_per_1000 = {{{0.15, 0.2}, {0.35, 0.7}, {3, 4.5}, {10, 15}, {32, 45}, {140, 160}}};
    d.fertility_per_1000 = {0, 48, 0, 0, 0, 0};
    d.net_migration_per_1000 = {4, 16, 2, -1, -1, 0};
    d.mortality_decline_per_year = 0.015;
    return d;
}
} // namespace

TEST_CASE("every person is accounted for in every demographic year", "[demography]") {
    auto in = testing::tiny_inputs(1000);
    auto d = mid();
    d.incidence_per_1000 = incidence_from_prevalence(in.prevalence);
    auto t = generate_residents(in.area, in.prevalence, 3);
    const keyed_rng rng(3, 0);
    std::uint32_t next_id = static_cast<std::uint32_t>(t.size());
    std::set<std::uint32_t> ever(t.id.begin(), t.id.end());
    for (std::uint32_t y = 0; y < 10; ++y) {
        const auto before = t;
        const auto r = advance_year(t, d, in.prevalence, rng, y, next_id);
        INFO("year " << y);
        REQUIRE(r.population_start == before.size());
        REQUIRE(r.population_end == t.size());
        REQUIRE(r.population_end ==
                r.population_start - r.deaths - r.emigrants + r.immigrants + r.births);
        std::uint64_t by_band = 0;
        for (const auto& band : r.population_by_band_sex)
            by_band += band[0] + band[1];
        REQUIRE(by_band == t.size());
        CHECK(r.deaths > 0);
        CHECK(r.births > 0);
        CHECK(r.immigrants > 0);
        for (std::size_t i = 1; i < t.size(); ++i)
            REQUIRE(t.neighbourhood[i - 1] <= t.neighbourhood[i]); // still sorted
        std::set<std::uint32_t> ids(t.id.begin(), t.id.end());
        REQUIRE(ids.size() == t.size()); // unique
        for (auto id : t.id)
            if (!ever.count(id))
                REQUIRE(id >= static_cast<std::uint32_t>(before.size())); // new ids are new
        ever.insert(t.id.begin(), t.id.end());
        for (std::size_t i = 0; i < t.size(); ++i)
            REQUIRE(age_band_of(t.age_years[i]) == t.age_band[i]);
    }
}

TEST_CASE("survivors age one year; deaths follow the mortality rates", "[demography]") {
    auto in = testing::tiny_inputs(3000);
    auto d = mid();
    d.fertility_per_1000.fill(0);
    d.net_migration_per_1000.fill(0);
    d.mortality_decline_per_year = 0;
    auto t = generate_residents(in.area, in.prevalence, 5);
    std::map<std::uint32_t, std::uint8_t> age;
    double expected_deaths = 0;
    for (std::size_t i = 0; i < t.size(); ++i) {
        age[t.id[i]] = t.age_years[i];
        expected_deaths +=
            d.mortality_per_1000[t.age_band[i]][static_cast<std::size_t>(t.sex_of[i])] / 1000;
    }
    std::uint32_t next_id = static_cast<std::uint32_t>(t.size());
    const auto r = advance_year(t, d, in.prevalence, keyed_rng(5, 0), 0, next_id);
    for (std::size_t i = 0; i < t.size(); ++i)
        REQUIRE(t.age_years[i] == age[t.id[i]] + 1);
    CHECK(static_cast<double>(r.deaths) ==
          Approx(expected_deaths).margin(4 * std::sqrt(expected_deaths)));
    CHECK(r.births == 0);
    CHECK(r.immigrants + r.emigrants == 0);
}

TEST_CASE("incidence keeps prevalence rising with age as the table does", "[demography]") {
    const auto in = testing::tiny_inputs();
    const auto inc = incidence_from_prevalence(in.prevalence);
    const auto& p = in.prevalence.share[static_cast<std::size_t>(condition::diabetes)];
    // 0-14 -> 15-44: prevalence rises 0.05 over 22.5 years of age among the 98% without it.
    CHECK(inc[static_cast<std::size_t>(condition::diabetes)][0] ==
          Approx(0.05 / 22.5 / (1 - p[0]) * 1000));
    for (const auto& c : inc)
        for (double x : c)
            CHECK(x >= 0);
    for (double x : inc[static_cast<std::size_t>(condition::depression)])
        CHECK(x == 0);
}

TEST_CASE("a year's demography is the same for the same seed and differs by replicate",
          "[demography]") {
    const auto in = testing::tiny_inputs(500);
    const auto d = mid();
    auto a = generate_residents(in.area, in.prevalence, 1), b = a, c = a;
    std::uint32_t na = static_cast<std::uint32_t>(a.size()), nb = na, nc = na;
    const auto ra = advance_year(a, d, in.prevalence, keyed_rng(1, 0), 0, na);
    const auto rb = advance_year(b, d, in.prevalence, keyed_rng(1, 0), 0, nb);
    const auto rc = advance_year(c, d, in.prevalence, keyed_rng(1, 1), 0, nc);
    CHECK(ra == rb);
    CHECK(a.id == b.id);
    CHECK(a.conditions == b.conditions);
    CHECK_FALSE(ra == rc);
}
