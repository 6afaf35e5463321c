#include "engine/network/registration.hpp"

#include "engine/core/error.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <functional>
#include <limits>
#include <numeric>
#include <tbb/parallel_for.h>
#include <unordered_map>
#include <utility>

namespace zorgsim {
namespace {

// Exact min-cost flow on a compact residual graph (per vertex a range of arcs: head, residual
// capacity, cost, reverse arc) by successive shortest paths: from one vertex with excess at a
// time, Dijkstra on reduced costs (cost + pot[from] - pot[to], kept >= 0) stopped once the sink
// is settled, then the excess goes along the path found. Searches from one source stay local
// while places are near, which is what makes it fast. Sources are served in index order.
class min_cost_flow {
public:
    explicit min_cost_flow(std::size_t vertices) : vertices_(vertices) {}

    // Arcs are numbered in the order added.
    std::uint32_t add_arc(std::uint32_t from, std::uint32_t to, std::int64_t capacity,
                          std::int64_t cost) {
        added_.push_back({from, to, capacity, cost});
        return static_cast<std::uint32_t>(added_.size() - 1);
    }

    // Sends excess[v] out of every vertex v < excess.size() into `sink` at the least total cost.
    void solve(std::span<const std::uint32_t> excess, std::uint32_t sink) {
        build();
        pot_.assign(vertices_, 0);
        dist_.assign(vertices_, unreached);
        parent_.assign(vertices_, 0);
        settled_.assign(vertices_, 0);
        for (std::uint32_t root = 0; root < excess.size(); ++root)
            for (std::int64_t left = excess[root]; left > 0;) {
                shortest_paths(root, sink);
                std::int64_t push = left;
                for (auto v = sink; v != root; v = head_[rev_[parent_[v]]])
                    push = std::min(push, cap_[parent_[v]]);
                for (auto v = sink; v != root; v = head_[rev_[parent_[v]]]) {
                    cap_[parent_[v]] -= push;
                    cap_[rev_[parent_[v]]] += push;
                }
                left -= push;
            }
    }

    std::int64_t flow(std::uint32_t arc) const { return cap_[rev_[slot_[arc]]]; }

private:
    static constexpr std::int64_t unreached = std::numeric_limits<std::int64_t>::max();

    struct arc_spec {
        std::uint32_t from, to;
        std::int64_t capacity, cost;
    };

    // Arcs grouped by tail in the order added, each followed in its head's group by its reverse.
    void build() {
        first_.assign(vertices_ + 1, 0);
        for (const auto& a : added_) {
            ++first_[a.from + 1];
            ++first_[a.to + 1];
        }
        for (std::size_t v = 0; v < vertices_; ++v)
            first_[v + 1] += first_[v];
        const auto arcs = first_[vertices_];
        head_.resize(arcs);
        cap_.resize(arcs);
        cost_.resize(arcs);
        rev_.resize(arcs);
        slot_.resize(added_.size());
        std::vector<std::uint32_t> next(first_.begin(), first_.end() - 1);
        for (std::size_t i = 0; i < added_.size(); ++i) {
            const auto& a = added_[i];
            const auto f = next[a.from]++, r = next[a.to]++;
            head_[f] = a.to;
            head_[r] = a.from;
            cap_[f] = a.capacity;
            cap_[r] = 0;
            cost_[f] = a.cost;
            cost_[r] = -a.cost;
            rev_[f] = r;
            rev_[r] = f;
            slot_[i] = f;
        }
    }

    // Dijkstra from root until the sink is settled at reduced distance d; then
    // pot[v] += dist[v] - d for the settled vertices, which keeps every residual arc's reduced
    // cost >= 0 and makes those on the tree path to the sink 0.
    void shortest_paths(std::uint32_t root, std::uint32_t sink) {
        heap_.clear();
        touched_.clear();
        done_.clear();
        dist_[root] = 0;
        touched_.push_back(root);
        heap_.emplace_back(0, root);
        // A min-heap on (distance, vertex): ties are broken by vertex order.
        const auto later = std::greater<std::pair<std::int64_t, std::uint32_t>>();
        while (!heap_.empty()) {
            std::pop_heap(heap_.begin(), heap_.end(), later);
            const auto [d, u] = heap_.back();
            heap_.pop_back();
            if (settled_[u] || d != dist_[u])
                continue;
            settled_[u] = 1;
            done_.push_back(u);
            if (u == sink)
                break;
            for (auto a = first_[u]; a < first_[u + 1]; ++a) {
                if (cap_[a] == 0)
                    continue;
                const auto v = head_[a];
                const auto nd = d + cost_[a] + pot_[u] - pot_[v];
                if (nd < dist_[v]) {
                    if (dist_[v] == unreached)
                        touched_.push_back(v);
                    dist_[v] = nd;
                    parent_[v] = a;
                    heap_.emplace_back(nd, v);
                    std::push_heap(heap_.begin(), heap_.end(), later);
                }
            }
        }
        if (!settled_[sink])
            throw model_error(
                "min-cost flow: the sink cannot be reached from a vertex with excess");
        const auto d_sink = dist_[sink];
        for (auto v : done_)
            pot_[v] += dist_[v] - d_sink;
        for (auto v : touched_) {
            dist_[v] = unreached;
            settled_[v] = 0;
        }
    }

    std::size_t vertices_;
    std::vector<arc_spec> added_;
    std::vector<std::uint32_t> first_, head_, rev_, slot_, parent_, touched_, done_;
    std::vector<std::int64_t> cap_, cost_, pot_, dist_;
    std::vector<char> settled_;
    std::vector<std::pair<std::int64_t, std::uint32_t>> heap_;
};

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
    tbb::parallel_for(std::size_t{0}, nbs, [&](std::size_t h) {
        auto& rows = out[h];
        std::vector<std::pair<std::uint64_t, std::uint32_t>> keyed;
        keyed.reserve(rows.size());
        for (auto i : rows)
            keyed.emplace_back(scrambled(i), i);
        std::sort(keyed.begin(), keyed.end());
        for (std::size_t k = 0; k < rows.size(); ++k)
            rows[k] = keyed[k].second;
    });
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
    std::int64_t max_cost = 0;
    std::vector<std::int64_t> cost(pb.arcs.size());
    for (std::size_t a = 0; a < pb.arcs.size(); ++a) {
        const auto& arc = pb.arcs[a];
        if (arc.from >= sources || arc.to >= sinks || !(arc.travel_min >= 0) ||
            !(arc.travel_min * flow_cost_per_travel_min <= 0x1p53))
            throw model_error(fmt::format("assignment arc {}: source #{} -> sink #{} at {} min; "
                                          "{} sources, {} sinks, minutes 0 or more and finite",
                                          a, arc.from, arc.to, arc.travel_min, sources, sinks));
        cost[a] = static_cast<std::int64_t>(std::round(arc.travel_min * flow_cost_per_travel_min));
        max_cost = std::max(max_cost, cost[a]);
    }
    // An augmenting chain moves persons along at most `sources` arcs that add cost; a penalty
    // above that bound means registering one more person always beats any travel saving.
    const double penalty_d = static_cast<double>(max_cost + 1) * static_cast<double>(sources + 2);
    // Flow costs and potentials stay exact in 64-bit integers: both are bounded by the penalty
    // times (persons + vertices).
    const double persons = std::accumulate(pb.supply.begin(), pb.supply.end(), 0.0);
    if (penalty_d * (persons + static_cast<double>(sources + sinks) + 2) > 0x1p60)
        throw model_error(fmt::format("assignment of {} persons from {} sources to {} sinks at up "
                                      "to {} min overflows 64-bit flow costs",
                                      persons, sources, sinks,
                                      static_cast<double>(max_cost) / flow_cost_per_travel_min));
    const std::int64_t penalty = (max_cost + 1) * static_cast<std::int64_t>(sources + 2);

    min_cost_flow f(sources + sinks + 1);
    const auto t = static_cast<std::uint32_t>(sources + sinks);
    const auto sink = [&](std::uint32_t k) { return static_cast<std::uint32_t>(sources + k); };
    std::vector<std::uint32_t> arc_id(pb.arcs.size()), unassigned_id(sources);
    for (std::size_t a = 0; a < pb.arcs.size(); ++a)
        arc_id[a] =
            f.add_arc(pb.arcs[a].from, sink(pb.arcs[a].to), pb.supply[pb.arcs[a].from], cost[a]);
    for (std::uint32_t h = 0; h < sources; ++h)
        unassigned_id[h] = f.add_arc(h, t, pb.supply[h], penalty);
    for (std::uint32_t k = 0; k < sinks; ++k)
        f.add_arc(sink(k), t, pb.places[k], 0);
    f.solve(pb.supply, t);

    assignment_result out;
    out.flow.resize(pb.arcs.size());
    std::int64_t flow_cost = 0;
    for (std::size_t a = 0; a < pb.arcs.size(); ++a) {
        out.flow[a] = static_cast<std::uint32_t>(f.flow(arc_id[a]));
        out.travel_min_total += static_cast<double>(out.flow[a]) * pb.arcs[a].travel_min;
        flow_cost += f.flow(arc_id[a]) * cost[a];
    }
    out.unassigned.resize(sources);
    for (std::size_t h = 0; h < sources; ++h) {
        out.unassigned[h] = static_cast<std::uint32_t>(f.flow(unassigned_id[h]));
        flow_cost += f.flow(unassigned_id[h]) * penalty;
    }
    out.flow_cost = static_cast<double>(flow_cost);
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
