#include "engine/care/propensity.hpp"

#include <boost/math/special_functions/gamma.hpp>

namespace zorgsim {

std::vector<double> propensity_levels(double shape, std::size_t levels) {
    if (shape <= 0 || levels <= 1)
        return {1.0};
    // For X ~ Gamma(k, 1/k) = Y / k with Y ~ Gamma(k, 1): E[X; Y in (a, b)] = P(k+1, b) - P(k+1,
    // a), with P the regularised lower incomplete gamma function; a slice has probability 1/levels.
    std::vector<double> out(levels);
    double lower = 0; // P(k+1, a) at the slice's lower quantile a
    for (std::size_t j = 0; j < levels; ++j) {
        const double upper =
            j + 1 == levels
                ? 1.0
                : boost::math::gamma_p(
                      shape + 1,
                      boost::math::gamma_p_inv(shape, double(j + 1) / static_cast<double>(levels)));
        out[j] = (upper - lower) * static_cast<double>(levels);
        lower = upper;
    }
    return out;
}

} // namespace zorgsim
