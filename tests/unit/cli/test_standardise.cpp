#include "io/cli/standardise.hpp"

#include "engine/core/error.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace zorgsim;
using namespace zorgsim::io;

TEST_CASE("direct standardisation agrees with a hand computation", "[compare][standardise]") {
    // Two regions with the same band rates but different age structures: the crude rates
    // differ, the standardised rates are equal.
    const band_values standard = {0.2, 0.3, 0.2, 0.1, 0.1, 0.1};
    const band_values rate_per_person = {1, 2, 3, 5, 8, 12};
    band_values young_years = {300, 400, 200, 50, 30, 20};
    band_values old_years = {100, 200, 250, 200, 150, 100};
    band_values young_events{}, old_events{};
    for (std::size_t b = 0; b < age_band_count; ++b) {
        young_events[b] = rate_per_person[b] * young_years[b];
        old_events[b] = rate_per_person[b] * old_years[b];
    }
    // By hand: 0.2x1 + 0.3x2 + 0.2x3 + 0.1x5 + 0.1x8 + 0.1x12 = 3.9 per person = 3,900 per 1,000.
    const auto young = standardise(young_events, young_years, standard, 1000);
    const auto old = standardise(old_events, old_years, standard, 1000);
    CHECK(young.standardised == Approx(3900));
    CHECK(old.standardised == Approx(3900));
    // Crude by hand: young (300+800+600+250+240+240)/1000 = 2.43; old (100+400+750+1000+1200+
    // 1200)/1000 = 4.65.
    CHECK(young.crude == Approx(2430));
    CHECK(old.crude == Approx(4650));
    // A band without person-years contributes nothing.
    young_years[5] = 0;
    young_events[5] = 0;
    CHECK(standardise(young_events, young_years, standard, 1000).standardised ==
          Approx(3900 - 1200));
}

TEST_CASE("the standard population file is read, normalised and checked",
          "[compare][standardise]") {
    const auto shipped = read_standard_population(ZORGSIM_SOURCE_DIR
                                                  "/scenarios/parameters/standard_population.csv");
    double total = 0;
    for (auto s : shipped)
        total += s;
    CHECK(total == Approx(1.0));
    CHECK(shipped[0] == Approx(0.152 / 1.001));

    const auto bad = std::filesystem::temp_directory_path() / "zorgsim_bad_standard.csv";
    std::ofstream(bad) << "age_band,share\n0-14,0.5\n15-44,0.5\n15-44,0.1\n";
    try {
        read_standard_population(bad);
        FAIL("no error");
    } catch (const input_error& e) {
        const std::string msg = e.what();
        CHECK_THAT(msg, Catch::Contains("'15-44' is given twice"));
        CHECK_THAT(msg, Catch::Contains("age band '45-64' is missing"));
    }
}
