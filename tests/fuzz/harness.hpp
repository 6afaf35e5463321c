// Fuzz harnesses for the parsers users feed by hand: scenario TOML, region CSVs and parameter
// CSVs. Each takes arbitrary bytes and must either accept them or throw one of zorgsim's own
// errors (the ones the command line turns into exit code 2); anything else is a bug. Shared by
// the libFuzzer targets (clang, `make fuzz`) and the replay test of the normal build.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>

namespace zorgsim::fuzz {

// The scenario reader on a file's text (positions, extends resolved next to the source tree).
void scenario(const std::uint8_t* data, std::size_t size);
// The region reader on a small valid region whose file number data[0] % 4 is replaced by the
// rest of the bytes.
void region(const std::uint8_t* data, std::size_t size);
// The parameter reader the same way, over its six files.
void parameters(const std::uint8_t* data, std::size_t size);

} // namespace zorgsim::fuzz
