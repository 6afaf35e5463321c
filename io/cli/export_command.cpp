// `zorgsim export OUT.h5 --csv DIR`: the variables of a results file as tidy long CSV tables, one
// file per set of variables with the same dimensions (one row per coordinate combination, one
// column per variable). Groups are found in the file, so new variables need no code here. The
// format loads the same under a Dutch or an English locale: UTF-8 with BOM, comma separator, '.'
// decimal point, ISO dates, shortest round-trip numbers, inf and NaN as empty fields.
#include "engine/core/error.hpp"
#include "io/cli/commands.hpp"
#include "io/hdf5/results_reader.hpp"
#include "io/hdf5/results_table.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <sstream>

namespace zorgsim::io {
namespace {

// Excel recognises UTF-8 only with a byte order mark.
constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";
constexpr std::uint64_t excel_max_rows = 1'048'575; // one sheet, without the header
// Values read per block and table; larger variables are read a block of leading axes at a time.
constexpr std::uint64_t block_values = std::uint64_t{1} << 20;

// Label columns written right after a dimension's own column, when the file has the dataset.
// The other coordinates (WSV, care line, lon/lat) stay in the HDF5 file.
struct label_column {
    std::string_view dim, dataset, column;
};
constexpr label_column label_columns[] = {
    {"neighbourhood", "neighbourhood_code", "neighbourhood_code"},
    {"neighbourhood", "neighbourhood_municipality", "municipality"},
    {"provider", "provider_code", "provider_code"},
    {"provider", "provider_kind", "provider_kind"},
};

// RFC 4180: quote a field holding a separator, a quote or a line break; double the quotes.
void append_field(std::string& out, std::string_view s) {
    if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
        out += s;
        return;
    }
    out += '"';
    for (const char c : s) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
}

void append_value(std::string& out, const stored_values& v, std::size_t i) {
    switch (v.type) {
    case stored_values::kind::int64:
        fmt::format_to(std::back_inserter(out), "{}", v.ints[i]);
        return;
    case stored_values::kind::uint64:
        fmt::format_to(std::back_inserter(out), "{}", v.uints[i]);
        return;
    case stored_values::kind::float64:
        // Shortest text that reads back to the same double; inf and NaN become empty (missing).
        if (std::isfinite(v.reals[i]))
            fmt::format_to(std::back_inserter(out), "{}", v.reals[i]);
        return;
    case stored_values::kind::text:
        append_field(out, v.texts[i]);
        return;
    }
}

// "days since 2025-01-01" (CF) -> the start date; nullopt for any other units.
std::optional<std::chrono::sys_days> days_since(const std::string& units) {
    int y = 0;
    unsigned m = 0, d = 0;
    if (std::sscanf(units.c_str(), "days since %d-%u-%u", &y, &m, &d) != 3)
        return std::nullopt;
    const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m},
                                          std::chrono::day{d}};
    if (!ymd.ok())
        return std::nullopt;
    return std::chrono::sys_days{ymd};
}

// One dimension as written in every row: its column header(s) and, per index, its field(s), each
// followed by the separator.
struct axis_labels {
    std::string header;
    std::vector<std::string> fields;
};

// The dimension scale for a variable in `group`: the scale of that name in the group or the
// nearest ancestor (where readers look for it too).
std::string scale_path(const results_table_reader& r, std::string group, const std::string& dim) {
    while (true) {
        const auto path = group.empty() ? dim : group + "/" + dim;
        if (r.has_dataset(path))
            return path;
        if (group.empty())
            return "";
        const auto slash = group.rfind('/');
        group = slash == std::string::npos ? "" : group.substr(0, slash);
    }
}

axis_labels labels_for(const results_table_reader& r, const std::string& group,
                       const std::string& dim, std::uint64_t length) {
    axis_labels a;
    a.fields.assign(length, "");
    const auto scale = scale_path(r, group, dim);
    const auto values = scale.empty() ? stored_values{} : r.read(scale);
    const auto start =
        scale.empty() ? std::nullopt : days_since(r.string_attribute(scale, "units"));
    const bool whole_days =
        start && values.type == stored_values::kind::float64 && values.size() == length &&
        std::all_of(values.reals.begin(), values.reals.end(),
                    [](double x) { return std::abs(x) < 1e7 && x == std::floor(x); });
    if (whole_days) {
        append_field(a.header, dim == "time" ? "date" : dim);
        for (std::uint64_t i = 0; i < length; ++i) {
            const std::chrono::year_month_day ymd{
                *start + std::chrono::days{static_cast<int>(values.reals[i])}};
            a.fields[i] =
                fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                            static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
        }
    } else {
        append_field(a.header, dim);
        for (std::uint64_t i = 0; i < length; ++i) {
            if (values.size() == length)
                append_value(a.fields[i], values, i);
            else
                a.fields[i] = std::to_string(i); // an axis without a scale: its index
        }
    }
    a.header += ',';
    for (auto& f : a.fields)
        f += ',';
    for (const auto& l : label_columns) {
        if (l.dim != dim)
            continue;
        const auto path = scale.empty()
                              ? std::string(l.dataset)
                              : scale.substr(0, scale.size() - dim.size()) + std::string(l.dataset);
        if (!r.has_dataset(path) || r.shape(path) != std::vector<std::uint64_t>{length})
            continue;
        const auto labels = r.read(path);
        a.header += fmt::format("{},", l.column);
        for (std::uint64_t i = 0; i < length; ++i) {
            append_value(a.fields[i], labels, i);
            a.fields[i] += ',';
        }
    }
    return a;
}

struct table {
    std::string group; // "" for the root, "network", ...
    std::vector<std::string> dims;
    std::vector<std::uint64_t> shape;
    std::vector<std::string> variables; // paths
    std::string name;                   // file name without ".csv"
};

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
    std::string out;
    for (const auto& p : parts)
        out += (out.empty() ? "" : std::string(sep)) + p;
    return out;
}

// neighbourhood_setting for (variant, replicate, time, neighbourhood, setting); network_provider
// for network/(provider); year for (variant, replicate, year); time for (variant, replicate, time).
std::string short_name(const table& t) {
    std::vector<std::string> parts;
    for (const auto& d : t.dims)
        if (d != "variant" && d != "replicate" && d != "time")
            parts.push_back(d);
    if (parts.empty())
        parts.emplace_back(
            std::find(t.dims.begin(), t.dims.end(), "time") != t.dims.end() ? "time" : "values");
    if (!t.group.empty())
        parts.insert(parts.begin(), t.group);
    auto name = join(parts, "_");
    std::replace(name.begin(), name.end(), '/', '_');
    return name;
}

std::vector<table> tables_in(const results_contents& c, const results_table_reader& r,
                             const std::vector<std::string>& only) {
    // Coordinates (named in a variable's `coordinates` attribute, or `<dim>_*` along that dim)
    // label rows; they are not variables of their own.
    std::set<std::string> coordinates;
    for (const auto& v : c.variables) {
        std::istringstream names(r.string_attribute(v.path, "coordinates"));
        for (std::string n; names >> n;)
            coordinates.insert(n);
    }
    const auto is_coordinate = [&](const stored_variable& v) {
        return coordinates.contains(v.path) ||
               (v.dims.size() == 1 && v.path.starts_with(v.dims[0] + "_"));
    };
    // A name in `only` picks the variable of that path ("summary/contacts"), or else every
    // variable of that name in any group ("access_min").
    const std::set<std::string> wanted(only.begin(), only.end());
    std::set<std::string> exact, unmatched = wanted;
    for (const auto& v : c.variables)
        if (wanted.contains(v.path) && !is_coordinate(v))
            exact.insert(v.path);
    std::vector<table> tables;
    for (const auto& v : c.variables) {
        const auto slash = v.path.rfind('/');
        const auto group = slash == std::string::npos ? std::string() : v.path.substr(0, slash);
        const auto base = slash == std::string::npos ? v.path : v.path.substr(slash + 1);
        if (is_coordinate(v))
            continue;
        const bool by_path = wanted.contains(v.path);
        const bool by_name = wanted.contains(base) && !exact.contains(base);
        if (!only.empty() && !by_path && !by_name)
            continue;
        unmatched.erase(by_path ? v.path : base);
        if (v.dtype == "other") {
            spdlog::warn("{}: neither a number nor a string; not exported", v.path);
            continue;
        }
        auto it = std::find_if(tables.begin(), tables.end(), [&](const table& t) {
            return t.group == group && t.dims == v.dims && t.shape == v.shape;
        });
        if (it == tables.end()) {
            tables.push_back(table{group, v.dims, v.shape, {}, ""});
            it = std::prev(tables.end());
        }
        it->variables.push_back(v.path);
    }
    if (!unmatched.empty()) {
        std::vector<std::string> held;
        for (const auto& v : c.variables)
            if (!is_coordinate(v))
                held.push_back(v.path);
        throw input_error(fmt::format("--variables: {} not in the file; it holds: {}",
                                      join({unmatched.begin(), unmatched.end()}, ", "),
                                      join(held, ", ")));
    }
    std::map<std::string, int> uses;
    for (auto& t : tables)
        ++uses[t.name = short_name(t)];
    for (auto& t : tables)
        if (uses[t.name] > 1) // e.g. (variant, replicate, time, neighbourhood) and (neighbourhood)
            t.name = (t.group.empty() ? "" : t.group + "_") + join(t.dims, "_");
    return tables;
}

// Writes to PATH.partial and renames it to PATH when complete; removes the partial file on failure.
class csv_file {
public:
    explicit csv_file(std::filesystem::path path) : path_(std::move(path)) {
        partial_ = path_;
        partial_ += ".partial";
        file_ = std::fopen(partial_.c_str(), "wb");
        if (!file_)
            throw output_error(fmt::format("{}: cannot open for writing", partial_.string()));
    }
    csv_file(const csv_file&) = delete;
    csv_file& operator=(const csv_file&) = delete;
    ~csv_file() {
        if (file_) {
            std::fclose(file_);
            std::error_code ec;
            std::filesystem::remove(partial_, ec);
        }
    }
    void write(std::string_view s) {
        if (std::fwrite(s.data(), 1, s.size(), file_) != s.size())
            throw output_error(fmt::format("{}: writing failed", partial_.string()));
    }
    void commit() {
        const bool ok = std::fflush(file_) == 0 && !std::ferror(file_);
        const bool closed = std::fclose(file_) == 0;
        file_ = nullptr;
        std::error_code ec;
        if (!ok || !closed) {
            std::filesystem::remove(partial_, ec);
            throw output_error(fmt::format("{}: writing failed", partial_.string()));
        }
        std::filesystem::rename(partial_, path_, ec);
        if (ec) {
            std::filesystem::remove(partial_, ec);
            throw output_error(fmt::format("{}: cannot rename the finished file to it ({})",
                                           path_.string(), ec.message()));
        }
    }

private:
    std::filesystem::path path_, partial_;
    std::FILE* file_ = nullptr;
};

// Returns the number of rows written.
std::uint64_t write_table(const results_table_reader& r, const table& t,
                          const std::filesystem::path& out) {
    const auto rank = t.dims.size();
    std::vector<axis_labels> axes;
    for (std::size_t d = 0; d < rank; ++d)
        axes.push_back(labels_for(r, t.group, t.dims[d], t.shape[d]));

    std::string buffer(utf8_bom);
    for (const auto& a : axes)
        buffer += a.header;
    for (std::size_t i = 0; i < t.variables.size(); ++i) {
        const auto& p = t.variables[i];
        append_field(buffer, p.substr(p.rfind('/') + 1));
        buffer += i + 1 < t.variables.size() ? "," : "\r\n";
    }

    // Read a block of trailing axes at a time, after an index on `lead` leading axes.
    std::size_t lead = 0;
    std::uint64_t inner = 1;
    for (const auto n : t.shape)
        inner *= n;
    const std::uint64_t rows = inner;
    while (lead < rank && inner * t.variables.size() > block_values)
        inner /= std::max<std::uint64_t>(t.shape[lead++], 1);
    std::uint64_t blocks = 1;
    for (std::size_t d = 0; d < lead; ++d)
        blocks *= t.shape[d];
    if (rows == 0)
        blocks = 0;

    csv_file file(out);
    std::vector<stored_values> values(t.variables.size());
    std::vector<std::uint64_t> index(rank, 0); // of the current row, odometer-style
    for (std::uint64_t b = 0; b < blocks; ++b) {
        const std::span<const std::uint64_t> leading(index.data(), lead);
        for (std::size_t i = 0; i < t.variables.size(); ++i)
            r.read_block(t.variables[i], leading, values[i]);
        for (std::uint64_t j = 0; j < inner; ++j) {
            for (std::size_t d = 0; d < rank; ++d)
                buffer += axes[d].fields[index[d]];
            for (std::size_t i = 0; i < values.size(); ++i) {
                append_value(buffer, values[i], j);
                buffer += i + 1 < values.size() ? "," : "\r\n";
            }
            for (std::size_t d = rank; d-- > 0;) {
                if (++index[d] < t.shape[d])
                    break;
                index[d] = 0;
            }
            if (buffer.size() > (1u << 20)) {
                file.write(buffer);
                buffer.clear();
            }
        }
    }
    file.write(buffer);
    file.commit();
    return rows;
}

} // namespace

int export_command(const std::filesystem::path& results, const std::filesystem::path& dir,
                   const std::vector<std::string>& variables) {
    const auto started = std::chrono::steady_clock::now();
    const auto contents = read_contents(results);
    const results_table_reader reader(results);
    const auto tables = tables_in(contents, reader, variables);

    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec || !std::filesystem::is_directory(dir))
        throw output_error(fmt::format("{}: cannot create the directory{}", dir.string(),
                                       ec ? fmt::format(" ({})", ec.message()) : ""));
    for (const auto& t : tables) {
        const auto path = dir / (t.name + ".csv");
        const auto rows = write_table(reader, t, path);
        fmt::print("{}: {} rows x {} variables ({}){}\n", path.string(), rows, t.variables.size(),
                   join(t.variables, ", "),
                   rows > excel_max_rows ? "; more rows than an Excel sheet holds: load it "
                                           "with Power Query or Power BI"
                                         : "");
    }
    const std::chrono::duration<double> took = std::chrono::steady_clock::now() - started;
    fmt::print("{} CSV files in {} ({:.1f} s)\n", tables.size(), dir.string(), took.count());
    return ok;
}

} // namespace zorgsim::io
