// `zorgsim network`: builds the model's provider network and registration, prints a short
// readable summary of access, registration, referral centrality and WSV connectivity, and writes
// the network as GraphML.
#include "engine/network/registration.hpp"
#include "io/cli/commands.hpp"
#include "io/graphml/graphml_writer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

namespace zorgsim::io {
namespace {

double median(std::vector<double> v) {
    if (v.empty())
        return std::nan("");
    std::sort(v.begin(), v.end());
    const auto n = v.size();
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

std::string minutes(double x) {
    return std::isfinite(x) ? fmt::format("{:8.1f}", x) : fmt::format("{:>8}", "none");
}

std::string summary(const model& m, const std::string& title, double registration_ms) {
    const auto& net = m.network();
    const auto& a = m.network_analysis();
    const auto& reg = m.registration();
    const auto& p = m.providers();
    const auto edges = net.edge_counts();
    std::string out;
    out += fmt::format("\n{} — provider network of region {}\n", title, m.area().name);
    out +=
        fmt::format("  graph: {} neighbourhoods, {} providers; edges: {} travel, {} referral, "
                    "{} collaboration\n",
                    net.neighbourhood_count(), net.provider_count(), edges[0], edges[1], edges[2]);

    std::uint64_t places = 0;
    std::size_t practices = 0;
    for (std::uint32_t q = 0; q < p.size(); ++q)
        if (p.type[q] == provider_type::gp_practice) {
            places += net.places(q);
            ++practices;
        }
    out += fmt::format("\n  registration: {} of {} residents listed at {} practices ({} places); "
                       "{} unregistered\n",
                       reg.registered(), m.residents().size(), practices, places, reg.unregistered);
    out += fmt::format("    {:.1f}% listed outside their own neighbourhood; mean travel {:.2f} "
                       "min; min-cost flow in {:.0f} ms\n",
                       100 * reg.outside_own_neighbourhood_share(), reg.mean_travel_min(),
                       registration_ms);

    out += "\n  access: travel minutes to the nearest provider, over neighbourhoods\n";
    out += fmt::format("    {:<32}{:>8}{:>8}\n", "provider type", "median", "max");
    for (std::size_t t = 0; t < provider_type_count; ++t) {
        std::vector<double> v;
        for (const auto& row : a.access_min)
            if (std::isfinite(row[t]))
                v.push_back(row[t]);
        const double max = v.empty() ? INFINITY : *std::max_element(v.begin(), v.end());
        out += fmt::format("    {:<32}{}{}\n", provider_type_names[t], minutes(median(v)),
                           minutes(max));
    }
    {
        std::vector<double> v;
        for (double x : a.open_practice_access_min)
            if (std::isfinite(x))
                v.push_back(x);
        const double max = v.empty() ? INFINITY : *std::max_element(v.begin(), v.end());
        out += fmt::format("    {:<32}{}{}\n", "practice with places left", minutes(median(v)),
                           minutes(max));
    }

    out += fmt::format("\n  referral network ({} practices and second-line providers, undirected): "
                       "highest betweenness\n",
                       a.referral_network_size);
    std::vector<std::uint32_t> order(p.size());
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(),
                     [&](auto x, auto y) { return a.betweenness[x] > a.betweenness[y]; });
    for (std::size_t k = 0; k < std::min<std::size_t>(5, order.size()); ++k) {
        const auto q = order[k];
        if (a.betweenness[q] <= 0)
            break;
        out += fmt::format("    {:.4f}  {:<10} {} ({})\n", a.betweenness[q], p.code[q], p.name[q],
                           name_of(p.type[q]));
    }
    std::vector<double> partners;
    for (std::uint32_t q = 0; q < p.size(); ++q)
        if (p.type[q] == provider_type::gp_practice)
            partners.push_back(a.referral_partners[q]);
    if (!partners.empty())
        out +=
            fmt::format("  referral partners per practice: min {:.0f}, median {:.1f}, max {:.0f}\n",
                        *std::min_element(partners.begin(), partners.end()), median(partners),
                        *std::max_element(partners.begin(), partners.end()));

    out += "\n  WSV collaboration (first-line providers; connected components)\n";
    for (std::size_t w = 0; w < a.wsv.size(); ++w)
        out += fmt::format("    {:<32}{:>4} providers{:>4} component{}\n", m.area().wsv_names[w],
                           a.wsv[w].providers, a.wsv[w].components,
                           a.wsv[w].components == 1 ? "" : "s");
    return out;
}

} // namespace

int network_command(const std::filesystem::path& scenario_file,
                    const std::optional<std::filesystem::path>& output) {
    const auto l = load(scenario_file);
    const auto& m = l.frozen;
    // The model registered its residents already; solve again on a copy to time the flow alone.
    auto residents = m.residents();
    const auto started = std::chrono::steady_clock::now();
    register_with_practices(residents, m.network());
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count();
    fmt::print("{}", summary(m, l.file.title, ms));

    const auto out = output.value_or(std::filesystem::path("results") /
                                     (scenario_file.stem().string() + ".graphml"));
    write_graphml(out, m.area(), m.providers(), m.network(),
                  {&m.network_analysis(), m.registration().listed});
    fmt::print("\ngraphml: {} ({} nodes, {} edges)\n", out.string(),
               boost::num_vertices(m.network().graph()), boost::num_edges(m.network().graph()));
    return ok;
}

} // namespace zorgsim::io
