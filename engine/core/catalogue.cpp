#include "engine/core/ids.hpp"

#include <algorithm>

namespace zorgsim {
namespace {
template <typename E, std::size_t N>
std::optional<E> find_name(const std::array<std::string_view, N>& names, std::string_view name) {
    auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end())
        return std::nullopt;
    return static_cast<E>(it - names.begin());
}
} // namespace

care_line line_of(provider_type t) {
    switch (t) {
    case provider_type::hospital_outpatient:
    case provider_type::emergency_department:
    case provider_type::hospital_admission:
    case provider_type::mental_health_specialist:
    case provider_type::nursing_home:
        return care_line::second;
    default:
        return care_line::first;
    }
}

std::uint8_t age_band_of(std::uint8_t age_years) {
    std::uint8_t band = 0;
    for (std::size_t b = 1; b < age_band_count; ++b)
        if (age_years >= age_band_first_year[b])
            band = static_cast<std::uint8_t>(b);
    return band;
}

std::optional<setting> setting_from_name(std::string_view n) {
    return find_name<setting>(setting_names, n);
}
std::optional<provider_type> provider_type_from_name(std::string_view n) {
    return find_name<provider_type>(provider_type_names, n);
}
std::optional<std::size_t> age_band_from_name(std::string_view n) {
    return find_name<std::size_t>(age_band_names, n);
}
std::optional<sex> sex_from_name(std::string_view n) {
    return find_name<sex>(sex_names, n);
}
std::optional<condition> condition_from_name(std::string_view n) {
    return find_name<condition>(condition_names, n);
}

} // namespace zorgsim
