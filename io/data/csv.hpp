// A small strict CSV reader for region and parameter files: a header row, comma-separated fields,
// optional double quotes, '#' comment lines. Every problem is collected with file, line and
// column name; read functions throw one input_error listing them all. Dutch spreadsheet exports
// are accepted as they come: a UTF-8 byte-order mark, Windows-1252 text, CRLF line ends, and
// ';'-separated files (a header with ';' and no ',', or a `sep=;` first line) whose numbers may
// use a decimal comma (scenarios/README.md, "CSV format").
#pragma once

#include "io/data/names.hpp"

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

// Throws input_error unless `dir` is a directory holding every one of `files`; the message names
// the missing ones and what a `kind` directory ("region", "parameter") holds.
void require_files(const std::filesystem::path& dir,
                   const std::vector<std::filesystem::path>& files, std::string_view kind,
                   std::string_view holds);

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
    std::size_t header_line() const { return header_line_; }
    char separator() const { return separator_; }
    const std::vector<csv_row>& rows() const { return rows_; }
    bool has(const std::string& column) const;

    // Typed access; on a bad value, records an error and returns the fallback.
    std::string text(const csv_row& r, const std::string& column);
    double number(const csv_row& r, const std::string& column, double min, double max,
                  double fallback = 0);
    std::uint32_t count(const csv_row& r, const std::string& column,
                        std::uint32_t max = 4'000'000'000u);
    // A name from a fixed list; the error lists the accepted names and the nearest one.
    std::size_t choice(const csv_row& r, const std::string& column,
                       const std::vector<std::string>& accepted);

    void error(const csv_row& r, const std::string& column, const std::string& message);
    void error(std::size_t line, const std::string& column, const std::string& message);
    void error(const std::string& message);
    // A problem of the file as a whole that is best found at the header ("file:line: message").
    void header_error(const std::string& message);
    // Throws input_error with every collected message (at most 25 shown) if there are any.
    void throw_if_errors() const;

private:
    const std::string& raw(const csv_row& r, const std::string& column) const;

    std::filesystem::path path_;
    char separator_ = ',';
    std::size_t header_line_ = 1;
    std::vector<std::string> header_;
    std::vector<csv_row> rows_;
    std::vector<std::string> errors_;
};

} // namespace zorgsim::io
