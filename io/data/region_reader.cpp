#include "io/data/region_reader.hpp"

#include "engine/core/error.hpp"
#include "io/data/csv.hpp"
#include "io/data/names.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <map>

namespace zorgsim::io {
namespace {

std::vector<std::string> keys_of(const std::map<std::string, std::uint32_t>& index) {
    std::vector<std::string> out;
    for (const auto& [k, v] : index)
        out.push_back(k);
    return out;
}

// "'X' is not in file.csv (did you mean 'Y'?); accepted: A, B, ..." for a reference to an id.
std::string not_in(const std::string& value, const std::string& file,
                   const std::vector<std::string>& accepted) {
    return fmt::format("'{}' is not in {}{}; accepted: {}", value, file,
                       did_you_mean(value, accepted), name_list(accepted));
}

void read_municipalities(const std::filesystem::path& dir, region& r,
                         std::map<std::string, std::uint32_t>& index) {
    auto f = csv_file::read(dir / "municipalities.csv",
                            {"municipality_code", "name", "population_total"},
                            {"population_year", "source"});
    std::map<std::string, std::size_t> line_of;
    for (const auto& row : f.rows()) {
        municipality m{f.text(row, "municipality_code"), f.text(row, "name"),
                       f.count(row, "population_total", 100'000'000)};
        if (m.code.empty())
            f.error(row, "municipality_code", "must not be empty");
        else if (!index.emplace(m.code, static_cast<std::uint32_t>(r.municipalities.size())).second)
            f.error(row, "municipality_code",
                    fmt::format("'{}' appears twice (first on line {}); codes must be unique",
                                m.code, line_of[m.code]));
        line_of.emplace(m.code, row.line);
        r.municipalities.push_back(std::move(m));
    }
    if (f.rows().empty())
        f.error("no municipalities; at least one row is required");
    f.throw_if_errors();
}

void read_neighbourhoods(const std::filesystem::path& dir, region& r,
                         const std::map<std::string, std::uint32_t>& municipalities,
                         std::map<std::string, std::uint32_t>& index) {
    auto f = csv_file::read(dir / "neighbourhoods.csv",
                            {"neighbourhood_code", "name", "municipality_code", "wsv", "lon_deg",
                             "lat_deg", "vulnerable_share"});
    auto& nb = r.neighbourhoods;
    std::map<std::string, std::size_t> line_of;
    for (const auto& row : f.rows()) {
        const auto code = f.text(row, "neighbourhood_code");
        if (code.empty())
            f.error(row, "neighbourhood_code", "must not be empty");
        else if (!index.emplace(code, static_cast<std::uint32_t>(nb.code.size())).second)
            f.error(row, "neighbourhood_code",
                    fmt::format("'{}' appears twice (first on line {}); codes must be unique", code,
                                line_of[code]));
        line_of.emplace(code, row.line);
        const auto mcode = f.text(row, "municipality_code");
        const auto m = municipalities.find(mcode);
        if (m == municipalities.end())
            f.error(row, "municipality_code",
                    not_in(mcode, "municipalities.csv", keys_of(municipalities)));
        const auto wsv = f.text(row, "wsv");
        if (wsv.empty())
            f.error(row, "wsv", "every neighbourhood belongs to one WSV; the value is empty");
        auto w = std::find(r.wsv_names.begin(), r.wsv_names.end(), wsv);
        if (w == r.wsv_names.end()) {
            r.wsv_names.push_back(wsv);
            w = r.wsv_names.end() - 1;
        }
        nb.code.push_back(code);
        nb.name.push_back(f.text(row, "name"));
        nb.municipality.push_back(m == municipalities.end() ? 0 : m->second);
        nb.wsv.push_back(static_cast<std::uint32_t>(w - r.wsv_names.begin()));
        nb.lon_deg.push_back(f.number(row, "lon_deg", -180, 180));
        nb.lat_deg.push_back(f.number(row, "lat_deg", -90, 90));
        nb.vulnerable_share.push_back(f.number(row, "vulnerable_share", 0, 1));
    }
    if (f.rows().empty())
        f.error("no neighbourhoods; at least one row is required");
    nb.persons.assign(nb.code.size(), persons_by_age_sex{});
    f.throw_if_errors();
}

void read_population(const std::filesystem::path& dir, region& r,
                     const std::map<std::string, std::uint32_t>& neighbourhoods) {
    auto f = csv_file::read(dir / "population.csv",
                            {"neighbourhood_code", "age_band", "sex", "persons"});
    auto& nb = r.neighbourhoods;
    // A row gives an age band ("45-64") or a single year of age ("52"); a band is spread over its
    // years. Every (neighbourhood, band, sex) must be covered by a band row or single-year rows.
    std::vector<std::array<std::array<std::size_t, sex_count>, age_band_count>> band_line(
        nb.size());
    std::vector<std::array<std::array<std::size_t, sex_count>, age_year_count>> year_line(
        nb.size());
    std::vector<std::array<std::array<bool, sex_count>, age_band_count>> covered(nb.size());
    for (const auto& row : f.rows()) {
        const auto code = f.text(row, "neighbourhood_code");
        const auto h = neighbourhoods.find(code);
        if (h == neighbourhoods.end()) {
            f.error(row, "neighbourhood_code",
                    not_in(code, "neighbourhoods.csv", keys_of(neighbourhoods)));
            continue;
        }
        const auto age_text = f.text(row, "age_band");
        const auto band = age_band_from_name(age_text);
        std::uint32_t year = 0;
        const bool single_year =
            !band && !age_text.empty() &&
            age_text.find_first_not_of("0123456789") == std::string::npos && age_text.size() <= 3 &&
            (year = static_cast<std::uint32_t>(std::stoul(age_text))) <= oldest_age_years;
        if (!band && !single_year) {
            f.error(row, "age_band",
                    fmt::format("'{}' is neither an age band{} nor a single year of age; "
                                "accepted: {} or 0 to {}",
                                age_text, did_you_mean(age_text, names_of(age_band_names)),
                                fmt::join(age_band_names, ", "), oldest_age_years));
            continue;
        }
        const auto s = f.choice(row, "sex", names_of(sex_names));
        const auto persons = f.count(row, "persons", 10'000'000);
        auto& seen = band ? band_line[h->second][*band][s] : year_line[h->second][year][s];
        if (seen)
            f.error(row, "age_band",
                    fmt::format("({}, {}, {}) already given on line {}", code, age_text,
                                sex_names[s], seen));
        seen = row.line;
        const auto b = band ? *band : age_band_of(static_cast<std::uint8_t>(year));
        if (band && covered[h->second][b][s] && !band_line[h->second][b][s])
            f.error(row, "age_band",
                    fmt::format("({}, {}, {}) overlaps single-year rows", code, age_text,
                                sex_names[s]));
        covered[h->second][b][s] = true;
        if (band)
            spread_band(*band, s, persons, nb.persons[h->second]);
        else
            nb.persons[h->second][year][s] += persons;
    }
    if (f.rows().empty() && nb.size() > 0) {
        f.error(fmt::format("the file has no rows, so there is no row for neighbourhood '{}', "
                            "age_band '{}', sex '{}' or any other; every (neighbourhood_code, "
                            "age_band, sex) needs one: {} rows ({} neighbourhoods x {} age bands "
                            "x {} sexes; persons may be 0)",
                            nb.code[0], age_band_names[0], sex_names[0],
                            nb.size() * age_band_count * sex_count, nb.size(), age_band_count,
                            sex_count));
        f.throw_if_errors();
    }
    for (std::size_t h = 0; h < nb.size(); ++h)
        for (std::size_t b = 0; b < age_band_count; ++b)
            for (std::size_t s = 0; s < sex_count; ++s)
                if (!covered[h][b][s])
                    f.error(fmt::format("no row for neighbourhood '{}', age_band '{}', sex '{}'; "
                                        "every combination needs one (persons may be 0)",
                                        nb.code[h], age_band_names[b], sex_names[s]));
    // A bad row would make the totals disagree as well; that is one problem, reported once.
    f.throw_if_errors();
    // The population table must agree with the municipal totals (within 1%): a larger gap is
    // nearly always a unit or filter mistake in an exported table.
    std::vector<std::uint64_t> per_municipality(r.municipalities.size(), 0);
    for (std::size_t h = 0; h < nb.size(); ++h)
        for (const auto& age : nb.persons[h])
            for (auto p : age)
                per_municipality[nb.municipality[h]] += p;
    for (std::size_t m = 0; m < r.municipalities.size(); ++m) {
        const double total = r.municipalities[m].population_total;
        const double sum = static_cast<double>(per_municipality[m]);
        if (std::abs(sum - total) > 0.01 * total)
            f.error(fmt::format("persons in municipality '{}' add up to {}, but municipalities.csv "
                                "gives population_total {}; they must agree within 1% ({} to {})",
                                r.municipalities[m].code, per_municipality[m],
                                r.municipalities[m].population_total, std::ceil(0.99 * total),
                                std::floor(1.01 * total)));
    }
    f.throw_if_errors();
}

void read_providers(const std::filesystem::path& dir, const region& r,
                    const std::map<std::string, std::uint32_t>& municipalities, provider_table& p) {
    auto f = csv_file::read(dir / "providers.csv",
                            {"provider_code", "name", "type", "municipality_code", "wsv", "lon_deg",
                             "lat_deg", "gp_fte", "poh_s_fte", "poh_ggz_fte", "staff_fte",
                             "list_capacity", "referral_weight"});
    std::map<std::string, std::size_t> seen;
    for (const auto& row : f.rows()) {
        const auto code = f.text(row, "provider_code");
        if (code.empty())
            f.error(row, "provider_code", "must not be empty");
        else if (const auto [it, fresh] = seen.emplace(code, row.line); !fresh)
            f.error(row, "provider_code",
                    fmt::format("'{}' appears twice (first on line {}); codes must be unique", code,
                                it->second));
        const auto type =
            static_cast<provider_type>(f.choice(row, "type", names_of(provider_type_names)));
        const auto mcode = f.text(row, "municipality_code");
        const auto m = municipalities.find(mcode);
        const auto wsv = f.text(row, "wsv");
        std::int32_t wsv_index = no_wsv;
        if (!wsv.empty()) {
            const auto w = std::find(r.wsv_names.begin(), r.wsv_names.end(), wsv);
            if (w == r.wsv_names.end())
                f.error(row, "wsv",
                        fmt::format("'{}' is not a WSV of neighbourhoods.csv{}; accepted: {} or "
                                    "empty (a provider outside every WSV)",
                                    wsv, did_you_mean(wsv, r.wsv_names), name_list(r.wsv_names)));
            else
                wsv_index = static_cast<std::int32_t>(w - r.wsv_names.begin());
        }
        p.code.push_back(code);
        p.name.push_back(f.text(row, "name"));
        p.type.push_back(type);
        p.municipality_code.push_back(mcode);
        p.municipality.push_back(m == municipalities.end() ? outside_region
                                                           : static_cast<std::int32_t>(m->second));
        p.wsv.push_back(wsv_index);
        p.lon_deg.push_back(f.number(row, "lon_deg", -180, 180));
        p.lat_deg.push_back(f.number(row, "lat_deg", -90, 90));
        p.gp_fte.push_back(f.number(row, "gp_fte", 0, 1000));
        p.poh_s_fte.push_back(f.number(row, "poh_s_fte", 0, 1000));
        p.poh_ggz_fte.push_back(f.number(row, "poh_ggz_fte", 0, 1000));
        p.staff_fte.push_back(f.number(row, "staff_fte", 0, 100000));
        p.list_capacity.push_back(f.count(row, "list_capacity", 10'000'000));
        p.referral_weight.push_back(f.number(row, "referral_weight", 0, 1e6));
        if (f.text(row, "type") == "gp_practice" && p.list_capacity.back() == 0)
            f.error(row, "list_capacity", "a gp_practice needs a list capacity above 0 (patients)");
    }
    if (std::find(p.type.begin(), p.type.end(), provider_type::gp_practice) == p.type.end())
        f.error(f.rows().empty()
                    ? "no providers; at least one row with type gp_practice is required"
                    : "no provider of type gp_practice; every resident registers with one, so at "
                      "least one is required");
    f.throw_if_errors();
}

std::map<std::string, std::uint32_t> index_of(const std::vector<std::string>& codes) {
    std::map<std::string, std::uint32_t> out;
    for (std::uint32_t i = 0; i < codes.size(); ++i)
        out.emplace(codes[i], i);
    return out;
}

// travel_times.csv: measured minutes from a neighbourhood to a provider; pairs not listed fall
// back to the centroid estimate.
void read_travel_times(const std::filesystem::path& file, const region& r, const provider_table& p,
                       std::vector<travel_entry>& out) {
    auto f =
        csv_file::read(file, {"neighbourhood_code", "provider_code", "travel_min"}, {"source"});
    const auto nbs = index_of(r.neighbourhoods.code);
    const auto providers = index_of(p.code);
    std::map<std::uint64_t, std::size_t> seen;
    for (const auto& row : f.rows()) {
        const auto nb = nbs.find(f.text(row, "neighbourhood_code"));
        const auto q = providers.find(f.text(row, "provider_code"));
        if (nb == nbs.end())
            f.error(row, "neighbourhood_code",
                    not_in(f.text(row, "neighbourhood_code"), "neighbourhoods.csv", keys_of(nbs)));
        if (q == providers.end())
            f.error(row, "provider_code",
                    not_in(f.text(row, "provider_code"), "providers.csv", p.code));
        const double minutes = f.number(row, "travel_min", 0, 1440);
        if (nb == nbs.end() || q == providers.end())
            continue;
        const auto key = (std::uint64_t{nb->second} << 32) | q->second;
        if (const auto [it, fresh] = seen.emplace(key, row.line); !fresh)
            f.error(row, "provider_code",
                    fmt::format("this pair is already given on line {}", it->second));
        out.push_back({nb->second, q->second, minutes});
    }
    f.throw_if_errors();
}

// referrals.csv: a practice's referral shares to second-line providers; they replace the
// providers' referral_weight for that practice and provider type.
void read_referrals(const std::filesystem::path& file, const provider_table& p,
                    std::vector<referral_entry>& out) {
    auto f = csv_file::read(file, {"practice_code", "provider_code", "share"}, {"source"});
    const auto providers = index_of(p.code);
    for (const auto& row : f.rows()) {
        const auto from = providers.find(f.text(row, "practice_code"));
        const auto to = providers.find(f.text(row, "provider_code"));
        if (from == providers.end() || p.type[from->second] != provider_type::gp_practice)
            f.error(row, "practice_code",
                    fmt::format("'{}' is not a gp_practice in providers.csv",
                                f.text(row, "practice_code")));
        if (to == providers.end() || line_of(p.type[to->second]) != care_line::second)
            f.error(
                row, "provider_code",
                fmt::format("'{}' is not a second-line provider in providers.csv (accepted types: "
                            "hospital_outpatient, emergency_department, hospital_admission, "
                            "mental_health_specialist, nursing_home)",
                            f.text(row, "provider_code")));
        const double share = f.number(row, "share", 0, 1);
        if (from != providers.end() && to != providers.end())
            out.push_back({from->second, to->second, share});
    }
    f.throw_if_errors();
}

} // namespace

std::vector<std::filesystem::path> region_files(const std::filesystem::path& dir) {
    std::vector<std::filesystem::path> files = {dir / "municipalities.csv",
                                                dir / "neighbourhoods.csv", dir / "population.csv",
                                                dir / "providers.csv"};
    for (const auto* optional : {"travel_times.csv", "referrals.csv"})
        if (std::filesystem::exists(dir / optional))
            files.push_back(dir / optional);
    return files;
}

region_data read_region(const std::filesystem::path& dir) {
    require_files(dir, region_files(dir), "region",
                  "municipalities.csv, neighbourhoods.csv, population.csv and providers.csv (and "
                  "optionally travel_times.csv, referrals.csv); see scenarios/regions/README.md");
    region_data d;
    d.area.name = dir.filename().string();
    std::map<std::string, std::uint32_t> municipalities, neighbourhoods;
    read_municipalities(dir, d.area, municipalities);
    read_neighbourhoods(dir, d.area, municipalities, neighbourhoods);
    read_population(dir, d.area, neighbourhoods);
    read_providers(dir, d.area, municipalities, d.providers);
    if (std::filesystem::exists(dir / "travel_times.csv"))
        read_travel_times(dir / "travel_times.csv", d.area, d.providers, d.travel_matrix);
    if (std::filesystem::exists(dir / "referrals.csv"))
        read_referrals(dir / "referrals.csv", d.providers, d.referrals);
    return d;
}

} // namespace zorgsim::io
