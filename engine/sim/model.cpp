#include "engine/sim/model.hpp"

#include "engine/core/error.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <fmt/format.h>

namespace zorgsim {

model::model(model_inputs in) : in_(std::move(in)) {
    validate(in_.care);
    const auto& p = in_.providers;
    if (in_.area.neighbourhoods.size() >= (1u << 24))
        throw model_error(fmt::format("the region has {} neighbourhoods; at most {} are supported",
                                      in_.area.neighbourhoods.size(), (1u << 24) - 1));
    if (in_.care.needs.size() > 255)
        throw model_error(
            fmt::format("{} needs defined; at most 255 are supported", in_.care.needs.size()));

    validate_rates(in_.care, in_.time.step_years());
    if (in_.area.population() == 0)
        throw model_error("the region has no residents: population.csv gives 0 persons everywhere");
    if (in_.area.population() >= 0xFFFFFFF0ull)
        throw model_error(
            fmt::format("the region has {} residents; at most 4,294,967,280 are supported",
                        in_.area.population()));
    residents_ = generate_residents(in_.area, in_.prevalence, in_.population_seed);
    network_ = provider_network(in_.area, p, in_.network);
    registration_ = register_with_practices(residents_, network_);
    nearest_ = network_.nearest_table();
    network_analysis_ =
        analyse_network(network_, registration_.listed, p.wsv, in_.area.wsv_names.size());

    residents_per_nb_.assign(in_.area.neighbourhoods.size(), 0);
    for (auto h : residents_.neighbourhood)
        ++residents_per_nb_[h];

    server_of_.assign(p.size() * setting_count, no_server);
    for (std::uint32_t q = 0; q < p.size(); ++q)
        for (std::size_t s = 0; s < setting_count; ++s) {
            const auto st = static_cast<setting>(s);
            if (provider_type_of(st) != p.type[q])
                continue;
            server_of_[q * setting_count + s] = static_cast<std::uint32_t>(servers_.size());
            servers_.push_back({q, st, p.fte_for(q, st) * in_.care.minutes_per_fte_per_week[s]});
        }

    // Referral choice per practice from the network's referral edges (explicit shares where the
    // region gives them, otherwise the providers' referral weights), as cumulative shares.
    const auto& g = network_.graph();
    referral_first_.assign(p.size() * setting_count + 1, 0);
    for (std::uint32_t q = 0; q < p.size(); ++q)
        for (std::size_t s = 0; s < setting_count; ++s) {
            const auto type = provider_type_of(static_cast<setting>(s));
            referral_first_[q * setting_count + s] =
                static_cast<std::uint32_t>(referral_to_.size());
            if (p.type[q] != provider_type::gp_practice || line_of(type) != care_line::second)
                continue;
            const auto first = referral_to_.size();
            double total = 0;
            for (auto [e, end] = boost::out_edges(network_.vertex_of_provider(q), g); e != end;
                 ++e) {
                const auto& edge = g[*e];
                const auto to = network_.provider_of_vertex(boost::target(*e, g));
                if (edge.kind != edge_kind::referral || p.type[to] != type || edge.share <= 0)
                    continue;
                total += edge.share;
                referral_to_.push_back(to);
                referral_cumulative_.push_back(total);
            }
            for (auto k = first; k < referral_to_.size(); ++k)
                referral_cumulative_[k] /= total;
        }
    referral_first_.back() = static_cast<std::uint32_t>(referral_to_.size());

    // Settings that a need is routed to but where the region has no capacity: those contacts can
    // only be unmet. Worth a warning, since it is nearly always a data gap.
    std::array<double, setting_count> capacity{};
    for (const auto& sv : servers_)
        capacity[static_cast<std::size_t>(sv.where)] += sv.capacity_min_per_week;
    for (const auto& need : in_.care.needs) {
        const auto n = *in_.care.need_index(need.name);
        for (const auto& row : in_.care.pathways[n])
            if (row.share > 0 && capacity[static_cast<std::size_t>(row.where)] <= 0)
                warnings_.push_back(fmt::format("need '{}' sends {:.0f}% of its contacts to '{}', "
                                                "but no provider of the region has "
                                                "capacity there: they will all count as unmet",
                                                need.name, 100 * row.share, name_of(row.where)));
    }
}

std::uint32_t model::escalation_target(setting s, std::uint32_t nb,
                                       std::uint32_t from_provider) const {
    if (const auto same = server_of(from_provider, s); same != no_server)
        return same;
    const auto q = nearest_[nb][static_cast<std::size_t>(provider_type_of(s))];
    return q == no_provider ? no_server : server_of(q, s);
}

} // namespace zorgsim
