// Replays every file under the given folders through its harness in the normal build: the seed
// corpus (shipped scenarios and data) and every input a fuzzing run found a crash with
// (tests/fuzz/regressions/<target>/), so a fixed crash stays fixed. Exit 1 on the first failure.
#include "tests/fuzz/harness.hpp"

#include <cstdio>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

int main(int argc, char** argv) {
    int files = 0;
    for (int a = 1; a + 1 < argc; a += 2) {
        const std::string target = argv[a];
        const std::filesystem::path dir = argv[a + 1];
        if (!std::filesystem::is_directory(dir))
            continue;
        for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
            if (!e.is_regular_file())
                continue;
            std::ifstream in(e.path(), std::ios::binary);
            const std::vector<std::uint8_t> bytes(std::istreambuf_iterator<char>(in), {});
            try {
                if (target == "scenario")
                    zorgsim::fuzz::scenario(bytes.data(), bytes.size());
                else if (target == "region")
                    zorgsim::fuzz::region(bytes.data(), bytes.size());
                else
                    zorgsim::fuzz::parameters(bytes.data(), bytes.size());
            } catch (const std::exception& ex) {
                std::fprintf(stderr, "FAIL %s %s: %s\n", target.c_str(), e.path().c_str(),
                             ex.what());
                return 1;
            }
            ++files;
        }
    }
    std::printf("%d inputs replayed without a crash\n", files);
    return files > 0 ? 0 : 1;
}
