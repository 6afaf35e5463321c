// Every lever through the engine: a lever with no effect is bit-identical to the baseline, each
// lever moves what it says and nothing else, the metamorphic relations of issue 5 hold, and the
// conservation identity holds in every variant and replicate.
#include "engine/sim/engine.hpp"
#include "engine/sim/memory_recorder.hpp"
#include "tests/support/engine_checks.hpp"
#include "tests/support/tiny_model.hpp"

#include <catch2/catch.hpp>

#include <numeric>

using namespace zorgsim;
using testing::check_conservation;
using testing::run_tiny;
using testing::sum_setting;

namespace {

constexpr std::uint32_t acute_gp = 0, diabetes = 1, emergency = 2, psychosocial = 3;
constexpr std::uint32_t p1 = 0, p2 = 1;
constexpr std::size_t year1 = 52, year2 = 104;

// The tiny model plus a psychosocial need seen by the GP, with a welfare row (share 0) and a
// welfare provider, so social prescribing has somewhere to send it.
model_inputs with_welfare(model_inputs in) {
    in.care.needs.push_back(
        {"psychosocial", std::nullopt, {0.2, 0.5, 0.5, 0.4, 0.4, 0.4}, routing_rule::per_contact});
    in.care.pathways.push_back({pathway_step{setting::gp, 1, 10, 12.43, 1, escalate_to_unmet},
                                pathway_step{setting::welfare, 0, 45, 30, 6, escalate_to_unmet}});
    auto& p = in.providers;
    p.code.push_back("WELZIJN");
    p.name.push_back("Welzijn Tinytown");
    p.type.push_back(provider_type::welfare);
    p.municipality_code.push_back("GM0001");
    p.municipality.push_back(0);
    p.wsv.push_back(0);
    p.lon_deg.push_back(4.9);
    p.lat_deg.push_back(52.30);
    p.gp_fte.push_back(0);
    p.poh_s_fte.push_back(0);
    p.poh_ggz_fte.push_back(0);
    p.staff_fte.push_back(5);
    p.list_capacity.push_back(0);
    p.referral_weight.push_back(0);
    return in;
}

template <typename T>
double total(const std::vector<T>& v) {
    return std::accumulate(v.begin(), v.end(), 0.0);
}

// Mean weeks waited per contact served in a setting over the run.
double mean_wait(const point_series& s, std::size_t nbs, setting where) {
    const double served = sum_setting(s.contacts, nbs, where, 0, s.steps);
    return served > 0 ? sum_setting(s.wait_weeks_sum, nbs, where, 0, s.steps) / served : 0.0;
}

} // namespace

TEST_CASE("levers with no effect are bit-identical to the baseline", "[lever][crn]") {
    const model m(with_welfare(testing::tiny_inputs(500, 2.0)));
    const auto base = run_tiny(m);
    const lever_timing from_start{2025.0, 0};
    lever_set none;
    none.substitution.push_back(
        {diabetes, setting::hospital_outpatient, setting::poh_s, 0.0, 2025.0, 0});
    none.capacity.push_back({setting::gp, std::nullopt, 0.0, 0.0, from_start});
    none.workforce_trend.push_back({setting::poh_s, 0.0, from_start});
    none.task_shift.push_back({std::nullopt, setting::gp, setting::poh_s, 0.0, 1.2, from_start});
    none.prevention.push_back({acute_gp, 0.0, from_start});
    none.social_prescribing.push_back({psychosocial, setting::gp, 0.0, from_start});
    none.ehealth.push_back({setting::gp, std::nullopt, 0.0, 0.5, from_start});
    none.ehealth.push_back({setting::gp, std::nullopt, 0.5, 0.0, from_start});
    none.collaboration.push_back({setting::gp, 0.0, from_start});
    none.practice_closure.push_back({p1, 2100.0, 1.0}); // after the horizon
    CHECK(run_tiny(m, none).all() == base.all());
    // And a lever that starts after the horizon changes nothing either.
    lever_set late;
    late.capacity.push_back({setting::gp, std::nullopt, -0.5, 0.0, {2040.0, 0}});
    CHECK(run_tiny(m, late).all() == base.all());
}

TEST_CASE("capacity: more staff never lengthens waits or raises unmet need",
          "[lever][capacity][metamorphic]") {
    // Everyone registered (5 GP FTE per practice), but 0.4 POH-S FTE per practice give about
    // 1,300 of the 3,200 minutes a week diabetes follow-up needs.
    auto in = testing::tiny_inputs(500, 5.0);
    in.providers.poh_s_fte[p1] = in.providers.poh_s_fte[p2] = 0.4;
    const model m(in);
    const auto nbs = m.neighbourhood_count();
    double previous_wait = 1e9, previous_unmet = 1e18, first_unmet = 0;
    for (double more : {0.0, 0.5, 1.0, 2.0, 3.0}) {
        lever_set l;
        l.capacity.push_back({setting::poh_s, std::nullopt, more, 0.0, {2025.0, 0}});
        const auto s = run_tiny(m, l).at(0, 0);
        const double wait = mean_wait(s, nbs, setting::poh_s);
        const double unmet = sum_setting(s.unmet, nbs, setting::poh_s, 0, s.steps);
        INFO("capacity +" << more << ": mean POH-S wait " << wait << " weeks, unmet " << unmet);
        CHECK(wait <= previous_wait);
        CHECK(unmet <= previous_unmet);
        check_conservation(s, nbs, m.providers().size());
        if (more == 0.0)
            first_unmet = unmet;
        previous_wait = wait;
        previous_unmet = unmet;
    }
    CHECK(previous_wait < 0.5); // four times the POH-S staff: almost everyone seen at once
    CHECK(previous_unmet < 0.01 * first_unmet);
}

TEST_CASE("capacity lever adds FTE at one provider, ramped", "[lever][capacity]") {
    const model m(testing::tiny_inputs(500, 2.0));
    lever_set l;
    l.capacity.push_back({setting::gp, p2, 0.0, 1.0, {2026.0, 1.0}});
    const auto s = run_tiny(m, l).at(0, 0);
    const auto providers = m.providers().size();
    const double base = 2.0 * 1478;
    CHECK(s.gp_capacity_min[10 * providers + p2] == Approx(base));
    CHECK(s.gp_capacity_min[130 * providers + p2] == Approx(base + 1478));
    CHECK(s.gp_capacity_min[130 * providers + p1] == Approx(base));
    const double mid = s.gp_capacity_min[78 * providers + p2]; // mid-2026: half the ramp
    CHECK(mid == Approx(base + 0.5 * 1478).margin(40));
}

TEST_CASE("a 20% cut in GP capacity raises out-of-hours and ED escalations",
          "[lever][capacity][metamorphic]") {
    // 19,200 residents need about 12.8 GP FTE: 8 per practice is ample, minus 20% is short.
    const model m(testing::tiny_inputs(800, 6.5));
    const auto nbs = m.neighbourhood_count();
    lever_set cut;
    cut.capacity.push_back({setting::gp, std::nullopt, -0.2, 0.0, {2025.0, 0}});
    const auto a = run_tiny(m).at(0, 0);
    const auto b = run_tiny(m, cut).at(0, 0);
    const auto steps = a.steps;
    CHECK(sum_setting(b.escalated, nbs, setting::gp, 0, steps) >
          sum_setting(a.escalated, nbs, setting::gp, 0, steps));
    CHECK(sum_setting(b.contacts, nbs, setting::out_of_hours_gp, 0, steps) >
          sum_setting(a.contacts, nbs, setting::out_of_hours_gp, 0, steps));
    CHECK(sum_setting(b.escalated, nbs, setting::out_of_hours_gp, 0, steps) >
          sum_setting(a.escalated, nbs, setting::out_of_hours_gp, 0, steps));
    CHECK(sum_setting(b.contacts, nbs, setting::emergency_department, 0, steps) >
          sum_setting(a.contacts, nbs, setting::emergency_department, 0, steps));
    check_conservation(b, nbs, m.providers().size());
}

TEST_CASE("workforce trend compounds yearly from its start", "[lever][workforce_trend]") {
    const model m(testing::tiny_inputs(500, 2.0));
    lever_set l;
    l.workforce_trend.push_back({setting::gp, -0.1, {2025.0, 2.0}}); // -10%/year for two years
    const auto s = run_tiny(m, l).at(0, 0);
    const auto providers = m.providers().size();
    const double base = 2.0 * 1478;
    CHECK(s.gp_capacity_min[p1] == Approx(base));
    CHECK(s.gp_capacity_min[52 * providers + p1] == Approx(base * 0.9).epsilon(0.003));
    CHECK(s.gp_capacity_min[150 * providers + p1] == Approx(base * 0.81)); // capped at 2 years
    CHECK(s.capacity_min[150 * providers + p1] ==
          Approx(base * 0.81 + 1.0 * 1620)); // POH-S untouched
}

TEST_CASE("prevention never raises demand and removes the prevented share",
          "[lever][prevention][metamorphic]") {
    const model m(testing::tiny_inputs(500, 2.0));
    const auto base = run_tiny(m).at(0, 0);
    lever_set l;
    l.prevention.push_back({acute_gp, 0.3, {2026.0, 0}});
    const auto s = run_tiny(m, l).at(0, 0);
    const auto needs = m.care().needs.size();
    const auto nbs = m.neighbourhood_count();
    double before = 0, after = 0;
    for (std::size_t k = 0; k < s.steps; ++k)
        for (std::size_t h = 0; h < nbs; ++h)
            for (std::size_t n = 0; n < needs; ++n) {
                const auto at = (k * nbs + h) * needs + n;
                REQUIRE(s.demand_by_need[at] <= base.demand_by_need[at]);
                if (n != acute_gp || k < year1)
                    REQUIRE(s.demand_by_need[at] == base.demand_by_need[at]);
                else if (k >= year1 + 1) {
                    before += base.demand_by_need[at];
                    after += s.demand_by_need[at];
                }
            }
    CHECK(after / before == Approx(0.7).margin(0.01));
    check_conservation(s, nbs, m.providers().size());
}

TEST_CASE("task shift moves GP contacts to the practice nurse with its own minutes",
          "[lever][task_shift]") {
    const model m(testing::tiny_inputs(500, 8.0));
    const auto nbs = m.neighbourhood_count();
    const auto base = run_tiny(m).at(0, 0);
    lever_set l;
    l.task_shift.push_back({acute_gp, setting::gp, setting::poh_s, 0.25, 1.5, {2025.0, 0}});
    const auto s = run_tiny(m, l).at(0, 0);
    CHECK(s.demand_by_need == base.demand_by_need);
    const double gp_before = sum_setting(base.demand, nbs, setting::gp, 0, s.steps);
    const double gp_after = sum_setting(s.demand, nbs, setting::gp, 0, s.steps);
    CHECK(gp_after / gp_before == Approx(0.75).margin(0.01));
    const double poh_gain = sum_setting(s.demand, nbs, setting::poh_s, 0, s.steps) -
                            sum_setting(base.demand, nbs, setting::poh_s, 0, s.steps);
    CHECK(poh_gain == Approx(gp_before - gp_after));
    check_conservation(s, nbs, m.providers().size());
}

TEST_CASE("e-health saves minutes per contact, not contacts", "[lever][ehealth]") {
    const model m(testing::tiny_inputs(500, 8.0)); // ample GP capacity: every contact is seen
    const auto providers = m.providers().size();
    const auto base = run_tiny(m).at(0, 0);
    lever_set l;
    l.ehealth.push_back({setting::gp, acute_gp, 0.4, 0.5, {2025.0, 0}}); // 20% fewer minutes
    const auto s = run_tiny(m, l).at(0, 0);
    CHECK(s.gp_contacts == base.gp_contacts);
    double used = 0, used_base = 0;
    for (std::size_t k = 0; k < s.steps; ++k) {
        used += s.minutes_used[k * providers + p1];
        used_base += base.minutes_used[k * providers + p1];
    }
    // P1's minutes: GP acute consults (7 min, now 5.6) plus unchanged POH-S diabetes care.
    double gp_contacts = 0;
    for (std::size_t k = 0; k < s.steps; ++k)
        gp_contacts += s.gp_contacts[k * providers + p1];
    CHECK(used_base - used == Approx(gp_contacts * 7 * 0.2).epsilon(1e-6));
}

TEST_CASE("social prescribing sends psychosocial GP contacts to welfare",
          "[lever][social_prescribing]") {
    const model m(with_welfare(testing::tiny_inputs(500, 8.0)));
    const auto nbs = m.neighbourhood_count();
    const auto base = run_tiny(m).at(0, 0);
    lever_set l;
    l.social_prescribing.push_back({psychosocial, setting::gp, 0.4, {2026.0, 0}});
    const auto s = run_tiny(m, l).at(0, 0);
    CHECK(sum_setting(base.demand, nbs, setting::welfare, 0, s.steps) == 0);
    CHECK(sum_setting(s.demand, nbs, setting::welfare, 0, year1) == 0);
    const double welfare = sum_setting(s.demand, nbs, setting::welfare, year1 + 1, s.steps);
    double psy = 0;
    const auto needs = m.care().needs.size();
    for (std::size_t k = year1 + 1; k < s.steps; ++k)
        for (std::size_t h = 0; h < nbs; ++h)
            psy += s.demand_by_need[(k * nbs + h) * needs + psychosocial];
    CHECK(welfare / psy == Approx(0.4).margin(0.02));
    check_conservation(s, nbs, m.providers().size());
}

TEST_CASE("practice closure relists residents, moves staff and keeps every need accounted for",
          "[lever][practice_closure]") {
    // Places: round(fte x 2095) capped by list capacity 7,200; 12,000 residents in all.
    const model m(testing::tiny_inputs(500, 5.0));
    const auto providers = m.providers().size();
    const auto nbs = m.neighbourhood_count();
    lever_set l;
    l.practice_closure.push_back({p1, 2026.0, 1.0});
    const auto s = run_tiny(m, l).at(0, 0);
    const auto listed = [&](std::size_t k, std::uint32_t q) { return s.listed[k * providers + q]; };
    CHECK(listed(10, p1) > 0);
    const auto before = listed(10, p1) + listed(10, p2);
    CHECK(listed(year1 + 1, p1) == 0);
    CHECK(listed(year1 + 1, p2) > listed(10, p2));
    CHECK(listed(year1 + 1, p2) <= 7200); // the list capacity holds
    CHECK(listed(year1 + 1, p2) <= before);
    CHECK(s.gp_capacity_min[(year1 + 1) * providers + p1] == 0);
    // All of P1's GP staff moved to P2, the only practice receiving its residents.
    CHECK(s.gp_capacity_min[(year1 + 1) * providers + p2] == Approx(2 * 5.0 * 1478));
    check_conservation(s, nbs, providers);
    // Nothing is served at the closed practice after the closure.
    for (std::size_t k = year1 + 1; k < s.steps; ++k)
        REQUIRE(s.provider_contacts[k * providers + p1] == 0);
}

TEST_CASE("WSV collaboration serves a partner's overflow with spare minutes",
          "[lever][collaboration]") {
    // P1 and P2 are in different WSVs in the tiny region: put both in WSV-A.
    auto in = testing::tiny_inputs(500, 2.0);
    in.providers.wsv[p2] = 0;
    in.providers.gp_fte[p1] = 2.0; // overloaded
    in.providers.gp_fte[p2] = 9.0; // spare minutes
    const model m(in);
    const auto nbs = m.neighbourhood_count();
    const auto providers = m.providers().size();
    const auto base = run_tiny(m).at(0, 0);
    lever_set l;
    l.collaboration.push_back({setting::gp, 0.5, {2025.0, 0}});
    const auto s = run_tiny(m, l).at(0, 0);
    const double esc_base = sum_setting(base.escalated, nbs, setting::gp, 0, s.steps);
    const double esc = sum_setting(s.escalated, nbs, setting::gp, 0, s.steps);
    INFO("GP escalations: " << esc_base << " without, " << esc << " with collaboration");
    CHECK(esc < 0.5 * esc_base);
    // P2 served more GP contacts than its own patients brought.
    double p2_contacts = 0, p2_base = 0;
    for (std::size_t k = 0; k < s.steps; ++k) {
        p2_contacts += s.gp_contacts[k * providers + p2];
        p2_base += base.gp_contacts[k * providers + p2];
        REQUIRE(s.minutes_used[k * providers + p2] <= s.capacity_min[k * providers + p2] + 1e-6);
    }
    CHECK(p2_contacts > p2_base);
    check_conservation(s, nbs, providers);
}

TEST_CASE("substitution eligibility: multimorbid residents stay", "[lever][substitution]") {
    // The tiny region has one condition only, so nobody is multimorbid.
    const model m(testing::tiny_inputs(500, 8.0));
    const auto base = run_tiny(m);
    substitution_lever sub{diabetes, setting::hospital_outpatient, setting::poh_s, 0.5, 2025.0, 0};
    sub.who = eligibility::with_multimorbidity;
    lever_set only_multi;
    only_multi.substitution.push_back(sub);
    CHECK(run_tiny(m, only_multi).all() == base.all());
    sub.who = eligibility::without_multimorbidity;
    lever_set without;
    without.substitution.push_back(sub);
    sub.who = eligibility::all;
    lever_set all;
    all.substitution.push_back(sub);
    const auto a = run_tiny(m, all);
    CHECK(run_tiny(m, without).all() == a.all());
    CHECK_FALSE(a.all() == base.all());
    CHECK(eligible(eligibility::without_multimorbidity, bit(condition::diabetes)));
    CHECK_FALSE(eligible(eligibility::without_multimorbidity,
                         bit(condition::diabetes) | bit(condition::copd)));
    CHECK(eligible(eligibility::with_multimorbidity,
                   bit(condition::diabetes) | bit(condition::copd)));
}

TEST_CASE("every lever at once: identical on 1 and 2 threads, conserved in every replicate",
          "[lever][determinism][conservation]") {
    auto in = with_welfare(testing::tiny_inputs(400, 3.0));
    in.providers.wsv[p2] = 0;
    const model m(in);
    lever_set l;
    l.substitution.push_back(
        {diabetes, setting::hospital_outpatient, setting::poh_s, 0.5, 2025.5, 1});
    l.capacity.push_back({setting::poh_s, std::nullopt, 0.2, 0.0, {2025.0, 1.0}});
    l.workforce_trend.push_back({setting::gp, -0.02, {2025.0, 0}});
    l.task_shift.push_back({acute_gp, setting::gp, setting::poh_s, 0.1, 1.2, {2025.0, 0}});
    l.prevention.push_back({emergency, 0.1, {2026.0, 0}});
    l.social_prescribing.push_back({psychosocial, setting::gp, 0.3, {2025.0, 1.0}});
    l.ehealth.push_back({setting::poh_s, std::nullopt, 0.3, 0.3, {2025.0, 0}});
    l.practice_closure.push_back({p1, 2026.5, 0.5});
    l.collaboration.push_back({setting::gp, 0.5, {2025.0, 0}});
    const auto one = run_tiny(m, l, 1, 3);
    const auto two = run_tiny(m, l, 2, 3);
    CHECK(one.all() == two.all());
    for (const auto& [point, s] : one.all())
        check_conservation(s, m.neighbourhood_count(), m.providers().size());
}

TEST_CASE("run points run side by side give the same results as one after the other",
          "[engine][determinism][units]") {
    const model m(with_welfare(testing::tiny_inputs(300, 3.0)));
    run_plan plan;
    plan.seed = 5;
    plan.replicates = 3;
    lever_set l;
    l.capacity.push_back({setting::gp, std::nullopt, -0.3, 0.0, {2025.5, 1.0}});
    plan.variants = {variant{"baseline", {}}, variant{"cut", l}};
    memory_recorder side_by_side, one_by_one;
    run(m, plan, side_by_side, run_options{2});
    run_options sequential{2};
    sequential.unit_buffer_bytes = 0; // no room to buffer: points run one after the other
    run(m, plan, one_by_one, sequential);
    REQUIRE(side_by_side.all().size() == 6);
    CHECK(side_by_side.all() == one_by_one.all());
    // Skipped points are neither run nor recorded, and the others are unchanged.
    memory_recorder some;
    run_options skip_odd{2};
    skip_odd.skip = [](const run_point& p) { return p.replicate == 1; };
    run(m, plan, some, skip_odd);
    CHECK(some.all().size() == 4);
    for (const auto& [point, series] : some.all())
        CHECK(series == one_by_one.all().at(point));
}
