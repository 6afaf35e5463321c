#include "engine/sim/engine.hpp"
#include "engine/sim/memory_recorder.hpp"
#include "tests/support/engine_checks.hpp"
#include "tests/support/tiny_model.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <numeric>

using namespace zorgsim;

using testing::check_conservation;
using testing::run_tiny;
using testing::sum_setting;

TEST_CASE("conservation holds at every step, with and without overload", "[engine][conservation]") {
    for (double gp_fte : {2.0, 0.4}) {
        const model m(testing::tiny_inputs(500, gp_fte));
        const auto rec = run_tiny(m);
        const auto& s = rec.at(0, 0);
        CHECK(s.steps == m.time().step_count());
        check_conservation(s, m.neighbourhood_count(), m.providers().size());
        const double escalated = std::accumulate(s.escalated.begin(), s.escalated.end(), 0.0);
        if (gp_fte < 1)
            CHECK(escalated > 1000);
    }
}

TEST_CASE("results are identical for 1 and 2 threads", "[engine][determinism]") {
    const model m(testing::tiny_inputs(800, 0.6)); // overloaded, so escalation paths run too
    lever_set levers;
    levers.substitution.push_back(
        {1, setting::hospital_outpatient, setting::poh_s, 0.4, 2025.5, 1});
    const auto one = run_tiny(m, levers, 1, 2);
    const auto two = run_tiny(m, levers, 2, 2);
    CHECK(one.all() == two.all());
    CHECK_FALSE(one.at(0, 0) == one.at(0, 1)); // replicates do differ
}

TEST_CASE("mean weekly demand agrees with the rates", "[engine][analytic]") {
    const auto in = testing::tiny_inputs(1000, 50); // ample capacity: nothing waits
    const model m(in);
    const auto rec = run_tiny(m);
    const auto& s = rec.at(0, 0);
    const std::size_t nbs = m.neighbourhood_count();
    // Expected acute GP needs per step: persons x rate x 7/365.25, summed over bands.
    double expected_per_step = 0;
    for (std::size_t b = 0; b < age_band_count; ++b)
        expected_per_step += 2 * 2 * 1000 * in.care.needs[0].rate_per_year[b] * 7 / 365.25;
    const double steps = static_cast<double>(s.steps);
    const double observed = sum_setting(s.demand, nbs, setting::gp, 0, s.steps) / steps;
    CHECK(observed == Approx(expected_per_step).margin(4 * std::sqrt(expected_per_step / steps)));
    CHECK(sum_setting(s.escalated, nbs, setting::gp, 0, s.steps) == 0);
    CHECK(sum_setting(s.contacts, nbs, setting::gp, 0, s.steps) ==
          sum_setting(s.demand, nbs, setting::gp, 0, s.steps));
}

TEST_CASE("a pool never serves more contacts than its minutes allow", "[engine][capacity]") {
    const model m(testing::tiny_inputs(800, 0.5));
    const auto rec = run_tiny(m);
    const auto& s = rec.at(0, 0);
    const auto nbs = m.neighbourhood_count();
    // Both practices' GP pools: 0.5 FTE x 1478 min, 7 min per acute contact -> 105 contacts each.
    const auto gp_server = m.server_of(0, setting::gp);
    CHECK(m.servers()[gp_server].capacity_min_per_week == Approx(0.5 * 1478));
    const double most = 2 * std::floor(0.5 * 1478 / 7);
    double busiest = 0;
    for (std::size_t k = 0; k < s.steps; ++k) {
        const double served = sum_setting(s.contacts, nbs, setting::gp, k, k + 1);
        REQUIRE(served <= most);
        busiest = std::max(busiest, served);
    }
    CHECK(busiest == most); // overloaded: the pools are full every week
}

TEST_CASE("chronic care is routed per resident with the baseline shares", "[engine][routing]") {
    const model m(testing::tiny_inputs(1500, 50));
    const auto rec = run_tiny(m);
    const auto& s = rec.at(0, 0);
    const auto nbs = m.neighbourhood_count();
    const double poh = sum_setting(s.demand, nbs, setting::poh_s, 0, s.steps);
    const double poli = sum_setting(s.demand, nbs, setting::hospital_outpatient, 0, s.steps);
    // Residents keep their place, so the share varies more than per contact: allow 3 points.
    CHECK(poli / (poh + poli) == Approx(0.2).margin(0.03));
    // Outpatient contacts split over the two clinics by referral weight 0.7 / 0.3.
    const auto providers = m.providers().size();
    double poli1 = 0, poli2 = 0;
    for (std::size_t k = 0; k < s.steps; ++k) {
        poli1 += s.provider_contacts[k * providers + 4];
        poli2 += s.provider_contacts[k * providers + 5];
    }
    CHECK(poli1 / (poli1 + poli2) == Approx(0.7).margin(0.03));
}

TEST_CASE("substitution moves contacts, keeps demand, and a zero share changes nothing",
          "[engine][lever]") {
    const model m(testing::tiny_inputs(1500, 50));
    const auto base = run_tiny(m);
    lever_set zero;
    zero.substitution.push_back({1, setting::hospital_outpatient, setting::poh_s, 0.0, 2025.0, 0});
    CHECK(run_tiny(m, zero).all() == base.all());

    lever_set half;
    half.substitution.push_back({1, setting::hospital_outpatient, setting::poh_s, 0.5, 2026.0, 0});
    const auto moved = run_tiny(m, half);
    const auto& b = base.at(0, 0);
    const auto& s = moved.at(0, 0);
    CHECK(s.demand_by_need == b.demand_by_need); // common random numbers: same needs drawn
    const auto nbs = m.neighbourhood_count();
    const std::size_t y1 = 52, y2 = 104;
    // Before the start year the runs are identical.
    CHECK(sum_setting(s.demand, nbs, setting::hospital_outpatient, 0, y1) ==
          sum_setting(b.demand, nbs, setting::hospital_outpatient, 0, y1));
    const double before = sum_setting(b.demand, nbs, setting::hospital_outpatient, y1 + 1, y2);
    const double after = sum_setting(s.demand, nbs, setting::hospital_outpatient, y1 + 1, y2);
    CHECK(after / before == Approx(0.5).margin(0.05));
    const double poh_gain = sum_setting(s.demand, nbs, setting::poh_s, y1 + 1, y2) -
                            sum_setting(b.demand, nbs, setting::poh_s, y1 + 1, y2);
    CHECK(poh_gain == Approx(before - after));
}

TEST_CASE("less GP capacity raises out-of-hours and ED escalations", "[engine][metamorphic]") {
    // 19,200 residents need about 12.8 GP FTE: 8 per practice is ample, 5 is 20% short.
    const model ample(testing::tiny_inputs(800, 8.0));
    const model short_staffed(testing::tiny_inputs(800, 5.0));
    const auto a = run_tiny(ample).at(0, 0);
    const auto b = run_tiny(short_staffed).at(0, 0);
    const auto nbs = ample.neighbourhood_count();
    const auto steps = a.steps;
    CHECK(sum_setting(b.escalated, nbs, setting::gp, 0, steps) >
          sum_setting(a.escalated, nbs, setting::gp, 0, steps));
    CHECK(sum_setting(b.contacts, nbs, setting::out_of_hours_gp, 0, steps) >
          sum_setting(a.contacts, nbs, setting::out_of_hours_gp, 0, steps));
    CHECK(sum_setting(b.contacts, nbs, setting::emergency_department, 0, steps) >
          sum_setting(a.contacts, nbs, setting::emergency_department, 0, steps));
    check_conservation(b, nbs, short_staffed.providers().size());
}

TEST_CASE("unregistered residents have no practice to go to: their GP needs are unmet",
          "[engine][registration]") {
    const model m(testing::tiny_inputs(500, 2.0)); // 2 x 4190 places for 12000 residents
    CHECK(m.registration().unregistered == 12000 - 2 * 4190);
    for (auto s : {setting::gp, setting::poh_s, setting::poh_ggz})
        CHECK(m.route(s, 0, no_practice, 0.5) == no_server);
    CHECK(m.route(setting::gp, 0, 0, 0.5) == m.server_of(0, setting::gp));
    CHECK(m.route(setting::emergency_department, 0, no_practice, 0.5) != no_server);
    const auto rec = run_tiny(m);
    const auto& s = rec.at(0, 0);
    CHECK(sum_setting(s.unmet, m.neighbourhood_count(), setting::gp, 0, 1) > 0);
}

TEST_CASE("explicit referral shares route a practice's patients", "[engine][routing][network]") {
    auto in = testing::tiny_inputs(1500, 50);
    in.network.referrals = {{0, 5, 1.0}}; // practice P1 sends all its outpatient care to POLI2
    const model m(in);
    const auto rec = run_tiny(m);
    const auto& s = rec.at(0, 0);
    const auto providers = m.providers().size();
    double poli1 = 0, poli2 = 0;
    for (std::size_t k = 0; k < s.steps; ++k) {
        poli1 += s.provider_contacts[k * providers + 4];
        poli2 += s.provider_contacts[k * providers + 5];
    }
    // P1 (half the residents) goes to POLI2 only; P2 keeps the 0.7 / 0.3 split.
    CHECK(poli2 / (poli1 + poli2) == Approx(0.5 + 0.5 * 0.3).margin(0.03));
}
