// Names in error messages about scenario files and CSV data: "did you mean" hints (the nearest
// candidate by edit distance, if within a third of the name's length and at least 2) and short
// lists of the accepted names.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

namespace zorgsim::io {

// Levenshtein-nearest candidate, for "did you mean" hints; empty when nothing is close.
inline std::string nearest_name(const std::string& name,
                                const std::vector<std::string>& candidates) {
    std::string best;
    std::size_t best_distance = std::max<std::size_t>(2, name.size() / 3) + 1;
    for (const auto& c : candidates) {
        std::vector<std::size_t> prev(c.size() + 1), cur(c.size() + 1);
        for (std::size_t j = 0; j <= c.size(); ++j)
            prev[j] = j;
        for (std::size_t i = 1; i <= name.size(); ++i) {
            cur[0] = i;
            for (std::size_t j = 1; j <= c.size(); ++j)
                cur[j] = std::min(
                    {prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (name[i - 1] == c[j - 1] ? 0 : 1)});
            std::swap(prev, cur);
        }
        if (prev[c.size()] < best_distance) {
            best_distance = prev[c.size()];
            best = c;
        }
    }
    return best;
}

// " (did you mean 'x'?)" for the nearest candidate, or "" when nothing is close.
inline std::string did_you_mean(const std::string& name,
                                const std::vector<std::string>& candidates) {
    const auto hint = nearest_name(name, candidates);
    return hint.empty() ? "" : " (did you mean '" + hint + "'?)";
}

// "a, b, c" for an error message; longer lists show their first `shown` names and the count.
inline std::string name_list(const std::vector<std::string>& names, std::size_t shown = 12) {
    std::string out;
    for (std::size_t i = 0; i < names.size() && i < shown; ++i)
        out += (i ? ", " : "") + names[i];
    if (names.size() > shown)
        out += ", ... (" + std::to_string(names.size()) + " in all)";
    return out;
}

} // namespace zorgsim::io
