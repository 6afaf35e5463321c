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

TEST_CASE("condition marginals pass a chi-square test at fixed seed; clustered conditions co-occur",
          "[residents][chi-square]") {
    auto in = testing::tiny_inputs(5000);
    auto& p = in.prevalence;
    p.share[static_cast<std::size_t>(condition::heart_failure)] = {0,     0.0003, 0.005,
                                                                   0.025, 0.075,  0.18};
    p.share[static_cast<std::size_t>(condition::frailty)] = {0, 0, 0, 0.09, 0.27, 0.55};
    p.share[static_cast<std::size_t>(condition::cvrm)] = {0, 0.02, 0.18, 0.40, 0.50, 0.48};
    p.cluster_loading = {0.5, 0.3, 0.5, 0.6, 0.3, 0.2, 0.5};
    const auto t = generate_residents(in.area, p, 2024);
    // Pearson chi-square over (condition, band) cells with 0 < p < 1, one degree of freedom each.
    double chi2 = 0;
    int cells = 0;
    for (std::size_t c = 0; c < condition_count; ++c)
        for (std::size_t b = 0; b < age_band_count; ++b) {
            const double q = p.share[c][b];
            if (q <= 0 || q >= 1)
                continue;
            double n = 0, with = 0;
            for (std::size_t i = 0; i < t.size(); ++i)
                if (t.age_band[i] == b) {
                    ++n;
                    with += (t.conditions[i] >> c) & 1u;
                }
            chi2 += (with - n * q) * (with - n * q) / (n * q * (1 - q));
            ++cells;
            INFO("condition " << condition_names[c] << " band " << age_band_names[b]);
            // Within 2% of the table, or within four standard errors where the sample is small.
            CHECK(with / n == Approx(q).epsilon(0.02).margin(4 * std::sqrt(q * (1 - q) / n)));
        }
    // Upper 0.1% point of chi-square with `cells` degrees of freedom (Wilson-Hilferty).
    const double k = cells, h = 2.0 / (9 * k);
    const double critical = k * std::pow(1 - h + 3.09 * std::sqrt(h), 3);
    INFO("chi2 " << chi2 << " over " << cells << " cells, critical " << critical);
    CHECK(cells >= 15);
    CHECK(chi2 < critical);

    // Co-occurrence: among 65-74 year olds, heart failure is commoner with diabetes than without.
    double d = 0, hf_d = 0, nd = 0, hf_nd = 0;
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (t.age_band[i] != 3)
            continue;
        const bool diabetes = t.conditions[i] & bit(condition::diabetes);
        const bool hf = t.conditions[i] & bit(condition::heart_failure);
        (diabetes ? d : nd) += 1;
        (diabetes ? hf_d : hf_nd) += hf;
    }
    CHECK(hf_d / d > 1.5 * hf_nd / nd);
}

TEST_CASE("generation is keyed by seed and resident", "[residents]") {
    const auto in = testing::tiny_inputs(200);
    const auto a = generate_residents(in.area, in.prevalence, 5);
    const auto b = generate_residents(in.area, in.prevalence, 5);
    const auto c = generate_residents(in.area, in.prevalence, 6);
    CHECK(a.age_years == b.age_years);
    CHECK(a.conditions == b.conditions);
    CHECK(a.vulnerable == b.vulnerable);
    CHECK(a.age_years == c.age_years); // ages come from the table
    CHECK(a.conditions != c.conditions);
}
