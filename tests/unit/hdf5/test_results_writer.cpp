#include "engine/core/error.hpp"
#include "engine/sim/engine.hpp"
#include "io/hdf5/network_group.hpp"
#include "io/hdf5/results_writer.hpp"
#include "tests/support/tiny_model.hpp"

#include <catch2/catch.hpp>

#include <hdf5.h>
#include <hdf5_hl.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace zorgsim;
using namespace zorgsim::io;

namespace {
const auto dir = std::filesystem::temp_directory_path() / "zorgsim-test-writer";

// Fails on purpose in the middle of a run, as a disk-full or a bug would.
class failing_recorder final : public recorder {
public:
    void record(const step_view& v) override {
        if (v.step == 10)
            throw output_error("simulated failure");
    }
};
} // namespace

// The provenance a command line would give; the rest stays at its defaults.
results_metadata tiny_metadata() {
    results_metadata meta;
    meta.title = "tiny";
    meta.scenario_file = "tiny.toml";
    meta.scenario_text = "text";
    meta.region = "tiny";
    meta.command_line = "cmd";
    meta.seed = 1;
    meta.threads = 1;
    return meta;
}

TEST_CASE("the writer produces a file only when the run completes", "[hdf5]") {
    std::filesystem::create_directories(dir);
    const model m(testing::tiny_inputs(100));
    run_plan plan;
    plan.replicates = 2;
    const auto out = dir / "tiny.h5";
    std::filesystem::remove(out);
    {
        results_writer w(out, tiny_metadata());
        run(m, plan, w, {1});
    }
    REQUIRE(std::filesystem::exists(out));
    CHECK_FALSE(std::filesystem::exists(out.string() + ".partial"));
    const hid_t f = H5Fopen(out.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    REQUIRE(f >= 0);
    for (const auto& v : results_variables())
        CHECK(H5Lexists(f, v.name.c_str(), H5P_DEFAULT) > 0);
    H5Fclose(f);

    const auto broken = dir / "broken.h5";
    std::filesystem::remove(broken);
    {
        results_writer w(broken, tiny_metadata());
        failing_recorder fail;
        fanout_recorder both({&w, &fail});
        CHECK_THROWS_AS(run(m, plan, both, {1}), output_error);
    }
    CHECK_FALSE(std::filesystem::exists(broken));
    CHECK_FALSE(std::filesystem::exists(broken.string() + ".partial"));
}

TEST_CASE("README.md's output dictionary matches what the writer writes", "[hdf5][docs]") {
    std::ifstream in(std::filesystem::path(ZORGSIM_SOURCE_DIR) / "README.md");
    std::stringstream text;
    text << in.rdbuf();
    const auto all = text.str();
    const auto begin = all.find("<!-- output-dictionary -->");
    const auto end = all.find("<!-- end output-dictionary -->");
    REQUIRE(begin != std::string::npos);
    REQUIRE(end != std::string::npos);
    std::string expected =
        "\n| variable | dimensions | type | units | meaning |\n|---|---|---|---|---|\n";
    for (const auto& v : results_variables()) {
        std::string dims;
        for (const auto& d : v.dims)
            dims += (dims.empty() ? "" : ", ") + d;
        expected += "| `" + v.name + "` | " + dims + " | " + v.dtype + " | " + v.units + " | " +
                    v.long_name + " |\n";
    }
    CHECK(all.substr(begin + 26, end - begin - 26) == expected);
}

TEST_CASE("network/ holds the network results with root dimension scales, README lists them",
          "[hdf5][network]") {
    std::filesystem::create_directories(dir);
    const model m(testing::tiny_inputs(100));
    const auto out = dir / "network.h5";
    {
        results_writer w(out, tiny_metadata());
        run(m, run_plan{}, w, {1});
    }
    const hid_t f = H5Fopen(out.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    REQUIRE(f >= 0);
    CHECK(H5Lexists(f, "provider_type", H5P_DEFAULT) > 0);
    CHECK(H5Lexists(f, "provider_kind", H5P_DEFAULT) > 0);
    for (const auto& v : network_variables()) {
        const auto path = "network/" + v.name;
        REQUIRE(H5Lexists(f, path.c_str(), H5P_DEFAULT) > 0);
        const hid_t ds = H5Dopen2(f, path.c_str(), H5P_DEFAULT);
        CHECK(H5Aexists(ds, "units") > 0);
        for (unsigned axis = 0; axis < v.dims.size(); ++axis) {
            char name[64] = {};
            const auto scale_name = [](hid_t, unsigned, hid_t scale, void* out_name) -> herr_t {
                return H5Iget_name(scale, static_cast<char*>(out_name), 64) > 0 ? 1 : -1;
            };
            CHECK(H5DSiterate_scales(ds, axis, nullptr, scale_name, name) == 1);
            CHECK(std::string(name) == "/" + v.dims[axis]); // the scale in the root group
        }
        H5Dclose(ds);
    }
    // Listed counts as the model registered them.
    std::vector<std::uint32_t> listed(m.providers().size());
    const hid_t ds = H5Dopen2(f, "network/listed", H5P_DEFAULT);
    H5Dread(ds, H5T_NATIVE_UINT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, listed.data());
    H5Dclose(ds);
    H5Fclose(f);
    CHECK(listed == m.registration().listed);

    std::ifstream in(std::filesystem::path(ZORGSIM_SOURCE_DIR) / "README.md");
    std::stringstream text;
    text << in.rdbuf();
    const auto all = text.str();
    const std::string open = "<!-- network-dictionary -->";
    const auto begin = all.find(open);
    const auto end = all.find("<!-- end network-dictionary -->");
    REQUIRE(begin != std::string::npos);
    REQUIRE(end != std::string::npos);
    std::string expected =
        "\n| variable | dimensions | type | units | meaning |\n|---|---|---|---|---|\n";
    for (const auto& v : network_variables()) {
        std::string dims;
        for (const auto& d : v.dims)
            dims += (dims.empty() ? "" : ", ") + d;
        expected += "| `" + v.name + "` | " + dims + " | " + v.dtype + " | " + v.units + " | " +
                    v.long_name + " |\n";
    }
    CHECK(all.substr(begin + open.size(), end - begin - open.size()) == expected);
}
