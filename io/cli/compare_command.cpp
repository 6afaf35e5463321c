// `zorgsim compare A.h5 B.h5 ...`: regions or scenarios side by side on indicators per 1,000
// residents per year, crude and directly age-standardised to the Dutch population, so that an
// older region is not read as a heavier user of care just because it is older.
#include "engine/core/error.hpp"
#include "io/cli/commands.hpp"
#include "io/cli/standardise.hpp"
#include "io/hdf5/results_table.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <functional>
#include <optional>

namespace zorgsim::io {
namespace {

constexpr std::size_t bands = age_band_count;

// One results file's run points pooled over replicates, per variant: events and person-years by
// age band.
struct run_totals {
    std::string column; // "region: variant"
    band_values person_years{};
    std::vector<band_values> contacts, cost, wait, unmet; // [setting]
    std::vector<band_values> demand;                      // [need]
    std::vector<std::string> needs;
};

std::vector<double> as_doubles(const stored_values& v) {
    switch (v.type) {
    case stored_values::kind::int64:
        return {v.ints.begin(), v.ints.end()};
    case stored_values::kind::uint64:
        return {v.uints.begin(), v.uints.end()};
    case stored_values::kind::float64:
        return v.reals;
    case stored_values::kind::text:
        break;
    }
    return {};
}

// Sums a [variant, replicate, time, item, band] dataset over replicates and time, per item.
std::vector<band_values> sum_by_item(const results_table_reader& f, const std::string& name,
                                     std::uint64_t variant) {
    const auto shape = f.shape(name);
    const auto values = as_doubles(f.read(name));
    std::vector<band_values> out(shape[3], band_values{});
    const auto per_variant = shape[1] * shape[2] * shape[3] * shape[4];
    for (std::uint64_t i = 0; i < per_variant; ++i) {
        const auto item = (i / shape[4]) % shape[3];
        out[item][i % shape[4]] += values[variant * per_variant + i];
    }
    return out;
}

std::vector<run_totals> read_totals(const std::filesystem::path& file) {
    const results_table_reader f(file);
    for (const auto* name :
         {"contacts_by_age_band", "demand_by_age_band", "population", "population_initial",
          "cost_by_age_band_eur", "wait_weeks_sum_by_age_band", "unmet_by_age_band"})
        if (!f.has_dataset(name))
            throw input_error(fmt::format(
                "{}: has no dataset '{}'; compare needs results written by zorgsim 0.5 or later "
                "(run the scenario again)",
                file.string(), name));
    const auto region = f.string_attribute("/", "region");
    const auto variants = f.read("variant").texts;
    const auto needs = f.read("need").texts;
    const auto initial = as_doubles(f.read("population_initial")); // [band, sex]
    const auto pop_shape = f.shape("population"); // [variant, replicate, year, band, sex]
    const auto population = as_doubles(f.read("population"));
    std::vector<run_totals> out;
    for (std::uint64_t v = 0; v < variants.size(); ++v) {
        run_totals t;
        t.column =
            fmt::format("{}: {}", region.empty() ? file.stem().string() : region, variants[v]);
        t.needs = needs;
        // Person-years: each simulated year counts the mean of its start and end population.
        const auto replicates = pop_shape[1], years = pop_shape[2], sexes = pop_shape[4];
        for (std::uint64_t r = 0; r < replicates; ++r)
            for (std::uint64_t y = 0; y < years; ++y)
                for (std::size_t b = 0; b < bands; ++b)
                    for (std::uint64_t x = 0; x < sexes; ++x) {
                        const auto at = [&](std::uint64_t year) {
                            return ((((v * replicates + r) * years + year) * bands + b) * sexes +
                                    x);
                        };
                        const double end = population[at(y)];
                        const double start =
                            y == 0 ? initial[b * sexes + x] : population[at(y - 1)];
                        t.person_years[b] += (start + end) / 2;
                    }
        t.contacts = sum_by_item(f, "contacts_by_age_band", v);
        t.cost = sum_by_item(f, "cost_by_age_band_eur", v);
        t.wait = sum_by_item(f, "wait_weeks_sum_by_age_band", v);
        t.unmet = sum_by_item(f, "unmet_by_age_band", v);
        t.demand = sum_by_item(f, "demand_by_age_band", v);
        out.push_back(std::move(t));
    }
    return out;
}

band_values add(std::initializer_list<band_values> parts) {
    band_values sum{};
    for (const auto& p : parts)
        for (std::size_t b = 0; b < bands; ++b)
            sum[b] += p[b];
    return sum;
}

band_values all_settings(const std::vector<band_values>& by_setting) {
    band_values sum{};
    for (const auto& p : by_setting)
        for (std::size_t b = 0; b < bands; ++b)
            sum[b] += p[b];
    return sum;
}

struct indicator {
    std::string name;
    std::string unit;
    double per = 1000;
    // Events by band and the denominator by band (person-years unless stated).
    std::function<std::optional<band_values>(const run_totals&)> events;
    std::function<band_values(const run_totals&)> denominator = {};
};

band_values of(const run_totals& t, setting s) {
    return t.contacts[static_cast<std::size_t>(s)];
}

std::vector<indicator> indicators() {
    using s = setting;
    return {
        {"GP practice contacts (gp, poh_s, poh_ggz)", "per 1,000 per year", 1000,
         [](const run_totals& t) {
             return std::optional{add({of(t, s::gp), of(t, s::poh_s), of(t, s::poh_ggz)})};
         }},
        {"out-of-hours GP contacts", "per 1,000 per year", 1000,
         [](const run_totals& t) { return std::optional{of(t, s::out_of_hours_gp)}; }},
        {"referrals to a specialist (specialist_referral needs)", "per 1,000 per year", 1000,
         [](const run_totals& t) -> std::optional<band_values> {
             const auto it = std::find(t.needs.begin(), t.needs.end(), "specialist_referral");
             if (it == t.needs.end())
                 return std::nullopt;
             return t.demand[static_cast<std::size_t>(it - t.needs.begin())];
         }},
        {"outpatient contacts", "per 1,000 per year", 1000,
         [](const run_totals& t) { return std::optional{of(t, s::hospital_outpatient)}; }},
        {"emergency department visits", "per 1,000 per year", 1000,
         [](const run_totals& t) { return std::optional{of(t, s::emergency_department)}; }},
        {"hospital admissions", "per 1,000 per year", 1000,
         [](const run_totals& t) { return std::optional{of(t, s::hospital_admission)}; }},
        {"spend on contacts (tariffs)", "EUR per resident per year", 1,
         [](const run_totals& t) { return std::optional{all_settings(t.cost)}; }},
        {"unmet needs", "per 1,000 per year", 1000,
         [](const run_totals& t) { return std::optional{all_settings(t.unmet)}; }},
        {"mean wait of contacts served", "weeks per contact", 1,
         [](const run_totals& t) { return std::optional{all_settings(t.wait)}; },
         [](const run_totals& t) { return all_settings(t.contacts); }},
    };
}

} // namespace

int compare_command(const std::vector<std::filesystem::path>& files,
                    const std::filesystem::path& standard_file, const std::filesystem::path& csv) {
    const auto standard = read_standard_population(standard_file);
    std::vector<run_totals> columns;
    for (const auto& f : files)
        for (auto& t : read_totals(f))
            columns.push_back(std::move(t));

    std::string table = fmt::format(
        "Crude and directly age-standardised rates (standard population: {}; bands {})\n\n",
        standard_file.string(), joined(age_band_names));
    std::string rows = "column,indicator,unit,crude,standardised\n";
    std::size_t name_width = 9;
    for (const auto& ind : indicators())
        name_width = std::max(name_width, ind.name.size() + ind.unit.size() + 3);
    table += fmt::format("{:<{}}", "indicator", name_width);
    for (const auto& c : columns)
        table += fmt::format(" | {:>31}", c.column.substr(0, 31));
    table += fmt::format("\n{:<{}}", "", name_width);
    for (std::size_t k = 0; k < columns.size(); ++k)
        table += fmt::format(" | {:>14} {:>16}", "crude", "standardised");
    table += '\n';
    for (const auto& ind : indicators()) {
        table += fmt::format("{:<{}}", ind.name + " (" + ind.unit + ")", name_width);
        for (const auto& c : columns) {
            const auto events = ind.events(c);
            if (!events) {
                table += fmt::format(" | {:>31}", "not in this file");
                continue;
            }
            const auto denominator = ind.denominator ? ind.denominator(c) : c.person_years;
            const auto rate = standardise(*events, denominator, standard, ind.per);
            table += fmt::format(" | {:>14.2f} {:>16.2f}", rate.crude, rate.standardised);
            rows += fmt::format("\"{}\",\"{}\",\"{}\",{},{}\n", c.column, ind.name, ind.unit,
                                rate.crude, rate.standardised);
        }
        table += '\n';
    }
    std::fputs(table.c_str(), stdout);
    if (!csv.empty()) {
        auto partial = csv;
        partial += ".partial";
        {
            std::ofstream out(partial, std::ios::binary);
            out << rows;
            if (!out.flush())
                throw output_error(fmt::format("{}: cannot write", csv.string()));
        }
        std::filesystem::rename(partial, csv);
        spdlog::info("wrote {}", csv.string());
    }
    return exit_code::ok;
}

} // namespace zorgsim::io
