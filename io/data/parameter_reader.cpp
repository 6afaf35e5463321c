#include "io/data/parameter_reader.hpp"

#include "engine/core/error.hpp"
#include "io/data/csv.hpp"
#include "io/data/names.hpp"

#include <cmath>
#include <fmt/format.h>
#include <map>

namespace zorgsim::io {
namespace {

// Column suffixes for the six age bands: rate_0_14, ..., rate_85_plus.
const std::array<std::string, age_band_count> band_suffix = {"0_14",  "15_44", "45_64",
                                                             "65_74", "75_84", "85_plus"};

std::vector<std::string> band_columns(const std::string& prefix) {
    std::vector<std::string> out;
    for (const auto& s : band_suffix)
        out.push_back(prefix + s);
    return out;
}

std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

void read_needs(const std::filesystem::path& dir, care_parameters& p) {
    const auto rates = band_columns("rate_");
    auto f = csv_file::read(dir / "needs.csv", with({"need", "applies_to"}, rates),
                            {"routing", "source"});
    auto conditions = names_of(condition_names);
    conditions.insert(conditions.begin(), "all");
    std::vector<std::size_t> lines;
    for (const auto& row : f.rows()) {
        need_spec n;
        n.name = f.text(row, "need");
        if (n.name.empty())
            f.error(row, "need", "must not be empty");
        if (const auto seen = p.need_index(n.name))
            f.error(row, "need",
                    fmt::format("'{}' appears twice (first on line {}); names must be unique",
                                n.name, lines[*seen]));
        lines.push_back(row.line);
        const auto c = f.choice(row, "applies_to", conditions);
        if (c > 0)
            n.applies_to = static_cast<condition>(c - 1);
        for (std::size_t b = 0; b < age_band_count; ++b)
            n.rate_per_year[b] = f.number(row, rates[b], 0, 1000);
        if (f.has("routing"))
            n.routing = static_cast<routing_rule>(
                f.choice(row, "routing", {"per_contact", "per_resident"}));
        p.needs.push_back(std::move(n));
    }
    if (f.rows().empty())
        f.error("no needs; at least one row is required");
    p.pathways.assign(p.needs.size(), {});
    f.throw_if_errors();
}

void read_pathways(const std::filesystem::path& dir, care_parameters& p) {
    auto f = csv_file::read(dir / "pathways.csv",
                            {"need", "setting", "share", "minutes_per_contact", "tariff_eur",
                             "max_wait_weeks", "escalates_to"},
                            {"source"});
    auto targets = names_of(setting_names);
    targets.push_back("unmet");
    std::vector<std::string> known;
    for (const auto& spec : p.needs)
        known.push_back(spec.name);
    // The line of each (need, setting) row, for the checks across rows below.
    std::vector<std::map<setting, std::size_t>> line_of(p.needs.size());
    for (const auto& row : f.rows()) {
        const auto need = f.text(row, "need");
        const auto n = p.need_index(need);
        if (!n) {
            f.error(row, "need",
                    fmt::format("'{}' is not in needs.csv{}; accepted: {}", need,
                                did_you_mean(need, known), name_list(known)));
            continue;
        }
        pathway_step s;
        s.where = static_cast<setting>(f.choice(row, "setting", names_of(setting_names)));
        s.share = f.number(row, "share", 0, 1);
        s.minutes_per_contact = f.number(row, "minutes_per_contact", 0.1, 100000, 1);
        s.tariff_eur = f.number(row, "tariff_eur", 0, 1e7);
        s.max_wait_weeks = f.count(row, "max_wait_weeks", 520);
        const auto t = f.choice(row, "escalates_to", targets);
        s.escalates_to = t < setting_count ? static_cast<std::uint8_t>(t) : escalate_to_unmet;
        if (p.step(*n, s.where))
            f.error(row, "setting",
                    fmt::format("('{}', '{}') appears twice (first on line {})", need,
                                name_of(s.where), line_of[*n][s.where]));
        else
            line_of[*n][s.where] = row.line;
        p.pathways[*n].push_back(s);
    }
    for (std::size_t n = 0; n < p.needs.size(); ++n)
        if (p.pathways[n].empty())
            f.error(fmt::format("need '{}' has no row; every need needs at least one setting",
                                p.needs[n].name));
    f.throw_if_errors();
    // Across rows: each need's shares add up to 1, and its escalation chains end (in unmet or a
    // row that does not escalate) without coming back. care::validate() checks the same for
    // parameters that do not come from a file.
    for (std::size_t n = 0; n < p.needs.size(); ++n) {
        const auto& name = p.needs[n].name;
        const auto& rows = p.pathways[n];
        double total = 0;
        std::vector<std::string> parts, served;
        for (const auto& row : rows) {
            total += row.share;
            parts.push_back(fmt::format("{} {} (line {})", name_of(row.where), row.share,
                                        line_of[n][row.where]));
            served.emplace_back(name_of(row.where));
        }
        if (std::abs(total - 1.0) > 1e-6)
            f.error(line_of[n][rows.front().where], "share",
                    fmt::format("the shares of need '{}' add up to {:.6g}: "
                                "{}; accepted: a sum of 1 (rows reached only by escalation have "
                                "share 0)",
                                name, total, fmt::join(parts, " + ")));
        for (const auto& row : rows) {
            if (row.escalates_to == escalate_to_unmet)
                continue;
            const auto target = static_cast<setting>(row.escalates_to);
            const auto line = line_of[n][row.where];
            if (target == row.where)
                f.error(line, "escalates_to",
                        fmt::format("need '{}' escalates from '{}' to "
                                    "itself; accepted: another setting of {} ({}) or unmet",
                                    name, name_of(row.where), name, fmt::join(served, ", ")));
            else if (!p.step(static_cast<std::uint32_t>(n), target))
                f.error(line, "escalates_to",
                        fmt::format("need '{}' escalates from '{}' to "
                                    "'{}', which has no row for '{}'; accepted: a setting with a "
                                    "row for {} ({}) or unmet",
                                    name, name_of(row.where), name_of(target), name, name,
                                    fmt::join(served, ", ")));
        }
    }
    f.throw_if_errors();
    for (std::size_t n = 0; n < p.needs.size(); ++n)
        for (const auto& start : p.pathways[n]) {
            // Follow the chain from this row; coming back to it closes a cycle, reported once
            // per need, from its row that comes first in the file.
            std::vector<std::string> hops;
            const pathway_step* at = &start;
            bool cycle = false;
            for (std::size_t k = 0;
                 at && at->escalates_to != escalate_to_unmet && !cycle && k <= setting_count; ++k) {
                hops.push_back(
                    fmt::format("{} (line {})", name_of(at->where), line_of[n][at->where]));
                at = p.step(static_cast<std::uint32_t>(n), static_cast<setting>(at->escalates_to));
                cycle = at == &start;
            }
            if (!cycle)
                continue;
            hops.emplace_back(name_of(start.where));
            f.error(line_of[n][start.where], "escalates_to",
                    fmt::format("the escalation chain of need '{}' is a cycle: {}; accepted: a "
                                "chain that ends in unmet (or a row that does not escalate)",
                                p.needs[n].name, fmt::join(hops, " -> ")));
            break;
        }
    f.throw_if_errors();
}

void read_capacity(const std::filesystem::path& dir, care_parameters& p) {
    auto f =
        csv_file::read(dir / "capacity.csv", {"setting", "minutes_per_fte_per_week"}, {"source"});
    std::array<bool, setting_count> seen{};
    for (const auto& row : f.rows()) {
        const auto s = f.choice(row, "setting", names_of(setting_names));
        if (seen[s])
            f.error(row, "setting", fmt::format("'{}' appears twice", setting_names[s]));
        seen[s] = true;
        p.minutes_per_fte_per_week[s] = f.number(row, "minutes_per_fte_per_week", 0, 10080);
    }
    for (std::size_t s = 0; s < setting_count; ++s)
        if (!seen[s])
            f.error(
                fmt::format("no row for setting '{}'; every setting needs one", setting_names[s]));
    f.throw_if_errors();
}

// propensity.csv is optional: without it every resident of an age band and condition set draws
// needs at the same rates.
void read_propensity(const std::filesystem::path& dir, care_parameters& p) {
    if (!std::filesystem::exists(dir / "propensity.csv"))
        return;
    auto f = csv_file::read(dir / "propensity.csv", {"parameter", "value"}, {"source"});
    bool seen = false;
    for (const auto& row : f.rows()) {
        const auto name = f.text(row, "parameter");
        if (name != "contact_propensity_shape") {
            f.error(
                row, "parameter",
                fmt::format("unknown parameter '{}'; accepted: contact_propensity_shape", name));
            continue;
        }
        if (seen)
            f.error(row, "parameter", "'contact_propensity_shape' appears twice");
        seen = true;
        p.propensity_shape = f.number(row, "value", 0, 100);
    }
    f.throw_if_errors();
}

void read_prevalence(const std::filesystem::path& dir, prevalence_table& t) {
    const auto cols = band_columns("per_1000_");
    auto f = csv_file::read(dir / "prevalence.csv", with({"condition"}, cols),
                            {"regional_multiplier", "cluster_loading", "source"});
    std::array<std::size_t, condition_count> seen{};
    for (const auto& row : f.rows()) {
        const auto c = f.choice(row, "condition", names_of(condition_names));
        if (seen[c])
            f.error(row, "condition",
                    fmt::format("'{}' already given on line {}", condition_names[c], seen[c]));
        seen[c] = row.line;
        const double multiplier =
            f.has("regional_multiplier") ? f.number(row, "regional_multiplier", 0, 10, 1) : 1.0;
        t.cluster_loading[c] =
            f.has("cluster_loading") ? f.number(row, "cluster_loading", 0, 0.95) : 0.0;
        for (std::size_t b = 0; b < age_band_count; ++b) {
            const double share = f.number(row, cols[b], 0, 1000) * multiplier / 1000.0;
            if (share > 1)
                f.error(row, cols[b], "times regional_multiplier exceeds 1000 per 1000");
            t.share[c][b] = share;
        }
    }
    f.throw_if_errors();
}

void read_demography(const std::filesystem::path& dir, demography_parameters& d) {
    const auto rates = band_columns("rate_");
    auto f = csv_file::read(dir / "demography.csv", with({"quantity", "sex"}, rates), {"source"});
    const std::vector<std::string> quantities = {"mortality", "fertility", "net_migration"};
    std::array<std::array<bool, sex_count>, 1> mortality_seen{};
    bool fertility_seen = false, migration_seen = false;
    for (const auto& row : f.rows()) {
        const auto q = f.choice(row, "quantity", quantities);
        const auto sex_text = f.text(row, "sex");
        if (q == 0) {
            const auto s = f.choice(row, "sex", names_of(sex_names));
            if (mortality_seen[0][s])
                f.error(row, "sex", fmt::format("mortality for sex '{}' appears twice", sex_text));
            mortality_seen[0][s] = true;
            for (std::size_t b = 0; b < age_band_count; ++b)
                d.mortality_per_1000[b][s] = f.number(row, rates[b], 0, 1000);
        } else if (q == 1) {
            if (sex_text != "F")
                f.error(row, "sex",
                        fmt::format("'{}': fertility is given for women; accepted: F", sex_text));
            if (fertility_seen)
                f.error(row, "quantity", "fertility appears twice");
            fertility_seen = true;
            for (std::size_t b = 0; b < age_band_count; ++b)
                d.fertility_per_1000[b] = f.number(row, rates[b], 0, 500);
        } else {
            if (sex_text != "all")
                f.error(row, "sex",
                        fmt::format("'{}': net migration is given for both sexes; accepted: all",
                                    sex_text));
            if (migration_seen)
                f.error(row, "quantity", "net_migration appears twice");
            migration_seen = true;
            for (std::size_t b = 0; b < age_band_count; ++b)
                d.net_migration_per_1000[b] = f.number(row, rates[b], -500, 500);
        }
    }
    for (std::size_t s = 0; s < sex_count; ++s)
        if (!mortality_seen[0][s])
            f.error(fmt::format("no mortality row for sex '{}'", sex_names[s]));
    if (!fertility_seen)
        f.error("no fertility row");
    if (!migration_seen)
        f.error("no net_migration row");
    f.throw_if_errors();
}

void read_projections(const std::filesystem::path& dir, std::vector<projection_variant>& out) {
    auto f = csv_file::read(dir / "projection.csv",
                            {"variant", "mortality_multiplier", "mortality_decline_per_year",
                             "fertility_multiplier", "migration_multiplier"},
                            {"source"});
    for (const auto& row : f.rows()) {
        projection_variant v;
        v.name = f.text(row, "variant");
        for (const auto& o : out)
            if (o.name == v.name)
                f.error(row, "variant", fmt::format("'{}' appears twice", v.name));
        if (v.name.empty() || v.name == "none")
            f.error(row, "variant",
                    "must be a non-empty name other than 'none' (which switches demography off)");
        v.mortality_multiplier = f.number(row, "mortality_multiplier", 0, 10);
        v.mortality_decline_per_year = f.number(row, "mortality_decline_per_year", -0.1, 0.1);
        v.fertility_multiplier = f.number(row, "fertility_multiplier", 0, 10);
        v.migration_multiplier = f.number(row, "migration_multiplier", 0, 10);
        out.push_back(v);
    }
    f.throw_if_errors();
}

} // namespace

std::optional<demography_parameters>
parameter_data::demography_for(const std::string& projection) const {
    auto d = demography;
    d.projection = projection;
    if (projection == "none") {
        d.enabled = false;
        return d;
    }
    for (const auto& v : projections)
        if (v.name == projection) {
            d.mortality_multiplier = v.mortality_multiplier;
            d.mortality_decline_per_year = v.mortality_decline_per_year;
            d.fertility_multiplier = v.fertility_multiplier;
            d.migration_multiplier = v.migration_multiplier;
            return d;
        }
    return std::nullopt;
}

std::vector<std::filesystem::path> parameter_files(const std::filesystem::path& dir) {
    std::vector<std::filesystem::path> files = {dir / "needs.csv",      dir / "pathways.csv",
                                                dir / "capacity.csv",   dir / "prevalence.csv",
                                                dir / "demography.csv", dir / "projection.csv"};
    for (const auto* optional : {"propensity.csv", "funding.csv"})
        if (std::filesystem::exists(dir / optional))
            files.push_back(dir / optional);
    return files;
}

parameter_data read_parameters(const std::filesystem::path& dir) {
    require_files(dir, parameter_files(dir), "parameter",
                  "needs.csv, pathways.csv, capacity.csv, prevalence.csv, demography.csv and "
                  "projection.csv (and optionally propensity.csv); see scenarios/README.md");
    parameter_data d;
    read_needs(dir, d.care);
    read_propensity(dir, d.care);
    read_pathways(dir, d.care);
    read_capacity(dir, d.care);
    read_prevalence(dir, d.prevalence);
    read_demography(dir, d.demography);
    d.demography.incidence_per_1000 = incidence_from_prevalence(d.prevalence);
    read_projections(dir, d.projections);
    return d;
}

} // namespace zorgsim::io
