// Network analytics on the provider network: travel access per neighbourhood and provider type,
// access to practices that still accept patients, referral centrality and partners, and WSV
// connectivity. Pure functions of the frozen network and the registration counts.
#pragma once

#include "engine/network/graph.hpp"

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace zorgsim {

struct wsv_connectivity {
    std::uint32_t providers = 0;  // first-line providers in the WSV (the collaboration nodes)
    std::uint32_t components = 0; // connected components of their collaboration subgraph
};

struct network_metrics {
    // [neighbourhood][provider type]: minutes to the nearest provider of the type by Dijkstra over
    // travel edges; +inf where the type has no provider.
    std::vector<std::array<double, provider_type_count>> access_min;
    // [neighbourhood]: minutes to the nearest practice with listed < places, over all practices
    // (not only those with a travel edge, which may all be full); +inf if none accepts patients.
    std::vector<double> open_practice_access_min;

    // Per provider, on the referral network: the undirected graph of all GP practices and all
    // second-line providers with the referral edges (one per practice and provider). Providers
    // outside it have 0 everywhere.
    std::vector<std::uint32_t> referral_degree;
    std::vector<double> degree_centrality; // degree / (n - 1), as networkx.degree_centrality
    // Brandes betweenness, undirected and normalised by 2 / ((n - 1)(n - 2)): equal to
    // networkx.betweenness_centrality(G) with its defaults (normalized=True) on that graph.
    // Undirected, because every directed referral path has length 1 (practice -> second line),
    // which would make every betweenness 0.
    std::vector<double> betweenness;
    // For a practice: the distinct second-line providers it refers to; for a second-line
    // provider: the distinct practices referring to it.
    std::vector<std::uint32_t> referral_partners;
    std::uint32_t referral_network_size = 0; // n

    std::vector<wsv_connectivity> wsv; // per WSV of the region
};

// `listed` holds residents listed per provider (registration_report::listed); `provider_wsv` the
// WSV index per provider or no_wsv; `wsv_count` the region's number of WSVs.
network_metrics analyse_network(const provider_network& net, std::span<const std::uint32_t> listed,
                                std::span<const std::int32_t> provider_wsv, std::size_t wsv_count);

} // namespace zorgsim
