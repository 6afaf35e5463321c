#include "io/data/csv.hpp"

#include "engine/core/error.hpp"
#include "io/data/names.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fmt/format.h>
#include <fstream>
#include <sstream>

namespace zorgsim::io {
namespace {

std::vector<std::string> split(const std::string& line, char separator, bool& ok) {
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
        } else if (c == separator) {
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

// Occurrences of `c` outside double quotes.
std::size_t count_unquoted(const std::string& line, char c) {
    std::size_t n = 0;
    bool quoted = false;
    for (const char x : line) {
        if (x == '"')
            quoted = !quoted;
        else if (x == c && !quoted)
            ++n;
    }
    return n;
}

bool valid_utf8(const std::string& s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        const std::size_t n = c < 0x80           ? 1
                              : (c >> 5) == 0x6  ? 2
                              : (c >> 4) == 0xE  ? 3
                              : (c >> 3) == 0x1E ? 4
                                                 : 0;
        if (n == 0 || i + n > s.size())
            return false;
        for (std::size_t k = 1; k < n; ++k)
            if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80)
                return false;
        i += n;
    }
    return true;
}

// Windows-1252 (what Excel's plain "CSV" export writes on Dutch Windows) to UTF-8.
std::string utf8_from_windows_1252(const std::string& s) {
    static const char16_t high[32] = {
        0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD, 0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
        0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};
    std::string out;
    out.reserve(s.size() + s.size() / 8);
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        const char32_t u = c < 0x80 ? c : c < 0xA0 ? high[c - 0x80] : c;
        if (u < 0x80) {
            out += static_cast<char>(u);
        } else if (u < 0x800) {
            out += static_cast<char>(0xC0 | (u >> 6));
            out += static_cast<char>(0x80 | (u & 0x3F));
        } else {
            out += static_cast<char>(0xE0 | (u >> 12));
            out += static_cast<char>(0x80 | ((u >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (u & 0x3F));
        }
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
        throw input_error(fmt::format("{}: {}", path.string(),
                                      std::filesystem::exists(path)
                                          ? "cannot open the file (is it readable?)"
                                          : "file not found"));
    std::stringstream whole;
    whole << in.rdbuf();
    std::string text = whole.str();
    if (text.rfind("\xEF\xBB\xBF", 0) == 0) // UTF-8 byte-order mark from Excel's "CSV UTF-8"
        text.erase(0, 3);
    else if (!valid_utf8(text))
        text = utf8_from_windows_1252(text);
    std::istringstream lines(text);
    std::string line;
    std::size_t number = 0;
    bool have_header = false, have_separator = false;
    while (std::getline(lines, line)) {
        ++number;
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.empty() || line[0] == '#')
            continue;
        // Excel's separator hint, written before the header: sep=;
        if (!have_header && !have_separator && line.size() == 5 && line.rfind("sep=", 0) == 0 &&
            (line[4] == ',' || line[4] == ';')) {
            f.separator_ = line[4];
            have_separator = true;
            continue;
        }
        if (!have_header && !have_separator && count_unquoted(line, ',') == 0 &&
            count_unquoted(line, ';') > 0)
            f.separator_ = ';'; // a Dutch spreadsheet export: ';' between fields
        bool ok = true;
        auto fields = split(line, f.separator_, ok);
        if (!ok) {
            f.errors_.push_back(fmt::format(
                "{}:{}: unbalanced double quote; a quoted value must end with a \" before the "
                "next '{}'",
                path.string(), number, f.separator_));
            continue;
        }
        if (!have_header) {
            f.header_ = std::move(fields);
            f.header_line_ = number;
            have_header = true;
            continue;
        }
        if (fields.size() != f.header_.size()) {
            const bool more = fields.size() > f.header_.size();
            f.errors_.push_back(fmt::format(
                "{}:{}: {} fields, but the header has {} columns{}", path.string(), number,
                fields.size(), f.header_.size(),
                !more ? "; give a value (or an empty one) for every column"
                : f.separator_ == ','
                    ? "; a value with a comma in it must be in double quotes, and decimals "
                      "are written with a point (4.87, not 4,87)"
                    : "; a value with a ';' in it must be in double quotes"));
            continue;
        }
        f.rows_.push_back({number, std::move(fields)});
    }
    if (!have_header)
        throw input_error(
            fmt::format("{}: the file is empty; expected a header row with columns {}",
                        path.string(), fmt::join(required, ",")));
    std::vector<std::string> accepted = required;
    accepted.insert(accepted.end(), optional.begin(), optional.end());
    std::vector<std::string> unknown;
    for (const auto& col : f.header_)
        if (std::find(accepted.begin(), accepted.end(), col) == accepted.end())
            unknown.push_back(col);
    std::vector<std::string> missing;
    for (const auto& col : required)
        if (!f.has(col))
            missing.push_back(col);
    for (const auto& col : missing)
        f.header_error(fmt::format("required column '{}' is missing{}; header: {}", col,
                                   did_you_mean(col, unknown),
                                   fmt::join(f.header_, std::string(1, f.separator_))));
    for (const auto& col : unknown) {
        const auto position = static_cast<std::size_t>(
            std::find(f.header_.begin(), f.header_.end(), col) - f.header_.begin() + 1);
        f.header_error(fmt::format("unknown column '{}' (column {}){}; accepted columns: {}", col,
                                   position, did_you_mean(col, missing), fmt::join(accepted, ",")));
    }
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
    const auto& written = raw(r, column);
    std::string s = written;
    std::string hint;
    // A ';'-separated export writes decimals with a comma (4,87); a point is accepted too, but
    // not both, which would be a thousands separator.
    if (separator_ == ';' && s.find(',') != std::string::npos) {
        if (s.find('.') != std::string::npos || s.find(',') != s.rfind(','))
            hint = " (write it without a thousands separator)";
        else
            std::replace(s.begin(), s.end(), ',', '.');
    } else if (s.find(',') != std::string::npos) { // "4,87" in quotes, in a ','-separated file
        hint = " (decimals are written with a point here: 4.87, not 4,87; or save the file with "
               "';' as separator)";
    }
    double v = 0;
    const auto* end = s.data() + s.size();
    const auto [ptr, ec] = std::from_chars(s.data(), end, v);
    if (s.empty() || ec != std::errc{} || ptr != end || !std::isfinite(v) || !hint.empty()) {
        error(r, column,
              fmt::format("'{}' is not a number{}; accepted: {} to {}", written, hint, min, max));
        return fallback;
    }
    if (v < min || v > max) {
        error(r, column, fmt::format("{} is out of range; accepted: {} to {}", written, min, max));
        return fallback;
    }
    return v;
}

std::uint32_t csv_file::count(const csv_row& r, const std::string& column, std::uint32_t max) {
    const auto& s = raw(r, column);
    std::int64_t v = 0;
    const auto* end = s.data() + s.size();
    const auto [ptr, ec] = std::from_chars(s.data(), end, v);
    if (s.empty() || ec != std::errc{} || ptr != end) {
        const bool grouped = separator_ == ';' && s.find('.') != std::string::npos &&
                             s.find_first_not_of("0123456789.") == std::string::npos;
        error(r, column,
              fmt::format("'{}' is not a whole number{}; accepted: 0 to {}", s,
                          grouped ? " (write it without a thousands separator)" : "", max));
        return 0;
    }
    if (v < 0 || v > static_cast<std::int64_t>(max)) {
        error(r, column, fmt::format("{} is out of range; accepted: 0 to {}", s, max));
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
              fmt::format("'{}' is not accepted{}; accepted: {}", s, did_you_mean(s, accepted),
                          name_list(accepted, 20)));
        return 0;
    }
    return static_cast<std::size_t>(it - accepted.begin());
}

void csv_file::error(const csv_row& r, const std::string& column, const std::string& message) {
    error(r.line, column, message);
}

void csv_file::error(std::size_t line, const std::string& column, const std::string& message) {
    errors_.push_back(fmt::format("{}:{}: column '{}': {}", path_.string(), line, column, message));
}

void csv_file::error(const std::string& message) {
    errors_.push_back(fmt::format("{}: {}", path_.string(), message));
}

void csv_file::header_error(const std::string& message) {
    errors_.push_back(fmt::format("{}:{}: {}", path_.string(), header_line_, message));
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

void require_files(const std::filesystem::path& dir,
                   const std::vector<std::filesystem::path>& files, std::string_view kind,
                   std::string_view holds) {
    if (!std::filesystem::is_directory(dir))
        throw input_error(fmt::format("{}: {} directory not found", dir.string(), kind));
    std::vector<std::string> missing;
    for (const auto& file : files)
        if (!std::filesystem::exists(file))
            missing.push_back(file.filename().string());
    if (!missing.empty())
        throw input_error(fmt::format("{}: {} missing; a {} directory holds {}", dir.string(),
                                      fmt::join(missing, ", "), kind, holds));
}

} // namespace zorgsim::io
