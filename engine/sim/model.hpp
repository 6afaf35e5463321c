// The frozen model: region, providers, residents (registered with a practice), care parameters
// and everything derived from them (provider network and its analysis, capacity servers, nearest
// providers, referral weights).
// Built once, then only read while any number of runs step their own mutable state.
#pragma once

#include "engine/care/pathways.hpp"
#include "engine/core/calendar.hpp"
#include "engine/network/analysis.hpp"
#include "engine/network/graph.hpp"
#include "engine/network/providers.hpp"
#include "engine/network/registration.hpp"
#include "engine/network/travel.hpp"
#include "engine/population/demography.hpp"
#include "engine/population/region.hpp"
#include "engine/population/residents.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace zorgsim {

struct model_inputs {
    region area;
    provider_table providers;
    care_parameters care;
    prevalence_table prevalence;
    network_inputs network; // travel parameters, registration norm, optional measured inputs
    horizon time;
    demography_parameters demography;
    std::uint64_t population_seed = 1; // residents are drawn once per model, from this seed
};

inline constexpr std::uint32_t no_server = 0xFFFFFFFFu;

// One capacity pool with its own FIFO backlog: a practice has three (gp, poh_s, poh_ggz), every
// other provider one, for the setting of its type.
struct server {
    std::uint32_t provider = 0;
    setting where = setting::gp;
    double capacity_min_per_week = 0;
};

class model {
public:
    explicit model(model_inputs in);

    const region& area() const { return in_.area; }
    const provider_table& providers() const { return in_.providers; }
    const care_parameters& care() const { return in_.care; }
    const horizon& time() const { return in_.time; }
    const demography_parameters& demography() const { return in_.demography; }
    const prevalence_table& prevalence() const { return in_.prevalence; }
    const resident_table& residents() const { return residents_; }
    const registration_report& registration() const { return registration_; }
    const provider_network& network() const { return network_; }
    const network_metrics& network_analysis() const { return network_analysis_; }
    const std::vector<server>& servers() const { return servers_; }
    // Data gaps the model can run with but a planner should hear about.
    const std::vector<std::string>& warnings() const { return warnings_; }
    std::size_t neighbourhood_count() const { return in_.area.neighbourhoods.size(); }
    const std::vector<std::uint32_t>& residents_per_neighbourhood() const {
        return residents_per_nb_;
    }

    // The server of `provider` for setting `s`, or no_server.
    std::uint32_t server_of(std::uint32_t provider, setting s) const {
        return server_of_[provider * setting_count + static_cast<std::size_t>(s)];
    }
    // Where a contact of a resident in neighbourhood `nb`, listed at `practice`, is served in
    // setting `s`; `u` picks a second-line provider by the practice's referral shares (nearest
    // when the practice has none, e.g. for unregistered residents). no_server if none.
    std::uint32_t route(setting s, std::uint32_t nb, std::uint32_t practice, double u) const;
    // Where a contact escalated from `from_provider` to setting `s` goes: the same provider if it
    // has that pool, otherwise the nearest provider of the setting's type.
    std::uint32_t escalation_target(setting s, std::uint32_t nb, std::uint32_t from_provider) const;

private:
    model_inputs in_;
    resident_table residents_;
    registration_report registration_;
    provider_network network_;
    network_metrics network_analysis_;
    std::vector<server> servers_;
    std::vector<std::uint32_t> server_of_; // provider x setting
    nearest_by_type nearest_;
    std::vector<std::uint32_t> residents_per_nb_;
    // Per (practice, second-line setting): referral targets and cumulative shares, as CSR.
    std::vector<std::uint32_t> referral_first_; // practice x setting, + 1
    std::vector<std::uint32_t> referral_to_;
    std::vector<double> referral_cumulative_;
    std::vector<std::string> warnings_;
};

// Defined here so that the engine's per-need loop can inline it.
inline std::uint32_t model::route(setting s, std::uint32_t nb, std::uint32_t practice,
                                  double u) const {
    const auto type = provider_type_of(s);
    if (type == provider_type::gp_practice) // unregistered residents have no practice to go to
        return practice == no_practice ? no_server : server_of(practice, s);
    if (practice != no_practice) {
        const auto at = practice * setting_count + static_cast<std::size_t>(s);
        const auto first = referral_first_[at], last = referral_first_[at + 1];
        if (first < last) {
            auto k = first;
            while (k + 1 < last && u >= referral_cumulative_[k])
                ++k;
            return server_of(referral_to_[k], s);
        }
    }
    const auto q = nearest_[nb][static_cast<std::size_t>(type)];
    return q == no_provider ? no_server : server_of(q, s);
}

} // namespace zorgsim
