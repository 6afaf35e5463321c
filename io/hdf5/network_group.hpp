// The network/ group of a results file: access times, referral centrality and partners, and
// registration counts from the frozen model's provider network. Its dimension scale
// provider_type lives in the root group, next to neighbourhood and provider (TOOLCHAIN.md).
#pragma once

#include "engine/sim/model.hpp"
#include "io/hdf5/results_writer.hpp"

#include <hdf5.h>

#include <vector>

namespace zorgsim::io {

// Name, dimensions, type, unit and meaning of every dataset in network/ (README.md lists them).
std::vector<variable_info> network_variables();

// Writes /provider_type (a dimension scale) and /network/*; `root` already holds the
// neighbourhood and provider scales.
void write_network_group(hid_t root, const model& m);

} // namespace zorgsim::io
