#include "engine/network/graph.hpp"

#include "engine/core/error.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <limits>
#include <map>
#include <numeric>
#include <tbb/parallel_for.h>

namespace zorgsim {
namespace {

std::uint64_t pair_key(std::uint32_t nb, std::uint32_t provider) {
    return (std::uint64_t{nb} << 32) | provider;
}

void check_inputs(const region& r, const provider_table& p, const network_inputs& in) {
    const auto nbs = r.neighbourhoods.size();
    if (!(in.norm_patients_per_gp_fte > 0) || !std::isfinite(in.norm_patients_per_gp_fte))
        throw model_error(fmt::format("norm_patients_per_gp_fte is {}; it must be above 0",
                                      in.norm_patients_per_gp_fte));
    for (std::size_t i = 0; i < in.travel_matrix.size(); ++i) {
        const auto& e = in.travel_matrix[i];
        if (e.neighbourhood >= nbs || e.provider >= p.size() || !(e.travel_min >= 0) ||
            !std::isfinite(e.travel_min))
            throw model_error(fmt::format(
                "travel matrix entry {}: neighbourhood #{}, provider #{}, {} min; accepted: "
                "neighbourhood 0 to {}, provider 0 to {}, minutes 0 or more",
                i, e.neighbourhood, e.provider, e.travel_min, nbs - 1, p.size() - 1));
    }
    for (std::size_t i = 0; i < in.referrals.size(); ++i) {
        const auto& e = in.referrals[i];
        const bool ok = e.practice < p.size() && e.provider < p.size() &&
                        p.type[e.practice] == provider_type::gp_practice &&
                        line_of(p.type[e.provider]) == care_line::second && e.share >= 0 &&
                        std::isfinite(e.share);
        if (!ok)
            throw model_error(fmt::format(
                "referral entry {}: practice #{} -> provider #{}, share {}; the first must be a "
                "gp_practice, the second a second-line provider (of {} providers), the share 0 "
                "or more",
                i, e.practice, e.provider, e.share, p.size()));
    }
}

} // namespace

provider_network::provider_network(const region& r, const provider_table& p,
                                   const network_inputs& in)
    : graph_(r.neighbourhoods.size() + p.size()), nbs_(r.neighbourhoods.size()),
      travel_(in.travel) {
    check_inputs(r, p, in);
    const auto& nb = r.neighbourhoods;
    const auto np = p.size();
    nb_lon_ = nb.lon_deg;
    nb_lat_ = nb.lat_deg;
    p_lon_ = p.lon_deg;
    p_lat_ = p.lat_deg;
    type_ = p.type;
    for (const auto& e : in.travel_matrix)
        measured_min_[pair_key(e.neighbourhood, e.provider)] = e.travel_min;

    places_.assign(np, 0);
    for (std::size_t q = 0; q < np; ++q) {
        if (p.type[q] != provider_type::gp_practice)
            continue;
        const double by_fte = std::round(p.gp_fte[q] * in.norm_patients_per_gp_fte);
        auto places = static_cast<std::uint32_t>(std::clamp(by_fte, 0.0, 4e9));
        if (p.list_capacity[q] > 0)
            places = std::min(places, p.list_capacity[q]);
        places_[q] = places;
    }

    home_.assign(np, no_neighbourhood);
    for (std::size_t q = 0; q < np; ++q) {
        if (p.municipality[q] == outside_region)
            continue;
        double best_km = std::numeric_limits<double>::infinity();
        for (std::uint32_t h = 0; h < nbs_; ++h) {
            if (nb.municipality[h] != static_cast<std::uint32_t>(p.municipality[q]))
                continue;
            const double km =
                great_circle_km(nb.lon_deg[h], nb.lat_deg[h], p.lon_deg[q], p.lat_deg[q]);
            if (km < best_km) {
                best_km = km;
                home_[q] = h;
            }
        }
    }

    std::array<std::vector<std::uint32_t>, provider_type_count> of_type;
    for (std::uint32_t q = 0; q < np; ++q)
        of_type[static_cast<std::size_t>(p.type[q])].push_back(q);

    // Travel edges: per type the k nearest, by (minutes, table order) so that ties are stable.
    // Chosen per neighbourhood in parallel (national: 3,006 x 11,719 pairs), then added to the
    // graph in neighbourhood order.
    struct candidate {
        std::uint32_t provider;
        double travel_min;
    };
    std::vector<std::array<std::vector<candidate>, provider_type_count>> chosen(nbs_);
    tbb::parallel_for(std::uint32_t{0}, static_cast<std::uint32_t>(nbs_), [&](std::uint32_t h) {
        std::vector<double> minutes(np);
        for (std::uint32_t q = 0; q < np; ++q)
            minutes[q] = travel_min(h, q);
        std::vector<std::uint32_t> order;
        for (std::size_t t = 0; t < provider_type_count; ++t) {
            const bool is_practice = static_cast<provider_type>(t) == provider_type::gp_practice;
            order = of_type[t];
            const auto k = std::min(order.size(), is_practice ? travel_edges_gp_practices
                                                              : travel_edges_per_type);
            const auto closer = [&](std::uint32_t a, std::uint32_t b) {
                return minutes[a] < minutes[b] || (minutes[a] == minutes[b] && a < b);
            };
            std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(k),
                              order.end(), closer);
            for (std::size_t i = 0; i < k; ++i)
                chosen[h][t].push_back({order[i], minutes[order[i]]});
        }
    });
    nearest_.assign(nbs_, {});
    practice_offsets_.assign(1, 0);
    for (std::uint32_t h = 0; h < nbs_; ++h) {
        nearest_[h].fill(no_provider);
        for (std::size_t t = 0; t < provider_type_count; ++t) {
            const auto& near = chosen[h][t];
            if (!near.empty())
                nearest_[h][t] = near.front().provider;
            for (const auto& c : near) {
                boost::add_edge(h, vertex_of_provider(c.provider),
                                network_edge{edge_kind::travel, c.travel_min, 0.0}, graph_);
                if (static_cast<provider_type>(t) == provider_type::gp_practice)
                    practices_.push_back(c.provider);
            }
            edge_counts_[0] += near.size();
        }
        practice_offsets_.push_back(static_cast<std::uint32_t>(practices_.size()));
    }

    // Referral edges: explicit shares where a practice has them for a type, else referral_weight.
    std::map<std::pair<std::uint32_t, std::uint32_t>, double>
        explicit_share; // (practice, provider)
    for (const auto& e : in.referrals)
        explicit_share[{e.practice, e.provider}] += e.share;
    for (std::uint32_t q : of_type[static_cast<std::size_t>(provider_type::gp_practice)]) {
        for (std::size_t t = 0; t < provider_type_count; ++t) {
            if (line_of(static_cast<provider_type>(t)) != care_line::second)
                continue;
            std::vector<std::pair<std::uint32_t, double>> weights;
            bool has_explicit = false;
            for (auto s : of_type[t])
                if (const auto it = explicit_share.find({q, s}); it != explicit_share.end()) {
                    has_explicit = true;
                    weights.emplace_back(s, it->second);
                }
            if (!has_explicit)
                for (auto s : of_type[t])
                    weights.emplace_back(s, p.referral_weight[s]);
            double total = 0;
            for (const auto& [s, w] : weights)
                total += w;
            if (!(total > 0))
                continue;
            for (const auto& [s, w] : weights)
                if (w > 0) {
                    boost::add_edge(vertex_of_provider(q), vertex_of_provider(s),
                                    network_edge{edge_kind::referral, 0.0, w / total}, graph_);
                    ++edge_counts_[1];
                }
        }
    }

    // Collaboration edges: every pair of first-line providers in the same WSV.
    std::map<std::int32_t, std::vector<std::uint32_t>> by_wsv;
    for (std::uint32_t q = 0; q < np; ++q)
        if (p.wsv[q] != no_wsv && line_of(p.type[q]) == care_line::first)
            by_wsv[p.wsv[q]].push_back(q);
    for (const auto& [wsv, members] : by_wsv)
        for (std::size_t i = 0; i < members.size(); ++i)
            for (std::size_t j = i + 1; j < members.size(); ++j) {
                boost::add_edge(vertex_of_provider(members[i]), vertex_of_provider(members[j]),
                                network_edge{edge_kind::collaboration, 0.0, 0.0}, graph_);
                ++edge_counts_[2];
            }
}

double provider_network::travel_min(std::uint32_t nb, std::uint32_t provider) const {
    if (!measured_min_.empty())
        if (const auto it = measured_min_.find(pair_key(nb, provider)); it != measured_min_.end())
            return it->second;
    return zorgsim::travel_min(
        travel_, great_circle_km(nb_lon_[nb], nb_lat_[nb], p_lon_[provider], p_lat_[provider]));
}

std::span<const std::uint32_t> provider_network::practices_by_travel(std::uint32_t nb) const {
    return std::span<const std::uint32_t>(practices_)
        .subspan(practice_offsets_[nb], practice_offsets_[nb + 1] - practice_offsets_[nb]);
}

} // namespace zorgsim
