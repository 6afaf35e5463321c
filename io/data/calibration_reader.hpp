// Reads the calibration inputs of a parameter set: fixed yearly payments per resident
// (funding.csv: capitation, MTVP, O&I, ...; EUR per person per year by age band) and the
// validation targets of DOMAIN §8.7 (calibration_targets.csv; counts per 180,000 residents).
#pragma once

#include "engine/core/ids.hpp"

#include <array>
#include <filesystem>
#include <string>
#include <vector>

namespace zorgsim::io {

// Who a fixed payment is paid for: residents listed with a GP practice, or every resident.
enum class funding_basis : std::uint8_t { registered, resident };

struct funding_component {
    std::string name;
    std::string line; // gp_care, hospital or zvw_other (calibration spend indicators)
    funding_basis basis = funding_basis::resident;
    std::array<double, age_band_count> eur_per_year{}; // per person of the age band
};

struct calibration_target {
    std::string indicator;
    std::string unit;          // "per_180k" (a yearly count or EUR) or "share" (0..1)
    double target = 0;         // per 180,000 residents, or a share
    double tolerance = 0;      // relative for per_180k (0.1 = ±10%), absolute for share
    double count_per_unit = 1; // simulated count per unit of the indicator (e.g. visits/client)
    std::string source;
};

inline const std::vector<std::string> funding_lines = {"gp_care", "hospital", "zvw_other"};

std::vector<funding_component> read_funding(const std::filesystem::path& dir);
// `known`: the indicators the calibrate command computes or names; any other is an error.
std::vector<calibration_target> read_calibration_targets(const std::filesystem::path& dir,
                                                         const std::vector<std::string>& known);

} // namespace zorgsim::io
