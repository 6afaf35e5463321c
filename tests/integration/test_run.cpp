// End to end: the zorgsim executable runs a scenario, and the results file is read back with
// the HDF5 C API: dimensions, units, the scenario text, conservation, and thread-independence.
#include <catch2/catch.hpp>

#include <hdf5.h>
#include <hdf5_hl.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

namespace {

const std::filesystem::path work = std::filesystem::current_path() / "integration";
const std::string scenario = std::string(ZORGSIM_TEST_DIR) + "/integration/small.toml";

int run_zorgsim(const std::string& args) {
    const auto cmd = std::string(ZORGSIM_EXE) + " " + args + " > /dev/null 2>&1";
    const int status = std::system(cmd.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

struct file {
    hid_t id;
    explicit file(const std::filesystem::path& p)
        : id(H5Fopen(p.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT)) {}
    ~file() { H5Fclose(id); }
};

std::vector<hsize_t> dims_of(hid_t f, const std::string& name) {
    const hid_t ds = H5Dopen2(f, name.c_str(), H5P_DEFAULT);
    const hid_t sp = H5Dget_space(ds);
    std::vector<hsize_t> d(static_cast<std::size_t>(H5Sget_simple_extent_ndims(sp)));
    H5Sget_simple_extent_dims(sp, d.data(), nullptr);
    H5Sclose(sp);
    H5Dclose(ds);
    return d;
}

template <typename T>
std::vector<T> read(hid_t f, const std::string& name) {
    const auto d = dims_of(f, name);
    const auto n = std::accumulate(d.begin(), d.end(), hsize_t{1}, std::multiplies<>());
    std::vector<T> v(n);
    const hid_t ds = H5Dopen2(f, name.c_str(), H5P_DEFAULT);
    H5Dread(ds, std::is_same_v<T, double> ? H5T_NATIVE_DOUBLE : H5T_NATIVE_UINT32, H5S_ALL, H5S_ALL,
            H5P_DEFAULT, v.data());
    H5Dclose(ds);
    return v;
}

std::string string_attribute(hid_t obj, const std::string& name) {
    const hid_t a = H5Aopen(obj, name.c_str(), H5P_DEFAULT);
    const hid_t t = H5Aget_type(a);
    char* s = nullptr;
    H5Aread(a, t, &s);
    std::string out = s ? s : "";
    H5free_memory(s);
    H5Tclose(t);
    H5Aclose(a);
    return out;
}

std::string scale_name(hid_t f, const std::string& var, unsigned axis) {
    const hid_t ds = H5Dopen2(f, var.c_str(), H5P_DEFAULT);
    std::string name;
    H5DSiterate_scales(
        ds, axis, nullptr,
        [](hid_t, unsigned, hid_t scale, void* out) -> herr_t {
            char buf[64] = {};
            H5DSget_scale_name(scale, buf, sizeof buf);
            *static_cast<std::string*>(out) = buf;
            return 1;
        },
        &name);
    H5Dclose(ds);
    return name;
}

const std::vector<std::string> variables = {
    "residents",    "demand",       "demand_by_need", "contacts", "escalated",
    "unmet",        "cost_eur",     "wait_weeks_sum", "backlog",  "provider_contacts",
    "minutes_used", "capacity_min", "utilisation"};

} // namespace

TEST_CASE("a run writes a complete, self-describing, conserving results file", "[integration]") {
    std::filesystem::create_directories(work);
    const auto out1 = work / "small-1thread.h5";
    const auto out2 = work / "small-2threads.h5";
    std::filesystem::remove(out1);
    std::filesystem::remove(out2);
    REQUIRE(run_zorgsim("run " + scenario + " -o " + out1.string() + " --threads 1 -q") == 0);
    REQUIRE(run_zorgsim("run " + scenario + " -o " + out2.string() + " --threads 2 -q") == 0);
    REQUIRE(std::filesystem::exists(out1));
    CHECK_FALSE(std::filesystem::exists(out1.string() + ".partial"));

    file f(out1);
    REQUIRE(f.id >= 0);
    SECTION("dimensions, units and provenance") {
        const auto demand = dims_of(f.id, "demand");
        REQUIRE(demand.size() == 5);
        CHECK(demand[0] == 2);   // variants: baseline and scenario (small.toml has a lever)
        CHECK(demand[1] == 2);   // replicates
        CHECK(demand[2] == 104); // two years of weeks
        CHECK(demand[4] == 13);  // settings
        const std::vector<std::string> names = {"variant", "replicate", "time", "neighbourhood",
                                                "setting"};
        for (unsigned axis = 0; axis < 5; ++axis)
            CHECK(scale_name(f.id, "demand", axis) == names[axis]);
        CHECK(scale_name(f.id, "backlog", 3) == "provider");
        for (const auto& v : variables) {
            const hid_t ds = H5Dopen2(f.id, v.c_str(), H5P_DEFAULT);
            INFO(v);
            CHECK(H5Aexists(ds, "units") > 0);
            CHECK(H5Aexists(ds, "long_name") > 0);
            H5Dclose(ds);
        }
        const hid_t time = H5Dopen2(f.id, "time", H5P_DEFAULT);
        CHECK(string_attribute(time, "units") == "days since 2025-01-01");
        H5Dclose(time);
        std::ifstream in(scenario);
        std::stringstream text;
        text << in.rdbuf();
        CHECK(string_attribute(f.id, "scenario") == text.str());
        CHECK(string_attribute(f.id, "Conventions") == "CF-1.8");
    }
    SECTION("conservation: every need drawn is served, unmet, or waiting") {
        const auto demand = read<std::uint32_t>(f.id, "demand");
        const auto contacts = read<std::uint32_t>(f.id, "contacts");
        const auto unmet = read<std::uint32_t>(f.id, "unmet");
        const auto backlog = read<std::uint32_t>(f.id, "backlog");
        const auto d = dims_of(f.id, "demand");
        const auto b = dims_of(f.id, "backlog");
        const std::size_t steps = d[2], cells = d[3] * d[4], providers = b[3];
        for (std::size_t r = 0; r < d[1]; ++r) {
            std::uint64_t in = 0, out = 0;
            for (std::size_t k = 0; k < steps; ++k) {
                for (std::size_t c = 0; c < cells; ++c) {
                    const auto at = (r * steps + k) * cells + c;
                    in += demand[at];
                    out += contacts[at] + unmet[at];
                }
                std::uint64_t waiting = 0;
                for (std::size_t q = 0; q < providers; ++q)
                    waiting += backlog[(r * steps + k) * providers + q];
                INFO("replicate " << r << " step " << k);
                REQUIRE(in == out + waiting);
            }
            CHECK(in > 100000);
        }
    }
    SECTION("the same seed at 1 and 2 threads gives identical datasets") {
        file g(out2);
        for (const auto& v : variables) {
            INFO(v);
            if (v == "cost_eur" || v == "minutes_used" || v == "capacity_min" || v == "utilisation")
                CHECK(read<double>(f.id, v) == read<double>(g.id, v));
            else
                CHECK(read<std::uint32_t>(f.id, v) == read<std::uint32_t>(g.id, v));
        }
    }
}
