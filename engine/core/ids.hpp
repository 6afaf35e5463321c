// Dense strong ids and the fixed catalogues (settings, provider types, age bands, sexes) that
// users script against. Ids index columns; names are for files and messages only.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace zorgsim {

enum class resident_id : std::uint32_t {};
enum class neighbourhood_id : std::uint32_t {};
enum class provider_id : std::uint32_t {};

template <typename Id>
constexpr std::uint32_t index(Id id) {
    return static_cast<std::uint32_t>(id);
}

// Where a contact happens and which capacity it uses. The names are fixed (ARCHITECTURE §2).
enum class setting : std::uint8_t {
    gp,
    poh_s,
    poh_ggz,
    out_of_hours_gp,
    pharmacy,
    physiotherapy,
    district_nursing,
    welfare,
    hospital_outpatient,
    emergency_department,
    hospital_admission,
    mental_health_specialist,
    nursing_home,
};
inline constexpr std::size_t setting_count = 13;
inline constexpr std::array<std::string_view, setting_count> setting_names = {
    "gp",
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

enum class provider_type : std::uint8_t {
    gp_practice,
    pharmacy,
    physiotherapy,
    district_nursing,
    welfare,
    out_of_hours_gp,
    hospital_outpatient,
    emergency_department,
    hospital_admission,
    mental_health_specialist,
    nursing_home,
};
inline constexpr std::size_t provider_type_count = 11;
inline constexpr std::array<std::string_view, provider_type_count> provider_type_names = {
    "gp_practice",
    "pharmacy",
    "physiotherapy",
    "district_nursing",
    "welfare",
    "out_of_hours_gp",
    "hospital_outpatient",
    "emergency_department",
    "hospital_admission",
    "mental_health_specialist",
    "nursing_home"};

enum class care_line : std::uint8_t { first, second };

// The provider type whose capacity a setting uses (gp, poh_s and poh_ggz are pools of a practice).
// Inline: it is asked for every need drawn.
constexpr provider_type provider_type_of(setting s) {
    switch (s) {
    case setting::gp:
    case setting::poh_s:
    case setting::poh_ggz:
        return provider_type::gp_practice;
    case setting::out_of_hours_gp:
        return provider_type::out_of_hours_gp;
    case setting::pharmacy:
        return provider_type::pharmacy;
    case setting::physiotherapy:
        return provider_type::physiotherapy;
    case setting::district_nursing:
        return provider_type::district_nursing;
    case setting::welfare:
        return provider_type::welfare;
    case setting::hospital_outpatient:
        return provider_type::hospital_outpatient;
    case setting::emergency_department:
        return provider_type::emergency_department;
    case setting::hospital_admission:
        return provider_type::hospital_admission;
    case setting::mental_health_specialist:
        return provider_type::mental_health_specialist;
    case setting::nursing_home:
        return provider_type::nursing_home;
    }
    return provider_type::gp_practice;
}
care_line line_of(provider_type t);

// Age bands used throughout the parameter set (DOMAIN.md).
inline constexpr std::size_t age_band_count = 6;
inline constexpr std::array<std::string_view, age_band_count> age_band_names = {
    "0-14", "15-44", "45-64", "65-74", "75-84", "85+"};
inline constexpr std::array<std::uint8_t, age_band_count> age_band_first_year = {0,  15, 45,
                                                                                 65, 75, 85};
// Single-year ages run 0..oldest_age_years; nobody survives past it.
inline constexpr std::uint8_t oldest_age_years = 105;
inline constexpr std::size_t age_year_count = oldest_age_years + 1;
std::uint8_t age_band_of(std::uint8_t age_years);

enum class sex : std::uint8_t { female, male };
inline constexpr std::size_t sex_count = 2;
inline constexpr std::array<std::string_view, sex_count> sex_names = {"F", "M"};

// Chronic conditions, one bit each in a resident's condition mask.
enum class condition : std::uint8_t {
    diabetes,
    copd,
    cvrm,
    heart_failure,
    dementia,
    depression,
    frailty
};
inline constexpr std::size_t condition_count = 7;
inline constexpr std::array<std::string_view, condition_count> condition_names = {
    "diabetes", "copd", "cvrm", "heart_failure", "dementia", "depression", "frailty"};
using condition_mask = std::uint8_t;
constexpr condition_mask bit(condition c) {
    return static_cast<condition_mask>(1u << static_cast<unsigned>(c));
}

// Name lookups for files and messages; std::nullopt when the name is not in the catalogue.
std::optional<setting> setting_from_name(std::string_view name);
std::optional<provider_type> provider_type_from_name(std::string_view name);
std::optional<std::size_t> age_band_from_name(std::string_view name);
std::optional<sex> sex_from_name(std::string_view name);
std::optional<condition> condition_from_name(std::string_view name);

constexpr std::string_view name_of(setting s) {
    return setting_names[static_cast<std::size_t>(s)];
}
constexpr std::string_view name_of(provider_type t) {
    return provider_type_names[static_cast<std::size_t>(t)];
}

// "a, b, c" for error messages listing the accepted names.
template <std::size_t N>
std::string joined(const std::array<std::string_view, N>& names);

} // namespace zorgsim

#include <string>
template <std::size_t N>
std::string zorgsim::joined(const std::array<std::string_view, N>& names) {
    std::string out;
    for (auto n : names) {
        if (!out.empty())
            out += ", ";
        out += n;
    }
    return out;
}
