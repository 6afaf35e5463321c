#include "io/data/csv.hpp"

#include "engine/core/error.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <fstream>

namespace zorgsim::io {
namespace {

std::vector<std::string> split(const std::string& line, bool& ok) {
    std::vector<std::string> out;
    std::string field;
    bool quoted = false;
    ok = true;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            out.push_back(field);
            field.clear();
        } else {
            field += c;
        }
    }
    ok = !quoted;
    out.push_back(field);
    for (auto& f : out) { // trim spaces around unquoted values
        const auto b = f.find_first_not_of(" \t");
        const auto e = f.find_last_not_of(" \t");
        f = b == std::string::npos ? std::string{} : f.substr(b, e - b + 1);
    }
    return out;
}

} // namespace

csv_file csv_file::read(const std::filesystem::path& path, const std::vector<std::string>& required,
                        const std::vector<std::string>& optional) {
    csv_file f;
    f.path_ = path;
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw input_error(fmt::format("{}: cannot open the file", path.string()));
    std::string line;
    std::size_t number = 0;
    bool have_header = false;
    while (std::getline(in, line)) {
        ++number;
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (number == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) // UTF-8 byte-order mark from Excel
            line.erase(0, 3);
        if (line.empty() || line[0] == '#')
            continue;
        bool ok = true;
        auto fields = split(line, ok);
        if (!ok) {
            f.errors_.push_back(
                fmt::format("{}:{}: unbalanced double quote", path.string(), number));
            continue;
        }
        if (!have_header) {
            f.header_ = std::move(fields);
            have_header = true;
            continue;
        }
        if (fields.size() != f.header_.size()) {
            f.errors_.push_back(fmt::format("{}:{}: {} fields, but the header has {} columns",
                                            path.string(), number, fields.size(),
                                            f.header_.size()));
            continue;
        }
        f.rows_.push_back({number, std::move(fields)});
    }
    if (!have_header)
        throw input_error(
            fmt::format("{}: the file is empty; expected a header row with columns {}",
                        path.string(), fmt::join(required, ",")));
    for (const auto& col : required)
        if (!f.has(col))
            f.errors_.push_back(fmt::format("{}:1: required column '{}' is missing (header: {})",
                                            path.string(), col, fmt::join(f.header_, ",")));
    std::vector<std::string> accepted = required;
    accepted.insert(accepted.end(), optional.begin(), optional.end());
    for (const auto& col : f.header_)
        if (std::find(accepted.begin(), accepted.end(), col) == accepted.end())
            f.errors_.push_back(fmt::format("{}:1: unknown column '{}'; accepted columns: {}",
                                            path.string(), col, fmt::join(accepted, ",")));
    f.throw_if_errors();
    return f;
}

bool csv_file::has(const std::string& column) const {
    return std::find(header_.begin(), header_.end(), column) != header_.end();
}

const std::string& csv_file::raw(const csv_row& r, const std::string& column) const {
    static const std::string empty;
    const auto it = std::find(header_.begin(), header_.end(), column);
    return it == header_.end() ? empty : r.fields[static_cast<std::size_t>(it - header_.begin())];
}

std::string csv_file::text(const csv_row& r, const std::string& column) {
    return raw(r, column);
}

double csv_file::number(const csv_row& r, const std::string& column, double min, double max,
                        double fallback) {
    const auto& s = raw(r, column);
    double v = 0;
    const auto* end = s.data() + s.size();
    const auto [ptr, ec] = std::from_chars(s.data(), end, v);
    if (s.empty() || ec != std::errc{} || ptr != end || !std::isfinite(v)) {
        error(r, column, fmt::format("'{}' is not a number; accepted: {} to {}", s, min, max));
        return fallback;
    }
    if (v < min || v > max) {
        error(r, column, fmt::format("{} is out of range; accepted: {} to {}", s, min, max));
        return fallback;
    }
    return v;
}

std::uint32_t csv_file::count(const csv_row& r, const std::string& column, std::uint32_t max) {
    const auto& s = raw(r, column);
    std::uint64_t v = 0;
    const auto* end = s.data() + s.size();
    const auto [ptr, ec] = std::from_chars(s.data(), end, v);
    if (s.empty() || ec != std::errc{} || ptr != end || v > max) {
        error(r, column, fmt::format("'{}' is not a whole number from 0 to {}", s, max));
        return 0;
    }
    return static_cast<std::uint32_t>(v);
}

std::size_t csv_file::choice(const csv_row& r, const std::string& column,
                             const std::vector<std::string>& accepted) {
    const auto& s = raw(r, column);
    const auto it = std::find(accepted.begin(), accepted.end(), s);
    if (it == accepted.end()) {
        error(r, column,
              fmt::format("'{}' is not accepted; accepted: {}", s, fmt::join(accepted, ", ")));
        return 0;
    }
    return static_cast<std::size_t>(it - accepted.begin());
}

void csv_file::error(const csv_row& r, const std::string& column, const std::string& message) {
    errors_.push_back(
        fmt::format("{}:{}: column '{}': {}", path_.string(), r.line, column, message));
}

void csv_file::error(const std::string& message) {
    errors_.push_back(fmt::format("{}: {}", path_.string(), message));
}

void csv_file::throw_if_errors() const {
    if (errors_.empty())
        return;
    std::string msg;
    const std::size_t shown = std::min<std::size_t>(errors_.size(), 25);
    for (std::size_t i = 0; i < shown; ++i)
        msg += (i ? "\n" : "") + errors_[i];
    if (errors_.size() > shown)
        msg +=
            fmt::format("\n... and {} more problems in {}", errors_.size() - shown, path_.string());
    throw input_error(msg);
}

} // namespace zorgsim::io
