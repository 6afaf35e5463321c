// Counter-based random numbers (Random123 Philox4x32-10) keyed by ids, never by thread or call
// order: the same (seed, replicate, stream, entity, step, draw) always gives the same numbers, so
// results are identical for any thread count and scenario variants share random numbers.
#pragma once

#include <Random123/philox.h>

#include <array>
#include <cmath>
#include <cstdint>

namespace zorgsim {

// Independent purposes get independent streams; new streams are appended, never renumbered,
// because renumbering would change every result computed with the old numbers.
enum class rng_stream : std::uint8_t {
    generate_age = 1,
    generate_sex = 2,
    generate_conditions = 3,
    demand_count = 4,
    demand_detail = 5,
    management = 6,
    lever = 7,
    demography = 8,
    prevention = 9,
    propensity = 10,
};

class keyed_rng {
public:
    keyed_rng(std::uint64_t seed, std::uint32_t replicate)
        : key_{{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}},
          replicate_(replicate) {}

    // Four independent 32-bit words for (stream, entity, step, draw). draw < 2^24.
    std::array<std::uint32_t, 4> words(rng_stream stream, std::uint32_t entity, std::uint32_t step,
                                       std::uint32_t draw = 0) const {
        r123::Philox4x32::ctr_type ctr = {
            {entity, step, (static_cast<std::uint32_t>(stream) << 24) | (draw & 0xFFFFFFu),
             replicate_}};
        const auto out = r123::Philox4x32{}(ctr, key_);
        return {out[0], out[1], out[2], out[3]};
    }

    // A uniform in the open interval (0, 1) from one word: the midpoint of one of 2^32 cells.
    static double uniform(std::uint32_t word) { return (word + 0.5) * 0x1p-32; }

private:
    r123::Philox4x32::key_type key_;
    std::uint32_t replicate_;
};

// Poisson variate by inversion from one uniform; exp_minus_mean = e^-mean is precomputed by the
// caller because rates are fixed per (age band, conditions) class. Exact up to 64 events; the
// model keeps weekly means at or below 20 (validate_rates), where P(k > 64) < 1e-13.
inline std::uint32_t poisson_from_uniform(double u, double mean, double exp_minus_mean) {
    double p = exp_minus_mean;
    double cdf = p;
    std::uint32_t k = 0;
    while (u > cdf && k < 64) {
        ++k;
        p *= mean / k;
        cdf += p;
    }
    return k;
}

} // namespace zorgsim
