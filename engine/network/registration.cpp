#include "engine/network/registration.hpp"

#include "engine/core/error.hpp"

#include <boost/graph/successive_shortest_path_nonnegative_weights.hpp>
// find_flow_cost.hpp needs the named parameters included above first.
#include <boost/graph/find_flow_cost.hpp>

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <numeric>
#include <unordered_map>

namespace zorgsim {
namespace {

using flow_traits = boost::adjacency_list_traits<boost::vecS, boost::vecS, boost::directedS>;
// Costs are whole numbers held in doubles: exact up to 2^53, and unlike an integer type the
// algorithm's "infinite" distances of unreachable vertices add up without overflow.
using flow_graph = boost::adjacency_list<
    boost::vecS, boost::vecS, boost::directedS, boost::no_property,
    boost::property<
        boost::edge_capacity_t, std::int64_t,
        boost::property<boost::edge_residual_capacity_t, std::int64_t,
                        boost::property<boost::edge_reverse_t, flow_traits::edge_descriptor,
                                        boost::property<boost::edge_weight_t, double>>>>>;

// Residents are stored by age within a neighbourhood; visiting them in this fixed pseudo-random
// order (splitmix64 of the row) gives every practice the neighbourhood's mix, not an age slice.
std::uint64_t scrambled(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

// Rows of the residents selected by `keep`, grouped by neighbourhood, each group in scrambled
// order.
template <typename Keep>
std::vector<std::vector<std::uint32_t>> rows_by_neighbourhood(const resident_table& residents,
                                                              std::size_t nbs, Keep keep) {
    std::vector<std::vector<std::uint32_t>> out(nbs);
    for (std::size_t i = 0; i < residents.size(); ++i) {
        const auto h = residents.neighbourhood[i];
        if (h >= nbs)
            throw model_error(fmt::format("resident row {} lives in neighbourhood #{}; the network "
                                          "has neighbourhoods 0 to {}",
                                          i, h, nbs - 1));
        if (keep(i))
            out[h].push_back(static_cast<std::uint32_t>(i));
    }
    std::vector<std::pair<std::uint64_t, std::uint32_t>> keyed;
    for (auto& rows : out) {
        keyed.clear();
        for (auto i : rows)
            keyed.emplace_back(scrambled(i), i);
        std::sort(keyed.begin(), keyed.end());
        for (std::size_t k = 0; k < rows.size(); ++k)
            rows[k] = keyed[k].second;
    }
    return out;
}

// Builds the problem over the network's travel edges (neighbourhood -> connected practices), with
// `places` per provider; practices with no places get no arcs.
assignment_problem problem_for(const provider_network& net,
                               const std::vector<std::vector<std::uint32_t>>& rows,
                               const std::vector<std::uint32_t>& places,
                               std::vector<std::uint32_t>& sink_provider) {
    assignment_problem pb;
    std::vector<std::uint32_t> sink_of(net.provider_count(), 0xFFFFFFFFu);
    sink_provider.clear();
    for (std::uint32_t q = 0; q < net.provider_count(); ++q)
        if (net.type(q) == provider_type::gp_practice && places[q] > 0) {
            sink_of[q] = static_cast<std::uint32_t>(sink_provider.size());
            sink_provider.push_back(q);
            pb.places.push_back(places[q]);
        }
    for (std::uint32_t h = 0; h < rows.size(); ++h) {
        pb.supply.push_back(static_cast<std::uint32_t>(rows[h].size()));
        if (rows[h].empty())
            continue;
        for (auto q : net.practices_by_travel(h))
            if (sink_of[q] != 0xFFFFFFFFu)
                pb.arcs.push_back({h, sink_of[q], net.travel_min(h, q)});
    }
    return pb;
}

// Hands out each neighbourhood's rows along its arcs (nearest practice first); the rest get
// no_practice.
void apply(resident_table& residents, const std::vector<std::vector<std::uint32_t>>& rows,
           const assignment_problem& pb, const assignment_result& res,
           const std::vector<std::uint32_t>& sink_provider) {
    std::vector<std::size_t> next(rows.size(), 0);
    for (std::size_t a = 0; a < pb.arcs.size(); ++a) {
        const auto h = pb.arcs[a].from;
        for (std::uint32_t k = 0; k < res.flow[a]; ++k)
            residents.practice[rows[h][next[h]++]] = sink_provider[pb.arcs[a].to];
    }
    for (std::size_t h = 0; h < rows.size(); ++h)
        for (; next[h] < rows[h].size(); ++next[h])
            residents.practice[rows[h][next[h]]] = no_practice;
}

} // namespace

assignment_result solve_assignment(const assignment_problem& pb) {
    const auto sources = pb.supply.size();
    const auto sinks = pb.places.size();
    flow_graph g(2 + sources + sinks);
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
        const auto& arc = pb.arcs[a];
        if (arc.from >= sources || arc.to >= sinks || !(arc.travel_min >= 0))
            throw model_error(fmt::format("assignment arc {}: source #{} -> sink #{} at {} min; "
                                          "{} sources, {} sinks, minutes 0 or more",
                                          a, arc.from, arc.to, arc.travel_min, sources, sinks));
        cost[a] = std::round(arc.travel_min * flow_cost_per_travel_min);
        max_cost = std::max(max_cost, cost[a]);
    }
    // An augmenting chain moves persons along at most `sources` arcs that add cost; a penalty
    // above that bound means registering one more person always beats any travel saving.
    const double penalty = (max_cost + 1) * static_cast<double>(sources + 2);

    std::vector<flow_traits::edge_descriptor> arc_edge, unassigned_edge;
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
    out.flow.resize(pb.arcs.size());
    for (std::size_t a = 0; a < pb.arcs.size(); ++a) {
        const auto e = arc_edge[a];
        out.flow[a] = static_cast<std::uint32_t>(capacity[e] - residual[e]);
        out.travel_min_total += static_cast<double>(out.flow[a]) * pb.arcs[a].travel_min;
    }
    for (std::size_t h = 0; h < sources; ++h) {
        const auto e = unassigned_edge[h];
        out.unassigned.push_back(static_cast<std::uint32_t>(capacity[e] - residual[e]));
    }
    return out;
}

std::uint64_t registration_report::registered() const {
    return std::accumulate(listed.begin(), listed.end(), std::uint64_t{0});
}

double registration_report::outside_own_neighbourhood_share() const {
    const auto n = registered();
    return n > 0 ? static_cast<double>(outside_own_neighbourhood) / static_cast<double>(n) : 0.0;
}

double registration_report::mean_travel_min() const {
    const auto n = registered();
    return n > 0 ? travel_min_total / static_cast<double>(n) : 0.0;
}

registration_report register_with_practices(resident_table& residents,
                                            const provider_network& net) {
    std::vector<std::uint32_t> places(net.provider_count());
    bool any_practice = false;
    for (std::uint32_t q = 0; q < net.provider_count(); ++q) {
        places[q] = net.places(q);
        any_practice = any_practice || net.type(q) == provider_type::gp_practice;
    }
    if (!any_practice)
        throw model_error("the region has no provider of type gp_practice; every resident must be "
                          "able to register with a GP practice");
    const auto rows = rows_by_neighbourhood(residents, net.neighbourhood_count(),
                                            [](std::size_t) { return true; });
    std::vector<std::uint32_t> sink_provider;
    const auto pb = problem_for(net, rows, places, sink_provider);
    apply(residents, rows, pb, solve_assignment(pb), sink_provider);
    return summarise_registration(residents, net);
}

registration_report summarise_registration(const resident_table& residents,
                                           const provider_network& net) {
    registration_report r;
    r.listed.assign(net.provider_count(), 0);
    // Counts per (neighbourhood, practice) first: one travel time per pair, not per resident.
    std::unordered_map<std::uint64_t, std::uint64_t> pairs;
    for (std::size_t i = 0; i < residents.size(); ++i) {
        const auto q = residents.practice[i];
        if (q == no_practice) {
            ++r.unregistered;
            continue;
        }
        if (q >= net.provider_count() || net.type(q) != provider_type::gp_practice)
            throw model_error(fmt::format("resident row {} is listed with provider #{}, which is "
                                          "not a gp_practice",
                                          i, q));
        ++r.listed[q];
        ++pairs[(std::uint64_t{residents.neighbourhood[i]} << 32) | q];
    }
    for (const auto& [key, count] : pairs) {
        const auto h = static_cast<std::uint32_t>(key >> 32);
        const auto q = static_cast<std::uint32_t>(key & 0xFFFFFFFFu);
        r.travel_min_total += static_cast<double>(count) * net.travel_min(h, q);
        if (net.home_neighbourhood(q) != h)
            r.outside_own_neighbourhood += count;
    }
    return r;
}

closure_report reassign_after_closure(resident_table& residents, const provider_network& net,
                                      std::span<const std::uint32_t> closed) {
    std::vector<char> is_closed(net.provider_count(), 0);
    for (auto q : closed) {
        if (q >= net.provider_count() || net.type(q) != provider_type::gp_practice)
            throw model_error(fmt::format("cannot close provider #{}: not a gp_practice of the "
                                          "{} providers",
                                          q, net.provider_count()));
        is_closed[q] = 1;
    }
    const auto before = summarise_registration(residents, net);
    std::vector<std::uint32_t> spare(net.provider_count(), 0);
    for (std::uint32_t q = 0; q < net.provider_count(); ++q)
        if (!is_closed[q] && net.places(q) > before.listed[q])
            spare[q] = net.places(q) - before.listed[q];
    const auto rows =
        rows_by_neighbourhood(residents, net.neighbourhood_count(), [&](std::size_t i) {
            const auto q = residents.practice[i];
            return q != no_practice && is_closed[q];
        });
    std::vector<std::uint32_t> sink_provider;
    const auto pb = problem_for(net, rows, spare, sink_provider);
    const auto res = solve_assignment(pb);
    apply(residents, rows, pb, res, sink_provider);

    closure_report out;
    out.unregistered =
        std::accumulate(res.unassigned.begin(), res.unassigned.end(), std::uint64_t{0});
    out.reassigned = std::accumulate(res.flow.begin(), res.flow.end(), std::uint64_t{0});
    out.after = summarise_registration(residents, net);
    return out;
}

} // namespace zorgsim
