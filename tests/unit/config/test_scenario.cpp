#include "engine/core/error.hpp"
#include "io/config/scenario.hpp"
#include "tests/unit/config/fixtures.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

using namespace zorgsim;
using namespace zorgsim::io;

namespace {
const std::filesystem::path here = testing::scenario_path;

std::string errors_of(const std::string& text) {
    try {
        parse_scenario_text(text, here);
    } catch (const config_error& e) {
        return e.what();
    }
    return "";
}

care_parameters care() {
    return testing::config_care();
}
provider_table providers() {
    return testing::config_providers();
}
} // namespace

TEST_CASE("a complete scenario parses with its values", "[config]") {
    const auto s = parse_scenario_text(R"(
title = "t"
[region]
builtin = "amstelland"
[time]
start = 2026-03-01
years = 5
[run]
seed = 12
replicates = 3
[travel]
speed_km_per_h = 25
[[lever]]
type = "substitution"
need = "chronic_diabetes"
from = "hospital_outpatient"
to = "poh_s"
share = 0.3
start_year = 2027
ramp_years = 1.5
)",
                                       here);
    CHECK(s.title == "t");
    CHECK(s.region_builtin == "amstelland");
    CHECK(std::filesystem::exists(s.region_dir() / "providers.csv"));
    CHECK(std::filesystem::exists(s.parameters_dir / "needs.csv"));
    CHECK(s.time.start == date{2026, 3, 1});
    CHECK(s.time.years == 5);
    CHECK(s.seed == 12);
    CHECK(s.replicates == 3);
    CHECK(s.travel.speed_km_per_h == 25);
    REQUIRE(s.levers.size() == 1);
    CHECK(s.levers[0].number("share") == 0.3);
    const auto levers = resolve_levers(s, care(), providers());
    REQUIRE(levers.substitution.size() == 1);
    CHECK(levers.substitution[0].from == setting::hospital_outpatient);
    CHECK(levers.substitution[0].to == setting::poh_s);
    CHECK(levers.substitution[0].ramp_years == 1.5);
}

TEST_CASE("TOML syntax errors name the line and column", "[config][errors]") {
    const auto e = errors_of("[region]\nbuiltin = \"amstelland\n");
    CHECK_THAT(e, Catch::Contains("test.toml:2:") && Catch::Contains("TOML syntax"));
}

TEST_CASE("all problems are reported together, each with place, key and accepted range",
          "[config][errors]") {
    const auto e = errors_of(R"([region]
builtin = "amstelland"
[time]
start = "2025-01-01"
yeers = 10
[run]
replicates = 0
seed = 1.5
[[lever]]
type = "substitutoin"
)");
    CHECK_THAT(e, Catch::Contains("test.toml:4:") && Catch::Contains("time.start") &&
                      Catch::Contains("must be a date"));
    CHECK_THAT(e, Catch::Contains("test.toml:5:") && Catch::Contains("time.yeers") &&
                      Catch::Contains("did you mean 'years'?"));
    CHECK_THAT(e, Catch::Contains("test.toml:7:") && Catch::Contains("run.replicates") &&
                      Catch::Contains("accepted: 1 to 10000"));
    CHECK_THAT(e, Catch::Contains("run.seed") && Catch::Contains("whole number"));
    CHECK_THAT(e,
               Catch::Contains("lever[0].type") && Catch::Contains("did you mean 'substitution'?"));
}

TEST_CASE("region and lever mistakes", "[config][errors]") {
    CHECK_THAT(errors_of("[region]\nbuiltin = \"amstellnd\"\n"),
               Catch::Contains("no built-in region 'amstellnd'") &&
                   Catch::Contains("did you mean 'amstelland'?"));
    CHECK_THAT(errors_of("title = \"x\"\n"),
               Catch::Contains("region") && Catch::Contains("missing"));
    CHECK_THAT(errors_of("[region]\nbuiltin = \"amstelland\"\n[[lever]]\ntype = \"substitution\"\n"
                         "need = \"x\"\nfrom = \"gp\"\nto = \"poh_s\"\nshare = 1.5\n"),
               Catch::Contains("lever[0].share") && Catch::Contains("accepted: 0 to 1"));

    const auto s = parse_scenario_text(
        "[region]\nbuiltin = \"amstelland\"\n[[lever]]\ntype = \"substitution\"\n"
        "need = \"chronic_diabetis\"\nfrom = \"hospital_outpatient\"\n"
        "to = \"poh_s\"\nshare = 0.5\n",
        here);
    CHECK_THROWS_WITH(resolve_levers(s, care(), providers()),
                      Catch::Contains("test.toml:5:") &&
                          Catch::Contains("did you mean 'chronic_diabetes'?"));
    const auto t = parse_scenario_text(
        "[region]\nbuiltin = \"amstelland\"\n[[lever]]\ntype = \"substitution\"\n"
        "need = \"chronic_diabetes\"\nfrom = \"hospital_outpatient\"\n"
        "to = \"pharmacy\"\nshare = 0.5\n",
        here);
    CHECK_THROWS_WITH(resolve_levers(t, care(), providers()),
                      Catch::Contains("lever[0].to") &&
                          Catch::Contains("no pathway row for setting 'pharmacy'"));
}

TEST_CASE("nearest names for hints", "[config]") {
    CHECK(nearest_name("yeers", {"start", "years", "step_days"}) == "years");
    CHECK(nearest_name("completely_else", {"start", "years"}).empty());
}

TEST_CASE("scenarios/README.md lists exactly the keys the parser accepts", "[config][docs]") {
    std::ifstream in(std::filesystem::path(ZORGSIM_SOURCE_DIR) / "scenarios" / "README.md");
    std::string line;
    bool in_reference = false;
    std::vector<std::string> documented;
    while (std::getline(in, line)) {
        if (line.rfind("### ", 0) == 0)
            in_reference = line.find("Reference: every key") != std::string::npos;
        if (in_reference && line.rfind("| `", 0) == 0)
            documented.push_back(line.substr(3, line.find('`', 3) - 3));
    }
    CHECK_THAT(documented, Catch::UnorderedEquals(scenario_keys()));
}

TEST_CASE("registration.norm_patients_per_gp_fte: default, value and range", "[config]") {
    const std::string head = "[region]\nbuiltin = \"amstelland\"\n";
    CHECK(parse_scenario_text(head, here).norm_patients_per_gp_fte == 2095);
    CHECK(parse_scenario_text(head + "[registration]\nnorm_patients_per_gp_fte = 1800\n", here)
              .norm_patients_per_gp_fte == 1800);
    CHECK_THAT(errors_of(head + "[registration]\nnorm_patients_per_gp_fte = 100\n"),
               Catch::Contains("test.toml:4:") &&
                   Catch::Contains("registration.norm_patients_per_gp_fte: 100 is out of range; "
                                   "accepted: 500 to 5000 patients per GP FTE"));
    CHECK_THAT(errors_of(head + "[registration]\nnorm_patients_per_gpfte = 1800\n"),
               Catch::Contains("did you mean 'norm_patients_per_gp_fte'"));
}
