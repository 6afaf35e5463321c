#include "engine/sim/model.hpp"

#include "engine/core/error.hpp"

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

    for (std::size_t s = 0; s < setting_count; ++s) {
        const auto type = provider_type_of(static_cast<setting>(s));
        if (line_of(type) != care_line::second)
            continue;
        double total = 0;
        for (std::uint32_t q = 0; q < p.size(); ++q)
            if (p.type[q] == type && p.referral_weight[q] > 0) {
                referral_providers_[s].push_back(q);
                total += p.referral_weight[q];
                referral_cumulative_[s].push_back(total);
            }
        for (auto& c : referral_cumulative_[s])
            c /= total;
    }
}

std::uint32_t model::route(setting s, std::uint32_t nb, std::uint32_t practice, double u) const {
    const auto type = provider_type_of(s);
    if (type == provider_type::gp_practice) // unregistered residents have no practice to go to
        return practice == no_practice ? no_server : server_of(practice, s);
    const auto si = static_cast<std::size_t>(s);
    const auto& cumulative = referral_cumulative_[si];
    if (!cumulative.empty()) {
        std::size_t k = 0;
        while (k + 1 < cumulative.size() && u >= cumulative[k])
            ++k;
        return server_of(referral_providers_[si][k], s);
    }
    const auto q = nearest_[nb][static_cast<std::size_t>(type)];
    return q == no_provider ? no_server : server_of(q, s);
}

std::uint32_t model::escalation_target(setting s, std::uint32_t nb,
                                       std::uint32_t from_provider) const {
    if (const auto same = server_of(from_provider, s); same != no_server)
        return same;
    const auto q = nearest_[nb][static_cast<std::size_t>(provider_type_of(s))];
    return q == no_provider ? no_server : server_of(q, s);
}

} // namespace zorgsim
