#include "engine/network/registration.hpp"
#include "engine/network/travel.hpp"
#include "tests/support/tiny_model.hpp"

#include <catch2/catch.hpp>

using namespace zorgsim;

TEST_CASE("travel minutes from great-circle distance", "[travel]") {
    // Amstelveen centre to Amsterdam Dam square is about 9.4 km as the crow flies.
    const double km = great_circle_km(4.8725, 52.3025, 4.8932, 52.3731);
    CHECK(km == Approx(7.97).margin(0.1));
    CHECK(travel_min({1.3, 30}, 10.0) == Approx(26.0));
}

TEST_CASE("nearest provider of each type per neighbourhood", "[travel]") {
    const auto in = testing::tiny_inputs();
    const auto n = nearest_providers(in.area, in.providers, {});
    CHECK(n[0][static_cast<std::size_t>(provider_type::gp_practice)] == 0);
    CHECK(n[1][static_cast<std::size_t>(provider_type::gp_practice)] == 1);
    CHECK(n[0][static_cast<std::size_t>(provider_type::hospital_outpatient)] == 4);
    CHECK(n[0][static_cast<std::size_t>(provider_type::pharmacy)] == no_provider);
}

TEST_CASE("every resident is listed, within list capacity, with the age mix of the area",
          "[registration]") {
    auto in = testing::tiny_inputs(500);
    auto t = generate_residents(in.area, in.prevalence, 1);
    const auto report = register_with_practices(t, in.area, in.providers, {});
    CHECK(report.over_list_capacity == 0);
    std::uint64_t listed = 0;
    for (std::size_t q = 0; q < in.providers.size(); ++q) {
        CHECK(report.listed[q] <= in.providers.list_capacity[q]);
        listed += report.listed[q];
    }
    CHECK(listed == t.size());
    for (auto practice : t.practice)
        CHECK(in.providers.type[practice] == provider_type::gp_practice);
    // West residents go to the West practice (nearest, with places to spare).
    std::array<double, 2> old_share{}, count{};
    for (std::size_t i = 0; i < t.size(); ++i) {
        if (t.neighbourhood[i] == 0)
            CHECK(t.practice[i] == 0);
        count[t.practice[i]] += 1;
        old_share[t.practice[i]] += t.age_band[i] >= 4;
    }
    CHECK(old_share[0] / count[0] == Approx(2.0 / 6).margin(0.01));
}

TEST_CASE("spare list places are shared; a full region lists residents above capacity",
          "[registration]") {
    auto in = testing::tiny_inputs(500);
    in.providers.list_capacity[0] = 100000; // West practice has room for everyone
    auto t = generate_residents(in.area, in.prevalence, 1);
    auto report = register_with_practices(t, in.area, in.providers, {});
    // Fill share = 12000 / (100000 + 7200): East keeps about 806 of its own residents.
    CHECK(report.listed[1] == Approx(7200.0 * 12000 / 107200).margin(2));
    in.providers.list_capacity = {1000, 1000, 0, 0, 0, 0};
    report = register_with_practices(t, in.area, in.providers, {});
    CHECK(report.over_list_capacity == t.size() - 2000);
}
