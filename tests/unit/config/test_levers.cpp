// Every lever type through parse and resolve, range errors with positions, `extends`, `[sweep]`
// and the resolved scenario's round trip. Uses a tiny parameter set and provider table of its own.
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
const std::string head = "[region]\nbuiltin = \"amstelland\"\n[time]\nstart = 2025-01-01\n"
                         "years = 10\n";

care_parameters care() {
    return testing::config_care();
}
provider_table providers() {
    return testing::config_providers();
}

std::string parse_errors(const std::string& text, const std::filesystem::path& file = here) {
    try {
        parse_scenario_text(text, file);
    } catch (const config_error& e) {
        return e.what();
    }
    return "";
}

std::string resolve_errors(const std::string& text) {
    try {
        resolve_levers(parse_scenario_text(text, here), care(), providers());
    } catch (const config_error& e) {
        return e.what();
    }
    return "";
}

// A fresh directory for files that extend each other.
std::filesystem::path scratch(const std::string& name) {
    const auto dir = std::filesystem::temp_directory_path() / ("zorgsim-test-levers-" + name);
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

void write(const std::filesystem::path& file, const std::string& text) {
    std::ofstream(file, std::ios::binary) << text;
}

const std::string every_lever = R"(
[[lever]]
type = "substitution"
need = "chronic_diabetes"
from = "hospital_outpatient"
to = "poh_s"
share = 0.4
eligibility = "without_multimorbidity"
start_year = 2026
ramp_years = 2
[[lever]]
type = "capacity"
setting = "poh_s"
provider = "GP002"
change_share = 0.25
change_fte = 0.5
start_year = 2027
[[lever]]
type = "workforce_trend"
setting = "gp"
change_per_year = -0.015
ramp_years = 5
[[lever]]
type = "task_shift"
from = "gp"
to = "poh_s"
share = 0.1
minutes_factor = 1.5
[[lever]]
type = "prevention"
need = "chronic_diabetes"
reduction = 0.05
start_year = 2025.5
[[lever]]
type = "social_prescribing"
share = 0.2
[[lever]]
type = "ehealth"
setting = "gp"
need = "acute_gp"
remote_share = 0.3
minutes_saved = 0.4
[[lever]]
type = "practice_closure"
provider = "GP001"
year = 2027.5
staff_move_share = 0.6
[[lever]]
type = "collaboration"
setting = "poh_ggz"
pooled_share = 0.3
ramp_years = 1
)";
} // namespace

TEST_CASE("every lever type parses and resolves to the engine's lever_set", "[config][levers]") {
    const auto s = parse_scenario_text(head + every_lever, here);
    REQUIRE(s.levers.size() == 9);
    CHECK(s.levers[1].text("provider") == "GP002");
    CHECK(s.levers[5].text("need") == "psychosocial"); // default
    CHECK(s.levers[5].text("from") == "gp");           // default
    CHECK(s.levers[2].number("start_year") == 2025);   // default: first year
    const auto l = resolve_levers(s, care(), providers());

    REQUIRE(l.substitution.size() == 1);
    CHECK(l.substitution[0].need == 0);
    CHECK(l.substitution[0].from == setting::hospital_outpatient);
    CHECK(l.substitution[0].to == setting::poh_s);
    CHECK(l.substitution[0].share == 0.4);
    CHECK(l.substitution[0].who == eligibility::without_multimorbidity);
    CHECK(l.substitution[0].start_year == 2026);
    CHECK(l.substitution[0].ramp_years == 2);

    REQUIRE(l.capacity.size() == 1);
    CHECK(l.capacity[0].where == setting::poh_s);
    CHECK(l.capacity[0].provider == std::optional<std::uint32_t>(1));
    CHECK(l.capacity[0].change_share == 0.25);
    CHECK(l.capacity[0].change_fte == 0.5);
    CHECK(l.capacity[0].when.start_year == 2027);
    CHECK(l.capacity[0].when.ramp_years == 0);

    REQUIRE(l.workforce_trend.size() == 1);
    CHECK(l.workforce_trend[0].where == setting::gp);
    CHECK(l.workforce_trend[0].change_per_year == -0.015);
    CHECK(l.workforce_trend[0].when.start_year == 2025);
    CHECK(l.workforce_trend[0].when.ramp_years == 5);

    REQUIRE(l.task_shift.size() == 1);
    CHECK_FALSE(l.task_shift[0].need.has_value());
    CHECK(l.task_shift[0].from == setting::gp);
    CHECK(l.task_shift[0].to == setting::poh_s);
    CHECK(l.task_shift[0].share == 0.1);
    CHECK(l.task_shift[0].minutes_factor == 1.5);

    REQUIRE(l.prevention.size() == 1);
    CHECK(l.prevention[0].need == 0);
    CHECK(l.prevention[0].reduction == 0.05);
    CHECK(l.prevention[0].when.start_year == 2025.5);

    REQUIRE(l.social_prescribing.size() == 1);
    CHECK(l.social_prescribing[0].need == 2);
    CHECK(l.social_prescribing[0].from == setting::gp);
    CHECK(l.social_prescribing[0].share == 0.2);

    REQUIRE(l.ehealth.size() == 1);
    CHECK(l.ehealth[0].where == setting::gp);
    CHECK(l.ehealth[0].need == std::optional<std::uint32_t>(1));
    CHECK(l.ehealth[0].remote_share == 0.3);
    CHECK(l.ehealth[0].minutes_saved == 0.4);

    REQUIRE(l.practice_closure.size() == 1);
    CHECK(l.practice_closure[0].provider == 0);
    CHECK(l.practice_closure[0].year == 2027.5);
    CHECK(l.practice_closure[0].staff_move_share == 0.6);

    REQUIRE(l.collaboration.size() == 1);
    CHECK(l.collaboration[0].where == setting::poh_ggz);
    CHECK(l.collaboration[0].pooled_share == 0.3);
    CHECK(l.collaboration[0].when.ramp_years == 1);
}

TEST_CASE("defaults of optional lever keys", "[config][levers]") {
    const auto s = parse_scenario_text(head + R"(
[[lever]]
type = "substitution"
need = "chronic_diabetes"
from = "hospital_outpatient"
to = "poh_s"
share = 0.5
[[lever]]
type = "capacity"
setting = "gp"
change_fte = -0.2
[[lever]]
type = "task_shift"
need = "acute_gp"
from = "gp"
to = "poh_s"
share = 0.2
[[lever]]
type = "practice_closure"
provider = "GP002"
year = 2030
)",
                                       here);
    const auto l = resolve_levers(s, care(), providers());
    CHECK(l.substitution.at(0).who == eligibility::all);
    CHECK(l.substitution.at(0).start_year == 2025);
    CHECK(l.substitution.at(0).ramp_years == 0);
    CHECK_FALSE(l.capacity.at(0).provider.has_value());
    CHECK(l.capacity.at(0).change_share == 0);
    CHECK(l.capacity.at(0).change_fte == -0.2);
    CHECK(l.task_shift.at(0).need == std::optional<std::uint32_t>(1));
    CHECK(l.task_shift.at(0).minutes_factor == 1);
    CHECK(l.practice_closure.at(0).provider == 1);
    CHECK(l.practice_closure.at(0).staff_move_share == 0);
}

TEST_CASE("lever range errors name place, key path, value and range, all at once",
          "[config][levers][errors]") {
    const auto e = parse_errors(head + R"([[lever]]
type = "capacity"
setting = "gp"
change_share = -2
start_year = 2040
[[lever]]
type = "workforce_trend"
setting = "gp"
change_per_year = -0.9
ramp_years = 11
[[lever]]
type = "practice_closure"
provider = "GP001"
year = 2024
staff_move_shar = 0.5
[[lever]]
type = "substitution"
need = "chronic_diabetes"
from = "hospital_outpatient"
to = "poh_s"
share = 0.5
eligibility = "without_multimorbidty"
[[lever]]
type = "prevention"
need = "acute_gp"
[[lever]]
type = "capacity"
setting = "gp"
)");
    CHECK_THAT(e, Catch::Contains("test.toml:9:16: lever[0].change_share: -2 is out of range; "
                                  "accepted: -1 to 10 (fraction of the FTE)"));
    CHECK_THAT(e, Catch::Contains("test.toml:10:14: lever[0].start_year: 2040 is out of range; "
                                  "accepted: 2025 to 2035 (the scenario's years)"));
    CHECK_THAT(e, Catch::Contains("test.toml:14:19: lever[1].change_per_year: -0.9 is out of "
                                  "range; accepted: -0.5 to 0.5 (fraction per year)"));
    CHECK_THAT(e, Catch::Contains("test.toml:15:14: lever[1].ramp_years: 11 is out of range; "
                                  "accepted: 0 to 10 years"));
    CHECK_THAT(e, Catch::Contains("test.toml:19:8: lever[2].year: 2024 is out of range"));
    CHECK_THAT(e, Catch::Contains("test.toml:20:19: lever[2].staff_move_shar: unknown key (did you "
                                  "mean 'staff_move_share'?); accepted keys here: type, provider, "
                                  "year, staff_move_share"));
    CHECK_THAT(e,
               Catch::Contains("lever[3].eligibility: unknown eligibility "
                               "'without_multimorbidty' (did you mean 'without_multimorbidity'?)"));
    CHECK_THAT(e, Catch::Contains("lever[4].reduction: missing; a prevention lever needs need, "
                                  "reduction"));
    CHECK_THAT(e, Catch::Contains("lever[5].change_share: missing; a capacity lever needs "
                                  "change_share"));
    // A key of another lever type is unknown here, with this type's keys listed.
    CHECK_THAT(parse_errors(head + "[[lever]]\ntype = \"prevention\"\nneed = \"acute_gp\"\n"
                                   "reduction = 0.1\nshare = 0.2\n"),
               Catch::Contains("lever[0].share: unknown key") &&
                   Catch::Contains("accepted keys here: type, need, reduction, start_year, "
                                   "ramp_years"));
}

TEST_CASE("lever names resolve against needs, settings, pathway rows and providers",
          "[config][levers][errors]") {
    const auto lever = [](const std::string& body) { return head + "[[lever]]\n" + body; };
    // Provider codes: did-you-mean, and practice_closure only accepts a gp_practice.
    CHECK_THAT(resolve_errors(lever("type = \"practice_closure\"\nprovider = \"GP01\"\n"
                                    "year = 2027\n")),
               Catch::Contains("test.toml:8:12: lever[0].provider: unknown provider code 'GP01' "
                               "(did you mean 'GP001'?)") &&
                   Catch::Contains("accepted: GP001, GP002"));
    CHECK_THAT(resolve_errors(lever("type = \"practice_closure\"\nprovider = \"ZH01\"\n"
                                    "year = 2027\n")),
               Catch::Contains("provider 'ZH01' (provider ZH01) is a hospital_outpatient, not a "
                               "gp_practice; accepted: GP001, GP002"));
    CHECK_THAT(
        resolve_errors(lever("type = \"capacity\"\nsetting = \"poh_s\"\nprovider = \"ZH01\"\n"
                             "change_share = 0.1\n")),
        Catch::Contains("lever[0].provider") && Catch::Contains("not a gp_practice"));
    CHECK(resolve_levers(parse_scenario_text(lever("type = \"capacity\"\nsetting = "
                                                   "\"hospital_outpatient\"\nprovider = \"ZH01\"\n"
                                                   "change_share = 0.1\n"),
                                             here),
                         care(), providers())
              .capacity.at(0)
              .provider == std::optional<std::uint32_t>(2));
    // Settings.
    CHECK_THAT(resolve_errors(lever("type = \"workforce_trend\"\nsetting = \"pohs\"\n"
                                    "change_per_year = 0.01\n")),
               Catch::Contains("lever[0].setting: unknown setting 'pohs' (did you mean 'poh_s'?)"));
    CHECK_THAT(resolve_errors(lever("type = \"collaboration\"\nsetting = \"welfare\"\n"
                                    "pooled_share = 0.2\n")),
               Catch::Contains("lever[0].setting: not accepted here: setting 'welfare'") &&
                   Catch::Contains("accepted: gp, poh_s, poh_ggz"));
    // Pathway rows: task_shift needs a `from` row for its need, or some need served at `from`.
    CHECK_THAT(resolve_errors(lever("type = \"task_shift\"\nneed = \"acute_gp\"\nfrom = \"poh_s\"\n"
                                    "to = \"gp\"\nshare = 0.1\n")),
               Catch::Contains("lever[0].from: need 'acute_gp' has no pathway row for setting "
                               "'poh_s'; it is served in: gp"));
    CHECK_THAT(resolve_errors(lever("type = \"task_shift\"\nfrom = \"pharmacy\"\nto = \"gp\"\n"
                                    "share = 0.1\n")),
               Catch::Contains("lever[0].from: no need has a pathway row for setting 'pharmacy'"));
    CHECK_THAT(resolve_errors(lever("type = \"task_shift\"\nfrom = \"gp\"\nto = \"gp\"\n"
                                    "share = 0.1\n")),
               Catch::Contains("lever[0].to: must differ from `from`"));
    // social_prescribing: rows at (need, from) and (need, welfare).
    CHECK_THAT(resolve_errors(lever("type = \"social_prescribing\"\nneed = \"acute_gp\"\n"
                                    "share = 0.1\n")),
               Catch::Contains("test.toml:8:8: lever[0].need: need 'acute_gp' has no pathway row "
                               "for setting 'welfare'"));
    CHECK_THAT(resolve_errors(lever("type = \"social_prescribing\"\nneed = \"psychosocal\"\n"
                                    "share = 0.1\n")),
               Catch::Contains("unknown need 'psychosocal' (did you mean 'psychosocial'?)"));
    // ehealth with a need: the need must be served at the setting.
    CHECK_THAT(resolve_errors(lever("type = \"ehealth\"\nsetting = \"gp\"\nneed = "
                                    "\"chronic_diabetes\"\nremote_share = 0.2\nminutes_saved = "
                                    "0.2\n")),
               Catch::Contains("lever[0].need: need 'chronic_diabetes' has no pathway row for "
                               "setting 'gp'"));
    // Every problem at once, across levers.
    const auto both = resolve_errors(lever("type = \"prevention\"\nneed = \"x\"\nreduction = 0.1\n"
                                           "[[lever]]\ntype = \"prevention\"\nneed = \"y\"\n"
                                           "reduction = 0.1\n"));
    CHECK_THAT(both, Catch::Contains("lever[0].need: unknown need 'x'") &&
                         Catch::Contains("lever[1].need: unknown need 'y'"));
}

TEST_CASE("extends: parent first, child keys override, levers concatenated", "[config][extends]") {
    const auto dir = scratch("merge");
    write(dir / "base.toml", R"(title = "base"
description = "the parent"
[region]
builtin = "amstelland"
[time]
start = 2025-01-01
years = 10
[run]
seed = 7
replicates = 3
[travel]
detour_factor = 1.2
speed_km_per_h = 25
[[lever]]
type = "prevention"
need = "acute_gp"
reduction = 0.1
)");
    write(dir / "middle.toml", R"(extends = "base.toml"
title = "middle"
[travel]
speed_km_per_h = 35
[[lever]]
type = "workforce_trend"
setting = "gp"
change_per_year = -0.015
)");
    const std::string child_text = R"(extends = "middle.toml"
title = "child"
[run]
replicates = 5
[[lever]]
type = "capacity"
setting = "poh_s"
change_share = 0.25
)";
    write(dir / "child.toml", child_text);
    const auto s = parse_scenario(dir / "child.toml");
    CHECK(s.title == "child");
    CHECK(s.description == "the parent");
    CHECK(s.seed == 7);                   // from base
    CHECK(s.replicates == 5);             // child overrides base, key by key
    CHECK(s.travel.detour_factor == 1.2); // from base
    CHECK(s.travel.speed_km_per_h == 35); // middle overrides base within [travel]
    CHECK(s.text == child_text);          // as written
    REQUIRE(s.extends_chain.size() == 2);
    CHECK(s.extends_chain[0].filename() == "middle.toml");
    CHECK(s.extends_chain[1].filename() == "base.toml");
    REQUIRE(s.levers.size() == 3);
    CHECK(s.levers[0].type == "prevention"); // parent's levers first
    CHECK(s.levers[1].type == "workforce_trend");
    CHECK(s.levers[2].type == "capacity");
    // Positions of inherited keys point at the file they are written in.
    CHECK(s.levers[0].values.at("reduction").at.file == (dir / "base.toml").string());
    CHECK(s.levers[0].values.at("reduction").at.line == 17);
    CHECK(s.levers[2].values.at("change_share").at.file == (dir / "child.toml").string());

    // The resolved text has no extends, and parses to the same scenario.
    const auto text = resolved_text(s);
    CHECK(text.find("extends") == std::string::npos);
    const auto again = parse_scenario_text(text, dir / "resolved.toml");
    CHECK(again.replicates == 5);
    CHECK(again.seed == 7);
    CHECK(again.travel.speed_km_per_h == 35);
    REQUIRE(again.levers.size() == 3);
    CHECK(again.levers[1].number("change_per_year") == -0.015);
}

TEST_CASE("extends: errors point at the file where the bad key is written", "[config][extends]") {
    const auto dir = scratch("errors");
    write(dir / "base.toml", "[region]\nbuiltin = \"amstelland\"\n[time]\nyears = 10\n"
                             "[[lever]]\ntype = \"prevention\"\nneed = \"acute_gp\"\n"
                             "reduction = 1.5\n");
    write(dir / "child.toml", "extends = \"base.toml\"\n[run]\nreplicats = 2\n");
    const auto e =
        parse_errors("extends = \"base.toml\"\n[run]\nreplicats = 2\n", dir / "child.toml");
    CHECK_THAT(e,
               Catch::Contains((dir / "base.toml").string() +
                               ":8:13: lever[0].reduction: 1.5 is out of range; accepted: 0 to 1"));
    CHECK_THAT(e, Catch::Contains("child.toml:3:13: run.replicats: unknown key (did you mean "
                                  "'replicates'?)"));
}

TEST_CASE("extends: missing files and cycles name the extends key and the chain",
          "[config][extends][errors]") {
    const auto dir = scratch("cycle");
    write(dir / "a.toml", "title = \"a\"\nextends = \"b.toml\"\n");
    write(dir / "b.toml", "# b\nextends = \"c.toml\"\n");
    write(dir / "c.toml", "extends = \"a.toml\"\n");
    CHECK_THROWS_WITH(parse_scenario(dir / "a.toml"),
                      Catch::Contains((dir / "c.toml").string() + ":1:11: extends: 'a.toml' makes "
                                                                  "a cycle: a.toml -> b.toml -> "
                                                                  "c.toml -> a.toml"));
    write(dir / "self.toml", "extends = \"self.toml\"\n");
    CHECK_THROWS_WITH(parse_scenario(dir / "self.toml"),
                      Catch::Contains("makes a cycle: self.toml -> self.toml"));
    write(dir / "orphan.toml", "title = \"o\"\nextends = \"gone.toml\"\n");
    CHECK_THROWS_WITH(parse_scenario(dir / "orphan.toml"),
                      Catch::Contains("orphan.toml:2:11: extends: file '" +
                                      (dir / "gone.toml").string() +
                                      "' not found (chain: orphan.toml -> gone.toml)"));
    write(dir / "number.toml", "extends = 3\n");
    CHECK_THROWS_WITH(parse_scenario(dir / "number.toml"),
                      Catch::Contains("number.toml:1:11: extends: must be a file name"));
}

TEST_CASE("variants: baseline alone, baseline + scenario, or baseline + the sweep",
          "[config][sweep]") {
    const auto none = build_variants(parse_scenario_text(head, here), care(), providers());
    REQUIRE(none.size() == 1);
    CHECK(none[0].label == "baseline");
    CHECK(none[0].levers.empty());

    const auto one =
        build_variants(parse_scenario_text(head + every_lever, here), care(), providers());
    REQUIRE(one.size() == 2);
    CHECK(one[0].label == "baseline");
    CHECK(one[0].levers.empty());
    CHECK(one[1].label == "scenario");
    CHECK(one[1].levers.collaboration.size() == 1);

    // Axes in file order (not sorted by name), the first varying slowest; a key left at its
    // default (lever[1].start_year) can be swept too.
    const auto s = parse_scenario_text(head + R"(
[[lever]]
type = "substitution"
need = "chronic_diabetes"
from = "hospital_outpatient"
to = "poh_s"
share = 0.5
[[lever]]
type = "prevention"
need = "acute_gp"
reduction = 0.1
[sweep]
"lever[1].start_year" = [2026, 2028]
"lever[0].share" = [0, 0.3, 0.6]
)",
                                       here);
    REQUIRE(s.sweep.size() == 2);
    CHECK(s.sweep[0].key == "lever[1].start_year");
    const auto v = build_variants(s, care(), providers());
    REQUIRE(v.size() == 7);
    CHECK(v[0].label == "baseline");
    CHECK(v[0].levers.empty());
    const std::vector<std::string> labels = {"lever[1].start_year=2026, lever[0].share=0",
                                             "lever[1].start_year=2026, lever[0].share=0.3",
                                             "lever[1].start_year=2026, lever[0].share=0.6",
                                             "lever[1].start_year=2028, lever[0].share=0",
                                             "lever[1].start_year=2028, lever[0].share=0.3",
                                             "lever[1].start_year=2028, lever[0].share=0.6"};
    for (std::size_t i = 0; i < labels.size(); ++i) {
        CHECK(v[i + 1].label == labels[i]);
        REQUIRE(v[i + 1].levers.substitution.size() == 1);
        CHECK(v[i + 1].levers.substitution[0].share == std::vector<double>{0, 0.3, 0.6}[i % 3]);
        CHECK(v[i + 1].levers.prevention[0].when.start_year == (i < 3 ? 2026 : 2028));
        CHECK(v[i + 1].levers.prevention[0].reduction == 0.1);
    }
}

TEST_CASE("sweep over a lever inherited through extends", "[config][sweep][extends]") {
    const auto dir = scratch("sweep");
    write(dir / "base.toml", head + "[[lever]]\ntype = \"prevention\"\nneed = \"acute_gp\"\n"
                                    "reduction = 0.1\n");
    write(dir / "sweep.toml", "extends = \"base.toml\"\n[sweep]\n\"lever[0].reduction\" = "
                              "[0.05, 0.2]\n");
    const auto v = build_variants(parse_scenario(dir / "sweep.toml"), care(), providers());
    REQUIRE(v.size() == 3);
    CHECK(v[1].label == "lever[0].reduction=0.05");
    CHECK(v[2].levers.prevention.at(0).reduction == 0.2);
}

TEST_CASE("bad sweep axes: errors with positions", "[config][sweep][errors]") {
    const auto e = parse_errors(head + R"([[lever]]
type = "substitution"
need = "chronic_diabetes"
from = "hospital_outpatient"
to = "poh_s"
share = 0.5
[sweep]
"lever[0].shar" = [0.1]
"lever[3].share" = [0.1]
"lever[0].share" = [0.2, 1.5, "x"]
"lever[0].ramp_years" = []
"share" = [0.1]
"lever[0].need" = [1]
)");
    CHECK_THAT(e, Catch::Contains("test.toml:13:19: sweep.\"lever[0].shar\": lever[0] "
                                  "(substitution) has no numeric key 'shar' (did you mean "
                                  "'share'?); accepted: share, start_year, ramp_years"));
    CHECK_THAT(e, Catch::Contains("test.toml:14:20: sweep.\"lever[3].share\": there is no "
                                  "lever[3]; accepted: lever[0] (the scenario has one "
                                  "[[lever]], numbered from 0)"));
    CHECK_THAT(e, Catch::Contains("test.toml:15:26: sweep.\"lever[0].share\"[1]: 1.5 is out of "
                                  "range for share; accepted: 0 to 1"));
    CHECK_THAT(e, Catch::Contains("sweep.\"lever[0].share\"[2]: must be a number"));
    CHECK_THAT(e, Catch::Contains("test.toml:16:25: sweep.\"lever[0].ramp_years\": is empty"));
    CHECK_THAT(e, Catch::Contains("sweep.\"share\": not a lever key"));
    CHECK_THAT(e, Catch::Contains("sweep.\"lever[0].need\": lever[0] (substitution) has no "
                                  "numeric key 'need'"));
    CHECK_THAT(parse_errors(head + "[sweep]\n\"lever[0].share\" = [0.1]\n"),
               Catch::Contains("the scenario has no [[lever]] to sweep"));
}

TEST_CASE("resolved_text round-trips every lever type and the sweep", "[config][resolved]") {
    const auto s = parse_scenario_text(head + every_lever +
                                           "[sweep]\n\"lever[8].pooled_share\" = [0.1, 0.5]\n"
                                           "\"lever[0].share\" = [0.25]\n",
                                       here);
    const auto text = resolved_text(s);
    const auto again = parse_scenario_text(text, here);
    REQUIRE(again.levers.size() == s.levers.size());
    for (std::size_t i = 0; i < s.levers.size(); ++i) {
        INFO("lever " << i << " (" << s.levers[i].type << ")");
        CHECK(again.levers[i].type == s.levers[i].type);
        REQUIRE(again.levers[i].values.size() == s.levers[i].values.size());
        for (const auto& [key, value] : s.levers[i].values) {
            INFO(key);
            REQUIRE(again.levers[i].has(key));
            CHECK(again.levers[i].values.at(key).number == value.number);
            CHECK(again.levers[i].values.at(key).text == value.text);
        }
    }
    REQUIRE(again.sweep.size() == 2);
    CHECK(again.sweep[0].key == "lever[8].pooled_share");
    CHECK(again.sweep[0].values == std::vector<double>{0.1, 0.5});
    CHECK(again.sweep[1].key == "lever[0].share");
    const auto a = build_variants(s, care(), providers());
    const auto b = build_variants(again, care(), providers());
    REQUIRE(a.size() == b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
        CHECK(a[i].label == b[i].label);
        CHECK(a[i].levers.substitution.size() == b[i].levers.substitution.size());
    }
    CHECK(b[1].levers.collaboration.at(0).pooled_share == 0.1);
    CHECK(b[2].levers.collaboration.at(0).pooled_share == 0.5);
    CHECK(b[2].levers.substitution.at(0).share == 0.25);
    CHECK(b[2].levers.substitution.at(0).who == eligibility::without_multimorbidity);
    CHECK(b[2].levers.practice_closure.at(0).year == 2027.5);
}
