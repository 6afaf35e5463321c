#include "engine/core/radix_sort.hpp"
#include "engine/core/rng.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cmath>

using namespace zorgsim;

TEST_CASE("keyed random numbers depend only on their key", "[rng]") {
    const keyed_rng a(42, 0), b(42, 0), other_seed(43, 0), other_rep(42, 1);
    CHECK(a.words(rng_stream::demand_count, 7, 3) == b.words(rng_stream::demand_count, 7, 3));
    CHECK(a.words(rng_stream::demand_count, 7, 3) != a.words(rng_stream::demand_count, 7, 4));
    CHECK(a.words(rng_stream::demand_count, 7, 3) != a.words(rng_stream::demand_detail, 7, 3));
    CHECK(a.words(rng_stream::demand_count, 7, 3) != a.words(rng_stream::demand_count, 7, 3, 1));
    CHECK(a.words(rng_stream::demand_count, 7, 3) !=
          other_seed.words(rng_stream::demand_count, 7, 3));
    CHECK(a.words(rng_stream::demand_count, 7, 3) !=
          other_rep.words(rng_stream::demand_count, 7, 3));
}

TEST_CASE("eight entities' words at once are those drawn one by one", "[rng]") {
    const keyed_rng r(0x123456789ABCDEFull, 3);
    std::array<std::uint32_t, 8> ids{};
    for (std::uint32_t k = 0; k < 1000; ++k) {
        for (std::uint32_t b = 0; b < 8; ++b)
            ids[b] = k * 2654435761u + b * 40503u;
        std::array<std::array<std::uint32_t, 4>, 8> out;
        r.words8(rng_stream::demand_detail, ids.data(), k, k % 5, out.data());
        for (std::uint32_t b = 0; b < 8; ++b)
            REQUIRE(out[b] == r.words(rng_stream::demand_detail, ids[b], k, k % 5));
    }
}

TEST_CASE("uniforms lie in (0,1) with mean 1/2 and variance 1/12", "[rng]") {
    const keyed_rng r(1, 0);
    double sum = 0, sum2 = 0;
    const int n = 200000;
    for (int i = 0; i < n; ++i) {
        const double u = keyed_rng::uniform(
            r.words(rng_stream::demand_count, static_cast<std::uint32_t>(i), 0)[0]);
        REQUIRE(u > 0);
        REQUIRE(u < 1);
        sum += u;
        sum2 += u * u;
    }
    const double mean = sum / n;
    CHECK(mean == Approx(0.5).margin(4 * std::sqrt(1.0 / 12 / n)));
    CHECK(sum2 / n - mean * mean == Approx(1.0 / 12).margin(0.002));
    CHECK(keyed_rng::uniform(0) > 0);
    CHECK(keyed_rng::uniform(0xFFFFFFFFu) < 1);
}

TEST_CASE("Poisson by inversion has the right mean, variance and zero probability", "[rng]") {
    const keyed_rng r(9, 0);
    for (double mean : {0.02, 0.3, 2.5}) {
        const double e = std::exp(-mean);
        double sum = 0, sum2 = 0, zeros = 0;
        const int n = 200000;
        for (int i = 0; i < n; ++i) {
            const double u = keyed_rng::uniform(
                r.words(rng_stream::demand_count, static_cast<std::uint32_t>(i), 1)[0]);
            const double k = poisson_from_uniform(u, mean, e);
            sum += k;
            sum2 += k * k;
            zeros += k == 0;
        }
        const double m = sum / n;
        INFO("mean " << mean);
        CHECK(m == Approx(mean).margin(4 * std::sqrt(mean / n)));
        CHECK(sum2 / n - m * m == Approx(mean).epsilon(0.03).margin(0.001));
        CHECK(zeros / n == Approx(e).margin(4 * std::sqrt(e * (1 - e) / n)));
    }
}

TEST_CASE("radix sort agrees with std::sort on event-like and random keys", "[radix_sort]") {
    std::vector<std::uint64_t> scratch;
    for (int trial = 0; trial < 5; ++trial) {
        std::vector<std::uint64_t> keys;
        const zorgsim::keyed_rng rng(11, static_cast<std::uint32_t>(trial));
        // The last trial is below the size where std::sort takes over.
        const std::uint32_t n = trial == 4 ? 50 : 20000;
        for (std::uint32_t i = 0; i < n; ++i) {
            const auto w = rng.words(zorgsim::rng_stream::demand_detail, i, 0);
            const std::uint64_t k =
                trial == 0   ? (std::uint64_t{w[0]} << 32) | w[1]                // all bytes random
                : trial == 1 ? (std::uint64_t{w[0] % 300} << 32) | (w[1] % 5000) // event-like
                : trial == 2 ? 42u                                               // all equal
                : trial == 3 ? std::uint64_t{i} << 40                            // one byte differs
                             : w[0];                                             // short run
            keys.push_back(k);
        }
        auto expected = keys;
        std::sort(expected.begin(), expected.end());
        zorgsim::radix_sort(keys, scratch);
        CHECK(keys == expected);
    }
    std::vector<std::uint64_t> empty;
    zorgsim::radix_sort(empty, scratch);
    CHECK(empty.empty());
}
