#include "io/hdf5/network_group.hpp"

#include "io/hdf5/handle.hpp"

#include <hdf5_hl.h>

#include <fmt/format.h>
#include <string>

namespace zorgsim::io {
namespace {

struct network_variable {
    const char* name;
    bool per_type; // (neighbourhood, provider_type), else (provider) or (neighbourhood)
    bool per_neighbourhood;
    bool real; // float64, else uint32
    const char* units;
    const char* long_name;
};

// One row per dataset; the order is the order in the group.
constexpr network_variable variables[] = {
    {"access_min", true, true, true, "min",
     "travel minutes to the nearest provider of the type (inf where the region has none)"},
    {"open_practice_access_min", false, true, true, "min",
     "travel minutes to the nearest GP practice that still has registration places (inf if none)"},
    {"betweenness", false, false, true, "1",
     "betweenness centrality in the undirected referral network, normalised by 2/((n-1)(n-2))"},
    {"referral_partners", false, false, false, "providers",
     "distinct referral partners (second-line providers of a practice, practices of a "
     "second-line provider)"},
    {"places", false, false, false, "persons",
     "registration places of a GP practice: round(gp_fte x norm), capped by list_capacity"},
    {"listed", false, false, false, "persons", "residents listed with the GP practice"},
};

} // namespace

std::vector<variable_info> network_variables() {
    std::vector<variable_info> out;
    for (const auto& v : variables) {
        std::vector<std::string> dims =
            v.per_type            ? std::vector<std::string>{"neighbourhood", "provider_type"}
            : v.per_neighbourhood ? std::vector<std::string>{"neighbourhood"}
                                  : std::vector<std::string>{"provider"};
        out.push_back({v.name, dims, v.real ? "float64" : "uint32", v.units, v.long_name});
    }
    return out;
}

void write_network_group(hid_t root, const model& m) {
    const std::vector<std::string> types(provider_type_names.begin(), provider_type_names.end());
    auto type_scale = h5::string_dataset(root, "provider_type", types);
    h5::check(H5DSset_scale(type_scale, "provider_type"), "make 'provider_type' a dimension scale");
    h5::attribute(type_scale, "long_name", std::string("provider type"));
    const h5::handle nb_scale(H5Dopen2(root, "neighbourhood", H5P_DEFAULT), H5Dclose,
                              "open the neighbourhood scale");
    const h5::handle provider_scale(H5Dopen2(root, "provider", H5P_DEFAULT), H5Dclose,
                                    "open the provider scale");

    h5::handle gcpl(H5Pcreate(H5P_GROUP_CREATE), H5Pclose, "create a group property list");
    h5::check(H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
              "track link creation order");
    const h5::handle group(H5Gcreate2(root, "network", H5P_DEFAULT, gcpl, H5P_DEFAULT), H5Gclose,
                           "create group 'network'");

    const auto& a = m.network_analysis();
    const auto& net = m.network();
    const hsize_t nbs = m.neighbourhood_count(), providers = m.providers().size();
    std::vector<double> access, open(a.open_practice_access_min);
    for (const auto& row : a.access_min)
        access.insert(access.end(), row.begin(), row.end());
    std::vector<std::uint32_t> places(providers), listed(m.registration().listed);
    for (std::uint32_t q = 0; q < providers; ++q)
        places[q] = net.places(q);

    for (const auto& v : variables) {
        const std::string name = v.name;
        std::vector<hsize_t> dims;
        std::vector<hid_t> scales;
        if (v.per_type) {
            dims = {nbs, provider_type_count};
            scales = {nb_scale, type_scale};
        } else if (v.per_neighbourhood) {
            dims = {nbs};
            scales = {nb_scale};
        } else {
            dims = {providers};
            scales = {provider_scale};
        }
        h5::handle ds;
        if (name == "access_min")
            ds = h5::numeric_dataset<double>(group, name, dims, access);
        else if (name == "open_practice_access_min")
            ds = h5::numeric_dataset<double>(group, name, dims, open);
        else if (name == "betweenness")
            ds = h5::numeric_dataset<double>(group, name, dims, a.betweenness);
        else if (name == "referral_partners")
            ds = h5::numeric_dataset<std::uint32_t>(group, name, dims, a.referral_partners);
        else if (name == "places")
            ds = h5::numeric_dataset<std::uint32_t>(group, name, dims, places);
        else
            ds = h5::numeric_dataset<std::uint32_t>(group, name, dims, listed);
        h5::attribute(ds, "units", std::string(v.units));
        h5::attribute(ds, "long_name", std::string(v.long_name));
        for (unsigned axis = 0; axis < scales.size(); ++axis)
            h5::check(H5DSattach_scale(ds, scales[axis], axis),
                      fmt::format("attach a dimension to 'network/{}'", name));
    }
}

} // namespace zorgsim::io
