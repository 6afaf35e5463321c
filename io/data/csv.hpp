// A small strict CSV reader for region and parameter files: a header row, comma-separated fields,
// optional double quotes, '#' comment lines. Every problem is collected with file, line and
// column name; read functions throw one input_error listing them all.
#pragma once

#include <array>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zorgsim::io {

// A fixed catalogue (settings, age bands, ...) as the list of accepted values for csv_file::choice.
template <std::size_t N>
std::vector<std::string> names_of(const std::array<std::string_view, N>& a) {
    return {a.begin(), a.end()};
}

struct csv_row {
    std::size_t line = 0; // 1-based line in the file
    std::vector<std::string> fields;
};

class csv_file {
public:
    // Reads the whole file; throws input_error when it cannot be opened or a row has the wrong
    // number of fields, or a required column is missing from the header.
    static csv_file read(const std::filesystem::path& path,
                         const std::vector<std::string>& required,
                         const std::vector<std::string>& optional = {});

    const std::filesystem::path& path() const { return path_; }
    const std::vector<csv_row>& rows() const { return rows_; }
    bool has(const std::string& column) const;

    // Typed access; on a bad value, records an error and returns the fallback.
    std::string text(const csv_row& r, const std::string& column);
    double number(const csv_row& r, const std::string& column, double min, double max,
                  double fallback = 0);
    std::uint32_t count(const csv_row& r, const std::string& column,
                        std::uint32_t max = 4'000'000'000u);
    // A name from a fixed list; the error lists the accepted names.
    std::size_t choice(const csv_row& r, const std::string& column,
                       const std::vector<std::string>& accepted);

    void error(const csv_row& r, const std::string& column, const std::string& message);
    void error(const std::string& message);
    // Throws input_error with every collected message (at most 25 shown) if there are any.
    void throw_if_errors() const;

private:
    const std::string& raw(const csv_row& r, const std::string& column) const;

    std::filesystem::path path_;
    std::vector<std::string> header_;
    std::vector<csv_row> rows_;
    std::vector<std::string> errors_;
};

} // namespace zorgsim::io
