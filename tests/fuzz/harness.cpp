#include "tests/fuzz/harness.hpp"

#include "engine/core/error.hpp"
#include "io/config/scenario.hpp"
#include "io/data/parameter_reader.hpp"
#include "io/data/region_reader.hpp"

#include <array>
#include <fstream>
#include <string>
#include <unistd.h>

namespace zorgsim::fuzz {
namespace {

// A private copy of a valid data folder, made once per process, whose files the harness
// overwrites one at a time (and restores after each input).
class data_copy {
public:
    explicit data_copy(const std::filesystem::path& source, const char* kind)
        : dir_(std::filesystem::temp_directory_path() /
               ("zorgsim-fuzz-" + std::string(kind) + "-" + std::to_string(::getpid()))) {
        std::filesystem::remove_all(dir_);
        std::filesystem::create_directories(dir_);
        for (const auto& e : std::filesystem::directory_iterator(source))
            std::filesystem::copy_file(e.path(), dir_ / e.path().filename());
    }
    ~data_copy() {
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    const std::filesystem::path& dir() const { return dir_; }

    template <typename Read>
    void with_file(const std::string& name, const std::uint8_t* data, std::size_t size, Read read) {
        const auto path = dir_ / name;
        std::string original;
        {
            std::ifstream in(path, std::ios::binary);
            original.assign(std::istreambuf_iterator<char>(in), {});
        }
        std::ofstream(path, std::ios::binary)
            .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
        try {
            read(dir_);
        } catch (const error&) { // zorgsim's own errors: the clear messages users get
        }
        std::ofstream(path, std::ios::binary) << original;
    }

private:
    std::filesystem::path dir_;
};

const std::filesystem::path corpus =
    std::filesystem::path(ZORGSIM_SOURCE_DIR) / "tests" / "bad_inputs";

} // namespace

void scenario(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        io::parse_scenario_text(text, std::filesystem::path(ZORGSIM_SOURCE_DIR) / "scenarios" /
                                          "fuzz.toml");
    } catch (const error&) {
    }
}

void region(const std::uint8_t* data, std::size_t size) {
    static data_copy copy(corpus / "_region", "region");
    static const std::array<const char*, 4> files = {"municipalities.csv", "neighbourhoods.csv",
                                                     "population.csv", "providers.csv"};
    if (size == 0)
        return;
    copy.with_file(files[data[0] % files.size()], data + 1, size - 1,
                   [](const std::filesystem::path& dir) { io::read_region(dir); });
}

void parameters(const std::uint8_t* data, std::size_t size) {
    static data_copy copy(corpus / "_parameters", "parameters");
    static const std::array<const char*, 6> files = {"needs.csv",      "pathways.csv",
                                                     "capacity.csv",   "prevalence.csv",
                                                     "demography.csv", "projection.csv"};
    if (size == 0)
        return;
    copy.with_file(files[data[0] % files.size()], data + 1, size - 1,
                   [](const std::filesystem::path& dir) { io::read_parameters(dir); });
}

} // namespace zorgsim::fuzz
