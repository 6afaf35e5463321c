// Reads the values of a results file for table export (`zorgsim export`): whole coordinate
// datasets, string attributes, and one block of a variable at a time (all axes after a fixed
// index on its leading axes), so large variables never sit whole in memory. Integers keep their
// exact value, floats are doubles, strings UTF-8. Every failure throws input_error naming the
// file and the dataset.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace zorgsim::io {

// Values of a dataset or block, row-major, in the type class the file stores them in.
struct stored_values {
    enum class kind { int64, uint64, float64, text };
    kind type = kind::float64;
    std::vector<std::int64_t> ints;
    std::vector<std::uint64_t> uints;
    std::vector<double> reals;
    std::vector<std::string> texts;

    std::size_t size() const;
};

class results_table_reader {
public:
    // Throws input_error when the file is missing or not HDF5.
    explicit results_table_reader(const std::filesystem::path& file);
    ~results_table_reader();
    results_table_reader(const results_table_reader&) = delete;
    results_table_reader& operator=(const results_table_reader&) = delete;

    // Whether `path` (e.g. "time" or "network/access_min") names a dataset.
    bool has_dataset(const std::string& path) const;
    // A string attribute of a dataset; "" when absent or not a string.
    std::string string_attribute(const std::string& path, const std::string& name) const;
    // An integer attribute of a dataset; nothing when absent or not an integer.
    std::optional<std::int64_t> int_attribute(const std::string& path,
                                              const std::string& name) const;
    std::vector<std::uint64_t> shape(const std::string& path) const;
    // The whole dataset.
    stored_values read(const std::string& path) const;
    // The block at index `leading` on the first leading.size() axes: every value of the remaining
    // axes. `out` is reused between calls.
    void read_block(const std::string& path, std::span<const std::uint64_t> leading,
                    stored_values& out) const;

private:
    struct open_file; // the HDF5 file id, kept out of this header
    std::filesystem::path path_;
    std::unique_ptr<open_file> file_;
};

} // namespace zorgsim::io
