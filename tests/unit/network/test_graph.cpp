#include "engine/core/error.hpp"
#include "engine/network/analysis.hpp"
#include "engine/network/graph.hpp"
#include "engine/network/registration.hpp"
#include "tests/support/tiny_model.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <set>

using namespace zorgsim;

namespace {

std::size_t type_index(provider_type t) {
    return static_cast<std::size_t>(t);
}

// Edges of one kind as (from vertex, to vertex, edge).
std::vector<std::tuple<std::size_t, std::size_t, network_edge>>
edges_of(const provider_network& net, edge_kind kind) {
    std::vector<std::tuple<std::size_t, std::size_t, network_edge>> out;
    const auto& g = net.graph();
    for (const auto e : boost::make_iterator_range(boost::edges(g)))
        if (g[e].kind == kind)
            out.emplace_back(boost::source(e, g), boost::target(e, g), g[e]);
    return out;
}

// One neighbourhood with 40 practices and 8 pharmacies on a line going east.
model_inputs line_inputs() {
    auto in = testing::tiny_inputs(10);
    auto& nb = in.area.neighbourhoods;
    for (auto* v : {&nb.code, &nb.name})
        v->resize(1);
    for (auto* v : {&nb.lon_deg, &nb.lat_deg, &nb.vulnerable_share})
        v->resize(1);
    nb.municipality.resize(1);
    nb.wsv.resize(1);
    nb.persons.resize(1);
    provider_table p;
    for (int i = 0; i < 48; ++i) {
        const bool gp = i < 40;
        p.code.push_back((gp ? "GP" : "APO") + std::to_string(i));
        p.name.push_back(p.code.back());
        p.type.push_back(gp ? provider_type::gp_practice : provider_type::pharmacy);
        p.municipality_code.push_back("GM0001");
        p.municipality.push_back(0);
        p.wsv.push_back(0);
        // Listed farthest first, so that the nearest are not simply the first rows.
        p.lon_deg.push_back(4.85 + 0.001 * (gp ? 40 - i : 48 - i));
        p.lat_deg.push_back(52.30);
        p.gp_fte.push_back(gp ? 1.0 : 0.0);
        p.poh_s_fte.push_back(0);
        p.poh_ggz_fte.push_back(0);
        p.staff_fte.push_back(gp ? 0 : 1);
        p.list_capacity.push_back(gp ? 2000 : 0);
        p.referral_weight.push_back(0);
    }
    in.providers = p;
    return in;
}

} // namespace

TEST_CASE("the tiny network has the edges its providers imply", "[network][graph]") {
    const auto in = testing::tiny_inputs();
    const provider_network net(in.area, in.providers, in.network);
    CHECK(boost::num_vertices(net.graph()) == 2 + 6);
    // Per neighbourhood: both practices, the out-of-hours post, the ED and both clinics.
    CHECK(edges_of(net, edge_kind::travel).size() == 12);
    for (const auto& [from, to, e] : edges_of(net, edge_kind::travel)) {
        CHECK(net.is_neighbourhood_vertex(from));
        const auto q = net.provider_of_vertex(to);
        CHECK(e.travel_min == Approx(net.travel_min(static_cast<std::uint32_t>(from), q)));
    }
    // Each practice refers to the ED (share 1) and to the clinics by weight 0.7 / 0.3.
    const auto referrals = edges_of(net, edge_kind::referral);
    CHECK(referrals.size() == 6);
    for (const auto& [from, to, e] : referrals) {
        const auto q = net.provider_of_vertex(to);
        CHECK(net.type(net.provider_of_vertex(from)) == provider_type::gp_practice);
        CHECK(e.share == Approx(q == 3 ? 1.0 : q == 4 ? 0.7 : 0.3));
    }
    // First-line providers per WSV: {P1} and {P2, HAP}: one collaboration edge.
    const auto collab = edges_of(net, edge_kind::collaboration);
    REQUIRE(collab.size() == 1);
    CHECK(net.provider_of_vertex(std::get<0>(collab[0])) == 1);
    CHECK(net.provider_of_vertex(std::get<1>(collab[0])) == 2);
    CHECK(net.edge_counts() == std::array<std::size_t, 3>{12, 6, 1});
    CHECK(net.home_neighbourhood(0) == 0);
    CHECK(net.home_neighbourhood(1) == 1);
}

TEST_CASE("travel edges go to the k nearest of each type and 25 practices", "[network][graph]") {
    const auto in = line_inputs();
    const provider_network net(in.area, in.providers, in.network);
    const auto practices = net.practices_by_travel(0);
    REQUIRE(practices.size() == travel_edges_gp_practices);
    // Practice i sits at 40 - i steps east: the nearest are the last rows.
    for (std::size_t k = 0; k < practices.size(); ++k)
        CHECK(practices[k] == 39 - k);
    std::size_t pharmacies = 0;
    for (const auto& [from, to, e] : edges_of(net, edge_kind::travel))
        if (net.type(net.provider_of_vertex(to)) == provider_type::pharmacy) {
            ++pharmacies;
            CHECK(net.provider_of_vertex(to) >= 43); // the 5 nearest of 40..47
        }
    CHECK(pharmacies == travel_edges_per_type);
    CHECK(net.nearest(0, provider_type::pharmacy) == 47);
    CHECK(net.places(0) == 2000); // round(1 x 2095) capped by the list capacity
}

TEST_CASE("a travel matrix entry replaces the estimate, explicit referrals replace weights",
          "[network][graph]") {
    auto in = testing::tiny_inputs();
    in.network.travel_matrix.push_back({0, 1, 0.1}); // West to the East practice in 6 seconds
    in.network.referrals.push_back({0, 5, 2.0});     // P1 sends all outpatient care to POLI2
    const provider_network net(in.area, in.providers, in.network);
    CHECK(net.travel_min(0, 1) == 0.1);
    CHECK(net.nearest(0, provider_type::gp_practice) == 1);
    CHECK(net.practices_by_travel(0)[0] == 1);
    std::set<std::pair<std::uint32_t, std::uint32_t>> pairs;
    for (const auto& [from, to, e] : edges_of(net, edge_kind::referral)) {
        const auto a = net.provider_of_vertex(from), b = net.provider_of_vertex(to);
        pairs.insert({a, b});
        if (a == 0 && b == 5)
            CHECK(e.share == 1.0);
    }
    CHECK(pairs.count({0, 4}) == 0);
    CHECK(pairs.count({0, 3}) == 1); // the ED keeps its default share
    CHECK(pairs.count({1, 4}) == 1);

    in.network.referrals = {{2, 5, 1.0}}; // the out-of-hours post is no practice
    CHECK_THROWS_AS(provider_network(in.area, in.providers, in.network), model_error);
}

TEST_CASE("network metrics: access, open practices, centrality, partners, WSVs",
          "[network][analysis]") {
    auto in = testing::tiny_inputs(500, 4.0);
    const provider_network net(in.area, in.providers, in.network);
    auto t = generate_residents(in.area, in.prevalence, 1);
    auto report = register_with_practices(t, net);
    auto m = analyse_network(net, report.listed, in.providers.wsv, in.area.wsv_names.size());

    for (std::uint32_t h = 0; h < 2; ++h) {
        CHECK(m.access_min[h][type_index(provider_type::gp_practice)] ==
              Approx(net.travel_min(h, h)));
        CHECK(m.access_min[h][type_index(provider_type::hospital_outpatient)] ==
              Approx(net.travel_min(h, 4)));
        CHECK(std::isinf(m.access_min[h][type_index(provider_type::pharmacy)]));
        // Both practices have places left (6000 of 7200 listed).
        CHECK(m.open_practice_access_min[h] == Approx(net.travel_min(h, h)));
    }

    // Referral network: K(2,3) between {P1, P2} and {SEH, POLI1, POLI2}; n = 5.
    CHECK(m.referral_network_size == 5);
    CHECK(m.betweenness[0] == Approx(1.5 * 2 / (4 * 3))); // 3 pairs, half of their paths each
    CHECK(m.betweenness[3] == Approx((1.0 / 3) * 2 / (4 * 3)));
    CHECK(m.betweenness[2] == 0); // the out-of-hours post is not in the referral network
    CHECK(m.referral_partners[0] == 3);
    CHECK(m.referral_partners[4] == 2);
    CHECK(m.degree_centrality[0] == Approx(3.0 / 4));

    REQUIRE(m.wsv.size() == 2);
    CHECK(m.wsv[0].providers == 1);
    CHECK(m.wsv[0].components == 1);
    CHECK(m.wsv[1].providers == 2);
    CHECK(m.wsv[1].components == 1);

    // Fill West's practice: West's nearest accepting practice is now East's.
    in.providers.list_capacity[0] = 6000;
    const provider_network full(in.area, in.providers, in.network);
    report = register_with_practices(t, full);
    m = analyse_network(full, report.listed, in.providers.wsv, in.area.wsv_names.size());
    CHECK(m.open_practice_access_min[0] == Approx(full.travel_min(0, 1)));
}
