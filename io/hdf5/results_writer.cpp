#include "io/hdf5/results_writer.hpp"

#include "engine/core/calendar.hpp"
#include "engine/core/error.hpp"
#include "engine/sim/model.hpp"
#include "engine/sim/unit_assignment.hpp"
#include "io/hdf5/handle.hpp"
#include "io/hdf5/network_group.hpp"
#include "io/hdf5/results_table.hpp"
#include "io/mpi/processes.hpp"

#include <hdf5_hl.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <ctime>
#include <fmt/format.h>
#include <map>
#include <set>

#ifndef ZORGSIM_VERSION
#define ZORGSIM_VERSION "unknown"
#endif
#ifndef ZORGSIM_GIT_REVISION
#define ZORGSIM_GIT_REVISION "unknown"
#endif

namespace zorgsim::io {
namespace {

enum class layout {
    nb,
    nb_setting,
    nb_need,
    provider,
    line,
    setting_band,
    need_band,
    year,
    year_band,
    year_band_sex,
    year_condition
};

bool yearly(layout l) {
    return l == layout::year || l == layout::year_band || l == layout::year_band_sex ||
           l == layout::year_condition;
}

struct variable_def {
    const char* name;
    layout shape;
    bool real; // float64, else uint32
    const char* units;
    const char* long_name;
};

// One row per dataset; the order is the order in the file.
constexpr std::array<variable_def, 38> variables = {{
    {"residents", layout::nb, false, "persons", "residents living in the neighbourhood"},
    {"demand", layout::nb_setting, false, "contacts",
     "new care needs arising, by the setting they were first routed to"},
    {"demand_by_need", layout::nb_need, false, "contacts", "new care needs arising, by need"},
    {"contacts", layout::nb_setting, false, "contacts", "contacts served"},
    {"escalated", layout::nb_setting, false, "contacts",
     "needs that waited longer than allowed in this setting and moved on to the next"},
    {"unmet", layout::nb_setting, false, "contacts", "needs given up in this setting (unmet need)"},
    {"cost_eur", layout::nb_setting, true, "EUR", "cost of contacts served (tariff x contacts)"},
    {"wait_weeks_sum", layout::nb_setting, false, "weeks",
     "weeks waited summed over contacts served (0 = served in the week it arose); "
     "divide by contacts for the mean wait"},
    {"backlog", layout::provider, false, "contacts",
     "needs waiting at the provider at the end of the step"},
    {"provider_contacts", layout::provider, false, "contacts", "contacts served by the provider"},
    {"minutes_used", layout::provider, true, "min", "staff minutes used for contacts"},
    {"capacity_min", layout::provider, true, "min",
     "staff minutes available (all pools of the provider)"},
    {"utilisation", layout::provider, true, "1",
     "minutes_used / capacity_min (0 where no capacity)"},
    {"unmet_by_need", layout::nb_need, false, "contacts",
     "needs given up (unmet need), by need, wherever they were given up"},
    {"provider_arrivals", layout::provider, false, "contacts",
     "needs joining the provider's queues (new or escalated in)"},
    {"provider_left_unserved", layout::provider, false, "contacts",
     "needs leaving the provider's queues unserved (escalated on or unmet)"},
    {"provider_wait_weeks_sum", layout::provider, false, "weeks",
     "weeks waited by the contacts served from the provider's queues; divide by "
     "provider_contacts for the mean wait"},
    {"provider_queue_weeks_sum", layout::provider, false, "weeks",
     "weeks spent in the provider's queues by every need that left them, served or not "
     "(Little's law: mean backlog = arrivals per week x this / needs leaving)"},
    {"listed", layout::provider, false, "persons",
     "residents listed at the GP practice (0 for other providers)"},
    {"gp_contacts", layout::provider, false, "contacts", "contacts served by the practice's GPs"},
    {"gp_fte", layout::provider, true, "FTE",
     "GP FTE of the practice this step, after capacity, workforce and closure levers"},
    {"listed_per_gp_fte", layout::provider, true, "persons FTE-1",
     "listed residents per GP FTE, against the norm practice of 2,095 (attribute norm)"},
    {"gp_contacts_per_gp_fte_year", layout::provider, true, "contacts FTE-1 year-1",
     "GP contacts per GP FTE, at this step's rate per year, against about 9,500 (attribute norm)"},
    {"spend_eur", layout::line, true, "EUR",
     "spend by funding line: first-line contacts (GP practice, pharmacy, physiotherapy, "
     "district nursing, welfare; tariffs), first-line fixed payments (capitation, MTVP and O&I "
     "per registered resident, funding.csv), out-of-hours GP contacts, second-line contacts"},
    {"demand_by_age_band", layout::need_band, false, "contacts",
     "new care needs arising in the region, by need and age band (for age standardisation)"},
    {"contacts_by_age_band", layout::setting_band, false, "contacts",
     "contacts served in the region, by setting and age band"},
    {"cost_by_age_band_eur", layout::setting_band, true, "EUR",
     "cost of contacts served in the region, by setting and age band"},
    {"wait_weeks_sum_by_age_band", layout::setting_band, false, "weeks",
     "weeks waited summed over contacts served in the region, by setting and age band"},
    {"unmet_by_age_band", layout::setting_band, false, "contacts",
     "needs given up in the region, by setting and age band"},
    {"population", layout::year_band_sex, false, "persons",
     "residents at the end of the simulated year (constant without demography)"},
    {"residents_in_year", layout::year_band, false, "persons",
     "residents during the simulated year (before its demographic changes)"},
    {"residents_with_practice_need", layout::year_band, false, "persons",
     "residents with at least one need routed to their GP practice (gp, poh_s, poh_ggz) "
     "during the year"},
    {"residents_with_hospital_need", layout::year_band, false, "persons",
     "residents with at least one need routed to the hospital (outpatient, emergency "
     "department, admission) during the year"},
    {"deaths", layout::year, false, "persons", "deaths during the simulated year"},
    {"births", layout::year, false, "persons", "births during the simulated year"},
    {"immigrants", layout::year, false, "persons", "residents arriving during the simulated year"},
    {"emigrants", layout::year, false, "persons", "residents leaving during the simulated year"},
    {"new_cases", layout::year_condition, false, "persons",
     "residents newly diagnosed with the condition during the simulated year"},
}};

// Funding lines of spend_eur, and the line each setting's tariffs are paid from.
constexpr std::array<std::string_view, 4> funding_lines = {"first_line", "first_line_fixed",
                                                           "out_of_hours", "second_line"};
constexpr std::size_t first_line_fixed = 1;
std::size_t funding_line_of(setting s) {
    if (s == setting::out_of_hours_gp)
        return 2;
    return line_of(provider_type_of(s)) == care_line::first ? 0 : 3;
}

// Norms a planner reads provider workload against (DOMAIN 2.1 and 8.6).
constexpr double norm_listed_per_gp_fte = 2095;
constexpr double norm_gp_contacts_per_fte_year = 9500;

// The input_files attribute: "sha256  path" per line, as sha256sum prints it.
std::string input_files_text(const results_metadata& meta) {
    std::string out;
    for (std::size_t k = 0; k < meta.input_files.size(); ++k)
        out += fmt::format("{}{}  {}", out.empty() ? "" : "\n",
                           k < meta.input_sha256.size() ? meta.input_sha256[k] : "",
                           meta.input_files[k]);
    return out;
}

std::size_t variable_index(std::string_view name) {
    for (std::size_t i = 0; i < variables.size(); ++i)
        if (name == variables[i].name)
            return i;
    throw std::logic_error(std::string(name));
}

constexpr const char* neighbourhood_coordinates =
    "neighbourhood_code neighbourhood_municipality neighbourhood_wsv neighbourhood_lon "
    "neighbourhood_lat";
constexpr const char* provider_coordinates =
    "provider_code provider_kind provider_line provider_wsv provider_lon provider_lat";

std::vector<std::string> dims_of(layout l) {
    switch (l) {
    case layout::nb:
        return {"variant", "replicate", "time", "neighbourhood"};
    case layout::nb_setting:
        return {"variant", "replicate", "time", "neighbourhood", "setting"};
    case layout::nb_need:
        return {"variant", "replicate", "time", "neighbourhood", "need"};
    case layout::provider:
        return {"variant", "replicate", "time", "provider"};
    case layout::line:
        return {"variant", "replicate", "time", "funding_line"};
    case layout::setting_band:
        return {"variant", "replicate", "time", "setting", "age_band"};
    case layout::need_band:
        return {"variant", "replicate", "time", "need", "age_band"};
    case layout::year:
        return {"variant", "replicate", "year"};
    case layout::year_band:
        return {"variant", "replicate", "year", "age_band"};
    case layout::year_band_sex:
        return {"variant", "replicate", "year", "age_band", "sex"};
    case layout::year_condition:
        return {"variant", "replicate", "year", "condition"};
    }
    return {};
}

// Names used as coordinate labels must be unique for .sel() to work; repeats get their code added.
std::vector<std::string> unique_labels(const std::vector<std::string>& names,
                                       const std::vector<std::string>& codes) {
    std::map<std::string, int> seen;
    for (const auto& n : names)
        ++seen[n];
    std::vector<std::string> out;
    for (std::size_t i = 0; i < names.size(); ++i)
        out.push_back(names[i].empty() || seen[names[i]] > 1
                          ? fmt::format("{} ({})", names[i], codes[i])
                          : names[i]);
    return out;
}

} // namespace

std::vector<variable_info> results_variables() {
    std::vector<variable_info> out;
    for (const auto& v : variables)
        out.push_back(
            {v.name, dims_of(v.shape), v.real ? "float64" : "uint32", v.units, v.long_name});
    return out;
}

struct results_writer::state {
    h5::handle file;
    std::map<std::string, h5::handle> scales;
    std::vector<h5::handle> datasets; // parallel to `variables`
    std::vector<std::vector<std::uint32_t>> ints;
    std::vector<std::vector<double>> reals;
    std::size_t steps = 0, years = 0, nbs = 0, providers = 0, needs = 0;
    double gp_min_per_fte = 0, steps_per_year = 0;
    persons_by_band_sex initial_population{};
    std::size_t recorded = 0;
    run_point point;
    std::size_t variants = 0, replicates = 0;
    std::vector<std::uint8_t> unit_complete; // [variant x replicate], mirrors the dataset
    std::size_t written = 0;                 // units written in this session
    h5::handle unit_complete_ds;

    std::size_t width(layout l) const {
        switch (l) {
        case layout::nb:
            return nbs;
        case layout::nb_setting:
            return nbs * setting_count;
        case layout::nb_need:
            return nbs * needs;
        case layout::provider:
            return providers;
        case layout::line:
            return funding_lines.size();
        case layout::setting_band:
            return setting_count * age_band_count;
        case layout::need_band:
            return needs * age_band_count;
        case layout::year:
            return 1;
        case layout::year_band:
            return age_band_count;
        case layout::year_band_sex:
            return age_band_count * sex_count;
        case layout::year_condition:
            return condition_count;
        }
        return 0;
    }

    std::size_t length(layout l) const { return yearly(l) ? years : steps; }

    // Weekly variables go to the file a block of steps (about a year) at a time, so the writer
    // holds one block of a unit, not its whole period (1.4 GB for the national run). A block is
    // also the time extent of a chunk: a block is written once, whole, even when compressed.
    std::size_t block = 1;
    std::size_t block_start = 0; // first step held in the buffers
    std::size_t held(layout l) const { return yearly(l) ? years : block; }
    std::size_t blocks() const { return steps == 0 ? 0 : (steps + block - 1) / block; }

    // Over several processes: which rank runs each unit (-1: already complete), how many
    // collective writes every rank joins, and how many it has joined.
    bool parallel = false;
    std::vector<int> owner;
    // The units of every rank, in plan order: the order they are written.
    std::vector<std::vector<std::size_t>> units_of_rank;
    std::size_t rounds = 0, rounds_done = 0;
    std::size_t kept = 0; // units complete when the run began (kept from an interrupted run)
    h5::handle transfer;  // data transfer list: collective MPI-IO over several processes

    // Every object, then the file (HDF5 keeps a file open while any of its objects is).
    void close() {
        datasets.clear();
        scales.clear();
        unit_complete_ds.reset();
        file.reset();
    }

    void attach(hid_t ds, const std::vector<std::string>& dims) {
        for (unsigned axis = 0; axis < dims.size(); ++axis)
            h5::check(H5DSattach_scale(ds, scales.at(dims[axis]), axis),
                      fmt::format("attach dimension '{}'", dims[axis]));
    }

    void scale(const std::string& name, h5::handle ds, const std::string& long_name) {
        h5::check(H5DSset_scale(ds, name.c_str()),
                  fmt::format("make '{}' a dimension scale", name));
        h5::attribute(ds, "long_name", long_name);
        scales.emplace(name, std::move(ds));
    }

    // A coordinate variable along one dimension (names, codes, positions).
    template <typename T>
    void coordinate(const std::string& name, const std::string& dim, const std::vector<T>& values,
                    const std::string& units, const std::string& long_name) {
        h5::handle ds;
        if constexpr (std::is_same_v<T, std::string>) {
            ds = h5::string_dataset(file, name, values);
        } else {
            const hsize_t n = values.size();
            ds = h5::numeric_dataset<T>(file, name, std::span<const hsize_t>(&n, 1),
                                        std::span<const T>(values));
        }
        if (!units.empty())
            h5::attribute(ds, "units", units);
        h5::attribute(ds, "long_name", long_name);
        attach(ds, {dim});
    }
};

results_writer::results_writer(std::filesystem::path out, results_metadata meta)
    : out_(std::move(out)), meta_(std::move(meta)) {
    partial_ = out_;
    partial_ += ".partial";
}

results_writer::~results_writer() {
    if (!committed_) {
        s_.reset(); // close the file before removing it
        if (keep_partial_)
            return;
        std::error_code ec;
        std::filesystem::remove(partial_, ec);
    }
}

void results_writer::begin(const model& m, const run_plan& plan) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); // errors become output_error, not stderr noise
    if (out_.has_parent_path()) {
        std::error_code ec;
        std::filesystem::create_directories(out_.parent_path(), ec);
        if (ec)
            throw output_error(fmt::format("{}: cannot create the directory: {}",
                                           out_.parent_path().string(), ec.message()));
    }
    s_ = std::make_unique<state>();
    auto& s = *s_;
    s.steps = m.time().step_count();
    s.years = static_cast<std::size_t>(m.time().years);
    for (std::size_t i = 0; i < m.residents().size(); ++i)
        ++s.initial_population[m.residents().age_band[i]]
                              [static_cast<std::size_t>(m.residents().sex_of[i])];
    s.nbs = m.neighbourhood_count();
    s.providers = m.providers().size();
    s.needs = m.care().needs.size();
    s.gp_min_per_fte = m.care().minutes_per_fte_per_week[static_cast<std::size_t>(setting::gp)] *
                       m.time().step_days / 7.0;
    s.steps_per_year = days_per_year / m.time().step_days;
    s.block = std::clamp<std::size_t>(static_cast<std::size_t>(std::lround(s.steps_per_year)), 1,
                                      std::max<std::size_t>(s.steps, 1));
    s.variants = plan.variants.size();
    s.replicates = plan.replicates;
    s.unit_complete.assign(s.variants * s.replicates, 0);
    s.parallel = mpi::ranks() > 1;
    if (mpi::rank() != 0)
        keep_partial_ = true; // only rank 0 removes or renames the file
    // Rank 0 decides whether to resume, so every rank takes the same branch even when rank 0
    // has just created the file.
    const bool resume =
        meta_.resume &&
        mpi::broadcast(std::filesystem::exists(partial_) ? "resume" : "new") == "resume";
    if (resume) {
        keep_partial_ = true; // a file this run did not create is never removed
        reopen(plan);
    } else {
        // Over several processes rank 0 lays the file out alone (variable-length strings cannot
        // go through MPI-IO), then every rank opens it for the units' data.
        std::exception_ptr failed;
        if (mpi::rank() == 0) {
            try {
                create(m, plan);
            } catch (...) {
                failed = std::current_exception();
            }
        }
        mpi::agree(failed);
        if (s.parallel) {
            s.close(); // rank 0's objects of the layout, or HDF5 would reuse its serial file
            open_shared();
        }
    }
    s.kept = units_complete();
    // Which rank runs which unit, and so how many collective writes (rounds) every rank joins.
    s.owner = assign_units(s.unit_complete, mpi::ranks());
    s.units_of_rank.assign(static_cast<std::size_t>(mpi::ranks()), {});
    for (std::size_t u = 0; u < s.owner.size(); ++u)
        if (s.owner[u] >= 0)
            s.units_of_rank[static_cast<std::size_t>(s.owner[u])].push_back(u);
    for (const auto& units : s.units_of_rank)
        s.rounds = std::max(s.rounds, units.size());
    s.transfer = h5::transfer_list(s.parallel);
}

// The whole layout of a new file: attributes, dimension scales, coordinates and the (empty)
// variables; the units' data follow one by one.
void results_writer::create(const model& m, const run_plan& plan) {
    auto& s = *s_;
    s.file = h5::create_file(partial_.string());

    const hid_t root = s.file;
    h5::attribute(root, "Conventions", std::string("CF-1.8"));
    h5::attribute(root, "title", meta_.title);
    h5::attribute(root, "institution", std::string("zorgsim"));
    h5::attribute(root, "source",
                  fmt::format("zorgsim {} ({})", ZORGSIM_VERSION, ZORGSIM_GIT_REVISION));
    h5::attribute(root, "history", fmt::format("{} {}", meta_.started_utc, meta_.command_line));
    h5::attribute(root, "zorgsim_version", std::string(ZORGSIM_VERSION));
    h5::attribute(root, "git_revision", std::string(ZORGSIM_GIT_REVISION));
    h5::attribute(root, "scenario_file", meta_.scenario_file);
    h5::attribute(root, "scenario", meta_.scenario_text);
    h5::attribute(root, "region", meta_.region);
    h5::attribute(root, "seed", static_cast<std::int64_t>(meta_.seed));
    h5::attribute(root, "threads", static_cast<std::int64_t>(meta_.threads));
    h5::attribute(root, "mpi_ranks", static_cast<std::int64_t>(mpi::ranks()));
    h5::attribute(root, "replicates", static_cast<std::int64_t>(plan.replicates));
    h5::attribute(root, "start_date", iso(m.time().start));
    h5::attribute(root, "step_days", static_cast<std::int64_t>(m.time().step_days));
    h5::attribute(root, "input_files", input_files_text(meta_));
    h5::attribute(root, "scenario_resolved", meta_.scenario_resolved);
    h5::attribute(root, "run_started", meta_.started_utc);

    // Dimension scales, each named exactly as its dimension.
    std::vector<std::string> variant_labels;
    for (const auto& v : plan.variants)
        variant_labels.push_back(v.label);
    s.scale("variant", h5::string_dataset(root, "variant", variant_labels), "scenario variant");
    std::vector<std::int32_t> replicates(plan.replicates);
    for (std::uint32_t r = 0; r < plan.replicates; ++r)
        replicates[r] = static_cast<std::int32_t>(r);
    const hsize_t nr = replicates.size();
    s.scale("replicate",
            h5::numeric_dataset<std::int32_t>(root, "replicate", std::span<const hsize_t>(&nr, 1),
                                              std::span<const std::int32_t>(replicates)),
            "Monte Carlo replicate");
    std::vector<double> days(s.steps);
    for (std::size_t k = 0; k < s.steps; ++k)
        days[k] = static_cast<double>(k) * m.time().step_days;
    const hsize_t nt = days.size();
    auto time = h5::numeric_dataset<double>(root, "time", std::span<const hsize_t>(&nt, 1),
                                            std::span<const double>(days));
    h5::attribute(time, "units", fmt::format("days since {}", iso(m.time().start)));
    h5::attribute(time, "calendar", std::string("proleptic_gregorian"));
    h5::attribute(time, "axis", std::string("T"));
    s.scale("time", std::move(time), "start of the simulated step");
    const auto& nb = m.area().neighbourhoods;
    s.scale("neighbourhood",
            h5::string_dataset(root, "neighbourhood", unique_labels(nb.name, nb.code)),
            "neighbourhood (wijk)");
    std::vector<std::string> settings(setting_names.begin(), setting_names.end());
    s.scale("setting", h5::string_dataset(root, "setting", settings),
            "setting where care is given");
    const auto& pr = m.providers();
    s.scale("provider", h5::string_dataset(root, "provider", unique_labels(pr.name, pr.code)),
            "care provider");
    std::vector<std::string> needs;
    for (const auto& n : m.care().needs)
        needs.push_back(n.name);
    s.scale("need", h5::string_dataset(root, "need", needs), "care need");
    s.scale("funding_line",
            h5::string_dataset(root, "funding_line", {funding_lines.begin(), funding_lines.end()}),
            "funding line the tariffs are paid from");
    std::vector<std::int32_t> years(s.years);
    for (std::size_t y = 0; y < s.years; ++y)
        years[y] = m.time().start.year + static_cast<std::int32_t>(y);
    const hsize_t ny = years.size();
    auto year = h5::numeric_dataset<std::int32_t>(root, "year", std::span<const hsize_t>(&ny, 1),
                                                  std::span<const std::int32_t>(years));
    h5::attribute(year, "units", std::string("year"));
    s.scale("year", std::move(year),
            "simulated year (the calendar year in which it starts; yearly values are at its end)");
    s.scale("age_band",
            h5::string_dataset(root, "age_band", {age_band_names.begin(), age_band_names.end()}),
            "age band (years)");
    s.scale("sex", h5::string_dataset(root, "sex", {sex_names.begin(), sex_names.end()}),
            "sex (F, M)");
    s.scale("condition",
            h5::string_dataset(root, "condition", {condition_names.begin(), condition_names.end()}),
            "chronic condition");
    std::vector<std::uint32_t> initial;
    for (const auto& band : s.initial_population)
        initial.insert(initial.end(), band.begin(), band.end());
    const std::array<hsize_t, 2> band_sex = {age_band_count, sex_count};
    auto initial_ds = h5::numeric_dataset<std::uint32_t>(root, "population_initial", band_sex,
                                                         std::span<const std::uint32_t>(initial));
    h5::attribute(initial_ds, "units", std::string("persons"));
    h5::attribute(initial_ds, "long_name", std::string("residents at the start of the run"));
    s.attach(initial_ds, {"age_band", "sex"});

    // Coordinate variables.
    std::vector<std::string> municipality, wsv;
    for (std::size_t h = 0; h < nb.size(); ++h) {
        municipality.push_back(m.area().municipalities[nb.municipality[h]].name);
        wsv.push_back(m.area().wsv_names[nb.wsv[h]]);
    }
    s.coordinate("neighbourhood_code", "neighbourhood", nb.code, "",
                 "CBS-style neighbourhood code");
    s.coordinate("neighbourhood_municipality", "neighbourhood", municipality, "", "municipality");
    s.coordinate("neighbourhood_wsv", "neighbourhood", wsv, "",
                 "neighbourhood collaboration area (WSV)");
    s.coordinate("neighbourhood_lon", "neighbourhood", nb.lon_deg, "degrees_east",
                 "centroid longitude");
    s.coordinate("neighbourhood_lat", "neighbourhood", nb.lat_deg, "degrees_north",
                 "centroid latitude");
    std::vector<std::string> ptype, pwsv, pline;
    for (std::size_t q = 0; q < pr.size(); ++q) {
        ptype.emplace_back(name_of(pr.type[q]));
        pwsv.push_back(
            pr.wsv[q] == no_wsv ? "" : m.area().wsv_names[static_cast<std::size_t>(pr.wsv[q])]);
        pline.emplace_back(line_of(pr.type[q]) == care_line::first ? "first" : "second");
    }
    s.coordinate("provider_code", "provider", pr.code, "", "provider code");
    // provider_kind, not provider_type: that name is the dimension of network/access_min.
    s.coordinate("provider_kind", "provider", ptype, "", "provider type");
    s.coordinate("provider_line", "provider", pline, "", "care line (first or second)");
    s.coordinate("provider_wsv", "provider", pwsv, "",
                 "neighbourhood collaboration area (WSV), empty if none");
    s.coordinate("provider_lon", "provider", pr.lon_deg, "degrees_east", "provider longitude");
    s.coordinate("provider_lat", "provider", pr.lat_deg, "degrees_north", "provider latitude");

    // The variables.
    for (const auto& v : variables) {
        const auto dims = dims_of(v.shape);
        std::vector<hsize_t> shape = {plan.variants.size(), plan.replicates, s.length(v.shape)};
        std::vector<hsize_t> chunk = {1, 1, 1};
        const auto tail =
            v.shape == layout::nb_setting      ? std::vector<hsize_t>{s.nbs, setting_count}
            : v.shape == layout::nb_need       ? std::vector<hsize_t>{s.nbs, s.needs}
            : v.shape == layout::nb            ? std::vector<hsize_t>{s.nbs}
            : v.shape == layout::provider      ? std::vector<hsize_t>{s.providers}
            : v.shape == layout::line          ? std::vector<hsize_t>{funding_lines.size()}
            : v.shape == layout::setting_band  ? std::vector<hsize_t>{setting_count, age_band_count}
            : v.shape == layout::need_band     ? std::vector<hsize_t>{s.needs, age_band_count}
            : v.shape == layout::year_band     ? std::vector<hsize_t>{age_band_count}
            : v.shape == layout::year_band_sex ? std::vector<hsize_t>{age_band_count, sex_count}
            : v.shape == layout::year_condition ? std::vector<hsize_t>{condition_count}
                                                : std::vector<hsize_t>{};
        shape.insert(shape.end(), tail.begin(), tail.end());
        // A chunk holds one run point's block of steps (a year) for a few neighbourhoods (or
        // providers): the typical read, one area over all time, touches one chunk per year.
        // About 256 KiB at most.
        chunk[2] = std::max<hsize_t>(1, yearly(v.shape) ? shape[2] : s.block);
        chunk.insert(chunk.end(), tail.begin(), tail.end());
        if (!tail.empty()) {
            hsize_t rest = 1;
            for (std::size_t k = 1; k < tail.size(); ++k)
                rest *= std::max<hsize_t>(tail[k], 1);
            const hsize_t per_row = chunk[2] * rest * (v.real ? 8 : 4);
            chunk[3] = std::clamp<hsize_t>(256 * 1024 / std::max<hsize_t>(per_row, 1), 1,
                                           std::max<hsize_t>(tail[0], 1));
        }
        for (auto& c : chunk)
            c = std::max<hsize_t>(c, 1);
        h5::handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "create a dataset property list");
        if (s.steps > 0) {
            h5::check(H5Pset_chunk(dcpl, static_cast<int>(chunk.size()), chunk.data()),
                      "set chunking");
            if (meta_.compression > 0) {
                h5::check(H5Pset_shuffle(dcpl), "set the shuffle filter");
                h5::check(H5Pset_deflate(dcpl, static_cast<unsigned>(meta_.compression)),
                          "set gzip");
            }
        }
        const auto space = h5::dataspace(shape);
        const hid_t type = v.real ? H5T_NATIVE_DOUBLE : H5T_NATIVE_UINT32;
        h5::handle ds(H5Dcreate2(root, v.name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
                      H5Dclose, fmt::format("create dataset '{}'", v.name));
        h5::attribute(ds, "units", std::string(v.units));
        h5::attribute(ds, "long_name", std::string(v.long_name));
        // CF auxiliary coordinates: readers show codes, municipality, WSV and positions alongside.
        if (v.shape == layout::provider)
            h5::attribute(ds, "coordinates", std::string(provider_coordinates));
        else if (v.shape == layout::nb || v.shape == layout::nb_setting ||
                 v.shape == layout::nb_need)
            h5::attribute(ds, "coordinates", std::string(neighbourhood_coordinates));
        if (v.name == std::string_view("listed_per_gp_fte"))
            h5::attribute(ds, "norm", norm_listed_per_gp_fte);
        if (v.name == std::string_view("gp_contacts_per_gp_fte_year"))
            h5::attribute(ds, "norm", norm_gp_contacts_per_fte_year);
        s.attach(ds, dims);
        s.datasets.push_back(std::move(ds));
    }
    s.ints.resize(variables.size());
    s.reals.resize(variables.size());
    write_network_group(root, m);
    const std::array<hsize_t, 2> units = {s.variants, s.replicates};
    s.unit_complete_ds = h5::numeric_dataset<std::uint8_t>(
        root, "unit_complete", units, std::span<const std::uint8_t>(s.unit_complete));
    h5::attribute(s.unit_complete_ds, "long_name",
                  std::string("1 when the run point (variant, replicate) is complete in this file "
                              "(zorgsim run --resume continues the others)"));
    s.attach(s.unit_complete_ds, {"variant", "replicate"});
    h5::check(H5Fflush(s.file, H5F_SCOPE_LOCAL), "flush the results file");
}

// An interrupted run's OUT.h5.partial continues only if it was written by the same scenario (as
// resolved), seed, inputs and build; anything else would mix two runs in one file.
void results_writer::check_resumable(const run_plan& plan) const {
    const auto partial = partial_.string();
    const results_table_reader before(partial_);
    const auto differs = [&](const char* name, const std::string& now) {
        return before.string_attribute("/", name) != now;
    };
    std::string why;
    if (differs("scenario_resolved", meta_.scenario_resolved))
        why = "its scenario (as resolved, with seed and replicates) differs";
    else if (differs("git_revision", ZORGSIM_GIT_REVISION) ||
             differs("zorgsim_version", ZORGSIM_VERSION))
        why = "it was written by another zorgsim build";
    else if (!before.has_dataset("unit_complete"))
        why = "it has no record of complete units";
    else if (mpi::ranks() > 1 && before.int_attribute("/", "mpi_ranks").value_or(1) == 1)
        // Such a file has storage only for the units written; HDF5 1.10 under MPI-IO allocates
        // the rest only for datasets with no storage at all (fixed in 1.10.11).
        why = "it was started without MPI; resume it without mpirun (or with -np 1)";
    else {
        if (differs("input_files", input_files_text(meta_)))
            why = "its input files (region or parameters) have changed since";
        else if (before.shape("unit_complete") !=
                 std::vector<std::uint64_t>{plan.variants.size(), plan.replicates})
            why = "its variants or replicates differ";
    }
    if (!why.empty())
        throw input_error(
            fmt::format("{}: cannot resume: {}; remove it, or run without --resume to start afresh",
                        partial, why));
}

void results_writer::reopen(const run_plan& plan) {
    auto& s = *s_;
    const auto partial = partial_.string();
    // Rank 0 checks the file and removes the summaries (computed again from all units at the end)
    // alone; the other ranks wait for its verdict.
    std::exception_ptr failed;
    if (mpi::rank() == 0) {
        try {
            check_resumable(plan);
            s.file = h5::open_file(partial);
            for (const char* stale : {"summary", "quantile"})
                if (H5Lexists(s.file, stale, H5P_DEFAULT) > 0)
                    h5::check(H5Ldelete(s.file, stale, H5P_DEFAULT),
                              fmt::format("remove stale '{}'", stale));
        } catch (...) {
            failed = std::current_exception();
        }
    }
    mpi::agree(failed);
    if (s.parallel) {
        s.close();
        open_shared();
    } else {
        open_objects(std::move(s.file));
    }
}

// Every rank opens the file through MPI-IO (collective); if one cannot, all stop.
void results_writer::open_shared() {
    std::exception_ptr failed;
    try {
        open_objects(h5::open_file(partial_.string(), true));
    } catch (...) {
        failed = std::current_exception();
    }
    mpi::agree(failed);
}

// The scales, variables and unit record of an existing file, and which units it holds.
void results_writer::open_objects(h5::handle file) {
    auto& s = *s_;
    s.close();
    s.file = std::move(file);
    const hid_t root = s.file;
    for (const char* dim : {"variant", "replicate", "time", "neighbourhood", "setting", "provider",
                            "need", "funding_line", "year", "age_band", "sex", "condition"})
        s.scales.emplace(dim, h5::handle(H5Dopen2(root, dim, H5P_DEFAULT), H5Dclose,
                                         fmt::format("open dimension '{}'", dim)));
    for (const auto& v : variables)
        s.datasets.emplace_back(H5Dopen2(root, v.name, H5P_DEFAULT), H5Dclose,
                                fmt::format("open dataset '{}'", v.name));
    s.unit_complete_ds =
        h5::handle(H5Dopen2(root, "unit_complete", H5P_DEFAULT), H5Dclose, "open 'unit_complete'");
    h5::check(H5Dread(s.unit_complete_ds, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                      s.unit_complete.data()),
              "read 'unit_complete'");
    s.ints.resize(variables.size());
    s.reals.resize(variables.size());
}

bool results_writer::runs_here(const run_point& p) const {
    return s_ && s_->owner[p.variant * s_->replicates + p.replicate] == mpi::rank();
}
bool results_writer::shared() const {
    return s_ && s_->parallel && s_->file.get() >= 0;
}
std::size_t results_writer::units_complete() const {
    return s_ ? static_cast<std::size_t>(
                    std::count(s_->unit_complete.begin(), s_->unit_complete.end(), 1))
              : 0;
}
std::size_t results_writer::units_kept() const {
    return s_ ? s_->kept : 0;
}
std::size_t results_writer::units_written() const {
    return s_ ? s_->written : 0;
}
std::size_t results_writer::units_total() const {
    return s_ ? s_->unit_complete.size() : 0;
}

void results_writer::begin_point(const run_point& p) {
    auto& s = *s_;
    s.point = p;
    s.recorded = 0;
    s.block_start = 0;
    for (std::size_t i = 0; i < variables.size(); ++i) {
        const auto n = s.held(variables[i].shape) * s.width(variables[i].shape);
        if (variables[i].real)
            s.reals[i].assign(n, 0.0);
        else
            s.ints[i].assign(n, 0u);
        if (variables[i].shape == layout::year_band_sex) // stays so when demography is off
            for (std::size_t y = 0; y < s.years; ++y)
                for (std::size_t b = 0; b < age_band_count; ++b)
                    for (std::size_t x = 0; x < sex_count; ++x)
                        s.ints[i][(y * age_band_count + b) * sex_count + x] =
                            s.initial_population[b][x];
    }
}

void results_writer::record(const step_view& v) {
    auto& s = *s_;
    if (v.step < s.block_start || v.step >= s.block_start + s.block)
        throw std::logic_error("results_writer: steps must arrive in order");
    const auto in_block = v.step - s.block_start; // row in the block buffers
    const auto put = [&](const char* name, auto span) {
        const auto i = variable_index(name);
        const auto w = s.width(variables[i].shape);
        auto& dst = [&]() -> auto& {
            if constexpr (std::is_same_v<typename decltype(span)::value_type, double>)
                return s.reals[i];
            else
                return s.ints[i];
        }
        ();
        std::copy(span.begin(), span.end(),
                  dst.begin() + static_cast<std::ptrdiff_t>(in_block * w));
    };
    put("residents", v.residents);
    put("demand", v.demand);
    put("demand_by_need", v.demand_by_need);
    put("contacts", v.contacts);
    put("escalated", v.escalated);
    put("unmet", v.unmet);
    put("cost_eur", v.cost_eur);
    put("wait_weeks_sum", v.wait_weeks_sum);
    put("backlog", v.backlog);
    put("provider_contacts", v.provider_contacts);
    put("minutes_used", v.minutes_used);
    put("capacity_min", v.capacity_min);
    put("unmet_by_need", v.unmet_by_need);
    put("provider_arrivals", v.provider_arrivals);
    put("provider_left_unserved", v.provider_left_unserved);
    put("provider_wait_weeks_sum", v.provider_wait_weeks_sum);
    put("provider_queue_weeks_sum", v.provider_queue_weeks_sum);
    put("listed", v.listed);
    put("gp_contacts", v.gp_contacts);
    put("demand_by_age_band", v.demand_by_need_band);
    put("contacts_by_age_band", v.contacts_by_band);
    put("cost_by_age_band_eur", v.cost_by_band_eur);
    put("wait_weeks_sum_by_age_band", v.wait_by_band);
    put("unmet_by_age_band", v.unmet_by_band);
    const auto row = [&](const char* name) {
        return s.reals[variable_index(name)].begin() +
               static_cast<std::ptrdiff_t>(in_block *
                                           s.width(variables[variable_index(name)].shape));
    };
    const auto util = row("utilisation");
    const auto fte = row("gp_fte");
    const auto listed = row("listed_per_gp_fte");
    const auto workload = row("gp_contacts_per_gp_fte_year");
    for (std::size_t q = 0; q < s.providers; ++q) {
        const auto at = static_cast<std::ptrdiff_t>(q);
        util[at] = v.capacity_min[q] > 0 ? v.minutes_used[q] / v.capacity_min[q] : 0.0;
        fte[at] = s.gp_min_per_fte > 0 ? v.gp_capacity_min[q] / s.gp_min_per_fte : 0.0;
        listed[at] = fte[at] > 0 ? v.listed[q] / fte[at] : 0.0;
        workload[at] = fte[at] > 0 ? v.gp_contacts[q] * s.steps_per_year / fte[at] : 0.0;
    }
    const auto spend = row("spend_eur");
    for (std::size_t h = 0; h < s.nbs; ++h)
        for (std::size_t k = 0; k < setting_count; ++k)
            spend[static_cast<std::ptrdiff_t>(funding_line_of(static_cast<setting>(k)))] +=
                v.cost_eur[h * setting_count + k];
    for (std::size_t b = 0; b < age_band_count; ++b)
        spend[first_line_fixed] +=
            v.registered_by_band[b] * meta_.fixed_first_line_eur_per_year[b] / s.steps_per_year;
    ++s.recorded;
    if (in_block + 1 == s.block || v.step + 1 == s.steps)
        write_block(&s.point, in_block + 1);
}

void results_writer::record_year(const year_view& y) {
    auto& s = *s_;
    if (y.year_index >= s.years)
        return;
    const auto at = [&](const char* name) -> std::vector<std::uint32_t>& {
        return s.ints[variable_index(name)];
    };
    const auto k = y.year_index;
    for (std::size_t b = 0; b < age_band_count; ++b) {
        at("residents_in_year")[k * age_band_count + b] = y.use->residents[b];
        at("residents_with_practice_need")[k * age_band_count + b] = y.use->with_practice_need[b];
        at("residents_with_hospital_need")[k * age_band_count + b] = y.use->with_hospital_need[b];
    }
    if (!y.demography)
        return;
    const auto& d = *y.demography;
    for (std::size_t b = 0; b < age_band_count; ++b)
        for (std::size_t x = 0; x < sex_count; ++x)
            at("population")[(k * age_band_count + b) * sex_count + x] =
                d.population_by_band_sex[b][x];
    at("deaths")[k] = static_cast<std::uint32_t>(d.deaths);
    at("births")[k] = static_cast<std::uint32_t>(d.births);
    at("immigrants")[k] = static_cast<std::uint32_t>(d.immigrants);
    at("emigrants")[k] = static_cast<std::uint32_t>(d.emigrants);
    for (std::size_t c = 0; c < condition_count; ++c)
        at("new_cases")[k * condition_count + c] = static_cast<std::uint32_t>(d.new_cases[c]);
}

namespace {
// Adds the seconds until it goes out of scope to a total.
class stopwatch {
public:
    explicit stopwatch(double& total) : total_(total) {}
    ~stopwatch() {
        total_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    }
    stopwatch(const stopwatch&) = delete;
    stopwatch& operator=(const stopwatch&) = delete;

private:
    double& total_;
    std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};
} // namespace

void results_writer::end_point(const run_point& p) {
    if (s_->steps > 0)
        write_round(&p);
}

// Variable i's buffer into the unit's slab, periods [t0, t0 + n) (steps or years); with p null, a
// rank with no unit left takes part in the collective write with an empty selection.
void results_writer::write_slab(std::size_t i, const run_point* p, std::size_t t0, std::size_t n) {
    auto& s = *s_;
    static const double nothing = 0; // a valid buffer for an empty selection
    const auto& ds = s.datasets[i];
    const h5::handle file_space(H5Dget_space(ds), H5Sclose, "get a dataspace");
    const int rank = H5Sget_simple_extent_ndims(file_space);
    std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
    H5Sget_simple_extent_dims(file_space, dims.data(), nullptr);
    std::vector<hsize_t> start(dims.size(), 0), count = dims;
    count[0] = count[1] = 1;
    start[2] = t0;
    count[2] = n;
    const auto mem = h5::dataspace(count);
    const void* data = &nothing;
    if (p) {
        start[0] = p->variant;
        start[1] = p->replicate;
        h5::check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start.data(), nullptr,
                                      count.data(), nullptr),
                  "select a hyperslab");
        data = variables[i].real ? static_cast<const void*>(s.reals[i].data())
                                 : static_cast<const void*>(s.ints[i].data());
    } else {
        h5::check(H5Sselect_none(file_space), "select nothing");
        h5::check(H5Sselect_none(mem), "select nothing");
    }
    h5::check(H5Dwrite(ds, variables[i].real ? H5T_NATIVE_DOUBLE : H5T_NATIVE_UINT32, mem,
                       file_space, s.transfer, data),
              p ? fmt::format("write '{}' for variant {} replicate {}", variables[i].name,
                              p->variant, p->replicate)
                : fmt::format("take part in writing '{}'", variables[i].name));
}

// The weekly variables' block of steps [block_start, + n), then empty buffers for the next.
void results_writer::write_block(const run_point* p, std::size_t n) {
    const stopwatch timed(seconds_writing_);
    auto& s = *s_;
    for (std::size_t i = 0; i < variables.size(); ++i) {
        if (yearly(variables[i].shape))
            continue;
        write_slab(i, p, s.block_start, n);
        if (variables[i].real)
            std::fill(s.reals[i].begin(), s.reals[i].end(), 0.0);
        else
            std::fill(s.ints[i].begin(), s.ints[i].end(), 0u);
    }
    s.block_start += s.block;
}

// The end of one unit: its yearly variables (the weekly ones went block by block), then its mark
// in unit_complete and a flush, so that a stopped run keeps it. Over several processes every rank
// takes part in each write (collective MPI-IO); a rank with no unit left writes nothing (p null).
void results_writer::write_round(const run_point* p) {
    const stopwatch timed(seconds_writing_);
    auto& s = *s_;
    const auto& mine = s.units_of_rank[static_cast<std::size_t>(mpi::rank())];
    if (p ? s.rounds_done >= mine.size() ||
                mine[s.rounds_done] != p->variant * s.replicates + p->replicate
          : s.rounds_done < mine.size())
        throw std::logic_error("results_writer: units must arrive in plan order");
    for (std::size_t i = 0; i < variables.size(); ++i)
        if (yearly(variables[i].shape))
            write_slab(i, p, 0, s.years);
    // The unit counts as complete only once its data are in the file.
    {
        const h5::handle file_space(H5Dget_space(s.unit_complete_ds), H5Sclose, "get a dataspace");
        const std::array<hsize_t, 2> one = {1, 1};
        const auto mem = h5::dataspace(one);
        const std::uint8_t done = 1;
        if (p) {
            const std::array<hsize_t, 2> start = {p->variant, p->replicate};
            h5::check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start.data(), nullptr,
                                          one.data(), nullptr),
                      "select a hyperslab");
        } else {
            h5::check(H5Sselect_none(file_space), "select nothing");
            h5::check(H5Sselect_none(mem), "select nothing");
        }
        h5::check(
            H5Dwrite(s.unit_complete_ds, H5T_NATIVE_UINT8, mem, file_space, s.transfer, &done),
            "mark the unit complete");
    }
    h5::check(H5Fflush(s.file, H5F_SCOPE_LOCAL), "flush the results file");
    // Every rank wrote its next unit in this round, so every rank knows which units are in.
    for (const auto& units : s.units_of_rank)
        if (s.rounds_done < units.size())
            s.unit_complete[units[s.rounds_done]] = 1;
    ++s.rounds_done;
    if (p)
        ++s.written;
}

double quantile_of_sorted(const std::vector<double>& sorted, double q) {
    if (sorted.empty())
        return 0;
    const double h = (static_cast<double>(sorted.size()) - 1) * q;
    const auto lo = static_cast<std::size_t>(std::floor(h));
    const auto hi = std::min(lo + 1, sorted.size() - 1);
    return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

namespace {

// summary/<name> holds p5, p50 and p95 over replicates of every variable per variant;
// summary/<name>_diff the same of (variant - variant 0) replicate by replicate, so with common
// random numbers "scenario vs baseline" is one selection with its own band. Read back in blocks
// of the period so memory stays at replicates x block.
void write_summaries(hid_t root, const std::vector<h5::handle>& datasets,
                     const std::map<std::string, h5::handle>& scales, int compression) {
    h5::handle gcpl(H5Pcreate(H5P_GROUP_CREATE), H5Pclose, "create a group property list");
    h5::check(H5Pset_link_creation_order(gcpl, H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED),
              "track link creation order");
    h5::handle group(H5Gcreate2(root, "summary", H5P_DEFAULT, gcpl, H5P_DEFAULT), H5Gclose,
                     "create group 'summary'");
    h5::attribute(
        group, "long_name",
        std::string("p5, p50 and p95 over replicates; *_diff: against the first variant"));
    for (std::size_t i = 0; i < variables.size(); ++i) {
        const auto& v = variables[i];
        const h5::handle space(H5Dget_space(datasets[i]), H5Sclose, "get a dataspace");
        const int rank = H5Sget_simple_extent_ndims(space);
        std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
        H5Sget_simple_extent_dims(space, dims.data(), nullptr);
        const hsize_t variants = dims[0], replicates = dims[1], length = dims[2];
        hsize_t row = 1; // cells per period entry
        for (std::size_t k = 3; k < dims.size(); ++k)
            row *= dims[k];
        std::vector<hsize_t> out_dims = dims;
        out_dims[1] = summary_quantiles.size();
        auto names = dims_of(v.shape);
        names[1] = "quantile";
        const auto create = [&](const std::string& name, const std::string& long_name) {
            h5::handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose,
                            "create a dataset property list");
            if (compression > 0 && length > 0) {
                std::vector<hsize_t> chunk = out_dims;
                chunk[0] = 1;
                h5::check(H5Pset_chunk(dcpl, rank, chunk.data()), "set chunking");
                h5::check(H5Pset_shuffle(dcpl), "set the shuffle filter");
                h5::check(H5Pset_deflate(dcpl, static_cast<unsigned>(compression)), "set gzip");
            }
            const auto out_space = h5::dataspace(out_dims);
            // float32: seven significant digits are more than any band over replicates holds,
            // and the summary group is then half the size.
            h5::handle ds(H5Dcreate2(group, name.c_str(), H5T_IEEE_F32LE, out_space, H5P_DEFAULT,
                                     dcpl, H5P_DEFAULT),
                          H5Dclose, fmt::format("create dataset 'summary/{}'", name));
            h5::attribute(ds, "units", std::string(v.units));
            h5::attribute(ds, "long_name", long_name);
            for (unsigned axis = 0; axis < names.size(); ++axis)
                h5::check(H5DSattach_scale(ds, scales.at(names[axis]), axis),
                          fmt::format("attach dimension '{}'", names[axis]));
            return ds;
        };
        const auto level =
            create(v.name, fmt::format("{}: quantiles over replicates", v.long_name));
        const auto diff =
            create(std::string(v.name) + "_diff",
                   fmt::format("{}: quantiles over replicates of the difference against "
                               "the first variant",
                               v.long_name));
        if (length == 0 || replicates == 0)
            continue;
        // Periods per block so that one variant's block of all replicates stays under ~16M values.
        const hsize_t block =
            std::max<hsize_t>(1, (hsize_t{16} << 20) / std::max<hsize_t>(replicates * row, 1));
        std::vector<double> base, values, sorted(replicates), q_level, q_diff;
        for (hsize_t t0 = 0; t0 < length; t0 += block) {
            const hsize_t n = std::min(block, length - t0);
            const auto read = [&](hsize_t variant, std::vector<double>& to) {
                std::vector<hsize_t> start(dims.size(), 0), count = dims;
                start[0] = variant;
                count[0] = 1;
                start[2] = t0;
                count[2] = n;
                h5::check(H5Sselect_hyperslab(space, H5S_SELECT_SET, start.data(), nullptr,
                                              count.data(), nullptr),
                          "select a hyperslab");
                to.resize(replicates * n * row);
                const auto mem = h5::dataspace(count);
                h5::check(
                    H5Dread(datasets[i], H5T_NATIVE_DOUBLE, mem, space, H5P_DEFAULT, to.data()),
                    fmt::format("read back '{}'", v.name));
            };
            read(0, base);
            for (hsize_t variant = 0; variant < variants; ++variant) {
                if (variant > 0)
                    read(variant, values);
                const auto& now = variant > 0 ? values : base;
                const std::size_t cells = n * row;
                q_level.assign(summary_quantiles.size() * cells, 0);
                q_diff.assign(summary_quantiles.size() * cells, 0);
                for (int pass = 0; pass < 2; ++pass)
                    for (std::size_t c = 0; c < cells; ++c) {
                        for (hsize_t r = 0; r < replicates; ++r)
                            sorted[r] =
                                now[r * cells + c] - (pass == 1 ? base[r * cells + c] : 0.0);
                        std::sort(sorted.begin(), sorted.end());
                        for (std::size_t q = 0; q < summary_quantiles.size(); ++q)
                            (pass == 0 ? q_level : q_diff)[q * cells + c] =
                                quantile_of_sorted(sorted, summary_quantiles[q]);
                    }
                std::vector<hsize_t> start(dims.size(), 0), count = out_dims;
                start[0] = variant;
                count[0] = 1;
                start[2] = t0;
                count[2] = n;
                const auto mem = h5::dataspace(count);
                for (const auto* target : {&level, &diff}) {
                    const h5::handle file_space(H5Dget_space(*target), H5Sclose, "get a dataspace");
                    h5::check(H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start.data(), nullptr,
                                                  count.data(), nullptr),
                              "select a hyperslab");
                    h5::check(H5Dwrite(*target, H5T_NATIVE_DOUBLE, mem, file_space, H5P_DEFAULT,
                                       (target == &level ? q_level : q_diff).data()),
                              fmt::format("write the summary of '{}'", v.name));
                }
            }
        }
    }
}

} // namespace

std::string utc_now() {
    const auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

void results_writer::end() {
    if (!s_)
        return;
    auto& s = *s_;
    if (s.parallel) {
        // Ranks with fewer units still join every collective write; then rank 0 alone adds the
        // summaries to the closed file, as a single process would.
        while (s.steps > 0 && s.rounds_done < s.rounds) {
            s.block_start = 0;
            for (std::size_t b = 0; b < s.blocks(); ++b)
                write_block(nullptr, std::min(s.block, s.steps - s.block_start));
            write_round(nullptr);
        }
        s.close();
        std::exception_ptr failed;
        if (mpi::rank() == 0) {
            const stopwatch timed(seconds_writing_);
            try {
                open_objects(h5::open_file(partial_.string()));
                finish();
            } catch (...) {
                failed = std::current_exception();
            }
        }
        mpi::agree(failed); // the file is in place on every rank's return, or all fail
    } else {
        const stopwatch timed(seconds_writing_);
        finish();
    }
    committed_ = true;
}

// Summaries over replicates, the finishing time, and the move into place.
void results_writer::finish() {
    // With one replicate a band has no width and the summaries would only repeat the data
    // (six times over): they are written from two replicates on.
    if (s_->replicates >= 2) {
        const std::array<double, 3> q = summary_quantiles;
        const hsize_t nq = q.size();
        auto quantile = h5::numeric_dataset<double>(
            s_->file, "quantile", std::span<const hsize_t>(&nq, 1), std::span<const double>(q));
        h5::check(H5DSset_scale(quantile, "quantile"), "make 'quantile' a dimension scale");
        h5::attribute(quantile, "long_name", std::string("quantile over replicates"));
        s_->scales.emplace("quantile", std::move(quantile));
        write_summaries(s_->file, s_->datasets, s_->scales, meta_.compression);
    }
    h5::attribute(s_->file, "run_finished", utc_now());
    s_.reset(); // closes every dataset, then the file
    std::error_code ec;
    std::filesystem::rename(partial_, out_, ec);
    if (ec)
        throw output_error(fmt::format("{}: cannot move the finished results into place: {}",
                                       out_.string(), ec.message()));
}

} // namespace zorgsim::io
