#include "engine/core/error.hpp"
#include "engine/network/graph.hpp"
#include "engine/network/registration.hpp"
#include "engine/network/travel.hpp"
#include "tests/support/tiny_model.hpp"

#include <boost/graph/successive_shortest_path_nonnegative_weights.hpp>
// find_flow_cost.hpp needs the named parameters included above first.
#include <boost/graph/find_flow_cost.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <random>

using namespace zorgsim;

namespace {

provider_network network_of(const model_inputs& in) {
    return provider_network(in.area, in.providers, in.network);
}

// Share of residents aged 75+ among those matching `keep`.
template <typename Keep>
double old_share(const resident_table& t, Keep keep) {
    double old = 0, all = 0;
    for (std::size_t i = 0; i < t.size(); ++i)
        if (keep(i)) {
            all += 1;
            old += t.age_band[i] >= 4;
        }
    return all > 0 ? old / all : 0.0;
}

// The best (fewest unassigned, then least travel) of every integer assignment, by enumeration.
std::pair<std::uint64_t, double> brute_force(const assignment_problem& pb) {
    const auto sources = pb.supply.size();
    std::vector<std::vector<std::size_t>> arcs_of(sources);
    for (std::size_t a = 0; a < pb.arcs.size(); ++a)
        arcs_of[pb.arcs[a].from].push_back(a);
    std::vector<std::uint32_t> flow(pb.arcs.size(), 0), used(pb.places.size(), 0);
    std::pair<std::uint64_t, double> best{std::numeric_limits<std::uint64_t>::max(), 0.0};
    // Distribute source h's supply over its arcs k.., the remainder unassigned.
    std::function<void(std::size_t, std::size_t, std::uint32_t, std::uint64_t, double)> go =
        [&](std::size_t h, std::size_t k, std::uint32_t left, std::uint64_t unassigned,
            double travel) {
            if (h == sources) {
                if (unassigned < best.first || (unassigned == best.first && travel < best.second))
                    best = {unassigned, travel};
                return;
            }
            if (k == arcs_of[h].size()) {
                const auto next = h + 1 < sources ? pb.supply[h + 1] : 0u;
                go(h + 1, 0, next, unassigned + left, travel);
                return;
            }
            const auto a = arcs_of[h][k];
            const auto sink = pb.arcs[a].to;
            for (std::uint32_t x = 0; x <= left && used[sink] + x <= pb.places[sink]; ++x) {
                used[sink] += x;
                go(h, k + 1, left - x, unassigned, travel + x * pb.arcs[a].travel_min);
                used[sink] -= x;
            }
        };
    go(0, 0, sources > 0 ? pb.supply[0] : 0u, 0, 0.0);
    return best;
}

// The reference for solve_assignment: the same network solved by Boost's
// successive_shortest_path_nonnegative_weights (one Dijkstra per augmenting path), with the
// penalty of registration.cpp on the "unassigned" arcs.
assignment_result boost_reference(const assignment_problem& pb) {
    using traits = boost::adjacency_list_traits<boost::vecS, boost::vecS, boost::directedS>;
    using graph = boost::adjacency_list<
        boost::vecS, boost::vecS, boost::directedS, boost::no_property,
        boost::property<
            boost::edge_capacity_t, std::int64_t,
            boost::property<boost::edge_residual_capacity_t, std::int64_t,
                            boost::property<boost::edge_reverse_t, traits::edge_descriptor,
                                            boost::property<boost::edge_weight_t, double>>>>>;
    const auto sources = pb.supply.size();
    const auto sinks = pb.places.size();
    graph g(2 + sources + sinks);
    const std::size_t s = 0, t = 1;
    auto capacity = boost::get(boost::edge_capacity, g);
    auto reverse = boost::get(boost::edge_reverse, g);
    auto weight = boost::get(boost::edge_weight, g);
    const auto add_arc = [&](std::size_t from, std::size_t to, std::int64_t cap, double cost) {
        const auto e = boost::add_edge(from, to, g).first;
        const auto r = boost::add_edge(to, from, g).first;
        capacity[e] = cap;
        capacity[r] = 0;
        weight[e] = cost;
        weight[r] = -cost;
        reverse[e] = r;
        reverse[r] = e;
        return e;
    };
    double max_cost = 0;
    std::vector<double> cost(pb.arcs.size());
    for (std::size_t a = 0; a < pb.arcs.size(); ++a) {
        cost[a] = std::round(pb.arcs[a].travel_min * flow_cost_per_travel_min);
        max_cost = std::max(max_cost, cost[a]);
    }
    const double penalty = (max_cost + 1) * static_cast<double>(sources + 2);
    std::vector<traits::edge_descriptor> arc_edge, unassigned_edge;
    for (std::size_t h = 0; h < sources; ++h) {
        add_arc(s, 2 + h, pb.supply[h], 0);
        unassigned_edge.push_back(add_arc(2 + h, t, pb.supply[h], penalty));
    }
    for (std::size_t a = 0; a < pb.arcs.size(); ++a)
        arc_edge.push_back(add_arc(2 + pb.arcs[a].from, 2 + sources + pb.arcs[a].to,
                                   pb.supply[pb.arcs[a].from], cost[a]));
    for (std::size_t k = 0; k < sinks; ++k)
        add_arc(2 + sources + k, t, pb.places[k], 0);

    boost::successive_shortest_path_nonnegative_weights(g, s, t);

    auto residual = boost::get(boost::edge_residual_capacity, g);
    assignment_result out;
    // find_flow_cost multiplies the integer flow by the double cost inside Boost.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wconversion"
    out.flow_cost = boost::find_flow_cost(g);
#pragma GCC diagnostic pop
    for (std::size_t a = 0; a < pb.arcs.size(); ++a) {
        const auto e = arc_edge[a];
        out.flow.push_back(static_cast<std::uint32_t>(capacity[e] - residual[e]));
        out.travel_min_total += static_cast<double>(out.flow[a]) * pb.arcs[a].travel_min;
    }
    for (const auto e : unassigned_edge)
        out.unassigned.push_back(static_cast<std::uint32_t>(capacity[e] - residual[e]));
    return out;
}

// Nobody lost, no place exceeded, flow only where arcs are.
void check_feasible(const assignment_problem& pb, const assignment_result& res) {
    REQUIRE(res.flow.size() == pb.arcs.size());
    REQUIRE(res.unassigned.size() == pb.supply.size());
    std::vector<std::uint64_t> out(pb.supply.size(), 0), in(pb.places.size(), 0);
    for (std::size_t a = 0; a < pb.arcs.size(); ++a) {
        out[pb.arcs[a].from] += res.flow[a];
        in[pb.arcs[a].to] += res.flow[a];
    }
    for (std::size_t h = 0; h < pb.supply.size(); ++h)
        CHECK(out[h] + res.unassigned[h] == pb.supply[h]);
    for (std::size_t k = 0; k < pb.places.size(); ++k)
        CHECK(in[k] <= pb.places[k]);
}

std::uint64_t total(const std::vector<std::uint32_t>& v) {
    return std::accumulate(v.begin(), v.end(), std::uint64_t{0});
}
} // namespace

TEST_CASE("travel minutes from great-circle distance", "[travel]") {
    // Amstelveen centre to Amsterdam Dam square is about 8 km as the crow flies.
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
    CHECK(network_of(in).nearest_table() == n); // same answer through the network
}

TEST_CASE("the min-cost flow equals the best assignment found by enumeration",
          "[registration][flow]") {
    std::mt19937 gen(20250101);
    std::uniform_int_distribution<std::uint32_t> supply(0, 3), places(0, 4), minutes(1, 20);
    std::bernoulli_distribution keep_arc(0.75);
    for (int trial = 0; trial < 60; ++trial) {
        assignment_problem pb;
        const std::size_t sources = trial % 3 == 0 ? 4 : 3;
        for (std::size_t h = 0; h < sources; ++h)
            pb.supply.push_back(supply(gen));
        for (std::size_t k = 0; k < 3; ++k)
            pb.places.push_back(places(gen));
        for (std::uint32_t h = 0; h < sources; ++h)
            for (std::uint32_t k = 0; k < 3; ++k)
                if (keep_arc(gen))
                    pb.arcs.push_back({h, k, static_cast<double>(minutes(gen)) + 0.25 * (k % 2)});
        const auto res = solve_assignment(pb);
        const auto best = brute_force(pb);
        INFO("trial " << trial);
        std::uint64_t unassigned = 0;
        for (auto u : res.unassigned)
            unassigned += u;
        CHECK(unassigned == best.first);
        CHECK(res.travel_min_total == Approx(best.second).margin(1e-9));
        // Nobody lost, no place exceeded.
        std::vector<std::uint64_t> out(sources, 0), in(3, 0);
        for (std::size_t a = 0; a < pb.arcs.size(); ++a) {
            out[pb.arcs[a].from] += res.flow[a];
            in[pb.arcs[a].to] += res.flow[a];
        }
        for (std::size_t h = 0; h < sources; ++h)
            CHECK(out[h] + res.unassigned[h] == pb.supply[h]);
        for (std::size_t k = 0; k < 3; ++k)
            CHECK(in[k] <= pb.places[k]);
    }
}

TEST_CASE("the min-cost flow equals Boost's successive shortest paths on random problems",
          "[registration][flow]") {
    std::mt19937 gen(20250611);
    for (int trial = 0; trial < 200; ++trial) {
        std::uniform_int_distribution<std::size_t> n_sources(5, 40), n_sinks(3, 30);
        const auto sources = n_sources(gen), sinks = n_sinks(gen);
        // Every third problem is short of places; few distinct minutes make ties in cost.
        const bool short_of_places = trial % 3 == 0;
        const bool ties = trial % 2 == 0;
        std::uniform_int_distribution<std::uint32_t> supply(0, 60);
        std::uniform_int_distribution<std::uint32_t> places(0, short_of_places ? 40 : 150);
        std::uniform_int_distribution<int> whole_min(1, ties ? 4 : 60), hundredths(0, 99);
        std::uniform_int_distribution<std::size_t> n_arcs(1, std::min<std::size_t>(sinks, 8));
        assignment_problem pb;
        for (std::size_t h = 0; h < sources; ++h)
            pb.supply.push_back(supply(gen));
        for (std::size_t k = 0; k < sinks; ++k)
            pb.places.push_back(places(gen));
        std::vector<std::uint32_t> order(sinks);
        std::iota(order.begin(), order.end(), 0u);
        for (std::uint32_t h = 0; h < sources; ++h) {
            std::shuffle(order.begin(), order.end(), gen);
            const auto m = n_arcs(gen);
            for (std::size_t j = 0; j < m; ++j) {
                const double minutes = whole_min(gen) + (ties ? 0.5 * static_cast<double>(j % 2)
                                                              : hundredths(gen) / 100.0);
                pb.arcs.push_back({h, order[j], minutes});
            }
        }
        INFO("trial " << trial << ": " << sources << " sources, " << sinks << " sinks, "
                      << pb.arcs.size() << " arcs");
        const auto res = solve_assignment(pb);
        const auto ref = boost_reference(pb);
        check_feasible(pb, res);
        check_feasible(pb, ref);
        CHECK(total(res.unassigned) == total(ref.unassigned));
        CHECK(res.flow_cost == ref.flow_cost); // whole numbers, exact in doubles
        CHECK(res.travel_min_total == Approx(ref.travel_min_total).epsilon(1e-12));
        // Fully deterministic: a second solve gives the same flows.
        const auto again = solve_assignment(pb);
        CHECK(again.flow == res.flow);
        CHECK(again.unassigned == res.unassigned);
    }
}

TEST_CASE("a chain of moves beats leaving someone unregistered", "[registration][flow]") {
    // Source 0 can only use sink 0; source 1 prefers sink 0 but can use sink 1. One place each.
    assignment_problem pb{{1, 1}, {1, 1}, {{0, 0, 10}, {1, 0, 1}, {1, 1, 50}}};
    const auto res = solve_assignment(pb);
    CHECK(res.unassigned == std::vector<std::uint32_t>{0, 0});
    CHECK(res.flow == std::vector<std::uint32_t>{1, 0, 1});
    CHECK(res.travel_min_total == Approx(60));
}

TEST_CASE("every resident is listed within the places, with the age mix of the area",
          "[registration]") {
    auto in = testing::tiny_inputs(500, 4.0); // places min(4 x 2095, 7200) = 7200 per practice
    const auto net = network_of(in);
    CHECK(net.places(0) == 7200);
    CHECK(net.places(2) == 0); // not a practice
    auto t = generate_residents(in.area, in.prevalence, 1);
    const auto report = register_with_practices(t, net);
    CHECK(report.unregistered == 0);
    CHECK(report.registered() == t.size());
    for (std::size_t q = 0; q < in.providers.size(); ++q)
        CHECK(report.listed[q] <= net.places(static_cast<std::uint32_t>(q)));
    for (std::size_t i = 0; i < t.size(); ++i) // everyone at the practice next door
        REQUIRE(t.practice[i] == t.neighbourhood[i]);
    CHECK(report.outside_own_neighbourhood == 0);
    CHECK(report.mean_travel_min() == Approx(net.travel_min(0, 0)).epsilon(0.01));
    CHECK(old_share(t, [&](std::size_t i) { return t.practice[i] == 0; }) ==
          Approx(2.0 / 6).margin(0.01));
}

TEST_CASE("when places run short the rest are unregistered, never lost", "[registration]") {
    auto in = testing::tiny_inputs(500, 2.0); // places round(2 x 2095) = 4190 per practice
    const auto net = network_of(in);
    auto t = generate_residents(in.area, in.prevalence, 1);
    const auto report = register_with_practices(t, net);
    CHECK(report.listed[0] == 4190);
    CHECK(report.listed[1] == 4190);
    CHECK(report.unregistered == t.size() - 8380);
    CHECK(report.registered() + report.unregistered == t.size());
    std::size_t none = 0;
    for (auto q : t.practice)
        none += q == no_practice;
    CHECK(none == report.unregistered);
    // The unregistered are a scrambled sample too, not the oldest residents.
    CHECK(old_share(t, [&](std::size_t i) { return t.practice[i] == no_practice; }) ==
          Approx(2.0 / 6).margin(0.03));
}

TEST_CASE("a neighbourhood split over practices gives each the neighbourhood's age mix",
          "[registration]") {
    auto in = testing::tiny_inputs(500, 4.0);
    in.providers.list_capacity[0] = 3000; // West's practice takes half of West
    const auto net = network_of(in);
    auto t = generate_residents(in.area, in.prevalence, 1);
    const auto report = register_with_practices(t, net);
    // East fills 6000 of East's 7200 places; West sends 1200 there, 1800 stay unregistered.
    CHECK(report.listed[0] == 3000);
    CHECK(report.listed[1] == 7200);
    CHECK(report.unregistered == 1800);
    CHECK(report.outside_own_neighbourhood == 1200);
    CHECK(report.outside_own_neighbourhood_share() == Approx(1200.0 / 10200));
    for (std::uint32_t q : {0u, 1u, no_practice})
        CHECK(old_share(t, [&](std::size_t i) {
                  return t.neighbourhood[i] == 0 && t.practice[i] == q;
              }) == Approx(2.0 / 6).margin(0.03));
}

TEST_CASE("closing a practice moves its residents to spare places, totals are conserved",
          "[registration][closure]") {
    auto in = testing::tiny_inputs(500, 4.0);
    const auto net = network_of(in);
    auto t = generate_residents(in.area, in.prevalence, 1);
    const auto before = register_with_practices(t, net);
    REQUIRE(before.listed[0] == 6000);
    const std::vector<std::uint32_t> closed = {0};
    const auto c = reassign_after_closure(t, net, closed);
    CHECK(c.reassigned == 1200); // East's practice had 7200 - 6000 spare places
    CHECK(c.unregistered == 4800);
    CHECK(c.reassigned + c.unregistered == before.listed[0]);
    CHECK(c.after.listed[0] == 0);
    CHECK(c.after.listed[1] == net.places(1));
    CHECK(c.after.registered() + c.after.unregistered == t.size());
    CHECK(c.after.unregistered == before.unregistered + c.unregistered);
    for (std::size_t i = 0; i < t.size(); ++i)
        if (t.neighbourhood[i] == 1)
            REQUIRE(t.practice[i] == 1); // East's own residents stay where they were
    CHECK(old_share(t, [&](std::size_t i) {
              return t.neighbourhood[i] == 0 && t.practice[i] == 1;
          }) == Approx(2.0 / 6).margin(0.03));
    CHECK_THROWS_AS(reassign_after_closure(t, net, std::vector<std::uint32_t>{2}), model_error);
}
