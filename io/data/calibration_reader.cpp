#include "io/data/calibration_reader.hpp"

#include "io/data/csv.hpp"

#include <fmt/format.h>

namespace zorgsim::io {

std::vector<funding_component> read_funding(const std::filesystem::path& dir) {
    const std::array<std::string, age_band_count> suffix = {"0_14",  "15_44", "45_64",
                                                            "65_74", "75_84", "85_plus"};
    std::vector<std::string> required = {"component", "funding_line", "basis"};
    for (const auto& s : suffix)
        required.push_back("eur_" + s);
    auto f = csv_file::read(dir / "funding.csv", required, {"source"});
    std::vector<funding_component> out;
    for (const auto& row : f.rows()) {
        funding_component c;
        c.name = f.text(row, "component");
        if (c.name.empty())
            f.error(row, "component", "must not be empty");
        for (const auto& o : out)
            if (o.name == c.name)
                f.error(row, "component", fmt::format("'{}' appears twice", c.name));
        c.line = funding_lines[f.choice(row, "funding_line", funding_lines)];
        c.basis = static_cast<funding_basis>(f.choice(row, "basis", {"registered", "resident"}));
        for (std::size_t b = 0; b < age_band_count; ++b)
            c.eur_per_year[b] = f.number(row, "eur_" + suffix[b], 0, 1e6);
        out.push_back(std::move(c));
    }
    f.throw_if_errors();
    return out;
}

std::vector<calibration_target> read_calibration_targets(const std::filesystem::path& dir,
                                                         const std::vector<std::string>& known) {
    auto f =
        csv_file::read(dir / "calibration_targets.csv",
                       {"indicator", "unit", "target", "tolerance"}, {"count_per_unit", "source"});
    std::vector<calibration_target> out;
    for (const auto& row : f.rows()) {
        calibration_target t;
        t.indicator = f.text(row, "indicator");
        f.choice(row, "indicator", known);
        for (const auto& o : out)
            if (o.indicator == t.indicator)
                f.error(row, "indicator", fmt::format("'{}' appears twice", t.indicator));
        t.unit = f.text(row, "unit");
        const bool share = f.choice(row, "unit", {"per_180k", "share"}) == 1;
        t.target = f.number(row, "target", 0, share ? 1 : 1e12);
        t.tolerance = f.number(row, "tolerance", 0, 1);
        if (f.has("count_per_unit") && !f.text(row, "count_per_unit").empty())
            t.count_per_unit = f.number(row, "count_per_unit", 1e-6, 1e6, 1);
        if (f.has("source"))
            t.source = f.text(row, "source");
        out.push_back(std::move(t));
    }
    f.throw_if_errors();
    return out;
}

} // namespace zorgsim::io
