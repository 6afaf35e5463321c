// Counter-based random numbers (Random123 Philox4x32-10) keyed by ids, never by thread or call
// order: the same (seed, replicate, stream, entity, step, draw) always gives the same numbers, so
// results are identical for any thread count and scenario variants share random numbers.
#pragma once

#include <Random123/philox.h>

#include <array>
#include <cmath>
#include <cstdint>
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define ZORGSIM_PHILOX_AVX2 1
#endif

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

    // The words of one draw for eight entities at once, bit for bit those of words(): eight
    // Philox lanes side by side where the CPU has AVX2 (the release build targets no ISA, so the
    // CPU is asked at run time), one entity after another elsewhere.
    void words8(rng_stream stream, const std::uint32_t* entities, std::uint32_t step,
                std::uint32_t draw, std::array<std::uint32_t, 4>* out) const {
#ifdef ZORGSIM_PHILOX_AVX2
        static const bool avx2 = __builtin_cpu_supports("avx2");
        if (avx2) {
            words8_avx2(stream, entities, step, draw, out);
            return;
        }
#endif
        for (std::size_t b = 0; b < 8; ++b)
            out[b] = words(stream, entities[b], step, draw);
    }

    // A uniform in the open interval (0, 1) from one word: the midpoint of one of 2^32 cells.
    static double uniform(std::uint32_t word) {
        return (word + 0.5) * 0x1p-32;
    }

private:
#ifdef ZORGSIM_PHILOX_AVX2
    // Philox's mulhilo for eight 32-bit lanes: the even lanes' 64-bit products, then the odd's.
    __attribute__((target("avx2"))) static void mulhilo8(__m256i m, __m256i x, __m256i& lo,
                                                         __m256i& hi) {
        const __m256i even = _mm256_mul_epu32(x, m);
        const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(x, 32), m);
        lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
        hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
    }

    // Philox4x32-10 as in Random123's philox.h, with the entity word eight lanes wide.
    __attribute__((target("avx2"))) void words8_avx2(rng_stream stream,
                                                     const std::uint32_t* entities,
                                                     std::uint32_t step, std::uint32_t draw,
                                                     std::array<std::uint32_t, 4>* out) const {
        const __m256i m0 = _mm256_set1_epi32(static_cast<int>(0xD2511F53u));
        const __m256i m1 = _mm256_set1_epi32(static_cast<int>(0xCD9E8D57u));
        __m256i x0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(entities));
        __m256i x1 = _mm256_set1_epi32(static_cast<int>(step));
        __m256i x2 = _mm256_set1_epi32(
            static_cast<int>((static_cast<std::uint32_t>(stream) << 24) | (draw & 0xFFFFFFu)));
        __m256i x3 = _mm256_set1_epi32(static_cast<int>(replicate_));
        std::uint32_t k0 = key_[0], k1 = key_[1];
        for (int round = 0; round < 10; ++round) {
            if (round > 0) { // the key bump between rounds
                k0 += 0x9E3779B9u;
                k1 += 0xBB67AE85u;
            }
            __m256i lo0, hi0, lo1, hi1;
            mulhilo8(m0, x0, lo0, hi0);
            mulhilo8(m1, x2, lo1, hi1);
            x0 = _mm256_xor_si256(_mm256_xor_si256(hi1, x1),
                                  _mm256_set1_epi32(static_cast<int>(k0)));
            x1 = lo1;
            x2 = _mm256_xor_si256(_mm256_xor_si256(hi0, x3),
                                  _mm256_set1_epi32(static_cast<int>(k1)));
            x3 = lo0;
        }
        alignas(32) std::uint32_t w[4][8];
        _mm256_store_si256(reinterpret_cast<__m256i*>(w[0]), x0);
        _mm256_store_si256(reinterpret_cast<__m256i*>(w[1]), x1);
        _mm256_store_si256(reinterpret_cast<__m256i*>(w[2]), x2);
        _mm256_store_si256(reinterpret_cast<__m256i*>(w[3]), x3);
        for (std::size_t b = 0; b < 8; ++b)
            out[b] = {w[0][b], w[1][b], w[2][b], w[3][b]};
    }
#endif

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
