#include "engine/core/key_counter.hpp"
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

TEST_CASE("counting keys gives each distinct key once, ascending, with its count",
          "[key_counter]") {
    zorgsim::key_counter counter; // one counter for every trial, as a thread reuses it per server
    for (int trial = 0; trial < 6; ++trial) {
        const zorgsim::keyed_rng rng(11, static_cast<std::uint32_t>(trial));
        std::vector<std::uint32_t> keys;
        const std::uint32_t n = trial == 5 ? 0 : 20000;
        for (std::uint32_t i = 0; i < n; ++i) {
            const auto w = rng.words(zorgsim::rng_stream::demand_detail, i, 0)[0];
            keys.push_back(trial == 0   ? w                         // nearly all distinct: grows
                           : trial == 1 ? (w % 18) << 24 | (w % 40) // event-like: few distinct
                           : trial == 2 ? 42u                       // all equal
                           : trial == 3 ? w % 3000                  // a thousand or so, then fewer
                                        : (w % 7) * 0x9E3779B1u);   // keys that share hash bits
        }
        auto sorted = keys;
        std::sort(sorted.begin(), sorted.end());
        std::vector<std::pair<std::uint32_t, std::uint32_t>> expected;
        for (const auto k : sorted) {
            if (expected.empty() || expected.back().first != k)
                expected.emplace_back(k, 0);
            ++expected.back().second;
        }
        std::vector<std::pair<std::uint32_t, std::uint32_t>> got;
        // Colliding keys on a fresh counter: in the grown table of earlier trials they would not
        // collide, nor wrap round its end.
        zorgsim::key_counter fresh;
        auto& c = trial == 4 ? fresh : counter;
        for (const auto& e : c.count(keys.data(), keys.data() + keys.size()))
            got.emplace_back(e.key, e.count);
        INFO("trial " << trial);
        CHECK(got == expected);
    }
}
