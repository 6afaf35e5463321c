#include "engine/core/error.hpp"
#include "io/data/parameter_reader.hpp"
#include "io/data/region_reader.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <unistd.h>
#include <fstream>
#include <map>

using namespace zorgsim;
using namespace zorgsim::io;

namespace {
const auto scenarios = std::filesystem::path(ZORGSIM_SOURCE_DIR) / "scenarios";

// A copy of the built-in region with one file replaced, in a fresh temporary directory.
std::filesystem::path region_with(const std::string& file, const std::string& text) {
    // ctest runs test cases as separate processes in parallel: the pid keeps their folders apart.
    static int n = 0;
    const auto dir = std::filesystem::temp_directory_path() /
                     ("zorgsim-test-region-" + std::to_string(::getpid()) + "-" + std::to_string(++n));
    std::filesystem::remove_all(dir);
    std::filesystem::copy(scenarios / "regions" / "amstelland", dir);
    std::ofstream(dir / file) << text;
    return dir;
}

std::string errors_of(const std::filesystem::path& dir) {
    try {
        read_region(dir);
    } catch (const input_error& e) {
        return e.what();
    }
    return "";
}
} // namespace

TEST_CASE("the built-in Amstelland region loads as documented", "[data][amstelland]") {
    const auto d = read_region(scenarios / "regions" / "amstelland");
    REQUIRE(d.area.municipalities.size() == 4);
    std::vector<std::string> names;
    for (const auto& m : d.area.municipalities)
        names.push_back(m.name);
    CHECK_THAT(names, Catch::UnorderedEquals(std::vector<std::string>{"Amstelveen", "Uithoorn",
                                                                      "Aalsmeer", "Ouder-Amstel"}));
    CHECK(d.area.neighbourhoods.size() >= 20);
    CHECK(d.area.wsv_names.size() == 9);
    CHECK(d.area.population() == Approx(175000).epsilon(0.03));
    std::map<provider_type, int> count;
    double gp_fte = 0;
    for (std::size_t q = 0; q < d.providers.size(); ++q) {
        ++count[d.providers.type[q]];
        gp_fte += d.providers.gp_fte[q];
    }
    CHECK(count[provider_type::gp_practice] == 49); // DOMAIN 8.6
    CHECK(gp_fte == Approx(88.0));                  // DOMAIN 8.6
    CHECK(count[provider_type::pharmacy] == 20);
    for (auto t : {provider_type::physiotherapy, provider_type::district_nursing,
                   provider_type::out_of_hours_gp, provider_type::hospital_outpatient,
                   provider_type::emergency_department, provider_type::hospital_admission,
                   provider_type::mental_health_specialist, provider_type::nursing_home})
        CHECK(count[t] >= 1);
    // The academic hospital lies outside the region, as a referral target.
    bool outside = false;
    for (std::size_t q = 0; q < d.providers.size(); ++q)
        outside |= d.providers.municipality[q] == outside_region &&
                   d.providers.type[q] == provider_type::hospital_outpatient;
    CHECK(outside);
}

TEST_CASE("the shipped parameter set loads", "[data][parameters]") {
    const auto p = read_parameters(scenarios / "parameters");
    CHECK(p.care.need_index("acute_gp"));
    CHECK(p.care.need_index("specialist_referral"));
    CHECK_NOTHROW(validate(p.care));
    CHECK(p.prevalence.share[static_cast<std::size_t>(condition::diabetes)][3] ==
          Approx(0.180 * 0.95));
}

TEST_CASE("bad region rows are reported with file, line, column and range", "[data][errors]") {
    const auto e = errors_of(region_with(
        "neighbourhoods.csv",
        "neighbourhood_code,name,municipality_code,wsv,lon_deg,lat_deg,vulnerable_share\n"
        "WK1,A,GM0362,W1,4.8,52.3,0.1\n"
        "WK2,B,GM9999,W1,4.8,52.3,1.5\n"
        "WK1,C,GM0362,W1,abc,52.3,0.1\n"));
    CHECK_THAT(e, Catch::Contains("neighbourhoods.csv:3: column 'municipality_code': 'GM9999' is "
                                  "not in municipalities.csv"));
    CHECK_THAT(e, Catch::Contains("neighbourhoods.csv:3: column 'vulnerable_share': 1.5 is out of "
                                  "range; accepted: 0 to 1"));
    CHECK_THAT(e, Catch::Contains(
                      "neighbourhoods.csv:4: column 'neighbourhood_code': 'WK1' appears twice"));
    CHECK_THAT(e, Catch::Contains("neighbourhoods.csv:4: column 'lon_deg': 'abc' is not a number"));
}

TEST_CASE("structural CSV problems", "[data][errors]") {
    CHECK_THAT(errors_of(region_with("municipalities.csv", "municipality_code,name\nGM1,X\n")),
               Catch::Contains("required column 'population_total' is missing"));
    CHECK_THAT(
        errors_of(region_with("municipalities.csv",
                              "municipality_code,name,population_total,colour\nGM1,X,5,red\n")),
        Catch::Contains("unknown column 'colour'"));
    CHECK_THAT(errors_of(region_with("providers.csv", "provider_code,name\nA,B,C\n")),
               Catch::Contains("providers.csv:2: 3 fields, but the header has 2 columns"));
    CHECK_THAT(
        errors_of(region_with("population.csv", "neighbourhood_code,age_band,sex,persons\n")),
        Catch::Contains("no row for neighbourhood") && Catch::Contains("age_band '0-14'"));
}

TEST_CASE("optional travel times and referral shares are read and checked", "[data][network]") {
    auto dir = region_with("travel_times.csv", "neighbourhood_code,provider_code,travel_min\n"
                                               "WK036201,GP001,4.5\nWK036201,ZA-POLI,12\n");
    std::ofstream(dir / "referrals.csv") << "practice_code,provider_code,share\nGP001,AUMC-POLI,1\n";
    const auto d = read_region(dir);
    REQUIRE(d.travel_matrix.size() == 2);
    CHECK(d.travel_matrix[0].travel_min == 4.5);
    CHECK(d.providers.code[d.travel_matrix[1].provider] == "ZA-POLI");
    REQUIRE(d.referrals.size() == 1);
    CHECK(d.providers.code[d.referrals[0].provider] == "AUMC-POLI");
    CHECK(region_files(dir).size() == 6);

    std::ofstream(dir / "travel_times.csv") << "neighbourhood_code,provider_code,travel_min\n"
                                               "WK999999,GP001,4.5\nWK036201,GP001,-1\n";
    std::ofstream(dir / "referrals.csv") << "practice_code,provider_code,share\nZA-POLI,GP001,0.5\n";
    auto e = errors_of(dir);
    CHECK_THAT(e, Catch::Contains("travel_times.csv:2: column 'neighbourhood_code': 'WK999999' is not in "
                                  "neighbourhoods.csv"));
    CHECK_THAT(e, Catch::Contains("travel_times.csv:3: column 'travel_min': -1 is out of range; accepted: 0 to 1440"));
    std::filesystem::remove(dir / "travel_times.csv");
    e = errors_of(dir);
    CHECK_THAT(e, Catch::Contains("referrals.csv:2: column 'practice_code': 'ZA-POLI' is not a gp_practice"));
    CHECK_THAT(e, Catch::Contains("referrals.csv:2: column 'provider_code': 'GP001' is not a second-line provider"));
}
