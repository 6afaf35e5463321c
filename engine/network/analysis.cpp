#include "engine/network/analysis.hpp"

#include "engine/core/error.hpp"

#include <boost/graph/betweenness_centrality.hpp>
#include <boost/graph/connected_components.hpp>
#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <boost/graph/filtered_graph.hpp>

#include <fmt/format.h>
#include <limits>
#include <set>

namespace zorgsim {
namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();

struct is_travel_edge {
    const network_graph* g = nullptr;
    bool operator()(const network_graph::edge_descriptor& e) const {
        return (*g)[e].kind == edge_kind::travel;
    }
};

using undirected_graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS,
                                               boost::no_property, boost::no_property>;

void access(const provider_network& net, network_metrics& m) {
    const auto& g = net.graph();
    const boost::filtered_graph<network_graph, is_travel_edge> travel(g, is_travel_edge{&g});
    std::vector<double> dist(boost::num_vertices(g));
    m.access_min.assign(net.neighbourhood_count(), {});
    for (std::uint32_t h = 0; h < net.neighbourhood_count(); ++h) {
        boost::dijkstra_shortest_paths(travel, net.vertex_of_neighbourhood(h),
                                       boost::weight_map(boost::get(&network_edge::travel_min, g))
                                           .distance_map(boost::make_iterator_property_map(
                                               dist.begin(), boost::get(boost::vertex_index, g))));
        auto& row = m.access_min[h];
        row.fill(infinity);
        for (std::uint32_t q = 0; q < net.provider_count(); ++q) {
            auto& best = row[static_cast<std::size_t>(net.type(q))];
            best = std::min(best, dist[net.vertex_of_provider(q)]);
        }
    }
}

void open_practices(const provider_network& net, std::span<const std::uint32_t> listed,
                    network_metrics& m) {
    m.open_practice_access_min.assign(net.neighbourhood_count(), infinity);
    for (std::uint32_t h = 0; h < net.neighbourhood_count(); ++h)
        for (std::uint32_t q = 0; q < net.provider_count(); ++q)
            if (net.type(q) == provider_type::gp_practice && listed[q] < net.places(q))
                m.open_practice_access_min[h] =
                    std::min(m.open_practice_access_min[h], net.travel_min(h, q));
}

void referral(const provider_network& net, network_metrics& m) {
    const auto np = net.provider_count();
    std::vector<std::uint32_t> node_of(np, 0xFFFFFFFFu), provider_of;
    for (std::uint32_t q = 0; q < np; ++q)
        if (net.type(q) == provider_type::gp_practice ||
            line_of(net.type(q)) == care_line::second) {
            node_of[q] = static_cast<std::uint32_t>(provider_of.size());
            provider_of.push_back(q);
        }
    const auto n = provider_of.size();
    undirected_graph r(n);
    std::set<std::pair<std::uint32_t, std::uint32_t>> seen;
    const auto& g = net.graph();
    for (const auto e : boost::make_iterator_range(boost::edges(g))) {
        if (g[e].kind != edge_kind::referral)
            continue;
        const auto a = net.provider_of_vertex(boost::source(e, g));
        const auto b = net.provider_of_vertex(boost::target(e, g));
        if (seen.insert({std::min(a, b), std::max(a, b)}).second)
            boost::add_edge(node_of[a], node_of[b], r);
    }

    std::vector<double> centrality(n, 0.0);
    const auto centrality_map =
        boost::make_iterator_property_map(centrality.begin(), boost::get(boost::vertex_index, r));
    if (n > 0)
        boost::brandes_betweenness_centrality(r, boost::centrality_map(centrality_map));
    if (n > 2) // boost divides by (n - 1)(n - 2) / 2, which is 0 below three nodes
        boost::relative_betweenness_centrality(r, centrality_map);

    m.referral_network_size = static_cast<std::uint32_t>(n);
    m.referral_degree.assign(np, 0);
    m.degree_centrality.assign(np, 0.0);
    m.betweenness.assign(np, 0.0);
    m.referral_partners.assign(np, 0);
    for (std::size_t k = 0; k < n; ++k) {
        const auto q = provider_of[k];
        const auto degree = static_cast<std::uint32_t>(boost::degree(k, r));
        m.referral_degree[q] = degree;
        m.referral_partners[q] = degree; // one edge per (practice, provider) pair
        m.degree_centrality[q] = n > 1 ? degree / static_cast<double>(n - 1) : 0.0;
        m.betweenness[q] = centrality[k];
    }
}

void wsv_components(const provider_network& net, std::span<const std::int32_t> provider_wsv,
                    std::size_t wsv_count, network_metrics& m) {
    const auto np = net.provider_count();
    const auto& g = net.graph();
    undirected_graph c(np);
    for (const auto e : boost::make_iterator_range(boost::edges(g)))
        if (g[e].kind == edge_kind::collaboration)
            boost::add_edge(net.provider_of_vertex(boost::source(e, g)),
                            net.provider_of_vertex(boost::target(e, g)), c);
    std::vector<int> component(np);
    if (np > 0)
        boost::connected_components(c, component.data());
    m.wsv.assign(wsv_count, {});
    std::vector<std::set<int>> distinct(wsv_count);
    for (std::uint32_t q = 0; q < np; ++q) {
        const auto w = provider_wsv[q];
        if (w == no_wsv || line_of(net.type(q)) != care_line::first)
            continue;
        if (w < 0 || static_cast<std::size_t>(w) >= wsv_count)
            throw model_error(
                fmt::format("provider #{} is in WSV #{}; the region has {} WSVs", q, w, wsv_count));
        ++m.wsv[static_cast<std::size_t>(w)].providers;
        distinct[static_cast<std::size_t>(w)].insert(component[q]);
    }
    for (std::size_t w = 0; w < wsv_count; ++w)
        m.wsv[w].components = static_cast<std::uint32_t>(distinct[w].size());
}

} // namespace

network_metrics analyse_network(const provider_network& net, std::span<const std::uint32_t> listed,
                                std::span<const std::int32_t> provider_wsv, std::size_t wsv_count) {
    if (listed.size() != net.provider_count() || provider_wsv.size() != net.provider_count())
        throw model_error(fmt::format("network analysis: {} listed counts and {} WSV entries for "
                                      "{} providers",
                                      listed.size(), provider_wsv.size(), net.provider_count()));
    network_metrics m;
    access(net, m);
    open_practices(net, listed, m);
    referral(net, m);
    wsv_components(net, provider_wsv, wsv_count, m);
    return m;
}

} // namespace zorgsim
