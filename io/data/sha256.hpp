// SHA-256 of a file, as `sha256sum` prints it, for the provenance of every input in a results file.
#pragma once

#include <filesystem>
#include <string>

namespace zorgsim::io {

// Lower-case hex digest; throws input_error when the file cannot be read.
std::string sha256_file(const std::filesystem::path& file);
std::string sha256_hex(const std::string& bytes);

} // namespace zorgsim::io
