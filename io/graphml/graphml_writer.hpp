// Writes the provider network as GraphML with typed attributes, readable as is by networkx
// (read_graphml) and Gephi: nodes carry kind/name/code, edges edge_kind/travel_min/share. The file
// is written under a temporary name and renamed when complete.
#pragma once

#include "engine/network/analysis.hpp"
#include "engine/network/graph.hpp"
#include "engine/network/providers.hpp"
#include "engine/population/region.hpp"

#include <cstdint>
#include <filesystem>
#include <span>

namespace zorgsim::io {

// Optional results to add as node attributes: network metrics (access_min_<type> and
// open_practice_access_min on neighbourhoods; betweenness, degree_centrality and
// referral_partners on referral-network providers) and residents listed per provider.
struct graphml_results {
    const network_metrics* metrics = nullptr;
    std::span<const std::uint32_t> listed;
};

// Node ids are "n<vertex>" (neighbourhoods first, then providers in table order), edge ids
// "e<k>". Throws output_error when the file cannot be written.
void write_graphml(const std::filesystem::path& out, const region& r, const provider_table& p,
                   const provider_network& net, const graphml_results& results = {});

} // namespace zorgsim::io
