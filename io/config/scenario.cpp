#include "io/config/scenario.hpp"

#include "engine/core/error.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <fstream>
#include <limits>
#include <regex>
#include <sstream>
#include <tuple>

namespace zorgsim::io {
namespace {

// The keys accepted in each table of a scenario file; scenarios/README.md §1.2 lists the same
// set (a test compares them).
const std::vector<std::pair<std::string, std::vector<std::string>>> accepted_keys = {
    {"",
     {"extends", "title", "description", "region", "parameters", "time", "run", "demography",
      "travel", "registration", "output", "lever", "sweep"}},
    {"region", {"builtin", "data"}},
    {"parameters", {"dir"}},
    {"time", {"start", "years", "step_days"}},
    {"run", {"seed", "replicates"}},
    {"demography", {"projection"}},
    {"travel", {"detour_factor", "speed_km_per_h"}},
    {"registration", {"norm_patients_per_gp_fte"}},
    {"output", {"compression"}},
};

// The keys of each lever type: kind, whether required, default and accepted range. The range of
// a year key is the scenario's years; of a `years` key 0 to time.years.
enum class value_kind { name, number };
enum class range_kind { fixed, year, years };
struct key_rule {
    std::string key;
    value_kind kind = value_kind::number;
    bool required = false;
    std::optional<std::string> text_default;
    std::optional<double> number_default;
    range_kind range = range_kind::fixed;
    double min = 0, max = 0;
    std::string unit;
};

key_rule name_key(std::string key, bool required, std::optional<std::string> fallback = {}) {
    return {std::move(key),
            value_kind::name,
            required,
            std::move(fallback),
            {},
            range_kind::fixed,
            0,
            0,
            {}};
}
key_rule number_key(std::string key, bool required, double min, double max,
                    std::optional<double> fallback, std::string unit) {
    return {std::move(key), value_kind::number, required, {}, fallback, range_kind::fixed, min, max,
            std::move(unit)};
}
key_rule start_year_key() {
    return {"start_year",
            value_kind::number,
            false,
            {},
            {},
            range_kind::year,
            0,
            0,
            "(the scenario's years)"};
}
key_rule ramp_years_key() {
    return {"ramp_years", value_kind::number, false, {}, 0.0, range_kind::years, 0, 0, "years"};
}

const std::vector<std::pair<std::string, std::vector<key_rule>>>& lever_rules() {
    static const std::vector<std::pair<std::string, std::vector<key_rule>>> rules = {
        {"substitution",
         {name_key("need", true), name_key("from", true), name_key("to", true),
          number_key("share", true, 0, 1, {}, "(fraction)"), name_key("eligibility", false, "all"),
          start_year_key(), ramp_years_key()}},
        {"capacity",
         {name_key("setting", true), name_key("provider", false),
          number_key("change_share", false, -1, 10, 0.0, "(fraction of the FTE)"),
          number_key("change_fte", false, -100, 100, 0.0, "FTE per provider"), start_year_key(),
          ramp_years_key()}},
        {"workforce_trend",
         {name_key("setting", true),
          number_key("change_per_year", true, -0.5, 0.5, {}, "(fraction per year)"),
          start_year_key(), ramp_years_key()}},
        {"task_shift",
         {name_key("need", false), name_key("from", true), name_key("to", true),
          number_key("share", true, 0, 1, {}, "(fraction)"),
          number_key("minutes_factor", false, 0.1, 5, 1.0, "(x the minutes at `from`)"),
          start_year_key(), ramp_years_key()}},
        {"prevention",
         {name_key("need", true), number_key("reduction", true, 0, 1, {}, "(fraction)"),
          start_year_key(), ramp_years_key()}},
        {"social_prescribing",
         {name_key("need", false, "psychosocial"), name_key("from", false, "gp"),
          number_key("share", true, 0, 1, {}, "(fraction)"), start_year_key(), ramp_years_key()}},
        {"ehealth",
         {name_key("setting", true), name_key("need", false),
          number_key("remote_share", true, 0, 1, {}, "(fraction)"),
          number_key("minutes_saved", true, 0, 1, {}, "(fraction of a contact's minutes)"),
          start_year_key(), ramp_years_key()}},
        {"practice_closure",
         {name_key("provider", true),
          {"year",
           value_kind::number,
           true,
           {},
           {},
           range_kind::year,
           0,
           0,
           "(the scenario's years)"},
          number_key("staff_move_share", false, 0, 1, 0.0, "(fraction)")}},
        {"collaboration",
         {name_key("setting", true), number_key("pooled_share", true, 0, 1, {}, "(fraction)"),
          start_year_key(), ramp_years_key()}},
    };
    return rules;
}

const std::vector<key_rule>* rules_of(const std::string& type) {
    for (const auto& [name, rules] : lever_rules())
        if (name == type)
            return &rules;
    return nullptr;
}

// Every key any lever accepts, "type" first, in first-seen order: the `lever[]` rows of the README.
std::vector<std::string> all_lever_keys() {
    std::vector<std::string> out = {"type"};
    for (const auto& [name, rules] : lever_rules())
        for (const auto& r : rules)
            if (std::find(out.begin(), out.end(), r.key) == out.end())
                out.push_back(r.key);
    return out;
}

std::pair<double, double> range_of(const key_rule& r, const horizon& h) {
    switch (r.range) {
    case range_kind::year:
        return {static_cast<double>(h.start.year), static_cast<double>(h.start.year + h.years)};
    case range_kind::years:
        return {0.0, static_cast<double>(h.years)};
    default:
        return {r.min, r.max};
    }
}

const std::vector<std::string>& keys_of(const std::string& table) {
    for (const auto& [name, keys] : accepted_keys)
        if (name == table)
            return keys;
    throw std::logic_error("no key list for table " + table);
}

source_position position(const toml::node& n) {
    return {static_cast<std::uint32_t>(n.source().begin.line),
            static_cast<std::uint32_t>(n.source().begin.column),
            n.source().path ? *n.source().path : std::string()};
}

// The directory of the file a key is written in, for paths relative to it.
std::filesystem::path dir_of(const toml::node& n, const std::filesystem::path& fallback) {
    if (!n.source().path)
        return fallback;
    return std::filesystem::absolute(*n.source().path).lexically_normal().parent_path();
}

// "directory 'x' not found (did you mean 'y'?); ..." with the nearest folder next to it.
std::string directory_not_found(const std::filesystem::path& p) {
    std::vector<std::string> siblings;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(p.parent_path(), ec))
        if (e.is_directory())
            siblings.push_back(e.path().filename().string());
    std::sort(siblings.begin(), siblings.end());
    return fmt::format("directory '{}' not found{}; a relative path is taken from the folder of "
                       "the file it is written in",
                       p.string(), did_you_mean(p.filename().string(), siblings));
}

// Collects every problem in a scenario file, each with file:line:column and the key path.
class checker {
public:
    explicit checker(std::filesystem::path file) : file_(std::move(file)) {}

    void error(const source_position& at, const std::string& key, const std::string& message) {
        const auto file = at.file.empty() ? file_.string() : at.file;
        errors_.push_back(
            {file, at.line, at.column,
             fmt::format("{}:{}:{}: {}: {}", file, at.line, at.column, key, message)});
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
            error(*n, key,
                  fmt::format("must be a table, written as [{}] on a line of its own, not {}", key,
                              type_name(*n)));
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
                  min == max
                      ? fmt::format("{} is not accepted; accepted: only {}", i->get(), min)
                      : fmt::format("{} is out of range; accepted: {} to {}", i->get(), min, max));
            return fallback;
        }
        return i->get();
    }

    // Throws one config_error listing every problem in reading order: by file (in the order
    // first met), then line and column.
    void throw_if_errors() const {
        if (errors_.empty())
            return;
        std::vector<std::string> files;
        for (const auto& e : errors_)
            if (std::find(files.begin(), files.end(), e.file) == files.end())
                files.push_back(e.file);
        auto sorted = errors_;
        const auto key = [&](const found& e) {
            const auto rank = std::find(files.begin(), files.end(), e.file) - files.begin();
            return std::tuple{rank, e.line, e.column};
        };
        std::stable_sort(sorted.begin(), sorted.end(),
                         [&](const found& a, const found& b) { return key(a) < key(b); });
        std::string msg;
        for (std::size_t i = 0; i < sorted.size(); ++i)
            msg += (i ? "\n" : "") + sorted[i].text;
        throw config_error(msg);
    }

    // What a value is, with the value as written for scalars: `a string ("0.3")`.
    static std::string type_name(const toml::node& n) {
        switch (n.type()) {
        case toml::node_type::string:
            return fmt::format("a string (\"{}\")", n.as_string()->get());
        case toml::node_type::integer:
            return fmt::format("an integer ({})", n.as_integer()->get());
        case toml::node_type::floating_point:
            return fmt::format("a number ({})", n.as_floating_point()->get());
        case toml::node_type::boolean:
            return fmt::format("a boolean ({})", n.as_boolean()->get());
        case toml::node_type::date: {
            const auto d = n.as_date()->get();
            return fmt::format("a date ({:04}-{:02}-{:02})", d.year, +d.month, +d.day);
        }
        case toml::node_type::table:
            return "a table";
        case toml::node_type::array:
            return "an array";
        default:
            return "a date/time";
        }
    }

private:
    struct found {
        std::string file;
        std::uint32_t line = 0, column = 0;
        std::string text;
    };
    std::filesystem::path file_;
    std::vector<found> errors_;
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
    // Pushed even when broken, so that lever[i] in later messages (sweep) keeps its index.
    struct push_on_exit {
        scenario& s;
        lever_spec& l;
        ~push_on_exit() { s.levers.push_back(std::move(l)); }
    } push{s, l};
    const auto type = c.text(t, prefix, "type");
    if (!type) {
        if (!t.get("type"))
            c.error(t, prefix + "type",
                    fmt::format("missing; accepted: {}", fmt::join(lever_type_names, ", ")));
        return;
    }
    const auto* rules = rules_of(*type);
    if (!rules) {
        const auto hint = did_you_mean(*type, {lever_type_names.begin(), lever_type_names.end()});
        c.error(*t.get("type"), prefix + "type",
                fmt::format("unknown lever '{}'{}; accepted: {}", *type, hint,
                            fmt::join(lever_type_names, ", ")));
        return;
    }
    l.type = *type;
    c.known_keys(t, prefix, lever_keys(l.type));
    std::vector<std::string> required;
    for (const auto& r : *rules)
        if (r.required)
            required.push_back(r.key);
    for (const auto& r : *rules) {
        const auto* n = t.get(r.key);
        if (!n) {
            if (r.required)
                c.error(
                    t, prefix + r.key,
                    fmt::format("missing; a {} lever needs {}", l.type, fmt::join(required, ", ")));
            else if (r.text_default)
                l.values[r.key] = lever_value{std::nullopt, *r.text_default, l.at};
            else if (r.number_default)
                l.values[r.key] = lever_value{*r.number_default, {}, l.at};
            else if (r.range == range_kind::year)
                l.values[r.key] = lever_value{static_cast<double>(s.time.start.year), {}, l.at};
            continue;
        }
        if (r.kind == value_kind::name) {
            if (const auto v = c.text(t, prefix, r.key))
                l.values[r.key] = lever_value{std::nullopt, *v, position(*n)};
            continue;
        }
        const auto [min, max] = range_of(r, s.time);
        const double v =
            c.number(t, prefix, r.key, min, max, std::numeric_limits<double>::quiet_NaN(), r.unit);
        if (!std::isnan(v))
            l.values[r.key] = lever_value{v, {}, position(*n)};
    }
    if (l.type == "substitution" && l.has("eligibility")) {
        const auto& who = l.text("eligibility");
        const std::vector<std::string> names(eligibility_names.begin(), eligibility_names.end());
        if (std::find(names.begin(), names.end(), who) == names.end())
            c.error(l.values["eligibility"].at, prefix + "eligibility",
                    fmt::format("unknown eligibility '{}'{}; accepted: {}", who,
                                did_you_mean(who, names), fmt::join(names, ", ")));
    }
    // A ramp that ends after the run would never reach the strength written in the file.
    if (const auto* ramp = t.get("ramp_years");
        ramp && l.has("ramp_years") && l.has("start_year")) {
        const double start = l.number("start_year"), years = l.number("ramp_years");
        const double end = static_cast<double>(s.time.start.year + s.time.years);
        if (start + years > end)
            c.error(*ramp, prefix + "ramp_years",
                    fmt::format("{} runs past the horizon: start_year {} + {} = {}, but the run "
                                "ends at the start of {} (time.start + time.years); accepted: 0 "
                                "to {} for this start_year",
                                years, start, years, start + years, end, end - start));
    }
    if (l.type == "capacity" && !t.get("change_share") && !t.get("change_fte"))
        c.error(t, prefix + "change_share",
                "missing; a capacity lever needs change_share (relative, e.g. 0.25 = +25%) "
                "and/or change_fte (FTE added per provider)");
}

// "lever[3].share" -> (3, "share"); std::nullopt when the text is not of that form.
std::optional<std::pair<std::size_t, std::string>> split_lever_path(const std::string& path) {
    static const std::regex form(R"(lever\[([0-9]{1,6})\]\.([A-Za-z_]+))");
    std::smatch m;
    if (!std::regex_match(path, m, form))
        return std::nullopt;
    return std::pair{static_cast<std::size_t>(std::stoul(m[1].str())), m[2].str()};
}

void parse_sweep(checker& c, const toml::table& t, const std::vector<std::string>& file_order,
                 scenario& s) {
    // toml++ keeps keys sorted by name; the axes follow the files (parents first), then lines.
    std::vector<std::pair<std::string, const toml::node*>> entries;
    for (const auto& [k, v] : t)
        entries.emplace_back(std::string(k.str()), &v);
    const auto rank = [&](const toml::node& n) {
        const auto at = position(n);
        const auto it = std::find(file_order.begin(), file_order.end(), at.file);
        return std::tuple{static_cast<std::size_t>(it - file_order.begin()), at.line, at.column};
    };
    std::stable_sort(entries.begin(), entries.end(), [&](const auto& a, const auto& b) {
        return rank(*a.second) < rank(*b.second);
    });
    for (const auto& [key, node] : entries) {
        const auto name = fmt::format("sweep.\"{}\"", key);
        const auto path = split_lever_path(key);
        if (!path) {
            c.error(*node, name,
                    "not a lever key; write the lever's number and key in quotes, e.g. "
                    "\"lever[0].share\" = [0.1, 0.2]");
            continue;
        }
        const auto [index, lever_key] = *path;
        if (index >= s.levers.size()) {
            c.error(*node, name,
                    s.levers.empty() ? std::string("the scenario has no [[lever]] to sweep")
                    : s.levers.size() == 1
                        ? fmt::format("there is no lever[{}]; accepted: lever[0] (the scenario has "
                                      "one [[lever]], numbered from 0)",
                                      index)
                        : fmt::format("there is no lever[{}]; accepted: lever[0] to lever[{}] "
                                      "(levers are numbered from 0 in file order)",
                                      index, s.levers.size() - 1));
            continue;
        }
        const auto& lever = s.levers[index];
        const auto* rules = rules_of(lever.type);
        if (!rules)
            continue; // reported with the lever
        std::vector<std::string> numeric;
        const key_rule* rule = nullptr;
        for (const auto& r : *rules)
            if (r.kind == value_kind::number) {
                numeric.push_back(r.key);
                if (r.key == lever_key)
                    rule = &r;
            }
        if (!rule) {
            c.error(*node, name,
                    fmt::format("lever[{}] ({}) has no numeric key '{}'{}; accepted: {}", index,
                                lever.type, lever_key, did_you_mean(lever_key, numeric),
                                fmt::join(numeric, ", ")));
            continue;
        }
        const auto* arr = node->as_array();
        if (!arr || arr->empty()) {
            c.error(*node, name,
                    arr ? "is empty; give at least one value, e.g. [0.1, 0.2]"
                        : fmt::format("must be an array of numbers, e.g. [0.1, 0.2], not {}",
                                      checker::type_name(*node)));
            continue;
        }
        sweep_axis axis{key, index, lever_key, {}, position(*node)};
        const auto [min, max] = range_of(*rule, s.time);
        for (std::size_t j = 0; j < arr->size(); ++j) {
            const auto& e = *arr->get(j);
            const auto element = fmt::format("{}[{}]", name, j);
            double v = 0;
            if (const auto* i = e.as_integer())
                v = static_cast<double>(i->get());
            else if (const auto* f = e.as_floating_point())
                v = f->get();
            else {
                c.error(e, element, fmt::format("must be a number, not {}", checker::type_name(e)));
                continue;
            }
            if (!(v >= min && v <= max)) {
                c.error(e, element,
                        fmt::format("{} is out of range for {}; accepted: {} to {}{}", v, lever_key,
                                    min, max, rule->unit.empty() ? "" : " " + rule->unit));
                continue;
            }
            axis.values.push_back(v);
        }
        s.sweep.push_back(std::move(axis));
    }
}

toml::table parse_toml(const std::string& text, const std::filesystem::path& file) {
    try {
        return toml::parse(text, file.string());
    } catch (const toml::parse_error& e) {
        // toml++ words an unterminated string as a control character (the line end) in it.
        const bool open_string =
            e.description().find("unescaped control characters") != std::string_view::npos;
        throw config_error(
            fmt::format("{}:{}:{}: TOML syntax: {}{}", file.string(), e.source().begin.line,
                        e.source().begin.column, e.description(),
                        open_string ? " (is the closing \" of a string missing?)" : ""));
    }
}

// Moves `child` over `parent`: tables merge key by key, [[lever]] arrays are appended (parent
// first), anything else replaces. Moving keeps each node's source file and position.
void merge_into(toml::table& parent, toml::table& child) {
    for (auto&& [k, v] : child) {
        const std::string key(k.str());
        auto* existing = parent.get(key);
        if (key == "lever" && existing && existing->is_array() && v.is_array()) {
            auto& into = *existing->as_array();
            for (auto& e : *v.as_array())
                e.visit([&](auto& x) { into.push_back(std::move(x)); });
        } else if (existing && existing->is_table() && v.is_table()) {
            merge_into(*existing->as_table(), *v.as_table());
        } else {
            v.visit([&](auto& x) { parent.insert_or_assign(key, std::move(x)); });
        }
    }
}

std::string read_text(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw config_error(fmt::format("{}: cannot open the scenario file", file.string()));
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// The scenario with its `extends` chain merged in. `chain` holds the files from the one the
// user named to this one; `parents` receives each parent read, nearest first.
toml::table load_merged(const std::string& text, const std::filesystem::path& file,
                        std::vector<std::filesystem::path>& chain,
                        std::vector<std::filesystem::path>& parents) {
    auto root = parse_toml(text, file);
    chain.push_back(std::filesystem::absolute(file).lexically_normal());
    const auto* n = root.get("extends");
    if (!n)
        return root;
    const auto at = position(*n);
    const auto where = fmt::format("{}:{}:{}: extends", file.string(), at.line, at.column);
    const auto* name = n->as_string();
    if (!name)
        throw config_error(fmt::format("{}: must be a file name in double quotes, not {}", where,
                                       checker::type_name(*n)));
    const auto parent = (chain.back().parent_path() / name->get()).lexically_normal();
    std::vector<std::string> names;
    for (const auto& f : chain)
        names.push_back(f.filename().string());
    names.push_back(parent.filename().string());
    if (std::find(chain.begin(), chain.end(), parent) != chain.end())
        throw config_error(fmt::format("{}: '{}' makes a cycle: {}", where, name->get(),
                                       fmt::join(names, " -> ")));
    if (!std::filesystem::is_regular_file(parent))
        throw config_error(fmt::format("{}: file '{}' not found (chain: {})", where,
                                       parent.string(), fmt::join(names, " -> ")));
    parents.push_back(parent);
    auto merged = load_merged(read_text(parent), parent, chain, parents);
    root.erase("extends");
    merge_into(merged, root);
    return merged;
}

} // namespace

double lever_spec::number(const std::string& key) const {
    return *values.at(key).number;
}
const std::string& lever_spec::text(const std::string& key) const {
    return values.at(key).text;
}

std::vector<std::string> lever_keys(const std::string& type) {
    const auto* rules = rules_of(type);
    if (!rules)
        return {};
    std::vector<std::string> out = {"type"};
    for (const auto& r : *rules)
        out.push_back(r.key);
    return out;
}

std::vector<std::string> scenario_keys() {
    std::vector<std::string> out;
    for (const auto& [table, keys] : accepted_keys)
        for (const auto& k : keys) {
            const bool is_table = k == "lever" || k == "sweep" ||
                                  std::any_of(accepted_keys.begin(), accepted_keys.end(),
                                              [&](const auto& t) { return t.first == k; });
            if (table.empty() && is_table)
                continue; // tables, listed through their keys
            out.push_back(table.empty() ? k : table + "." + k);
        }
    for (const auto& k : all_lever_keys())
        out.push_back("lever[]." + k);
    out.push_back("sweep.\"lever[i].key\"");
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

scenario parse_scenario(const std::filesystem::path& file) {
    return parse_scenario_text(read_text(file), file);
}

scenario parse_scenario_text(const std::string& text, const std::filesystem::path& file) {
    scenario s;
    s.file = std::filesystem::absolute(file).lexically_normal();
    s.text = text;
    std::vector<std::filesystem::path> chain;
    toml::table root = load_merged(text, file, chain, s.extends_chain);
    // Files from the farthest parent to this one: the order of [[lever]] and [sweep] axes.
    std::vector<std::string> file_order;
    for (auto it = s.extends_chain.rbegin(); it != s.extends_chain.rend(); ++it)
        file_order.push_back(it->string());
    file_order.push_back(file.string());

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
            const auto base = dir_of(*t->get("builtin"), dir);
            if (const auto found =
                    find_data_dir(base, std::filesystem::path("regions") / *builtin)) {
                if (base != dir) // written in a parent elsewhere: keep where it was found
                    s.region_data = *found;
            } else {
                const auto known = builtin_regions();
                const auto hint = did_you_mean(*builtin, known);
                c.error(*t->get("builtin"), "region.builtin",
                        fmt::format("no built-in region '{}'{}; accepted: {}", *builtin, hint,
                                    fmt::join(known, ", ")));
            }
            s.region_builtin = *builtin;
        } else if (data) {
            const auto p = (dir_of(*t->get("data"), dir) / *data).lexically_normal();
            if (!std::filesystem::is_directory(p))
                c.error(*t->get("data"), "region.data", directory_not_found(p));
            s.region_data = p;
        } else if (!builtin && !data) {
            c.error(*t, "region",
                    "missing: give builtin = \"amstelland\" or data = \"path/to/dir\"");
        }
    } else {
        c.error(source_position{1, 1, {}}, "region",
                "missing: add [region] with builtin = \"amstelland\"");
    }

    std::optional<std::filesystem::path> params = find_data_dir(dir, "parameters");
    if (const auto* t = c.table(root, "parameters")) {
        c.known_keys(*t, "parameters.", keys_of("parameters"));
        if (const auto d = c.text(*t, "parameters.", "dir")) {
            params = (dir_of(*t->get("dir"), dir) / *d).lexically_normal();
            if (!std::filesystem::is_directory(*params))
                c.error(*t->get("dir"), "parameters.dir", directory_not_found(*params));
        }
    }
    if (!params)
        c.error(source_position{1, 1, {}}, "parameters.dir",
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
    if (const auto* t = c.table(root, "sweep"))
        parse_sweep(c, *t, file_order, s);
    c.throw_if_errors();
    return s;
}

namespace {

// Resolves the names of one lever; problems go to the checker, with the key's own position.
class lever_resolver {
public:
    lever_resolver(checker& c, const care_parameters& care, const provider_table& providers)
        : c_(c), care_(care), providers_(providers) {
        for (const auto& n : care.needs)
            need_names_.push_back(n.name);
        settings_.assign(setting_names.begin(), setting_names.end());
        codes_ = providers.code;
    }

    std::optional<std::uint32_t> need(const lever_spec& l, const std::string& prefix,
                                      const std::string& key = "need") {
        const auto& v = l.values.at(key);
        if (const auto i = care_.need_index(v.text))
            return *i;
        c_.error(v.at, prefix + key,
                 fmt::format("unknown need '{}'{}; accepted: {}", v.text,
                             did_you_mean(v.text, need_names_), fmt::join(need_names_, ", ")));
        return std::nullopt;
    }

    std::optional<setting> where(const lever_spec& l, const std::string& prefix,
                                 const std::string& key, const std::vector<setting>& allowed = {}) {
        const auto& v = l.values.at(key);
        auto accepted = settings_;
        if (!allowed.empty()) {
            accepted.clear();
            for (const auto a : allowed)
                accepted.emplace_back(name_of(a));
        }
        const auto st = setting_from_name(v.text);
        if (st && std::find(accepted.begin(), accepted.end(), v.text) != accepted.end())
            return *st;
        c_.error(v.at, prefix + key,
                 fmt::format("{} setting '{}'{}; accepted: {}",
                             st ? "not accepted here:" : "unknown", v.text,
                             did_you_mean(v.text, accepted), fmt::join(accepted, ", ")));
        return std::nullopt;
    }

    // The provider with this code; with `type`, only providers of that type are accepted.
    std::optional<std::uint32_t> provider(const lever_spec& l, const std::string& prefix,
                                          std::optional<provider_type> type) {
        const auto& v = l.values.at("provider");
        std::vector<std::string> accepted;
        for (std::size_t p = 0; p < providers_.size(); ++p)
            if (!type || providers_.type[p] == *type)
                accepted.push_back(providers_.code[p]);
        for (std::size_t p = 0; p < providers_.size(); ++p)
            if (providers_.code[p] == v.text) {
                if (!type || providers_.type[p] == *type)
                    return static_cast<std::uint32_t>(p);
                c_.error(v.at, prefix + "provider",
                         fmt::format("provider '{}' ({}) is a {}, not a {}; accepted: {}", v.text,
                                     providers_.name[p], name_of(providers_.type[p]),
                                     name_of(*type), name_list(accepted)));
                return std::nullopt;
            }
        c_.error(v.at, prefix + "provider",
                 fmt::format("unknown provider code '{}'{}; accepted: {} (the {}providers in "
                             "providers.csv of the region)",
                             v.text, did_you_mean(v.text, accepted), name_list(accepted),
                             type ? std::string(name_of(*type)) + " " : ""));
        return std::nullopt;
    }

    // Checks that the need has a pathway row at setting `s`; the message lists where it is served.
    bool has_row(const lever_spec& l, const std::string& prefix, const std::string& key,
                 std::uint32_t need, setting s, const std::string& why = "") {
        if (care_.step(need, s))
            return true;
        std::vector<std::string> served;
        for (const auto& row : care_.pathways[need])
            served.emplace_back(name_of(row.where));
        c_.error(l.values.at(key).at, prefix + key,
                 fmt::format("need '{}' has no pathway row for setting '{}'{}; it is served in: "
                             "{} (add a row to pathways.csv to allow it)",
                             care_.needs[need].name, name_of(s), why, fmt::join(served, ", ")));
        return false;
    }

    // Whether any need is served at `s`.
    bool any_row(const lever_spec& l, const std::string& prefix, const std::string& key,
                 setting s) {
        for (std::uint32_t n = 0; n < care_.needs.size(); ++n)
            if (care_.step(n, s))
                return true;
        c_.error(l.values.at(key).at, prefix + key,
                 fmt::format("no need has a pathway row for setting '{}', so the lever would do "
                             "nothing; add rows to pathways.csv or name another setting",
                             name_of(s)));
        return false;
    }

    checker& c_;

private:
    const care_parameters& care_;
    const provider_table& providers_;
    std::vector<std::string> need_names_, settings_, codes_;
};

lever_timing timing_of(const lever_spec& l) {
    return {l.number("start_year"), l.number("ramp_years")};
}

void resolve_one(lever_resolver& r, const lever_spec& l, const std::string& prefix,
                 lever_set& out) {
    auto& c = r.c_;
    if (l.type == "substitution") {
        substitution_lever sub;
        sub.share = l.number("share");
        sub.start_year = l.number("start_year");
        sub.ramp_years = l.number("ramp_years");
        const auto& who = l.text("eligibility");
        for (std::size_t e = 0; e < eligibility_names.size(); ++e)
            if (eligibility_names[e] == who)
                sub.who = static_cast<eligibility>(e);
        const auto need = r.need(l, prefix);
        const auto from = r.where(l, prefix, "from");
        const auto to = r.where(l, prefix, "to");
        if (!need || !from || !to)
            return;
        sub.need = *need;
        sub.from = *from;
        sub.to = *to;
        const bool rows =
            r.has_row(l, prefix, "from", *need, *from) & r.has_row(l, prefix, "to", *need, *to);
        if (rows && *from == *to)
            c.error(l.values.at("to").at, prefix + "to",
                    fmt::format("must differ from `from` (both are '{}'); accepted: any other "
                                "setting",
                                l.text("to")));
        else if (rows)
            out.substitution.push_back(sub);
    } else if (l.type == "capacity") {
        capacity_lever cap;
        cap.change_share = l.number("change_share");
        cap.change_fte = l.number("change_fte");
        cap.when = timing_of(l);
        const auto where = r.where(l, prefix, "setting");
        if (!where)
            return;
        cap.where = *where;
        if (l.has("provider")) {
            const auto p = r.provider(l, prefix, provider_type_of(*where));
            if (!p)
                return;
            cap.provider = *p;
        }
        out.capacity.push_back(cap);
    } else if (l.type == "workforce_trend") {
        workforce_trend_lever w;
        w.change_per_year = l.number("change_per_year");
        w.when = timing_of(l);
        const auto where = r.where(l, prefix, "setting");
        if (!where)
            return;
        w.where = *where;
        out.workforce_trend.push_back(w);
    } else if (l.type == "task_shift") {
        task_shift_lever ts;
        ts.share = l.number("share");
        ts.minutes_factor = l.number("minutes_factor");
        ts.when = timing_of(l);
        std::optional<std::uint32_t> need;
        if (l.has("need") && !(need = r.need(l, prefix)))
            return;
        const auto from = r.where(l, prefix, "from");
        const auto to = r.where(l, prefix, "to");
        if (!from || !to)
            return;
        if (*from == *to) {
            c.error(l.values.at("to").at, prefix + "to",
                    fmt::format("must differ from `from` (both are '{}'); accepted: any other "
                                "setting",
                                l.text("to")));
            return;
        }
        if (need ? !r.has_row(l, prefix, "from", *need, *from)
                 : !r.any_row(l, prefix, "from", *from))
            return;
        ts.need = need;
        ts.from = *from;
        ts.to = *to;
        out.task_shift.push_back(ts);
    } else if (l.type == "prevention") {
        prevention_lever p;
        p.reduction = l.number("reduction");
        p.when = timing_of(l);
        const auto need = r.need(l, prefix);
        if (!need)
            return;
        p.need = *need;
        out.prevention.push_back(p);
    } else if (l.type == "social_prescribing") {
        social_prescribing_lever sp;
        sp.share = l.number("share");
        sp.when = timing_of(l);
        const auto need = r.need(l, prefix);
        const auto from = r.where(l, prefix, "from");
        if (!need || !from)
            return;
        if (*from == setting::welfare) {
            c.error(l.values.at("from").at, prefix + "from",
                    "must not be 'welfare': the lever refers from `from` to welfare");
            return;
        }
        const bool rows =
            r.has_row(l, prefix, "from", *need, *from) &
            r.has_row(l, prefix, "need", *need, setting::welfare,
                      " (social prescribing refers to welfare, which needs its own row)");
        if (!rows)
            return;
        sp.need = *need;
        sp.from = *from;
        out.social_prescribing.push_back(sp);
    } else if (l.type == "ehealth") {
        ehealth_lever e;
        e.remote_share = l.number("remote_share");
        e.minutes_saved = l.number("minutes_saved");
        e.when = timing_of(l);
        const auto where = r.where(l, prefix, "setting");
        if (!where)
            return;
        e.where = *where;
        if (l.has("need")) {
            const auto need = r.need(l, prefix);
            if (!need || !r.has_row(l, prefix, "need", *need, *where))
                return;
            e.need = *need;
        } else if (!r.any_row(l, prefix, "setting", *where)) {
            return;
        }
        out.ehealth.push_back(e);
    } else if (l.type == "practice_closure") {
        practice_closure_lever pc;
        pc.year = l.number("year");
        pc.staff_move_share = l.number("staff_move_share");
        const auto p = r.provider(l, prefix, provider_type::gp_practice);
        if (!p)
            return;
        pc.provider = *p;
        out.practice_closure.push_back(pc);
    } else if (l.type == "collaboration") {
        collaboration_lever co;
        co.pooled_share = l.number("pooled_share");
        co.when = timing_of(l);
        const auto where =
            r.where(l, prefix, "setting", {setting::gp, setting::poh_s, setting::poh_ggz});
        if (!where)
            return;
        co.where = *where;
        out.collaboration.push_back(co);
    }
}

lever_set resolve(const scenario& s, const std::vector<lever_spec>& levers,
                  const care_parameters& care, const provider_table& providers) {
    checker c(s.file);
    lever_resolver r(c, care, providers);
    lever_set out;
    for (std::size_t i = 0; i < levers.size(); ++i)
        resolve_one(r, levers[i], fmt::format("lever[{}].", i), out);
    c.throw_if_errors();
    return out;
}

} // namespace

lever_set resolve_levers(const scenario& s, const care_parameters& care,
                         const provider_table& providers) {
    return resolve(s, s.levers, care, providers);
}

std::vector<variant> build_variants(const scenario& s, const care_parameters& care,
                                    const provider_table& providers) {
    std::vector<variant> out = {variant{"baseline", {}}};
    if (s.levers.empty())
        return out;
    if (s.sweep.empty()) {
        out.push_back(variant{"scenario", resolve_levers(s, care, providers)});
        return out;
    }
    resolve_levers(s, care, providers); // every name problem once, before the variants
    // An odometer over the axes; the first axis varies slowest.
    std::vector<std::size_t> at(s.sweep.size(), 0);
    for (;;) {
        auto levers = s.levers;
        std::vector<std::string> label;
        for (std::size_t a = 0; a < s.sweep.size(); ++a) {
            const auto& axis = s.sweep[a];
            levers[axis.lever].values[axis.lever_key].number = axis.values[at[a]];
            label.push_back(fmt::format("{}={}", axis.key, axis.values[at[a]]));
        }
        out.push_back(variant{fmt::format("{}", fmt::join(label, ", ")),
                              resolve(s, levers, care, providers)});
        std::size_t a = s.sweep.size();
        while (a > 0 && ++at[a - 1] == s.sweep[a - 1].values.size())
            at[--a] = 0;
        if (a == 0)
            return out;
    }
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
    for (const auto& l : s.levers) {
        toml::table t{{"type", l.type}};
        for (const auto& key : lever_keys(l.type)) {
            const auto it = l.values.find(key);
            if (it == l.values.end())
                continue;
            if (it->second.number)
                t.insert(key, *it->second.number);
            else
                t.insert(key, it->second.text);
        }
        levers.push_back(std::move(t));
    }
    if (!levers.empty())
        root.insert("lever", std::move(levers));
    std::stringstream out;
    out << "# " << s.file.string()
        << " with its parents merged, every default written out and command-line "
           "overrides applied\n"
        << toml::toml_formatter(root) << "\n";
    // Written by hand: toml++ sorts a table's keys by name, and the axes' order is the variants'.
    if (!s.sweep.empty()) {
        out << "\n[sweep]\n";
        for (const auto& axis : s.sweep) {
            std::vector<std::string> values;
            for (const double v : axis.values)
                values.push_back(fmt::format("{}", v));
            out << fmt::format("\"{}\" = [{}]\n", axis.key, fmt::join(values, ", "));
        }
    }
    return out.str();
}

} // namespace zorgsim::io
