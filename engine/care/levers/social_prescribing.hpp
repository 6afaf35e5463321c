// Lever `social_prescribing` (Welzijn op Recept): a share of psychosocial contacts the GP would
// see is referred to a welfare (social-domain) provider instead. A substitution to `welfare`
// with its own defaults, so that planners name only what they change.
#pragma once

#include "engine/care/levers/substitution.hpp"

namespace zorgsim {

struct social_prescribing_lever {
    std::uint32_t need = 0;     // default in scenarios: psychosocial
    setting from = setting::gp; // the setting that refers
    double share = 0;           // of the contacts that would go to `from`, 0..1
    lever_timing when;
};

// The substitution from `from` to `welfare` that this lever is.
substitution_lever as_substitution(const social_prescribing_lever& lever);

} // namespace zorgsim
