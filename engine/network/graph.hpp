// The provider network: a Boost.Graph over neighbourhood and provider nodes with travel
// (neighbourhood -> provider, minutes), referral (practice -> second-line provider, share) and
// collaboration (first-line provider -> first-line provider of the same WSV) edges. Frozen once
// built.
#pragma once

#include "engine/core/ids.hpp"
#include "engine/network/providers.hpp"
#include "engine/network/travel.hpp"
#include "engine/population/region.hpp"

#include <boost/graph/adjacency_list.hpp>

#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace zorgsim {

// Travel edges are not built for every pair, so that the graph stays linear in the number of
// neighbourhoods at national scale (~3,000 wijken x ~25,000 providers). Per neighbourhood: the
// nearest providers of each type (enough for access and for escalation targets) ...
inline constexpr std::size_t travel_edges_per_type = 5;
// ... and more GP practices, because registration needs alternatives when the nearest practices
// are full (25 covers the practices within about 10 minutes in a Dutch town).
inline constexpr std::size_t travel_edges_gp_practices = 25;

// One measured travel time, replacing the great-circle estimate for that pair.
struct travel_entry {
    std::uint32_t neighbourhood = 0;
    std::uint32_t provider = 0;
    double travel_min = 0;
};

// An explicit referral share from a practice to a second-line provider. When a practice has any
// for a second-line type, they replace the default shares (providers.referral_weight) for that
// type; shares are normalised per practice and type.
struct referral_entry {
    std::uint32_t practice = 0;
    std::uint32_t provider = 0;
    double share = 0;
};

struct network_inputs {
    travel_parameters travel;
    double norm_patients_per_gp_fte = 2095; // NZa norm practice since 2018 (DOMAIN 2.1)
    std::vector<travel_entry> travel_matrix;
    std::vector<referral_entry> referrals;
};

enum class edge_kind : std::uint8_t { travel, referral, collaboration };
inline constexpr std::array<std::string_view, 3> edge_kind_names = {"travel", "referral",
                                                                    "collaboration"};

struct network_edge {
    edge_kind kind = edge_kind::travel;
    double travel_min = 0; // travel edges
    double share = 0;      // referral edges: share of the practice's referrals of that type
};

// Vertices 0..N-1 are neighbourhoods, N..N+P-1 providers (in table order). Collaboration edges
// are stored once, from the lower to the higher provider; treat them as undirected.
using network_graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS,
                                            boost::no_property, network_edge>;

class provider_network {
public:
    provider_network() = default;
    provider_network(const region& r, const provider_table& p, const network_inputs& in);

    const network_graph& graph() const { return graph_; }
    std::size_t neighbourhood_count() const { return nbs_; }
    std::size_t provider_count() const { return type_.size(); }
    std::uint32_t vertex_of_neighbourhood(std::uint32_t nb) const { return nb; }
    std::uint32_t vertex_of_provider(std::uint32_t q) const {
        return static_cast<std::uint32_t>(nbs_) + q;
    }
    bool is_neighbourhood_vertex(std::size_t v) const { return v < nbs_; }
    std::uint32_t provider_of_vertex(std::size_t v) const {
        return static_cast<std::uint32_t>(v - nbs_);
    }

    // Minutes from a neighbourhood centroid to a provider, for any pair (not only connected ones):
    // the travel matrix where it has the pair, else great-circle km x detour / speed.
    double travel_min(std::uint32_t nb, std::uint32_t provider) const;
    // The GP practices connected to a neighbourhood by travel edges, nearest first (ties: table
    // order).
    std::span<const std::uint32_t> practices_by_travel(std::uint32_t nb) const;
    // The nearest provider of a type (over all providers of the type), or no_provider.
    std::uint32_t nearest(std::uint32_t nb, provider_type t) const {
        return nearest_[nb][static_cast<std::size_t>(t)];
    }
    const nearest_by_type& nearest_table() const { return nearest_; }

    // Registration places of a GP practice: round(gp_fte x norm), capped by list_capacity when
    // that is above 0. 0 for other providers.
    std::uint32_t places(std::uint32_t provider) const { return places_[provider]; }
    // A practice's own neighbourhood: the nearest neighbourhood centroid in its municipality, or
    // no_neighbourhood for a provider outside the region's municipalities.
    static constexpr std::uint32_t no_neighbourhood = 0xFFFFFFFFu;
    std::uint32_t home_neighbourhood(std::uint32_t provider) const { return home_[provider]; }

    provider_type type(std::uint32_t provider) const { return type_[provider]; }
    std::array<std::size_t, 3> edge_counts() const { return edge_counts_; }

private:
    network_graph graph_;
    std::size_t nbs_ = 0;
    travel_parameters travel_;
    std::vector<double> nb_lon_, nb_lat_, p_lon_, p_lat_;
    std::unordered_map<std::uint64_t, double> measured_min_; // (nb << 32 | provider) -> minutes
    std::vector<provider_type> type_;
    std::vector<std::uint32_t> places_;
    std::vector<std::uint32_t> home_;
    nearest_by_type nearest_;
    std::vector<std::uint32_t> practice_offsets_; // CSR over neighbourhoods
    std::vector<std::uint32_t> practices_;
    std::array<std::size_t, 3> edge_counts_{};
};

} // namespace zorgsim
