// GP registration as a min-cost flow over the provider network: residents per neighbourhood flow
// to practice places (round(gp_fte x norm), capped by list capacity) along travel edges at a cost
// of travel minutes. As many residents as the places allow are listed, with the least total
// travel; the rest are counted as unregistered (practice = no_practice), never lost.
#pragma once

#include "engine/network/graph.hpp"
#include "engine/population/residents.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace zorgsim {

// Travel minutes become integer flow costs in units of 1/100 minute, so that ties and optimality
// are exact while keeping the resolution far below any real difference in travel time.
inline constexpr double flow_cost_per_travel_min = 100;

// The transport problem behind registration and reassignment: persons per source (neighbourhood),
// places per sink (practice) and the allowed source -> sink arcs with their travel minutes.
struct assignment_problem {
    struct arc {
        std::uint32_t from = 0; // source index
        std::uint32_t to = 0;   // sink index
        double travel_min = 0;
    };
    std::vector<std::uint32_t> supply;
    std::vector<std::uint32_t> places;
    std::vector<arc> arcs;
};

struct assignment_result {
    std::vector<std::uint32_t> flow;       // persons per arc
    std::vector<std::uint32_t> unassigned; // persons per source left without a place
    double travel_min_total = 0;           // sum over arcs of flow x travel minutes
    double flow_cost = 0; // scaled travel cost + penalty x unassigned, a whole number
};

// An exact, deterministic min-cost flow (successive shortest paths, registration.cpp) on
// source -> sink arcs plus one "unassigned" arc per source whose cost exceeds any chain of
// reassignments, so the flow always saturates: first as few unassigned as possible, then the
// least total scaled travel cost among those. Ties between equal optima go by vertex order.
assignment_result solve_assignment(const assignment_problem& problem);

struct registration_report {
    std::vector<std::uint32_t> listed; // residents listed per provider (0 for non-practices)
    std::uint64_t unregistered = 0;    // residents with practice == no_practice
    // Listed residents whose practice's own neighbourhood (graph.hpp) is not theirs.
    std::uint64_t outside_own_neighbourhood = 0;
    double travel_min_total = 0; // over listed residents

    std::uint64_t registered() const;
    double outside_own_neighbourhood_share() const; // of listed residents
    double mean_travel_min() const;                 // over listed residents
};

// Lists every resident with a practice by the min-cost flow. Within a neighbourhood residents are
// visited in a fixed pseudo-random order, so every practice gets the neighbourhood's age mix.
registration_report register_with_practices(resident_table& residents, const provider_network& net);

// The report of a registration as it stands in the resident table.
registration_report summarise_registration(const resident_table& residents,
                                           const provider_network& net);

struct closure_report {
    std::uint64_t reassigned = 0;   // residents of closed practices listed elsewhere
    std::uint64_t unregistered = 0; // residents of closed practices left without a practice
    registration_report after;
};

// Closes practices: their residents are reassigned by the same min-cost flow to open practices
// with spare places (places - listed); those that do not fit become unregistered. Totals are
// conserved: reassigned + unregistered = residents listed at the closed practices before.
closure_report reassign_after_closure(resident_table& residents, const provider_network& net,
                                      std::span<const std::uint32_t> closed);

} // namespace zorgsim
