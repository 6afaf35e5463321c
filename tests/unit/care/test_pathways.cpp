#include "engine/care/pathways.hpp"
#include "engine/core/error.hpp"

#include <catch2/catch.hpp>

using namespace zorgsim;

namespace {
care_parameters two_step() {
    care_parameters p;
    p.needs = {{"acute_gp", std::nullopt, {1, 1, 1, 1, 1, 1}, routing_rule::per_contact}};
    p.pathways = {
        {{setting::gp, 1.0, 7, 12, 0, static_cast<std::uint8_t>(setting::out_of_hours_gp)},
         {setting::out_of_hours_gp, 0.0, 10, 60, 0, escalate_to_unmet}}};
    return p;
}
} // namespace

TEST_CASE("a consistent pathway table validates", "[pathways]") {
    const auto p = two_step();
    CHECK_NOTHROW(validate(p));
    CHECK(p.need_index("acute_gp") == 0u);
    CHECK_FALSE(p.need_index("nope"));
    REQUIRE(p.step(0, setting::out_of_hours_gp));
    CHECK(p.step(0, setting::out_of_hours_gp)->minutes_per_contact == 10);
    CHECK(p.step(0, setting::pharmacy) == nullptr);
}

TEST_CASE("shares must add up to one", "[pathways]") {
    auto p = two_step();
    p.pathways[0][0].share = 0.9;
    CHECK_THROWS_WITH(validate(p), Catch::Contains("acute_gp") && Catch::Contains("add up to 0.9"));
}

TEST_CASE("escalation targets need a pathway row and chains must end", "[pathways]") {
    auto p = two_step();
    p.pathways[0][1].escalates_to = static_cast<std::uint8_t>(setting::emergency_department);
    CHECK_THROWS_WITH(validate(p),
                      Catch::Contains("emergency_department") && Catch::Contains("no row"));
    p = two_step();
    p.pathways[0][1].escalates_to = static_cast<std::uint8_t>(setting::gp);
    CHECK_THROWS_AS(validate(p), model_error);
    CHECK_THROWS_WITH(validate(p), Catch::Contains("cycle"));
}
