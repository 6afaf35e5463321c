#include "engine/care/propensity.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <numeric>

using namespace zorgsim;

TEST_CASE("propensity levels are slice means of a mean-1 gamma distribution", "[propensity]") {
    CHECK(propensity_levels(0.0) == std::vector<double>{1.0});
    for (double shape : {0.5, 0.7, 1.0, 3.0}) {
        const auto m = propensity_levels(shape);
        REQUIRE(m.size() == propensity_levels_used);
        const double mean = std::accumulate(m.begin(), m.end(), 0.0) / m.size();
        CHECK(mean == Approx(1.0).epsilon(1e-9));
        for (std::size_t j = 1; j < m.size(); ++j)
            CHECK(m[j] > m[j - 1]);
        // Shape 1 is the exponential distribution: the lowest slice, 0 to the 1/8 quantile a,
        // has mean (integral of x e^-x from 0 to a) / (1/8), by hand.
        if (shape == 1.0) {
            const double q = 1.0 / 8, a = -std::log(1 - q);
            const double slice_mean = (1 - std::exp(-a) * (1 + a)) / q; // int_0^a x e^-x dx / q
            CHECK(m[0] == Approx(slice_mean).epsilon(1e-9));
        }
        // The share with no need in a year is close to the negative binomial's (1 + mu/k)^-k,
        // which the continuous gamma mixture of Poisson counts gives.
        for (double mu : {0.5, 2.5, 5.3}) {
            double p0 = 0;
            for (double x : m)
                p0 += std::exp(-mu * x) / m.size();
            INFO("shape " << shape << ", mean " << mu);
            CHECK(p0 == Approx(std::pow(1 + mu / shape, -shape)).margin(0.02));
        }
    }
}
