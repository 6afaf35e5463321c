#include "io/cli/standardise.hpp"

#include "io/data/csv.hpp"

#include <fmt/format.h>

namespace zorgsim::io {

standardised_rate standardise(const band_values& events, const band_values& person_years,
                              const band_values& standard_shares, double per) {
    standardised_rate out;
    double all_events = 0, all_years = 0;
    for (std::size_t b = 0; b < age_band_count; ++b) {
        all_events += events[b];
        all_years += person_years[b];
        if (person_years[b] > 0)
            out.standardised += standard_shares[b] * events[b] / person_years[b] * per;
    }
    out.crude = all_years > 0 ? all_events / all_years * per : 0.0;
    return out;
}

band_values read_standard_population(const std::filesystem::path& file) {
    auto csv = csv_file::read(file, {"age_band", "share"}, {"source"});
    band_values shares{};
    std::array<bool, age_band_count> seen{};
    for (const auto& row : csv.rows()) {
        const auto b = csv.choice(row, "age_band", names_of(age_band_names));
        const double share = csv.number(row, "share", 0, 1);
        if (b >= age_band_count)
            continue;
        if (seen[b])
            csv.error(row, "age_band", fmt::format("'{}' is given twice", age_band_names[b]));
        seen[b] = true;
        shares[b] = share;
    }
    double total = 0;
    for (std::size_t b = 0; b < age_band_count; ++b) {
        total += shares[b];
        if (!seen[b])
            csv.error(fmt::format("age band '{}' is missing; every band of {} needs a share",
                                  age_band_names[b], joined(age_band_names)));
    }
    if (total <= 0.9 || total >= 1.1)
        csv.error(fmt::format("the shares sum to {:.3f}; accepted: 0.9 to 1.1 (they are "
                              "normalised to 1)",
                              total));
    csv.throw_if_errors();
    for (auto& s : shares)
        s /= total;
    return shares;
}

} // namespace zorgsim::io
