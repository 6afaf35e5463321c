// Which process runs which unit (variant x replicate) when a run is split over several processes
// (MPI ranks). Pure and deterministic: every rank computes the same assignment from the same plan
// and the same record of units already complete, so no rank has to tell the others.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace zorgsim {

// The rank (0 .. ranks-1) of every unit, in plan order (variant-major, unit = variant x replicates
// + replicate); units already complete get -1. The units still to run are dealt out in plan order
// back and forth ("snake": 0 1 2 2 1 0 0 1 2 ...), so every rank gets an equal share of each
// variant's replicates (+-1), and a cost that grows or falls along a sweep axis evens out over the
// ranks instead of piling up on the last one.
std::vector<int> assign_units(std::span<const std::uint8_t> complete, int ranks);

// How many units each rank runs under an assignment (its length is `ranks`).
std::vector<std::size_t> units_per_rank(std::span<const int> assignment, int ranks);

} // namespace zorgsim
