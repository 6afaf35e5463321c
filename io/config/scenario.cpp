#include "io/config/scenario.hpp"

#include "engine/core/error.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

namespace zorgsim::io {
namespace {

// The keys accepted in each table of a scenario file; scenarios/README.md §1.2 lists the same
// set (a test compares them).
const std::vector<std::pair<std::string, std::vector<std::string>>> accepted_keys = {
    {"",
     {"title", "description", "region", "parameters", "time", "run", "demography", "travel",
      "registration", "output", "lever"}},
    {"region", {"builtin", "data"}},
    {"parameters", {"dir"}},
    {"time", {"start", "years", "step_days"}},
    {"run", {"seed", "replicates"}},
    {"demography", {"projection"}},
    {"travel", {"detour_factor", "speed_km_per_h"}},
    {"registration", {"norm_patients_per_gp_fte"}},
    {"output", {"compression"}},
    {"lever", {"type", "need", "from", "to", "share", "start_year", "ramp_years"}},
};

const std::vector<std::string>& keys_of(const std::string& table) {
    for (const auto& [name, keys] : accepted_keys)
        if (name == table)
            return keys;
    throw std::logic_error("no key list for table " + table);
}

source_position position(const toml::node& n) {
    return {static_cast<std::uint32_t>(n.source().begin.line),
            static_cast<std::uint32_t>(n.source().begin.column)};
}

// Collects every problem in a scenario file, each with file:line:column and the key path.
class checker {
public:
    explicit checker(std::filesystem::path file) : file_(std::move(file)) {}

    void error(source_position at, const std::string& key, const std::string& message) {
        errors_.push_back(
            fmt::format("{}:{}:{}: {}: {}", file_.string(), at.line, at.column, key, message));
    }
    void error(const toml::node& n, const std::string& key, const std::string& message) {
        error(position(n), key, message);
    }

    void known_keys(const toml::table& t, const std::string& prefix,
                    const std::vector<std::string>& keys) {
        for (const auto& [k, v] : t) {
            const std::string name(k.str());
            if (std::find(keys.begin(), keys.end(), name) != keys.end())
                continue;
            const auto hint = did_you_mean(name, keys);
            error(
                v, prefix + name,
                fmt::format("unknown key{}; accepted keys here: {}", hint, fmt::join(keys, ", ")));
        }
    }

    const toml::table* table(const toml::table& t, const std::string& key) {
        const auto* n = t.get(key);
        if (!n)
            return nullptr;
        if (!n->is_table()) {
            error(*n, key, "must be a table, written as [" + key + "]");
            return nullptr;
        }
        return n->as_table();
    }

    std::optional<std::string> text(const toml::table& t, const std::string& prefix,
                                    const std::string& key) {
        const auto* n = t.get(key);
        if (!n)
            return std::nullopt;
        if (const auto* s = n->as_string())
            return s->get();
        error(*n, prefix + key,
              fmt::format("must be a string in double quotes, not {}", type_name(*n)));
        return std::nullopt;
    }

    double number(const toml::table& t, const std::string& prefix, const std::string& key,
                  double min, double max, double fallback, const std::string& unit = "") {
        const auto* n = t.get(key);
        if (!n)
            return fallback;
        double v = fallback;
        if (const auto* i = n->as_integer())
            v = static_cast<double>(i->get());
        else if (const auto* f = n->as_floating_point())
            v = f->get();
        else {
            error(*n, prefix + key, fmt::format("must be a number, not {}", type_name(*n)));
            return fallback;
        }
        if (!(v >= min && v <= max)) {
            error(*n, prefix + key,
                  fmt::format("{} is out of range; accepted: {} to {}{}", v, min, max,
                              unit.empty() ? "" : " " + unit));
            return fallback;
        }
        return v;
    }

    std::int64_t integer(const toml::table& t, const std::string& prefix, const std::string& key,
                         std::int64_t min, std::int64_t max, std::int64_t fallback) {
        const auto* n = t.get(key);
        if (!n)
            return fallback;
        const auto* i = n->as_integer();
        if (!i) {
            error(*n, prefix + key, fmt::format("must be a whole number, not {}", type_name(*n)));
            return fallback;
        }
        if (i->get() < min || i->get() > max) {
            error(*n, prefix + key,
                  fmt::format("{} is out of range; accepted: {} to {}", i->get(), min, max));
            return fallback;
        }
        return i->get();
    }

    void throw_if_errors() const {
        if (errors_.empty())
            return;
        std::string msg;
        for (std::size_t i = 0; i < errors_.size(); ++i)
            msg += (i ? "\n" : "") + errors_[i];
        throw config_error(msg);
    }

    static std::string type_name(const toml::node& n) {
        switch (n.type()) {
        case toml::node_type::string:
            return "a string";
        case toml::node_type::integer:
            return "an integer";
        case toml::node_type::floating_point:
            return "a number";
        case toml::node_type::boolean:
            return "a boolean";
        case toml::node_type::date:
            return "a date";
        case toml::node_type::table:
            return "a table";
        case toml::node_type::array:
            return "an array";
        default:
            return "a date/time";
        }
    }

private:
    std::filesystem::path file_;
    std::vector<std::string> errors_;
};

void parse_time(checker& c, const toml::table& t, horizon& h) {
    c.known_keys(t, "time.", keys_of("time"));
    if (const auto* n = t.get("start")) {
        if (const auto* d = n->as_date()) {
            const auto v = d->get();
            h.start = date{v.year, v.month, v.day};
        } else {
            c.error(*n, "time.start",
                    fmt::format("must be a date written as 2025-01-01 (no quotes), not {}",
                                checker::type_name(*n)));
        }
    }
    h.years = static_cast<int>(c.integer(t, "time.", "years", 1, 100, h.years));
    h.step_days = static_cast<int>(c.integer(t, "time.", "step_days", 7, 7, h.step_days));
}

void parse_lever(checker& c, const toml::table& t, std::size_t i, scenario& s) {
    const auto prefix = fmt::format("lever[{}].", i);
    lever_spec l;
    l.at = position(t);
    const auto type = c.text(t, prefix, "type");
    if (!type) {
        c.error(t, prefix + "type",
                fmt::format("missing; accepted: {}", fmt::join(lever_type_names, ", ")));
        return;
    }
    l.type = *type;
    if (std::find(lever_type_names.begin(), lever_type_names.end(), l.type) ==
        lever_type_names.end()) {
        const auto hint = did_you_mean(l.type, {lever_type_names.begin(), lever_type_names.end()});
        c.error(*t.get("type"), prefix + "type",
                fmt::format("unknown lever '{}'{}; accepted: {}", l.type, hint,
                            fmt::join(lever_type_names, ", ")));
        return;
    }
    // substitution
    c.known_keys(t, prefix, keys_of("lever"));
    for (auto [key, field, at] :
         {std::tuple{"need", &l.need, &l.need_at}, std::tuple{"from", &l.from, &l.from_at},
          std::tuple{"to", &l.to, &l.to_at}}) {
        if (const auto v = c.text(t, prefix, key)) {
            *field = *v;
            *at = position(*t.get(key));
        } else if (!t.get(key)) {
            c.error(t, prefix + key,
                    "missing; a substitution lever needs need, from, to and share");
        }
    }
    if (!t.get("share"))
        c.error(t, prefix + "share", "missing; the share of `from` contacts to move, 0 to 1");
    l.share = c.number(t, prefix, "share", 0, 1, 0);
    const double start = s.time.start.year;
    const double end = s.time.start.year + s.time.years;
    l.start_year = c.number(t, prefix, "start_year", start, end, start, "(the scenario's years)");
    l.ramp_years = c.number(t, prefix, "ramp_years", 0, s.time.years, 0, "years");
    s.levers.push_back(std::move(l));
}

} // namespace

std::vector<std::string> scenario_keys() {
    std::vector<std::string> out;
    for (const auto& [table, keys] : accepted_keys)
        for (const auto& k : keys) {
            const bool is_table = std::any_of(accepted_keys.begin(), accepted_keys.end(),
                                              [&](const auto& t) { return t.first == k; });
            if (table.empty() && is_table)
                continue; // tables, listed through their keys
            out.push_back(table.empty() ? k : table == "lever" ? "lever[]." + k : table + "." + k);
        }
    return out;
}

std::filesystem::path scenario::region_dir() const {
    if (region_data)
        return *region_data;
    return *find_data_dir(file.parent_path(), std::filesystem::path("regions") / *region_builtin);
}

std::optional<std::filesystem::path> find_data_dir(const std::filesystem::path& scenario_dir,
                                                   const std::filesystem::path& relative) {
    for (const auto& base : {scenario_dir, std::filesystem::path(ZORGSIM_DATA_DIR)}) {
        const auto candidate = base / relative;
        if (std::filesystem::is_directory(candidate))
            return std::filesystem::absolute(candidate).lexically_normal();
    }
    return std::nullopt;
}

std::vector<std::string> builtin_regions() {
    std::vector<std::string> out;
    const auto dir = std::filesystem::path(ZORGSIM_DATA_DIR) / "regions";
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec))
        if (e.is_directory())
            out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

std::string nearest_name(const std::string& name, const std::vector<std::string>& candidates) {
    std::string best;
    std::size_t best_distance = std::max<std::size_t>(2, name.size() / 3) + 1;
    for (const auto& c : candidates) {
        std::vector<std::size_t> prev(c.size() + 1), cur(c.size() + 1);
        for (std::size_t j = 0; j <= c.size(); ++j)
            prev[j] = j;
        for (std::size_t i = 1; i <= name.size(); ++i) {
            cur[0] = i;
            for (std::size_t j = 1; j <= c.size(); ++j)
                cur[j] = std::min(
                    {prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (name[i - 1] == c[j - 1] ? 0 : 1)});
            std::swap(prev, cur);
        }
        if (prev[c.size()] < best_distance) {
            best_distance = prev[c.size()];
            best = c;
        }
    }
    return best;
}

std::string did_you_mean(const std::string& name, const std::vector<std::string>& candidates) {
    const auto hint = nearest_name(name, candidates);
    return hint.empty() ? "" : fmt::format(" (did you mean '{}'?)", hint);
}

scenario parse_scenario(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw config_error(fmt::format("{}: cannot open the scenario file", file.string()));
    std::stringstream ss;
    ss << in.rdbuf();
    return parse_scenario_text(ss.str(), file);
}

scenario parse_scenario_text(const std::string& text, const std::filesystem::path& file) {
    scenario s;
    s.file = std::filesystem::absolute(file).lexically_normal();
    s.text = text;
    toml::table root;
    try {
        root = toml::parse(text, file.string());
    } catch (const toml::parse_error& e) {
        throw config_error(fmt::format("{}:{}:{}: TOML syntax: {}", file.string(),
                                       e.source().begin.line, e.source().begin.column,
                                       e.description()));
    }
    checker c(file);
    const auto dir = s.file.parent_path();
    c.known_keys(root, "", keys_of(""));
    s.title = c.text(root, "", "title").value_or(file.stem().string());
    s.description = c.text(root, "", "description").value_or("");

    if (const auto* t = c.table(root, "time"))
        parse_time(c, *t, s.time);

    if (const auto* t = c.table(root, "region")) {
        c.known_keys(*t, "region.", keys_of("region"));
        const auto builtin = c.text(*t, "region.", "builtin");
        const auto data = c.text(*t, "region.", "data");
        if (builtin && data)
            c.error(*t, "region", "give either builtin or data, not both");
        if (builtin) {
            if (!find_data_dir(dir, std::filesystem::path("regions") / *builtin)) {
                const auto known = builtin_regions();
                const auto hint = did_you_mean(*builtin, known);
                c.error(*t->get("builtin"), "region.builtin",
                        fmt::format("no built-in region '{}'{}; accepted: {}", *builtin, hint,
                                    fmt::join(known, ", ")));
            }
            s.region_builtin = *builtin;
        } else if (data) {
            const auto p = (dir / *data).lexically_normal();
            if (!std::filesystem::is_directory(p))
                c.error(*t->get("data"), "region.data",
                        fmt::format("directory '{}' not found", p.string()));
            s.region_data = p;
        } else if (!builtin && !data) {
            c.error(*t, "region",
                    "missing: give builtin = \"amstelland\" or data = \"path/to/dir\"");
        }
    } else {
        c.error(source_position{1, 1}, "region",
                "missing: add [region] with builtin = \"amstelland\"");
    }

    std::optional<std::filesystem::path> params = find_data_dir(dir, "parameters");
    if (const auto* t = c.table(root, "parameters")) {
        c.known_keys(*t, "parameters.", keys_of("parameters"));
        if (const auto d = c.text(*t, "parameters.", "dir")) {
            params = (dir / *d).lexically_normal();
            if (!std::filesystem::is_directory(*params))
                c.error(*t->get("dir"), "parameters.dir",
                        fmt::format("directory '{}' not found", params->string()));
        }
    }
    if (!params)
        c.error(source_position{1, 1}, "parameters.dir",
                "no parameter set next to the scenario and none installed; set [parameters] dir");
    else
        s.parameters_dir = *params;

    if (const auto* t = c.table(root, "run")) {
        c.known_keys(*t, "run.", keys_of("run"));
        s.seed = static_cast<std::uint64_t>(c.integer(*t, "run.", "seed", 0, INT64_MAX, 1));
        s.replicates = static_cast<std::uint32_t>(c.integer(*t, "run.", "replicates", 1, 10000, 1));
    }
    if (const auto* t = c.table(root, "demography")) {
        c.known_keys(*t, "demography.", keys_of("demography"));
        if (const auto v = c.text(*t, "demography.", "projection")) {
            s.projection = *v;
            s.projection_at = position(*t->get("projection"));
        }
    }
    if (const auto* t = c.table(root, "travel")) {
        c.known_keys(*t, "travel.", keys_of("travel"));
        s.travel.detour_factor =
            c.number(*t, "travel.", "detour_factor", 1, 3, s.travel.detour_factor);
        s.travel.speed_km_per_h =
            c.number(*t, "travel.", "speed_km_per_h", 1, 130, s.travel.speed_km_per_h, "km/h");
    }
    if (const auto* t = c.table(root, "registration")) {
        c.known_keys(*t, "registration.", keys_of("registration"));
        s.norm_patients_per_gp_fte =
            c.number(*t, "registration.", "norm_patients_per_gp_fte", 500, 5000,
                     s.norm_patients_per_gp_fte, "patients per GP FTE");
    }
    if (const auto* t = c.table(root, "output")) {
        c.known_keys(*t, "output.", keys_of("output"));
        s.compression = static_cast<int>(c.integer(*t, "output.", "compression", 0, 9, 0));
    }
    if (const auto* n = root.get("lever")) {
        if (const auto* arr = n->as_array()) {
            for (std::size_t i = 0; i < arr->size(); ++i) {
                if (const auto* t = arr->get(i)->as_table())
                    parse_lever(c, *t, i, s);
                else
                    c.error(*arr->get(i), fmt::format("lever[{}]", i),
                            "must be a table, written as [[lever]]");
            }
        } else {
            c.error(*n, "lever", "must be written as [[lever]] (an array of tables)");
        }
    }
    c.throw_if_errors();
    return s;
}

lever_set resolve_levers(const scenario& s, const care_parameters& care) {
    checker c(s.file);
    lever_set out;
    std::vector<std::string> need_names;
    for (const auto& n : care.needs)
        need_names.push_back(n.name);
    const std::vector<std::string> settings(setting_names.begin(), setting_names.end());
    for (std::size_t i = 0; i < s.levers.size(); ++i) {
        const auto& l = s.levers[i];
        const auto prefix = fmt::format("lever[{}].", i);
        substitution_lever sub;
        sub.share = l.share;
        sub.start_year = l.start_year;
        sub.ramp_years = l.ramp_years;
        const auto need = care.need_index(l.need);
        if (!need) {
            const auto hint = did_you_mean(l.need, need_names);
            c.error(l.need_at, prefix + "need",
                    fmt::format("unknown need '{}'{}; accepted: {}", l.need, hint,
                                fmt::join(need_names, ", ")));
            continue;
        }
        sub.need = *need;
        bool ok = true;
        for (auto [name, at, field, key] : {std::tuple{&l.from, &l.from_at, &sub.from, "from"},
                                            std::tuple{&l.to, &l.to_at, &sub.to, "to"}}) {
            const auto st = setting_from_name(*name);
            if (!st) {
                const auto hint = did_you_mean(*name, settings);
                c.error(*at, prefix + key,
                        fmt::format("unknown setting '{}'{}; accepted: {}", *name, hint,
                                    fmt::join(settings, ", ")));
                ok = false;
                continue;
            }
            *field = *st;
            if (!care.step(*need, *st)) {
                std::vector<std::string> served;
                for (const auto& row : care.pathways[*need])
                    served.emplace_back(name_of(row.where));
                c.error(
                    *at, prefix + key,
                    fmt::format("need '{}' has no pathway row for setting '{}'; it is served in: "
                                "{} (add a row to pathways.csv to allow it)",
                                l.need, *name, fmt::join(served, ", ")));
                ok = false;
            }
        }
        if (ok && sub.from == sub.to) {
            c.error(l.to_at, prefix + "to", "must differ from `from`");
            ok = false;
        }
        if (ok)
            out.substitution.push_back(sub);
    }
    c.throw_if_errors();
    return out;
}

std::string resolved_text(const scenario& s) {
    toml::table root;
    root.insert("title", s.title);
    if (!s.description.empty())
        root.insert("description", s.description);
    root.insert("region", toml::table{{"data", s.region_dir().string()}});
    root.insert("parameters", toml::table{{"dir", s.parameters_dir.string()}});
    root.insert("time", toml::table{{"start", toml::date{s.time.start.year, s.time.start.month,
                                                         s.time.start.day}},
                                    {"years", s.time.years},
                                    {"step_days", s.time.step_days}});
    root.insert("run", toml::table{{"seed", static_cast<std::int64_t>(s.seed)},
                                   {"replicates", static_cast<std::int64_t>(s.replicates)}});
    root.insert("demography", toml::table{{"projection", s.projection}});
    root.insert("registration",
                toml::table{{"norm_patients_per_gp_fte", s.norm_patients_per_gp_fte}});
    root.insert("travel", toml::table{{"detour_factor", s.travel.detour_factor},
                                      {"speed_km_per_h", s.travel.speed_km_per_h}});
    root.insert("output", toml::table{{"compression", s.compression}});
    toml::array levers;
    for (const auto& l : s.levers)
        levers.push_back(toml::table{{"type", l.type},
                                     {"need", l.need},
                                     {"from", l.from},
                                     {"to", l.to},
                                     {"share", l.share},
                                     {"start_year", l.start_year},
                                     {"ramp_years", l.ramp_years}});
    if (!levers.empty())
        root.insert("lever", std::move(levers));
    std::stringstream out;
    out << "# " << s.file.string()
        << " with every default written out and command-line overrides applied\n"
        << toml::toml_formatter(root) << "\n";
    return out.str();
}

} // namespace zorgsim::io
