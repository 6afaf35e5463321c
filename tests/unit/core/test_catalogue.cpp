#include "engine/core/ids.hpp"

#include <catch2/catch.hpp>

using namespace zorgsim;

TEST_CASE("the fixed setting names users script against", "[catalogue]") {
    const std::array<std::string_view, 13> expected = {"gp",
                                                       "poh_s",
                                                       "poh_ggz",
                                                       "out_of_hours_gp",
                                                       "pharmacy",
                                                       "physiotherapy",
                                                       "district_nursing",
                                                       "welfare",
                                                       "hospital_outpatient",
                                                       "emergency_department",
                                                       "hospital_admission",
                                                       "mental_health_specialist",
                                                       "nursing_home"};
    CHECK(setting_names == expected);
    for (std::size_t i = 0; i < setting_count; ++i)
        CHECK(setting_from_name(setting_names[i]) == static_cast<setting>(i));
    CHECK_FALSE(setting_from_name("GP"));
}

TEST_CASE("settings map to the provider type whose capacity they use", "[catalogue]") {
    CHECK(provider_type_of(setting::gp) == provider_type::gp_practice);
    CHECK(provider_type_of(setting::poh_ggz) == provider_type::gp_practice);
    for (std::size_t i = 3; i < setting_count; ++i)
        CHECK(name_of(provider_type_of(static_cast<setting>(i))) == setting_names[i]);
    CHECK(line_of(provider_type::gp_practice) == care_line::first);
    CHECK(line_of(provider_type::out_of_hours_gp) == care_line::first);
    CHECK(line_of(provider_type::hospital_outpatient) == care_line::second);
}

TEST_CASE("ages fall in the DOMAIN age bands", "[catalogue]") {
    CHECK(age_band_of(0) == 0);
    CHECK(age_band_of(14) == 0);
    CHECK(age_band_of(15) == 1);
    CHECK(age_band_of(64) == 2);
    CHECK(age_band_of(65) == 3);
    CHECK(age_band_of(84) == 4);
    CHECK(age_band_of(99) == 5);
    CHECK(age_band_from_name("85+") == 5u);
    CHECK(sex_from_name("F") == sex::female);
    CHECK(condition_from_name("cvrm") == condition::cvrm);
}
