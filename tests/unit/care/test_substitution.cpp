#include "engine/care/levers/substitution.hpp"

#include <catch2/catch.hpp>

using namespace zorgsim;

TEST_CASE("substitution ramps in linearly from its start year", "[lever][substitution]") {
    substitution_lever l{0, setting::hospital_outpatient, setting::poh_s, 0.5, 2026.0, 2.0};
    CHECK(moved_share(l, 2025.9) == 0.0);
    CHECK(moved_share(l, 2026.0) == 0.0);
    CHECK(moved_share(l, 2027.0) == Approx(0.25));
    CHECK(moved_share(l, 2028.0) == Approx(0.5));
    CHECK(moved_share(l, 2034.0) == Approx(0.5));
    l.ramp_years = 0;
    CHECK(moved_share(l, 2025.99) == 0.0);
    CHECK(moved_share(l, 2026.0) == 0.5);
}
